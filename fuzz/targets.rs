//! The bodies of the fuzz targets, kept apart from libFuzzer so the same code runs three ways:
//! under `cargo fuzz` (fuzz/fuzz_targets/*.rs), over the committed seed corpus on stable Rust
//! (`tests/fuzz_corpus.rs`, part of `cargo test`) and in release wasm with `panic = "abort"`
//! (`tests/wasm_release.rs`).
//!
//! Each body feeds one input to the core and checks what must hold for any input: no panic,
//! an error code from the documented set, bounded outputs, no token text in error messages,
//! no header injection, and round trips that give back what went in. A failed check panics,
//! which libFuzzer reports as a crash.

// Included with #[path] by the fuzz crate and by test crates; not every includer uses all.
#![allow(dead_code)]

use std::sync::OnceLock;

use serde_json::{Map, Value};
use worker_jwt_session::claims::Validation;
use worker_jwt_session::cookie::{self, MAX_COOKIE_BYTES};
use worker_jwt_session::jwe;
use worker_jwt_session::jwt::{self, Algorithm, Part};
use worker_jwt_session::keys::KeyRing;
use worker_jwt_session::policy::{Decision, Origin};
use worker_jwt_session::{Error, ErrorCode, JwtSessions, ResponseInfo, Scheme};

/// The key the targets verify with; the seed corpus holds tokens it signed.
pub const SECRET: &str = "attack-suite-secret-0123456789abcdef";
/// The targets' clock; the seed tokens are valid at this time.
pub const NOW: u64 = 1_700_000_000;

/// A target's body.
pub type Target = fn(&[u8]);

/// The three targets, by the name of their corpus directory.
pub const TARGETS: [(&str, Target); 3] =
    [("verify_token", verify_token), ("cookie_header", cookie_header), ("decode_unverified", decode_unverified)];

fn ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| match KeyRing::new(SECRET) {
        Ok(ring) => ring,
        Err(e) => panic_with(&format!("the fuzz key is refused: {e}")),
    })
}

fn sessions() -> &'static JwtSessions {
    static SESSIONS: OnceLock<JwtSessions> = OnceLock::new();
    SESSIONS.get_or_init(|| match JwtSessions::builder(SECRET).build() {
        Ok(s) => s,
        Err(e) => panic_with(&format!("the fuzz configuration is refused: {e}")),
    })
}

/// Every setting a Worker may run with that changes what verification does.
fn validations() -> [Validation; 3] {
    [
        Validation::default(),
        Validation {
            algorithms: vec![Algorithm::HS256, Algorithm::HS384, Algorithm::HS512],
            leeway_secs: 0,
            require_exp: false,
            absolute_lifetime_secs: Some(3600),
            max_token_bytes: worker_jwt_session::claims::DEFAULT_MAX_TOKEN_BYTES,
        },
        Validation { max_token_bytes: 16 * 1024, leeway_secs: u64::MAX, ..Validation::default() },
    ]
}

/// A failed invariant is what the fuzzer looks for: it is reported as a crash.
#[track_caller]
#[allow(clippy::panic)]
fn panic_with(message: &str) -> ! {
    panic!("{message}")
}

#[track_caller]
fn ensure(condition: bool, message: impl FnOnce() -> String) {
    if !condition {
        panic_with(&message());
    }
}

/// What every error must look like: a documented code, and a message that repeats nothing of
/// the input (a rejected cookie is logged by code and message, never with the token).
#[track_caller]
fn check_error(err: &Error, input: &str, allowed: &[ErrorCode]) {
    ensure(allowed.contains(&err.code()), || format!("unexpected code {} ({err})", err.code()));
    let shown = err.to_string();
    ensure(shown.starts_with(err.code().as_str()), || format!("Display does not start with the code: {shown}"));
    // Token material is runs of base64url; no message of ours has a run of 24 such characters,
    // so finding one from the input in the message means the input was echoed. (A check on
    // any text would be fooled by an input that quotes our own messages, as libFuzzer's
    // comparison dictionary soon makes one.)
    let b64url = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    for segment in input.split('.').filter(|s| s.len() >= 24 && b64url(s)) {
        ensure(!shown.contains(segment), || format!("the message repeats a segment of the token: {shown}"));
    }
}

/// What a JWE (encrypted mode) may give besides the codes of a JWS.
const DECRYPT_CODES: [ErrorCode; 12] = [
    ErrorCode::TooLarge,
    ErrorCode::Malformed,
    ErrorCode::BadBase64,
    ErrorCode::BadJson,
    ErrorCode::UnsupportedAlgorithm,
    ErrorCode::UnknownKey,
    ErrorCode::Decrypt,
    ErrorCode::Expired,
    ErrorCode::NotYetValid,
    ErrorCode::IssuedInFuture,
    ErrorCode::MissingExp,
    ErrorCode::LifetimeExceeded,
];

const VERIFY_CODES: [ErrorCode; 12] = [
    ErrorCode::TooLarge,
    ErrorCode::Malformed,
    ErrorCode::BadBase64,
    ErrorCode::BadJson,
    ErrorCode::UnsupportedAlgorithm,
    ErrorCode::UnknownKey,
    ErrorCode::BadSignature,
    ErrorCode::Expired,
    ErrorCode::NotYetValid,
    ErrorCode::IssuedInFuture,
    ErrorCode::MissingExp,
    ErrorCode::LifetimeExceeded,
];

/// Token verification, three ways:
/// 1. the input as a token, under every validation setting;
/// 2. the input as `header JSON` NEWLINE `payload JSON`, signed with the real key, so the
///    checks after the signature (payload parsing, time claims) are reached too;
/// 3. the input as a JSON object, signed by `jwt::sign` and verified again: the claims must
///    come back unchanged.
pub fn verify_token(data: &[u8]) {
    let token = String::from_utf8_lossy(data);
    for validation in validations() {
        match jwt::verify(&token, ring(), &validation, NOW) {
            Ok(v) => {
                // Only a token signed with the key gets here (seeds hold some).
                ensure(token.len() <= validation.max_token_bytes, || "a token over the cap verified".into());
                ensure(v.key_index == 0, || "a one-key ring reported another key".into());
                ensure(v.header.alg.is_some_and(|alg| validation.algorithms.contains(&alg)), || {
                    "an algorithm outside the allow-list".into()
                });
                ensure(!validation.require_exp || v.time.exp.is_some(), || "verified without exp".into());
            }
            Err(e) => check_error(&e, &token, &VERIFY_CODES),
        }
        // The same input as an encrypted session (a JWE only ever decrypts with the key).
        match jwe::decrypt(&token, ring(), &validation, NOW) {
            Ok(v) => {
                ensure(token.len() <= validation.max_token_bytes, || "a JWE over the cap decrypted".into());
                ensure(jwe::is_jwe(&token) && v.header.alg.is_none(), || "decrypted something not a JWE".into());
                ensure(!validation.require_exp || v.time.exp.is_some(), || "decrypted without exp".into());
            }
            Err(e) => check_error(&e, &token, &DECRYPT_CODES),
        }
    }

    if let Some(newline) = data.iter().position(|&b| b == b'\n') {
        let (header, payload) = data.split_at(newline);
        let payload = payload.get(1..).unwrap_or_default();
        let input = format!("{}.{}", jwt::b64_encode(header), jwt::b64_encode(payload));
        let signature = ring().current().sign(Algorithm::HS256, input.as_bytes());
        let signed = format!("{input}.{}", jwt::b64_encode(&signature));
        for validation in validations() {
            match jwt::verify(&signed, ring(), &validation, NOW) {
                Ok(v) => {
                    let parsed: Result<Map<String, Value>, _> = serde_json::from_slice(payload);
                    ensure(parsed.as_ref().is_ok_and(|p| *p == v.claims), || {
                        format!("verified claims differ from the payload: {:?}", v.claims)
                    });
                    ensure(std::str::from_utf8(header).is_ok(), || "a header that is not UTF-8 verified".into());
                }
                Err(e) => {
                    // The MAC is right, so only the header, the payload or the claims can fail.
                    check_error(&e, &signed, &VERIFY_CODES);
                    ensure(e.code() != ErrorCode::BadBase64, || "our own base64url was refused".into());
                    if e.code() == ErrorCode::BadSignature {
                        // Only a header naming a key or an algorithm other than the MAC's. (A
                        // header that a general JSON parser refuses but the header check
                        // accepts, e.g. deep nesting in an unknown member, is not judged.)
                        let h: Result<Map<String, Value>, _> = serde_json::from_slice(header);
                        ensure(
                            h.as_ref()
                                .map_or(true, |h| h.get("alg").is_some_and(|a| a != "HS256") || h.contains_key("kid")),
                            || "a correct HS256 MAC was refused".into(),
                        );
                    }
                }
            }
        }
    }

    if let Ok(claims) = serde_json::from_slice::<Map<String, Value>>(data) {
        let legacy = Validation { require_exp: false, ..Validation::default() };
        for alg in [Algorithm::HS256, Algorithm::HS512] {
            let signed = match jwt::sign(&claims, ring(), alg) {
                Ok(t) => t,
                Err(e) => panic_with(&format!("a JSON object could not be signed: {e}")),
            };
            ensure(signed.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'), || {
                "sign wrote a character outside base64url".into()
            });
            let v = Validation { algorithms: vec![alg], max_token_bytes: usize::MAX, ..legacy.clone() };
            match jwt::verify(&signed, ring(), &v, NOW) {
                Ok(verified) => {
                    ensure(verified.claims == claims, || "claims changed in a sign/verify round trip".into())
                }
                Err(e) => check_error(
                    &e,
                    &signed,
                    &[ErrorCode::Malformed, ErrorCode::Expired, ErrorCode::NotYetValid, ErrorCode::IssuedInFuture],
                ),
            }
            // What a browser reads is the same JSON.
            match jwt::decode_unverified(&signed) {
                Ok(read) => ensure(read == claims, || "decode_unverified changed the claims".into()),
                Err(e) => {
                    ensure(e.code() == ErrorCode::TooLarge, || format!("decode_unverified refused our token: {e}"))
                }
            }
        }
    }
}

/// `Cookie` header parsing and chunk reassembly (`cookie::session_cookies`), then the whole
/// request path (`JwtSessions::load_cookie_header` and `commit_headers`): bounded outputs,
/// no `Set-Cookie` that could inject a header, and a round trip through a cookie jar that gives
/// the session back.
pub fn cookie_header(data: &[u8]) {
    let header = String::from_utf8_lossy(data);
    for max_chunks in [1, 4, 32] {
        let found = cookie::session_cookies(&header, "jwtsession", max_chunks);
        ensure(found.candidates.len() <= 32, || format!("{} candidates", found.candidates.len()));
        ensure(found.present.len() <= max_chunks + 18, || format!("{} names present", found.present.len()));
        for (i, candidate) in found.candidates.iter().enumerate() {
            let token = &candidate.token;
            ensure(!token.is_empty() && token.len() <= max_chunks * MAX_COOKIE_BYTES, || {
                format!("a candidate of {} bytes", token.len())
            });
            ensure(!found.candidates.iter().skip(i + 1).any(|c| c.token == *token), || "a candidate twice".into());
        }
        for (i, name) in found.present.iter().enumerate() {
            let chunk = name.strip_prefix("jwtsession.");
            ensure(
                name == "jwtsession"
                    || name == "jwtsession.sig"
                    || name == "jwtsession.csrf"
                    || chunk.is_some_and(|d| (1..=2).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())),
                || format!("not one of our names: {name:?}"),
            );
            ensure(!found.present.iter().skip(i + 1).any(|n| n == name), || format!("{name:?} listed twice"));
        }
    }

    let sessions = sessions();
    let session = sessions.load_cookie_header(Some(&header), NOW);
    let valid = matches!(session.origin(), Origin::Valid { .. });
    ensure(valid || session.is_empty(), || "an unverified cookie produced data".into());
    ensure(!valid || session.rejected().is_none(), || "a valid session carries a rejection".into());
    if let Some(code) = session.rejected() {
        // A cut-short chunk set is reported as such, on top of what verification says.
        let known = VERIFY_CODES.contains(&code) || DECRYPT_CODES.contains(&code) || code == ErrorCode::Incomplete;
        ensure(known, || format!("rejected with {code}"));
    }
    let data_in = session.to_json();
    for (scheme, status) in [(Scheme::Https, 200), (Scheme::Http, 500)] {
        let out = sessions.commit_headers(&session, &ResponseInfo::status(status), NOW, scheme);
        if let Some(answer) = &out.answer {
            // Re-signing adds iat/exp/orig_iat, so a session at the size limit may not fit.
            ensure(answer.code == ErrorCode::TooLarge, || format!("commit failed: {}", answer.log));
            continue;
        }
        if status >= 500 {
            ensure(out.set_cookies().next().is_none(), || "a 5xx response set a cookie".into());
        }
        for line in out.set_cookies() {
            ensure(line.bytes().all(|b| b == b' ' || b.is_ascii_graphic()), || {
                "Set-Cookie with a control or non-ASCII byte".into()
            });
            let pair = line.split(';').next().unwrap_or_default();
            ensure(pair.len() <= MAX_COOKIE_BYTES + 1, || format!("a cookie of {} bytes", pair.len()));
            ensure(pair.starts_with("jwtsession"), || format!("a cookie that is not ours: {pair:.40}"));
        }
        if out.decision == Decision::Issue {
            // A browser sends back the name=value pairs: the same data must come back.
            let jar: Vec<&str> = out
                .set_cookies()
                .filter(|c| !c.contains("Max-Age=0"))
                .map(|c| c.split(';').next().unwrap_or_default())
                .collect();
            let back = sessions.load_cookie_header(Some(&jar.join("; ")), NOW + 1);
            ensure(back.to_json() == data_in, || "the session did not survive a round trip through the jar".into());
        }
    }
}

/// The browser package's decoder (`decode` / `readSession` call `jwt::decode_unverified_json`):
/// a JSON object's text or one of its four codes, never a panic.
pub fn decode_unverified(data: &[u8]) {
    let token = String::from_utf8_lossy(data);
    for part in [Part::Header, Part::Payload] {
        match jwt::decode_unverified_json(&token, part) {
            Ok(text) => {
                ensure(text.trim_start().starts_with('{'), || "decoded text is not an object".into());
                ensure(text.len() <= token.len(), || "decoded text longer than the token".into());
            }
            Err(e) => check_error(
                &e,
                &token,
                &[ErrorCode::TooLarge, ErrorCode::Malformed, ErrorCode::BadBase64, ErrorCode::BadJson],
            ),
        }
    }
    match jwt::decode_unverified(&token) {
        Ok(claims) => {
            // The text the browser gets parses to the same object.
            let text = jwt::decode_unverified_json(&token, Part::Payload).unwrap_or_default();
            ensure(serde_json::from_str::<Map<String, Value>>(&text).is_ok_and(|c| c == claims), || {
                "decode_unverified and decode_unverified_json disagree".into()
            });
        }
        Err(e) => check_error(
            &e,
            &token,
            &[ErrorCode::TooLarge, ErrorCode::Malformed, ErrorCode::BadBase64, ErrorCode::BadJson],
        ),
    }
}
