//! A real HTTP/1.1 (and HTTPS) server on 127.0.0.1 for href-counter's tests.
//!
//! It is written by hand on a `TcpListener` rather than with a server framework so that tests
//! control every byte and every pause: lying `Content-Length`s, bodies that stall halfway,
//! headers that never come. Each server runs on its own thread with its own tokio runtime, so
//! it works the same from plain `#[test]`s, from `#[tokio::test]`s and for child processes
//! spawned by tests, and it stops, cutting every open connection, when dropped.
//!
//! The crate also holds [`Rng`], the seeded generator that every randomised test shares.
//!
//! ```
//! use test_server::{Route, TestServer};
//!
//! let server = TestServer::start(vec![
//!     ("/", Route::html("<a href=\"/about\">about</a>")),
//!     ("/old", Route::redirect(301, "/")),
//! ]);
//! let url = server.url("/old"); // http://127.0.0.1:PORT/old
//! # let _ = url;
//! assert!(server.requests().is_empty());
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

mod conn;
mod rng;
mod route;
#[cfg(test)]
mod tests;
mod tls;

pub use rng::Rng;
pub use route::Route;

use conn::Shared;

/// A running server; dropping it stops it and closes every connection, stalled ones included.
pub struct TestServer {
    addr: SocketAddr,
    ca_pem: Option<String>,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `HEAD`...
    pub method: String,
    /// The request target exactly as sent: `/path?query`, or `http://host/path` when the
    /// client talks to the server as a proxy.
    pub target: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Header names and values in the order received, names as the client spelled them.
    pub headers: Vec<(String, String)>,
    /// The body announced by `Content-Length`, if any.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header, looked up case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl TestServer {
    /// Starts a plain HTTP server answering `routes`.
    ///
    /// Paths match the request target exactly, query included. The path `"*"` answers any
    /// target no other route matches, which makes the server usable as a fake proxy (or, with
    /// [`Route::generated`], an endless site); without it, unknown targets get
    /// `404 Not Found`. `{origin}` in bodies and header values becomes
    /// the server's own `http://127.0.0.1:PORT`, for pages, sitemaps and redirects that must
    /// name it in full.
    ///
    /// # Panics
    /// If no port can be bound on 127.0.0.1 or the runtime cannot start.
    pub fn start(routes: Vec<(&str, Route)>) -> TestServer {
        TestServer::launch(routes, None)
    }

    /// Starts an HTTPS server answering `routes`, with a certificate for `localhost` and
    /// `127.0.0.1` signed by a CA made for this server alone (see [`TestServer::ca_pem`]).
    ///
    /// # Panics
    /// As [`TestServer::start`].
    pub fn https(routes: Vec<(&str, Route)>) -> TestServer {
        TestServer::launch(routes, Some(tls::generate()))
    }

    fn launch(routes: Vec<(&str, Route)>, tls: Option<tls::Tls>) -> TestServer {
        // Bound before the thread starts so that the port is known, and connectable, as soon
        // as this returns.
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        std_listener
            .set_nonblocking(true)
            .expect("make the listener non-blocking");
        let addr = std_listener.local_addr().expect("read the bound address");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let origin = format!("{scheme}://{addr}");
        let shared = Arc::new(Shared {
            origin: origin.clone(),
            routes: routes
                .into_iter()
                .map(|(path, route)| (path.to_string(), route.with_origin(&origin)))
                .collect(),
            log: Mutex::new(Vec::new()),
        });
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        let acceptor = tls.map(|t| t.acceptor);
        let (shutdown, stop) = oneshot::channel::<()>();
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("test-server-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("start the test server runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(std_listener).expect("register listener");
                    tokio::select! {
                        () = accept_loop(listener, thread_shared, acceptor) => {}
                        _ = stop => {}
                    }
                });
                // Dropping the runtime here drops every connection task, stalled ones too,
                // which closes their sockets.
            })
            .expect("spawn the test server thread");
        TestServer {
            addr,
            ca_pem,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// The full URL of `path` on this server, e.g. `http://127.0.0.1:41234/page`; `https://`
    /// for a TLS server. A missing leading `/` is added.
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("{scheme}://{}{slash}{path}", self.addr)
    }

    /// The address the server listens on, e.g. to use it as `HTTP_PROXY=http://{addr}`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The PEM certificate of the CA that signed an HTTPS server's certificate; `None` for
    /// plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Every request received so far, in arrival order. A request is recorded as soon as its
    /// head is read, before any scripted delay.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A URL on 127.0.0.1 where nothing listens, for connection-refused tests: the port was bound
/// and released, so only a process grabbing it in between could answer.
///
/// # Panics
/// If no port can be bound on 127.0.0.1.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("read the bound address");
    drop(listener);
    format!("http://{addr}/")
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            // Out of file descriptors, say: back off instead of spinning.
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match acceptor {
                // A failed handshake is the client's verdict (e.g. an untrusted CA): nothing
                // to serve.
                Some(acceptor) => {
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        conn::serve(tls, shared).await;
                    }
                }
                None => conn::serve(tcp, shared).await,
            }
        });
    }
}
