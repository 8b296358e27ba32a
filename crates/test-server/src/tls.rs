//! A throwaway certificate authority and the server certificate it signs, made fresh for every
//! HTTPS server so that no key material lives in the repository and nothing expires.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// What an HTTPS test server needs: the acceptor for connections and the CA clients must trust.
pub(crate) struct Tls {
    pub(crate) acceptor: TlsAcceptor,
    pub(crate) ca_pem: String,
}

/// Makes a CA and a server certificate for `localhost` and `127.0.0.1` signed by it.
///
/// # Panics
/// If certificate generation fails, which only a broken crypto provider could cause.
pub(crate) fn generate() -> Tls {
    let ca_key = KeyPair::generate().expect("generate the test ca key");
    let mut ca_params = CertificateParams::new(Vec::new()).expect("empty ca names are valid");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "href-counter test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .expect("self-sign the test ca");
    let issuer = Issuer::from_params(&ca_params, &ca_key);

    let leaf_key = KeyPair::generate().expect("generate the server key");
    let mut leaf_params = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("localhost and 127.0.0.1 are valid names");
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("sign the server certificate");

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    // The ring provider explicitly: with several providers in the build, rustls cannot pick one.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![leaf_cert.der().clone()], key)
        .expect("the server certificate matches its key");
    // The server speaks only HTTP/1.1; advertising it keeps HTTP/2-capable clients from trying h2.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];

    Tls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        ca_pem: ca_cert.pem(),
    }
}
