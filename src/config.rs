//! [`JwtSessions`]: every option, validated once, and the load/commit engine that the Worker
//! middleware, the JS wrapper and tests drive with plain strings.
//!
//! Build it once per isolate: the key ring's HMAC states and the parsed options are then reused
//! by every request.

use std::time::Duration;

use serde_json::Value;

use crate::claims::{Validation, DEFAULT_LEEWAY_SECS, ORIG_IAT, SID};
use crate::cookie::{self, CookieOptions, SameSite, Secure, MAX_COOKIE_BYTES};
use crate::error::{Error, ErrorCode};
use crate::jwt::{self, Algorithm};
use crate::keys::KeyRing;
use crate::policy::{self, Decision, Lifetime, Origin, Outcome};
use crate::session::Session;

/// Name of the secret binding (`wrangler secret put JWT_SESSION_SECRET`, `.dev.vars` locally).
pub const SECRET_BINDING: &str = "JWT_SESSION_SECRET";
/// Name of the binding with previous secrets, comma-separated: they verify but never sign.
pub const PREVIOUS_SECRETS_BINDING: &str = "JWT_SESSION_PREVIOUS_SECRETS";

/// Every `[vars]` setting [`JwtSessions::from_vars`] reads, with its default and meaning, in
/// the order of the README's table.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (SECRET_BINDING, "(required)", "HMAC secret, at least 32 bytes (64 for HS512); a secret binding, never a [var]"),
    (
        PREVIOUS_SECRETS_BINDING,
        "(none)",
        "old secrets, comma-separated: accepted, and their tokens re-signed with the current one",
    ),
    ("JWT_SESSION_COOKIE", "jwtsession", "cookie name (`__Host-` and `__Secure-` prefixes are checked)"),
    ("JWT_SESSION_MAX_AGE", "86400", "seconds: token `exp` and cookie `Max-Age`"),
    ("JWT_SESSION_REFRESH_AFTER", "max_age / 4", "seconds: an unchanged session older than this is re-signed"),
    ("JWT_SESSION_ABSOLUTE_LIFETIME", "0 (off)", "seconds: a session older than this since it began is dropped"),
    ("JWT_SESSION_LEEWAY", "30", "seconds of clock skew allowed on exp/nbf/iat"),
    ("JWT_SESSION_ALGORITHM", "HS256", "signing algorithm: HS256, HS384 or HS512"),
    ("JWT_SESSION_ALGORITHMS", "the signing algorithm", "algorithms accepted, comma-separated"),
    (
        "JWT_SESSION_ALLOW_LEGACY",
        "false",
        "accept tokens without `exp` (from Python wsgi_jwt_session) and re-issue them",
    ),
    ("JWT_SESSION_PATH", "/", "cookie Path"),
    ("JWT_SESSION_DOMAIN", "(none)", "cookie Domain"),
    ("JWT_SESSION_SAME_SITE", "Lax", "cookie SameSite: Strict, Lax or None"),
    ("JWT_SESSION_SECURE", "auto", "cookie Secure: auto (when the request is https), always or never"),
    ("JWT_SESSION_HTTP_ONLY", "false", "cookie HttpOnly (off: the page's JavaScript reads the session)"),
    ("JWT_SESSION_PARTITIONED", "false", "cookie Partitioned (CHIPS)"),
    ("JWT_SESSION_MAX_CHUNKS", "4", "most cookies a large session is split into (4096 bytes each)"),
];

/// Sessions configuration and engine: build once, then [`load_cookie_header`] on the way in
/// and [`commit_headers`] on the way out.
///
/// [`load_cookie_header`]: JwtSessions::load_cookie_header
/// [`commit_headers`]: JwtSessions::commit_headers
///
/// # Examples
///
/// ```
/// use worker_jwt_session::JwtSessions;
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// let now = 1_700_000_000;
/// // First request: no cookie.
/// let session = sessions.load_cookie_header(None, now);
/// session.insert("counter", 1)?;
/// let out = sessions.commit_headers(&session, now, true, 200)?;
/// assert_eq!(out.set_cookies.len(), 1);
/// assert!(out.set_cookies[0].starts_with("jwtsession=eyJ"));
/// // Next request: the browser sends the cookie back.
/// let cookie = out.set_cookies[0].split(';').next().unwrap();
/// let session = sessions.load_cookie_header(Some(cookie), now + 5);
/// assert_eq!(session.get::<u32>("counter")?, Some(1));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct JwtSessions {
    keys: KeyRing,
    algorithm: Algorithm,
    validation: Validation,
    lifetime: Lifetime,
    cookie: CookieOptions,
}

/// What the response needs: the `Set-Cookie` header values (each its own header) and whether
/// to add `Vary: Cookie`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// What the policy decided.
    pub decision: Decision,
    /// `Set-Cookie` values, one header each (never joined with commas).
    pub set_cookies: Vec<String>,
    /// True when the handler read the session, so caches must key on the cookie.
    pub vary_cookie: bool,
}

impl JwtSessions {
    /// A builder with every option at its default and `secret` as the signing key.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use worker_jwt_session::{cookie::SameSite, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .previous_secret("the old secret, also thirty-two bytes long")
    ///     .cookie_name("__Host-session")
    ///     .secure(worker_jwt_session::cookie::Secure::Always)
    ///     .same_site(SameSite::Strict)
    ///     .max_age(Duration::from_secs(3600))
    ///     .build()?;
    /// assert_eq!(sessions.cookie_options().name, "__Host-session");
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn builder(secret: impl AsRef<[u8]>) -> Builder {
        Builder::new(secret.as_ref().to_vec())
    }

    /// Builds from named settings, the way a Worker's bindings are read: `lookup(name)` gives
    /// the value of `JWT_SESSION_SECRET`, `JWT_SESSION_MAX_AGE`, … (see [`SETTINGS`]), or
    /// `None` when unset. Empty values count as unset.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`], with a message naming the binding: secret missing or too short,
    /// a number or name that does not parse, or an unsafe combination.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{ErrorCode, JwtSessions};
    /// let vars = |name: &str| match name {
    ///     "JWT_SESSION_SECRET" => Some("a secret of at least thirty-two bytes!!".to_string()),
    ///     "JWT_SESSION_MAX_AGE" => Some("600".to_string()),
    ///     _ => None,
    /// };
    /// let sessions = JwtSessions::from_vars(vars)?;
    /// assert_eq!(sessions.lifetime().max_age.as_secs(), 600);
    /// assert_eq!(sessions.lifetime().refresh_after.as_secs(), 150);
    ///
    /// let err = JwtSessions::from_vars(|_| None).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::Config);
    /// assert!(err.message().contains("JWT_SESSION_SECRET"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<JwtSessions, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let secret = get(SECRET_BINDING).ok_or_else(|| {
            Error::config(format!(
                "{SECRET_BINDING} is not set: run `wrangler secret put {SECRET_BINDING}` \
                 (locally, put it in .dev.vars); `jwt-session keygen` prints a good one"
            ))
        })?;
        let mut b = JwtSessions::builder(secret.as_bytes()).binding_names(true);
        if let Some(list) = get(PREVIOUS_SECRETS_BINDING) {
            for (i, s) in list.split(',').enumerate() {
                let s = s.trim();
                if s.is_empty() {
                    return Err(Error::config(format!(
                        "{PREVIOUS_SECRETS_BINDING}: entry {} is empty (the list is comma-separated)",
                        i + 1
                    )));
                }
                b = b.previous_secret(s);
            }
        }
        let secs = |name: &str| -> Result<Option<Duration>, Error> {
            get(name)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map(Duration::from_secs)
                        .map_err(|_| Error::config(format!("{name}: expected a whole number of seconds, got {v:?}")))
                })
                .transpose()
        };
        let flag = |name: &str| -> Result<Option<bool>, Error> {
            get(name)
                .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "on" => Ok(true),
                    "false" | "0" | "no" | "off" => Ok(false),
                    _ => Err(Error::config(format!("{name}: expected true or false, got {v:?}"))),
                })
                .transpose()
        };
        let named = |name: &'static str, e: Error| Error::config(format!("{name}: {}", e.message()));

        if let Some(v) = get("JWT_SESSION_COOKIE") {
            b = b.cookie_name(v.trim());
        }
        if let Some(d) = secs("JWT_SESSION_MAX_AGE")? {
            b = b.max_age(d);
        }
        if let Some(d) = secs("JWT_SESSION_REFRESH_AFTER")? {
            b = b.refresh_after(d);
        }
        if let Some(d) = secs("JWT_SESSION_ABSOLUTE_LIFETIME")? {
            b = b.absolute_lifetime((!d.is_zero()).then_some(d));
        }
        if let Some(d) = secs("JWT_SESSION_LEEWAY")? {
            b = b.leeway(d);
        }
        if let Some(v) = get("JWT_SESSION_ALGORITHM") {
            b = b.algorithm(v.parse().map_err(|e| named("JWT_SESSION_ALGORITHM", e))?);
        }
        if let Some(v) = get("JWT_SESSION_ALGORITHMS") {
            let algs = v
                .split(',')
                .map(str::parse)
                .collect::<Result<Vec<Algorithm>, Error>>()
                .map_err(|e| named("JWT_SESSION_ALGORITHMS", e))?;
            b = b.allowed_algorithms(algs);
        }
        if let Some(v) = flag("JWT_SESSION_ALLOW_LEGACY")? {
            b = b.allow_legacy_tokens(v);
        }
        if let Some(v) = get("JWT_SESSION_PATH") {
            b = b.path(v.trim());
        }
        if let Some(v) = get("JWT_SESSION_DOMAIN") {
            b = b.domain(v.trim());
        }
        if let Some(v) = get("JWT_SESSION_SAME_SITE") {
            b = b.same_site(v.parse().map_err(|e| named("JWT_SESSION_SAME_SITE", e))?);
        }
        if let Some(v) = get("JWT_SESSION_SECURE") {
            b = b.secure(v.parse().map_err(|e| named("JWT_SESSION_SECURE", e))?);
        }
        if let Some(v) = flag("JWT_SESSION_HTTP_ONLY")? {
            b = b.http_only(v);
        }
        if let Some(v) = flag("JWT_SESSION_PARTITIONED")? {
            b = b.partitioned(v);
        }
        if let Some(v) = get("JWT_SESSION_MAX_CHUNKS") {
            let n = v
                .trim()
                .parse::<usize>()
                .map_err(|_| Error::config(format!("JWT_SESSION_MAX_CHUNKS: expected a whole number, got {v:?}")))?;
            b = b.max_chunks(n);
        }
        b.build()
    }

    /// The cookie options in force.
    pub fn cookie_options(&self) -> &CookieOptions {
        &self.cookie
    }

    /// The lifetimes in force.
    pub fn lifetime(&self) -> &Lifetime {
        &self.lifetime
    }

    /// What tokens must satisfy.
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    /// The key ring.
    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    /// The signing algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Reads the session from a request's `Cookie` header at time `now` (Unix seconds).
    ///
    /// Never fails: every cookie of the session's name is tried in order (the whole cookie,
    /// then the chunks reassembled) and the first that verifies wins; when none does, the
    /// session is empty and [`Session::rejected`] tells why.
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
    pub fn load_cookie_header(&self, cookie_header: Option<&str>, now: u64) -> Session {
        let found = match cookie_header {
            Some(header) => cookie::session_cookies(header, &self.cookie.name, self.cookie.max_chunks),
            None => return Session::new(),
        };
        let mut first_error = None;
        for candidate in &found.candidates {
            match jwt::verify(candidate, &self.keys, &self.validation, now) {
                Ok(verified) => return Session::from_verified(verified, found.present),
                Err(e) => {
                    first_error.get_or_insert(e.code());
                }
            }
        }
        Session::from_rejected(first_error, found.present)
    }

    /// Decides and builds what the response carries for `session`, at time `now`: the
    /// `Set-Cookie` values and whether to add `Vary: Cookie`. `https` is whether the request
    /// came over https (for `Secure` in auto mode); `status` is the response's (a 5xx commits
    /// nothing).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::TooLarge`] when the session does not fit in `max_chunks` cookies: the
    /// caller must report it (the Worker answers 500), not drop the change silently.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{policy::Decision, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
    /// let s = sessions.load_cookie_header(None, 0);
    /// let out = sessions.commit_headers(&s, 0, true, 200)?;
    /// assert_eq!(out.decision, Decision::Nothing); // an empty new session sets no cookie
    /// assert!(out.set_cookies.is_empty());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn commit_headers(&self, session: &Session, now: u64, https: bool, status: u16) -> Result<Commit, Error> {
        let snap = session.snapshot();
        let outcome = Outcome {
            origin: snap.origin,
            had_cookie: !snap.present.is_empty(),
            empty: snap.data.is_empty(),
            modified: snap.modified,
            destroyed: snap.destroyed,
            regenerated: snap.regenerated,
            status,
        };
        let decision = policy::decide(&outcome, &self.lifetime, now);
        let set_cookies = match decision {
            Decision::Nothing => Vec::new(),
            Decision::Expire => cookie::expire_cookies(&self.cookie, &snap.present, https),
            Decision::Issue => {
                let (start, sid) = match (snap.regenerated, snap.origin, snap.sid) {
                    (false, Origin::Valid { .. }, Some(sid)) => (snap.start.unwrap_or(now), sid),
                    // A legacy or foreign token without an id keeps its start, gets an id.
                    (false, Origin::Valid { .. }, None) => (snap.start.unwrap_or(now), new_session_id()?),
                    _ => (now, new_session_id()?),
                };
                let lifetime = self.lifetime.token_lifetime_secs(now, start);
                let mut claims = snap.data;
                claims.insert("iat".into(), Value::from(now));
                claims.insert("exp".into(), Value::from(now.saturating_add(lifetime)));
                claims.insert(ORIG_IAT.into(), Value::from(start));
                claims.insert(SID.into(), Value::from(sid));
                let token = jwt::sign(&claims, &self.keys, self.algorithm)?;
                cookie::session_set_cookies(&self.cookie, &token, lifetime, now, https, &snap.present)?
            }
        };
        Ok(Commit { decision, set_cookies, vary_cookie: snap.accessed })
    }
}

/// The body of the 500 answer to a configuration error, shared by the Worker middleware and
/// the JS wrapper: it names only the binding to fix (the first `JWT_SESSION_*` name in the
/// error's message), never a value nor a secret's length; the whole reason belongs in the log.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::config::misconfigured_body;
/// assert_eq!(
///     misconfigured_body("JWT_SESSION_SECRET is 9 bytes; HS256 needs at least 32"),
///     "Server misconfigured: check JWT_SESSION_SECRET (details in the Worker's log)\n"
/// );
/// assert!(misconfigured_body("JWT_SESSION_* cookie settings: bad").contains("the JWT_SESSION_* settings"));
/// ```
pub fn misconfigured_body(message: &str) -> String {
    let binding = message
        .split(|c: char| !(c.is_ascii_uppercase() || c == '_'))
        .find(|word| word.len() > "JWT_SESSION_".len() && word.starts_with("JWT_SESSION_"))
        .unwrap_or("the JWT_SESSION_* settings");
    format!("Server misconfigured: check {binding} (details in the Worker's log)\n")
}

/// 16 random bytes from the platform's generator (crypto.getRandomValues on wasm32), base64url.
fn new_session_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|_| Error::new(ErrorCode::Config, "no random number generator for a session id"))?;
    Ok(jwt::b64_encode(&bytes))
}

/// Options for [`JwtSessions`], checked together by [`Builder::build`].
///
/// Setters never fail; every problem is reported once, by `build`, with what to change.
#[derive(Clone, Debug)]
#[must_use]
pub struct Builder {
    secret: Vec<u8>,
    previous: Vec<Vec<u8>>,
    algorithm: Algorithm,
    algorithms: Option<Vec<Algorithm>>,
    max_age: Duration,
    refresh_after: Option<Duration>,
    absolute_lifetime: Option<Duration>,
    leeway: Duration,
    allow_legacy: bool,
    cookie: CookieOptions,
    binding_names: bool,
}

impl Builder {
    fn new(secret: Vec<u8>) -> Builder {
        Builder {
            secret,
            previous: Vec::new(),
            algorithm: Algorithm::HS256,
            algorithms: None,
            max_age: Duration::from_secs(policy::DEFAULT_MAX_AGE_SECS),
            refresh_after: None,
            absolute_lifetime: None,
            leeway: Duration::from_secs(DEFAULT_LEEWAY_SECS),
            allow_legacy: false,
            cookie: CookieOptions::default(),
            binding_names: false,
        }
    }

    /// Messages name the Worker bindings rather than the builder methods.
    fn binding_names(mut self, on: bool) -> Self {
        self.binding_names = on;
        self
    }

    /// Adds a previous secret: its tokens verify and are re-signed with the current secret.
    /// Call once per old key, newest first.
    pub fn previous_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.previous.push(secret.as_ref().to_vec());
        self
    }

    /// The signing algorithm. Defaults to HS256. It is always accepted on the way in.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Algorithms accepted on the way in. Defaults to the signing algorithm alone.
    pub fn allowed_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = Some(algorithms.into_iter().collect());
        self
    }

    /// Token `exp` and cookie `Max-Age`. Defaults to 86400 s.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// An unchanged session older than this is re-signed. Defaults to `max_age / 4`.
    pub fn refresh_after(mut self, refresh_after: Duration) -> Self {
        self.refresh_after = Some(refresh_after);
        self
    }

    /// A session older than this since it began is dropped, however active. Defaults to off.
    pub fn absolute_lifetime(mut self, limit: Option<Duration>) -> Self {
        self.absolute_lifetime = limit;
        self
    }

    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to 30 s.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts tokens without `exp`, as the Python `wsgi_jwt_session` minted, and re-issues them
    /// with one. Defaults to false.
    pub fn allow_legacy_tokens(mut self, allow: bool) -> Self {
        self.allow_legacy = allow;
        self
    }

    /// The cookie's name. Defaults to `jwtsession`.
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie.name = name.into();
        self
    }

    /// The cookie's `Path`. Defaults to `/`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.cookie.path = Some(path.into());
        self
    }

    /// The cookie's `Domain`. Defaults to none (host-only).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.cookie.domain = Some(domain.into());
        self
    }

    /// The cookie's `SameSite`. Defaults to `Lax`.
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.cookie.same_site = Some(same_site);
        self
    }

    /// When to mark the cookie `Secure`. Defaults to [`Secure::Auto`]: when the request is https.
    pub fn secure(mut self, secure: Secure) -> Self {
        self.cookie.secure = secure;
        self
    }

    /// The cookie's `HttpOnly`. Defaults to false: the page's JavaScript reads the session.
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.cookie.http_only = http_only;
        self
    }

    /// The cookie's `Partitioned` (CHIPS). Defaults to false.
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.cookie.partitioned = partitioned;
        self
    }

    /// Most cookies a large session is split into. Defaults to 4.
    pub fn max_chunks(mut self, max_chunks: usize) -> Self {
        self.cookie.max_chunks = max_chunks;
        self
    }

    fn name(&self, binding: &'static str, method: &'static str) -> &'static str {
        if self.binding_names {
            binding
        } else {
            method
        }
    }

    /// Checks every option together and prepares the keys.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`]: a secret shorter than the algorithm needs (32, 48 or 64 bytes),
    /// `refresh_after` longer than `max_age`, a zero `max_age`, a signing algorithm outside the
    /// allow-list, or an unsafe cookie option (see [`CookieOptions::validate`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, ErrorCode, JwtSessions};
    /// let err = JwtSessions::builder([1u8; 32]).algorithm(Algorithm::HS512).build().unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::Config);
    /// assert!(err.message().contains("64 bytes"));
    /// ```
    pub fn build(self) -> Result<JwtSessions, Error> {
        let secret_name = self.name(SECRET_BINDING, "secret");
        let need = self.algorithm.mac_len();
        if self.secret.len() < need {
            return Err(Error::config(format!(
                "{secret_name} is {} bytes; {} needs at least {need} bytes (RFC 7518 §3.2); \
                 `jwt-session keygen --alg {}` prints a good one",
                self.secret.len(),
                self.algorithm,
                self.algorithm
            )));
        }
        let mut keys = KeyRing::new(&self.secret)?;
        for old in &self.previous {
            keys = keys.with_previous(old).map_err(|e| {
                Error::config(format!("{}: {}", self.name(PREVIOUS_SECRETS_BINDING, "previous_secret"), e.message()))
            })?;
        }
        let algorithms = self.algorithms.clone().unwrap_or_else(|| vec![self.algorithm]);
        if !algorithms.contains(&self.algorithm) {
            return Err(Error::config(format!(
                "{}: the signing algorithm {} must be among the accepted ones",
                self.name("JWT_SESSION_ALGORITHMS", "allowed_algorithms"),
                self.algorithm
            )));
        }
        if self.max_age.as_secs() == 0 {
            return Err(Error::config(format!(
                "{}: must be at least 1 second",
                self.name("JWT_SESSION_MAX_AGE", "max_age")
            )));
        }
        let refresh_after = self.refresh_after.unwrap_or(self.max_age / 4);
        if refresh_after > self.max_age {
            return Err(Error::config(format!(
                "{} ({} s) must not exceed max_age ({} s): the token would expire before it is refreshed",
                self.name("JWT_SESSION_REFRESH_AFTER", "refresh_after"),
                refresh_after.as_secs(),
                self.max_age.as_secs()
            )));
        }
        self.cookie.validate().map_err(|e| {
            if self.binding_names {
                Error::new(ErrorCode::Config, format!("JWT_SESSION_* cookie settings: {}", e.message()))
            } else {
                e
            }
        })?;
        let validation = Validation {
            algorithms,
            leeway_secs: self.leeway.as_secs(),
            require_exp: !self.allow_legacy,
            absolute_lifetime_secs: self.absolute_lifetime.map(|d| d.as_secs()),
            // A reassembled session can never be longer than its chunks.
            max_token_bytes: self.cookie.max_chunks.saturating_mul(MAX_COOKIE_BYTES),
        };
        Ok(JwtSessions {
            keys,
            algorithm: self.algorithm,
            validation,
            lifetime: Lifetime { max_age: self.max_age, refresh_after, absolute_lifetime: self.absolute_lifetime },
            cookie: self.cookie,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const OLD: &str = "an old secret that is long enough..";
    const T0: u64 = 1_700_000_000;

    fn sessions() -> JwtSessions {
        JwtSessions::builder(SECRET).build().unwrap()
    }

    /// The `name=value` pairs a browser would send back for these Set-Cookie values.
    fn jar(set_cookies: &[String]) -> String {
        set_cookies
            .iter()
            .filter(|c| !c.contains("Max-Age=0"))
            .map(|c| c.split(';').next().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn counter_request(s: &JwtSessions, cookie: Option<&str>, now: u64) -> (u64, Commit) {
        let session = s.load_cookie_header(cookie, now);
        let n = session.get::<u64>("counter").unwrap().unwrap_or(0) + 1;
        session.insert("counter", n).unwrap();
        (n, s.commit_headers(&session, now, false, 200).unwrap())
    }

    #[test]
    fn counter_goes_one_two_three() {
        let s = sessions();
        let mut cookie = String::new();
        for want in 1..=3 {
            let (n, out) = counter_request(&s, Some(&cookie), T0 + want);
            assert_eq!(n, want);
            assert_eq!(out.set_cookies.len(), 1);
            assert!(out.vary_cookie);
            cookie = jar(&out.set_cookies);
        }
    }

    #[test]
    fn issued_token_has_iat_exp_and_start() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let token = jar(&out.set_cookies).trim_start_matches("jwtsession=").to_string();
        let claims = jwt::decode_unverified(&token).unwrap();
        let sid = claims["sid"].as_str().unwrap().to_string();
        assert_eq!(sid.len(), 22);
        assert_eq!(
            Value::Object(claims),
            json!({"counter": 1, "iat": T0, "exp": T0 + 86400, "orig_iat": T0, "sid": sid})
        );
        assert!(out.set_cookies[0].contains("Max-Age=86400"));
    }

    #[test]
    fn session_id_is_kept_while_resigned_and_new_after_regenerate() {
        let s = sessions();
        let sid_of = |out: &Commit| {
            let token = jar(&out.set_cookies).trim_start_matches("jwtsession=").to_string();
            jwt::decode_unverified(&token).unwrap()["sid"].as_str().unwrap().to_string()
        };
        let (_, first) = counter_request(&s, None, T0);
        let (_, other) = counter_request(&s, None, T0);
        assert_ne!(sid_of(&first), sid_of(&other), "two new sessions get two ids");
        let (_, second) = counter_request(&s, Some(&jar(&first.set_cookies)), T0 + 1);
        assert_eq!(sid_of(&second), sid_of(&first), "a changed session keeps its id");
        let session = s.load_cookie_header(Some(&jar(&second.set_cookies)), T0 + 2);
        assert_eq!(session.id(), Some(sid_of(&first)));
        session.regenerate();
        let third = s.commit_headers(&session, T0 + 2, false, 200).unwrap();
        assert_ne!(sid_of(&third), sid_of(&first), "regenerate gives a new id");
        assert_eq!(session.insert("sid", "mine").unwrap_err().code(), ErrorCode::ReservedClaim);
    }

    #[test]
    fn tampered_cookie_gives_a_fresh_session_and_is_replaced() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let good = jar(&out.set_cookies);
        let tampered = good.replacen("eyJjb3VudGVyIjox", "eyJjb3VudGVyIjo5", 1);
        assert_ne!(good, tampered);
        let session = s.load_cookie_header(Some(&tampered), T0 + 1);
        assert!(session.is_empty());
        assert_eq!(session.rejected(), Some(ErrorCode::BadSignature));
        let (n, out) = counter_request(&s, Some(&tampered), T0 + 1);
        assert_eq!(n, 1);
        assert_eq!(out.set_cookies.len(), 1);
    }

    #[test]
    fn invalid_cookie_on_an_untouched_session_is_expired() {
        let s = sessions();
        let session = s.load_cookie_header(Some("jwtsession=x.y.z"), T0);
        let out = s.commit_headers(&session, T0, false, 200).unwrap();
        assert_eq!(out.decision, Decision::Expire);
        assert!(out.set_cookies[0].starts_with("jwtsession=;"));
        assert!(!out.vary_cookie);
    }

    #[test]
    fn read_only_request_sets_nothing_until_refresh_after() {
        let s = JwtSessions::builder(SECRET)
            .max_age(Duration::from_secs(100))
            .refresh_after(Duration::from_secs(10))
            .build()
            .unwrap();
        let (_, out) = counter_request(&s, None, T0);
        let cookie = jar(&out.set_cookies);
        let read = |now| {
            let session = s.load_cookie_header(Some(&cookie), now);
            assert_eq!(session.get::<u64>("counter").unwrap(), Some(1));
            s.commit_headers(&session, now, false, 200).unwrap()
        };
        let early = read(T0 + 9);
        assert_eq!((early.decision, early.set_cookies.len(), early.vary_cookie), (Decision::Nothing, 0, true));
        let late = read(T0 + 10);
        assert_eq!(late.decision, Decision::Issue);
        let claims = jwt::decode_unverified(jar(&late.set_cookies).trim_start_matches("jwtsession=")).unwrap();
        assert_eq!(claims["exp"], T0 + 110);
        assert_eq!(claims["orig_iat"], T0);
    }

    #[test]
    fn previous_secret_is_accepted_and_resigned_with_the_current_one() {
        let old = JwtSessions::builder(OLD).build().unwrap();
        let (_, out) = counter_request(&old, None, T0);
        let cookie = jar(&out.set_cookies);
        let rotated = JwtSessions::builder(SECRET).previous_secret(OLD).build().unwrap();
        let session = rotated.load_cookie_header(Some(&cookie), T0 + 1);
        assert_eq!(session.get::<u64>("counter").unwrap(), Some(1));
        let out = rotated.commit_headers(&session, T0 + 1, false, 200).unwrap();
        assert_eq!(out.decision, Decision::Issue);
        let new_cookie = jar(&out.set_cookies);
        let current_only = sessions();
        assert_eq!(current_only.load_cookie_header(Some(&new_cookie), T0 + 2).get::<u64>("counter").unwrap(), Some(1));
        assert_eq!(current_only.load_cookie_header(Some(&cookie), T0 + 2).rejected(), Some(ErrorCode::BadSignature));
    }

    #[test]
    fn legacy_wsgi_cookie_is_reissued_with_exp() {
        let s = JwtSessions::builder("Use something big and randomly-generated here")
            .allow_legacy_tokens(true)
            .build()
            .unwrap();
        let cookie = "jwtsession=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
        let session = s.load_cookie_header(Some(cookie), T0);
        assert_eq!(session.get::<u64>("counter").unwrap(), Some(1));
        let out = s.commit_headers(&session, T0, false, 200).unwrap();
        assert_eq!(out.decision, Decision::Issue);
        let claims = jwt::decode_unverified(jar(&out.set_cookies).trim_start_matches("jwtsession=")).unwrap();
        assert_eq!(claims["exp"], T0 + 86400);
        let strict = JwtSessions::builder("Use something big and randomly-generated here").build().unwrap();
        assert_eq!(strict.load_cookie_header(Some(cookie), T0).rejected(), Some(ErrorCode::MissingExp));
    }

    #[test]
    fn cookie_tossing_first_valid_cookie_wins() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let good = jar(&out.set_cookies);
        let header = format!("jwtsession=forged.by.sibling; {good}");
        assert_eq!(s.load_cookie_header(Some(&header), T0).get::<u64>("counter").unwrap(), Some(1));
        let header = format!("{good}; jwtsession=forged.by.sibling");
        assert_eq!(s.load_cookie_header(Some(&header), T0).get::<u64>("counter").unwrap(), Some(1));
    }

    #[test]
    fn destroy_expires_and_server_errors_keep_the_old_cookie() {
        let s = sessions();
        let (_, out) = counter_request(&s, None, T0);
        let cookie = jar(&out.set_cookies);
        let session = s.load_cookie_header(Some(&cookie), T0 + 1);
        session.destroy();
        assert_eq!(s.commit_headers(&session, T0 + 1, false, 500).unwrap().set_cookies.len(), 0);
        let out = s.commit_headers(&session, T0 + 1, false, 200).unwrap();
        assert_eq!(out.decision, Decision::Expire);
        assert!(out.set_cookies[0].contains("Max-Age=0"));
    }

    #[test]
    fn large_session_goes_out_in_chunks_and_comes_back_whole() {
        let s = sessions();
        let session = s.load_cookie_header(None, T0);
        let big: String = (0..9000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        session.insert("big", &big).unwrap();
        let out = s.commit_headers(&session, T0, true, 200).unwrap();
        assert!(out.set_cookies.len() >= 3, "{}", out.set_cookies.len());
        assert!(out.set_cookies.iter().all(|c| c.contains("; Secure")));
        let back = s.load_cookie_header(Some(&jar(&out.set_cookies)), T0 + 1);
        assert_eq!(back.get::<String>("big").unwrap().as_deref(), Some(big.as_str()));
        // Shrinking again writes the plain cookie and expires every chunk.
        back.insert("big", "small").unwrap();
        let out2 = s.commit_headers(&back, T0 + 1, true, 200).unwrap();
        let expired = out2.set_cookies.iter().filter(|c| c.contains("Max-Age=0")).count();
        assert_eq!(expired, out.set_cookies.len());
    }

    #[test]
    fn too_large_session_is_an_error_not_a_silent_loss() {
        let s = JwtSessions::builder(SECRET).max_chunks(1).build().unwrap();
        let session = s.load_cookie_header(None, T0);
        session.insert("big", "x".repeat(5000)).unwrap();
        assert_eq!(s.commit_headers(&session, T0, true, 200).unwrap_err().code(), ErrorCode::TooLarge);
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
        let mut cookie = jar(&out.set_cookies);
        for now in [T0 + 50, T0 + 100, T0 + 140] {
            let (n, out) = counter_request(&s, Some(&cookie), now);
            assert!(n > 1, "at {now}");
            cookie = jar(&out.set_cookies);
        }
        // The last token's exp was cut to the absolute end (T0 + 150).
        let session = s.load_cookie_header(Some(&cookie), T0 + 151);
        assert!(session.is_empty());
        assert_eq!(session.rejected(), Some(ErrorCode::Expired));
    }

    #[test]
    fn from_vars_names_the_binding_in_every_error() {
        let base = |extra: (&'static str, &'static str)| {
            move |name: &str| match name {
                SECRET_BINDING => Some(SECRET.to_string()),
                n if n == extra.0 => Some(extra.1.to_string()),
                _ => None,
            }
        };
        for (name, bad) in [
            ("JWT_SESSION_MAX_AGE", "ten"),
            ("JWT_SESSION_REFRESH_AFTER", "-1"),
            ("JWT_SESSION_ALGORITHM", "RS256"),
            ("JWT_SESSION_SAME_SITE", "sometimes"),
            ("JWT_SESSION_HTTP_ONLY", "maybe"),
            ("JWT_SESSION_PREVIOUS_SECRETS", "short"),
            ("JWT_SESSION_PREVIOUS_SECRETS", "an old secret that is long enough..,,"),
        ] {
            let err = JwtSessions::from_vars(base((name, bad))).unwrap_err();
            assert_eq!(err.code(), ErrorCode::Config);
            assert!(err.message().contains(name), "{name}: {err}");
        }
        let short = JwtSessions::from_vars(|n| (n == SECRET_BINDING).then(|| "short".to_string())).unwrap_err();
        assert!(short.message().contains(SECRET_BINDING) && !short.message().contains("short\""), "{short}");
        let cookie = JwtSessions::from_vars(base(("JWT_SESSION_COOKIE", "bad;name"))).unwrap_err();
        assert_eq!(cookie.code(), ErrorCode::Config);
    }

    #[test]
    fn refresh_after_longer_than_max_age_is_refused() {
        let err = JwtSessions::builder(SECRET)
            .max_age(Duration::from_secs(10))
            .refresh_after(Duration::from_secs(11))
            .build()
            .unwrap_err();
        assert!(err.message().contains("refresh_after"));
    }
}
