//! The proxy environment variables, checked when a [`Fetcher`](super::Fetcher) is built: reqwest
//! reads and uses them itself, but this build cannot speak to a SOCKS proxy.

use super::error::FetchError;

/// reqwest (without its `socks` feature) would send plain HTTP to a SOCKS proxy and report a
/// baffling protocol error; refuse up front instead. Same variables, same order as reqwest.
pub(super) fn check_proxy_env() -> Result<(), FetchError> {
    if std::env::var_os("REQUEST_METHOD").is_some() {
        // Under CGI reqwest ignores proxy variables (httpoxy), so there is nothing to check.
        return Ok(());
    }
    for pair in [
        ["ALL_PROXY", "all_proxy"],
        ["HTTPS_PROXY", "https_proxy"],
        ["HTTP_PROXY", "http_proxy"],
    ] {
        let Some((var, value)) = pair
            .iter()
            .find_map(|var| std::env::var(var).ok().map(|value| (*var, value)))
        else {
            continue;
        };
        let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if let Some(scheme) = scheme.filter(|s| s.starts_with("socks")) {
            return Err(FetchError::UnsupportedProxy {
                var: var.to_string(),
                scheme,
            });
        }
    }
    Ok(())
}
