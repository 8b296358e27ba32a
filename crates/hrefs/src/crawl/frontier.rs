//! The frontier and its scheduler: which URLs the crawl takes on (once each), in what role,
//! and when each may start under the per-host limits, robots.txt and its crawl-delay.
//!
//! The queue is first in, first out, so pages come in order of click depth. A URL is marked
//! seen when it is queued, so nothing is fetched twice. Per host, at most `per_host` requests
//! run at once and their starts are spaced by `interval` (or robots.txt's `crawl-delay` when
//! longer).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use url::Url;

use super::config::{CrawlConfig, MAX_WAIT};
use super::discovery::{fetch_robots, fetch_sitemap};
use super::graph::{Links, Sym};
use super::model::{Role, Visit, VisitError};
use super::worker::{self, Done, Job};
use crate::fetch::Fetcher;
use crate::robots::Robots;
use crate::url::{wildcard_match, Site};

/// Frontier entries looked at for one whose host may start now: when the head's host is busy,
/// a job for another host further back can go first, without scanning a huge queue each time.
const SCAN_AHEAD: usize = 64;

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
    Known(Robots, Option<VisitError>),
}

/// The URLs waiting, the ones seen, and each host's state.
pub(super) struct Frontier {
    config: CrawlConfig,
    fetcher: Fetcher,
    site: Site,
    queue: VecDeque<Job>,
    /// Every URL enqueued or reached, as a string of [`Links`] (most are link targets there
    /// already).
    seen: foldhash::HashSet<Sym>,
    hosts: HashMap<String, Host>,
    pages_enqueued: usize,
}

impl Frontier {
    pub(super) fn new(seed: &Url, config: &CrawlConfig, fetcher: Fetcher) -> Frontier {
        Frontier {
            config: config.clone(),
            fetcher,
            site: Site::of(seed, config.scope),
            queue: VecDeque::new(),
            seen: Default::default(),
            hosts: HashMap::new(),
            pages_enqueued: 0,
        }
    }

    /// URLs waiting.
    pub(super) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether `url` is on the crawl's site.
    pub(super) fn on_site(&self, url: &Url) -> bool {
        self.site.contains(url)
    }

    /// Marks `url` seen; false when it was already.
    pub(super) fn mark_seen(&mut self, links: &mut Links, url: &str) -> bool {
        self.seen.insert(links.intern(url))
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

    /// Queues `url` (normalised, no fragment) once: as a page to crawl when it is one of the
    /// site's within the limits, else as a link to check, or not at all.
    pub(super) fn enqueue(
        &mut self,
        links: &mut Links,
        url: Url,
        depth: Option<u32>,
        found_on: Option<&str>,
    ) {
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
        let role = if self.is_site_page(&url) && within_depth && within_pages {
            Role::Page
        } else if self.site.contains(&url) || self.config.check_external {
            Role::Check
        } else {
            return;
        };
        if !self.mark_seen(links, url.as_str()) {
            return;
        }
        if role == Role::Page {
            self.pages_enqueued += 1;
        }
        self.queue.push_back(Job {
            url,
            role,
            depth,
            found_on: found_on.map(str::to_string),
            attempts: 0,
            not_before: None,
        });
    }

    /// Starts every job that may start now, and the sitemaps `sitemaps` yields; pages
    /// robots.txt disallows go to `disallowed` as visits. Returns when the next waiting job
    /// may start.
    pub(super) fn start_ready(
        &mut self,
        tasks: &mut JoinSet<Done>,
        sitemaps: impl Iterator<Item = (Url, bool)>,
        disallowed: &mut Vec<Visit>,
        now: Instant,
    ) -> Option<Instant> {
        for (url, guessed) in sitemaps {
            let key = host_key(&url);
            self.hosts.entry(key.clone()).or_default().in_flight += 1;
            tasks.spawn(fetch_sitemap(self.fetcher.clone(), url, guessed, key));
        }
        let mut wake: Option<Instant> = None;
        let mut earliest = |at: Instant| wake = Some(wake.map_or(at, |w| w.min(at)));
        let mut index = 0;
        while index < self.queue.len().min(SCAN_AHEAD)
            && tasks.len() < self.config.concurrency.max(1)
        {
            let job = &self.queue[index];
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
                        let mut visit = job.visit();
                        visit.attempts = 0;
                        visit.robots_disallowed = true;
                        visit.error.clone_from(unreadable);
                        self.queue.remove(index);
                        disallowed.push(visit);
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
            let job = self.queue.remove(index).expect("index is in range");
            tasks.spawn(worker::visit(
                self.fetcher.clone(),
                job,
                key,
                self.site.clone(),
                self.config.retries,
            ));
        }
        wake
    }

    /// A request to `host` is over.
    pub(super) fn release(&mut self, host: &str) {
        if let Some(h) = self.hosts.get_mut(host) {
            h.in_flight = h.in_flight.saturating_sub(1);
        }
    }

    /// Puts `job` back at the head of the queue, to start after `wait`.
    pub(super) fn retry(&mut self, host: &str, mut job: Job, wait: Duration) {
        job.attempts += 1;
        job.not_before = Some(Instant::now() + wait);
        if let Some(h) = self.hosts.get_mut(host) {
            // The server asked this host's clients to slow down, not just this URL.
            h.next_start = job.not_before;
        }
        self.queue.push_front(job);
    }

    /// The robots.txt rules of `host` are known.
    pub(super) fn robots_known(
        &mut self,
        host: String,
        robots: Robots,
        unreadable: Option<VisitError>,
    ) {
        self.hosts.entry(host).or_default().robots = RobotsState::Known(robots, unreadable);
    }
}

/// The scheme, host and port of `url`, which per-host limits and robots.txt are kept by.
fn host_key(url: &Url) -> String {
    url.origin().ascii_serialization()
}
