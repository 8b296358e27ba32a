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
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::classify::Kind;
use crate::intern::Strings;
use crate::report::PageLinks;
use crate::url::normalize;

pub use crate::intern::{Sym, NONE};

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
    /// What else is known of the link, as `LINK_*` bits: worked out while the page's strings
    /// are at hand, so that auditing a link need not reach them again.
    pub flags: u8,
}

/// The anchor holds an image with alt text.
pub const LINK_IMAGE_ALT: u8 = 1;
/// The anchor's text is all code (`<code>`, `<kbd>`...): an identifier, not words.
pub const LINK_CODE: u8 = 2;
/// The href is empty or `#`, whitespace aside.
pub const LINK_EMPTY_HREF: u8 = 4;

impl Edge {
    /// Whether the anchor holds an image with alt text.
    pub fn has_image_alt(&self) -> bool {
        self.flags & LINK_IMAGE_ALT != 0
    }

    /// Whether the anchor's text is all code.
    pub fn is_code_text(&self) -> bool {
        self.flags & LINK_CODE != 0
    }

    /// Whether the href is empty or `#`, whitespace aside.
    pub fn has_empty_href(&self) -> bool {
        self.flags & LINK_EMPTY_HREF != 0
    }

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
        self.strings.len()
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
    /// http(s)). A URL a followed link has first is added to `new_targets` if `wanted`.
    fn target(
        &mut self,
        url: Sym,
        followed: bool,
        wanted: &mut impl FnMut(&Url) -> bool,
        new_targets: &mut Vec<Url>,
    ) -> Sym {
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
            new_targets.extend(target.filter(|t| wanted(t)));
        }
        sym
    }

    /// Adds the links of the page at `page` (a visit index). Returns the http(s) targets
    /// (normalised) that no earlier followed link led to, the ones the crawl has not considered
    /// yet, among those `wanted` keeps. Links of a page not `followed` (robots `nofollow`) are
    /// recorded but leave their targets unconsidered, for a later page to lead to.
    pub fn add_page(
        &mut self,
        page: u32,
        links: &PageLinks,
        followed: bool,
        mut wanted: impl FnMut(&Url) -> bool,
    ) -> Vec<Url> {
        let page = page as usize;
        debug_assert!(self.pages.len() <= page, "pages are added in visit order");
        while self.pages.len() < page {
            self.starts.push(self.count);
            self.pages.push(Box::default());
        }
        // Each of the page's strings the edges keep is looked up here once, however many
        // links share it, and all of them at once (`Strings::intern_all`): `ours[s]` is the
        // crawl's number for the page's string `s`, `targets[s]` the target of the page's
        // URL `s` (UNSEEN until asked).
        const UNSEEN: Sym = NONE - 1;
        let mut ours = vec![UNSEEN; links.symbols()];
        let mut kept = Vec::new();
        for link in links.syms() {
            for s in [link.href, link.url, link.fragment, link.text] {
                if s != NONE && ours[s as usize] == UNSEEN {
                    // Its number comes below; meanwhile it is not UNSEEN.
                    ours[s as usize] = NONE;
                    kept.push(s);
                }
            }
        }
        let texts: Vec<&str> = kept.iter().map(|&s| links.str(s)).collect();
        for (s, sym) in kept.into_iter().zip(self.strings.intern_all(&texts)) {
            ours[s as usize] = sym;
        }
        let sym = |s: Sym| if s == NONE { NONE } else { ours[s as usize] };
        let mut targets = vec![UNSEEN; links.symbols()];
        let mut new_targets = Vec::new();
        let mut edges = Vec::with_capacity(links.len());
        for link in links.syms() {
            let (href, url, fragment, text) = (
                sym(link.href),
                sym(link.url),
                sym(link.fragment),
                sym(link.text),
            );
            let target = if url == NONE {
                NONE
            } else {
                let slot = &mut targets[link.url as usize];
                if *slot == UNSEEN {
                    *slot = self.target(url, followed, &mut wanted, &mut new_targets);
                }
                *slot
            };
            let mut flags = if link.code { LINK_CODE } else { 0 };
            if !links.str(link.image_alt).trim().is_empty() {
                flags |= LINK_IMAGE_ALT;
            }
            if matches!(links.str(link.href).trim(), "" | "#") {
                flags |= LINK_EMPTY_HREF;
            }
            let mut rel = 0;
            for token in links.str(link.rel).split_ascii_whitespace() {
                if let Some((bit, _)) = REL_NAMES
                    .iter()
                    .find(|(_, name)| name.eq_ignore_ascii_case(token))
                {
                    rel |= bit;
                }
            }
            edges.push(Edge {
                href,
                url,
                fragment,
                target,
                text,
                line: link.line,
                column: link.column,
                kind: link.kind,
                rel,
                blank: link.target != NONE
                    && links.str(link.target).trim().eq_ignore_ascii_case("_blank"),
                flags,
            });
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
        self.strings == other.strings && self.targets == other.targets && self.pages == other.pages
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
    fn rel_bits_round_trip() {
        assert_eq!(
            rel_names(REL_NOFOLLOW | REL_SPONSORED),
            "nofollow sponsored"
        );
        assert_eq!(rel_names(0), "");
    }

    fn page_links(html: &str) -> PageLinks {
        let base = Url::parse("http://example.com/").unwrap();
        crate::links::collect(html.as_bytes(), &base, Default::default(), None)
    }

    #[test]
    fn each_visit_has_its_links() {
        let mut links = Links::default();
        links.add_page(
            0,
            &page_links(r#"<a href="/a">a</a><a href="/b">b</a>"#),
            true,
            |_| true,
        );
        links.add_page(
            2,
            &page_links(r#"<a href="c">c</a><a href="d">d</a><a href="e">"#),
            true,
            |_| true,
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
            |_| true,
        );
        links.add_page(
            2,
            &page_links(r#"<a href="c" target=_blank>c</a><a href="x:">"#),
            false,
            |_| true,
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
