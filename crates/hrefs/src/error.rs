//! Errors that stop the analysis of one page.
//!
//! A broken link is not an error: it is data in a report. These are the reasons a page could
//! not be read at all; each message names the input and the cause.

use crate::fetch::FetchError;

/// Why a page could not be analyzed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not a URL we can fetch.
    #[error("invalid url '{input}': {reason}")]
    InvalidUrl {
        /// The input as given.
        input: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The page could not be fetched.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The server answered, but not with a success status.
    #[error("{url} answered http status {status}")]
    Status {
        /// The final URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The response is not HTML, so it has no links to count.
    #[error("{url} is not an html page (content-type '{content_type}')")]
    NotHtml {
        /// The final URL.
        url: String,
        /// Its content type.
        content_type: String,
    },
    /// A local file or standard input could not be read.
    #[error("cannot read '{input}': {}", io_cause(source))]
    Read {
        /// The path, or `-`.
        input: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A page with so many links that keeping them one by one would take more than 4 GiB.
    #[error("the links of '{input}' take more than 4 GiB to keep: too many to report one by one")]
    LinksTooLarge {
        /// The page, as given.
        input: String,
    },
    /// A local page links to hosts, which can only be classified against the page's URL.
    #[error("'{input}' links to other hosts; give the page's url with --base to classify them")]
    NeedsBase {
        /// The path, or `-`.
        input: String,
    },
}

/// An I/O error as a lowercase cause without the OS error number: "no such file or directory".
fn io_cause(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The result of analyzing a page.
pub type Result<T> = std::result::Result<T, Error>;
