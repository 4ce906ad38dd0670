//! Every way a TLS configuration or handshake can fail gets its own `TlsError`, with
//! the rustls text behind it available as detail.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use std::process::Command;

use common::{Broker, BrokerKind};
use mqtt_rs::transport::tls::{TlsConfigBuilder, TlsError, TlsStream, TlsVersion};
use tls_util::*;

fn builder_detail(builder: &TlsConfigBuilder) -> String {
    let mut buf = [0u8; 256];
    let n = builder.error_detail(&mut buf);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn handshake_error(kind: BrokerKind) -> (TlsError, String) {
    let broker = Broker::start(kind);
    let (tls, _io, result) = connect(&config(), broker.port(), "localhost");
    (result.expect_err("handshake must fail"), detail(&tls))
}

#[test]
fn expired_certificate() {
    let (error, text) = handshake_error(BrokerKind::Expired);
    assert_eq!(error, TlsError::CertExpired, "{text}");
    assert!(text.contains("expired"), "{text}");
}

#[test]
fn certificate_for_another_host() {
    let (error, text) = handshake_error(BrokerKind::WrongHost);
    assert_eq!(error, TlsError::CertNameMismatch, "{text}");
    assert!(text.contains("wrong.example"), "{text}");
}

#[test]
fn certificate_from_an_unknown_ca() {
    let (error, text) = handshake_error(BrokerKind::UnknownCa);
    assert_eq!(error, TlsError::UnknownIssuer, "{text}");
}

#[test]
fn ip_address_not_in_the_certificate() {
    let broker = Broker::start(BrokerKind::Tls);
    let (tls, _io, result) = connect(&config(), broker.port(), "127.0.0.2");
    assert_eq!(result, Err(TlsError::CertNameMismatch), "{}", detail(&tls));
}

#[test]
fn corrupted_certificate_signature() {
    let dir = std::env::temp_dir().join(format!("mqtt-rs-badsig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let der = dir.join("server.der");
    let out = Command::new("openssl")
        .args(["x509", "-outform", "DER", "-in"])
        .arg(common::pki("server.crt"))
        .arg("-out")
        .arg(&der)
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut bytes = std::fs::read(&der).unwrap();
    *bytes.last_mut().unwrap() ^= 0x01; // last byte of the signature
    std::fs::write(&der, &bytes).unwrap();

    let server = SServer::start_with(&der, &common::pki("server.key"), &["-certform", "DER"]);
    let (tls, _io, result) = connect(&config(), server.port, "localhost");
    assert_eq!(result, Err(TlsError::BadSignature), "{}", detail(&tls));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_common_version() {
    let server = SServer::start("server", &["-tls1_2"]);
    let config = config_with(|b| b.set_min_version(TlsVersion::Tls13));
    let (tls, _io, result) = connect(&config, server.port, "localhost");
    assert_eq!(result, Err(TlsError::ProtocolVersion), "{}", detail(&tls));
}

#[test]
fn no_common_cipher_suite() {
    // CBC suites only: rustls has none of them.
    let server = SServer::start("server", &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"]);
    let (tls, _io, result) = connect(&config(), server.port, "localhost");
    assert_eq!(result, Err(TlsError::HandshakeFailure), "{}", detail(&tls));
}

#[test]
fn invalid_server_names() {
    let config = config();
    for name in ["", "not a host name", "host..example", "-leading.example"] {
        assert_eq!(
            TlsStream::new(&config, name).err(),
            Some(TlsError::InvalidServerName),
            "{name:?}"
        );
    }
    for name in ["localhost", "broker.example.com", "127.0.0.1", "::1"] {
        assert!(TlsStream::new(&config, name).is_ok(), "{name:?}");
    }
}

#[test]
fn configuration_without_trust_anchors() {
    init();
    assert_eq!(
        TlsConfigBuilder::new().build().err(),
        Some(TlsError::NoTrustAnchors)
    );
}

#[test]
fn unparseable_trust_anchors_add_nothing() {
    init();
    let mut builder = TlsConfigBuilder::new();
    let mut broken_pem = read_pki("ca.crt");
    let middle = broken_pem.len() / 2;
    broken_pem[middle] = b'!';
    let mut ca_then_garbage = read_pki("ca.crt");
    ca_then_garbage
        .extend_from_slice(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    for (what, input) in [
        ("garbage DER", vec![0x30, 0x03, 1, 2, 3]),
        ("empty", Vec::new()),
        ("broken base64", broken_pem),
        ("key, no certificate", read_pki("ca.key")),
        ("good then bad", ca_then_garbage),
    ] {
        assert_eq!(
            builder.add_trust_anchors(&input),
            Err(TlsError::BadTrustAnchor),
            "{what}"
        );
        assert!(!builder_detail(&builder).is_empty(), "{what}");
    }
    assert_eq!(builder.build().err(), Some(TlsError::NoTrustAnchors));
}

#[test]
fn unusable_client_identity() {
    init();
    let mut builder = TlsConfigBuilder::new();
    let cert = read_pki("client.crt");
    let key = read_pki("client.key");
    assert_eq!(
        builder.set_client_auth(b"not a certificate", &key),
        Err(TlsError::BadClientCert)
    );
    assert_eq!(
        builder.set_client_auth(&read_pki("client.key"), &key),
        Err(TlsError::BadClientCert)
    );
    assert_eq!(
        builder.set_client_auth(&cert, b"not a key"),
        Err(TlsError::BadClientKey)
    );
    assert_eq!(
        builder.set_client_auth(&cert, &read_pki("client.crt")),
        Err(TlsError::BadClientKey)
    );
    // A key that is valid but belongs to another certificate.
    assert_eq!(
        builder.set_client_auth(&cert, &read_pki("server.key")),
        Err(TlsError::BadClientKey)
    );
    let text = builder_detail(&builder);
    assert!(text.contains("unusable client key"), "{text}");
    assert_eq!(builder.set_client_auth(&cert, &key), Ok(()));
}

#[test]
fn invalid_alpn_names() {
    init();
    let mut builder = TlsConfigBuilder::new();
    assert_eq!(builder.add_alpn_protocol(b""), Err(TlsError::InvalidAlpn));
    assert_eq!(
        builder.add_alpn_protocol(&[b'a'; 256]),
        Err(TlsError::InvalidAlpn)
    );
    assert_eq!(builder.add_alpn_protocol(&[b'a'; 255]), Ok(()));
}

#[test]
fn detail_fits_any_buffer() {
    let (_, full) = handshake_error(BrokerKind::Expired);
    println!("detail: {full}");
    let broker = Broker::start(BrokerKind::Expired);
    let (tls, _io, _) = connect(&config(), broker.port(), "localhost");
    for size in [0, 1, 2, 10, full.len(), full.len() + 1, 1000] {
        let mut buf = vec![0xffu8; size];
        let n = tls.error_detail(&mut buf);
        assert!(n < size || size == 0, "size {size}");
        if size > 0 {
            assert_eq!(buf[n], 0, "NUL-terminated");
            assert!(full.as_bytes().starts_with(&buf[..n]));
        }
    }
}
