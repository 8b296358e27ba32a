//! `href-counter crawl`: runs the library's crawl, shows progress, writes the report.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use hrefs::audit::Severity;
use hrefs::crawl::{self, CrawlConfig, Progress, Visit};
use hrefs::fetch::Fetcher;
use hrefs::report::{Link, PageLinks};
use hrefs::site_report::SiteReport;
use url::Url;

use crate::cli::{CrawlArgs, CrawlFormat, FailOn};
use crate::output::sanitize;
use crate::{fetch_config, EXIT_OK, EXIT_PAGE_FAILED};

/// Standard output for a report of possibly many MB. Rust's `Stdout` looks for line ends in
/// everything written through it (it is line-buffered), which costs more than writing the
/// report: on Unix the report goes through a buffered file on the same descriptor instead.
fn stdout() -> anyhow::Result<Box<dyn Write>> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .context("cannot write to standard output")?;
        Ok(Box::new(BufWriter::with_capacity(1 << 16, File::from(fd))))
    }
    #[cfg(not(unix))]
    Ok(Box::new(BufWriter::new(std::io::stdout().lock())))
}

/// The crawl was stopped by Ctrl-C (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;

pub(crate) fn run(args: &CrawlArgs) -> anyhow::Result<u8> {
    let seed = seed_url(&args.url)?;
    let interval = Duration::try_from_secs_f64(args.interval).with_context(|| {
        format!(
            "invalid --interval '{}': expected seconds, 0 or more",
            args.interval
        )
    })?;
    let config = CrawlConfig {
        scope: args.scope,
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        max_depth: args.max_depth,
        max_pages: args.max_pages,
        concurrency: usize::from(args.concurrency),
        per_host: usize::from(args.per_host),
        interval,
        robots: !args.ignore_robots,
        sitemaps: !args.no_sitemap,
        check_external: args.check_external,
        retries: args.retries,
    };
    let fetcher =
        Fetcher::new(fetch_config(&args.fetch)?).context("cannot set up the http client")?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => {
            Box::new(BufWriter::new(File::create(path).with_context(|| {
                format!("cannot write the report to '{}'", path.display())
            })?))
        }
        None => stdout()?,
    };
    // Pages are parsed on every core: a crawl is CPU-bound once the server answers fast.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;

    let mut progress = Meter::new(!args.quiet && std::io::stderr().is_terminal());
    let mut write_error = None;
    let crawl = runtime.block_on(async {
        let stop = async {
            // Without a signal handler (rare), the crawl simply runs to its end.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let on_visit = |visit: &Visit, page: Option<&PageLinks>, p: &Progress| {
            progress.update(visit, p);
            if args.format == CrawlFormat::Ndjson && write_error.is_none() {
                // Each URL as it is done, with its page's links: a pipe sees them at once.
                let links: Option<Vec<Link>> = page.map(|p| p.iter().map(Link::from).collect());
                let line = serde_json::json!({ "visit": visit, "links": links });
                if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
                    write_error = Some(e);
                }
            }
        };
        crawl::crawl(&seed, &config, &fetcher, stop, on_visit).await
    });
    progress.finish();
    if let Some(e) = write_error {
        return Err(e).context("cannot write the report");
    }
    let interrupted = crawl.interrupted;
    let seed_failed = crawl
        .visits
        .first()
        .is_some_and(|v| v.is_broken() || v.page.is_none());
    let seed_error = crawl.visits.first().and_then(|v| {
        v.error.clone().or_else(|| {
            v.status
                .filter(|s| *s >= 400)
                .map(|s| format!("{} answered http status {s}", v.url))
        })
    });
    let report = SiteReport::new(crawl);
    match args.format {
        CrawlFormat::Markdown => out.write_all(report.to_markdown().as_bytes()),
        CrawlFormat::Json => report
            .write_json(&mut out)
            .and_then(|()| out.write_all(b"\n")),
        CrawlFormat::Ndjson => {
            let tail = serde_json::json!({
                "summary": report.summary,
                "rating": { "score": report.rating.score, "grade": report.rating.grade },
                "audits": report.audits,
                "findings": report.findings,
            });
            writeln!(out, "{tail}")
        }
        CrawlFormat::Csv => report.write_csv(&mut out),
        CrawlFormat::Html => out.write_all(report.to_html().as_bytes()),
        CrawlFormat::Junit => {
            let fail_at = severity(args.fail_on.unwrap_or(FailOn::Error));
            out.write_all(report.to_junit(fail_at).as_bytes())
        }
    }
    .and_then(|()| out.flush())
    .context("cannot write the report")?;

    if let Some(error) = seed_error {
        eprintln!("href-counter: crawl start page: {}", sanitize(&error));
    }
    if interrupted {
        eprintln!("href-counter: interrupted: the report covers what was crawled");
        return Ok(EXIT_INTERRUPTED);
    }
    let gate = args
        .fail_on
        .is_some_and(|level| report.has_findings_at(severity(level)));
    Ok(if gate || seed_failed {
        EXIT_PAGE_FAILED
    } else {
        EXIT_OK
    })
}

fn seed_url(raw: &str) -> anyhow::Result<Url> {
    let url = Url::parse(raw.trim()).with_context(|| format!("invalid url '{raw}'"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        bail!("invalid url '{raw}': a crawl starts from an http:// or https:// URL");
    }
    Ok(url)
}

fn severity(level: FailOn) -> Severity {
    match level {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Notice => Severity::Notice,
    }
}

/// The progress line on a terminal, redrawn at most ten times a second.
struct Meter {
    enabled: bool,
    started: Instant,
    last: Option<Instant>,
    done: usize,
    pages: usize,
    broken: usize,
}

impl Meter {
    fn new(enabled: bool) -> Meter {
        Meter {
            enabled,
            started: Instant::now(),
            last: None,
            done: 0,
            pages: 0,
            broken: 0,
        }
    }

    fn update(&mut self, visit: &Visit, progress: &Progress) {
        self.done += 1;
        self.pages += usize::from(visit.page.is_some());
        self.broken += usize::from(visit.is_broken());
        if !self.enabled
            || self
                .last
                .is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(Instant::now());
        let rate = self.done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        eprint!(
            "\r\x1b[2Kcrawling: {} done ({} pages), {} queued, {} in flight, {} broken, {rate:.0}/s",
            self.done, self.pages, progress.queued, progress.in_flight, self.broken
        );
    }

    fn finish(&self) {
        if self.enabled && self.last.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}
