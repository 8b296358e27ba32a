//! What a fetch may do: its timeouts, body cap, redirect limit, user agent and extra CAs, and
//! their defaults.

use std::path::PathBuf;
use std::time::Duration;

use super::extras::{Cookie, HostAuth, HostHeader};
use super::local::LocalSite;

/// How long establishing a connection may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole fetch (redirects, headers and body) may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default cap on a decoded response body: 256 MiB. Bodies are streamed, so the cap is
/// not about memory (that stays flat) but about endless or absurd responses; it is set well
/// above real pages (a 50 MB single-page manual must still count, as it did with the Go tool).
pub const DEFAULT_MAX_BODY: u64 = 256 * 1024 * 1024;
/// The default number of redirects followed.
pub const DEFAULT_MAX_REDIRECTS: usize = 10;
/// The `User-Agent` sent by default.
pub const USER_AGENT: &str = concat!("href-counter/", env!("CARGO_PKG_VERSION"));

/// How a [`Fetcher`](super::Fetcher) behaves.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Limit on establishing each connection: name lookup, TCP, a proxy's tunnel and the TLS
    /// handshake.
    pub connect_timeout: Duration,
    /// Limit on a whole fetch: every redirect, the final headers and the entire body.
    pub timeout: Duration,
    /// Limit on the decoded (decompressed) body size; `None` for no limit.
    pub max_body: Option<u64>,
    /// How many redirects to follow; one more is an error.
    pub max_redirects: usize,
    /// The `User-Agent` header value.
    pub user_agent: String,
    /// PEM files of extra certificate authorities to trust, on top of the compiled-in Mozilla
    /// roots and the system store (`SSL_CERT_FILE`/`SSL_CERT_DIR` are honoured there).
    pub root_certs: Vec<PathBuf>,
    /// A directory that answers for its base URL's origin instead of the network: a built
    /// site crawled from disk. (Boxed: most fetches have none.)
    pub local: Option<Box<LocalSite>>,
    /// Extra headers, each for the hosts its pattern matches.
    pub headers: Vec<HostHeader>,
    /// Basic-auth credentials, each for the hosts its pattern matches (the first that
    /// matches is sent).
    pub auth: Vec<HostAuth>,
    /// Cookies, each sent where a browser would send it.
    pub cookies: Vec<Cookie>,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_body: Some(DEFAULT_MAX_BODY),
            max_redirects: DEFAULT_MAX_REDIRECTS,
            user_agent: USER_AGENT.to_string(),
            root_certs: Vec::new(),
            local: None,
            headers: Vec::new(),
            auth: Vec::new(),
            cookies: Vec::new(),
        }
    }
}
