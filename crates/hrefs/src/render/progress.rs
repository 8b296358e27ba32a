//! The progress line a crawl shows on a terminal: a sink around the real one, redrawn at
//! most ten times a second, gone before the report is written.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::crawl::{Progress, Visit};
use crate::report::PageLinks;
use crate::sink::CrawlSink;
use crate::site_report::SiteReport;

/// Shows progress on `term` (standard error, when it is a terminal) and passes everything on
/// to the sink it wraps.
pub struct Meter<S, T: Write> {
    inner: S,
    term: Option<T>,
    started: Instant,
    last: Option<Instant>,
    done: usize,
    pages: usize,
    broken: usize,
}

impl<S: CrawlSink, T: Write> Meter<S, T> {
    /// Wraps `inner`; shows nothing when `term` is `None`.
    pub fn new(inner: S, term: Option<T>) -> Self {
        Meter {
            inner,
            term,
            started: Instant::now(),
            last: None,
            done: 0,
            pages: 0,
            broken: 0,
        }
    }

    fn draw(&mut self, progress: &Progress) {
        let Some(term) = &mut self.term else { return };
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        // A terminal that went away is no reason to stop the crawl.
        let _ = write!(
            term,
            "\r\x1b[2Kcrawling: {} done ({} pages), {} queued, {} in flight, {} broken, {rate:.0}/s",
            self.done, self.pages, progress.queued, progress.in_flight, self.broken
        );
        let _ = term.flush();
    }
}

impl<S, T: Write> Meter<S, T> {
    /// Clears the line, if one is shown.
    fn clear(&mut self) {
        if let (Some(term), Some(_)) = (&mut self.term, self.last.take()) {
            let _ = write!(term, "\r\x1b[2K");
            let _ = term.flush();
        }
    }
}

impl<S: CrawlSink, T: Write> CrawlSink for Meter<S, T> {
    fn visit(
        &mut self,
        visit: &Visit,
        links: Option<&PageLinks>,
        progress: &Progress,
    ) -> io::Result<()> {
        self.done += 1;
        self.pages += usize::from(visit.page.is_some());
        self.broken += usize::from(visit.is_broken());
        self.draw(progress);
        self.inner.visit(visit, links, progress)
    }

    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        self.clear();
        self.inner.report(report)
    }
}

impl<S, T: Write> Drop for Meter<S, T> {
    /// A crawl that ends on an error leaves no half line behind either.
    fn drop(&mut self) {
        self.clear();
    }
}
