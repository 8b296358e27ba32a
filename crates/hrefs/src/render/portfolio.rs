//! The portfolio summary of many sites (`crawl --sites`, `merge`): JSON (what shards write
//! and `merge` reads), Markdown and a self-contained HTML page, one row a site, worst rated
//! first, each with its first fix and its report.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::{json_pretty_into, md_cell, xml};
use crate::portfolio::{Portfolio, SiteOutcome};

/// How a portfolio summary is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortfolioFormat {
    /// JSON: what `merge` reads back.
    Json,
    /// A Markdown table.
    Markdown,
    /// A single self-contained HTML page.
    Html,
}

/// Writes `portfolio` in `format` to `out`.
pub fn write_portfolio(
    portfolio: &Portfolio,
    format: PortfolioFormat,
    mut out: impl Write,
) -> io::Result<()> {
    match format {
        PortfolioFormat::Json => {
            json_pretty_into(&mut out, portfolio)?;
            out.write_all(b"\n")?;
        }
        PortfolioFormat::Markdown => out.write_all(markdown(portfolio).as_bytes())?,
        PortfolioFormat::Html => out.write_all(html(portfolio).as_bytes())?,
    }
    out.flush()
}

fn rating(site: &SiteOutcome) -> String {
    match (site.score, site.grade) {
        (Some(score), Some(grade)) => format!("{score:.1} ({grade})"),
        _ => "not rated".into(),
    }
}

fn fix(site: &SiteOutcome) -> String {
    match (&site.fix_first, &site.failure) {
        (_, Some(failure)) => format!("failed: {failure}"),
        (Some(f), None) => format!(
            "{} {} (+{:.1}, to {:.1})",
            f.audit, f.cause, f.points, f.score
        ),
        (None, None) => "nothing to fix".into(),
    }
}

fn heading(portfolio: &Portfolio) -> String {
    let rated = portfolio.sites.iter().filter(|s| s.score.is_some()).count();
    let failed = portfolio.sites.len() - rated;
    let shard = portfolio
        .shard
        .map(|s| format!(" (shard {}/{})", s.index, s.count))
        .unwrap_or_default();
    format!(
        "{} sites{shard}: {rated} rated, {failed} not rated",
        portfolio.sites.len()
    )
}

fn markdown(portfolio: &Portfolio) -> String {
    let mut out = format!(
        "# Portfolio\n\n{}. Worst rated first.\n\n",
        heading(portfolio)
    );
    out.push_str("| site | rating | pages | errors | warnings | notices | fix first | report |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for s in &portfolio.sites {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            md_cell(&s.seed),
            rating(s),
            s.pages,
            s.errors,
            s.warnings,
            s.notices,
            md_cell(&fix(s)),
            md_cell(s.report.as_deref().unwrap_or("none")),
        );
    }
    out
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;\
padding:1rem;color:#1b1b1b;background:#fff}table{border-collapse:collapse;width:100%}\
th,td{padding:.35rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top;\
overflow-wrap:anywhere}td.n{text-align:right;white-space:nowrap}.wrap{overflow-x:auto}\
.failed{color:#b00020}a{color:#0b57d0}@media(prefers-color-scheme:dark){body{color:#e6e6e6;\
background:#121212}th,td{border-color:#333}a{color:#8ab4f8}.failed{color:#ff8a80}}";

fn html(portfolio: &Portfolio) -> String {
    let mut rows = String::new();
    for s in &portfolio.sites {
        let report = match &s.report {
            Some(file) => format!("<a href=\"{0}\">{0}</a>", xml(file)),
            None => "none".into(),
        };
        let class = if s.failure.is_some() {
            " class=\"failed\""
        } else {
            ""
        };
        let _ = writeln!(
            rows,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td{class}>{}</td><td>{report}</td></tr>",
            xml(&s.seed),
            xml(&rating(s)),
            s.pages,
            s.errors,
            s.warnings,
            s.notices,
            xml(&fix(s)),
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Portfolio: {heading}</title><style>{STYLE}</style></head><body>\n\
         <h1>Portfolio</h1>\n<p>{heading}. Worst rated first.</p>\n<div class=\"wrap\"><table>\n\
         <thead><tr><th>site</th><th>rating</th><th>pages</th><th>errors</th><th>warnings</th>\
         <th>notices</th><th>fix first</th><th>report</th></tr></thead>\n<tbody>\n{rows}</tbody>\
         </table></div>\n<footer><p>href-counter {version}</p></footer>\n</body></html>\n",
        heading = xml(&heading(portfolio)),
        version = env!("CARGO_PKG_VERSION"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::{FixLine, Shard};

    fn portfolio() -> Portfolio {
        let site = |origin: &str, score: Option<f64>| SiteOutcome {
            origin: origin.into(),
            seed: format!("{origin}/<b>|x"),
            score,
            grade: score.map(|_| 'B'),
            pages: 3,
            errors: 1,
            warnings: 2,
            notices: 0,
            fix_first: score.map(|_| FixLine {
                audit: "broken-link".into(),
                cause: "https://x/\"gone\"".into(),
                points: 10.5,
                score: 95.0,
            }),
            report: score.map(|_| "https_a_443.json".to_string()),
            failure: score
                .is_none()
                .then(|| "connection refused by https://b/".to_string()),
        };
        Portfolio::new(
            Shard::new(0, 2),
            vec![
                site("https://a:443", Some(80.0)),
                site("https://b:443", None),
            ],
        )
    }

    #[test]
    fn every_format_names_each_site_escaped() {
        let p = portfolio();
        let mut md = Vec::new();
        write_portfolio(&p, PortfolioFormat::Markdown, &mut md).unwrap();
        let md = String::from_utf8(md).unwrap();
        assert!(
            md.contains("2 sites (shard 0/2): 1 rated, 1 not rated"),
            "{md}"
        );
        assert!(md.contains("| https://a:443/\\<b>\\|x | 80.0 (B) | 3 | 1 | 2 | 0 | broken-link https://x/\"gone\" (+10.5, to 95.0) | https_a_443.json |"), "{md}");
        assert!(md.contains("| not rated |"), "{md}");
        assert!(
            md.contains("failed: connection refused by https://b/"),
            "{md}"
        );
        let mut html = Vec::new();
        write_portfolio(&p, PortfolioFormat::Html, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("https://a:443/&lt;b&gt;|x"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("<a href=\"https_a_443.json\">"), "{html}");
        let mut json = Vec::new();
        write_portfolio(&p, PortfolioFormat::Json, &mut json).unwrap();
        let back: Portfolio = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, p);
    }
}
