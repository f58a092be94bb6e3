//! The bare hello-world of `hello-worker` plus the middleware, as the README shows it: the
//! difference in size between the two is what the middleware adds to a Worker.

use worker::*;
use worker_jwt_session::JwtSessions;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let sessions = match JwtSessions::from_env_cached(&env) {
        Ok(sessions) => sessions,
        Err(err) => return Ok(JwtSessions::misconfigured(&err)),
    };
    sessions
        .wrap(req, |_req, session| async move {
            let n: u64 = session.get("counter")?.unwrap_or(0) + 1;
            session.insert("counter", n)?;
            Response::ok(format!("Hello, world! Visit {n}"))
        })
        .await
}
