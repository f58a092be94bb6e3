//! A bare workers-rs Worker: the baseline that `make bench` compares the demo's size with.

use worker::*;

#[event(fetch)]
async fn fetch(_req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    Response::ok("Hello, world!")
}
