//! The TLS diet (features `tls-no-rsa`, `tls-no-p384`, `tls-no-sha384`, and the default
//! feature `tls12` turned off): a broker that needs what the build leaves out is refused at
//! the handshake with a class a program can act on and a detail text that names the cargo
//! feature and the CMake option, and what the build keeps still works. Each test runs in a
//! build with its diet (tests/run-all.sh, stage cargo-test-diet); the full build checks that
//! its texts name nothing left out.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use mqtt_rs::transport::tls::TlsError;
#[cfg(any(feature = "tls-no-sha384", not(feature = "tls12")))]
use mqtt_rs::transport::tls::TlsVersion;
use tls_util::*;

/// Handshakes with an s_server presenting `cert` (with `args`) and expects `class`, with a
/// detail text naming `option` (cargo feature and CMake option) as left out.
#[cfg(any(feature = "tls-no-rsa", feature = "tls-no-p384", feature = "tls-no-sha384", not(feature = "tls12")))]
fn assert_refused(anchor: &str, cert: &str, args: &[&str], class: TlsError, option: &str) {
    let (error, text) = round_trip(anchor, cert, args).expect_err("the broker needs what the build left out");
    assert_eq!(error, class, "{cert} {args:?}: {text}");
    assert!(text.contains("This build leaves out") && text.contains(option), "{cert} {args:?}: {text}");
}

/// The versions this build offers, as `openssl s_server` arguments.
fn versions() -> &'static [&'static [&'static str]] {
    match cfg!(not(feature = "tls12")) {
        true => &[&["-tls1_3"]],
        false => &[&["-tls1_3"], &["-tls1_2"]],
    }
}

#[test]
fn p256_broker_is_reached_whatever_the_diet() {
    for args in versions() {
        assert!(round_trip("ca.crt", "server", args).is_ok(), "{args:?}");
    }
}

#[cfg(feature = "tls-no-rsa")]
#[test]
fn rsa_broker_is_refused_naming_tls_no_rsa() {
    for args in versions() {
        assert_refused("rsa-ca.crt", "server-rsa", args, TlsError::HandshakeFailure, "cargo feature tls-no-rsa, CMake MQTT_RS_TLS_NO_RSA");
    }
}

#[cfg(feature = "tls-no-rsa")]
#[test]
fn rsa_client_key_is_refused_without_rsa() {
    init();
    let mut builder = mqtt_rs::transport::tls::TlsConfigBuilder::new();
    let result = builder.set_client_auth(&read_pki("client-rsa.crt"), &read_pki("client-rsa.key"));
    assert_eq!(result, Err(TlsError::BadClientKey));
    let mut buf = [0u8; 512];
    let n = builder.error_detail(&mut buf);
    let text = String::from_utf8_lossy(&buf[..n]);
    // ring signs with RSA unless this diet leaves it out; the others never do.
    if mqtt_rs::transport::tls::CRYPTO_PROVIDER == "ring" {
        assert!(text.contains("tls-no-rsa"), "{text}");
    }
    // An ECDSA key still loads.
    builder.set_client_auth(&read_pki("client.crt"), &read_pki("client.key")).expect("P-256 client key");
}

#[cfg(feature = "tls-no-p384")]
#[test]
fn p384_broker_is_refused_naming_tls_no_p384() {
    for args in versions() {
        assert_refused("ca.crt", "server-p384", args, TlsError::HandshakeFailure, "cargo feature tls-no-p384, CMake MQTT_RS_TLS_NO_P384");
    }
}

#[cfg(feature = "tls-no-sha384")]
#[test]
fn tls13_p384_broker_is_refused_naming_tls_no_sha384() {
    // TLS 1.3 binds a P-384 key to ECDSA with SHA-384.
    assert_refused("ca.crt", "server-p384", &["-tls1_3"], TlsError::HandshakeFailure, "cargo feature tls-no-sha384, CMake MQTT_RS_TLS_NO_SHA384");
    // TLS 1.2 lets the same key sign with SHA-256.
    if !cfg!(any(feature = "tls-no-p384", not(feature = "tls12"))) {
        assert_eq!(round_trip("ca.crt", "server-p384", &["-tls1_2"]).expect("P-384 over SHA-256"), TlsVersion::Tls12);
    }
}

#[cfg(not(feature = "tls12"))]
#[test]
fn tls12_broker_is_refused_when_tls12_is_left_out() {
    assert_refused("ca.crt", "server", &["-tls1_2"], TlsError::ProtocolVersion, "default cargo feature tls12 off, CMake MQTT_RS_TLS13_ONLY");
    // There is no TLS 1.2 to pin either.
    init();
    let mut builder = mqtt_rs::transport::tls::TlsConfigBuilder::new();
    builder.add_trust_anchors(&read_pki("ca.crt")).expect("ca.crt loads");
    builder.set_max_version(TlsVersion::Tls12);
    assert_eq!(builder.build().err(), Some(TlsError::ProtocolVersion));
}

#[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-p384", feature = "tls-no-sha384", not(feature = "tls12"))))]
#[test]
fn full_build_names_nothing_left_out() {
    // The same failure a diet build explains with what it left out.
    let (error, text) = round_trip("ca.crt", "server", &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"]).expect_err("no common suite");
    assert_eq!(error, TlsError::HandshakeFailure, "{text}");
    assert!(!text.contains("leaves out"), "{text}");
}
