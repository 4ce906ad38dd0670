//! C entry points that reach every public function of the MQTT 5.0 codec with data from
//! C, for the link-time panic proof in tests/mqtt5_no_panic.rs.
#![no_std]

use core::slice;
use mqtt_rs::codec::v5::{decode, encode, packet::AUTH, Ack, Connack, Connect, Packet, Properties, PropertyFields, Publish, Reasoned, SubAck};
use mqtt_rs::codec::v5::{Property, PropertySource, ServerLimits, SubscriptionOptions, Value, Will};
use mqtt_rs::codec::QoS;

/// Properties read from C bytes in place: byte `i` is the identifier and the value.
struct ByteSource<'a>(&'a [u8]);

impl PropertySource for ByteSource<'_> {
    fn property(&self, index: usize) -> Option<Property<'_>> {
        let b = *self.0.get(index)?;
        Some(Property { id: b, value: if b & 1 == 0 { Value::Byte(b) } else { Value::Binary(self.0) } })
    }
}

/// Folds every property into a number, so nothing is optimised away.
fn fold(p: &Properties<'_>) -> u32 {
    let mut sum = p.integer(u32::from(p.is_empty()) as u8).unwrap_or(0);
    for prop in p.iter() {
        let v = match prop.value {
            Value::Byte(v) => u32::from(v),
            Value::TwoByte(v) => u32::from(v),
            Value::FourByte(v) | Value::VarInt(v) => v,
            Value::Utf8(s) => s.len() as u32,
            Value::Binary(b) => b.len() as u32,
            Value::Pair(k, v) => (k.len() ^ v.len()) as u32,
        };
        sum = sum.wrapping_add(v).wrapping_add(u32::from(prop.id));
    }
    for (k, v) in p.user_properties() {
        sum = sum.wrapping_add((k.len() + v.len()) as u32);
    }
    for id in p.subscription_identifiers() {
        sum = sum.wrapping_add(id);
    }
    sum.wrapping_add(p.byte(0x24).map_or(0, u32::from))
        .wrapping_add(p.string(0x1f).map_or(0, |s| s.len() as u32))
        .wrapping_add(p.binary(0x09).map_or(0, |b| b.len() as u32))
}

/// Decodes `len` bytes at `buf` as MQTT 5.0, every way the codec offers.
///
/// # Safety
/// `buf` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn v5_decode(buf: *const u8, len: usize) -> u32 {
    let data = slice::from_raw_parts(buf, len);
    let mut sum = 0u32;
    if let Ok(Some(h)) = decode::fixed_header(data) {
        if let Some(body) = data.get(h.len..) {
            if let Ok(Some(Packet::Publish(p))) = decode::from_broker(&h, body) {
                sum = sum.wrapping_add(fold(&p.properties));
            }
            if let Ok(Some(head)) = decode::publish_head_prefix(h.first, body) {
                sum = sum.wrapping_add(head.len as u32).wrapping_add(fold(&head.publish.properties));
            }
        }
    }
    let Ok(Some((packet, used))) = decode::packet(data) else { return sum };
    sum = sum.wrapping_add(used as u32);
    sum.wrapping_add(match packet {
        Packet::Connect(c) => fold(&c.properties).wrapping_add(c.will.map_or(0, |w| fold(&w.properties))),
        Packet::Connack(c) => {
            let limits = ServerLimits::of(&c);
            let checks = u32::from(limits.keepalive(used as u16)) + u32::from(limits.allows_packet_len(used));
            fold(&c.properties).wrapping_add(u32::from(limits.receive_maximum)).wrapping_add(checks)
        }
        Packet::Publish(p) => fold(&p.properties),
        Packet::Puback(a) | Packet::Pubrec(a) | Packet::Pubrel(a) | Packet::Pubcomp(a) => fold(&a.properties),
        Packet::Subscribe(s) => s.filters().map(|(f, o)| f.len() as u32 + u32::from(o.to_byte())).fold(fold(&s.properties), u32::wrapping_add),
        Packet::Suback(s) | Packet::Unsuback(s) => fold(&s.properties).wrapping_add(s.reason_codes.len() as u32),
        Packet::Unsubscribe(u) => u.filters().map(|f| f.len() as u32).fold(fold(&u.properties), u32::wrapping_add),
        Packet::Pingreq | Packet::Pingresp => 1,
        Packet::Disconnect(r) | Packet::Auth(r) => fold(&r.properties),
    })
}

/// Encodes packet type `kind` into `out`, with a text (`text`) and bytes (`data`) from C
/// used for every string, binary and number field. Returns the length or -1.
///
/// # Safety
/// `out` points to `cap` writable bytes; `text` and `data` to `text_len` and `data_len`
/// readable bytes, none overlapping.
#[no_mangle]
pub unsafe extern "C" fn v5_encode(kind: u8, out: *mut u8, cap: usize, text: *const u8, text_len: usize, data: *const u8, data_len: usize) -> i32 {
    let buf = slice::from_raw_parts_mut(out, cap);
    let data = slice::from_raw_parts(data, data_len);
    let Ok(text) = core::str::from_utf8(slice::from_raw_parts(text, text_len)) else { return -1 };
    let n = data.first().copied().unwrap_or(0);
    let num = u32::from_be_bytes([n, n, n, n]);
    let pairs = [(text, text), ("", text)];
    let ids = [num, 1];
    let fields = PropertyFields {
        payload_format_indicator: Some(n & 1),
        message_expiry_interval: Some(num),
        content_type: Some(text),
        response_topic: Some(text),
        correlation_data: Some(data),
        subscription_identifiers: &ids[..usize::from(n & 1) + 1],
        session_expiry_interval: Some(num),
        assigned_client_identifier: Some(text),
        server_keep_alive: Some(u16::from(n)),
        authentication_method: Some(text),
        authentication_data: Some(data),
        request_problem_information: Some(n),
        will_delay_interval: Some(num),
        request_response_information: Some(n),
        response_information: Some(text),
        server_reference: Some(text),
        reason_string: Some(text),
        receive_maximum: Some(u16::from(n)),
        topic_alias_maximum: Some(u16::from(n)),
        topic_alias: Some(u16::from(n)),
        maximum_qos: Some(n),
        retain_available: Some(n),
        user_properties: &pairs,
        maximum_packet_size: Some(num),
        wildcard_subscription_available: Some(n),
        subscription_identifier_available: Some(n),
        shared_subscription_available: Some(n),
    };
    let source = ByteSource(data);
    let props = match n & 0x12 {
        0x02 => Properties::new(&fields),
        0x10 | 0x12 => Properties::from_source(&source),
        _ => Properties::NONE,
    };
    let qos = match n & 3 {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    };
    let id = u16::from(n);
    let options = match SubscriptionOptions::from_byte(n) {
        Ok(o) => o,
        Err(_) => SubscriptionOptions::qos(qos),
    };
    let publish = Publish { topic: text, payload: data, qos, retain: n & 4 != 0, dup: n & 8 != 0, packet_id: id, properties: props };
    let result = match kind {
        1 => {
            let will = Will { topic: text, payload: data, qos, retain: n & 4 != 0, properties: props };
            let c = Connect {
                client_id: text,
                clean_start: n & 1 != 0,
                keepalive: id,
                username: Some(text),
                password: Some(data),
                will: Some(will),
                properties: props,
            };
            encode::connect(&c, buf)
        }
        2 => encode::packet(&Packet::Connack(Connack { session_present: n & 1 != 0, reason: n, properties: props }), buf),
        3 => encode::publish(&publish, buf),
        4..=7 => encode::ack(kind, &Ack { packet_id: id, reason: n, properties: props }, buf),
        8 => encode::subscribe(id, &props, [(text.as_bytes(), options), (data, options)].into_iter(), buf),
        9 | 11 => encode::suback(kind, &SubAck { packet_id: id, properties: props, reason_codes: data }, buf),
        10 => encode::unsubscribe(id, &props, [text.as_bytes(), data].into_iter(), buf),
        14 | AUTH => encode::reasoned(kind, &Reasoned { reason: n, properties: props }, buf),
        16 => encode::publish_head_len(&publish, data_len),
        17 => encode::publish_head(&publish, buf),
        _ => encode::packet(&Packet::Pingreq, buf),
    };
    result.map_or(-1, |len| i32::try_from(len).unwrap_or(-1))
}
