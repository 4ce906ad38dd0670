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
    let mut buf = [0u8; 1024];
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
    let out = Command::new("openssl").args(["x509", "-outform", "DER", "-in"]).arg(common::pki("server.crt")).arg("-out").arg(&der).output().unwrap();
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
        assert_eq!(TlsStream::new(&config, name).err(), Some(TlsError::InvalidServerName), "{name:?}");
    }
    for name in ["localhost", "broker.example.com", "127.0.0.1", "::1"] {
        assert!(TlsStream::new(&config, name).is_ok(), "{name:?}");
    }
}

#[test]
fn configuration_without_trust_anchors() {
    init();
    assert_eq!(TlsConfigBuilder::new().build().err(), Some(TlsError::NoTrustAnchors));
}

#[test]
fn unparseable_trust_anchors_add_nothing() {
    init();
    let mut builder = TlsConfigBuilder::new();
    let mut broken_pem = read_pki("ca.crt");
    let middle = broken_pem.len() / 2;
    broken_pem[middle] = b'!';
    let mut ca_then_garbage = read_pki("ca.crt");
    ca_then_garbage.extend_from_slice(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    for (what, input) in [
        ("garbage DER", vec![0x30, 0x03, 1, 2, 3]),
        ("empty", Vec::new()),
        ("broken base64", broken_pem),
        ("key, no certificate", read_pki("ca.key")),
        ("good then bad", ca_then_garbage),
    ] {
        assert_eq!(builder.add_trust_anchors(&input), Err(TlsError::BadTrustAnchor), "{what}");
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
    assert_eq!(builder.set_client_auth(b"not a certificate", &key), Err(TlsError::BadClientCert));
    assert_eq!(builder.set_client_auth(&read_pki("client.key"), &key), Err(TlsError::BadClientCert));
    assert_eq!(builder.set_client_auth(&cert, b"not a key"), Err(TlsError::BadClientKey));
    assert_eq!(builder.set_client_auth(&cert, &read_pki("client.crt")), Err(TlsError::BadClientKey));
    // A key that is valid but belongs to another certificate.
    assert_eq!(builder.set_client_auth(&cert, &read_pki("server.key")), Err(TlsError::BadClientKey));
    let text = builder_detail(&builder);
    assert!(text.contains("unusable client key"), "{text}");
    assert_eq!(builder.set_client_auth(&cert, &key), Ok(()));
}

#[test]
fn invalid_alpn_names() {
    init();
    let mut builder = TlsConfigBuilder::new();
    assert_eq!(builder.add_alpn_protocol(b""), Err(TlsError::InvalidAlpn));
    assert_eq!(builder.add_alpn_protocol(&[b'a'; 256]), Err(TlsError::InvalidAlpn));
    assert_eq!(builder.add_alpn_protocol(&[b'a'; 255]), Ok(()));
}

#[test]
fn detail_fits_any_buffer() {
    let broker = Broker::start(BrokerKind::Expired);
    let (tls, _io, _) = connect(&config(), broker.port(), "localhost");
    // The same session's text: another handshake's clock reading may differ by a second.
    let full = detail(&tls);
    println!("detail: {full}");
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

/// Rust debug formatting that must never reach a person: struct and tuple syntax,
/// quoted strings inside parentheses, rustls type names.
fn assert_plain(what: &str, text: &str) {
    for bad in ["{", "}", "(\"", "DnsName(", "Other(", "Context", "OtherError", "::"] {
        assert!(!text.contains(bad), "{what}: {bad:?} in {text:?}");
    }
}

/// Each handshake failure of this file, with its class and detail.
fn handshake_failures() -> Vec<(&'static str, TlsError, String)> {
    let mut out = Vec::new();
    for (what, kind) in [("expired", BrokerKind::Expired), ("wrong host", BrokerKind::WrongHost), ("unknown CA", BrokerKind::UnknownCa)] {
        let (error, text) = handshake_error(kind);
        out.push((what, error, text));
    }
    let servers: [(&str, SServer, &str); 5] = [
        ("CN only", SServer::start("cnonly", &[]), "localhost"),
        ("X.509 v1", SServer::start("v1", &[]), "localhost"),
        ("IP not in certificate", SServer::start("server", &[]), "127.0.0.2"),
        ("TLS 1.2, client certificate required", SServer::start("server", &["-tls1_2", "-Verify", "1"]), "localhost"),
        ("no common cipher suite", SServer::start("server", &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"]), "localhost"),
    ];
    for (what, server, name) in servers {
        let (tls, _io, result) = connect(&config(), server.port, name);
        out.push((what, result.expect_err(what), detail(&tls)));
    }
    out
}

#[test]
fn certificate_with_the_host_only_in_the_cn_is_explained() {
    let server = SServer::start("cnonly", &[]);
    let (tls, _io, result) = connect(&config(), server.port, "localhost");
    let text = detail(&tls);
    assert_eq!(result, Err(TlsError::CertNameMismatch), "{text}");
    for needed in ["subjectAltName", "CN", "v3", "-extfile", "subjectAltName=DNS:"] {
        assert!(text.contains(needed), "{needed:?} missing in {text}");
    }
}

#[test]
fn x509_v1_certificate_is_explained() {
    let server = SServer::start("v1", &[]);
    let (tls, _io, result) = connect(&config(), server.port, "localhost");
    let text = detail(&tls);
    assert_eq!(result, Err(TlsError::CertInvalidOther), "{text}");
    assert!(text.contains("is an X.509 v1 certificate"), "{text}");
    for needed in ["v3", "subjectAltName", "-extfile"] {
        assert!(text.contains(needed), "{needed:?} missing in {text}");
    }
}

#[test]
fn encrypted_client_key_is_named_with_how_to_decrypt_it() {
    init();
    let mut builder = TlsConfigBuilder::new();
    assert_eq!(builder.set_client_auth(&read_pki("client.crt"), &read_pki("client-encrypted.key")), Err(TlsError::BadClientKey));
    let text = builder_detail(&builder);
    assert!(text.contains("encrypted") && text.contains("not supported"), "{text}");
    assert!(text.contains("openssl pkey -in"), "{text}");
}

#[test]
fn missing_client_certificate_in_tls_1_2_is_the_class_tls_1_3_gives() {
    // TLS 1.3 says certificate_required (c_tls_reject_mtls_no_cert checks it against
    // mosquitto); a TLS 1.2 server says handshake_failure after choosing its parameters.
    let server = SServer::start("server", &["-tls1_2", "-Verify", "1"]);
    let (tls, _io, result) = connect(&config(), server.port, "localhost");
    let text = detail(&tls);
    assert_eq!(result, Err(TlsError::ClientCertRefused), "{text}");
    assert!(text.contains("client certificate"), "{text}");
}

#[test]
fn no_debug_formatting_in_result_strings_or_tls_details() {
    for code in 0..=100 {
        let text = unsafe { std::ffi::CStr::from_ptr(mqtt_rs::ffi::result::mqtt_rs_result_str(code)) };
        let text = text.to_str().unwrap();
        assert_plain(&format!("result {code}"), text);
        assert!(!text.starts_with("TLS: "), "result {code}: {text:?} doubles the tools' \"tls:\" prefix");
    }
    let failures = handshake_failures();
    assert!(failures.len() >= 8);
    for (what, _, text) in &failures {
        println!("{what}: {text}");
        assert!(!text.is_empty(), "{what}: no detail");
        assert_plain(what, text);
    }
    // Configuration failures too.
    init();
    let mut builder = TlsConfigBuilder::new();
    let _ = builder.add_trust_anchors(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    assert_plain("broken PEM", &builder_detail(&builder));
    let _ = builder.set_client_auth(&read_pki("client.crt"), &read_pki("server.key"));
    assert_plain("key of another certificate", &builder_detail(&builder));
}
