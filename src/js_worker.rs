//! The engine behind the npm entries `worker-jwt-session/worker` and `worker-jwt-session/hono`
//! (feature `js-worker`): the same [`JwtSessions`] as the Rust middleware, driven from
//! JavaScript with one call per request direction.
//!
//! The JS side keeps the session as a plain object while the handler runs; on the way out it
//! hands back the object's JSON only if the handler touched it, and this module decides
//! whether that is a change (an equal value stored again is not), applies the lifetime policy
//! and builds the `Set-Cookie` values. Errors cross as `Error` objects whose message starts
//! with the stable code (`"config: …"`); the JS glue turns that prefix into `error.code`.

use wasm_bindgen::prelude::*;

use crate::claims::RESERVED_CLAIMS;
use crate::config::JwtSessions;
use crate::error::{Error, ErrorCode};
use crate::jwt::Claims;
use crate::session::Session;

fn js_error(err: &Error) -> JsError {
    JsError::new(&err.to_string())
}

/// Seconds since the Unix epoch from JavaScript's `Date.now() / 1000`.
fn secs(now: f64) -> u64 {
    // `as` saturates; NaN becomes 0, which is a time every token is after.
    now as u64
}

/// A configured engine: build once per isolate (the JS glue caches it per `env`).
#[wasm_bindgen]
pub struct Engine {
    sessions: JwtSessions,
}

/// What came in with a request: the session's data as JSON, and why a cookie was rejected.
#[wasm_bindgen]
pub struct Loaded {
    session: Session,
    json: String,
    sid: Option<String>,
    rejected: Option<ErrorCode>,
}

#[wasm_bindgen]
impl Loaded {
    /// The session's data as a JSON object text (the glue `JSON.parse`s it).
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> String {
        self.json.clone()
    }

    /// The session's id (`sid`), if the request carried a valid session.
    #[wasm_bindgen(getter)]
    pub fn sid(&self) -> Option<String> {
        self.sid.clone()
    }

    /// The error code of the first session cookie that failed verification, if any.
    #[wasm_bindgen(getter)]
    pub fn rejected(&self) -> Option<String> {
        self.rejected.map(|c| c.as_str().to_string())
    }
}

/// What the response needs.
#[wasm_bindgen]
pub struct Outgoing {
    cookies: Vec<String>,
    vary: bool,
}

#[wasm_bindgen]
impl Outgoing {
    /// `Set-Cookie` values, each for its own header.
    #[wasm_bindgen(getter)]
    pub fn cookies(&self) -> Vec<String> {
        self.cookies.clone()
    }

    /// Whether to add `Vary: Cookie`.
    #[wasm_bindgen(getter)]
    pub fn vary(&self) -> bool {
        self.vary
    }
}

/// Bit flags the glue passes to [`Engine::commit`].
pub const ACCESSED: u32 = 1;
/// The handler called `destroy()`.
pub const DESTROYED: u32 = 2;
/// The handler called `regenerate()`.
pub const REGENERATED: u32 = 4;

#[wasm_bindgen]
impl Engine {
    /// Builds from settings named as the Worker bindings (`JWT_SESSION_SECRET`, …), given as a
    /// JSON object of strings.
    ///
    /// # Errors
    ///
    /// `config: …` naming the binding, as [`JwtSessions::from_vars`].
    #[wasm_bindgen(constructor)]
    pub fn new(settings_json: &str) -> Result<Engine, JsError> {
        let settings: serde_json::Map<String, serde_json::Value> = serde_json::from_str(settings_json)
            .map_err(|_| js_error(&Error::new(ErrorCode::Config, "settings must be a JSON object")))?;
        let lookup = |name: &str| match settings.get(name) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        JwtSessions::from_vars(lookup).map(|sessions| Engine { sessions }).map_err(|e| js_error(&e))
    }

    /// The cookie name in force.
    #[wasm_bindgen(getter, js_name = cookieName)]
    pub fn cookie_name(&self) -> String {
        self.sessions.cookie_options().name.clone()
    }

    /// The body of the 500 answer to a configuration error, as the Rust middleware writes it.
    #[wasm_bindgen(js_name = misconfiguredBody)]
    pub fn misconfigured_body(message: &str) -> String {
        crate::config::misconfigured_body(message)
    }

    /// Claim names a handler cannot set.
    #[wasm_bindgen(js_name = reservedClaims)]
    pub fn reserved_claims() -> Vec<String> {
        RESERVED_CLAIMS.iter().map(|s| s.to_string()).collect()
    }

    /// Reads the session from a request's `Cookie` header at `now` (seconds).
    pub fn load(&self, cookie_header: Option<String>, now: f64) -> Loaded {
        let session = self.sessions.load_cookie_header(cookie_header.as_deref(), secs(now));
        // The snapshot does not count as a read by the handler (that would add `Vary`).
        let snapshot = session.snapshot();
        let json = serde_json::to_string(&snapshot.data).unwrap_or_else(|_| "{}".to_string());
        Loaded { rejected: session.rejected(), session, json, sid: snapshot.sid }
    }

    /// Decides what goes out. `data_json` is the session object's JSON when the handler may
    /// have changed it, or `undefined` when it did not touch the data; `flags` is a bit set of
    /// [`ACCESSED`], [`DESTROYED`], [`REGENERATED`].
    ///
    /// # Errors
    ///
    /// `bad_json` for data that is not a JSON object, `reserved_claim` for a managed claim in
    /// it, `too_large` when the session does not fit in the configured cookies.
    pub fn commit(
        &self,
        loaded: &Loaded,
        data_json: Option<String>,
        flags: u32,
        https: bool,
        status: u16,
        now: f64,
    ) -> Result<Outgoing, JsError> {
        let session = &loaded.session;
        if flags & DESTROYED != 0 {
            session.destroy();
        } else if let Some(json) = data_json {
            let data: Claims = serde_json::from_str(&json)
                .map_err(|_| js_error(&Error::new(ErrorCode::BadJson, "the session must be a JSON object")))?;
            replace_data(session, data).map_err(|e| js_error(&e))?;
        }
        if flags & REGENERATED != 0 {
            session.regenerate();
        }
        if flags & ACCESSED != 0 {
            // A read through the JS object marks the Rust session as read, for `Vary`.
            session.mark_accessed();
        }
        let out = self.sessions.commit_headers(session, secs(now), https, status).map_err(|e| js_error(&e))?;
        Ok(Outgoing { cookies: out.set_cookies, vary: out.vary_cookie })
    }
}

/// Makes the session hold exactly `data`, through the session's own methods so that storing
/// equal values is no change.
fn replace_data(session: &Session, data: Claims) -> Result<(), Error> {
    let current = session.to_json();
    for key in current.keys() {
        if !data.contains_key(key) {
            session.remove(key);
        }
    }
    for (key, value) in data {
        session.insert(key, value)?;
    }
    Ok(())
}
