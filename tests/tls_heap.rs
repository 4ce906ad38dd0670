//! Heap use of a TLS session, measured with the library's allocation counter wrapped
//! around the system allocator (the staticlib wraps it around the platform hooks).
//! Run with `--nocapture` to see the figures.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use std::alloc::System;

use common::{Broker, BrokerKind};
use mqtt_rs::ffi::platform::heap_stats::{heap_stats, reset_peak, CountingAlloc};
use mqtt_rs::transport::tls::TlsStream;
use tls_util::*;

#[global_allocator]
static HEAP: CountingAlloc<System> = CountingAlloc::new(System);

/// Heap peak above the level before the session, and what the session still holds,
/// for a handshake plus one MQTT CONNECT/CONNACK exchange.
fn session_heap(config: &mqtt_rs::transport::tls::TlsConfig, port: u16, mqtt: bool) -> (usize, usize, bool) {
    let mut io = TcpIo::connect(port);
    let base = heap_stats().current;
    reset_peak();
    let mut tls = TlsStream::new(config, "localhost").unwrap();
    tls.handshake(&mut io, TIMEOUT_MS).unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
    if mqtt {
        assert_eq!(mqtt_session(&mut tls, &mut io, "heap"), 0);
    }
    let stats = heap_stats();
    let resumed = tls.was_resumed();
    tls.close(&mut io, TIMEOUT_MS).unwrap();
    (stats.peak - base, stats.current - base, resumed)
}

#[test]
fn heap_peak_of_a_handshake() {
    let broker = Broker::start(BrokerKind::Tls13Only);
    let server12 = tls_util::SServer::start("server", &["-tls1_2"]);

    for (label, port, mqtt) in [("TLS 1.3", broker.port(), true), ("TLS 1.2", server12.port, false)] {
        // One configuration (and session cache) per server: both are "localhost".
        let before = heap_stats().current;
        let config = config();
        println!("config (1 trust anchor): {} B", heap_stats().current - before);
        let (peak, held, resumed) = session_heap(&config, port, mqtt);
        println!("{label} full handshake: peak {peak} B, held after {held} B");
        assert!(!resumed);
        assert!(peak < 64 * 1024, "{label}: {peak} B");
        let (peak, held, resumed) = session_heap(&config, port, mqtt);
        println!("{label} resumed handshake: peak {peak} B, held after {held} B");
        assert!(resumed);
        assert!(peak < 64 * 1024, "{label}: {peak} B");
    }
}
