//! The final response of a fetch: status and headers at hand, the body read chunk by chunk
//! under the fetch's deadline and the body size cap.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::Method;
use url::Url;

use super::config::FetchConfig;
use super::error::{cause_of, FetchError};
use super::redirect::Redirect;

/// The final response of a fetch, after redirects, with its body still to be read.
#[derive(Debug)]
pub struct Response {
    inner: reqwest::Response,
    url: Url,
    status: u16,
    content_type: Option<String>,
    charset: Option<String>,
    redirects: Vec<Redirect>,
    has_body: bool,
    deadline: tokio::time::Instant,
    timeout: Duration,
    started: Instant,
    max_body: Option<u64>,
    body_bytes: u64,
    done: bool,
}

impl Response {
    pub(super) fn new(
        inner: reqwest::Response,
        url: Url,
        redirects: Vec<Redirect>,
        method: &Method,
        deadline: tokio::time::Instant,
        started: Instant,
        config: &FetchConfig,
    ) -> Response {
        let content_type = header_str(inner.headers(), CONTENT_TYPE.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        let charset = content_type
            .as_deref()
            .and_then(crate::charset::from_content_type);
        Response {
            status: inner.status().as_u16(),
            has_body: *method != Method::HEAD,
            inner,
            url,
            content_type,
            charset,
            redirects,
            deadline,
            timeout: config.timeout,
            started,
            max_body: config.max_body,
            body_bytes: 0,
            done: false,
        }
    }

    /// The URL that gave this response, after redirects.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type` header as sent, parameters included; `None` if absent or empty.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The `charset` parameter of the `Content-Type`, unquoted, as sent (e.g. `ISO-8859-1`).
    pub fn charset(&self) -> Option<&str> {
        self.charset.as_deref()
    }

    /// A response header's value, if present and readable as text. `Content-Encoding` and
    /// `Content-Length` are gone once a compressed body is being decoded for us.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_str(self.inner.headers(), name)
    }

    /// The redirects followed to get here, in order.
    pub fn redirects(&self) -> &[Redirect] {
        &self.redirects
    }

    /// Whether the body is HTML: no `Content-Type` (browsers sniff, and so would the original
    /// tool, which never looked), `text/html` or `application/xhtml+xml`.
    pub fn is_html(&self) -> bool {
        let Some(ct) = &self.content_type else {
            return true;
        };
        let essence = ct.split(';').next().unwrap_or_default().trim();
        essence.eq_ignore_ascii_case("text/html")
            || essence.eq_ignore_ascii_case("application/xhtml+xml")
    }

    /// The next piece of the decoded body, `None` at its end. Fails once the body passes the
    /// size limit or the fetch's deadline passes.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, FetchError> {
        if self.done || !self.has_body {
            return Ok(None);
        }
        if let (Some(limit), Some(declared)) = (self.max_body, self.inner.content_length()) {
            // Only known for bodies not being decompressed: no need to download to refuse.
            if declared > limit {
                return Err(self.too_large(limit));
            }
        }
        let next = tokio::time::timeout_at(self.deadline, self.inner.chunk())
            .await
            .map_err(|_| {
                self.done = true;
                FetchError::Timeout {
                    url: self.url.clone(),
                    after: self.timeout,
                }
            })?
            .map_err(|e| {
                self.done = true;
                FetchError::Body {
                    url: self.url.clone(),
                    cause: cause_of(&e),
                }
            })?;
        let Some(bytes) = next else {
            self.done = true;
            return Ok(None);
        };
        self.body_bytes += bytes.len() as u64;
        match self.max_body {
            Some(limit) if self.body_bytes > limit => Err(self.too_large(limit)),
            _ => Ok(Some(bytes)),
        }
    }

    fn too_large(&mut self, limit: u64) -> FetchError {
        self.done = true;
        FetchError::TooLarge {
            url: self.url.clone(),
            limit,
        }
    }

    /// Decoded body bytes read so far.
    pub fn body_bytes(&self) -> u64 {
        self.body_bytes
    }

    /// Time since [`Fetcher::get`](super::Fetcher::get) or [`Fetcher::head`](super::Fetcher::head)
    /// was called.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}
