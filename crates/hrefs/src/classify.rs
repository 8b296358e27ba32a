//! What a link is, as a browser would resolve it: the kinds reports break links down by, and
//! whether a link stays on the site.
//!
//! Unlike [`crate::compat`], this resolves links the WHATWG way (the `url` crate) against the
//! page's final URL or its `<base href>`, and compares sites by host or, with
//! [`Scope::Domain`], by registrable domain from the Public Suffix List, so that
//! `www.example.com` and `example.com` are one site.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use url::Url;

pub use crate::suffix::registrable_domain;

/// The kinds of link a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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

/// What counts as the same site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The same host name (any scheme or port).
    #[default]
    Host,
    /// The same registrable domain: `www.example.com` and `blog.example.com` are one site.
    Domain,
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "host" => Ok(Scope::Host),
            "domain" => Ok(Scope::Domain),
            other => Err(format!("unknown scope '{other}' (expected host or domain)")),
        }
    }
}

/// The site a page belongs to, under a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    scope: Scope,
    key: Option<String>,
}

impl Site {
    /// The site of `url` under `scope`.
    pub fn of(url: &Url, scope: Scope) -> Site {
        Site {
            scope,
            key: site_key(url, scope),
        }
    }

    /// Whether `url` is on this site.
    pub fn contains(&self, url: &Url) -> bool {
        self.key.is_some() && site_key(url, self.scope) == self.key
    }
}

/// The host, or under [`Scope::Domain`] the registrable domain (the host itself for IP
/// addresses and names the Public Suffix List knows nothing of).
fn site_key(url: &Url, scope: Scope) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    if scope == Scope::Host || url.domain().is_none() {
        return Some(host);
    }
    Some(registrable_domain(&host).unwrap_or(host))
}

/// A link resolved and sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// Its kind.
    pub kind: Kind,
    /// The absolute URL it resolves to, when it resolves.
    pub url: Option<Url>,
}

/// Resolves `href` against `base` and sorts it relative to `site`.
pub fn classify(href: &str, base: &Url, site: &Site) -> Classified {
    // Browsers ignore leading and trailing spaces and control characters in hrefs.
    let href = href.trim_matches(|c: char| c <= ' ');
    let url = base.join(href).ok();
    let kind = match &url {
        None => Kind::Unparsable,
        Some(_) if href.starts_with('#') => Kind::Fragment,
        Some(url) if !is_absolute(href) => {
            if url.scheme() == base.scheme() {
                Kind::Relative
            } else {
                Kind::OtherScheme
            }
        }
        Some(url) => match url.scheme() {
            "http" | "https" if site.contains(url) => Kind::SameHost,
            "http" | "https" => Kind::OtherHost,
            "mailto" => Kind::Mailto,
            "tel" => Kind::Tel,
            "javascript" => Kind::Javascript,
            "data" => Kind::Data,
            _ => Kind::OtherScheme,
        },
    };
    Classified { kind, url }
}

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
                Kind::SameHost,
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
        let resolved = |h| classify(h, &base, &site).url.map(|u| u.to_string());
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
        let ip = Url::parse("http://127.0.0.1:8080/").unwrap();
        assert!(Site::of(&ip, Scope::Domain).contains(&Url::parse("http://127.0.0.1/x").unwrap()));
    }
}
