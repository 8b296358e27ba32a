//! Printing results: one renderer per `--format`.
//!
//! Strings from the web (hrefs, anchor text) reach a terminal only through [`sanitize`], so a
//! page cannot send escape sequences to the user's terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use hrefs::classify::Kind;
use hrefs::report::{csv_field, PageReport};

use crate::cli::Format;

/// Writes results as they come, in one format.
pub(crate) struct Output<W: Write> {
    format: Format,
    many: bool,
    w: W,
    written: usize,
}

type PageResult = Result<PageReport, hrefs::Error>;

impl<W: Write> Output<W> {
    pub(crate) fn new(format: Format, inputs: usize, w: W) -> Self {
        Output {
            format,
            many: inputs > 1,
            w,
            written: 0,
        }
    }

    /// Prints one page's result (errors were already reported on stderr).
    pub(crate) fn page(&mut self, input: &str, result: &PageResult) -> io::Result<()> {
        let first = self.written == 0;
        self.written += 1;
        match self.format {
            Format::Compat => self.compat(input, result),
            Format::Json => {
                if self.many {
                    self.w.write_all(if first { b"[\n" } else { b",\n" })?;
                }
                match result {
                    Ok(r) => serde_json::to_writer_pretty(&mut self.w, r)?,
                    Err(e) => serde_json::to_writer_pretty(&mut self.w, &error_object(input, e))?,
                }
                if !self.many {
                    self.w.write_all(b"\n")?;
                }
                Ok(())
            }
            Format::Ndjson => {
                match result {
                    Ok(r) => serde_json::to_writer(&mut self.w, r)?,
                    Err(e) => serde_json::to_writer(&mut self.w, &error_object(input, e))?,
                }
                self.w.write_all(b"\n")
            }
            Format::Csv => {
                if first {
                    self.w.write_all(
                        b"input,line,column,kind,compat,href,url,rel,target,text,image_alt\n",
                    )?;
                }
                match result {
                    Ok(r) => self.w.write_all(csv_rows(r).as_bytes()),
                    Err(_) => Ok(()),
                }
            }
            Format::Markdown => match result {
                Ok(r) => self.w.write_all(markdown(r).as_bytes()),
                Err(e) => writeln!(
                    self.w,
                    "## {}\n\nerror: {}\n",
                    md_cell(input),
                    md_cell(&e.to_string())
                ),
            },
            Format::Report => match result {
                Ok(r) => {
                    if !first {
                        self.w.write_all(b"\n")?;
                    }
                    self.w.write_all(text_report(r).as_bytes())
                }
                Err(_) => Ok(()),
            },
        }
    }

    /// Closes what needs closing (the JSON array) and flushes.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.format == Format::Json && self.many && self.written > 0 {
            self.w.write_all(b"\n]\n")?;
        }
        self.w.flush()
    }

    fn compat(&mut self, input: &str, result: &PageResult) -> io::Result<()> {
        match (result, self.many) {
            (Ok(r), false) => writeln!(self.w, "{}", r.counts.to_json()),
            (Err(_), false) => Ok(()),
            (Ok(r), true) => {
                let line = serde_json::json!({
                    "input": input,
                    "internal": r.counts.internal,
                    "external": r.counts.external,
                });
                writeln!(self.w, "{line}")
            }
            (Err(e), true) => {
                let line = error_object(input, e);
                writeln!(self.w, "{line}")
            }
        }
    }
}

/// What a failed page looks like in JSON outputs.
fn error_object(input: &str, err: &hrefs::Error) -> serde_json::Value {
    serde_json::json!({"input": input, "error": err.to_string()})
}

/// Replaces control characters with visible escapes, so web text can't drive the terminal.
pub(crate) fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn compat_name(r: &hrefs::report::Link) -> &'static str {
    match r.compat {
        Some(hrefs::compat::Side::Internal) => "internal",
        Some(hrefs::compat::Side::External) => "external",
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

fn md_cell(s: &str) -> String {
    sanitize(s).replace('|', "\\|")
}

fn human_bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

fn fetch_summary(r: &PageReport) -> String {
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
fn link_text(l: &hrefs::report::Link, quoted: bool) -> String {
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

fn markdown(r: &PageReport) -> String {
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
            md_cell(&l.href).replace('`', "'"),
            md_cell(&link_text(l, false)),
            md_cell(&l.rel.join(" "))
        );
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_controls() {
        assert_eq!(sanitize("a\x1b[31mb\u{202E}c"), "a\\u{1b}[31mb\\u{202e}c");
        assert_eq!(sanitize("plain ünïcode"), "plain ünïcode");
    }
}
