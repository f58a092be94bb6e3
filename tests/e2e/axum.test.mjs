// The axum example (examples/axum): the engine's load_cookie_header/commit_headers around an
// axum Router on workers-rs, in workerd.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Jar, SECRET, sign, startWorker } from "./harness.mjs";

let w;
before(async () => {
  w = await startWorker({ JWT_SESSION_SECRET: SECRET }, { script: "examples/axum/build/index.js" });
});
after(() => w?.dispose());

test("axum: the counter goes 1, 2, 3, a bad cookie gives a fresh session, logout expires", async () => {
  const jar = new Jar();
  for (const want of [1, 2, 3]) {
    const res = jar.store(await w.fetch("/", { base: "https://example.test", headers: { Cookie: jar.header() } }));
    assert.equal(await res.text(), `Current counter value: ${want}\n`);
    const [cookie] = res.headers.getSetCookie();
    assert.match(cookie, /^jwtsession=eyJ[^;]+; Path=\/; Max-Age=86400; Expires=[^;]+; Secure; SameSite=Lax$/);
    assert.match(res.headers.get("vary"), /cookie/i);
  }
  const forged = sign({ counter: 99 }, { secret: "not-the-secret-but-long-enough-0123456789" });
  const fresh = await w.fetch("/", { headers: { Cookie: `jwtsession=${forged}` } });
  assert.equal(await fresh.text(), "Current counter value: 1\n");
  const out = jar.store(await w.fetch("/logout", { headers: { Cookie: jar.header() } }));
  assert.equal(out.status, 200);
  assert.equal(jar.cookies.size, 0);
});

test("axum: a misconfigured secret answers the engine's 500, naming only the binding", async () => {
  const bad = await startWorker({ JWT_SESSION_SECRET: "too-short" }, { script: "examples/axum/build/index.js" });
  try {
    const res = await bad.fetch("/");
    assert.equal(res.status, 500);
    assert.equal(await res.text(), "Server misconfigured: check JWT_SESSION_SECRET (details in the Worker's log)\n");
    assert.equal(res.headers.getSetCookie().length, 0);
    const start = Date.now();
    while (!/misconfigured: config: JWT_SESSION_SECRET is shorter than HS256 needs/.test(bad.logs())) {
      assert.ok(Date.now() - start < 5000, `no misconfiguration line in the log:\n${bad.logs()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(!bad.logs().includes("too-short") && !/\b9 bytes\b/.test(bad.logs()), "neither the secret nor its length");
  } finally {
    await bad.dispose();
  }
});

test("axum: a rejected cookie is logged with its code", async () => {
  const forged = sign({ counter: 5 }, { secret: "yet-another-secret-that-is-long-enough-01" });
  const res = await w.fetch("/", { headers: { Cookie: `jwtsession=${forged}` } });
  assert.equal(await res.text(), "Current counter value: 1\n");
  const start = Date.now();
  while (!/session cookie rejected: bad_signature/.test(w.logs())) {
    assert.ok(Date.now() - start < 5000, "no rejection line in the log");
    await new Promise((r) => setTimeout(r, 20));
  }
});
