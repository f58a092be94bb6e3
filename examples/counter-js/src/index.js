// The counter demo as a JavaScript Worker, on the same Rust engine as examples/counter.
import { MAX_VALUE_DEPTH, SessionError, withJwtSession } from "worker-jwt-session/worker";

export default {
  fetch: withJwtSession(async (request, env, ctx, session) => {
    const { pathname, searchParams } = new URL(request.url);
    const get = request.method === "GET";
    if (get && pathname === "/") {
      const n = (session.get("counter") ?? 0) + 1;
      session.set("counter", n);
      return text(`Current counter value: ${n}\n`);
    }
    if (get && pathname === "/session") {
      return Response.json(session.toJSON(), { headers: { "Cache-Control": "no-store" } });
    }
    if (request.method === "PUT" && pathname === "/note") {
      const note = await request.text();
      session.set("note", note);
      return text(`Saved a note of ${new TextEncoder().encode(note).length} bytes\n`);
    }
    if (get && pathname === "/logout") {
      // With revocation on (JWT_SESSION_REVOCATION_KV), a copy of the cookie kept elsewhere is
      // refused from now on; without it, the browser's cookie is expired.
      if (env.JWT_SESSION_REVOCATION_KV) session.revoke();
      else session.destroy();
      return text("Logged out\n");
    }
    if (get && pathname === "/logout-everywhere") {
      try {
        session.revokeAll();
      } catch (err) {
        if (err instanceof SessionError) return text(`cannot log out everywhere: ${err.code}\n`, 400);
        throw err;
      }
      return text("Logged out everywhere\n");
    }
    if (get && pathname === "/cart") {
      return Response.json(session.get("cart") ?? [], { headers: modified(session) });
    }
    const add = get && /^\/cart\/add\/([^/]+)$/.exec(pathname);
    if (add) {
      const item = decodeURIComponent(add[1]);
      // Through the reference get() returns, on purpose: the change is saved like a set().
      const cart = session.get("cart");
      if (cart) cart.push(item);
      else session.set("cart", [item]);
      return Response.json(session.get("cart"), { headers: modified(session) });
    }
    const login = get && /^\/login\/([^/]+)$/.exec(pathname);
    if (login) {
      // The user claim revokeAll() reads (JWT_SESSION_USER_CLAIM, default `sub`).
      session.set("sub", decodeURIComponent(login[1]));
      session.regenerate();
      return Response.json({ id: session.id });
    }
    // Fault injection for the end-to-end tests, off unless COUNTER_FAULT_ROUTES is "true".
    if (get && env.COUNTER_FAULT_ROUTES === "true") {
      if (pathname === "/fault/set") return Response.json(badSet(session, searchParams.get("case")));
      if (pathname === "/fault/deep-ref") {
        // Too deep for a token, made through a reference (no set): the commit answers a 500.
        let node = session.get("cart") ?? (session.set("cart", []), session.get("cart"));
        for (let i = 0; i <= MAX_VALUE_DEPTH; i++) {
          const child = [];
          node.push(child);
          node = child;
        }
        return text("nested\n");
      }
      if (pathname === "/fault/bigint-ref") {
        // Not JSON at all (JSON.stringify throws), put in through a reference: a 500 too.
        (session.get("cart") ?? (session.set("cart", []), session.get("cart"))).push(1n);
        return text("a BigInt\n");
      }
    }
    return new Response("Not Found", { status: 404 });
  }),
};

// Whether the response saves a change, as the session reports it (the tests compare it with Set-Cookie).
const modified = (session) => ({ "X-Session-Modified": String(session.isModified()) });
const text = (body, status = 200) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/** What `set` must refuse (or, for `__proto__`, store as data), by case name. */
function badSet(session, name) {
  const nested = (depth) => (depth === 0 ? 1 : [nested(depth - 1)]);
  const cases = {
    "reserved": () => session.set("exp", 1),
    "reserved-array": () => session.set(["exp"], 1),
    "number-key": () => session.set(7, 1),
    "surrogate": () => session.set("note", "\uD800"),
    "surrogate-key": () => session.set("\uDC00", 1),
    "nested-surrogate": () => session.set("note", { list: ["ok", "\uDBFF"] }),
    "deep": () => session.set("deep", nested(MAX_VALUE_DEPTH + 1)),
    "deepest-allowed": () => session.set("deep", nested(MAX_VALUE_DEPTH)),
    "undefined": () => session.set("u", undefined),
    "function": () => session.set("f", () => 1),
    "bigint": () => session.set("n", 1n),
    "__proto__": () => session.set("__proto__", { admin: true }),
  };
  const run = cases[name];
  if (!run) return { unknown: name };
  try {
    run();
  } catch (err) {
    if (err instanceof SessionError) return { code: err.code };
    throw err;
  }
  return { stored: name === "__proto__" ? session.get("__proto__") : true };
}
