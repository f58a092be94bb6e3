//! The counter example of the Python `wsgi_jwt_session` README, as a Cloudflare Worker.
//!
//! `GET /` answers `Current counter value: N` and increments `counter` in the session;
//! `GET /logout` ends the session. The session lives only in the signed cookie.
//!
//! Revocation (with `JWT_SESSION_REVOCATION_KV` naming a KV namespace, as wrangler.toml does):
//! `GET /login/:user` stores the user under `sub` (the default `JWT_SESSION_USER_CLAIM`) and
//! regenerates the session; `GET /logout` revokes this session, so a copy of the cookie is
//! refused from then on; `GET /logout-everywhere` revokes every session of the user. Without
//! revocation, `/logout` just expires the cookie.
//!
//! Two more routes show the rest of the API: `GET /session` answers the session as JSON
//! without changing it (a read: no `Set-Cookie` until a refresh is due), and `PUT /note`
//! stores the request body under `note` (large notes go out in several cookies).
//!
//! With the binding `COUNTER_FAULT_ROUTES = "true"` (tests only; the shipped wrangler.toml
//! leaves it unset), `GET /fault/error`, `/fault/panic` and `/fault/500` change the session and
//! then fail in each of those ways, to show that a failed request commits nothing.

use worker::*;
use worker_jwt_session::JwtSessions;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    // Built once per isolate: the key's HMAC state and the options are reused by every request.
    let sessions = match JwtSessions::from_env_cached(&env) {
        Ok(sessions) => sessions,
        Err(err) => return Ok(JwtSessions::misconfigured(&err)),
    };
    let faults = fault_routes_enabled(&env);
    let revocation = sessions.revocation_binding().is_some();
    sessions
        .wrap_with_env(req, &env, move |req, session| async move {
            let path = req.path();
            if let (Method::Get, Some(user)) = (req.method(), path.strip_prefix("/login/")) {
                session.insert("sub", user)?;
                // A new id after login: a session id seen before cannot become the logged-in one.
                session.regenerate();
                return Response::from_json(&std::collections::HashMap::from([("id", session.id())]));
            }
            match (req.method(), path.as_str()) {
                (Method::Get, "/") => {
                    let n: u64 = session.get("counter")?.unwrap_or(0) + 1;
                    session.insert("counter", n)?;
                    text(format!("Current counter value: {n}\n"))
                }
                (Method::Get, "/session") => {
                    let mut response = Response::from_json(&session.to_json())?;
                    response.headers_mut().set("Cache-Control", "no-store")?;
                    Ok(response)
                }
                (Method::Put, "/note") => {
                    let mut req = req;
                    let note = req.text().await?;
                    session.insert("note", &note)?;
                    text(format!("Saved a note of {} bytes\n", note.len()))
                }
                (Method::Get, "/logout") => {
                    if revocation {
                        // Revoked in KV: a copy of the cookie kept elsewhere is refused too.
                        session.revoke()?;
                    } else {
                        session.destroy();
                    }
                    text("Logged out\n".to_string())
                }
                (Method::Get, "/logout-everywhere") => match session.revoke_all() {
                    Ok(()) => text("Logged out everywhere\n".to_string()),
                    Err(err) => Response::error(format!("cannot log out everywhere: {}\n", err.code()), 400),
                },
                // Fault injection for the end-to-end tests, off unless COUNTER_FAULT_ROUTES is
                // "true" (the shipped wrangler.toml never sets it). Each changes the session
                // first: the change must not reach a cookie.
                (Method::Get, "/fault/error") if faults => {
                    session.insert("counter", 1_000_000u64)?;
                    Err(Error::RustError("fault injected: the handler failed after changing the session".into()))
                }
                (Method::Get, "/fault/panic") if faults => {
                    session.insert("counter", 2_000_000u64)?;
                    panic!("fault injected: the handler panicked after changing the session");
                }
                (Method::Get, "/fault/500") if faults => {
                    session.insert("counter", 3_000_000u64)?;
                    Response::error("fault injected: a 500 after changing the session", 500)
                }
                _ => Response::error("Not Found", 404),
            }
        })
        .await
}

/// Whether the `/fault/*` routes answer: only when the `COUNTER_FAULT_ROUTES` binding is
/// exactly "true", as the end-to-end tests set it.
fn fault_routes_enabled(env: &Env) -> bool {
    env.var("COUNTER_FAULT_ROUTES").is_ok_and(|v| v.to_string() == "true")
}

fn text(body: String) -> Result<Response> {
    let response = Response::ok(body)?;
    response.headers().set("Content-Type", "text/plain; charset=utf-8")?;
    Ok(response)
}
