//! href-counter's integration tests: one binary, one module per area.

// Every python3.11-doc page through the real binary, against the original Go tool's answers.
mod corpus;
// scripts/setup-test-deps.sh --check: what the tests need from the machine is installed.
mod prerequisites;

// Running the binary, the error-line contract, temp dirs and a self-aware HTTP server.
mod support;
// The url=... contract, redirects, usage errors, help, version, User-Agent, https.
mod cli;
// Several inputs in one run, local files, standard input and --base.
mod inputs;
// Encodings, charsets, slow and stalled servers, body limits, statuses and content types.
mod fetching;
// --report, --format json/ndjson/csv/markdown and --scope, decoded into test-owned structs.
mod formats;
// Garbage, truncated, gigantic and deeply nested pages: an answer or a clean error, no panic.
mod robustness;
// href-counter crawl: fixture sites with one of each problem, limits, formats, a 10,000-page site.
mod crawl;
// Crawler traps, the memory budget, start pages that cannot be crawled, sitemap trouble.
mod crawl_limits;
// Content-Encoding stacks: undone in order, or refused in one line (single page and crawl).
mod stacked_encodings;
// What one page may cost a crawl: --max-links-per-page on endless and huge pages.
mod page_bounds;
// The crawl's progress line on a pseudo-terminal (util-linux script), and its absence.
mod crawl_terminal;
// The crawl's HTML report read back and held to its JSON report; no external asset.
mod crawl_html;
// The page-level SEO audits: one fixture page per problem, each found at its tag.
mod crawl_seo;
// Two crawls of one site, the same report bytes but for the documented timing fields.
mod crawl_repeat;
// Built sites crawled from disk, and python3.11-doc from disk against nginx.
mod crawl_disk;
// The CI gate: --fail-on, --min-score, --baseline, href-counter.toml and its ignore rules.
mod crawl_gate;
// SARIF (validated against the vendored schema) and GitHub annotations, from disk and served.
mod crawl_scan;
// --header, --user, --cookie, --cookie-jar, --user-agent: to the site's host only.
mod crawl_requests;
// Bot challenges and accepted statuses: blocked-link warnings, not broken links.
mod crawl_blocked;
// The cache of external checks: successes skipped next time, failures always rechecked.
mod crawl_cache;
// Many sites: crawl --sites, shards, merge.
mod crawl_sites;
// How a crawl ends from outside, and how fast: its reader gone, Ctrl-C once and twice.
mod crawl_stop;
