//! MQTT 5.0 enhanced authentication in the C API (feature `mqtt5`): the authentication
//! method and first data go in `mqtt_rs_connect_properties`; the broker's AUTH challenges
//! reach the application's `on_auth` callback, which answers from its own memory or
//! refuses; a connected client re-authenticates with `mqtt_rs_client_reauthenticate()`.

#![allow(non_camel_case_types)]

use super::check::*;
use super::handle::{drive, queue, set_auth_callback, Lender};
use super::net::Net;
use super::result::mqtt_rs_result::{self, *};
use super::types::mqtt_rs_client;
use super::v5::mqtt_rs_properties;
use crate::codec::v5::property::id;
use crate::codec::v5::Properties;
use crate::engine::auth::CONTINUE;
use crate::transport::client::Session;
use crate::transport::v5 as blocking;
use core::ffi::c_void;

/// AUTH reason code 0x18 in `mqtt_rs_auth_step.reason_code`: a challenge to answer.
pub const MQTT_RS_AUTH_CONTINUE: u8 = 0x18;
/// AUTH reason code 0x00 in `mqtt_rs_auth_step.reason_code`: re-authentication succeeded.
pub const MQTT_RS_AUTH_SUCCESS: u8 = 0x00;

/// One step of enhanced authentication from the broker, for `on_auth`. Valid only
/// during the callback.
#[repr(C)]
pub struct mqtt_rs_auth_step {
    /// `MQTT_RS_AUTH_CONTINUE` (0x18): a challenge, answer it; `MQTT_RS_AUTH_SUCCESS`
    /// (0x00): a re-authentication completed, nothing to answer.
    pub reason_code: u8,
    /// The broker's Authentication Data (points into the received packet), or NULL.
    pub data: *const u8,
    /// Length of `data`.
    pub data_len: usize,
    /// Every AUTH property (method, reason string, user properties), read with the
    /// `mqtt_rs_property_*` functions.
    pub properties: mqtt_rs_properties,
}

/// The application's answer to a challenge, filled in by `on_auth`.
#[repr(C)]
pub struct mqtt_rs_auth_answer {
    /// Authentication Data to send, or NULL for none. It is copied into the transmit
    /// buffer after `on_auth` returns, within the same library call: keep it valid until
    /// that call returns (static memory or the userdata's do).
    pub data: *const u8,
    /// Length of `data`.
    pub data_len: usize,
}

/// Enhanced authentication callback: called with the `userdata` of the client config for
/// every AUTH the broker sends. For a challenge, fill `answer` and return true to answer
/// it, or return false to refuse (the connection closes with `MQTT_RS_AUTH_REFUSED`).
/// For `MQTT_RS_AUTH_SUCCESS` the return value is ignored. It may call the queueing
/// functions, as `on_event` may.
pub type mqtt_rs_auth_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, step: *const mqtt_rs_auth_step, answer: *mut mqtt_rs_auth_answer) -> bool>;

/// The C callback of `mqtt_rs_client_set_auth_callback()` and the code that sends its
/// answers: reached only through this hook, so a firmware that never sets a callback
/// links neither the AUTH encoder nor the answer path (a challenge is then refused).
#[derive(Clone, Copy)]
pub(super) struct AuthHook {
    /// The application's callback.
    pub(super) on_auth: Callback,
    /// Hands the broker's AUTH to the callback and queues its answer (or the refusal):
    /// [`respond`], reached through the hook so that a firmware without a callback does
    /// not link the asking and answering code.
    pub(super) respond: fn(&mut Lender<'_, '_>, Callback, u8, &Properties<'_>),
}

/// The type of [`AuthHook::on_auth`].
pub(super) type Callback = unsafe extern "C" fn(userdata: *mut c_void, step: *const mqtt_rs_auth_step, answer: *mut mqtt_rs_auth_answer) -> bool;

/// What the application decided about one AUTH: `None` refuses, `Some` answers with
/// the data (if any).
type Verdict<'d> = Option<Option<&'d [u8]>>;

/// Hands the broker's AUTH to `on_auth` and returns its verdict.
fn ask<'d>(f: Callback, userdata: *mut c_void, reason: u8, properties: &Properties<'_>) -> Verdict<'d> {
    let data = properties.binary(id::AUTHENTICATION_DATA).unwrap_or_default();
    let step = mqtt_rs_auth_step {
        reason_code: reason,
        data: if data.is_empty() { core::ptr::null() } else { data.as_ptr() },
        data_len: data.len(),
        properties: mqtt_rs_properties::of(properties),
    };
    let mut answer = mqtt_rs_auth_answer { data: core::ptr::null(), data_len: 0 };
    // SAFETY: the application registered this callback for this userdata; `step`, the
    // packet it points into and `answer` live for the call.
    if !unsafe { f(userdata, &step, &mut answer) } {
        return None;
    }
    // SAFETY: the callback set `answer` to NULL or to `data_len` bytes it keeps valid
    // until the current library call returns (`mqtt_rs_auth_answer`'s contract).
    unsafe { opt_slice(answer.data, answer.data_len) }.ok()
}

/// Hands the broker's AUTH to `on_auth` (while delivering) and gives its verdict on a
/// challenge to the engine: the answer is queued, a refusal (or an answer that cannot
/// be queued) ends the connection. Nothing to do after a success.
fn respond(lender: &mut Lender<'_, '_>, on_auth: Callback, reason: u8, properties: &Properties<'_>) {
    let mut verdict = None;
    lender.deliver(|sink| verdict = ask(on_auth, sink.userdata, reason, properties));
    if reason != CONTINUE {
        return;
    }
    let session = lender.session();
    if !matches!(verdict.map(|data| session.answer_auth(data)), Some(Ok(()))) {
        // As in `refuse`.
        let _ = session.refuse_auth();
    }
}

/// Without a callback: a challenge is refused (ending the connection); nothing to do
/// after a success.
pub(super) fn refuse(session: &mut Session<'_, Net>, reason: u8) {
    if reason == CONTINUE {
        // Only fails when no challenge waits, which cannot be the case here.
        let _ = session.refuse_auth();
    }
}

/// Sets (or with NULL, removes) the enhanced authentication callback of `client`. Set it
/// before connecting with an `authentication_method` in `mqtt_rs_connect_properties`:
/// without it, a challenge from the broker is refused.
///
/// @param client An initialised client.
/// @param on_auth The callback, or NULL.
/// @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT` or `MQTT_RS_WRONG_STATE` for a bad client.
///
/// @code{.c}
/// // The broker sends a nonce; the answer is a keyed digest of it (any function both know).
/// static bool on_auth(void *ud, const mqtt_rs_auth_step *step, mqtt_rs_auth_answer *answer) {
///     struct app *app = ud;                                        // the config's userdata
///     if (step->reason_code != MQTT_RS_AUTH_CONTINUE) return true; // re-authenticated
///     if (!hmac_sha256(app->key, app->key_len, step->data, step->data_len, app->reply)) return false;
///     answer->data = app->reply; answer->data_len = sizeof app->reply;
///     return true;
/// }
/// mqtt_rs_client_set_auth_callback(&client, on_auth);
/// mqtt_rs_connect_properties props;
/// mqtt_rs_connect_properties_init(&props);
/// props.authentication_method = "HMAC-SHA256-NONCE"; // valid while connected
/// opt.protocol_version = 5; opt.properties = &props;
/// rc = mqtt_rs_client_connect(&client, &opt, 5000, NULL);
/// @endcode
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage used by no other thread without
/// the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_set_auth_callback(client: *mut mqtt_rs_client, on_auth: mqtt_rs_auth_cb) -> mqtt_rs_result {
    let hook = on_auth.map(|on_auth| AuthHook { on_auth, respond });
    // SAFETY: as this function's contract says.
    unsafe { set_auth_callback(client, hook) }.err().unwrap_or(MQTT_RS_OK)
}

/// Re-authenticates a connected client (AUTH 0x19 with the method of CONNECT and
/// `data`) and waits until the broker completes it (AUTH 0x00); its challenges go to
/// `on_auth` meanwhile. Other traffic continues during the exchange.
///
/// @param client A client connected with MQTT 5.0 and an authentication method.
/// @param data First Authentication Data (copied); may be NULL.
/// @param data_len Length of `data`.
/// @param timeout_ms Time budget for the whole exchange.
/// @return `MQTT_RS_OK` once re-authenticated; `MQTT_RS_WRONG_STATE` when not connected,
///         connected without an authentication method, or already re-authenticating;
///         `MQTT_RS_TIMEOUT`; or the error that ended the connection
///         (`MQTT_RS_SERVER_DISCONNECT` when the broker refused, `MQTT_RS_AUTH_REFUSED`,
///         `MQTT_RS_AUTH_PROTOCOL_ERROR`).
///
/// # Safety
///
/// `client` as for `mqtt_rs_client_publish()`; `data` NULL or `data_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_reauthenticate(
    client: *mut mqtt_rs_client,
    data: *const u8,
    data_len: usize,
    timeout_ms: u32,
) -> mqtt_rs_result {
    // SAFETY: as this function's contract says, for each pointer.
    let done = unsafe { drive(client, |d| blocking::reauthenticate(d, opt_slice(data, data_len)?, timeout_ms).map_err(Into::into)) };
    done.err().unwrap_or(MQTT_RS_OK)
}

/// Starts re-authentication without blocking, as `mqtt_rs_client_reauthenticate()`:
/// `on_auth` then sees the broker's challenges and finally `MQTT_RS_AUTH_SUCCESS`; a
/// refusal is the broker's DISCONNECT (`MQTT_RS_EVENT_DISCONNECTED`).
///
/// @param client A client connected with MQTT 5.0 and an authentication method.
/// @param data First Authentication Data (copied); may be NULL.
/// @param data_len Length of `data`.
/// @return `MQTT_RS_IN_PROGRESS` once AUTH is queued; `MQTT_RS_WRONG_STATE` as for
///         `mqtt_rs_client_reauthenticate()`; `MQTT_RS_BUSY` when the transmit buffer is full.
///
/// # Safety
///
/// As `mqtt_rs_client_reauthenticate()`.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_begin_reauthenticate(client: *mut mqtt_rs_client, data: *const u8, data_len: usize) -> mqtt_rs_result {
    // SAFETY: as this function's contract says, for each pointer.
    let queued = unsafe { queue(client, |session| session.reauthenticate(opt_slice(data, data_len)?).map_err(mqtt_rs_result::from)) };
    queued.err().unwrap_or(MQTT_RS_IN_PROGRESS)
}
