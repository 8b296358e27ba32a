//! The human-readable page report (`--report`): the fetch, the counts, the kinds, and every
//! link with its position, text and rel, all web text sanitized for the terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::sanitize;
use crate::classify::Kind;
use crate::report::{Link, PageReport};
use crate::sink::{PageResult, PageSink};

pub(super) struct Text<W> {
    w: W,
    written: usize,
}

impl<W: Write> Text<W> {
    pub(super) fn new(w: W) -> Self {
        Text { w, written: 0 }
    }
}

impl<W: Write> PageSink for Text<W> {
    fn page(&mut self, _input: &str, result: &PageResult) -> io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        // A failed page's error is on stderr already.
        let Ok(r) = result else { return Ok(()) };
        if !first {
            self.w.write_all(b"\n")?;
        }
        self.w.write_all(text_report(r).as_bytes())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

pub(super) fn fetch_summary(r: &PageReport) -> String {
    let mut parts = Vec::new();
    if let Some(s) = r.status {
        parts.push(s.to_string());
    }
    if let Some(ct) = &r.content_type {
        parts.push(ct.clone());
    }
    parts.push(format!("{} ({:?})", r.charset, r.charset_source).to_lowercase());
    parts.push(human_bytes(r.bytes));
    parts.push(format!("{:.0} ms", r.elapsed_ms));
    parts.join(", ")
}

fn kinds_line(r: &PageReport) -> String {
    let parts: Vec<String> = r
        .kinds
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn text_report(r: &PageReport) -> String {
    let mut s = String::new();
    let page = r.url.as_deref().unwrap_or(&r.input);
    let _ = writeln!(s, "{}", sanitize(page));
    let verb = if r.status.is_some() {
        "fetched"
    } else {
        "read   "
    };
    let _ = writeln!(s, "  {verb}    {}", fetch_summary(r));
    for hop in &r.redirects {
        let _ = writeln!(s, "  redirect   {} {}", hop.status, sanitize(&hop.url));
    }
    if let Some(base) = &r.base {
        let _ = writeln!(s, "  base       {}", sanitize(base));
    }
    let _ = write!(s, "  compat     {}", r.counts.to_json());
    if r.counts.unparsable > 0 {
        let _ = write!(
            s,
            "  ({} hrefs Go's url.Parse rejects, not counted)",
            r.counts.unparsable
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  kinds      {}", kinds_line(r));
    for (token, per_kind) in &r.rel {
        let detail: Vec<String> = per_kind
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let _ = writeln!(
            s,
            "  rel {token} {} ({})",
            per_kind.total(),
            detail.join(", ")
        );
    }
    if !r.external_domains.is_empty() {
        let domains: Vec<String> = r
            .external_domains
            .iter()
            .map(|d| format!("{} {}", sanitize(&d.domain), d.links))
            .collect();
        let _ = writeln!(s, "  domains    {}", domains.join(", "));
    }
    if r.links.is_empty() {
        let _ = writeln!(s, "  no links");
        return s;
    }
    let _ = writeln!(s, "  links");
    for l in &r.links {
        let pos = format!("{}:{}", l.line, l.column);
        let mut line = format!(
            "    {pos:>9}  {:<12} {}",
            l.kind.as_str(),
            sanitize(&l.href)
        );
        let text = link_text(l, true);
        if !text.is_empty() {
            let _ = write!(line, "  {}", sanitize(&text));
        }
        if !l.rel.is_empty() {
            let _ = write!(line, "  rel={}", sanitize(&l.rel.join(" ")));
        }
        if l.kind != Kind::Unparsable && l.compat.is_none() {
            line.push_str("  (not counted: Go can't parse it)");
        }
        let _ = writeln!(s, "{line}");
    }
    s
}

/// What a person sees of a link: its text (quoted, for the text report), or its image's alt
/// text.
pub(super) fn link_text(l: &Link, quoted: bool) -> String {
    if !l.text.is_empty() && quoted {
        format!("{:?}", l.text)
    } else if !l.text.is_empty() {
        l.text.clone()
    } else if !l.image_alt.is_empty() {
        format!("[img: {}]", l.image_alt)
    } else {
        String::new()
    }
}
