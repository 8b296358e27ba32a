//! The differential corpus test: every page of Debian's python3.11-doc, served by nginx on a
//! free port of 127.0.0.1, through the real binary run exactly as users run the original tool
//! (`url=<page> href-counter`), compared byte for byte with the original Go tool's answers in
//! `tests/fixtures/oracle/` (see the README there). The pages where Go's `url.Parse` rejected
//! hrefs must also show that many as unparsable in `--format json`.
//!
//! The oracle was recorded at `http://127.0.0.1:18081/`; its URLs are moved to the port in
//! use. That cannot change a count: the host decides internal or external only for absolute
//! links to `127.0.0.1:<port>` itself, and no python3.11-doc page has any link to 127.0.0.1
//! (`grep -r 127.0.0.1 /usr/share/doc/python3.11/html` finds it in prose and code only).
//!
//! Needs nginx and python3.11-doc, as `scripts/setup-test-deps.sh --check` tells (see
//! [`crate::prerequisites`]); that script installs them. Without them the test fails, unless
//! `HREF_COUNTER_SKIP_CORPUS=1`, which turns that failure into a skip.

use std::io::Read;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::support::{clean_command, BIN};

/// Where the oracle's pages were served; each URL is moved to the port in use.
const ORACLE_ORIGIN: &str = "http://127.0.0.1:18081/";
pub(crate) const DOCS: &str = "/usr/share/doc/python3.11/html";
const ORACLE: &str = "tests/fixtures/oracle/python3.11-doc.tsv";
const UNPARSED: &str = "tests/fixtures/oracle/python3.11-doc.unparsed.tsv";
/// Free ports to try: another program may take the one found before nginx binds it.
const PORT_ATTEMPTS: usize = 5;
/// Processes run at once: enough to hide process start-up on two cores.
const THREADS: usize = 4;
/// One page is a few kB on loopback: anything near this is a hang.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The private nginx, stopped when dropped: on success, on failure, on panic.
pub(crate) struct Nginx {
    pidfile: PathBuf,
    /// `http://127.0.0.1:PORT/`
    pub(crate) origin: String,
}

impl Nginx {
    /// Serves `dir` on a port of 127.0.0.1 that was free a moment before.
    pub(crate) fn start(root: &Path, dir: &str) -> Nginx {
        let mut failures = Vec::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .expect("no free port on 127.0.0.1")
                .port();
            let out = Command::new("bash")
                .arg(root.join("scripts/serve-docs.sh"))
                .arg(dir)
                .arg(port.to_string())
                .stdin(Stdio::null())
                .output()
                .expect("cannot run bash scripts/serve-docs.sh");
            if out.status.success() {
                let pidfile = String::from_utf8_lossy(&out.stdout).trim().to_owned();
                assert!(
                    !pidfile.is_empty(),
                    "scripts/serve-docs.sh printed no pid file"
                );
                return Nginx {
                    pidfile: pidfile.into(),
                    origin: format!("http://127.0.0.1:{port}/"),
                };
            }
            failures.push(format!(
                "scripts/serve-docs.sh {dir} {port} failed ({}):\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            ));
        }
        panic!(
            "nginx did not start on any of {PORT_ATTEMPTS} free ports:\n{}",
            failures.join("\n")
        );
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let stopped = Command::new("bash")
            .arg(repo_root().join("scripts/stop-docs.sh"))
            .arg(&self.pidfile)
            .stdin(Stdio::null())
            .status();
        if !matches!(stopped, Ok(s) if s.success()) {
            eprintln!(
                "warning: scripts/stop-docs.sh {} failed: {stopped:?}",
                self.pidfile.display()
            );
        }
    }
}

/// The lines of an oracle file as (`file:line`, URL served at `origin`, count fields).
fn read_oracle(path: &Path, origin: &str, counts: usize) -> Vec<(String, String, Vec<u64>)> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let rows: Vec<_> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, line)| {
            let at = format!("{}:{}", path.display(), i + 1);
            let mut fields = line.split('\t');
            let page = fields
                .next()
                .and_then(|url| url.strip_prefix(ORACLE_ORIGIN))
                .unwrap_or_else(|| panic!("{at}: the URL does not start with {ORACLE_ORIGIN}"));
            let numbers: Vec<u64> = fields
                .map(|s| {
                    s.parse()
                        .unwrap_or_else(|_| panic!("{at}: not a count: {s:?}"))
                })
                .collect();
            assert_eq!(
                numbers.len(),
                counts,
                "{at}: expected the URL and {counts} counts"
            );
            (at, format!("{origin}{page}"), numbers)
        })
        .collect();
    assert!(!rows.is_empty(), "{} has no pages", path.display());
    rows
}

struct Outcome {
    status: Option<ExitStatus>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
}

/// Runs `cmd`, killing it past the timeout.
fn run_binary(cmd: &mut Command) -> Outcome {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start href-counter");
    // Drain both pipes on threads so a chatty child can never block on a full pipe.
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as _));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as _));
    let status = wait_until(&mut child, Instant::now() + PROCESS_TIMEOUT);
    Outcome {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// The exit status, or `None` after killing a child that outlived the deadline.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    let mut pause = Duration::from_micros(200);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

/// A failed comparison: what ran, what Go answered, what came instead.
fn describe(what: &str, expected: &str, got: &str, outcome: &Outcome) -> String {
    let status = match outcome.status {
        Some(s) => s.to_string(),
        None => format!("killed after {PROCESS_TIMEOUT:?}"),
    };
    let mut msg =
        format!("{what}\n    expected (Go): {expected}\n    got:           {got} ({status})");
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    if !stderr.trim().is_empty() {
        msg.push_str(&format!(
            "\n    stderr: {}",
            stderr.trim_end().replace('\n', "\n            ")
        ));
    }
    msg
}

#[test]
fn python_docs_match_the_go_tool() {
    if !crate::prerequisites::ready("the corpus test") {
        return;
    }
    let nginx = Nginx::start(&repo_root(), DOCS);
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = read_oracle(&crate_dir.join(ORACLE), &nginx.origin, 2);
    let unparsed = read_oracle(&crate_dir.join(UNPARSED), &nginx.origin, 1);

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let mismatches = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((at, url, counts)) = cases.get(i) else {
                    break;
                };
                let expected = format!(
                    "{{\"internal\":{},\"external\":{}}}\n",
                    counts[0], counts[1]
                );
                let got = run_binary(clean_command(BIN).env("url", url));
                if got.stdout != expected.as_bytes() || !got.succeeded() {
                    let stdout = String::from_utf8_lossy(&got.stdout);
                    let msg = describe(
                        &format!("{url} ({at})"),
                        &format!("{expected:?}"),
                        &format!("{stdout:?}"),
                        &got,
                    );
                    mismatches.lock().unwrap().push((i, msg));
                }
            });
        }
    });
    let mut mismatches = mismatches.into_inner().unwrap();
    mismatches.sort_by_key(|(i, _)| *i);
    let mut mismatches: Vec<String> = mismatches.into_iter().map(|(_, m)| m).collect();

    for (at, url, count) in &unparsed {
        let got = run_binary(clean_command(BIN).args(["--format", "json", url]));
        let found = serde_json::from_slice::<serde_json::Value>(&got.stdout)
            .ok()
            .and_then(|report| report["unparsable"].as_u64());
        if found != Some(count[0]) || !got.succeeded() {
            mismatches.push(describe(
                &format!("href-counter --format json {url} ({at})"),
                &format!("{} unparsable", count[0]),
                &found.map_or("no JSON report".to_owned(), |n| format!("{n} unparsable")),
                &got,
            ));
        }
    }

    eprintln!(
        "corpus: {} pages and {} unparsable counts on {} in {:.1?}, {} mismatches",
        cases.len(),
        unparsed.len(),
        nginx.origin,
        started.elapsed(),
        mismatches.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} answers differ from the Go tool's (tests/fixtures/oracle/):\n{}",
        mismatches.len(),
        cases.len() + unparsed.len(),
        mismatches.join("\n")
    );
}
