// The counter demo with Hono, on the same Rust engine as examples/counter.
import { Hono } from "hono";
import { jwtSession, MAX_VALUE_DEPTH, SessionError } from "worker-jwt-session/hono";

const app = new Hono();
app.use(jwtSession());

app.get("/", (c) => {
  const session = c.get("session");
  const n = (session.get("counter") ?? 0) + 1;
  session.set("counter", n);
  return c.text(`Current counter value: ${n}\n`);
});
app.get("/session", (c) => {
  c.header("Cache-Control", "no-store");
  return c.json(c.get("session").toJSON());
});
app.put("/note", async (c) => {
  const note = await c.req.text();
  c.get("session").set("note", note);
  return c.text(`Saved a note of ${new TextEncoder().encode(note).length} bytes\n`);
});
app.get("/logout", (c) => {
  // With revocation on (JWT_SESSION_REVOCATION_KV), a copy of the cookie kept elsewhere is
  // refused from now on; without it, the browser's cookie is expired.
  if (c.env?.JWT_SESSION_REVOCATION_KV) c.get("session").revoke();
  else c.get("session").destroy();
  return c.text("Logged out\n");
});
app.get("/logout-everywhere", (c) => {
  try {
    c.get("session").revokeAll();
  } catch (err) {
    if (err instanceof SessionError) return c.text(`cannot log out everywhere: ${err.code}\n`, 400);
    throw err;
  }
  return c.text("Logged out everywhere\n");
});
// Whether the response saves a change, as the session reports it (the tests compare it with Set-Cookie).
const modified = (c) => c.header("X-Session-Modified", String(c.get("session").isModified()));
app.get("/cart", (c) => {
  const cart = c.get("session").get("cart") ?? [];
  modified(c);
  return c.json(cart);
});
app.get("/cart/add/:item", (c) => {
  const session = c.get("session");
  const item = c.req.param("item");
  // Through the reference get() returns, on purpose: the change is saved like a set().
  const cart = session.get("cart");
  if (cart) cart.push(item);
  else session.set("cart", [item]);
  modified(c);
  return c.json(session.get("cart"));
});
app.get("/login/:user", (c) => {
  const session = c.get("session");
  // The user claim revokeAll() reads (JWT_SESSION_USER_CLAIM, default `sub`).
  session.set("sub", c.req.param("user"));
  session.regenerate();
  return c.json({ id: session.id });
});

// Fault injection for the end-to-end tests, off unless COUNTER_FAULT_ROUTES is "true".
const faults = (c, next) => (c.env?.COUNTER_FAULT_ROUTES === "true" ? next() : c.notFound());
app.get("/fault/set", faults, (c) => c.json(badSet(c.get("session"), c.req.query("case"))));
app.get("/fault/deep-ref", faults, (c) => {
  // Too deep for a token, made through a reference (no set): the commit answers a 500.
  const session = c.get("session");
  let node = session.get("cart") ?? (session.set("cart", []), session.get("cart"));
  for (let i = 0; i <= MAX_VALUE_DEPTH; i++) {
    const child = [];
    node.push(child);
    node = child;
  }
  return c.text("nested\n");
});
app.get("/fault/bigint-ref", faults, (c) => {
  // Not JSON at all (JSON.stringify throws), put in through a reference: a 500 too.
  const session = c.get("session");
  (session.get("cart") ?? (session.set("cart", []), session.get("cart"))).push(1n);
  return c.text("a BigInt\n");
});

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

export default app;
