//! What the network can throw at the binary: compressed and encoded bodies, slow and stalled
//! servers, huge bodies, non-HTML answers and error statuses.

use std::time::Duration;

use serde::Deserialize;
use test_server::{Route, TestServer};

use crate::support::hc;

/// A failure that must not wait for the 30 s default timeout (nor hang): generous for a loaded
/// two-core machine, far below what a missed `--timeout 1` would take.
const BOUNDED: Duration = Duration::from_secs(20);

/// 200 blocks of 3 internal and 2 external links: a page that compresses well.
fn big_page() -> String {
    let block = r##"<p><a href="/a">a</a> <a href="#b">b</a> <a href="mailto:c@example.com">c</a>
<a href="https://example.com/d">d</a> <a href="//example.org/e">e</a></p>
"##;
    block.repeat(200)
}
const BIG_PAGE_COUNTS: &str = "{\"internal\":600,\"external\":400}\n";

// ---------------------------------------------------------------------------------------------
// Content encodings

fn assert_encoded_page_counts(route: Route, encoding: &str) {
    let server = TestServer::start(vec![("/", route)]);
    hc(&[&server.url("/")]).assert_ok(BIG_PAGE_COUNTS);
    let accept = server.requests()[0]
        .header("accept-encoding")
        .unwrap_or_default()
        .to_string();
    assert!(
        accept.contains(encoding),
        "accept-encoding {accept:?} lacks {encoding}"
    );
}

#[test]
fn a_plain_page_counts() {
    assert_encoded_page_counts(Route::html(big_page()), "gzip");
}

#[test]
fn a_gzip_body_is_decoded() {
    assert_encoded_page_counts(Route::html(big_page()).gzip(), "gzip");
}

#[test]
fn a_brotli_body_is_decoded() {
    assert_encoded_page_counts(Route::html(big_page()).brotli(), "br");
}

#[test]
fn a_deflate_body_is_decoded() {
    assert_encoded_page_counts(Route::html(big_page()).deflate(), "deflate");
}

#[test]
fn a_chunked_gzip_body_is_decoded() {
    assert_encoded_page_counts(
        Route::html(big_page())
            .gzip()
            .chunked()
            .slow(512, Duration::ZERO),
        "gzip",
    );
}

#[test]
fn a_close_delimited_body_is_read_to_the_end() {
    assert_encoded_page_counts(Route::html(big_page()).close_delimited(), "gzip");
}

#[test]
fn a_corrupt_gzip_body_fails_cleanly() {
    let server = TestServer::start(vec![(
        "/",
        Route::html("<a href=/x>this is not gzip</a>").header("Content-Encoding", "gzip"),
    )]);
    let url = server.url("/");
    hc(&[&url]).assert_failed(1, &[&url]);
}

#[test]
fn a_truncated_body_fails_cleanly() {
    let server = TestServer::start(vec![(
        "/",
        Route::html("<a href=/x>x</a>").content_length_lie(10_000),
    )]);
    let url = server.url("/");
    hc(&[&url]).assert_failed(1, &[&url]);
}

// ---------------------------------------------------------------------------------------------
// Character sets: counts never depend on them; reports decode text with them

#[derive(Debug, Deserialize)]
struct CharsetReport {
    charset: String,
    charset_source: String,
    internal: u64,
    external: u64,
    links: Vec<CharsetLink>,
}

#[derive(Debug, Deserialize)]
struct CharsetLink {
    href: String,
    text: String,
}

#[test]
fn a_latin1_page_counts_and_decodes() {
    // "Café crème" and "Été" in ISO-8859-1: é = E9, è = E8, É = C9 (invalid UTF-8 alone).
    let body: &[u8] =
        b"<a href=\"/caf\xe9\">Caf\xe9 cr\xe8me</a>\n<a href=\"http://example.com/\">\xc9t\xe9</a>";
    let route = || Route::html(body).content_type("text/html; charset=iso-8859-1");
    let server = TestServer::start(vec![("/", route())]);
    let url = server.url("/");
    hc(&[&url]).assert_ok("{\"internal\":1,\"external\":1}\n");

    let out = hc(&["--format", "json", &url]);
    out.assert_success();
    let report: CharsetReport = out.json();
    // WHATWG (and encoding_rs) read the iso-8859-1 label as windows-1252.
    assert_eq!(report.charset, "windows-1252");
    assert_eq!(report.charset_source, "header");
    assert_eq!((report.internal, report.external), (1, 1));
    let texts: Vec<(&str, &str)> = report
        .links
        .iter()
        .map(|l| (l.href.as_str(), l.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [("/café", "Café crème"), ("http://example.com/", "Été")]
    );
}

#[test]
fn a_shift_jis_page_declared_by_meta_counts_and_decodes() {
    // 日本語 = 93 FA 96 7B 8C EA; 表示 = 95 5C 8E A6 (a '\' as trail byte); カタログ =
    // 83 4A 83 5E 83 8D 83 4F. The header has no charset: <meta charset> decides.
    let mut body =
        b"<!doctype html><html><head><meta charset=\"shift_jis\"></head><body>\n".to_vec();
    body.extend_from_slice(b"<a href=\"/\x93\xfa\x96{\">\x93\xfa\x96{\x8c\xea</a>\n");
    body.extend_from_slice(
        b"<a href=\"https://example.jp/\">\x95\\\x8e\xa6 \x83J\x83^\x83\x8d\x83O</a>\n",
    );
    body.extend_from_slice(b"</body></html>\n");
    let server = TestServer::start(vec![("/", Route::html(body).content_type("text/html"))]);
    let url = server.url("/");
    hc(&[&url]).assert_ok("{\"internal\":1,\"external\":1}\n");

    let out = hc(&["--format", "json", &url]);
    out.assert_success();
    let report: CharsetReport = out.json();
    assert_eq!(report.charset, "shift_jis");
    assert_eq!(report.charset_source, "meta");
    let texts: Vec<(&str, &str)> = report
        .links
        .iter()
        .map(|l| (l.href.as_str(), l.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            ("/日本", "日本語"),
            ("https://example.jp/", "表示 カタログ")
        ]
    );
}

#[test]
fn a_utf8_bom_beats_the_header() {
    let body = "\u{feff}<a href=\"/x\">naïve</a>".as_bytes().to_vec();
    let server = TestServer::start(vec![(
        "/",
        Route::html(body).content_type("text/html; charset=iso-8859-1"),
    )]);
    let out = hc(&["--format", "json", &server.url("/")]);
    out.assert_success();
    let report: CharsetReport = out.json();
    assert_eq!(
        (report.charset.as_str(), report.charset_source.as_str()),
        ("utf-8", "bom")
    );
    assert_eq!(report.links[0].text, "naïve");
}

// ---------------------------------------------------------------------------------------------
// Slow and stalled servers

#[test]
fn a_slow_body_within_the_timeout_succeeds() {
    // About 40 writes 25 ms apart: a second or so, well inside the default 30 s.
    let page = r#"<a href="/a">a</a> <a href="http://example.com/">x</a> "#.repeat(20);
    let server = TestServer::start(vec![(
        "/",
        Route::html(page).slow(32, Duration::from_millis(25)),
    )]);
    hc(&[&server.url("/")]).assert_ok("{\"internal\":20,\"external\":20}\n");
}

#[test]
fn slow_headers_within_the_timeout_succeed() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(r#"<a href="/a">a</a>"#).delay_headers(Duration::from_millis(500)),
    )]);
    hc(&["--timeout", "20", &server.url("/")]).assert_ok("{\"internal\":1,\"external\":0}\n");
}

/// Serves `route` at `/`, runs with `--timeout SECS`, and expects the timeout error naming
/// `mention` and the URL, long before the watchdog.
#[track_caller]
fn assert_times_out(route: Route, secs: &str, mention: &str) {
    let server = TestServer::start(vec![("/", route)]);
    let url = server.url("/");
    let out = hc(&["--timeout", secs, &url]);
    out.assert_failed(1, &[mention, &url]);
    assert!(out.elapsed < BOUNDED, "took {:?}", out.elapsed);
}

#[test]
fn a_body_stalled_midway_times_out() {
    let route = Route::html(r#"<a href="/a">a</a>"#.repeat(100)).stall_after(100);
    assert_times_out(route, "1", "timed out");
}

#[test]
fn a_large_body_stalled_midway_times_out() {
    // Past the first MiB the rest of a page is extracted on another thread: a stall there
    // must still end in the timeout, not in a hang or a partial count.
    let piece = r#"<a href="/a">a</a> "#;
    let route = Route::html(Vec::new())
        .body_repeat(piece, 8 << 20)
        .stall_after(3 << 20);
    assert_times_out(route, "2", "timed out");
}

#[test]
fn headers_that_never_come_time_out() {
    let route = Route::html("<a href=/a>a</a>").delay_headers(Duration::from_secs(3600));
    assert_times_out(route, "1", "timed out");
}

#[test]
fn the_timeout_covers_a_body_that_trickles_forever() {
    // Each write comes quickly, but the whole body would take minutes.
    let route = Route::html("<p>trickle</p>".repeat(10_000)).slow(1, Duration::from_millis(10));
    assert_times_out(route, "1", "timed out");
}

#[test]
fn fractional_timeouts_are_accepted() {
    let route = Route::html("<a href=/a>a</a>").delay_headers(Duration::from_secs(3600));
    assert_times_out(route, "0.5", "timed out after 500ms");
}

// ---------------------------------------------------------------------------------------------
// Body size limits

fn ten_kib_page() -> String {
    let page = r#"<a href="/a">a</a>"#.repeat(10 * 1024 / 18 + 1);
    assert!(page.len() >= 10 * 1024);
    page
}

#[test]
fn a_body_over_max_body_fails_with_the_limit() {
    let server = TestServer::start(vec![("/", Route::html(ten_kib_page()))]);
    let url = server.url("/");
    hc(&["--max-body", "1KiB", &url]).assert_failed(1, &["1 KiB", "--max-body", &url]);
}

#[test]
fn a_streamed_body_over_max_body_fails_with_the_limit() {
    // Chunked: no Content-Length to refuse up front; the count must stop the stream.
    let server = TestServer::start(vec![(
        "/",
        Route::html(ten_kib_page())
            .chunked()
            .slow(512, Duration::ZERO),
    )]);
    let url = server.url("/");
    hc(&["--max-body", "1KiB", &url]).assert_failed(1, &["1 KiB", &url]);
}

#[test]
fn max_body_applies_to_the_decompressed_size() {
    // 10 KiB compresses to a few hundred bytes: the limit is on what the page really is.
    let server = TestServer::start(vec![("/", Route::html(ten_kib_page()).gzip())]);
    let url = server.url("/");
    hc(&["--max-body", "1KiB", &url]).assert_failed(1, &["1 KiB", &url]);
}

#[test]
fn max_body_zero_means_unlimited() {
    let page = ten_kib_page();
    let links = page.matches("<a ").count();
    let server = TestServer::start(vec![("/", Route::html(page))]);
    hc(&["--max-body", "0", &server.url("/")])
        .assert_ok(&format!("{{\"internal\":{links},\"external\":0}}\n"));
}

#[test]
fn a_body_exactly_at_max_body_is_read() {
    let page = "x".repeat(1024 - 18) + r#"<a href="/a">a</a>"#;
    assert_eq!(page.len(), 1024);
    let server = TestServer::start(vec![("/", Route::html(page))]);
    hc(&["--max-body", "1024", &server.url("/")]).assert_ok("{\"internal\":1,\"external\":0}\n");
}

#[test]
fn a_hundred_megabyte_stream_stops_at_max_body() {
    // Chunked: no length to refuse up front, so the count must cut the stream at 32 MiB.
    let server = TestServer::start(vec![(
        "/",
        Route::html(Vec::new())
            .body_repeat(
                r#"<a href="/x">x</a> filler filler filler filler "#,
                100_000_000,
            )
            .chunked(),
    )]);
    let url = server.url("/");
    // The size is under test, not the clock: a loaded machine must not turn this into a timeout.
    let out = hc(&["--timeout", "300", "--max-body", "32MiB", &url]);
    out.assert_failed(1, &["32 MiB", &url]);
    // Reading all 100 MB would be three times the work; this is only a hang detector.
    assert!(
        out.elapsed < Duration::from_secs(90),
        "took {:?}",
        out.elapsed
    );
}

/// The default limit as the error message writes it, e.g. "256 MiB".
fn default_limit() -> String {
    let limit = hrefs::fetch::DEFAULT_MAX_BODY;
    assert_eq!(limit % (1 << 20), 0, "the default is a whole number of MiB");
    format!("{} MiB", limit >> 20)
}

#[test]
fn a_declared_length_over_the_default_limit_is_refused_up_front() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(Vec::new()).body_repeat("<p>filler</p>", hrefs::fetch::DEFAULT_MAX_BODY + 1),
    )]);
    let url = server.url("/");
    let out = hc(&[&url]);
    out.assert_failed(1, &[&default_limit(), &url]);
    assert!(out.elapsed < BOUNDED, "took {:?}", out.elapsed);
}

#[test]
fn an_endless_stream_stops_at_the_default_limit() {
    // Plain text streams through the tokenizer fastest; 1 GB would take minutes to read whole.
    let server = TestServer::start(vec![(
        "/",
        Route::html(Vec::new())
            .body_repeat("endless text without any tag. ", 1 << 30)
            .chunked(),
    )]);
    let url = server.url("/");
    let out = hc(&["--timeout", "300", &url]);
    out.assert_failed(1, &[&default_limit(), &url]);
    assert!(
        out.elapsed < Duration::from_secs(150),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn every_link_of_a_multi_megabyte_page_is_counted() {
    // 20 links in each 1000-byte piece, and pieces cut across every read: the count must be
    // exact on both sides of the switch to the extraction thread after the first MiB.
    let piece = format!(
        "{}{}",
        r#"<a href="/in">in</a><a href="http://example.com/">out</a> "#.repeat(10),
        "x".repeat(1000 - 10 * 58)
    );
    assert_eq!(piece.len(), 1000);
    let server = TestServer::start(vec![(
        "/",
        Route::html(Vec::new()).body_repeat(piece, 5_000_000),
    )]);
    hc(&["--timeout", "300", &server.url("/")])
        .assert_ok("{\"internal\":50000,\"external\":50000}\n");
}

#[test]
fn a_hundred_megabyte_page_is_under_the_default_limit() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(Vec::new())
            .body_repeat("<p>Mostly text, which streams fastest.</p>\n", 100_000_000),
    )]);
    hc(&["--timeout", "300", &server.url("/")]).assert_ok("{\"internal\":0,\"external\":0}\n");
}

// ---------------------------------------------------------------------------------------------
// What the server answered

#[test]
fn an_image_is_not_an_html_page() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR<a href=\"/x\">".to_vec();
    let server = TestServer::start(vec![(
        "/logo.png",
        Route::html(png).content_type("image/png"),
    )]);
    let url = server.url("/logo.png");
    hc(&[&url]).assert_failed(1, &["not an html page", "image/png", &url]);
}

#[test]
fn a_missing_content_type_is_read_as_html() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(r#"<a href="/a">a</a><a href="http://example.com/">x</a>"#)
            .without_header("Content-Type"),
    )]);
    hc(&[&server.url("/")]).assert_ok("{\"internal\":1,\"external\":1}\n");
}

#[test]
fn xhtml_is_html() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(r#"<a href="/a">a</a>"#).content_type("application/xhtml+xml; charset=utf-8"),
    )]);
    hc(&[&server.url("/")]).assert_ok("{\"internal\":1,\"external\":0}\n");
}

#[test]
fn not_found_fails_naming_the_status() {
    let server = TestServer::start(vec![]);
    let url = server.url("/missing");
    hc(&[&url]).assert_failed(1, &["404", &url]);
}

#[test]
fn a_server_error_fails_naming_the_status() {
    let server = TestServer::start(vec![(
        "/",
        Route::status(500)
            .content_type("text/html")
            .body("<a href=\"/x\">error page links are not counted</a>"),
    )]);
    let url = server.url("/");
    hc(&[&url]).assert_failed(1, &["500", &url]);
}

#[test]
fn a_redirect_to_a_missing_page_names_the_final_url() {
    let server = TestServer::start(vec![("/start", Route::redirect(302, "/gone"))]);
    hc(&[&server.url("/start")]).assert_failed(1, &["404", &server.url("/gone")]);
}

#[test]
fn a_redirect_to_ftp_is_refused() {
    let server = TestServer::start(vec![("/start", Route::redirect(302, "ftp://example.com/"))]);
    let url = server.url("/start");
    hc(&[&url]).assert_failed(1, &["ftp://example.com/", &url]);
}

#[test]
fn an_unresolvable_name_is_a_dns_error() {
    // In a network namespace of its own (no interface, no name server reachable) the lookup
    // fails at once and no query leaves the machine. Root makes the namespace directly;
    // otherwise a user namespace maps us to root inside it.
    let as_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut unshare = std::process::Command::new("unshare");
    if !as_root {
        unshare.args(["--user", "--map-root-user"]);
    }
    let out = unshare
        .args([
            "--net",
            crate::support::BIN,
            "http://no-such-host.invalid./",
        ])
        .output()
        .expect("run unshare (util-linux)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(out.stdout.is_empty());
    crate::support::assert_error_lines(
        &stderr,
        &[&[
            "cannot resolve 'no-such-host.invalid.'",
            "http://no-such-host.invalid./",
        ]],
    );
}
