//! Integration tests of the `hrefs` library, in one binary so it links once.
//!
//! Every test talks only to servers on 127.0.0.1 started by the `test-server` crate.

// Fetching: redirects, decoding, limits, timeouts, errors, proxies and TLS.
mod fetch;
