// Revocation in Workers KV (JWT_SESSION_REVOCATION_KV), end to end in workerd with Miniflare's
// KV, against the Rust, JS and Hono demos: logging out revokes a copy of the cookie kept
// elsewhere; logging out everywhere revokes every session of the user; entries expire when no
// token they match can still be valid; a request without a session makes no KV call; a failing
// KV fails closed or open as configured; a missing binding is a configuration error.
//
// One workerd per demo runs several copies of it, each with its own bindings; two of them get
// a KV test double that counts the calls (forwarding to Miniflare's KV) or fails them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Jar, now, payloadOf, SECRET, sign, startApps } from "./harness.mjs";

const TARGETS = [
  { name: "rust", script: "examples/counter/build/index.js", port: 8850 },
  { name: "js", script: "examples/counter-js/build/index.js", port: 8851 },
  { name: "hono", script: "examples/hono/build/index.js", port: 8852 },
];
const MAX_AGE = 86400;
const LEEWAY = 30;
const secret = { JWT_SESSION_SECRET: SECRET };
const revocation = { ...secret, JWT_SESSION_REVOCATION_KV: "REVOKED" };

const APPS = [
  // Miniflare's KV namespace itself, bound as a Worker binds it in wrangler.toml.
  { name: "kv", bindings: revocation, kvNamespaces: ["REVOKED"] },
  // The same KV behind the counting test double.
  { name: "counted", bindings: revocation, kvDouble: { REVOKED: "counting" } },
  { name: "failing-closed", bindings: revocation, kvDouble: { REVOKED: "failing" } },
  {
    name: "failing-open",
    bindings: { ...revocation, JWT_SESSION_REVOCATION_FAILURE: "open" },
    kvDouble: { REVOKED: "failing" },
  },
  { name: "missing-binding", bindings: { ...secret, JWT_SESSION_REVOCATION_KV: "NO_SUCH_KV" } },
  { name: "off", bindings: secret },
];

async function waitFor(predicate, what, timeoutMs = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A copy of a jar, as a thief would keep it. */
const copyOf = (jar) => {
  const copy = new Jar();
  copy.cookies = new Map(jar.cookies);
  return copy;
};

for (const target of TARGETS) {
  describe(`${target.name} demo`, () => {
    let w;
    before(async () => {
      w = await startApps(target.script, APPS, { port: target.port });
    });
    after(() => w?.dispose());

    const get = async (app, jar, path) => jar.store(await w.fetch(app, path, { headers: { Cookie: jar.header() } }));
    const sessionOf = async (app, jar) => (await get(app, jar, "/session")).json();
    const kvCalls = () => w.kvCalls();

    test("a cookie saved before /logout is refused when replayed afterwards", async () => {
      const jar = new Jar();
      await get("kv", jar, "/login/ada");
      await get("kv", jar, "/");
      const stolen = copyOf(jar);
      assert.equal((await sessionOf("kv", stolen)).sub, "ada", "the copy works before the logout");
      const out = await get("kv", jar, "/logout");
      assert.equal(out.status, 200);
      assert.ok(out.headers.getSetCookie().every((c) => /Max-Age=0/.test(c)), "the browser's cookie is expired");
      assert.equal(jar.cookies.size, 0);
      // The copy: an empty session, its cookie expired, the rejection logged with its code.
      const replay = await w.fetch("kv", "/session", { headers: { Cookie: stolen.header() } });
      assert.deepEqual(await replay.json(), {});
      assert.match(replay.headers.getSetCookie()[0] ?? "", /^jwtsession=; .*Max-Age=0/);
      await waitFor(() => w.logs().includes("session cookie rejected: revoked"), "the rejection in the log");
      // And its counter starts again from nothing.
      assert.match(await (await w.fetch("kv", "/", { headers: { Cookie: stolen.header() } })).text(), /value: 1$/m);
    });

    test("/logout-everywhere revokes every session of the user, not another user's, not a later login", async () => {
      const [phone, laptop, bob] = [new Jar(), new Jar(), new Jar()];
      await get("kv", phone, "/login/ada");
      await get("kv", laptop, "/login/ada");
      await get("kv", bob, "/login/bob");
      const phoneCopy = copyOf(phone);
      const out = await get("kv", phone, "/logout-everywhere");
      assert.equal(out.status, 200);
      assert.equal(phone.cookies.size, 0, "this session's cookie is expired");
      assert.deepEqual(await sessionOf("kv", laptop), {}, "the other session of the user");
      assert.deepEqual(await sessionOf("kv", phoneCopy), {}, "a copy of this one");
      assert.equal(laptop.cookies.size, 0, "its cookie is expired when it comes back");
      assert.equal((await sessionOf("kv", bob)).sub, "bob", "another user's session stands");
      // Revocation counts whole seconds (orig_iat): a login in a later second is a new session.
      await new Promise((r) => setTimeout(r, 1100));
      const later = new Jar();
      await get("kv", later, "/login/ada");
      await get("kv", later, "/");
      const back = await sessionOf("kv", later);
      assert.equal(back.sub, "ada");
      assert.equal(back.counter, 1);
    });

    test("entries expire when no token they match can still be valid", async () => {
      const [one, other] = [new Jar(), new Jar()];
      await get("kv", one, "/login/carol");
      await get("kv", other, "/login/carol");
      const { sid } = payloadOf(one.cookies.get("jwtsession"));
      const t = now();
      assert.equal((await get("kv", one, "/logout")).status, 200);
      assert.equal((await get("kv", other, "/logout-everywhere")).status, 200);
      const kv = await w.mf.getKVNamespace("REVOKED", "kv");
      const { keys } = await kv.list();
      const entry = (name) => keys.find((k) => k.name === name);
      for (const name of [`sid:${sid}`, "sub:carol"]) {
        assert.ok(entry(name), `${name} was written`);
        // KV's expirationTtl: max_age plus the leeway, from the time of the write.
        assert.ok(Math.abs(entry(name).expiration - (t + MAX_AGE + LEEWAY)) <= 3, `${name}: ${entry(name).expiration}`);
      }
      assert.ok(Number(await kv.get("sub:carol")) >= t - 1, "the user's entry holds the time of the revocation");
    });

    test("logging out everywhere without a user is refused with a clear code", async () => {
      const jar = new Jar();
      await get("kv", jar, "/");
      const res = await get("kv", jar, "/logout-everywhere");
      assert.equal(res.status, 400);
      assert.match(await res.text(), /revocation_unavailable/);
    });

    test("no KV call without a session; at most one read of two keys with one", async () => {
      w.resetKvCalls();
      const jar = new Jar();
      for (let i = 0; i < 3; i++) await w.fetch("counted", "/");
      await w.fetch("counted", "/session");
      await w.fetch("counted", "/session", { headers: { Cookie: "jwtsession=not-a-token; theme=dark" } });
      assert.equal(kvCalls(), 0, "requests without a verified session");
      await get("counted", jar, "/login/dave");
      assert.equal(kvCalls(), 0, "the login request came without a session");
      assert.equal((await sessionOf("counted", jar)).sub, "dave");
      assert.equal(kvCalls(), 1, "one bulk read for sid: and sub:");
      await get("counted", jar, "/logout");
      assert.equal(kvCalls(), 3, "the read, then the write of sid:");
      assert.deepEqual(await sessionOf("counted", jar), {});
      assert.equal(kvCalls(), 3, "a logged-out browser sends no session");
    });

    test("a failing KV fails closed: an empty session, its cookie kept, logged", async () => {
      const token = sign({ sub: "erin", counter: 7, sid: "q3VsCz1SE2bVYmjR2Ruk6A" }, { at: now() });
      const res = await w.fetch("failing-closed", "/session", { headers: { Cookie: `jwtsession=${token}` } });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {});
      assert.deepEqual(res.headers.getSetCookie(), [], "the cookie is not expired: KV may be back soon");
      await waitFor(
        () => /revocation store failed \(revocation_unavailable\).*JWT_SESSION_REVOCATION_FAILURE=closed/.test(w.logs()),
        "the failure in the log",
      );
      // A logout that cannot be written is not taken for one.
      const out = await w.fetch("failing-closed", "/logout", { headers: { Cookie: `jwtsession=${token}` } });
      assert.equal(out.status, 500);
    });

    test("a failing KV fails open when configured: the session stands, logged", async () => {
      const token = sign({ sub: "erin", counter: 7, sid: "q3VsCz1SE2bVYmjR2Ruk6A" }, { at: now() });
      const res = await w.fetch("failing-open", "/session", { headers: { Cookie: `jwtsession=${token}` } });
      assert.deepEqual(await res.json(), { sub: "erin", counter: 7 });
      await waitFor(
        () => /revocation store failed \(revocation_unavailable\).*JWT_SESSION_REVOCATION_FAILURE=open/.test(w.logs()),
        "the failure in the log",
      );
    });

    test("a KV binding named but missing is a configuration error naming the setting", async () => {
      const res = await w.fetch("missing-binding", "/");
      assert.equal(res.status, 500);
      assert.equal(
        await res.text(),
        "Server misconfigured: check JWT_SESSION_REVOCATION_KV (details in the Worker's log)\n",
      );
      await waitFor(() => w.logs().includes("NO_SUCH_KV"), "the binding's name in the log");
    });

    test("revocation off needs no KV binding: login and logout work", async () => {
      const jar = new Jar();
      await get("off", jar, "/login/frank");
      assert.equal((await sessionOf("off", jar)).sub, "frank");
      const out = await get("off", jar, "/logout");
      assert.equal(out.status, 200);
      assert.equal(jar.cookies.size, 0);
    });
  });
}

// The axum layer (examples/axum, `SessionLayer::from_env(&env)`), which stores its user under
// `user`: the same revocation through the layer.
describe("axum example", () => {
  let w;
  before(async () => {
    const bindings = { ...revocation, JWT_SESSION_USER_CLAIM: "user" };
    w = await startApps("examples/axum/build/index.js", [{ name: "kv", bindings, kvNamespaces: ["REVOKED"] }], {
      port: 8853,
    });
  });
  after(() => w?.dispose());
  const get = async (jar, path) => jar.store(await w.fetch("kv", path, { headers: { Cookie: jar.header() } }));

  test("logout revokes a copy of the cookie; logout-everywhere every session of the user", async () => {
    const jar = new Jar();
    await get(jar, "/login/ada");
    const stolen = copyOf(jar);
    assert.equal((await get(jar, "/logout")).status, 200);
    assert.deepEqual(await (await get(stolen, "/me")).json(), {});
    const [phone, laptop] = [new Jar(), new Jar()];
    await get(phone, "/login/bob");
    await get(laptop, "/login/bob");
    assert.equal((await get(phone, "/logout-everywhere")).status, 200);
    assert.deepEqual(await (await get(laptop, "/me")).json(), {});
    // Without a user, the handler's `?` gives the engine's code.
    const anonymous = new Jar();
    await get(anonymous, "/");
    const refused = await get(anonymous, "/logout-everywhere");
    assert.equal(refused.status, 500);
    assert.match(await refused.text(), /revocation_unavailable/);
  });
});
