// The axum example (examples/axum): an axum Router with `SessionLayer` on workers-rs, in
// workerd (the rest of its behaviour is in rust-apps.test.mjs, shared with the Router example).
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
