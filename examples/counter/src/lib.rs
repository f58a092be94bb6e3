//! The counter example of the Python `wsgi_jwt_session` README, as a Cloudflare Worker.
//!
//! `GET /` answers `Current counter value: N` and increments `counter` in the session;
//! `GET /logout` destroys the session. The session lives only in the signed cookie.
//!
//! Two more routes show the rest of the API: `GET /session` answers the session as JSON
//! without changing it (a read: no `Set-Cookie` until a refresh is due), and `PUT /note`
//! stores the request body under `note` (large notes go out in several cookies).

use worker::*;
use worker_jwt_session::JwtSessions;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    // Built once per isolate: the key's HMAC state and the options are reused by every request.
    let sessions = match JwtSessions::from_env_cached(&env) {
        Ok(sessions) => sessions,
        Err(err) => return Ok(JwtSessions::misconfigured(&err)),
    };
    sessions
        .wrap(req, |req, session| async move {
            match (req.method(), req.path().as_str()) {
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
                    session.destroy();
                    text("Logged out\n".to_string())
                }
                _ => Response::error("Not Found", 404),
            }
        })
        .await
}

fn text(body: String) -> Result<Response> {
    let response = Response::ok(body)?;
    response.headers().set("Content-Type", "text/plain; charset=utf-8")?;
    Ok(response)
}
