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
