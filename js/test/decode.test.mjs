// decode() over the built package (js/pkg), through its public name as an app imports it.
// The first block ports the cases of jwt-decode v4's own test suite (lib/index.test.ts) that
// apply; where this package answers differently on purpose, the test says why.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { decode, SessionDecodeError } from "worker-jwt-session";

const b64url = (text) => Buffer.from(text).toString("base64url");
const tokenOf = (payload, header = '{"alg":"HS256","typ":"JWT"}') => `${b64url(header)}.${b64url(payload)}.c2ln`;

const throwsCode = (fn, code, prefix = `${code}: `) =>
  assert.throws(fn, (err) => {
    assert.ok(err instanceof SessionDecodeError, `${err}`);
    assert.ok(err instanceof Error);
    assert.equal(err.name, "SessionDecodeError");
    assert.equal(err.code, code);
    assert.ok(err.message.startsWith(prefix), err.message);
    return true;
  });

describe("the cases of jwt-decode v4's test suite", () => {
  const token =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJmb28iOiJiYXIiLCJleHAiOjEzOTMyODY4OTMsImlhdCI6MTM5MzI2ODg5M30.4-iaDojEVl0pJQMjrbM1EzUIfAZgsbK_kgnVyVxFSVo";

  test("returns the default and custom claims", () => {
    const decoded = decode(token);
    assert.equal(decoded.exp, 1393286893);
    assert.equal(decoded.iat, 1393268893);
    assert.equal(decoded.foo, "bar");
  });

  test("returns the header with { header: true }", () => {
    const decoded = decode(token, { header: true });
    assert.equal(decoded.typ, "JWT");
    assert.equal(decoded.alg, "HS256");
  });

  test("works with UTF-8 tokens", () => {
    const utf8Token =
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiSm9zw6kiLCJpYXQiOjE0MjU2NDQ5NjZ9.1CfFtdGUPs6q8kT3OGQSVlhEMdbuX0HfNSqum0023a0";
    assert.equal(decode(utf8Token).name, "José");
  });

  test("rejects a Latin-1 ('binary') payload, which jwt-decode accepts: JWTs are UTF-8 (RFC 7519 §7.2)", () => {
    const binaryToken =
      "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiSm9z6SIsImlhdCI6MTQyNTY0NDk2Nn0.cpnplCBxiw7Xqz5thkqs4Mo_dymvztnI0CI4BN0d1t8";
    throwsCode(() => decode(binaryToken), "bad_json", "bad_json: payload is not UTF-8");
  });

  test("works with payloads whose base64 would need double or single padding", () => {
    const double =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpvc8OpIiwiaWF0IjoxNTE2MjM5MDIyfQ.7A3F5SUH2gbBSYVon5mas_Y-KCrWojorKQg7UKGVEIA";
    const single =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpvc8OpZSIsImlhdCI6MTUxNjIzOTAyMn0.tbjJzDAylkKSV0_YGR5xBJBlFK01C82nZPLIcA3JX1g";
    assert.equal(decode(double).name, "José");
    assert.equal(decode(single).name, "Josée");
  });

  test("throws malformed on input that is not a string", () => {
    for (const bad of [null, undefined, 42, {}, ["a.b.c"], new String(token)]) {
      throwsCode(() => decode(bad), "malformed", "malformed: token must be a string");
      throwsCode(() => decode(bad, { header: true }), "malformed");
    }
  });

  test("throws malformed on a string that is not a token", () => {
    throwsCode(() => decode("fubar"), "malformed");
  });

  test("throws malformed when a part is missing (jwt-decode: missing part, or invalid json)", () => {
    // Three segments, the first two non-empty: the Worker's rule, with one code for all of them.
    for (const bad of [".FAKE_TOKEN", "FAKE_TOKEN", "TOKEN", "FAKE.", ".TOKEN", "a..c", ".b.c", "a.b.c.d"]) {
      throwsCode(() => decode(bad), "malformed");
      throwsCode(() => decode(bad, { header: true }), "malformed");
    }
  });

  test("reads split mode's readable half, header.payload, as the whole token", () => {
    const whole = tokenOf('{"counter":3}');
    const half = whole.slice(0, whole.lastIndexOf("."));
    assert.deepEqual(decode(half), { counter: 3 });
    assert.deepEqual(decode(half, { header: true }), decode(whole, { header: true }));
    throwsCode(() => decode("FAKE.TEST"), "bad_json");
  });

  test("reads a token with an empty signature segment, as the Worker parses it (alg none)", () => {
    // The Worker refuses it for its algorithm, after parsing it the same way.
    assert.deepEqual(decode("eyJhbGciOiJub25lIn0.eyJhIjoxfQ."), { a: 1 });
    assert.deepEqual(decode("eyJhbGciOiJub25lIn0.eyJhIjoxfQ.", { header: true }), { alg: "none" });
    throwsCode(() => decode("a.b."), "bad_base64");
  });

  test("throws bad_base64 when a part is not valid base64url", () => {
    for (const [bad, header] of [
      ["e30.e3=0.sig", false],
      ["e3=0.e30.sig", true],
      ["e30.e30+.sig", false],
      ["e30.e3/0.sig", false],
      ["e30.e30=.sig", false], // padding is not allowed in a JWS
      ["e30.e31.sig", false], // non-zero trailing bits: "e31" is "{}" only to a lenient decoder
      ["e30.e.sig", false], // a lone final character is no byte
    ]) {
      throwsCode(() => decode(bad, { header }), "bad_base64", "bad_base64: segment is not canonical unpadded base64url");
    }
  });

  test("throws bad_json when a part is not a JSON object", () => {
    const cases = [
      [tokenOf('{"a":}'), "bad_json: payload is not valid JSON"],
      [tokenOf('{"a":1} trailing'), "bad_json: payload is not valid JSON"],
      [tokenOf("[1,2]"), "bad_json: payload is not a JSON object"],
      [tokenOf('"text"'), "bad_json: payload is not a JSON object"],
      [tokenOf("42"), "bad_json: payload is not a JSON object"],
      [tokenOf("null"), "bad_json: payload is not a JSON object"],
      [tokenOf(""), "malformed: "], // an empty payload is an empty segment
    ];
    for (const [bad, message] of cases) {
      throwsCode(() => decode(bad), message.slice(0, message.indexOf(":")), message);
    }
    throwsCode(() => decode(tokenOf("{}", "[]"), { header: true }), "bad_json", "bad_json: header is not a JSON object");
    throwsCode(() => decode(tokenOf("{}", "{x"), { header: true }), "bad_json", "bad_json: header is not valid JSON");
  });
});

describe("decode", () => {
  test("gives the session of the wsgi_jwt_session README's cookie", () => {
    const cookie = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
    assert.deepEqual(decode(cookie), { counter: 1 });
    assert.deepEqual(decode(cookie, { header: true }), { alg: "HS256", typ: "JWT" });
    assert.deepEqual(decode(cookie, { header: false }), { counter: 1 });
    assert.deepEqual(decode(cookie, {}), { counter: 1 });
  });

  test("keeps unicode text as written", () => {
    const payload = { name: "Zoë Ångström", emoji: "😀👍🏽", cjk: "日本語", rtl: "שלום", combining: "e\u0301", nul: "a\u0000b" };
    assert.deepEqual(decode(tokenOf(JSON.stringify(payload))), payload);
    // JSON escapes and raw UTF-8 give the same string.
    assert.equal(decode(tokenOf('{"s":"\\u00e9\\ud83d\\ude00"}')).s, "é😀");
  });

  test("gives numbers as JSON.parse does: big integers do not throw", () => {
    const text = '{"id":12345678901234567890,"neg":-9007199254740993,"float":0.1,"exp":1e21,"huge":1e400}';
    const decoded = decode(tokenOf(text));
    assert.deepEqual(decoded, JSON.parse(text));
    assert.equal(decoded.id, 12345678901234567000);
    assert.equal(decoded.huge, Infinity);
  });

  test("keeps the key order of the token, and __proto__ as an own member", () => {
    const decoded = decode(tokenOf('{"z":1,"a":2,"m":{"y":1,"b":2},"__proto__":{"admin":true}}'));
    assert.deepEqual(Object.keys(decoded), ["z", "a", "m", "__proto__"]);
    assert.deepEqual(Object.keys(decoded.m), ["y", "b"]);
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.equal(decoded.admin, undefined);
    assert.equal({}.admin, undefined);
  });

  test("accepts whitespace around the JSON object, as the Worker does", () => {
    assert.deepEqual(decode(tokenOf(' \r\n\t{"a":1} ')), { a: 1 });
  });

  test("throws too_large past 128 KiB (the most any Worker accepts), before decoding anything", () => {
    const big = tokenOf(JSON.stringify({ note: "x".repeat(95_000) }));
    assert.equal(decode(big).note.length, 95_000);
    throwsCode(() => decode(`${"a".repeat(131_073)}.b.c`), "too_large", "too_large: token is longer than the limit");
  });

  test("decodes many tokens in a row (the wasm's memory is reused)", () => {
    for (let i = 0; i < 20_000; i++) {
      const t = tokenOf(JSON.stringify({ i, pad: "p".repeat(i % 300) }));
      assert.equal(decode(t).i, i);
      if (i % 1000 === 0) assert.throws(() => decode(`x${t}x.`), SessionDecodeError);
    }
  });

  test("a decoding error is never the token, nor part of it", () => {
    const secretish = tokenOf('{"password":"hunter2"');
    assert.throws(() => decode(secretish), (err) => !err.message.includes("hunter2") && !err.message.includes(secretish.slice(20, 40)));
  });
});
