//! JSON: a page's full report (an object, or an array of them for several pages), and a
//! crawl's whole report, every link included, written as it is rendered.

use std::io::{self, Write};
use std::ops::Range;

use super::blocks::{write_blocks, BLOCK};
use super::error_object;
use super::escape::{json_into, json_plain, json_pretty_into, push_json_escaped};
use crate::crawl::graph::{rel_names, Links, Sym, NONE};
use crate::sink::{CrawlSink, PageResult, PageSink};
use crate::site_report::SiteReport;

pub(super) struct PageJson<W> {
    many: bool,
    w: W,
    written: usize,
}

impl<W: Write> PageJson<W> {
    pub(super) fn new(many: bool, w: W) -> Self {
        PageJson {
            many,
            w,
            written: 0,
        }
    }
}

impl<W: Write> PageSink for PageJson<W> {
    fn page(&mut self, input: &str, result: &PageResult) -> io::Result<()> {
        if self.many {
            self.w
                .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
        }
        self.written += 1;
        match result {
            Ok(r) => json_pretty_into(&mut self.w, r)?,
            Err(e) => json_pretty_into(&mut self.w, &error_object(input, e))?,
        }
        if !self.many {
            self.w.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.many && self.written > 0 {
            self.w.write_all(b"\n]\n")?;
        }
        self.w.flush()
    }
}

pub(super) struct CrawlJson<W> {
    w: W,
}

impl<W: Write> CrawlJson<W> {
    pub(super) fn new(w: W) -> Self {
        CrawlJson { w }
    }
}

impl<W: Write> CrawlSink for CrawlJson<W> {
    fn report(&mut self, report: &SiteReport) -> io::Result<()> {
        write_crawl_json(report, &mut self.w)?;
        self.w.write_all(b"\n")?;
        self.w.flush()
    }
}

/// Writes the whole report as compact JSON (a crawl's can run to tens of MB: indenting
/// it would add a third), every link included, without building it in memory first. Links
/// are grouped by the page they are on, which is written once per page rather than once per
/// link (a fifth of the report).
///
/// The links, most of the document, are written by hand: serde's string escaping looks at
/// every byte on its own, where almost no URL or link text needs escaping at all.
fn write_crawl_json(report: &SiteReport, out: &mut impl Write) -> io::Result<()> {
    // Which strings are plain is worked out on another core while the parts before the links
    // are written (it reads every string of the crawl, a few ms for the python docs).
    std::thread::scope(|scope| {
        let plain = scope.spawn(|| PlainStrings::of(&report.links));
        write_head(report, out)?;
        let plain = plain.join().expect("finding plain strings does not panic");
        write_links(report, &plain, out)
    })
}

/// The report up to the links.
fn write_head(report: &SiteReport, out: &mut impl Write) -> io::Result<()> {
    // Written through as they serialize: for a large site the visits alone run to tens of MB.
    out.write_all(b"{\"summary\":")?;
    json_into(&mut *out, &report.summary)?;
    out.write_all(b",\"notices\":")?;
    json_into(&mut *out, &report.notices())?;
    out.write_all(b",\"fix_first\":")?;
    json_into(&mut *out, &report.fix_first)?;
    out.write_all(b",\"rating\":")?;
    json_into(&mut *out, &report.rating)?;
    out.write_all(b",\"audits\":")?;
    json_into(&mut *out, &report.audits)?;
    out.write_all(b",\"findings\":")?;
    json_into(&mut *out, &report.findings)?;
    out.write_all(b",\"visits\":")?;
    json_into(&mut *out, &report.visits)
}

/// The links, and what follows them, to the end of the report.
fn write_links(report: &SiteReport, plain: &PlainStrings, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b",\"links\":[")?;
    let count = report.links.len();
    write_blocks(out, count.div_ceil(BLOCK), |block, buf| {
        let start = block * BLOCK;
        let end = (start + BLOCK).min(count);
        links_json(report, start..end, plain, buf);
    })?;
    // The last page's links are still open.
    let mut buf = if count > 0 {
        b"]}]".to_vec()
    } else {
        b"]".to_vec()
    };
    if !report.sitemap_errors.is_empty() {
        buf.extend_from_slice(b",\"sitemap_errors\":");
        json_into(&mut buf, &report.sitemap_errors)?;
    }
    if !report.robots_problems.is_empty() {
        buf.extend_from_slice(b",\"robots_problems\":");
        json_into(&mut buf, &report.robots_problems)?;
    }
    buf.push(b'}');
    out.write_all(&buf)
}

/// The JSON of the links at `range` of the edges. Links are grouped by page, each page's as
/// `{"page":URL,"links":[...]}`: a page opens its group at its first link, which closes the
/// group before it (the last group is closed after the last block).
fn links_json(report: &SiteReport, range: Range<usize>, plain: &PlainStrings, buf: &mut Vec<u8>) {
    let links = &report.links;
    let push_sym = |buf: &mut Vec<u8>, sym: Sym| {
        if plain.contains(sym) {
            push_json_plain(buf, &[links.str(sym)]);
        } else {
            push_json_str(buf, links.str(sym));
        }
    };
    for (i, (visit, edge)) in links.range(range.clone()).enumerate() {
        if std::ptr::eq(edge, links.page(visit).as_ptr()) {
            if range.start + i > 0 {
                buf.extend_from_slice(b"]},");
            }
            buf.extend_from_slice(b"{\"page\":");
            push_json_str(buf, report.visits.get(visit).map_or("", |v| v.url.as_str()));
            buf.extend_from_slice(b",\"links\":[");
        } else {
            buf.push(b',');
        }
        let mut number = itoa::Buffer::new();
        buf.extend_from_slice(b"{\"line\":");
        buf.extend_from_slice(number.format(edge.line).as_bytes());
        buf.extend_from_slice(b",\"column\":");
        buf.extend_from_slice(number.format(edge.column).as_bytes());
        buf.extend_from_slice(b",\"href\":");
        push_sym(buf, edge.href);
        if let Some(parts) = links.url_parts(edge) {
            buf.extend_from_slice(b",\"url\":");
            if plain.contains(edge.url) && (edge.fragment == NONE || plain.contains(edge.fragment))
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

/// Which of a crawl's strings JSON writes as they are (no byte to escape), a bit each, worked
/// out once: links repeat the same URLs and texts page after page, so each is looked at
/// once, not once per link.
struct PlainStrings(Vec<u64>);

impl PlainStrings {
    fn of(links: &Links) -> PlainStrings {
        let mut bits = vec![0u64; links.symbols().div_ceil(64)];
        for i in 0..links.symbols() {
            // Symbols are 32-bit: there are never more strings than that.
            if json_plain(links.str(i as Sym)) {
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

/// Appends `s` as a JSON string, escaped as the rest of the report is.
fn push_json_str(out: &mut Vec<u8>, s: &str) {
    push_json_parts(out, &[s]);
}

/// Writes `parts`, joined, as one JSON string escaped exactly as [`json_into`] escapes it
/// (escaping goes character by character, so the parts can be escaped one by one).
fn push_json_parts(out: &mut Vec<u8>, parts: &[&str]) {
    out.push(b'"');
    for part in parts {
        if json_plain(part) {
            out.extend_from_slice(part.as_bytes());
        } else {
            push_json_escaped(out, part);
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `s` as the rest of the report writes strings.
    fn reference(s: &str) -> String {
        let mut out = Vec::new();
        json_into(&mut out, s).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_the_rest_of_the_report_escapes_them() {
        for s in [
            "",
            "plain https://example.com/a?b=c#d",
            "quote \" and backslash \\",
            "tab\tnew line\ncontrol\u{1}\u{1f} del\u{7f}",
            "unicode é ü 日本 \u{2028}",
            "c1 \u{9b}2J bidi \u{202e}txet\u{2069}",
        ] {
            let mut ours = Vec::new();
            push_json_str(&mut ours, s);
            let ours = String::from_utf8(ours).unwrap();
            assert_eq!(ours, reference(s));
            assert_eq!(serde_json::from_str::<String>(&ours).unwrap(), s);
            // Split anywhere between characters, the parts escape to the same string.
            for (at, _) in s.char_indices() {
                let mut parts = Vec::new();
                push_json_parts(&mut parts, &[&s[..at], "", &s[at..]]);
                assert_eq!(String::from_utf8(parts).unwrap(), reference(s));
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
            "csi \u{9b}",
        ];
        let syms: Vec<Sym> = texts.iter().map(|t| links.intern(t)).collect();
        // Past the first 64 strings, bits go on in the next word.
        let many: Vec<Sym> = (0..200).map(|i| links.intern(&format!("{i}\\"))).collect();
        let last = links.intern("the last one");
        let plain = PlainStrings::of(&links);
        for (text, sym) in texts.iter().zip(syms) {
            let mut buf = Vec::new();
            push_json_plain(&mut buf, &[text]);
            let written_as_is = String::from_utf8(buf).unwrap() == reference(text);
            assert_eq!(plain.contains(sym), written_as_is, "{text:?}");
        }
        assert!(many.iter().all(|&sym| !plain.contains(sym)));
        assert!(plain.contains(last));
        assert!(!plain.contains(NONE));
    }
}
