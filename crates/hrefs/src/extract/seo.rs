//! What the page-level SEO audits read from a page: its `<html lang>`, `<title>`, meta
//! description, canonical and `hreflang` links, `<h1>`s and images without alt text, each
//! with where it is. Values are kept as the page has them (attribute values entity-decoded,
//! the title's text not yet); `crate::seo` decodes them once the page's encoding is settled.

/// Images without alt text kept per page (with their `src` and position); the rest counted.
pub const MAX_IMAGES: usize = 20;

/// `hreflang` alternates kept per page: a site in every language has a few hundred.
pub const MAX_ALTERNATES: usize = 400;

/// Title, description and URL values beyond this many bytes are cut: an audit needs to know
/// that a title is long, not all of it.
const MAX_VALUE: usize = 2048;

/// A value and the 1-based line and byte column of the tag it is on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Spot {
    /// The value (attribute values entity-decoded; text raw).
    pub value: Vec<u8>,
    /// Line of the tag's `<`.
    pub line: u64,
    /// Byte column of the tag's `<`.
    pub column: u64,
}

impl Spot {
    pub(super) fn new(value: &[u8], (line, column): (u64, u64)) -> Spot {
        Spot {
            value: value[..value.len().min(MAX_VALUE)].to_vec(),
            line,
            column,
        }
    }

    /// Appends text that arrives in pieces, up to the cap.
    pub(super) fn extend(&mut self, piece: &[u8]) {
        let room = MAX_VALUE.saturating_sub(self.value.len());
        self.value
            .extend_from_slice(&piece[..piece.len().min(room)]);
    }
}

/// The SEO facts of a page (only with `ExtractOptions::seo`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeoFacts {
    /// Whether an `<html>` start tag was seen, and its `lang`.
    pub html_seen: bool,
    /// The first `<html>` tag's `lang` attribute.
    pub lang: Option<Vec<u8>>,
    /// The first `<title>` outside inline SVG: its raw text.
    pub title: Option<Spot>,
    /// The content of the first `<meta name=description>`.
    pub description: Option<Spot>,
    /// The `href` of the first `<link rel=canonical>`.
    pub canonical: Option<Spot>,
    /// `<link rel=alternate hreflang=…>`: the language code and the `href`, in page order.
    pub alternates: Vec<(Vec<u8>, Spot)>,
    /// Alternates past [`MAX_ALTERNATES`].
    pub alternates_dropped: u32,
    /// How many `<h1>` start tags.
    pub h1: u32,
    /// Where the first two `<h1>`s are.
    pub h1_at: Vec<(u64, u64)>,
    /// How many `<img>` have no `alt` attribute (and no presentation role).
    pub images_without_alt: u32,
    /// The `src` of the first [`MAX_IMAGES`] of them.
    pub images: Vec<Spot>,
}

impl SeoFacts {
    pub(super) fn note_h1(&mut self, at: (u64, u64)) {
        self.h1 = self.h1.saturating_add(1);
        if self.h1_at.len() < 2 {
            self.h1_at.push(at);
        }
    }

    pub(super) fn note_image_without_alt(&mut self, src: &[u8], at: (u64, u64)) {
        self.images_without_alt = self.images_without_alt.saturating_add(1);
        if self.images.len() < MAX_IMAGES {
            self.images.push(Spot::new(src, at));
        }
    }

    /// A `<link>` with these `rel` tokens, `href` and `hreflang`.
    pub(super) fn note_link(
        &mut self,
        rel: &[u8],
        href: Option<&[u8]>,
        hreflang: Option<&[u8]>,
        at: (u64, u64),
    ) {
        let Some(href) = href else {
            return;
        };
        let has = |token: &str| {
            rel.split(|b| b.is_ascii_whitespace())
                .any(|t| t.eq_ignore_ascii_case(token.as_bytes()))
        };
        if self.canonical.is_none() && has("canonical") {
            self.canonical = Some(Spot::new(href, at));
        }
        if let Some(lang) = hreflang.filter(|_| has("alternate")) {
            if self.alternates.len() < MAX_ALTERNATES {
                let lang = lang[..lang.len().min(64)].to_vec();
                self.alternates.push((lang, Spot::new(href, at)));
            } else {
                self.alternates_dropped = self.alternates_dropped.saturating_add(1);
            }
        }
    }
}
