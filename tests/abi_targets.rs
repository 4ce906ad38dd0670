//! The header's caller storage and enum widths, pinned per target: `tests/c/abi_check.c`
//! is compiled by each target's C compiler (host, Cortex-M4F, Cortex-M33, Cortex-M0+,
//! RV32IMAC, 16-bit AVR), with and without `-fshort-enums`. The Rust side checks the same
//! sizes at compile time for every target it is built for (`src/ffi/client.rs`); for the
//! 16-bit targets, which have no prebuilt `core`, the last test type-checks the library
//! with nightly's `-Zbuild-std=core`.

use std::path::Path;
use std::process::{Command, Output};

/// A target's C compiler and flags, and the sizes its header must give.
struct Target {
    name: &'static str,
    cc: &'static str,
    flags: &'static [&'static str],
    client: usize,
    slot: usize,
    align: usize,
}

const TARGETS: &[Target] = &[
    Target { name: "x86_64 host", cc: "cc", flags: &[], client: 256, slot: 48, align: 8 },
    Target {
        name: "thumbv7em-none-eabihf (Cortex-M4F)",
        cc: "arm-none-eabi-gcc",
        flags: &["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
        client: 176,
        slot: 32,
        align: 8,
    },
    Target {
        name: "thumbv8m.main-none-eabihf (Cortex-M33)",
        cc: "arm-none-eabi-gcc",
        flags: &["-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"],
        client: 176,
        slot: 32,
        align: 8,
    },
    Target {
        name: "thumbv6m-none-eabi (Cortex-M0+)",
        cc: "arm-none-eabi-gcc",
        flags: &["-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"],
        client: 176,
        slot: 32,
        align: 8,
    },
    Target {
        name: "riscv32imac-unknown-none-elf",
        cc: "riscv64-unknown-elf-gcc",
        flags: &["-march=rv32imac", "-mabi=ilp32", "-ffreestanding"],
        client: 176,
        slot: 32,
        align: 8,
    },
    Target { name: "avr-none (ATmega2560, 16-bit)", cc: "avr-gcc", flags: &["-mmcu=atmega2560", "-ffreestanding"], client: 128, slot: 24, align: 1 },
];

fn compile(t: &Target, extra: &[&str], client: usize) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new(t.cc)
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only"])
        .args(t.flags)
        .args(extra)
        .arg(format!("-DEXPECT_CLIENT_SIZE={client}"))
        .arg(format!("-DEXPECT_SLOT_SIZE={}", t.slot))
        .arg(format!("-DEXPECT_STORAGE_ALIGN={}", t.align))
        .arg("-I")
        .arg(root.join("include"))
        .arg(root.join("tests/c/abi_check.c"))
        .output()
        .unwrap_or_else(|e| panic!("{} for {} is installed (tests/lib.sh lists it): {e}", t.cc, t.name))
}

#[test]
fn header_storage_and_enum_widths_match_each_target() {
    for t in TARGETS {
        for extra in [&[][..], &["-fshort-enums"][..]] {
            let out = compile(t, extra, t.client);
            assert!(out.status.success(), "{} {:?}: {}", t.name, extra, String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[test]
fn a_wrong_size_fails_the_compile() {
    for t in TARGETS {
        let out = compile(t, &[], t.client + 8);
        assert!(!out.status.success(), "{}: the size check cannot fail", t.name);
        assert!(String::from_utf8_lossy(&out.stderr).contains("client_size_pinned"), "{}", t.name);
    }
}

/// The 16-bit Rust targets: AVR (the C side is the AVR row above; AVR aligns everything
/// to 1 byte; `avr-none` needs a CPU, given in CARGO_TARGET_AVR_NONE_RUSTFLAGS) and MSP430
/// (2-byte alignment). Checked in one cargo run, in parallel.
const RUST_16_BIT: &[&str] = &["avr-none", "msp430-none-elf"];

/// The nightly toolchain with rust-src (for `-Zbuild-std`), installed through rustup when missing.
fn nightly_with_rust_src() {
    let sysroot = |_: ()| Command::new("rustup").args(["run", "nightly", "rustc", "--print", "sysroot"]).output().ok().filter(|o| o.status.success());
    if sysroot(()).is_none() {
        let status = Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal", "--component", "rust-src"]).status();
        assert!(status.is_ok_and(|s| s.success()), "rustup toolchain install nightly --component rust-src");
    }
    let out = sysroot(()).expect("the nightly toolchain runs");
    let core = Path::new(String::from_utf8_lossy(&out.stdout).trim()).join("lib/rustlib/src/rust/library/core");
    if !core.is_dir() {
        let status = Command::new("rustup").args(["component", "add", "rust-src", "--toolchain", "nightly"]).status();
        assert!(status.is_ok_and(|s| s.success()), "rustup component add rust-src --toolchain nightly");
    }
}

#[test]
fn library_storage_assertions_hold_on_16_bit_targets() {
    nightly_with_rust_src();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("abi16");
    let mut check = Command::new("rustup");
    check.args(["run", "nightly", "cargo", "check", "--lib", "-Zbuild-std=core", "--target-dir"]).arg(&target_dir);
    for triple in RUST_16_BIT {
        check.args(["--target", triple]);
    }
    let out = check
        .current_dir(root)
        .env("CARGO_TARGET_AVR_NONE_RUSTFLAGS", "-Ctarget-cpu=atmega2560")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTC")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("rustup runs");
    // The const assertions of src/ffi/client.rs fail the check when a size is off.
    assert!(out.status.success(), "{RUST_16_BIT:?}: {}", String::from_utf8_lossy(&out.stderr));
}
