//! Persistence records as a store hands them back to `mqtt_rs_reconnect_restore()`.

use mqtt_rs::ffi::persist::mqtt_rs_persist_record;

/// The record of a held incoming QoS 2 id: only the packet id (and QoS 2) is set.
pub fn incoming(packet_id: u16) -> mqtt_rs_persist_record {
    mqtt_rs_persist_record {
        packet_id,
        qos: 2,
        released: false,
        retain: false,
        incoming: true,
        order: 0,
        topic: std::ptr::null(),
        topic_len: 0,
        payload: std::ptr::null(),
        payload_len: 0,
        properties: std::ptr::null(),
        properties_len: 0,
    }
}
