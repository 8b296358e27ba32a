//! The link graph of a crawl, kept compact: one small fixed-size [`Edge`] per link, every
//! string (URLs without their fragment, fragments, hrefs, texts) stored once in a shared table.
//!
//! A site's pages repeat the same navigation links, texts, targets and section names on every
//! page, so interning makes the graph grow with the number of links, at 32 bytes each,
//! not with their text (`bench/crawl-memory.sh` measures what that comes to).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::ops::Range;

use foldhash::fast::RandomState;
use hashbrown::hash_table::{Entry, HashTable};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::classify::Kind;
use crate::report::PageLinks;
use crate::url::normalize;

/// An interned string: an index into [`Links::str`].
pub type Sym = u32;

/// No string (a missing value).
pub const NONE: Sym = Sym::MAX;

/// `rel=nofollow`.
pub const REL_NOFOLLOW: u8 = 1;
/// `rel=noopener`.
pub const REL_NOOPENER: u8 = 2;
/// `rel=noreferrer`.
pub const REL_NOREFERRER: u8 = 4;
/// `rel=ugc`.
pub const REL_UGC: u8 = 8;
/// `rel=sponsored`.
pub const REL_SPONSORED: u8 = 16;

const REL_NAMES: [(u8, &str); 5] = [
    (REL_NOFOLLOW, "nofollow"),
    (REL_NOOPENER, "noopener"),
    (REL_NOREFERRER, "noreferrer"),
    (REL_UGC, "ugc"),
    (REL_SPONSORED, "sponsored"),
];

/// One `href` of one anchor on a parsed page (the page is where it is kept: see
/// [`Links::page`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// The attribute value as written.
    pub href: Sym,
    /// Where it leads, resolved, without its fragment; [`NONE`] when it does not resolve.
    pub url: Sym,
    /// The fragment after the resolved URL's '#'; [`NONE`] when there is none. Kept apart so
    /// that the many `page#section` links of a site share their strings.
    pub fragment: Sym,
    /// The target as the crawl knows it (normalised, no fragment); [`NONE`] unless http(s).
    pub target: Sym,
    /// The visible text, whitespace collapsed.
    pub text: Sym,
    /// 1-based line of the anchor.
    pub line: u32,
    /// 1-based byte column of the anchor.
    pub column: u32,
    /// The kind of link.
    pub kind: Kind,
    /// The `rel` tokens that matter, as `REL_*` bits.
    pub rel: u8,
    /// `target=_blank`.
    pub blank: bool,
    /// The anchor holds an image with alt text.
    pub image_alt: bool,
}

impl Edge {
    /// Whether `rel` has the `REL_*` bit `flag`.
    pub fn has_rel(&self, flag: u8) -> bool {
        self.rel & flag != 0
    }
}

/// The rel tokens of `bits`, space-separated, in a fixed order.
pub fn rel_names(bits: u8) -> String {
    REL_NAMES
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every distinct string of a crawl, once, back to back in one buffer: a symbol is a string's
/// number: no allocation per string, and a lookup touches the string itself only when the
/// hash it keeps beside the symbol matches.
///
/// Hashing is foldhash with a random seed per crawl: several times faster than the standard
/// SipHash on these short strings, and a page cannot choose strings that collide.
#[derive(Debug, Clone, Default)]
struct Strings {
    text: String,
    /// Where each string ends in `text`; it starts where the one before ends.
    ends: Vec<usize>,
    /// Each string's symbol with 32 bits of its hash: growing the table rehashes from them
    /// without reading every string again, and a lookup reads a string only when its hash
    /// matches.
    table: HashTable<(Sym, u32)>,
    hasher: RandomState,
}

impl Strings {
    fn get(&self, sym: Sym) -> Option<&str> {
        string(&self.text, &self.ends, sym)
    }

    /// 32 bits of the hash of `s`.
    fn hash(&self, s: &str) -> u32 {
        (self.hasher.hash_one(s) >> 32) as u32
    }

    fn find(&self, s: &str) -> Option<Sym> {
        let hash = self.hash(s);
        self.table
            .find(spread(hash), |&(sym, h)| {
                h == hash && self.get(sym) == Some(s)
            })
            .map(|&(sym, _)| sym)
    }

    /// Adds `s` as the next symbol, even when it is there already (reading a crawl back
    /// must keep every symbol's number); a lookup finds the first.
    fn push(&mut self, s: &str) {
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

    fn intern(&mut self, s: &str) -> Sym {
        let hash = self.hash(s);
        let Strings {
            text, ends, table, ..
        } = self;
        let same = |&(sym, h): &(Sym, u32)| h == hash && string(text, ends, sym) == Some(s);
        match table.entry(spread(hash), same, |&(_, h)| spread(h)) {
            Entry::Occupied(entry) => entry.get().0,
            Entry::Vacant(entry) => {
                let sym = Sym::try_from(ends.len())
                    .ok()
                    .filter(|&sym| sym != NONE)
                    .expect("fewer than 4 billion distinct strings");
                text.push_str(s);
                ends.push(text.len());
                entry.insert((sym, hash));
                sym
            }
        }
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

/// Every link of a crawl, and the strings they share.
#[derive(Debug, Clone, Default)]
pub struct Links {
    strings: Strings,
    /// The target of each resolved URL seen so far (without its fragment), so a page linked
    /// from every page, or at many places, is parsed and normalised once.
    targets: HashMap<Sym, Sym, RandomState>,
    /// Each visit's links in document order, by visit index: one allocation of the exact size
    /// per page, never grown or copied.
    pages: Vec<Box<[Edge]>>,
    /// Where each visit's links start in the sequence of all the crawl's links.
    starts: Vec<usize>,
    /// How many links there are.
    count: usize,
}

impl Links {
    /// The string `sym` stands for ("" for [`NONE`]).
    pub fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym).unwrap_or("")
    }

    /// Where `edge` leads, its fragment included; `None` when its href does not resolve.
    pub fn url(&self, edge: &Edge) -> Option<Cow<'_, str>> {
        self.url_parts(edge).map(|parts| match parts {
            [url, "", ""] => Cow::Borrowed(url),
            parts => Cow::Owned(parts.concat()),
        })
    }

    /// [`Links::url`] in pieces that join to it, without building the string: the URL, then
    /// `"#"` and the fragment, or two empty strings.
    pub fn url_parts(&self, edge: &Edge) -> Option<[&str; 3]> {
        if edge.url == NONE {
            return None;
        }
        let url = self.str(edge.url);
        Some(if edge.fragment == NONE {
            [url, "", ""]
        } else {
            [url, "#", self.str(edge.fragment)]
        })
    }

    /// The links of the visit at `visit` (none for a visit that was not a parsed page).
    pub fn page(&self, visit: usize) -> &[Edge] {
        self.pages.get(visit).map_or(&[], |edges| edges)
    }

    /// How many links the crawl found.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the crawl found no link.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The links at `range` of the sequence of all the crawl's links (page by page in visit
    /// order), each with the index of the visit it is on.
    pub fn range(&self, range: Range<usize>) -> impl Iterator<Item = (usize, &Edge)> + '_ {
        let first = self
            .starts
            .partition_point(|&start| start <= range.start)
            .saturating_sub(1);
        let skip = range.start - self.starts.get(first).copied().unwrap_or(0);
        self.pages
            .get(first..)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .flat_map(move |(i, edges)| edges.iter().map(move |edge| (first + i, edge)))
            .skip(skip)
            .take(range.len())
    }

    /// Every link of the crawl with the index of the visit it is on, page by page.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Edge)> + '_ {
        self.range(0..self.count)
    }

    /// How many distinct strings there are: symbols run from 0 to this.
    pub fn symbols(&self) -> usize {
        self.strings.ends.len()
    }

    /// The symbol of `s`, if it was ever interned.
    pub fn find(&self, s: &str) -> Option<Sym> {
        self.strings.find(s)
    }

    /// The symbol of `s`, interning it on first sight.
    pub fn intern(&mut self, s: &str) -> Sym {
        self.strings.intern(s)
    }

    /// The target of the resolved URL `url` (normalised, without fragment; [`NONE`] unless
    /// http(s)). A URL a followed link has first is added to `new_targets`.
    fn target(&mut self, url: Sym, followed: bool, new_targets: &mut Vec<Url>) -> Sym {
        // Links to many places on one page share the page's entry: its URL is parsed once.
        if let Some(&target) = self.targets.get(&url) {
            return target;
        }
        let target = Url::parse(self.str(url))
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(|u| normalize(&u));
        let sym = target.as_ref().map_or(NONE, |t| self.intern(t.as_str()));
        if followed {
            self.targets.insert(url, sym);
            new_targets.extend(target);
        }
        sym
    }

    /// Adds the links of the page at `page` (a visit index). Returns the http(s) targets
    /// (normalised) that no earlier followed link led to: the ones the crawl has not
    /// considered yet. Links of a page not `followed` (robots `nofollow`) are recorded but
    /// leave their targets unconsidered, for a later page to lead to.
    pub fn add_page(&mut self, page: u32, links: &PageLinks, followed: bool) -> Vec<Url> {
        let page = page as usize;
        debug_assert!(self.pages.len() <= page, "pages are added in visit order");
        while self.pages.len() < page {
            self.starts.push(self.count);
            self.pages.push(Box::default());
        }
        let mut edges = Vec::with_capacity(links.len());
        let mut new_targets = Vec::new();
        // Most links lead to the same page as the link before them (a page's sections, its
        // "¶" marks, an index's entries: 92,000 of python3.11-doc's 164,000 links): that URL
        // is looked up once for the run.
        let mut previous: Option<(&str, Sym, Sym)> = None;
        for link in links.iter() {
            let (url, target) = match (link.url, previous) {
                (Some(url), Some((same, url_sym, target))) if url == same => (url_sym, target),
                (Some(url), _) => {
                    let url_sym = self.intern(url);
                    let target = self.target(url_sym, followed, &mut new_targets);
                    previous = Some((url, url_sym, target));
                    (url_sym, target)
                }
                (None, _) => (NONE, NONE),
            };
            let fragment = link.fragment.map_or(NONE, |f| self.intern(f));
            let mut rel = 0;
            for token in link.rel.split_ascii_whitespace() {
                if let Some((bit, _)) = REL_NAMES
                    .iter()
                    .find(|(_, name)| name.eq_ignore_ascii_case(token))
                {
                    rel |= bit;
                }
            }
            let edge = Edge {
                href: self.intern(link.href),
                url,
                fragment,
                target,
                text: self.intern(link.text),
                line: u32::try_from(link.line).unwrap_or(u32::MAX),
                column: u32::try_from(link.column).unwrap_or(u32::MAX),
                kind: link.kind,
                rel,
                blank: link
                    .target
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("_blank")),
                image_alt: !link.image_alt.trim().is_empty(),
            };
            edges.push(edge);
        }
        self.starts.push(self.count);
        self.count += edges.len();
        self.pages.push(edges.into_boxed_slice());
        new_targets
    }
}

impl Links {
    /// Puts the pages in a new visit order: the page of visit `order[i]` becomes visit `i`'s.
    pub(super) fn reorder(&mut self, order: &[usize]) {
        let mut pages = std::mem::take(&mut self.pages);
        pages.resize_with(order.len().max(pages.len()), Box::default);
        self.pages = order
            .iter()
            .map(|&i| std::mem::take(&mut pages[i]))
            .collect();
        self.starts.clear();
        let mut count = 0;
        for page in &self.pages {
            self.starts.push(count);
            count += page.len();
        }
    }
}

impl PartialEq for Links {
    /// Equal when they hold the same strings under the same symbols and the same links
    /// (the hash tables' seeds differ from crawl to crawl).
    fn eq(&self, other: &Links) -> bool {
        self.strings.text == other.strings.text
            && self.strings.ends == other.strings.ends
            && self.targets == other.targets
            && self.pages == other.pages
    }
}

/// [`Links`] as it is written out: every string in symbol order, the target of each resolved
/// URL, and each visit's links.
#[derive(Serialize)]
struct LinksOut<'a> {
    strings: Vec<&'a str>,
    targets: Vec<(Sym, Sym)>,
    pages: &'a [Box<[Edge]>],
}

/// [`LinksOut`] read back.
#[derive(Deserialize)]
struct LinksIn {
    strings: Vec<String>,
    targets: Vec<(Sym, Sym)>,
    pages: Vec<Box<[Edge]>>,
}

impl Serialize for Links {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut targets: Vec<(Sym, Sym)> = self.targets.iter().map(|(&u, &t)| (u, t)).collect();
        // Sorted, so that one crawl is always written the same.
        targets.sort_unstable();
        LinksOut {
            strings: (0..self.symbols()).map(|i| self.str(i as Sym)).collect(),
            targets,
            pages: &self.pages,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Links {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Links, D::Error> {
        let read = LinksIn::deserialize(d)?;
        if read.strings.len() >= NONE as usize {
            return Err(serde::de::Error::custom("more than 4 billion strings"));
        }
        let mut links = Links::default();
        for s in &read.strings {
            links.strings.push(s);
        }
        links.targets.extend(read.targets);
        for edges in read.pages {
            links.starts.push(links.count);
            links.count += edges.len();
            links.pages.push(edges);
        }
        Ok(links)
    }
}

/// The hash a page's fragment targets are kept as: 8 bytes each instead of the text.
pub fn fragment_hash(fragment: &str) -> u64 {
    // A fixed seed: every page's targets must hash alike. Whoever could make two ids collide
    // would only hide a missing-fragment finding on their own site.
    foldhash::fast::FixedState::with_seed(0x68_72_65_66_73).hash_one(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_stored_once() {
        let mut links = Links::default();
        let a = links.intern("https://example.com/");
        let b = links.intern("Home");
        assert_eq!(links.intern("https://example.com/"), a);
        assert_ne!(a, b);
        assert_eq!(links.str(b), "Home");
        assert_eq!(links.str(NONE), "");
        assert_eq!(links.find("Home"), Some(b));
        assert_eq!(links.find("nowhere"), None);
    }

    #[test]
    fn strings_survive_the_table_growing() {
        let mut links = Links::default();
        let words: Vec<String> = (0..5000).map(|i| format!("/page/{i}")).collect();
        let syms: Vec<Sym> = words.iter().map(|w| links.intern(w)).collect();
        let empty = links.intern("");
        for (word, &sym) in words.iter().zip(&syms) {
            assert_eq!(links.str(sym), word);
            assert_eq!(links.intern(word), sym);
            assert_eq!(links.find(word), Some(sym));
        }
        assert_eq!(links.str(empty), "");
        assert_ne!(empty, NONE);
        assert_eq!(links.find(""), Some(empty));
        assert_eq!(links.str(empty + 1), "");
    }

    #[test]
    fn rel_bits_round_trip() {
        assert_eq!(
            rel_names(REL_NOFOLLOW | REL_SPONSORED),
            "nofollow sponsored"
        );
        assert_eq!(rel_names(0), "");
    }

    fn page_links(html: &str) -> PageLinks {
        use crate::extract::{extract, AnchorLog, ExtractOptions};
        let mut anchors = AnchorLog::default();
        let mut verdicts = Vec::new();
        let options = ExtractOptions {
            anchor_details: true,
            fragment_targets: false,
        };
        let facts = extract(html.as_bytes(), options, &mut |a| {
            verdicts.extend(a.hrefs().map(|_| None));
            anchors.push(a);
        });
        let base = Url::parse("http://example.com/").unwrap();
        let origin = crate::report::Origin::default();
        PageLinks::resolve(
            &origin,
            &facts,
            &anchors,
            &verdicts,
            &base,
            Default::default(),
        )
        .unwrap()
    }

    #[test]
    fn each_visit_has_its_links() {
        let mut links = Links::default();
        links.add_page(
            0,
            &page_links(r#"<a href="/a">a</a><a href="/b">b</a>"#),
            true,
        );
        links.add_page(
            2,
            &page_links(r#"<a href="c">c</a><a href="d">d</a><a href="e">"#),
            true,
        );
        let hrefs = |visit| -> Vec<&str> {
            links
                .page(visit)
                .iter()
                .map(|e| links.str(e.href))
                .collect()
        };
        assert_eq!(hrefs(0), ["/a", "/b"]);
        assert!(hrefs(1).is_empty() && hrefs(3).is_empty());
        assert_eq!(hrefs(2), ["c", "d", "e"]);
        assert_eq!(links.len(), 5);
        let seen = |range| -> Vec<(usize, &str)> {
            links
                .range(range)
                .map(|(v, e)| (v, links.str(e.href)))
                .collect()
        };
        assert_eq!(seen(1..4), [(0, "/b"), (2, "c"), (2, "d")]);
        assert_eq!(seen(2..2), []);
        assert_eq!(seen(4..9), [(2, "e")]);
        assert_eq!(links.iter().count(), 5);
        assert_eq!(Links::default().range(0..3).count(), 0);
    }

    #[test]
    fn links_read_back_as_written() {
        let mut links = Links::default();
        links.add_page(
            0,
            &page_links(r#"<a href="/a" rel=nofollow>a</a><a href="/a#x">"#),
            true,
        );
        links.add_page(
            2,
            &page_links(r#"<a href="c" target=_blank>c</a><a href="x:">"#),
            false,
        );
        links.intern("Home");
        let json = serde_json::to_string(&links).unwrap();
        let read: Links = serde_json::from_str(&json).unwrap();
        assert_eq!(read, links);
        assert_eq!(serde_json::to_string(&read).unwrap(), json);
        assert_eq!(read.find("Home"), links.find("Home"));
        assert_eq!(read.iter().count(), 4);
    }

    #[test]
    fn a_repeated_string_keeps_its_numbers() {
        let json = r#"{"strings":["a","b","a"],"targets":[],"pages":[]}"#;
        let links: Links = serde_json::from_str(json).unwrap();
        assert_eq!((links.str(0), links.str(1), links.str(2)), ("a", "b", "a"));
        assert_eq!(links.find("a"), Some(0));
    }

    #[test]
    fn an_edge_is_small() {
        assert!(
            std::mem::size_of::<Edge>() <= 32,
            "{}",
            std::mem::size_of::<Edge>()
        );
    }
}
