//! Incremental SHA-256 whose whole state lives in the caller's storage (no heap), done by
//! this build's provider: ring's `digest::Context`, RustCrypto's `sha2::Sha256`, or a PSA
//! hash operation (`psa_hash_setup/update/finish`).

/// Bytes of a SHA-256 digest.
const SHA256_LEN: usize = 32;

/// A SHA-256 computation. Put it in its final place with `default()`, then
/// [`start`](Self::start) it there: a PSA operation must not move once started.
pub struct Sha256 {
    #[cfg(mqtt_rs_crypto = "ring")]
    context: ring::digest::Context,
    #[cfg(mqtt_rs_crypto = "rustcrypto")]
    context: sha2::Sha256,
    #[cfg(mqtt_rs_crypto = "psa")]
    context: super::super::psa::Sha256Operation,
}

impl Default for Sha256 {
    /// A hash not yet started.
    fn default() -> Self {
        #[cfg(mqtt_rs_crypto = "ring")]
        return Sha256 { context: ring::digest::Context::new(&ring::digest::SHA256) };
        #[cfg(mqtt_rs_crypto = "rustcrypto")]
        return Sha256 { context: <sha2::Sha256 as sha2::Digest>::new() };
        #[cfg(mqtt_rs_crypto = "psa")]
        return Sha256 { context: super::super::psa::Sha256Operation::new() };
    }
}

impl Sha256 {
    /// Starts it where it lies; false if the provider failed (PSA).
    pub fn start(&mut self) -> bool {
        #[cfg(mqtt_rs_crypto = "psa")]
        return self.context.start();
        #[cfg(not(mqtt_rs_crypto = "psa"))]
        true
    }

    /// Hashes `data` after what came before; false if the provider failed (PSA).
    pub fn update(&mut self, data: &[u8]) -> bool {
        #[cfg(mqtt_rs_crypto = "ring")]
        self.context.update(data);
        #[cfg(mqtt_rs_crypto = "rustcrypto")]
        sha2::Digest::update(&mut self.context, data);
        #[cfg(mqtt_rs_crypto = "psa")]
        return self.context.update(data);
        #[cfg(not(mqtt_rs_crypto = "psa"))]
        true
    }

    /// The digest of everything hashed, in place; `None` if the provider failed (PSA).
    /// The hash must be started again before further use.
    pub fn finish(&mut self) -> Option<[u8; SHA256_LEN]> {
        #[cfg(mqtt_rs_crypto = "ring")]
        return self.context.clone().finish().as_ref().try_into().ok();
        #[cfg(mqtt_rs_crypto = "rustcrypto")]
        return Some(sha2::Digest::finalize_reset(&mut self.context).into());
        #[cfg(mqtt_rs_crypto = "psa")]
        return self.context.finish();
    }
}
