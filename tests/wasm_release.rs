//! No panic in the build a Worker runs: the whole attack suite and every seed-corpus file go
//! through the core compiled to wasm32 in release mode, where a panic aborts (`panic =
//! "abort"`, the only strategy of wasm32-unknown-unknown): one panic anywhere and the run
//! fails with `RuntimeError: unreachable`.
//!
//! `make test-wasm` runs it in Node:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test
//! --target wasm32-unknown-unknown --release --test wasm_release`.
#![cfg(target_arch = "wasm32")]
// Test code: a failed assertion here is a failing test, not a crashed Worker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

// The point of this file is the abort strategy; refuse to run under any other.
#[cfg(not(panic = "abort"))]
compile_error!("tests/wasm_release.rs must be built with panic = \"abort\", as a Worker is");

mod attack_cases;
#[path = "../fuzz/targets.rs"]
mod targets;

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

// Node's fs, synchronously: the corpus is read at run time, so new seed files need no change
// here.
#[wasm_bindgen(module = "fs")]
extern "C" {
    #[wasm_bindgen(js_name = readdirSync)]
    fn read_dir(path: &str) -> Vec<JsValue>;
    #[wasm_bindgen(js_name = readFileSync)]
    fn read_file(path: &str) -> Vec<u8>;
}

#[wasm_bindgen_test]
fn every_attack_case_gives_its_answer_in_release_wasm() {
    let cases = attack_cases::cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| attack_cases::run(case).err().map(|why| format!("{}: {why}", case.name)))
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert!(cases.len() > 1000);
}

#[wasm_bindgen_test]
fn every_attack_input_passes_every_fuzz_target_in_release_wasm() {
    let mut n = 0;
    for case in attack_cases::cases() {
        if let Some(input) = case.wire_input() {
            for (_, target) in targets::TARGETS {
                target(input.as_bytes());
                n += 1;
            }
        }
    }
    assert!(n > 3000, "{n}");
}

#[wasm_bindgen_test]
fn every_seed_corpus_file_passes_every_check_in_release_wasm() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus");
    for (name, target) in targets::TARGETS {
        let dir = format!("{root}/{name}");
        // The committed seeds only: a fuzzer running beside this test adds and removes others.
        let mut files: Vec<String> =
            read_dir(&dir).iter().filter_map(JsValue::as_string).filter(|f| f.starts_with("seed-")).collect();
        files.sort();
        assert!(files.len() >= 20, "{name}: {} seed files", files.len());
        for file in files {
            target(&read_file(&format!("{dir}/{file}")));
        }
    }
}
