//! The TLS diet features (`tls-no-rsa`, `tls-no-p384`, `tls-no-sha384`, `tls13-only`): a
//! broker that needs what the build leaves out is refused at the handshake with a class a
//! program can act on and a detail text that names the feature, and what the build keeps
//! still works. Each test runs in a build with its feature (tests/run-all.sh, stage
//! cargo-test-diet); the full build checks that its texts name nothing left out.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use mqtt_rs::transport::tls::{TlsError, TlsVersion};
use tls_util::*;

/// Handshakes with an s_server presenting `cert` (with `args`) and expects `class`, with a
/// detail text naming `feature` as left out.
#[cfg(any(feature = "tls-no-rsa", feature = "tls-no-p384", feature = "tls-no-sha384", feature = "tls13-only"))]
fn assert_refused(anchor: &str, cert: &str, args: &[&str], class: TlsError, feature: &str) {
    let (error, text) = round_trip(anchor, cert, args).expect_err("the broker needs what the build left out");
    assert_eq!(error, class, "{cert} {args:?}: {text}");
    assert!(text.contains("This build leaves out") && text.contains(&format!("cargo feature {feature},")), "{cert} {args:?}: {text}");
}

/// The versions this build offers, as `openssl s_server` arguments.
fn versions() -> &'static [&'static [&'static str]] {
    match cfg!(feature = "tls13-only") {
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
        assert_refused("rsa-ca.crt", "server-rsa", args, TlsError::HandshakeFailure, "tls-no-rsa");
    }
}

#[cfg(feature = "tls-no-p384")]
#[test]
fn p384_broker_is_refused_naming_tls_no_p384() {
    for args in versions() {
        assert_refused("ca.crt", "server-p384", args, TlsError::HandshakeFailure, "tls-no-p384");
    }
}

#[cfg(feature = "tls-no-sha384")]
#[test]
fn tls13_p384_broker_is_refused_naming_tls_no_sha384() {
    // TLS 1.3 binds a P-384 key to ECDSA with SHA-384.
    assert_refused("ca.crt", "server-p384", &["-tls1_3"], TlsError::HandshakeFailure, "tls-no-sha384");
    // TLS 1.2 lets the same key sign with SHA-256.
    if !cfg!(any(feature = "tls-no-p384", feature = "tls13-only")) {
        assert_eq!(round_trip("ca.crt", "server-p384", &["-tls1_2"]).expect("P-384 over SHA-256"), TlsVersion::Tls12);
    }
}

#[cfg(feature = "tls13-only")]
#[test]
fn tls12_broker_is_refused_naming_tls13_only() {
    assert_refused("ca.crt", "server", &["-tls1_2"], TlsError::ProtocolVersion, "tls13-only");
    // There is no TLS 1.2 to pin either.
    init();
    let mut builder = mqtt_rs::transport::tls::TlsConfigBuilder::new();
    builder.add_trust_anchors(&read_pki("ca.crt")).expect("ca.crt loads");
    builder.set_max_version(TlsVersion::Tls12);
    assert_eq!(builder.build().err(), Some(TlsError::ProtocolVersion));
}

#[cfg(not(any(feature = "tls-no-rsa", feature = "tls-no-p384", feature = "tls-no-sha384", feature = "tls13-only")))]
#[test]
fn full_build_names_nothing_left_out() {
    // The same failure a diet build explains with what it left out.
    let (error, text) = round_trip("ca.crt", "server", &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"]).expect_err("no common suite");
    assert_eq!(error, TlsError::HandshakeFailure, "{text}");
    assert!(!text.contains("leaves out"), "{text}");
}
