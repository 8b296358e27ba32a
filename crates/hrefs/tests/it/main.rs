//! Integration tests of the `hrefs` library, in one binary so it links once.
//!
//! Every test talks only to servers on 127.0.0.1 started by the `test-server` crate.

// The fixture sites the crawl, audit and render tests share, and the calls that crawl them.
mod fixture;

// Auditing and rating a crawl: findings where they belong, deductions traced to them.
mod audit_rating;
// Crawling: roles, statuses, depths, robots.txt, sitemaps, ports, limits, the link graph.
mod crawl;
// Fetching: redirects, decoding, limits, timeouts, errors, proxies and TLS.
mod fetch;
// Every output format through its sink, read back and held to its report.
mod render;
// robots.txt files too hostile or too big to follow to the letter: the crawl still ends.
mod robots;
