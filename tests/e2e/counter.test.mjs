// The counter demo end to end in workerd (Miniflare): what a user of the middleware relies on.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { b64url, Jar, now, OLD_SECRET, payloadOf, SECRET, sign, startWorker, verifies } from "./harness.mjs";

// One suite, parameterised by the Worker under test: the Rust middleware, the JS wrapper and
// the Hono middleware must give the same answers and the same cookies.
const TARGETS = [
  { name: "rust", script: "examples/counter/build/index.js" },
  { name: "js", script: "examples/counter-js/build/index.js" },
  { name: "hono", script: "examples/hono/build/index.js" },
];

const counterOf = async (response) => {
  const text = await response.text();
  const m = /^Current counter value: (\d+)$/m.exec(text);
  assert.ok(m, `unexpected body: ${text}`);
  return Number(m[1]);
};
const sessionCookie = (response) => response.headers.getSetCookie().filter((c) => c.startsWith("jwtsession="));
const tokenIn = (setCookie) => setCookie.split(";")[0].slice("jwtsession=".length);

for (const target of TARGETS) {
  describe(`${target.name} worker`, () => {
    let w;
    before(async () => {
      w = await startWorker(
        { JWT_SESSION_SECRET: SECRET, JWT_SESSION_PREVIOUS_SECRETS: OLD_SECRET },
        { script: target.script },
      );
    });
    after(() => w?.dispose());

    const get = (path, cookie, init = {}) =>
      w.fetch(path, { ...init, headers: { ...(cookie ? { Cookie: cookie } : {}), ...(init.headers ?? {}) } });

    test("the counter goes 1, 2, 3 with a cookie jar, in one session with one id", async () => {
      const jar = new Jar();
      const ids = new Set();
      for (const want of [1, 2, 3]) {
        const res = jar.store(await get("/", jar.header()));
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type"), /^text\/plain/);
        assert.equal(await counterOf(res), want);
        assert.equal(res.headers.getSetCookie().length, 1);
        assert.match(res.headers.get("vary"), /cookie/i);
        ids.add(payloadOf(jar.cookies.get("jwtsession")).sid);
      }
      assert.equal(ids.size, 1);
      assert.match([...ids][0], /^[A-Za-z0-9_-]{22}$/);
      const other = await get("/");
      assert.notEqual(payloadOf(tokenIn(sessionCookie(other)[0])).sid, [...ids][0], "a new session, a new id");
    });

    test("the cookie has the default attributes and a token with iat/exp", async () => {
      const res = await get("/");
      const [cookie] = sessionCookie(res);
      assert.match(cookie, /; Path=\/; Max-Age=86400; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.doesNotMatch(cookie, /HttpOnly/);
      const claims = payloadOf(tokenIn(cookie));
      assert.equal(claims.counter, 1);
      assert.equal(claims.exp - claims.iat, 86400);
      assert.ok(Math.abs(claims.iat - now()) < 5);
    });

    test("a tampered payload or signature gives a fresh session and the bad cookie is replaced", async () => {
      const jar = new Jar();
      jar.store(await get("/", jar.header()));
      jar.store(await get("/", jar.header()));
      const good = jar.cookies.get("jwtsession");
      const [h, p, s] = good.split(".");
      const forged = b64url(JSON.stringify({ ...payloadOf(good), counter: 1000 }));
      const flipped = s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.at(-1);
      for (const bad of [`${h}.${forged}.${s}`, `${h}.${p}.${flipped}`]) {
        const res = await get("/", `jwtsession=${bad}`);
        assert.equal(res.status, 200);
        assert.equal(await counterOf(res), 1);
        const [cookie] = sessionCookie(res);
        assert.ok(cookie, "the bad cookie is replaced");
        assert.notEqual(tokenIn(cookie), bad);
        assert.equal(payloadOf(tokenIn(cookie)).counter, 1);
      }
    });

    test("expired, alg none and wrong-key tokens give a fresh session", async () => {
      const exp = now() + 3600;
      const none = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify({ counter: 41, exp }))}`;
      const cases = {
        expired: sign({ counter: 41 }, { at: now() - 7200, maxAge: 60 }),
        "alg none, no signature": `${none}.`,
        "alg none, with a signature": `${none}.${sign({ counter: 41 }).split(".")[2]}`,
        "alg NoNe": `${b64url('{"alg":"NoNe"}')}.${b64url(JSON.stringify({ counter: 41, exp }))}.`,
        "wrong key": sign({ counter: 41 }, { secret: "some-other-secret-that-is-long-enough-0123" }),
        garbage: "not-a-token",
      };
      for (const [name, token] of Object.entries(cases)) {
        const res = await get("/", `jwtsession=${token}`);
        assert.equal(res.status, 200, name);
        assert.equal(await counterOf(res), 1, name);
      }
    });

    test("a rejected cookie is logged with its code, never with the token", async () => {
      const token = sign({ counter: 7 }, { secret: "yet-another-secret-that-is-long-enough-01" });
      const res = await get("/session", `jwtsession=${token}`);
      assert.equal(res.status, 200);
      await res.text();
      await waitFor(() => /session cookie rejected: bad_signature/.test(w.logs()));
      assert.ok(!w.logs().includes(token.split(".")[2]), "the log must not contain the token");
    });

    test("a token from a previous secret is accepted and re-signed with the current key", async () => {
      const old = sign({ counter: 5 }, { secret: OLD_SECRET });
      const res = await get("/session", `jwtsession=${old}`);
      assert.deepEqual(await res.json(), { counter: 5 });
      const [cookie] = sessionCookie(res);
      assert.ok(cookie, "an unchanged session from an old key is re-signed at once");
      const fresh = tokenIn(cookie);
      assert.ok(verifies(fresh, SECRET));
      assert.ok(!verifies(fresh, OLD_SECRET));
      const res2 = await get("/", `jwtsession=${old}`);
      assert.equal(await counterOf(res2), 6);
    });

    test("two cookies with the session's name: a bad first and a good second is accepted", async () => {
      const good = sign({ counter: 9 });
      for (const header of [`jwtsession=garbage.x.y; jwtsession=${good}`, `jwtsession=${good}; jwtsession=garbage`]) {
        const res = await get("/", header);
        assert.equal(await counterOf(res), 10, header);
      }
    });

    test("https gets Secure, http does not", async () => {
      const https = await w.fetch("/", { base: "https://example.test" });
      assert.match(sessionCookie(https)[0], /; Secure/);
      const http = await w.fetch("/", { base: "http://example.test" });
      assert.doesNotMatch(sessionCookie(http)[0], /Secure/);
    });

    test("an empty new session sets no cookie", async () => {
      const res = await get("/session");
      assert.deepEqual(await res.json(), {});
      assert.equal(res.headers.getSetCookie().length, 0);
    });

    test("/logout expires the cookie", async () => {
      const jar = new Jar();
      jar.store(await get("/", jar.header()));
      const res = jar.store(await get("/logout", jar.header()));
      assert.equal(res.status, 200);
      const [cookie] = sessionCookie(res);
      assert.match(cookie, /^jwtsession=; .*Max-Age=0/);
      assert.match(cookie, /Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
      assert.equal(jar.cookies.size, 0);
    });

    test("a large session goes out in chunks, each its own Set-Cookie, and comes back whole", async () => {
      const jar = new Jar();
      const note = "x".repeat(9000) + "é" + "y".repeat(100);
      const res = jar.store(await get("/note", jar.header(), { method: "PUT", body: note }));
      assert.equal(res.status, 200, await res.text());
      const lines = res.headers.getSetCookie();
      const names = lines.map((l) => l.split("=")[0]);
      assert.ok(names.length >= 3, `${names}`);
      assert.deepEqual(names, names.map((_, i) => `jwtsession.${i}`));
      // Browsers keep a cookie whose name + value is at most 4096 bytes ("=" not counted).
      for (const line of lines) assert.ok(line.split(";")[0].length - 1 <= 4096);
      const back = await get("/session", jar.header());
      assert.equal((await back.json()).note, note);
      // Shrinking writes the plain cookie and expires every chunk.
      const small = jar.store(await get("/note", jar.header(), { method: "PUT", body: "short" }));
      const out = small.headers.getSetCookie();
      assert.equal(out.length, 1 + names.length);
      assert.equal(out.filter((l) => /Max-Age=0/.test(l)).length, names.length);
      assert.deepEqual([...jar.cookies.keys()], ["jwtsession"]);
    });

    test("a planted chunk next to a genuine chunked session does not log the user out", async () => {
      const jar = new Jar();
      const note = "p".repeat(9000);
      jar.store(await get("/note", jar.header(), { method: "PUT", body: note }));
      assert.ok(jar.cookies.has("jwtsession.2"), "a 3-chunk session");
      const genuine = jar.header();
      for (const header of [`${genuine}; jwtsession.3=AAAA`, `jwtsession.1=AAAA; ${genuine}`]) {
        const res = await get("/session", header);
        assert.equal((await res.json()).note, note, header.slice(0, 40));
        assert.equal(res.headers.getSetCookie().length, 0, "nothing is expired");
      }
    });

    test("a chunk set cut short (as curl sends 8 KB of cookies) is logged as incomplete", async () => {
      const jar = new Jar();
      jar.store(await get("/note", jar.header(), { method: "PUT", body: "c".repeat(6000) }));
      const res = await get("/session", `jwtsession.0=${jar.cookies.get("jwtsession.0")}`);
      assert.deepEqual(await res.json(), {});
      assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith("jwtsession.0=")), "the chunk is not expired");
      await waitFor(() => /session cookie rejected: incomplete/.test(w.logs()));
    });

    test("alg none is rejected as unsupported_algorithm whatever its signature segment", async () => {
      const none = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify({ counter: 41, exp: now() + 60 }))}.`;
      const res = await get("/session", `jwtsession=${none}`);
      assert.deepEqual(await res.json(), {});
      await waitFor(() => /session cookie rejected: unsupported_algorithm/.test(w.logs()));
    });

    test("a value the handler did not change goes out exactly as it came in", async () => {
      // Above 2^53: JavaScript numbers would round it to 12345678901234567000.
      const token = sign({ user_id: 12345678901234567891n, counter: 1, z: 1, a: 2 });
      const res = await get("/", `jwtsession=${token}`);
      assert.equal(await counterOf(res), 2);
      const text = Buffer.from(tokenIn(sessionCookie(res)[0]).split(".")[1], "base64url").toString();
      assert.match(text, /^\{"user_id":12345678901234567891,"counter":2,"z":1,"a":2,"iat":/);
    });

    test("a session too large to save is a 500 with the reason in the log, not a silent loss", async () => {
      const res = await get("/note", undefined, { method: "PUT", body: "z".repeat(20000) });
      assert.equal(res.status, 500);
      assert.equal(res.headers.getSetCookie().length, 0);
      await res.text();
      await waitFor(() => /session not saved: too_large/.test(w.logs()));
    });
  });
}

describe("time: refresh_after and max_age through bindings", () => {
  let w;
  before(async () => {
    w = await startWorker({ JWT_SESSION_SECRET: SECRET, JWT_SESSION_MAX_AGE: "120", JWT_SESSION_REFRESH_AFTER: "10" });
  });
  after(() => w?.dispose());

  test("a read with nothing changed before refresh_after sets no cookie", async () => {
    const token = sign({ counter: 3 }, { maxAge: 120 });
    const res = await w.fetch("/session", { headers: { Cookie: `jwtsession=${token}` } });
    assert.deepEqual(await res.json(), { counter: 3 });
    assert.equal(res.headers.getSetCookie().length, 0);
    assert.match(res.headers.get("vary"), /cookie/i);
  });

  test("after refresh_after the same read sets a cookie with a later exp", async () => {
    const token = sign({ counter: 3 }, { at: now() - 20, maxAge: 120 });
    const res = await w.fetch("/session", { headers: { Cookie: `jwtsession=${token}` } });
    assert.deepEqual(await res.json(), { counter: 3 });
    const [cookie] = res.headers.getSetCookie();
    assert.match(cookie, /Max-Age=120/);
    assert.ok(payloadOf(cookie.split(";")[0].split("=")[1]).exp > payloadOf(token).exp);
  });
});

for (const target of TARGETS) {
  describe(`${target.name} worker: configuration errors`, () => {
    test("a missing secret answers 500 with a message naming JWT_SESSION_SECRET", async () => {
      const w = await startWorker({}, { script: target.script });
      try {
        const res = await w.fetch("/");
        assert.equal(res.status, 500);
        assert.match(await res.text(), /JWT_SESSION_SECRET/);
        assert.equal(res.headers.getSetCookie().length, 0);
        await waitFor(() => /misconfigured: config: JWT_SESSION_SECRET is not set/.test(w.logs()));
      } finally {
        await w.dispose();
      }
    });

    test("a short secret is refused, never used; the details go to the log, not the page", async () => {
      const w = await startWorker({ JWT_SESSION_SECRET: "too-short" }, { script: target.script });
      try {
        const res = await w.fetch("/");
        assert.equal(res.status, 500);
        const body = await res.text();
        assert.equal(body, "Server misconfigured: check JWT_SESSION_SECRET (details in the Worker's log)\n");
        await waitFor(() => /JWT_SESSION_SECRET is shorter than HS256 needs/.test(w.logs()));
        assert.ok(!w.logs().includes("too-short"));
        assert.ok(!/\b9 bytes\b/.test(w.logs()), "the secret's length is in neither the page nor the log");
      } finally {
        await w.dispose();
      }
    });
  });
}

async function waitFor(predicate, timeoutMs = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) assert.fail("timed out waiting for the Worker's log");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the three implementations share one cookie format", () => {
  const workers = {};
  before(async () => {
    for (const t of TARGETS) workers[t.name] = await startWorker({ JWT_SESSION_SECRET: SECRET }, { script: t.script });
  });
  after(async () => {
    for (const w of Object.values(workers)) await w.dispose();
  });

  test("a cookie set by one implementation is accepted by the next", async () => {
    const jar = new Jar();
    const order = [...TARGETS, ...TARGETS].map((t) => t.name);
    for (const [i, name] of order.entries()) {
      const res = jar.store(await workers[name].fetch("/", { headers: { Cookie: jar.header() } }));
      assert.equal(await counterOf(res), i + 1, `${name} after ${order[i - 1] ?? "nothing"}`);
    }
  });

  test("the same request gets the same Set-Cookie attributes and claims everywhere", async () => {
    const shape = (line) => line.replace(/^jwtsession=[^;]+/, "jwtsession=T").replace(/Expires=[^;]+/, "Expires=E");
    const token = sign({ counter: 41, name: "Ada" });
    const seen = {};
    for (const t of TARGETS) {
      const res = await workers[t.name].fetch("/", { base: "https://example.test", headers: { Cookie: `jwtsession=${token}` } });
      const [line] = sessionCookie(res);
      const claims = payloadOf(tokenIn(line));
      seen[t.name] = { shape: shape(line), keys: Object.keys(claims), counter: claims.counter, name: claims.name };
    }
    assert.deepEqual(seen.js, seen.rust);
    assert.deepEqual(seen.hono, seen.rust);
    assert.deepEqual(seen.rust.keys, ["counter", "name", "iat", "exp", "orig_iat", "sid"]);
  });
});
