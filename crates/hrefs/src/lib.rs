//! `hrefs` finds, counts and audits the links of web pages.
//!
//! It is the library behind the `href-counter` command: everything the command does lives here,
//! so that other front ends (a server, a crawler) share one implementation.
//!
//! The pieces, in the order data flows through them:
//! - [`fetch`] gets a page over HTTP(S) and streams its body;
//! - [`extract`] tokenizes HTML as it arrives and yields each `<a href>` as an [`Anchor`];
//! - [`compat`] counts links exactly as the original Go `href-counter` did;
//! - [`classify`] sorts links into kinds (fragment, relative, other host, mailto...) for reports,
//!   against the one definition of the site in [`url`];
//! - [`report`] gathers a page's links, counts and fetch facts into a [`PageReport`]
//!   ([`page`] does all of that for one input);
//! - [`crawl`] crawls a whole site (with [`robots`] and [`sitemap`]) into a link graph;
//! - [`audit`] finds what is wrong with its links, [`rating`] scores it, and [`site_report`]
//!   gathers it all;
//! - [`sink`] is where results go, and [`render`] has a sink for every output format.
//!
//! ```
//! let html = br#"<a href="/docs">docs</a> <a href="https://example.org/">elsewhere</a>"#;
//! let counts = hrefs::count_html(html, b"example.com");
//! assert_eq!((counts.internal, counts.external), (1, 1));
//! ```

pub mod audit;
pub mod charset;
pub mod classify;
pub mod compat;
pub mod crawl;
mod error;
pub mod extract;
pub mod fetch;
pub mod fix_first;
pub mod gate;
mod intern;
mod links;
pub mod page;
pub mod portfolio;
pub mod rating;
pub mod render;
pub mod report;
pub mod robots;
pub mod seo;
pub mod sink;
pub mod site_report;
pub mod sitemap;
mod span;
mod swar;
pub mod url;

pub use compat::{count_html, CompatCounts};
pub use error::{Error, Result};
pub use extract::{Anchor, ExtractOptions, Extractor, PageFacts};
pub use page::{analyze, Input, PageOptions};
pub use report::PageReport;

/// Threads for the work done once a crawl is over (the audit, the report): one per core, at
/// most four.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
}
