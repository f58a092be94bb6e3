//! The engine behind the npm entries `worker-jwt-session/worker` and `worker-jwt-session/hono`
//! (feature `js-worker`): the same [`JwtSessions`] as the Rust middleware, driven from
//! JavaScript with one call per request direction. It only translates: every decision is the
//! engine's.
//!
//! - [`configure`] builds from the `JWT_SESSION_*` settings; a configuration error is returned
//!   as the engine's [`Answer`] (status, body, code, log line), never thrown.
//! - [`Engine::load`] gives the session's JSON, its id and the log line of a rejected cookie.
//! - [`Engine::commit`] takes the handler's changes by key (each changed key with its new JSON,
//!   the removed keys, the flags), applies them through the [`Session`]'s own methods and
//!   returns the engine's plan. Keys the handler did not change keep the exact JSON value they
//!   came in with (integers above 2^53, float digits, key order). It never throws: every error
//!   becomes [`Answer::for_error`] in the plan.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::claims::RESERVED_CLAIMS;
use crate::config::SETTINGS;
use crate::engine::{rejected_log, Answer, Changes, JwtSessions, Plan, RequestInfo, ResponseInfo, Scheme};
use crate::error::{Error, ErrorCode};
use crate::session::{Session, MAX_VALUE_DEPTH};

/// Seconds since the Unix epoch from JavaScript's `Date.now() / 1000`.
fn secs(now: f64) -> u64 {
    // `as` saturates; NaN becomes 0, which is a time every token is after.
    now as u64
}

/// The option table ([`SETTINGS`]) for the JS wrapper, as a JSON array of
/// `{"binding", "jsName"}` objects in the table's order: js/worker.js maps its
/// options' names to bindings with it.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::js_worker::option_table;
/// // js/worker.js reads it to map `{ maxAge: 600 }` to `JWT_SESSION_MAX_AGE`.
/// let table = option_table();
/// assert!(table.starts_with(r#"[{"binding":"JWT_SESSION_SECRET","jsName":"secret"}"#));
/// ```
#[wasm_bindgen(js_name = optionTable)]
pub fn option_table() -> String {
    let rows: Vec<Value> =
        SETTINGS.iter().map(|s| serde_json::json!({ "binding": s.binding, "jsName": s.js_name })).collect();
    Value::Array(rows).to_string()
}

/// Claim names a handler cannot set (`iat`, `exp`, `nbf`, `orig_iat`, `sid`).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{claims::RESERVED_CLAIMS, js_worker::reserved_claims};
/// assert_eq!(reserved_claims(), RESERVED_CLAIMS);
/// ```
#[wasm_bindgen(js_name = reservedClaims)]
pub fn reserved_claims() -> Vec<String> {
    RESERVED_CLAIMS.iter().map(|s| (*s).to_owned()).collect()
}

/// How deep a session value may nest ([`MAX_VALUE_DEPTH`]): `set` refuses deeper values.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{js_worker::max_value_depth, session::MAX_VALUE_DEPTH};
/// assert_eq!(usize::try_from(max_value_depth()).ok(), Some(MAX_VALUE_DEPTH));
/// ```
#[wasm_bindgen(js_name = maxValueDepth)]
pub fn max_value_depth() -> u32 {
    u32::try_from(MAX_VALUE_DEPTH).unwrap_or(u32::MAX)
}

/// The engine's answer to an unknown option name in `withJwtSession(handler, options)` or
/// `jwtSession(options)`: a configuration error, answered like any other.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::js_worker::unknown_option_answer;
/// let answer = unknown_option_answer("maxAgee");
/// assert_eq!((answer.status(), answer.code()), (500, "config".to_string()));
/// // The typo is named in the log only: the body never echoes configuration.
/// assert!(answer.log().contains("maxAgee") && !answer.body().contains("maxAgee"));
/// ```
#[wasm_bindgen(js_name = unknownOptionAnswer)]
pub fn unknown_option_answer(name: &str) -> JsAnswer {
    let err = Error::new(
        ErrorCode::Config,
        format!("unknown option `{name}`: the options are the camelCase of the JWT_SESSION_* bindings"),
    );
    JsAnswer::from(Answer::for_error(&err))
}

/// The engine's answer when the session cannot even be handed to the engine: the handler left
/// a value that JavaScript cannot serialize (a cycle, a BigInt) in the session, through a
/// reference it got from `get()`. `reason` is the JS exception's message, for the log only.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::js_worker::unsaved_answer;
/// let answer = unsaved_answer("Do not know how to serialize a BigInt");
/// assert_eq!(answer.code(), "bad_json");
/// assert_eq!(answer.body(), "Internal Server Error: the session could not be saved\n");
/// assert!(answer.log().contains("BigInt"));
/// ```
#[wasm_bindgen(js_name = unsavedAnswer)]
pub fn unsaved_answer(reason: &str) -> JsAnswer {
    let err = Error::new(ErrorCode::BadJson, format!("the session data is not JSON ({reason})"));
    JsAnswer::from(Answer::for_error(&err))
}

/// What to answer instead of the handler's response ([`Answer`]).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::js_worker::configure;
/// let answer = configure(r#"{"JWT_SESSION_SECRET": "short"}"#).take_answer();
/// // Everything the JS glue needs to build the Response, without throwing.
/// assert_eq!(answer.map(|a| (a.status(), a.code())), Some((500, "config".to_string())));
/// ```
#[wasm_bindgen]
pub struct JsAnswer {
    answer: Answer,
}

impl From<Answer> for JsAnswer {
    fn from(answer: Answer) -> Self {
        JsAnswer { answer }
    }
}

#[wasm_bindgen]
impl JsAnswer {
    /// The status (500).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::js_worker::unknown_option_answer;
    /// assert_eq!(unknown_option_answer("maxAgee").status(), 500);
    /// ```
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> u16 {
        self.answer.status
    }

    /// The body: names at most a binding, never a secret, a length, a token or a stack.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::js_worker::configure;
    /// let answer = configure(r#"{"JWT_SESSION_SECRET": "short"}"#).take_answer();
    /// // Names the binding to fix, never its value.
    /// let body = answer.map(|a| a.body()).unwrap_or_default();
    /// assert_eq!(body, "Server misconfigured: check JWT_SESSION_SECRET (details in the Worker's log)\n");
    /// ```
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.answer.body.clone()
    }

    /// The body's `Content-Type`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::js_worker::unknown_option_answer;
    /// assert_eq!(unknown_option_answer("maxAgee").content_type(), "text/plain; charset=utf-8");
    /// ```
    #[wasm_bindgen(getter, js_name = contentType)]
    pub fn content_type(&self) -> String {
        Answer::CONTENT_TYPE.to_owned()
    }

    /// The error's code (`config`, `too_large`, `bad_json`, …).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::js_worker::configure;
    /// let answer = configure(r#"{"JWT_SESSION_SECRET": "short"}"#).take_answer();
    /// // The same code as `Error::code` in Rust and `error.code` in the JS package.
    /// assert_eq!(answer.map(|a| a.code()).as_deref(), Some("config"));
    /// ```
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> String {
        self.answer.code.as_str().to_owned()
    }

    /// The line for the Worker's error log.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::js_worker::unsaved_answer;
    /// let log = unsaved_answer("cyclic object value").log();
    /// assert_eq!(log, "worker-jwt-session: session not saved: bad_json: the session data is not JSON (cyclic object value)");
    /// ```
    #[wasm_bindgen(getter)]
    pub fn log(&self) -> String {
        self.answer.log.clone()
    }
}

/// What [`configure`] gives: an engine, or the answer to a configuration error.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::js_worker::configure;
/// let mut setup = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#);
/// // One or the other, never both.
/// assert!(setup.take_answer().is_none());
/// assert!(setup.take_engine().is_some());
/// ```
#[wasm_bindgen]
pub struct Setup {
    engine: Option<Engine>,
    answer: Option<JsAnswer>,
}

#[wasm_bindgen]
impl Setup {
    /// The engine, once (`undefined` after a configuration error).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::js_worker::configure;
    /// let mut setup = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#);
    /// assert!(setup.take_engine().is_some());
    /// // Moved out to JavaScript: a second take finds nothing.
    /// assert!(setup.take_engine().is_none());
    /// ```
    #[wasm_bindgen(js_name = takeEngine)]
    pub fn take_engine(&mut self) -> Option<Engine> {
        self.engine.take()
    }

    /// The answer to the configuration error, once (`undefined` when configured).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::js_worker::configure;
    /// let mut setup = configure(r#"{"JWT_SESSION_SECRET": "short"}"#);
    /// assert!(setup.take_engine().is_none());
    /// assert_eq!(setup.take_answer().map(|a| a.code()).as_deref(), Some("config"));
    /// ```
    #[wasm_bindgen(js_name = takeAnswer)]
    pub fn take_answer(&mut self) -> Option<JsAnswer> {
        self.answer.take()
    }
}

/// Builds the engine from settings named as the Worker bindings (`JWT_SESSION_SECRET`, …),
/// given as a JSON object of strings (`null` or absent: unset), as
/// [`JwtSessions::from_vars`] reads them. Never throws: a configuration error (or settings
/// that are not a JSON object) gives [`Setup::take_answer`].
///
/// # Examples
///
/// ```
/// use worker_jwt_session::js_worker::configure;
/// // Numbers are taken as their text, `null` as unset, as JS options may hold them.
/// let settings = r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!", "JWT_SESSION_MAX_AGE": 600, "JWT_SESSION_DOMAIN": null}"#;
/// assert!(configure(settings).take_engine().is_some());
/// // Never a throw: settings that are not an object are a configuration error like any other.
/// assert_eq!(configure("[]").take_answer().map(|a| a.code()).as_deref(), Some("config"));
/// ```
#[wasm_bindgen]
pub fn configure(settings_json: &str) -> Setup {
    let built = serde_json::from_str::<serde_json::Map<String, Value>>(settings_json)
        .map_err(|_| Error::new(ErrorCode::Config, "the settings must be a JSON object"))
        .and_then(|settings| {
            JwtSessions::from_vars(|name| match settings.get(name) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Null) | None => None,
                Some(other) => Some(other.to_string()),
            })
        });
    match built {
        Ok(sessions) => Setup { engine: Some(Engine { sessions }), answer: None },
        Err(err) => Setup { engine: None, answer: Some(Answer::for_error(&err).into()) },
    }
}

/// A configured engine: build once per isolate (the JS glue caches it per `env`).
///
/// # Examples
///
/// ```
/// # use worker_jwt_session::{Error, ErrorCode};
/// use worker_jwt_session::js_worker::{configure, ACCESSED};
/// let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
///     .take_engine()
///     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
/// let now = 1_700_000_000.0;
/// // One call on the way in, one on the way out, as js/worker.js makes them.
/// let loaded = engine.load(None, "GET", "https://app.example/", None, None, None, now);
/// let (keys, values) = (vec!["counter".into()], vec!["1".into()]);
/// let plan = engine.commit(&loaded, keys, values, vec![], ACCESSED, "https://example.com/", 200, None, now);
/// assert!(plan.answer().is_none());
/// assert!(plan.headers().iter().any(|h| h.starts_with("jwtsession=eyJ")));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[wasm_bindgen]
pub struct Engine {
    sessions: JwtSessions,
}

/// What came in with a request, kept until the commit.
///
/// # Examples
///
/// ```
/// # use worker_jwt_session::{Error, ErrorCode};
/// # use worker_jwt_session::js_worker::configure;
/// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
/// #     .take_engine()
/// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
/// let loaded = engine.load(Some("theme=dark; jwtsession=a.b.c".into()), "GET", "https://app.example/", None, None, None, 1_700_000_000.0);
/// // A cookie that fails gives an empty session and a code to log, never an exception.
/// assert_eq!(loaded.json(), "{}");
/// assert_eq!(loaded.rejected().as_deref(), Some("bad_base64"));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[wasm_bindgen]
pub struct Loaded {
    session: Session,
    refused: Option<Answer>,
}

/// `[]` for success, `[code, message]` for an error: what `revoke()` and `revokeAll()` throw
/// as a `SessionError`.
fn outcome(result: Result<(), Error>) -> Vec<String> {
    match result {
        Ok(()) => Vec::new(),
        Err(err) => vec![err.code().as_str().to_owned(), err.message().to_owned()],
    }
}

#[wasm_bindgen]
impl Loaded {
    /// The session's data as a JSON object text (the glue `JSON.parse`s it when the handler
    /// first reads the session).
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// # let first = engine.load(None, "GET", "https://app.example/", None, None, None, 1_700_000_000.0);
    /// # let url = "https://example.com/";
    /// # let plan = engine.commit(&first, vec!["a".into()], vec!["1".into()], vec![], 1, url, 200, None, 1_700_000_000.0);
    /// # let cookie = plan.headers().into_iter().find(|h| h.starts_with("jwtsession=")).and_then(|h| h.split(';').next().map(str::to_owned));
    /// // `cookie` holds a session saved with `a` = 1.
    /// let loaded = engine.load(cookie, "GET", "https://app.example/", None, None, None, 1_700_000_001.0);
    /// assert_eq!(loaded.json(), r#"{"a":1}"#);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        // The snapshot does not count as a read by the handler (that would add `Vary`).
        serde_json::to_string(&self.session.snapshot().data).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The session's id (`sid`), if the request carried a valid session.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// # let first = engine.load(None, "GET", "https://app.example/", None, None, None, 1_700_000_000.0);
    /// # let url = "https://example.com/";
    /// # let plan = engine.commit(&first, vec!["a".into()], vec!["1".into()], vec![], 1, url, 200, None, 1_700_000_000.0);
    /// # let cookie = plan.headers().into_iter().find(|h| h.starts_with("jwtsession=")).and_then(|h| h.split(';').next().map(str::to_owned));
    /// assert_eq!(engine.load(None, "GET", "https://app.example/", None, None, None, 1_700_000_000.0).sid(), None);
    /// // `cookie` holds a saved session, which got its id when it was first saved.
    /// assert_eq!(engine.load(cookie, "GET", "https://app.example/", None, None, None, 1_700_000_001.0).sid().map(|id| id.len()), Some(22));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter)]
    pub fn sid(&self) -> Option<String> {
        // What the request came with (after the revocation check), whatever regenerate() did.
        let snap = self.session.snapshot();
        snap.loaded_sid.filter(|_| matches!(snap.origin, crate::policy::Origin::Valid { .. }))
    }

    /// The code of the session cookie that failed verification, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// let loaded = engine.load(Some("jwtsession=a.b.c".into()), "GET", "https://app.example/", None, None, None, 1_700_000_000.0);
    /// assert_eq!(loaded.rejected().as_deref(), Some("bad_base64"));
    /// assert_eq!(engine.load(None, "GET", "https://app.example/", None, None, None, 1_700_000_000.0).rejected(), None);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter)]
    pub fn rejected(&self) -> Option<String> {
        self.session.rejected().map(|c| c.as_str().to_owned())
    }

    /// The log line for the rejected cookie ([`rejected_log`]), if any: the code, never the cookie.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// let loaded = engine.load(Some("jwtsession=a.b.c".into()), "GET", "https://app.example/", None, None, None, 1_700_000_000.0);
    /// let log = loaded.rejected_log();
    /// assert_eq!(log.as_deref(), Some("worker-jwt-session: session cookie rejected: bad_base64"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter, js_name = rejectedLog)]
    pub fn rejected_log(&self) -> Option<String> {
        self.session.rejected().map(rejected_log)
    }

    /// The engine's answer when the request is refused before the handler runs (CSRF
    /// protection: a 403 with code `csrf`); the handler must not run then.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// let settings = r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!", "JWT_SESSION_CSRF": "on"}"#;
    /// # let engine = configure(settings).take_engine().ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// let evil = Some("https://evil.example".to_string());
    /// let loaded = engine.load(None, "POST", "https://app.example/", evil, None, None, 1_700_000_000.0);
    /// assert_eq!(loaded.refused().map(|a| a.status()), Some(403));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter)]
    pub fn refused(&self) -> Option<JsAnswer> {
        self.refused.clone().map(JsAnswer::from)
    }

    /// Starts a new session now ([`Session::regenerate`]) and gives its new id, so that
    /// `session.id` shows it at once (`undefined` without a random generator; the commit then
    /// answers the failure).
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// let loaded = engine.load(None, "GET", "https://app.example/", None, None, None, 1_700_000_000.0);
    /// let id = loaded.regenerate();
    /// assert_eq!(id.as_ref().map(|id| id.len()), Some(22));
    /// // `sid` keeps telling what the request came with.
    /// assert_eq!(loaded.sid(), None);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn regenerate(&self) -> Option<String> {
        self.session.regenerate();
        self.session.id()
    }

    /// [`Session::revoke`]: `[]`, or `[code, message]`.
    pub fn revoke(&self) -> Vec<String> {
        outcome(self.session.revoke())
    }

    /// [`Session::revoke_all`] for the handler's current data (JSON text): `[]`, or
    /// `[code, message]`.
    #[wasm_bindgen(js_name = revokeAll)]
    pub fn revoke_all(&self, data_json: &str) -> Vec<String> {
        let data = serde_json::from_str::<serde_json::Map<String, Value>>(data_json)
            .map_err(|e| Error::new(ErrorCode::BadJson, format!("the session data is not JSON ({e})")));
        outcome(data.and_then(|data| self.session.revoke_all_of(&data)))
    }
}

/// The engine's plan for the response ([`Plan`]).
///
/// # Examples
///
/// ```
/// # use worker_jwt_session::{Error, ErrorCode};
/// # use worker_jwt_session::js_worker::configure;
/// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
/// #     .take_engine()
/// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
/// # use worker_jwt_session::js_worker::ACCESSED;
/// let (now, url) = (1_700_000_000.0, "https://example.com/");
/// let loaded = engine.load(None, "GET", "https://app.example/", None, None, None, now);
/// let plan = engine.commit(&loaded, vec!["exp".into()], vec!["0".into()], vec![], ACCESSED, url, 200, None, now);
/// // The handler's mistake becomes the engine's answer, not a thrown exception.
/// assert_eq!(plan.answer().map(|a| a.code()).as_deref(), Some("reserved_claim"));
/// assert!(plan.headers().is_empty());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[wasm_bindgen]
pub struct JsPlan {
    plan: Plan,
}

#[wasm_bindgen]
impl JsPlan {
    /// The headers to append, in order, flat: `[name, value, name, value, …]` (`Vary: Cookie`
    /// at most once, then each `Set-Cookie` as its own header). Empty when [`JsPlan::answer`]
    /// is set.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// # use worker_jwt_session::js_worker::ACCESSED;
    /// let (now, url) = (1_700_000_000.0, "https://example.com/");
    /// let loaded = engine.load(None, "GET", "https://app.example/", None, None, None, now);
    /// let plan = engine.commit(&loaded, vec!["a".into()], vec!["1".into()], vec![], ACCESSED, url, 200, None, now);
    /// // Flat, so that one array crosses to JavaScript; the names are every other item.
    /// let names: Vec<String> = plan.headers().into_iter().step_by(2).collect();
    /// assert_eq!(names, ["Vary", "Set-Cookie"]);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter)]
    pub fn headers(&self) -> Vec<String> {
        self.plan.headers.iter().flat_map(|(name, value)| [(*name).to_owned(), value.clone()]).collect()
    }

    /// The answer that replaces the handler's response, when the session cannot be saved.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// # use worker_jwt_session::js_worker::ACCESSED;
    /// let (now, url) = (1_700_000_000.0, "https://example.com/");
    /// let loaded = engine.load(None, "GET", "https://app.example/", None, None, None, now);
    /// let plan = engine.commit(&loaded, vec!["d".into()], vec!["not json".into()], vec![], ACCESSED, url, 200, None, now);
    /// assert_eq!(plan.answer().map(|a| (a.status(), a.code())), Some((500, "bad_json".to_string())));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter)]
    pub fn answer(&self) -> Option<JsAnswer> {
        self.plan.answer.clone().map(JsAnswer::from)
    }

    /// A line for the log (the response is unchanged by it).
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// # use worker_jwt_session::js_worker::ACCESSED;
    /// let (now, url) = (1_700_000_000.0, "https://example.com/");
    /// let loaded = engine.load(None, "GET", "https://app.example/", None, None, None, now);
    /// let big = format!("\"{}\"", "x".repeat(8000));
    /// let plan = engine.commit(&loaded, vec!["notes".into()], vec![big], vec![], ACCESSED, url, 200, None, now);
    /// // Saved, but past what some clients send back: the log says so.
    /// assert!(plan.answer().is_none());
    /// assert!(plan.warning().is_some_and(|w| w.contains("store less in the session")));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter)]
    pub fn warning(&self) -> Option<String> {
        self.plan.warning.clone()
    }

    /// The revocation writes to make before answering, flat: `[key, value, ttlSecs, …]`.
    #[wasm_bindgen(getter)]
    pub fn writes(&self) -> Vec<String> {
        self.plan
            .writes
            .iter()
            .flat_map(|w| [w.key.clone(), w.value.clone(), w.expiration_ttl_secs.to_string()])
            .collect()
    }
}

/// Bit flags of [`Engine::commit`]: the handler read or changed the session.
///
/// # Examples
///
/// ```
/// # use worker_jwt_session::{Error, ErrorCode};
/// # use worker_jwt_session::js_worker::configure;
/// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
/// #     .take_engine()
/// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
/// use worker_jwt_session::js_worker::ACCESSED;
/// let (now, url) = (1_700_000_000.0, "https://example.com/");
/// // A handler that read the session: the response varies on `Cookie`, so no cache shares it.
/// let plan = engine.commit(&engine.load(None, "GET", "https://app.example/", None, None, None, now), vec![], vec![], vec![], ACCESSED, url, 200, None, now);
/// assert_eq!(plan.headers(), ["Vary", "Cookie"]);
/// let plan = engine.commit(&engine.load(None, "GET", "https://app.example/", None, None, None, now), vec![], vec![], vec![], 0, url, 200, None, now);
/// assert!(plan.headers().is_empty());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const ACCESSED: u32 = 1;
/// The handler called `destroy()` (after any `regenerate()`).
///
/// # Examples
///
/// ```
/// # use worker_jwt_session::{Error, ErrorCode};
/// # use worker_jwt_session::js_worker::configure;
/// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
/// #     .take_engine()
/// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
/// # let first = engine.load(None, "GET", "https://app.example/", None, None, None, 1_700_000_000.0);
/// # let url = "https://example.com/";
/// # let plan = engine.commit(&first, vec!["a".into()], vec!["1".into()], vec![], 1, url, 200, None, 1_700_000_000.0);
/// # let cookie = plan.headers().into_iter().find(|h| h.starts_with("jwtsession=")).and_then(|h| h.split(';').next().map(str::to_owned));
/// use worker_jwt_session::js_worker::{ACCESSED, DESTROYED};
/// // `cookie` holds a saved session; destroying it expires that cookie in the browser.
/// let loaded = engine.load(cookie, "GET", "https://app.example/", None, None, None, 1_700_000_001.0);
/// let flags = ACCESSED | DESTROYED;
/// let plan = engine.commit(&loaded, vec![], vec![], vec![], flags, url, 200, None, 1_700_000_001.0);
/// assert!(plan.headers().iter().any(|h| h.starts_with("jwtsession=;") && h.contains("Max-Age=0")));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const DESTROYED: u32 = 2;

#[wasm_bindgen]
impl Engine {
    /// The cookie name in force.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// // What the glue looks for in `Cookie` (the default unless `cookie` is set).
    /// assert_eq!(engine.cookie_name(), "jwtsession");
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[wasm_bindgen(getter, js_name = cookieName)]
    pub fn cookie_name(&self) -> String {
        self.sessions.cookie_options().name.clone()
    }

    /// Reads the session of a request at `now_secs` (seconds), from its `Cookie` header, and
    /// checks an unsafe request when CSRF protection is on (`method`, `url`, and the `Origin`,
    /// `Sec-Fetch-Site` and `X-CSRF-Token` headers): see [`JwtSessions::load_request`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// // `Date.now() / 1000` from JavaScript: fractions of a second are dropped.
    /// let loaded = engine.load(Some("theme=dark".into()), "GET", "https://app.example/", None, None, None, 1_700_000_000.25);
    /// assert_eq!((loaded.json(), loaded.rejected()), ("{}".to_string(), None));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn load(
        &self,
        cookie_header: Option<String>,
        method: &str,
        url: &str,
        origin: Option<String>,
        sec_fetch_site: Option<String>,
        csrf_token: Option<String>,
        now_secs: f64,
    ) -> Loaded {
        let req = RequestInfo {
            cookie: cookie_header.as_deref(),
            method,
            url,
            origin: origin.as_deref(),
            sec_fetch_site: sec_fetch_site.as_deref(),
            csrf_token: csrf_token.as_deref(),
        };
        match self.sessions.load_request(&req, secs(now_secs)) {
            Ok(session) => Loaded { session, refused: None },
            Err(answer) => Loaded { session: Session::new(), refused: Some(answer) },
        }
    }

    /// The KV namespace binding revocation uses, when it is on.
    #[wasm_bindgen(getter, js_name = revocationBinding)]
    pub fn revocation_binding(&self) -> Option<String> {
        self.sessions.revocation_binding().map(str::to_owned)
    }

    /// The engine's answer for a Worker without the KV binding revocation names.
    #[wasm_bindgen(js_name = missingBindingAnswer)]
    pub fn missing_binding_answer(&self) -> JsAnswer {
        Answer::for_error(&self.sessions.revocation_binding_missing()).into()
    }

    /// The keys to read from the revocation namespace before the handler runs (none without a
    /// verified session, or with revocation off).
    pub fn lookups(&self, loaded: &Loaded) -> Vec<String> {
        self.sessions.revocation_lookups(&loaded.session)
    }

    /// Hands the engine what the revocation namespace holds under [`Engine::lookups`]' keys
    /// (`found_json`: a JSON array, a string or null per key) or why reading failed (`error`);
    /// returns the line to log, if any.
    pub fn resolve(&self, loaded: &Loaded, found_json: Option<String>, error: Option<String>) -> Option<String> {
        let found = match (error, found_json) {
            (Some(error), _) => Err(error),
            (None, Some(json)) => serde_json::from_str::<Vec<Option<String>>>(&json)
                .map_err(|_| "the store's answer is not a list of strings".to_owned()),
            (None, None) => Err("no answer from the store".to_owned()),
        };
        self.sessions.resolve_revocation(&loaded.session, found.as_deref().map_err(String::as_str))
    }

    /// The engine's answer when a revocation write failed.
    #[wasm_bindgen(js_name = revocationFailed)]
    pub fn revocation_failed(&self, reason: &str) -> JsAnswer {
        self.sessions.revocation_failed(reason).into()
    }

    /// Applies the handler's changes and gives the engine's plan for the response.
    ///
    /// `set_keys[i]` gets the value whose JSON text is `set_values[i]`, each through
    /// [`Session::insert`] (an equal value is no change); `removed` are
    /// [`Session::remove_value`]d; `flags` is a bit set of [`ACCESSED`] and [`DESTROYED`] (a
    /// regeneration was applied at once by [`Loaded::regenerate`]). `url` is the request's
    /// (its scheme decides `Secure` in the automatic mode); `status` and `vary` are the
    /// response's. Never throws: a reserved name, a value that is not JSON or nests too deep,
    /// or a session too large gives the plan's answer.
    ///
    /// # Examples
    ///
    /// ```
    /// # use worker_jwt_session::{Error, ErrorCode};
    /// # use worker_jwt_session::js_worker::configure;
    /// # let engine = configure(r#"{"JWT_SESSION_SECRET": "a secret of at least thirty-two bytes!!"}"#)
    /// #     .take_engine()
    /// #     .ok_or_else(|| Error::new(ErrorCode::Config, "not configured"))?;
    /// use worker_jwt_session::js_worker::ACCESSED;
    /// let (now, url) = (1_700_000_000.0, "https://example.com/");
    /// let set = || (vec!["cart".to_string()], vec![r#"["pear"]"#.to_string()]);
    /// let (keys, values) = set();
    /// let plan = engine.commit(&engine.load(None, "GET", "https://app.example/", None, None, None, now), keys, values, vec![], ACCESSED, url, 200, None, now);
    /// assert!(plan.headers().iter().any(|h| h.starts_with("jwtsession=eyJ")));
    /// // A 5xx commits nothing: the handler failed, and its changes go with the rest of its work.
    /// let (keys, values) = set();
    /// let plan = engine.commit(&engine.load(None, "GET", "https://app.example/", None, None, None, now), keys, values, vec![], ACCESSED, url, 500, None, now);
    /// assert!(!plan.headers().iter().any(|h| h == "Set-Cookie"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &self,
        loaded: &Loaded,
        set_keys: Vec<String>,
        set_values: Vec<String>,
        removed: Vec<String>,
        flags: u32,
        url: &str,
        status: u16,
        vary: Option<String>,
        now_secs: f64,
    ) -> JsPlan {
        if set_keys.len() != set_values.len() {
            let err = Error::new(ErrorCode::BadJson, "the changes name a different number of keys and values");
            return JsPlan { plan: Plan::failure(&err) };
        }
        let changes = Changes {
            set: set_keys.into_iter().zip(set_values).collect(),
            removed,
            destroyed: flags & DESTROYED != 0,
            accessed: flags & ACCESSED != 0,
        };
        let response = ResponseInfo { status, vary: vary.as_deref() };
        JsPlan {
            plan: self.sessions.commit_changes(
                &loaded.session,
                changes,
                &response,
                secs(now_secs),
                Scheme::of_url(url),
            ),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::b64::b64_encode;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const T0: f64 = 1_700_000_000.0;
    const URL: &str = "https://example.com/";

    fn engine() -> Engine {
        let mut setup = configure(&serde_json::json!({ "JWT_SESSION_SECRET": SECRET }).to_string());
        setup.take_engine().expect("configured")
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn payload_text(plan: &JsPlan) -> String {
        let headers = plan.headers();
        let cookie = headers.iter().find(|h| h.starts_with("jwtsession=")).expect("a session cookie");
        let token = cookie.split(';').next().unwrap().trim_start_matches("jwtsession=");
        let payload = token.split('.').nth(1).unwrap();
        String::from_utf8(crate::b64::decode_segment(payload).unwrap()).unwrap()
    }

    /// A cookie signed outside the engine, with exactly this payload text.
    fn cookie_with_payload(payload: &str) -> String {
        use hmac::{KeyInit, Mac};
        let signing_input =
            format!("{}.{}", b64_encode(br#"{"alg":"HS256","typ":"JWT"}"#), b64_encode(payload.as_bytes()));
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
        mac.update(signing_input.as_bytes());
        format!("jwtsession={signing_input}.{}", b64_encode(&mac.finalize().into_bytes()))
    }

    #[test]
    fn a_config_error_is_an_answer_not_a_throw() {
        let mut setup = configure(r#"{"JWT_SESSION_SECRET":"short"}"#);
        assert!(setup.take_engine().is_none());
        let answer = setup.take_answer().expect("an answer");
        assert_eq!((answer.status(), answer.code().as_str()), (500, "config"));
        assert!(answer.body().contains("check JWT_SESSION_SECRET"));
        assert!(answer.log().starts_with("worker-jwt-session: misconfigured: config: "));
        assert!(unknown_option_answer("maxAgee").log().contains("maxAgee"));
    }

    #[test]
    fn the_option_table_follows_the_settings() {
        let table: Vec<Value> = serde_json::from_str(&option_table()).unwrap();
        assert_eq!(table.len(), SETTINGS.len());
        assert_eq!(table[0]["binding"], "JWT_SESSION_SECRET");
        assert_eq!(table[0]["jsName"], "secret");
    }

    #[test]
    fn untouched_values_go_out_exactly_as_they_came_in() {
        let e = engine();
        let now = T0 as u64;
        let cookie = cookie_with_payload(&format!(
            r#"{{"user_id":12345678901234567891,"price":1.25,"z":1,"a":2,"iat":{now},"exp":{}}}"#,
            now + 600
        ));
        let loaded = e.load(Some(cookie), "GET", "https://example.test/", None, None, None, T0);
        assert_eq!(loaded.rejected(), None);
        let plan = e.commit(&loaded, strings(&["counter"]), strings(&["1"]), vec![], ACCESSED, URL, 200, None, T0);
        assert!(plan.answer().is_none());
        assert!(
            payload_text(&plan).starts_with(r#"{"user_id":12345678901234567891,"price":1.25,"z":1,"a":2,"counter":1,"#)
        );
    }

    #[test]
    fn every_engine_error_at_commit_is_the_engines_answer() {
        let e = engine();
        let deep = format!("{}1{}", "[".repeat(MAX_VALUE_DEPTH + 1), "]".repeat(MAX_VALUE_DEPTH + 1));
        let deeper = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        for (key, text, code) in [
            ("exp", "1", "reserved_claim"),
            ("s", r#""\ud800""#, "bad_json"),
            ("d", deep.as_str(), "bad_json"),
            ("d", deeper.as_str(), "bad_json"),
            ("x", "undefined", "bad_json"),
        ] {
            let loaded = e.load(None, "GET", "https://example.test/", None, None, None, T0);
            let plan = e.commit(&loaded, strings(&[key]), vec![text.to_owned()], vec![], ACCESSED, URL, 200, None, T0);
            let answer = plan.answer().unwrap_or_else(|| panic!("{key}: an answer"));
            assert_eq!((answer.status(), answer.code().as_str()), (500, code), "{key}");
            assert_eq!(answer.body(), "Internal Server Error: the session could not be saved\n");
            assert!(plan.headers().is_empty());
        }
    }

    #[test]
    fn regenerate_gives_the_new_id_at_once_and_it_is_saved() {
        let e = engine();
        let loaded = e.load(None, "GET", "https://example.test/", None, None, None, T0);
        let id = loaded.regenerate().expect("an id");
        let plan = e.commit(&loaded, strings(&["user"]), strings(&[r#""ada""#]), vec![], ACCESSED, URL, 200, None, T0);
        assert!(payload_text(&plan).contains(&format!(r#""sid":"{id}""#)));
        assert_eq!(plan.headers()[..2], strings(&["Vary", "Cookie"])[..]);
    }

    #[test]
    fn a_removed_key_and_a_response_that_varies_already() {
        let e = engine();
        let loaded = e.load(None, "GET", "https://example.test/", None, None, None, T0);
        let plan = e.commit(&loaded, strings(&["a", "b"]), strings(&["1", "2"]), vec![], ACCESSED, URL, 200, None, T0);
        let jar = plan.headers()[3].split(';').next().unwrap().to_owned();
        let loaded = e.load(Some(jar), "GET", "https://example.test/", None, None, None, T0 + 1.0);
        assert_eq!(loaded.json(), r#"{"a":1,"b":2}"#);
        let plan = e.commit(&loaded, vec![], vec![], strings(&["a"]), ACCESSED, URL, 200, Some("Cookie".into()), T0);
        assert_eq!(plan.headers()[0], "Set-Cookie");
        assert!(payload_text(&plan).starts_with(r#"{"b":2,"#));
    }
}
