//! Hostile and broken pages: the binary answers (exit 0) or fails cleanly, never panics.
//! Where the compat rules fix the answer, the exact line is asserted.

use test_server::{Rng, Route, TestServer};

use crate::support::{hc, run};

/// Serves `body` as HTML and runs the binary on it with `args` before the URL.
fn serve_and_run(body: Vec<u8>, args: &[&str]) -> crate::support::Run {
    let server = TestServer::start(vec![("/", Route::html(body))]);
    let url = server.url("/");
    let mut all: Vec<&str> = args.to_vec();
    all.push(&url);
    hc(&all)
}

#[test]
fn random_bytes_are_a_page_without_links() {
    let body = Rng::new(0x5EED).bytes(1 << 20);
    assert!(
        std::str::from_utf8(&body).is_err(),
        "the garbage must not be utf-8"
    );
    for format in ["compat", "json", "report", "csv", "markdown"] {
        let out = serve_and_run(body.clone(), &["--format", format]);
        assert!(out.assert_clean(), "{format}: garbage is still a page");
        out.stdout(); // valid UTF-8 whatever came in
    }
}

#[test]
fn random_bytes_from_standard_input() {
    let body = Rng::new(42).bytes(1 << 20);
    let out = run(&["--report", "-"], &[], Some(&body));
    assert!(out.assert_clean(), "garbage is still a page");
}

#[test]
fn invalid_utf8_inside_links_still_gives_valid_output() {
    // A declared-UTF-8 page with broken sequences in an href, a text and a rel.
    let body = b"<a href=\"/caf\xe9\xff\" rel=\"no\xc3follow\">\xc3\x28 text \xf0\x9f</a>\
                 <a href=\"http://ex\xfe.com/\">host</a>"
        .to_vec();
    let out = serve_and_run(body.clone(), &[]);
    assert!(out.assert_clean());
    for format in ["json", "ndjson", "csv", "markdown", "report"] {
        let out = serve_and_run(body.clone(), &["--format", format]);
        assert!(out.assert_clean(), "{format}");
        if format == "json" {
            let value: serde_json::Value = out.json();
            assert_eq!(value["links"].as_array().map(Vec::len), Some(2), "{value}");
        }
    }
}

#[test]
fn html_cut_inside_a_tag_does_not_count_the_cut_tag() {
    // The last <a> never closes: Go's tokenizer drops it ("tag cut off by the end of the page").
    let body =
        br#"<a href="/a">a</a><a href="http://example.com/">x</a><a href="http://cut.example/"#;
    serve_and_run(body.to_vec(), &[]).assert_ok("{\"internal\":1,\"external\":1}\n");
}

#[test]
fn html_cut_anywhere_never_panics() {
    let page = br##"<!doctype html><html><head><meta charset="utf-8"><base href="/b/"></head>
<body><!-- c --><a href="/a" rel="nofollow" target=_blank>text <img alt="i"></a>
<a href='http://example.com/?q=1&amp;r=2'>x</a><script>var s = "<a href='/no'>";</script>
<a href=#f>f</a><a href=mailto:a@b.c>m</a><textarea><a href=/t></textarea></body></html>"##;
    // Every cut through one page; the binary reads it from standard input to keep this fast.
    for cut in (0..=page.len()).step_by(7) {
        let out = run(&["--format", "json", "-"], &[], Some(&page[..cut]));
        assert!(
            !out.stderr.contains("panicked"),
            "cut at {cut}: {}",
            out.stderr
        );
        assert!(
            matches!(out.code, 0 | 2),
            "cut at {cut}: exit {} {}",
            out.code,
            out.stderr
        );
    }
}

#[test]
fn a_ten_megabyte_href_is_one_link() {
    let mut body = b"<a href=\"/".to_vec();
    body.resize(body.len() + 10_000_000, b'a');
    body.extend_from_slice(b"\">x</a><a href=\"http://example.com/\">y</a>");
    serve_and_run(body, &[]).assert_ok("{\"internal\":1,\"external\":1}\n");
}

#[test]
fn a_ten_megabyte_href_in_a_report() {
    let mut body = b"<a href=\"http://example.com/".to_vec();
    body.resize(body.len() + 10_000_000, b'b');
    body.extend_from_slice(b"\">x</a>");
    let out = serve_and_run(body, &["--format", "csv"]);
    assert!(out.assert_clean());
    assert_eq!(out.stdout().lines().count(), 2, "header and one row");
}

#[test]
fn a_hundred_thousand_nested_divs() {
    let depth = 100_000;
    let mut body = "<div>".repeat(depth);
    body.push_str(r#"<a href="http://example.com/">deep <b>text</b></a><a href="/x">x</a>"#);
    body.push_str(&"</div>".repeat(depth));
    serve_and_run(body.clone().into_bytes(), &[]).assert_ok("{\"internal\":1,\"external\":1}\n");
    let out = serve_and_run(body.into_bytes(), &["--report"]);
    assert!(out.assert_clean());
    assert!(out.stdout().contains("deep text"), "{}", out.stdout());
}

#[test]
fn a_hundred_thousand_nested_anchors() {
    // Anchors that never close: each is still one link.
    let depth = 100_000;
    let body = r#"<a href="/x"><span>"#.repeat(depth);
    serve_and_run(body.into_bytes(), &[])
        .assert_ok(&format!("{{\"internal\":{depth},\"external\":0}}\n"));
}

#[test]
fn one_enormous_comment_hides_its_links() {
    let mut body = b"<a href=\"/before\">b</a><!--".to_vec();
    for _ in 0..200_000 {
        body.extend_from_slice(b"<a href=\"http://hidden.example/\">hidden</a> -- - > ");
    }
    body.extend_from_slice(b"--><a href=\"http://after.example/\">after</a>");
    serve_and_run(body, &[]).assert_ok("{\"internal\":1,\"external\":1}\n");
}

#[test]
fn an_unterminated_comment_runs_to_the_end() {
    let mut body = b"<a href=\"/before\">b</a><!--".to_vec();
    body.extend_from_slice(&b"<a href=\"http://hidden.example/\">hidden</a>".repeat(100_000));
    serve_and_run(body, &[]).assert_ok("{\"internal\":1,\"external\":0}\n");
}

#[test]
fn an_unterminated_script_hides_the_rest() {
    let mut body = b"<a href=\"/before\">b</a><script>".to_vec();
    body.extend_from_slice(&b"<a href=\"http://hidden.example/\">hidden</a>".repeat(100_000));
    serve_and_run(body, &[]).assert_ok("{\"internal\":1,\"external\":0}\n");
}

#[test]
fn many_attributes_and_hrefs_on_one_tag() {
    // Every href attribute of a tag counts, as in Go.
    let mut tag = String::from("<a");
    for i in 0..10_000 {
        tag.push_str(&format!(" data-x{i}=\"{i}\""));
    }
    tag.push_str(r#" href="/one" href="http://example.com/two">x</a>"#);
    serve_and_run(tag.into_bytes(), &[]).assert_ok("{\"internal\":1,\"external\":1}\n");
}

#[test]
fn nul_bytes_and_control_characters() {
    let body = b"\0\0<a href=\"/\0x\">\x01\x02\x1b[2J</a>\0<a\0href=\"http://example.com/\">n</a>"
        .to_vec();
    let out = serve_and_run(body.clone(), &[]);
    assert!(out.assert_clean());
    let out = serve_and_run(body, &["--report"]);
    assert!(out.assert_clean());
    assert!(
        !out.stdout().contains('\u{1b}'),
        "escape sequences reach the terminal"
    );
}

#[test]
fn a_page_of_only_less_than_signs() {
    serve_and_run(b"<".repeat(1 << 20), &[]).assert_ok("{\"internal\":0,\"external\":0}\n");
}
