//! The one error type of the crate, with a stable snake_case code per case.
//!
//! The same codes reach the CLI (`error: <code>: <message>` on stderr) and the JS package
//! (`error.code`), so a user can `match`/`switch` on them in any language.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, as a stable code.
///
/// New cases may be added in minor releases, so matches need a wildcard arm.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::ErrorCode;
/// assert_eq!(ErrorCode::BadSignature.as_str(), "bad_signature");
/// assert_eq!(ErrorCode::BadSignature.to_string(), "bad_signature");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The token is not three non-empty dot-separated segments, or a header or claim has the
    /// wrong shape (`crit`, a `typ` other than `JWT`, a non-numeric time claim).
    Malformed,
    /// A segment is not canonical unpadded base64url.
    BadBase64,
    /// The header or payload is not a JSON object (or is not UTF-8, or nests too deep).
    BadJson,
    /// `alg` is missing or not in the configured allow-list (`none` never is).
    UnsupportedAlgorithm,
    /// The header names a `kid` that no configured key has.
    UnknownKey,
    /// No configured key produced this signature.
    BadSignature,
    /// `exp` is in the past (beyond the leeway).
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    IssuedInFuture,
    /// The token has no `exp` and legacy tokens are not allowed.
    MissingExp,
    /// The session began longer ago than the absolute lifetime allows.
    LifetimeExceeded,
    /// An input or a session is larger than the configured bounds.
    TooLarge,
    /// The configuration is invalid (missing or short secret, bad option, unsafe cookie name).
    Config,
    /// A handler tried to set a claim the library manages (`iat`, `exp`, `nbf`, `orig_iat`, `sid`).
    ReservedClaim,
    /// A chunked session arrived with a chunk missing (a client or proxy dropped cookies),
    /// told apart from garbage so that the log says what happened.
    Incomplete,
    /// An unsafe request (POST, PUT, PATCH, DELETE) from another origin, or without the
    /// session's CSRF token, refused before the handler ran.
    Csrf,
    /// The session was revoked (revocation in Workers KV): it loads empty and its cookie is expired.
    Revoked,
    /// The revocation store could not be read or written (a Workers KV failure).
    RevocationUnavailable,
    /// An encrypted session (JWE) that does not decrypt with any configured key, or is not a JWE
    /// this library writes.
    Decrypt,
}

impl ErrorCode {
    /// The stable snake_case code.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::ErrorCode;
    /// assert_eq!(ErrorCode::MissingExp.as_str(), "missing_exp");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::BadBase64 => "bad_base64",
            ErrorCode::BadJson => "bad_json",
            ErrorCode::UnsupportedAlgorithm => "unsupported_algorithm",
            ErrorCode::UnknownKey => "unknown_key",
            ErrorCode::BadSignature => "bad_signature",
            ErrorCode::Expired => "expired",
            ErrorCode::NotYetValid => "not_yet_valid",
            ErrorCode::IssuedInFuture => "issued_in_future",
            ErrorCode::MissingExp => "missing_exp",
            ErrorCode::LifetimeExceeded => "lifetime_exceeded",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Config => "config",
            ErrorCode::ReservedClaim => "reserved_claim",
            ErrorCode::Incomplete => "incomplete",
            ErrorCode::Csrf => "csrf",
            ErrorCode::Revoked => "revoked",
            ErrorCode::RevocationUnavailable => "revocation_unavailable",
            ErrorCode::Decrypt => "decrypt",
        }
    }

    /// Every code, for documentation and for tests that check all of them.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::ErrorCode;
    /// // E.g. every code a `switch (err.code)` in the JS package may meet.
    /// let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    /// assert!(codes.contains(&"bad_signature") && codes.contains(&"incomplete"));
    /// ```
    pub const ALL: [ErrorCode; 19] = [
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
        ErrorCode::TooLarge,
        ErrorCode::Config,
        ErrorCode::ReservedClaim,
        ErrorCode::Incomplete,
        ErrorCode::Csrf,
        ErrorCode::Revoked,
        ErrorCode::RevocationUnavailable,
        ErrorCode::Decrypt,
    ];
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`] and a human-readable message.
///
/// The message never contains a token or a secret: it is safe to log.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{jwt, ErrorCode};
/// let err = jwt::decode_unverified("not-a-token").unwrap_err();
/// assert_eq!(err.code(), ErrorCode::Malformed);
/// assert!(err.to_string().starts_with("malformed: "));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: Cow<'static, str>,
    binding: Option<&'static str>,
}

impl Error {
    /// An error with a code and a message.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{Error, ErrorCode};
    /// let err = Error::new(ErrorCode::TooLarge, "the cart holds too many items");
    /// assert_eq!(err.to_string(), "too_large: the cart holds too many items");
    /// ```
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Error { code, message: message.into(), binding: None }
    }

    /// The stable code.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, Session};
    /// // Match on the code: it is stable, the message is not.
    /// let err = Session::new().insert("exp", 0).map_err(|e| e.code());
    /// assert_eq!(err, Err(ErrorCode::ReservedClaim));
    /// ```
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message, without the code.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{Error, ErrorCode};
    /// let err = Error::new(ErrorCode::Expired, "token expired 40 s ago");
    /// assert_eq!(err.message(), "token expired 40 s ago");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The Worker binding a configuration error concerns (`JWT_SESSION_SECRET`, …), when it
    /// came from one: what the 500 answer may name, since it names no value.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let err = JwtSessions::from_vars(|_| None).unwrap_err();
    /// assert_eq!(err.binding(), Some("JWT_SESSION_SECRET"));
    /// ```
    pub fn binding(&self) -> Option<&'static str> {
        self.binding
    }

    /// The same error, naming the binding it concerns.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{engine::Answer, Error, ErrorCode};
    /// let err = Error::new(ErrorCode::Config, "must be at least 1 second").with_binding("JWT_SESSION_MAX_AGE");
    /// assert_eq!(err.binding(), Some("JWT_SESSION_MAX_AGE"));
    /// // The 500 then names the binding to fix, and nothing else.
    /// let body = Answer::for_error(&err).body;
    /// assert_eq!(body, "Server misconfigured: check JWT_SESSION_MAX_AGE (details in the Worker's log)\n");
    /// ```
    #[must_use]
    pub fn with_binding(mut self, binding: &'static str) -> Self {
        self.binding = Some(binding);
        self
    }

    pub(crate) fn config(message: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorCode::Config, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'), "{s}");
            assert!(seen.insert(s), "duplicate code {s}");
        }
    }

    #[test]
    fn display_is_code_then_message() {
        let e = Error::new(ErrorCode::Expired, "token expired 40 s ago");
        assert_eq!(e.to_string(), "expired: token expired 40 s ago");
    }
}
