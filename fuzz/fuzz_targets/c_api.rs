//! cargo fuzz run c_api: random sequences of C API calls with random arguments over an
//! in-memory network serving an arbitrary broker byte stream (harness/c_api.rs).
#![no_main]

#[path = "../harness/c_api.rs"]
mod c_api;
#[path = "../harness/checker.rs"]
mod checker;

libfuzzer_sys::fuzz_target!(|data: &[u8]| c_api::run(data));
