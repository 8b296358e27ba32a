//! The page-level SEO audits: what each parsed page's head and body say about it (title,
//! description, headings, images, language), and what pages say about each other (duplicate
//! titles and descriptions, canonical URLs, `hreflang` sets, the sitemap). Duplicates are
//! found by hashing the texts, pages grouped by hash, so no page's text is held twice.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

use super::{page_finding, shorten, Audit, Finding, MAX_TITLE_CHARS};
use crate::crawl::{Crawl, PageSummary, Visit};
use crate::seo::{Located, LocatedUrl};
use crate::url::normalize;

/// A parsed page and what the audits compare it by.
struct Page<'a> {
    visit: &'a Visit,
    /// Its URL, as its findings share it.
    name: Arc<str>,
    summary: &'a PageSummary,
    /// Where the page's content is: where its redirects ended, or its URL.
    url: &'a str,
}

impl<'a> Page<'a> {
    /// `visit` as the audits read it, when it is a parsed page.
    fn of(visit: &'a Visit) -> Option<Page<'a>> {
        Some(Page {
            visit,
            name: visit.url.as_str().into(),
            summary: visit.page.as_ref()?,
            url: visit.final_url.as_deref().unwrap_or(&visit.url),
        })
    }

    /// Whether search engines are asked to index the page as itself: not noindex, and its
    /// canonical (if any) is itself. Only such pages can compete with each other.
    fn indexable(&self) -> bool {
        !self.visit.noindex && self.canonical_elsewhere().is_none()
    }

    /// The canonical URL when it is not the page's own.
    fn canonical_elsewhere(&self) -> Option<&str> {
        let canonical = self.summary.seo.canonical.as_ref()?.url.as_deref()?;
        (canonical != self.url).then_some(canonical)
    }
}

/// Adds the page-level findings of every parsed page of `crawl` to `findings`.
pub(super) fn audit_pages(crawl: &Crawl, findings: &mut Vec<Finding>) {
    let pages: Vec<Page> = crawl.visits.iter().filter_map(Page::of).collect();
    let by_url: HashMap<&str, &Visit> = crawl.visits.iter().map(|v| (v.url.as_str(), v)).collect();
    for page in &pages {
        audit_page(page, findings);
        audit_canonical(page, &by_url, findings);
        audit_hreflang(page, &by_url, findings);
    }
    duplicates(&pages, Audit::TitleDuplicate, "title", findings, |s| {
        s.seo.title.as_ref()
    });
    duplicates(
        &pages,
        Audit::DescriptionDuplicate,
        "description",
        findings,
        |s| s.seo.description.as_ref(),
    );
    audit_sitemap(crawl, &by_url, findings);
}

/// A finding on `page` at `line`:`column`, with `text`.
fn at(
    audit: Audit,
    page: &Arc<str>,
    (line, column): (u32, u32),
    text: Option<&str>,
    target: Option<&str>,
    detail: impl Into<Cow<'static, str>>,
) -> Finding {
    Finding {
        line: Some(line),
        column: Some(column),
        text: text.map(Box::from),
        target: target.map(Box::from),
        ..page_finding(audit, page, detail)
    }
}

/// The checks of one page on its own.
fn audit_page(page: &Page, findings: &mut Vec<Finding>) {
    let (name, seo) = (&page.name, &page.summary.seo);
    match &seo.title {
        None => findings.push(page_finding(
            Audit::TitleMissing,
            name,
            "no <title> element",
        )),
        Some(title) if title.text.is_empty() => findings.push(at(
            Audit::TitleEmpty,
            name,
            (title.line, title.column),
            None,
            None,
            "<title> has no text",
        )),
        Some(title) => {
            let chars = title.text.chars().count();
            if chars > MAX_TITLE_CHARS {
                findings.push(at(
                    Audit::TitleTooLong,
                    name,
                    (title.line, title.column),
                    Some(&title.text),
                    None,
                    format!("{chars} characters (more than {MAX_TITLE_CHARS})"),
                ));
            }
        }
    }
    match &seo.description {
        None => findings.push(page_finding(
            Audit::DescriptionMissing,
            name,
            "no <meta name=description>",
        )),
        Some(d) if d.text.is_empty() => findings.push(at(
            Audit::DescriptionMissing,
            name,
            (d.line, d.column),
            None,
            None,
            "the meta description is empty",
        )),
        Some(_) => {}
    }
    if seo.h1 == 0 {
        findings.push(page_finding(Audit::H1Missing, name, "no <h1> element"));
    } else if let Some([line, column]) = seo.second_h1_at {
        findings.push(at(
            Audit::H1Multiple,
            name,
            (line, column),
            None,
            None,
            format!("{} <h1> elements; the second is here", seo.h1),
        ));
    }
    let unlisted = (seo.images_without_alt as usize).saturating_sub(seo.images.len());
    for (i, image) in seo.images.iter().enumerate() {
        let mut detail = "no alt attribute".to_string();
        if unlisted > 0 && i + 1 == seo.images.len() {
            detail.push_str(&format!(
                " ({unlisted} more images without alt on the page, not listed)"
            ));
        }
        findings.push(url_finding(Audit::ImageMissingAlt, name, image, detail));
    }
    if seo.lang.as_deref().is_none_or(|l| l.trim().is_empty()) {
        findings.push(page_finding(
            Audit::LangMissing,
            name,
            "no lang attribute on <html>",
        ));
    }
}

/// A finding about the URL `link` names, at its tag.
fn url_finding(audit: Audit, page: &Arc<str>, link: &LocatedUrl, detail: String) -> Finding {
    let target = link.url.as_deref().unwrap_or(&link.href);
    at(
        audit,
        page,
        (link.line, link.column),
        None,
        Some(target),
        detail,
    )
}

fn audit_canonical(page: &Page, by_url: &HashMap<&str, &Visit>, findings: &mut Vec<Finding>) {
    let name = &page.name;
    let Some(canonical) = &page.summary.seo.canonical else {
        findings.push(page_finding(
            Audit::CanonicalMissing,
            name,
            "no <link rel=canonical>",
        ));
        return;
    };
    let href = canonical.href.trim();
    if url::Url::parse(href).is_err() {
        findings.push(url_finding(
            Audit::CanonicalRelative,
            name,
            canonical,
            format!("href \"{}\" is relative", shorten(href)),
        ));
    }
    let Some(target) = canonical.url.as_deref() else {
        findings.push(url_finding(
            Audit::CanonicalTarget,
            name,
            canonical,
            format!("href \"{}\" is not an http(s) URL", shorten(href)),
        ));
        return;
    };
    if target == page.url {
        return;
    }
    // A target the crawl never reached (another site, not checked) is not judged.
    let Some(tv) = by_url.get(target) else {
        return;
    };
    let problem = if tv.is_broken() {
        Some(format!(
            "the canonical URL is broken ({})",
            super::broken_detail(tv)
        ))
    } else if !tv.redirects.is_empty() {
        Some(format!(
            "the canonical URL redirects: {}",
            super::redirect_detail(tv)
        ))
    } else if tv.noindex {
        Some("the canonical page is noindex".to_string())
    } else if tv.content_type.as_deref().is_some_and(|t| !is_html(t)) {
        Some(format!(
            "the canonical URL is not an HTML page ({})",
            tv.content_type.as_deref().unwrap_or_default()
        ))
    } else {
        None
    };
    if let Some(detail) = problem {
        findings.push(url_finding(Audit::CanonicalTarget, name, canonical, detail));
        return;
    }
    let next = tv
        .page
        .as_ref()
        .and_then(|p| p.seo.canonical.as_ref())
        .and_then(|c| c.url.as_deref());
    if let Some(next) = next.filter(|&next| next != target) {
        findings.push(url_finding(
            Audit::CanonicalChain,
            name,
            canonical,
            format!("the canonical page names another canonical: {next}"),
        ));
    }
}

fn is_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
}

fn audit_hreflang(page: &Page, by_url: &HashMap<&str, &Visit>, findings: &mut Vec<Finding>) {
    let (name, set) = (&page.name, &page.summary.seo.hreflang);
    let Some(first) = set.first() else {
        return;
    };
    for alternate in set {
        let lang = alternate.lang.trim();
        let problem = if !is_hreflang(lang) {
            Some(format!("\"{}\" is not a language code", shorten(lang)))
        } else if alternate.link.url.is_none() {
            Some(format!(
                "href \"{}\" is not an http(s) URL",
                shorten(&alternate.link.href)
            ))
        } else {
            None
        };
        if let Some(detail) = problem {
            findings.push(url_finding(
                Audit::HreflangInvalid,
                name,
                &alternate.link,
                detail,
            ));
            continue;
        }
        let Some(target) = alternate.link.url.as_deref().filter(|&t| t != page.url) else {
            continue;
        };
        let Some(tv) = by_url.get(target) else {
            continue;
        };
        let confirmed = tv.page.as_ref().is_some_and(|p| {
            p.seo
                .hreflang
                .iter()
                .any(|a| a.link.url.as_deref() == Some(page.url))
        });
        if !confirmed {
            let detail = if tv.is_broken() {
                format!(
                    "the {lang} alternate is broken ({})",
                    super::broken_detail(tv)
                )
            } else {
                format!("the {lang} alternate does not list this page among its alternates")
            };
            findings.push(url_finding(
                Audit::HreflangNoReturn,
                name,
                &alternate.link,
                detail,
            ));
        }
    }
    let place = (first.link.line, first.link.column);
    if !set.iter().any(|a| a.link.url.as_deref() == Some(page.url)) {
        findings.push(at(
            Audit::HreflangNoSelf,
            name,
            place,
            None,
            None,
            format!("{} alternates, none of them this page", set.len()),
        ));
    }
    if !set
        .iter()
        .any(|a| a.lang.trim().eq_ignore_ascii_case("x-default"))
    {
        findings.push(at(
            Audit::HreflangNoXDefault,
            name,
            place,
            None,
            None,
            format!("{} alternates, no x-default", set.len()),
        ));
    }
}

/// Whether `code` is a valid `hreflang` value: `x-default`, or an ISO 639-1 language (two
/// letters; three-letter ISO 639-2 codes are accepted too), an optional four-letter script
/// and an optional region of two letters (ISO 3166-1, where "UK" is not Great Britain's) or
/// three digits (UN M.49), joined by hyphens.
fn is_hreflang(code: &str) -> bool {
    if code.eq_ignore_ascii_case("x-default") {
        return true;
    }
    let mut parts = code.split('-');
    let language = parts.next().unwrap_or("");
    if !matches!(language.len(), 2 | 3) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let mut rest: Vec<&str> = parts.collect();
    if rest
        .first()
        .is_some_and(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        rest.remove(0);
    }
    match rest.as_slice() {
        [] => true,
        [region] => {
            let letters = region.len() == 2
                && region.bytes().all(|b| b.is_ascii_alphabetic())
                && !region.eq_ignore_ascii_case("uk");
            let digits = region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit());
            letters || digits
        }
        _ => false,
    }
}

/// One finding per indexable page whose text (title or description) other indexable pages
/// share, at the tag, naming the first other page.
fn duplicates<'a>(
    pages: &[Page<'a>],
    audit: Audit,
    what: &str,
    findings: &mut Vec<Finding>,
    text: impl Fn(&'a PageSummary) -> Option<&'a Located>,
) {
    let hasher = foldhash::fast::FixedState::with_seed(0x5e0);
    let mut groups: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(t) = text(page.summary).filter(|t| !t.text.is_empty()) {
            if page.indexable() {
                groups.entry(hasher.hash_one(&t.text)).or_default().push(i);
            }
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        // Texts that only share a hash are told apart here, by comparing them.
        for &i in members {
            let page = &pages[i];
            let Some(mine) = text(page.summary) else {
                continue;
            };
            let same: Vec<&str> = members
                .iter()
                .filter(|&&j| j != i && text(pages[j].summary).map(|t| &t.text) == Some(&mine.text))
                .map(|&j| pages[j].url)
                .collect();
            let Some(first) = same.iter().min() else {
                continue;
            };
            let others = same.len();
            let detail = match others {
                1 => format!("the same {what} as {first}"),
                _ => format!("the same {what} as {others} other pages, {first} first"),
            };
            findings.push(at(
                audit,
                &page.name,
                (mine.line, mine.column),
                Some(&mine.text),
                None,
                detail,
            ));
        }
    }
}

fn audit_sitemap(crawl: &Crawl, by_url: &HashMap<&str, &Visit>, findings: &mut Vec<Finding>) {
    // Visits are kept by their normalised URL.
    let mut listed: Vec<String> = crawl
        .sitemap_urls
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .map(|u| normalize(&u).to_string())
        .collect();
    listed.sort_unstable();
    listed.dedup();
    for url in &listed {
        let Some(page) = by_url.get(url.as_str()).and_then(|v| Page::of(v)) else {
            continue;
        };
        if page.visit.noindex {
            findings.push(page_finding(
                Audit::SitemapNoindex,
                &page.name,
                "listed in the sitemap, but noindex",
            ));
        }
        if let Some(canonical) = page.canonical_elsewhere() {
            findings.push(page_finding(
                Audit::SitemapNonCanonical,
                &page.name,
                format!("listed in the sitemap, but its canonical URL is {canonical}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hreflang_codes() {
        for good in [
            "en",
            "EN",
            "en-GB",
            "pt-br",
            "zh-Hant-TW",
            "es-419",
            "x-default",
            "haw",
        ] {
            assert!(is_hreflang(good), "{good}");
        }
        for bad in [
            "", "en_US", "en-UK", "english", "e", "en-G", "en-GB-x", "1e", "en-1234",
        ] {
            assert!(!is_hreflang(bad), "{bad}");
        }
    }
}
