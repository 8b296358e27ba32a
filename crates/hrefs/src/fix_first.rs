//! "Fix first": a crawl's findings grouped by cause, ranked by the rating points fixing each
//! cause would restore, with the site score it would give (see `docs/rating.md`).
//!
//! A cause is what one fix removes: for a link problem, its target (one missing page however
//! many links lead to it; a missing `#fragment` is its own cause), for an element (an image
//! without alt, an `hreflang` alternate) likewise, for a problem of the page itself, every
//! page with it: the pages of a site share their templates, and one change to the template
//! (a meta description, a shorter title suffix) fixes them all. Fixing a cause takes its
//! findings away, and each page's share of the audit's reach shrinks to what its other
//! findings of that audit keep.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{self, Audit, Finding, Severity};
use crate::rating::{self, tenth};

/// How many causes a report lists.
pub const SHOWN: usize = 10;

/// How many of a cause's links a report shows.
const SOURCES: usize = 3;

/// Where one link of a cause is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// The page the link is on.
    pub page: String,
    /// Its 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Its 1-based byte column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Source {
    /// `page:line:column`, or the page alone when the finding has no position.
    pub fn location(&self) -> String {
        audit::location(&self.page, self.line, self.column)
    }
}

/// One cause and what fixing it is worth.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    /// The audit that finds it.
    pub audit: Audit,
    /// How bad it is.
    pub severity: Severity,
    /// The cause: a link or element target, the text of generic link text, or the audit's
    /// title for page problems.
    pub cause: String,
    /// What is wrong, as its first finding says ("http status 404"...).
    pub detail: String,
    /// Its findings (links, for link problems).
    pub findings: usize,
    /// Pages they are on.
    pub pages: usize,
    /// The first few of them, in report order.
    pub sources: Vec<Source>,
    /// Rating points fixing it restores, rounded to a tenth.
    pub points: f64,
    /// The site score once it is fixed (and nothing else), rounded to a tenth.
    pub score: f64,
    /// Points fixing it takes off the deductions, before the error cap: what ranks causes
    /// the cap makes equal.
    #[serde(skip)]
    gain: f64,
}

/// The causes of `findings` over `rated` pages, most points restored first (then most
/// deducted points taken away, as the error cap can hide them; then most findings, then audit
/// and cause), at most `limit` of them. Audits of weight 0 are left out:
/// fixing them restores nothing.
pub fn fix_first(findings: &[Finding], rated: usize, limit: usize) -> Vec<Fix> {
    if rated == 0 {
        return Vec::new();
    }
    // Per audit, the findings on each page; per cause, its findings.
    let per_page = rating::page_counts(findings);
    let on = |audit: Audit, page: &str| -> usize {
        per_page
            .binary_search_by(|&(a, p, _)| (a, p).cmp(&(audit, page)))
            .map_or(0, |i| per_page[i].2)
    };
    let mut causes: BTreeMap<(Audit, &str), Vec<&Finding>> = BTreeMap::new();
    let mut errors = 0;
    for f in findings {
        errors += usize::from(f.severity == Severity::Error);
        if rating::weight(f.audit) > 0.0 {
            causes.entry((f.audit, cause(f))).or_default().push(f);
        }
    }
    let mut reach: BTreeMap<Audit, f64> = BTreeMap::new();
    for &(audit, _, n) in &per_page {
        *reach.entry(audit).or_default() += rating::page_share(audit, n) / rated as f64;
    }
    let lost: f64 = reach
        .iter()
        .map(|(&audit, &reach)| rating::site_deduction(audit, reach))
        .sum();
    let now = rating::score_after(lost, errors > 0);
    let mut fixes: Vec<Fix> = causes
        .into_iter()
        .map(|((audit, cause), group)| {
            let mut on_page: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &group {
                *on_page.entry(&*f.page).or_default() += 1;
            }
            // The share each page keeps once this cause's findings are gone from it.
            let taken: f64 = on_page
                .iter()
                .map(|(&page, &n)| {
                    let all = on(audit, page);
                    rating::page_share(audit, all) - rating::page_share(audit, all - n)
                })
                .sum::<f64>()
                / rated as f64;
            let reach = reach[&audit];
            let before = rating::site_deduction(audit, reach);
            let after = rating::site_deduction(audit, (reach - taken).max(0.0));
            let fixed_errors = group
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            let then = rating::score_after(lost - before + after, errors > fixed_errors);
            let first = group[0];
            Fix {
                audit,
                severity: first.severity,
                cause: cause.to_string(),
                detail: first.detail.to_string(),
                findings: group.len(),
                pages: on_page.len(),
                sources: group
                    .iter()
                    .take(SOURCES)
                    .map(|f| Source {
                        page: f.page.to_string(),
                        line: f.line,
                        column: f.column,
                    })
                    .collect(),
                points: tenth(then - now),
                score: tenth(then),
                gain: before - after,
            }
        })
        .collect();
    fixes.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then(b.gain.total_cmp(&a.gain))
            .then(b.findings.cmp(&a.findings))
            .then(a.audit.cmp(&b.audit))
            .then_with(|| a.cause.cmp(&b.cause))
    });
    fixes.truncate(limit);
    fixes
}

/// What one fix of `f` removes: its target without the fragment (a missing page is one cause
/// however its links end), the whole target for a missing fragment, the text for generic link
/// text (a "Details" in the template is one fix, whatever each link leads to), the audit
/// itself for problems of the page.
fn cause(f: &Finding) -> &str {
    if f.audit.is_about_pages() {
        return f.audit.title();
    }
    if let (Audit::GenericLinkText, Some(text)) = (f.audit, &f.text) {
        return text.trim();
    }
    match (&f.target, f.audit) {
        (Some(target), Audit::MissingFragment) => target,
        (Some(target), _) => target.split('#').next().unwrap_or(target),
        (None, _) => &f.page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::{weight, ERROR_CAP};

    fn link(audit: Audit, page: &str, target: &str, line: u32) -> Finding {
        Finding {
            audit,
            severity: audit.severity(),
            page: page.into(),
            target: Some(target.into()),
            line: Some(line),
            column: Some(1),
            text: None,
            detail: "http status 404".into(),
        }
    }

    #[test]
    fn one_missing_page_is_one_cause_ranked_by_the_points_it_restores() {
        // /gone is linked from 3 of 4 pages (twice from /p0, once with a fragment), /lost
        // once from /p0; a redirect on /p3. Broken links' reach: (7/8 + 1/2 + 1/2) / 4.
        let findings = vec![
            link(Audit::BrokenLink, "/p0", "/gone", 1),
            link(Audit::BrokenLink, "/p0", "/gone#x", 2),
            link(Audit::BrokenLink, "/p0", "/lost", 3),
            link(Audit::BrokenLink, "/p1", "/gone", 1),
            link(Audit::BrokenLink, "/p2", "/gone", 1),
            link(Audit::Redirect, "/p3", "/old", 1),
        ];
        let (now, _, _) = rating::site_score(&findings, 4);
        let (broken, redirect) = (weight(Audit::BrokenLink), weight(Audit::Redirect));
        let lost_now = broken * (1.875f64 / 4.0).sqrt() + redirect * (0.5f64 / 4.0).sqrt();
        assert_eq!(now, Some(tenth(100.0 - lost_now)));
        let fixes = fix_first(&findings, 4, 10);
        let gone = &fixes[0];
        assert_eq!(
            (gone.cause.as_str(), gone.findings, gone.pages),
            ("/gone", 4, 3)
        );
        assert_eq!(gone.sources.len(), 3);
        assert_eq!(gone.sources[0].line, Some(1));
        // /p0 keeps its /lost link: its share of broken links' reach drops from 7/8 to 1/2,
        // the other two pages' to nothing; an error remains, so the cap holds.
        let lost_after = (broken + redirect) * (0.5f64 / 4.0).sqrt();
        assert_eq!(gone.score, tenth((100.0 - lost_after).min(ERROR_CAP)));
        assert!((gone.points - (gone.score - now.unwrap())).abs() < 0.11);
        assert_eq!((gone.score, gone.points), (89.9, 5.7));
        // Fixing /lost alone leaves /p0 two broken links: 7/8 of it becomes 3/4.
        let lost = fixes.iter().find(|f| f.cause == "/lost").unwrap();
        let gain = broken * ((1.875f64 / 4.0).sqrt() - (1.75f64 / 4.0).sqrt());
        assert_eq!(lost.points, tenth(gain));
        // The redirect, whole on its page, restores more.
        assert_eq!(fixes[1].cause, "/old", "{fixes:#?}");
        assert_eq!(fixes[2].cause, "/lost");
        assert_eq!(fixes.len(), 3);
        assert_eq!(fix_first(&findings, 4, 1).len(), 1);
        assert!(fix_first(&findings, 0, 10).is_empty());
    }
}
