//! What the server answers on one path: status, headers, body and misbehaviour.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The scripted answer to requests on one path.
///
/// Start from [`Route::html`], [`Route::status`] or [`Route::redirect`] and chain options:
///
/// ```
/// use std::time::Duration;
/// use test_server::Route;
///
/// let slow_page = Route::html("<a href=/x>x</a>")
///     .header("Cache-Control", "no-store")
///     .gzip()
///     .chunked()
///     .slow(4, Duration::from_millis(10));
/// # let _ = slow_page;
/// ```
#[derive(Debug, Clone)]
pub struct Route {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) framing: Framing,
    pub(crate) delay_headers: Option<Duration>,
    pub(crate) stall_after: Option<u64>,
    pub(crate) slow: Option<(usize, Duration)>,
    /// Another answer for the first requests: how many, counted so far, and the answer.
    pub(crate) first: Option<(usize, Arc<AtomicUsize>, Box<Route>)>,
    /// Makes the answer from the request target instead (see [`Route::generated`]).
    pub(crate) generate: Option<Generator>,
}

/// Makes the answer to one request from its target.
#[derive(Clone)]
pub(crate) struct Generator(Arc<dyn Fn(&str) -> Route + Send + Sync>);

impl Generator {
    /// The answer to a request for `target`, `{origin}` replaced.
    pub(crate) fn answer(&self, target: &str, origin: &str) -> Route {
        (self.0)(target).with_origin(origin)
    }
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Generator")
    }
}

/// The response body: held in memory, or generated while it is sent so that tests can serve
/// bodies far larger than they want to allocate.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Bytes(Vec<u8>),
    Repeat { piece: Vec<u8>, total: u64 },
}

impl Body {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::Repeat { total, .. } => *total,
        }
    }

    /// Copies the body bytes starting at `offset` into `buf`; returns how many were copied.
    pub(crate) fn read_at(&self, offset: u64, buf: &mut [u8]) -> usize {
        let remaining = self.len().saturating_sub(offset);
        let n = buf
            .len()
            .min(usize::try_from(remaining).unwrap_or(usize::MAX));
        match self {
            Body::Bytes(b) => {
                let start = offset as usize;
                buf[..n].copy_from_slice(&b[start..start + n]);
            }
            Body::Repeat { piece, .. } => {
                let mut at = (offset % piece.len() as u64) as usize;
                let mut filled = 0;
                while filled < n {
                    let take = (piece.len() - at).min(n - filled);
                    buf[filled..filled + take].copy_from_slice(&piece[at..at + take]);
                    filled += take;
                    at = 0;
                }
            }
        }
        n
    }
}

/// How the end of the body is told to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// A truthful `Content-Length`.
    Length,
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// No length at all: the body ends when the server closes the connection.
    Close,
    /// A `Content-Length` that does not match the body; the connection is closed afterwards.
    Lie(u64),
}

impl Route {
    /// `200 OK` with an HTML body and `Content-Type: text/html; charset=utf-8`.
    pub fn html(body: impl Into<Vec<u8>>) -> Route {
        Route::status(200)
            .content_type("text/html; charset=utf-8")
            .body(body)
    }

    /// [`Route::html`] for a page at `path` that the page-level SEO audits find nothing
    /// wrong with: `body`, then on lines of its own (so the body's lines and columns stay
    /// as written) a language, a title and a description of its own, a canonical link to
    /// itself and an `<h1>`.
    pub fn page(path: &str, body: impl AsRef<str>) -> Route {
        Route::html(format!(
            "{}\n<html lang=\"en\"><title>Page {path}</title>\n\
             <meta name=\"description\" content=\"What {path} is about\">\n\
             <link rel=\"canonical\" href=\"{{origin}}{path}\"><h1>{path}</h1>\n",
            body.as_ref()
        ))
    }

    /// A response with this status, no headers and an empty body.
    pub fn status(code: u16) -> Route {
        Route {
            status: code,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
            framing: Framing::Length,
            delay_headers: None,
            stall_after: None,
            slow: None,
            first: None,
            generate: None,
        }
    }

    /// An answer made for each request by `make`, from the request target: for sites too
    /// large to list, such as an endless chain of pages each linking to the next. Served on
    /// the path `"*"`, it answers every target no other route matches.
    ///
    /// ```
    /// use test_server::{Route, TestServer};
    ///
    /// let endless = Route::generated(|target| match target.strip_prefix("/n/") {
    ///     Some(k) => {
    ///         let next = k.parse::<u64>().unwrap_or(0) + 1;
    ///         Route::html(format!("<a href=\"/n/{next}\">next</a>"))
    ///     }
    ///     None => Route::status(404),
    /// });
    /// let server = TestServer::start(vec![("*", endless)]);
    /// # let _ = server;
    /// ```
    pub fn generated(make: impl Fn(&str) -> Route + Send + Sync + 'static) -> Route {
        let mut route = Route::status(200);
        route.generate = Some(Generator(Arc::new(make)));
        route
    }

    /// A redirect (`code` is usually 301, 302, 303, 307 or 308) to `location`, sent verbatim
    /// so that tests can use relative or malformed locations.
    pub fn redirect(code: u16, location: &str) -> Route {
        Route::status(code)
            .header("Location", location)
            .content_type("text/html")
            .body(format!("<a href=\"{location}\">moved</a>"))
    }

    /// Answers the first `times` requests with `answer`, and the later ones as this route:
    /// a server that is busy (429, 503) and then recovers, or a flaky one.
    pub fn first(mut self, times: usize, answer: Route) -> Route {
        self.first = Some((times, Arc::new(AtomicUsize::new(0)), Box::new(answer)));
        self
    }

    /// This route with `{origin}` replaced by `origin` in its body and header values.
    pub(crate) fn with_origin(mut self, origin: &str) -> Route {
        const MARK: &str = "{origin}";
        for (_, value) in &mut self.headers {
            *value = value.replace(MARK, origin);
        }
        if let Body::Bytes(body) = &self.body {
            if let Ok(text) = std::str::from_utf8(body) {
                if text.contains(MARK) {
                    self.body = Body::Bytes(text.replace(MARK, origin).into_bytes());
                }
            }
        }
        if let Some((times, served, answer)) = self.first.take() {
            self.first = Some((times, served, Box::new(answer.with_origin(origin))));
        }
        self
    }

    /// The answer to the next request on this route (see [`Route::first`]).
    pub(crate) fn next_answer(&self) -> &Route {
        match &self.first {
            Some((times, served, answer)) if served.fetch_add(1, Ordering::SeqCst) < *times => {
                answer.next_answer()
            }
            _ => self,
        }
    }

    /// Adds a response header (repeating a name sends it several times).
    pub fn header(mut self, name: &str, value: &str) -> Route {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the `Content-Type`, replacing any set before.
    pub fn content_type(self, value: &str) -> Route {
        self.without_header("Content-Type")
            .header("Content-Type", value)
    }

    /// Removes every header of this name, e.g. the `Content-Type` that [`Route::html`] sets.
    pub fn without_header(mut self, name: &str) -> Route {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Route {
        self.body = Body::Bytes(body.into());
        self
    }

    /// A body of `total` bytes made by repeating `piece`, generated while it is sent so that a
    /// 100 MB response costs no memory.
    ///
    /// # Panics
    /// If `piece` is empty.
    pub fn body_repeat(mut self, piece: impl Into<Vec<u8>>, total: u64) -> Route {
        let piece = piece.into();
        assert!(!piece.is_empty(), "body_repeat needs a non-empty piece");
        self.body = Body::Repeat { piece, total };
        self
    }

    /// Compresses the body set so far with gzip and sends `Content-Encoding: gzip`.
    pub fn gzip(self) -> Route {
        self.encode("gzip", |raw| {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(raw).expect("writing to a Vec cannot fail");
            enc.finish().expect("writing to a Vec cannot fail")
        })
    }

    /// Compresses the body set so far as HTTP `deflate` (the zlib format) and sends
    /// `Content-Encoding: deflate`.
    pub fn deflate(self) -> Route {
        self.encode("deflate", |raw| {
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(raw).expect("writing to a Vec cannot fail");
            enc.finish().expect("writing to a Vec cannot fail")
        })
    }

    /// Compresses the body set so far with brotli and sends `Content-Encoding: br`.
    pub fn brotli(self) -> Route {
        self.encode("br", |raw| {
            let mut out = Vec::new();
            let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
            enc.write_all(raw).expect("writing to a Vec cannot fail");
            drop(enc);
            out
        })
    }

    fn encode(self, name: &str, compress: impl FnOnce(&[u8]) -> Vec<u8>) -> Route {
        let Body::Bytes(raw) = &self.body else {
            panic!("compressing a body_repeat body is not supported: build the bytes instead");
        };
        let compressed = compress(raw);
        self.body(compressed).header("Content-Encoding", name)
    }

    /// Sends the body with `Transfer-Encoding: chunked`, one chunk per write.
    pub fn chunked(mut self) -> Route {
        self.framing = Framing::Chunked;
        self
    }

    /// Sends no length: the body ends when the connection closes, as HTTP/1.0 servers do.
    pub fn close_delimited(mut self) -> Route {
        self.framing = Framing::Close;
        self
    }

    /// Announces `Content-Length: declared` whatever the real body length, then closes the
    /// connection: a shorter body looks truncated, a longer one is cut by the client.
    pub fn content_length_lie(mut self, declared: u64) -> Route {
        self.framing = Framing::Lie(declared);
        self
    }

    /// Waits this long after reading the request before sending anything.
    pub fn delay_headers(mut self, delay: Duration) -> Route {
        self.delay_headers = Some(delay);
        self
    }

    /// Sends the headers and the first `bytes` of the body, then hangs without closing the
    /// connection until the server is dropped.
    pub fn stall_after(mut self, bytes: u64) -> Route {
        self.stall_after = Some(bytes);
        self
    }

    /// Sends the body `bytes_per_tick` bytes at a time, pausing `tick` between writes.
    ///
    /// # Panics
    /// If `bytes_per_tick` is 0.
    pub fn slow(mut self, bytes_per_tick: usize, tick: Duration) -> Route {
        assert!(bytes_per_tick > 0, "slow needs at least one byte per tick");
        self.slow = Some((bytes_per_tick, tick));
        self
    }
}

/// The standard reason phrase, so responses look like real servers' on the wire.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
