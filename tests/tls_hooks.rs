//! The platform hooks decide time and entropy: without them TLS fails cleanly with its
//! own error (entropy: except with the PSA provider, whose randoms come from PSA). The hooks are process-wide, so this binary holds a single test.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use common::{Broker, BrokerKind};
use mqtt_rs::transport::tls::platform::{set_platform_hooks, HookError, TlsPlatformHooks};
use mqtt_rs::transport::tls::{TlsError, TlsStream, CRYPTO_PROVIDER};
use tls_util::*;

extern "C" fn no_time() -> u64 {
    0
}

extern "C" fn no_entropy(_buf: *mut u8, _len: usize) -> i32 {
    -1
}

extern "C" fn never_alloc(_size: usize) -> *mut core::ffi::c_void {
    core::ptr::null_mut()
}

#[test]
fn hooks_decide_time_and_entropy() {
    let broker = Broker::start(BrokerKind::Tls);
    let config = config();

    let half = TlsPlatformHooks { alloc: Some(never_alloc), ..std_hooks() };
    assert_eq!(set_platform_hooks(&half), Err(HookError::AllocPairIncomplete));

    set_platform_hooks(&TlsPlatformHooks { unix_time: Some(no_time), ..std_hooks() }).unwrap();
    let (tls, _io, result) = connect(&config, broker.port(), "localhost");
    assert_eq!(result, Err(TlsError::NoClock), "{}", detail(&tls));

    set_platform_hooks(&TlsPlatformHooks { entropy: Some(no_entropy), ..std_hooks() }).unwrap();
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
    set_platform_hooks(&TlsPlatformHooks::default()).unwrap();
    if cfg!(feature = "posix") {
        let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
        result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
        assert_eq!(mqtt_session(&mut tls, &mut io, "posix"), 0);
    } else {
        assert_eq!(TlsStream::new(&config, "localhost").err(), Some(TlsError::NoEntropy));
    }

    set_platform_hooks(&std_hooks()).unwrap();
    let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
    result.unwrap();
    assert_eq!(mqtt_session(&mut tls, &mut io, "hooks"), 0);
}
