//! Whole-site crawl: breadth-first from a seed URL, politely, checking every link it finds.
//!
//! One frontier queue (first in, first out, so pages come in order of click depth), a `seen`
//! set updated when a URL is enqueued (so nothing is fetched twice), and a bounded set of
//! fetches in flight: the crawl is over when the frontier is empty and nothing is in flight.
//! Pages of the site are fetched and, when HTML, parsed for their links; every other link
//! target is only checked for its status (external ones only when asked). Per host, at most
//! `per_host` requests run at once and their starts are spaced by `interval` (or robots.txt's
//! `crawl-delay` when longer); `429` and `503` answers are retried after their `Retry-After`.
//! Sitemaps (robots.txt's `sitemap:` lines and `/sitemap.xml`) add the pages no link leads to,
//! once the link graph is exhausted; click depths are settled from the link graph at the end.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::task::JoinSet;
use url::Url;

use crate::classify::{Scope, Site};
use crate::compat::CompatCounts;
use crate::fetch::{FetchError, Fetcher, Response};
use crate::links::{self, Links, Sym};
use crate::page::{self, HtmlPage, PageOptions, Purpose};
use crate::report::{Hop, KindCounts, PageLinks};
use crate::robots::{self, Robots};
use crate::sitemap::{self, Sitemap};

/// The product token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "href-counter";

/// Sitemap files fetched at most, indexes included: a runaway index cannot stall the crawl.
const MAX_SITEMAPS: usize = 100;

/// Longest wait a `Retry-After` or a robots.txt `crawl-delay` may impose; longer asks are
/// treated as this, so that one line of a server's cannot stall a crawl for days.
const MAX_WAIT: Duration = Duration::from_secs(60);

/// Frontier entries looked at for one whose host may start now: when the head's host is busy,
/// a job for another host further back can go first, without scanning a huge queue each time.
const SCAN_AHEAD: usize = 64;

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
    /// Pages parsed at most; further links are only checked.
    pub max_pages: Option<usize>,
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
}

impl Default for CrawlConfig {
    fn default() -> CrawlConfig {
        CrawlConfig {
            scope: Scope::Host,
            include: Vec::new(),
            exclude: Vec::new(),
            max_depth: None,
            max_pages: None,
            concurrency: 16,
            per_host: 8,
            interval: Duration::ZERO,
            robots: true,
            sitemaps: true,
            check_external: false,
            retries: 2,
        }
    }
}

/// What the crawl does with a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A page of the site: fetched, and parsed when it is HTML.
    Page,
    /// A link target whose status is checked: on another site, past the depth or page limit,
    /// or excluded.
    Check,
}

/// One URL the crawl fetched or checked, or was kept from.
#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    /// The URL, normalised, without fragment.
    pub url: String,
    /// Whether it was crawled or only checked.
    pub role: Role,
    /// Link hops from the seed; `null` for pages only a sitemap leads to.
    pub depth: Option<u32>,
    /// The first page found linking here (none for the seed and sitemap pages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_on: Option<String>,
    /// The final HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Why there was no answer (network, TLS, timeout, too many redirects...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// robots.txt disallows this page: it was not fetched.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub robots_disallowed: bool,
    /// Where the redirects ended, when there were any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// Redirects followed, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Hop>,
    /// The `Content-Type` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Requests made for it (retries included).
    pub attempts: u32,
    /// Milliseconds of the last attempt.
    pub elapsed_ms: f64,
    /// `noindex` in `<meta name=robots>` or `X-Robots-Tag`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub noindex: bool,
    /// `nofollow` in `<meta name=robots>` or `X-Robots-Tag`: its links were not followed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nofollow: bool,
    /// What parsing the page found (its links themselves are in [`Crawl::links`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<PageSummary>,
}

/// A parsed page's facts and counts.
#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    /// The original tool's counts for the page.
    #[serde(flatten)]
    pub counts: CompatCounts,
    /// Links on the page (every `href` of every anchor).
    pub links: u64,
    /// Links per kind.
    pub kinds: KindCounts,
    /// The `<base href>`, when the page has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The encoding the page was read in.
    pub charset: String,
    /// Body bytes (decompressed).
    pub bytes: u64,
    /// The page's fragment targets (`id`s and `<a name>`s), hashed with
    /// [`links::fragment_hash`], for checking `#fragment` links.
    #[serde(skip)]
    pub fragments: foldhash::HashSet<u64>,
}

impl PageSummary {
    fn of(page: &HtmlPage) -> PageSummary {
        PageSummary {
            counts: page.counts,
            links: page.links.len() as u64,
            kinds: page.links.kinds,
            base: page.links.base.as_ref().map(Url::to_string),
            charset: page.links.encoding.name().to_ascii_lowercase(),
            bytes: page.facts.bytes,
            fragments: page
                .facts
                .fragment_targets
                .iter()
                .map(|f| links::fragment_hash(f))
                .collect(),
        }
    }

    /// Whether the page has `fragment` as an `id` or `<a name>`.
    pub fn has_fragment(&self, fragment: &str) -> bool {
        self.fragments.contains(&links::fragment_hash(fragment))
    }
}

impl Visit {
    fn new(job: &Job) -> Visit {
        Visit {
            url: job.url.to_string(),
            role: job.role,
            depth: job.depth,
            found_on: job.found_on.clone(),
            status: None,
            error: None,
            robots_disallowed: false,
            final_url: None,
            redirects: Vec::new(),
            content_type: None,
            attempts: job.attempts + 1,
            elapsed_ms: 0.0,
            noindex: false,
            nofollow: false,
            page: None,
        }
    }

    /// Whether the URL answered with an error status or not at all.
    pub fn is_broken(&self) -> bool {
        self.error.is_some() || self.status.is_some_and(|s| s >= 400)
    }
}

/// What a crawl found.
#[derive(Debug, Clone, Serialize)]
pub struct Crawl {
    /// The seed, normalised.
    pub seed: String,
    /// Every URL fetched, checked or kept out by robots.txt, in the order they completed.
    pub visits: Vec<Visit>,
    /// Every link of every parsed page.
    #[serde(skip)]
    pub links: Links,
    /// Page URLs listed in the site's sitemaps.
    pub sitemap_urls: Vec<String>,
    /// Sitemap files that could not be read, with why.
    pub sitemap_errors: Vec<String>,
    /// Whether the crawl was stopped before it was complete.
    pub interrupted: bool,
    /// Wall time in milliseconds.
    pub elapsed_ms: f64,
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

/// Crawls the site of `seed` until done or until `stop` completes; calls `on_visit` as each
/// URL is done (for streaming output). What was found up to a stop is returned all the same.
pub async fn crawl(
    seed: &Url,
    config: &CrawlConfig,
    fetcher: &Fetcher,
    stop: impl Future<Output = ()>,
    mut on_visit: impl FnMut(&Visit, Option<&PageLinks>, &Progress),
) -> Crawl {
    let started = Instant::now();
    let seed = normalize(seed);
    let mut state = State::new(&seed, config, fetcher.clone());
    state.enqueue(seed.clone(), Some(0), None, true);
    if config.sitemaps {
        state.sitemap_candidates_from(&seed, &[]);
    }
    let mut tasks: JoinSet<Done> = JoinSet::new();
    let mut interrupted = false;
    tokio::pin!(stop);
    loop {
        let wake = state.start_ready(&mut tasks, Instant::now());
        state.report(tasks.len(), &mut on_visit);
        if tasks.is_empty() {
            if let Some(at) = wake {
                tokio::select! {
                    _ = tokio::time::sleep_until(at.into()) => continue,
                    _ = &mut stop => { interrupted = true; break; }
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
            _ = &mut stop => { interrupted = true; break; }
        }
    }
    tasks.abort_all();
    state.report(0, &mut on_visit);
    settle_depths(&mut state.visits, &state.links, seed.as_str());
    Crawl {
        seed: seed.to_string(),
        visits: state.visits,
        links: state.links,
        sitemap_urls: state.sitemap_pages.into_iter().map(String::from).collect(),
        sitemap_errors: state.sitemap_errors,
        interrupted,
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Sets each visit's depth to the fewest clicks from the seed. Fetches run concurrently, so a
/// page can be found first from a deep page that happened to finish before a shallower one:
/// its depth at discovery can be too large. The link graph gives the true figure; visits it
/// does not reach (only in a sitemap, say) keep theirs.
fn settle_depths(visits: &mut [Visit], links: &Links, seed: &str) {
    let Some(start) = visits.iter().position(|v| v.url == seed) else {
        return;
    };
    let by_url: foldhash::HashMap<Sym, usize> = visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| links.find(&v.url).map(|sym| (sym, i)))
        .collect();
    let mut depths = vec![None; visits.len()];
    depths[start] = Some(0);
    let mut queue = VecDeque::from([start]);
    while let Some(page) = queue.pop_front() {
        let visit = &visits[page];
        if visit.page.is_none() || visit.nofollow {
            continue;
        }
        let next = depths[page].map(|d: u32| d + 1);
        for edge in links.page(page) {
            if let Some(&target) = by_url.get(&edge.target) {
                if depths[target].is_none() {
                    depths[target] = next;
                    queue.push_back(target);
                }
            }
        }
    }
    for (visit, depth) in visits.iter_mut().zip(depths) {
        if depth.is_some() {
            visit.depth = depth;
        }
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(3600)
}

/// A URL waiting in the frontier.
#[derive(Debug, Clone)]
struct Job {
    url: Url,
    role: Role,
    depth: Option<u32>,
    found_on: Option<String>,
    attempts: u32,
    not_before: Option<Instant>,
}

/// What a finished task hands back to the scheduler.
enum Done {
    Visit {
        host: String,
        visit: Box<Visit>,
        /// The parsed page's links.
        links: Option<Box<PageLinks>>,
    },
    Retry {
        host: String,
        job: Job,
        wait: Duration,
    },
    Robots {
        host: String,
        robots: Robots,
        /// Why robots.txt could not be read, when that is why everything is disallowed.
        unreadable: Option<String>,
    },
    Sitemap {
        host: String,
        url: Url,
        /// `Err(None)`: a guessed `/sitemap.xml` that does not exist, which is no error.
        result: Result<Sitemap, Option<String>>,
    },
}

#[derive(Default)]
struct Host {
    in_flight: usize,
    next_start: Option<Instant>,
    robots: RobotsState,
}

#[derive(Default)]
enum RobotsState {
    #[default]
    Unknown,
    Fetching,
    /// The rules, and why robots.txt was unreadable if it was (then everything is
    /// disallowed, and visits say why).
    Known(Robots, Option<String>),
}

struct State {
    config: CrawlConfig,
    fetcher: Fetcher,
    site: Bounds,
    frontier: VecDeque<Job>,
    /// Every URL enqueued or reached, as a string of [`Links`] (most are link targets there
    /// already).
    seen: foldhash::HashSet<Sym>,
    hosts: HashMap<String, Host>,
    pages_enqueued: usize,
    /// Visits done, in order.
    visits: Vec<Visit>,
    /// Visits done and not yet handed to the caller, with their page's links.
    fresh: Vec<(Visit, Option<Box<PageLinks>>)>,
    links: Links,
    sitemaps_requested: HashSet<String>,
    sitemap_queue: VecDeque<(Url, bool)>,
    sitemap_pages: Vec<Url>,
    sitemap_errors: Vec<String>,
    sitemaps_released: bool,
}

impl State {
    fn new(seed: &Url, config: &CrawlConfig, fetcher: Fetcher) -> State {
        State {
            config: config.clone(),
            fetcher,
            site: Bounds::of(seed, config.scope),
            frontier: VecDeque::new(),
            seen: Default::default(),
            hosts: HashMap::new(),
            pages_enqueued: 0,
            visits: Vec::new(),
            fresh: Vec::new(),
            links: Links::default(),
            sitemaps_requested: HashSet::new(),
            sitemap_queue: VecDeque::new(),
            sitemap_pages: Vec::new(),
            sitemap_errors: Vec::new(),
            sitemaps_released: false,
        }
    }

    /// Whether `url` is a page of the site the crawl may parse (scope and patterns; limits
    /// are applied by the caller).
    fn is_site_page(&self, url: &Url) -> bool {
        let text = url.as_str();
        self.site.contains(url)
            && (self.config.include.is_empty()
                || self.config.include.iter().any(|p| wildcard_match(p, text)))
            && !self.config.exclude.iter().any(|p| wildcard_match(p, text))
    }

    /// Queues `url` (normalised, no fragment) once. `follow` says the link may be crawled
    /// as a page, not only checked.
    fn enqueue(&mut self, url: Url, depth: Option<u32>, found_on: Option<&str>, follow: bool) {
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return;
        }
        let within_depth = match (depth, self.config.max_depth) {
            (Some(d), Some(max)) => d <= max,
            _ => true,
        };
        let within_pages = self
            .config
            .max_pages
            .is_none_or(|max| self.pages_enqueued < max);
        let role = if follow && self.is_site_page(&url) && within_depth && within_pages {
            Role::Page
        } else if self.site.contains(&url) || self.config.check_external {
            Role::Check
        } else {
            return;
        };
        if !self.seen.insert(self.links.intern(url.as_str())) {
            return;
        }
        if role == Role::Page {
            self.pages_enqueued += 1;
        }
        self.frontier.push_back(Job {
            url,
            role,
            depth,
            found_on: found_on.map(str::to_string),
            attempts: 0,
            not_before: None,
        });
    }

    /// Starts every job that may start now; returns when the next waiting one may.
    fn start_ready(&mut self, tasks: &mut JoinSet<Done>, now: Instant) -> Option<Instant> {
        let mut wake: Option<Instant> = None;
        let mut earliest = |at: Instant| wake = Some(wake.map_or(at, |w| w.min(at)));
        self.start_sitemaps(tasks);
        let mut index = 0;
        while index < self.frontier.len().min(SCAN_AHEAD)
            && tasks.len() < self.config.concurrency.max(1)
        {
            let job = &self.frontier[index];
            let key = host_key(&job.url);
            if let Some(at) = job.not_before.filter(|&at| at > now) {
                earliest(at);
                index += 1;
                continue;
            }
            let per_host = self.config.per_host.max(1);
            let needs_robots = job.role == Role::Page && self.config.robots;
            let host = self.hosts.entry(key.clone()).or_default();
            if needs_robots {
                match &host.robots {
                    RobotsState::Unknown => {
                        host.robots = RobotsState::Fetching;
                        host.in_flight += 1;
                        tasks.spawn(fetch_robots(self.fetcher.clone(), job.url.clone(), key));
                        index += 1;
                        continue;
                    }
                    RobotsState::Fetching => {
                        index += 1;
                        continue;
                    }
                    RobotsState::Known(robots, unreadable) if !robots.allowed(&job.url) => {
                        let mut visit = Visit::new(job);
                        visit.attempts = 0;
                        visit.robots_disallowed = true;
                        visit.error.clone_from(unreadable);
                        self.frontier.remove(index);
                        self.fresh.push((visit, None));
                        continue;
                    }
                    RobotsState::Known(..) => {}
                }
            }
            if host.in_flight >= per_host {
                index += 1;
                continue;
            }
            if let Some(at) = host.next_start.filter(|&at| at > now) {
                earliest(at);
                index += 1;
                continue;
            }
            let delay = match &host.robots {
                RobotsState::Known(robots, _) if needs_robots => {
                    robots.crawl_delay().map_or(self.config.interval, |d| {
                        d.min(MAX_WAIT).max(self.config.interval)
                    })
                }
                _ => self.config.interval,
            };
            host.in_flight += 1;
            host.next_start = (!delay.is_zero()).then(|| now + delay);
            let job = self.frontier.remove(index).expect("index is in range");
            tasks.spawn(visit(
                self.fetcher.clone(),
                job,
                key,
                self.site.clone(),
                self.config.retries,
            ));
        }
        wake
    }

    fn handle(&mut self, done: Done) {
        match done {
            Done::Visit { host, visit, links } => {
                self.release(&host);
                self.note_visit(*visit, links);
            }
            Done::Retry {
                host,
                mut job,
                wait,
            } => {
                self.release(&host);
                job.attempts += 1;
                job.not_before = Some(Instant::now() + wait);
                if let Some(h) = self.hosts.get_mut(&host) {
                    // The server asked this host's clients to slow down, not just this URL.
                    h.next_start = job.not_before;
                }
                self.frontier.push_front(job);
            }
            Done::Robots {
                host,
                robots,
                unreadable,
            } => {
                self.release(&host);
                if self.config.sitemaps {
                    let seed = Url::parse(&format!("{host}/")).ok();
                    if let Some(seed) = seed {
                        self.sitemap_candidates_from(&seed, robots.sitemaps());
                    }
                }
                self.hosts.entry(host).or_default().robots = RobotsState::Known(robots, unreadable);
            }
            Done::Sitemap { host, url, result } => {
                self.release(&host);
                match result {
                    Ok(map) if map.kind == sitemap::Kind::Index => {
                        for child in map.urls {
                            self.queue_sitemap(child, false);
                        }
                    }
                    Ok(map) => self.sitemap_pages.extend(map.urls),
                    Err(None) => {}
                    Err(Some(why)) => self.sitemap_errors.push(format!("{url}: {why}")),
                }
            }
        }
    }

    fn release(&mut self, host: &str) {
        if let Some(h) = self.hosts.get_mut(host) {
            h.in_flight = h.in_flight.saturating_sub(1);
        }
    }

    /// Hands the visits done since the last call to `on_visit`, and keeps them.
    fn report(
        &mut self,
        in_flight: usize,
        on_visit: &mut impl FnMut(&Visit, Option<&PageLinks>, &Progress),
    ) {
        for (visit, links) in self.fresh.drain(..) {
            let progress = Progress {
                done: self.visits.len() + 1,
                queued: self.frontier.len(),
                in_flight,
            };
            on_visit(&visit, links.as_deref(), &progress);
            self.visits.push(visit);
        }
    }

    fn note_visit(&mut self, mut visit: Visit, mut links: Option<Box<PageLinks>>) {
        if let Some(final_url) = visit.final_url.as_deref() {
            // A redirect to a page already seen: its links are that page's, don't count them
            // twice.
            if visit.page.is_some() && !self.seen.insert(self.links.intern(final_url)) {
                visit.page = None;
                links = None;
            }
        }
        if let Some(page_links) = &links {
            let index = u32::try_from(self.visits.len() + self.fresh.len())
                .expect("fewer than 4 billion visits");
            let targets = self.links.add_page(index, page_links, !visit.nofollow);
            let depth = visit.depth.map(|d| d + 1);
            let on = visit.url.clone();
            for target in targets {
                self.enqueue(target, depth, Some(&on), true);
            }
        }
        self.fresh.push((visit, links));
    }

    /// The sitemaps of the site of `origin`: those robots.txt names, else `/sitemap.xml`.
    fn sitemap_candidates_from(&mut self, origin: &Url, named: &[Url]) {
        if named.is_empty() {
            if let Ok(default) = origin.join("/sitemap.xml") {
                self.queue_sitemap(default, true);
            }
        }
        for url in named {
            self.queue_sitemap(url.clone(), false);
        }
    }

    /// Queues a sitemap once; `guessed` for `/sitemap.xml` tried without being named.
    fn queue_sitemap(&mut self, url: Url, guessed: bool) {
        if self.sitemaps_requested.len() < MAX_SITEMAPS
            && self.sitemaps_requested.insert(url.as_str().to_string())
        {
            self.sitemap_queue.push_back((url, guessed));
        }
    }

    fn start_sitemaps(&mut self, tasks: &mut JoinSet<Done>) {
        while let Some((url, guessed)) = self.sitemap_queue.pop_front() {
            let key = host_key(&url);
            self.hosts.entry(key.clone()).or_default().in_flight += 1;
            tasks.spawn(fetch_sitemap(self.fetcher.clone(), url, guessed, key));
        }
    }

    /// Once links lead nowhere new: the sitemap's pages no link led to. Returns whether any
    /// were queued.
    fn release_sitemap_pages(&mut self) -> bool {
        if self.sitemaps_released {
            return false;
        }
        self.sitemaps_released = true;
        let pages: Vec<Url> = self.sitemap_pages.iter().map(normalize).collect();
        let before = self.frontier.len();
        for page in pages {
            if self.site.contains(&page) {
                self.enqueue(page, None, None, true);
            }
        }
        self.frontier.len() > before
    }
}

/// What the crawl counts as the site: [`Site`] (the host or the registrable domain), and
/// under [`Scope::Host`] the port too, for another port is another server; `http` and
/// `https` on their default ports are the same site.
#[derive(Debug, Clone)]
struct Bounds {
    site: Site,
    scope: Scope,
    port: Option<u16>,
}

impl Bounds {
    fn of(seed: &Url, scope: Scope) -> Bounds {
        Bounds {
            site: Site::of(seed, scope),
            scope,
            port: seed.port(),
        }
    }

    fn contains(&self, url: &Url) -> bool {
        self.site.contains(url) && (self.scope == Scope::Domain || url.port() == self.port)
    }
}

/// The scheme, host and port of `url`, which per-host limits and robots.txt are kept by.
fn host_key(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Fetches or checks one URL.
async fn visit(fetcher: Fetcher, job: Job, host: String, site: Bounds, retries: u32) -> Done {
    let started = Instant::now();
    let mut visit = Visit::new(&job);
    let response = match job.role {
        Role::Page => fetcher.get(&job.url).await,
        Role::Check => check(&fetcher, &job.url).await,
    };
    visit.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let response = match response {
        Ok(response) => response,
        Err(err) => {
            if job.attempts < retries && is_transient(&err) {
                let wait = Duration::from_millis(500 << job.attempts.min(6));
                return Done::Retry { host, job, wait };
            }
            visit.error = Some(err.to_string());
            return Done::Visit {
                host,
                visit: Box::new(visit),
                links: None,
            };
        }
    };
    let status = response.status();
    if matches!(status, 429 | 503) && job.attempts < retries {
        let wait = response
            .header("retry-after")
            .and_then(|v| retry_after(v, SystemTime::now()))
            .unwrap_or(Duration::from_secs(1 << job.attempts.min(5)))
            .min(MAX_WAIT);
        return Done::Retry { host, job, wait };
    }
    visit.status = Some(status);
    visit.content_type = response.content_type().map(str::to_string);
    if !response.redirects().is_empty() {
        visit.final_url = Some(normalize(response.url()).to_string());
        visit.redirects = response
            .redirects()
            .iter()
            .map(|r| Hop {
                url: r.url.to_string(),
                status: r.status,
            })
            .collect();
    }
    let header_robots = response.header("x-robots-tag").unwrap_or("").to_string();
    let mut page_links = None;
    let on_site = site.contains(response.url());
    if job.role == Role::Page && (200..300).contains(&status) && response.is_html() && on_site {
        let options = PageOptions {
            links: true,
            scope: site.scope,
            base: None,
        };
        let raw = job.url.as_str();
        let page_host = page::parse_web_url(raw).map(|(_, h)| h).unwrap_or_default();
        match page::read_html(response, raw, page_host, &options, Purpose::Crawl, started).await {
            Ok(page) => {
                let meta = page.facts.meta_robots.as_deref().unwrap_or("");
                visit.noindex =
                    has_directive(meta, "noindex") || has_directive(&header_robots, "noindex");
                visit.nofollow =
                    has_directive(meta, "nofollow") || has_directive(&header_robots, "nofollow");
                visit.page = Some(PageSummary::of(&page));
                page_links = Some(Box::new(page.links));
            }
            Err(err) => visit.error = Some(err.to_string()),
        }
        visit.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    }
    Done::Visit {
        host,
        visit: Box::new(visit),
        links: page_links,
    }
}

/// HEAD, then GET where HEAD is refused or not implemented (some servers answer 405, 501 or
/// even 404/403 to HEAD alone). The body is never read.
async fn check(fetcher: &Fetcher, url: &Url) -> Result<Response, FetchError> {
    let head = fetcher.head(url).await?;
    if matches!(head.status(), 400 | 403 | 404 | 405 | 501) {
        fetcher.get(url).await
    } else {
        Ok(head)
    }
}

/// Errors worth another try: the network, not the URL.
fn is_transient(err: &FetchError) -> bool {
    matches!(
        err,
        FetchError::Refused { .. }
            | FetchError::Connect { .. }
            | FetchError::ConnectTimeout { .. }
            | FetchError::Timeout { .. }
            | FetchError::Request { .. }
            | FetchError::Body { .. }
    )
}

/// Whether a robots directive list (`noindex, nofollow`, maybe `googlebot: noindex`) has
/// `directive` (or `none`, which means both).
fn has_directive(list: &str, directive: &str) -> bool {
    list.split([',', ' ', ':'])
        .map(str::trim)
        .any(|d| d.eq_ignore_ascii_case(directive) || d.eq_ignore_ascii_case("none"))
}

async fn fetch_robots(fetcher: Fetcher, url: Url, host: String) -> Done {
    let robots_url = url.join("/robots.txt").expect("an http url takes a path");
    // Unreachable or failing: RFC 9309 says to assume everything is disallowed.
    let unreadable = |why: String| {
        let reason = format!("{robots_url} could not be read ({why}), so the site is not crawled");
        (Robots::disallow_all(), Some(reason))
    };
    let (robots, unreadable) = match fetcher.get(&robots_url).await {
        Ok(mut response) => {
            let status = response.status();
            // One byte past the limit lets the parser see that the last line was cut.
            match read_all(&mut response, robots::MAX_SIZE as u64 + 1).await {
                Ok(_) if status >= 500 || status == 429 => {
                    unreadable(format!("http status {status}"))
                }
                Ok(body) => (Robots::from_status(status, &body, ROBOTS_AGENT), None),
                Err(e) => unreadable(e.to_string()),
            }
        }
        Err(e) => unreadable(e.to_string()),
    };
    Done::Robots {
        host,
        robots,
        unreadable,
    }
}

async fn fetch_sitemap(fetcher: Fetcher, url: Url, guessed: bool, host: String) -> Done {
    let result = async {
        let mut response = fetcher.get(&url).await.map_err(|e| Some(e.to_string()))?;
        let status = response.status();
        if guessed && matches!(status, 404 | 410) {
            return Err(None);
        }
        if !(200..300).contains(&status) {
            return Err(Some(format!("http status {status}")));
        }
        let body = read_all(&mut response, sitemap::MAX_SIZE as u64 + 1)
            .await
            .map_err(|e| Some(e.to_string()))?;
        sitemap::parse(&body).map_err(|e| Some(e.to_string()))
    }
    .await;
    Done::Sitemap { host, url, result }
}

/// The whole body, or as much as `limit` allows (the rest is not read).
async fn read_all(response: &mut Response, limit: u64) -> Result<Vec<u8>, FetchError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = (limit as usize).saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() as u64 >= limit {
            break;
        }
    }
    Ok(body)
}

/// The wait a `Retry-After` value asks for: seconds, or an HTTP date (RFC 9110).
fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form servers must send.
fn http_date(value: &str) -> Option<SystemTime> {
    let rest = value.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as i64 + 1;
    let day: i64 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms[..] else {
        return None;
    };
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + h * 3600 + m * 60 + s;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).ok()?))
}

/// The form URLs are compared in: no fragment; scheme and host lower-cased, default port
/// and dot segments dropped (the `url` crate does those); percent-escapes of unreserved
/// characters decoded and the others upper-cased (RFC 3986, 6.2.2).
pub fn normalize(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    let path = normalize_escapes(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    if let Some(query) = url.query() {
        let normalized = normalize_escapes(query);
        if normalized != query {
            url.set_query(Some(&normalized));
        }
    }
    url
}

fn normalize_escapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        match escape_at(bytes, i) {
            Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') => {
                out.push(char::from(b));
                i += 3;
            }
            Some(b) => {
                out.push_str(&format!("%{b:02X}"));
                i += 3;
            }
            None => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&text[i..i + len]);
                i += len;
            }
        }
    }
    out
}

/// The octet a `%XX` escape at `raw[i]` stands for, if there is one there.
pub(crate) fn escape_at(raw: &[u8], i: usize) -> Option<u8> {
    let hex = |digit: u8| char::from(digit).to_digit(16);
    match raw.get(i..i + 3)? {
        [b'%', high, low] => u8::try_from(hex(*high)? << 4 | hex(*low)?).ok(),
        _ => None,
    }
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters (none too)
/// and everything else matches itself.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation() {
        let cases = [
            (
                "HTTP://Example.COM:80/a/./b/../c#frag",
                "http://example.com/a/c",
            ),
            (
                "https://example.com:443/%7euser/%2fx?q=%7e%3d",
                "https://example.com/~user/%2Fx?q=~%3D",
            ),
            ("https://example.com/a%zzb", "https://example.com/a%zzb"),
            ("https://example.com/a%+1b", "https://example.com/a%+1b"),
            (
                "https://example.com/ünï",
                "https://example.com/%C3%BCn%C3%AF",
            ),
            ("https://example.com", "https://example.com/"),
        ];
        for (input, want) in cases {
            assert_eq!(
                normalize(&Url::parse(input).unwrap()).as_str(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn wildcards() {
        let cases = [
            ("*", "anything", true),
            (
                "https://example.com/docs/*",
                "https://example.com/docs/a",
                true,
            ),
            (
                "https://example.com/docs/*",
                "https://example.com/blog/a",
                false,
            ),
            ("*.pdf", "https://example.com/a.pdf", true),
            ("*.pdf", "https://example.com/a.pdf?x", false),
            ("*/private/*", "https://example.com/x/private/y", true),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "acb", false),
            ("ab*ba", "aba", false),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(wildcard_match(pattern, text), want, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn retry_after_values() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after("Tue, 29 Feb 2000 00:00:00 GMT", UNIX_EPOCH),
            Some(Duration::from_secs(951_782_400))
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
        assert_eq!(retry_after("Sun, 06 Nov 1994 25:00:00 GMT", now), None);
    }

    #[test]
    fn robots_directives() {
        assert!(has_directive("noindex, nofollow", "nofollow"));
        assert!(has_directive("NONE", "noindex"));
        assert!(has_directive("googlebot: noindex", "noindex"));
        assert!(!has_directive("index, follow", "nofollow"));
        assert!(!has_directive("", "noindex"));
    }
}
