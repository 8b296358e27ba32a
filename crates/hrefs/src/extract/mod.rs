//! Streaming link extraction: bytes in, [`Anchor`]s out.
//!
//! An [`Extractor`] accepts a page in chunks of any size and calls back once for every `<a>`
//! start tag that carries an `href`, exactly where the Go tokenizer of the original tool would
//! see one (see `tokenizer`). Memory stays flat: only the attributes of interesting tags and
//! a capped amount of anchor text are kept, never the page.
//!
//! Besides anchors it notes the page facts later stages need: the first `<base href>`, the
//! `<meta>` charset and robots directives, and on request the ids that `#fragment` links can
//! target and what the SEO audits read (`seo`).

mod anchor;
mod anchor_log;
mod entity_table;
mod seo;
mod tokenizer;
mod unescape;

use std::borrow::Cow;
use std::ops::Range;

use anchor::{attr_value, OpenAnchor};
use tokenizer::{Interest, Name, TokenSink, Tokenizer, ID};

pub(crate) use anchor::{collapse_into, decode_text};

pub use anchor::Anchor;
pub use anchor_log::AnchorLog;
pub use seo::{SeoFacts, Spot, MAX_ALTERNATES, MAX_IMAGES};
pub(crate) use unescape::unescape;

// The tag and attribute names extraction looks for.
const A: Name = Name::known(b"a");
const ALT: Name = Name::known(b"alt");
const BASE: Name = Name::known(b"base");
const CHARSET: Name = Name::known(b"charset");
const CONTENT: Name = Name::known(b"content");
const H1: Name = Name::known(b"h1");
const HREF: Name = Name::known(b"href");
const HREFLANG: Name = Name::known(b"hreflang");
const HTML: Name = Name::known(b"html");
const HTTP_EQUIV: Name = Name::known(b"http-equiv");
const IMG: Name = Name::known(b"img");
const LANG: Name = Name::known(b"lang");
const LINK: Name = Name::known(b"link");
const META: Name = Name::known(b"meta");
const NAME: Name = Name::known(b"name");
const REL: Name = Name::known(b"rel");
const ROLE: Name = Name::known(b"role");
const SRC: Name = Name::known(b"src");
const SVG: Name = Name::known(b"svg");
const TARGET: Name = Name::known(b"target");
const TITLE: Name = Name::known(b"title");
/// Elements whose text is code, not words: a link whose text is all inside them names an
/// identifier (`continue`, `start`), which is not generic link text.
const CODE: [Name; 5] = [
    Name::known(b"code"),
    Name::known(b"kbd"),
    Name::known(b"samp"),
    Name::known(b"var"),
    Name::known(b"tt"),
];

/// Anchor text beyond this many raw bytes is dropped: reports show a snippet, not a chapter.
const MAX_TEXT: usize = 1024;

/// What to collect besides the `href`s.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtractOptions {
    /// Keep each anchor's text, image alt text and position (anchors are then reported when
    /// they close, so that their text is complete).
    pub anchor_details: bool,
    /// Keep the `id`s (and `<a name>`s) of the page, the targets of `#fragment` links.
    pub fragment_targets: bool,
    /// Note what the page-level SEO audits read ([`SeoFacts`]), with positions.
    pub seo: bool,
}

/// Facts about the page noticed while extracting.
#[derive(Debug, Default, Clone)]
pub struct PageFacts {
    /// The first `<base href>`, decoded.
    pub base_href: Option<Vec<u8>>,
    /// The charset named by the first `<meta charset>` or `<meta http-equiv=content-type>`.
    pub meta_charset: Option<String>,
    /// The content of the first `<meta name=robots>`.
    pub meta_robots: Option<String>,
    /// Every `id` and `<a name>` (only with [`ExtractOptions::fragment_targets`]).
    pub fragment_targets: Vec<String>,
    /// What the SEO audits read (only with [`ExtractOptions::seo`]).
    pub seo: SeoFacts,
    /// Bytes of input seen.
    pub bytes: u64,
}

/// The streaming extractor. Feed it with [`Extractor::write`], then call [`Extractor::finish`].
pub struct Extractor {
    tokenizer: Tokenizer,
    collector: Collector,
}

impl Extractor {
    /// A new extractor collecting what `options` ask for.
    pub fn new(options: ExtractOptions) -> Self {
        Extractor {
            tokenizer: Tokenizer::new(options.anchor_details || options.seo),
            collector: Collector {
                options,
                ..Collector::default()
            },
        }
    }

    /// Tokenizes the next chunk, calling `on_anchor` for each anchor completed in it.
    pub fn write(&mut self, chunk: &[u8], on_anchor: &mut impl FnMut(&Anchor)) {
        let mut sink = Sink {
            c: &mut self.collector,
            on_anchor,
        };
        self.tokenizer.feed(chunk, &mut sink);
    }

    /// Ends the input: reports an anchor still open and returns the page facts. A tag cut off
    /// by the end of input does not count, as in Go.
    pub fn finish(mut self, on_anchor: &mut impl FnMut(&Anchor)) -> PageFacts {
        if self.collector.pending {
            on_anchor(&self.collector.anchor.view(&self.collector.facts));
        }
        self.collector.facts.bytes = self.tokenizer.offset();
        self.collector.facts
    }
}

/// Extracts the anchors of a whole page held in memory.
pub fn extract(
    html: &[u8],
    options: ExtractOptions,
    on_anchor: &mut impl FnMut(&Anchor),
) -> PageFacts {
    let mut extractor = Extractor::new(options);
    extractor.write(html, on_anchor);
    extractor.finish(on_anchor)
}

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Tag {
    #[default]
    Other,
    Anchor,
    AnchorEnd,
    Base,
    Meta,
    Img,
    Html,
    Title,
    H1,
    Link,
    Svg,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Attr {
    Href,
    Rel,
    Target,
    Id,
    Charset,
    HttpEquiv,
    Content,
    MetaName,
    Alt,
    Src,
    Role,
    Lang,
    Hreflang,
}

#[derive(Default)]
struct Collector {
    options: ExtractOptions,
    /// The anchor being read, or (when `pending`) the open anchor collecting its text.
    anchor: OpenAnchor,
    pending: bool,
    tag: Tag,
    attr: Option<Attr>,
    value_start: usize,
    /// Attribute values of tags other than `<a>`.
    scratch: Vec<u8>,
    values: Vec<(Attr, Range<usize>)>,
    /// Where the current tag other than `<a>` is, when its position was asked for.
    at: (u64, u64),
    /// Inside the page's `<title>`, whose text goes to the facts.
    in_title: bool,
    /// How many `<svg>` elements are open: their `<title>`s are not the page's.
    svg_depth: u32,
    facts: PageFacts,
}

struct Sink<'a, F> {
    c: &'a mut Collector,
    on_anchor: &'a mut F,
}

impl<F: FnMut(&Anchor)> TokenSink for Sink<'_, F> {
    fn wants_text(&self) -> bool {
        self.c.pending
    }

    fn wants_raw_text(&self) -> bool {
        self.c.in_title
    }

    fn text(&mut self, piece: &[u8]) {
        if self.c.in_title {
            if let Some(title) = &mut self.c.facts.seo.title {
                title.extend(piece);
            }
            return;
        }
        let anchor = &mut self.c.anchor;
        if piece.iter().any(|b| !b.is_ascii_whitespace()) {
            if anchor.code_depth > 0 {
                anchor.code_text = true;
            } else {
                anchor.word_text = true;
            }
        }
        let text = &mut self.c.anchor.text;
        let room = MAX_TEXT.saturating_sub(text.len());
        text.extend_from_slice(&piece[..piece.len().min(room)]);
    }

    fn tag_start(&mut self, name: &Name, end: bool) -> Interest {
        // Called for every tag, and most are skipped: decide before touching anything. A
        // skipped tag gets no other call, so its `tag`, `values` and `scratch` don't matter.
        let c = &mut *self.c;
        if c.pending && CODE.iter().any(|code| name.is(*code)) {
            let depth = &mut c.anchor.code_depth;
            *depth = if end {
                depth.saturating_sub(1)
            } else {
                depth.saturating_add(1)
            };
        }
        let tag = if name.is(A) {
            if end {
                // Only an anchor still collecting its text cares where it ends.
                if !c.pending {
                    return Interest::Skip;
                }
                Tag::AnchorEnd
            } else {
                // A new <a> closes the open one, as in a browser.
                if c.pending {
                    c.pending = false;
                    (self.on_anchor)(&c.anchor.view(&c.facts));
                }
                c.anchor.clear();
                Tag::Anchor
            }
        } else if c.options.seo && end {
            c.seo_end_tag(name);
            return Interest::Skip;
        } else if end {
            return Interest::Skip;
        } else if name.is(BASE) {
            Tag::Base
        } else if name.is(META) {
            Tag::Meta
        } else if name.is(IMG) && (c.pending || c.options.seo) {
            Tag::Img
        } else if let Some(tag) = c.seo_start_tag(name) {
            tag
        } else if c.options.fragment_targets {
            Tag::Other
        } else {
            return Interest::Skip;
        };
        c.tag = tag;
        c.values.clear();
        c.scratch.clear();
        match tag {
            Tag::Anchor if c.options.anchor_details => Interest::AttributesAndPosition,
            Tag::Meta | Tag::Img | Tag::Title | Tag::H1 | Tag::Link if c.options.seo => {
                Interest::AttributesAndPosition
            }
            Tag::Other => Interest::Ids,
            _ => Interest::Attributes,
        }
    }

    fn tag_position(&mut self, line: u64, column: u64) {
        let c = &mut *self.c;
        if c.tag == Tag::Anchor {
            c.anchor.line = line;
            c.anchor.column = column;
        } else {
            c.at = (line, column);
        }
    }

    fn attr_start(&mut self, name: &Name) -> bool {
        let c = &mut *self.c;
        let frag = c.options.fragment_targets;
        let attr = match c.tag {
            Tag::Anchor if name.is(HREF) => Attr::Href,
            Tag::Anchor if name.is(REL) => Attr::Rel,
            Tag::Anchor if name.is(TARGET) => Attr::Target,
            Tag::Anchor if frag && name.is(NAME) => Attr::Id,
            Tag::Base if name.is(HREF) => Attr::Href,
            Tag::Meta if name.is(CHARSET) => Attr::Charset,
            Tag::Meta if name.is(HTTP_EQUIV) => Attr::HttpEquiv,
            Tag::Meta if name.is(CONTENT) => Attr::Content,
            Tag::Meta if name.is(NAME) => Attr::MetaName,
            Tag::Img if name.is(ALT) => Attr::Alt,
            Tag::Img if name.is(SRC) => Attr::Src,
            Tag::Img if name.is(ROLE) => Attr::Role,
            Tag::Link if name.is(REL) => Attr::Rel,
            Tag::Link if name.is(HREF) => Attr::Href,
            Tag::Link if name.is(HREFLANG) => Attr::Hreflang,
            Tag::Html if name.is(LANG) => Attr::Lang,
            Tag::AnchorEnd => return false,
            _ if frag && name.is(ID) => Attr::Id,
            _ => return false,
        };
        c.attr = Some(attr);
        c.value_start = c.buf().len();
        true
    }

    fn attr_value(&mut self, piece: &[u8]) {
        self.c.buf().extend_from_slice(piece);
    }

    fn attr_end(&mut self) {
        let c = &mut *self.c;
        if let Some(attr) = c.attr.take() {
            let range = c.value_start..c.buf().len();
            if c.tag == Tag::Anchor {
                let a = &mut c.anchor;
                match attr {
                    Attr::Href => a.hrefs.push(range),
                    Attr::Rel => {
                        a.rel.get_or_insert(range);
                    }
                    Attr::Target => {
                        a.target.get_or_insert(range);
                    }
                    _ => c.values.push((attr, range)),
                }
            } else {
                c.values.push((attr, range));
            }
        }
    }

    fn tag_end(&mut self, self_closing: bool) {
        let c = &mut *self.c;
        if c.options.fragment_targets && c.tag != Tag::AnchorEnd {
            c.note_fragment_targets();
        }
        match c.tag {
            Tag::Anchor => {
                // Go reports <a .../> as a self-closing tag, which the original does not count.
                if self_closing || c.anchor.hrefs.is_empty() {
                    return;
                }
                if c.options.anchor_details {
                    c.pending = true;
                } else {
                    (self.on_anchor)(&c.anchor.view(&c.facts));
                }
            }
            Tag::AnchorEnd => {
                if c.pending {
                    c.pending = false;
                    (self.on_anchor)(&c.anchor.view(&c.facts));
                }
            }
            Tag::Base => {
                if c.facts.base_href.is_none() {
                    if let Some(v) = c.value(Attr::Href) {
                        c.facts.base_href = Some(v.into_owned());
                    }
                }
            }
            Tag::Meta => c.note_meta(),
            Tag::Img => match c.value(Attr::Alt) {
                Some(alt) if c.pending => {
                    let alt = alt.into_owned();
                    let a = &mut c.anchor.alt;
                    if !a.is_empty() {
                        a.push(b' ');
                    }
                    let room = MAX_TEXT.saturating_sub(a.len());
                    a.extend_from_slice(&alt[..alt.len().min(room)]);
                }
                Some(_) => {}
                None if c.options.seo => c.note_image_without_alt(),
                None => {}
            },
            Tag::Title => {
                c.facts.seo.title = Some(Spot::new(b"", c.at));
                c.in_title = true;
            }
            Tag::H1 => {
                let at = c.at;
                c.facts.seo.note_h1(at);
            }
            Tag::Link => {
                let rel = c.value(Attr::Rel).map(Cow::into_owned).unwrap_or_default();
                let href = c.value(Attr::Href).map(Cow::into_owned);
                let hreflang = c.value(Attr::Hreflang).map(Cow::into_owned);
                let at = c.at;
                c.facts
                    .seo
                    .note_link(&rel, href.as_deref(), hreflang.as_deref(), at);
            }
            Tag::Html => {
                c.facts.seo.html_seen = true;
                c.facts.seo.lang = c.value(Attr::Lang).map(Cow::into_owned);
            }
            Tag::Svg => {
                if !self_closing {
                    c.svg_depth = c.svg_depth.saturating_add(1);
                }
            }
            Tag::Other => {}
        }
    }
}

impl Collector {
    /// The tag the SEO facts want from a start tag named `name` (only with
    /// [`ExtractOptions::seo`]).
    fn seo_start_tag(&self, name: &Name) -> Option<Tag> {
        if !self.options.seo {
            return None;
        }
        let seo = &self.facts.seo;
        if name.is(H1) {
            Some(Tag::H1)
        } else if name.is(LINK) {
            Some(Tag::Link)
        } else if name.is(TITLE) && seo.title.is_none() && self.svg_depth == 0 {
            Some(Tag::Title)
        } else if name.is(SVG) {
            Some(Tag::Svg)
        } else if name.is(HTML) && !seo.html_seen {
            Some(Tag::Html)
        } else {
            None
        }
    }

    /// The end tags the SEO facts follow: the title's (its text is complete) and inline
    /// SVG's.
    fn seo_end_tag(&mut self, name: &Name) {
        if name.is(TITLE) {
            self.in_title = false;
        } else if name.is(SVG) {
            self.svg_depth = self.svg_depth.saturating_sub(1);
        }
    }

    fn note_image_without_alt(&mut self) {
        // role=presentation (or none) marks an image as decoration, as an empty alt does.
        let decoration = self.value(Attr::Role).is_some_and(|r| {
            let r = r.trim_ascii();
            r.eq_ignore_ascii_case(b"presentation") || r.eq_ignore_ascii_case(b"none")
        });
        if !decoration {
            let src = self
                .value(Attr::Src)
                .map(Cow::into_owned)
                .unwrap_or_default();
            let at = self.at;
            self.facts.seo.note_image_without_alt(&src, at);
        }
    }

    /// Where the current tag's wanted attribute values go.
    fn buf(&mut self) -> &mut Vec<u8> {
        if self.tag == Tag::Anchor {
            &mut self.anchor.buf
        } else {
            &mut self.scratch
        }
    }

    /// Where the current tag's attribute values were stored (see [`Collector::buf`]).
    fn values_buf(&self) -> &[u8] {
        if self.tag == Tag::Anchor {
            &self.anchor.buf
        } else {
            &self.scratch
        }
    }

    fn value(&self, attr: Attr) -> Option<Cow<'_, [u8]>> {
        let buf = self.values_buf();
        self.values
            .iter()
            .find(|(a, _)| *a == attr)
            .map(|(_, r)| attr_value(&buf[r.clone()]))
    }

    fn note_fragment_targets(&mut self) {
        // Most tags have no id: nothing to collect.
        if self.values.is_empty() {
            return;
        }
        let ids: Vec<String> = self
            .values
            .iter()
            .filter(|(a, _)| *a == Attr::Id)
            .map(|(_, r)| {
                String::from_utf8_lossy(&attr_value(&self.values_buf()[r.clone()])).into_owned()
            })
            .collect();
        self.facts.fragment_targets.extend(ids);
    }

    fn note_meta(&mut self) {
        let text = |v: Option<Cow<'_, [u8]>>| v.map(|v| String::from_utf8_lossy(&v).into_owned());
        if self.facts.meta_charset.is_none() {
            if let Some(cs) = text(self.value(Attr::Charset)) {
                self.facts.meta_charset = Some(cs.trim().to_string());
            } else if text(self.value(Attr::HttpEquiv))
                .is_some_and(|h| h.trim().eq_ignore_ascii_case("content-type"))
            {
                self.facts.meta_charset = text(self.value(Attr::Content))
                    .and_then(|c| crate::charset::from_content_type(&c));
            }
        }
        let name = text(self.value(Attr::MetaName));
        let name = name.as_deref().map(str::trim);
        if self.facts.meta_robots.is_none()
            && name.is_some_and(|n| n.eq_ignore_ascii_case("robots"))
        {
            self.facts.meta_robots = text(self.value(Attr::Content));
        }
        if self.options.seo
            && self.facts.seo.description.is_none()
            && name.is_some_and(|n| n.eq_ignore_ascii_case("description"))
        {
            let content = self.value(Attr::Content).map(Cow::into_owned);
            self.facts.seo.description = Some(Spot::new(&content.unwrap_or_default(), self.at));
        }
    }
}

#[cfg(test)]
mod tests;
