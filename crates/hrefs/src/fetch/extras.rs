//! What a request carries beyond the defaults, host by host: extra headers, basic-auth
//! credentials and cookies, each sent only to the hosts it is meant for (a staging site's
//! token never reaches the sites it links to, nor a redirect's other host).

use reqwest::RequestBuilder;
use url::Url;

use crate::url::wildcard_match;

/// A header sent to the hosts a pattern matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostHeader {
    /// `*` pattern on the host, or on `host:port` (`*.example.com`, `127.0.0.1:8080`).
    pub hosts: String,
    /// The header's name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// Basic-auth credentials for the hosts a pattern matches. Its `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct HostAuth {
    /// `*` pattern on the host, or on `host:port`.
    pub hosts: String,
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for HostAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostAuth")
            .field("hosts", &self.hosts)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// A cookie, as a browser would send it: to its domain (and subdomains when it says so),
/// under its path, over https only when secure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    /// The domain, without a leading dot.
    pub domain: String,
    /// Whether subdomains get it too.
    pub subdomains: bool,
    /// Only to this port (`--cookie` is for the start URL's origin; cookie jars, as browsers,
    /// know no ports).
    pub port: Option<u16>,
    /// The path prefix it is sent under.
    pub path: String,
    /// Only over https.
    pub secure: bool,
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: String,
}

impl Cookie {
    fn applies_to(&self, url: &Url) -> bool {
        let host = url.host_str().unwrap_or_default();
        let domain = host == self.domain
            || (self.subdomains
                && host.len() > self.domain.len()
                && host.ends_with(&self.domain)
                && host.as_bytes()[host.len() - self.domain.len() - 1] == b'.');
        domain
            && self
                .port
                .is_none_or(|p| url.port_or_known_default() == Some(p))
            && url.path().starts_with(&self.path)
            && (!self.secure || url.scheme() == "https")
    }
}

/// Reads cookies in the Netscape cookie-jar format that curl, wget and browser extensions
/// write: one a line, `domain  subdomains  path  secure  expires  name  value`, tab-separated;
/// `#` comments (but `#HttpOnly_` lines are cookies). Expired cookies are left out. The
/// error names the line.
pub fn parse_cookie_jar(text: &str, now_unix: u64) -> Result<Vec<Cookie>, String> {
    let mut cookies = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [domain, subdomains, path, secure, expires, name, value] = fields[..] else {
            return Err(format!(
                "line {}: expected 7 tab-separated fields (domain, subdomains, path, secure, \
                 expires, name, value), got {}",
                i + 1,
                fields.len()
            ));
        };
        let expires: u64 = expires
            .trim()
            .parse()
            .map_err(|_| format!("line {}: the expiry '{expires}' is not a number", i + 1))?;
        if expires != 0 && expires < now_unix {
            continue;
        }
        cookies.push(Cookie {
            domain: domain.trim_start_matches('.').to_ascii_lowercase(),
            subdomains: subdomains.eq_ignore_ascii_case("TRUE") || domain.starts_with('.'),
            port: None,
            path: path.to_string(),
            secure: secure.eq_ignore_ascii_case("TRUE"),
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    Ok(cookies)
}

fn host_matches(pattern: &str, url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let with_port = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    wildcard_match(pattern, host) || wildcard_match(pattern, &with_port)
}

/// Adds to `request` for `url` what is meant for its host.
pub(super) fn add(
    mut request: RequestBuilder,
    url: &Url,
    headers: &[HostHeader],
    auth: &[HostAuth],
    cookies: &[Cookie],
) -> RequestBuilder {
    for h in headers.iter().filter(|h| host_matches(&h.hosts, url)) {
        request = request.header(h.name.as_str(), h.value.as_str());
    }
    if let Some(auth) = auth.iter().find(|a| host_matches(&a.hosts, url)) {
        request = request.basic_auth(&auth.user, Some(&auth.password));
    }
    let cookie: Vec<String> = cookies
        .iter()
        .filter(|c| c.applies_to(url))
        .map(|c| format!("{}={}", c.name, c.value))
        .collect();
    if !cookie.is_empty() {
        request = request.header("cookie", cookie.join("; "));
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hosts_match_by_name_or_name_and_port() {
        assert!(host_matches("example.com", &url("https://example.com/x")));
        assert!(host_matches(
            "example.com:443",
            &url("https://example.com/x")
        ));
        assert!(host_matches("*.example.com", &url("http://a.example.com/")));
        assert!(!host_matches("*.example.com", &url("http://example.com/")));
        assert!(!host_matches(
            "example.com",
            &url("http://example.com.evil/")
        ));
        assert!(!host_matches(
            "127.0.0.1:8080",
            &url("http://127.0.0.1:9090/")
        ));
    }

    #[test]
    fn cookie_jars_read_as_curl_writes_them() {
        let jar = "# Netscape HTTP Cookie File\n\
                   .example.com\tTRUE\t/\tFALSE\t0\tsession\tabc\n\
                   #HttpOnly_staging.example.com\tFALSE\t/docs\tTRUE\t4102444800\ttoken\txyz\n\
                   old.example.com\tFALSE\t/\tFALSE\t1\tstale\tgone\n";
        let cookies = parse_cookie_jar(jar, 1_700_000_000).unwrap();
        assert_eq!(cookies.len(), 2);
        let (session, token) = (&cookies[0], &cookies[1]);
        assert!(session.applies_to(&url("http://example.com/")));
        assert!(session.applies_to(&url("http://www.example.com/a")));
        assert!(!session.applies_to(&url("http://badexample.com/")));
        assert!(token.applies_to(&url("https://staging.example.com/docs/a")));
        assert!(
            !token.applies_to(&url("http://staging.example.com/docs/a")),
            "secure"
        );
        assert!(
            !token.applies_to(&url("https://staging.example.com/blog")),
            "path"
        );
        assert!(
            !token.applies_to(&url("https://x.staging.example.com/docs")),
            "no subdomains"
        );
        let err = parse_cookie_jar("a\tb\n", 0).unwrap_err();
        assert!(err.starts_with("line 1: expected 7"), "{err}");
    }

    #[test]
    fn credentials_are_not_in_debug_output() {
        let auth = HostAuth {
            hosts: "x".into(),
            user: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
