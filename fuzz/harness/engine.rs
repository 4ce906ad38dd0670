//! The engine fuzz harness: a CONNECT goes out, then the input is the broker's byte
//! stream, fed in pieces chosen by a generator seeded from the first input bytes, with
//! application requests, time steps, partial writes and lost connections in between.
//!
//! Checked on every run: no panic; every byte the engine writes forms valid client
//! packets; packet ids of outgoing flows are unique and non-zero; every accepted QoS 1/2
//! message ends in exactly one PUBLISH_DONE or (clean session only) one DISCARDED, and
//! none vanishes silently; chunks of an incoming message arrive in order.

use super::checker::OutputChecker;
use super::rng::Rng;
use mqtt_rs::codec::{Connect, ProtocolVersion, QoS};
use mqtt_rs::engine::{Engine, Error, Event, FlowKind, Inbox, Progress, Slot};
use std::collections::HashSet;

/// Bytes of input used for the configuration and the generator seed.
pub const CONFIG_LEN: usize = 8;

const TOPICS: [&str; 4] = ["a/b", "t", "sensors/1/temp", "bad/+/topic"];
const FILTERS: [&[u8]; 4] = [b"a/#", b"t", b"+/+", b"bad/#/x"];

/// The application's view: outgoing flows it has been given an id for.
#[derive(Default)]
struct Model {
    publishes: HashSet<u16>,
    requests: HashSet<u16>,
    /// Offset expected for the next chunk of the incoming message in progress.
    next_offset: usize,
}

impl Model {
    fn event(&mut self, e: &Event<'_>) {
        match *e {
            Event::Connected { .. } => {}
            Event::Message(m) => {
                assert!(m.offset + m.payload.len() <= m.total, "chunk past the end: {m:?}");
                assert_eq!(m.offset, self.next_offset, "chunks out of order");
                self.next_offset = if m.offset + m.payload.len() == m.total { 0 } else { m.offset + m.payload.len() };
                assert!(!m.topic.is_empty() && !m.topic.contains(['+', '#']), "bad topic delivered");
                assert_eq!(m.qos == QoS::AtMostOnce, m.packet_id == 0, "packet id and QoS disagree");
            }
            Event::PublishDone { packet_id, .. } => {
                assert!(self.publishes.remove(&packet_id), "PUBLISH_DONE for id {packet_id} that is not in flight");
            }
            Event::Subscribed { packet_id, return_codes, .. } => {
                assert!(self.requests.remove(&packet_id), "SUBSCRIBE_DONE for unknown id {packet_id}");
                assert!(!return_codes.is_empty());
            }
            Event::Unsubscribed { packet_id, .. } => {
                assert!(self.requests.remove(&packet_id), "UNSUBSCRIBE_DONE for unknown id {packet_id}");
            }
            #[cfg(feature = "persist")]
            Event::Released { packet_id } => {
                assert!(self.publishes.contains(&packet_id), "PUBREC step for id {packet_id} that is not in flight");
            }
            // Reported for every PUBREL answered, held id or not (a broker repeats them).
            #[cfg(feature = "persist")]
            Event::IncomingDone { .. } => {}
            // The harness connects without an authentication method: the engine refuses AUTH.
            #[cfg(feature = "mqtt5")]
            Event::Auth { .. } => panic!("AUTH reported without an authentication method"),
            Event::Discarded { packet_id, kind } => {
                let set = if kind == FlowKind::Publish { &mut self.publishes } else { &mut self.requests };
                assert!(set.remove(&packet_id), "DISCARDED for id {packet_id} ({kind:?}) that is not in flight");
            }
        }
    }

    fn connection_lost(&mut self) {
        self.next_offset = 0;
    }
}

/// Runs one input.
pub fn run(data: &[u8]) {
    if data.len() < CONFIG_LEN {
        return;
    }
    let (cfg, stream) = data.split_at(CONFIG_LEN);
    let mut rng = Rng::new(u64::from_le_bytes(cfg.try_into().unwrap_or([0; 8])));
    let tx_len = 64 + usize::from(cfg[0] % 4) * 120;
    let rx_len = 64 + usize::from(cfg[1]);
    let slot_count = 1 + usize::from(cfg[2] % 8);
    let clean_session = cfg[3] & 1 != 0;
    let keepalive = u16::from(cfg[3] >> 5);
    let max_inflight = u16::from(cfg[4] % 4);

    // Outgoing payloads stay borrowed until their flow ends: they live as long as the engine.
    let payloads: Vec<u8> = (0..2000u32).map(|i| (i % 251) as u8).collect();
    let mut tx = vec![0u8; tx_len];
    let mut rx = vec![0u8; rx_len];
    let mut slots = vec![Slot::FREE; slot_count];
    // MQTT 5.0 topic alias tables (with the bit below): 0-3 slots each way, 3-18 bytes.
    let alias_slot = 3 + usize::from(cfg[7] % 16);
    let mut aliases_out = vec![0u8; alias_slot * usize::from(cfg[7] >> 4 & 3)];
    let mut aliases_in = vec![0u8; alias_slot * usize::from(cfg[7] >> 6)];
    let mut engine = Engine::new(&mut tx, &mut slots);
    let mut inbox = Inbox::new(&mut rx);
    let mut out = OutputChecker::default();
    let mut model = Model::default();
    let mut now: u32 = if cfg[5] & 1 != 0 { u32::MAX - 5_000 } else { 1_000 };
    // MQTT 5.0 for inputs with this bit (the broker's bytes then decode as v5).
    #[cfg(feature = "mqtt5")]
    let v5 = cfg[6] & 0x80 != 0;
    #[cfg(feature = "mqtt5")]
    {
        out.v5 = v5;
        // Topic aliases both ways for inputs with this bit too: delivered topics are then
        // restored from the incoming table (the model checks none is empty).
        if v5 && cfg[6] & 0x40 != 0 {
            engine.use_topic_aliases(&mut inbox, &mut aliases_out, &mut aliases_in, alias_slot).expect("aliases before connect");
        }
    }
    #[cfg(not(feature = "mqtt5"))]
    let _ = (&mut aliases_out, &mut aliases_in);
    let connect = |clean: bool| Connect {
        version: ProtocolVersion::V3_1_1,
        client_id: "fuzz",
        clean_session: clean,
        keepalive,
        username: None,
        password: None,
        will: None,
    };
    let start = |engine: &mut Engine<'_>, clean: bool, now: u32| {
        #[cfg(feature = "mqtt5")]
        if v5 {
            let c = connect(clean);
            let properties = mqtt_rs::codec::v5::Properties::NONE;
            let v5_connect = mqtt_rs::codec::v5::Connect {
                client_id: c.client_id,
                clean_start: c.clean_session,
                keepalive: c.keepalive,
                username: None,
                password: None,
                will: None,
                properties,
            };
            return engine.connect_v5(&v5_connect, max_inflight, now);
        }
        engine.connect(&connect(clean), max_inflight, now)
    };
    let mut clean = clean_session;
    let reconnect = |engine: &mut Engine<'_>, inbox: &mut Inbox<'_>, out: &mut OutputChecker, model: &mut Model, clean: bool, now: u32| {
        engine.connection_lost(inbox);
        out.reset();
        model.connection_lost();
        start(engine, clean, now).expect("connect after connection_lost");
    };
    start(&mut engine, clean, now).expect("first connect");

    let mut pos = 0;
    let steps = stream.len() * 4 + 64;
    for _ in 0..steps {
        match rng.below(20) {
            // Broker bytes arrive, in pieces of 1 to 64 bytes.
            0..=6 => {
                let space = inbox.space();
                let n = (1 + rng.below(64) as usize).min(space.len()).min(stream.len() - pos);
                space[..n].copy_from_slice(&stream[pos..pos + n]);
                inbox.filled(n);
                pos += n;
            }
            // The transport hands out events until the engine is idle.
            7..=10 => {
                for _ in 0..64 {
                    match engine.next_event(&mut inbox, now) {
                        Ok(Progress::Idle) => break,
                        Ok(Progress::Handled) => {}
                        Ok(Progress::Event(e)) => model.event(&e),
                        Err(_) => {
                            clean = rng.one_in(4);
                            reconnect(&mut engine, &mut inbox, &mut out, &mut model, clean, now);
                            break;
                        }
                    }
                }
            }
            // Some of the queued bytes are written.
            11..=13 => {
                let pending = engine.pending_output();
                let n = if rng.one_in(2) { pending.len() } else { pending.len().min(1 + rng.below(40) as usize) };
                out.feed(&pending[..n]);
                engine.output_written(n);
            }
            // The application publishes.
            14 | 15 => {
                let qos = match rng.below(3) {
                    0 => QoS::AtMostOnce,
                    1 => QoS::AtLeastOnce,
                    _ => QoS::ExactlyOnce,
                };
                let topic = TOPICS[rng.below(TOPICS.len() as u64) as usize];
                let len = rng.below(payloads.len() as u64) as usize;
                let payload = &payloads[..len];
                match engine.publish(topic, payload, qos, rng.one_in(8), now) {
                    Ok(id) if qos != QoS::AtMostOnce => {
                        assert!(id != 0, "QoS {qos:?} publish got packet id 0");
                        assert!(model.publishes.insert(id), "packet id {id} handed out twice");
                    }
                    Ok(id) => assert_eq!(id, 0),
                    Err(Error::WrongState | Error::WindowFull | Error::OutboxFull | Error::Encode(_)) => {}
                    #[cfg(feature = "mqtt5")]
                    Err(Error::QosNotSupported | Error::RetainNotSupported | Error::PacketTooLargeForBroker) if v5 => {}
                    Err(e) => panic!("publish failed with {e:?}"),
                }
                assert!(engine.inflight() <= slot_count);
            }
            // The application subscribes or unsubscribes.
            16 => {
                let n = 1 + rng.below(3) as usize;
                let first = rng.below(FILTERS.len() as u64) as usize;
                let filters = FILTERS.iter().cycle().skip(first).take(n).copied();
                let result =
                    if rng.one_in(2) { engine.subscribe(filters.map(|f| (f, QoS::ExactlyOnce)), now) } else { engine.unsubscribe(filters, now) };
                match result {
                    Ok(id) => {
                        assert!(id != 0);
                        assert!(model.requests.insert(id), "packet id {id} handed out twice");
                    }
                    Err(Error::WrongState | Error::WindowFull | Error::OutboxFull | Error::Encode(_)) => {}
                    Err(e) => panic!("subscribe failed with {e:?}"),
                }
            }
            // Time passes.
            17 => {
                now = now.wrapping_add(rng.below(70_000) as u32);
                if engine.poll_timers(now).is_err() {
                    clean = rng.one_in(4);
                    reconnect(&mut engine, &mut inbox, &mut out, &mut model, clean, now);
                }
            }
            // The connection drops.
            18 => {
                if rng.one_in(4) {
                    clean = rng.one_in(4);
                    reconnect(&mut engine, &mut inbox, &mut out, &mut model, clean, now);
                }
            }
            _ => {
                let _ = engine.poll_timers(now);
            }
        }
    }

    // Whatever happened, no accepted message may have vanished: each one is still in
    // flight, or its end was reported.
    for _ in 0..256 {
        match engine.next_event(&mut inbox, now) {
            Ok(Progress::Event(e)) => model.event(&e),
            Ok(Progress::Handled) => {}
            Ok(Progress::Idle) | Err(_) => break,
        }
    }
    engine.connection_lost(&mut inbox);
    for _ in 0..256 {
        match engine.next_event(&mut inbox, now) {
            Ok(Progress::Event(e)) => model.event(&e),
            _ => break,
        }
    }
    assert_eq!(engine.inflight(), model.publishes.len(), "accepted QoS 1/2 messages lost without a report");
}
