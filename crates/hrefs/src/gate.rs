//! The CI gate: whether a crawl's report fails a build, and why.
//!
//! A finding at `--fail-on` or worse trips the gate unless it is accepted: an ignore rule
//! (audit, target pattern, page pattern, and a reason) matches it, or the baseline (an earlier
//! JSON report) already had it, matched by audit, page and target, not by line numbers, which
//! move with every edit. A rating under `--min-score` fails the gate too. The report itself is
//! not changed: accepted findings still cost the rating what they cost, and are listed.

use std::collections::HashSet;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::audit::{Audit, Finding, Severity};
use crate::site_report::SiteReport;
use crate::url::wildcard_match;

/// A known problem, accepted: findings it matches never fail the gate.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoreRule {
    /// Only findings of this audit; any when `None`.
    pub audit: Option<Audit>,
    /// Only findings whose target matches this `*` pattern.
    pub target: Option<String>,
    /// Only findings on pages matching this `*` pattern.
    pub page: Option<String>,
    /// Why the problem is accepted: required, so that a rule explains itself to the next
    /// reader of the configuration.
    pub reason: String,
}

impl IgnoreRule {
    fn matches(&self, finding: &Finding) -> bool {
        self.audit.is_none_or(|a| a == finding.audit)
            && self
                .page
                .as_deref()
                .is_none_or(|p| wildcard_match(p, &finding.page))
            && self.target.as_deref().is_none_or(|t| {
                finding
                    .target
                    .as_deref()
                    .is_some_and(|f| wildcard_match(t, f))
            })
    }
}

/// The findings of an earlier JSON report, by audit, page and target.
#[derive(Debug, Default)]
pub struct Baseline {
    keys: HashSet<(String, String, String)>,
}

/// Why a baseline report could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be opened.
    #[error("cannot read the baseline '{}': {cause}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        cause: std::io::Error,
    },
    /// The file is not a crawl's JSON report.
    #[error("the baseline '{}' is not a crawl's JSON report (href-counter crawl --format json): {cause}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        cause: serde_json::Error,
    },
}

#[derive(Deserialize)]
struct BaselineReport {
    findings: Vec<BaselineFinding>,
}

#[derive(Deserialize)]
struct BaselineFinding {
    audit: String,
    page: String,
    #[serde(default)]
    target: Option<String>,
}

impl Baseline {
    /// Reads the findings of a crawl's JSON report (the rest of it is skipped).
    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let file = std::fs::File::open(path).map_err(|cause| BaselineError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let report: BaselineReport =
            serde_json::from_reader(BufReader::new(file)).map_err(|cause| {
                BaselineError::Format {
                    path: path.to_path_buf(),
                    cause,
                }
            })?;
        Ok(Baseline {
            keys: report
                .findings
                .into_iter()
                .map(|f| (f.audit, f.page, f.target.unwrap_or_default()))
                .collect(),
        })
    }

    fn has(&self, finding: &Finding) -> bool {
        // Borrowed lookups need the key's own type: the baseline is small next to a crawl.
        self.keys.contains(&(
            finding.audit.id().to_string(),
            finding.page.to_string(),
            finding.target.as_deref().unwrap_or_default().to_string(),
        ))
    }
}

/// What fails a build.
#[derive(Debug, Default)]
pub struct Gate {
    /// Findings at this severity or worse fail it.
    pub fail_on: Option<Severity>,
    /// A rating under this fails it (and so does no rating at all).
    pub min_score: Option<f64>,
    /// Known problems that never fail it.
    pub ignore: Vec<IgnoreRule>,
    /// An earlier report: only findings it does not have fail it.
    pub baseline: Option<Baseline>,
}

/// The gate's decision on one report.
#[derive(Debug)]
pub struct Verdict<'r> {
    /// The findings that failed it, worst first.
    pub tripped: Vec<&'r Finding>,
    /// Findings at `--fail-on` accepted by an ignore rule.
    pub ignored: usize,
    /// Findings at `--fail-on` the baseline already had.
    pub in_baseline: usize,
    /// The rating, when `--min-score` failed it (`None` inside: no rating at all).
    pub low_score: Option<Option<f64>>,
    /// The gate's `--fail-on`.
    pub fail_on: Option<Severity>,
    /// The gate's `--min-score`.
    pub min_score: Option<f64>,
}

impl Gate {
    /// Whether the gate asks anything at all.
    pub fn is_set(&self) -> bool {
        self.fail_on.is_some() || self.min_score.is_some()
    }

    /// Judges `report`.
    pub fn judge<'r>(&self, report: &'r SiteReport) -> Verdict<'r> {
        let mut verdict = Verdict {
            tripped: Vec::new(),
            ignored: 0,
            in_baseline: 0,
            low_score: None,
            fail_on: self.fail_on,
            min_score: self.min_score,
        };
        if let Some(fail_on) = self.fail_on {
            for finding in report.findings_worst_first() {
                if finding.severity > fail_on {
                    break;
                }
                if self.ignore.iter().any(|rule| rule.matches(finding)) {
                    verdict.ignored += 1;
                } else if self.baseline.as_ref().is_some_and(|b| b.has(finding)) {
                    verdict.in_baseline += 1;
                } else {
                    verdict.tripped.push(finding);
                }
            }
        }
        if let Some(min) = self.min_score {
            let score = report.rating.score;
            if score.is_none_or(|s| s < min) {
                verdict.low_score = Some(score);
            }
        }
        verdict
    }
}

impl Verdict<'_> {
    /// Whether the build fails.
    pub fn failed(&self) -> bool {
        !self.tripped.is_empty() || self.low_score.is_some()
    }
}
