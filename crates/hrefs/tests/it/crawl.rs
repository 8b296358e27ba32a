//! `hrefs::crawl::crawl` against the fixture sites: what is visited in which role, with which
//! status and depth; what robots.txt, `nofollow`, the sitemap and the port policy change; the
//! link graph; the limits; and the crawl read back from JSON.

use std::collections::BTreeSet;

use hrefs::classify::Kind;
use hrefs::crawl::graph::NONE;
use hrefs::crawl::{Crawl, CrawlConfig, ErrorKind, Role, Visit};
use hrefs::url::Scope;

use crate::fixture::{self, problem_site, visit, HOSTILE_FRAGMENT, HOSTILE_TEXT};

/// (role, depth, status) of the visit of `url`.
fn summary(crawl: &Crawl, url: &str) -> (Role, Option<u32>, Option<u16>) {
    let (_, v) = visit(&crawl.visits, url);
    (v.role, v.depth, v.status)
}

/// The methods and targets the server received, e.g. `("HEAD", "/deep.html")`.
fn requests(server: &test_server::TestServer) -> BTreeSet<(String, String)> {
    server
        .requests()
        .into_iter()
        .map(|r| (r.method, r.target))
        .collect()
}

/// The URLs crawled as pages.
fn pages(crawl: &Crawl) -> BTreeSet<&str> {
    crawl
        .visits
        .iter()
        .filter(|v| v.role == Role::Page)
        .map(|v| v.url.as_str())
        .collect()
}

#[tokio::test]
async fn each_url_is_visited_once_in_its_role_with_its_status_and_depth() {
    let (site, crawl) = fixture::crawl_problem_site(fixture::config()).await;
    let u = |p: &str| site.url(p);

    let urls: Vec<&str> = crawl.visits.iter().map(|v| v.url.as_str()).collect();
    let unique: BTreeSet<&str> = urls.iter().copied().collect();
    assert_eq!(unique.len(), urls.len(), "a URL visited twice: {urls:?}");
    let other = site.other.url("/elsewhere.html");
    let closed = site.closed_link();
    let want: BTreeSet<String> = [
        "/",
        "/a.html",
        "/b.html",
        "/missing.html",
        "/old.html",
        "/nofollow.html",
        "/private/secret.html",
        "/deep.html",
        "/orphan.html",
    ]
    .iter()
    .map(|p| u(p))
    .chain([other.clone(), closed.clone()])
    .collect();
    let got: BTreeSet<String> = urls.iter().map(|u| u.to_string()).collect();
    // Neither robots.txt nor the sitemap is a visit; /hidden.html is only linked from the
    // nofollow page, and /not-crawled.html only from the other port's page, which is checked,
    // never parsed.
    assert_eq!(got, want);

    assert_eq!(summary(&crawl, &u("/")), (Role::Page, Some(0), Some(200)));
    assert_eq!(visit(&crawl.visits, &u("/")).1.found_on, None);
    for p in ["/a.html", "/b.html", "/nofollow.html"] {
        assert_eq!(
            summary(&crawl, &u(p)),
            (Role::Page, Some(1), Some(200)),
            "{p}"
        );
        let (_, v) = visit(&crawl.visits, &u(p));
        assert_eq!(v.found_on.as_deref(), Some(u("/").as_str()), "{p}");
        assert!(v.page.is_some() && v.error.is_none(), "{p}: {v:?}");
    }
    assert_eq!(
        summary(&crawl, &u("/deep.html")),
        (Role::Page, Some(2), Some(200))
    );

    let (_, missing) = visit(&crawl.visits, &u("/missing.html"));
    assert_eq!((missing.role, missing.status), (Role::Page, Some(404)));
    assert!(missing.is_broken() && missing.error.is_none() && missing.page.is_none());

    // The redirect ends on /a.html, which the home page links to as well: its links are
    // that page's, not parsed a second time under /old.html.
    let (_, old) = visit(&crawl.visits, &u("/old.html"));
    assert_eq!((old.role, old.status), (Role::Page, Some(200)));
    assert_eq!(old.final_url.as_deref(), Some(u("/a.html").as_str()));
    let hops: Vec<(&str, u16)> = old
        .redirects
        .iter()
        .map(|h| (h.url.as_str(), h.status))
        .collect();
    assert_eq!(hops, [(u("/old.html").as_str(), 301)]);
    assert!(old.page.is_none(), "{old:?}");
    assert!(!old.is_broken());

    // robots.txt kept the crawl from the page: no request, no status, no attempt.
    let (_, secret) = visit(&crawl.visits, &u("/private/secret.html"));
    assert!(secret.robots_disallowed);
    assert_eq!(
        (secret.role, secret.status, secret.attempts, &secret.error),
        (Role::Page, None, 0, &None)
    );
    assert!(!requests(&site.server)
        .iter()
        .any(|(_, t)| t.starts_with("/private/")));

    let (_, nofollow) = visit(&crawl.visits, &u("/nofollow.html"));
    assert!(nofollow.nofollow && !nofollow.noindex);
    assert!(!requests(&site.server)
        .iter()
        .any(|(_, t)| t == "/hidden.html"));

    // Only the sitemap leads to the orphan: crawled last, with no depth and no referrer.
    let (_, orphan) = visit(&crawl.visits, &u("/orphan.html"));
    assert_eq!(
        (orphan.role, orphan.depth, orphan.status, &orphan.found_on),
        (Role::Page, None, Some(200), &None)
    );
    assert_eq!(crawl.sitemap_urls, [u("/"), u("/orphan.html")]);
    assert!(
        crawl.sitemap_errors.is_empty(),
        "{:?}",
        crawl.sitemap_errors
    );

    // A refused connection is a failed visit of kind Connect, with a message naming the URL.
    let (_, refused) = visit(&crawl.visits, &closed);
    assert_eq!(
        (refused.role, refused.status, refused.depth),
        (Role::Check, None, Some(1))
    );
    let error = refused
        .error
        .as_ref()
        .expect("a refused connection is an error");
    assert_eq!(error.kind, ErrorKind::Connect);
    assert!(error.message.contains(&closed), "{}", error.message);
    assert!(refused.is_broken());

    assert!(!crawl.interrupted());
    // Every page that was parsed is HTML and was fetched once (no retries were needed).
    for v in crawl.visits.iter().filter(|v| v.page.is_some()) {
        assert_eq!(v.attempts, 1, "{}", v.url);
        assert_eq!(
            v.content_type.as_deref(),
            Some("text/html; charset=utf-8"),
            "{}",
            v.url
        );
    }
}

#[tokio::test]
async fn the_same_host_on_another_port_is_another_site_checked_but_not_crawled() {
    let (site, crawl) = fixture::crawl_problem_site(fixture::config()).await;
    let other = site.other.url("/elsewhere.html");

    let (index, elsewhere) = visit(&crawl.visits, &other);
    assert_eq!(
        (elsewhere.role, elsewhere.status, elsewhere.depth),
        (Role::Check, Some(200), Some(1))
    );
    assert!(elsewhere.page.is_none() && crawl.links.page(index).is_empty());
    // Checked with HEAD alone: no GET of the page, no robots.txt (robots.txt governs the
    // pages a crawler fetches, not the links it checks), nothing it links to.
    assert_eq!(
        requests(&site.other),
        BTreeSet::from([("HEAD".to_string(), "/elsewhere.html".to_string())])
    );

    let (home, _) = visit(&crawl.visits, &site.url("/"));
    let edges: Vec<_> = crawl
        .links
        .page(home)
        .iter()
        .filter(|e| crawl.links.str(e.target) == other)
        .collect();
    assert_eq!(edges.len(), 1);
    assert_eq!(edges[0].kind, Kind::OtherHost);
    let page = visit(&crawl.visits, &site.url("/"))
        .1
        .page
        .as_ref()
        .unwrap();
    // The other port and the closed port are both 127.0.0.1 on another port.
    assert_eq!(page.kinds.get(Kind::OtherHost), 2);
    assert_eq!(page.kinds.get(Kind::Relative), 7);
    assert_eq!(page.links, 9);
    // The original tool's count compares host and port as typed: both are external.
    assert_eq!((page.counts.internal, page.counts.external), (7, 2));
}

#[tokio::test]
async fn under_scope_domain_another_port_is_the_same_site_and_crawled() {
    let (site, crawl) = fixture::crawl_problem_site(CrawlConfig {
        scope: Scope::Domain,
        check_external: false,
        ..fixture::config()
    })
    .await;

    let other = site.other.url("/elsewhere.html");
    let (index, elsewhere) = visit(&crawl.visits, &other);
    assert_eq!((elsewhere.role, elsewhere.status), (Role::Page, Some(200)));
    assert_eq!(crawl.links.page(index).len(), 1);
    let not_crawled = site.other.url("/not-crawled.html");
    assert_eq!(
        summary(&crawl, &not_crawled),
        (Role::Page, Some(2), Some(404))
    );
    let (home, _) = visit(&crawl.visits, &site.url("/"));
    let kinds: Vec<Kind> = crawl
        .links
        .page(home)
        .iter()
        .filter(|e| crawl.links.str(e.target) == other)
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, [Kind::SameHost]);
    // The other port is its own server, with its own robots.txt, asked for before its pages.
    let asked: Vec<(String, String)> = site
        .other
        .requests()
        .into_iter()
        .map(|r| (r.method, r.target))
        .collect();
    assert_eq!(asked[0], ("GET".to_string(), "/robots.txt".to_string()));
    assert!(asked.contains(&("GET".to_string(), "/elsewhere.html".to_string())));
    // The closed port is a page of the site too; its robots.txt cannot be read, so RFC 9309
    // says nothing of it may be fetched, and the visit says why.
    let (_, refused) = visit(&crawl.visits, &site.closed_link());
    assert!(refused.robots_disallowed);
    assert_eq!(
        refused.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::RobotsUnreadable)
    );
}

#[tokio::test]
async fn the_link_graph_holds_every_link_of_every_parsed_page() {
    let (site, crawl) = fixture::crawl_problem_site(fixture::config()).await;
    let links = &crawl.links;
    let u = |p: &str| site.url(p);

    let per_page = |p: &str| links.page(visit(&crawl.visits, &u(p)).0).len();
    assert_eq!(
        [
            "/",
            "/a.html",
            "/b.html",
            "/nofollow.html",
            "/deep.html",
            "/orphan.html"
        ]
        .map(per_page),
        [9, 4, 2, 1, 3, 1]
    );
    // Visits that were not parsed have no links, the redirect included.
    for p in ["/missing.html", "/old.html", "/private/secret.html"] {
        assert_eq!(per_page(p), 0, "{p}");
    }
    assert_eq!(links.len(), 20);
    assert_eq!(links.iter().count(), 20);

    // The home page's links in document order: line, target (no fragment), fragment.
    let (home, _) = visit(&crawl.visits, &u("/"));
    let got: Vec<(u32, String, &str)> = links
        .page(home)
        .iter()
        .map(|e| {
            (
                e.line,
                links.str(e.target).to_string(),
                links.str(e.fragment),
            )
        })
        .collect();
    let other = site.other.url("/elsewhere.html");
    let want = vec![
        (2, u("/a.html"), ""),
        (3, u("/b.html"), "intro"),
        (4, u("/b.html"), "nowhere"),
        (5, u("/missing.html"), ""),
        (6, u("/old.html"), ""),
        (7, u("/nofollow.html"), ""),
        (8, u("/private/secret.html"), ""),
        (9, other, ""),
        (10, site.closed_link(), ""),
    ];
    assert_eq!(got, want);

    // A nofollow page's links are recorded, though not followed.
    let (nofollow, _) = visit(&crawl.visits, &u("/nofollow.html"));
    let edge = &links.page(nofollow)[0];
    assert_eq!(links.str(edge.target), u("/hidden.html"));

    // A javascript: link has no target; the hostile link keeps its text and fragment intact.
    let (a, _) = visit(&crawl.visits, &u("/a.html"));
    let js = &links.page(a)[2];
    assert_eq!((js.kind, js.target), (Kind::Javascript, NONE));
    assert_eq!(links.str(js.href), "javascript:void(0)");
    let (b, _) = visit(&crawl.visits, &u("/b.html"));
    let hostile = &links.page(b)[1];
    assert_eq!(links.str(hostile.text), HOSTILE_TEXT);
    assert_eq!(links.str(hostile.fragment), HOSTILE_FRAGMENT);
    assert_eq!(links.str(hostile.target), u("/a.html"));

    // Fragment targets are kept for parsed pages only.
    assert!(crawl
        .fragments_of(visit(&crawl.visits, &u("/b.html")).0)
        .contains("intro"));
    assert!(!crawl
        .fragments_of(visit(&crawl.visits, &u("/b.html")).0)
        .contains("nowhere"));
    assert!(!crawl
        .fragments_of(visit(&crawl.visits, &u("/missing.html")).0)
        .contains("intro"));
}

#[tokio::test]
async fn max_pages_parses_that_many_pages_and_checks_the_rest() {
    let (site, crawl) = fixture::crawl_problem_site(CrawlConfig {
        max_pages: Some(2),
        ..fixture::config()
    })
    .await;
    // The seed, then the first link of the seed in document order.
    assert_eq!(
        pages(&crawl),
        BTreeSet::from([site.url("/").as_str(), site.url("/a.html").as_str()])
    );
    for p in ["/b.html", "/deep.html"] {
        let (i, v) = visit(&crawl.visits, &site.url(p));
        assert_eq!((v.role, v.status), (Role::Check, Some(200)), "{p}");
        assert!(v.page.is_none() && crawl.links.page(i).is_empty(), "{p}");
    }
    // No link leads to the sitemap's orphan: past the budget it is not even checked, only
    // counted with the URLs the budget cut.
    assert!(crawl
        .visits
        .iter()
        .all(|v| !v.url.ends_with("/orphan.html")));
    let cut = crawl
        .cuts
        .iter()
        .find(|c| c.limit == hrefs::crawl::Limit::MaxPages)
        .expect("the page budget cut");
    // /b.html, /missing.html, /old.html, /nofollow.html and /private/secret.html from the
    // seed, /deep.html from /a.html, and the orphan.
    assert_eq!((cut.setting, cut.urls), (2, 7));
    assert_eq!(crawl.ending, hrefs::crawl::Ending::Complete);
    assert_eq!(
        summary(&crawl, &site.url("/missing.html")),
        (Role::Check, Some(1), Some(404))
    );
}

#[tokio::test]
async fn urls_past_what_a_sitemap_may_list_are_a_cut_naming_the_file() {
    let listed: String = (0..hrefs::sitemap::MAX_URLS + 3)
        .map(|i| format!("{{origin}}/listed-{i}.html\n"))
        .collect();
    let server = test_server::TestServer::start(vec![
        ("/", test_server::Route::html("<p>no links</p>")),
        (
            "/robots.txt",
            test_server::Route::status(200)
                .content_type("text/plain")
                .body("Sitemap: {origin}/a.txt\nSitemap: {origin}/b.txt\n"),
        ),
        (
            "/a.txt",
            test_server::Route::status(200).body(listed.clone()),
        ),
        ("/b.txt", test_server::Route::status(200).body(listed)),
    ]);
    // A page budget of one keeps the listed pages from being fetched: they are only counted.
    let config = CrawlConfig {
        max_pages: Some(1),
        ..fixture::config()
    };
    let seed = url::Url::parse(&server.url("/")).unwrap();
    let crawl = fixture::crawl(&seed, &config).await;
    let cut = crawl
        .cuts
        .iter()
        .find(|c| c.limit == hrefs::crawl::Limit::SitemapUrls)
        .expect("the sitemap cut");
    let first = [server.url("/a.txt"), server.url("/b.txt")];
    assert_eq!((cut.setting, cut.urls), (50_000, 6));
    assert!(first.contains(&cut.example), "{cut:?}");
    assert!(
        crawl.sitemap_errors.is_empty(),
        "{:?}",
        crawl.sitemap_errors
    );
}

#[tokio::test]
async fn max_depth_checks_the_pages_past_it_without_fetching_their_bodies() {
    let (site, crawl) = fixture::crawl_problem_site(CrawlConfig {
        max_depth: Some(1),
        ..fixture::config()
    })
    .await;
    assert_eq!(
        summary(&crawl, &site.url("/deep.html")),
        (Role::Check, Some(2), Some(200))
    );
    let deep: Vec<String> = site
        .server
        .requests()
        .into_iter()
        .filter(|r| r.target == "/deep.html")
        .map(|r| r.method)
        .collect();
    assert_eq!(deep, ["HEAD"]);
    // Depth 1 is within the limit; a sitemap page has no depth, so no depth limit applies.
    for p in ["/a.html", "/b.html", "/nofollow.html", "/orphan.html"] {
        assert_eq!(visit(&crawl.visits, &site.url(p)).1.role, Role::Page, "{p}");
    }
}

#[tokio::test]
async fn include_and_exclude_patterns_choose_the_pages() {
    let site = problem_site();
    let origin = site.url("");
    let origin = origin.trim_end_matches('/');

    let only_b = CrawlConfig {
        include: vec![format!("{origin}/"), "*/b.html".to_string()],
        ..fixture::config()
    };
    let crawl = fixture::crawl(&site.seed(), &only_b).await;
    assert_eq!(
        pages(&crawl),
        BTreeSet::from([site.url("/").as_str(), site.url("/b.html").as_str()])
    );
    // Not included is checked, not ignored.
    assert_eq!(
        summary(&crawl, &site.url("/a.html")),
        (Role::Check, Some(1), Some(200))
    );

    let without_b = CrawlConfig {
        exclude: vec!["*/b.html".to_string(), "*/nofollow*".to_string()],
        ..fixture::config()
    };
    let crawl = fixture::crawl(&site.seed(), &without_b).await;
    for p in ["/b.html", "/nofollow.html"] {
        let (i, v) = visit(&crawl.visits, &site.url(p));
        assert_eq!((v.role, v.status), (Role::Check, Some(200)), "{p}");
        assert!(crawl.links.page(i).is_empty(), "{p}");
    }
    for p in ["/", "/a.html", "/deep.html", "/orphan.html"] {
        assert!(pages(&crawl).contains(site.url(p).as_str()), "{p}");
    }
}

#[tokio::test]
async fn a_stopped_crawl_says_so_and_keeps_what_it_found() {
    let site = problem_site();
    // Stop as soon as the first visit (the home page) is handed over.
    let (first_done, stop) = tokio::sync::oneshot::channel::<()>();
    let mut first_done = Some(first_done);
    let crawl = hrefs::crawl::crawl(
        &site.seed(),
        &fixture::config(),
        &fixture::fetcher(),
        async {
            let _ = stop.await;
        },
        |_, _, _| {
            if let Some(tx) = first_done.take() {
                let _ = tx.send(());
            }
            Ok(())
        },
    )
    .await
    .unwrap();
    assert!(crawl.interrupted());
    let (home, _) = visit(&crawl.visits, &site.url("/"));
    assert_eq!(crawl.links.page(home).len(), 9);
    // The home page's nine links were queued, not all done (11 URLs in a whole crawl).
    assert!(crawl.visits.len() < 11, "{:?}", crawl.visits);
    let report = hrefs::site_report::SiteReport::new(crawl);
    assert!(report.summary.interrupted);
}

#[tokio::test]
async fn each_visit_is_handed_over_once_as_it_completes() {
    let site = problem_site();
    let mut seen: Vec<(Visit, Option<usize>, usize)> = Vec::new();
    let crawl = hrefs::crawl::crawl(
        &site.seed(),
        &fixture::config(),
        &fixture::fetcher(),
        std::future::pending(),
        |visit, links, progress| {
            seen.push((visit.clone(), links.map(|l| l.len()), progress.done));
            Ok(())
        },
    )
    .await
    .unwrap();
    // The same visits (the crawl then sorts them, and settles click depths from the whole
    // link graph).
    let strip = |vs: &mut dyn Iterator<Item = &Visit>| -> Vec<(String, Option<u16>)> {
        let mut vs: Vec<_> = vs.map(|v| (v.url.clone(), v.status)).collect();
        vs.sort();
        vs
    };
    assert_eq!(
        strip(&mut seen.iter().map(|(v, _, _)| v)),
        strip(&mut crawl.visits.iter())
    );
    let done: Vec<usize> = seen.iter().map(|(_, _, d)| *d).collect();
    assert_eq!(done, (1..=crawl.visits.len()).collect::<Vec<_>>());
    // A parsed page comes with its links; anything else without.
    for (v, links, _) in &seen {
        let (i, _) = visit(&crawl.visits, &v.url);
        let want = v.page.as_ref().map(|_| crawl.links.page(i).len());
        assert_eq!(*links, want, "{}", v.url);
    }
}

#[tokio::test]
async fn an_error_from_the_visit_callback_ends_the_crawl() {
    let site = problem_site();
    let mut calls = 0;
    let err = hrefs::crawl::crawl(
        &site.seed(),
        &fixture::config(),
        &fixture::fetcher(),
        std::future::pending(),
        |_, _, _| {
            calls += 1;
            Err(std::io::Error::other("disk full"))
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "disk full");
    assert_eq!(calls, 1);
}

/// Asserts `got == want`, showing where they part rather than two whole crawls.
fn assert_same_text(got: &str, want: &str) {
    let mut at = got
        .bytes()
        .zip(want.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(want.len()));
    // Both agree up to `at`: a character boundary in one is one in the other.
    while !got.is_char_boundary(at) {
        at -= 1;
    }
    let from = got[..at].char_indices().rev().nth(60).map_or(0, |(i, _)| i);
    let around = |s: &str| s[from..].chars().take(120).collect::<String>();
    assert!(
        got == want,
        "they differ at byte {at}:\n got: {}\nwant: {}",
        around(got),
        around(want)
    );
}

/// A crawl reads back from JSON as it was, and writes again to the same bytes: a shard's
/// crawl can be written, moved and merged elsewhere.
#[tokio::test]
async fn a_crawl_round_trips_through_json() {
    let (site, mut crawl) = fixture::crawl_problem_site(fixture::config()).await;
    // Timings are whatever the clock said, and about one such f64 in ten loses its last bit
    // through serde_json's default float parser (2123.8429889999998 reads back as
    // 2123.842989): with the visits' own timings alone this failed about 6 runs in 10.
    // Pinning one such value makes the test fail every time while floats do not survive,
    // and pass every time once they do.
    crawl.elapsed_ms = 2_123.842_988_999_999_8;
    let json = serde_json::to_string(&crawl).unwrap();
    let read: Crawl = serde_json::from_str(&json).unwrap();
    assert_same_text(&serde_json::to_string(&read).unwrap(), &json);
    assert!(
        read == crawl,
        "the crawl read back differs from the crawl written"
    );
    // What the audit needs reads back too: string lookups and fragment targets.
    let (b, _) = visit(&read.visits, &site.url("/b.html"));
    assert!(read.fragments_of(b).contains("intro"));
    assert_eq!(
        read.links.find(&site.url("/a.html")),
        crawl.links.find(&site.url("/a.html"))
    );
    assert_eq!(hrefs::audit::audit(&read), hrefs::audit::audit(&crawl));
}
