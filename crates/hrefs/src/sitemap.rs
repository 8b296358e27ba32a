//! Sitemaps: the page URLs a site lists for crawlers, from XML sitemaps and sitemap indexes
//! (the sitemaps.org protocol), gzipped or not, and from plain-text sitemaps.
//!
//! A small scanner reads the XML rather than a full parser: all it needs is the root element's
//! name and the `<loc>` of each `<url>` or `<sitemap>` entry. It decodes entities and CDATA,
//! skips comments, processing instructions and doctypes, ignores namespace prefixes, and never
//! fails on malformed markup: it returns what it could read.
//!
//! ```
//! use hrefs::sitemap::{self, Kind};
//!
//! let xml = b"<urlset><url><loc>https://example.com/a?x=1&amp;y=2</loc></url></urlset>";
//! let map = sitemap::parse(xml).unwrap();
//! assert_eq!(map.kind, Kind::Pages);
//! assert_eq!(map.urls[0].as_str(), "https://example.com/a?x=1&y=2");
//! ```

use std::io::Read;

use flate2::read::MultiGzDecoder;
use memchr::{memchr, memmem};
use url::Url;

/// The most URLs one sitemap file may list (the protocol's limit); [`parse`] keeps this many
/// and counts the rest in [`Sitemap::dropped`].
pub const MAX_URLS: usize = 50_000;

/// The largest sitemap [`parse`] reads, in bytes after decompression: the protocol's 50 MiB.
pub const MAX_SIZE: usize = 50 * 1024 * 1024;

/// What a sitemap's URLs point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Pages to crawl: a `<urlset>` or a plain-text sitemap.
    Pages,
    /// More sitemaps to read: a `<sitemapindex>`.
    Index,
}

/// The URLs one sitemap file lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitemap {
    /// Whether the URLs are pages or further sitemaps.
    pub kind: Kind,
    /// The absolute `http(s)` URLs, in document order, at most [`MAX_URLS`].
    pub urls: Vec<Url>,
    /// Entries left out because they were empty, relative, not `http(s)` or not URLs at all.
    pub skipped: usize,
    /// URLs past the first [`MAX_URLS`]: counted, not kept. Past the cap an entry counts as a
    /// URL when it starts with `http://` or `https://`, and as skipped otherwise.
    pub dropped: u64,
}

/// Why a body could not be read as a sitemap.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SitemapError {
    /// The body starts like gzip but does not decompress.
    #[error("sitemap is not valid gzip: {0}")]
    Gzip(std::io::Error),
    /// The body is larger than [`MAX_SIZE`], or would be once decompressed.
    #[error("sitemap is larger than 50 MiB")]
    TooLarge,
    /// The XML's root element is neither `<urlset>` nor `<sitemapindex>`.
    #[error("sitemap root element is '{0}', not 'urlset' or 'sitemapindex'")]
    UnknownRoot(String),
    /// The body starts with markup but holds no element.
    #[error("sitemap xml has no root element")]
    NoRoot,
}

/// Reads one sitemap file.
///
/// A body starting with the gzip magic bytes is decompressed first. A body whose first
/// non-blank character is `<` is read as XML; anything else as a plain-text sitemap, one URL a
/// line. Entries that are not absolute `http(s)` URLs are counted in [`Sitemap::skipped`],
/// and URLs past the first [`MAX_URLS`] in [`Sitemap::dropped`].
pub fn parse(body: &[u8]) -> Result<Sitemap, SitemapError> {
    let inflated;
    let doc = if body.starts_with(&[0x1F, 0x8B]) {
        inflated = inflate(body, MAX_SIZE)?;
        &inflated[..]
    } else if body.len() > MAX_SIZE {
        return Err(SitemapError::TooLarge);
    } else {
        body
    };
    let doc = doc.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(doc);
    if doc.trim_ascii_start().starts_with(b"<") {
        parse_xml(doc)
    } else {
        Ok(parse_text(doc))
    }
}

/// Decompresses gzip, reading at most `limit` bytes of output so a small bomb cannot fill
/// memory.
fn inflate(body: &[u8], limit: usize) -> Result<Vec<u8>, SitemapError> {
    let mut out = Vec::new();
    MultiGzDecoder::new(body)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(SitemapError::Gzip)?;
    if out.len() > limit {
        return Err(SitemapError::TooLarge);
    }
    Ok(out)
}

/// Gathers the URLs of one file up to the cap, and counts the rest.
struct Collector {
    sitemap: Sitemap,
}

impl Collector {
    fn new(kind: Kind) -> Collector {
        Collector {
            sitemap: Sitemap {
                kind,
                urls: Vec::new(),
                skipped: 0,
                dropped: 0,
            },
        }
    }

    /// Adds one entry's text.
    fn push(&mut self, text: &[u8]) {
        if self.sitemap.urls.len() == MAX_URLS {
            // Only counted, so only the scheme is looked at: a 50 MiB file lists millions of
            // URLs, and parsing them all took over a second of a crawl thread.
            let text = text.trim_ascii();
            let starts = |prefix: &[u8]| {
                text.get(..prefix.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            };
            if starts(b"http://") || starts(b"https://") {
                self.sitemap.dropped += 1;
            } else {
                self.sitemap.skipped += 1;
            }
            return;
        }
        let url = std::str::from_utf8(text)
            .ok()
            .and_then(|text| Url::parse(text.trim()).ok())
            .filter(|url| matches!(url.scheme(), "http" | "https"));
        match url {
            Some(url) => self.sitemap.urls.push(url),
            None => self.sitemap.skipped += 1,
        }
    }
}

/// A plain-text sitemap: one URL a line, blank lines ignored.
fn parse_text(doc: &[u8]) -> Sitemap {
    let mut found = Collector::new(Kind::Pages);
    for line in doc.split(|&b| b == b'\n' || b == b'\r') {
        let line = line.trim_ascii();
        if !line.is_empty() {
            found.push(line);
        }
    }
    found.sitemap
}

/// The XML scanner's position in the entry structure.
struct Entries {
    found: Collector,
    /// `url` or `sitemap`, by the root element.
    entry_name: &'static [u8],
    /// Open elements, the root being 1.
    depth: usize,
    /// The depth of the open entry element, if any.
    entry_depth: Option<usize>,
    /// The text of the `<loc>` being read, entities decoded.
    loc: Option<Vec<u8>>,
}

fn parse_xml(doc: &[u8]) -> Result<Sitemap, SitemapError> {
    let mut entries: Option<Entries> = None;
    let mut pos = 0;
    while let Some(lt) = memchr(b'<', &doc[pos..]).map(|i| pos + i) {
        if let Some(loc) = entries.as_mut().and_then(|e| e.loc.as_mut()) {
            decode_into(&doc[pos..lt], loc);
        }
        let rest = &doc[lt + 1..];
        if rest.starts_with(b"!--") {
            pos = after(doc, lt + 4, b"-->");
        } else if rest.starts_with(b"![CDATA[") {
            let start = lt + 9;
            let end = memmem::find(&doc[start..], b"]]>").map_or(doc.len(), |i| start + i);
            if let Some(loc) = entries.as_mut().and_then(|e| e.loc.as_mut()) {
                loc.extend_from_slice(&doc[start..end]);
            }
            pos = (end + 3).min(doc.len());
        } else if rest.starts_with(b"?") {
            pos = after(doc, lt + 2, b"?>");
        } else if rest.starts_with(b"!") {
            pos = declaration_end(doc, lt + 2);
        } else if let Some(name) = rest.strip_prefix(b"/") {
            let Some(gt) = memchr(b'>', name) else { break };
            pos = lt + 2 + gt + 1;
            if let Some(entries) = entries.as_mut() {
                entries.end(local_name(&name[..gt]));
            }
        } else if rest.first().is_some_and(|&b| is_name_start(b)) {
            let Some(gt) = tag_end(rest) else { break };
            let tag = &rest[..gt];
            pos = lt + 1 + gt + 1;
            let self_closing = tag.ends_with(b"/");
            let name = local_name(tag);
            match entries.as_mut() {
                Some(entries) => entries.start(name, self_closing),
                None => entries = Some(Entries::for_root(name)?),
            }
        } else {
            // A `<` that starts no markup: malformed, so kept as text.
            if let Some(loc) = entries.as_mut().and_then(|e| e.loc.as_mut()) {
                loc.push(b'<');
            }
            pos = lt + 1;
        }
    }
    entries.map(|e| e.found.sitemap).ok_or(SitemapError::NoRoot)
}

impl Entries {
    fn for_root(name: &[u8]) -> Result<Entries, SitemapError> {
        let (kind, entry_name): (Kind, &'static [u8]) = if name.eq_ignore_ascii_case(b"urlset") {
            (Kind::Pages, b"url")
        } else if name.eq_ignore_ascii_case(b"sitemapindex") {
            (Kind::Index, b"sitemap")
        } else {
            let name = String::from_utf8_lossy(name);
            return Err(SitemapError::UnknownRoot(name.chars().take(64).collect()));
        };
        Ok(Entries {
            found: Collector::new(kind),
            entry_name,
            depth: 1,
            entry_depth: None,
            loc: None,
        })
    }

    /// Handles a start tag below the root.
    fn start(&mut self, name: &[u8], self_closing: bool) {
        let depth = self.depth + 1;
        if !self_closing {
            self.depth = depth;
        }
        if name.eq_ignore_ascii_case(self.entry_name) && !self_closing {
            self.entry_depth = Some(depth);
            self.loc = None;
        } else if name.eq_ignore_ascii_case(b"loc")
            && self.entry_depth == Some(depth - 1)
            && self.loc.is_none()
        {
            // Only the entry's own `<loc>`: extensions nest theirs deeper (`<image:loc>`).
            if self_closing {
                self.found.push(b"");
            } else {
                self.loc = Some(Vec::new());
            }
        }
    }

    /// Handles an end tag.
    fn end(&mut self, name: &[u8]) {
        self.depth = self.depth.saturating_sub(1);
        if name.eq_ignore_ascii_case(b"loc") {
            if let Some(text) = self.loc.take() {
                self.found.push(&text);
            }
        } else if name.eq_ignore_ascii_case(self.entry_name) {
            self.entry_depth = None;
            self.loc = None;
        }
    }
}

/// The end of the tag whose text starts at `tag[0]`: the first `>` outside quoted attribute
/// values.
fn tag_end(tag: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in tag.iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i),
            None => {}
        }
    }
    None
}

/// The element name of a tag's text without its namespace prefix: `sm:loc a="b"` → `loc`.
fn local_name(tag: &[u8]) -> &[u8] {
    let end = tag
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        .unwrap_or(tag.len());
    let name = &tag[..end];
    match name.iter().rposition(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

/// The position just after the first `needle` at or after `from`, or the end of `doc`.
fn after(doc: &[u8], from: usize, needle: &[u8]) -> usize {
    let from = from.min(doc.len());
    memmem::find(&doc[from..], needle).map_or(doc.len(), |i| from + i + needle.len())
}

/// The position after a `<!DOCTYPE …>`-like declaration, whose internal subset in `[…]` may
/// hold `>` of its own.
fn declaration_end(doc: &[u8], from: usize) -> usize {
    let mut brackets = 0usize;
    for (i, &b) in doc.iter().enumerate().skip(from) {
        match b {
            b'[' => brackets += 1,
            b']' => brackets = brackets.saturating_sub(1),
            b'>' if brackets == 0 => return i + 1,
            _ => {}
        }
    }
    doc.len()
}

/// Appends XML character data with the five predefined entities and numeric character
/// references decoded; anything else that starts with `&` is kept as written, since sitemaps
/// often carry a raw `&` in a query.
fn decode_into(text: &[u8], out: &mut Vec<u8>) {
    let mut rest = text;
    while let Some(amp) = memchr(b'&', rest) {
        out.extend_from_slice(&rest[..amp]);
        rest = &rest[amp..];
        match entity(rest) {
            Some((ch, len)) => {
                out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                rest = &rest[len..];
            }
            None => {
                out.push(b'&');
                rest = &rest[1..];
            }
        }
    }
    out.extend_from_slice(rest);
}

/// The character an entity at the start of `text` (which starts with `&`) stands for, and
/// the entity's length.
fn entity(text: &[u8]) -> Option<(char, usize)> {
    let semi = memchr(b';', &text[..text.len().min(16)])?;
    let ch = match &text[1..semi] {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"quot" => '"',
        b"apos" => '\'',
        reference => {
            let number = reference.strip_prefix(b"#")?;
            let (digits, radix) = match number.strip_prefix(b"x").or(number.strip_prefix(b"X")) {
                Some(hex) => (hex, 16),
                None => (number, 10),
            };
            if digits.is_empty() || !digits.iter().all(|&b| char::from(b).is_digit(radix)) {
                return None;
            }
            let value = u32::from_str_radix(std::str::from_utf8(digits).ok()?, radix).ok()?;
            char::from_u32(value)?
        }
    };
    Some((ch, semi + 1))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::*;

    fn urls(map: &Sitemap) -> Vec<&str> {
        map.urls.iter().map(Url::as_str).collect()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn urlset() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url>
    <loc>https://example.com/</loc>
    <lastmod>2024-01-01</lastmod>
    <changefreq>daily</changefreq>
    <priority>0.8</priority>
  </url>
  <url><loc>https://example.com/about</loc></url>
</urlset>"#;
        let map = parse(xml).unwrap();
        assert_eq!(map.kind, Kind::Pages);
        assert_eq!(
            urls(&map),
            ["https://example.com/", "https://example.com/about"]
        );
        assert_eq!((map.skipped, map.dropped), (0, 0));
    }

    #[test]
    fn sitemap_index() {
        let xml = b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>\
            <sitemap><loc>https://example.com/s1.xml.gz</loc><lastmod>2024</lastmod></sitemap>\
            <sitemap><loc>https://example.com/s2.xml</loc></sitemap>\
            </sitemapindex>";
        let map = parse(xml).unwrap();
        assert_eq!(map.kind, Kind::Index);
        assert_eq!(
            urls(&map),
            [
                "https://example.com/s1.xml.gz",
                "https://example.com/s2.xml"
            ]
        );
    }

    #[test]
    fn only_the_entrys_own_loc_counts() {
        let xml = b"<urlset xmlns:image='http://www.google.com/schemas/sitemap-image/1.1'>\
            <loc>https://example.com/outside-entry</loc>\
            <url><loc>https://example.com/page</loc>\
              <image:image><image:loc>https://example.com/pic.jpg</image:loc></image:image>\
            </url>\
            <sitemap><loc>https://example.com/wrong-entry.xml</loc></sitemap>\
            </urlset>";
        assert_eq!(urls(&parse(xml).unwrap()), ["https://example.com/page"]);
    }

    #[test]
    fn namespace_prefixes_and_case() {
        let xml = b"<sm:urlset xmlns:sm='http://www.sitemaps.org/schemas/sitemap/0.9'>\
            <sm:url><sm:loc>https://example.com/a</sm:loc></sm:url>\
            <URL><LOC>https://example.com/b</LOC></URL>\
            </sm:urlset>";
        assert_eq!(
            urls(&parse(xml).unwrap()),
            ["https://example.com/a", "https://example.com/b"]
        );
    }

    #[test]
    fn entities_and_character_references() {
        let xml = b"<urlset><url><loc>https://example.com/?a=1&amp;b=&lt;&gt;&quot;&apos;\
            &#65;&#x42;&#X43;&raw&unknown;&#xZZ;&#;&#1114112;</loc></url></urlset>";
        let map = parse(xml).unwrap();
        assert_eq!(
            urls(&map),
            ["https://example.com/?a=1&b=%3C%3E%22%27ABC&raw&unknown;&#xZZ;&#;&#1114112;"]
        );
        let mut out = Vec::new();
        decode_into("&#x30C4;&#233;&amp;amp;".as_bytes(), &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\u{30c4}\u{e9}&amp;");
    }

    #[test]
    fn cdata_comments_and_processing_instructions() {
        let xml = b"<?xml version='1.0'?>\n<!-- <urlset> in a comment -->\n\
            <!DOCTYPE urlset [ <!ENTITY x 'y'> ]>\n\
            <urlset><?pi <url>?>\
            <url><loc><![CDATA[https://example.com/?a=1&b=2]]></loc></url>\
            <url><loc>https://example.com/<!-- gone -->x<![CDATA[&amp;]]>&amp;</loc></url>\
            <!-- <url><loc>https://example.com/commented</loc></url> -->\
            </urlset>";
        assert_eq!(
            urls(&parse(xml).unwrap()),
            [
                "https://example.com/?a=1&b=2",
                "https://example.com/x&amp;&"
            ]
        );
    }

    #[test]
    fn whitespace_around_loc_is_trimmed() {
        let xml = b"\xEF\xBB\xBF\n  <urlset>\n<url>\n<loc>\n\t https://example.com/a \r\n</loc>\n</url></urlset>";
        assert_eq!(urls(&parse(xml).unwrap()), ["https://example.com/a"]);
    }

    #[test]
    fn invalid_urls_are_skipped_and_counted() {
        let xml = b"<urlset>\
            <url><loc>/relative</loc></url>\
            <url><loc>not a url</loc></url>\
            <url><loc>ftp://example.com/file</loc></url>\
            <url><loc></loc></url>\
            <url><loc/></url>\
            <url><loc>\xFF\xFE</loc></url>\
            <url><loc>http://[::1</loc></url>\
            <url><loc>https://example.com/ok</loc></url>\
            <url></url>\
            </urlset>";
        let map = parse(xml).unwrap();
        assert_eq!(urls(&map), ["https://example.com/ok"]);
        assert_eq!(map.skipped, 7);
    }

    #[test]
    fn attributes_may_hold_markup_characters() {
        let xml = b"<urlset a='x>y' b=\"/>\"><url note='<loc>'><loc>https://example.com/a</loc></url></urlset>";
        assert_eq!(urls(&parse(xml).unwrap()), ["https://example.com/a"]);
    }

    #[test]
    fn root_element_decides() {
        let err = parse(b"<!DOCTYPE html><html><body>not found</body></html>").unwrap_err();
        assert!(matches!(&err, SitemapError::UnknownRoot(name) if name == "html"));
        assert_eq!(
            err.to_string(),
            "sitemap root element is 'html', not 'urlset' or 'sitemapindex'"
        );
        let err = parse(b"<?xml version='1.0'?><!-- nothing -->").unwrap_err();
        assert!(matches!(err, SitemapError::NoRoot));
        let map = parse(b"<urlset/>").unwrap();
        assert_eq!((map.kind, map.urls.len()), (Kind::Pages, 0));
        let long = format!("<{}>", "x".repeat(1000));
        let Err(SitemapError::UnknownRoot(name)) = parse(long.as_bytes()) else {
            panic!("expected an unknown root");
        };
        assert_eq!(name.len(), 64);
    }

    #[test]
    fn malformed_xml_keeps_what_it_read() {
        let xml = b"<urlset><url><loc>https://example.com/a</loc></url>\
            <url><loc>https://example.com/b</loc><url><loc>https://example.com/c</loc>\
            </urlset></urlset><url><loc>https://example.com/d</loc></url>\
            <url><loc>https://example.com/cut";
        assert_eq!(
            urls(&parse(xml).unwrap()),
            [
                "https://example.com/a",
                "https://example.com/b",
                "https://example.com/c",
                "https://example.com/d",
            ]
        );
        let map = parse(b"<urlset><url><loc>https://example.com/?q=1<2</loc></url>").unwrap();
        assert_eq!(urls(&map), ["https://example.com/?q=1%3C2"]);
    }

    #[test]
    fn text_sitemap() {
        let body = b"https://example.com/a\r\n\r\n  https://example.com/b  \n\
            /relative\nmailto:me@example.com\nhttps://example.com/c\rhttps://example.com/d";
        let map = parse(body).unwrap();
        assert_eq!(map.kind, Kind::Pages);
        assert_eq!(
            urls(&map),
            [
                "https://example.com/a",
                "https://example.com/b",
                "https://example.com/c",
                "https://example.com/d",
            ]
        );
        assert_eq!(map.skipped, 2);
        let empty = parse(b"").unwrap();
        assert_eq!(
            (empty.kind, empty.urls.len(), empty.skipped),
            (Kind::Pages, 0, 0)
        );
    }

    #[test]
    fn gzip_bodies_are_decompressed() {
        let xml = b"<urlset><url><loc>https://example.com/z</loc></url></urlset>";
        assert_eq!(urls(&parse(&gzip(xml)).unwrap()), ["https://example.com/z"]);
        let text = gzip(b"https://example.com/t\n");
        assert_eq!(urls(&parse(&text).unwrap()), ["https://example.com/t"]);
        // Two gzip members, as `cat a.gz b.gz` makes, are one stream.
        let mut two = gzip(b"https://example.com/1\n");
        two.extend(gzip(b"https://example.com/2\n"));
        assert_eq!(parse(&two).unwrap().urls.len(), 2);
    }

    #[test]
    fn corrupt_gzip_is_an_error() {
        let mut cut = gzip(b"<urlset><url><loc>https://example.com/z</loc></url></urlset>");
        cut.truncate(cut.len() / 2);
        let err = parse(&cut).unwrap_err();
        assert!(matches!(err, SitemapError::Gzip(_)));
        assert!(err.to_string().starts_with("sitemap is not valid gzip: "));
        assert!(matches!(
            parse(b"\x1F\x8Bgarbage"),
            Err(SitemapError::Gzip(_))
        ));
    }

    #[test]
    fn decompressed_size_is_capped() {
        let bomb = gzip(&vec![b' '; 4096]);
        assert!(matches!(inflate(&bomb, 4095), Err(SitemapError::TooLarge)));
        assert_eq!(inflate(&bomb, 4096).unwrap().len(), 4096);
        // And the real limit, with a body that would inflate to just past it.
        let bomb = gzip(&vec![b'\n'; MAX_SIZE + 1]);
        assert!(bomb.len() < MAX_SIZE / 100);
        assert!(matches!(parse(&bomb), Err(SitemapError::TooLarge)));
    }

    #[test]
    fn plain_size_is_capped() {
        let body = vec![b'\n'; MAX_SIZE + 1];
        assert!(matches!(parse(&body), Err(SitemapError::TooLarge)));
        assert_eq!(
            SitemapError::TooLarge.to_string(),
            "sitemap is larger than 50 MiB"
        );
    }

    #[test]
    fn urls_past_the_cap_are_counted_not_kept() {
        let mut body = String::new();
        for i in 0..MAX_URLS + 3 {
            body.push_str(&format!("https://example.com/{i}\n"));
        }
        body.push_str("not a url\n  HTTPS://example.com/upper  \n");
        let map = parse(body.as_bytes()).unwrap();
        assert_eq!((map.urls.len(), map.dropped), (MAX_URLS, 4));
        assert_eq!(map.skipped, 1, "entries past the cap are still told apart");
        assert_eq!(
            map.urls.last().unwrap().as_str(),
            format!("https://example.com/{}", MAX_URLS - 1)
        );

        let mut xml = String::from("<urlset>");
        for i in 0..MAX_URLS + 1234 {
            xml.push_str(&format!("<url><loc>https://example.com/{i}</loc></url>"));
        }
        xml.push_str("<url><loc>/relative</loc></url><url><loc/></url></urlset>");
        let map = parse(xml.as_bytes()).unwrap();
        assert_eq!(
            (map.urls.len(), map.dropped, map.skipped),
            (MAX_URLS, 1234, 2)
        );

        let exact = format!("{}\n", "https://example.com/\n".repeat(MAX_URLS));
        let map = parse(exact.as_bytes()).unwrap();
        assert_eq!((map.urls.len(), map.dropped), (MAX_URLS, 0));
    }

    #[test]
    fn an_index_counts_the_sitemaps_past_the_cap() {
        let mut xml = String::from("<sitemapindex>");
        for i in 0..MAX_URLS + 7 {
            xml.push_str(&format!(
                "<sitemap><loc>https://example.com/s{i}.xml</loc></sitemap>"
            ));
        }
        xml.push_str("</sitemapindex>");
        let map = parse(gzip(xml.as_bytes()).as_slice()).unwrap();
        assert_eq!(
            (map.kind, map.urls.len(), map.dropped),
            (Kind::Index, MAX_URLS, 7)
        );
    }

    #[test]
    fn a_largest_sitemap_of_short_urls_is_counted_in_full() {
        // Nearly 50 MiB of short URLs, 23 bytes a line: about 2.3 million past the cap.
        let line = b"http://a.example/12345\n";
        let lines = MAX_SIZE / line.len();
        let body = line.repeat(lines);
        let map = parse(&body).unwrap();
        assert_eq!(map.urls.len(), MAX_URLS);
        assert_eq!(map.dropped, (lines - MAX_URLS) as u64);
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = test_server::Rng::new(0x9E37_79B9_7F4A_7C15);
        let pieces: &[&[u8]] = &[
            b"<",
            b">",
            b"/",
            b"<url>",
            b"</url>",
            b"<loc>",
            b"</loc>",
            b"<urlset>",
            b"<sitemapindex>",
            b"<sitemap>",
            b"<![CDATA[",
            b"]]>",
            b"<!--",
            b"-->",
            b"<?",
            b"?>",
            b"<!",
            b"[",
            b"]",
            b"&",
            b"&#",
            b"&#x",
            b";",
            b"'",
            b"\"",
            b"https://e.com/",
            b"a:",
            b" ",
            b"\n",
            b"\xFF",
            b"\x1F\x8B",
            b"\xEF\xBB\xBF",
        ];
        for round in 0..2000 {
            let mut body = Vec::new();
            if round % 2 == 0 {
                body.extend_from_slice(b"<urlset>");
            }
            for _ in 0..rng.below(40) {
                if round % 3 == 0 {
                    body.push(rng.next_u64() as u8);
                } else {
                    body.extend_from_slice(rng.pick::<&[u8]>(pieces));
                }
            }
            if let Ok(map) = parse(&body) {
                assert!(map.urls.len() <= MAX_URLS);
            }
            let _ = parse(&gzip(&body));
        }
    }
}
