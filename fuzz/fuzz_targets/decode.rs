//! cargo fuzz run decode: the packet decoder on arbitrary bytes (harness/decode.rs).
#![no_main]

#[path = "../harness/decode.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::run(data));
