//! The detailed link report of one page: what was fetched, the compat counts, and every link
//! resolved, sorted by kind, with its rel, target, text and position.
//!
//! A [`PageReport`] is plain data (it serializes to the JSON the CLI prints); rendering it as
//! text, CSV or Markdown is the front end's business.

use std::collections::BTreeMap;

use encoding_rs::Encoding;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::charset;
use crate::classify::{self, Kind};
use crate::compat::{CompatCounts, Side};
use crate::extract::{AnchorLog, PageFacts};
use crate::span::{self, Span};
use crate::url::{Scope, Site};
use crate::Error;

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

/// Link counts per [`Kind`]; serializes as an object with every kind, in report order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts([u64; Kind::ALL.len()]);

impl KindCounts {
    /// The count for `kind`.
    pub fn get(&self, kind: Kind) -> u64 {
        self.0[kind as usize]
    }

    fn bump(&mut self, kind: Kind) {
        self.0[kind as usize] += 1;
    }

    /// Every kind with its count, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, u64)> + '_ {
        Kind::ALL.iter().map(|&k| (k, self.get(k)))
    }

    /// The sum over all kinds.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

impl Serialize for KindCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, n)| (k.as_str(), n)))
    }
}

impl<'de> Deserialize<'de> for KindCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut counts = KindCounts::default();
        for (kind, n) in std::collections::BTreeMap::<Kind, u64>::deserialize(d)? {
            counts.0[kind as usize] = n;
        }
        Ok(counts)
    }
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
    /// The first bytes of the body (for a byte order mark).
    pub first_bytes: Vec<u8>,
    /// Milliseconds taken.
    pub elapsed_ms: f64,
}

/// A page's links resolved, every string of them in one buffer: what a crawl keeps of a page
/// until its links join the link graph, and what a [`PageReport`]'s links are made from.
/// Holding a page's links this way costs a few allocations per page, not several per link.
#[derive(Debug, Clone)]
pub struct PageLinks {
    strings: String,
    links: Vec<Spans>,
    /// Links per kind.
    pub kinds: KindCounts,
    /// The encoding the page was read in.
    pub encoding: &'static Encoding,
    /// What said which encoding it is.
    pub charset_source: charset::Source,
    /// The document's base URL, when it has a `<base href>`: links were resolved against it.
    pub base: Option<Url>,
}

/// Where the parts of one link are in [`PageLinks::strings`]: 80 bytes a link.
#[derive(Debug, Clone)]
struct Spans {
    href: Span,
    url: Span,
    fragment: Span,
    rel: Span,
    target: Span,
    text: Span,
    image_alt: Span,
    kind: Kind,
    compat: Option<Side>,
    line: u64,
    column: u64,
}

/// One link of a [`PageLinks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkRef<'a> {
    /// The attribute value, entity-decoded.
    pub href: &'a str,
    /// Where it leads, without its fragment; `None` when it does not resolve.
    pub url: Option<&'a str>,
    /// What follows the resolved URL's first '#', if it has one.
    pub fragment: Option<&'a str>,
    /// What kind of link it is.
    pub kind: Kind,
    /// The original tool's verdict.
    pub compat: Option<Side>,
    /// The `rel` attribute as written: tokens separated by whitespace, in any case.
    pub rel: &'a str,
    /// The `target` attribute.
    pub target: Option<&'a str>,
    /// The visible text, whitespace collapsed.
    pub text: &'a str,
    /// Alt text of images inside the anchor.
    pub image_alt: &'a str,
    /// 1-based line of the anchor.
    pub line: u64,
    /// 1-based byte column of the anchor.
    pub column: u64,
}

impl PageLinks {
    /// Resolves the anchors kept of a page. `verdicts` are the compat verdicts of their hrefs,
    /// in order; `base` is the URL relative links resolve against unless the page has a
    /// `<base href>` (the final URL, or the user's `--base`). A page whose anchors or links
    /// take more than 4 GiB to keep is refused.
    pub fn resolve(
        origin: &Origin,
        facts: &PageFacts,
        anchors: &AnchorLog,
        verdicts: &[Option<Side>],
        base: &Url,
        scope: Scope,
    ) -> crate::Result<PageLinks> {
        let too_large = || Error::LinksTooLarge {
            input: origin.input.clone(),
        };
        if anchors.overflowed() {
            return Err(too_large());
        }
        let header_charset = origin
            .content_type
            .as_deref()
            .and_then(charset::from_content_type);
        let (encoding, charset_source) = charset::detect(
            &origin.first_bytes,
            header_charset.as_deref(),
            facts.meta_charset.as_deref(),
        );
        let site = Site::of(base, scope);
        // The document's base URL is its first <base href>, resolved against the page URL.
        let doc_base = facts.base_href.as_ref().and_then(|b| {
            let b = encoding.decode_without_bom_handling(b).0;
            base.join(b.trim()).ok()
        });
        let resolve_against = doc_base.as_ref().unwrap_or(base);

        let mut strings = String::new();
        let mut links = Vec::with_capacity(verdicts.len());
        let mut kinds = KindCounts::default();
        let mut verdicts = verdicts.iter().copied();
        for anchor in anchors.iter() {
            let rel = push_decoded(
                &mut strings,
                anchor.rel().as_deref().unwrap_or(b""),
                encoding,
            );
            let target = match anchor.target() {
                Some(t) => push_decoded(&mut strings, &t, encoding),
                None => Span::NONE,
            };
            let start = strings.len();
            anchor.text_into(encoding, &mut strings);
            let text = Span::new(start..strings.len());
            let start = strings.len();
            anchor.image_alt_into(encoding, &mut strings);
            let image_alt = Span::new(start..strings.len());
            for href_bytes in anchor.hrefs() {
                let decoded = encoding.decode_without_bom_handling(&href_bytes).0;
                strings.push_str(&decoded);
                let href = Span::new(strings.len() - decoded.len()..strings.len());
                let start = strings.len();
                let kind = classify::resolve_into(&decoded, resolve_against, &site, &mut strings);
                kinds.bump(kind);
                let (url, fragment) = if kind == Kind::Unparsable {
                    (Span::NONE, Span::NONE)
                } else {
                    match strings[start..].find('#') {
                        Some(at) => (
                            Span::new(start..start + at),
                            Span::new(start + at + 1..strings.len()),
                        ),
                        None => (Span::new(start..strings.len()), Span::NONE),
                    }
                };
                links.push(Spans {
                    href,
                    url,
                    fragment,
                    rel,
                    target,
                    text,
                    image_alt,
                    kind,
                    compat: verdicts.next().flatten(),
                    line: anchor.line(),
                    column: anchor.column(),
                });
            }
        }
        // Spans are exact when the whole buffer is addressable (positions only grow).
        if !span::fits(strings.len()) {
            return Err(too_large());
        }
        Ok(PageLinks {
            strings,
            links,
            kinds,
            encoding,
            charset_source,
            base: doc_base,
        })
    }

    /// How many links the page has (every `href` of every anchor).
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// Whether the page has no link.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The links, in page order.
    pub fn iter(&self) -> impl Iterator<Item = LinkRef<'_>> + '_ {
        let s = |span: Span| &self.strings[span.range()];
        let opt = |span: Span| span.get().map(|r| &self.strings[r]);
        self.links.iter().map(move |l| LinkRef {
            href: s(l.href),
            url: opt(l.url),
            fragment: opt(l.fragment),
            kind: l.kind,
            compat: l.compat,
            rel: s(l.rel),
            target: opt(l.target),
            text: s(l.text),
            image_alt: s(l.image_alt),
            line: l.line,
            column: l.column,
        })
    }
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

/// Appends `bytes` decoded from `encoding` to `strings`; returns where they are.
fn push_decoded(strings: &mut String, bytes: &[u8], encoding: &'static Encoding) -> Span {
    let start = strings.len();
    strings.push_str(&encoding.decode_without_bom_handling(bytes).0);
    Span::new(start..strings.len())
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
    use crate::extract::{extract, ExtractOptions};

    fn report(html: &str, page: &str, scope: Scope) -> PageReport {
        let mut anchors = AnchorLog::default();
        let mut verdicts = Vec::new();
        let mut counts = CompatCounts::default();
        let host = compat::page_host(page).unwrap();
        let opts = ExtractOptions {
            anchor_details: true,
            fragment_targets: false,
        };
        let facts = extract(html.as_bytes(), opts, &mut |a| {
            for href in a.hrefs() {
                let side = compat::classify(&href, &host);
                counts.add(side);
                verdicts.push(side);
            }
            anchors.push(a);
        });
        let origin = Origin {
            input: page.into(),
            ..Origin::default()
        };
        let base = Url::parse(page).unwrap();
        let links = PageLinks::resolve(&origin, &facts, &anchors, &verdicts, &base, scope).unwrap();
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
