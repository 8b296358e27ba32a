//! The lines a crawl ends with on standard error, whatever the format: one line of summary
//! (rating, pages, findings by severity, what the gate accepted, where the report went), and,
//! when the gate fails, why: the score under `--min-score`, the findings that tripped
//! `--fail-on`.

use super::escape::sanitize;
use crate::audit::Severity;
use crate::gate::Verdict;
use crate::site_report::SiteReport;

/// How many of the findings that tripped a gate are named.
const NAMED: usize = 5;

/// The closing line: `rated 89.9/100 (B) over 526 pages; 1449 errors, 160 warnings, 1861
/// notices; 3 ignored; report: FILE`. `destination` is where the report was written; what
/// the gate accepted is said when it accepted anything.
pub fn closing_line(report: &SiteReport, verdict: Option<&Verdict>, destination: &str) -> String {
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
    let accepted = match verdict.map(accepted) {
        Some(a) if !a.is_empty() => format!("; {a}"),
        _ => String::new(),
    };
    format!(
        "{rating}; {}, {}, {}{accepted}; report: {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Notice), "notice"),
        sanitize(destination)
    )
}

/// What the gate accepted, for the closing line: `12 ignored, 3 in the baseline`; empty when
/// nothing was.
pub fn accepted(verdict: &Verdict) -> String {
    let mut parts = Vec::new();
    if verdict.ignored > 0 {
        parts.push(format!("{} ignored", verdict.ignored));
    }
    if verdict.in_baseline > 0 {
        parts.push(format!("{} in the baseline", verdict.in_baseline));
    }
    parts.join(", ")
}

/// Why the gate failed: the score, then the findings that tripped it (the first few, worst
/// first, with page, line, column and target) and how many more. Empty when it passed.
pub fn gate_lines(verdict: &Verdict) -> Vec<String> {
    let mut lines = Vec::new();
    if let (Some(score), Some(min)) = (verdict.low_score, verdict.min_score) {
        lines.push(match score {
            Some(score) => format!("--min-score {min}: the site rates {score:.1}, under it"),
            None => format!("--min-score {min}: the site is not rated"),
        });
    }
    let (Some(fail_on), false) = (verdict.fail_on, verdict.tripped.is_empty()) else {
        return lines;
    };
    let n = verdict.tripped.len();
    let accepted = match accepted(verdict) {
        a if a.is_empty() => a,
        a => format!(" (besides {a})"),
    };
    lines.push(format!(
        "--fail-on {}: {n} finding{} at {} or worse{accepted}",
        fail_on.as_str(),
        if n == 1 { "" } else { "s" },
        fail_on.as_str()
    ));
    for f in verdict.tripped.iter().take(NAMED) {
        let target = f
            .target
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        let line = format!("  {} {}{target}: {}", f.audit.id(), f.location(), f.detail);
        lines.push(sanitize(&line).into_owned());
    }
    if n > NAMED {
        lines.push(format!("  and {} more", n - NAMED));
    }
    lines
}
