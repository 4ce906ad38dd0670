//! MQTT 5.0 topic aliases (feature `mqtt5`) in caller memory, both ways: a table of
//! fixed-size slots, slot `n - 1` holding the topic of alias `n` (two length bytes, then
//! the topic). Fixed slots rather than one shared arena: alias `n` is found at once, a
//! reassigned alias overwrites its own slot without moving or compacting the others, and
//! the memory a table needs is `count × slot_size`, known at build time.
//!
//! Outgoing, the engine assigns aliases from its table (no more than the broker's Topic
//! Alias Maximum) as topics are first published and never reassigns them within a
//! connection; incoming, the inbox remembers what the broker sets and restores the topic
//! of every PUBLISH that carries only an alias. Both tables are emptied for every
//! connection.

use super::hook::Hook;
use super::outbox::Outbox;
use super::v5::Link;
use super::{Engine, Error, State};
use crate::codec::encode::ConnectFields;
use crate::codec::packet::kind;
use crate::codec::v5::encode::ConnectProperties;
use crate::codec::v5::property::{id, Property, PropertySource, Value};
use crate::codec::v5::Properties;
use crate::codec::{EncodeError, Publish};

/// Reason code 0x94, Topic Alias Invalid.
const TOPIC_ALIAS_INVALID: u8 = 0x94;
/// Bytes of a slot taken by the topic length.
const LEN: usize = 2;

/// Queues a PUBLISH with an alias (see [`Ops::publish`]).
type AliasedPublish = for<'b> fn(&mut Outbox<'b>, &Link, &mut TopicAliases<'_>, &Publish<'b>, Option<&'b dyn PropertySource>) -> Option<bool>;

/// What a table with slots does. Reached only through the hook ([`installed`]) that the first
/// [`TopicAliases::new`] sets: a client that is never given tables does not link the
/// table code (every table is then empty, and the paths without it behave as an empty
/// table does).
pub(super) struct Ops {
    clear: fn(&mut TopicAliases<'_>),
    resolve: for<'s, 't> fn(&'s mut TopicAliases<'t>, u16, &'s str) -> Result<&'s str, Error>,
    get: for<'s, 't> fn(&'s TopicAliases<'t>, u16) -> Option<&'s str>,
    /// Queues a PUBLISH with an alias; `None` when it takes none (see
    /// [`super::v5::queue_publish`]).
    pub(super) publish: AliasedPublish,
    /// Encodes CONNECT (its 3.1.1 fields, its and the will's properties) with the Topic
    /// Alias Maximum announced ahead of its properties.
    pub(super) connect: fn(&ConnectFields<'_, '_>, ConnectProperties<'_, '_>, u16, &mut [u8]) -> Result<usize, EncodeError>,
}

/// The hook to [`OPS`]: empty until the first table with memory is made.
static HOOK: Hook<Ops> = Hook::new();

/// The table operations, once a table with memory may exist.
pub(super) fn installed() -> Option<&'static Ops> {
    HOOK.installed()
}

static OPS: Ops = Ops {
    clear: |table| table.clear_slots(),
    resolve: |table, alias, topic| table.resolve_alias(alias, topic),
    get: |table, alias| table.get(alias),
    publish: super::v5::queue_aliased,
    connect: connect_announcing,
};

/// A table of topic aliases over caller memory.
#[derive(Default)]
pub struct TopicAliases<'b> {
    memory: &'b mut [u8],
    /// At most 65,535. A `usize`, the size of the padding a `u16` left: a table with
    /// padding was built on the stack and copied into place by `Engine::new`.
    slot_size: usize,
}

impl<'b> TopicAliases<'b> {
    /// A table in `memory`, cut into slots of `slot_size` bytes (two of them for the
    /// length: a slot holds topics up to `slot_size - 2` bytes). Slots beyond 65,535 and
    /// slots of fewer than 3 bytes are not used. Starts empty.
    pub fn new(memory: &'b mut [u8], slot_size: usize) -> Self {
        HOOK.install(&OPS);
        // The aliased PUBLISH is queued through the v5 PUBLISH hook.
        super::v5::with_properties();
        let slot_size = slot_size.min(usize::from(u16::MAX));
        let mut table = TopicAliases { memory, slot_size: if slot_size > LEN { slot_size } else { 0 } };
        table.clear_slots();
        table
    }

    /// How many aliases the table holds.
    pub fn capacity(&self) -> u16 {
        match self.slot_size {
            0 => 0,
            size => u16::try_from(self.memory.len() / size).unwrap_or(u16::MAX),
        }
    }

    /// Forgets every alias (a new connection starts without any).
    pub(super) fn clear(&mut self) {
        if let Some(ops) = installed() {
            (ops.clear)(self);
        }
    }

    /// [`clear`](Self::clear): every length to 0.
    fn clear_slots(&mut self) {
        for alias in 1..=self.capacity() {
            for byte in self.slot_mut(alias).unwrap_or_default().iter_mut().take(LEN) {
                *byte = 0;
            }
        }
    }

    fn slot(&self, alias: u16) -> Option<&[u8]> {
        let size = self.slot_size;
        let at = usize::from(alias.checked_sub(1)?).checked_mul(size)?;
        self.memory.get(at..at.checked_add(size)?)
    }

    fn slot_mut(&mut self, alias: u16) -> Option<&mut [u8]> {
        let size = self.slot_size;
        let at = usize::from(alias.checked_sub(1)?).checked_mul(size)?;
        self.memory.get_mut(at..at.checked_add(size)?)
    }

    /// The topic alias `alias` stands for, if it is set.
    pub fn get(&self, alias: u16) -> Option<&str> {
        let slot = self.slot(alias)?;
        let len = usize::from(u16::from_le_bytes([*slot.first()?, *slot.get(1)?]));
        match len {
            0 => None,
            len => crate::codec::utf8::check(slot.get(LEN..LEN.checked_add(len)?)?).ok(),
        }
    }

    /// Sets `alias` to `topic`; false when the alias is outside the table or the topic
    /// longer than a slot holds.
    fn set(&mut self, alias: u16, topic: &str) -> bool {
        let Ok(len) = u16::try_from(topic.len()) else { return false };
        let Some(slot) = self.slot_mut(alias) else { return false };
        if slot.len() < LEN + topic.len() {
            return false;
        }
        // Length, then topic, copied by zip: the room was checked above, and there is no
        // panic path for the optimiser to keep.
        let mut bytes = slot.iter_mut();
        // (the two length bytes lead the zip: it stops before taking a third slot byte)
        for (from, to) in len.to_le_bytes().into_iter().zip(bytes.by_ref()) {
            *to = from;
        }
        for (to, from) in bytes.zip(topic.bytes()) {
            *to = from;
        }
        true
    }

    /// The topic of a received PUBLISH: `topic` itself, remembered under its alias if it
    /// carries one, or, for an empty topic, the one its alias was set to. An alias of 0,
    /// above the table's capacity (the Topic Alias Maximum this client announced) or
    /// never set is [`Error::TopicAlias`]; a topic longer than a slot
    /// [`Error::TopicAliasTooLong`].
    pub(super) fn resolve<'s>(&'s mut self, topic: &'s str, properties: &Properties<'_>) -> Result<&'s str, Error> {
        let Some(alias) = alias_of(properties) else { return Ok(topic) };
        match installed() {
            Some(ops) => (ops.resolve)(self, alias, topic),
            // No table has slots: no alias is valid.
            None => Err(Error::TopicAlias),
        }
    }

    /// [`resolve`](Self::resolve) of a PUBLISH with `alias`.
    fn resolve_alias<'s>(&'s mut self, alias: u16, topic: &'s str) -> Result<&'s str, Error> {
        if alias == 0 || alias > self.capacity() {
            return Err(Error::TopicAlias);
        }
        if topic.is_empty() {
            return self.get(alias).ok_or(Error::TopicAlias);
        }
        if !self.set(alias, topic) {
            return Err(Error::TopicAliasTooLong);
        }
        Ok(topic)
    }

    /// [`resolve`](Self::resolve) for a PUBLISH whose head was resolved before (the
    /// later chunks of a large message): looks up only.
    pub(super) fn lookup<'s>(&'s self, topic: &'s str, properties: &Properties<'_>) -> Option<&'s str> {
        if !topic.is_empty() {
            return Some(topic);
        }
        (installed()?.get)(self, alias_of(properties)?)
    }

    /// How an outgoing PUBLISH of `topic` may use an alias, with at most `limit` aliases
    /// in use (the broker's Topic Alias Maximum): the alias already set to the topic, else
    /// the first free one the topic fits in.
    pub(super) fn choose(&self, topic: &str, limit: u16) -> Option<Outgoing> {
        let mut free = None;
        for alias in 1..=self.capacity().min(limit) {
            match self.get(alias) {
                Some(set) if set == topic => return Some(Outgoing { alias, first: false }),
                None if free.is_none() && self.slot_size - LEN >= topic.len() => free = Some(alias),
                _ => {}
            }
        }
        free.map(|alias| Outgoing { alias, first: true })
    }

    /// Records that the PUBLISH `choose` planned for `topic` was queued.
    pub(super) fn commit(&mut self, topic: &str, plan: Outgoing) {
        if plan.first {
            self.set(plan.alias, topic);
        }
    }
}

/// The Topic Alias property of a PUBLISH.
fn alias_of(properties: &Properties<'_>) -> Option<u16> {
    match properties.get(id::TOPIC_ALIAS)? {
        Value::TwoByte(alias) => Some(alias),
        _ => None,
    }
}

/// An alias for an outgoing PUBLISH.
#[derive(Clone, Copy)]
pub(super) struct Outgoing {
    /// The alias.
    pub(super) alias: u16,
    /// The first use on this connection: the PUBLISH carries the topic and sets the alias;
    /// later ones carry an empty topic.
    pub(super) first: bool,
}

/// Properties with one more in front: the Topic Alias of a PUBLISH or the Topic Alias
/// Maximum of CONNECT ahead of the caller's.
pub(super) struct Prepended<'a> {
    /// The added property.
    pub(super) first: Property<'static>,
    /// The caller's properties.
    pub(super) rest: Properties<'a>,
}

impl PropertySource for Prepended<'_> {
    fn property(&self, index: usize) -> Option<Property<'_>> {
        match index.checked_sub(1) {
            None => Some(self.first),
            Some(i) => self.rest.iter().nth(i),
        }
    }
}

/// CONNECT with the Topic Alias Maximum `maximum` ahead of the caller's properties.
fn connect_announcing(
    connect: &ConnectFields<'_, '_>,
    (properties, will_properties): ConnectProperties<'_, '_>,
    maximum: u16,
    buf: &mut [u8],
) -> Result<usize, EncodeError> {
    let first = Property { id: id::TOPIC_ALIAS_MAXIMUM, value: Value::TwoByte(maximum) };
    let with_maximum = Prepended { first, rest: *properties };
    crate::codec::v5::encode::connect_parts(connect, (&Properties::from_source(&with_maximum), will_properties), buf)
}

impl Engine<'_> {
    /// After `error` ended an MQTT 5.0 connection: queues the DISCONNECT that tells the
    /// broker why, when the error is one of its topic aliases (reason 0x94 Topic Alias
    /// Invalid, as MQTT 5.0 §3.3.2.3.4 asks). True when one was queued: the caller writes
    /// it out before closing.
    pub fn queue_protocol_disconnect(&mut self, error: &Error) -> bool {
        if !self.v5.is_on() || !matches!(error, Error::TopicAlias | Error::TopicAliasTooLong) {
            return false;
        }
        // DISCONNECT, remaining length 1, the reason code, no properties: written in place
        // (its length is known), as the acknowledgements are.
        let queued = self.outbox.put(&[kind::DISCONNECT << 4, 1, TOPIC_ALIAS_INVALID]).is_ok();
        if queued {
            self.state = State::Disconnecting;
        }
        queued
    }
}
