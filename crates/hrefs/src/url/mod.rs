//! URLs as the rest of the crate compares them: one [`Site`] with one port policy, the
//! normal form crawled URLs are kept in, percent-escapes, `*` patterns, the Public Suffix
//! List, and an emulation of Go's `net/url.Parse` for the original tool's counts.

pub mod gourl;
mod normalize;
mod pattern;
mod site;
pub mod suffix;

pub use normalize::{escape_at, normalize};
pub use pattern::wildcard_match;
pub use site::{Scope, Site};
pub use suffix::registrable_domain;
