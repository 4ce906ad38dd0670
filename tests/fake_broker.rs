//! The C API against a scripted fake broker on 127.0.0.1: a broker that misbehaves in
//! one precise way per test. Every failure must close the connection (the broker sees
//! EOF), leave the client not connected, and let it connect again to a good broker.
//! Also C API misuse, driven from Rust.

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::net::{tcp_callbacks, TcpNet, TestClient};
use common::scripted::{publish_id, Conn, FakeBroker, Report, CONNACK_OK};
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::result::mqtt_rs_result_str;
use mqtt_rs::ffi::types::*;
use std::ffi::CStr;
use std::net::TcpListener;
use std::ptr::{null, null_mut};
use std::thread;
use std::time::{Duration, Instant};

/// Checks the aftermath of a failure: closed for the broker, not connected for the
/// client, and a fresh connect to a good broker works.
fn assert_closed_and_recovers(tc: &mut TestClient, broker: FakeBroker) -> Report {
    assert!(!tc.is_connected(), "client still says connected");
    let report = broker.join();
    assert!(report.eof, "the broker never saw the connection close");
    assert_eq!(tc.wait(10), MQTT_RS_NOT_CONNECTED);

    let good = FakeBroker::good();
    let o = tc.options(good.port, "again");
    assert_eq!(tc.connect(&o), MQTT_RS_OK, "reconnect to a good broker");
    assert!(tc.is_connected());
    assert_eq!(tc.publish("after/failure", b"ok", 1, false), MQTT_RS_OK);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(!tc.is_connected());
    let good_report = good.join();
    assert!(good_report.eof);
    let kinds: Vec<u8> = good_report.received.iter().map(|p| p[0] >> 4).collect();
    assert_eq!(kinds, [1, 3, 14], "CONNECT, PUBLISH, DISCONNECT");
    report
}

/// Runs a connect against a broker that answers CONNECT with `reply`; returns the result.
fn connect_with_reply(reply: &'static [u8], close_after: bool) -> (mqtt_rs_result, TestClient, FakeBroker) {
    let broker = FakeBroker::start(move |c| {
        c.expect(1);
        c.send(reply);
        if close_after {
            c.close_write();
        }
    });
    let mut tc = TestClient::new(512, 512, 4);
    let o = tc.options(broker.port, "fake");
    let rc = tc.connect(&o);
    (rc, tc, broker)
}

/// Connects to a broker that accepts, then plays `after_connack`.
fn connected_to(after_connack: impl FnOnce(&mut Conn) + Send + 'static, tx: usize, rx: usize) -> (TestClient, FakeBroker) {
    let (go, wait_go) = std::sync::mpsc::channel::<()>();
    let broker = FakeBroker::start(move |c| {
        c.expect(1);
        c.send(&CONNACK_OK);
        // The next act only once the connect call has returned.
        wait_go.recv_timeout(Duration::from_secs(10)).expect("connect returned");
        after_connack(c);
    });
    let mut tc = TestClient::new(tx, rx, 4);
    let o = tc.options(broker.port, "fake");
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert!(tc.is_connected());
    go.send(()).unwrap();
    (tc, broker)
}

fn disconnected_events(tc: &TestClient) -> Vec<mqtt_rs_result> {
    tc.observed.events.iter().filter(|e| e.0 == mqtt_rs_event_kind::MQTT_RS_EVENT_DISCONNECTED).map(|e| e.1).collect()
}

// ---------------------------------------------------------------------------
// a broker that misbehaves

#[test]
fn garbage_instead_of_connack_is_malformed() {
    let cases: [(&'static [u8], mqtt_rs_result); 5] = [
        (b"\x00\x00garbage", MQTT_RS_MALFORMED_PACKET),
        (b"\xff\xff\xff\xff\xff\xff", MQTT_RS_MALFORMED_PACKET),
        (&[0x21, 0x02, 0x00, 0x00], MQTT_RS_MALFORMED_FLAGS),
        (&[0x20, 0x02, 0x00, 0x09], MQTT_RS_MALFORMED_PACKET),
        // 'H' = 0x48: PUBACK with flags 8.
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", MQTT_RS_MALFORMED_FLAGS),
    ];
    for (reply, expected) in cases {
        let (rc, mut tc, broker) = connect_with_reply(reply, false);
        assert_eq!(rc, expected, "reply {reply:02x?}");
        assert_eq!(disconnected_events(&tc), [expected]);
        assert_closed_and_recovers(&mut tc, broker);
    }
}

#[test]
fn truncated_connack_then_close_is_connection_closed() {
    let (rc, mut tc, broker) = connect_with_reply(&[0x20, 0x02, 0x00], true);
    assert_eq!(rc, MQTT_RS_CONNECTION_CLOSED);
    assert_closed_and_recovers(&mut tc, broker);
    // Closing without a byte is the same.
    let (rc, mut tc, broker) = connect_with_reply(&[], true);
    assert_eq!(rc, MQTT_RS_CONNECTION_CLOSED);
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn oversize_remaining_length_is_malformed_remaining_length() {
    for reply in [&[0x20u8, 0xff, 0xff, 0xff, 0xff, 0x7f][..], &[0x20, 0x80, 0x80, 0x80, 0x80, 0x01], &[0x20, 0x82, 0x00, 0, 0]] {
        let (rc, mut tc, broker) = connect_with_reply(reply.to_vec().leak(), false);
        assert_eq!(rc, MQTT_RS_MALFORMED_REMAINING_LENGTH, "{reply:02x?}");
        assert_closed_and_recovers(&mut tc, broker);
    }
    // After CONNACK too, in the middle of a session.
    let (mut tc, broker) = connected_to(|c| c.send(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 512, 512);
    assert_eq!(tc.wait(2000), MQTT_RS_MALFORMED_REMAINING_LENGTH);
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn publish_acknowledgements_for_unknown_ids_are_ignored_and_counted() {
    // PUBACK, PUBCOMP and PUBREC for ids never used, then a message: the connection stays,
    // the PUBREC is answered with PUBREL, and the application can read the count.
    let (mut tc, broker) = connected_to(
        |c| {
            c.send(&[0x40, 0x02, 0x34, 0x6f, 0x70, 0x02, 0x03, 0xe7, 0x50, 0x02, 0x00, 0x63]);
            assert_eq!(c.expect(6), [0x62, 0x02, 0x00, 0x63]);
            c.send(&[0x30, 0x07, 0x00, 0x01, b't', b'a', b'f', b't', b'e']);
            c.expect(14);
        },
        512,
        512,
    );
    assert_eq!(tc.wait_messages(1, 3000).len(), 1);
    assert!(tc.is_connected());
    assert_eq!(unsafe { mqtt_rs_client_ignored_acks(tc.raw()) }, 3);
    // A QoS 1 flow of the session is unaffected.
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert_eq!(disconnected_events(&tc), [MQTT_RS_OK]);
    assert!(broker.join().eof);
}

#[test]
fn puback_answering_a_publish_with_another_id_is_ignored_and_the_publish_times_out() {
    let (mut tc, broker) = connected_to(
        |c| {
            let p = c.expect(3);
            let id = u16::from_be_bytes(publish_id(&p)).wrapping_add(1);
            c.send(&[0x40, 0x02, (id >> 8) as u8, id as u8]);
            c.expect(14);
        },
        512,
        512,
    );
    let topic = tc.cstr("t");
    let rc = unsafe { mqtt_rs_client_publish(tc.raw(), topic, null(), 0, 1, false, 500) };
    assert_eq!(rc, MQTT_RS_TIMEOUT);
    assert!(tc.is_connected());
    assert_eq!(unsafe { mqtt_rs_client_ignored_acks(tc.raw()) }, 1);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(broker.join().eof);
}

#[test]
fn pubrec_for_a_qos1_message_still_ends_the_connection() {
    // A known id at the wrong step is a real violation, unlike an unknown id.
    let (mut tc, broker) = connected_to(
        |c| {
            let p = c.expect(3);
            let [hi, lo] = publish_id(&p);
            c.send(&[0x50, 0x02, hi, lo]);
        },
        512,
        512,
    );
    assert_eq!(tc.publish("t", b"", 1, false), MQTT_RS_UNKNOWN_PACKET_ID);
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn broker_that_never_sends_connack_times_out() {
    let broker = FakeBroker::start(|c| {
        c.expect(1);
    });
    let mut tc = TestClient::new(512, 512, 4);
    let o = tc.options(broker.port, "stall");
    let start = Instant::now();
    assert_eq!(tc.connect_timeout(&o, 300), MQTT_RS_TIMEOUT);
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(250) && took < Duration::from_secs(3), "took {took:?}");
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn disconnect_that_cannot_be_written_times_out_and_closes() {
    let broker = FakeBroker::good();
    let mut tc = TestClient::new(512, 512, 4);
    let o = tc.options(broker.port, "stuck");
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    tc.net.stall_writes = true;
    let start = Instant::now();
    // SAFETY: `tc` owns an initialised client.
    assert_eq!(unsafe { mqtt_rs_client_disconnect(tc.raw(), 200) }, MQTT_RS_TIMEOUT);
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(150) && took < Duration::from_secs(3), "took {took:?}");
    tc.net.stall_writes = false;
    let report = assert_closed_and_recovers(&mut tc, broker);
    let kinds: Vec<u8> = report.received.iter().map(|p| p[0] >> 4).collect();
    assert_eq!(kinds, [1], "CONNECT only: the DISCONNECT never went out");
}

#[test]
fn broker_that_never_answers_pingreq_is_a_keepalive_timeout() {
    let (mut tc, broker) = {
        let broker = FakeBroker::start(|c| {
            c.expect(1);
            c.send(&CONNACK_OK);
            c.expect(12); // PINGREQ, never answered
        });
        let mut tc = TestClient::new(512, 512, 4);
        let mut o = tc.options(broker.port, "keepalive");
        o.keepalive_s = 1;
        assert_eq!(tc.connect(&o), MQTT_RS_OK);
        (tc, broker)
    };
    let start = Instant::now();
    assert_eq!(tc.wait(10_000), MQTT_RS_KEEPALIVE_TIMEOUT);
    let took = start.elapsed();
    // One second idle before the ping, one second waiting for PINGRESP.
    assert!(took >= Duration::from_millis(1500) && took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(disconnected_events(&tc), [MQTT_RS_KEEPALIVE_TIMEOUT]);
    let report = assert_closed_and_recovers(&mut tc, broker);
    assert_eq!(report.received.len(), 2);
}

#[test]
fn broker_that_answers_pingreq_keeps_the_connection() {
    let broker = FakeBroker::good();
    let mut tc = TestClient::new(512, 512, 4);
    let mut o = tc.options(broker.port, "keepalive");
    o.keepalive_s = 1;
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.wait(3500), MQTT_RS_OK);
    assert!(tc.is_connected());
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    let report = broker.join();
    let pings = report.received.iter().filter(|p| p[0] == 0xc0).count();
    assert!((2..=4).contains(&pings), "{pings} PINGREQs in 3.5 s with keepalive 1 s");
}

#[test]
fn suback_with_the_wrong_count_is_suback_mismatch() {
    let (mut tc, broker) = connected_to(
        |c| {
            let s = c.expect(8);
            c.send(&[0x90, 0x04, s[2], s[3], 0x00, 0x01]);
        },
        512,
        512,
    );
    assert_eq!(tc.subscribe("a/+", 1), MQTT_RS_SUBACK_MISMATCH);
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn connack_refusals_map_to_their_codes() {
    const REPLIES: [[u8; 4]; 5] = [[0x20, 2, 0, 1], [0x20, 2, 0, 2], [0x20, 2, 0, 3], [0x20, 2, 0, 4], [0x20, 2, 0, 5]];
    let expected = [
        MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL,
        MQTT_RS_CONNACK_IDENTIFIER_REJECTED,
        MQTT_RS_CONNACK_SERVER_UNAVAILABLE,
        MQTT_RS_CONNACK_BAD_USERNAME_OR_PASSWORD,
        MQTT_RS_CONNACK_NOT_AUTHORIZED,
    ];
    for (reply, code) in REPLIES.iter().zip(expected) {
        let (rc, mut tc, broker) = connect_with_reply(reply, false);
        assert_eq!(rc, code, "CONNACK {}", reply[3]);
        // The application hears of the refusal as a CONNECTED event with the code.
        let connected: Vec<_> = tc.observed.events.iter().filter(|e| e.0 == mqtt_rs_event_kind::MQTT_RS_EVENT_CONNECTED).map(|e| e.1).collect();
        assert_eq!(connected, [code]);
        assert_closed_and_recovers(&mut tc, broker);
    }
}

#[test]
fn connack_followed_by_garbage_in_the_same_read_is_reported_by_the_next_call() {
    // The broker accepts and breaks the protocol at once: connect reports the accepted
    // CONNACK, the garbage waits for the next call, which reports it.
    let (rc, mut tc, broker) = connect_with_reply(&[0x20, 0x02, 0x00, 0x00, 0x00, 0x00], false);
    assert_eq!(rc, MQTT_RS_OK);
    assert_eq!(tc.wait(2000), MQTT_RS_MALFORMED_PACKET);
    assert!(!tc.is_connected());
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn connect_returns_at_connack_and_leaves_what_follows_for_the_next_call() {
    // CONNACK, a message and the close in one write, five times: connect is OK every
    // time and delivers nothing; the next call delivers the message and reports the close.
    for run in 0..5 {
        let mut reply = CONNACK_OK.to_vec();
        reply.extend_from_slice(&[0x30, 0x05, 0x00, 0x01, b't', b'h', b'i']);
        let (rc, mut tc, broker) = connect_with_reply(reply.leak(), true);
        assert_eq!(rc, MQTT_RS_OK, "run {run}");
        assert!(tc.observed.messages.is_empty(), "run {run}: connect delivered a message");
        assert_eq!(tc.observed.events.len(), 1, "run {run}: only CONNECTED during connect");
        assert_eq!(tc.wait(2000), MQTT_RS_CONNECTION_CLOSED, "run {run}");
        assert_eq!(tc.observed.messages.len(), 1, "run {run}");
        assert_closed_and_recovers(&mut tc, broker);
    }
}

#[test]
fn begin_connect_reports_connected_before_any_message() {
    let mut reply = CONNACK_OK.to_vec();
    reply.extend_from_slice(&[0x30, 0x05, 0x00, 0x01, b't', b'h', b'i']);
    let (_, mut tc, broker) = connect_with_reply(reply.leak(), false);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    broker.join();
    // The same again without blocking: connected is observed inside on_message.
    let broker = FakeBroker::start(|c| {
        c.expect(1);
        c.send(&[0x20, 0x02, 0x00, 0x00, 0x30, 0x05, 0x00, 0x01, b't', b'h', b'i']);
        c.expect(14);
    });
    let client = tc.raw();
    let connected_at_message = std::rc::Rc::new(std::cell::Cell::new(None));
    let seen = connected_at_message.clone();
    tc.observed.message_hook = Some(Box::new(move |_| seen.set(Some(unsafe { mqtt_rs_client_is_connected(client) }))));
    let o = tc.options(broker.port, "nb");
    assert_eq!(unsafe { mqtt_rs_client_begin_connect(tc.raw(), &o) }, MQTT_RS_IN_PROGRESS);
    let end = Instant::now() + Duration::from_secs(5);
    while connected_at_message.get().is_none() && Instant::now() < end {
        assert_eq!(unsafe { mqtt_rs_client_poll(tc.raw(), null_mut()) }, MQTT_RS_OK);
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(connected_at_message.get(), Some(true));
    let kinds: Vec<_> = tc.observed.events.iter().map(|e| e.0).collect();
    assert_eq!(kinds[kinds.len() - 1], mqtt_rs_event_kind::MQTT_RS_EVENT_CONNECTED);
    tc.observed.message_hook = None;
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(broker.join().eof);
}

#[test]
fn blocking_subscribe_and_unsubscribe_keep_one_time_budget() {
    // One slot, held by a QoS 1 publish the broker acknowledges after 700 ms; SUBSCRIBE
    // and UNSUBSCRIBE are never answered. Each blocking call with 1000 ms must give up
    // about 1000 ms after it started, not 700 ms + 1000 ms.
    for unsubscribe in [false, true] {
        let broker = FakeBroker::start(|c| {
            c.expect(1);
            c.send(&CONNACK_OK);
            let p = c.expect(3);
            thread::sleep(Duration::from_millis(700));
            let [hi, lo] = publish_id(&p);
            c.send(&[0x40, 2, hi, lo]);
            c.packet_within(Duration::from_secs(3));
        });
        let mut tc = TestClient::new(512, 512, 1);
        let o = tc.options(broker.port, "budget");
        assert_eq!(tc.connect(&o), MQTT_RS_OK);
        let topic = tc.cstr("t");
        assert_eq!(unsafe { mqtt_rs_client_begin_publish(tc.raw(), topic, null(), 0, 1, false, null_mut()) }, MQTT_RS_IN_PROGRESS);
        let start = Instant::now();
        let rc = unsafe {
            if unsubscribe {
                mqtt_rs_client_unsubscribe(tc.raw(), &topic, 1, 1000)
            } else {
                let sub = mqtt_rs_subscription { filter: topic, qos: 0 };
                mqtt_rs_client_subscribe(tc.raw(), &sub, 1, null_mut(), 1000)
            }
        };
        let took = start.elapsed();
        assert_eq!(rc, MQTT_RS_TIMEOUT);
        assert!(took >= Duration::from_millis(950) && took < Duration::from_millis(1500), "unsubscribe {unsubscribe}: took {took:?}");
        unsafe { mqtt_rs_client_deinit(tc.raw()) };
        broker.join();
    }
}

#[test]
fn blocking_qos0_publish_does_not_read() {
    let (mut tc, broker) = connected_to(|c| while c.packet_within(Duration::from_secs(5)).is_some_and(|p| p[0] != 0xe0) {}, 512, 512);
    let reads = tc.net.reads;
    for _ in 0..200 {
        assert_eq!(tc.publish("q0", b"payload", 0, false), MQTT_RS_OK);
    }
    assert_eq!(tc.net.reads - reads, 0, "read calls during 200 blocking QoS 0 publishes");
    assert!(tc.net.writes >= 200);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert_eq!(broker.join().received.len(), 202);
}

/// What the callbacks of [`calls_from_callbacks_are_refused_or_queued_safely`] saw.
#[derive(Default, Debug, PartialEq)]
struct Reentry {
    /// Results of the calls made from inside `on_message`.
    from_message: Vec<mqtt_rs_result>,
    /// Results of the calls made from inside `on_event`.
    from_event: Vec<mqtt_rs_result>,
    /// The payload still read the same after the calls.
    payload_intact: bool,
}

/// Every call on `client` a callback might try; the blocking ones get short timeouts.
unsafe fn call_everything(client: *mut mqtt_rs_client, port: u16) -> Vec<mqtt_rs_result> {
    let topic = c"re/entry".as_ptr();
    let payload = b"BBBB";
    let sub = mqtt_rs_subscription { filter: topic, qos: 1 };
    let mut o: mqtt_rs_connect_options = std::mem::zeroed();
    mqtt_rs_connect_options_init(&mut o);
    o.host = c"127.0.0.1".as_ptr();
    o.port = port;
    let mut sleep = 0u32;
    let rcs = vec![
        mqtt_rs_client_publish(client, topic, payload.as_ptr(), 4, 1, false, 100),
        mqtt_rs_client_publish(client, topic, payload.as_ptr(), 4, 0, false, 100),
        mqtt_rs_client_subscribe(client, &sub, 1, null_mut(), 100),
        mqtt_rs_client_unsubscribe(client, &topic, 1, 100),
        mqtt_rs_client_wait(client, 10),
        mqtt_rs_client_poll(client, &mut sleep),
        mqtt_rs_client_connect(client, &o, 100, null_mut()),
        mqtt_rs_client_begin_connect(client, &o),
        mqtt_rs_client_disconnect(client, 100),
        mqtt_rs_client_begin_disconnect(client),
        // Queueing is allowed.
        mqtt_rs_client_begin_publish(client, topic, payload.as_ptr(), 4, 1, false, null_mut()),
    ];
    // Neither may deinit tear the client down under the caller's feet.
    mqtt_rs_client_deinit(client);
    rcs
}

#[test]
fn calls_from_callbacks_are_refused_or_queued_safely() {
    let broker = FakeBroker::start(|c| {
        c.expect(1);
        c.send(&CONNACK_OK);
        c.expect(8);
        c.send(&[0x90, 0x03, 0x00, 0x01, 0x01]);
        c.send(&[0x32, 0x0c, 0x00, 0x04, b'i', b'n', b'/', b'x', 0x00, 0x07, b'A', b'A', b'A', b'A']);
        // The PUBACK for it, and the QoS 1 message queued from inside the callbacks.
        let mut kinds = Vec::new();
        while let Some(p) = c.packet_within(Duration::from_secs(3)) {
            kinds.push(p[0] >> 4);
            if p[0] >> 4 == 3 {
                let [hi, lo] = publish_id(&p);
                c.send(&[0x40, 2, hi, lo]);
            }
            if p[0] >> 4 == 14 {
                break;
            }
        }
        kinds.sort();
        assert_eq!(kinds, [3, 3, 4, 14], "queued publishes from both callbacks, the PUBACK, DISCONNECT");
    });
    let mut tc = TestClient::new(512, 512, 4);
    let o = tc.options(broker.port, "reentry");
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    let client = tc.raw();
    let port = broker.port;
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Reentry::default()));
    let on_message = seen.clone();
    tc.observed.message_hook = Some(Box::new(move |m| unsafe {
        let before = std::slice::from_raw_parts(m.payload, m.payload_len).to_vec();
        let rcs = call_everything(client, port);
        let after = std::slice::from_raw_parts(m.payload, m.payload_len);
        let mut seen = on_message.borrow_mut();
        seen.from_message = rcs;
        seen.payload_intact = before == b"AAAA" && after == b"AAAA";
    }));
    let on_event = seen.clone();
    tc.observed.event_hook = Some(Box::new(move |e| unsafe {
        if e.kind == mqtt_rs_event_kind::MQTT_RS_EVENT_SUBSCRIBE_DONE {
            on_event.borrow_mut().from_event = call_everything(client, port);
        }
    }));
    assert_eq!(tc.subscribe("in/#", 1), MQTT_RS_OK);
    assert_eq!(tc.wait_messages(1, 3000).len(), 1);
    assert_eq!(tc.observed.messages[0].payload, b"AAAA");
    let refused = vec![MQTT_RS_CALLED_FROM_CALLBACK; 10];
    let expected = [refused, vec![MQTT_RS_IN_PROGRESS]].concat();
    let seen = seen.borrow();
    assert_eq!(seen.from_message, expected, "from on_message");
    assert_eq!(seen.from_event, expected, "from on_event");
    assert!(seen.payload_intact, "the message being delivered was overwritten");
    tc.observed.message_hook = None;
    tc.observed.event_hook = None;
    assert!(tc.is_connected(), "deinit from a callback tore the client down");
    assert_eq!(tc.wait(300), MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_client_inflight_count(tc.raw()) }, 0);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    broker.join();
}

#[test]
fn second_connack_is_a_protocol_violation() {
    let (mut tc, broker) = connected_to(|c| c.send(&CONNACK_OK), 512, 512);
    assert_eq!(tc.wait(2000), MQTT_RS_PROTOCOL_VIOLATION);
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn packets_only_a_broker_receives_are_protocol_violations() {
    for p in [&[0xc0u8, 0x00][..], &[0xe0, 0x00], &[0x82, 0x06, 0, 1, 0, 1, b'a', 0]] {
        let bytes: &'static [u8] = p.to_vec().leak();
        let (mut tc, broker) = connected_to(move |c| c.send(bytes), 512, 512);
        assert_eq!(tc.wait(2000), MQTT_RS_PROTOCOL_VIOLATION, "{p:02x?}");
        assert_closed_and_recovers(&mut tc, broker);
    }
}

#[test]
fn oversized_suback_is_packet_too_large() {
    let (mut tc, broker) = connected_to(
        |c| {
            let s = c.expect(8);
            let mut suback = vec![0x90, 102, s[2], s[3]];
            suback.extend([0u8; 100]);
            c.send(&suback);
        },
        512,
        64,
    );
    assert_eq!(tc.subscribe("a", 0), MQTT_RS_PACKET_TOO_LARGE);
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn broker_closing_mid_session_is_connection_closed() {
    let (mut tc, broker) = connected_to(|c| c.close_write(), 512, 512);
    assert_eq!(tc.wait(2000), MQTT_RS_CONNECTION_CLOSED);
    assert_closed_and_recovers(&mut tc, broker);
}

#[test]
fn connect_to_a_closed_port_is_net_connect_failed() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut tc = TestClient::new(512, 512, 4);
    let o = tc.options(port, "nobody");
    assert_eq!(tc.connect(&o), MQTT_RS_NET_CONNECT_FAILED);
    assert!(!tc.is_connected());
    let good = FakeBroker::good();
    let o = tc.options(good.port, "again");
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(good.join().eof);
}

// ---------------------------------------------------------------------------
// a well-behaved broker: what goes over the wire

#[test]
fn burst_of_qos0_publishes_is_written_in_one_call() {
    let (mut tc, broker) = connected_to(
        |c| {
            for _ in 0..10 {
                c.expect(3);
            }
            c.expect(14);
        },
        1024,
        512,
    );
    let topic = tc.cstr("burst");
    let payload: &'static [u8] = b"0123456789";
    for _ in 0..10 {
        let rc = unsafe { mqtt_rs_client_begin_publish(tc.raw(), topic, payload.as_ptr(), payload.len(), 0, false, null_mut()) };
        assert_eq!(rc, MQTT_RS_OK);
    }
    let writes = tc.net.writes;
    let mut sleep = 0u32;
    assert_eq!(unsafe { mqtt_rs_client_poll(tc.raw(), &mut sleep) }, MQTT_RS_OK);
    assert_eq!(tc.net.writes - writes, 1, "one write for the whole batch");
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    let report = broker.join();
    assert_eq!(report.received.len(), 12);
    for p in &report.received[1..11] {
        assert_eq!(p, &[0x30, 17, 0, 5, b'b', b'u', b'r', b's', b't', b'0', b'1', b'2', b'3', b'4', b'5', b'6', b'7', b'8', b'9']);
    }
}

#[test]
fn large_messages_both_ways_with_small_buffers() {
    let payload: Vec<u8> = (0..3000u32).map(|i| (i % 241) as u8).collect();
    let echo = payload.clone();
    let (mut tc, broker) = connected_to(
        move |c| {
            // The client's large QoS 1 PUBLISH arrives whole and correct.
            let p = c.expect(3);
            assert_eq!(&p[..10], [0x32, 0xc1, 0x17, 0, 5, b'l', b'a', b'r', b'g', b'e']);
            assert!(p[12..] == echo[..], "payload differs");
            c.send(&[0x40, 2, p[10], p[11]]);
            // A large QoS 1 PUBLISH to the client, read in chunks.
            let mut back = vec![0x32, 0xc1, 0x17, 0, 5, b'l', b'a', b'r', b'g', b'e', 0, 9];
            back.extend_from_slice(&echo);
            c.send(&back);
            assert_eq!(c.expect(4), [0x40, 2, 0, 9]);
            c.expect(14);
        },
        64,
        64,
    );
    assert_eq!(tc.publish("large", &payload, 1, false), MQTT_RS_OK);
    let got = tc.wait_messages(1, 5000).to_vec();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].topic, "large");
    assert!(got[0].payload == payload, "payload differs");
    assert!(got[0].chunks > 1, "delivered in chunks");
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(broker.join().eof);
}

#[test]
fn persistent_session_resends_after_reconnect_with_dup() {
    // The first broker takes the QoS 1 PUBLISH and drops the connection unanswered.
    let first = FakeBroker::start(|c| {
        c.expect(1);
        c.send(&CONNACK_OK);
        c.expect(3);
        c.close_write();
    });
    let mut tc = TestClient::new(512, 512, 4);
    let mut o = tc.options(first.port, "persistent");
    o.clean_session = false;
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.publish("p/q", b"keep", 1, false), MQTT_RS_CONNECTION_CLOSED);
    let report = first.join();
    assert!(report.eof);
    let original = report.received[1].clone();
    assert_eq!(original[0], 0x32);
    assert_eq!(unsafe { mqtt_rs_client_inflight_count(&*tc.client) }, 1);

    // The second broker gets it again, with DUP, right after CONNACK.
    let second = FakeBroker::start(|c| {
        c.expect(1);
        c.send(&[0x20, 0x02, 0x01, 0x00]);
        let p = c.expect(3);
        let [hi, lo] = publish_id(&p);
        c.send(&[0x40, 2, hi, lo]);
        c.expect(14);
    });
    let mut o = tc.options(second.port, "persistent");
    o.clean_session = false;
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.wait(500), MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_client_inflight_count(&*tc.client) }, 0);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    let report = second.join();
    let mut dup = original.clone();
    dup[0] |= 0x08;
    assert_eq!(report.received[1], dup);
    let done: Vec<_> = tc.observed.events.iter().filter(|e| e.0 == mqtt_rs_event_kind::MQTT_RS_EVENT_PUBLISH_DONE).map(|e| e.1).collect();
    assert_eq!(done, [MQTT_RS_OK]);
}

#[test]
fn refused_subscription_is_subscribe_failed_and_the_connection_stays() {
    let (mut tc, broker) = connected_to(
        |c| {
            let s = c.expect(8);
            c.send(&[0x90, 0x04, s[2], s[3], 0x01, 0x80]);
            c.expect(14);
        },
        512,
        512,
    );
    let subs = [mqtt_rs_subscription { filter: tc.cstr("ok/+"), qos: 1 }, mqtt_rs_subscription { filter: tc.cstr("denied/#"), qos: 2 }];
    let mut granted = [0xaau8; 2];
    let rc = unsafe { mqtt_rs_client_subscribe(tc.raw(), subs.as_ptr(), 2, granted.as_mut_ptr(), 5000) };
    assert_eq!(rc, MQTT_RS_SUBSCRIBE_FAILED);
    assert_eq!(granted, [0x01, 0x80]);
    assert!(tc.is_connected());
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(broker.join().eof);
}

#[test]
fn incoming_qos2_is_delivered_exactly_once() {
    let (mut tc, broker) = connected_to(
        |c| {
            let mut publish = vec![0x34, 0x09, 0, 3, b'q', b'/', b'2', 0x12, 0x34, b'h', b'i'];
            c.send(&publish);
            assert_eq!(c.expect(5), [0x50, 2, 0x12, 0x34]);
            publish[0] |= 0x08; // resent with DUP: our PUBREC "was lost"
            c.send(&publish);
            assert_eq!(c.expect(5), [0x50, 2, 0x12, 0x34]);
            c.send(&[0x62, 2, 0x12, 0x34]);
            assert_eq!(c.expect(7), [0x70, 2, 0x12, 0x34]);
            c.expect(14);
        },
        512,
        512,
    );
    assert_eq!(tc.wait(1500), MQTT_RS_OK);
    assert_eq!(tc.observed.messages.len(), 1);
    assert_eq!((tc.observed.messages[0].topic.as_str(), &tc.observed.messages[0].payload[..], tc.observed.messages[0].qos), ("q/2", &b"hi"[..], 2));
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(broker.join().eof);
}

#[test]
fn a_lost_session_frees_held_incoming_qos2_ids() {
    // The first broker delivers QoS 2 message 7 and drops the connection before PUBREL:
    // the client holds id 7 to recognise a resend.
    let first = FakeBroker::start(|c| {
        c.expect(1);
        c.send(&CONNACK_OK);
        c.send(&[0x34, 0x09, 0, 3, b'q', b'/', b'2', 0, 7, b'h', b'i']);
        assert_eq!(c.expect(5), [0x50, 2, 0, 7]);
        c.close_write();
    });
    let mut tc = TestClient::new(512, 512, 4);
    let mut o = tc.options(first.port, "lost-session");
    o.clean_session = false;
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.wait(1500), MQTT_RS_CONNECTION_CLOSED);
    assert!(first.join().eof);
    assert_eq!(tc.observed.messages.len(), 1);

    // The second broker lost the session (CONNACK without session present): it will never
    // release id 7 and reuses it for a new message, which must be delivered, not taken
    // for a duplicate.
    let second = FakeBroker::start(|c| {
        c.expect(1);
        c.send(&CONNACK_OK);
        c.send(&[0x34, 0x0a, 0, 3, b'q', b'/', b'2', 0, 7, b'n', b'e', b'w']);
        assert_eq!(c.expect(5), [0x50, 2, 0, 7]);
        c.send(&[0x62, 2, 0, 7]);
        assert_eq!(c.expect(7), [0x70, 2, 0, 7]);
        c.expect(14);
    });
    let mut o = tc.options(second.port, "lost-session");
    o.clean_session = false;
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.wait(1000), MQTT_RS_OK);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(second.join().eof);
    let payloads: Vec<&[u8]> = tc.observed.messages.iter().map(|m| &m.payload[..]).collect();
    assert_eq!(payloads, [&b"hi"[..], &b"new"[..]]);
}

#[test]
fn qos1_publish_that_times_out_completes_later() {
    let (mut tc, broker) = connected_to(
        |c| {
            let p = c.expect(3);
            thread::sleep(Duration::from_millis(600));
            let [hi, lo] = publish_id(&p);
            c.send(&[0x40, 2, hi, lo]);
            c.expect(14);
        },
        512,
        512,
    );
    let topic = tc.cstr("slow");
    let payload: &'static [u8] = b"ack me later";
    let rc = unsafe { mqtt_rs_client_publish(tc.raw(), topic, payload.as_ptr(), payload.len(), 1, false, 200) };
    assert_eq!(rc, MQTT_RS_TIMEOUT);
    assert!(tc.is_connected(), "a timeout leaves the connection up");
    assert_eq!(unsafe { mqtt_rs_client_inflight_count(&*tc.client) }, 1);
    assert_eq!(tc.wait(1500), MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_client_inflight_count(&*tc.client) }, 0);
    let done: Vec<_> = tc.observed.events.iter().filter(|e| e.0 == mqtt_rs_event_kind::MQTT_RS_EVENT_PUBLISH_DONE).map(|e| (e.1, e.2)).collect();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].0, MQTT_RS_OK);
    assert_ne!(done[0].1, 0);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(broker.join().eof);
}

#[test]
fn poll_reports_the_keepalive_deadline() {
    let broker = FakeBroker::good();
    let mut tc = TestClient::new(512, 512, 4);
    let mut o = tc.options(broker.port, "poll");
    o.keepalive_s = 5;
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    let mut sleep = 0u32;
    assert_eq!(unsafe { mqtt_rs_client_poll(tc.raw(), &mut sleep) }, MQTT_RS_OK);
    assert!(sleep > 3_000 && sleep <= 5_000, "sleep {sleep} ms with keepalive 5 s");
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert_eq!(unsafe { mqtt_rs_client_poll(tc.raw(), &mut sleep) }, MQTT_RS_NOT_CONNECTED);
    assert!(broker.join().eof);
}

// ---------------------------------------------------------------------------
// C API misuse

#[test]
fn null_arguments_are_null_argument() {
    let mut tc = TestClient::new(512, 512, 4);
    let topic = tc.cstr("t");
    let c = tc.raw();
    let nc: *mut mqtt_rs_client = null_mut();
    let mut o = tc.options(1, "id");
    let sub = mqtt_rs_subscription { filter: topic, qos: 0 };
    let filters = [topic];
    unsafe {
        // NULL client.
        assert_eq!(mqtt_rs_client_init(nc, &std::mem::zeroed()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_connect(nc, &o, 100, null_mut()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_connect(nc, &o), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_publish(nc, topic, null(), 0, 0, false, 100), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_publish(nc, topic, null(), 0, 0, false, null_mut()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_subscribe(nc, &sub, 1, null_mut(), 100), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_subscribe(nc, &sub, 1, null_mut()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_unsubscribe(nc, filters.as_ptr(), 1, 100), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_unsubscribe(nc, filters.as_ptr(), 1, null_mut()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_wait(nc, 10), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_poll(nc, null_mut()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_disconnect(nc, 10), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_disconnect(nc), MQTT_RS_NULL_ARGUMENT);
        assert!(!mqtt_rs_client_is_connected(null()));
        assert_eq!(mqtt_rs_client_inflight_count(null()), 0);
        mqtt_rs_connect_options_init(null_mut()); // no crash

        // NULL config and options, NULL fields.
        assert_eq!(mqtt_rs_client_init(c, null()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_connect(c, null(), 100, null_mut()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_connect(c, null()), MQTT_RS_NULL_ARGUMENT);
        o.host = null();
        assert_eq!(mqtt_rs_client_connect(c, &o, 100, null_mut()), MQTT_RS_NULL_ARGUMENT);
        let mut o = tc.options(1, "id");
        o.client_id = null();
        assert_eq!(mqtt_rs_client_connect(c, &o, 100, null_mut()), MQTT_RS_NULL_ARGUMENT);

        // NULL topic, payload, filters.
        assert_eq!(mqtt_rs_client_publish(c, null(), null(), 0, 0, false, 100), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_publish(c, null(), null(), 0, 0, false, null_mut()), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_publish(c, topic, null(), 5, 0, false, 100), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_subscribe(c, null(), 1, null_mut(), 100), MQTT_RS_NULL_ARGUMENT);
        let null_sub = mqtt_rs_subscription { filter: null(), qos: 0 };
        assert_eq!(mqtt_rs_client_subscribe(c, &null_sub, 1, null_mut(), 100), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_unsubscribe(c, null(), 1, 100), MQTT_RS_NULL_ARGUMENT);
        let null_filters = [null()];
        assert_eq!(mqtt_rs_client_unsubscribe(c, null_filters.as_ptr(), 1, 100), MQTT_RS_NULL_ARGUMENT);
    }
    // The client is still usable.
    let good = FakeBroker::good();
    let o = tc.options(good.port, "after-misuse");
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert!(good.join().eof);
}

#[test]
fn null_buffers_and_missing_callbacks_in_config_are_refused() {
    let mut net = Box::<TcpNet>::default();
    let mut tx = vec![0u8; 256];
    let mut rx = vec![0u8; 256];
    let mut slots: Vec<mqtt_rs_inflight_slot> = (0..2).map(|_| mqtt_rs_inflight_slot { opaque: [0; MQTT_RS_INFLIGHT_SLOT_WORDS] }).collect();
    let mut client = Box::new(mqtt_rs_client { opaque: [0; MQTT_RS_CLIENT_SIZE / 8] });
    let config = |tx: *mut u8, tx_len: usize, rx: *mut u8, rx_len: usize, slots: *mut mqtt_rs_inflight_slot, count: usize, net: &mut TcpNet| {
        mqtt_rs_client_config {
            net: tcp_callbacks(net),
            tx_buf: tx,
            tx_len,
            rx_buf: rx,
            rx_len,
            slots,
            slot_count: count,
            on_message: None,
            on_event: None,
            userdata: null_mut(),
            lock: None,
        }
    };
    let (t, r, s) = (tx.as_mut_ptr(), rx.as_mut_ptr(), slots.as_mut_ptr());
    unsafe {
        let c = &mut *client as *mut mqtt_rs_client;
        assert_eq!(mqtt_rs_client_init(c, &config(null_mut(), 256, r, 256, s, 2, &mut net)), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_init(c, &config(t, 256, null_mut(), 256, s, 2, &mut net)), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_init(c, &config(t, 256, r, 256, null_mut(), 2, &mut net)), MQTT_RS_NULL_ARGUMENT);
        assert_eq!(mqtt_rs_client_init(c, &config(t, 256, r, 256, s, 0, &mut net)), MQTT_RS_INVALID_ARGUMENT);
        let mut missing = config(t, 256, r, 256, s, 2, &mut net);
        missing.net.read = None;
        assert_eq!(mqtt_rs_client_init(c, &missing), MQTT_RS_INVALID_ARGUMENT);
        let mut missing = config(t, 256, r, 256, s, 2, &mut net);
        missing.net.now_ms = None;
        assert_eq!(mqtt_rs_client_init(c, &missing), MQTT_RS_INVALID_ARGUMENT);
        // Too small buffers: 10 bytes, and one under the documented minimum.
        assert_eq!(mqtt_rs_client_init(c, &config(t, 10, r, 256, s, 2, &mut net)), MQTT_RS_BUFFER_TOO_SMALL);
        assert_eq!(mqtt_rs_client_init(c, &config(t, 256, r, 10, s, 2, &mut net)), MQTT_RS_BUFFER_TOO_SMALL);
        let min = MQTT_RS_MIN_BUFFER_SIZE;
        assert_eq!(mqtt_rs_client_init(c, &config(t, min - 1, r, 256, s, 2, &mut net)), MQTT_RS_BUFFER_TOO_SMALL);
        // None of these initialised the client.
        assert_eq!(mqtt_rs_client_wait(c, 1), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_init(c, &config(t, min, r, min, s, 2, &mut net)), MQTT_RS_OK);
        assert_eq!(mqtt_rs_client_wait(c, 1), MQTT_RS_NOT_CONNECTED);
    }
}

#[test]
fn uninitialised_client_is_wrong_state() {
    let mut zeroed = Box::new(mqtt_rs_client { opaque: [0; MQTT_RS_CLIENT_SIZE / 8] });
    let c = &mut *zeroed as *mut mqtt_rs_client;
    let topic = c"t".as_ptr();
    let sub = mqtt_rs_subscription { filter: topic, qos: 0 };
    let filters = [topic];
    let mut o: mqtt_rs_connect_options = unsafe { std::mem::zeroed() };
    unsafe {
        mqtt_rs_connect_options_init(&mut o);
        o.host = c"127.0.0.1".as_ptr();
        assert_eq!(mqtt_rs_client_connect(c, &o, 100, null_mut()), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_begin_connect(c, &o), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_publish(c, topic, null(), 0, 0, false, 100), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_begin_publish(c, topic, null(), 0, 0, false, null_mut()), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_subscribe(c, &sub, 1, null_mut(), 100), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_unsubscribe(c, filters.as_ptr(), 1, 100), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_wait(c, 10), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_poll(c, null_mut()), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_disconnect(c, 10), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_begin_disconnect(c), MQTT_RS_WRONG_STATE);
        assert!(!mqtt_rs_client_is_connected(c));
        assert_eq!(mqtt_rs_client_inflight_count(c), 0);
    }
    assert_eq!(zeroed.opaque, [0; MQTT_RS_CLIENT_SIZE / 8], "an uninitialised client is not written to");
}

#[test]
fn requests_before_connect_are_wrong_state_and_calls_without_connection_not_connected() {
    let mut tc = TestClient::new(512, 512, 4);
    let c = tc.raw();
    let topic = tc.cstr("t");
    unsafe {
        assert_eq!(mqtt_rs_client_publish(c, topic, b"x".as_ptr(), 1, 0, false, 100), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_publish(c, topic, b"x".as_ptr(), 1, 1, false, 100), MQTT_RS_WRONG_STATE);
        assert_eq!(mqtt_rs_client_begin_publish(c, topic, b"x".as_ptr(), 1, 2, false, null_mut()), MQTT_RS_WRONG_STATE);
    }
    assert_eq!(tc.subscribe("t", 0), MQTT_RS_WRONG_STATE);
    assert_eq!(tc.wait(10), MQTT_RS_NOT_CONNECTED);
    assert_eq!(unsafe { mqtt_rs_client_poll(tc.raw(), null_mut()) }, MQTT_RS_NOT_CONNECTED);
    // As documented: disconnect without a connection is NOT_CONNECTED.
    assert_eq!(tc.disconnect(), MQTT_RS_NOT_CONNECTED);
    assert_eq!(unsafe { mqtt_rs_client_begin_disconnect(tc.raw()) }, MQTT_RS_NOT_CONNECTED);

    // Connecting twice is wrong state, and leaves the first connection alone.
    let good = FakeBroker::good();
    let o = tc.options(good.port, "twice");
    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    assert_eq!(tc.connect(&o), MQTT_RS_WRONG_STATE);
    assert_eq!(unsafe { mqtt_rs_client_begin_connect(tc.raw(), &o) }, MQTT_RS_WRONG_STATE);
    assert!(tc.is_connected());
    assert_eq!(tc.publish("t", b"x", 1, false), MQTT_RS_OK);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    assert_eq!(good.join().received.len(), 3);
}

#[test]
fn invalid_arguments_are_refused() {
    let good = FakeBroker::good();
    let mut tc = TestClient::new(512, 512, 4);
    let o = tc.options(good.port, "args");
    // Options: password without user, empty id with a persistent session, will QoS 3.
    let mut bad = tc.options(good.port, "args");
    let pw = b"pw";
    bad.password = pw.as_ptr();
    bad.password_len = 2;
    assert_eq!(tc.connect(&bad), MQTT_RS_INVALID_ARGUMENT);
    let mut bad = tc.options(good.port, "");
    bad.clean_session = false;
    assert_eq!(tc.connect(&bad), MQTT_RS_INVALID_ARGUMENT);
    let will = mqtt_rs_will { topic: tc.cstr("w"), payload: null(), payload_len: 0, qos: 3, retain: false };
    let mut bad = tc.options(good.port, "args");
    bad.will = &will;
    assert_eq!(tc.connect(&bad), MQTT_RS_INVALID_ARGUMENT);
    let wild_will = mqtt_rs_will { topic: tc.cstr("w/#"), payload: null(), payload_len: 0, qos: 0, retain: false };
    let mut bad = tc.options(good.port, "args");
    bad.will = &wild_will;
    assert_eq!(tc.connect(&bad), MQTT_RS_INVALID_TOPIC);
    let bad_utf8 = [b'a', 0xff, 0];
    let mut bad = tc.options(good.port, "args");
    bad.client_id = bad_utf8.as_ptr().cast();
    assert_eq!(tc.connect(&bad), MQTT_RS_INVALID_ARGUMENT);

    assert_eq!(tc.connect(&o), MQTT_RS_OK);
    let c = tc.raw();
    let topic = tc.cstr("t");
    unsafe {
        assert_eq!(mqtt_rs_client_publish(c, topic, null(), 0, 3, false, 100), MQTT_RS_INVALID_ARGUMENT);
        assert_eq!(mqtt_rs_client_begin_publish(c, topic, null(), 0, 255, false, null_mut()), MQTT_RS_INVALID_ARGUMENT);
        assert_eq!(mqtt_rs_client_publish(c, bad_utf8.as_ptr().cast(), null(), 0, 0, false, 100), MQTT_RS_INVALID_ARGUMENT);
        let sub = mqtt_rs_subscription { filter: topic, qos: 3 };
        assert_eq!(mqtt_rs_client_subscribe(c, &sub, 1, null_mut(), 100), MQTT_RS_INVALID_ARGUMENT);
        let sub = mqtt_rs_subscription { filter: topic, qos: 0 };
        assert_eq!(mqtt_rs_client_subscribe(c, &sub, 0, null_mut(), 100), MQTT_RS_INVALID_ARGUMENT);
    }
    // Wildcards or empty topics in a PUBLISH, malformed filters.
    for t in ["a/+", "#", "a/#", ""] {
        assert_eq!(tc.publish(t, b"x", 0, false), MQTT_RS_INVALID_TOPIC, "{t:?}");
        assert_eq!(tc.publish(t, b"x", 1, false), MQTT_RS_INVALID_TOPIC, "{t:?}");
    }
    // The non-blocking call checks plain ASCII topics in one pass: wildcards anywhere in
    // longer names, and text that is not UTF-8.
    for t in ["sensors/kitchen/+", "+/kitchen/temperature", "sensors/kit#hen/temperature", "abcdefg#", "#bcdefgh", "a/b/c/d/e/f/g/h/#"] {
        let topic = tc.cstr(t);
        assert_eq!(unsafe { mqtt_rs_client_begin_publish(c, topic, null(), 0, 0, false, null_mut()) }, MQTT_RS_INVALID_TOPIC, "{t:?}");
        assert_eq!(unsafe { mqtt_rs_client_begin_publish(c, topic, null(), 0, 1, false, null_mut()) }, MQTT_RS_INVALID_TOPIC, "{t:?}");
    }
    let bad_utf8_long = b"sensors/kitchen/\xc3(\0";
    assert_eq!(unsafe { mqtt_rs_client_begin_publish(c, bad_utf8_long.as_ptr().cast(), null(), 0, 0, false, null_mut()) }, MQTT_RS_INVALID_ARGUMENT);
    for f in ["a/#/b", "a+", "#a", ""] {
        assert_eq!(tc.subscribe(f, 0), MQTT_RS_INVALID_TOPIC, "{f:?}");
    }
    // A topic too long for the 512-byte transmit buffer.
    let long = "l".repeat(600);
    assert_eq!(tc.publish(&long, b"x", 0, false), MQTT_RS_BUFFER_TOO_SMALL);
    assert_eq!(tc.publish(&long, b"x", 1, false), MQTT_RS_BUFFER_TOO_SMALL);
    assert_eq!(unsafe { mqtt_rs_client_inflight_count(&*tc.client) }, 0);
    // None of it hurt the connection.
    assert!(tc.is_connected());
    assert_eq!(tc.publish("fine", b"x", 1, false), MQTT_RS_OK);
    assert_eq!(tc.disconnect(), MQTT_RS_OK);
    let report = good.join();
    let kinds: Vec<u8> = report.received.iter().map(|p| p[0] >> 4).collect();
    assert_eq!(kinds, [1, 3, 14], "only valid packets reached the broker");
}

#[test]
fn result_str_is_non_empty_and_distinct_for_every_code() {
    let mut seen = std::collections::HashSet::new();
    let last = MQTT_RS_PERSIST_REFUSED as i32;
    for code in 0..=last {
        let p = mqtt_rs_result_str(code);
        assert!(!p.is_null());
        let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
        assert!(!s.is_empty(), "code {code}");
        assert_ne!(s, "unknown result", "code {code} has no description");
        assert!(seen.insert(s.clone()), "code {code}: {s:?} repeated");
    }
    for unknown in [-1, last + 1, 1000, i32::MIN, i32::MAX] {
        let s = unsafe { CStr::from_ptr(mqtt_rs_result_str(unknown)) }.to_str().unwrap();
        assert_eq!(s, "unknown result");
    }
    // Every code has a description: the enum ends with the last one checked.
    assert_eq!(seen.len(), last as usize + 1);
}
