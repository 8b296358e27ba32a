//! What ends a crawl from outside the process: Ctrl-C, once or twice, and the reader of
//! standard output going away. Each is answered by a task of the crawl's runtime, so that it is
//! heard whatever the crawl's own thread is doing: waiting on a server, auditing, rendering
//! the report, or blocked writing to a pipe that nobody reads.

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::{EXIT_INTERRUPTED, EXIT_OK};

/// Ctrl-C during a crawl. The first press stops the crawl, whose report is then written (of
/// what was crawled so far, or of the whole crawl when it was over); a second press exits at
/// once with [`EXIT_INTERRUPTED`], without the report.
pub(crate) struct CtrlC {
    pressed: Arc<AtomicBool>,
}

impl CtrlC {
    /// Takes Ctrl-C over, and the future that completes at its first press, for the crawl to
    /// stop on. Called before the crawl's first request: a press then never meets the default
    /// handler, which would end the process without a report. `progress` when a progress
    /// line may be on standard error.
    pub(crate) fn listen(runtime: &Runtime, progress: bool) -> (CtrlC, impl Future<Output = ()>) {
        let pressed = Arc::new(AtomicBool::new(false));
        let (first, stop) = oneshot::channel();
        let _entered = runtime.enter();
        // Without a handler (rare), Ctrl-C ends the process as it always did, and the crawl
        // never stops on it.
        if let Ok(mut presses) = presses() {
            let pressed = Arc::clone(&pressed);
            runtime.spawn(async move {
                if presses.recv().await.is_none() {
                    return;
                }
                pressed.store(true, Ordering::SeqCst);
                notice(
                    progress,
                    "interrupted: writing the report of what was crawled \
                     (Ctrl-C again to quit without it)",
                );
                let _ = first.send(());
                if presses.recv().await.is_some() {
                    std::process::exit(EXIT_INTERRUPTED.into());
                }
            });
        }
        let stop = async {
            if stop.await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        (CtrlC { pressed }, stop)
    }

    /// Whether Ctrl-C was pressed, at any time of the crawl or its report.
    pub(crate) fn pressed(&self) -> bool {
        self.pressed.load(Ordering::SeqCst)
    }
}

#[cfg(unix)]
fn presses() -> std::io::Result<tokio::signal::unix::Signal> {
    use tokio::signal::unix::{signal, SignalKind};
    signal(SignalKind::interrupt())
}

#[cfg(windows)]
fn presses() -> std::io::Result<tokio::signal::windows::CtrlC> {
    tokio::signal::windows::ctrl_c()
}

/// Exits with [`EXIT_OK`], as for any broken pipe, as soon as the pipe on standard output
/// loses its reader: nothing the crawl still does could reach anyone. The crawl itself only
/// learns it from a write that fails, which may be far off: the next page of a site that
/// answers late, the end of a stalled robots.txt or sitemap, and for the formats written at
/// the end, the end of the crawl and of its audit. Returns the watch, to be stopped once the
/// report is written (a reader that leaves after reading it all must not change the exit
/// code), or `None` when standard output is no pipe (a file, a terminal, a socket), where a
/// failed write still ends the crawl.
pub(crate) fn exit_when_reader_gone(runtime: &Runtime, progress: bool) -> Option<JoinHandle<()>> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::FileTypeExt;
        use tokio::io::Interest;
        use tokio::net::unix::pipe;

        let stdout = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        let stdout = std::fs::File::from(stdout);
        if !stdout.metadata().ok()?.file_type().is_fifo() {
            return None;
        }
        let _entered = runtime.enter();
        // Unchecked: a pipe, checked above, left in blocking mode for the report's writes on
        // the same open file; nothing is written through this one.
        let pipe = pipe::Sender::from_file_unchecked(stdout).ok()?;
        Some(runtime.spawn(async move {
            // The error condition the system reports to a pipe's writer once the reader is
            // gone (at once when it already is).
            let ready = pipe.ready(Interest::ERROR).await;
            if ready.is_ok_and(|r| r.is_error()) {
                clear_progress(progress);
                std::process::exit(EXIT_OK.into());
            }
        }))
    }
    #[cfg(not(unix))]
    {
        let _ = (runtime, progress);
        None
    }
}

/// Writes `message` on standard error as a line of ours, in place of the progress line if one
/// may be shown.
fn notice(progress: bool, message: &str) {
    clear_progress(progress);
    // Standard error gone is no reason to fail: the report is on standard output.
    let _ = writeln!(std::io::stderr(), "href-counter: {message}");
}

/// Clears the progress line (drawn by `hrefs::render::Meter`) the way it clears itself, when
/// one may be shown: the process is about to write over it or to exit under it.
fn clear_progress(progress: bool) {
    if progress {
        let _ = write!(std::io::stderr(), "\r\x1b[2K");
    }
}
