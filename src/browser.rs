//! (feature `browser`) The wasm-bindgen exports behind the npm package in `js/`.
//!
//! Thin on purpose: the token is taken apart by [`crate::jwt::decode_unverified_json`], the
//! decoder the Worker uses, and the cookies are found by [`crate::cookie::session_cookies`],
//! the parser the Worker uses, so both sides agree on every input and give the same error
//! codes. JSON is parsed on the JavaScript side (`JSON.parse`), which gives numbers and key
//! order as JavaScript expects (no failure on integers above 2^53) and keeps `serde_json` out
//! of the package. Nothing here verifies a signature: there is no key in a browser.
//!
//! Each export returns one string, so a call crosses the boundary once each way. A failure is
//! a string that starts with [`FAILURE`] (NUL), which no successful result can: those start
//! with JSON whitespace or `{`.
//!
//! # Examples
//!
//! ```
//! use worker_jwt_session::browser::{decode_json, session_json, FAILURE};
//! let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
//! assert_eq!(decode_json(token, false), r#"{"counter":1}"#);
//! assert_eq!(decode_json(token, true), r#"{"alg":"HS256","typ":"JWT"}"#);
//! assert_eq!(decode_json("a.b", false), "\0malformed: token must be three non-empty base64url segments");
//! assert!(decode_json("a.b", false).starts_with(FAILURE));
//!
//! // Every payload that decodes, in the order the Worker tries them, each followed by NUL.
//! let cookie = format!("theme=dark; jwtsession=junk; jwtsession=\"{token}\"");
//! assert_eq!(session_json(&cookie, "jwtsession"), "{\"counter\":1}\0");
//! ```

use wasm_bindgen::prelude::wasm_bindgen;

use crate::cookie::session_cookies;
use crate::error::Error;
use crate::jwt::{decode_unverified_json, Part};

/// First character of a failed [`decode_json`], followed by `code: message` (the `Display` of
/// [`Error`]). Also what ends each payload in [`session_json`]'s answer.
pub const FAILURE: char = '\0';

/// The most chunks a Worker can be configured to write (`CookieOptions::max_chunks` is at most
/// 32): the browser does not know the configuration, so it reassembles as many as may exist.
/// [`decode_unverified_json`] then reads tokens of at most 64 KiB (16 full chunks).
const MAX_CHUNKS: usize = 32;

/// The package's wasm holds a few short-lived buffers per call: a small free-list allocator
/// instead of Rust's default (dlmalloc, about 8 KB of the module). Only when the crate is
/// built for the browser alone, so a Worker built with more features keeps the default one.
#[cfg(all(target_arch = "wasm32", not(feature = "worker"), not(feature = "js-worker")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// The JSON text of a token's payload (or of its header when `header` is true), **without
/// verifying the signature**; or, when the token cannot be decoded, [`FAILURE`] followed by
/// `code: message`.
///
/// Goes through [`decode_unverified_json`]: three non-empty segments, at most 64 KiB, canonical
/// unpadded base64url, UTF-8, and a text that starts as a JSON object. The caller parses it.
#[wasm_bindgen(js_name = decodeJson)]
#[must_use]
pub fn decode_json(token: &str, header: bool) -> String {
    let part = if header { Part::Header } else { Part::Payload };
    decode_unverified_json(token, part).unwrap_or_else(|err| failure(&err))
}

/// The payload JSON text of every session token in a `Cookie` header (or `document.cookie`)
/// that decodes, in the order the Worker tries them, each followed by [`FAILURE`] (NUL, which a
/// valid JSON text never holds, so a text that does is left out).
///
/// Candidates are those of [`session_cookies`]: each plain `name` cookie in order, then the
/// reassembled chunks `name.0`, `name.1`, … (as many as a Worker may write). Quoted values are
/// unquoted there; percent-encoded ones (`%2E`, as some cookie libraries write) are decoded
/// here. Deciding which payload is still valid (`exp`) is left to the caller, which parses
/// them.
#[wasm_bindgen(js_name = sessionJson)]
#[must_use]
pub fn session_json(cookie_header: &str, name: &str) -> String {
    let mut out = String::new();
    for candidate in session_cookies(cookie_header, name, MAX_CHUNKS).candidates {
        let Some(token) = percent_decode(candidate) else { continue };
        if let Ok(text) = decode_unverified_json(&token, Part::Payload) {
            // Bytes, not `str::contains`, whose generic code links in panics and `core::fmt`.
            if !text.bytes().any(|b| b == 0) {
                out.push_str(&text);
                out.push(FAILURE);
            }
        }
    }
    out
}

/// `code: message`, as [`Error`]'s `Display` writes it, after [`FAILURE`]; pushed piece by
/// piece so that `core::fmt` stays out of the package.
fn failure(err: &Error) -> String {
    let (code, message) = (err.code().as_str(), err.message());
    let mut out = String::with_capacity(1 + code.len() + 2 + message.len());
    out.push(FAILURE);
    out.push_str(code);
    out.push_str(": ");
    out.push_str(message);
    out
}

/// Decodes `%XX` escapes, as `decodeURIComponent` does for a cookie value written with
/// `encodeURIComponent`; `None` when the result is not UTF-8. A `%` without two hex digits
/// after it stays as it is. Values without `%` (every token the Worker writes) are returned
/// untouched.
fn percent_decode(value: String) -> Option<String> {
    if !value.bytes().any(|b| b == b'%') {
        return Some(value);
    }
    let mut bytes = value.into_bytes();
    let (mut read, mut write) = (0, 0);
    while let Some(&b) = bytes.get(read) {
        let escaped = match (b, bytes.get(read + 1), bytes.get(read + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex(hi).zip(hex(lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        let (byte, len) = escaped.map_or((b, 1), |byte| (byte, 3));
        if let Some(slot) = bytes.get_mut(write) {
            *slot = byte;
        }
        read += len;
        write += 1;
    }
    bytes.truncate(write);
    String::from_utf8(bytes).ok()
}

fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookie::CookieOptions;

    const TOKEN: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";

    #[test]
    fn failures_carry_the_code_and_message_of_the_core() {
        for (token, part) in [("a.b", Part::Payload), ("e31.e30.e30", Part::Header), ("e30.WzFd.e30", Part::Payload)] {
            let err = decode_unverified_json(token, part).unwrap_err();
            let got = decode_json(token, part == Part::Header);
            assert_eq!(got, format!("{FAILURE}{err}"));
        }
    }

    #[test]
    fn max_chunks_is_the_most_a_worker_can_be_configured_with() {
        let opts = |max_chunks| CookieOptions { max_chunks, ..CookieOptions::default() };
        assert!(opts(MAX_CHUNKS).validate().is_ok());
        assert!(opts(MAX_CHUNKS + 1).validate().is_err());
    }

    #[test]
    fn percent_encoded_cookies_are_decoded() {
        let encoded = TOKEN.replace('.', "%2E").replace('e', "%65");
        assert_eq!(session_json(&format!("jwtsession={encoded}"), "jwtsession"), "{\"counter\":1}\0");
        assert_eq!(percent_decode("a%2x%%41%4".into()).as_deref(), Some("a%2x%A%4"));
        assert_eq!(percent_decode("%C3%A9".into()).as_deref(), Some("é"));
        assert_eq!(percent_decode("%FF".into()), None);
    }

    #[test]
    fn chunks_and_tossed_cookies_come_in_the_workers_order() {
        let (a, b) = TOKEN.split_at(40);
        let other =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoyfQ.1FapXphQivj9kYFArjb6I-Jr-2skXk_G5kCTbqJDOA0";
        let header = format!("jwtsession.1={b}; jwtsession={other}; x=1; jwtsession.0={a}; jwtsession=bad");
        assert_eq!(session_json(&header, "jwtsession"), "{\"counter\":2}\0{\"counter\":1}\0");
        assert_eq!(session_json(&header, "other"), "");
    }

    #[test]
    fn payloads_holding_nul_are_left_out() {
        let nul = format!("e30.{}.e30", crate::jwt::b64_encode(b"{\"a\":\"\0\"}"));
        assert_eq!(session_json(&format!("s={nul}; s={TOKEN}"), "s"), "{\"counter\":1}\0");
    }
}
