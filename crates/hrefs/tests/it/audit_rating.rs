//! `hrefs::audit::audit` and `hrefs::rating::rate` on real crawls of the fixture sites: each
//! finding where it belongs, the rating's deductions traced to them, and the site report's
//! totals.

use std::collections::{BTreeMap, BTreeSet};

use hrefs::audit::{audit, Audit, Finding, Severity};
use hrefs::rating::{rate, Deduction};
use hrefs::site_report::SiteReport;
use url::Url;

use crate::fixture::{self, HOSTILE_FRAGMENT, HOSTILE_FRAGMENT_DECODED, HOSTILE_TEXT};

/// A finding in short: audit id, page path, target (a path on the site, or in full), line.
type Short = (&'static str, String, Option<String>, Option<u32>);

/// The findings in short, as a set: their order follows the order fetches completed in.
fn short(findings: &[Finding], origin: &str) -> BTreeSet<Short> {
    let path = |s: &str| s.strip_prefix(origin).unwrap_or(s).to_string();
    findings
        .iter()
        .map(|f| {
            (
                f.audit.id(),
                path(&f.page),
                f.target.as_deref().map(path),
                f.line,
            )
        })
        .collect()
}

#[tokio::test]
async fn each_audit_finds_its_problem_on_the_right_page_and_link() {
    let (site, crawl) = fixture::crawl_problem_site(fixture::config()).await;
    let findings = audit(&crawl);
    let origin = site.url("");
    let origin = origin.trim_end_matches('/');

    let link = |audit, page: &str, target: &str, line| {
        (
            audit,
            page.to_string(),
            Some(target.to_string()),
            Some(line),
        )
    };
    let want: BTreeSet<Short> = [
        link("broken-link", "/", "/missing.html", 5),
        // A refused connection is as broken as a 404.
        link("broken-link", "/", &site.closed_link(), 10),
        link("redirect", "/", "/old.html", 6),
        link("missing-fragment", "/", "/b.html#nowhere", 4),
        link("generic-link-text", "/a.html", "/deep.html", 1),
        link("internal-nofollow", "/a.html", "/b.html", 2),
        link("unsafe-blank-target", "/a.html", "/b.html", 2),
        link("non-crawlable-link", "/a.html", "javascript:void(0)", 3),
        // Self-links are notices; "start" in <code> names an identifier: not generic.
        link("self-link", "/deep.html", "/deep.html", 3),
        link("self-link", "/deep.html", "/deep.html#", 4),
        link(
            "missing-fragment",
            "/b.html",
            &format!("/a.html#{HOSTILE_FRAGMENT}"),
            2,
        ),
        ("orphan-page", "/orphan.html".to_string(), None, None),
    ]
    .into_iter()
    .collect();
    // Not findings: the existing #intro, the page robots.txt disallows (not fetched, not
    // broken), the other port (200), the nofollow page's meta tag (rel=nofollow is the
    // audit), and anything /hidden.html could have had.
    assert_eq!(short(&findings, origin), want);
    assert_eq!(findings.len(), want.len(), "a finding twice: {findings:#?}");

    for f in &findings {
        assert_eq!(f.severity, f.audit.severity(), "{f:?}");
    }
    let one = |audit: Audit, page: &str| -> &Finding {
        findings
            .iter()
            .find(|f| f.audit == audit && *f.page == *site.url(page))
            .unwrap_or_else(|| panic!("no {audit:?} on {page}"))
    };
    let broken = one(Audit::BrokenLink, "/");
    assert_eq!(broken.severity, Severity::Error);
    let missing = findings
        .iter()
        .find(|f| f.target.as_deref() == Some(site.url("/missing.html").as_str()))
        .unwrap();
    assert_eq!(
        (&*missing.detail, missing.text.as_deref(), missing.column),
        ("http status 404", Some("Gone page"), Some(1))
    );
    assert_eq!(
        one(Audit::Redirect, "/").detail,
        format!("1 redirect (301) to {}", site.url("/a.html"))
    );
    // The fragment is named decoded, as a browser compares it, and the link text as found:
    // escaping it is each output's business.
    let hostile = one(Audit::MissingFragment, "/b.html");
    assert_eq!(
        hostile.detail,
        format!("no id or name '{HOSTILE_FRAGMENT_DECODED}' on the target page")
    );
    assert_eq!(hostile.text.as_deref(), Some(HOSTILE_TEXT));
    assert_eq!(
        one(Audit::GenericLinkText, "/a.html").detail,
        "text \"read more\""
    );
    assert_eq!(
        one(Audit::OrphanPage, "/orphan.html").detail,
        "in the sitemap, linked from no crawled page"
    );
}

#[tokio::test]
async fn broken_links_cost_rating_points_and_the_deductions_name_the_audits() {
    let (broken_site, crawl) = fixture::crawl_problem_site(fixture::config()).await;
    let findings = audit(&crawl);
    let broken = rate(&crawl, &findings);

    let clean_site = fixture::clean_site();
    let seed = Url::parse(&clean_site.url("/")).unwrap();
    let clean_crawl = fixture::crawl(&seed, &fixture::config()).await;
    let clean_findings = audit(&clean_crawl);
    assert_eq!(clean_findings, [], "the clean site is clean");
    let clean = rate(&clean_crawl, &clean_findings);
    assert_eq!((clean.score, clean.grade), (Some(100.0), Some('A')));
    assert_eq!(clean.pages.len(), 3);
    assert!(clean.pages.iter().all(|p| p.deductions.is_empty()));

    assert!(
        broken.score < clean.score,
        "{:?} < {:?}",
        broken.score,
        clean.score
    );
    // One page each that was parsed, in crawl order; the redirect, the 404 and the checked
    // links have no rating of their own.
    let rated: BTreeSet<String> = broken.pages.iter().map(|p| p.page.clone()).collect();
    let want: BTreeSet<String> = [
        "/",
        "/a.html",
        "/b.html",
        "/nofollow.html",
        "/deep.html",
        "/orphan.html",
    ]
    .iter()
    .map(|p| broken_site.url(p))
    .collect();
    assert_eq!(rated, want);

    let page = |p: &str| {
        broken
            .pages
            .iter()
            .find(|r| r.page == broken_site.url(p))
            .unwrap()
    };
    let d = |audit, findings, points| Deduction {
        audit,
        findings,
        points,
    };
    // docs/rating.md: each finding halves what is left of the audit's weight (broken links
    // 21, missing fragments 6, redirects 4), largest deduction first.
    let home = page("/");
    assert_eq!(
        home.deductions,
        [
            d(Audit::BrokenLink, 2, 15.8),
            d(Audit::MissingFragment, 1, 3.0),
            d(Audit::Redirect, 1, 2.0),
        ]
    );
    assert_eq!((home.score, home.grade), (79.3, 'C'));
    let a = page("/a.html");
    assert_eq!(
        a.deductions,
        [
            d(Audit::InternalNofollow, 1, 2.5),
            d(Audit::NonCrawlableLink, 1, 1.5),
            d(Audit::GenericLinkText, 1, 1.5),
            d(Audit::UnsafeBlankTarget, 1, 0.5),
        ]
    );
    assert_eq!(a.score, 94.0);
    assert_eq!(page("/b.html").score, 97.0);
    assert_eq!(page("/orphan.html").score, 98.5);
    assert_eq!(page("/deep.html").score, 100.0);
    // The site loses each audit's weight times the root of its reach over the 6 pages:
    // broken links 21 × √(0.75/6), missing fragments 6 × √(2/6)...
    let got: Vec<_> = broken
        .deductions
        .iter()
        .map(|d| (d.audit, d.pages, d.findings, d.reach, d.points))
        .collect();
    // (audit, pages, findings, reach, points): the home page's two broken links make 3/4 of
    // one page of 6, 21 × √(0.75/6) = 7.4; one finding on one page is half a page.
    assert_eq!(
        got,
        [
            (Audit::BrokenLink, 1, 2, 0.125, 7.4),
            (Audit::MissingFragment, 2, 2, 0.167, 2.4),
            (Audit::InternalNofollow, 1, 1, 0.083, 1.4),
            (Audit::Redirect, 1, 1, 0.083, 1.2),
            // A problem of the page itself takes the whole page.
            (Audit::OrphanPage, 1, 1, 0.167, 1.2),
            (Audit::NonCrawlableLink, 1, 1, 0.083, 0.9),
            (Audit::GenericLinkText, 1, 1, 0.083, 0.9),
            (Audit::UnsafeBlankTarget, 1, 1, 0.083, 0.3),
            // Reported, not scored.
            (Audit::SelfLink, 1, 2, 0.125, 0.0),
        ]
    );
    // 100 - 15.7 (the unrounded points); below the error cap already.
    assert_eq!((broken.score, broken.grade), (Some(84.3), Some('B')));
    assert!(!broken.capped);

    // Fix first: each cause with the score fixing it would give, most points first.
    let report = SiteReport::new(crawl.clone());
    let fixes = &report.fix_first;
    assert!(fixes.windows(2).all(|w| w[0].points >= w[1].points));
    for fix in fixes {
        assert!((fix.score - fix.points - 84.3).abs() < 0.11, "{fix:?}");
    }
    let totals: BTreeMap<&str, usize> = [
        ("broken-link", 2),
        ("generic-link-text", 1),
        ("internal-nofollow", 1),
        ("missing-fragment", 2),
        ("non-crawlable-link", 1),
        ("orphan-page", 1),
        ("redirect", 1),
        ("self-link", 2),
        ("unsafe-blank-target", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(broken.findings, totals);
}

#[tokio::test]
async fn the_site_report_sums_up_the_crawl() {
    let (site, crawl) = fixture::crawl_problem_site(fixture::config()).await;
    let visits = crawl.visits.len();
    let links = crawl.links.len();
    let report = SiteReport::new(crawl);
    let s = &report.summary;
    assert_eq!(s.seed, site.url("/"));
    // Parsed: /, a, b, nofollow, deep, orphan. Checked: the 404, the redirect, the other
    // port, the closed port. robots.txt: the private page.
    assert_eq!(
        (
            s.pages,
            s.checked,
            s.broken,
            s.redirected,
            s.robots_disallowed
        ),
        (6, 4, 2, 1, 1)
    );
    let statuses: BTreeMap<&str, usize> =
        s.statuses.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        statuses,
        BTreeMap::from([("200", 8), ("404", 1), ("error", 1)])
    );
    let depths: BTreeMap<&str, usize> = s.depths.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        depths,
        BTreeMap::from([("0", 1), ("1", 3), ("2", 1), ("sitemap", 1)])
    );
    assert_eq!(
        s.severities,
        BTreeMap::from([("error", 2), ("warning", 6), ("notice", 4)])
    );
    assert_eq!(report.visits.len(), visits);
    assert_eq!(report.links.len(), links);
    assert_eq!(report.audits.len(), Audit::ALL.len());
    let counted: BTreeMap<&str, usize> = report
        .audits
        .iter()
        .filter(|a| a.findings > 0)
        .map(|a| (a.id, a.findings))
        .collect();
    assert_eq!(counted, report.rating.findings);
    let worst: Vec<Severity> = report
        .findings_worst_first()
        .iter()
        .map(|f| f.severity)
        .collect();
    assert!(worst.is_sorted(), "{worst:?}");
    assert!(report.has_findings_at(Severity::Error));
}
