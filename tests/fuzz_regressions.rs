//! The fuzz harnesses (fuzz/harness/) as ordinary tests: every committed seed and every
//! input that once crashed a target (fuzz/regressions/<target>/) runs on each
//! `cargo test`, so a fixed crash stays fixed without cargo-fuzz or nightly Rust.
//!
//! To add a crash found by `cargo fuzz`: fix it, then copy the artifact into
//! `fuzz/regressions/<target>/` (any file name; README files are skipped).

#[path = "../fuzz/harness/c_api.rs"]
mod c_api;
#[path = "../fuzz/harness/checker.rs"]
mod checker;
#[path = "../fuzz/harness/decode.rs"]
mod decode;
#[path = "../fuzz/harness/engine.rs"]
mod engine;
#[path = "../fuzz/harness/rng.rs"]
mod rng;

use std::path::Path;

/// Runs `run` on every file of `fuzz/seeds/<target>` and `fuzz/regressions/<target>`;
/// returns how many ran.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else { continue };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            if file.file_name().is_some_and(|n| n == "README") {
                continue;
            }
            let data = std::fs::read(&file).unwrap();
            eprintln!("{target}: {}", file.display());
            run(&data);
            count += 1;
        }
    }
    count
}

#[test]
fn decode_seeds_and_regressions() {
    assert!(replay("decode", decode::run) >= 14, "a seed per packet type");
}

#[test]
fn engine_seeds_and_regressions() {
    assert!(replay("engine", engine::run) > 0);
}

#[test]
fn c_api_seeds_and_regressions() {
    assert!(replay("c_api", c_api::run) > 0);
}

/// The harnesses on generated inputs too, so a plain `cargo test` fuzzes a little.
#[test]
fn harnesses_on_random_inputs() {
    let mut r = rng::Rng::new(0x5eed);
    for _ in 0..300 {
        let len = r.below(600) as usize;
        let data: Vec<u8> = (0..len).map(|_| r.next() as u8).collect();
        decode::run(&data);
        engine::run(&data);
        c_api::run(&data);
    }
}
