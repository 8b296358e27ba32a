//! The final response of a fetch: status and headers at hand, the body read chunk by chunk,
//! its content codings undone, under the fetch's deadline and the body size cap.

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;
use url::Url;

use super::config::FetchConfig;
use super::decode::{self, Decoded, EncodingProblem};
use super::error::{cause_of, lower_first, FetchError};
use super::local::FileBody;
use super::redirect::Redirect;

/// The final response of a fetch, after redirects, with its body still to be read.
#[derive(Debug)]
pub struct Response {
    headers: HeaderMap,
    body: Body,
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

/// How the body is read.
enum Body {
    /// As it comes: no content coding.
    Plain(reqwest::Response),
    /// Through the decoders of its codings.
    Decoded(Decoded),
    /// Not at all: its codings cannot be undone.
    Refused(EncodingProblem),
    /// From a file of a directory crawled from disk.
    File(FileBody),
    /// There is none: a status from a directory crawled from disk.
    Empty,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Plain(inner) => f.debug_tuple("Plain").field(inner).finish(),
            Body::Decoded(_) => f.write_str("Decoded"),
            Body::Refused(problem) => f.debug_tuple("Refused").field(problem).finish(),
            Body::File(file) => f.debug_tuple("File").field(file).finish(),
            Body::Empty => f.write_str("Empty"),
        }
    }
}

/// What every response of one fetch has from the fetch: where it ended, the redirects that
/// led there, the method, and the fetch's deadline and limits.
pub(super) struct Exchange<'a> {
    pub(super) url: Url,
    pub(super) redirects: Vec<Redirect>,
    pub(super) method: &'a Method,
    pub(super) deadline: tokio::time::Instant,
    pub(super) started: Instant,
    pub(super) config: &'a FetchConfig,
}

impl Response {
    /// A server's answer.
    pub(super) fn new(mut inner: reqwest::Response, exchange: Exchange) -> Response {
        let headers = std::mem::take(inner.headers_mut());
        let status = inner.status().as_u16();
        // Decoders are set up now and refusals kept for the first read: a HEAD, or a status
        // that is all a caller wants, never needs the body.
        let body = match decode::codings(&headers) {
            Ok(codings) if codings.is_empty() => Body::Plain(inner),
            Ok(codings) => Body::Decoded(Decoded::new(inner.into(), &codings)),
            Err(problem) => Body::Refused(problem),
        };
        Response::assemble(status, headers, body, exchange)
    }

    /// A file of a directory crawled from disk, as a static server sends it.
    pub(super) fn file(
        path: &Path,
        content_type: &'static str,
        exchange: Exchange,
    ) -> Result<Response, FetchError> {
        let (body, len) = FileBody::open(path).map_err(|e| FetchError::File {
            path: path.into(),
            cause: lower_first(&e.to_string()).into(),
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, len.into());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        Ok(Response::assemble(200, headers, Body::File(body), exchange))
    }

    /// A status with no body (a directory crawled from disk: 403, 404).
    pub(super) fn bare(status: u16, exchange: Exchange) -> Response {
        Response::assemble(status, HeaderMap::new(), Body::Empty, exchange)
    }

    fn assemble(status: u16, headers: HeaderMap, body: Body, exchange: Exchange) -> Response {
        let content_type = header_str(&headers, CONTENT_TYPE.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string);
        let charset = content_type
            .as_deref()
            .and_then(crate::charset::from_content_type);
        Response {
            status,
            has_body: *exchange.method != Method::HEAD,
            headers,
            body,
            url: exchange.url,
            content_type,
            charset,
            redirects: exchange.redirects,
            deadline: exchange.deadline,
            timeout: exchange.config.timeout,
            started: exchange.started,
            max_body: exchange.config.max_body,
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

    /// A response header's value (the first, when sent several times), if present and
    /// readable as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_str(&self.headers, name)
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
        let read = match &mut self.body {
            Body::Plain(inner) => {
                // The length of a body without coding is its decoded size: no need to
                // download it to refuse it.
                if let (Some(limit), Some(declared)) = (self.max_body, inner.content_length()) {
                    if declared > limit {
                        return Err(self.too_large(limit));
                    }
                }
                tokio::time::timeout_at(self.deadline, inner.chunk())
                    .await
                    .map(|read| read.map_err(|e| cause_of(&e)))
            }
            Body::Decoded(decoded) => tokio::time::timeout_at(self.deadline, decoded.chunk())
                .await
                .map(|read| read.map_err(|e| io_cause(&e))),
            Body::File(file) => Ok(file.piece().map_err(|e| lower_first(&e.to_string()))),
            Body::Empty => Ok(Ok(None)),
            Body::Refused(problem) => {
                self.done = true;
                return Err(FetchError::Encoding {
                    url: self.url.clone(),
                    encodings: decode::header_text(&self.headers).into(),
                    problem: Box::new(problem.clone()),
                });
            }
        };
        let next = read
            .map_err(|_| {
                self.done = true;
                FetchError::Timeout {
                    url: self.url.clone(),
                    after: self.timeout,
                }
            })?
            .map_err(|cause| {
                self.done = true;
                FetchError::Body {
                    url: self.url.clone(),
                    cause,
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

/// Why decoding a body failed: the client's cause when the body itself failed, else the
/// decoder's ("invalid gzip header").
fn io_cause(err: &std::io::Error) -> String {
    match err
        .get_ref()
        .and_then(|e| e.downcast_ref::<reqwest::Error>())
    {
        Some(client) => cause_of(client),
        None => lower_first(&err.to_string()),
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}
