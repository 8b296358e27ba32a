//! `href-counter`: count the links of web pages, exactly as the original Go tool did, or report
//! them in detail. A thin shell over the `hrefs` library: parse arguments, build its
//! configuration, run it, print.

mod cli;
mod crawl_cmd;
mod output;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Parser;
use hrefs::fetch::{FetchConfig, Fetcher};
use hrefs::{Input, PageOptions};

use cli::{Cli, Command, FetchArgs, Format};
use output::Output;

/// mimalloc instead of the C library's allocator. A crawl allocates on every thread and frees
/// on others, which musl's allocator (the static build the image ships) handles badly: the
/// python3.11-doc crawl took 676 ms with it, 430 ms with mimalloc as set up here (with glibc's
/// allocator the dynamic build was no faster and peaked at 40 MB). mimalloc is built
/// without transparent huge pages (`no_thp`): they round memory up 2 MB at a time, and
/// counting one 50 MB page then peaked at 20-34 MB instead of 9.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (mimalloc v2's `mimalloc.h`; the bindings lack it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc waits before giving freed memory back to the system, in ms (its default
/// is 10), when reading pages one by one: at once, so that memory stays flat (a 50 MB page
/// peaks at 8.5-8.9 MB; 9-12 with a 1 ms delay).
const PAGE_PURGE_DELAY: i64 = 0;

/// The same for a crawl, which allocates and frees page after page on every thread: giving
/// memory back at once, to fault it in again an instant later, made the python3.11-doc crawl 8%
/// slower (27 MB peak); after 1 ms it peaks at 32-37 MB (49-51 with mimalloc's default).
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

/// Every page was read.
pub(crate) const EXIT_OK: u8 = 0;
/// At least one page could not be read.
pub(crate) const EXIT_PAGE_FAILED: u8 = 1;
/// Bad usage or configuration: nothing was attempted, or the input can never work as given.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    set_purge_delay(PAGE_PURGE_DELAY);
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(EXIT_OK),
        Err(err) => {
            eprintln!("href-counter: {}", output::sanitize(&format!("{err:#}")));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run() -> anyhow::Result<u8> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version: their text is the output.
            err.print()?;
            return Ok(EXIT_OK);
        }
        Err(err) => bail!("{}", usage_error(&err)),
    };
    if let Some(Command::Crawl(args)) = &cli.command {
        set_purge_delay(CRAWL_PURGE_DELAY);
        return crawl_cmd::run(args);
    }
    let format = if cli.report {
        Format::Report
    } else {
        cli.format
    };
    let inputs = inputs(&cli)?;
    let fetcher =
        Fetcher::new(fetch_config(&cli.fetch)?).context("cannot set up the http client")?;
    let options = PageOptions {
        links: format != Format::Compat,
        scope: cli.scope,
        base: cli.base.clone(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;

    let stdout = std::io::stdout().lock();
    let mut out = Output::new(format, inputs.len(), stdout);
    let mut code = EXIT_OK;
    for input in &inputs {
        let result = runtime.block_on(hrefs::analyze(input, &fetcher, &options));
        if let Err(err) = &result {
            eprintln!("href-counter: {}", output::sanitize(&err.to_string()));
            code = code.max(exit_code(err));
        }
        out.page(&input.name(), &result)?;
    }
    out.finish()?;
    Ok(code)
}

/// The pages to read: the arguments, or else `$url` as the original tool did.
fn inputs(cli: &Cli) -> anyhow::Result<Vec<Input>> {
    if !cli.inputs.is_empty() {
        return Ok(cli.inputs.iter().map(|a| Input::from_arg(a)).collect());
    }
    match std::env::var("url") {
        // $url is a URL by contract, never a file name: an invalid one is reported as such.
        Ok(url) if !url.is_empty() => Ok(vec![Input::Url(url)]),
        Err(std::env::VarError::NotUnicode(_)) => {
            bail!("the url environment variable is not valid utf-8")
        }
        _ => bail!(
            "no page given: pass a URL, a file or - as an argument, or set the url environment \
             variable (see --help)"
        ),
    }
}

pub(crate) fn fetch_config(cli: &FetchArgs) -> anyhow::Result<FetchConfig> {
    let seconds = |value: f64, flag: &str| {
        Duration::try_from_secs_f64(value)
            .ok()
            .filter(|d| !d.is_zero())
            .with_context(|| {
                format!("invalid {flag} '{value}': expected a positive number of seconds")
            })
    };
    Ok(FetchConfig {
        timeout: seconds(cli.timeout, "--timeout")?,
        connect_timeout: seconds(cli.connect_timeout, "--connect-timeout")?,
        max_body: (cli.max_body > 0).then_some(cli.max_body),
        max_redirects: cli.max_redirects,
        root_certs: cli.ca_cert.clone(),
        ..FetchConfig::default()
    })
}

/// clap's message for a bad command line, as one line: "invalid value 'x' for '--scope'...".
fn usage_error(err: &clap::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    format!("{first} (see --help)")
}

fn exit_code(err: &hrefs::Error) -> u8 {
    match err {
        hrefs::Error::InvalidUrl { .. } | hrefs::Error::NeedsBase { .. } => EXIT_USAGE,
        _ => EXIT_PAGE_FAILED,
    }
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
