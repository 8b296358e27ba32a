//! A single self-contained HTML page for people: the rating, charts drawn as inline SVG,
//! the audits, every finding and every page. No script and no external asset; web text is
//! escaped as HTML text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::xml;
use crate::crawl::Role;
use crate::sink::CrawlSink;
use crate::site_report::{status_label, SiteReport};

pub(super) struct CrawlHtml<W> {
    w: W,
}

impl<W: Write> CrawlHtml<W> {
    pub(super) fn new(w: W) -> Self {
        CrawlHtml { w }
    }
}

impl<W: Write> CrawlSink for CrawlHtml<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        self.w.write_all(html(report).as_bytes())?;
        self.w.flush()
    }
}

/// What the crawl did not cover, as a list under the header; nothing when it covered all.
fn notices_html(notices: &[String]) -> String {
    if notices.is_empty() {
        return String::new();
    }
    let items: String = notices
        .iter()
        .map(|n| format!("<li>{}</li>", xml(n)))
        .collect();
    format!("<section class=\"notices\"><h2>What this crawl did not cover</h2><ul>{items}</ul></section>")
}

/// A single self-contained HTML page: summary, rating, charts drawn as inline SVG (status
/// codes, internal vs external links, click depth), the audits and every finding. No
/// script, no external asset.
fn html(report: &SiteReport) -> String {
    let s = &report.summary;
    let r = &report.rating;
    let mut body = String::new();
    let _ = write!(
        body,
        "<header><h1>Link audit of <a href=\"{0}\">{0}</a></h1>\
         {1}<p>{3} pages parsed, {4} more URLs checked, {5} broken, {6} redirected, in {7:.1} s.</p>{2}</header>",
        xml(&s.seed),
        match (r.score, r.grade) {
            (Some(score), Some(grade)) => format!(
                "<div class=\"score grade-{grade}\"><span>{score:.1}</span><small>/100</small><b>{grade}</b></div>"
            ),
            _ if s.ending.is_start_problem() => format!(
                "<div class=\"score unrated\"><span>Crawl failed</span><small>not rated: the start page could not be crawled ({})</small></div>",
                s.ending.id()
            ),
            _ => "<div class=\"score unrated\"><span>Not rated</span><small>no page could be read</small></div>".to_string(),
        },
        notices_html(&report.notices()),
        s.pages,
        s.checked,
        s.broken,
        s.redirected,
        s.elapsed_ms / 1000.0,
    );
    // A table of contents of the sections this report has.
    let scored: Vec<_> = r.deductions.iter().filter(|d| d.points > 0.0).collect();
    let why = !scored.is_empty() || r.capped;
    body.push_str("<nav>");
    for (present, id, title) in [
        (!report.fix_first.is_empty(), "fix-first", "Fix first"),
        (why, "why", "Why this score"),
        (true, "audits", "Audits"),
        (true, "findings", "Findings"),
        (true, "pages", "Pages"),
    ] {
        if present {
            let _ = write!(body, "<a href=\"#{id}\">{title}</a>");
        }
    }
    body.push_str("</nav>");
    body.push_str("<section class=\"charts\">");
    let statuses: Vec<(String, f64)> = s
        .statuses
        .iter()
        .map(|(k, &v)| (k.clone(), v as f64))
        .collect();
    body.push_str(&chart("Status codes", &statuses));
    body.push_str(&chart(
        "Links (original tool's counts)",
        &[
            ("internal".to_string(), s.internal as f64),
            ("external".to_string(), s.external as f64),
        ],
    ));
    let mut depths: Vec<(String, f64)> = s
        .depths
        .iter()
        .map(|(k, &v)| (k.clone(), v as f64))
        .collect();
    // Keys are strings ("sitemap" among the numbers): depth 10 goes after 9, not after 1.
    depths.sort_unstable_by_key(|(k, _)| (k.parse::<u32>().unwrap_or(u32::MAX), k.clone()));
    body.push_str(&chart("Pages by click depth", &depths));
    body.push_str("</section>");

    if !report.fix_first.is_empty() {
        body.push_str("<h2 id=\"fix-first\">Fix first</h2><table><tr><th>#</th><th>problem</th><th>cause</th><th>links</th><th>pages</th><th>first at</th><th>restores</th><th>score then</th></tr>");
        for (i, f) in report.fix_first.iter().enumerate() {
            let sources: Vec<String> = f.sources.iter().map(|s| xml(&s.location())).collect();
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>+{:.1}</td><td>{:.1}</td></tr>",
                i + 1,
                f.audit.id(),
                xml(&f.detail),
                xml(&f.cause),
                f.findings,
                f.pages,
                sources.join("<br>"),
                f.points,
                f.score
            );
        }
        body.push_str("</table>");
    }
    if why {
        body.push_str("<h2 id=\"why\">Why this score</h2><table><tr><th>audit</th><th>pages</th><th>findings</th><th>points lost</th></tr>");
        for d in scored {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{} of {}</td><td>{}</td><td>{:.1}</td></tr>",
                d.audit.id(),
                d.pages,
                s.pages,
                d.findings,
                d.points
            );
        }
        body.push_str("</table>");
        if r.capped {
            let _ = write!(
                body,
                "<p>An error-severity finding holds the site at {:.1} at most (grade B).</p>",
                crate::rating::ERROR_CAP
            );
        }
    }
    body.push_str("<h2 id=\"audits\">Audits</h2>");
    // Not a table of passes when nothing was there to audit.
    let audits: &[_] = if s.ending.is_start_problem() {
        body.push_str("<p>The audits did not run: nothing was crawled.</p>");
        &[]
    } else {
        body.push_str("<table><tr><th>audit</th><th>severity</th><th>weight</th><th>findings</th><th>fix</th></tr>");
        &report.audits
    };
    for a in audits {
        let _ = write!(
            body,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if a.findings > 0 {
                a.severity.as_str()
            } else {
                "pass"
            },
            xml(a.title),
            a.severity.as_str(),
            a.weight,
            a.findings,
            xml(a.fix)
        );
    }
    if !s.ending.is_start_problem() {
        body.push_str("</table>");
    }

    let findings = report.findings_worst_first();
    let _ = write!(
        body,
        "<h2 id=\"findings\">Findings ({})</h2>",
        findings.len()
    );
    if !findings.is_empty() {
        body.push_str("<table><tr><th>severity</th><th>audit</th><th>page</th><th>line:col</th><th>link</th><th>text</th><th>detail</th></tr>");
        for f in findings {
            let _ = write!(
                body,
                "<tr class=\"{0}\"><td>{0}</td><td>{1}</td><td><a href=\"{2}\">{2}</a></td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td></tr>",
                f.severity.as_str(),
                f.audit.id(),
                xml(&f.page),
                match (f.line, f.column) {
                    (Some(l), Some(c)) => format!("{l}:{c}"),
                    _ => String::new(),
                },
                xml(f.target.as_deref().unwrap_or("")),
                xml(f.text.as_deref().unwrap_or("")),
                xml(&f.detail)
            );
        }
        body.push_str("</table>");
    }

    body.push_str("<h2 id=\"pages\">Pages</h2><table><tr><th>page</th><th>depth</th><th>status</th><th>internal</th><th>external</th><th>score</th></tr>");
    let scores: BTreeMap<&str, (f64, char)> = r
        .pages
        .iter()
        .map(|p| (p.page.as_str(), (p.score, p.grade)))
        .collect();
    for v in report.visits.iter().filter(|v| v.role == Role::Page) {
        let (internal, external) = v
            .page
            .as_ref()
            .map(|p| (p.counts.internal.to_string(), p.counts.external.to_string()))
            .unwrap_or_default();
        let score = scores
            .get(v.url.as_str())
            .map(|(s, g)| format!("{s:.1} ({g})"))
            .unwrap_or_default();
        let _ = write!(
            body,
            "<tr><td><a href=\"{0}\">{0}</a></td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>",
            xml(&v.url),
            v.depth.map_or("sitemap".to_string(), |d| d.to_string()),
            status_label(v),
            internal,
            external,
            score
        );
    }
    body.push_str("</table>");
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Link audit of {}</title><style>{}</style></head><body>{}</body></html>\n",
        xml(&s.seed),
        STYLE,
        body
    )
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}\
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}\
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}\
:root{color-scheme:light dark}svg text{fill:currentColor}nav a{margin-right:1rem}\
h1{overflow-wrap:anywhere}\
@media (max-width:700px){body{margin:1rem auto}table{display:block;overflow-x:auto}td,th{white-space:nowrap}}\
@media (prefers-color-scheme:dark){body{background:#121212;color:#ddd}td,th{border-color:#3a3a3a}\
a{color:#8ab4f8}.notices{background:#2b2410}tr.error td:first-child{color:#ff8a80}\
tr.warning td:first-child{color:#ffb74d}tr.pass td:first-child{color:#81c784}.unrated{color:#aaa}}\
tr.error td:first-child{color:#b00020;font-weight:600}tr.warning td:first-child{color:#a15c00}\
tr.pass td:first-child{color:#2e7d32}.score{display:inline-flex;gap:.4rem;align-items:baseline;font-size:2.4rem;font-weight:700}\
.score b{font-size:1.6rem;padding:0 .5rem;border-radius:.3rem;color:#fff;background:#2e7d32}\
.grade-B b{background:#689f38}.grade-C b{background:#f9a825}.grade-D b{background:#ef6c00}.grade-F b{background:#c62828}\
.unrated{color:#666}.unrated small{font-size:1rem;font-weight:400}\
.notices{border-left:4px solid #a15c00;background:#fff8e1;padding:.2rem 1rem;margin:1rem 0}.notices h2{font-size:1.1rem}\
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-weight:600}";

/// A horizontal bar chart as inline SVG.
fn chart(title: &str, bars: &[(String, f64)]) -> String {
    const WIDTH: f64 = 320.0;
    const LABEL: f64 = 70.0;
    const ROW: f64 = 22.0;
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1.0);
    let height = ROW * bars.len().max(1) as f64;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        xml(title),
        xml(title)
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = i as f64 * ROW;
        let w = (WIDTH - LABEL - 60.0) * value / max;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.0}\" font-size=\"12\">{}</text><rect x=\"{LABEL}\" y=\"{:.0}\" width=\"{w:.1}\" height=\"{:.0}\" fill=\"#3f6fb5\"/><text x=\"{:.1}\" y=\"{:.0}\" font-size=\"12\">{}</text>",
            y + 15.0,
            xml(label),
            y + 4.0,
            ROW - 8.0,
            LABEL + w + 4.0,
            y + 15.0,
            value
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_scale_to_the_largest_bar() {
        let svg = chart("t", &[("a".into(), 10.0), ("b".into(), 5.0)]);
        assert!(svg.contains("width=\"190.0\""), "{svg}");
        assert!(svg.contains("width=\"95.0\""), "{svg}");
        assert!(!chart("empty", &[]).contains("<rect"));
    }
}
