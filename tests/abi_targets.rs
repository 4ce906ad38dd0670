//! The header's caller storage and enum widths, pinned per target: `tests/c/abi_check.c`
//! is compiled by each target's C compiler (host, Cortex-M4F, Cortex-M33, Cortex-M0+,
//! RV32IMAC), with and without `-fshort-enums`. The Rust side checks the same sizes at
//! compile time for every target it is built for (`src/ffi/client.rs`).

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
