//! The engine: the one place that decides what a session is on the way in and what the
//! response carries on the way out. Every runtime (the workers-rs middleware, the JS and Hono
//! wrapper, the axum example, the browser package, the CLI) calls it and applies its plan.
//!
//! It does no I/O and reads no clock: the adapter hands it the `Cookie` header, the time and
//! the scheme, and gets back a [`Session`] on the way in and a [`Plan`] on the way out. A
//! lookup the engine may need later (revocation in Workers KV) is asked of the adapter the same
//! way, so every decision stays testable without a runtime.
//!
//! # Examples
//!
//! ```
//! use worker_jwt_session::engine::{ResponseInfo, Scheme};
//! use worker_jwt_session::JwtSessions;
//!
//! let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
//! let now_secs = 1_700_000_000;
//! let session = sessions.load_cookie_header(None, now_secs);
//! session.insert("counter", 1)?;
//! let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), now_secs, Scheme::Https);
//! assert!(plan.answer.is_none());
//! assert_eq!(plan.headers[0].0, "Vary");
//! assert!(plan.headers[1].1.starts_with("jwtsession=eyJ"));
//! # Ok::<(), worker_jwt_session::Error>(())
//! ```

use serde_json::Value;

use crate::claims::{Validation, CSRF, ORIG_IAT, SID};
use crate::cookie::{self, CookieOptions, Mode, Source, MAX_COOKIE_BYTES};
pub use crate::csrf::RequestInfo;
use crate::csrf::{self, CsrfOptions};
use crate::error::{Error, ErrorCode};
use crate::jwe;
use crate::jwt::{self, Algorithm};
use crate::keys::KeyRing;
use crate::policy::{self, Decision, Lifetime, Origin, Outcome};
use crate::revocation::{self, KvWrite, RevocationOptions, Verdict};
use crate::session::{self, Session};

/// What every log line of the library starts with.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{engine::{rejected_log, LOG_PREFIX}, ErrorCode};
/// // Filter the Worker's log on it to find the library's lines.
/// assert!(rejected_log(ErrorCode::Expired).starts_with(LOG_PREFIX));
/// ```
pub const LOG_PREFIX: &str = "worker-jwt-session: ";

/// Bytes of `Cookie` header past which some clients and proxies cut or refuse the request:
/// curl sends at most about 8 KB of cookies, and nginx's default `large_client_header_buffers`
/// holds an 8 KB header line. A session that needs more is saved, with a warning in the log.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{engine::COMMON_COOKIE_HEADER_LIMIT, JwtSessions, ResponseInfo, Scheme};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// let session = sessions.load_cookie_header(None, 0);
/// session.insert("notes", "x".repeat(COMMON_COOKIE_HEADER_LIMIT))?;
/// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 0, Scheme::Https);
/// // Saved all the same, but the log learns that some clients will send it back cut short.
/// assert!(plan.answer.is_none());
/// assert!(plan.warning.is_some_and(|w| w.contains("8 KB")));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const COMMON_COOKIE_HEADER_LIMIT: usize = 8 * 1024 - 512;

/// How many full-size tokens' worth of bytes one request may MAC, beyond one per key: enough
/// for a genuine session behind a few tossed cookies, and a bound on what a flood of
/// well-formed fakes can cost.
const MAC_BUDGET_SPARE_TOKENS: usize = 3;

/// Whether the request came over https: it decides `Secure` in the automatic mode.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::engine::Scheme;
/// assert_eq!(Scheme::of_url("HTTPS://example.com/"), Scheme::Https);
/// assert_eq!(Scheme::of_url("http://127.0.0.1:8787/"), Scheme::Http);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Plain http (`wrangler dev`, tests).
    Http,
    /// https (every Worker in production).
    Https,
}

impl Scheme {
    /// The scheme of a request URL, read from its first characters (no URL parsing).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::engine::Scheme;
    /// // `wrangler dev` serves plain http: in the automatic mode its cookie goes without `Secure`.
    /// assert_eq!(Scheme::of_url("http://localhost:8787/"), Scheme::Http);
    /// assert_eq!(Scheme::of_url("https://example.com/login"), Scheme::Https);
    /// ```
    #[must_use]
    pub fn of_url(url: &str) -> Scheme {
        if url.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("https:")) {
            Scheme::Https
        } else {
            Scheme::Http
        }
    }

    /// Whether this is https.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::engine::Scheme;
    /// assert!(Scheme::of_url("https://example.com/").is_https());
    /// assert!(!Scheme::Http.is_https());
    /// ```
    #[must_use]
    pub fn is_https(self) -> bool {
        self == Scheme::Https
    }
}

/// What the engine needs to know about the handler's response.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::engine::ResponseInfo;
/// let info = ResponseInfo { vary: Some("Accept"), ..ResponseInfo::status(200) };
/// assert_eq!(info.status, 200);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseInfo<'a> {
    /// The status (a 5xx commits nothing).
    pub status: u16,
    /// The response's `Vary` header, if it has one (so `Cookie` is not added twice).
    pub vary: Option<&'a str>,
}

impl ResponseInfo<'_> {
    /// A response with this status and no `Vary` header.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let session = sessions.load_cookie_header(None, 0);
    /// session.insert("counter", 1)?;
    /// // A failed handler commits nothing, whatever it changed.
    /// let plan = sessions.commit_headers(&session, &ResponseInfo::status(503), 0, Scheme::Https);
    /// assert_eq!(plan.set_cookies().count(), 0);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[must_use]
    pub fn status(status: u16) -> ResponseInfo<'static> {
        ResponseInfo { status, vary: None }
    }
}

/// What to answer instead of the handler's response when the session cannot be handled: a
/// configuration error (500), a session that cannot be saved (500), or an unsafe request
/// refused by CSRF protection (403). The body names at most a binding; the reason is in
/// [`Answer::log`], for the Worker's log only.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{engine::Answer, JwtSessions};
/// let err = JwtSessions::from_vars(|name| (name == "JWT_SESSION_SECRET").then(|| "short".into())).unwrap_err();
/// let answer = Answer::for_error(&err);
/// assert_eq!(answer.status, 500);
/// assert_eq!(answer.body, "Server misconfigured: check JWT_SESSION_SECRET (details in the Worker's log)\n");
/// assert!(answer.log.starts_with("worker-jwt-session: misconfigured: config: "));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status to answer (500).
    pub status: u16,
    /// The body (plain text, see [`Answer::CONTENT_TYPE`]): no secret, length, token or stack.
    pub body: String,
    /// The error's code.
    pub code: ErrorCode,
    /// The line to write to the Worker's error log.
    pub log: String,
}

impl Answer {
    /// The `Content-Type` of [`Answer::body`].
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::engine::Answer;
    /// assert_eq!(Answer::CONTENT_TYPE, "text/plain; charset=utf-8");
    /// ```
    pub const CONTENT_TYPE: &'static str = "text/plain; charset=utf-8";

    /// The answer to an error: the one mapping from failure to response, for every runtime.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{engine::Answer, Error, ErrorCode};
    /// let answer = Answer::for_error(&Error::new(ErrorCode::TooLarge, "the session needs 9 cookies"));
    /// assert_eq!(answer.status, 500);
    /// // The client learns only that saving failed; the reason is for the log.
    /// assert_eq!(answer.body, "Internal Server Error: the session could not be saved\n");
    /// assert!(answer.log.ends_with("too_large: the session needs 9 cookies"));
    /// ```
    #[must_use]
    pub fn for_error(err: &Error) -> Answer {
        let (status, body, log) = match err.code() {
            ErrorCode::Config => {
                let binding = err.binding().unwrap_or("the JWT_SESSION_* settings");
                (500, format!("Server misconfigured: check {binding} (details in the Worker's log)\n"), "misconfigured")
            }
            ErrorCode::Csrf => (403, "Forbidden: cross-site request refused (csrf)\n".to_owned(), "request refused"),
            _ => (500, "Internal Server Error: the session could not be saved\n".to_owned(), "session not saved"),
        };
        Answer { status, body, code: err.code(), log: format!("{LOG_PREFIX}{log}: {err}") }
    }
}

/// Everything the response needs, decided by [`JwtSessions::commit_headers`].
///
/// Either `answer` is set, and the adapter answers it instead of the handler's response, or
/// the adapter appends `headers` to the handler's response, in order, each its own header line.
/// `warning`, when set, goes to the log.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{policy::Decision, JwtSessions, ResponseInfo, Scheme};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// let session = sessions.load_cookie_header(None, 0);
/// session.insert("user", "ada")?;
/// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 0, Scheme::Https);
/// assert_eq!(plan.decision, Decision::Issue);
/// // No answer to give instead, so the adapter appends these, in order.
/// assert!(plan.answer.is_none());
/// let names: Vec<&str> = plan.headers.iter().map(|(name, _)| *name).collect();
/// assert_eq!(names, ["Vary", "Set-Cookie"]);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct Plan {
    /// What the lifetime policy decided.
    pub decision: Decision,
    /// `(name, value)` pairs to append: `Vary: Cookie` (only when the handler read the session
    /// and the response does not vary on `Cookie` yet), then each `Set-Cookie`.
    pub headers: Vec<(&'static str, String)>,
    /// The answer that replaces the handler's response, when the session cannot be saved.
    pub answer: Option<Answer>,
    /// A line for the log that changes nothing in the response.
    pub warning: Option<String>,
    /// Writes to the revocation namespace (`session.revoke()`, `revoke_all()`), to make before
    /// the response is returned; when one fails, answer
    /// [`JwtSessions::revocation_failed`] instead.
    pub writes: Vec<KvWrite>,
}

impl Plan {
    /// The `Set-Cookie` values of the plan, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let session = sessions.load_cookie_header(None, 0);
    /// session.insert("user", "ada")?;
    /// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 0, Scheme::Https);
    /// // Each one its own `Set-Cookie` header: joined with commas, browsers would misread them.
    /// assert_eq!(plan.set_cookies().count(), 1);
    /// assert!(plan.set_cookies().all(|c| c.starts_with("jwtsession=eyJ")));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn set_cookies(&self) -> impl Iterator<Item = &str> {
        self.headers.iter().filter(|(name, _)| *name == "Set-Cookie").map(|(_, value)| value.as_str())
    }

    /// Whether the plan adds `Vary: Cookie`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let session = sessions.load_cookie_header(None, 0);
    /// session.insert("counter", 1)?;
    /// assert!(sessions.commit_headers(&session, &ResponseInfo::status(200), 0, Scheme::Https).varies());
    /// // A response that varies on `Cookie` already is not told so twice.
    /// let info = ResponseInfo { vary: Some("Accept, Cookie"), ..ResponseInfo::status(200) };
    /// assert!(!sessions.commit_headers(&session, &info, 0, Scheme::Https).varies());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[must_use]
    pub fn varies(&self) -> bool {
        self.headers.iter().any(|(name, _)| *name == "Vary")
    }

    /// The plan for a failure: the engine's answer instead of the handler's response.
    pub(crate) fn failure(err: &Error) -> Plan {
        Plan {
            decision: Decision::Nothing,
            headers: Vec::new(),
            answer: Some(Answer::for_error(err)),
            warning: None,
            writes: Vec::new(),
        }
    }
}

/// The log line for a session cookie that failed verification: its code, never the cookie.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{engine::rejected_log, ErrorCode};
/// assert_eq!(rejected_log(ErrorCode::Expired), "worker-jwt-session: session cookie rejected: expired");
/// ```
#[must_use]
pub fn rejected_log(code: ErrorCode) -> String {
    format!("{LOG_PREFIX}session cookie rejected: {code}")
}

/// Sessions configuration and engine: build once (per isolate), then
/// [`load_cookie_header`](JwtSessions::load_cookie_header) on the way in and
/// [`commit_headers`](JwtSessions::commit_headers) on the way out.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::engine::{ResponseInfo, Scheme};
/// use worker_jwt_session::JwtSessions;
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// let now_secs = 1_700_000_000;
/// // First request: no cookie.
/// let session = sessions.load_cookie_header(None, now_secs);
/// session.insert("counter", 1)?;
/// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), now_secs, Scheme::Https);
/// let set_cookie = plan.set_cookies().next().unwrap();
/// assert!(set_cookie.starts_with("jwtsession=eyJ"));
/// // Next request: the browser sends the cookie back.
/// let cookie = set_cookie.split(';').next().unwrap();
/// let session = sessions.load_cookie_header(Some(cookie), now_secs + 5);
/// assert_eq!(session.get::<u32>("counter")?, Some(1));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct JwtSessions {
    pub(crate) keys: KeyRing,
    pub(crate) algorithm: Algorithm,
    pub(crate) validation: Validation,
    pub(crate) lifetime: Lifetime,
    pub(crate) cookie: CookieOptions,
    pub(crate) csrf: CsrfOptions,
    pub(crate) revocation: RevocationOptions,
}

impl JwtSessions {
    /// The cookie options in force.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// // By default the page's JavaScript can read the session (it can never forge it).
    /// assert_eq!(sessions.cookie_options().name, "jwtsession");
    /// assert!(!sessions.cookie_options().http_only);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn cookie_options(&self) -> &CookieOptions {
        &self.cookie
    }

    /// The lifetimes in force.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{policy::Lifetime, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// assert_eq!(sessions.lifetime(), &Lifetime::default());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn lifetime(&self) -> &Lifetime {
        &self.lifetime
    }

    /// What tokens must satisfy.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// // Only what this configuration signs is accepted, and every token must expire.
    /// assert_eq!(sessions.validation().algorithms, [Algorithm::HS256]);
    /// assert!(sessions.validation().require_exp);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    /// The key ring.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// // One key: tokens carry no `kid`, byte for byte as PyJWT writes them.
    /// assert_eq!(sessions.keys().len(), 1);
    /// assert!(!sessions.keys().writes_kid());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The signing algorithm.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// assert_eq!(sessions.algorithm(), Algorithm::HS256);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// CSRF protection in force.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// assert!(!sessions.csrf_options().enabled); // off by default
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn csrf_options(&self) -> &CsrfOptions {
        &self.csrf
    }

    /// Revocation settings in force.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// assert_eq!(sessions.revocation_options().binding, None); // off by default
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn revocation_options(&self) -> &RevocationOptions {
        &self.revocation
    }

    /// The KV namespace binding the adapter reads and writes revocations in, when revocation is
    /// on.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::from_vars(|name| match name {
    ///     "JWT_SESSION_SECRET" => Some("a secret of at least thirty-two bytes!!".into()),
    ///     "JWT_SESSION_REVOCATION_KV" => Some("REVOKED".into()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(sessions.revocation_binding(), Some("REVOKED"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[must_use]
    pub fn revocation_binding(&self) -> Option<&str> {
        self.revocation.binding.as_deref()
    }

    /// The configuration error for a Worker that lacks the KV binding
    /// `JWT_SESSION_REVOCATION_KV` names: adapters check for the binding when they configure,
    /// and answer this (500, naming the binding) rather than run without revocation.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{engine::Answer, ErrorCode, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// let err = sessions.revocation_binding_missing();
    /// assert_eq!((err.code(), err.binding()), (ErrorCode::Config, Some("JWT_SESSION_REVOCATION_KV")));
    /// assert!(err.message().contains("[[kv_namespaces]]"));
    /// assert_eq!(Answer::for_error(&err).status, 500);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[must_use]
    pub fn revocation_binding_missing(&self) -> Error {
        let binding = self.revocation_binding().unwrap_or_default();
        Error::config(format!(
            "JWT_SESSION_REVOCATION_KV names the binding `{binding}`, which this Worker does not have: declare a KV \
             namespace with that binding under [[kv_namespaces]] in wrangler.toml"
        ))
        .with_binding(crate::config::REVOCATION_KV_BINDING)
    }

    /// The keys to read from the revocation namespace before the handler runs (`sid:<sid>`, and
    /// `sub:<user>` when the session names its user): at most two, and none unless revocation
    /// is on and the request carried a session that verified. Read them (with
    /// [`revocation::KV_CACHE_TTL_SECS`] as `cacheTtl`), then hand what was found to
    /// [`resolve_revocation`](JwtSessions::resolve_revocation).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// // No session cookie: nothing to look up, no KV call.
    /// assert!(sessions.revocation_lookups(&sessions.load_cookie_header(None, 1_000)).is_empty());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[must_use]
    pub fn revocation_lookups(&self, session: &Session) -> Vec<String> {
        if self.revocation.binding.is_none() {
            return Vec::new();
        }
        let snap = session.snapshot();
        if !matches!(snap.origin, Origin::Valid { .. }) {
            return Vec::new();
        }
        let sid = snap.loaded_sid.as_deref().map(revocation::sid_key);
        let user = snap.data.get(&self.revocation.user_claim).and_then(revocation::user_key);
        sid.into_iter().chain(user).collect()
    }

    /// Judges what the adapter found under the keys of
    /// [`revocation_lookups`](JwtSessions::revocation_lookups) (`Ok`: each key's value, in the
    /// same order, `None` where there is none; `Err`: why the store failed). A revoked session
    /// becomes empty and its cookie is expired at commit; a failing store empties the session
    /// (keeping its cookie) or leaves it standing, as `JWT_SESSION_REVOCATION_FAILURE` says.
    /// Returns the line to log, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, JwtSessions, ResponseInfo, Scheme};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// let session = sessions.load_cookie_header(None, 1_000);
    /// session.insert("sub", "ada")?;
    /// let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), 1_000, Scheme::Https);
    /// let cookie = plan.set_cookies().next().unwrap_or_default().split(';').next().unwrap_or_default();
    /// let session = sessions.load_cookie_header(Some(cookie), 1_001);
    /// let keys = sessions.revocation_lookups(&session);
    /// assert_eq!(keys.len(), 2);
    /// // The user logged out everywhere at 1_000: this session, begun then, is revoked.
    /// let log = sessions.resolve_revocation(&session, Ok(&[None, Some("1000".into())]));
    /// assert_eq!(log.as_deref(), Some("worker-jwt-session: session cookie rejected: revoked"));
    /// assert!(session.is_empty());
    /// assert_eq!(session.rejected(), Some(ErrorCode::Revoked));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn resolve_revocation(&self, session: &Session, found: Result<&[Option<String>], &str>) -> Option<String> {
        let keys = self.revocation_lookups(session);
        if keys.is_empty() {
            return None;
        }
        let verdict = match found {
            Ok(values) => revocation::judge(&keys, values, session.snapshot().start),
            Err(reason) => Verdict::Unavailable(reason.to_owned()),
        };
        match verdict {
            Verdict::Stands => None,
            Verdict::Revoked => {
                session.drop_loaded(ErrorCode::Revoked);
                Some(rejected_log(ErrorCode::Revoked))
            }
            Verdict::Unavailable(reason) => {
                let (mode, outcome) = match self.revocation.failure {
                    revocation::FailureMode::Closed => {
                        session.drop_loaded(ErrorCode::RevocationUnavailable);
                        ("closed", "the session loads empty, its cookie is kept")
                    }
                    revocation::FailureMode::Open => ("open", "the session stands"),
                };
                Some(format!(
                    "{LOG_PREFIX}revocation store failed ({}): {reason}; {outcome} (JWT_SESSION_REVOCATION_FAILURE={mode})",
                    ErrorCode::RevocationUnavailable
                ))
            }
        }
    }

    /// The writes that revoke the session whose claims these are, as a Worker's `revoke()`
    /// (`all` false: `sid:<sid>`) or `revoke_all()` (`all` true: `sub:<user>`) would make them
    /// at `now_secs`: what the CLI's `revoke` turns into `wrangler kv key put` commands.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::RevocationUnavailable`] when the claims have no `sid` (or, with `all`, no
    /// user claim).
    ///
    /// # Examples
    ///
    /// ```
    /// use serde_json::json;
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let claims = json!({"sub": "ada", "sid": "q3VsCz1SE2bVYmjR2Ruk6A"});
    /// let writes = sessions.revocation_writes_for(claims.as_object().unwrap(), true, 1_000)?;
    /// assert_eq!((writes[0].key.as_str(), writes[0].value.as_str()), ("sub:ada", "1000"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn revocation_writes_for(&self, claims: &jwt::Claims, all: bool, now_secs: u64) -> Result<Vec<KvWrite>, Error> {
        let key = if all {
            claims
                .get(&self.revocation.user_claim)
                .and_then(revocation::user_key)
                .ok_or_else(|| revocation::no_user(&self.revocation.user_claim))?
        } else {
            match claims.get(SID) {
                Some(Value::String(sid)) => revocation::sid_key(sid),
                _ => {
                    return Err(Error::new(
                        ErrorCode::RevocationUnavailable,
                        "the token has no `sid` (a legacy token): revoke its user with --all, or rotate the secret",
                    ))
                }
            }
        };
        Ok(self.revocation_writes(&[key], now_secs))
    }

    /// The answer when a write of the plan's [`writes`](Plan::writes) failed: a 500 (code
    /// `revocation_unavailable`), so that a logout that did not revoke is not taken for one.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// let answer = sessions.revocation_failed("KV put failed");
    /// assert_eq!((answer.status, answer.code), (500, ErrorCode::RevocationUnavailable));
    /// assert!(answer.log.ends_with("revocation_unavailable: the revocation could not be written (KV put failed)"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[must_use]
    pub fn revocation_failed(&self, reason: &str) -> Answer {
        Answer::for_error(&Error::new(
            ErrorCode::RevocationUnavailable,
            format!("the revocation could not be written ({reason})"),
        ))
    }

    /// Reads the session from a request's `Cookie` header at `now_secs` (seconds since the Unix
    /// epoch).
    ///
    /// Never fails: every cookie of the session's name is tried in order (each whole cookie,
    /// then the chunks put back together) and the first that verifies wins; when none does, the
    /// session is empty and [`Session::rejected`] tells why (log it with [`rejected_log`]).
    /// Identical candidates are tried once, a signature of the wrong length costs no hashing,
    /// and the bytes hashed per request are bounded.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let s = sessions.load_cookie_header(Some("theme=dark; jwtsession=garbage"), 0);
    /// assert!(s.is_empty());
    /// assert_eq!(s.rejected(), Some(ErrorCode::Malformed));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn load_cookie_header(&self, cookie_header: Option<&str>, now_secs: u64) -> Session {
        let session = self.verify_cookies(cookie_header, now_secs);
        if self.revocation.binding.is_some() {
            session.enable_revocation(&self.revocation.user_claim);
        }
        session
    }

    /// The first cookie of the session's name that verifies, or an empty session that says why.
    fn verify_cookies(&self, cookie_header: Option<&str>, now_secs: u64) -> Session {
        let Some(header) = cookie_header else { return Session::new() };
        let found = cookie::session_cookies(header, &self.cookie.name, self.cookie.max_chunks);
        let mut budget = self.validation.max_token_bytes.saturating_mul(self.keys.len() + MAC_BUDGET_SPARE_TOKENS);
        let mut first_error = None;
        let mut chunks_rejected = false;
        let mut longest_chunks_incomplete = None;
        'candidates: for candidate in &found.candidates {
            // A split half (`header.payload`) is tried with each signature cookie; every mode
            // reads every form, so switching modes logs nobody out.
            let joined: Vec<String>;
            let tokens: &[String] =
                if candidate.token.bytes().filter(|&b| b == b'.').count() == 1 && !found.signatures.is_empty() {
                    joined = found.signatures.iter().map(|sig| format!("{}.{sig}", candidate.token)).collect();
                    &joined
                } else {
                    std::slice::from_ref(&candidate.token)
                };
            for token in tokens {
                match self.verify_within(token, now_secs, &mut budget) {
                    Ok(verified) => return Session::from_verified(verified, found.present),
                    Err(err) => {
                        first_error.get_or_insert(err.code());
                        if let Source::Chunks { incomplete, .. } = candidate.source {
                            chunks_rejected = true;
                            longest_chunks_incomplete.get_or_insert(incomplete);
                        }
                        if err.code() == ErrorCode::TooLarge && budget == 0 {
                            break 'candidates;
                        }
                    }
                }
            }
        }
        let code = if longest_chunks_incomplete == Some(true) { Some(ErrorCode::Incomplete) } else { first_error };
        let mut present = found.present;
        if chunks_rejected {
            // A planted or cut-short chunk must not let this response log the user out: chunks
            // that did not verify, and the signature that goes with them, are left for the
            // browser to expire on its own.
            let signature = cookie::signature_cookie_name(&self.cookie.name);
            let csrf = cookie::csrf_cookie_name(&self.cookie.name);
            present
                .retain(|name| !cookie::is_chunk_name(name, &self.cookie.name) && *name != signature && *name != csrf);
        }
        Session::from_rejected(code, present)
    }

    /// Reads the session of a request and, with CSRF protection on, checks an unsafe request
    /// (POST, PUT, PATCH, DELETE) before the handler runs: its `Origin` (or, without one,
    /// `Sec-Fetch-Site`) must be the request's own origin or a trusted one, and when the session
    /// carries a CSRF token, `X-CSRF-Token` must equal it. What adapters call on the way in.
    ///
    /// # Errors
    ///
    /// The engine's [`Answer`] to give instead of running the handler: a 403 with code `csrf`.
    /// Nothing is committed then.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, JwtSessions, RequestInfo};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").csrf(true).build()?;
    /// let post = RequestInfo { method: "POST", url: "https://app.example/note", ..RequestInfo::default() };
    /// assert!(sessions.load_request(&post, 0).is_ok());
    /// let foreign = RequestInfo { origin: Some("https://evil.example"), ..post };
    /// let answer = sessions.load_request(&foreign, 0).unwrap_err();
    /// assert_eq!((answer.status, answer.code), (403, ErrorCode::Csrf));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn load_request(&self, req: &RequestInfo<'_>, now_secs: u64) -> Result<Session, Answer> {
        let session = self.load_cookie_header(req.cookie, now_secs);
        // Not a read by the handler (no `Vary`), and no copy of the data: just the token.
        let expected = session.stored_csrf();
        csrf::check(&self.csrf, req, expected.as_deref()).map_err(|err| Answer::for_error(&err))?;
        Ok(session)
    }

    /// Verifies one token exactly as [`load_cookie_header`](JwtSessions::load_cookie_header)
    /// verifies a cookie's value (size, algorithms, keys, time claims, absolute lifetime), and
    /// gives its claims: what the CLI's `verify` prints.
    ///
    /// # Errors
    ///
    /// The code of the first failing check, as in [`jwt::verify`].
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// assert_eq!(sessions.verify_token("a.b.c", 0).unwrap_err().code(), ErrorCode::BadBase64);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn verify_token(&self, token: &str, now_secs: u64) -> Result<jwt::Claims, Error> {
        let mut unbounded = usize::MAX;
        self.verify_within(token, now_secs, &mut unbounded).map(|verified| verified.claims)
    }

    /// One candidate token, whatever its form: a JWE (five segments) is decrypted, anything
    /// else verified as a JWS, both against one work budget. Every mode reads every form, so
    /// changing the mode logs nobody out.
    fn verify_within(&self, token: &str, now_secs: u64, budget: &mut usize) -> Result<jwt::Verified, Error> {
        if jwe::is_jwe(token) {
            jwe::decrypt_within(token, &self.keys, &self.validation, now_secs, budget)
        } else {
            jwt::verify_within(token, &self.keys, &self.validation, now_secs, budget)
        }
    }

    /// Decides everything the response carries for `session`: the `Vary` and `Set-Cookie`
    /// headers to append, or the answer to give instead when the session cannot be saved.
    ///
    /// `response` describes the handler's response (a 5xx commits nothing); `scheme` is the
    /// request's (for `Secure` in the automatic mode). Call it only when the handler succeeded:
    /// a failed handler commits nothing, and the old cookie stays valid.
    ///
    /// A session too large for `max_chunks` cookies, or holding data a token cannot carry, is
    /// not dropped silently: the plan's [`answer`](Plan::answer) is a 500 and its log says why.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::engine::{ResponseInfo, Scheme};
    /// use worker_jwt_session::{policy::Decision, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let s = sessions.load_cookie_header(None, 0);
    /// let plan = sessions.commit_headers(&s, &ResponseInfo::status(200), 0, Scheme::Https);
    /// assert_eq!(plan.decision, Decision::Nothing); // an empty new session sets no cookie
    /// assert!(plan.headers.is_empty());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn commit_headers(
        &self,
        session: &Session,
        response: &ResponseInfo<'_>,
        now_secs: u64,
        scheme: Scheme,
    ) -> Plan {
        match self.decide(session, response.status, now_secs, scheme) {
            Ok((decision, set_cookies, accessed, writes)) => {
                let mut headers = Vec::with_capacity(set_cookies.len() + 1);
                if accessed && !response.vary.is_some_and(varies_on_cookie) {
                    headers.push(("Vary", "Cookie".to_owned()));
                }
                let warning = size_warning(&set_cookies);
                headers.extend(set_cookies.into_iter().map(|value| ("Set-Cookie", value)));
                Plan { decision, headers, answer: None, warning, writes }
            }
            Err(err) => Plan::failure(&err),
        }
    }

    /// [`commit_headers`](JwtSessions::commit_headers) for a handler that kept the session's
    /// data outside the [`Session`] (the JS wrapper keeps it as a JS object): its changes are
    /// applied through the session's own methods first (an equal value stored again is no
    /// change), unless the response is a 5xx, which commits nothing whatever the changes.
    /// A change the session refuses (a reserved name, text that is not JSON, a value nested too
    /// deep) gives the plan's answer, as a session too large does.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::engine::{Changes, ResponseInfo, Scheme};
    /// use worker_jwt_session::{ErrorCode, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let session = sessions.load_cookie_header(None, 0);
    /// let changes = Changes { set: vec![("cart".into(), r#"["pear"]"#.into())], ..Changes::default() };
    /// let plan = sessions.commit_changes(&session, changes, &ResponseInfo::status(200), 0, Scheme::Https);
    /// assert_eq!(plan.set_cookies().count(), 1);
    /// let bad = Changes { set: vec![("exp".into(), "1".into())], ..Changes::default() };
    /// let plan = sessions.commit_changes(&session, bad, &ResponseInfo::status(200), 0, Scheme::Https);
    /// assert_eq!(plan.answer.map(|a| a.code), Some(ErrorCode::ReservedClaim));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn commit_changes(
        &self,
        session: &Session,
        changes: Changes,
        response: &ResponseInfo<'_>,
        now_secs: u64,
        scheme: Scheme,
    ) -> Plan {
        if response.status >= 500 {
            // The handler failed: its changes are dropped with the rest of its work.
            return self.commit_headers(session, response, now_secs, scheme);
        }
        match changes.apply_to(session) {
            Ok(()) => self.commit_headers(session, response, now_secs, scheme),
            Err(err) => Plan::failure(&err),
        }
    }

    fn decide(
        &self,
        session: &Session,
        status: u16,
        now_secs: u64,
        scheme: Scheme,
    ) -> Result<(Decision, Vec<String>, bool, Vec<KvWrite>), Error> {
        let snap = session.snapshot();
        // A failed handler's revocations are dropped with the rest of its work.
        let writes = if status >= 500 { Vec::new() } else { self.revocation_writes(&snap.revocations, now_secs) };
        let outcome = Outcome {
            origin: snap.origin,
            had_cookie: !snap.present.is_empty(),
            empty: snap.data.is_empty(),
            modified: snap.modified,
            destroyed: snap.destroyed,
            regenerated: snap.regenerated,
            status,
        };
        let decision = policy::decide(&outcome, &self.lifetime, now_secs);
        let https = scheme.is_https();
        let set_cookies = match decision {
            Decision::Nothing => Vec::new(),
            Decision::Expire => cookie::expire_cookies(&self.cookie, &snap.present, https),
            Decision::Issue => {
                let keeps_start = !snap.regenerated && matches!(snap.origin, Origin::Valid { .. });
                let start = if keeps_start { snap.start.unwrap_or(now_secs) } else { now_secs };
                // A regenerated session already holds its new id; a legacy or foreign token
                // without one gets one now.
                let sid = match snap.sid {
                    Some(sid) => sid,
                    None => session::new_session_id()?,
                };
                let lifetime = self.lifetime.token_lifetime_secs(now_secs, start);
                let mut claims = snap.data;
                // A reference the JS handler mutated can nest deeper than a token may hold.
                for (key, value) in &claims {
                    session::check_depth(key, value)?;
                }
                claims.insert("iat".into(), Value::from(now_secs));
                claims.insert("exp".into(), Value::from(now_secs.saturating_add(lifetime)));
                claims.insert(ORIG_IAT.into(), Value::from(start));
                claims.insert(SID.into(), Value::from(sid));
                let csrf_token = match (self.csrf.enabled, snap.csrf) {
                    (false, _) => None,
                    (true, Some(token)) => Some(token),
                    (true, None) => Some(session::new_session_id()?),
                };
                if let Some(token) = &csrf_token {
                    claims.insert(CSRF.into(), Value::from(token.as_str()));
                }
                let (token, csrf_cookie) = match self.cookie.mode {
                    // The page cannot read an encrypted session: its CSRF token goes in a
                    // readable cookie of its own.
                    Mode::Encrypted => (jwe::encrypt(&claims, &self.keys)?, csrf_token.as_deref()),
                    _ => (jwt::sign(&claims, &self.keys, self.algorithm)?, None),
                };
                let (cookie, present) = (&self.cookie, &snap.present);
                cookie::session_set_cookies_with_csrf(cookie, &token, csrf_cookie, lifetime, now_secs, https, present)?
            }
        };
        Ok((decision, set_cookies, snap.accessed, writes))
    }

    fn revocation_writes(&self, keys: &[String], now_secs: u64) -> Vec<KvWrite> {
        let ttl = revocation::entry_ttl_secs(&self.lifetime, self.validation.leeway_secs);
        keys.iter()
            .map(|key| KvWrite { key: key.clone(), value: now_secs.to_string(), expiration_ttl_secs: ttl })
            .collect()
    }
}

/// What a handler changed in a session whose data it kept elsewhere, by key: so that a value
/// it did not change keeps the exact JSON it came with (integers above 2^53, float digits, key
/// order), whatever the other runtime's numbers can hold.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::engine::{Changes, ResponseInfo, Scheme};
/// use worker_jwt_session::JwtSessions;
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// let session = sessions.load_cookie_header(None, 0);
/// // JSON text, so an integer JavaScript cannot hold exactly is stored exactly.
/// let set = vec![("user_id".into(), "12345678901234567891".into())];
/// let changes = Changes { set, accessed: true, ..Changes::default() };
/// let plan = sessions.commit_changes(&session, changes, &ResponseInfo::status(200), 0, Scheme::Https);
/// assert_eq!(plan.set_cookies().count(), 1);
/// assert_eq!(session.get::<u64>("user_id")?, Some(12345678901234567891));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Keys set, each with the JSON text of its new value, in the order they were set.
    pub set: Vec<(String, String)>,
    /// Keys removed.
    pub removed: Vec<String>,
    /// The handler called `destroy()` (the other changes then do not matter).
    pub destroyed: bool,
    /// The handler read the session (the response then varies on `Cookie`).
    pub accessed: bool,
}

impl Changes {
    fn apply_to(self, session: &Session) -> Result<(), Error> {
        if self.accessed {
            session.mark_accessed();
        }
        if self.destroyed {
            session.destroy();
            return Ok(());
        }
        for key in &self.removed {
            session.remove_value(key);
        }
        for (key, text) in self.set {
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| Error::new(ErrorCode::BadJson, format!("value for `{key}` is not JSON ({e})")))?;
            session.insert(key, value)?;
        }
        Ok(())
    }
}

/// Whether a `Vary` header value already lists `Cookie` (or `*`).
fn varies_on_cookie(vary: &str) -> bool {
    vary.split(',').map(str::trim).any(|field| field == "*" || field.eq_ignore_ascii_case("cookie"))
}

/// A warning when the cookies written need a `Cookie` header larger than common clients and
/// proxies send; the request that brings them back may arrive cut short (code `incomplete`).
fn size_warning(set_cookies: &[String]) -> Option<String> {
    let written: Vec<usize> = set_cookies
        .iter()
        .filter(|c| !c.contains("; Max-Age=0;"))
        .map(|c| c.split(';').next().map_or(0, str::len))
        .collect();
    let header_bytes: usize = written.iter().sum::<usize>() + 2 * written.len().saturating_sub(1);
    (header_bytes > COMMON_COOKIE_HEADER_LIMIT).then(|| {
        format!(
            "{LOG_PREFIX}the session now needs a Cookie header of {header_bytes} bytes in {} cookies \
             (each at most {MAX_COOKIE_BYTES}); curl sends about 8 KB of cookies and nginx accepts an \
             8 KB header line by default, so some clients will send it cut short: store less in the session",
            written.len()
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const OLD: &str = "an old secret that is long enough..";
    const T0: u64 = 1_700_000_000;
    const OK: ResponseInfo<'static> = ResponseInfo { status: 200, vary: None };
    const DEFAULT_LEEWAY: u64 = crate::claims::DEFAULT_LEEWAY_SECS;

    fn sessions() -> JwtSessions {
        JwtSessions::builder(SECRET).build().unwrap()
    }

    fn set_cookies(plan: &Plan) -> Vec<String> {
        plan.set_cookies().map(str::to_owned).collect()
    }

    /// The `name=value` pairs a browser would send back for these Set-Cookie values.
    fn jar(plan: &Plan) -> String {
        plan.set_cookies()
            .filter(|c| !c.contains("Max-Age=0"))
            .map(|c| c.split(';').next().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn token_of(plan: &Plan) -> String {
        jar(plan).trim_start_matches("jwtsession=").to_string()
    }

    fn commit(s: &JwtSessions, session: &Session, now: u64) -> Plan {
        s.commit_headers(session, &OK, now, Scheme::Http)
    }

    fn counter_request(s: &JwtSessions, cookie: Option<&str>, now: u64) -> (u64, Plan) {
        let session = s.load_cookie_header(cookie, now);
        let n = session.get::<u64>("counter").unwrap().unwrap_or(0) + 1;
        session.insert("counter", n).unwrap();
        (n, commit(s, &session, now))
    }

    #[test]
    fn counter_goes_one_two_three() {
        let s = sessions();
        let mut cookie = String::new();
        for want in 1..=3 {
            let (n, out) = counter_request(&s, Some(&cookie), T0 + want);
            assert_eq!(n, want);
            assert_eq!(set_cookies(&out).len(), 1);
            assert!(out.varies());
            cookie = jar(&out);
        }
    }

    #[test]
    fn issued_token_has_iat_exp_and_start() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let claims = jwt::decode_unverified(&token_of(&out)).unwrap();
        let sid = claims["sid"].as_str().unwrap().to_string();
        assert_eq!(sid.len(), 22);
        assert_eq!(
            Value::Object(claims),
            json!({"counter": 1, "iat": T0, "exp": T0 + 86400, "orig_iat": T0, "sid": sid})
        );
        assert!(set_cookies(&out)[0].contains("Max-Age=86400"));
    }

    #[test]
    fn vary_cookie_is_added_once() {
        let s = sessions();
        let session = s.load_cookie_header(None, T0);
        session.insert("a", 1).unwrap();
        for (vary, added) in [(None, true), (Some("Accept"), true), (Some("accept, Cookie"), false), (Some("*"), false)]
        {
            let plan = s.commit_headers(&session, &ResponseInfo { status: 200, vary }, T0, Scheme::Http);
            assert_eq!(plan.varies(), added, "{vary:?}");
            assert_eq!(plan.set_cookies().count(), 1);
        }
    }

    #[test]
    fn session_id_is_kept_while_resigned_and_new_after_regenerate() {
        let s = sessions();
        let sid_of = |out: &Plan| jwt::decode_unverified(&token_of(out)).unwrap()["sid"].as_str().unwrap().to_string();
        let (_, first) = counter_request(&s, None, T0);
        let (_, other) = counter_request(&s, None, T0);
        assert_ne!(sid_of(&first), sid_of(&other), "two new sessions get two ids");
        let (_, second) = counter_request(&s, Some(&jar(&first)), T0 + 1);
        assert_eq!(sid_of(&second), sid_of(&first), "a changed session keeps its id");
        let session = s.load_cookie_header(Some(&jar(&second)), T0 + 2);
        assert_eq!(session.id(), Some(sid_of(&first)));
        session.regenerate();
        let new_id = session.id().expect("regenerate makes the new id at once");
        assert_ne!(new_id, sid_of(&first));
        let third = commit(&s, &session, T0 + 2);
        assert_eq!(sid_of(&third), new_id, "the id seen after regenerate() is the one saved");
        assert_eq!(session.insert("sid", "mine").unwrap_err().code(), ErrorCode::ReservedClaim);
    }

    #[test]
    fn tampered_cookie_gives_a_fresh_session_and_is_replaced() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let good = jar(&out);
        let tampered = good.replacen("eyJjb3VudGVyIjox", "eyJjb3VudGVyIjo5", 1);
        assert_ne!(good, tampered);
        let session = s.load_cookie_header(Some(&tampered), T0 + 1);
        assert!(session.is_empty());
        assert_eq!(session.rejected(), Some(ErrorCode::BadSignature));
        let (n, out) = counter_request(&s, Some(&tampered), T0 + 1);
        assert_eq!(n, 1);
        assert_eq!(set_cookies(&out).len(), 1);
    }

    #[test]
    fn invalid_cookie_on_an_untouched_session_is_expired() {
        let s = sessions();
        let session = s.load_cookie_header(Some("jwtsession=x.y.z"), T0);
        let out = commit(&s, &session, T0);
        assert_eq!(out.decision, Decision::Expire);
        assert!(set_cookies(&out)[0].starts_with("jwtsession=;"));
        assert!(!out.varies());
    }

    #[test]
    fn read_only_request_sets_nothing_until_refresh_after() {
        let s = JwtSessions::builder(SECRET)
            .max_age(Duration::from_secs(100))
            .refresh_after(Duration::from_secs(10))
            .build()
            .unwrap();
        let (_, out) = counter_request(&s, None, T0);
        let cookie = jar(&out);
        let read = |now| {
            let session = s.load_cookie_header(Some(&cookie), now);
            assert_eq!(session.get::<u64>("counter").unwrap(), Some(1));
            commit(&s, &session, now)
        };
        let early = read(T0 + 9);
        assert_eq!((early.decision, early.set_cookies().count(), early.varies()), (Decision::Nothing, 0, true));
        let late = read(T0 + 10);
        assert_eq!(late.decision, Decision::Issue);
        let claims = jwt::decode_unverified(&token_of(&late)).unwrap();
        assert_eq!(claims["exp"], T0 + 110);
        assert_eq!(claims["orig_iat"], T0);
    }

    #[test]
    fn previous_secret_is_accepted_and_resigned_with_the_current_one() {
        let old = JwtSessions::builder(OLD).build().unwrap();
        let (_, out) = counter_request(&old, None, T0);
        let cookie = jar(&out);
        let rotated = JwtSessions::builder(SECRET).previous_secret(OLD).build().unwrap();
        let session = rotated.load_cookie_header(Some(&cookie), T0 + 1);
        assert_eq!(session.get::<u64>("counter").unwrap(), Some(1));
        let out = commit(&rotated, &session, T0 + 1);
        assert_eq!(out.decision, Decision::Issue);
        let new_cookie = jar(&out);
        let current_only = sessions();
        assert_eq!(current_only.load_cookie_header(Some(&new_cookie), T0 + 2).get::<u64>("counter").unwrap(), Some(1));
        assert_eq!(current_only.load_cookie_header(Some(&cookie), T0 + 2).rejected(), Some(ErrorCode::BadSignature));
    }

    const WSGI_COOKIE: &str = "jwtsession=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
    const WSGI_SECRET: &str = "Use something big and randomly-generated here";

    #[test]
    fn legacy_wsgi_cookie_is_reissued_with_exp() {
        let s = JwtSessions::builder(WSGI_SECRET).allow_legacy_tokens(true).build().unwrap();
        let session = s.load_cookie_header(Some(WSGI_COOKIE), T0);
        assert_eq!(session.get::<u64>("counter").unwrap(), Some(1));
        let out = commit(&s, &session, T0);
        assert_eq!(out.decision, Decision::Issue);
        let claims = jwt::decode_unverified(&token_of(&out)).unwrap();
        assert_eq!(claims["exp"], T0 + 86400);
        let strict = JwtSessions::builder(WSGI_SECRET).build().unwrap();
        assert_eq!(strict.load_cookie_header(Some(WSGI_COOKIE), T0).rejected(), Some(ErrorCode::MissingExp));
    }

    #[test]
    fn legacy_cookie_cannot_pass_an_absolute_lifetime_it_cannot_prove() {
        // The Python middleware's cookie has no iat: a hundred years on it must not be
        // re-issued as a fresh session when an absolute lifetime is set.
        let s = JwtSessions::builder(WSGI_SECRET)
            .allow_legacy_tokens(true)
            .absolute_lifetime(Some(Duration::from_secs(3600)))
            .build()
            .unwrap();
        let session = s.load_cookie_header(Some(WSGI_COOKIE), T0 + 100 * 365 * 86400);
        assert!(session.is_empty());
        assert_eq!(session.rejected(), Some(ErrorCode::LifetimeExceeded));
    }

    #[test]
    fn cookie_tossing_first_valid_cookie_wins() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let good = jar(&out);
        let header = format!("jwtsession=forged.by.sibling; {good}");
        assert_eq!(s.load_cookie_header(Some(&header), T0).get::<u64>("counter").unwrap(), Some(1));
        let header = format!("{good}; jwtsession=forged.by.sibling");
        assert_eq!(s.load_cookie_header(Some(&header), T0).get::<u64>("counter").unwrap(), Some(1));
    }

    #[test]
    fn destroy_expires_and_server_errors_keep_the_old_cookie() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let cookie = jar(&out);
        let session = s.load_cookie_header(Some(&cookie), T0 + 1);
        session.destroy();
        let failed = s.commit_headers(&session, &ResponseInfo::status(500), T0 + 1, Scheme::Http);
        assert_eq!(failed.set_cookies().count(), 0);
        let out = commit(&s, &session, T0 + 1);
        assert_eq!(out.decision, Decision::Expire);
        assert!(set_cookies(&out)[0].contains("Max-Age=0"));
    }

    fn big_session(s: &JwtSessions, len: usize) -> (String, Plan) {
        let session = s.load_cookie_header(None, T0);
        let big: String = (0..len).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        session.insert("big", &big).unwrap();
        let out = s.commit_headers(&session, &OK, T0, Scheme::Https);
        (big, out)
    }

    #[test]
    fn large_session_goes_out_in_chunks_and_comes_back_whole() {
        let s = sessions();
        let (big, out) = big_session(&s, 9000);
        let written = set_cookies(&out);
        assert!(written.len() >= 3, "{}", written.len());
        assert!(written.iter().all(|c| c.contains("; Secure")));
        let back = s.load_cookie_header(Some(&jar(&out)), T0 + 1);
        assert_eq!(back.get::<String>("big").unwrap().as_deref(), Some(big.as_str()));
        // Shrinking again writes the plain cookie and expires every chunk.
        back.insert("big", "small").unwrap();
        let out2 = s.commit_headers(&back, &OK, T0 + 1, Scheme::Https);
        let expired = out2.set_cookies().filter(|c| c.contains("Max-Age=0")).count();
        assert_eq!(expired, written.len());
    }

    #[test]
    fn a_planted_chunk_does_not_destroy_a_genuine_chunked_session() {
        let s = sessions();
        let (big, out) = big_session(&s, 9000);
        let genuine = jar(&out);
        assert!(genuine.contains("jwtsession.2="), "a 3-chunk session");
        for header in [
            format!("{genuine}; jwtsession.3=AAAA"),
            format!("jwtsession.1=AAAA; {genuine}"),
            format!("{genuine}; jwtsession.0=AAAA; jwtsession.2=AAAA"),
        ] {
            let back = s.load_cookie_header(Some(&header), T0 + 1);
            assert_eq!(back.get::<String>("big").unwrap().as_deref(), Some(big.as_str()), "{header:.40}");
            // Read only: nothing is expired.
            assert_eq!(s.commit_headers(&back, &OK, T0 + 1, Scheme::Https).set_cookies().count(), 0);
        }
    }

    #[test]
    fn chunks_of_a_rejected_reassembly_are_never_expired() {
        let s = sessions();
        let (_, out) = big_session(&s, 9000);
        // Every chunk tampered: nothing verifies, and the response must not log anyone out
        // by expiring chunks it could not verify.
        let tampered = jar(&out).replace("jwtsession.1=", "jwtsession.1=x");
        let session = s.load_cookie_header(Some(&format!("jwtsession=junk; {tampered}")), T0 + 1);
        assert!(session.is_empty());
        let plan = commit(&s, &session, T0 + 1);
        let expired: Vec<&str> = plan.set_cookies().collect();
        assert_eq!(expired.len(), 1, "{expired:?}");
        assert!(expired[0].starts_with("jwtsession=;"));
    }

    #[test]
    fn a_chunk_set_cut_short_is_incomplete_not_garbage() {
        let s = sessions();
        let (_, out) = big_session(&s, 6000);
        let cookie = jar(&out);
        let first_only = cookie.split("; ").next().unwrap();
        assert!(first_only.starts_with("jwtsession.0="));
        let session = s.load_cookie_header(Some(first_only), T0 + 1);
        assert!(session.is_empty());
        assert_eq!(session.rejected(), Some(ErrorCode::Incomplete));
    }

    #[test]
    fn identical_bad_candidates_cost_one_verification() {
        let s = JwtSessions::builder(SECRET)
            .previous_secret(OLD)
            .previous_secret("a third secret that is also long enough")
            .build()
            .unwrap();
        // A well-formed 16 KB token with a 32-byte signature, sent 16 times.
        let payload = jwt::b64_encode(format!("{{\"x\":\"{}\"}}", "a".repeat(11_000)).as_bytes());
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.{}", jwt::b64_encode(&[7u8; 32]));
        let header = vec![format!("jwtsession={token}"); 16].join("; ");
        let mut budget = usize::MAX;
        let before = budget;
        let _ = jwt::verify_within(&token, s.keys(), s.validation(), T0, &mut budget);
        let one = before - budget;
        assert_eq!(one, (token.len() - token.rsplit('.').next().unwrap().len() - 1) * 3, "each key once");
        let session = s.load_cookie_header(Some(&header), T0);
        assert_eq!(session.rejected(), Some(ErrorCode::BadSignature));
    }

    #[test]
    fn hashing_per_request_is_bounded() {
        let s = sessions();
        // 16 distinct well-formed fakes of full size: only a bounded number is hashed.
        let fakes: Vec<String> = (0..16u8)
            .map(|i| {
                let payload = jwt::b64_encode(
                    format!("{{\"x\":\"{}\"}}", char::from(b'a' + i).to_string().repeat(2500)).as_bytes(),
                );
                format!("jwtsession=eyJhbGciOiJIUzI1NiJ9.{payload}.{}", jwt::b64_encode(&[i; 32]))
            })
            .collect();
        let session = s.load_cookie_header(Some(&fakes.join("; ")), T0);
        assert!(session.is_empty());
        let mut budget = s.validation().max_token_bytes * (1 + MAC_BUDGET_SPARE_TOKENS);
        let mut hashed = 0;
        for fake in &fakes {
            let token = fake.trim_start_matches("jwtsession=");
            let before = budget;
            if jwt::verify_within(token, s.keys(), s.validation(), T0, &mut budget).unwrap_err().code()
                == ErrorCode::TooLarge
            {
                break;
            }
            hashed += before - budget;
        }
        assert!(hashed <= s.validation().max_token_bytes * (1 + MAC_BUDGET_SPARE_TOKENS), "{hashed}");
    }

    #[test]
    fn the_deepest_value_insert_accepts_is_one_the_next_request_loads() {
        let s = sessions();
        let nested = |depth: usize| -> Value {
            serde_json::from_str(&format!("{}1{}", "[".repeat(depth), "]".repeat(depth))).unwrap()
        };
        let session = s.load_cookie_header(None, T0);
        session.insert("deep", nested(session::MAX_VALUE_DEPTH)).unwrap();
        assert_eq!(
            session.insert("deeper", nested(session::MAX_VALUE_DEPTH + 1)).unwrap_err().code(),
            ErrorCode::BadJson
        );
        let back = s.load_cookie_header(Some(&jar(&commit(&s, &session, T0))), T0 + 1);
        assert_eq!(back.rejected(), None);
        assert_eq!(back.get_value("deep"), Some(nested(session::MAX_VALUE_DEPTH)));
    }

    #[test]
    fn changes_made_elsewhere_keep_untouched_values_exact_and_a_5xx_commits_nothing() {
        let s = sessions();
        let seed = s.load_cookie_header(None, T0);
        let exact: Value = serde_json::from_str("12345678901234567891").unwrap();
        seed.insert("user_id", exact).unwrap();
        seed.insert("z", 1).unwrap();
        let cookie = jar(&commit(&s, &seed, T0));
        let session = s.load_cookie_header(Some(&cookie), T0 + 1);
        let changes = Changes { set: vec![("counter".into(), "2".into())], accessed: true, ..Changes::default() };
        let plan = s.commit_changes(&session, changes.clone(), &OK, T0 + 1, Scheme::Http);
        let text =
            String::from_utf8(crate::b64::decode_segment(token_of(&plan).split('.').nth(1).unwrap()).unwrap()).unwrap();
        assert!(text.starts_with(r#"{"user_id":12345678901234567891,"z":1,"counter":2,"#), "{text}");
        // A refused change on a failed response is the handler's failure, not a second one.
        let bad = Changes { set: vec![("exp".into(), "1".into())], ..Changes::default() };
        let failed = s.commit_changes(&session, bad.clone(), &ResponseInfo::status(503), T0 + 1, Scheme::Http);
        assert_eq!((failed.answer.is_none(), failed.set_cookies().count()), (true, 0));
        let refused = s.commit_changes(&session, bad, &OK, T0 + 1, Scheme::Http);
        assert_eq!(refused.answer.map(|a| a.code), Some(ErrorCode::ReservedClaim));
    }

    fn revoking(failure: revocation::FailureMode) -> JwtSessions {
        JwtSessions::builder(SECRET).revocation_kv("REVOKED").revocation_failure(failure).build().unwrap()
    }

    /// A logged-in session of `user`, begun at `at`: its cookie.
    fn login(s: &JwtSessions, user: &str, at: u64) -> String {
        let session = s.load_cookie_header(None, at);
        session.insert("sub", user).unwrap();
        session.regenerate();
        jar(&commit(s, &session, at))
    }

    #[test]
    fn a_revoked_session_loads_empty_and_its_cookies_are_expired() {
        let s = revoking(revocation::FailureMode::Closed);
        let cookie = login(&s, "ada", T0);
        let session = s.load_cookie_header(Some(&cookie), T0 + 1);
        let keys = s.revocation_lookups(&session);
        let sid = session.id().unwrap();
        assert_eq!(keys, [format!("sid:{sid}"), "sub:ada".to_owned()]);
        // Nothing revoked: the session stands, untouched (no cookie to set).
        assert_eq!(s.resolve_revocation(&session, Ok(&[None, None])), None);
        assert_eq!(session.get::<String>("sub").unwrap().as_deref(), Some("ada"));
        let session = s.load_cookie_header(Some(&cookie), T0 + 1);
        let log = s.resolve_revocation(&session, Ok(&[Some(T0.to_string()), None]));
        assert_eq!(log.as_deref(), Some("worker-jwt-session: session cookie rejected: revoked"));
        assert!(session.is_empty());
        assert_eq!(session.id(), None);
        let plan = commit(&s, &session, T0 + 1);
        assert_eq!(plan.decision, Decision::Expire);
        assert!(plan.writes.is_empty());
    }

    #[test]
    fn revoke_writes_this_sessions_id_even_after_regenerate_and_ends_it() {
        let s = revoking(revocation::FailureMode::Closed);
        let cookie = login(&s, "ada", T0);
        let session = s.load_cookie_header(Some(&cookie), T0 + 5);
        let sid = session.id().unwrap();
        session.regenerate();
        session.revoke().unwrap();
        let plan = commit(&s, &session, T0 + 5);
        let ttl = 86_400 + DEFAULT_LEEWAY;
        assert_eq!(
            plan.writes,
            [KvWrite { key: format!("sid:{sid}"), value: (T0 + 5).to_string(), expiration_ttl_secs: ttl }]
        );
        assert_eq!(plan.decision, Decision::Expire);
        // A failed handler revokes nothing, as it commits nothing.
        let session = s.load_cookie_header(Some(&cookie), T0 + 6);
        session.revoke().unwrap();
        assert!(s.commit_headers(&session, &ResponseInfo::status(500), T0 + 6, Scheme::Https).writes.is_empty());
    }

    #[test]
    fn revoke_all_revokes_the_users_sessions_begun_until_now_and_not_later_ones() {
        let s = revoking(revocation::FailureMode::Closed);
        let (phone, laptop) = (login(&s, "ada", T0), login(&s, "ada", T0 + 10));
        let session = s.load_cookie_header(Some(&phone), T0 + 20);
        session.revoke_all().unwrap();
        let plan = commit(&s, &session, T0 + 20);
        assert_eq!(plan.writes[0].key, "sub:ada");
        let before = Some(plan.writes[0].value.clone());
        for (cookie, at, revoked) in [(&phone, T0 + 21, true), (&laptop, T0 + 21, true)] {
            let session = s.load_cookie_header(Some(cookie), at);
            s.resolve_revocation(&session, Ok(&[None, before.clone()]));
            assert_eq!(session.rejected() == Some(ErrorCode::Revoked), revoked);
        }
        let later = login(&s, "ada", T0 + 21);
        let session = s.load_cookie_header(Some(&later), T0 + 22);
        assert_eq!(s.resolve_revocation(&session, Ok(&[None, before])), None);
        assert!(!session.is_empty());
    }

    #[test]
    fn a_failing_store_fails_closed_keeping_the_cookie_or_open_as_configured() {
        for (failure, stands) in [(revocation::FailureMode::Closed, false), (revocation::FailureMode::Open, true)] {
            let s = revoking(failure);
            let cookie = login(&s, "ada", T0);
            let session = s.load_cookie_header(Some(&cookie), T0 + 1);
            let log = s.resolve_revocation(&session, Err("KV timed out")).unwrap();
            assert!(log.contains("revocation_unavailable") && log.contains("KV timed out"), "{log}");
            assert!(log.ends_with(&format!("(JWT_SESSION_REVOCATION_FAILURE={})", failure.as_str())), "{log}");
            assert_eq!(!session.is_empty(), stands);
            // Closed: empty, but the cookie is left alone (no Set-Cookie), so KV's recovery
            // brings the user back.
            assert_eq!(commit(&s, &session, T0 + 1).set_cookies().count(), 0);
        }
    }

    #[test]
    fn no_lookups_without_a_verified_session_or_with_revocation_off() {
        let s = revoking(revocation::FailureMode::Closed);
        assert!(s.revocation_lookups(&s.load_cookie_header(None, T0)).is_empty());
        assert!(s.revocation_lookups(&s.load_cookie_header(Some("jwtsession=a.b.c"), T0)).is_empty());
        let cookie = login(&s, "ada", T0);
        assert!(sessions().revocation_lookups(&sessions().load_cookie_header(Some(&cookie), T0 + 1)).is_empty());
        // Off: revoking must not pass for done.
        let session = sessions().load_cookie_header(None, T0);
        assert_eq!(session.revoke().unwrap_err().binding(), Some("JWT_SESSION_REVOCATION_KV"));
        assert_eq!(session.revoke_all().unwrap_err().code(), ErrorCode::Config);
    }

    fn split() -> JwtSessions {
        JwtSessions::builder(SECRET).mode(crate::cookie::Mode::Split).build().unwrap()
    }

    #[test]
    fn split_mode_writes_a_readable_half_and_an_http_only_signature() {
        let s = split();
        let (_, out) = counter_request(&s, None, T0);
        let lines = set_cookies(&out);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let data = lines[0].split(';').next().unwrap().trim_start_matches("jwtsession=");
        assert_eq!(data.matches('.').count(), 1, "header.payload only: {data}");
        assert!(!lines[0].contains("HttpOnly"), "the page reads the session");
        assert!(lines[1].starts_with("jwtsession.sig=") && lines[1].contains("; HttpOnly"), "{}", lines[1]);
        assert_eq!(
            lines[0].split("; ").skip(1).filter(|a| !a.starts_with("Expires")).collect::<Vec<_>>(),
            lines[1].split("; ").skip(1).filter(|a| !a.starts_with("Expires") && *a != "HttpOnly").collect::<Vec<_>>(),
            "the same Path, Max-Age, SameSite and Secure"
        );
        // The browser sends both back: the session verifies.
        let back = s.load_cookie_header(Some(&jar(&out)), T0 + 1);
        assert_eq!(back.get::<u64>("counter").unwrap(), Some(1));
        // What a script on the page sees (no HttpOnly cookie) cannot continue the session.
        let readable =
            jar(&out).split("; ").filter(|c| !c.starts_with("jwtsession.sig=")).collect::<Vec<_>>().join("; ");
        let stolen = s.load_cookie_header(Some(&readable), T0 + 1);
        assert!(stolen.is_empty());
        assert_eq!(stolen.rejected(), Some(ErrorCode::Malformed));
    }

    #[test]
    fn every_mode_reads_every_form_so_switching_modes_logs_nobody_out() {
        let (single, split) = (sessions(), split());
        let (_, out) = counter_request(&single, None, T0);
        // A whole JWS, read by a split Worker and re-issued split, then back.
        let (n, out) = counter_request(&split, Some(&jar(&out)), T0 + 1);
        assert_eq!(n, 2);
        let lines = set_cookies(&out);
        assert!(lines.iter().any(|l| l.starts_with("jwtsession.sig=")));
        let (n, out) = counter_request(&single, Some(&jar(&out)), T0 + 2);
        assert_eq!(n, 3);
        let lines = set_cookies(&out);
        assert_eq!(lines.len(), 2, "the whole token, and the old signature cookie expired: {lines:?}");
        assert_eq!(lines[0].split(';').next().unwrap().matches('.').count(), 2);
        assert!(lines[1].starts_with("jwtsession.sig=;") && lines[1].contains("Max-Age=0"));
    }

    #[test]
    fn mixed_halves_a_missing_half_or_a_lone_signature_give_an_empty_session() {
        let s = split();
        let (_, a) = counter_request(&s, None, T0);
        let (_, b) = counter_request(&s, None, T0);
        let half = |plan: &Plan, name: &str| {
            plan.set_cookies()
                .map(|c| c.split(';').next().unwrap().to_string())
                .find(|c| c.starts_with(&format!("{name}=")))
                .unwrap()
        };
        for header in [
            format!("{}; {}", half(&a, "jwtsession"), half(&b, "jwtsession.sig")),
            half(&a, "jwtsession"),
            half(&a, "jwtsession.sig"),
        ] {
            let session = s.load_cookie_header(Some(&header), T0 + 1);
            assert!(session.is_empty(), "{header}");
            // Untouched: every cookie of the broken pair is expired.
            assert_eq!(commit(&s, &session, T0 + 1).decision, Decision::Expire);
        }
        // A tossed signature before the genuine one does not hide it.
        let header = format!("jwtsession.sig=AAAA; {}", jar(&a));
        assert_eq!(s.load_cookie_header(Some(&header), T0 + 1).get::<u64>("counter").unwrap(), Some(1));
    }

    #[test]
    fn a_large_split_session_is_chunked_and_destroy_expires_every_cookie() {
        let s = split();
        let session = s.load_cookie_header(None, T0);
        session.insert("note", "n".repeat(9000)).unwrap();
        let out = s.commit_headers(&session, &OK, T0, Scheme::Https);
        let names: Vec<&str> = out.set_cookies().map(|c| c.split('=').next().unwrap()).collect();
        assert_eq!(names, ["jwtsession.0", "jwtsession.1", "jwtsession.2", "jwtsession.sig"]);
        let back = s.load_cookie_header(Some(&jar(&out)), T0 + 1);
        assert_eq!(back.get::<String>("note").unwrap().map(|n| n.len()), Some(9000));
        back.destroy();
        let gone = s.commit_headers(&back, &OK, T0 + 1, Scheme::Https);
        let expired: Vec<&str> = gone.set_cookies().map(|c| c.split('=').next().unwrap()).collect();
        assert_eq!(expired, names, "every chunk and the signature");
        assert!(gone.set_cookies().all(|c| c.contains("Max-Age=0")));
    }

    #[test]
    fn the_csrf_token_is_made_at_the_first_save_kept_and_new_after_regenerate() {
        let s = JwtSessions::builder(SECRET).csrf(true).build().unwrap();
        let csrf_of =
            |plan: &Plan| jwt::decode_unverified(&token_of(plan)).unwrap()["csrf"].as_str().unwrap().to_string();
        let (_, first) = counter_request(&s, None, T0);
        let token = csrf_of(&first);
        assert_eq!(token.len(), 22);
        let (_, second) = counter_request(&s, Some(&jar(&first)), T0 + 1);
        assert_eq!(csrf_of(&second), token);
        let session = s.load_cookie_header(Some(&jar(&second)), T0 + 2);
        assert_eq!(session.csrf_token().as_deref(), Some(token.as_str()));
        session.regenerate();
        let third = commit(&s, &session, T0 + 2);
        assert_ne!(csrf_of(&third), token);
        assert_eq!(session.csrf_token(), Some(csrf_of(&third)));
        // Off: no claim.
        let (_, plain) = counter_request(&sessions(), None, T0);
        assert!(jwt::decode_unverified(&token_of(&plain)).unwrap().get("csrf").is_none());
    }

    #[test]
    fn an_unsafe_request_without_the_sessions_token_is_refused_before_the_handler() {
        let s = JwtSessions::builder(SECRET).csrf(true).trusted_origins(["https://admin.example"]).build().unwrap();
        let (_, out) = counter_request(&s, None, T0);
        let cookie = jar(&out);
        let token = jwt::decode_unverified(&token_of(&out)).unwrap()["csrf"].as_str().unwrap().to_string();
        let put = RequestInfo {
            cookie: Some(&cookie),
            method: "PUT",
            url: "https://app.example/note",
            origin: Some("https://app.example"),
            ..RequestInfo::default()
        };
        let refused = |req: &RequestInfo<'_>| s.load_request(req, T0 + 1).err().map(|a| (a.status, a.code));
        assert_eq!(refused(&put), Some((403, ErrorCode::Csrf)), "no token");
        assert_eq!(refused(&RequestInfo { csrf_token: Some("wrong"), ..put }), Some((403, ErrorCode::Csrf)));
        assert_eq!(refused(&RequestInfo { csrf_token: Some(&token), ..put }), None);
        let trusted = RequestInfo { origin: Some("https://admin.example"), csrf_token: Some(&token), ..put };
        assert_eq!(refused(&trusted), None);
        let foreign = RequestInfo { origin: Some("https://evil.example"), csrf_token: Some(&token), ..put };
        assert_eq!(refused(&foreign), Some((403, ErrorCode::Csrf)));
        assert_eq!(refused(&RequestInfo { method: "GET", ..foreign }), None, "safe methods are never refused");
        let answer = s.load_request(&put, T0 + 1).unwrap_err();
        assert_eq!(answer.body, "Forbidden: cross-site request refused (csrf)\n");
        assert!(answer.log.starts_with("worker-jwt-session: request refused: csrf: "), "{}", answer.log);
        assert!(!answer.log.contains(&token));
    }

    #[test]
    fn too_large_session_is_a_500_not_a_silent_loss() {
        let s = JwtSessions::builder(SECRET).max_chunks(1).build().unwrap();
        let session = s.load_cookie_header(None, T0);
        session.insert("big", "x".repeat(5000)).unwrap();
        let plan = s.commit_headers(&session, &OK, T0, Scheme::Https);
        let answer = plan.answer.expect("a 500 answer");
        assert_eq!((answer.status, answer.code), (500, ErrorCode::TooLarge));
        assert_eq!(answer.body, "Internal Server Error: the session could not be saved\n");
        assert!(answer.log.starts_with("worker-jwt-session: session not saved: too_large: "), "{}", answer.log);
        assert!(plan.headers.is_empty());
    }

    #[test]
    fn a_session_past_common_header_limits_is_saved_with_a_warning() {
        let s = sessions();
        let (_, small) = big_session(&s, 3000);
        assert_eq!(small.warning, None);
        let (_, large) = big_session(&s, 9000);
        assert!(large.answer.is_none());
        let warning = large.warning.expect("a warning past 8 KB of cookies");
        assert!(warning.starts_with(LOG_PREFIX) && warning.contains("curl"), "{warning}");
    }

    #[test]
    fn absolute_lifetime_drops_an_active_session() {
        let s = JwtSessions::builder(SECRET)
            .max_age(Duration::from_secs(100))
            .refresh_after(Duration::from_secs(10))
            .absolute_lifetime(Some(Duration::from_secs(150)))
            .leeway(Duration::ZERO)
            .build()
            .unwrap();
        let (_, out) = counter_request(&s, None, T0);
        let mut cookie = jar(&out);
        for now in [T0 + 50, T0 + 100, T0 + 140] {
            let (n, out) = counter_request(&s, Some(&cookie), now);
            assert!(n > 1, "at {now}");
            cookie = jar(&out);
        }
        // The last token's exp was cut to the absolute end (T0 + 150).
        let session = s.load_cookie_header(Some(&cookie), T0 + 151);
        assert!(session.is_empty());
        assert_eq!(session.rejected(), Some(ErrorCode::Expired));
    }

    #[cfg(feature = "encrypted")]
    fn encrypted() -> JwtSessions {
        JwtSessions::builder(SECRET).mode(Mode::Encrypted).build().unwrap()
    }

    #[cfg(feature = "encrypted")]
    #[test]
    fn encrypted_mode_writes_one_http_only_jwe_nobody_else_reads() {
        let s = encrypted();
        let (_, out) = counter_request(&s, None, T0);
        let lines = set_cookies(&out);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("; HttpOnly"), "{}", lines[0]);
        let token = token_of(&out);
        assert!(jwe::is_jwe(&token) && !token.contains("eyJjb3VudGVy"), "{token}");
        assert_eq!(s.load_cookie_header(Some(&jar(&out)), T0 + 1).get::<u64>("counter").unwrap(), Some(1));
        assert_eq!(s.verify_token(&token, T0 + 1).unwrap()["counter"], 1);
        // The explicit option still rules.
        let readable = JwtSessions::builder(SECRET).mode(Mode::Encrypted).http_only(false).build().unwrap();
        assert!(!set_cookies(&counter_request(&readable, None, T0).1)[0].contains("HttpOnly"));
        // Tampered: dropped with the code `decrypt`, and replaced.
        let mut bytes = token.into_bytes();
        let i = bytes.len() - 3;
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = format!("jwtsession={}", String::from_utf8(bytes).unwrap());
        assert_eq!(s.load_cookie_header(Some(&tampered), T0 + 1).rejected(), Some(ErrorCode::Decrypt));
    }

    #[cfg(feature = "encrypted")]
    #[test]
    fn switching_to_and_from_encrypted_mode_logs_nobody_out() {
        let (single, split, enc) = (sessions(), split(), encrypted());
        let (_, out) = counter_request(&split, None, T0);
        // A split pair, read by an encrypted Worker: re-issued encrypted, `.sig` expired.
        let (n, out) = counter_request(&enc, Some(&jar(&out)), T0 + 1);
        assert_eq!(n, 2);
        let lines = set_cookies(&out);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(jwe::is_jwe(&token_of(&out)));
        assert!(lines[1].starts_with("jwtsession.sig=;") && lines[1].contains("Max-Age=0"));
        // The JWE, read by a single Worker with the same secret: re-issued as a JWS.
        let (n, out) = counter_request(&single, Some(&jar(&out)), T0 + 2);
        assert_eq!(n, 3);
        assert_eq!(token_of(&out).matches('.').count(), 2);
        // A whole JWS, read by an encrypted Worker, then the JWE by a split Worker.
        let (n, out) = counter_request(&enc, Some(&jar(&out)), T0 + 3);
        assert_eq!(n, 4);
        let (n, out) = counter_request(&split, Some(&jar(&out)), T0 + 4);
        assert_eq!(n, 5);
        assert!(set_cookies(&out).iter().any(|l| l.starts_with("jwtsession.sig=") && !l.contains("Max-Age=0")));
    }

    #[cfg(feature = "encrypted")]
    #[test]
    fn an_encrypted_session_under_a_previous_secret_is_reissued_under_the_current_one() {
        let old = JwtSessions::builder(OLD).mode(Mode::Encrypted).build().unwrap();
        let (_, out) = counter_request(&old, None, T0);
        let rotated = JwtSessions::builder(SECRET).previous_secret(OLD).mode(Mode::Encrypted).build().unwrap();
        let session = rotated.load_cookie_header(Some(&jar(&out)), T0 + 1);
        assert_eq!(session.get::<u64>("counter").unwrap(), Some(1));
        let plan = commit(&rotated, &session, T0 + 1);
        assert_eq!(plan.decision, Decision::Issue, "read only, but under an old key");
        let current_only = encrypted();
        assert_eq!(current_only.load_cookie_header(Some(&jar(&plan)), T0 + 2).get::<u64>("counter").unwrap(), Some(1));
        assert_eq!(current_only.load_cookie_header(Some(&jar(&out)), T0 + 2).rejected(), Some(ErrorCode::Decrypt));
    }

    #[cfg(feature = "encrypted")]
    #[test]
    fn a_large_encrypted_session_is_chunked_and_comes_back_whole() {
        let s = encrypted();
        let (big, out) = big_session(&s, 9000);
        let names: Vec<&str> = out.set_cookies().map(|c| c.split('=').next().unwrap()).collect();
        assert_eq!(names, ["jwtsession.0", "jwtsession.1", "jwtsession.2"]);
        assert!(out.set_cookies().all(|c| c.contains("; HttpOnly")));
        let back = s.load_cookie_header(Some(&jar(&out)), T0 + 1);
        assert_eq!(back.get::<String>("big").unwrap().as_deref(), Some(big.as_str()));
        back.destroy();
        let gone = s.commit_headers(&back, &OK, T0 + 1, Scheme::Https);
        assert_eq!(gone.set_cookies().filter(|c| c.contains("Max-Age=0")).count(), 3);
    }

    #[cfg(feature = "encrypted")]
    #[test]
    fn encrypted_mode_with_csrf_sets_a_readable_token_cookie_expired_with_the_session() {
        let s = JwtSessions::builder(SECRET).mode(Mode::Encrypted).csrf(true).build().unwrap();
        let (_, out) = counter_request(&s, None, T0);
        let lines = set_cookies(&out);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let csrf = lines[1].split(';').next().unwrap().strip_prefix("jwtsession.csrf=").unwrap().to_owned();
        assert_eq!(csrf.len(), 22);
        assert!(!lines[1].contains("HttpOnly") && lines[0].contains("HttpOnly"));
        let attrs = |l: &str| -> Vec<String> {
            l.split("; ").skip(1).filter(|a| !a.starts_with("Expires") && *a != "HttpOnly").map(str::to_owned).collect()
        };
        assert_eq!(attrs(&lines[0]), attrs(&lines[1]));
        // It is the session's token: a POST carrying it passes.
        let cookie = jar(&out);
        let post = RequestInfo {
            cookie: Some(&cookie),
            method: "POST",
            url: "https://app.example/note",
            origin: Some("https://app.example"),
            csrf_token: Some(&csrf),
            ..RequestInfo::default()
        };
        let session = s.load_request(&post, T0 + 1).unwrap();
        assert_eq!(session.csrf_token().as_deref(), Some(csrf.as_str()));
        // Destroy expires both; switching to single mode expires the CSRF cookie.
        session.destroy();
        let gone = commit(&s, &session, T0 + 1);
        let expired: Vec<&str> = gone.set_cookies().map(|c| c.split('=').next().unwrap()).collect();
        assert_eq!(expired, ["jwtsession", "jwtsession.csrf"]);
        let single = JwtSessions::builder(SECRET).csrf(true).build().unwrap();
        let (_, out) = counter_request(&single, Some(&cookie), T0 + 2);
        let lines = set_cookies(&out);
        assert!(lines[1].starts_with("jwtsession.csrf=;") && lines[1].contains("Max-Age=0"), "{lines:?}");
    }

    #[cfg(not(feature = "encrypted"))]
    #[test]
    fn encrypted_mode_without_the_feature_is_a_configuration_error_naming_it() {
        let err = JwtSessions::from_vars(|n| match n {
            "JWT_SESSION_SECRET" => Some(SECRET.to_string()),
            "JWT_SESSION_MODE" => Some("encrypted".to_string()),
            _ => None,
        })
        .unwrap_err();
        assert_eq!((err.code(), err.binding()), (ErrorCode::Config, Some("JWT_SESSION_MODE")));
        assert!(err.message().contains("feature `encrypted`"), "{err}");
        let err = JwtSessions::builder(SECRET).mode(Mode::Encrypted).build().unwrap_err();
        assert!(err.message().contains("feature `encrypted`"), "{err}");
        // A JWE that reaches such a Worker is dropped with the code `decrypt`.
        let jwe = "jwtsession=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAAAAAAAAAAAAAA.e30.AAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(sessions().load_cookie_header(Some(jwe), T0).rejected(), Some(ErrorCode::Decrypt));
    }

    #[test]
    fn configuration_answers_name_the_binding_only() {
        let err = JwtSessions::from_vars(|n| (n == "JWT_SESSION_SECRET").then(|| "too-short".to_string())).unwrap_err();
        let answer = Answer::for_error(&err);
        assert_eq!(answer.body, "Server misconfigured: check JWT_SESSION_SECRET (details in the Worker's log)\n");
        assert!(!answer.log.contains("too-short") && !answer.log.contains('9'), "{}", answer.log);
        let cookie = JwtSessions::from_vars(|n| match n {
            "JWT_SESSION_SECRET" => Some(SECRET.to_string()),
            "JWT_SESSION_SAME_SITE" => Some("sometimes".to_string()),
            _ => None,
        })
        .unwrap_err();
        assert!(Answer::for_error(&cookie).body.contains("check JWT_SESSION_SAME_SITE "));
    }
}
