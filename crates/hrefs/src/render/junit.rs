//! JUnit XML, which CI systems show like a test run: one test case per audit, failed when
//! it has findings of the chosen severity or worse, listing them, and a first test case for
//! the crawl itself: an error when its start page could not be crawled or it stopped early,
//! with what it did not cover (limits that tripped, sitemap trouble) as its output.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::xml;
use crate::audit::{Audit, Finding, Severity};
use crate::sink::CrawlSink;
use crate::site_report::SiteReport;

pub(super) struct CrawlJunit<W> {
    fail_at: Severity,
    w: W,
}

impl<W: Write> CrawlJunit<W> {
    pub(super) fn new(fail_at: Severity, w: W) -> Self {
        CrawlJunit { fail_at, w }
    }
}

impl<W: Write> CrawlSink for CrawlJunit<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        self.w.write_all(junit(report, self.fail_at).as_bytes())?;
        self.w.flush()
    }
}

/// JUnit XML: one test case per audit, failed when it has findings of severity `fail_at`
/// or worse (one `<failure>` listing them), so CI systems show the audit like a test run.
fn junit(report: &SiteReport, fail_at: Severity) -> String {
    let (mut cases, errors) = crawl_case(report);
    let mut failures = 0;
    for a in &report.audits {
        let audit = Audit::ALL
            .into_iter()
            .find(|x| x.id() == a.id)
            .expect("audit lines come from Audit::ALL");
        let found: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.audit == audit)
            .collect();
        let _ = write!(
            cases,
            "    <testcase classname=\"href-counter.audit\" name=\"{}\">",
            xml(a.id)
        );
        if !found.is_empty() && a.severity <= fail_at {
            failures += 1;
            let mut body = String::new();
            for f in &found {
                let _ = writeln!(
                    body,
                    "{}{} {} {}",
                    f.page,
                    f.line.map(|l| format!(":{l}")).unwrap_or_default(),
                    f.target.as_deref().unwrap_or(""),
                    f.detail
                );
            }
            let _ = write!(
                cases,
                "\n      <failure message=\"{} {}: {}\" type=\"{}\">{}</failure>\n    ",
                found.len(),
                if found.len() == 1 {
                    "finding"
                } else {
                    "findings"
                },
                xml(a.title),
                a.severity.as_str(),
                xml(&body)
            );
        } else if !found.is_empty() {
            let _ = write!(
                cases,
                "\n      <system-out>{} findings below the failure threshold</system-out>\n    ",
                found.len()
            );
        }
        cases.push_str("</testcase>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"href-counter audit of {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n{}  </testsuite>\n</testsuites>\n",
        xml(&report.summary.seed),
        report.audits.len() + 1,
        failures,
        errors,
        report.summary.elapsed_ms / 1000.0,
        cases
    )
}

/// The test case of the crawl itself, and its error count: an `<error>` when it did not run
/// to its end (the start page could not be crawled, Ctrl-C, the memory budget), the notices
/// as its output either way.
fn crawl_case(report: &SiteReport) -> (String, usize) {
    let mut notices = report.notices();
    let mut case = String::from("    <testcase classname=\"href-counter.crawl\" name=\"crawl\">");
    let mut errors = 0;
    if !report.summary.ending.is_complete() {
        errors = 1;
        let ending = notices.remove(0);
        let _ = write!(
            case,
            "\n      <error message=\"{}\" type=\"{}\"/>",
            xml(&ending),
            report.summary.ending.id()
        );
    }
    if !notices.is_empty() {
        let _ = write!(
            case,
            "\n      <system-out>{}</system-out>",
            xml(&notices.join("\n"))
        );
    }
    if errors > 0 || !notices.is_empty() {
        case.push_str("\n    ");
    }
    case.push_str("</testcase>\n");
    (case, errors)
}
