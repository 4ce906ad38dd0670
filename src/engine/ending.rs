//! How MQTT 5.0 connections end (feature `mqtt5`): the client's DISCONNECT with a reason
//! code and properties, and the properties of the broker's packet that ended a connection
//! (its DISCONNECT, a refusing CONNACK: reason string, server reference, user
//! properties). Those stay where they were received, so that the application can read
//! them once the connection is closed, without a copy: only their place is kept here.

use super::inbox::{Inbox, Unit};
use super::{Engine, Error};
use crate::codec::packet::kind;
use crate::codec::v5::{encode as enc5, Properties, Reasoned};
use crate::codec::Packet;

/// Where the ending packet's properties lie in the receive buffer: they end its body
/// (DISCONNECT and CONNACK put them last), so their length and the end of the packet
/// (where the inbox had read to when the connection was lost) place them. `len` 0: none.
#[derive(Clone, Copy, Default)]
pub(super) struct Ending {
    len: u32,
    end: u32,
}

impl Ending {
    /// The length of `unit`'s properties if `unit` ends the connection, else none.
    pub(super) fn of(unit: &Unit<'_>) -> Ending {
        let properties = match unit {
            Unit::Packet(Packet::Disconnect, annex) => annex.properties,
            Unit::Packet(Packet::Connack(c), annex) if c.code != 0 => annex.properties,
            _ => return Ending::default(),
        };
        Ending { len: u32::try_from(properties.wire().len()).unwrap_or(0), end: 0 }
    }

    /// The connection was lost with `inbox` read up to `end`.
    pub(super) fn lost_at(&mut self, end: usize) {
        self.end = u32::try_from(end).unwrap_or(0);
    }
}

impl Engine<'_> {
    /// Queues an MQTT 5.0 DISCONNECT with `reason` (0x00 normal, 0x04 with the will
    /// message, 0x80 and above an error) and `properties` (session expiry, which may not
    /// be set above 0 when CONNECT asked for 0, reason string, user properties), as
    /// [`disconnect`](Self::disconnect) otherwise. A code or property DISCONNECT may not
    /// carry fails with [`Error::Encode`].
    pub fn disconnect_v5(&mut self, reason: u8, properties: &Properties<'_>) -> Result<(), Error> {
        if !self.v5.is_on() {
            return Err(Error::WrongState);
        }
        let packet = Reasoned { reason, properties: *properties };
        self.queue_disconnect(|outbox| outbox.push(|buf| enc5::reasoned(kind::DISCONNECT, &packet, buf)))
    }

    /// The properties of the broker's DISCONNECT or refusing CONNACK that ended the last
    /// connection (none when something else ended it), read in `inbox` until it takes in
    /// bytes again: call right after the connection was lost.
    pub fn ending_properties<'i>(&self, inbox: &'i Inbox<'_>) -> Properties<'i> {
        let Ending { len, end } = self.ending;
        let at = end.checked_sub(len).unwrap_or(end);
        Properties::from_wire(inbox.raw(at as usize, len as usize).unwrap_or(&[]))
    }
}
