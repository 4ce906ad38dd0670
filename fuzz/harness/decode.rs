//! The decoder fuzz harness: any bytes, every packet type.
//!
//! Checked: no panic; a packet that decodes encodes back to exactly the bytes it was
//! decoded from (the decoder accepts only canonical encodings); the pieces the receive
//! path uses (fixed header, PUBLISH head of a prefix) agree with the whole-packet decoder.

use mqtt_rs::codec::decode::{self, FixedHeader};
use mqtt_rs::codec::packet::kind;
use mqtt_rs::codec::{encode, DecodeError, Packet};

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
        assert!(used <= data.len());
        let mut buf = vec![0u8; used + 8];
        let n = encode::packet(&packet, &mut buf).unwrap_or_else(|e| panic!("decoded {packet:?} but cannot encode it: {e:?}"));
        assert_eq!(&buf[..n], &data[..used], "{packet:?} does not encode to the bytes it came from");
        // Too small a buffer is refused, never overrun.
        if n > 0 {
            let mut short = vec![0u8; n - 1];
            assert!(encode::packet(&packet, &mut short).is_err());
        }
        if let Packet::Publish(p) = packet {
            let Ok(Some(h)) = header else { unreachable!() };
            publish_prefixes(&h, data, &p);
        }
    }
    // Every prefix of the input either needs more bytes or fails the same way.
    for cut in 0..data.len().min(16) {
        if let Ok(Some((_, used))) = decode::packet(&data[..cut]) {
            assert!(used <= cut);
        }
    }
}

/// The chunked receive path reads a PUBLISH's head from a prefix of its body.
fn publish_prefixes(h: &FixedHeader, data: &[u8], p: &mqtt_rs::codec::Publish<'_>) {
    assert_eq!(h.kind(), kind::PUBLISH);
    let body = &data[h.len..h.packet_len()];
    for cut in 0..=body.len() {
        match decode::publish_head_prefix(h.first, &body[..cut]) {
            Ok(None) => {}
            Ok(Some(head)) => {
                assert_eq!(head.publish.topic, p.topic);
                assert_eq!(head.publish.packet_id, p.packet_id);
                assert_eq!(head.len, body.len() - p.payload.len());
                break;
            }
            Err(e) => panic!("a prefix of a valid PUBLISH fails with {e:?}"),
        }
    }
}
