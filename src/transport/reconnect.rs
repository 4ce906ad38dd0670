//! Reconnecting: the backoff schedule (exponential, full jitter, reset after a stable
//! connection) and the watch of a supervised client's driving call, which tells whether the
//! connection came up or ended during it. Randomness and time come from the caller.

use super::client::{Error, Session};
use super::network::Network;
use crate::codec::QoS;
use crate::engine::{self, Event};

/// The backoff schedule. Attempt `n` (1, 2, …) waits a uniformly random time in
/// `[min_ms, min(max_ms, min_ms · 2^n)]`: doubling ceilings with full jitter between the
/// floor and the ceiling, so devices that lost the same broker spread out.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    /// Shortest wait before an attempt.
    pub min_ms: u32,
    /// Longest wait before an attempt.
    pub max_ms: u32,
    /// A connection that lasted this long resets the attempt count.
    pub stable_ms: u32,
}

impl Backoff {
    /// The wait before attempt `attempt` (from 1), with `random` any 32-bit value.
    pub fn delay(&self, attempt: u32, random: u32) -> u32 {
        let floor = self.min_ms.min(self.max_ms);
        let shift = attempt.min(31);
        let ceiling = u64::from(floor).checked_shl(shift).unwrap_or(u64::MAX).max(1).min(u64::from(self.max_ms));
        let span = ceiling.saturating_sub(u64::from(floor)).saturating_add(1);
        let jitter = u64::from(random) % span;
        u32::try_from(u64::from(floor).saturating_add(jitter)).unwrap_or(self.max_ms)
    }

    /// The attempt count to continue from after a connection that was up `up_ms`
    /// (`None`: it never came up) following `attempt` failed attempts.
    pub fn after_loss(&self, attempt: u32, up_ms: Option<u32>) -> u32 {
        match up_ms {
            Some(up) if up >= self.stable_ms => 0,
            _ => attempt,
        }
    }
}

/// What happened to the connection during one driving call (see [`Watch`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// CONNACK accepted the connection; whether the broker resumed the session.
    pub connected: Option<bool>,
    /// The connection ended: `Ok` when the application asked for it, else why.
    pub ended: Option<Result<(), Error>>,
    /// MQTT 5.0: the broker that ended or refused it named another server, which
    /// [`Watching::referral`] kept.
    #[cfg(feature = "mqtt5")]
    pub referred: Option<super::referral::Referred>,
}

/// Sees each engine event, with the session, before the application does: the flow
/// store saves there, and the QoS 0 messages kept offline are queued at CONNACK there.
pub type Hook<'h, 'b, N> = dyn FnMut(&Event<'_>, &mut Session<'b, N>) + 'h;

/// What the owner of a supervised client's driving call tells the supervisor before the
/// application hears of it (the ffi's owner carries one while `mqtt_rs_reconnect_poll`
/// drives).
pub trait Track<'b, N: Network> {
    /// An engine event, with the session (no other borrow of it is in use).
    fn event(&mut self, event: &Event<'_>, session: &mut Session<'b, N>);
    /// The connection ended: `Ok` after a requested disconnect, else why.
    #[cfg(not(feature = "mqtt5"))]
    fn ended(&mut self, reason: Result<(), Error>);
    /// MQTT 5.0: the connection ended, with the properties of the broker's packet that
    /// ended it (see [`Owner::disconnected_v5`](super::client::Owner::disconnected_v5)).
    #[cfg(feature = "mqtt5")]
    fn ended(&mut self, reason: Result<(), Error>, properties: &crate::codec::v5::Properties<'_>);
}

/// Notes connection changes and shows every event to the hook: the [`Track`] of one
/// supervised driving call.
pub struct Watch<'s, 'h, 'b, N: Network> {
    hook: &'s mut Hook<'h, 'b, N>,
    seen: Seen,
    /// Keeps a Server Reference to follow (see [`Watching::referral`]).
    #[cfg(feature = "mqtt5")]
    referral: &'s mut Referral<'h>,
}

impl<'s, 'h, 'b, N: Network> Watch<'s, 'h, 'b, N> {
    /// A watch for one driving call, which nothing has been seen by yet.
    pub fn new(watching: Watching<'s, 'h, 'b, N>) -> Self {
        Watch {
            hook: watching.hook,
            seen: Seen::default(),
            #[cfg(feature = "mqtt5")]
            referral: watching.referral,
        }
    }

    /// What the driving call saw.
    pub fn seen(&self) -> Seen {
        self.seen
    }
}

impl<'b, N: Network> Track<'b, N> for Watch<'_, '_, 'b, N> {
    fn event(&mut self, event: &Event<'_>, session: &mut Session<'b, N>) {
        if let Event::Connected { session_present, .. } = *event {
            self.seen.connected = Some(session_present);
        }
        (self.hook)(event, session);
    }

    #[cfg(not(feature = "mqtt5"))]
    fn ended(&mut self, reason: Result<(), Error>) {
        self.seen.ended = Some(reason);
    }

    #[cfg(feature = "mqtt5")]
    fn ended(&mut self, reason: Result<(), Error>, properties: &crate::codec::v5::Properties<'_>) {
        use crate::codec::v5::{property::id::SERVER_REFERENCE, Value};
        use engine::Error::{Refused, ServerDisconnect};
        self.seen.ended = Some(reason);
        if let Err(Error::Engine(Refused(0x9C | 0x9D) | ServerDisconnect(0x9C | 0x9D))) = reason {
            // Matched here rather than through `Properties::string`, whose second caller
            // changed how the minimal client's code around its first was compiled (+6 B).
            if let Some(Value::Utf8(reference)) = properties.get(SERVER_REFERENCE) {
                self.seen.referred = (self.referral)(reference);
            }
        }
    }
}

/// What a [`Watch`] is given.
pub struct Watching<'s, 'h, 'b, N: Network> {
    /// Sees every event first.
    pub hook: &'s mut Hook<'h, 'b, N>,
    /// MQTT 5.0: keeps the Server Reference of a broker that ended or refused the
    /// connection with 0x9C / 0x9D, and tells what it kept (`None`: not followed).
    #[cfg(feature = "mqtt5")]
    pub referral: &'s mut Referral<'h>,
}

/// See [`Watching::referral`].
#[cfg(feature = "mqtt5")]
pub type Referral<'h> = dyn FnMut(&str) -> Option<super::referral::Referred> + 'h;

impl<'b, N: Network> Session<'b, N> {
    /// Keeps a QoS 1/2 PUBLISH for the next connection; see [`crate::engine::Engine::publish_offline`].
    pub fn publish_offline(
        &mut self,
        topic: &'b str,
        payload: &'b [u8],
        qos: QoS,
        retain: bool,
        #[cfg(feature = "mqtt5")] properties: Option<&'b dyn crate::codec::v5::PropertySource>,
    ) -> Result<u16, engine::Error> {
        self.engine.publish_offline(
            topic,
            payload,
            qos,
            retain,
            #[cfg(feature = "mqtt5")]
            properties,
        )
    }

    /// Puts back a flow saved by an earlier run; see [`engine::Engine::restore`].
    pub fn restore(&mut self, flow: &engine::SavedFlow<'b>) -> Result<(), engine::Error> {
        self.engine.restore(flow)
    }

    /// Puts back a held incoming QoS 2 id; see [`engine::Engine::restore_incoming`].
    pub fn restore_incoming(&mut self, packet_id: u16) -> Result<(), engine::Error> {
        self.engine.restore_incoming(packet_id)
    }

    /// Frees the held incoming ids; see [`engine::Engine::forget_incoming`].
    pub fn forget_incoming(&mut self, each: &mut dyn FnMut(u16)) {
        self.engine.forget_incoming(each);
    }
}

#[cfg(test)]
mod tests {
    use super::Backoff;

    #[test]
    fn delays_stay_between_floor_and_doubling_ceiling() {
        let b = Backoff { min_ms: 100, max_ms: 5_000, stable_ms: 10_000 };
        for attempt in 1..40 {
            let ceiling = (100u64 << attempt.min(31)).min(5_000) as u32;
            for random in [0, 1, 99, 12_345, u32::MAX / 3, u32::MAX] {
                let d = b.delay(attempt, random);
                assert!((100..=ceiling).contains(&d), "attempt {attempt}: {d} outside 100..={ceiling}");
            }
        }
        assert_eq!(b.delay(1, 0), 100);
        assert_eq!(b.delay(1, 100), 200);
        assert_eq!(b.delay(30, 4_900), 5_000);
    }

    #[test]
    fn a_stable_connection_resets_the_count() {
        let b = Backoff { min_ms: 100, max_ms: 5_000, stable_ms: 10_000 };
        assert_eq!(b.after_loss(7, Some(10_000)), 0);
        assert_eq!(b.after_loss(7, Some(9_999)), 7);
        assert_eq!(b.after_loss(7, None), 7);
    }
}
