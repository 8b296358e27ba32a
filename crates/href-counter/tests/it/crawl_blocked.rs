//! Status policy: answers that mean "blocked", not "broken" (bot challenges named by their
//! headers or Cloudflare's title, statuses taken for a block with --accept and
//! [[accept-from]]),
//! reported as blocked-link warnings, never scored, never a broken link.

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::{hc, TempDir};

fn server() -> TestServer {
    let links = ["/cf", "/waf", "/moment", "/social", "/busy", "/gone"]
        .map(|p| format!("<a href=\"{p}\">{p}</a>"))
        .join("\n");
    let page = format!("<html lang=en><title>Home</title><h1>Home</h1>\n{links}\n</html>");
    TestServer::start(vec![
        ("/", Route::html(page)),
        (
            "/cf",
            Route::status(403).header("cf-mitigated", "challenge"),
        ),
        (
            "/waf",
            Route::status(202).header("x-amzn-waf-action", "challenge"),
        ),
        (
            "/moment",
            Route::html("<html><head><title>Just a moment...</title></head></html>"),
        ),
        ("/social", Route::status(999)),
        ("/busy", Route::status(429)),
        ("/gone", Route::status(404)),
    ])
}

/// `audit target detail` of the link findings, in report order.
fn link_findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["audit"].as_str(), Some("broken-link" | "blocked-link")))
        .map(|f| {
            let target = f["target"].as_str().unwrap();
            let path = &target[target.rfind('/').unwrap()..];
            format!(
                "{} {path} {}",
                f["audit"].as_str().unwrap(),
                f["detail"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn challenges_and_accepted_statuses_are_blocks_not_broken_links() {
    let server = server();
    let dir = TempDir::new("blocked");
    let host = server.addr().to_string();
    let config = dir.file(
        "href-counter.toml",
        format!("accept = [429]\n\n[[accept-from]]\nhosts = \"{host}\"\nstatuses = [999]\n"),
    );
    let run = hc(&[
        "crawl",
        "--format",
        "json",
        "--config",
        &config,
        &server.url("/"),
    ]);
    run.assert_success();
    let report: Value = run.json();
    let mut found = link_findings(&report);
    found.sort();
    assert_eq!(
        found,
        [
            "blocked-link /busy http status 429, taken for a block (every host)".to_string(),
            "blocked-link /cf bot challenge (cf-mitigated: challenge)".to_string(),
            "blocked-link /moment bot challenge (title 'Just a moment...')".to_string(),
            format!("blocked-link /social http status 999, taken for a block ({host})"),
            "blocked-link /waf bot challenge (x-amzn-waf-action: challenge)".to_string(),
            "broken-link /gone http status 404".to_string(),
        ]
    );
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["audit"] == "blocked-link")
        .all(|f| f["severity"] == "warning"));
    assert_eq!(report["summary"]["broken"], 1);
    // Blocks cost nothing: the rating only loses what the one broken link costs.
    let deductions = report["rating"]["deductions"].as_array().unwrap();
    let blocked = deductions
        .iter()
        .find(|d| d["audit"] == "blocked-link")
        .unwrap();
    assert_eq!(blocked["points"], 0.0, "{deductions:?}");
    // A challenge is not the page: it is not audited as one of the site's pages.
    assert_eq!(report["summary"]["pages"], 1, "{}", report["summary"]);
    assert_eq!(
        report["summary"]["settings"]["accept"],
        serde_json::json!([{"hosts": host, "statuses": [999]}, {"statuses": [429]}])
    );
}

#[test]
fn without_a_policy_statuses_are_broken_links_and_bad_statuses_are_usage_errors() {
    let server = server();
    let run = hc(&["crawl", "--format", "json", &server.url("/")]);
    run.assert_success();
    let found = link_findings(&run.json());
    assert!(
        found.contains(&"broken-link /social http status 999".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"broken-link /busy http status 429".to_string()),
        "{found:?}"
    );
    // Challenges are blocks with no policy at all.
    assert!(
        found.iter().any(|f| f.starts_with("blocked-link /cf ")),
        "{found:?}"
    );
    hc(&["crawl", "--accept", "4040", &server.url("/")]).assert_failed(2, &["--accept", "4040"]);
    let dir = TempDir::new("blocked-bad");
    let config = dir.file(
        "c.toml",
        "[[accept-from]]\nhosts = \"x\"\nstatuses = [\"403\"]\n",
    );
    hc(&["crawl", "--config", &config, &server.url("/")])
        .assert_failed(2, &["c.toml", "accept-from", "statuses"]);
}
