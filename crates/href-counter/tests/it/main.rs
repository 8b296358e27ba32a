//! href-counter's integration tests: one binary, one module per area.

// Every python3.11-doc page through the real binary, against the original Go tool's answers.
mod corpus;
