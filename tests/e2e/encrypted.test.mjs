// Encrypted mode (JWT_SESSION_MODE = encrypted) in workerd, against the Rust, JS and Hono
// demos: a JWE cookie nobody but the Worker reads, HttpOnly by default; switching between
// single, split and encrypted with one cookie jar logs nobody out; chunked JWEs; the readable
// CSRF cookie; a JWE written outside the project (Node's own HKDF and AES-GCM, as an operator
// or jose would) is the session. Its Miniflare instances use the fixed ports 8860-8879.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Jar, SECRET, now, startWorker } from "./harness.mjs";

const TARGETS = [
  { name: "rust", script: "examples/counter/build/index.js" },
  { name: "js", script: "examples/counter-js/build/index.js" },
  { name: "hono", script: "examples/hono/build/index.js" },
];
// Four Workers per target, each on its own port: 8860-8871.
const BASE_PORT = 8860;

const counterOf = async (response) => Number(/Current counter value: (\d+)/.exec(await response.text())?.[1]);
const names = (response) => response.headers.getSetCookie().map((line) => line.split("=")[0]);
const isJwe = (value) => /^[\w-]+\.\.[\w-]+\.[\w-]*\.[\w-]+$/.test(value);

/** A JWE as the README tells an operator to make one: HKDF-SHA256 key, dir + A256GCM. */
function encryptLikeJose(claims, secret = SECRET) {
  const key = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "worker-jwt-session A256GCM", 32));
  const protectedHeader = Buffer.from(JSON.stringify({ alg: "dir", enc: "A256GCM" })).toString("base64url");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(protectedHeader, "ascii"));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(claims)), cipher.final()]);
  const b64 = (bytes) => bytes.toString("base64url");
  return `${protectedHeader}..${b64(iv)}.${b64(ciphertext)}.${b64(cipher.getAuthTag())}`;
}

async function waitFor(predicate, what, timeoutMs = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

TARGETS.forEach((target, index) => {
  describe(`${target.name}: encrypted mode`, () => {
    let single;
    let split;
    let encrypted;
    let csrf;
    before(async () => {
      const port = BASE_PORT + index * 4;
      const start = (bindings, offset) =>
        startWorker({ JWT_SESSION_SECRET: SECRET, ...bindings }, { script: target.script, port: port + offset });
      single = await start({}, 0);
      split = await start({ JWT_SESSION_MODE: "split" }, 1);
      encrypted = await start({ JWT_SESSION_MODE: "encrypted" }, 2);
      csrf = await start({ JWT_SESSION_MODE: "encrypted", JWT_SESSION_CSRF: "on" }, 3);
    });
    after(async () => {
      for (const w of [single, split, encrypted, csrf]) await w?.dispose();
    });
    const get = async (w, jar, path, init = {}) =>
      jar.store(await w.fetch(path, { ...init, headers: { Cookie: jar.header(), ...(init.headers ?? {}) } }));

    test("the cookie is one HttpOnly JWE with the usual attributes, and the counter counts", async () => {
      const res = await encrypted.fetch("/", { base: "https://example.test" });
      const lines = res.headers.getSetCookie();
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0], /^jwtsession=[\w.-]+; Path=\/; Max-Age=86400; Expires=[^;]+; Secure; HttpOnly; SameSite=Lax$/);
      const value = lines[0].split(";")[0].slice("jwtsession=".length);
      assert.ok(isJwe(value), value);
      assert.ok(!Buffer.from(value.split(".")[3], "base64url").toString("latin1").includes("counter"), "the data is not readable");
      const jar = new Jar();
      for (const want of [1, 2, 3]) assert.equal(await counterOf(await get(encrypted, jar, "/")), want);
    });

    test("a tampered JWE gives a fresh session, logged with the code decrypt", async () => {
      const jar = new Jar();
      await get(encrypted, jar, "/");
      const value = jar.cookies.get("jwtsession");
      const parts = value.split(".");
      const tag = Buffer.from(parts[4], "base64url");
      tag[0] ^= 1;
      parts[4] = tag.toString("base64url");
      const res = await encrypted.fetch("/", { headers: { Cookie: `jwtsession=${parts.join(".")}` } });
      assert.equal(await counterOf(res), 1);
      await waitFor(() => /session cookie rejected: decrypt/.test(encrypted.logs()), "the rejection in the log");
      assert.ok(!encrypted.logs().includes(value.slice(0, 40)), "the token is never logged");
    });

    test("switching single -> encrypted -> split -> encrypted -> single with one jar logs nobody out", async () => {
      const jar = new Jar();
      assert.equal(await counterOf(await get(single, jar, "/")), 1);
      const toEncrypted = await get(encrypted, jar, "/");
      assert.equal(await counterOf(toEncrypted), 2);
      assert.ok(isJwe(jar.cookies.get("jwtsession")));
      const toSplit = await get(split, jar, "/");
      assert.equal(await counterOf(toSplit), 3);
      assert.deepEqual(names(toSplit), ["jwtsession", "jwtsession.sig"]);
      const backToEncrypted = await get(encrypted, jar, "/");
      assert.equal(await counterOf(backToEncrypted), 4);
      assert.deepEqual(names(backToEncrypted), ["jwtsession", "jwtsession.sig"]);
      assert.match(backToEncrypted.headers.getSetCookie()[1], /^jwtsession\.sig=; .*Max-Age=0/, "the leftover signature expired");
      assert.deepEqual([...jar.cookies.keys()], ["jwtsession"]);
      const toSingle = await get(single, jar, "/");
      assert.equal(await counterOf(toSingle), 5);
      assert.equal(jar.cookies.get("jwtsession").split(".").length, 3, "a JWS again");
    });

    test("a large encrypted session goes out in HttpOnly chunks and comes back whole; logout expires all", async () => {
      const jar = new Jar();
      const note = "e".repeat(9000);
      const saved = await get(encrypted, jar, "/note", { method: "PUT", body: note });
      assert.equal(saved.status, 200);
      assert.deepEqual(names(saved), ["jwtsession.0", "jwtsession.1", "jwtsession.2"]);
      assert.ok(saved.headers.getSetCookie().every((line) => /; HttpOnly/.test(line)));
      const back = await get(encrypted, jar, "/session");
      assert.equal((await back.json()).note, note);
      const out = await get(encrypted, jar, "/logout");
      assert.equal(out.headers.getSetCookie().filter((l) => /Max-Age=0/.test(l)).length, 3);
      assert.equal(jar.cookies.size, 0);
    });

    test("a JWE made with Node's own HKDF and AES-GCM is the session; under another secret it is none", async () => {
      const token = encryptLikeJose({ counter: 41, exp: now() + 600 });
      assert.equal(await counterOf(await encrypted.fetch("/", { headers: { Cookie: `jwtsession=${token}` } })), 42);
      // Every mode reads it.
      assert.equal(await counterOf(await single.fetch("/", { headers: { Cookie: `jwtsession=${token}` } })), 42);
      const foreign = encryptLikeJose({ counter: 41, exp: now() + 600 }, "another secret of at least thirty-two bytes");
      assert.equal(await counterOf(await encrypted.fetch("/", { headers: { Cookie: `jwtsession=${foreign}` } })), 1);
    });

    test("with CSRF on, a readable jwtsession.csrf carries the token; unsafe requests need it; logout expires it", async () => {
      const jar = new Jar();
      const first = await get(csrf, jar, "/");
      const lines = first.headers.getSetCookie();
      assert.deepEqual(names(first), ["jwtsession", "jwtsession.csrf"]);
      assert.match(lines[0], /; HttpOnly/);
      assert.doesNotMatch(lines[1], /HttpOnly/, "the page reads it");
      const token = jar.cookies.get("jwtsession.csrf");
      assert.match(token, /^[\w-]{22}$/);
      const put = (headers) => csrf.fetch("/note", { method: "PUT", body: "hi", headers: { Cookie: jar.header(), ...headers } });
      assert.equal((await put({ Origin: "http://example.test" })).status, 403);
      assert.equal((await put({ Origin: "http://example.test", "X-CSRF-Token": "x".repeat(22) })).status, 403);
      const ok = jar.store(await put({ Origin: "http://example.test", "X-CSRF-Token": token }));
      assert.equal(ok.status, 200);
      assert.equal(jar.cookies.get("jwtsession.csrf"), token, "the token is kept while the session changes");
      const out = await get(csrf, jar, "/logout");
      assert.deepEqual(names(out).sort(), ["jwtsession", "jwtsession.csrf"]);
      assert.equal(jar.cookies.size, 0);
      // Switching away from encrypted mode expires a leftover CSRF cookie.
      const again = new Jar();
      await get(csrf, again, "/");
      const toSingle = await get(single, again, "/");
      assert.match(toSingle.headers.getSetCookie().find((l) => l.startsWith("jwtsession.csrf=")) ?? "", /Max-Age=0/);
    });

    test("an explicit JWT_SESSION_HTTP_ONLY=false still rules in encrypted mode", async () => {
      const w = await startWorker(
        { JWT_SESSION_SECRET: SECRET, JWT_SESSION_MODE: "encrypted", JWT_SESSION_HTTP_ONLY: "false" },
        { script: target.script, port: BASE_PORT + 12 + index },
      );
      try {
        const [line] = (await w.fetch("/")).headers.getSetCookie();
        assert.ok(isJwe(line.split(";")[0].slice("jwtsession=".length)));
        assert.doesNotMatch(line, /HttpOnly/);
      } finally {
        await w.dispose();
      }
    });
  });
});
