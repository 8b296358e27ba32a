//! The fetch module against a real server on 127.0.0.1.
//!
//! Timeouts are short but the assertions never depend on how long things took beyond
//! generous bounds: CI has two shared cores.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use hrefs::fetch::{FetchConfig, FetchError, Fetcher, RedirectProblem, Response, USER_AGENT};
use test_server::{closed_port_url, Route, TestServer};
use url::Url;

const MIB: u64 = 1024 * 1024;

fn fetcher(config: FetchConfig) -> Fetcher {
    Fetcher::new(config).expect("the fetcher builds")
}

fn default_fetcher() -> Fetcher {
    fetcher(FetchConfig::default())
}

fn url(s: &str) -> Url {
    Url::parse(s).expect("a valid test url")
}

async fn read_all(response: &mut Response) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn get_body(server: &TestServer, path: &str) -> Vec<u8> {
    let mut response = default_fetcher()
        .get(&url(&server.url(path)))
        .await
        .unwrap();
    read_all(&mut response).await.unwrap()
}

/// A file in the temp dir, unique to this process and name, for CA bundles.
fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("hrefs-it-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("write a temp file");
    path
}

#[tokio::test]
async fn a_page_comes_back_with_status_headers_and_body() {
    let server = TestServer::start(vec![(
        "/",
        Route::html("<a href=/x>x</a>").header("X-Test", "yes"),
    )]);
    let mut response = default_fetcher().get(&url(&server.url("/"))).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.url().as_str(), server.url("/"));
    assert!(response.redirects().is_empty());
    assert_eq!(response.header("x-test"), Some("yes"));
    assert_eq!(response.charset(), Some("utf-8"));
    assert!(response.is_html());
    assert_eq!(read_all(&mut response).await.unwrap(), b"<a href=/x>x</a>");
    assert_eq!(response.body_bytes(), 16);
    assert!(response.elapsed() > Duration::ZERO);
}

#[tokio::test]
async fn user_agent_and_accept_encoding_are_sent() {
    let server = TestServer::start(vec![("/", Route::html("hi"))]);
    default_fetcher().get(&url(&server.url("/"))).await.unwrap();
    let custom = fetcher(FetchConfig {
        user_agent: "link-checker/9".to_string(),
        ..FetchConfig::default()
    });
    custom.get(&url(&server.url("/"))).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].header("user-agent"), Some(USER_AGENT));
    assert!(USER_AGENT.starts_with("href-counter/"));
    assert_eq!(requests[1].header("user-agent"), Some("link-checker/9"));
    let accept = requests[0].header("accept-encoding").unwrap_or_default();
    for coding in ["gzip", "br", "deflate"] {
        assert!(
            accept.contains(coding),
            "accept-encoding '{accept}' lacks {coding}"
        );
    }
}

#[tokio::test]
async fn redirects_relative_and_absolute_are_followed_and_recorded() {
    let end = TestServer::start(vec![("/final", Route::html("done"))]);
    let server = TestServer::start(vec![
        ("/a", Route::redirect(301, "/b")),
        ("/b", Route::redirect(302, "sub/c")),
        ("/sub/c", Route::redirect(307, "../d?x=1")),
        ("/d?x=1", Route::redirect(303, &end.url("/final"))),
    ]);
    let mut response = default_fetcher()
        .get(&url(&server.url("/a")))
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.url().as_str(), end.url("/final"));
    let hops: Vec<(String, u16)> = response
        .redirects()
        .iter()
        .map(|r| (r.url.to_string(), r.status))
        .collect();
    assert_eq!(
        hops,
        vec![
            (server.url("/a"), 301),
            (server.url("/b"), 302),
            (server.url("/sub/c"), 307),
            (server.url("/d?x=1"), 303),
        ]
    );
    assert_eq!(read_all(&mut response).await.unwrap(), b"done");
}

#[tokio::test]
async fn head_stays_head_across_redirects() {
    let server = TestServer::start(vec![
        ("/old", Route::redirect(303, "/new")),
        ("/new", Route::html("body").gzip()),
    ]);
    let mut response = default_fetcher()
        .head(&url(&server.url("/old")))
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.redirects().len(), 1);
    assert_eq!(response.chunk().await.unwrap(), None);
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["HEAD", "HEAD"]);
}

/// `/r0` → `/r1` → ... → `/r{n}` → `/end`: n + 1 redirects from `/r0`.
fn redirect_ladder(n: usize) -> TestServer {
    let mut routes: Vec<(String, Route)> = (0..n)
        .map(|i| {
            (
                format!("/r{i}"),
                Route::redirect(302, &format!("/r{}", i + 1)),
            )
        })
        .collect();
    routes.push((format!("/r{n}"), Route::redirect(302, "/end")));
    routes.push(("/end".to_string(), Route::html("end")));
    TestServer::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
}

#[tokio::test]
async fn ten_redirects_are_followed_and_the_eleventh_is_refused() {
    let server = redirect_ladder(10);

    let ok = default_fetcher()
        .get(&url(&server.url("/r1")))
        .await
        .unwrap();
    assert_eq!(ok.redirects().len(), 10);
    assert_eq!(ok.url().path(), "/end");

    let start = url(&server.url("/r0"));
    let err = default_fetcher().get(&start).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::TooManyRedirects { url, limit: 10 } if *url == start),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("more than 10 redirects from {start}")
    );
}

#[tokio::test]
async fn a_redirect_loop_is_reported_where_it_closes() {
    let server = TestServer::start(vec![
        ("/x", Route::redirect(302, "/y")),
        ("/y", Route::redirect(302, "/x#again")),
        ("/self", Route::redirect(301, "/self")),
    ]);
    let err = default_fetcher()
        .get(&url(&server.url("/x")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FetchError::RedirectLoop { url } if url.path() == "/x"),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .starts_with("redirect loop at http://127.0.0.1:"));

    let err = default_fetcher()
        .get(&url(&server.url("/self")))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err:?}");
    // Loops are caught when they close, not by running into the hop limit.
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_redirect_to_another_scheme_is_refused() {
    let server = TestServer::start(vec![("/", Route::redirect(302, "ftp://files.invalid/x"))]);
    let err = default_fetcher()
        .get(&url(&server.url("/")))
        .await
        .unwrap_err();
    match &err {
        FetchError::BadRedirect {
            url,
            location,
            reason,
        } => {
            assert_eq!(url.as_str(), server.url("/"));
            assert_eq!(location, "ftp://files.invalid/x");
            assert_eq!(*reason, RedirectProblem::NotHttp);
        }
        other => panic!("expected BadRedirect, got {other:?}"),
    }
    assert!(err.to_string().contains("only http and https"), "{err}");

    let server = TestServer::start(vec![("/", Route::redirect(302, "http://[::1"))]);
    let err = default_fetcher()
        .get(&url(&server.url("/")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::BadRedirect {
                reason: RedirectProblem::NotAUrl,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_3xx_without_location_is_the_final_answer() {
    let server = TestServer::start(vec![("/", Route::status(302))]);
    let response = default_fetcher().get(&url(&server.url("/"))).await.unwrap();
    assert_eq!(response.status(), 302);
    assert!(response.redirects().is_empty());
}

#[tokio::test]
async fn compressed_bodies_are_decoded() {
    let page = "<a href=/x>x</a>".repeat(1000);
    let server = TestServer::start(vec![
        ("/gzip", Route::html(page.clone()).gzip()),
        ("/br", Route::html(page.clone()).brotli()),
        ("/deflate", Route::html(page.clone()).deflate().chunked()),
    ]);
    for path in ["/gzip", "/br", "/deflate"] {
        assert_eq!(get_body(&server, path).await, page.as_bytes(), "{path}");
    }
}

#[tokio::test]
async fn statuses_are_answers_not_errors() {
    let server = TestServer::start(vec![("/boom", Route::status(500).body("oops"))]);
    let fetcher = default_fetcher();

    let mut missing = fetcher.get(&url(&server.url("/nope"))).await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(read_all(&mut missing).await.unwrap(), b"not found\n");

    let mut boom = fetcher.get(&url(&server.url("/boom"))).await.unwrap();
    assert_eq!(boom.status(), 500);
    assert_eq!(read_all(&mut boom).await.unwrap(), b"oops");
}

#[tokio::test]
async fn content_types_decide_what_is_html() {
    let server = TestServer::start(vec![
        ("/html", Route::html("x").content_type("Text/HTML")),
        (
            "/xhtml",
            Route::html("x").content_type("application/xhtml+xml"),
        ),
        ("/none", Route::html("x").without_header("Content-Type")),
        ("/png", Route::html("x").content_type("image/png")),
        (
            "/latin1",
            Route::html("x").content_type("text/html; Charset=\"ISO-8859-1\""),
        ),
    ]);
    let fetcher = default_fetcher();
    let get = |path: &str| {
        let target = url(&server.url(path));
        let fetcher = fetcher.clone();
        async move { fetcher.get(&target).await }
    };

    assert!(get("/html").await.unwrap().is_html());
    assert!(get("/xhtml").await.unwrap().is_html());
    let none = get("/none").await.unwrap();
    assert!(none.is_html());
    assert_eq!(none.content_type(), None);
    let png = get("/png").await.unwrap();
    assert!(!png.is_html());
    assert_eq!(png.content_type(), Some("image/png"));
    assert_eq!(png.charset(), None);
    let latin1 = get("/latin1").await.unwrap();
    assert!(latin1.is_html());
    assert_eq!(latin1.charset(), Some("ISO-8859-1"));
}

fn limited(max_body: u64) -> Fetcher {
    fetcher(FetchConfig {
        max_body: Some(max_body),
        ..FetchConfig::default()
    })
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let server = TestServer::start(vec![
        ("/exact", Route::html(vec![b'a'; MIB as usize])),
        ("/over", Route::html(vec![b'a'; MIB as usize + 1]).chunked()),
    ]);
    let fetcher = limited(MIB);

    let mut exact = fetcher.get(&url(&server.url("/exact"))).await.unwrap();
    assert_eq!(read_all(&mut exact).await.unwrap().len() as u64, MIB);

    let mut over = fetcher.get(&url(&server.url("/over"))).await.unwrap();
    let err = read_all(&mut over).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: MIB, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "response body of {} exceeds the 1 MiB limit (raise --max-body)",
            server.url("/over")
        )
    );
    // The error is final: no more chunks after it.
    assert_eq!(over.chunk().await.unwrap(), None);
}

#[tokio::test]
async fn the_limit_counts_decoded_bytes_so_a_gzip_bomb_stops_early() {
    let bomb = Route::html(vec![0u8; 16 * MIB as usize]).gzip();
    let server = TestServer::start(vec![("/bomb", bomb)]);
    let mut response = limited(MIB).get(&url(&server.url("/bomb"))).await.unwrap();

    let err = read_all(&mut response).await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
    assert!(response.body_bytes() > MIB);
    assert!(response.body_bytes() < 4 * MIB, "{}", response.body_bytes());
}

#[tokio::test]
async fn a_huge_streamed_body_is_cut_off_at_the_limit() {
    let total = 100 * 1000 * 1000;
    let server = TestServer::start(vec![
        (
            "/stream",
            Route::html("")
                .body_repeat("<p>filler</p>\n", total)
                .chunked(),
        ),
        (
            "/declared",
            Route::html("").body_repeat("<p>filler</p>\n", total),
        ),
    ]);
    let fetcher = limited(MIB);

    let mut streamed = fetcher.get(&url(&server.url("/stream"))).await.unwrap();
    let err = read_all(&mut streamed).await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
    assert!(streamed.body_bytes() < 2 * MIB, "{}", streamed.body_bytes());
    assert!(
        streamed.elapsed() < Duration::from_secs(20),
        "{:?}",
        streamed.elapsed()
    );

    // With an honest Content-Length the refusal needs no body bytes at all.
    let mut declared = fetcher.get(&url(&server.url("/declared"))).await.unwrap();
    let err = declared.chunk().await.unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
    assert_eq!(declared.body_bytes(), 0);
}

#[tokio::test]
async fn no_limit_reads_everything() {
    let server = TestServer::start(vec![("/", Route::html("").body_repeat("ab", 3 * MIB))]);
    let unlimited = fetcher(FetchConfig {
        max_body: None,
        ..FetchConfig::default()
    });
    let mut response = unlimited.get(&url(&server.url("/"))).await.unwrap();
    assert_eq!(read_all(&mut response).await.unwrap().len() as u64, 3 * MIB);
}

fn with_timeout(timeout: Duration) -> Fetcher {
    fetcher(FetchConfig {
        timeout,
        ..FetchConfig::default()
    })
}

fn impatient() -> Fetcher {
    with_timeout(Duration::from_millis(500))
}

/// For deadlines that must pass during the body: long enough that the headers surely come
/// first on a loaded machine, short enough to keep the test quick.
fn impatient_for_bodies() -> Fetcher {
    with_timeout(Duration::from_secs(2))
}

#[tokio::test]
async fn headers_that_never_come_time_out() {
    let server = TestServer::start(vec![(
        "/",
        Route::html("late").delay_headers(Duration::from_secs(600)),
    )]);
    let target = url(&server.url("/"));
    let err = impatient().get(&target).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Timeout { url, .. } if *url == target),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("timed out after 500ms fetching {target}")
    );
}

#[tokio::test]
async fn a_body_that_stalls_midway_times_out() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(vec![b'x'; 100_000]).stall_after(1000),
    )]);
    let mut response = impatient_for_bodies()
        .get(&url(&server.url("/")))
        .await
        .unwrap();
    let err = read_all(&mut response).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert_eq!(response.body_bytes(), 1000);
}

#[tokio::test]
async fn a_slow_body_counts_against_the_total_deadline() {
    // Every chunk arrives quickly, but the whole body would take 100 s.
    let server = TestServer::start(vec![(
        "/",
        Route::html(vec![b'x'; 1000]).slow(10, Duration::from_secs(1)),
    )]);
    let mut response = impatient_for_bodies()
        .get(&url(&server.url("/")))
        .await
        .unwrap();
    let err = read_all(&mut response).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_truncated_body_is_a_body_error() {
    let server = TestServer::start(vec![("/", Route::html("short").content_length_lie(1000))]);
    let mut response = default_fetcher().get(&url(&server.url("/"))).await.unwrap();
    let err = read_all(&mut response).await.unwrap_err();
    assert!(matches!(err, FetchError::Body { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("reading the body of http://127.0.0.1:"),
        "{err}"
    );
}

#[tokio::test]
async fn a_closed_port_refuses_the_connection() {
    let target = url(&closed_port_url());
    let err = default_fetcher().get(&target).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Refused { url } if *url == target),
        "{err:?}"
    );
    assert_eq!(err.to_string(), format!("connection refused by {target}"));
    assert_eq!(err.url(), Some(&target));
}

#[tokio::test]
async fn a_handshake_that_never_completes_hits_the_connect_timeout() {
    // The kernel completes TCP handshakes for a listener that never accepts, so the TLS
    // handshake is what waits, and the connect timeout covers it.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = url(&format!("https://{}/", silent.local_addr().unwrap()));
    let fetcher = fetcher(FetchConfig {
        connect_timeout: Duration::from_millis(300),
        ..FetchConfig::default()
    });
    let err = fetcher.get(&target).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::ConnectTimeout { url, .. } if *url == target),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("connecting to {target} timed out after 300ms")
    );
}

#[tokio::test]
async fn only_http_and_https_are_fetched() {
    let err = default_fetcher()
        .get(&url("ftp://127.0.0.1/file"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::UnsupportedScheme { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn https_works_with_the_test_ca_and_fails_without_it() {
    let server = TestServer::https(vec![("/", Route::html("secure"))]);
    let ca = temp_file("ca.pem", server.ca_pem().unwrap().as_bytes());
    let target = url(&server.url("/"));
    assert_eq!(target.scheme(), "https");

    let trusting = fetcher(FetchConfig {
        root_certs: vec![ca.clone()],
        ..FetchConfig::default()
    });
    let mut response = trusting.get(&target).await.unwrap();
    assert_eq!(read_all(&mut response).await.unwrap(), b"secure");

    let err = default_fetcher().get(&target).await.unwrap_err();
    assert!(matches!(err, FetchError::Tls { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("tls handshake with {target} failed")),
        "{msg}"
    );
    assert!(msg.contains("certificate"), "{msg}");
    let _ = std::fs::remove_file(ca);
}

#[tokio::test]
async fn plain_http_on_an_https_url_is_a_tls_error() {
    let server = TestServer::start(vec![("/", Route::html("plain"))]);
    let target = url(&server.url("/").replacen("http://", "https://", 1));
    let err = default_fetcher().get(&target).await.unwrap_err();
    assert!(matches!(err, FetchError::Tls { .. }), "{err:?}");
}

#[test]
fn unusable_ca_files_are_named() {
    let missing = std::env::temp_dir().join("hrefs-it-no-such-ca.pem");
    let err = Fetcher::new(FetchConfig {
        root_certs: vec![missing.clone()],
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert!(
        matches!(&err, FetchError::CaFile { path, .. } if *path == missing),
        "{err:?}"
    );
    assert!(err.to_string().contains("hrefs-it-no-such-ca.pem"), "{err}");

    let not_pem = temp_file("not-a-ca.pem", b"hello, i am not a certificate\n");
    let err = Fetcher::new(FetchConfig {
        root_certs: vec![not_pem.clone()],
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert!(
        matches!(&err, FetchError::CaFile { path, .. } if *path == not_pem),
        "{err:?}"
    );
    assert!(err.to_string().contains("no pem certificate"), "{err}");
    let _ = std::fs::remove_file(not_pem);

    let garbage = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let bad_der = temp_file("bad-der.pem", garbage);
    let err = Fetcher::new(FetchConfig {
        root_certs: vec![bad_der.clone()],
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert!(
        matches!(&err, FetchError::CaFile { path, .. } if *path == bad_der),
        "{err:?}"
    );
    let _ = std::fs::remove_file(bad_der);
}

#[test]
fn a_bad_user_agent_is_refused_when_building() {
    let err = Fetcher::new(FetchConfig {
        user_agent: "two\nlines".to_string(),
        ..FetchConfig::default()
    })
    .unwrap_err();
    assert!(matches!(err, FetchError::Build { .. }), "{err:?}");
    assert!(err.to_string().contains("user agent"), "{err}");
}

/// Environment variable that turns the `child_*` tests below into real tests: proxies are read
/// from the environment, and changing it in a threaded test binary is unsound, so the parent
/// test re-runs this binary with the variables set.
const CHILD: &str = "HREFS_IT_CHILD";

fn run_child(test: &str, env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(std::env::current_exe().expect("the test binary's path"));
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"]);
    for var in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
        "REQUEST_METHOD",
    ] {
        cmd.env_remove(var).env_remove(var.to_ascii_uppercase());
    }
    cmd.env(CHILD, test);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run the test binary again");
    assert!(
        output.status.success(),
        "{test} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "{test} did not run"
    );
    output
}

fn is_child(test: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|t| t == test)
}

#[test]
fn proxy_variables_are_honoured() {
    let proxy = TestServer::start(vec![("*", Route::html("via proxy"))]);
    let direct = TestServer::start(vec![("/", Route::html("direct"))]);
    let proxy_url = format!("http://{}", proxy.addr());
    run_child(
        "fetch::child_fetches_through_the_proxy",
        &[
            ("HTTP_PROXY", proxy_url.as_str()),
            ("NO_PROXY", "localhost,127.0.0.1"),
            ("HREFS_IT_DIRECT", direct.url("/").as_str()),
        ],
    );

    let proxied = proxy.requests();
    assert_eq!(proxied.len(), 1, "{proxied:?}");
    assert_eq!(proxied[0].target, "http://example.invalid/page?q=1");
    assert_eq!(proxied[0].header("host"), Some("example.invalid"));
    assert_eq!(proxied[0].header("user-agent"), Some(USER_AGENT));
    // NO_PROXY sent the other request straight to its server.
    assert_eq!(direct.requests().len(), 1);
}

#[tokio::test]
// Does its work only when re-run by proxy_variables_are_honoured, with the proxy variables set.
async fn child_fetches_through_the_proxy() {
    if !is_child("fetch::child_fetches_through_the_proxy") {
        return;
    }
    let fetcher = default_fetcher();
    let mut response = fetcher
        .get(&url("http://example.invalid/page?q=1"))
        .await
        .unwrap();
    assert_eq!(read_all(&mut response).await.unwrap(), b"via proxy");
    let direct = std::env::var("HREFS_IT_DIRECT").unwrap();
    let mut response = fetcher.get(&url(&direct)).await.unwrap();
    assert_eq!(read_all(&mut response).await.unwrap(), b"direct");
}

#[test]
fn a_missing_system_certificate_store_is_not_an_error() {
    // As in a FROM scratch image: the compiled-in roots (and the extra CA) must suffice.
    run_child(
        "fetch::https_works_with_the_test_ca_and_fails_without_it",
        &[
            ("SSL_CERT_FILE", "/nonexistent/ca-certificates.crt"),
            ("SSL_CERT_DIR", "/nonexistent/certs"),
        ],
    );
}

#[test]
fn socks_proxies_are_refused_up_front() {
    run_child(
        "fetch::child_refuses_socks",
        &[("all_proxy", "socks5h://127.0.0.1:1080")],
    );
}

#[test]
// Does its work only when re-run by socks_proxies_are_refused_up_front, with ALL_PROXY set.
fn child_refuses_socks() {
    if !is_child("fetch::child_refuses_socks") {
        return;
    }
    let err = Fetcher::new(FetchConfig::default()).unwrap_err();
    assert!(
        matches!(&err, FetchError::UnsupportedProxy { var, scheme } if var == "all_proxy" && scheme == "socks5h"),
        "{err:?}"
    );
}
