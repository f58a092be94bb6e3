//! The `browser` feature's exports in wasm, run by `make test-js` in Node and in headless
//! Chromium (wasm-bindgen-test; `WASM_BINDGEN_USE_BROWSER=1` picks the browser).
#![cfg(all(target_arch = "wasm32", feature = "browser"))]

use wasm_bindgen_test::wasm_bindgen_test;
use worker_jwt_session::browser::{csrf_cookie, decode_json, session_json, FAILURE};

const TOKEN: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";

#[wasm_bindgen_test]
fn a_token_decodes_to_its_payload_and_header() {
    assert_eq!(decode_json(TOKEN, false), r#"{"counter":1}"#);
    assert_eq!(decode_json(TOKEN, true), r#"{"alg":"HS256","typ":"JWT"}"#);
}

#[wasm_bindgen_test]
fn failures_start_with_nul_and_the_code() {
    let cases = [
        ("", "malformed"),
        ("abc", "malformed"),
        ("a.b", "bad_base64"),
        ("e30.e30.e30.e30", "malformed"),
        ("e30.e31.e30", "bad_base64"),
        ("e30.e30=.e30", "bad_base64"),
        ("e30.WzFd.e30", "bad_json"),
        ("e30./w.e30", "bad_base64"),
        ("e30._w.e30", "bad_json"),
    ];
    for (token, code) in cases {
        let got = decode_json(token, false);
        assert!(got.starts_with(&format!("{FAILURE}{code}: ")), "{token:?} gave {got:?}");
    }
    let big = "a".repeat(140_000);
    assert!(decode_json(&big, false).starts_with("\0too_large: "));
}

#[wasm_bindgen_test]
fn unicode_payloads_come_back_as_text() {
    // {"name":"Zoë 😀"} in base64url.
    let token = "e30.eyJuYW1lIjoiWm_DqyDwn5iAIn0.e30";
    assert_eq!(decode_json(token, false), "{\"name\":\"Zoë 😀\"}");
}

#[wasm_bindgen_test]
fn session_cookies_are_found_and_reassembled_as_the_worker_does() {
    let (a, b) = TOKEN.split_at(30);
    let header = format!("x=1; jwtsession.0={a}; jwtsession.1={b}; jwtsession=%22");
    assert_eq!(session_json(&header, "jwtsession", 4), "{\"counter\":1}\0");
    // No percent-decoding: the Worker would not accept it either.
    let encoded = format!("jwtsession.0={a}; jwtsession.1={}", b.replace('.', "%2E"));
    assert_eq!(session_json(&encoded, "jwtsession", 4), "");
    assert_eq!(session_json("", "jwtsession", 4), "");
}

#[wasm_bindgen_test]
fn an_encrypted_session_is_refused_with_decrypt_and_its_csrf_cookie_is_read() {
    let jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..QkJCQkJCQkJCQkJC.e30.AAAAAAAAAAAAAAAAAAAAAA";
    assert!(decode_json(jwe, false).starts_with("\0decrypt: the session is encrypted"));
    assert_eq!(decode_json(jwe, true), r#"{"alg":"dir","enc":"A256GCM"}"#);
    assert_eq!(session_json(&format!("jwtsession={jwe}"), "jwtsession", 4), "");
    assert_eq!(csrf_cookie(&format!("jwtsession={jwe}; jwtsession.csrf=tok"), "jwtsession"), "tok");
}
