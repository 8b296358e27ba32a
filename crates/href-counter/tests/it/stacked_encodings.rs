//! Bodies with several content codings, `Content-Encoding: gzip, gzip, br`: undone in order,
//! last applied first, or refused with one error line when a coding is unknown or the stack
//! deeper than three, for a single page and in a crawl.

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::hc;

const PAGE: &str = r#"<a href="/a">a</a> <a href="/b">b</a> <a href="https://example.com/">c</a>"#;
const COUNTS: &str = "{\"internal\":2,\"external\":1}\n";

/// `route` with its `Content-Encoding` lines replaced by one line, `value`.
fn one_line(route: Route, value: &str) -> Route {
    route
        .without_header("Content-Encoding")
        .header("Content-Encoding", value)
}

#[test]
fn stacked_codings_are_undone_last_applied_first() {
    let server = TestServer::start(vec![
        (
            "/gzip-gzip",
            one_line(Route::html(PAGE).gzip().gzip(), "gzip, gzip"),
        ),
        // One header line per coding, as the test server sends them.
        ("/gzip-lines", Route::html(PAGE).gzip().gzip()),
        ("/gzip-br", Route::html(PAGE).gzip().brotli()),
        (
            "/three",
            one_line(
                Route::html(PAGE).deflate().gzip().brotli().chunked(),
                "deflate, GZIP,identity, br",
            ),
        ),
    ]);
    for path in ["/gzip-gzip", "/gzip-lines", "/gzip-br", "/three"] {
        hc(&[&server.url(path)]).assert_ok(COUNTS);
    }
}

#[test]
fn an_unknown_coding_or_a_deeper_stack_is_one_error_line() {
    let server = TestServer::start(vec![
        ("/zstd", one_line(Route::html(PAGE).gzip(), "gzip, zstd")),
        (
            "/deep",
            one_line(
                Route::html(PAGE).gzip().gzip().gzip().gzip(),
                "gzip, gzip, gzip, gzip",
            ),
        ),
    ]);
    let url = server.url("/zstd");
    hc(&[&url]).assert_failed(
        1,
        &[
            &url,
            "content-encoding 'gzip, zstd'",
            "'zstd' is not supported",
        ],
    );
    let url = server.url("/deep");
    hc(&[&url]).assert_failed(1, &[&url, "4 codings, more than the 3 undone"]);
}

#[test]
fn a_crawl_reads_stacked_pages_and_reports_refused_ones_as_transfer_errors() {
    let index = r#"<a href="/stacked">stacked</a> <a href="/zstd">zstd</a>"#;
    let server = TestServer::start(vec![
        (
            "/",
            one_line(Route::html(index).gzip().gzip(), "gzip, gzip"),
        ),
        (
            "/stacked",
            Route::html(r#"<a href="/leaf">leaf</a>"#).gzip().brotli(),
        ),
        ("/leaf", Route::html("<p>leaf</p>")),
        ("/zstd", one_line(Route::html(PAGE).gzip(), "zstd")),
    ]);
    let url = server.url("/");
    let out = hc(&["crawl", "--format", "json", "--quiet", "--no-sitemap", &url]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = out.json();
    let visit = |path: &str| crate::crawl::visit(&report, &server, path);
    assert_eq!(visit("/")["page"]["links"], 2);
    assert_eq!(visit("/stacked")["page"]["links"], 1);
    assert_eq!(
        visit("/leaf")["status"],
        200,
        "found through the stacked page"
    );
    let refused = visit("/zstd");
    assert_eq!(refused["error_kind"], "transfer");
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("'zstd' is not supported"),
        "{refused}"
    );

    // A start page that cannot be decoded fails the crawl, in one line.
    let start = server.url("/zstd");
    let out = hc(&["crawl", "--quiet", "--no-sitemap", &start]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    crate::support::assert_error_lines(&out.stderr, &[&[&start, "'zstd' is not supported"]]);
}
