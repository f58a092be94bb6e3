// The README's workers-rs Router example (examples/router: `worker_jwt_session::wrap` around
// `Router::with_data(session)`) and the axum example (examples/axum: one
// `.layer(SessionLayer::from_env(&env))`), each a built Worker in workerd: the same app, the
// same behaviour, no session glue in either.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { b64url, Jar, payloadOf, SECRET, sign, startWorker } from "./harness.mjs";

const APPS = [
  { name: "router (README)", script: "examples/router/build/index.js" },
  { name: "axum", script: "examples/axum/build/index.js" },
];

async function waitFor(predicate, what, timeoutMs = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const app of APPS) {
  describe(app.name, () => {
    let w;
    before(async () => {
      w = await startWorker({ JWT_SESSION_SECRET: SECRET, COUNTER_FAULT_ROUTES: "true" }, { script: app.script });
    });
    after(() => w?.dispose());
    const get = async (jar, path) => jar.store(await w.fetch(path, { headers: { Cookie: jar.header() } }));

    test("login regenerates the id, the cart accumulates, /me reads it, logout expires", async () => {
      const jar = new Jar();
      // A session (the cart) from before the login: it keeps its data and gets a new id.
      jar.store(await w.fetch("/cart/add/apple"));
      const before = payloadOf(jar.cookies.get("jwtsession")).sid;
      const login = await get(jar, "/login/ada");
      const shown = /session ([A-Za-z0-9_-]{22})$/m.exec(await login.text())?.[1];
      const claims = payloadOf(jar.cookies.get("jwtsession"));
      assert.equal(claims.user, "ada");
      assert.equal(claims.sid, shown, "id() right after regenerate() is the id saved");
      assert.notEqual(claims.sid, before);
      for (const [item, want] of [["pear", ["apple", "pear"]], ["fig", ["apple", "pear", "fig"]]]) {
        const res = await get(jar, `/cart/add/${item}`);
        assert.deepEqual(await res.json(), want);
      }
      const me = await get(jar, "/me");
      assert.deepEqual(await me.json(), { cart: ["apple", "pear", "fig"], user: "ada" });
      assert.match(me.headers.get("vary") ?? "", /cookie/i);
      const out = await get(jar, "/logout");
      assert.equal(out.status, 200);
      assert.match(out.headers.getSetCookie()[0], /^jwtsession=; .*Max-Age=0/);
      assert.equal(jar.cookies.size, 0);
    });

    test("a tampered cookie gives a fresh session and is logged with its code", async () => {
      const token = sign({ user: "mallory", cart: ["gold"] });
      const [h, , s] = token.split(".");
      const forged = `${h}.${b64url(JSON.stringify({ ...payloadOf(token), user: "admin" }))}.${s}`;
      const res = await w.fetch("/me", { headers: { Cookie: `jwtsession=${forged}` } });
      assert.deepEqual(await res.json(), {});
      await waitFor(() => /session cookie rejected: bad_signature/.test(w.logs()), "the rejection in the log");
      assert.ok(!w.logs().includes(s), "the token is not logged");
    });

    test("a route that never touches the session sets nothing", async () => {
      const res = await w.fetch("/health", { headers: { Cookie: `jwtsession=${sign({ counter: 1 })}` } });
      assert.equal(await res.text(), "ok\n");
      assert.equal(res.headers.getSetCookie().length, 0);
      assert.equal(res.headers.get("vary"), null);
    });
  });

  test(`${app.name}: a misconfigured secret answers 500 naming only the binding`, async () => {
    const bad = await startWorker({ JWT_SESSION_SECRET: "too-short" }, { script: app.script });
    try {
      const res = await bad.fetch("/me");
      assert.equal(res.status, 500);
      assert.equal(await res.text(), "Server misconfigured: check JWT_SESSION_SECRET (details in the Worker's log)\n");
      await waitFor(() => /misconfigured: config: JWT_SESSION_SECRET is shorter/.test(bad.logs()), "the reason in the log");
      assert.ok(!bad.logs().includes("too-short"));
      assert.match(bad.logs(), /openssl rand -base64 32/, "the log names a way to make a secret with nothing installed");
    } finally {
      await bad.dispose();
    }
  });
}

test("axum: a handler that asks for the Session without the layer answers 500, and the log says why", async () => {
  const w = await startWorker({ JWT_SESSION_SECRET: SECRET, COUNTER_FAULT_ROUTES: "true" }, { script: "examples/axum/build/index.js" });
  try {
    const res = await w.fetch("/fault/no-layer");
    assert.equal(res.status, 500);
    await waitFor(() => /the router has no SessionLayer/.test(w.logs()), "the missing layer in the log");
  } finally {
    await w.dispose();
  }
});
