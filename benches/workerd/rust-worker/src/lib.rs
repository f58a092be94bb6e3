//! The bench Worker of `make bench` (benches/workerd/bench.mjs drives it in workerd).
//!
//! Same protocol as every JS contender in benches/workerd/contenders/:
//!
//! - `GET /bench?n=N&variant=V`, with the session cookie in the request's `Cookie` header: N
//!   round trips in a loop, timed inside the Worker with `Date.now()`; answers
//!   `{"n":N,"ms":…,"set_cookie":"…"}` (the last round trip's `Set-Cookie`).
//! - `POST /sign`, body a JSON object: a token for those claims (`iat`/`exp` are the
//!   middleware's own, now and now + max_age), as the body.
//! - `POST /verify`, body a token: 200 and the session's data as JSON, or 401 and the error code.
//!
//! One round trip is what the middleware does for a request that changes the session:
//! a `worker::Request` with the Cookie header → `sessions.load(&req)` → `counter` + 1 →
//! `sessions.commit(&session, &req, response)` → the `web_sys::Response` workerd gets back.
//!
//! Variants:
//! - `cached`: `JwtSessions::from_env_cached` (configuration and HMAC key state once per
//!   isolate), as the README and the demo do; with `JWT_SESSION_REVOCATION_KV` bound, through
//!   `load_with_env` / `commit_with_env` (the KV look-up included, as in `wrap`);
//! - `per-request`: `JwtSessions::from_env` on every request, to show what caching saves;
//! - `core`: the engine on header strings (`load_cookie_header` / `commit_headers`), no JS
//!   objects: the share of the round trip that is our code rather than the JS boundary;
//! - `harness`: the Request and Response alone, no session work (the baseline of the "net"
//!   column).

use worker::web_sys;
use worker::*;
use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};

/// What the round trip's request looks like (https, so the cookie gets `Secure`).
const URL: &str = "https://bench.example/";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Cached,
    PerRequest,
    Core,
    Harness,
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

fn config_error(err: &worker_jwt_session::Error) -> Error {
    Error::RustError(format!("configuration: {err}"))
}

/// One round trip through the middleware; returns the response workerd would get. With
/// revocation configured (`JWT_SESSION_REVOCATION_KV`), the session is checked in KV on the
/// way in, as `wrap` does.
async fn round_trip(env: &Env, cookie: &str, variant: Variant) -> Result<web_sys::Response> {
    let built;
    let sessions: &JwtSessions = match variant {
        Variant::PerRequest => {
            built = JwtSessions::from_env(env).map_err(|e| config_error(&e))?;
            &built
        }
        _ => JwtSessions::from_env_cached(env).map_err(|e| config_error(&e))?,
    };
    let headers = Headers::new();
    headers.set("Cookie", cookie)?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let req = Request::new_with_init(URL, &init)?;
    let revocation = sessions.revocation_binding().is_some();
    let session = if revocation {
        match sessions.load_with_env(&req, env).await {
            Ok(session) => session,
            Err(_) => return Err(Error::RustError("the request was refused".into())),
        }
    } else {
        sessions.load(&req)
    };
    if let Some(code) = session.rejected() {
        return Err(Error::RustError(format!("the cookie was rejected: {code}")));
    }
    let n: u64 = session.get("counter")?.unwrap_or(0);
    session.insert("counter", n + 1)?;
    let response = if revocation {
        sessions.commit_with_env(&session, &req, Response::ok("ok")?, env).await?
    } else {
        sessions.commit(&session, &req, Response::ok("ok")?)?
    };
    Ok(response.into())
}

/// The harness alone: the same Request and Response, the cookie passed through untouched (no
/// session work), the baseline that the table subtracts for its "net" column.
fn harness(cookie: &str) -> Result<web_sys::Response> {
    let headers = Headers::new();
    headers.set("Cookie", cookie)?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let req = Request::new_with_init(URL, &init)?;
    let value = req.headers().get("Cookie")?.unwrap_or_default();
    let https = req.inner().url().starts_with("https:");
    let now = Date::now().as_millis() / 1000;
    let response = Response::ok("ok")?;
    response.headers().append("Vary", "Cookie")?;
    let secure = if https { "; Secure" } else { "" };
    let set_cookie = format!("{value}; Path=/; Max-Age=86400; Expires={now}; SameSite=Lax{secure}");
    response.headers().append("Set-Cookie", &set_cookie)?;
    Ok(response.into())
}

/// The same work on strings: the core engine without the JS objects around it.
fn core_round_trip(env: &Env, cookie: &str) -> Result<String> {
    let sessions = JwtSessions::from_env_cached(env).map_err(|e| config_error(&e))?;
    let now = Date::now().as_millis() / 1000;
    let session = sessions.load_cookie_header(Some(cookie), now);
    if let Some(code) = session.rejected() {
        return Err(Error::RustError(format!("the cookie was rejected: {code}")));
    }
    let n: u64 = session.get("counter")?.unwrap_or(0);
    session.insert("counter", n + 1)?;
    let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), now, Scheme::Https);
    if let Some(answer) = plan.answer {
        return Err(Error::RustError(answer.log));
    }
    let first = plan.set_cookies().next().map(str::to_owned);
    first.ok_or_else(|| Error::RustError("no Set-Cookie".into()))
}

async fn bench(req: &Request, env: &Env) -> Result<Response> {
    let url = req.inner().url();
    let n: u32 = query_param(&url, "n").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let variant = match query_param(&url, "variant").unwrap_or("cached") {
        "cached" => Variant::Cached,
        "per-request" => Variant::PerRequest,
        "core" => Variant::Core,
        "harness" => Variant::Harness,
        other => return Response::error(format!("unknown variant {other:?}"), 400),
    };
    let Some(cookie) = req.headers().get("Cookie")? else {
        return Response::error("the bench request needs a Cookie header", 400);
    };
    let start = js_sys::Date::now();
    let mut last = None;
    let mut last_core = String::new();
    for _ in 0..n {
        if variant == Variant::Core {
            last_core = core_round_trip(env, &cookie)?;
        } else if variant == Variant::Harness {
            last = Some(harness(&cookie)?);
        } else {
            last = Some(round_trip(env, &cookie, variant).await?);
        }
    }
    let ms = js_sys::Date::now() - start;
    let set_cookie = match last {
        Some(response) => response.headers().get("Set-Cookie").ok().flatten().unwrap_or_default(),
        None => last_core,
    };
    Response::from_json(&serde_json::json!({ "n": n, "ms": ms, "set_cookie": set_cookie }))
}

async fn sign(mut req: Request, env: &Env) -> Result<Response> {
    let claims: serde_json::Map<String, serde_json::Value> = req.json().await?;
    let sessions = JwtSessions::from_env_cached(env).map_err(|e| config_error(&e))?;
    let session = sessions.load(&req);
    for (name, value) in claims {
        // iat and exp are the middleware's: now and now + max_age.
        if name != "iat" && name != "exp" {
            session.insert(name, value)?;
        }
    }
    let response = sessions.commit(&session, &req, Response::empty()?)?;
    let set_cookie = response.headers().get("Set-Cookie")?.unwrap_or_default();
    let token = set_cookie.split(';').next().and_then(|pair| pair.split_once('=')).map(|(_, v)| v);
    match token {
        Some(token) if !token.is_empty() => Response::ok(token),
        _ => Response::error("the middleware set no cookie", 500),
    }
}

async fn verify(mut req: Request, env: &Env) -> Result<Response> {
    let token = req.text().await?;
    let sessions = JwtSessions::from_env_cached(env).map_err(|e| config_error(&e))?;
    let headers = Headers::new();
    headers.set("Cookie", &format!("{}={}", sessions.cookie_options().name, token.trim()))?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let inner = Request::new_with_init(URL, &init)?;
    let session = sessions.load(&inner);
    match session.rejected() {
        Some(code) => Response::error(code.to_string(), 401),
        None if session.is_empty() => Response::error("no session", 401),
        None => Response::from_json(&session.to_json()),
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    match (req.method(), req.path().as_str()) {
        (Method::Get, "/bench") => bench(&req, &env).await,
        (Method::Post, "/sign") => sign(req, &env).await,
        (Method::Post, "/verify") => verify(req, &env).await,
        (Method::Get, "/") => Response::ok("bench-worker: GET /bench, POST /sign, POST /verify"),
        _ => Response::error("Not Found", 404),
    }
}
