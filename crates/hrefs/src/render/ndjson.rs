//! NDJSON, one JSON object per line: a page's full report per line; for a crawl, each URL as
//! it is done (flushed at once, so a pipe sees it while the crawl runs), then one line with
//! the summary, rating, audits and findings.

use std::io::{self, Write};

use super::error_object;
use super::escape::json_into;
use crate::crawl::{Progress, Visit};
use crate::report::{Link, PageLinks};
use crate::sink::{CrawlSink, PageResult, PageSink};
use crate::site_report::SiteReport;

pub(super) struct PageNdjson<W> {
    w: W,
}

impl<W: Write> PageNdjson<W> {
    pub(super) fn new(w: W) -> Self {
        PageNdjson { w }
    }
}

impl<W: Write> PageSink for PageNdjson<W> {
    fn page(&mut self, input: &str, result: &PageResult) -> io::Result<()> {
        match result {
            Ok(r) => json_into(&mut self.w, r)?,
            Err(e) => json_into(&mut self.w, &error_object(input, e))?,
        }
        self.w.write_all(b"\n")
    }

    fn finish(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

pub(super) struct CrawlNdjson<W> {
    w: W,
}

impl<W: Write> CrawlNdjson<W> {
    pub(super) fn new(w: W) -> Self {
        CrawlNdjson { w }
    }
}

impl<W: Write> CrawlSink for CrawlNdjson<W> {
    fn visit(
        &mut self,
        visit: &Visit,
        links: Option<&PageLinks>,
        _progress: &Progress,
    ) -> io::Result<()> {
        // Written link by link: a page's links as one JSON value would weigh several times
        // what the page's links do.
        let w = &mut self.w;
        w.write_all(b"{\"visit\":")?;
        json_into(&mut *w, visit)?;
        w.write_all(b",\"links\":")?;
        match links {
            None => w.write_all(b"null")?,
            Some(links) => {
                w.write_all(b"[")?;
                for (i, link) in links.iter().enumerate() {
                    if i > 0 {
                        w.write_all(b",")?;
                    }
                    json_into(&mut *w, &Link::from(link))?;
                }
                w.write_all(b"]")?;
            }
        }
        w.write_all(b"}\n")?;
        w.flush()
    }

    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        // Written as it serializes: on a large site the findings alone run to hundreds of MB,
        // and a `serde_json::Value` of them would hold them all in memory twice over.
        let w = &mut self.w;
        w.write_all(b"{\"summary\":")?;
        json_into(&mut *w, &report.summary)?;
        w.write_all(b",\"notices\":")?;
        json_into(&mut *w, &report.notices())?;
        w.write_all(b",\"fix_first\":")?;
        json_into(&mut *w, &report.fix_first)?;
        w.write_all(b",\"rating\":")?;
        json_into(
            &mut *w,
            &serde_json::json!({ "score": report.rating.score, "grade": report.rating.grade }),
        )?;
        w.write_all(b",\"audits\":")?;
        json_into(&mut *w, &report.audits)?;
        w.write_all(b",\"findings\":")?;
        json_into(&mut *w, &report.findings)?;
        w.write_all(b"}\n")?;
        w.flush()
    }
}
