//! Web text made safe for each medium it is written to. Link text, URLs, titles and headers
//! come from whoever wrote the page: in a terminal they must not move the cursor, recolour or
//! reorder what follows; in a table they must not end the cell; in a spreadsheet they must
//! not run as formulas; in HTML and XML they must stay text.

use std::borrow::Cow;

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

/// Text for a Markdown table cell: sanitized, and pipes escaped so the cell does not end.
pub(crate) fn md_cell(s: &str) -> String {
    sanitize(s).replace('|', "\\|")
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
        assert_eq!(md_cell("a|b\nc\x1b[2J"), "a\\|b\\nc\\u{1b}[2J");
    }

    #[test]
    fn xml_text() {
        assert_eq!(
            xml("<a href=\"x\">&'\u{1}\u{202e}\u{2066}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
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
}
