use super::*;

fn page() -> Url {
    Url::parse("https://example.com/dir/page.html").unwrap()
}

fn links(html: &[u8], content_type: Option<&str>) -> Vec<(String, Option<String>, Kind, String)> {
    collect(html, &page(), Scope::Host, content_type)
        .iter()
        .map(|l| {
            let url = l.url.map(|u| match l.fragment {
                Some(f) => format!("{u}#{f}"),
                None => u.to_string(),
            });
            (l.href.to_string(), url, l.kind, l.text.to_string())
        })
        .collect()
}

#[test]
fn a_link_is_forty_bytes() {
    assert!(std::mem::size_of::<LinkSyms>() <= 40);
}

#[test]
fn a_late_meta_charset_decodes_the_links_before_it() {
    // "caf\xe9" is "café" in windows-1252 and invalid UTF-8: the anchor before the <meta>
    // must wait for it, the plain one before it need not.
    let html = b"<a href=\"/a\">plain</a><a href=\"/caf\xe9\">caf\xe9</a>\
        <meta charset=windows-1252><a href=\"/x\">caf\xe9 after</a>";
    let got = links(html, None);
    assert_eq!(got[0].3, "plain");
    assert_eq!(got[1].0, "/café");
    assert_eq!(got[1].1.as_deref(), Some("https://example.com/caf%C3%A9"));
    assert_eq!(got[1].3, "café");
    assert_eq!(got[2].3, "café after");
    let all = collect(html, &page(), Scope::Host, None);
    assert_eq!(all.encoding, encoding_rs::WINDOWS_1252);
    assert_eq!(all.charset_source, Source::Meta);
}

#[test]
fn the_header_charset_beats_a_meta_and_a_bom_beats_both() {
    let html = b"<meta charset=utf-8><a href=\"/\xe9\">\xe9</a>";
    let got = links(html, Some("text/html; charset=iso-8859-1"));
    assert_eq!(got[0].3, "é");
    let bom = b"\xef\xbb\xbf<a href=\"/\xc3\xa9\">\xc3\xa9</a>";
    let got = links(bom, Some("text/html; charset=iso-8859-1"));
    assert_eq!(got[0].3, "é");
}

#[test]
fn a_late_base_href_applies_to_every_link() {
    let html = br##"<a href="a">a</a><a href="#top">top</a><base href="https://cdn.example.org/b/"><a href="c">c</a><a href="a">a again</a>"##;
    let got = links(html, None);
    let urls: Vec<_> = got.iter().map(|l| l.1.as_deref().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "https://cdn.example.org/b/a",
            "https://cdn.example.org/b/#top",
            "https://cdn.example.org/b/c",
            "https://cdn.example.org/b/a",
        ]
    );
    assert_eq!(got[0].2, Kind::Relative);
    let all = collect(html, &page(), Scope::Host, None);
    assert_eq!(
        all.base.as_ref().map(Url::as_str),
        Some("https://cdn.example.org/b/")
    );
    assert_eq!(all.kinds.get(Kind::Relative), 3);
}

#[test]
fn a_base_href_in_an_unknown_encoding_waits_for_it() {
    // The base's path is not plain ASCII and the encoding is unsettled until the <meta>.
    let html = b"<base href=\"/\xe9/\"><a href=\"x\">x</a><meta charset=windows-1252>";
    let got = links(html, None);
    assert_eq!(got[0].1.as_deref(), Some("https://example.com/%C3%A9/x"));
}

#[test]
fn repeated_hrefs_share_their_strings_and_resolve_alike() {
    let html = br#"<a href="/n">one</a><a href="/n">one</a><a href="/n" rel=nofollow>two</a>"#;
    let all = collect(html, &page(), Scope::Host, None);
    let syms = all.syms();
    assert_eq!(syms[0].href, syms[1].href);
    assert_eq!(syms[0].url, syms[2].url);
    assert_eq!(syms[0].text, syms[1].text);
    assert_ne!(syms[1].rel, syms[2].rel);
    // "/n", its URL, "one", "two" and "nofollow": an empty rel, text or image alt is no
    // string at all.
    assert_eq!(all.symbols(), 5);
    let rels: Vec<_> = all.iter().map(|l| l.rel).collect();
    assert_eq!(rels, ["", "", "nofollow"]);
}

#[test]
fn links_are_the_same_however_the_page_is_cut() {
    let html = "<html><head><meta charset=windows-1252><base href=/base/></head>\
        <a href=\"x\" target=_blank>X <img alt=\"pic\"></a><a href=\"#frag\">\u{e9}</a>\
        <a href=\"https://other.example/p?q#f\" rel=\"ugc nofollow\">other</a>"
        .as_bytes();
    let whole: Vec<_> = collect(html, &page(), Scope::Host, None)
        .iter()
        .map(|l| format!("{l:?}"))
        .collect();
    for size in [1, 2, 5, 17] {
        let options = crate::extract::ExtractOptions {
            anchor_details: true,
            ..crate::extract::ExtractOptions::default()
        };
        let mut collector = LinkCollector::new(&page(), Scope::Host, None);
        let mut extractor = crate::extract::Extractor::new(options);
        let first = &html[..3];
        let host = crate::compat::page_host(page().as_str()).unwrap();
        let verdicts = |a: &Anchor| -> Vec<_> {
            a.hrefs()
                .map(|h| crate::compat::classify(&h, &host))
                .collect()
        };
        for chunk in html.chunks(size) {
            extractor.write(chunk, &mut |a: &Anchor| {
                collector.add(a, first, &verdicts(a))
            });
        }
        let facts = extractor.finish(&mut |a: &Anchor| collector.add(a, first, &verdicts(a)));
        let cut: Vec<_> = collector
            .finish("test", first, &facts)
            .unwrap()
            .iter()
            .map(|l| format!("{l:?}"))
            .collect();
        assert_eq!(cut, whole, "chunks of {size}");
    }
    assert_eq!(whole.len(), 3);
}
