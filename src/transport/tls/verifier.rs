//! The broker-certificate check, through rustls' webpki functions: the chain to a trust
//! anchor, the name, and the handshake signatures, with the provider's algorithms. No
//! revocation lists (a device has none to load), so webpki's CRL parsing is not linked.
//!
//! One addition for messages: without std, webpki's refusal of an X.509 v1 certificate
//! reaches us as a bare `CertificateError::Other`; the verifier tells that case apart (the
//! DER has no version field) and reports it as `ApplicationVerificationFailure`, which
//! `explain` words as "an X.509 v1 certificate". Every decision stays webpki's.

use super::alloc::vec::Vec;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
#[cfg(feature = "tls12")]
use rustls::crypto::verify_tls12_signature;
use rustls::crypto::{verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};

/// Checks the broker's chain against `roots` with the provider's `algorithms`.
pub(super) struct BrokerVerifier {
    pub(super) roots: RootCertStore,
    pub(super) algorithms: WebPkiSupportedAlgorithms,
}

impl core::fmt::Debug for BrokerVerifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // A plain string: the derived form would link the formatting of every root and scheme.
        f.write_str("BrokerVerifier")
    }
}

impl BrokerVerifier {
    fn chain_and_name(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<(), Error> {
        let cert = ParsedCertificate::try_from(end_entity)?;
        verify_server_cert_signed_by_trust_anchor(&cert, &self.roots, intermediates, now, self.algorithms.all)?;
        verify_server_name(&cert, server_name)
    }
}

impl ServerCertVerifier for BrokerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match self.chain_and_name(end_entity, intermediates, server_name, now) {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            Err(Error::InvalidCertificate(CertificateError::Other(_))) if is_x509_v1(end_entity) => {
                Err(Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
            }
            Err(other) => Err(other),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        #[cfg(feature = "tls12")]
        return verify_tls12_signature(message, cert, dss, &self.algorithms);
        // Built without TLS 1.2, rustls never negotiates it and never calls this; refusing
        // keeps rustls' TLS 1.2 signature check out of the build.
        #[cfg(not(feature = "tls12"))]
        {
            let _ = (message, cert, dss);
            Err(Error::PeerIncompatible(rustls::PeerIncompatible::Tls12NotOffered))
        }
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// True when the DER certificate's TBSCertificate has no `[0] EXPLICIT version` field
/// (X.509 v1): Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, ...
fn is_x509_v1(der: &[u8]) -> bool {
    let Some(tbs) = inside_sequence(der) else { return false };
    let Some(fields) = inside_sequence(tbs) else { return false };
    fields.first().is_some_and(|&tag| tag != 0xa0)
}

/// The content of the DER SEQUENCE at the start of `der`.
fn inside_sequence(der: &[u8]) -> Option<&[u8]> {
    if *der.first()? != 0x30 {
        return None;
    }
    let first = *der.get(1)?;
    let (len, header) = match first {
        0..=0x7f => (usize::from(first), 2usize),
        0x81 => (usize::from(*der.get(2)?), 3),
        0x82 => (usize::from(u16::from_be_bytes([*der.get(2)?, *der.get(3)?])), 4),
        _ => return None,
    };
    der.get(header..header.checked_add(len)?)
}
