//! The differential corpus test: every page of Debian's python3.11-doc, served by nginx on
//! 127.0.0.1:18081, through the real binary run exactly as users run the original tool
//! (`url=<page> href-counter`), compared byte for byte with the original Go tool's answers in
//! `shared/oracle/python3.11-doc.tsv` (beside the repository).
//!
//! Needs nginx and python3.11-doc: `scripts/setup-test-deps.sh` installs them. Without them the
//! test fails, unless `HREF_COUNTER_SKIP_CORPUS=1`, which turns that failure into a skip.

use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The address the oracle was made on: absolute links to it count as internal.
const PORT: u16 = 18081;
const DOCS: &str = "/usr/share/doc/python3.11/html";
const ORACLE: &str = "../shared/oracle/python3.11-doc.tsv";
const SKIP_VAR: &str = "HREF_COUNTER_SKIP_CORPUS";
/// Processes run at once: enough to hide process start-up on two cores.
const THREADS: usize = 4;
/// One page is a few kB on loopback: anything near this is a hang.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(30);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// nginx as the serve script finds it (root's PATH has /usr/sbin, a user's may not).
fn nginx_found() -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .any(|dir| dir.join("nginx").is_file())
}

/// What the test needs from outside the repository, and the hint for each missing piece.
fn missing_prerequisites(oracle: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !nginx_found() {
        missing.push("nginx is not installed (run scripts/setup-test-deps.sh)".to_owned());
    }
    if !Path::new("/etc/nginx/mime.types").is_file() {
        missing
            .push("/etc/nginx/mime.types is missing (run scripts/setup-test-deps.sh)".to_owned());
    }
    if !Path::new(DOCS).join("index.html").is_file() {
        missing.push(format!(
            "{DOCS} is missing: python3.11-doc is not installed (run scripts/setup-test-deps.sh)"
        ));
    }
    if !oracle.is_file() {
        missing.push(format!(
            "the oracle {} is missing (the shared folder belongs beside the repository root)",
            oracle.display()
        ));
    }
    missing
}

/// The private nginx, stopped when dropped: on success, on failure, on panic.
struct Nginx {
    pidfile: PathBuf,
}

impl Nginx {
    fn start(root: &Path, dir: &str, port: u16) -> Nginx {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
            panic!(
                "port {port} on 127.0.0.1 is busy: the corpus test serves python3.11-doc there \
                 (the oracle's address); stop whatever listens on it and run the test again"
            );
        }
        let out = Command::new("bash")
            .arg(root.join("scripts/serve-docs.sh"))
            .arg(dir)
            .arg(port.to_string())
            .stdin(Stdio::null())
            .output()
            .expect("cannot run bash scripts/serve-docs.sh");
        assert!(
            out.status.success(),
            "scripts/serve-docs.sh {dir} {port} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let pidfile = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(
            !pidfile.is_empty(),
            "scripts/serve-docs.sh printed no pid file"
        );
        Nginx {
            pidfile: pidfile.into(),
        }
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

struct Case {
    url: String,
    expected: String,
}

fn read_oracle(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [url, internal, external] = fields[..] else {
                panic!(
                    "{}:{}: expected URL<TAB>internal<TAB>external: {line:?}",
                    path.display(),
                    i + 1
                );
            };
            let n = |s: &str| {
                s.parse::<u64>()
                    .unwrap_or_else(|_| panic!("{}:{}: not a count: {s:?}", path.display(), i + 1))
            };
            Case {
                url: url.to_owned(),
                expected: format!(
                    "{{\"internal\":{},\"external\":{}}}\n",
                    n(internal),
                    n(external)
                ),
            }
        })
        .collect()
}

struct Outcome {
    status: Option<ExitStatus>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// `url=<url> href-counter`, no arguments, as users run the original; killed past the timeout.
fn run_binary(url: &str) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_href-counter"))
        .env("url", url)
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

fn describe(case: &Case, got: &Outcome) -> String {
    let status = match got.status {
        Some(s) => s.to_string(),
        None => format!("killed after {PROCESS_TIMEOUT:?}"),
    };
    let mut msg = format!(
        "{}\n    expected (Go): {:?}\n    got:           {:?} ({status})",
        case.url,
        case.expected,
        String::from_utf8_lossy(&got.stdout),
    );
    let stderr = String::from_utf8_lossy(&got.stderr);
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
    let root = repo_root();
    let oracle = root.join(ORACLE);
    let missing = missing_prerequisites(&oracle);
    if !missing.is_empty() {
        let list = missing.join("\n  - ");
        if std::env::var(SKIP_VAR).as_deref() == Ok("1") {
            eprintln!("corpus test skipped ({SKIP_VAR}=1):\n  - {list}");
            return;
        }
        panic!(
            "the corpus test cannot run:\n  - {list}\nInstall the test dependencies with \
             `scripts/setup-test-deps.sh`, or set {SKIP_VAR}=1 to skip this test."
        );
    }

    let cases = read_oracle(&oracle);
    assert!(!cases.is_empty(), "{} has no pages", oracle.display());
    let _nginx = Nginx::start(&root, DOCS, PORT);

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let mismatches = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(case) = cases.get(i) else { break };
                let got = run_binary(&case.url);
                let ok = got.stdout == case.expected.as_bytes()
                    && got.status.is_some_and(|s| s.success());
                if !ok {
                    mismatches.lock().unwrap().push((i, describe(case, &got)));
                }
            });
        }
    });

    let mut mismatches = mismatches.into_inner().unwrap();
    mismatches.sort_by_key(|(i, _)| *i);
    eprintln!(
        "corpus: {} pages in {:.1?}, {} mismatches",
        cases.len(),
        started.elapsed(),
        mismatches.len()
    );
    if !mismatches.is_empty() {
        let list: Vec<String> = mismatches.into_iter().map(|(_, m)| m).collect();
        panic!(
            "{} of {} pages differ from the Go tool ({}):\n{}",
            list.len(),
            cases.len(),
            oracle.display(),
            list.join("\n")
        );
    }
}
