//! Registrable domains from the Public Suffix List: `blog.example.co.uk` → `example.co.uk`.
//!
//! The list (`data/public_suffix_list.dat`, refreshed by `scripts/update-public-suffixes.sh`)
//! is embedded deflated (by `build.rs`: 45 kB instead of 159) and read into hash sets on first
//! use, a few milliseconds, only by the commands that compare domains. Compiling it into code
//! instead, as the `psl` crate does, costs over half a megabyte of binary, which the
//! `FROM scratch` image cannot spare.
//!
//! The algorithm is the list's own (publicsuffix.org/list): the longest matching rule wins,
//! `*.` rules match any one label, `!` exceptions beat them, and a name no rule matches has
//! its last label as public suffix. Rules in Unicode are kept in their ASCII (punycode) form
//! too, since that is how URLs carry host names.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::OnceLock;

const LIST: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/public_suffix_list.dat.deflate"));

/// The list's text, inflated.
fn list() -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::DeflateDecoder::new(LIST), &mut text)
        .expect("build.rs deflated the list, which is UTF-8");
    text
}

struct Rules {
    exact: HashSet<String>,
    /// `*.foo`: the `foo` part.
    wildcard: HashSet<String>,
    /// `!foo.bar`: the `foo.bar` part.
    exception: HashSet<String>,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = Rules {
            exact: HashSet::new(),
            wildcard: HashSet::new(),
            exception: HashSet::new(),
        };
        for line in list().lines() {
            let rule = line.split_whitespace().next().unwrap_or("");
            if rule.is_empty() || rule.starts_with("//") {
                continue;
            }
            let (set, name) = if let Some(rest) = rule.strip_prefix("*.") {
                (&mut rules.wildcard, rest)
            } else if let Some(rest) = rule.strip_prefix('!') {
                (&mut rules.exception, rest)
            } else {
                (&mut rules.exact, rule)
            };
            let name = name.to_lowercase();
            if !name.is_ascii() {
                if let Ok(ascii) = idna::domain_to_ascii(&name) {
                    set.insert(ascii);
                }
            }
            set.insert(name);
        }
        rules
    })
}

/// The registrable domain of a host name: its public suffix plus one label. `None` for IP
/// addresses, empty names and names that are themselves public suffixes (`co.uk`).
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_lowercase();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || bare.parse::<IpAddr>().is_ok() || host.split('.').any(str::is_empty) {
        return None;
    }
    let rules = rules();
    // Where each candidate suffix starts, longest first.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(host.match_indices('.').map(|(i, _)| i + 1))
        .collect();
    let mut suffix = *starts.last().expect("a name has a label");
    for (k, &start) in starts.iter().enumerate() {
        let candidate = &host[start..];
        if rules.exception.contains(candidate) {
            // An exception's public suffix is the rule without its first label.
            suffix = starts.get(k + 1).copied().unwrap_or(host.len());
            break;
        }
        let wildcard = starts
            .get(k + 1)
            .is_some_and(|&next| rules.wildcard.contains(&host[next..]));
        if rules.exact.contains(candidate) || wildcard {
            suffix = start;
            break;
        }
    }
    let k = starts.iter().position(|&s| s == suffix)?;
    let domain_start = *starts.get(k.checked_sub(1)?)?;
    Some(host[domain_start..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_is_the_data_file() {
        assert_eq!(list(), include_str!("../../data/public_suffix_list.dat"));
    }

    #[test]
    fn the_list_examples() {
        let cases = [
            ("example.com", Some("example.com")),
            ("www.example.com", Some("example.com")),
            ("WWW.Example.COM.", Some("example.com")),
            ("blog.example.co.uk", Some("example.co.uk")),
            ("co.uk", None),
            ("com", None),
            ("a.b.example.unknowntld", Some("example.unknowntld")),
            // *.ck is a wildcard with the exception !www.ck.
            ("ck", None),
            ("test.ck", None),
            ("b.test.ck", Some("b.test.ck")),
            ("a.b.test.ck", Some("b.test.ck")),
            ("www.ck", Some("www.ck")),
            ("www.www.ck", Some("www.ck")),
            // *.kawasaki.jp with !city.kawasaki.jp.
            ("test.kawasaki.jp", None),
            ("city.kawasaki.jp", Some("city.kawasaki.jp")),
            ("www.city.kawasaki.jp", Some("city.kawasaki.jp")),
            // IDN rules match both the Unicode and the punycode form.
            ("shishi.中国", Some("shishi.中国")),
            ("www.shishi.xn--fiqs8s", Some("shishi.xn--fiqs8s")),
            ("127.0.0.1", None),
            ("[::1]", None),
            ("", None),
            ("a..example.com", None),
        ];
        for (host, want) in cases {
            assert_eq!(registrable_domain(host).as_deref(), want, "{host}");
        }
    }

    #[test]
    fn the_list_is_complete() {
        let r = rules();
        assert!(r.exact.len() > 9000, "{}", r.exact.len());
        assert!(r.wildcard.contains("ck") && r.exception.contains("www.ck"));
    }
}
