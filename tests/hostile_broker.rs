//! A hostile broker: a scripted fake broker on 127.0.0.1 plays one misbehaviour per case
//! against a client driven through the real C API (tests/common/net.rs).
//!
//! Every case must end in its defined result code, with a clean close (the client's
//! close callback ran, the DISCONNECTED event carries the same code, and the broker side
//! sees the socket closed), and the client must then connect again to the same broker,
//! publish at QoS 1 and disconnect. The run also checks that no file descriptor leaked.
//! All cases run in parallel; the table and the counts are printed.

#[allow(unused_imports)] // common re-exports the mosquitto helpers, unused here
mod common;

use common::net::TestClient;
use mqtt_rs::ffi::client::*;
use mqtt_rs::ffi::result::mqtt_rs_result::{self, *};
use mqtt_rs::ffi::types::{mqtt_rs_connect_options, mqtt_rs_event_kind};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The broker's end of one connection.
struct Peer {
    s: TcpStream,
    /// The script asked for a TCP reset: the socket is closed with SO_LINGER 0 after it.
    reset: bool,
    /// For cases that act on a connected client: `accept` waits for this signal that the
    /// connect call returned, so what follows CONNACK is not taken in by the connect call.
    connected: Option<mpsc::Receiver<()>>,
}

impl Peer {
    fn send(&mut self, bytes: &[u8]) {
        // The client may already have given up on us; that is its right.
        let _ = self.s.write_all(bytes);
    }

    /// Reads one whole packet (fixed header and body); None on EOF, error or 5 s silence.
    fn packet(&mut self) -> Option<Vec<u8>> {
        self.s.set_read_timeout(Some(Duration::from_secs(5))).ok();
        let mut p = vec![0u8; 1];
        self.s.read_exact(&mut p).ok()?;
        let mut len = 0usize;
        for i in 0..4 {
            let mut b = [0u8; 1];
            self.s.read_exact(&mut b).ok()?;
            p.push(b[0]);
            len |= usize::from(b[0] & 0x7f) << (7 * i);
            if b[0] & 0x80 == 0 {
                break;
            }
        }
        let start = p.len();
        p.resize(start + len, 0);
        self.s.read_exact(&mut p[start..]).ok()?;
        Some(p)
    }

    /// Reads until a packet of type `kind` arrives; returns it.
    fn expect(&mut self, kind: u8) -> Vec<u8> {
        loop {
            let p = self.packet().unwrap_or_else(|| panic!("connection ended while waiting for packet type {kind}"));
            if p[0] >> 4 == kind {
                return p;
            }
        }
    }

    /// Reads the client's CONNECT and accepts it.
    fn accept(&mut self) {
        self.expect(1);
        self.send(&[0x20, 2, 0, 0]);
        if let Some(connected) = self.connected.take() {
            // A failed connect drops the sender, which ends the wait at once.
            let _ = connected.recv_timeout(Duration::from_secs(10));
        }
    }

    /// The packet id of a SUBSCRIBE/PUBLISH QoS>0 packet `p` (after the topic for PUBLISH).
    fn id_of(p: &[u8]) -> u16 {
        let body = header_len(p);
        if p[0] >> 4 == 3 {
            let tl = usize::from(u16::from_be_bytes([p[body], p[body + 1]]));
            u16::from_be_bytes([p[body + 2 + tl], p[body + 3 + tl]])
        } else {
            u16::from_be_bytes([p[body], p[body + 1]])
        }
    }

    /// Closes with a TCP reset (RST) instead of a FIN once the script returns.
    fn reset(&mut self) {
        set_linger_zero(&self.s);
        self.reset = true;
    }

    /// True once the client closed its end (EOF or reset) within 5 s.
    fn sees_close(&mut self) -> bool {
        let end = Instant::now() + Duration::from_secs(5);
        let mut buf = [0u8; 4096];
        self.s.set_read_timeout(Some(Duration::from_millis(200))).ok();
        while Instant::now() < end {
            match self.s.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => return true,
            }
        }
        false
    }
}

fn header_len(p: &[u8]) -> usize {
    1 + p[1..].iter().position(|b| b & 0x80 == 0).unwrap() + 1
}

/// SO_LINGER 0: closing the socket then sends a RST.
fn set_linger_zero(s: &TcpStream) {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    struct Linger {
        onoff: i32,
        linger: i32,
    }
    extern "C" {
        fn setsockopt(fd: i32, level: i32, name: i32, value: *const std::ffi::c_void, len: u32) -> i32;
    }
    const SOL_SOCKET: i32 = 1;
    const SO_LINGER: i32 = 13;
    let l = Linger { onoff: 1, linger: 0 };
    // SAFETY: a valid socket and a correctly sized option value.
    unsafe { setsockopt(s.as_raw_fd(), SOL_SOCKET, SO_LINGER, (&l as *const Linger).cast(), 8) };
}

/// MQTT string.
fn s(text: &[u8]) -> Vec<u8> {
    let mut v = (text.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(text);
    v
}

fn varint(mut n: usize) -> Vec<u8> {
    let mut v = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        v.push(if n > 0 { b | 0x80 } else { b });
        if n == 0 {
            return v;
        }
    }
}

fn pkt(first: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![first];
    v.extend(varint(body.len()));
    v.extend_from_slice(body);
    v
}

/// PUBLISH with a raw topic (no checks: hostile on purpose).
fn publish(qos: u8, topic: &[u8], id: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = s(topic);
    if qos > 0 {
        body.extend(id.to_be_bytes());
    }
    body.extend_from_slice(payload);
    pkt(0x30 | qos << 1, &body)
}

fn ack(first: u8, id: u16) -> Vec<u8> {
    pkt(first, &id.to_be_bytes())
}

/// What the client does against the hostile broker.
#[derive(Clone, Copy)]
enum Act {
    /// `mqtt_rs_client_connect` with this timeout; its result is checked.
    Connect(u32),
    /// Connect (must succeed), then `mqtt_rs_client_wait` until it fails (or 8 s pass).
    Wait,
    /// Connect, then subscribe to one filter at QoS 1; the subscribe result is checked.
    Subscribe,
    /// Connect, then publish at this QoS; the publish result is checked.
    Publish(u8),
    /// Connect, then drain messages slowly (`wait(5)` and 5 ms of sleep) until it fails.
    SlowDrain,
}

type Script = fn(&mut Peer);
type Check = fn(&TestClient) -> Result<(), String>;

struct Case {
    name: &'static str,
    keepalive: u16,
    act: Act,
    script: Script,
    expect: mqtt_rs_result,
    check: Option<Check>,
}

const fn case(name: &'static str, act: Act, script: Script, expect: mqtt_rs_result) -> Case {
    Case { name, keepalive: 10, act, script, expect, check: None }
}

const fn slow(name: &'static str, keepalive: u16, act: Act, script: Script, expect: mqtt_rs_result) -> Case {
    Case { name, keepalive, act, script, expect, check: None }
}

/// An acknowledgement of kind `first` for an id never used, a message, then a close: the
/// client must keep the connection, deliver the message and count the acknowledgement.
fn ignored_ack(name: &'static str, first: u8) -> Case {
    let script: Script = match first {
        0x40 => |p| ignored_then_close(p, 0x40),
        0x50 => |p| ignored_then_close(p, 0x50),
        _ => |p| ignored_then_close(p, 0x70),
    };
    Case {
        check: Some(|c| {
            let ignored = unsafe { mqtt_rs_client_ignored_acks(&*c.client) };
            match (c.observed.messages.len(), ignored) {
                (1, 1) => Ok(()),
                (m, i) => Err(format!("{m} messages delivered, {i} acknowledgements ignored; expected 1 and 1")),
            }
        }),
        ..case(name, Act::Wait, script, MQTT_RS_CONNECTION_CLOSED)
    }
}

fn ignored_then_close(p: &mut Peer, first: u8) {
    p.accept();
    p.send(&ack(first, 77));
    if first == 0x50 {
        assert_eq!(p.expect(6), ack(0x62, 77), "PUBREL answering the unknown PUBREC");
    }
    p.send(&publish(0, b"after", 0, b"still here"));
    thread::sleep(Duration::from_millis(200));
    p.s.shutdown(Shutdown::Write).ok();
}

/// Broker bytes after the client's CONNECT was accepted.
macro_rules! after_connack {
    ($($bytes:expr),+) => {
        |p: &mut Peer| {
            p.accept();
            // Let the client's connect call return first, so the bytes meet its wait call.
            thread::sleep(Duration::from_millis(100));
            $(p.send(&$bytes);)+
        }
    };
}

const FLOOD: usize = 20_000;
const BIG: usize = 3_000_000;

fn cases() -> Vec<Case> {
    vec![
        // --- the fixed header ------------------------------------------------------
        case(
            "remaining length of 5 bytes",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 0x80, 0x80, 0x80, 0x80, 0x01])
            },
            MQTT_RS_MALFORMED_REMAINING_LENGTH,
        ),
        case(
            "remaining length not minimal (2 as 0x82 0x00)",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 0x82, 0x00, 0, 0])
            },
            MQTT_RS_MALFORMED_REMAINING_LENGTH,
        ),
        case(
            "remaining length 0x80 0x80 0x80 0x00 (zero, 4 bytes)",
            Act::Wait,
            after_connack!([0xd0, 0x80, 0x80, 0x80, 0x00]),
            MQTT_RS_MALFORMED_REMAINING_LENGTH,
        ),
        case(
            "CONNACK longer than the receive buffer",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 0xff, 0xff, 0x03]);
                p.send(&[0; 1000])
            },
            MQTT_RS_PACKET_TOO_LARGE,
        ),
        case("SUBACK declaring 2 MB, nothing follows", Act::Wait, after_connack!([0x90, 0x80, 0x80, 0x01, 0, 1]), MQTT_RS_PACKET_TOO_LARGE),
        case("PUBACK with remaining length 268435455", Act::Wait, after_connack!([0x40, 0xff, 0xff, 0xff, 0x7f, 0, 1]), MQTT_RS_PACKET_TOO_LARGE),
        case("packet type 0", Act::Wait, after_connack!([0x00, 0x00]), MQTT_RS_MALFORMED_PACKET),
        case("packet type 15", Act::Wait, after_connack!([0xf0, 0x00]), MQTT_RS_MALFORMED_PACKET),
        case(
            "CONNACK with reserved fixed-header flags",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x21, 2, 0, 0])
            },
            MQTT_RS_MALFORMED_FLAGS,
        ),
        case("PUBREL with flags 0000", Act::Wait, after_connack!(ack(0x60, 1)), MQTT_RS_MALFORMED_FLAGS),
        case("PUBACK with flags 0010", Act::Wait, after_connack!(ack(0x42, 1)), MQTT_RS_MALFORMED_FLAGS),
        case("PINGRESP with reserved flags", Act::Wait, after_connack!([0xd8, 0x00]), MQTT_RS_MALFORMED_FLAGS),
        // --- CONNACK -------------------------------------------------------------------
        case(
            "CONNACK return code 6",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 2, 0, 6])
            },
            MQTT_RS_MALFORMED_PACKET,
        ),
        case(
            "CONNACK with reserved acknowledge flags",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 2, 2, 0])
            },
            MQTT_RS_MALFORMED_PACKET,
        ),
        case(
            "CONNACK refusal with session present",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 2, 1, 5])
            },
            MQTT_RS_MALFORMED_PACKET,
        ),
        case(
            "CONNACK with a trailing byte",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 3, 0, 0, 0])
            },
            MQTT_RS_MALFORMED_PACKET,
        ),
        case(
            "CONNACK cut short (remaining length 1)",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 1, 0])
            },
            MQTT_RS_MALFORMED_PACKET,
        ),
        case(
            "CONNACK refused: bad protocol version",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 2, 0, 1])
            },
            MQTT_RS_CONNACK_UNACCEPTABLE_PROTOCOL,
        ),
        case(
            "CONNACK refused: not authorised",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 2, 0, 5])
            },
            MQTT_RS_CONNACK_NOT_AUTHORIZED,
        ),
        case("duplicate CONNACK", Act::Wait, after_connack!([0x20, 2, 0, 0]), MQTT_RS_PROTOCOL_VIOLATION),
        case(
            "late CONNACK after the connect timed out",
            Act::Connect(300),
            |p| {
                p.expect(1);
                thread::sleep(Duration::from_millis(800));
                p.send(&[0x20, 2, 0, 0])
            },
            MQTT_RS_TIMEOUT,
        ),
        case(
            "PUBLISH before CONNACK",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&publish(0, b"t", 0, b"x"))
            },
            MQTT_RS_PROTOCOL_VIOLATION,
        ),
        case(
            "SUBACK before CONNACK",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&pkt(0x90, &[0, 1, 0]))
            },
            MQTT_RS_PROTOCOL_VIOLATION,
        ),
        // --- PUBLISH -------------------------------------------------------------------
        case("PUBLISH with QoS 3", Act::Wait, after_connack!(pkt(0x36, &[0, 1, b't', 0, 1])), MQTT_RS_MALFORMED_QOS),
        case("PUBLISH QoS 0 with DUP set", Act::Wait, after_connack!(pkt(0x38, &[0, 1, b't'])), MQTT_RS_MALFORMED_FLAGS),
        case("PUBLISH topic with +", Act::Wait, after_connack!(publish(0, b"a/+/b", 0, b"x")), MQTT_RS_MALFORMED_TOPIC),
        case("PUBLISH topic with #", Act::Wait, after_connack!(publish(1, b"a/#", 1, b"x")), MQTT_RS_MALFORMED_TOPIC),
        case("PUBLISH with an empty topic", Act::Wait, after_connack!(publish(0, b"", 0, b"x")), MQTT_RS_MALFORMED_TOPIC),
        case("PUBLISH topic with invalid UTF-8", Act::Wait, after_connack!(publish(0, b"a/\xff\xfe", 0, b"x")), MQTT_RS_MALFORMED_UTF8),
        case("PUBLISH topic with U+0000", Act::Wait, after_connack!(publish(1, b"a\0b", 1, b"x")), MQTT_RS_MALFORMED_UTF8),
        case("PUBLISH topic with an overlong encoding", Act::Wait, after_connack!(publish(0, b"\xc0\xaf", 0, b"x")), MQTT_RS_MALFORMED_UTF8),
        case("PUBLISH topic with a UTF-16 surrogate", Act::Wait, after_connack!(publish(0, b"\xed\xa0\x80", 0, b"x")), MQTT_RS_MALFORMED_UTF8),
        case("PUBLISH QoS 1 with packet id 0", Act::Wait, after_connack!(publish(1, b"t", 0, b"x")), MQTT_RS_MALFORMED_PACKET_ID),
        case("PUBLISH QoS 2 with packet id 0", Act::Wait, after_connack!(publish(2, b"t", 0, b"x")), MQTT_RS_MALFORMED_PACKET_ID),
        case("PUBLISH topic length past the packet end", Act::Wait, after_connack!(pkt(0x30, &[0, 9, b'a'])), MQTT_RS_MALFORMED_PACKET),
        case("PUBLISH topic larger than the receive buffer", Act::Wait, after_connack!(publish(0, &[b'a'; 1000], 0, b"x")), MQTT_RS_PACKET_TOO_LARGE),
        Case {
            check: Some(|c| {
                let m = &c.observed.messages;
                match m.as_slice() {
                    [one] if one.payload.len() == BIG && one.chunks > 100 && one.payload.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8) => {
                        Ok(())
                    }
                    _ => Err(format!("expected one {BIG}-byte message in chunks, got {} messages", m.len())),
                }
            }),
            ..case(
                "PUBLISH larger than any buffer (3 MB), then close",
                Act::Wait,
                |p| {
                    p.accept();
                    let payload: Vec<u8> = (0..BIG).map(|i| (i % 251) as u8).collect();
                    p.send(&publish(1, b"big", 1, &payload));
                    p.expect(4);
                    p.s.shutdown(Shutdown::Write).ok();
                },
                MQTT_RS_CONNECTION_CLOSED,
            )
        },
        case(
            "PUBLISH declaring 256 MB, connection closed after 1 MB",
            Act::Wait,
            |p| {
                p.accept();
                thread::sleep(Duration::from_millis(100));
                p.send(&[0x30, 0xff, 0xff, 0xff, 0x7f, 0, 3, b'b', b'i', b'g']);
                p.send(&vec![7u8; 1 << 20]);
                p.s.shutdown(Shutdown::Write).ok();
            },
            MQTT_RS_CONNECTION_CLOSED,
        ),
        // --- acknowledgements ------------------------------------------------------------
        // MQTT 3.1.1 does not make these violations: ignored and counted, the connection stays.
        ignored_ack("PUBACK for an unknown id is ignored, then close", 0x40),
        ignored_ack("PUBREC for an unknown id is answered with PUBREL, then close", 0x50),
        ignored_ack("PUBCOMP for an unknown id is ignored, then close", 0x70),
        case("SUBACK for an unknown id", Act::Wait, after_connack!(pkt(0x90, &[0, 77, 1])), MQTT_RS_UNKNOWN_PACKET_ID),
        case("UNSUBACK for an unknown id", Act::Wait, after_connack!(ack(0xb0, 77)), MQTT_RS_UNKNOWN_PACKET_ID),
        case("PUBACK with packet id 0", Act::Wait, after_connack!(ack(0x40, 0)), MQTT_RS_MALFORMED_PACKET_ID),
        case("PUBACK with a trailing byte", Act::Wait, after_connack!(pkt(0x40, &[0, 1, 0])), MQTT_RS_MALFORMED_PACKET),
        case("PINGRESP with a body", Act::Wait, after_connack!([0xd0, 1, 0]), MQTT_RS_MALFORMED_PACKET),
        case(
            "PUBREC answering a QoS 1 PUBLISH",
            Act::Publish(1),
            |p| {
                p.accept();
                let id = Peer::id_of(&p.expect(3));
                p.send(&ack(0x50, id))
            },
            MQTT_RS_UNKNOWN_PACKET_ID,
        ),
        case(
            "PUBACK answering a QoS 2 PUBLISH",
            Act::Publish(2),
            |p| {
                p.accept();
                let id = Peer::id_of(&p.expect(3));
                p.send(&ack(0x40, id))
            },
            MQTT_RS_UNKNOWN_PACKET_ID,
        ),
        case(
            "PUBCOMP before PUBREC",
            Act::Publish(2),
            |p| {
                p.accept();
                let id = Peer::id_of(&p.expect(3));
                p.send(&ack(0x70, id))
            },
            MQTT_RS_UNKNOWN_PACKET_ID,
        ),
        case(
            "SUBACK with two codes for one filter",
            Act::Subscribe,
            |p| {
                p.accept();
                let id = Peer::id_of(&p.expect(8));
                p.send(&pkt(0x90, &[(id >> 8) as u8, id as u8, 1, 1]))
            },
            MQTT_RS_SUBACK_MISMATCH,
        ),
        case(
            "SUBACK with no return code",
            Act::Subscribe,
            |p| {
                p.accept();
                let id = Peer::id_of(&p.expect(8));
                p.send(&ack(0x90, id))
            },
            MQTT_RS_MALFORMED_PACKET,
        ),
        case(
            "SUBACK with return code 3",
            Act::Subscribe,
            |p| {
                p.accept();
                let id = Peer::id_of(&p.expect(8));
                p.send(&pkt(0x90, &[(id >> 8) as u8, id as u8, 3]))
            },
            MQTT_RS_MALFORMED_PACKET,
        ),
        case(
            "UNSUBACK answering a SUBSCRIBE",
            Act::Subscribe,
            |p| {
                p.accept();
                let id = Peer::id_of(&p.expect(8));
                p.send(&ack(0xb0, id))
            },
            MQTT_RS_UNKNOWN_PACKET_ID,
        ),
        // --- packets a client must never receive ----------------------------------------
        case(
            "CONNECT sent to the client",
            Act::Wait,
            after_connack!(pkt(0x10, &[0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 0])),
            MQTT_RS_PROTOCOL_VIOLATION,
        ),
        case("SUBSCRIBE sent to the client", Act::Wait, after_connack!(pkt(0x82, &[0, 1, 0, 1, b't', 0])), MQTT_RS_PROTOCOL_VIOLATION),
        case("PINGREQ sent to the client", Act::Wait, after_connack!([0xc0, 0]), MQTT_RS_PROTOCOL_VIOLATION),
        case("DISCONNECT sent to the client", Act::Wait, after_connack!([0xe0, 0]), MQTT_RS_PROTOCOL_VIOLATION),
        // --- the connection itself -------------------------------------------------------
        case(
            "closed before CONNACK",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.s.shutdown(Shutdown::Both).ok();
            },
            MQTT_RS_CONNECTION_CLOSED,
        ),
        case(
            "reset in the middle of CONNACK",
            Act::Connect(5000),
            |p| {
                p.expect(1);
                p.send(&[0x20, 2]);
                thread::sleep(Duration::from_millis(50));
                p.reset()
            },
            MQTT_RS_CONNECTION_CLOSED,
        ),
        case(
            "reset in the middle of a PUBLISH",
            Act::Wait,
            |p| {
                p.accept();
                p.send(&publish(1, b"t", 1, &[1; 100])[..50]);
                thread::sleep(Duration::from_millis(50));
                p.reset()
            },
            MQTT_RS_CONNECTION_CLOSED,
        ),
        slow(
            "stalls in the middle of CONNACK (connect timeout)",
            10,
            Act::Connect(700),
            |p| {
                p.expect(1);
                p.send(&[0x20, 2, 0]);
                thread::sleep(Duration::from_millis(1500))
            },
            MQTT_RS_TIMEOUT,
        ),
        slow(
            "never answers CONNECT (keepalive 1 s)",
            1,
            Act::Connect(5000),
            |p| {
                p.expect(1);
                thread::sleep(Duration::from_millis(2500))
            },
            MQTT_RS_KEEPALIVE_TIMEOUT,
        ),
        slow(
            "stalls in the middle of a PUBLISH (keepalive 1 s)",
            1,
            Act::Wait,
            |p| {
                p.accept();
                p.send(&publish(0, b"t", 0, &[1; 100])[..40]);
                thread::sleep(Duration::from_millis(4000))
            },
            MQTT_RS_KEEPALIVE_TIMEOUT,
        ),
        slow(
            "one byte a second (keepalive 1 s)",
            1,
            Act::Wait,
            |p| {
                p.accept();
                for b in publish(0, b"slow", 0, &[1; 100]).iter().take(6) {
                    p.send(&[*b]);
                    thread::sleep(Duration::from_secs(1));
                }
            },
            MQTT_RS_KEEPALIVE_TIMEOUT,
        ),
        slow(
            "CONNACK one byte a second",
            10,
            Act::Connect(8000),
            |p| {
                p.expect(1);
                for b in [0x20, 2, 0, 0] {
                    thread::sleep(Duration::from_millis(1000));
                    p.send(&[b]);
                }
                p.expect(14); // the client's DISCONNECT after the case
            },
            MQTT_RS_OK,
        ),
        slow(
            "stops reading while the client must answer (keepalive 1 s)",
            1,
            Act::Wait,
            |p| {
                p.accept();
                // QoS 1 messages whose PUBACKs are never read: the socket buffers fill up.
                let burst: Vec<u8> = (1..=2000u16).flat_map(|i| publish(1, b"t", i, &[0; 200])).collect();
                p.s.set_write_timeout(Some(Duration::from_secs(6))).ok();
                p.send(&burst);
                thread::sleep(Duration::from_millis(6000));
            },
            MQTT_RS_KEEPALIVE_TIMEOUT,
        ),
        Case {
            check: Some(|c| {
                let m = &c.observed.messages;
                let in_order = m.iter().enumerate().all(|(i, r)| r.payload == (i as u32).to_be_bytes());
                if m.len() == FLOOD && in_order {
                    Ok(())
                } else {
                    Err(format!("{} of {FLOOD} messages, in order: {in_order}", m.len()))
                }
            }),
            ..case(
                "a flood of QoS 1 PUBLISH faster than the app drains",
                Act::SlowDrain,
                |p| {
                    p.accept();
                    let reader = p.s.try_clone().unwrap();
                    let acks = thread::spawn(move || {
                        let mut r = Peer { s: reader, reset: false, connected: None };
                        (0..FLOOD).filter(|_| r.packet().is_some_and(|p| p[0] == 0x40)).count()
                    });
                    for i in 0..FLOOD {
                        p.send(&publish(1, b"flood", (i % 65535 + 1) as u16, &(i as u32).to_be_bytes()));
                    }
                    assert_eq!(acks.join().unwrap(), FLOOD, "PUBACKs for the flood");
                    p.s.shutdown(Shutdown::Write).ok();
                },
                MQTT_RS_CONNECTION_CLOSED,
            )
        },
        Case {
            check: Some(|c| match c.observed.messages.len() {
                1 => Ok(()),
                n => Err(format!("a QoS 2 message resent before PUBREL must be delivered once, got {n}")),
            }),
            ..case(
                "QoS 2 PUBLISH resent with DUP before PUBREL",
                Act::Wait,
                |p| {
                    p.accept();
                    p.send(&publish(2, b"q2", 9, b"once"));
                    p.expect(5);
                    let mut dup = publish(2, b"q2", 9, b"once");
                    dup[0] |= 0x08;
                    p.send(&dup);
                    p.expect(5);
                    p.send(&ack(0x62, 9));
                    p.expect(7);
                    p.s.shutdown(Shutdown::Write).ok();
                },
                MQTT_RS_CONNECTION_CLOSED,
            )
        },
        case(
            "PUBREL for an unknown id is answered, then close",
            Act::Wait,
            |p| {
                p.accept();
                p.send(&ack(0x62, 99));
                let comp = p.expect(7);
                assert_eq!(comp, ack(0x70, 99));
                p.s.shutdown(Shutdown::Write).ok();
            },
            MQTT_RS_CONNECTION_CLOSED,
        ),
    ]
}

/// What one case observed.
struct Outcome {
    name: &'static str,
    problems: Vec<String>,
    result: mqtt_rs_result,
}

fn run_case(c: &Case) -> Outcome {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let script = c.script;
    let (tx, rx) = mpsc::channel();
    let (connected_tx, connected_rx) = mpsc::channel();
    let wait_for_connect = !matches!(c.act, Act::Connect(_));
    let broker = thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let mut p = Peer { s, reset: false, connected: wait_for_connect.then_some(connected_rx) };
        script(&mut p);
        let closed = p.reset || p.sees_close();
        drop(p);
        tx.send(closed).ok();
        // Second connection: a well-behaved broker.
        listener.set_nonblocking(false).ok();
        let (s, _) = listener.accept().unwrap();
        let mut p = Peer { s, reset: false, connected: None };
        p.accept();
        let publish = p.expect(3);
        p.send(&ack(0x40, Peer::id_of(&publish)));
        p.expect(14);
        p.sees_close()
    });

    let mut problems = Vec::new();
    let mut client = TestClient::new(256, 256, 4);
    let mut o = client.options(port, "hostile");
    o.keepalive_s = c.keepalive;
    let connect = |client: &mut TestClient, o: &mqtt_rs_connect_options, timeout: u32| unsafe {
        mqtt_rs_client_connect(client.raw(), o, timeout, std::ptr::null_mut())
    };
    let result = match c.act {
        Act::Connect(timeout) => connect(&mut client, &o, timeout),
        act => match connect(&mut client, &o, 5000) {
            MQTT_RS_OK => {
                // Let the broker script go on only now (see Peer::connected).
                let _ = connected_tx.send(());
                match act {
                    Act::Subscribe => client.subscribe("a/#", 1),
                    Act::Publish(qos) => client.publish("p/q", b"payload", qos, false),
                    _ => {
                        let end = Instant::now() + Duration::from_secs(15);
                        loop {
                            let rc = client.wait(if matches!(act, Act::SlowDrain) { 5 } else { 100 });
                            if rc != MQTT_RS_OK || Instant::now() > end {
                                break rc;
                            }
                            if matches!(act, Act::SlowDrain) {
                                thread::sleep(Duration::from_millis(5));
                            }
                        }
                    }
                }
            }
            other => {
                problems.push(format!("connect failed with {other:?}"));
                other
            }
        },
    };
    if result != c.expect {
        problems.push(format!("result {result:?}, expected {:?}", c.expect));
    }
    if result == MQTT_RS_OK {
        // The case ends with the client's own clean disconnect.
        let rc = client.disconnect();
        if rc != MQTT_RS_OK {
            problems.push(format!("disconnect: {rc:?}"));
        }
    }
    if client.net.stream.is_some() {
        problems.push("the close callback was not called".into());
    }
    let disconnected: Vec<mqtt_rs_result> =
        client.observed.events.iter().filter(|e| e.0 == mqtt_rs_event_kind::MQTT_RS_EVENT_DISCONNECTED).map(|e| e.1).collect();
    match disconnected.as_slice() {
        [one] if *one == result || result == MQTT_RS_TIMEOUT => {}
        other => problems.push(format!("DISCONNECTED events {other:?}, expected one with {result:?}")),
    }
    if let Some(check) = c.check {
        if let Err(e) = check(&client) {
            problems.push(e);
        }
    }
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(true) => {}
        Ok(false) => problems.push("the broker side did not see the connection closed".into()),
        Err(_) => problems.push("the broker script did not finish".into()),
    }

    // The same client connects again, publishes and leaves cleanly.
    o.keepalive_s = 10;
    let again = connect(&mut client, &o, 5000);
    let publish = client.publish("again", b"ok", 1, false);
    let disconnect = client.disconnect();
    if (again, publish, disconnect) != (MQTT_RS_OK, MQTT_RS_OK, MQTT_RS_OK) {
        problems.push(format!("afterwards: connect {again:?}, publish {publish:?}, disconnect {disconnect:?}"));
    }
    match broker.join() {
        Ok(true) => {}
        Ok(false) => problems.push("second connection not closed".into()),
        Err(_) => problems.push("the broker thread panicked".into()),
    }
    Outcome { name: c.name, problems, result }
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0)
}

#[test]
fn hostile_broker_cases() {
    let cases = cases();
    assert!(cases.len() >= 40, "the issue asks for at least 40 cases, there are {}", cases.len());
    let fds_before = open_fds();
    let started = Instant::now();
    let outcomes: Vec<Outcome> = thread::scope(|scope| {
        let handles: Vec<_> = cases.iter().map(|c| scope.spawn(move || run_case(c))).collect();
        handles.into_iter().map(|h| h.join().expect("case thread panicked")).collect()
    });
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.problems.is_empty()).collect();
    for o in &outcomes {
        let status = if o.problems.is_empty() { "ok  " } else { "FAIL" };
        println!("{status} {:<62} {:?} {}", o.name, o.result, o.problems.join("; "));
    }
    let fds_after = open_fds();
    // Straight to stderr, past libtest's capture, so CI logs show the count.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "hostile broker: {} cases, {} passed, {} failed, {:.1} s; open fds before {fds_before}, after {fds_after}",
        outcomes.len(),
        outcomes.len() - failed.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failed.is_empty(), "{} hostile-broker cases failed: {:?}", failed.len(), failed.iter().map(|o| o.name).collect::<Vec<_>>());
    assert!(fds_after <= fds_before, "file descriptors leaked: {fds_before} before, {fds_after} after");
}
