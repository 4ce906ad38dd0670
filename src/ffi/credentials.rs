//! The rule that a password never travels in clear unless the application asks for it.

use super::result::mqtt_rs_result::{self, MQTT_RS_PLAINTEXT_CREDENTIALS};

/// Refuses a CONNECT carrying a password over a connection without TLS, unless the
/// application opted in (`allow_plaintext_credentials`). A user name alone passes: it
/// names the account, it does not unlock it.
pub(super) fn check(has_password: bool, uses_tls: bool, allow_plaintext: bool) -> Result<(), mqtt_rs_result> {
    match has_password && !uses_tls && !allow_plaintext {
        true => Err(MQTT_RS_PLAINTEXT_CREDENTIALS),
        false => Ok(()),
    }
}
