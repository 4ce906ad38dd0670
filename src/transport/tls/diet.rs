//! What this build leaves out of TLS (the diet features `tls-no-rsa`, `tls-no-p384`,
//! `tls-no-sha384`, and the default feature `tls12` turned off), named in the detail text of a handshake that fails
//! because the broker needs one of them.

/// One entry per part left out: what it is, and the cargo feature / CMake option that did it.
pub(super) const LEFT_OUT: &[&str] = &[
    #[cfg(feature = "tls-no-rsa")]
    "RSA signatures (cargo feature tls-no-rsa, CMake MQTT_RS_TLS_NO_RSA)",
    #[cfg(feature = "tls-no-p384")]
    "P-384 keys and key exchange (cargo feature tls-no-p384, CMake MQTT_RS_TLS_NO_P384)",
    #[cfg(feature = "tls-no-sha384")]
    "SHA-384 and SHA-512 signatures (cargo feature tls-no-sha384, CMake MQTT_RS_TLS_NO_SHA384)",
    #[cfg(not(feature = "tls12"))]
    "TLS 1.2 (default cargo feature tls12 off, CMake MQTT_RS_TLS13_ONLY)",
];
