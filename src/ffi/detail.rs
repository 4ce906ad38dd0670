//! `mqtt_rs_client_error_detail`: one sentence on why a call failed, naming the step the
//! connection was at and what to try, for messages a person can act on.

use super::check::opt_text_buf;
use super::handle::query;
use super::net::Net;
use super::result::{describe, mqtt_rs_result::*};
use super::types::mqtt_rs_client;
use crate::transport::client::{Session, Step};
use core::ffi::c_char;

/// Appends text to a byte buffer, keeping one byte for the NUL and cutting at UTF-8
/// character boundaries.
struct Text<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl Text<'_> {
    fn push(&mut self, s: &str) {
        let room = self.out.len().saturating_sub(self.len + 1);
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        if let (Some(dst), Some(src)) = (self.out.get_mut(self.len..self.len + take), s.as_bytes().get(..take)) {
            dst.copy_from_slice(src);
            self.len += take;
        }
    }

    fn finish(self) -> usize {
        if let Some(nul) = self.out.get_mut(self.len) {
            *nul = 0;
        }
        self.len
    }
}

/// True for results that end a connection (not argument, state, request or setup errors,
/// nor a CONNACK refusal).
fn ended_the_connection(result: i32) -> bool {
    let request = [
        MQTT_RS_OK,
        MQTT_RS_IN_PROGRESS,
        MQTT_RS_NULL_ARGUMENT,
        MQTT_RS_INVALID_ARGUMENT,
        MQTT_RS_BUFFER_TOO_SMALL,
        MQTT_RS_WRONG_STATE,
        MQTT_RS_INFLIGHT_FULL,
        MQTT_RS_BUSY,
        MQTT_RS_SUBSCRIBE_FAILED,
        MQTT_RS_DISCARDED,
        MQTT_RS_INVALID_TOPIC,
        MQTT_RS_NOT_CONNECTED,
        MQTT_RS_CALLED_FROM_CALLBACK,
        MQTT_RS_PLAINTEXT_CREDENTIALS,
        MQTT_RS_SIGNATURE_INVALID,
        MQTT_RS_PUBLIC_KEY_INVALID,
        MQTT_RS_CRYPTO_UNSUPPORTED,
    ];
    let setup = MQTT_RS_TLS_NOT_BUILT as i32..=MQTT_RS_TLS_INVALID_ALPN as i32;
    // A CONNACK refusal is the broker's answer, complete in itself.
    let refusal = MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL as i32..=MQTT_RS_CONNACK_NOT_AUTHORIZED as i32;
    !request.iter().any(|r| *r as i32 == result) && !setup.contains(&result) && !refusal.contains(&result)
}

/// True for the results of TLS failures.
fn is_tls(result: i32) -> bool {
    (MQTT_RS_TLS_NOT_BUILT as i32..=MQTT_RS_TLS_ERROR as i32).contains(&result)
}

/// The step, as the end of a sentence.
fn step_phrase(step: Step) -> &'static str {
    match step {
        Step::NetConnect => " while opening the network connection",
        Step::TlsHandshake => " during the TLS handshake",
        Step::Connack => " while waiting for the broker's CONNACK",
        Step::Session => " after the broker had accepted the connection",
        Step::Never | Step::Requested => "",
    }
}

/// What to try, for failures that often come from a wrong port or an unreachable host.
fn hint(result: i32, step: Step, tls: bool) -> &'static str {
    let lost = [MQTT_RS_CONNECTION_CLOSED, MQTT_RS_NET_READ_FAILED, MQTT_RS_NET_WRITE_FAILED, MQTT_RS_TIMEOUT, MQTT_RS_TLS_ERROR];
    let garbled = (MQTT_RS_MALFORMED_REMAINING_LENGTH as i32..=MQTT_RS_PACKET_TOO_LARGE as i32).contains(&result);
    let lost = lost.iter().any(|r| *r as i32 == result);
    match step {
        Step::NetConnect if result == MQTT_RS_TIMEOUT as i32 => ". Check that the host is reachable and that a firewall does not drop the port",
        Step::TlsHandshake if lost => {
            ". The port may be a plain MQTT port (usually 1883): use the broker's TLS port (usually 8883), or connect without TLS"
        }
        Step::Connack if !tls && (lost || garbled) => ". If this is a TLS port (usually 8883), configure TLS; plain MQTT is usually on port 1883",
        _ => "",
    }
}

/// Writes the TLS failure text of the current or last connection, if any.
#[cfg(feature = "tls")]
fn tls_detail(client: &Session<'_, Net>, text: &mut Text<'_>) {
    if let Some(stream) = client.wire_ref().tls_stream() {
        let start = text.len;
        text.push(": ");
        let rest = text.out.get_mut(text.len..).unwrap_or_default();
        match stream.error_detail(rest) {
            0 => text.len = start,
            n => text.len += n,
        }
    }
}

#[cfg(not(feature = "tls"))]
fn tls_detail(_: &Session<'_, Net>, _: &mut Text<'_>) {}

/// Copies into `buf` (`len` bytes, cut to fit, NUL-terminated) one sentence on `result`,
/// which a call on `client` just returned: its description, the step the connection was
/// at when it ended (network connect, TLS handshake, waiting for CONNACK), the TLS
/// failure text if any, and what to try when the port may be of the other kind (plain vs
/// TLS) or the host unreachable. For a failed `mqtt_rs_client_use_tls()` it explains the
/// last such failure in the process (e.g. an encrypted key, and how to decrypt it).
/// Returns the text length (0 when `buf` is NULL or `len` 0). May be called from callbacks.
///
/// ```c
/// rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
/// if (rc != MQTT_RS_OK) {
///     char why[256];
///     mqtt_rs_client_error_detail(&client, rc, why, sizeof why);
///     printf("connect: %s\n", why);  // "timed out during the TLS handshake. The port may be..."
/// }
/// ```
///
/// @param client The client the call failed on; may be NULL (the text then names no step).
/// @param result The result code to explain.
/// @param buf Receives the NUL-terminated text; may be NULL (nothing is written).
/// @param len Size of `buf` in bytes.
/// @return The length of the text written (without the NUL); 0 when nothing was written.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `buf` is NULL or valid for the
/// reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_error_detail(client: *const mqtt_rs_client, result: i32, buf: *mut c_char, len: usize) -> usize {
    // SAFETY: `buf` is NULL or `len` writable bytes (this function's contract).
    let Some(out) = (unsafe { opt_text_buf(buf, len) }) else {
        return 0;
    };
    let mut text = Text { out, len: 0 };
    text.push(describe(result));
    let setup = MQTT_RS_TLS_NO_TRUST_ANCHORS as i32..=MQTT_RS_TLS_INVALID_ALPN as i32;
    if setup.contains(&result) {
        let start = text.len;
        text.push(": ");
        // setup_detail keeps the last byte for the NUL.
        let rest = text.out.get_mut(text.len..).unwrap_or_default();
        match super::tls::setup_detail(rest) {
            0 => text.len = start,
            n => text.len += n,
        }
    }
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    let _ = unsafe {
        query(client, |client| {
            // The step only for failures of the connection, once it has ended.
            if let (Some(step), true) = (client.ended_at(), ended_the_connection(result)) {
                if step == Step::NetConnect && !(result == MQTT_RS_TIMEOUT as i32 || is_tls(result)) {
                    // "host name did not resolve", "connection refused": the step goes without saying.
                    return;
                }
                text.push(step_phrase(step));
                if is_tls(result) {
                    tls_detail(client, &mut text);
                }
                text.push(hint(result, step, client.wire_ref().uses_tls()));
            }
        })
    };
    text.finish()
}
