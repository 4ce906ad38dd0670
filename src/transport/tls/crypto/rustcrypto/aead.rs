//! AES-128-GCM (`aes-gcm`) keys for the shared record layer (`crypto::record`).

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, KeyInit, Nonce as GcmNonce, Tag};
use rustls::crypto::cipher::{AeadKey, PrefixedPayload, NONCE_LEN};
use rustls::Error;

use super::super::record::{GcmKey, TAG_LEN};

/// An AES-128-GCM key, expanded once per record key.
pub(crate) struct Aes128GcmKey(Aes128Gcm);

impl GcmKey for Aes128GcmKey {
    fn new(key: &AeadKey) -> Option<Self> {
        Aes128Gcm::new_from_slice(key.as_ref()).ok().map(Self)
    }

    fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], payload: &mut PrefixedPayload, from: usize) -> Result<(), Error> {
        let tag =
            self.0.encrypt_in_place_detached(GcmNonce::from_slice(nonce), aad, &mut payload.as_mut()[from..]).map_err(|_| Error::EncryptError)?;
        payload.extend_from_slice(&tag);
        Ok(())
    }

    fn open(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> Result<usize, Error> {
        let plain_len = body.len().checked_sub(TAG_LEN).ok_or(Error::DecryptError)?;
        let (text, tag) = body.split_at_mut(plain_len);
        self.0.decrypt_in_place_detached(GcmNonce::from_slice(nonce), aad, text, Tag::from_slice(tag)).map_err(|_| Error::DecryptError)?;
        Ok(plain_len)
    }
}
