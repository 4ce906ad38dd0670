//! SHA-256 (`sha2`) and HMAC-SHA-256 (`hmac`), as rustls' hash and HMAC
//! providers; rustls derives HKDF (TLS 1.3) and the PRF (TLS 1.2) from the HMAC.

use crate::transport::tls::alloc::boxed::Box;
use core::marker::PhantomData;

use hmac::{Mac, SimpleHmac};
use rustls::crypto::hash::{self, HashAlgorithm};
use rustls::crypto::hmac::{self as rustls_hmac, Tag};
use sha2::digest::{core_api::BlockSizeUser, Digest};
use sha2::Sha256;

/// A `sha2` digest as rustls' [`hash::Hash`].
pub(crate) struct Sha<D>(HashAlgorithm, PhantomData<fn() -> D>);

/// SHA-256.
pub(crate) static SHA256: Sha<Sha256> = Sha(HashAlgorithm::SHA256, PhantomData);

impl<D: Digest + Clone + Send + Sync + 'static> hash::Hash for Sha<D> {
    fn start(&self) -> Box<dyn hash::Context> {
        Box::new(ShaContext(D::new()))
    }

    fn hash(&self, data: &[u8]) -> hash::Output {
        hash::Output::new(&D::digest(data))
    }

    fn output_len(&self) -> usize {
        <D as Digest>::output_size()
    }

    fn algorithm(&self) -> HashAlgorithm {
        self.0
    }
}

/// A running hash (the handshake transcript).
struct ShaContext<D>(D);

impl<D: Digest + Clone + Send + Sync + 'static> hash::Context for ShaContext<D> {
    fn fork_finish(&self) -> hash::Output {
        hash::Output::new(&self.0.clone().finalize())
    }

    fn fork(&self) -> Box<dyn hash::Context> {
        Box::new(ShaContext(self.0.clone()))
    }

    fn finish(self: Box<Self>) -> hash::Output {
        hash::Output::new(&self.0.finalize())
    }

    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
}

/// HMAC over a `sha2` digest as rustls' [`rustls_hmac::Hmac`].
pub(crate) struct Hmac<D>(PhantomData<fn() -> D>);

/// HMAC-SHA-256.
pub(crate) static HMAC_SHA256: Hmac<Sha256> = Hmac(PhantomData);

impl<D> rustls_hmac::Hmac for Hmac<D>
where
    D: Digest + BlockSizeUser + Clone + Send + Sync + 'static,
{
    fn with_key(&self, key: &[u8]) -> Box<dyn rustls_hmac::Key> {
        // `SimpleHmac` accepts keys of any length (long ones are hashed first): never an error.
        let mac = <SimpleHmac<D> as Mac>::new_from_slice(key).unwrap_or_else(|_| SimpleHmac::<D>::new(&Default::default()));
        Box::new(HmacKey(mac))
    }

    fn hash_output_len(&self) -> usize {
        <D as Digest>::output_size()
    }
}

/// An HMAC keyed once, signing many messages.
struct HmacKey<D: Digest + BlockSizeUser>(SimpleHmac<D>);

impl<D> rustls_hmac::Key for HmacKey<D>
where
    D: Digest + BlockSizeUser + Clone + Send + Sync + 'static,
{
    fn sign_concat(&self, first: &[u8], middle: &[&[u8]], last: &[u8]) -> Tag {
        let mut mac = self.0.clone();
        mac.update(first);
        for part in middle {
            mac.update(part);
        }
        mac.update(last);
        Tag::new(&mac.finalize().into_bytes())
    }

    fn tag_len(&self) -> usize {
        <D as Digest>::output_size()
    }
}
