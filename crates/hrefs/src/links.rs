//! A page's links, resolved while the page streams and kept compact: [`PageLinks`], built by a
//! [`LinkCollector`] one anchor at a time.
//!
//! Each link is 40 bytes of numbers into the page's own [`Strings`], where every distinct
//! string (href, URL, text, rel) is kept once: a page repeating its navigation costs little
//! more than its links' numbers, and nothing of an anchor is held besides its link. Two
//! things a page says may come after its first links, and both change them: its `<meta>`
//! charset and its `<base href>`. Until an encoding is certain, an anchor whose bytes would
//! read differently in some encoding a `<meta>` can name waits raw (rare: such bytes come
//! after the `<meta>` on real pages), and links resolved against a base the page later
//! replaces are resolved again when the page ends.

use encoding_rs::{Encoding, UTF_8};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use crate::charset::{self, Source};
use crate::classify::{self, Kind};
use crate::compat::Side;
use crate::extract::{Anchor, AnchorLog, PageFacts};
use crate::intern::{Strings, Sym, NONE};
use crate::url::{Scope, Site};
use crate::Error;

/// Link counts per [`Kind`]; serializes as an object with every kind, in report order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindCounts([u64; Kind::ALL.len()]);

impl KindCounts {
    /// The count for `kind`.
    pub fn get(&self, kind: Kind) -> u64 {
        self.0[kind as usize]
    }

    pub(crate) fn bump(&mut self, kind: Kind) {
        self.0[kind as usize] += 1;
    }

    /// Every kind with its count, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, u64)> + '_ {
        Kind::ALL.iter().map(|&k| (k, self.get(k)))
    }

    /// The sum over all kinds.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
}

impl Serialize for KindCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter().map(|(k, n)| (k.as_str(), n)))
    }
}

impl<'de> Deserialize<'de> for KindCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut counts = KindCounts::default();
        for (kind, n) in std::collections::BTreeMap::<Kind, u64>::deserialize(d)? {
            counts.0[kind as usize] = n;
        }
        Ok(counts)
    }
}

/// A page's links resolved, every distinct string of them once: what a crawl keeps of a page
/// until its links join the link graph, and what a page report's links are made from.
#[derive(Debug, Clone)]
pub struct PageLinks {
    strings: Strings,
    links: Vec<LinkSyms>,
    /// Links per kind.
    pub kinds: KindCounts,
    /// The encoding the page was read in.
    pub encoding: &'static Encoding,
    /// What said which encoding it is.
    pub charset_source: Source,
    /// The document's base URL, when it has a `<base href>`: links were resolved against it.
    pub base: Option<Url>,
}

/// One link of a [`PageLinks`]: its strings by number, 40 bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinkSyms {
    /// The attribute value, decoded; [`NONE`] only in a slot waiting for its anchor.
    pub(crate) href: Sym,
    /// Where it leads, without its fragment; [`NONE`] when it does not resolve.
    pub(crate) url: Sym,
    /// What follows the resolved URL's first '#'; [`NONE`] without one.
    pub(crate) fragment: Sym,
    /// The `rel` attribute as written; [`NONE`] without one or when empty.
    pub(crate) rel: Sym,
    /// The `target` attribute; [`NONE`] without one.
    pub(crate) target: Sym,
    /// The visible text and the alt text of images in the anchor; [`NONE`] when empty.
    pub(crate) text: Sym,
    pub(crate) image_alt: Sym,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) kind: Kind,
    pub(crate) compat: Option<Side>,
    /// The text is all code (see [`Anchor::is_code`]).
    pub(crate) code: bool,
}

/// One link of a [`PageLinks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkRef<'a> {
    /// The attribute value, entity-decoded.
    pub href: &'a str,
    /// Where it leads, without its fragment; `None` when it does not resolve.
    pub url: Option<&'a str>,
    /// What follows the resolved URL's first '#', if it has one.
    pub fragment: Option<&'a str>,
    /// What kind of link it is.
    pub kind: Kind,
    /// The original tool's verdict.
    pub compat: Option<Side>,
    /// The `rel` attribute as written: tokens separated by whitespace, in any case.
    pub rel: &'a str,
    /// The `target` attribute.
    pub target: Option<&'a str>,
    /// The visible text, whitespace collapsed.
    pub text: &'a str,
    /// Alt text of images inside the anchor.
    pub image_alt: &'a str,
    /// 1-based line of the anchor.
    pub line: u64,
    /// 1-based byte column of the anchor.
    pub column: u64,
    /// The text is all code: inside `<code>` and its kin (see [`Anchor::is_code`]).
    pub code: bool,
}

impl PageLinks {
    /// How many links the page has (every `href` of every anchor).
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// Whether the page has no link.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The links, in page order.
    pub fn iter(&self) -> impl Iterator<Item = LinkRef<'_>> + '_ {
        let opt = |sym: Sym| self.strings.get(sym);
        let s = move |sym: Sym| opt(sym).unwrap_or("");
        self.links.iter().map(move |l| LinkRef {
            href: s(l.href),
            url: opt(l.url),
            fragment: opt(l.fragment),
            kind: l.kind,
            compat: l.compat,
            rel: s(l.rel),
            target: opt(l.target),
            text: s(l.text),
            image_alt: s(l.image_alt),
            line: l.line.into(),
            column: l.column.into(),
            code: l.code,
        })
    }

    /// The links by number (for the link graph, which maps each number once).
    pub(crate) fn syms(&self) -> &[LinkSyms] {
        &self.links
    }

    /// How many distinct strings the links have: their numbers run from 0 to this.
    pub(crate) fn symbols(&self) -> usize {
        self.strings.len()
    }

    /// String `sym` of the links ("" for [`NONE`]).
    pub(crate) fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym).unwrap_or("")
    }
}

/// Builds a page's [`PageLinks`] from its anchors as the extractor reports them.
pub(crate) struct LinkCollector {
    /// What links resolve against without a `<base href>`: the final URL or the user's base.
    page_url: Url,
    site: Site,
    /// The `Content-Type` header's charset label.
    header_charset: Option<String>,
    /// The encoding, once the page's first bytes, its header or its `<meta>` made it certain.
    encoding: Option<(&'static Encoding, Source)>,
    /// The `<base href>` has been read (it may wait for the encoding).
    base_read: bool,
    /// From which link on which document base was used (`None`: the page URL). A page that
    /// names its base after links were resolved gets a second run.
    bases: Vec<(usize, Option<Url>)>,
    strings: Strings,
    links: Vec<LinkSyms>,
    /// By href number, the first link with that href resolved against the current base: a
    /// repeated href is resolved once.
    first_use: Vec<u32>,
    /// Anchors waiting for the encoding, and the first link slot each one fills.
    waiting: AnchorLog,
    waiting_at: Vec<usize>,
    scratch: String,
    /// Past 4 billion strings or links: the page is refused when it ends.
    full: bool,
}

/// Whether `bytes` read the same in every encoding a page's `<meta>` can name (the
/// ASCII-compatible ones and ISO-2022-JP): printable ASCII and whitespace, none of the
/// escape and shift bytes ISO-2022-JP switches on.
fn plain(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| b < 0x80 && !matches!(b, 0x0E | 0x0F | 0x1B))
}

/// Room a page's links start with: a documentation or news page has a few hundred links and
/// more distinct strings (python3.11-doc: 312 links and 534 strings of 14 kB on average,
/// half its pages under 150 links). Starting there spares most pages the growing, each step
/// a copy, a rehash and fresh memory to fault in (4% of a crawl's time, starting empty); a
/// smaller page leaves the rest of the room untouched.
const PAGE_LINKS: usize = 256;
const PAGE_STRINGS: usize = 512;
const PAGE_STRING_BYTES: usize = 16 * 1024;

impl LinkCollector {
    /// A collector for the page at `page_url`, served with `content_type`.
    pub(crate) fn new(page_url: &Url, scope: Scope, content_type: Option<&str>) -> Self {
        LinkCollector {
            page_url: page_url.clone(),
            site: Site::of(page_url, scope),
            header_charset: content_type.and_then(charset::from_content_type),
            encoding: None,
            base_read: false,
            bases: vec![(0, None)],
            strings: Strings::with_capacity(PAGE_STRINGS, PAGE_STRING_BYTES),
            links: Vec::with_capacity(PAGE_LINKS),
            first_use: Vec::new(),
            waiting: AnchorLog::default(),
            waiting_at: Vec::new(),
            scratch: String::new(),
            full: false,
        }
    }

    /// How many links there are so far.
    pub(crate) fn len(&self) -> usize {
        self.links.len()
    }

    /// Adds the links of `anchor`, one per href, with the compat verdict on each.
    /// `first_bytes` are the page's first bytes (for a byte order mark).
    pub(crate) fn add(&mut self, anchor: &Anchor, first_bytes: &[u8], verdicts: &[Option<Side>]) {
        if self.full {
            return;
        }
        let page = anchor.page_so_far();
        if self.encoding.is_none() {
            let meta = page.and_then(|p| p.meta_charset.as_deref());
            let (encoding, source) =
                charset::detect(first_bytes, self.header_charset.as_deref(), meta);
            if source != Source::Default {
                self.encoding = Some((encoding, source));
            }
        }
        if !self.base_read {
            if let Some(base) = page.and_then(|p| p.base_href.as_deref()) {
                self.read_base(base);
            }
        }
        let encoding = match self.encoding {
            Some((encoding, _)) => encoding,
            None if anchor_is_plain(anchor) => UTF_8,
            None => {
                self.waiting_at.push(self.links.len());
                self.waiting.push(anchor);
                for &compat in verdicts {
                    self.links.push(LinkSyms { compat, ..slot() });
                }
                return;
            }
        };
        self.add_decoded(anchor, encoding, verdicts, self.links.len());
    }

    /// The page's `<base href>` as far as the encoding allows reading it now.
    fn read_base(&mut self, raw: &[u8]) {
        let text = match self.encoding {
            Some((encoding, _)) => encoding.decode_without_bom_handling(raw).0,
            None if plain(raw) => String::from_utf8_lossy(raw),
            None => return,
        };
        self.base_read = true;
        let base = self.page_url.join(text.trim()).ok();
        if base.is_some() {
            self.bases.push((self.links.len(), base));
            self.first_use.clear();
        }
    }

    /// The links of `anchor` decoded from `encoding`, written from slot `at` on (pushed past
    /// the end).
    fn add_decoded(
        &mut self,
        anchor: &Anchor,
        encoding: &'static Encoding,
        verdicts: &[Option<Side>],
        at: usize,
    ) {
        let decode = |bytes: &[u8]| encoding.decode_without_bom_handling(bytes).0.into_owned();
        let rel = match anchor.rel() {
            Some(r) => self.intern_unless_empty(&decode(&r)),
            None => NONE,
        };
        let target = match anchor.target() {
            Some(t) => self.intern(&decode(&t)),
            None => NONE,
        };
        self.scratch.clear();
        anchor.text_into(encoding, &mut self.scratch);
        let text = self.intern_scratch();
        self.scratch.clear();
        anchor.image_alt_into(encoding, &mut self.scratch);
        let image_alt = self.intern_scratch();
        let (line, column) = (clamp(anchor.line()), clamp(anchor.column()));
        for (i, (href, &compat)) in anchor.hrefs().zip(verdicts).enumerate() {
            let href = encoding.decode_without_bom_handling(&href).0;
            let href_sym = self.intern(&href);
            let (url, fragment, kind) = self.resolve(href_sym, &href);
            let link = LinkSyms {
                href: href_sym,
                url,
                fragment,
                rel,
                target,
                text,
                image_alt,
                line,
                column,
                kind,
                compat,
                code: anchor.is_code(),
            };
            match self.links.get_mut(at + i) {
                Some(slot) => *slot = link,
                None => self.links.push(link),
            }
            if href_sym != NONE {
                self.note_first_use(href_sym, at + i);
            }
        }
        if self.links.len() >= NONE as usize {
            self.full = true;
        }
    }

    fn intern(&mut self, s: &str) -> Sym {
        let sym = self.strings.try_intern(s);
        self.full |= sym.is_none();
        sym.unwrap_or(NONE)
    }

    /// [`NONE`] for the empty string (which reads back as one): most anchors have no `rel`
    /// and no image, and looking the empty string up for each is time spent for nothing.
    fn intern_unless_empty(&mut self, s: &str) -> Sym {
        if s.is_empty() {
            NONE
        } else {
            self.intern(s)
        }
    }

    fn intern_scratch(&mut self) -> Sym {
        let scratch = std::mem::take(&mut self.scratch);
        let sym = self.intern_unless_empty(&scratch);
        self.scratch = scratch;
        sym
    }

    fn note_first_use(&mut self, href: Sym, link: usize) {
        let i = href as usize;
        if self.first_use.len() <= i {
            self.first_use.resize(i + 1, NONE);
        }
        if self.first_use[i] == NONE {
            self.first_use[i] = link as u32;
        }
    }

    /// Where `href` (string `href_sym`) leads from the current base: its URL and fragment by
    /// number, and its kind. A repeated href is resolved once.
    fn resolve(&mut self, href_sym: Sym, href: &str) -> (Sym, Sym, Kind) {
        if let Some(&first) = self.first_use.get(href_sym as usize) {
            if first != NONE {
                let l = &self.links[first as usize];
                return (l.url, l.fragment, l.kind);
            }
        }
        let base = self
            .bases
            .last()
            .and_then(|(_, b)| b.as_ref())
            .unwrap_or(&self.page_url);
        self.scratch.clear();
        let kind = classify::resolve_into(href, base, &self.site, &mut self.scratch);
        if kind == Kind::Unparsable {
            return (NONE, NONE, kind);
        }
        let scratch = std::mem::take(&mut self.scratch);
        let (url, fragment) = match scratch.split_once('#') {
            Some((url, fragment)) => (self.intern(url), self.intern(fragment)),
            None => (self.intern(&scratch), NONE),
        };
        self.scratch = scratch;
        (url, fragment, kind)
    }

    /// Ends the page: the links waiting for the encoding are read, links resolved against a
    /// base the page replaced later are resolved again. `input` names the page in errors.
    pub(crate) fn finish(
        mut self,
        input: &str,
        first_bytes: &[u8],
        facts: &PageFacts,
    ) -> crate::Result<PageLinks> {
        let (encoding, charset_source) = charset::detect(
            first_bytes,
            self.header_charset.as_deref(),
            facts.meta_charset.as_deref(),
        );
        debug_assert!(self.encoding.is_none_or(|(e, _)| e == encoding));
        let base = facts.base_href.as_ref().and_then(|b| {
            let b = encoding.decode_without_bom_handling(b).0;
            self.page_url.join(b.trim()).ok()
        });
        let bases = std::mem::take(&mut self.bases);
        self.bases.push((0, base.clone()));
        self.first_use.clear();
        for (i, (start, used)) in bases.iter().enumerate() {
            if *used == base {
                continue;
            }
            let end = bases.get(i + 1).map_or(self.links.len(), |(end, _)| *end);
            for at in *start..end {
                let href_sym = self.links[at].href;
                if href_sym == NONE {
                    continue;
                }
                let href = self.str(href_sym).to_string();
                let (url, fragment, kind) = self.resolve(href_sym, &href);
                let link = &mut self.links[at];
                (link.url, link.fragment, link.kind) = (url, fragment, kind);
                self.note_first_use(href_sym, at);
            }
        }
        let waiting = std::mem::take(&mut self.waiting);
        let waiting_at = std::mem::take(&mut self.waiting_at);
        for (anchor, at) in waiting.iter().zip(waiting_at) {
            let verdicts: Vec<Option<Side>> = self.links[at..]
                .iter()
                .take(anchor.hrefs().count())
                .map(|l| l.compat)
                .collect();
            self.add_decoded(&anchor, encoding, &verdicts, at);
        }
        if self.full || waiting.overflowed() {
            return Err(Error::LinksTooLarge {
                input: input.to_string(),
            });
        }
        let mut kinds = KindCounts::default();
        for link in &self.links {
            kinds.bump(link.kind);
        }
        self.strings.freeze();
        Ok(PageLinks {
            strings: self.strings,
            links: self.links,
            kinds,
            encoding,
            charset_source,
            base,
        })
    }

    fn str(&self, sym: Sym) -> &str {
        self.strings.get(sym).unwrap_or("")
    }
}

/// Whether every part of `anchor` reads the same in any encoding a `<meta>` can name.
fn anchor_is_plain(anchor: &Anchor) -> bool {
    anchor.hrefs().all(|h| plain(&h))
        && anchor.rel().is_none_or(|r| plain(&r))
        && anchor.target().is_none_or(|t| plain(&t))
        && plain(anchor.raw_text())
        && plain(anchor.raw_image_alt())
}

/// A link slot waiting for its anchor.
fn slot() -> LinkSyms {
    LinkSyms {
        href: NONE,
        url: NONE,
        fragment: NONE,
        rel: NONE,
        target: NONE,
        text: NONE,
        image_alt: NONE,
        line: 0,
        column: 0,
        kind: Kind::Unparsable,
        compat: None,
        code: false,
    }
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The links of `html`, read whole, as the page at `page`: for tests.
#[cfg(test)]
pub(crate) fn collect(
    html: &[u8],
    page: &Url,
    scope: Scope,
    content_type: Option<&str>,
) -> PageLinks {
    use crate::extract::{extract, ExtractOptions};
    let options = ExtractOptions {
        anchor_details: true,
        ..ExtractOptions::default()
    };
    let host = crate::compat::page_host(page.as_str()).unwrap_or_default();
    let mut collector = LinkCollector::new(page, scope, content_type);
    let first = &html[..html.len().min(3)];
    let facts = extract(html, options, &mut |a: &Anchor| {
        let verdicts: Vec<_> = a
            .hrefs()
            .map(|h| crate::compat::classify(&h, &host))
            .collect();
        collector.add(a, first, &verdicts);
    });
    collector.finish("test", first, &facts).unwrap()
}

#[cfg(test)]
mod tests;
