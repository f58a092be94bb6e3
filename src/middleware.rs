//! The Worker middleware (feature `worker`): load → handler → commit around a
//! `worker::Request`. Thin on purpose: every decision is made by [`JwtSessions`] in the
//! engine; this module only moves strings between it and workers-rs, and writes the log lines
//! the engine hands it.

use std::future::Future;
use std::sync::OnceLock;

use worker::{console_error, console_log, console_warn, js_sys, Env, Headers, Request, Response};

use crate::engine::{rejected_log, Answer, JwtSessions, Plan, RequestInfo, ResponseInfo, Scheme};
use crate::error::Error;
use crate::kv;
use crate::session::Session;

static CACHED: OnceLock<JwtSessions> = OnceLock::new();

fn now_secs() -> u64 {
    // `Date.now()` itself: `worker::Date::now()` would allocate a JS `Date` object per call.
    // `as` saturates (a negative or NaN clock gives 0).
    (js_sys::Date::now() / 1000.0) as u64
}

/// The request's scheme, read from the URL string, so the request path does not parse a URL.
fn scheme(req: &Request) -> Scheme {
    Scheme::of_url(&req.inner().url())
}

fn log_rejection(session: &Session) {
    if let Some(code) = session.rejected() {
        console_log!("{}", rejected_log(code));
    }
}

/// The engine's answer as a workers-rs response, and its reason in the log.
fn answer_response(answer: &Answer) -> Response {
    console_error!("{}", answer.log);
    let response = Response::ok(answer.body.clone()).map(|r| r.with_status(answer.status));
    match response {
        Ok(response) => {
            let _ = response.headers().set("Content-Type", Answer::CONTENT_TYPE);
            response
        }
        Err(_) => Response::builder().with_status(answer.status).empty(),
    }
}

/// Why a session API without the Worker's `Env` cannot consult revocation.
const NO_ENV: &str = "this call has no Env to reach Workers KV: use worker_jwt_session::wrap, \
                      JwtSessions::wrap_with_env, or load_with_env and commit_with_env";

fn binding(env: &Env, name: &str) -> Option<String> {
    // Secrets and [vars] are both plain strings to a Worker; either kind of binding works.
    env.secret(name).map(|s| s.to_string()).or_else(|_| env.var(name).map(|v| v.to_string())).ok()
}

impl JwtSessions {
    /// Builds from the Worker's bindings: the secret `JWT_SESSION_SECRET`, the previous keys
    /// `JWT_SESSION_PREVIOUS_SECRETS` and one `[vars]` entry per option (see
    /// [`crate::config::SETTINGS`]).
    ///
    /// Prefer [`JwtSessions::from_env_cached`] in a fetch handler: it does this once per isolate.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorCode::Config`] with a message naming the binding: the secret missing or
    /// too short, or an option that does not parse.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     let session = sessions.load(&req);
    ///     Response::ok(format!("{} keys", session.len()))
    /// }
    /// # fn main() {}
    /// ```
    pub fn from_env(env: &Env) -> Result<JwtSessions, Error> {
        let sessions = JwtSessions::from_vars(|name| binding(env, name))?;
        if let Some(kv) = sessions.revocation_binding() {
            if env.kv(kv).is_err() {
                return Err(sessions.revocation_binding_missing());
            }
        }
        Ok(sessions)
    }

    /// [`JwtSessions::from_env`] once per isolate: the key ring's HMAC states and the parsed
    /// options are kept for every later request. A configuration error is not cached, so a
    /// fixed binding takes effect on the next request.
    ///
    /// # Errors
    ///
    /// As [`JwtSessions::from_env`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     sessions.wrap(req, |_req, session| async move {
    ///         let visits: u64 = session.get("visits")?.unwrap_or(0) + 1;
    ///         session.insert("visits", visits)?;
    ///         Response::ok(format!("visit {visits}"))
    ///     }).await
    /// }
    /// # fn main() {}
    /// ```
    pub fn from_env_cached(env: &Env) -> Result<&'static JwtSessions, Error> {
        if let Some(sessions) = CACHED.get() {
            return Ok(sessions);
        }
        let built = JwtSessions::from_env(env)?;
        Ok(CACHED.get_or_init(|| built))
    }

    /// The 500 response for a configuration error, as the engine words it
    /// ([`Answer::for_error`]): the reason goes to the log, the body names only the binding to
    /// fix.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         // Answered without running the handler, which would need a session.
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     sessions.wrap(req, |_req, _session| async { Response::ok("ok") }).await
    /// }
    /// # fn main() {}
    /// ```
    pub fn misconfigured(err: &Error) -> Response {
        answer_response(&Answer::for_error(err))
    }

    /// Reads the request's session. A cookie that fails any check gives an empty session; its
    /// error code (never the cookie) is logged.
    ///
    /// This does not enforce CSRF protection (`JWT_SESSION_CSRF`): [`JwtSessions::wrap`] and
    /// [`wrap`] do, and so does [`JwtSessions::load_checked`] for hand-written load/commit.
    ///
    /// # Examples
    ///
    /// A `worker::Router` handler with `load` and [`JwtSessions::commit`]:
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     Router::new()
    ///         .get_async("/login/:user", |req, ctx| async move {
    ///             let sessions = match JwtSessions::from_env_cached(&ctx.env) {
    ///                 Ok(s) => s,
    ///                 Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///             };
    ///             let session = sessions.load(&req);
    ///             let user = ctx.param("user").cloned().unwrap_or_default();
    ///             session.insert("user", &user)?;
    ///             session.regenerate();
    ///             sessions.commit(&session, &req, Response::ok(format!("hello {user}"))?)
    ///         })
    ///         .run(req, env)
    ///         .await
    /// }
    /// # fn main() {}
    /// ```
    pub fn load(&self, req: &Request) -> Session {
        let header = req.headers().get("Cookie").ok().flatten();
        let session = self.load_cookie_header(header.as_deref(), now_secs());
        log_rejection(&session);
        self.without_store(&session);
        session
    }

    /// With revocation on, a session loaded where KV cannot be reached is judged as a failing
    /// store (JWT_SESSION_REVOCATION_FAILURE), never as one that is not revoked.
    fn without_store(&self, session: &Session) {
        if !self.revocation_lookups(session).is_empty() {
            if let Some(line) = self.resolve_revocation(session, Err(NO_ENV)) {
                console_log!("{line}");
            }
        }
    }

    /// [`JwtSessions::load_checked`], then, with revocation on (`JWT_SESSION_REVOCATION_KV`),
    /// the engine's look-ups in Workers KV: a revoked session loads empty (and its cookie is
    /// expired at commit). A request without a session cookie makes no KV call.
    ///
    /// # Errors
    ///
    /// The response to answer instead of running the handler: the engine's 403 (code `csrf`),
    /// or its 500 when the KV binding is missing. Commit nothing then.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     let session = match sessions.load_with_env(&req, &env).await {
    ///         Ok(session) => session,
    ///         Err(refused) => return Ok(refused),
    ///     };
    ///     session.revoke()?; // log out, for good
    ///     sessions.commit_with_env(&session, &req, Response::ok("logged out")?, &env).await
    /// }
    /// # fn main() {}
    /// ```
    pub async fn load_with_env(&self, req: &Request, env: &Env) -> Result<Session, Response> {
        let session = self.load_request_of(req)?;
        let keys = self.revocation_lookups(&session);
        if !keys.is_empty() {
            let kv = self.revocation_store(env).map_err(|answer| answer_response(&answer))?;
            let found = kv::read(&kv, &keys).await;
            if let Some(line) = self.resolve_revocation(&session, found.as_deref().map_err(String::as_str)) {
                console_log!("{line}");
            }
        }
        Ok(session)
    }

    /// [`JwtSessions::load`], and with CSRF protection on, the engine's check of an unsafe
    /// request ([`JwtSessions::load_request`]) before the handler runs.
    ///
    /// # Errors
    ///
    /// The response to answer instead of running the handler: the engine's 403 (code `csrf`),
    /// its reason in the log. Commit nothing then.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     let session = match sessions.load_checked(&req) {
    ///         Ok(session) => session,
    ///         Err(refused) => return Ok(refused),
    ///     };
    ///     session.insert("seen", true)?;
    ///     sessions.commit(&session, &req, Response::ok("ok")?)
    /// }
    /// # fn main() {}
    /// ```
    pub fn load_checked(&self, req: &Request) -> Result<Session, Response> {
        let session = self.load_request_of(req)?;
        self.without_store(&session);
        Ok(session)
    }

    /// The engine's load with the CSRF check, its rejection logged.
    fn load_request_of(&self, req: &Request) -> Result<Session, Response> {
        let headers = req.headers();
        let header = |name: &str| headers.get(name).ok().flatten();
        let (cookie, origin, site, token) =
            (header("Cookie"), header("Origin"), header("Sec-Fetch-Site"), header("X-CSRF-Token"));
        let (url, method) = (req.inner().url(), req.method());
        let info = RequestInfo {
            cookie: cookie.as_deref(),
            method: method.as_ref(),
            url: &url,
            origin: origin.as_deref(),
            sec_fetch_site: site.as_deref(),
            csrf_token: token.as_deref(),
        };
        match self.load_request(&info, now_secs()) {
            Ok(session) => {
                log_rejection(&session);
                Ok(session)
            }
            Err(answer) => Err(answer_response(&answer)),
        }
    }

    /// Applies the engine's plan for `session` to `response`: `Set-Cookie` headers (each its
    /// own header) when the policy says so, and `Vary: Cookie` when the handler read the session
    /// (once). Status, other headers and the body (streamed or not) are left as they are.
    ///
    /// A session that cannot be saved (too large, or data a token cannot carry) is not dropped
    /// silently: the answer becomes the engine's 500 and the reason is logged.
    ///
    /// # Errors
    ///
    /// Only a workers-rs error while copying the headers of an immutable response.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     let session = sessions.load(&req);
    ///     session.destroy();
    ///     // The response now carries the `Set-Cookie` that logs the browser out.
    ///     sessions.commit(&session, &req, Response::ok("logged out")?)
    /// }
    /// # fn main() {}
    /// ```
    pub fn commit(&self, session: &Session, req: &Request, response: Response) -> worker::Result<Response> {
        let plan = self.plan_for(session, scheme(req), &response);
        if !plan.writes.is_empty() {
            return Ok(answer_response(&self.revocation_failed(NO_ENV)));
        }
        apply(plan, response)
    }

    /// [`JwtSessions::commit`], making the revocations the session asked for
    /// ([`Session::revoke`], [`Session::revoke_all`]) in Workers KV first: when a write fails,
    /// the answer is the engine's 500 (the logout did not happen) and nothing else is applied.
    ///
    /// # Errors
    ///
    /// Only a workers-rs error while copying the headers of an immutable response.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     let session = match sessions.load_with_env(&req, &env).await {
    ///         Ok(session) => session,
    ///         Err(refused) => return Ok(refused),
    ///     };
    ///     session.revoke_all()?; // log out everywhere
    ///     sessions.commit_with_env(&session, &req, Response::ok("logged out everywhere")?, &env).await
    /// }
    /// # fn main() {}
    /// ```
    pub async fn commit_with_env(
        &self,
        session: &Session,
        req: &Request,
        response: Response,
        env: &Env,
    ) -> worker::Result<Response> {
        let scheme = scheme(req);
        self.commit_in(session, scheme, response, env).await
    }

    async fn commit_in(
        &self,
        session: &Session,
        scheme: Scheme,
        response: Response,
        env: &Env,
    ) -> worker::Result<Response> {
        let plan = self.plan_for(session, scheme, &response);
        if plan.answer.is_none() && !plan.writes.is_empty() {
            let written = match self.revocation_store(env) {
                Ok(kv) => kv::write(&kv, &plan.writes).await.map_err(|reason| self.revocation_failed(&reason)),
                Err(answer) => Err(answer),
            };
            if let Err(answer) = written {
                return Ok(answer_response(&answer));
            }
        }
        apply(plan, response)
    }

    fn plan_for(&self, session: &Session, scheme: Scheme, response: &Response) -> Plan {
        let vary = response.headers().get("Vary").ok().flatten();
        let info = ResponseInfo { status: response.status_code(), vary: vary.as_deref() };
        self.commit_headers(session, &info, now_secs(), scheme)
    }

    /// Runs `handler` with the request's session, then commits it on the response.
    ///
    /// When the handler returns an error, nothing is committed: the old cookie stays valid.
    ///
    /// # Errors
    ///
    /// The handler's error, unchanged.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     sessions.wrap(req, |_req, session| async move {
    ///         let n: u64 = session.get("counter")?.unwrap_or(0) + 1;
    ///         session.insert("counter", n)?;
    ///         Response::ok(format!("Current counter value: {n}"))
    ///     }).await
    /// }
    /// # fn main() {}
    /// ```
    pub async fn wrap<F, Fut>(&self, req: Request, handler: F) -> worker::Result<Response>
    where
        F: FnOnce(Request, Session) -> Fut,
        Fut: Future<Output = worker::Result<Response>>,
    {
        let scheme = scheme(&req);
        let session = match self.load_checked(&req) {
            Ok(session) => session,
            Err(refused) => return Ok(refused),
        };
        let response = handler(req, session.clone()).await?;
        let plan = self.plan_for(&session, scheme, &response);
        if !plan.writes.is_empty() {
            return Ok(answer_response(&self.revocation_failed(NO_ENV)));
        }
        apply(plan, response)
    }

    /// [`JwtSessions::wrap`] with the Worker's bindings at hand, so that revocation
    /// (`JWT_SESSION_REVOCATION_KV`) works: the session is checked in Workers KV before the
    /// handler runs, and `revoke()` / `revoke_all()` are written before the response returns.
    ///
    /// # Errors
    ///
    /// The handler's error, unchanged.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use worker::*;
    /// use worker_jwt_session::JwtSessions;
    ///
    /// #[event(fetch)]
    /// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    ///     let sessions = match JwtSessions::from_env_cached(&env) {
    ///         Ok(s) => s,
    ///         Err(e) => return Ok(JwtSessions::misconfigured(&e)),
    ///     };
    ///     sessions.wrap_with_env(req, &env, |req, session| async move {
    ///         if req.path() == "/logout" {
    ///             session.revoke()?;
    ///             return Response::ok("logged out");
    ///         }
    ///         Response::ok(format!("{} keys", session.len()))
    ///     }).await
    /// }
    /// # fn main() {}
    /// ```
    pub async fn wrap_with_env<F, Fut>(&self, req: Request, env: &Env, handler: F) -> worker::Result<Response>
    where
        F: FnOnce(Request, Session) -> Fut,
        Fut: Future<Output = worker::Result<Response>>,
    {
        let scheme = scheme(&req);
        let session = match self.load_with_env(&req, env).await {
            Ok(session) => session,
            Err(refused) => return Ok(refused),
        };
        let response = handler(req, session.clone()).await?;
        self.commit_in(&session, scheme, response, env).await
    }
}

/// Applies the engine's plan to the handler's response.
fn apply(plan: Plan, response: Response) -> worker::Result<Response> {
    if let Some(answer) = &plan.answer {
        return Ok(answer_response(answer));
    }
    if let Some(warning) = &plan.warning {
        console_warn!("{warning}");
    }
    if plan.headers.is_empty() {
        return Ok(response);
    }
    let mut response = response;
    if append_headers(response.headers(), &plan).is_err() {
        // The headers of a response from fetch() are immutable (the first append fails,
        // so nothing was added): copy them once, then add ours.
        let headers = Headers::new();
        for (name, value) in response.headers().entries() {
            headers.append(&name, &value)?;
        }
        response = response.with_headers(headers);
        append_headers(response.headers(), &plan)?;
    }
    Ok(response)
}

/// Runs `handler` with the request's session and commits it: the whole middleware in one
/// call. The configuration is built from the Worker's bindings once per isolate
/// ([`JwtSessions::from_env_cached`]); a configuration error answers the engine's 500 (naming
/// only the binding) and logs why, without running the handler. When the handler returns an
/// error, nothing is committed and the old cookie stays valid.
///
/// For a configuration you build yourself, use [`JwtSessions::wrap`].
///
/// # Errors
///
/// The handler's error, unchanged.
///
/// # Examples
///
/// ```no_run
/// use worker::*;
///
/// #[event(fetch)]
/// async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
///     worker_jwt_session::wrap(req, &env, |_req, session| async move {
///         let n: u64 = session.get("counter")?.unwrap_or(0) + 1;
///         session.insert("counter", n)?;
///         Response::ok(format!("Current counter value: {n}"))
///     })
///     .await
/// }
/// # fn main() {}
/// ```
pub async fn wrap<F, Fut>(req: Request, env: &Env, handler: F) -> worker::Result<Response>
where
    F: FnOnce(Request, Session) -> Fut,
    Fut: Future<Output = worker::Result<Response>>,
{
    match JwtSessions::from_env_cached(env) {
        Ok(sessions) => sessions.wrap_with_env(req, env, handler).await,
        Err(err) => Ok(JwtSessions::misconfigured(&err)),
    }
}

/// Appends the plan's headers in order; the handler's own headers, `Vary` included, are kept.
fn append_headers(headers: &Headers, plan: &Plan) -> worker::Result<()> {
    for (name, value) in &plan.headers {
        headers.append(name, value)?;
    }
    Ok(())
}

impl From<Error> for worker::Error {
    fn from(err: Error) -> Self {
        worker::Error::RustError(err.to_string())
    }
}
