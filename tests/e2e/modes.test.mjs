// Cookie modes (JWT_SESSION_MODE = single | split) and CSRF protection (JWT_SESSION_CSRF), in
// workerd, against the Rust, JS and Hono demos: everything is decided by the engine, so the
// three must answer the same.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Jar, SECRET, startWorker } from "./harness.mjs";

const TARGETS = [
  { name: "rust", script: "examples/counter/build/index.js" },
  { name: "js", script: "examples/counter-js/build/index.js" },
  { name: "hono", script: "examples/hono/build/index.js" },
];

const counterOf = async (response) => Number(/Current counter value: (\d+)/.exec(await response.text())?.[1]);
const payloadOf = (value) => JSON.parse(Buffer.from(value.split(".")[1], "base64url").toString());
const names = (response) => response.headers.getSetCookie().map((line) => line.split("=")[0]);

async function waitFor(predicate, what, timeoutMs = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A jar that keeps the HttpOnly flag, to play the page's scripts (`document.cookie`). */
class BrowserJar extends Jar {
  constructor() {
    super();
    this.httpOnly = new Set();
  }
  store(response) {
    super.store(response);
    for (const line of response.headers.getSetCookie()) {
      const name = line.split("=")[0];
      if (/;\s*HttpOnly/i.test(line)) this.httpOnly.add(name);
    }
    return response;
  }
  /** What `document.cookie` shows. */
  scriptVisible() {
    return [...this.cookies].filter(([k]) => !this.httpOnly.has(k)).map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

for (const target of TARGETS) {
  describe(`${target.name}: cookie modes`, () => {
    let single;
    let split;
    before(async () => {
      single = await startWorker({ JWT_SESSION_SECRET: SECRET }, { script: target.script });
      split = await startWorker({ JWT_SESSION_SECRET: SECRET, JWT_SESSION_MODE: "split" }, { script: target.script });
    });
    after(async () => {
      await single?.dispose();
      await split?.dispose();
    });
    const get = async (w, jar, path, init = {}) =>
      jar.store(await w.fetch(path, { ...init, headers: { Cookie: jar.header(), ...(init.headers ?? {}) } }));

    test("split mode writes a readable header.payload and an HttpOnly signature with the same attributes", async () => {
      const res = await split.fetch("/", { base: "https://example.test" });
      const [data, sig] = res.headers.getSetCookie();
      assert.match(data, /^jwtsession=[\w-]+\.[\w-]+; Path=\/; Max-Age=86400; Expires=[^;]+; Secure; SameSite=Lax$/);
      assert.match(sig, /^jwtsession\.sig=[\w-]{43}; Path=\/; Max-Age=86400; Expires=[^;]+; Secure; HttpOnly; SameSite=Lax$/);
      assert.equal(payloadOf(data.split(";")[0].slice("jwtsession=".length)).counter, 1);
    });

    test("the XSS model: what document.cookie shows continues a single-mode session, not a split one", async () => {
      for (const [w, stolenWorks] of [
        [single, true],
        [split, false],
      ]) {
        const jar = new BrowserJar();
        await get(w, jar, "/");
        await get(w, jar, "/");
        // The attacker replays, from elsewhere, only what a script on the page could read.
        const res = await w.fetch("/", { headers: { Cookie: jar.scriptVisible() } });
        assert.equal(await counterOf(res), stolenWorks ? 3 : 1, stolenWorks ? "single" : "split");
      }
    });

    test("mixing the halves of two sessions, a half alone, or a signature alone gives a fresh session", async () => {
      const a = new Jar();
      const b = new Jar();
      await get(split, a, "/");
      await get(split, a, "/");
      await get(split, b, "/");
      for (const cookie of [
        `jwtsession=${a.cookies.get("jwtsession")}; jwtsession.sig=${b.cookies.get("jwtsession.sig")}`,
        `jwtsession=${a.cookies.get("jwtsession")}`,
        `jwtsession.sig=${a.cookies.get("jwtsession.sig")}`,
      ]) {
        const res = await split.fetch("/", { headers: { Cookie: cookie } });
        assert.equal(await counterOf(res), 1, cookie.slice(0, 30));
      }
    });

    test("switching modes both ways with one cookie jar logs nobody out", async () => {
      const jar = new Jar();
      assert.equal(await counterOf(await get(single, jar, "/")), 1);
      const toSplit = await get(split, jar, "/");
      assert.equal(await counterOf(toSplit), 2);
      assert.deepEqual(names(toSplit), ["jwtsession", "jwtsession.sig"]);
      const back = await get(single, jar, "/");
      assert.equal(await counterOf(back), 3);
      assert.deepEqual(names(back), ["jwtsession", "jwtsession.sig"], "the whole token, and the signature expired");
      assert.match(back.headers.getSetCookie()[1], /^jwtsession\.sig=; .*Max-Age=0/);
      assert.deepEqual([...jar.cookies.keys()], ["jwtsession"]);
    });

    test("a large split session goes out in chunks plus its signature and comes back whole; logout expires all", async () => {
      const jar = new Jar();
      const note = "s".repeat(9000);
      const saved = await get(split, jar, "/note", { method: "PUT", body: note });
      assert.equal(saved.status, 200);
      assert.deepEqual(names(saved), ["jwtsession.0", "jwtsession.1", "jwtsession.2", "jwtsession.sig"]);
      const back = await get(split, jar, "/session");
      assert.equal((await back.json()).note, note);
      const out = await get(split, jar, "/logout");
      assert.equal(out.headers.getSetCookie().filter((l) => /Max-Age=0/.test(l)).length, 4);
      assert.equal(jar.cookies.size, 0);
    });
  });

  describe(`${target.name}: CSRF protection`, () => {
    let w;
    before(async () => {
      w = await startWorker(
        { JWT_SESSION_SECRET: SECRET, JWT_SESSION_CSRF: "on", JWT_SESSION_TRUSTED_ORIGINS: "https://admin.example" },
        { script: target.script },
      );
    });
    after(() => w?.dispose());
    const OWN = "http://example.test";

    async function session() {
      const jar = new Jar();
      jar.store(await w.fetch("/", { headers: { Cookie: jar.header() } }));
      return { jar, token: payloadOf(jar.cookies.get("jwtsession")).csrf };
    }
    const put = (jar, headers) => w.fetch("/note", { method: "PUT", body: "hi", headers: { Cookie: jar.header(), ...headers } });

    test("the session carries a 22-character csrf claim, kept while the session changes", async () => {
      const { jar, token } = await session();
      assert.match(token, /^[\w-]{22}$/);
      jar.store(await w.fetch("/", { headers: { Cookie: jar.header() } }));
      assert.equal(payloadOf(jar.cookies.get("jwtsession")).csrf, token);
    });

    test("an unsafe request is refused (403, code csrf, handler not run, nothing saved) unless origin and token are right", async () => {
      const { jar, token } = await session();
      for (const [name, headers, want] of [
        ["no token", { Origin: OWN }, 403],
        ["a wrong token", { Origin: OWN, "X-CSRF-Token": "x".repeat(22) }, 403],
        ["the right token, a foreign Origin", { Origin: "https://evil.example", "X-CSRF-Token": token }, 403],
        ["the right token, Origin null", { Origin: "null", "X-CSRF-Token": token }, 403],
        ["no Origin, Sec-Fetch-Site cross-site", { "Sec-Fetch-Site": "cross-site", "X-CSRF-Token": token }, 403],
        ["the right token, its own Origin", { Origin: OWN, "X-CSRF-Token": token }, 200],
        ["the right token, a trusted Origin", { Origin: "https://admin.example", "X-CSRF-Token": token }, 200],
        ["the right token, no Origin", { "X-CSRF-Token": token }, 200],
      ]) {
        const res = await put(jar, headers);
        assert.equal(res.status, want, name);
        if (want === 403) {
          assert.equal(await res.text(), "Forbidden: cross-site request refused (csrf)\n", name);
          assert.equal(res.headers.getSetCookie().length, 0, `${name}: nothing committed`);
        } else {
          assert.match(await res.text(), /^Saved a note of 2 bytes/, name);
        }
      }
      await waitFor(() => /request refused: csrf: /.test(w.logs()), "the refusal in the log");
      assert.ok(!w.logs().includes(token), "the token is never logged");
    });

    test("safe methods are never refused, whatever the Origin", async () => {
      const { jar } = await session();
      const res = await w.fetch("/", { headers: { Cookie: jar.header(), Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" } });
      assert.equal(res.status, 200);
      assert.equal(await counterOf(res), 2);
    });

    test("without a session yet, only the Origin is checked", async () => {
      const ok = await w.fetch("/note", { method: "PUT", body: "first", headers: { Origin: OWN } });
      assert.equal(ok.status, 200);
      assert.match(payloadOf(ok.headers.getSetCookie()[0].split(";")[0].slice("jwtsession=".length)).csrf, /^[\w-]{22}$/);
      const foreign = await w.fetch("/note", { method: "PUT", body: "first", headers: { Origin: "https://evil.example" } });
      assert.equal(foreign.status, 403);
    });
  });
}
