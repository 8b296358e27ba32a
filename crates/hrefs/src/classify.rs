//! What a link is, as a browser would resolve it: the kinds reports break links down by, and
//! whether a link stays on the site.
//!
//! Unlike [`crate::compat`], this resolves links the WHATWG way (the `url` crate) against the
//! page's final URL or its `<base href>`, and compares sites by host or, with
//! [`Scope::Domain`](crate::url::Scope::Domain), by registrable domain from the Public Suffix List, so that
//! `www.example.com` and `example.com` are one site.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

#[cfg(test)]
use crate::url::Scope;
use crate::url::{registrable_domain, Site};

/// The kinds of link a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `#section`: a place on the same page.
    Fragment,
    /// A path, query or empty reference resolved against the page.
    Relative,
    /// An absolute (or `//`-prefixed) web link to the same site.
    SameHost,
    /// An absolute web link to another site.
    OtherHost,
    /// `mailto:`.
    Mailto,
    /// `tel:`.
    Tel,
    /// `javascript:`: not a link a crawler or search engine can follow.
    Javascript,
    /// `data:`.
    Data,
    /// Any other scheme (`ftp:`, `irc:`, app links...).
    OtherScheme,
    /// Not a URL even to a browser.
    Unparsable,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 10] = [
        Kind::Fragment,
        Kind::Relative,
        Kind::SameHost,
        Kind::OtherHost,
        Kind::Mailto,
        Kind::Tel,
        Kind::Javascript,
        Kind::Data,
        Kind::OtherScheme,
        Kind::Unparsable,
    ];

    /// The name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Fragment => "fragment",
            Kind::Relative => "relative",
            Kind::SameHost => "same_host",
            Kind::OtherHost => "other_host",
            Kind::Mailto => "mailto",
            Kind::Tel => "tel",
            Kind::Javascript => "javascript",
            Kind::Data => "data",
            Kind::OtherScheme => "other_scheme",
            Kind::Unparsable => "unparsable",
        }
    }

    /// Whether the link leads somewhere on the same site.
    pub fn is_internal(self) -> bool {
        matches!(self, Kind::Fragment | Kind::Relative | Kind::SameHost)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A link resolved and sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// Its kind.
    pub kind: Kind,
    /// The absolute URL it resolves to, when it resolves.
    pub url: Option<String>,
}

/// Resolves `href` against `base` and sorts it relative to `site`.
pub fn classify(href: &str, base: &Url, site: &Site) -> Classified {
    let mut url = String::new();
    let kind = resolve_into(href, base, site, &mut url);
    Classified {
        kind,
        url: (kind != Kind::Unparsable).then_some(url),
    }
}

/// [`classify`], appending the resolved URL to `out` instead of returning it: nothing is
/// appended exactly when the kind is [`Kind::Unparsable`].
pub fn resolve_into(href: &str, base: &Url, site: &Site, out: &mut String) -> Kind {
    // Browsers ignore leading and trailing spaces and control characters in hrefs.
    let href = href.trim_matches(|c: char| c <= ' ');
    if join_plain(base, href, out) {
        return if href.starts_with('#') {
            Kind::Fragment
        } else {
            Kind::Relative
        };
    }
    let Ok(url) = base.join(href) else {
        return Kind::Unparsable;
    };
    out.push_str(url.as_str());
    if href.starts_with('#') {
        Kind::Fragment
    } else if !is_absolute(href) {
        if url.scheme() == base.scheme() {
            Kind::Relative
        } else {
            Kind::OtherScheme
        }
    } else {
        match url.scheme() {
            "http" | "https" if site.contains(&url) => Kind::SameHost,
            "http" | "https" => Kind::OtherHost,
            "mailto" => Kind::Mailto,
            "tel" => Kind::Tel,
            "javascript" => Kind::Javascript,
            "data" => Kind::Data,
            _ => Kind::OtherScheme,
        }
    }
}

/// The registrable domain of the host of `url` (or the host itself, for IP addresses and
/// names the Public Suffix List does not know); `None` without a host.
pub fn domain_of(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    let host = url.host_str()?;
    Some(registrable_domain(host).unwrap_or_else(|| host.to_string()))
}

/// `href` resolved against an `http(s)` `base` with string operations, for the references most
/// pages are made of: a fragment, or a path with an optional query and fragment, made of bytes
/// the WHATWG parser keeps as they are. `None` for anything else, which the parser resolves.
///
/// Left to the parser: ':' in the path (a scheme), '\\' (a slash to the parser), '%' (`%2e` is
/// a dot to it), '\'' in a query (escaped there), '#' in a fragment, and every byte it escapes
/// or drops (controls, space, quotes, '<', '>', '`', '{', '}', non-ASCII). Appends the URL to
/// `out` and says whether it did.
fn join_plain(base: &Url, href: &str, out: &mut String) -> bool {
    if !matches!(base.scheme(), "http" | "https") || href.starts_with("//") {
        return false;
    }
    let bytes = href.as_bytes();
    let path_end = bytes
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(bytes.len());
    let (path, rest) = href.split_at(path_end);
    let fragment_at = rest.find('#').unwrap_or(rest.len());
    let (query, fragment) = rest.split_at(fragment_at);
    let plain_path = path.bytes().all(|b| PLAIN[usize::from(b)]);
    let plain_query = query
        .bytes()
        .skip(1)
        .all(|b| PLAIN[usize::from(b)] || b == b'?' || b == b':');
    let plain_fragment = fragment
        .bytes()
        .skip(1)
        .all(|b| PLAIN[usize::from(b)] || b == b'?' || b == b':' || b == b'\'');
    if !(plain_path && plain_query && plain_fragment) {
        return false;
    }
    if path.is_empty() {
        // Only a query (the page's path is kept) or only a fragment (its query too).
        let keep = match rest.as_bytes().first() {
            Some(b'#') => url::Position::AfterQuery,
            Some(_) => url::Position::AfterPath,
            None => return false,
        };
        out.push_str(&base[..keep]);
        out.push_str(rest);
        return true;
    }
    out.push_str(&base[..url::Position::BeforePath]);
    // Without a dot segment, the path goes after the base's directory as it is.
    if !path.starts_with('.') && !path.contains("/.") {
        if !path.starts_with('/') {
            let dir = base.path().rsplit_once('/').map_or("", |(dir, _)| dir);
            out.push_str(dir);
            out.push('/');
        }
        out.push_str(path);
        out.push_str(rest);
        return true;
    }
    let mut segments: Vec<&str> = Vec::new();
    let relative = path.strip_prefix('/').unwrap_or_else(|| {
        let dir = base.path().rsplit_once('/').map_or("", |(dir, _)| dir);
        segments.extend(dir.split('/').skip(1));
        path
    });
    let mut pieces = relative.split('/').peekable();
    while let Some(piece) = pieces.next() {
        let last = pieces.peek().is_none();
        match piece {
            ".." => {
                segments.pop();
            }
            "." => {}
            _ => {
                segments.push(piece);
                continue;
            }
        }
        // A dot segment at the end still leaves the path ending in '/'.
        if last {
            segments.push("");
        }
    }
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    if segments.is_empty() {
        out.push('/');
    }
    out.push_str(rest);
    true
}

/// The bytes [`join_plain`] accepts in a path: letters, digits, `-._~!$&()*+,;=@` and '/'.
static PLAIN: [bool; 256] =
    crate::url::gourl::byte_table!(|c| (crate::url::gourl::is_unreserved_or_sub_delim(c)
        && c != b'\'')
        || c == b'@'
        || c == b'/');

/// Whether a reference names its own scheme or host (`x:...`, `//host`), rather than being a
/// path, query or fragment relative to the page.
fn is_absolute(href: &str) -> bool {
    if href.starts_with("//") || href.starts_with("\\\\") || href.starts_with("/\\") {
        return true;
    }
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let base = Url::parse("https://www.example.com/docs/page.html").unwrap();
        let host = Site::of(&base, Scope::Host);
        let domain = Site::of(&base, Scope::Domain);
        // (href, kind under host scope, kind under domain scope)
        let cases = [
            ("#top", Kind::Fragment, Kind::Fragment),
            ("other.html", Kind::Relative, Kind::Relative),
            ("/root", Kind::Relative, Kind::Relative),
            ("?q=1", Kind::Relative, Kind::Relative),
            ("", Kind::Relative, Kind::Relative),
            ("  /padded  ", Kind::Relative, Kind::Relative),
            ("https://www.example.com/x", Kind::SameHost, Kind::SameHost),
            (
                "HTTP://WWW.EXAMPLE.COM:8080/",
                Kind::OtherHost,
                Kind::SameHost,
            ),
            ("//www.example.com/x", Kind::SameHost, Kind::SameHost),
            ("https://example.com/", Kind::OtherHost, Kind::SameHost),
            ("https://blog.example.com/", Kind::OtherHost, Kind::SameHost),
            ("https://example.org/", Kind::OtherHost, Kind::OtherHost),
            ("mailto:a@example.com", Kind::Mailto, Kind::Mailto),
            ("tel:+123", Kind::Tel, Kind::Tel),
            ("javascript:void(0)", Kind::Javascript, Kind::Javascript),
            ("data:text/plain,hi", Kind::Data, Kind::Data),
            ("ftp://example.com/", Kind::OtherScheme, Kind::OtherScheme),
            ("https://exa mple.com/", Kind::Unparsable, Kind::Unparsable),
            ("http://[::1", Kind::Unparsable, Kind::Unparsable),
        ];
        for (href, want_host, want_domain) in cases {
            assert_eq!(
                classify(href, &base, &host).kind,
                want_host,
                "{href:?} (host)"
            );
            assert_eq!(
                classify(href, &base, &domain).kind,
                want_domain,
                "{href:?} (domain)"
            );
        }
    }

    #[test]
    fn resolution() {
        let base = Url::parse("https://example.com/a/b.html?x#y").unwrap();
        let site = Site::of(&base, Scope::Host);
        let resolved = |h| classify(h, &base, &site).url;
        assert_eq!(
            resolved("c.html").as_deref(),
            Some("https://example.com/a/c.html")
        );
        assert_eq!(resolved("../up").as_deref(), Some("https://example.com/up"));
        assert_eq!(
            resolved("#z").as_deref(),
            Some("https://example.com/a/b.html?x#z")
        );
    }

    /// The string fast path must agree with the WHATWG parser wherever it answers: checked on
    /// hand-picked references and on random ones over an alphabet rich in what matters (dots,
    /// slashes, '?', '#', ':', '%', '\\', quotes, space, non-ASCII).
    #[test]
    fn plain_join_agrees_with_the_parser() {
        let bases = [
            "http://example.com",
            "https://example.com/",
            "https://user:pw@Example.COM:8443/a/b/c.html?q=1#frag",
            "http://127.0.0.1:8080/dir/",
            "http://example.com/a//b/",
            "http://[::1]/x/y",
        ];
        let hand_picked = [
            "c.html",
            "../up",
            "../../../../x",
            "./",
            ".",
            "..",
            "a/./b/../c",
            "a//b",
            "/",
            "/abs/./x",
            "#",
            "#top",
            "?",
            "?q=a:b?c",
            "x?q#f",
            "x#f?g:h'i",
            "sub/",
            "a/..",
            "a/.",
            "a:b",
            "%2e%2e/x",
            "a\\b",
            "x y",
            "x?'",
            "x#a#b",
            "é",
            "//host/x",
            "",
            "./a:b",
        ];
        let alphabet: Vec<char> = "ab./?#:%\\' é-=&".chars().collect();
        let mut rng = test_server::Rng::new(0x9E37_79B9_7F4A_7C15);
        let mut hrefs: Vec<String> = hand_picked.iter().map(|s| s.to_string()).collect();
        for _ in 0..20_000 {
            let len = rng.below(9);
            hrefs.push((0..len).map(|_| *rng.pick(&alphabet)).collect());
        }
        let mut answered = 0;
        for base in bases {
            let base = Url::parse(base).unwrap();
            for href in &hrefs {
                // Appends after what is there, or leaves it alone.
                let mut out = String::from("before:");
                if join_plain(&base, href, &mut out) {
                    answered += 1;
                    let parsed = base.join(href).unwrap();
                    assert_eq!(&out[7..], parsed.as_str(), "{href:?} against {base}");
                } else {
                    assert_eq!(out, "before:", "{href:?} against {base}");
                }
            }
        }
        // The fast path must answer often, or this test checks nothing.
        assert!(answered > 15_000, "answered only {answered}");
    }

    #[test]
    fn domains() {
        assert_eq!(
            registrable_domain("blog.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            registrable_domain("www.example.com.").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            domain_of("https://a.b.example.co.uk:8443/x").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(domain_of("http://10.0.0.1/").as_deref(), Some("10.0.0.1"));
        assert_eq!(domain_of("mailto:x@example.com"), None);
    }
}
