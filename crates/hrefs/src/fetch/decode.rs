//! Content codings undone: a body's `Content-Encoding`s, every header line and every item of
//! their lists, are undone last applied first when each is gzip, deflate or br and there are
//! at most [`MAX_CODINGS`]; any other body is refused rather than read as the page.
//!
//! The HTTP client's own decompression undoes one coding only: `gzip, gzip` or `gzip, br` came
//! out still compressed and was read as a page without links.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZlibDecoder};
use bytes::{Buf, Bytes, BytesMut};
use http_body::Body as _;
use reqwest::header::{HeaderMap, CONTENT_ENCODING};
use tokio::io::{AsyncBufRead, AsyncRead, AsyncReadExt, BufReader, ReadBuf};

/// Most codings undone on one body. Real servers apply one; a longer stack is a mistake or a
/// decompression bomb in layers.
pub const MAX_CODINGS: usize = 3;

/// Decoded bytes handed out at a time.
const READ_CHUNK: usize = 64 * 1024;

/// The codings this build undoes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Coding {
    Gzip,
    /// HTTP's `deflate`: the zlib format.
    Deflate,
    Brotli,
}

/// Why a body's codings cannot be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodingProblem {
    /// A coding this build does not know.
    Unsupported(String),
    /// More codings than [`MAX_CODINGS`].
    TooDeep(usize),
}

impl std::fmt::Display for EncodingProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EncodingProblem::Unsupported(coding) => {
                write!(f, "'{coding}' is not supported (gzip, deflate and br are)")
            }
            EncodingProblem::TooDeep(n) => {
                write!(f, "{n} codings, more than the {MAX_CODINGS} undone")
            }
        }
    }
}

/// The codings of `headers`, in the order they were applied (`identity` is none), or why they
/// cannot be undone. Names are compared case-insensitively, and `x-gzip` is gzip (RFC 9110).
pub(super) fn codings(headers: &HeaderMap) -> Result<Vec<Coding>, EncodingProblem> {
    let mut codings = Vec::new();
    for value in headers.get_all(CONTENT_ENCODING) {
        let value = String::from_utf8_lossy(value.as_bytes());
        for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let coding = match name.to_ascii_lowercase().as_str() {
                "identity" => continue,
                "gzip" | "x-gzip" => Coding::Gzip,
                "deflate" => Coding::Deflate,
                "br" => Coding::Brotli,
                _ => return Err(EncodingProblem::Unsupported(name.to_string())),
            };
            codings.push(coding);
        }
    }
    if codings.len() > MAX_CODINGS {
        return Err(EncodingProblem::TooDeep(codings.len()));
    }
    Ok(codings)
}

/// `Content-Encoding` as sent, every line, for messages.
pub(super) fn header_text(headers: &HeaderMap) -> String {
    headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A body being decoded: the last coding applied is undone first.
pub(super) struct Decoded {
    reader: Pin<Box<dyn AsyncBufRead + Send>>,
    buf: BytesMut,
}

impl Decoded {
    pub(super) fn new(body: reqwest::Body, codings: &[Coding]) -> Decoded {
        let mut reader: Pin<Box<dyn AsyncBufRead + Send>> = Box::pin(BodyReader {
            body,
            chunk: Bytes::new(),
        });
        // Each decoder reads from a buffered reader. Reads of READ_CHUNK, larger than a
        // BufReader's buffer, go straight through the outermost one: no copy.
        for coding in codings.iter().rev() {
            reader = match coding {
                Coding::Gzip => Box::pin(BufReader::new(GzipDecoder::new(reader))),
                Coding::Deflate => Box::pin(BufReader::new(ZlibDecoder::new(reader))),
                Coding::Brotli => Box::pin(BufReader::new(BrotliDecoder::new(reader))),
            };
        }
        Decoded {
            reader,
            buf: BytesMut::new(),
        }
    }

    /// The next decoded bytes, `None` at the end. The buffer is reused once the bytes handed
    /// out before are dropped.
    pub(super) async fn chunk(&mut self) -> io::Result<Option<Bytes>> {
        self.buf.reserve(READ_CHUNK);
        let n = self.reader.read_buf(&mut self.buf).await?;
        Ok((n > 0).then(|| self.buf.split().freeze()))
    }
}

/// The undecoded body as a buffered reader, the decoders' input. Its errors carry the
/// client's, so that messages can name the cause as for plain bodies.
struct BodyReader {
    body: reqwest::Body,
    chunk: Bytes,
}

impl AsyncRead for BodyReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(out.remaining());
        out.put_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for BodyReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        while this.chunk.is_empty() {
            match ready!(Pin::new(&mut this.body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.chunk = data;
                    }
                }
                Some(Err(err)) => return Poll::Ready(Err(io::Error::other(err))),
                None => break,
            }
        }
        Poll::Ready(Ok(&this.chunk))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        self.chunk.advance(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn of(lines: &[&str]) -> Result<Vec<Coding>, EncodingProblem> {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(CONTENT_ENCODING, HeaderValue::from_str(line).unwrap());
        }
        codings(&headers)
    }

    #[test]
    fn codings_in_the_order_applied() {
        use Coding::*;
        assert_eq!(of(&[]), Ok(vec![]));
        assert_eq!(of(&["identity"]), Ok(vec![]));
        assert_eq!(of(&["GZIP"]), Ok(vec![Gzip]));
        assert_eq!(of(&["gzip, gzip,br"]), Ok(vec![Gzip, Gzip, Brotli]));
        assert_eq!(of(&["x-gzip", "deflate"]), Ok(vec![Gzip, Deflate]));
        assert_eq!(of(&["gzip, identity, br"]), Ok(vec![Gzip, Brotli]));
    }

    #[test]
    fn unknown_and_too_deep_stacks_are_refused() {
        assert_eq!(
            of(&["gzip, zstd"]),
            Err(EncodingProblem::Unsupported("zstd".into()))
        );
        assert_eq!(
            of(&["gzip, gzip", "gzip, gzip"]),
            Err(EncodingProblem::TooDeep(4))
        );
        assert_eq!(
            EncodingProblem::TooDeep(4).to_string(),
            "4 codings, more than the 3 undone"
        );
    }
}
