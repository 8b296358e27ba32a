//! The report of a whole-site crawl: summary, rating, audits and findings, every page and
//! every link, ready for [`crate::render`] to write in any format.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{self, Audit, Finding, Severity};
use crate::crawl::graph::Links;
use crate::crawl::{Crawl, Cut, Ending, Settings, Visit};
use crate::fix_first::{self, Fix};
use crate::rating::{self, Rating};

/// Totals over the crawl.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The crawl's start URL.
    pub seed: String,
    /// Pages parsed.
    pub pages: usize,
    /// URLs only checked (off-site, past a limit, not HTML...).
    pub checked: usize,
    /// URLs that answered 4xx/5xx or not at all.
    pub broken: usize,
    /// URLs that redirected.
    pub redirected: usize,
    /// Pages robots.txt kept the crawl from.
    pub robots_disallowed: usize,
    /// The original tool's internal count, summed over the pages.
    pub internal: u64,
    /// The original tool's external count, summed over the pages.
    pub external: u64,
    /// URLs per final HTTP status (`"error"` for no answer).
    pub statuses: BTreeMap<String, usize>,
    /// Parsed pages per click depth (`"sitemap"` for pages only a sitemap leads to).
    pub depths: BTreeMap<String, usize>,
    /// Findings per severity.
    pub severities: BTreeMap<&'static str, usize>,
    /// How the crawl ended.
    pub ending: Ending,
    /// Whether the crawl was stopped before it was complete (by Ctrl-C or the memory budget).
    pub interrupted: bool,
    /// Where the start URL redirected to, when another origin: the site crawled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landed_on: Option<String>,
    /// What each limit that tripped kept from the crawl.
    pub cuts: Vec<Cut>,
    /// When the crawl started: RFC 3339, UTC, to the second. With `elapsed_ms`, the only
    /// field that differs between two crawls of the same site with the same settings.
    pub started: String,
    /// Wall time of the crawl, in milliseconds.
    pub elapsed_ms: f64,
    /// What the crawl was run with.
    pub settings: Settings,
}

/// An audit as the report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditLine {
    /// The id (`broken-link`...).
    pub id: &'static str,
    /// A title.
    pub title: &'static str,
    /// How bad its findings are.
    pub severity: Severity,
    /// Its weight in the rating.
    pub weight: f64,
    /// Findings over the site.
    pub findings: usize,
    /// Pages with at least one finding.
    pub pages: usize,
    /// The fix, in words.
    pub fix: &'static str,
}

/// Everything a crawl found, ready to render.
#[derive(Debug, Clone)]
pub struct SiteReport {
    /// Totals.
    pub summary: Summary,
    /// The SEO rating.
    pub rating: Rating,
    /// What to fix first: the findings' causes worth the most points, at most
    /// [`fix_first::SHOWN`].
    pub fix_first: Vec<Fix>,
    /// Every audit, with its findings count.
    pub audits: Vec<AuditLine>,
    /// Every finding, page by page.
    pub findings: Vec<Finding>,
    /// Every URL visited.
    pub visits: Vec<Visit>,
    /// Every link of every parsed page.
    pub links: Links,
    /// Sitemap files that could not be read.
    pub sitemap_errors: Vec<String>,
    /// robots.txt files not kept whole.
    pub robots_problems: Vec<String>,
}

impl SiteReport {
    /// Audits and rates `crawl`.
    pub fn new(crawl: Crawl) -> SiteReport {
        let findings = audit::audit(&crawl);
        let rating = rating::rate(&crawl, &findings);
        // The rating counted each audit's findings and pages already.
        let audits = Audit::ALL
            .iter()
            .map(|&a| {
                let counted = rating.deductions.iter().find(|d| d.audit == a);
                AuditLine {
                    id: a.id(),
                    title: a.title(),
                    severity: a.severity(),
                    weight: rating::weight(a),
                    findings: counted.map_or(0, |d| d.findings),
                    pages: counted.map_or(0, |d| d.pages),
                    fix: a.fix(),
                }
            })
            .collect();
        let summary = summarize(&crawl, &findings);
        let fix_first = fix_first::fix_first(&findings, rating.pages.len(), fix_first::SHOWN);
        SiteReport {
            summary,
            rating,
            fix_first,
            audits,
            findings,
            visits: crawl.visits,
            links: crawl.links,
            sitemap_errors: crawl.sitemap_errors,
            robots_problems: crawl.robots_problems,
        }
    }

    /// The findings, errors first, then warnings, then notices (page order within each).
    pub fn findings_worst_first(&self) -> Vec<&Finding> {
        let mut findings: Vec<&Finding> = self.findings.iter().collect();
        findings.sort_by_key(|f| f.severity);
        findings
    }

    /// Everything that kept the crawl from covering the whole site, one sentence each, for
    /// every format and for stderr: how it ended (unless complete), where the start page
    /// landed, each limit that tripped, sitemaps that could not be read, robots.txt files
    /// not kept whole. Web text in them (URLs) is raw: each format escapes it.
    pub fn notices(&self) -> Vec<String> {
        let s = &self.summary;
        let mut notices = Vec::new();
        let cause = (s.ending == Ending::StartBroken)
            .then(|| self.visits.iter().find(|v| v.url == s.seed))
            .flatten()
            .map(start_failure);
        notices.extend(s.ending.explain(&s.seed).map(|why| match cause {
            Some(cause) => format!("{why}: {cause}"),
            None => why,
        }));
        if let Some(landed) = &s.landed_on {
            notices.push(format!(
                "the start page {} redirected to {landed}: the site crawled is {landed}'s",
                s.seed
            ));
        }
        notices.extend(s.cuts.iter().map(Cut::message));
        // When nothing was crawled the site's sitemaps are beside the point (on a dead server
        // they fail just as the start page did).
        if !s.ending.is_start_problem() {
            notices.extend(
                self.sitemap_errors
                    .iter()
                    .map(|e| format!("sitemap not read: {e}")),
            );
        }
        notices.extend(
            self.robots_problems
                .iter()
                .map(|p| format!("robots.txt: {p}")),
        );
        notices
    }

    /// Whether there is a finding at least as bad as `severity`.
    pub fn has_findings_at(&self, severity: Severity) -> bool {
        self.findings.iter().any(|f| f.severity <= severity)
    }
}

fn summarize(crawl: &Crawl, findings: &[Finding]) -> Summary {
    let mut summary = Summary {
        seed: crawl.seed.clone(),
        pages: 0,
        checked: 0,
        broken: 0,
        redirected: 0,
        robots_disallowed: 0,
        internal: 0,
        external: 0,
        statuses: BTreeMap::new(),
        depths: BTreeMap::new(),
        severities: BTreeMap::new(),
        ending: crawl.ending,
        interrupted: crawl.interrupted(),
        landed_on: crawl.landed_on.clone(),
        cuts: crawl.cuts.clone(),
        started: crawl.started.clone(),
        elapsed_ms: crawl.elapsed_ms,
        settings: crawl.settings.clone(),
    };
    for v in &crawl.visits {
        if v.robots_disallowed {
            summary.robots_disallowed += 1;
            continue;
        }
        *summary.statuses.entry(status_label(v)).or_default() += 1;
        summary.broken += usize::from(v.is_broken());
        summary.redirected += usize::from(!v.redirects.is_empty());
        match &v.page {
            Some(page) => {
                summary.pages += 1;
                summary.internal += page.counts.internal;
                summary.external += page.counts.external;
                let depth = v.depth.map_or("sitemap".to_string(), |d| d.to_string());
                *summary.depths.entry(depth).or_default() += 1;
            }
            None => summary.checked += 1,
        }
    }
    for f in findings {
        *summary.severities.entry(f.severity.as_str()).or_default() += 1;
    }
    summary
}

/// Why the start page could not be read: its error, or its status.
fn start_failure(v: &Visit) -> String {
    match (&v.error, v.status) {
        (Some(e), _) => e.message.clone(),
        (None, Some(status)) => format!("{} answered http status {status}", v.url),
        (None, None) => "no answer".to_string(),
    }
}

/// What a visit came to, in a word: its status, `error`, `robots.txt` or `none`.
pub fn status_label(v: &Visit) -> String {
    match (v.status, &v.error) {
        (_, Some(_)) => "error".to_string(),
        (Some(s), None) => s.to_string(),
        (None, None) if v.robots_disallowed => "robots.txt".to_string(),
        (None, None) => "none".to_string(),
    }
}
