//! Whole-site crawl: breadth-first from a seed URL, politely, checking every link it finds.
//!
//! The crawl draws jobs from the `frontier` (scheduling, per-host limits, robots.txt) and
//! runs each as a `worker` task (fetch, retries, parsing) with a bounded number in flight;
//! it is over when the frontier is empty and nothing is in flight. Pages of the site are
//! fetched and, when HTML, parsed for their links, which go into the link [`graph`]; every
//! other link target is only checked for its status (external ones only when asked).
//! `429` and `503` answers are retried after their `Retry-After` (`retry`). Sitemaps
//! (`discovery`) add the pages no link leads to, once the link graph is exhausted; click
//! depths are settled from the link graph at the end, and visits sorted (`settle`).

mod cache;
mod clock;
mod config;
mod discovery;
mod frontier;
pub mod graph;
mod limits;
mod model;
mod retry;
mod settle;
mod worker;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::task::JoinSet;
use url::Url;

pub use cache::{Cache, CacheError};
pub use config::{
    seed_url, CrawlConfig, Settings, StatusRule, DEFAULT_MAX_LINKS_PER_PAGE,
    DEFAULT_MAX_MEMORY_MIB, DEFAULT_MAX_PAGES, DEFAULT_MAX_PATH_SEGMENTS,
    DEFAULT_MAX_QUERY_VARIANTS, DEFAULT_MAX_REPEATS, DEFAULT_MAX_URL_LENGTH, ROBOTS_AGENT,
};
pub use limits::{Cut, Ending, Limit};
pub use model::{Crawl, ErrorKind, Fragments, PageSummary, Progress, Role, Visit, VisitError};

use crate::fetch::Fetcher;
use crate::report::PageLinks;
use crate::url::{normalize, Site};
use discovery::Sitemaps;
use frontier::{Frontier, Start};
use graph::Links;
use limits::MemoryBudget;
use worker::{Done, Parsed};

/// Crawls the site of `seed` until done or until `stop` completes; calls `on_visit` as each
/// URL is done (for streaming output). What was found up to a stop is returned all the same;
/// an error from `on_visit` ends the crawl and is returned.
pub async fn crawl(
    seed: &Url,
    config: &CrawlConfig,
    fetcher: &Fetcher,
    stop: impl Future<Output = ()>,
    mut on_visit: impl FnMut(&Visit, Option<&PageLinks>, &Progress) -> std::io::Result<()>,
) -> std::io::Result<Crawl> {
    let started = Instant::now();
    let started_at = SystemTime::now();
    let seed = normalize(seed);
    let local = fetcher.config().local.as_deref();
    let mut state = State::new(&seed, config, fetcher.clone());
    state
        .frontier
        .enqueue(&mut state.links, seed.clone(), Some(0), None);
    if config.sitemaps {
        state.sitemaps.candidates_from(&seed, &[]);
    }
    let mut tasks: JoinSet<Done> = JoinSet::new();
    let mut stopped = None;
    let mut memory = MemoryBudget::new(config.max_memory_mib);
    // Wakes the loop to read the memory gauge while every task in flight is slow (pages
    // that stream without end).
    let mut gauge = tokio::time::interval(limits::GAUGE_EVERY);
    gauge.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tokio::pin!(stop);
    loop {
        if memory.exceeded() {
            state.stop_for_memory(memory.budget_mib(), tasks.len());
            stopped = Some(Ending::MemoryBudget);
            break;
        }
        let wake = state.start_ready(&mut tasks);
        state.report(tasks.len(), &mut on_visit)?;
        if tasks.is_empty() {
            if let Some(at) = wake {
                tokio::select! {
                    _ = tokio::time::sleep_until(at.into()) => continue,
                    _ = &mut stop => { stopped = Some(Ending::Interrupted); break; }
                }
            }
            if state.release_sitemap_pages() {
                continue;
            }
            break;
        }
        let sleep = tokio::time::sleep_until(wake.unwrap_or_else(far_future).into());
        tokio::select! {
            done = tasks.join_next() => {
                if let Some(Ok(done)) = done {
                    state.handle(done);
                }
            }
            _ = sleep, if wake.is_some() => {}
            _ = gauge.tick(), if memory.is_set() => {}
            _ = &mut stop => { stopped = Some(Ending::Interrupted); break; }
        }
    }
    tasks.abort_all();
    state.report(0, &mut on_visit)?;
    let ending = stopped.unwrap_or_else(|| state.start_ending(seed.as_str()));
    settle::settle_depths(&mut state.visits, &state.links, seed.as_str());
    settle::sort_visits(&mut state.visits, &mut state.fragments, &mut state.links);
    let mut cuts = std::mem::take(&mut state.frontier.cuts);
    if let Some((dropped, sitemap)) = state.sitemaps.dropped.take() {
        cuts.add(
            Limit::SitemapUrls,
            crate::sitemap::MAX_URLS as u64,
            dropped,
            &sitemap,
        );
    }
    Ok(Crawl {
        seed: seed.to_string(),
        visits: state.visits,
        links: state.links,
        fragments: state.fragments,
        sitemap_urls: state.sitemaps.pages.iter().map(Url::to_string).collect(),
        sitemap_errors: state.sitemaps.errors,
        robots_problems: state.robots_problems,
        landed_on: state.landed_on,
        ending,
        cuts: cuts.into_vec(),
        started: clock::rfc3339(started_at),
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        settings: Settings {
            root: local.map(|l| l.root().display().to_string()),
            base: local.map(|l| l.base().to_string()),
            ..config.settings()
        },
    })
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

/// A crawl under way: the frontier, what is done, and the link graph.
struct State {
    fetcher: Fetcher,
    /// The crawl's site, which pages are parsed on.
    site: Site,
    /// Where the start URL redirected to, when another origin (then the site).
    landed_on: Option<String>,
    /// What robots.txt files could not be kept whole, one line each.
    robots_problems: Vec<String>,
    retries: u32,
    /// Statuses taken for a block.
    accept: Vec<StatusRule>,
    /// External checks known to succeed.
    cache: Option<Arc<Cache>>,
    /// Links kept of one page, at most.
    max_links: Option<usize>,
    concurrency: usize,
    frontier: Frontier,
    sitemaps: Sitemaps,
    /// Whether to read the sitemaps robots.txt names.
    read_sitemaps: bool,
    /// Visits done, in order.
    visits: Vec<Visit>,
    /// Each done visit's fragment targets, by visit index.
    fragments: Vec<Fragments>,
    /// Visits done and not yet handed to the caller, with their page's links.
    fresh: Vec<(Visit, Option<Box<Parsed>>)>,
    links: Links,
}

impl State {
    fn new(seed: &Url, config: &CrawlConfig, fetcher: Fetcher) -> State {
        State {
            fetcher,
            site: Site::of(seed, config.scope),
            landed_on: None,
            robots_problems: Vec::new(),
            retries: config.retries,
            max_links: config.max_links_per_page,
            accept: config.accept.clone(),
            cache: config.cache.clone(),
            concurrency: config.concurrency.max(1),
            frontier: Frontier::new(seed, config),
            sitemaps: Sitemaps::default(),
            read_sitemaps: config.sitemaps,
            visits: Vec::new(),
            fragments: Vec::new(),
            fresh: Vec::new(),
            links: Links::default(),
        }
    }

    /// Starts the sitemaps queued and every job the frontier lets start now; returns when
    /// the next waiting job may.
    fn start_ready(&mut self, tasks: &mut JoinSet<Done>) -> Option<Instant> {
        for (url, guessed) in self.sitemaps.take_queued() {
            let host = self.frontier.claim(&url);
            tasks.spawn(discovery::fetch_sitemap(
                self.fetcher.clone(),
                url,
                guessed,
                host,
            ));
        }
        let mut starts = Vec::new();
        let mut disallowed = Vec::new();
        let room = self.concurrency.saturating_sub(tasks.len());
        let wake = self
            .frontier
            .ready(room, Instant::now(), &mut starts, &mut disallowed);
        for start in starts {
            match start {
                Start::Visit(job, host) => tasks.spawn(worker::visit(
                    self.fetcher.clone(),
                    job,
                    host,
                    self.site.clone(),
                    self.retries,
                    self.max_links,
                    self.cache.clone(),
                )),
                Start::Robots(url, host) => {
                    tasks.spawn(discovery::fetch_robots(self.fetcher.clone(), url, host))
                }
            };
        }
        self.fresh
            .extend(disallowed.into_iter().map(|visit| (visit, None)));
        wake
    }

    fn handle(&mut self, done: Done) {
        match done {
            Done::Visit {
                host,
                visit,
                parsed,
            } => {
                self.frontier.release(&host);
                self.note_visit(*visit, parsed);
            }
            Done::Retry { host, job, wait } => {
                self.frontier.release(&host);
                self.frontier.retry(&host, job, wait);
            }
            Done::Robots {
                host,
                robots,
                unreadable,
            } => {
                self.frontier.release(&host);
                self.robots_problems.extend(
                    robots
                        .problems()
                        .iter()
                        .map(|p| format!("{host}/robots.txt: {p}")),
                );
                if self.read_sitemaps {
                    if let Ok(origin) = Url::parse(&format!("{host}/")) {
                        self.sitemaps.candidates_from(&origin, robots.sitemaps());
                    }
                }
                self.frontier.robots_known(host, robots, unreadable);
            }
            Done::Sitemap { host, url, outcome } => {
                self.frontier.release(&host);
                self.sitemaps.read(&url, outcome);
            }
        }
    }

    /// Hands the visits done since the last call to `on_visit`, and keeps them.
    fn report(
        &mut self,
        in_flight: usize,
        on_visit: &mut impl FnMut(&Visit, Option<&PageLinks>, &Progress) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        for (visit, parsed) in self.fresh.drain(..) {
            let progress = Progress {
                done: self.visits.len() + 1,
                queued: self.frontier.len(),
                in_flight,
            };
            on_visit(&visit, parsed.as_ref().map(|p| &p.links), &progress)?;
            self.visits.push(visit);
            self.fragments
                .push(parsed.map(|p| p.fragments).unwrap_or_default());
        }
        Ok(())
    }

    fn note_visit(&mut self, mut visit: Visit, mut parsed: Option<Box<Parsed>>) {
        let accepting = !self.accept.is_empty() && visit.blocked.is_none();
        if let (true, Some(status)) = (accepting, visit.status) {
            let rule = Url::parse(&visit.url)
                .ok()
                .and_then(|url| StatusRule::find(&self.accept, &url, status));
            if let Some(rule) = rule {
                let hosts = rule.hosts.as_deref().unwrap_or("every host");
                visit.blocked = Some(format!("http status {status}, taken for a block ({hosts})"));
            }
        }
        if visit.depth == Some(0) && parsed.is_some() {
            self.land(visit.final_url.as_deref());
        }
        if let Some(final_url) = visit.final_url.as_deref() {
            // A redirect to a page already seen: its links are that page's, don't count them
            // twice.
            if visit.page.is_some() && !self.frontier.mark_seen(&mut self.links, final_url) {
                visit.page = None;
                parsed = None;
            }
        }
        if let Some(page) = &parsed {
            let index = u32::try_from(self.visits.len() + self.fresh.len())
                .expect("fewer than 4 billion visits");
            let frontier = &self.frontier;
            let targets = self
                .links
                .add_page(index, &page.links, !visit.nofollow, |url| {
                    frontier.considers(url)
                });
            let depth = visit.depth.map(|d| d + 1);
            for target in targets {
                self.frontier
                    .enqueue(&mut self.links, target, depth, Some(&visit.url));
            }
            // The page-level audits judge the pages a canonical or hreflang link names, which
            // no anchor may lead to.
            if let Some(seo) = visit
                .page
                .as_ref()
                .filter(|_| !visit.nofollow)
                .map(|p| &p.seo)
            {
                let named = seo
                    .canonical
                    .as_deref()
                    .into_iter()
                    .chain(seo.hreflang.iter().map(|a| &a.link));
                for url in named.filter_map(|l| l.url.as_deref()) {
                    if let Ok(url) = Url::parse(url) {
                        self.frontier
                            .enqueue(&mut self.links, url, depth, Some(&visit.url));
                    }
                }
            }
        }
        self.fresh.push((visit, parsed));
    }

    /// The start page was read at `final_url`: when that is another origin (the everyday
    /// `http://example.com/` to `https://www.example.com/`), the site is where it landed.
    fn land(&mut self, final_url: Option<&str>) {
        let Some(landed) = final_url.and_then(|u| Url::parse(u).ok()) else {
            return;
        };
        if self.site.contains(&landed) {
            return;
        }
        self.site = Site::of(&landed, self.site.scope());
        self.frontier.rebase(&landed);
        if self.read_sitemaps {
            self.sitemaps.candidates_from(&landed, &[]);
        }
        self.landed_on = Some(landed.to_string());
    }

    /// How a crawl that ran to its end went, judged by its start page.
    fn start_ending(&self, seed: &str) -> Ending {
        if let Some(skipped) = self.frontier.start_skipped {
            return skipped;
        }
        let Some(start) = self.visits.iter().find(|v| v.url == seed) else {
            return Ending::Complete;
        };
        if start.robots_disallowed && start.error.is_none() {
            Ending::StartDisallowed
        } else if start.is_broken() {
            Ending::StartBroken
        } else if start.page.is_none() {
            Ending::StartNotHtml
        } else {
            Ending::Complete
        }
    }

    /// The memory budget is spent: what is queued or in flight will not be visited.
    fn stop_for_memory(&mut self, budget_mib: u64, in_flight: usize) {
        let left = self.frontier.len() + in_flight;
        let example = self.frontier.next_url().unwrap_or_default();
        self.frontier
            .cuts
            .add(Limit::MaxMemory, budget_mib, left as u64, &example);
    }

    /// Once links lead nowhere new: the sitemap's pages no link led to. Returns whether any
    /// were queued.
    fn release_sitemap_pages(&mut self) -> bool {
        let Some(pages) = self.sitemaps.release() else {
            return false;
        };
        let pages: Vec<Url> = pages.iter().map(normalize).collect();
        let before = self.frontier.len();
        for page in pages {
            if self.site.contains(&page) {
                self.frontier.enqueue(&mut self.links, page, None, None);
            }
        }
        self.frontier.len() > before
    }
}
