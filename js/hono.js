// worker-jwt-session/hono: `app.use(jwtSession())`, then `c.get("session")` in handlers.
// The same engine and rules as `worker-jwt-session/worker`; this file only adapts to Hono.
import { commitSession, engineFor, loadSession, misconfigured, SessionError } from "./worker.js";

export { Session, SessionError } from "./worker.js";

/**
 * Hono middleware: loads the session before the handlers, commits it after them.
 * Options are the camelCase of the `JWT_SESSION_*` bindings and override them.
 */
export function jwtSession(options) {
  return async function jwtSessionMiddleware(c, next) {
    let engine;
    try {
      engine = engineFor(c.env, options);
    } catch (err) {
      if (err instanceof SessionError && err.code === "config") return misconfigured(err);
      throw err;
    }
    const state = loadSession(engine, c.req.raw);
    c.set("session", state.session);
    await next();
    if (c.error) {
      // The handler failed: commit nothing, the old cookie stays valid.
      state.loaded.free();
      return;
    }
    c.res = commitSession(engine, state, c.req.raw, c.res);
  };
}
