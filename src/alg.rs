//! The HMAC algorithms of RFC 7518 §3.2 that tokens may name in `alg`.
//!
//! A leaf module: the key ring, the claim checks and the JWS code all name algorithms, so the
//! type lives apart from each of them and the import graph runs one way.

use crate::error::Error;

/// An HMAC algorithm of RFC 7518 §3.2.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwt::Algorithm;
/// let alg: Algorithm = "hs512".parse()?;
/// assert_eq!(alg, Algorithm::HS512);
/// assert_eq!(alg.as_str(), "HS512");
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum Algorithm {
    /// HMAC with SHA-256, the default.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
}

impl Algorithm {
    /// The name used in the `alg` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::jwt::Algorithm;
    /// // The exact spelling a header must carry: `alg` is case-sensitive on the way in.
    /// assert_eq!(Algorithm::HS384.as_str(), "HS384");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
        }
    }

    /// Size of the MAC (and the minimum key size RFC 7518 asks for), in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, JwtSessions};
    /// assert_eq!(Algorithm::HS512.mac_len(), 64);
    /// // Also the shortest secret the builder accepts for it.
    /// assert!(JwtSessions::builder([7u8; 48]).algorithm(Algorithm::HS512).build().is_err());
    /// JwtSessions::builder([7u8; 64]).algorithm(Algorithm::HS512).build()?;
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub const fn mac_len(self) -> usize {
        match self {
            Algorithm::HS256 => 32,
            Algorithm::HS384 => 48,
            Algorithm::HS512 => 64,
        }
    }

    /// The algorithm a header names, exactly as spelled there (`alg` is case-sensitive).
    pub(crate) fn from_header(name: &str) -> Option<Algorithm> {
        match name {
            "HS256" => Some(Algorithm::HS256),
            "HS384" => Some(Algorithm::HS384),
            "HS512" => Some(Algorithm::HS512),
            _ => None,
        }
    }
}

impl std::str::FromStr for Algorithm {
    type Err = Error;

    /// Parses a configured name, case-insensitively (`HS256`, `hs384`, …).
    fn from_str(s: &str) -> Result<Self, Error> {
        // The input is not echoed: a secret pasted into the wrong setting must not reach a log.
        Algorithm::from_header(&s.trim().to_ascii_uppercase())
            .ok_or_else(|| Error::config("unsupported algorithm: use HS256, HS384 or HS512"))
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
