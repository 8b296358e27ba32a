//! Many sites in one run (crawl --sites), shards of the list (--shard, --shard-from-env) and
//! `merge`: every site reported, failed ones too; shards cover the list once; the merged
//! shards equal the single run.

use std::path::Path;

use serde_json::Value;
use test_server::{closed_port_url, Route, TestServer};

use crate::support::{run, TempDir};

/// Three small sites, each with a broken link or not, and a list naming them and a site
/// that refuses connections.
fn sites(dir: &TempDir) -> (Vec<TestServer>, String) {
    let servers: Vec<TestServer> = (0..3)
        .map(|i| {
            let links = if i == 1 {
                "<a href=/gone>gone</a>"
            } else {
                "<a href=/a>a</a>"
            };
            TestServer::start(vec![
                (
                    "/",
                    Route::html(format!(
                        "<html lang=en><title>S{i}</title><h1>S{i}</h1>{links}</html>"
                    )),
                ),
                (
                    "/a",
                    Route::html(format!(
                        "<html lang=en><title>A{i}</title><h1>A</h1></html>"
                    )),
                ),
            ])
        })
        .collect();
    let mut list = String::from("# the portfolio\n");
    for s in &servers {
        list.push_str(&s.url("/"));
        list.push('\n');
    }
    list.push_str(&closed_port_url());
    list.push('\n');
    (servers, dir.file("sites.txt", list))
}

fn portfolio(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn origins(p: &Value) -> Vec<String> {
    let mut all: Vec<String> = p["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["origin"].as_str().unwrap().to_string())
        .collect();
    all.sort();
    all
}

#[test]
fn every_site_is_reported_failed_ones_too() {
    let dir = TempDir::new("sites");
    let (_servers, list) = sites(&dir);
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let r = run(
        &[
            "crawl",
            "--sites",
            &list,
            "--output-dir",
            out_s,
            "--format",
            "json",
        ],
        &[],
        None,
    );
    assert_eq!(r.code, 4, "a site failed: exit 4\n{}", r.stderr);
    let summary: Value = r.json();
    let sites = summary["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 4);
    // Worst rated first, the failed site last.
    assert!(sites[0]["score"].as_f64() < sites[1]["score"].as_f64());
    assert_eq!(sites[0]["fix_first"]["audit"], "broken-link");
    assert!(sites[3]["score"].is_null());
    assert!(
        sites[3]["failure"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{}",
        sites[3]
    );
    assert!(r.stderr.contains("not rated"), "{}", r.stderr);
    assert_eq!(portfolio(&out.join("portfolio.json")), summary);
    for site in sites {
        let report = out.join(site["report"].as_str().unwrap());
        let report: Value = portfolio(&report);
        assert_eq!(report["summary"]["seed"], site["seed"]);
    }
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "no temporary file left: {names:?}"
    );
}

#[test]
fn shards_cover_the_list_once_and_merge_into_the_single_run() {
    let dir = TempDir::new("sites-shards");
    let (_servers, list) = sites(&dir);
    let single = dir.path().join("single");
    let sharded = dir.path().join("sharded");
    let (single_s, sharded_s) = (single.to_str().unwrap(), sharded.to_str().unwrap());
    run(
        &[
            "crawl",
            "-q",
            "--sites",
            &list,
            "--output-dir",
            single_s,
            "--format",
            "json",
            "-o",
            "/dev/null",
        ],
        &[],
        None,
    );
    run(
        &[
            "crawl",
            "--sites",
            &list,
            "--output-dir",
            sharded_s,
            "--format",
            "json",
            "--shard",
            "0/2",
            "-o",
            "/dev/null",
        ],
        &[],
        None,
    );
    // The second shard's index from the environment, as a Kubernetes Indexed Job sets it.
    run(
        &[
            "crawl",
            "--sites",
            &list,
            "--output-dir",
            sharded_s,
            "--format",
            "json",
            "--shard-from-env",
            "2",
            "-o",
            "/dev/null",
        ],
        &[("JOB_COMPLETION_INDEX", "1")],
        None,
    );
    let (a, b) = (
        portfolio(&sharded.join("portfolio-0-of-2.json")),
        portfolio(&sharded.join("portfolio-1-of-2.json")),
    );
    let mut union = [origins(&a), origins(&b)].concat();
    union.sort();
    let whole = portfolio(&single.join("portfolio.json"));
    assert_eq!(
        union,
        origins(&whole),
        "the shards are the list, no site twice"
    );

    let merged = run(&["merge", "--format", "json", sharded_s], &[], None);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(
        merged.json::<Value>(),
        whole,
        "merged shards equal the single run"
    );
    let md = run(&["merge", sharded_s], &[], None);
    assert!(
        md.stdout()
            .starts_with("# Portfolio\n\n4 sites: 3 rated, 1 not rated."),
        "{}",
        md.stdout()
    );
}

#[test]
fn bad_lists_shards_and_merges_are_usage_errors() {
    let dir = TempDir::new("sites-bad");
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let dup = dir.file("dup.txt", "http://127.0.0.1:9/\nhttp://127.0.0.1:9/x\n");
    run(&["crawl", "--sites", &dup, "--output-dir", out], &[], None)
        .assert_failed(2, &[&dup, "line 2", "line 1"]);
    run(&["crawl", "--sites", &dup], &[], None).assert_failed(2, &["--output-dir"]);
    run(
        &[
            "crawl",
            "--sites",
            &dup,
            "--output-dir",
            out,
            "--shard",
            "2/2",
        ],
        &[],
        None,
    )
    .assert_failed(2, &["--shard", "2/2"]);
    let one = dir.file("one.txt", "http://127.0.0.1:9/\n");
    run(
        &[
            "crawl",
            "--sites",
            &one,
            "--output-dir",
            out,
            "--shard-from-env",
            "3",
        ],
        &[],
        None,
    )
    .assert_failed(2, &["JOB_COMPLETION_INDEX", "HREF_COUNTER_SHARD"]);
    run(
        &[
            "crawl",
            "--sites",
            &one,
            "--output-dir",
            out,
            "--shard-from-env",
            "3",
        ],
        &[("HREF_COUNTER_SHARD", "3")],
        None,
    )
    .assert_failed(2, &["HREF_COUNTER_SHARD='3'", "0 to 2"]);
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let empty = empty.to_str().unwrap();
    run(&["merge", empty], &[], None).assert_failed(2, &[empty, "portfolio"]);
}
