//! MQTT 5.0: the supervisor following a broker's Server Reference. The referred host lives
//! in the caller's `server_reference_buf`; `referred_port` (non-zero) says the next attempt,
//! or the connection, uses it instead of `brokers[broker]`, the broker that referred.

use super::{mqtt_rs_reconnect, mqtt_rs_reconnect_config};
use crate::ffi::check::try_slice;
use crate::transport::referral::{copy_first, Referred};
use core::ffi::c_char;

/// Copies the first server of `reference` into the caller's buffer; `None` without a
/// buffer, or when it is malformed or does not fit.
///
/// # Safety
/// `buf` is NULL or valid for `len` bytes while the supervisor is used, and nothing else
/// reads or writes it during the call (the client read it as a host only until the
/// outcome of the attempt, which has come when the broker refers elsewhere).
pub(super) unsafe fn keep(buf: *mut c_char, len: usize, reference: &str) -> Option<Referred> {
    if buf.is_null() {
        return None;
    }
    // SAFETY: as this function's contract says.
    let room = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), len) };
    copy_first(reference, room)
}

/// Notes where the next attempt goes after a connection ended. A new reference is
/// followed (with the port of the connection that was referred when it names none); a
/// failed attempt at a referred server returns to the list. Returns true when the next
/// attempt goes to a referred server whatever happened.
pub(super) fn note(rc: &mut mqtt_rs_reconnect, referred: Option<Referred>, came_up: bool) -> bool {
    match referred {
        Some(Referred { port }) => {
            rc.referred_port = port.unwrap_or_else(|| current_port(rc));
            true
        }
        None => {
            if !came_up {
                rc.referred_port = 0;
            }
            false
        }
    }
}

/// The referred server the next attempt (or the connection) uses, if any.
pub(super) fn target(rc: &mqtt_rs_reconnect) -> Option<(*const c_char, u16)> {
    (rc.referred_port != 0).then_some((rc.config.server_reference_buf.cast_const(), rc.referred_port))
}

/// The port of the current (or last) connection.
fn current_port(rc: &mqtt_rs_reconnect) -> u16 {
    if rc.referred_port != 0 {
        return rc.referred_port;
    }
    // SAFETY: `brokers` has `broker_count` entries (init's contract).
    let brokers = unsafe { try_slice(rc.config.brokers, rc.config.broker_count) };
    brokers.ok().and_then(|b| b.get(rc.broker)).map_or(0, |b| b.port)
}

/// The defaults of the referral fields of a configuration: not followed.
pub(super) fn checked(config: &mqtt_rs_reconnect_config) -> (*mut c_char, usize) {
    if config.server_reference_buf.is_null() {
        (core::ptr::null_mut(), 0)
    } else {
        (config.server_reference_buf, config.server_reference_len)
    }
}
