//! Revocation in Workers KV (`JWT_SESSION_REVOCATION_KV`): log out a stolen cookie, and log a
//! user out everywhere.
//!
//! Sans-IO like the rest of the engine: it names the keys an adapter must read before the
//! handler runs ([`JwtSessions::revocation_lookups`](crate::JwtSessions::revocation_lookups)),
//! judges what the adapter found, and lists the writes to make during commit
//! ([`Plan::writes`](crate::Plan::writes)). Only the adapters touch KV.
//!
//! Two kinds of entry, each expiring (KV `expirationTtl`) when no token it could match can
//! still be valid:
//! - `sid:<sid>`: that one session is revoked;
//! - `sub:<user>`: a time (seconds since the Unix epoch); every session of that user that began
//!   at or before it (`orig_iat`) is revoked. Whole seconds, like `orig_iat`: a session that
//!   begins in the same second as a "log out everywhere" is revoked with the others.
//!
//! KV is eventually consistent: a write is seen at once where it was made, and elsewhere within
//! about a minute (reads are cached for [`KV_CACHE_TTL_SECS`]).

use std::str::FromStr;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::b64::b64_encode;
use crate::error::{Error, ErrorCode};
use crate::policy::Lifetime;

/// How long a KV read may be served from the edge cache (`cacheTtl`), in seconds: KV's minimum.
/// A revocation made in another location can take this long (plus KV's own propagation, about a
/// minute) to be seen here.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::revocation::KV_CACHE_TTL_SECS;
/// assert_eq!(KV_CACHE_TTL_SECS, 60);
/// ```
pub const KV_CACHE_TTL_SECS: u64 = 60;

/// The shortest `expirationTtl` Workers KV accepts, in seconds.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::revocation::KV_MIN_TTL_SECS;
/// assert_eq!(KV_MIN_TTL_SECS, 60);
/// ```
pub const KV_MIN_TTL_SECS: u64 = 60;

/// The longest key Workers KV accepts, in bytes: a longer user id is stored under its hash.
const MAX_KV_KEY_BYTES: usize = 512;

/// What a failing revocation store (a KV error) does to the request's session.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::revocation::FailureMode;
/// assert_eq!(FailureMode::default(), FailureMode::Closed);
/// assert_eq!("OPEN".parse::<FailureMode>()?, FailureMode::Open);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailureMode {
    /// The session loads empty (logged with code `revocation_unavailable`); its cookie is kept,
    /// so the user is back once KV answers again.
    #[default]
    Closed,
    /// The session stands (logged with the same code): availability over revocation.
    Open,
}

impl FailureMode {
    /// The setting's spelling.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::revocation::FailureMode;
    /// assert_eq!(FailureMode::Closed.as_str(), "closed");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            FailureMode::Closed => "closed",
            FailureMode::Open => "open",
        }
    }
}

impl FromStr for FailureMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "closed" => Ok(FailureMode::Closed),
            "open" => Ok(FailureMode::Open),
            _ => Err(Error::config(format!("expected closed or open, got {s:?}"))),
        }
    }
}

/// Revocation settings. Defaults to off, user claim `sub`, failing closed.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{revocation::RevocationOptions, JwtSessions};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
/// let options: &RevocationOptions = sessions.revocation_options();
/// assert_eq!(options.binding.as_deref(), Some("REVOKED"));
/// assert_eq!(options.user_claim, "sub");
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevocationOptions {
    /// The KV namespace binding; revocation is off when `None`.
    pub binding: Option<String>,
    /// The claim that names the user, for `revoke_all`. Defaults to `sub`.
    pub user_claim: String,
    /// What a KV failure does. Defaults to [`FailureMode::Closed`].
    pub failure: FailureMode,
}

impl Default for RevocationOptions {
    fn default() -> Self {
        RevocationOptions { binding: None, user_claim: "sub".to_owned(), failure: FailureMode::Closed }
    }
}

/// One write to the revocation namespace, made by the adapter during commit, before the
/// response is returned: `put(key, value, { expirationTtl })`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
/// let session = sessions.load_cookie_header(None, 1_000);
/// session.insert("sub", "ada")?;
/// session.revoke_all()?;
/// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 1_000, Scheme::Https);
/// assert_eq!(plan.writes[0].key, "sub:ada");
/// assert_eq!(plan.writes[0].value, "1000");
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvWrite {
    /// `sid:<sid>` or `sub:<user>`.
    pub key: String,
    /// The time of the revocation, in seconds since the Unix epoch.
    pub value: String,
    /// Seconds until KV may drop the entry: when no token it could match can still be valid.
    pub expiration_ttl_secs: u64,
}

/// The key that marks one session revoked.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::revocation::sid_key;
/// assert_eq!(sid_key("q3VsCz1SE2bVYmjR2Ruk6A"), "sid:q3VsCz1SE2bVYmjR2Ruk6A");
/// ```
#[must_use]
pub fn sid_key(sid: &str) -> String {
    format!("sid:{sid}")
}

/// The key that holds a user's "revoked before" time, for the value of the user claim: a
/// non-empty string or a number (its JSON text). A key longer than KV allows is
/// `sub#` + the base64url SHA-256 of the user. `None` for any other value.
///
/// # Examples
///
/// ```
/// use serde_json::json;
/// use worker_jwt_session::revocation::user_key;
/// assert_eq!(user_key(&json!("ada")).as_deref(), Some("sub:ada"));
/// assert_eq!(user_key(&json!(42)).as_deref(), Some("sub:42"));
/// assert_eq!(user_key(&json!({"id": 1})), None);
/// assert!(user_key(&json!("x".repeat(600))).is_some_and(|k| k.starts_with("sub#") && k.len() < 512));
/// ```
#[must_use]
pub fn user_key(user: &Value) -> Option<String> {
    let text = match user {
        Value::String(s) if !s.is_empty() => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let key = format!("sub:{text}");
    if key.len() <= MAX_KV_KEY_BYTES {
        Some(key)
    } else {
        Some(format!("sub#{}", b64_encode(&Sha256::digest(text.as_bytes()))))
    }
}

/// How long an entry must live: as long as a token it could match can still be valid, i.e.
/// `max_age` (or the absolute lifetime, when shorter) plus the clock leeway; at least KV's
/// minimum.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use worker_jwt_session::{policy::Lifetime, revocation::entry_ttl_secs};
/// assert_eq!(entry_ttl_secs(&Lifetime::default(), 30), 86_430);
/// let short = Lifetime { absolute_lifetime: Some(Duration::from_secs(3600)), ..Lifetime::default() };
/// assert_eq!(entry_ttl_secs(&short, 30), 3630);
/// ```
#[must_use]
pub fn entry_ttl_secs(lifetime: &Lifetime, leeway_secs: u64) -> u64 {
    let longest = match lifetime.absolute_lifetime {
        Some(limit) => lifetime.max_age.min(limit),
        None => lifetime.max_age,
    };
    longest.as_secs().saturating_add(leeway_secs).max(KV_MIN_TTL_SECS)
}

/// What the store's answers say about a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Stands,
    Revoked,
    Unavailable(String),
}

/// Judges the values found under `keys` (in the same order) for a session that began at
/// `start` (a token that cannot prove its start counts as the oldest).
pub(crate) fn judge(keys: &[String], found: &[Option<String>], start: Option<u64>) -> Verdict {
    if keys.len() != found.len() {
        return Verdict::Unavailable(format!("the store answered {} values for {} keys", found.len(), keys.len()));
    }
    let start = start.unwrap_or(0);
    for (key, value) in keys.iter().zip(found) {
        let Some(value) = value else { continue };
        if key.starts_with("sid:") {
            return Verdict::Revoked;
        }
        match value.trim().parse::<u64>() {
            Ok(before) if start <= before => return Verdict::Revoked,
            Ok(_) => {}
            Err(_) => return Verdict::Unavailable(format!("the entry `{key}` does not hold a time")),
        }
    }
    Verdict::Stands
}

/// The error of a `revoke_all` on a session that does not name its user.
pub(crate) fn no_user(claim: &str) -> Error {
    Error::new(
        ErrorCode::RevocationUnavailable,
        format!(
            "revoke_all needs the session's user: the claim `{claim}` (JWT_SESSION_USER_CLAIM) must hold a string or a number"
        ),
    )
}

/// The error of `revoke`/`revoke_all` when revocation is off.
pub(crate) fn off() -> Error {
    Error::config("revocation is off: set JWT_SESSION_REVOCATION_KV to a KV namespace binding")
        .with_binding("JWT_SESSION_REVOCATION_KV")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn keys() -> Vec<String> {
        vec!["sid:abc".to_owned(), "sub:ada".to_owned()]
    }

    #[test]
    fn a_revoked_sid_revokes_whatever_it_holds() {
        assert_eq!(judge(&keys(), &[Some("1".into()), None], Some(5)), Verdict::Revoked);
        assert_eq!(judge(&keys(), &[Some(String::new()), None], Some(5)), Verdict::Revoked);
    }

    #[test]
    fn a_user_entry_revokes_sessions_that_began_at_or_before_it() {
        assert_eq!(judge(&keys(), &[None, Some("100".into())], Some(99)), Verdict::Revoked);
        assert_eq!(judge(&keys(), &[None, Some("100".into())], Some(100)), Verdict::Revoked);
        assert_eq!(judge(&keys(), &[None, Some("100".into())], Some(101)), Verdict::Stands);
        // A token that cannot prove its start (legacy) is as old as can be.
        assert_eq!(judge(&keys(), &[None, Some("100".into())], None), Verdict::Revoked);
        assert_eq!(judge(&keys(), &[None, None], Some(1)), Verdict::Stands);
    }

    #[test]
    fn a_garbled_entry_or_answer_is_a_store_failure_not_a_pass() {
        assert!(matches!(judge(&keys(), &[None, Some("soon".into())], Some(1)), Verdict::Unavailable(_)));
        assert!(matches!(judge(&keys(), &[None], Some(1)), Verdict::Unavailable(_)));
    }

    #[test]
    fn entries_live_as_long_as_a_token_they_match_and_at_least_kvs_minimum() {
        let tiny = Lifetime {
            max_age: std::time::Duration::from_secs(5),
            refresh_after: std::time::Duration::from_secs(1),
            absolute_lifetime: None,
        };
        assert_eq!(entry_ttl_secs(&tiny, 0), KV_MIN_TTL_SECS);
    }
}
