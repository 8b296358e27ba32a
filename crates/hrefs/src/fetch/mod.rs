//! Fetching pages over HTTP(S): one configured client, redirects followed by hand so every hop
//! is recorded, a single deadline over the whole exchange, stacked content codings undone, a
//! cap on the decoded body size and errors that say what went wrong with which URL.
//!
//! The client is built for a statically linked binary in a `FROM scratch` container: TLS is
//! rustls with the Mozilla roots compiled in (plus the system store when there is one), and
//! names are resolved by the C library's `getaddrinfo`. The shipped static binary is linked
//! with musl (`scripts/build-static.sh`), whose resolver reads `/etc/hosts` and
//! `/etc/resolv.conf` itself: no glibc NSS modules, which a static binary could not load.
//! Proxies come from `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
//! lower-case forms), read when the [`Fetcher`] is built.
//!
//! Everything here runs on tokio and needs a runtime with the time driver enabled.

mod client;
mod config;
mod decode;
mod error;
mod extras;
mod local;
mod proxy;
mod redirect;
mod response;

pub use config::{
    FetchConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY, DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT,
    USER_AGENT,
};
pub use decode::{EncodingProblem, MAX_CODINGS};
pub use error::{FetchError, RedirectProblem};
pub use extras::{parse_cookie_jar, Cookie, HostAuth, HostHeader};
pub use local::LocalSite;
pub use redirect::Redirect;
use response::Exchange;
pub use response::Response;

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use reqwest::header::LOCATION;
use reqwest::Method;
use url::Url;

use client::{base_builder, client_builder, read_ca_file};
use error::{cause_of, request_error};
use local::Answer;
use proxy::check_proxy_env;
use redirect::{is_web, next_hop, same_resource};

/// Fetches pages; cheap to clone, and meant to be shared so connections are reused.
#[derive(Debug, Clone)]
pub struct Fetcher {
    /// For `http://` hops: never needs the system certificate store.
    plain: reqwest::Client,
    /// For `https://` hops, built on first use: loading the system store costs ~10 ms, a lot
    /// for a one-page process that may never speak TLS.
    tls: Arc<OnceLock<Result<reqwest::Client, String>>>,
    extra_certs: Arc<Vec<reqwest::Certificate>>,
    config: FetchConfig,
}

impl Fetcher {
    /// Builds the HTTP client: reads the extra CA files and the proxy environment variables.
    /// The system certificate store is read at the first `https://` request.
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        check_proxy_env()?;
        for h in &config.headers {
            let name = reqwest::header::HeaderName::from_bytes(h.name.as_bytes());
            let value = reqwest::header::HeaderValue::from_str(&h.value);
            if name.is_err() || value.is_err() {
                return Err(FetchError::Build {
                    reason: format!(
                        "the header '{}' is not a valid header (a name of letters, digits and \
                         -_, a value without control characters)",
                        h.name
                    ),
                });
            }
        }
        if reqwest::header::HeaderValue::from_str(&config.user_agent).is_err() {
            return Err(FetchError::Build {
                reason: format!(
                    "the user agent {:?} is not a valid header value (no control characters)",
                    config.user_agent
                ),
            });
        }
        let mut extra = Vec::new();
        for path in &config.root_certs {
            let certs = read_ca_file(path)?;
            // reqwest only says a certificate is bad, not which file it came from: try each
            // file on its own so the error can name it.
            let probe = certs
                .iter()
                .cloned()
                .fold(base_builder().tls_built_in_root_certs(false), |b, cert| {
                    b.add_root_certificate(cert)
                });
            if let Err(bad) = probe.build() {
                return Err(FetchError::CaFile {
                    path: path.to_path_buf(),
                    reason: cause_of(&bad),
                });
            }
            extra.extend(certs);
        }
        let plain = client_builder(&config, &extra, false)
            .build()
            .map_err(|e| FetchError::Build {
                reason: cause_of(&e),
            })?;
        Ok(Fetcher {
            plain,
            tls: Arc::new(OnceLock::new()),
            extra_certs: Arc::new(extra),
            config,
        })
    }

    /// The client for one hop: the TLS one (built now if need be) for `https://`.
    fn client_for(&self, url: &Url) -> Result<&reqwest::Client, FetchError> {
        if url.scheme() != "https" {
            return Ok(&self.plain);
        }
        self.tls
            .get_or_init(|| {
                client_builder(&self.config, &self.extra_certs, true)
                    .build()
                    .map_err(|e| cause_of(&e))
            })
            .as_ref()
            .map_err(|reason| FetchError::Build {
                reason: reason.clone(),
            })
    }

    /// The configuration this fetcher was built with.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// GETs `url`, following redirects; the body is left to [`Response::chunk`].
    pub async fn get(&self, url: &Url) -> Result<Response, FetchError> {
        self.fetch(Method::GET, url).await
    }

    /// HEADs `url`, following redirects (as HEAD: even a 303 is not turned into a GET).
    pub async fn head(&self, url: &Url) -> Result<Response, FetchError> {
        self.fetch(Method::HEAD, url).await
    }

    async fn fetch(&self, method: Method, start: &Url) -> Result<Response, FetchError> {
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + self.config.timeout;
        let mut url = start.clone();
        if !is_web(&url) {
            return Err(FetchError::UnsupportedScheme { url });
        }
        let mut redirects: Vec<Redirect> = Vec::new();
        let exchange = |url, redirects| Exchange {
            url,
            redirects,
            method: &method,
            deadline,
            started,
            config: &self.config,
        };
        loop {
            if let Some(local) = self.config.local.as_ref().filter(|l| l.owns(&url)) {
                let next = match local.answer(&url)? {
                    Answer::Redirect(next) => next,
                    Answer::File { path, content_type } => {
                        return Response::file(&path, content_type, exchange(url, redirects));
                    }
                    Answer::Status(status) => {
                        return Ok(Response::bare(status, exchange(url, redirects)));
                    }
                };
                redirects = push_hop(redirects, url, 301, next.clone(), start, &self.config)?;
                url = next;
                continue;
            }
            let request = self.client_for(&url)?.request(method.clone(), url.clone());
            let c = &self.config;
            let send = extras::add(request, &url, &c.headers, &c.auth, &c.cookies).send();
            let response = tokio::time::timeout_at(deadline, send)
                .await
                .map_err(|_| FetchError::Timeout {
                    url: url.clone(),
                    after: self.config.timeout,
                })?
                .map_err(|e| request_error(&e, &url, self.config.connect_timeout))?;
            let status = response.status().as_u16();
            let location = response.headers().get(LOCATION);
            let (true, Some(location)) = (matches!(status, 301 | 302 | 303 | 307 | 308), location)
            else {
                // Includes a 3xx without Location: there is nowhere to go, so it is the answer.
                return Ok(Response::new(response, exchange(url, redirects)));
            };
            let next = next_hop(&url, location)?;
            redirects = push_hop(redirects, url, status, next.clone(), start, &self.config)?;
            url = next;
        }
    }
}

/// The redirects so far with one more, from `url` to `next`; an error when `next` was already
/// visited or the chain is at its limit.
fn push_hop(
    mut redirects: Vec<Redirect>,
    url: Url,
    status: u16,
    next: Url,
    start: &Url,
    config: &FetchConfig,
) -> Result<Vec<Redirect>, FetchError> {
    let seen = |u: &Url| same_resource(u, &next);
    // Checked before the limit: "loop" tells the user more than "too many".
    if seen(&url) || redirects.iter().any(|r| seen(&r.url)) {
        return Err(FetchError::RedirectLoop { url: next });
    }
    if redirects.len() >= config.max_redirects {
        return Err(FetchError::TooManyRedirects {
            url: start.clone(),
            limit: config.max_redirects,
        });
    }
    redirects.push(Redirect { url, status });
    Ok(redirects)
}
