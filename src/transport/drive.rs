//! The driving loop: opens the connection, writes queued bytes, reads, hands out events,
//! sends keepalive pings. Every call is non-blocking at heart; blocking calls (see
//! `blocking`) loop over [`Driver::drive`].
//!
//! A driving call holds the receive side ([`Inbox`]) for its whole length and borrows the
//! session afresh for every step, never across an event: see [`Owner`] and [`Lent`].

use super::blocking::Watch;
use super::client::{Error, Link, Owner, Session, Step};
use super::network::Network;
use crate::engine::{self, Event, Inbox, Progress, State};
use core::cell::UnsafeCell;

/// One driving call: the receive side, and the session with its owner.
///
/// Generic over the owner's type rather than holding it as a trait object: the owner's
/// calls are direct, which the compiler may inline, and no vtable is kept. A C firmware has
/// one owner type (the ffi's, which also carries the reconnect supervisor), so it links one
/// copy of the driving loop.
pub struct Driver<'d, 'b, N: Network, O: Owner<'b, N>> {
    pub(super) inbox: &'d mut Inbox<'b>,
    pub(super) owner: Lent<'d, 'b, N, O>,
    /// The goal of the blocking call this one drives for, if any: checked here, not by an
    /// owner wrapped around the application's (see [`Watch`]).
    pub(super) watch: Option<&'d Watch<'d>>,
}

/// The session a driving call borrows step by step, and the owner its events go to.
///
/// The session is reached in its cell directly, not through the owner. Lending and handing
/// out events both borrow this whole value mutably, so the borrow checker still ends every
/// lent session before an event is handed over, as [`Owner`] requires.
pub struct Lent<'d, 'b, N: Network, O: Owner<'b, N>> {
    pub(super) cell: &'d UnsafeCell<Session<'b, N>>,
    pub(super) events: &'d mut O,
}

impl<'b, N: Network, O: Owner<'b, N>> Lent<'_, 'b, N, O> {
    /// The session, for one step (no event may be handed out while it is used).
    pub fn session(&mut self) -> &mut Session<'b, N> {
        // SAFETY: by the contract of `Driver::new`, only this driving call reaches the
        // session outside the owner's calls; the borrow is tied to `&mut self`, so it has
        // ended before `self.events` is called (which needs `self` again).
        unsafe { &mut *self.cell.get() }
    }
}

/// What [`Driver::dispatch`] did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dispatched {
    /// No packet handled, no event handed out.
    Nothing,
    /// Packets handled or events handed out.
    Handled,
    /// The blocking call's goal is met: stop taking in packets (what arrived after stays
    /// for the next call).
    Satisfied,
}

impl<'d, 'b, N: Network, O: Owner<'b, N>> Driver<'d, 'b, N, O> {
    /// A driving call over `inbox` and the session in `cell`, whose events go to `owner`.
    ///
    /// # Safety
    /// For `'d`, the session in `cell` is reached only through this driver, and by `owner`
    /// (and the code it runs) only during its calls: no other reference to it is in use
    /// while the driver borrows it for a step.
    pub unsafe fn new(inbox: &'d mut Inbox<'b>, cell: &'d UnsafeCell<Session<'b, N>>, owner: &'d mut O) -> Self {
        Driver { inbox, owner: Lent { cell, events: owner }, watch: None }
    }

    /// This call lent to one that also checks events and the connection's end against
    /// `watch`, a blocking call's goal.
    pub(super) fn watched<'w>(&'w mut self, watch: &'w Watch<'w>) -> Driver<'w, 'b, N, O> {
        Driver { inbox: &mut *self.inbox, owner: Lent { cell: self.owner.cell, events: &mut *self.owner.events }, watch: Some(watch) }
    }

    /// The session, for a step of this call (no event may be handed out while it is used).
    pub fn session(&mut self) -> &mut Session<'b, N> {
        self.owner.session()
    }

    /// Reads the application's clock.
    pub fn now(&mut self) -> u32 {
        self.owner.session().now()
    }

    /// Queues DISCONNECT; the connection closes once it is written (at once when not
    /// connected at the MQTT level).
    pub fn begin_disconnect(&mut self) -> Result<(), Error> {
        self.begin_disconnect_with(|engine| engine.disconnect())
    }

    /// [`begin_disconnect`](Self::begin_disconnect) with the DISCONNECT `queue` puts on
    /// the engine (MQTT 5.0: with a reason code and properties).
    #[inline(always)]
    pub fn begin_disconnect_with(&mut self, queue: impl FnOnce(&mut engine::Engine<'b>) -> Result<(), engine::Error>) -> Result<(), Error> {
        let session = self.owner.session();
        match queue(&mut session.engine) {
            Ok(()) => Ok(()),
            Err(engine::Error::WrongState) if session.is_open() => {
                // Not (yet) connected at the MQTT level: just drop the connection.
                self.shut(Ok(()));
                Ok(())
            }
            Err(engine::Error::WrongState) => Err(Error::NotConnected),
            Err(e) => Err(e.into()),
        }
    }

    /// Closes the connection without DISCONNECT (as a lost network would).
    pub fn abort(&mut self) {
        self.abort_with(Error::Closed);
    }

    /// Does the pending I/O: opens the connection, writes queued bytes, reads and
    /// handles what arrived, sends keepalive pings. Waits up to `wait_ms` only when
    /// there is nothing else to do. Returns how long the caller may sleep before the
    /// next deadline (`u32::MAX`: none).
    pub fn drive(&mut self, wait_ms: u32) -> Result<u32, Error> {
        self.run::<false>(wait_ms)
    }

    /// [`drive`](Self::drive) without waiting, for the C poll entry. Hosted targets inline the
    /// whole pass there: a poll that finds one acknowledgement is mostly fixed cost (the call,
    /// the driver's fields stored and reloaded, the blocking goal tested although a poll has
    /// none). Bare metal calls the one shared copy (smaller).
    #[inline(always)]
    pub fn poll(&mut self) -> Result<u32, Error> {
        if cfg!(target_os = "none") {
            self.drive(0)
        } else {
            self.run::<true>(0)
        }
    }

    /// The body of [`drive`](Self::drive) and, on hosted targets, of [`poll`](Self::poll)
    /// (`POLL`: the poll's own copy, which keeps the fast forms; see [`fill_as`](Self::fill_as)).
    #[inline(always)]
    fn run<const POLL: bool>(&mut self, wait_ms: u32) -> Result<u32, Error> {
        match self.step::<POLL>(wait_ms) {
            Ok(sleep) => Ok(sleep),
            Err(e) => {
                #[cfg(feature = "mqtt5")]
                self.tell_broker(e);
                self.abort_with(e);
                Err(e)
            }
        }
    }

    /// MQTT 5.0: before a connection ends because the broker broke the protocol, sends the
    /// DISCONNECT with the reason, if any (written without waiting; best effort).
    #[cfg(feature = "mqtt5")]
    fn tell_broker(&mut self, e: Error) {
        let session = self.owner.session();
        if let Error::Engine(e) = e {
            if session.is_open() && session.engine.queue_protocol_disconnect(&e) {
                let _ = session.flush(0);
            }
        }
    }

    /// Closes the connection, if open, because of `e`.
    fn abort_with(&mut self, e: Error) {
        if self.owner.session().is_open() {
            self.shut(Err(e));
        }
    }

    /// Inlined into `drive`, its one caller, on hosted targets (out of line it cost a call
    /// and a second prologue per driving call); bare metal measured smaller without.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn step<const POLL: bool>(&mut self, wait_ms: u32) -> Result<u32, Error> {
        // The usual case, an open link, is one test; a link not open yet is set up by
        // `set_up` (inline, the four states were a jump table per call on hosted targets).
        if !matches!(self.owner.session().link, Link::Open) {
            if let Some(sleep) = self.set_up(wait_ms)? {
                return Ok(sleep);
            }
        }
        let awaits_answer = self.watch.is_some_and(|watch| watch.awaits_answer());
        // Wait for the network once at most, and only when the passes found nothing at all to
        // do (a call that awaits an answer waits anyway). One flag for both rules, cleared once
        // a wait is ruled out: a flag for each (busy, waited) measured larger.
        let mut may_wait = true;
        loop {
            let session = self.owner.session();
            // Each pass writes before it reads: no answer can be there before its request
            // is out, and a read right after the write may find it already.
            let wrote = session.flush_as::<POLL>(0)?;
            // DISCONNECT is out: close before any read, which could only find the broker
            // closing the connection after it.
            if session.engine.state() == State::Disconnecting && !session.engine.has_output() {
                self.shut(Ok(()));
                return Ok(u32::MAX);
            }
            let now = session.wire.now();
            let deadline = session.engine.poll_timers(now)?;
            // A call that awaits an answer and just wrote its request does not read the
            // socket (the answer cannot be there yet): it waits for input below instead
            // (one system call less).
            let dispatched = self.dispatch::<POLL>(now, !wrote || !awaits_answer)?;
            if dispatched == Dispatched::Satisfied {
                return Ok(deadline);
            }
            // A call that does not await an answer returns once a pass did something.
            may_wait &= awaits_answer || (!wrote && dispatched == Dispatched::Nothing);
            let session = self.owner.session();
            // `flush` returns at once when nothing is queued: no test of its own in front of
            // it (on bare metal, where `flush` is a call, that was a second copy of its test).
            let flushed = session.flush_as::<POLL>(0)?;
            if !session.is_open() {
                return Ok(u32::MAX);
            }
            // `dispatch` stopped at a socket found empty, and what the events queued is
            // written: go round again only when the flush made room for what waited for it
            // (flows not yet queued, received packets whose answer did not fit) or wrote a
            // DISCONNECT (closed above), not to read the socket just found empty a second time.
            if flushed && (session.engine.has_unsent() || self.inbox.has_unread() || session.engine.state() == State::Disconnecting) {
                may_wait &= awaits_answer;
                continue;
            }
            if !may_wait || (flushed && !awaits_answer) {
                return Ok(deadline);
            }
            // Nothing left to do without waiting: wait for input (or for room to write).
            may_wait = false;
            // A deadline of 0 means a ping waits for room in the transmit buffer: block in
            // the write below rather than spin.
            let timeout = if deadline == 0 { wait_ms } else { wait_ms.min(deadline) };
            self.owner.session().flush_as::<POLL>(timeout)?;
            self.fill_as::<POLL>(timeout)?;
        }
    }

    /// Sets up a link that is not open, as far as it goes without waiting: `Some` with the time
    /// to sleep while it is not open yet, `None` once it is. Out of line and cold on hosted
    /// targets (one test per driving call instead of a jump table); inlined on bare metal,
    /// where the call measured larger.
    #[cfg_attr(not(target_os = "none"), cold, inline(never))]
    #[cfg_attr(target_os = "none", inline(always))]
    fn set_up(&mut self, wait_ms: u32) -> Result<Option<u32>, Error> {
        let session = self.owner.session();
        if let Link::Opening { host, port } = session.link {
            if !session.wire.open(host, port, wait_ms)? {
                return session.idle(wait_ms).map(Some);
            }
            session.link = Link::Handshaking;
        }
        if matches!(session.link, Link::Handshaking) {
            if !session.wire.handshake(wait_ms)? {
                return session.idle(wait_ms).map(Some);
            }
            session.link = Link::Open;
        }
        if !session.is_open() {
            return Err(Error::NotConnected);
        }
        Ok(None)
    }

    /// Reads into the inbox's free space, waiting up to `timeout_ms`; `Some(short)` when
    /// bytes arrived (`short`: fewer than the space offered), `None` when there was no
    /// space or nothing arrived.
    ///
    /// One copy for the pass's read and the wait's on bare metal (each kept its own read
    /// and error mapping inlined); hosted targets get an inline hint (forced inline measured
    /// larger with LTO, out of line cost instructions per poll), which only the poll's pass
    /// follows ([`fill_as`](Self::fill_as)).
    #[cfg_attr(target_os = "none", inline(never))]
    #[cfg_attr(not(target_os = "none"), inline)]
    fn fill(&mut self, timeout_ms: u32) -> Result<Option<bool>, Error> {
        let space = self.inbox.space();
        if space.is_empty() {
            return Ok(None);
        }
        let offered = space.len();
        let read = self.owner.session().wire.read(space, timeout_ms)?;
        Ok(read.map(|n| {
            self.inbox.filled_within(n.min(offered));
            n < offered
        }))
    }

    /// [`fill`](Self::fill) as the pass of `POLL` takes it: inlined where it has the hint
    /// (the poll's pass on hosted targets, whose instructions per publish count), else
    /// through one out-of-line copy. The blocking calls' driving loop on hosted targets
    /// inlined it twice (the pass's read and the wait's): 208 B larger on x86_64.
    #[inline(always)]
    fn fill_as<const POLL: bool>(&mut self, timeout_ms: u32) -> Result<Option<bool>, Error> {
        if POLL {
            self.fill(timeout_ms)
        } else {
            self.fill_apart(timeout_ms)
        }
    }

    /// [`fill`](Self::fill) out of line on hosted targets (bare metal's `fill` is already).
    #[cfg_attr(not(target_os = "none"), inline(never))]
    #[cfg_attr(target_os = "none", inline(always))]
    fn fill_apart(&mut self, timeout_ms: u32) -> Result<Option<bool>, Error> {
        self.fill(timeout_ms)
    }

    /// Writes queued bytes, waiting up to `wait_ms` for the network to take them, without
    /// reading: the path of a blocking QoS 0 publish. It drives the client fully instead
    /// while the connection is being set up or an answer (PINGRESP) is awaited. `now` is the
    /// clock as the caller last read it (a reading is a call into the application). True
    /// when every queued byte is written: the caller needs no second look (nor clock reading).
    /// Always inlined into its one caller, the blocking wait (x86_64 kept it out of line).
    #[inline(always)]
    pub fn write_out(&mut self, now: u32, wait_ms: u32) -> Result<bool, Error> {
        let session = self.owner.session();
        if !matches!(session.link, Link::Open) || session.engine.awaits_response() {
            self.drive(wait_ms)?;
            return Ok(!self.owner.session().engine.has_output());
        }
        let written = session.engine.poll_timers(now).map_err(Error::from).and_then(|_| session.flush_as::<false>(wait_ms));
        match written {
            Ok(_) => Ok(!session.engine.has_output()),
            Err(e) => {
                self.shut(Err(e));
                Err(e)
            }
        }
    }

    /// Reads what is available without waiting (with `may_read`; else only what was received
    /// already) and hands out events; tells whether anything happened, or that the goal is
    /// met.
    ///
    /// A plain connection whose read returned less than the space offered has been
    /// drained: once those bytes are handled it is not read again just to find it empty
    /// (what arrives meanwhile makes the socket readable for the next call). Through TLS
    /// a short read says nothing about the socket, so it is read until it would block.
    ///
    /// Inlined into its one caller on hosted targets (fewer instructions per poll); bare-metal
    /// MQTT 5.0 builds keep it out of line (the drive loop with the 5.0 packet handlers
    /// inlined measured larger), bare-metal 3.1.1 builds leave it to the compiler, whose
    /// choice (inlined) measured smaller there.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(all(target_os = "none", feature = "mqtt5"), inline(never))]
    fn dispatch<const POLL: bool>(&mut self, now: u32, may_read: bool) -> Result<Dispatched, Error> {
        let mut any = Dispatched::Nothing;
        let mut drained = !may_read;
        loop {
            // With no byte unread and no dropped flow to report the engine has nothing to
            // hand out (`poll_timers` queued what waited): read first.
            let engine = &mut self.owner.session().engine;
            // The event borrows the inbox only: the session is free while it is handed out.
            // The engine's result is matched as it is, by reference: the event is handed out
            // where `next_event` put it, not moved out of the `Result` first (as `?` did: one
            // copy of it per event). Bare metal with MQTT 5.0, which inlines `next_event`
            // here, keeps the `?`: its error paths merged less by reference (+168 B).
            #[cfg(not(all(target_os = "none", feature = "mqtt5")))]
            let result = if self.inbox.has_unread() || engine.has_discarded() { engine.next_event(self.inbox, now) } else { Ok(Progress::Idle) };
            #[cfg(not(all(target_os = "none", feature = "mqtt5")))]
            let progress = match &result {
                Ok(progress) => progress,
                Err(e) => return Err((*e).into()),
            };
            #[cfg(all(target_os = "none", feature = "mqtt5"))]
            let progress = &(if self.inbox.has_unread() || engine.has_discarded() { engine.next_event(self.inbox, now)? } else { Progress::Idle });
            match progress {
                Progress::Event(event) => {
                    // Bare metal with MQTT 5.0 (`dispatch` out of line) tells a lost session after
                    // the hand-over: one call site of `hand_out` instead of two (−42 B on
                    // Cortex-M4); the inlined 3.1.1 loop measured 4 B larger that way.
                    #[cfg(not(all(target_os = "none", feature = "mqtt5")))]
                    let session_lost = matches!(event, Event::Connected { session_present: false, .. });
                    let met = Self::hand_out(&mut self.owner, self.watch, event);
                    #[cfg(all(target_os = "none", feature = "mqtt5"))]
                    let session_lost = matches!(event, Event::Connected { session_present: false, .. });
                    // A broker that lost the session releases none of the held incoming QoS 2
                    // ids and may reuse them for new messages: free them once the owner (and
                    // a persistence store following it) has seen the event.
                    if session_lost {
                        self.owner.session().engine.forget_incoming(&mut |_| {});
                    }
                    if met {
                        return Ok(Dispatched::Satisfied);
                    }
                    any = Dispatched::Handled;
                }
                Progress::Handled => any = Dispatched::Handled,
                Progress::Idle => {
                    if drained {
                        return Ok(any);
                    }
                    match self.fill_as::<POLL>(0)? {
                        Some(short) => drained = short && !self.owner.session().wire.uses_tls(),
                        None => return Ok(any),
                    }
                }
            }
        }
    }

    /// Hands `event` to the owner, after checking it against the blocking call's goal, if
    /// any; true once the goal is met. Out of line on bare metal: inlined, the driving loop
    /// kept a copy of the owner's call for each combination of the branches around it.
    #[cfg_attr(target_os = "none", inline(never))]
    fn hand_out(owner: &mut Lent<'d, 'b, N, O>, watch: Option<&Watch<'_>>, event: &Event<'_>) -> bool {
        let met = watch.is_some_and(|watch| watch.event(event));
        owner.events.event(event);
        met
    }

    fn shut(&mut self, reason: Result<(), Error>) {
        let session = self.owner.session();
        session.wire.close(reason.is_ok());
        let ended = match (reason, session.link) {
            (Ok(()), _) => Step::Requested,
            (_, Link::Opening { .. }) => Step::NetConnect,
            (_, Link::Handshaking) => Step::TlsHandshake,
            _ if session.engine.state() == State::Connecting => Step::Connack,
            _ => Step::Session,
        };
        session.link = Link::Closed { ended };
        session.engine.connection_lost(self.inbox);
        #[cfg(feature = "mqtt5")]
        {
            let properties = session.engine.ending_properties(self.inbox);
            self.owner.events.disconnected_v5(reason, &properties);
        }
        #[cfg(not(feature = "mqtt5"))]
        self.owner.events.disconnected(reason);
    }
}
