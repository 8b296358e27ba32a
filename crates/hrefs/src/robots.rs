//! robots.txt: which URLs of a site a crawler may fetch, how long it should wait between
//! requests and which sitemaps the site announces.
//!
//! This follows RFC 9309, the Robots Exclusion Protocol, plus the two records most crawlers also
//! honour: `crawl-delay` and `sitemap`. A [`Robots`] keeps only what applies to our product
//! token, so asking about a URL is a walk over one group's rules. A robots.txt file governs one
//! origin (scheme, host and port): the crawler needs one [`Robots`] per origin it visits.
//!
//! ```
//! use hrefs::robots::Robots;
//! use url::Url;
//!
//! let robots = Robots::parse(b"User-agent: *\nDisallow: /private/\n", "href-counter");
//! assert!(robots.allowed(&Url::parse("https://example.com/docs").unwrap()));
//! assert!(!robots.allowed(&Url::parse("https://example.com/private/x").unwrap()));
//! ```

use std::time::Duration;

use url::Url;

use crate::url::escape_at;

/// How much of a robots.txt file is read: RFC 9309 asks crawlers to parse at least 500 KiB, and
/// a crawler need not download more.
pub const MAX_SIZE: usize = 500 * 1024;

/// The rules of one robots.txt file for one user agent.
///
/// [`Robots::default`] allows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    /// Our group's rules, most specific first, so that the first match decides.
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
    sitemaps: Vec<Url>,
}

/// One `allow` or `disallow` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    pattern: Pattern,
}

/// A path pattern in canonical form (see [`canonicalize`]): `*` matches any run of octets, and
/// a pattern matches any path it is a prefix of unless it ended in `$`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    /// The pattern without its `$`, repeated `*` collapsed.
    bytes: Vec<u8>,
    anchored: bool,
    /// Octets of the canonical pattern as written, `*` and `$` included: the RFC's measure of
    /// how specific a rule is.
    specificity: usize,
}

/// The rules gathered for one kind of group while reading the file.
#[derive(Default)]
struct Collected {
    seen: bool,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
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
    /// rather than read as a shorter, different rule.
    pub fn parse(body: &[u8], user_agent: &str) -> Robots {
        let me = product_token(user_agent.trim().as_bytes());
        let body = match body.get(..=MAX_SIZE) {
            Some(head) => &head[..head.iter().rposition(|&b| is_eol(b)).unwrap_or(0)],
            None => body,
        };
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);

        let (mut ours, mut star) = (Collected::default(), Collected::default());
        let mut sitemaps = Vec::new();
        // Which collections the current group feeds, and whether its user-agent lines are
        // still being read: the first rule after them ends the list, and the next
        // user-agent line then starts a new group.
        let (mut for_us, mut for_star, mut reading_agents) = (false, false, false);
        for line in body.split(|&b| is_eol(b)) {
            let line = match line.iter().position(|&b| b == b'#') {
                Some(hash) => &line[..hash],
                None => line,
            };
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let key = line[..colon].trim_ascii();
            let value = line[colon + 1..].trim_ascii();
            if key.eq_ignore_ascii_case(b"user-agent") {
                if !reading_agents {
                    (for_us, for_star, reading_agents) = (false, false, true);
                }
                if value == b"*" {
                    for_star = true;
                    star.seen = true;
                } else if !me.is_empty() && product_token(value).eq_ignore_ascii_case(me) {
                    for_us = true;
                    ours.seen = true;
                }
                continue;
            }
            if key.eq_ignore_ascii_case(b"sitemap") {
                sitemaps.extend(web_url(value));
                continue;
            }
            let record = if key.eq_ignore_ascii_case(b"allow") {
                Record::Rule(true)
            } else if key.eq_ignore_ascii_case(b"disallow") {
                Record::Rule(false)
            } else if key.eq_ignore_ascii_case(b"crawl-delay") {
                Record::CrawlDelay
            } else {
                continue;
            };
            reading_agents = false;
            for (applies, collected) in [(for_us, &mut ours), (for_star, &mut star)] {
                if applies {
                    collected.add(record, value);
                }
            }
        }

        let chosen = if ours.seen { ours } else { star };
        let mut rules = chosen.rules;
        // Longest pattern first; at equal length allow comes first, since the RFC says it wins.
        rules.sort_by(|a, b| {
            (b.pattern.specificity, b.allow).cmp(&(a.pattern.specificity, a.allow))
        });
        Robots {
            rules,
            crawl_delay: chosen.crawl_delay,
            sitemaps,
        }
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
}

/// A line that belongs to a group.
#[derive(Clone, Copy)]
enum Record {
    /// `allow` (true) or `disallow` (false).
    Rule(bool),
    CrawlDelay,
}

impl Collected {
    fn add(&mut self, record: Record, value: &[u8]) {
        match record {
            // An empty rule matches nothing: `Disallow:` alone is how a file allows everything.
            Record::Rule(_) if value.is_empty() => {}
            Record::Rule(allow) => self.rules.push(Rule {
                allow,
                pattern: Pattern::new(value),
            }),
            Record::CrawlDelay => {
                if let Some(delay) = parse_delay(value) {
                    self.crawl_delay = self.crawl_delay.max(Some(delay));
                }
            }
        }
    }
}

impl Pattern {
    fn new(raw: &[u8]) -> Pattern {
        let (raw, anchored) = match raw.strip_suffix(b"$") {
            Some(rest) => (rest, true),
            None => (raw, false),
        };
        let mut bytes = Vec::with_capacity(raw.len());
        canonicalize(raw, &mut bytes);
        let specificity = bytes.len() + usize::from(anchored);
        bytes.dedup_by(|b, a| *a == b'*' && *b == b'*');
        Pattern {
            bytes,
            anchored,
            specificity,
        }
    }

    /// Whether the pattern matches `text` (a canonical path and query) from its start.
    ///
    /// Wildcard matching that remembers only the last `*`: when a later literal fails, that
    /// `*` swallows one more octet and matching resumes after it. With no other
    /// metacharacters this never misses a match, and it needs no allocation.
    fn matches(&self, text: &[u8]) -> bool {
        let pattern = &self.bytes;
        let (mut p, mut t) = (0, 0);
        let mut last_star: Option<(usize, usize)> = None;
        loop {
            if pattern.get(p) == Some(&b'*') {
                p += 1;
                last_star = Some((p, t));
                continue;
            }
            match pattern.get(p) {
                None if !self.anchored || t == text.len() => return true,
                Some(&want) if text.get(t) == Some(&want) => {
                    p += 1;
                    t += 1;
                    continue;
                }
                _ => {}
            }
            match last_star {
                Some((after_star, swallowed)) if swallowed < text.len() => {
                    last_star = Some((after_star, swallowed + 1));
                    (p, t) = (after_star, swallowed + 1);
                }
                _ => return false,
            }
        }
    }
}

/// Appends `raw` (a pattern, path or query) in the one form both sides are compared in:
/// escapes of unreserved characters (letters, digits, `-._~`) decoded, every other escape
/// written with uppercase hex digits, and octets that cannot appear raw in a URL (controls,
/// space, non-ASCII) percent-encoded, as RFC 9309 section 2.2.2 asks. A `%` that starts no
/// escape becomes `%25`. `*` and `$` pass through.
fn canonicalize(raw: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < raw.len() {
        let byte = raw[i];
        match escape_at(raw, i) {
            Some(decoded) if decoded.is_ascii_alphanumeric() || b"-._~".contains(&decoded) => {
                out.push(decoded);
                i += 3;
            }
            Some(decoded) => {
                push_escape(out, decoded);
                i += 3;
            }
            None => {
                if byte == b'%' || byte <= b' ' || byte >= 0x7F {
                    push_escape(out, byte);
                } else {
                    out.push(byte);
                }
                i += 1;
            }
        }
    }
}

fn push_escape(out: &mut Vec<u8>, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend_from_slice(&[
        b'%',
        HEX[usize::from(byte >> 4)],
        HEX[usize::from(byte & 15)],
    ]);
}

/// The product token a user-agent value starts with: `Foo-Bot/2.1 (+https://…)` → `Foo-Bot`.
fn product_token(value: &[u8]) -> &[u8] {
    let end = value
        .iter()
        .position(|&b| !(b.is_ascii_alphabetic() || b == b'-' || b == b'_'))
        .unwrap_or(value.len());
    &value[..end]
}

fn parse_delay(value: &[u8]) -> Option<Duration> {
    let seconds: f64 = std::str::from_utf8(value).ok()?.parse().ok()?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// An absolute `http` or `https` URL, or `None`.
fn web_url(value: &[u8]) -> Option<Url> {
    let url = Url::parse(std::str::from_utf8(value).ok()?).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

fn is_eol(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

#[cfg(test)]
mod tests {
    use super::*;

    const AGENT: &str = "href-counter";

    fn url(path: &str) -> Url {
        Url::parse("https://example.com")
            .unwrap()
            .join(path)
            .unwrap()
    }

    /// Asserts the verdict for each `(path, allowed)` pair.
    fn check(robots: &Robots, cases: &[(&str, bool)]) {
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
    fn agent_selection() {
        let file = b"User-agent: *\nDisallow: /star\n\n\
                     User-agent: other-bot\nDisallow: /other\n\n\
                     User-agent: HREF-Counter\nDisallow: /ours\n";
        for agent in [
            "href-counter",
            "Href-Counter",
            "href-counter/0.1 (+https://x)",
        ] {
            let robots = Robots::parse(file, agent);
            check(
                &robots,
                &[("/ours", false), ("/star", true), ("/other", true)],
            );
        }
        // A longer or shorter token is another crawler: the `*` group applies.
        for agent in ["href", "href-counter-pro", "bot"] {
            let robots = Robots::parse(file, agent);
            check(&robots, &[("/ours", true), ("/star", false)]);
        }
        // The file's value is reduced to its token too.
        let versioned = Robots::parse(b"User-agent: href-counter/2.0\nDisallow: /\n", AGENT);
        check(&versioned, &[("/x", false)]);
        // An agent with no token (or none at all) gets only the `*` group.
        check(&Robots::parse(file, "/1.0"), &[("/star", false)]);
        check(&Robots::parse(file, ""), &[("/star", false)]);
    }

    #[test]
    fn our_empty_group_beats_star() {
        let robots = Robots::parse(
            b"User-agent: *\nDisallow: /\n\nUser-agent: href-counter\n",
            AGENT,
        );
        check(&robots, &[("/", true), ("/x", true)]);
    }

    #[test]
    fn groups_for_the_same_agent_are_merged() {
        let robots = Robots::parse(
            b"User-agent: href-counter\nDisallow: /a\n\
              User-agent: *\nDisallow: /b\n\
              User-agent: other\nUser-agent: href-counter\nDisallow: /c\nAllow: /c/open\n\
              Crawl-delay: 2\n\
              User-agent: href-counter\nCrawl-delay: 5\n",
            AGENT,
        );
        check(
            &robots,
            &[
                ("/a", false),
                ("/b", true),
                ("/c", false),
                ("/c/open", true),
            ],
        );
        assert_eq!(robots.crawl_delay(), Some(Duration::from_secs(5)));
    }

    #[test]
    fn user_agent_lines_share_a_group_until_a_rule() {
        let robots = Robots::parse(
            b"User-agent: a\nUnknown: x\nSitemap: https://e.com/s.xml\nUser-agent: href-counter\n\
              Disallow: /shared\nUser-agent: b\nDisallow: /b-only\n",
            AGENT,
        );
        check(&robots, &[("/shared", false), ("/b-only", true)]);
        // Crawl-delay is a group record, so it ends the list of agents too.
        let robots = Robots::parse(
            b"User-agent: href-counter\nCrawl-delay: 1\nUser-agent: b\nDisallow: /\n",
            AGENT,
        );
        check(&robots, &[("/x", true)]);
        assert_eq!(robots.crawl_delay(), Some(Duration::from_secs(1)));
    }

    #[test]
    fn rules_before_any_user_agent_are_ignored() {
        let robots = Robots::parse(b"Disallow: /a\nUser-agent: *\nDisallow: /b\n", AGENT);
        check(&robots, &[("/a", true), ("/b", false)]);
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
    fn canonical_form() {
        let cases: &[(&[u8], &str)] = &[
            (b"/a%3cb", "/a%3Cb"),
            (b"/%41%7e%2d", "/A~-"),
            (b"/%zz%", "/%25zz%25"),
            (b"/a b\t", "/a%20b%09"),
            (b"/\xE3\x83\x84", "/%E3%83%84"),
            (b"/*$", "/*$"),
        ];
        for &(raw, want) in cases {
            let mut out = Vec::new();
            canonicalize(raw, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
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
    fn crawl_delay() {
        let cases: &[(&str, Option<Duration>)] = &[
            ("10", Some(Duration::from_secs(10))),
            ("0.5", Some(Duration::from_millis(500))),
            (" 2 # seconds", Some(Duration::from_secs(2))),
            ("0", Some(Duration::ZERO)),
            ("-1", None),
            ("NaN", None),
            ("inf", None),
            ("1e400", None),
            ("ten", None),
            ("", None),
        ];
        for &(value, want) in cases {
            let file = format!("User-agent: *\nCrawl-delay: {value}\n");
            assert_eq!(
                Robots::parse(file.as_bytes(), AGENT).crawl_delay(),
                want,
                "{value}"
            );
        }
        // Only our group's delay counts.
        let robots = Robots::parse(
            b"User-agent: other\nCrawl-delay: 9\nUser-agent: *\nDisallow: /x\n",
            AGENT,
        );
        assert_eq!(robots.crawl_delay(), None);
    }

    #[test]
    fn sitemaps_are_collected_from_anywhere() {
        let robots = Robots::parse(
            b"Sitemap: https://example.com/a.xml\n\
              User-agent: other\n\
              SITEMAP:http://example.com/b.xml.gz\n\
              Disallow: /\n\
              sitemap: /relative.xml\n\
              sitemap: ftp://example.com/c.xml\n\
              sitemap: not a url\n\
              Sitemap: https://cdn.example.net/d.xml # comment\n",
            AGENT,
        );
        let got: Vec<&str> = robots.sitemaps().iter().map(Url::as_str).collect();
        assert_eq!(
            got,
            [
                "https://example.com/a.xml",
                "http://example.com/b.xml.gz",
                "https://cdn.example.net/d.xml",
            ]
        );
    }

    #[test]
    fn malformed_lines_and_line_endings() {
        let robots = Robots::parse(
            b"\xEF\xBB\xBFUser-agent: *\r\n\
              Disallow /no-colon\r\n\
              # Disallow: /commented\r\
              Disallow: /crlf\r\n\
              Disallow: /cr\r\
              Nonsense: /x\n\
              :\n\
              Allow\n\
              \xFF\xFE: \xFF\n\
              \tDisallow\t:\t/tabs\t\n\
              Disallow: /last-no-newline",
            AGENT,
        );
        check(
            &robots,
            &[
                ("/no-colon", true),
                ("/commented", true),
                ("/crlf", false),
                ("/cr", false),
                ("/x", true),
                ("/tabs", false),
                ("/last-no-newline", false),
            ],
        );
        // A BOM is not part of the first key.
        let robots = Robots::parse(b"\xEF\xBB\xBFUser-agent: *\nDisallow: /\n", AGENT);
        check(&robots, &[("/x", false)]);
    }

    #[test]
    fn only_the_first_500_kib_are_read() {
        let mut file = b"User-agent: *\nDisallow: /\n".to_vec();
        file.resize(MAX_SIZE - 8, b'\n');
        // Cut at the limit, this line would read `Allow: /`, tie with `Disallow: /` and win.
        file.extend_from_slice(b"Allow: /bbbbbbbb\n");
        file.extend_from_slice(b"Allow: /late\n");
        let robots = Robots::parse(&file, AGENT);
        check(
            &robots,
            &[("/x", false), ("/bbbbbbbb", false), ("/late", false)],
        );
        assert_eq!(robots.rules.len(), 1);

        // A line that ends exactly at the limit is complete and kept.
        let mut file = b"User-agent: *\n".to_vec();
        file.resize(MAX_SIZE - 11, b'\n');
        file.extend_from_slice(b"Disallow: /");
        assert_eq!(file.len(), MAX_SIZE);
        file.extend_from_slice(b"\nDisallow: /more\n");
        let robots = Robots::parse(&file, AGENT);
        assert_eq!(robots.rules.len(), 1);
        check(&robots, &[("/x", false)]);
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

    #[test]
    fn wildcard_matcher() {
        let cases: &[(&[u8], &str, bool)] = &[
            (b"/a*b", "/ab", true),
            (b"/a*b", "/axxb", true),
            (b"/a*b", "/axxbyy", true),
            (b"/a*b$", "/axxbyy", false),
            (b"/a*b$", "/abab", true),
            (b"/a*b*c$", "/abxbxc", true),
            (b"/a*b*c$", "/abxbxcd", false),
            (b"*", "/", true),
            (b"*$", "/anything", true),
            (b"/$", "/", true),
            (b"/$", "/x", false),
            (b"/x", "/", false),
            (b"/***x", "/abcx", true),
            (b"/a$b", "/a$b", true),
        ];
        for &(pattern, text, want) in cases {
            let pattern = Pattern::new(pattern);
            assert_eq!(pattern.matches(text.as_bytes()), want, "{pattern:?} {text}");
        }
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
