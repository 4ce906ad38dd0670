//! The client configuration: built once from memory, shared by every connection.

use super::alloc::sync::Arc;
use super::alloc::vec::Vec;

use rustls::client::Resumption;
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
#[cfg(feature = "tls12")]
use rustls::version::TLS12;
use rustls::version::TLS13;
use rustls::{ClientConfig, Error, RootCertStore, SupportedProtocolVersion};

use super::certs;
use super::crypto::{crypto_provider, PlatformClock};
use super::error::{Failure, SetupFailure, TlsError};
use super::identity::ClientIdentity;
use super::session_cache::SessionCache;
use super::verifier::BrokerVerifier;

/// The lowest protocol version the client accepts (it always offers TLS 1.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TlsVersion {
    /// TLS 1.2 and 1.3.
    #[default]
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

/// Collects the pieces of a [`TlsConfig`]. Each setter checks its input at once; after a
/// failure, [`error_detail`](Self::error_detail) tells why.
///
/// Server verification is always on: [`build`](Self::build) refuses a configuration
/// without trust anchors. Session resumption is on unless disabled.
#[derive(Debug)]
pub struct TlsConfigBuilder {
    provider: Arc<CryptoProvider>,
    roots: RootCertStore,
    client_key: Option<Arc<CertifiedKey>>,
    alpn: Vec<Vec<u8>>,
    min_version: TlsVersion,
    max_version: TlsVersion,
    resumption: bool,
    last_error: Option<Failure>,
}

impl Default for TlsConfigBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TlsConfigBuilder {
    /// An empty configuration: no trust anchors, no client certificate, no ALPN,
    /// TLS 1.2 and 1.3, resumption on.
    pub fn new() -> Self {
        Self {
            provider: Arc::new(crypto_provider()),
            roots: RootCertStore::empty(),
            client_key: None,
            alpn: Vec::new(),
            min_version: TlsVersion::Tls12,
            max_version: TlsVersion::Tls13,
            resumption: true,
            last_error: None,
        }
    }

    /// Adds the CA certificates of `pem_or_der`: PEM text with any number of
    /// certificates, or one DER certificate. Returns how many were added; on error none is.
    pub fn add_trust_anchors(&mut self, pem_or_der: &[u8]) -> Result<usize, TlsError> {
        let result = parse_trust_anchors(pem_or_der).map(|added| {
            let count = added.roots.len();
            self.roots.roots.extend(added.roots);
            count
        });
        self.record(result)
    }

    /// Sets the client identity for mutual TLS: the certificate chain (end-entity first;
    /// PEM, or one DER certificate) and its private key (PKCS#8, PKCS#1 or SEC1; PEM or
    /// DER; RSA, ECDSA P-256/P-384 or Ed25519 with ring, ECDSA P-256 only with the pure-Rust
    /// provider). The key must match the certificate.
    pub fn set_client_auth(&mut self, cert_chain: &[u8], private_key: &[u8]) -> Result<(), TlsError> {
        let result = certified_key(cert_chain, private_key, &self.provider).map(|key| {
            self.client_key = Some(Arc::new(key));
        });
        self.record(result)
    }

    /// Adds `protocol` (1 to 255 bytes, e.g. `b"mqtt"`) to the ALPN offer, in preference order.
    pub fn add_alpn_protocol(&mut self, protocol: &[u8]) -> Result<(), TlsError> {
        let result = match protocol.len() {
            1..=255 => {
                self.alpn.push(protocol.to_vec());
                Ok(())
            }
            _ => Err(Failure::note(TlsError::InvalidAlpn, "length must be 1 to 255 bytes")),
        };
        self.record(result)
    }

    /// Sets the lowest protocol version accepted.
    pub fn set_min_version(&mut self, version: TlsVersion) {
        self.min_version = version;
    }

    /// Sets the highest protocol version offered (to pin TLS 1.2 for an old broker; a build
    /// without the default feature `tls12` then fails in [`build`](Self::build) with
    /// [`TlsError::ProtocolVersion`]).
    pub fn set_max_version(&mut self, version: TlsVersion) {
        self.max_version = version;
    }

    /// Turns session resumption (TLS 1.3 tickets, TLS 1.2 session ids and tickets) on or off.
    pub fn set_resumption(&mut self, enabled: bool) {
        self.resumption = enabled;
    }

    /// Builds the configuration; fails with [`TlsError::NoTrustAnchors`] if none was added.
    // Out of line: inlined into the C API's `mqtt_rs_client_use_tls` it took more flash.
    #[inline(never)]
    pub fn build(self) -> Result<TlsConfig, TlsError> {
        if self.roots.is_empty() {
            return Err(TlsError::NoTrustAnchors);
        }
        let versions: &[&'static SupportedProtocolVersion] = match (self.min_version, self.max_version) {
            (TlsVersion::Tls13, TlsVersion::Tls12) => return Err(TlsError::ProtocolVersion),
            #[cfg(feature = "tls12")]
            (TlsVersion::Tls12, TlsVersion::Tls13) => &[&TLS13, &TLS12],
            #[cfg(feature = "tls12")]
            (TlsVersion::Tls12, TlsVersion::Tls12) => &[&TLS12],
            // Built without TLS 1.2 (default feature `tls12` off): there is none to pin.
            #[cfg(not(feature = "tls12"))]
            (_, TlsVersion::Tls12) => return Err(TlsError::ProtocolVersion),
            (_, TlsVersion::Tls13) => &[&TLS13],
        };
        let verifier = BrokerVerifier { roots: self.roots, algorithms: self.provider.signature_verification_algorithms };
        let builder = ClientConfig::builder_with_details(self.provider, Arc::new(PlatformClock))
            .with_protocol_versions(versions)
            .map_err(|e| TlsError::from(&e))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier));
        let mut config = builder.with_client_cert_resolver(Arc::new(ClientIdentity(self.client_key)));
        config.alpn_protocols = self.alpn;
        config.resumption = match self.resumption {
            true => Resumption::store(Arc::new(SessionCache::new())),
            false => Resumption::disabled(),
        };
        Ok(TlsConfig { inner: Arc::new(config) })
    }

    /// Writes why the last setter failed into `out` (cut to fit, NUL-terminated);
    /// returns the text length, 0 if nothing failed.
    pub fn error_detail(&self, out: &mut [u8]) -> usize {
        match &self.last_error {
            Some(failure) => failure.write_to(out),
            None => 0,
        }
    }

    /// Takes why the last setter failed, to be explained later (by the C API, which keeps
    /// it past the builder); `None` if nothing failed.
    pub(crate) fn take_failure(&mut self) -> Option<SetupFailure> {
        self.last_error.take().map(SetupFailure)
    }

    fn record<T>(&mut self, result: Result<T, Failure>) -> Result<T, TlsError> {
        result.map_err(|failure| {
            let class = failure.class;
            self.last_error = Some(failure);
            class
        })
    }
}

fn parse_trust_anchors(pem_or_der: &[u8]) -> Result<RootCertStore, Failure> {
    let mut added = RootCertStore::empty();
    for cert in certs::certificates(pem_or_der, TlsError::BadTrustAnchor)? {
        added.add(cert).map_err(|e| Failure::tls(TlsError::BadTrustAnchor, e))?;
    }
    Ok(added)
}

fn certified_key(cert_chain: &[u8], private_key: &[u8], provider: &CryptoProvider) -> Result<CertifiedKey, Failure> {
    let chain = certs::certificates(cert_chain, TlsError::BadClientCert)?;
    let key = certs::private_key(private_key)?;
    CertifiedKey::from_der(chain, key, provider).map_err(|e| {
        let class = match e {
            Error::InvalidCertificate(_) => TlsError::BadClientCert,
            _ => TlsError::BadClientKey,
        };
        Failure::tls(class, e)
    })
}

/// A finished client configuration; cheap to clone (shared, immutable, and holding the
/// session cache that lets later connections resume).
#[derive(Clone, Debug)]
pub struct TlsConfig {
    inner: Arc<ClientConfig>,
}

impl TlsConfig {
    /// The rustls configuration.
    pub(super) fn client_config(&self) -> Arc<ClientConfig> {
        Arc::clone(&self.inner)
    }
}
