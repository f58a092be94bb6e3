//! The attack suite through the core API: every case of `attack_cases` gives its exact answer,
//! without a panic, in bounded time.
//!
//! The time bound is generous on purpose (a loaded 2-core CI machine, a debug build): it is
//! there to catch unbounded work (quadratic parsing, a loop over a megabyte per cookie), not
//! to measure speed; `make bench` does that.

// Native only: it times each case with std::time::Instant (tests/wasm_release.rs runs the
// same table in release wasm).
#![cfg(not(target_arch = "wasm32"))]
// Test code: a panic here is a failing test, not a crashed Worker.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod attack_cases;

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use attack_cases::{cases, run, Case, Input, Want};
use worker_jwt_session::ErrorCode;

/// Per case, measured around the call into the core only (building the input is not counted).
const BOUND: Duration = Duration::from_secs(1);

fn check_all(cases: &[Case]) -> Vec<String> {
    // Build the engines first, so the key schedule is not charged to the first case.
    let _ = attack_cases::sessions();
    let mut failures = Vec::new();
    for case in cases {
        let start = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| run(case)));
        let elapsed = start.elapsed();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{}: {why}", case.name)),
            Err(_) => failures.push(format!("{}: PANICKED", case.name)),
        }
        if elapsed > BOUND {
            failures.push(format!("{}: took {elapsed:?}, more than {BOUND:?}", case.name));
        }
    }
    failures
}

fn assert_section(name: &str, cases: Vec<Case>) {
    assert!(!cases.is_empty(), "{name}: no cases");
    let failures = check_all(&cases);
    assert!(
        failures.is_empty(),
        "{name}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn alg_attacks() {
    assert_section("alg", attack_cases::alg_cases());
}

#[test]
fn structure_attacks() {
    assert_section("structure", attack_cases::structure_cases());
}

#[test]
fn claim_attacks() {
    assert_section("claims", attack_cases::claim_cases());
}

#[test]
fn signature_attacks() {
    assert_section("signature", attack_cases::signature_cases());
}

#[test]
fn size_and_depth_attacks() {
    assert_section("size and depth", attack_cases::size_cases());
}

#[test]
fn cookie_attacks() {
    assert_section("cookie", attack_cases::cookie_cases());
}

#[test]
fn encrypted_session_attacks() {
    assert_section("encrypted", attack_cases::encrypted_cases());
}

#[test]
fn configuration_attacks() {
    assert_section("configuration", attack_cases::config_cases());
}

#[test]
fn the_table_is_well_formed() {
    let all = cases();
    // Names identify cases in failure messages: no two alike.
    let mut seen = HashSet::new();
    for case in &all {
        assert!(seen.insert(case.name.as_str()), "duplicate case name {:?}", case.name);
    }
    // Every error code a token or cookie can produce is exercised, and accepted inputs are
    // in the table too (a suite that rejects everything proves nothing).
    let mut codes = HashSet::new();
    for case in &all {
        match &case.want {
            Want::Code(c) | Want::Rejected(c) => {
                codes.insert(*c);
            }
            Want::ConfigNaming(_) => {
                codes.insert(ErrorCode::Config);
            }
            _ => {}
        }
    }
    // Not from a token or a cookie: a handler's write, a request refused for its origin
    // (src/csrf.rs and tests/e2e/modes.test.mjs test that one), and the revocation store's
    // answers (src/revocation.rs and tests/e2e/revocation.test.mjs).
    let elsewhere = [ErrorCode::ReservedClaim, ErrorCode::Csrf, ErrorCode::Revoked, ErrorCode::RevocationUnavailable];
    for code in ErrorCode::ALL {
        if !elsewhere.contains(&code) {
            assert!(codes.contains(&code), "no case expects {code}");
        }
    }
    assert!(all.iter().any(|c| c.want == Want::Valid && matches!(c.input, Input::Token { .. })));
    assert!(all.iter().any(|c| matches!(c.want, Want::Session(_))));
    assert!(all.len() > 1000, "{} cases", all.len());
    println!("{} attack cases", all.len());
}
