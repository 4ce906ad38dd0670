//! Certificates and keys from memory: PEM (any number of sections) or a single DER item.

use super::alloc::vec::Vec;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use super::error::{Failure, TlsError};
use super::pem;

/// Every certificate in `data`; `class` is the error if there is none or one is malformed.
pub(super) fn certificates(data: &[u8], class: TlsError) -> Result<Vec<CertificateDer<'static>>, Failure> {
    let mut certs = Vec::new();
    match pem::is_pem(data) {
        true => {
            for section in pem::sections(data) {
                let section = section.map_err(|text| Failure::note(class, text))?;
                if section.label == b"CERTIFICATE" {
                    certs.push(CertificateDer::from(section.der));
                }
            }
        }
        false => certs.push(CertificateDer::from(data.to_vec())),
    }
    match certs.is_empty() || data.is_empty() {
        true => Err(Failure::note(class, "no certificate found")),
        false => Ok(certs),
    }
}

/// The private key in `data`: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), as PEM or DER.
/// Encrypted keys (PKCS#8 `ENCRYPTED PRIVATE KEY`, or legacy PEM with `Proc-Type:
/// 4,ENCRYPTED`) are named as such, with how to decrypt one.
pub(super) fn private_key(data: &[u8]) -> Result<PrivateKeyDer<'static>, Failure> {
    if pem::is_pem(data) && data.windows(9).any(|w| w == b"ENCRYPTED") {
        return Err(Failure::note(
            TlsError::BadClientKey,
            "the private key is encrypted (protected by a passphrase), which is not supported: \
             decrypt it once with `openssl pkey -in client.key -out client-plain.key` and keep \
             the result as secret as the original",
        ));
    }
    if !pem::is_pem(data) {
        return PrivateKeyDer::try_from(data).map(|key| key.clone_key()).map_err(|note| Failure::note(TlsError::BadClientKey, note));
    }
    for section in pem::sections(data) {
        let section = section.map_err(|text| Failure::note(TlsError::BadClientKey, text))?;
        let key = match section.label {
            b"PRIVATE KEY" => PrivateKeyDer::from(PrivatePkcs8KeyDer::from(section.der)),
            b"EC PRIVATE KEY" => PrivateKeyDer::from(PrivateSec1KeyDer::from(section.der)),
            b"RSA PRIVATE KEY" => PrivateKeyDer::from(PrivatePkcs1KeyDer::from(section.der)),
            _ => continue,
        };
        return Ok(key);
    }
    Err(Failure::note(TlsError::BadClientKey, "no PEM section of the expected kind was found"))
}
