//! The bounds that make every crawl end: how a crawl ended ([`Ending`]), the limits that can
//! cut it short ([`Limit`]) and what each one cut ([`Cut`]), and the crawler-trap tests run
//! on each new URL of the site (length, path depth, repeated segments, query variants).
//!
//! A URL a limit keeps from being crawled is still checked (its status is known, so a broken
//! link is still found); it just is not parsed for more links, which is what ends a trap.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use url::Url;

use super::config::CrawlConfig;

/// How a crawl ended: complete, stopped, or not started for a reason found at its start page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ending {
    /// Every page within the limits was crawled.
    Complete,
    /// Stopped by the caller (Ctrl-C) before the end.
    Interrupted,
    /// The process passed its memory budget (`--max-memory`): nothing new was started.
    MemoryBudget,
    /// The start page answered with an error status or not at all.
    StartBroken,
    /// The start page is not HTML, so it has no links to follow.
    StartNotHtml,
    /// robots.txt disallows the start page.
    StartDisallowed,
    /// `--include` or `--exclude` keep the start page from being crawled.
    StartExcluded,
    /// The page budget is 0, so not even the start page is crawled.
    StartNoBudget,
}

impl Ending {
    /// Whether the crawl covered everything it was asked to (limits aside).
    pub fn is_complete(self) -> bool {
        self == Ending::Complete
    }

    /// The name reports give it (`complete`, `start-not-html`...), as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Ending::Complete => "complete",
            Ending::Interrupted => "interrupted",
            Ending::MemoryBudget => "memory-budget",
            Ending::StartBroken => "start-broken",
            Ending::StartNotHtml => "start-not-html",
            Ending::StartDisallowed => "start-disallowed",
            Ending::StartExcluded => "start-excluded",
            Ending::StartNoBudget => "start-no-budget",
        }
    }

    /// Whether the start page could not be crawled (so nothing was).
    pub fn is_start_problem(self) -> bool {
        !matches!(
            self,
            Ending::Complete | Ending::Interrupted | Ending::MemoryBudget
        )
    }

    /// What happened, in a sentence naming the start URL; `None` for a complete crawl.
    pub fn explain(self, seed: &str) -> Option<String> {
        let why = match self {
            Ending::Complete => return None,
            Ending::Interrupted => "the crawl was interrupted: the report covers what was done",
            Ending::MemoryBudget => {
                "the crawl passed its memory budget (--max-memory) and stopped: the report \
                 covers what was done"
            }
            Ending::StartBroken => "the start page could not be read, so nothing was crawled",
            Ending::StartNotHtml => "the start page is not HTML, so it has no links to follow",
            Ending::StartDisallowed => {
                "robots.txt disallows the start page, so nothing was crawled (--ignore-robots \
                 crawls it anyway)"
            }
            Ending::StartExcluded => {
                "--include/--exclude keep the start page out, so nothing was crawled"
            }
            Ending::StartNoBudget => "the page budget is 0, so nothing was crawled",
        };
        Some(format!("crawl of {seed}: {why}"))
    }
}

/// A limit that can keep URLs from being crawled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// The page budget (`--max-pages`).
    MaxPages,
    /// Link hops from the start (`--max-depth`).
    MaxDepth,
    /// URL length in bytes (`--max-url-length`).
    UrlLength,
    /// Path segments (`--max-path-segments`).
    PathSegments,
    /// One to three path segments repeated in a row (`--max-repeats`).
    RepeatedSegments,
    /// Query strings on one path (`--max-query-variants`).
    QueryVariants,
    /// The process's resident memory (`--max-memory`, in MiB).
    MaxMemory,
    /// The URLs one sitemap file may list (the sitemaps protocol's 50,000).
    SitemapUrls,
}

impl Limit {
    /// The command-line flag that sets it (`None` for the sitemaps protocol's own limit).
    pub fn flag(self) -> Option<&'static str> {
        Some(match self {
            Limit::MaxPages => "--max-pages",
            Limit::MaxDepth => "--max-depth",
            Limit::UrlLength => "--max-url-length",
            Limit::PathSegments => "--max-path-segments",
            Limit::RepeatedSegments => "--max-repeats",
            Limit::QueryVariants => "--max-query-variants",
            Limit::MaxMemory => "--max-memory",
            Limit::SitemapUrls => return None,
        })
    }
}

/// What one limit cut in a crawl.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cut {
    /// The limit.
    pub limit: Limit,
    /// Its setting (pages, hops, bytes, segments, repeats, variants, MiB or URLs).
    pub setting: u64,
    /// URLs it kept from being crawled.
    pub urls: u64,
    /// The first of them.
    pub example: String,
}

impl Cut {
    /// What was cut and how to lift the limit, in a sentence.
    pub fn message(&self) -> String {
        let (n, s) = (self.urls, self.setting);
        let (urls, were) = if n == 1 {
            ("1 URL".to_string(), "was")
        } else {
            (format!("{n} URLs"), "were")
        };
        let checked = format!("{were} only checked, not crawled");
        let what = match self.limit {
            Limit::MaxPages => format!("{urls} past the page budget of {s} {checked}"),
            Limit::MaxDepth => format!("{urls} deeper than {s} link hops {checked}"),
            Limit::UrlLength => format!("{urls} longer than {s} bytes {checked}"),
            Limit::PathSegments => {
                format!("{urls} with more than {s} path segments {checked}")
            }
            Limit::RepeatedSegments => format!(
                "{urls} repeating path segments more than {s} times in a row (a crawler \
                 trap) {checked}"
            ),
            Limit::QueryVariants => {
                format!("{urls} past {s} query strings on one path (a crawler trap) {checked}")
            }
            Limit::MaxMemory => format!(
                "the crawl reached its memory budget of {s} MiB: {urls} queued or in flight \
                 {were} not visited"
            ),
            Limit::SitemapUrls => {
                format!("{urls} past the {s} a sitemap may list {were} not read from the sitemaps")
            }
        };
        let lift = match self.limit {
            Limit::MaxDepth => "lift it by leaving out --max-depth".to_string(),
            Limit::MaxMemory => "raise it with --max-memory MiB (0: no limit)".to_string(),
            Limit::SitemapUrls => "the sitemaps protocol's limit; split the sitemap".to_string(),
            limit => format!(
                "lift it with {} 0 (no limit) or a larger value",
                limit.flag().unwrap_or_default()
            ),
        };
        format!("{what} (first: {}); {lift}", self.example)
    }
}

/// The cuts of a crawl, gathered as they happen.
#[derive(Debug, Default)]
pub(super) struct Cuts(BTreeMap<Limit, Cut>);

impl Cuts {
    /// `urls` more were cut by `limit`, set to `setting`; `example` is kept for the first.
    pub(super) fn add(&mut self, limit: Limit, setting: u64, urls: u64, example: &str) {
        if urls == 0 {
            return;
        }
        self.0
            .entry(limit)
            .or_insert_with(|| Cut {
                limit,
                setting,
                urls: 0,
                example: example.to_string(),
            })
            .urls += urls;
    }

    pub(super) fn into_vec(self) -> Vec<Cut> {
        self.0.into_values().collect()
    }
}

/// The crawler-trap tests, with the query strings seen per path.
#[derive(Debug)]
pub(super) struct Traps {
    max_url_length: usize,
    max_path_segments: usize,
    max_repeats: usize,
    max_query_variants: usize,
    /// Query strings taken per `host/path`.
    variants: HashMap<String, usize>,
}

impl Traps {
    pub(super) fn new(config: &CrawlConfig) -> Traps {
        Traps {
            max_url_length: config.max_url_length,
            max_path_segments: config.max_path_segments,
            max_repeats: config.max_repeats,
            max_query_variants: config.max_query_variants,
            variants: HashMap::new(),
        }
    }

    /// The trap limit `url` (a page of the site, new to the crawl) passes, with the limit's
    /// setting; `None` when it may be crawled, in which case a query string is counted
    /// against its path.
    pub(super) fn check(&mut self, url: &Url) -> Option<(Limit, usize)> {
        let over = |limit: usize, value: usize| limit > 0 && value > limit;
        if over(self.max_url_length, url.as_str().len()) {
            return Some((Limit::UrlLength, self.max_url_length));
        }
        let segments: Vec<&str> = url.path().split('/').skip(1).collect();
        if over(self.max_path_segments, segments.len()) {
            return Some((Limit::PathSegments, self.max_path_segments));
        }
        if self.max_repeats > 0 && longest_repeat(&segments) > self.max_repeats {
            return Some((Limit::RepeatedSegments, self.max_repeats));
        }
        if url.query().is_some() && self.max_query_variants > 0 {
            let path = &url.as_str()[..url.as_str().find('?').unwrap_or(0)];
            let seen = self.variants.entry(path.to_string()).or_default();
            if *seen >= self.max_query_variants {
                return Some((Limit::QueryVariants, self.max_query_variants));
            }
            *seen += 1;
        }
        None
    }
}

/// The most times a run of one to three segments repeats back to back in `segments`:
/// `a/b/a/b/a/b` is 3, `x/x` 2, `a/b/c` 1.
fn longest_repeat(segments: &[&str]) -> usize {
    let mut longest = usize::from(!segments.is_empty());
    for period in 1..=3 {
        let mut run = 0;
        for i in period..segments.len() {
            if !segments[i].is_empty() && segments[i] == segments[i - period] {
                run += 1;
                longest = longest.max(1 + run / period);
            } else {
                run = 0;
            }
        }
    }
    longest
}

/// How often the memory budget is checked: often enough to stop within a fraction of a
/// second of passing it, rarely enough to cost nothing (one small file read).
pub(super) const GAUGE_EVERY: Duration = Duration::from_millis(250);

/// The memory budget and the gauge read against it. The gauge is the process's resident
/// memory (Linux `/proc/self/status`): what the machine actually pays, whatever holds it
/// (link graph, pages being read, buffers). Where there is no such file the budget is not
/// enforced.
pub(super) struct MemoryBudget {
    budget_mib: Option<u64>,
    last_read: Option<Instant>,
}

impl MemoryBudget {
    pub(super) fn new(budget_mib: Option<u64>) -> MemoryBudget {
        MemoryBudget {
            budget_mib,
            last_read: None,
        }
    }

    /// Whether there is a budget to keep.
    pub(super) fn is_set(&self) -> bool {
        self.budget_mib.is_some()
    }

    /// The budget in MiB (0 when none).
    pub(super) fn budget_mib(&self) -> u64 {
        self.budget_mib.unwrap_or(0)
    }

    /// Whether the process is past its budget; reads the gauge at most every
    /// [`GAUGE_EVERY`].
    pub(super) fn exceeded(&mut self) -> bool {
        let Some(budget) = self.budget_mib else {
            return false;
        };
        if self.last_read.is_some_and(|at| at.elapsed() < GAUGE_EVERY) {
            return false;
        }
        self.last_read = Some(Instant::now());
        resident_mib().is_some_and(|mib| mib > budget)
    }
}

/// The process's resident memory in MiB, where the system says (Linux).
fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traps(length: usize, segments: usize, repeats: usize, variants: usize) -> Traps {
        Traps::new(&CrawlConfig {
            max_url_length: length,
            max_path_segments: segments,
            max_repeats: repeats,
            max_query_variants: variants,
            ..CrawlConfig::default()
        })
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn ending_ids_are_their_json_names() {
        for ending in [
            Ending::Complete,
            Ending::Interrupted,
            Ending::MemoryBudget,
            Ending::StartBroken,
            Ending::StartNotHtml,
            Ending::StartDisallowed,
            Ending::StartExcluded,
            Ending::StartNoBudget,
        ] {
            assert_eq!(
                serde_json::to_value(ending).unwrap(),
                serde_json::json!(ending.id())
            );
        }
    }

    #[test]
    fn repeats() {
        let r = |p: &str| longest_repeat(&p.split('/').collect::<Vec<_>>());
        assert_eq!(r("a/b/c"), 1);
        assert_eq!(r("x/x"), 2);
        assert_eq!(r("a/x/x/x/b"), 3);
        assert_eq!(r("a/b/a/b/a/b"), 3);
        assert_eq!(r("a/b/a/b/a"), 2);
        assert_eq!(r("a/b/c/a/b/c/a/b/c/a/b/c"), 4);
        assert_eq!(r("2026/12/12/12/12"), 4);
        assert_eq!(r("docs//x"), 1);
    }

    #[test]
    fn each_trap_and_its_setting() {
        let mut t = traps(40, 4, 2, 2);
        assert_eq!(t.check(&url("http://h/a/b/c/d")), None);
        assert_eq!(
            t.check(&url("http://h/a/b/c/d/e")),
            Some((Limit::PathSegments, 4))
        );
        assert_eq!(
            t.check(&url("http://h/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")),
            Some((Limit::UrlLength, 40))
        );
        assert_eq!(
            t.check(&url("http://h/x/x/x")),
            Some((Limit::RepeatedSegments, 2))
        );
        assert_eq!(t.check(&url("http://h/list?page=1")), None);
        assert_eq!(t.check(&url("http://h/list?page=2")), None);
        assert_eq!(
            t.check(&url("http://h/list?page=3")),
            Some((Limit::QueryVariants, 2))
        );
        assert_eq!(t.check(&url("http://h/other?page=3")), None);
    }

    #[test]
    fn zero_means_no_limit() {
        let mut t = traps(0, 0, 0, 0);
        let long = format!("http://h/{}?q=1", "x/".repeat(5000));
        for i in 0..5000 {
            assert_eq!(t.check(&url(&format!("{long}{i}"))), None);
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_gauge_reads_this_process() {
        let mib = resident_mib().expect("Linux has /proc/self/status");
        assert!(mib > 0 && mib < 1 << 20, "{mib} MiB");
        let mut tight = MemoryBudget::new(Some(0));
        assert!(tight.exceeded());
        // Read again only after GAUGE_EVERY.
        assert!(!tight.exceeded());
        assert!(!MemoryBudget::new(None).exceeded());
    }

    #[test]
    fn messages_say_how_to_lift() {
        let mut cuts = Cuts::default();
        cuts.add(Limit::QueryVariants, 1000, 3, "http://h/a?x=1001");
        cuts.add(Limit::QueryVariants, 1000, 2, "http://h/b?x=1002");
        cuts.add(Limit::MaxPages, 10, 0, "http://h/never");
        let cuts = cuts.into_vec();
        assert_eq!(cuts.len(), 1);
        assert_eq!(
            cuts[0].message(),
            "5 URLs past 1000 query strings on one path (a crawler trap) were only checked, not \
             crawled (first: http://h/a?x=1001); lift it with --max-query-variants 0 (no limit) \
             or a larger value"
        );
    }
}
