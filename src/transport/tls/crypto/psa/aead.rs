//! AES-128-GCM record protection for TLS 1.3 and TLS 1.2 (`psa_aead_encrypt`/`decrypt`,
//! key held by PSA for the life of the record key).

use crate::transport::tls::alloc::boxed::Box;
use crate::transport::tls::alloc::vec::Vec;

use rustls::crypto::cipher::{
    make_tls12_aad, make_tls13_aad, AeadKey, InboundOpaqueMessage, InboundPlainMessage, Iv, KeyBlockShape, MessageDecrypter, MessageEncrypter, Nonce,
    OutboundOpaqueMessage, OutboundPlainMessage, PrefixedPayload, Tls12AeadAlgorithm, Tls13AeadAlgorithm, UnsupportedOperationError, NONCE_LEN,
};
use rustls::{ConnectionTrafficSecrets, ContentType, Error, ProtocolVersion};

use super::ffi::{self, KeyAttributes, ALG_GCM, KEY_TYPE_AES, USAGE_DECRYPT, USAGE_ENCRYPT};
use super::key::Key;

const TAG_LEN: usize = 16;
/// TLS 1.2 GCM records carry the last 8 bytes of the nonce in clear before the ciphertext.
const EXPLICIT_NONCE_LEN: usize = 8;
/// The largest plaintext a record may carry (RFC 8446 section 5.1, RFC 5246 section 6.2.1).
const MAX_FRAGMENT_LEN: usize = 16_384;

/// AES-128-GCM as rustls' TLS 1.3 and TLS 1.2 AEAD.
pub(super) struct Aes128GcmAead;

/// `key` imported into PSA as an AES-128-GCM key (rustls always hands over `key_len()` bytes).
fn cipher(key: &AeadKey) -> Option<Key> {
    let attributes = KeyAttributes::new(KEY_TYPE_AES, 128, USAGE_ENCRYPT | USAGE_DECRYPT, ALG_GCM);
    Key::import(&attributes, key.as_ref())
}

impl Tls13AeadAlgorithm for Aes128GcmAead {
    fn encrypter(&self, key: AeadKey, iv: Iv) -> Box<dyn MessageEncrypter> {
        Box::new(Tls13Sealer { cipher: cipher(&key), iv })
    }

    fn decrypter(&self, key: AeadKey, iv: Iv) -> Box<dyn MessageDecrypter> {
        Box::new(Tls13Opener { cipher: cipher(&key), iv })
    }

    fn key_len(&self) -> usize {
        16
    }

    fn extract_keys(&self, key: AeadKey, iv: Iv) -> Result<ConnectionTrafficSecrets, UnsupportedOperationError> {
        Ok(ConnectionTrafficSecrets::Aes128Gcm { key, iv })
    }
}

impl Tls12AeadAlgorithm for Aes128GcmAead {
    fn encrypter(&self, key: AeadKey, iv: &[u8], explicit: &[u8]) -> Box<dyn MessageEncrypter> {
        Box::new(Tls12Sealer { cipher: cipher(&key), iv: tls12_iv(iv, explicit) })
    }

    fn decrypter(&self, key: AeadKey, iv: &[u8]) -> Box<dyn MessageDecrypter> {
        let mut salt = [0u8; 4];
        let len = iv.len().min(salt.len());
        salt[..len].copy_from_slice(&iv[..len]);
        Box::new(Tls12Opener { cipher: cipher(&key), salt })
    }

    fn key_block_shape(&self) -> KeyBlockShape {
        KeyBlockShape { enc_key_len: 16, fixed_iv_len: 4, explicit_nonce_len: EXPLICIT_NONCE_LEN }
    }

    fn extract_keys(&self, key: AeadKey, iv: &[u8], explicit: &[u8]) -> Result<ConnectionTrafficSecrets, UnsupportedOperationError> {
        Ok(ConnectionTrafficSecrets::Aes128Gcm { key, iv: tls12_iv(iv, explicit) })
    }
}

/// The TLS 1.2 write nonce base: the 4-byte salt from the key block, then 8 bytes that
/// are XORed with the sequence number like TLS 1.3's (RFC 5288 leaves their choice open).
fn tls12_iv(salt: &[u8], explicit: &[u8]) -> Iv {
    let mut iv = [0u8; NONCE_LEN];
    for (dst, src) in iv.iter_mut().zip(salt.iter().chain(explicit)) {
        *dst = *src;
    }
    Iv::new(iv)
}

/// Encrypts `payload[from..]` in place and appends the tag.
fn seal(cipher: Option<&Key>, nonce: &[u8; NONCE_LEN], aad: &[u8], payload: &mut PrefixedPayload, from: usize) -> Result<(), Error> {
    let cipher = cipher.ok_or(Error::EncryptError)?;
    // PSA's one-shot AEAD reads and writes separate buffers: seal a copy of the plaintext
    // into the payload, which grows by the tag.
    let plain: Vec<u8> = payload.as_ref()[from..].to_vec();
    payload.extend_from_slice(&[0u8; TAG_LEN]);
    let written = ffi::aead_encrypt(cipher.id(), ALG_GCM, nonce, aad, &plain, &mut payload.as_mut()[from..]).map_err(|_| Error::EncryptError)?;
    match written == plain.len() + TAG_LEN {
        true => Ok(()),
        false => Err(Error::EncryptError),
    }
}

/// Decrypts `body` (ciphertext then tag) in place; returns the plaintext length.
fn open(cipher: Option<&Key>, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> Result<usize, Error> {
    let cipher = cipher.ok_or(Error::DecryptError)?;
    let plain_len = body.len().checked_sub(TAG_LEN).ok_or(Error::DecryptError)?;
    // As in `seal`: open a copy of the record into the record's own buffer.
    let sealed: Vec<u8> = body.to_vec();
    let written = ffi::aead_decrypt(cipher.id(), ALG_GCM, nonce, aad, &sealed, &mut body[..plain_len]).map_err(|_| Error::DecryptError)?;
    match written == plain_len {
        true => Ok(plain_len),
        false => Err(Error::DecryptError),
    }
}

/// TLS 1.3 record encryption: the content type goes inside, the nonce is the IV XOR the
/// sequence number.
struct Tls13Sealer {
    cipher: Option<Key>,
    iv: Iv,
}

impl MessageEncrypter for Tls13Sealer {
    fn encrypt(&mut self, msg: OutboundPlainMessage<'_>, seq: u64) -> Result<OutboundOpaqueMessage, Error> {
        let total_len = self.encrypted_payload_len(msg.payload.len());
        let mut payload = PrefixedPayload::with_capacity(total_len);
        payload.extend_from_chunks(&msg.payload);
        payload.extend_from_slice(&msg.typ.to_array());
        let nonce = Nonce::new(&self.iv, seq).0;
        seal(self.cipher.as_ref(), &nonce, &make_tls13_aad(total_len), &mut payload, 0)?;
        // TLS 1.3 records all claim to be TLS 1.2 application data (RFC 8446 section 5.1).
        Ok(OutboundOpaqueMessage::new(ContentType::ApplicationData, ProtocolVersion::TLSv1_2, payload))
    }

    fn encrypted_payload_len(&self, payload_len: usize) -> usize {
        payload_len + 1 + TAG_LEN
    }
}

/// TLS 1.3 record decryption.
struct Tls13Opener {
    cipher: Option<Key>,
    iv: Iv,
}

impl MessageDecrypter for Tls13Opener {
    fn decrypt<'a>(&mut self, mut msg: InboundOpaqueMessage<'a>, seq: u64) -> Result<InboundPlainMessage<'a>, Error> {
        let nonce = Nonce::new(&self.iv, seq).0;
        let aad = make_tls13_aad(msg.payload.len());
        let plain_len = open(self.cipher.as_ref(), &nonce, &aad, &mut msg.payload)?;
        msg.payload.truncate(plain_len);
        msg.into_tls13_unpadded_message()
    }
}

/// TLS 1.2 record encryption: explicit nonce, ciphertext, tag.
struct Tls12Sealer {
    cipher: Option<Key>,
    iv: Iv,
}

impl MessageEncrypter for Tls12Sealer {
    fn encrypt(&mut self, msg: OutboundPlainMessage<'_>, seq: u64) -> Result<OutboundOpaqueMessage, Error> {
        let total_len = self.encrypted_payload_len(msg.payload.len());
        let mut payload = PrefixedPayload::with_capacity(total_len);
        let nonce = Nonce::new(&self.iv, seq).0;
        let aad = make_tls12_aad(seq, msg.typ, msg.version, msg.payload.len());
        payload.extend_from_slice(&nonce[4..]);
        payload.extend_from_chunks(&msg.payload);
        seal(self.cipher.as_ref(), &nonce, &aad, &mut payload, EXPLICIT_NONCE_LEN)?;
        Ok(OutboundOpaqueMessage::new(msg.typ, msg.version, payload))
    }

    fn encrypted_payload_len(&self, payload_len: usize) -> usize {
        payload_len + EXPLICIT_NONCE_LEN + TAG_LEN
    }
}

/// TLS 1.2 record decryption.
struct Tls12Opener {
    cipher: Option<Key>,
    salt: [u8; 4],
}

impl MessageDecrypter for Tls12Opener {
    fn decrypt<'a>(&mut self, mut msg: InboundOpaqueMessage<'a>, seq: u64) -> Result<InboundPlainMessage<'a>, Error> {
        let payload = &mut msg.payload;
        if payload.len() < EXPLICIT_NONCE_LEN + TAG_LEN {
            return Err(Error::DecryptError);
        }
        let mut nonce = [0u8; NONCE_LEN];
        nonce[..4].copy_from_slice(&self.salt);
        nonce[4..].copy_from_slice(&payload[..EXPLICIT_NONCE_LEN]);
        let aad = make_tls12_aad(seq, msg.typ, msg.version, payload.len() - EXPLICIT_NONCE_LEN - TAG_LEN);
        let plain_len = open(self.cipher.as_ref(), &nonce, &aad, &mut payload[EXPLICIT_NONCE_LEN..])?;
        if plain_len > MAX_FRAGMENT_LEN {
            return Err(Error::PeerSentOversizedRecord);
        }
        payload.copy_within(EXPLICIT_NONCE_LEN..EXPLICIT_NONCE_LEN + plain_len, 0);
        payload.truncate(plain_len);
        Ok(msg.into_plain_message())
    }
}
