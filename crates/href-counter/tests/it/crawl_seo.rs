//! The page-level SEO audits end to end: a fixture site with one page per problem, crawled
//! by the real binary, each finding expected on its page at its line and column, and no
//! other finding anywhere.

use std::collections::BTreeSet;

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::hc;

/// The lines of a sound page at `path`: 1 opens the document with its language, 2 is the
/// title, 3 the description, 4 the canonical link, 5 the body's `<h1>`. Pages change the
/// line their problem is about, and lines after 5 are theirs.
fn sound(path: &str) -> Vec<String> {
    vec![
        r#"<!doctype html><html lang="en"><head>"#.to_string(),
        format!("<title>Page {path}</title>"),
        format!(r#"<meta name="description" content="What {path} is about">"#),
        format!(r#"<link rel="canonical" href="{{origin}}{path}">"#),
        format!("</head><body><h1>{path}</h1>"),
    ]
}

/// `path`'s sound page with `changes` (1-based line, new text) applied.
fn page(path: &'static str, changes: &[(usize, &str)]) -> (&'static str, Route) {
    let mut lines = sound(path);
    for &(line, text) in changes {
        if line > lines.len() {
            lines.resize(line, String::new());
        }
        lines[line - 1] = text.to_string();
    }
    (path, Route::html(lines.join("\n") + "\n"))
}

/// An `hreflang` alternate line.
fn alternate(lang: &str, path: &str) -> String {
    format!(r#"<link rel="alternate" hreflang="{lang}" href="{{origin}}{path}">"#)
}

/// The pages the home page links to; the others are only reached through canonical and
/// `hreflang` links, which the crawl must follow for the audits to judge them.
const LINKED: [&str; 18] = [
    "/no-title.html",
    "/empty-title.html",
    "/dup1.html",
    "/dup2.html",
    "/long-title.html",
    "/no-desc.html",
    "/empty-desc.html",
    "/no-h1.html",
    "/two-h1.html",
    "/images.html",
    "/no-canonical.html",
    "/relative-canonical.html",
    "/canonical-redirect.html",
    "/canonical-404.html",
    "/canonical-noindex.html",
    "/canonical-pdf.html",
    "/canonical-chain.html",
    "/intl-en.html",
];

pub(crate) fn seo_site() -> TestServer {
    let links: Vec<String> = LINKED
        .iter()
        .chain(["/no-lang.html"].iter())
        .map(|p| format!(r#"<a href="{p}">The {p} page</a>"#))
        .collect();
    let home = links.join("\n");
    let (en, fr, de, en_us) = (
        alternate("en", "/intl-en.html"),
        alternate("fr", "/intl-fr.html"),
        alternate("de", "/intl-de.html"),
        alternate("en_US", "/intl-en.html"),
    );
    let x_default = alternate("x-default", "/intl-en.html");
    let same_title = "<title>Twins</title>";
    let same_description = r#"<meta name="description" content="Two of a kind">"#;
    TestServer::start(vec![
        page("/", &[(6, &home)]),
        page("/no-title.html", &[(2, "")]),
        page("/empty-title.html", &[(2, "<title> </title>")]),
        page("/dup1.html", &[(2, same_title), (3, same_description)]),
        page("/dup2.html", &[(2, same_title), (3, same_description)]),
        page(
            "/long-title.html",
            &[(
                2,
                "<title>A title that goes on and on, far past what a search result shows</title>",
            )],
        ),
        page("/no-desc.html", &[(3, "")]),
        page(
            "/empty-desc.html",
            &[(3, r#"<meta name="description" content=" ">"#)],
        ),
        page("/no-h1.html", &[(5, "</head><body><p>no heading</p>")]),
        page("/two-h1.html", &[(6, "<p>x</p><h1>again</h1>")]),
        page(
            "/images.html",
            &[(
                6,
                r#"<img src="/a.png" alt="A"><img src="/b.png"><img src="/c.png" alt=""><img src="/d.png" role="presentation">"#,
            )],
        ),
        page("/no-canonical.html", &[(4, "")]),
        page(
            "/relative-canonical.html",
            &[(4, r#"<link rel="canonical" href="/relative-canonical.html">"#)],
        ),
        page(
            "/canonical-redirect.html",
            &[(4, r#"<link rel="canonical" href="{origin}/moved">"#)],
        ),
        page(
            "/canonical-404.html",
            &[(4, r#"<link rel="canonical" href="{origin}/nowhere.html">"#)],
        ),
        page(
            "/canonical-noindex.html",
            &[(4, r#"<link rel="canonical" href="{origin}/noindex.html">"#)],
        ),
        page(
            "/canonical-pdf.html",
            &[(4, r#"<link rel="canonical" href="{origin}/doc.pdf">"#)],
        ),
        page(
            "/canonical-chain.html",
            &[(4, r#"<link rel="canonical" href="{origin}/middle.html">"#)],
        ),
        page(
            "/middle.html",
            &[(4, r#"<link rel="canonical" href="{origin}/dup1.html">"#)],
        ),
        page(
            "/noindex.html",
            &[(6, r#"<meta name="robots" content="noindex">"#)],
        ),
        page(
            "/intl-en.html",
            &[(6, &en), (7, &fr), (8, &en_us), (9, &de)],
        ),
        page("/intl-fr.html", &[(6, &en), (7, &fr), (8, &x_default)]),
        page("/intl-de.html", &[(6, &fr)]),
        page("/no-lang.html", &[(1, "<!doctype html><html><head>")]),
        ("/moved", Route::redirect(301, "/no-lang.html")),
        (
            "/doc.pdf",
            Route::html("%PDF-1.4").content_type("application/pdf"),
        ),
        (
            "/sitemap.xml",
            Route::html(
                "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                 <url><loc>{origin}/</loc></url><url><loc>{origin}/noindex.html</loc></url>\
                 <url><loc>{origin}/canonical-chain.html</loc></url></urlset>",
            )
            .content_type("application/xml"),
        ),
    ])
}

/// Every finding as (audit, page path, line:column or "", target path or "").
fn findings(report: &Value, server: &TestServer) -> BTreeSet<(String, String, String, String)> {
    let origin = server.url("");
    let origin = origin.trim_end_matches('/');
    let path = |v: &Value| {
        let s = v.as_str().unwrap_or("");
        s.strip_prefix(origin).unwrap_or(s).to_string()
    };
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = match (f["line"].as_u64(), f["column"].as_u64()) {
                (Some(l), Some(c)) => format!("{l}:{c}"),
                _ => String::new(),
            };
            (
                f["audit"].as_str().unwrap().to_string(),
                path(&f["page"]),
                at,
                path(&f["target"]),
            )
        })
        .collect()
}

#[test]
fn every_page_audit_finds_its_problem_at_its_tag() {
    let server = seo_site();
    let url = server.url("/");
    let out = hc(&["crawl", "--format", "json", "--quiet", &url]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = out.json();
    let got = findings(&report, &server);
    let want: BTreeSet<(String, String, String, String)> = [
        ("title-missing", "/no-title.html", "", ""),
        ("title-empty", "/empty-title.html", "2:1", ""),
        ("title-duplicate", "/dup1.html", "2:1", ""),
        ("title-duplicate", "/dup2.html", "2:1", ""),
        ("description-duplicate", "/dup1.html", "3:1", ""),
        ("description-duplicate", "/dup2.html", "3:1", ""),
        ("title-too-long", "/long-title.html", "2:1", ""),
        ("description-missing", "/no-desc.html", "", ""),
        ("description-missing", "/empty-desc.html", "3:1", ""),
        ("h1-missing", "/no-h1.html", "", ""),
        ("h1-multiple", "/two-h1.html", "6:9", ""),
        ("image-missing-alt", "/images.html", "6:27", "/b.png"),
        ("canonical-missing", "/no-canonical.html", "", ""),
        (
            "canonical-relative",
            "/relative-canonical.html",
            "4:1",
            "/relative-canonical.html",
        ),
        (
            "canonical-target",
            "/canonical-redirect.html",
            "4:1",
            "/moved",
        ),
        (
            "canonical-target",
            "/canonical-404.html",
            "4:1",
            "/nowhere.html",
        ),
        (
            "canonical-target",
            "/canonical-noindex.html",
            "4:1",
            "/noindex.html",
        ),
        ("canonical-target", "/canonical-pdf.html", "4:1", "/doc.pdf"),
        (
            "canonical-chain",
            "/canonical-chain.html",
            "4:1",
            "/middle.html",
        ),
        ("hreflang-invalid", "/intl-en.html", "8:1", "/intl-en.html"),
        (
            "hreflang-no-return",
            "/intl-en.html",
            "9:1",
            "/intl-de.html",
        ),
        ("hreflang-no-x-default", "/intl-en.html", "6:1", ""),
        (
            "hreflang-no-return",
            "/intl-de.html",
            "6:1",
            "/intl-fr.html",
        ),
        ("hreflang-no-self", "/intl-de.html", "6:1", ""),
        ("hreflang-no-x-default", "/intl-de.html", "6:1", ""),
        ("sitemap-noindex", "/noindex.html", "", ""),
        ("sitemap-non-canonical", "/canonical-chain.html", "", ""),
        ("lang-missing", "/no-lang.html", "", ""),
    ]
    .into_iter()
    .map(|(a, p, at, t)| (a.into(), p.into(), at.into(), t.into()))
    .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nunexpected {extra:#?}"
    );

    // The details say what exactly is wrong.
    let detail = |audit: &str, page: &str| -> String {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["audit"] == audit && f["page"] == server.url(page).as_str())
            .unwrap()["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(detail("canonical-target", "/canonical-404.html").contains("404"));
    assert!(detail("canonical-target", "/canonical-redirect.html").contains("redirect"));
    assert!(detail("canonical-target", "/canonical-noindex.html").contains("noindex"));
    assert!(detail("canonical-target", "/canonical-pdf.html").contains("application/pdf"));
    assert!(detail("title-duplicate", "/dup1.html").contains(&server.url("/dup2.html")));
    assert!(detail("hreflang-invalid", "/intl-en.html").contains("en_US"));
    assert!(detail("title-too-long", "/long-title.html").contains("64 characters (more than 60)"));

    // Each parsed page carries what the audits read.
    let en = report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["url"] == server.url("/intl-en.html").as_str())
        .unwrap();
    let page = &en["page"];
    assert_eq!(page["lang"], "en");
    assert_eq!(page["title"]["text"], "Page /intl-en.html");
    assert_eq!(
        (
            page["title"]["line"].as_u64(),
            page["title"]["column"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(page["description"]["text"], "What /intl-en.html is about");
    assert_eq!(
        page["canonical"]["url"],
        server.url("/intl-en.html").as_str()
    );
    let langs: Vec<&str> = page["hreflang"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["lang"].as_str().unwrap())
        .collect();
    assert_eq!(langs, ["en", "fr", "en_US", "de"]);
    assert_eq!(page["h1"], 1);

    // The errors (a missing and an empty title) keep the site out of grade A.
    assert_eq!(report["rating"]["capped"], true);
    assert!(report["rating"]["score"].as_f64().unwrap() <= 89.9);
}

#[test]
fn a_sound_page_has_no_page_finding() {
    let server = TestServer::start(vec![page("/", &[])]);
    let url = server.url("/");
    let out = hc(&["crawl", "--format", "json", "--quiet", "--no-sitemap", &url]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = out.json();
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["rating"]["score"], 100.0);
}
