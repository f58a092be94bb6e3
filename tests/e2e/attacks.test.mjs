// The attack suite end to end: a representative subset of tests/attack_cases through the demo
// Worker in workerd (each answer a fresh session with status 200, and the exact error code in
// the Worker's log), every seed-corpus input replayed as a Cookie header, and the faults: a
// handler that fails or panics, a missing secret, a malformed previous-secret list.
// Fixed ports 8820-8829 on 127.0.0.1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { b64url, Jar, now, OLD_SECRET, ROOT, SECRET, sign, startWorker } from "./harness.mjs";

const OTHER_SECRET = "some-other-secret-that-is-long-enough-0123";
const GOOD_HEADER = '{"alg":"HS256","typ":"JWT"}';

/** header.payload.signature over raw JSON text, MAC'd with `secret` (HS256 unless told). */
function forge(header, payload, { secret = SECRET, alg = "sha256", sig } = {}) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const mac = sig ?? createHmac(alg, secret).update(input).digest();
  return `${input}.${Buffer.from(mac).toString("base64url")}`;
}
const fresh = (extra = "") => `{"counter":41,"iat":${now()},"exp":${now() + 3600}${extra}}`;

const counterOf = async (response) => {
  const text = await response.text();
  const m = /^Current counter value: (\d+)$/m.exec(text);
  assert.ok(m, `unexpected body: ${text.slice(0, 200)}`);
  return Number(m[1]);
};

async function waitFor(predicate, what, timeoutMs = 5000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("attacks through the Worker: a fresh session, status 200, the exact code logged", () => {
  let w;
  before(async () => {
    w = await startWorker({ JWT_SESSION_SECRET: SECRET }, { port: 8820 });
  });
  after(() => w?.dispose());

  const good = () => forge(GOOD_HEADER, fresh());
  const noneHeader = (alg) => `{"alg":"${alg}","typ":"JWT"}`;
  const deep = (n) => `{"counter":41,"exp":${now() + 3600},"deep":${"[".repeat(n)}1${"]".repeat(n)}}`;
  const sigOf = (t) => t.split(".")[2];
  const flipBit = (token, bit) => {
    const [h, p, s] = token.split(".");
    const bytes = Buffer.from(s, "base64url");
    bytes[bit >> 3] ^= 1 << (bit & 7);
    return `${h}.${p}.${bytes.toString("base64url")}`;
  };

  // [name, token, code]: the token goes in as `jwtsession=<token>`.
  const cases = () => [
    ["alg none, no signature", `${b64url(noneHeader("none"))}.${b64url(fresh())}.`, "unsupported_algorithm"],
    ["alg none, with a signature", forge(noneHeader("none"), fresh()), "unsupported_algorithm"],
    ["alg NoNe", forge(noneHeader("NoNe"), fresh()), "unsupported_algorithm"],
    ["alg RS256 over an HMAC of the key", forge(noneHeader("RS256"), fresh()), "unsupported_algorithm"],
    ["alg ES256", forge(noneHeader("ES256"), fresh()), "unsupported_algorithm"],
    ["alg HS512, not allowed", forge(noneHeader("HS512"), fresh(), { alg: "sha512" }), "unsupported_algorithm"],
    ["alg missing", forge('{"typ":"JWT"}', fresh()), "unsupported_algorithm"],
    ["alg not a string", forge('{"alg":256}', fresh()), "unsupported_algorithm"],
    ["alg duplicated", forge('{"alg":"HS256","alg":"none"}', fresh()), "bad_json"],
    ["HS384 MAC under an HS256 header", forge(GOOD_HEADER, fresh(), { alg: "sha384" }), "bad_signature"],
    ["2 segments", good().split(".").slice(0, 2).join("."), "malformed"],
    // Five segments are read as a JWE (encrypted mode): this one's header is a JWS header.
    ["5 segments, a JWS header", `${good()}.${sigOf(good())}.${sigOf(good())}`, "unsupported_algorithm"],
    ["5 segments, a JWE of another key", `${b64url('{"alg":"dir","enc":"A256GCM"}')}..QkJCQkJCQkJCQkJC.e30.${"A".repeat(22)}`, "decrypt"],
    ["6 segments", `${good()}.${sigOf(good())}.${sigOf(good())}.${sigOf(good())}`, "malformed"],
    ["empty payload segment", `${b64url(GOOD_HEADER)}..${sigOf(good())}`, "malformed"],
    ["padding", `${good()}=`, "bad_base64"],
    ["non-canonical base64 (e31)", `e31.${good().split(".").slice(1).join(".")}`, "bad_base64"],
    ["standard base64 '+'", good().replace(".", "+."), "bad_base64"],
    ["header not UTF-8", forge(Buffer.from('{"alg":"HS256","x":"\xff"}', "latin1"), fresh()), "bad_json"],
    ["header an array", forge('["HS256"]', fresh()), "bad_json"],
    ["payload an array", forge(GOOD_HEADER, "[41]"), "bad_json"],
    ["payload trailing data", forge(GOOD_HEADER, `${fresh()}x`), "bad_json"],
    ["payload nested 1000 deep", forge(GOOD_HEADER, deep(1000)), "bad_json"],
    ["exp a string", forge(GOOD_HEADER, `{"counter":41,"exp":"${now() + 3600}"}`), "malformed"],
    ["exp NaN (not JSON)", forge(GOOD_HEADER, '{"counter":41,"exp":NaN}'), "bad_json"],
    ["exp 1e400 (not a double)", forge(GOOD_HEADER, '{"counter":41,"exp":1e400}'), "bad_json"],
    ["exp in the past", forge(GOOD_HEADER, `{"counter":41,"exp":${now() - 3600}}`), "expired"],
    ["exp negative", forge(GOOD_HEADER, '{"counter":41,"exp":-1}'), "expired"],
    ["exp missing", forge(GOOD_HEADER, '{"counter":41}'), "missing_exp"],
    ["nbf past 2^63", forge(GOOD_HEADER, fresh(',"nbf":9223372036854775808')), "not_yet_valid"],
    ["iat in the future", forge(GOOD_HEADER, fresh().replace(/"iat":\d+/, `"iat":${now() + 3600}`)), "issued_in_future"],
    ["crit", forge('{"alg":"HS256","crit":["exp"]}', fresh()), "malformed"],
    ["typ JWE", forge('{"alg":"HS256","typ":"JWE"}', fresh()), "malformed"],
    ["kid unknown", forge('{"alg":"HS256","kid":"../../etc/passwd"}', fresh()), "unknown_key"],
    ["kid of 3000 characters", forge(`{"alg":"HS256","kid":"${"k".repeat(3000)}"}`, fresh()), "unknown_key"],
    ["kid SQL", forge(`{"alg":"HS256","kid":"' OR 1=1 --"}`, fresh()), "unknown_key"],
    ["signature truncated", `${good().split(".").slice(0, 2).join(".")}.${Buffer.from(sigOf(good()), "base64url").subarray(0, 31).toString("base64url")}`, "bad_signature"],
    ["signature extended", `${good().split(".").slice(0, 2).join(".")}.${Buffer.concat([Buffer.from(sigOf(good()), "base64url"), Buffer.of(0)]).toString("base64url")}`, "bad_signature"],
    ["signature bit 0 flipped", flipBit(good(), 0), "bad_signature"],
    ["signature bit 255 flipped", flipBit(good(), 255), "bad_signature"],
    ["another key's signature", forge(GOOD_HEADER, fresh(), { secret: OTHER_SECRET }), "bad_signature"],
    ["the empty key's signature", forge(GOOD_HEADER, fresh(), { secret: "" }), "bad_signature"],
    ["the previous key's, unknown to this Worker", sign({ counter: 41 }, { secret: OLD_SECRET }), "bad_signature"],
    ["tampered payload", `${b64url(GOOD_HEADER)}.${b64url(fresh().replace("41", "42"))}.${sigOf(good())}`, "bad_signature"],
  ];

  test("each attack gives a fresh session and logs its exact code", async () => {
    for (const [name, token, code] of cases()) {
      const seen = w.logs().length;
      const res = await w.fetch("/", { headers: { Cookie: `jwtsession=${token}` } });
      assert.equal(res.status, 200, name);
      assert.equal(await counterOf(res), 1, name);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith("jwtsession="));
      assert.ok(cookie, `${name}: the bad cookie is replaced`);
      await waitFor(() => /session cookie rejected: (\w+)/.test(w.logs().slice(seen)), `${name}'s log line`);
      assert.equal(/session cookie rejected: (\w+)/.exec(w.logs().slice(seen))[1], code, name);
      assert.ok(!w.logs().includes(token.split(".")[2] || token), `${name}: the token is not logged`);
    }
  });

  test("valid tokens at the edges are accepted: exp past 2^64, escaped alg, typ in lower case", async () => {
    for (const [name, token] of [
      ["exp 2^64", forge(GOOD_HEADER, '{"counter":41,"exp":18446744073709551616}')],
      ["exp 1e300", forge(GOOD_HEADER, '{"counter":41,"exp":1e300}')],
      ["alg with escapes", forge('{"alg":"\\u0048S256"}', fresh())],
      ["typ jwt", forge('{"alg":"HS256","typ":"jwt"}', fresh())],
    ]) {
      const res = await w.fetch("/", { headers: { Cookie: `jwtsession=${token}` } });
      assert.equal(res.status, 200, name);
      assert.equal(await counterOf(res), 42, name);
    }
  });

  test("sizes: 100 KB Cookie headers, a megabyte token, 4 000 cookies, 10 000 keys", async () => {
    const genuine = forge(GOOD_HEADER, fresh());
    const junk = Array.from({ length: 8000 }, (_, i) => `c${i}=v${i}`).join("; ");
    assert.ok(junk.length > 100_000);
    const manyKeys = (n) => `{"counter":41,"exp":${now() + 3600}${Array.from({ length: n }, (_, i) => `,"k${i}":${i}`).join("")}}`;
    for (const [name, header, want] of [
      ["100 KB of other cookies, then the session", `${junk}; jwtsession=${genuine}`, 42],
      ["a 100 KB session value", `jwtsession=${"x".repeat(100 * 1024)}`, 1],
      ["100 KB of semicolons, then the session", `${";".repeat(100 * 1024)}jwtsession=${genuine}`, 42],
      ["4 000 tossed session cookies after the genuine one", [`jwtsession=${genuine}`, ...Array.from({ length: 4000 }, (_, i) => `jwtsession=t${i}`)].join("; "), 42],
      ["4 000 chunk cookies", Array.from({ length: 4000 }, (_, i) => `jwtsession.${i % 100}=c${i}`).join("; "), 1],
      ["a payload with 600 keys", `jwtsession=${forge(GOOD_HEADER, manyKeys(600))}`, 42],
      ["a 20 KB token (more than 4 cookies hold)", `jwtsession=${forge(GOOD_HEADER, manyKeys(1500))}`, 1],
    ]) {
      const res = await w.fetch("/", { headers: { Cookie: header } });
      assert.equal(res.status, 200, name);
      assert.equal(await counterOf(res), want, name);
    }
    // Larger headers never reach the Worker: workerd answers 431 itself (Cloudflare's own
    // limit in production is lower still). The core's bounds are tested on such inputs in
    // tests/attacks.rs.
    for (const [name, header] of [
      ["a payload with 10 000 keys", `jwtsession=${forge(GOOD_HEADER, manyKeys(10_000))}`],
      ["a 1 MB token", `jwtsession=${"A".repeat(1 << 20)}`],
    ]) {
      const res = await w.fetch("/", { headers: { Cookie: header } });
      assert.equal(res.status, 431, name);
      await res.arrayBuffer();
    }
  });

  test("cookie tossing: the genuine cookie wins in every order among bad ones", async () => {
    const genuine = forge(GOOD_HEADER, fresh());
    const bad = [
      forge(GOOD_HEADER, `{"counter":66,"exp":${now() - 3600}}`),
      forge(GOOD_HEADER, fresh(), { secret: OTHER_SECRET }),
      "x.y.z",
    ];
    const all = [genuine, ...bad];
    const orders = (items) => (items.length <= 1 ? [items] : items.flatMap((x, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest])));
    for (const order of orders(all)) {
      const res = await w.fetch("/", { headers: { Cookie: order.map((t) => `jwtsession=${t}`).join("; ") } });
      assert.equal(res.status, 200);
      assert.equal(await counterOf(res), 42, `order ${order.map((t) => all.indexOf(t)).join(",")}`);
    }
  });

  test("chunk sets with a missing, duplicated or extra chunk", async () => {
    const genuine = forge(GOOD_HEADER, fresh());
    const dot2 = genuine.lastIndexOf(".");
    const [a, b, c] = [genuine.slice(0, 10), genuine.slice(10, dot2), genuine.slice(dot2)];
    const set = (pairs) => pairs.map(([i, v]) => `jwtsession.${i}=${v}`).join("; ");
    for (const [name, header, want] of [
      ["complete", set([[0, a], [1, b], [2, c]]), 42],
      ["missing middle", set([[0, a], [2, c]]), 1],
      ["missing first", set([[1, b], [2, c]]), 1],
      // A planted duplicate or extra chunk does not hide the genuine set (see README, Chunking).
      ["duplicated, junk first", set([[0, a], [1, "junk"], [1, b], [2, c]]), 42],
      ["duplicated, junk after", set([[0, a], [1, b], [1, "junk"], [2, c]]), 42],
      ["extra chunk", set([[0, a], [1, b], [2, c], [3, "AAAA"]]), 42],
    ]) {
      const res = await w.fetch("/", { headers: { Cookie: header } });
      assert.equal(res.status, 200, name);
      assert.equal(await counterOf(res), want, name);
    }
  });

  test("every seed-corpus input replayed as a Cookie header: 200, no crash", async () => {
    // What a fetch Headers object can carry: no CR, LF or NUL, Latin-1 only.
    const sendable = (s) => !/[\r\n\0]/.test(s) && /^[\x09\x20-\xff]*$/.test(s) && s.trim() === s;
    let sent = 0;
    for (const [target, asCookie] of [
      ["cookie_header", (s) => s],
      ["verify_token", (s) => `jwtsession=${s}`],
      ["decode_unverified", (s) => `jwtsession=${s}`],
    ]) {
      const dir = `${ROOT}fuzz/corpus/${target}`;
      for (const file of readdirSync(dir).filter((f) => f.startsWith("seed-")).sort()) {
        const text = readFileSync(`${dir}/${file}`, "latin1");
        if (!sendable(text)) continue;
        const res = await w.fetch("/", { headers: { Cookie: asCookie(text) } });
        assert.equal(res.status, 200, `${target}/${file}`);
        await res.arrayBuffer();
        sent++;
      }
    }
    assert.ok(sent > 300, `${sent} inputs sent`);
    assert.doesNotMatch(w.logs(), /panicked|Reinitializing|RuntimeError/);
  });
});

describe("faults: a failed request commits nothing and the old cookie stays valid", () => {
  let w;
  before(async () => {
    w = await startWorker({ JWT_SESSION_SECRET: SECRET, COUNTER_FAULT_ROUTES: "true" }, { port: 8821 });
  });
  after(() => w?.dispose());

  const get = (path, jar) => w.fetch(path, { headers: jar.cookies.size ? { Cookie: jar.header() } : {} });

  async function counterAt(n) {
    const jar = new Jar();
    for (let i = 1; i <= n; i++) assert.equal(await counterOf(jar.store(await get("/", jar))), i);
    return jar;
  }

  for (const [route, what] of [
    ["/fault/error", "the handler returns an error"],
    ["/fault/500", "the handler answers 500"],
    ["/fault/panic", "the handler panics"],
  ]) {
    test(`${what} (${route}): 500, no Set-Cookie, the old cookie still counts on`, async () => {
      const jar = await counterAt(2);
      const before = jar.header();
      const res = await get(route, jar);
      assert.equal(res.status, 500);
      assert.deepEqual(res.headers.getSetCookie(), []);
      await res.arrayBuffer();
      // The next request, on the same isolate, is served with the old cookie.
      const next = jar.store(await get("/", jar));
      assert.equal(next.status, 200);
      assert.equal(await counterOf(next), 3);
      assert.notEqual(jar.header(), before);
    });
  }

  test("after a panic the Wasm instance is reinitialized and keeps serving", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await w.fetch("/fault/panic");
      assert.equal(res.status, 500);
      await res.arrayBuffer();
      const ok = await w.fetch("/");
      assert.equal(ok.status, 200);
      assert.equal(await counterOf(ok), 1);
    }
    await waitFor(() => /panicked at/.test(w.logs()), "the panic message");
    await waitFor(() => /Reinitializing Wasm application/.test(w.logs()), "the reinitialization");
  });

  test("the fault routes are off without COUNTER_FAULT_ROUTES", async () => {
    const plain = await startWorker({ JWT_SESSION_SECRET: SECRET }, { port: 8822 });
    try {
      for (const route of ["/fault/error", "/fault/panic", "/fault/500"]) {
        const res = await plain.fetch(route);
        assert.equal(res.status, 404, route);
        await res.arrayBuffer();
      }
    } finally {
      await plain.dispose();
    }
  });
});

describe("faults: configuration", () => {
  // The session a user holds when the Worker is redeployed with a broken configuration.
  const held = () => `jwtsession=${sign({ counter: 5 })}`;

  const broken = [
    ["the secret binding removed", {}, "JWT_SESSION_SECRET", 8823],
    ["the secret empty", { JWT_SESSION_SECRET: "" }, "JWT_SESSION_SECRET", 8824],
    ["the secret whitespace", { JWT_SESSION_SECRET: "   " }, "JWT_SESSION_SECRET", 8825],
    ["a previous secret too short", { JWT_SESSION_SECRET: SECRET, JWT_SESSION_PREVIOUS_SECRETS: "tiny-old-key" }, "JWT_SESSION_PREVIOUS_SECRETS", 8826],
    ["an empty entry in the previous secrets", { JWT_SESSION_SECRET: SECRET, JWT_SESSION_PREVIOUS_SECRETS: `${OLD_SECRET},,${OTHER_SECRET}` }, "JWT_SESSION_PREVIOUS_SECRETS", 8827],
    ["a trailing comma in the previous secrets", { JWT_SESSION_SECRET: SECRET, JWT_SESSION_PREVIOUS_SECRETS: `${OLD_SECRET},` }, "JWT_SESSION_PREVIOUS_SECRETS", 8828],
    ["a cookie name that would inject a header", { JWT_SESSION_SECRET: SECRET, JWT_SESSION_COOKIE: "a;Domain=evil.example" }, "JWT_SESSION_", 8829],
  ];

  for (const [name, bindings, names, port] of broken) {
    test(`${name}: a clear 500 naming ${names}, nothing signed, no secret shown`, async () => {
      const w = await startWorker(bindings, { port });
      try {
        for (const path of ["/", "/session", "/logout"]) {
          const res = await w.fetch(path, { headers: { Cookie: held() } });
          assert.equal(res.status, 500, path);
          assert.deepEqual(res.headers.getSetCookie(), [], `${path}: nothing is signed or expired`);
          const body = await res.text();
          assert.ok(body.includes(names), `${path}: ${body}`);
          for (const secret of [SECRET, OLD_SECRET, OTHER_SECRET, "tiny-old-key"]) {
            assert.ok(!body.includes(secret), `${path}: the body shows a secret`);
            assert.ok(!w.logs().includes(secret), `${path}: the log shows a secret`);
          }
        }
      } finally {
        await w.dispose();
      }
    });
  }
});
