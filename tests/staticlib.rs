//! The plain release library asks nothing of the system: the symbols it needs from
//! outside itself are `mem*`-class helpers only — no heap, no sockets, no threads, no stdio.
//! It is built the way CMake builds it (`cargo rustc --crate-type staticlib`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

#[test]
fn plain_release_library_needs_no_heap_sockets_or_threads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/staticlib-check");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["rustc", "--release", "--lib", "--crate-type", "staticlib", "--target-dir"])
        .arg(&target)
        .current_dir(root)
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(built.success());
    // readelf, not nm: Debian's nm hands LLVM objects to a linker plugin and may list nothing.
    let out = Command::new("readelf").arg("-sW").arg(target.join("release/libmqtt_rs.a")).output().expect("readelf runs");
    assert!(out.status.success());
    let mut defined = BTreeSet::new();
    let mut undefined = BTreeSet::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // Num: Value Size Type Bind Vis Ndx Name
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 || !f[0].ends_with(':') || f[4] == "LOCAL" {
            continue;
        }
        if f[6] == "UND" {
            undefined.insert(f[7].to_owned());
        } else {
            defined.insert(f[7].to_owned());
        }
    }
    assert!(defined.iter().any(|s| s == "mqtt_rs_client_init"), "readelf saw the library's symbols");
    let external: Vec<&String> = undefined.difference(&defined).collect();
    eprintln!("symbols libmqtt_rs.a needs from outside: {external:?}");
    let allowed = |s: &str| s.starts_with("mem") || s == "bcmp" || s == "strlen" || s.starts_with("__");
    let unexpected: Vec<_> = external.iter().filter(|s| !allowed(s)).collect();
    assert!(unexpected.is_empty(), "unexpected undefined symbols: {unexpected:?}");
}
