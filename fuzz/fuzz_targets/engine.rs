//! cargo fuzz run engine: the session engine fed an arbitrary broker byte stream after
//! CONNECT (harness/engine.rs).
#![no_main]

#[path = "../harness/checker.rs"]
mod checker;
#[path = "../harness/engine.rs"]
mod engine;
#[path = "../harness/rng.rs"]
mod rng;

libfuzzer_sys::fuzz_target!(|data: &[u8]| engine::run(data));
