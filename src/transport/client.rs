//! The client: one engine driven over the application's callbacks. Every call here is
//! non-blocking at heart; blocking calls (see `blocking`) loop over [`Client::drive`].

use super::network::Network;
use super::wire::Wire;
use crate::codec::{Connect, QoS};
use crate::engine::{self, Engine, Event, Progress, State};
use core::ffi::{c_char, CStr};
use core::marker::PhantomData;

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

/// Receives what the client reports while it is driven.
pub trait EventSink {
    /// An engine event (message, completion, CONNACK).
    fn event(&mut self, event: &Event<'_>);
    /// The connection ended: `Ok` after a requested disconnect, else why.
    fn disconnected(&mut self, reason: Result<(), Error>);
    /// True once the caller driving the client has what it waited for: the client then
    /// stops taking in packets, and what arrived after stays for the next call.
    fn satisfied(&self) -> bool {
        false
    }
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
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    /// No connection; where the last one ended.
    Closed {
        ended: Step,
    },
    /// The host of `begin_connect` as a thin pointer (a `&CStr` takes 16 bytes).
    Opening {
        host: *const c_char,
        port: u16,
    },
    /// Connected; the TLS handshake is under way.
    Handshaking,
    Open,
}

/// An MQTT client over the application's callbacks.
pub struct Client<'b, N> {
    engine: Engine<'b>,
    wire: Wire<N>,
    link: Link,
    /// The host pointer in `link` borrows for `'b`.
    host: PhantomData<&'b CStr>,
}

impl<'b, N: Network> Client<'b, N> {
    /// Creates a client over caller storage and a network.
    pub fn new(net: N, engine: Engine<'b>) -> Self {
        Client { engine, wire: Wire::new(net), link: Link::Closed { ended: Step::Never }, host: PhantomData }
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
        matches!(self.link, Link::Opening { .. }) || !self.engine.pending_output().is_empty() || self.wire.has_pending_output()
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
    /// following [`drive`](Self::drive) calls. `host` must stay valid until then.
    pub fn begin_connect(&mut self, host: &'b CStr, port: u16, connect: &Connect<'_>, max_inflight: u16) -> Result<(), Error> {
        if self.is_open() {
            return Err(Error::Engine(engine::Error::WrongState));
        }
        let now = self.wire.now();
        self.engine.connect(connect, max_inflight, now)?;
        self.link = Link::Opening { host: host.as_ptr(), port };
        Ok(())
    }

    /// Queues a PUBLISH; see [`Engine::publish`].
    pub fn publish(&mut self, topic: &'b str, payload: &'b [u8], qos: QoS, retain: bool) -> Result<u16, Error> {
        let now = self.wire.now();
        Ok(self.engine.publish(topic, payload, qos, retain, now)?)
    }

    /// Queues a SUBSCRIBE; see [`Engine::subscribe`].
    pub fn subscribe<'f, I>(&mut self, filters: I) -> Result<u16, Error>
    where
        I: Iterator<Item = (&'f [u8], QoS)> + Clone,
    {
        let now = self.wire.now();
        Ok(self.engine.subscribe(filters, now)?)
    }

    /// Queues an UNSUBSCRIBE; see [`Engine::unsubscribe`].
    pub fn unsubscribe<'f, I>(&mut self, filters: I) -> Result<u16, Error>
    where
        I: Iterator<Item = &'f [u8]> + Clone,
    {
        let now = self.wire.now();
        Ok(self.engine.unsubscribe(filters, now)?)
    }

    /// Queues DISCONNECT; the connection closes once it is written.
    pub fn begin_disconnect(&mut self, sink: &mut dyn EventSink) -> Result<(), Error> {
        match self.engine.disconnect() {
            Ok(()) => Ok(()),
            Err(engine::Error::WrongState) if self.is_open() => {
                // Not (yet) connected at the MQTT level: just drop the connection.
                self.shut(Ok(()), sink);
                Ok(())
            }
            Err(engine::Error::WrongState) => Err(Error::NotConnected),
            Err(e) => Err(e.into()),
        }
    }

    /// Closes the connection without DISCONNECT (as a lost network would).
    pub fn abort(&mut self, sink: &mut dyn EventSink) {
        if self.is_open() {
            self.shut(Err(Error::Closed), sink);
        }
    }

    /// Does the pending I/O: opens the connection, writes queued bytes, reads and
    /// handles what arrived, sends keepalive pings. Waits up to `wait_ms` only when
    /// there is nothing else to do. Returns how long the caller may sleep before the
    /// next deadline (`u32::MAX`: none).
    pub fn drive(&mut self, wait_ms: u32, sink: &mut dyn EventSink) -> Result<u32, Error> {
        match self.step(wait_ms, sink) {
            Ok(sleep) => Ok(sleep),
            Err(e) => {
                if self.is_open() {
                    self.shut(Err(e), sink);
                }
                Err(e)
            }
        }
    }

    fn step(&mut self, wait_ms: u32, sink: &mut dyn EventSink) -> Result<u32, Error> {
        if let Link::Opening { host, port } = self.link {
            // SAFETY: `host` came from a `&'b CStr` in `begin_connect`, valid for `'b`.
            let host = unsafe { CStr::from_ptr(host) };
            if !self.wire.open(host, port, wait_ms)? {
                return self.idle(wait_ms);
            }
            self.link = Link::Handshaking;
        }
        if self.link == Link::Handshaking {
            if !self.wire.handshake(wait_ms)? {
                return self.idle(wait_ms);
            }
            self.link = Link::Open;
        }
        if !self.is_open() {
            return Err(Error::NotConnected);
        }
        // Wait for the network only when a pass found nothing at all to do.
        let mut busy = false;
        let mut waited = false;
        loop {
            let now = self.wire.now();
            let deadline = self.engine.poll_timers(now)?;
            let handled = self.dispatch(now, sink)?;
            if sink.satisfied() {
                return Ok(deadline);
            }
            let flushed = self.flush(0)?;
            if self.engine.state() == State::Disconnecting && self.engine.pending_output().is_empty() {
                self.shut(Ok(()), sink);
                return Ok(u32::MAX);
            }
            if !self.is_open() {
                return Ok(u32::MAX);
            }
            // After events, or a flush that made room for flows still waiting, go round
            // again; a flush alone needs no second read of a socket just found empty.
            if handled || (flushed && self.engine.has_unsent()) {
                busy = true;
                continue;
            }
            busy |= flushed;
            if busy || waited {
                return Ok(deadline);
            }
            // Nothing left to do without waiting: wait for input (or for room to write).
            waited = true;
            // A deadline of 0 means a ping waits for room in the transmit buffer: block in
            // the write below rather than spin.
            let timeout = if deadline == 0 { wait_ms } else { wait_ms.min(deadline) };
            self.flush(timeout)?;
            let space = self.engine.input_space();
            if space.is_empty() {
                continue;
            }
            if let Some(n) = self.wire.read(space, timeout)? {
                self.engine.input_received(n);
            }
        }
    }

    /// Writes queued bytes, waiting up to `wait_ms` for the network to take them, without
    /// reading: the path of a blocking QoS 0 publish. It drives the client fully instead
    /// while the connection is being set up or an answer (PINGRESP) is awaited.
    pub fn write_out(&mut self, wait_ms: u32, sink: &mut dyn EventSink) -> Result<(), Error> {
        if self.link != Link::Open || self.engine.awaits_response() {
            return self.drive(wait_ms, sink).map(|_| ());
        }
        let now = self.wire.now();
        let written = self.engine.poll_timers(now).map_err(Error::from).and_then(|_| self.flush(wait_ms));
        if let Err(e) = written {
            self.shut(Err(e), sink);
            return Err(e);
        }
        Ok(())
    }

    /// While the connection is being set up: checks the CONNACK deadline and tells how
    /// long the caller may wait (a short while: the connect callback is polled, not awaited).
    fn idle(&mut self, wait_ms: u32) -> Result<u32, Error> {
        let deadline = self.engine.poll_timers(self.wire.now())?;
        Ok(deadline.min(wait_ms.max(SETUP_POLL_MS)))
    }

    /// Reads what is available without waiting and hands out events; true if anything happened.
    fn dispatch(&mut self, now: u32, sink: &mut dyn EventSink) -> Result<bool, Error> {
        let mut any = false;
        loop {
            match self.engine.next_event(now)? {
                Progress::Event(event) => {
                    sink.event(&event);
                    if sink.satisfied() {
                        return Ok(true);
                    }
                    any = true;
                }
                Progress::Handled => any = true,
                Progress::Idle => {
                    let space = self.engine.input_space();
                    if space.is_empty() {
                        return Ok(any);
                    }
                    match self.wire.read(space, 0)? {
                        Some(n) => self.engine.input_received(n),
                        None => return Ok(any),
                    }
                }
            }
        }
    }

    /// Writes queued bytes until done or the network would block; true if any went out.
    fn flush(&mut self, timeout_ms: u32) -> Result<bool, Error> {
        let mut any = false;
        loop {
            let pending = self.engine.pending_output();
            if pending.is_empty() {
                return Ok(self.wire.flush(timeout_ms)? && any);
            }
            match self.wire.write(pending, timeout_ms)? {
                Some(n) => {
                    self.engine.output_written(n);
                    any = true;
                }
                None => return Ok(any),
            }
        }
    }

    fn shut(&mut self, reason: Result<(), Error>, sink: &mut dyn EventSink) {
        self.wire.close(reason.is_ok());
        let ended = match (reason, self.link) {
            (Ok(()), _) => Step::Requested,
            (_, Link::Opening { .. }) => Step::NetConnect,
            (_, Link::Handshaking) => Step::TlsHandshake,
            _ if self.engine.state() == State::Connecting => Step::Connack,
            _ => Step::Session,
        };
        self.link = Link::Closed { ended };
        self.engine.connection_lost();
        sink.disconnected(reason);
    }
}
