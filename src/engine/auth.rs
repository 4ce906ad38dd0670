//! MQTT 5.0 enhanced authentication (feature `mqtt5`): the authentication method sent in
//! CONNECT, the broker's AUTH challenges handed to the application as [`Event::Auth`],
//! its answers, and re-authentication on a connected client (MQTT 5.0 section 4.12).
//!
//! The engine keeps only the method (caller memory) and where the exchange stands; the
//! data of every step comes from the application, which answers each challenge with
//! [`Engine::answer_auth`] or ends the exchange with [`Engine::refuse_auth`].

use super::{Engine, Error, Event, Progress, State};
use crate::codec::v5::property::id;
use crate::codec::v5::{self as codec5, encode as enc5, Properties, PropertyFields};

pub use crate::codec::v5::reason::{CONTINUE_AUTHENTICATION as CONTINUE, REAUTHENTICATE, SUCCESS};

/// Where enhanced authentication stands on one connection.
#[derive(Clone, Copy, Default)]
pub(super) struct Auth<'b> {
    /// The method sent in CONNECT; `None`: no enhanced authentication (AUTH is refused).
    method: Option<&'b str>,
    /// A broker's AUTH 0x18 waits for the application's answer.
    challenged: bool,
    /// Re-authentication started (AUTH 0x19 sent) and not yet completed.
    reauthenticating: bool,
    /// The application refused a challenge: the connection ends at the next step.
    refused: bool,
}

impl<'b> Engine<'b> {
    /// Starts an MQTT 5.0 session with enhanced authentication: as
    /// [`connect_v5`](Self::connect_v5), where the CONNECT properties carry the
    /// Authentication Method `method` (and the first Authentication Data, if any). The
    /// broker's AUTH challenges then arrive as [`Event::Auth`]; answer each with
    /// [`answer_auth`](Self::answer_auth). `method` stays borrowed for the connection:
    /// every AUTH sent carries it and every AUTH received must carry it too.
    pub fn connect_v5_auth(&mut self, connect: &codec5::Connect<'_>, method: &'b str, max_inflight: u16, now: u32) -> Result<(), Error> {
        if connect.properties.string(id::AUTHENTICATION_METHOD) != Some(method) {
            return Err(Error::Encode(crate::codec::EncodeError::InvalidField));
        }
        self.connect_v5(connect, max_inflight, now)?;
        self.auth = Auth::of(Some(method));
        Ok(())
    }

    /// Answers the broker's AUTH challenge (reason 0x18) with AUTH 0x18 carrying `data`
    /// (the next step of the method, from caller memory; copied into the send queue).
    pub fn answer_auth(&mut self, data: Option<&[u8]>, now: u32) -> Result<(), Error> {
        if !self.auth.challenged {
            return Err(Error::WrongState);
        }
        self.send_auth(CONTINUE, data, now)?;
        self.auth.challenged = false;
        Ok(())
    }

    /// Refuses the broker's AUTH challenge: the connection ends with
    /// [`Error::AuthRefused`] at the next [`next_event`](Self::next_event) or
    /// [`poll_timers`](Self::poll_timers).
    pub fn refuse_auth(&mut self) -> Result<(), Error> {
        if !self.auth.challenged {
            return Err(Error::WrongState);
        }
        self.auth.challenged = false;
        self.auth.refused = true;
        Ok(())
    }

    /// Starts re-authentication on a connected client: AUTH 0x19 with the method of
    /// CONNECT and `data`. The broker answers with challenges ([`Event::Auth`] 0x18) and
    /// completes with [`Event::Auth`] 0x00; a failure is its DISCONNECT.
    pub fn reauthenticate(&mut self, data: Option<&[u8]>, now: u32) -> Result<(), Error> {
        if self.state != State::Connected || self.auth.method.is_none() || self.auth.reauthenticating {
            return Err(Error::WrongState);
        }
        self.send_auth(REAUTHENTICATE, data, now)?;
        self.auth.reauthenticating = true;
        Ok(())
    }

    /// True while re-authentication started by [`reauthenticate`](Self::reauthenticate)
    /// waits for the broker's AUTH 0x00.
    pub fn is_reauthenticating(&self) -> bool {
        self.auth.reauthenticating
    }

    /// Queues AUTH with `reason`, the connection's method and `data`.
    fn send_auth(&mut self, reason: u8, data: Option<&[u8]>, now: u32) -> Result<(), Error> {
        let method = self.auth.method.ok_or(Error::WrongState)?;
        let fields = PropertyFields { authentication_method: Some(method), authentication_data: data, ..PropertyFields::default() };
        let packet = codec5::Reasoned { reason, properties: Properties::new(&fields) };
        self.outbox.push(|buf| enc5::reasoned(codec5::packet::AUTH, &packet, buf)).map_err(|e| match e {
            crate::codec::EncodeError::BufferTooSmall if !self.outbox.is_empty() => Error::OutboxFull,
            e => Error::Encode(e),
        })?;
        self.last_tx = now;
        Ok(())
    }
}

impl<'b> Auth<'b> {
    /// No enhanced authentication (a plain v5 or a 3.1.1 connection).
    pub(super) fn off() -> Self {
        Auth::default()
    }

    /// The state of a new connection with enhanced authentication by `method` (`None`: off).
    pub(super) fn of(method: Option<&'b str>) -> Self {
        Auth { method, ..Auth::default() }
    }

    /// Ends the connection when the application refused a challenge.
    pub(super) fn check_refused(&self) -> Result<(), Error> {
        if self.refused {
            return Err(Error::AuthRefused);
        }
        Ok(())
    }

    /// Checks the method a broker's AUTH or CONNACK carries against the one sent.
    fn check_method(&self, properties: &Properties<'_>) -> Result<(), Error> {
        match (self.method, properties.string(id::AUTHENTICATION_METHOD)) {
            (Some(sent), Some(got)) if sent == got => Ok(()),
            _ => Err(Error::AuthProtocol),
        }
    }

    /// A successful CONNACK: with enhanced authentication it names the same method (or
    /// none); without, it names none.
    pub(super) fn connack(&mut self, properties: &Properties<'_>) -> Result<(), Error> {
        self.challenged = false;
        match (self.method, properties.string(id::AUTHENTICATION_METHOD)) {
            (_, None) => Ok(()),
            (Some(_), Some(_)) => self.check_method(properties),
            (None, Some(_)) => Err(Error::AuthProtocol),
        }
    }

    /// A broker's AUTH: a challenge during CONNECT or re-authentication (0x18), or the end
    /// of a re-authentication (0x00). Anything else is a protocol error.
    pub(super) fn received<'a>(&mut self, state: State, auth: &codec5::Reasoned<'a>) -> Result<Progress<'a>, Error> {
        self.check_method(&auth.properties)?;
        let in_exchange = state == State::Connecting || (state == State::Connected && self.reauthenticating);
        match auth.reason {
            CONTINUE if in_exchange && !self.challenged => self.challenged = true,
            SUCCESS if state == State::Connected && self.reauthenticating && !self.challenged => self.reauthenticating = false,
            _ => return Err(Error::AuthProtocol),
        }
        Ok(Progress::Event(Event::Auth { reason: auth.reason, properties: auth.properties }))
    }
}
