//! Hostile sites against `href-counter crawl`: crawler traps, a memory budget, start pages
//! that cannot be crawled, a start URL that lands on another origin, sitemap trouble. Every
//! crawl must end on its own, say on stderr why it stopped or what it left out (naming the
//! URL and how to lift the limit), carry the same in its report, and exit with the
//! documented code.
//!
//! The endless sites are one catch-all route whose page links to `x/`: relative, so every
//! page leads one segment deeper (`/x/`, `/x/x/`, ...), without end.

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::{hc, Run};

/// A site without end: every path answers a page linking one segment deeper.
fn endless_site() -> TestServer {
    TestServer::start(vec![
        ("*", Route::html(r#"<a href="x/">deeper</a>"#)),
        ("/robots.txt", Route::status(404)),
        ("/sitemap.xml", Route::status(404)),
    ])
}

/// `href-counter crawl --format json` of `url` with `extra` flags.
fn crawl(url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["crawl", "--format", "json", "--quiet", "--retries", "0"];
    args.extend_from_slice(extra);
    args.push(url);
    let out = hc(&args);
    assert!(!out.stderr.contains("panicked"), "panic: {}", out.stderr);
    out
}

/// The report's cut by `limit`: (setting, URLs cut).
fn cut(report: &Value, limit: &str) -> Option<(u64, u64)> {
    report["summary"]["cuts"]
        .as_array()?
        .iter()
        .find(|c| c["limit"] == limit)
        .map(|c| (c["setting"].as_u64().unwrap(), c["urls"].as_u64().unwrap()))
}

/// The stderr lines, each checked to be one of ours.
fn lines(run: &Run) -> Vec<&str> {
    run.stderr
        .lines()
        .inspect(|l| assert!(l.starts_with("href-counter: "), "{l:?}"))
        .collect()
}

#[test]
fn an_endless_site_ends_on_its_own_at_the_repeated_segment_trap() {
    let site = endless_site();
    let out = crawl(&site.url("/"), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = out.json();
    // /, /x/ and /x/x/ are crawled; /x/x/x/ repeats "x" three times: only checked.
    assert_eq!(report["summary"]["pages"], 3);
    assert_eq!(report["summary"]["ending"], "complete");
    assert_eq!(cut(&report, "repeated-segments"), Some((2, 1)));
    let warning = lines(&out)
        .into_iter()
        .find(|l| l.contains("repeating path segments"))
        .expect("a warning names the trap");
    assert!(warning.contains(&site.url("/x/x/x/")), "{warning}");
    assert!(warning.contains("--max-repeats 0"), "{warning}");
}

#[test]
fn each_trap_limit_cuts_and_says_how_to_lift_it() {
    let site = endless_site();
    let no_traps = ["--max-repeats", "0", "--max-path-segments", "0"];
    // Path segments: /x/ has 2 segments ("x" and ""), so 10 allows /x/.../ with 9 x's.
    let out = crawl(
        &site.url("/"),
        &["--max-repeats", "0", "--max-path-segments", "10"],
    );
    let report: Value = out.json();
    assert_eq!(
        cut(&report, "path-segments"),
        Some((10, 1)),
        "{}",
        out.stderr
    );
    assert_eq!(report["summary"]["pages"], 10);
    assert!(
        out.stderr.contains("--max-path-segments 0"),
        "{}",
        out.stderr
    );
    // URL length: the seed is 23 bytes or so, each page 2 more.
    let seed = site.url("/");
    let max = seed.len() + 20;
    let max_arg = max.to_string();
    let mut args = no_traps.to_vec();
    args.extend(["--max-url-length", &max_arg]);
    let report: Value = crawl(&seed, &args).json();
    assert_eq!(cut(&report, "url-length"), Some((max as u64, 1)));
    assert_eq!(report["summary"]["pages"], 11);
    // The page budget ends what no trap test catches.
    let mut args = no_traps.to_vec();
    args.extend(["--max-url-length", "0", "--max-pages", "50"]);
    let out = crawl(&seed, &args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = out.json();
    assert_eq!(report["summary"]["pages"], 50);
    assert_eq!(cut(&report, "max-pages"), Some((50, 1)));
    assert!(out.stderr.contains("--max-pages 0"), "{}", out.stderr);
    // And --max-depth, cut the same way.
    let report: Value = crawl(&seed, &["--max-depth", "4"]).json();
    assert_eq!(report["summary"]["pages"], 3);
    let report: Value = crawl(&seed, &["--max-depth", "1", "--max-repeats", "0"]).json();
    assert_eq!(cut(&report, "max-depth"), Some((1, 1)));
}

#[test]
fn query_strings_past_the_limit_on_one_path_are_only_checked() {
    let listing: String = (1..=30)
        .map(|p| format!("<a href=\"/list?page={p}\">page {p}</a>\n"))
        .collect();
    let site = TestServer::start(vec![
        ("/", Route::html(r#"<a href="/list?page=0">list</a>"#)),
        ("*", Route::html(listing)),
    ]);
    let out = crawl(
        &site.url("/"),
        &["--no-sitemap", "--max-query-variants", "10"],
    );
    let report: Value = out.json();
    // ?page=0 to ?page=9 are crawled, ?page=10 to ?page=30 only checked.
    assert_eq!(report["summary"]["pages"], 11);
    assert_eq!(cut(&report, "query-variants"), Some((10, 21)));
    assert!(
        out.stderr.contains("--max-query-variants 0"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_memory_budget_stops_the_crawl_with_a_report_and_exit_3() {
    let site = endless_site();
    // Any process is past 1 MiB: the crawl stops at its first look at the gauge.
    let out = crawl(&site.url("/"), &["--max-memory", "1"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let report: Value = out.json();
    assert_eq!(report["summary"]["ending"], "memory-budget");
    assert_eq!(report["summary"]["interrupted"], true);
    let first = lines(&out)[0];
    assert!(first.contains("memory budget"), "{first}");
    assert!(out.stderr.contains("--max-memory"), "{}", out.stderr);
}

/// Runs a crawl of `site`'s start page expected to end early: exit 4, the ending in the
/// report, one stderr line first naming the start URL and `cause`, and no rating.
#[track_caller]
fn assert_start_refused(site: &TestServer, extra: &[&str], ending: &str, cause: &str) {
    let url = site.url("/");
    let out = crawl(&url, extra);
    assert_eq!(out.code, 4, "{ending}: {}", out.stderr);
    let report: Value = out.json();
    assert_eq!(report["summary"]["ending"], ending);
    assert_eq!(report["summary"]["pages"], 0);
    assert_eq!(
        report["rating"]["score"],
        Value::Null,
        "{ending}: not rated"
    );
    assert_eq!(
        report["rating"]["grade"],
        Value::Null,
        "{ending}: not graded"
    );
    let first = lines(&out)[0];
    assert!(
        first.contains(&url) && first.contains(cause),
        "{ending}: {first}"
    );
    assert_eq!(
        report["notices"][0].as_str(),
        first.strip_prefix("href-counter: ")
    );
}

#[test]
fn every_start_that_cannot_be_crawled_is_explained() {
    let pdf = TestServer::start(vec![(
        "/",
        Route::html("%PDF-1.4").content_type("application/pdf"),
    )]);
    assert_start_refused(&pdf, &[], "start-not-html", "not HTML");
    // Markdown and HTML say the crawl failed, and show no audit as passed.
    for format in ["markdown", "html"] {
        let out = hc(&["crawl", "--quiet", "--format", format, &pdf.url("/")]);
        assert_eq!(out.code, 4);
        let report = out.stdout();
        assert!(
            report.contains("Crawl failed")
                && report.contains("The audits did not run: nothing was crawled.")
                && !report.contains("Broken links"),
            "{format}: {report}"
        );
    }
    // CI sees it as an error of the crawl's own test case.
    let junit = hc(&["crawl", "--quiet", "--format", "junit", &pdf.url("/")]);
    assert_eq!(junit.code, 4);
    assert!(
        junit.stdout().contains("errors=\"1\"")
            && junit.stdout().contains("type=\"start-not-html\"/>"),
        "{}",
        junit.stdout()
    );
    // NDJSON's summary line has no rating; the CSVs are their header alone.
    let ndjson = hc(&["crawl", "--quiet", "--format", "ndjson", &pdf.url("/")]);
    assert_eq!(ndjson.code, 4);
    let summary: Value = serde_json::from_str(ndjson.stdout().lines().last().unwrap()).unwrap();
    assert_eq!(summary["summary"]["ending"], "start-not-html");
    assert_eq!(summary["rating"]["score"], Value::Null, "{summary}");
    for (format, header) in [
        ("csv", "source,line,column,target,text,rel,kind,status\n"),
        (
            "findings-csv",
            "audit,severity,page,line,column,target,text,detail\n",
        ),
    ] {
        let out = hc(&["crawl", "--quiet", "--format", format, &pdf.url("/")]);
        assert_eq!((out.code, out.stdout()), (4, header), "{format}");
    }
    let robots = TestServer::start(vec![
        ("/", Route::html(r#"<a href="/a">a</a>"#)),
        (
            "/robots.txt",
            Route::html("User-agent: *\nDisallow: /\n").content_type("text/plain"),
        ),
    ]);
    assert_start_refused(&robots, &[], "start-disallowed", "robots.txt disallows");
    let page = TestServer::start(vec![("/", Route::html(r#"<a href="/a">a</a>"#))]);
    assert_start_refused(
        &page,
        &["--include", "*/docs/*"],
        "start-excluded",
        "--include/--exclude",
    );
    assert_start_refused(&page, &["--exclude", "*"], "start-excluded", "--exclude");
    let gone = TestServer::start(vec![("/", Route::status(410))]);
    assert_start_refused(&gone, &[], "start-broken", "http status 410");
}

#[test]
fn a_start_url_redirecting_to_another_origin_crawls_where_it_lands() {
    let landed = TestServer::start(vec![
        ("/", Route::html(r#"<a href="/a.html">A</a>"#)),
        ("/a.html", Route::html(r#"<a href="/">Home</a>"#)),
    ]);
    let target = landed.url("/");
    let start = TestServer::start(vec![("/", Route::redirect(301, &target))]);
    let out = crawl(&start.url("/"), &["--no-sitemap"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = out.json();
    assert_eq!(report["summary"]["ending"], "complete");
    assert_eq!(report["summary"]["landed_on"], target.as_str());
    assert_eq!(report["summary"]["seed"], start.url("/").as_str());
    // Both pages of the site it landed on are crawled.
    assert_eq!(report["summary"]["pages"], 2, "{report:#}");
    assert!(lines(&out)
        .iter()
        .any(|l| l.contains("redirected to") && l.contains(&target)));
}

#[test]
fn sitemap_trouble_is_named_on_stderr_and_in_the_report() {
    let site = TestServer::start(vec![
        ("/", Route::html(r#"<a href="/a.html">A</a>"#)),
        ("/a.html", Route::html("<p>a</p>")),
        (
            "/robots.txt",
            Route::html("Sitemap: {origin}/broken.xml\nSitemap: {origin}/not-xml.xml\n")
                .content_type("text/plain"),
        ),
        ("/broken.xml", Route::status(500)),
        (
            "/not-xml.xml",
            Route::html("hello, not a sitemap").content_type("application/xml"),
        ),
    ]);
    let out = crawl(&site.url("/"), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for sitemap in ["/broken.xml", "/not-xml.xml"] {
        let url = site.url(sitemap);
        assert!(
            lines(&out)
                .iter()
                .any(|l| l.contains("warning: sitemap not read") && l.contains(&url)),
            "no warning names {url}: {}",
            out.stderr
        );
    }
    let markdown = hc(&["crawl", "--quiet", &site.url("/")]);
    assert!(
        markdown.stdout().contains("sitemap not read"),
        "{}",
        markdown.stdout()
    );
}
