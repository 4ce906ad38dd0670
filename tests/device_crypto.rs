//! The device crypto API (`mqtt_rs_sha256_*`, `mqtt_rs_signature_verify`) with this
//! build's provider: known SHA-256 vectors hashed in uneven pieces, and signatures made by
//! openssl with keys made on the spot, accepted with the right key and refused otherwise.
#![cfg(feature = "tls")]

use mqtt_rs::ffi::crypto::*;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::transport::tls::CRYPTO_PROVIDER;
use std::path::{Path, PathBuf};
use std::process::Command;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `data` fed in pieces of the given sizes (cycled).
fn sha256_in_pieces(data: &[u8], pieces: &[usize]) -> String {
    let mut ctx = mqtt_rs_sha256_ctx { opaque: [0; MQTT_RS_SHA256_CTX_WORDS] };
    assert_eq!(unsafe { mqtt_rs_sha256_init(&mut ctx) }, MQTT_RS_OK);
    let (mut at, mut i) = (0, 0);
    while at < data.len() {
        let n = pieces[i % pieces.len()].min(data.len() - at);
        assert_eq!(unsafe { mqtt_rs_sha256_update(&mut ctx, data[at..].as_ptr(), n) }, MQTT_RS_OK);
        at += n;
        i += 1;
    }
    let mut digest = [0u8; MQTT_RS_SHA256_DIGEST_SIZE];
    assert_eq!(unsafe { mqtt_rs_sha256_final(&mut ctx, digest.as_mut_ptr()) }, MQTT_RS_OK);
    hex(&digest)
}

#[test]
fn sha256_matches_the_standard_vectors_whatever_the_pieces() {
    assert_eq!(sha256_in_pieces(b"", &[1]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(sha256_in_pieces(b"abc", &[1]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    let million_a = vec![b'a'; 1_000_000];
    let want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    assert_eq!(sha256_in_pieces(&million_a, &[1_000_000]), want);
    assert_eq!(sha256_in_pieces(&million_a, &[1, 63, 64, 65, 4096, 7]), want, "{CRYPTO_PROVIDER}");
}

#[test]
fn sha256_refuses_a_context_that_was_not_started_or_is_finished() {
    let mut ctx = mqtt_rs_sha256_ctx { opaque: [0; MQTT_RS_SHA256_CTX_WORDS] };
    let mut digest = [0u8; 32];
    assert_eq!(unsafe { mqtt_rs_sha256_update(&mut ctx, b"x".as_ptr(), 1) }, MQTT_RS_WRONG_STATE);
    assert_eq!(unsafe { mqtt_rs_sha256_init(std::ptr::null_mut()) }, MQTT_RS_NULL_ARGUMENT);
    assert_eq!(unsafe { mqtt_rs_sha256_init(&mut ctx) }, MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_sha256_update(&mut ctx, std::ptr::null(), 1) }, MQTT_RS_NULL_ARGUMENT);
    assert_eq!(unsafe { mqtt_rs_sha256_final(&mut ctx, std::ptr::null_mut()) }, MQTT_RS_NULL_ARGUMENT);
    assert_eq!(unsafe { mqtt_rs_sha256_final(&mut ctx, digest.as_mut_ptr()) }, MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_sha256_final(&mut ctx, digest.as_mut_ptr()) }, MQTT_RS_WRONG_STATE);
    assert_eq!(unsafe { mqtt_rs_sha256_update(&mut ctx, b"x".as_ptr(), 1) }, MQTT_RS_WRONG_STATE);
}

/// A scratch directory for this test's keys.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("device-crypto").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A fresh key of `kind` in `dir/NAME.key`; returns its raw public key (the end of the
/// SubjectPublicKeyInfo: the 65-byte point or the 32-byte Ed25519 key).
fn new_key(dir: &Path, name: &str, kind: &str) -> Vec<u8> {
    let key = format!("{name}.key");
    match kind {
        "p256" => openssl(dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", &key]),
        _ => openssl(dir, &["genpkey", "-algorithm", "ed25519", "-out", &key]),
    };
    let spki = openssl(dir, &["pkey", "-in", &key, "-pubout", "-outform", "DER"]);
    let raw = if kind == "p256" { 65 } else { 32 };
    spki[spki.len() - raw..].to_vec()
}

fn sign(dir: &Path, name: &str, kind: &str, message: &[u8]) -> Vec<u8> {
    std::fs::write(dir.join("msg"), message).unwrap();
    let key = format!("{name}.key");
    match kind {
        "p256" => openssl(dir, &["dgst", "-sha256", "-sign", &key, "msg"]),
        _ => openssl(dir, &["pkeyutl", "-sign", "-rawin", "-inkey", &key, "-in", "msg"]),
    }
}

fn verify(alg: i32, key: &[u8], message: &[u8], signature: &[u8]) -> mqtt_rs_result {
    unsafe { mqtt_rs_signature_verify(alg, key.as_ptr(), key.len(), message.as_ptr(), message.len(), signature.as_ptr(), signature.len()) }
}

/// `r || s` from a DER ECDSA signature.
fn der_to_raw(der: &[u8]) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut at = 2;
    for _ in 0..2 {
        let len = der[at + 1] as usize;
        let int = &der[at + 2..at + 2 + len];
        let int = &int[int.len().saturating_sub(32)..];
        raw.extend(std::iter::repeat(0).take(32 - int.len()));
        raw.extend_from_slice(int);
        at += 2 + len;
    }
    raw
}

#[test]
fn ecdsa_p256_accepts_the_release_key_and_refuses_everything_else() {
    let dir = scratch("p256");
    let release = new_key(&dir, "release", "p256");
    let other = new_key(&dir, "other", "p256");
    let manifest = b"version=3\nsize=1048576\n";
    for round in 0..8 {
        // Several signatures: some have an r or s with a leading zero or the top bit set.
        let sig = sign(&dir, "release", "p256", manifest);
        assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &release, manifest, &sig), MQTT_RS_OK, "DER, round {round}");
        assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &release, manifest, &der_to_raw(&sig)), MQTT_RS_OK, "r||s, round {round}");
    }
    let sig = sign(&dir, "release", "p256", manifest);
    assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &release, b"version=4\nsize=1048576\n", &sig), MQTT_RS_SIGNATURE_INVALID);
    assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &other, manifest, &sig), MQTT_RS_SIGNATURE_INVALID);
    let mut flipped = sig.clone();
    *flipped.last_mut().unwrap() ^= 1;
    assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &release, manifest, &flipped), MQTT_RS_SIGNATURE_INVALID);
    assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &release, manifest, &[]), MQTT_RS_SIGNATURE_INVALID);
    assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &release[1..], manifest, &sig), MQTT_RS_PUBLIC_KEY_INVALID);
    assert_eq!(verify(7, &release, manifest, &sig), MQTT_RS_INVALID_ARGUMENT);
    let null = unsafe {
        mqtt_rs_signature_verify(MQTT_RS_SIG_ECDSA_P256_SHA256, std::ptr::null(), 65, manifest.as_ptr(), manifest.len(), sig.as_ptr(), sig.len())
    };
    assert_eq!(null, MQTT_RS_NULL_ARGUMENT);
}

#[test]
fn ed25519_verifies_with_ring_and_is_reported_unsupported_elsewhere() {
    let dir = scratch("ed25519");
    let release = new_key(&dir, "release", "ed25519");
    let message = b"version=3\n";
    let sig = sign(&dir, "release", "ed25519", message);
    if CRYPTO_PROVIDER == "ring" {
        assert_eq!(verify(MQTT_RS_SIG_ED25519, &release, message, &sig), MQTT_RS_OK);
        assert_eq!(verify(MQTT_RS_SIG_ED25519, &release, b"version=4\n", &sig), MQTT_RS_SIGNATURE_INVALID);
    } else {
        assert_eq!(verify(MQTT_RS_SIG_ED25519, &release, message, &sig), MQTT_RS_CRYPTO_UNSUPPORTED, "{CRYPTO_PROVIDER}");
    }
    assert_eq!(verify(MQTT_RS_SIG_ED25519, &release[..31], message, &sig), MQTT_RS_PUBLIC_KEY_INVALID);
}

#[cfg(feature = "psa-count")]
#[test]
fn with_psa_the_hash_and_the_check_are_psa_calls() {
    use mqtt_rs::transport::tls::psa_call_counts;
    const HASH: usize = 2;
    const VERIFY: usize = 6;
    let before = psa_call_counts();
    sha256_in_pieces(b"abc", &[1]);
    let hashed = psa_call_counts();
    // setup, three updates, finish
    assert!(hashed[HASH] >= before[HASH] + 5, "PSA hash calls {} -> {}", before[HASH], hashed[HASH]);
    let dir = scratch("psa");
    let release = new_key(&dir, "release", "p256");
    let sig = sign(&dir, "release", "p256", b"m");
    assert_eq!(verify(MQTT_RS_SIG_ECDSA_P256_SHA256, &release, b"m", &sig), MQTT_RS_OK);
    assert!(psa_call_counts()[VERIFY] > hashed[VERIFY], "psa_verify_hash was called");
}
