//! `href-counter crawl` against small fixture sites on 127.0.0.1: what is crawled, what is
//! found, where, and every report format.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::{hc, TempDir};

/// A site with one of each problem. Expected findings are listed next to the links.
fn problem_site() -> TestServer {
    let index = r##"<!doctype html><title>home</title>
<a href="/a.html">Section A</a>
<a href="/b.html#intro">B intro</a>
<a href="/b.html#nowhere">B missing</a>
<a href="/missing.html">Gone page</a>
<a href="/old.html">Old A</a>
<a href="/r1">Chained B</a>
<a href="javascript:void(0)">Menu</a>
<a href="/c.html">click here</a>
<a href="/c.html" target="_blank">C in a new tab</a>
<a href="/c.html" rel="nofollow">C, not followed</a>
<a href="/private/secret.html">Secret</a>
<a href="https://example.invalid/">Elsewhere</a>
<a href="/busy.html">Busy</a>
<a href="/doc.pdf">The PDF</a>
<a href="/a.html"><img src="/logo.png"></a>
"##;
    TestServer::start(vec![
        ("/", Route::page("/", index)),
        ("/a.html", Route::page("/a.html", r#"<a href="/deep1.html">deeper</a>"#)),
        ("/deep1.html", Route::page("/deep1.html", r#"<a href="/deep2.html">deeper</a>"#)),
        ("/deep2.html", Route::page("/deep2.html", r#"<a href="/deep3.html">deeper</a>"#)),
        ("/deep3.html", Route::page("/deep3.html", r#"<a href="/">home</a>"#)),
        ("/b.html", Route::page("/b.html", r#"<h2 id="intro">Intro</h2><a href="/">home</a>"#)),
        ("/c.html", Route::page("/c.html", "<p>C</p>")),
        ("/old.html", Route::redirect(301, "/a.html")),
        ("/r1", Route::redirect(302, "/r2")),
        ("/r2", Route::redirect(301, "/b.html")),
        (
            "/busy.html",
            Route::page("/busy.html", "<p>busy, then fine</p>").first(
                1,
                Route::status(429)
                    .header("Retry-After", "1")
                    .content_type("text/plain")
                    .body("slow down"),
            ),
        ),
        ("/doc.pdf", Route::html("%PDF-1.4").content_type("application/pdf")),
        ("/private/secret.html", Route::page("/private/secret.html", "<p>secret</p>")),
        (
            "/robots.txt",
            Route::html("User-agent: *\nDisallow: /private/\n").content_type("text/plain"),
        ),
        (
            "/sitemap.xml",
            Route::html(
                "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                 <url><loc>{origin}/</loc></url><url><loc>{origin}/orphan.html</loc></url></urlset>",
            )
            .content_type("application/xml"),
        ),
        ("/orphan.html", Route::page("/orphan.html", r#"<a href="/">home</a>"#)),
    ])
}

fn crawl_json(server: &TestServer, extra: &[&str]) -> Value {
    let url = server.url("/");
    let mut args = vec!["crawl", "--format", "json", "--quiet"];
    args.extend_from_slice(extra);
    args.push(&url);
    let out = hc(&args);
    assert!(!out.stderr.contains("panicked"), "panic: {}", out.stderr);
    out.json()
}

/// The report's broken-link findings.
pub(crate) fn broken_links(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["audit"] == "broken-link")
        .collect()
}

/// A quiet crawl of `url` running in the background, its report on a pipe.
fn spawn_crawl(format: &str, url: &str, stderr: std::process::Stdio) -> std::process::Child {
    std::process::Command::new(crate::support::BIN)
        .args(["crawl", "--quiet", "--no-sitemap", "--format", format])
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// The visit of `path` on `server` in a JSON report.
pub(crate) fn visit<'a>(report: &'a Value, server: &TestServer, path: &str) -> &'a Value {
    let url = server.url(path);
    report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["url"] == url.as_str())
        .unwrap_or_else(|| panic!("{url} was not visited"))
}

/// (audit, target path or page path, line) of every finding.
fn findings(report: &Value, server: &TestServer) -> BTreeSet<(String, String, u64)> {
    let origin = server.url("");
    let origin = origin.trim_end_matches('/');
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = f["target"].as_str().unwrap_or(f["page"].as_str().unwrap());
            (
                f["audit"].as_str().unwrap().to_string(),
                at.strip_prefix(origin).unwrap_or(at).to_string(),
                f["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn every_audit_finds_its_problem_where_it_is() {
    let server = problem_site();
    let report = crawl_json(&server, &[]);
    let got = findings(&report, &server);
    let want: BTreeSet<(String, String, u64)> = [
        ("broken-link", "/missing.html", 5),
        ("redirect", "/old.html", 6),
        ("redirect-chain", "/r1", 7),
        ("missing-fragment", "/b.html#nowhere", 4),
        ("non-crawlable-link", "javascript:void(0)", 8),
        ("generic-link-text", "/c.html", 9),
        ("image-missing-alt", "/logo.png", 16),
        ("unsafe-blank-target", "/c.html", 10),
        ("internal-nofollow", "/c.html", 11),
        ("empty-link-text", "/a.html", 16),
        ("deep-page", "/deep3.html", 0),
        ("orphan-page", "/orphan.html", 0),
    ]
    .into_iter()
    .map(|(a, t, l)| (a.to_string(), t.to_string(), l))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn the_crawl_visits_each_url_once_and_honours_robots_and_retry_after() {
    let server = problem_site();
    let report = crawl_json(&server, &[]);
    let urls: Vec<&str> = report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["url"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&&str> = urls.iter().collect();
    assert_eq!(unique.len(), urls.len(), "a URL visited twice: {urls:?}");

    let secret = visit(&report, &server, "/private/secret.html");
    assert_eq!(secret["robots_disallowed"], true);
    assert!(
        !server
            .requests()
            .iter()
            .any(|r| r.target == "/private/secret.html"),
        "robots.txt disallows it: never fetched"
    );

    let busy = visit(&report, &server, "/busy.html");
    assert_eq!(
        (busy["status"].as_u64(), busy["attempts"].as_u64()),
        (Some(200), Some(2))
    );

    let deep = visit(&report, &server, "/deep3.html");
    assert_eq!(deep["depth"], 4);
    assert_eq!(
        visit(&report, &server, "/orphan.html")["depth"],
        Value::Null
    );
    let pdf = visit(&report, &server, "/doc.pdf");
    assert_eq!((pdf["status"].as_u64(), pdf.get("page")), (Some(200), None));

    // External links are not checked unless asked.
    assert!(!urls.iter().any(|u| u.contains("example.invalid")));
    let summary = &report["summary"];
    assert_eq!(summary["robots_disallowed"], 1);
    assert_eq!(summary["broken"], 1);
}

#[test]
fn check_external_checks_other_sites_and_reports_their_failures() {
    let elsewhere = TestServer::start(vec![
        ("/ok", Route::html("fine")),
        (
            "/head-refused",
            Route::html("fine").first(1, Route::status(405)),
        ),
    ]);
    let site = TestServer::start(vec![(
        "/",
        Route::html(format!(
            r#"<a href="{}">ok</a> <a href="{}">head refused</a> <a href="{}">gone</a>"#,
            elsewhere.url("/ok"),
            elsewhere.url("/head-refused"),
            elsewhere.url("/gone")
        )),
    )]);
    let report = crawl_json(&site, &["--check-external", "--no-sitemap"]);
    let status = |u: String| {
        report["visits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["url"] == u.as_str())
            .map(|v| v["status"].as_u64().unwrap_or(0))
    };
    assert_eq!(status(elsewhere.url("/ok")), Some(200));
    assert_eq!(
        status(elsewhere.url("/head-refused")),
        Some(200),
        "{:?}",
        elsewhere
            .requests()
            .iter()
            .map(|r| (r.method.clone(), r.target.clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(status(elsewhere.url("/gone")), Some(404));
    let methods: Vec<(String, String)> = elsewhere
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.target.clone()))
        .collect();
    assert!(
        methods.contains(&("HEAD".into(), "/ok".into())),
        "{methods:?}"
    );
    assert!(
        !methods.contains(&("GET".into(), "/ok".into())),
        "HEAD was enough: {methods:?}"
    );
    assert!(
        methods.contains(&("GET".into(), "/head-refused".into())),
        "{methods:?}"
    );
}

#[test]
fn limits_turn_pages_into_checks() {
    let server = problem_site();
    let report = crawl_json(&server, &["--max-depth", "1", "--no-sitemap"]);
    let deep1 = visit(&report, &server, "/deep1.html");
    assert_eq!(deep1["role"], "check");
    assert!(deep1.get("page").is_none());
    let report = crawl_json(&server, &["--max-pages", "1", "--no-sitemap"]);
    assert_eq!(report["summary"]["pages"], 1);
}

#[test]
fn include_and_exclude_patterns() {
    let server = problem_site();
    let report = crawl_json(&server, &["--exclude", "*/deep*", "--no-sitemap"]);
    assert_eq!(visit(&report, &server, "/deep1.html")["role"], "check");
    let report = crawl_json(&server, &["--include", "*/", "--no-sitemap"]);
    assert_eq!(
        report["summary"]["pages"], 1,
        "only the start page matches */"
    );
}

#[test]
fn a_redirect_loop_and_a_dead_server_are_broken_links() {
    let server = TestServer::start(vec![
        (
            "/",
            Route::html(format!(
                r#"<a href="/loop-a">loop</a><a href="{}">dead</a>"#,
                test_server::closed_port_url()
            )),
        ),
        ("/loop-a", Route::redirect(302, "/loop-b")),
        ("/loop-b", Route::redirect(302, "/loop-a")),
    ]);
    let report = crawl_json(
        &server,
        &["--check-external", "--retries", "0", "--no-sitemap"],
    );
    let broken = broken_links(&report);
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(broken[0]["detail"].as_str().unwrap().contains("redirect"));
}

#[test]
fn rating_is_traceable_to_findings() {
    let server = problem_site();
    let report = crawl_json(&server, &[]);
    let rating = &report["rating"];
    let home = rating["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["page"] == server.url("/").as_str())
        .unwrap();
    let lost: f64 = home["deductions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["points"].as_f64().unwrap())
        .sum();
    let score = home["score"].as_f64().unwrap();
    assert!(
        (100.0 - lost - score).abs() < 0.3,
        "{score} + {lost} != 100"
    );
    // One broken link: half of its audit's 21 points.
    let broken = home["deductions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["audit"] == "broken-link")
        .unwrap();
    assert_eq!(
        (broken["findings"].as_u64(), broken["points"].as_f64()),
        (Some(1), Some(10.5))
    );
    let pages: BTreeMap<&str, f64> = rating["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["page"].as_str().unwrap(), p["score"].as_f64().unwrap()))
        .collect();
    // The site loses to each audit its weight times the square root of its reach (docs/rating.md).
    let weights: BTreeMap<&str, f64> = report["audits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap(), a["weight"].as_f64().unwrap()))
        .collect();
    let mut site_lost = 0.0;
    for d in rating["deductions"].as_array().unwrap() {
        let reach = d["reach"].as_f64().unwrap();
        assert!(reach * pages.len() as f64 <= d["pages"].as_f64().unwrap() + 0.001);
        let points = weights[d["audit"].as_str().unwrap()] * reach.sqrt();
        assert!((d["points"].as_f64().unwrap() - points).abs() < 0.1, "{d}");
        site_lost += points;
    }
    // A broken link (an error) keeps the site out of A.
    let expected = (100.0 - site_lost).min(89.9);
    assert!((rating["score"].as_f64().unwrap() - expected).abs() < 0.3);
    assert!(["A", "B", "C", "D", "F"].contains(&rating["grade"].as_str().unwrap()));
}

#[test]
fn every_format_renders_the_same_crawl() {
    let server = problem_site();
    let url = server.url("/");
    let tmp = TempDir::new("crawl-formats");
    let run = |format: &str| {
        let path = tmp.path().join(format!("report.{format}"));
        let path = path.to_str().unwrap().to_string();
        let out = hc(&["crawl", "--quiet", "--format", format, "-o", &path, &url]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert_eq!(out.stdout(), "", "{format}: the report went to the file");
        std::fs::read_to_string(&path).unwrap()
    };
    let md = run("markdown");
    assert!(md.starts_with(&format!("# SEO audit of {url}")), "{md}");
    assert!(md.contains("| Broken links | error | 21 | 1 |"), "{md}");

    let csv = run("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("source,line,column,target,text,rel,kind,status")
    );
    let missing = format!("{url},5,1,{}missing.html,Gone page,,relative,404", url);
    assert!(
        csv.lines().any(|l| l == missing),
        "no {missing:?} in\n{csv}"
    );

    // One row per finding of the JSON report, in its order.
    let findings = run("findings-csv");
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let want = json["findings"].as_array().unwrap();
    let rows: Vec<&str> = findings.lines().collect();
    assert_eq!(
        rows[0],
        "audit,severity,page,line,column,target,text,detail"
    );
    assert_eq!(rows.len(), want.len() + 1, "{findings}");
    let broken = format!("broken-link,error,{url},5,1,{url}missing.html,Gone page,");
    assert!(
        rows.iter().any(|r| r.starts_with(&broken)),
        "no {broken:?} in\n{findings}"
    );

    let html = run("html");
    assert!(html.starts_with("<!doctype html>") && html.contains("<svg"));
    assert!(!html.contains("<script") && !html.contains("http-equiv"));
    assert!(!html.contains("src=\"http"), "no external assets");

    let junit = run("junit");
    assert!(junit.starts_with("<?xml"));
    assert!(junit.contains("<testcase classname=\"href-counter.audit\" name=\"broken-link\">"));
    assert!(junit.contains("failures=\"1\""), "{junit}");

    let ndjson = run("ndjson");
    let objects: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = objects.last().unwrap();
    assert_eq!(last["summary"]["broken"], 1);
    assert_eq!(
        objects.len() - 1,
        last["summary"]["pages"].as_u64().unwrap() as usize
            + last["summary"]["checked"].as_u64().unwrap() as usize
            + last["summary"]["robots_disallowed"].as_u64().unwrap() as usize
    );
}

/// The Markdown report is a summary people read through: each audit's findings and pages are
/// counted, not listed, and it says how to list them; `--full` adds every finding.
#[test]
fn markdown_is_a_summary_and_full_lists_every_finding() {
    let server = problem_site();
    let url = server.url("/");
    let report = crawl_json(&server, &[]);
    let n = report["findings"].as_array().unwrap().len();
    assert!(n > 5, "{report:#}");

    let summary = hc(&["crawl", "--quiet", &url]);
    assert_eq!(summary.code, 0, "{}", summary.stderr);
    let md = summary.stdout();
    for section in [
        "## Fix first",
        "## Why this score",
        "## Audits",
        "## Lowest rated pages",
    ] {
        assert!(md.contains(section), "no {section} in\n{md}");
    }
    assert!(!md.contains("## Findings"), "{md}");
    assert!(!md.contains("| error | broken-link |"), "{md}");
    assert!(
        md.contains(&format!(
            "\n{n} findings not listed here: run with `--full` to list them, or use \
             `--format json`, `findings-csv` or `html`.\n"
        )),
        "{md}"
    );
    // Findings and pages, per audit that found something, as in the JSON report; the others
    // named in one line.
    let mut passed = Vec::new();
    for audit in report["audits"].as_array().unwrap() {
        if audit["findings"] == 0 {
            passed.push(format!("`{}`", audit["id"].as_str().unwrap()));
            continue;
        }
        let row = format!(
            "| {} | {} | {} | {} | {} |",
            audit["title"].as_str().unwrap().replace('<', "\\<"),
            audit["severity"].as_str().unwrap(),
            audit["weight"].as_f64().unwrap(),
            audit["findings"],
            audit["pages"]
        );
        assert!(md.contains(&row), "no {row:?} in\n{md}");
    }
    let line = format!(
        "No finding ({} of {} audits): {}.",
        passed.len(),
        report["audits"].as_array().unwrap().len(),
        passed.join(", ")
    );
    assert!(md.contains(&line), "no {line:?} in\n{md}");

    let full = hc(&["crawl", "--quiet", "--full", &url]);
    assert_eq!(full.code, 0, "{}", full.stderr);
    let full = full.stdout();
    assert!(full.contains("\n## Findings\n"), "{full}");
    assert!(!full.contains("findings not listed here"), "{full}");
    let rows = full
        .lines()
        .filter(|l| {
            ["| error |", "| warning |", "| notice |"]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .count();
    assert_eq!(rows, n, "{full}");
    let missing = format!("| error | broken-link | {url} | 5 | {url}missing.html | Gone page |");
    assert!(full.contains(&missing), "no {missing:?} in\n{full}");
}

/// `--full` shapes the Markdown report only: with another format it is a usage error, said
/// before anything is crawled.
#[test]
fn full_with_another_format_is_a_usage_error() {
    let server = problem_site();
    for format in ["json", "html", "findings-csv"] {
        let out = hc(&["crawl", "--full", "--format", format, &server.url("/")]);
        out.assert_failed(
            2,
            &[
                "--full only applies to --format markdown",
                &format!("--format {format}"),
            ],
        );
    }
    assert!(server.requests().is_empty(), "nothing was crawled");
}

#[test]
fn fail_on_sets_the_exit_code() {
    let server = problem_site();
    let url = server.url("/");
    let out = hc(&[
        "crawl",
        "--quiet",
        "--fail-on",
        "error",
        "--format",
        "json",
        &url,
    ]);
    assert_eq!(out.code, 1, "a broken link is an error: {}", out.stderr);
    // Even with --quiet, standard error says why the gate failed and names the findings.
    let lines: Vec<&str> = out.stderr.lines().collect();
    let gate = lines
        .iter()
        .position(|l| l.starts_with("href-counter: --fail-on error: "))
        .unwrap_or_else(|| panic!("no gate line: {}", out.stderr));
    assert!(
        lines[gate].ends_with("1 finding at error or worse"),
        "{}",
        lines[gate]
    );
    assert!(
        lines[gate + 1].starts_with("href-counter:   broken-link http://")
            && lines[gate + 1].contains("/missing.html: "),
        "{}",
        out.stderr
    );
    let clean = TestServer::start(vec![(
        "/",
        Route::page("/", r#"<a href="/">Home page</a>"#),
    )]);
    let out = hc(&["crawl", "--quiet", "--fail-on", "notice", &clean.url("/")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_dead_start_page_fails_the_crawl() {
    let out = hc(&[
        "crawl",
        "--quiet",
        "--retries",
        "0",
        &test_server::closed_port_url(),
    ]);
    assert_eq!(out.code, 4, "the crawl failed, not a gate: {}", out.stderr);
    // One line: the start page and why; the sitemap on the same dead server is not news.
    crate::support::assert_error_lines(
        &out.stderr,
        &[&[
            "crawl of http://127.0.0.1:",
            "could not be read",
            "connection refused",
        ]],
    );
    let out = hc(&["crawl", "ftp://example.com/"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("http"), "{}", out.stderr);
}

#[test]
fn a_generated_ten_thousand_page_site_is_crawled_whole() {
    // Page n links to 2n and 2n+1 (a binary tree of 10,000 pages, 13 levels) and home.
    let pages = 10_000;
    let mut routes: Vec<(String, Route)> = Vec::new();
    for n in 1..=pages {
        let mut body = String::from("<a href=\"/p1\">home</a>");
        for child in [2 * n, 2 * n + 1] {
            if child <= pages {
                body.push_str(&format!("<a href=\"/p{child}\">page {child}</a>"));
            }
        }
        routes.push((format!("/p{n}"), Route::html(body)));
    }
    let server = TestServer::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    );
    let url = server.url("/p1");
    let out = hc(&[
        "crawl",
        "--quiet",
        "--format",
        "ndjson",
        "--no-sitemap",
        &url,
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let last: Value = serde_json::from_str(out.stdout().lines().last().unwrap()).unwrap();
    assert_eq!(last["summary"]["pages"], pages);
    assert_eq!(last["summary"]["depths"]["13"], pages - 8191);
    assert!(
        out.elapsed < Duration::from_secs(120),
        "took {:?}",
        out.elapsed
    );
}

#[test]
fn ctrl_c_stops_the_crawl_and_still_writes_the_report() {
    // 200 pages served slowly, one at a time: the crawl cannot finish before the signal.
    let mut routes: Vec<(String, Route)> = Vec::new();
    for n in 0..200 {
        let body = format!(r#"<a href="/p{}">next</a>"#, n + 1);
        routes.push((
            format!("/p{n}"),
            Route::html(body).delay_headers(Duration::from_millis(50)),
        ));
    }
    let server = TestServer::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    );
    let child = spawn_crawl("json", &server.url("/p0"), std::process::Stdio::piped());
    std::thread::sleep(Duration::from_millis(1500));
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "stderr: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a complete json report");
    assert_eq!(report["summary"]["interrupted"], true);
    let pages = report["summary"]["pages"].as_u64().unwrap();
    assert!((1..200).contains(&pages), "{pages} pages");
}

#[test]
fn nofollow_pages_are_read_but_their_links_not_followed() {
    let server = TestServer::start(vec![
        (
            "/",
            Route::html(
                r#"<a href="/meta.html">m</a><a href="/header.html">h</a><a href="/later.html">l</a>"#,
            ),
        ),
        (
            "/meta.html",
            Route::html(
                r#"<meta name="robots" content="noindex, nofollow"><a href="/only-meta.html">x</a><a href="/shared.html">s</a>"#,
            ),
        ),
        (
            "/header.html",
            Route::html(r#"<a href="/only-header.html">x</a>"#).header("X-Robots-Tag", "nofollow"),
        ),
        (
            "/later.html",
            Route::html(r#"<a href="/shared.html">s</a>"#),
        ),
        ("/shared.html", Route::html("<p>shared</p>")),
        ("/only-meta.html", Route::html("<p>hidden</p>")),
        ("/only-header.html", Route::html("<p>hidden</p>")),
    ]);
    let report = crawl_json(&server, &["--no-sitemap"]);
    let meta = visit(&report, &server, "/meta.html");
    assert_eq!(
        (meta["noindex"].as_bool(), meta["nofollow"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(visit(&report, &server, "/header.html")["nofollow"], true);
    assert_eq!(visit(&report, &server, "/shared.html")["status"], 200);
    let targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    assert!(
        !targets.iter().any(|t| t.starts_with("/only-")),
        "{targets:?}"
    );
}

#[test]
fn click_depth_is_the_shortest_path_even_when_a_longer_one_finishes_first() {
    // /target.html is one click from /slow.html, which answers late; the fast chain reaches
    // it first, three clicks further down.
    let server = TestServer::start(vec![
        (
            "/",
            Route::html(r#"<a href="/slow.html">slow</a><a href="/f1.html">fast</a>"#),
        ),
        (
            "/slow.html",
            Route::html(r#"<a href="/target.html">target</a>"#)
                .delay_headers(Duration::from_millis(800)),
        ),
        ("/f1.html", Route::html(r#"<a href="/f2.html">on</a>"#)),
        ("/f2.html", Route::html(r#"<a href="/f3.html">on</a>"#)),
        (
            "/f3.html",
            Route::html(r#"<a href="/target.html">target</a>"#),
        ),
        ("/target.html", Route::html("<p>here</p>")),
    ]);
    let report = crawl_json(&server, &["--concurrency", "4", "--no-sitemap"]);
    let depth = |path| visit(&report, &server, path)["depth"].as_u64();
    assert_eq!(depth("/"), Some(0));
    assert_eq!(depth("/f3.html"), Some(3));
    assert_eq!(depth("/target.html"), Some(2), "{report:#}");
    // Found first from /f3.html, but reported on the page one click nearer the start.
    assert_eq!(
        visit(&report, &server, "/target.html")["found_on"],
        server.url("/slow.html").as_str()
    );
}

#[test]
fn ndjson_lines_reach_a_pipe_while_the_crawl_runs() {
    use std::io::BufRead;
    let server = TestServer::start(vec![
        ("/", Route::html(r#"<a href="/slow.html">slow</a>"#)),
        (
            "/slow.html",
            Route::html("<p>late</p>").delay_headers(Duration::from_secs(4)),
        ),
    ]);
    let started = std::time::Instant::now();
    let mut child = spawn_crawl("ndjson", &server.url("/"), std::process::Stdio::null());
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    // The start page's line is out while the slow page is still being waited for (at the
    // end of the crawl, more than 4 s on, would be too late).
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(3),
        "first line after {waited:?}"
    );
    assert_eq!(first["visit"]["url"], server.url("/"));
    let rest: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest[0]["visit"]["url"], server.url("/slow.html"));
    assert!(rest[1].get("summary").is_some(), "{:?}", rest[1]);
}

#[test]
fn the_help_s_jq_example_selects_the_broken_urls_of_the_ndjson_lines() {
    let help = hc(&["crawl", "--help"]);
    let example = help.stdout();
    // `jq -c 'select(.visit.status >= 400)'`: the path the example filters on.
    let path = example
        .split("select(")
        .nth(1)
        .and_then(|rest| rest.split(" >= 400)").next())
        .unwrap_or_else(|| panic!("no jq example in crawl --help:\n{example}"));
    let server = problem_site();
    let url = server.url("/");
    let out = hc(&["crawl", "--quiet", "--format", "ndjson", &url]);
    let broken: Vec<Value> = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|line| {
            let field = path
                .split('.')
                .filter(|key| !key.is_empty())
                .fold(line, |value, key| &value[key]);
            field.as_u64().is_some_and(|status| status >= 400)
        })
        .collect();
    assert_eq!(broken.len(), 1, "{path} selects {broken:?}");
    assert_eq!(broken[0]["visit"]["url"], server.url("/missing.html"));
}

#[test]
fn web_text_reaches_no_crawl_report_as_control_characters() {
    let hostile = "\u{1b}[31mred\u{1b}[0m \u{9b}2J \u{202e}txet\u{7}";
    let server = TestServer::start(vec![
        ("/", Route::html(format!("<a href=\"/gone\">{hostile}</a>"))),
        ("/robots.txt", Route::status(404).content_type("text/plain")),
    ]);
    let url = server.url("/");
    for format in ["markdown", "csv", "html", "junit", "json", "ndjson"] {
        let out = hc(&["crawl", "--quiet", "--no-sitemap", "--format", format, &url]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        let report = out.stdout();
        let unsafe_chars: Vec<char> = report
            .chars()
            .filter(|&c| {
                (c.is_control() && !matches!(c, '\n' | '\t'))
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .collect();
        assert!(
            unsafe_chars.is_empty(),
            "{format} lets {unsafe_chars:?} through:\n{report}"
        );
        assert!(
            report.contains("red"),
            "{format} lost the link text:\n{report}"
        );
        if format == "json" {
            // JSON escapes them, so the text reads back exactly.
            let json: Value = serde_json::from_str(report).unwrap();
            assert_eq!(json["links"][0]["links"][0]["text"], hostile);
        }
    }
}
