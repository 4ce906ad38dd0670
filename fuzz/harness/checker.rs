//! Checks the bytes a client sends: every packet must decode with the strict decoder
//! and be one a client may send.

use mqtt_rs::codec::decode;
use mqtt_rs::codec::Packet;

/// Collects written bytes and checks each packet as soon as it is complete.
#[derive(Default)]
pub struct OutputChecker {
    pending: Vec<u8>,
    /// Packets seen on this connection.
    pub packets: usize,
    /// PUBLISH packets seen on this connection, as (packet id, QoS, dup).
    pub publishes: Vec<(u16, u8, bool)>,
    /// The connection speaks MQTT 5.0: packets are checked with the v5 decoder.
    #[cfg(feature = "mqtt5")]
    pub v5: bool,
}

impl OutputChecker {
    /// A new connection: the bytes of a packet cut off by the old one are dropped.
    pub fn reset(&mut self) {
        self.pending.clear();
        self.packets = 0;
        self.publishes.clear();
    }

    /// Takes `bytes` written to the network; panics on a malformed or illegal packet.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        loop {
            #[cfg(feature = "mqtt5")]
            if self.v5 {
                match self.next_v5() {
                    Some(used) => {
                        self.packets += 1;
                        self.pending.drain(..used);
                        continue;
                    }
                    None => return,
                }
            }
            let used = match decode::packet(&self.pending) {
                Ok(None) => return,
                Ok(Some((packet, used))) => {
                    check_client_packet(&packet, self.packets == 0);
                    if let Packet::Publish(p) = packet {
                        self.publishes.push((p.packet_id, p.qos as u8, p.dup));
                    }
                    used
                }
                Err(e) => panic!("the client wrote a malformed packet ({e:?}): {:02x?}", &self.pending[..self.pending.len().min(64)]),
            };
            self.packets += 1;
            self.pending.drain(..used);
        }
    }
}

#[cfg(feature = "mqtt5")]
impl OutputChecker {
    /// Checks the next whole MQTT 5.0 packet and returns its length; `None` for more bytes.
    fn next_v5(&mut self) -> Option<usize> {
        use mqtt_rs::codec::v5::{decode, Packet as P};
        let (packet, used) = match decode::packet(&self.pending) {
            Ok(p) => p?,
            Err(e) => panic!("the client wrote a malformed v5 packet ({e:?}): {:02x?}", &self.pending[..self.pending.len().min(64)]),
        };
        assert_eq!(matches!(packet, P::Connect(_)), self.packets == 0, "CONNECT must be the first packet, and only the first: {packet:?}");
        let legal = !matches!(packet, P::Connack(_) | P::Suback(_) | P::Unsuback(_) | P::Pingresp | P::Auth(_));
        assert!(legal, "a client must not send {packet:?}");
        if let P::Publish(p) = packet {
            self.publishes.push((p.packet_id, p.qos as u8, p.dup));
        }
        Some(used)
    }
}

fn check_client_packet(packet: &Packet<'_>, first: bool) {
    let is_connect = matches!(packet, Packet::Connect(_));
    assert_eq!(is_connect, first, "CONNECT must be the first packet, and only the first: {packet:?}");
    let legal = matches!(
        packet,
        Packet::Connect(_)
            | Packet::Publish(_)
            | Packet::Puback(_)
            | Packet::Pubrec(_)
            | Packet::Pubrel(_)
            | Packet::Pubcomp(_)
            | Packet::Subscribe(_)
            | Packet::Unsubscribe(_)
            | Packet::Pingreq
            | Packet::Disconnect
    );
    assert!(legal, "a client must not send {packet:?}");
}
