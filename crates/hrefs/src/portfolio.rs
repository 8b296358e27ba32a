//! Many sites in one run (`crawl --sites FILE`), and a list split among machines: the sites
//! list, each site's origin (what names its report and decides its shard), shards, and the
//! portfolio: one line per site, rated or failed, which shard outputs merge into.
//!
//! A shard takes the sites whose origin hashes to its index (FNV-1a 64, modulo the shard
//! count): every site is in exactly one shard, whatever the order of the list, on any
//! machine, in any version.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::crawl::seed_url;
use crate::fix_first::Fix;
use crate::site_report::SiteReport;

/// One line of a sites list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteEntry {
    /// The start URL, as written.
    pub url: Url,
    /// `scheme://host:port`, lower-case, the port always written: the site's identity.
    pub origin: String,
    /// 1-based line in the list.
    pub line: usize,
}

impl SiteEntry {
    /// A file name for the site's report, from its origin: `https_example.com_443`.
    pub fn file_stem(&self) -> String {
        self.origin
            .replace("://", "_")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

/// The origin of a URL as [`SiteEntry::origin`] writes it.
pub fn origin_of(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default().to_ascii_lowercase(),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Reads a sites list: one start URL a line; blank lines and `#` comments skipped. A site
/// listed twice (the same origin) is an error naming both lines, as is a line that is no
/// http(s) URL.
pub fn read_sites(text: &str) -> Result<Vec<SiteEntry>, String> {
    let mut sites: Vec<SiteEntry> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let raw = line.trim();
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let url = seed_url(raw).map_err(|e| format!("line {line_no}: {e}"))?;
        let origin = origin_of(&url);
        if let Some(first) = sites.iter().find(|s| s.origin == origin) {
            return Err(format!(
                "line {line_no}: {origin} is listed already, on line {}",
                first.line
            ));
        }
        sites.push(SiteEntry {
            url,
            origin,
            line: line_no,
        });
    }
    if sites.is_empty() {
        return Err("no site in the list (one start URL a line)".into());
    }
    Ok(sites)
}

/// One shard of a sites list: `index` of `count`, 0-based (as Kubernetes' Indexed Jobs
/// number their pods).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 0 to `count - 1`.
    pub index: u32,
    /// How many shards the list is split into.
    pub count: u32,
}

impl Shard {
    /// `I/N`, 0-based: `0/3`, `1/3`, `2/3`.
    pub fn parse(raw: &str) -> Result<Shard, String> {
        let bad = || format!("expected a shard as I/N, 0-based (0/3, 1/3, 2/3), got '{raw}'");
        let (i, n) = raw.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            i.trim().parse::<u32>().map_err(|_| bad())?,
            n.trim().parse::<u32>().map_err(|_| bad())?,
        );
        Shard::new(index, count).ok_or_else(bad)
    }

    /// Shard `index` of `count`, if `index < count`.
    pub fn new(index: u32, count: u32) -> Option<Shard> {
        (index < count).then_some(Shard { index, count })
    }

    /// Whether the site of `origin` is in this shard.
    pub fn has(&self, origin: &str) -> bool {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in origin.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        hash % u64::from(self.count) == u64::from(self.index)
    }
}

/// How one site of a portfolio came out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteOutcome {
    /// The site's origin.
    pub origin: String,
    /// Its start URL.
    pub seed: String,
    /// The rating, when the site was rated.
    pub score: Option<f64>,
    /// A to F, when rated.
    pub grade: Option<char>,
    /// Pages parsed.
    pub pages: usize,
    /// Findings per severity.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notices.
    pub notices: usize,
    /// The first thing to fix: what it is, and the score fixing it gives.
    pub fix_first: Option<FixLine>,
    /// The report's file, relative to the output directory; `None` when none was written.
    pub report: Option<String>,
    /// Why the site could not be rated (start page unreadable...), or why its report could
    /// not be written.
    pub failure: Option<String>,
}

/// A site's first fix, in a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixLine {
    /// The audit's id.
    pub audit: String,
    /// The cause (a link target, or the audit's title).
    pub cause: String,
    /// Points fixing it restores.
    pub points: f64,
    /// The score then.
    pub score: f64,
}

impl SiteOutcome {
    /// The outcome of a crawl whose report is `report`, written to `file`.
    pub fn of(site: &SiteEntry, report: &SiteReport, file: Option<String>) -> SiteOutcome {
        let count = |s: &str| report.summary.severities.get(s).copied().unwrap_or(0);
        let failure = (report.rating.score.is_none())
            .then(|| report.notices().into_iter().next())
            .flatten();
        SiteOutcome {
            origin: site.origin.clone(),
            seed: site.url.to_string(),
            score: report.rating.score,
            grade: report.rating.grade,
            pages: report.summary.pages,
            errors: count("error"),
            warnings: count("warning"),
            notices: count("notice"),
            fix_first: report.fix_first.first().map(FixLine::of),
            report: file,
            failure,
        }
    }

    /// A site that failed before any report: it could not be crawled at all.
    pub fn failed(site: &SiteEntry, why: String) -> SiteOutcome {
        SiteOutcome {
            origin: site.origin.clone(),
            seed: site.url.to_string(),
            score: None,
            grade: None,
            pages: 0,
            errors: 0,
            warnings: 0,
            notices: 0,
            fix_first: None,
            report: None,
            failure: Some(why),
        }
    }
}

impl FixLine {
    fn of(fix: &Fix) -> FixLine {
        FixLine {
            audit: fix.audit.id().to_string(),
            cause: fix.cause.clone(),
            points: fix.points,
            score: fix.score,
        }
    }
}

/// The sites of a run, or of several merged: rated sites worst first (what to look at first),
/// then the sites that could not be rated; ties by origin. The same sites give the same
/// order whatever order they finished in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    /// The shard this run took, when it took one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// Every site, in order.
    pub sites: Vec<SiteOutcome>,
}

impl Portfolio {
    /// The portfolio of `sites`, sorted.
    pub fn new(shard: Option<Shard>, mut sites: Vec<SiteOutcome>) -> Portfolio {
        sites.sort_by(order);
        Portfolio { shard, sites }
    }

    /// Several shards' portfolios as one (no shard): a site in two of them is an error.
    pub fn merge(parts: Vec<Portfolio>) -> Result<Portfolio, String> {
        let mut sites: Vec<SiteOutcome> = parts.into_iter().flat_map(|p| p.sites).collect();
        sites.sort_by(order);
        if let Some(pair) = sites.windows(2).find(|w| w[0].origin == w[1].origin) {
            return Err(format!(
                "{} is in two of the outputs merged",
                pair[0].origin
            ));
        }
        Ok(Portfolio { shard: None, sites })
    }
}

fn order(a: &SiteOutcome, b: &SiteOutcome) -> Ordering {
    match (a.score, b.score) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| a.origin.cmp(&b.origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_with_comments_and_duplicates_refused() {
        let sites = read_sites(
            "# nightly\nhttps://Example.com/docs/\n\nhttp://example.com\n  https://b.example:8443/ \n",
        )
        .unwrap();
        let origins: Vec<&str> = sites.iter().map(|s| s.origin.as_str()).collect();
        assert_eq!(
            origins,
            [
                "https://example.com:443",
                "http://example.com:80",
                "https://b.example:8443"
            ]
        );
        assert_eq!(sites[2].line, 5);
        assert_eq!(sites[0].file_stem(), "https_example.com_443");
        let dup = read_sites("https://a.example/\nhttps://A.example:443/x\n").unwrap_err();
        assert_eq!(
            dup,
            "line 2: https://a.example:443 is listed already, on line 1"
        );
        let bad = read_sites("https://a.example/\nftp://x/\n").unwrap_err();
        assert!(bad.starts_with("line 2: "), "{bad}");
        assert!(read_sites("# nothing\n").is_err());
    }

    #[test]
    fn shards_split_a_list_into_parts_that_cover_it_once() {
        let origins: Vec<String> = (0..1000)
            .map(|i| format!("https://site{i}.example:443"))
            .collect();
        let n = 3;
        let mut counts = vec![0; n as usize];
        for origin in &origins {
            let holders: Vec<u32> = (0..n)
                .filter(|&i| Shard::new(i, n).unwrap().has(origin))
                .collect();
            assert_eq!(holders.len(), 1, "{origin} in {holders:?}");
            counts[holders[0] as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c > 250), "{counts:?}");
        assert_eq!(Shard::parse("1/3"), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "1", "a/3", "0/0", "-1/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        // A stable hash: the same split on every machine and in every version.
        assert!(Shard::new(0, 2).unwrap().has("https://example.com:443"));
    }

    fn outcome(origin: &str, score: Option<f64>) -> SiteOutcome {
        SiteOutcome {
            origin: origin.into(),
            seed: format!("{origin}/"),
            score,
            grade: None,
            pages: 1,
            errors: 0,
            warnings: 0,
            notices: 0,
            fix_first: None,
            report: None,
            failure: None,
        }
    }

    #[test]
    fn merged_shards_equal_one_portfolio_and_refuse_a_site_twice() {
        let all = vec![
            outcome("https://a:443", Some(90.0)),
            outcome("https://b:443", None),
            outcome("https://c:443", Some(70.5)),
            outcome("https://d:443", Some(90.0)),
        ];
        let whole = Portfolio::new(None, all.clone());
        let order: Vec<&str> = whole.sites.iter().map(|s| s.origin.as_str()).collect();
        assert_eq!(
            order,
            [
                "https://c:443",
                "https://a:443",
                "https://d:443",
                "https://b:443"
            ]
        );
        let parts = vec![
            Portfolio::new(Shard::new(0, 2), vec![all[3].clone(), all[1].clone()]),
            Portfolio::new(Shard::new(1, 2), vec![all[0].clone(), all[2].clone()]),
        ];
        assert_eq!(Portfolio::merge(parts).unwrap(), whole);
        let twice = vec![whole.clone(), Portfolio::new(None, vec![all[0].clone()])];
        assert!(Portfolio::merge(twice)
            .unwrap_err()
            .contains("https://a:443"));
    }
}

/// How a run over many sites writes each site's report.
#[derive(Debug, Clone)]
pub struct Reports {
    /// The directory the reports go to, one file a site named from its origin.
    pub dir: std::path::PathBuf,
    /// Their format.
    pub format: crate::render::CrawlFormat,
    /// Their file extension (`json`, `md`...).
    pub extension: &'static str,
}

/// Crawls `sites`, at most `in_flight` at once, each with `config` (its own politeness,
/// limits and robots.txt), each report written to its file (to a temporary name, then
/// renamed: a task killed half way leaves no half report) and freed as soon as the site is
/// done. A site that cannot be crawled is an outcome too, never dropped, and never stops
/// the others. `stop` ends every crawl in flight (their reports cover what was crawled) and
/// starts no more.
pub async fn crawl_sites(
    sites: Vec<SiteEntry>,
    config: &crate::crawl::CrawlConfig,
    fetcher: &crate::fetch::Fetcher,
    reports: &Reports,
    in_flight: usize,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<SiteOutcome> {
    // Reports are written through `dyn CrawlSink`s, which are not `Send`: the sites' crawl
    // loops share this thread, and their pages are fetched and parsed on every core.
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            let mut pending = sites.into_iter();
            let mut tasks = tokio::task::JoinSet::new();
            let mut outcomes = Vec::new();
            loop {
                while tasks.len() < in_flight.max(1) && !*stop.borrow() {
                    let Some(site) = pending.next() else { break };
                    let (config, fetcher) = (config.clone(), fetcher.clone());
                    let (reports, mut stop) = (reports.clone(), stop.clone());
                    tasks.spawn_local(async move {
                        let stopped = async move {
                            let _ = stop.wait_for(|s| *s).await;
                        };
                        crawl_one(site, &config, &fetcher, &reports, stopped).await
                    });
                }
                match tasks.join_next().await {
                    Some(Ok(outcome)) => outcomes.push(outcome),
                    Some(Err(panic)) => std::panic::resume_unwind(panic.into_panic()),
                    None => break,
                }
            }
            // Stopped: the sites not started are in the portfolio too, said so.
            outcomes.extend(pending.map(|site| {
                SiteOutcome::failed(&site, "not crawled: the run was interrupted".into())
            }));
            outcomes
        })
        .await
}

async fn crawl_one(
    site: SiteEntry,
    config: &crate::crawl::CrawlConfig,
    fetcher: &crate::fetch::Fetcher,
    reports: &Reports,
    stop: impl std::future::Future<Output = ()>,
) -> SiteOutcome {
    let name = format!("{}.{}", site.file_stem(), reports.extension);
    let path = reports.dir.join(&name);
    let temp = reports
        .dir
        .join(format!(".{name}.{}.tmp", std::process::id()));
    let file = match std::fs::File::create(&temp) {
        Ok(file) => file,
        Err(e) => {
            return SiteOutcome::failed(&site, format!("cannot write {}: {e}", temp.display()))
        }
    };
    let mut sink = crate::render::crawl_sink(reports.format, std::io::BufWriter::new(file));
    let report = crate::sink::crawl_into(&site.url, config, fetcher, stop, &mut *sink).await;
    drop(sink);
    let written = report.and_then(|report| {
        std::fs::rename(&temp, &path)?;
        Ok(report)
    });
    match written {
        Ok(report) => SiteOutcome::of(&site, &report, Some(name)),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            SiteOutcome::failed(&site, format!("cannot write {}: {e}", path.display()))
        }
    }
}
