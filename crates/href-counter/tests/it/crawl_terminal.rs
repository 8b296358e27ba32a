//! `href-counter crawl`'s progress line: drawn on standard error when, and only when, it is a
//! terminal and `--quiet` is not given; the report is the same either way.
//!
//! The terminal is a real pseudo-terminal: the binary runs under util-linux's `script` (package
//! bsdutils, essential in Debian, so always installed), which gives the command a pty and copies
//! everything written to it to its own standard output, here a pipe the test reads. The
//! binary's standard output goes to a file, so that only standard error passes through the
//! terminal.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::crawl::broken_links;
use crate::support::{clean_command, hc, watch, TempDir, BIN};

/// Every answer of [`slow_site`] waits this long: with `--concurrency 1` the visits come one
/// after another, at least this far apart, so the meter (redrawn at most every 100 ms) draws
/// several lines and its rate has an upper bound.
const DELAY: Duration = Duration::from_millis(300);
/// The URLs of [`slow_site`]: the start page, six pages and one broken link.
const URLS: u64 = 8;
/// The shell's exit code when the command's standard error is not a terminal after all.
const NOT_A_TERMINAL: i32 = 97;

/// A start page linking to a missing page and six pages, every answer [`DELAY`] late.
fn slow_site() -> TestServer {
    let mut index = String::from(r#"<!doctype html><a href="/missing.html">Gone</a>"#);
    let mut paths = Vec::new();
    for n in 1..=6 {
        index.push_str(&format!(r#"<a href="/p{n}.html">Page {n}</a>"#));
        paths.push(format!("/p{n}.html"));
    }
    let mut routes = vec![
        ("/", Route::html(index).delay_headers(DELAY)),
        ("/missing.html", Route::status(404).delay_headers(DELAY)),
    ];
    for path in &paths {
        routes.push((path, Route::html("<p>a page</p>").delay_headers(DELAY)));
    }
    TestServer::start(routes)
}

/// The crawl of [`slow_site`], one request at a time, as JSON.
fn crawl_args(server: &TestServer) -> Vec<String> {
    [
        "crawl",
        "--format",
        "json",
        "--concurrency",
        "1",
        "--ignore-robots",
        "--no-sitemap",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([server.url("/")])
    .collect()
}

/// The JSON report of a complete crawl of [`slow_site`].
#[track_caller]
fn assert_slow_site_report(report: &Value, server: &TestServer) {
    let summary = &report["summary"];
    assert_eq!(
        (
            summary["pages"].as_u64(),
            summary["checked"].as_u64(),
            summary["broken"].as_u64(),
            summary["interrupted"].as_bool()
        ),
        (Some(URLS - 1), Some(1), Some(1), Some(false)),
        "{summary:#}"
    );
    assert_eq!(
        summary["statuses"],
        serde_json::json!({ "200": URLS - 1, "404": 1 })
    );
    let visits = report["visits"].as_array().unwrap();
    assert_eq!(visits.len() as u64, URLS);
    let missing = server.url("/missing.html");
    let broken = broken_links(report);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0]["target"], missing.as_str());
}

/// Single-quotes `s` for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs `sh -c command` under `script`, on a pseudo-terminal; returns the exit code and every
/// byte written to the terminal. Standard input is empty (nothing is echoed); the environment
/// holds only `PATH`, as in [`crate::support::run`].
fn on_terminal(command: &str) -> (i32, Vec<u8>) {
    let mut cmd = clean_command("script");
    // -q: no "Script started" lines; -f: flush at once; -e: the command's exit code.
    cmd.args(["-qfec", command, "/dev/null"]);
    let watched = watch(
        cmd,
        Vec::new(),
        &format!("util-linux's script (from bsdutils) -c {command:?}"),
    );
    let (status, terminal) = (watched.status, watched.stdout);
    let script_err = String::from_utf8_lossy(&watched.stderr);
    assert_eq!(script_err, "", "script itself complained");
    let code = status
        .code()
        .unwrap_or_else(|| panic!("script died by a signal ({status})"));
    assert_ne!(
        code, NOT_A_TERMINAL,
        "standard error was not a terminal under script"
    );
    (code, terminal)
}

/// `exec href-counter args... >stdout`, after checking that standard error is a terminal.
fn crawl_command(args: &[String], stdout: &Path) -> String {
    let mut command = format!("[ -t 2 ] || exit {NOT_A_TERMINAL}; exec {}", sh_quote(BIN));
    for arg in args {
        command.push(' ');
        command.push_str(&sh_quote(arg));
    }
    command.push_str(" >");
    command.push_str(&sh_quote(stdout.to_str().expect("a utf-8 temp path")));
    command
}

/// One drawing of the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    done: u64,
    pages: u64,
    queued: u64,
    in_flight: u64,
    broken: u64,
    /// URLs done per second, rounded.
    rate: u64,
}

/// `crawling: 3 done (2 pages), 5 queued, 1 in flight, 1 broken, 3/s`.
fn parse_frame(line: &str) -> Option<Frame> {
    let s = line.strip_prefix("crawling: ")?;
    let (done, s) = s.split_once(" done (")?;
    let (pages, s) = s.split_once(" pages), ")?;
    let (queued, s) = s.split_once(" queued, ")?;
    let (in_flight, s) = s.split_once(" in flight, ")?;
    let (broken, s) = s.split_once(" broken, ")?;
    let rate = s.strip_suffix("/s")?;
    Some(Frame {
        done: done.parse().ok()?,
        pages: pages.parse().ok()?,
        queued: queued.parse().ok()?,
        in_flight: in_flight.parse().ok()?,
        broken: broken.parse().ok()?,
        rate: rate.parse().ok()?,
    })
}

#[test]
fn progress_is_drawn_on_a_terminal_and_the_report_is_unchanged() {
    let server = slow_site();
    let tmp = TempDir::new("crawl-tty");
    let stdout = tmp.path().join("report.json");
    let (code, terminal) = on_terminal(&crawl_command(&crawl_args(&server), &stdout));
    let terminal = String::from_utf8(terminal).expect("the terminal got utf-8");
    assert_eq!(code, 0, "terminal: {terminal:?}");

    // Every line is drawn over the last (carriage return, erase line), and the last erase
    // leaves the terminal clean for the closing line: where the report went, and nothing else.
    const REDRAW: &str = "\r\x1b[2K";
    let pieces: Vec<&str> = terminal.split(REDRAW).collect();
    let closing = pieces[pieces.len() - 1];
    // The report goes to standard output, redirected to a file by the shell.
    let report_at = "; report: standard output\r\n";
    assert!(
        pieces.len() >= 3
            && pieces[0].is_empty()
            && closing.starts_with("href-counter: rated ")
            && closing.ends_with(report_at)
            && closing.matches('\n').count() == 1,
        "expected progress lines, each after {REDRAW:?}, then a final {REDRAW:?} and the \
         closing line: {terminal:?}"
    );
    let frames: Vec<Frame> = pieces[1..pieces.len() - 1]
        .iter()
        .map(|line| parse_frame(line).unwrap_or_else(|| panic!("not a progress line: {line:?}")))
        .collect();

    // The first visit is always drawn: the start page, its seven links known.
    let first = frames[0];
    assert_eq!(
        (
            first.done,
            first.pages,
            first.broken,
            first.queued + first.in_flight
        ),
        (1, 1, 0, URLS - 1),
        "{frames:?}"
    );
    for pair in frames.windows(2) {
        assert!(
            pair[1].done > pair[0].done
                && pair[1].pages >= pair[0].pages
                && pair[1].broken >= pair[0].broken,
            "counts go forward: {frames:?}"
        );
    }
    for f in &frames {
        // Every URL is done, in flight or queued; one request at a time (--concurrency 1);
        // every URL but /missing.html is a page.
        assert_eq!(f.done + f.queued + f.in_flight, URLS, "{f:?} in {frames:?}");
        assert!(f.in_flight <= 1, "{f:?}");
        assert_eq!(f.pages + f.broken, f.done, "{f:?}");
        // Each visit takes DELAY at least, one after another: at most 1/0.3 s = 3.3 per second.
        assert!(
            f.rate <= 4,
            "rate {} with a visit every 300 ms: {f:?}",
            f.rate
        );
    }
    // And it is a rate per second: about 3 here. Only a crawl seven times slower than its
    // delays (16 s for these eight URLs) would round every frame's rate down to 0.
    assert!(frames.iter().any(|f| f.rate >= 1), "{frames:?}");
    // /missing.html is the second visit and six slow ones follow it: a later line counts it.
    let last = frames[frames.len() - 1];
    assert_eq!(last.broken, 1, "{frames:?}");
    assert!(last.done <= URLS, "{frames:?}");

    let report: Value = serde_json::from_slice(&std::fs::read(&stdout).unwrap())
        .expect("standard output holds the json report alone");
    assert_slow_site_report(&report, &server);
}

#[test]
fn quiet_draws_no_progress_on_a_terminal() {
    let server = slow_site();
    let tmp = TempDir::new("crawl-tty-quiet");
    let stdout = tmp.path().join("report.json");
    let mut args = crawl_args(&server);
    args.insert(1, "--quiet".to_string());
    let (code, terminal) = on_terminal(&crawl_command(&args, &stdout));
    assert_eq!(
        (code, String::from_utf8_lossy(&terminal).as_ref()),
        (0, ""),
        "--quiet: nothing on the terminal"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&stdout).unwrap()).unwrap();
    assert_slow_site_report(&report, &server);
}

#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    let server = slow_site();
    // Standard error a pipe (the usual test run, CI, `2>log`).
    let args = crawl_args(&server);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = hc(&args);
    out.assert_success();
    assert!(
        !out.stdout().contains(['\r', '\x1b']),
        "no control characters in the report"
    );
    assert_slow_site_report(&out.json(), &server);

    // Standard output a terminal, standard error a file: it is standard error that counts.
    let tmp = TempDir::new("crawl-tty-stdout");
    let stderr = tmp.path().join("stderr");
    let mut command = format!("exec {}", sh_quote(BIN));
    for arg in crawl_args(&server) {
        command.push(' ');
        command.push_str(&sh_quote(&arg));
    }
    command.push_str(" 2>");
    command.push_str(&sh_quote(stderr.to_str().unwrap()));
    let (code, terminal) = on_terminal(&command);
    let stderr = std::fs::read(&stderr).unwrap();
    assert_eq!(
        (code, String::from_utf8_lossy(&stderr).as_ref()),
        (0, ""),
        "standard error is a file: no progress"
    );
    // The terminal turns each newline into CR LF; the report itself is one line of JSON.
    let terminal = String::from_utf8(terminal).unwrap();
    let report = terminal
        .strip_suffix("\r\n")
        .unwrap_or_else(|| panic!("one line of json on the terminal: {terminal:?}"));
    assert!(
        !report.contains(['\r', '\x1b']),
        "no progress on the terminal: {terminal:?}"
    );
    assert_slow_site_report(&serde_json::from_str(report).unwrap(), &server);
}
