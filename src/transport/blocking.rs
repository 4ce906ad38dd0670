//! Blocking calls: loops over [`Driver::drive`] until a goal is met or time runs out,
//! so blocking and non-blocking use share one code path. Each blocking call of the C API
//! is one function here, with one time budget measured from its start.

use super::client::{Error, Owner};
use super::drive::Driver;
use super::network::Network;
use crate::codec::QoS;
use crate::engine::{self, Event, FlowKind};
use core::cell::Cell;

/// What a blocking call waits for.
#[derive(Clone, Copy)]
pub enum Goal<'o> {
    /// CONNACK accepted; receives `session_present` (if asked: the C connect takes NULL).
    Connected(Option<&'o Cell<bool>>),
    /// Every queued byte written (QoS 0 publish).
    Flushed,
    /// The QoS 1/2 flow with this packet id completed.
    PublishDone(u16),
    /// SUBACK for this packet id; its return codes are copied into the slice.
    Subscribed(u16, &'o [Cell<u8>]),
    /// UNSUBACK for this packet id.
    Unsubscribed(u16),
    /// The connection closed after DISCONNECT.
    Disconnected,
    /// Just keep the connection going until the time is up.
    Elapsed,
    /// MQTT 5.0: the broker's AUTH 0x00 completed a re-authentication.
    #[cfg(feature = "mqtt5")]
    Reauthenticated,
}

impl Goal<'_> {
    /// The flow a goal waits for: its kind and packet id.
    fn flow(&self) -> Option<(FlowKind, u16)> {
        match *self {
            Goal::PublishDone(id) => Some((FlowKind::Publish, id)),
            Goal::Subscribed(id, _) => Some((FlowKind::Subscribe, id)),
            Goal::Unsubscribed(id) => Some((FlowKind::Unsubscribe, id)),
            _ => None,
        }
    }
}

/// A blocking call's goal and what came of it. The driving loop itself checks every event
/// and the connection's end against it: as an owner wrapped around the application's, it
/// put every event through two trait objects. The goal's answers go into cells, so that
/// a driving call can hold the watch shared, for a lifetime shorter than the goal's.
pub(super) struct Watch<'o> {
    goal: Goal<'o>,
    outcome: Cell<Option<Result<(), Error>>>,
}

impl Watch<'_> {
    /// Notes what `event` means for the goal; true when it meets the goal (only an event
    /// can meet it, so the driving loop need not ask again).
    pub(super) fn event(&self, event: &Event<'_>) -> bool {
        // The event's kind is decided once, then the goal asked about it (a match on the
        // pair decoded the event again for each goal).
        let outcome = match *event {
            Event::Connected { session_present, .. } => match self.goal {
                Goal::Connected(present) => {
                    if let Some(present) = present {
                        present.set(session_present);
                    }
                    Some(Ok(()))
                }
                _ => None,
            },
            Event::PublishDone { packet_id, .. } if self.goal.flow() == Some((FlowKind::Publish, packet_id)) => {
                Some(event.refusal().map_or(Ok(()), |e| Err(e.into())))
            }
            Event::Subscribed { packet_id, return_codes, .. } => match self.goal {
                Goal::Subscribed(id, out) if id == packet_id => {
                    // One pass copies the codes (the caller's array is empty or one per
                    // code) and gathers their bits: a refusal is any code from 0x80 up in
                    // MQTT 5.0, 0x80 in MQTT 3.1.1 (its decoder lets no other such code
                    // through), so the OR of all has its top bit set exactly then.
                    let mut all = 0u32;
                    for (i, &code) in return_codes.iter().enumerate() {
                        if let Some(dst) = out.get(i) {
                            dst.set(code);
                        }
                        all |= u32::from(code);
                    }
                    Some(if all & 0x80 != 0 { Err(Error::SubscribeFailed) } else { Ok(()) })
                }
                _ => None,
            },
            Event::Unsubscribed { packet_id, .. } if self.goal.flow() == Some((FlowKind::Unsubscribe, packet_id)) => Some(Ok(())),
            Event::Discarded { packet_id, kind } if self.goal.flow() == Some((kind, packet_id)) => Some(Err(Error::Discarded)),
            #[cfg(feature = "mqtt5")]
            Event::Auth { reason: crate::engine::auth::SUCCESS, .. } if matches!(self.goal, Goal::Reauthenticated) => Some(Ok(())),
            _ => None,
        };
        // Whether this event met the goal, not the cell read back: driving stops at the
        // first outcome, so none is there before (Cortex-M4: one load and test less).
        let met = outcome.is_some();
        if met {
            self.outcome.set(outcome);
        }
        met
    }

    /// True while the goal is an answer from the broker (CONNACK, PUBACK, SUBACK, ...):
    /// once what was queued is written, the driving loop waits for input at once instead
    /// of returning for another pass that would find the socket empty again.
    pub(super) fn awaits_answer(&self) -> bool {
        #[cfg(feature = "mqtt5")]
        if matches!(self.goal, Goal::Reauthenticated) {
            return true;
        }
        matches!(self.goal, Goal::Connected(_) | Goal::PublishDone(_) | Goal::Subscribed(..) | Goal::Unsubscribed(_))
    }
}

/// Drives the client until `goal` is met (`Ok`), the connection fails (its error) or
/// `timeout_ms` passes ([`Error::Timeout`], or `Ok` for [`Goal::Elapsed`]).
pub fn run<'b, N: Network, O: Owner<'b, N>>(d: &mut Driver<'_, 'b, N, O>, goal: Goal<'_>, timeout_ms: u32) -> Result<(), Error> {
    // Through the requests' path with nothing to queue (one copy of the loop).
    submit_and_run(d, timeout_ms, &mut |_, _| Ok(0), goal)
}

/// A request for [`submit_and_run`]: queues a packet at the given clock reading and returns its id.
pub(super) type Request<'r, 'b, N, O> = dyn FnMut(&mut Driver<'_, 'b, N, O>, u32) -> Result<u16, Error> + 'r;

/// A request's engine result as a client result. The requests queue on the engine with
/// the clock reading `submit_and_run` gives them (not through the session, which reads the clock
/// again); one out-of-line conversion serves them all (Cortex-M4: smaller than one each).
#[inline(never)]
pub(super) fn queued(r: Result<u16, engine::Error>) -> Result<u16, Error> {
    Ok(r?)
}

/// Queues a request, retrying while the window or send queue is full, then waits for
/// `goal` with the packet id the request got (a goal's placeholder id is replaced): one
/// time budget for both. The goal is a value, not a closure, so that this function is
/// compiled once, not once per call.
///
/// One loop for both: each pass queues the request if it is still pending, then drives
/// the client (waiting for room and waiting for the goal were two loops, each with its
/// own time check, timeout path and clock reading). The clock is read once per pass, the
/// first pass taking the reading the budget starts at: each reading is a call into the
/// application, and a QoS 0 publish written at once reads the clock only for its request.
#[inline(never)]
pub(super) fn submit_and_run<'b, N: Network, O: Owner<'b, N>>(
    d: &mut Driver<'_, 'b, N, O>,
    timeout_ms: u32,
    request: &mut Request<'_, 'b, N, O>,
    mut goal: Goal<'_>,
) -> Result<(), Error> {
    let start = d.now();
    let mut now = start;
    let mut pending = Some(request);
    loop {
        if let Some(request) = &mut pending {
            match request(d, now) {
                Ok(id) => {
                    pending = None;
                    if let Goal::PublishDone(slot) | Goal::Subscribed(slot, _) | Goal::Unsubscribed(slot) = &mut goal {
                        *slot = id;
                    }
                    // DISCONNECT on a connection not yet up at the MQTT level has closed it at once.
                    if matches!(goal, Goal::Disconnected) && !d.owner.session().is_open() {
                        return Ok(());
                    }
                }
                Err(Error::Engine(engine::Error::WindowFull | engine::Error::OutboxFull)) => {}
                Err(e) => return Err(e),
            }
        }
        let elapsed = now.wrapping_sub(start);
        if elapsed >= timeout_ms {
            // Nothing to queue for `Elapsed`: that goal is never pending here.
            return timed_out(d, &goal);
        }
        // While the request waits for room, nothing is watched. Written out is no event:
        // that goal needs no watch. The write tells whether all is out, before the clock
        // is read again.
        if pending.is_some() {
            d.drive(timeout_ms - elapsed)?;
        } else if matches!(goal, Goal::Flushed) {
            if d.write_out(now, timeout_ms - elapsed)? {
                return Ok(());
            }
        } else {
            // Driving stops at the goal: what arrived after it waits for the next call.
            let watch = Watch { goal, outcome: Cell::new(None) };
            let driven = d.watched(&watch).drive(timeout_ms - elapsed).map(|_| ());
            if let Some(outcome) = watch.outcome.get() {
                return outcome;
            }
            driven?;
            // A disconnect's outcome is the end of the connection: only `Driver::shut` closes
            // it, and a driving call that shut it for a failure returns that failure (above).
            // Asked here rather than noted by `shut` for every end (Cortex-M4: smaller).
            if matches!(goal, Goal::Disconnected) && !d.owner.session().is_open() {
                return Ok(());
            }
        }
        now = d.now();
    }
}

/// The outcome of a blocking call whose time ran out: `Ok` for [`Goal::Elapsed`], else
/// [`Error::Timeout`]. A connect is then abandoned and a disconnect closes the network:
/// this is the one place where they close it, as every other way they end has closed it
/// already (a failure while driving, DISCONNECT written, or not connected) or must leave it
/// open (a DISCONNECT the engine could not encode). Each of them closed it after its
/// outcome before; inlined into `submit_and_run`, its one caller.
#[inline(always)]
fn timed_out<'b, N: Network, O: Owner<'b, N>>(d: &mut Driver<'_, 'b, N, O>, goal: &Goal<'_>) -> Result<(), Error> {
    match goal {
        Goal::Elapsed => return Ok(()),
        Goal::Connected(_) | Goal::Disconnected => d.abort(),
        _ => {}
    }
    Err(Error::Timeout)
}

/// Waits for the CONNACK of a connection begun with [`Session::begin_connect`](super::client::Session::begin_connect); returns
/// whether the broker resumed a stored session. A failed attempt is abandoned (the
/// network is closed).
pub fn connect<'b, N: Network, O: Owner<'b, N>>(d: &mut Driver<'_, 'b, N, O>, timeout_ms: u32) -> Result<bool, Error> {
    let present = Cell::new(false);
    connect_into(d, Some(&present), timeout_ms).map(|()| present.get())
}

/// [`connect`] writing whether the broker resumed a stored session into `present` (when
/// given), set by the CONNACK that accepts the connection (so before its event is handed
/// out, and only then): the C connect passes its caller's flag, with no copy after the
/// call, or none for a NULL flag (Cortex-M4: a local flag to write instead cost 12 B more).
pub fn connect_into<'b, N: Network, O: Owner<'b, N>>(
    d: &mut Driver<'_, 'b, N, O>,
    present: Option<&Cell<bool>>,
    timeout_ms: u32,
) -> Result<(), Error> {
    run(d, Goal::Connected(present), timeout_ms)
}

/// Publishes and waits until the flow completes: QoS 0 once written, QoS 1 at PUBACK,
/// QoS 2 at PUBCOMP (waiting first for room in the window if it is full).
///
/// Always inlined into its one caller, the C call (x86_64: out of line, the call and its
/// arguments' copy cost 15 instructions per publish; bare metal inlined it already).
#[inline(always)]
pub fn publish<'b, N: Network, O: Owner<'b, N>>(
    d: &mut Driver<'_, 'b, N, O>,
    topic: &'b str,
    payload: &'b [u8],
    qos: QoS,
    retain: bool,
    timeout_ms: u32,
) -> Result<(), Error> {
    let goal = if qos == QoS::AtMostOnce { Goal::Flushed } else { Goal::PublishDone(0) };
    submit_and_run(d, timeout_ms, &mut move |d, now| queued(d.owner.session().engine.publish(topic, payload, qos, retain, now)), goal)
}

/// Subscribes to `filters` and waits for SUBACK; its return codes go into `granted`.
pub fn subscribe<'b, 'f, N, O, I, F>(d: &mut Driver<'_, 'b, N, O>, filters: I, granted: &mut [u8], timeout_ms: u32) -> Result<(), Error>
where
    N: Network,
    O: Owner<'b, N>,
    I: Iterator<Item = (F, QoS)> + Clone,
    F: crate::codec::topic::FilterText<'f>,
{
    let granted = Cell::from_mut(granted).as_slice_of_cells();
    submit_and_run(d, timeout_ms, &mut move |d, now| queued(d.owner.session().engine.subscribe(filters.clone(), now)), Goal::Subscribed(0, granted))
}

/// Unsubscribes from `filters` and waits for UNSUBACK.
pub fn unsubscribe<'b, 'f, N, O, I, F>(d: &mut Driver<'_, 'b, N, O>, filters: I, timeout_ms: u32) -> Result<(), Error>
where
    N: Network,
    O: Owner<'b, N>,
    I: Iterator<Item = F> + Clone,
    F: crate::codec::topic::FilterText<'f>,
{
    submit_and_run(d, timeout_ms, &mut move |d, now| queued(d.owner.session().engine.unsubscribe(filters.clone(), now)), Goal::Unsubscribed(0))
}

/// Sends DISCONNECT and waits up to `timeout_ms` until it is written, then closes the
/// network (also when not connected at the MQTT level, or when time ran out).
pub fn disconnect<'b, N: Network, O: Owner<'b, N>>(d: &mut Driver<'_, 'b, N, O>, timeout_ms: u32) -> Result<(), Error> {
    disconnect_with(d, timeout_ms, |d| d.begin_disconnect())
}

/// [`disconnect`] with the DISCONNECT `begin` queues (MQTT 5.0: reason code, properties).
#[inline(always)]
pub(super) fn disconnect_with<'b, N: Network, O: Owner<'b, N>>(
    d: &mut Driver<'_, 'b, N, O>,
    timeout_ms: u32,
    mut begin: impl FnMut(&mut Driver<'_, 'b, N, O>) -> Result<(), Error>,
) -> Result<(), Error> {
    // Through the path of every other blocking request (one copy of the loops): a full
    // transmit buffer has no room for DISCONNECT yet, so the loop writes it out first.
    // However it ends, the network is closed by then (when time runs out, by `timed_out`),
    // except after a DISCONNECT the engine could not encode, which leaves it as it was.
    submit_and_run(d, timeout_ms, &mut move |d, _| begin(d).map(|()| 0), Goal::Disconnected)
}
