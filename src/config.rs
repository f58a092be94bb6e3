//! Configuration: the one table of options ([`SETTINGS`]), the [`Builder`], and
//! [`JwtSessions::from_vars`], which reads the options the way a Worker's bindings hold them.
//!
//! The table is the source of every other list of options: `from_vars` walks it, the JS
//! wrapper takes its option names from it (through the engine's wasm exports), and tests hold
//! the README's table and the TypeScript types to it.

use std::time::Duration;

use crate::alg::Algorithm;
use crate::claims::{Validation, DEFAULT_LEEWAY_SECS};
use crate::cookie::{CookieOptions, Mode, SameSite, Secure, MAX_COOKIE_BYTES};
use crate::csrf::{trusted_origin, CsrfOptions};
use crate::engine::JwtSessions;
use crate::error::{Error, ErrorCode};
use crate::keys::KeyRing;
use crate::policy::{self, Lifetime};
use crate::revocation::{FailureMode, RevocationOptions};

/// Name of the secret binding (`wrangler secret put JWT_SESSION_SECRET`, `.dev.vars` locally).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{config::SECRET_BINDING, JwtSessions};
/// let vars = |name: &str| (name == SECRET_BINDING).then(|| "a secret of at least thirty-two bytes!!".to_string());
/// JwtSessions::from_vars(vars)?;
/// // Without it nothing works, and the error says which binding to set.
/// let missing = JwtSessions::from_vars(|_| None).err();
/// assert_eq!(missing.and_then(|e| e.binding()), Some(SECRET_BINDING));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const SECRET_BINDING: &str = "JWT_SESSION_SECRET";
/// Name of the binding with previous secrets, comma-separated: they verify but never sign.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::config::{PREVIOUS_SECRETS_BINDING, SECRET_BINDING};
/// use worker_jwt_session::JwtSessions;
/// let vars = |name: &str| match name {
///     SECRET_BINDING => Some("the new secret: at least thirty-two bytes".to_string()),
///     PREVIOUS_SECRETS_BINDING => Some("the old secret: at least thirty-two bytes,an older secret: also thirty-two bytes".to_string()),
///     _ => None,
/// };
/// // Cookies signed with either old secret still load during the rotation.
/// assert_eq!(JwtSessions::from_vars(vars)?.keys().len(), 3);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const PREVIOUS_SECRETS_BINDING: &str = "JWT_SESSION_PREVIOUS_SECRETS";

/// The binding that names the revocation store, a Workers KV namespace binding.
///
/// # Examples
///
/// ```
/// assert_eq!(worker_jwt_session::config::REVOCATION_KV_BINDING, "JWT_SESSION_REVOCATION_KV");
/// ```
pub const REVOCATION_KV_BINDING: &str = "JWT_SESSION_REVOCATION_KV";

/// Which option a [`Setting`] is: `from_vars` matches on it, so a row without its handling
/// does not compile.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::config::{Opt, SETTINGS};
/// let row = SETTINGS.iter().find(|s| s.opt == Opt::MaxChunks);
/// assert_eq!(row.map(|s| (s.binding, s.js_name)), Some(("JWT_SESSION_MAX_CHUNKS", "maxChunks")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Opt {
    /// `JWT_SESSION_SECRET`.
    Secret,
    /// `JWT_SESSION_PREVIOUS_SECRETS`.
    PreviousSecrets,
    /// `JWT_SESSION_COOKIE`.
    Cookie,
    /// `JWT_SESSION_MAX_AGE`.
    MaxAge,
    /// `JWT_SESSION_REFRESH_AFTER`.
    RefreshAfter,
    /// `JWT_SESSION_ABSOLUTE_LIFETIME`.
    AbsoluteLifetime,
    /// `JWT_SESSION_LEEWAY`.
    Leeway,
    /// `JWT_SESSION_ALGORITHM`.
    Algorithm,
    /// `JWT_SESSION_ALGORITHMS`.
    Algorithms,
    /// `JWT_SESSION_ALLOW_LEGACY`.
    AllowLegacy,
    /// `JWT_SESSION_PATH`.
    Path,
    /// `JWT_SESSION_DOMAIN`.
    Domain,
    /// `JWT_SESSION_SAME_SITE`.
    SameSite,
    /// `JWT_SESSION_SECURE`.
    Secure,
    /// `JWT_SESSION_HTTP_ONLY`.
    HttpOnly,
    /// `JWT_SESSION_PARTITIONED`.
    Partitioned,
    /// `JWT_SESSION_MAX_CHUNKS`.
    MaxChunks,
    /// `JWT_SESSION_MODE`.
    Mode,
    /// `JWT_SESSION_CSRF`.
    Csrf,
    /// `JWT_SESSION_TRUSTED_ORIGINS`.
    TrustedOrigins,
    /// `JWT_SESSION_REVOCATION_KV`.
    RevocationKv,
    /// `JWT_SESSION_USER_CLAIM`.
    UserClaim,
    /// `JWT_SESSION_REVOCATION_FAILURE`.
    RevocationFailure,
}

/// The type of an option's value, as a binding (a string) spells it.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::config::{Kind, SETTINGS};
/// // The bindings to keep out of `[vars]` and out of logs.
/// let secrets: Vec<&str> = SETTINGS
///     .iter()
///     .filter(|s| matches!(s.kind, Kind::Secret | Kind::SecretList))
///     .map(|s| s.binding)
///     .collect();
/// assert_eq!(secrets, ["JWT_SESSION_SECRET", "JWT_SESSION_PREVIOUS_SECRETS"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A secret: bytes, never logged.
    Secret,
    /// Secrets, comma-separated (a JS array is joined with commas).
    SecretList,
    /// Free text.
    Text,
    /// A whole number of seconds.
    Seconds,
    /// A whole number.
    Count,
    /// `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    Flag,
    /// One of these words, in any case.
    Choice(&'static [&'static str]),
    /// Several of these words, comma-separated (a JS array is joined with commas).
    ChoiceList(&'static [&'static str]),
    /// Free text items, comma-separated (a JS array is joined with commas).
    TextList,
}

/// One option: the binding that sets it in a Worker, its name in the JS wrapper's options and
/// its type; [`Setting::default_text`] and [`Setting::meaning`] give what the README shows.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::config::SETTINGS;
/// // From a JS option name to the binding that sets the same option in a Rust Worker.
/// let leeway = SETTINGS.iter().find(|s| s.js_name == "leeway");
/// assert_eq!(leeway.map(|s| (s.binding, s.default_text())), Some(("JWT_SESSION_LEEWAY", "`30`")));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// Which option.
    pub opt: Opt,
    /// The Worker binding (`[vars]`, or a secret).
    pub binding: &'static str,
    /// The option's name for `withJwtSession(handler, options)` and `jwtSession(options)`.
    pub js_name: &'static str,
    /// Its type.
    pub kind: Kind,
}

const ALGORITHMS: &[&str] = &["HS256", "HS384", "HS512"];

/// Every option, in the order of the README's table. The README table, `from_vars`, the JS
/// option names and the TypeScript `JwtSessionOptions` all follow this list; tests fail when
/// one of them disagrees.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::config::SETTINGS;
/// let max_age = SETTINGS.iter().find(|s| s.binding == "JWT_SESSION_MAX_AGE").unwrap();
/// assert_eq!((max_age.js_name, max_age.default_text()), ("maxAge", "`86400`"));
/// ```
pub const SETTINGS: &[Setting] = &[
    Setting { opt: Opt::Secret, binding: SECRET_BINDING, js_name: "secret", kind: Kind::Secret },
    Setting {
        opt: Opt::PreviousSecrets,
        binding: PREVIOUS_SECRETS_BINDING,
        js_name: "previousSecrets",
        kind: Kind::SecretList,
    },
    Setting { opt: Opt::Cookie, binding: "JWT_SESSION_COOKIE", js_name: "cookie", kind: Kind::Text },
    Setting { opt: Opt::MaxAge, binding: "JWT_SESSION_MAX_AGE", js_name: "maxAge", kind: Kind::Seconds },
    Setting {
        opt: Opt::RefreshAfter,
        binding: "JWT_SESSION_REFRESH_AFTER",
        js_name: "refreshAfter",
        kind: Kind::Seconds,
    },
    Setting {
        opt: Opt::AbsoluteLifetime,
        binding: "JWT_SESSION_ABSOLUTE_LIFETIME",
        js_name: "absoluteLifetime",
        kind: Kind::Seconds,
    },
    Setting { opt: Opt::Leeway, binding: "JWT_SESSION_LEEWAY", js_name: "leeway", kind: Kind::Seconds },
    Setting {
        opt: Opt::Algorithm,
        binding: "JWT_SESSION_ALGORITHM",
        js_name: "algorithm",
        kind: Kind::Choice(ALGORITHMS),
    },
    Setting {
        opt: Opt::Algorithms,
        binding: "JWT_SESSION_ALGORITHMS",
        js_name: "algorithms",
        kind: Kind::ChoiceList(ALGORITHMS),
    },
    Setting { opt: Opt::AllowLegacy, binding: "JWT_SESSION_ALLOW_LEGACY", js_name: "allowLegacy", kind: Kind::Flag },
    Setting { opt: Opt::Path, binding: "JWT_SESSION_PATH", js_name: "path", kind: Kind::Text },
    Setting { opt: Opt::Domain, binding: "JWT_SESSION_DOMAIN", js_name: "domain", kind: Kind::Text },
    Setting {
        opt: Opt::SameSite,
        binding: "JWT_SESSION_SAME_SITE",
        js_name: "sameSite",
        kind: Kind::Choice(&["Strict", "Lax", "None"]),
    },
    Setting {
        opt: Opt::Secure,
        binding: "JWT_SESSION_SECURE",
        js_name: "secure",
        kind: Kind::Choice(&["auto", "always", "never"]),
    },
    Setting { opt: Opt::HttpOnly, binding: "JWT_SESSION_HTTP_ONLY", js_name: "httpOnly", kind: Kind::Flag },
    Setting { opt: Opt::Partitioned, binding: "JWT_SESSION_PARTITIONED", js_name: "partitioned", kind: Kind::Flag },
    Setting { opt: Opt::MaxChunks, binding: "JWT_SESSION_MAX_CHUNKS", js_name: "maxChunks", kind: Kind::Count },
    Setting {
        opt: Opt::Mode,
        binding: "JWT_SESSION_MODE",
        js_name: "mode",
        kind: Kind::Choice(&["single", "split", "encrypted"]),
    },
    Setting { opt: Opt::Csrf, binding: "JWT_SESSION_CSRF", js_name: "csrf", kind: Kind::Choice(&["off", "on"]) },
    Setting {
        opt: Opt::TrustedOrigins,
        binding: "JWT_SESSION_TRUSTED_ORIGINS",
        js_name: "trustedOrigins",
        kind: Kind::TextList,
    },
    Setting { opt: Opt::RevocationKv, binding: REVOCATION_KV_BINDING, js_name: "revocationKv", kind: Kind::Text },
    Setting { opt: Opt::UserClaim, binding: "JWT_SESSION_USER_CLAIM", js_name: "userClaim", kind: Kind::Text },
    Setting {
        opt: Opt::RevocationFailure,
        binding: "JWT_SESSION_REVOCATION_FAILURE",
        js_name: "revocationFailure",
        kind: Kind::Choice(&["closed", "open"]),
    },
];

impl Setting {
    /// Its default, as Markdown (the README's table).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::config::SETTINGS;
    /// assert_eq!(SETTINGS[0].default_text(), "(required)");
    /// ```
    #[must_use]
    pub fn default_text(&self) -> &'static str {
        self.opt.docs().0
    }

    /// What it does, as Markdown (the README's table).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::config::SETTINGS;
    /// assert!(SETTINGS[0].meaning().starts_with("HMAC secret"));
    /// ```
    #[must_use]
    pub fn meaning(&self) -> &'static str {
        self.opt.docs().1
    }
}

impl Opt {
    /// The option's default and meaning, kept apart from [`SETTINGS`] so that a Worker, which
    /// only parses bindings, does not carry the documentation in its wasm.
    fn docs(self) -> (&'static str, &'static str) {
        match self {
            Opt::Secret => (
                "(required)",
                "HMAC secret, at least 32 bytes (48 for HS384, 64 for HS512); a secret binding, never a `[vars]` entry. `openssl rand -base64 32` or `jwt-session keygen` prints one",
            ),
            Opt::PreviousSecrets => (
                "(none)",
                "old secrets, comma-separated: their tokens are accepted and re-signed with the current secret",
            ),
            Opt::Cookie => (
                "`jwtsession`",
                "cookie name (`__Host-` / `__Secure-` prefixes are checked)",
            ),
            Opt::MaxAge => (
                "`86400`",
                "seconds: token `exp` and cookie `Max-Age`",
            ),
            Opt::RefreshAfter => (
                "max_age / 4",
                "seconds: an unchanged session older than this is re-signed (sliding expiry)",
            ),
            Opt::AbsoluteLifetime => (
                "`0` (off)",
                "seconds: a session older than this since it began is dropped, however active (a legacy token, which cannot prove its start, is refused)",
            ),
            Opt::Leeway => (
                "`30`",
                "seconds of clock skew allowed on `exp` / `nbf` / `iat`",
            ),
            Opt::Algorithm => (
                "`HS256`",
                "signing algorithm: HS256, HS384 or HS512",
            ),
            Opt::Algorithms => (
                "the signing one",
                "algorithms accepted, comma-separated (`none` never is)",
            ),
            Opt::AllowLegacy => (
                "`false`",
                "accept tokens without `exp` (from Python `wsgi_jwt_session`) and re-issue them with one",
            ),
            Opt::Path => (
                "`/`",
                "cookie `Path`",
            ),
            Opt::Domain => (
                "(none)",
                "cookie `Domain`",
            ),
            Opt::SameSite => (
                "`Lax`",
                "cookie `SameSite`: Strict, Lax or None (None needs `JWT_SESSION_SECURE=always`)",
            ),
            Opt::Secure => (
                "`auto`",
                "cookie `Secure`: `auto` (when the request is https), `always`, `never`",
            ),
            Opt::HttpOnly => (
                "`false`",
                "cookie `HttpOnly`; off so the page's JavaScript can read the session (on by default in `encrypted` mode)",
            ),
            Opt::Partitioned => (
                "`false`",
                "cookie `Partitioned` (CHIPS; needs `Secure`)",
            ),
            Opt::MaxChunks => (
                "`4`",
                "most cookies a large session is split into (4096 bytes each, 1 to 32); past 8 KB of cookies a warning is logged (see Chunking)",
            ),
            Opt::Mode => (
                "`single`",
                "`single`: the whole token in the cookie; `split`: `header.payload` readable, the signature in an `HttpOnly` `jwtsession.sig`; `encrypted`: a JWE nobody but the Worker reads, `HttpOnly` by default (crate feature `encrypted`; see Cookie modes)",
            ),
            Opt::Csrf => (
                "`off`",
                "`on`: POST, PUT, PATCH and DELETE must come from the page's origin and carry the session's token in `X-CSRF-Token` (see CSRF protection)",
            ),
            Opt::TrustedOrigins => (
                "(none)",
                "other origins allowed to send unsafe requests, comma-separated (`https://admin.example`)",
            ),
            Opt::RevocationKv => (
                "(off)",
                "a Workers KV namespace binding: `revoke()` / `revoke_all()` work, and each request with a session reads at most two keys from it (see Revocation)",
            ),
            Opt::UserClaim => (
                "`sub`",
                "the claim naming the user, for `revoke_all()` (log out everywhere)",
            ),
            Opt::RevocationFailure => (
                "`closed`",
                "when KV fails: `closed`, the session loads empty; `open`, it stands (both logged with code `revocation_unavailable`)",
            ),
        }
    }
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
    /// the value of `JWT_SESSION_SECRET`, `JWT_SESSION_MAX_AGE`, … (every binding of
    /// [`SETTINGS`]), or `None` when unset. Empty values count as unset.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`], naming the binding in its message and in [`Error::binding`]: the
    /// secret missing or too short, a number or name that does not parse, or an unsafe
    /// combination.
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
    /// assert_eq!(err.binding(), Some("JWT_SESSION_SECRET"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<JwtSessions, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let secret = get(SECRET_BINDING).ok_or_else(|| {
            Error::config(format!(
                "{SECRET_BINDING} is not set: run `wrangler secret put {SECRET_BINDING}` \
                 (locally, put it in .dev.vars); `openssl rand -base64 32` or `jwt-session keygen` prints a good one"
            ))
            .with_binding(SECRET_BINDING)
        })?;
        JwtSessions::builder(secret.as_bytes()).bindings(lookup)?.build()
    }
}

/// Sets one option from its binding's (trimmed, non-empty) text.
fn apply(b: Builder, setting: &Setting, v: &str) -> Result<Builder, Error> {
    let secs = || {
        v.parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| Error::config(format!("expected a whole number of seconds, got {v:?}")))
    };
    let flag = || match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(Error::config(format!("expected true or false, got {v:?}"))),
    };
    Ok(match setting.opt {
        // Read before the loop: the builder is made with it.
        Opt::Secret => b,
        Opt::PreviousSecrets => {
            let mut b = b;
            for (i, s) in v.split(',').enumerate() {
                let s = s.trim();
                if s.is_empty() {
                    return Err(Error::config(format!("entry {} is empty (the list is comma-separated)", i + 1)));
                }
                b = b.previous_secret(s);
            }
            b
        }
        Opt::Cookie => b.cookie_name(v),
        Opt::MaxAge => b.max_age(secs()?),
        Opt::RefreshAfter => b.refresh_after(secs()?),
        Opt::AbsoluteLifetime => {
            let d = secs()?;
            b.absolute_lifetime((!d.is_zero()).then_some(d))
        }
        Opt::Leeway => b.leeway(secs()?),
        Opt::Algorithm => b.algorithm(v.parse()?),
        Opt::Algorithms => {
            b.allowed_algorithms(v.split(',').map(str::parse).collect::<Result<Vec<Algorithm>, Error>>()?)
        }
        Opt::AllowLegacy => b.allow_legacy_tokens(flag()?),
        Opt::Path => b.path(v),
        Opt::Domain => b.domain(v),
        Opt::SameSite => b.same_site(v.parse::<SameSite>()?),
        Opt::Secure => b.secure(v.parse::<Secure>()?),
        Opt::HttpOnly => b.http_only(flag()?),
        Opt::Partitioned => b.partitioned(flag()?),
        Opt::Mode => b.mode(v.parse()?),
        Opt::Csrf => b.csrf(match v.to_ascii_lowercase().as_str() {
            "on" | "true" | "1" | "yes" => true,
            "off" | "false" | "0" | "no" => false,
            _ => return Err(Error::config(format!("expected on or off, got {v:?}"))),
        }),
        Opt::RevocationKv => b.revocation_kv(v),
        Opt::UserClaim => b.user_claim(v),
        Opt::RevocationFailure => b.revocation_failure(v.parse()?),
        Opt::TrustedOrigins => b.trusted_origins(v.split(',').map(str::trim).filter(|o| !o.is_empty())),
        Opt::MaxChunks => {
            b.max_chunks(v.parse::<usize>().map_err(|_| Error::config(format!("expected a whole number, got {v:?}")))?)
        }
    })
}

/// Options for [`JwtSessions`], checked together by [`Builder::build`].
///
/// Setters never fail; every problem is reported once, by `build`, with what to change.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use worker_jwt_session::{ErrorCode, JwtSessions};
/// // The setters took these; `build` refuses them, naming the method to fix.
/// let err = JwtSessions::builder("a secret of at least thirty-two bytes!!")
///     .max_age(Duration::from_secs(60))
///     .refresh_after(Duration::from_secs(120))
///     .build()
///     .err();
/// assert_eq!(err.as_ref().map(|e| e.code()), Some(ErrorCode::Config));
/// assert!(err.is_some_and(|e| e.message().starts_with("refresh_after")));
/// ```
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
    /// `HttpOnly` when set explicitly; otherwise it follows the mode (on in encrypted mode).
    http_only: Option<bool>,
    csrf: bool,
    trusted_origins: Vec<String>,
    revocation: RevocationOptions,
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
            http_only: None,
            csrf: false,
            trusted_origins: Vec::new(),
            revocation: RevocationOptions::default(),
            binding_names: false,
        }
    }

    /// Sets every option but the secret from named settings, as [`JwtSessions::from_vars`]
    /// reads them (`lookup(name)` for each binding of [`SETTINGS`]; empty values count as
    /// unset), and makes later errors name the bindings rather than the builder methods. For a
    /// secret that is not text (the CLI's `--secret-file`).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`] naming the binding whose value does not parse.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let vars = |name: &str| (name == "JWT_SESSION_MAX_AGE").then(|| "60".to_string());
    /// let sessions = JwtSessions::builder([7u8; 32]).bindings(vars)?.build()?;
    /// assert_eq!(sessions.lifetime().max_age.as_secs(), 60);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn bindings(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        self.binding_names = true;
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        for setting in SETTINGS {
            let Some(value) = get(setting.binding) else { continue };
            self = apply(self, setting, value.trim()).map_err(|e| {
                let e = if e.message().contains(setting.binding) {
                    e
                } else {
                    Error::config(format!("{}: {}", setting.binding, e.message()))
                };
                e.with_binding(setting.binding)
            })?;
        }
        Ok(self)
    }

    /// Adds a previous secret: its tokens verify and are re-signed with the current secret.
    /// Call once per old key, newest first.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("the new secret, at least thirty-two bytes")
    ///     .previous_secret("the old secret, at least thirty-two bytes")
    ///     .build()?;
    /// // Both verify, so cookies signed before the rotation keep their users logged in.
    /// assert_eq!(sessions.keys().len(), 2);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn previous_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.previous.push(secret.as_ref().to_vec());
        self
    }

    /// The signing algorithm. Defaults to HS256. It is always accepted on the way in.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, JwtSessions};
    /// let sessions = JwtSessions::builder([7u8; 64]).algorithm(Algorithm::HS512).build()?;
    /// assert_eq!(sessions.algorithm(), Algorithm::HS512);
    /// // Alone in the allow-list unless `allowed_algorithms` says otherwise.
    /// assert_eq!(sessions.validation().algorithms, [Algorithm::HS512]);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Algorithms accepted on the way in. Defaults to the signing algorithm alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, JwtSessions};
    /// let sessions = JwtSessions::builder([7u8; 48])
    ///     .algorithm(Algorithm::HS384)
    ///     .allowed_algorithms([Algorithm::HS256, Algorithm::HS384])
    ///     .build()?;
    /// // Cookies signed with HS256 before the switch still load; new ones are HS384.
    /// assert_eq!(sessions.validation().algorithms, [Algorithm::HS256, Algorithm::HS384]);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn allowed_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = Some(algorithms.into_iter().collect());
        self
    }

    /// Token `exp` and cookie `Max-Age`. Defaults to 86400 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .max_age(Duration::from_secs(3600))
    ///     .build()?;
    /// // The refresh point follows unless set: a quarter of it.
    /// assert_eq!(sessions.lifetime().max_age, Duration::from_secs(3600));
    /// assert_eq!(sessions.lifetime().refresh_after, Duration::from_secs(900));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// An unchanged session older than this is re-signed. Defaults to `max_age / 4`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .refresh_after(Duration::from_secs(60))
    ///     .build()?;
    /// // An active user's cookie is re-signed at most once a minute, not on every request.
    /// assert_eq!(sessions.lifetime().refresh_after, Duration::from_secs(60));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn refresh_after(mut self, refresh_after: Duration) -> Self {
        self.refresh_after = Some(refresh_after);
        self
    }

    /// A session older than this since it began is dropped, however active. Defaults to off.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .absolute_lifetime(Some(Duration::from_secs(7 * 86400)))
    ///     .build()?;
    /// // A week after login the user logs in again, however active.
    /// assert_eq!(sessions.lifetime().absolute_lifetime, Some(Duration::from_secs(604800)));
    /// assert_eq!(sessions.validation().absolute_lifetime_secs, Some(604800));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn absolute_lifetime(mut self, limit: Option<Duration>) -> Self {
        self.absolute_lifetime = limit;
        self
    }

    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to 30 s.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .leeway(Duration::from_secs(5))
    ///     .build()?;
    /// // For machines with well-synchronised clocks: expired tokens stop working sooner.
    /// assert_eq!(sessions.validation().leeway_secs, 5);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts tokens without `exp`, as the Python `wsgi_jwt_session` minted, and re-issues them
    /// with one. Defaults to false.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .allow_legacy_tokens(true)
    ///     .build()?;
    /// // Users of the Python app keep their session through the migration.
    /// assert!(!sessions.validation().require_exp);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn allow_legacy_tokens(mut self, allow: bool) -> Self {
        self.allow_legacy = allow;
        self
    }

    /// The cookie's name. Defaults to `jwtsession`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .cookie_name("app_session")
    ///     .build()?;
    /// // Two apps on one domain need two names, or they overwrite each other's cookie.
    /// assert_eq!(sessions.cookie_options().name, "app_session");
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie.name = name.into();
        self
    }

    /// The cookie's `Path`. Defaults to `/`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .path("/app")
    ///     .build()?;
    /// // The browser then sends the cookie only under /app.
    /// assert_eq!(sessions.cookie_options().path.as_deref(), Some("/app"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.cookie.path = Some(path.into());
        self
    }

    /// The cookie's `Domain`. Defaults to none (host-only).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .domain("example.com")
    ///     .build()?;
    /// // Shared with the subdomains (api.example.com, …), where a host-only cookie is not sent.
    /// assert_eq!(sessions.cookie_options().domain.as_deref(), Some("example.com"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.cookie.domain = Some(domain.into());
        self
    }

    /// The cookie's `SameSite`. Defaults to `Lax`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{cookie::SameSite, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .same_site(SameSite::Strict)
    ///     .build()?;
    /// // Not even a link from another site arrives logged in.
    /// assert_eq!(sessions.cookie_options().same_site, Some(SameSite::Strict));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.cookie.same_site = Some(same_site);
        self
    }

    /// When to mark the cookie `Secure`. Defaults to [`Secure::Auto`]: when the request is https.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{cookie::Secure, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .secure(Secure::Always)
    ///     .build()?;
    /// // What `__Host-` names, `SameSite=None` and `Partitioned` require.
    /// assert_eq!(sessions.cookie_options().secure, Secure::Always);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn secure(mut self, secure: Secure) -> Self {
        self.cookie.secure = secure;
        self
    }

    /// The cookie's `HttpOnly`. Defaults to false: the page's JavaScript reads the session; in
    /// [`Mode::Encrypted`] it defaults to true (the page cannot read it anyway), and a value set
    /// here still rules.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .http_only(true)
    ///     .build()?;
    /// // For when the page never reads the session: a script injected into it cannot either.
    /// assert!(sessions.cookie_options().http_only);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn http_only(mut self, http_only: bool) -> Self {
        self.http_only = Some(http_only);
        self
    }

    /// The cookie's `Partitioned` (CHIPS). Defaults to false.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{cookie::Secure, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .secure(Secure::Always).partitioned(true)
    ///     .build()?;
    /// // Partitioned needs Secure, which `Secure::Auto` cannot promise when the builder checks.
    /// assert!(sessions.cookie_options().partitioned);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.cookie.partitioned = partitioned;
        self
    }

    /// Most cookies a large session is split into. Defaults to 4.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .max_chunks(8)
    ///     .build()?;
    /// // Larger sessions fit, and the bound on incoming tokens grows with them.
    /// assert_eq!(sessions.cookie_options().max_chunks, 8);
    /// assert_eq!(sessions.validation().max_token_bytes, 8 * 4096);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn max_chunks(mut self, max_chunks: usize) -> Self {
        self.cookie.max_chunks = max_chunks;
        self
    }

    /// How the token is laid out in cookies. Defaults to [`Mode::Single`]; [`Mode::Split`]
    /// keeps the signature in an `HttpOnly` cookie of its own, so a script on the page can read
    /// the session but not steal a replayable token.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{cookie::Mode, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").mode(Mode::Split).build()?;
    /// assert_eq!(sessions.cookie_options().mode, Mode::Split);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn mode(mut self, mode: Mode) -> Self {
        self.cookie.mode = mode;
        self
    }

    /// CSRF protection for POST, PUT, PATCH and DELETE (see [`crate::csrf`]). Defaults to off.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").csrf(true).build()?;
    /// assert!(sessions.csrf_options().enabled);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn csrf(mut self, on: bool) -> Self {
        self.csrf = on;
        self
    }

    /// Origins besides the request's own that may send unsafe requests when CSRF protection
    /// is on, each `scheme://host[:port]`. Defaults to none.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let b = || JwtSessions::builder("a secret of at least thirty-two bytes!!").csrf(true);
    /// let sessions = b().trusted_origins(["https://Admin.Example"]).build()?;
    /// assert_eq!(sessions.csrf_options().trusted_origins, ["https://admin.example"]);
    /// assert!(b().trusted_origins(["https://admin.example/path"]).build().is_err());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn trusted_origins<S: Into<String>>(mut self, origins: impl IntoIterator<Item = S>) -> Self {
        self.trusted_origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// Turns revocation on, with the Workers KV namespace behind this binding (see
    /// [`crate::revocation`]). Defaults to off.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// assert_eq!(sessions.revocation_binding(), Some("REVOKED"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn revocation_kv(mut self, binding: impl Into<String>) -> Self {
        self.revocation.binding = Some(binding.into());
        self
    }

    /// The claim that names the user, for [`Session::revoke_all`](crate::Session::revoke_all).
    /// Defaults to `sub`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::JwtSessions;
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").user_claim("user").build()?;
    /// assert_eq!(sessions.revocation_options().user_claim, "user");
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn user_claim(mut self, claim: impl Into<String>) -> Self {
        self.revocation.user_claim = claim.into();
        self
    }

    /// What a failing revocation store does. Defaults to [`FailureMode::Closed`].
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{revocation::FailureMode, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_failure(FailureMode::Open).build()?;
    /// assert_eq!(sessions.revocation_options().failure, FailureMode::Open);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn revocation_failure(mut self, failure: FailureMode) -> Self {
        self.revocation.failure = failure;
        self
    }

    /// Checks every option together and prepares the keys (the HMAC key schedule is computed
    /// here, once).
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
        let need = self.algorithm.mac_len();
        if self.secret.len() < need {
            // The secret's length is not said, not even in the log: it narrows the secret down.
            return Err(self.error(
                SECRET_BINDING,
                "secret",
                format!(
                    "is shorter than {} needs (at least {need} bytes, RFC 7518 §3.2); \
                     `openssl rand -base64 {need}` or `jwt-session keygen --alg {}` prints a good one",
                    self.algorithm, self.algorithm
                ),
            ));
        }
        let mut keys = KeyRing::new(&self.secret)?;
        for old in &self.previous {
            keys = keys
                .with_previous(old)
                .map_err(|e| self.error(PREVIOUS_SECRETS_BINDING, "previous_secret", e.message().to_owned()))?;
        }
        let algorithms = self.algorithms.clone().unwrap_or_else(|| vec![self.algorithm]);
        if !algorithms.contains(&self.algorithm) {
            return Err(self.error(
                "JWT_SESSION_ALGORITHMS",
                "allowed_algorithms",
                format!("the signing algorithm {} must be among the accepted ones", self.algorithm),
            ));
        }
        if self.max_age.as_secs() == 0 {
            return Err(self.error("JWT_SESSION_MAX_AGE", "max_age", "must be at least 1 second".to_owned()));
        }
        let refresh_after = self.refresh_after.unwrap_or(self.max_age / 4);
        if refresh_after > self.max_age {
            return Err(self.error(
                "JWT_SESSION_REFRESH_AFTER",
                "refresh_after",
                format!(
                    "({} s) must not exceed max_age ({} s): the token would expire before it is refreshed",
                    refresh_after.as_secs(),
                    self.max_age.as_secs()
                ),
            ));
        }
        let mut cookie = self.cookie.clone();
        cookie.http_only = self.http_only.unwrap_or(cookie.mode == Mode::Encrypted);
        cookie.validate().map_err(|e| {
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
            // A reassembled session can never be longer than its chunks; the browser's
            // readSession derives the same bound from its `maxChunks`.
            max_token_bytes: self.cookie.max_chunks.saturating_mul(MAX_COOKIE_BYTES),
        };
        let trusted_origins = self
            .trusted_origins
            .iter()
            .map(|o| trusted_origin(o))
            .collect::<Result<Vec<_>, Error>>()
            .map_err(|e| self.error("JWT_SESSION_TRUSTED_ORIGINS", "trusted_origins", e.message().to_owned()))?;
        let claim = self.revocation.user_claim.as_str();
        if claim.is_empty() || crate::claims::RESERVED_CLAIMS.contains(&claim) {
            return Err(self.error(
                "JWT_SESSION_USER_CLAIM",
                "user_claim",
                format!("must name a claim of the session's data, not {claim:?}"),
            ));
        }
        if self.revocation.binding.as_deref().is_some_and(|b| b.trim().is_empty()) {
            return Err(self.error(
                REVOCATION_KV_BINDING,
                "revocation_kv",
                "must name a KV namespace binding".to_owned(),
            ));
        }
        Ok(JwtSessions {
            revocation: self.revocation.clone(),
            keys,
            algorithm: self.algorithm,
            validation,
            csrf: CsrfOptions { enabled: self.csrf, trusted_origins },
            lifetime: Lifetime { max_age: self.max_age, refresh_after, absolute_lifetime: self.absolute_lifetime },
            cookie,
        })
    }

    /// A configuration error about one option, named as the caller knows it: the binding (and
    /// [`Error::binding`]) when built from a Worker's bindings, the builder method otherwise.
    fn error(&self, binding: &'static str, method: &'static str, message: String) -> Error {
        if self.binding_names {
            Error::config(format!("{binding} {message}")).with_binding(binding)
        } else {
            Error::config(format!("{method} {message}"))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

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
            assert_eq!(err.binding(), Some(name), "{err}");
        }
        let short = JwtSessions::from_vars(|n| (n == SECRET_BINDING).then(|| "short".to_string())).unwrap_err();
        assert!(short.message().contains(SECRET_BINDING) && !short.message().contains("short\""), "{short}");
        assert!(!short.message().contains("5 bytes"), "the secret's length is never said: {short}");
        assert_eq!(short.binding(), Some(SECRET_BINDING));
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

    #[test]
    fn every_binding_is_unique_and_named_after_its_js_option() {
        for (i, s) in SETTINGS.iter().enumerate() {
            assert!(SETTINGS[..i].iter().all(|t| t.binding != s.binding && t.js_name != s.js_name && t.opt != s.opt));
            // camelCase of the binding's tail: JWT_SESSION_MAX_AGE -> maxAge.
            let tail = s.binding.strip_prefix("JWT_SESSION_").unwrap().to_ascii_lowercase();
            let mut words = tail.split('_');
            let camel: String = words
                .next()
                .into_iter()
                .map(str::to_owned)
                .chain(words.map(|w| w[..1].to_ascii_uppercase() + &w[1..]))
                .collect();
            assert_eq!(s.js_name, camel, "{}", s.binding);
        }
    }

    #[test]
    fn the_table_defaults_are_the_defaults_in_force() {
        let built = JwtSessions::from_vars(|n| (n == SECRET_BINDING).then(|| SECRET.to_string())).unwrap();
        let default_of = |opt: Opt| SETTINGS.iter().find(|s| s.opt == opt).unwrap().default_text().trim_matches('`');
        assert_eq!(default_of(Opt::MaxAge), built.lifetime().max_age.as_secs().to_string());
        assert_eq!(default_of(Opt::Leeway), built.validation().leeway_secs.to_string());
        assert_eq!(default_of(Opt::MaxChunks), built.cookie_options().max_chunks.to_string());
        assert_eq!(default_of(Opt::Cookie), built.cookie_options().name);
        assert_eq!(default_of(Opt::Path), built.cookie_options().path.as_deref().unwrap());
        assert_eq!(default_of(Opt::Algorithm), built.algorithm().as_str());
        assert_eq!(default_of(Opt::SameSite), built.cookie_options().same_site.unwrap().as_str());
        assert_eq!(default_of(Opt::HttpOnly), built.cookie_options().http_only.to_string());
        assert_eq!(default_of(Opt::Partitioned), built.cookie_options().partitioned.to_string());
        assert_eq!(default_of(Opt::AllowLegacy), (!built.validation().require_exp).to_string());
        assert_eq!(built.lifetime().absolute_lifetime, None);
        assert_eq!(built.lifetime().refresh_after, built.lifetime().max_age / 4);
    }
}
