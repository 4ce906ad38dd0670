//! MQTT 5.0 requests on a client (feature `mqtt5`): the session calls and their blocking
//! forms, beside the 3.1.1 ones in `client` and `blocking`.

use super::blocking::{disconnect_with, queued, submit_and_run, Goal};
use super::client::{Error, Owner, Session};
use super::drive::Driver;
use super::network::Network;
use crate::codec::v5::{Connect, Properties, PropertySource, SubscriptionOptions};
use crate::codec::QoS;
use crate::engine;

impl<'b, N: Network> Session<'b, N> {
    /// Starts an MQTT 5.0 connection: as [`begin_connect`](Self::begin_connect) with a
    /// v5 CONNECT; with a `method`, with enhanced authentication (see
    /// [`engine::Engine::connect_v5_auth`]). One call for both: the C API links one.
    pub fn begin_connect_v5(
        &mut self,
        host: N::Host,
        port: u16,
        connect: &Connect<'_>,
        method: Option<&'b str>,
        max_inflight: u16,
    ) -> Result<(), Error> {
        self.begin_with(host, port, |engine, wire| {
            let now = wire.now();
            match method {
                Some(method) => engine.connect_v5_auth(connect, method, max_inflight, now),
                None => engine.connect_v5(connect, max_inflight, now),
            }
        })
    }

    /// [`begin_connect_v5`](Self::begin_connect_v5), or without `properties`
    /// [`begin_connect`](Self::begin_connect), in the form of
    /// [`engine::Engine::connect_parts`]: the C connect's.
    pub(crate) fn begin_connect_parts(
        &mut self,
        host: N::Host,
        port: u16,
        connect: &crate::codec::encode::ConnectFields<'_, '_>,
        properties: Option<crate::codec::v5::encode::ConnectProperties<'_, '_>>,
        method: Option<&'b str>,
        max_inflight: u16,
    ) -> Result<(), Error> {
        self.begin_with(host, port, |engine, wire| engine.connect_parts(connect, properties, method, max_inflight, || wire.now()))
    }

    /// Answers the broker's AUTH challenge; see [`engine::Engine::answer_auth`].
    pub fn answer_auth(&mut self, data: Option<&[u8]>) -> Result<(), Error> {
        let now = self.wire.now();
        Ok(self.engine.answer_auth(data, now)?)
    }

    /// Refuses the broker's AUTH challenge; see [`engine::Engine::refuse_auth`].
    pub fn refuse_auth(&mut self) -> Result<(), Error> {
        Ok(self.engine.refuse_auth()?)
    }

    /// Starts re-authentication; see [`engine::Engine::reauthenticate`].
    pub fn reauthenticate(&mut self, data: Option<&[u8]>) -> Result<(), Error> {
        let now = self.wire.now();
        Ok(self.engine.reauthenticate(data, now)?)
    }

    /// Queues an MQTT 5.0 PUBLISH with properties; see [`engine::Engine::publish_v5`].
    pub fn publish_v5(
        &mut self,
        topic: &'b str,
        payload: &'b [u8],
        qos: QoS,
        retain: bool,
        properties: &'b dyn PropertySource,
    ) -> Result<u16, Error> {
        let now = self.wire.now();
        Ok(self.engine.publish_v5(topic, payload, qos, retain, properties, now)?)
    }
}

impl<'b, N: Network, O: Owner<'b, N>> Driver<'_, 'b, N, O> {
    /// Gives the client topic alias tables; see [`engine::Engine::use_topic_aliases`].
    pub fn use_topic_aliases(&mut self, outgoing: &'b mut [u8], incoming: &'b mut [u8], slot_size: usize) -> Result<(), engine::Error> {
        self.owner.session().engine.use_topic_aliases(self.inbox, outgoing, incoming, slot_size)
    }
}

/// [`publish`](super::blocking::publish) with MQTT 5.0 properties.
pub fn publish<'b, N: Network, O: Owner<'b, N>>(
    d: &mut Driver<'_, 'b, N, O>,
    topic: &'b str,
    payload: &'b [u8],
    qos: QoS,
    retain: bool,
    properties: &'b dyn PropertySource,
    timeout_ms: u32,
) -> Result<(), Error> {
    let goal = if qos == QoS::AtMostOnce { Goal::Flushed } else { Goal::PublishDone(0) };
    submit_and_run(d, timeout_ms, &mut |d, now| queued(d.owner.session().engine.publish_v5(topic, payload, qos, retain, properties, now)), goal)
}

/// [`subscribe`](super::blocking::subscribe) with MQTT 5.0 options; the reason codes go
/// into `granted`.
pub fn subscribe<'b, 'f, N, O, I, F>(
    d: &mut Driver<'_, 'b, N, O>,
    filters: I,
    subscription_id: Option<u32>,
    granted: &mut [u8],
    timeout_ms: u32,
) -> Result<(), Error>
where
    N: Network,
    O: Owner<'b, N>,
    I: Iterator<Item = (F, SubscriptionOptions)> + Clone,
    F: crate::codec::topic::FilterText<'f>,
{
    submit_and_run(
        d,
        timeout_ms,
        &mut |d, now| queued(d.owner.session().engine.subscribe_v5(filters.clone(), subscription_id, now)),
        Goal::Subscribed(0, core::cell::Cell::from_mut(granted).as_slice_of_cells()),
    )
}

/// Re-authenticates with `data` and waits for the broker's AUTH 0x00 (its challenges
/// answered by the owner on the way); a refusal ends the connection with its error.
pub fn reauthenticate<'b, N: Network, O: Owner<'b, N>>(d: &mut Driver<'_, 'b, N, O>, data: Option<&[u8]>, timeout_ms: u32) -> Result<(), Error> {
    submit_and_run(d, timeout_ms, &mut |d, now| queued(d.owner.session().engine.reauthenticate(data, now).map(|()| 0)), Goal::Reauthenticated)
}

/// [`disconnect`](super::blocking::disconnect) with an MQTT 5.0 reason code and
/// properties; see [`engine::Engine::disconnect_v5`].
pub fn disconnect<'b, N: Network, O: Owner<'b, N>>(
    d: &mut Driver<'_, 'b, N, O>,
    reason: u8,
    properties: &Properties<'_>,
    timeout_ms: u32,
) -> Result<(), Error> {
    disconnect_with(d, timeout_ms, |d| d.begin_disconnect_with(|engine| engine.disconnect_v5(reason, properties)))
}
