//! The seam between the work and its outputs, after ripgrep's `Sink`: page results go to a
//! [`PageSink`], a crawl's visits (as each completes) and then its finished report to a
//! [`CrawlSink`]. Every format of [`crate::render`] is a sink; a front end picks one, or
//! writes its own (a server streaming over HTTP), and wraps it as it likes (a progress meter).

use std::future::Future;
use std::io;

use url::Url;

use crate::crawl::{self, CrawlConfig, Progress, Visit};
use crate::fetch::Fetcher;
use crate::report::{PageLinks, PageReport};
use crate::site_report::SiteReport;
use crate::Error;

/// One page's result: its report, or why it could not be read.
pub type PageResult = Result<PageReport, Error>;

/// Receives the result of each page read, in input order.
pub trait PageSink {
    /// One page, by its input as given (URL, path or `-`).
    fn page(&mut self, input: &str, result: &PageResult) -> io::Result<()>;

    /// No more pages: close what needs closing and flush.
    fn finish(&mut self) -> io::Result<()>;
}

/// Receives a crawl as it goes, then its report.
pub trait CrawlSink {
    /// A URL is done; `links` are its page's when it was parsed. Most formats wait for the
    /// report and ignore this.
    fn visit(
        &mut self,
        visit: &Visit,
        links: Option<&PageLinks>,
        progress: &Progress,
    ) -> io::Result<()> {
        let _ = (visit, links, progress);
        Ok(())
    }

    /// The crawl is over, audited and rated: write the report and flush.
    fn report(&mut self, report: &SiteReport) -> io::Result<()>;
}

impl<S: CrawlSink + ?Sized> CrawlSink for Box<S> {
    fn visit(
        &mut self,
        visit: &Visit,
        links: Option<&PageLinks>,
        progress: &Progress,
    ) -> io::Result<()> {
        (**self).visit(visit, links, progress)
    }

    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        (**self).report(report)
    }
}

/// Crawls the site of `seed` into `sink`: each visit as it completes, then the report, which
/// is also returned. A crawl stopped by `stop` is reported for what it covered. An error
/// writing to the sink ends the crawl.
pub async fn crawl_into(
    seed: &Url,
    config: &CrawlConfig,
    fetcher: &Fetcher,
    stop: impl Future<Output = ()>,
    sink: &mut dyn CrawlSink,
) -> io::Result<SiteReport> {
    let crawl = crawl::crawl(seed, config, fetcher, stop, |visit, links, progress| {
        sink.visit(visit, links, progress)
    })
    .await?;
    let report = SiteReport::new(crawl);
    sink.report(&report)?;
    Ok(report)
}
