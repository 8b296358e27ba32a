//! From the command line to a job: every check and every default the command applies, so
//! that what runs is plain library configuration.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::ValueEnum;
use hrefs::audit::Severity;
use hrefs::crawl::{self, Cache, CrawlConfig, StatusRule};
use hrefs::fetch::{Cookie, FetchConfig, HostAuth, HostHeader, LocalSite};
use hrefs::gate::{Baseline, Gate};
use hrefs::portfolio::{read_sites, Reports, Shard, SiteEntry};
use hrefs::render::{CrawlFormat, Detail, PageFormat, PortfolioFormat};
use hrefs::{Input, PageOptions};
use url::Url;

use crate::cli::{self, Cli, Command, CrawlArgs, FailOn, FetchArgs, Format};
use crate::config_file::ConfigFile;

/// What the command line asks for.
pub(crate) enum Job {
    /// Read pages and count or report their links.
    Pages(Box<Pages>),
    /// Crawl a site.
    Crawl(Box<Crawl>),
    /// Crawl many sites.
    Portfolio(Box<PortfolioJob>),
    /// Merge shards' portfolios.
    Merge(MergeJob),
}

/// Pages to read, and how to print them.
pub(crate) struct Pages {
    pub(crate) inputs: Vec<Input>,
    pub(crate) fetch: FetchConfig,
    pub(crate) options: PageOptions,
    pub(crate) format: PageFormat,
}

/// A crawl, and where its report goes.
pub(crate) struct Crawl {
    pub(crate) seed: Url,
    pub(crate) config: CrawlConfig,
    pub(crate) fetch: FetchConfig,
    pub(crate) format: CrawlFormat,
    /// The report's file; standard output when `None`.
    pub(crate) output: Option<PathBuf>,
    /// Show the progress line (standard error is a terminal and --quiet was not given).
    pub(crate) progress: bool,
    /// End with the closing line on standard error even when it is not a terminal: a gate is
    /// set and --quiet was not given (a CI log then says what the gate accepted).
    pub(crate) closing_line: bool,
    /// What fails the run.
    pub(crate) gate: Gate,
    /// Where the cache of external checks is kept.
    pub(crate) cache: Option<PathBuf>,
}

/// The job `cli` asks for, checked; `file` is what the configuration file added to it.
pub(crate) fn job(cli: &Cli, file: ConfigFile) -> anyhow::Result<Job> {
    if let Some(Command::Merge(args)) = &cli.command {
        return Ok(Job::Merge(MergeJob {
            dirs: args.dirs.clone(),
            format: match args.format {
                cli::MergeFormat::Markdown => PortfolioFormat::Markdown,
                cli::MergeFormat::Json => PortfolioFormat::Json,
                cli::MergeFormat::Html => PortfolioFormat::Html,
            },
            output: args.output.clone(),
        }));
    }
    if let Some(Command::Crawl(args)) = &cli.command {
        if let Some(list) = &args.sites {
            return portfolio_job(args, list, file).map(|job| Job::Portfolio(Box::new(job)));
        }
        return crawl_job(args, file).map(|job| Job::Crawl(Box::new(job)));
    }
    let format = if cli.report {
        PageFormat::Report
    } else {
        page_format(cli.format)
    };
    Ok(Job::Pages(Box::new(Pages {
        inputs: inputs(cli)?,
        fetch: fetch_config(&cli.fetch, &input_hosts(&cli.inputs))?,
        options: PageOptions {
            links: format != PageFormat::Compat,
            scope: cli.scope,
            base: cli.base.clone(),
            max_links: None,
        },
        format,
    })))
}

/// Where a directory crawled from disk is served when --base is not given.
const DEFAULT_LOCAL_BASE: &str = "http://localhost/";

/// The start URL of a crawl, and the directory it reads from disk when there is one.
/// `base_in_file`: the configuration file sets `base`, which a crawl of a URL then ignores (a
/// repository's file serves its built site and its staging server alike).
fn crawl_start(
    args: &CrawlArgs,
    base_in_file: bool,
) -> anyhow::Result<(Url, Option<Box<LocalSite>>)> {
    let url_arg = args.url.as_deref();
    // A bare argument that is no URL but a directory: `crawl ./public`.
    let dir_arg = url_arg
        .filter(|a| !a.contains("://") && Path::new(a).is_dir())
        .map(PathBuf::from);
    let root = match (&args.root, dir_arg) {
        (Some(_), Some(dir)) => bail!(
            "both --root and the directory '{}' given: give the directory once",
            dir.display()
        ),
        (Some(root), None) => Some(root.clone()),
        (None, dir) => dir,
    };
    let Some(root) = root else {
        if args.base.is_some() && !base_in_file {
            bail!(
                "--base only applies to a directory crawled from disk (crawl DIR, or --root DIR)"
            );
        }
        let url = url_arg.context("no start given: a URL, or a directory to crawl from disk")?;
        if !url.contains("://") && !Path::new(url).exists() {
            bail!("cannot crawl '{url}': not an http:// or https:// URL, and no such directory");
        }
        return Ok((crawl::seed_url(url)?, None));
    };
    if !root.is_dir() {
        bail!(
            "cannot crawl the directory '{}': {}",
            root.display(),
            if root.exists() {
                "not a directory"
            } else {
                "no such directory"
            }
        );
    }
    let base = crawl::seed_url(args.base.as_deref().unwrap_or(DEFAULT_LOCAL_BASE))
        .context("invalid --base")?;
    let local = LocalSite::new(root, base);
    let seed = match url_arg.filter(|_| args.root.is_some()) {
        Some(url) => crawl::seed_url(url)?,
        None => local.base().clone(),
    };
    Ok((seed, Some(Box::new(local))))
}

fn crawl_job(args: &CrawlArgs, file: ConfigFile) -> anyhow::Result<Crawl> {
    let (seed, local) = crawl_start(args, file.keys.iter().any(|k| k == "base"))?;
    let site_host = origin_host(&seed).into_iter().collect::<Vec<_>>();
    let fail_on = args.fail_on.map(severity);
    check_full(args)?;
    Ok(Crawl {
        seed,
        config: crawl_config(args, file.accept)?,
        fetch: {
            let mut fetch = FetchConfig {
                local,
                ..fetch_config(&args.fetch, &site_host)?
            };
            fetch.headers.extend(file.headers);
            fetch
        },
        format: crawl_format(args.format, args.full, fail_on.unwrap_or(Severity::Error)),
        output: args.output.clone(),
        progress: !args.quiet && std::io::stderr().is_terminal(),
        closing_line: !args.quiet
            && (std::io::stderr().is_terminal() || fail_on.is_some() || args.min_score.is_some()),
        cache: args.cache.clone(),
        gate: Gate {
            fail_on,
            min_score: args.min_score,
            ignore: file.ignore,
            baseline: args.baseline.as_deref().map(Baseline::read).transpose()?,
        },
    })
}

/// The other formats have a fixed content (every finding; HTML the first of each audit):
/// --full with them is a mistake, say a script expecting Markdown, not to be ignored.
fn check_full(args: &CrawlArgs) -> anyhow::Result<()> {
    if args.full && args.format != cli::CrawlFormat::Markdown {
        bail!(
            "--full only applies to --format markdown, not to --format {}: drop --full",
            format_name(args.format)
        );
    }
    Ok(())
}

fn format_name(format: cli::CrawlFormat) -> String {
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// How each site is crawled; `accept` are the configuration file's [[accept-from]] rules.
fn crawl_config(args: &CrawlArgs, mut accept: Vec<StatusRule>) -> anyhow::Result<CrawlConfig> {
    let interval = Duration::try_from_secs_f64(args.interval)
        .ok()
        .with_context(|| {
            format!(
                "invalid --interval '{}': expected seconds, 0 or more",
                args.interval
            )
        })?;
    if !args.accept.is_empty() {
        accept.push(StatusRule {
            hosts: None,
            statuses: args.accept.clone(),
        });
    }
    let cache = match &args.cache {
        None => None,
        Some(path) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            Some(Arc::new(Cache::load(path, args.max_cache_age, now)?))
        }
    };
    Ok(CrawlConfig {
        scope: args.scope,
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        max_depth: args.max_depth,
        max_pages: (args.max_pages > 0).then_some(args.max_pages),
        max_url_length: args.max_url_length,
        max_path_segments: args.max_path_segments,
        max_repeats: args.max_repeats,
        max_query_variants: args.max_query_variants,
        max_memory_mib: (args.max_memory > 0).then_some(args.max_memory),
        concurrency: usize::from(args.concurrency),
        per_host: usize::from(args.per_host),
        interval,
        robots: !args.ignore_robots,
        sitemaps: !args.no_sitemap,
        check_external: args.check_external,
        retries: args.retries,
        max_links_per_page: (args.max_links_per_page > 0).then_some(args.max_links_per_page),
        cache,
        accept,
    })
}

/// `merge DIR...`.
pub(crate) struct MergeJob {
    pub(crate) dirs: Vec<PathBuf>,
    pub(crate) format: PortfolioFormat,
    pub(crate) output: Option<PathBuf>,
}

/// Many sites: `crawl --sites FILE --output-dir DIR`.
pub(crate) struct PortfolioJob {
    /// The sites of this run's shard, in list order.
    pub(crate) sites: Vec<SiteEntry>,
    /// How many the list has.
    pub(crate) listed: usize,
    pub(crate) shard: Option<Shard>,
    pub(crate) config: CrawlConfig,
    pub(crate) fetch: FetchConfig,
    pub(crate) reports: Reports,
    /// The portfolio's format.
    pub(crate) summary: PortfolioFormat,
    /// Where the portfolio goes; standard output when `None`.
    pub(crate) output: Option<PathBuf>,
    pub(crate) in_flight: usize,
}

fn portfolio_job(args: &CrawlArgs, list: &str, file: ConfigFile) -> anyhow::Result<PortfolioJob> {
    let gate_flags = args.fail_on.is_some() || args.min_score.is_some() || args.baseline.is_some();
    if gate_flags || !file.ignore.is_empty() {
        bail!("--sites has no gate yet: drop --fail-on, --min-score, --baseline and [[ignore]] rules (each site's report still lists its findings)");
    }
    check_full(args)?;
    let text = if list == "-" {
        std::io::read_to_string(std::io::stdin())
            .context("cannot read the sites list from standard input")?
    } else {
        std::fs::read_to_string(list)
            .with_context(|| format!("cannot read the sites list '{list}'"))?
    };
    let all = read_sites(&text).map_err(|e| anyhow::anyhow!("the sites list '{list}': {e}"))?;
    let shard = match (args.shard, args.shard_from_env) {
        (Some(shard), _) => Some(shard),
        (None, Some(count)) => Some(shard_from_env(count)?),
        (None, None) => None,
    };
    let listed = all.len();
    let sites: Vec<SiteEntry> = all
        .into_iter()
        .filter(|s| shard.is_none_or(|shard| shard.has(&s.origin)))
        .collect();
    let dir = args
        .output_dir
        .clone()
        .context("--sites needs --output-dir")?;
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the output directory '{}'", dir.display()))?;
    let hosts: Vec<String> = sites.iter().filter_map(|s| origin_host(&s.url)).collect();
    let mut fetch = fetch_config(&args.fetch, &hosts)?;
    fetch.headers.extend(file.headers);
    let (summary, extension) = match args.format {
        cli::CrawlFormat::Json => (PortfolioFormat::Json, "json"),
        cli::CrawlFormat::Html => (PortfolioFormat::Html, "html"),
        cli::CrawlFormat::Markdown => (PortfolioFormat::Markdown, "md"),
        cli::CrawlFormat::Ndjson => (PortfolioFormat::Markdown, "ndjson"),
        cli::CrawlFormat::Csv | cli::CrawlFormat::FindingsCsv => (PortfolioFormat::Markdown, "csv"),
        cli::CrawlFormat::Junit => (PortfolioFormat::Markdown, "xml"),
        cli::CrawlFormat::Sarif => (PortfolioFormat::Markdown, "sarif"),
        cli::CrawlFormat::Github => (PortfolioFormat::Markdown, "txt"),
    };
    Ok(PortfolioJob {
        sites,
        listed,
        shard,
        config: crawl_config(args, file.accept)?,
        fetch,
        reports: Reports {
            dir,
            format: crawl_format(args.format, args.full, Severity::Error),
            extension,
        },
        summary,
        output: args.output.clone(),
        in_flight: usize::from(args.max_sites_in_flight),
    })
}

/// The shard of `count` whose index the orchestrator set: JOB_COMPLETION_INDEX (Kubernetes
/// Indexed Jobs), else HREF_COUNTER_SHARD (a Swarm service's template).
fn shard_from_env(count: u32) -> anyhow::Result<Shard> {
    let (var, raw) = ["JOB_COMPLETION_INDEX", "HREF_COUNTER_SHARD"]
        .into_iter()
        .find_map(|var| std::env::var(var).ok().map(|v| (var, v)))
        .context("--shard-from-env: neither JOB_COMPLETION_INDEX nor HREF_COUNTER_SHARD is set")?;
    raw.trim()
        .parse::<u32>()
        .ok()
        .and_then(|index| Shard::new(index, count))
        .with_context(|| {
            format!(
                "--shard-from-env {count}: {var}='{raw}' is not a shard index from 0 to {}",
                count.saturating_sub(1)
            )
        })
}

/// `host:port` of a URL: what `--header`, `--user` and `--cookie` are sent to (one origin,
/// not every port of the host).
fn origin_host(url: &Url) -> Option<String> {
    Some(format!(
        "{}:{}",
        url.host_str()?,
        url.port_or_known_default()?
    ))
}

/// The `host:port` of the URLs among `inputs` (or of `$url`).
fn input_hosts(inputs: &[String]) -> Vec<String> {
    let env = std::env::var("url").ok();
    let raw: Vec<&str> = if inputs.is_empty() {
        env.iter().map(String::as_str).collect()
    } else {
        inputs.iter().map(String::as_str).collect()
    };
    let mut hosts: Vec<String> = raw
        .iter()
        .filter_map(|r| Url::parse(r.trim()).ok())
        .filter_map(|u| origin_host(&u))
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
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

/// `NAME<sep>VALUE`, both trimmed; the name not empty.
fn name_value(raw: &str, sep: char, flag: &str, form: &str) -> anyhow::Result<(String, String)> {
    raw.split_once(sep)
        .filter(|(n, _)| !n.trim().is_empty())
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .with_context(|| format!("invalid {flag} '{raw}': expected {form}"))
}

/// The fetch settings; `hosts` are the hosts `--header`, `--user` and `--cookie` are for.
fn fetch_config(args: &FetchArgs, hosts: &[String]) -> anyhow::Result<FetchConfig> {
    let seconds = |value: f64, flag: &str| {
        Duration::try_from_secs_f64(value)
            .ok()
            .filter(|d| !d.is_zero())
            .with_context(|| {
                format!("invalid {flag} '{value}': expected a positive number of seconds")
            })
    };
    let for_hosts = |name: String, value: String| {
        hosts.iter().map(move |h| HostHeader {
            hosts: h.clone(),
            name: name.clone(),
            value: value.clone(),
        })
    };
    let mut headers = Vec::new();
    for raw in &args.header {
        let (name, value) = name_value(raw, ':', "--header", "'Name: value'")?;
        headers.extend(for_hosts(name, value));
    }
    let mut cookies = Vec::new();
    for raw in &args.cookie {
        let (name, value) = name_value(raw, '=', "--cookie", "NAME=VALUE")?;
        cookies.extend(
            hosts
                .iter()
                .filter_map(|h| h.rsplit_once(':'))
                .map(|(host, port)| Cookie {
                    domain: host.to_string(),
                    subdomains: false,
                    port: port.parse().ok(),
                    path: "/".into(),
                    secure: false,
                    name: name.clone(),
                    value: value.clone(),
                }),
        );
    }
    if let Some(path) = &args.cookie_jar {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the cookie jar '{}'", path.display()))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let jar = hrefs::fetch::parse_cookie_jar(&text, now)
            .map_err(|e| anyhow::anyhow!("the cookie jar '{}': {e}", path.display()))?;
        cookies.extend(jar);
    }
    let auth = match &args.user {
        None => Vec::new(),
        Some(raw) => {
            let (user, password) = match raw.split_once(':') {
                Some((user, password)) => (user.to_string(), password.to_string()),
                None => (
                    raw.clone(),
                    std::env::var("HREF_COUNTER_PASSWORD").map_err(|_| {
                        anyhow::anyhow!(
                            "--user {raw} has no password: give --user {raw}:PASSWORD, or set \
                             HREF_COUNTER_PASSWORD"
                        )
                    })?,
                ),
            };
            hosts
                .iter()
                .map(|h| HostAuth {
                    hosts: h.clone(),
                    user: user.clone(),
                    password: password.clone(),
                })
                .collect()
        }
    };
    Ok(FetchConfig {
        timeout: seconds(args.timeout, "--timeout")?,
        connect_timeout: seconds(args.connect_timeout, "--connect-timeout")?,
        max_body: (args.max_body > 0).then_some(args.max_body),
        max_redirects: args.max_redirects,
        root_certs: args.ca_cert.clone(),
        user_agent: args
            .user_agent
            .clone()
            .unwrap_or_else(|| hrefs::fetch::USER_AGENT.to_string()),
        headers,
        auth,
        cookies,
        ..FetchConfig::default()
    })
}

fn page_format(format: Format) -> PageFormat {
    match format {
        Format::Compat => PageFormat::Compat,
        Format::Report => PageFormat::Report,
        Format::Json => PageFormat::Json,
        Format::Ndjson => PageFormat::Ndjson,
        Format::Csv => PageFormat::Csv,
        Format::Markdown => PageFormat::Markdown,
    }
}

fn crawl_format(format: cli::CrawlFormat, full: bool, fail_at: Severity) -> CrawlFormat {
    match format {
        cli::CrawlFormat::Markdown => CrawlFormat::Markdown {
            detail: if full { Detail::Full } else { Detail::Summary },
        },
        cli::CrawlFormat::Json => CrawlFormat::Json,
        cli::CrawlFormat::Ndjson => CrawlFormat::Ndjson,
        cli::CrawlFormat::Csv => CrawlFormat::Csv,
        cli::CrawlFormat::FindingsCsv => CrawlFormat::FindingsCsv,
        cli::CrawlFormat::Html => CrawlFormat::Html,
        cli::CrawlFormat::Junit => CrawlFormat::Junit { fail_at },
        cli::CrawlFormat::Sarif => CrawlFormat::Sarif,
        // Notices only when they fail the gate: a site has thousands.
        cli::CrawlFormat::Github => CrawlFormat::Github {
            least: fail_at.max(Severity::Warning),
        },
    }
}

fn severity(level: FailOn) -> Severity {
    match level {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Notice => Severity::Notice,
    }
}

/// clap's message for a bad command line as one line, whole: what is wrong, the value and
/// what was expected, clap's tips ("a similar argument exists: '--format'"). Only the usage
/// synopsis and "for more information" are left out, for "(see --help)".
pub(crate) fn usage_error(err: &clap::Error) -> String {
    let text = err.to_string();
    let mut line = String::new();
    for part in text.lines().map(str::trim) {
        if part.starts_with("Usage:") || part.starts_with("For more information") {
            break;
        }
        let part = part.strip_prefix("error: ").unwrap_or(part);
        if part.is_empty() {
            continue;
        }
        if !line.is_empty() {
            line.push_str(if part.starts_with("tip:") { "; " } else { " " });
        }
        line.push_str(part);
    }
    format!("{line} (see --help)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn usage(args: &[&str]) -> String {
        usage_error(&Cli::try_parse_from(args).unwrap_err())
    }

    #[test]
    fn clap_messages_are_kept_whole() {
        assert_eq!(
            usage(&["href-counter", "crawl"]),
            "the following required arguments were not provided: <URL|DIR> (see --help)"
        );
        let typo = usage(&["href-counter", "--formt", "json", "x"]);
        assert!(typo.contains("unexpected argument '--formt'"), "{typo}");
        assert!(
            typo.contains("tip: a similar argument exists: '--format'"),
            "{typo}"
        );
        let value = usage(&["href-counter", "--format", "nope", "x"]);
        assert!(
            value.contains("[possible values: compat, report, json, ndjson, csv, markdown]"),
            "{value}"
        );
        let count = usage(&["href-counter", "crawl", "--max-pages", "abc", "http://x/"]);
        assert_eq!(
            count,
            "invalid value 'abc' for '--max-pages <N>': expected a whole number (0, 1, 2...) \
             (see --help)"
        );
        assert!(!count.contains('\n'));
        assert_eq!(
            usage(&["href-counter", "crawl", "--max-pages", "-1", "http://x/"]),
            "invalid value '-1' for '--max-pages <N>': expected a whole number (0, 1, 2...) \
             (see --help)"
        );
    }

    #[test]
    fn max_links_per_page_defaults_to_the_library_s_and_0_lifts_it() {
        let config = |extra: &[&str]| {
            let mut args = vec!["href-counter", "crawl"];
            args.extend_from_slice(extra);
            args.push("http://x/");
            match job(&Cli::try_parse_from(args).unwrap(), ConfigFile::default()).unwrap() {
                Job::Crawl(crawl) => crawl.config.max_links_per_page,
                Job::Pages(_) | Job::Portfolio(_) | Job::Merge(_) => unreachable!("a crawl"),
            }
        };
        assert_eq!(config(&[]), Some(crawl::DEFAULT_MAX_LINKS_PER_PAGE));
        assert_eq!(config(&["--max-links-per-page", "7"]), Some(7));
        assert_eq!(config(&["--max-links-per-page", "0"]), None);
        assert_eq!(
            usage(&[
                "href-counter",
                "crawl",
                "--max-links-per-page",
                "-1",
                "http://x/"
            ]),
            "invalid value '-1' for '--max-links-per-page <N>': expected a whole number \
             (0, 1, 2...) (see --help)"
        );
    }
}
