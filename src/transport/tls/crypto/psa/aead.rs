//! AES-128-GCM keys for the shared record layer (`crypto::record`): `psa_aead_encrypt` /
//! `psa_aead_decrypt`, the key held by PSA for the life of the record key.

use crate::transport::tls::alloc::vec::Vec;

use rustls::crypto::cipher::{AeadKey, PrefixedPayload, NONCE_LEN};
use rustls::Error;

use super::super::record::{GcmKey, TAG_LEN};
use super::ffi::{self, KeyAttributes, ALG_GCM, KEY_TYPE_AES, USAGE_DECRYPT, USAGE_ENCRYPT};
use super::key::Key;

/// An AES-128-GCM key imported into PSA (destroyed with the record key).
pub(crate) struct Aes128GcmKey(Key);

impl GcmKey for Aes128GcmKey {
    fn new(key: &AeadKey) -> Option<Self> {
        let attributes = KeyAttributes::new(KEY_TYPE_AES, 128, USAGE_ENCRYPT | USAGE_DECRYPT, ALG_GCM);
        Key::import(&attributes, key.as_ref()).map(Self)
    }

    fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], payload: &mut PrefixedPayload, from: usize) -> Result<(), Error> {
        // PSA's one-shot AEAD reads and writes separate buffers: seal a copy of the plaintext
        // into the payload, which grows by the tag.
        let plain: Vec<u8> = payload.as_ref()[from..].to_vec();
        payload.extend_from_slice(&[0u8; TAG_LEN]);
        let written = ffi::aead_encrypt(self.0.id(), ALG_GCM, nonce, aad, &plain, &mut payload.as_mut()[from..]).map_err(|_| Error::EncryptError)?;
        match written == plain.len() + TAG_LEN {
            true => Ok(()),
            false => Err(Error::EncryptError),
        }
    }

    fn open(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> Result<usize, Error> {
        let plain_len = body.len().checked_sub(TAG_LEN).ok_or(Error::DecryptError)?;
        // As in `seal`: open a copy of the record into the record's own buffer.
        let sealed: Vec<u8> = body.to_vec();
        let written = ffi::aead_decrypt(self.0.id(), ALG_GCM, nonce, aad, &sealed, &mut body[..plain_len]).map_err(|_| Error::DecryptError)?;
        match written == plain_len {
            true => Ok(plain_len),
            false => Err(Error::DecryptError),
        }
    }
}
