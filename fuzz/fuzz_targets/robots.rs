//! robots.txt: no file panics the parser or the matcher, and the verdicts agree with a naive
//! reading of RFC 9309 on small rule sets.
//!
//! The first byte picks the mode. Even: the rest is a robots.txt file, asked about a few
//! URLs. Odd: the rest encodes up to four rules and a path over a tiny alphabet (`a`, `b`,
//! `/`, `*` and a final `$`), which canonical form leaves alone, so that the verdict can be
//! worked out from the RFC's definitions alone: a pattern matches a path from its start, `*`
//! matches any run, `$` ends the path, the longest matching pattern decides, and `allow` wins
//! a tie.
#![no_main]

use hrefs::robots::Robots;
use libfuzzer_sys::fuzz_target;
use url::Url;

const AGENT: &str = "href-counter";

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((mode, rest)) if mode % 2 == 0 => any_file(rest),
        Some((_, rest)) => against_reference(rest),
        None => {}
    }
});

fn any_file(file: &[u8]) {
    let robots = Robots::parse(file, AGENT);
    for problem in robots.problems() {
        let _ = problem.to_string();
    }
    let _ = robots.crawl_delay();
    // The file's own lines, as paths, are the URLs most likely to meet its rules.
    let base = Url::parse("https://example.com/").unwrap();
    for line in file.split(|&b| b == b'\n').take(8) {
        if let Ok(url) = base.join(&String::from_utf8_lossy(line)) {
            robots.allowed(&url);
        }
    }
}

struct Rule {
    allow: bool,
    pattern: Vec<u8>,
    anchored: bool,
}

fn against_reference(data: &[u8]) {
    let mut data = data.iter().copied();
    let mut rules = Vec::new();
    let count = data.next().map_or(0, |b| b % 5);
    for _ in 0..count {
        let Some(head) = data.next() else { return };
        let len = usize::from(head >> 2) % 16;
        let pattern: Vec<u8> = data
            .by_ref()
            .take(len)
            .map(|b| b"ab/*"[usize::from(b % 4)])
            .collect();
        rules.push(Rule {
            allow: head & 1 == 1,
            anchored: head & 2 == 2,
            pattern,
        });
    }
    let path: Vec<u8> = std::iter::once(b'/')
        .chain(data.take(256).map(|b| b"ab/"[usize::from(b % 3)]))
        .collect();

    let mut file = String::from("User-agent: *\n");
    for rule in &rules {
        let key = if rule.allow { "Allow" } else { "Disallow" };
        let dollar = if rule.anchored { "$" } else { "" };
        file.push_str(&format!(
            "{key}: {}{dollar}\n",
            String::from_utf8_lossy(&rule.pattern)
        ));
    }
    let robots = Robots::parse(file.as_bytes(), AGENT);
    let url = Url::parse(&format!(
        "https://example.com{}",
        String::from_utf8_lossy(&path)
    ))
    .expect("a path over a, b and / makes a URL");
    assert_eq!(url.path().as_bytes(), &path[..]);

    // An empty value (no pattern, no `$`) is no rule at all.
    let best = rules
        .iter()
        .filter(|r| !r.pattern.is_empty() || r.anchored)
        .filter(|r| matches(&r.pattern, r.anchored, &path))
        .max_by_key(|r| (r.pattern.len() + usize::from(r.anchored), r.allow));
    let want = best.is_none_or(|r| r.allow);
    assert_eq!(
        robots.allowed(&url),
        want,
        "{file:?} on {:?}",
        String::from_utf8_lossy(&path)
    );
}

/// Whether `pattern` matches `text` from its start, by the definition: `ok[i][j]` says whether
/// `pattern[i..]` matches `text[j..]`, filled from the ends.
fn matches(pattern: &[u8], anchored: bool, text: &[u8]) -> bool {
    let (p, t) = (pattern.len(), text.len());
    let mut ok = vec![vec![false; t + 1]; p + 1];
    for (j, end) in ok[p].iter_mut().enumerate() {
        *end = !anchored || j == t;
    }
    for i in (0..p).rev() {
        for j in (0..=t).rev() {
            ok[i][j] = if pattern[i] == b'*' {
                ok[i + 1][j] || (j < t && ok[i][j + 1])
            } else {
                j < t && text[j] == pattern[i] && ok[i + 1][j + 1]
            };
        }
    }
    ok[0][0]
}
