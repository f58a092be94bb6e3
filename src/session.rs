//! The session a handler reads and changes: a JSON object with change tracking.
//!
//! A [`Session`] is a cheap clone over shared state, so a handler can pass it around (or store
//! it in a request extension) and the middleware still sees every change when it commits.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::b64::b64_encode;
use crate::claims::{CSRF, RESERVED_CLAIMS, SID};
use crate::error::{Error, ErrorCode};
use crate::jwt::{Claims, Verified};
use crate::policy::Origin;

/// How deep a value may nest (arrays and objects inside it; a number is depth 0): the most a
/// token's payload can hold and still load, since the JSON parser stops at 128 levels and the
/// payload object is one of them.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{session::MAX_VALUE_DEPTH, ErrorCode, Session};
/// let nested = |depth: usize| serde_json::from_str::<serde_json::Value>(
///     &format!("{}1{}", "[".repeat(depth), "]".repeat(depth))).unwrap();
/// let s = Session::new();
/// s.insert("ok", nested(MAX_VALUE_DEPTH))?;
/// assert_eq!(s.insert("deep", nested(MAX_VALUE_DEPTH + 1)).unwrap_err().code(), ErrorCode::BadJson);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const MAX_VALUE_DEPTH: usize = 126;

/// Refuses a value nested deeper than [`MAX_VALUE_DEPTH`], which the next request could not load.
pub(crate) fn check_depth(key: &str, value: &Value) -> Result<(), Error> {
    // Iterative, so a deep value costs no stack: (value, its depth).
    let mut stack = vec![(value, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        if depth + 1 > MAX_VALUE_DEPTH {
            return Err(Error::new(
                ErrorCode::BadJson,
                format!(
                    "session value `{key}` nests deeper than {MAX_VALUE_DEPTH} levels, more than a token can carry"
                ),
            ));
        }
        stack.extend(children.map(|child| (child, depth + 1)));
    }
    Ok(())
}

/// 16 random bytes from the platform's generator (crypto.getRandomValues on wasm32), base64url.
pub(crate) fn new_session_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|_| Error::new(ErrorCode::Config, "no random number generator for a session id"))?;
    Ok(b64_encode(&bytes))
}

/// Ends a session: no data, and the response expires its cookie.
fn end(inner: &mut Inner) {
    inner.data.clear();
    inner.destroyed = true;
    inner.modified = true;
}

/// The state behind a [`Session`]; the engine reads a copy of it at commit time, in one lock.
#[derive(Clone, Debug)]
pub(crate) struct Inner {
    pub data: Claims,
    pub origin: Origin,
    /// When the session began (`orig_iat`), if it came from a valid token.
    pub start: Option<u64>,
    /// The session's id (`sid`), if it came from a valid token.
    pub sid: Option<String>,
    /// The session's CSRF token (`csrf`), if it came from a valid token or was regenerated.
    pub csrf: Option<String>,
    /// The `sid` of the token the session was loaded from (what `revoke` revokes, even after a
    /// `regenerate`).
    pub loaded_sid: Option<String>,
    /// The user claim's name when revocation is on (set by the engine at load), else `None`.
    pub user_claim: Option<String>,
    /// Revocations to write at commit: `sid:`/`sub:` keys.
    pub revocations: Vec<String>,
    /// Code of the first cookie that failed verification, for the log.
    pub rejected: Option<ErrorCode>,
    /// Names of our cookies the request carried, to expire the ones no longer used.
    pub present: Vec<String>,
    pub accessed: bool,
    pub modified: bool,
    pub destroyed: bool,
    pub regenerated: bool,
}

/// A session: the data of a verified cookie, or an empty object.
///
/// Reserved claim names (`iat`, `exp`, `nbf`, `orig_iat`, `sid`, `csrf`) are managed by the library and
/// never appear in the data.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::Session;
/// let session = Session::new();
/// let n: u64 = session.get("counter")?.unwrap_or(0);
/// session.insert("counter", n + 1)?;
/// assert_eq!(session.get::<u64>("counter")?, Some(1));
/// assert!(session.is_modified());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Session {
    inner: Arc<Mutex<Inner>>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// An empty session that came with no cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{policy::Origin, Session};
    /// // What a request without a cookie gets; also a handler's input in tests without an engine.
    /// let session = Session::new();
    /// assert!(session.is_empty());
    /// assert_eq!(session.origin(), Origin::None);
    /// ```
    pub fn new() -> Session {
        Session::with_origin(Claims::new(), Origin::None, None, None, None, Vec::new())
    }

    fn with_origin(
        data: Claims,
        origin: Origin,
        start: Option<u64>,
        sid: Option<String>,
        rejected: Option<ErrorCode>,
        present: Vec<String>,
    ) -> Session {
        Session {
            inner: Arc::new(Mutex::new(Inner {
                data,
                origin,
                start,
                sid,
                csrf: None,
                loaded_sid: None,
                user_claim: None,
                revocations: Vec::new(),
                rejected,
                present,
                accessed: false,
                modified: false,
                destroyed: false,
                regenerated: false,
            })),
        }
    }

    /// The session of a verified token: its claims without the reserved ones.
    pub(crate) fn from_verified(verified: Verified, present: Vec<String>) -> Session {
        let mut data = verified.claims;
        let text = |name: &str| match data.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let (sid, csrf) = (text(SID), text(CSRF));
        for name in RESERVED_CLAIMS {
            data.shift_remove(name);
        }
        let origin = Origin::Valid {
            previous_key: verified.key_index > 0,
            legacy: verified.time.exp.is_none(),
            iat: verified.time.iat,
        };
        let session = Session::with_origin(data, origin, verified.time.start, sid.clone(), None, present);
        let mut inner = session.lock();
        inner.csrf = csrf;
        inner.loaded_sid = sid;
        drop(inner);
        session
    }

    /// An empty session after the request's cookies were all rejected (or absent).
    pub(crate) fn from_rejected(code: Option<ErrorCode>, present: Vec<String>) -> Session {
        let origin = if code.is_some() { Origin::Invalid } else { Origin::None };
        Session::with_origin(Claims::new(), origin, None, None, code, present)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked mid-update poisons the lock; the data is still a valid map,
        // and the engine does not commit after a failed handler anyway.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.lock();
        inner.accessed = true;
        inner
    }

    /// The value under `key`, deserialized.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::BadJson`] when the stored value does not deserialize into `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, Session};
    /// let s = Session::new();
    /// s.insert("name", "Ada")?;
    /// assert_eq!(s.get::<String>("name")?.as_deref(), Some("Ada"));
    /// assert_eq!(s.get::<u32>("missing")?, None);
    /// assert_eq!(s.get::<u32>("name").unwrap_err().code(), ErrorCode::BadJson);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        match self.read().data.get(key) {
            None => Ok(None),
            Some(v) => T::deserialize(v)
                .map(Some)
                .map_err(|e| Error::new(ErrorCode::BadJson, format!("session value `{key}` has another type ({e})"))),
        }
    }

    /// The raw JSON value under `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("roles", ["admin", "dev"])?;
    /// assert_eq!(s.get_value("roles"), Some(serde_json::json!(["admin", "dev"])));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn get_value(&self, key: &str) -> Option<Value> {
        self.read().data.get(key).cloned()
    }

    /// Stores `value` under `key`. Storing a value equal to the current one is not a change, so
    /// it sets no cookie.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::ReservedClaim`] for `iat`, `exp`, `nbf`, `orig_iat`, `sid` and `csrf`;
    /// [`ErrorCode::BadJson`] when `value` does not serialize to JSON or nests deeper than
    /// [`MAX_VALUE_DEPTH`] (the next request could not load it).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, Session};
    /// let s = Session::new();
    /// s.insert("counter", 1)?;
    /// assert_eq!(s.insert("exp", 0).unwrap_err().code(), ErrorCode::ReservedClaim);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn insert<T: Serialize>(&self, key: impl Into<String>, value: T) -> Result<(), Error> {
        let key = key.into();
        if RESERVED_CLAIMS.contains(&key.as_str()) {
            return Err(Error::new(
                ErrorCode::ReservedClaim,
                format!("`{key}` is managed by worker-jwt-session and cannot be set"),
            ));
        }
        let value = serde_json::to_value(value)
            .map_err(|e| Error::new(ErrorCode::BadJson, format!("value for `{key}` is not JSON ({e})")))?;
        check_depth(&key, &value)?;
        let mut inner = self.read();
        if inner.data.get(&key) != Some(&value) {
            inner.data.insert(key, value);
            inner.modified = true;
        }
        Ok(())
    }

    /// Removes `key` and returns its value, deserialized.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::BadJson`] when the stored value does not deserialize into `T`; the value is
    /// then left in place.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, Session};
    /// let s = Session::new();
    /// s.insert("cart", ["pear"])?;
    /// assert_eq!(s.remove::<u32>("cart").unwrap_err().code(), ErrorCode::BadJson);
    /// assert_eq!(s.remove::<Vec<String>>("cart")?, Some(vec!["pear".to_string()]));
    /// assert_eq!(s.remove::<Vec<String>>("cart")?, None);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn remove<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        let mut inner = self.read();
        let Some(value) = inner.data.get(key) else { return Ok(None) };
        let typed = T::deserialize(value)
            .map_err(|e| Error::new(ErrorCode::BadJson, format!("session value `{key}` has another type ({e})")))?;
        inner.data.shift_remove(key);
        inner.modified = true;
        Ok(Some(typed))
    }

    /// Removes `key`, returning its raw JSON value.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// assert_eq!(s.remove_value("nothing"), None);
    /// assert!(!s.is_modified());
    /// ```
    pub fn remove_value(&self, key: &str) -> Option<Value> {
        let mut inner = self.read();
        let old = inner.data.shift_remove(key);
        inner.modified |= old.is_some();
        old
    }

    /// Removes every value. An emptied session that came with a cookie expires it.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("a", 1)?;
    /// s.clear();
    /// assert!(s.is_empty());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn clear(&self) {
        let mut inner = self.read();
        inner.modified |= !inner.data.is_empty();
        inner.data.clear();
    }

    /// Ends the session: the data is cleared and the response expires the cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("user", "ada")?;
    /// s.destroy();
    /// assert!(s.is_empty() && s.is_destroyed());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn destroy(&self) {
        end(&mut self.read());
    }

    /// Starts a new session with the same data: a new id (`sid`, visible through
    /// [`Session::id`] at once), a new start time (`orig_iat`, which the absolute lifetime
    /// counts from) and a newly signed token. Call it after login, so a token from before
    /// cannot be mistaken for the logged-in session's start.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("user", "ada")?;
    /// let before = s.id();
    /// s.regenerate();
    /// assert!(s.is_modified());
    /// assert!(s.id().is_some() && s.id() != before);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn regenerate(&self) {
        let mut inner = self.read();
        inner.regenerated = true;
        inner.destroyed = false;
        inner.modified = true;
        // Without a generator the id is made at commit, whose plan then reports the failure.
        inner.sid = new_session_id().ok();
        // A token seen before the login must not stay valid for the logged-in session.
        inner.csrf = new_session_id().ok();
    }

    /// Revokes this session and ends it: at commit the engine writes `sid:<sid>` to the
    /// revocation namespace (`JWT_SESSION_REVOCATION_KV`) and expires the cookie, so a copy of
    /// the cookie kept elsewhere (a stolen one) is refused from then on. What "log out" should
    /// call when revocation is on. A session that was never saved has nothing to revoke and is
    /// just ended.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`] when revocation is off (no `JWT_SESSION_REVOCATION_KV`): logging
    /// out would not revoke anything, and that must not pass silently.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// let session = sessions.load_cookie_header(None, 1_000);
    /// session.insert("user", "ada")?;
    /// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 1_000, Scheme::Https);
    /// let cookie = plan.set_cookies().next().unwrap_or_default().split(';').next().unwrap_or_default();
    /// // Next request: log out.
    /// let session = sessions.load_cookie_header(Some(cookie), 1_001);
    /// session.revoke()?;
    /// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 1_001, Scheme::Https);
    /// assert_eq!(plan.writes[0].key, format!("sid:{}", session.id().unwrap_or_default()));
    /// assert!(plan.set_cookies().all(|c| c.contains("Max-Age=0")));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn revoke(&self) -> Result<(), Error> {
        let mut inner = self.read();
        if inner.user_claim.is_none() {
            return Err(crate::revocation::off());
        }
        if let Some(sid) = inner.loaded_sid.clone() {
            inner.revocations.push(crate::revocation::sid_key(&sid));
        }
        end(&mut inner);
        Ok(())
    }

    /// Revokes every session of this session's user that began before now, this one included
    /// ("log out everywhere"), and ends this one: at commit the engine writes `sub:<user>` with
    /// the time, for the user named by the claim `JWT_SESSION_USER_CLAIM` (default `sub`).
    /// Sessions that begin later are not affected.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::RevocationUnavailable`] when the session's data has no user claim (a string
    /// or a number); [`ErrorCode::Config`] when revocation is off.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// let session = sessions.load_cookie_header(None, 1_000);
    /// assert_eq!(session.revoke_all().unwrap_err().code(), ErrorCode::RevocationUnavailable);
    /// session.insert("sub", "ada")?;
    /// session.revoke_all()?;
    /// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 1_000, Scheme::Https);
    /// assert_eq!(plan.writes[0].key, "sub:ada");
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn revoke_all(&self) -> Result<(), Error> {
        let mut inner = self.read();
        let user = inner.user_claim.as_deref().map(|claim| inner.data.get(claim).and_then(crate::revocation::user_key));
        match user {
            None => Err(crate::revocation::off()),
            Some(None) => Err(crate::revocation::no_user(inner.user_claim.as_deref().unwrap_or("sub"))),
            Some(Some(key)) => {
                inner.revocations.push(key);
                end(&mut inner);
                Ok(())
            }
        }
    }

    /// [`Session::revoke_all`] for a runtime that keeps the data itself (the JS wrapper): the
    /// user is read from `data`, the handler's current data.
    #[cfg(feature = "js-worker")]
    pub(crate) fn revoke_all_of(&self, data: &Claims) -> Result<(), Error> {
        let mut inner = self.read();
        let Some(claim) = inner.user_claim.clone() else { return Err(crate::revocation::off()) };
        let key =
            data.get(&claim).and_then(crate::revocation::user_key).ok_or_else(|| crate::revocation::no_user(&claim))?;
        inner.revocations.push(key);
        end(&mut inner);
        Ok(())
    }

    /// Turns revocation on for this session (the engine's load does it when configured).
    pub(crate) fn enable_revocation(&self, user_claim: &str) {
        self.lock().user_claim = Some(user_claim.to_owned());
    }

    /// Drops the data the session was loaded with: the handler gets an empty session. A revoked
    /// session's cookies are expired at commit. A session the store could not judge keeps its
    /// cookies (a KV outage must not log everyone out for good) and its id, so that a logout
    /// during the outage still tries to revoke it, and fails loudly when it cannot.
    pub(crate) fn drop_loaded(&self, code: ErrorCode) {
        let mut inner = self.lock();
        inner.data.clear();
        inner.origin = Origin::Invalid;
        inner.rejected = Some(code);
        inner.start = None;
        inner.sid = None;
        inner.csrf = None;
        if code == ErrorCode::Revoked {
            inner.loaded_sid = None;
        } else {
            inner.present.clear();
        }
    }

    /// The session's CSRF token (the `csrf` claim, when CSRF protection is on): what a page
    /// must send back in `X-CSRF-Token` on POST, PUT, PATCH and DELETE. Made when the session
    /// is first saved and by [`Session::regenerate`]; `None` before. Pages read it with the
    /// browser package's `csrfToken()`; a server-rendered form can embed this.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// assert_eq!(s.csrf_token(), None);
    /// s.regenerate();
    /// assert_eq!(s.csrf_token().map(|t| t.len()), Some(22));
    /// ```
    pub fn csrf_token(&self) -> Option<String> {
        self.read().csrf.clone()
    }

    /// The session's id (`sid`): 22 base64url characters, made when the session is first saved
    /// and by [`Session::regenerate`] (visible here at once), then kept. `None` for a new
    /// session until it has been saved once or regenerated.
    /// It is readable in the cookie, so use it to tell sessions apart, never as a secret.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::engine::{ResponseInfo, Scheme};
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let session = sessions.load_cookie_header(None, 1000);
    /// assert_eq!(session.id(), None);
    /// session.insert("user", "ada")?;
    /// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 1000, Scheme::Https);
    /// let cookie = plan.set_cookies().next().unwrap_or_default().split(';').next().unwrap_or_default();
    /// let again = sessions.load_cookie_header(Some(cookie), 1001);
    /// assert_eq!(again.id().map(|id| id.len()), Some(22));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn id(&self) -> Option<String> {
        self.read().sid.clone()
    }

    /// Whether the session holds no data.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// assert!(s.is_empty());
    /// s.insert("user", "ada")?;
    /// assert!(!s.is_empty());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.read().data.is_empty()
    }

    /// Number of values.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("a", 1)?;
    /// s.insert("a", 2)?;
    /// s.insert("b", 3)?;
    /// assert_eq!(s.len(), 2);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.read().data.len()
    }

    /// Whether `key` is present.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("user", "ada")?;
    /// // Presence alone, whatever the value's type.
    /// assert!(s.contains_key("user"));
    /// assert!(!s.contains_key("cart"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().data.contains_key(key)
    }

    /// The data as a JSON object (a copy).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("counter", 3)?;
    /// assert_eq!(serde_json::Value::Object(s.to_json()), serde_json::json!({"counter": 3}));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn to_json(&self) -> Claims {
        self.read().data.clone()
    }

    /// Whether the handler changed the data (an equal value stored again is no change).
    ///
    /// Asking is not a read: it does not add `Vary: Cookie`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let first = sessions.load_cookie_header(None, 1000);
    /// first.insert("theme", "dark")?;
    /// let plan = sessions.commit_headers(&first, &ResponseInfo::status(200), 1000, Scheme::Https);
    /// let cookie = plan.set_cookies().next().and_then(|c| c.split(';').next());
    /// let s = sessions.load_cookie_header(cookie, 1001);
    /// // Neither a read nor storing the same value again re-sends the cookie.
    /// assert_eq!(s.get::<String>("theme")?.as_deref(), Some("dark"));
    /// s.insert("theme", "dark")?;
    /// assert!(!s.is_modified());
    /// s.insert("theme", "light")?;
    /// assert!(s.is_modified());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn is_modified(&self) -> bool {
        self.lock().modified
    }

    /// Whether [`Session::destroy`] was called.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// s.insert("user", "ada")?;
    /// // `clear` empties the data too; only `destroy` is recorded as the end of the session.
    /// s.clear();
    /// assert!(!s.is_destroyed());
    /// s.destroy();
    /// assert!(s.is_destroyed());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn is_destroyed(&self) -> bool {
        self.lock().destroyed
    }

    /// Whether the handler read or changed the session (the response then varies by cookie).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::Session;
    /// let s = Session::new();
    /// // Asking what happened is not a read, so it adds no `Vary: Cookie`.
    /// assert!(!s.is_modified());
    /// assert!(!s.was_accessed());
    /// let _: Option<u64> = s.get("counter")?;
    /// assert!(s.was_accessed());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn was_accessed(&self) -> bool {
        self.lock().accessed
    }

    /// What came in: no cookie, a rejected one, or a valid token.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{policy::Origin, JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let first = sessions.load_cookie_header(None, 1000);
    /// first.insert("theme", "dark")?;
    /// let plan = sessions.commit_headers(&first, &ResponseInfo::status(200), 1000, Scheme::Https);
    /// let cookie = plan.set_cookies().next().and_then(|c| c.split(';').next());
    /// let s = sessions.load_cookie_header(cookie, 1001);
    /// // Signed by the current key at 1000: nothing to re-sign yet.
    /// assert_eq!(s.origin(), Origin::Valid { previous_key: false, legacy: false, iat: Some(1000) });
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn origin(&self) -> Origin {
        self.lock().origin
    }

    /// Code of the first session cookie that failed verification, if any: log this, never the
    /// cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{JwtSessions, ErrorCode};
    /// let sessions = JwtSessions::builder("0123456789abcdef0123456789abcdef").build()?;
    /// let s = sessions.load_cookie_header(Some("jwtsession=a.b.c"), 1_700_000_000);
    /// assert_eq!(s.rejected(), Some(ErrorCode::BadBase64));
    /// assert!(s.is_empty());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn rejected(&self) -> Option<ErrorCode> {
        self.lock().rejected
    }

    /// The CSRF token, without counting as a read by the handler.
    pub(crate) fn stored_csrf(&self) -> Option<String> {
        self.lock().csrf.clone()
    }

    /// A copy of the whole state, without counting as a read by the handler.
    pub(crate) fn snapshot(&self) -> Inner {
        self.lock().clone()
    }

    /// Counts as a read by the handler (the response then gets `Vary: Cookie`), for
    /// integrations that keep the data elsewhere while the handler runs.
    pub(crate) fn mark_accessed(&self) {
        self.lock().accessed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inserting_an_equal_value_is_not_a_change() {
        let s = Session::new();
        s.insert("a", json!({"x": [1, 2]})).unwrap();
        let s2 = Session::from_verified(
            Verified {
                header: crate::jwt::Header { alg: Some(crate::jwt::Algorithm::HS256), kid: None },
                claims: s.to_json(),
                time: Default::default(),
                key_index: 0,
            },
            vec![],
        );
        s2.insert("a", json!({"x": [1, 2]})).unwrap();
        assert!(!s2.is_modified());
        s2.insert("a", json!({"x": [1, 3]})).unwrap();
        assert!(s2.is_modified());
    }

    #[test]
    fn a_read_is_not_a_modification_but_is_an_access() {
        let s = Session::new();
        assert!(!s.was_accessed());
        let _ = s.get::<u8>("x");
        assert!(s.was_accessed());
        assert!(!s.is_modified());
    }

    #[test]
    fn clones_share_state() {
        let s = Session::new();
        let c = s.clone();
        c.insert("k", "v").unwrap();
        assert_eq!(s.get::<String>("k").unwrap().as_deref(), Some("v"));
    }

    #[test]
    fn reserved_claims_are_stripped_on_load_and_refused_on_insert() {
        let claims = json!({"iat": 1, "exp": 2, "nbf": 0, "orig_iat": 1, "sid": "x", "csrf": "y", "user": "ada"});
        let s = Session::from_verified(
            Verified {
                header: crate::jwt::Header { alg: Some(crate::jwt::Algorithm::HS256), kid: None },
                claims: claims.as_object().cloned().unwrap(),
                time: Default::default(),
                key_index: 0,
            },
            vec![],
        );
        assert_eq!(Value::Object(s.to_json()), json!({"user": "ada"}));
        for name in RESERVED_CLAIMS {
            assert_eq!(s.insert(name, 5).unwrap_err().code(), ErrorCode::ReservedClaim);
        }
        assert!(!s.is_modified());
    }

    #[test]
    fn clear_of_an_empty_session_is_no_change() {
        let s = Session::new();
        s.clear();
        assert!(!s.is_modified());
    }

    #[test]
    fn values_that_are_not_json_are_refused() {
        let s = Session::new();
        let mut bad = std::collections::HashMap::new();
        bad.insert(vec![1u8], 1);
        assert_eq!(s.insert("m", bad).unwrap_err().code(), ErrorCode::BadJson);
        assert!(s.is_empty());
    }
}
