//! What a crawl learns about a site besides its pages: robots.txt, fetched once per host
//! before its first page, and the sitemaps, whose pages no link leads to are crawled last.

use std::collections::{HashSet, VecDeque};

use url::Url;

use super::config::ROBOTS_AGENT;
use super::model::{ErrorKind, VisitError};
use super::worker::Done;
use crate::fetch::{FetchError, Fetcher, Response};
use crate::robots::{self, Robots};
use crate::sitemap::{self, Sitemap};

/// Sitemap files fetched at most, indexes included: a runaway index cannot stall the crawl.
const MAX_SITEMAPS: usize = 100;

/// What fetching one sitemap came to.
pub(super) enum SitemapOutcome {
    /// Read: its pages, or the sitemaps it indexes.
    Read(Sitemap),
    /// A guessed `/sitemap.xml` that does not exist, which is no error.
    Absent,
    /// It could not be read, and why.
    Failed(String),
}

/// The sitemaps of a crawl: those asked for, those waiting to be fetched, and the pages they
/// list.
#[derive(Default)]
pub(super) struct Sitemaps {
    requested: HashSet<String>,
    queue: VecDeque<(Url, bool)>,
    pub(super) pages: Vec<Url>,
    /// One line per sitemap not read: its URL and why.
    pub(super) errors: Vec<String>,
    /// URLs past the limit of one sitemap file, all files together, and the first such file.
    pub(super) dropped: Option<(u64, String)>,
    /// Whether a sitemap was left out for [`MAX_SITEMAPS`]: said once, for the first.
    over_cap: bool,
    released: bool,
}

impl Sitemaps {
    /// The sitemaps of the site of `origin`: those robots.txt names, else `/sitemap.xml`.
    pub(super) fn candidates_from(&mut self, origin: &Url, named: &[Url]) {
        if named.is_empty() {
            if let Ok(default) = origin.join("/sitemap.xml") {
                self.queue(default, true);
            }
        }
        for url in named {
            self.queue(url.clone(), false);
        }
    }

    /// Queues a sitemap once; `guessed` for `/sitemap.xml` tried without being named.
    fn queue(&mut self, url: Url, guessed: bool) {
        if self.requested.contains(url.as_str()) {
            return;
        }
        if self.requested.len() == MAX_SITEMAPS {
            if !self.over_cap {
                self.over_cap = true;
                self.errors.push(format!(
                    "{url}: past the {MAX_SITEMAPS} sitemap files a crawl reads (later ones are \
                     not read either)"
                ));
            }
            return;
        }
        self.requested.insert(url.as_str().to_string());
        self.queue.push_back((url, guessed));
    }

    /// The sitemaps to fetch now.
    pub(super) fn take_queued(&mut self) -> impl Iterator<Item = (Url, bool)> + '_ {
        self.queue.drain(..)
    }

    /// Takes in a fetched sitemap: an index's sitemaps are queued, a sitemap's pages kept.
    pub(super) fn read(&mut self, url: &Url, outcome: SitemapOutcome) {
        let map = match outcome {
            SitemapOutcome::Read(map) => map,
            SitemapOutcome::Absent => return,
            SitemapOutcome::Failed(why) => {
                self.errors.push(format!("{url}: {why}"));
                return;
            }
        };
        if map.urls.is_empty() && map.skipped > 0 {
            // Whatever is not XML reads as a text sitemap, so a soft 404 in plain text, JSON or
            // an image comes back as lines that are not URLs rather than as an error.
            self.errors.push(format!(
                "{url}: not one of its entries is an absolute http(s) url (skipped: {})",
                map.skipped
            ));
            return;
        }
        match map.kind {
            // An index's entries past its cap are sitemaps, not pages, and far past the
            // MAX_SITEMAPS a crawl reads, which `queue` reports.
            sitemap::Kind::Index => {
                for child in map.urls {
                    self.queue(child, false);
                }
            }
            sitemap::Kind::Pages => {
                if map.dropped > 0 {
                    let (total, _) = self.dropped.get_or_insert_with(|| (0, url.to_string()));
                    *total += map.dropped;
                }
                self.pages.extend(map.urls);
            }
        }
    }

    /// The listed pages, once: the crawl takes them in when links lead nowhere new.
    pub(super) fn release(&mut self) -> Option<&[Url]> {
        if self.released {
            return None;
        }
        self.released = true;
        Some(&self.pages)
    }
}

/// Fetches the robots.txt of the host of `url`.
pub(super) async fn fetch_robots(fetcher: Fetcher, url: Url, host: String) -> Done {
    let robots_url = url.join("/robots.txt").expect("an http url takes a path");
    // Unreachable or failing: RFC 9309 says to assume everything is disallowed.
    let unreadable = |why: String| {
        let reason = format!("{robots_url} could not be read ({why}), so the site is not crawled");
        (
            Robots::disallow_all(),
            Some(VisitError::new(ErrorKind::RobotsUnreadable, reason)),
        )
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
        // A directory crawled from disk and served below the origin's root has no say over
        // the origin's robots.txt: as if there were none.
        Err(FetchError::OutsideRoot { .. }) => (Robots::from_status(404, b"", ROBOTS_AGENT), None),
        Err(e) => unreadable(e.to_string()),
    };
    Done::Robots {
        host,
        robots,
        unreadable,
    }
}

/// Fetches one sitemap; `guessed` when the site did not name it.
pub(super) async fn fetch_sitemap(fetcher: Fetcher, url: Url, guessed: bool, host: String) -> Done {
    let outcome = match fetcher.get(&url).await {
        Err(FetchError::OutsideRoot { .. }) if guessed => SitemapOutcome::Absent,
        Err(e) => SitemapOutcome::Failed(e.to_string()),
        Ok(mut response) => {
            let status = response.status();
            if guessed && matches!(status, 404 | 410) {
                SitemapOutcome::Absent
            } else if !(200..300).contains(&status) {
                SitemapOutcome::Failed(format!("http status {status}"))
            } else {
                match read_all(&mut response, sitemap::MAX_SIZE as u64 + 1).await {
                    Err(e) => SitemapOutcome::Failed(e.to_string()),
                    Ok(body) => match sitemap::parse(&body) {
                        Ok(map) => SitemapOutcome::Read(map),
                        Err(e) => SitemapOutcome::Failed(e.to_string()),
                    },
                }
            }
        }
    };
    Done::Sitemap { host, url, outcome }
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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::time::Duration;

    use flate2::write::GzEncoder;
    use flate2::Compression;
    use test_server::{Route, TestServer};

    use super::*;
    use crate::fetch::FetchConfig;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn read(kind: sitemap::Kind, urls: &[&str], dropped: u64) -> SitemapOutcome {
        SitemapOutcome::Read(Sitemap {
            kind,
            urls: urls.iter().map(|u| url(u)).collect(),
            skipped: 0,
            dropped,
        })
    }

    #[test]
    fn urls_dropped_are_summed_over_files_with_the_first_file_named() {
        let mut maps = Sitemaps::default();
        let page = sitemap::Kind::Pages;
        maps.read(&url("http://h/a.xml"), read(page, &["http://h/1"], 0));
        assert_eq!(maps.dropped, None);
        maps.read(&url("http://h/b.xml"), read(page, &["http://h/2"], 5));
        maps.read(&url("http://h/c.xml"), read(page, &[], 0));
        maps.read(&url("http://h/d.xml"), read(page, &["http://h/3"], 7));
        assert_eq!(maps.dropped, Some((12, "http://h/b.xml".to_string())));
        assert_eq!(maps.pages.len(), 3);
        // An index drops sitemaps, not pages.
        let index = sitemap::Kind::Index;
        maps.read(&url("http://h/i.xml"), read(index, &["http://h/e.xml"], 3));
        assert_eq!(maps.dropped, Some((12, "http://h/b.xml".to_string())));
    }

    #[test]
    fn sitemaps_past_the_cap_are_reported_once() {
        let mut maps = Sitemaps::default();
        maps.candidates_from(&url("http://h/"), &[]);
        let children: Vec<String> = (0..MAX_SITEMAPS + 50)
            .map(|i| format!("http://h/s{i}.xml"))
            .collect();
        let children: Vec<&str> = children.iter().map(String::as_str).collect();
        let index = sitemap::Kind::Index;
        maps.read(&url("http://h/sitemap.xml"), read(index, &children, 0));
        assert_eq!(maps.take_queued().count(), MAX_SITEMAPS);
        let first_left_out = MAX_SITEMAPS - 1;
        assert_eq!(
            maps.errors,
            [format!(
                "http://h/s{first_left_out}.xml: past the {MAX_SITEMAPS} sitemap files a crawl \
                 reads (later ones are not read either)"
            )]
        );
        // Known ones are no news; new ones are covered by the line already there.
        maps.read(&url("http://h/s0.xml"), read(index, &children, 0));
        maps.read(
            &url("http://h/s1.xml"),
            read(index, &["http://h/new.xml"], 0),
        );
        assert_eq!((maps.errors.len(), maps.take_queued().count()), (1, 0));
    }

    /// Fetches and takes in the sitemap at `url`, named by the site (not guessed).
    async fn fetch_and_read(maps: &mut Sitemaps, fetcher: &Fetcher, url: Url) {
        let done = fetch_sitemap(fetcher.clone(), url, false, "host".to_string()).await;
        let Done::Sitemap { url, outcome, .. } = done else {
            panic!("a sitemap fetch ends as a sitemap");
        };
        maps.read(&url, outcome);
    }

    #[tokio::test]
    async fn a_sitemap_not_read_is_one_line_naming_it_and_why() {
        let too_large = sitemap::MAX_SIZE + 1;
        let mut bomb = GzEncoder::new(Vec::new(), Compression::fast());
        bomb.write_all(&vec![b' '; too_large]).unwrap();
        let bomb = bomb.finish().unwrap();
        assert!(bomb.len() < too_large / 100);
        let server = TestServer::start(vec![
            ("/bomb.xml.gz", Route::status(200).body(bomb.clone())),
            (
                "/bomb-encoded.xml",
                Route::status(200)
                    .header("Content-Encoding", "gzip")
                    .body(bomb),
            ),
            (
                "/big.xml",
                Route::status(200).body_repeat(" ", too_large as u64),
            ),
            (
                "/stalled.xml",
                Route::status(200)
                    .body("<urlset><url><loc>http://h/</loc></url></urlset>")
                    .stall_after(9),
            ),
            (
                "/corrupt.xml.gz",
                Route::status(200).body(&b"\x1F\x8Bnot gzip"[..]),
            ),
            (
                "/no-root.xml",
                Route::status(200).body("<?xml version='1.0'?><!-- <urlset> -->"),
            ),
            (
                "/soft-404.xml",
                Route::html("<!DOCTYPE html><html><body>Page not found</body></html>"),
            ),
            (
                "/soft-404.txt",
                Route::status(200)
                    .content_type("text/plain")
                    .body("Page not found\n"),
            ),
            (
                "/wrong.json",
                Route::status(200)
                    .content_type("application/json")
                    .body("{\n  \"error\": \"no sitemap here\"\n}\n"),
            ),
            (
                "/image.png",
                Route::status(200).body(&b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR"[..]),
            ),
            (
                "/relative.xml",
                Route::status(200).body("<urlset><url><loc>/a.html</loc></url></urlset>"),
            ),
            ("/gone.xml", Route::status(410)),
        ]);
        let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
        // Only for the stalled sitemap: reading 50 MiB in a debug build takes longer.
        let impatient = Fetcher::new(FetchConfig {
            timeout: Duration::from_millis(500),
            ..FetchConfig::default()
        })
        .unwrap();
        let no_url = "not one of its entries is an absolute http(s) url";
        let cases = [
            ("/bomb.xml.gz", "sitemap is larger than 50 MiB"),
            ("/bomb-encoded.xml", "sitemap is larger than 50 MiB"),
            ("/big.xml", "sitemap is larger than 50 MiB"),
            ("/stalled.xml", "timed out after"),
            ("/corrupt.xml.gz", "sitemap is not valid gzip"),
            ("/no-root.xml", "sitemap xml has no root element"),
            ("/soft-404.xml", "root element is 'html', not 'urlset'"),
            ("/soft-404.txt", no_url),
            ("/wrong.json", no_url),
            ("/image.png", no_url),
            ("/relative.xml", "(skipped: 1)"),
            ("/gone.xml", "http status 410"),
        ];
        let mut maps = Sitemaps::default();
        for (i, (path, why)) in cases.into_iter().enumerate() {
            let file = server.url(path);
            let fetcher = if path == "/stalled.xml" {
                &impatient
            } else {
                &fetcher
            };
            fetch_and_read(&mut maps, fetcher, url(&file)).await;
            assert_eq!(maps.errors.len(), i + 1, "{path}: {:?}", maps.errors);
            let line = &maps.errors[i];
            assert!(line.starts_with(&format!("{file}: ")), "{line}");
            assert!(line.contains(why), "{path}: {line}");
            assert!(!line.contains('\n'), "{line}");
        }
        assert!(maps.pages.is_empty(), "{:?}", maps.pages);
    }
}
