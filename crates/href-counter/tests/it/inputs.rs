//! Several inputs in one run, local files and standard input: NDJSON lines in input order,
//! failures in place, and `--base` for pages that were not fetched.

use test_server::{closed_port_url, Route, TestServer};

use crate::support::{assert_error_lines, hc, run, TempDir};

// ---------------------------------------------------------------------------------------------
// Several inputs

#[test]
fn several_inputs_print_one_ndjson_line_each_in_order() {
    let server = TestServer::start(vec![
        ("/one", Route::html(r#"<a href="/a">a</a>"#)),
        (
            "/two",
            Route::html(
                r##"<a href="http://example.com/">x</a><a href="#t">t</a><a href="/b">b</a>"##,
            ),
        ),
    ]);
    let (one, two) = (server.url("/one"), server.url("/two"));
    let out = hc(&[&two, &one, &two]);
    let expected = format!(
        "{{\"input\":\"{two}\",\"internal\":2,\"external\":1}}\n\
         {{\"input\":\"{one}\",\"internal\":1,\"external\":0}}\n\
         {{\"input\":\"{two}\",\"internal\":2,\"external\":1}}\n"
    );
    out.assert_ok(&expected);
}

#[test]
fn a_failing_input_is_reported_in_its_place_and_the_others_still_count() {
    let server = TestServer::start(vec![
        ("/one", Route::html(r#"<a href="/a">a</a>"#)),
        (
            "/two",
            Route::html(r#"<a href="http://example.com/">x</a>"#),
        ),
    ]);
    let (one, missing, two) = (
        server.url("/one"),
        server.url("/missing"),
        server.url("/two"),
    );
    let refused = closed_port_url();
    let out = hc(&[&one, &missing, &refused, &two]);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    let lines: Vec<serde_json::Value> = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is json"))
        .collect();
    assert_eq!(lines.len(), 4, "one line per input:\n{}", out.stdout());
    assert_eq!(
        lines[0],
        serde_json::json!({"input": one, "internal": 1, "external": 0})
    );
    assert_eq!(
        lines[3],
        serde_json::json!({"input": two, "internal": 0, "external": 1})
    );
    for (line, input, cause) in [
        (&lines[1], &missing, "404"),
        (&lines[2], &refused, "connection refused"),
    ] {
        let obj = line.as_object().expect("an object");
        assert_eq!(obj.len(), 2, "only input and error: {line}");
        assert_eq!(obj["input"], serde_json::json!(input));
        let error = obj["error"].as_str().expect("error is a string");
        assert!(error.contains(cause), "{error:?} should mention {cause:?}");
    }
    assert_error_lines(
        &out.stderr,
        &[&[&missing, "404"], &[&refused, "connection refused"]],
    );
}

#[test]
fn ndjson_lines_put_the_input_first() {
    // The single-page line is Go's struct order, internal then external; the NDJSON lines add
    // the input in front and keep that order; a failure is the input, then the error.
    let dir = TempDir::new("key-order");
    let page = dir.file("p.html", r#"<a href="/a">a</a>"#);
    let missing = dir.path().join("missing.html");
    let missing = missing.to_str().unwrap();
    let out = hc(&[&page, missing]);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    let lines: Vec<&str> = out.stdout().lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout());
    assert_eq!(
        lines[0],
        format!("{{\"input\":\"{page}\",\"internal\":1,\"external\":0}}")
    );
    let error_prefix = format!("{{\"input\":\"{missing}\",\"error\":\"");
    assert!(lines[1].starts_with(&error_prefix), "{}", lines[1]);
}

// ---------------------------------------------------------------------------------------------
// Local files and standard input

/// Only links without a host: 4 internal by the compat rules, 1 not counted.
const RELATIVE_ONLY: &str = r##"<a href="/a">a</a>
<a href="b.html">b</a>
<a href="#c">c</a>
<a href="mailto:d@example.com">d</a>
<a href="%zz">not counted</a>
"##;

#[test]
fn a_file_with_only_relative_links_needs_no_base() {
    let dir = TempDir::new("relative-file");
    let page = dir.file("page.html", RELATIVE_ONLY);
    hc(&[&page]).assert_ok("{\"internal\":4,\"external\":0}\n");
}

#[test]
fn a_file_with_absolute_links_asks_for_base() {
    let dir = TempDir::new("absolute-file");
    let page = dir.file(
        "page.html",
        r#"<a href="/a">a</a><a href="http://example.com/">x</a>"#,
    );
    hc(&[&page]).assert_failed(2, &[&page, "--base"]);
}

#[test]
fn a_file_is_classified_against_base() {
    let dir = TempDir::new("base-file");
    // Nothing is fetched: the ports are only compared.
    let page = dir.file(
        "page.html",
        r#"<a href="http://127.0.0.1:8080/x">internal: the base host</a>
<a href="http://127.0.0.1:8081/x">external: another port</a>
<a href="http://example.com/">external</a>
<a href="/rel">internal</a>"#,
    );
    hc(&["--base", "http://127.0.0.1:8080/", &page]).assert_ok("{\"internal\":2,\"external\":2}\n");
}

#[test]
fn an_invalid_base_is_a_usage_error() {
    let dir = TempDir::new("bad-base");
    let page = dir.file("page.html", RELATIVE_ONLY);
    hc(&["--base", "not a url", &page]).assert_failed(2, &["not a url"]);
}

#[test]
fn dash_reads_standard_input() {
    let out = run(&["-"], &[], Some(RELATIVE_ONLY.as_bytes()));
    out.assert_ok("{\"internal\":4,\"external\":0}\n");
}

#[test]
fn standard_input_with_base() {
    let html = br#"<a href="https://www.example.com/a">internal</a><a href="https://example.com/">external</a>"#;
    let out = run(
        &["--base", "https://www.example.com/", "-"],
        &[],
        Some(html),
    );
    out.assert_ok("{\"internal\":1,\"external\":1}\n");
}

#[test]
fn standard_input_with_absolute_links_asks_for_base() {
    let out = run(&["-"], &[], Some(b"<a href=\"http://example.com/\">x</a>"));
    out.assert_failed(2, &["'-'", "--base"]);
}

#[test]
fn a_missing_file_fails_naming_the_path() {
    let dir = TempDir::new("missing-file");
    let missing = dir.path().join("nope.html");
    let missing = missing.to_str().unwrap();
    hc(&[missing]).assert_failed(1, &[missing, "no such file or directory"]);
}

#[test]
fn a_directory_is_not_a_page() {
    let dir = TempDir::new("dir-input");
    let path = dir.path().to_str().unwrap();
    let out = hc(&[path]);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert_eq!(out.stdout(), "");
    assert_error_lines(&out.stderr, &[&[path]]);
}

#[test]
fn files_urls_and_stdin_mix_in_one_run() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(r#"<a href="http://example.com/">x</a>"#),
    )]);
    let dir = TempDir::new("mixed");
    let page = dir.file("page.html", RELATIVE_ONLY);
    let url = server.url("/");
    let out = run(&[&page, &url, "-"], &[], Some(b"<a href=\"#x\">x</a>"));
    out.assert_success();
    let lines: Vec<serde_json::Value> = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"input": page, "internal": 4, "external": 0}),
            serde_json::json!({"input": url, "internal": 0, "external": 1}),
            serde_json::json!({"input": "-", "internal": 1, "external": 0}),
        ]
    );
}
