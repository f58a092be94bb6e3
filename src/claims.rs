//! Time claims: `exp`, `nbf`, `iat` and the session's start (`orig_iat`), with leeway.
//!
//! Time is always passed in as seconds since the Unix epoch (`now`), never read from a clock
//! here: `std::time::SystemTime::now()` panics on wasm32, and tests set any time they like.

use serde_json::{Map, Value};

use crate::alg::Algorithm;
use crate::error::{Error, ErrorCode};

/// Claim names the library manages. Handlers cannot set them.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::RESERVED_CLAIMS, ErrorCode, Session};
/// let session = Session::new();
/// for name in RESERVED_CLAIMS {
///     assert_eq!(session.insert(name, 1).map_err(|e| e.code()), Err(ErrorCode::ReservedClaim));
/// }
/// ```
pub const RESERVED_CLAIMS: [&str; 6] = ["iat", "exp", "nbf", ORIG_IAT, SID, CSRF];

/// The claim holding when the session began, for the absolute lifetime. The name follows
/// django-rest-framework-jwt, which uses it for the same purpose.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::{check, Validation, ORIG_IAT}, jwt::Claims, ErrorCode};
/// let mut claims = Claims::new();
/// claims.insert("iat".into(), 9000.into());
/// claims.insert("exp".into(), 9600.into());
/// claims.insert(ORIG_IAT.into(), 1000.into());
/// let week_long = Validation { absolute_lifetime_secs: Some(3600), ..Validation::default() };
/// // Re-signing renews `iat`, not the session's start: an active session still ends on time.
/// assert_eq!(check(&claims, &week_long, 9100).map_err(|e| e.code()), Err(ErrorCode::LifetimeExceeded));
/// ```
pub const ORIG_IAT: &str = "orig_iat";

/// The claim holding the session's id: 16 random bytes, base64url, made when a session is first
/// saved and again by `regenerate()`; kept while the session is re-signed. (`sid` is the name
/// OpenID Connect uses for a session id.)
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::SID, ErrorCode, Session};
/// assert_eq!(SID, "sid");
/// // Read it with `Session::id`; it cannot be set by hand.
/// assert_eq!(Session::new().insert(SID, "mine").map_err(|e| e.code()), Err(ErrorCode::ReservedClaim));
/// ```
pub const SID: &str = "sid";

/// The claim holding the session's CSRF token when CSRF protection is on: 16 random bytes,
/// base64url, made when a session is first saved and again by `regenerate()`. The page reads it
/// (`csrfToken()`) and sends it back in `X-CSRF-Token`; another origin cannot read it.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::claims::{CSRF, RESERVED_CLAIMS};
/// assert!(RESERVED_CLAIMS.contains(&CSRF));
/// ```
pub const CSRF: &str = "csrf";

/// Default leeway for time checks, in seconds (clock skew between machines).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::{check, Validation, DEFAULT_LEEWAY_SECS}, jwt::Claims, ErrorCode};
/// let mut claims = Claims::new();
/// claims.insert("exp".into(), 1000.into());
/// // A verifier whose clock runs up to 30 s ahead of the signer's still accepts the token.
/// assert!(check(&claims, &Validation::default(), 1000 + DEFAULT_LEEWAY_SECS - 1).is_ok());
/// let late = check(&claims, &Validation::default(), 1000 + DEFAULT_LEEWAY_SECS);
/// assert_eq!(late.map_err(|e| e.code()), Err(ErrorCode::Expired));
/// ```
pub const DEFAULT_LEEWAY_SECS: u64 = 30;

/// Largest token accepted, in bytes, checked before any decoding: the most a Worker can be
/// configured to accept (32 chunks of 4096 bytes). A configured engine uses
/// `max_chunks × 4096`, and so does the browser's `readSession` for its `maxChunks`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::{Validation, DEFAULT_MAX_TOKEN_BYTES}, jwt, ErrorCode, JwtSessions};
/// assert_eq!(Validation::default().max_token_bytes, DEFAULT_MAX_TOKEN_BYTES);
/// // Refused before any decoding, so a huge cookie costs no work.
/// let huge = "a".repeat(DEFAULT_MAX_TOKEN_BYTES + 1);
/// assert_eq!(jwt::decode_unverified(&huge).map_err(|e| e.code()), Err(ErrorCode::TooLarge));
/// // A configured engine holds incoming tokens to what its chunks can carry.
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// assert_eq!(sessions.validation().max_token_bytes, 4 * 4096);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 32 * 4096;

/// What a token must satisfy to verify.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::Validation, jwt::Algorithm};
/// let v = Validation { leeway_secs: 0, ..Validation::default() };
/// assert_eq!(v.algorithms, vec![Algorithm::HS256]);
/// assert!(v.require_exp);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validation {
    /// Algorithms accepted in the header. Defaults to HS256 only; `none` is never accepted.
    pub algorithms: Vec<Algorithm>,
    /// Seconds of clock skew tolerated by the time checks. Defaults to 30.
    pub leeway_secs: u64,
    /// Whether `exp` must be present. Defaults to true; false accepts the legacy tokens of the
    /// Python `wsgi_jwt_session`, which had none.
    pub require_exp: bool,
    /// Longest a session may live since it began (`orig_iat`, else `iat`), however active.
    /// Defaults to none (off).
    pub absolute_lifetime_secs: Option<u64>,
    /// Largest token accepted, in bytes. Defaults to [`DEFAULT_MAX_TOKEN_BYTES`].
    pub max_token_bytes: usize,
}

impl Default for Validation {
    fn default() -> Self {
        Validation {
            algorithms: vec![Algorithm::HS256],
            leeway_secs: DEFAULT_LEEWAY_SECS,
            require_exp: true,
            absolute_lifetime_secs: None,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
        }
    }
}

/// The time claims of a verified token, as whole seconds (fractions dropped, negatives as 0).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::{check, TimeClaims, Validation}, jwt::Claims};
/// let mut claims = Claims::new();
/// claims.insert("iat".into(), 1000.5.into());
/// claims.insert("exp".into(), 2000.into());
/// let time = check(&claims, &Validation::default(), 1500)?;
/// // Fractions are dropped, and without `orig_iat` the session began at `iat`.
/// assert_eq!(time, TimeClaims { iat: Some(1000), exp: Some(2000), start: Some(1000) });
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeClaims {
    /// `iat`, when present.
    pub iat: Option<u64>,
    /// `exp`, when present (absent only for legacy tokens).
    pub exp: Option<u64>,
    /// When the session began: `orig_iat`, else `iat`.
    pub start: Option<u64>,
}

/// Reads a NumericDate claim: a JSON number (RFC 7519 §2 allows fractions).
fn numeric(claims: &Map<String, Value>, name: &'static str) -> Result<Option<f64>, Error> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() => Ok(Some(f)),
            _ => Err(Error::new(ErrorCode::Malformed, format!("`{name}` is not a finite number"))),
        },
        Some(_) => {
            Err(Error::new(ErrorCode::Malformed, format!("`{name}` must be a NumericDate (a JSON number of seconds)")))
        }
    }
}

fn whole_secs(f: f64) -> u64 {
    // `as` saturates: negative values become 0 and values past u64::MAX become u64::MAX.
    f as u64
}

/// Checks `exp`, `nbf`, `iat` and the absolute lifetime at time `now`, in that order.
///
/// # Errors
///
/// [`ErrorCode::Malformed`] for a time claim that is not a number, then
/// [`ErrorCode::MissingExp`], [`ErrorCode::Expired`], [`ErrorCode::NotYetValid`],
/// [`ErrorCode::IssuedInFuture`], [`ErrorCode::LifetimeExceeded`].
///
/// # Examples
///
/// ```
/// use serde_json::json;
/// use worker_jwt_session::{claims::{check, Validation}, ErrorCode};
/// let claims = json!({"iat": 1000, "exp": 2000});
/// let claims = claims.as_object().unwrap();
/// assert!(check(claims, &Validation::default(), 1500).is_ok());
/// let late = check(claims, &Validation::default(), 2030).unwrap_err();
/// assert_eq!(late.code(), ErrorCode::Expired);
/// ```
pub fn check(claims: &Map<String, Value>, validation: &Validation, now: u64) -> Result<TimeClaims, Error> {
    let exp = numeric(claims, "exp")?;
    let nbf = numeric(claims, "nbf")?;
    let iat = numeric(claims, "iat")?;
    let orig_iat = numeric(claims, ORIG_IAT)?;
    let now_f = now as f64;
    let leeway = validation.leeway_secs as f64;

    match exp {
        None if validation.require_exp => {
            return Err(Error::new(ErrorCode::MissingExp, "token has no `exp` claim"));
        }
        // RFC 7519 §4.1.4: the current time must be before `exp`.
        Some(exp) if exp + leeway <= now_f => {
            return Err(Error::new(ErrorCode::Expired, format!("token expired {} s ago", whole_secs(now_f - exp))));
        }
        _ => {}
    }
    if let Some(nbf) = nbf {
        if nbf > now_f + leeway {
            return Err(Error::new(ErrorCode::NotYetValid, "token is not valid yet (`nbf` is in the future)"));
        }
    }
    if let Some(iat) = iat {
        if iat > now_f + leeway {
            return Err(Error::new(ErrorCode::IssuedInFuture, "token was issued in the future (`iat`)"));
        }
    }
    let start = orig_iat.or(iat);
    if let Some(limit) = validation.absolute_lifetime_secs {
        match start {
            Some(start) if start + limit as f64 + leeway <= now_f => {
                return Err(Error::new(
                    ErrorCode::LifetimeExceeded,
                    format!("session began {} s ago; the absolute lifetime is {limit} s", whole_secs(now_f - start)),
                ));
            }
            // A token that cannot prove when it began (a legacy token has no `iat`) cannot be
            // held to the limit, so it does not pass it.
            None => {
                return Err(Error::new(
                    ErrorCode::LifetimeExceeded,
                    "token carries no start time (`orig_iat` or `iat`) and an absolute lifetime is set",
                ));
            }
            _ => {}
        }
    }
    Ok(TimeClaims { iat: iat.map(whole_secs), exp: exp.map(whole_secs), start: start.map(whole_secs) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(claims: Value, v: &Validation, now: u64) -> Result<TimeClaims, ErrorCode> {
        check(claims.as_object().unwrap(), v, now).map_err(|e| e.code())
    }

    #[test]
    fn expiry_honours_leeway_at_the_boundary() {
        let v = Validation::default();
        assert!(run(json!({"exp": 1000}), &v, 1029).is_ok());
        assert_eq!(run(json!({"exp": 1000}), &v, 1030), Err(ErrorCode::Expired));
        let strict = Validation { leeway_secs: 0, ..v };
        assert!(run(json!({"exp": 1000}), &strict, 999).is_ok());
        assert_eq!(run(json!({"exp": 1000}), &strict, 1000), Err(ErrorCode::Expired));
    }

    #[test]
    fn missing_exp_is_refused_unless_legacy_tokens_are_allowed() {
        let v = Validation::default();
        assert_eq!(run(json!({"counter": 1}), &v, 5), Err(ErrorCode::MissingExp));
        let legacy = Validation { require_exp: false, ..v };
        assert_eq!(run(json!({"counter": 1}), &legacy, 5), Ok(TimeClaims::default()));
    }

    #[test]
    fn future_nbf_and_iat_are_refused_beyond_leeway() {
        let v = Validation::default();
        assert_eq!(run(json!({"exp": 9999, "nbf": 131}), &v, 100), Err(ErrorCode::NotYetValid));
        assert!(run(json!({"exp": 9999, "nbf": 130}), &v, 100).is_ok());
        assert_eq!(run(json!({"exp": 9999, "iat": 131}), &v, 100), Err(ErrorCode::IssuedInFuture));
        assert!(run(json!({"exp": 9999, "iat": 130}), &v, 100).is_ok());
    }

    #[test]
    fn time_claims_of_the_wrong_type_are_malformed() {
        let v = Validation::default();
        for bad in [json!("1000"), json!(null), json!(true), json!([1]), json!({"n": 1})] {
            for name in ["exp", "nbf", "iat", ORIG_IAT] {
                let mut c = json!({"exp": 9999});
                c[name] = bad.clone();
                assert_eq!(run(c, &v, 1), Err(ErrorCode::Malformed), "{name}={bad}");
            }
        }
    }

    #[test]
    fn extreme_numbers_do_not_panic() {
        let v = Validation::default();
        assert_eq!(run(json!({"exp": -5}), &v, 100), Err(ErrorCode::Expired));
        let huge = json!({"exp": 1e300, "iat": 1.5, "orig_iat": -3});
        let t = run(huge, &v, 100).unwrap();
        assert_eq!(t.exp, Some(u64::MAX));
        assert_eq!(t.iat, Some(1));
        assert_eq!(t.start, Some(0));
        assert_eq!(run(json!({"exp": u64::MAX}), &v, u64::MAX), Err(ErrorCode::Expired));
    }

    #[test]
    fn absolute_lifetime_counts_from_orig_iat() {
        let v = Validation { absolute_lifetime_secs: Some(1000), leeway_secs: 0, ..Validation::default() };
        assert!(run(json!({"exp": 5000, "iat": 2500, "orig_iat": 2000}), &v, 2999).is_ok());
        // The same boundary rule as `exp`: at exactly start + limit the session is over.
        assert_eq!(
            run(json!({"exp": 5000, "iat": 2500, "orig_iat": 2000}), &v, 3000),
            Err(ErrorCode::LifetimeExceeded)
        );
        assert_eq!(
            run(json!({"exp": 5000, "iat": 3000, "orig_iat": 1000}), &v, 3000),
            Err(ErrorCode::LifetimeExceeded)
        );
        assert_eq!(run(json!({"exp": 5000, "iat": 1000}), &v, 3000), Err(ErrorCode::LifetimeExceeded));
        assert_eq!(run(json!({"exp": 5000}), &v, 3000), Err(ErrorCode::LifetimeExceeded));
        let legacy = Validation { require_exp: false, ..v };
        assert_eq!(run(json!({"counter": 1}), &legacy, 3000), Err(ErrorCode::LifetimeExceeded));
    }
}
