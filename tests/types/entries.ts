// Type tests: both npm entries used as the README shows, checked by `tsc --noEmit`.
import { Hono } from "hono";
import { jwtSession, type JwtSessionVariables } from "worker-jwt-session/hono";
import { SessionError, withJwtSession, type Session } from "worker-jwt-session/worker";

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
  session.regenerate();
  return c.text(user ?? "anonymous");
});

export function codeOf(err: unknown): string | undefined {
  return err instanceof SessionError ? err.code : undefined;
}

export default app;
