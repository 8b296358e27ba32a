//! Character-reference decoding and newline normalisation exactly as the Go tokenizer
//! (golang.org/x/net/html v0.7.0) does them, quirks included, so that the hrefs we extract are
//! byte for byte the strings the original tool handed to `url.Parse`.
//!
//! The Go code rewrites its buffer in place; here the output goes to a fresh buffer, and the
//! input is borrowed untouched when there is nothing to rewrite.

use std::borrow::Cow;

use memchr::memchr;

use super::entity_table::{ENTITIES, LONGEST_ENTITY_WITHOUT_SEMICOLON};

/// Code points for numeric references `&#128;` to `&#159;`, read as Windows-1252 bytes
/// (the WHATWG replacement table; the five bytes Windows-1252 leaves undefined map to
/// themselves).
const WINDOWS_1252: [u32; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, //
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, //
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, //
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, //
];

/// Decodes the character references of `input`, as x/net/html's `unescape`.
///
/// `attribute` selects the attribute-value rules: a reference without ';' followed by '=' is
/// left alone, and a name that is not in the table is not searched for a shorter legacy
/// prefix (in text, `&notit;` becomes `¬it;`). Bytes outside references, including invalid
/// UTF-8, are passed through. Returns the input itself when it holds no '&'.
pub(crate) fn unescape(input: &[u8], attribute: bool) -> Cow<'_, [u8]> {
    let Some(first) = memchr(b'&', input) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(&input[..first]);
    let mut src = first;
    loop {
        // Here input[src] == b'&'.
        src += unescape_one(&input[src..], attribute, &mut out);
        match memchr(b'&', &input[src..]) {
            Some(gap) => {
                out.extend_from_slice(&input[src..src + gap]);
                src += gap;
            }
            None => {
                out.extend_from_slice(&input[src..]);
                return Cow::Owned(out);
            }
        }
    }
}

/// Decodes the reference at the start of `s` (which begins with '&') into `out` and returns
/// how many bytes of `s` it consumed; when there is nothing to decode it copies what it read.
fn unescape_one(s: &[u8], attribute: bool, out: &mut Vec<u8>) -> usize {
    if s.len() <= 1 {
        out.push(b'&');
        return 1;
    }
    if s[1] == b'#' {
        return unescape_numeric(s, out);
    }

    // The name: letters and digits, plus a ';' if one ends it.
    let mut end = 1;
    while end < s.len() && s[end].is_ascii_alphanumeric() {
        end += 1;
    }
    if end < s.len() && s[end] == b';' {
        end += 1;
    }
    let name = &s[1..end];

    if let Some(&last) = name.last() {
        let kept_for_attribute = attribute && last != b';' && s.get(end) == Some(&b'=');
        if !kept_for_attribute {
            if let Some(value) = lookup(name) {
                out.extend_from_slice(value);
                return end;
            }
            if !attribute {
                // Longest legacy name (no ';') that is a proper prefix, at least 2 bytes.
                let max_len = (name.len() - 1).min(LONGEST_ENTITY_WITHOUT_SEMICOLON);
                for len in (2..=max_len).rev() {
                    if let Some(value) = lookup(&name[..len]) {
                        out.extend_from_slice(value);
                        return 1 + len;
                    }
                }
            }
        }
    }
    out.extend_from_slice(&s[..end]);
    end
}

/// Decodes `&#...` at the start of `s`; see [`unescape_one`].
fn unescape_numeric(s: &[u8], out: &mut Vec<u8>) -> usize {
    // Go wants at least "&#" and one more byte before it even looks.
    if s.len() <= 3 {
        out.push(b'&');
        return 1;
    }
    let mut i = 2;
    let hex = matches!(s[i], b'x' | b'X');
    if hex {
        i += 1;
    }
    let radix = if hex { 16 } else { 10 };
    // Go accumulates in a 32-bit signed rune, wrapping on overflow.
    let mut value: i32 = 0;
    while let Some(&c) = s.get(i) {
        match char::from(c).to_digit(radix) {
            Some(digit) => {
                // A digit is below 16, so the cast is lossless.
                value = value.wrapping_mul(radix as i32).wrapping_add(digit as i32);
                i += 1;
            }
            None => {
                if c == b';' {
                    i += 1;
                }
                break;
            }
        }
    }
    // Go's test: at most "&#x" or "&#" plus a ';' consumed means nothing matched. So "&#;"
    // stays as is while "&#x;" decodes (to U+FFFD, from the value 0).
    if i <= 3 {
        out.push(b'&');
        return 1;
    }

    let code = match value {
        0x80..=0x9F => WINDOWS_1252[(value - 0x80) as usize],
        0 | 0xD800..=0xDFFF => 0xFFFD,
        // Values above U+10FFFF and, after wrapping, negative ones.
        _ => u32::try_from(value).unwrap_or(0xFFFD),
    };
    let ch = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
    out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
    i
}

/// Looks a reference name (without '&', with its ';' if any) up in the table.
fn lookup(name: &[u8]) -> Option<&'static [u8]> {
    ENTITIES
        .binary_search_by(|&(key, _)| key.cmp(name))
        .ok()
        .map(|index| ENTITIES[index].1)
}

/// Normalises newlines as the Go tokenizer does: "\r\n" and a lone "\r" both become "\n".
/// Returns the input itself when it holds no '\r'.
pub(crate) fn convert_newlines(input: &[u8]) -> Cow<'_, [u8]> {
    let Some(first) = memchr(b'\r', input) else {
        return Cow::Borrowed(input);
    };
    let mut out = Vec::with_capacity(input.len());
    let mut rest = input;
    let mut next = Some(first);
    while let Some(cr) = next {
        out.extend_from_slice(&rest[..cr]);
        out.push(b'\n');
        let skip = if rest.get(cr + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        rest = &rest[cr + skip..];
        next = memchr(b'\r', rest);
    }
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, attribute mode, expected output). Expectations follow x/net/html v0.7.0's
    /// `unescapeEntity`; each comment names the rule at work.
    const CASES: &[(&[u8], bool, &[u8])] = &[
        // No '&': unchanged (and borrowed, checked below).
        (b"plain /path?q=1", false, b"plain /path?q=1"),
        (b"", true, b""),
        // Named reference with ';'.
        (b"&amp;", false, b"&"),
        (b"&amp;", true, b"&"),
        (b"a&lt;b&gt;c", false, b"a<b>c"),
        // Legacy name without ';' is in the table itself.
        (b"&amp", false, b"&"),
        (b"&amp", true, b"&"),
        (b"x&copy y", true, "x\u{a9} y".as_bytes()),
        // Attribute: the name "ampx" is looked up whole, not found, and no prefix is tried.
        (b"&ampx", true, b"&ampx"),
        // Text: longest legacy prefix "amp" wins, the rest is copied.
        (b"&ampx", false, b"&x"),
        // Attribute: a name without ';' followed by '=' is kept (query strings).
        (b"&amp=", true, b"&amp="),
        (b"?a=1&copy=2", true, b"?a=1&copy=2"),
        // ... but with ';' it is decoded, and in text '=' does not matter.
        (b"&amp;=", true, b"&="),
        (b"&amp=", false, b"&="),
        // Text-mode prefix match stops before the unmatched rest, ';' included.
        (b"&notit;", false, "\u{ac}it;".as_bytes()),
        (b"&notit;", true, b"&notit;"),
        // "&notin;" is a full name, so no prefix match.
        (b"&notin;", false, "\u{2209}".as_bytes()),
        // Prefix search needs at least 2 bytes and looks at most 6.
        (b"&ltxyz", false, b"<xyz"),
        (b"&yenxxxxx", false, "\u{a5}xxxxx".as_bytes()),
        (b"&unknown;", false, b"&unknown;"),
        // Names are case-sensitive.
        (b"&AMP;&Amp;", false, b"&&Amp;"),
        // Two-code-point references.
        (b"&NotEqualTilde;", false, "\u{2242}\u{338}".as_bytes()),
        (b"&nvlt;", true, "<\u{20d2}".as_bytes()),
        // Left out of Go's tables (replacement longer than the reference).
        (b"&nGt;", false, b"&nGt;"),
        (b"&nLt;", true, b"&nLt;"),
        // Decimal and hexadecimal references, ';' optional.
        (b"&#38;", false, b"&"),
        (b"&#x26;", false, b"&"),
        (b"&#X26", true, b"&"),
        (b"&#65", false, b"A"),
        (b"&#65x", false, b"Ax"),
        (b"&#x41g", false, b"Ag"),
        (b"&#0065;", false, b"A"),
        // "&#" with no digit: left alone ('&' copied, then the rest as text).
        (b"&#;", false, b"&#;"),
        (b"&#a;", false, b"&#a;"),
        (b"&#xg;", false, b"&#xg;"),
        // Quirk: "&#x;" counts as a match (4 bytes consumed) with value 0, so U+FFFD.
        (b"&#x;", false, "\u{fffd}".as_bytes()),
        (b"&#x;", true, "\u{fffd}".as_bytes()),
        // Fewer than 4 bytes from '&': never decoded, even "&#5".
        (b"&#", false, b"&#"),
        (b"&#5", false, b"&#5"),
        (b"&#x", false, b"&#x"),
        (b"&#55", false, b"7"),
        // Zero, surrogates and values beyond U+10FFFF become U+FFFD.
        (b"&#0;", false, "\u{fffd}".as_bytes()),
        (b"&#xD800;", false, "\u{fffd}".as_bytes()),
        (b"&#xDFFF;", false, "\u{fffd}".as_bytes()),
        (b"&#1114111;", false, "\u{10ffff}".as_bytes()),
        (b"&#1114112;", false, "\u{fffd}".as_bytes()),
        // 0x80..=0x9F are read as Windows-1252.
        (b"&#128;", false, "\u{20ac}".as_bytes()),
        (b"&#x9f;", false, "\u{178}".as_bytes()),
        (b"&#x81;", false, "\u{81}".as_bytes()),
        (b"&#127;", false, b"\x7f"),
        // int32 wrapping: 99999999999999 wraps to 0x107A3FFF, still above U+10FFFF.
        (b"&#99999999999999;", false, "\u{fffd}".as_bytes()),
        // 2^32 + 65 wraps around to 65.
        (b"&#4294967361;", false, b"A"),
        // 2^32 + 0x80 wraps into the Windows-1252 range.
        (b"&#x100000080;", false, "\u{20ac}".as_bytes()),
        // 2^31 + 65 wraps to a negative value.
        (b"&#2147483713;", false, "\u{fffd}".as_bytes()),
        // '&' at the end, "&;" and a lone '&' before a non-name byte.
        (b"&", false, b"&"),
        (b"a&", true, b"a&"),
        (b"&;", false, b"&;"),
        (b"a & b", false, b"a & b"),
        (b"&&amp;", false, b"&&"),
        // Several references in one string.
        (b"&lt;a href=&quot;x&quot;&gt;", false, b"<a href=\"x\">"),
        (b"/p?a=1&amp;b=2&#38;c=3", true, b"/p?a=1&b=2&c=3"),
        // Invalid UTF-8 passes through untouched, around and next to references.
        (b"\xff&amp;\xc3(\x80&\xfe", false, b"\xff&\xc3(\x80&\xfe"),
        (b"&amp\xe9", false, b"&\xe9"),
    ];

    #[test]
    fn unescape_matches_go() {
        for &(input, attribute, expected) in CASES {
            let got = unescape(input, attribute);
            assert_eq!(
                got.as_ref(),
                expected,
                "input {:?} attribute {attribute}: got {:?}",
                String::from_utf8_lossy(input),
                String::from_utf8_lossy(&got),
            );
        }
    }

    #[test]
    fn borrowed_without_ampersand() {
        assert!(matches!(unescape(b"no refs", false), Cow::Borrowed(_)));
        assert!(matches!(unescape(b"", true), Cow::Borrowed(_)));
    }

    #[test]
    fn table_is_sorted_and_complete() {
        assert!(ENTITIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ENTITIES.len(), 2229);
        let longest = ENTITIES
            .iter()
            .filter(|(name, _)| !name.ends_with(b";"))
            .map(|(name, _)| name.len())
            .max();
        assert_eq!(longest, Some(LONGEST_ENTITY_WITHOUT_SEMICOLON));
    }

    #[test]
    fn convert_newlines_matches_go() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"", b""),
            (b"a\nb", b"a\nb"),
            (b"a\r\nb", b"a\nb"),
            (b"a\rb", b"a\nb"),
            (b"\r", b"\n"),
            (b"\r\r\n\n\r", b"\n\n\n\n"),
            (b"x\r\n", b"x\n"),
            (b"\xff\r\xfe", b"\xff\n\xfe"),
        ];
        for &(input, expected) in cases {
            assert_eq!(convert_newlines(input).as_ref(), expected, "{input:?}");
        }
        assert!(matches!(convert_newlines(b"a\nb"), Cow::Borrowed(_)));
    }
}
