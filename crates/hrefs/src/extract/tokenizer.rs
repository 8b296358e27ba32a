//! A streaming HTML tokenizer that splits input exactly where golang.org/x/net/html (v0.7.0) does.
//!
//! The original href-counter walks tokens with Go's tokenizer, so which `<a>` tags it sees
//! depends on that tokenizer's quirks: raw-text elements, its script escape states, its comment
//! rules, where a tag ends and when a tag counts as self-closing. This module reproduces those
//! decisions as a resumable state machine: input may arrive in chunks of any size, and only the
//! bytes a [`TokenSink`] asks for are handed out, so memory does not grow with the page.
//!
//! It reports tags and attributes, not a tree: that is all link extraction needs.

use memchr::{memchr, memchr2, memchr_iter, memrchr};

use crate::swar::find;

/// Longest tag or attribute name kept for matching; longer names never match anything we want.
pub(crate) const NAME_CAP: usize = 16;

/// The `id` attribute, which [`Interest::Ids`] asks for.
pub(crate) const ID: Name = Name::known(b"id");

/// The elements whose content Go's tokenizer reads as raw text, hiding any tags inside,
/// shortest first: [`raw_tags_of_len`] picks the few of one length.
const RAW_TAGS: [(Name, &[u8]); 10] = {
    const fn raw(s: &'static [u8]) -> (Name, &'static [u8]) {
        (Name::known(s), s)
    }
    [
        raw(b"xmp"),
        raw(b"style"),
        raw(b"title"),
        raw(b"iframe"),
        raw(b"script"),
        raw(b"noembed"),
        raw(b"noframes"),
        raw(b"noscript"),
        raw(b"textarea"),
        raw(b"plaintext"),
    ]
};

/// The raw-text elements whose name is `len` bytes long: at most three to compare with, and
/// none for most tags.
fn raw_tags_of_len(len: usize) -> &'static [(Name, &'static [u8])] {
    match len {
        3 => &RAW_TAGS[0..1],
        5 => &RAW_TAGS[1..3],
        6 => &RAW_TAGS[3..5],
        7 => &RAW_TAGS[5..6],
        8 => &RAW_TAGS[6..9],
        9 => &RAW_TAGS[9..10],
        _ => &[],
    }
}

/// A name as compared with the names we look for: its first [`NAME_CAP`] bytes packed into
/// one word, so that comparing it with a known name is one integer comparison. Longer names
/// never match anything we want.
///
/// Bytes are case-folded by setting bit 0x20 (one OR for the whole word, where a real
/// lower-casing needs a dozen operations). That maps `A..=Z` to `a..=z`, keeps `a..=z` and
/// '-', and maps every other byte outside them, except '\r' which becomes '-'; names never hold
/// a '\r' (whitespace ends them). So a name folds to a known name made of `a..=z` and '-'
/// exactly when it equals it ASCII-case-insensitively, as Go's lower-casing decides. Digits
/// (`h1`) fold to themselves too, as does the control byte 0x20 below each: "h\x11" reads as
/// `h1`, which only matters to a page that wants it to.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Name {
    word: u128,
    len: usize,
}

/// 0x20 in every byte: see [`Name`].
const FOLD: u128 = u128::MAX / 0xFF * 0x20;

/// `LOW_BYTES[k]` keeps the low `k` bytes of a word.
static LOW_BYTES: [u128; NAME_CAP + 1] = {
    let mut masks = [0; NAME_CAP + 1];
    let mut k = 1;
    while k <= NAME_CAP {
        masks[k] = u128::MAX >> (8 * (NAME_CAP - k));
        k += 1;
    }
    masks
};

impl Name {
    /// The name `s` (`a..=z`, `0..=9` and '-' only, at most [`NAME_CAP`] bytes), for
    /// comparisons.
    pub(crate) const fn known(s: &[u8]) -> Name {
        assert!(s.len() <= NAME_CAP);
        let mut word = 0u128;
        let mut i = 0;
        while i < s.len() {
            assert!(
                s[i].is_ascii_lowercase() || s[i].is_ascii_digit() || s[i] == b'-',
                "not a foldable name"
            );
            word |= (s[i] as u128) << (8 * i);
            i += 1;
        }
        Name { word, len: s.len() }
    }

    /// Appends `chunk[start..end]`. A name is usually read whole from one chunk: it is then
    /// loaded as one word and folded all at once.
    #[inline]
    fn extend(&mut self, chunk: &[u8], start: usize, end: usize) {
        let added = end - start;
        let len = self.len + added;
        if added > 0 && len <= NAME_CAP {
            let word = match chunk.get(start..start + NAME_CAP) {
                Some(window) => {
                    let mut bytes = [0; NAME_CAP];
                    bytes.copy_from_slice(window);
                    u128::from_le_bytes(bytes)
                }
                // Near the end of the chunk: byte by byte.
                None => chunk[start..end]
                    .iter()
                    .rev()
                    .fold(0, |word, &c| (word << 8) | u128::from(c)),
            };
            // Keep the name's bytes only. Variable u128 shifts cost a handful of instructions
            // each: the mask comes from a table, and the common whole name needs no shift.
            let word = (word | FOLD) & LOW_BYTES[added];
            if self.len == 0 {
                self.word = word;
            } else {
                // `self.len` is below NAME_CAP here, as `added` is positive.
                self.word |= word << (8 * self.len);
            }
        }
        self.len = len;
    }

    /// Whether this is exactly `other` (whose length is at most [`NAME_CAP`]). The lengths
    /// are compared first: they rule out most names at the cost of one comparison.
    #[inline]
    pub(crate) fn is(&self, other: Name) -> bool {
        self.len == other.len && self.word == other.word
    }
}

/// What the sink wants from the tag whose name was just read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interest {
    /// Nothing: skip its attributes cheaply.
    Skip,
    /// Its attribute names, and the values of the attributes the sink accepts.
    Attributes,
    /// As `Attributes`, and the line and column of its `<` first.
    AttributesAndPosition,
    /// Its `id` attributes alone (the sink may be offered others too, and refuses them).
    Ids,
}

/// Receives what the tokenizer finds. Values and text may arrive in several pieces when they
/// straddle chunks.
pub(crate) trait TokenSink {
    /// Whether text between tags is wanted now (cheap: called for every text run).
    fn wants_text(&self) -> bool;
    /// Whether the text of a raw-text element other than `<script>` (`<title>`, `<style>`,
    /// `<textarea>`...) is wanted now.
    fn wants_raw_text(&self) -> bool;
    /// A piece of text outside tags (raw, not entity-decoded), or of a wanted raw-text element.
    fn text(&mut self, piece: &[u8]);
    /// A start tag (`end == false`) or end tag named `name` begins.
    fn tag_start(&mut self, name: &Name, end: bool) -> Interest;
    /// The 1-based line and byte column of the current tag's `<`, when asked for.
    fn tag_position(&mut self, line: u64, column: u64);
    /// An attribute of an interesting tag; return whether its value is wanted.
    fn attr_start(&mut self, name: &Name) -> bool;
    /// A piece of the current wanted attribute's raw value.
    fn attr_value(&mut self, piece: &[u8]);
    /// The current attribute (wanted or not) is complete.
    fn attr_end(&mut self);
    /// The tag is complete; Go calls it self-closing when the byte before `>` is `/`.
    fn tag_end(&mut self, self_closing: bool);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Data,
    TagOpen,
    EndTagOpen,
    TagName,
    BeforeAttrName,
    AttrName,
    AfterAttrName,
    BeforeAttrValue,
    AttrValueQuoted(u8),
    AttrValueUnquoted,
    MarkupDecl,
    MarkupDeclDash,
    Comment,
    CommentBang,
    BogusComment,
    RawText,
    RawLessThan,
    /// Matching `</` + the raw tag's name; `matched` bytes of the name so far.
    RawEndTag {
        matched: u8,
        from: Raw,
    },
    Plaintext,
    Script(Script),
    ScriptDoubleEscapeStart(u8),
}

/// Where the tokenizer goes after [`Tokenizer::whole_tag`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Text (the data state).
    Text,
    /// The rest of a tag, in one of the states [`Tokenizer::tag`] handles.
    Tag,
    /// Raw text.
    Other,
}

/// Where a raw end-tag match started, which decides where a failed match resumes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Raw {
    Text,
    Script,
    ScriptEscaped,
    ScriptDoubleEscaped,
}

/// The script-data states of Go's `readScript`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Script {
    Data,
    LessThan,
    EscapeStart,
    EscapeStartDash,
    Escaped,
    EscapedDash,
    EscapedDashDash,
    EscapedLessThan,
    DoubleEscaped,
    DoubleEscapedDash,
    DoubleEscapedDashDash,
    DoubleEscapedLessThan,
}

/// The resumable tokenizer. Feed it with [`Tokenizer::feed`].
pub(crate) struct Tokenizer {
    state: State,
    /// Absolute offset of the next chunk's first byte.
    offset: u64,
    /// The last byte of the previous chunk (for the self-closing test at a chunk boundary).
    last_byte: u8,
    tag: Name,
    tag_is_end: bool,
    tag_interest: Interest,
    tag_start: u64,
    attr: Name,
    attr_wanted: bool,
    /// The raw-text element whose end tag closes the current raw text.
    raw_tag: &'static [u8],
    comment_dashes: u32,
    comment_beginning: bool,
    /// Line accounting, only when positions may be asked for: newlines are counted up to
    /// `lines_to`.
    track_lines: bool,
    line: u64,
    line_start: u64,
    lines_to: u64,
}

impl Tokenizer {
    /// A tokenizer at the start of a document; `track_lines` must be set for a sink that asks
    /// for tag positions.
    pub(crate) fn new(track_lines: bool) -> Self {
        Tokenizer {
            state: State::Data,
            offset: 0,
            last_byte: 0,
            tag: Name::default(),
            tag_is_end: false,
            tag_interest: Interest::Skip,
            tag_start: 0,
            attr: Name::default(),
            attr_wanted: false,
            raw_tag: b"",
            comment_dashes: 0,
            comment_beginning: false,
            track_lines,
            line: 1,
            line_start: 0,
            lines_to: 0,
        }
    }
}

/// The length of the tag name at the start of `s` (all of `s` if nothing ends it).
#[inline(always)]
fn tag_name_len(s: &[u8]) -> usize {
    s.iter().position(|&c| ends_tag_name(c)).unwrap_or(s.len())
}

/// Where a tag the sink skips ends, its attributes read with the rules of [`Tokenizer::tag`]
/// from `chunk[i]` in its `BeforeAttrName` state: `Ok` with the index after its '>', or, when
/// the chunk ends first, `Err` with where that state last began (the tokenizer resumes there,
/// so at most one attribute is read twice). With `IDS`, each `id` attribute read whole is
/// handed to `sink`, as the tokenizer would for an interesting tag (an attribute cut off by
/// the end of the chunk is left for the resumed reading).
#[inline(always)]
fn skipped_tag_end<S: TokenSink, const IDS: bool>(
    chunk: &[u8],
    mut i: usize,
    sink: &mut S,
) -> Result<usize, usize> {
    let n = chunk.len();
    let mut report = |is_id: bool, value: &[u8]| {
        if IDS && is_id {
            if sink.attr_start(&ID) && !value.is_empty() {
                sink.attr_value(value);
            }
            sink.attr_end();
        }
    };
    loop {
        let resume = i;
        i = skip_space(chunk, i);
        let Some(&c) = chunk.get(i) else {
            return Err(resume);
        };
        let mut is_id = false;
        match c {
            b'>' => return Ok(i + 1),
            b'/' => i += 1,
            b'=' => {}
            _ => {
                let start = i;
                while i < n && !ends_attr_name(chunk[i]) {
                    i += 1;
                }
                let Some(&c) = chunk.get(i) else {
                    return Err(resume);
                };
                is_id = IDS
                    && i - start == 2
                    && chunk[start] | 0x20 == b'i'
                    && chunk[start + 1] | 0x20 == b'd';
                // The usual `name="value"`, straight to the value's end.
                if c == b'=' {
                    if let Some(&quote @ (b'"' | b'\'')) = chunk.get(i + 1) {
                        match find(quote, &chunk[i + 2..]) {
                            None => return Err(resume),
                            Some(k) => {
                                report(is_id, &chunk[i + 2..i + 2 + k]);
                                i += k + 3;
                                continue;
                            }
                        }
                    }
                }
                if c != b'=' && c != b'>' {
                    i += 1;
                }
            }
        }
        i = skip_space(chunk, i);
        let Some(&c) = chunk.get(i) else {
            return Err(resume);
        };
        if c != b'=' {
            report(is_id, b"");
            continue;
        }
        i = skip_space(chunk, i + 1);
        let Some(&c) = chunk.get(i) else {
            return Err(resume);
        };
        if c == b'"' || c == b'\'' {
            match find(c, &chunk[i + 1..]) {
                None => return Err(resume),
                Some(k) => {
                    report(is_id, &chunk[i + 1..i + 1 + k]);
                    i += k + 2;
                }
            }
        } else if c != b'>' {
            let start = i;
            while i < n && !ends_unquoted(chunk[i]) {
                i += 1;
            }
            let Some(&c) = chunk.get(i) else {
                return Err(resume);
            };
            report(is_id, &chunk[start..i]);
            if c != b'>' {
                i += 1;
            }
        } else {
            report(is_id, b"");
        }
    }
}

/// The index of the first non-whitespace byte at or after `i` (the chunk's length if none).
#[inline]
fn skip_space(chunk: &[u8], mut i: usize) -> usize {
    while i < chunk.len() && is_space(chunk[i]) {
        i += 1;
    }
    i
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c')
}

/// Whether `c` ends a tag name: whitespace, '/' or '>'.
#[inline(always)]
fn ends_tag_name(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'>')
}

/// Whether `c` ends an attribute name: whitespace, '/', '=' or '>'.
#[inline(always)]
fn ends_attr_name(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'=' | b'>'
    )
}

/// Whether `c` ends an unquoted attribute value: whitespace or '>'.
#[inline(always)]
fn ends_unquoted(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'>')
}

impl Tokenizer {
    /// Total bytes fed so far.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Tokenizes the next chunk of input.
    pub(crate) fn feed<S: TokenSink>(&mut self, chunk: &[u8], sink: &mut S) {
        let mut i = 0;
        let n = chunk.len();
        while i < n {
            match self.state {
                State::Data
                | State::TagName
                | State::BeforeAttrName
                | State::AttrName
                | State::AfterAttrName
                | State::BeforeAttrValue
                | State::AttrValueQuoted(_)
                | State::AttrValueUnquoted => i = self.markup(chunk, i, sink),
                State::TagOpen => {
                    let c = chunk[i];
                    if c.is_ascii_alphabetic() {
                        // The letter is read again as the start of the name.
                        self.begin_tag(false);
                    } else if c == b'/' {
                        self.state = State::EndTagOpen;
                        i += 1;
                    } else if c == b'!' {
                        self.state = State::MarkupDecl;
                        i += 1;
                    } else if c == b'?' {
                        self.state = State::BogusComment;
                    } else {
                        // Not a tag: the '<' was text, and `c` is looked at again.
                        if sink.wants_text() {
                            sink.text(b"<");
                        }
                        self.state = State::Data;
                    }
                }
                State::EndTagOpen => {
                    let c = chunk[i];
                    if c == b'>' {
                        // "</>" yields nothing at all.
                        i += 1;
                        self.state = State::Data;
                    } else if c.is_ascii_alphabetic() {
                        // The letter is read again as the start of the name.
                        self.begin_tag(true);
                    } else {
                        i += 1;
                        self.state = State::BogusComment;
                    }
                }
                State::MarkupDecl => {
                    if chunk[i] == b'-' {
                        i += 1;
                        self.state = State::MarkupDeclDash;
                    } else {
                        // A doctype or a bogus comment: either way it ends at the first '>'.
                        self.state = State::BogusComment;
                    }
                }
                State::MarkupDeclDash => {
                    if chunk[i] == b'-' {
                        i += 1;
                        self.comment_dashes = 0;
                        self.comment_beginning = true;
                        self.state = State::Comment;
                    } else {
                        self.state = State::BogusComment;
                    }
                }
                State::Comment => i = self.comment(chunk, i),
                State::CommentBang => {
                    let c = chunk[i];
                    i += 1;
                    if c == b'>' {
                        self.state = State::Data;
                    } else {
                        self.comment_dashes = u32::from(c == b'-');
                        self.comment_beginning = false;
                        self.state = State::Comment;
                    }
                }
                State::BogusComment => match memchr(b'>', &chunk[i..]) {
                    None => i = n,
                    Some(k) => {
                        i += k + 1;
                        self.state = State::Data;
                    }
                },
                State::RawText => {
                    let end = memchr(b'<', &chunk[i..]).map_or(n, |k| i + k);
                    if end > i && sink.wants_raw_text() {
                        sink.text(&chunk[i..end]);
                    }
                    if end < n {
                        self.state = State::RawLessThan;
                    }
                    i = (end + 1).min(n);
                }
                State::RawLessThan => {
                    if chunk[i] == b'/' {
                        i += 1;
                        self.state = State::RawEndTag {
                            matched: 0,
                            from: Raw::Text,
                        };
                    } else {
                        if sink.wants_raw_text() {
                            sink.text(b"<");
                        }
                        self.state = State::RawText;
                    }
                }
                State::RawEndTag { matched, from } => {
                    let c = chunk[i];
                    let m = usize::from(matched);
                    if m < self.raw_tag.len() {
                        if c.to_ascii_lowercase() == self.raw_tag[m] {
                            i += 1;
                            self.state = State::RawEndTag {
                                matched: matched + 1,
                                from,
                            };
                        } else {
                            self.raw_end_missed(from, m, sink);
                        }
                    } else if ends_tag_name(c) {
                        if from == Raw::ScriptDoubleEscaped {
                            i += 1;
                            self.state = State::Script(Script::Escaped);
                        } else {
                            i = self.raw_end_tag(chunk, i, sink);
                        }
                    } else {
                        self.raw_end_missed(from, m, sink);
                    }
                }
                State::Plaintext => i = n,
                State::Script(s) => i = self.script(s, chunk, i),
                State::ScriptDoubleEscapeStart(matched) => {
                    let c = chunk[i];
                    let m = usize::from(matched);
                    if m < b"script".len() {
                        if c.to_ascii_lowercase() == b"script"[m] {
                            i += 1;
                            self.state = State::ScriptDoubleEscapeStart(matched + 1);
                        } else {
                            self.state = State::Script(Script::Escaped);
                        }
                    } else if ends_tag_name(c) {
                        i += 1;
                        self.state = State::Script(Script::DoubleEscaped);
                    } else {
                        self.state = State::Script(Script::Escaped);
                    }
                }
            }
        }
        if self.track_lines {
            self.count_lines(chunk, n);
        }
        if let Some(&b) = chunk.last() {
            self.last_byte = b;
        }
        self.offset += n as u64;
    }

    /// The hot path: text, start and end tags and their attributes, in straight-line code that
    /// runs from one tag to the next without going back through the state dispatch. It
    /// returns at the end of the chunk (the state says where it stopped) or when the input
    /// enters a rarer state (comments, raw text...).
    fn markup<S: TokenSink>(&mut self, chunk: &[u8], mut i: usize, sink: &mut S) -> usize {
        let n = chunk.len();
        loop {
            if self.state == State::Data {
                match find(b'<', &chunk[i..]) {
                    None => {
                        if sink.wants_text() {
                            sink.text(&chunk[i..]);
                        }
                        return n;
                    }
                    Some(k) => {
                        if k > 0 && sink.wants_text() {
                            sink.text(&chunk[i..i + k]);
                        }
                        i += k;
                        self.tag_start = self.offset + i as u64;
                        i += 1;
                    }
                }
                let end = match (chunk.get(i), chunk.get(i + 1)) {
                    // The name starts with the letter, read with the rest of it.
                    (Some(&c), _) if c.is_ascii_alphabetic() => false,
                    (Some(b'/'), Some(&c)) if c.is_ascii_alphabetic() => {
                        i += 1;
                        true
                    }
                    _ => {
                        self.state = State::TagOpen;
                        return i;
                    }
                };
                let next;
                (i, next) = self.whole_tag(chunk, i, end, sink);
                match next {
                    Next::Text if i < n => continue,
                    Next::Tag => {}
                    _ => return i,
                }
            }
            i = self.tag(chunk, i, sink);
            if i == n || self.state != State::Data {
                return i;
            }
        }
    }

    /// A tag whose name starts at `chunk[start]`, read in local variables as far as possible:
    /// most tags are skipped and lie whole in the chunk, and for them this never goes through
    /// the state machine. Otherwise it leaves the tokenizer in the state where [`Self::tag`]
    /// carries on (or in the state after the tag) and returns where to resume and what comes
    /// next.
    #[inline(always)]
    fn whole_tag<S: TokenSink>(
        &mut self,
        chunk: &[u8],
        start: usize,
        end: bool,
        sink: &mut S,
    ) -> (usize, Next) {
        let name_end = start + tag_name_len(&chunk[start..]);
        if name_end == chunk.len() {
            self.begin_tag(end);
            return (start, Next::Tag);
        }
        let mut name = Name::default();
        name.extend(chunk, start, name_end);
        self.tag = name;
        self.tag_is_end = end;
        let interest = sink.tag_start(&name, end);
        let after_name = chunk[name_end];
        // Whitespace ends the name and is consumed; '/' and '>' are looked at again.
        let i = name_end + usize::from(is_space(after_name));
        // Attributes or not, a skipped tag ends at its first '>' outside quoted values; a tag
        // read for its ids alone is skipped the same way, its ids picked up on the way.
        let end_of_tag = if after_name == b'>' && interest == Interest::Skip {
            Ok(name_end + 1)
        } else if interest == Interest::Skip {
            skipped_tag_end::<S, false>(chunk, i, sink)
        } else if interest == Interest::Ids {
            let end_of_tag = skipped_tag_end::<S, true>(chunk, i, sink);
            if let Ok(after) = end_of_tag {
                sink.tag_end(chunk[after - 2] == b'/');
            }
            end_of_tag
        } else {
            self.enter_attributes(interest, chunk, sink);
            return (i, Next::Tag);
        };
        match end_of_tag {
            Ok(after) if !end && self.enter_raw_text(&name) => (after, Next::Other),
            // Still in the data state the tag began in.
            Ok(after) => (after, Next::Text),
            Err(resume) => {
                self.tag_interest = interest;
                self.state = State::BeforeAttrName;
                (resume, Next::Tag)
            }
        }
    }

    /// A tag's name and attributes, Go's `readTag`, entered in whichever of its states the
    /// tokenizer is in. Returns at the end of the chunk or after the tag's '>'.
    fn tag<S: TokenSink>(&mut self, chunk: &[u8], mut i: usize, sink: &mut S) -> usize {
        let n = chunk.len();
        if self.state == State::TagName {
            let start = i;
            while i < n && !ends_tag_name(chunk[i]) {
                i += 1;
            }
            // Built in a local so the name is stored once, whole: comparing it right after
            // byte-sized stores would stall on store forwarding.
            let mut name = self.tag;
            name.extend(chunk, start, i);
            self.tag = name;
            if i == n {
                return n;
            }
            // Whitespace ends the name and is consumed; '/' and '>' are looked at again.
            if is_space(chunk[i]) {
                i += 1;
            }
            self.tag_name_done(chunk, sink);
        }
        loop {
            if self.state == State::BeforeAttrName {
                i = skip_space(chunk, i);
                let Some(&c) = chunk.get(i) else {
                    return n;
                };
                if c == b'>' {
                    let before = if i > 0 { chunk[i - 1] } else { self.last_byte };
                    self.tag_done(before == b'/', sink);
                    return i + 1;
                }
                // The attribute name starts with this byte, whatever it is ('/' and '=' too).
                self.attr = Name::default();
                if c == b'/' {
                    // An empty name, ended by the '/'.
                    i += 1;
                    self.attr_name_done(sink);
                    self.state = State::AfterAttrName;
                } else if c == b'=' {
                    self.attr_name_done(sink);
                    self.state = State::AfterAttrName;
                } else {
                    // Read again as the first byte of the name.
                    self.state = State::AttrName;
                }
            }
            if self.state == State::AttrName {
                let start = i;
                while i < n && !ends_attr_name(chunk[i]) {
                    i += 1;
                }
                if self.tag_interest != Interest::Skip {
                    let mut name = self.attr;
                    name.extend(chunk, start, i);
                    self.attr = name;
                }
                let Some(&c) = chunk.get(i) else {
                    return n;
                };
                // The usual `name="value"` lying whole in the chunk: straight to its end.
                if c == b'=' {
                    if let Some(&quote @ (b'"' | b'\'')) = chunk.get(i + 1) {
                        if let Some(k) = find(quote, &chunk[i + 2..]) {
                            self.attr_name_done(sink);
                            if self.attr_wanted {
                                sink.attr_value(&chunk[i + 2..i + 2 + k]);
                            }
                            i += k + 3;
                            self.attr_done(sink);
                            continue;
                        }
                    }
                }
                if c != b'=' && c != b'>' {
                    i += 1;
                }
                self.attr_name_done(sink);
                self.state = State::AfterAttrName;
            }
            if self.state == State::AfterAttrName {
                i = skip_space(chunk, i);
                let Some(&c) = chunk.get(i) else {
                    return n;
                };
                if c != b'=' {
                    self.attr_done(sink);
                    continue;
                }
                i += 1;
                self.state = State::BeforeAttrValue;
            }
            if self.state == State::BeforeAttrValue {
                i = skip_space(chunk, i);
                let Some(&c) = chunk.get(i) else {
                    return n;
                };
                if c == b'>' {
                    self.attr_done(sink);
                    continue;
                }
                if c == b'"' || c == b'\'' {
                    i += 1;
                    self.state = State::AttrValueQuoted(c);
                } else {
                    self.state = State::AttrValueUnquoted;
                }
            }
            match self.state {
                State::AttrValueQuoted(q) => match find(q, &chunk[i..]) {
                    None => {
                        if self.attr_wanted {
                            sink.attr_value(&chunk[i..]);
                        }
                        return n;
                    }
                    Some(k) => {
                        if self.attr_wanted {
                            sink.attr_value(&chunk[i..i + k]);
                        }
                        i += k + 1;
                        self.attr_done(sink);
                    }
                },
                State::AttrValueUnquoted => {
                    let start = i;
                    while i < n && !ends_unquoted(chunk[i]) {
                        i += 1;
                    }
                    if self.attr_wanted && i > start {
                        sink.attr_value(&chunk[start..i]);
                    }
                    let Some(&c) = chunk.get(i) else {
                        return n;
                    };
                    if c != b'>' {
                        i += 1;
                    }
                    self.attr_done(sink);
                }
                _ => {}
            }
        }
    }

    fn begin_tag(&mut self, end: bool) {
        self.tag = Name::default();
        self.tag_is_end = end;
        self.state = State::TagName;
    }

    fn tag_name_done<S: TokenSink>(&mut self, chunk: &[u8], sink: &mut S) {
        let interest = sink.tag_start(&self.tag, self.tag_is_end);
        self.enter_attributes(interest, chunk, sink);
    }

    /// The tag's name is read: on to its attributes, with the sink's `interest` in them.
    fn enter_attributes<S: TokenSink>(&mut self, interest: Interest, chunk: &[u8], sink: &mut S) {
        self.tag_interest = interest;
        if interest == Interest::AttributesAndPosition && self.track_lines {
            // A tag name holds no whitespace, so no newline lies between the '<' and here, even
            // when the '<' was in an earlier chunk.
            let at = self.tag_start.max(self.offset);
            self.count_lines(chunk, (at - self.offset) as usize);
            sink.tag_position(self.line, self.tag_start - self.line_start + 1);
        }
        self.state = State::BeforeAttrName;
    }

    fn attr_name_done<S: TokenSink>(&mut self, sink: &mut S) {
        // Go drops attributes with an empty name, so they never reach the sink.
        self.attr_wanted =
            self.tag_interest != Interest::Skip && self.attr.len > 0 && sink.attr_start(&self.attr);
    }

    fn attr_done<S: TokenSink>(&mut self, sink: &mut S) {
        if self.tag_interest != Interest::Skip && self.attr.len > 0 {
            sink.attr_end();
        }
        self.attr_wanted = false;
        self.state = State::BeforeAttrName;
    }

    fn tag_done<S: TokenSink>(&mut self, self_closing: bool, sink: &mut S) {
        if self.tag_interest != Interest::Skip {
            sink.tag_end(self_closing);
        }
        self.enter_content();
    }

    /// The tag is complete: on to what follows it, raw text after some start tags.
    fn enter_content(&mut self) {
        self.state = State::Data;
        if !self.tag_is_end {
            self.enter_raw_text(&self.tag.clone());
        }
    }

    /// Go switches to raw text after the start tags of raw-text elements, self-closing or not:
    /// whether `name` is one, and if so, the switch.
    #[inline(always)]
    fn enter_raw_text(&mut self, name: &Name) -> bool {
        let raw = raw_tags_of_len(name.len)
            .iter()
            .find(|(known, _)| name.is(*known));
        let Some(&(_, raw)) = raw else {
            return false;
        };
        self.raw_tag = raw;
        self.state = match raw {
            b"plaintext" => State::Plaintext,
            b"script" => State::Script(Script::Data),
            _ => State::RawText,
        };
        true
    }

    /// `</` and `matched` bytes of the raw element's name turned out not to be its end tag:
    /// back to the raw text they are part of.
    fn raw_end_missed<S: TokenSink>(&mut self, from: Raw, matched: usize, sink: &mut S) {
        if from == Raw::Text && sink.wants_raw_text() {
            // The name's case as written is lost; only a title like "a</TITLEx" would show it.
            sink.text(b"</");
            sink.text(&self.raw_tag[..matched]);
        }
        self.state = raw_resume(from);
    }

    /// The raw element's end tag matched and `chunk[i]` is the byte after its name: from here on
    /// it is an ordinary end tag, as if its name had just been read.
    fn raw_end_tag<S: TokenSink>(&mut self, chunk: &[u8], mut i: usize, sink: &mut S) -> usize {
        self.tag = Name::default();
        self.tag.extend(self.raw_tag, 0, self.raw_tag.len());
        self.tag_is_end = true;
        self.tag_start = (self.offset + i as u64).saturating_sub(2 + self.raw_tag.len() as u64);
        if is_space(chunk[i]) {
            i += 1;
        }
        self.tag_name_done(chunk, sink);
        i
    }

    /// Go's `readComment`: ends at "-->", "--!>", or right away at "<!-->" and "<!--->".
    fn comment(&mut self, chunk: &[u8], mut i: usize) -> usize {
        let n = chunk.len();
        while i < n {
            if self.comment_dashes == 0 && !self.comment_beginning {
                // Only a '-' can start the end of a comment.
                match memchr(b'-', &chunk[i..]) {
                    None => return n,
                    Some(k) => i += k,
                }
            }
            let c = chunk[i];
            i += 1;
            match c {
                b'-' => {
                    self.comment_dashes += 1;
                    continue;
                }
                b'>' if self.comment_dashes >= 2 || self.comment_beginning => {
                    self.state = State::Data;
                    return i;
                }
                b'!' if self.comment_dashes >= 2 => {
                    self.state = State::CommentBang;
                    return i;
                }
                _ => {}
            }
            self.comment_dashes = 0;
            self.comment_beginning = false;
        }
        i
    }

    /// Go's `readScript` states, apart from end-tag and double-escape matching.
    fn script(&mut self, s: Script, chunk: &[u8], i: usize) -> usize {
        use Script::*;
        let c = chunk[i];
        let next = match s {
            Data => {
                return match memchr(b'<', &chunk[i..]) {
                    None => chunk.len(),
                    Some(k) => {
                        self.state = State::Script(LessThan);
                        i + k + 1
                    }
                };
            }
            LessThan => match c {
                b'/' => {
                    self.state = State::RawEndTag {
                        matched: 0,
                        from: Raw::Script,
                    };
                    return i + 1;
                }
                b'!' => EscapeStart,
                _ => {
                    self.state = State::Script(Data);
                    return i;
                }
            },
            EscapeStart | EscapeStartDash => {
                if c != b'-' {
                    self.state = State::Script(Data);
                    return i;
                }
                if s == EscapeStart {
                    EscapeStartDash
                } else {
                    EscapedDashDash
                }
            }
            Escaped => {
                return match memchr2(b'-', b'<', &chunk[i..]) {
                    None => chunk.len(),
                    Some(k) => {
                        let at = chunk[i + k];
                        self.state = State::Script(if at == b'-' {
                            EscapedDash
                        } else {
                            EscapedLessThan
                        });
                        i + k + 1
                    }
                };
            }
            EscapedDash | EscapedDashDash => match c {
                b'-' => EscapedDashDash,
                b'<' => EscapedLessThan,
                b'>' if s == EscapedDashDash => Data,
                _ => Escaped,
            },
            EscapedLessThan => {
                if c == b'/' {
                    self.state = State::RawEndTag {
                        matched: 0,
                        from: Raw::ScriptEscaped,
                    };
                    return i + 1;
                }
                if c.is_ascii_alphabetic() {
                    self.state = State::ScriptDoubleEscapeStart(0);
                } else {
                    self.state = State::Script(Data);
                }
                return i;
            }
            DoubleEscaped => {
                return match memchr2(b'-', b'<', &chunk[i..]) {
                    None => chunk.len(),
                    Some(k) => {
                        let at = chunk[i + k];
                        self.state = State::Script(if at == b'-' {
                            DoubleEscapedDash
                        } else {
                            DoubleEscapedLessThan
                        });
                        i + k + 1
                    }
                };
            }
            DoubleEscapedDash | DoubleEscapedDashDash => match c {
                b'-' => DoubleEscapedDashDash,
                b'<' => DoubleEscapedLessThan,
                b'>' if s == DoubleEscapedDashDash => Data,
                _ => DoubleEscaped,
            },
            DoubleEscapedLessThan => {
                if c == b'/' {
                    self.state = State::RawEndTag {
                        matched: 0,
                        from: Raw::ScriptDoubleEscaped,
                    };
                    return i + 1;
                }
                self.state = State::Script(DoubleEscaped);
                return i;
            }
        };
        self.state = State::Script(next);
        i + 1
    }

    /// Counts newlines in `chunk[..upto]` not yet counted.
    fn count_lines(&mut self, chunk: &[u8], upto: usize) {
        let from = self.lines_to.saturating_sub(self.offset) as usize;
        if upto <= from {
            return;
        }
        let part = &chunk[from..upto];
        let newlines = memchr_iter(b'\n', part).count();
        if newlines > 0 {
            self.line += newlines as u64;
            let last = memrchr(b'\n', part).unwrap_or(0);
            self.line_start = self.offset + (from + last + 1) as u64;
        }
        self.lines_to = self.offset + upto as u64;
    }
}

/// Where a failed raw end-tag match goes back to; the byte that broke the match is looked at again.
fn raw_resume(from: Raw) -> State {
    match from {
        Raw::Text => State::RawText,
        Raw::Script => State::Script(Script::Data),
        Raw::ScriptEscaped => State::Script(Script::Escaped),
        Raw::ScriptDoubleEscaped => State::Script(Script::DoubleEscaped),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_tags_by_length() {
        for len in 0..=NAME_CAP + 1 {
            let want: Vec<_> = RAW_TAGS.iter().filter(|(n, _)| n.len == len).collect();
            let got: Vec<_> = raw_tags_of_len(len).iter().collect();
            assert_eq!(got.len(), want.len(), "length {len}");
            assert!(got.iter().all(|(n, s)| n.len == len && s.len() == len));
        }
    }

    #[test]
    fn names_fold_case() {
        let href = Name::known(b"href");
        let equiv = Name::known(b"http-equiv");
        let read = |bytes: &[u8], split: usize| {
            let split = split.min(bytes.len());
            let mut name = Name::default();
            name.extend(bytes, 0, split);
            name.extend(bytes, split, bytes.len());
            // And read from a longer chunk, a word at a time.
            let mut padded = bytes.to_vec();
            padded.extend_from_slice(&[b'X'; NAME_CAP]);
            let mut whole = Name::default();
            whole.extend(&padded, 0, bytes.len());
            assert!(name == whole, "{bytes:?}");
            name
        };
        for split in 0..=4 {
            assert!(read(b"href", split).is(href));
            assert!(read(b"HrEF", split).is(href));
            assert!(read(b"HTTP-Equiv", split).is(equiv));
            assert!(!read(b"hrefs", split).is(href));
            assert!(!read(b"hre", split).is(href));
        }
        // Only the letters' own other case folds onto a letter, and nothing but '-' onto '-'.
        for b in 0..=255u8 {
            for known in b'a'..=b'z' {
                let want = b.to_ascii_lowercase() == known;
                assert_eq!(read(&[b], 0).is(Name::known(&[known])), want, "{b:#x}");
            }
            assert_eq!(read(&[b], 1).is(Name::known(b"-")), b == b'-' || b == b'\r');
        }
        // Past the cap nothing matches, however the name began.
        let mut long = read(b"href", 2);
        long.extend(b"abcdefghijklmnop", 0, 16);
        assert_eq!(long.len, 20);
        assert!(!long.is(href));
    }
}
