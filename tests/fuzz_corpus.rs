//! The fuzz targets as property tests on stable Rust: every file of the seed corpus
//! (fuzz/corpus/<target>/) and every input of the attack suite goes through the same target
//! bodies (fuzz/targets.rs) that `make fuzz` runs under libFuzzer, plus random inputs from
//! proptest.
//!
//! The seeds are written by this file too: `cargo test --test fuzz_corpus -- --ignored
//! write_seed_corpus` (then commit fuzz/corpus/*/seed-*).

// Native only (proptest, std::fs); tests/wasm_release.rs replays the same files in wasm.
#![cfg(not(target_arch = "wasm32"))]
// Test code: a panic here is a failing test, not a crashed Worker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod attack_cases;
#[path = "../fuzz/targets.rs"]
mod targets;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use proptest::prelude::*;

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join("corpus").join(target)
}

/// Runs `f(input)` and names the input if it panics.
fn replay(target: &str, f: fn(&[u8]), label: &str, input: &[u8], failures: &mut Vec<String>) {
    if catch_unwind(AssertUnwindSafe(|| f(input))).is_err() {
        failures.push(format!("{target}: {label} ({} bytes)", input.len()));
    }
}

#[test]
fn the_targets_use_the_suites_key_and_clock() {
    assert_eq!(targets::SECRET, attack_cases::SECRET);
    assert_eq!(targets::NOW, attack_cases::NOW);
}

#[test]
fn every_corpus_file_passes_every_check() {
    let mut failures = Vec::new();
    for (target, f) in targets::TARGETS {
        let dir = corpus_dir(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let seeds = files.iter().filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("seed-")).count();
        assert!(seeds >= 20, "{target}: only {seeds} seed files in {}", dir.display());
        for path in &files {
            // Files other than the seeds come and go while `make fuzz` runs: skip a vanished one.
            let Ok(input) = std::fs::read(path) else { continue };
            replay(target, f, &path.display().to_string(), &input, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{} corpus inputs failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_attack_input_passes_every_target() {
    let mut failures = Vec::new();
    for case in attack_cases::cases() {
        let Some(input) = case.wire_input() else { continue };
        for (target, f) in targets::TARGETS {
            replay(target, f, &case.name, input.as_bytes(), &mut failures);
        }
    }
    assert!(failures.is_empty(), "{} attack inputs failed a target:\n{}", failures.len(), failures.join("\n"));
}

fn token_like() -> impl Strategy<Value = String> {
    let segment = "[A-Za-z0-9_-]{0,80}";
    (segment, segment, segment, 0usize..4).prop_map(|(h, p, s, dots)| match dots {
        0 => h,
        1 => format!("{h}.{p}"),
        2 => format!("{h}.{p}.{s}"),
        _ => format!("{h}.{p}.{s}.{s}"),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_bytes_pass_every_target(data in prop::collection::vec(any::<u8>(), 0..600)) {
        for (_, f) in targets::TARGETS {
            f(&data);
        }
    }

    #[test]
    fn random_token_shapes_pass_every_target(token in token_like()) {
        for (_, f) in targets::TARGETS {
            f(token.as_bytes());
        }
    }

    #[test]
    fn random_json_headers_and_payloads_are_signed_and_checked(
        header in r#"\{("alg":"(HS256|HS512|none|RS256)")?(,"typ":"(JWT|jwt|JWE)")?(,"crit":\[\])?\}"#,
        counter in any::<i64>(),
        exp in prop_oneof![Just(None), (0u64..4_000_000_000).prop_map(Some)],
        iat in prop_oneof![Just(None), (0u64..4_000_000_000).prop_map(Some)],
    ) {
        let mut payload = format!(r#"{{"counter":{counter}"#);
        if let Some(exp) = exp { payload.push_str(&format!(r#","exp":{exp}"#)); }
        if let Some(iat) = iat { payload.push_str(&format!(r#","iat":{iat}"#)); }
        payload.push('}');
        let input = format!("{header}\n{payload}");
        targets::verify_token(input.as_bytes());
        targets::verify_token(payload.as_bytes());
    }

    #[test]
    fn random_cookie_headers_around_a_genuine_session_pass(
        before in prop::collection::vec("(jwtsession|jwtsession\\.[0-9]{1,2}|other)=[A-Za-z0-9._\"-]{0,40}", 0..20),
        after in prop::collection::vec("(jwtsession|jwtsession\\.[0-9]{1,2}|other)=[A-Za-z0-9._\"-]{0,40}", 0..20),
    ) {
        let good = attack_cases::good_token(3);
        let header = [before.join("; "), format!("jwtsession={good}"), after.join("; ")].join("; ");
        targets::cookie_header(header.as_bytes());
    }
}

// ---- the seed corpus ----------------------------------------------------------------------

fn slug(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    s.truncate(60);
    s
}

/// Largest seed file: libFuzzer's default -max_len follows the corpus, and small seeds keep
/// the repository small.
const MAX_SEED_BYTES: usize = 8 * 1024;

fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    use attack_cases::{good_token, payload, Input};
    let mut seeds: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let mut add = |target: &'static str, name: &str, bytes: Vec<u8>| {
        if bytes.len() <= MAX_SEED_BYTES {
            seeds.push((target, slug(name), bytes));
        }
    };
    // Bit flips give a thousand near-identical inputs: libFuzzer makes its own.
    let interesting = |name: &str| !name.contains(" bit ") || name.contains(" bit 0 ") || name.contains(" bit 7 ");
    for case in attack_cases::cases() {
        if !interesting(&case.name) {
            continue;
        }
        match &case.input {
            Input::Token { token, .. } | Input::Jwe { token, .. } => {
                add("verify_token", &case.name, token.clone().into_bytes());
                add("decode_unverified", &case.name, token.clone().into_bytes());
            }
            Input::Unverified(token) => add("decode_unverified", &case.name, token.clone().into_bytes()),
            Input::Cookie(header) => add("cookie_header", &case.name, header.clone().into_bytes()),
            Input::Vars(_) | Input::Options(_) => {}
        }
    }
    // verify_token's second and third forms: header NEWLINE payload, and a bare claims object.
    let exp = attack_cases::NOW + 3600;
    for (name, text) in [
        ("signed form, valid", format!("{{\"alg\":\"HS256\",\"typ\":\"JWT\"}}\n{}", payload(1))),
        ("signed form, HS512 header", format!("{{\"alg\":\"HS512\"}}\n{}", payload(1))),
        ("signed form, kid", format!("{{\"alg\":\"HS256\",\"kid\":\"x\"}}\n{}", payload(1))),
        ("signed form, crit", format!("{{\"alg\":\"HS256\",\"crit\":[\"exp\"]}}\n{}", payload(1))),
        ("signed form, no exp", "{\"alg\":\"HS256\"}\n{\"counter\":1}".to_string()),
        ("signed form, exp string", format!("{{\"alg\":\"HS256\"}}\n{{\"exp\":\"{exp}\"}}")),
        ("signed form, exp float", format!("{{\"alg\":\"HS256\"}}\n{{\"exp\":{exp}.75,\"nbf\":1.5,\"iat\":-3}}")),
        ("signed form, huge numbers", "{\"alg\":\"HS256\"}\n{\"exp\":1e308,\"nbf\":18446744073709551616,\"iat\":-9223372036854775808}".to_string()),
        ("signed form, orig_iat", format!("{{\"alg\":\"HS256\"}}\n{{\"exp\":{exp},\"iat\":{exp},\"orig_iat\":0}}")),
        ("signed form, payload array", "{\"alg\":\"HS256\"}\n[1,2,3]".to_string()),
        ("signed form, unicode", format!("{{\"alg\":\"HS256\"}}\n{{\"exp\":{exp},\"name\":\"Zo\\u00eb \u{1F600}\",\"\\ud83d\\ude00\":1}}")),
        ("claims object", format!("{{\"counter\":1,\"exp\":{exp},\"roles\":[\"a\",\"b\"],\"n\":null,\"f\":0.1,\"neg\":-0.0,\"big\":18446744073709551615}}")),
        ("claims object, nested", "{\"a\":{\"b\":{\"c\":[[[{}]]]}},\"exp\":1}".to_string()),
        ("claims object, escapes", "{\"\\u0000\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"exp\":9e9}".to_string()),
    ] {
        add("verify_token", name, text.into_bytes());
    }
    // Whole sessions for the cookie target: valid, chunked, old, tossed.
    let good = good_token(1);
    add("cookie_header", "genuine", format!("jwtsession={good}").into_bytes());
    add("cookie_header", "genuine among others", format!("theme=dark; jwtsession={good}; lang=en").into_bytes());
    let old = {
        let ring = worker_jwt_session::keys::KeyRing::new(attack_cases::SECRET).unwrap();
        let claims = serde_json::json!({"counter": 2, "iat": attack_cases::NOW - 30_000, "exp": attack_cases::NOW + 100, "orig_iat": attack_cases::NOW - 30_000});
        worker_jwt_session::jwt::sign(claims.as_object().unwrap(), &ring, worker_jwt_session::jwt::Algorithm::HS256)
            .unwrap()
    };
    add("cookie_header", "due for a refresh", format!("jwtsession={old}").into_bytes());
    let big = {
        let ring = worker_jwt_session::keys::KeyRing::new(attack_cases::SECRET).unwrap();
        let claims = serde_json::json!({"note": "n".repeat(5000), "iat": attack_cases::NOW - 30_000, "exp": attack_cases::NOW + 100});
        worker_jwt_session::jwt::sign(claims.as_object().unwrap(), &ring, worker_jwt_session::jwt::Algorithm::HS256)
            .unwrap()
    };
    let (x, y) = big.split_at(4000);
    add("cookie_header", "chunked, due for a refresh", format!("jwtsession.0={x}; jwtsession.1={y}").into_bytes());
    add(
        "cookie_header",
        "chunks and a stale plain cookie",
        format!("jwtsession=old; jwtsession.1={y}; jwtsession.0={x}; jwtsession.7=z").into_bytes(),
    );
    add(
        "decode_unverified",
        "wsgi_jwt_session README cookie",
        b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q".to_vec(),
    );
    add(
        "verify_token",
        "wsgi_jwt_session README cookie",
        b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q".to_vec(),
    );
    seeds
}

#[test]
#[ignore = "writes fuzz/corpus/*/seed-*: run by hand when the attack table changes"]
fn write_seed_corpus() {
    let mut written = BTreeSet::new();
    for (target, _) in targets::TARGETS {
        let dir = corpus_dir(target);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap().to_string_lossy().starts_with("seed-") {
                std::fs::remove_file(path).unwrap();
            }
        }
    }
    for (target, name, bytes) in seeds() {
        let mut file = format!("seed-{name}");
        let mut n = 2;
        while !written.insert((target, file.clone())) {
            file = format!("seed-{name}-{n}");
            n += 1;
        }
        std::fs::write(corpus_dir(target).join(file), bytes).unwrap();
    }
}
