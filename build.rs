//! Generates `include/mqtt_rs.h` from the `extern "C"` surface with cbindgen.
//! The header is committed; a test fails when it drifts from what this generates.

use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("mqtt_rs.h");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen can parse the ffi module")
        .write_to_file(&out);
    // The generated header is written next to the build outputs; `tests/header.rs`
    // compares it with the committed include/mqtt_rs.h, and
    // `MQTT_RS_UPDATE_HEADER=1 cargo build` refreshes the committed copy.
    println!("cargo:rustc-env=MQTT_RS_GENERATED_HEADER={}", out.display());
    println!("cargo:rerun-if-env-changed=MQTT_RS_UPDATE_HEADER");
    if std::env::var_os("MQTT_RS_UPDATE_HEADER").is_some() {
        std::fs::copy(&out, crate_dir.join("include/mqtt_rs.h")).expect("include/ is writable");
    }
}
