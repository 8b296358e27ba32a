//! The original tool's output: `{"internal":N,"external":M}` for one page, and a JSON line
//! with the input and counts (or error) per page for several.

use std::io::{self, Write};

use super::error_object;
use super::escape::json_into;
use crate::sink::{PageResult, PageSink};

pub(super) struct Compat<W> {
    many: bool,
    w: W,
}

impl<W: Write> Compat<W> {
    pub(super) fn new(many: bool, w: W) -> Self {
        Compat { many, w }
    }
}

impl<W: Write> PageSink for Compat<W> {
    fn page(&mut self, input: &str, result: &PageResult) -> io::Result<()> {
        match (result, self.many) {
            (Ok(r), false) => writeln!(self.w, "{}", r.counts.to_json()),
            // Alone, a failed page prints nothing, as the original did: the error is on stderr.
            (Err(_), false) => Ok(()),
            (Ok(r), true) => {
                let line = serde_json::json!({
                    "input": input,
                    "internal": r.counts.internal,
                    "external": r.counts.external,
                });
                json_into(&mut self.w, &line)?;
                self.w.write_all(b"\n")
            }
            (Err(e), true) => {
                json_into(&mut self.w, &error_object(input, e))?;
                self.w.write_all(b"\n")
            }
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}
