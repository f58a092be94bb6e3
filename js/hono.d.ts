import type { MiddlewareHandler } from "hono";
import type { JwtSessionOptions, Session, SessionData } from "./worker.js";

export { MAX_VALUE_DEPTH, Session, SessionError, SessionErrorCode, JwtSessionOptions, SessionData, JsonValue } from "./worker.js";

/** Hono variables set by {@link jwtSession}: `c.get("session")`. */
export type JwtSessionVariables<T extends SessionData = SessionData> = { session: Session<T> };

/**
 * `app.use(jwtSession())`: loads the session before the handlers and commits it after them.
 * A handler that fails (`c.error`) commits nothing; a session that cannot be saved answers the
 * engine's 500, with the reason in the log.
 */
export function jwtSession<T extends SessionData = SessionData>(
  options?: JwtSessionOptions,
): MiddlewareHandler<{ Variables: JwtSessionVariables<T> }>;
