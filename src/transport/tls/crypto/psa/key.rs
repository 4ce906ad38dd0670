//! Key handles that are destroyed when dropped.

use super::ffi::{self, KeyAttributes, KeyId, SUCCESS};

/// A volatile PSA key, destroyed (`psa_destroy_key`) when dropped.
pub(super) struct Key(KeyId);

impl Key {
    /// Imports `data` as a key with `attributes`.
    pub(super) fn import(attributes: &KeyAttributes, data: &[u8]) -> Option<Self> {
        let mut id = 0;
        (ffi::import_key(attributes, data, &mut id) == SUCCESS).then_some(Key(id))
    }

    /// Generates a fresh key with `attributes` from PSA's random generator.
    pub(super) fn generate(attributes: &KeyAttributes) -> Result<Self, ffi::Status> {
        let mut id = 0;
        match ffi::generate_key(attributes, &mut id) {
            SUCCESS => Ok(Key(id)),
            error => Err(error),
        }
    }

    /// The PSA key identifier.
    pub(super) fn id(&self) -> KeyId {
        self.0
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        ffi::destroy_key(self.0);
    }
}
