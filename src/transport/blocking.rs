//! Blocking calls: loops over [`Client::drive`] until a goal is met or time runs out,
//! so blocking and non-blocking use share one code path.

use super::client::{Client, Error, EventSink};
use super::network::Network;
use crate::engine::{self, Event, FlowKind};

/// What a blocking call waits for.
pub enum Goal<'o> {
    /// CONNACK accepted; receives `session_present`.
    Connected(&'o mut bool),
    /// Every queued byte written (QoS 0 publish).
    Flushed,
    /// The QoS 1/2 flow with this packet id completed.
    PublishDone(u16),
    /// SUBACK for this packet id; its return codes are copied into the slice.
    Subscribed(u16, &'o mut [u8]),
    /// UNSUBACK for this packet id.
    Unsubscribed(u16),
    /// The connection closed after DISCONNECT.
    Disconnected,
    /// Just keep the connection going until the time is up.
    Elapsed,
}

/// Watches the events passing to the application's sink for the goal.
struct Watch<'s, 'g, 'o> {
    inner: &'s mut dyn EventSink,
    goal: &'g mut Goal<'o>,
    outcome: Option<Result<(), Error>>,
}

impl EventSink for Watch<'_, '_, '_> {
    fn event(&mut self, event: &Event<'_>) {
        let outcome = match (&mut *self.goal, event) {
            (Goal::Connected(present), Event::Connected { session_present }) => {
                **present = *session_present;
                Some(Ok(()))
            }
            (Goal::PublishDone(id), Event::PublishDone { packet_id }) if id == packet_id => Some(Ok(())),
            (Goal::Subscribed(id, out), Event::Subscribed { packet_id, return_codes }) if id == packet_id => {
                for (dst, src) in out.iter_mut().zip(return_codes.iter()) {
                    *dst = *src;
                }
                Some(if return_codes.contains(&0x80) { Err(Error::SubscribeFailed) } else { Ok(()) })
            }
            (Goal::Unsubscribed(id), Event::Unsubscribed { packet_id }) if id == packet_id => Some(Ok(())),
            (Goal::PublishDone(id), Event::Discarded { packet_id, kind: FlowKind::Publish })
            | (Goal::Subscribed(id, _), Event::Discarded { packet_id, kind: FlowKind::Subscribe })
            | (Goal::Unsubscribed(id), Event::Discarded { packet_id, kind: FlowKind::Unsubscribe })
                if id == packet_id =>
            {
                Some(Err(Error::Discarded))
            }
            _ => None,
        };
        if outcome.is_some() {
            self.outcome = outcome;
        }
        self.inner.event(event);
    }

    fn disconnected(&mut self, reason: Result<(), Error>) {
        if matches!(self.goal, Goal::Disconnected) {
            self.outcome = Some(reason);
        }
        self.inner.disconnected(reason);
    }

    fn satisfied(&self) -> bool {
        self.outcome.is_some()
    }
}

/// Drives `client` until `goal` is met (`Ok`), the connection fails (its error) or
/// `timeout_ms` passes ([`Error::Timeout`], or `Ok` for [`Goal::Elapsed`]).
pub fn run<N: Network>(client: &mut Client<'_, N>, mut goal: Goal<'_>, timeout_ms: u32, sink: &mut dyn EventSink) -> Result<(), Error> {
    let start = client.now();
    loop {
        if matches!(goal, Goal::Flushed) && client.engine().pending_output().is_empty() {
            return Ok(());
        }
        let elapsed = client.now().wrapping_sub(start);
        if elapsed >= timeout_ms {
            return if matches!(goal, Goal::Elapsed) { Ok(()) } else { Err(Error::Timeout) };
        }
        let mut watch = Watch { inner: sink, goal: &mut goal, outcome: None };
        // Driving stops at the goal: what arrived after it waits for the next call.
        let driven = if matches!(watch.goal, Goal::Flushed) {
            client.write_out(timeout_ms - elapsed, &mut watch)
        } else {
            client.drive(timeout_ms - elapsed, &mut watch).map(|_| ())
        };
        if let Some(outcome) = watch.outcome {
            return outcome;
        }
        driven?;
    }
}

/// A request for [`submit`]: queues a packet (given the event sink) and returns its id.
pub type Request<'r, 'b, N> = dyn FnMut(&mut Client<'b, N>, &mut dyn EventSink) -> Result<u16, Error> + 'r;

/// Retries `request` (which queues a packet and returns its id) while the window or
/// send queue is full, driving the client in between.
pub fn submit<'b, N: Network>(
    client: &mut Client<'b, N>,
    timeout_ms: u32,
    sink: &mut dyn EventSink,
    request: &mut Request<'_, 'b, N>,
) -> Result<u16, Error> {
    let start = client.now();
    loop {
        match request(client, sink) {
            Err(Error::Engine(engine::Error::WindowFull | engine::Error::OutboxFull)) => {}
            other => return other,
        }
        let elapsed = client.now().wrapping_sub(start);
        if elapsed >= timeout_ms {
            return Err(Error::Timeout);
        }
        client.drive(timeout_ms - elapsed, sink)?;
    }
}

/// Sends DISCONNECT and waits up to `timeout_ms` until it is written, then closes the
/// network (also when not connected at the MQTT level, or when time ran out).
pub fn disconnect<N: Network>(client: &mut Client<'_, N>, timeout_ms: u32, sink: &mut dyn EventSink) -> Result<(), Error> {
    let start = client.now();
    // A full transmit buffer has no room for DISCONNECT yet: `submit` writes it out first.
    match submit(client, timeout_ms, sink, &mut |c, sink| c.begin_disconnect(sink).map(|()| 0)) {
        Ok(_) => {}
        Err(Error::Timeout) => {
            client.abort(sink);
            return Err(Error::Timeout);
        }
        // A failure while driving has closed the connection already.
        Err(e) => return Err(e),
    }
    if !client.is_open() {
        return Ok(());
    }
    let left = timeout_ms.saturating_sub(client.now().wrapping_sub(start));
    let outcome = run(client, Goal::Disconnected, left, sink);
    client.abort(sink);
    outcome
}
