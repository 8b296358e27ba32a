//! What a crawl finds: one [`Visit`] per URL, a [`PageSummary`] per parsed page, and the
//! whole [`Crawl`], which serialises and reads back losslessly (a shard's result can be
//! written, moved and merged elsewhere).

use serde::{Deserialize, Serialize};

use super::config::Settings;
use super::graph::{fragment_hash, Links};
use super::limits::{Cut, Ending};
use crate::compat::CompatCounts;
use crate::fetch::FetchError;
use crate::report::{Hop, KindCounts};
use crate::seo::PageSeo;

/// What the crawl does with a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A page of the site: fetched, and parsed when it is HTML.
    Page,
    /// A link target whose status is checked: on another site, past the depth or page limit,
    /// or excluded.
    Check,
}

/// One URL the crawl fetched or checked, or was kept from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// The URL, normalised, without fragment.
    pub url: String,
    /// Whether it was crawled or only checked.
    pub role: Role,
    /// Link hops from the seed; `null` for pages only a sitemap leads to.
    pub depth: Option<u32>,
    /// A page one click nearer the start that links here, the first in URL order (none for
    /// the seed and pages only a sitemap leads to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_on: Option<String>,
    /// The final HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Why there was no answer, or why the page could not be read.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub error: Option<VisitError>,
    /// Why the answer is a block, not a broken link: a bot challenge the response says it is
    /// (`cf-mitigated: challenge`...), or a status `accept` rules take for a block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    /// The answer came from the cache of external checks (`--cache`): no request was made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cached: bool,
    /// robots.txt disallows this page: it was not fetched.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub robots_disallowed: bool,
    /// Where the redirects ended, when there were any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// Redirects followed, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Hop>,
    /// The `Content-Type` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Requests made for it (retries included).
    pub attempts: u32,
    /// Milliseconds of the last attempt.
    pub elapsed_ms: f64,
    /// `noindex` in `<meta name=robots>` or `X-Robots-Tag`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub noindex: bool,
    /// `nofollow` in `<meta name=robots>` or `X-Robots-Tag`: its links were not followed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nofollow: bool,
    /// What parsing the page found (its links themselves are in [`Crawl::links`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<PageSummary>,
}

impl Visit {
    /// Whether the URL answered with an error status or not at all (a block is not broken: see
    /// [`Visit::blocked`]).
    pub fn is_broken(&self) -> bool {
        self.blocked.is_none() && (self.error.is_some() || self.status.is_some_and(|s| s >= 400))
    }
}

/// Why a visit has no usable answer: its kind, for programs, and its message, for people.
/// In JSON, the two fields `error` and `error_kind` of the visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitError {
    /// The message: what failed, on which URL.
    #[serde(rename = "error")]
    pub message: String,
    /// What kind of failure it was.
    #[serde(rename = "error_kind")]
    pub kind: ErrorKind,
}

/// The kinds of failure a visit can end in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The host name did not resolve.
    Dns,
    /// The connection was refused or could not be made.
    Connect,
    /// No connection or no complete answer in time.
    Timeout,
    /// The TLS handshake failed.
    Tls,
    /// Too many redirects, a loop, or a redirect to where we cannot go.
    Redirect,
    /// The request or the body failed on the way (reset, truncated, corrupt compression), or
    /// its `Content-Encoding` cannot be undone.
    Transfer,
    /// The body is larger than `--max-body`.
    TooLarge,
    /// The URL cannot be fetched at all (scheme, client setup).
    Unsupported,
    /// A directory is crawled from disk, and the URL is on its origin but outside it.
    OutsideRoot,
    /// The page arrived but could not be read as HTML (too many links to keep, say).
    Page,
    /// robots.txt could not be read, so the site's pages were not fetched (RFC 9309).
    RobotsUnreadable,
}

impl VisitError {
    pub(crate) fn new(kind: ErrorKind, message: String) -> VisitError {
        VisitError { message, kind }
    }
}

impl From<&FetchError> for VisitError {
    fn from(err: &FetchError) -> VisitError {
        let kind = match err {
            FetchError::Dns { .. } => ErrorKind::Dns,
            FetchError::Refused { .. } | FetchError::Connect { .. } => ErrorKind::Connect,
            FetchError::ConnectTimeout { .. } | FetchError::Timeout { .. } => ErrorKind::Timeout,
            FetchError::Tls { .. } => ErrorKind::Tls,
            FetchError::TooManyRedirects { .. }
            | FetchError::RedirectLoop { .. }
            | FetchError::BadRedirect { .. } => ErrorKind::Redirect,
            FetchError::Request { .. } | FetchError::Body { .. } | FetchError::Encoding { .. } => {
                ErrorKind::Transfer
            }
            FetchError::TooLarge { .. } => ErrorKind::TooLarge,
            FetchError::OutsideRoot { .. } => ErrorKind::OutsideRoot,
            FetchError::File { .. } => ErrorKind::Transfer,
            FetchError::Build { .. }
            | FetchError::CaFile { .. }
            | FetchError::UnsupportedProxy { .. }
            | FetchError::UnsupportedScheme { .. } => ErrorKind::Unsupported,
        };
        VisitError::new(kind, err.to_string())
    }
}

impl From<&crate::Error> for VisitError {
    fn from(err: &crate::Error) -> VisitError {
        match err {
            crate::Error::Fetch(fetch) => VisitError::from(fetch),
            other => VisitError::new(ErrorKind::Page, other.to_string()),
        }
    }
}

/// A parsed page's facts and counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageSummary {
    /// The original tool's counts for the page.
    #[serde(flatten)]
    pub counts: CompatCounts,
    /// Links on the page (every `href` of every anchor) kept: all of them unless the page
    /// has more than the crawl's `max_links_per_page`.
    pub links: u64,
    /// Links past the crawl's `max_links_per_page`: counted (in the compat counts too) but
    /// not kept, followed or audited. Not 0 means the page's links are truncated.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub links_dropped: u64,
    /// Kept links per kind.
    pub kinds: KindCounts,
    /// The `<base href>`, when the page has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The encoding the page was read in.
    pub charset: String,
    /// Body bytes (decompressed).
    pub bytes: u64,
    /// What the page-level SEO audits read.
    #[serde(flatten)]
    pub seo: PageSeo,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A parsed page's fragment targets (`id`s and `<a name>`s), hashed with
/// [`fragment_hash`] and sorted: 8 bytes each, for checking `#fragment` links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragments(Vec<u64>);

impl Fragments {
    pub(crate) fn of<'a>(targets: impl IntoIterator<Item = &'a String>) -> Fragments {
        let mut hashes: Vec<u64> = targets.into_iter().map(|f| fragment_hash(f)).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Fragments(hashes)
    }

    /// Whether the page has `fragment` as an `id` or `<a name>`.
    pub fn contains(&self, fragment: &str) -> bool {
        self.contains_hash(fragment_hash(fragment))
    }

    /// Whether the page has an `id` or `<a name>` whose [`fragment_hash`] is `hash`.
    pub fn contains_hash(&self, hash: u64) -> bool {
        self.0.binary_search(&hash).is_ok()
    }
}

/// What a crawl found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crawl {
    /// The seed, normalised.
    pub seed: String,
    /// Every URL fetched, checked or kept out by robots.txt, in click-depth order, then URL order
    /// (the same in every run; [`crate::sink`] hands them over as they complete).
    pub visits: Vec<Visit>,
    /// Every link of every parsed page.
    pub links: Links,
    /// Each visit's fragment targets, by visit index (empty unless a parsed page).
    pub fragments: Vec<Fragments>,
    /// Where the start page redirected to, when that was another origin: the crawl's site
    /// is then the origin it landed on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub landed_on: Option<String>,
    /// Page URLs listed in the site's sitemaps.
    pub sitemap_urls: Vec<String>,
    /// Sitemap files that could not be read, with why.
    pub sitemap_errors: Vec<String>,
    /// What robots.txt files could not be kept whole (truncated, rules ignored), by file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub robots_problems: Vec<String>,
    /// How the crawl ended.
    pub ending: Ending,
    /// The limits that cut something, in [`Limit`] order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<Cut>,
    /// When the crawl started: RFC 3339, UTC, to the second (`2024-05-01T09:30:00Z`).
    pub started: String,
    /// Wall time in milliseconds.
    pub elapsed_ms: f64,
    /// What the crawl was run with.
    pub settings: Settings,
}

impl Crawl {
    /// Whether the crawl was stopped before it was complete (by the caller or the memory
    /// budget).
    pub fn interrupted(&self) -> bool {
        matches!(self.ending, Ending::Interrupted | Ending::MemoryBudget)
    }

    /// The fragment targets of the visit at `index` (none unless it is a parsed page).
    pub fn fragments_of(&self, index: usize) -> &Fragments {
        static NONE: Fragments = Fragments(Vec::new());
        self.fragments.get(index).unwrap_or(&NONE)
    }
}

/// Where a crawl stands, given with each visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// URLs done, this one included.
    pub done: usize,
    /// URLs waiting in the frontier.
    pub queued: usize,
    /// Requests in flight.
    pub in_flight: usize,
}
