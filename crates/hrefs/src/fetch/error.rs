//! Why a fetch failed and how that reads: [`FetchError`], the sorting of reqwest's errors into
//! its variants, and the wording its messages share (causes, sizes, durations).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::decode::EncodingProblem;
use super::local::LocalSite;

/// Why a fetch failed. HTTP error statuses are not errors: they come back as a
/// [`Response`](super::Response).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The HTTP client could not be set up.
    #[error("cannot set up the http client: {reason}")]
    Build {
        /// What failed.
        reason: String,
    },
    /// An extra CA file could not be used.
    #[error("cannot use ca file '{}': {reason}", path.display())]
    CaFile {
        /// The file as configured.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A proxy environment variable names a kind of proxy this build cannot speak.
    #[error("{var} asks for a {scheme} proxy, which is not supported: use an http:// or https:// proxy, or unset {var}")]
    UnsupportedProxy {
        /// The environment variable.
        var: String,
        /// The proxy URL's scheme.
        scheme: String,
    },
    /// The URL is not http or https.
    #[error("cannot fetch {url}: only http and https urls are supported")]
    UnsupportedScheme {
        /// The URL.
        url: Url,
    },
    /// The URL is on the origin of a directory crawled from disk, but not under the URL it is
    /// served at: no file answers for it.
    #[error("{url} is outside the directory {} served at {}: it cannot be checked from disk", site.root().display(), site.base())]
    OutsideRoot {
        /// The URL.
        url: Url,
        /// The directory and its URL. (Boxed: every fetch result is as large as this enum's
        /// largest variant.)
        site: Box<LocalSite>,
    },
    /// A file of a directory crawled from disk could not be read.
    #[error("cannot read {}: {cause}", path.display())]
    File {
        /// The file.
        path: Box<std::path::Path>,
        /// The system's reason.
        cause: Box<str>,
    },
    /// The host name could not be resolved.
    #[error("cannot resolve '{}' for {url}: {cause}", .url.host_str().unwrap_or_default())]
    Dns {
        /// The URL being fetched.
        url: Url,
        /// The resolver's reason.
        cause: String,
    },
    /// Nothing listens on the server's port.
    #[error("connection refused by {url}")]
    Refused {
        /// The URL being fetched.
        url: Url,
    },
    /// The connection could not be established for another reason.
    #[error("cannot connect to {url}: {cause}")]
    Connect {
        /// The URL being fetched.
        url: Url,
        /// The reason.
        cause: String,
    },
    /// The connection was not established within the connect timeout.
    #[error("connecting to {url} timed out after {}", human_duration(*.after))]
    ConnectTimeout {
        /// The URL being fetched.
        url: Url,
        /// The connect timeout.
        after: Duration,
    },
    /// The TLS handshake failed, most often because the certificate is not trusted.
    #[error("tls handshake with {url} failed: {cause} (if the server uses a private ca, add its certificate to the trusted ones)")]
    Tls {
        /// The URL being fetched.
        url: Url,
        /// The TLS library's reason.
        cause: String,
    },
    /// The whole fetch took longer than the configured timeout.
    #[error("timed out after {} fetching {url}", human_duration(*.after))]
    Timeout {
        /// The URL being fetched when time ran out.
        url: Url,
        /// The total timeout.
        after: Duration,
    },
    /// The server broke HTTP or dropped the connection before answering.
    #[error("request to {url} failed: {cause}")]
    Request {
        /// The URL being fetched.
        url: Url,
        /// The reason.
        cause: String,
    },
    /// The decoded body is larger than the configured limit.
    #[error("response body of {url} exceeds the {} limit (raise --max-body)", human_bytes(*.limit))]
    TooLarge {
        /// The final URL.
        url: Url,
        /// The limit in bytes.
        limit: u64,
    },
    /// The body's `Content-Encoding` cannot be undone: a coding this build does not know, or
    /// more of them than it undoes.
    #[error("cannot decode the body of {url}: content-encoding '{encodings}': {problem}")]
    Encoding {
        /// The final URL.
        url: Url,
        /// The `Content-Encoding` as sent (every header line, comma-separated).
        encodings: Box<str>,
        /// What is wrong with it. (Boxed, like the header: every fetch result is as large as
        /// this enum's largest variant.)
        problem: Box<EncodingProblem>,
    },
    /// Reading or decoding the body failed (truncated, reset, corrupt compression).
    #[error("reading the body of {url} failed: {cause}")]
    Body {
        /// The final URL.
        url: Url,
        /// The reason.
        cause: String,
    },
    /// The chain of redirects was longer than the configured limit.
    #[error("more than {limit} redirects from {url}")]
    TooManyRedirects {
        /// The URL the fetch started from.
        url: Url,
        /// The limit.
        limit: usize,
    },
    /// A redirect led back to a URL already visited in this chain.
    #[error("redirect loop at {url}")]
    RedirectLoop {
        /// The URL that was reached a second time.
        url: Url,
    },
    /// A redirect pointed somewhere we cannot or will not go.
    #[error("bad redirect from {url} to '{location}': {reason}")]
    BadRedirect {
        /// The URL that answered with the redirect.
        url: Url,
        /// The `Location` header as sent.
        location: String,
        /// What is wrong with it.
        reason: RedirectProblem,
    },
}

/// What is wrong with a redirect's `Location`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectProblem {
    /// It cannot be parsed as a URL, even relative to the redirecting one.
    NotAUrl,
    /// It leads to a scheme other than http and https (`ftp:`, `mailto:`...).
    NotHttp,
}

impl std::fmt::Display for RedirectProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RedirectProblem::NotAUrl => "the location is not a valid url",
            RedirectProblem::NotHttp => "only http and https redirects are followed",
        })
    }
}

impl FetchError {
    /// The URL the error is about, when there is one.
    pub fn url(&self) -> Option<&Url> {
        match self {
            FetchError::Build { .. }
            | FetchError::CaFile { .. }
            | FetchError::UnsupportedProxy { .. } => None,
            FetchError::UnsupportedScheme { url }
            | FetchError::Dns { url, .. }
            | FetchError::Refused { url }
            | FetchError::Connect { url, .. }
            | FetchError::ConnectTimeout { url, .. }
            | FetchError::Tls { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::Request { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::Body { url, .. }
            | FetchError::Encoding { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::RedirectLoop { url }
            | FetchError::BadRedirect { url, .. }
            | FetchError::OutsideRoot { url, .. } => Some(url),
            FetchError::File { .. } => None,
        }
    }
}

/// Sorts a failure to get response headers into the variant a user can act on;
/// `connect_timeout` is the fetcher's, which the message names when connecting ran out of time.
pub(super) fn request_error(
    err: &reqwest::Error,
    url: &Url,
    connect_timeout: Duration,
) -> FetchError {
    let url = url.clone();
    let chain = || sources(err);
    let io_kind = |kind: std::io::ErrorKind| {
        chain().any(|e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == kind)
        })
    };
    let cause = cause_of(err);
    if err.is_connect() && err.is_timeout() {
        FetchError::ConnectTimeout {
            url,
            after: connect_timeout,
        }
    } else if io_kind(std::io::ErrorKind::ConnectionRefused) {
        FetchError::Refused { url }
    } else if chain().any(|e| e.to_string() == "dns error") {
        // The resolver's own words are the last in the chain: "failed to lookup address
        // information: Name or service not known".
        let cause = match chain().last().map(|e| e.to_string()) {
            Some(last) if last.contains("Name or service not known") => "no such host".into(),
            Some(last) => lower_first(&last),
            None => cause,
        };
        FetchError::Dns { url, cause }
    } else if err.is_connect()
        && url.scheme() == "https"
        && io_kind(std::io::ErrorKind::InvalidData)
    {
        // tokio-rustls reports every TLS alert and verification failure as InvalidData.
        FetchError::Tls { url, cause }
    } else if err.is_connect() {
        FetchError::Connect { url, cause }
    } else {
        FetchError::Request { url, cause }
    }
}

/// The useful part of an error chain, lowercase: reqwest's own top message ("error sending
/// request for url (...)") repeats the URL we already name, and hyper's wrappers add nothing.
pub(super) fn cause_of(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in sources(err) {
        let msg = lower_first(&e.to_string());
        let wrapper = msg.starts_with("client error (") || msg.is_empty();
        if !wrapper && !parts.iter().any(|p| p.contains(&msg)) {
            parts.push(msg);
        }
    }
    if parts.is_empty() {
        parts.push(lower_first(&err.to_string()));
    }
    parts.join(": ")
}

/// The causes of `err`, outermost first. `io::Error::source` skips the error it wraps (it
/// returns that error's source), which would hide TLS failures: step into it explicitly.
fn sources<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(err.source(), |e| match e.downcast_ref::<std::io::Error>() {
        Some(io) => io
            .get_ref()
            .map(|inner| inner as &(dyn std::error::Error + 'static)),
        None => e.source(),
    })
}

pub(super) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) if !chars.clone().next().is_some_and(char::is_uppercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        // An acronym ("TLS", "IO") stays as written.
        _ => s.to_string(),
    }
}

/// "500ms", "2s", "1.5s", "2m".
fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms % 60_000 == 0 {
        format!("{}m", ms / 60_000)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

/// "32 MiB", "512 KiB", "1000 bytes": exact, in the largest unit that divides the value.
fn human_bytes(n: u64) -> String {
    let mut out = String::new();
    let _ = match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => write!(out, "{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => write!(out, "{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => write!(out, "{} KiB", n >> 10),
        n => write!(out, "{n} bytes"),
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_naturally() {
        assert_eq!(human_bytes(32 * 1024 * 1024), "32 MiB");
        assert_eq!(human_bytes(1536), "1536 bytes");
        assert_eq!(human_bytes(2048), "2 KiB");
        assert_eq!(human_bytes(1000), "1000 bytes");
        assert_eq!(human_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(human_duration(Duration::from_secs(2)), "2s");
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human_duration(Duration::from_secs(120)), "2m");
    }

    #[test]
    fn acronyms_keep_their_case() {
        assert_eq!(lower_first("Connection refused"), "connection refused");
        assert_eq!(lower_first("TLS alert"), "TLS alert");
    }
}
