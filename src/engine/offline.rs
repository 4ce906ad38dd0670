//! Publishing while there is no connection. A QoS 1/2 message takes an in-flight slot
//! marked unsent, exactly as a flow interrupted by a lost connection does, so the next
//! connection sends it after the resends, in the order published: the offline queue for
//! QoS 1/2 is the window itself, with no second store. QoS 0 messages are kept by the
//! caller's queue (`ffi::offline`) and handed to [`Engine::publish`] once connected.

use super::{Engine, Error, State};
use crate::codec::{encode, QoS};

impl<'b> Engine<'b> {
    /// Keeps a QoS 1/2 PUBLISH for the next connection; returns its packet id.
    /// [`Error::WindowFull`] when every slot the window may use is taken (backpressure),
    /// [`Error::WrongState`] while connected (publish normally) or for QoS 0.
    pub fn publish_offline(
        &mut self,
        topic: &'b str,
        payload: &'b [u8],
        qos: QoS,
        retain: bool,
        #[cfg(feature = "mqtt5")] properties: Option<&'b dyn crate::codec::v5::PropertySource>,
    ) -> Result<u16, Error> {
        self.check_publish_args(topic, payload, qos)?;
        if self.state == State::Connected || qos == QoS::AtMostOnce {
            return Err(Error::WrongState);
        }
        #[cfg(feature = "mqtt5")]
        if properties.is_some() {
            super::v5::with_properties();
        }
        self.claim_publish(
            topic,
            payload,
            qos,
            retain,
            #[cfg(feature = "mqtt5")]
            properties,
        )
    }

    /// True when a QoS 0 PUBLISH of `topic` and `payload` is copied whole into the
    /// transmit buffer (never written from the caller's memory after the call).
    pub fn fits_whole(&self, topic: &str, payload: &[u8]) -> bool {
        let head = encode::publish_head_len(topic, QoS::AtMostOnce, payload.len());
        head.saturating_add(payload.len()) <= self.outbox.capacity()
    }
}
