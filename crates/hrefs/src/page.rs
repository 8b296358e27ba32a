//! One page from start to finish: read it from the web, a file or standard input, stream it
//! through the extractor, count its links and build its report.

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use url::Url;

use crate::compat::{self, CompatCounts, Side};
use crate::extract::{Anchor, ExtractOptions, Extractor, PageFacts};
use crate::fetch::{FetchError, Fetcher, Response};
use crate::links::LinkCollector;
use crate::report::{self, Hop, Origin, PageLinks, PageReport};
use crate::url::Scope;
use crate::{Error, Result};

/// Bytes read at a time from files and standard input.
const READ_CHUNK: usize = 64 * 1024;

/// Past this many bytes of a page read [`Purpose::Alone`], the rest is extracted on a thread
/// of its own while the next chunks download, so that on a large page receiving and
/// extracting overlap. Below it (most pages), starting a thread would cost more than it saves.
const OVERLAP_AFTER: u64 = 1 << 20;

/// Chunks in flight between the download and the extraction thread: enough to ride out
/// uneven arrival, few enough to keep memory flat (chunks are at most a few hundred kB).
const OVERLAP_QUEUE: usize = 8;

/// Where a page comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// An `http://` or `https://` URL, exactly as the user typed it.
    Url(String),
    /// A local HTML file.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// Reads a command-line argument: `-` is standard input, anything with `://` a URL, the
    /// rest a file path.
    pub fn from_arg(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else if arg.contains("://") {
            Input::Url(arg.to_string())
        } else {
            Input::File(PathBuf::from(arg))
        }
    }

    /// The input as the user gave it.
    pub fn name(&self) -> String {
        match self {
            Input::Url(u) => u.clone(),
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }
}

/// How to analyze pages.
#[derive(Debug, Clone, Default)]
pub struct PageOptions {
    /// Collect every link with its text and position (for reports), not just the counts.
    pub links: bool,
    /// What counts as the same site in reports.
    pub scope: Scope,
    /// The URL local files and standard input are classified against.
    pub base: Option<String>,
    /// Links kept at most (with [`PageOptions::links`]); `None` for no limit. The links past
    /// it are counted, compat counts included, but not kept.
    pub max_links: Option<usize>,
}

/// Streams one page through extraction and counting.
struct Scan {
    extractor: Extractor,
    tally: Tally,
    first_bytes: Vec<u8>,
}

/// What is kept of each anchor as it is found: the compat counts, and for reports its links
/// resolved, with the verdict on each href (so that reports need not ask Go's parser again),
/// up to `max_links` links; past them, links are only counted.
struct Tally {
    counts: CompatCounts,
    links: LinkCollector,
    /// Whether links are wanted, or only the counts.
    keep_links: bool,
    /// The verdicts on the current anchor's hrefs.
    verdicts: Vec<Option<Side>>,
    page_host: Vec<u8>,
    max_links: usize,
    /// Links not kept because `max_links` were.
    dropped: u64,
}

impl Tally {
    fn add(&mut self, anchor: &Anchor, first_bytes: &[u8]) {
        self.verdicts.clear();
        for href in anchor.hrefs() {
            let side = compat::classify(&href, &self.page_host);
            self.counts.add(side);
            self.verdicts.push(side);
        }
        if !self.keep_links {
            return;
        }
        let links = &mut self.links;
        // Anchors are kept whole, and none after the first one dropped: the links kept are
        // the page's first ones, in order.
        if self.dropped == 0 && links.len() + self.verdicts.len() <= self.max_links {
            links.add(anchor, first_bytes, &self.verdicts);
        } else {
            self.dropped += self.verdicts.len() as u64;
        }
    }
}

impl Scan {
    /// A scan of the page at `base` (what its links resolve against without a `<base href>`),
    /// served with `content_type`; `crawled` for a crawl's page, whose fragment targets and
    /// SEO facts are noted too.
    fn new(
        page_host: Vec<u8>,
        options: &PageOptions,
        crawled: bool,
        base: &Url,
        content_type: Option<&str>,
    ) -> Scan {
        Scan {
            extractor: Extractor::new(ExtractOptions {
                anchor_details: options.links,
                fragment_targets: crawled,
                seo: crawled,
            }),
            tally: Tally {
                counts: CompatCounts::default(),
                links: LinkCollector::new(base, options.scope, content_type),
                keep_links: options.links,
                verdicts: Vec::new(),
                page_host,
                max_links: options.max_links.unwrap_or(usize::MAX),
                dropped: 0,
            },
            first_bytes: Vec::new(),
        }
    }

    fn write(&mut self, chunk: &[u8]) {
        if self.first_bytes.len() < 3 {
            let take = (3 - self.first_bytes.len()).min(chunk.len());
            self.first_bytes.extend_from_slice(&chunk[..take]);
        }
        let (tally, first_bytes) = (&mut self.tally, &self.first_bytes);
        self.extractor
            .write(chunk, &mut |a: &Anchor| tally.add(a, first_bytes));
    }

    /// The page as read so far when the body cap or the deadline stops a page that already
    /// dropped links for its cap (see `scan_body`); the error otherwise.
    fn ended_by(self, err: FetchError) -> Result<Scan> {
        let partial_anyway = self.tally.dropped > 0;
        match err {
            FetchError::TooLarge { .. } | FetchError::Timeout { .. } if partial_anyway => Ok(self),
            err => Err(err.into()),
        }
    }

    /// Ends the page: its compat counts, its links (none unless [`PageOptions::links`]) and
    /// the facts noticed on the way. `input` names the page in errors.
    fn finish(self, input: &str) -> Result<(CompatCounts, PageLinks, PageFacts)> {
        let Scan {
            extractor,
            mut tally,
            first_bytes,
        } = self;
        let facts: PageFacts = extractor.finish(&mut |a: &Anchor| tally.add(a, &first_bytes));
        let links = tally.links.finish(input, &first_bytes, &facts)?;
        Ok((tally.counts, links, facts))
    }
}

/// Analyzes one page. Web pages must answer 2xx with HTML; local pages are classified against
/// `options.base`, which is required as soon as they link to any host.
pub async fn analyze(
    input: &Input,
    fetcher: &Fetcher,
    options: &PageOptions,
) -> Result<PageReport> {
    match input {
        Input::Url(raw) => analyze_url(raw, fetcher, options).await,
        Input::File(path) => {
            let file = std::fs::File::open(path).map_err(|source| Error::Read {
                input: input.name(),
                source,
            })?;
            let fallback = std::fs::canonicalize(path)
                .ok()
                .and_then(|p| Url::from_file_path(p).ok());
            analyze_reader(input, file, fallback, options)
        }
        Input::Stdin => analyze_reader(input, std::io::stdin().lock(), None, options),
    }
}

/// The web URL to fetch, with the host the original tool compares links against.
pub(crate) fn parse_web_url(raw: &str) -> Result<(Url, Vec<u8>)> {
    let invalid = |reason: String| Error::InvalidUrl {
        input: raw.to_string(),
        reason,
    };
    // The compat host comes from Go's parser, as typed; fetching uses the WHATWG parse.
    let host = compat::page_host(raw).map_err(|e| invalid(e.to_string()))?;
    let url = Url::parse(raw).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme '{}' is not supported (use http or https)",
            url.scheme()
        )));
    }
    Ok((url, host))
}

async fn analyze_url(raw: &str, fetcher: &Fetcher, options: &PageOptions) -> Result<PageReport> {
    let started = Instant::now();
    let (url, page_host) = parse_web_url(raw)?;
    let response = fetcher.get(&url).await?;
    let final_url = response.url().clone();
    if !(200..300).contains(&response.status()) {
        return Err(Error::Status {
            url: final_url.to_string(),
            status: response.status(),
        });
    }
    if !response.is_html() {
        return Err(Error::NotHtml {
            url: final_url.to_string(),
            content_type: response.content_type().unwrap_or_default().to_string(),
        });
    }
    let page = read_html(response, raw, page_host, options, Purpose::Alone, started).await?;
    Ok(report::build(
        page.origin,
        page.counts,
        &page.facts,
        page.links,
        options.scope,
    ))
}

/// What a web page is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// On its own: a large page is extracted on a second thread while it downloads.
    Alone,
    /// As one page of a crawl: its fragment targets are kept (other pages' links may point at
    /// them), and it is extracted where it downloads. The crawl's other pages keep the cores
    /// busy, and overlapping held up to eight chunk copies per large page: on the
    /// python3.11-doc crawl, 3 MB more at the peak for no time gained.
    Crawl,
}

/// One HTML page read from the web.
pub(crate) struct HtmlPage {
    /// Where it came from.
    pub origin: Origin,
    /// Its compat counts.
    pub counts: CompatCounts,
    /// Its links (none unless [`PageOptions::links`]), at most [`PageOptions::max_links`].
    pub links: PageLinks,
    /// Links past [`PageOptions::max_links`]: counted, not kept.
    pub links_dropped: u64,
    /// What extraction noticed besides links.
    pub facts: PageFacts,
}

/// Streams an HTML response through extraction: the page's counts, links and the facts noticed
/// on the way. `raw` is the URL as requested and `page_host` its host as the original tool
/// compares links with.
pub(crate) async fn read_html(
    mut response: Response,
    raw: &str,
    page_host: Vec<u8>,
    options: &PageOptions,
    purpose: Purpose,
    started: Instant,
) -> Result<HtmlPage> {
    let final_url = response.url().clone();
    let scan = Scan::new(
        page_host,
        options,
        purpose == Purpose::Crawl,
        &final_url,
        response.content_type(),
    );
    let overlap_after = match purpose {
        Purpose::Alone => OVERLAP_AFTER,
        Purpose::Crawl => u64::MAX,
    };
    let scan = scan_body(&mut response, scan, overlap_after).await?;
    let links_dropped = scan.tally.dropped;
    let origin = Origin {
        input: raw.to_string(),
        url: Some(final_url.clone()),
        status: Some(response.status()),
        content_type: response.content_type().map(str::to_string),
        redirects: response
            .redirects()
            .iter()
            .map(|r| Hop {
                url: r.url.to_string(),
                status: r.status,
            })
            .collect(),
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    let (counts, links, facts) = scan.finish(raw)?;
    Ok(HtmlPage {
        origin,
        counts,
        links,
        links_dropped,
        facts,
    })
}

/// Streams the body of `response` through `scan`, on another thread past `overlap_after` bytes.
/// Once the scan has dropped links for its cap, the body cap or the deadline ends the page
/// rather than failing it: the page is partial already, and what was read past the cap was
/// read to count its links, not to keep them. A page that streams links without end then
/// ends as a truncated page, not an error.
async fn scan_body(response: &mut Response, mut scan: Scan, overlap_after: u64) -> Result<Scan> {
    let mut read = 0;
    while read < overlap_after {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(scan),
            Err(err) => return scan.ended_by(err),
        };
        read += chunk.len() as u64;
        scan.write(&chunk);
    }
    // Chunks are copied into buffers that go round between the two threads, and each
    // network chunk is dropped at once: the HTTP client can then reuse its read buffer
    // instead of allocating a fresh one per read (with musl's allocator, an mmap and a
    // hundred page faults each, more than the copy costs).
    let (chunks, mut queue) = tokio::sync::mpsc::channel::<Vec<u8>>(OVERLAP_QUEUE);
    let (spare, spares) = std::sync::mpsc::channel::<Vec<u8>>();
    let (give_back, scanned) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("extract".into())
        .spawn(move || {
            while let Some(chunk) = queue.blocking_recv() {
                scan.write(&chunk);
                let _ = spare.send(chunk);
            }
            // The receiver is only gone when the fetch failed: the scan is not needed then.
            let _ = give_back.send(scan);
        })
        .map_err(|source| Error::Read {
            input: response.url().to_string(),
            source,
        })?;
    let failed = loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break None,
            Err(err) => break Some(err),
        };
        let mut buffer = spares.try_recv().unwrap_or_default();
        buffer.clear();
        buffer.extend_from_slice(&chunk);
        drop(chunk);
        if chunks.send(buffer).await.is_err() {
            break None;
        }
    };
    drop(chunks);
    let scan = scanned
        .await
        .expect("the extraction thread hands its scan back unless it panicked");
    match failed {
        Some(err) => scan.ended_by(err),
        None => Ok(scan),
    }
}

fn analyze_reader(
    input: &Input,
    mut reader: impl Read,
    fallback_base: Option<Url>,
    options: &PageOptions,
) -> Result<PageReport> {
    let started = Instant::now();
    let (base, page_host) = match &options.base {
        Some(raw) => {
            let (url, host) = parse_web_url(raw)?;
            (Some(url), host)
        }
        None => (None, Vec::new()),
    };
    let base = base
        .or(fallback_base)
        .unwrap_or_else(|| Url::parse("file:///dev/stdin").expect("a valid constant url"));
    let mut scan = Scan::new(page_host, options, false, &base, None);
    let mut buf = vec![0; READ_CHUNK];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(Error::Read {
                    input: input.name(),
                    source,
                })
            }
        };
        scan.write(&buf[..n]);
    }
    let origin = Origin {
        input: input.name(),
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        ..Origin::default()
    };
    let (counts, links, facts) = scan.finish(&origin.input)?;
    let report = report::build(origin, counts, &facts, links, options.scope);
    // Without a page URL, "external" can only mean "has a host we can't compare": refuse to
    // guess rather than print a number that depends on where the file will be served.
    if options.base.is_none() && report.counts.external > 0 {
        return Err(Error::NeedsBase {
            input: input.name(),
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(html: &str, max_links: Option<usize>) -> (CompatCounts, PageLinks, u64) {
        let options = PageOptions {
            links: true,
            max_links,
            ..PageOptions::default()
        };
        let base = Url::parse("https://example.com/").unwrap();
        let mut scan = Scan::new(b"example.com".to_vec(), &options, true, &base, None);
        // Byte by byte: where the chunks end does not move the cap.
        for b in html.as_bytes() {
            scan.write(std::slice::from_ref(b));
        }
        let dropped = scan.tally.dropped;
        let (counts, links, _) = scan.finish("test").unwrap();
        (counts, links, dropped)
    }

    #[test]
    fn links_past_the_cap_are_counted_not_kept() {
        let html = r#"<a href="/1">1</a><a href="/2" href="https://other.example/">2</a>
            <a href="/3">3</a><a href="https://other.example/4">4</a>"#;
        let (counts, links, dropped) = scan(html, None);
        assert_eq!((links.len(), dropped), (5, 0));
        assert_eq!((counts.internal, counts.external), (3, 2));

        // The anchor whose second href would pass the cap is dropped whole, and so is every
        // anchor after it, though the next would fit: the kept links are the page's first.
        let (capped, links, dropped) = scan(html, Some(2));
        assert_eq!((links.len(), dropped), (1, 4));
        assert_eq!(links.iter().next().unwrap().href, "/1");
        assert_eq!(capped, counts, "the compat counts still count every link");
        assert_eq!(links.kinds.total(), 1, "kinds are the kept links'");

        let (_, links, dropped) = scan(html, Some(3));
        assert_eq!((links.len(), dropped), (3, 2));
        let (_, links, dropped) = scan(html, Some(0));
        assert_eq!((links.len(), dropped), (0, 5));
    }
}
