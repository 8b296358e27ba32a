//! Redirects, followed by hand so each is recorded: the record of a hop, where a `Location`
//! leads, and when two hops name the same resource (a loop).

use url::Url;

use super::error::{FetchError, RedirectProblem};

/// One redirect followed on the way to the final response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The URL that answered with a redirect.
    pub url: Url,
    /// Its status: 301, 302, 303, 307 or 308.
    pub status: u16,
}

pub(super) fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// Resolves a `Location` header against the URL that sent it.
pub(super) fn next_hop(
    from: &Url,
    location: &reqwest::header::HeaderValue,
) -> Result<Url, FetchError> {
    let raw = String::from_utf8_lossy(location.as_bytes()).into_owned();
    let bad = |reason: RedirectProblem| FetchError::BadRedirect {
        url: from.clone(),
        location: raw.clone(),
        reason,
    };
    // The location is in the message verbatim, which shows what is wrong better than the
    // parser's terse reason would.
    let next = from
        .join(raw.trim())
        .map_err(|_| bad(RedirectProblem::NotAUrl))?;
    if !is_web(&next) {
        return Err(bad(RedirectProblem::NotHttp));
    }
    Ok(next)
}

/// Two URLs name the same resource if they differ only in the fragment, which never reaches
/// the server: `/a` redirecting to `/a#top` is a loop.
pub(super) fn same_resource(a: &Url, b: &Url) -> bool {
    a.as_str().split('#').next() == b.as_str().split('#').next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_do_not_make_a_new_resource() {
        let a = Url::parse("http://h/a").unwrap();
        assert!(same_resource(&a, &Url::parse("http://h/a#top").unwrap()));
        assert!(!same_resource(&a, &Url::parse("http://h/a?x").unwrap()));
    }
}
