//! Which character encoding a page is in: from its byte order mark, its `Content-Type` header
//! or its `<meta>` declaration, in that order, as browsers decide.
//!
//! Link counting never needs this (Go's tokenizer reads bytes, and so do we); it matters for
//! what reports show a person: anchor text and decoded URLs.

use encoding_rs::{Encoding, UTF_8};

/// The charset parameter of a `Content-Type` value such as `text/html; charset="Shift_JIS"`.
pub fn from_content_type(value: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|param| {
        let (key, val) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| {
                val.trim()
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string()
            })
            .filter(|v| !v.is_empty())
    })
}

/// Where the encoding decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A byte order mark at the start of the body.
    Bom,
    /// The `Content-Type` response header.
    Header,
    /// A `<meta charset>` or `<meta http-equiv=content-type>` in the page.
    Meta,
    /// Nothing said: UTF-8 assumed.
    Default,
}

/// Picks the encoding from the first bytes of the body, the header's charset and the page's
/// meta charset. Unknown labels are skipped; UTF-8 is the fallback.
pub fn detect(
    first_bytes: &[u8],
    header: Option<&str>,
    meta: Option<&str>,
) -> (&'static Encoding, Source) {
    if let Some((enc, _)) = Encoding::for_bom(first_bytes) {
        return (enc, Source::Bom);
    }
    if let Some(enc) = header.and_then(|l| Encoding::for_label(l.as_bytes())) {
        return (enc, Source::Header);
    }
    // A meta tag can't truly declare UTF-16: the page would not be readable as ASCII to find it.
    if let Some(enc) = meta.and_then(|l| Encoding::for_label(l.as_bytes())) {
        let enc = if enc.is_single_byte() || enc.output_encoding() == enc {
            enc
        } else {
            UTF_8
        };
        return (enc, Source::Meta);
    }
    (UTF_8, Source::Default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{SHIFT_JIS, UTF_16LE, WINDOWS_1252};

    #[test]
    fn content_type_charset() {
        let cases = [
            ("text/html; charset=utf-8", Some("utf-8")),
            ("text/html;charset=\"Shift_JIS\"", Some("Shift_JIS")),
            ("text/html; foo=bar; CHARSET=latin1", Some("latin1")),
            ("text/html", None),
            ("text/html; charset=", None),
        ];
        for (value, want) in cases {
            assert_eq!(from_content_type(value).as_deref(), want, "{value}");
        }
    }

    #[test]
    fn bom_beats_header_beats_meta() {
        assert_eq!(
            detect(b"\xEF\xBB\xBFx", Some("latin1"), None),
            (UTF_8, Source::Bom)
        );
        assert_eq!(detect(b"\xFF\xFEx", None, None), (UTF_16LE, Source::Bom));
        assert_eq!(
            detect(b"x", Some("latin1"), Some("shift_jis")),
            (WINDOWS_1252, Source::Header)
        );
        assert_eq!(
            detect(b"x", Some("nonsense"), Some("shift_jis")),
            (SHIFT_JIS, Source::Meta)
        );
        assert_eq!(detect(b"x", None, Some("utf-16")), (UTF_8, Source::Meta));
        assert_eq!(detect(b"x", None, None), (UTF_8, Source::Default));
    }
}
