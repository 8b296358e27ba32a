//! How a crawl ends from outside, and how fast: the reader of its output going away (in every
//! format, on an endless site, while it waits on a page that answers late, while the report is
//! written) and Ctrl-C, once (while robots.txt or a sitemap stalls, while the report is
//! written) and twice.
//!
//! Each bound is generous, for a loaded machine: the crawl answers in milliseconds, where
//! before it went on until its next page came (a minute here, never on an endless site).

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::{clean_command, BIN};

/// The time the binary may take to answer: milliseconds on a quiet machine.
const PROMPT: Duration = Duration::from_secs(5);
/// A run still going this long after it should have ended has hung: it is killed.
const HUNG: Duration = Duration::from_secs(60);
/// Longer than any test here waits for an answer: a stalled route never answers in time.
const STALL: Duration = Duration::from_secs(600);

const FORMATS: [&str; 6] = ["markdown", "json", "ndjson", "csv", "html", "junit"];

/// A site without end: `/n/K` links to `/n/K+1`; every page past the first answers after
/// `late` (no robots.txt, no sitemap).
fn endless_site(late: Duration) -> TestServer {
    let page = Route::generated(move |target| {
        let Some(k) = target
            .strip_prefix("/n/")
            .and_then(|k| k.parse::<u64>().ok())
        else {
            return Route::status(404);
        };
        let page = Route::html(format!(r#"<a href="/n/{}">next</a>"#, k + 1));
        if k == 0 {
            page
        } else {
            page.delay_headers(late)
        }
    });
    TestServer::start(vec![("*", page)])
}

/// A start page of 20,000 links to itself: a JSON report of several MB, far more than a pipe
/// holds, written at once since the crawl takes one request.
fn big_report_site() -> TestServer {
    let links = r##"<a href="#top">back to the top</a>"##.repeat(20_000);
    TestServer::start(vec![("/", Route::html(links))])
}

/// `href-counter crawl --quiet ARGS`, its standard output and error on pipes.
fn spawn(args: &[&str]) -> Crawl {
    let mut child = clean_command(BIN)
        .arg("crawl")
        .arg("--quiet")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start href-counter");
    let stdout = child.stdout.take();
    let stderr = child.stderr.take().expect("piped stderr");
    let (lines, stderr_lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    Crawl {
        child,
        stdout,
        stderr_lines,
        stderr: Vec::new(),
    }
}

/// A crawl running in the background.
struct Crawl {
    child: Child,
    stdout: Option<ChildStdout>,
    stderr_lines: mpsc::Receiver<String>,
    /// The lines of standard error received so far.
    stderr: Vec<String>,
}

impl Crawl {
    /// Reads `n` bytes of the report.
    fn read(&mut self, n: usize) -> Vec<u8> {
        let mut buf = vec![0; n];
        let stdout = self.stdout.as_mut().expect("stdout is still open");
        stdout.read_exact(&mut buf).expect("read the report");
        buf
    }

    /// Closes the reading end of standard output: the reader goes away.
    fn close_stdout(&mut self) {
        self.stdout = None;
    }

    /// Sends SIGINT, as Ctrl-C does.
    fn interrupt(&self) {
        let kill = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(kill.success(), "kill -INT failed");
    }

    /// Waits for a line of standard error containing `text`, at most [`PROMPT`].
    fn wait_for_stderr(&mut self, text: &str) {
        let deadline = Instant::now() + PROMPT;
        while !self.stderr.iter().any(|l| l.contains(text)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) => self.stderr.push(line),
                Err(_) => panic!(
                    "no {text:?} on stderr within {PROMPT:?}; stderr: {:?}",
                    self.stderr
                ),
            }
        }
    }

    /// Waits for the exit: its status, and how long it took from now.
    fn exit(&mut self) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for href-counter") {
                let took = started.elapsed();
                self.stderr.extend(self.stderr_lines.iter());
                return (status, took);
            }
            if started.elapsed() > HUNG {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("href-counter still running after {HUNG:?}: killed");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The rest of standard output, to its end.
    fn read_to_end(&mut self) -> Vec<u8> {
        let mut rest = Vec::new();
        let stdout = self.stdout.as_mut().expect("stdout is still open");
        stdout.read_to_end(&mut rest).expect("read the report");
        rest
    }
}

impl Drop for Crawl {
    fn drop(&mut self) {
        // A failed assertion must not leave the crawl running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `server` has received a request for `target`.
fn wait_for_request(server: &TestServer, target: &str) {
    let started = Instant::now();
    while !server.requests().iter().any(|r| r.target == target) {
        assert!(
            started.elapsed() < HUNG,
            "{target} was never requested: {:?}",
            server.requests()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Exit 0 with nothing on standard error, within [`PROMPT`]: a reader that went away is no
/// error of the crawl's.
#[track_caller]
fn assert_quiet_exit(crawl: &mut Crawl, what: &str) -> Duration {
    let (status, took) = crawl.exit();
    assert!(
        status.code() == Some(0) && crawl.stderr.is_empty(),
        "{what}: {status}, stderr: {:?}",
        crawl.stderr
    );
    assert!(
        took < PROMPT,
        "{what}: exited {took:?} after the reader left"
    );
    took
}

#[test]
fn a_reader_gone_ends_an_endless_ndjson_crawl() {
    let server = endless_site(Duration::ZERO);
    let mut crawl = spawn(&["--format", "ndjson", &server.url("/n/0")]);
    assert_eq!(crawl.read(10), br#"{"visit":{"#);
    crawl.close_stdout();
    assert_quiet_exit(&mut crawl, "ndjson");
}

#[test]
fn a_reader_gone_ends_a_crawl_waiting_on_a_late_page_in_every_format() {
    for format in FORMATS {
        let server = endless_site(STALL);
        let mut crawl = spawn(&["--format", format, &server.url("/n/0")]);
        // The start page is read and its link asked for: nothing to write for a long while.
        wait_for_request(&server, "/n/1");
        crawl.close_stdout();
        assert_quiet_exit(&mut crawl, format);
    }
}

#[test]
fn a_reader_gone_while_the_report_is_written_ends_it_quietly() {
    let server = big_report_site();
    for format in FORMATS {
        let mut crawl = spawn(&["--format", format, "--no-sitemap", &server.url("/")]);
        crawl.read(10);
        crawl.close_stdout();
        assert_quiet_exit(&mut crawl, format);
    }
}

/// Ctrl-C once, once `server` has been asked for every one of `targets`, the last of which
/// stalls: the report of what was crawled, exit 130.
fn interrupt_while_stalled(server: &TestServer, targets: &[&str]) -> Value {
    let mut crawl = spawn(&["--format", "json", &server.url("/")]);
    for target in targets {
        wait_for_request(server, target);
    }
    crawl.interrupt();
    let (status, took) = crawl.exit();
    assert_eq!(status.code(), Some(130), "stderr: {:?}", crawl.stderr);
    assert!(took < PROMPT, "exited {took:?} after Ctrl-C");
    assert!(
        crawl.stderr.iter().any(|l| l.contains("interrupted")),
        "{:?}",
        crawl.stderr
    );
    let report: Value =
        serde_json::from_slice(&crawl.read_to_end()).expect("a complete json report");
    assert_eq!(report["summary"]["interrupted"], true);
    report
}

#[test]
fn ctrl_c_while_robots_txt_stalls_ends_the_crawl_with_its_report() {
    let server = TestServer::start(vec![
        ("/robots.txt", Route::status(200).delay_headers(STALL)),
        ("/", Route::html("<p>never read</p>")),
    ]);
    let report = interrupt_while_stalled(&server, &["/robots.txt"]);
    assert_eq!(report["summary"]["pages"], 0);
}

#[test]
fn ctrl_c_while_a_sitemap_stalls_ends_the_crawl_with_its_report() {
    let server = TestServer::start(vec![
        ("/", Route::html(r#"<a href="/a.html">a</a>"#)),
        ("/a.html", Route::html("<p>a</p>")),
        ("/sitemap.xml", Route::status(200).delay_headers(STALL)),
    ]);
    // /a.html is asked for once the start page is read; then only the sitemap holds the crawl.
    let report = interrupt_while_stalled(&server, &["/a.html", "/sitemap.xml"]);
    assert!(report["summary"]["pages"].as_u64() >= Some(1), "{report}");
}

#[test]
fn ctrl_c_while_the_report_is_written_is_answered_and_the_report_finished() {
    let server = big_report_site();
    let mut crawl = spawn(&["--format", "json", "--no-sitemap", &server.url("/")]);
    // The report is being written, and blocks: nobody reads the pipe.
    let mut report = crawl.read(1);
    crawl.interrupt();
    crawl.wait_for_stderr("interrupted");
    report.extend(crawl.read_to_end());
    let (status, _) = crawl.exit();
    assert_eq!(status.code(), Some(130), "stderr: {:?}", crawl.stderr);
    let report: Value = serde_json::from_slice(&report).expect("a complete json report");
    // The crawl was over: its report is whole.
    assert_eq!(report["summary"]["interrupted"], false);
    assert_eq!(crate::support::crawl_links(&report).len(), 20_000);
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    let server = big_report_site();
    let mut crawl = spawn(&["--format", "json", "--no-sitemap", &server.url("/")]);
    crawl.read(1);
    crawl.interrupt();
    crawl.wait_for_stderr("interrupted");
    // Still writing the report, which nobody reads.
    assert!(crawl.child.try_wait().expect("poll the crawl").is_none());
    crawl.interrupt();
    let (status, took) = crawl.exit();
    assert_eq!(status.code(), Some(130), "stderr: {:?}", crawl.stderr);
    assert!(took < PROMPT, "exited {took:?} after the second Ctrl-C");
}
