//! The counter demo with axum on workers-rs.
//!
//! axum handlers see `http` types, not `worker::Request`, so this uses the core's string-level
//! pair: `load_cookie_header` before the router, `commit_headers` after it. The session reaches
//! handlers as an axum `Extension` (a cheap clone over shared state).

use axum::extract::Extension;
use axum::http::header::{COOKIE, SET_COOKIE, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::{routing::get, Router};
use tower_service::Service;
use worker::{event, Context, Date, Env, HttpRequest};
use worker_jwt_session::{JwtSessions, Session};

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

#[event(fetch)]
async fn fetch(mut req: HttpRequest, env: Env, _ctx: Context) -> worker::Result<axum::response::Response> {
    let sessions = match JwtSessions::from_env_cached(&env) {
        Ok(sessions) => sessions,
        Err(err) => {
            return Ok((StatusCode::INTERNAL_SERVER_ERROR, format!("Server misconfigured: {err}")).into_response())
        }
    };
    let now = Date::now().as_millis() / 1000;
    let https = req.uri().scheme_str() == Some("https");
    let cookie = req.headers().get(COOKIE).and_then(|v| v.to_str().ok());
    let session = sessions.load_cookie_header(cookie, now);
    req.extensions_mut().insert(session.clone());

    let mut response = router().call(req).await?;
    match sessions.commit_headers(&session, now, https, response.status().as_u16()) {
        Ok(out) => {
            let headers = response.headers_mut();
            if out.vary_cookie {
                headers.append(VARY, HeaderValue::from_static("Cookie"));
            }
            for cookie in out.set_cookies {
                // Set-Cookie values built by the core are always valid header values.
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    headers.append(SET_COOKIE, value);
                }
            }
            Ok(response)
        }
        // Too large to save: say so (500, reason in the log) rather than drop the change.
        Err(err) => {
            worker::console_error!("worker-jwt-session: session not saved: {err}");
            Ok((StatusCode::INTERNAL_SERVER_ERROR, "the session could not be saved").into_response())
        }
    }
}
