//! The PSA Crypto provider does its work through PSA: with feature `psa-count` every PSA
//! call is counted per kind, and a TLS session against mosquitto must have made calls of
//! every kind it needs (no silent fallback to software in Rust). Run with
//! `cargo test --features tls,posix,crypto-psa,psa-count --test tls_psa` (Linux, against
//! the system's Mbed TLS).
#![cfg(feature = "psa-count")]

mod common;
mod tls_util;

use common::{Broker, BrokerKind};
use mqtt_rs::transport::tls::{psa_call_counts, TlsVersion, CRYPTO_PROVIDER};
use tls_util::*;

/// The kinds `psa_call_counts` reports, in its order.
const KINDS: [&str; 8] = ["key", "random", "hash", "mac", "aead", "key agreement", "verify", "sign"];

/// The counters are global: the tests of this binary take turns so that one test's
/// calls are not counted in another's (cargo runs tests on several threads).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Calls per kind made while `f` ran.
fn calls_during(f: impl FnOnce()) -> [u32; 8] {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = psa_call_counts();
    f();
    let after = psa_call_counts();
    core::array::from_fn(|i| after[i] - before[i])
}

/// MQTT 3.1.1 PUBLISH, QoS 0.
fn publish(topic: &str, payload: &[u8]) -> Vec<u8> {
    let mut body = (topic.len() as u16).to_be_bytes().to_vec();
    body.extend_from_slice(topic.as_bytes());
    body.extend_from_slice(payload);
    let mut packet = vec![0x30, body.len() as u8];
    packet.extend_from_slice(&body);
    packet
}

/// Mutual TLS at `version` with the P-256 client key, CONNECT/CONNACK and `publishes`
/// QoS 0 PUBLISHes, then close_notify.
fn session(version: TlsVersion, publishes: usize) {
    let broker = Broker::start(BrokerKind::MutualTls);
    let config = config_with(|b| {
        b.set_client_auth(&read_pki("client.crt"), &read_pki("client.key")).expect("P-256 key into PSA");
        b.set_min_version(version);
        b.set_max_version(version);
    });
    let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
    result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
    assert_eq!(tls.protocol_version(), Some(version));
    assert_eq!(mqtt_session(&mut tls, &mut io, "psa-count"), 0);
    for i in 0..publishes {
        write_all(&mut tls, &mut io, &publish("psa/count", format!("message {i}").as_bytes()));
    }
    tls.close(&mut io, TIMEOUT_MS).expect("close_notify sent");
}

fn assert_every_kind_used(version: TlsVersion, calls: [u32; 8]) {
    for (kind, n) in KINDS.iter().zip(calls) {
        assert!(n > 0, "{version:?}: no PSA {kind} call during a mutual-TLS session: {calls:?}");
    }
}

#[test]
fn tls13_session_runs_every_primitive_through_psa() {
    assert_eq!(CRYPTO_PROVIDER, "psa");
    let calls = calls_during(|| session(TlsVersion::Tls13, 0));
    assert_every_kind_used(TlsVersion::Tls13, calls);
}

#[test]
fn tls12_session_runs_every_primitive_through_psa() {
    let calls = calls_during(|| session(TlsVersion::Tls12, 0));
    assert_every_kind_used(TlsVersion::Tls12, calls);
}

#[test]
fn every_record_is_sealed_by_psa() {
    // Each PUBLISH is one record: one more psa_aead_encrypt each.
    let quiet = calls_during(|| session(TlsVersion::Tls13, 0));
    let busy = calls_during(|| session(TlsVersion::Tls13, 20));
    assert!(busy[4] >= quiet[4] + 20, "AEAD calls: {} with 20 publishes, {} without", busy[4], quiet[4]);
}

#[test]
fn the_provider_has_no_rust_crypto_in_it() {
    // The provider's sources name no Rust crypto crate: whatever it computes, PSA computes.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/transport/tls/crypto/psa");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("provider sources") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source");
        for krate in ["ring::", "aes_gcm", "sha2::", "hmac::", "p256::", "p384::", "ecdsa::", "x25519_dalek", "rsa::"] {
            // A crate path, not the tail of another name (`Ordering::`, `rustls::crypto::hmac::`).
            let used = text.match_indices(krate).any(|(at, _)| !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'));
            assert!(!used, "{} uses {krate}", path.display());
        }
        files += 1;
    }
    assert!(files >= 5, "provider sources not found in {}", dir.display());
}
