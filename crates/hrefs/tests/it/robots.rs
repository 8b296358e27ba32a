//! robots.txt files that would stall a crawler, or that are too big to read whole: the crawl
//! still ends, with the verdicts the rules that were read give.

use std::sync::mpsc;
use std::time::Duration;

use hrefs::crawl::Crawl;
use test_server::{Route, TestServer};
use url::Url;

use crate::fixture::{self, visit};

/// How long a crawl of a few pages may take, however hostile its robots.txt: generous for a
/// debug build on a busy machine, and still far below what the pattern × path matcher of
/// issue 12 needed (seconds per URL, for each of the pages below).
const DEADLINE: Duration = Duration::from_secs(20);

/// Crawls the site of `server` from `/`, failing the test if that takes longer than
/// [`DEADLINE`].
///
/// The crawl runs on its own thread because a stalled robots.txt check is CPU-bound: it never
/// yields, so a timer on the crawl's own runtime would only fire once the check was over.
fn crawl_within_deadline(server: &TestServer) -> Crawl {
    let seed = Url::parse(&server.url("/")).expect("a test server URL parses");
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime builds");
        // The paths run past the default URL length limit, which would only check them:
        // robots.txt is matched for pages crawled.
        let config = hrefs::crawl::CrawlConfig {
            max_url_length: 0,
            ..fixture::config()
        };
        let crawl = runtime.block_on(fixture::crawl(&seed, &config));
        // The test may have given up waiting: nobody to tell then.
        let _ = done.send(crawl);
    });
    finished
        .recv_timeout(DEADLINE)
        .unwrap_or_else(|_| panic!("the crawl did not end within {DEADLINE:?}"))
}

#[test]
fn a_hostile_robots_txt_on_long_paths_does_not_stall_the_crawl() {
    // 400 rules whose middle piece, 1,000 `a`s, almost matches at every octet of paths made
    // of runs of 999 `a`s.
    let rule = format!("Disallow: /*{}*b\n", "a".repeat(1000));
    let robots = format!("User-agent: *\n{}", rule.repeat(400));
    let near_miss = |i: usize| format!("/{}{i}", format!("{}c", "a".repeat(999)).repeat(20));
    let hit = |i: usize| format!("{}{}b", near_miss(i), "a".repeat(1000));
    let allowed: Vec<String> = (0..10).map(near_miss).collect();
    let disallowed: Vec<String> = (0..3).map(hit).collect();
    assert!(allowed.iter().all(|p| p.len() > 20_000));

    let home: String = allowed
        .iter()
        .chain(&disallowed)
        .map(|path| format!("<a href=\"{path}\">long</a>\n"))
        .collect();
    let mut routes = vec![
        ("/", Route::html(home)),
        (
            "/robots.txt",
            Route::html(robots).content_type("text/plain"),
        ),
    ];
    for path in allowed.iter().chain(&disallowed) {
        routes.push((path.as_str(), Route::html("<p>a long way down</p>")));
    }
    let server = TestServer::start(routes);
    let crawl = crawl_within_deadline(&server);

    for path in &allowed {
        let (_, page) = visit(&crawl.visits, &server.url(path));
        assert_eq!((page.status, page.robots_disallowed), (Some(200), false));
    }
    for path in &disallowed {
        let (_, page) = visit(&crawl.visits, &server.url(path));
        assert_eq!((page.status, page.robots_disallowed), (None, true));
    }
    // Each allowed page was fetched once, no disallowed one ever.
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    for path in &allowed {
        assert_eq!(targets.iter().filter(|t| *t == path).count(), 1);
    }
    assert!(disallowed.iter().all(|path| !targets.contains(path)));
}

#[test]
fn a_robots_txt_past_500_kib_is_read_up_to_the_limit_not_refused() {
    let mut robots = String::from("User-agent: *\nDisallow: /early\n");
    while robots.len() < hrefs::robots::MAX_SIZE {
        robots.push_str("# padding, as some generated files have\n");
    }
    robots.push_str("Disallow: /late\n");
    let server = TestServer::start(vec![
        (
            "/",
            Route::html("<a href=\"/early\">early</a> <a href=\"/late\">late</a>"),
        ),
        (
            "/robots.txt",
            Route::html(robots).content_type("text/plain"),
        ),
        ("/early", Route::html("<p>early</p>")),
        ("/late", Route::html("<p>late</p>")),
    ]);
    let crawl = crawl_within_deadline(&server);

    let (_, early) = visit(&crawl.visits, &server.url("/early"));
    assert_eq!((early.status, early.robots_disallowed), (None, true));
    // The rule past the limit was not read; a refused file would have disallowed everything.
    let (_, late) = visit(&crawl.visits, &server.url("/late"));
    assert_eq!((late.status, late.robots_disallowed), (Some(200), false));
}
