//! Engine tests: byte streams in, bytes and events out, a fake clock; no network.

use mqtt_rs::codec::packet::Connack;
use mqtt_rs::codec::{decode, encode, Connect, Packet, ProtocolVersion, Publish, QoS, Suback};
use mqtt_rs::engine::{Engine, Error, Event, FlowKind, Inbox, Progress, Slot, State};

// ---------------------------------------------------------------------------
// harness

/// An event copied out of the engine's borrow.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ev {
    Connected(bool),
    Msg(Msg),
    Done(u16),
    Subscribed(u16, Vec<u8>),
    Unsubscribed(u16),
    Discarded(u16, FlowKind),
    #[cfg(feature = "persist")]
    Released(u16),
    #[cfg(feature = "persist")]
    IncomingDone(u16),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Msg {
    topic: String,
    payload: Vec<u8>,
    offset: usize,
    total: usize,
    qos: QoS,
    retain: bool,
    dup: bool,
    id: u16,
}

fn own(e: &Event<'_>) -> Ev {
    match *e {
        Event::Connected { session_present, .. } => Ev::Connected(session_present),
        Event::Message(m) => Ev::Msg(Msg {
            topic: m.topic.to_owned(),
            payload: m.payload.to_vec(),
            offset: m.offset,
            total: m.total,
            qos: m.qos,
            retain: m.retain,
            dup: m.dup,
            id: m.packet_id,
        }),
        Event::PublishDone { packet_id, .. } => Ev::Done(packet_id),
        Event::Subscribed { packet_id, return_codes, .. } => Ev::Subscribed(packet_id, return_codes.to_vec()),
        Event::Unsubscribed { packet_id, .. } => Ev::Unsubscribed(packet_id),
        Event::Discarded { packet_id, kind } => Ev::Discarded(packet_id, kind),
        #[cfg(feature = "persist")]
        Event::Released { packet_id } => Ev::Released(packet_id),
        #[cfg(feature = "persist")]
        Event::IncomingDone { packet_id } => Ev::IncomingDone(packet_id),
        #[cfg(feature = "mqtt5")]
        Event::Auth { .. } => unreachable!("MQTT 3.1.1 has no AUTH"),
    }
}

/// Records an event; the PUBREC and PUBREL steps (feature `persist`) are left out of the
/// lists the tests compare, and checked on their own in
/// `pubrec_is_reported_before_its_pubrel_is_written` and `pubrel_is_reported_before_its_pubcomp_is_written`.
fn record(evs: &mut Vec<Ev>, e: &Event<'_>) {
    match own(e) {
        #[cfg(feature = "persist")]
        Ev::Released(_) | Ev::IncomingDone(_) => {}
        ev => evs.push(ev),
    }
}

fn leak<T>(v: Vec<T>) -> &'static mut [T] {
    Box::leak(v.into_boxed_slice())
}

fn text(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

struct H {
    e: Engine<'static>,
    inbox: Inbox<'static>,
    now: u32,
}

impl H {
    fn new(tx: usize, rx: usize, slots: usize) -> H {
        H { e: Engine::new(leak(vec![0; tx]), leak(vec![Slot::FREE; slots])), inbox: Inbox::new(leak(vec![0; rx])), now: 0 }
    }

    /// Takes everything the engine wants to write, in `step`-byte writes.
    fn out_by(&mut self, step: usize) -> Vec<u8> {
        let mut wire = Vec::new();
        loop {
            let pending = self.e.pending_output();
            if pending.is_empty() {
                return wire;
            }
            let n = pending.len().min(step);
            wire.extend_from_slice(&pending[..n]);
            self.e.output_written(n);
        }
    }

    fn out(&mut self) -> Vec<u8> {
        self.out_by(usize::MAX)
    }

    /// Runs `next_event` until idle. Output is left queued unless the engine stalls on
    /// a full transmit buffer, in which case it is moved to `wire`.
    fn events_into(&mut self, evs: &mut Vec<Ev>, wire: &mut Vec<u8>) -> Result<(), Error> {
        loop {
            match self.e.next_event(&mut self.inbox, self.now)? {
                Progress::Event(e) => record(evs, &e),
                Progress::Handled => {}
                Progress::Idle => {
                    if self.e.pending_output().is_empty() {
                        return Ok(());
                    }
                    wire.extend(self.out());
                    // Retry once with an empty transmit buffer.
                    match self.e.next_event(&mut self.inbox, self.now)? {
                        Progress::Event(e) => record(evs, &e),
                        Progress::Handled => {}
                        Progress::Idle => return Ok(()),
                    }
                }
            }
        }
    }

    /// Feeds `bytes` into the receive buffer `step` bytes at a time, handling packets
    /// as they complete. Returns the events and everything written meanwhile plus what
    /// is queued at the end.
    fn feed_by(&mut self, bytes: &[u8], step: usize) -> Result<(Vec<Ev>, Vec<u8>), Error> {
        let mut evs = Vec::new();
        let mut wire = Vec::new();
        let mut rest = bytes;
        loop {
            self.events_into(&mut evs, &mut wire)?;
            if rest.is_empty() {
                break;
            }
            let space = self.inbox.space();
            let n = space.len().min(step).min(rest.len());
            assert!(n > 0, "receive buffer stuck full with {} bytes left to feed", rest.len());
            space[..n].copy_from_slice(&rest[..n]);
            self.inbox.filled(n);
            rest = &rest[n..];
        }
        wire.extend(self.out());
        Ok((evs, wire))
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<(Vec<Ev>, Vec<u8>), Error> {
        self.feed_by(bytes, usize::MAX)
    }

    /// Feeds and expects no error and no output.
    fn feed_events(&mut self, bytes: &[u8]) -> Vec<Ev> {
        let (evs, wire) = self.feed(bytes).expect("feed");
        assert_eq!(wire, [], "unexpected output");
        evs
    }

    fn connect_with(&mut self, clean: bool, keepalive: u16, max_inflight: u16) -> Vec<u8> {
        let c = connect_packet(clean, keepalive);
        self.e.connect(&c, max_inflight, self.now).expect("connect");
        assert_eq!(self.e.state(), State::Connecting);
        self.out()
    }

    /// Connects and accepts; returns the events of the CONNACK and the bytes sent after it.
    fn session(&mut self, clean: bool, keepalive: u16, max_inflight: u16, present: bool) -> (Vec<Ev>, Vec<u8>) {
        let sent = self.connect_with(clean, keepalive, max_inflight);
        assert_eq!(sent, bytes(&Packet::Connect(connect_packet(clean, keepalive))));
        let (mut evs, mut wire) = self.feed(&connack(present, 0)).expect("CONNACK");
        assert_eq!(self.e.state(), State::Connected);
        let (more, rest) = self.feed(&[]).unwrap();
        evs.extend(more);
        wire.extend(rest);
        (evs, wire)
    }

    fn connected(tx: usize, rx: usize, slots: usize) -> H {
        let mut h = H::new(tx, rx, slots);
        let (evs, wire) = h.session(true, 0, 0, false);
        assert_eq!(evs, [Ev::Connected(false)]);
        assert_eq!(wire, []);
        h
    }

    fn publish(&mut self, topic: &'static str, payload: &'static [u8], qos: QoS) -> Result<u16, Error> {
        self.e.publish(topic, payload, qos, false, self.now)
    }

    fn subscribe(&mut self, filters: &[(&'static str, QoS)]) -> Result<u16, Error> {
        self.e.subscribe(filters.iter().map(|(f, q)| (f.as_bytes(), *q)), self.now)
    }
}

fn connect_packet(clean: bool, keepalive: u16) -> Connect<'static> {
    Connect {
        version: ProtocolVersion::V3_1_1,
        client_id: "engine-test",
        clean_session: clean,
        keepalive,
        username: None,
        password: None,
        will: None,
    }
}

fn bytes(p: &Packet<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; 70_000];
    let n = encode::packet(p, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

fn connack(present: bool, code: u8) -> Vec<u8> {
    bytes(&Packet::Connack(Connack { session_present: present, code }))
}

fn publish_bytes(topic: &str, payload: &[u8], qos: QoS, id: u16, dup: bool) -> Vec<u8> {
    bytes(&Packet::Publish(Publish { topic, payload, qos, retain: false, dup, packet_id: id }))
}

fn puback(id: u16) -> Vec<u8> {
    bytes(&Packet::Puback(id))
}
fn pubrec(id: u16) -> Vec<u8> {
    bytes(&Packet::Pubrec(id))
}
fn pubrel(id: u16) -> Vec<u8> {
    bytes(&Packet::Pubrel(id))
}
fn pubcomp(id: u16) -> Vec<u8> {
    bytes(&Packet::Pubcomp(id))
}

/// Splits a byte stream into packets.
fn split(mut wire: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !wire.is_empty() {
        let header = decode::fixed_header(wire).unwrap().expect("whole fixed header");
        let (p, rest) = wire.split_at(header.packet_len());
        out.push(p.to_vec());
        wire = rest;
    }
    out
}

fn msg(topic: &str, payload: &[u8], qos: QoS, id: u16, dup: bool) -> Ev {
    Ev::Msg(Msg { topic: topic.into(), payload: payload.into(), offset: 0, total: payload.len(), qos, retain: false, dup, id })
}

// ---------------------------------------------------------------------------
// connect

#[test]
fn connect_sends_connect_and_connack_connects() {
    let mut h = H::new(256, 256, 4);
    assert_eq!(h.e.state(), State::Disconnected);
    let sent = h.connect_with(true, 30, 0);
    assert_eq!(sent, bytes(&Packet::Connect(connect_packet(true, 30))));
    // Nothing else happens before CONNACK.
    assert_eq!(h.feed(&[]).unwrap(), (vec![], vec![]));
    assert_eq!(h.feed_events(&connack(false, 0)), [Ev::Connected(false)]);
    assert_eq!(h.e.state(), State::Connected);
    // A second connect is refused while connected.
    assert_eq!(h.e.connect(&connect_packet(true, 30), 0, 0), Err(Error::WrongState));

    let mut h = H::new(256, 256, 4);
    h.connect_with(false, 30, 0);
    assert_eq!(h.feed_events(&connack(true, 0)), [Ev::Connected(true)]);
}

#[test]
fn connack_arriving_byte_by_byte_connects() {
    let mut h = H::new(256, 256, 4);
    h.connect_with(true, 0, 0);
    let (evs, wire) = h.feed_by(&connack(false, 0), 1).unwrap();
    assert_eq!((evs, wire), (vec![Ev::Connected(false)], vec![]));
}

#[test]
fn a_read_count_past_the_space_counts_as_the_space() {
    // A network that reports more bytes than it was offered room for moves the inbox's
    // end to its buffer's end, not past it (nor round a 32-bit offset).
    let mut buf = [0u8; 8];
    let mut inbox = Inbox::new(&mut buf);
    inbox.space()[..6].copy_from_slice(&[0xd0, 0, 0xd0, 0, 0xd0, 0]);
    inbox.filled(6);
    inbox.filled(usize::MAX - 1);
    assert!(inbox.has_unread());
    assert!(inbox.space().is_empty());
}

#[test]
fn refused_connack_is_an_error_with_its_code() {
    for code in 1..=5u8 {
        let mut h = H::new(256, 256, 4);
        h.connect_with(true, 0, 0);
        assert_eq!(h.feed(&connack(false, code)), Err(Error::Refused(code)), "code {code}");
        h.e.connection_lost(&mut h.inbox);
        assert_eq!(h.e.state(), State::Disconnected);
        // The engine can connect again afterwards.
        h.connect_with(true, 0, 0);
        assert_eq!(h.feed_events(&connack(false, 0)), [Ev::Connected(false)]);
    }
}

#[test]
fn requests_before_connack_are_refused() {
    let mut h = H::new(256, 256, 4);
    assert_eq!(h.publish("t", b"x", QoS::AtMostOnce), Err(Error::WrongState));
    assert_eq!(h.publish("t", b"x", QoS::AtLeastOnce), Err(Error::WrongState));
    assert_eq!(h.subscribe(&[("t", QoS::AtMostOnce)]), Err(Error::WrongState));
    assert_eq!(h.e.disconnect(), Err(Error::WrongState));
    h.connect_with(true, 0, 0);
    assert_eq!(h.publish("t", b"x", QoS::AtLeastOnce), Err(Error::WrongState));
    assert_eq!(h.e.unsubscribe([&b"t"[..]].into_iter(), 0), Err(Error::WrongState));
    assert_eq!(h.e.inflight(), 0);
}

#[test]
fn packets_out_of_order_are_protocol_violations() {
    // Anything but CONNACK first.
    for first in [publish_bytes("t", b"x", QoS::AtMostOnce, 0, false), puback(1), vec![0xd0, 0]] {
        let mut h = H::new(256, 256, 4);
        h.connect_with(true, 0, 0);
        assert_eq!(h.feed(&first), Err(Error::UnexpectedPacket), "{first:02x?}");
    }
    // A second CONNACK, and packets only a broker may receive.
    let subscribe = {
        let mut buf = [0u8; 32];
        let n = encode::subscribe(1, [(&b"a"[..], QoS::AtMostOnce)].into_iter(), &mut buf).unwrap();
        buf[..n].to_vec()
    };
    let others = [connack(false, 0), bytes(&Packet::Connect(connect_packet(true, 0))), subscribe, vec![0xc0, 0], vec![0xe0, 0]];
    for p in others {
        let mut h = H::connected(256, 256, 4);
        assert_eq!(h.feed(&p), Err(Error::UnexpectedPacket), "{p:02x?}");
    }
}

#[test]
fn malformed_input_ends_with_the_decode_error() {
    use mqtt_rs::codec::DecodeError;
    let mut h = H::new(256, 256, 4);
    h.connect_with(true, 0, 0);
    assert_eq!(h.feed(&[0x20, 0x02, 0x00, 0x06]), Err(Error::Decode(DecodeError::Malformed)));
    let mut h = H::connected(256, 256, 4);
    assert_eq!(h.feed(&[0x40, 0x80, 0x80, 0x80, 0x80, 0x01]), Err(Error::Decode(DecodeError::RemainingLength)));
    let mut h = H::connected(256, 256, 4);
    assert_eq!(h.feed(&[0x36, 0x05, 0, 1, b't', 0, 1]), Err(Error::Decode(DecodeError::QoS)));
}

#[test]
fn disconnect_queues_disconnect() {
    let mut h = H::connected(256, 256, 4);
    h.e.disconnect().unwrap();
    assert_eq!(h.e.state(), State::Disconnecting);
    assert_eq!(h.out(), [0xe0, 0x00]);
    assert_eq!(h.publish("t", b"x", QoS::AtMostOnce), Err(Error::WrongState));
}

#[test]
fn nothing_is_sent_after_disconnect() {
    // MQTT-3.14.4-2: after DISCONNECT the client sends no more packets, so messages
    // that arrive meanwhile are not acknowledged (the broker redelivers them).
    let mut h = H::connected(256, 256, 4);
    let id = h.publish("t", b"x", QoS::AtLeastOnce).unwrap();
    let mut wire = h.out();
    h.e.disconnect().unwrap();
    h.now = 60_000_000;
    let mut stream = publish_bytes("in", b"1", QoS::AtLeastOnce, 3, false);
    stream.extend(publish_bytes("in", b"2", QoS::ExactlyOnce, 4, false));
    stream.extend(pubrel(5));
    stream.extend(puback(id));
    let (_, more) = h.feed(&stream).unwrap();
    wire.extend(more);
    h.e.poll_timers(h.now).ok();
    wire.extend(h.out());
    assert_eq!(split(&wire), [publish_bytes("t", b"x", QoS::AtLeastOnce, id, false), vec![0xe0, 0x00]]);
}

// ---------------------------------------------------------------------------
// outgoing QoS flows

#[test]
fn qos1_publish_completes_at_puback() {
    let mut h = H::connected(256, 256, 4);
    let id = h.publish("a/b", b"hello", QoS::AtLeastOnce).unwrap();
    assert_ne!(id, 0);
    assert_eq!(h.out(), publish_bytes("a/b", b"hello", QoS::AtLeastOnce, id, false));
    assert_eq!(h.e.inflight(), 1);
    assert_eq!(h.feed_events(&puback(id)), [Ev::Done(id)]);
    assert_eq!(h.e.inflight(), 0);
    // A second PUBACK for it is unknown now: counted and ignored.
    assert_eq!(h.feed_events(&puback(id)), []);
    assert_eq!(h.e.ignored_acks(), 1);
}

#[test]
fn acknowledgements_split_joined_or_malformed_are_read_as_before() {
    use mqtt_rs::codec::DecodeError;
    // Byte by byte, and two in one read behind a message.
    let mut h = H::connected(256, 256, 4);
    let a = h.publish("a", b"1", QoS::AtLeastOnce).unwrap();
    let b = h.publish("b", b"2", QoS::AtLeastOnce).unwrap();
    h.out();
    assert_eq!(h.feed_by(&puback(a), 1).unwrap(), (vec![Ev::Done(a)], vec![]));
    let c = h.publish("c", b"3", QoS::AtLeastOnce).unwrap();
    h.out();
    let mut wire = publish_bytes("in", b"x", QoS::AtMostOnce, 0, false);
    wire.extend(puback(b));
    wire.extend(puback(c));
    assert_eq!(h.feed_events(&wire), [msg("in", b"x", QoS::AtMostOnce, 0, false), Ev::Done(b), Ev::Done(c)]);
    // Packet id 0, the wrong flags, a longer body: the decoder's errors.
    let cases: [(&[u8], DecodeError); 5] = [
        (&[0x40, 2, 0, 0], DecodeError::PacketId),
        (&[0x62, 2, 0, 0], DecodeError::PacketId),
        (&[0x60, 2, 0, 1], DecodeError::Flags),
        (&[0x41, 2, 0, 1], DecodeError::Flags),
        (&[0x40, 3, 0, 1, 0], DecodeError::Malformed),
    ];
    for (packet, error) in cases {
        let mut h = H::connected(256, 256, 4);
        assert_eq!(h.feed(packet), Err(Error::Decode(error)), "{packet:02x?}");
    }
}

#[test]
fn qos0_publish_goes_out_with_no_flow() {
    let mut h = H::connected(256, 256, 4);
    assert_eq!(h.publish("a/b", b"x", QoS::AtMostOnce), Ok(0));
    assert_eq!(h.e.inflight(), 0);
    assert_eq!(h.out(), publish_bytes("a/b", b"x", QoS::AtMostOnce, 0, false));
}

#[test]
fn qos2_publish_pubrec_pubrel_pubcomp() {
    let mut h = H::connected(256, 256, 4);
    let id = h.publish("q/2", b"exactly", QoS::ExactlyOnce).unwrap();
    assert_eq!(h.out(), publish_bytes("q/2", b"exactly", QoS::ExactlyOnce, id, false));
    // PUBCOMP before PUBREC is not a known flow.
    let mut early = H::connected(256, 256, 4);
    let early_id = early.publish("q/2", b"x", QoS::ExactlyOnce).unwrap();
    assert_eq!(early.feed(&pubcomp(early_id)), Err(Error::UnknownPacketId));
    // PUBACK is the wrong ack for QoS 2.
    let mut wrong = H::connected(256, 256, 4);
    let wrong_id = wrong.publish("q/2", b"x", QoS::ExactlyOnce).unwrap();
    assert_eq!(wrong.feed(&puback(wrong_id)), Err(Error::UnknownPacketId));

    let (evs, wire) = h.feed(&pubrec(id)).unwrap();
    assert_eq!(evs, []);
    assert_eq!(wire, pubrel(id));
    assert_eq!(h.e.inflight(), 1);
    // A repeated PUBREC gets PUBREL again.
    let (evs, wire) = h.feed(&pubrec(id)).unwrap();
    assert_eq!((evs, wire), (vec![], pubrel(id)));
    assert_eq!(h.feed_events(&pubcomp(id)), [Ev::Done(id)]);
    assert_eq!(h.e.inflight(), 0);
}

#[test]
fn window_of_n_qos1_publishes_goes_out_at_once() {
    let mut h = H::new(1024, 256, 8);
    h.session(true, 0, 5, false);
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(h.publish("w", text(format!("m{i}")).as_bytes(), QoS::AtLeastOnce).unwrap());
    }
    assert_eq!(h.e.inflight(), 5);
    // All five are on the wire before any PUBACK: not stop-and-wait.
    let wire = h.out();
    let expected: Vec<Vec<u8>> =
        ids.iter().enumerate().map(|(i, &id)| publish_bytes("w", format!("m{i}").as_bytes(), QoS::AtLeastOnce, id, false)).collect();
    assert_eq!(split(&wire), expected);
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 5, "ids unique: {ids:?}");

    assert_eq!(h.publish("w", b"six", QoS::AtLeastOnce), Err(Error::WindowFull));
    assert_eq!(h.publish("w", b"six", QoS::ExactlyOnce), Err(Error::WindowFull));
    // QoS 0 does not count against the window.
    assert_eq!(h.publish("w", b"zero", QoS::AtMostOnce), Ok(0));
    h.out();

    // Acks in any order; each frees one place.
    assert_eq!(h.feed_events(&puback(ids[2])), [Ev::Done(ids[2])]);
    let six = h.publish("w", b"six", QoS::AtLeastOnce).unwrap();
    assert!(!ids.contains(&six));
    assert_eq!(h.out(), publish_bytes("w", b"six", QoS::AtLeastOnce, six, false));
    assert_eq!(h.publish("w", b"seven", QoS::AtLeastOnce), Err(Error::WindowFull));
    let mut acks = Vec::new();
    for &id in [ids[4], ids[0], six, ids[1], ids[3]].iter() {
        acks.extend(puback(id));
    }
    let evs = h.feed_events(&acks);
    assert_eq!(evs, [Ev::Done(ids[4]), Ev::Done(ids[0]), Ev::Done(six), Ev::Done(ids[1]), Ev::Done(ids[3])]);
    assert_eq!(h.e.inflight(), 0);
}

#[test]
fn window_defaults_to_the_slot_count() {
    let mut h = H::connected(1024, 256, 3);
    for _ in 0..3 {
        h.publish("w", b"x", QoS::ExactlyOnce).unwrap();
    }
    assert_eq!(h.publish("w", b"x", QoS::AtLeastOnce), Err(Error::WindowFull));
    // A window above the slot count is capped to it.
    let mut h = H::new(1024, 256, 2);
    h.session(true, 0, 10, false);
    h.publish("w", b"x", QoS::AtLeastOnce).unwrap();
    h.publish("w", b"x", QoS::AtLeastOnce).unwrap();
    assert_eq!(h.publish("w", b"x", QoS::AtLeastOnce), Err(Error::WindowFull));
}

#[test]
fn packet_ids_are_unique_and_non_zero_across_wrap_around() {
    let mut h = H::connected(256, 256, 4);
    // Two flows stay open the whole time: their ids must never be handed out again.
    let held = [h.publish("h", b"1", QoS::AtLeastOnce).unwrap(), h.publish("h", b"2", QoS::ExactlyOnce).unwrap()];
    h.out();
    let mut last = held[1];
    let mut wrapped = false;
    for _ in 0..70_000 {
        let id = h.publish("c", b"x", QoS::AtLeastOnce).unwrap();
        assert_ne!(id, 0);
        assert!(!held.contains(&id), "id {id} reused while in flight");
        if id < last {
            wrapped = true;
        }
        last = id;
        h.out();
        assert_eq!(h.feed_events(&puback(id)), [Ev::Done(id)]);
    }
    assert!(wrapped);
    // Subscribe shares the id space.
    let sub = h.subscribe(&[("s", QoS::AtMostOnce)]).unwrap();
    assert!(sub != 0 && !held.contains(&sub));
    // Several open at once, all distinct.
    let more = [h.publish("m", b"", QoS::AtLeastOnce).unwrap()];
    assert!(!held.contains(&more[0]) && more[0] != sub && more[0] != 0);
}

#[test]
fn unknown_publish_acknowledgements_are_counted_and_ignored() {
    let mut h = H::connected(256, 256, 4);
    let id = h.publish("t", b"x", QoS::AtLeastOnce).unwrap();
    assert_ne!(id, 42);
    h.out();
    assert_eq!(h.feed_events(&puback(42)), []);
    assert_eq!(h.feed_events(&pubcomp(42)), []);
    // PUBREC for an unknown id is answered with PUBREL (as libmosquitto does), so a
    // broker that kept the flow can release it; its PUBCOMP is then ignored too.
    let (evs, wire) = h.feed(&pubrec(42)).unwrap();
    assert_eq!((evs, wire), (vec![], pubrel(42)));
    assert_eq!(h.e.ignored_acks(), 3);
    // The flow of the connection is untouched.
    assert_eq!(h.feed_events(&puback(id)), [Ev::Done(id)]);
}

#[test]
fn unknown_requests_acknowledgements_end_the_connection() {
    let cases: [(&str, Vec<u8>); 2] =
        [("UNSUBACK", bytes(&Packet::Unsuback(42))), ("SUBACK", bytes(&Packet::Suback(Suback { packet_id: 42, return_codes: &[0] })))];
    for (name, packet) in cases {
        let mut h = H::connected(256, 256, 4);
        let id = h.publish("t", b"x", QoS::AtLeastOnce).unwrap();
        assert_ne!(id, 42);
        assert_eq!(h.feed(&packet), Err(Error::UnknownPacketId), "{name}");
    }
}

#[test]
fn suback_reports_codes_and_checks_the_count() {
    let mut h = H::connected(256, 256, 4);
    let id = h.subscribe(&[("a/+", QoS::AtLeastOnce), ("b/#", QoS::ExactlyOnce)]).unwrap();
    let mut expected = [0u8; 64];
    let n = encode::subscribe(id, [(&b"a/+"[..], QoS::AtLeastOnce), (&b"b/#"[..], QoS::ExactlyOnce)].into_iter(), &mut expected).unwrap();
    assert_eq!(h.out(), &expected[..n]);
    let ok = bytes(&Packet::Suback(Suback { packet_id: id, return_codes: &[1, 0x80] }));
    assert_eq!(h.feed_events(&ok), [Ev::Subscribed(id, vec![1, 0x80])]);

    for codes in [&[0u8][..], &[0, 1, 2]] {
        let mut h = H::connected(256, 256, 4);
        let id = h.subscribe(&[("a", QoS::AtMostOnce), ("b", QoS::AtMostOnce)]).unwrap();
        let suback = bytes(&Packet::Suback(Suback { packet_id: id, return_codes: codes }));
        assert_eq!(h.feed(&suback), Err(Error::SubackMismatch), "{codes:?}");
    }

    let mut h = H::connected(256, 256, 4);
    let id = h.e.unsubscribe([&b"a"[..], b"b/+"].into_iter(), 0).unwrap();
    h.out();
    assert_eq!(h.feed_events(&bytes(&Packet::Unsuback(id))), [Ev::Unsubscribed(id)]);
}

#[test]
fn invalid_requests_are_refused_without_taking_a_slot() {
    use mqtt_rs::codec::EncodeError;
    let mut h = H::connected(256, 256, 1);
    assert_eq!(h.publish("a/+", b"x", QoS::AtLeastOnce), Err(Error::Encode(EncodeError::Topic)));
    assert_eq!(h.publish("", b"x", QoS::AtMostOnce), Err(Error::Encode(EncodeError::Topic)));
    assert_eq!(h.subscribe(&[("a/#/b", QoS::AtMostOnce)]), Err(Error::Encode(EncodeError::Topic)));
    assert_eq!(h.e.unsubscribe([&b"a+"[..]].into_iter(), 0), Err(Error::Encode(EncodeError::Topic)));
    assert_eq!(h.out(), []);
    // The single slot is still free.
    let id = h.publish("a", b"x", QoS::AtLeastOnce).unwrap();
    assert_ne!(id, 0);
}

// ---------------------------------------------------------------------------
// incoming messages

#[test]
fn incoming_qos0_and_qos1() {
    let mut h = H::connected(256, 256, 4);
    let evs = h.feed_events(&publish_bytes("in/0", b"zero", QoS::AtMostOnce, 0, false));
    assert_eq!(evs, [msg("in/0", b"zero", QoS::AtMostOnce, 0, false)]);
    let (evs, wire) = h.feed(&publish_bytes("in/1", b"one", QoS::AtLeastOnce, 9, false)).unwrap();
    assert_eq!(evs, [msg("in/1", b"one", QoS::AtLeastOnce, 9, false)]);
    assert_eq!(wire, puback(9));
    // Retain and an empty payload come through.
    let retained = bytes(&Packet::Publish(Publish { topic: "r", payload: b"", qos: QoS::AtMostOnce, retain: true, dup: false, packet_id: 0 }));
    let evs = h.feed_events(&retained);
    assert_eq!(
        evs,
        [Ev::Msg(Msg { topic: "r".into(), payload: vec![], offset: 0, total: 0, qos: QoS::AtMostOnce, retain: true, dup: false, id: 0 })]
    );
}

#[test]
fn incoming_qos2_duplicate_before_pubrel_is_delivered_once() {
    let mut h = H::connected(256, 256, 4);
    let first = publish_bytes("in/2", b"once", QoS::ExactlyOnce, 7, false);
    let (evs, wire) = h.feed(&first).unwrap();
    assert_eq!(evs, [msg("in/2", b"once", QoS::ExactlyOnce, 7, false)]);
    assert_eq!(wire, pubrec(7));
    // The broker resends (it did not see our PUBREC): acknowledged, not delivered.
    let (evs, wire) = h.feed(&publish_bytes("in/2", b"once", QoS::ExactlyOnce, 7, true)).unwrap();
    assert_eq!((evs, wire), (vec![], pubrec(7)));
    // PUBREL releases the id: PUBCOMP goes out.
    let (evs, wire) = h.feed(&pubrel(7)).unwrap();
    assert_eq!((evs, wire), (vec![], pubcomp(7)));
    // The id is free for a new message now.
    let (evs, wire) = h.feed(&publish_bytes("in/2", b"again", QoS::ExactlyOnce, 7, false)).unwrap();
    assert_eq!(evs, [msg("in/2", b"again", QoS::ExactlyOnce, 7, false)]);
    assert_eq!(wire, pubrec(7));
}

#[test]
fn pubrel_is_answered_with_pubcomp() {
    let mut h = H::connected(256, 256, 4);
    // Even for an id we no longer hold (e.g. after a reconnect), PUBCOMP completes the broker's flow.
    let (evs, wire) = h.feed(&pubrel(300)).unwrap();
    assert_eq!((evs, wire), (vec![], pubcomp(300)));
    // Several PUBRELs in one read: one PUBCOMP each, in order.
    let mut stream = pubrel(1);
    stream.extend(pubrel(2));
    stream.extend(pubrel(3));
    let (evs, wire) = h.feed(&stream).unwrap();
    assert_eq!(evs, []);
    assert_eq!(split(&wire), [pubcomp(1), pubcomp(2), pubcomp(3)]);
}

#[test]
fn many_acks_with_a_small_transmit_buffer_all_go_out() {
    // 30 QoS 1 messages in one read, transmit buffer of 64: PUBACKs are written out
    // between packets instead of being dropped.
    let mut h = H::connected(64, 1024, 2);
    let mut stream = Vec::new();
    for id in 1..=30u16 {
        stream.extend(publish_bytes("t", &[id as u8], QoS::AtLeastOnce, id, false));
    }
    let (evs, wire) = h.feed(&stream).unwrap();
    assert_eq!(evs.len(), 30);
    let expected: Vec<Vec<u8>> = (1..=30).map(puback).collect();
    assert_eq!(split(&wire), expected);
}

fn chunked_message(h: &mut H, wire: &[u8], step: usize) -> (Vec<Ev>, Vec<u8>) {
    let (evs, out) = h.feed_by(wire, step).unwrap();
    (evs, out)
}

/// Joins chunk events, checking order, offsets and totals.
fn join_chunks(evs: &[Ev]) -> (Msg, usize) {
    let mut joined: Option<Msg> = None;
    let mut count = 0;
    for e in evs {
        let Ev::Msg(m) = e else { panic!("unexpected {e:?}") };
        count += 1;
        match &mut joined {
            None => {
                assert_eq!(m.offset, 0);
                joined = Some(m.clone());
            }
            Some(j) => {
                assert_eq!((&m.topic, m.qos, m.id, m.total), (&j.topic, j.qos, j.id, j.total));
                assert_eq!(m.offset, j.payload.len(), "chunks in order");
                j.payload.extend_from_slice(&m.payload);
            }
        }
    }
    let j = joined.expect("a message");
    assert_eq!(j.payload.len(), j.total);
    (j, count)
}

#[test]
fn publish_larger_than_the_receive_buffer_arrives_in_chunks() {
    let payload: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
    for (qos, id) in [(QoS::AtMostOnce, 0), (QoS::AtLeastOnce, 5), (QoS::ExactlyOnce, 6)] {
        for step in [usize::MAX, 1, 13] {
            let mut h = H::connected(256, 64, 4);
            let mut wire = publish_bytes("big/topic", &payload, qos, id, false);
            // A small packet right behind it must still be read correctly.
            wire.extend(publish_bytes("small", b"s", QoS::AtMostOnce, 0, false));
            let (mut evs, out) = chunked_message(&mut h, &wire, step);
            assert_eq!(evs.pop(), Some(msg("small", b"s", QoS::AtMostOnce, 0, false)));
            let (joined, chunks) = join_chunks(&evs);
            assert_eq!(joined.topic, "big/topic");
            assert_eq!((joined.qos, joined.id), (qos, id));
            assert_eq!(joined.payload, payload, "step {step}");
            assert!(chunks >= 1000 / 64, "{chunks} chunks");
            // One acknowledgement, after the last chunk.
            let expected = match qos {
                QoS::AtMostOnce => vec![],
                QoS::AtLeastOnce => puback(id),
                QoS::ExactlyOnce => pubrec(id),
            };
            assert_eq!(out, expected, "qos {qos:?} step {step}");
        }
    }
}

#[test]
fn chunked_qos2_duplicate_is_not_delivered_again() {
    let payload = vec![0x42u8; 500];
    let mut h = H::connected(256, 64, 4);
    let (evs, out) = chunked_message(&mut h, &publish_bytes("big", &payload, QoS::ExactlyOnce, 11, false), usize::MAX);
    assert_eq!(join_chunks(&evs).0.payload, payload);
    assert_eq!(out, pubrec(11));
    let (evs, out) = chunked_message(&mut h, &publish_bytes("big", &payload, QoS::ExactlyOnce, 11, true), usize::MAX);
    assert_eq!(evs, []);
    assert_eq!(out, pubrec(11));
}

#[test]
fn non_publish_packet_larger_than_the_receive_buffer_is_too_large() {
    let codes = vec![0u8; 100];
    let suback = bytes(&Packet::Suback(Suback { packet_id: 1, return_codes: &codes }));
    let mut h = H::connected(256, 64, 4);
    assert_eq!(h.feed(&suback), Err(Error::PacketTooLarge));
    // Also when other packets were read from the buffer before it.
    let mut h = H::connected(256, 64, 4);
    let mut stream = vec![0xd0, 0x00, 0xd0, 0x00];
    stream.extend(&suback);
    assert_eq!(h.feed(&stream), Err(Error::PacketTooLarge));
    // And one byte at a time.
    let mut h = H::connected(256, 64, 4);
    assert_eq!(h.feed_by(&suback, 1), Err(Error::PacketTooLarge));
}

#[test]
fn publish_whose_head_does_not_fit_the_receive_buffer_is_too_large() {
    // Topic too long for a 64-byte buffer: the head can never be held.
    let topic = "t".repeat(70);
    let mut h = H::connected(256, 64, 4);
    assert_eq!(h.feed(&publish_bytes(&topic, b"payload", QoS::AtLeastOnce, 1, false)), Err(Error::PacketTooLarge));
    // Head of exactly the buffer size: no room for any payload byte.
    // fixed header 3 + topic (2 + 57) + id 2 = 64.
    let topic = "t".repeat(57);
    let wire = publish_bytes(&topic, &[1u8; 100], QoS::AtLeastOnce, 1, false);
    assert_eq!(wire.len() - 100, 64);
    let mut h = H::connected(256, 64, 4);
    assert_eq!(h.feed(&wire), Err(Error::PacketTooLarge));
    // One byte less of topic and the payload streams through one byte per chunk.
    let topic = "t".repeat(56);
    let mut h = H::connected(256, 64, 4);
    let (evs, out) = h.feed(&publish_bytes(&topic, &[1u8; 100], QoS::AtLeastOnce, 1, false)).unwrap();
    assert_eq!(join_chunks(&evs).0.payload, [1u8; 100]);
    assert_eq!(out, puback(1));
}

// ---------------------------------------------------------------------------
// transmit side

#[test]
fn payload_larger_than_the_transmit_buffer_is_sent_from_caller_memory() {
    let payload: &'static [u8] = leak((0..5000u32).map(|i| (i % 253) as u8).collect());
    let range = payload.as_ptr_range();
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce] {
        let mut h = H::connected(64, 256, 4);
        let id = h.publish("large/out", payload, qos).unwrap();
        // Written in odd-sized pieces, as a socket might take them.
        let mut wire = Vec::new();
        let mut from_payload = 0;
        loop {
            let pending = h.e.pending_output();
            if pending.is_empty() {
                break;
            }
            assert!(pending.len() <= payload.len());
            if range.contains(&pending.as_ptr()) {
                from_payload += pending.len().min(777);
            }
            let n = pending.len().min(777);
            wire.extend_from_slice(&pending[..n]);
            h.e.output_written(n);
        }
        assert_eq!(from_payload, payload.len(), "payload written straight from caller memory");
        assert_eq!(wire, publish_bytes("large/out", payload, qos, id, false));
    }
}

#[test]
fn packets_queued_behind_a_large_payload_keep_their_order() {
    let payload: &'static [u8] = leak(vec![9u8; 1000]);
    let mut h = H::connected(64, 256, 4);
    let big = h.publish("big", payload, QoS::AtLeastOnce).unwrap();
    h.publish("after", b"a", QoS::AtMostOnce).unwrap();
    let small = h.publish("after", b"b", QoS::AtLeastOnce).unwrap();
    let wire = h.out_by(100);
    assert_eq!(
        split(&wire),
        [
            publish_bytes("big", payload, QoS::AtLeastOnce, big, false),
            publish_bytes("after", b"a", QoS::AtMostOnce, 0, false),
            publish_bytes("after", b"b", QoS::AtLeastOnce, small, false),
        ]
    );
}

#[test]
fn a_second_large_payload_waits_for_the_first() {
    let one: &'static [u8] = leak(vec![1u8; 300]);
    let two: &'static [u8] = leak(vec![2u8; 300]);
    let mut h = H::connected(64, 256, 4);
    let a = h.publish("one", one, QoS::AtLeastOnce).unwrap();
    let b = h.publish("two", two, QoS::AtLeastOnce).unwrap();
    // QoS 0 cannot wait in a slot: it asks to retry.
    assert_eq!(h.publish("three", two, QoS::AtMostOnce), Err(Error::OutboxFull));
    let mut wire = h.out();
    // The second goes out once the engine runs again.
    wire.extend(h.feed(&[]).unwrap().1);
    assert_eq!(split(&wire), [publish_bytes("one", one, QoS::AtLeastOnce, a, false), publish_bytes("two", two, QoS::AtLeastOnce, b, false)]);
}

#[test]
fn publish_whose_head_cannot_fit_the_transmit_buffer_is_refused() {
    use mqtt_rs::codec::EncodeError;
    // The topic alone is longer than the transmit buffer: it could never be sent, so the
    // request must fail at once instead of holding a slot (or the send queue) forever.
    let topic = text("x".repeat(100));
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let mut h = H::connected(64, 256, 2);
        assert_eq!(h.publish(topic, b"p", qos), Err(Error::Encode(EncodeError::BufferTooSmall)), "{qos:?}");
        assert_eq!(h.e.inflight(), 0);
        // Later publishes still go out.
        let id = h.publish("ok", b"p", QoS::AtLeastOnce).unwrap();
        assert_eq!(h.out(), publish_bytes("ok", b"p", QoS::AtLeastOnce, id, false));
    }
}

#[test]
fn burst_of_qos0_publishes_is_one_contiguous_write() {
    let mut h = H::connected(1024, 256, 4);
    let mut expected = Vec::new();
    for i in 0..20 {
        let payload = text(format!("reading {i}"));
        h.publish("burst", payload.as_bytes(), QoS::AtMostOnce).unwrap();
        expected.extend(publish_bytes("burst", payload.as_bytes(), QoS::AtMostOnce, 0, false));
    }
    assert_eq!(h.e.pending_output(), &expected[..], "the whole batch in one slice");
    h.e.output_written(expected.len());
    assert_eq!(h.e.pending_output(), []);
}

#[test]
fn transmit_buffer_full_of_qos0_asks_to_retry() {
    let packet = publish_bytes("t", b"0123456789", QoS::AtMostOnce, 0, false);
    let mut h = H::connected(64, 256, 4);
    let mut n = 0;
    let err = loop {
        match h.publish("t", b"0123456789", QoS::AtMostOnce) {
            Ok(_) => n += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(err, Error::OutboxFull);
    assert_eq!(n, 64 / packet.len());
    // After a partial write there is room again, and the queue stays in order.
    let mut wire = h.e.pending_output()[..20].to_vec();
    h.e.output_written(20);
    h.publish("t", b"0123456789", QoS::AtMostOnce).unwrap();
    wire.extend(h.out());
    assert_eq!(split(&wire), vec![packet; n + 1]);
}

// ---------------------------------------------------------------------------
// keepalive

#[test]
fn keepalive_sends_pingreq_when_idle_and_times_out_without_pingresp() {
    let mut h = H::new(256, 256, 4);
    h.connect_with(true, 10, 0);
    h.now = 100;
    assert_eq!(h.feed_events(&connack(false, 0)), [Ev::Connected(false)]);
    // Idle is counted from the last packet sent (CONNECT at 0).
    assert_eq!(h.e.poll_timers(5_000), Ok(5_000));
    assert_eq!(h.out(), []);
    assert_eq!(h.e.poll_timers(9_999), Ok(1));
    assert_eq!(h.out(), []);
    assert_eq!(h.e.poll_timers(10_000), Ok(10_000));
    assert_eq!(h.out(), [0xc0, 0x00]);
    // No second ping while one is unanswered.
    assert_eq!(h.e.poll_timers(15_000), Ok(5_000));
    assert_eq!(h.out(), []);
    assert_eq!(h.e.poll_timers(20_000), Err(Error::KeepaliveTimeout));
}

#[test]
fn pingresp_keeps_the_connection_and_traffic_postpones_the_ping() {
    let mut h = H::new(256, 256, 4);
    h.connect_with(true, 10, 0);
    h.feed_events(&connack(false, 0));
    assert_eq!(h.e.poll_timers(10_000), Ok(10_000));
    assert_eq!(h.out(), [0xc0, 0x00]);
    h.now = 12_000;
    assert_eq!(h.feed_events(&[0xd0, 0x00]), []);
    assert_eq!(h.e.poll_timers(19_999), Ok(1));
    assert_eq!(h.out(), []);
    // A publish at 19,999 counts as activity: next ping at 29,999.
    h.now = 19_999;
    h.publish("t", b"x", QoS::AtMostOnce).unwrap();
    h.out();
    assert_eq!(h.e.poll_timers(25_000), Ok(4_999));
    assert_eq!(h.out(), []);
    assert_eq!(h.e.poll_timers(29_999), Ok(10_000));
    assert_eq!(h.out(), [0xc0, 0x00]);
    // Receiving alone does not postpone the ping, but does answer it.
    h.now = 30_000;
    h.feed(&publish_bytes("in", b"x", QoS::AtMostOnce, 0, false)).unwrap();
    assert!(h.e.poll_timers(45_000).is_ok());
}

#[test]
fn keepalive_timer_works_across_clock_wrap_around() {
    let mut h = H::new(256, 256, 4);
    let start = u32::MAX - 3_000;
    h.now = start;
    h.connect_with(true, 10, 0);
    h.feed_events(&connack(false, 0));
    assert_eq!(h.e.poll_timers(start.wrapping_add(9_000)), Ok(1_000));
    assert_eq!(h.e.poll_timers(start.wrapping_add(10_000)), Ok(10_000));
    assert_eq!(h.out(), [0xc0, 0x00]);
    assert_eq!(h.e.poll_timers(start.wrapping_add(20_000)), Err(Error::KeepaliveTimeout));
}

#[test]
fn missing_connack_times_out() {
    let mut h = H::new(256, 256, 4);
    h.connect_with(true, 5, 0);
    assert_eq!(h.e.poll_timers(4_999), Ok(1));
    assert_eq!(h.e.poll_timers(5_000), Err(Error::KeepaliveTimeout));
    // Keepalive 0: no pings, but CONNACK still has a deadline.
    let mut h = H::new(256, 256, 4);
    h.connect_with(true, 0, 0);
    assert!(matches!(h.e.poll_timers(1_000), Ok(t) if t > 0 && t < u32::MAX));
    assert_eq!(h.e.poll_timers(1_000_000), Err(Error::KeepaliveTimeout));
    let mut h = H::connected(256, 256, 4);
    assert_eq!(h.e.poll_timers(1_000_000_000), Ok(u32::MAX));
    assert_eq!(h.out(), []);
}

// ---------------------------------------------------------------------------
// reconnect

#[test]
fn persistent_session_resends_publish_with_dup_and_pubrel_in_original_order() {
    let mut h = H::new(1024, 256, 8);
    h.session(false, 0, 0, false);
    let a = h.publish("r/a", b"A", QoS::AtLeastOnce).unwrap();
    let b = h.publish("r/b", b"B", QoS::ExactlyOnce).unwrap();
    let c = h.publish("r/c", b"C", QoS::ExactlyOnce).unwrap();
    let d = h.publish("r/d", b"D", QoS::AtLeastOnce).unwrap();
    h.out();
    // b reaches the PUBREL stage, d completes.
    let (_, wire) = h.feed(&pubrec(b)).unwrap();
    assert_eq!(wire, pubrel(b));
    assert_eq!(h.feed_events(&puback(d)), [Ev::Done(d)]);
    // e is queued but the connection drops before it is written.
    let e = h.publish("r/e", b"E", QoS::AtLeastOnce).unwrap();
    h.e.connection_lost(&mut h.inbox);
    assert_eq!(h.e.state(), State::Disconnected);
    assert_eq!(h.e.pending_output(), []);
    assert_eq!(h.e.inflight(), 4);
    assert_eq!(h.publish("r/x", b"X", QoS::AtLeastOnce), Err(Error::WrongState));

    // Reconnect: only CONNECT goes out before CONNACK.
    let (evs, wire) = h.session(false, 0, 0, true);
    assert_eq!(evs, [Ev::Connected(true)]);
    assert_eq!(
        split(&wire),
        [
            publish_bytes("r/a", b"A", QoS::AtLeastOnce, a, true),
            pubrel(b),
            publish_bytes("r/c", b"C", QoS::ExactlyOnce, c, true),
            publish_bytes("r/e", b"E", QoS::AtLeastOnce, e, true),
        ]
    );
    // The resent flows complete normally.
    let mut acks = puback(a);
    acks.extend(pubcomp(b));
    acks.extend(pubrec(c));
    acks.extend(puback(e));
    let (evs, wire) = h.feed(&acks).unwrap();
    assert_eq!(evs, [Ev::Done(a), Ev::Done(b), Ev::Done(e)]);
    assert_eq!(wire, pubrel(c));
    assert_eq!(h.feed_events(&pubcomp(c)), [Ev::Done(c)]);
    assert_eq!(h.e.inflight(), 0);
}

#[test]
fn resend_after_reconnect_with_a_small_transmit_buffer_keeps_order() {
    let mut h = H::new(64, 256, 8);
    h.session(false, 0, 0, false);
    let payloads: Vec<&'static [u8]> = (0..6).map(|i| &*leak(vec![b'0' + i; 20])).collect();
    let ids: Vec<u16> = payloads.iter().map(|p| h.publish("o", p, QoS::AtLeastOnce).unwrap()).collect();
    h.out();
    h.e.connection_lost(&mut h.inbox);
    let (_, mut wire) = h.session(false, 0, 0, true);
    // The rest follow as the transmit buffer drains.
    for _ in 0..10 {
        wire.extend(h.feed(&[]).unwrap().1);
    }
    // Only the two that fitted the buffer went out before; only they carry DUP.
    let expected: Vec<Vec<u8>> =
        payloads.iter().zip(&ids).enumerate().map(|(i, (p, &id))| publish_bytes("o", p, QoS::AtLeastOnce, id, i < 2)).collect();
    assert_eq!(split(&wire), expected);
}

#[test]
fn clean_session_discards_unacknowledged_flows() {
    let mut h = H::connected(1024, 256, 8);
    let p1 = h.publish("d", b"1", QoS::AtLeastOnce).unwrap();
    let p2 = h.publish("d", b"2", QoS::ExactlyOnce).unwrap();
    let s = h.subscribe(&[("x", QoS::AtMostOnce)]).unwrap();
    let u = h.e.unsubscribe([&b"y"[..]].into_iter(), 0).unwrap();
    // An incoming QoS 2 id is held.
    h.feed(&publish_bytes("in", b"q2", QoS::ExactlyOnce, 77, false)).unwrap();
    h.out();
    h.e.connection_lost(&mut h.inbox);
    // Requests die with the connection.
    let (evs, _) = h.feed(&[]).unwrap();
    assert_eq!(evs, [Ev::Discarded(s, FlowKind::Subscribe), Ev::Discarded(u, FlowKind::Unsubscribe)]);
    assert_eq!(h.e.inflight(), 2);

    // A clean session drops the publishes too, each reported once.
    h.connect_with(true, 0, 0);
    let (mut evs, wire) = h.feed(&connack(false, 0)).unwrap();
    let (more, more_wire) = h.feed(&[]).unwrap();
    evs.extend(more);
    evs.sort_by_key(|e| format!("{e:?}"));
    let mut expected = vec![Ev::Discarded(p1, FlowKind::Publish), Ev::Discarded(p2, FlowKind::Publish), Ev::Connected(false)];
    expected.sort_by_key(|e| format!("{e:?}"));
    assert_eq!(evs, expected);
    assert_eq!(wire, [], "nothing resent");
    assert_eq!(more_wire, []);
    assert_eq!(h.e.inflight(), 0);
    // The held incoming id was forgotten: the same id is a new message.
    let evs = h.feed(&publish_bytes("in", b"new", QoS::ExactlyOnce, 77, false)).unwrap().0;
    assert_eq!(evs, [msg("in", b"new", QoS::ExactlyOnce, 77, false)]);
    // All slots are usable again.
    for _ in 0..7 {
        h.publish("d", b"x", QoS::AtLeastOnce).unwrap();
    }
}

#[test]
fn persistent_session_keeps_incoming_qos2_ids_across_reconnect() {
    let mut h = H::new(1024, 256, 4);
    h.session(false, 0, 0, false);
    h.feed(&publish_bytes("in", b"q2", QoS::ExactlyOnce, 5, false)).unwrap();
    h.e.connection_lost(&mut h.inbox);
    h.session(false, 0, 0, true);
    // The broker resends the PUBLISH (our PUBREC was lost): not delivered again.
    let (evs, wire) = h.feed(&publish_bytes("in", b"q2", QoS::ExactlyOnce, 5, true)).unwrap();
    assert_eq!((evs, wire), (vec![], pubrec(5)));
}

/// With `persist`, PUBREC is reported while its PUBREL is still queued, not written: a
/// store records the step before the broker can see PUBREL.
#[cfg(feature = "persist")]
#[test]
fn pubrec_is_reported_before_its_pubrel_is_written() {
    let mut h = H::connected(256, 256, 4);
    let id = h.publish("q/2", b"exactly", QoS::ExactlyOnce).unwrap();
    h.out();
    let rec = pubrec(id);
    h.inbox.space()[..rec.len()].copy_from_slice(&rec);
    h.inbox.filled(rec.len());
    let progress = h.e.next_event(&mut h.inbox, h.now).unwrap();
    assert_eq!(progress, Progress::Event(Event::Released { packet_id: id }));
    assert_eq!(h.e.pending_output(), &pubrel(id)[..], "PUBREL queued, not yet taken out");
    assert_eq!(h.e.inflight(), 1);
}

/// Takes the next event of bytes put in the receive buffer, leaving what the engine
/// queued in its transmit buffer.
#[cfg(feature = "persist")]
fn next_of(h: &mut H, bytes: &[u8]) -> Option<Ev> {
    h.inbox.space()[..bytes.len()].copy_from_slice(bytes);
    h.inbox.filled(bytes.len());
    match h.e.next_event(&mut h.inbox, h.now).unwrap() {
        Progress::Event(e) => Some(own(&e)),
        _ => None,
    }
}

/// With `persist`, PUBREL is reported while its PUBCOMP is still queued, not written: a
/// store forgets the incoming id before the broker may reuse it.
#[cfg(feature = "persist")]
#[test]
fn pubrel_is_reported_before_its_pubcomp_is_written() {
    let mut h = H::connected(256, 256, 4);
    let ev = next_of(&mut h, &publish_bytes("in", b"q2", QoS::ExactlyOnce, 9, false));
    assert_eq!(ev, Some(msg("in", b"q2", QoS::ExactlyOnce, 9, false)));
    assert!(h.e.holds_incoming(9), "held once delivered");
    assert_eq!(h.e.pending_output(), &pubrec(9)[..], "PUBREC queued, not yet taken out");
    h.out();
    assert_eq!(next_of(&mut h, &pubrel(9)), Some(Ev::IncomingDone(9)));
    assert_eq!(h.e.pending_output(), &pubcomp(9)[..], "PUBCOMP queued, not yet taken out");
    assert!(!h.e.holds_incoming(9));
}

/// The id of an incoming QoS 2 message an earlier run delivered, put back before the first
/// connect: the broker's resend (DUP) is acknowledged and not delivered; once released,
/// the id is free for a new message.
#[test]
fn restored_incoming_id_turns_the_resend_into_a_duplicate() {
    let mut h = H::new(256, 256, 4);
    assert!(!h.e.holds_incoming(7));
    h.e.restore_incoming(7).unwrap();
    h.e.restore_incoming(7).unwrap();
    assert!(h.e.holds_incoming(7));
    let (evs, wire) = h.session(false, 0, 0, true);
    assert_eq!((evs, wire), (vec![Ev::Connected(true)], vec![]));
    let (evs, wire) = h.feed(&publish_bytes("in", b"once", QoS::ExactlyOnce, 7, true)).unwrap();
    assert_eq!((evs, wire), (vec![], pubrec(7)), "resend acknowledged, not delivered");
    let (evs, wire) = h.feed(&pubrel(7)).unwrap();
    assert_eq!((evs, wire), (vec![], pubcomp(7)));
    let evs = h.feed(&publish_bytes("in", b"next", QoS::ExactlyOnce, 7, false)).unwrap().0;
    assert_eq!(evs, [msg("in", b"next", QoS::ExactlyOnce, 7, false)], "a released id is a new message");
    // Restored ids took one slot (restored twice): three more are free for outgoing flows.
    h.feed(&pubrel(7)).unwrap();
    for _ in 0..4 {
        h.publish("out", b"x", QoS::AtLeastOnce).unwrap();
    }
    assert_eq!(h.publish("out", b"x", QoS::AtLeastOnce), Err(Error::WindowFull));
}

/// Restored incoming ids share the caller's slots with everything else: no slot, no id;
/// and they are put back only before a connection begins.
#[test]
fn restoring_incoming_ids_needs_a_free_slot_and_no_connection() {
    let mut h = H::new(256, 256, 2);
    h.e.restore_incoming(1).unwrap();
    h.e.restore_incoming(2).unwrap();
    assert_eq!(h.e.restore_incoming(3), Err(Error::WindowFull));
    assert_eq!(h.e.restore_incoming(0), Err(Error::WrongState));
    h.connect_with(false, 0, 0);
    assert_eq!(h.e.restore_incoming(4), Err(Error::WrongState));
}

/// A broker that lost the session neither resends nor releases the held ids and may
/// reuse them: forgetting them hands each over once and frees it.
#[test]
fn forgotten_incoming_ids_are_new_messages_again() {
    let mut h = H::new(256, 256, 4);
    h.e.restore_incoming(3).unwrap();
    h.e.restore_incoming(8).unwrap();
    h.session(false, 0, 0, false);
    let mut forgotten = Vec::new();
    h.e.forget_incoming(&mut |id| forgotten.push(id));
    forgotten.sort();
    assert_eq!(forgotten, [3, 8]);
    assert!(!h.e.holds_incoming(3) && !h.e.holds_incoming(8));
    let evs = h.feed(&publish_bytes("in", b"new", QoS::ExactlyOnce, 3, false)).unwrap().0;
    assert_eq!(evs, [msg("in", b"new", QoS::ExactlyOnce, 3, false)]);
}
