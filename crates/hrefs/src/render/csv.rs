//! CSV: one row per link, for spreadsheets and scripts. Fields go through [`csv_field`]:
//! quoted as RFC 4180 says, formulas defused, control characters escaped.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::escape::csv_field;
use crate::compat::Side;
use crate::crawl::graph::rel_names;
use crate::report::{Link, PageReport};
use crate::sink::{CrawlSink, PageResult, PageSink};
use crate::site_report::SiteReport;

pub(super) struct PageCsv<W> {
    w: W,
    header_written: bool,
}

impl<W: Write> PageCsv<W> {
    pub(super) fn new(w: W) -> Self {
        PageCsv {
            w,
            header_written: false,
        }
    }
}

impl<W: Write> PageSink for PageCsv<W> {
    fn page(&mut self, _input: &str, result: &PageResult) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            self.w
                .write_all(b"input,line,column,kind,compat,href,url,rel,target,text,image_alt\n")?;
        }
        match result {
            Ok(r) => self.w.write_all(csv_rows(r).as_bytes()),
            Err(_) => Ok(()),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

pub(super) struct CrawlCsv<W> {
    w: W,
}

impl<W: Write> CrawlCsv<W> {
    pub(super) fn new(w: W) -> Self {
        CrawlCsv { w }
    }
}

impl<W: Write> CrawlSink for CrawlCsv<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        write_crawl_csv(report, &mut self.w)?;
        self.w.flush()
    }
}

/// The findings of a crawl, one CSV row each, in the report's order.
pub(super) struct FindingsCsv<W> {
    w: W,
}

impl<W: Write> FindingsCsv<W> {
    pub(super) fn new(w: W) -> Self {
        FindingsCsv { w }
    }
}

impl<W: Write> CrawlSink for FindingsCsv<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        let w = &mut self.w;
        w.write_all(b"audit,severity,page,line,column,target,text,detail\n")?;
        let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        for f in &report.findings {
            let fields = [
                f.audit.id().to_string(),
                f.severity.as_str().to_string(),
                csv_field(&f.page),
                number(f.line),
                number(f.column),
                csv_field(f.target.as_deref().unwrap_or("")),
                csv_field(f.text.as_deref().unwrap_or("")),
                csv_field(&f.detail),
            ];
            writeln!(w, "{}", fields.join(","))?;
        }
        w.flush()
    }
}

fn compat_name(r: &Link) -> &'static str {
    match r.compat {
        Some(Side::Internal) => "internal",
        Some(Side::External) => "external",
        None => "unparsable",
    }
}

fn csv_rows(r: &PageReport) -> String {
    let mut out = String::new();
    for l in &r.links {
        let fields = [
            csv_field(&r.input),
            l.line.to_string(),
            l.column.to_string(),
            l.kind.to_string(),
            compat_name(l).to_string(),
            csv_field(&l.href),
            csv_field(l.url.as_deref().unwrap_or("")),
            csv_field(&l.rel.join(" ")),
            csv_field(l.target.as_deref().unwrap_or("")),
            csv_field(&l.text),
            csv_field(&l.image_alt),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Every link edge as CSV: source page, line, column, target, anchor text, rel, and the
/// target's status (empty when it was not checked) or error.
fn write_crawl_csv(report: &SiteReport, out: &mut impl Write) -> io::Result<()> {
    let status: BTreeMap<&str, String> = report
        .visits
        .iter()
        .map(|v| {
            let s = match (&v.error, v.status) {
                (Some(e), _) => e.message.clone(),
                (None, Some(s)) => s.to_string(),
                (None, None) if v.robots_disallowed => "robots.txt".to_string(),
                (None, None) => String::new(),
            };
            (v.url.as_str(), s)
        })
        .collect();
    out.write_all(b"source,line,column,target,text,rel,kind,status\n")?;
    let links = &report.links;
    for (visit, edge) in links.iter() {
        let Some(source) = report.visits.get(visit) else {
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
