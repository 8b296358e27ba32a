//! GitHub Actions annotations: one workflow command per finding (`::error file=public/a.html,
//! line=3,col=14,title=Broken links::http status 404: https://...`), which the runner shows
//! on the file and line in a pull request's diff when the site was crawled from disk, and in
//! the job's summary otherwise. Findings at warning or worse, and notices too when the gate
//! fails on notices: a docs site has thousands of notices, and GitHub shows the first few
//! annotations of each level only.

use std::io::{self, Write};

use super::escape::{workflow_data, workflow_property};
use super::files::Files;
use crate::audit::{Finding, Severity};
use crate::sink::CrawlSink;
use crate::site_report::SiteReport;

pub(super) struct CrawlGithub<W> {
    least: Severity,
    w: W,
}

impl<W: Write> CrawlGithub<W> {
    pub(super) fn new(least: Severity, w: W) -> Self {
        CrawlGithub { least, w }
    }
}

impl<W: Write> CrawlSink for CrawlGithub<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        let files = Files::of(report);
        let complete = report.summary.ending.is_complete();
        for (i, notice) in report.notices().iter().enumerate() {
            let level = if i == 0 && !complete {
                "error"
            } else {
                "warning"
            };
            writeln!(
                self.w,
                "::{level} title=href-counter::{}",
                workflow_data(notice)
            )?;
        }
        for f in report.findings_worst_first() {
            if f.severity > self.least {
                break;
            }
            writeln!(self.w, "{}", annotation(f, &files))?;
        }
        self.w.flush()
    }
}

fn annotation(f: &Finding, files: &Files) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Notice => "notice",
    };
    let target = f
        .target
        .as_deref()
        .map(|t| format!(": {t}"))
        .unwrap_or_default();
    let mut props = Vec::new();
    let message = match files.path(&f.page) {
        Some(path) => {
            props.push(format!("file={}", workflow_property(&path)));
            if let Some(line) = f.line {
                props.push(format!("line={line}"));
            }
            if let Some(col) = f.column {
                props.push(format!("col={col}"));
            }
            format!("{}{target}", f.detail)
        }
        // No file to point at: the message says where.
        None => format!("{} {}{target}", f.location(), f.detail),
    };
    props.push(format!("title={}", workflow_property(f.audit.title())));
    format!("::{level} {}::{}", props.join(","), workflow_data(&message))
}
