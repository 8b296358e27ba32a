//! What "the site" is: the one definition link kinds, audits and crawl bounds all use.
//!
//! Under [`Scope::Host`] a site is a host and a port: another port is another server (its own
//! robots.txt, its own pages), but `http` and `https` on their default ports are one site, as
//! a site that moved to https is still itself. Under [`Scope::Domain`] a site is a registrable
//! domain on any port: `www.example.com` and `blog.example.com:8080` are one site.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use url::Url;

use super::suffix::registrable_domain;

/// What counts as the same site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The same host name and port (a default port stands for both http and https).
    #[default]
    Host,
    /// The same registrable domain, on any port: `www.example.com` and `blog.example.com`
    /// are one site.
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

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Host => "host",
            Scope::Domain => "domain",
        })
    }
}

/// The site a page belongs to, under a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    scope: Scope,
    key: Option<String>,
    /// The explicit port under [`Scope::Host`] (`None` for a scheme's default port).
    port: Option<u16>,
}

impl Site {
    /// The site of `url` under `scope`.
    pub fn of(url: &Url, scope: Scope) -> Site {
        Site {
            scope,
            key: site_key(url, scope),
            port: url.port(),
        }
    }

    /// The scope the site was taken under.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Whether `url` is on this site.
    pub fn contains(&self, url: &Url) -> bool {
        self.key.is_some()
            && (self.scope == Scope::Domain || url.port() == self.port)
            && site_key(url, self.scope) == self.key
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

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_port_is_part_of_a_host_site_only() {
        let host = Site::of(&url("https://www.example.com/"), Scope::Host);
        assert!(host.contains(&url("http://WWW.example.com/x")));
        assert!(host.contains(&url("https://www.example.com:443/x")));
        assert!(!host.contains(&url("https://www.example.com:8443/x")));
        assert!(!host.contains(&url("https://example.com/")));
        let domain = Site::of(&url("https://www.example.com/"), Scope::Domain);
        assert!(domain.contains(&url("http://blog.example.com:8080/")));
        assert!(!domain.contains(&url("https://example.org/")));
        let ip = Site::of(&url("http://127.0.0.1:8080/"), Scope::Domain);
        assert!(ip.contains(&url("http://127.0.0.1/x")));
        let ip = Site::of(&url("http://127.0.0.1:8080/"), Scope::Host);
        assert!(!ip.contains(&url("http://127.0.0.1/x")));
        assert!(ip.contains(&url("http://127.0.0.1:8080/y")));
    }
}
