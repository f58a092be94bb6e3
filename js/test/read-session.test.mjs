// readSession() over the built package: the cookies as `document.cookie` shows them, found
// and put back together by the Worker's own parser (cookie::session_cookies, in the wasm).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readSession } from "worker-jwt-session";

const NOW = 1_800_000_000;
const b64url = (text) => Buffer.from(text).toString("base64url");
const tokenOf = (payload) => `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.${"s".repeat(43)}`;
const session = (data, { iat = NOW - 60, exp = iat + 86400 } = {}) => ({ ...data, iat, exp, orig_iat: iat });
const read = (cookie, name, now = NOW) => readSession(name, { cookie, now });

/** How the Worker splits a token over cookies of at most 4096 bytes (cookie::split_into_chunks). */
function chunks(name, token) {
  const out = [];
  for (let i = 0, rest = token; rest; i++) {
    const room = 4096 - `${name}.${i}`.length;
    out.push(`${name}.${i}=${rest.slice(0, room)}`);
    rest = rest.slice(room);
  }
  return out;
}

describe("readSession", () => {
  test("reads the jwtsession cookie among others", () => {
    const s = session({ counter: 2, user: "ada" });
    assert.deepEqual(read(`theme=dark; jwtsession=${tokenOf(s)}; lang=en`), s);
    assert.deepEqual(read(`jwtsession=${tokenOf(s)}`, undefined), s);
  });

  test("reads a cookie of another name", () => {
    const s = session({ counter: 3 });
    assert.deepEqual(read(`jwtsession=junk; __Host-sid=${tokenOf(s)}`, "__Host-sid"), s);
    assert.equal(read(`jwtsession=${tokenOf(s)}`, "sid"), null);
    assert.equal(read(`xjwtsession=${tokenOf(s)}; jwtsessions=${tokenOf(s)}`), null);
  });

  test("is null without a cookie, and in Node where there is no document.cookie", () => {
    assert.equal(read(""), null);
    assert.equal(read("other=1"), null);
    assert.equal(readSession(), null);
    assert.equal(readSession("jwtsession", {}), null);
  });

  test("never throws for a cookie that does not decode: it is no session", () => {
    for (const bad of ["jwtsession=", "jwtsession=x", "jwtsession=a.b.c", 'jwtsession="', "jwtsession=%", "jwtsession=%FF.%FF.%FF", `jwtsession=${tokenOf("[1]")}`, "jwtsession=e30.WzFd.e30", ";;;=;=jwtsession"]) {
      assert.equal(read(bad), null, bad);
    }
  });

  test("reads values exactly as the Worker does: quotes removed, %XX left as it is", () => {
    const s = session({ name: "Zoë" });
    const token = tokenOf(s);
    assert.deepEqual(read(`jwtsession="${token}"`), s);
    // The Worker does not percent-decode, so a percent-encoded token is no session here either.
    const encoded = token.replaceAll(".", "%2E");
    assert.equal(read(`jwtsession=${encoded}`), null);
    assert.deepEqual(read(` jwtsession = ${token} ;other=1`), s);
  });

  test("puts a chunked session back together, whatever the order of the cookies", () => {
    const s = session({ note: "n".repeat(6000), unicode: "日本語".repeat(300) });
    const parts = chunks("jwtsession", tokenOf(s));
    assert.equal(parts.length, 3);
    assert.deepEqual(read(parts.join("; ")), s);
    assert.deepEqual(read(["a=1", ...parts.toReversed()].join("; ")), s);
    // A gap: only the run from .0 counts, and it is not a token.
    assert.equal(read(parts.filter((_, i) => i !== 1).join("; ")), null);
    // No .0: nothing to start from.
    assert.equal(read(parts.slice(1).join("; ")), null);
  });

  test("reads as many chunks as the Worker accepts: 4 by default, maxChunks when configured", () => {
    const s = session({ note: "x".repeat(48_000) });
    const parts = chunks("s", tokenOf(s));
    assert.equal(parts.length, 16);
    assert.equal(read(parts.join("; "), "s"), null, "a default Worker refuses 16 chunks, so the page shows none");
    assert.deepEqual(readSession("s", { cookie: parts.join("; "), now: NOW, maxChunks: 16 }), s);
    // The most a Worker can be configured with: 32 chunks, 128 KiB of token.
    const largest = chunks("s", tokenOf(session({ note: "x".repeat(97_000) })));
    assert.equal(largest.length, 32);
    assert.deepEqual(readSession("s", { cookie: largest.join("; "), now: NOW, maxChunks: 32 })?.note.length, 97_000);
    const small = chunks("s", tokenOf(session({ note: "x".repeat(10_000) })));
    assert.equal(small.length, 4);
    assert.deepEqual(read(small.join("; "), "s")?.note.length, 10_000);
  });

  test("an expired session is no session, with the Worker's 30 s leeway or the one configured", () => {
    const s = (exp) => `jwtsession=${tokenOf(session({ counter: 1 }, { iat: exp - 3600, exp }))}`;
    assert.equal(read(s(NOW - 31)), null);
    assert.equal(read(s(NOW - 30)), null); // exp + leeway <= now: expired
    assert.deepEqual(read(s(NOW - 29))?.counter, 1);
    assert.deepEqual(read(s(NOW + 3600))?.counter, 1);
    assert.equal(readSession("jwtsession", { cookie: s(NOW - 29), now: NOW, leeway: 0 }), null);
    assert.deepEqual(readSession("jwtsession", { cookie: s(NOW - 100), now: NOW, leeway: 120 })?.counter, 1);
  });

  test("takes now in seconds or as a Date, and defaults to the clock", () => {
    const cookie = `jwtsession=${tokenOf(session({ counter: 1 }, { iat: NOW, exp: NOW + 100 }))}`;
    assert.equal(readSession("jwtsession", { cookie, now: new Date((NOW + 131) * 1000) }), null);
    assert.equal(readSession("jwtsession", { cookie, now: new Date((NOW + 129) * 1000) })?.counter, 1);
    const live = `jwtsession=${tokenOf(session({ counter: 5 }, { iat: Date.now() / 1000 }))}`;
    assert.equal(readSession("jwtsession", { cookie: live })?.counter, 5);
    assert.equal(readSession("jwtsession", { cookie })?.counter ?? null, NOW + 100 > Date.now() / 1000 ? 1 : null);
  });

  test("an exp that is not a number is no session; a legacy token without exp is one", () => {
    assert.equal(read(`jwtsession=${tokenOf({ counter: 1, exp: "tomorrow" })}`), null);
    assert.equal(read(`jwtsession=${tokenOf({ counter: 1, exp: null })}`), null);
    assert.deepEqual(read(`jwtsession=${tokenOf({ counter: 1 })}`), { counter: 1 });
    // The wsgi_jwt_session README's cookie, which has no exp.
    assert.deepEqual(read("jwtsession=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q"), { counter: 1 });
  });

  test("tries candidates in the Worker's order: plain cookies, then the chunks; first live one wins", () => {
    const a = session({ who: "a" });
    const b = session({ who: "b" });
    const expired = session({ who: "old" }, { iat: NOW - 9000, exp: NOW - 3600 });
    assert.equal(read(`jwtsession=${tokenOf(a)}; jwtsession=${tokenOf(b)}`).who, "a");
    assert.equal(read(`jwtsession=junk; jwtsession=${tokenOf(expired)}; jwtsession=${tokenOf(b)}`).who, "b");
    const chunked = chunks("jwtsession", tokenOf(session({ who: "chunks", pad: "p".repeat(5000) })));
    assert.equal(read([...chunked, `jwtsession=${tokenOf(a)}`].join("; ")).who, "a");
    assert.equal(read([...chunked, `jwtsession=${tokenOf(expired)}`].join("; ")).who, "chunks");
  });

  test("keeps numbers and key order as JSON.parse gives them", () => {
    const s = read(`jwtsession=${tokenOf({ z: 1, big: 12345678901234567890, a: 2, exp: NOW + 60 })}`);
    assert.deepEqual(Object.keys(s), ["z", "big", "a", "exp"]);
    assert.equal(s.big, 12345678901234567000);
  });

  test("rejects arguments that are not strings with a TypeError", () => {
    assert.throws(() => readSession(null, { cookie: "" }), TypeError);
    assert.throws(() => readSession("jwtsession", { cookie: 42 }), TypeError);
  });
});
