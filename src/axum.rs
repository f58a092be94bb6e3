//! (feature `axum`) Sessions for axum on workers-rs: a tower [`SessionLayer`] that loads the
//! session before the router and applies the engine's plan after it, a [`Session`] extractor,
//! and [`Error`] as an axum response, so handlers hold no session plumbing.
//!
//! Like the workers-rs middleware, it only translates: the engine decides what the session
//! is, which headers go out and what a failure answers; this module moves `http` types in and
//! out, and writes the log lines the engine hands it.
//!
//! # Examples
//!
//! ```no_run
//! use axum::{routing::get, Router};
//! use tower_service::Service;
//! use worker::{event, Context, Env, HttpRequest};
//! use worker_jwt_session::{axum::SessionLayer, Session};
//!
//! async fn counter(session: Session) -> Result<String, worker_jwt_session::Error> {
//!     let n: u64 = session.get("counter")?.unwrap_or(0) + 1;
//!     session.insert("counter", n)?;
//!     Ok(format!("Current counter value: {n}\n"))
//! }
//!
//! #[event(fetch)]
//! async fn fetch(req: HttpRequest, env: Env, _ctx: Context) -> worker::Result<axum::response::Response> {
//!     let mut app = Router::new().route("/", get(counter)).layer(SessionLayer::from_env(&env));
//!     Ok(app.call(req).await?)
//! }
//! # fn main() {}
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use ::axum::extract::FromRequestParts;
use ::axum::http::header::{CONTENT_TYPE, COOKIE, VARY};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderValue, Request, StatusCode};
use ::axum::response::{IntoResponse, Response};
use worker::kv::KvStore;
use worker::send::SendFuture;
use worker::{console_error, console_log, console_warn, Env};

use crate::engine::{rejected_log, Answer, JwtSessions, RequestInfo, ResponseInfo, Scheme, LOG_PREFIX};
use crate::error::Error;
use crate::kv;

/// Why a layer without the Worker's bindings cannot consult revocation.
const NO_STORE: &str =
    "the SessionLayer has no Env to reach Workers KV: use SessionLayer::from_env, or .with_env(&env)";
use crate::session::Session;

/// What the layer holds: the engine, or the answer to a configuration error.
#[derive(Debug)]
enum State {
    Ready(Box<JwtSessions>),
    Cached(&'static JwtSessions),
    Misconfigured(Answer),
}

/// A `tower::Layer` that gives every request of an axum `Router` its session: load before the
/// handlers, commit after them (only when they answered; a 5xx commits nothing).
///
/// Cheap to clone (one `Arc`), `Send` and `Sync`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{axum::SessionLayer, JwtSessions};
/// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?;
/// let layer = SessionLayer::new(sessions);
/// let router: axum::Router = axum::Router::new().layer(layer);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SessionLayer {
    state: Arc<State>,
    store: Option<KvStore>,
}

impl SessionLayer {
    /// The layer for a configuration you built with [`JwtSessions::builder`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use worker_jwt_session::{axum::SessionLayer, JwtSessions};
    /// // A configuration made in code rather than read from the Worker's bindings.
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!")
    ///     .max_age(Duration::from_secs(3600))
    ///     .build()?;
    /// let _router: axum::Router = axum::Router::new().layer(SessionLayer::new(sessions));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[must_use]
    pub fn new(sessions: JwtSessions) -> SessionLayer {
        SessionLayer { state: Arc::new(State::Ready(Box::new(sessions))), store: None }
    }

    /// Gives the layer the Worker's bindings, for revocation (`JWT_SESSION_REVOCATION_KV`): the
    /// session is checked in that KV namespace before the handlers run, and `revoke()` /
    /// `revoke_all()` are written before the response returns. [`SessionLayer::from_env`] does
    /// this itself; without it a layer made with [`SessionLayer::new`] treats KV as failing.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn layer(env: &worker::Env) -> Result<axum::Router, worker_jwt_session::Error> {
    /// use worker_jwt_session::{axum::SessionLayer, JwtSessions};
    /// let sessions = JwtSessions::builder("a secret of at least thirty-two bytes!!").revocation_kv("REVOKED").build()?;
    /// Ok(axum::Router::new().layer(SessionLayer::new(sessions).with_env(env)))
    /// # }
    /// ```
    #[must_use]
    pub fn with_env(mut self, env: &Env) -> SessionLayer {
        let store = match &*self.state {
            State::Ready(sessions) => sessions.revocation_binding().map(|_| sessions.revocation_store(env)),
            State::Cached(sessions) => sessions.revocation_binding().map(|_| sessions.revocation_store(env)),
            State::Misconfigured(_) => None,
        };
        match store {
            Some(Ok(kv)) => self.store = Some(kv),
            Some(Err(answer)) => self.state = Arc::new(State::Misconfigured(answer)),
            None => {}
        }
        self
    }

    /// The layer for the Worker's bindings, read once per isolate
    /// ([`JwtSessions::from_env_cached`]). Never fails: with a configuration error, every
    /// request answers the engine's 500 (naming only the binding) and the log says why.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # fn layer(env: &worker::Env) -> axum::Router {
    /// use worker_jwt_session::axum::SessionLayer;
    /// axum::Router::new().layer(SessionLayer::from_env(env))
    /// # }
    /// ```
    #[must_use]
    pub fn from_env(env: &Env) -> SessionLayer {
        let state = match JwtSessions::from_env_cached(env) {
            Ok(sessions) => State::Cached(sessions),
            Err(err) => State::Misconfigured(Answer::for_error(&err)),
        };
        SessionLayer { state: Arc::new(state), store: None }.with_env(env)
    }
}

impl<S> tower_layer::Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionService { inner, state: Arc::clone(&self.state), store: self.store.clone() }
    }
}

/// The service [`SessionLayer`] wraps around the router.
///
/// # Examples
///
/// ```
/// use tower_layer::Layer;
/// use worker_jwt_session::{axum::SessionLayer, JwtSessions};
/// let layer = SessionLayer::new(JwtSessions::builder("a secret of at least thirty-two bytes!!").build()?);
/// // What `Router::layer` builds: the router itself, with load and commit around it.
/// let service = layer.layer(axum::Router::new());
/// fn serves_http<S: tower_service::Service<axum::http::Request<axum::body::Body>>>(_: &S) {}
/// serves_http(&service);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SessionService<S> {
    inner: S,
    state: Arc<State>,
    store: Option<KvStore>,
}

/// The engine's answer as an axum response, and its reason in the log.
fn answer_response(answer: &Answer) -> Response {
    console_error!("{}", answer.log);
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(CONTENT_TYPE, Answer::CONTENT_TYPE)], answer.body.clone()).into_response()
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

impl<S, B> tower_service::Service<Request<B>> for SessionService<S>
where
    S: tower_service::Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let state = Arc::clone(&self.state);
        let store = self.store.clone();
        // The clone that was polled ready serves this request (tower's rule for `call`).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let sessions = match &*state {
                State::Ready(sessions) => &**sessions,
                State::Cached(sessions) => *sessions,
                State::Misconfigured(answer) => return Ok(answer_response(answer)),
            };
            let scheme = if req.uri().scheme_str() == Some("https") { Scheme::Https } else { Scheme::Http };
            // In a block: the borrows of the request end before it goes to the router.
            let loaded = {
                let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
                let url = req.uri().to_string();
                let info = RequestInfo {
                    cookie: header(COOKIE.as_str()),
                    method: req.method().as_str(),
                    url: &url,
                    origin: header("origin"),
                    sec_fetch_site: header("sec-fetch-site"),
                    csrf_token: header("x-csrf-token"),
                };
                sessions.load_request(&info, now_secs())
            };
            let session = match loaded {
                Ok(session) => session,
                // Refused by CSRF protection: the handlers do not run, nothing is committed.
                Err(answer) => return Ok(answer_response(&answer)),
            };
            if let Some(code) = session.rejected() {
                console_log!("{}", rejected_log(code));
            }
            let keys = sessions.revocation_lookups(&session);
            if !keys.is_empty() {
                let found = match &store {
                    Some(kv) => SendFuture::new(kv::read(kv, &keys)).await,
                    None => Err(NO_STORE.to_owned()),
                };
                if let Some(line) = sessions.resolve_revocation(&session, found.as_deref().map_err(String::as_str)) {
                    console_log!("{line}");
                }
            }
            req.extensions_mut().insert(session.clone());
            let mut response = inner.call(req).await?;
            let vary = response.headers().get(VARY).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let info = ResponseInfo { status: response.status().as_u16(), vary: vary.as_deref() };
            let plan = sessions.commit_headers(&session, &info, now_secs(), scheme);
            if let Some(answer) = &plan.answer {
                return Ok(answer_response(answer));
            }
            if !plan.writes.is_empty() {
                let written = match &store {
                    Some(kv) => SendFuture::new(kv::write(kv, &plan.writes)).await,
                    None => Err(NO_STORE.to_owned()),
                };
                if let Err(reason) = written {
                    return Ok(answer_response(&sessions.revocation_failed(&reason)));
                }
            }
            if let Some(warning) = &plan.warning {
                console_warn!("{warning}");
            }
            for (name, value) in plan.headers {
                // The engine writes only valid header values (checked cookie octets).
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response.headers_mut().append(name, value);
                }
            }
            Ok(response)
        })
    }
}

fn now_secs() -> u64 {
    // `as` saturates (a negative or NaN clock gives 0).
    (worker::js_sys::Date::now() / 1000.0) as u64
}

/// The request's session, as an axum extractor. Without [`SessionLayer`] it answers 500 and
/// the log says the layer is missing.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::Session;
/// async fn me(session: Session) -> String {
///     session.get::<String>("user").ok().flatten().unwrap_or_else(|| "nobody".into())
/// }
/// let _router: axum::Router = axum::Router::new().route("/me", axum::routing::get(me));
/// ```
impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Session>() {
            Some(session) => Ok(session.clone()),
            None => {
                console_error!(
                    "{LOG_PREFIX}a handler asked for the Session, but the router has no SessionLayer: \
                     add `.layer(SessionLayer::from_env(&env))`"
                );
                Err((
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(CONTENT_TYPE, Answer::CONTENT_TYPE)],
                    "Internal Server Error\n",
                )
                    .into_response())
            }
        }
    }
}

/// A handler's `?` on a session [`Error`]: a 500 whose body is the code only (the message goes
/// to the log), so an axum handler can return `Result<_, worker_jwt_session::Error>`.
///
/// # Examples
///
/// ```no_run
/// use axum::response::IntoResponse;
/// use worker_jwt_session::{Error, ErrorCode};
/// let response = Error::new(ErrorCode::ReservedClaim, "`exp` is managed").into_response();
/// assert_eq!(response.status(), 500);
/// ```
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        console_error!("{LOG_PREFIX}handler failed: {self}");
        let body = format!("Internal Server Error: {}\n", self.code());
        (StatusCode::INTERNAL_SERVER_ERROR, [(CONTENT_TYPE, Answer::CONTENT_TYPE)], body).into_response()
    }
}
