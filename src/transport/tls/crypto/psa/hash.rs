//! SHA-256/384 (`psa_hash_*`) and HMAC (`psa_mac_compute` with an HMAC key), as rustls'
//! hash and HMAC providers; rustls derives HKDF (TLS 1.3) and the PRF (TLS 1.2) from the HMAC.
//!
//! rustls' hash and HMAC traits cannot report a failure: a failed PSA call yields an empty
//! output, which makes the handshake fail on the next check (Finished, binder), never pass.

use crate::transport::tls::alloc::boxed::Box;
use crate::transport::tls::alloc::vec::Vec;

use rustls::crypto::hash::{self, HashAlgorithm};
use rustls::crypto::hmac::{self as rustls_hmac, Tag};

use super::ffi::{self, Algorithm, HashOperation, KeyAttributes, KEY_TYPE_HMAC, SUCCESS, USAGE_SIGN_MESSAGE};
use super::key::Key;

/// The largest digest used here (SHA-512, for signatures over SHA-512).
pub(super) const MAX_DIGEST: usize = 64;

/// A PSA hash algorithm as rustls' [`hash::Hash`].
pub(crate) struct PsaHash {
    algorithm: HashAlgorithm,
    psa: Algorithm,
    len: usize,
}

/// SHA-256.
pub(crate) static SHA256: PsaHash = PsaHash { algorithm: HashAlgorithm::SHA256, psa: ffi::ALG_SHA_256, len: 32 };

/// `message` hashed with `alg` into `out`; the digest length, or `None` if PSA failed.
pub(super) fn digest(alg: Algorithm, message: &[u8], out: &mut [u8; MAX_DIGEST]) -> Option<usize> {
    ffi::hash_compute(alg, message, out).ok()
}

impl hash::Hash for PsaHash {
    fn start(&self) -> Box<dyn hash::Context> {
        let mut operation = Box::new(HashOperation::new());
        let ok = ffi::hash_setup(&mut operation, self.psa) == SUCCESS;
        Box::new(HashContext { operation, ok })
    }

    fn hash(&self, data: &[u8]) -> hash::Output {
        let mut out = [0u8; MAX_DIGEST];
        let len = digest(self.psa, data, &mut out).unwrap_or(0);
        hash::Output::new(&out[..len])
    }

    fn output_len(&self) -> usize {
        self.len
    }

    fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }
}

/// A running hash (the handshake transcript), boxed so that PSA's state never moves.
struct HashContext {
    operation: Box<HashOperation>,
    /// False once a PSA call failed: outputs are empty from then on.
    ok: bool,
}

impl HashContext {
    fn finish_into(&mut self) -> hash::Output {
        let mut out = [0u8; MAX_DIGEST];
        let len = match self.ok {
            true => ffi::hash_finish(&mut self.operation, &mut out).unwrap_or(0),
            false => 0,
        };
        self.ok = false;
        hash::Output::new(&out[..len])
    }

    fn clone_context(&self) -> HashContext {
        let mut operation = Box::new(HashOperation::new());
        let ok = self.ok && ffi::hash_clone(&self.operation, &mut operation) == SUCCESS;
        HashContext { operation, ok }
    }
}

impl hash::Context for HashContext {
    fn fork_finish(&self) -> hash::Output {
        self.clone_context().finish_into()
    }

    fn fork(&self) -> Box<dyn hash::Context> {
        Box::new(self.clone_context())
    }

    fn finish(mut self: Box<Self>) -> hash::Output {
        self.finish_into()
    }

    fn update(&mut self, data: &[u8]) {
        self.ok = self.ok && ffi::hash_update(&mut self.operation, data) == SUCCESS;
    }
}

impl Drop for HashContext {
    fn drop(&mut self) {
        ffi::hash_abort(&mut self.operation);
    }
}

/// HMAC over a PSA hash as rustls' [`rustls_hmac::Hmac`].
pub(crate) struct PsaHmac {
    hash: Algorithm,
    len: usize,
}

/// HMAC-SHA-256.
pub(crate) static HMAC_SHA256: PsaHmac = PsaHmac { hash: ffi::ALG_SHA_256, len: 32 };

impl rustls_hmac::Hmac for PsaHmac {
    fn with_key(&self, key: &[u8]) -> Box<dyn rustls_hmac::Key> {
        let alg = ffi::alg_hmac(self.hash);
        let attributes = KeyAttributes::new(KEY_TYPE_HMAC, 0, USAGE_SIGN_MESSAGE, alg);
        // PSA refuses empty keys; HMAC pads keys with zeros to the block size, so the key
        // [0] gives the same MAC as the empty key.
        let data = if key.is_empty() { &[0u8][..] } else { key };
        Box::new(HmacKey { key: Key::import(&attributes, data), alg, len: self.len })
    }

    fn hash_output_len(&self) -> usize {
        self.len
    }
}

/// An HMAC key held by PSA, signing many messages.
struct HmacKey {
    key: Option<Key>,
    alg: Algorithm,
    len: usize,
}

impl rustls_hmac::Key for HmacKey {
    fn sign_concat(&self, first: &[u8], middle: &[&[u8]], last: &[u8]) -> Tag {
        let mut input = Vec::with_capacity(first.len() + last.len() + middle.iter().map(|m| m.len()).sum::<usize>());
        input.extend_from_slice(first);
        for part in middle {
            input.extend_from_slice(part);
        }
        input.extend_from_slice(last);
        let mut out = [0u8; MAX_DIGEST];
        let len = self.key.as_ref().and_then(|key| ffi::mac_compute(key.id(), self.alg, &input, &mut out).ok()).unwrap_or(0);
        Tag::new(&out[..len])
    }

    fn tag_len(&self) -> usize {
        self.len
    }
}
