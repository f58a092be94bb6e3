//! The lifetime policy: from what came in, what the handler did and the time, decide what goes
//! out. A pure function, so every rule of the design is a unit test.
//!
//! The rules, in order:
//! 1. a 5xx response commits nothing (the handler failed; the old cookie stays valid);
//! 2. a destroyed or empty session expires the cookies the request carried, if any;
//! 3. a changed or regenerated session is issued;
//! 4. an unchanged session is re-issued when it was signed by a previous key, is a legacy token
//!    (no `exp`), has no `iat`, or is older than `refresh_after` (sliding expiry);
//! 5. otherwise nothing: parallel requests must not clobber each other's cookie.

use std::time::Duration;

/// What came in with the request.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{policy::Origin, JwtSessions};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// assert_eq!(sessions.load_cookie_header(None, 0).origin(), Origin::None);
/// // Not the same as no cookie: the response may have a bad cookie to expire.
/// assert_eq!(sessions.load_cookie_header(Some("jwtsession=junk"), 0).origin(), Origin::Invalid);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// No session cookie.
    None,
    /// A session cookie that failed a check (its code is in [`crate::Session::rejected`]).
    Invalid,
    /// A token that verified.
    Valid {
        /// Signed by a previous key (index > 0 in the ring).
        previous_key: bool,
        /// Had no `exp` (a `wsgi_jwt_session` token accepted in legacy mode).
        legacy: bool,
        /// Its `iat`, if it had one.
        iat: Option<u64>,
    },
}

/// The lifetimes that drive the policy.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use worker_jwt_session::policy::Lifetime;
/// let l = Lifetime::default();
/// assert_eq!(l.max_age, Duration::from_secs(86400));
/// assert_eq!(l.refresh_after, Duration::from_secs(21600));
/// assert_eq!(l.absolute_lifetime, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime {
    /// Token `exp` and cookie `Max-Age`, from the time of signing. Defaults to 86400 s, as in
    /// `wsgi_jwt_session`.
    pub max_age: Duration,
    /// An unchanged session older than this is re-signed. Defaults to `max_age / 4`.
    pub refresh_after: Duration,
    /// A session older than this since it began is dropped, however active. Defaults to off.
    pub absolute_lifetime: Option<Duration>,
}

/// The default lifetime of a session, in seconds (as in `wsgi_jwt_session`).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use worker_jwt_session::{policy::DEFAULT_MAX_AGE_SECS, JwtSessions};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// // A day, as in `wsgi_jwt_session`.
/// assert_eq!(sessions.lifetime().max_age, Duration::from_secs(DEFAULT_MAX_AGE_SECS));
/// assert_eq!(DEFAULT_MAX_AGE_SECS, 24 * 60 * 60);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const DEFAULT_MAX_AGE_SECS: u64 = 86_400;

impl Default for Lifetime {
    fn default() -> Self {
        Lifetime {
            max_age: Duration::from_secs(DEFAULT_MAX_AGE_SECS),
            refresh_after: Duration::from_secs(DEFAULT_MAX_AGE_SECS / 4),
            absolute_lifetime: None,
        }
    }
}

impl Lifetime {
    /// Seconds until the new token's `exp`: `max_age`, cut short so that it never outlives the
    /// absolute lifetime of a session that began at `start`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use worker_jwt_session::policy::Lifetime;
    /// let l = Lifetime { absolute_lifetime: Some(Duration::from_secs(1000)), ..Lifetime::default() };
    /// assert_eq!(l.token_lifetime_secs(5000, 4500), 500);
    /// assert_eq!(Lifetime::default().token_lifetime_secs(5000, 4500), 86400);
    /// ```
    pub fn token_lifetime_secs(&self, now: u64, start: u64) -> u64 {
        let max_age = self.max_age.as_secs();
        match self.absolute_lifetime {
            Some(limit) => {
                let end = start.saturating_add(limit.as_secs());
                max_age.min(end.saturating_sub(now))
            }
            None => max_age,
        }
    }
}

/// What the handler left behind.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::policy::{decide, Decision, Lifetime, Origin, Outcome};
/// let logout = Outcome {
///     origin: Origin::Valid { previous_key: false, legacy: false, iat: Some(1000) },
///     had_cookie: true, empty: true, modified: true, destroyed: true, regenerated: false,
///     status: 200,
/// };
/// assert_eq!(decide(&logout, &Lifetime::default(), 1060), Decision::Expire);
/// // A failed handler changes nothing, not even a logout.
/// let failed = Outcome { status: 500, ..logout };
/// assert_eq!(decide(&failed, &Lifetime::default(), 1060), Decision::Nothing);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// What came in.
    pub origin: Origin,
    /// Whether the request carried any cookie of ours (valid or not, whole or in chunks).
    pub had_cookie: bool,
    /// Whether the session holds no data now.
    pub empty: bool,
    /// Whether the handler changed the data.
    pub modified: bool,
    /// Whether the handler called `destroy`.
    pub destroyed: bool,
    /// Whether the handler called `regenerate`.
    pub regenerated: bool,
    /// The response status.
    pub status: u16,
}

/// What goes out.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{policy::Decision, JwtSessions, ResponseInfo, Scheme};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// let session = sessions.load_cookie_header(None, 0);
/// // A visitor who stored nothing gets no cookie.
/// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 0, Scheme::Https);
/// assert_eq!(plan.decision, Decision::Nothing);
/// session.insert("user", "ada")?;
/// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 0, Scheme::Https);
/// assert_eq!(plan.decision, Decision::Issue);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// No `Set-Cookie`.
    Nothing,
    /// Sign the session and set the cookie (in chunks when large).
    Issue,
    /// Expire every cookie of ours the request carried.
    Expire,
}

/// Applies the rules of the module docs.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::policy::{decide, Decision, Lifetime, Origin, Outcome};
/// let read_only = Outcome {
///     origin: Origin::Valid { previous_key: false, legacy: false, iat: Some(1000) },
///     had_cookie: true, empty: false, modified: false, destroyed: false, regenerated: false,
///     status: 200,
/// };
/// let l = Lifetime::default(); // refresh after 21600 s
/// assert_eq!(decide(&read_only, &l, 1000 + 60), Decision::Nothing);
/// assert_eq!(decide(&read_only, &l, 1000 + 21600), Decision::Issue);
/// ```
pub fn decide(outcome: &Outcome, lifetime: &Lifetime, now: u64) -> Decision {
    if outcome.status >= 500 {
        return Decision::Nothing;
    }
    if outcome.destroyed || outcome.empty {
        return if outcome.had_cookie { Decision::Expire } else { Decision::Nothing };
    }
    if outcome.modified || outcome.regenerated {
        return Decision::Issue;
    }
    match outcome.origin {
        // Unchanged data that did not come from a valid token cannot be non-empty; issuing is
        // still the safe answer if it ever is.
        Origin::None | Origin::Invalid => Decision::Issue,
        Origin::Valid { previous_key: true, .. } | Origin::Valid { legacy: true, .. } => Decision::Issue,
        Origin::Valid { iat: None, .. } => Decision::Issue,
        Origin::Valid { iat: Some(iat), .. } => {
            if now >= iat.saturating_add(lifetime.refresh_after.as_secs()) {
                Decision::Issue
            } else {
                Decision::Nothing
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: Origin = Origin::Valid { previous_key: false, legacy: false, iat: Some(1000) };

    fn outcome(origin: Origin) -> Outcome {
        Outcome {
            origin,
            had_cookie: origin != Origin::None,
            empty: false,
            modified: false,
            destroyed: false,
            regenerated: false,
            status: 200,
        }
    }

    fn at(o: Outcome, now: u64) -> Decision {
        decide(&o, &Lifetime::default(), now)
    }

    #[test]
    fn unchanged_fresh_session_sets_no_cookie() {
        assert_eq!(at(outcome(VALID), 1001), Decision::Nothing);
        assert_eq!(at(outcome(VALID), 1000 + 21_599), Decision::Nothing);
    }

    #[test]
    fn unchanged_session_past_refresh_after_is_resigned() {
        assert_eq!(at(outcome(VALID), 1000 + 21_600), Decision::Issue);
    }

    #[test]
    fn empty_new_session_sets_no_cookie() {
        let o = Outcome { empty: true, ..outcome(Origin::None) };
        assert_eq!(at(o, 5), Decision::Nothing);
    }

    #[test]
    fn changed_session_is_issued() {
        for origin in [Origin::None, Origin::Invalid, VALID] {
            assert_eq!(at(Outcome { modified: true, ..outcome(origin) }, 1001), Decision::Issue);
            assert_eq!(at(Outcome { regenerated: true, ..outcome(origin) }, 1001), Decision::Issue);
        }
    }

    #[test]
    fn old_key_legacy_and_missing_iat_are_resigned_at_once() {
        for origin in [
            Origin::Valid { previous_key: true, legacy: false, iat: Some(1000) },
            Origin::Valid { previous_key: false, legacy: true, iat: Some(1000) },
            Origin::Valid { previous_key: false, legacy: true, iat: None },
        ] {
            assert_eq!(at(outcome(origin), 1001), Decision::Issue, "{origin:?}");
        }
    }

    #[test]
    fn destroyed_or_emptied_session_expires_the_cookie_it_came_with() {
        for origin in [VALID, Origin::Invalid] {
            assert_eq!(at(Outcome { destroyed: true, empty: true, ..outcome(origin) }, 1001), Decision::Expire);
            assert_eq!(at(Outcome { empty: true, modified: true, ..outcome(origin) }, 1001), Decision::Expire);
        }
        let nothing_came = Outcome { destroyed: true, empty: true, ..outcome(Origin::None) };
        assert_eq!(at(nothing_came, 1), Decision::Nothing);
    }

    #[test]
    fn server_errors_commit_nothing() {
        for status in [500, 502, 503] {
            let o = Outcome { modified: true, status, ..outcome(VALID) };
            assert_eq!(at(o, 1001), Decision::Nothing);
            assert_eq!(at(Outcome { destroyed: true, status, ..outcome(VALID) }, 1001), Decision::Nothing);
        }
        assert_eq!(at(Outcome { modified: true, status: 404, ..outcome(VALID) }, 1001), Decision::Issue);
    }

    #[test]
    fn token_lifetime_never_outlives_the_absolute_limit() {
        let l = Lifetime { absolute_lifetime: Some(Duration::from_secs(100)), ..Lifetime::default() };
        assert_eq!(l.token_lifetime_secs(150, 100), 50);
        assert_eq!(l.token_lifetime_secs(250, 100), 0);
        assert_eq!(l.token_lifetime_secs(u64::MAX, u64::MAX), 0);
    }
}
