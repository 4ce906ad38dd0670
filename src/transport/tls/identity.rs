//! The client identity for mutual TLS: one certificate chain and key, offered whenever the
//! broker asks (rustls' `SingleCertAndKey` does the same, but its derived `Debug` would link
//! the formatting of certificates and keys).

use super::alloc::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls::sign::CertifiedKey;
use rustls::SignatureScheme;

/// The one client certificate and key of a configuration.
pub(super) struct ClientIdentity(pub(super) Arc<CertifiedKey>);

impl core::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ClientIdentity")
    }
}

impl ResolvesClientCert for ClientIdentity {
    fn resolve(&self, _root_hint_subjects: &[&[u8]], _sigschemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }

    fn has_certs(&self) -> bool {
        true
    }
}
