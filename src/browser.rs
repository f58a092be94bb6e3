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
//! assert_eq!(decode_json("abc", false), "\0malformed: token must be three base64url segments, the first two non-empty");
//! assert!(decode_json("a.b", false).starts_with(FAILURE)); // "a" is no base64url
//!
//! // Every payload that decodes, in the order the Worker tries them, each followed by NUL.
//! let cookie = format!("theme=dark; jwtsession=junk; jwtsession=\"{token}\"");
//! assert_eq!(session_json(&cookie, "jwtsession", 4), "{\"counter\":1}\0");
//! ```

use wasm_bindgen::prelude::wasm_bindgen;

use crate::claims::DEFAULT_LEEWAY_SECS;
use crate::cookie::{csrf_cookie_name, parse_cookie_header, session_cookies, DEFAULT_MAX_CHUNKS, MAX_CHUNKS_LIMIT};
use crate::error::{Error, ErrorCode};
use crate::jwe::{header_json, is_jwe};
use crate::jwt::{decode_unverified_json, Part};

/// First character of a failed [`decode_json`], followed by `code: message` (the `Display` of
/// [`Error`]). Also what ends each payload in [`session_json`]'s answer.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::browser::{decode_json, FAILURE};
/// // A failure is told from a payload by its first char alone: no JSON text starts with NUL.
/// let answer = decode_json("not-a-token", false);
/// assert!(answer.starts_with(FAILURE));
/// assert_eq!(answer.strip_prefix(FAILURE).and_then(|rest| rest.split(':').next()), Some("malformed"));
/// ```
pub const FAILURE: char = '\0';

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
/// Goes through [`decode_unverified_json`]: three segments (the first two non-empty), at most 128 KiB, canonical
/// unpadded base64url, UTF-8, and a text that starts as a JSON object. The caller parses it.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::browser::decode_json;
/// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
/// assert_eq!(decode_json(token, false), r#"{"counter":1}"#);
/// // The signature is not checked, so what this shows is never proof of anything.
/// let forged = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.forged";
/// assert_eq!(decode_json(forged, false), r#"{"counter":1}"#);
/// ```
///
/// An encrypted session (a JWE, five segments) cannot be read here, by design: the page has no
/// key. Its payload is a failure with the code `decrypt`; its header (how it was encrypted)
/// is readable.
///
/// ```
/// use worker_jwt_session::browser::{decode_json, FAILURE};
/// let jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn";
/// assert!(decode_json(jwe, false).starts_with("\0decrypt: the session is encrypted"));
/// assert_eq!(decode_json(jwe, true), r#"{"alg":"dir","enc":"A256GCM"}"#);
/// ```
#[wasm_bindgen(js_name = decodeJson)]
#[must_use]
pub fn decode_json(token: &str, header: bool) -> String {
    let part = if header { Part::Header } else { Part::Payload };
    if is_jwe(token) {
        return match part {
            Part::Header => header_json(token).unwrap_or_else(|err| failure(&err)),
            Part::Payload => failure(&Error::new(ErrorCode::Decrypt, ENCRYPTED)),
        };
    }
    decode_unverified_json(token, part).unwrap_or_else(|err| failure(&err))
}

/// Why the page cannot read an encrypted session.
const ENCRYPTED: &str =
    "the session is encrypted (JWT_SESSION_MODE = encrypted): only the Worker can read it; the page has no key, by design";

/// The first non-empty value of the readable `name.csrf` cookie, which a Worker in encrypted
/// mode with CSRF protection on sets (the page cannot read the `csrf` claim inside the JWE);
/// the empty string when there is none. Found by the Worker's own cookie parser.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::browser::csrf_cookie;
/// assert_eq!(csrf_cookie("theme=dark; jwtsession.csrf=abc; jwtsession=x", "jwtsession"), "abc");
/// assert_eq!(csrf_cookie("jwtsession=a.b.c", "jwtsession"), "");
/// ```
#[wasm_bindgen(js_name = csrfCookie)]
#[must_use]
pub fn csrf_cookie(cookie_header: &str, name: &str) -> String {
    let csrf_name = csrf_cookie_name(name);
    parse_cookie_header(cookie_header)
        .find(|(cookie_name, value)| *cookie_name == csrf_name && !value.is_empty())
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

/// The payload JSON text of every session token in a `Cookie` header (or `document.cookie`)
/// that decodes, in the order the Worker tries them, each followed by [`FAILURE`] (NUL, which a
/// valid JSON text never holds, so a text that does is left out).
///
/// Candidates are those of [`session_cookies`], the Worker's own parser, with the Worker's own
/// bound: each plain `name` cookie in order, then the chunks `name.0`, `name.1`, … put back
/// together, at most `max_chunks` of them (clamped to 1..=32), so at most `max_chunks × 4096`
/// bytes, as a Worker configured with `JWT_SESSION_MAX_CHUNKS = max_chunks` accepts. Values are
/// unquoted, never percent-decoded, exactly as the Worker reads them. Deciding which payload
/// is still valid (`exp`) is left to the caller, which parses them.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::browser::{session_json, FAILURE};
/// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
/// let (a, b) = token.split_at(40);
/// // A session the Worker split into chunks comes back whole, first; cookies that do not decode
/// // are left out (a shorter reassembly may follow: the caller's JSON.parse drops it).
/// let cookie = format!("jwtsession.1={b}; theme=dark; jwtsession=junk; jwtsession.0={a}");
/// let all = session_json(&cookie, "jwtsession", 4);
/// let payloads: Vec<&str> = all.split_terminator(FAILURE).collect();
/// assert_eq!(payloads.first(), Some(&r#"{"counter":1}"#));
/// ```
#[wasm_bindgen(js_name = sessionJson)]
#[must_use]
pub fn session_json(cookie_header: &str, name: &str, max_chunks: usize) -> String {
    let mut out = String::new();
    for candidate in session_cookies(cookie_header, name, max_chunks.clamp(1, MAX_CHUNKS_LIMIT)).candidates {
        if let Ok(text) = decode_unverified_json(&candidate.token, Part::Payload) {
            // Bytes, not `str::contains`, whose generic code links in panics and `core::fmt`.
            if !text.bytes().any(|b| b == 0) {
                out.push_str(&text);
                out.push(FAILURE);
            }
        }
    }
    out
}

/// The Worker's default leeway on `exp`, in seconds (`JWT_SESSION_LEEWAY`), so that
/// `readSession` and the Worker agree on when a session has expired.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{browser::default_leeway_secs, claims::Validation};
/// // The page and a Worker with default settings agree on when a session has expired.
/// assert_eq!(u64::from(default_leeway_secs()), Validation::default().leeway_secs);
/// ```
#[wasm_bindgen(js_name = defaultLeewaySecs)]
#[must_use]
pub fn default_leeway_secs() -> u32 {
    u32::try_from(DEFAULT_LEEWAY_SECS).unwrap_or(u32::MAX)
}

/// The Worker's default `JWT_SESSION_MAX_CHUNKS`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{browser::default_max_chunks, cookie::CookieOptions};
/// assert_eq!(default_max_chunks(), CookieOptions::default().max_chunks);
/// ```
#[wasm_bindgen(js_name = defaultMaxChunks)]
#[must_use]
pub fn default_max_chunks() -> usize {
    DEFAULT_MAX_CHUNKS
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
    fn percent_encoded_cookies_are_read_as_the_worker_reads_them() {
        // One decoding rule on both sides: the Worker does not percent-decode, so neither
        // does the page (it would otherwise show a session the Worker rejects).
        let encoded = TOKEN.replace('.', "%2E");
        assert_eq!(session_json(&format!("jwtsession={encoded}"), "jwtsession", 4), "");
        let sessions = crate::JwtSessions::builder("Use something big and randomly-generated here")
            .allow_legacy_tokens(true)
            .build()
            .unwrap();
        let header = format!("jwtsession={encoded}");
        assert!(sessions.load_cookie_header(Some(&header), 0).is_empty());
        assert!(!sessions.load_cookie_header(Some(&format!("jwtsession={TOKEN}")), 0).is_empty());
    }

    #[test]
    fn the_size_bound_follows_max_chunks_as_in_the_worker() {
        let sessions = |max_chunks| {
            crate::JwtSessions::builder("Use something big and randomly-generated here")
                .max_chunks(max_chunks)
                .build()
                .unwrap()
        };
        let session = sessions(8).load_cookie_header(None, 1000);
        session.insert("big", "x".repeat(20_000)).unwrap();
        let plan = sessions(8).commit_headers(&session, &crate::ResponseInfo::status(200), 1000, crate::Scheme::Https);
        let jar: Vec<&str> = plan.set_cookies().map(|c| c.split(';').next().unwrap()).collect();
        assert!(jar.len() > 4, "{}", jar.len());
        let header = jar.join("; ");
        assert_eq!(session_json(&header, "jwtsession", 8).matches(FAILURE).count(), 1);
        assert_eq!(session_json(&header, "jwtsession", 4), "", "as a Worker with max_chunks 4 would refuse it");
        assert!(!sessions(8).load_cookie_header(Some(&header), 1001).is_empty());
        assert!(sessions(4).load_cookie_header(Some(&header), 1001).is_empty());
    }

    #[test]
    fn defaults_are_the_workers() {
        assert_eq!(u64::from(default_leeway_secs()), crate::claims::Validation::default().leeway_secs);
        assert_eq!(default_max_chunks(), CookieOptions::default().max_chunks);
    }

    #[test]
    fn chunks_and_tossed_cookies_come_in_the_workers_order() {
        let (a, b) = TOKEN.split_at(40);
        let other =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoyfQ.1FapXphQivj9kYFArjb6I-Jr-2skXk_G5kCTbqJDOA0";
        let header = format!("jwtsession.1={b}; jwtsession={other}; x=1; jwtsession.0={a}; jwtsession=bad");
        assert_eq!(session_json(&header, "jwtsession", 4), "{\"counter\":2}\0{\"counter\":1}\0");
        assert_eq!(session_json(&header, "other", 4), "");
    }

    #[test]
    fn an_encrypted_session_is_no_session_for_the_page() {
        let jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..QkJCQkJCQkJCQkJC.e30.AAAAAAAAAAAAAAAAAAAAAA";
        let got = decode_json(jwe, false);
        assert!(got.starts_with("\0decrypt: ") && got.contains("only the Worker"), "{got:?}");
        assert_eq!(session_json(&format!("jwtsession={jwe}"), "jwtsession", 4), "");
        // A readable session beside it (a leftover from single mode) is still found.
        assert_eq!(
            session_json(&format!("jwtsession={jwe}; jwtsession={TOKEN}"), "jwtsession", 4),
            "{\"counter\":1}\0"
        );
        assert_eq!(csrf_cookie(&format!("jwtsession={jwe}; jwtsession.csrf=tok"), "jwtsession"), "tok");
        assert_eq!(csrf_cookie("jwtsession.csrf=; jwtsession.csrf=second", "jwtsession"), "second");
        assert_eq!(csrf_cookie("other.csrf=x", "jwtsession"), "");
    }

    #[test]
    fn payloads_holding_nul_are_left_out() {
        let nul = format!("e30.{}.e30", crate::jwt::b64_encode(b"{\"a\":\"\0\"}"));
        assert_eq!(session_json(&format!("s={nul}; s={TOKEN}"), "s", 4), "{\"counter\":1}\0");
    }
}
