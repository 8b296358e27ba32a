//! What every end-to-end test needs: running the real binary in a controlled environment,
//! asserting the error-line contract, temporary directories, and a tiny HTTP server whose port
//! is known before its pages are written (for pages that link to their own host).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_href-counter");
/// The version the binary reports and sends in its User-Agent.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
/// A run taking longer than this is a hang, whatever the machine's load.
const WATCHDOG: Duration = Duration::from_secs(300);

/// How one run of the binary ended.
#[derive(Debug)]
pub(crate) struct Run {
    /// The exit code (a death by signal fails the test at once).
    pub(crate) code: i32,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
    /// From spawn to exit.
    pub(crate) elapsed: Duration,
}

impl Run {
    /// Standard output as text; it must be UTF-8 whatever the page held.
    pub(crate) fn stdout(&self) -> &str {
        std::str::from_utf8(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not utf-8 ({e}): {:?}", self.stdout))
    }

    /// Standard output as JSON.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(self.stdout())
            .unwrap_or_else(|e| panic!("stdout is not the expected json ({e}):\n{}", self.stdout()))
    }

    /// Exit 0, exactly `stdout` on standard output, nothing on standard error.
    #[track_caller]
    pub(crate) fn assert_ok(&self, stdout: &str) {
        self.assert_success();
        assert_eq!(self.stdout(), stdout, "stdout");
    }

    /// Exit 0 and nothing on standard error; stdout is the caller's business.
    #[track_caller]
    pub(crate) fn assert_success(&self) {
        assert!(
            self.code == 0 && self.stderr.is_empty(),
            "expected exit 0 and a silent stderr, got exit {}\nstderr: {}\nstdout: {}",
            self.code,
            self.stderr,
            String::from_utf8_lossy(&self.stdout)
        );
    }

    /// A single-input failure: exit `code`, nothing on stdout, and one error line mentioning
    /// each of `mentions` (see [`assert_error_lines`]).
    #[track_caller]
    pub(crate) fn assert_failed(&self, code: i32, mentions: &[&str]) {
        assert_eq!(
            self.code,
            code,
            "exit code; stderr: {}\nstdout: {}",
            self.stderr,
            String::from_utf8_lossy(&self.stdout)
        );
        assert_eq!(
            self.stdout(),
            "",
            "stdout must be empty when the only input fails"
        );
        assert_error_lines(&self.stderr, &[mentions]);
    }

    /// Exit 0, or exit 1 with one clean error line; never a panic or a crash. Returns whether
    /// the run succeeded.
    #[track_caller]
    pub(crate) fn assert_clean(&self) -> bool {
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        match self.code {
            0 => {
                assert_eq!(self.stderr, "", "a success must be silent on stderr");
                true
            }
            1 => {
                assert_error_lines(&self.stderr, &[&[]]);
                false
            }
            other => panic!("exit {other}, stderr: {}", self.stderr),
        }
    }
}

/// Standard error holds exactly one line per entry of `mentions`, in order, each
/// `href-counter: <message>` where the message starts in lower case and contains every string
/// of its entry (the input and the cause, as the caller chooses). No panic, no backtrace.
#[track_caller]
pub(crate) fn assert_error_lines(stderr: &str, mentions: &[&[&str]]) {
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        stderr.ends_with('\n'),
        "stderr must end with a newline: {stderr:?}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        mentions.len(),
        "expected {} error line(s) on stderr, got:\n{stderr}",
        mentions.len()
    );
    for (line, wanted) in lines.iter().zip(mentions) {
        let message = line
            .strip_prefix("href-counter: ")
            .unwrap_or_else(|| panic!("error line without the 'href-counter: ' prefix: {line:?}"));
        assert!(
            message.chars().next().is_some_and(|c| !c.is_uppercase()),
            "the message must start in lower case: {line:?}"
        );
        for m in *wanted {
            assert!(
                message.contains(m),
                "error line should mention {m:?}: {line:?}"
            );
        }
    }
}

/// Runs the binary with `args`, an environment holding only `PATH` plus `env`, and `stdin` (or
/// an empty, closed standard input). `url`, proxies and certificate variables are never
/// inherited, so the machine running the tests cannot change the result.
pub(crate) fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut cmd = clean_command(BIN);
    cmd.args(args).envs(env.iter().copied());
    let input = stdin.map(<[u8]>::to_vec).unwrap_or_default();
    let watched = watch(cmd, input, &format!("href-counter {args:?}"));
    let stderr = String::from_utf8(watched.stderr).expect("stderr is not utf-8");
    let status = watched.status;
    let code = status.code().unwrap_or_else(|| {
        panic!("href-counter {args:?} died by a signal ({status}); stderr: {stderr}")
    });
    Run {
        code,
        stdout: watched.stdout,
        stderr,
        elapsed: watched.elapsed,
    }
}

/// `program` with an environment holding only `PATH` (and the coverage tool's variable).
pub(crate) fn clean_command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear();
    for keep in ["PATH", "LLVM_PROFILE_FILE"] {
        if let Some(value) = std::env::var_os(keep) {
            cmd.env(keep, value);
        }
    }
    cmd
}

/// What [`watch`] saw.
pub(crate) struct Watched {
    pub(crate) status: ExitStatus,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    pub(crate) elapsed: Duration,
}

/// Runs `cmd` with `input` on its standard input and both outputs captured, killing it (and
/// failing the test) past [`WATCHDOG`]; `what` names it in that failure.
pub(crate) fn watch(mut cmd: Command, input: Vec<u8>, what: &str) -> Watched {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let mut child_in = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        // The program may rightly stop reading early (an error): a broken pipe is no failure.
        let _ = child_in.write_all(&input);
    });
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} still running after {WATCHDOG:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let _ = writer.join();
    Watched {
        status,
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
        elapsed,
    }
}

/// Every link of a crawl's JSON report, each with the `page` it is on: the report groups
/// them by page (`links: [{page, links: [...]}]`).
pub(crate) fn crawl_links(report: &serde_json::Value) -> Vec<serde_json::Value> {
    let groups = report["links"].as_array().expect("a links array");
    let mut all = Vec::new();
    for group in groups {
        let links = group["links"].as_array().expect("a page's links");
        assert!(
            !links.is_empty(),
            "a page without links has no group: {group}"
        );
        for link in links {
            let mut link = link.clone();
            link["page"] = group["page"].clone();
            all.push(link);
        }
    }
    all
}

/// How many findings of `audit` a crawl's JSON report has.
pub(crate) fn count_findings(report: &serde_json::Value, audit: &str) -> usize {
    let findings = report["findings"]
        .as_array()
        .expect("a crawl report's findings");
    findings.iter().filter(|f| f["audit"] == audit).count()
}

/// Runs the binary with `args` alone.
pub(crate) fn hc(args: &[&str]) -> Run {
    run(args, &[], None)
}

/// A directory under the system temp dir, removed with everything in it when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("href-counter-it-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }

    /// Writes `contents` to `name` in the directory; returns the full path as a string.
    pub(crate) fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).expect("write a temp file");
        path.to_str().expect("a utf-8 temp path").to_string()
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What [`PlainServer`] answers on one path.
pub(crate) enum Reply {
    /// 200 with `text/html; charset=utf-8`.
    Html(String),
    /// A redirect with this status and `Location`.
    Redirect(u16, String),
}

/// A minimal HTTP/1.1 server on 127.0.0.1 whose port is known before its routes are given.
///
/// test-server picks its port when it starts, after its routes are fixed, so none of its pages
/// can name its own `127.0.0.1:PORT` (nor can two servers name each other). Here [`bind`]
/// comes first, [`serve`] after. Every response closes its connection.
///
/// [`bind`]: PlainServer::bind
/// [`serve`]: PlainServer::serve
pub(crate) struct PlainServer {
    addr: SocketAddr,
    listener: Option<TcpListener>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl PlainServer {
    pub(crate) fn bind() -> PlainServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        PlainServer {
            addr: listener.local_addr().expect("local address"),
            listener: Some(listener),
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        }
    }

    /// `127.0.0.1:PORT`: the host as a URL names it.
    pub(crate) fn host(&self) -> String {
        self.addr.to_string()
    }

    /// `http://127.0.0.1:PORT/path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Starts answering: an exact request-target match, or 404.
    pub(crate) fn serve(&mut self, routes: Vec<(String, Reply)>) {
        let listener = self.listener.take().expect("serve is called once");
        let stop = Arc::clone(&self.stop);
        self.thread = Some(std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = answer(stream, &routes);
                }
            }
        }));
    }
}

fn answer(mut stream: TcpStream, routes: &[(String, Reply)]) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let (status, extra, body) = match routes.iter().find(|(path, _)| path == target) {
        Some((_, Reply::Html(body))) => (
            "200 OK".to_string(),
            "Content-Type: text/html; charset=utf-8\r\n".to_string(),
            body.clone(),
        ),
        Some((_, Reply::Redirect(code, location))) => (
            format!("{code} Redirect"),
            format!("Location: {location}\r\n"),
            String::new(),
        ),
        None => ("404 Not Found".to_string(), String::new(), String::new()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

impl Drop for PlainServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            // Wake the accept loop so that it sees the flag.
            let _ = TcpStream::connect(self.addr);
            let _ = thread.join();
        }
    }
}
