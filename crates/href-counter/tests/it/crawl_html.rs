//! `href-counter crawl --format html`: the single-file report read back with a tiny HTML
//! tokenizer and held to the JSON report of the same crawl: the summary, the three charts, the
//! findings and pages tables, and not one external asset.

use std::collections::BTreeMap;

use serde_json::Value;
use test_server::{Route, TestServer};

use crate::support::{hc, VERSION};

/// A site over four click depths with three broken links on three pages (404, 404 with a query
/// that needs escaping, 410), a redirect, a PDF and links to another site, one with a finding
/// (generic link text). Every count is the same
/// whatever order the answers come in (the redirect leads to a page nothing else links to).
fn html_site() -> TestServer {
    TestServer::start(vec![
        (
            "/",
            Route::page(
                "/",
                r#"<!doctype html><title>home</title>
<a href="/a.html">Section A</a>
<a href="/b.html">Section B</a>
<a href="/missing-1.html">Gone page</a>
<a href="/moved">Moved</a>
<a href="http://example.invalid/elsewhere">Elsewhere</a>
<a href="https://example.invalid/more?x=1&amp;y=2">click here</a>
"#,
            ),
        ),
        (
            "/a.html",
            Route::page(
                "/a.html",
                r#"<a href="/c.html">Section C</a>
<a href="/gone.html?a=1&amp;b=2">Gone with a query</a>"#,
            ),
        ),
        (
            "/b.html",
            Route::page(
                "/b.html",
                r#"<a href="/">Home page</a>
<a href="/c.html">Section C</a>
<a href="/old.html">Old page</a>
<a href="/doc.pdf">The PDF</a>"#,
            ),
        ),
        (
            "/c.html",
            Route::page("/c.html", r#"<a href="/d.html">Section D</a>"#),
        ),
        ("/d.html", Route::page("/d.html", "<p>the end</p>")),
        ("/moved", Route::redirect(301, "/e.html")),
        ("/e.html", Route::page("/e.html", "<p>moved here</p>")),
        ("/old.html", Route::status(410)),
        (
            "/doc.pdf",
            Route::html("%PDF-1.4").content_type("application/pdf"),
        ),
    ])
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Open {
        name: String,
        attrs: Vec<(String, String)>,
    },
    Close(String),
    Text(String),
}

/// Elements without an end tag.
const VOID: &[&str] = &[
    "meta", "br", "hr", "img", "input", "link", "base", "source", "wbr",
];

/// Tags and text, in order, entities decoded; `<!doctype>` and comments dropped. Enough for
/// HTML whose attribute values are quoted and escaped, as the report's are.
fn tokenize(html: &str) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if lt > 0 {
            nodes.push(Node::Text(unescape(&rest[..lt])));
        }
        let gt = lt + rest[lt..].find('>').expect("a tag without its '>'");
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            nodes.push(Node::Close(name.trim().to_ascii_lowercase()));
            continue;
        }
        let (tag, self_closing) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut s = tag[name_end..].trim_start();
        while !s.is_empty() {
            let end = s
                .find(|c: char| c == '=' || c.is_ascii_whitespace())
                .unwrap_or(s.len());
            let attr = s[..end].to_ascii_lowercase();
            s = s[end..].trim_start();
            let value = if let Some(v) = s.strip_prefix('=') {
                let v = v.trim_start();
                let (value, after) = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let close = v[1..].find(q).expect("an unterminated attribute value");
                        (&v[1..1 + close], &v[close + 2..])
                    }
                    _ => {
                        let end = v.find(|c: char| c.is_ascii_whitespace()).unwrap_or(v.len());
                        (&v[..end], &v[end..])
                    }
                };
                s = after.trim_start();
                unescape(value)
            } else {
                String::new()
            };
            attrs.push((attr, value));
        }
        nodes.push(Node::Open {
            name: name.clone(),
            attrs,
        });
        if self_closing && !VOID.contains(&name.as_str()) {
            nodes.push(Node::Close(name));
        }
    }
    if !rest.is_empty() {
        nodes.push(Node::Text(unescape(rest)));
    }
    nodes
}

/// Decodes character references; an unknown one fails the test (the report writes five).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = amp + rest[amp..].find(';').expect("'&' without ';'");
        let entity = &rest[amp + 1..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let n = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else {
                    entity.strip_prefix('#').and_then(|d| d.parse().ok())
                };
                n.and_then(char::from_u32)
                    .unwrap_or_else(|| panic!("unknown character reference &{entity};"))
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    out
}

fn is_open(node: &Node, tag: &str) -> bool {
    matches!(node, Node::Open { name, .. } if name == tag)
}

fn attr<'a>(node: &'a Node, wanted: &str) -> Option<&'a str> {
    match node {
        Node::Open { attrs, .. } => attrs
            .iter()
            .find(|(n, _)| n == wanted)
            .map(|(_, v)| v.as_str()),
        _ => None,
    }
}

/// The nodes of the element opened at `nodes[start]`, its own tags included.
fn element(nodes: &[Node], start: usize) -> &[Node] {
    let Node::Open { name, .. } = &nodes[start] else {
        panic!("not an open tag: {:?}", nodes[start]);
    };
    let mut depth = 0;
    for (i, node) in nodes.iter().enumerate().skip(start) {
        match node {
            Node::Open { name: n, .. } if n == name => depth += 1,
            Node::Close(n) if n == name => {
                depth -= 1;
                if depth == 0 {
                    return &nodes[start..=i];
                }
            }
            _ => {}
        }
    }
    panic!("<{name}> is never closed");
}

/// The elements named `tag` in `nodes`, each as its nodes.
fn elements<'a>(nodes: &'a [Node], tag: &str) -> Vec<&'a [Node]> {
    (0..nodes.len())
        .filter(|&i| is_open(&nodes[i], tag))
        .map(|i| element(nodes, i))
        .collect()
}

fn text(nodes: &[Node]) -> String {
    nodes
        .iter()
        .filter_map(|n| match n {
            Node::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// The cells' text, row by row.
fn table_rows(table: &[Node]) -> Vec<Vec<String>> {
    elements(table, "tr")
        .into_iter()
        .map(|tr| {
            (0..tr.len())
                .filter(|&i| is_open(&tr[i], "td") || is_open(&tr[i], "th"))
                .map(|i| text(element(tr, i)))
                .collect()
        })
        .collect()
}

/// The first `<table>` after the `<h2>` whose text starts with `heading`, and that text.
fn table_after<'a>(nodes: &'a [Node], heading: &str) -> (String, &'a [Node]) {
    let h2 = (0..nodes.len())
        .find(|&i| is_open(&nodes[i], "h2") && text(element(nodes, i)).starts_with(heading))
        .unwrap_or_else(|| panic!("no <h2>{heading}..."));
    let table = (h2..nodes.len())
        .find(|&i| is_open(&nodes[i], "table"))
        .unwrap_or_else(|| panic!("no table after <h2>{heading}..."));
    (text(element(nodes, h2)), element(nodes, table))
}

/// One bar of a chart: its label, the value written after it, and the bar's width.
#[derive(Debug)]
struct Bar {
    label: String,
    value: f64,
    width: f64,
}

/// The bars of an inline SVG chart: `<text>label</text><rect width=.../><text>value</text>`.
fn bars(svg: &[Node]) -> Vec<Bar> {
    let mut parts: Vec<Result<String, f64>> = Vec::new();
    for (i, node) in svg.iter().enumerate() {
        if is_open(node, "text") {
            parts.push(Ok(text(element(svg, i))));
        } else if is_open(node, "rect") {
            let width = attr(node, "width").expect("a bar without a width");
            parts.push(Err(width.parse().expect("a numeric width")));
        }
    }
    assert_eq!(parts.len() % 3, 0, "label, bar, value: {parts:?}");
    parts
        .chunks(3)
        .map(|c| match c {
            [Ok(label), Err(width), Ok(value)] => Bar {
                label: label.clone(),
                value: value
                    .parse()
                    .unwrap_or_else(|_| panic!("a bar's value is not a number: {value:?}")),
                width: *width,
            },
            other => panic!("expected label, bar, value: {other:?}"),
        })
        .collect()
}

/// What keeps the report from being self-contained or safe to click through: external
/// resources of any kind, scripts, links (`href`) other than to a section of the report or
/// to an http(s) URL without referrer, ranking signal or access to the report's tab. Empty
/// when all is well.
fn external_assets(html: &str, nodes: &[Node]) -> Vec<String> {
    const FORBIDDEN_TAGS: &[&str] = &[
        "script",
        "noscript",
        "link",
        "img",
        "image",
        "use",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "video",
        "audio",
        "source",
        "track",
        "picture",
        "form",
        "input",
        "foreignobject",
    ];
    const FORBIDDEN_ATTRS: &[&str] = &[
        "src",
        "srcset",
        "data",
        "poster",
        "action",
        "formaction",
        "background",
        "xlink:href",
        "ping",
        "manifest",
        "codebase",
        "http-equiv",
        "integrity",
        "crossorigin",
    ];
    const SAFE_REL: [&str; 3] = ["noopener", "noreferrer", "nofollow"];
    let mut problems = Vec::new();
    let mut hrefs = 0;
    for node in nodes {
        let Node::Open { name, attrs } = node else {
            continue;
        };
        if FORBIDDEN_TAGS.contains(&name.as_str()) {
            problems.push(format!("a <{name}> element"));
        }
        for (attr, value) in attrs {
            if FORBIDDEN_ATTRS.contains(&attr.as_str()) || attr.starts_with("on") {
                problems.push(format!("<{name} {attr}={value:?}>"));
            }
            match attr.as_str() {
                "href" => {
                    hrefs += 1;
                    // A section of the report itself, or a web page opened on its own.
                    let section = value.starts_with('#') && value.len() > 1;
                    let web = (value.starts_with("http://") || value.starts_with("https://"))
                        && attrs.iter().any(|(n, v)| {
                            n == "rel" && v.split(' ').collect::<Vec<_>>() == SAFE_REL
                        });
                    if name != "a" || !(section || web) {
                        problems.push(format!("<{name} href={value:?}>: not a safe link"));
                    }
                }
                "xmlns" if value == "http://www.w3.org/2000/svg" => {}
                "rel" if name == "a" => {}
                _ if value.contains("://") || value.contains("url(") => {
                    problems.push(format!("<{name} {attr}={value:?}> names a resource"));
                }
                _ => {}
            }
        }
    }
    // The tokenizer saw every href the text holds (none hides in a tag it misread).
    if html.matches("href=").count() != hrefs {
        problems.push(format!("{hrefs} href attributes read, the text has more"));
    }
    for style in elements(nodes, "style") {
        let css = text(style);
        for bad in ["url(", "@import", "://"] {
            if css.contains(bad) {
                problems.push(format!("{bad} in a stylesheet"));
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    for bad in ["<script", "<link", " src=", "@import", "url("] {
        if lower.contains(bad) {
            problems.push(format!("{bad:?} in the text"));
        }
    }
    problems
}

#[test]
fn the_html_report_matches_the_json_report_and_is_self_contained() {
    let server = html_site();
    let url = server.url("/");
    let json_run = hc(&["crawl", "--quiet", "--format", "json", &url]);
    assert_eq!(json_run.code, 0, "{}", json_run.stderr);
    let report: Value = json_run.json();
    let html_run = hc(&["crawl", "--quiet", "--format", "html", &url]);
    assert_eq!(html_run.code, 0, "{}", html_run.stderr);
    let html = html_run.stdout();

    // The fixture is what the checks below assume: a rating below 100, summary numbers all
    // different, three broken links, pages at four depths, links to both sides.
    let summary = &report["summary"];
    let rating = &report["rating"];
    let count = |v: &Value| v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"));
    assert_eq!(
        [
            count(&summary["pages"]),
            count(&summary["checked"]),
            count(&summary["broken"]),
            count(&summary["redirected"])
        ],
        [6, 4, 3, 1],
        "{summary:#}"
    );
    assert_eq!(
        (
            &summary["statuses"]["404"],
            &summary["statuses"]["410"],
            &summary["depths"]
        ),
        (
            &Value::from(2),
            &Value::from(1),
            &serde_json::json!({ "0": 1, "1": 3, "2": 1, "3": 1 })
        ),
        "{summary:#}"
    );
    assert!(count(&summary["internal"]) > 0 && count(&summary["external"]) > 0);
    let score = rating["score"].as_f64().unwrap();
    let grade = rating["grade"].as_str().unwrap();
    assert!(score < 100.0, "broken links cost points: {rating}");

    // One document, with the charset and title given.
    assert!(html.starts_with("<!doctype html>"), "{html}");
    let nodes = tokenize(html);
    for tag in ["html", "head", "body", "title", "style", "header", "h1"] {
        assert_eq!(elements(&nodes, tag).len(), 1, "one <{tag}>");
    }
    assert!(nodes
        .iter()
        .any(|n| is_open(n, "meta") && attr(n, "charset") == Some("utf-8")));
    assert_eq!(
        text(elements(&nodes, "title")[0]),
        format!("SEO audit of {url}")
    );

    // The summary: the JSON report's numbers, its score and grade.
    let header = elements(&nodes, "header")[0];
    let h1 = elements(header, "h1")[0];
    assert_eq!(text(h1), format!("SEO audit of {url}"));
    let header_text = text(header);
    for (n, what) in [
        (&summary["pages"], "pages parsed"),
        (&summary["checked"], "more URLs checked"),
        (&summary["broken"], "broken"),
        (&summary["redirected"], "redirected"),
    ] {
        let wanted = format!("{} {what}", count(n));
        assert!(
            header_text.contains(&wanted),
            "{wanted:?} in {header_text:?}"
        );
    }
    let score_box = (0..header.len())
        .find(|&i| {
            is_open(&header[i], "div")
                && attr(&header[i], "class").is_some_and(|c| c.split(' ').any(|c| c == "score"))
        })
        .map(|i| element(header, i))
        .expect("a score box");
    assert_eq!(
        attr(&score_box[0], "class"),
        Some(format!("score grade-{grade}").as_str())
    );
    assert_eq!(text(elements(score_box, "span")[0]), format!("{score:.1}"));
    assert_eq!(text(elements(score_box, "b")[0]), grade);
    assert_eq!(text(score_box), format!("{score:.1}/100{grade}"));

    // Three inline SVG charts, each bar the JSON report's number, drawn to scale.
    let figures = elements(&nodes, "figure");
    let titles: Vec<String> = figures
        .iter()
        .map(|f| text(elements(f, "figcaption")[0]))
        .collect();
    assert_eq!(
        titles,
        [
            "Status codes",
            "Links (original tool's counts)",
            "Pages by click depth"
        ]
    );
    assert_eq!(elements(&nodes, "svg").len(), 3, "only the three charts");
    let mut charts = BTreeMap::new();
    for (figure, title) in figures.iter().zip(&titles) {
        let svgs = elements(figure, "svg");
        assert_eq!(svgs.len(), 1, "{title}: one svg");
        let svg = svgs[0];
        assert_eq!(attr(&svg[0], "aria-label"), Some(title.as_str()));
        assert_eq!(attr(&svg[0], "role"), Some("img"));
        let bars = bars(svg);
        let max = bars.iter().fold(0.0, |m: f64, b| m.max(b.value));
        let widest = bars.iter().fold(0.0, |m: f64, b| m.max(b.width));
        assert!(widest > 0.0, "{title}: {bars:?}");
        for bar in &bars {
            let scaled = widest * bar.value / max;
            assert!(
                (bar.width - scaled).abs() <= 0.15,
                "{title}: bar {bar:?} is not to scale (max {max}, widest {widest})"
            );
        }
        let values: BTreeMap<String, u64> = bars
            .iter()
            .map(|b| (b.label.clone(), b.value as u64))
            .collect();
        assert_eq!(values.len(), bars.len(), "{title}: a label twice");
        charts.insert(title.as_str(), values);
    }
    let as_counts = |v: &Value| -> BTreeMap<String, u64> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), count(v)))
            .collect()
    };
    assert_eq!(charts["Status codes"], as_counts(&summary["statuses"]));
    assert_eq!(charts["Status codes"]["404"], 2);
    assert_eq!(charts["Status codes"]["410"], 1);
    assert_eq!(
        charts["Links (original tool's counts)"],
        BTreeMap::from([
            ("internal".to_string(), count(&summary["internal"])),
            ("external".to_string(), count(&summary["external"])),
        ])
    );
    assert_eq!(
        charts["Pages by click depth"],
        as_counts(&summary["depths"])
    );

    // The findings: every finding of the JSON report, in one collapsed section per audit,
    // worst audits first, each section's summary naming the audit, its severity and count.
    let findings = report["findings"].as_array().unwrap();
    let h2 = (0..nodes.len())
        .find(|&i| is_open(&nodes[i], "h2") && attr(&nodes[i], "id") == Some("findings"))
        .expect("a findings section");
    assert_eq!(
        text(element(&nodes, h2)),
        format!("Findings ({})", findings.len())
    );
    let sections: Vec<&[Node]> = elements(&nodes, "details")
        .into_iter()
        .filter(|d| attr(&d[0], "id").is_some_and(|id| id.starts_with("audit-")))
        .collect();
    let audits = report["audits"].as_array().unwrap();
    let mut html_findings: Vec<[String; 5]> = Vec::new();
    let mut severities = Vec::new();
    for section in &sections {
        assert_eq!(attr(&section[0], "open"), None, "collapsed");
        let id = attr(&section[0], "id")
            .unwrap()
            .strip_prefix("audit-")
            .unwrap();
        let audit = audits
            .iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("no audit {id}"));
        let severity = audit["severity"].as_str().unwrap();
        let summary = text(elements(section, "summary")[0]);
        let n = count(&audit["findings"]);
        let pages = count(&audit["pages"]);
        let plural = if pages == 1 { "" } else { "s" };
        assert_eq!(
            summary,
            format!(
                "{severity} {} {n} on {pages} page{plural}",
                audit["title"].as_str().unwrap()
            )
        );
        severities.push(severity.to_string());
        let rows = table_rows(elements(section, "table")[0]);
        assert_eq!(rows[0], ["page", "line:col", "link", "text", "detail"]);
        assert_eq!(rows.len() - 1, n as usize, "{id}: under the cap, every row");
        for row in &rows[1..] {
            html_findings.push([
                severity.to_string(),
                id.to_string(),
                row[0].clone(),
                row[1].clone(),
                row[2].clone(),
            ]);
        }
        // The page is a link, and so is a link target on the web.
        for tr in elements(section, "tr").into_iter().skip(1) {
            let cells = elements(tr, "td");
            for (column, cell) in [(0, cells[0]), (2, cells[2])] {
                let links = elements(cell, "a");
                if column == 0 || text(cell).starts_with("http") {
                    assert_eq!(links.len(), 1, "{tr:?}");
                    assert_eq!(attr(&links[0][0], "href"), Some(text(links[0]).as_str()));
                    assert_eq!(
                        attr(&links[0][0], "rel"),
                        Some("noopener noreferrer nofollow")
                    );
                } else {
                    assert!(links.is_empty(), "{tr:?}");
                }
            }
        }
    }
    let rank = |s: &str| ["error", "warning", "notice"].iter().position(|r| *r == s);
    let ranks: Vec<_> = severities.iter().map(|s| rank(s)).collect();
    assert!(
        ranks.iter().all(Option::is_some) && ranks.windows(2).all(|w| w[0] <= w[1]),
        "worst first: {severities:?}"
    );
    let mut json_findings: Vec<[String; 5]> = findings
        .iter()
        .map(|f| {
            let s = |v: &Value| v.as_str().unwrap_or("").to_string();
            let at = match (f["line"].as_u64(), f["column"].as_u64()) {
                (Some(l), Some(c)) => format!("{l}:{c}"),
                _ => String::new(),
            };
            [
                s(&f["severity"]),
                s(&f["audit"]),
                s(&f["page"]),
                at,
                s(&f["target"]),
            ]
        })
        .collect();
    html_findings.sort();
    json_findings.sort();
    assert_eq!(html_findings, json_findings);
    let broken: Vec<(&str, &str)> = html_findings
        .iter()
        .filter(|f| f[1] == "broken-link")
        .map(|f| (f[2].as_str(), f[4].as_str()))
        .collect();
    let (home, a, b) = (
        server.url("/"),
        server.url("/a.html"),
        server.url("/b.html"),
    );
    let (gone_1, gone_2, gone_3) = (
        server.url("/missing-1.html"),
        server.url("/gone.html?a=1&b=2"),
        server.url("/old.html"),
    );
    assert_eq!(
        broken,
        [
            (home.as_str(), gone_1.as_str()),
            (a.as_str(), gone_2.as_str()),
            (b.as_str(), gone_3.as_str())
        ]
    );
    // A finding about a link to another site links to it too.
    assert!(
        html_findings
            .iter()
            .any(|f| f[1] == "generic-link-text" && f[4] == "https://example.invalid/more?x=1&y=2"),
        "{html_findings:?}"
    );

    // The pages table: every URL of the site the crawl visited as a page.
    let (_, table) = table_after(&nodes, "Pages");
    let rows = table_rows(table);
    let mut listed: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let mut pages: Vec<&str> = report["visits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["role"] == "page")
        .map(|v| v["url"].as_str().unwrap())
        .collect();
    listed.sort_unstable();
    pages.sort_unstable();
    assert_eq!(listed, pages);

    let problems = external_assets(html, &nodes);
    assert!(problems.is_empty(), "not self-contained: {problems:#?}");
}

#[test]
fn the_self_containment_check_catches_external_assets() {
    // The checker itself, on what a careless report could hold.
    let page = |body: &str| format!("<!doctype html><html><head></head><body>{body}</body></html>");
    let fine = page(
        r##"<a href="https://example.com/x" rel="noopener noreferrer nofollow">x</a>
<a href="#findings">findings</a><svg xmlns="http://www.w3.org/2000/svg"></svg>"##,
    );
    assert_eq!(external_assets(&fine, &tokenize(&fine)), [] as [String; 0]);
    for bad in [
        r#"<script src="https://cdn.example/chart.js"></script>"#,
        r#"<script>1</script>"#,
        r#"<link rel="stylesheet" href="https://cdn.example/a.css">"#,
        r#"<img src="https://example.com/logo.png">"#,
        r#"<a href="https://example.com/">out</a>"#,
        r#"<a href="https://example.com/" rel="noopener">out</a>"#,
        r#"<a href="javascript:alert(1)" rel="noopener noreferrer nofollow">js</a>"#,
        r#"<a href="data:text/html,x" rel="noopener noreferrer nofollow">data</a>"#,
        r#"<div style="background:url(https://example.com/a.png)"></div>"#,
        r#"<style>@import "https://cdn.example/a.css";</style>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x/y.png"/></svg>"#,
        r#"<meta http-equiv="refresh" content="0; url=https://example.com/">"#,
    ] {
        let html = page(bad);
        assert!(
            !external_assets(&html, &tokenize(&html)).is_empty(),
            "not caught: {bad}"
        );
    }
}

/// A page with 61 broken links (the last with generic text, and a URL that needs escaping in
/// an attribute) and a `javascript:` link.
fn many_findings_site() -> TestServer {
    let mut home = String::from("<!doctype html><title>many</title>\n");
    for i in 0..60 {
        home.push_str(&format!("<a href=\"/gone-{i}.html\">Gone {i}</a>\n"));
    }
    home.push_str("<a href=\"javascript:alert(document.cookie)\">Menu</a>\n");
    home.push_str("<a href=\"/it's.html?a=1&amp;b=2\">here</a>\n");
    TestServer::start(vec![("/", Route::html(home))])
}

#[test]
fn findings_past_the_cap_are_counted_and_only_web_urls_are_links() {
    let server = many_findings_site();
    let url = server.url("/");
    let flags = ["--quiet", "--max-depth", "3", "--concurrency", "2"];
    let json_run = hc(&[&["crawl", "--format", "json"][..], &flags, &[&url]].concat());
    assert_eq!(json_run.code, 0, "{}", json_run.stderr);
    let report: Value = json_run.json();
    let run = hc(&[&["crawl", "--format", "html"][..], &flags, &[&url]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = run.stdout();
    let nodes = tokenize(html);
    let section = |id: &str| {
        elements(&nodes, "details")
            .into_iter()
            .find(|d| attr(&d[0], "id") == Some(id))
            .unwrap_or_else(|| panic!("no section {id}"))
    };

    // 61 broken links: the first 50 shown, the other 11 counted, and where to find them.
    let broken = section("audit-broken-link");
    assert_eq!(
        text(elements(broken, "summary")[0]),
        "error Broken links 61 on 1 page"
    );
    let rows = table_rows(elements(broken, "table")[0]);
    assert_eq!(rows.len(), 1 + 50);
    assert_eq!(rows[1][2], server.url("/gone-0.html"));
    let more: Vec<String> = elements(broken, "p").into_iter().map(text).collect();
    assert_eq!(
        more,
        ["11 more in the JSON report (--format json) or the findings CSV (--format findings-csv)."]
    );
    // Under the cap, no such line.
    let generic = section("audit-generic-link-text");
    assert_eq!(table_rows(elements(generic, "table")[0]).len(), 2);
    assert!(elements(generic, "p").is_empty());

    // The javascript: target is text, never a link; the URL with a quote and an ampersand is
    // a link whose href is escaped for its attribute.
    let crawlers = section("audit-non-crawlable-link");
    let rows = table_rows(elements(crawlers, "table")[0]);
    assert_eq!(rows[1][2], "javascript:alert(document.cookie)");
    assert!(
        elements(crawlers, "a").len() == 1,
        "only the page is a link"
    );
    assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    let quoted_url = server.url("/it's.html?a=1&b=2");
    let quoted = elements(generic, "a")
        .into_iter()
        .find(|a| text(a) == quoted_url)
        .expect("the generic link's target is a link");
    assert_eq!(attr(&quoted[0], "href"), Some(quoted_url.as_str()));
    assert!(html.contains(&format!(
        "<a href=\"{}\" rel=",
        quoted_url.replace('&', "&amp;").replace('\'', "&#39;")
    )));
    let problems = external_assets(html, &nodes);
    assert!(problems.is_empty(), "{problems:#?}");

    // The footer: the version, the crawl's start and its URL, and the settings it ran with,
    // which the JSON report carries too.
    let footer = elements(&nodes, "footer")[0];
    let words = text(footer);
    assert!(
        words.starts_with(&format!(
            "Report by href-counter {VERSION} of the crawl started "
        )),
        "{words}"
    );
    let time = elements(footer, "time")[0];
    let started = attr(&time[0], "datetime").unwrap();
    assert!(
        started.len() == 20 && started.ends_with('Z') && started.as_bytes()[10] == b'T',
        "{started}"
    );
    assert_eq!(text(time), started.replace('T', " ").replace('Z', " UTC"));
    let links = elements(footer, "a");
    assert_eq!(attr(&links[0][0], "href"), Some(url.as_str()));
    for setting in [
        "max depth 3",
        "concurrency 2",
        "scope host",
        "max pages 100000",
    ] {
        assert!(words.contains(setting), "{setting:?} in {words:?}");
    }
    let settings = &report["summary"]["settings"];
    assert_eq!(
        (
            &settings["max_depth"],
            &settings["concurrency"],
            &settings["scope"]
        ),
        (&Value::from(3), &Value::from(2), &Value::from("host")),
        "{settings:#}"
    );
    let json_started = report["summary"]["started"].as_str().unwrap();
    assert!(json_started.len() == 20 && json_started.ends_with('Z'));
}
