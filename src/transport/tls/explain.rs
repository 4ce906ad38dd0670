//! Plain-English explanations of rustls errors for the detail text: rustls words many
//! of its errors with Rust debug formatting (`NotValidForNameContext { .. }`,
//! `Other(OtherError)`), which a person reading a log cannot act on.

use rustls::pki_types::ServerName;
use rustls::{AlertDescription as Alert, CertificateError as Cert, Error};

use super::diet::LEFT_OUT;
use super::error::TlsError;
use super::text::Text;

/// How to reissue a broker certificate that webpki refuses although OpenSSL accepts it.
const REISSUE: &str = "reissue it as an X.509 v3 certificate with a subjectAltName naming the host, e.g. \
     `openssl x509 -req ... -extfile san.cnf` with `subjectAltName=DNS:broker.example` in san.cnf";

/// Writes why `error` (of class `class`) happened.
pub(super) fn tls_error(class: TlsError, error: &Error, t: &mut Text<'_>) {
    match error {
        Error::InvalidCertificate(cert) => certificate(cert, t),
        Error::AlertReceived(Alert::HandshakeFailure) if class == TlsError::ClientCertRefused => t.str(
            "the broker ended the TLS 1.2 handshake with a handshake_failure alert after it had chosen its \
             parameters: it requires a client certificate (configure one) or refused the one given",
        ),
        Error::AlertReceived(alert) => {
            t.str("the broker ended the handshake with the fatal alert ");
            alert_name(*alert, t);
            match class {
                TlsError::ClientCertRefused => t.str(": it requires a client certificate (configure one) or refused the one given"),
                TlsError::ProtocolVersion => t.str(": it accepts none of the TLS versions this client offers"),
                _ => {}
            }
        }
        Error::PeerIncompatible(_) if class == TlsError::ProtocolVersion => {
            t.str("the broker offers no TLS version this client accepts (see the minimum and maximum version)")
        }
        Error::PeerIncompatible(_) => t.str("the broker and this client have no cipher suite, key exchange group or signature scheme in common"),
        Error::NoApplicationProtocol => t.str("the broker accepts none of the configured ALPN protocols"),
        Error::InappropriateMessage { .. } | Error::InappropriateHandshakeMessage { .. } | Error::InvalidMessage(_) => {
            t.str("the peer sent data that is not valid TLS: is this port a TLS port?")
        }
        Error::PeerMisbehaved(_) => t.str("the broker broke the TLS protocol"),
        Error::NoCertificatesPresented => t.str("the broker sent no certificate"),
        Error::DecryptError => t.str("a TLS record from the broker could not be decrypted"),
        Error::PeerSentOversizedRecord => t.str("the broker sent a TLS record larger than allowed"),
        Error::FailedToGetCurrentTime => t.str("the wall-clock hook gave no time"),
        Error::FailedToGetRandomBytes => t.str("the entropy hook gave no random bytes"),
        Error::InconsistentKeys(_) => t.str("the client key does not match the client certificate"),
        // Our crypto providers word their refusals (e.g. a client key type they do not sign with) as plain sentences.
        Error::General(text) => t.str(text),
        _ => t.str("the TLS library reported a failure it gives no reason for"),
    }
}

/// For a failure that a part this build leaves out can cause (see `diet`), names those parts.
pub(super) fn left_out(class: TlsError, t: &mut Text<'_>) {
    let may_need = matches!(class, TlsError::HandshakeFailure | TlsError::ProtocolVersion | TlsError::CertInvalidOther);
    if !may_need || LEFT_OUT.is_empty() {
        return;
    }
    t.str(". This build leaves out ");
    for (i, part) in LEFT_OUT.iter().enumerate() {
        if i > 0 {
            t.str("; ");
        }
        t.str(part);
    }
    t.str(": if the broker needs one of them, rebuild without that option or change the broker's certificate or TLS settings")
}

fn certificate(cert: &Cert, t: &mut Text<'_>) {
    match cert {
        Cert::NotValidForNameContext { expected, presented } if presented.is_empty() => {
            t.str("the broker's certificate names no host in a subjectAltName extension (a name only in the subject CN is not accepted, as RFC 6125 and browsers require); the client connects to ");
            server_name(expected, t);
            t.str(": ");
            t.str(REISSUE);
        }
        Cert::NotValidForNameContext { expected, presented } => {
            t.str("the broker's certificate is not valid for ");
            server_name(expected, t);
            t.str(": it is for ");
            for (i, name) in presented.iter().enumerate() {
                if i > 0 {
                    t.str(", ");
                }
                t.str(bare_name(name));
            }
            t.str(" (connect with one of these names, or set the TLS server name)")
        }
        Cert::NotValidForName => t.str("the broker's certificate is not valid for the server name"),
        Cert::ExpiredContext { time, not_after } => {
            t.str("the broker's certificate expired ");
            t.num(time.as_secs().saturating_sub(not_after.as_secs()) / 86_400);
            t.str(" days ago (by the wall clock, ");
            t.num(time.as_secs());
            t.str(" seconds since 1970; check the clock if that is wrong)");
        }
        Cert::Expired => t.str("the broker's certificate has expired"),
        Cert::NotValidYetContext { time, not_before } => {
            t.str("the broker's certificate is not valid yet: it starts in ");
            t.num(not_before.as_secs().saturating_sub(time.as_secs()) / 86_400);
            t.str(" days (check the wall clock, ");
            t.num(time.as_secs());
            t.str(" seconds since 1970)");
        }
        Cert::NotValidYet => t.str("the broker's certificate is not valid yet (check the wall clock)"),
        Cert::UnknownIssuer => t.str("the issuer of the broker's certificate is not among the trusted CA certificates: give the CA that signed it"),
        Cert::BadSignature => t.str("a signature in the broker's certificate chain does not verify"),
        Cert::BadEncoding => t.str("a certificate is not valid DER"),
        Cert::InvalidPurpose | Cert::InvalidPurposeContext { .. } => {
            t.str("the broker's certificate is not for TLS servers (its extended key usage lacks serverAuth)")
        }
        Cert::Revoked => t.str("the broker's certificate is revoked"),
        Cert::UnsupportedSignatureAlgorithmContext { .. } | Cert::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            t.str("the broker's certificate is signed with an algorithm this client does not support")
        }
        Cert::ApplicationVerificationFailure => {
            t.str(
                "the broker's certificate is an X.509 v1 certificate (what `openssl x509 -req` makes without -extfile): \
                 it has no extensions, so no subjectAltName and no CA flags, and is not accepted: ",
            );
            t.str(REISSUE);
        }
        _ => t.str("the certificate checker refused the broker's certificate without naming a reason"),
    }
}

/// The expected server name, as the application gave it.
fn server_name(name: &ServerName<'_>, t: &mut Text<'_>) {
    match name {
        ServerName::DnsName(dns) => t.str(dns.as_ref()),
        _ => t.str("the IP address it was given"),
    }
}

/// `DnsName("host")` or `IpAddress(1.2.3.4)`, as webpki lists the presented names: the
/// part inside the parentheses, without quotes.
fn bare_name(name: &str) -> &str {
    let inner = match (name.find('('), name.rfind(')')) {
        (Some(open), Some(close)) if open < close => &name[open + 1..close],
        _ => name,
    };
    inner.trim_matches('"')
}

/// The TLS name of an alert, as RFC 8446 spells it.
fn alert_name(alert: Alert, t: &mut Text<'_>) {
    let name = match alert {
        Alert::HandshakeFailure => "handshake_failure",
        Alert::BadCertificate => "bad_certificate",
        Alert::UnsupportedCertificate => "unsupported_certificate",
        Alert::CertificateRevoked => "certificate_revoked",
        Alert::CertificateExpired => "certificate_expired",
        Alert::CertificateUnknown => "certificate_unknown",
        Alert::UnknownCA => "unknown_ca",
        Alert::AccessDenied => "access_denied",
        Alert::CertificateRequired => "certificate_required",
        Alert::ProtocolVersion => "protocol_version",
        Alert::InsufficientSecurity => "insufficient_security",
        Alert::IllegalParameter => "illegal_parameter",
        Alert::DecodeError => "decode_error",
        Alert::DecryptError => "decrypt_error",
        Alert::InternalError => "internal_error",
        Alert::UnrecognisedName => "unrecognized_name",
        Alert::NoApplicationProtocol => "no_application_protocol",
        Alert::UnexpectedMessage => "unexpected_message",
        other => {
            t.str("number ");
            return t.num(u64::from(u8::from(other)));
        }
    };
    t.str(name)
}
