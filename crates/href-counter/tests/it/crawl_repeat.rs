//! Two crawls of an unchanged site write the same report, byte for byte, once the timing
//! fields README's "Deterministic reports" lists are masked: reports can be diffed and
//! committed.

use crate::crawl_seo::seo_site;
use crate::support::hc;

/// Replaces the number after each `marker` (or before it, with `before`) by `#`.
fn mask(text: &str, marker: &str, before: bool) -> String {
    let is_number = |c: char| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let (head, tail) = rest.split_at(at);
        if before {
            out.push_str(head.trim_end_matches(is_number));
            if head.ends_with(is_number) {
                out.push('#');
            }
            out.push_str(marker);
            rest = &tail[marker.len()..];
        } else {
            out.push_str(head);
            out.push_str(marker);
            let after = &tail[marker.len()..];
            let number = after.len() - after.trim_start_matches(is_number).len();
            if number > 0 {
                out.push('#');
            }
            rest = &after[number..];
        }
    }
    out.push_str(rest);
    out
}

/// Replaces what lies between each `marker` and the next `end` by `#`.
fn mask_to(text: &str, marker: &str, end: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let after = at + marker.len();
        out.push_str(&rest[..after]);
        let len = rest[after..].find(end).unwrap_or(rest.len() - after);
        out.push('#');
        rest = &rest[after + len..];
    }
    out.push_str(rest);
    out
}

/// The report in `format` with its timing fields masked: durations, when the crawl started,
/// and how NDJSON's visit lines say each page was first reached.
fn timeless(format: &str, report: &str) -> String {
    let report = mask(report, "\"elapsed_ms\":", false);
    let report = mask_to(&report, "\"started\":\"", "\"");
    match format {
        "markdown" => mask(&report, " s |", true),
        "html" => mask_to(&mask(&report, " s.</p>", true), "<time", "</time>"),
        "junit" => mask(&report, "time=\"", false),
        // Visit lines stream as fetches finish, with the path the crawl first took to each
        // page; the JSON report settles them.
        "ndjson" => mask_to(&mask(&report, "\"depth\":", false), "\"found_on\":\"", "\""),
        _ => report,
    }
}

#[test]
fn masking_hides_the_timings_only() {
    assert_eq!(
        mask(r#"{"elapsed_ms":12.5e-3,"x":1}"#, "\"elapsed_ms\":", false),
        r#"{"elapsed_ms":#,"x":1}"#
    );
    assert_eq!(mask("| 9 | 0.4 s |", " s |", true), "| 9 | # s |");
    assert_eq!(mask("no timing", " s |", true), "no timing");
    assert_eq!(
        mask_to(
            r#"{"started":"2026-12-03T10:00:00Z","x":1}"#,
            "\"started\":\"",
            "\""
        ),
        r##"{"started":"#","x":1}"##
    );
}

#[test]
fn two_crawls_of_an_unchanged_site_write_the_same_bytes() {
    let server = seo_site();
    let url = server.url("/");
    for format in [
        "json",
        "markdown",
        "csv",
        "findings-csv",
        "html",
        "junit",
        "ndjson",
    ] {
        let run = || {
            let out = hc(&["crawl", "--quiet", "--format", format, &url]);
            assert_eq!(out.code, 0, "{format}: {}", out.stderr);
            timeless(format, out.stdout())
        };
        let first = run();
        if matches!(format, "json" | "html" | "ndjson") {
            // Their start time is to the second: the second crawl starts in another.
            std::thread::sleep(std::time::Duration::from_millis(1100));
        }
        let second = run();
        if format == "ndjson" {
            // Visit lines stream in the order fetches finish; the lines themselves, and the
            // summary line last, are the same.
            let sorted = |s: &str| {
                let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
                let summary = lines.pop();
                lines.sort();
                (lines, summary)
            };
            assert_eq!(sorted(&first), sorted(&second), "ndjson");
        } else {
            assert!(
                first == second,
                "{format} differs:\n{first}\n----\n{second}"
            );
        }
        assert!(first.len() > 100, "{format}: {first}");
    }
}
