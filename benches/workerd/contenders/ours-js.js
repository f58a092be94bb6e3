// @bench-label ours: JS wrapper, worker-jwt-session/worker (same Rust engine, wasm)
// @bench-requires js/engine/worker_jwt_session_bg.wasm
// The npm entry for JS Workers (js/worker.js, built by `make js-worker`): loadSession and
// commitSession around the request, exactly what withJwtSession does.
import { commitSession, engineFor, loadSession } from "../../../js/worker.js";
import { COOKIE, newRequest } from "./_protocol.js";

const RESERVED = new Set(["iat", "exp", "nbf", "orig_iat", "sid"]);

export default {
  setup: (env) => ({ engine: engineFor(env) }),
  roundTrip({ engine }, request) {
    const state = loadSession(engine, request);
    if (state.loaded.rejected || !state.session.has("counter")) {
      state.loaded.free();
      throw new Error(`session rejected: ${state.loaded.rejected}`);
    }
    state.session.set("counter", state.session.get("counter") + 1);
    const response = new Response("ok", { headers: { "Content-Type": "text/plain;charset=UTF-8" } });
    return commitSession(engine, state, request, response);
  },
  verify({ engine }, token) {
    const request = newRequest(`${COOKIE}=${token}`);
    const state = loadSession(engine, request);
    const rejected = state.loaded.rejected;
    const data = state.session.toJSON();
    state.loaded.free();
    if (rejected || Object.keys(data).length === 0) throw new Error(rejected ?? "no session");
    return data;
  },
  sign({ engine }, claims) {
    const request = newRequest("");
    const state = loadSession(engine, request);
    for (const [key, value] of Object.entries(claims)) if (!RESERVED.has(key)) state.session.set(key, value);
    const response = commitSession(engine, state, request, new Response("ok"));
    const token = /^jwtsession=([^;]+)/.exec(response.headers.get("Set-Cookie") ?? "")?.[1];
    if (!token) throw new Error("the wrapper set no cookie");
    return token;
  },
};
