//! The library's version at run time, to compare with the header's `MQTT_RS_VERSION`.

/// Parses one decimal component of the package version at compile time.
const fn component(digits: &str) -> u32 {
    let bytes = digits.as_bytes();
    let mut value = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    value
}

/// Cargo.toml's version packed as `(major << 16) | (minor << 8) | patch`.
const VERSION: u32 = (component(env!("CARGO_PKG_VERSION_MAJOR")) << 16)
    | (component(env!("CARGO_PKG_VERSION_MINOR")) << 8)
    | component(env!("CARGO_PKG_VERSION_PATCH"));

/// The version of the linked library, packed as `(major << 16) | (minor << 8) | patch`,
/// the same packing as the header's `MQTT_RS_VERSION`. A program built against one
/// header and linked with another archive can detect it at start-up:
///
/// ```c
/// if (mqtt_rs_version() != MQTT_RS_VERSION) { return 1; } // header and archive differ
/// ```
///
/// @return The library version as `(major << 16) | (minor << 8) | patch`.
#[no_mangle]
pub extern "C" fn mqtt_rs_version() -> u32 {
    VERSION
}
