//! The counter demo with axum on workers-rs.
//!
//! axum handlers see `http` types, not `worker::Request`, so this uses the engine's string-level
//! pair: `load_cookie_header` before the router, `commit_headers` after it, and applies the
//! plan it returns (headers to append, or the engine's answer). The session reaches handlers as
//! an axum `Extension` (a cheap clone over shared state).

use axum::extract::Extension;
use axum::http::header::{CONTENT_TYPE, COOKIE, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::{routing::get, Router};
use tower_service::Service;
use worker::{event, Context, Date, Env, HttpRequest};
use worker_jwt_session::engine::rejected_log;
use worker_jwt_session::{Answer, JwtSessions, ResponseInfo, Scheme, Session};

fn router() -> Router {
    Router::new().route("/", get(counter)).route("/logout", get(logout))
}

async fn counter(Extension(session): Extension<Session>) -> Result<String, (StatusCode, String)> {
    let fail = |e: worker_jwt_session::Error| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    let n: u64 = session.get("counter").map_err(fail)?.unwrap_or(0) + 1;
    session.insert("counter", n).map_err(fail)?;
    Ok(format!("Current counter value: {n}\n"))
}

async fn logout(Extension(session): Extension<Session>) -> &'static str {
    session.destroy();
    "Logged out\n"
}

/// The engine's answer (a configuration error, or a session that cannot be saved) as an axum
/// response: its status and body as the engine words them, its reason in the log.
fn answer(answer: &Answer) -> axum::response::Response {
    worker::console_error!("{}", answer.log);
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(CONTENT_TYPE, Answer::CONTENT_TYPE)], answer.body.clone()).into_response()
}

#[event(fetch)]
async fn fetch(mut req: HttpRequest, env: Env, _ctx: Context) -> worker::Result<axum::response::Response> {
    let sessions = match JwtSessions::from_env_cached(&env) {
        Ok(sessions) => sessions,
        Err(err) => return Ok(answer(&Answer::for_error(&err))),
    };
    let now_secs = Date::now().as_millis() / 1000;
    let scheme = if req.uri().scheme_str() == Some("https") { Scheme::Https } else { Scheme::Http };
    let cookie = req.headers().get(COOKIE).and_then(|v| v.to_str().ok());
    let session = sessions.load_cookie_header(cookie, now_secs);
    if let Some(code) = session.rejected() {
        worker::console_log!("{}", rejected_log(code));
    }
    req.extensions_mut().insert(session.clone());

    let mut response = router().call(req).await?;
    let vary = response.headers().get(VARY).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let info = ResponseInfo { status: response.status().as_u16(), vary: vary.as_deref() };
    let plan = sessions.commit_headers(&session, &info, now_secs, scheme);
    if let Some(failure) = &plan.answer {
        return Ok(answer(failure));
    }
    if let Some(warning) = &plan.warning {
        worker::console_warn!("{warning}");
    }
    for (name, value) in plan.headers {
        // Header values built by the engine are always valid header values.
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response)
}
