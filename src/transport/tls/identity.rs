//! The client identity for mutual TLS: one certificate chain and key, offered whenever the
//! broker asks (rustls' `SingleCertAndKey` does the same, but its derived `Debug` would link
//! the formatting of certificates and keys), or none. A configuration without a client
//! certificate uses it too, empty, instead of rustls' `with_no_client_auth`: one way of
//! building the configuration is linked instead of two.

use super::alloc::sync::Arc;

use rustls::client::ResolvesClientCert;
use rustls::sign::CertifiedKey;
use rustls::SignatureScheme;

/// The one client certificate and key of a configuration, if it has one.
pub(super) struct ClientIdentity(pub(super) Option<Arc<CertifiedKey>>);

impl core::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ClientIdentity")
    }
}

impl ResolvesClientCert for ClientIdentity {
    fn resolve(&self, _root_hint_subjects: &[&[u8]], _sigschemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        self.0.clone()
    }

    fn has_certs(&self) -> bool {
        self.0.is_some()
    }
}
