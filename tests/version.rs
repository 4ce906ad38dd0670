//! The version is Cargo.toml's everywhere a C program can see it: the header's
//! `MQTT_RS_VERSION*` macros and `mqtt_rs_version()` in the library.

use mqtt_rs::ffi::version::mqtt_rs_version;

/// The value of `#define NAME value` in the committed header.
fn header_define(name: &str) -> String {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/mqtt_rs.h")).expect("include/mqtt_rs.h exists");
    let prefix = format!("#define {name} ");
    let line = header.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("the header defines {name}"));
    line[prefix.len()..].trim().to_string()
}

#[test]
fn header_macros_carry_the_package_version() {
    assert_eq!(header_define("MQTT_RS_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MAJOR"));
    assert_eq!(header_define("MQTT_RS_VERSION_MINOR"), env!("CARGO_PKG_VERSION_MINOR"));
    assert_eq!(header_define("MQTT_RS_VERSION_PATCH"), env!("CARGO_PKG_VERSION_PATCH"));
    assert_eq!(header_define("MQTT_RS_VERSION_STRING"), format!("\"{}\"", env!("CARGO_PKG_VERSION")));
}

#[test]
fn version_function_packs_major_minor_patch() {
    let part = |s: &str| s.parse::<u32>().expect("numeric version component");
    let expected = part(env!("CARGO_PKG_VERSION_MAJOR")) << 16 | part(env!("CARGO_PKG_VERSION_MINOR")) << 8 | part(env!("CARGO_PKG_VERSION_PATCH"));
    assert_eq!(mqtt_rs_version(), expected);
    assert_eq!(format!("{}.{}.{}", mqtt_rs_version() >> 16, (mqtt_rs_version() >> 8) & 0xff, mqtt_rs_version() & 0xff), env!("CARGO_PKG_VERSION"));
}
