//! TLS through the C API against real mosquitto listeners and real certificates:
//! every good listener carries QoS 0/1/2, every bad one is refused with its own code,
//! and a reconnect resumes the session (seen in the API and in the bytes on the wire).
#![cfg(feature = "tls")]

mod common;

use common::net::TestClient;
use common::*;
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::tls::*;
use mqtt_rs::transport::tls::CRYPTO_PROVIDER;
use std::ffi::CString;

/// Reads a file of the test PKI.
fn pem(name: &str) -> Vec<u8> {
    std::fs::read(pki(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What to hand to `mqtt_rs_client_use_tls`.
#[derive(Default)]
struct Tls {
    ca: Option<&'static str>,
    cert: Option<(&'static str, &'static str)>,
    server_name: Option<&'static str>,
    min: Option<u8>,
    max: Option<u8>,
}

fn tls_client(t: &Tls) -> (TestClient, mqtt_rs_result) {
    let mut c = TestClient::new(1024, 1024, 16);
    let ca = t.ca.map(pem);
    let cert = t.cert.map(|(c, k)| (pem(c), pem(k)));
    let name = t.server_name.map(|n| CString::new(n).unwrap());
    let mut o: mqtt_rs_tls_options = unsafe { std::mem::zeroed() };
    unsafe { mqtt_rs_tls_options_init(&mut o) };
    if let Some(ca) = &ca {
        o.ca = ca.as_ptr();
        o.ca_len = ca.len();
    }
    if let Some((cert, key)) = &cert {
        o.cert = cert.as_ptr();
        o.cert_len = cert.len();
        o.key = key.as_ptr();
        o.key_len = key.len();
    }
    if let Some(n) = &name {
        o.server_name = n.as_ptr();
    }
    o.min_version = t.min.unwrap_or(o.min_version);
    o.max_version = t.max.unwrap_or(o.max_version);
    let rc = unsafe { mqtt_rs_client_use_tls(c.raw(), &o) };
    (c, rc)
}

fn good_ca() -> Tls {
    Tls { ca: Some("ca.crt"), ..Tls::default() }
}

fn connect(c: &mut TestClient, port: u16, id: &str) -> mqtt_rs_result {
    let mut o = c.options(port, id);
    // Connect by name so the certificate's DNS name is checked (it also lists 127.0.0.1).
    o.host = c.cstr("localhost");
    c.connect(&o)
}

fn detail(c: &mut TestClient) -> String {
    let mut buf = [0 as std::ffi::c_char; 512];
    let n = unsafe { mqtt_rs_client_tls_error_detail(c.raw(), buf.as_mut_ptr(), buf.len()) };
    let bytes: Vec<u8> = buf[..n].iter().map(|&b| b as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Publishes QoS 0, 1 and 2 to itself through the broker and checks all three arrive.
fn round_trip(c: &mut TestClient, topic: &str) {
    assert_eq!(c.subscribe(topic, 2), MQTT_RS_OK);
    for qos in 0..=2u8 {
        assert_eq!(c.publish(topic, format!("tls-qos{qos}").as_bytes(), qos, false), MQTT_RS_OK);
    }
    let got: Vec<_> = c.wait_messages(3, 5000).iter().map(|m| (String::from_utf8_lossy(&m.payload).into_owned(), m.qos)).collect();
    assert_eq!(got, [("tls-qos0".to_string(), 0), ("tls-qos1".to_string(), 1), ("tls-qos2".to_string(), 2)]);
}

#[test]
fn qos_0_1_2_over_tls_1_2_and_1_3() {
    let broker = Broker::start(BrokerKind::Tls);
    for (max, name) in [(MQTT_RS_TLS_VERSION_1_3, "v13"), (MQTT_RS_TLS_VERSION_1_2, "v12")] {
        let (mut c, rc) = tls_client(&Tls { max: Some(max), ..good_ca() });
        assert_eq!(rc, MQTT_RS_OK);
        assert_eq!(connect(&mut c, broker.port(), name), MQTT_RS_OK, "{name}: {}", detail(&mut c));
        round_trip(&mut c, &format!("tls/{name}"));
        assert_eq!(c.disconnect(), MQTT_RS_OK);
    }
}

#[test]
fn keepalive_pings_through_tls_keep_a_client_idle_in_one_long_wait() {
    let broker = Broker::start(BrokerKind::Tls);
    let (mut c, _) = tls_client(&good_ca());
    let mut o = c.options(broker.port(), "tls-idle");
    o.host = c.cstr("localhost");
    o.keepalive_s = 1;
    assert_eq!(c.connect(&o), MQTT_RS_OK, "{}", detail(&mut c));
    let writes_before = c.net.writes;
    // mosquitto drops a client silent for 1.5 keepalives; one wait well over that, through
    // TLS reads that wait for records.
    assert_eq!(c.wait(3500), MQTT_RS_OK);
    assert!(c.net.writes >= writes_before + 2, "PINGREQs went out ({} writes)", c.net.writes - writes_before);
    assert_eq!(c.publish("tls/idle", b"still here", 1, false), MQTT_RS_OK);
}

#[test]
fn qos_0_1_2_over_the_tls_1_3_only_listener() {
    let broker = Broker::start(BrokerKind::Tls13Only);
    let (mut c, _) = tls_client(&Tls { min: Some(MQTT_RS_TLS_VERSION_1_3), ..good_ca() });
    assert_eq!(connect(&mut c, broker.port(), "only13"), MQTT_RS_OK, "{}", detail(&mut c));
    round_trip(&mut c, "tls/only13");
}

#[test]
fn mutual_tls_with_p256_rsa_and_ed25519_client_keys() {
    let broker = Broker::start(BrokerKind::MutualTls);
    // The pure-Rust and PSA providers sign with P-256 keys only: they refuse the others up front.
    let others = if CRYPTO_PROVIDER == "ring" { MQTT_RS_OK } else { MQTT_RS_TLS_BAD_CLIENT_KEY };
    for (cert, key, expected) in
        [("client.crt", "client.key", MQTT_RS_OK), ("client-rsa.crt", "client-rsa.key", others), ("client-ed25519.crt", "client-ed25519.key", others)]
    {
        let (mut c, rc) = tls_client(&Tls { cert: Some((cert, key)), ..good_ca() });
        assert_eq!(rc, expected, "{cert}");
        if rc != MQTT_RS_OK {
            continue;
        }
        assert_eq!(connect(&mut c, broker.port(), cert), MQTT_RS_OK, "{cert}: {}", detail(&mut c));
        round_trip(&mut c, &format!("mtls/{cert}"));
    }
}

#[test]
fn username_and_password_over_tls() {
    let broker = Broker::start(BrokerKind::TlsPassword);
    let (mut c, _) = tls_client(&good_ca());
    let mut o = c.options(broker.port(), "tls-user");
    o.host = c.cstr("localhost");
    o.username = c.cstr(MQTT_USER);
    o.password = MQTT_PASS.as_ptr();
    o.password_len = MQTT_PASS.len();
    assert_eq!(c.connect(&o), MQTT_RS_OK, "{}", detail(&mut c));
    round_trip(&mut c, "tls/user");
    o.password = b"wrong".as_ptr();
    o.password_len = 5;
    assert_eq!(c.disconnect(), MQTT_RS_OK);
    assert_eq!(c.connect(&o), MQTT_RS_CONNACK_NOT_AUTHORIZED);
}

/// Connects to `kind` with `tls` and expects `want`; the client must be reusable after.
fn refused(kind: BrokerKind, tls: Tls, want: mqtt_rs_result, detail_has: &str) {
    let broker = Broker::start(kind);
    let (mut c, rc) = tls_client(&tls);
    assert_eq!(rc, MQTT_RS_OK);
    assert_eq!(connect(&mut c, broker.port(), "refused"), want, "{kind:?}: {}", detail(&mut c));
    assert!(!c.is_connected());
    let text = detail(&mut c);
    assert!(text.to_lowercase().contains(detail_has), "{kind:?}: detail {text:?} lacks {detail_has:?}");
    // The same client object connects fine afterwards to a good listener.
    let good = Broker::start(BrokerKind::Tls);
    let (mut again, _) = tls_client(&good_ca());
    assert_eq!(connect(&mut again, good.port(), "after-refusal"), MQTT_RS_OK);
}

#[test]
fn expired_server_certificate_is_refused() {
    refused(BrokerKind::Expired, good_ca(), MQTT_RS_TLS_CERT_EXPIRED, "expired");
}

#[test]
fn wrong_host_certificate_is_refused() {
    refused(BrokerKind::WrongHost, good_ca(), MQTT_RS_TLS_CERT_NAME_MISMATCH, "wrong.example");
}

#[test]
fn unknown_ca_is_refused() {
    refused(BrokerKind::UnknownCa, good_ca(), MQTT_RS_TLS_UNKNOWN_ISSUER, "unknown");
}

#[test]
fn missing_client_certificate_is_refused() {
    refused(BrokerKind::MutualTls, good_ca(), MQTT_RS_TLS_CLIENT_CERT_REFUSED, "certificate");
}

#[test]
fn client_certificate_from_another_ca_is_refused() {
    let tls = Tls { cert: Some(("client-otherca.crt", "client-otherca.key")), ..good_ca() };
    refused(BrokerKind::MutualTls, tls, MQTT_RS_TLS_CLIENT_CERT_REFUSED, "alert");
}

#[test]
fn tls_1_2_only_client_against_tls_1_3_only_listener() {
    let tls = Tls { max: Some(MQTT_RS_TLS_VERSION_1_2), ..good_ca() };
    refused(BrokerKind::Tls13Only, tls, MQTT_RS_TLS_PROTOCOL_VERSION, "version");
}

#[test]
fn no_trust_anchors_means_no_connection() {
    let (mut c, rc) = tls_client(&Tls::default());
    assert_eq!(rc, MQTT_RS_TLS_NO_TRUST_ANCHORS);
    let (_, rc) = tls_client(&Tls { ca: Some("client.key"), ..Tls::default() });
    assert_eq!(rc, MQTT_RS_TLS_BAD_TRUST_ANCHOR);
    let (_, rc) = tls_client(&Tls { cert: Some(("client.crt", "client-rsa.key")), ..good_ca() });
    assert_eq!(rc, MQTT_RS_TLS_BAD_CLIENT_KEY);
    // The failed setup is put into words when the application asks for it.
    let (mut encrypted, rc) = tls_client(&Tls { cert: Some(("client.crt", "client-encrypted.key")), ..good_ca() });
    assert_eq!(rc, MQTT_RS_TLS_BAD_CLIENT_KEY);
    let text = error_detail(&mut encrypted, rc);
    assert!(text.contains("encrypted") && text.contains("not supported"), "{text}");
    // Without TLS settings the plain client still refuses nothing by itself, but a TLS
    // listener will not speak to it: it fails instead of silently going plain.
    let broker = Broker::start(BrokerKind::Tls);
    assert_ne!(connect(&mut c, broker.port(), "plain-to-tls"), MQTT_RS_OK);
}

#[test]
fn reconnect_resumes_the_session_seen_in_api_and_on_the_wire() {
    let broker = Broker::start(BrokerKind::Tls);
    let (mut c, _) = tls_client(&good_ca());
    let mut handshake_bytes = Vec::new();
    for round in 0..3 {
        let (before_in, before_out) = (c.net.bytes_in, c.net.bytes_out);
        let started = std::time::Instant::now();
        assert_eq!(connect(&mut c, broker.port(), "resumer"), MQTT_RS_OK, "{}", detail(&mut c));
        let took = started.elapsed();
        handshake_bytes.push(c.net.bytes_in - before_in);
        eprintln!("connect {round}: {} bytes in, {} bytes out, {took:?}", c.net.bytes_in - before_in, c.net.bytes_out - before_out);
        let resumed = unsafe { mqtt_rs_client_tls_resumed(c.raw()) };
        assert_eq!(resumed, round > 0, "round {round}: resumed={resumed}");
        // One read after CONNACK takes in the TLS 1.3 session tickets.
        assert_eq!(c.wait(100), MQTT_RS_OK);
        assert_eq!(c.disconnect(), MQTT_RS_OK);
    }
    eprintln!("bytes from the broker up to CONNACK: full {}, resumed {}, {}", handshake_bytes[0], handshake_bytes[1], handshake_bytes[2]);
    // A resumed handshake carries no certificate chain: hundreds of bytes fewer.
    assert!(handshake_bytes[1] + 300 < handshake_bytes[0], "{handshake_bytes:?}");
}

#[test]
fn non_blocking_connect_publish_and_receive_over_tls() {
    let broker = Broker::start(BrokerKind::Tls);
    let (mut c, _) = tls_client(&good_ca());
    let mut o = c.options(broker.port(), "tls-nb");
    o.host = c.cstr("localhost");
    assert_eq!(unsafe { mqtt_rs_client_begin_connect(c.raw(), &o) }, MQTT_RS_IN_PROGRESS);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut sleep = 0u32;
    while !c.is_connected() && std::time::Instant::now() < deadline {
        assert_eq!(unsafe { mqtt_rs_client_poll(c.raw(), &mut sleep) }, MQTT_RS_OK);
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(c.is_connected());
    let sub = mqtt_rs::ffi::types::mqtt_rs_subscription { filter: c.cstr("nb/tls"), qos: 1 };
    assert_eq!(unsafe { mqtt_rs_client_begin_subscribe(c.raw(), &sub, 1, std::ptr::null_mut()) }, MQTT_RS_IN_PROGRESS);
    let topic = c.cstr("nb/tls");
    while c.observed.events.iter().all(|e| e.0 != mqtt_rs::ffi::types::mqtt_rs_event_kind::MQTT_RS_EVENT_SUBSCRIBE_DONE) {
        assert_eq!(unsafe { mqtt_rs_client_poll(c.raw(), &mut sleep) }, MQTT_RS_OK);
        assert!(std::time::Instant::now() < deadline);
    }
    assert_eq!(unsafe { mqtt_rs_client_begin_publish(c.raw(), topic, b"hello".as_ptr(), 5, 1, false, std::ptr::null_mut()) }, MQTT_RS_IN_PROGRESS);
    while c.observed.messages.is_empty() && std::time::Instant::now() < deadline {
        assert_eq!(unsafe { mqtt_rs_client_poll(c.raw(), &mut sleep) }, MQTT_RS_OK);
    }
    assert_eq!(c.observed.messages[0].payload, b"hello");
}

#[test]
fn large_payload_over_tls_arrives_intact() {
    let broker = Broker::start(BrokerKind::Tls);
    let (mut c, _) = tls_client(&good_ca());
    assert_eq!(connect(&mut c, broker.port(), "tls-big"), MQTT_RS_OK);
    assert_eq!(c.subscribe("big/tls", 1), MQTT_RS_OK);
    let payload: Vec<u8> = (0..256 * 1024u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(c.publish("big/tls", &payload, 1, false), MQTT_RS_OK);
    let got = c.wait_messages(1, 10_000);
    assert!(got.len() == 1 && got[0].payload == payload);
}

/// `mqtt_rs_client_error_detail` for `rc`, as text.
fn error_detail(c: &mut TestClient, rc: mqtt_rs_result) -> String {
    let mut buf = [0 as std::ffi::c_char; 768];
    let n = unsafe { mqtt_rs::ffi::detail::mqtt_rs_client_error_detail(c.raw(), rc as i32, buf.as_mut_ptr(), buf.len()) };
    let bytes: Vec<u8> = buf[..n].iter().map(|&b| b as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn a_timeout_names_its_step() {
    // A peer that accepts and never says a word: the TLS handshake is what times out.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let (mut c, rc) = tls_client(&good_ca());
    assert_eq!(rc, MQTT_RS_OK);
    let o = c.options(port, "silent");
    assert_eq!(c.connect_timeout(&o, 300), MQTT_RS_TIMEOUT);
    let text = error_detail(&mut c, MQTT_RS_TIMEOUT);
    assert!(text.starts_with("timed out during the TLS handshake"), "{text}");
    assert!(text.contains("plain MQTT port"), "{text}");

    // Without TLS the same silence is a missing CONNACK, with the hint the other way round.
    let mut plain = TestClient::new(512, 512, 2);
    let o = plain.options(port, "silent-plain");
    assert_eq!(plain.connect_timeout(&o, 300), MQTT_RS_TIMEOUT);
    let text = error_detail(&mut plain, MQTT_RS_TIMEOUT);
    assert!(text.starts_with("timed out while waiting for the broker's CONNACK"), "{text}");
    assert!(text.contains("If this is a TLS port"), "{text}");
    drop(silent);
}
