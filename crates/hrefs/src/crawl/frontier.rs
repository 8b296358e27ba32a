//! The frontier and its scheduler: which URLs the crawl takes on (once each), in what role,
//! and when each may start under the per-host limits, robots.txt and its crawl-delay.
//!
//! The queue is first in, first out, so pages come in order of click depth. A URL is marked
//! seen when it is queued, so nothing is fetched twice. Per host, at most `per_host` requests
//! run at once and their starts are spaced by `interval` (or robots.txt's `crawl-delay` when
//! longer).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use url::Url;

use super::config::{CrawlConfig, MAX_WAIT};
use super::graph::{Links, Sym};
use super::limits::{Cuts, Ending, Limit, Traps};
use super::model::{Role, Visit, VisitError};
use super::worker::Job;
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

/// What the crawl is to start, by the frontier's leave.
#[derive(Debug)]
pub(super) enum Start {
    /// Fetch or check a URL; the string is its host's key.
    Visit(Job, String),
    /// Fetch the robots.txt of the host of this URL first.
    Robots(Url, String),
}

/// The URLs waiting, the ones seen, and each host's state: the crawl draws from it what may
/// start now, and tells it what ended.
pub(super) struct Frontier {
    config: CrawlConfig,
    site: Site,
    queue: VecDeque<Job>,
    /// Every URL enqueued or reached, as a string of [`Links`] (most are link targets there
    /// already).
    seen: foldhash::HashSet<Sym>,
    hosts: HashMap<String, Host>,
    pages_enqueued: usize,
    traps: Traps,
    /// What the limits kept from being crawled.
    pub(super) cuts: Cuts,
    /// Why the start URL was only checked, when it was (excluded, no page budget).
    pub(super) start_skipped: Option<Ending>,
}

impl Frontier {
    pub(super) fn new(seed: &Url, config: &CrawlConfig) -> Frontier {
        Frontier {
            config: config.clone(),
            site: Site::of(seed, config.scope),
            queue: VecDeque::new(),
            seen: Default::default(),
            hosts: HashMap::new(),
            pages_enqueued: 0,
            traps: Traps::new(config),
            cuts: Cuts::default(),
            start_skipped: None,
        }
    }

    /// The start URL redirected to another origin: that origin is the site from now on.
    pub(super) fn rebase(&mut self, landed: &Url) {
        self.site = Site::of(landed, self.config.scope);
    }

    /// URLs waiting.
    pub(super) fn len(&self) -> usize {
        self.queue.len()
    }

    /// The URL next in line, if any.
    pub(super) fn next_url(&self) -> Option<String> {
        self.queue.front().map(|job| job.url.to_string())
    }

    /// Marks `url` seen; false when it was already.
    pub(super) fn mark_seen(&mut self, links: &mut Links, url: &str) -> bool {
        self.seen.insert(links.intern(url))
    }

    /// Whether the crawl takes `url` up at all: an http(s) URL with a host, of the site or
    /// checked as a link to another site.
    pub(super) fn considers(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some()
            && (self.config.check_external || self.site.contains(url))
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
        if !self.considers(&url) {
            return;
        }
        let on_site = self.site.contains(&url);
        if !self.mark_seen(links, url.as_str()) {
            return;
        }
        let role = if on_site {
            match self.site_role(&url, depth) {
                Some(role) => role,
                None => return,
            }
        } else {
            Role::Check
        };
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

    /// The role of `url`, a URL of the site new to the crawl: a page, or only a link to check
    /// when the patterns leave it out or a limit cuts it (the cut is recorded). `None` for a
    /// page only a sitemap lists (`depth` `None`) that a limit cuts: no link leads there, so
    /// it is only counted. The start URL (depth 0) is never taken for a trap.
    fn site_role(&mut self, url: &Url, depth: Option<u32>) -> Option<Role> {
        let start = depth == Some(0);
        let text = url.as_str();
        let included = self.config.include.is_empty()
            || self.config.include.iter().any(|p| wildcard_match(p, text));
        if !included || self.config.exclude.iter().any(|p| wildcard_match(p, text)) {
            if start {
                self.start_skipped = Some(Ending::StartExcluded);
            }
            return Some(Role::Check);
        }
        let past_depth = depth
            .zip(self.config.max_depth)
            .filter(|&(d, max)| d > max)
            .map(|(_, max)| (Limit::MaxDepth, max as usize));
        let cut = if past_depth.is_some() {
            past_depth
        } else if let Some(trap) = (!start).then(|| self.traps.check(url)).flatten() {
            Some(trap)
        } else {
            let budget = self.config.max_pages;
            budget
                .filter(|&max| self.pages_enqueued >= max)
                .map(|max| (Limit::MaxPages, max))
        };
        let Some((limit, setting)) = cut else {
            return Some(Role::Page);
        };
        if start {
            self.start_skipped = Some(Ending::StartNoBudget);
        }
        self.cuts.add(limit, setting as u64, 1, text);
        depth.map(|_| Role::Check)
    }

    /// Takes the jobs that may start now into `out`, at most `room` of them, marking each
    /// host's request in flight; pages robots.txt disallows go to `disallowed` as visits.
    /// Returns when the next waiting job may start.
    pub(super) fn ready(
        &mut self,
        room: usize,
        now: Instant,
        out: &mut Vec<Start>,
        disallowed: &mut Vec<Visit>,
    ) -> Option<Instant> {
        let mut wake: Option<Instant> = None;
        let mut earliest = |at: Instant| wake = Some(wake.map_or(at, |w| w.min(at)));
        let limit = out.len() + room;
        let mut index = 0;
        while index < self.queue.len().min(SCAN_AHEAD) && out.len() < limit {
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
                        out.push(Start::Robots(job.url.clone(), key));
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
            out.push(Start::Visit(job, key));
        }
        wake
    }

    /// A request to the host of `url` starts outside the queue (a sitemap); returns the key
    /// to [`Frontier::release`] it by.
    pub(super) fn claim(&mut self, url: &Url) -> String {
        let key = host_key(url);
        self.hosts.entry(key.clone()).or_default().in_flight += 1;
        key
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

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn frontier(config: CrawlConfig) -> (Frontier, Links) {
        (
            Frontier::new(&url("http://example.com/"), &config),
            Links::default(),
        )
    }

    fn no_robots() -> CrawlConfig {
        CrawlConfig {
            robots: false,
            ..CrawlConfig::default()
        }
    }

    /// What `ready` lets start, as (kind, url) pairs.
    fn draw(f: &mut Frontier, room: usize, now: Instant) -> (Vec<String>, Vec<Visit>) {
        let (mut out, mut disallowed) = (Vec::new(), Vec::new());
        f.ready(room, now, &mut out, &mut disallowed);
        let started = out
            .iter()
            .map(|s| match s {
                Start::Visit(job, _) => format!("{:?} {}", job.role, job.url),
                Start::Robots(url, _) => format!("robots {url}"),
            })
            .collect();
        (started, disallowed)
    }

    #[test]
    fn each_url_is_queued_once_in_the_role_the_limits_give_it() {
        let (mut f, mut links) = frontier(CrawlConfig {
            max_depth: Some(1),
            max_pages: Some(2),
            exclude: vec!["*/skip*".into()],
            ..no_robots()
        });
        f.enqueue(&mut links, url("http://example.com/"), Some(0), None);
        f.enqueue(&mut links, url("http://example.com/"), Some(0), None);
        f.enqueue(&mut links, url("http://example.com/deep"), Some(2), None);
        f.enqueue(&mut links, url("http://example.com/skip"), Some(1), None);
        f.enqueue(&mut links, url("http://example.com/a"), Some(1), None);
        f.enqueue(&mut links, url("http://example.com/b"), Some(1), None);
        f.enqueue(&mut links, url("http://example.com:8080/"), Some(1), None);
        f.enqueue(&mut links, url("http://other.example/"), Some(1), None);
        f.enqueue(&mut links, url("mailto:a@example.com"), Some(1), None);
        let (started, _) = draw(&mut f, 100, Instant::now());
        assert_eq!(
            started,
            [
                "Page http://example.com/",
                "Check http://example.com/deep",
                "Check http://example.com/skip",
                "Page http://example.com/a",
                "Check http://example.com/b",
            ]
        );
        assert_eq!(f.len(), 0);
    }

    #[test]
    fn other_sites_are_checked_only_when_asked() {
        let (mut f, mut links) = frontier(CrawlConfig {
            check_external: true,
            ..no_robots()
        });
        f.enqueue(&mut links, url("http://other.example/"), Some(1), None);
        f.enqueue(&mut links, url("http://example.com:8080/"), Some(1), None);
        let (started, _) = draw(&mut f, 100, Instant::now());
        assert_eq!(
            started,
            [
                "Check http://other.example/",
                "Check http://example.com:8080/"
            ]
        );
    }

    #[test]
    fn per_host_limits_and_room_hold_jobs_back() {
        let (mut f, mut links) = frontier(CrawlConfig {
            per_host: 2,
            ..no_robots()
        });
        for path in ["a", "b", "c"] {
            let page = url(&format!("http://example.com/{path}"));
            f.enqueue(&mut links, page, Some(1), None);
        }
        let now = Instant::now();
        assert_eq!(draw(&mut f, 1, now).0, ["Page http://example.com/a"]);
        assert_eq!(draw(&mut f, 5, now).0, ["Page http://example.com/b"]);
        assert!(
            draw(&mut f, 5, now).0.is_empty(),
            "two in flight on the host"
        );
        f.release("http://example.com");
        assert_eq!(draw(&mut f, 5, now).0, ["Page http://example.com/c"]);
    }

    #[test]
    fn the_interval_spaces_starts_on_a_host() {
        let (mut f, mut links) = frontier(CrawlConfig {
            interval: Duration::from_secs(2),
            ..no_robots()
        });
        f.enqueue(&mut links, url("http://example.com/a"), Some(1), None);
        f.enqueue(&mut links, url("http://example.com/b"), Some(1), None);
        let now = Instant::now();
        let (mut out, mut disallowed) = (Vec::new(), Vec::new());
        let wake = f.ready(5, now, &mut out, &mut disallowed);
        assert_eq!((wake, out.len()), (Some(now + Duration::from_secs(2)), 1));
        f.release("http://example.com");
        assert!(draw(&mut f, 5, now + Duration::from_secs(1)).0.is_empty());
        assert_eq!(
            draw(&mut f, 5, now + Duration::from_secs(2)).0,
            ["Page http://example.com/b"]
        );
    }

    #[test]
    fn robots_txt_comes_first_and_keeps_disallowed_pages_out() {
        let (mut f, mut links) = frontier(CrawlConfig::default());
        f.enqueue(&mut links, url("http://example.com/"), Some(0), None);
        f.enqueue(
            &mut links,
            url("http://example.com/private/x"),
            Some(1),
            None,
        );
        let now = Instant::now();
        let (started, _) = draw(&mut f, 5, now);
        assert_eq!(started, ["robots http://example.com/"]);
        assert!(
            draw(&mut f, 5, now).0.is_empty(),
            "robots.txt is still coming"
        );
        f.release("http://example.com");
        let robots = Robots::from_status(200, b"User-agent: *\nDisallow: /private/\n", "x");
        f.robots_known("http://example.com".into(), robots, None);
        let (started, disallowed) = draw(&mut f, 5, now);
        assert_eq!(started, ["Page http://example.com/"]);
        assert_eq!(disallowed.len(), 1);
        assert!(disallowed[0].robots_disallowed);
        assert_eq!(disallowed[0].url, "http://example.com/private/x");
        assert_eq!(disallowed[0].attempts, 0);
    }

    #[test]
    fn a_retry_goes_first_after_its_wait_and_slows_its_host() {
        let (mut f, mut links) = frontier(no_robots());
        f.enqueue(&mut links, url("http://example.com/a"), Some(1), None);
        f.enqueue(&mut links, url("http://example.com/b"), Some(1), None);
        let (mut out, mut disallowed) = (Vec::new(), Vec::new());
        f.ready(1, Instant::now(), &mut out, &mut disallowed);
        let Some(Start::Visit(job, host)) = out.pop() else {
            panic!("a visit starts")
        };
        f.release(&host);
        f.retry(&host, job, Duration::from_secs(5));
        let now = Instant::now();
        let wake = f.ready(5, now, &mut out, &mut disallowed);
        assert!(out.is_empty(), "the host was asked to wait: {out:?}");
        assert!(wake.is_some_and(|at| at > now + Duration::from_secs(4)));
        let later = now + Duration::from_secs(6);
        assert_eq!(
            draw(&mut f, 5, later).0,
            ["Page http://example.com/a", "Page http://example.com/b"]
        );
    }
}
