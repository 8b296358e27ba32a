//! Formats for code scanning: SARIF 2.1.0 (validated against the vendored OASIS schema in
//! `tests/fixtures/sarif`) and GitHub Actions annotations, on a built site crawled from disk
//! (results at files) and on a served one (results at URLs).

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use test_server::{Route, TestServer};

use crate::support::{clean_command, hc, TempDir, BIN};

const SCHEMA: &str = "tests/fixtures/sarif/sarif-schema-2.1.0.json";

/// A built site in `dir/public`: a broken link at 2:1, a redirect at 2:36 (to `a/`), a
/// page with a comma and a space in its name, hostile link text.
fn site(dir: &Path) {
    let root = dir.join("public");
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::write(
        root.join("index.html"),
        "<html lang=en><head><title>Home</title></head><body><h1>Home</h1>\n\
         <a href=\"missing.html\">missing</a> <a href=\"a\">a</a> <a href=\"x,%20y.html\">x</a>\n\
         </body></html>",
    )
    .unwrap();
    std::fs::write(
        root.join("a/index.html"),
        "<html lang=en><title>A</title><h1>A</h1>",
    )
    .unwrap();
    std::fs::write(
        root.join("x, y.html"),
        "<html lang=en><title>X</title><h1>X</h1><a href=\"gone%0A::error::forged.html\">x</a>",
    )
    .unwrap();
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = clean_command(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn validate(sarif: &Value) {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The published schema has one pattern its own meta-schema rejects as a regex (a stray
    // `]`, in the two `language` properties); href-counter writes no language. It is
    // replaced here, in memory only, so that everything else is checked, formats included.
    let text = std::fs::read_to_string(crate_dir.join(SCHEMA)).unwrap();
    let bad = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(text.matches(bad).count(), 2, "the schema's known erratum");
    let text = text.replace(bad, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the vendored schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
    let base = url::Url::parse("file:///checkout/").unwrap();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        let parsed = base.join(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert!(!uri.contains(' '), "{uri}: a URI has no spaces");
        assert!(
            parsed.as_str().ends_with(uri) || uri.contains("://"),
            "{uri} -> {parsed}"
        );
    }
}

/// Each result as `ruleId level uri line:column message`.
fn results(sarif: &Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            format!(
                "{} {} {}:{} {}",
                r["ruleId"].as_str().unwrap(),
                loc["artifactLocation"]["uri"].as_str().unwrap(),
                loc["region"]["startLine"],
                loc["region"]["startColumn"],
                r["message"]["text"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn sarif_from_disk_is_valid_and_points_at_files() {
    let dir = TempDir::new("scan-sarif");
    site(dir.path());
    let out = run_in(dir.path(), &["crawl", "--format", "sarif", "./public"]);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&sarif);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 35, "one rule per audit");
    assert_eq!(rules[0]["id"], "broken-link");
    assert!(rules[0]["help"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Fix the target"));
    assert_eq!(
        results(&sarif),
        [
            "broken-link public/index.html 2:1 http status 404: http://localhost/missing.html",
            "broken-link public/x,%20y.html 1:41 http status 404: http://localhost/gone%0A::error::forged.html",
        ]
    );
    // The same finding, the same print, whatever its line.
    let prints: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["partialFingerprints"]["hrefCounterFinding/v1"])
        .collect();
    assert!(prints
        .iter()
        .all(|p| p.as_str().is_some_and(|p| p.len() == 16)));
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_of_a_served_site_points_at_urls_and_a_failed_crawl_says_so() {
    let server = TestServer::start(vec![(
        "/",
        Route::html("<html lang=en><title>T</title><h1>T</h1><a href=/nope>x</a>"),
    )]);
    let url = server.url("/");
    let run = hc(&["crawl", "--format", "sarif", &url]);
    run.assert_success();
    let sarif: Value = run.json();
    validate(&sarif);
    let broken = results(&sarif);
    assert_eq!(broken.len(), 1);
    assert!(
        broken[0].starts_with(&format!("broken-link {url} 1:")),
        "{broken:?}"
    );

    let run = hc(&["crawl", "--format", "sarif", &server.url("/nope")]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let sarif: Value = run.json();
    validate(&sarif);
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["level"],
        "error"
    );
}

#[test]
fn github_annotations_point_at_files_and_cannot_be_forged() {
    let dir = TempDir::new("scan-github");
    site(dir.path());
    let out = run_in(dir.path(), &["crawl", "--format", "github", "public"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "::error file=public/index.html,line=2,col=1,title=Broken links::http status 404: http://localhost/missing.html",
            "::error file=public/x%2C y.html,line=1,col=41,title=Broken links::http status 404: http://localhost/gone%250A::error::forged.html",
            "::warning file=public/index.html,title=Pages without a meta description::no <meta name=description>",
        ]
    );
    let redirect = "::warning file=public/index.html,line=2,col=36,title=Links to redirects::1 redirect (301) to http://localhost/a/: http://localhost/a";
    assert!(lines.contains(&redirect), "{text}");
    assert!(lines
        .iter()
        .all(|l| l.starts_with("::error file=public/") || l.starts_with("::warning file=public/")));
    assert!(
        !text.contains("::notice "),
        "notices only when they fail the gate"
    );
    // --fail-on notice adds them (and fails the gate on them).
    let out = clean_command(BIN)
        .current_dir(dir.path())
        .args([
            "crawl",
            "--format",
            "github",
            "--fail-on",
            "notice",
            "public",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("::notice file=public/"));
}
