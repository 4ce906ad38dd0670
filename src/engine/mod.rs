//! The sans-IO session engine: requests and received bytes go in with the current time,
//! bytes to send and events come out. It owns packet ids, the in-flight window,
//! keepalive and resend, and never does I/O or reads a clock.
//!
//! All memory is the caller's: transmit and receive buffers and the in-flight slots,
//! borrowed for `'b`, as are the topics and payloads of outgoing QoS 1/2 messages until
//! their flow completes.
//!
//! Two sides, owned apart: the [`Inbox`] (receive buffer; a delivered message points into
//! it) and the [`Engine`] (everything a request touches: send queue, window, packet ids,
//! timers). [`Engine::next_event`] borrows the inbox only for the event it returns, so a
//! request may be queued on the engine while a message is still being delivered.

#[cfg(feature = "mqtt5")]
mod alias;
#[cfg(feature = "mqtt5")]
pub mod auth;
#[cfg(feature = "mqtt5")]
mod ending;
mod event;
#[cfg(feature = "mqtt5")]
mod hook;
mod inbox;
mod memmove;
mod offline;
mod outbox;
mod persist;
#[cfg(feature = "mqtt5")]
mod v5;
mod window;

#[cfg(feature = "mqtt5")]
pub use alias::TopicAliases;
pub use event::{Error, Event, FlowKind, Message};
pub use inbox::Inbox;
pub use memmove::move_down;
pub use persist::SavedFlow;
pub use window::Slot;

use crate::codec::encode::{self, ConnectFields, PublishSize};
use crate::codec::packet::kind;
use crate::codec::topic::{FilterText, Name};
use crate::codec::{Connect, Packet, Publish, QoS};
use core::num::NonZeroU16;
use inbox::Unit;
use outbox::Outbox;
use window::{Stage, Window};

/// How long to wait for CONNACK when keepalive is off.
const DEFAULT_RESPONSE_TIMEOUT_MS: u32 = 30_000;
/// Room kept free in the transmit buffer for one acknowledgement.
const ACK_LEN: usize = encode::ACK_LEN;

/// Where the connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// No connection.
    Disconnected,
    /// CONNECT queued, waiting for CONNACK.
    Connecting,
    /// CONNACK accepted.
    Connected,
    /// DISCONNECT queued; the transport closes once it is written.
    Disconnecting,
}

/// What [`Engine::next_event`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress<'a> {
    /// Something to report to the application.
    Event(Event<'a>),
    /// A packet was handled with nothing to report; call again.
    Handled,
    /// Nothing more until bytes arrive or queued bytes are written.
    Idle,
}

/// The MQTT session state machine, less the receive side ([`Inbox`]).
pub struct Engine<'b> {
    outbox: Outbox<'b>,
    window: Window<'b>,
    state: State,
    keepalive_ms: u32,
    max_inflight: u16,
    last_tx: u32,
    /// Since when a CONNACK or PINGRESP is awaited.
    awaiting_since: Option<u32>,
    /// PUBACK, PUBREC and PUBCOMP received for packet ids with no flow at all.
    ignored_acks: u16,
    /// The MQTT 5.0 side of the connection.
    #[cfg(feature = "mqtt5")]
    v5: v5::Link,
    /// MQTT 5.0 enhanced authentication.
    #[cfg(feature = "mqtt5")]
    auth: auth::Auth<'b>,
    /// MQTT 5.0: where the properties of the packet that ended the connection lie.
    #[cfg(feature = "mqtt5")]
    ending: ending::Ending,
    /// MQTT 5.0: the topic aliases this client assigned on this connection.
    #[cfg(feature = "mqtt5")]
    aliases: alias::TopicAliases<'b>,
}

impl<'b> Engine<'b> {
    /// Creates an engine over caller storage: transmit buffer and slots (the receive
    /// buffer goes to an [`Inbox`]).
    pub fn new(tx: &'b mut [u8], slots: &'b mut [Slot<'b>]) -> Self {
        let mut engine = Self::unmarked(tx, slots);
        engine.window.free_all();
        engine
    }

    /// [`new`](Self::new) without marking the slots free: [`free_slots`](Self::free_slots)
    /// must mark them before any other use. The C init call writes its handle first, so
    /// that its checked config values are not kept on the stack across the slot loop.
    pub(crate) fn unmarked(tx: &'b mut [u8], slots: &'b mut [Slot<'b>]) -> Self {
        let window = Window::unmarked(slots);
        let max_inflight = window_cap(&window);
        Engine {
            outbox: Outbox::new(tx),
            window,
            state: State::Disconnected,
            keepalive_ms: 0,
            max_inflight,
            last_tx: 0,
            awaiting_since: None,
            ignored_acks: 0,
            #[cfg(feature = "mqtt5")]
            v5: v5::Link::off(),
            #[cfg(feature = "mqtt5")]
            auth: auth::Auth::off(),
            #[cfg(feature = "mqtt5")]
            ending: ending::Ending::default(),
            #[cfg(feature = "mqtt5")]
            aliases: Default::default(),
        }
    }

    /// Marks every slot free, completing [`unmarked`](Self::unmarked).
    pub(crate) fn free_slots(&mut self) {
        self.window.free_all();
    }

    /// Where the connection stands.
    pub fn state(&self) -> State {
        self.state
    }

    /// True while a CONNACK or PINGRESP is awaited: the connection must be read.
    pub fn awaits_response(&self) -> bool {
        self.awaiting_since.is_some()
    }

    /// True when flows wait for room in the transmit buffer (written by a later call).
    pub fn has_unsent(&self) -> bool {
        self.window.has_unsent()
    }

    /// PUBACK, PUBREC and PUBCOMP ignored since the engine was created (saturating) because no flow
    /// had their packet id (MQTT 3.1.1 does not make them a protocol violation).
    pub fn ignored_acks(&self) -> u16 {
        self.ignored_acks
    }

    /// Outgoing QoS 1/2 messages not yet acknowledged.
    pub fn inflight(&self) -> usize {
        self.window.publishes()
    }

    /// Starts a session: queues CONNECT. A clean session drops the old session's flows
    /// (reported as [`Event::Discarded`]); otherwise they are resent after CONNACK.
    ///
    /// `max_inflight` caps outgoing QoS 1/2 flows (0: as many as there are slots).
    pub fn connect(&mut self, connect: &Connect<'_>, max_inflight: u16, now: u32) -> Result<(), Error> {
        self.connect_at(&ConnectFields::of(connect, &connect.text()), max_inflight, || now)
    }

    /// [`connect`](Self::connect) reading the clock through `now` once the CONNECT is
    /// queued: the session's clock callback is then called with nothing else live, and
    /// the checked CONNECT fields need not be kept across it.
    #[inline(always)]
    pub(crate) fn connect_at(&mut self, connect: &ConnectFields<'_, '_>, max_inflight: u16, now: impl FnOnce() -> u32) -> Result<(), Error> {
        self.begin_session(
            &|buf| {
                encode::connect_with(
                    connect,
                    #[cfg(feature = "mqtt5")]
                    None,
                    buf,
                )
            },
            connect.clean_session,
            connect.keepalive,
            max_inflight,
            now,
            #[cfg(feature = "mqtt5")]
            (false, None),
        )
    }

    /// Queues the CONNECT `encode` writes and resets the session state for it, reading
    /// the clock through `now` last (nothing else is then kept across the call). With MQTT
    /// 5.0, `v5` is whether the connection is an MQTT 5.0 one and `method` the enhanced
    /// authentication method, if any: set here, not reset here and set again by the caller.
    fn begin_session(
        &mut self,
        encode: &dyn Fn(&mut [u8]) -> Result<usize, crate::codec::EncodeError>,
        clean_session: bool,
        keepalive: u16,
        max_inflight: u16,
        now: impl FnOnce() -> u32,
        #[cfg(feature = "mqtt5")] (v5, method): (bool, Option<&'b str>),
    ) -> Result<(), Error> {
        if self.state != State::Disconnected {
            return Err(Error::WrongState);
        }
        // The inbox is empty: it was cleared when the last connection was lost. The outbox
        // is emptied, so CONNECT is written at its start, not through `Outbox::push` (which
        // compacts and tries again, for a buffer holding packets).
        let written = encode(self.outbox.restart())?;
        self.outbox.restarted(written);
        #[cfg(feature = "mqtt5")]
        {
            self.v5.reset(v5);
            self.aliases.clear();
            self.auth = auth::Auth::of(method);
            self.ending = ending::Ending::default();
        }
        if clean_session {
            self.window.clear_session();
        }
        self.max_inflight = match max_inflight {
            0 => window_cap(&self.window),
            n => n.min(window_cap(&self.window)),
        };
        self.keepalive_ms = u32::from(keepalive) * 1000;
        self.state = State::Connecting;
        let now = now();
        self.last_tx = now;
        self.awaiting_since = Some(now);
        Ok(())
    }

    /// Queues a PUBLISH. QoS 0 is queued at once (or fails with [`Error::OutboxFull`]);
    /// QoS 1/2 takes a slot and returns its packet id, and is queued as room allows.
    #[inline]
    pub fn publish(&mut self, topic: &'b str, payload: &'b [u8], qos: QoS, retain: bool, now: u32) -> Result<u16, Error> {
        self.publish_named(name(topic)?, payload, qos, retain, now)
    }

    /// [`publish`](Self::publish) of a topic already found to be a valid name (the C
    /// publish call's one-pass check of a plain ASCII topic), which is not scanned again.
    /// Inlined on hosted targets: out of line, the non-blocking publish call passed its
    /// nine arguments through the stack and a call per publish (bare metal keeps one copy).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub(crate) fn publish_named(&mut self, topic: Name<'b>, payload: &'b [u8], qos: QoS, retain: bool, now: u32) -> Result<u16, Error> {
        self.send_publish(
            topic,
            payload,
            qos,
            retain,
            #[cfg(feature = "mqtt5")]
            None,
            now,
        )
    }

    /// [`publish`](Self::publish), with MQTT 5.0 properties when the connection has them.
    /// Inlined into each caller, so that a client publishing without properties keeps no
    /// property path (out of line, `None` was not folded into it).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn send_publish(
        &mut self,
        topic: Name<'b>,
        payload: &'b [u8],
        qos: QoS,
        retain: bool,
        #[cfg(feature = "mqtt5")] properties: Option<&'b dyn crate::codec::v5::PropertySource>,
        now: u32,
    ) -> Result<u16, Error> {
        #[cfg(not(feature = "mqtt5"))]
        let size = self.check_publish_head(topic, payload, qos)?;
        #[cfg(feature = "mqtt5")]
        let size = self.check_publish_head(topic, payload, qos, self.v5.is_on())?;
        let topic = topic.as_str();
        if self.state != State::Connected {
            return Err(Error::WrongState);
        }
        #[cfg(feature = "mqtt5")]
        {
            let publish = Publish { topic, payload, qos, retain, dup: false, packet_id: 0 };
            self.check_publish(&publish, properties, size.head)?;
        }
        if qos == QoS::AtMostOnce {
            #[cfg(feature = "mqtt5")]
            let queued = {
                let publish = Publish { topic, payload, qos, retain, dup: false, packet_id: 0 };
                v5::queue_publish(&mut self.outbox, &self.v5, &mut self.aliases, &publish, properties)
            };
            // Slot-shaped, as the pump passes its slot (a free slot's stage is QoS 0's).
            #[cfg(not(feature = "mqtt5"))]
            let queued = queue_slot_publish(&mut self.outbox, &Slot::qos0(topic, payload, retain), size);
            if !queued {
                return Err(Error::OutboxFull);
            }
            self.last_tx = now;
            return Ok(0);
        }
        let id = self.claim_publish(
            topic,
            payload,
            qos,
            retain,
            #[cfg(feature = "mqtt5")]
            properties,
        )?;
        // The claim has just left a slot unsent: bare metal calls `pump_unsent` without
        // `pump`'s test (Cortex-M4: 6 B smaller). Hosted targets go through `pump`: calling
        // `pump_unsent` directly changed what LTO inlined into the C publish call on x86_64
        // (+18 instructions per QoS 0 publish, +14 per QoS 1).
        #[cfg(target_os = "none")]
        self.pump_unsent(now);
        #[cfg(not(target_os = "none"))]
        self.pump(now);
        Ok(id)
    }

    /// Takes a slot for an outgoing QoS 1/2 PUBLISH (queued by the next pump); returns its id.
    #[inline(always)]
    fn claim_publish(
        &mut self,
        topic: &'b str,
        payload: &'b [u8],
        qos: QoS,
        retain: bool,
        #[cfg(feature = "mqtt5")] properties: Option<&'b dyn crate::codec::v5::PropertySource>,
    ) -> Result<u16, Error> {
        if self.window.publishes() >= usize::from(self.max_inflight) {
            return Err(Error::WindowFull);
        }
        let stage = if qos == QoS::AtLeastOnce { Stage::AwaitPuback } else { Stage::AwaitPubrec };
        let slot = self.window.claim(stage).ok_or(Error::WindowFull)?;
        slot.topic = topic;
        slot.payload = payload;
        slot.retain = retain;
        #[cfg(feature = "mqtt5")]
        {
            slot.properties = properties;
        }
        let id = slot.packet_id;
        self.window.claimed_publish();
        Ok(id)
    }

    /// Checks that a PUBLISH of `topic` and `payload` can be encoded and queued at all
    /// (the MQTT 3.1.1 packet; MQTT 5.0 limits are checked by `check_publish`).
    /// Inlined: the minimal client links one caller and keeps the code it had.
    #[inline(always)]
    fn check_publish_args(&self, topic: &str, payload: &[u8], qos: QoS) -> Result<(), Error> {
        self.check_publish_head(
            name(topic)?,
            payload,
            qos,
            #[cfg(feature = "mqtt5")]
            false,
        )
        .map(drop)
    }

    /// [`check_publish_args`](Self::check_publish_args) of a valid name, returning the
    /// head's sizes; with `v5` those of the MQTT 5.0 PUBLISH without properties, checked
    /// against the transmit buffer in its place (so that `check_publish` need not size it
    /// again).
    #[inline(always)]
    fn check_publish_head(&self, topic: Name<'_>, payload: &[u8], qos: QoS, #[cfg(feature = "mqtt5")] v5: bool) -> Result<PublishSize, Error> {
        use crate::codec::{varint::MAX_REMAINING_LENGTH, EncodeError};
        // Topic, packet id and payload must fit in one remaining length (the payload's room
        // in `u32`: a name has at most 65,535 bytes; on a 16-bit usize any payload fits).
        let topic = u32::from(topic.len());
        if usize::try_from(MAX_REMAINING_LENGTH - 4 - topic).is_ok_and(|room| payload.len() > room) {
            return Err(Error::Encode(EncodeError::InvalidField));
        }
        // Exact: at most the room above.
        let payload = payload.len() as u32;
        // The head (fixed header, topic, id) is always copied into the transmit buffer;
        // one that can never fit would wait there forever and hold up every later flow.
        #[cfg(not(feature = "mqtt5"))]
        let v5 = false;
        let size = PublishSize::of_checked(topic, qos, payload, v5);
        if size.head > self.outbox.capacity() {
            return Err(Error::Encode(EncodeError::BufferTooSmall));
        }
        Ok(size)
    }

    /// Queues SUBSCRIBE for `(filter, QoS)` pairs and returns its packet id. A filter is
    /// bytes, checked as UTF-8 with the filter rules, or text found UTF-8 before
    /// ([`FilterText`]: the C calls' filters), checked with the filter rules only.
    pub fn subscribe<'f, I, F>(&mut self, filters: I, now: u32) -> Result<u16, Error>
    where
        I: Iterator<Item = (F, QoS)> + Clone,
        F: FilterText<'f>,
    {
        let Ok(count) = u16::try_from(filters.clone().count()) else {
            return Err(Error::Encode(crate::codec::EncodeError::InvalidField));
        };
        // One request and one encoder for both versions (a v5 SUBSCRIBE without options or
        // properties differs by its empty property section only).
        #[cfg(feature = "mqtt5")]
        let v5 = self.v5.is_on();
        self.request(Stage::AwaitSuback, count, now, |id, buf| {
            encode::subscribe_as(
                Some(id),
                filters.clone(),
                #[cfg(feature = "mqtt5")]
                v5,
                // Not captured: a captured constant is not folded into the encoder.
                #[cfg(not(feature = "mqtt5"))]
                false,
                buf,
            )
        })
    }

    /// Queues UNSUBSCRIBE for `filters` and returns its packet id.
    pub fn unsubscribe<'f, I, F>(&mut self, filters: I, now: u32) -> Result<u16, Error>
    where
        I: Iterator<Item = F> + Clone,
        F: FilterText<'f>,
    {
        #[cfg(feature = "mqtt5")]
        let v5 = self.v5.is_on();
        self.request(Stage::AwaitUnsuback, 0, now, |id, buf| {
            encode::unsubscribe_as(
                Some(id),
                filters.clone(),
                #[cfg(feature = "mqtt5")]
                v5,
                // Not captured: a captured constant is not folded into the encoder.
                #[cfg(not(feature = "mqtt5"))]
                false,
                buf,
            )
        })
    }

    fn request(
        &mut self,
        stage: Stage,
        count: u16,
        now: u32,
        encode: impl Fn(NonZeroU16, &mut [u8]) -> Result<usize, crate::codec::EncodeError>,
    ) -> Result<u16, Error> {
        if self.state != State::Connected {
            return Err(Error::WrongState);
        }
        let slot = self.window.claim(stage).ok_or(Error::WindowFull)?;
        // Typed non-zero for the encoders, which then need no test of their own: the window
        // hands out ids from 1 (the fallback is never taken).
        let id = NonZeroU16::new(slot.packet_id).unwrap_or(NonZeroU16::MIN);
        slot.count = count;
        slot.unsent = false;
        let pushed = self.outbox.push(|buf| encode(id, buf));
        if let Err(e) = request_result(&self.outbox, pushed) {
            slot.free();
            return Err(e);
        }
        self.last_tx = now;
        Ok(id.get())
    }

    /// Queues DISCONNECT; once it is written the transport closes the connection.
    /// Packets received from then on are not processed.
    pub fn disconnect(&mut self) -> Result<(), Error> {
        self.queue_disconnect(|outbox| push_empty(outbox, kind::DISCONNECT))
    }

    /// Queues the DISCONNECT `queue` pushes (see [`disconnect`](Self::disconnect)).
    #[inline(always)]
    fn queue_disconnect(&mut self, queue: impl FnOnce(&mut Outbox<'b>) -> Result<(), crate::codec::EncodeError>) -> Result<(), Error> {
        if self.state != State::Connected {
            return Err(Error::WrongState);
        }
        let pushed = queue(&mut self.outbox);
        request_result(&self.outbox, pushed)?;
        self.state = State::Disconnecting;
        Ok(())
    }

    /// The connection is gone: unacknowledged PUBLISH and PUBREL wait for the next
    /// connect, pending SUBSCRIBE/UNSUBSCRIBE are reported as discarded; what `inbox` held
    /// is dropped.
    pub fn connection_lost(&mut self, inbox: &mut Inbox<'_>) {
        self.state = State::Disconnected;
        #[cfg(feature = "mqtt5")]
        self.ending.lost_at(inbox.read_to());
        inbox.clear();
        self.outbox.clear();
        self.window.connection_lost();
        self.awaiting_since = None;
    }

    /// The next bytes to write (empty when there is nothing to send).
    #[inline]
    pub fn pending_output(&self) -> &[u8] {
        self.outbox.pending()
    }

    /// True when a dropped flow may wait to be reported by [`next_event`](Self::next_event).
    pub fn has_discarded(&self) -> bool {
        self.window.has_discarded()
    }

    /// True when bytes wait to be written (cheaper than asking for them).
    pub fn has_output(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// Records that `n` bytes of [`pending_output`](Self::pending_output) were written.
    #[inline]
    pub fn output_written(&mut self, n: usize) {
        self.outbox.consume(n);
    }

    /// Sends PINGREQ when keepalive is due and fails when the broker stopped answering.
    ///
    /// Returns the milliseconds until the next deadline (`u32::MAX` for none).
    ///
    /// Inlined on hosted targets, where every driving call checks the timers (bare metal:
    /// smaller without).
    #[cfg_attr(not(target_os = "none"), inline)]
    pub fn poll_timers(&mut self, now: u32) -> Result<u32, Error> {
        #[cfg(feature = "mqtt5")]
        self.auth.check_refused()?;
        self.pump(now);
        // The usual call first: connected, no answer awaited (two tests, then the keepalive's).
        if self.awaiting_since.is_none() && self.state == State::Connected {
            let idle = now.wrapping_sub(self.last_tx);
            if idle < self.keepalive_ms {
                return Ok(self.keepalive_ms - idle);
            }
            if self.keepalive_ms == 0 {
                return Ok(u32::MAX);
            }
            if push_empty(&mut self.outbox, kind::PINGREQ).is_err() {
                // Write out what is queued first; the ping follows on the next call.
                return Ok(0);
            }
            self.last_tx = now;
            self.awaiting_since = Some(now);
            return Ok(self.keepalive_ms);
        }
        // The response timeout is worked out only while an answer is awaited (a ping sent
        // above waits keepalive_ms, which is not 0 there).
        let Some(since) = self.awaiting_since else {
            return Ok(u32::MAX);
        };
        let response_timeout = if self.keepalive_ms == 0 { DEFAULT_RESPONSE_TIMEOUT_MS } else { self.keepalive_ms };
        let waited = now.wrapping_sub(since);
        if waited >= response_timeout {
            return Err(Error::KeepaliveTimeout);
        }
        Ok(response_timeout - waited)
    }

    /// Processes the next packet (or chunk) received into `inbox`. Call until it returns
    /// [`Progress::Idle`]; an error ends the connection. The event borrows `inbox` only:
    /// the engine is free again once this returns.
    pub fn next_event<'i>(&mut self, inbox: &'i mut Inbox<'_>, now: u32) -> Result<Progress<'i>, Error> {
        if let Some(slot) = self.window.discarded() {
            // A discarded slot held an outgoing flow: one of the three PUBLISH stages, then
            // SUBACK's and UNSUBACK's in the order of the kinds, so the kind is the distance
            // past the last PUBLISH stage (Cortex-M4: 4 B smaller than a match on the two
            // request stages).
            const _: () =
                assert!(Stage::AwaitSuback as u8 == Stage::AwaitPubcomp as u8 + 1 && Stage::AwaitUnsuback as u8 == Stage::AwaitPubcomp as u8 + 2);
            let kind = match (slot.was as u8).saturating_sub(Stage::AwaitPubcomp as u8).min(2) {
                0 => FlowKind::Publish,
                1 => FlowKind::Subscribe,
                _ => FlowKind::Unsubscribe,
            };
            let packet_id = slot.packet_id;
            slot.free();
            return Ok(Progress::Event(Event::Discarded { packet_id, kind }));
        }
        #[cfg(feature = "mqtt5")]
        self.auth.check_refused()?;
        self.pump(now);
        // Once DISCONNECT is queued nothing may follow it (MQTT-3.14.4-2), so no more
        // packets are taken in: their acknowledgements could not be sent.
        if matches!(self.state, State::Disconnected | State::Disconnecting) || !self.outbox.has_room(ACK_LEN) {
            return Ok(Progress::Idle);
        }
        // Split borrows: the unit borrows the inbox, the handlers touch the rest.
        let Engine {
            outbox,
            window,
            state,
            awaiting_since,
            last_tx,
            ignored_acks,
            #[cfg(feature = "mqtt5")]
            v5,
            #[cfg(feature = "mqtt5")]
            keepalive_ms,
            #[cfg(feature = "mqtt5")]
            auth,
            #[cfg(feature = "mqtt5")]
            ending,
            ..
        } = self;
        // The acknowledgements of our flows in their usual four bytes, taken straight from
        // the inbox: no `Unit`, no `Packet`, one dispatch on their type.
        if let Some((packet_type, id)) = inbox.next_ack() {
            if *state == State::Connecting {
                return Err(Error::UnexpectedPacket);
            }
            *awaiting_since = None;
            #[cfg(feature = "mqtt5")]
            {
                *ending = ending::Ending::default();
            }
            return Flow { outbox, window, last_tx, ignored_acks, now }.acknowledged(
                packet_type,
                id,
                #[cfg(feature = "mqtt5")]
                crate::codec::v5::reason::SUCCESS,
                #[cfg(feature = "mqtt5")]
                crate::codec::v5::Properties::NONE,
            );
        }
        #[cfg(feature = "mqtt5")]
        inbox.set_v5(v5.is_on());
        // 3.1.1: the handlers' part of the engine is gathered before the packet is taken,
        // once for all of its paths (gathered after, the chunk's path kept a copy of its own
        // on Cortex-M4; with MQTT 5.0, gathered before measured larger).
        #[cfg(not(feature = "mqtt5"))]
        let mut flow = Flow { outbox, window, last_tx, ignored_acks, now };
        let stuck = inbox.is_full();
        // Matched where `next` put it, by reference: through `?` and a move out of the
        // `Option`, the unit was copied on its way to the handlers.
        let next = inbox.next();
        // (With MQTT 5.0 the inbox's fault is the engine's error already.)
        #[cfg_attr(feature = "mqtt5", allow(clippy::useless_conversion))]
        let unit = match &next {
            Err(e) => return Err((*e).into()),
            Ok(Some(Unit::TooLarge)) => return Err(Error::PacketTooLarge),
            Ok(Some(unit)) => unit,
            Ok(None) if stuck => return Err(Error::PacketTooLarge),
            Ok(None) => return Ok(Progress::Idle),
        };
        // MQTT 5.0 packets that 3.1.1 has too take the same steps, with what 5.0 adds.
        #[cfg(feature = "mqtt5")]
        let annex = match unit {
            Unit::Packet(_, annex) => *annex,
            _ => Default::default(),
        };
        #[cfg(feature = "mqtt5")]
        {
            *ending = ending::Ending::of(unit);
        }
        let is_connack = unit.is_connack();
        if (*state == State::Connecting) != is_connack && !unit.is_auth() {
            return Err(Error::UnexpectedPacket);
        }
        // Any packet from the broker shows it is alive.
        *awaiting_since = None;
        {
            #[cfg(feature = "mqtt5")]
            let mut flow = Flow { outbox, window, last_tx, ignored_acks, now };
            // Each arm gives what this call returns, the packet handlers too: they write it
            // in place (through an `Option` the event was copied twice on every packet).
            match *unit {
                Unit::Packet(Packet::Connack(ack), ..) => {
                    if ack.code != 0 {
                        return Err(Error::Refused(ack.code));
                    }
                    #[cfg(feature = "mqtt5")]
                    if v5.is_on() {
                        v5::connected(v5, keepalive_ms, auth, &annex.properties)?;
                    }
                    *state = State::Connected;
                    Ok(Progress::Event(Event::Connected {
                        session_present: ack.session_present,
                        #[cfg(feature = "mqtt5")]
                        properties: annex.properties,
                    }))
                }
                #[cfg(feature = "mqtt5")]
                Unit::V5(packet) => v5::received(state, auth, packet),
                Unit::Packet(Packet::Publish(p), ..) => flow.incoming(
                    p,
                    0,
                    p.payload.len(),
                    #[cfg(feature = "mqtt5")]
                    annex.properties,
                ),
                Unit::Chunk {
                    head,
                    chunk,
                    offset,
                    total,
                    #[cfg(feature = "mqtt5")]
                    properties,
                } => flow.incoming(
                    Publish { payload: chunk, ..head },
                    offset,
                    total,
                    #[cfg(feature = "mqtt5")]
                    properties,
                ),
                // Hosted 3.1.1-only builds have no arm for the four acknowledgements: `next_ack`
                // took every one the decoder accepts (four bytes, minimal length, right flags,
                // non-zero id) before `next` could, so they never get here, and their arms were a
                // second inlined copy of the handlers (x86_64: 218 B). MQTT 5.0 acknowledgements
                // with a reason code or properties, and every one on bare metal, come this way.
                #[cfg(any(target_os = "none", feature = "mqtt5"))]
                Unit::Packet(Packet::Puback(id), ..) => flow.acknowledged(
                    kind::PUBACK,
                    id,
                    #[cfg(feature = "mqtt5")]
                    annex.reason,
                    #[cfg(feature = "mqtt5")]
                    annex.properties,
                ),
                #[cfg(any(target_os = "none", feature = "mqtt5"))]
                Unit::Packet(Packet::Pubrec(id), ..) => flow.acknowledged(
                    kind::PUBREC,
                    id,
                    #[cfg(feature = "mqtt5")]
                    annex.reason,
                    #[cfg(feature = "mqtt5")]
                    annex.properties,
                ),
                #[cfg(any(target_os = "none", feature = "mqtt5"))]
                Unit::Packet(Packet::Pubrel(id), ..) => flow.acknowledged(
                    kind::PUBREL,
                    id,
                    #[cfg(feature = "mqtt5")]
                    annex.reason,
                    #[cfg(feature = "mqtt5")]
                    annex.properties,
                ),
                #[cfg(any(target_os = "none", feature = "mqtt5"))]
                Unit::Packet(Packet::Pubcomp(id), ..) => flow.acknowledged(
                    kind::PUBCOMP,
                    id,
                    #[cfg(feature = "mqtt5")]
                    annex.reason,
                    #[cfg(feature = "mqtt5")]
                    annex.properties,
                ),
                Unit::Packet(Packet::Suback(ack), ..) => flow.subscribed(
                    ack.packet_id,
                    ack.return_codes,
                    #[cfg(feature = "mqtt5")]
                    annex.properties,
                ),
                Unit::Packet(Packet::Unsuback(id), ..) => flow.unsubscribed(
                    id,
                    #[cfg(feature = "mqtt5")]
                    annex.reason_codes,
                    #[cfg(feature = "mqtt5")]
                    annex.properties,
                ),
                Unit::Packet(Packet::Pingresp, ..) => Ok(Progress::Handled),
                // MQTT 5.0: the broker's DISCONNECT, with its reason code.
                #[cfg(feature = "mqtt5")]
                Unit::Packet(Packet::Disconnect, ..) => {
                    *state = State::Disconnected;
                    Err(Error::ServerDisconnect(annex.reason))
                }
                Unit::TooLarge => Err(Error::PacketTooLarge), // (returned above already)
                Unit::Packet(..) | Unit::ClientOnly => Err(Error::UnexpectedPacket),
            }
        }
    }

    /// Queues the packets of slots that are not in the outbox yet, oldest first. The check
    /// for such slots is inlined into every caller: most passes have none, and then cost
    /// no call.
    #[inline(always)]
    fn pump(&mut self, now: u32) {
        if self.window.has_unsent() {
            self.pump_unsent(now);
        }
    }

    /// [`pump`](Self::pump) with slots waiting to be queued: every QoS 1/2 publish queues
    /// its slot here, so its PUBLISH encoder stays inlined on hosted targets (an out-of-line
    /// copy for the pump alone measured 93 B larger on x86_64, and 35 more instructions per
    /// QoS 1 publish: the publish call's inlined copy stays either way).
    fn pump_unsent(&mut self, now: u32) {
        if self.state != State::Connected {
            return;
        }
        loop {
            // MQTT 5.0: no more PUBLISH packets out at once than the broker's Receive
            // Maximum; the rest wait, in order. Counted again for each (a queued one counts).
            #[cfg(feature = "mqtt5")]
            let full = self.v5.sends_full(&self.window);
            let Some(slot) = self.window.oldest_unsent() else { return };
            #[cfg(feature = "mqtt5")]
            if full && slot.stage != Stage::AwaitPubcomp {
                return;
            }
            let queued = if slot.stage == Stage::AwaitPubcomp {
                let id = slot.packet_id;
                push_ack(&mut self.outbox, encode::ack_head(kind::PUBREL), id).is_ok()
            } else {
                #[cfg(feature = "mqtt5")]
                let queued = {
                    let publish = Publish {
                        topic: slot.topic,
                        payload: slot.payload,
                        qos: slot.qos(),
                        retain: slot.retain,
                        dup: slot.sent_once,
                        packet_id: slot.packet_id,
                    };
                    v5::queue_publish(&mut self.outbox, &self.v5, &mut self.aliases, &publish, slot.properties)
                };
                // Sized as `check_publish_head` sized it, which every slot's PUBLISH
                // passed when it was claimed or restored: the sums fit a u32 exactly, so
                // nothing saturates as in `encode::publish_size`, which takes any lengths
                // (Cortex-M4: 32 B less; with MQTT 5.0 the saturating sums measured smaller).
                #[cfg(not(feature = "mqtt5"))]
                let queued = queue_slot_publish(
                    &mut self.outbox,
                    slot,
                    PublishSize::of_checked(slot.topic.len() as u32, slot.qos(), slot.payload.len() as u32, false),
                );
                queued
            };
            if !queued {
                return;
            }
            slot.unsent = false;
            // A resend carries DUP from now on; set after a PUBREL too, whose slot never
            // sends its PUBLISH again (one store for both, no test of which was queued).
            slot.sent_once = true;
            self.last_tx = now;
            self.window.queued();
        }
    }
}

/// `topic` as a PUBLISH topic name, or the error for one that is not.
#[inline(always)]
fn name(topic: &str) -> Result<Name<'_>, Error> {
    Name::new(topic).ok_or(Error::Encode(crate::codec::EncodeError::Topic))
}

/// The slot count as a window size (at most 65,535 flows can have packet ids).
fn window_cap(window: &Window<'_>) -> u16 {
    u16::try_from(window.capacity()).unwrap_or(u16::MAX)
}

/// [`queue_sized_publish`] of a 3.1.1 PUBLISH held in slot form: the pump passes its slot
/// as it is, and a QoS 0 publish builds one (stage `Free`), so that the fields are copied
/// into a [`Publish`] here once rather than at each call site. Its QoS is the slot's stage
/// (`Free`, `AwaitPuback`, `AwaitPubrec`), DUP its `sent_once`.
#[cfg(not(feature = "mqtt5"))]
#[cfg_attr(not(target_os = "none"), inline(always))]
#[cfg_attr(target_os = "none", inline(never))]
fn queue_slot_publish<'b>(outbox: &mut Outbox<'b>, slot: &Slot<'b>, size: PublishSize) -> bool {
    // The stages `Free`, `AwaitPuback` and `AwaitPubrec` are QoS 0, 1 and 2 by their
    // values (asserted below): converted as bits, 5 B smaller than a match of the stage.
    // Not `Slot::qos`, which has no QoS 0 (a free slot reads as QoS 2): that one in this
    // form, called here, measured 14 B larger on Cortex-M4 for its other callers.
    const _: () = assert!(Stage::Free as u8 == 0 && Stage::AwaitPuback as u8 == 1 && Stage::AwaitPubrec as u8 == 2);
    let qos = QoS::from_bits(slot.stage as u8 & 3).unwrap_or(QoS::ExactlyOnce);
    let publish = Publish { topic: slot.topic, payload: slot.payload, qos, retain: slot.retain, dup: slot.sent_once, packet_id: slot.packet_id };
    queue_sized_publish(outbox, &publish, size)
}

/// Queues a PUBLISH whose topic [`Engine::publish`] checked: copied whole when it fits
/// the transmit buffer, else its head is copied and the payload is written from caller
/// memory. False when there is no room now. With `v5`, the MQTT 5.0 PUBLISH without
/// properties (see [`encode::engine_publish_head_as`]). A 3.1.1 build queues through
/// [`queue_slot_publish`] instead.
#[cfg(feature = "mqtt5")]
pub(super) fn queue_publish<'b>(outbox: &mut Outbox<'b>, publish: &Publish<'b>, v5: bool) -> bool {
    // With MQTT 5.0 the saturating sums measured smaller than `PublishSize::of_checked`.
    let size = encode::publish_size(publish.topic.len(), publish.qos, publish.payload.len(), v5);
    queue_sized_publish(outbox, publish, v5, size)
}

/// A PUBLISH queued with the head's sizes known: a QoS 0 publish on a 3.1.1 connection
/// has them from its checks and is not sized twice. Inlined into its callers on hosted
/// targets (one copy out of line measured 192 B smaller on x86_64 for 34 to 68 more
/// instructions per publish, a QoS 0 publish losing its folded constants); a bare-metal
/// 3.1.1 build keeps one copy, [`queue_slot_publish`], for the publish call and the pump
/// (with MQTT 5.0 both already share `v5::queue_publish`).
#[inline(always)]
fn queue_sized_publish<'b>(outbox: &mut Outbox<'b>, publish: &Publish<'b>, #[cfg(feature = "mqtt5")] v5: bool, size: PublishSize) -> bool {
    push_publish(outbox, size.head, publish.payload, |buf| {
        encode::engine_publish_head_as(
            publish,
            size.remaining,
            #[cfg(feature = "mqtt5")]
            v5,
            // Not captured: a captured constant is not folded into the encoder.
            #[cfg(not(feature = "mqtt5"))]
            false,
            buf,
        )
    })
}

/// Queues a PUBLISH whose head (`head_len` bytes, written by `head`) is followed by
/// `payload`: both copied when they fit the transmit buffer, else the head copied and the
/// payload spliced from caller memory. False when there is no room now. Shared by both
/// protocol versions, which differ only in the head.
#[inline(always)]
fn push_publish<'b>(
    outbox: &mut Outbox<'b>,
    head_len: usize,
    payload: &'b [u8],
    head: impl Fn(&mut [u8]) -> Result<usize, crate::codec::EncodeError>,
) -> bool {
    let whole = head_len.saturating_add(payload.len()) <= outbox.capacity();
    if !whole && outbox.has_splice() {
        return false;
    }
    // The packet's length is known: it is written in place, without a call through
    // `Outbox::push` and its retry after compaction.
    let len = if whole { head_len.saturating_add(payload.len()) } else { head_len };
    let Some(free) = outbox.reserve(len) else { return false };
    let Ok(head) = head(free) else { return false };
    if !whole {
        outbox.commit(head);
        outbox.splice(payload);
        return true;
    }
    // Taken by its length: the copy needs no length check of its own.
    match free.get_mut(head..head.wrapping_add(payload.len())) {
        Some(dst) => dst.copy_from_slice(payload),
        None => return false,
    }
    outbox.commit(head + payload.len());
    true
}

/// Queues PUBACK, PUBREC, PUBREL or PUBCOMP for the handlers and the pump: made whole
/// aside (`id` is never 0, see [`encode::ack_bytes`]) and queued with [`Outbox::put`].
/// Its error is the engine's already, so [`Flow::ack`] passes it on without a conversion
/// of its own (Cortex-M4: smaller; written with `?`, as `map_err` it was not).
fn push_ack(outbox: &mut Outbox<'_>, head: u8, id: u16) -> Result<(), Error> {
    Ok(outbox.put(&encode::ack_bytes(head, id))?)
}

/// Queues PINGREQ or DISCONNECT (3.1.1), as [`push_ack`] queues an acknowledgement.
fn push_empty(outbox: &mut Outbox<'_>, kind: u8) -> Result<(), crate::codec::EncodeError> {
    let mut packet = [0; 2];
    let len = encode::empty(kind, &mut packet)?;
    outbox.put(packet.get(..len).ok_or(crate::codec::EncodeError::BufferTooSmall)?)
}

/// `pushed`, the result of queuing a request's packet, as the request's: [`Error::OutboxFull`]
/// while queued packets fill the buffer (write them out, then try again), else the
/// encoder's error. Left to the compiler, which inlines it (out of line it cost more in its
/// callers than it saved); `request` maps before it frees its slot, a smaller error path
/// on Cortex-M4.
fn request_result(outbox: &Outbox<'_>, pushed: Result<(), crate::codec::EncodeError>) -> Result<(), Error> {
    pushed.map_err(|e| match e {
        crate::codec::EncodeError::BufferTooSmall if !outbox.is_empty() => Error::OutboxFull,
        e => Error::Encode(e),
    })
}

/// What [`Engine::next_event`] returns for a handled packet that may have an event.
fn reported(event: Option<Event<'_>>) -> Progress<'_> {
    event.map_or(Progress::Handled, Progress::Event)
}

/// The parts of the engine that handle one received packet.
struct Flow<'e, 'b> {
    outbox: &'e mut Outbox<'b>,
    window: &'e mut Window<'b>,
    last_tx: &'e mut u32,
    ignored_acks: &'e mut u16,
    now: u32,
}

impl<'b> Flow<'_, 'b> {
    /// Queues an acknowledgement the broker's packet asks for. Out of line: inlined, each
    /// of its three callers kept a copy of the call and the clock's store (hosted too,
    /// where it runs for received QoS 1/2 PUBLISH and PUBREL only, not when publishing).
    #[inline(never)]
    fn ack(&mut self, head: u8, id: u16) -> Result<(), Error> {
        push_ack(self.outbox, head, id)?;
        *self.last_tx = self.now;
        Ok(())
    }

    /// Handles an incoming PUBLISH or chunk (`p.payload` at `offset` of `total` bytes);
    /// acknowledges after the last chunk.
    fn incoming<'a>(
        &mut self,
        p: Publish<'a>,
        offset: usize,
        total: usize,
        #[cfg(feature = "mqtt5")] properties: crate::codec::v5::Properties<'a>,
    ) -> Result<Progress<'a>, Error> {
        let last = offset + p.payload.len() == total;
        // QoS 2: a held id is a resend, acknowledged again and not delivered; a new one is
        // held after the last chunk (with no slot free it cannot be: delivery degrades to
        // at least once). The resend answered on its own path: nothing is kept across the
        // acknowledgement's call.
        if p.qos == QoS::ExactlyOnce && self.window.hold_incoming(p.packet_id, last) == Some(true) {
            if last {
                self.ack(encode::ack_head(kind::PUBREC), p.packet_id)?;
            }
            return Ok(Progress::Handled);
        }
        if last {
            match p.qos {
                QoS::AtMostOnce => {}
                QoS::AtLeastOnce => self.ack(encode::ack_head(kind::PUBACK), p.packet_id)?,
                QoS::ExactlyOnce => self.ack(encode::ack_head(kind::PUBREC), p.packet_id)?,
            }
        }
        Ok(Progress::Event(Event::Message(Message {
            topic: p.topic,
            payload: p.payload,
            offset,
            total,
            qos: p.qos,
            retain: p.retain,
            dup: p.dup,
            packet_id: p.packet_id,
            #[cfg(feature = "mqtt5")]
            properties,
        })))
    }

    /// Handles PUBACK, PUBREC, PUBREL or PUBCOMP (`packet_type`) for packet id `id` (MQTT
    /// 5.0: with its reason code and properties), decoded or as [`Inbox::next_ack`] took it.
    #[inline(always)]
    fn acknowledged<'a>(
        &mut self,
        packet_type: u8,
        id: u16,
        #[cfg(feature = "mqtt5")] reason: u8,
        #[cfg(feature = "mqtt5")] properties: crate::codec::v5::Properties<'a>,
    ) -> Result<Progress<'a>, Error> {
        // One call of `complete` for the types that end a flow: inlined on hosted targets,
        // it is not copied for each.
        let stage = match packet_type {
            kind::PUBACK => Stage::AwaitPuback,
            kind::PUBCOMP => Stage::AwaitPubcomp,
            // MQTT 5.0: a PUBREC ≥ 0x80 ends the flow; no PUBREL follows.
            #[cfg(feature = "mqtt5")]
            kind::PUBREC if crate::codec::v5::reason::is_error(reason) => Stage::AwaitPubrec,
            kind::PUBREC => {
                self.pubrec(id)?;
                return Ok(reported(persist::released(self.window, id)));
            }
            _ => return self.pubrel(id),
        };
        self.complete(
            stage,
            id,
            #[cfg(feature = "mqtt5")]
            reason,
            #[cfg(feature = "mqtt5")]
            properties,
        )
    }

    /// Ends every QoS 1/2 publish: inlined on hosted targets (a call and the handler state
    /// written out for it per acknowledgement), bare-metal builds unchanged.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn complete<'a>(
        &mut self,
        stage: Stage,
        id: u16,
        #[cfg(feature = "mqtt5")] reason: u8,
        #[cfg(feature = "mqtt5")] properties: crate::codec::v5::Properties<'a>,
    ) -> Result<Progress<'a>, Error> {
        match self.window.complete(stage, id) {
            Some(true) => Ok(Progress::Event(Event::PublishDone {
                packet_id: id,
                #[cfg(feature = "mqtt5")]
                reason,
                #[cfg(feature = "mqtt5")]
                properties,
            })),
            // At another step (PUBREC for a QoS 1 message): the connection ends.
            Some(false) => Err(Error::UnknownPacketId),
            // An id no outgoing flow holds is counted and ignored, as MQTT 3.1.1 peers do
            // (a broker may repeat an acknowledgement after a reconnect).
            None => {
                *self.ignored_acks = self.ignored_acks.saturating_add(1);
                Ok(Progress::Handled)
            }
        }
    }

    /// PUBREC: answered with PUBREL. A repeated PUBREC is answered again; one for an
    /// unknown id too (as libmosquitto does), so the broker can release its state. One
    /// for an id at another step ends the connection, as [`complete`](Self::complete) has it:
    /// the one scan for the id's outgoing flow tells all three apart.
    ///
    /// Inlined into its one caller on bare-metal 3.1.1 builds (the compiler kept it out of
    /// line: measured 44 B smaller inlined); with MQTT 5.0 inlined measured larger.
    #[cfg_attr(all(target_os = "none", not(feature = "mqtt5")), inline(always))]
    fn pubrec(&mut self, id: u16) -> Result<(), Error> {
        match self.window.find_outgoing(id) {
            Some(slot) if matches!(slot.stage, Stage::AwaitPubrec | Stage::AwaitPubcomp) => {
                slot.stage = Stage::AwaitPubcomp;
                slot.unsent = false;
            }
            Some(_) => return Err(Error::UnknownPacketId),
            None => *self.ignored_acks = self.ignored_acks.saturating_add(1),
        }
        self.ack(encode::ack_head(kind::PUBREL), id)
    }

    /// PUBREL: frees the held incoming QoS 2 id, if held, and answers with PUBCOMP.
    ///
    /// Inlined into its one caller on bare-metal 3.1.1 builds, as `pubrec` is (the compiler
    /// kept it out of line: measured 56 B smaller inlined).
    #[cfg_attr(all(target_os = "none", not(feature = "mqtt5")), inline(always))]
    fn pubrel(&mut self, id: u16) -> Result<Progress<'static>, Error> {
        if let Some(slot) = self.window.find(Stage::AwaitPubrel, id) {
            slot.free();
        }
        self.ack(encode::ack_head(kind::PUBCOMP), id)?;
        Ok(reported(persist::incoming_done(id)))
    }

    /// SUBACK: one return code per filter requested, else the broker broke the protocol.
    fn subscribed<'a>(
        &mut self,
        packet_id: u16,
        return_codes: &'a [u8],
        #[cfg(feature = "mqtt5")] properties: crate::codec::v5::Properties<'a>,
    ) -> Result<Progress<'a>, Error> {
        let slot = self.window.find(Stage::AwaitSuback, packet_id).ok_or(Error::UnknownPacketId)?;
        if usize::from(slot.count) != return_codes.len() {
            return Err(Error::SubackMismatch);
        }
        slot.free();
        Ok(Progress::Event(Event::Subscribed {
            packet_id,
            return_codes,
            #[cfg(feature = "mqtt5")]
            properties,
        }))
    }

    /// UNSUBACK (MQTT 5.0: with a reason code per filter).
    fn unsubscribed<'a>(
        &mut self,
        packet_id: u16,
        #[cfg(feature = "mqtt5")] reason_codes: &'a [u8],
        #[cfg(feature = "mqtt5")] properties: crate::codec::v5::Properties<'a>,
    ) -> Result<Progress<'a>, Error> {
        let slot = self.window.find(Stage::AwaitUnsuback, packet_id).ok_or(Error::UnknownPacketId)?;
        slot.free();
        Ok(Progress::Event(Event::Unsubscribed {
            packet_id,
            #[cfg(feature = "mqtt5")]
            reason_codes,
            #[cfg(feature = "mqtt5")]
            properties,
        }))
    }
}
