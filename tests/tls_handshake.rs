//! TLS sessions against real peers (mosquitto, openssl s_server) on 127.0.0.1:
//! TLS 1.2 and 1.3, ALPN, mutual TLS, resumption (checked on the wire too),
//! non-blocking use, close_notify and abrupt closes.
#![cfg(feature = "tls")]

mod common;
mod tls_util;

use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use common::{Broker, BrokerKind};
use mqtt_rs::transport::stream::{ByteStream, IoStatus};
use mqtt_rs::transport::tls::{TlsConfigBuilder, TlsError, TlsStream, TlsVersion, CRYPTO_PROVIDER};
use tls_util::*;

#[test]
fn tls13_with_mosquitto_reaches_connack() {
    let broker = Broker::start(BrokerKind::Tls13Only);
    let (mut tls, mut io, result) = connect(&config(), broker.port(), "localhost");
    result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
    assert!(tls.is_handshake_done());
    assert_eq!(tls.protocol_version(), Some(TlsVersion::Tls13));
    assert!(!tls.was_resumed());
    assert_eq!(mqtt_session(&mut tls, &mut io, "tls13"), 0);
    tls.close(&mut io, TIMEOUT_MS).expect("close_notify sent");
}

#[test]
fn tls12_with_s_server_round_trips_data() {
    let server = SServer::start("server", &["-tls1_2", "-rev"]);
    let (mut tls, mut io, result) = connect(&config(), server.port, "127.0.0.1");
    result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
    assert_eq!(tls.protocol_version(), Some(TlsVersion::Tls12));
    write_all(&mut tls, &mut io, b"hello tls12\n");
    let reply = read_exact(&mut tls, &mut io, 12).expect("reply");
    assert_eq!(reply, b"21slt olleh\n");
}

#[test]
fn trust_anchors_load_from_der_and_from_a_bundle() {
    let broker = Broker::start(BrokerKind::Tls);
    for file in ["ca.der", "ca-bundle.crt"] {
        init();
        let mut builder = TlsConfigBuilder::new();
        let count = builder.add_trust_anchors(&read_pki(file)).expect(file);
        assert_eq!(count, if file == "ca.der" { 1 } else { 2 });
        let config = builder.build().expect("config");
        let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
        result.unwrap_or_else(|e| panic!("{file}: {e:?}: {}", detail(&tls)));
        assert_eq!(mqtt_session(&mut tls, &mut io, "der"), 0);
    }
}

#[test]
fn alpn_protocol_is_negotiated() {
    let server = SServer::start("server", &["-alpn", "mqtt", "-rev"]);
    let config = config_with(|b| {
        b.add_alpn_protocol(b"x-other").unwrap();
        b.add_alpn_protocol(b"mqtt").unwrap();
    });
    let (tls, _io, result) = connect(&config, server.port, "localhost");
    result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
    assert_eq!(tls.alpn_protocol(), Some(&b"mqtt"[..]));
}

#[test]
fn mutual_tls_with_each_key_type_and_encoding() {
    let broker = Broker::start(BrokerKind::MutualTls);
    for (cert, key) in [
        ("client.crt", "client.key"),
        ("client.der", "client.key.der"),
        ("client-rsa.crt", "client-rsa.key"),
        ("client-ed25519.crt", "client-ed25519.key"),
    ] {
        // The pure-Rust and PSA providers sign with P-256 keys only: they refuse the others up front.
        let supported = CRYPTO_PROVIDER == "ring" || !cert.contains('-');
        let config = config_with(|b| {
            let loaded = b.set_client_auth(&read_pki(cert), &read_pki(key));
            assert_eq!(loaded.is_ok(), supported, "{cert}: {loaded:?}");
        });
        if !supported {
            continue;
        }
        let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
        result.unwrap_or_else(|e| panic!("{cert}: {e:?}: {}", detail(&tls)));
        assert_eq!(mqtt_session(&mut tls, &mut io, cert), 0, "{cert}");
    }
}

/// The refusal comes with the server's answer to the client's Finished: it surfaces
/// on the first read.
fn refused(config: &mqtt_rs::transport::tls::TlsConfig, port: u16) -> (TlsError, String) {
    let (mut tls, mut io, result) = connect(config, port, "localhost");
    let error = match result {
        Err(e) => e,
        Ok(()) => {
            let _ = tls.write(&mut io, &mqtt_connect("refused"), TIMEOUT_MS);
            read_exact(&mut tls, &mut io, 4).expect_err("server must refuse")
        }
    };
    (error, detail(&tls))
}

#[test]
fn mutual_tls_refuses_a_missing_or_foreign_client_certificate() {
    let broker = Broker::start(BrokerKind::MutualTls);
    let (error, text) = refused(&config(), broker.port());
    assert_eq!(error, TlsError::ClientCertRefused, "{text}");
    assert!(text.contains("certificate_required"), "{text}");

    let foreign = config_with(|b| {
        b.set_client_auth(&read_pki("client-otherca.crt"), &read_pki("client-otherca.key")).unwrap();
    });
    let (error, text) = refused(&foreign, broker.port());
    assert_eq!(error, TlsError::ClientCertRefused, "{text}");
}

/// Handshake message types in the server's plaintext TLS 1.2 flight (records before
/// its ChangeCipherSpec).
fn tls12_server_handshake_types(wire: &[u8]) -> Vec<u8> {
    let mut types = Vec::new();
    let mut rest = wire;
    while rest.len() >= 5 && rest[0] == 22 {
        let len = u16::from_be_bytes([rest[3], rest[4]]) as usize;
        let mut body = &rest[5..5 + len];
        while body.len() >= 4 {
            types.push(body[0]);
            let msg_len = u32::from_be_bytes([0, body[1], body[2], body[3]]) as usize;
            body = &body[(4 + msg_len).min(body.len())..];
        }
        rest = &rest[5 + len..];
    }
    types
}

#[test]
fn tls13_second_connection_resumes_without_certificate() {
    let broker = Broker::start(BrokerKind::Tls13Only);
    let config = config();
    let cert_len = read_pki("server.crt").len() * 3 / 4 - 60; // DER size, roughly
    let mut handshake_bytes = Vec::new();
    for round in 0..2 {
        let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
        result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
        handshake_bytes.push(io.bytes_in);
        assert_eq!(tls.was_resumed(), round == 1, "round {round}");
        // Reading the CONNACK also takes in the tickets sent after the handshake.
        assert_eq!(mqtt_session(&mut tls, &mut io, "resume13"), 0);
        tls.close(&mut io, TIMEOUT_MS).unwrap();
    }
    println!("TLS 1.3 server handshake bytes: full {}, resumed {}", handshake_bytes[0], handshake_bytes[1]);
    assert!(handshake_bytes[1] + cert_len < handshake_bytes[0], "{handshake_bytes:?}");
}

#[test]
fn tls12_second_connection_resumes_without_certificate() {
    let server = SServer::start("server", &["-tls1_2", "-rev"]);
    let config = config();
    let mut types = Vec::new();
    for round in 0..2 {
        let mut io = TcpIo::connect(server.port);
        io.record = Some(Vec::new());
        let mut tls = TlsStream::new(&config, "localhost").unwrap();
        tls.handshake(&mut io, TIMEOUT_MS).unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
        assert_eq!(tls.was_resumed(), round == 1, "round {round}");
        types.push(tls12_server_handshake_types(io.record.as_deref().unwrap()));
        write_all(&mut tls, &mut io, b"ab\n");
        assert_eq!(read_exact(&mut tls, &mut io, 3).unwrap(), b"ba\n");
        tls.close(&mut io, TIMEOUT_MS).unwrap();
    }
    const SERVER_HELLO: u8 = 2;
    const CERTIFICATE: u8 = 11;
    println!("TLS 1.2 server handshake messages: full {:?}, resumed {:?}", types[0], types[1]);
    assert!(types[0].contains(&SERVER_HELLO) && types[0].contains(&CERTIFICATE), "{types:?}");
    assert!(types[1].contains(&SERVER_HELLO) && !types[1].contains(&CERTIFICATE), "{types:?}");
}

#[test]
fn resumption_can_be_turned_off() {
    let broker = Broker::start(BrokerKind::Tls13Only);
    let config = config_with(|b| b.set_resumption(false));
    for _ in 0..2 {
        let (mut tls, mut io, result) = connect(&config, broker.port(), "localhost");
        result.unwrap();
        assert!(!tls.was_resumed());
        assert_eq!(mqtt_session(&mut tls, &mut io, "noresume"), 0);
    }
}

/// Repeats `op` with timeout 0 until it stops saying WouldBlock; counts the retries.
fn poll<T>(mut op: impl FnMut() -> Result<T, TlsError>) -> (Result<T, TlsError>, usize) {
    for tries in 0..5000 {
        match op() {
            Err(TlsError::Io(IoStatus::WouldBlock)) => thread::sleep(Duration::from_millis(1)),
            other => return (other, tries),
        }
    }
    panic!("still blocked after 5000 polls");
}

#[test]
fn non_blocking_mode_makes_progress_across_would_block() {
    let broker = Broker::start(BrokerKind::Tls);
    let config = config();
    let mut io = TcpIo::connect(broker.port());
    // A loaded machine may have the broker's answer waiting before every read; a link
    // that stalls every other read makes WouldBlock certain.
    io.alternate_would_block = true;
    let mut tls = TlsStream::new(&config, "localhost").unwrap();
    let (result, handshake_polls) = poll(|| tls.handshake(&mut io, 0));
    result.unwrap_or_else(|e| panic!("{e:?}: {}", detail(&tls)));
    assert!(tls.is_handshake_done());

    let packet = mqtt_connect("nonblocking");
    let (written, _) = poll(|| tls.write(&mut io, &packet, 0));
    assert_eq!(written.unwrap(), packet.len());
    let (flushed, _) = poll(|| tls.flush(&mut io, 0));
    flushed.unwrap();
    assert!(!tls.has_pending_output());

    let mut connack = [0u8; 4];
    let mut got = 0;
    let mut read_polls = 0;
    while got < 4 {
        let (n, polls) = poll(|| tls.read(&mut io, &mut connack[got..], 0));
        got += n.unwrap();
        read_polls += polls;
    }
    assert_eq!(connack, [0x20, 2, 0, 0]);
    println!("non-blocking: {handshake_polls} handshake polls, {read_polls} read polls");
    assert!(handshake_polls > 0 && io.would_blocks > 0, "never saw WouldBlock");
}

#[test]
fn bound_session_works_as_a_byte_stream() {
    let broker = Broker::start(BrokerKind::Tls);
    let config = config();
    let mut io = TcpIo::connect(broker.port());
    let mut tls = TlsStream::new(&config, "localhost").unwrap();
    let mut stream = tls.bind(&mut io);
    let packet = mqtt_connect("bound");
    assert_eq!(stream.write(&packet, TIMEOUT_MS), Ok(packet.len()));
    let mut connack = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        got += stream.read(&mut connack[got..], TIMEOUT_MS).unwrap();
    }
    assert_eq!(connack, [0x20, 2, 0, 0]);
}

#[test]
fn close_notify_both_ways() {
    for version in ["-tls1_2", "-tls1_3"] {
        // s_server answers a close_notify with its own, then hangs up.
        let server = SServer::start("server", &[version]);
        let (mut tls, mut io, result) = connect(&config(), server.port, "localhost");
        result.unwrap();
        write_all(&mut tls, &mut io, b"ping\n");
        server.wait_for("ping");
        tls.close(&mut io, TIMEOUT_MS).expect("close_notify sent");
        assert_eq!(tls.write(&mut io, b"late", TIMEOUT_MS), Err(TlsError::Io(IoStatus::Closed)));
        let mut buf = [0u8; 16];
        assert_eq!(tls.read(&mut io, &mut buf, TIMEOUT_MS), Err(TlsError::Io(IoStatus::Closed)), "{version}");
        assert_eq!(tls.read(&mut io, &mut buf, TIMEOUT_MS), Err(TlsError::Io(IoStatus::Closed)), "{version}");
    }
}

#[test]
fn abrupt_close_is_unexpected_eof() {
    // During the handshake: a peer that accepts and hangs up.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hang_up = thread::spawn(move || drop(listener.accept().unwrap()));
    let (tls, _io, result) = connect(&config(), port, "localhost");
    hang_up.join().unwrap();
    assert_eq!(result, Err(TlsError::UnexpectedEof), "{}", detail(&tls));

    // After the handshake: the broker dies.
    let broker = Broker::start(BrokerKind::Tls);
    let (mut tls, mut io, result) = connect(&config(), broker.port(), "localhost");
    result.unwrap();
    assert_eq!(mqtt_session(&mut tls, &mut io, "abrupt"), 0);
    drop(broker);
    let mut buf = [0u8; 16];
    let error = tls.read(&mut io, &mut buf, TIMEOUT_MS).unwrap_err();
    assert_eq!(error, TlsError::UnexpectedEof, "{}", detail(&tls));
    // The failure sticks.
    assert_eq!(tls.write(&mut io, b"x", TIMEOUT_MS), Err(TlsError::UnexpectedEof));
}
