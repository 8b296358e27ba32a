//! The path patterns of `allow` and `disallow` rules: their canonical form and how they match,
//! in time linear in the path whatever the pattern.

use memchr::memmem;

use crate::url::escape_at;

/// A path pattern in canonical form (see [`canonicalize`]): `*` matches any run of octets, and
/// a pattern matches any path it is a prefix of unless it ended in `$`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pattern {
    /// The pattern without its `$`, repeated `*` collapsed.
    bytes: Vec<u8>,
    anchored: bool,
    /// Octets of the canonical pattern as written, `*` and `$` included: the RFC's measure of
    /// how specific a rule is.
    specificity: usize,
}

impl Pattern {
    pub(super) fn new(raw: &[u8]) -> Pattern {
        let (raw, anchored) = match raw.strip_suffix(b"$") {
            Some(rest) => (rest, true),
            None => (raw, false),
        };
        let mut bytes = Vec::with_capacity(raw.len());
        canonicalize(raw, &mut bytes);
        let specificity = bytes.len() + usize::from(anchored);
        bytes.dedup_by(|b, a| *a == b'*' && *b == b'*');
        Pattern {
            bytes,
            anchored,
            specificity,
        }
    }

    /// How specific the rule is: the longest matching pattern decides.
    pub(super) fn specificity(&self) -> usize {
        self.specificity
    }

    /// Octets the pattern has to match with, `*` counted once and `$` not at all.
    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Keeps the first `len` octets and drops the `$`: the pattern then matches every path it
    /// matched and more. Its specificity stays that of the pattern as written, so that it
    /// outranks the same rules as before.
    pub(super) fn shorten(&mut self, len: usize) {
        self.bytes.truncate(len);
        self.anchored = false;
    }

    /// Whether the pattern matches `text` (a canonical path and query) from its start.
    ///
    /// The pattern is cut at its `*`s into literal pieces: the first must start the text, the
    /// others are placed left to right, each at its leftmost occurrence after the one before
    /// (found with `memmem`, linear in the text), and with `$` the last must end the text.
    /// Greedy placement never misses a match: placing a piece as far left as it goes leaves
    /// the longest rest of the text, and any placement of the later pieces in a shorter rest
    /// (which is a suffix of the longer one) is also one in the longer rest, since the `*`
    /// before them absorbs the difference. Each search starts where the last piece ended, so
    /// one rule costs about one pass over the text, however long or repetitive the two are
    /// (trying every start of each piece, as before, cost pattern × text).
    pub(super) fn matches(&self, text: &[u8]) -> bool {
        let mut pieces = self.bytes.split(|&b| b == b'*');
        let first = pieces.next().unwrap_or_default();
        let Some(mut rest) = text.strip_prefix(first) else {
            return false;
        };
        let Some(last) = pieces.next_back() else {
            return !self.anchored || rest.is_empty();
        };
        for piece in pieces {
            match memmem::find(rest, piece) {
                Some(at) => rest = &rest[at + piece.len()..],
                None => return false,
            }
        }
        if self.anchored {
            rest.ends_with(last)
        } else {
            memmem::find(rest, last).is_some()
        }
    }
}

/// Appends `raw` (a pattern, path or query) in the one form both sides are compared in:
/// escapes of unreserved characters (letters, digits, `-._~`) decoded, every other escape
/// written with uppercase hex digits, and octets that cannot appear raw in a URL (controls,
/// space, non-ASCII) percent-encoded, as RFC 9309 section 2.2.2 asks. A `%` that starts no
/// escape becomes `%25`. `*` and `$` pass through.
pub(super) fn canonicalize(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        let byte = raw[i];
        match escape_at(raw, i) {
            Some(decoded) if decoded.is_ascii_alphanumeric() || b"-._~".contains(&decoded) => {
                out.push(decoded);
                i += 3;
            }
            Some(decoded) => {
                push_escape(out, decoded);
                i += 3;
            }
            None => {
                if byte == b'%' || byte <= b' ' || byte >= 0x7F {
                    push_escape(out, byte);
                } else {
                    out.push(byte);
                }
                i += 1;
            }
        }
    }
}

fn push_escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend_from_slice(&[
        b'%',
        HEX[usize::from(byte >> 4)],
        HEX[usize::from(byte & 15)],
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC's definition, tried every way: `*` takes each possible run in turn. Exponential
    /// in the number of `*`s, so only for short inputs.
    fn reference(pattern: &[u8], anchored: bool, text: &[u8]) -> bool {
        match pattern.split_first() {
            None => !anchored || text.is_empty(),
            Some((b'*', rest)) => (0..=text.len()).any(|i| reference(rest, anchored, &text[i..])),
            Some((&want, rest)) => {
                text.first() == Some(&want) && reference(rest, anchored, &text[1..])
            }
        }
    }

    #[test]
    fn canonical_form() {
        let cases: &[(&[u8], &str)] = &[
            (b"/a%3cb", "/a%3Cb"),
            (b"/%41%7e%2d", "/A~-"),
            (b"/%zz%", "/%25zz%25"),
            (b"/a b\t", "/a%20b%09"),
            (b"/\xE3\x83\x84", "/%E3%83%84"),
            (b"/*$", "/*$"),
        ];
        for &(raw, want) in cases {
            let mut out = Vec::new();
            canonicalize(raw, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn wildcard_matcher() {
        let cases: &[(&[u8], &str, bool)] = &[
            (b"/a*b", "/ab", true),
            (b"/a*b", "/axxb", true),
            (b"/a*b", "/axxbyy", true),
            (b"/a*b$", "/axxbyy", false),
            (b"/a*b$", "/abab", true),
            (b"/a*b*c$", "/abxbxc", true),
            (b"/a*b*c$", "/abxbxcd", false),
            (b"*", "/", true),
            (b"*$", "/anything", true),
            (b"/$", "/", true),
            (b"/$", "/x", false),
            (b"/x", "/", false),
            (b"/***x", "/abcx", true),
            (b"/a$b", "/a$b", true),
            // The last piece may not reuse octets a middle piece took.
            (b"/*ab*ba$", "/aba", false),
            (b"/*ab*ba$", "/abba", true),
            (b"/*aa*aa", "/aaa", false),
        ];
        for &(pattern, text, want) in cases {
            let pattern = Pattern::new(pattern);
            assert_eq!(pattern.matches(text.as_bytes()), want, "{pattern:?} {text}");
        }
    }

    /// Greedy placement agrees with trying every way, on small patterns and texts over a
    /// small alphabet (so that pieces recur and overlap).
    #[test]
    fn greedy_matching_agrees_with_the_reference() {
        let seed = 0x0bad_5eed_2025_0912;
        let mut rng = test_server::Rng::new(seed);
        for round in 0..20_000 {
            let pattern: Vec<u8> = (0..rng.below(8)).map(|_| *rng.pick(b"ab*")).collect();
            let anchored = rng.below(2) == 1;
            let text: Vec<u8> = (0..rng.below(12)).map(|_| *rng.pick(b"ab")).collect();
            let mut raw = pattern.clone();
            if anchored {
                raw.push(b'$');
            }
            let got = Pattern::new(&raw).matches(&text);
            let want = reference(&pattern, anchored, &text);
            assert_eq!(
                got,
                want,
                "seed {seed:#x} round {round}: {:?} on {:?}",
                String::from_utf8_lossy(&raw),
                String::from_utf8_lossy(&text)
            );
        }
    }

    #[test]
    fn a_shortened_pattern_matches_more_and_keeps_its_rank() {
        let mut pattern = Pattern::new(b"/abc*def$");
        let rank = pattern.specificity();
        pattern.shorten(4);
        assert_eq!(pattern.len(), 4);
        assert_eq!(pattern.specificity(), rank);
        for text in ["/abc", "/abcdef", "/abc-anything"] {
            assert!(pattern.matches(text.as_bytes()), "{text}");
        }
        assert!(!pattern.matches(b"/ab"));
    }
}
