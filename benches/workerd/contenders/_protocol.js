// The work around the JWT library, shared by every JS contender so that the library is the only
// thing that differs: the same HTTP protocol as the Rust bench Worker (rust-worker/src/lib.rs)
// and the same round trip as our middleware does for a request that changes the session:
//   new Request with a Cookie header → read the session cookie → verify → counter + 1 →
//   iat/exp → sign → new Response with Set-Cookie (+ Expires, SameSite, Secure) and Vary.
//
// A contender module (contenders/<name>.js) default-exports { setup, verify, sign }:
//   setup(env)            → state, once per isolate (may return a promise)
//   verify(state, token)  → the payload object; throws when the token does not verify
//   sign(state, claims)   → the token (string or promise)
// and, for a session middleware rather than a JWT library, optionally
//   roundTrip(state, request) → the Response, doing the whole round trip its own way.
//
// `GET /bench?harness=1` times the harness alone (Request in, Response with a Set-Cookie out,
// no JWT work), the baseline that the table subtracts for its "net" column.

export const COOKIE = "jwtsession";
export const MAX_AGE = 86400;
const REQUEST_URL = "https://bench.example/";

/** The first cookie named `name` in a Cookie header, or undefined. */
export function readCookie(header, name) {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header our middleware writes by default. */
export function setCookie(token, now, https) {
  const expires = new Date((now + MAX_AGE) * 1000).toUTCString();
  return `${COOKIE}=${token}; Path=/; Max-Age=${MAX_AGE}; Expires=${expires}; SameSite=Lax${https ? "; Secure" : ""}`;
}

function once(impl) {
  let state;
  return (env) => (state ??= Promise.resolve(impl.setup(env)));
}

export const newRequest = (cookieHeader) => new Request(REQUEST_URL, { headers: { Cookie: cookieHeader } });

/** One request that changes the session; returns the Response workerd would send. */
async function roundTrip(impl, state, req) {
  if (impl.roundTrip) return impl.roundTrip(state, req);
  const token = readCookie(req.headers.get("Cookie"), COOKIE);
  if (token === undefined) throw new Error("no session cookie");
  const claims = await impl.verify(state, token);
  claims.counter = (claims.counter ?? 0) + 1;
  const now = Math.floor(Date.now() / 1000);
  claims.iat = now;
  claims.exp = now + MAX_AGE;
  const out = await impl.sign(state, claims);
  const headers = new Headers({ "Content-Type": "text/plain;charset=UTF-8", Vary: "Cookie" });
  headers.append("Set-Cookie", setCookie(out, now, req.url.startsWith("https:")));
  return new Response("ok", { headers });
}

/** The harness alone: the same Request and Response, the cookie passed through untouched. */
function harness(cookieHeader) {
  const req = newRequest(cookieHeader);
  const token = readCookie(req.headers.get("Cookie"), COOKIE);
  const now = Math.floor(Date.now() / 1000);
  const headers = new Headers({ "Content-Type": "text/plain;charset=UTF-8", Vary: "Cookie" });
  headers.append("Set-Cookie", setCookie(token, now, req.url.startsWith("https:")));
  return new Response("ok", { headers });
}

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });

/** The bench Worker: GET /bench?n=N, POST /sign, POST /verify (see rust-worker/src/lib.rs). */
export function benchWorker(impl) {
  const ready = once(impl);
  return {
    async fetch(request, env) {
      const state = await ready(env);
      const url = new URL(request.url);
      try {
        if (request.method === "GET" && url.pathname === "/bench") {
          const n = Math.max(1, Number(url.searchParams.get("n") ?? 1) | 0);
          const cookie = request.headers.get("Cookie");
          if (!cookie) return json({ error: "the bench request needs a Cookie header" }, 400);
          let last;
          const start = Date.now();
          if (url.searchParams.has("harness")) for (let i = 0; i < n; i++) last = harness(cookie);
          else for (let i = 0; i < n; i++) last = await roundTrip(impl, state, newRequest(cookie));
          const ms = Date.now() - start;
          return json({ n, ms, set_cookie: last.headers.get("Set-Cookie") });
        }
        if (request.method === "POST" && url.pathname === "/sign") {
          return new Response(await impl.sign(state, await request.json()));
        }
        if (request.method === "POST" && url.pathname === "/verify") {
          try {
            return json(await impl.verify(state, (await request.text()).trim()));
          } catch (err) {
            return json({ error: String(err?.code ?? err?.message ?? err) }, 401);
          }
        }
        return new Response("Not Found", { status: 404 });
      } catch (err) {
        return json({ error: String(err?.stack ?? err) }, 500);
      }
    },
  };
}

/** The smallest useful Worker on this library: one round trip on the incoming request. Its
 *  bundle is what the size table reports. */
export function minimalWorker(impl) {
  const ready = once(impl);
  return {
    async fetch(request, env) {
      const state = await ready(env);
      try {
        return await roundTrip(impl, state, request);
      } catch {
        return new Response("no session", { status: 401 });
      }
    },
  };
}
