//! The command as users run it: the original tool's `url=... href-counter` contract, redirects,
//! usage errors, network failures, help, version, User-Agent and HTTPS.

use test_server::{closed_port_url, Route, TestServer};

use crate::support::{hc, run, PlainServer, Reply, TempDir, VERSION};

// ---------------------------------------------------------------------------------------------
// The drop-in contract

/// A page served at `http://{own}/`, `other` being another port on 127.0.0.1. Every line says
/// what the original tool made of it (crates/hrefs/src/compat.rs): internal when Go's host
/// equals the typed host (raw string, port included), when the href starts with '#', or when
/// there is no host; external otherwise; not counted when Go's url.Parse rejects it.
fn contract_page(own: &str, other: &str, own_port: u16) -> String {
    format!(
        r##"<!doctype html>
<html><head><title>contract</title><link href="http://elsewhere.example/style.css"></head>
<body>
<a href="http://{own}/docs">internal: the typed host, port included</a>
<a href="http://{own}">internal: the typed host, no path</a>
<a href="https://{own}/x">internal: the scheme is never compared</a>
<A HREF="HTTP://{own}/upper">internal: tag, attribute and scheme case don't matter</A>
<a href="http://{other}/">external: same address, other port</a>
<a href="http://127.0.0.1/">external: same address, no port</a>
<a href="http://localhost:{own_port}/">external: another spelling of the host</a>
<a href="//cdn.example.com/x">external: scheme-relative with a host</a>
<a href="/relative">internal: no host</a>
<a href="page.html">internal: no host</a>
<a href="#top">internal: fragment</a>
<a href="mailto:a@example.com">internal: opaque, no host</a>
<a href="%zz">not counted: invalid escape</a>
<a href="http://a b.com/">not counted: space in the host</a>
<!-- <a href="http://in.a.comment/">not counted: a comment</a> -->
<a name="anchor">not counted: no href</a>
<script>document.write('<a href="http://in.a.script/">not counted</a>')</script>
</body></html>
"##
    )
}

/// The hand count of [`contract_page`]: 8 internal, 4 external (the `<link>` is no anchor).
const CONTRACT_COUNTS: &str = "{\"internal\":8,\"external\":4}\n";

/// A [`PlainServer`] serving [`contract_page`] at `/`.
fn contract_server() -> PlainServer {
    let mut server = PlainServer::bind();
    let other = PlainServer::bind();
    let page = contract_page(&server.host(), &other.host(), server_port(&server));
    server.serve(vec![("/".into(), Reply::Html(page))]);
    server
}

fn server_port(server: &PlainServer) -> u16 {
    let host = server.host();
    host.rsplit(':').next().unwrap().parse().unwrap()
}

#[test]
fn url_variable_prints_the_original_json_line() {
    let server = contract_server();
    let out = run(&[], &[("url", &server.url("/"))], None);
    out.assert_ok(CONTRACT_COUNTS);
}

#[test]
fn url_argument_prints_the_same_line() {
    let server = contract_server();
    hc(&[&server.url("/")]).assert_ok(CONTRACT_COUNTS);
}

#[test]
fn an_argument_wins_over_the_url_variable() {
    let server = contract_server();
    let out = run(
        &[&server.url("/")],
        &[("url", "http://127.0.0.1:1/never-fetched")],
        None,
    );
    out.assert_ok(CONTRACT_COUNTS);
}

#[test]
fn an_empty_page_counts_zero() {
    let server = TestServer::start(vec![("/", Route::html(""))]);
    hc(&[&server.url("/")]).assert_ok("{\"internal\":0,\"external\":0}\n");
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[test]
fn redirects_are_followed_and_the_final_page_counted() {
    // /start's own body (an <a href="/end">) must not be counted: only /end's 3 + 1.
    let server = TestServer::start(vec![
        ("/start", Route::redirect(301, "/end")),
        (
            "/end",
            Route::html(
                r#"<a href="/a">a</a><a href="b">b</a><a href="?c">c</a><a href="http://example.com/">x</a>"#,
            ),
        ),
    ]);
    hc(&[&server.url("/start")]).assert_ok("{\"internal\":3,\"external\":1}\n");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/start", "/end"]);
}

#[test]
fn links_are_classified_against_the_url_as_typed_not_the_final_one() {
    // Like Go: the typed URL's host stays the reference after a redirect to another host.
    let mut typed = PlainServer::bind();
    let mut target = PlainServer::bind();
    let page = format!(
        r#"<a href="http://{typed}/x">internal: the typed host</a>
<a href="http://{target}/y">external: the final host is not the typed one</a>
<a href="/rel">internal: no host</a>"#,
        typed = typed.host(),
        target = target.host()
    );
    target.serve(vec![("/end".into(), Reply::Html(page))]);
    typed.serve(vec![(
        "/start".into(),
        Reply::Redirect(302, target.url("/end")),
    )]);
    run(&[], &[("url", &typed.url("/start"))], None).assert_ok("{\"internal\":2,\"external\":1}\n");
}

/// A server with `/r0` → `/r1` → ... → `/r{hops}`, the last one a page with one link.
fn redirect_chain(hops: usize) -> TestServer {
    let paths: Vec<String> = (0..=hops).map(|i| format!("/r{i}")).collect();
    let mut routes: Vec<(&str, Route)> = Vec::new();
    for i in 0..hops {
        routes.push((&paths[i], Route::redirect(302, &paths[i + 1])));
    }
    routes.push((&paths[hops], Route::html(r#"<a href="/home">home</a>"#)));
    TestServer::start(routes)
}

#[test]
fn a_redirect_loop_fails_naming_the_url() {
    let server = TestServer::start(vec![
        ("/a", Route::redirect(302, "/b")),
        ("/b", Route::redirect(302, "/a")),
    ]);
    let url = server.url("/a");
    hc(&[&url]).assert_failed(1, &["redirect loop", &url]);
}

#[test]
fn ten_redirects_are_followed() {
    let server = redirect_chain(10);
    hc(&[&server.url("/r0")]).assert_ok("{\"internal\":1,\"external\":0}\n");
}

#[test]
fn more_than_ten_redirects_fail() {
    let server = redirect_chain(11);
    let url = server.url("/r0");
    hc(&[&url]).assert_failed(1, &["more than 10 redirects", &url]);
    assert_eq!(server.requests().len(), 11, "no request past the limit");
}

#[test]
fn max_redirects_lowers_the_limit() {
    let server = redirect_chain(2);
    hc(&["--max-redirects", "2", &server.url("/r0")])
        .assert_ok("{\"internal\":1,\"external\":0}\n");
    let server = redirect_chain(3);
    let url = server.url("/r0");
    hc(&["--max-redirects", "2", &url]).assert_failed(1, &["more than 2 redirects", &url]);
}

#[test]
fn max_redirects_zero_follows_none() {
    let server = redirect_chain(1);
    let url = server.url("/r0");
    hc(&["--max-redirects", "0", &url]).assert_failed(1, &["more than 0 redirects", &url]);
}

// ---------------------------------------------------------------------------------------------
// Usage errors: exit 2, nothing attempted

#[test]
fn no_input_and_no_url_variable_is_a_usage_error() {
    hc(&[]).assert_failed(2, &["no page given", "url"]);
}

#[test]
fn an_empty_url_variable_is_a_usage_error() {
    run(&[], &[("url", "")], None).assert_failed(2, &["no page given", "url"]);
}

#[test]
fn an_invalid_url_variable_is_a_usage_error() {
    run(&[], &[("url", "not a url")], None).assert_failed(2, &["invalid url", "not a url"]);
}

#[test]
fn an_ftp_url_is_a_usage_error() {
    run(&[], &[("url", "ftp://x/")], None).assert_failed(2, &["ftp://x/", "ftp"]);
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    hc(&["--bogus", "http://127.0.0.1:1/"]).assert_failed(2, &["--bogus"]);
}

#[test]
fn an_unknown_scope_is_a_usage_error() {
    hc(&["--scope", "nonsense", "http://127.0.0.1:1/"]).assert_failed(2, &["nonsense", "scope"]);
}

#[test]
fn a_negative_timeout_is_a_usage_error() {
    hc(&["--timeout=-1", "http://127.0.0.1:1/"]).assert_failed(2, &["--timeout", "-1"]);
}

#[test]
fn a_negative_timeout_as_a_separate_argument_is_a_usage_error() {
    hc(&["--timeout", "-1", "http://127.0.0.1:1/"]).assert_failed(2, &["--timeout", "-1"]);
}

#[test]
fn a_zero_timeout_is_a_usage_error() {
    hc(&["--timeout", "0", "http://127.0.0.1:1/"]).assert_failed(2, &["--timeout", "0"]);
}

#[test]
fn a_size_with_an_unknown_unit_is_a_usage_error() {
    hc(&["--max-body", "12parsecs", "http://127.0.0.1:1/"])
        .assert_failed(2, &["12parsecs", "max-body"]);
}

#[test]
fn an_unreadable_ca_file_is_a_usage_error() {
    let dir = TempDir::new("ca-missing");
    let missing = dir.path().join("missing.pem");
    let missing = missing.to_str().unwrap();
    hc(&["--ca-cert", missing, "http://127.0.0.1:1/"]).assert_failed(2, &[missing]);
}

#[test]
fn usage_errors_come_before_any_request() {
    let server = TestServer::start(vec![("/", Route::html("<a href=/x>x</a>"))]);
    let out = hc(&["--max-body", "12parsecs", &server.url("/")]);
    assert_eq!(out.code, 2, "stderr: {}", out.stderr);
    assert!(server.requests().is_empty(), "nothing may be fetched");
}

// ---------------------------------------------------------------------------------------------
// Network failures of a single input

#[test]
fn a_closed_port_is_connection_refused() {
    let url = closed_port_url();
    hc(&[&url]).assert_failed(1, &["connection refused", &url]);
}

#[test]
fn a_closed_port_from_the_url_variable_is_connection_refused() {
    let url = closed_port_url();
    run(&[], &[("url", &url)], None).assert_failed(1, &["connection refused", &url]);
}

// ---------------------------------------------------------------------------------------------
// Identity: help, version, User-Agent

#[test]
fn help_mentions_the_url_variable_and_the_exit_codes() {
    let out = hc(&["--help"]);
    out.assert_success();
    // Wrapping depends on the terminal width: compare with whitespace collapsed.
    let help = out
        .stdout()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        help.contains("`url` environment variable") || help.contains("url environment variable"),
        "{help}"
    );
    assert!(
        help.contains("url=https://example.com/ href-counter"),
        "{help}"
    );
    assert!(help.contains("Exit codes"), "{help}");
    for code in [
        "0 every page was read",
        "1 at least one page failed",
        "2 usage",
    ] {
        assert!(
            help.contains(code),
            "help should explain exit {code:?}: {help}"
        );
    }
}

#[test]
fn version_prints_name_and_version() {
    hc(&["--version"]).assert_ok(&format!("href-counter {VERSION}\n"));
}

#[test]
fn the_user_agent_names_the_tool_and_version() {
    let server = TestServer::start(vec![("/", Route::html("<a href=/x>x</a>"))]);
    hc(&[&server.url("/")]).assert_ok("{\"internal\":1,\"external\":0}\n");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(
        requests[0].header("user-agent"),
        Some(format!("href-counter/{VERSION}").as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// HTTPS

#[test]
fn https_with_the_servers_ca_succeeds() {
    let server = TestServer::https(vec![(
        "/",
        Route::html(r#"<a href="/a">a</a><a href="https://example.com/">x</a>"#),
    )]);
    let dir = TempDir::new("ca");
    let ca = dir.file("ca.pem", server.ca_pem().expect("an https server has a ca"));
    let url = server.url("/");
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    hc(&["--ca-cert", &ca, &url]).assert_ok("{\"internal\":1,\"external\":1}\n");
}

#[test]
fn https_with_an_unknown_ca_fails_with_a_certificate_error() {
    let server = TestServer::https(vec![("/", Route::html(r#"<a href="/a">a</a>"#))]);
    let url = server.url("/");
    let out = hc(&[&url]);
    out.assert_failed(1, &["tls", &url]);
    assert!(
        out.stderr.to_lowercase().contains("certificate"),
        "the cause should be the certificate: {}",
        out.stderr
    );
    assert!(
        server.requests().is_empty(),
        "no request over an untrusted connection"
    );
}

#[test]
fn a_ca_file_without_certificates_is_rejected() {
    let dir = TempDir::new("ca-empty");
    let ca = dir.file("empty.pem", "not a certificate\n");
    hc(&["--ca-cert", &ca, "http://127.0.0.1:1/"]).assert_failed(2, &[&ca]);
}
