//! A single self-contained HTML page for people: the rating, charts drawn as inline SVG,
//! the audits, their findings (collapsed, the first of each audit), every page (collapsed),
//! and a footer saying what made the report. No script and no external asset; web text is
//! escaped as HTML text, and only http(s) URLs become links.

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

/// Findings shown per audit; the rest are counted, and the JSON report and the findings CSV
/// have them all. A site's thousands of findings would make a page of hundreds of thousands
/// of pixels that no one reads; the first fifty show what the problem looks like.
const SHOWN_PER_AUDIT: usize = 50;

/// A single self-contained HTML page: summary, rating, charts drawn as inline SVG (status
/// codes, internal vs external links, click depth), the audits, their findings (one
/// collapsed section each), every page, and the crawl's date and settings. No script, no
/// external asset.
fn html(report: &SiteReport) -> String {
    let s = &report.summary;
    let r = &report.rating;
    let mut body = String::new();
    let _ = write!(
        body,
        "<header><h1>SEO audit of {0}</h1>\
         {1}<p>{3} pages parsed, {4} more URLs checked, {5} broken, {6} redirected, in {7:.1} s.</p>{2}</header>",
        link(&s.seed),
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
        (true, "settings", "Settings"),
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

    // On a phone, fix first keeps the problem, its cause and the score fixing it gives; where
    // it is comes in the findings.
    if !report.fix_first.is_empty() {
        body.push_str("<h2 id=\"fix-first\">Fix first</h2><div class=\"scroll\"><table><tr><th class=\"n\">#</th><th>problem</th><th>cause</th><th class=\"n wide\">findings</th><th class=\"n wide\">pages</th><th class=\"wide\">first at</th><th class=\"n wide\">restores</th><th class=\"n\">score then</th></tr>");
        for (i, f) in report.fix_first.iter().enumerate() {
            let sources: Vec<String> = f.sources.iter().map(|s| breakable(&s.location())).collect();
            let _ = write!(
                body,
                "<tr><td class=\"n\">{}</td><td>{} ({})</td><td>{}</td><td class=\"n wide\">{}</td><td class=\"n wide\">{}</td><td class=\"wide\">{}</td><td class=\"n wide\">+{:.1}</td><td class=\"n\">{:.1}</td></tr>",
                i + 1,
                f.audit.id(),
                xml(&f.detail),
                breakable(&f.cause),
                f.findings,
                f.pages,
                sources.join("<br>"),
                f.points,
                f.score
            );
        }
        body.push_str("</table></div>");
    }
    if why {
        body.push_str("<h2 id=\"why\">Why this score</h2><div class=\"scroll fit\"><table><tr><th>audit</th><th class=\"n\">pages</th><th class=\"n\">findings</th><th class=\"n\">points lost</th></tr>");
        for d in scored {
            let _ = write!(
                body,
                "<tr><td>{}</td><td class=\"n\">{} of {}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}</td></tr>",
                d.audit.id(),
                d.pages,
                s.pages,
                d.findings,
                d.points
            );
        }
        body.push_str("</table></div>");
        if r.capped {
            let _ = write!(
                body,
                "<p>An error-severity finding holds the site at {:.1} at most (grade B).</p>",
                crate::rating::ERROR_CAP
            );
        }
    }
    body.push_str("<h2 id=\"audits\">Audits</h2>");
    if s.ending.is_start_problem() {
        // Not a table of passes when nothing was there to audit.
        body.push_str("<p>The audits did not run: nothing was crawled.</p>");
    } else {
        audits_html(&mut body, report);
    }
    findings_html(&mut body, report);
    pages_html(&mut body, report);
    footer_html(&mut body, report);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>SEO audit of {}</title><style>{}</style></head><body>{}</body></html>\n",
        xml(&s.seed),
        STYLE,
        body
    )
}

/// The audits table, each count leading to its findings. The fix goes under the audit's
/// title rather than in a column of its own, and a phone does without the weight (it is in
/// docs/rating.md): more columns would leave a word per line.
fn audits_html(body: &mut String, report: &SiteReport) {
    body.push_str("<div class=\"scroll\"><table><tr><th>audit and fix</th><th>severity</th><th class=\"n wide\">weight</th><th class=\"n\">findings</th><th class=\"n\">pages</th></tr>");
    for a in &report.audits {
        let findings = if a.findings > 0 {
            format!("<a href=\"#audit-{}\">{}</a>", a.id, a.findings)
        } else {
            "0".to_string()
        };
        let _ = write!(
            body,
            "<tr class=\"{}\"><td><span class=\"title\">{}</span><small>{}</small></td><td>{}</td><td class=\"n wide\">{}</td><td class=\"n\">{findings}</td><td class=\"n\">{}</td></tr>",
            if a.findings > 0 {
                a.severity.as_str()
            } else {
                "pass"
            },
            xml(a.title),
            xml(a.fix),
            a.severity.as_str(),
            a.weight,
            a.pages
        );
    }
    body.push_str("</table></div>");
}

/// The findings, one collapsed section per audit with findings, worst audits first, each
/// showing its first [`SHOWN_PER_AUDIT`]. On a phone each finding is a card, its cells one
/// under the other: five columns of URLs do not fit side by side.
fn findings_html(body: &mut String, report: &SiteReport) {
    let findings = report.findings_worst_first();
    let _ = write!(
        body,
        "<h2 id=\"findings\">Findings ({})</h2>",
        findings.len()
    );
    let mut audits: Vec<_> = report.audits.iter().filter(|a| a.findings > 0).collect();
    audits.sort_by_key(|a| a.severity);
    for a in audits {
        let _ = write!(
            body,
            "<details id=\"audit-{}\"><summary><span class=\"sev {}\">{}</span> {} <span class=\"count\">{} on {} page{}</span></summary>\
             <div class=\"scroll findings\"><table><tr><th>page</th><th class=\"n\">line:col</th><th>link</th><th>text</th><th>detail</th></tr>",
            a.id,
            a.severity.as_str(),
            a.severity.as_str(),
            xml(a.title),
            a.findings,
            a.pages,
            if a.pages == 1 { "" } else { "s" }
        );
        let of_audit = findings.iter().filter(|f| f.audit.id() == a.id);
        for f in of_audit.take(SHOWN_PER_AUDIT) {
            let _ = write!(
                body,
                "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                link(&f.page),
                match (f.line, f.column) {
                    (Some(l), Some(c)) => format!("{l}:{c}"),
                    _ => String::new(),
                },
                f.target.as_deref().map(link).unwrap_or_default(),
                xml(f.text.as_deref().unwrap_or("")),
                xml(&f.detail)
            );
        }
        body.push_str("</table></div>");
        if a.findings > SHOWN_PER_AUDIT {
            let _ = write!(
                body,
                "<p class=\"more\">{} more in the JSON report (--format json) or the findings CSV (--format findings-csv).</p>",
                a.findings - SHOWN_PER_AUDIT
            );
        }
        body.push_str("</details>");
    }
}

/// Every page crawled, collapsed: a site's hundreds of rows are for looking one up.
fn pages_html(body: &mut String, report: &SiteReport) {
    let pages: Vec<_> = report
        .visits
        .iter()
        .filter(|v| v.role == Role::Page)
        .collect();
    let _ = write!(
        body,
        "<h2 id=\"pages\">Pages ({})</h2><details><summary>Each page's depth, status, links and score</summary>\
         <div class=\"scroll\"><table><tr><th>page</th><th class=\"n\">depth</th><th class=\"n\">status</th><th class=\"n\">internal</th><th class=\"n\">external</th><th class=\"n\">score</th></tr>",
        pages.len()
    );
    let scores: BTreeMap<&str, (f64, char)> = report
        .rating
        .pages
        .iter()
        .map(|p| (p.page.as_str(), (p.score, p.grade)))
        .collect();
    for v in pages {
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
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            link(&v.url),
            v.depth.map_or("sitemap".to_string(), |d| d.to_string()),
            status_label(v),
            internal,
            external,
            score
        );
    }
    body.push_str("</table></div></details>");
}

/// What made the report: the tool's version, when the crawl started, from where and with
/// which settings (a report read months later says what it covered).
fn footer_html(body: &mut String, report: &SiteReport) {
    let s = &report.summary;
    let c = &s.settings;
    let limit = |n: Option<usize>| n.map_or("none".to_string(), |n| n.to_string());
    let zero_none = |n: usize| limit((n > 0).then_some(n));
    let patterns = |p: &[String]| match p {
        [] => "none".to_string(),
        p => p.iter().map(|p| xml(p)).collect::<Vec<_>>().join(" "),
    };
    let yes_no = |b: bool, yes: &str, no: &str| if b { yes } else { no }.to_string();
    let settings = [
        ("scope", c.scope.to_string()),
        ("include", patterns(&c.include)),
        ("exclude", patterns(&c.exclude)),
        (
            "max depth",
            c.max_depth.map_or("none".to_string(), |d| d.to_string()),
        ),
        ("max pages", limit(c.max_pages)),
        ("max URL length", zero_none(c.max_url_length)),
        ("max path segments", zero_none(c.max_path_segments)),
        ("max repeats", zero_none(c.max_repeats)),
        ("max query variants", zero_none(c.max_query_variants)),
        (
            "max memory",
            c.max_memory_mib
                .map_or("none".to_string(), |m| format!("{m} MiB")),
        ),
        ("max links per page", limit(c.max_links_per_page)),
        ("concurrency", c.concurrency.to_string()),
        ("per host", c.per_host.to_string()),
        ("interval", format!("{} s", c.interval_secs)),
        ("retries", c.retries.to_string()),
        ("robots.txt", yes_no(c.robots, "honoured", "ignored")),
        ("sitemaps", yes_no(c.sitemaps, "read", "not read")),
        (
            "other sites' links",
            yes_no(c.check_external, "checked", "not checked"),
        ),
    ];
    let _ = write!(
        body,
        "<footer><p>Report by href-counter {} of the crawl started <time datetime=\"{}\">{}</time> at {}.</p>\
         <h2 id=\"settings\">Settings</h2><ul class=\"settings\">",
        env!("CARGO_PKG_VERSION"),
        xml(&s.started),
        xml(&s.started.replace('T', " ").replace('Z', " UTC")),
        link(&s.seed)
    );
    for (name, value) in settings {
        let _ = write!(body, "<li>{name} <b>{value}</b></li>");
    }
    body.push_str("</ul></footer>");
}

/// `url` as a link when it is an `http:` or `https:` URL, and as text otherwise: a report
/// must never hand its reader a `javascript:` or `data:` link a crawled page planted. The
/// link goes to the URL as parsed (what the browser would open), without a referrer or a
/// ranking signal (the report may be published), and without access to the report's tab.
fn link(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>",
            xml(parsed.as_str()),
            breakable(url)
        ),
        _ => breakable(url),
    }
}

/// `url` as HTML text that a narrow column wraps after a `/` (`<wbr>`), rather than
/// anywhere in a word (`contents.h|tml`); `//` stays whole.
fn breakable(url: &str) -> String {
    let text = xml(url);
    let mut out = String::with_capacity(text.len() + 32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '/' && chars.peek().is_some_and(|&next| next != '/') {
            out.push_str("<wbr>");
        }
    }
    out
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}\
h1{font-size:1.4rem;overflow-wrap:anywhere}table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}\
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}\
.scroll{overflow-x:auto}.n{text-align:right;white-space:nowrap;overflow-wrap:normal}th.n{white-space:normal}\
:root{color-scheme:light dark}svg text{fill:currentColor}nav{display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin:1rem 0}\
tr.error .title{color:#b00020;font-weight:600}tr.warning .title{color:#a15c00}\
tr.pass .title{color:#2e7d32}td small{display:block;color:#555}.score{display:inline-flex;gap:.4rem;align-items:baseline;font-size:2.4rem;font-weight:700}\
.score b{font-size:1.6rem;padding:0 .5rem;border-radius:.3rem;color:#fff;background:#2e7d32}\
.grade-B b{background:#689f38}.grade-C b{background:#f9a825}.grade-D b{background:#ef6c00}.grade-F b{background:#c62828}\
.unrated{color:#666}.unrated small{font-size:1rem;font-weight:400}\
.notices{border-left:4px solid #a15c00;background:#fff8e1;padding:.2rem 1rem;margin:1rem 0}.notices h2{font-size:1.1rem}\
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0;max-width:100%;overflow-x:auto}figcaption{font-weight:600}\
details{border:1px solid #ddd;border-radius:.4rem;margin:.5rem 0;padding:0 .7rem}\
summary{cursor:pointer;padding:.5rem 0;font-weight:600}details table{margin:.2rem 0 .6rem}\
.sev{display:inline-block;min-width:4.2rem;text-align:center;font-size:.8rem;padding:0 .3rem;border-radius:.3rem;color:#fff;background:#546e7a}\
.sev.error{background:#b00020}.sev.warning{background:#a15c00}.count{font-weight:400;color:#555}\
.more{font-size:.9rem;color:#555}footer{margin-top:2.5rem;border-top:1px solid #ddd;font-size:.85rem;color:#555}\
footer h2{font-size:1rem;margin:.5rem 0}.settings{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;list-style:none;padding:0;margin:0 0 2rem}\
.fit table{width:auto;min-width:60%}\
@media (max-width:700px){body{margin:1rem auto}table{font-size:.85rem}td,th{padding:.3rem}\
details{padding:0 .4rem}}@media (max-width:500px){.wide{display:none}\
.findings tr:first-child{display:none}.findings tr{display:block;border-bottom:1px solid #ddd;padding:.3rem 0}\
.findings td{display:block;border:0;padding:0 .2rem;text-align:left}.findings td:empty{display:none}}\
@media (prefers-color-scheme:dark){body{background:#121212;color:#ddd}td,th,details,footer,.findings tr{border-color:#3a3a3a}\
a{color:#8ab4f8}.notices{background:#2b2410}tr.error .title{color:#ff8a80}\
tr.warning .title{color:#ffb74d}tr.pass .title{color:#81c784}.unrated{color:#aaa}\
.count,.more,footer,td small{color:#aaa}.sev.error{background:#c62828}.sev.warning{background:#b26a00}}";

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

    #[test]
    fn only_http_and_https_urls_become_links() {
        for text in [
            "javascript:alert(1)",
            "JavaScript:x",
            " vbscript:y",
            "mailto:a@b.example",
        ] {
            assert_eq!(link(text), xml(text), "{text}");
        }
        assert_eq!(link("data:text/html,<b>"), "data:text/<wbr>html,&lt;b&gt;");
        // The href is the URL as parsed, escaped for an attribute; the text is as found.
        assert_eq!(
            link("https://a.example/x?q=\"'<>"),
            "<a href=\"https://a.example/x?q=%22%27%3C%3E\" rel=\"noopener noreferrer nofollow\">\
             https://<wbr>a.example/<wbr>x?q=&quot;&#39;&lt;&gt;</a>"
        );
    }
}
