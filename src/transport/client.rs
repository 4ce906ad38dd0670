//! The queue side of a client: the session engine and the connection under it, which
//! requests and queries reach, also from inside the application's callbacks. The driving
//! loop (`drive`) borrows it one step at a time; the receive side, which
//! delivered messages point into, stays with the driving call.

use super::network::Network;
use super::wire::Wire;
use crate::codec::{encode::ConnectFields, topic::Name, Connect, QoS};
use crate::engine::{self, Engine, Event, State};

/// How often a non-blocking caller should poll while the connection is being set up.
const SETUP_POLL_MS: u32 = 10;

/// Why a client call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The engine refused a request or ended the connection.
    Engine(engine::Error),
    /// The connect callback failed.
    ConnectFailed,
    /// The connect callback could not resolve the host name.
    HostNotFound,
    /// The connect callback found nothing listening on the host and port.
    Refused,
    /// The peer closed the connection.
    Closed,
    /// The read callback failed.
    ReadFailed,
    /// The write callback failed.
    WriteFailed,
    /// A blocking call ran out of time.
    Timeout,
    /// The call needs a connection and there is none.
    NotConnected,
    /// The broker refused at least one filter of a SUBSCRIBE.
    SubscribeFailed,
    /// The flow was dropped before it completed (clean session, or connection lost).
    Discarded,
    /// TLS failed (handshake, certificate, alert).
    #[cfg(feature = "tls")]
    Tls(super::tls::TlsError),
}

impl From<engine::Error> for Error {
    fn from(e: engine::Error) -> Self {
        Error::Engine(e)
    }
}

/// What owns a [`Session`], as the driving loop sees it: it takes what happened. The
/// session itself is reached through its cell (given to `Driver::new`), so the owner has no
/// method for it.
///
/// The driving loop borrows the session for one step at a time through
/// [`Lent`](super::drive::Lent), which also hands the events over: both need `&mut` of it,
/// so the borrow checker ends every lent session before an event is handed over: while the
/// application handles an event, the driving loop holds no reference to the session (only
/// the event's borrow of the receive buffer), and the application may queue requests on
/// it. The ffi's callback rule rests on this.
pub trait Owner<'b, N: Network> {
    /// An engine event (message, completion, CONNACK).
    fn event(&mut self, event: &Event<'_>);
    /// The connection ended: `Ok` after a requested disconnect, else why.
    #[cfg(not(feature = "mqtt5"))]
    fn disconnected(&mut self, reason: Result<(), Error>);
    /// MQTT 5.0: the connection ended (`Ok` after a requested disconnect, else why), with the
    /// properties of the broker's packet that ended it (DISCONNECT, a refusing CONNACK:
    /// reason string, server reference, user properties; none otherwise), readable during
    /// the call. The one end of a 5.0 build: the driving loop calls nothing else, and a
    /// 3.1.1 form beside it stayed in the vtable as a forwarder.
    #[cfg(feature = "mqtt5")]
    fn disconnected_v5(&mut self, reason: Result<(), Error>, properties: &crate::codec::v5::Properties<'_>);
}

/// Where a connection stood when it ended, for messages that name the step.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// No connection was attempted yet.
    Never,
    /// Opening the network connection (the connect callback).
    NetConnect,
    /// The TLS handshake.
    TlsHandshake,
    /// Waiting for CONNACK.
    Connack,
    /// After CONNACK accepted the connection.
    Session,
    /// Closed as requested (DISCONNECT, or a connection not yet up dropped).
    Requested,
}

/// State of the byte connection under the engine.
#[derive(Clone, Copy)]
pub(super) enum Link<H> {
    /// No connection; where the last one ended.
    Closed {
        ended: Step,
    },
    /// The host and port of `begin_connect`, until the connect callback succeeds.
    Opening {
        host: H,
        port: u16,
    },
    /// Connected; the TLS handshake is under way.
    Handshaking,
    Open,
}

/// The queue side of an MQTT client: the session engine, the connection and its state.
pub struct Session<'b, N: Network> {
    pub(super) engine: Engine<'b>,
    pub(super) wire: Wire<N>,
    pub(super) link: Link<N::Host>,
}

impl<'b, N: Network> Session<'b, N> {
    /// Creates a session over caller storage and a network.
    pub fn new(net: N, engine: Engine<'b>) -> Self {
        Session { engine, wire: Wire::new(net), link: Link::Closed { ended: Step::Never } }
    }

    /// The session engine, to complete its setup (see [`Engine::unmarked`]).
    pub(crate) fn engine_mut(&mut self) -> &mut Engine<'b> {
        &mut self.engine
    }

    /// The session engine (for queries).
    pub fn engine(&self) -> &Engine<'b> {
        &self.engine
    }

    /// True once CONNACK accepted the connection and until it ends.
    pub fn is_connected(&self) -> bool {
        self.engine.state() == State::Connected
    }

    /// True while a network connection is open or opening.
    pub fn is_open(&self) -> bool {
        !matches!(self.link, Link::Closed { .. })
    }

    /// Where the last connection stood when it ended (`None` while one is open).
    pub fn ended_at(&self) -> Option<Step> {
        match self.link {
            Link::Closed { ended } => Some(ended),
            _ => None,
        }
    }

    /// True while the client waits to write: the connection is being opened, or bytes
    /// are queued that the network did not take yet.
    pub fn wants_write(&self) -> bool {
        matches!(self.link, Link::Opening { .. }) || self.has_output()
    }

    /// The connection under the engine (TLS settings and state).
    pub fn wire(&mut self) -> &mut Wire<N> {
        &mut self.wire
    }

    /// The connection under the engine, read-only.
    pub fn wire_ref(&self) -> &Wire<N> {
        &self.wire
    }

    /// Reads the application's clock.
    pub fn now(&mut self) -> u32 {
        self.wire.now()
    }

    /// Starts connecting: the network connection opens and CONNECT goes out on the
    /// following drive calls.
    pub fn begin_connect(&mut self, host: N::Host, port: u16, connect: &Connect<'_>, max_inflight: u16) -> Result<(), Error> {
        self.begin_connect_fields(host, port, &ConnectFields::of(connect, &connect.text()), max_inflight)
    }

    /// [`begin_connect`](Self::begin_connect) of a CONNECT in the encoder's form (the C connect's).
    pub(crate) fn begin_connect_fields(&mut self, host: N::Host, port: u16, connect: &ConnectFields<'_, '_>, max_inflight: u16) -> Result<(), Error> {
        self.begin_with(host, port, |engine, wire| engine.connect_at(connect, max_inflight, || wire.now()))
    }

    /// What every connect call does around its CONNECT: refused while a connection is
    /// open; `queue` puts the CONNECT in the engine, reading the wire's time; then the
    /// link is to be opened. Always inlined: each call keeps the code it had when written out.
    #[inline(always)]
    pub(super) fn begin_with(
        &mut self,
        host: N::Host,
        port: u16,
        queue: impl FnOnce(&mut Engine<'b>, &mut Wire<N>) -> Result<(), engine::Error>,
    ) -> Result<(), Error> {
        if self.is_open() {
            return Err(Error::Engine(engine::Error::WrongState));
        }
        queue(&mut self.engine, &mut self.wire)?;
        self.link = Link::Opening { host, port };
        Ok(())
    }

    /// Queues a PUBLISH; see [`Engine::publish`].
    pub fn publish(&mut self, topic: &'b str, payload: &'b [u8], qos: QoS, retain: bool) -> Result<u16, Error> {
        let now = self.wire.now();
        Ok(self.engine.publish(topic, payload, qos, retain, now)?)
    }

    /// Queues a PUBLISH; see [`Engine::publish_named`] (its error as it is: the C call
    /// tells the refusals it retries from the rest without unwrapping a session error).
    pub(crate) fn publish_named(&mut self, topic: Name<'b>, payload: &'b [u8], qos: QoS, retain: bool) -> Result<u16, engine::Error> {
        let now = self.wire.now();
        self.engine.publish_named(topic, payload, qos, retain, now)
    }

    /// Queues a SUBSCRIBE; see [`Engine::subscribe`].
    pub fn subscribe<'f, I, F>(&mut self, filters: I) -> Result<u16, Error>
    where
        I: Iterator<Item = (F, QoS)> + Clone,
        F: crate::codec::topic::FilterText<'f>,
    {
        let now = self.wire.now();
        Ok(self.engine.subscribe(filters, now)?)
    }

    /// Queues an UNSUBSCRIBE; see [`Engine::unsubscribe`].
    pub fn unsubscribe<'f, I, F>(&mut self, filters: I) -> Result<u16, Error>
    where
        I: Iterator<Item = F> + Clone,
        F: crate::codec::topic::FilterText<'f>,
    {
        let now = self.wire.now();
        Ok(self.engine.unsubscribe(filters, now)?)
    }

    /// While the connection is being set up: checks the CONNACK deadline and tells how
    /// long the caller may wait (a short while: the connect callback is polled, not awaited).
    pub(super) fn idle(&mut self, wait_ms: u32) -> Result<u32, Error> {
        let deadline = self.engine.poll_timers(self.wire.now())?;
        Ok(deadline.min(wait_ms.max(SETUP_POLL_MS)))
    }

    /// True when bytes wait to be written (queued, or held by the TLS session).
    pub(super) fn has_output(&self) -> bool {
        self.engine.has_output() || self.wire.has_pending_output()
    }

    /// Writes queued bytes until done or the network would block; true if any went out.
    ///
    /// With nothing to write it returns at once, without a call on hosted targets: the
    /// driving loop flushes twice per pass, mostly with nothing queued (bare metal: smaller
    /// as one function).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub(super) fn flush(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        if self.engine.has_output() {
            return self.flush_queued(timeout_ms);
        }
        // Only the TLS session may hold bytes: sent, but none of them is the engine's.
        if self.wire.has_pending_output() {
            self.wire.flush(timeout_ms)?;
        }
        Ok(false)
    }

    /// [`flush`](Self::flush) as the driving pass of `POLL` takes it: inlined whole in the
    /// poll's pass; the blocking calls' (their driving loop's three flushes and the QoS 0
    /// write) test for queued bytes in place and write through one out-of-line copy of the
    /// loop, [`flush_queued_apart`](Self::flush_queued_apart) (each inlined the loop: x86_64
    /// 26 B larger, for 19 to 25 instructions less per blocking call). Bare metal calls its
    /// one `flush`.
    #[inline(always)]
    pub(super) fn flush_as<const POLL: bool>(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        if POLL || cfg!(target_os = "none") || !self.engine.has_output() {
            return self.flush(timeout_ms);
        }
        self.flush_queued_apart(timeout_ms)
    }

    /// [`flush_queued`](Self::flush_queued) out of line on hosted targets (see
    /// [`flush_as`](Self::flush_as)).
    #[cfg_attr(not(target_os = "none"), inline(never))]
    #[cfg_attr(target_os = "none", inline(always))]
    fn flush_queued_apart(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        self.flush_queued(timeout_ms)
    }

    /// [`flush`](Self::flush) with engine bytes queued: writes until none is left or the
    /// network would block (the caller checked for the first).
    ///
    /// On hosted targets the loop is inlined into its callers around one out-of-line write
    /// ([`write_queued`](Self::write_queued)): in one function with the loop, LLVM loaded a
    /// dozen fields in front of it, which mostly runs once (bare metal: one function, smaller).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn flush_queued(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        let mut any = false;
        while self.write_queued(timeout_ms)? {
            any = true;
            if !self.engine.has_output() {
                return self.wire.flush(timeout_ms);
            }
        }
        Ok(any)
    }

    /// One write of queued engine bytes; true when the network took any. Whether the queue
    /// is then empty is asked by the loop, inlined into the caller (asked here, it cost more).
    #[cfg_attr(not(target_os = "none"), inline(never))]
    #[cfg_attr(target_os = "none", inline(always))]
    fn write_queued(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        let pending = self.engine.pending_output();
        let written = self.wire.write(pending, timeout_ms)?;
        if let Some(n) = written {
            self.engine.output_written(n);
        }
        Ok(written.is_some())
    }
}
