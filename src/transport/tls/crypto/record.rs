//! AES-128-GCM record protection for TLS 1.3 and TLS 1.2, shared by the providers that bring
//! their own cipher (pure-Rust, PSA): the record framing (nonces, additional data, the inner
//! content type, the explicit nonce) is here; sealing and opening a buffer in place is the
//! provider's [`GcmKey`].

use core::marker::PhantomData;

use crate::transport::tls::alloc::boxed::Box;

use rustls::crypto::cipher::{
    make_tls13_aad, AeadKey, InboundOpaqueMessage, InboundPlainMessage, Iv, MessageDecrypter, MessageEncrypter, Nonce, OutboundOpaqueMessage,
    OutboundPlainMessage, PrefixedPayload, Tls13AeadAlgorithm, UnsupportedOperationError, NONCE_LEN,
};
use rustls::{ConnectionTrafficSecrets, ContentType, Error, ProtocolVersion};

/// The GCM tag that follows every ciphertext.
pub(crate) const TAG_LEN: usize = 16;

/// A provider's AES-128-GCM key: the one operation pair the record layer needs.
pub(crate) trait GcmKey: Send + Sync + Sized + 'static {
    /// `key` (16 bytes) made ready for sealing and opening; `None` if the provider refused it.
    fn new(key: &AeadKey) -> Option<Self>;

    /// Encrypts `payload[from..]` in place and appends the [`TAG_LEN`]-byte tag.
    fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], payload: &mut PrefixedPayload, from: usize) -> Result<(), Error>;

    /// Decrypts `body` (ciphertext then tag) in place; returns the plaintext length.
    fn open(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> Result<usize, Error>;
}

/// AES-128-GCM as rustls' TLS 1.3 and TLS 1.2 AEAD, over the provider's key type `K`.
pub(super) struct Aes128GcmAead<K>(PhantomData<fn() -> K>);

impl<K> Aes128GcmAead<K> {
    /// The algorithm (it has no state: the keys live in the sealers and openers).
    pub(super) const ALGORITHM: Self = Self(PhantomData);
}

/// Seals with `key`, or fails if the provider refused the key.
fn seal<K: GcmKey>(key: Option<&K>, nonce: &[u8; NONCE_LEN], aad: &[u8], payload: &mut PrefixedPayload, from: usize) -> Result<(), Error> {
    key.ok_or(Error::EncryptError)?.seal(nonce, aad, payload, from)
}

/// Opens with `key`, or fails if the provider refused the key.
fn open<K: GcmKey>(key: Option<&K>, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> Result<usize, Error> {
    key.ok_or(Error::DecryptError)?.open(nonce, aad, body)
}

impl<K: GcmKey> Tls13AeadAlgorithm for Aes128GcmAead<K> {
    fn encrypter(&self, key: AeadKey, iv: Iv) -> Box<dyn MessageEncrypter> {
        Box::new(Tls13Sealer { key: K::new(&key), iv })
    }

    fn decrypter(&self, key: AeadKey, iv: Iv) -> Box<dyn MessageDecrypter> {
        Box::new(Tls13Opener { key: K::new(&key), iv })
    }

    fn key_len(&self) -> usize {
        16
    }

    fn extract_keys(&self, key: AeadKey, iv: Iv) -> Result<ConnectionTrafficSecrets, UnsupportedOperationError> {
        Ok(ConnectionTrafficSecrets::Aes128Gcm { key, iv })
    }
}

/// TLS 1.3 record encryption: the content type goes inside, the nonce is the IV XOR the
/// sequence number.
struct Tls13Sealer<K> {
    key: Option<K>,
    iv: Iv,
}

impl<K: GcmKey> MessageEncrypter for Tls13Sealer<K> {
    fn encrypt(&mut self, msg: OutboundPlainMessage<'_>, seq: u64) -> Result<OutboundOpaqueMessage, Error> {
        let total_len = self.encrypted_payload_len(msg.payload.len());
        let mut payload = PrefixedPayload::with_capacity(total_len);
        payload.extend_from_chunks(&msg.payload);
        payload.extend_from_slice(&msg.typ.to_array());
        let nonce = Nonce::new(&self.iv, seq).0;
        seal(self.key.as_ref(), &nonce, &make_tls13_aad(total_len), &mut payload, 0)?;
        // TLS 1.3 records all claim to be TLS 1.2 application data (RFC 8446 section 5.1).
        Ok(OutboundOpaqueMessage::new(ContentType::ApplicationData, ProtocolVersion::TLSv1_2, payload))
    }

    fn encrypted_payload_len(&self, payload_len: usize) -> usize {
        payload_len + 1 + TAG_LEN
    }
}

/// TLS 1.3 record decryption.
struct Tls13Opener<K> {
    key: Option<K>,
    iv: Iv,
}

impl<K: GcmKey> MessageDecrypter for Tls13Opener<K> {
    fn decrypt<'a>(&mut self, mut msg: InboundOpaqueMessage<'a>, seq: u64) -> Result<InboundPlainMessage<'a>, Error> {
        let nonce = Nonce::new(&self.iv, seq).0;
        let aad = make_tls13_aad(msg.payload.len());
        let plain_len = open(self.key.as_ref(), &nonce, &aad, &mut msg.payload)?;
        msg.payload.truncate(plain_len);
        msg.into_tls13_unpadded_message()
    }
}

/// TLS 1.2 (the default feature `tls12`).
#[cfg(feature = "tls12")]
mod tls12 {
    use super::*;
    use rustls::crypto::cipher::{make_tls12_aad, KeyBlockShape, Tls12AeadAlgorithm};

    /// TLS 1.2 GCM records carry the last 8 bytes of the nonce in clear before the ciphertext.
    const EXPLICIT_NONCE_LEN: usize = 8;
    /// The largest plaintext a record may carry (RFC 5246 section 6.2.1).
    const MAX_FRAGMENT_LEN: usize = 16_384;

    impl<K: GcmKey> Tls12AeadAlgorithm for Aes128GcmAead<K> {
        fn encrypter(&self, key: AeadKey, iv: &[u8], explicit: &[u8]) -> Box<dyn MessageEncrypter> {
            Box::new(Tls12Sealer { key: K::new(&key), iv: tls12_iv(iv, explicit) })
        }

        fn decrypter(&self, key: AeadKey, iv: &[u8]) -> Box<dyn MessageDecrypter> {
            let mut salt = [0u8; 4];
            let len = iv.len().min(salt.len());
            salt[..len].copy_from_slice(&iv[..len]);
            Box::new(Tls12Opener { key: K::new(&key), salt })
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

    /// TLS 1.2 record encryption: explicit nonce, ciphertext, tag.
    struct Tls12Sealer<K> {
        key: Option<K>,
        iv: Iv,
    }

    impl<K: GcmKey> MessageEncrypter for Tls12Sealer<K> {
        fn encrypt(&mut self, msg: OutboundPlainMessage<'_>, seq: u64) -> Result<OutboundOpaqueMessage, Error> {
            let total_len = self.encrypted_payload_len(msg.payload.len());
            let mut payload = PrefixedPayload::with_capacity(total_len);
            let nonce = Nonce::new(&self.iv, seq).0;
            let aad = make_tls12_aad(seq, msg.typ, msg.version, msg.payload.len());
            payload.extend_from_slice(&nonce[4..]);
            payload.extend_from_chunks(&msg.payload);
            seal(self.key.as_ref(), &nonce, &aad, &mut payload, EXPLICIT_NONCE_LEN)?;
            Ok(OutboundOpaqueMessage::new(msg.typ, msg.version, payload))
        }

        fn encrypted_payload_len(&self, payload_len: usize) -> usize {
            payload_len + EXPLICIT_NONCE_LEN + TAG_LEN
        }
    }

    /// TLS 1.2 record decryption.
    struct Tls12Opener<K> {
        key: Option<K>,
        salt: [u8; 4],
    }

    impl<K: GcmKey> MessageDecrypter for Tls12Opener<K> {
        fn decrypt<'a>(&mut self, mut msg: InboundOpaqueMessage<'a>, seq: u64) -> Result<InboundPlainMessage<'a>, Error> {
            let payload = &mut msg.payload;
            if payload.len() < EXPLICIT_NONCE_LEN + TAG_LEN {
                return Err(Error::DecryptError);
            }
            let mut nonce = [0u8; NONCE_LEN];
            nonce[..4].copy_from_slice(&self.salt);
            nonce[4..].copy_from_slice(&payload[..EXPLICIT_NONCE_LEN]);
            let aad = make_tls12_aad(seq, msg.typ, msg.version, payload.len() - EXPLICIT_NONCE_LEN - TAG_LEN);
            let plain_len = open(self.key.as_ref(), &nonce, &aad, &mut payload[EXPLICIT_NONCE_LEN..])?;
            if plain_len > MAX_FRAGMENT_LEN {
                return Err(Error::PeerSentOversizedRecord);
            }
            payload.copy_within(EXPLICIT_NONCE_LEN..EXPLICIT_NONCE_LEN + plain_len, 0);
            payload.truncate(plain_len);
            Ok(msg.into_plain_message())
        }
    }
}
