//! The cache of external checks (--cache, --max-cache-age): successes kept and skipped next
//! time, failures and redirects always checked again, two runs at once leave a whole file.

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::{count_findings, hc, TempDir};

fn external() -> TestServer {
    TestServer::start(vec![
        ("/ok", Route::status(200).body("fine")),
        ("/bad", Route::status(404)),
        ("/moved", Route::redirect(301, "/elsewhere")),
        ("/elsewhere", Route::status(200).body("fine")),
    ])
}

fn site(external: &TestServer) -> TestServer {
    let links: String = ["/ok", "/bad", "/moved"]
        .iter()
        .map(|p| format!("<a href=\"{}\">x</a>\n", external.url(p)))
        .collect();
    TestServer::start(vec![(
        "/",
        Route::html(format!(
            "<html lang=en><title>T</title><h1>T</h1>\n{links}</html>"
        )),
    )])
}

/// How many requests the external server got for `path`.
fn asked(server: &TestServer, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.target == path)
        .count()
}

#[test]
fn successes_are_kept_and_failures_checked_every_time() {
    let ext = external();
    let site = site(&ext);
    let dir = TempDir::new("cache");
    let cache = dir.path().join("checks.tsv");
    let cache = cache.to_str().unwrap();
    let crawl = |age: &str| {
        let run = hc(&[
            "crawl",
            "--check-external",
            "--format",
            "json",
            "--cache",
            cache,
            "--max-cache-age",
            age,
            &site.url("/"),
        ]);
        run.assert_success();
        run.json::<Value>()
    };
    crawl("1d");
    let (ok, bad, moved) = (
        asked(&ext, "/ok"),
        asked(&ext, "/bad"),
        asked(&ext, "/moved"),
    );
    assert!(ok >= 1 && bad >= 1 && moved >= 1);
    let text = std::fs::read_to_string(cache).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "only the success: {text}");
    assert!(
        lines[0].ends_with(&format!("\t200\t{}", ext.url("/ok"))),
        "{text}"
    );

    let report = crawl("1d");
    assert_eq!(
        asked(&ext, "/ok"),
        ok,
        "a cached success is not checked again"
    );
    assert!(asked(&ext, "/bad") > bad, "a failure is checked again");
    assert!(asked(&ext, "/moved") > moved, "a redirect is checked again");
    let visit = report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["url"] == ext.url("/ok"))
        .unwrap();
    assert_eq!(visit["cached"], true);
    assert_eq!(visit["status"], 200);
    assert_eq!(
        count_findings(&report, "broken-link"),
        1,
        "the cache hides no failure"
    );

    // Too old: checked again.
    crawl("0");
    assert!(asked(&ext, "/ok") > ok);
}

#[test]
fn two_runs_at_once_leave_a_whole_cache_and_a_bad_one_is_named() {
    let ext = external();
    let site = site(&ext);
    let dir = TempDir::new("cache-race");
    let cache = dir.path().join("checks.tsv");
    let cache = cache.to_str().unwrap().to_string();
    let url = site.url("/");
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (cache, url) = (cache.clone(), url.clone());
            std::thread::spawn(move || {
                hc(&[
                    "crawl",
                    "-q",
                    "--check-external",
                    "--cache",
                    &cache,
                    "-o",
                    "/dev/null",
                    &url,
                ])
            })
        })
        .collect();
    for run in runs {
        assert_eq!(run.join().unwrap().code, 0);
    }
    let text = std::fs::read_to_string(&cache).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file left behind");

    std::fs::write(&cache, "garbage\n").unwrap();
    hc(&["crawl", "--cache", &cache, &url]).assert_failed(2, &[&cache, "line 1", "delete it"]);
    hc(&["crawl", "--max-cache-age", "1y", &url]).assert_failed(2, &["--max-cache-age", "1y"]);
}
