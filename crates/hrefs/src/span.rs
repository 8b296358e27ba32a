//! Ranges of a page's buffers in 8 bytes instead of 16 (24 when optional).
//!
//! An [`crate::extract::AnchorLog`] keeps anchors as positions in one shared buffer; on a page
//! with 17,000 links the positions weighed more than the text. Positions are 32 bits, so a buffer must stay under
//! 4 GiB: whoever builds spans checks the buffer's final length with [`fits`] and refuses the
//! page past it, which makes every span taken on the way exact (positions only grow).

use std::ops::Range;

/// A range of a buffer, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// No range. No real range starts after it ends.
    pub(crate) const NONE: Span = Span {
        start: u32::MAX,
        end: 0,
    };

    /// `range`, exact as long as the buffer [`fits`].
    pub(crate) fn new(range: Range<usize>) -> Span {
        Span {
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    /// `range`, or [`Span::NONE`].
    pub(crate) fn of(range: Option<Range<usize>>) -> Span {
        range.map_or(Span::NONE, Span::new)
    }

    /// The range, `None` for [`Span::NONE`].
    pub(crate) fn get(self) -> Option<Range<usize>> {
        (self != Span::NONE).then_some(self.start as usize..self.end as usize)
    }

    /// The range of a span that is never [`Span::NONE`].
    pub(crate) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Whether a buffer of `len` bytes (or entries) can be addressed by spans.
pub(crate) fn fits(len: usize) -> bool {
    u32::try_from(len).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_round_trip() {
        assert_eq!(Span::new(3..9).range(), 3..9);
        assert_eq!(Span::new(3..9).get(), Some(3..9));
        assert_eq!(Span::of(Some(0..0)).get(), Some(0..0));
        assert_eq!(Span::of(None).get(), None);
        let last = u32::MAX as usize;
        assert_eq!(Span::new(last - 1..last).get(), Some(last - 1..last));
        assert_eq!(std::mem::size_of::<Span>(), 8);
    }

    #[test]
    fn buffers_past_4_gib_do_not_fit() {
        assert!(fits(0));
        assert!(fits(u32::MAX as usize));
        assert!(!fits(u32::MAX as usize + 1));
    }
}
