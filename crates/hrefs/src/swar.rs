//! Byte searches eight bytes at a time in a plain `u64`, for the short runs HTML is made of:
//! the text between two tags, an attribute value, an `href`. On such runs
//! the setup of memchr's vector search costs more than the search itself, so these look at the
//! first few words inline and hand longer runs to memchr.
//!
//! A mask sets the high bit of every matching byte of a word. Only the lowest set bit
//! is exact: a borrow out of a matching byte can flag the byte above it. So a mask tells
//! whether a word has a match and where the first one is, which is all a search needs.

use memchr::{memchr, memchr2};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// How far [`find`] and [`contains2`] look a word at a time before calling memchr.
const INLINE: usize = 32;

/// The eight bytes at `hay[i..]`, little-endian; `hay` must hold them.
#[inline(always)]
fn word_at(hay: &[u8], i: usize) -> u64 {
    // Eight indexed bytes: one bounds check and one load once optimised.
    u64::from_le_bytes([
        hay[i],
        hay[i + 1],
        hay[i + 2],
        hay[i + 3],
        hay[i + 4],
        hay[i + 5],
        hay[i + 6],
        hay[i + 7],
    ])
}

/// Flags the bytes of `word` equal to `needle` (see the module docs).
#[inline(always)]
fn eq_mask(word: u64, needle: u8) -> u64 {
    let x = word ^ (ONES * u64::from(needle));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Flags the bytes of `word` below `bound`, which is at most 0x80 (see the module docs).
#[inline(always)]
fn below_mask(word: u64, bound: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(bound)) & !word & HIGHS
}

/// The index in its word of the first byte a non-zero mask flags.
#[inline(always)]
fn first_flagged(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// The first `needle` in `hay`.
#[inline(always)]
pub(crate) fn find(needle: u8, hay: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < INLINE && i + 8 <= hay.len() {
        let found = eq_mask(word_at(hay, i), needle);
        if found != 0 {
            return Some(i + first_flagged(found));
        }
        i += 8;
    }
    memchr(needle, &hay[i..]).map(|k| i + k)
}

/// Whether `hay` holds an `a` or a `b`.
#[inline(always)]
pub(crate) fn contains2(a: u8, b: u8, hay: &[u8]) -> bool {
    if hay.len() > INLINE {
        return memchr2(a, b, hay).is_some();
    }
    let mut words = hay.chunks_exact(8);
    let mut found = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        found |= eq_mask(word, a) | eq_mask(word, b);
    }
    found != 0 || words.remainder().iter().any(|&c| c == a || c == b)
}

/// Whether JSON must escape some byte of `s`: a control byte, '"' or '\\'.
pub(crate) fn needs_json_escape(s: &[u8]) -> bool {
    let mut words = s.chunks_exact(8);
    let mut found = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        found |= below_mask(word, 0x20) | eq_mask(word, b'"') | eq_mask(word, b'\\');
    }
    found != 0
        || words
            .remainder()
            .iter()
            .any(|&c| c < 0x20 || c == b'"' || c == b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_matches_the_naive_search() {
        let hay = b"0123456789abcdefghij<klmnopqrstuvwxyz<0123456789<ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let part = &hay[start..end];
                for needle in [b'<', b'Z', b'0', b'#'] {
                    let naive = part.iter().position(|&c| c == needle);
                    assert_eq!(find(needle, part), naive, "{needle} in {part:?}");
                }
            }
        }
    }

    #[test]
    fn contains2_matches_the_naive_search() {
        let hay = b"abcdefgh&ijklmnop\rqrstuvwxyzabcdefghijklmnopqrstuvwxyz&";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let part = &hay[start..end];
                let naive = part.iter().any(|&c| c == b'&' || c == b'\r');
                assert_eq!(contains2(b'&', b'\r', part), naive, "{part:?}");
            }
        }
    }

    #[test]
    fn json_escapes_are_found_anywhere() {
        let plain = b"https://example.com/a-long/path?with=query#and-fragment \x7f\xc3\xa9";
        for start in 0..plain.len() {
            assert!(!needs_json_escape(&plain[start..]));
        }
        for special in [b'"', b'\\', b'\n', b'\0', 0x1f] {
            for at in 0..plain.len() {
                let mut s = plain.to_vec();
                s[at] = special;
                assert!(needs_json_escape(&s), "{special:#x} at {at}");
            }
        }
    }

    #[test]
    fn mask_flags_the_first_match_exactly() {
        // A borrow out of the 0x00 byte must not hide or displace the first match.
        for bytes in [
            *b"\x00\x01abcdef",
            *b"ab\x00\x01cdef",
            *b"\x21\x20\x1f\x7f\x80\xff  ",
            *b"zzzzzzz=",
            *b"\xff\xfe\x81\x80\x7f\x22\x21\x20",
        ] {
            let word = u64::from_le_bytes(bytes);
            for needle in [0u8, 1, b'=', b' ', 0x80, 0xff] {
                let mask = eq_mask(word, needle);
                let naive = bytes.iter().position(|&c| c == needle);
                assert_eq!((mask != 0).then(|| first_flagged(mask)), naive);
            }
            for bound in [1u8, 0x20, 0x21, 0x80] {
                let mask = below_mask(word, bound);
                let naive = bytes.iter().position(|&c| c < bound);
                assert_eq!((mask != 0).then(|| first_flagged(mask)), naive);
            }
        }
    }
}
