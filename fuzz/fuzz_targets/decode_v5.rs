//! cargo fuzz run decode_v5: the MQTT 5.0 packet decoder on arbitrary bytes (harness/decode_v5.rs).
#![no_main]

#[path = "../harness/decode_v5.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
