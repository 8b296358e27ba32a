//! The fixture sites the crawl, audit and render tests share, and the calls that crawl them.
//!
//! [`problem_site`] has one of each thing a crawl must tell apart; its pages are written with
//! one link per line so that tests can name a link by its line. Its pages are otherwise
//! sound ([`Route::page`]): the page-level SEO audits have their own fixture in the
//! command's end-to-end tests (`crawl_seo.rs`).

use hrefs::crawl::{Crawl, CrawlConfig, Visit};
use hrefs::fetch::{FetchConfig, Fetcher};
use test_server::{closed_port_url, Route, TestServer};
use url::Url;

/// The text of the hostile link on `/b.html`, as extracted: a leading `=` (a spreadsheet
/// formula), an ANSI colour sequence, a C1 control (CSI), a bidi override, a table pipe, a
/// script tag and quotes.
pub(crate) const HOSTILE_TEXT: &str =
    "=\u{1b}[31mred\u{9b}2J \u{202E}evil | <script>alert(1)</script> \"quoted\"";

/// [`HOSTILE_TEXT`] as written in the page: the tag as entities, or it would start a script.
const HOSTILE_HTML: &str =
    "=\u{1b}[31mred\u{9b}2J \u{202E}evil | &lt;script&gt;alert(1)&lt;/script&gt; \"quoted\"";

/// The fragment of the hostile link, percent-encoded as a URL carries it: ESC `[31m`, CSI,
/// a bidi override and `<script>`. `/a.html` has no such id, and the missing-fragment finding
/// names the fragment decoded, raw control characters and all.
pub(crate) const HOSTILE_FRAGMENT: &str = "%1B%5B31m%C2%9B%E2%80%AE%3Cscript%3E";

/// [`HOSTILE_FRAGMENT`] decoded.
pub(crate) const HOSTILE_FRAGMENT_DECODED: &str = "\u{1b}[31m\u{9b}\u{202E}<script>";

/// The problem site, the server on the same host at another port, and a URL where nothing
/// listens. The servers stop when this is dropped.
pub(crate) struct Site {
    pub(crate) server: TestServer,
    /// `127.0.0.1` on another port: under `Scope::Host`, another site.
    pub(crate) other: TestServer,
    /// `http://127.0.0.1:PORT/` with nothing listening on `PORT`.
    pub(crate) closed: String,
}

impl Site {
    /// The URL of `path` on the problem site.
    pub(crate) fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// The crawl's start: the home page.
    pub(crate) fn seed(&self) -> Url {
        Url::parse(&self.url("/")).expect("a test server URL parses")
    }

    /// The link on the home page to the closed port.
    pub(crate) fn closed_link(&self) -> String {
        format!("{}gone", self.closed)
    }
}

/// A site with one of each thing a crawl meets:
///
/// - `/` links to two pages, an existing and a missing `#fragment`, a 404, a redirect to a
///   page it links to as well, a `nofollow` page, a page robots.txt disallows, the same host
///   on another port (200), and a closed port;
/// - `/a.html` links one level deeper, with generic text, `rel=nofollow target=_blank`, and
///   `javascript:`; `/deep.html` has a link whose text is code (`start`, not generic) and
///   two self-links (an empty href, a lone `#`);
/// - `/b.html` has the id `#intro` and the hostile link ([`HOSTILE_TEXT`]);
/// - `/nofollow.html` (`<meta name=robots content=nofollow>`) links to `/hidden.html`, which
///   nothing else links to: it must never be fetched;
/// - the sitemap lists `/orphan.html`, which no link reaches.
pub(crate) fn problem_site() -> Site {
    let other = TestServer::start(vec![(
        "/elsewhere.html",
        Route::html(r#"<a href="/not-crawled.html">not crawled</a>"#),
    )]);
    let closed = closed_port_url();
    let home = r##"<!doctype html><title>home</title>
<a href="/a.html">Section A</a>
<a href="/b.html#intro">B intro</a>
<a href="/b.html#nowhere">B missing</a>
<a href="/missing.html">Gone page</a>
<a href="/old.html">Old A</a>
<a href="/nofollow.html">Robots nofollow</a>
<a href="/private/secret.html">Secret</a>
<a href="OTHER/elsewhere.html">Same host, other port</a>
<a href="CLOSEDgone">Closed port</a>
"##
    .replace("OTHER", other.url("").trim_end_matches('/'))
    .replace("CLOSED", &closed);
    let a = r#"<a href="/deep.html">read more</a>
<a href="/b.html" rel="nofollow" target="_blank">B in a new tab</a>
<a href="javascript:void(0)">Menu</a>
<a href="/">Home</a>"#;
    let b = format!(
        "<h2 id=\"intro\">Intro</h2><a href=\"/\">Home</a>\n\
         <a href=\"/a.html#{HOSTILE_FRAGMENT}\">{HOSTILE_HTML}</a>"
    );
    let server = TestServer::start(vec![
        ("/", Route::page("/", home)),
        ("/a.html", Route::page("/a.html", a)),
        ("/b.html", Route::page("/b.html", b)),
        (
            "/deep.html",
            Route::page(
                "/deep.html",
                "<p>the end</p>\n<a href=\"/\"><code>start</code></a>\n\
                 <a href=\"\">Top of page</a>\n<a href=\"#\">Top again</a>",
            ),
        ),
        ("/old.html", Route::redirect(301, "/a.html")),
        (
            "/nofollow.html",
            Route::page(
                "/nofollow.html",
                r#"<meta name="robots" content="nofollow"><a href="/hidden.html">Hidden</a>"#,
            ),
        ),
        ("/hidden.html", Route::page("/hidden.html", "<p>only a nofollow page links here</p>")),
        ("/private/secret.html", Route::page("/private/secret.html", "<p>secret</p>")),
        ("/orphan.html", Route::page("/orphan.html", r#"<a href="/">Home</a>"#)),
        (
            "/robots.txt",
            Route::html("User-agent: *\nDisallow: /private/\n").content_type("text/plain"),
        ),
        (
            "/sitemap.xml",
            Route::html(
                "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
                 <url><loc>{origin}/</loc></url><url><loc>{origin}/orphan.html</loc></url></urlset>",
            )
            .content_type("application/xml"),
        ),
    ]);
    Site {
        server,
        other,
        closed,
    }
}

/// A site with nothing wrong: three pages with descriptive links, no robots.txt, no sitemap.
pub(crate) fn clean_site() -> TestServer {
    TestServer::start(vec![
        (
            "/",
            Route::page(
                "/",
                r#"<a href="/a.html">Section A</a>
<a href="/b.html">Section B</a>"#,
            ),
        ),
        (
            "/a.html",
            Route::page("/a.html", r#"<a href="/b.html">Section B</a>"#),
        ),
        (
            "/b.html",
            Route::page("/b.html", r#"<a href="/">Home page</a>"#),
        ),
    ])
}

/// The tests' crawl settings: links to other sites checked (the other port, the closed port),
/// and no retries, so that the connection refused is final at once instead of after a
/// back-off.
pub(crate) fn config() -> CrawlConfig {
    CrawlConfig {
        check_external: true,
        retries: 0,
        ..CrawlConfig::default()
    }
}

pub(crate) fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig::default()).expect("the fetcher builds")
}

/// Crawls from `seed` to the end.
pub(crate) async fn crawl(seed: &Url, config: &CrawlConfig) -> Crawl {
    hrefs::crawl::crawl(
        seed,
        config,
        &fetcher(),
        std::future::pending(),
        |_, _, _| Ok(()),
    )
    .await
    .expect("a crawl without a sink cannot fail to write")
}

/// Starts the problem site and crawls it with `config`.
pub(crate) async fn crawl_problem_site(config: CrawlConfig) -> (Site, Crawl) {
    let site = problem_site();
    let crawl = crawl(&site.seed(), &config).await;
    (site, crawl)
}

/// The index and visit of `url` (visits come in completion order, which varies).
pub(crate) fn visit<'a>(visits: &'a [Visit], url: &str) -> (usize, &'a Visit) {
    visits
        .iter()
        .enumerate()
        .find(|(_, v)| v.url == url)
        .unwrap_or_else(|| {
            let urls: Vec<&str> = visits.iter().map(|v| v.url.as_str()).collect();
            panic!("{url} was not visited; visits: {urls:?}")
        })
}
