//! The detailed link report of one page: what was fetched, the compat counts, and every link
//! resolved, sorted by kind, with its rel, target, text and position.
//!
//! A [`PageReport`] is plain data (it serializes to the JSON the CLI prints); rendering it as
//! text, CSV or Markdown is the front end's business.

use std::collections::BTreeMap;

use encoding_rs::Encoding;
use serde::{Serialize, Serializer};
use url::Url;

use crate::charset;
use crate::classify::{self, Kind, Scope, Site};
use crate::compat::{self, CompatCounts, Side};
use crate::extract::{Anchor, PageFacts};

/// The `rel` tokens a report tallies: the ones search engines and browsers act on.
pub const REL_TOKENS: [&str; 5] = ["nofollow", "ugc", "sponsored", "noopener", "noreferrer"];

/// One hop of a redirect chain: the URL that answered with a redirect, and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Builds a [`PageReport`] from what extraction produced.
///
/// `anchors` are only needed for the link details; `counts` are the compat counts tallied as
/// the page streamed. `base` is the URL relative links resolve against before any
/// `<base href>` (the final URL, or the user's `--base`).
pub fn build(
    origin: Origin,
    counts: CompatCounts,
    facts: &PageFacts,
    anchors: &[Anchor],
    base: &Url,
    scope: Scope,
    page_host: &[u8],
) -> PageReport {
    let header_charset = origin
        .content_type
        .as_deref()
        .and_then(charset::from_content_type);
    let (encoding, charset_source) = charset::detect(
        &origin.first_bytes,
        header_charset.as_deref(),
        facts.meta_charset.as_deref(),
    );
    let decode = |b: &[u8]| decode(b, encoding);
    let site = Site::of(base, scope);
    // The document's base URL is its first <base href>, resolved against the page URL.
    let doc_base = facts
        .base_href
        .as_ref()
        .and_then(|b| base.join(decode(b).trim()).ok());
    let resolve_against = doc_base.as_ref().unwrap_or(base);

    let mut kinds = KindCounts::default();
    let mut rel: BTreeMap<String, KindCounts> = BTreeMap::new();
    let mut domains: BTreeMap<String, u64> = BTreeMap::new();
    let mut links = Vec::new();
    for anchor in anchors {
        let mut rel_tokens: Vec<String> = anchor
            .rel()
            .map(|r| {
                decode(&r)
                    .split_ascii_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
        let mut text = anchor.text(encoding);
        let mut image_alt = anchor.image_alt(encoding);
        let mut target = anchor.target().map(|t| decode(&t));
        let hrefs = anchor.hrefs().count();
        for (i, href_bytes) in anchor.hrefs().enumerate() {
            let href = decode(&href_bytes);
            let c = classify::classify(&href, resolve_against, &site);
            kinds.bump(c.kind);
            for token in rel_tokens
                .iter()
                .filter(|t| REL_TOKENS.contains(&t.as_str()))
            {
                rel.entry(token.clone()).or_default().bump(c.kind);
            }
            if let Some(domain) = c.domain {
                *domains.entry(domain).or_default() += 1;
            }
            // An anchor usually has one href: its last link takes the strings, the others
            // copy them.
            let last = i + 1 == hrefs;
            let take = |s: &mut String| if last { std::mem::take(s) } else { s.clone() };
            links.push(Link {
                href,
                url: c.url,
                kind: c.kind,
                compat: compat::classify(&href_bytes, page_host),
                rel: if last {
                    std::mem::take(&mut rel_tokens)
                } else {
                    rel_tokens.clone()
                },
                target: if last { target.take() } else { target.clone() },
                text: take(&mut text),
                image_alt: take(&mut image_alt),
                line: anchor.line(),
                column: anchor.column(),
            });
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
        charset: encoding.name().to_ascii_lowercase(),
        charset_source,
        bytes: facts.bytes,
        elapsed_ms: origin.elapsed_ms,
        redirects: origin.redirects,
        counts,
        scope,
        base: doc_base.map(String::from),
        meta_robots: facts.meta_robots.clone(),
        kinds,
        rel,
        external_domains,
        links,
    }
}

/// A CSV field, quoted when it needs to be (RFC 4180); a leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so spreadsheets do not run link text as a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn decode(bytes: &[u8], encoding: &'static Encoding) -> String {
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract, ExtractOptions};

    fn report(html: &str, page: &str, scope: Scope) -> PageReport {
        let mut anchors = Vec::new();
        let mut counts = CompatCounts::default();
        let host = compat::page_host(page).unwrap();
        let opts = ExtractOptions {
            anchor_details: true,
            fragment_targets: false,
        };
        let facts = extract(html.as_bytes(), opts, &mut |a| {
            counts.add_anchor(a, &host);
            anchors.push(a.clone());
        });
        let origin = Origin {
            input: page.into(),
            ..Origin::default()
        };
        let base = Url::parse(page).unwrap();
        build(origin, counts, &facts, &anchors, &base, scope, &host)
    }

    #[test]
    fn csv_fields() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
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
