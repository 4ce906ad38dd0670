//! The client: one engine driven over the application's callbacks. Every call here is
//! non-blocking at heart; blocking calls (see `blocking`) loop over [`Client::drive`].

use super::callbacks::NetCallbacks;
use super::stream::{ByteStream, IoStatus};
use crate::codec::{Connect, QoS};
use crate::engine::{self, Engine, Event, Progress, State};
use core::ffi::CStr;

/// Why a client call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The engine refused a request or ended the connection.
    Engine(engine::Error),
    /// The connect callback failed.
    ConnectFailed,
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
}

/// State of the byte connection under the engine.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link<'b> {
    Closed,
    Opening { host: &'b CStr, port: u16 },
    Open,
}

/// An MQTT client over the application's callbacks.
pub struct Client<'b> {
    engine: Engine<'b>,
    net: NetCallbacks,
    link: Link<'b>,
}

impl<'b> Client<'b> {
    /// Creates a client over caller storage and callbacks.
    pub fn new(net: NetCallbacks, engine: Engine<'b>) -> Self {
        Client { engine, net, link: Link::Closed }
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
        self.link != Link::Closed
    }

    /// Reads the application's clock.
    pub fn now(&mut self) -> u32 {
        self.net.now()
    }

    /// Starts connecting: the network connection opens and CONNECT goes out on the
    /// following [`drive`](Self::drive) calls. `host` must stay valid until then.
    pub fn begin_connect(&mut self, host: &'b CStr, port: u16, connect: &Connect<'_>, max_inflight: u16) -> Result<(), Error> {
        if self.link != Link::Closed {
            return Err(Error::Engine(engine::Error::WrongState));
        }
        let now = self.net.now();
        self.engine.connect(connect, max_inflight, now)?;
        self.link = Link::Opening { host, port };
        Ok(())
    }

    /// Queues a PUBLISH; see [`Engine::publish`].
    pub fn publish(&mut self, topic: &'b str, payload: &'b [u8], qos: QoS, retain: bool) -> Result<u16, Error> {
        let now = self.net.now();
        Ok(self.engine.publish(topic, payload, qos, retain, now)?)
    }

    /// Queues a SUBSCRIBE; see [`Engine::subscribe`].
    pub fn subscribe<'f, I>(&mut self, filters: I) -> Result<u16, Error>
    where
        I: Iterator<Item = (&'f [u8], QoS)> + Clone,
    {
        let now = self.net.now();
        Ok(self.engine.subscribe(filters, now)?)
    }

    /// Queues an UNSUBSCRIBE; see [`Engine::unsubscribe`].
    pub fn unsubscribe<'f, I>(&mut self, filters: I) -> Result<u16, Error>
    where
        I: Iterator<Item = &'f [u8]> + Clone,
    {
        let now = self.net.now();
        Ok(self.engine.unsubscribe(filters, now)?)
    }

    /// Queues DISCONNECT; the connection closes once it is written.
    pub fn begin_disconnect(&mut self, sink: &mut dyn EventSink) -> Result<(), Error> {
        match self.engine.disconnect() {
            Ok(()) => Ok(()),
            Err(engine::Error::WrongState) if self.link != Link::Closed => {
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
        if self.link != Link::Closed {
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
                if self.link != Link::Closed {
                    self.shut(Err(e), sink);
                }
                Err(e)
            }
        }
    }

    fn step(&mut self, wait_ms: u32, sink: &mut dyn EventSink) -> Result<u32, Error> {
        if let Link::Opening { host, port } = self.link {
            match self.net.open(host, port, wait_ms) {
                Ok(()) => self.link = Link::Open,
                Err(IoStatus::WouldBlock) => return self.engine.poll_timers(self.net.now()).map(|t| t.min(wait_ms.max(1))).map_err(Error::from),
                Err(_) => return Err(Error::ConnectFailed),
            }
        }
        if self.link == Link::Closed {
            return Err(Error::NotConnected);
        }
        // Wait for the network only when a pass found nothing at all to do.
        let mut busy = false;
        let mut waited = false;
        loop {
            let now = self.net.now();
            let deadline = self.engine.poll_timers(now)?;
            let handled = self.dispatch(now, sink)?;
            let flushed = self.flush(0)?;
            if self.engine.state() == State::Disconnecting && self.engine.pending_output().is_empty() {
                self.shut(Ok(()), sink);
                return Ok(u32::MAX);
            }
            if self.link == Link::Closed {
                return Ok(u32::MAX);
            }
            if handled || flushed {
                busy = true;
                continue;
            }
            if busy || waited {
                return Ok(deadline);
            }
            // Nothing left to do without waiting: wait for input (or for room to write).
            waited = true;
            let timeout = wait_ms.min(deadline);
            if !self.engine.pending_output().is_empty() {
                self.flush(timeout)?;
            }
            let space = self.engine.input_space();
            if space.is_empty() {
                continue;
            }
            match self.net.read(space, timeout) {
                Ok(n) => self.engine.input_received(n),
                Err(IoStatus::WouldBlock) => {}
                Err(IoStatus::Closed) => return Err(Error::Closed),
                Err(IoStatus::Failed) => return Err(Error::ReadFailed),
            }
        }
    }

    /// Reads what is available without waiting and hands out events; true if anything happened.
    fn dispatch(&mut self, now: u32, sink: &mut dyn EventSink) -> Result<bool, Error> {
        let mut any = false;
        loop {
            match self.engine.next_event(now)? {
                Progress::Event(event) => {
                    sink.event(&event);
                    any = true;
                }
                Progress::Handled => any = true,
                Progress::Idle => {
                    let space = self.engine.input_space();
                    if space.is_empty() {
                        return Ok(any);
                    }
                    match self.net.read(space, 0) {
                        Ok(n) => self.engine.input_received(n),
                        Err(IoStatus::WouldBlock) => return Ok(any),
                        Err(IoStatus::Closed) => return Err(Error::Closed),
                        Err(IoStatus::Failed) => return Err(Error::ReadFailed),
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
                return Ok(any);
            }
            match self.net.write(pending, timeout_ms) {
                Ok(n) => {
                    self.engine.output_written(n);
                    any = true;
                }
                Err(IoStatus::WouldBlock) => return Ok(any),
                Err(IoStatus::Closed) => return Err(Error::Closed),
                Err(IoStatus::Failed) => return Err(Error::WriteFailed),
            }
        }
    }

    fn shut(&mut self, reason: Result<(), Error>, sink: &mut dyn EventSink) {
        self.net.close();
        self.link = Link::Closed;
        self.engine.connection_lost();
        sink.disconnected(reason);
    }
}

