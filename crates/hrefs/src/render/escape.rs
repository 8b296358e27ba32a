//! Web text made safe for each medium it is written to. Link text, URLs, titles and headers
//! come from whoever wrote the page: in a terminal they must not move the cursor, recolour or
//! reorder what follows; in a table they must not end the cell; in a spreadsheet they must
//! not run as formulas; in HTML and XML they must stay text; in JSON they must stay the same
//! string for every reader while showing nothing a terminal would act on.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Whether `c` can drive or confuse a terminal: C0 and C1 controls, DEL, and Unicode's bidi
/// controls (marks, embeddings, overrides, isolates), which reorder what is shown after them.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every character that could drive a terminal written as a visible escape
/// (`\u{1b}`, `\n`), so that web text can't reach the terminal as anything but text.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a Markdown table cell: what Markdown would read as markup backslash-escaped (a
/// pipe would end the cell, `<` start HTML or an autolink, brackets a link, a backslash
/// escape the next character), then sanitized. Emphasis characters are left: they can
/// only restyle text, and URLs are full of underscores.
pub(crate) fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '|' | '<' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    sanitize(&out).into_owned()
}

/// Text for a Markdown table cell inside a code span (an href as written): Markdown is not
/// read there, so only what would end the cell (a pipe) or the span (a backquote, shown as
/// `'`) is changed, then the text is sanitized.
pub(crate) fn md_code_cell(s: &str) -> String {
    sanitize(&s.replace('`', "'")).replace('|', "\\|")
}

/// Text for XML and HTML: the five special characters escaped, control characters other
/// than line feed and tab dropped (XML 1.0 cannot carry most of them at all), and bidi
/// controls dropped too, so that link text cannot reorder what a browser shows after it.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_unsafe(c) && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for the message of a GitHub Actions workflow command (`::error ...::MESSAGE`): made
/// terminal-safe, then `%`, CR and LF escaped as the runner unescapes them, so that no text can
/// end the command's line and start another command.
pub(crate) fn workflow_data(s: &str) -> String {
    sanitize(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Text for a property of a workflow command (`file=`, `title=`): as [`workflow_data`], and
/// `:` and `,`, which end a property, escaped too.
pub(crate) fn workflow_property(s: &str) -> String {
    workflow_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A CSV field, quoted when it needs to be (RFC 4180); a leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so spreadsheets do not run link text as a formula. Control characters
/// other than line breaks and tabs (which quoting carries) are escaped as [`sanitize`] does.
pub fn csv_field(s: &str) -> String {
    let mut field = String::with_capacity(s.len() + 2);
    if s.starts_with(['=', '+', '-', '@']) {
        field.push('\'');
    }
    for c in s.chars() {
        if is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t') {
            field.extend(c.escape_default());
        } else {
            field.push(c);
        }
    }
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// Writes `value` as compact JSON, terminal-safe (see [`TerminalSafe`]).
pub(crate) fn json_into<T: Serialize + ?Sized>(out: impl Write, value: &T) -> io::Result<()> {
    let mut json = serde_json::Serializer::with_formatter(out, TerminalSafe(CompactFormatter));
    value.serialize(&mut json).map_err(io::Error::from)
}

/// Writes `value` as indented JSON, terminal-safe (see [`TerminalSafe`]).
pub(crate) fn json_pretty_into<T: Serialize + ?Sized>(
    out: impl Write,
    value: &T,
) -> io::Result<()> {
    let formatter = TerminalSafe(PrettyFormatter::new());
    let mut json = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut json).map_err(io::Error::from)
}

/// Whether JSON writes `s` as it is, between quotes: nothing that must be escaped (a control
/// byte, '"', '\\') and nothing [`TerminalSafe`] escapes.
pub(crate) fn json_plain(s: &str) -> bool {
    !crate::swar::needs_json_escape(s.as_bytes()) && !has_unsafe_beyond_ascii(s)
}

/// Appends `s` to `out` as the inside of a JSON string, escaped as [`json_into`] escapes it.
pub(crate) fn push_json_escaped(out: &mut Vec<u8>, s: &str) {
    let mut quoted = Vec::with_capacity(s.len() + 8);
    json_into(&mut quoted, s).expect("writing to a vector does not fail");
    out.extend_from_slice(&quoted[1..quoted.len() - 1]);
}

/// Whether `s` holds DEL, a C1 control or a bidi control: what JSON leaves raw but a terminal
/// acts on.
fn has_unsafe_beyond_ascii(s: &str) -> bool {
    s.bytes().any(|b| b >= 0x7f) && s.chars().any(is_unsafe)
}

/// A JSON formatter that also writes DEL, C1 controls and bidi controls as `\uXXXX`. JSON
/// escapes C0 controls itself; these it may leave raw, and a terminal showing the output would
/// act on them. Escaped, the string is the same to every JSON reader.
pub(crate) struct TerminalSafe<F>(pub(crate) F);

impl<F: Formatter> Formatter for TerminalSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !has_unsafe_beyond_ascii(fragment) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is the wrapped formatter's: compact or indented.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_controls() {
        assert_eq!(sanitize("a\x1b[31mb\u{202E}c"), "a\\u{1b}[31mb\\u{202e}c");
        assert_eq!(sanitize("bell\u{7}\u{9b}2J"), "bell\\u{7}\\u{9b}2J");
        assert_eq!(sanitize("\u{200f}RLM\u{61c}"), "\\u{200f}RLM\\u{61c}");
        assert!(matches!(
            sanitize("plain ünïcode"),
            Cow::Borrowed("plain ünïcode")
        ));
    }

    #[test]
    fn markdown_cells() {
        assert_eq!(md_cell("a|b\nc\x1b[2J"), "a\\|b\\nc\\u{1b}\\[2J");
        assert_eq!(md_code_cell("a|`[b]`"), "a\\|'[b]'");
        assert_eq!(
            md_cell(r"<script>[x](javascript:y) \"),
            r"\<script>\[x\](javascript:y) \\"
        );
    }

    #[test]
    fn xml_text() {
        assert_eq!(
            xml("<a href=\"x\">&'\u{1}\u{202e}\u{2066}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn json_escapes_what_a_terminal_acts_on_and_reads_back_the_same() {
        let hostile = "tab\t esc\u{1b} del\u{7f} csi\u{9b} rlo\u{202e} ¶ é \"q\" \\";
        let mut json = Vec::new();
        json_into(&mut json, &serde_json::json!({ "text": hostile })).unwrap();
        let text = String::from_utf8(json).unwrap();
        assert_eq!(
            text,
            r#"{"text":"tab\t esc\u001b del\u007f csi\u009b rlo\u202e ¶ é \"q\" \\"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["text"], hostile);
        let mut pretty = Vec::new();
        json_pretty_into(&mut pretty, &serde_json::json!({ "a": [1, "\u{9b}"] })).unwrap();
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            "{\n  \"a\": [\n    1,\n    \"\\u009b\"\n  ]\n}"
        );
        let mut inside = Vec::new();
        push_json_escaped(&mut inside, "a\u{202e}\"");
        assert_eq!(inside, br#"a\u202e\""#);
        assert!(json_plain("plain ¶ é https://example.com/?a=b"));
        assert!(
            !json_plain("x\u{7f}")
                && !json_plain("\u{200e}")
                && !json_plain("\"")
                && !json_plain("\n")
        );
    }

    #[test]
    fn csv_fields() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("\x1b[31mred"), "\\u{1b}[31mred");
    }

    #[test]
    fn workflow_commands_cannot_be_ended_or_forged() {
        let forged = "a%0A\n::error::forged\r,b:c\u{1b}[31m";
        let data = workflow_data(forged);
        assert!(!data.contains(['\n', '\r', '\u{1b}']), "{data}");
        // Line ends were made visible escapes already: the command stays on its line.
        assert_eq!(data, "a%250A\\n::error::forged\\r,b:c\\u{1b}[31m");
        assert_eq!(
            workflow_property("public/a,b:c.html"),
            "public/a%2Cb%3Ac.html"
        );
    }
}
