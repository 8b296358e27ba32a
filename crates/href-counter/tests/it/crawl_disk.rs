//! Built sites crawled from disk (`crawl DIR`, `--root DIR --base URL`): URLs mapped to files
//! as a static server maps them, robots.txt and sitemaps from the directory, links outside it
//! reported, usage errors; and python3.11-doc crawled from disk and served by nginx, with the
//! same findings.

use std::path::Path;

use serde_json::Value;

use crate::corpus::{repo_root, Nginx, DOCS};
use crate::support::{hc, TempDir};

/// Writes `files` (path, contents) under `dir`, making their directories.
fn tree(dir: &Path, files: &[(&str, &str)]) {
    for (name, body) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
}

/// Each visit as `URL status-or-error-kind`, in report order.
fn visits(report: &Value) -> Vec<String> {
    report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let what = match (&v["status"], &v["error_kind"]) {
                (Value::Number(n), _) => n.to_string(),
                (_, Value::String(kind)) => kind.clone(),
                _ => "robots-disallowed".to_string(),
            };
            format!("{} {what}", v["url"].as_str().unwrap())
        })
        .collect()
}

/// The broken-link findings as `target line:column`.
fn broken(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["audit"] == "broken-link")
        .map(|f| {
            format!(
                "{} {}:{}",
                f["target"].as_str().unwrap(),
                f["line"],
                f["column"]
            )
        })
        .collect()
}

#[test]
fn a_directory_is_crawled_as_the_site_served_at_its_base() {
    let dir = TempDir::new("disk-site");
    tree(
        dir.path(),
        &[
            (
                "index.html",
                "<!doctype html><html lang=en><head><title>Home</title></head><body>\n\
                 <a href=\"a/\">a</a> <a href=\"a\">a, no slash</a> <a href=\"about\">pretty</a>\n\
                 <a href=\"missing.html\">missing</a> <a href=\"b/\">b</a> <a href=\"/elsewhere/x.html\">out</a>\n\
                 <a href=\"https://docs.example.com/docs/b/c.txt\">absolute</a></body></html>",
            ),
            ("a/index.html", "<html><body><a href=\"../\">up</a></body></html>"),
            ("about.html", "<html><body>about</body></html>"),
            ("b/c.txt", "text"),
        ],
    );
    let root = dir.path().to_str().unwrap();
    let run = hc(&[
        "crawl",
        "--format",
        "json",
        "--base",
        "https://docs.example.com/docs",
        root,
    ]);
    run.assert_success();
    let report: Value = run.json();
    let b = "https://docs.example.com/docs";
    assert_eq!(
        visits(&report),
        [
            format!("{b}/ 200"),
            format!("{b}/a 200"),
            format!("{b}/a/ 200"),
            format!("{b}/about 200"),
            format!("{b}/b/ 403"),
            format!("{b}/b/c.txt 200"),
            format!("{b}/missing.html 404"),
            "https://docs.example.com/elsewhere/x.html outside-root".to_string(),
        ]
    );
    let a = report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["url"] == format!("{b}/a"));
    assert_eq!(
        a.unwrap()["final_url"],
        format!("{b}/a/"),
        "a directory redirects to its slash"
    );
    assert_eq!(
        broken(&report),
        [
            format!("{b}/missing.html 3:1"),
            format!("{b}/b/ 3:36"),
            "https://docs.example.com/elsewhere/x.html 3:55".to_string(),
        ]
    );
    let outside = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"] == "https://docs.example.com/elsewhere/x.html")
        .unwrap();
    assert!(
        outside["detail"]
            .as_str()
            .unwrap()
            .contains("outside the directory"),
        "{outside}"
    );
}

#[test]
fn robots_and_sitemaps_come_from_the_directory() {
    let dir = TempDir::new("disk-robots");
    tree(
        dir.path(),
        &[
            (
                "robots.txt",
                "User-agent: *\nDisallow: /private/\nSitemap: http://localhost/sitemap.xml\n",
            ),
            (
                "sitemap.xml",
                "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                 <url><loc>http://localhost/orphan.html</loc></url></urlset>",
            ),
            ("index.html", "<a href=\"private/p.html\">private</a>"),
            ("private/p.html", "<a href=\"/never.html\">never</a>"),
            ("orphan.html", "<a href=\"/\">home</a>"),
        ],
    );
    // `crawl DIR`: served at http://localhost/ by default.
    let run = hc(&["crawl", "--format", "json", dir.path().to_str().unwrap()]);
    run.assert_success();
    let report: Value = run.json();
    assert_eq!(
        visits(&report),
        [
            "http://localhost/ 200",
            "http://localhost/private/p.html robots-disallowed",
            "http://localhost/orphan.html 200",
        ]
    );
}

#[test]
fn what_is_not_a_directory_or_a_url_is_a_usage_error() {
    let dir = TempDir::new("disk-usage");
    let file = dir.file("page.html", "<a href=x>x</a>");
    let missing = dir.path().join("nope");
    let missing = missing.to_str().unwrap();
    hc(&["crawl", missing]).assert_failed(2, &[missing, "no such directory"]);
    hc(&["crawl", "--root", &file]).assert_failed(2, &[&file, "not a directory"]);
    hc(&["crawl", "--root", missing]).assert_failed(2, &[missing, "no such directory"]);
    hc(&[
        "crawl",
        "--base",
        "http://localhost/",
        "http://127.0.0.1:9/",
    ])
    .assert_failed(2, &["--base", "directory"]);
    let root = dir.path().to_str().unwrap();
    hc(&["crawl", "--root", root, "--base", "ftp://x/"]).assert_failed(2, &["--base", "ftp://x/"]);
}

/// The findings of a JSON crawl report, each one line, sorted.
fn findings(report: &Value) -> Vec<String> {
    let mut all: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    all.sort();
    all
}

#[test]
fn python_docs_from_disk_have_the_same_findings_as_served_by_nginx() {
    if !crate::prerequisites::ready("the disk-versus-served crawl test") {
        return;
    }
    let nginx = Nginx::start(&repo_root(), DOCS);
    let served = hc(&["crawl", "--format", "json", "--no-sitemap", &nginx.origin]);
    let disk = hc(&[
        "crawl",
        "--format",
        "json",
        "--no-sitemap",
        "--base",
        &nginx.origin,
        DOCS,
    ]);
    served.assert_success();
    disk.assert_success();
    let (served, disk): (Value, Value) = (served.json(), disk.json());
    assert_eq!(served["rating"], disk["rating"]);
    let pages = |r: &Value| r["summary"]["pages"].clone();
    assert_eq!(pages(&served), pages(&disk));
    assert!(
        served["summary"]["pages"].as_u64().unwrap() > 500,
        "{}",
        served["summary"]
    );
    let (a, b) = (findings(&served), findings(&disk));
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(&b) {
        assert_eq!(a, b);
    }
    let statuses = |r: &Value| {
        let mut v = visits(r);
        v.sort();
        v
    };
    assert_eq!(statuses(&served), statuses(&disk));
}
