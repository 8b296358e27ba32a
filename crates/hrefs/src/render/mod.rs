//! Every output format, page and crawl alike, each a [`sink`](crate::sink) in a file of its
//! own; [`page_sink`] and [`crawl_sink`] pick one by name. Web text reaches every format only
//! through the functions of `escape` for that medium.

mod blocks;
mod closing;
mod compat;
mod csv;
mod escape;
mod files;
mod github;
mod html;
mod json;
mod junit;
mod markdown;
mod ndjson;
mod portfolio;
mod progress;
mod sarif;
mod text;

use std::io::Write;

use crate::audit::Severity;
use crate::sink::{CrawlSink, PageSink};

pub use closing::{accepted, closing_line, gate_lines};
pub use escape::{csv_field, sanitize};
pub use portfolio::{write_portfolio, PortfolioFormat};
pub use progress::Meter;

/// How page results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFormat {
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

/// How a crawl's report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrawlFormat {
    /// Markdown: the rating, fix first, the audits and the lowest rated pages, and with
    /// [`Detail::Full`] every finding too.
    Markdown {
        /// Whether every finding is listed.
        detail: Detail,
    },
    /// The whole report as JSON.
    Json,
    /// One JSON object per URL as the crawl goes, then one with the summary and findings.
    Ndjson,
    /// Every link edge: source, line, column, target, text, rel, kind, status.
    Csv,
    /// Every finding: audit, severity, page, line, column, target, text, detail.
    FindingsCsv,
    /// A single self-contained HTML page with charts.
    Html,
    /// JUnit XML, one test case per audit, failed by findings of `fail_at` or worse.
    Junit {
        /// The least severity that fails an audit's test case.
        fail_at: Severity,
    },
    /// SARIF 2.1.0 for code scanning: a rule per audit, a result per finding, at the file
    /// when the site was crawled from disk.
    Sarif,
    /// GitHub Actions annotations, one per finding of `least` severity or worse.
    Github {
        /// The least severity annotated.
        least: Severity,
    },
}

/// How much of a crawl the Markdown report lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// A summary a person reads through: the findings are counted, per audit, not listed
    /// (a site can have thousands), and the report says where to find them.
    Summary,
    /// The summary and every finding, worst first.
    Full,
}

/// The sink writing page results in `format` to `out`; `many` when there are several inputs
/// (some formats then tell them apart, or wrap them in an array).
pub fn page_sink<'a>(
    format: PageFormat,
    many: bool,
    out: impl Write + 'a,
) -> Box<dyn PageSink + 'a> {
    match format {
        PageFormat::Compat => Box::new(compat::Compat::new(many, out)),
        PageFormat::Report => Box::new(text::Text::new(out)),
        PageFormat::Json => Box::new(json::PageJson::new(many, out)),
        PageFormat::Ndjson => Box::new(ndjson::PageNdjson::new(out)),
        PageFormat::Csv => Box::new(csv::PageCsv::new(out)),
        PageFormat::Markdown => Box::new(markdown::PageMarkdown::new(out)),
    }
}

/// The sink writing a crawl in `format` to `out`.
pub fn crawl_sink<'a>(format: CrawlFormat, out: impl Write + 'a) -> Box<dyn CrawlSink + 'a> {
    match format {
        CrawlFormat::Markdown { detail } => Box::new(markdown::CrawlMarkdown::new(detail, out)),
        CrawlFormat::Json => Box::new(json::CrawlJson::new(out)),
        CrawlFormat::Ndjson => Box::new(ndjson::CrawlNdjson::new(out)),
        CrawlFormat::Csv => Box::new(csv::CrawlCsv::new(out)),
        CrawlFormat::FindingsCsv => Box::new(csv::FindingsCsv::new(out)),
        CrawlFormat::Html => Box::new(html::CrawlHtml::new(out)),
        CrawlFormat::Junit { fail_at } => Box::new(junit::CrawlJunit::new(fail_at, out)),
        CrawlFormat::Sarif => Box::new(sarif::CrawlSarif::new(out)),
        CrawlFormat::Github { least } => Box::new(github::CrawlGithub::new(least, out)),
    }
}

/// What a failed page looks like in JSON outputs.
fn error_object(input: &str, err: &crate::Error) -> serde_json::Value {
    serde_json::json!({"input": input, "error": err.to_string()})
}
