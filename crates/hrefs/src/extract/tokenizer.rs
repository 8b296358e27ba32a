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

/// Longest tag or attribute name kept for matching; longer names never match anything we want.
pub(crate) const NAME_CAP: usize = 16;

/// The elements whose content Go's tokenizer reads as raw text, hiding any tags inside.
const RAW_TAGS: [&[u8]; 10] = [
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
];

/// A lower-cased name, truncated to [`NAME_CAP`] bytes, with its full length.
#[derive(Clone, Copy, Default)]
pub(crate) struct Name {
    bytes: [u8; NAME_CAP],
    len: usize,
}

impl Name {
    fn push(&mut self, c: u8) {
        if self.len < NAME_CAP {
            self.bytes[self.len] = c.to_ascii_lowercase();
        }
        self.len += 1;
    }

    /// Whether the whole name equals `s` (which must be lower case).
    pub(crate) fn is(&self, s: &[u8]) -> bool {
        self.len == s.len() && self.len <= NAME_CAP && &self.bytes[..self.len] == s
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
}

/// Receives what the tokenizer finds. Values and text may arrive in several pieces when they
/// straddle chunks.
pub(crate) trait TokenSink {
    /// Whether text between tags is wanted now (cheap: called for every text run).
    fn wants_text(&self) -> bool;
    /// A piece of text outside tags (raw, not entity-decoded).
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
    /// Line accounting: newlines are counted up to `lines_to`.
    line: u64,
    line_start: u64,
    lines_to: u64,
}

impl Default for Tokenizer {
    fn default() -> Self {
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
            line: 1,
            line_start: 0,
            lines_to: 0,
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c')
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
                State::Data => match memchr(b'<', &chunk[i..]) {
                    None => {
                        if sink.wants_text() {
                            sink.text(&chunk[i..]);
                        }
                        i = n;
                    }
                    Some(k) => {
                        if k > 0 && sink.wants_text() {
                            sink.text(&chunk[i..i + k]);
                        }
                        i += k;
                        self.tag_start = self.offset + i as u64;
                        i += 1;
                        self.state = State::TagOpen;
                    }
                },
                State::TagOpen => {
                    let c = chunk[i];
                    if c.is_ascii_alphabetic() {
                        self.begin_tag(c, false);
                        i += 1;
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
                    i += 1;
                    if c == b'>' {
                        // "</>" yields nothing at all.
                        self.state = State::Data;
                    } else if c.is_ascii_alphabetic() {
                        self.begin_tag(c, true);
                    } else {
                        self.state = State::BogusComment;
                    }
                }
                State::TagName => {
                    let start = i;
                    while i < n && !matches!(chunk[i], b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'>')
                    {
                        i += 1;
                    }
                    for &c in &chunk[start..i] {
                        self.tag.push(c);
                    }
                    if i < n {
                        // Whitespace ends the name and is consumed; '/' and '>' are looked at again.
                        if is_space(chunk[i]) {
                            i += 1;
                        }
                        self.tag_name_done(chunk, sink);
                    }
                }
                State::BeforeAttrName => {
                    let c = chunk[i];
                    if is_space(c) {
                        i += 1;
                    } else if c == b'>' {
                        let before = if i > 0 { chunk[i - 1] } else { self.last_byte };
                        i += 1;
                        self.tag_done(before == b'/', sink);
                    } else {
                        // The attribute name starts with this byte, whatever it is ('/' and '=' too).
                        self.attr = Name::default();
                        self.state = State::AttrName;
                        if c == b'/' {
                            // An empty name, ended by the '/'.
                            i += 1;
                            self.attr_name_done(sink);
                            self.state = State::AfterAttrName;
                        } else if c == b'=' {
                            self.attr_name_done(sink);
                            self.state = State::AfterAttrName;
                        } else {
                            self.attr.push(c);
                            i += 1;
                        }
                    }
                }
                State::AttrName => {
                    let start = i;
                    while i < n
                        && !matches!(
                            chunk[i],
                            b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'=' | b'>'
                        )
                    {
                        i += 1;
                    }
                    if self.tag_interest != Interest::Skip {
                        for &c in &chunk[start..i] {
                            self.attr.push(c);
                        }
                    }
                    if i < n {
                        let c = chunk[i];
                        if c != b'=' && c != b'>' {
                            i += 1;
                        }
                        self.attr_name_done(sink);
                        self.state = State::AfterAttrName;
                    }
                }
                State::AfterAttrName => {
                    let c = chunk[i];
                    if is_space(c) {
                        i += 1;
                    } else if c == b'=' {
                        i += 1;
                        self.state = State::BeforeAttrValue;
                    } else {
                        self.attr_done(sink);
                    }
                }
                State::BeforeAttrValue => {
                    let c = chunk[i];
                    if is_space(c) {
                        i += 1;
                    } else if c == b'>' {
                        self.attr_done(sink);
                    } else if c == b'"' || c == b'\'' {
                        i += 1;
                        self.state = State::AttrValueQuoted(c);
                    } else {
                        self.state = State::AttrValueUnquoted;
                    }
                }
                State::AttrValueQuoted(q) => match memchr(q, &chunk[i..]) {
                    None => {
                        if self.attr_wanted {
                            sink.attr_value(&chunk[i..]);
                        }
                        i = n;
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
                    while i < n && !matches!(chunk[i], b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'>')
                    {
                        i += 1;
                    }
                    if self.attr_wanted && i > start {
                        sink.attr_value(&chunk[start..i]);
                    }
                    if i < n {
                        if chunk[i] != b'>' {
                            i += 1;
                        }
                        self.attr_done(sink);
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
                State::RawText => match memchr(b'<', &chunk[i..]) {
                    None => i = n,
                    Some(k) => {
                        i += k + 1;
                        self.state = State::RawLessThan;
                    }
                },
                State::RawLessThan => {
                    if chunk[i] == b'/' {
                        i += 1;
                        self.state = State::RawEndTag {
                            matched: 0,
                            from: Raw::Text,
                        };
                    } else {
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
                            self.state = raw_resume(from);
                        }
                    } else if matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'>') {
                        if from == Raw::ScriptDoubleEscaped {
                            i += 1;
                            self.state = State::Script(Script::Escaped);
                        } else {
                            i = self.raw_end_tag(chunk, i, sink);
                        }
                    } else {
                        self.state = raw_resume(from);
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
                    } else if matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'/' | b'>') {
                        i += 1;
                        self.state = State::Script(Script::DoubleEscaped);
                    } else {
                        self.state = State::Script(Script::Escaped);
                    }
                }
            }
        }
        self.count_lines(chunk, n);
        if let Some(&b) = chunk.last() {
            self.last_byte = b;
        }
        self.offset += n as u64;
    }

    fn begin_tag(&mut self, first: u8, end: bool) {
        self.tag = Name::default();
        self.tag.push(first);
        self.tag_is_end = end;
        self.state = State::TagName;
    }

    fn tag_name_done<S: TokenSink>(&mut self, chunk: &[u8], sink: &mut S) {
        self.tag_interest = sink.tag_start(&self.tag, self.tag_is_end);
        if self.tag_interest == Interest::AttributesAndPosition {
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
        self.state = State::Data;
        if !self.tag_is_end {
            // Go switches to raw text after these start tags, self-closing or not.
            if let Some(raw) = RAW_TAGS.iter().find(|t| self.tag.is(t)) {
                self.raw_tag = raw;
                self.state = match *raw {
                    b"plaintext" => State::Plaintext,
                    b"script" => State::Script(Script::Data),
                    _ => State::RawText,
                };
            }
        }
    }

    /// The raw element's end tag matched and `chunk[i]` is the byte after its name: from here on
    /// it is an ordinary end tag, as if its name had just been read.
    fn raw_end_tag<S: TokenSink>(&mut self, chunk: &[u8], mut i: usize, sink: &mut S) -> usize {
        self.tag = Name::default();
        for &c in self.raw_tag {
            self.tag.push(c);
        }
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
