//! What one page may cost a crawl: `--max-links-per-page` on pages that stream links without
//! end and on finite pages over the cap.

use std::time::Duration;

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::hc;

/// The time a crawl of one endless page may take here, however busy the machine: the page
/// itself is cut after a second or a megabyte.
const BOUNDED: Duration = Duration::from_secs(30);

/// One link a line, to a page that exists.
const LINK: &str = "<a href=\"/a.html\">a</a>\n";

fn crawl(server: &TestServer, format: &str, extra: &[&str]) -> crate::support::Run {
    let url = server.url("/");
    let mut args = vec!["crawl", "--format", format, "--quiet", "--no-sitemap"];
    args.extend_from_slice(extra);
    args.push(&url);
    let out = hc(&args);
    assert!(
        out.elapsed < BOUNDED,
        "the crawl took {:?}, more than {BOUNDED:?}",
        out.elapsed
    );
    assert!(
        out.code == 0 && out.stderr.is_empty(),
        "exit {}: {}",
        out.code,
        out.stderr
    );
    out
}

/// The JSON visit of the start page.
fn start_page(report: &Value, server: &TestServer) -> Value {
    let url = server.url("/");
    report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["url"] == url.as_str())
        .expect("the start page was visited")
        .clone()
}

fn endless_site(page: Route) -> TestServer {
    TestServer::start(vec![("/", page), ("/a.html", Route::html("<p>a</p>"))])
}

#[test]
fn a_page_streaming_links_without_end_ends_truncated_at_the_body_cap() {
    let server = endless_site(Route::html("").body_repeat(LINK, u64::MAX).chunked());
    let out = crawl(
        &server,
        "json",
        &["--max-links-per-page", "50", "--max-body", "1MiB"],
    );
    let report: Value = out.json();
    let page = &start_page(&report, &server)["page"];
    assert_eq!(page["links"], 50);
    let dropped = page["links_dropped"].as_u64().unwrap();
    // The first mebibyte, less the kept links and what a chunk boundary cut.
    let whole = (1 << 20) / LINK.len() as u64;
    assert!(
        (whole - 60..=whole).contains(&(dropped + 50)),
        "{dropped} dropped"
    );
    assert_eq!(page["internal"].as_u64().unwrap(), 50 + dropped);
    let links = crate::support::crawl_links(&report);
    assert_eq!(links.len(), 50, "only the kept links are in the graph");
    assert_eq!(
        report["summary"]["broken"], 0,
        "a truncated page is not a broken one"
    );
}

#[test]
fn a_page_streaming_links_without_end_ends_truncated_at_the_timeout() {
    let slow = Route::html("")
        .body_repeat(LINK, u64::MAX)
        .chunked()
        .slow(LINK.len() * 100, Duration::from_millis(5));
    let server = endless_site(slow);
    let out = crawl(
        &server,
        "ndjson",
        &[
            "--max-links-per-page",
            "10",
            "--max-body",
            "0",
            "--timeout",
            "1",
        ],
    );
    let start = server.url("/");
    let visit: Value = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["visit"]["url"] == start.as_str())
        .expect("an ndjson line for the start page")["visit"]
        .clone();
    assert_eq!(visit["page"]["links"], 10);
    assert!(visit["page"]["links_dropped"].as_u64().unwrap() > 100);
    assert!(visit.get("error").is_none(), "{visit}");
}

#[test]
fn a_finite_page_over_the_cap_keeps_its_first_links_and_counts_the_rest() {
    let mut html = String::new();
    for i in 0..300 {
        html.push_str(&format!("<a href=\"/a.html?{i}\">a</a>\n"));
    }
    // An id after the cap still counts for fragment links: the page is read to its end.
    html.push_str("<h2 id=\"last\">last</h2>\n<a href=\"#last\">last</a>\n");
    let server = TestServer::start(vec![
        ("/", Route::html(html)),
        ("/a.html?0", Route::html("<a href=\"/#last\">home</a>")),
        ("*", Route::html("<p>a</p>")),
    ]);
    let cap = ["--max-links-per-page", "100"];
    let report: Value = crawl(&server, "json", &cap).json();
    let page = &start_page(&report, &server)["page"];
    assert_eq!(
        (&page["links"], &page["links_dropped"]),
        (&100.into(), &201.into())
    );
    assert_eq!(page["internal"], 301);
    let lines: Vec<u64> = crate::support::crawl_links(&report)
        .iter()
        .filter(|l| l["page"] == server.url("/").as_str())
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        (1..=100).collect::<Vec<_>>(),
        "the first 100, in order"
    );
    let findings = report["findings"].as_array().unwrap();
    assert!(
        !findings.iter().any(|f| f["audit"] == "missing-fragment"),
        "the id past the cap was seen: {findings:?}"
    );
    let too_many = findings
        .iter()
        .find(|f| f["audit"] == "too-many-links")
        .expect("a too-many-links finding");
    assert!(
        too_many["detail"]
            .as_str()
            .unwrap()
            .contains("301 links (more than 250; only the first 100 kept"),
        "{too_many}"
    );

    // The Markdown report says so too; with no cap, every link is kept.
    let markdown = crawl(&server, "markdown", &cap);
    assert!(markdown.stdout().contains("only the first 100 kept"));
    let report: Value = crawl(&server, "json", &["--max-links-per-page", "0"]).json();
    let page = &start_page(&report, &server)["page"];
    assert_eq!(page["links"], 301);
    assert!(page.get("links_dropped").is_none(), "{page}");
}
