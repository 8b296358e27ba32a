//! How the reqwest clients are set up: rustls, no redirects of their own, the codings offered, the
//! certificate stores they trust and the extra CA files read for them.

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_ENCODING};

use super::config::FetchConfig;
use super::error::{cause_of, lower_first, FetchError};

/// The builder options shared by the real clients and the CA-file probes.
pub(super) fn base_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().use_rustls_tls()
}

/// A client as configured; `system_roots` adds the system certificate store to the
/// compiled-in Mozilla roots and the extra CA files.
pub(super) fn client_builder(
    config: &FetchConfig,
    extra: &[reqwest::Certificate],
    system_roots: bool,
) -> reqwest::ClientBuilder {
    extra.iter().cloned().fold(
        base_builder()
            .tls_built_in_native_certs(system_roots)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.as_str())
            .default_headers(accept_encoding()),
        |b, cert| b.add_root_certificate(cert),
    )
}

/// The codings `decode` undoes, offered to every server.
fn accept_encoding() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT_ENCODING,
        HeaderValue::from_static("gzip, deflate, br"),
    );
    headers
}

/// Reads one PEM file of CA certificates; a file without any is an error, since it is surely
/// not what the user meant to pass.
pub(super) fn read_ca_file(
    path: &std::path::Path,
) -> Result<Vec<reqwest::Certificate>, FetchError> {
    let ca_error = |reason: String| FetchError::CaFile {
        path: path.to_path_buf(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| ca_error(lower_first(&e.to_string())))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_error(cause_of(&e)))?;
    if certs.is_empty() {
        return Err(ca_error(
            "no pem certificate found (expected -----BEGIN CERTIFICATE-----)".to_string(),
        ));
    }
    Ok(certs)
}
