//! The original tool's verdict on a link: internal, external, or not counted.
//!
//! This is the drop-in contract, kept to the byte. A link is counted only when Go's
//! `url.Parse` accepts its (entity-decoded) `href`. It is internal when its host equals the
//! page URL's host as the user typed it (raw string comparison, port included), when the raw
//! value starts with `#`, or when it has no host at all (relative links, `mailto:`, ...);
//! otherwise it is external. Reports may be smarter (see [`crate::classify`]); these counts
//! never change.

use serde::{Deserialize, Serialize};

use crate::extract::{self, Anchor, ExtractOptions};
use crate::url::gourl::{self, GoUrlError};

/// The original tool's two numbers, plus the links it could not parse and silently skipped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompatCounts {
    /// Links on the same host, relative or fragment-only.
    pub internal: u64,
    /// Links to another host.
    pub external: u64,
    /// `href`s that Go's `url.Parse` rejects: counted in neither number.
    pub unparsable: u64,
}

/// The verdict for one link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Counted as internal.
    Internal,
    /// Counted as external.
    External,
}

/// The host of the page URL as Go's `url.Parse` sees it (`URL.Host`: port and brackets kept).
pub fn page_host(url: &str) -> Result<Vec<u8>, GoUrlError> {
    gourl::parse(url.as_bytes()).map(|u| u.host.into_owned())
}

/// Classifies one decoded `href` value against the page host; `None` when Go can't parse it.
pub fn classify(href: &[u8], page_host: &[u8]) -> Option<Side> {
    let url = gourl::parse(href).ok()?;
    if url.host.is_empty() || *url.host == *page_host || href.first() == Some(&b'#') {
        Some(Side::Internal)
    } else {
        Some(Side::External)
    }
}

impl CompatCounts {
    /// Counts every `href` of `anchor`.
    pub fn add_anchor(&mut self, anchor: &Anchor, page_host: &[u8]) {
        for href in anchor.hrefs() {
            self.add(classify(&href, page_host));
        }
    }

    /// Counts one verdict.
    pub fn add(&mut self, side: Option<Side>) {
        match side {
            Some(Side::Internal) => self.internal += 1,
            Some(Side::External) => self.external += 1,
            None => self.unparsable += 1,
        }
    }

    /// The original tool's output line, without the newline: `{"internal":N,"external":M}`.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"internal\":{},\"external\":{}}}",
            self.internal, self.external
        )
    }
}

/// Counts the links of a whole page in memory, as the original tool would for a page whose
/// URL has host `page_host`.
pub fn count_html(html: &[u8], page_host: &[u8]) -> CompatCounts {
    let mut counts = CompatCounts::default();
    extract::extract(html, ExtractOptions::default(), &mut |a| {
        counts.add_anchor(a, page_host)
    });
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One `<a>` per case, on a page whose URL was typed as `http://example.com:8080/docs/`.
    /// Expected (internal, external) counts follow from the rules in the module docs.
    #[test]
    fn edge_cases() {
        let host = page_host("http://example.com:8080/docs/").unwrap();
        assert_eq!(host, b"example.com:8080");
        let cases: &[(&str, (u64, u64), &str)] = &[
            (r#"<a href="/x">"#, (1, 0), "no host: internal"),
            (r#"<a href="x.html">"#, (1, 0), "relative path"),
            (r#"<a href="">"#, (1, 0), "empty href parses, no host"),
            (r#"<a href="?q=1">"#, (1, 0), "query only"),
            (r#"<a href="*">"#, (1, 0), "Go special-cases '*'"),
            (r##"<a href="#top">"##, (1, 0), "fragment"),
            (r##"<a href="#">"##, (1, 0), "bare '#'"),
            (
                r#"<a href="http://example.com:8080/y">"#,
                (1, 0),
                "same host and port",
            ),
            (
                r#"<a href="http://example.com:8080">"#,
                (1, 0),
                "same host, no path",
            ),
            (
                r#"<a href="HTTP://example.com:8080/">"#,
                (1, 0),
                "scheme case doesn't matter",
            ),
            (
                r#"<a href="ftp://example.com:8080/">"#,
                (1, 0),
                "scheme isn't compared at all",
            ),
            (
                r#"<a href="http://user@example.com:8080/">"#,
                (1, 0),
                "userinfo is not part of Host",
            ),
            (
                r#"<a href="http://example.com/y">"#,
                (0, 1),
                "port differs: raw Host comparison",
            ),
            (
                r#"<a href="http://EXAMPLE.com:8080/">"#,
                (0, 1),
                "host comparison is case-sensitive",
            ),
            (
                r#"<a href="//cdn.example.com/x">"#,
                (0, 1),
                "scheme-relative link with a host",
            ),
            (
                r#"<a href="https://www.example.com">"#,
                (0, 1),
                "www is another host",
            ),
            (
                r#"<a href="http://o.com/#frag">"#,
                (0, 1),
                "fragment after a host",
            ),
            (
                r#"<a href="http://o.com/ path">"#,
                (0, 1),
                "a space in the path is fine for Go",
            ),
            (
                r#"<a href="http://o.com:">"#,
                (0, 1),
                "an empty port is valid",
            ),
            (
                r#"<a href="http://%C3%A9.com/">"#,
                (0, 1),
                "escaped non-ASCII host",
            ),
            (
                r#"<a href="mailto:a@example.com">"#,
                (1, 0),
                "opaque: no host",
            ),
            (r#"<a href="tel:+15550100">"#, (1, 0), "opaque: no host"),
            (
                r#"<a href="javascript:void(0)">"#,
                (1, 0),
                "opaque: no host",
            ),
            (r#"<a href="%zz">"#, (0, 0), "invalid escape: not counted"),
            (
                r#"<a href="http://a b.com/">"#,
                (0, 0),
                "space in host: not counted",
            ),
            (
                r#"<a href="http://o.com:port/">"#,
                (0, 0),
                "non-numeric port: not counted",
            ),
            (
                r#"<a href="1a:b">"#,
                (0, 0),
                "colon in first segment without scheme",
            ),
            (r#"<a href=":foo">"#, (0, 0), "missing protocol scheme"),
            (
                r#"<a href=" http://o.com">"#,
                (0, 0),
                "leading space: no scheme, colon in first segment",
            ),
            (r#"<a href="http://[::1">"#, (0, 0), "unclosed IPv6 bracket"),
            (
                r#"<a href="http://[::1]x/">"#,
                (0, 0),
                "junk after IPv6 bracket",
            ),
            (
                r#"<a href="http://us er@o.com/">"#,
                (0, 0),
                "invalid userinfo",
            ),
            (
                r#"<a href="a&#10;b">"#,
                (0, 0),
                "entity-decoded control character",
            ),
            (
                r##"<a href="#x&#10;y">"##,
                (1, 0),
                "control characters after '#' are accepted",
            ),
            (
                r#"<a href="http://o.com&#x25;zz/">"#,
                (0, 0),
                "decoded '%zz' in the host",
            ),
            (
                r#"<a href="http://o.com&amp;x/">"#,
                (0, 1),
                "'&' is allowed in a host",
            ),
            (
                r#"<A HREF="http://o.com">"#,
                (0, 1),
                "upper-case tag and attribute",
            ),
            (
                r#"<a href="/a" href="http://o.com">"#,
                (1, 1),
                "every href attribute counts",
            ),
            (
                r#"<a href="http://o.com"/>"#,
                (0, 0),
                "self-closing: not a start tag",
            ),
            (r#"<a name="x">"#, (0, 0), "no href"),
            (
                r#"<script><a href="http://o.com"></script>"#,
                (0, 0),
                "inside raw text",
            ),
            (
                r#"<!-- <a href="http://o.com"> -->"#,
                (0, 0),
                "inside a comment",
            ),
            (
                r#"<a href="http://o.com"#,
                (0, 0),
                "tag cut off by the end of the page",
            ),
        ];
        for (html, (internal, external), why) in cases {
            let c = count_html(html.as_bytes(), &host);
            assert_eq!(
                (c.internal, c.external),
                (*internal, *external),
                "{why}: {html}"
            );
        }
    }

    #[test]
    fn json_line() {
        let c = CompatCounts {
            internal: 40,
            external: 2,
            unparsable: 3,
        };
        assert_eq!(c.to_json(), r#"{"internal":40,"external":2}"#);
    }
}
