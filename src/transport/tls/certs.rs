//! Certificates and keys from memory: PEM (any number of sections) or a single DER item.

use super::alloc::vec::Vec;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::error::{Failure, TlsError};

/// Whether `data` holds PEM text rather than DER.
fn is_pem(data: &[u8]) -> bool {
    data.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every certificate in `data`; `class` is the error if there is none or one is malformed.
pub(super) fn certificates(data: &[u8], class: TlsError) -> Result<Vec<CertificateDer<'static>>, Failure> {
    let certs = match is_pem(data) {
        true => CertificateDer::pem_slice_iter(data).collect::<Result<Vec<_>, _>>().map_err(|e| Failure::pem(class, e))?,
        false => super::alloc::vec![CertificateDer::from(data.to_vec())],
    };
    match certs.is_empty() || data.is_empty() {
        true => Err(Failure::note(class, "no certificate found")),
        false => Ok(certs),
    }
}

/// The private key in `data`: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), as PEM or DER.
/// Encrypted keys (PKCS#8 `ENCRYPTED PRIVATE KEY`, or legacy PEM with `Proc-Type:
/// 4,ENCRYPTED`) are named as such, with how to decrypt one.
pub(super) fn private_key(data: &[u8]) -> Result<PrivateKeyDer<'static>, Failure> {
    if is_pem(data) && data.windows(9).any(|w| w == b"ENCRYPTED") {
        return Err(Failure::note(
            TlsError::BadClientKey,
            "the private key is encrypted (protected by a passphrase), which is not supported: \
             decrypt it once with `openssl pkey -in client.key -out client-plain.key` and keep \
             the result as secret as the original",
        ));
    }
    match is_pem(data) {
        true => PrivateKeyDer::from_pem_slice(data).map_err(|e| Failure::pem(TlsError::BadClientKey, e)),
        false => PrivateKeyDer::try_from(data).map(|key| key.clone_key()).map_err(|note| Failure::note(TlsError::BadClientKey, note)),
    }
}
