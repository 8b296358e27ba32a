//! The server's bytes on the wire, read with a plain socket so nothing is interpreted for us.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::route::Body;
use crate::{Route, TestServer};

/// Sends `request` raw and returns everything the server writes until it closes.
fn exchange(server: &TestServer, request: &str) -> String {
    let mut stream = TcpStream::connect(server.addr()).expect("connect to the test server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("set a read timeout");
    stream
        .write_all(request.as_bytes())
        .expect("send the request");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).expect("read the response");
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn a_chunked_route_is_framed_as_chunks() {
    let server = TestServer::start(vec![("/c", Route::html("hello").chunked())]);
    let response = exchange(
        &server,
        "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(
        response,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    );
}

#[test]
fn unknown_paths_get_404_unless_a_fallback_answers() {
    let plain = TestServer::start(vec![("/", Route::html("home"))]);
    let response = exchange(&plain, "GET /nope HTTP/1.0\r\n\r\n");
    assert!(
        response.starts_with("HTTP/1.1 404 Not Found\r\n"),
        "{response}"
    );

    let proxy = TestServer::start(vec![("*", Route::status(204))]);
    let request = "GET http://example.invalid/a?b HTTP/1.1\r\nHost: example.invalid\r\n\
                   Connection: close\r\n\r\n";
    let response = exchange(&proxy, request);
    assert!(
        response.starts_with("HTTP/1.1 204 No Content\r\n"),
        "{response}"
    );
    let recorded = proxy.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].method, "GET");
    assert_eq!(recorded[0].target, "http://example.invalid/a?b");
    assert_eq!(recorded[0].header("HOST"), Some("example.invalid"));
}

#[test]
fn a_lying_length_is_sent_as_is_and_the_connection_closed() {
    let server = TestServer::start(vec![("/", Route::html("short").content_length_lie(100))]);
    let response = exchange(&server, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(response.contains("Content-Length: 100\r\n"), "{response}");
    assert!(response.ends_with("\r\n\r\nshort"), "{response}");
}

#[test]
fn head_gets_headers_only() {
    let server = TestServer::start(vec![("/", Route::html("body"))]);
    let response = exchange(
        &server,
        "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(response.contains("Content-Length: 4\r\n"), "{response}");
    assert!(response.ends_with("\r\n\r\n"), "{response}");
}

#[test]
fn requests_on_one_connection_are_answered_in_turn() {
    let server = TestServer::start(vec![("/a", Route::html("A")), ("/b", Route::html("B"))]);
    let response = exchange(
        &server,
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        response.contains("\r\n\r\nAHTTP/1.1 200 OK\r\n"),
        "{response}"
    );
    assert!(response.ends_with("\r\n\r\nB"), "{response}");
}

#[test]
fn a_generated_route_answers_from_the_target_after_exact_paths() {
    let server = TestServer::start(vec![
        ("/fixed", Route::html("fixed")),
        (
            "*",
            Route::generated(|target| {
                Route::html(format!("{{origin}}{target}")).header("X-Target", target)
            }),
        ),
    ]);
    let get = |target: &str| {
        exchange(
            &server,
            &format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
    };
    let origin = server.url("");
    let origin = origin.trim_end_matches('/');
    let response = get("/n/7");
    assert!(response.contains("X-Target: /n/7\r\n"), "{response}");
    assert!(
        response.ends_with(&format!("\r\n\r\n{origin}/n/7")),
        "{response}"
    );
    assert!(get("/fixed").ends_with("\r\n\r\nfixed"));
}

#[test]
fn garbage_gets_400() {
    let server = TestServer::start(vec![]);
    let response = exchange(&server, "\u{16}\u{3}\u{1} not http\r\n\r\n");
    assert!(
        response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{response}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_repeated_body_wraps_around_its_piece() {
    let body = Body::Repeat {
        piece: b"abc".to_vec(),
        total: 10,
    };
    let mut buf = [0u8; 4];
    assert_eq!(body.read_at(2, &mut buf), 4);
    assert_eq!(&buf, b"cabc");
    assert_eq!(body.read_at(8, &mut buf), 2);
    assert_eq!(&buf[..2], b"ca");
    assert_eq!(body.read_at(10, &mut buf), 0);
}

#[test]
fn compression_sets_content_encoding() {
    for (route, coding) in [
        (Route::html("x").gzip(), "gzip"),
        (Route::html("x").deflate(), "deflate"),
        (Route::html("x").brotli(), "br"),
    ] {
        let encodings: Vec<_> = route
            .headers
            .iter()
            .filter(|(n, _)| n == "Content-Encoding")
            .collect();
        assert_eq!(encodings.len(), 1);
        assert_eq!(encodings[0].1, coding);
    }
}

#[test]
fn https_servers_have_their_own_ca() {
    let server = TestServer::https(vec![]);
    assert!(server.url("x").starts_with("https://127.0.0.1:"));
    assert!(server.url("x").ends_with("/x"));
    let pem = server.ca_pem().expect("an https server has a ca");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(TestServer::start(vec![]).ca_pem(), None);
}
