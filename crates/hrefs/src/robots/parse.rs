//! Reading a robots.txt file: its lines, the groups that apply to our crawler, and the limits
//! that keep a hostile file from costing more than its size.

use std::time::Duration;

use url::Url;

use super::pattern::Pattern;
use super::{Problem, Robots, Rule, MAX_PATTERN, MAX_RULES, MAX_SIZE};

/// The rules gathered for one kind of group while reading the file.
#[derive(Default)]
struct Collected {
    seen: bool,
    rules: Vec<Rule>,
    crawl_delay: Option<Duration>,
    long_allows_ignored: usize,
    long_disallows_cut: usize,
    rules_ignored: usize,
}

/// A line that belongs to a group.
#[derive(Clone, Copy)]
enum Record {
    /// `allow` (true) or `disallow` (false).
    Rule(bool),
    CrawlDelay,
}

/// See [`Robots::parse`].
pub(super) fn parse(body: &[u8], user_agent: &str) -> Robots {
    let me = product_token(user_agent.trim().as_bytes());
    let truncated = body.len() > MAX_SIZE;
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
    let problems = [
        truncated.then_some(Problem::Truncated),
        (chosen.long_allows_ignored > 0)
            .then_some(Problem::LongAllowsIgnored(chosen.long_allows_ignored)),
        (chosen.long_disallows_cut > 0)
            .then_some(Problem::LongDisallowsCut(chosen.long_disallows_cut)),
        (chosen.rules_ignored > 0).then_some(Problem::RulesIgnored(chosen.rules_ignored)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut rules = chosen.rules;
    // Longest pattern first; at equal length allow comes first, since the RFC says it wins.
    rules.sort_by(|a, b| {
        (b.pattern.specificity(), b.allow).cmp(&(a.pattern.specificity(), a.allow))
    });
    Robots {
        rules,
        crawl_delay: chosen.crawl_delay,
        sitemaps,
        problems,
    }
}

impl Collected {
    fn add(&mut self, record: Record, value: &[u8]) {
        match record {
            // An empty rule matches nothing: `Disallow:` alone is how a file allows everything.
            Record::Rule(_) if value.is_empty() => {}
            Record::Rule(_) if self.rules.len() == MAX_RULES => self.rules_ignored += 1,
            Record::Rule(allow) => {
                let mut pattern = Pattern::new(value);
                if pattern.len() > MAX_PATTERN {
                    if allow {
                        self.long_allows_ignored += 1;
                        return;
                    }
                    pattern.shorten(MAX_PATTERN);
                    self.long_disallows_cut += 1;
                }
                self.rules.push(Rule { allow, pattern });
            }
            Record::CrawlDelay => {
                if let Some(delay) = parse_delay(value) {
                    self.crawl_delay = self.crawl_delay.max(Some(delay));
                }
            }
        }
    }
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
    use super::super::tests::{check, AGENT};
    use super::*;

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
        assert_eq!(robots.problems(), [Problem::Truncated]);

        // A file of exactly the limit is whole.
        file.truncate(MAX_SIZE);
        assert_eq!(Robots::parse(&file, AGENT).problems(), []);
    }

    #[test]
    fn long_patterns_are_cut_when_that_disallows_more_and_ignored_otherwise() {
        let long = |tail: &str| format!("/{}{tail}", "a".repeat(MAX_PATTERN));
        let file = format!(
            "User-agent: *\n\
             Disallow: /\n\
             Allow: {}\n\
             Allow: {}\n\
             Disallow: {}\n\
             Allow: /a\n\
             User-agent: other\n\
             Allow: {}\n",
            long("x"),
            long("y$"),
            long("-cut$"),
            long("z"),
        );
        let robots = Robots::parse(file.as_bytes(), AGENT);
        assert_eq!(
            robots.problems(),
            [Problem::LongAllowsIgnored(2), Problem::LongDisallowsCut(1)]
        );
        // The long allows would have won over `/`; ignored, they allow nothing.
        check(&robots, &[(&long("x"), false), (&long("y"), false)]);
        // Cut, the disallow takes every path that starts with its first MAX_PATTERN octets,
        // and still outranks `Allow: /a`, as the whole pattern would have.
        let cut = format!("/{}", "a".repeat(MAX_PATTERN - 1));
        check(&robots, &[(&cut, false), (&format!("{cut}a-other"), false)]);
        check(&robots, &[("/a", true), ("/aa", true)]);
        assert_eq!(
            Problem::LongAllowsIgnored(2).to_string(),
            "2 allow rules longer than 16664 bytes ignored"
        );
    }

    #[test]
    fn rules_past_the_cap_are_ignored() {
        let mut file = String::from("User-agent: *\n");
        for i in 0..MAX_RULES + 3 {
            file.push_str(&format!("Disallow: /{i}/\n"));
        }
        // Another crawler's rules neither count nor are counted.
        file.push_str("User-agent: other\nDisallow: /x\n");
        let robots = Robots::parse(file.as_bytes(), AGENT);
        assert_eq!(robots.rules.len(), MAX_RULES);
        assert_eq!(robots.problems(), [Problem::RulesIgnored(3)]);
        let last = format!("/{}/", MAX_RULES - 1);
        let ignored = format!("/{MAX_RULES}/");
        check(&robots, &[("/0/", false), (&last, false), (&ignored, true)]);
        assert_eq!(
            Problem::RulesIgnored(3).to_string(),
            "3 rules past the first 10000 ignored"
        );
    }
}
