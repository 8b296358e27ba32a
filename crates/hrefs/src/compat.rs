//! The original tool's verdict on a link: internal, external, or not counted.
//!
//! This is the drop-in contract, kept to the byte. A link is counted only when Go's
//! `url.Parse` accepts its (entity-decoded) `href`. It is internal when its host equals the
//! page URL's host as the user typed it (raw string comparison, port included), when the raw
//! value starts with `#`, or when it has no host at all (relative links, `mailto:`, ...);
//! otherwise it is external. Reports may be smarter (see [`crate::classify`]); these counts
//! never change.

use serde::Serialize;

use crate::extract::{self, Anchor, ExtractOptions};
use crate::gourl::{self, GoUrlError};

/// The original tool's two numbers, plus the links it could not parse and silently skipped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
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
