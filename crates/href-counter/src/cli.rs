//! The command line: every flag and all help text.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use hrefs::classify::Scope;

const AFTER_HELP: &str = "\
Examples:
  url=https://example.com/ href-counter          the original tool's way: {\"internal\":N,\"external\":M}
  href-counter https://example.com/              the same, from an argument
  href-counter --report https://example.com/     every link, by kind, with rel, text and position
  href-counter --format json https://a.example/ https://b.example/
  href-counter --base https://example.com/ page.html
  curl -s https://example.com/ | href-counter --base https://example.com/ -

Counting is exactly the original Go tool's: a link is internal when its host equals the page
URL's host as typed (port included), when it starts with '#', or when it has no host
(relative, mailto:, tel:, javascript:); otherwise external. Links Go's url.Parse rejects are
counted in neither.

Exit codes: 0 every page was read; 1 at least one page failed (the others are still printed);
2 usage or configuration error (bad flag, no input, invalid URL, missing --base).";

/// Count the internal and external links of web pages, or report them in detail.
#[derive(Debug, Parser)]
#[command(name = "href-counter", version, about, after_help = AFTER_HELP)]
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

    /// What counts as the same site in reports: the host, or the registrable domain
    /// (www.example.com and example.com are one site). The compat counts never change.
    #[arg(long, default_value = "host", value_parser = parse_scope)]
    pub(crate) scope: Scope,

    /// The page URL that local files and standard input are classified against.
    #[arg(long, value_name = "URL")]
    pub(crate) base: Option<String>,

    /// Give up on a page after this many seconds, redirects and body included.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, default_value_t = hrefs::fetch::DEFAULT_TIMEOUT.as_secs_f64())]
    pub(crate) timeout: f64,

    /// Give up connecting after this many seconds.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, default_value_t = hrefs::fetch::DEFAULT_CONNECT_TIMEOUT.as_secs_f64())]
    pub(crate) connect_timeout: f64,

    /// Largest body read, after decompression: bytes, or with a unit (64KiB, 32MiB, 1GiB);
    /// 0 for no limit.
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub(crate) max_body: u64,

    /// Most redirects followed per page.
    #[arg(long, value_name = "N", default_value_t = hrefs::fetch::DEFAULT_MAX_REDIRECTS)]
    pub(crate) max_redirects: usize,

    /// Also trust this CA certificate (PEM file); may be repeated. The compiled-in Mozilla
    /// roots and the system store (SSL_CERT_FILE, SSL_CERT_DIR) are always trusted.
    #[arg(long, value_name = "FILE")]
    pub(crate) ca_cert: Vec<PathBuf>,
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

fn parse_scope(s: &str) -> Result<Scope, String> {
    s.parse()
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
    fn default_max_body_is_the_library_default() {
        let cli = Cli::try_parse_from(["href-counter"]).unwrap();
        assert_eq!(cli.max_body, hrefs::fetch::DEFAULT_MAX_BODY);
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
