//! One client connection: read HTTP/1.1 requests, record them, answer them as their route says.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::route::{reason, Framing, Route};
use crate::RecordedRequest;

/// Request heads larger than this are refused, so a confused client cannot grow memory forever.
const MAX_HEAD: usize = 64 * 1024;
/// Largest single body write when the route does not ask for slow writes.
const WRITE_CHUNK: usize = 64 * 1024;

/// What every connection of one server shares.
pub(crate) struct Shared {
    /// `http://127.0.0.1:PORT` (or `https://`), for the `{origin}` of generated answers.
    pub(crate) origin: String,
    pub(crate) routes: Vec<(String, Route)>,
    pub(crate) log: Mutex<Vec<RecordedRequest>>,
}

impl Shared {
    fn find(&self, target: &str) -> Option<&Route> {
        let exact = self.routes.iter().find(|(path, _)| path == target);
        exact
            .or_else(|| self.routes.iter().find(|(path, _)| path == "*"))
            .map(|(_, route)| route)
    }
}

/// Serves requests on one connection until either side closes it or the server shuts down.
pub(crate) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buf).await {
            Ok(request) => request,
            Err(Unreadable::Garbage) => {
                // What real servers do with, say, a TLS handshake sent to a plain HTTP port.
                let _ = stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
                    .await;
                break;
            }
            Err(Unreadable::Closed) => break,
        };
        shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(request.clone());
        let not_found = Route::status(404)
            .content_type("text/plain")
            .body("not found\n");
        let route = shared
            .find(&request.target)
            .map_or(&not_found, Route::next_answer);
        let generated;
        let route = match &route.generate {
            Some(make) => {
                generated = make.answer(&request.target, &shared.origin);
                &generated
            }
            None => route,
        };
        match respond(&mut stream, &request, route).await {
            Ok(true) => continue,
            Ok(false) | Err(_) => break,
        }
    }
    let _ = stream.shutdown().await;
}

/// Why no request could be read.
enum Unreadable {
    /// The client closed the connection (or it failed).
    Closed,
    /// The bytes are not an HTTP/1 request.
    Garbage,
}

/// Reads one request head (and a `Content-Length` body) from `stream`; bytes past it stay in
/// `buf` for the next request.
async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
) -> Result<RecordedRequest, Unreadable> {
    let head_end = loop {
        // Every method is an upper-case token: anything else can be refused at the first byte.
        if buf.first().is_some_and(|b| !b.is_ascii_uppercase()) || buf.len() > MAX_HEAD {
            return Err(Unreadable::Garbage);
        }
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if !fill(stream, buf).await {
            return Err(Unreadable::Closed);
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end + 4);

    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(Unreadable::Garbage);
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut request = RecordedRequest {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
        body: Vec::new(),
    };

    let length: usize = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < length {
        if !fill(stream, buf).await {
            return Err(Unreadable::Closed);
        }
    }
    request.body = buf.drain(..length).collect();
    Ok(request)
}

/// Appends what the socket has to `buf`; false on end of stream or error.
async fn fill<S: AsyncRead + Unpin>(stream: &mut S, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

/// Writes the route's response. `Ok(true)` when the connection can carry another request.
async fn respond<S: AsyncWrite + Unpin>(
    stream: &mut S,
    request: &RecordedRequest,
    route: &Route,
) -> std::io::Result<bool> {
    if let Some(delay) = route.delay_headers {
        tokio::time::sleep(delay).await;
    }
    let client_closes = request.version == "HTTP/1.0"
        || request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
    // 1xx, 204 and 304 responses never have a body, whatever the route holds.
    let bodiless = matches!(route.status, 100..=199 | 204 | 304);
    let framing = if bodiless {
        Framing::Length
    } else {
        route.framing
    };
    let keep_alive = !client_closes && matches!(framing, Framing::Length | Framing::Chunked);

    let mut head = format!("HTTP/1.1 {} {}\r\n", route.status, reason(route.status));
    for (name, value) in &route.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    match framing {
        Framing::Length if !bodiless => {
            head.push_str(&format!("Content-Length: {}\r\n", route.body.len()))
        }
        Framing::Length | Framing::Close => {}
        Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
        Framing::Lie(declared) => head.push_str(&format!("Content-Length: {declared}\r\n")),
    }
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await?;
    if bodiless || request.method == "HEAD" {
        return Ok(keep_alive);
    }

    let total = route.body.len();
    let send_until = route.stall_after.map_or(total, |stall| stall.min(total));
    let piece = route.slow.map_or(WRITE_CHUNK, |(bytes, _)| bytes);
    let mut data = vec![0u8; piece];
    let mut offset = 0u64;
    while offset < send_until {
        let want = usize::try_from(send_until - offset).map_or(piece, |left| left.min(piece));
        let n = route.body.read_at(offset, &mut data[..want]);
        if framing == Framing::Chunked {
            stream.write_all(format!("{n:x}\r\n").as_bytes()).await?;
            stream.write_all(&data[..n]).await?;
            stream.write_all(b"\r\n").await?;
        } else {
            stream.write_all(&data[..n]).await?;
        }
        stream.flush().await?;
        offset += n as u64;
        if let Some((_, tick)) = route.slow {
            tokio::time::sleep(tick).await;
        }
    }
    if route.stall_after.is_some() {
        // Hold the connection open, silent, until the server is dropped.
        std::future::pending::<()>().await;
    }
    if framing == Framing::Chunked {
        stream.write_all(b"0\r\n\r\n").await?;
        stream.flush().await?;
    }
    Ok(keep_alive)
}
