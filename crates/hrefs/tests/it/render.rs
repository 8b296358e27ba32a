//! Every renderer through its sink: crawl formats by `sink::crawl_into` on the problem site,
//! page formats by `page_sink` on pages read with `hrefs::analyze`. Each output is read back
//! (JSON and NDJSON parsed, CSV split by RFC 4180, HTML and XML counted tag by tag) and held
//! to the report it came from; web text must reach each medium escaped for it.

use hrefs::audit::Severity;
use hrefs::crawl::Role;
use hrefs::page::{Input, PageOptions};
use hrefs::render::{crawl_sink, page_sink, CrawlFormat, Detail, PageFormat};
use hrefs::sink::{self, CrawlSink, PageResult};
use hrefs::site_report::SiteReport;
use serde_json::{json, Value};
use test_server::{Route, TestServer};

use crate::fixture::{self, problem_site, Site, HOSTILE_TEXT};

/// Crawls the problem site into the sink of `format`; the output and the report.
async fn render_crawl(format: CrawlFormat) -> (Site, SiteReport, String) {
    let site = problem_site();
    let mut out = Vec::new();
    let report = {
        let mut sink = crawl_sink(format, &mut out);
        sink::crawl_into(
            &site.seed(),
            &fixture::config(),
            &fixture::fetcher(),
            std::future::pending(),
            &mut sink,
        )
        .await
        .expect("writing to a Vec cannot fail")
    };
    let out = String::from_utf8(out).expect("every format writes UTF-8");
    (site, report, out)
}

/// Asserts that `out` carries no character that could drive a terminal or reorder text:
/// controls other than line breaks and tabs, and the bidi embeddings, overrides and isolates.
fn assert_no_unsafe_chars(format: &str, out: &str) {
    let found: Vec<char> = out
        .chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(
        found.is_empty(),
        "{format}: raw control or bidi characters {found:?} in the output"
    );
}

/// The records of a CSV document (RFC 4180: quoted fields may hold commas, quotes doubled,
/// line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "an unterminated quoted field");
    assert!(
        field.is_empty() && row.is_empty(),
        "the last record has no line end"
    );
    rows
}

/// The `|` of a Markdown table row that end cells (not escaped as `\|`).
fn cell_pipes(row: &str) -> usize {
    let bytes = row.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[tokio::test]
async fn crawl_markdown_has_the_rating_audits_and_findings_with_cells_escaped() {
    let full = CrawlFormat::Markdown {
        detail: Detail::Full,
    };
    let (site, report, md) = render_crawl(full).await;
    let r = &report.rating;
    assert!(md.starts_with(&format!("# SEO audit of {}\n", site.url("/"))));
    assert!(md.contains(&format!(
        "**SEO rating: {:.1}/100 ({})** over {} pages.",
        r.score.unwrap(),
        r.grade.unwrap(),
        report.summary.pages
    )));
    // Every audit that found something has a row; every finding has a row of seven cells,
    // however hostile its text: a `|` in the text is escaped, not a cell border, and `<`
    // and `[` cannot start HTML or a link.
    let found: Vec<_> = report.audits.iter().filter(|a| a.findings > 0).collect();
    let audit_rows = md
        .lines()
        .filter(|l| {
            found
                .iter()
                .any(|a| l.starts_with(&format!("| {} |", a.title.replace('<', "\\<"))))
        })
        .count();
    assert_eq!(audit_rows, found.len());
    let finding_rows: Vec<&str> = md
        .lines()
        .filter(|l| {
            ["| error |", "| warning |", "| notice |"]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .collect();
    assert_eq!(finding_rows.len(), report.findings.len(), "{md}");
    for row in &finding_rows {
        assert_eq!(cell_pipes(row), 8, "{row}");
    }
    let hostile = finding_rows
        .iter()
        .find(|r| r.contains("evil"))
        .expect("the hostile link's finding has a row");
    assert!(hostile.contains("evil \\| \\<script>"), "{hostile}");
    // Controls are shown as visible escapes.
    assert!(
        hostile.contains("\\u{1b}\\[31mred\\u{9b}2J \\u{202e}evil"),
        "{hostile}"
    );
    assert_no_unsafe_chars("markdown", &md);
}

/// The summary is the full report without the findings table, and says where they are.
#[tokio::test]
async fn crawl_markdown_summary_counts_the_findings_and_says_how_to_list_them() {
    let summary = CrawlFormat::Markdown {
        detail: Detail::Summary,
    };
    let (site, report, md) = render_crawl(summary).await;
    assert!(md.starts_with(&format!("# SEO audit of {}\n", site.url("/"))));
    assert!(!md.contains("## Findings"), "{md}");
    let n = report.findings.len();
    assert!(n > 1);
    assert!(
        md.contains(&format!(
            "\n{n} findings not listed here: run with `--full` to list them, or use \
             `--format json`, `findings-csv` or `html`.\n"
        )),
        "{md}"
    );
    // Each audit's row counts its findings and the pages they are on.
    for a in report.audits.iter().filter(|a| a.findings > 0) {
        let pages: std::collections::BTreeSet<&str> = report
            .findings
            .iter()
            .filter(|f| f.audit.id() == a.id)
            .map(|f| &*f.page)
            .collect();
        let row = format!(
            "| {} | {} | {} | {} | {} |",
            a.title.replace('<', "\\<"),
            a.severity.as_str(),
            a.weight,
            a.findings,
            pages.len()
        );
        assert!(md.contains(&row), "no {row:?} in\n{md}");
    }
    assert!(md.contains("No finding ("), "{md}");
    // Nothing else is left out: the full report of the same crawl is the summary with the
    // findings table where the summary counts them.
    let mut full = Vec::new();
    crawl_sink(
        CrawlFormat::Markdown {
            detail: Detail::Full,
        },
        &mut full,
    )
    .report(&report)
    .unwrap();
    let full = String::from_utf8(full).unwrap();
    let start = full
        .find("\n## Findings\n")
        .expect("the full report lists findings");
    let end = start + full[start..].find("\n## Lowest rated pages").unwrap();
    let line = md.find(&format!("\n\n{n} findings not listed")).unwrap();
    let after = line + md[line..].find("\n## Lowest rated pages").unwrap();
    assert_eq!(full[..start], md[..=line]);
    assert_eq!(full[end..], md[after..]);
    assert_no_unsafe_chars("markdown", &md);
}

#[tokio::test]
async fn crawl_json_is_the_whole_report() {
    let (site, report, out) = render_crawl(CrawlFormat::Json).await;
    // JSON escapes C0 controls itself (ESC as \u001b).
    assert!(!out.as_bytes().contains(&0x1b), "a raw ESC in the JSON");
    assert!(out.ends_with("}\n"));
    let v: Value = serde_json::from_str(&out).expect("the report is one JSON document");
    let s = &report.summary;
    assert_eq!(v["summary"]["seed"], site.url("/"));
    assert_eq!(
        [
            &v["summary"]["pages"],
            &v["summary"]["checked"],
            &v["summary"]["broken"]
        ],
        [&json!(s.pages), &json!(s.checked), &json!(s.broken)]
    );
    assert_eq!(v["rating"]["score"], json!(report.rating.score));
    assert_eq!(v["audits"].as_array().unwrap().len(), report.audits.len());
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        report.findings.len()
    );
    let urls: Vec<&str> = v["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["url"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = report.visits.iter().map(|v| v.url.as_str()).collect();
    assert_eq!(urls, want);
    // Links come grouped by page, each page once, in visit order, none without links.
    let groups = v["links"].as_array().unwrap();
    let pages: Vec<&str> = groups.iter().map(|g| g["page"].as_str().unwrap()).collect();
    let with_links: Vec<&str> = (0..report.visits.len())
        .filter(|&i| !report.links.page(i).is_empty())
        .map(|i| report.visits[i].url.as_str())
        .collect();
    assert_eq!(pages, with_links);
    let links: Vec<Value> = groups
        .iter()
        .flat_map(|g| {
            g["links"].as_array().unwrap().iter().map(|l| {
                let mut l = l.clone();
                l["page"] = g["page"].clone();
                l
            })
        })
        .collect();
    assert_eq!(links.len(), report.links.len());
    // The hostile text comes back exactly: JSON escapes, it does not alter.
    let hostile = links
        .iter()
        .find(|l| l["page"] == site.url("/b.html") && l["line"] == 2)
        .expect("the hostile link");
    assert_eq!(hostile["text"], HOSTILE_TEXT);
    let rel = links
        .iter()
        .find(|l| l["page"] == site.url("/a.html") && l["line"] == 2)
        .unwrap();
    assert_eq!(
        (&rel["rel"], &rel["target_blank"], &rel["kind"]),
        (&json!("nofollow"), &json!(true), &json!("relative"))
    );
}

#[tokio::test]
async fn crawl_ndjson_streams_each_visit_then_the_summary() {
    let (site, report, out) = render_crawl(CrawlFormat::Ndjson).await;
    assert!(!out.as_bytes().contains(&0x1b), "a raw ESC in the NDJSON");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    let (tail, visits) = lines.split_last().expect("at least the summary line");
    // One line per visit, in the order the crawl handed them over (the report sorts them).
    let mut urls: Vec<&str> = visits
        .iter()
        .map(|l| l["visit"]["url"].as_str().unwrap())
        .collect();
    urls.sort_unstable();
    let mut want: Vec<&str> = report.visits.iter().map(|v| v.url.as_str()).collect();
    want.sort_unstable();
    assert_eq!(urls, want);
    for line in visits {
        let url = line["visit"]["url"].as_str().unwrap();
        let visit = report.visits.iter().find(|v| v.url == url).unwrap();
        let links = &line["links"];
        match &visit.page {
            Some(page) => assert_eq!(links.as_array().map(Vec::len), Some(page.links as usize)),
            None => assert_eq!(links, &Value::Null, "{}", visit.url),
        }
    }
    let home = visits
        .iter()
        .find(|l| l["visit"]["url"] == site.url("/"))
        .unwrap();
    assert_eq!(home["links"][0]["text"], "Section A");
    let b = visits
        .iter()
        .find(|l| l["visit"]["url"] == site.url("/b.html"))
        .unwrap();
    assert_eq!(b["links"][1]["text"], HOSTILE_TEXT);

    let keys: Vec<&str> = tail
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "summary",
            "notices",
            "fix_first",
            "rating",
            "audits",
            "findings"
        ]
    );
    assert_eq!(tail["summary"]["pages"], json!(report.summary.pages));
    assert_eq!(tail["rating"]["score"], json!(report.rating.score));
    assert_eq!(
        tail["rating"]["grade"],
        report.rating.grade.unwrap().to_string()
    );
    assert_eq!(
        tail["findings"].as_array().unwrap().len(),
        report.findings.len()
    );
}

#[tokio::test]
async fn crawl_csv_has_one_row_per_link_with_fields_defused() {
    let (site, report, out) = render_crawl(CrawlFormat::Csv).await;
    let rows = parse_csv(&out);
    let (header, rows) = rows.split_first().unwrap();
    assert_eq!(
        header.join(","),
        "source,line,column,target,text,rel,kind,status"
    );
    assert_eq!(rows.len(), report.links.len());
    assert!(rows.iter().all(|r| r.len() == 8), "{rows:?}");
    let row = |page: &str, line: &str| {
        rows.iter()
            .find(|r| r[0] == site.url(page) && r[1] == line)
            .unwrap_or_else(|| panic!("no row for {page}:{line}"))
    };
    assert_eq!(row("/", "5")[3], site.url("/missing.html"));
    assert_eq!(row("/", "5")[7], "404");
    assert_eq!(row("/", "8")[7], "robots.txt");
    // No answer: the status column says why.
    assert!(
        row("/", "10")[7].contains(&site.closed_link()),
        "{:?}",
        row("/", "10")
    );
    assert_eq!(row("/a.html", "2")[5], "nofollow");
    // The hostile text: defused as a formula, controls written as visible escapes, the rest
    // (pipes, tags, quotes) carried by CSV quoting.
    let text = &row("/b.html", "2")[4];
    assert!(text.starts_with("'="), "{text}");
    assert_eq!(
        text,
        "'=\\u{1b}[31mred\\u{9b}2J \\u{202e}evil | <script>alert(1)</script> \"quoted\""
    );
    assert_no_unsafe_chars("csv", &out);
}

/// How many times `needle` occurs in `haystack`.
fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[tokio::test]
async fn crawl_html_is_one_page_whose_tables_match_the_report() {
    let (site, report, html) = render_crawl(CrawlFormat::Html).await;
    let s = &report.summary;
    assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
    assert!(html.ends_with("</body></html>\n"));
    assert!(html.contains(&format!("<title>SEO audit of {}</title>", site.url("/"))));
    assert!(html.contains(&format!(
        "<p>{} pages parsed, {} more URLs checked, {} broken, {} redirected, in ",
        s.pages, s.checked, s.broken, s.redirected
    )));
    // Fix first, why this score, audits, a table for each audit with findings, and pages;
    // three charts; every element closed.
    let audits_found = report.audits.iter().filter(|a| a.findings > 0).count();
    assert!(
        audits_found > 3,
        "the problem site has many kinds of findings"
    );
    for (open, close, n) in [
        ("<table>", "</table>", 4 + audits_found),
        ("<details", "</details>", 1 + audits_found),
        ("<svg ", "</svg>", 3),
        ("<figure>", "</figure>", 3),
    ] {
        assert_eq!((count(&html, open), count(&html, close)), (n, n), "{open}");
    }
    assert_eq!(count(&html, "<tr"), count(&html, "</tr>"));
    assert_eq!(
        count(&html, "<td>") + count(&html, "<td "),
        count(&html, "</td>")
    );
    assert!(html.contains(&format!(
        "<h2 id=\"findings\">Findings ({})</h2>",
        report.findings.len()
    )));
    // The table of contents leads to sections that exist.
    for id in [
        "fix-first",
        "why",
        "audits",
        "findings",
        "pages",
        "settings",
    ] {
        assert_eq!(
            html.contains(&format!("<a href=\"#{id}\">")),
            html.contains(&format!("<h2 id=\"{id}\">")),
            "{id}"
        );
    }
    // One collapsed section per audit with findings, a row for each (fewer than the cap
    // here), and the audits table's count leads to it.
    for a in report.audits.iter().filter(|a| a.findings > 0) {
        let open = format!("<details id=\"audit-{}\"><summary>", a.id);
        let at = html.find(&open).unwrap_or_else(|| panic!("no {open}"));
        let section = &html[at..at + html[at..].find("</details>").unwrap()];
        assert!(
            section.contains(&format!(
                "<span class=\"sev {0}\">{0}</span> {1} <span class=\"count\">{2} on {3} page",
                a.severity.as_str(),
                a.title,
                a.findings,
                a.pages
            )),
            "{section}"
        );
        assert_eq!(count(section, "<tr><td>"), a.findings, "{section}");
        assert!(!section.contains("more in the JSON report"));
        assert!(html.contains(&format!("<a href=\"#audit-{}\">{}</a>", a.id, a.findings)));
    }
    let pages = &html[html.find("<h2 id=\"pages\">").unwrap()..];
    let page_rows = report
        .visits
        .iter()
        .filter(|v| v.role == Role::Page)
        .count();
    assert_eq!(count(pages, "<tr><td><a href=\""), page_rows);
    // Links: only to http(s) URLs, never opening with access to the report. The
    // `javascript:` link's target is text.
    let links = count(&html, "<a href=\"http");
    assert!(links > page_rows, "findings' pages and targets are links");
    assert_eq!(
        count(&html, "<a href=\"http"),
        count(&html, "\" rel=\"noopener noreferrer nofollow\">")
    );
    assert_eq!(
        count(&html, "<a href="),
        links + count(&html, "<a href=\"#")
    );
    assert!(html.contains("<td>javascript:void(0)</td>"), "{html}");
    // The footer: what made the report, when, from where, with which settings.
    let footer = &html[html.find("<footer>").expect("a footer")..];
    assert!(
        footer.starts_with(&format!(
            "<footer><p>Report by href-counter {} of the crawl started <time datetime=\"{}\">",
            env!("CARGO_PKG_VERSION"),
            s.started
        )),
        "{footer}"
    );
    assert!(footer.contains(&format!(
        "<a href=\"{0}\" rel=\"noopener noreferrer nofollow\">",
        site.url("/")
    )));
    for setting in [
        "<li>scope <b>host</b></li>",
        "<li>max pages <b>100000</b></li>",
        "<li>concurrency <b>16</b></li>",
        "<li>other sites' links <b>checked</b></li>",
    ] {
        assert!(footer.contains(setting), "{setting} in {footer}");
    }
    // No script of any kind: the hostile link's tag is text.
    assert!(
        !html.to_ascii_lowercase().contains("<script"),
        "a raw <script> in the HTML"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;"));
    // A bidi override left raw reorders the rest of its cell as the browser shows it (the
    // finding's text, `evil | <script>...` shown backwards), as a control character would
    // garble it: neither may reach the report raw.
    assert_no_unsafe_chars("html", &html);
}

#[tokio::test]
async fn crawl_junit_fails_the_audits_at_the_threshold() {
    // (threshold, audits failed): the site has findings of 9 audits, 1 of them errors and 5
    // warnings.
    let mut outputs = Vec::new();
    for (fail_at, failed) in [
        (Severity::Error, 1),
        (Severity::Warning, 6),
        (Severity::Notice, 9),
    ] {
        let (site, report, xml) = render_crawl(CrawlFormat::Junit { fail_at }).await;
        let want = report
            .audits
            .iter()
            .filter(|a| a.findings > 0 && a.severity <= fail_at)
            .count();
        assert_eq!(want, failed, "{fail_at:?}");
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"));
        assert!(xml.ends_with("  </testsuite>\n</testsuites>\n"));
        assert!(xml.contains(&format!(
            "<testsuite name=\"href-counter audit of {}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\"",
            site.url("/"),
            report.audits.len() + 1
        )));
        // One case per audit, and the crawl's own, which passed: it ran to its end.
        assert!(
            xml.contains("<testcase classname=\"href-counter.crawl\" name=\"crawl\"></testcase>")
        );
        assert_eq!(count(&xml, "<testcase "), report.audits.len() + 1);
        assert_eq!(count(&xml, "</testcase>"), report.audits.len() + 1);
        assert_eq!(
            (count(&xml, "<failure "), count(&xml, "</failure>")),
            (failed, failed)
        );
        // Audits with findings below the threshold say so without failing.
        let below = 9 - failed;
        assert_eq!(count(&xml, "<system-out>"), below, "{fail_at:?}");
        assert!(xml.contains("<failure message=\"2 findings: Broken links\" type=\"error\">"));
        if fail_at == Severity::Notice {
            // The hostile fragment's finding is listed, its tag escaped.
            assert!(
                xml.contains("&lt;script&gt;&#39; on the target page"),
                "{xml}"
            );
            assert!(!xml.contains("<script"));
        }
        outputs.push((fail_at, xml));
    }
    // CI systems show failure messages in logs and terminals, where a raw bidi override
    // reorders the rest of the line: the hostile fragment's finding must not carry one.
    for (fail_at, xml) in outputs {
        assert_no_unsafe_chars(&format!("junit at {fail_at:?}"), &xml);
    }
}

/// A server with two pages, one of each kind of link that counts differently, and a 404.
fn page_server() -> TestServer {
    TestServer::start(vec![
        (
            "/one.html",
            Route::html(
                r##"<a href="/x">x</a>
<a href="#top">top</a>
<a href="mailto:a@example.com">mail</a>
<a href="http://example.invalid/">elsewhere</a>
<a href="/y" rel="nofollow">y</a>"##,
            ),
        ),
        (
            "/two.html",
            Route::html(
                r#"<a href="https://example.invalid/a">a</a> <a href="https://example.invalid/b">b</a>"#,
            ),
        ),
    ])
}

/// Reads `paths` of `server` as the command would: every link kept, for reports.
async fn read_pages(server: &TestServer, paths: &[&str]) -> Vec<(String, PageResult)> {
    let options = PageOptions {
        links: true,
        ..PageOptions::default()
    };
    let fetcher = fixture::fetcher();
    let mut results = Vec::new();
    for path in paths {
        let url = server.url(path);
        let result = hrefs::analyze(&Input::Url(url.clone()), &fetcher, &options).await;
        results.push((url, result));
    }
    results
}

/// The output of `format` for `results`.
fn render_pages(format: PageFormat, results: &[(String, PageResult)]) -> String {
    let mut out = Vec::new();
    {
        let mut sink = page_sink(format, results.len() > 1, &mut out);
        for (input, result) in results {
            sink.page(input, result).unwrap();
        }
        sink.finish().unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn compat_is_the_original_line_alone_and_a_line_per_input_for_several() {
    let server = page_server();
    let results = read_pages(&server, &["/one.html", "/two.html", "/missing.html"]).await;
    assert_eq!(
        render_pages(PageFormat::Compat, &results[..1]),
        "{\"internal\":4,\"external\":1}\n"
    );
    // Alone, a failed page writes nothing: its error is the front end's to show.
    assert_eq!(render_pages(PageFormat::Compat, &results[2..]), "");
    let out = render_pages(PageFormat::Compat, &results);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    let (one, two, missing) = (
        server.url("/one.html"),
        server.url("/two.html"),
        server.url("/missing.html"),
    );
    assert_eq!(
        lines[0],
        json!({"input": one, "internal": 4, "external": 1})
    );
    assert_eq!(
        lines[1],
        json!({"input": two, "internal": 0, "external": 2})
    );
    assert_eq!(
        lines[2],
        json!({"input": missing, "error": format!("{missing} answered http status 404")})
    );
}

#[tokio::test]
async fn json_is_an_object_for_one_page_and_an_array_in_input_order_for_several() {
    let server = page_server();
    let results = read_pages(&server, &["/one.html", "/two.html", "/missing.html"]).await;
    let one: Value = serde_json::from_str(&render_pages(PageFormat::Json, &results[..1])).unwrap();
    assert_eq!(one["input"], server.url("/one.html"));
    assert_eq!(one["status"], 200);
    assert_eq!((&one["internal"], &one["external"]), (&json!(4), &json!(1)));
    let kinds = &one["kinds"];
    assert_eq!(
        [
            &kinds["relative"],
            &kinds["fragment"],
            &kinds["mailto"],
            &kinds["other_host"]
        ],
        [&json!(2), &json!(1), &json!(1), &json!(1)]
    );
    let links = one["links"].as_array().unwrap();
    let hrefs: Vec<&str> = links.iter().map(|l| l["href"].as_str().unwrap()).collect();
    assert_eq!(
        hrefs,
        [
            "/x",
            "#top",
            "mailto:a@example.com",
            "http://example.invalid/",
            "/y"
        ]
    );
    assert_eq!(links[4]["rel"], json!(["nofollow"]));
    assert_eq!(
        (&links[4]["line"], &links[4]["column"]),
        (&json!(5), &json!(1))
    );

    let many: Value = serde_json::from_str(&render_pages(PageFormat::Json, &results)).unwrap();
    let many = many.as_array().expect("several pages are an array");
    let inputs: Vec<&Value> = many.iter().map(|p| &p["input"]).collect();
    assert_eq!(
        inputs,
        [
            &json!(server.url("/one.html")),
            &json!(server.url("/two.html")),
            &json!(server.url("/missing.html"))
        ]
    );
    assert_eq!(many[0], one);
    assert_eq!(many[1]["external"], 2);
    assert!(many[2]["error"]
        .as_str()
        .unwrap()
        .ends_with("answered http status 404"));
}

#[tokio::test]
async fn ndjson_is_one_line_per_input() {
    let server = page_server();
    let results = read_pages(&server, &["/one.html", "/two.html", "/missing.html"]).await;
    let out = render_pages(PageFormat::Ndjson, &results);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let inputs: Vec<&str> = lines.iter().map(|l| l["input"].as_str().unwrap()).collect();
    let want: Vec<&str> = results.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(inputs, want);
    assert_eq!(lines[0]["links"].as_array().unwrap().len(), 5);
    assert_eq!(lines[1]["links"].as_array().unwrap().len(), 2);
    assert!(lines[2].get("error").is_some() && lines[2].get("links").is_none());
}

#[tokio::test]
async fn csv_has_one_header_and_a_row_per_link_of_every_page() {
    let server = page_server();
    let results = read_pages(&server, &["/one.html", "/two.html", "/missing.html"]).await;
    let rows = parse_csv(&render_pages(PageFormat::Csv, &results));
    let (header, rows) = rows.split_first().unwrap();
    assert_eq!(
        header.join(","),
        "input,line,column,kind,compat,href,url,rel,target,text,image_alt"
    );
    assert_eq!(rows.len(), 5 + 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let one = server.url("/one.html");
    assert_eq!(
        rows[3],
        [
            &one,
            "4",
            "1",
            "other_host",
            "external",
            "http://example.invalid/",
            "http://example.invalid/",
            "",
            "",
            "elsewhere",
            ""
        ]
    );
    assert_eq!(rows[4][7], "nofollow");
    assert_eq!(rows[5][0], server.url("/two.html"));
}

#[tokio::test]
async fn markdown_and_the_text_report_list_every_link() {
    let server = page_server();
    let results = read_pages(&server, &["/one.html", "/missing.html"]).await;
    let md = render_pages(PageFormat::Markdown, &results);
    let one = server.url("/one.html");
    let missing = server.url("/missing.html");
    assert!(md.starts_with(&format!("## {one}\n")), "{md}");
    assert!(md.contains("| internal (compat) | 4 |\n| external (compat) | 1 |\n"));
    assert!(
        md.contains("| 4:1 | other_host | `http://example.invalid/` | elsewhere |  |\n"),
        "{md}"
    );
    assert!(
        md.contains("| 5:1 | relative | `/y` | y | nofollow |\n"),
        "{md}"
    );
    assert!(md.contains(&format!(
        "## {missing}\n\nerror: {missing} answered http status 404\n"
    )));

    let text = render_pages(PageFormat::Report, &results[..1]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], one);
    assert!(
        lines[1].starts_with("  fetched    200, text/html; charset=utf-8, utf-8"),
        "{text}"
    );
    assert!(
        text.contains("  compat     {\"internal\":4,\"external\":1}\n"),
        "{text}"
    );
    assert!(
        text.contains("  kinds      fragment 1, relative 2, other_host 1, mailto 1\n"),
        "{text}"
    );
    let links: Vec<&&str> = lines
        .iter()
        .skip_while(|l| **l != "  links")
        .skip(1)
        .collect();
    assert_eq!(links.len(), 5, "{text}");
    assert!(
        links[4].ends_with("relative     /y  \"y\"  rel=nofollow"),
        "{text}"
    );
}

#[tokio::test]
async fn page_formats_escape_hostile_link_text_for_their_medium() {
    let server = TestServer::start(vec![(
        "/",
        Route::html(format!(
            "<a href=\"/x\">{}</a>",
            HOSTILE_TEXT.replace('<', "&lt;").replace('>', "&gt;")
        )),
    )]);
    let results = read_pages(&server, &["/"]).await;
    let report = results[0].1.as_ref().unwrap();
    assert_eq!(report.links[0].text, HOSTILE_TEXT);
    for format in [PageFormat::Report, PageFormat::Markdown, PageFormat::Csv] {
        let out = render_pages(format, &results);
        assert_no_unsafe_chars(&format!("{format:?}"), &out);
        // Markdown also escapes the bracket, which could start a link.
        let visible = match format {
            PageFormat::Markdown => "\\u{1b}\\[31m",
            _ => "\\u{1b}[31m",
        };
        assert!(out.contains(visible), "{format:?}: {out}");
    }
    let md = render_pages(PageFormat::Markdown, &results);
    let row = md.lines().find(|l| l.starts_with("| 1:1 |")).unwrap();
    assert_eq!(cell_pipes(row), 6, "{row}");
    let csv = parse_csv(&render_pages(PageFormat::Csv, &results));
    assert!(csv[1][9].starts_with("'="), "{:?}", csv[1]);
    for format in [PageFormat::Json, PageFormat::Ndjson] {
        let out = render_pages(format, &results);
        assert!(!out.as_bytes().contains(&0x1b), "{format:?}");
        let v: Value = serde_json::from_str(out.trim_end()).unwrap();
        assert_eq!(v["links"][0]["text"], HOSTILE_TEXT);
    }
}

/// A site of eight pages that all link to one shared page, a missing page each and with
/// generic text, served with each page delayed so that fetches finish in the order `order`
/// gives: two servers with opposite orders make two crawls of the same site whose visits
/// complete in opposite orders.
fn site_finishing_in_order(order: impl Fn(u64) -> u64) -> TestServer {
    let home: String = (0..8)
        .map(|i| format!("<a href=\"/p{i}.html\">Page {i}</a>\n"))
        .collect();
    let mut routes = vec![("/".to_string(), Route::html(home))];
    for i in 0..8 {
        let page = format!(
            "<a href=\"/shared.html\">here</a>\n<a href=\"/missing{i}.html\">Gone {i}</a>\n\
             <a href=\"/p{}.html\">Next</a>",
            (i + 1) % 8
        );
        routes.push((
            format!("/p{i}.html"),
            Route::html(page).delay_headers(std::time::Duration::from_millis(order(i) * 25)),
        ));
    }
    routes.push(("/shared.html".to_string(), Route::html("<p>shared</p>")));
    TestServer::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
}

/// `format`'s output for a crawl of `server`, its origin replaced by `ORIGIN`, its timings by
/// `0` and its start date by `DATE`.
async fn output_without_timing(server: &TestServer, format: CrawlFormat) -> String {
    let seed = url::Url::parse(&server.url("/")).unwrap();
    let mut out = Vec::new();
    {
        let mut sink = crawl_sink(format, &mut out);
        sink::crawl_into(
            &seed,
            &fixture::config(),
            &fixture::fetcher(),
            std::future::pending(),
            &mut sink,
        )
        .await
        .expect("writing to a Vec cannot fail");
    }
    // HTML breaks URLs after their slashes (`http://<wbr>127.0.0.1:…`).
    let out = String::from_utf8(out)
        .unwrap()
        .replace("<wbr>", "")
        .replace(server.url("").trim_end_matches('/'), "ORIGIN");
    mask_numbers_after(&mask_dates(&out), &["\"elapsed_ms\":", "time=\"", " in "])
}

/// `text` with every date and time `YYYY-MM-DD?HH:MM:SS` (the crawl's start, in JSON and
/// HTML) replaced by `DATE`.
fn mask_dates(text: &str) -> String {
    const SHAPE: &[u8] = b"0000-00-00?00:00:00";
    let b = text.as_bytes();
    let fits = |at: usize| {
        b.len() >= at + SHAPE.len()
            && SHAPE.iter().zip(&b[at..]).all(|(&s, &c)| match s {
                b'0' => c.is_ascii_digit(),
                b'?' => c == b'T' || c == b' ',
                s => s == c,
            })
    };
    let mut out = String::new();
    let mut at = 0;
    let mut copied = 0;
    while at < b.len() {
        if fits(at) {
            out.push_str(&text[copied..at]);
            out.push_str("DATE");
            at += SHAPE.len();
            copied = at;
        } else {
            at += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// `text` with the number after each of `prefixes` replaced by `0`.
fn mask_numbers_after(text: &str, prefixes: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some((at, prefix)) = prefixes
        .iter()
        .filter_map(|p| rest.find(p).map(|at| (at, p)))
        .min()
    {
        let after = at + prefix.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let number = rest
            .find(|c: char| !(c.is_ascii_digit() || ".e+-".contains(c)))
            .unwrap_or(rest.len());
        if number > 0 {
            out.push('0');
            rest = &rest[number..];
        }
    }
    out.push_str(rest);
    out
}

/// Fetches finish in any order; the report must not depend on it: the same site gives the
/// same bytes in every format (timings aside), `found_on` included.
#[tokio::test]
async fn the_same_site_gives_the_same_report_whatever_order_fetches_finish() {
    let forward = site_finishing_in_order(|i| i);
    let backward = site_finishing_in_order(|i| 7 - i);
    for format in [
        CrawlFormat::Json,
        CrawlFormat::Markdown {
            detail: Detail::Full,
        },
        CrawlFormat::Csv,
        CrawlFormat::Html,
        CrawlFormat::Junit {
            fail_at: Severity::Error,
        },
    ] {
        let a = output_without_timing(&forward, format).await;
        let b = output_without_timing(&backward, format).await;
        assert!(a == b, "{format:?} differs:\n{a}\n---\n{b}");
        if format == CrawlFormat::Json {
            let report: Value = serde_json::from_str(&a).unwrap();
            let shared = report["visits"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["url"] == "ORIGIN/shared.html")
                .expect("the shared page is visited");
            assert_eq!(shared["found_on"], "ORIGIN/p0.html");
        }
    }
}
