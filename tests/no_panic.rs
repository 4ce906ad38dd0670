//! Proves that no panic path is reachable from the C API: the release library is built
//! with feature `panic-check`, whose panic handler calls a symbol that exists nowhere,
//! and a C program that uses every function declared in the header must still link.

use std::path::Path;
use std::process::Command;

#[test]
fn no_panic_path_is_reachable_from_any_public_function() {
    check("panic-check", false);
}

/// The same with MQTT 5.0 built in: its functions too (the header's `MQTT_RS_MQTT5` part);
/// and with the persistence hooks, as CMake builds for hosts (their store and restore
/// paths, QoS 0 records among them, fold away without `persist`).
#[test]
fn no_panic_path_is_reachable_from_any_public_function_with_mqtt5() {
    check("panic-check,mqtt5,persist", true);
}

fn check(features: &str, mqtt5: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join(if mqtt5 { "target/panic-check-mqtt5" } else { "target/panic-check" });
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--features", features, "--target-dir"])
        .arg(&target)
        .current_dir(root)
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(built.success(), "release build with panic-check");

    let header = std::fs::read_to_string(root.join("include/mqtt_rs.h")).unwrap();
    // Declarations start at column 0; comment lines do not. Those of the MQTT 5.0 part
    // only when the library has it.
    let mut in_v5 = false;
    let mut functions: Vec<&str> = header
        .lines()
        .filter(|l| {
            match *l {
                "#if defined(MQTT_RS_MQTT5)" => in_v5 = true,
                "#endif" => in_v5 = false,
                _ => {}
            }
            mqtt5 || !in_v5
        })
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .flat_map(|l| l.match_indices("mqtt_rs_").map(move |(at, _)| &l[at..]))
        .filter_map(|name| {
            let end = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            name[end..].starts_with('(').then(|| &name[..end])
        })
        .collect();
    functions.sort();
    functions.dedup();
    assert!(functions.len() >= 15, "found the API in the header: {functions:?}");
    let define = if mqtt5 { "#define MQTT_RS_MQTT5\n" } else { "" };
    let mut program = format!("{define}#include \"mqtt_rs.h\"\n#include <stdio.h>\nint main(void) {{\n");
    for f in &functions {
        program += &format!("    printf(\"%p\\n\", (void *)(size_t){f});\n");
    }
    program += "    return 0;\n}\n";
    let dir = target.join("c");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("uses_every_function.c"), program).unwrap();
    let out = Command::new("cc")
        .args(["-Os", "-ffunction-sections", "-fdata-sections", "-Wl,--gc-sections", "-I"])
        .arg(root.join("include"))
        .arg(dir.join("uses_every_function.c"))
        .arg(target.join("release/libmqtt_rs.a"))
        .arg("-o")
        .arg(dir.join("uses_every_function"))
        .output()
        .expect("cc runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("mqtt_rs_panic_path_is_reachable"), "a panic path is reachable:\n{stderr}");
}
