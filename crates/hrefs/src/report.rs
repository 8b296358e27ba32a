//! The detailed link report of one page: what was fetched, the compat counts, and every link
//! resolved, sorted by kind, with its rel, target, text and position.
//!
//! A [`PageReport`] is plain data (it serializes to the JSON the CLI prints); rendering it as
//! text, CSV or Markdown is the front end's business.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::charset;
use crate::classify::{self, Kind};
use crate::compat::{CompatCounts, Side};
use crate::extract::PageFacts;
pub use crate::links::{KindCounts, LinkRef, PageLinks};
use crate::url::Scope;

/// The `rel` tokens a report tallies: the ones search engines and browsers act on.
pub const REL_TOKENS: [&str; 5] = ["nofollow", "ugc", "sponsored", "noopener", "noreferrer"];

/// One hop of a redirect chain: the URL that answered with a redirect, and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// The redirect status it answered with.
    pub status: u16,
}

/// How many links point at one external domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainCount {
    /// The registrable domain (or the host, for IP addresses and unlisted names).
    pub domain: String,
    /// Links to it.
    pub links: u64,
}

/// One `href` of one anchor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The attribute value, entity-decoded.
    pub href: String,
    /// Where it leads, resolved against the page (or its `<base href>`).
    pub url: Option<String>,
    /// What kind of link it is.
    pub kind: Kind,
    /// The original tool's verdict: internal, external, or `null` when Go can't parse it.
    pub compat: Option<Side>,
    /// The `rel` tokens, lower-cased.
    pub rel: Vec<String>,
    /// The `target` attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The visible text, whitespace collapsed.
    pub text: String,
    /// Alt text of images inside the anchor.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub image_alt: String,
    /// 1-based line of the anchor.
    pub line: u64,
    /// 1-based byte column of the anchor.
    pub column: u64,
}

/// Everything known about one page's links.
#[derive(Debug, Clone, Serialize)]
pub struct PageReport {
    /// The input as given: a URL, a file path or `-`.
    pub input: String,
    /// The final URL after redirects (web inputs only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The final HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The `Content-Type` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The encoding the page was read in, and what said so.
    pub charset: String,
    /// Where the charset came from.
    pub charset_source: charset::Source,
    /// Body bytes (decompressed).
    pub bytes: u64,
    /// Wall time from request to the last byte, in milliseconds.
    pub elapsed_ms: f64,
    /// Redirects followed, in order.
    pub redirects: Vec<Hop>,
    /// The compat counts.
    #[serde(flatten)]
    pub counts: CompatCounts,
    /// What counts as the same site.
    pub scope: Scope,
    /// The URL links were resolved against: `<base href>` if the page has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// `<meta name=robots>` content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta_robots: Option<String>,
    /// Links per kind.
    pub kinds: KindCounts,
    /// For each tallied `rel` token, links carrying it per kind.
    pub rel: BTreeMap<String, KindCounts>,
    /// Domains linked to, most linked first.
    pub external_domains: Vec<DomainCount>,
    /// Every link, in page order.
    pub links: Vec<Link>,
}

/// Where a page came from and how it was read: the facts a report states besides its links.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The input as given.
    pub input: String,
    /// Final URL after redirects.
    pub url: Option<Url>,
    /// Final status.
    pub status: Option<u16>,
    /// `Content-Type` header.
    pub content_type: Option<String>,
    /// Redirect hops.
    pub redirects: Vec<Hop>,
    /// Milliseconds taken.
    pub elapsed_ms: f64,
}

impl From<LinkRef<'_>> for Link {
    fn from(l: LinkRef<'_>) -> Link {
        Link {
            href: l.href.to_string(),
            url: l.url.map(|url| match l.fragment {
                Some(fragment) => format!("{url}#{fragment}"),
                None => url.to_string(),
            }),
            kind: l.kind,
            compat: l.compat,
            rel: l
                .rel
                .split_ascii_whitespace()
                .map(str::to_ascii_lowercase)
                .collect(),
            target: l.target.map(str::to_string),
            text: l.text.to_string(),
            image_alt: l.image_alt.to_string(),
            line: l.line,
            column: l.column,
        }
    }
}

/// Builds a [`PageReport`] from what extraction produced: `counts` are the compat counts
/// tallied as the page streamed, `links` its links resolved.
pub fn build(
    origin: Origin,
    counts: CompatCounts,
    facts: &PageFacts,
    links: PageLinks,
    scope: Scope,
) -> PageReport {
    let mut rel: BTreeMap<String, KindCounts> = BTreeMap::new();
    let mut domains: BTreeMap<String, u64> = BTreeMap::new();
    for link in links.iter() {
        for token in link.rel.split_ascii_whitespace() {
            if let Some(token) = REL_TOKENS.iter().find(|t| t.eq_ignore_ascii_case(token)) {
                rel.entry(token.to_string()).or_default().bump(link.kind);
            }
        }
        if link.kind == Kind::OtherHost {
            if let Some(domain) = link.url.and_then(classify::domain_of) {
                *domains.entry(domain).or_default() += 1;
            }
        }
    }
    let mut external_domains: Vec<DomainCount> = domains
        .into_iter()
        .map(|(domain, links)| DomainCount { domain, links })
        .collect();
    external_domains.sort_by(|a, b| b.links.cmp(&a.links).then(a.domain.cmp(&b.domain)));

    PageReport {
        input: origin.input,
        url: origin.url.map(String::from),
        status: origin.status,
        content_type: origin.content_type,
        charset: links.encoding.name().to_ascii_lowercase(),
        charset_source: links.charset_source,
        bytes: facts.bytes,
        elapsed_ms: origin.elapsed_ms,
        redirects: origin.redirects,
        counts,
        scope,
        base: links.base.as_ref().map(Url::to_string),
        meta_robots: facts.meta_robots.clone(),
        kinds: links.kinds,
        rel,
        external_domains,
        links: links.iter().map(Link::from).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compat;

    fn report(html: &str, page: &str, scope: Scope) -> PageReport {
        let host = compat::page_host(page).unwrap();
        let counts = compat::count_html(html.as_bytes(), &host);
        let origin = Origin {
            input: page.into(),
            ..Origin::default()
        };
        let base = Url::parse(page).unwrap();
        let facts = crate::extract::extract(html.as_bytes(), Default::default(), &mut |_| {});
        let links = crate::links::collect(html.as_bytes(), &base, scope, None);
        build(origin, counts, &facts, links, scope)
    }

    #[test]
    fn breakdown_rel_and_domains() {
        let html = r##"<a href="#top">top</a>
            <a href="/docs" rel="nofollow">docs</a>
            <a href="https://www.example.com/x">same</a>
            <a href="https://example.org/a" rel="nofollow noopener" target=_blank>A</a>
            <a href="https://sub.example.org/b">B</a>
            <a href="mailto:x@example.com">mail</a>
            <a href="javascript:go()">js</a>
            <a href="%zz">bad for go</a>"##;
        let r = report(html, "https://www.example.com/", Scope::Host);
        assert_eq!(
            (r.counts.internal, r.counts.external, r.counts.unparsable),
            (5, 2, 1)
        );
        assert_eq!(r.kinds.get(Kind::Fragment), 1);
        assert_eq!(r.kinds.get(Kind::Relative), 2);
        assert_eq!(r.kinds.get(Kind::SameHost), 1);
        assert_eq!(r.kinds.get(Kind::OtherHost), 2);
        assert_eq!(r.rel["nofollow"].get(Kind::Relative), 1);
        assert_eq!(r.rel["nofollow"].get(Kind::OtherHost), 1);
        assert_eq!(r.rel["noopener"].total(), 1);
        assert_eq!(
            r.external_domains,
            [DomainCount {
                domain: "example.org".into(),
                links: 2
            }]
        );
        let a = &r.links[3];
        assert_eq!(
            (a.text.as_str(), a.target.as_deref()),
            ("A", Some("_blank"))
        );
        assert_eq!(a.line, 4);
        assert_eq!(r.links[7].compat, None);
    }

    #[test]
    fn base_href_and_domain_scope() {
        let html = r#"<base href="https://cdn.example.com/base/"><a href="page">p</a><a href="https://example.com/">e</a>"#;
        let r = report(html, "https://www.example.com/", Scope::Domain);
        assert_eq!(r.base.as_deref(), Some("https://cdn.example.com/base/"));
        assert_eq!(
            r.links[0].url.as_deref(),
            Some("https://cdn.example.com/base/page")
        );
        assert_eq!(r.kinds.get(Kind::SameHost), 1);
        assert!(r.external_domains.is_empty());
    }
}
