//! The attack suite as data: one table of cases, each an input and the exact answer the core
//! must give. Shared by `tests/attacks.rs` (native, timed), `tests/fuzz_corpus.rs` (every input
//! also goes through the fuzz targets' bodies) and `tests/wasm_release.rs` (release wasm,
//! `panic = "abort"`), so each input is checked the same way on every build.
//!
//! Sections follow SECURITY.md: `alg`, structure, claims, signature, size and depth, cookies,
//! configuration, encrypted sessions.

// Helpers of test crates: a panic here is a failing test, not a crashed Worker. Not every
// including crate uses every helper.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::sync::OnceLock;

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;
use worker_jwt_session::claims::Validation;
use worker_jwt_session::cookie::{CookieOptions, Secure};
use worker_jwt_session::jwe;
use worker_jwt_session::jwt::{self, Algorithm, Part};
use worker_jwt_session::keys::{Key, KeyRing};
use worker_jwt_session::policy::Origin;
use worker_jwt_session::{ErrorCode, JwtSessions};

/// The suite's clock: every token is checked at this time.
pub const NOW: u64 = 1_700_000_000;
/// The key every engine of the suite signs and verifies with.
pub const SECRET: &str = "attack-suite-secret-0123456789abcdef";
/// A well-formed key the engines do not know.
pub const OTHER_SECRET: &str = "another-secret-entirely-0123456789abcdef";
/// A previous key, known only to [`Setup::Rotated`].
pub const OLD_SECRET: &str = "previous-secret-0123456789abcdef-0123";
/// Secrets that must never appear in an error message.
const ALL_SECRETS: [&str; 3] = [SECRET, OTHER_SECRET, OLD_SECRET];

const GOOD_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// What is attacked.
#[derive(Clone, Debug)]
pub enum Input {
    /// `jwt::verify` with the suite's key ring, under `setup`.
    Token { token: String, setup: Setup },
    /// `jwe::decrypt` (encrypted mode) with the suite's key ring, under `setup`.
    Jwe { token: String, setup: Setup },
    /// `jwt::decode_unverified_json` for the payload: the browser package's decoder.
    Unverified(String),
    /// `JwtSessions::load_cookie_header` with the default configuration and [`SECRET`].
    Cookie(String),
    /// `JwtSessions::from_vars` with exactly these bindings (as a Worker's `env`).
    Vars(Vec<(&'static str, String)>),
    /// `CookieOptions::validate`, the check the builder runs (no trimming on the way).
    Options(CookieOptions),
}

/// Verification settings for [`Input::Token`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    /// `Validation::default()`: HS256 only, `exp` required, 30 s leeway, 128 KiB.
    Default,
    /// HS256, HS384 and HS512 accepted.
    AllAlgorithms,
    /// No size cap, so the parsers' own bounds (depth) are what is tested.
    Unbounded,
    /// Absolute lifetime of 3600 s.
    AbsoluteLifetime,
    /// The ring holds [`SECRET`] (current) and [`OLD_SECRET`] (previous).
    Rotated,
}

/// The exact answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Want {
    /// This error code, nothing else.
    Code(ErrorCode),
    /// Accepted (a token verifies, a configuration builds, options validate).
    Valid,
    /// An empty session whose first rejected cookie had this code.
    Rejected(ErrorCode),
    /// An empty session with nothing tried: no candidate cookie survived the bounds.
    Ignored,
    /// The genuine session, with this `counter`.
    Session(u64),
    /// A configuration error whose message names this binding (and no secret).
    ConfigNaming(&'static str),
}

/// One attack.
#[derive(Clone, Debug)]
pub struct Case {
    /// What the case does, for failure messages.
    pub name: String,
    /// The input.
    pub input: Input,
    /// The answer.
    pub want: Want,
}

impl Case {
    /// The token or header of this case, for the fuzz targets; `None` for configurations.
    pub fn wire_input(&self) -> Option<&str> {
        match &self.input {
            Input::Token { token, .. } | Input::Jwe { token, .. } | Input::Unverified(token) | Input::Cookie(token) => {
                Some(token)
            }
            Input::Vars(_) | Input::Options(_) => None,
        }
    }
}

// ---- the engines ------------------------------------------------------------------------

fn ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| KeyRing::new(SECRET).unwrap())
}

fn rotated_ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| KeyRing::new(SECRET).unwrap().with_previous(OLD_SECRET).unwrap())
}

/// The default configuration, as the demo Worker runs it.
pub fn sessions() -> &'static JwtSessions {
    static SESSIONS: OnceLock<JwtSessions> = OnceLock::new();
    SESSIONS.get_or_init(|| JwtSessions::builder(SECRET).build().unwrap())
}

fn validation(setup: Setup) -> Validation {
    match setup {
        Setup::Default | Setup::Rotated => Validation::default(),
        Setup::AllAlgorithms => Validation {
            algorithms: vec![Algorithm::HS256, Algorithm::HS384, Algorithm::HS512],
            ..Validation::default()
        },
        Setup::Unbounded => Validation { max_token_bytes: usize::MAX, ..Validation::default() },
        Setup::AbsoluteLifetime => Validation { absolute_lifetime_secs: Some(3600), ..Validation::default() },
    }
}

fn no_secret_in(message: &str) -> Result<(), String> {
    match ALL_SECRETS.iter().find(|s| message.contains(*s)) {
        Some(_) => Err(format!("the error message reveals a secret: {message}")),
        None => Ok(()),
    }
}

/// Runs one case through the core. `Err` says how the answer differed; a panic is a failure
/// the caller reports.
pub fn run(case: &Case) -> Result<(), String> {
    let got = match &case.input {
        Input::Token { token, setup } => {
            let ring = if *setup == Setup::Rotated { rotated_ring() } else { ring() };
            match jwt::verify(token, ring, &validation(*setup), NOW) {
                Ok(_) => Want::Valid,
                Err(e) => {
                    no_secret_in(&e.to_string())?;
                    Want::Code(e.code())
                }
            }
        }
        Input::Jwe { token, setup } => {
            let ring = if *setup == Setup::Rotated { rotated_ring() } else { ring() };
            match jwe::decrypt(token, ring, &validation(*setup), NOW) {
                Ok(_) => Want::Valid,
                Err(e) => {
                    no_secret_in(&e.to_string())?;
                    Want::Code(e.code())
                }
            }
        }
        Input::Unverified(token) => match jwt::decode_unverified_json(token, Part::Payload) {
            Ok(_) => Want::Valid,
            Err(e) => Want::Code(e.code()),
        },
        Input::Cookie(header) => {
            let session = sessions().load_cookie_header(Some(header), NOW);
            let origin = session.origin();
            match (session.rejected(), origin) {
                (None, Origin::Valid { .. }) => {
                    Want::Session(session.get::<u64>("counter").ok().flatten().unwrap_or(0))
                }
                (Some(code), _) if session.is_empty() => Want::Rejected(code),
                (None, Origin::None) if session.is_empty() => Want::Ignored,
                (rejected, origin) => {
                    return Err(format!("inconsistent session: rejected {rejected:?}, origin {origin:?}"));
                }
            }
        }
        Input::Vars(vars) => match JwtSessions::from_vars(|name| lookup(vars, name)) {
            Ok(_) => Want::Valid,
            Err(e) => {
                no_secret_in(&e.to_string())?;
                match &case.want {
                    Want::ConfigNaming(binding) if e.code() == ErrorCode::Config && e.message().contains(binding) => {
                        Want::ConfigNaming(binding)
                    }
                    _ => Want::Code(e.code()),
                }
            }
        },
        Input::Options(options) => match options.validate() {
            Ok(()) => Want::Valid,
            Err(e) => Want::Code(e.code()),
        },
    };
    if got == case.want {
        Ok(())
    } else {
        Err(format!("got {got:?}, want {:?}", case.want))
    }
}

fn lookup(vars: &[(&'static str, String)], name: &str) -> Option<String> {
    vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
}

// ---- building inputs ----------------------------------------------------------------------

fn b64(bytes: impl AsRef<[u8]>) -> String {
    jwt::b64_encode(bytes.as_ref())
}

fn mac(alg: Algorithm, secret: &str, input: &str) -> Vec<u8> {
    Key::new(secret.as_bytes()).unwrap().sign(alg, input.as_bytes())
}

/// `header.payload.signature` with the signature of `secret` under `alg`.
fn signed_by(alg: Algorithm, secret: &str, header: impl AsRef<[u8]>, payload: impl AsRef<[u8]>) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig = mac(alg, secret, &input);
    format!("{input}.{}", b64(sig))
}

/// Signed with the suite's key and HS256: only the property under test can reject it.
fn signed(header: impl AsRef<[u8]>, payload: impl AsRef<[u8]>) -> String {
    signed_by(Algorithm::HS256, SECRET, header, payload)
}

fn with_signature(header: impl AsRef<[u8]>, payload: impl AsRef<[u8]>, sig: &[u8]) -> String {
    format!("{}.{}.{}", b64(header), b64(payload), b64(sig))
}

/// The payload of a fresh session: `counter`, `iat` now, `exp` in an hour.
pub fn payload(counter: u64) -> String {
    format!(r#"{{"counter":{counter},"iat":{NOW},"exp":{}}}"#, NOW + 3600)
}

/// A payload with these claims added to `counter` (the time claims are the caller's).
fn claims(extra: &str) -> String {
    format!(r#"{{"counter":1,{extra}}}"#)
}

/// A token the suite's engines accept, with this `counter`.
pub fn good_token(counter: u64) -> String {
    signed(GOOD_HEADER, payload(counter))
}

fn token(name: impl Into<String>, token: String, want: Want) -> Case {
    Case { name: name.into(), input: Input::Token { token, setup: Setup::Default }, want }
}

fn token_in(setup: Setup, name: impl Into<String>, token: String, want: Want) -> Case {
    Case { name: name.into(), input: Input::Token { token, setup }, want }
}

fn cookie(name: impl Into<String>, header: String, want: Want) -> Case {
    Case { name: name.into(), input: Input::Cookie(header), want }
}

fn vars(name: impl Into<String>, extra: &[(&'static str, &str)], want: Want) -> Case {
    let mut list: Vec<(&'static str, String)> = vec![("JWT_SESSION_SECRET", SECRET.to_string())];
    for (k, v) in extra {
        list.retain(|(n, _)| n != k);
        list.push((k, (*v).to_string()));
    }
    Case { name: name.into(), input: Input::Vars(list), want }
}

fn options(name: impl Into<String>, options: CookieOptions, want: Want) -> Case {
    Case { name: name.into(), input: Input::Options(options), want }
}

use ErrorCode::*;

/// Every case of the suite, in the order of SECURITY.md.
pub fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    all.extend(alg_cases());
    all.extend(structure_cases());
    all.extend(claim_cases());
    all.extend(signature_cases());
    all.extend(size_cases());
    all.extend(cookie_cases());
    all.extend(config_cases());
    all.extend(encrypted_cases());
    all
}

/// Encrypted mode (JWE, `dir` + `A256GCM`): every header the reader must refuse, tampering
/// with each of the five segments, wrong sizes, the claim checks after decryption, and the same
/// through the engine's cookie path. Without the feature, a JWE is refused with `decrypt`.
#[cfg(feature = "encrypted")]
pub fn encrypted_cases() -> Vec<Case> {
    use worker_jwt_session::jwe::ContentKey;
    let key = |secret: &str| ContentKey::derive(secret.as_bytes()).unwrap();
    let iv = [0x42u8; 12];
    // A JWE under `secret` with this exact protected header, encrypted key, IV and plaintext.
    let raw = |secret: &str, header: &str, ek: &[u8], iv: &[u8], plaintext: &str| {
        let protected = b64(header);
        let iv12: [u8; 12] = iv.try_into().unwrap_or([0x42; 12]);
        let (ct, tag) = key(secret).seal(&iv12, protected.as_bytes(), plaintext.as_bytes()).unwrap();
        format!("{protected}.{}.{}.{}.{}", b64(ek), b64(iv), b64(ct), b64(tag))
    };
    let good_header = r#"{"alg":"dir","enc":"A256GCM"}"#;
    let jwe_of = |plaintext: &str| key(SECRET).encrypt_with_iv(plaintext.as_bytes(), None, &iv).unwrap();
    let good = jwe_of(&payload(1));
    let foreign = key(OTHER_SECRET).encrypt_with_iv(payload(1).as_bytes(), None, &iv).unwrap();
    let jwe_case = |name: String, token: String, want: Want| Case {
        name: format!("jwe: {name}"),
        input: Input::Jwe { token, setup: Setup::Default },
        want,
    };
    let mut cases = vec![
        jwe_case("valid".into(), good.clone(), Want::Valid),
        cookie("jwe: a valid encrypted cookie loads", format!("jwtsession={good}"), Want::Session(1)),
        jwe_case("another secret".into(), foreign.clone(), Want::Code(Decrypt)),
        cookie("jwe: a cookie under another secret", format!("jwtsession={foreign}"), Want::Rejected(Decrypt)),
        Case {
            name: "jwe: a previous secret decrypts in the rotated ring".into(),
            input: Input::Jwe {
                token: key(OLD_SECRET).encrypt_with_iv(payload(1).as_bytes(), None, &iv).unwrap(),
                setup: Setup::Rotated,
            },
            want: Want::Valid,
        },
        Case {
            name: "jwe: a previous secret named by kid decrypts in the rotated ring".into(),
            input: Input::Jwe {
                token: key(OLD_SECRET)
                    .encrypt_with_iv(payload(1).as_bytes(), Some(rotated_ring().keys()[1].kid()), &iv)
                    .unwrap(),
                setup: Setup::Rotated,
            },
            want: Want::Valid,
        },
        jwe_case(
            "unknown kid".into(),
            raw(SECRET, r#"{"alg":"dir","enc":"A256GCM","kid":"nope"}"#, b"", &iv, &payload(1)),
            Want::Code(UnknownKey),
        ),
        jwe_case(
            "non-empty encrypted key".into(),
            raw(SECRET, good_header, &[1; 32], &iv, &payload(1)),
            Want::Code(Malformed),
        ),
        jwe_case(
            "zip".into(),
            raw(SECRET, r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#, b"", &iv, &payload(1)),
            Want::Code(UnsupportedAlgorithm),
        ),
        jwe_case(
            "crit".into(),
            raw(SECRET, r#"{"alg":"dir","enc":"A256GCM","crit":["exp"]}"#, b"", &iv, &payload(1)),
            Want::Code(Malformed),
        ),
        jwe_case(
            "typ JWT".into(),
            raw(SECRET, r#"{"alg":"dir","enc":"A256GCM","typ":"JWT"}"#, b"", &iv, &payload(1)),
            Want::Valid,
        ),
        jwe_case(
            "typ JOSE+JSON".into(),
            raw(SECRET, r#"{"alg":"dir","enc":"A256GCM","typ":"JOSE+JSON"}"#, b"", &iv, &payload(1)),
            Want::Code(Malformed),
        ),
        jwe_case("header not JSON".into(), raw(SECRET, "{alg:dir}", b"", &iv, &payload(1)), Want::Code(BadJson)),
        jwe_case(
            "header duplicated alg".into(),
            raw(SECRET, r#"{"alg":"dir","alg":"dir","enc":"A256GCM"}"#, b"", &iv, &payload(1)),
            Want::Code(BadJson),
        ),
        jwe_case("expired".into(), jwe_of(&format!(r#"{{"exp":{}}}"#, NOW - 60)), Want::Code(Expired)),
        jwe_case("no exp".into(), jwe_of(r#"{"counter":1}"#), Want::Code(MissingExp)),
        jwe_case(
            "nbf in the future".into(),
            jwe_of(&format!(r#"{{"exp":{},"nbf":{}}}"#, NOW + 60, NOW + 3600)),
            Want::Code(NotYetValid),
        ),
        jwe_case(
            "iat in the future".into(),
            jwe_of(&format!(r#"{{"exp":{},"iat":{}}}"#, NOW + 60, NOW + 3600)),
            Want::Code(IssuedInFuture),
        ),
        jwe_case("exp a string".into(), jwe_of(r#"{"exp":"soon"}"#), Want::Code(Malformed)),
        jwe_case("plaintext an array".into(), jwe_of("[1,2,3]"), Want::Code(BadJson)),
        jwe_case("plaintext empty".into(), jwe_of(""), Want::Code(BadJson)),
        jwe_case("plaintext a NUL byte".into(), raw(SECRET, good_header, b"", &iv, "\0"), Want::Code(BadJson)),
        Case {
            name: "jwe: session older than the absolute lifetime".into(),
            input: Input::Jwe {
                token: jwe_of(&format!(r#"{{"exp":{},"orig_iat":{}}}"#, NOW + 60, NOW - 7200)),
                setup: Setup::AbsoluteLifetime,
            },
            want: Want::Code(LifetimeExceeded),
        },
        jwe_case(
            "over the size limit".into(),
            jwe_of(&format!(r#"{{"exp":{},"x":"{}"}}"#, NOW + 60, "a".repeat(100_000))),
            Want::Code(TooLarge),
        ),
        Case {
            name: "jwe: deep nesting is bounded".into(),
            input: Input::Jwe {
                token: jwe_of(&format!(r#"{{"exp":{},"x":{}1{}}}"#, NOW + 60, "[".repeat(10_000), "]".repeat(10_000))),
                setup: Setup::Unbounded,
            },
            want: Want::Code(BadJson),
        },
    ];
    // alg and enc: exactly `dir` and `A256GCM`, nothing else in any spelling.
    for alg in [
        "DIR",
        "Dir",
        "dir ",
        "none",
        "None",
        "HS256",
        "A256KW",
        "A256GCMKW",
        "RSA-OAEP",
        "ECDH-ES",
        "PBES2-HS256+A128KW",
        "",
    ] {
        let header = format!(r#"{{"alg":"{alg}","enc":"A256GCM"}}"#);
        let token = raw(SECRET, &header, b"", &iv, &payload(1));
        cases.push(jwe_case(format!("alg {alg:?}"), token, Want::Code(UnsupportedAlgorithm)));
    }
    for enc in ["A128GCM", "A192GCM", "a256gcm", "A256CBC-HS512", "A128CBC-HS256", "none", ""] {
        let header = format!(r#"{{"alg":"dir","enc":"{enc}"}}"#);
        let token = raw(SECRET, &header, b"", &iv, &payload(1));
        cases.push(jwe_case(format!("enc {enc:?}"), token, Want::Code(UnsupportedAlgorithm)));
    }
    for header in [
        r#"{"enc":"A256GCM"}"#,
        r#"{"alg":"dir"}"#,
        r#"{"alg":null,"enc":"A256GCM"}"#,
        r#"{"alg":["dir"],"enc":"A256GCM"}"#,
    ] {
        let token = raw(SECRET, header, b"", &iv, &payload(1));
        cases.push(jwe_case(format!("header {header}"), token, Want::Code(UnsupportedAlgorithm)));
    }
    // IV and tag lengths other than 96 and 128 bits.
    for len in [1usize, 8, 11, 13, 16, 32] {
        let token = raw(SECRET, good_header, b"", &vec![0x42u8; len], &payload(1));
        cases.push(jwe_case(format!("IV of {len} bytes"), token, Want::Code(Decrypt)));
    }
    let parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let with = |i: usize, value: String| {
        let mut p = parts.clone();
        p[i] = value;
        p.join(".")
    };
    for len in [1usize, 12, 15, 17, 32] {
        cases.push(jwe_case(format!("tag of {len} bytes"), with(4, b64(vec![7u8; len])), Want::Code(Decrypt)));
    }
    // Tampering with each segment: every byte of the IV and tag, bytes across the ciphertext,
    // and the header (the AAD) re-encoded.
    for (segment, name) in [(2usize, "IV"), (3, "ciphertext"), (4, "tag")] {
        let bytes = jwt::decode_segment(&parts[segment]).unwrap();
        let step = if segment == 3 { 7 } else { 1 };
        for i in (0..bytes.len()).step_by(step) {
            for bit in [0u8, 7] {
                let mut flipped = bytes.clone();
                flipped[i] ^= 1 << bit;
                let token = with(segment, b64(&flipped));
                cases.push(jwe_case(format!("{name} byte {i} bit {bit} flipped"), token, Want::Code(Decrypt)));
            }
        }
    }
    let header_plus = b64(r#"{"alg":"dir","enc":"A256GCM","x":1}"#);
    cases.push(jwe_case("header with a member added".into(), with(0, header_plus), Want::Code(Decrypt)));
    let header_spaced = b64(r#"{"alg":"dir", "enc":"A256GCM"}"#);
    cases.push(jwe_case("header re-encoded with a space".into(), with(0, header_spaced), Want::Code(Decrypt)));
    let ciphertext = jwt::decode_segment(&parts[3]).unwrap();
    let cut = b64(&ciphertext[..ciphertext.len() - 3]);
    cases.push(jwe_case("ciphertext cut short".into(), with(3, cut), Want::Code(Decrypt)));
    cases.push(jwe_case("ciphertext empty".into(), with(3, String::new()), Want::Code(Decrypt)));
    cases.push(jwe_case("encrypted key one byte".into(), with(1, b64([0u8])), Want::Code(Malformed)));
    for (i, junk) in [(0usize, "e30="), (1, "AA=="), (2, "QkJC!"), (3, "+/"), (4, "A")] {
        cases.push(jwe_case(
            format!("segment {i} not canonical base64url"),
            with(i, junk.to_owned()),
            Want::Code(BadBase64),
        ));
    }
    for shape in ["a.b.c.d.e.f", ".b.c.d.e", "a.b..d.e", "a.b.c.d.", "...."] {
        cases.push(jwe_case(format!("shape {shape:?}"), shape.to_owned(), Want::Code(Malformed)));
    }
    // Through the engine: a tampered cookie is dropped with its code, a forged JWE beside the
    // genuine one does not hide it, and a flood of forgeries costs a bounded amount of work.
    let mut ct = jwt::decode_segment(&parts[3]).unwrap();
    ct[0] ^= 1;
    let tampered = with(3, b64(ct));
    cases.push(cookie("jwe: tampered cookie", format!("jwtsession={tampered}"), Want::Rejected(Decrypt)));
    cases.push(cookie(
        "jwe: tossed forgery before the genuine one",
        format!("jwtsession={tampered}; jwtsession={good}"),
        Want::Session(1),
    ));
    cases.push(cookie(
        "jwe: genuine before a tossed forgery",
        format!("jwtsession={good}; jwtsession={tampered}"),
        Want::Session(1),
    ));
    let many: Vec<String> =
        (0..16).map(|i| format!("jwtsession={}.{}", &tampered[..tampered.len() - 23], b64([i as u8; 16]))).collect();
    cases.push(cookie("jwe: sixteen forgeries", many.join("; "), Want::Rejected(Decrypt)));
    cases.push(cookie(
        "jwe: with a stray signature cookie",
        format!("jwtsession={good}; jwtsession.sig=AAAA"),
        Want::Session(1),
    ));
    cases
}

/// Without the feature `encrypted`, a JWE cannot be read: refused with `decrypt`, whatever it holds.
#[cfg(not(feature = "encrypted"))]
pub fn encrypted_cases() -> Vec<Case> {
    let jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..QkJCQkJCQkJCQkJC.e30.AAAAAAAAAAAAAAAAAAAAAA";
    vec![
        Case {
            name: "jwe: a build without the feature refuses it".into(),
            input: Input::Jwe { token: jwe.into(), setup: Setup::Default },
            want: Want::Code(Decrypt),
        },
        cookie(
            "jwe: a build without the feature drops the cookie",
            format!("jwtsession={jwe}"),
            Want::Rejected(Decrypt),
        ),
    ]
}

/// `alg`: `none` in every spelling, other families (algorithm confusion), wrong MAC sizes,
/// missing, mistyped or duplicated.
pub fn alg_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let p = payload(1);
    // All 16 case spellings of "none", each with an empty signature segment (the classic
    // unsecured JWS), with the MAC of the real key, and with a typ.
    for mask in 0u8..16 {
        let none: String = "none"
            .chars()
            .enumerate()
            .map(|(i, c)| if mask & (1 << i) != 0 { c.to_ascii_uppercase() } else { c })
            .collect();
        let header = format!(r#"{{"alg":"{none}","typ":"JWT"}}"#);
        cases.push(token(
            format!("alg {none}, empty signature"),
            format!("{}.{}.", b64(&header), b64(&p)),
            // As jose and PyJWT report it: the algorithm, not the shape.
            Want::Code(UnsupportedAlgorithm),
        ));
        cases.push(token(
            format!("alg {none}, signed with the real key"),
            signed(&header, &p),
            Want::Code(UnsupportedAlgorithm),
        ));
        cases.push(token_in(
            Setup::AllAlgorithms,
            format!("alg {none}, all HMACs allowed"),
            with_signature(&header, &p, b"x"),
            Want::Code(UnsupportedAlgorithm),
        ));
    }
    cases.push(token(
        "alg none spelled with escapes",
        signed(r#"{"alg":"\u006eone"}"#, &p),
        Want::Code(UnsupportedAlgorithm),
    ));
    // Algorithm confusion: another family's header over an HMAC made with our secret (what a
    // verifier that trusts `alg` and uses the key "as given" would accept).
    for alg in ["RS256", "RS512", "ES256", "ES384", "PS256", "EdDSA", "ES256K", "A256GCMKW", "dir", "HS1", "HS", ""] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        cases.push(token(
            format!("alg {alg:?} over an HMAC of the real key"),
            signed(&header, &p),
            Want::Code(UnsupportedAlgorithm),
        ));
    }
    for alg in ["hs256", "Hs256", "HS256 ", " HS256", "HS256\u{0}", "HS2566", "HS256\u{212a}"] {
        let header = format!(r#"{{"alg":{}}}"#, Value::from(alg));
        cases.push(token(format!("alg {alg:?} is not HS256"), signed(&header, &p), Want::Code(UnsupportedAlgorithm)));
    }
    cases.push(token("alg HS256 spelled with escapes is HS256", signed(r#"{"alg":"\u0048S256"}"#, &p), Want::Valid));
    // HS384 and HS512 are HMACs too, but not allowed by default.
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        let t = signed_by(alg, SECRET, &header, &p);
        cases.push(token(
            format!("{alg} with a correct MAC, not in the allow-list"),
            t.clone(),
            Want::Code(UnsupportedAlgorithm),
        ));
        cases.push(token_in(Setup::AllAlgorithms, format!("{alg} with a correct MAC, allowed"), t, Want::Valid));
    }
    // An allowed alg with a MAC of another length (or of another hash).
    let input = format!("{}.{}", b64(GOOD_HEADER), b64(&p));
    for (name, alg) in [("HS384", Algorithm::HS384), ("HS512", Algorithm::HS512)] {
        let sig = mac(alg, SECRET, &input);
        cases.push(token(
            format!("alg HS256 with the {name} MAC of the input"),
            format!("{input}.{}", b64(&sig)),
            Want::Code(BadSignature),
        ));
    }
    for (header_alg, mac_alg) in [
        (Algorithm::HS512, Algorithm::HS256),
        (Algorithm::HS256, Algorithm::HS512),
        (Algorithm::HS384, Algorithm::HS512),
    ] {
        let h = format!(r#"{{"alg":"{header_alg}"}}"#);
        let input = format!("{}.{}", b64(&h), b64(&p));
        let sig = mac(mac_alg, SECRET, &input);
        cases.push(token_in(
            Setup::AllAlgorithms,
            format!("alg {header_alg} with a {mac_alg} MAC, all allowed"),
            format!("{input}.{}", b64(&sig)),
            Want::Code(BadSignature),
        ));
    }
    // Missing, not a string, duplicated.
    for (name, header) in [
        ("no alg", r#"{"typ":"JWT"}"#),
        ("empty header object", "{}"),
        ("alg null", r#"{"alg":null}"#),
        ("alg a number", r#"{"alg":256}"#),
        ("alg true", r#"{"alg":true}"#),
        ("alg an array", r#"{"alg":["HS256"]}"#),
        ("alg an object", r#"{"alg":{"HS256":true}}"#),
        ("alg named ALG", r#"{"ALG":"HS256"}"#),
    ] {
        cases.push(token(name, signed(header, &p), Want::Code(UnsupportedAlgorithm)));
    }
    for header in [
        r#"{"alg":"HS256","alg":"HS256"}"#,
        r#"{"alg":"none","alg":"HS256"}"#,
        r#"{"alg":"HS256","alg":"none"}"#,
        r#"{"alg":"HS256","typ":"JWT","alg":"RS256"}"#,
        r#"{"typ":"JWT","typ":"JWT","alg":"HS256"}"#,
        r#"{"alg":"HS256","kid":"a","kid":"b"}"#,
    ] {
        cases.push(token(format!("duplicated member {header}"), signed(header, &p), Want::Code(BadJson)));
    }
    cases
}

/// Segments, base64url, UTF-8 and JSON shape.
pub fn structure_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let good = good_token(1);
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    for (name, t) in [
        ("empty token", String::new()),
        ("one dot", ".".to_string()),
        ("two dots", "..".to_string()),
        ("three dots", "...".to_string()),
        ("1 segment", h.to_string()),
        ("1 segment of garbage", "not-a-token".to_string()),
        ("2 segments", format!("{h}.{p}")),
        ("4 segments", format!("{h}.{p}.{s}.{s}")),
        ("4 segments, trailing dot", format!("{h}.{p}.{s}.")),
        ("5 segments (a JWE)", format!("{h}.{p}.{s}.{s}.{s}")),
        ("RFC 7516 A.3 JWE", "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ.AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.U0m_YmjN04DJvceFICbCVQ".to_string()),
        ("empty header segment", format!(".{p}.{s}")),
        ("empty payload segment", format!("{h}..{s}")),
        ("leading dot", format!(".{h}.{p}.{s}")),
    ] {
        cases.push(token(name, t, Want::Code(Malformed)));
    }
    // An empty signature reaches the checks after the header, and is refused as a signature of
    // the wrong length (before any hashing).
    cases.push(token("empty signature segment", format!("{h}.{p}."), Want::Code(BadSignature)));
    // Canonical unpadded base64url only.
    let last = s.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let idx = alphabet.find(last).unwrap();
    // 32 bytes are 43 characters: the last one carries 2 unused bits, which must be zero.
    let noisy = alphabet.chars().nth(idx | 1).unwrap();
    let s_noisy = format!("{}{noisy}", &s[..s.len() - 1]);
    for (name, t) in [
        ("padding on the header", format!("{h}=.{p}.{s}")),
        ("padding on the payload", format!("{h}.{p}==.{s}")),
        ("padding on the signature", format!("{h}.{p}.{s}=")),
        ("padding alone as a segment", format!("{h}.{p}.====")),
        ("non-zero trailing bits in the header (e31 for e30)", format!("e31.{p}.{s}")),
        ("non-zero trailing bits in the signature", format!("{h}.{p}.{s_noisy}")),
        ("impossible length (1 char)", format!("{h}.{p}.A")),
        ("impossible length (5 chars)", format!("{h}.{p}.AAAAA")),
        ("standard base64 '+'", format!("{h}.{p}+.{s}")),
        ("standard base64 '/'", format!("{h}.{p}.{s}/")),
        ("space inside", format!("{h}.{p}. {s}")),
        ("tab inside", format!("{h}\t.{p}.{s}")),
        ("percent-encoding", format!("{h}.{p}.{s}%3D")),
        ("non-ASCII letter", format!("{h}.{p}.{}", s.replacen(|c: char| c.is_ascii_alphabetic(), "é", 1))),
        ("NUL byte", format!("{h}.{p}\u{0}.{s}")),
        ("fullwidth letters", format!("{h}.{p}.\u{ff21}\u{ff21}")),
    ] {
        cases.push(token(name, t, Want::Code(BadBase64)));
    }
    // Invalid UTF-8, JSON that is not an object, trailing data. The header is checked before the
    // signature; the payload after it, so these payloads are signed with the real key.
    let p1 = payload(1);
    for (name, header) in [
        (
            "header not UTF-8 in an unknown member (serde_json skips those unchecked)",
            b"{\"alg\":\"HS256\",\"x\":\"\xff\"}".to_vec(),
        ),
        ("header not UTF-8, in a known member", b"{\"alg\":\"HS256\",\"kid\":\"\xff\"}".to_vec()),
        ("header a lone surrogate in a known member", br#"{"alg":"HS256","kid":"\ud800"}"#.to_vec()),
        ("header UTF-8 BOM first", b"\xef\xbb\xbf{\"alg\":\"HS256\"}".to_vec()),
        ("header an array", br#"["HS256"]"#.to_vec()),
        ("header a string", br#""HS256""#.to_vec()),
        ("header a number", b"1".to_vec()),
        ("header null", b"null".to_vec()),
        ("header whitespace", b" ".to_vec()),
        ("header trailing text", br#"{"alg":"HS256"}x"#.to_vec()),
        ("header two objects", br#"{"alg":"HS256"}{}"#.to_vec()),
        ("header trailing NUL", b"{\"alg\":\"HS256\"}\x00".to_vec()),
        ("header unterminated", br#"{"alg":"HS256""#.to_vec()),
        ("header with a comment", br#"{"alg":"HS256"/**/}"#.to_vec()),
        ("header with a trailing comma", br#"{"alg":"HS256",}"#.to_vec()),
        ("header single quotes", br#"{'alg':'HS256'}"#.to_vec()),
    ] {
        cases.push(token(name, signed(&header, &p1), Want::Code(BadJson)));
    }
    for (name, payload) in [
        ("payload not UTF-8", b"{\"counter\":1,\"x\":\"\xc3\x28\"}".to_vec()),
        ("payload overlong UTF-8", b"{\"x\":\"\xc0\xaf\"}".to_vec()),
        ("payload a lone surrogate", br#"{"counter":1,"x":"\udc00"}"#.to_vec()),
        ("payload an array", b"[1]".to_vec()),
        ("payload a string", br#""session""#.to_vec()),
        ("payload a number", b"42".to_vec()),
        ("payload null", b"null".to_vec()),
        ("payload trailing text", format!("{p1}x").into_bytes()),
        ("payload two objects", format!("{p1}{{}}").into_bytes()),
        ("payload trailing NUL", format!("{p1}\u{0}").into_bytes()),
        ("payload truncated", p1.as_bytes()[..p1.len() - 1].to_vec()),
    ] {
        cases.push(token(name, signed(GOOD_HEADER, &payload), Want::Code(BadJson)));
        cases.push(token(
            format!("{name}, unsigned"),
            with_signature(GOOD_HEADER, &payload, &[7; 32]),
            Want::Code(BadSignature),
        ));
    }
    cases.push(token(
        "trailing whitespace after the JSON is allowed",
        signed(format!("{GOOD_HEADER} \n"), &p1),
        Want::Valid,
    ));
    // A lone surrogate escape is valid JSON syntax (RFC 8259 §8.2 leaves its meaning open):
    // in a member nobody reads, it is skipped like any other.
    cases.push(token(
        "header a lone surrogate in an unknown member",
        signed(r#"{"alg":"HS256","x":"\ud800"}"#, &p1),
        Want::Valid,
    ));
    cases
}

/// `exp`, `nbf`, `iat` of every type and size; `crit`, `typ`, `kid`.
pub fn claim_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let exp = NOW + 3600;
    let h = GOOD_HEADER;
    let c = |name: String, payload: String, want: Want| token(name, signed(h, payload), want);
    for claim in ["exp", "nbf", "iat"] {
        let others = |value: &str| match claim {
            "exp" => claims(&format!(r#""exp":{value}"#)),
            _ => claims(&format!(r#""exp":{exp},"{claim}":{value}"#)),
        };
        for value in [
            format!(r#""{}""#, NOW + 10),
            r#""NaN""#.to_string(),
            r#""Infinity""#.to_string(),
            "null".to_string(),
            "true".to_string(),
            format!("[{exp}]"),
            format!(r#"{{"$date":{exp}}}"#),
        ] {
            cases.push(c(format!("{claim} = {value}"), others(&value), Want::Code(Malformed)));
        }
        // Not JSON at all: NaN, Infinity, out-of-range floats, hex, leading zeros.
        for value in ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "0x10", "01700000000", "+1", "1.", ".5"] {
            cases.push(c(format!("{claim} = {value} (not JSON)"), others(value), Want::Code(BadJson)));
        }
    }
    let cases_with_want = [
        // exp
        (format!(r#""exp":{}"#, NOW + 3600), Want::Valid),
        (format!(r#""exp":{}.5"#, NOW + 3600), Want::Valid),
        (r#""exp":1.5"#.to_string(), Want::Code(Expired)),
        (r#""exp":1e-300"#.to_string(), Want::Code(Expired)),
        (r#""exp":-1"#.to_string(), Want::Code(Expired)),
        (r#""exp":-9223372036854775808"#.to_string(), Want::Code(Expired)),
        (r#""exp":-1e300"#.to_string(), Want::Code(Expired)),
        (r#""exp":0"#.to_string(), Want::Code(Expired)),
        (format!(r#""exp":{}"#, NOW - 30), Want::Code(Expired)),
        (format!(r#""exp":{}"#, NOW - 29), Want::Valid),
        (r#""exp":9223372036854775808"#.to_string(), Want::Valid),
        (r#""exp":18446744073709551615"#.to_string(), Want::Valid),
        (r#""exp":18446744073709551616"#.to_string(), Want::Valid),
        (r#""exp":1e300"#.to_string(), Want::Valid),
        (r#""nope":1"#.to_string(), Want::Code(MissingExp)),
        (r#""EXP":99999999999"#.to_string(), Want::Code(MissingExp)),
        // nbf
        (format!(r#""exp":{exp},"nbf":{}"#, NOW + 31), Want::Code(NotYetValid)),
        (format!(r#""exp":{exp},"nbf":{}"#, NOW + 30), Want::Valid),
        (format!(r#""exp":{exp},"nbf":-1"#), Want::Valid),
        (format!(r#""exp":{exp},"nbf":9223372036854775808"#), Want::Code(NotYetValid)),
        (format!(r#""exp":{exp},"nbf":18446744073709551616"#), Want::Code(NotYetValid)),
        (format!(r#""exp":{exp},"nbf":1e300"#), Want::Code(NotYetValid)),
        (format!(r#""exp":{exp},"nbf":{}.5"#, NOW + 100), Want::Code(NotYetValid)),
        // iat
        (format!(r#""exp":{exp},"iat":{}"#, NOW + 31), Want::Code(IssuedInFuture)),
        (format!(r#""exp":{exp},"iat":-5"#), Want::Valid),
        (format!(r#""exp":{exp},"iat":9223372036854775808"#), Want::Code(IssuedInFuture)),
        (format!(r#""exp":{exp},"iat":18446744073709551616"#), Want::Code(IssuedInFuture)),
        (format!(r#""exp":{exp},"iat":1e300"#), Want::Code(IssuedInFuture)),
        // orig_iat is a time claim too.
        (format!(r#""exp":{exp},"orig_iat":"0""#), Want::Code(Malformed)),
    ];
    for (extra, want) in cases_with_want {
        cases.push(c(format!("claims {{{extra}}}"), claims(&extra), want));
    }
    // Absolute lifetime (3600 s): counted from orig_iat, else iat; a token with neither fails.
    for (extra, want) in [
        (format!(r#""exp":{exp},"iat":{NOW},"orig_iat":{}"#, NOW - 3000), Want::Valid),
        (format!(r#""exp":{exp},"iat":{NOW},"orig_iat":{}"#, NOW - 3700), Want::Code(LifetimeExceeded)),
        (format!(r#""exp":{exp},"iat":{}"#, NOW - 4000), Want::Code(LifetimeExceeded)),
        (format!(r#""exp":{exp}"#), Want::Code(LifetimeExceeded)),
        (format!(r#""exp":{exp},"orig_iat":-1e300"#), Want::Code(LifetimeExceeded)),
        (format!(r#""exp":{exp},"orig_iat":"{NOW}""#), Want::Code(Malformed)),
    ] {
        cases.push(token_in(
            Setup::AbsoluteLifetime,
            format!("absolute lifetime, {{{extra}}}"),
            signed(h, claims(&extra)),
            want,
        ));
    }
    // crit: no extension is understood, so any crit is refused (RFC 7515 §4.1.11).
    let p = payload(1);
    for crit in [r#"["exp"]"#, "[]", r#"["b64"]"#, "null", r#""exp""#, "{}", "0"] {
        let header = format!(r#"{{"alg":"HS256","crit":{crit}}}"#);
        cases.push(token(format!("crit {crit}"), signed(&header, &p), Want::Code(Malformed)));
    }
    // typ: JWT in any case, or absent.
    for typ in [r#""JWE""#, r#""at+jwt""#, r#""JOSE""#, r#""""#, r#""JWT ""#, "null", "1", r#"["JWT"]"#] {
        let header = format!(r#"{{"alg":"HS256","typ":{typ}}}"#);
        cases.push(token(format!("typ {typ}"), signed(&header, &p), Want::Code(Malformed)));
    }
    for typ in ["jwt", "Jwt", "JWT"] {
        let header = format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#);
        cases.push(token(format!("typ {typ} is fine"), signed(&header, &p), Want::Valid));
    }
    // kid: unknown, very long, path or SQL text, wrong type; a known kid pins its key.
    let long_kid = "k".repeat(10_000);
    for kid in [
        "unknown",
        long_kid.as_str(),
        "../../../../etc/passwd",
        "/dev/zero",
        "file:///etc/passwd",
        "' OR '1'='1' --",
        "1; DROP TABLE keys",
        "\u{0}",
        "${jndi:ldap://x}",
        "",
    ] {
        let header = format!(r#"{{"alg":"HS256","typ":"JWT","kid":{}}}"#, Value::from(kid));
        let name: String = kid.chars().take(40).collect();
        cases.push(token(format!("kid {name:?} ({} bytes)", kid.len()), signed(&header, &p), Want::Code(UnknownKey)));
    }
    for kid in ["1", "null", "[]", "{}", "true"] {
        let header = format!(r#"{{"alg":"HS256","kid":{kid}}}"#);
        cases.push(token(format!("kid {kid}"), signed(&header, &p), Want::Code(Malformed)));
    }
    let current_kid = Key::new(SECRET.as_bytes()).unwrap().kid().to_string();
    let old_kid = Key::new(OLD_SECRET.as_bytes()).unwrap().kid().to_string();
    let other_kid = Key::new(OTHER_SECRET.as_bytes()).unwrap().kid().to_string();
    let with_kid = |kid: &str| format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{kid}"}}"#);
    cases.push(token("kid of the current key", signed(with_kid(&current_kid), &p), Want::Valid));
    cases.push(token(
        "kid of another key, signed by it",
        signed_by(Algorithm::HS256, OTHER_SECRET, with_kid(&other_kid), &p),
        Want::Code(UnknownKey),
    ));
    cases.push(token_in(
        Setup::Rotated,
        "kid of the previous key, signed by it",
        signed_by(Algorithm::HS256, OLD_SECRET, with_kid(&old_kid), &p),
        Want::Valid,
    ));
    cases.push(token_in(
        Setup::Rotated,
        "kid of the current key, signed by the previous one",
        signed_by(Algorithm::HS256, OLD_SECRET, with_kid(&current_kid), &p),
        Want::Code(BadSignature),
    ));
    cases.push(token_in(
        Setup::Rotated,
        "no kid, signed by the previous key",
        signed_by(Algorithm::HS256, OLD_SECRET, GOOD_HEADER, &p),
        Want::Valid,
    ));
    cases.push(token_in(
        Setup::Rotated,
        "no kid, signed by an unknown key",
        signed_by(Algorithm::HS256, OTHER_SECRET, GOOD_HEADER, &p),
        Want::Code(BadSignature),
    ));
    cases
}

/// What a header check answers for these header bytes under the default validation, when the
/// signature does not match: the design's order, stated with a general-purpose JSON parser.
/// Used for the bit flips of the header, whose outcome depends on what the flip produces.
fn expected_for_tampered_header(header: &[u8]) -> ErrorCode {
    let Ok(map) = serde_json::from_slice::<Map<String, Value>>(header) else {
        return BadJson;
    };
    if map.get("alg") != Some(&Value::from("HS256")) {
        return UnsupportedAlgorithm;
    }
    match map.get("typ") {
        None => BadSignature,
        Some(Value::String(t)) if t.eq_ignore_ascii_case("JWT") => BadSignature,
        Some(_) => Malformed,
    }
}

/// Truncated, extended, every single bit flipped, other keys.
pub fn signature_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let p = payload(1);
    let input = format!("{}.{}", b64(GOOD_HEADER), b64(&p));
    let sig = mac(Algorithm::HS256, SECRET, &input);
    let with = |bytes: &[u8]| format!("{input}.{}", b64(bytes));
    for (name, bytes) in [
        ("truncated to 31 bytes", sig[..31].to_vec()),
        ("truncated to 16 bytes", sig[..16].to_vec()),
        ("truncated to 1 byte", sig[..1].to_vec()),
        ("extended by a zero byte", [sig.as_slice(), &[0]].concat()),
        ("extended by its own copy", [sig.as_slice(), sig.as_slice()].concat()),
        ("all zero", vec![0; 32]),
        ("all ones", vec![0xff; 32]),
        ("the secret itself", SECRET.as_bytes().to_vec()),
        ("another key's", mac(Algorithm::HS256, OTHER_SECRET, &input)),
        ("the previous key's, unknown here", mac(Algorithm::HS256, OLD_SECRET, &input)),
        ("the MAC of the empty key", {
            let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(b"").unwrap();
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }),
        ("the MAC of a one-byte key", {
            let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(b"x").unwrap();
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        }),
        ("SHA-256 of the input, no key", {
            use sha2::Digest;
            Sha256::digest(input.as_bytes()).to_vec()
        }),
        (
            "the MAC of another token",
            mac(Algorithm::HS256, SECRET, &format!("{}.{}", b64(GOOD_HEADER), b64(payload(2)))),
        ),
    ] {
        cases.push(token(format!("signature {name}"), with(&bytes), Want::Code(BadSignature)));
    }
    assert!(run(&token("the untampered token", with(&sig), Want::Valid)).is_ok());
    // One bit flipped anywhere: every bit of the signature and of the payload (both checked by
    // the MAC first), and every bit of the header (checked before the MAC, so the answer is
    // what the flipped header says).
    for i in 0..sig.len() * 8 {
        let mut bad = sig.clone();
        bad[i / 8] ^= 1 << (i % 8);
        cases.push(token(format!("signature bit {i} flipped"), with(&bad), Want::Code(BadSignature)));
    }
    let payload_bytes = p.as_bytes();
    for i in 0..payload_bytes.len() * 8 {
        let mut bad = payload_bytes.to_vec();
        bad[i / 8] ^= 1 << (i % 8);
        let t = format!("{}.{}.{}", b64(GOOD_HEADER), b64(&bad), b64(&sig));
        cases.push(token(format!("payload bit {i} flipped"), t, Want::Code(BadSignature)));
    }
    let header_bytes = GOOD_HEADER.as_bytes();
    for i in 0..header_bytes.len() * 8 {
        let mut bad = header_bytes.to_vec();
        bad[i / 8] ^= 1 << (i % 8);
        let want = expected_for_tampered_header(&bad);
        let t = format!("{}.{}.{}", b64(&bad), b64(&p), b64(&sig));
        cases.push(token(format!("header bit {i} flipped ({})", String::from_utf8_lossy(&bad)), t, Want::Code(want)));
    }
    cases
}

/// 100 KB headers, a 1 MB token, JSON 100 000 deep, 10 000 keys, 4 000 cookies, chunk sets.
pub fn size_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let good = good_token(1);
    let one_mb = "A".repeat(1 << 20);
    cases.push(token("1 MB of base64url", one_mb.clone(), Want::Code(TooLarge)));
    cases.push(token(
        "1 MB token of three segments",
        format!("{}.{}.{}", &one_mb[..1000], &one_mb[1000..], "AAAA"),
        Want::Code(TooLarge),
    ));
    cases.push(token(
        "128 KiB + 1 byte",
        format!("{good}{}", "A".repeat(128 * 1024 + 1 - good.len())),
        Want::Code(TooLarge),
    ));
    cases.push(Case {
        name: "browser decoder, 1 MB".into(),
        input: Input::Unverified(one_mb.clone()),
        want: Want::Code(TooLarge),
    });
    cases.push(cookie("1 MB token in the cookie", format!("jwtsession={one_mb}"), Want::Ignored));
    cases.push(cookie(
        "1 MB token in the cookie, then the genuine one",
        format!("jwtsession={one_mb}; jwtsession={good}"),
        Want::Session(1),
    ));

    // Deep nesting: the size cap stops it first; without the cap, serde_json's depth limit.
    let deep_array =
        |n: usize| format!(r#"{{"counter":1,"exp":{},"deep":{}1{}}}"#, NOW + 3600, "[".repeat(n), "]".repeat(n));
    let deep_object = |n: usize| format!(r#"{{"alg":"HS256","deep":{}1{}}}"#, r#"{"a":"#.repeat(n), "}".repeat(n));
    let deep = deep_array(100_000);
    cases.push(token("payload nested 100 000 deep", signed(GOOD_HEADER, &deep), Want::Code(TooLarge)));
    cases.push(token_in(
        Setup::Unbounded,
        "payload nested 100 000 deep, no size cap",
        signed(GOOD_HEADER, &deep),
        Want::Code(BadJson),
    ));
    cases.push(token_in(
        Setup::Unbounded,
        "payload nested 100 000 deep, no size cap, unsigned",
        with_signature(GOOD_HEADER, &deep, &[0; 32]),
        Want::Code(BadSignature),
    ));
    cases.push(token("payload nested 1 000 deep", signed(GOOD_HEADER, deep_array(1000)), Want::Code(BadJson)));
    cases.push(token("payload nested 127 deep is fine", signed(GOOD_HEADER, deep_array(126)), Want::Valid));
    // An unknown header member is skipped without recursion (serde_json's ignore_value is a
    // loop), so any depth is harmless there; the size cap bounds the work.
    cases.push(token_in(
        Setup::Unbounded,
        "header nested 100 000 deep in an unknown member, no size cap",
        signed(deep_object(100_000), payload(1)),
        Want::Valid,
    ));
    cases.push(token(
        "header nested 1 000 deep in an unknown member",
        signed(deep_object(1000), payload(1)),
        Want::Valid,
    ));
    let deep_kid = format!(r#"{{"alg":"HS256","kid":{}1{}}}"#, "[".repeat(1000), "]".repeat(1000));
    cases.push(token("header nested 1 000 deep in kid", signed(&deep_kid, payload(1)), Want::Code(BadJson)));
    cases.push(token_in(
        Setup::Unbounded,
        "header nested 100 000 deep in kid, no size cap",
        signed(format!(r#"{{"alg":"HS256","kid":{}1{}}}"#, "[".repeat(100_000), "]".repeat(100_000)), payload(1)),
        Want::Code(BadJson),
    ));
    cases.push(Case {
        name: "browser decoder, payload nested 100 000 deep".into(),
        input: Input::Unverified(signed(GOOD_HEADER, &deep)),
        want: Want::Code(TooLarge),
    });
    cases.push(Case {
        name: "browser decoder, payload nested 10 000 deep (JSON.parse's problem, not ours)".into(),
        input: Input::Unverified(signed(GOOD_HEADER, deep_array(10_000))),
        want: Want::Valid,
    });
    cases.push(cookie(
        "cookie with a payload nested 1 000 deep",
        format!("jwtsession={}", signed(GOOD_HEADER, deep_array(1000))),
        Want::Rejected(BadJson),
    ));

    // Many keys.
    let many_keys = |n: usize, distinct: bool| {
        let mut s = format!(r#"{{"counter":1,"exp":{}"#, NOW + 3600);
        for i in 0..n {
            if distinct {
                s.push_str(&format!(r#","k{i}":{i}"#));
            } else {
                s.push_str(r#","k":0"#);
            }
        }
        s.push('}');
        s
    };
    cases.push(token("payload with 10 000 keys", signed(GOOD_HEADER, many_keys(10_000, true)), Want::Code(TooLarge)));
    cases.push(token_in(
        Setup::Unbounded,
        "payload with 10 000 keys, no size cap",
        signed(GOOD_HEADER, many_keys(10_000, true)),
        Want::Valid,
    ));
    cases.push(token_in(
        Setup::Unbounded,
        "payload with one key 10 000 times, no size cap",
        signed(GOOD_HEADER, many_keys(10_000, false)),
        Want::Valid,
    ));
    let mut many_header_keys = String::from(r#"{"alg":"HS256""#);
    for i in 0..10_000 {
        many_header_keys.push_str(&format!(r#","h{i}":{i}"#));
    }
    many_header_keys.push('}');
    cases.push(token_in(
        Setup::Unbounded,
        "header with 10 000 keys, no size cap, unsigned",
        with_signature(&many_header_keys, payload(1), &[1; 32]),
        Want::Code(BadSignature),
    ));
    cases.push(token("payload with 1 000 keys (fits)", signed(GOOD_HEADER, many_keys(1000, true)), Want::Valid));

    // 100 KB Cookie headers.
    let junk_100k: String = (0..).map(|i| format!("c{i}=v{i}; ")).take_while_len(100 * 1024);
    cases.push(cookie("100 KB Cookie header of other cookies", junk_100k.clone(), Want::Ignored));
    cases.push(cookie(
        "100 KB Cookie header, then the genuine session",
        format!("{junk_100k}jwtsession={good}"),
        Want::Session(1),
    ));
    cases.push(cookie("100 KB single session value", format!("jwtsession={}", "x".repeat(100 * 1024)), Want::Ignored));
    cases.push(cookie("100 KB of semicolons", ";".repeat(100 * 1024), Want::Ignored));
    cases.push(cookie("100 KB of '=' signs", "=".repeat(100 * 1024), Want::Ignored));
    cases.push(cookie(
        "100 KB of whitespace, then the genuine session",
        format!("{}jwtsession={good}", " \t".repeat(50 * 1024)),
        Want::Session(1),
    ));
    cases.push(cookie("100 KB quoted value", format!("jwtsession=\"{}\"", "a".repeat(100 * 1024)), Want::Ignored));

    // 4 000 cookies in one header.
    let n_cookies = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join("; ");
    cases.push(cookie(
        "4 000 other cookies, then the genuine one",
        format!("{}; jwtsession={good}", n_cookies(4000, &|i| format!("o{i}=v"))),
        Want::Session(1),
    ));
    cases.push(cookie(
        "the genuine one, then 3 999 tossed",
        format!("jwtsession={good}; {}", n_cookies(3999, &|i| format!("jwtsession=t{i}"))),
        Want::Session(1),
    ));
    cases.push(cookie(
        "4 000 tossed session cookies",
        n_cookies(4000, &|i| format!("jwtsession=t{i}")),
        Want::Rejected(Malformed),
    ));
    // Only the first 16 plain values are tried (bounded work per request): a genuine cookie
    // behind 16 tossed ones is not reached. Cookie tossing can log a user out, never in.
    cases.push(cookie(
        "16 tossed session cookies, then the genuine one (not reached: bounded work)",
        format!("{}; jwtsession={good}", n_cookies(16, &|i| format!("jwtsession=t{i}"))),
        Want::Rejected(Malformed),
    ));
    cases.push(cookie(
        "15 tossed session cookies, then the genuine one",
        format!("{}; jwtsession={good}", n_cookies(15, &|i| format!("jwtsession=t{i}"))),
        Want::Session(1),
    ));
    cases.push(cookie(
        "4 000 chunk cookies",
        n_cookies(4000, &|i| format!("jwtsession.{}=c{i}", i % 100)),
        Want::Rejected(Malformed),
    ));
    cases.push(cookie("4 000 empty session cookies", n_cookies(4000, &|_| "jwtsession=".to_string()), Want::Ignored));

    // Chunk sets, from the genuine token: a = 10 characters of the header, b = up to the second
    // dot, c = the dot and the signature.
    let dot2 = good.rfind('.').unwrap();
    let (a, b, c) = (&good[..10], &good[10..dot2], &good[dot2..]);
    let set = |chunks: &[(&str, &str)]| {
        chunks.iter().map(|(i, v)| format!("jwtsession.{i}={v}")).collect::<Vec<_>>().join("; ")
    };
    for (name, header, want) in [
        ("complete chunk set", set(&[("0", a), ("1", b), ("2", c)]), Want::Session(1)),
        ("chunks out of order", set(&[("2", c), ("0", a), ("1", b)]), Want::Session(1)),
        ("missing first chunk", set(&[("1", b), ("2", c)]), Want::Ignored),
        ("missing middle chunk", set(&[("0", a), ("2", c)]), Want::Rejected(Incomplete)),
        ("missing last chunk", set(&[("0", a), ("1", b)]), Want::Rejected(Malformed)),
        ("duplicated chunk, same value", set(&[("0", a), ("1", b), ("1", b), ("2", c)]), Want::Session(1)),
        ("duplicated chunk, junk after", set(&[("0", a), ("1", b), ("1", "junk"), ("2", c)]), Want::Session(1)),
        ("duplicated chunk, junk first", set(&[("0", a), ("1", "junk"), ("1", b), ("2", c)]), Want::Session(1)),
        ("extra chunk of base64", set(&[("0", a), ("1", b), ("2", c), ("3", "AAAA")]), Want::Session(1)),
        ("extra chunk with a dot", set(&[("0", a), ("1", b), ("2", c), ("3", ".AAAA")]), Want::Session(1)),
        (
            "extra chunk past max_chunks is ignored",
            set(&[("0", a), ("1", b), ("2", c), ("4", "AAAA")]),
            Want::Session(1),
        ),
        (
            "chunk index with a leading zero is not a chunk",
            set(&[("0", a), ("01", b), ("2", c)]),
            Want::Rejected(Incomplete),
        ),
        ("chunk index 99", set(&[("0", a), ("1", b), ("2", c), ("99", "x")]), Want::Session(1)),
        ("chunk index 100 is not a chunk", set(&[("0", a), ("1", b), ("2", c), ("100", "x")]), Want::Session(1)),
        ("chunk index -1 is not a chunk", set(&[("0", a), ("1", b), ("2", c), ("-1", "x")]), Want::Session(1)),
        ("empty middle chunk ends the set", set(&[("0", a), ("1", ""), ("2", c)]), Want::Rejected(Incomplete)),
        (
            "plain junk cookie, then a complete chunk set",
            format!("jwtsession=junk; {}", set(&[("0", a), ("1", b), ("2", c)])),
            Want::Session(1),
        ),
        (
            "a chunk set adding up to more than 4 cookies can hold",
            set(&[
                ("0", &"A".repeat(4097)),
                ("1", &"A".repeat(4097)),
                ("2", &"A".repeat(4097)),
                ("3", &"A".repeat(4097)),
            ]),
            // Each chunk is full, so the writer meant more: a set cut short.
            Want::Rejected(Incomplete),
        ),
    ] {
        cases.push(cookie(format!("chunks: {name}"), header, want));
    }
    cases
}

/// Cookie tossing (the session name repeated in every order), names that look alike.
pub fn cookie_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let good = good_token(7);
    let expired = signed(GOOD_HEADER, format!(r#"{{"counter":66,"iat":{},"exp":{}}}"#, NOW - 7200, NOW - 3600));
    let wrong_key = signed_by(Algorithm::HS256, OTHER_SECRET, GOOD_HEADER, payload(99));
    let none = format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64(payload(98)));
    let bad = [
        ("expired", expired.as_str(), Expired),
        ("wrong key", wrong_key.as_str(), BadSignature),
        ("garbage", "x.y.z", BadBase64),
        ("alg none", none.as_str(), UnsupportedAlgorithm),
    ];
    // Every order of the genuine cookie among three bad ones: the genuine one wins.
    let mut tokens: Vec<(&str, &str)> = bad.iter().take(3).map(|(n, t, _)| (*n, *t)).collect();
    tokens.push(("genuine", good.as_str()));
    for order in permutations(tokens.len()) {
        let names: Vec<&str> = order.iter().map(|&i| tokens[i].0).collect();
        let header = order.iter().map(|&i| format!("jwtsession={}", tokens[i].1)).collect::<Vec<_>>().join("; ");
        cases.push(cookie(format!("tossing, order {}", names.join(" > ")), header, Want::Session(7)));
    }
    // Every order of bad cookies alone: an empty session, rejected with the first one's code.
    for order in permutations(bad.len()) {
        let names: Vec<&str> = order.iter().map(|&i| bad[i].0).collect();
        let header = order.iter().map(|&i| format!("jwtsession={}", bad[i].1)).collect::<Vec<_>>().join("; ");
        cases.push(cookie(
            format!("tossing, only bad: {}", names.join(" > ")),
            header,
            Want::Rejected(bad[order[0]].2),
        ));
    }
    for (name, header, want) in [
        ("the genuine cookie alone", format!("jwtsession={good}"), Want::Session(7)),
        ("quoted genuine cookie", format!("jwtsession=\"{good}\""), Want::Session(7)),
        ("the name in capitals is another cookie", format!("JWTSESSION={good}"), Want::Ignored),
        ("a longer name is another cookie", format!("jwtsessionx={good}"), Want::Ignored),
        ("a prefix of the name is another cookie", format!("jwtsessio={good}"), Want::Ignored),
        ("spaces around the name", format!("  jwtsession  =  {good}  "), Want::Session(7)),
        ("no space after ';'", format!("a=1;jwtsession={good};b=2"), Want::Session(7)),
        ("a comma-joined header is one value", format!("jwtsession={good}, other=1"), Want::Rejected(BadBase64)),
        ("CR/LF inside the header", format!("a=1\r\n; jwtsession={good}"), Want::Session(7)),
        ("percent-encoded token", format!("jwtsession={}", good.replace('.', "%2E")), Want::Rejected(Malformed)),
        ("a lone quote", "jwtsession=\"".to_string(), Want::Rejected(Malformed)),
        ("empty value", "jwtsession=".to_string(), Want::Ignored),
        ("no '='", "jwtsession".to_string(), Want::Ignored),
        (
            "a tossed cookie with the same payload, other key",
            format!(
                "jwtsession={}; jwtsession={good}",
                signed_by(Algorithm::HS256, OTHER_SECRET, GOOD_HEADER, payload(7))
            ),
            Want::Session(7),
        ),
    ] {
        cases.push(cookie(name, header, want));
    }
    cases
}

/// Configuration that could inject into `Set-Cookie`, or that browsers would drop.
pub fn config_cases() -> Vec<Case> {
    use ErrorCode::Config as C;
    let mut cases = Vec::new();
    for name in [
        "jwt\r\nsession",
        "jwt\nSet-Cookie: admin=1",
        "a;b",
        "a,b",
        "a b",
        "a=b",
        "sessión",
        "jwt\u{0}session",
        "a\"b",
        "jwtsession.0",
        "jwtsession.12",
        &"n".repeat(201),
    ] {
        cases.push(vars(format!("cookie name {name:?}"), &[("JWT_SESSION_COOKIE", name)], Want::Code(C)));
    }
    for domain in [
        "example.com\r\nSet-Cookie: admin=1",
        "a;b.example.com",
        "a,b.example.com",
        "exämple.com",
        "example.com; Secure",
        "example.com/path",
        "exa mple.com",
    ] {
        cases.push(vars(format!("domain {domain:?}"), &[("JWT_SESSION_DOMAIN", domain)], Want::Code(C)));
    }
    for path in ["/a\r\nb", "/a;b", "/a,b", "/ä", "relative", "/a b", "/\u{7f}"] {
        cases.push(vars(format!("path {path:?}"), &[("JWT_SESSION_PATH", path)], Want::Code(C)));
    }
    for (name, extra, want) in [
        ("__Host- without Secure", vec![("JWT_SESSION_COOKIE", "__Host-s")], Want::Code(C)),
        (
            "__Host- with secure=auto",
            vec![("JWT_SESSION_COOKIE", "__Host-s"), ("JWT_SESSION_SECURE", "auto")],
            Want::Code(C),
        ),
        (
            "__Host- with a Path other than /",
            vec![("JWT_SESSION_COOKIE", "__Host-s"), ("JWT_SESSION_SECURE", "always"), ("JWT_SESSION_PATH", "/app")],
            Want::Code(C),
        ),
        (
            "__Host- with a Domain",
            vec![
                ("JWT_SESSION_COOKIE", "__Host-s"),
                ("JWT_SESSION_SECURE", "always"),
                ("JWT_SESSION_DOMAIN", "example.com"),
            ],
            Want::Code(C),
        ),
        ("__host- in lower case", vec![("JWT_SESSION_COOKIE", "__host-s")], Want::Code(C)),
        ("__Host- done right", vec![("JWT_SESSION_COOKIE", "__Host-s"), ("JWT_SESSION_SECURE", "always")], Want::Valid),
        ("__Secure- without Secure", vec![("JWT_SESSION_COOKIE", "__Secure-s")], Want::Code(C)),
        (
            "__SECURE- in capitals",
            vec![("JWT_SESSION_COOKIE", "__SECURE-s"), ("JWT_SESSION_SECURE", "never")],
            Want::Code(C),
        ),
        (
            "__Secure- done right",
            vec![
                ("JWT_SESSION_COOKIE", "__Secure-s"),
                ("JWT_SESSION_SECURE", "always"),
                ("JWT_SESSION_DOMAIN", "example.com"),
            ],
            Want::Valid,
        ),
        ("SameSite=None without Secure", vec![("JWT_SESSION_SAME_SITE", "None")], Want::Code(C)),
        (
            "SameSite=None with secure=never",
            vec![("JWT_SESSION_SAME_SITE", "none"), ("JWT_SESSION_SECURE", "never")],
            Want::Code(C),
        ),
        (
            "SameSite=None with Secure",
            vec![("JWT_SESSION_SAME_SITE", "None"), ("JWT_SESSION_SECURE", "always")],
            Want::Valid,
        ),
        ("Partitioned without Secure", vec![("JWT_SESSION_PARTITIONED", "true")], Want::Code(C)),
        ("SameSite=Sometimes", vec![("JWT_SESSION_SAME_SITE", "Sometimes")], Want::Code(C)),
        (
            "alg none as the signing algorithm",
            vec![("JWT_SESSION_ALGORITHM", "none")],
            Want::ConfigNaming("JWT_SESSION_ALGORITHM"),
        ),
        (
            "alg none among the accepted ones",
            vec![("JWT_SESSION_ALGORITHMS", "HS256,none")],
            Want::ConfigNaming("JWT_SESSION_ALGORITHMS"),
        ),
        (
            "RS256 among the accepted ones",
            vec![("JWT_SESSION_ALGORITHMS", "HS256,RS256")],
            Want::ConfigNaming("JWT_SESSION_ALGORITHMS"),
        ),
        (
            "signing algorithm not accepted",
            vec![("JWT_SESSION_ALGORITHMS", "HS384")],
            Want::ConfigNaming("JWT_SESSION_ALGORITHMS"),
        ),
        ("max_chunks 0", vec![("JWT_SESSION_MAX_CHUNKS", "0")], Want::Code(C)),
        ("max_chunks 1000", vec![("JWT_SESSION_MAX_CHUNKS", "1000")], Want::Code(C)),
        ("max_age 0", vec![("JWT_SESSION_MAX_AGE", "0")], Want::ConfigNaming("JWT_SESSION_MAX_AGE")),
        ("max_age negative", vec![("JWT_SESSION_MAX_AGE", "-1")], Want::ConfigNaming("JWT_SESSION_MAX_AGE")),
        (
            "max_age past u64",
            vec![("JWT_SESSION_MAX_AGE", "18446744073709551616")],
            Want::ConfigNaming("JWT_SESSION_MAX_AGE"),
        ),
        ("max_age u64::MAX", vec![("JWT_SESSION_MAX_AGE", "18446744073709551615")], Want::Valid),
    ] {
        cases.push(vars(name, &extra, want));
    }
    // The secret and the previous secrets: a clear error naming the binding, never the value.
    type Bindings = Vec<(&'static str, String)>;
    let secret_cases: Vec<(&str, Bindings, Want)> = vec![
        ("secret missing", vec![], Want::ConfigNaming("JWT_SESSION_SECRET")),
        ("secret empty", vec![("JWT_SESSION_SECRET", String::new())], Want::ConfigNaming("JWT_SESSION_SECRET")),
        ("secret whitespace", vec![("JWT_SESSION_SECRET", "   ".into())], Want::ConfigNaming("JWT_SESSION_SECRET")),
        ("secret 31 bytes", vec![("JWT_SESSION_SECRET", "s".repeat(31))], Want::ConfigNaming("JWT_SESSION_SECRET")),
        (
            "HS512 with a 32-byte secret",
            vec![("JWT_SESSION_SECRET", "s".repeat(32)), ("JWT_SESSION_ALGORITHM", "HS512".into())],
            Want::ConfigNaming("JWT_SESSION_SECRET"),
        ),
        (
            "previous secret too short",
            vec![("JWT_SESSION_PREVIOUS_SECRETS", "short".into())],
            Want::ConfigNaming("JWT_SESSION_PREVIOUS_SECRETS"),
        ),
        (
            "previous secrets with an empty entry",
            vec![("JWT_SESSION_PREVIOUS_SECRETS", format!("{OLD_SECRET},,{OTHER_SECRET}"))],
            Want::ConfigNaming("JWT_SESSION_PREVIOUS_SECRETS"),
        ),
        (
            "previous secrets a lone comma",
            vec![("JWT_SESSION_PREVIOUS_SECRETS", ",".into())],
            Want::ConfigNaming("JWT_SESSION_PREVIOUS_SECRETS"),
        ),
        (
            "previous secrets with a trailing comma",
            vec![("JWT_SESSION_PREVIOUS_SECRETS", format!("{OLD_SECRET},"))],
            Want::ConfigNaming("JWT_SESSION_PREVIOUS_SECRETS"),
        ),
        (
            "previous secrets, one of them short",
            vec![("JWT_SESSION_PREVIOUS_SECRETS", format!("{OLD_SECRET}, tiny"))],
            Want::ConfigNaming("JWT_SESSION_PREVIOUS_SECRETS"),
        ),
        (
            "previous secrets, 8 of them (9 keys)",
            vec![(
                "JWT_SESSION_PREVIOUS_SECRETS",
                (0..8).map(|i| format!("{OLD_SECRET}-{i}")).collect::<Vec<_>>().join(","),
            )],
            Want::ConfigNaming("JWT_SESSION_PREVIOUS_SECRETS"),
        ),
        (
            "previous secrets, 7 of them (8 keys)",
            vec![(
                "JWT_SESSION_PREVIOUS_SECRETS",
                (0..7).map(|i| format!("{OLD_SECRET}-{i}")).collect::<Vec<_>>().join(","),
            )],
            Want::Valid,
        ),
        (
            "previous secret equal to the current one",
            vec![("JWT_SESSION_PREVIOUS_SECRETS", SECRET.into())],
            Want::Valid,
        ),
    ];
    for (name, extra, want) in secret_cases {
        let mut list: Vec<(&'static str, String)> = Vec::new();
        if !extra.iter().any(|(k, _)| *k == "JWT_SESSION_SECRET") && name != "secret missing" {
            list.push(("JWT_SESSION_SECRET", SECRET.to_string()));
        }
        list.extend(extra);
        cases.push(Case { name: name.to_string(), input: Input::Vars(list), want });
    }
    // The builder's check without from_vars' trimming: trailing CR/LF is refused too.
    let base = CookieOptions::default();
    for (name, opts) in [
        ("name with a trailing CRLF", CookieOptions { name: "jwtsession\r\n".into(), ..base.clone() }),
        ("name with a trailing space", CookieOptions { name: "jwtsession ".into(), ..base.clone() }),
        ("path with a trailing LF", CookieOptions { path: Some("/\n".into()), ..base.clone() }),
        ("domain with a trailing CR", CookieOptions { domain: Some("example.com\r".into()), ..base.clone() }),
        ("empty name", CookieOptions { name: String::new(), ..base.clone() }),
        ("empty domain", CookieOptions { domain: Some(String::new()), ..base.clone() }),
        ("Partitioned with secure=auto", CookieOptions { partitioned: true, secure: Secure::Auto, ..base.clone() }),
    ] {
        cases.push(options(format!("options: {name}"), opts, Want::Code(C)));
    }
    cases
}

/// Every permutation of `0..n`, for small `n`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for shorter in permutations(n - 1) {
        for at in 0..=shorter.len() {
            let mut p = shorter.clone();
            p.insert(at, n - 1);
            out.push(p);
        }
    }
    out
}

trait TakeWhileLen {
    fn take_while_len(self, bytes: usize) -> String;
}

impl<I: Iterator<Item = String>> TakeWhileLen for I {
    /// Concatenates items until the result is at least `bytes` long.
    fn take_while_len(self, bytes: usize) -> String {
        let mut out = String::new();
        for item in self {
            if out.len() >= bytes {
                break;
            }
            out.push_str(&item);
        }
        out
    }
}
