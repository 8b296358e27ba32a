//! The SEO rating of a crawled site: 0–100 per page and for the site, with a letter grade,
//! every point deducted traceable to findings. The rubric is documented in `docs/rating.md`.
//!
//! Each [`Audit`] has a weight; the weights add up to 100. The site loses to each audit its
//! weight times the square root of its reach: how much of the rated pages its findings take,
//! a page counting half for one finding, three quarters for two, nearly all for many. A
//! problem on every page costs the whole weight, one on a few pages of many still costs
//! visibly (a mean of page scores hid it). A site with an error-severity finding is graded B
//! at best. A page's own score (for the lowest rated pages) loses, to each audit, half of what
//! remains of its weight per finding: the first finding costs half, the tenth adds little.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::{Audit, Finding, Severity};
use crate::crawl::Crawl;

/// The weight of each audit in a page's 100 points: 68 for links, 32 for the page itself.
/// Self-links, a missing `x-default` and links the target refused to check are reported,
/// never scored.
pub fn weight(audit: Audit) -> f64 {
    match audit {
        Audit::SelfLink | Audit::HreflangNoXDefault | Audit::BlockedLink => 0.0,
        Audit::BrokenLink => 21.0,
        Audit::Redirect => 4.0,
        Audit::RedirectChain => 3.0,
        Audit::InsecureLink => 7.0,
        Audit::MissingFragment => 6.0,
        Audit::NonCrawlableLink => 3.0,
        Audit::GenericLinkText => 3.0,
        Audit::EmptyLinkText => 7.0,
        Audit::UnsafeBlankTarget => 1.0,
        Audit::InternalNofollow => 5.0,
        Audit::TooManyLinks => 3.0,
        Audit::OrphanPage => 3.0,
        Audit::DeepPage => 2.0,
        Audit::TitleMissing => 5.0,
        Audit::TitleEmpty => 2.0,
        Audit::TitleDuplicate => 3.0,
        Audit::TitleTooLong => 1.0,
        Audit::DescriptionMissing => 2.0,
        Audit::DescriptionDuplicate => 2.0,
        Audit::H1Missing => 2.0,
        Audit::H1Multiple => 1.0,
        Audit::ImageMissingAlt => 3.0,
        Audit::CanonicalMissing => 1.0,
        Audit::CanonicalRelative => 1.0,
        Audit::CanonicalTarget => 2.0,
        Audit::CanonicalChain => 1.0,
        Audit::HreflangInvalid => 1.0,
        Audit::HreflangNoReturn => 1.0,
        Audit::HreflangNoSelf => 1.0,
        Audit::SitemapNoindex => 1.0,
        Audit::SitemapNonCanonical => 1.0,
        Audit::LangMissing => 1.0,
    }
}

/// Points an audit loses on a page with `findings` of its findings.
pub fn deduction(audit: Audit, findings: usize) -> f64 {
    let kept = 0.5f64.powi(i32::try_from(findings).unwrap_or(i32::MAX));
    weight(audit) * (1.0 - kept)
}

/// How much of a page `audit`'s `findings` on it take: for a link audit, half for one
/// finding, three quarters for two, nearly all for many (as on a page's own score, each
/// finding halves what is left); all of it for an audit of the page itself.
pub fn page_share(audit: Audit, findings: usize) -> f64 {
    if findings == 0 {
        0.0
    } else if audit.is_about_pages() {
        1.0
    } else {
        1.0 - 0.5f64.powi(i32::try_from(findings).unwrap_or(i32::MAX))
    }
}

/// Points an audit costs the site at `reach` (0 to 1): the sum of its pages' shares
/// ([`page_share`]) over the rated pages.
pub fn site_deduction(audit: Audit, reach: f64) -> f64 {
    weight(audit) * reach.clamp(0.0, 1.0).sqrt()
}

/// The highest score of a site with an error-severity finding: grade B at best.
pub const ERROR_CAP: f64 = 89.9;

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

/// Points one audit cost the site.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteDeduction {
    /// The audit.
    pub audit: Audit,
    /// Rated pages with its findings.
    pub pages: usize,
    /// Its findings, all pages together.
    pub findings: usize,
    /// Its reach: the pages' shares ([`page_share`]) over the rated pages, to a thousandth.
    pub reach: f64,
    /// Points lost, rounded to a tenth.
    pub points: f64,
}

/// The site's rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    /// 100 minus the site deductions, capped at [`ERROR_CAP`] with an error-severity finding,
    /// rounded to a tenth; `None` when no page was parsed: a site the crawl could not read is
    /// not rated, never graded A for lack of findings.
    pub score: Option<f64>,
    /// A to F; `None` when not rated.
    pub grade: Option<char>,
    /// What each audit cost the site, largest first.
    pub deductions: Vec<SiteDeduction>,
    /// Whether an error-severity finding held the score at [`ERROR_CAP`].
    pub capped: bool,
    /// Findings per audit, all pages together.
    pub findings: BTreeMap<&'static str, usize>,
    /// Every parsed page, in URL order.
    pub pages: Vec<PageRating>,
}

/// Rates every parsed page of `crawl` from `findings` (those of [`crate::audit::audit`]).
pub fn rate(crawl: &Crawl, findings: &[Finding]) -> Rating {
    let counts = page_counts(findings);
    let mut totals: BTreeMap<&'static str, usize> = BTreeMap::new();
    for &(audit, _, n) in &counts {
        *totals.entry(audit.id()).or_default() += n;
    }
    let mut parsed: Vec<&str> = crawl
        .visits
        .iter()
        .filter(|v| v.page.is_some())
        .map(|v| v.url.as_str())
        .collect();
    parsed.sort_unstable();
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    let (score, deductions, capped) = score_of_counts(&counts, has_error, parsed.len());
    // Page by page, in URL order (not crawl order: the same site gives the same report, and
    // the same float sums), each page's counts a run of them.
    let mut by_page: Vec<(&str, Audit, usize)> = counts
        .into_iter()
        .map(|(a, page, n)| (page, a, n))
        .collect();
    by_page.sort_unstable();
    let mut at = 0;
    let pages: Vec<PageRating> = parsed
        .into_iter()
        .map(|url| {
            while by_page.get(at).is_some_and(|&(page, _, _)| page < url) {
                at += 1;
            }
            let first = at;
            while by_page.get(at).is_some_and(|&(page, _, _)| page == url) {
                at += 1;
            }
            let mine = &by_page[first..at];
            let mut deductions: Vec<Deduction> = mine
                .iter()
                .map(|&(_, audit, n)| Deduction {
                    audit,
                    findings: n,
                    points: tenth(deduction(audit, n)),
                })
                .collect();
            deductions.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.audit.cmp(&b.audit)));
            let lost: f64 = mine.iter().map(|&(_, audit, n)| deduction(audit, n)).sum();
            let score = tenth((100.0 - lost).max(0.0));
            PageRating {
                page: url.to_string(),
                score,
                grade: grade(score),
                deductions,
            }
        })
        .collect();
    Rating {
        score,
        grade: score.map(grade),
        deductions,
        capped,
        findings: totals,
        pages,
    }
}

/// The site's score from `findings` over `rated` pages: the score, what each audit cost, and
/// whether the error cap held it. `None` without a rated page.
pub fn site_score(findings: &[Finding], rated: usize) -> (Option<f64>, Vec<SiteDeduction>, bool) {
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    score_of_counts(&page_counts(findings), has_error, rated)
}

/// [`site_score`] from the findings' [`page_counts`], and whether one of them is an error.
fn score_of_counts(
    counts: &[(Audit, &str, usize)],
    has_error: bool,
    rated: usize,
) -> (Option<f64>, Vec<SiteDeduction>, bool) {
    if rated == 0 {
        return (None, Vec::new(), false);
    }
    let mut lost = 0.0;
    let mut deductions: Vec<SiteDeduction> = counts
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| {
            let audit = run[0].0;
            let reach = run
                .iter()
                .map(|&(_, _, n)| page_share(audit, n))
                .sum::<f64>()
                / rated as f64;
            let points = site_deduction(audit, reach);
            lost += points;
            SiteDeduction {
                audit,
                pages: run.len().min(rated),
                findings: run.iter().map(|&(_, _, n)| n).sum(),
                reach: (reach.min(1.0) * 1000.0).round() / 1000.0,
                points: tenth(points),
            }
        })
        .collect();
    deductions.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.audit.cmp(&b.audit)));
    let capped = has_error && tenth(100.0 - lost) > ERROR_CAP;
    (
        Some(tenth(score_after(lost, has_error))),
        deductions,
        capped,
    )
}

/// How many findings of each audit each page has, sorted by audit and page. A sorted list,
/// not a map: a site of 100,000 pages has a few hundred thousand findings, and a map of them
/// cost more memory at the report's peak than the findings themselves.
pub(crate) fn page_counts(findings: &[Finding]) -> Vec<(Audit, &str, usize)> {
    let mut keys: Vec<(Audit, &str)> = findings.iter().map(|f| (f.audit, &*f.page)).collect();
    keys.sort_unstable();
    keys.chunk_by(|a, b| a == b)
        .map(|run| (run[0].0, run[0].1, run.len()))
        .collect()
}

/// The site score once `lost` points are deducted, held at [`ERROR_CAP`] while an
/// error-severity finding remains; not rounded.
pub(crate) fn score_after(lost: f64, has_error: bool) -> f64 {
    let score = (100.0 - lost).max(0.0);
    if has_error {
        score.min(ERROR_CAP)
    } else {
        score
    }
}

/// `x` rounded to a tenth, as scores and points are reported.
pub(crate) fn tenth(x: f64) -> f64 {
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
        assert_eq!(deduction(Audit::BrokenLink, 1), 10.5);
        assert_eq!(deduction(Audit::BrokenLink, 2), 15.75);
        assert_eq!(deduction(Audit::BrokenLink, 3), 18.375);
        assert!(deduction(Audit::BrokenLink, 10_000) <= 21.0);
    }

    #[test]
    fn a_page_loses_half_of_each_weight_to_its_first_finding() {
        let lost = deduction(Audit::BrokenLink, 1)
            + deduction(Audit::Redirect, 1)
            + deduction(Audit::GenericLinkText, 1);
        assert_eq!(lost, 14.0);
        assert_eq!(grade(100.0 - lost), 'B');
        assert_eq!(grade(100.0 - lost + 10.5), 'A');
    }

    fn finding(audit: Audit, page: &str) -> Finding {
        Finding {
            audit,
            severity: audit.severity(),
            page: page.into(),
            target: None,
            line: None,
            column: None,
            text: None,
            detail: "".into(),
        }
    }

    #[test]
    fn the_site_loses_each_weight_by_the_root_of_its_reach() {
        // A broken target linked from 17 of 526 pages, 1,449 times: 21 × √(17/526).
        let findings: Vec<Finding> = (0..1449)
            .map(|i| finding(Audit::BrokenLink, &format!("/p{}", i % 17)))
            .collect();
        let (score, deductions, capped) = site_score(&findings, 526);
        // 85 or so findings a page: each counts as a whole page.
        assert_eq!(deductions[0].points, 3.8);
        assert_eq!((deductions[0].pages, deductions[0].findings), (17, 1449));
        assert_eq!(
            (score, capped),
            (Some(ERROR_CAP), true),
            "an error: B at best"
        );
        // Everywhere, the whole weight; self-links cost nothing.
        let everywhere: Vec<Finding> = (0..10)
            .map(|i| finding(Audit::Redirect, &format!("/p{i}")))
            .chain((0..10).map(|i| finding(Audit::SelfLink, &format!("/p{i}"))))
            .collect();
        let (score, deductions, capped) = site_score(&everywhere, 10);
        // One finding a page: each page counts half, 4 × √(5/10).
        assert_eq!((score, capped), (Some(97.2), false));
        assert_eq!(deductions.last().unwrap().points, 0.0);
        assert_eq!(site_score(&[], 0).0, None, "no page: not rated");
        assert_eq!(site_score(&[], 3).0, Some(100.0));
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
