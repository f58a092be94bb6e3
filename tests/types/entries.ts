// Type tests: both npm entries used as the README shows, checked by `tsc --noEmit`.
import { Hono } from "hono";
import { jwtSession, MAX_VALUE_DEPTH as HONO_MAX_DEPTH, type JwtSessionVariables } from "worker-jwt-session/hono";
import {
  MAX_VALUE_DEPTH,
  SessionError,
  withJwtSession,
  type JwtSessionOptions,
  type Session,
  type SessionErrorCode,
} from "worker-jwt-session/worker";

interface Env {
  JWT_SESSION_SECRET: string;
}

type Data = { counter: number; user: string };

export const plain: ExportedHandler<Env> = {
  fetch: withJwtSession<Env, Data>(async (request, env, ctx, session) => {
    const n: number = (session.get("counter") ?? 0) + 1;
    session.set("counter", n);
    // @ts-expect-error counter is a number
    session.set("counter", "three");
    // @ts-expect-error keys are strings (at run time: SessionError "bad_json")
    session.set(["exp"], 1);
    const secret: string = env.JWT_SESSION_SECRET;
    ctx.waitUntil(Promise.resolve(secret.length));
    return new Response(`Current counter value: ${n} (${request.method})`);
  }, { maxAge: 3600, sameSite: "Strict" }),
};

const app = new Hono<{ Bindings: Env; Variables: JwtSessionVariables<Data> }>();
app.use(jwtSession({ cookie: "__Host-session", secure: "always" }));
app.get("/", (c) => {
  const session: Session<Data> = c.get("session");
  const user: string | undefined = session.get("user");
  const before: string | undefined = session.id;
  session.regenerate();
  const after: string | undefined = session.id; // the new id, at once
  return c.text(`${user ?? "anonymous"} ${before} ${after}`);
});

export function codeOf(err: unknown): SessionErrorCode | undefined {
  return err instanceof SessionError ? err.code : undefined;
}

export const incomplete: SessionErrorCode = "incomplete";
export const depth: number = MAX_VALUE_DEPTH + HONO_MAX_DEPTH;
export const options: JwtSessionOptions = { previousSecrets: ["a", "b"], secure: true, algorithms: ["HS256"], maxChunks: 8 };
// @ts-expect-error an option that is not in config::SETTINGS
export const unknown: JwtSessionOptions = { maxAgee: 1 };

export default app;
