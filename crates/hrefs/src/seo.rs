//! A crawled page's SEO facts as reports carry them: its language, title, description,
//! canonical URL, `hreflang` alternates, `<h1>`s and images without alt text, decoded in the
//! page's encoding, URLs resolved, each with its line and column. The audits that judge them
//! are in `audit::page`. Every crawled page keeps one, so it is kept small: boxed strings and
//! slices, the rare canonical link boxed whole.

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::extract::{collapse_into, decode_text, SeoFacts, Spot};
use crate::url::normalize;

/// Text found on a page, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    /// The text, decoded, whitespace collapsed.
    pub text: Box<str>,
    /// 1-based line of its tag.
    pub line: u32,
    /// 1-based byte column of its tag.
    pub column: u32,
}

/// A URL named by a page (a canonical link, an alternate, an image), and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocatedUrl {
    /// The attribute value as written (decoded).
    pub href: Box<str>,
    /// Where it leads: resolved against the page, normalised, without fragment; `None` when
    /// it does not resolve to an http(s) URL.
    pub url: Option<Box<str>>,
    /// 1-based line of its tag.
    pub line: u32,
    /// 1-based byte column of its tag.
    pub column: u32,
}

/// One `<link rel=alternate hreflang=…>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternate {
    /// The `hreflang` value as written.
    pub lang: Box<str>,
    /// The alternate page.
    #[serde(flatten)]
    pub link: LocatedUrl,
}

/// What the page-level audits read from a parsed page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSeo {
    /// The `<html lang>` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Box<str>>,
    /// The first `<title>` (outside inline SVG).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Located>,
    /// The first `<meta name=description>`'s content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Located>,
    /// The first `<link rel=canonical>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<Box<LocatedUrl>>,
    /// The `hreflang` alternates, in page order (at most
    /// [`MAX_ALTERNATES`](crate::extract::MAX_ALTERNATES)).
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub hreflang: Box<[Alternate]>,
    /// How many `<h1>` elements.
    pub h1: u32,
    /// Where the second `<h1>` is, `[line, column]`, when there are several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_h1_at: Option<[u32; 2]>,
    /// How many `<img>` have no `alt` attribute (and no presentation role).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub images_without_alt: u32,
    /// The first of them (at most [`MAX_IMAGES`](crate::extract::MAX_IMAGES)): `url` is the
    /// image's.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub images: Box<[LocatedUrl]>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl PageSeo {
    /// Decodes what extraction noted of a page read in `encoding`, its URLs resolved against
    /// `base` (the `<base href>`, or the page's own URL).
    pub fn from_facts(facts: &SeoFacts, encoding: &'static Encoding, base: &Url) -> PageSeo {
        let text = |spot: &Spot| {
            let mut text = String::new();
            decode_text(&spot.value, encoding, &mut text);
            text.into_boxed_str()
        };
        // Attribute values are entity-decoded already: decoding them again would turn a
        // literal "&amp;" in a title back into "&".
        let attribute = |bytes: &[u8]| -> Box<str> {
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            let mut words = String::new();
            collapse_into(&text, &mut words);
            words.into_boxed_str()
        };
        let located = |spot: &Spot, text: Box<str>| Located {
            text,
            line: clamp(spot.line),
            column: clamp(spot.column),
        };
        let url = |spot: &Spot| {
            let href = attribute(&spot.value);
            let url = base
                .join(href.trim())
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                .map(|u| normalize(&u).as_str().into());
            LocatedUrl {
                href,
                url,
                line: clamp(spot.line),
                column: clamp(spot.column),
            }
        };
        PageSeo {
            lang: facts.lang.as_deref().map(attribute),
            title: facts.title.as_ref().map(|t| located(t, text(t))),
            description: facts
                .description
                .as_ref()
                .map(|d| located(d, attribute(&d.value))),
            canonical: facts.canonical.as_ref().map(|c| Box::new(url(c))),
            hreflang: facts
                .alternates
                .iter()
                .map(|(lang, spot)| Alternate {
                    lang: attribute(lang),
                    link: url(spot),
                })
                .collect(),
            h1: facts.h1,
            second_h1_at: facts
                .h1_at
                .get(1)
                .map(|&(line, column)| [clamp(line), clamp(column)]),
            images_without_alt: facts.images_without_alt,
            images: facts.images.iter().map(url).collect(),
        }
    }
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract, ExtractOptions};

    fn seo(html: &str) -> PageSeo {
        let options = ExtractOptions {
            seo: true,
            ..ExtractOptions::default()
        };
        let facts = extract(html.as_bytes(), options, &mut |_| {});
        let base = Url::parse("https://example.com/docs/page.html").unwrap();
        PageSeo::from_facts(&facts.seo, encoding_rs::UTF_8, &base)
    }

    #[test]
    fn a_page_head_is_read_with_positions() {
        let page = seo(concat!(
            "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n",
            "  <title>  Caf&eacute; &amp;\n  more</title>\n",
            "  <meta name=Description content=\"About &quot;us&quot;\">\n",
            "  <link rel=\"Canonical\" href=\"/docs/page.html#top\">\n",
            "  <link rel=alternate hreflang=fr href=\"https://example.com/fr/\">\n",
            "  <link rel=alternate href=\"/feed.xml\" type=application/rss+xml>\n",
            "</head><body>\n",
            "<svg><title>icon</title></svg><h1>One</h1><h1>Two</h1>\n",
            "<img src=a.png alt=\"\"><img src=\"b.png\"><img src=c.png role=presentation>\n",
        ));
        assert_eq!(page.lang.as_deref(), Some("en-GB"));
        let title = page.title.unwrap();
        assert_eq!(
            (&*title.text, title.line, title.column),
            ("Café & more", 4, 3)
        );
        let description = page.description.unwrap();
        assert_eq!((&*description.text, description.line), ("About \"us\"", 6));
        let canonical = page.canonical.unwrap();
        assert_eq!(&*canonical.href, "/docs/page.html#top");
        assert_eq!(
            canonical.url.as_deref(),
            Some("https://example.com/docs/page.html")
        );
        assert_eq!(page.hreflang.len(), 1);
        assert_eq!(&*page.hreflang[0].lang, "fr");
        assert_eq!(
            (page.hreflang[0].link.line, page.hreflang[0].link.column),
            (8, 3)
        );
        assert_eq!(page.h1, 2);
        assert_eq!(page.second_h1_at, Some([11, 43]));
        assert_eq!(page.images_without_alt, 1);
        assert_eq!(
            page.images[0].url.as_deref(),
            Some("https://example.com/docs/b.png")
        );
        assert_eq!((page.images[0].line, page.images[0].column), (12, 23));
    }

    #[test]
    fn svg_titles_and_later_titles_are_not_the_page_title() {
        let page = seo("<svg><title>logo</title></svg><title>Real</title><title>Second</title>");
        assert_eq!(&*page.title.unwrap().text, "Real");
        let page = seo("<body><svg viewBox='0 0 1 1'/><title>After a closed svg</title>");
        assert_eq!(&*page.title.unwrap().text, "After a closed svg");
        let missing = seo("<html><body><h1>x</h1>");
        assert!(missing.title.is_none() && missing.lang.is_none());
    }

    #[test]
    fn title_text_keeps_what_looks_like_tags() {
        let page = seo("<title>a <b> &lt; c</TITLEX> </ti d</title><p>");
        assert_eq!(&*page.title.unwrap().text, "a <b> < c</titleX> </ti d");
    }

    #[test]
    fn an_empty_title_is_there_but_empty() {
        let page = seo("<title>  </title>");
        assert_eq!(&*page.title.unwrap().text, "");
    }
}
