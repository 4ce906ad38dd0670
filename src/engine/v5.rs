//! MQTT 5.0 in the session engine (feature `mqtt5`): the v5 CONNECT, the broker's limits
//! from CONNACK applied to every request, reason codes on acknowledgements and the
//! broker's DISCONNECT. The 3.1.1 paths call in here through small hooks only.

use super::alias::{Prepended, TopicAliases};
use super::hook::Hook;
use super::outbox::Outbox;
use super::window::{Stage, Window};
use super::Inbox;
use super::{Engine, Error, Progress, State};
use crate::codec::encode::ConnectFields;
use crate::codec::v5::decode::FromBroker;
use crate::codec::v5::property::{id, Property, PropertySource, Value};
use crate::codec::v5::{self as codec5, encode as enc5, Properties};
use crate::codec::{Publish, QoS};
use core::num::NonZeroU32;

/// The MQTT 5.0 side of one connection: off for MQTT 3.1.1, else the broker's limits
/// that requests are checked against (what [`codec5::ServerLimits`] holds, in 8 bytes: it
/// lives in the client's storage).
#[derive(Clone, Copy)]
pub(crate) struct Link {
    on: bool,
    maximum_qos: QoS,
    retain_available: bool,
    receive_maximum: u16,
    /// `None`: no limit but the protocol's.
    maximum_packet_size: Option<NonZeroU32>,
    /// The broker's Topic Alias Maximum: how many aliases this client may assign.
    topic_alias_maximum: u16,
    /// The Topic Alias Maximum this client announces (its incoming table's capacity).
    announced_aliases: u16,
}

impl Link {
    /// A 3.1.1 connection (or none yet).
    pub(super) fn off() -> Link {
        Link {
            on: false,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            receive_maximum: u16::MAX,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
            announced_aliases: 0,
        }
    }

    /// Back to [`off`](Self::off) for a new connection, keeping the announced alias count;
    /// `on` for an MQTT 5.0 one.
    pub(super) fn reset(&mut self, on: bool) {
        *self = Link { on, announced_aliases: self.announced_aliases, ..Link::off() };
    }

    /// True on an MQTT 5.0 connection.
    pub(super) fn is_on(&self) -> bool {
        self.on
    }

    /// True when `publish` (v5 form) stays within the broker's Maximum Packet Size.
    fn admits(&self, publish: &codec5::Publish<'_>) -> bool {
        let Ok(head) = enc5::publish_head_len(publish, publish.payload.len()) else { return false };
        let len = head.saturating_add(publish.payload.len());
        !self.maximum_packet_size.is_some_and(|max| u32::try_from(len).map_or(true, |len| len > max.get()))
    }

    /// True when no more PUBLISH packets may go out: the broker's Receive Maximum is
    /// reached (flows already sent count until their last acknowledgement).
    pub(super) fn sends_full(&self, window: &Window<'_>) -> bool {
        self.on && window.sent_publishes() >= usize::from(self.receive_maximum)
    }
}

impl<'b> Engine<'b> {
    /// Starts an MQTT 5.0 session: queues a v5 CONNECT (properties from the caller's
    /// memory, e.g. session expiry, receive maximum, user properties). As
    /// [`connect`](Self::connect) otherwise; the broker's CONNACK then sets the limits
    /// every later request is checked against.
    ///
    /// With topic aliases in use ([`use_topic_aliases`](Self::use_topic_aliases)) the
    /// CONNECT announces the incoming table's capacity as Topic Alias Maximum (the
    /// caller's properties must not carry one too).
    pub fn connect_v5(&mut self, connect: &codec5::Connect<'_>, max_inflight: u16, now: u32) -> Result<(), Error> {
        let will_properties = connect.will.as_ref().map_or(&Properties::NONE, |w| &w.properties);
        self.connect_parts(&connect.fixed(&connect.text()), Some((&connect.properties, will_properties)), None, max_inflight, || now)
    }

    /// [`connect_v5`](Self::connect_v5) from the CONNECT's 3.1.1 fields (`connect`,
    /// version 5) and its two property lists, with enhanced authentication by `method`
    /// when given: the C connect's form (no v5 [`codec5::Connect`] built and taken apart
    /// again), whose method is read from the same struct as its property list, so not
    /// compared with it as [`connect_v5_auth`](Self::connect_v5_auth) does. Without
    /// `properties`, [`connect`](Self::connect) (`connect.version` 4): the C connect of a
    /// build with MQTT 5.0 starts both versions through this one call.
    pub(crate) fn connect_parts(
        &mut self,
        connect: &ConnectFields<'_, '_>,
        properties: Option<enc5::ConnectProperties<'_, '_>>,
        method: Option<&'b str>,
        max_inflight: u16,
        now: impl FnOnce() -> u32,
    ) -> Result<(), Error> {
        let maximum = self.v5.announced_aliases;
        let (clean, keepalive) = (connect.clean_session, connect.keepalive);
        // One encode step choosing the encoder, so that the session start is called once.
        let announcing = super::alias::installed().filter(|_| maximum != 0);
        // Without aliases to announce, either version through the encoder both share.
        let encode = |buf: &mut [u8]| match (properties, announcing) {
            (Some(properties), Some(ops)) => (ops.connect)(connect, properties, maximum, buf),
            _ => crate::codec::encode::connect_with(connect, properties, buf),
        };
        self.begin_session(&encode, clean, keepalive, max_inflight, now, (properties.is_some(), method))
    }

    /// Topic aliases in caller memory for MQTT 5.0 connections from the next connect on:
    /// `outgoing` for the aliases this client assigns (up to the broker's Topic Alias
    /// Maximum), `incoming` for those the broker sets (its capacity is announced as this
    /// client's Topic Alias Maximum), each cut into slots of `slot_size` bytes that hold
    /// a topic of up to `slot_size - 2` bytes (see [`TopicAliases`]). Empty memory turns
    /// a direction off.
    pub fn use_topic_aliases(
        &mut self,
        inbox: &mut Inbox<'b>,
        outgoing: &'b mut [u8],
        incoming: &'b mut [u8],
        slot_size: usize,
    ) -> Result<(), Error> {
        if self.state != State::Disconnected {
            return Err(Error::WrongState);
        }
        self.aliases = TopicAliases::new(outgoing, slot_size);
        inbox.aliases = TopicAliases::new(incoming, slot_size);
        self.v5.announced_aliases = inbox.aliases.capacity();
        Ok(())
    }

    /// Queues an MQTT 5.0 PUBLISH with properties from the caller's memory, which must
    /// stay valid (and unchanged) until the flow ends, as topic and payload. As
    /// [`publish`](Self::publish) otherwise, with the broker's limits checked first.
    pub fn publish_v5(
        &mut self,
        topic: &'b str,
        payload: &'b [u8],
        qos: QoS,
        retain: bool,
        properties: &'b dyn PropertySource,
        now: u32,
    ) -> Result<u16, Error> {
        if !self.v5.on {
            return Err(Error::WrongState);
        }
        with_properties();
        self.send_publish(super::name(topic)?, payload, qos, retain, Some(properties), now)
    }

    /// Queues an MQTT 5.0 SUBSCRIBE: filters with their options (no local, retain as
    /// published, retain handling) and an optional subscription identifier, which the
    /// broker puts on every message the subscription matches. Returns its packet id.
    pub fn subscribe_v5<'f, I, F>(&mut self, filters: I, subscription_id: Option<u32>, now: u32) -> Result<u16, Error>
    where
        I: Iterator<Item = (F, codec5::SubscriptionOptions)> + Clone,
        F: crate::codec::topic::FilterText<'f>,
    {
        if !self.v5.on {
            return Err(Error::WrongState);
        }
        // `let-else`, not `map_err`: LLVM built the `Result<u16, Error>` and tested it again.
        let Ok(count) = u16::try_from(filters.clone().count()) else {
            return Err(Error::Encode(crate::codec::EncodeError::InvalidField));
        };
        let ids = subscription_id.as_slice();
        let fields = codec5::PropertyFields { subscription_identifiers: ids, ..codec5::PropertyFields::default() };
        let properties = Properties::new(&fields);
        self.request(Stage::AwaitSuback, count, now, |id, buf| enc5::subscribe(id.get(), &properties, filters.clone(), buf))
    }

    /// The v5 checks of a PUBLISH against the broker's limits, before it takes a packet
    /// id: QoS, retain and the size of the whole packet; and that its head, longer with
    /// properties than the `plain_head` (without properties) checked before, fits the
    /// transmit buffer. Inlined into `send_publish` (its one caller), where a PUBLISH
    /// without properties folds the property sizing away.
    #[inline(always)]
    pub(super) fn check_publish(&self, publish: &Publish<'_>, properties: Option<&dyn PropertySource>, plain_head: usize) -> Result<(), Error> {
        if !self.v5.on {
            return Ok(());
        }
        let link = &self.v5;
        if publish.qos as u8 > link.maximum_qos as u8 {
            return Err(Error::QosNotSupported);
        }
        if publish.retain && !link.retain_available {
            return Err(Error::RetainNotSupported);
        }
        let head = match properties {
            None => plain_head,
            Some(properties) => (PROPERTIES.installed().ok_or(Error::WrongState)?.head_len)(publish, properties)?,
        };
        let len = head.saturating_add(publish.payload.len());
        if link.maximum_packet_size.is_some_and(|max| u32::try_from(len).map_or(true, |len| len > max.get())) {
            return Err(Error::PacketTooLargeForBroker);
        }
        if head > self.outbox.capacity() {
            return Err(Error::Encode(crate::codec::EncodeError::BufferTooSmall));
        }
        Ok(())
    }
}

/// The v5 form of a PUBLISH.
fn wire<'a>(p: &Publish<'a>, properties: Option<&'a dyn PropertySource>) -> codec5::Publish<'a> {
    codec5::Publish {
        topic: p.topic,
        payload: p.payload,
        qos: p.qos,
        retain: p.retain,
        dup: p.dup,
        packet_id: p.packet_id,
        properties: properties.map_or(Properties::NONE, Properties::from_source),
    }
}

/// Queues a PUBLISH as [`super::queue_publish`] does on a 3.1.1 connection. On a v5 one,
/// with an alias table and the broker's consent, a first PUBLISH of a topic sets an alias
/// and later ones carry only the alias (a resend always carries its topic, without
/// alias); else one with properties goes through the v5 encoder, one without through the
/// 3.1.1 head encoder with an empty property section.
pub(super) fn queue_publish<'b>(
    outbox: &mut Outbox<'b>,
    link: &Link,
    aliases: &mut TopicAliases<'_>,
    publish: &Publish<'b>,
    properties: Option<&'b dyn PropertySource>,
) -> bool {
    // One hook for both (installed by a PUBLISH with properties and by an alias table),
    // so that a client with neither checks one hook.
    match PROPERTIES.installed() {
        Some(ops) if link.on => (ops.queue)(outbox, link, aliases, publish, properties),
        _ => super::queue_publish(outbox, publish, link.on),
    }
}

/// [`queue_publish`] on a v5 connection once [`WITH_PROPERTIES`] is linked in.
fn queue_v5<'b>(
    outbox: &mut Outbox<'b>,
    link: &Link,
    aliases: &mut TopicAliases<'_>,
    publish: &Publish<'b>,
    properties: Option<&'b dyn PropertySource>,
) -> bool {
    if let Some(ops) = super::alias::installed().filter(|_| !publish.dup) {
        if let Some(queued) = (ops.publish)(outbox, link, aliases, publish, properties) {
            return queued;
        }
    }
    match properties {
        Some(properties) => queue_wire(outbox, &wire(publish, Some(properties)), publish.payload),
        None => super::queue_publish(outbox, publish, true),
    }
}

/// The v5 PUBLISH encoding steps for a PUBLISH with properties or an alias, reached only
/// through the hook [`with_properties`] sets: a client that never publishes with
/// properties (nor uses topic aliases) does not link the v5 PUBLISH encoder and its
/// property checks.
pub(super) struct WithProperties {
    /// The length of the head (see [`enc5::publish_head_len`]).
    head_len: HeadLen,
    /// Queues the PUBLISH on a v5 connection, with an alias when it takes one (see
    /// [`queue_v5`]).
    queue: QueueWith,
}

type HeadLen = for<'a> fn(&Publish<'a>, &'a dyn PropertySource) -> Result<usize, crate::codec::EncodeError>;
type QueueWith = for<'b> fn(&mut Outbox<'b>, &Link, &mut TopicAliases<'_>, &Publish<'b>, Option<&'b dyn PropertySource>) -> bool;

static WITH_PROPERTIES: WithProperties = WithProperties { head_len: head_len_with, queue: queue_v5 };

/// The hook to [`WITH_PROPERTIES`], empty until a PUBLISH with properties is made or a
/// topic alias table is given.
static PROPERTIES: Hook<WithProperties> = Hook::new();

/// Links the v5 PUBLISH encoder in: called wherever a PUBLISH with properties enters the
/// engine, before it does, and by a new topic alias table.
pub(super) fn with_properties() {
    PROPERTIES.install(&WITH_PROPERTIES);
}

fn head_len_with<'a>(publish: &Publish<'a>, properties: &'a dyn PropertySource) -> Result<usize, crate::codec::EncodeError> {
    enc5::publish_head_len(&wire(publish, Some(properties)), publish.payload.len())
}

/// [`queue_publish`] with an alias from `aliases`, reached through the table operations;
/// `None` when the PUBLISH takes no alias (no slot for its topic, or too large with one).
pub(super) fn queue_aliased<'b>(
    outbox: &mut Outbox<'b>,
    link: &Link,
    aliases: &mut TopicAliases<'_>,
    publish: &Publish<'b>,
    properties: Option<&'b dyn PropertySource>,
) -> Option<bool> {
    let plan = aliases.choose(publish.topic, link.topic_alias_maximum)?;
    let plain = wire(publish, properties);
    let first = Property { id: id::TOPIC_ALIAS, value: Value::TwoByte(plan.alias) };
    let with_alias = Prepended { first, rest: plain.properties };
    let topic = if plan.first { publish.topic } else { "" };
    let p = codec5::Publish { topic, properties: Properties::from_source(&with_alias), ..plain };
    // The alias makes the packet 3 bytes longer when it is set: it must still fit.
    if !link.admits(&p) {
        return None;
    }
    let queued = queue_wire(outbox, &p, publish.payload);
    if queued {
        aliases.commit(publish.topic, plan);
    }
    Some(queued)
}

/// Queues an encoded v5 PUBLISH (see [`queue_publish`]); `payload` is its payload, in
/// caller memory.
fn queue_wire<'b>(outbox: &mut Outbox<'b>, p: &codec5::Publish<'_>, payload: &'b [u8]) -> bool {
    let Ok(head_len) = enc5::publish_head_len(p, payload.len()) else { return false };
    super::push_publish(outbox, head_len, payload, |buf| enc5::publish_head(p, buf))
}

/// A CONNACK accepting an MQTT 5.0 connection: the broker's limits from its
/// `properties`, and the authentication method they name checked.
///
/// The limits are read straight into the link as [`codec5::ServerLimits::of`] reads them
/// (with its defaults), only those the link keeps: smaller than reading all of them and
/// copying.
pub(super) fn connected(link: &mut Link, keepalive_ms: &mut u32, auth: &mut super::auth::Auth<'_>, properties: &Properties<'_>) -> Result<(), Error> {
    *link = Link { on: true, announced_aliases: link.announced_aliases, ..Link::off() };
    for p in properties.iter() {
        match (p.id, p.value) {
            (id::RECEIVE_MAXIMUM, Value::TwoByte(v)) => link.receive_maximum = v,
            (id::MAXIMUM_QOS, Value::Byte(v)) => link.maximum_qos = if v == 0 { QoS::AtMostOnce } else { QoS::AtLeastOnce },
            (id::RETAIN_AVAILABLE, Value::Byte(v)) => link.retain_available = v != 0,
            (id::MAXIMUM_PACKET_SIZE, Value::FourByte(v)) => link.maximum_packet_size = NonZeroU32::new(v),
            (id::TOPIC_ALIAS_MAXIMUM, Value::TwoByte(v)) => link.topic_alias_maximum = v,
            (id::SERVER_KEEP_ALIVE, Value::TwoByte(v)) => *keepalive_ms = u32::from(v) * 1000,
            _ => {}
        }
    }
    auth.connack(properties)
}

/// Handles a received MQTT 5.0 packet that 3.1.1 does not have (the others go through the
/// same steps as 3.1.1's). Never inlined: the driving loop, where it would land, is
/// smaller with one call here. Returns the engine's `Progress` itself: as an
/// `Option<Event>` mapped afterwards, the event was copied from one shape to the other
/// (Cortex-M4: 92 B larger).
#[inline(never)]
pub(super) fn received<'a>(state: &mut State, auth: &mut super::auth::Auth<'_>, packet: FromBroker<'a>) -> Result<Progress<'a>, Error> {
    match packet {
        FromBroker::Auth(packet) => auth.received(*state, &packet),
        // (never here: the inbox hands these over as `Unit::Packet`)
        FromBroker::Shared(..) => Ok(Progress::Handled),
    }
}
