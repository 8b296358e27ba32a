//! [`Strings`]: distinct strings kept once, back to back in one buffer, each known by its
//! number. The link graph keeps a crawl's strings this way, and a page's links are built the
//! same way while the page streams (`links`), so that a page repeating its navigation costs
//! its links' numbers, not their text.

use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use hashbrown::hash_table::{Entry, HashTable};

/// A string's number in its [`Strings`].
pub type Sym = u32;

/// No string (a missing value).
pub const NONE: Sym = Sym::MAX;

/// Every distinct string, once, back to back in one buffer: no allocation per string, and a
/// lookup touches the string itself only when the hash it keeps beside the symbol matches.
///
/// Hashing is foldhash with a random seed per table: several times faster than the standard
/// SipHash on these short strings, and a page cannot choose strings that collide.
#[derive(Debug, Clone, Default)]
pub(crate) struct Strings {
    text: String,
    /// Where each string ends in `text`; it starts where the one before ends.
    ends: Vec<usize>,
    /// Each string's symbol with 32 bits of its hash: growing the table rehashes from them
    /// without reading every string again, and a lookup reads a string only when its hash
    /// matches.
    table: HashTable<(Sym, u32)>,
    hasher: RandomState,
}

impl PartialEq for Strings {
    /// The same strings under the same numbers (seeds differ from table to table).
    fn eq(&self, other: &Strings) -> bool {
        self.text == other.text && self.ends == other.ends
    }
}

impl Strings {
    /// Room for `count` strings of `bytes` in all before anything grows.
    pub(crate) fn with_capacity(count: usize, bytes: usize) -> Strings {
        Strings {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(count),
            table: HashTable::with_capacity(count),
            hasher: RandomState::default(),
        }
    }

    /// String `sym`, `None` past the last.
    pub(crate) fn get(&self, sym: Sym) -> Option<&str> {
        string(&self.text, &self.ends, sym)
    }

    /// How many strings there are: symbols run from 0 to this.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// 32 bits of the hash of `s`.
    fn hash(&self, s: &str) -> u32 {
        (self.hasher.hash_one(s) >> 32) as u32
    }

    /// The symbol of `s`, if it is there.
    pub(crate) fn find(&self, s: &str) -> Option<Sym> {
        let hash = self.hash(s);
        self.table
            .find(spread(hash), |&(sym, h)| {
                h == hash && self.get(sym) == Some(s)
            })
            .map(|&(sym, _)| sym)
    }

    /// Adds `s` as the next symbol, even when it is there already (reading a crawl back
    /// must keep every symbol's number); a lookup finds the first.
    pub(crate) fn push(&mut self, s: &str) {
        let hash = self.hash(s);
        let Strings {
            text, ends, table, ..
        } = self;
        let sym = Sym::try_from(ends.len()).unwrap_or(NONE);
        let same = |&(other, h): &(Sym, u32)| h == hash && string(text, ends, other) == Some(s);
        if table.find(spread(hash), same).is_none() {
            table.insert_unique(spread(hash), (sym, hash), |&(_, h)| spread(h));
        }
        text.push_str(s);
        ends.push(text.len());
    }

    /// The symbol of `s`, adding it on first sight; `None` when 4 billion strings are there
    /// already.
    pub(crate) fn try_intern(&mut self, s: &str) -> Option<Sym> {
        self.try_intern_hashed(s, self.hash(s))
    }

    /// The symbols of `strings`, in order, each added on first sight (in that order).
    ///
    /// Much faster than one [`Strings::intern`] after another once the table has outgrown the
    /// caches: a lookup is a chain of reads that each wait for the one before (slot, entry,
    /// bounds, text), and one lookup after another waits for every read in turn. Here every
    /// string is looked up first, a step at a time for all of them, so that the reads of
    /// different strings, which do not depend on each other, overlap; only the strings not
    /// found are added, one by one.
    pub(crate) fn intern_all(&mut self, strings: &[&str]) -> Vec<Sym> {
        let hashes: Vec<u32> = strings.iter().map(|s| self.hash(s)).collect();
        // The first entry with the same 32-bit hash: almost always the string itself.
        let mut syms: Vec<Sym> = hashes
            .iter()
            .map(|&hash| {
                self.table
                    .find(spread(hash), |&(_, h)| h == hash)
                    .map_or(NONE, |&(sym, _)| sym)
            })
            .collect();
        // A candidate that is not the string itself is no symbol yet ([`NONE`] is never one).
        for (sym, s) in syms.iter_mut().zip(strings) {
            if self.get(*sym) != Some(s) {
                *sym = NONE;
            }
        }
        for ((sym, s), &hash) in syms.iter_mut().zip(strings).zip(&hashes) {
            if *sym == NONE {
                *sym = self
                    .try_intern_hashed(s, hash)
                    .expect("fewer than 4 billion distinct strings");
            }
        }
        syms
    }

    /// [`Strings::try_intern`] of `s`, whose hash is `hash`.
    fn try_intern_hashed(&mut self, s: &str, hash: u32) -> Option<Sym> {
        let Strings {
            text, ends, table, ..
        } = self;
        let same = |&(sym, h): &(Sym, u32)| h == hash && string(text, ends, sym) == Some(s);
        match table.entry(spread(hash), same, |&(_, h)| spread(h)) {
            Entry::Occupied(entry) => Some(entry.get().0),
            Entry::Vacant(entry) => {
                let sym = Sym::try_from(ends.len()).ok().filter(|&sym| sym != NONE)?;
                text.push_str(s);
                ends.push(text.len());
                entry.insert((sym, hash));
                Some(sym)
            }
        }
    }

    /// [`Strings::try_intern`] where fewer than 4 billion strings are certain.
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        self.try_intern(s)
            .expect("fewer than 4 billion distinct strings")
    }

    /// Drops the lookup table, and the room the buffers have spare: the strings stay readable,
    /// but can no longer be looked up or added to. For a table done growing, kept for reading.
    pub(crate) fn freeze(&mut self) {
        self.table = HashTable::new();
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// A 32-bit hash as the table's 64: the table takes a slot from the low bits and a tag from the
/// top seven, which both come from the 32 then.
fn spread(hash: u32) -> u64 {
    u64::from(hash) << 32 | u64::from(hash)
}

/// String `sym` of the buffer `text` whose strings end at `ends`.
fn string<'a>(text: &'a str, ends: &[usize], sym: Sym) -> Option<&'a str> {
    let i = sym as usize;
    let end = *ends.get(i)?;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_stored_once() {
        let mut strings = Strings::default();
        let a = strings.intern("https://example.com/");
        let b = strings.intern("Home");
        assert_eq!(strings.intern("https://example.com/"), a);
        assert_ne!(a, b);
        assert_eq!(strings.get(b), Some("Home"));
        assert_eq!(strings.get(NONE), None);
        assert_eq!(strings.find("Home"), Some(b));
        assert_eq!(strings.find("nowhere"), None);
    }

    #[test]
    fn strings_survive_the_table_growing() {
        let mut strings = Strings::default();
        let words: Vec<String> = (0..5000).map(|i| format!("/page/{i}")).collect();
        let syms: Vec<Sym> = words.iter().map(|w| strings.intern(w)).collect();
        let empty = strings.intern("");
        for (word, &sym) in words.iter().zip(&syms) {
            assert_eq!(strings.get(sym), Some(word.as_str()));
            assert_eq!(strings.intern(word), sym);
            assert_eq!(strings.find(word), Some(sym));
        }
        assert_eq!(strings.get(empty), Some(""));
        assert_ne!(empty, NONE);
        assert_eq!(strings.find(""), Some(empty));
        assert_eq!(strings.get(empty + 1), None);
        assert_eq!(strings.len(), 5001);
    }

    #[test]
    fn interning_all_at_once_is_interning_one_by_one() {
        let mut batch = Strings::default();
        let mut single = Strings::default();
        let words: Vec<String> = (0..3000).map(|i| format!("/page/{}", i % 1700)).collect();
        // Batches of every size, with strings seen in earlier batches, strings repeated
        // within a batch, and the empty string.
        let mut at = 0;
        for size in (0..).map(|n| n % 97 + 1) {
            if at >= words.len() {
                break;
            }
            let mut some: Vec<&str> = words[at..(at + size).min(words.len())]
                .iter()
                .map(String::as_str)
                .collect();
            some.extend(["", some[0]]);
            at += size;
            let one_by_one: Vec<Sym> = some.iter().map(|s| single.intern(s)).collect();
            assert_eq!(batch.intern_all(&some), one_by_one);
        }
        assert_eq!(batch, single);
        assert_eq!(batch.len(), 1701);
    }

    #[test]
    fn frozen_strings_stay_readable() {
        let mut strings = Strings::default();
        let a = strings.intern("a");
        let b = strings.intern("bb");
        strings.freeze();
        assert_eq!((strings.get(a), strings.get(b)), (Some("a"), Some("bb")));
    }
}
