//! The C platform hooks (`mqtt_rs_tls_set_platform`) decide time and entropy: without them
//! TLS fails cleanly with its own error (entropy: except with the PSA provider, whose
//! randoms come from PSA), and NULL hooks select the POSIX defaults. The hooks are
//! process-wide, so this binary holds a single test; it registers them before any
//! configuration is built, so they (not the std platform of `tls_util`) are in force.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use std::fs::File;
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{Broker, BrokerKind};
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::tls::{mqtt_rs_tls_platform, mqtt_rs_tls_set_platform};
use mqtt_rs::transport::tls::{TlsError, TlsStream, CRYPTO_PROVIDER};
use tls_util::*;

extern "C" fn std_unix_time() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

extern "C" fn std_entropy(buf: *mut u8, len: usize) -> i32 {
    // SAFETY: the library passes a valid, writable buffer of `len` bytes.
    let buf = unsafe { std::slice::from_raw_parts_mut(buf, len) };
    match File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf)) {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

extern "C" fn no_time() -> u64 {
    0
}

extern "C" fn no_entropy(_buf: *mut u8, _len: usize) -> i32 {
    -1
}

extern "C" fn never_alloc(_size: usize) -> *mut core::ffi::c_void {
    core::ptr::null_mut()
}

/// Clock and entropy from std; the heap stays std's.
const STD_HOOKS: mqtt_rs_tls_platform = mqtt_rs_tls_platform { alloc: None, free: None, unix_time: Some(std_unix_time), entropy: Some(std_entropy) };

fn set(hooks: mqtt_rs_tls_platform) -> mqtt_rs_result {
    // SAFETY: `hooks` is a valid struct for the call.
    unsafe { mqtt_rs_tls_set_platform(&hooks) }
}

#[test]
fn hooks_decide_time_and_entropy() {
    let broker = Broker::start(BrokerKind::Tls);

    assert_eq!(set(mqtt_rs_tls_platform { alloc: Some(never_alloc), ..STD_HOOKS }), MQTT_RS_INVALID_ARGUMENT);
    assert_eq!(set(STD_HOOKS), MQTT_RS_OK);
    let config = config();

    assert_eq!(set(mqtt_rs_tls_platform { unix_time: Some(no_time), ..STD_HOOKS }), MQTT_RS_OK);
    let (tls, _io, result) = connect(&config, broker.port(), "localhost");
    assert_eq!(result, Err(TlsError::NoClock), "{}", detail(&tls));

    assert_eq!(set(mqtt_rs_tls_platform { entropy: Some(no_entropy), ..STD_HOOKS }), MQTT_RS_OK);
    if CRYPTO_PROVIDER == "psa" {
        // The PSA provider draws every random byte from psa_generate_random: the entropy
        // hook is never asked, and a failing one changes nothing.
        let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
        result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
        assert_eq!(mqtt_session(&mut tls, &mut io, "psa-random"), 0);
    } else {
        assert_eq!(TlsStream::new(&config, "localhost").err(), Some(TlsError::NoEntropy));
    }

    // NULL hooks: the POSIX defaults with that feature, otherwise no entropy (nor clock).
    assert_eq!(set(mqtt_rs_tls_platform { alloc: None, free: None, unix_time: None, entropy: None }), MQTT_RS_OK);
    if cfg!(feature = "posix") {
        let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
        result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
        assert_eq!(mqtt_session(&mut tls, &mut io, "posix"), 0);
    } else {
        assert_eq!(TlsStream::new(&config, "localhost").err(), Some(TlsError::NoEntropy));
    }

    assert_eq!(set(STD_HOOKS), MQTT_RS_OK);
    let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
    result.unwrap();
    assert_eq!(mqtt_session(&mut tls, &mut io, "hooks"), 0);
}
