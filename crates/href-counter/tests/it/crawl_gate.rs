//! The CI gate on a built site crawled from disk: --fail-on and --min-score, the baseline
//! (only new findings fail), ignore rules and every other option from href-counter.toml,
//! the exit codes, and what standard error says about each.

use std::path::Path;
use std::process::Output;

use crate::support::{clean_command, count_findings, hc, TempDir, BIN};

/// A site with two broken links on its home page (`missing.html`, 404, and `gone/`, 404).
fn site(dir: &Path) -> String {
    let root = dir.join("public");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("index.html"),
        "<html lang=en><head><title>Home</title></head><body><h1>Home</h1>\n\
         <a href=\"missing.html\">missing</a> <a href=\"gone/\">gone</a> <a href=\"ok.html\">ok</a>\n\
         </body></html>",
    )
    .unwrap();
    std::fs::write(
        root.join("ok.html"),
        "<html lang=en><title>OK</title><h1>OK</h1>",
    )
    .unwrap();
    root.to_str().unwrap().to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn fail_on_names_what_tripped_it_and_exits_1() {
    let dir = TempDir::new("gate-fail-on");
    let root = site(dir.path());
    let run = hc(&[
        "crawl",
        "-q",
        "--fail-on",
        "error",
        "-o",
        "/dev/null",
        &root,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "href-counter: --fail-on error: 2 findings at error or worse",
            "href-counter:   broken-link http://localhost/:2:1 http://localhost/missing.html: http status 404",
            "href-counter:   broken-link http://localhost/:2:36 http://localhost/gone/: http status 404",
        ]
    );
}

#[test]
fn min_score_fails_a_site_rated_under_it() {
    let dir = TempDir::new("gate-min-score");
    let root = site(dir.path());
    let json = dir.path().join("r.json");
    let run = hc(&[
        "crawl",
        "-q",
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
        &root,
    ]);
    run.assert_success();
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let score = report["rating"]["score"].as_f64().unwrap();
    let above = format!("{}", (score + 1.0).min(100.0));
    let run = hc(&[
        "crawl",
        "-q",
        "--min-score",
        &above,
        "-o",
        "/dev/null",
        &root,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("href-counter: --min-score {above}: the site rates {score:.1}, under it\n")
    );
    let below = format!("{}", score - 1.0);
    hc(&[
        "crawl",
        "-q",
        "--min-score",
        &below,
        "-o",
        "/dev/null",
        &root,
    ])
    .assert_success();
    hc(&["crawl", "--min-score", "101", &root]).assert_failed(2, &["--min-score", "101"]);
}

#[test]
fn a_baseline_fails_only_new_findings() {
    let dir = TempDir::new("gate-baseline");
    let root = site(dir.path());
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    hc(&["crawl", "-q", "--format", "json", "-o", baseline, &root]).assert_success();
    // The same problems, moved down a line: still in the baseline.
    let index = Path::new(&root).join("index.html");
    let html = std::fs::read_to_string(&index).unwrap();
    std::fs::write(&index, html.replacen("<h1>", "\n<h1>", 1)).unwrap();
    let gate = [
        "crawl",
        "-q",
        "--fail-on",
        "error",
        "--baseline",
        baseline,
        "-o",
        "/dev/null",
    ];
    let run = hc(&[&gate[..], &[root.as_str()]].concat());
    run.assert_success();
    // Without --quiet, a gate's run ends with the closing line even off a terminal (a CI
    // log), saying what the gate accepted.
    let loud: Vec<&str> = gate.iter().copied().filter(|a| *a != "-q").collect();
    let run = hc(&[&loud[..], &[root.as_str()]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("href-counter: rated ")
            && run
                .stderr
                .ends_with("; 2 in the baseline; report: /dev/null\n"),
        "{}",
        run.stderr
    );
    // A new one fails the gate, and only it is named.
    let ok = Path::new(&root).join("ok.html");
    let html = std::fs::read_to_string(&ok).unwrap();
    std::fs::write(&ok, format!("{html}<a href=\"new.html\">new</a>")).unwrap();
    let run = hc(&[&gate[..], &[root.as_str()]].concat());
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "href-counter: --fail-on error: 1 finding at error or worse (besides 2 in the baseline)",
            "href-counter:   broken-link http://localhost/ok.html:1:43 http://localhost/new.html: http status 404",
        ]
    );
    let not_json = dir.file("notes.md", "# notes");
    hc(&["crawl", "--baseline", &not_json, &root])
        .assert_failed(2, &[&not_json, "not a crawl's JSON report"]);
}

/// Runs the binary in `dir` (where it looks for href-counter.toml).
fn run_in(dir: &Path, args: &[&str]) -> Output {
    clean_command(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_configuration_file_sets_options_and_ignore_rules() {
    let dir = TempDir::new("gate-config");
    site(dir.path());
    dir.file(
        "href-counter.toml",
        "fail-on = \"error\"\nquiet = true\nformat = \"json\"\noutput = \"report.json\"\n\
         base = \"https://docs.example.com/\"\n\n\
         [[ignore]]\naudit = \"broken-link\"\ntarget = \"*/gone/\"\n\
         reason = \"removed on purpose; the redirect comes with the next release\"\n",
    );
    let out = run_in(dir.path(), &["crawl", "public"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).lines().take(2).collect::<Vec<_>>(),
        [
            "href-counter: --fail-on error: 1 finding at error or worse (besides 1 ignored)",
            "href-counter:   broken-link https://docs.example.com/:2:1 https://docs.example.com/missing.html: http status 404",
        ]
    );
    // The report went where the file said, in its format, and still lists both.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(count_findings(&report, "broken-link"), 2);
    // The command line overrides the file.
    let out = run_in(
        dir.path(),
        &[
            "crawl",
            "--fail-on",
            "notice",
            "--format",
            "markdown",
            "public",
        ],
    );
    assert!(
        stderr(&out).contains("--fail-on notice:"),
        "{}",
        stderr(&out)
    );
    // The same file serves a crawl of a server: its base (for directories) is left aside.
    let server = test_server::TestServer::start(vec![(
        "/",
        test_server::Route::html("<html lang=en><title>S</title><h1>S</h1>"),
    )]);
    let out = run_in(dir.path(), &["crawl", &server.url("/")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // --config names another file.
    dir.file("other.toml", "format = \"csv\"\noutput = \"other.csv\"\n");
    let out = run_in(dir.path(), &["crawl", "--config", "other.toml", "public"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("other.csv").is_file());
}

#[test]
fn a_bad_configuration_file_is_a_usage_error_naming_it() {
    let dir = TempDir::new("gate-config-bad");
    let root = site(dir.path());
    for (toml, mentions) in [
        (
            "max-depht = 3\n",
            &["bad.toml", "max-depht", "no such key"][..],
        ),
        ("quiet = \"yes\"\n", &["bad.toml", "quiet", "true or false"]),
        ("max-depth = [\n", &["bad.toml", "not valid TOML"]),
        (
            "[[ignore]]\naudit = \"broken-link\"\n",
            &["bad.toml", "table 1", "reason"],
        ),
        (
            "[[ignore]]\nreason = \"x\"\n",
            &["bad.toml", "ignore everything"],
        ),
        (
            "[[ignore]]\naudit = \"broken\"\nreason = \"x\"\n",
            &["bad.toml", "no audit named 'broken'"],
        ),
    ] {
        let file = dir.file("bad.toml", toml);
        hc(&["crawl", "--config", &file, &root]).assert_failed(2, mentions);
    }
    let missing = dir.path().join("none.toml");
    let missing = missing.to_str().unwrap();
    hc(&["crawl", "--config", missing, &root]).assert_failed(2, &[missing, "cannot read"]);
}
