//! Compact JWS (RFC 7515) with HS256, HS384 and HS512: sign, verify, and decoding without
//! verification kept visibly apart ([`decode_unverified`]).
//!
//! Verification runs in the order of the design, each failure with its own code: size, three
//! segments, canonical base64url, header a JSON object, `alg` in the allow-list, no `crit`,
//! `typ` `JWT`, key by `kid`, signature (constant time), payload a JSON object, time claims.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Map, Value};

pub use crate::alg::Algorithm;
pub use crate::b64::{b64_encode, decode_segment};
use crate::claims::{self, TimeClaims, Validation};
use crate::error::{Error, ErrorCode};
use crate::keys::KeyRing;

/// A JSON object: the payload of a token, or a session's data.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{jwt::Claims, Session};
/// let session = Session::new();
/// session.insert("z", 1)?;
/// session.insert("a", 2)?;
/// // Keys keep the order they were set in, in the session and in the token.
/// let data: Claims = session.to_json();
/// assert_eq!(data.keys().collect::<Vec<_>>(), ["z", "a"]);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub type Claims = Map<String, Value>;

/// The header of a verified token.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::Validation, jwt::{self, Algorithm, Claims, Header}, keys::KeyRing};
/// let ring = KeyRing::new("the new secret, at least thirty-two bytes")?.with_previous("the old secret, at least thirty-two bytes")?;
/// let mut claims = Claims::new();
/// claims.insert("exp".into(), 2000.into());
/// let token = jwt::sign(&claims, &ring, Algorithm::HS256)?;
/// let verified = jwt::verify(&token, &ring, &Validation::default(), 1000)?;
/// // With several keys, a token names the one that signed it.
/// let kid = Some(ring.current().kid().to_owned());
/// assert_eq!(verified.header, Header { alg: Some(Algorithm::HS256), kid });
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The algorithm that signed it; `None` for an encrypted session (a JWE, `alg` `dir`:
    /// AES-GCM authenticates it, nothing signs it; see [`crate::jwe`]).
    pub alg: Option<Algorithm>,
    /// The key id, when the token carried one.
    pub kid: Option<String>,
}

/// A token that verified.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::Validation, jwt::{self, Algorithm, Claims}, keys::KeyRing};
/// let ring = KeyRing::new("a secret of at least thirty-two bytes!!")?;
/// let mut claims = Claims::new();
/// claims.insert("user".into(), "ada".into());
/// claims.insert("exp".into(), 2000.into());
/// let verified = jwt::verify(&jwt::sign(&claims, &ring, Algorithm::HS256)?, &ring, &Validation::default(), 1500)?;
/// assert_eq!(verified.claims["user"], "ada");
/// assert_eq!(verified.time.exp, Some(2000));
/// // Signed by the current key: nothing to re-sign.
/// assert_eq!(verified.key_index, 0);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    /// Its header.
    pub header: Header,
    /// Its payload (the session data plus the time claims).
    pub claims: Claims,
    /// Its time claims, as whole seconds.
    pub time: TimeClaims,
    /// Index in the key ring of the key that verified it: 0 is the current key, more is a
    /// previous key (the token is due to be re-signed).
    pub key_index: usize,
}

impl Verified {
    /// Whether the token lacks `exp`, as the legacy `wsgi_jwt_session` tokens do.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{claims::Validation, jwt, keys::KeyRing};
    /// // A cookie of the Python `wsgi_jwt_session`, which wrote no `exp`.
    /// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
    /// let ring = KeyRing::new("Use something big and randomly-generated here")?;
    /// let legacy = Validation { require_exp: false, ..Validation::default() };
    /// assert!(jwt::verify(token, &ring, &legacy, 1_700_000_000)?.is_legacy());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn is_legacy(&self) -> bool {
        self.time.exp.is_none()
    }
}

/// Splits a compact JWS into its three segments, after checking its size. The header and the
/// payload must not be empty; the signature may be, so that an unsigned token (`alg: none`)
/// reaches the algorithm check and is reported as [`ErrorCode::UnsupportedAlgorithm`], as jose
/// and PyJWT report it.
///
/// # Errors
///
/// [`ErrorCode::TooLarge`] past `max_bytes`; [`ErrorCode::Malformed`] unless there are exactly
/// three segments, the first two non-empty.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{jwt::split_token, ErrorCode};
/// assert_eq!(split_token("a.b.c", 100).unwrap(), ["a", "b", "c"]);
/// assert_eq!(split_token("a.b.", 100).unwrap(), ["a", "b", ""]);
/// assert_eq!(split_token("a.b", 100).unwrap_err().code(), ErrorCode::Malformed);
/// assert_eq!(split_token("a.b.c", 4).unwrap_err().code(), ErrorCode::TooLarge);
/// ```
pub fn split_token(token: &str, max_bytes: usize) -> Result<[&str; 3], Error> {
    if token.len() > max_bytes {
        return Err(Error::new(
            ErrorCode::TooLarge,
            // No numbers: formatting them would link `core::fmt` into the browser package.
            "token is longer than the limit (max_token_bytes)",
        ));
    }
    // A one-char array, not a char: the char searcher's bounds checks link formatted panics
    // (and `core::fmt`) into the browser package's wasm.
    let mut parts = token.split(['.']);
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) if !h.is_empty() && !p.is_empty() => Ok([h, p, s]),
        (_, _, _, Some(_)) => {
            Err(Error::new(ErrorCode::Malformed, "token has more than three segments (a JWE or garbage, not a JWS)"))
        }
        _ => Err(Error::new(ErrorCode::Malformed, "token must be three base64url segments, the first two non-empty")),
    }
}

/// `[header, payload, ""]` for split mode's `header.payload`, with the checks of
/// [`split_token`].
fn split_token_parts<'a>(h64: &'a str, p64: &'a str, len: usize) -> Result<[&'a str; 3], Error> {
    if len > claims::DEFAULT_MAX_TOKEN_BYTES {
        return Err(Error::new(ErrorCode::TooLarge, "token is longer than the limit (max_token_bytes)"));
    }
    if h64.is_empty() || p64.is_empty() {
        return Err(Error::new(
            ErrorCode::Malformed,
            "token must be three base64url segments, the first two non-empty",
        ));
    }
    Ok([h64, p64, ""])
}

/// Parses JSON that must be an object. Serde would also accept an array for a struct, so the
/// first byte is checked; serde_json bounds nesting (128 levels) and rejects trailing data.
pub(crate) fn parse_object<'de, T: Deserialize<'de>>(bytes: &'de [u8], what: &'static str) -> Result<T, Error> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(Error::new(ErrorCode::BadJson, format!("{what} is not a JSON object")));
    }
    // RFC 7515 §5.2: UTF-8 JSON. serde_json skips the members it ignores (unknown header
    // members) without checking their bytes, so the whole text is checked here, once:
    // `from_str` does not check it again.
    let text =
        std::str::from_utf8(bytes).map_err(|_| Error::new(ErrorCode::BadJson, format!("{what} is not UTF-8")))?;
    serde_json::from_str(text).map_err(|e| {
        // serde_json's message names a line and column, never the input itself.
        Error::new(ErrorCode::BadJson, format!("{what} is not a valid JSON object ({e})"))
    })
}

/// The header members we act on. Derived deserialization refuses a duplicated member, so a
/// header cannot say `"alg":"HS256"` to one parser and `"alg":"none"` to another.
///
/// Every member goes through `present`, so a member set to `null` counts as present (and is then
/// refused for its type) rather than as absent: `"crit":null` must not slip through.
#[derive(Deserialize)]
struct RawHeader {
    #[serde(default, deserialize_with = "present")]
    alg: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    typ: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    kid: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    crit: Option<Value>,
}

pub(crate) fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// The algorithm and the key id of a JWS header that passes the checks.
fn check_header(raw: RawHeader, allowed: &[Algorithm]) -> Result<(Algorithm, Option<String>), Error> {
    let alg = match &raw.alg {
        Some(Value::String(name)) if name.eq_ignore_ascii_case("none") => {
            return Err(Error::new(ErrorCode::UnsupportedAlgorithm, "alg `none` is never accepted"));
        }
        Some(Value::String(name)) => match Algorithm::from_header(name) {
            Some(alg) if allowed.contains(&alg) => alg,
            _ => return Err(Error::new(ErrorCode::UnsupportedAlgorithm, "alg is not in the allow-list")),
        },
        Some(_) => return Err(Error::new(ErrorCode::UnsupportedAlgorithm, "alg is not a string")),
        None => return Err(Error::new(ErrorCode::UnsupportedAlgorithm, "header has no alg")),
    };
    if raw.crit.is_some() {
        // RFC 7515 §4.1.11: we understand no extension, so any `crit` must be rejected.
        return Err(Error::new(ErrorCode::Malformed, "header has `crit`; no extensions are supported"));
    }
    match &raw.typ {
        None => {}
        Some(Value::String(t)) if t.eq_ignore_ascii_case("JWT") => {}
        Some(_) => return Err(Error::new(ErrorCode::Malformed, "header typ is not JWT")),
    }
    let kid = match raw.kid {
        None => None,
        Some(Value::String(k)) => Some(k),
        Some(_) => return Err(Error::new(ErrorCode::Malformed, "header kid is not a string")),
    };
    Ok((alg, kid))
}

/// Verifies a token against a key ring, at time `now` (seconds since the Unix epoch).
///
/// # Errors
///
/// The first failing check's code, in the order of the module docs: [`ErrorCode::TooLarge`],
/// [`ErrorCode::Malformed`], [`ErrorCode::BadBase64`], [`ErrorCode::BadJson`],
/// [`ErrorCode::UnsupportedAlgorithm`], [`ErrorCode::UnknownKey`], [`ErrorCode::BadSignature`],
/// then the time checks of [`claims::check`].
///
/// # Examples
///
/// ```
/// use serde_json::json;
/// use worker_jwt_session::{claims::Validation, jwt, keys::KeyRing, ErrorCode};
/// let ring = KeyRing::new("a secret of at least thirty-two bytes!!")?;
/// let claims = json!({"counter": 1, "iat": 1000, "exp": 2000});
/// let token = jwt::sign(claims.as_object().unwrap(), &ring, jwt::Algorithm::HS256)?;
/// let ok = jwt::verify(&token, &ring, &Validation::default(), 1500)?;
/// assert_eq!(ok.claims["counter"], 1);
/// let other = KeyRing::new("another secret of at least thirty-two bytes")?;
/// let err = jwt::verify(&token, &other, &Validation::default(), 1500).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::BadSignature);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn verify(token: &str, ring: &KeyRing, validation: &Validation, now: u64) -> Result<Verified, Error> {
    let mut unbounded = usize::MAX;
    verify_within(token, ring, validation, now, &mut unbounded)
}

/// [`verify`], hashing at most `budget` bytes (the signing input once per key tried): the engine
/// shares one budget between every cookie of a request, so that no header, however many
/// well-formed fakes it carries, costs more than a bounded amount of hashing. What is hashed is
/// taken off `budget`; a token that would need more is [`ErrorCode::TooLarge`] and empties it.
///
/// # Errors
///
/// As [`verify`], plus [`ErrorCode::TooLarge`] when the budget does not cover the token.
pub(crate) fn verify_within(
    token: &str,
    ring: &KeyRing,
    validation: &Validation,
    now: u64,
    budget: &mut usize,
) -> Result<Verified, Error> {
    let [h64, p64, s64] = split_token(token, validation.max_token_bytes)?;
    let header_bytes = decode_segment(h64)?;
    let payload_bytes = decode_segment(p64)?;
    let signature = decode_segment(s64)?;
    let (alg, kid) = check_header(parse_object(&header_bytes, "header")?, &validation.algorithms)?;

    let bad_signature = || Error::new(ErrorCode::BadSignature, "signature does not match");
    // A signature of the wrong length cannot match: say so before hashing anything.
    if signature.len() != alg.mac_len() {
        return Err(bad_signature());
    }
    let signing_input = token.get(..h64.len() + 1 + p64.len()).unwrap_or_default().as_bytes();
    let candidates: Vec<(usize, &crate::keys::Key)> = match &kid {
        Some(kid) => vec![ring
            .find(kid)
            .ok_or_else(|| Error::new(ErrorCode::UnknownKey, "no configured key has the token's kid"))?],
        None => ring.keys().iter().enumerate().collect(),
    };
    let cost = signing_input.len().saturating_mul(candidates.len());
    if cost > *budget {
        *budget = 0;
        return Err(Error::new(
            ErrorCode::TooLarge,
            "the request's session cookies need more hashing than one request may do",
        ));
    }
    *budget -= cost;
    let key_index = candidates
        .into_iter()
        .find(|(_, key)| key.verify(alg, signing_input, &signature))
        .map(|(index, _)| index)
        .ok_or_else(bad_signature)?;

    let claims: Claims = parse_object(&payload_bytes, "payload")?;
    let time = claims::check(&claims, validation, now)?;
    Ok(Verified { header: Header { alg: Some(alg), kid }, claims, time, key_index })
}

/// Signs `claims` with the ring's current key. The header is `{"alg":…,"typ":"JWT"}` in that
/// order, as PyJWT writes it, with `"kid"` added when the ring holds more than one key.
///
/// The claims are signed as given: the session layer adds `iat`/`exp`.
///
/// # Errors
///
/// [`ErrorCode::BadJson`] if serialization fails (it does not for a `Map` of `Value`s).
///
/// # Examples
///
/// ```
/// use serde_json::json;
/// use worker_jwt_session::{jwt, keys::KeyRing};
/// let ring = KeyRing::new("Use something big and randomly-generated here")?;
/// let token = jwt::sign(json!({"counter": 1}).as_object().unwrap(), &ring, jwt::Algorithm::HS256)?;
/// // Byte for byte the cookie of the wsgi_jwt_session README.
/// assert_eq!(token, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q");
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn sign(claims: &Claims, ring: &KeyRing, alg: Algorithm) -> Result<String, Error> {
    let payload = serde_json::to_vec(claims)
        .map_err(|e| Error::new(ErrorCode::BadJson, format!("claims cannot be serialized ({e})")))?;
    let key = ring.current();
    let header = if ring.writes_kid() {
        // The kid is base64url, so it needs no JSON escaping.
        format!(r#"{{"alg":"{}","typ":"JWT","kid":"{}"}}"#, alg.as_str(), key.kid())
    } else {
        format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.as_str())
    };
    let mut token = String::with_capacity((header.len() + payload.len()) * 4 / 3 + alg.mac_len() * 4 / 3 + 4);
    URL_SAFE_NO_PAD.encode_string(header.as_bytes(), &mut token);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
    let signature = key.sign(alg, token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
    Ok(token)
}

/// Which part [`decode_unverified_json`] returns.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwt::{decode_unverified_json, Part};
/// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
/// assert_eq!(decode_unverified_json(token, Part::Header)?, r#"{"alg":"HS256","typ":"JWT"}"#);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The JOSE header.
    Header,
    /// The payload (the session).
    Payload,
}

/// The JSON text of a token's header or payload, checked to be UTF-8 and to start as an object,
/// **without verifying the signature**. For the browser, whose `JSON.parse` then gives numbers
/// and key order as JavaScript expects, and for the CLI's `decode`. Takes a whole JWS or split
/// mode's readable half, `header.payload` (whose signature is in an `HttpOnly` cookie).
///
/// # Errors
///
/// [`ErrorCode::TooLarge`], [`ErrorCode::Malformed`], [`ErrorCode::BadBase64`],
/// [`ErrorCode::BadJson`] (not UTF-8, or not starting with `{`).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwt::{decode_unverified_json, Part};
/// let t = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
/// assert_eq!(decode_unverified_json(t, Part::Payload).unwrap(), r#"{"counter":1}"#);
/// let half = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ";
/// assert_eq!(decode_unverified_json(half, Part::Payload).unwrap(), r#"{"counter":1}"#);
/// ```
pub fn decode_unverified_json(token: &str, part: Part) -> Result<String, Error> {
    // Split mode's half has no signature segment: it is read as if the signature were empty.
    let dots = token.bytes().filter(|&b| b == b'.').count();
    let [h64, p64, _] = if dots == 1 {
        let (h64, p64) = token.split_once(['.']).unwrap_or((token, ""));
        split_token_parts(h64, p64, token.len())?
    } else {
        split_token(token, claims::DEFAULT_MAX_TOKEN_BYTES)?
    };
    // Whole messages, not format!: this is the browser package's path, kept free of core::fmt.
    let (segment, not_utf8, not_object) = match part {
        Part::Header => (h64, "header is not UTF-8", "header is not a JSON object"),
        Part::Payload => (p64, "payload is not UTF-8", "payload is not a JSON object"),
    };
    let text = String::from_utf8(decode_segment(segment)?).map_err(|_| Error::new(ErrorCode::BadJson, not_utf8))?;
    if !text.trim_start().starts_with('{') {
        return Err(Error::new(ErrorCode::BadJson, not_object));
    }
    Ok(text)
}

/// The payload of a token as a JSON object, **without verifying the signature**: for display
/// only, never for a decision.
///
/// # Errors
///
/// As [`decode_unverified_json`], plus [`ErrorCode::BadJson`] for invalid JSON.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwt::decode_unverified;
/// let t = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoyfQ.1FapXphQivj9kYFArjb6I-Jr-2skXk_G5kCTbqJDOA0";
/// assert_eq!(decode_unverified(t).unwrap()["counter"], 2);
/// ```
pub fn decode_unverified(token: &str) -> Result<Claims, Error> {
    parse_object(decode_unverified_json(token, Part::Payload)?.as_bytes(), "payload")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WSGI_SECRET: &str = "Use something big and randomly-generated here";
    const WSGI_1: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
    const WSGI_2: &str =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoyfQ.1FapXphQivj9kYFArjb6I-Jr-2skXk_G5kCTbqJDOA0";

    fn ring() -> KeyRing {
        KeyRing::new("0123456789abcdef0123456789abcdef").unwrap()
    }

    fn obj(v: Value) -> Claims {
        v.as_object().cloned().unwrap()
    }

    fn code(r: Result<Verified, Error>) -> ErrorCode {
        r.unwrap_err().code()
    }

    #[test]
    fn rfc7515_a1_hs256_example_verifies() {
        // RFC 7515 Appendix A.1: the header has a CRLF and spaces, so its bytes must be used
        // as sent, not re-serialized. Its exp (1300819380) is in 2011.
        let key = [
            3u8, 35, 53, 75, 43, 15, 165, 188, 131, 126, 6, 101, 119, 123, 166, 143, 90, 179, 40, 230, 240, 84, 201,
            40, 169, 15, 132, 178, 210, 80, 46, 191, 211, 251, 90, 146, 210, 6, 71, 239, 150, 138, 180, 195, 119, 98,
            61, 34, 61, 46, 33, 114, 5, 46, 79, 8, 192, 205, 154, 245, 103, 208, 128, 163,
        ];
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let ring = KeyRing::new(key).unwrap();
        let v = verify(token, &ring, &Validation::default(), 1_300_819_000).unwrap();
        assert_eq!(v.claims["iss"], "joe");
        assert_eq!(v.claims["http://example.com/is_root"], true);
        assert_eq!(v.time.exp, Some(1_300_819_380));
        assert_eq!(code(verify(token, &ring, &Validation::default(), 1_300_819_410)), ErrorCode::Expired);
        assert_eq!(
            decode_unverified_json(token, Part::Header).unwrap().as_bytes(),
            b"{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"
        );
    }

    #[test]
    fn wsgi_jwt_session_cookies_are_legacy_tokens() {
        let ring = KeyRing::new(WSGI_SECRET).unwrap();
        let legacy = Validation { require_exp: false, ..Validation::default() };
        for (token, n) in [(WSGI_1, 1), (WSGI_2, 2)] {
            let v = verify(token, &ring, &legacy, 1_800_000_000).unwrap();
            assert_eq!(v.claims, obj(json!({ "counter": n })));
            assert!(v.is_legacy());
            assert_eq!(code(verify(token, &ring, &Validation::default(), 0)), ErrorCode::MissingExp);
        }
        assert_eq!(sign(&obj(json!({"counter": 2})), &ring, Algorithm::HS256).unwrap(), WSGI_2);
    }

    #[test]
    fn round_trip_each_algorithm_and_allow_list() {
        let ring = KeyRing::new([7u8; 64]).unwrap();
        let all = Validation {
            algorithms: vec![Algorithm::HS256, Algorithm::HS384, Algorithm::HS512],
            ..Validation::default()
        };
        for alg in [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512] {
            let t = sign(&obj(json!({"a": "b", "exp": 100})), &ring, alg).unwrap();
            let v = verify(&t, &ring, &all, 50).unwrap();
            assert_eq!(v.header.alg, Some(alg));
            let sig = decode_segment(t.rsplit('.').next().unwrap()).unwrap();
            assert_eq!(sig.len(), alg.mac_len());
            if alg != Algorithm::HS256 {
                assert_eq!(code(verify(&t, &ring, &Validation::default(), 50)), ErrorCode::UnsupportedAlgorithm);
            }
        }
    }

    #[test]
    fn previous_key_verifies_with_its_index_and_kid() {
        let old = KeyRing::new("old secret old secret old secret!!").unwrap();
        let t_old = sign(&obj(json!({"exp": 100})), &old, Algorithm::HS256).unwrap();
        let ring = KeyRing::new("new secret new secret new secret!!")
            .unwrap()
            .with_previous("old secret old secret old secret!!")
            .unwrap();
        assert_eq!(verify(&t_old, &ring, &Validation::default(), 1).unwrap().key_index, 1);
        let t_new = sign(&obj(json!({"exp": 100})), &ring, Algorithm::HS256).unwrap();
        let v = verify(&t_new, &ring, &Validation::default(), 1).unwrap();
        assert_eq!((v.key_index, v.header.kid.as_deref()), (0, Some(ring.current().kid())));
        assert_eq!(code(verify(&t_new, &old, &Validation::default(), 1)), ErrorCode::UnknownKey);
    }

    fn forge(header: &str, payload: &str, sig: &[u8]) -> String {
        format!("{}.{}.{}", b64_encode(header.as_bytes()), b64_encode(payload.as_bytes()), b64_encode(sig))
    }

    fn signed(header: &str, payload: &str) -> String {
        let r = ring();
        let input = format!("{}.{}", b64_encode(header.as_bytes()), b64_encode(payload.as_bytes()));
        let sig = r.current().sign(Algorithm::HS256, input.as_bytes());
        format!("{input}.{}", b64_encode(&sig))
    }

    #[test]
    fn header_checks_come_in_order_with_distinct_codes() {
        let r = ring();
        let v = Validation::default();
        let p = r#"{"exp":100}"#;
        let cases: &[(&str, ErrorCode)] = &[
            (r#"{"alg":"none"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"nOnE","typ":"JWT"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"RS256"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"hs256"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":256}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"typ":"JWT"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"HS256","alg":"none"}"#, ErrorCode::BadJson),
            (r#"["HS256"]"#, ErrorCode::BadJson),
            (r#"{"alg":"HS256"} x"#, ErrorCode::BadJson),
            (r#"{"alg":"HS256","crit":["exp"]}"#, ErrorCode::Malformed),
            (r#"{"alg":"HS256","crit":null}"#, ErrorCode::Malformed),
            (r#"{"alg":"HS256","typ":null}"#, ErrorCode::Malformed),
            (r#"{"alg":"HS256","kid":null}"#, ErrorCode::Malformed),
            (r#"{"alg":null}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"HS256","typ":"JWE"}"#, ErrorCode::Malformed),
            (r#"{"alg":"HS256","kid":7}"#, ErrorCode::Malformed),
            (r#"{"alg":"HS256","kid":"../../etc/passwd"}"#, ErrorCode::UnknownKey),
        ];
        for (header, want) in cases {
            assert_eq!(code(verify(&signed(header, p), &r, &v, 1)), *want, "{header}");
        }
        assert!(verify(&signed(r#"{"alg":"HS256","typ":"jwt"}"#, p), &r, &v, 1).is_ok());
        assert!(verify(&signed(r#"{"alg":"HS256"}"#, p), &r, &v, 1).is_ok());
    }

    #[test]
    fn payload_must_be_a_json_object_after_the_signature() {
        let r = ring();
        let v = Validation::default();
        let h = r#"{"alg":"HS256","typ":"JWT"}"#;
        for p in ["[1]", "1", "\"x\"", "{\"a\":1} {}", "{", "null"] {
            assert_eq!(code(verify(&signed(h, p), &r, &v, 1)), ErrorCode::BadJson, "{p}");
            // Unsigned garbage fails on the signature first: nothing is parsed for a forger.
            assert_eq!(code(verify(&forge(h, p, &[0; 32]), &r, &v, 1)), ErrorCode::BadSignature, "{p}");
        }
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            code(verify(&signed(h, &deep), &r, &Validation { max_token_bytes: usize::MAX, ..v }, 1)),
            ErrorCode::BadJson
        );
    }

    #[test]
    fn structure_and_base64_errors() {
        let r = ring();
        let v = Validation::default();
        let good = signed(r#"{"alg":"HS256"}"#, r#"{"exp":9}"#);
        let (h, rest) = good.split_once('.').unwrap();
        let (p, s) = rest.split_once('.').unwrap();
        let cases: Vec<(String, ErrorCode)> = vec![
            (String::new(), ErrorCode::Malformed),
            (h.to_string(), ErrorCode::Malformed),
            (format!("{h}.{p}"), ErrorCode::Malformed),
            (format!("{h}.{p}.{s}.{s}"), ErrorCode::Malformed),
            (format!("{h}.{p}.{s}.{s}.{s}"), ErrorCode::Malformed),
            (format!("{h}..{s}"), ErrorCode::Malformed),
            (format!("{h}.{p}."), ErrorCode::BadSignature),
            (format!("{h}=.{p}.{s}"), ErrorCode::BadBase64),
            (format!("{h}.{p}.{s}="), ErrorCode::BadBase64),
            (format!("{h}.{p}+.{s}"), ErrorCode::BadBase64),
            (format!("{h}.{p}.{s}/"), ErrorCode::BadBase64),
            (format!("{h}.{p}.{}", s.replace('_', "é")), ErrorCode::BadBase64),
            ("a".repeat(140_000), ErrorCode::TooLarge),
        ];
        for (t, want) in cases {
            assert_eq!(code(verify(&t, &r, &v, 1)), want, "{t:.60}");
        }
        // Non-zero trailing bits: "e31" decodes to "{}" in a lenient decoder.
        assert_eq!(code(verify(&format!("e31.{p}.{s}"), &r, &v, 1)), ErrorCode::BadBase64);
    }

    #[test]
    fn tampering_with_any_byte_is_rejected() {
        let r = ring();
        let token = sign(&obj(json!({"counter": 1, "exp": 100})), &r, Algorithm::HS256).unwrap();
        let mut bytes = token.clone().into_bytes();
        for i in 0..bytes.len() {
            let orig = bytes[i];
            for replacement in [b'A', b'x', b'.', b'-'] {
                if replacement == orig {
                    continue;
                }
                bytes[i] = replacement;
                let t = String::from_utf8(bytes.clone()).unwrap();
                assert!(verify(&t, &r, &Validation::default(), 1).is_err(), "byte {i} -> {replacement}");
            }
            bytes[i] = orig;
        }
        assert!(verify(&token, &r, &Validation::default(), 1).is_ok());
    }

    #[test]
    fn alg_none_is_unsupported_whatever_its_signature_segment_holds() {
        let r = ring();
        let v = Validation::default();
        let h = b64_encode(br#"{"alg":"none","typ":"JWT"}"#);
        let p = b64_encode(br#"{"exp":100}"#);
        for sig in ["", "AAAA", "not base64 at all"] {
            let token = format!("{h}.{p}.{sig}");
            let want = if sig.contains(' ') { ErrorCode::BadBase64 } else { ErrorCode::UnsupportedAlgorithm };
            assert_eq!(code(verify(&token, &r, &v, 1)), want, "{sig:?}");
        }
    }

    #[test]
    fn signature_of_wrong_length_is_refused_before_hashing() {
        let r = ring();
        let token = sign(&obj(json!({"exp": 100})), &r, Algorithm::HS256).unwrap();
        let (input, _) = token.rsplit_once('.').unwrap();
        let mut budget = 10;
        let t = format!("{input}.{}", b64_encode(&[0; 31]));
        assert_eq!(code(verify_within(&t, &r, &Validation::default(), 1, &mut budget)), ErrorCode::BadSignature);
        assert_eq!(budget, 10, "nothing was hashed");
        assert_eq!(code(verify_within(&token, &r, &Validation::default(), 1, &mut budget)), ErrorCode::TooLarge);
        assert_eq!(budget, 0);
    }

    #[test]
    fn signature_of_wrong_length_is_bad_signature() {
        let r = ring();
        let token = sign(&obj(json!({"exp": 100})), &r, Algorithm::HS256).unwrap();
        let (input, s) = token.rsplit_once('.').unwrap();
        let sig = decode_segment(s).unwrap();
        for bad in [&sig[..31], &[sig.as_slice(), &[0]].concat()[..], &[0u8; 64][..]] {
            let t = format!("{input}.{}", b64_encode(bad));
            assert_eq!(code(verify(&t, &r, &Validation::default(), 1)), ErrorCode::BadSignature);
        }
    }

    #[test]
    fn decode_unverified_reads_without_a_key() {
        assert_eq!(decode_unverified(WSGI_1).unwrap(), obj(json!({"counter": 1})));
        assert_eq!(decode_unverified_json(WSGI_1, Part::Header).unwrap(), r#"{"alg":"HS256","typ":"JWT"}"#);
        let not_obj = forge("{}", "[1]", b"x");
        assert_eq!(decode_unverified(&not_obj).unwrap_err().code(), ErrorCode::BadJson);
        let not_utf8 = format!("e30.{}.e30", b64_encode(&[0x7b, 0xff, 0x7d]));
        assert_eq!(decode_unverified_json(&not_utf8, Part::Payload).unwrap_err().code(), ErrorCode::BadJson);
    }
}
