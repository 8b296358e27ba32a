//! The SEO rating of a crawled site: 0–100 per page and for the site, with a letter grade,
//! every point deducted traceable to findings. The rubric is documented in `docs/rating.md`.
//!
//! Each [`Audit`] has a weight; the weights add up to 100. On a page, an audit with no finding
//! keeps all its points; each finding halves what remains of them, so the first finding costs
//! half the weight, the second a quarter, and so on: one broken link is serious, the tenth
//! adds little news. A page's score is 100 minus its deductions; the site's score is the mean
//! of its pages' scores.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{Audit, Finding};
use crate::crawl::Crawl;

/// The weight of each audit in a page's 100 points.
pub fn weight(audit: Audit) -> f64 {
    match audit {
        Audit::BrokenLink => 30.0,
        Audit::Redirect => 6.0,
        Audit::RedirectChain => 4.0,
        Audit::InsecureLink => 10.0,
        Audit::MissingFragment => 8.0,
        Audit::NonCrawlableLink => 5.0,
        Audit::GenericLinkText => 5.0,
        Audit::EmptyLinkText => 10.0,
        Audit::UnsafeBlankTarget => 2.0,
        Audit::InternalNofollow => 8.0,
        Audit::TooManyLinks => 5.0,
        Audit::OrphanPage => 4.0,
        Audit::DeepPage => 3.0,
    }
}

/// Points an audit loses on a page with `findings` of its findings.
pub fn deduction(audit: Audit, findings: usize) -> f64 {
    let kept = 0.5f64.powi(i32::try_from(findings).unwrap_or(i32::MAX));
    weight(audit) * (1.0 - kept)
}

/// The letter for a score: A from 90, B from 80, C from 70, D from 60, F below.
pub fn grade(score: f64) -> char {
    match score {
        s if s >= 90.0 => 'A',
        s if s >= 80.0 => 'B',
        s if s >= 70.0 => 'C',
        s if s >= 60.0 => 'D',
        _ => 'F',
    }
}

/// Points one audit cost one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deduction {
    /// The audit.
    pub audit: Audit,
    /// Its findings on the page.
    pub findings: usize,
    /// Points lost, rounded to a tenth.
    pub points: f64,
}

/// One page's rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageRating {
    /// The page.
    pub page: String,
    /// 0 to 100, rounded to a tenth.
    pub score: f64,
    /// A to F.
    pub grade: char,
    /// Why points were lost, largest first.
    pub deductions: Vec<Deduction>,
}

/// The site's rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    /// Mean of the page scores, rounded to a tenth; `None` when no page was parsed: a site
    /// the crawl could not read is not rated, never graded A for lack of findings.
    pub score: Option<f64>,
    /// A to F; `None` when not rated.
    pub grade: Option<char>,
    /// Findings per audit, all pages together.
    pub findings: BTreeMap<&'static str, usize>,
    /// Every parsed page, in URL order.
    pub pages: Vec<PageRating>,
}

/// Rates every parsed page of `crawl` from `findings` (those of [`crate::audit::audit`]).
pub fn rate(crawl: &Crawl, findings: &[Finding]) -> Rating {
    let mut per_page: BTreeMap<&str, BTreeMap<Audit, usize>> = BTreeMap::new();
    let mut totals: BTreeMap<&'static str, usize> = BTreeMap::new();
    for f in findings {
        *per_page
            .entry(f.page.as_str())
            .or_default()
            .entry(f.audit)
            .or_default() += 1;
        *totals.entry(f.audit.id()).or_default() += 1;
    }
    let mut pages: Vec<PageRating> = crawl
        .visits
        .iter()
        .filter(|v| v.page.is_some())
        .map(|v| {
            let mut deductions: Vec<Deduction> = per_page
                .get(v.url.as_str())
                .into_iter()
                .flatten()
                .map(|(&audit, &n)| Deduction {
                    audit,
                    findings: n,
                    points: tenth(deduction(audit, n)),
                })
                .collect();
            deductions.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.audit.cmp(&b.audit)));
            let lost: f64 = per_page
                .get(v.url.as_str())
                .into_iter()
                .flatten()
                .map(|(&audit, &n)| deduction(audit, n))
                .sum();
            let score = tenth((100.0 - lost).max(0.0));
            PageRating {
                page: v.url.clone(),
                score,
                grade: grade(score),
                deductions,
            }
        })
        .collect();
    // URL order, not crawl order: the same site gives the same report (and the same float sum).
    pages.sort_unstable_by(|a, b| a.page.cmp(&b.page));
    let score = (!pages.is_empty())
        .then(|| tenth(pages.iter().map(|p| p.score).sum::<f64>() / pages.len() as f64));
    Rating {
        score,
        grade: score.map(grade),
        findings: totals,
        pages,
    }
}

fn tenth(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_add_up_to_100() {
        let total: f64 = Audit::ALL.iter().map(|&a| weight(a)).sum();
        assert_eq!(total, 100.0);
    }

    #[test]
    fn each_finding_halves_what_is_left() {
        assert_eq!(deduction(Audit::BrokenLink, 0), 0.0);
        assert_eq!(deduction(Audit::BrokenLink, 1), 15.0);
        assert_eq!(deduction(Audit::BrokenLink, 2), 22.5);
        assert_eq!(deduction(Audit::BrokenLink, 3), 26.25);
        assert!(deduction(Audit::BrokenLink, 10_000) <= 30.0);
    }

    #[test]
    fn the_example_of_docs_rating_md() {
        let lost = deduction(Audit::BrokenLink, 1)
            + deduction(Audit::Redirect, 1)
            + deduction(Audit::GenericLinkText, 1);
        assert_eq!(lost, 20.5);
        assert_eq!(grade(100.0 - lost), 'C');
        assert_eq!(grade(100.0 - lost + 15.0), 'A');
    }

    #[test]
    fn grades() {
        assert_eq!(grade(100.0), 'A');
        assert_eq!(grade(90.0), 'A');
        assert_eq!(grade(89.9), 'B');
        assert_eq!(grade(70.0), 'C');
        assert_eq!(grade(60.0), 'D');
        assert_eq!(grade(59.9), 'F');
    }
}
