//! The broker-certificate check: webpki's, with one addition for messages. Without std,
//! webpki's refusal of an X.509 v1 certificate reaches us as a bare
//! `CertificateError::Other`; this wrapper tells that case apart (the DER has no version
//! field) and reports it as `ApplicationVerificationFailure`, which `explain` words as
//! "an X.509 v1 certificate". Every decision stays webpki's.

use super::alloc::sync::Arc;
use super::alloc::vec::Vec;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

/// webpki's verifier, naming X.509 v1 certificates.
#[derive(Debug)]
pub(super) struct NamingVerifier(pub(super) Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for NamingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let verified = self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        match verified {
            Err(Error::InvalidCertificate(CertificateError::Other(_))) if is_x509_v1(end_entity) => {
                Err(Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
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
