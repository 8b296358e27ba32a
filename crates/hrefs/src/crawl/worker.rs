//! One URL fetched or checked: the task the scheduler spawns, and what it hands back.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use url::Url;

use super::cache::Cache;
use super::config::MAX_WAIT;
use super::discovery::SitemapOutcome;
use super::model::{Fragments, PageSummary, Role, Visit, VisitError};
use super::retry::{is_transient, retry_after};
use crate::fetch::{FetchError, Fetcher, Response};
use crate::page::{self, HtmlPage, PageOptions, Purpose};
use crate::report::{Hop, PageLinks};
use crate::robots::Robots;
use crate::seo::PageSeo;
use crate::url::{normalize, Site};

/// A URL waiting in the frontier.
#[derive(Debug, Clone)]
pub(super) struct Job {
    pub(super) url: Url,
    pub(super) role: Role,
    pub(super) depth: Option<u32>,
    pub(super) found_on: Option<String>,
    pub(super) attempts: u32,
    pub(super) not_before: Option<Instant>,
}

impl Job {
    /// The visit record of this job, before any answer.
    pub(super) fn visit(&self) -> Visit {
        Visit {
            url: self.url.to_string(),
            role: self.role,
            depth: self.depth,
            found_on: self.found_on.clone(),
            status: None,
            error: None,
            blocked: None,
            cached: false,
            robots_disallowed: false,
            final_url: None,
            redirects: Vec::new(),
            content_type: None,
            attempts: self.attempts + 1,
            elapsed_ms: 0.0,
            noindex: false,
            nofollow: false,
            page: None,
        }
    }
}

/// A parsed page, as a finished visit carries it.
pub(super) struct Parsed {
    pub(super) links: PageLinks,
    pub(super) fragments: Fragments,
}

/// What a finished task hands back to the scheduler.
pub(super) enum Done {
    Visit {
        host: String,
        visit: Box<Visit>,
        parsed: Option<Box<Parsed>>,
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
        unreadable: Option<VisitError>,
    },
    Sitemap {
        host: String,
        url: Url,
        outcome: SitemapOutcome,
    },
}

/// Fetches or checks one URL.
pub(super) async fn visit(
    fetcher: Fetcher,
    job: Job,
    host: String,
    site: Site,
    retries: u32,
    max_links: Option<usize>,
    cache: Option<Arc<Cache>>,
) -> Done {
    let started = Instant::now();
    let mut visit = job.visit();
    if job.role == Role::Check && !site.contains(&job.url) {
        if let Some(status) = cache.as_ref().and_then(|c| c.get(visit.url.as_str())) {
            visit.status = Some(status);
            visit.cached = true;
            visit.attempts = 0;
            return Done::Visit {
                host,
                visit: Box::new(visit),
                parsed: None,
            };
        }
    }
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
            visit.error = Some(VisitError::from(&err));
            return Done::Visit {
                host,
                visit: Box::new(visit),
                parsed: None,
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
    visit.blocked = challenge(&response);
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
    let mut parsed = None;
    // The start page is read wherever it redirects to: http://example.com/ landing on
    // https://www.example.com/ makes that the site (see `State::note_visit`).
    let start = job.depth == Some(0);
    let on_site = start || site.contains(response.url());
    // A challenge's body is the challenge, not the page.
    let readable = (200..300).contains(&status) && visit.blocked.is_none();
    if job.role == Role::Page && readable && response.is_html() && on_site {
        let options = PageOptions {
            links: true,
            scope: site.scope(),
            base: None,
            max_links,
        };
        let landed = start.then(|| response.url().to_string());
        let raw = landed.as_deref().unwrap_or(job.url.as_str());
        let page_host = page::parse_web_url(raw).map(|(_, h)| h).unwrap_or_default();
        match page::read_html(response, raw, page_host, &options, Purpose::Crawl, started).await {
            Ok(page) => {
                let meta = page.facts.meta_robots.as_deref().unwrap_or("");
                visit.noindex =
                    has_directive(meta, "noindex") || has_directive(&header_robots, "noindex");
                visit.nofollow =
                    has_directive(meta, "nofollow") || has_directive(&header_robots, "nofollow");
                let summary = summary(&page);
                if summary.seo.title.as_ref().map(|t| &*t.text) == Some(CHALLENGE_TITLE) {
                    visit.blocked = Some(format!("bot challenge (title '{CHALLENGE_TITLE}')"));
                    return Done::Visit {
                        host,
                        visit: Box::new(visit),
                        parsed: None,
                    };
                }
                visit.page = Some(summary);
                parsed = Some(Box::new(Parsed {
                    fragments: Fragments::of(&page.facts.fragment_targets),
                    links: page.links,
                }));
            }
            Err(err) => visit.error = Some(VisitError::from(&err)),
        }
        visit.elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    }
    Done::Visit {
        host,
        visit: Box::new(visit),
        parsed,
    }
}

fn summary(page: &HtmlPage) -> PageSummary {
    let base = page
        .links
        .base
        .as_ref()
        .or(page.origin.url.as_ref())
        .expect("a page read from the web has its URL");
    PageSummary {
        counts: page.counts,
        links: page.links.len() as u64,
        links_dropped: page.links_dropped,
        kinds: page.links.kinds,
        base: page.links.base.as_ref().map(Url::to_string),
        charset: page.links.encoding.name().to_ascii_lowercase(),
        bytes: page.facts.bytes,
        seo: PageSeo::from_facts(&page.facts.seo, page.links.encoding, base),
    }
}

/// The title of Cloudflare's challenge page, whatever its status.
const CHALLENGE_TITLE: &str = "Just a moment...";

/// A bot challenge the response's headers name: Cloudflare's `cf-mitigated: challenge`, AWS
/// WAF's `x-amzn-waf-action: challenge` or `captcha`. The body is not needed, so a HEAD check
/// sees them too.
fn challenge(response: &Response) -> Option<String> {
    for (header, values) in [
        ("cf-mitigated", &["challenge"][..]),
        ("x-amzn-waf-action", &["challenge", "captcha"]),
    ] {
        if let Some(value) = response.header(header) {
            if values.iter().any(|v| value.trim().eq_ignore_ascii_case(v)) {
                return Some(format!("bot challenge ({header}: {})", value.trim()));
            }
        }
    }
    None
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

/// Whether a robots directive list (`noindex, nofollow`, maybe `googlebot: noindex`) has
/// `directive` (or `none`, which means both).
fn has_directive(list: &str, directive: &str) -> bool {
    list.split([',', ' ', ':'])
        .map(str::trim)
        .any(|d| d.eq_ignore_ascii_case(directive) || d.eq_ignore_ascii_case("none"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_directives() {
        assert!(has_directive("noindex, nofollow", "nofollow"));
        assert!(has_directive("NONE", "noindex"));
        assert!(has_directive("googlebot: noindex", "noindex"));
        assert!(!has_directive("index, follow", "nofollow"));
        assert!(!has_directive("", "noindex"));
    }
}
