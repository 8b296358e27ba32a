//! The lines a crawl ends with on standard error, whatever the format: one line of summary
//! (rating, pages, findings by severity, where the report went), and, when `--fail-on`
//! trips, which findings tripped it.

use super::escape::sanitize;
use crate::audit::Severity;
use crate::site_report::SiteReport;

/// How many of the findings that tripped a gate are named.
const NAMED: usize = 5;

/// The closing line: `rated 89.9/100 (B) over 526 pages; 1449 errors, 160 warnings, 1861
/// notices; report: FILE`. `destination` is where the report was written.
pub fn closing_line(report: &SiteReport, destination: &str) -> String {
    let s = &report.summary;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let rating = match (report.rating.score, report.rating.grade) {
        (Some(score), Some(grade)) => {
            format!(
                "rated {score:.1}/100 ({grade}) over {}",
                plural(s.pages, "page")
            )
        }
        _ if s.ending.is_start_problem() => "crawl failed, not rated".to_string(),
        _ => "not rated: no page could be read".to_string(),
    };
    let count = |severity: Severity| s.severities.get(severity.as_str()).copied().unwrap_or(0);
    format!(
        "{rating}; {}, {}, {}; report: {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Notice), "notice"),
        sanitize(destination)
    )
}

/// When findings at `fail_on` or worse exist: a line saying so, then the first few of them
/// (worst first), one a line, and how many more. Empty when the gate passes.
pub fn gate_lines(report: &SiteReport, fail_on: Severity) -> Vec<String> {
    let tripped: Vec<_> = report
        .findings_worst_first()
        .into_iter()
        .filter(|f| f.severity <= fail_on)
        .collect();
    if tripped.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![format!(
        "--fail-on {}: {} finding{} at {} or worse",
        fail_on.as_str(),
        tripped.len(),
        if tripped.len() == 1 { "" } else { "s" },
        fail_on.as_str()
    )];
    for f in tripped.iter().take(NAMED) {
        let at = f.location();
        let target = f
            .target
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        lines
            .push(sanitize(&format!("  {} {at}{target}: {}", f.audit.id(), f.detail)).into_owned());
    }
    if tripped.len() > NAMED {
        lines.push(format!("  and {} more", tripped.len() - NAMED));
    }
    lines
}
