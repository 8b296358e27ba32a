//! Requests that reach staging sites: --header, --user, --cookie, --cookie-jar,
//! --user-agent and [[header]] tables, each sent to the hosts it is for and never to the
//! sites the pages link to; credentials never written to a report or a message.

use test_server::{Route, TestServer};

use crate::support::{hc, run, TempDir};

/// A site whose page links to `other` (another server: another host for the crawl).
fn site(other: &TestServer) -> TestServer {
    let page = format!(
        "<html lang=en><title>T</title><h1>T</h1><a href=\"/b.html\">b</a> <a href=\"{}\">out</a>",
        other.url("/x.html")
    );
    TestServer::start(vec![
        ("/", Route::html(page)),
        (
            "/b.html",
            Route::html("<html lang=en><title>B</title><h1>B</h1>"),
        ),
    ])
}

fn other() -> TestServer {
    TestServer::start(vec![("/x.html", Route::html("<title>X</title>"))])
}

#[test]
fn headers_credentials_and_cookies_go_to_the_site_only() {
    let elsewhere = other();
    let server = site(&elsewhere);
    let dir = TempDir::new("requests");
    let host = server.addr().ip().to_string();
    let jar = dir.file(
        "cookies.txt",
        format!("# Netscape HTTP Cookie File\n{host}\tFALSE\t/b.html\tFALSE\t0\tjarred\tyes\n"),
    );
    let run = hc(&[
        "crawl",
        "--check-external",
        "--format",
        "json",
        "--header",
        "X-Staging-Token: s3cret",
        "--user",
        "ci:hunter2",
        "--cookie",
        "session=abc",
        "--cookie-jar",
        &jar,
        "--user-agent",
        "docs-ci/1.0",
        &server.url("/"),
    ]);
    run.assert_success();
    assert!(!run.stdout().contains("hunter2") && !run.stdout().contains("s3cret"));
    let requests = server.requests();
    assert!(requests.len() >= 2, "{requests:?}");
    for r in &requests {
        assert_eq!(r.header("x-staging-token"), Some("s3cret"), "{r:?}");
        // ci:hunter2 in base64.
        assert_eq!(
            r.header("authorization"),
            Some("Basic Y2k6aHVudGVyMg=="),
            "{r:?}"
        );
        assert_eq!(r.header("user-agent"), Some("docs-ci/1.0"));
        let cookie = r.header("cookie").unwrap_or_default();
        let want = if r.target == "/b.html" {
            "session=abc; jarred=yes"
        } else {
            "session=abc"
        };
        assert_eq!(cookie, want, "{} {r:?}", r.target);
    }
    let out = elsewhere.requests();
    assert!(!out.is_empty(), "the external link was checked");
    for r in &out {
        assert_eq!(r.header("x-staging-token"), None);
        assert_eq!(r.header("authorization"), None);
        assert_eq!(r.header("cookie"), None);
        assert_eq!(r.header("user-agent"), Some("docs-ci/1.0"));
    }
}

#[test]
fn header_tables_in_the_configuration_file_go_to_their_hosts() {
    let elsewhere = other();
    let server = site(&elsewhere);
    let dir = TempDir::new("requests-config");
    let config = dir.file(
        "href-counter.toml",
        format!(
            "check-external = true\n\n[[header]]\nhosts = \"{}\"\nname = \"X-Partner\"\nvalue = \"1\"\n",
            elsewhere.addr()
        ),
    );
    let run = hc(&[
        "crawl",
        "-q",
        "--config",
        &config,
        "-o",
        "/dev/null",
        &server.url("/"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("x-partner").is_none()));
    assert!(elsewhere
        .requests()
        .iter()
        .all(|r| r.header("x-partner") == Some("1")));
}

#[test]
fn bad_request_options_are_usage_errors_that_keep_secrets() {
    let url = "http://127.0.0.1:9/";
    hc(&["crawl", "--header", "no colon", url]).assert_failed(2, &["--header", "no colon"]);
    hc(&["crawl", "--cookie", "novalue", url]).assert_failed(2, &["--cookie", "NAME=VALUE"]);
    hc(&["crawl", "--header", "Bad Name: x", url]).assert_failed(2, &["header", "Bad Name"]);
    let dir = TempDir::new("requests-bad");
    let jar = dir.file("jar.txt", "example.com\tTRUE\t/\n");
    hc(&["crawl", "--cookie-jar", &jar, url]).assert_failed(2, &[&jar, "line 1"]);
    let no_password = run(&["crawl", "--user", "ci", url], &[], None);
    no_password.assert_failed(2, &["--user ci", "HREF_COUNTER_PASSWORD"]);
    // The password from the environment, for CI secrets: the crawl runs (and fails to
    // connect, exit 4) without the password in any message.
    let from_env = run(
        &["crawl", "--user", "ci", url],
        &[("HREF_COUNTER_PASSWORD", "hunter2")],
        None,
    );
    assert_eq!(from_env.code, 4, "{}", from_env.stderr);
    assert!(!from_env.stderr.contains("hunter2") && !from_env.stdout().contains("hunter2"));
}

#[test]
fn one_page_gets_them_too() {
    let elsewhere = other();
    let server = site(&elsewhere);
    let run = hc(&["--header", "X-Token: t", "--user", "a:b", &server.url("/")]);
    run.assert_ok("{\"internal\":1,\"external\":1}\n");
    let r = &server.requests()[0];
    assert_eq!(r.header("x-token"), Some("t"));
    assert_eq!(r.header("authorization"), Some("Basic YTpi"));
}
