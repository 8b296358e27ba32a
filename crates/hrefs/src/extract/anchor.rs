//! An anchor's parts: [`Anchor`], the view of them callers get, the open anchor the extractor
//! reads them into, and the decoding of its attribute values and text.

use std::borrow::Cow;
use std::ops::Range;

use encoding_rs::Encoding;

// The name brings both the module and its function, which mod.rs re-exports to the crate.
use super::unescape;
use super::PageFacts;

/// One `<a>` start tag with at least one `href` attribute, as the extractor or an
/// [`AnchorLog`](super::AnchorLog) holds it.
#[derive(Debug, Clone)]
pub struct Anchor<'a> {
    pub(super) buf: &'a [u8],
    pub(super) hrefs: &'a [Range<usize>],
    pub(super) rel: Option<Range<usize>>,
    pub(super) target: Option<Range<usize>>,
    pub(super) text: &'a [u8],
    pub(super) alt: &'a [u8],
    pub(super) line: u64,
    pub(super) column: u64,
    pub(super) code: bool,
    pub(super) page: Option<&'a PageFacts>,
}

impl Anchor<'_> {
    /// What the extractor had noticed of the page when it reported this anchor: the first
    /// `<base href>` and `<meta>` charset before it. `None` for an anchor read back from an
    /// [`AnchorLog`](super::AnchorLog).
    pub fn page_so_far(&self) -> Option<&PageFacts> {
        self.page
    }

    /// The `href` values, entity-decoded as Go's tokenizer decodes them, in attribute order.
    /// Duplicated `href` attributes each appear, as each counts in the original tool.
    pub fn hrefs(&self) -> impl Iterator<Item = Cow<'_, [u8]>> + '_ {
        self.hrefs.iter().map(|r| attr_value(&self.buf[r.clone()]))
    }

    /// The first `rel` attribute, decoded.
    pub fn rel(&self) -> Option<Cow<'_, [u8]>> {
        self.rel.clone().map(|r| attr_value(&self.buf[r]))
    }

    /// The first `target` attribute, decoded.
    pub fn target(&self) -> Option<Cow<'_, [u8]>> {
        self.target.clone().map(|r| attr_value(&self.buf[r]))
    }

    /// The anchor's visible text (empty unless [`ExtractOptions::anchor_details`]), decoded from
    /// the page's `encoding`, entities resolved and whitespace collapsed.
    ///
    /// [`ExtractOptions::anchor_details`]: super::ExtractOptions::anchor_details
    pub fn text(&self, encoding: &'static Encoding) -> String {
        let mut out = String::new();
        decode_text(self.text, encoding, &mut out);
        out
    }

    /// Appends [`Anchor::text`] to `out`, which saves a string per anchor.
    pub fn text_into(&self, encoding: &'static Encoding, out: &mut String) {
        decode_text(self.text, encoding, out);
    }

    /// The alt text of images inside the anchor, decoded like [`Anchor::text`].
    pub fn image_alt(&self, encoding: &'static Encoding) -> String {
        let mut out = String::new();
        decode_text(self.alt, encoding, &mut out);
        out
    }

    /// Appends [`Anchor::image_alt`] to `out`.
    pub fn image_alt_into(&self, encoding: &'static Encoding, out: &mut String) {
        decode_text(self.alt, encoding, out);
    }

    /// Whether the anchor's text is all code: inside `<code>`, `<kbd>`, `<samp>`, `<var>` or
    /// `<tt>` (an identifier in API docs, not words).
    pub fn is_code(&self) -> bool {
        self.code
    }

    /// The text as it is in the page: not decoded, entities and whitespace as written.
    pub(crate) fn raw_text(&self) -> &[u8] {
        self.text
    }

    /// The images' alt text as it is in the page.
    pub(crate) fn raw_image_alt(&self) -> &[u8] {
        self.alt
    }

    /// 1-based line of the anchor's `<` (0 unless [`ExtractOptions::anchor_details`]).
    ///
    /// [`ExtractOptions::anchor_details`]: super::ExtractOptions::anchor_details
    pub fn line(&self) -> u64 {
        self.line
    }

    /// 1-based byte column of the anchor's `<` within its line (0 unless
    /// [`ExtractOptions::anchor_details`]).
    ///
    /// [`ExtractOptions::anchor_details`]: super::ExtractOptions::anchor_details
    pub fn column(&self) -> u64 {
        self.column
    }
}

/// The anchor the extractor is reading: its wanted attribute values in one buffer.
#[derive(Debug, Default)]
pub(super) struct OpenAnchor {
    pub(super) buf: Vec<u8>,
    pub(super) hrefs: Vec<Range<usize>>,
    pub(super) rel: Option<Range<usize>>,
    pub(super) target: Option<Range<usize>>,
    pub(super) text: Vec<u8>,
    pub(super) alt: Vec<u8>,
    pub(super) line: u64,
    pub(super) column: u64,
    /// How many code elements are open inside the anchor.
    pub(super) code_depth: u32,
    /// Text seen inside code elements, and outside them.
    pub(super) code_text: bool,
    pub(super) word_text: bool,
}

impl OpenAnchor {
    pub(super) fn view<'a>(&'a self, page: &'a PageFacts) -> Anchor<'a> {
        Anchor {
            buf: &self.buf,
            hrefs: &self.hrefs,
            rel: self.rel.clone(),
            target: self.target.clone(),
            text: &self.text,
            alt: &self.alt,
            line: self.line,
            column: self.column,
            code: self.code_text && !self.word_text,
            page: Some(page),
        }
    }

    pub(super) fn clear(&mut self) {
        self.buf.clear();
        self.hrefs.clear();
        self.rel = None;
        self.target = None;
        self.text.clear();
        self.alt.clear();
        self.code_depth = 0;
        self.code_text = false;
        self.word_text = false;
    }
}

pub(super) fn attr_value(raw: &[u8]) -> Cow<'_, [u8]> {
    // The common value has neither a '\r' nor a '&': one search tells.
    if !crate::swar::contains2(b'\r', b'&', raw) {
        return Cow::Borrowed(raw);
    }
    match unescape::convert_newlines(raw) {
        Cow::Borrowed(b) => unescape(b, true),
        Cow::Owned(b) => Cow::Owned(unescape(&b, true).into_owned()),
    }
}

/// Decodes raw text from `encoding`, resolves its entities and collapses its whitespace into
/// `out`.
pub(crate) fn decode_text(raw: &[u8], encoding: &'static Encoding, out: &mut String) {
    // Most link text has no character reference and is ASCII, which reads the same in every
    // ASCII-compatible encoding, or UTF-8 in a UTF-8 page (a heading's "¶" link), and has its
    // words one space apart already: then it is copied as it is.
    let mut ascii = true;
    let mut reference = false;
    let mut collapsed = true;
    let mut after_space = true;
    for &b in raw {
        ascii &= b < 0x80;
        reference |= b == b'&';
        let space = b.is_ascii_whitespace();
        collapsed &= !space | (!after_space & (b == b' '));
        after_space = space;
    }
    collapsed &= !after_space | raw.is_empty();
    let as_is = if reference {
        None
    } else if ascii && encoding.is_ascii_compatible() || encoding == encoding_rs::UTF_8 {
        std::str::from_utf8(raw).ok()
    } else {
        None
    };
    match as_is {
        Some(text) if collapsed => out.push_str(text),
        Some(text) => collapse_into(text, out),
        None => {
            let (text, _) = encoding.decode_without_bom_handling(raw);
            let text = unescape(text.as_bytes(), false);
            collapse_into(&String::from_utf8_lossy(&text), out);
        }
    }
}

/// Appends the words of `text` to `out`, one space apart.
pub(crate) fn collapse_into(text: &str, out: &mut String) {
    let start = out.len();
    for word in text.split_ascii_whitespace() {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word);
    }
}
