//! Tokenizer and extractor cases. Every case runs on the whole input, split at every byte, and
//! in random chunks; set `CHUNK_SIZE=n` to replay a failure with fixed-size chunks.

use super::*;
use encoding_rs::UTF_8;
use test_server::Rng;

/// What one anchor looks like in these tests: its hrefs, and its text when collected.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Seen {
    hrefs: Vec<String>,
    text: String,
    line: u64,
    column: u64,
}

fn run(chunks: &[&[u8]], options: ExtractOptions) -> (Vec<Seen>, PageFacts) {
    let mut seen = Vec::new();
    let mut on = |a: &Anchor| {
        seen.push(Seen {
            hrefs: a
                .hrefs()
                .map(|h| String::from_utf8_lossy(&h).into_owned())
                .collect(),
            text: a.text(UTF_8),
            line: a.line(),
            column: a.column(),
        })
    };
    let mut x = Extractor::new(options);
    for c in chunks {
        x.write(c, &mut on);
    }
    let facts = x.finish(&mut on);
    (seen, facts)
}

fn split_random<'a>(input: &'a [u8], rng: &mut Rng, max: usize) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = (1 + rng.below(max)).min(rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

/// Extracts `input` whole, then in every two-way split and in random chunkings, and checks that
/// all agree. Returns the whole-input result.
fn extract_all_ways(input: &[u8], options: ExtractOptions) -> Vec<Seen> {
    let (whole, facts) = run(&[input], options);
    if let Ok(size) = std::env::var("CHUNK_SIZE") {
        let size: usize = size.parse().expect("CHUNK_SIZE is a number");
        let chunks: Vec<&[u8]> = input.chunks(size.max(1)).collect();
        assert_eq!(run(&chunks, options).0, whole, "CHUNK_SIZE={size}");
    }
    for at in 0..=input.len() {
        let (a, b) = input.split_at(at);
        let (got, got_facts) = run(&[a, b], options);
        assert_eq!(
            got,
            whole,
            "split at byte {at} of {:?}",
            String::from_utf8_lossy(input)
        );
        assert_eq!(got_facts.base_href, facts.base_href);
        assert_eq!(got_facts.fragment_targets, facts.fragment_targets);
        assert_eq!(got_facts.seo, facts.seo, "split at byte {at}");
    }
    let seed = 0x9E37_79B9_7F4A_7C15 ^ input.len() as u64;
    let mut rng = Rng::new(seed);
    for _ in 0..20 {
        let chunks = split_random(input, &mut rng, 7);
        let (got, got_facts) = run(&chunks, options);
        assert_eq!(got, whole, "random chunks, seed {seed:#x}");
        assert_eq!(
            got_facts.fragment_targets, facts.fragment_targets,
            "random chunks, seed {seed:#x}"
        );
        assert_eq!(got_facts.seo, facts.seo, "random chunks, seed {seed:#x}");
    }
    whole
}

fn hrefs(input: &str) -> Vec<String> {
    extract_all_ways(input.as_bytes(), ExtractOptions::default())
        .into_iter()
        .flat_map(|s| s.hrefs)
        .collect()
}

#[test]
fn which_tags_count() {
    // (input, the href values Go's tokenizer hands to the original tool, why)
    let cases: &[(&str, &[&str], &str)] = &[
        ("<a href=x>", &["x"], "unquoted value"),
        (
            "<A HREF='x'>",
            &["x"],
            "tag and attribute names are case-insensitive",
        ),
        (
            "<a href=\"x\" href=y>",
            &["x", "y"],
            "duplicate attributes each count",
        ),
        (
            "<a href=x/>",
            &[],
            "the byte before '>' is '/': self-closing, not counted",
        ),
        ("<a href=\"x\"/>", &[], "self-closing"),
        (
            "<a/ href=x>",
            &["x"],
            "a lone '/' is an empty attribute name, skipped",
        ),
        (
            "<a href/=x>",
            &["x"],
            "'/' ends the name; '=' may still follow",
        ),
        ("<a href = 'x' >", &["x"], "whitespace around '='"),
        ("<a href>", &[""], "no value: empty href"),
        ("<a href=>", &[""], "'=' then '>': empty value"),
        ("<a hrefx=1 xhref=2>", &[], "other attribute names"),
        (
            "<ab href=x><a-b href=y>",
            &[],
            "the tag name must be exactly 'a'",
        ),
        ("<a\thref=x>", &["x"], "tab separates"),
        ("<a\x0chref=x>", &["x"], "form feed separates"),
        ("<a href='x>y'>", &["x>y"], "'>' inside quotes"),
        ("<a href=x>y>", &["x"], "'>' ends an unquoted value"),
        (
            "<a href=\"x",
            &[],
            "cut off by the end of input: not a token",
        ),
        ("<a href=x", &[], "cut off in an unquoted value"),
        (
            "</a href=x><a href=y>",
            &["y"],
            "attributes of end tags don't count",
        ),
        ("<a href=\"&amp;&lt;\">", &["&<"], "entities are decoded"),
        (
            "<a href=\"&ampx=1\">",
            &["&ampx=1"],
            "attribute values keep '&name' + '='",
        ),
        ("<a href='a\r\nb'>", &["a\nb"], "newlines normalized"),
        ("< a href=x>", &[], "'<' + space is text"),
        ("<<a href=x>", &["x"], "the second '<' opens the tag"),
        ("<a href=x><a href=y>", &["x", "y"], "one per start tag"),
        ("<a id=1 href=x>", &["x"], "href needn't come first"),
        ("<a =x href=y>", &["y"], "empty-named attribute skipped"),
        (
            "<a href='x'href='y'>",
            &["x", "y"],
            "no space needed after a quoted value",
        ),
    ];
    for (input, want, why) in cases {
        assert_eq!(hrefs(input), *want, "{why}: {input:?}");
    }
}

#[test]
fn hidden_in_raw_text_comments_and_declarations() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "<script><a href=x></script><a href=y>",
            &["y"],
            "script hides tags",
        ),
        (
            "<SCRIPT><a href=x></ScRiPt ><a href=y>",
            &["y"],
            "end tag is case-insensitive",
        ),
        (
            "<script><a href=x></scripty><a href=z>",
            &[],
            "</scripty> does not end script",
        ),
        (
            "<style><a href=x></style/><a href=y>",
            &["y"],
            "'/' after the name ends it",
        ),
        (
            "<title><a href=x></title><a href=y>",
            &["y"],
            "title is raw in Go",
        ),
        (
            "<textarea><a href=x></textarea><a href=y>",
            &["y"],
            "textarea",
        ),
        ("<xmp><a href=x></xmp><a href=y>", &["y"], "xmp"),
        ("<iframe><a href=x></iframe><a href=y>", &["y"], "iframe"),
        (
            "<noscript><a href=x></noscript><a href=y>",
            &["y"],
            "noscript",
        ),
        ("<noembed><a href=x></noembed><a href=y>", &["y"], "noembed"),
        (
            "<noframes><a href=x></noframes><a href=y>",
            &["y"],
            "noframes",
        ),
        (
            "<plaintext></plaintext><a href=x>",
            &[],
            "plaintext never ends",
        ),
        (
            "<script/><a href=x></script><a href=y>",
            &["y"],
            "self-closing script is raw too",
        ),
        ("<scriptx><a href=x>", &["x"], "only the exact name is raw"),
        ("<!-- <a href=x> --><a href=y>", &["y"], "comment"),
        ("<!--><a href=x>", &["x"], "'<!-->' is a whole comment"),
        ("<!---><a href=x>", &["x"], "'<!--->' is a whole comment"),
        ("<!-- --!><a href=x>", &["x"], "'--!>' ends a comment"),
        ("<!-- -- ><a href=x> -->", &[], "'-- >' does not"),
        (
            "<!-- --!-><a href=x>",
            &[],
            "'--!-' counts one dash, so '>' does not end it",
        ),
        ("<!-- --!--><a href=x>", &["x"], "'--!-' then '->' ends it"),
        ("<!DOCTYPE html><a href=x>", &["x"], "doctype"),
        (
            "<!x <a href=y> z><a href=x>",
            &["x"],
            "bogus comment until '>'",
        ),
        (
            "<? <a href=y> ?><a href=x>",
            &["x"],
            "processing instruction until '>'",
        ),
        (
            "</ <a href=y>><a href=x>",
            &["x"],
            "'</' + non-letter is a bogus comment",
        ),
        ("</><a href=x>", &["x"], "'</>' is nothing"),
        (
            "<![CDATA[<a href=y>]]><a href=x>",
            &["x"],
            "CDATA is a bogus comment outside foreign content",
        ),
        (
            "<div title='<a href=y>'><a href=x>",
            &["x"],
            "tags inside attribute values",
        ),
        (
            "</div title='>'><a href=x>",
            &["x"],
            "quoted '>' in an end tag",
        ),
    ];
    for (input, want, why) in cases {
        assert_eq!(hrefs(input), *want, "{why}: {input:?}");
    }
}

#[test]
fn script_escape_states() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "<script><!--</script><a href=x>",
            &["x"],
            "escaped: </script> still ends",
        ),
        (
            "<script><!--<script></script><a href=y>--></script><a href=x>",
            &["x"],
            "double-escaped: the inner </script> does not end the script",
        ),
        (
            "<script><!--<script>--></script><a href=x>",
            &["x"],
            "'-->' in double-escaped data returns to script data",
        ),
        (
            "<script><!-<a href=y></script><a href=x>",
            &["x"],
            "'<!-' alone does not escape",
        ),
        (
            "<script><!--<b></script><a href=x>",
            &["x"],
            "'<b' is not <script",
        ),
        (
            "<script><!--<script </script><a href=x>",
            &[],
            "'</script>' ends only the double escape; the script goes on",
        ),
    ];
    for (input, want, why) in cases {
        assert_eq!(hrefs(input), *want, "{why}: {input:?}");
    }
}

#[test]
fn anchor_details_positions_and_facts() {
    let html = "<html>\n<head><base href='/b/'><meta charset=\"shift_jis\"><meta name=robots content='noindex, nofollow'></head>\n  <a href=x id=top>Read &amp;\n more<img alt='logo'></a> tail <a name=n href=y>Y<a href=z>";
    let opts = ExtractOptions {
        anchor_details: true,
        fragment_targets: true,
        seo: true,
    };
    let seen = extract_all_ways(html.as_bytes(), opts);
    let texts: Vec<(&str, u64, u64)> = seen
        .iter()
        .map(|s| (s.text.as_str(), s.line, s.column))
        .collect();
    assert_eq!(texts, [("Read & more", 3, 3), ("Y", 4, 32), ("", 4, 50)]);
    let (_, facts) = run(&[html.as_bytes()], opts);
    assert_eq!(facts.base_href.as_deref(), Some(&b"/b/"[..]));
    assert_eq!(facts.meta_charset.as_deref(), Some("shift_jis"));
    assert_eq!(facts.meta_robots.as_deref(), Some("noindex, nofollow"));
    assert_eq!(facts.fragment_targets, ["top", "n"]);
}

/// Ids on tags read for nothing else go through a fast path of their own: every way an
/// attribute can be written, whole and cut anywhere, gives the same ids.
#[test]
fn ids_in_every_form() {
    let html = concat!(
        "<h2 id=\"a\">",
        "<div ID='b' class=x>",
        "<p id=c>",
        "<span id>",
        "<p data-id=\"x\" idx=\"y\" id = \"d\">",
        "<br id=\"e\"/>",
        "<p id=\"f&amp;g\">",
        "<p class=\"x\" id=h>",
        "<p id=\"i\" id='j'>",
        "<p id=>",
        "<p id=\"k>l\" / >",
        "<script id=s>var x = '<p id=no>';</script>",
        "<title id=t><p id=no></title>",
        "<p\nid\n=\n\"m\"\n>",
        "<p id=\"n\"/ id=o>",
    );
    let opts = ExtractOptions {
        anchor_details: true,
        fragment_targets: true,
        seo: true,
    };
    extract_all_ways(html.as_bytes(), opts);
    let (_, facts) = run(&[html.as_bytes()], opts);
    assert_eq!(
        facts.fragment_targets,
        ["a", "b", "c", "", "d", "e", "f&g", "h", "i", "j", "", "k>l", "s", "t", "m", "n", "o"]
    );
}

#[test]
fn image_alt_and_rel() {
    let html = b"<a href=x rel='nofollow  ugc' target=_blank><img src=i alt=\"A &amp; B\"></a>";
    let mut got = Vec::new();
    extract(
        html,
        ExtractOptions {
            anchor_details: true,
            fragment_targets: false,
            seo: true,
        },
        &mut |a| {
            got.push((
                a.image_alt(UTF_8),
                a.rel().map(|r| r.into_owned()),
                a.target().map(|t| t.into_owned()),
            ))
        },
    );
    assert_eq!(
        got,
        [(
            "A & B".to_string(),
            Some(b"nofollow  ugc".to_vec()),
            Some(b"_blank".to_vec())
        )]
    );
}

#[test]
fn link_text_that_is_all_code() {
    let html = b"<a href=1><code>continue</code></a>\
        <a href=2> <kbd>Ctrl</kbd>+<kbd>C</kbd> </a>\
        <a href=3>the <code>start</code> method</a>\
        <a href=4><code>open</code><a href=5>plain</a>\
        <a href=6><tt><var>x</var></tt>\n</a><a href=7></a>";
    let mut got = Vec::new();
    extract(
        html,
        ExtractOptions {
            anchor_details: true,
            fragment_targets: true,
            seo: true,
        },
        &mut |a| got.push(a.is_code()),
    );
    // "+" between the keys is words; a new <a> closes the open one, code and all.
    assert_eq!(got, [true, false, false, true, false, true, false]);
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng::new(0xDEAD_BEEF);
    let alphabet = b"<>/!-?='\"a hrefscriptxdI&#;\n\r\t\x00\xff";
    for _ in 0..300 {
        let len = rng.below(200);
        let input: Vec<u8> = (0..len).map(|_| *rng.pick(alphabet)).collect();
        extract_all_ways(
            &input,
            ExtractOptions {
                anchor_details: true,
                fragment_targets: true,
                seo: true,
            },
        );
    }
}

#[test]
fn huge_attribute_and_deep_nesting() {
    let mut html = b"<a href=\"".to_vec();
    html.extend(std::iter::repeat_n(b'x', 10 << 20));
    html.extend_from_slice(b"\">");
    html.extend(std::iter::repeat_n(&b"<div>"[..], 100_000).flatten());
    let mut n = 0;
    let mut x = Extractor::new(ExtractOptions::default());
    for chunk in html.chunks(8192) {
        x.write(chunk, &mut |a: &Anchor| {
            n += 1;
            assert_eq!(a.hrefs().next().map(|h| h.len()), Some(10 << 20));
        });
    }
    x.finish(&mut |_: &Anchor| n += 1);
    assert_eq!(n, 1);
}

/// Link text copied as it is (the fast path) must read exactly as text decoded and collapsed
/// word by word, in UTF-8 pages (where valid non-ASCII text is copied too) and others.
#[test]
fn text_fast_path_agrees_with_collapsing() {
    let mut rng = Rng::new(0x7E57_7E57);
    let pieces: [&[u8]; 12] = [
        b"a",
        b"bc",
        b" ",
        b"  ",
        b"\t",
        b"\n",
        b"\x0c",
        b"\x0b",
        b"&amp;",
        "é".as_bytes(),
        b"\xff",
        b"\xc3",
    ];
    for encoding in [UTF_8, encoding_rs::WINDOWS_1252] {
        for _ in 0..5_000 {
            let raw: Vec<u8> = (0..rng.below(8))
                .flat_map(|_| rng.pick(&pieces).iter().copied())
                .collect();
            let (text, _) = encoding.decode_without_bom_handling(&raw);
            let decoded = unescape(text.as_bytes(), false);
            let words: Vec<String> = String::from_utf8_lossy(&decoded)
                .split_ascii_whitespace()
                .map(str::to_string)
                .collect();
            let mut out = String::from("before|");
            decode_text(&raw, encoding, &mut out);
            assert_eq!(out, format!("before|{}", words.join(" ")), "{raw:?}");
        }
    }
}

#[test]
fn seo_facts_are_the_same_however_the_page_is_cut() {
    let html = b"<html lang=fr><title>A &amp; </ti </TITLE ><svg><title>x</title></svg>\
        <meta name=description content='d'><link rel=canonical href=/c>\
        <link rel='alternate' hreflang=en href=/en><h1>a</h1><a href=/x><img src=i></a><h1>";
    let options = ExtractOptions {
        anchor_details: true,
        fragment_targets: true,
        seo: true,
    };
    extract_all_ways(html, options);
    let facts = extract(html, options, &mut |_| {});
    let title = facts.seo.title.as_ref().unwrap();
    assert_eq!(title.value, b"A &amp; </ti ");
    assert_eq!(facts.seo.h1, 2);
    assert_eq!(facts.seo.images_without_alt, 1);
    assert_eq!(facts.seo.alternates.len(), 1);
}
