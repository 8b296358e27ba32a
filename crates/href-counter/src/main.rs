//! `href-counter`: count the links of web pages, exactly as the original Go tool did, or report
//! them in detail, or crawl and audit a whole site. A thin shell over the `hrefs` library:
//! [`cli`] parses the arguments, [`config`] checks them into a job, and this file runs it
//! with the library, writes to a sink of the library's, and turns the outcome into an exit
//! code.

mod cli;
mod config;
mod config_file;
mod stop;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use hrefs::crawl::{Cache, Ending};
use hrefs::fetch::Fetcher;
use hrefs::portfolio::{self, Portfolio};
use hrefs::render::{self, sanitize, Meter, PortfolioFormat};
use hrefs::sink::{self, CrawlSink};
use hrefs::url::Site;

use cli::Cli;
use config::Job;

// mimalloc instead of the C library's allocator: a crawl allocates on every thread and frees
// on others, which musl's allocator (the static build the image ships) handles badly.
// bench/README.md has the measurements behind this and the purge delays below.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc v2's `mimalloc.h`; the bindings lack it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds mimalloc waits before giving freed memory back, reading pages one by one: at
/// once, so that memory stays flat on a page of any size.
const PAGE_PURGE_DELAY: i64 = 0;

/// The same for a crawl, which frees and allocates again page after page on every thread:
/// giving memory back at once only to fault it in again costs time.
const CRAWL_PURGE_DELAY: i64 = 1;

/// Sets mimalloc's purge delay to `ms`.
fn set_purge_delay(ms: i64) {
    // SAFETY: this stores a number in mimalloc's option table, which it reads at each purge
    // decision; no memory is touched. It is called before any other thread starts.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, ms as _);
    }
}

/// Every page was read; the crawl completed and no finding reached --fail-on.
const EXIT_OK: u8 = 0;
/// A page could not be read, or a crawl's finding reached --fail-on (the gate failed).
const EXIT_FAILED: u8 = 1;
/// Bad usage or configuration: nothing was attempted, or the input can never work as given.
const EXIT_USAGE: u8 = 2;
/// The crawl stopped at its memory budget (--max-memory); the report covers what was crawled.
const EXIT_STOPPED: u8 = 3;
/// The crawl failed: its start page could not be crawled (unreadable, not HTML, disallowed,
/// excluded, no page budget). Its report says so and rates nothing.
const EXIT_CRAWL_FAILED: u8 = 4;
/// Ctrl-C was pressed during a crawl (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: u8 = 130;

fn main() -> ExitCode {
    set_purge_delay(PAGE_PURGE_DELAY);
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(EXIT_OK),
        Err(err) => {
            eprintln!("href-counter: {}", sanitize(&format!("{err:#}")));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run() -> anyhow::Result<u8> {
    let (argv, file) = config_file::apply(std::env::args_os().collect())?;
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version: their text is the output.
            err.print()?;
            return Ok(EXIT_OK);
        }
        Err(err) => anyhow::bail!("{}", config::usage_error(&err)),
    };
    match config::job(&cli, file)? {
        Job::Pages(job) => pages(*job),
        Job::Crawl(job) => {
            set_purge_delay(CRAWL_PURGE_DELAY);
            crawl(*job)
        }
        Job::Merge(job) => merge(job),
        Job::Portfolio(job) => {
            set_purge_delay(CRAWL_PURGE_DELAY);
            portfolio(*job)
        }
    }
}

fn pages(job: config::Pages) -> anyhow::Result<u8> {
    let fetcher = Fetcher::new(job.fetch).context("cannot set up the http client")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut out = render::page_sink(job.format, job.inputs.len() > 1, std::io::stdout().lock());
    let mut code = EXIT_OK;
    for input in &job.inputs {
        let result = runtime.block_on(hrefs::analyze(input, &fetcher, &job.options));
        if let Err(err) = &result {
            eprintln!("href-counter: {}", sanitize(&err.to_string()));
            code = code.max(match err {
                hrefs::Error::InvalidUrl { .. } | hrefs::Error::NeedsBase { .. } => EXIT_USAGE,
                _ => EXIT_FAILED,
            });
        }
        out.page(&input.name(), &result)?;
    }
    out.finish()?;
    Ok(code)
}

fn crawl(job: config::Crawl) -> anyhow::Result<u8> {
    let fetcher = Fetcher::new(job.fetch).context("cannot set up the http client")?;
    let out = output(job.output.as_deref(), "the report")?;
    // Pages are parsed on every core: a crawl is CPU-bound once the server answers fast.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let term = job.progress.then(std::io::stderr);
    let mut sink = Meter::new(render::crawl_sink(job.format, out), term);
    let (ctrl_c, stop) = stop::CtrlC::listen(&runtime, job.progress);
    let reader_watch = match job.output {
        // A file has no reader to lose.
        Some(_) => None,
        None => stop::exit_when_reader_gone(&runtime, job.progress),
    };
    let report = runtime
        .block_on(sink::crawl_into(
            &job.seed,
            &job.config,
            &fetcher,
            stop,
            &mut sink as &mut dyn CrawlSink,
        ))
        .context("cannot write the report")?;
    if let Some(watch) = reader_watch {
        watch.abort();
    }
    drop(sink);

    // What the crawl did not cover, one line each: how it ended first, then each limit that
    // tripped, sitemap and robots.txt trouble. Each names its URL and how to lift the limit.
    for (i, notice) in report.notices().iter().enumerate() {
        let ending = i == 0 && !report.summary.ending.is_complete();
        let label = if ending { "" } else { "warning: " };
        eprintln!("href-counter: {label}{}", sanitize(notice));
    }
    // Pressed once the crawl was over (during its audit or report), Ctrl-C leaves the report
    // whole, but the run was interrupted all the same.
    if ctrl_c.pressed() {
        return Ok(EXIT_INTERRUPTED);
    }
    let destination = match &job.output {
        Some(path) => path.display().to_string(),
        None => "standard output".to_string(),
    };
    // On a terminal, a last line to read when the report went elsewhere; a script reading
    // standard error gets only what went wrong, or, when it runs a gate, what it accepted.
    if let (Some(path), Some(cache)) = (&job.cache, &job.config.cache) {
        let mut cache = Cache::clone(cache);
        // The site is where the start URL landed, as the crawl took it.
        let start = report
            .summary
            .landed_on
            .as_deref()
            .unwrap_or(&report.summary.seed);
        if let Ok(start) = url::Url::parse(start) {
            cache.record(&report.visits, &Site::of(&start, job.config.scope));
        }
        if let Err(err) = cache.save(path) {
            eprintln!("href-counter: warning: {}", sanitize(&err.to_string()));
        }
    }
    let verdict = job.gate.judge(&report);
    if job.closing_line {
        eprintln!(
            "href-counter: {}",
            render::closing_line(&report, Some(&verdict), &destination)
        );
    }
    // A crawl that failed has said why already, and exits with its own code.
    if !report.summary.ending.is_start_problem() {
        for line in render::gate_lines(&verdict) {
            eprintln!("href-counter: {line}");
        }
    }
    let code = match report.summary.ending {
        Ending::Interrupted => EXIT_INTERRUPTED,
        Ending::MemoryBudget => EXIT_STOPPED,
        Ending::Complete if verdict.failed() => EXIT_FAILED,
        Ending::Complete => EXIT_OK,
        _ => EXIT_CRAWL_FAILED,
    };
    // The process ends here: freeing the report's many allocations one by one, and the
    // allocator then handing the freed memory back page by page, took 2-3% of a crawl of the
    // python docs; the system takes all of it back at once.
    std::mem::forget(report);
    Ok(code)
}

fn portfolio(job: config::PortfolioJob) -> anyhow::Result<u8> {
    let fetcher = Fetcher::new(job.fetch).context("cannot set up the http client")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (ctrl_c, stop) = stop::CtrlC::listen(&runtime, false);
    let (stopping, stopped) = tokio::sync::watch::channel(false);
    runtime.spawn(async move {
        stop.await;
        let _ = stopping.send(true);
    });
    let outcomes = runtime.block_on(portfolio::crawl_sites(
        job.sites,
        &job.config,
        &fetcher,
        &job.reports,
        job.in_flight,
        stopped,
    ));
    let portfolio = Portfolio::new(job.shard, outcomes);
    for site in portfolio.sites.iter().filter(|s| s.failure.is_some()) {
        let why = site.failure.as_deref().unwrap_or_default();
        eprintln!(
            "href-counter: {}",
            sanitize(&format!("{}: not rated: {why}", site.seed))
        );
    }
    // What `merge` reads: one file per shard, written whole or not at all.
    let name = match job.shard {
        Some(s) => format!("portfolio-{}-of-{}.json", s.index, s.count),
        None => "portfolio.json".to_string(),
    };
    let path = job.reports.dir.join(&name);
    let temp = job
        .reports
        .dir
        .join(format!(".{name}.{}.tmp", std::process::id()));
    let file = File::create(&temp).with_context(|| format!("cannot write '{}'", temp.display()))?;
    render::write_portfolio(&portfolio, PortfolioFormat::Json, BufWriter::new(file))
        .and_then(|()| std::fs::rename(&temp, &path))
        .with_context(|| format!("cannot write '{}'", path.display()))?;
    let out = output(job.output.as_deref(), "the portfolio")?;
    render::write_portfolio(&portfolio, job.summary, out).context("cannot write the portfolio")?;
    eprintln!(
        "href-counter: {} of {} listed sites crawled into {}",
        portfolio.sites.len(),
        job.listed,
        sanitize(&job.reports.dir.display().to_string())
    );
    Ok(if ctrl_c.pressed() {
        EXIT_INTERRUPTED
    } else if portfolio.sites.iter().any(|s| s.failure.is_some()) {
        EXIT_CRAWL_FAILED
    } else {
        EXIT_OK
    })
}

fn merge(job: config::MergeJob) -> anyhow::Result<u8> {
    let mut parts = Vec::new();
    for dir in &job.dirs {
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read the directory '{}'", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("portfolio") && n.ends_with(".json"))
            })
            .collect();
        files.sort();
        anyhow::ensure!(
            !files.is_empty(),
            "no portfolio.json or portfolio-I-of-N.json in '{}': is it a crawl --sites --output-dir?",
            dir.display()
        );
        for file in files {
            let text = std::fs::read(&file)
                .with_context(|| format!("cannot read '{}'", file.display()))?;
            let mut part: Portfolio = serde_json::from_slice(&text).with_context(|| {
                format!(
                    "'{}' is not a portfolio written by crawl --sites",
                    file.display()
                )
            })?;
            // Reports are named relative to their shard's directory; with several
            // directories, relative to the first's parent as given.
            if job.dirs.len() > 1 {
                for site in &mut part.sites {
                    if let Some(report) = &mut site.report {
                        *report = dir.join(&*report).display().to_string();
                    }
                }
            }
            parts.push(part);
        }
    }
    let merged = Portfolio::merge(parts).map_err(|e| anyhow::anyhow!("cannot merge: {e}"))?;
    let out = output(job.output.as_deref(), "the portfolio")?;
    render::write_portfolio(&merged, job.format, out).context("cannot write the portfolio")?;
    Ok(EXIT_OK)
}

/// Where `what` goes: the file given (`-o`), else standard output.
fn output(path: Option<&std::path::Path>, what: &str) -> anyhow::Result<Box<dyn Write>> {
    match path {
        Some(path) => Ok(Box::new(BufWriter::new(File::create(path).with_context(
            || format!("cannot write {what} to '{}'", path.display()),
        )?))),
        None => stdout(),
    }
}

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

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option set is the purge delay: its default is 10 (ms), unlike its neighbours'
    /// (`eager_commit_delay`, 1; `use_numa_nodes`, 0), and setting it reads back.
    #[test]
    fn the_option_set_is_the_purge_delay() {
        let get = |option| {
            // SAFETY: reads a number from mimalloc's option table.
            #[allow(unsafe_code)]
            unsafe {
                libmimalloc_sys::mi_option_get(option)
            }
        };
        assert_eq!(
            (get(PURGE_DELAY - 1), get(PURGE_DELAY), get(PURGE_DELAY + 1)),
            (1, 10, 0)
        );
        set_purge_delay(CRAWL_PURGE_DELAY);
        assert_eq!(get(PURGE_DELAY), 1);
        set_purge_delay(PAGE_PURGE_DELAY);
        assert_eq!(get(PURGE_DELAY), 0);
    }
}
