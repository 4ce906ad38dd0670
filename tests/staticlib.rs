//! The plain release library asks nothing of the system: its undefined symbols are
//! compiler-runtime and `mem*` helpers only — no heap, no sockets, no threads, no stdio.

use std::path::Path;
use std::process::Command;

#[test]
fn plain_release_library_needs_no_heap_sockets_or_threads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = root.join("target/staticlib-check");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--release", "--target-dir"])
        .arg(&target)
        .current_dir(root)
        .env_remove("RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(built.success());
    let nm = Command::new("nm").arg("-u").arg(target.join("release/libmqtt_rs.a")).output().expect("nm runs");
    assert!(nm.status.success());
    let mut undefined: Vec<String> = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last().filter(|_| l.trim_start().starts_with('U')).map(str::to_owned))
        .collect();
    undefined.sort();
    undefined.dedup();
    let allowed = |s: &str| {
        s.starts_with("mem") || s.starts_with("__") || s.starts_with("bcmp") || s.starts_with("strlen") || s == "abort"
    };
    let unexpected: Vec<_> = undefined.iter().filter(|s| !allowed(s)).collect();
    assert!(unexpected.is_empty(), "unexpected undefined symbols: {unexpected:?}");
    for forbidden in ["malloc", "free", "socket", "pthread_create", "printf"] {
        assert!(!undefined.iter().any(|s| s == forbidden), "{forbidden} is needed");
    }
    eprintln!("undefined symbols of the plain libmqtt_rs.a: {undefined:?}");
}
