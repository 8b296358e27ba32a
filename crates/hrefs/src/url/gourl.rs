//! A byte-exact emulation of which URL references Go 1.19's `net/url.Parse` accepts, plus the
//! few fields `href-counter` reads from its result. The original tool classifies every link
//! with `url.Parse`, which rejects things the WHATWG parser of the `url` crate repairs or
//! accepts (control characters, malformed `%` escapes, non-numeric ports, spaces in hosts...)
//! and accepts things it rejects; counting the same links as the Go tool needs Go's rules.

use std::borrow::Cow;
use std::fmt;

/// The parts of a URL reference that `href-counter` needs, as Go's `url.Parse` fills them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoUrl<'a> {
    /// The scheme, lower-cased (Go's `URL.Scheme`); empty for a relative reference.
    /// Borrowed from the input unless it held upper-case letters.
    pub scheme: Cow<'a, str>,
    /// Go's `URL.Host`: the authority after any `userinfo@`, `%`-escapes decoded, port and
    /// IPv6 brackets kept (`[fe80::1%en0]:80`); empty when there is no authority. Borrowed
    /// from the input unless it held an escape.
    pub host: Cow<'a, [u8]>,
    /// Whether the reference has the `scheme:opaque` form: a scheme followed by something
    /// that does not start with '/', as in `mailto:a@b`. The opaque part may be empty
    /// (`http:`), in which case Go's `URL.Opaque` is the empty string.
    pub opaque: bool,
}

/// Why Go's `url.Parse` rejects a reference: one variant per error it can return.
///
/// The messages are Go's, lower-cased and without the `parse "...": ` wrapper or the
/// `net/url: ` prefix; quoted bytes are shown as Go's `strconv.Quote` would.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GoUrlError {
    /// An ASCII control byte (below 0x20, or 0x7F) before the first '#'.
    #[error("invalid control character in url")]
    ControlCharacter,
    /// The reference starts with ':'.
    #[error("missing protocol scheme")]
    MissingScheme,
    /// No valid scheme, and the first path segment holds a ':' (as in `1a:b`).
    #[error("first path segment in url cannot contain colon")]
    ColonInFirstSegment,
    /// The host starts with '[' but has no ']'.
    #[error("missing ']' in host")]
    MissingBracket,
    /// What follows the host (including the ':') is not ':' and digits.
    #[error("invalid port {} after host", GoQuoted(.0))]
    InvalidPort(Vec<u8>),
    /// A malformed `%` escape, or one a host or zone may not use; holds the escape (up to
    /// three bytes from the '%').
    #[error("invalid url escape {}", GoQuoted(.0))]
    InvalidEscape(Vec<u8>),
    /// An ASCII byte a host name may not contain (space, '\\', '^', '`', '{', '|', '}').
    #[error("invalid character {} in host name", GoQuoted(std::slice::from_ref(.0)))]
    InvalidHostCharacter(u8),
    /// The userinfo before '@' holds a byte outside RFC 3986's set (any non-ASCII byte).
    #[error("invalid userinfo")]
    InvalidUserinfo,
}

/// Parses a URL reference as Go 1.19's `url.Parse` does and returns what `href-counter`
/// needs from it, or the error Go would report.
///
/// The input is raw bytes, as a Go string is: invalid UTF-8 is fine where Go accepts it.
/// Allocates only for an upper-case scheme or a host holding an escape.
pub fn parse(raw: &[u8]) -> Result<GoUrl<'_>, GoUrlError> {
    let scan = scan(raw)?;
    let url = parse_reference(&raw[..scan.hash], &scan)?;
    // Everything after the first '#' is the fragment, whose escapes alone are checked.
    if let Some(fragment) = raw.get(scan.hash + 1..) {
        // Most fragments are short and have no escape.
        if crate::swar::find(b'%', fragment).is_some() {
            check_escapes(fragment, Mode::Fragment)?;
        }
    }
    Ok(url)
}

/// Builds a `[bool; 256]` answering `rule` for every byte value, at compile time.
macro_rules! byte_table {
    (|$b:ident| $rule:expr) => {{
        let mut table = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $b = i as u8;
            table[i] = $rule;
            i += 1;
        }
        table
    }};
}
pub(crate) use byte_table;

/// Byte class for [`scan`]: an ASCII control byte, forbidden before the fragment.
const CONTROL: u8 = 1;
/// Byte class for [`scan`]: '?', the query starts at the first one.
const QUESTION: u8 = 2;
/// Byte class for [`scan`]: '%', escapes need checking.
const PERCENT: u8 = 4;
/// Byte class for [`scan`]: '#', the fragment starts at the first one.
const HASH: u8 = 8;
/// Byte class for [`scan`]: ':', without which there is neither a scheme nor a colon in the
/// first segment to look for.
const COLON: u8 = 16;

/// The [`scan`] class of each byte value, 0 for the bytes it passes over.
static SCAN_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = CONTROL;
        b += 1;
    }
    table[0x7F] = CONTROL;
    table[b'?' as usize] = QUESTION;
    table[b'%' as usize] = PERCENT;
    table[b'#' as usize] = HASH;
    table[b':' as usize] = COLON;
    table
};

/// Where the parts of a reference start, from [`scan`].
struct Scan {
    /// Offset of the first '#', or the length.
    hash: usize,
    /// Offset of the first '?' before `hash`, or `hash`.
    query: usize,
    /// Whether a '%' comes before `query`.
    escaped: bool,
    /// Whether a ':' comes before `hash`.
    colon: bool,
}

/// One pass over the input: finds the fragment and the query, notes whether there are
/// escapes to check, and rejects control bytes before the fragment (Go's
/// `stringContainsCTLByte`, whose error comes before any other).
fn scan(raw: &[u8]) -> Result<Scan, GoUrlError> {
    let mut query = None;
    let mut escaped = false;
    let mut colon = false;
    let mut classify = |bytes: &[u8], offset: usize| -> Result<Option<usize>, GoUrlError> {
        for (i, &b) in bytes.iter().enumerate() {
            match SCAN_CLASS[usize::from(b)] {
                0 => {}
                CONTROL => return Err(GoUrlError::ControlCharacter),
                QUESTION => {
                    query.get_or_insert(offset + i);
                }
                PERCENT => escaped |= query.is_none(),
                COLON => colon = true,
                _ => return Ok(Some(offset + i)),
            }
        }
        Ok(None)
    };
    // Most bytes are plain: test eight at a time, branch-free, before looking closer.
    let mut chunks = raw.chunks_exact(8);
    let mut offset = 0;
    let mut hash = None;
    for chunk in &mut chunks {
        let class = chunk
            .iter()
            .fold(0, |class, &b| class | SCAN_CLASS[usize::from(b)]);
        if class != 0 {
            hash = classify(chunk, offset)?;
            if hash.is_some() {
                break;
            }
        }
        offset += 8;
    }
    if hash.is_none() {
        hash = classify(chunks.remainder(), offset)?;
    }
    let hash = hash.unwrap_or(raw.len());
    Ok(Scan {
        hash,
        query: query.unwrap_or(hash),
        escaped,
        colon,
    })
}

/// Go's `parse` (not via request) on the part before '#', given what [`scan`] found.
fn parse_reference<'a>(reference: &'a [u8], found: &Scan) -> Result<GoUrl<'a>, GoUrlError> {
    let Scan {
        query,
        escaped,
        colon,
        ..
    } = *found;
    let mut url = GoUrl {
        scheme: Cow::Borrowed(""),
        host: Cow::Borrowed(&[]),
        opaque: false,
    };
    if reference == b"*" {
        return Ok(url);
    }

    // A scheme ends with a ':': most references (relative ones) have none to look for.
    let scheme = if colon { scheme_len(reference)? } else { 0 };
    if scheme != 0 {
        url.scheme = lower_scheme(&reference[..scheme]);
    }
    // The query is not validated at all; with or without a trailing lone '?' (ForceQuery),
    // what precedes the first '?' is the rest. A scheme holds no '?', so the query starts
    // after it.
    let rest_start = if scheme == 0 { 0 } else { scheme + 1 };
    let rest = &reference[rest_start..query];

    if !rest.starts_with(b"/") {
        if scheme != 0 {
            // Opaque data is neither unescaped nor checked.
            url.opaque = true;
            return Ok(url);
        }
        let mut first_segment = rest.iter().take_while(|&&b| b != b'/');
        if colon && first_segment.any(|&b| b == b':') {
            return Err(GoUrlError::ColonInFirstSegment);
        }
    }

    let mut path = rest;
    if rest.starts_with(b"//") && (scheme != 0 || !rest.starts_with(b"///")) {
        let after = &rest[2..];
        let slash = after.iter().position(|&b| b == b'/').unwrap_or(after.len());
        let (authority, after_authority) = after.split_at(slash);
        url.host = parse_authority(authority)?;
        path = after_authority;
    }
    if escaped {
        check_escapes(path, Mode::Path)?;
    }
    Ok(url)
}

/// The scheme as Go keeps it, lower-cased; borrowed when it already is.
fn lower_scheme(scheme: &[u8]) -> Cow<'_, str> {
    // Scheme bytes are ASCII letters, digits and "+-.", so this is always valid UTF-8.
    match std::str::from_utf8(scheme) {
        Ok(s) if !scheme.iter().any(u8::is_ascii_uppercase) => Cow::Borrowed(s),
        _ => Cow::Owned(
            scheme
                .iter()
                .map(|&b| char::from(b.to_ascii_lowercase()))
                .collect(),
        ),
    }
}

/// Go's `getScheme`: the length of the scheme when the input starts with a letter followed
/// by letters, digits, '+', '-' or '.' up to a ':', and 0 when there is no scheme.
fn scheme_len(reference: &[u8]) -> Result<usize, GoUrlError> {
    for (i, &c) in reference.iter().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err(GoUrlError::MissingScheme),
            b':' => return Ok(i),
            _ => break,
        }
    }
    Ok(0)
}

/// Go's `parseAuthority`: `[userinfo@]host`, split at the last '@'. The host is checked
/// before the userinfo, so a bad host wins over a bad userinfo.
fn parse_authority(authority: &[u8]) -> Result<Cow<'_, [u8]>, GoUrlError> {
    let at = authority.iter().rposition(|&b| b == b'@');
    let host = parse_host(at.map_or(authority, |at| &authority[at + 1..]))?;
    if let Some(at) = at {
        let userinfo = &authority[..at];
        if !userinfo.iter().all(|&b| USERINFO_BYTES[usize::from(b)]) {
            return Err(GoUrlError::InvalidUserinfo);
        }
        // Username and password are unescaped separately, which shows in the error text
        // when an escape runs into the ':'.
        match userinfo.iter().position(|&b| b == b':') {
            Some(colon) => {
                check_escapes(&userinfo[..colon], Mode::UserPassword)?;
                check_escapes(&userinfo[colon + 1..], Mode::UserPassword)?;
            }
            None => {
                check_escapes(userinfo, Mode::UserPassword)?;
            }
        }
    }
    Ok(host)
}

/// Go's `validUserinfo`, byte-wise: RFC 3986 unreserved, sub-delims, ':', plus '%' and '@'.
/// Go walks runes, so any non-ASCII byte (valid UTF-8 or not) fails.
static USERINFO_BYTES: [bool; 256] = byte_table!(|b| is_userinfo_byte(b));

/// The rule behind [`USERINFO_BYTES`].
const fn is_userinfo_byte(b: u8) -> bool {
    is_unreserved_or_sub_delim(b) || matches!(b, b':' | b'%' | b'@')
}

/// RFC 3986's unreserved bytes (letters, digits, `-._~`) and sub-delims (`!$&'()*+,;=`): the
/// common core of the byte sets URL parts may hold as they are.
pub(crate) const fn is_unreserved_or_sub_delim(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
        )
}

/// Go's `parseHost`: `host[:port]` or `[ip-literal[%25zone]][:port]`, escapes decoded.
fn parse_host(host: &[u8]) -> Result<Cow<'_, [u8]>, GoUrlError> {
    if host.starts_with(b"[") {
        let close = host
            .iter()
            .rposition(|&b| b == b']')
            .ok_or(GoUrlError::MissingBracket)?;
        let port = &host[close + 1..];
        if !is_optional_port(port) {
            return Err(GoUrlError::InvalidPort(port.to_vec()));
        }
        // "%25" starts a zone, which has its own escaping rules.
        if let Some(zone) = host[..close].windows(3).position(|w| w == b"%25") {
            check_escapes(&host[..zone], Mode::Host)?;
            check_escapes(&host[zone..close], Mode::Zone)?;
            check_escapes(&host[close..], Mode::Host)?;
            return Ok(Cow::Owned(percent_decode(host)));
        }
    } else if let Some(colon) = host.iter().rposition(|&b| b == b':') {
        let port = &host[colon..];
        if !is_optional_port(port) {
            return Err(GoUrlError::InvalidPort(port.to_vec()));
        }
    }
    if check_escapes(host, Mode::Host)? {
        Ok(Cow::Owned(percent_decode(host)))
    } else {
        Ok(Cow::Borrowed(host))
    }
}

/// Go's `validOptionalPort`: empty, or ':' followed by ASCII digits only (maybe none).
fn is_optional_port(port: &[u8]) -> bool {
    match port.split_first() {
        None => true,
        Some((&b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

/// The part of a URL being unescaped: Go's `encoding` modes that `Parse` uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

/// The validation half of Go's `unescape`: reports the first bad escape (or, in a host or
/// zone, the first bad byte) and whether there is any escape to decode.
fn check_escapes(s: &[u8], mode: Mode) -> Result<bool, GoUrlError> {
    match mode {
        Mode::Host | Mode::Zone => check_host_escapes(s, mode),
        Mode::Path | Mode::UserPassword | Mode::Fragment => {
            // Only the shape of escapes is checked: skip from '%' to '%'.
            let mut from = 0;
            let mut any = false;
            while let Some(offset) = s[from..].iter().position(|&b| b == b'%') {
                let percent = from + offset;
                check_escape_shape(s, percent)?;
                any = true;
                from = percent + 3;
            }
            Ok(any)
        }
    }
}

/// Host and zone rules: ASCII bytes must be allowed host bytes; escapes must not encode
/// ASCII in a host (except "%25") nor, in a zone, anything but a host byte or a space.
fn check_host_escapes(s: &[u8], mode: Mode) -> Result<bool, GoUrlError> {
    // Fast path: nothing but plain host bytes.
    let Some(mut i) = s.iter().position(|&b| !PLAIN_HOST_BYTES[usize::from(b)]) else {
        return Ok(false);
    };
    let mut any = false;
    while i < s.len() {
        let c = s[i];
        if c == b'%' {
            check_escape_shape(s, i)?;
            any = true;
            let escape = &s[i..i + 3];
            let is_25 = escape == b"%25";
            if !is_25 {
                let byte = (hex_value(s[i + 1]) << 4) | hex_value(s[i + 2]);
                let bad = match mode {
                    // Only non-ASCII bytes may be escaped in a host.
                    Mode::Host => byte < 0x80,
                    // A zone may escape a space or an allowed host byte, nothing else
                    // (not even non-ASCII bytes, which it may contain unescaped).
                    _ => byte != b' ' && !HOST_BYTES[usize::from(byte)],
                };
                if bad {
                    return Err(GoUrlError::InvalidEscape(escape.to_vec()));
                }
            }
            i += 3;
        } else {
            if c < 0x80 && !HOST_BYTES[usize::from(c)] {
                return Err(GoUrlError::InvalidHostCharacter(c));
            }
            i += 1;
        }
    }
    Ok(any)
}

/// Checks that `s[percent]` (a '%') starts a `%XX` escape with two hex digits; otherwise
/// the error holds at most three bytes from the '%'.
fn check_escape_shape(s: &[u8], percent: usize) -> Result<(), GoUrlError> {
    match s.get(percent + 1..percent + 3) {
        Some(&[hi, lo]) if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit() => Ok(()),
        _ => {
            let end = (percent + 3).min(s.len());
            Err(GoUrlError::InvalidEscape(s[percent..end].to_vec()))
        }
    }
}

/// The bytes Go leaves unescaped in a host (the negation of `shouldEscape` in host mode):
/// letters, digits, `-._~`, sub-delims, ':', brackets, `<`, `>` and `"`. Bytes from 0x80 are
/// not in it; a host may hold them raw but not escaped in a zone.
static HOST_BYTES: [bool; 256] = byte_table!(|b| is_host_byte(b));

/// The bytes a host may hold with no further look: [`HOST_BYTES`] and all bytes from 0x80.
static PLAIN_HOST_BYTES: [bool; 256] = byte_table!(|b| b >= 0x80 || is_host_byte(b));

/// The rule behind [`HOST_BYTES`].
const fn is_host_byte(b: u8) -> bool {
    is_unreserved_or_sub_delim(b) || matches!(b, b':' | b'[' | b']' | b'<' | b'>' | b'"')
}

/// Value of an ASCII hex digit (already checked).
fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

/// Decodes `%XX` escapes, which must all have been checked.
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' {
            out.push((hex_value(s[i + 1]) << 4) | hex_value(s[i + 2]));
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// Displays bytes the way Go's `strconv.Quote` does, for error messages.
///
/// Exact for ASCII, invalid UTF-8 and characters below U+0800. Above that Go's Unicode
/// tables are approximated: spaces, common format characters, private-use characters,
/// noncharacters and unassigned planes are escaped, while the scattered unassigned code
/// points of the first two planes (which Go escapes) are shown as is. Only an invalid-port
/// message can hold such characters.
struct GoQuoted<'a>(&'a [u8]);

impl fmt::Display for GoQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '"' => f.write_str("\\\"")?,
                    '\\' => f.write_str("\\\\")?,
                    '\x07' => f.write_str("\\a")?,
                    '\x08' => f.write_str("\\b")?,
                    '\x0C' => f.write_str("\\f")?,
                    '\n' => f.write_str("\\n")?,
                    '\r' => f.write_str("\\r")?,
                    '\t' => f.write_str("\\t")?,
                    '\x0B' => f.write_str("\\v")?,
                    _ if is_go_printable(c) => write!(f, "{c}")?,
                    _ if c < ' ' || c == '\x7F' => write!(f, "\\x{:02x}", u32::from(c))?,
                    _ if u32::from(c) < 0x10000 => write!(f, "\\u{:04x}", u32::from(c))?,
                    _ => write!(f, "\\U{:08x}", u32::from(c))?,
                }
            }
            for byte in chunk.invalid() {
                write!(f, "\\x{byte:02x}")?;
            }
        }
        f.write_str("\"")
    }
}

/// Go's `strconv.IsPrint`: exact below U+0800 (so for every escape error, whose quoted part
/// holds at most two bytes after the '%'), approximated above (see [`GoQuoted`]).
fn is_go_printable(c: char) -> bool {
    let code = u32::from(c);
    if code < 0x80 {
        return (0x20..0x7F).contains(&code);
    }
    if code < 0x800 {
        // C1 controls, no-break space, soft hyphen, format characters, and the code points
        // unassigned in Unicode 13.0 (the version of Go 1.19's tables).
        return !matches!(
            code,
            0x80..=0xA0
                | 0xAD
                | 0x378..=0x379
                | 0x380..=0x383
                | 0x38B
                | 0x38D
                | 0x3A2
                | 0x530
                | 0x557..=0x558
                | 0x58B..=0x58C
                | 0x590
                | 0x5C8..=0x5CF
                | 0x5EB..=0x5EE
                | 0x5F5..=0x605
                | 0x61C..=0x61D
                | 0x6DD
                | 0x70E..=0x70F
                | 0x74B..=0x74C
                | 0x7B2..=0x7BF
                | 0x7FB..=0x7FC
        );
    }
    if c.is_whitespace() || (code & 0xFFFE) == 0xFFFE {
        return false;
    }
    !matches!(
        code,
        0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0xE000..=0xF8FF
            | 0xFDD0..=0xFDEF
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x13438
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0x2FA1E..=0x2FFFF
            | 0x3134B..=0xE00FF
            | 0xE01F0..
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Go's `url.Parse` returns: the fields we keep, or the error message.
    enum Want {
        /// (scheme, host, opaque)
        Ok(&'static str, &'static [u8], bool),
        Err(&'static str),
    }
    use Want::{Err as E, Ok as K};

    /// Each expectation is derived from Go 1.19's net/url; the comment names the rule.
    #[rustfmt::skip]
    const CASES: &[(&[u8], Want)] = &[
        // Relative references: no scheme, no host.
        (b"", K("", b"", false)),
        (b"page.html", K("", b"", false)),
        (b"../up/x?y=1", K("", b"", false)),
        (b"/abs/path", K("", b"", false)),
        (b"./a:b", K("", b"", false)), // colon not in the first segment
        // "*" is special-cased before anything else.
        (b"*", K("", b"", false)),
        // Fragment-only and query-only references.
        (b"#x", K("", b"", false)),
        (b"#", K("", b"", false)),
        (b"?q", K("", b"", false)),
        (b"?", K("", b"", false)),
        // Network-path reference: "//" without a scheme still has an authority...
        (b"//host/p", K("", b"host", false)),
        (b"//", K("", b"", false)),
        // ... but not "///".
        (b"///p", K("", b"", false)),
        (b"///p%zz", E("invalid url escape \"%zz\"")),
        // With a scheme, "///" has an empty authority.
        (b"http:///p", K("http", b"", false)),
        (b"http://", K("http", b"", false)),
        // scheme:opaque when what follows the scheme does not start with '/'.
        (b"mailto:a@b", K("mailto", b"", true)),
        (b"javascript:void(0)", K("javascript", b"", true)),
        (b"javascript:void 0", K("javascript", b"", true)),
        (b"tel:+1", K("tel", b"", true)),
        (b"http:", K("http", b"", true)),
        (b"http:?x", K("http", b"", true)),
        (b"http:host/p", K("http", b"", true)),
        // Opaque data is not unescaped, so a bad escape there is fine.
        (b"mailto:%zz", K("mailto", b"", true)),
        (b"urn:a:b:c", K("urn", b"", true)),
        // The scheme is lower-cased; the host is kept as written.
        (b"HTTP://Ex.com", K("http", b"Ex.com", false)),
        (b"hTTps://EXAMPLE.org/a", K("https", b"EXAMPLE.org", false)),
        // Scheme bytes: a letter, then letters, digits, '+', '-', '.'.
        (b"a1+.-:x", K("a1+.-", b"", true)),
        (b"svn+ssh://h/r", K("svn+ssh", b"h", false)),
        // A leading digit means no scheme, so the ':' lands in the first segment.
        (b"1http://x", E("first path segment in url cannot contain colon")),
        (b"1a:b", E("first path segment in url cannot contain colon")),
        (b"a_b:c", E("first path segment in url cannot contain colon")), // '_' ends the scheme
        (b"a b:c", E("first path segment in url cannot contain colon")),
        (b"1a/b:c", K("", b"", false)), // colon after the first '/'
        (b"a?b:c", K("", b"", false)),  // colon only in the query
        (b"a#b:c", K("", b"", false)),  // colon only in the fragment
        (b"a#%zz:", E("invalid url escape \"%zz\"")),
        (b"a#b%", E("invalid url escape \"%\"")),
        (b"a#b%4g", E("invalid url escape \"%4g\"")),
        (b"a#b%41", K("", b"", false)),
        // A ':' first means an empty scheme.
        (b":foo", E("missing protocol scheme")),
        (b"://x", E("missing protocol scheme")),
        // Ports: ':' followed by digits or nothing.
        (b"http://h:80/", K("http", b"h:80", false)),
        (b"http://h:", K("http", b"h:", false)),
        (b"http://h:x", E("invalid port \":x\" after host")),
        (b"http://h:8o", E("invalid port \":8o\" after host")),
        (b"http://a:b:80", K("http", b"a:b:80", false)), // last ':' starts the port
        (b"http://::1", K("http", b"::1", false)),
        (b"http://h:\xc3\xa9", E("invalid port \":\u{e9}\" after host")),
        (b"http://h:\xff", E("invalid port \":\\xff\" after host")),
        // IP literals: the last ']' closes them, then an optional port.
        (b"http://[::1]:80/", K("http", b"[::1]:80", false)),
        (b"http://[::1]", K("http", b"[::1]", false)),
        (b"http://[::1]x", E("invalid port \"x\" after host")),
        (b"http://[::1]:8x", E("invalid port \":8x\" after host")),
        (b"http://[::1", E("missing ']' in host")),
        (b"http://[", E("missing ']' in host")),
        (b"http://[a]b]", K("http", b"[a]b]", false)), // ']' is a host byte
        (b"http://x[::1]", E("invalid port \":1]\" after host")), // '[' only special first
        // Zones: "%25" starts one; escapes there may encode host bytes or space only.
        (b"http://[fe80::1%25en0]:8080/", K("http", b"[fe80::1%en0]:8080", false)),
        (b"http://[fe80::1%25en%200]/", K("http", b"[fe80::1%en 0]", false)),
        (b"http://[fe80::1%25%41]/", K("http", b"[fe80::1%A]", false)),
        (b"http://[fe80::1%25en%0A]/", E("invalid url escape \"%0A\"")),
        (b"http://[fe80::1%25en%C3%A9]/", E("invalid url escape \"%C3\"")),
        (b"http://[fe80::1%25en\xc3\xa9]/", K("http", b"[fe80::1%en\xc3\xa9]", false)),
        (b"http://[fe80::1%25en0%]/", E("invalid url escape \"%\"")), // zone ends at ']'
        (b"http://[fe%41::1%25en0]/", E("invalid url escape \"%41\"")), // before the zone
        (b"http://[a%2%25b]/", E("invalid url escape \"%2\"")), // split at "%25"
        (b"http://[fe80::1%25en 0]/", E("invalid character \" \" in host name")),
        // Escapes in a host: only non-ASCII bytes (or "%25").
        (b"http://%41/", E("invalid url escape \"%41\"")),
        (b"http://%7F/", E("invalid url escape \"%7F\"")),
        (b"http://a%25b/", K("http", b"a%b", false)),
        (b"http://%C3%A9.com/", K("http", "\u{e9}.com".as_bytes(), false)),
        (b"http://%80/", K("http", b"\x80", false)),
        (b"http://h%zz/", E("invalid url escape \"%zz\"")),
        (b"http://h%4", E("invalid url escape \"%4\"")),
        (b"http://h%", E("invalid url escape \"%\"")),
        // Raw non-ASCII bytes in a host are fine, valid UTF-8 or not.
        (b"http://\xc3\xa9.com/", K("http", b"\xc3\xa9.com", false)),
        (b"http://\xff\xfe/", K("http", b"\xff\xfe", false)),
        // ASCII bytes a host may not contain.
        (b"http://a b/", E("invalid character \" \" in host name")),
        (b"http://a\\b/", E("invalid character \"\\\\\" in host name")),
        (b"http://a|b", E("invalid character \"|\" in host name")),
        (b"http://a{b", E("invalid character \"{\" in host name")),
        (b"http://a^b", E("invalid character \"^\" in host name")),
        (b"http://a`b", E("invalid character \"`\" in host name")),
        (b"http://a<b>\"c/", K("http", b"a<b>\"c", false)), // allowed in hosts
        (b"http://a!$&'()*+,;=b", K("http", b"a!$&'()*+,;=b", false)),
        // Escapes in the path: shape only, any byte value.
        (b"/a%20b%2F%00", K("", b"", false)),
        (b"/%zz", E("invalid url escape \"%zz\"")),
        (b"/%4", E("invalid url escape \"%4\"")),
        (b"/%4g/", E("invalid url escape \"%4g\"")),
        (b"/a%", E("invalid url escape \"%\"")),
        (b"/a%\xc3\xa9", E("invalid url escape \"%\u{e9}\"")), // quoted as a rune
        (b"/a%a\xc3\xa9", E("invalid url escape \"%a\\xc3\"")), // cut mid-rune
        (b"/a%\xc2\x85", E("invalid url escape \"%\\u0085\"")), // non-printable rune
        // The query is never checked.
        (b"/p?%zz", K("", b"", false)),
        (b"http://h/?q=a b&c=%", K("http", b"h", false)),
        // A query containing '#': the fragment starts at the first '#'.
        (b"http://h/?a#b", K("http", b"h", false)),
        (b"http://h/?a#b%zz", E("invalid url escape \"%zz\"")),
        (b"/p#a?b#c", K("", b"", false)),
        // ForceQuery (a lone trailing '?') and several '?'.
        (b"http://h/p?", K("http", b"h", false)),
        (b"http://h/p??", K("http", b"h", false)),
        (b"1a:b?", E("first path segment in url cannot contain colon")),
        // Escapes in the fragment: shape only; it is checked after the rest.
        (b"#%41%e9", K("", b"", false)),
        (b"#%zz", E("invalid url escape \"%zz\"")),
        (b"#a%", E("invalid url escape \"%\"")),
        (b"/%zz#%yy", E("invalid url escape \"%zz\"")),
        (b":x#%zz", E("missing protocol scheme")),
        // Control characters: rejected before '#', ignored after it.
        (b"/a\nb", E("invalid control character in url")),
        (b"http://h/\x7f", E("invalid control character in url")),
        (b"\t/a", E("invalid control character in url")),
        (b"mailto:a\x00", E("invalid control character in url")),
        (b"/a#b\nc\x00\x7f", K("", b"", false)),
        (b"/a#%\x01", E("invalid url escape \"%\\x01\"")),
        // Userinfo: the last '@' ends it; '@' itself is allowed before that.
        (b"http://a@b@c/", K("http", b"c", false)),
        (b"http://u:p@h:1/", K("http", b"h:1", false)),
        (b"http://@h", K("http", b"h", false)),
        (b"http://u%41:p%42@h", K("http", b"h", false)),
        (b"http://a b@h", E("invalid userinfo")),
        (b"http://\xc3\xa9@h", E("invalid userinfo")),
        (b"http://\xff@h", E("invalid userinfo")),
        (b"http://a\"b@h", E("invalid userinfo")),
        (b"http://a%zz@h", E("invalid url escape \"%zz\"")),
        // Username and password are unescaped apart: the escape stops at the ':'.
        (b"http://a%3:b@h", E("invalid url escape \"%3\"")),
        (b"http://a:b%3:c@h", E("invalid url escape \"%3:\"")),
        // The host is checked before the userinfo.
        (b"http://a b@[::1", E("missing ']' in host")),
        (b"http://a b@h x", E("invalid character \" \" in host name")),
        // Non-ASCII bytes in the path are fine.
        (b"/caf\xc3\xa9/\xff", K("", b"", false)),
        (b"http://h/\xe2\x82", K("http", b"h", false)),
    ];

    #[test]
    fn parse_matches_go() {
        for (input, want) in CASES {
            let shown = String::from_utf8_lossy(input);
            match (parse(input), want) {
                (Ok(url), Want::Ok(scheme, host, opaque)) => {
                    assert_eq!(url.scheme, *scheme, "scheme of {shown:?}");
                    // Borrowed unless it had to be lower-cased.
                    let lower = !input.iter().any(u8::is_ascii_uppercase);
                    if lower {
                        assert!(matches!(url.scheme, Cow::Borrowed(_)), "{shown:?}");
                    }
                    assert_eq!(url.host.as_ref(), *host, "host of {shown:?}");
                    assert_eq!(url.opaque, *opaque, "opaque of {shown:?}");
                }
                (Err(err), Want::Err(message)) => {
                    assert_eq!(err.to_string(), *message, "error of {shown:?}");
                }
                (got, Want::Ok(..)) => panic!("{shown:?}: expected Ok, got {got:?}"),
                (got, Want::Err(message)) => {
                    panic!("{shown:?}: expected error {message:?}, got {got:?}")
                }
            }
        }
    }

    #[test]
    fn host_is_borrowed_without_escapes() {
        let url = parse(b"https://example.com:8443/a?b#c").unwrap();
        assert!(matches!(url.host, Cow::Borrowed(b"example.com:8443")));
        let url = parse(b"https://%C3%A9.example/").unwrap();
        assert!(matches!(url.host, Cow::Owned(_)));
    }

    #[test]
    fn error_variants() {
        assert_eq!(
            parse(b"http://h:x"),
            Err(GoUrlError::InvalidPort(b":x".to_vec()))
        );
        assert_eq!(
            parse(b"http://a b"),
            Err(GoUrlError::InvalidHostCharacter(b' '))
        );
        assert_eq!(
            parse(b"/%zz"),
            Err(GoUrlError::InvalidEscape(b"%zz".to_vec()))
        );
    }

    #[test]
    fn quoting_like_strconv_quote() {
        let cases: &[(&[u8], &str)] = &[
            (b"%zz", r#""%zz""#),
            (b"a\"\\", r#""a\"\\""#),
            (
                b"\x07\x08\x0c\n\r\t\x0b\x00\x7f",
                r#""\a\b\f\n\r\t\v\x00\x7f""#,
            ),
            (
                "\u{e9}\u{a0}\u{ad}\u{200b}\u{1f600}".as_bytes(),
                "\"\u{e9}\\u00a0\\u00ad\\u200b\u{1f600}\"",
            ),
            ("\u{f0000}".as_bytes(), r#""\U000f0000""#),
            (b"\xe2\x82(\xff", r#""\xe2\x82(\xff""#),
        ];
        for &(input, expected) in cases {
            assert_eq!(GoQuoted(input).to_string(), expected);
        }
    }
}
