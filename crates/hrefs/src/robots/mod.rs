//! robots.txt: which URLs of a site a crawler may fetch, how long it should wait between
//! requests and which sitemaps the site announces.
//!
//! This follows RFC 9309, the Robots Exclusion Protocol, plus the two records most crawlers also
//! honour: `crawl-delay` and `sitemap`. A [`Robots`] keeps only what applies to our product
//! token, so asking about a URL is a walk over one group's rules. A robots.txt file governs one
//! origin (scheme, host and port): the crawler needs one [`Robots`] per origin it visits.
//!
//! A robots.txt file is written by the site, so it may be hostile: the file is read up to
//! [`MAX_SIZE`], patterns up to [`MAX_PATTERN`] and rules up to [`MAX_RULES`], and matching
//! takes time linear in the URL's length for each rule (see `pattern.rs`). What was cut is
//! listed by [`Robots::problems`].
//!
//! ```
//! use hrefs::robots::Robots;
//! use url::Url;
//!
//! let robots = Robots::parse(b"User-agent: *\nDisallow: /private/\n", "href-counter");
//! assert!(robots.allowed(&Url::parse("https://example.com/docs").unwrap()));
//! assert!(!robots.allowed(&Url::parse("https://example.com/private/x").unwrap()));
//! ```

mod parse;
mod pattern;

use std::fmt;
use std::time::Duration;

use url::Url;

use pattern::{canonicalize, Pattern};

/// How much of a robots.txt file is read: RFC 9309 asks crawlers to parse at least 500 KiB, and
/// a crawler need not download more.
pub const MAX_SIZE: usize = 500 * 1024;

/// The longest pattern read, in octets of its canonical form (escapes count three): Google's
/// open-source parser keeps the first 2083 × 8 octets of a line, less one, and drops the rest
/// (2083 was the longest URL old browsers took); we hold the pattern itself to that.
///
/// A longer `disallow` pattern is cut to this length, as Google cuts the line: it then
/// disallows more than written, never less. A longer `allow` pattern is ignored instead, since
/// cut it would allow more than written. Either way [`Robots::problems`] says so.
pub const MAX_PATTERN: usize = 2083 * 8;

/// The most rules read for our crawler (its groups merged); later ones are ignored and
/// [`Robots::problems`] says how many.
///
/// Matching a URL costs up to one pass over it per rule with a `*`, so this bounds the time a
/// robots.txt can make each URL of a crawl take: about 20 ms for a 20,000-octet URL against
/// 10,000 such rules. Real files stay far below the cap: a few thousand rules is already rare.
/// Google sets no such cap, but its 500 KiB limit alone allows some 40,000 short rules.
pub const MAX_RULES: usize = 10_000;

/// The rules of one robots.txt file for one user agent.
///
/// [`Robots::default`] allows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    /// Our group's rules, most specific first, so that the first match decides.
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
    sitemaps: Vec<Url>,
    problems: Vec<Problem>,
}

/// One `allow` or `disallow` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: Pattern,
}

/// A part of a robots.txt file that was not read as written, because of a limit that keeps a
/// hostile file from stalling the crawl. Only what concerns our crawler's rules is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The file is longer than [`MAX_SIZE`]: it was read up to the last line ending before
    /// that limit.
    Truncated,
    /// This many `allow` rules had patterns longer than [`MAX_PATTERN`] and were ignored.
    LongAllowsIgnored(usize),
    /// This many `disallow` rules had patterns longer than [`MAX_PATTERN`] and were cut to it.
    LongDisallowsCut(usize),
    /// This many rules came after the first [`MAX_RULES`] and were ignored.
    RulesIgnored(usize),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Problem::Truncated => write!(f, "file truncated at {} KiB", MAX_SIZE / 1024),
            Problem::LongAllowsIgnored(n) => {
                write!(f, "{n} allow rules longer than {MAX_PATTERN} bytes ignored")
            }
            Problem::LongDisallowsCut(n) => {
                write!(f, "{n} disallow rules cut to {MAX_PATTERN} bytes")
            }
            Problem::RulesIgnored(n) => write!(f, "{n} rules past the first {MAX_RULES} ignored"),
        }
    }
}

impl Robots {
    /// Reads a robots.txt body for the crawler whose product token is `user_agent`.
    ///
    /// `user_agent` may be a full product such as `href-counter/0.1`: only its token (the
    /// leading letters, `-` and `_`) is compared, case-insensitively, with the token of each
    /// `user-agent` line. The groups naming our token apply, merged into one; when none does,
    /// the `*` groups do; when there are neither, nothing is disallowed.
    ///
    /// Only the first [`MAX_SIZE`] bytes are read, and a line cut by that limit is dropped
    /// rather than read as a shorter, different rule. Patterns and rules past [`MAX_PATTERN`]
    /// and [`MAX_RULES`] are handled as those say.
    pub fn parse(body: &[u8], user_agent: &str) -> Robots {
        parse::parse(body, user_agent)
    }

    /// Rules that allow every URL: what a missing robots.txt means.
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Rules that disallow every URL but `/robots.txt`: what an unreachable robots.txt means.
    pub fn disallow_all() -> Robots {
        Robots {
            rules: vec![Rule {
                allow: false,
                pattern: Pattern::new(b"/"),
            }],
            ..Robots::default()
        }
    }

    /// The rules a robots.txt response means, from its final HTTP status (after redirects) and
    /// body, as RFC 9309 section 2.3.1 says:
    ///
    /// - 2xx: the body is parsed;
    /// - 3xx (redirects not followed, or more than five of them) and 4xx, such as 404: the file
    ///   is unavailable, and everything is allowed;
    /// - 5xx: the server is unreachable, and everything is disallowed until the file can be read.
    ///
    /// 429 Too Many Requests is read as a server error, not a missing file, because it asks
    /// the crawler to slow down; any other status is read the same way. A network error is
    /// unreachable too: use [`Robots::disallow_all`].
    pub fn from_status(status: u16, body: &[u8], user_agent: &str) -> Robots {
        match status {
            200..=299 => Robots::parse(body, user_agent),
            429 => Robots::disallow_all(),
            300..=499 => Robots::allow_all(),
            _ => Robots::disallow_all(),
        }
    }

    /// Whether our crawler may fetch `url`.
    ///
    /// Rules are matched against the path and query (not the fragment), the longest matching
    /// pattern decides, and `allow` wins a tie. Both sides are compared with percent-encoding
    /// in one canonical form, so `/a%3cb` matches `/a%3Cb` and a rule written `/ツ` matches
    /// the URL path `/%E3%83%84`. `/robots.txt` itself is always allowed.
    pub fn allowed(&self, url: &Url) -> bool {
        if url.path() == "/robots.txt" {
            return true;
        }
        let mut target = Vec::with_capacity(url.path().len() + 16);
        canonicalize(url.path().as_bytes(), &mut target);
        if let Some(query) = url.query() {
            target.push(b'?');
            canonicalize(query.as_bytes(), &mut target);
        }
        self.rules
            .iter()
            .find(|rule| rule.pattern.matches(&target))
            .is_none_or(|rule| rule.allow)
    }

    /// The `crawl-delay` of our group, if it gives a valid number of seconds (fractions
    /// allowed). When merged groups give several, the longest is kept.
    pub fn crawl_delay(&self) -> Option<Duration> {
        self.crawl_delay
    }

    /// The absolute `http(s)` URLs of the `sitemap` lines, in file order, whatever group they
    /// appear in. Relative and invalid values are left out.
    pub fn sitemaps(&self) -> &[Url] {
        &self.sitemaps
    }
    /// What was not read as written because of [`MAX_SIZE`], [`MAX_PATTERN`] or
    /// [`MAX_RULES`], in that order; empty for an ordinary file. The rules above already
    /// account for it: this is for reports, so that a site learns why the crawl did not
    /// follow its file to the letter.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const AGENT: &str = "href-counter";

    pub(super) fn url(path: &str) -> Url {
        Url::parse("https://example.com")
            .unwrap()
            .join(path)
            .unwrap()
    }

    /// Asserts the verdict for each `(path, allowed)` pair.
    pub(super) fn check(robots: &Robots, cases: &[(&str, bool)]) {
        for &(path, want) in cases {
            assert_eq!(robots.allowed(&url(path)), want, "{path}");
        }
    }

    /// The example file of RFC 9309 section 5.1, read by each of its crawlers.
    #[test]
    fn rfc_example_groups() {
        let file = b"User-Agent: *\n\
            Disallow: *.gif$\n\
            Disallow: /example/\n\
            Allow: /publications/\n\
            \n\
            User-Agent: foobot\n\
            Disallow:/\n\
            Allow:/example/page.html\n\
            Allow:/example/allowed.gif\n\
            \n\
            User-Agent: barbot\n\
            User-Agent: bazbot\n\
            Disallow: /example/page.html\n\
            \n\
            User-Agent: quxbot\n\
            \n\
            EOF\n";
        let other = Robots::parse(file, "otherbot");
        check(
            &other,
            &[
                ("/", true),
                ("/a.gif", false),
                ("/a.gif?x", true),
                ("/example/", false),
                ("/example/page.html", false),
                ("/publications/", true),
            ],
        );
        let foobot = Robots::parse(file, "foobot");
        check(
            &foobot,
            &[
                ("/", false),
                ("/example/page.html", true),
                ("/example/allowed.gif", true),
                ("/example/other.html", false),
            ],
        );
        for agent in ["barbot", "bazbot"] {
            let robots = Robots::parse(file, agent);
            check(
                &robots,
                &[
                    ("/example/page.html", false),
                    ("/example/other.html", true),
                    ("/a.gif", true),
                ],
            );
        }
        check(
            &Robots::parse(file, "quxbot"),
            &[("/", true), ("/example/page.html", true), ("/a.gif", true)],
        );
    }

    /// RFC 9309 section 5.2: the longest match wins, whatever the order of the lines.
    #[test]
    fn rfc_longest_match() {
        let robots = Robots::parse(
            b"User-Agent: foobot\n\
              Allow: /example/page/\n\
              Disallow: /example/page/disallowed.gif\n",
            "foobot",
        );
        check(
            &robots,
            &[
                ("/example/page/", true),
                ("/example/page/allowed.gif", true),
                ("/example/page/disallowed.gif", false),
            ],
        );
    }

    #[test]
    fn wildcards_and_end_anchor() {
        let robots = Robots::parse(
            b"user-agent: *\n\
              disallow: /*.php$\n\
              disallow: /private*/\n\
              disallow: /exact$\n\
              disallow: /**/tmp/**x\n\
              disallow: /*?sort=\n",
            AGENT,
        );
        check(
            &robots,
            &[
                ("/index.php", false),
                ("/dir/index.php", false),
                ("/index.php?x=1", true),
                ("/index.php5", true),
                ("/private/", false),
                ("/private-stuff/a", false),
                ("/private", true),
                ("/exact", false),
                ("/exact/", true),
                ("/exactly", true),
                ("/a/b/tmp/cx", false),
                ("/a/b/tmp/c", true),
                ("/list?sort=asc", false),
                ("/list?page=2&sort=asc", true),
                ("/list", true),
            ],
        );
    }

    #[test]
    fn longest_match_wins_and_allow_wins_ties() {
        let robots = Robots::parse(
            b"User-agent: *\n\
              Disallow: /folder\n\
              Allow: /folder\n\
              Disallow: /\n\
              Allow: /p\n\
              Disallow: /page$\n\
              Allow: /*.html\n\
              Disallow: /ab.html\n\
              Disallow: /c.html\n",
            AGENT,
        );
        check(
            &robots,
            &[
                ("/folder/x", true),
                ("/x", false),
                ("/page", false),
                ("/pages", true),
                ("/b.html", true),
                ("/ab.html", false),
                ("/c.html", true),
            ],
        );
    }

    #[test]
    fn empty_and_missing_rules_allow_everything() {
        let empty = Robots::parse(b"User-agent: *\nDisallow:\n", AGENT);
        check(&empty, &[("/", true), ("/anything", true)]);
        let none = Robots::parse(b"", AGENT);
        check(&none, &[("/", true), ("/x", true)]);
        let no_groups = Robots::parse(b"Disallow: /\nSitemap: https://e.com/s.xml\n", AGENT);
        check(&no_groups, &[("/x", true)]);
        assert_eq!(no_groups.sitemaps().len(), 1);
    }

    #[test]
    fn percent_encoding_is_compared_canonically() {
        let robots = Robots::parse(
            "User-agent: *\n\
             Disallow: /a%3cb\n\
             Disallow: /%7Euser/\n\
             Disallow: /caf\u{e9}\n\
             Disallow: /\u{30c4}/$\n\
             Disallow: /sp ace\n\
             Disallow: /q?x=%2f\n\
             Disallow: /lit%2A\n"
                .as_bytes(),
            AGENT,
        );
        check(
            &robots,
            &[
                ("/a%3Cb", false),
                ("/a%3cb", false),
                ("/a<b", false),
                ("/~user/x", false),
                ("/%7euser/x", false),
                ("/caf%C3%A9", false),
                ("/caf%c3%a9", false),
                ("/caf\u{e9}", false),
                ("/cafe", true),
                ("/%E3%83%84/", false),
                ("/\u{30c4}/", false),
                ("/\u{30c4}/x", true),
                ("/sp%20ace", false),
                ("/q?x=%2F", false),
                ("/q?x=/", true),
                ("/lit*", true),
                ("/lit%2a", false),
            ],
        );
        // Escapes of unreserved characters mean the characters themselves.
        let robots = Robots::parse(b"User-agent: *\nDisallow: /%62%61%7A\n", AGENT);
        check(&robots, &[("/baz", false), ("/bar", true)]);
        let robots = Robots::parse(b"User-agent: *\nDisallow: /baz\n", AGENT);
        check(&robots, &[("/%62%61%7a", false)]);
    }

    #[test]
    fn query_is_matched_but_fragment_is_not() {
        let robots = Robots::parse(b"User-agent: *\nDisallow: /*?\nDisallow: /f#x\n", AGENT);
        check(
            &robots,
            &[
                ("/p?q", false),
                ("/p?", false),
                ("/p", true),
                ("/p#frag", true),
            ],
        );
        // `#` starts a comment, so the second rule is `/f`.
        check(&robots, &[("/f", false), ("/fx", false)]);
    }

    #[test]
    fn robots_txt_is_always_allowed() {
        let robots = Robots::parse(b"User-agent: *\nDisallow: /\n", AGENT);
        check(
            &robots,
            &[("/robots.txt", true), ("/robots.txt.bak", false)],
        );
        assert!(Robots::disallow_all().allowed(&url("/robots.txt")));
    }

    #[test]
    fn status_decides_before_the_body() {
        let body = b"User-agent: *\nDisallow: /x\n";
        check(
            &Robots::from_status(200, body, AGENT),
            &[("/x", false), ("/y", true)],
        );
        for status in [301, 400, 401, 403, 404, 410] {
            check(
                &Robots::from_status(status, body, AGENT),
                &[("/x", true), ("/y", true)],
            );
        }
        for status in [429, 500, 503, 0, 102, 600] {
            check(
                &Robots::from_status(status, body, AGENT),
                &[("/x", false), ("/y", false), ("/", false)],
            );
        }
        assert_eq!(Robots::allow_all(), Robots::parse(b"", AGENT));
    }

    /// The file of issue 12: 400 rules whose middle piece almost matches everywhere in
    /// 20,000-octet paths. Matching that cost pattern × path per rule took seconds a URL.
    #[test]
    fn hostile_rules_on_long_paths() {
        let mut file = String::from("User-agent: *\n");
        for _ in 0..400 {
            file.push_str(&format!("Disallow: /*{}*b\n", "a".repeat(1000)));
        }
        let robots = Robots::parse(file.as_bytes(), AGENT);
        assert_eq!(robots.problems(), []);
        let near_miss = format!("/{}", format!("{}c", "a".repeat(999)).repeat(20));
        let hit = format!("{near_miss}{}b", "a".repeat(1000));
        check(&robots, &[(&near_miss, true), (&hit, false)]);
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = test_server::Rng::new(0x2545_F491_4F6C_DD1D);
        let alphabet = b"*$%/?#:\n\r \tAaZz09\xC3\xA9\xFFuser-agentdisallow";
        for _ in 0..500 {
            let len = rng.below(200);
            let body: Vec<u8> = (0..len).map(|_| *rng.pick(alphabet)).collect();
            let mut file = b"User-agent: *\nDisallow: ".to_vec();
            file.extend_from_slice(&body);
            let robots = Robots::parse(&file, AGENT);
            let path = String::from_utf8_lossy(&body).replace(['#', '\n', '\r'], "");
            if let Ok(target) = Url::parse("https://example.com/").unwrap().join(&path) {
                robots.allowed(&target);
            }
        }
    }
}
