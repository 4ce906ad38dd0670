//! Error classes of the TLS layer, and the detailed text kept behind them.

use core::fmt::{self, Display};

use rustls::{AlertDescription as Alert, CertificateError as Cert, Error, PeerIncompatible};

use crate::transport::stream::IoStatus;

use super::text::Text;

/// What went wrong, one class per cause the application can act on; the full text is
/// available from the `error_detail` method of the object that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsError {
    /// The configuration has no trust anchor: the server could not be verified.
    NoTrustAnchors,
    /// A trust anchor could not be parsed (PEM, DER, or not a usable CA certificate).
    BadTrustAnchor,
    /// The client certificate chain could not be parsed.
    BadClientCert,
    /// The client key could not be parsed, has an unsupported type, or does not match
    /// the client certificate.
    BadClientKey,
    /// The server name is neither a DNS name nor an IP address.
    InvalidServerName,
    /// An ALPN protocol name is empty or longer than 255 bytes.
    InvalidAlpn,
    /// The server certificate does not chain to a trust anchor.
    UnknownIssuer,
    /// The server certificate is expired or not yet valid (is the clock hook right?).
    CertExpired,
    /// The server certificate is not valid for the server name.
    CertNameMismatch,
    /// A signature in the server's certificate chain does not verify.
    BadSignature,
    /// The server certificate is unusable for another reason.
    CertInvalidOther,
    /// The server rejected the client certificate, or required one that was not
    /// configured (TLS 1.2 servers often say so with a plain handshake_failure instead).
    ClientCertRefused,
    /// The server sent handshake_failure, or the two sides share no usable parameters.
    HandshakeFailure,
    /// The server sent another fatal alert.
    PeerAlert,
    /// The two sides share no TLS version.
    ProtocolVersion,
    /// The clock hook gave no time, so certificates cannot be checked.
    NoClock,
    /// The entropy hook failed.
    NoEntropy,
    /// The peer closed the connection without close_notify: data may have been cut.
    UnexpectedEof,
    /// A record buffer of this layer could not be allocated. (rustls allocates
    /// infallibly: running out of heap inside it ends in the panic handler.)
    OutOfMemory,
    /// The transport: `WouldBlock` (call again, nothing is lost), `Closed` (the peer sent
    /// close_notify, or the connection is closed), `Failed`.
    Io(IoStatus),
    /// Anything else: the peer broke the protocol, a size limit was hit.
    Other,
}

impl TlsError {
    /// The transport status this error reports to code that speaks `ByteStream`.
    pub fn io_status(self) -> IoStatus {
        match self {
            Self::Io(status) => status,
            Self::UnexpectedEof => IoStatus::Closed,
            _ => IoStatus::Failed,
        }
    }
}

impl From<&Error> for TlsError {
    fn from(error: &Error) -> Self {
        match error {
            Error::InvalidCertificate(cert) => match cert {
                Cert::UnknownIssuer => Self::UnknownIssuer,
                Cert::Expired | Cert::ExpiredContext { .. } | Cert::NotValidYet | Cert::NotValidYetContext { .. } => Self::CertExpired,
                Cert::NotValidForName | Cert::NotValidForNameContext { .. } => Self::CertNameMismatch,
                Cert::BadSignature => Self::BadSignature,
                _ => Self::CertInvalidOther,
            },
            Error::NoCertificatesPresented => Self::CertInvalidOther,
            Error::AlertReceived(alert) => match alert {
                Alert::CertificateRequired
                | Alert::BadCertificate
                | Alert::UnsupportedCertificate
                | Alert::CertificateRevoked
                | Alert::CertificateExpired
                | Alert::CertificateUnknown
                | Alert::UnknownCA
                | Alert::AccessDenied => Self::ClientCertRefused,
                Alert::HandshakeFailure | Alert::InsufficientSecurity => Self::HandshakeFailure,
                Alert::ProtocolVersion => Self::ProtocolVersion,
                _ => Self::PeerAlert,
            },
            Error::PeerIncompatible(
                PeerIncompatible::ServerDoesNotSupportTls12Or13
                | PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
                | PeerIncompatible::SupportedVersionsExtensionRequired
                | PeerIncompatible::Tls12NotOffered
                | PeerIncompatible::Tls12NotOfferedOrEnabled,
            ) => Self::ProtocolVersion,
            Error::PeerIncompatible(_) | Error::NoApplicationProtocol => Self::HandshakeFailure,
            Error::FailedToGetCurrentTime => Self::NoClock,
            Error::FailedToGetRandomBytes => Self::NoEntropy,
            _ => Self::Other,
        }
    }
}

impl TlsError {
    /// A short text for the class (the start of every detail text).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoTrustAnchors => "no trust anchors configured",
            Self::BadTrustAnchor => "unusable trust anchor",
            Self::BadClientCert => "unusable client certificate",
            Self::BadClientKey => "unusable client key",
            Self::InvalidServerName => "invalid server name",
            Self::InvalidAlpn => "invalid ALPN protocol name",
            Self::UnknownIssuer => "server certificate issuer unknown",
            Self::CertExpired => "server certificate expired or not yet valid",
            Self::CertNameMismatch => "server certificate not valid for the server name",
            Self::BadSignature => "bad signature in server certificate",
            Self::CertInvalidOther => "invalid server certificate",
            Self::ClientCertRefused => "client certificate refused or required by the server",
            Self::HandshakeFailure => "handshake failure",
            Self::PeerAlert => "fatal alert from the server",
            Self::ProtocolVersion => "no TLS version in common",
            Self::NoClock => "wall clock unavailable",
            Self::NoEntropy => "entropy source failed",
            Self::UnexpectedEof => "connection closed without close_notify",
            Self::OutOfMemory => "out of memory",
            Self::Io(IoStatus::WouldBlock) => "transport would block",
            Self::Io(IoStatus::Closed) => "connection closed",
            Self::Io(IoStatus::Failed) => "transport failed",
            Self::Other => "TLS error",
        }
    }
}

impl Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure inside this layer: its class and what explains it best.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) class: TlsError,
    detail: Detail,
}

#[derive(Debug)]
enum Detail {
    Class,
    Tls(Error),
    Note(&'static str),
}

impl Failure {
    /// `class` with a fixed explanation.
    pub(super) fn note(class: TlsError, note: &'static str) -> Self {
        Self { class, detail: Detail::Note(note) }
    }

    /// `class`, explained by a rustls error.
    pub(super) fn tls(class: TlsError, error: Error) -> Self {
        Self { class, detail: Detail::Tls(error) }
    }

    /// Whether rustls reported it (and may have an alert to send).
    pub(super) fn is_tls(&self) -> bool {
        matches!(self.detail, Detail::Tls(_))
    }

    /// Writes the text into `out`, cut to fit and NUL-terminated (when `out` is not
    /// empty); returns its length without the NUL.
    pub(super) fn write_to(&self, out: &mut [u8]) -> usize {
        let mut text = Text::new(out);
        text.str(self.class.as_str());
        match &self.detail {
            Detail::Class => {}
            Detail::Tls(error) => {
                text.str(": ");
                super::explain::tls_error(self.class, error, &mut text);
                super::explain::left_out(self.class, &mut text);
            }
            Detail::Note(note) => {
                text.str(": ");
                text.str(note);
            }
        }
        text.finish()
    }
}

/// A failed configuration step, kept to be explained later
/// ([`TlsConfigBuilder::take_failure`](super::TlsConfigBuilder::take_failure)).
pub(crate) struct SetupFailure(pub(super) Failure);

impl SetupFailure {
    /// Writes the text into `out`, cut to fit and NUL-terminated (when `out` is not empty);
    /// returns its length without the NUL.
    pub(crate) fn write_to(&self, out: &mut [u8]) -> usize {
        self.0.write_to(out)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::tls(TlsError::from(&error), error)
    }
}

impl From<TlsError> for Failure {
    fn from(class: TlsError) -> Self {
        Self { class, detail: Detail::Class }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_is_cut_to_fit_and_nul_terminated() {
        let failure = Failure::note(TlsError::Other, "détail");
        let mut big = [0xffu8; 64];
        let len = failure.write_to(&mut big);
        assert_eq!(&big[..len], "TLS error: détail".as_bytes());
        assert_eq!(big[len], 0);

        let mut small = [0xffu8; 13];
        let len = failure.write_to(&mut small);
        assert_eq!(&small[..len], b"TLS error: d");
        assert_eq!(small[len], 0);

        let mut cut = [0xffu8; 14]; // 13 bytes of text would split 'é'
        assert_eq!(failure.write_to(&mut cut), 12);
        assert_eq!(failure.write_to(&mut []), 0);
    }
}
