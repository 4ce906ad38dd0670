//! A SHA-256 `psa_hash_operation_t` held in place by its owner (the application's
//! storage for `mqtt_rs_sha256_*`), for the device crypto API.

use super::ffi::{self, HashOperation, SUCCESS};

/// A SHA-256 operation that stays where its owner put it; aborted when dropped active.
pub(crate) struct Sha256Operation {
    operation: HashOperation,
    /// Started and neither finished nor failed: there is something to abort.
    active: bool,
}

impl Sha256Operation {
    /// An inactive operation (`PSA_HASH_OPERATION_INIT`).
    pub(crate) const fn new() -> Self {
        Sha256Operation { operation: HashOperation::new(), active: false }
    }

    /// `psa_crypto_init` and `psa_hash_setup` in place; false if PSA refused.
    pub(crate) fn start(&mut self) -> bool {
        self.abort();
        self.active = ffi::crypto_init() == SUCCESS && ffi::hash_setup(&mut self.operation, ffi::ALG_SHA_256) == SUCCESS;
        self.active
    }

    /// `psa_hash_update`; false if PSA failed or the operation is not active.
    pub(crate) fn update(&mut self, data: &[u8]) -> bool {
        if self.active && ffi::hash_update(&mut self.operation, data) == SUCCESS {
            return true;
        }
        self.abort();
        false
    }

    /// `psa_hash_finish`; the operation is inactive afterwards.
    pub(crate) fn finish(&mut self) -> Option<[u8; 32]> {
        let mut out = [0u8; 32];
        let ok = self.active && ffi::hash_finish(&mut self.operation, &mut out) == Ok(32);
        match ok {
            // A finished operation is inactive; a failed one must be aborted.
            true => self.active = false,
            false => self.abort(),
        }
        ok.then_some(out)
    }

    fn abort(&mut self) {
        if core::mem::take(&mut self.active) {
            ffi::hash_abort(&mut self.operation);
        }
    }
}

impl Drop for Sha256Operation {
    fn drop(&mut self) {
        self.abort();
    }
}
