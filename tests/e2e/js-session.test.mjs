// The JS session object end to end in workerd, through both npm entries
// (`worker-jwt-session/worker` in examples/counter-js, `/hono` in examples/hono): changes made
// through references are saved, untouched values go out exactly as they came in, `set` refuses
// what a token cannot carry with the engine's codes, a session that cannot be saved is the
// engine's clean 500, and `regenerate()` shows the new id at once. Nothing may be uncaught.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Jar, now, payloadOf, SECRET, sign, startWorker } from "./harness.mjs";

const TARGETS = [
  { name: "js", script: "examples/counter-js/build/index.js" },
  { name: "hono", script: "examples/hono/build/index.js" },
];

// The engine's limit (session::MAX_VALUE_DEPTH), also exported as MAX_VALUE_DEPTH by the entries.
const MAX_VALUE_DEPTH = 126;
const UNSAVED_BODY = "Internal Server Error: the session could not be saved\n";
// What workerd prints for an exception that escaped the Worker.
const UNCAUGHT = /Uncaught|TypeError|RangeError|SyntaxError|ReferenceError|internal error/;

const b64 = (text) => Buffer.from(text).toString("base64url");
const tokenOf = (res) => {
  const line = res.headers.getSetCookie().find((c) => c.startsWith("jwtsession="));
  return line && line.split(";")[0].slice("jwtsession=".length);
};
/** The payload as the token carries it: text, not JSON.parse'd (which would round big integers). */
const payloadText = (token) => Buffer.from(token.split(".")[1], "base64url").toString();

/** A token whose payload is exactly `payload` (text), signed HS256 with SECRET. */
function signText(payload) {
  const input = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64(payload)}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

/** Depth of a JSON value as the engine counts it: a primitive is 0, `[]` is 1. */
function depthOf(value) {
  let max = 0;
  const stack = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop();
    max = Math.max(max, d);
    if (v && typeof v === "object") for (const child of Object.values(v)) stack.push([child, d + 1]);
    if (v && typeof v === "object" && Object.keys(v).length === 0) max = Math.max(max, d + 1);
  }
  return max;
}

for (const target of TARGETS) {
  describe(`${target.name}: the session object`, () => {
    let w;
    before(async () => {
      w = await startWorker({ JWT_SESSION_SECRET: SECRET, COUNTER_FAULT_ROUTES: "true" }, { script: target.script });
    });
    after(() => w?.dispose());

    const get = (path, cookie) => w.fetch(path, { headers: cookie ? { Cookie: cookie } : {} });
    const assertNothingUncaught = () => assert.doesNotMatch(w.logs(), UNCAUGHT, "nothing escapes the Worker");

    test("a change through the array get() returns is saved, and accumulates", async () => {
      const jar = new Jar();
      const items = ["apple", "pear", "fig"];
      for (const [i, item] of items.entries()) {
        const res = jar.store(await get(`/cart/add/${item}`, jar.header()));
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), items.slice(0, i + 1));
        assert.ok(tokenOf(res), `request ${i + 1} sets the cookie`);
        assert.equal(res.headers.get("x-session-modified"), "true", "isModified() says what is saved");
        assert.deepEqual(payloadOf(tokenOf(res)).cart, items.slice(0, i + 1));
      }
      const read = await get("/cart", jar.header());
      assert.deepEqual(await read.json(), items);
      assert.equal(read.headers.getSetCookie().length, 0, "a read compares equal: nothing to save");
      assert.equal(read.headers.get("x-session-modified"), "false");
      assert.match(read.headers.get("vary"), /cookie/i);
      assertNothingUncaught();
    });

    test("values the handler did not change go out exactly as they came in", async () => {
      // As the Rust Worker, PyJWT or the CLI write it: above 2^53 (JS would make it
      // 12345678901234567000), a float, keys out of alphabetical order.
      const iat = now();
      const token = signText(
        `{"user_id":12345678901234567891,"price":1.10,"tiny":0.30000000000000004,"z":1,"a":2,"iat":${iat},"exp":${iat + 3600}}`,
      );
      const res = await get("/", `jwtsession=${token}`);
      assert.equal(await res.text(), "Current counter value: 1\n");
      const text = payloadText(tokenOf(res));
      // The engine holds floats as f64 (serde_json without arbitrary_precision): the value is
      // kept to the last bit, and written in its shortest form, so "1.10" comes back as "1.1".
      assert.match(
        text,
        /^\{"user_id":12345678901234567891,"price":1\.1,"tiny":0\.30000000000000004,"z":1,"a":2,"counter":1,"iat":/,
      );
      // And again on the next request, from the engine's own token.
      const again = await get("/", `jwtsession=${tokenOf(res)}`);
      assert.match(payloadText(tokenOf(again)), /^\{"user_id":12345678901234567891,"price":1\.1,.*"counter":2,/);
      // A CLI-signed token (harness sign) keeps its big integer as well.
      const cli = sign({ user_id: 12345678901234567891n, z: 1, a: 2 });
      const viaCli = await get("/cart/add/tea", `jwtsession=${cli}`);
      assert.match(payloadText(tokenOf(viaCli)), /^\{"user_id":12345678901234567891,"z":1,"a":2,"cart":\["tea"\],/);
      assertNothingUncaught();
    });

    const refused = {
      "reserved": "reserved_claim",
      "reserved-array": "bad_json",
      "number-key": "bad_json",
      "surrogate": "bad_json",
      "surrogate-key": "bad_json",
      "nested-surrogate": "bad_json",
      "deep": "bad_json",
      "undefined": "bad_json",
      "function": "bad_json",
      "bigint": "bad_json",
    };
    test("set refuses what a token cannot carry, with the engine's codes, and the request still answers", async () => {
      for (const [name, code] of Object.entries(refused)) {
        const res = await get(`/fault/set?case=${name}`);
        assert.equal(res.status, 200, name);
        assert.deepEqual(await res.json(), { code }, name);
        assert.equal(res.headers.getSetCookie().length, 0, `${name}: nothing stored`);
      }
      assertNothingUncaught();
    });

    test("the deepest value set allows is saved and loads again", async () => {
      const res = await get("/fault/set?case=deepest-allowed");
      assert.deepEqual(await res.json(), { stored: true });
      const back = await get("/session", `jwtsession=${tokenOf(res)}`);
      assert.equal(depthOf((await back.json()).deep), MAX_VALUE_DEPTH);
      assertNothingUncaught();
    });

    test("__proto__ is stored as data and round-trips", async () => {
      const res = await get("/fault/set?case=__proto__");
      assert.deepEqual(await res.json(), { stored: { admin: true } });
      const token = tokenOf(res);
      assert.match(payloadText(token), /^\{"__proto__":\{"admin":true\},"iat":/);
      const back = await get("/session", `jwtsession=${token}`);
      const data = JSON.parse(await back.text());
      assert.ok(Object.hasOwn(data, "__proto__"));
      assert.deepEqual(Object.keys(data), ["__proto__"]);
      assert.deepEqual(data.__proto__, { admin: true });
      // Kept, untouched, when the handler changes another key.
      const next = await get("/", `jwtsession=${token}`);
      assert.match(payloadText(tokenOf(next)), /^\{"__proto__":\{"admin":true\},"counter":1,/);
      assertNothingUncaught();
    });

    for (const [route, code] of [
      ["/fault/deep-ref", "bad_json"],
      ["/fault/bigint-ref", "bad_json"],
    ]) {
      test(`${route}: a value that cannot be saved, made through a reference, is the engine's 500`, async () => {
        const jar = new Jar();
        jar.store(await get("/cart/add/apple", jar.header()));
        const before = jar.header();
        const res = await get(route, before);
        assert.equal(res.status, 500);
        assert.equal(await res.text(), UNSAVED_BODY);
        assert.match(res.headers.get("content-type"), /^text\/plain/);
        assert.equal(res.headers.getSetCookie().length, 0);
        await waitFor(() => new RegExp(`worker-jwt-session: session not saved: ${code}: `).test(w.logs()));
        // The old cookie is still valid and unchanged.
        const cart = await get("/cart", before);
        assert.deepEqual(await cart.json(), ["apple"]);
        assertNothingUncaught();
      });
    }

    test("regenerate() shows the new id at once, and it is the id saved", async () => {
      const jar = new Jar();
      jar.store(await get("/cart/add/apple", jar.header()));
      const oldId = payloadOf(jar.cookies.get("jwtsession")).sid;
      const res = jar.store(await get("/login/ada", jar.header()));
      const { id } = await res.json();
      assert.match(id, /^[A-Za-z0-9_-]{22}$/);
      assert.notEqual(id, oldId);
      const claims = payloadOf(jar.cookies.get("jwtsession"));
      assert.equal(claims.sid, id);
      assert.equal(claims.sub, "ada");
      assert.deepEqual(claims.cart, ["apple"]);
      // A new session from no cookie gets its id at once too.
      const fresh = await get("/login/bob");
      assert.equal((await fresh.json()).id, payloadOf(tokenOf(fresh)).sid);
      assertNothingUncaught();
    });

    test("nothing uncaught in the whole run", () => {
      assertNothingUncaught();
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
