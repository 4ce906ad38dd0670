//! Server chains and client keys of every type a device meets, against `openssl s_server`
//! and mosquitto on 127.0.0.1, with whichever crypto provider this build uses
//! (`CRYPTO_PROVIDER`): what a provider does not offer must be refused, never skipped.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use mqtt_rs::transport::tls::{TlsConfigBuilder, TlsError, TlsVersion, CRYPTO_PROVIDER};
use tls_util::*;

#[test]
fn rsa_chain_verifies_with_pss_and_pkcs1_signatures() {
    // rsa-ca (RSA 4096) signs server-rsa (RSA 2048) with PKCS#1 v1.5; the handshake
    // signature is RSA-PSS in TLS 1.3 and, by the server's choice, PSS or PKCS#1 in TLS 1.2.
    for (args, version) in [
        (&["-tls1_3"][..], TlsVersion::Tls13),
        (&["-tls1_2"][..], TlsVersion::Tls12),
        (&["-tls1_2", "-sigalgs", "RSA+SHA256"][..], TlsVersion::Tls12),
        (&["-tls1_2", "-sigalgs", "RSA+SHA384"][..], TlsVersion::Tls12),
    ] {
        let got = round_trip("rsa-ca.crt", "server-rsa", args).unwrap_or_else(|e| panic!("{args:?}: {e:?}"));
        assert_eq!(got, version, "{args:?}");
    }
}

#[test]
fn rsa2048_chain_of_a_cloud_broker_verifies() {
    // rsa2048-ca and server-rsa2048 are both RSA 2048, as most cloud brokers present them.
    for (args, version) in [(&["-tls1_3"][..], TlsVersion::Tls13), (&["-tls1_2"][..], TlsVersion::Tls12)] {
        let got = round_trip("rsa2048-ca.crt", "server-rsa2048", args).unwrap_or_else(|e| panic!("{args:?}: {e:?}"));
        assert_eq!(got, version, "{args:?}");
    }
}

#[test]
fn p384_server_key_verifies_in_tls13_and_tls12() {
    for (args, version) in [(&["-tls1_3"][..], TlsVersion::Tls13), (&["-tls1_2"][..], TlsVersion::Tls12)] {
        let got = round_trip("ca.crt", "server-p384", args).unwrap_or_else(|e| panic!("{args:?}: {e:?}"));
        assert_eq!(got, version, "{args:?}");
    }
}

#[test]
fn rsa_chain_is_not_trusted_by_the_p256_ca() {
    let (error, text) = round_trip("ca.crt", "server-rsa", &["-tls1_3"]).expect_err("foreign chain");
    assert_eq!(error, TlsError::UnknownIssuer, "{text}");
}

#[test]
fn ed25519_server_key_is_used_or_refused_by_provider() {
    let result = round_trip("ca.crt", "server-ed25519", &["-tls1_3"]);
    match CRYPTO_PROVIDER {
        "ring" => assert_eq!(result.expect("ring verifies Ed25519"), TlsVersion::Tls13),
        // The pure-Rust and PSA providers do not offer Ed25519: the server has no certificate
        // for the schemes offered and ends the handshake.
        _ => {
            let (error, text) = result.expect_err("Ed25519 is not offered");
            assert_eq!(error, TlsError::HandshakeFailure, "{text}");
        }
    }
}

#[test]
fn client_key_types_are_loaded_or_refused_by_provider() {
    for (cert, key, supported) in [
        ("client.crt", "client.key", true),
        ("client-rsa.crt", "client-rsa.key", CRYPTO_PROVIDER == "ring"),
        ("client-ed25519.crt", "client-ed25519.key", CRYPTO_PROVIDER == "ring"),
    ] {
        init();
        let mut builder = TlsConfigBuilder::new();
        let result = builder.set_client_auth(&read_pki(cert), &read_pki(key));
        if supported {
            result.unwrap_or_else(|e| panic!("{cert}: {e:?}"));
        } else {
            assert_eq!(result, Err(TlsError::BadClientKey), "{cert}");
            let mut buf = [0u8; 256];
            let n = builder.error_detail(&mut buf);
            let text = String::from_utf8_lossy(&buf[..n]);
            assert!(text.contains("P-256"), "{cert}: {text}");
        }
    }
}
