//! The audit of a crawl: what is wrong with a site's links and pages, where, and how to fix
//! it.
//!
//! Each [`Audit`] is one check with a severity, a weight in the rating (see
//! [`crate::rating`] and `docs/rating.md`) and a fix in words. Findings point at the page the
//! problem is on and, for link problems, the link: its target, line, column and text; page
//! problems (`page`) point at the tag concerned, when there is one.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::classify::Kind;
use crate::crawl::graph::{
    fragment_hash, Edge, Links, Sym, NONE, REL_NOFOLLOW, REL_NOOPENER, REL_NOREFERRER,
};
use crate::crawl::{Crawl, Fragments, Visit};
use crate::url::escape_at;

mod kind;
mod link_text;
mod page;

pub use kind::{Audit, Severity, MAX_DEPTH, MAX_LINKS, MAX_TITLE_CHARS};
pub use link_text::is_generic_text;

/// One problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Which check found it.
    pub audit: Audit,
    /// How bad it is.
    pub severity: Severity,
    /// The page the problem is on (shared by the page's findings: a site of 100,000 pages
    /// has a few findings on each).
    pub page: Arc<str>,
    /// The link's target (resolved), for link findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Box<str>>,
    /// The link's 1-based line, for link findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The link's 1-based byte column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The link's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Box<str>>,
    /// What exactly is wrong ("404", "3 redirects", "no id 'intro'"...); most are the same
    /// words on every page, and not copied for each.
    pub detail: Cow<'static, str>,
}

impl Finding {
    /// Where it is: `page:line:column`, or the page alone for a problem of the page itself.
    pub fn location(&self) -> String {
        location(&self.page, self.line, self.column)
    }
}

/// `page:line:column`, or `page` alone without a position.
pub fn location(page: &str, line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{page}:{line}:{column}"),
        _ => page.to_string(),
    }
}

/// Runs every audit over a crawl. Findings are sorted by page URL, then line and column, then
/// audit: crawl order changes from run to run (fetches finish in any order), a report must not.
///
/// Pages are audited on every core, each thread a run of consecutive pages: most of the work
/// is reaching link strings scattered over the heap, which waits on memory, not arithmetic.
pub fn audit(crawl: &Crawl) -> Vec<Finding> {
    let links = &crawl.links;
    let by_target: foldhash::HashMap<Sym, (&Visit, &Fragments)> = crawl
        .visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            links
                .find(&v.url)
                .map(|sym| (sym, (v, crawl.fragments_of(i))))
        })
        .collect();
    let threads = crate::threads();
    // Runs of pages with about the same number of links each.
    let share = links.len().div_ceil(threads).max(1);
    let mut parts = Vec::new();
    let mut first = 0;
    let mut so_far = 0;
    for index in 0..crawl.visits.len() {
        so_far += links.page(index).len();
        if so_far >= share * (parts.len() + 1) || index + 1 == crawl.visits.len() {
            parts.push(first..index + 1);
            first = index + 1;
        }
    }
    let audit_part = |pages: std::ops::Range<usize>| {
        let mut findings = Vec::new();
        let mut memo = Memo::default();
        for index in pages {
            let visit = &crawl.visits[index];
            let edges = links.page(index);
            audit_page(visit, edges, links, &by_target, &mut memo, &mut findings);
        }
        findings
    };
    let mut parts: Vec<Vec<Finding>> = if parts.len() < 2 {
        parts.into_iter().map(audit_part).collect()
    } else {
        audit_parts(parts, &audit_part)
    };
    let mut pages = Vec::new();
    page::audit_pages(crawl, &mut pages);
    parts.push(pages);
    // Joined into a vector of the exact size, each part freed once moved: a large site has
    // hundreds of thousands of findings, which growing a vector would hold twice for a moment.
    let mut findings = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        findings.extend(part);
    }
    findings.sort_unstable_by(|a, b| {
        (&a.page, a.line, a.column, a.audit, &a.target, &a.detail)
            .cmp(&(&b.page, b.line, b.column, b.audit, &b.target, &b.detail))
    });
    findings
}

/// Audits runs of pages on threads of their own, one a run.
fn audit_parts(
    parts: Vec<std::ops::Range<usize>>,
    audit_part: &(impl Fn(std::ops::Range<usize>) -> Vec<Finding> + Sync),
) -> Vec<Vec<Finding>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|pages| scope.spawn(move || audit_part(pages)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an audit thread does not panic"))
            .collect()
    })
}

/// What the audit of a run of pages works out once per distinct string: strings repeat (the
/// same navigation, the same sections linked from page after page), and reading one again
/// means reaching it in memory again, most of the audit's time on a large site.
#[derive(Default)]
struct Memo {
    texts: TextVerdicts,
    fragments: foldhash::HashMap<Sym, FragmentKey>,
}

/// How a `#fragment` is looked for on its target page ([`fragment_key`]).
#[derive(Clone, Copy)]
enum FragmentKey {
    /// Always there: empty, or `top`, which browsers scroll to without an id.
    Always,
    /// Its [`fragment_hash`], percent-decoded, and as written when that differs.
    Hashes(u64, Option<u64>),
}

impl Memo {
    /// How the fragment `sym` is looked for.
    fn fragment(&mut self, sym: Sym, links: &Links) -> FragmentKey {
        *self
            .fragments
            .entry(sym)
            .or_insert_with(|| fragment_key(links.str(sym)))
    }
}

/// What a link text is worth, judged once per distinct text and page language. The verdicts
/// hold for one language at a time, and a site's pages mostly share theirs.
#[derive(Default)]
struct TextVerdicts {
    lang: Option<String>,
    verdicts: foldhash::HashMap<Sym, TextVerdict>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextVerdict {
    Fine,
    Empty,
    Generic,
}

impl TextVerdicts {
    /// The next texts are on a page in `lang`.
    fn on_page_in(&mut self, lang: Option<&str>) {
        if self.lang.as_deref() != lang {
            self.lang = lang.map(str::to_string);
            self.verdicts.clear();
        }
    }

    fn of(&mut self, text: Sym, links: &Links) -> TextVerdict {
        let lang = self.lang.as_deref();
        *self.verdicts.entry(text).or_insert_with(|| {
            let text = links.str(text).trim();
            if text.is_empty() {
                TextVerdict::Empty
            } else if is_generic_text(text, lang) {
                TextVerdict::Generic
            } else {
                TextVerdict::Fine
            }
        })
    }
}

/// The findings of one page and its links.
fn audit_page(
    visit: &Visit,
    edges: &[Edge],
    links: &Links,
    by_target: &foldhash::HashMap<Sym, (&Visit, &Fragments)>,
    memo: &mut Memo,
    findings: &mut Vec<Finding>,
) {
    let Some(page) = &visit.page else {
        return;
    };
    memo.texts.on_page_in(page.seo.lang.as_deref());
    let name: Arc<str> = visit.url.as_str().into();
    let https = visit.url.starts_with("https:");
    for edge in edges {
        let mut add = |audit: Audit, detail: String| {
            findings.push(link_finding(audit, &name, edge, links, detail));
        };
        if let Some(&(tv, target_fragments)) = by_target.get(&edge.target) {
            if let Some(why) = &tv.blocked {
                add(Audit::BlockedLink, why.clone());
            } else if tv.is_broken() {
                add(Audit::BrokenLink, broken_detail(tv));
            } else if tv.redirects.len() > 1 {
                add(Audit::RedirectChain, redirect_detail(tv));
            } else if !tv.redirects.is_empty() {
                add(Audit::Redirect, redirect_detail(tv));
            }
            if edge.fragment != NONE
                && tv.page.is_some()
                && !has_fragment(target_fragments, memo.fragment(edge.fragment, links))
            {
                let fragment = decode(links.str(edge.fragment));
                add(
                    Audit::MissingFragment,
                    format!("no id or name '{fragment}' on the target page"),
                );
            }
        }
        // An href of nothing or only '#' has no scheme: never one of an absolute link's kinds.
        let self_link = matches!(
            edge.kind,
            Kind::Relative | Kind::Fragment | Kind::OtherScheme | Kind::Unparsable
        ) && edge.has_empty_href();
        if self_link {
            let what = match links.str(edge.href).trim() {
                "" => "empty href",
                _ => "href \"#\"",
            };
            add(Audit::SelfLink, what.to_string());
        } else if edge.kind == Kind::Javascript {
            let href = links.str(edge.href).trim();
            add(
                Audit::NonCrawlableLink,
                format!("href \"{}\"", shorten(href)),
            );
        }
        if https && links.str(edge.url).starts_with("http:") {
            add(
                Audit::InsecureLink,
                "http:// link on an https:// page".into(),
            );
        }
        match memo.texts.of(edge.text, links) {
            TextVerdict::Empty if !edge.has_image_alt() => {
                add(Audit::EmptyLinkText, "no text and no image alt".into());
            }
            TextVerdict::Generic if !edge.is_code_text() => {
                let text = links.str(edge.text).trim();
                add(Audit::GenericLinkText, format!("text \"{text}\""));
            }
            _ => {}
        }
        if edge.blank && !edge.has_rel(REL_NOOPENER) && !edge.has_rel(REL_NOREFERRER) {
            add(Audit::UnsafeBlankTarget, "target=_blank".into());
        }
        if edge.kind.is_internal() && edge.kind != Kind::Fragment && edge.has_rel(REL_NOFOLLOW) {
            add(Audit::InternalNofollow, "rel=nofollow".into());
        }
    }
    let total = page.links + page.links_dropped;
    if total > MAX_LINKS as u64 {
        let detail = match page.links_dropped {
            0 => format!("{total} links (more than {MAX_LINKS})"),
            _ => format!(
                "{total} links (more than {MAX_LINKS}; only the first {} kept and audited)",
                page.links
            ),
        };
        findings.push(page_finding(Audit::TooManyLinks, &name, detail));
    }
    match visit.depth {
        None => findings.push(page_finding(
            Audit::OrphanPage,
            &name,
            "in the sitemap, linked from no crawled page",
        )),
        Some(depth) if depth > MAX_DEPTH => findings.push(page_finding(
            Audit::DeepPage,
            &name,
            format!("{depth} clicks from the start (more than {MAX_DEPTH})"),
        )),
        Some(_) => {}
    }
}

fn link_finding(
    audit: Audit,
    page: &Arc<str>,
    edge: &Edge,
    links: &Links,
    detail: impl Into<Cow<'static, str>>,
) -> Finding {
    let target: Box<str> = links
        .url(edge)
        .map_or_else(|| links.str(edge.href).into(), |url| url.into());
    Finding {
        audit,
        severity: audit.severity(),
        page: Arc::clone(page),
        target: Some(target),
        line: Some(edge.line),
        column: Some(edge.column),
        text: Some(links.str(edge.text).into()),
        detail: detail.into(),
    }
}

pub(super) fn page_finding(
    audit: Audit,
    page: &Arc<str>,
    detail: impl Into<Cow<'static, str>>,
) -> Finding {
    Finding {
        audit,
        severity: audit.severity(),
        page: Arc::clone(page),
        target: None,
        line: None,
        column: None,
        text: None,
        detail: detail.into(),
    }
}

fn broken_detail(visit: &Visit) -> String {
    match (&visit.error, visit.status) {
        (Some(error), _) => error.message.clone(),
        (None, Some(status)) => format!("http status {status}"),
        (None, None) => "no answer".into(),
    }
}

fn redirect_detail(visit: &Visit) -> String {
    let hops = visit.redirects.len();
    let to = visit.final_url.as_deref().unwrap_or("?");
    let plural = if hops == 1 { "" } else { "s" };
    let codes: Vec<String> = visit
        .redirects
        .iter()
        .map(|h| h.status.to_string())
        .collect();
    format!("{hops} redirect{plural} ({}) to {to}", codes.join(", "))
}

/// How `fragment` is looked for: a page has it when it has an `id` or `<a name>` equal to it
/// (percent-decoded, as browsers compare, or as written), and always when it is empty or
/// `top`, which scroll to the top.
fn fragment_key(fragment: &str) -> FragmentKey {
    let decoded = decode(fragment);
    if decoded.is_empty() || decoded.eq_ignore_ascii_case("top") {
        FragmentKey::Always
    } else {
        let raw = (decoded != fragment).then(|| fragment_hash(fragment));
        FragmentKey::Hashes(fragment_hash(&decoded), raw)
    }
}

/// Whether the page whose fragment targets are `page` has the fragment looked for by `key`.
fn has_fragment(page: &Fragments, key: FragmentKey) -> bool {
    match key {
        FragmentKey::Always => true,
        FragmentKey::Hashes(decoded, raw) => {
            page.contains_hash(decoded) || raw.is_some_and(|raw| page.contains_hash(raw))
        }
    }
}

/// Percent-decodes `s`; a '%' not followed by two hex digits stays as it is.
fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match escape_at(bytes, i) {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_decode() {
        assert_eq!(decode("caf%C3%A9"), "café");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%+1x"), "%+1x");
        assert_eq!(shorten(&"x".repeat(70)).chars().count(), 61);
    }
}
