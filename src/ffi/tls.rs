//! `mqtt_rs_tls_*` and the TLS calls on a client. Present in every build so one header
//! serves all; without the cargo feature `tls` they return `MQTT_RS_TLS_NOT_BUILT`.

#![allow(non_camel_case_types)]

use super::check::*;
use super::handle::drive;
#[cfg(feature = "tls")]
use super::handle::query;
use super::result::mqtt_rs_result::{self, *};
use super::types::mqtt_rs_client;
use core::ffi::{c_char, c_void};

/// `min_version` value: accept TLS 1.2 and 1.3 (the default).
pub const MQTT_RS_TLS_VERSION_1_2: u8 = 12;
/// `min_version` value: accept TLS 1.3 only.
pub const MQTT_RS_TLS_VERSION_1_3: u8 = 13;

/// TLS settings for a client. Fill with `mqtt_rs_tls_options_init()` first. Everything is
/// copied by `mqtt_rs_client_use_tls()`: the memory may be freed afterwards.
/// Verification of the broker is always on: without `ca` there is no connection.
#[repr(C)]
pub struct mqtt_rs_tls_options {
    /// Trusted CA certificates: a PEM bundle (one or more) or one DER certificate. Required.
    pub ca: *const u8,
    /// Length of `ca`.
    pub ca_len: usize,
    /// Client certificate chain for mutual TLS (PEM, or one DER certificate), or NULL.
    pub cert: *const u8,
    /// Length of `cert`.
    pub cert_len: usize,
    /// Client private key (PEM or DER: PKCS#8, PKCS#1 or SEC1; RSA, ECDSA P-256/P-384,
    /// Ed25519 with ring; ECDSA P-256 only with the pure-Rust provider), or NULL. Needed
    /// with `cert`.
    pub key: *const u8,
    /// Length of `key`.
    pub key_len: usize,
    /// Name sent as SNI and checked against the certificate (a DNS name, or an IP address
    /// which sends no SNI); NULL: the host passed to connect.
    pub server_name: *const c_char,
    /// ALPN protocol names (e.g. `"mqtt"`, or `"x-amzn-mqtt-ca"` for AWS IoT on port 443), or NULL.
    pub alpn: *const *const c_char,
    /// Number of `alpn` entries.
    pub alpn_count: usize,
    /// Lowest TLS version accepted: `MQTT_RS_TLS_VERSION_1_2` (default) or `MQTT_RS_TLS_VERSION_1_3`.
    pub min_version: u8,
    /// Highest TLS version offered: `MQTT_RS_TLS_VERSION_1_3` (default) or `MQTT_RS_TLS_VERSION_1_2`.
    pub max_version: u8,
    /// Resume sessions across reconnects of this client (default true): a resumed handshake
    /// skips the certificate exchange and most of the bytes.
    pub resumption: bool,
}

/// Heap, wall clock and entropy for the TLS build.
///
/// Running out of heap inside rustls cannot be reported as a result code (rustls
/// allocates infallibly): the library then stops — `abort()` with the `posix` feature, a
/// halt loop without it. Size the heap for the peak below plus margin.
/// A NULL member keeps its default: the
/// POSIX defaults (malloc/free, clock_gettime, getrandom) when the library was built with
/// the `posix` feature (CMake does this on Linux), else nothing.
///
/// A bare-metal port must supply all three: `alloc`/`free` (malloc-like, aligned to at least
/// 2 × sizeof(void *); a TLS connection peaks at 15–25 kB with its configuration, more
/// with an RSA client key), `unix_time` (seconds since
/// 1970, needed to check certificate validity; 0 = unknown, which fails verification) and
/// `entropy` (fill `len` bytes from a hardware RNG, return 0 on success). With the pure-Rust
/// crypto provider (the default on bare metal) key generation draws from `entropy` too;
/// ring (hosted targets) generates keys from the operating system. The PSA provider
/// draws every random byte from `psa_generate_random` and leaves `entropy` unused.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mqtt_rs_tls_platform {
    /// Allocates `size` bytes; NULL on failure. Set together with `free`.
    pub alloc: Option<unsafe extern "C" fn(size: usize) -> *mut c_void>,
    /// Frees a block from `alloc`.
    pub free: Option<unsafe extern "C" fn(ptr: *mut c_void)>,
    /// Seconds since the Unix epoch; 0 when unknown.
    pub unix_time: Option<unsafe extern "C" fn() -> u64>,
    /// Fills `buf` with `len` random bytes; returns 0 on success.
    pub entropy: Option<unsafe extern "C" fn(buf: *mut u8, len: usize) -> i32>,
}

/// Heap use of the TLS build, counted by the library's allocator.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct mqtt_rs_heap_stats {
    /// Bytes allocated now.
    pub current: usize,
    /// Most bytes allocated at once since start or the last `mqtt_rs_heap_stats_reset_peak()`.
    pub peak: usize,
}

/// Fills `options` with defaults: no CA (set one), no client certificate, server name =
/// connect host, no ALPN, TLS 1.2 and 1.3, resumption on. Does nothing if `options` is NULL.
///
/// @param options The options to fill; may be NULL.
///
/// # Safety
///
/// `options` is NULL or valid for the reads and writes described above, for as long as
/// described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_tls_options_init(options: *mut mqtt_rs_tls_options) {
    // SAFETY: `options` is NULL or valid for writes (this function's contract).
    if let Some(o) = unsafe { opt_mut(options) } {
        *o = mqtt_rs_tls_options {
            ca: core::ptr::null(),
            ca_len: 0,
            cert: core::ptr::null(),
            cert_len: 0,
            key: core::ptr::null(),
            key_len: 0,
            server_name: core::ptr::null(),
            alpn: core::ptr::null(),
            alpn_count: 0,
            min_version: MQTT_RS_TLS_VERSION_1_2,
            max_version: MQTT_RS_TLS_VERSION_1_3,
            resumption: true,
        };
    }
}

/// True when the library was built with TLS.
///
/// @return True in a build with TLS.
#[no_mangle]
pub extern "C" fn mqtt_rs_tls_available() -> bool {
    cfg!(feature = "tls")
}

/// Makes every following connection of `client` use TLS with `options` (copied). Call
/// after `mqtt_rs_client_init()` and before connecting; calling again replaces the settings
/// (and forgets saved sessions).
///
/// Returns `MQTT_RS_OK`; `MQTT_RS_TLS_NO_TRUST_ANCHORS` without `ca`;
/// `MQTT_RS_TLS_BAD_TRUST_ANCHOR`, `MQTT_RS_TLS_BAD_CLIENT_CERT`, `MQTT_RS_TLS_BAD_CLIENT_KEY`,
/// `MQTT_RS_TLS_INVALID_SERVER_NAME`, `MQTT_RS_TLS_INVALID_ALPN` for unusable input;
/// `MQTT_RS_INVALID_ARGUMENT` (cert without key, unknown version);
/// `MQTT_RS_TLS_PROTOCOL_VERSION` (minimum above maximum); `MQTT_RS_WRONG_STATE` while
/// connected; `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_TLS_NOT_BUILT` in a build without TLS.
///
/// ```c
/// mqtt_rs_tls_options tls;
/// mqtt_rs_tls_options_init(&tls);
/// tls.ca = ca_pem; tls.ca_len = ca_pem_len;          // e.g. read from ca.crt
/// rc = mqtt_rs_client_use_tls(&client, &tls);
/// opt.port = 8883;                                  // then connect as usual
/// ```
///
/// @param client An initialised client, not connected.
/// @param options TLS settings (copied).
/// @return `MQTT_RS_OK`; `MQTT_RS_TLS_NO_TRUST_ANCHORS`; `MQTT_RS_TLS_BAD_TRUST_ANCHOR`;
///         `MQTT_RS_TLS_BAD_CLIENT_CERT`; `MQTT_RS_TLS_BAD_CLIENT_KEY`;
///         `MQTT_RS_TLS_INVALID_SERVER_NAME`; `MQTT_RS_TLS_INVALID_ALPN`;
///         `MQTT_RS_INVALID_ARGUMENT`; `MQTT_RS_TLS_PROTOCOL_VERSION`; `MQTT_RS_WRONG_STATE`;
///         `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_CALLED_FROM_CALLBACK`; `MQTT_RS_TLS_NOT_BUILT`.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `options` is NULL or valid for
/// the reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_use_tls(client: *mut mqtt_rs_client, options: *const mqtt_rs_tls_options) -> mqtt_rs_result {
    // SAFETY: `client` is NULL or client storage used as this function's contract says;
    // `options` and what it points to are NULL or valid for the call (it is copied).
    let outcome = unsafe {
        drive(client, |d| -> Result<(), mqtt_rs_result> {
            let o = try_ref(options)?;
            let session = d.session();
            if session.is_open() {
                return Err(MQTT_RS_WRONG_STATE);
            }
            #[cfg(feature = "tls")]
            {
                let (config, name) = enabled::config(o)?;
                session.wire().use_tls(config, name);
                Ok(())
            }
            #[cfg(not(feature = "tls"))]
            {
                let _ = (session, o);
                Err(MQTT_RS_TLS_NOT_BUILT)
            }
        })
    };
    outcome.err().unwrap_or(MQTT_RS_OK)
}

/// True when the last TLS handshake of `client` resumed an earlier session (false for
/// NULL, a plain connection, or a full handshake).
///
/// @param client A client; NULL gives false.
/// @return True when the last handshake resumed a session.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_tls_resumed(client: *const mqtt_rs_client) -> bool {
    #[cfg(feature = "tls")]
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    return unsafe { query(client, |s| s.wire_ref().tls_stream().is_some_and(|s| s.was_resumed())) }.unwrap_or(false);
    #[cfg(not(feature = "tls"))]
    {
        let _ = client;
        false
    }
}

/// Copies the detailed text of the last TLS failure of `client`, in plain words with what
/// to do (e.g. "server certificate not valid for the server name: the broker's certificate
/// is not valid for localhost: it is for broker.example …"), into `buf` of `len` bytes, cut
/// to fit and NUL-terminated. Returns the text length, 0 if there was no TLS failure.
/// `mqtt_rs_client_error_detail()` includes it in a sentence that also names the step.
///
/// @param client A client; NULL gives 0.
/// @param buf Receives the NUL-terminated text; may be NULL (nothing is written).
/// @param len Size of `buf` in bytes.
/// @return The length of the text written (without the NUL); 0 if none.
///
/// # Safety
///
/// `client` is NULL or points to `mqtt_rs_client` storage that stays at its address and is
/// used by no other thread without the configured lock. `buf` is NULL or valid for the
/// reads and writes described above, for as long as described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_client_tls_error_detail(client: *const mqtt_rs_client, buf: *mut c_char, len: usize) -> usize {
    // SAFETY: `buf` is NULL or `len` writable bytes (this function's contract).
    let Some(out) = (unsafe { opt_text_buf(buf, len) }) else {
        return 0;
    };
    out[0] = 0;
    #[cfg(feature = "tls")]
    // SAFETY: `client` is NULL or client storage used as this function's contract says.
    return unsafe { query(client, |s| s.wire_ref().tls_stream().map_or(0, |s| s.error_detail(out))) }.unwrap_or(0);
    #[cfg(not(feature = "tls"))]
    {
        let _ = client;
        0
    }
}

/// Sets the platform hooks for TLS (see `mqtt_rs_tls_platform`). Call at start-up, before
/// any client uses TLS.
///
/// Returns `MQTT_RS_OK`; `MQTT_RS_INVALID_ARGUMENT` when only one of `alloc`/`free` is set;
/// `MQTT_RS_WRONG_STATE` when the allocator is replaced while TLS memory is in use;
/// `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_TLS_NOT_BUILT` without TLS.
///
/// @param hooks The hooks; NULL members keep their defaults.
/// @return `MQTT_RS_OK`; `MQTT_RS_INVALID_ARGUMENT`; `MQTT_RS_WRONG_STATE`;
///         `MQTT_RS_NULL_ARGUMENT`; `MQTT_RS_TLS_NOT_BUILT`.
///
/// # Safety
///
/// `hooks` is NULL or valid for the reads and writes described above, for as long as
/// described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_tls_set_platform(hooks: *const mqtt_rs_tls_platform) -> mqtt_rs_result {
    // SAFETY: `hooks` is NULL or valid for reads (this function's contract).
    let h = match unsafe { try_ref(hooks) } {
        Ok(h) => h,
        Err(e) => return e,
    };
    #[cfg(feature = "tls")]
    {
        use super::platform::hooks::{register, HookError};
        match register(h) {
            Ok(()) => MQTT_RS_OK,
            Err(HookError::AllocPairIncomplete) => MQTT_RS_INVALID_ARGUMENT,
            Err(HookError::AllocatorInUse) => MQTT_RS_WRONG_STATE,
        }
    }
    #[cfg(not(feature = "tls"))]
    {
        let _ = h;
        MQTT_RS_TLS_NOT_BUILT
    }
}

/// Reads the heap counters into `stats` (all zero in a build without TLS: it has no heap).
///
/// @param stats Receives the counters.
/// @return `MQTT_RS_OK`; `MQTT_RS_NULL_ARGUMENT` if `stats` is NULL.
///
/// # Safety
///
/// `stats` is NULL or valid for the reads and writes described above, for as long as
/// described above.
#[no_mangle]
pub unsafe extern "C" fn mqtt_rs_heap_stats_get(stats: *mut mqtt_rs_heap_stats) -> mqtt_rs_result {
    // SAFETY: `stats` is NULL or valid for writes (this function's contract).
    let out = match unsafe { try_mut(stats) } {
        Ok(out) => out,
        Err(e) => return e,
    };
    #[cfg(feature = "tls")]
    let stats = super::platform::heap_stats::heap_stats();
    #[cfg(not(feature = "tls"))]
    let stats = mqtt_rs_heap_stats::default();
    *out = stats;
    MQTT_RS_OK
}

/// Restarts the heap peak counter from the current use.
#[no_mangle]
pub extern "C" fn mqtt_rs_heap_stats_reset_peak() {
    #[cfg(feature = "tls")]
    super::platform::heap_stats::reset_peak();
}

/// Writes the explanation of the last failed `mqtt_rs_client_use_tls` of the process into
/// `out` (cut to fit, NUL-terminated); returns its length (0 without TLS, or when it was not
/// explained).
pub(super) fn setup_detail(out: &mut [u8]) -> usize {
    #[cfg(feature = "tls")]
    return enabled::setup_detail(out);
    #[cfg(not(feature = "tls"))]
    {
        let _ = out;
        0
    }
}

#[cfg(feature = "tls")]
mod enabled {
    //! Turning C TLS options into a configuration.
    use super::*;
    use crate::transport::tls::try_lock::TryLock;
    use crate::transport::tls::{SetupFailure, TlsConfigBuilder, TlsVersion};
    use alloc::string::{String, ToString};

    extern crate alloc;

    /// Why the last `mqtt_rs_client_use_tls` of the process failed, kept as it came and put
    /// into words only when `mqtt_rs_client_error_detail` asks: a firmware that never asks
    /// does not link the explanations (and keeps no text buffer in RAM).
    static SETUP_FAILURE: TryLock<Option<SetupFailure>> = TryLock::new(None);

    /// Writes the explanation of the last failed TLS setup into `out` (cut to fit,
    /// NUL-terminated); returns its length.
    pub(crate) fn setup_detail(out: &mut [u8]) -> usize {
        SETUP_FAILURE.with(|failure| failure.as_ref().map_or(0, |f| f.write_to(out))).unwrap_or(0)
    }

    /// Builds the configuration and the server name from checked options, keeping the
    /// builder's explanation of a failure for `mqtt_rs_client_error_detail`.
    ///
    /// # Safety
    /// The pointers in `o` are NULL or valid as `mqtt_rs_tls_options` documents.
    pub(super) unsafe fn config(o: &mqtt_rs_tls_options) -> Result<(crate::transport::tls::TlsConfig, Option<String>), mqtt_rs_result> {
        // The connections of this configuration take their clock and entropy from the hooks.
        crate::ffi::platform::hooks::install();
        let mut b = TlsConfigBuilder::new();
        // SAFETY: the pointers in `o` are valid as `fill` needs (this function's contract).
        let filled = unsafe { fill(o, &mut b) };
        // Only a setter leaves a failure to explain; `build` then consumes the builder.
        let failure = b.take_failure();
        let built = filled.and_then(|name| Ok((b.build()?, name)));
        if built.is_err() {
            let _ = SETUP_FAILURE.with(|slot| *slot = failure);
        }
        built
    }

    /// Hands the options to the builder; returns the server name to use, if one is set.
    ///
    /// # Safety
    /// As [`config`].
    // Out of line: inlined into `mqtt_rs_client_use_tls` it took more flash.
    #[inline(never)]
    unsafe fn fill(o: &mqtt_rs_tls_options, b: &mut TlsConfigBuilder) -> Result<Option<String>, mqtt_rs_result> {
        // SAFETY: every pointer below is one of `o`'s (CA, certificate, key, ALPN list and
        // its strings), NULL or valid with its length as this function's caller guarantees.
        unsafe {
            if let Some(ca) = opt_slice(o.ca, o.ca_len)? {
                b.add_trust_anchors(ca)?;
            }
            match (opt_slice(o.cert, o.cert_len)?, opt_slice(o.key, o.key_len)?) {
                (Some(cert), Some(key)) => b.set_client_auth(cert, key)?,
                (None, None) => {}
                _ => return Err(MQTT_RS_INVALID_ARGUMENT),
            }
            for &p in try_slice(o.alpn, o.alpn_count)? {
                b.add_alpn_protocol(try_cstr(p)?.to_bytes())?;
            }
            b.set_min_version(match o.min_version {
                0 | MQTT_RS_TLS_VERSION_1_2 => TlsVersion::Tls12,
                MQTT_RS_TLS_VERSION_1_3 => TlsVersion::Tls13,
                _ => return Err(MQTT_RS_INVALID_ARGUMENT),
            });
            b.set_max_version(match o.max_version {
                0 | MQTT_RS_TLS_VERSION_1_3 => TlsVersion::Tls13,
                MQTT_RS_TLS_VERSION_1_2 => TlsVersion::Tls12,
                _ => return Err(MQTT_RS_INVALID_ARGUMENT),
            });
            b.set_resumption(o.resumption);
            let name = match o.server_name.is_null() {
                true => None,
                false => {
                    let name = try_cstr(o.server_name)?.to_str().map_err(|_| MQTT_RS_TLS_INVALID_SERVER_NAME)?;
                    rustls::pki_types::ServerName::try_from(name).map_err(|_| MQTT_RS_TLS_INVALID_SERVER_NAME)?;
                    Some(name.to_string())
                }
            };
            Ok(name)
        }
    }
}
