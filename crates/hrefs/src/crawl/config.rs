//! How to crawl: the settings a front end fills in, with the library's defaults.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::url::Scope;
use crate::Error;

/// The product token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "href-counter";

/// Longest wait a `Retry-After` or a robots.txt `crawl-delay` may impose; longer asks are
/// treated as this, so that one line of a server's cannot stall a crawl for days.
pub(super) const MAX_WAIT: Duration = Duration::from_secs(60);

/// Links kept of one page by default. Far above real pages (the audits call 250 too many, and
/// the largest page of python3.11-doc, its full index, has 17,242), it bounds what one page
/// can cost while it is read and until its links join the graph, and a page that streams
/// links without end stops costing memory at its cap.
pub const DEFAULT_MAX_LINKS_PER_PAGE: usize = 100_000;

/// Pages crawled by default: more than almost any real site has (python3.11-doc has 526, a
/// large documentation site a few tens of thousands), few enough that a crawler trap the other
/// limits miss still ends, in about a minute at loopback speed and a few hundred MB.
pub const DEFAULT_MAX_PAGES: usize = 100_000;

/// URL length past which a URL is only checked, not crawled: the length browsers and search
/// engines have long treated as the practical limit; longer ones are almost always generated
/// (a query or a path that grows on every click).
pub const DEFAULT_MAX_URL_LENGTH: usize = 2048;

/// Path segments past which a URL is only checked: real sites rarely nest more than ten deep.
pub const DEFAULT_MAX_PATH_SEGMENTS: usize = 20;

/// Times one to three path segments may repeat back to back (`/a/a`, `/a/b/a/b`) before the
/// URL is taken for a trap (relative links resolved against the wrong base grow this way).
pub const DEFAULT_MAX_REPEATS: usize = 2;

/// Query strings crawled on one path: a listing's pages and sort orders, a calendar's months.
pub const DEFAULT_MAX_QUERY_VARIANTS: usize = 1000;

/// Resident memory, in MiB, past which the crawl stops taking new URLs and finishes with a
/// report of what it covered.
pub const DEFAULT_MAX_MEMORY_MIB: u64 = 2048;

/// Statuses that mean "blocked", not "broken", from the hosts a pattern matches (all hosts
/// when `hosts` is `None`): 403 and 429 from a social site that refuses crawlers, LinkedIn's
/// 999. A link to such an answer is a `blocked-link` warning, not a broken link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRule {
    /// `*` pattern on the host, or on `host:port`; every host when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<String>,
    /// The statuses.
    pub statuses: Vec<u16>,
}

impl StatusRule {
    /// The rule taking `status` from `url` for a block, among `rules`.
    pub fn find<'r>(rules: &'r [StatusRule], url: &Url, status: u16) -> Option<&'r StatusRule> {
        let host = url.host_str().unwrap_or_default();
        let with_port = format!("{host}:{}", url.port_or_known_default().unwrap_or(0));
        rules.iter().find(|r| {
            r.statuses.contains(&status)
                && r.hosts.as_deref().is_none_or(|p| {
                    crate::url::wildcard_match(p, host) || crate::url::wildcard_match(p, &with_port)
                })
        })
    }
}

/// How to crawl.
#[derive(Debug, Clone)]
pub struct CrawlConfig {
    /// What counts as the site: the seed's host, or its registrable domain.
    pub scope: Scope,
    /// Only URLs matching one of these patterns (`*` matches anything) are crawled as pages;
    /// empty means all of the site.
    pub include: Vec<String>,
    /// URLs matching one of these patterns are not crawled as pages (links to them are still
    /// checked).
    pub exclude: Vec<String>,
    /// Link hops from the seed beyond which pages are only checked, not parsed.
    pub max_depth: Option<u32>,
    /// Pages parsed at most; further links are only checked. `None` for no limit.
    pub max_pages: Option<usize>,
    /// URLs of the site longer than this (bytes) are only checked; 0 for no limit.
    pub max_url_length: usize,
    /// URLs of the site with more path segments than this are only checked; 0 for no limit.
    pub max_path_segments: usize,
    /// URLs of the site repeating a run of one to three path segments more than this many
    /// times in a row are only checked; 0 for no limit.
    pub max_repeats: usize,
    /// Query strings crawled on one path, at most; further ones are only checked. 0 for no
    /// limit.
    pub max_query_variants: usize,
    /// Resident memory (MiB) past which the crawl stops and reports; `None` for no limit.
    pub max_memory_mib: Option<u64>,
    /// Requests in flight at once, all hosts together.
    pub concurrency: usize,
    /// Requests in flight at once on one host.
    pub per_host: usize,
    /// Least time between the starts of two requests to one host.
    pub interval: Duration,
    /// Honour robots.txt (and its crawl-delay) for the site's pages.
    pub robots: bool,
    /// Seed the crawl with the site's sitemaps too.
    pub sitemaps: bool,
    /// Check links to other sites too (HEAD, then GET where HEAD is refused).
    pub check_external: bool,
    /// Retries of a request that failed on the network or was answered 429/503.
    pub retries: u32,
    /// Links kept of one page, at most; `None` for no limit. The links past it are counted
    /// ([`PageSummary::links_dropped`](super::PageSummary::links_dropped)) but not kept,
    /// followed or audited.
    pub max_links_per_page: Option<usize>,
    /// Statuses taken for a block, not a broken link.
    pub accept: Vec<StatusRule>,
    /// External checks known to succeed: not checked again.
    pub cache: Option<std::sync::Arc<super::cache::Cache>>,
}

impl Default for CrawlConfig {
    fn default() -> CrawlConfig {
        CrawlConfig {
            scope: Scope::Host,
            include: Vec::new(),
            exclude: Vec::new(),
            max_depth: None,
            max_pages: Some(DEFAULT_MAX_PAGES),
            max_url_length: DEFAULT_MAX_URL_LENGTH,
            max_path_segments: DEFAULT_MAX_PATH_SEGMENTS,
            max_repeats: DEFAULT_MAX_REPEATS,
            max_query_variants: DEFAULT_MAX_QUERY_VARIANTS,
            max_memory_mib: Some(DEFAULT_MAX_MEMORY_MIB),
            concurrency: 16,
            per_host: 8,
            interval: Duration::ZERO,
            robots: true,
            sitemaps: true,
            check_external: false,
            retries: 2,
            max_links_per_page: Some(DEFAULT_MAX_LINKS_PER_PAGE),
            accept: Vec::new(),
            cache: None,
        }
    }
}

impl CrawlConfig {
    /// The settings as the report states them.
    pub fn settings(&self) -> Settings {
        Settings {
            scope: self.scope,
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            max_depth: self.max_depth,
            max_pages: self.max_pages,
            max_url_length: self.max_url_length,
            max_path_segments: self.max_path_segments,
            max_repeats: self.max_repeats,
            max_query_variants: self.max_query_variants,
            max_memory_mib: self.max_memory_mib,
            max_links_per_page: self.max_links_per_page,
            concurrency: self.concurrency,
            per_host: self.per_host,
            interval_secs: self.interval.as_secs_f64(),
            retries: self.retries,
            robots: self.robots,
            sitemaps: self.sitemaps,
            check_external: self.check_external,
            accept: self.accept.clone(),
            root: None,
            base: None,
        }
    }
}

/// What a crawl was run with, as its report states it: a [`CrawlConfig`] in plain values, so
/// that a report read later says what it covered (a `max_pages` of 10 explains a site of 10
/// pages). `None` is no limit, and 0 for the `usize` limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// [`CrawlConfig::scope`].
    pub scope: Scope,
    /// [`CrawlConfig::include`].
    pub include: Vec<String>,
    /// [`CrawlConfig::exclude`].
    pub exclude: Vec<String>,
    /// [`CrawlConfig::max_depth`].
    pub max_depth: Option<u32>,
    /// [`CrawlConfig::max_pages`].
    pub max_pages: Option<usize>,
    /// [`CrawlConfig::max_url_length`].
    pub max_url_length: usize,
    /// [`CrawlConfig::max_path_segments`].
    pub max_path_segments: usize,
    /// [`CrawlConfig::max_repeats`].
    pub max_repeats: usize,
    /// [`CrawlConfig::max_query_variants`].
    pub max_query_variants: usize,
    /// [`CrawlConfig::max_memory_mib`].
    pub max_memory_mib: Option<u64>,
    /// [`CrawlConfig::max_links_per_page`].
    pub max_links_per_page: Option<usize>,
    /// [`CrawlConfig::concurrency`].
    pub concurrency: usize,
    /// [`CrawlConfig::per_host`].
    pub per_host: usize,
    /// [`CrawlConfig::interval`], in seconds.
    pub interval_secs: f64,
    /// [`CrawlConfig::retries`].
    pub retries: u32,
    /// [`CrawlConfig::robots`].
    pub robots: bool,
    /// [`CrawlConfig::sitemaps`].
    pub sitemaps: bool,
    /// [`CrawlConfig::check_external`].
    pub check_external: bool,
    /// [`CrawlConfig::accept`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<StatusRule>,
    /// The directory crawled from disk, as given, when the site was read from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// The URL that directory is served at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
}

/// The URL a crawl starts from, as given: an absolute `http://` or `https://` URL with a host.
pub fn seed_url(raw: &str) -> Result<Url, Error> {
    let invalid = |reason: String| Error::InvalidUrl {
        input: raw.to_string(),
        reason,
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(
            "a crawl starts from an http:// or https:// URL".into(),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds() {
        assert!(seed_url(" https://example.com/ ").is_ok());
        for (raw, why) in [
            (
                "ftp://example.com/",
                "a crawl starts from an http:// or https:// URL",
            ),
            ("example.com", "relative URL without a base"),
            ("http://", "empty host"),
        ] {
            let err = seed_url(raw).unwrap_err().to_string();
            assert_eq!(err, format!("invalid url '{raw}': {why}"));
        }
    }
}
