use worker::*;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let router_env = env.clone();
    // Loads the session, runs the router with it, commits it: the only session glue.
    worker_jwt_session::wrap(req, &env, |req, session| async move {
        Router::with_data(session)
            .get("/login/:user", |_req, ctx| {
                let user = ctx.param("user").cloned().unwrap_or_default();
                ctx.data.insert("user", &user)?;
                ctx.data.regenerate(); // a new session id after login
                let id = ctx.data.id().unwrap_or_default();
                Response::ok(format!("logged in as {user}, session {id}\n"))
            })
            .get("/cart/add/:item", |_req, ctx| {
                let mut cart: Vec<String> = ctx.data.get("cart")?.unwrap_or_default();
                cart.extend(ctx.param("item").cloned());
                ctx.data.insert("cart", &cart)?;
                Response::from_json(&cart)
            })
            .get("/me", |_req, ctx| Response::from_json(&ctx.data.to_json()))
            .get("/logout", |_req, ctx| {
                ctx.data.destroy();
                Response::ok("logged out\n")
            })
            .get("/health", |_req, _ctx| Response::ok("ok\n"))
            .run(req, router_env)
            .await
    })
    .await
}
