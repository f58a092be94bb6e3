// worker-jwt-session/hono: `app.use(jwtSession())`, then `c.get("session")` in handlers.
// The same engine and rules as `worker-jwt-session/worker`; this file only adapts to Hono.
import {
  answerResponse,
  commitSession,
  configured,
  discardSession,
  loadSession,
  misconfigured,
  missingStore,
} from "./worker.js";

export { MAX_VALUE_DEPTH, Session, SessionError } from "./worker.js";

/**
 * Hono middleware: loads the session before the handlers, commits it after them.
 * Options are the camelCase of the `JWT_SESSION_*` bindings and override them.
 */
export function jwtSession(options) {
  return async function jwtSessionMiddleware(c, next) {
    const { engine, answer } = configured(c.env, options);
    if (answer) return misconfigured(answer);
    const missing = missingStore(engine, c.env);
    if (missing) return misconfigured(missing);
    const state = await loadSession(engine, c.req.raw, c.env);
    if (state.refused) return answerResponse(state.refused);
    c.set("session", state.session);
    try {
      await next();
    } catch (err) {
      // Hono's compose catches handler errors and sets c.error; this is for anything else.
      discardSession(state);
      throw err;
    }
    if (c.error) {
      // The handler failed: commit nothing, the old cookie stays valid.
      discardSession(state);
      return;
    }
    const res = await commitSession(engine, state, c.req.raw, c.res, c.env);
    if (res !== c.res) {
      // A copy (of an immutable response) or the engine's answer replaces the response as it
      // is: assigning over a response makes Hono merge the old one's headers into the new one
      // (its Set-Cookie lines replacing ours), so clear it first.
      c.res = undefined;
      c.res = res;
    }
  };
}
