//! The demo with axum on workers-rs: one `.layer(SessionLayer::from_env(&env))`, and handlers
//! that take a `Session` and return `Result<_, worker_jwt_session::Error>`. No other glue.

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use tower_service::Service;
use worker::{event, Context, Env, HttpRequest};
use worker_jwt_session::axum::SessionLayer;
use worker_jwt_session::{Error, Session};

fn router(env: &Env) -> Router {
    let app = Router::new()
        .route("/", get(counter))
        .route("/login/{user}", get(login))
        .route("/cart/add/{item}", get(add_to_cart))
        .route("/me", get(me))
        .route("/logout", get(logout))
        .route("/logout-everywhere", get(logout_everywhere))
        .route("/health", get(|| async { "ok\n" }))
        .layer(SessionLayer::from_env(env));
    // Tests only (the binding is never set in production): a route added after the layer,
    // so its `Session` extractor finds no session and answers 500.
    if env.var("COUNTER_FAULT_ROUTES").is_ok_and(|v| v.to_string() == "true") {
        return app.route("/fault/no-layer", get(me));
    }
    app
}

async fn counter(session: Session) -> Result<String, Error> {
    let n: u64 = session.get("counter")?.unwrap_or(0) + 1;
    session.insert("counter", n)?;
    Ok(format!("Current counter value: {n}\n"))
}

async fn login(session: Session, Path(user): Path<String>) -> Result<String, Error> {
    session.insert("user", &user)?;
    session.regenerate(); // a new session id after login
    Ok(format!("logged in as {user}, session {}\n", session.id().unwrap_or_default()))
}

async fn add_to_cart(session: Session, Path(item): Path<String>) -> Result<Json<Vec<String>>, Error> {
    let mut cart: Vec<String> = session.get("cart")?.unwrap_or_default();
    cart.push(item);
    session.insert("cart", &cart)?;
    Ok(Json(cart))
}

async fn me(session: Session) -> Json<serde_json::Map<String, serde_json::Value>> {
    Json(session.to_json())
}

async fn logout(session: Session) -> &'static str {
    // With revocation on (JWT_SESSION_REVOCATION_KV), a copy of the cookie kept elsewhere is
    // refused from now on; with it off, revoke() says so and the cookie is just expired.
    if session.revoke().is_err() {
        session.destroy();
    }
    "logged out\n"
}

/// Every session of this user (the claim JWT_SESSION_USER_CLAIM names) ends, this one too.
async fn logout_everywhere(session: Session) -> Result<&'static str, Error> {
    session.revoke_all()?;
    Ok("logged out everywhere\n")
}

#[event(fetch)]
async fn fetch(req: HttpRequest, env: Env, _ctx: Context) -> worker::Result<axum::response::Response> {
    Ok(router(&env).call(req).await?)
}
