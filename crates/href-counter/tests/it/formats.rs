//! The report formats. JSON output is decoded into the structs below, declared here rather
//! than borrowed from the library, so that the schema users script against is a contract.

use std::collections::BTreeMap;

use serde::Deserialize;
use test_server::{Route, TestServer};

use crate::support::{assert_error_lines, hc, run, TempDir};

/// One page of `--format json` / `--format ndjson`.
#[derive(Debug, Deserialize)]
struct PageJson {
    input: String,
    url: Option<String>,
    status: Option<u16>,
    content_type: Option<String>,
    charset: String,
    charset_source: String,
    bytes: u64,
    elapsed_ms: f64,
    redirects: Vec<HopJson>,
    internal: u64,
    external: u64,
    unparsable: u64,
    scope: String,
    kinds: Kinds,
    rel: BTreeMap<String, Kinds>,
    external_domains: Vec<DomainJson>,
    links: Vec<LinkJson>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct HopJson {
    url: String,
    status: u16,
}

/// Every kind is always present, zero or not.
#[derive(Debug, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
struct Kinds {
    fragment: u64,
    relative: u64,
    same_host: u64,
    other_host: u64,
    mailto: u64,
    tel: u64,
    javascript: u64,
    data: u64,
    other_scheme: u64,
    unparsable: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct DomainJson {
    domain: String,
    links: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct LinkJson {
    href: String,
    url: Option<String>,
    kind: String,
    compat: Option<String>,
    text: String,
    line: u64,
    column: u64,
    rel: Vec<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    image_alt: String,
}

/// A failed page in JSON formats.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorJson {
    input: String,
    error: String,
}

/// The page most format tests read. Lines and byte columns are where each `<a` starts.
const PAGE: &str = r##"<!doctype html>
<title>formats</title>
<a href="/docs" rel="nofollow">Docs</a>
  <a href="https://example.org/x" rel="Sponsored noopener" target="_blank">Hello, "world"</a>
<p><a href="#top">Top | of page</a><a href="mailto:me@example.com"><img alt="mail me"></a></p>
<a href="%zz">bad</a>
"##;

fn page_server() -> TestServer {
    TestServer::start(vec![
        ("/start", Route::redirect(301, "/page")),
        ("/page", Route::html(PAGE)),
    ])
}

fn link(
    href: &str,
    url: Option<&str>,
    kind: &str,
    compat: Option<&str>,
    text: &str,
    (line, column): (u64, u64),
) -> LinkJson {
    LinkJson {
        href: href.into(),
        url: url.map(Into::into),
        kind: kind.into(),
        compat: compat.map(Into::into),
        text: text.into(),
        line,
        column,
        rel: Vec::new(),
        target: None,
        image_alt: String::new(),
    }
}

/// What [`PAGE`] fetched at `/page` must report.
fn expected_links(server: &TestServer) -> Vec<LinkJson> {
    let docs = server.url("/docs");
    let top = server.url("/page#top");
    let mut docs_link = link(
        "/docs",
        Some(&docs),
        "relative",
        Some("internal"),
        "Docs",
        (3, 1),
    );
    docs_link.rel = vec!["nofollow".into()];
    let mut example = link(
        "https://example.org/x",
        Some("https://example.org/x"),
        "other_host",
        Some("external"),
        "Hello, \"world\"",
        (4, 3),
    );
    example.rel = vec!["sponsored".into(), "noopener".into()];
    example.target = Some("_blank".into());
    let mut mail = link(
        "mailto:me@example.com",
        Some("mailto:me@example.com"),
        "mailto",
        Some("internal"),
        "",
        (5, 36),
    );
    mail.image_alt = "mail me".into();
    // "%zz": Go's url.Parse rejects it (not counted); a browser resolves it as a path.
    let bad = server.url("/%zz");
    vec![
        docs_link,
        example,
        link(
            "#top",
            Some(&top),
            "fragment",
            Some("internal"),
            "Top | of page",
            (5, 4),
        ),
        mail,
        link("%zz", Some(&bad), "relative", None, "bad", (6, 1)),
    ]
}

fn assert_page_report(page: &PageJson, server: &TestServer, input: &str) {
    assert_eq!(page.input, input);
    assert_eq!(page.url.as_deref(), Some(server.url("/page").as_str()));
    assert_eq!(page.status, Some(200));
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        (page.charset.as_str(), page.charset_source.as_str()),
        ("utf-8", "header")
    );
    assert_eq!(page.bytes, PAGE.len() as u64);
    assert!(page.elapsed_ms >= 0.0);
    assert_eq!(
        page.redirects,
        [HopJson {
            url: server.url("/start"),
            status: 301
        }]
    );
    assert_eq!((page.internal, page.external, page.unparsable), (3, 1, 1));
    assert_eq!(page.scope, "host");
    assert_eq!(
        page.kinds,
        Kinds {
            fragment: 1,
            relative: 2,
            other_host: 1,
            mailto: 1,
            ..Kinds::default()
        }
    );
    assert_eq!(
        page.rel.keys().collect::<Vec<_>>(),
        ["nofollow", "noopener", "sponsored"]
    );
    assert_eq!(page.rel["nofollow"].relative, 1);
    assert_eq!(page.rel["sponsored"].other_host, 1);
    assert_eq!(
        page.external_domains,
        [DomainJson {
            domain: "example.org".into(),
            links: 1
        }]
    );
    assert_eq!(page.links, expected_links(server));
}

// ---------------------------------------------------------------------------------------------
// JSON and NDJSON

#[test]
fn json_for_one_page_is_one_object() {
    let server = page_server();
    let start = server.url("/start");
    let out = hc(&["--format", "json", &start]);
    out.assert_success();
    assert!(out.stdout().starts_with('{') && out.stdout().ends_with("}\n"));
    let page: PageJson = out.json();
    assert_page_report(&page, &server, &start);
}

#[test]
fn json_for_two_pages_is_an_array_in_input_order() {
    let server = page_server();
    let (start, page) = (server.url("/start"), server.url("/page"));
    let out = hc(&["--format", "json", &start, &page]);
    out.assert_success();
    let pages: Vec<PageJson> = out.json();
    assert_eq!(pages.len(), 2);
    assert_page_report(&pages[0], &server, &start);
    assert_eq!(pages[1].input, page);
    assert!(pages[1].redirects.is_empty());
    assert_eq!(pages[1].links, expected_links(&server));
}

#[test]
fn json_array_holds_failures_in_place() {
    let server = page_server();
    let (page, missing) = (server.url("/page"), server.url("/missing"));
    let out = hc(&["--format", "json", &missing, &page]);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    let values: Vec<serde_json::Value> = out.json();
    assert_eq!(values.len(), 2);
    let failed: ErrorJson = serde_json::from_value(values[0].clone()).unwrap();
    assert_eq!(failed.input, missing);
    assert!(failed.error.contains("404"), "{}", failed.error);
    let ok: PageJson = serde_json::from_value(values[1].clone()).unwrap();
    assert_eq!(ok.input, page);
    assert_error_lines(&out.stderr, &[&[&missing, "404"]]);
}

#[test]
fn json_with_a_single_failure_prints_the_error_object() {
    let server = TestServer::start(vec![]);
    let missing = server.url("/missing");
    let out = hc(&["--format", "json", &missing]);
    assert_eq!(out.code, 1);
    let failed: ErrorJson = out.json();
    assert_eq!(failed.input, missing);
    assert_error_lines(&out.stderr, &[&[&missing, "404"]]);
}

#[test]
fn ndjson_prints_one_compact_object_per_line() {
    let server = page_server();
    let (start, page, missing) = (
        server.url("/start"),
        server.url("/page"),
        server.url("/nope"),
    );
    let out = hc(&["--format", "ndjson", &start, &missing, &page]);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    let lines: Vec<&str> = out.stdout().lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout());
    assert!(out.stdout().ends_with('\n'));
    let first: PageJson = serde_json::from_str(lines[0]).unwrap();
    assert_page_report(&first, &server, &start);
    let failed: ErrorJson = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(failed.input, missing);
    let third: PageJson = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(third.input, page);
}

#[test]
fn ndjson_for_one_page_is_one_line() {
    let server = page_server();
    let out = hc(&["--format", "ndjson", &server.url("/page")]);
    out.assert_success();
    assert_eq!(out.stdout().lines().count(), 1);
    let page: PageJson = out.json();
    assert_eq!(page.links.len(), 5);
}

#[test]
fn json_of_a_file_has_no_fetch_facts() {
    let dir = TempDir::new("json-file");
    let path = dir.file("page.html", r#"<a href="/a">a</a>"#);
    let out = hc(&[
        "--format",
        "json",
        "--base",
        "https://example.com/dir/",
        &path,
    ]);
    out.assert_success();
    let value: serde_json::Value = out.json();
    for absent in ["url", "status", "content_type"] {
        assert!(value.get(absent).is_none(), "{absent} in {value}");
    }
    let page: PageJson = out.json();
    assert_eq!(page.input, path);
    assert_eq!(page.links[0].url.as_deref(), Some("https://example.com/a"));
}

// ---------------------------------------------------------------------------------------------
// Text report

#[test]
fn the_report_shows_the_final_url_kinds_and_every_link_with_its_position() {
    let server = page_server();
    let out = hc(&["--report", &server.url("/start")]);
    out.assert_success();
    let report = out.stdout();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines[0],
        server.url("/page"),
        "the final url comes first:\n{report}"
    );
    assert!(
        report.contains(&format!("301 {}", server.url("/start"))),
        "{report}"
    );
    assert!(
        report.contains("{\"internal\":3,\"external\":1}"),
        "{report}"
    );
    let kinds = lines
        .iter()
        .find(|l| l.trim_start().starts_with("kinds"))
        .unwrap_or_else(|| panic!("no kinds line:\n{report}"));
    for kind in ["fragment 1", "relative 2", "other_host 1", "mailto 1"] {
        assert!(kinds.contains(kind), "{kinds:?} lacks {kind}");
    }
    for (pos, kind, href) in [
        ("3:1", "relative", "/docs"),
        ("4:3", "other_host", "https://example.org/x"),
        ("5:4", "fragment", "#top"),
        ("5:36", "mailto", "mailto:me@example.com"),
        ("6:1", "relative", "%zz"),
    ] {
        assert!(
            lines.iter().any(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.len() >= 3 && words[..3] == [pos, kind, href]
            }),
            "no link line '{pos} {kind} {href}':\n{report}"
        );
    }
    assert!(report.contains("Docs"), "anchor text is shown:\n{report}");
    assert!(report.contains("mail me"), "image alt is shown:\n{report}");
}

#[test]
fn report_equals_format_report() {
    let dir = TempDir::new("report-alias");
    let path = dir.file("page.html", RELATIVE);
    let a = hc(&["--report", &path]);
    let b = hc(&["--format", "report", &path]);
    a.assert_success();
    b.assert_success();
    // Only the elapsed time may differ.
    let strip = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.contains(" ms"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(a.stdout()), strip(b.stdout()));
}

#[test]
fn report_and_format_conflict() {
    let out = hc(&["--report", "--format", "json", "http://127.0.0.1:1/"]);
    assert_eq!(out.code, 2, "stderr: {}", out.stderr);
    assert_eq!(out.stdout(), "");
}

#[test]
fn the_report_rel_lines_separate_token_and_count() {
    let dir = TempDir::new("report-rel");
    let path = dir.file(
        "page.html",
        r#"<a href="/a" rel="nofollow">a</a><a href="/b" rel="noreferrer">b</a><a href="/c" rel="ugc">c</a>"#,
    );
    let out = hc(&["--report", &path]);
    out.assert_success();
    for token in ["nofollow", "noreferrer", "ugc"] {
        let line = out
            .stdout()
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("rel {token}")))
            .unwrap_or_else(|| panic!("no rel line for {token}:\n{}", out.stdout()));
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(&words[..3], ["rel", token, "1"], "{line:?}");
    }
}

#[test]
fn the_report_escapes_terminal_control_sequences() {
    let html = "<a href=\"/x\">red\u{1b}[31mtext</a>";
    let out = run(&["--report", "-"], &[], Some(html.as_bytes()));
    out.assert_success();
    assert!(!out.stdout().contains('\u{1b}'), "{:?}", out.stdout());
}

// ---------------------------------------------------------------------------------------------
// CSV and Markdown

const RELATIVE: &str = r#"<a href="/a,b">Hello, "world"</a>
<a href="/plain" rel="nofollow ugc" target=_top>plain</a>
"#;

#[test]
fn csv_has_a_header_and_one_quoted_row_per_link() {
    let dir = TempDir::new("csv");
    let path = dir.file("page.html", RELATIVE);
    let out = hc(&["--format", "csv", "--base", "https://example.com/", &path]);
    let expected = format!(
        "input,line,column,kind,compat,href,url,rel,target,text,image_alt\n\
         {path},1,1,relative,internal,\"/a,b\",\"https://example.com/a,b\",,,\"Hello, \"\"world\"\"\",\n\
         {path},2,1,relative,internal,/plain,https://example.com/plain,nofollow ugc,_top,plain,\n"
    );
    out.assert_ok(&expected);
}

#[test]
fn csv_for_several_pages_has_one_header() {
    let dir = TempDir::new("csv-many");
    let path = dir.file("page.html", RELATIVE);
    let out = hc(&["--format", "csv", &path, &path]);
    out.assert_success();
    let lines: Vec<&str> = out.stdout().lines().collect();
    assert_eq!(lines.len(), 5, "{}", out.stdout());
    assert_eq!(lines.iter().filter(|l| l.starts_with("input,")).count(), 1);
}

#[test]
fn csv_of_a_page_without_links_is_the_header() {
    let out = run(&["--format", "csv", "-"], &[], Some(b"<p>no links</p>"));
    out.assert_ok("input,line,column,kind,compat,href,url,rel,target,text,image_alt\n");
}

#[test]
fn markdown_has_a_links_table() {
    let server = page_server();
    let out = hc(&["--format", "markdown", &server.url("/page")]);
    out.assert_success();
    let md = out.stdout();
    assert!(
        md.starts_with(&format!("## {}\n", server.url("/page"))),
        "{md}"
    );
    assert!(md.contains("| internal (compat) | 3 |"), "{md}");
    assert!(md.contains("| external (compat) | 1 |"), "{md}");
    assert!(md.contains("| line | kind | href | text | rel |"), "{md}");
    assert!(
        md.contains("| 3:1 | relative | `/docs` | Docs | nofollow |"),
        "{md}"
    );
    // A '|' in anchor text must not split the cell.
    assert!(
        md.contains("| 5:4 | fragment | `#top` | Top \\| of page |  |"),
        "{md}"
    );
    assert!(md.contains("| example.org | 1 |"), "{md}");
}

// ---------------------------------------------------------------------------------------------
// Scope

const SITES: &str = r#"<a href="https://www.example.com/a">www</a>
<a href="https://example.com/b">bare</a>
<a href="https://blog.example.com/c">blog</a>
<a href="https://example.org/d">elsewhere</a>
<a href="/e">relative</a>
"#;

#[test]
fn scope_domain_makes_www_and_the_bare_domain_one_site() {
    let dir = TempDir::new("scope");
    let path = dir.file("page.html", SITES);
    let report = |scope: &str| -> PageJson {
        let out = hc(&[
            "--format",
            "json",
            "--scope",
            scope,
            "--base",
            "https://www.example.com/",
            &path,
        ]);
        out.assert_success();
        out.json()
    };
    let host = report("host");
    assert_eq!(host.scope, "host");
    assert_eq!((host.kinds.same_host, host.kinds.other_host), (1, 3));
    let domain = report("domain");
    assert_eq!(domain.scope, "domain");
    assert_eq!((domain.kinds.same_host, domain.kinds.other_host), (3, 1));
    assert_eq!(
        domain.external_domains,
        [DomainJson {
            domain: "example.org".into(),
            links: 1
        }]
    );
    // The compat counts never depend on the scope: the typed host is www.example.com.
    for page in [&host, &domain] {
        assert_eq!((page.internal, page.external), (2, 3));
    }
    let compat = hc(&[
        "--scope",
        "domain",
        "--base",
        "https://www.example.com/",
        &path,
    ]);
    compat.assert_ok("{\"internal\":2,\"external\":3}\n");
}
