//! The committed C header must be exactly what cbindgen generates from the sources.

#[test]
fn committed_header_matches_generated_header() {
    let generated = std::fs::read_to_string(env!("MQTT_RS_GENERATED_HEADER")).expect("build.rs generated a header");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/mqtt_rs.h")).expect("include/mqtt_rs.h exists");
    assert!(generated == committed, "include/mqtt_rs.h is out of date: run `MQTT_RS_UPDATE_HEADER=1 cargo build` and commit it");
}

#[test]
fn header_compiles_as_strict_c99_and_cpp() {
    let header = concat!(env!("CARGO_MANIFEST_DIR"), "/include/mqtt_rs.h");
    // Also with the MQTT 5.0 part (`MQTT_RS_MQTT5`, defined for users of a v5 build).
    for define in [None, Some("-DMQTT_RS_MQTT5")] {
        for (compiler, lang, std) in [("cc", "c", "-std=c99"), ("c++", "c++", "-std=c++11")] {
            let out = std::process::Command::new(compiler)
                .args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-pedantic", std])
                .args(define)
                .args(["-x", lang, header])
                .output()
                .expect("a C/C++ compiler is installed");
            assert!(out.status.success(), "{compiler} {define:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[test]
fn every_macro_the_header_defines_has_the_library_prefix() {
    // A C program includes this header beside its own and its RTOS's: an unprefixed macro
    // (`SUCCESS`, `AUTH`) would silently redefine or clash with theirs.
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/mqtt_rs.h")).expect("include/mqtt_rs.h exists");
    let unprefixed: Vec<&str> = header
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("#define "))
        .filter_map(|rest| rest.split(|c: char| c.is_whitespace() || c == '(').next())
        .filter(|name| !name.starts_with("MQTT_RS_"))
        .collect();
    assert!(unprefixed.is_empty(), "macros without the MQTT_RS_ prefix: {unprefixed:?}");
}
