//! JUnit XML, which CI systems show like a test run: one test case per audit, failed when
//! it has findings of the chosen severity or worse, listing them.

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
    let mut cases = String::new();
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
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"href-counter audit of {}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3}\">\n{}  </testsuite>\n</testsuites>\n",
        xml(&report.summary.seed),
        report.audits.len(),
        failures,
        report.summary.elapsed_ms / 1000.0,
        cases
    )
}
