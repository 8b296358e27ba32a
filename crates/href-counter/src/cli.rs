//! The command line: every flag and all help text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hrefs::url::Scope;

const AFTER_HELP: &str = "\
Examples:
  url=https://example.com/ href-counter          the original tool's way: {\"internal\":N,\"external\":M}
  href-counter https://example.com/              the same, from an argument
  href-counter --report https://example.com/     every link, by kind, with rel, text and position
  href-counter --format json https://a.example/ https://b.example/
  href-counter --base https://example.com/ page.html
  curl -s https://example.com/ | href-counter --base https://example.com/ -
  href-counter crawl https://example.com/        crawl the site, audit its links (see crawl --help)

Counting is exactly the original Go tool's: a link is internal when its host equals the page
URL's host as typed (port included), when it starts with '#', or when it has no host
(relative, mailto:, tel:, javascript:); otherwise external. Links Go's url.Parse rejects are
counted in neither.

Exit codes: 0 every page was read; 1 at least one page failed (the others are still printed);
2 usage or configuration error (bad flag, no input, invalid URL, missing --base).";

/// Count the internal and external links of web pages, or report them in detail.
#[derive(Debug, Parser)]
#[command(
    name = "href-counter",
    version,
    about,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub(crate) struct Cli {
    /// Pages to read: http(s) URLs, HTML files, or - for standard input. Without any, the URL
    /// comes from the `url` environment variable, as in the original tool.
    #[arg(value_name = "URL|FILE|-")]
    pub(crate) inputs: Vec<String>,

    /// Output format. `compat` prints the original JSON line for one page, and one JSON object
    /// per line (NDJSON) with the input and counts for several.
    #[arg(long, value_enum, default_value_t = Format::Compat)]
    pub(crate) format: Format,

    /// Shorthand for --format report.
    #[arg(long, conflicts_with = "format")]
    pub(crate) report: bool,

    /// What counts as the same site in reports: the host and port, or the registrable domain
    /// on any port (www.example.com and example.com are one site). The compat counts never
    /// change.
    #[arg(long, default_value = "host", value_parser = parse_scope)]
    pub(crate) scope: Scope,

    /// The page URL that local files and standard input are classified against.
    #[arg(long, value_name = "URL")]
    pub(crate) base: Option<String>,

    #[command(flatten)]
    pub(crate) fetch: FetchArgs,

    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// How pages are fetched: shared by every command.
#[derive(Debug, Args)]
pub(crate) struct FetchArgs {
    /// Give up on a page after this many seconds, redirects and body included.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, default_value_t = hrefs::fetch::DEFAULT_TIMEOUT.as_secs_f64(), value_parser = seconds)]
    pub(crate) timeout: f64,

    /// Give up connecting after this many seconds.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, default_value_t = hrefs::fetch::DEFAULT_CONNECT_TIMEOUT.as_secs_f64(), value_parser = seconds)]
    pub(crate) connect_timeout: f64,

    /// Largest body read, after decompression: bytes, or with a unit (64KiB, 32MiB, 1GiB);
    /// 0 for no limit.
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub(crate) max_body: u64,

    /// Most redirects followed per page.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = hrefs::fetch::DEFAULT_MAX_REDIRECTS, value_parser = whole::<usize>)]
    pub(crate) max_redirects: usize,

    /// Also trust this CA certificate (PEM file); may be repeated. The compiled-in Mozilla
    /// roots and the system store (SSL_CERT_FILE, SSL_CERT_DIR) are always trusted.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_cert: Vec<PathBuf>,

    /// Send this header ('Name: value') to the page's origin, host and port (a crawl's: the
    /// start URL's), never to other sites; may be repeated.
    #[arg(long, value_name = "HEADER")]
    pub(crate) header: Vec<String>,

    /// Basic auth for the page's origin (a crawl's: the start URL's). Without :PASSWORD, the
    /// password comes from $HREF_COUNTER_PASSWORD. Never written to a report or a message.
    #[arg(long, value_name = "USER[:PASSWORD]")]
    pub(crate) user: Option<String>,

    /// Send this cookie (NAME=VALUE) to the page's origin (a crawl's: the start URL's); may
    /// be repeated.
    #[arg(long, value_name = "NAME=VALUE")]
    pub(crate) cookie: Vec<String>,

    /// Send the cookies of this Netscape cookie-jar file (as curl -c writes it), each where a
    /// browser would.
    #[arg(long, value_name = "FILE")]
    pub(crate) cookie_jar: Option<PathBuf>,

    /// The User-Agent header [default: href-counter/VERSION]. robots.txt rules are still read
    /// for href-counter.
    #[arg(long, value_name = "TEXT")]
    pub(crate) user_agent: Option<String>,
}

/// Commands beyond counting pages.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Crawl a whole site, check its links, audit its links and pages, and rate the site.
    #[command(after_help = CRAWL_AFTER_HELP)]
    Crawl(Box<CrawlArgs>),
    /// Merge the portfolios of sharded `crawl --sites` runs into one.
    Merge(MergeArgs),
}

/// `href-counter merge`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The --output-dir of each shard (one directory all shards wrote to, or one each); each
    /// holds portfolio.json or portfolio-I-of-N.json files.
    #[arg(value_name = "DIR", required = true)]
    pub(crate) dirs: Vec<PathBuf>,

    /// The merged portfolio's format.
    #[arg(long, value_enum, default_value_t = MergeFormat::Markdown)]
    pub(crate) format: MergeFormat,

    /// Write it to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Portfolio formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MergeFormat {
    /// A Markdown table, worst rated first.
    Markdown,
    /// JSON, as the shards write it.
    Json,
    /// A self-contained HTML page.
    Html,
}

const CRAWL_AFTER_HELP: &str = "\
Examples:
  href-counter crawl https://example.com/                   Markdown summary on stdout
  href-counter crawl --full https://example.com/            the same, every finding listed
  href-counter crawl --format html -o audit.html https://example.com/
  href-counter crawl --format ndjson https://example.com/ | jq -c 'select(.visit.status >= 400)'
  href-counter crawl --check-external --fail-on error https://staging.example.com/
  href-counter crawl --base https://docs.example.com/ ./public   a built site, from disk

The crawl is breadth-first from URL over the pages of its site (same host and port, or same
registrable domain with --scope domain), honouring robots.txt and seeded also from the site's sitemaps.
Pages are parsed for links; every link target is checked (other sites' only with
--check-external). Depth is counted in link hops: URL itself is depth 0, the pages it links to
depth 1, and so on.

A directory (crawl DIR, or --root DIR) is crawled from disk as the site served at --base:
/dir/ is dir/index.html (a directory without one answers 403), /dir redirects to /dir/, /page
is page.html when there is no file page (pretty URLs), the content type comes from the file
extension, robots.txt and sitemaps are read from the directory. Links to the base's origin
outside the directory are reported as broken (outside-root); other sites are fetched as usual.

The audits judge links (broken, redirected, insecure, missing #fragments, text...) and pages
(title missing, empty, duplicated or too long; meta description missing or duplicated; <h1>
missing or several; images without alt; canonical URL missing, relative or pointing to a
redirect, an error, a non-HTML or noindex page, or to another canonical; hreflang codes,
return links, self reference and x-default; noindex or non-canonical pages in the sitemap;
<html lang>), each finding at its page, line and column. The rating (0-100, A-F) and each
point it loses are explained in the report; docs/rating.md has the formula. Two crawls of an
unchanged site give the same report bytes apart from the timing fields (elapsed_ms and the
crawl's duration, started and the report's start time) and, in NDJSON's visit lines, which
stream as fetches finish, each page's depth and found_on as the crawl first reached it.

Every crawl ends: besides --max-depth, pages past --max-pages (100,000), URLs longer than
--max-url-length (2048 bytes), deeper than --max-path-segments (20), repeating path segments
(--max-repeats 2) or past --max-query-variants (1,000 per path) are only checked, not
crawled, and the crawl stops at --max-memory (2048 MiB). Each limit that trips is named on
stderr and in the report, with how to lift it (0: no limit). A start URL that redirects to
another origin (http://example.com/ to https://www.example.com/) is followed: the site is
the origin it lands on.

The CI gate: --fail-on and --min-score fail the run (exit 1). Findings in --baseline (an
earlier JSON report; matched by audit, page and target) or matched by an [[ignore]] rule of
the configuration file do not. The configuration file (./href-counter.toml or --config) sets
options by their long names (max-depth = 3, fail-on = \"error\"); the command line overrides
it. Standard error names what tripped the gate.

Many sites: --sites FILE --output-dir DIR crawls a list of start URLs, several at once, each
report written to DIR and the portfolio (worst rated first) printed; --shard I/N or
--shard-from-env N takes a part of the list; href-counter merge DIR... joins the parts.

Exit codes: 0 the crawl completed (and the gate passed); 1 the gate failed: a finding
reached --fail-on, or the rating is under --min-score; 2 usage or configuration error; 3 the
crawl stopped at --max-memory: the report covers what was crawled; 4 the crawl failed: the
start page could not be crawled (unreadable, not HTML, disallowed by robots.txt, excluded),
nothing is rated (with --sites: some site was not rated); 130 interrupted (Ctrl-C): the
report covers what was crawled, and a second Ctrl-C quits at once without it. A reader of
standard output that goes away (| head) ends the crawl at once, exit 0.";

/// `href-counter crawl`. An option given twice takes its last value: the configuration
/// file's come first, and the command line's override them.
#[derive(Debug, Args)]
#[command(args_override_self = true)]
pub(crate) struct CrawlArgs {
    /// Where the crawl starts; its site is what gets crawled. A directory of built HTML is
    /// crawled from disk, as the site it will be served as (see --root).
    #[arg(value_name = "URL|DIR", required_unless_present_any = ["root", "sites"])]
    pub(crate) url: Option<String>,

    /// Crawl every site of this list (one start URL a line, # comments; - for standard
    /// input), several at once, each report written to --output-dir, and print the
    /// portfolio: the sites worst rated first, each with its first fix.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["url", "root"], requires = "output_dir")]
    pub(crate) sites: Option<String>,

    /// Where --sites writes each site's report (named from its origin) and portfolio.json.
    #[arg(long, value_name = "DIR")]
    pub(crate) output_dir: Option<PathBuf>,

    /// How many sites of --sites are crawled at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) max_sites_in_flight: u16,

    /// Crawl only shard I of N of the --sites list (0-based: 0/3, 1/3, 2/3), chosen by a hash
    /// of each site's origin: the shards together are the list, no site twice.
    #[arg(long, value_name = "I/N", requires = "sites", value_parser = hrefs::portfolio::Shard::parse)]
    pub(crate) shard: Option<hrefs::portfolio::Shard>,

    /// Like --shard, of N shards, the index read from JOB_COMPLETION_INDEX (a Kubernetes
    /// Indexed Job) or HREF_COUNTER_SHARD (set by a Swarm service template).
    #[arg(long, value_name = "N", requires = "sites", conflicts_with = "shard")]
    pub(crate) shard_from_env: Option<u32>,

    /// Crawl this directory of built HTML from disk, as the site it will be served as at
    /// --base: no server needed. URL, when given too, is where the crawl starts (default: the
    /// base).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,

    /// The URL a directory crawled from disk will be served at [default: http://localhost/].
    /// Links to it (absolute ones too) are read from the directory.
    #[arg(long, value_name = "URL")]
    pub(crate) base: Option<String>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = CrawlFormat::Markdown)]
    pub(crate) format: CrawlFormat,

    /// List every finding in the Markdown report, not only their count per audit. Markdown
    /// only: the other formats always have them all (HTML shows the first 50 per audit).
    #[arg(long)]
    pub(crate) full: bool,

    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// What counts as the site: the start URL's host and port, or its registrable domain.
    #[arg(long, default_value = "host", value_parser = parse_scope)]
    pub(crate) scope: Scope,

    /// Crawl only URLs matching this pattern (`*` matches anything); may be repeated.
    #[arg(long, value_name = "PATTERN")]
    pub(crate) include: Vec<String>,

    /// Do not crawl URLs matching this pattern (links to them are still checked); may be
    /// repeated.
    #[arg(long, value_name = "PATTERN")]
    pub(crate) exclude: Vec<String>,

    /// Parse pages at most this many link hops from the start URL (which is depth 0); links
    /// beyond are only checked.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = whole::<u32>)]
    pub(crate) max_depth: Option<u32>,

    /// Parse at most this many pages; links beyond are only checked. 0 for no limit.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = hrefs::crawl::DEFAULT_MAX_PAGES, value_parser = whole::<usize>)]
    pub(crate) max_pages: usize,

    /// Only check, not crawl, URLs of the site longer than this many bytes. 0 for no limit.
    #[arg(long, value_name = "BYTES", allow_negative_numbers = true, default_value_t = hrefs::crawl::DEFAULT_MAX_URL_LENGTH, value_parser = whole::<usize>)]
    pub(crate) max_url_length: usize,

    /// Only check, not crawl, URLs of the site with more path segments than this. 0 for no
    /// limit.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = hrefs::crawl::DEFAULT_MAX_PATH_SEGMENTS, value_parser = whole::<usize>)]
    pub(crate) max_path_segments: usize,

    /// Only check, not crawl, URLs repeating a run of one to three path segments more than
    /// this many times in a row (/a/a/a, /x/y/x/y/x/y: a crawler trap). 0 for no limit.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = hrefs::crawl::DEFAULT_MAX_REPEATS, value_parser = whole::<usize>)]
    pub(crate) max_repeats: usize,

    /// Crawl at most this many query strings of one path (?page=, ?sort=, calendars); further
    /// ones are only checked. 0 for no limit.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = hrefs::crawl::DEFAULT_MAX_QUERY_VARIANTS, value_parser = whole::<usize>)]
    pub(crate) max_query_variants: usize,

    /// Stop taking new URLs once the process uses this much memory (MiB, resident), and
    /// report what was crawled. 0 for no limit.
    #[arg(long, value_name = "MIB", allow_negative_numbers = true, default_value_t = hrefs::crawl::DEFAULT_MAX_MEMORY_MIB, value_parser = whole::<u64>)]
    pub(crate) max_memory: u64,

    /// Requests in flight at once, all hosts together.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 16, value_parser = positive)]
    pub(crate) concurrency: u16,

    /// Requests in flight at once on one host.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 8, value_parser = positive)]
    pub(crate) per_host: u16,

    /// Least seconds between two requests to one host (robots.txt's crawl-delay applies when
    /// longer).
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, default_value_t = 0.0, value_parser = seconds)]
    pub(crate) interval: f64,

    /// Crawl pages robots.txt disallows (for your own staging site).
    #[arg(long)]
    pub(crate) ignore_robots: bool,

    /// Do not read the site's sitemaps.
    #[arg(long)]
    pub(crate) no_sitemap: bool,

    /// Check links to other sites too (HEAD, then GET where HEAD is refused).
    #[arg(long)]
    pub(crate) check_external: bool,

    /// Retries of a request that failed on the network or was answered 429/503.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 2, value_parser = whole::<u32>)]
    pub(crate) retries: u32,

    /// Keep at most this many links of one page; the rest are counted, not followed or
    /// audited, and the page is reported truncated. 0 for no limit.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = hrefs::crawl::DEFAULT_MAX_LINKS_PER_PAGE, value_parser = whole::<usize>)]
    pub(crate) max_links_per_page: usize,

    /// Take these statuses (comma-separated: 403,429,999) from any host for a block, not a
    /// broken link: reported as blocked-link warnings. Per host: [[accept-from]] tables in
    /// the configuration file. May be repeated.
    #[arg(long, value_name = "STATUSES", value_delimiter = ',', value_parser = status)]
    pub(crate) accept: Vec<u16>,

    /// Keep the external checks that succeeded (2xx, no redirect) in this file, and skip
    /// checking them again while they are younger than --max-cache-age. Failures are never
    /// kept: they are checked on every run.
    #[arg(long, value_name = "FILE")]
    pub(crate) cache: Option<PathBuf>,

    /// How long a cached success holds: seconds, or with a unit (30m, 12h, 1d, 2w).
    #[arg(long, value_name = "AGE", default_value = "1d", value_parser = age)]
    pub(crate) max_cache_age: Duration,

    /// Exit with status 1 when a finding is at least this severe (findings in --baseline
    /// or matched by an ignore rule of the configuration excepted).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<FailOn>,

    /// Exit with status 1 when the site rates under this score (0-100), or is not rated.
    #[arg(long, value_name = "SCORE", allow_negative_numbers = true, value_parser = score)]
    pub(crate) min_score: Option<f64>,

    /// An earlier JSON report of this crawl (--format json): --fail-on fails only on findings
    /// it does not have, matched by audit, page and target (not line numbers).
    #[arg(long, value_name = "REPORT.json")]
    pub(crate) baseline: Option<PathBuf>,

    /// No progress on standard error.
    #[arg(long, short)]
    pub(crate) quiet: bool,

    /// Read the crawl's settings and ignore rules from this TOML file [default:
    /// ./href-counter.toml when there is one]. Its keys are these options' long names; the
    /// command line overrides them.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) fetch: FetchArgs,
}

/// Crawl report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CrawlFormat {
    /// A summary: rating, fix first, audits, lowest rated pages (--full: every finding too).
    Markdown,
    /// The whole report as JSON, every link grouped under the page it is on.
    Json,
    /// One JSON object per URL as the crawl goes, then one with the summary and findings.
    Ndjson,
    /// Every link edge: source, line, column, target, text, rel, kind, status.
    Csv,
    /// Every finding: audit, severity, page, line, column, target, text, detail.
    FindingsCsv,
    /// A single self-contained HTML page with charts.
    Html,
    /// JUnit XML, one test case per audit (for CI systems).
    Junit,
    /// SARIF 2.1.0 for code scanning: a rule per audit, a result per finding.
    Sarif,
    /// GitHub Actions annotations (::error file=...,line=...::...), on the files when
    /// crawling from disk.
    Github,
}

/// The severity that fails a crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Broken links.
    Error,
    /// Errors and warnings.
    Warning,
    /// Any finding.
    Notice,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The original tool's JSON line (NDJSON with the input for several pages).
    Compat,
    /// A human-readable report of every link.
    Report,
    /// The full report as JSON: an object for one page, an array for several.
    Json,
    /// The full report, one JSON object per page per line.
    Ndjson,
    /// One CSV row per link.
    Csv,
    /// A Markdown summary with a table of links.
    Markdown,
}

/// A duration: seconds, or a number with a unit (s, m, h, d, w).
fn age(raw: &str) -> Result<Duration, String> {
    let raw_t = raw.trim();
    let (number, unit) = raw_t.split_at(
        raw_t
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(raw_t.len()),
    );
    let scale = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => 0,
    };
    match number.parse::<u64>() {
        Ok(n) if scale > 0 => Ok(Duration::from_secs(n.saturating_mul(scale))),
        _ => Err(format!(
            "expected an age such as 3600, 30m, 12h, 1d or 2w, got '{raw}'"
        )),
    }
}

/// An HTTP status: 100 to 999.
fn status(raw: &str) -> Result<u16, String> {
    match raw.trim().parse::<u16>() {
        Ok(n) if (100..=999).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected an http status from 100 to 999, got '{raw}'"
        )),
    }
}

/// A score: 0 to 100.
fn score(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(n) if (0.0..=100.0).contains(&n) => Ok(n),
        _ => Err(format!("expected a score from 0 to 100, got '{raw}'")),
    }
}

fn parse_scope(s: &str) -> Result<Scope, String> {
    s.parse()
}

/// A count: `0`, `1`, `2`...
fn whole<T: TryFrom<u64>>(s: &str) -> Result<T, String> {
    let n: u64 = s
        .trim()
        .parse()
        .map_err(|_| "expected a whole number (0, 1, 2...)".to_string())?;
    T::try_from(n).map_err(|_| format!("{n} is too large"))
}

/// A count of at least one, as for requests in flight.
fn positive(s: &str) -> Result<u16, String> {
    match whole::<u16>(s)? {
        0 => Err("expected 1 or more".into()),
        n => Ok(n),
    }
}

/// Seconds, as a decimal number (`0.5`, `30`); whether the value is in range is for the flag
/// to say.
fn seconds(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| "expected a number of seconds (30, 0.5)".to_string())
}

/// Parses `1234`, `64KiB`, `32MiB`, `1GiB` (also `k`, `M`, `G`, `KB`, `MB`, `GB`, as powers
/// of 1024: this is a memory limit, not a disk label).
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size (try 1048576 or 32MiB)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("'{s}' has an unknown unit (use KiB, MiB or GiB)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("'{s}' is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("1234"), Ok(1234));
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size("32MiB"), Ok(32 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("99999999999999999999GiB").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(whole::<u32>("7"), Ok(7));
        assert!(whole::<u32>("abc").unwrap_err().contains("whole number"));
        assert!(whole::<u32>("-1").is_err());
        assert!(whole::<u8>("300").unwrap_err().contains("too large"));
        assert_eq!(positive("3"), Ok(3));
        assert!(positive("0").is_err());
        assert_eq!(seconds("0.5"), Ok(0.5));
        assert!(seconds("soon").is_err());
        assert!(seconds("NaN").is_err());
    }

    #[test]
    fn default_max_body_is_the_library_default() {
        let cli = Cli::try_parse_from(["href-counter"]).unwrap();
        assert_eq!(cli.fetch.max_body, hrefs::fetch::DEFAULT_MAX_BODY);
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
