//! Generates `include/mqtt_rs.h` from the `extern "C"` surface with cbindgen.
//! The header is committed; a test fails when it drifts from what this generates.

use std::path::PathBuf;

fn main() {
    select_crypto_provider();
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml is valid");
    // The version macros come after cbindgen.toml's own `after_includes` (the pointer-width block).
    config.after_includes = Some(format!("{}\n{}", config.after_includes.take().unwrap_or_default(), version_macros()));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("mqtt_rs.h");
    let mut header = Vec::new();
    cbindgen::Builder::new().with_crate(&crate_dir).with_config(config).generate().expect("cbindgen can parse the ffi module").write(&mut header);
    // cbindgen ends a field under `#if` with its `;` after the `#endif`: without the
    // macro, that leaves a stray `;` in the struct, which ISO C forbids. Moved inside.
    let header = String::from_utf8(header).expect("cbindgen writes UTF-8").replace("\n#endif\n  ;\n", ";\n#endif\n");
    std::fs::write(&out, header).expect("OUT_DIR is writable");
    // The generated header is written next to the build outputs; `tests/header.rs`
    // compares it with the committed include/mqtt_rs.h, and
    // `MQTT_RS_UPDATE_HEADER=1 cargo build` refreshes the committed copy.
    println!("cargo:rustc-env=MQTT_RS_GENERATED_HEADER={}", out.display());
    println!("cargo:rerun-if-env-changed=MQTT_RS_UPDATE_HEADER");
    if std::env::var_os("MQTT_RS_UPDATE_HEADER").is_some() {
        std::fs::copy(&out, crate_dir.join("include/mqtt_rs.h")).expect("include/ is writable");
    }
}

/// The version macros of the header, from Cargo.toml's package version (the one
/// source of the version: CMake checks its `project(VERSION)` against it too).
fn version_macros() -> String {
    let part = |name: &str| std::env::var(name).expect("cargo sets the CARGO_PKG_VERSION_* variables");
    let (major, minor, patch) = (part("CARGO_PKG_VERSION_MAJOR"), part("CARGO_PKG_VERSION_MINOR"), part("CARGO_PKG_VERSION_PATCH"));
    format!(
        "\n/** Major version of this header (Cargo.toml's package version). */\n#define MQTT_RS_VERSION_MAJOR {major}\n\
         /** Minor version of this header. */\n#define MQTT_RS_VERSION_MINOR {minor}\n\
         /** Patch version of this header. */\n#define MQTT_RS_VERSION_PATCH {patch}\n\
         /** The version as text, e.g. for a log line. */\n#define MQTT_RS_VERSION_STRING \"{major}.{minor}.{patch}\"\n\
         /** The version packed as `(major << 16) | (minor << 8) | patch`; compare with mqtt_rs_version(). */\n\
         #define MQTT_RS_VERSION ((MQTT_RS_VERSION_MAJOR << 16) | (MQTT_RS_VERSION_MINOR << 8) | MQTT_RS_VERSION_PATCH)"
    )
}

/// Sets `cfg(mqtt_rs_crypto = "ring" | "rustcrypto")` for the TLS build: the provider a
/// `crypto-*` feature names, else ring on hosted targets and the pure-Rust provider on
/// bare metal (ring does not build for Cortex-M).
fn select_crypto_provider() {
    println!("cargo:rustc-check-cfg=cfg(mqtt_rs_crypto, values(\"ring\", \"rustcrypto\", \"psa\"))");
    let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{name}")).is_some();
    if !feature("TLS") {
        return;
    }
    let bare_metal = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "none");
    let chosen: Vec<&str> = [("CRYPTO_RING", "ring"), ("CRYPTO_RUSTCRYPTO", "rustcrypto"), ("CRYPTO_PSA", "psa")]
        .into_iter()
        .filter(|(flag, _)| feature(flag))
        .map(|(_, name)| name)
        .collect();
    let provider = match chosen.as_slice() {
        [] if bare_metal => "rustcrypto",
        [] => "ring",
        ["ring"] if bare_metal => {
            panic!("feature crypto-ring: ring does not build for bare-metal targets; use crypto-rustcrypto (the default there)")
        }
        [one] => one,
        _ => panic!("features crypto-ring, crypto-rustcrypto and crypto-psa exclude each other: pick one"),
    };
    println!("cargo:rustc-cfg=mqtt_rs_crypto=\"{provider}\"");
    // Hosted PSA builds (the tests) use the system's Mbed TLS; firmware links its own PSA
    // implementation, named by the application's build.
    if provider == "psa" && !bare_metal {
        println!("cargo:rustc-link-lib=mbedcrypto");
    }
}
