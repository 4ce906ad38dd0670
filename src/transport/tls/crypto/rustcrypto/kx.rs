//! Ephemeral key exchange: X25519 (`x25519-dalek`) and ECDH on P-256 and P-384 (`p256`,
//! `p384`; P-384 left out with `tls-no-p384`), with secret keys drawn from the entropy hook.

use crate::transport::tls::alloc::boxed::Box;

use core::marker::PhantomData;

use p256::elliptic_curve::ecdh::diffie_hellman;
use p256::elliptic_curve::sec1::{EncodedPoint, FromEncodedPoint, ModulusSize, ToEncodedPoint};
use p256::elliptic_curve::{AffinePoint, CurveArithmetic, FieldBytes, FieldBytesSize, PublicKey, SecretKey};
use rustls::crypto::{ActiveKeyExchange, CompletedKeyExchange, SharedSecret, SupportedKxGroup};
use rustls::ffdhe_groups::FfdheGroup;
use rustls::{Error, NamedGroup, PeerMisbehaved, SupportedProtocolVersion};

use super::super::platform;

/// Fresh secret key bytes from the entropy hook.
fn random_secret() -> Result<[u8; 32], Error> {
    let mut secret = [0u8; 32];
    if platform::fill_entropy(&mut secret) {
        Ok(secret)
    } else {
        Err(Error::FailedToGetRandomBytes)
    }
}

/// What a peer's key share that is not a valid public key is reported as.
fn bad_share() -> Error {
    PeerMisbehaved::InvalidKeyShare.into()
}

/// X25519 (RFC 7748).
#[derive(Debug)]
pub(super) struct X25519;

impl SupportedKxGroup for X25519 {
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        let secret = x25519_dalek::StaticSecret::from(random_secret()?);
        let public = x25519_dalek::PublicKey::from(&secret);
        Ok(Box::new(X25519Exchange { secret, public }))
    }

    fn name(&self) -> NamedGroup {
        NamedGroup::X25519
    }

    /// No finite-field group: without this the default looks the name up in rustls' FFDHE
    /// table, which links the five RFC 7919 primes (2,944 bytes) into every build.
    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        None
    }

    /// Server side only (see `crypto::no_server_role`).
    fn start_and_complete(&self, _: &[u8]) -> Result<CompletedKeyExchange, Error> {
        Err(super::super::no_server_role())
    }
}

/// One X25519 exchange in progress; the secret is zeroed when dropped.
struct X25519Exchange {
    secret: x25519_dalek::StaticSecret,
    public: x25519_dalek::PublicKey,
}

impl ActiveKeyExchange for X25519Exchange {
    fn complete(self: Box<Self>, peer_pub_key: &[u8]) -> Result<SharedSecret, Error> {
        let peer: [u8; 32] = peer_pub_key.try_into().map_err(|_| bad_share())?;
        let shared = self.secret.diffie_hellman(&x25519_dalek::PublicKey::from(peer));
        // An all-zero result means a low-order peer key (RFC 7748 section 6.1).
        if !shared.was_contributory() {
            return Err(bad_share());
        }
        Ok(SharedSecret::from(&shared.as_bytes()[..]))
    }

    fn pub_key(&self) -> &[u8] {
        self.public.as_bytes()
    }

    fn group(&self) -> NamedGroup {
        NamedGroup::X25519
    }

    /// Not a finite-field exchange (see the group's `ffdhe_group`).
    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        None
    }

    /// The same secret for every version: rustls' default strips leading zeros for TLS 1.2
    /// finite-field groups only, which this is not (and asking the group for that took code).
    fn complete_for_tls_version(self: Box<Self>, peer_pub_key: &[u8], _: &SupportedProtocolVersion) -> Result<SharedSecret, Error> {
        self.complete(peer_pub_key)
    }
}

/// ECDH on a NIST curve (P-256, P-384), uncompressed points.
pub(super) struct Nist<C>(NamedGroup, PhantomData<fn() -> C>);

/// ECDH on P-256 (secp256r1).
pub(super) static P256: Nist<p256::NistP256> = Nist(NamedGroup::secp256r1, PhantomData);
/// ECDH on P-384 (secp384r1): offered last, for TLS 1.2 servers whose certificate is on
/// P-384 (they require its curve among the client's groups). Left out with `tls-no-p384`.
#[cfg(not(feature = "tls-no-p384"))]
pub(super) static P384: Nist<p384::NistP384> = Nist(NamedGroup::secp384r1, PhantomData);

/// The groups, in preference order.
pub(super) static GROUPS: &[&dyn SupportedKxGroup] = &[
    &X25519,
    &P256,
    #[cfg(not(feature = "tls-no-p384"))]
    &P384,
];

impl<C> core::fmt::Debug for Nist<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // A plain string: formatting the group name would link rustls' enum printing.
        f.write_str(match self.0 {
            NamedGroup::secp256r1 => "secp256r1",
            _ => "secp384r1",
        })
    }
}

impl<C> SupportedKxGroup for Nist<C>
where
    C: CurveArithmetic,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
    FieldBytesSize<C>: ModulusSize,
{
    fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
        // A random string of the field's size is a valid scalar unless it is 0 or >= n
        // (odds below 2^-32 for these curves): draw again then.
        for _ in 0..4 {
            let mut bytes = FieldBytes::<C>::default();
            if !platform::fill_entropy(&mut bytes) {
                return Err(Error::FailedToGetRandomBytes);
            }
            if let Ok(secret) = SecretKey::<C>::from_bytes(&bytes) {
                let public = secret.public_key().to_encoded_point(false);
                return Ok(Box::new(NistExchange { group: self.0, secret, public }));
            }
        }
        Err(Error::FailedToGetRandomBytes)
    }

    fn name(&self) -> NamedGroup {
        self.0
    }

    /// No finite-field group: without this the default looks the name up in rustls' FFDHE
    /// table, which links the five RFC 7919 primes (2,944 bytes) into every build.
    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        None
    }

    /// Server side only (see `crypto::no_server_role`).
    fn start_and_complete(&self, _: &[u8]) -> Result<CompletedKeyExchange, Error> {
        Err(super::super::no_server_role())
    }
}

/// One ECDH exchange in progress; the secret is zeroed when dropped.
struct NistExchange<C: CurveArithmetic>
where
    FieldBytesSize<C>: ModulusSize,
{
    group: NamedGroup,
    secret: SecretKey<C>,
    public: EncodedPoint<C>,
}

impl<C> ActiveKeyExchange for NistExchange<C>
where
    C: CurveArithmetic,
    AffinePoint<C>: FromEncodedPoint<C> + ToEncodedPoint<C>,
    FieldBytesSize<C>: ModulusSize,
{
    fn complete(self: Box<Self>, peer_pub_key: &[u8]) -> Result<SharedSecret, Error> {
        let point = EncodedPoint::<C>::from_bytes(peer_pub_key).map_err(|_| bad_share())?;
        // TLS sends uncompressed points only (RFC 8446 section 4.2.8.2).
        if point.is_compressed() || point.is_identity() {
            return Err(bad_share());
        }
        let peer = Option::<PublicKey<C>>::from(PublicKey::<C>::from_encoded_point(&point)).ok_or_else(bad_share)?;
        let shared = diffie_hellman(self.secret.to_nonzero_scalar(), peer.as_affine());
        Ok(SharedSecret::from(&shared.raw_secret_bytes()[..]))
    }

    fn pub_key(&self) -> &[u8] {
        self.public.as_bytes()
    }

    fn group(&self) -> NamedGroup {
        self.group
    }

    /// Not a finite-field exchange (see the group's `ffdhe_group`).
    fn ffdhe_group(&self) -> Option<FfdheGroup<'static>> {
        None
    }

    /// The same secret for every version: rustls' default strips leading zeros for TLS 1.2
    /// finite-field groups only, which this is not (and asking the group for that took code).
    fn complete_for_tls_version(self: Box<Self>, peer_pub_key: &[u8], _: &SupportedProtocolVersion) -> Result<SharedSecret, Error> {
        self.complete(peer_pub_key)
    }
}
