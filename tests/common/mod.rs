//! Shared support for the integration tests (`mod common;` in tests/*.rs).
//!
//! Each test binary compiles this module on its own and uses only part of it.
#![allow(dead_code)]

pub mod broker;
pub mod keyed_nonce;
pub mod net;
pub mod proxy;
pub mod records;
pub mod scripted;

pub use broker::*;
