//! Markdown: a page's summary and table of links, or a crawl's rating, totals, audits and
//! lowest-rated pages, with every finding only when asked ([`Detail::Full`]): a report of a
//! few screens to read, not thousands of rows. Web text goes into cells through [`md_cell`],
//! so it can neither end a cell nor reach a terminal as control characters.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::{md_cell, md_code_cell};
use super::text::{fetch_summary, link_text};
use super::Detail;
use crate::report::PageReport;
use crate::sink::{CrawlSink, PageResult, PageSink};
use crate::site_report::SiteReport;

pub(super) struct PageMarkdown<W> {
    w: W,
}

impl<W: Write> PageMarkdown<W> {
    pub(super) fn new(w: W) -> Self {
        PageMarkdown { w }
    }
}

impl<W: Write> PageSink for PageMarkdown<W> {
    fn page(&mut self, input: &str, result: &PageResult) -> io::Result<()> {
        match result {
            Ok(r) => self.w.write_all(page_markdown(r).as_bytes()),
            Err(e) => writeln!(
                self.w,
                "## {}\n\nerror: {}\n",
                md_cell(input),
                md_cell(&e.to_string())
            ),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

pub(super) struct CrawlMarkdown<W> {
    detail: Detail,
    w: W,
}

impl<W: Write> CrawlMarkdown<W> {
    pub(super) fn new(detail: Detail, w: W) -> Self {
        CrawlMarkdown { detail, w }
    }
}

impl<W: Write> CrawlSink for CrawlMarkdown<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        self.w
            .write_all(crawl_markdown(report, self.detail).as_bytes())?;
        self.w.flush()
    }
}

fn page_markdown(r: &PageReport) -> String {
    let mut s = String::new();
    let page = r.url.as_deref().unwrap_or(&r.input);
    let _ = writeln!(s, "## {}\n", md_cell(page));
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| fetched | {} |", md_cell(&fetch_summary(r)));
    for hop in &r.redirects {
        let _ = writeln!(s, "| redirect | {} {} |", hop.status, md_cell(&hop.url));
    }
    let _ = writeln!(s, "| internal (compat) | {} |", r.counts.internal);
    let _ = writeln!(s, "| external (compat) | {} |", r.counts.external);
    let _ = writeln!(s, "| not parsable by Go | {} |", r.counts.unparsable);
    let _ = writeln!(s, "\n### Links by kind\n\n| kind | links |\n|---|---:|");
    for (k, n) in r.kinds.iter().filter(|(_, n)| *n > 0) {
        let _ = writeln!(s, "| {k} | {n} |");
    }
    if !r.rel.is_empty() {
        let _ = writeln!(s, "\n### rel\n\n| rel | links |\n|---|---:|");
        for (token, per_kind) in &r.rel {
            let _ = writeln!(s, "| {token} | {} |", per_kind.total());
        }
    }
    if !r.external_domains.is_empty() {
        let _ = writeln!(
            s,
            "\n### External domains\n\n| domain | links |\n|---|---:|"
        );
        for d in &r.external_domains {
            let _ = writeln!(s, "| {} | {} |", md_cell(&d.domain), d.links);
        }
    }
    let _ = writeln!(
        s,
        "\n### Links\n\n| line | kind | href | text | rel |\n|---:|---|---|---|---|"
    );
    for l in &r.links {
        let _ = writeln!(
            s,
            "| {}:{} | {} | `{}` | {} | {} |",
            l.line,
            l.column,
            l.kind,
            md_code_cell(&l.href),
            md_cell(&link_text(l, false)),
            md_cell(&l.rel.join(" "))
        );
    }
    s.push('\n');
    s
}

/// A Markdown summary: rating, totals, audits, lowest rated pages; with [`Detail::Full`] the
/// findings too (errors and warnings first), or else a line saying how to see them.
fn crawl_markdown(report: &SiteReport, detail: Detail) -> String {
    let s = &report.summary;
    let r = &report.rating;
    let mut out = String::new();
    let _ = writeln!(out, "# SEO audit of {}\n", md_cell(&s.seed));
    match (r.score, r.grade) {
        (Some(score), Some(grade)) => {
            let _ = writeln!(
                out,
                "**SEO rating: {score:.1}/100 ({grade})** over {} pages.\n",
                s.pages
            );
        }
        _ if s.ending.is_start_problem() => {
            let _ = writeln!(
                out,
                "**Crawl failed: not rated.** The start page could not be crawled ({}).\n",
                s.ending.id()
            );
        }
        _ => {
            let _ = writeln!(out, "**Not rated: no page could be read.**\n");
        }
    }
    if !report.fix_first.is_empty() {
        let _ = writeln!(out, "## Fix first\n");
        let _ = writeln!(
            out,
            "| # | problem | cause | findings | pages | first at | restores | score then |"
        );
        let _ = writeln!(
            out,
            "| ---: | --- | --- | ---: | ---: | --- | ---: | ---: |"
        );
        for (i, f) in report.fix_first.iter().enumerate() {
            let sources: Vec<String> = f.sources.iter().map(|s| s.location()).collect();
            let _ = writeln!(
                out,
                "| {} | {} ({}) | {} | {} | {} | {} | +{:.1} | {:.1} |",
                i + 1,
                f.audit.id(),
                md_cell(&f.detail),
                md_cell(&f.cause),
                f.findings,
                f.pages,
                md_cell(&sources.join(", ")),
                f.points,
                f.score
            );
        }
        out.push('\n');
    }
    let scored: Vec<_> = r.deductions.iter().filter(|d| d.points > 0.0).collect();
    if !scored.is_empty() || r.capped {
        let _ = writeln!(out, "## Why this score\n");
        let _ = writeln!(out, "| audit | pages | findings | points lost |");
        let _ = writeln!(out, "| --- | ---: | ---: | ---: |");
        for d in scored {
            let _ = writeln!(
                out,
                "| {} | {} of {} | {} | {:.1} |",
                d.audit.id(),
                d.pages,
                s.pages,
                d.findings,
                d.points
            );
        }
        if r.capped {
            let _ = writeln!(
                out,
                "\nAn error-severity finding holds the site at {:.1} at most (grade B).",
                crate::rating::ERROR_CAP
            );
        }
        out.push('\n');
    }
    let notices = report.notices();
    if !notices.is_empty() {
        let _ = writeln!(out, "## What this crawl did not cover\n");
        for notice in &notices {
            let _ = writeln!(out, "- {}", md_cell(notice));
        }
        out.push('\n');
    }
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
    if s.ending.is_start_problem() {
        // Not a table of passes: nothing was there to audit.
        let _ = writeln!(out, "The audits did not run: nothing was crawled.");
        return out;
    }
    // The audits that found something, in a table; the others, which are most of them on
    // most sites, named in one line.
    let (found, passed): (Vec<_>, Vec<_>) = report.audits.iter().partition(|a| a.findings > 0);
    if !found.is_empty() {
        let _ = writeln!(
            out,
            "| audit | severity | weight | findings | pages | fix |"
        );
        let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | --- |");
    }
    for a in &found {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            md_cell(a.title),
            a.severity.as_str(),
            a.weight,
            a.findings,
            a.pages,
            md_cell(a.fix)
        );
    }
    if !passed.is_empty() {
        let ids: Vec<String> = passed.iter().map(|a| format!("`{}`", a.id)).collect();
        let _ = writeln!(
            out,
            "{}No finding ({} of {} audits): {}.",
            if found.is_empty() { "" } else { "\n" },
            passed.len(),
            report.audits.len(),
            ids.join(", ")
        );
    }
    let findings = report.findings_worst_first();
    match detail {
        _ if findings.is_empty() => {}
        Detail::Summary => {
            let n = findings.len();
            let _ = writeln!(
                out,
                "\n{n} finding{} not listed here: run with `--full` to list {}, or use \
                 `--format json`, `findings-csv` or `html`.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" },
            );
        }
        Detail::Full => findings_table(&mut out, &findings),
    }
    let worst: Vec<_> = {
        let mut pages: Vec<_> = r.pages.iter().filter(|p| p.score < 100.0).collect();
        pages.sort_unstable_by(|a, b| {
            a.score
                .total_cmp(&b.score)
                .then_with(|| a.page.cmp(&b.page))
        });
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
                md_cell(&p.page),
                p.score,
                p.grade,
                why.join(", ")
            );
        }
    }
    out
}

/// Every finding, one row each, in the order given.
fn findings_table(out: &mut String, findings: &[&crate::audit::Finding]) {
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
            md_cell(&f.page),
            f.line.map(|l| l.to_string()).unwrap_or_default(),
            md_cell(f.target.as_deref().unwrap_or("")),
            md_cell(f.text.as_deref().unwrap_or("")),
            md_cell(&f.detail)
        );
    }
}
