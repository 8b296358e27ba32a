//! [`AnchorLog`]: a page's anchors kept for later, packed into three shared buffers.

use std::ops::Range;

use super::anchor::Anchor;
use crate::span::{self, Span};

/// Anchors kept for later, a page's worth in three shared buffers: keeping an anchor costs
/// copies of its bytes, never an allocation of its own.
#[derive(Debug, Default)]
pub struct AnchorLog {
    bytes: Vec<u8>,
    hrefs: Vec<Range<usize>>,
    entries: Vec<LogEntry>,
}

/// Where one logged anchor's parts are. Its attribute values, text and alt text follow each
/// other in the log's bytes, from `start` to `end`; `hrefs` are positions in the log's href
/// ranges (which, like `rel` and `target`, are relative to the attribute values). 64 bytes:
/// a page can log tens of thousands of anchors.
#[derive(Debug)]
struct LogEntry {
    start: u32,
    text: u32,
    alt: u32,
    end: u32,
    hrefs: Span,
    rel: Span,
    target: Span,
    line: u64,
    column: u64,
    code: bool,
}

impl AnchorLog {
    /// Keeps a copy of `anchor`.
    pub fn push(&mut self, anchor: &Anchor) {
        let at = |log: &AnchorLog| log.bytes.len() as u32;
        let start = at(self);
        self.bytes.extend_from_slice(anchor.buf);
        let text = at(self);
        self.bytes.extend_from_slice(anchor.text);
        let alt = at(self);
        self.bytes.extend_from_slice(anchor.alt);
        let first = self.hrefs.len();
        self.hrefs.extend_from_slice(anchor.hrefs);
        self.entries.push(LogEntry {
            start,
            text,
            alt,
            end: at(self),
            hrefs: Span::new(first..self.hrefs.len()),
            rel: Span::of(anchor.rel.clone()),
            target: Span::of(anchor.target.clone()),
            line: anchor.line,
            column: anchor.column,
            code: anchor.code,
        });
    }

    /// Whether the log outgrew what it can address (4 GiB of anchor data): its anchors are
    /// then not the page's, and the page must be refused.
    pub fn overflowed(&self) -> bool {
        !(span::fits(self.bytes.len()) && span::fits(self.hrefs.len()))
    }

    /// The anchors, in the order they were kept.
    pub fn iter(&self) -> impl Iterator<Item = Anchor<'_>> + '_ {
        self.entries.iter().map(|e| {
            let part = |from: u32, to: u32| &self.bytes[from as usize..to as usize];
            Anchor {
                buf: part(e.start, e.text),
                hrefs: &self.hrefs[e.hrefs.range()],
                rel: e.rel.get(),
                target: e.target.get(),
                text: part(e.text, e.alt),
                alt: part(e.alt, e.end),
                line: e.line,
                column: e.column,
                code: e.code,
                page: None,
            }
        })
    }
}
