//! The report of a whole-site crawl: summary, rating, audits and findings, every page, and
//! its renderings (JSON, CSV of link edges, Markdown, a self-contained HTML page, JUnit XML).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::audit::{self, Audit, Finding, Severity};
use crate::crawl::{Crawl, Role, Visit};
use crate::links::{rel_names, Links, Sym, NONE};
use crate::rating::{self, Rating};
use crate::report::csv_field;

/// Totals over the crawl.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The crawl's start URL.
    pub seed: String,
    /// Pages parsed.
    pub pages: usize,
    /// URLs only checked (off-site, past a limit, not HTML...).
    pub checked: usize,
    /// URLs that answered 4xx/5xx or not at all.
    pub broken: usize,
    /// URLs that redirected.
    pub redirected: usize,
    /// Pages robots.txt kept the crawl from.
    pub robots_disallowed: usize,
    /// The original tool's internal count, summed over the pages.
    pub internal: u64,
    /// The original tool's external count, summed over the pages.
    pub external: u64,
    /// URLs per final HTTP status (`"error"` for no answer).
    pub statuses: BTreeMap<String, usize>,
    /// Parsed pages per click depth (`"sitemap"` for pages only a sitemap leads to).
    pub depths: BTreeMap<String, usize>,
    /// Findings per severity.
    pub severities: BTreeMap<&'static str, usize>,
    /// Whether the crawl was stopped before it was complete.
    pub interrupted: bool,
    /// Wall time of the crawl, in milliseconds.
    pub elapsed_ms: f64,
}

/// An audit as the report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditLine {
    /// The id (`broken-link`...).
    pub id: &'static str,
    /// A title.
    pub title: &'static str,
    /// How bad its findings are.
    pub severity: Severity,
    /// Its weight in the rating.
    pub weight: f64,
    /// Findings over the site.
    pub findings: usize,
    /// The fix, in words.
    pub fix: &'static str,
}

/// Everything a crawl found, ready to render.
#[derive(Debug, Clone)]
pub struct SiteReport {
    /// Totals.
    pub summary: Summary,
    /// The SEO rating.
    pub rating: Rating,
    /// Every audit, with its findings count.
    pub audits: Vec<AuditLine>,
    /// Every finding, page by page.
    pub findings: Vec<Finding>,
    /// Every URL visited.
    pub visits: Vec<Visit>,
    /// Every link of every parsed page.
    pub links: Links,
    /// Sitemap files that could not be read.
    pub sitemap_errors: Vec<String>,
}

impl SiteReport {
    /// Audits and rates `crawl`.
    pub fn new(crawl: Crawl) -> SiteReport {
        let findings = audit::audit(&crawl);
        let rating = rating::rate(&crawl, &findings);
        let audits = Audit::ALL
            .iter()
            .map(|&a| AuditLine {
                id: a.id(),
                title: a.title(),
                severity: a.severity(),
                weight: rating::weight(a),
                findings: findings.iter().filter(|f| f.audit == a).count(),
                fix: a.fix(),
            })
            .collect();
        let summary = summarize(&crawl, &findings);
        SiteReport {
            summary,
            rating,
            audits,
            findings,
            visits: crawl.visits,
            links: crawl.links,
            sitemap_errors: crawl.sitemap_errors,
        }
    }

    /// The findings, errors first, then warnings, then notices (page order within each).
    fn findings_worst_first(&self) -> Vec<&Finding> {
        let mut findings: Vec<&Finding> = self.findings.iter().collect();
        findings.sort_by_key(|f| f.severity);
        findings
    }

    /// Whether there is a finding at least as bad as `severity`.
    pub fn has_findings_at(&self, severity: Severity) -> bool {
        self.findings.iter().any(|f| f.severity <= severity)
    }

    /// Writes the whole report as compact JSON (a crawl's can run to tens of MB: indenting
    /// it would add a third), every link included, without building it in memory first.
    ///
    /// The links, most of the document, are written by hand: serde's string escaping looks at
    /// every byte on its own, where almost no URL or link text needs escaping at all.
    pub fn write_json(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        // The parts before the links are written through as they serialize: for a large
        // site the visits alone run to tens of MB.
        out.write_all(b"{\"summary\":")?;
        json_into(&mut out, &self.summary)?;
        out.write_all(b",\"rating\":")?;
        json_into(&mut out, &self.rating)?;
        out.write_all(b",\"audits\":")?;
        json_into(&mut out, &self.audits)?;
        out.write_all(b",\"findings\":")?;
        json_into(&mut out, &self.findings)?;
        out.write_all(b",\"visits\":")?;
        json_into(&mut out, &self.visits)?;
        out.write_all(b",\"links\":[")?;
        let count = self.links.len();
        let plain = PlainStrings::of(&self.links);
        write_blocks(&mut out, count.div_ceil(BLOCK), |block, buf| {
            let start = block * BLOCK;
            let end = (start + BLOCK).min(count);
            self.links_json(start..end, &plain, buf);
        })?;
        let mut buf = b"]".to_vec();
        if !self.sitemap_errors.is_empty() {
            buf.extend_from_slice(b",\"sitemap_errors\":");
            json_into(&mut buf, &self.sitemap_errors)?;
        }
        buf.push(b'}');
        out.write_all(&buf)
    }

    /// The JSON of the links at `range` of the edges, each after a ',' but the very first.
    fn links_json(&self, range: std::ops::Range<usize>, plain: &PlainStrings, buf: &mut Vec<u8>) {
        let links = &self.links;
        let push_sym = |buf: &mut Vec<u8>, sym: Sym| {
            if plain.contains(sym) {
                push_json_plain(buf, &[links.str(sym)]);
            } else {
                push_json_str(buf, links.str(sym));
            }
        };
        // Edges come page by page: each page's URL is escaped once, not once per link.
        let mut page_json = Vec::new();
        let mut page_of_json = None;
        for (i, (visit, edge)) in links.range(range.clone()).enumerate() {
            if range.start + i > 0 {
                buf.push(b',');
            }
            if page_of_json != Some(visit) {
                let page = self.visits.get(visit).map_or("", |v| v.url.as_str());
                page_json.clear();
                push_json_str(&mut page_json, page);
                page_of_json = Some(visit);
            }
            buf.extend_from_slice(b"{\"page\":");
            buf.extend_from_slice(&page_json);
            let mut number = itoa::Buffer::new();
            buf.extend_from_slice(b",\"line\":");
            buf.extend_from_slice(number.format(edge.line).as_bytes());
            buf.extend_from_slice(b",\"column\":");
            buf.extend_from_slice(number.format(edge.column).as_bytes());
            buf.extend_from_slice(b",\"href\":");
            push_sym(buf, edge.href);
            if let Some(parts) = links.url_parts(edge) {
                buf.extend_from_slice(b",\"url\":");
                if plain.contains(edge.url)
                    && (edge.fragment == NONE || plain.contains(edge.fragment))
                {
                    push_json_plain(buf, &parts);
                } else {
                    push_json_parts(buf, &parts);
                }
            }
            buf.extend_from_slice(b",\"kind\":");
            // A kind's name is a plain lowercase word.
            push_json_plain(buf, &[edge.kind.as_str()]);
            buf.extend_from_slice(b",\"text\":");
            push_sym(buf, edge.text);
            if edge.rel != 0 {
                buf.extend_from_slice(b",\"rel\":");
                push_json_str(buf, &rel_names(edge.rel));
            }
            if edge.blank {
                buf.extend_from_slice(b",\"target_blank\":true");
            }
            buf.push(b'}');
        }
    }

    /// Every link edge as CSV: source page, line, column, target, anchor text, rel, and the
    /// target's status (empty when it was not checked) or error.
    pub fn write_csv(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        let status: BTreeMap<&str, String> = self
            .visits
            .iter()
            .map(|v| {
                let s = match (&v.error, v.status) {
                    (Some(e), _) => e.clone(),
                    (None, Some(s)) => s.to_string(),
                    (None, None) if v.robots_disallowed => "robots.txt".to_string(),
                    (None, None) => String::new(),
                };
                (v.url.as_str(), s)
            })
            .collect();
        out.write_all(b"source,line,column,target,text,rel,kind,status\n")?;
        let links = &self.links;
        for (visit, edge) in links.iter() {
            let Some(source) = self.visits.get(visit) else {
                continue;
            };
            let target = links
                .url(edge)
                .unwrap_or_else(|| links.str(edge.href).into());
            let fields = [
                source.url.as_str(),
                &edge.line.to_string(),
                &edge.column.to_string(),
                &target,
                links.str(edge.text),
                &rel_names(edge.rel),
                edge.kind.as_str(),
                status
                    .get(links.str(edge.target))
                    .map_or("", String::as_str),
            ];
            let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            writeln!(out, "{}", row.join(","))?;
        }
        Ok(())
    }

    /// A Markdown summary: rating, totals, audits, findings (errors and warnings first).
    pub fn to_markdown(&self) -> String {
        let s = &self.summary;
        let r = &self.rating;
        let mut out = String::new();
        let _ = writeln!(out, "# Link audit of {}\n", s.seed);
        let _ = writeln!(
            out,
            "**SEO rating: {:.1}/100 ({})** over {} pages.{}\n",
            r.score,
            r.grade,
            s.pages,
            if s.interrupted {
                " The crawl was interrupted: this covers what was crawled."
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "| pages | checked | broken | redirected | robots.txt | internal | external | time |"
        );
        let _ = writeln!(
            out,
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {:.1} s |\n",
            s.pages,
            s.checked,
            s.broken,
            s.redirected,
            s.robots_disallowed,
            s.internal,
            s.external,
            s.elapsed_ms / 1000.0
        );
        let _ = writeln!(out, "## Audits\n");
        let _ = writeln!(out, "| audit | severity | weight | findings | fix |");
        let _ = writeln!(out, "| --- | --- | ---: | ---: | --- |");
        for a in &self.audits {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                a.title,
                a.severity.as_str(),
                a.weight,
                a.findings,
                md(a.fix)
            );
        }
        let findings = self.findings_worst_first();
        if !findings.is_empty() {
            let _ = writeln!(out, "\n## Findings\n");
            let _ = writeln!(
                out,
                "| severity | audit | page | line | link | text | detail |"
            );
            let _ = writeln!(out, "| --- | --- | --- | ---: | --- | --- | --- |");
            for f in findings {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    f.severity.as_str(),
                    f.audit.id(),
                    md(&f.page),
                    f.line.map(|l| l.to_string()).unwrap_or_default(),
                    md(f.target.as_deref().unwrap_or("")),
                    md(f.text.as_deref().unwrap_or("")),
                    md(&f.detail)
                );
            }
        }
        let worst: Vec<_> = {
            let mut pages: Vec<_> = r.pages.iter().filter(|p| p.score < 100.0).collect();
            pages.sort_by(|a, b| a.score.total_cmp(&b.score));
            pages.into_iter().take(20).collect()
        };
        if !worst.is_empty() {
            let _ = writeln!(out, "\n## Lowest rated pages\n");
            let _ = writeln!(out, "| page | score | grade | points lost to |");
            let _ = writeln!(out, "| --- | ---: | --- | --- |");
            for p in worst {
                let why: Vec<String> = p
                    .deductions
                    .iter()
                    .map(|d| format!("{} ×{} (−{})", d.audit.id(), d.findings, d.points))
                    .collect();
                let _ = writeln!(
                    out,
                    "| {} | {:.1} | {} | {} |",
                    md(&p.page),
                    p.score,
                    p.grade,
                    why.join(", ")
                );
            }
        }
        out
    }

    /// JUnit XML: one test case per audit, failed when it has findings of severity `fail_at`
    /// or worse (one `<failure>` listing them), so CI systems show the audit like a test run.
    pub fn to_junit(&self, fail_at: Severity) -> String {
        let mut cases = String::new();
        let mut failures = 0;
        for a in &self.audits {
            let audit = Audit::ALL
                .into_iter()
                .find(|x| x.id() == a.id)
                .expect("audit lines come from Audit::ALL");
            let found: Vec<&Finding> = self.findings.iter().filter(|f| f.audit == audit).collect();
            let _ = write!(
                cases,
                "    <testcase classname=\"href-counter.audit\" name=\"{}\">",
                xml(a.id)
            );
            if !found.is_empty() && a.severity <= fail_at {
                failures += 1;
                let mut body = String::new();
                for f in &found {
                    let _ = writeln!(
                        body,
                        "{}{} {} {}",
                        f.page,
                        f.line.map(|l| format!(":{l}")).unwrap_or_default(),
                        f.target.as_deref().unwrap_or(""),
                        f.detail
                    );
                }
                let _ = write!(
                    cases,
                    "\n      <failure message=\"{} {}: {}\" type=\"{}\">{}</failure>\n    ",
                    found.len(),
                    if found.len() == 1 {
                        "finding"
                    } else {
                        "findings"
                    },
                    xml(a.title),
                    a.severity.as_str(),
                    xml(&body)
                );
            } else if !found.is_empty() {
                let _ = write!(
                    cases,
                    "\n      <system-out>{} findings below the failure threshold</system-out>\n    ",
                    found.len()
                );
            }
            cases.push_str("</testcase>\n");
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"href-counter audit of {}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3}\">\n{}  </testsuite>\n</testsuites>\n",
            xml(&self.summary.seed),
            self.audits.len(),
            failures,
            self.summary.elapsed_ms / 1000.0,
            cases
        )
    }

    /// A single self-contained HTML page: summary, rating, charts drawn as inline SVG (status
    /// codes, internal vs external links, click depth), the audits and every finding. No
    /// script, no external asset.
    pub fn to_html(&self) -> String {
        let s = &self.summary;
        let r = &self.rating;
        let mut body = String::new();
        let _ = write!(
            body,
            "<header><h1>Link audit of <a href=\"{0}\">{0}</a></h1>\
             <div class=\"score grade-{1}\"><span>{2:.1}</span><small>/100</small><b>{1}</b></div>\
             <p>{3} pages parsed, {4} more URLs checked, {5} broken, {6} redirected, in {7:.1} s.{8}</p></header>",
            xml(&s.seed),
            r.grade,
            r.score,
            s.pages,
            s.checked,
            s.broken,
            s.redirected,
            s.elapsed_ms / 1000.0,
            if s.interrupted { " <strong>The crawl was interrupted.</strong>" } else { "" }
        );
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
        let depths: Vec<(String, f64)> = s
            .depths
            .iter()
            .map(|(k, &v)| (k.clone(), v as f64))
            .collect();
        body.push_str(&chart("Pages by click depth", &depths));
        body.push_str("</section>");

        body.push_str("<h2>Audits</h2><table><tr><th>audit</th><th>severity</th><th>weight</th><th>findings</th><th>fix</th></tr>");
        for a in &self.audits {
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
        body.push_str("</table>");

        let findings = self.findings_worst_first();
        let _ = write!(body, "<h2>Findings ({})</h2>", findings.len());
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

        body.push_str("<h2>Pages</h2><table><tr><th>page</th><th>depth</th><th>status</th><th>internal</th><th>external</th><th>score</th></tr>");
        let scores: BTreeMap<&str, (f64, char)> = r
            .pages
            .iter()
            .map(|p| (p.page.as_str(), (p.score, p.grade)))
            .collect();
        for v in self.visits.iter().filter(|v| v.role == Role::Page) {
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
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}\
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}\
td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top;word-break:break-all}\
tr.error td:first-child{color:#b00020;font-weight:600}tr.warning td:first-child{color:#a15c00}\
tr.pass td:first-child{color:#2e7d32}.score{display:inline-flex;gap:.4rem;align-items:baseline;font-size:2.4rem;font-weight:700}\
.score b{font-size:1.6rem;padding:0 .5rem;border-radius:.3rem;color:#fff;background:#2e7d32}\
.grade-B b{background:#689f38}.grade-C b{background:#f9a825}.grade-D b{background:#ef6c00}.grade-F b{background:#c62828}\
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

fn summarize(crawl: &Crawl, findings: &[Finding]) -> Summary {
    let mut summary = Summary {
        seed: crawl.seed.clone(),
        pages: 0,
        checked: 0,
        broken: 0,
        redirected: 0,
        robots_disallowed: 0,
        internal: 0,
        external: 0,
        statuses: BTreeMap::new(),
        depths: BTreeMap::new(),
        severities: BTreeMap::new(),
        interrupted: crawl.interrupted,
        elapsed_ms: crawl.elapsed_ms,
    };
    for v in &crawl.visits {
        if v.robots_disallowed {
            summary.robots_disallowed += 1;
            continue;
        }
        *summary.statuses.entry(status_label(v)).or_default() += 1;
        summary.broken += usize::from(v.is_broken());
        summary.redirected += usize::from(!v.redirects.is_empty());
        match &v.page {
            Some(page) => {
                summary.pages += 1;
                summary.internal += page.counts.internal;
                summary.external += page.counts.external;
                let depth = v.depth.map_or("sitemap".to_string(), |d| d.to_string());
                *summary.depths.entry(depth).or_default() += 1;
            }
            None => summary.checked += 1,
        }
    }
    for f in findings {
        *summary.severities.entry(f.severity.as_str()).or_default() += 1;
    }
    summary
}

fn status_label(v: &Visit) -> String {
    match (v.status, &v.error) {
        (_, Some(_)) => "error".to_string(),
        (Some(s), None) => s.to_string(),
        (None, None) if v.robots_disallowed => "robots.txt".to_string(),
        (None, None) => "none".to_string(),
    }
}

/// Text for Markdown table cells: pipes escaped, newlines flattened.
fn md(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Text for XML and HTML: the five special characters escaped.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Link edges rendered at a time by [`write_blocks`]: about a quarter of a megabyte of JSON
/// (a megabyte, with each thread two blocks ahead, added 4 MB to a crawl's peak memory).
const BLOCK: usize = 1024;

/// Writes `blocks` pieces of output in order, each rendered by `render(block, buf)` on one of
/// a few threads while this thread writes: the links of a large crawl are most of its report,
/// and rendering them on every core halves the time the report takes. Memory stays bounded:
/// each thread renders at most two blocks ahead of the writer.
fn write_blocks(
    out: &mut impl std::io::Write,
    blocks: usize,
    render: impl Fn(usize, &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    let threads = crate::threads();
    if threads == 1 || blocks < 2 {
        let mut buf = Vec::new();
        for block in 0..blocks {
            buf.clear();
            render(block, &mut buf);
            out.write_all(&buf)?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let render = &render;
        // One lane per thread: its rendered blocks in order, and spent buffers back.
        let lanes: Vec<_> = (0..threads)
            .map(|lane| {
                let (done, rendered) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
                let (give_back, spares) = std::sync::mpsc::channel::<Vec<u8>>();
                scope.spawn(move || {
                    for block in (lane..blocks).step_by(threads) {
                        let mut buf = spares.try_recv().unwrap_or_default();
                        buf.clear();
                        render(block, &mut buf);
                        // The writer is gone only after a write error.
                        if done.send(buf).is_err() {
                            return;
                        }
                    }
                });
                (rendered, give_back)
            })
            .collect();
        for block in 0..blocks {
            let (rendered, give_back) = &lanes[block % threads];
            let buf = rendered
                .recv()
                .expect("a rendering thread sends each of its blocks");
            out.write_all(&buf)?;
            let _ = give_back.send(buf);
        }
        Ok(())
    })
}

/// Which of a crawl's strings JSON writes as they are (no byte to escape), a bit each, worked
/// out once: links repeat the same URLs and texts page after page, and looking at every byte
/// again for each link was a third of the work of rendering them.
struct PlainStrings(Vec<u64>);

impl PlainStrings {
    fn of(links: &Links) -> PlainStrings {
        let mut bits = vec![0u64; links.symbols().div_ceil(64)];
        for i in 0..links.symbols() {
            // Symbols are 32-bit: there are never more strings than that.
            if !crate::swar::needs_json_escape(links.str(i as Sym).as_bytes()) {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        PlainStrings(bits)
    }

    /// Whether string `sym` has nothing to escape (false for [`NONE`]).
    fn contains(&self, sym: Sym) -> bool {
        self.0
            .get(sym as usize / 64)
            .is_some_and(|word| word >> (sym % 64) & 1 == 1)
    }
}

/// Writes `parts`, joined, as one JSON string; none has anything to escape.
fn push_json_plain(out: &mut Vec<u8>, parts: &[&str]) {
    out.push(b'"');
    for part in parts {
        out.extend_from_slice(part.as_bytes());
    }
    out.push(b'"');
}

/// Writes `value` as JSON.
fn json_into(out: impl std::io::Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer(out, value).map_err(std::io::Error::from)
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    push_json_parts(out, &[s]);
}

/// Writes `parts`, joined, as one JSON string escaped exactly as serde_json escapes it
/// (escaping goes character by character, so the parts can be escaped one by one).
fn push_json_parts(out: &mut Vec<u8>, parts: &[&str]) {
    out.push(b'"');
    for part in parts {
        if crate::swar::needs_json_escape(part.as_bytes()) {
            let quoted = serde_json::to_string(part).expect("a string serializes");
            out.extend_from_slice(&quoted.as_bytes()[1..quoted.len() - 1]);
        } else {
            out.extend_from_slice(part.as_bytes());
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_escapes_them() {
        for s in [
            "",
            "plain https://example.com/a?b=c#d",
            "quote \" and backslash \\",
            "tab\tnew line\ncontrol\u{1}\u{1f} del\u{7f}",
            "unicode é ü 日本 \u{2028}",
        ] {
            let mut ours = Vec::new();
            push_json_str(&mut ours, s);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(s).unwrap()
            );
            // Split anywhere between characters, the parts escape to the same string.
            for (at, _) in s.char_indices() {
                let mut parts = Vec::new();
                push_json_parts(&mut parts, &[&s[..at], "", &s[at..]]);
                assert_eq!(
                    String::from_utf8(parts).unwrap(),
                    serde_json::to_string(s).unwrap()
                );
            }
        }
    }

    #[test]
    fn plain_strings_are_the_ones_with_nothing_to_escape() {
        let mut links = Links::default();
        let texts = [
            "",
            "plain https://example.com/a?b=c#d",
            "quote \"",
            "tab\t",
            "é ü 日本",
        ];
        let syms: Vec<Sym> = texts.iter().map(|t| links.intern(t)).collect();
        // Past the first 64 strings, bits go on in the next word.
        let many: Vec<Sym> = (0..200).map(|i| links.intern(&format!("{i}\\"))).collect();
        let last = links.intern("the last one");
        let plain = PlainStrings::of(&links);
        for (text, sym) in texts.iter().zip(syms) {
            let mut buf = Vec::new();
            push_json_plain(&mut buf, &[text]);
            let written_as_is =
                String::from_utf8(buf).unwrap() == serde_json::to_string(text).unwrap();
            assert_eq!(plain.contains(sym), written_as_is, "{text:?}");
        }
        assert!(many.iter().all(|&sym| !plain.contains(sym)));
        assert!(plain.contains(last));
        assert!(!plain.contains(NONE));
    }

    #[test]
    fn blocks_are_written_in_order() {
        for blocks in [0, 1, 2, 3, 17, 100] {
            let mut out = Vec::new();
            write_blocks(&mut out, blocks, |b, buf| {
                buf.extend_from_slice(format!("{b},").as_bytes())
            })
            .unwrap();
            let want: String = (0..blocks).map(|b| format!("{b},")).collect();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn a_write_error_stops_the_rendering() {
        /// Accepts `n` writes, then fails.
        struct Full(usize);
        impl std::io::Write for Full {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk full"));
                }
                self.0 -= 1;
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let err = write_blocks(&mut Full(3), 10_000, |_, buf| {
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            buf.push(b'x');
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        // Each thread renders at most a couple of blocks ahead of the failed write.
        assert!(rendered.into_inner() < 30);
    }

    #[test]
    fn escaping() {
        assert_eq!(md("a|b\nc"), "a\\|b c");
        assert_eq!(
            xml("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn charts_scale_to_the_largest_bar() {
        let svg = chart("t", &[("a".into(), 10.0), ("b".into(), 5.0)]);
        assert!(svg.contains("width=\"190.0\""), "{svg}");
        assert!(svg.contains("width=\"95.0\""), "{svg}");
        assert!(!chart("empty", &[]).contains("<rect"));
    }
}
