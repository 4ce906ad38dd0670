//! Proves that no panic path is reachable in the MQTT 5.0 codec (`cargo test --features
//! mqtt5 --test mqtt5_no_panic`), as tests/no_panic.rs does for the C API: the helper
//! crate tests/no_panic_v5 exposes every public v5 codec function to C, built with
//! feature `panic-check` (whose panic handler calls a symbol that exists nowhere), and
//! a C program calling those entry points must still link.
#![cfg(feature = "mqtt5")]

use std::path::Path;
use std::process::Command;

#[test]
fn no_panic_path_is_reachable_in_the_v5_codec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/panic-check-v5");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--target-dir"])
        .arg(&target)
        .current_dir(root.join("tests/no_panic_v5"))
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(built.success(), "release build of tests/no_panic_v5 with panic-check");

    let program = r#"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
uint32_t v5_decode(const uint8_t *buf, size_t len);
int32_t v5_encode(uint8_t kind, uint8_t *out, size_t cap, const uint8_t *text, size_t text_len, const uint8_t *data, size_t data_len);
int main(int argc, char **argv) {
    static uint8_t out[4096];
    const uint8_t *arg = (const uint8_t *)argv[0];
    size_t n = 0;
    while (arg[n]) n++;
    printf("%u\n", v5_decode(arg, n));
    printf("%d\n", v5_encode((uint8_t)argc, out, sizeof out, arg, n, arg, n));
    return 0;
}
"#;
    let dir = target.join("c");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("uses_the_v5_codec.c"), program).unwrap();
    let out = Command::new("cc")
        .args(["-Os", "-ffunction-sections", "-fdata-sections", "-Wl,--gc-sections"])
        .arg(dir.join("uses_the_v5_codec.c"))
        .arg(target.join("release/libmqtt_rs_no_panic_v5.a"))
        .arg("-o")
        .arg(dir.join("uses_the_v5_codec"))
        .output()
        .expect("cc runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("mqtt_rs_panic_path_is_reachable"), "a panic path is reachable:\n{stderr}");
    // The program runs: the entry points do something with data from C.
    let ran = Command::new(dir.join("uses_the_v5_codec")).output().expect("runs");
    assert!(ran.status.success());
}
