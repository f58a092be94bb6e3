// Encrypted mode (JWT_SESSION_MODE = encrypted) seen from the page, over the built package
// (js/pkg): the session is a JWE the page has no key for, by design. readSession gives null,
// decode throws `decrypt`, and csrfToken reads the readable `jwtsession.csrf` cookie the Worker
// sets for it.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { csrfToken, decode, readSession, SessionDecodeError } from "worker-jwt-session";

const b64url = (text) => Buffer.from(text).toString("base64url");
// A JWE's shape: protected header, empty encrypted key, IV, ciphertext, tag.
const JWE = `${b64url('{"alg":"dir","enc":"A256GCM"}')}..${b64url("twelve bytes")}.${b64url("ciphertext")}.${b64url("sixteen byte tag")}`;
const JWS = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"user":"ada","csrf":"from-claim"}')}.c2ln`;

describe("an encrypted session in the page", () => {
  test("decode throws SessionDecodeError with the code decrypt, saying only the Worker can read it", () => {
    assert.throws(
      () => decode(JWE),
      (err) => {
        assert.ok(err instanceof SessionDecodeError);
        assert.equal(err.code, "decrypt");
        assert.match(err.message, /^decrypt: the session is encrypted .*only the Worker can read it/);
        return true;
      },
    );
    // The header says how it was encrypted, nothing of the session.
    assert.deepEqual(decode(JWE, { header: true }), { alg: "dir", enc: "A256GCM" });
  });

  test("readSession is null, whole or in chunks", () => {
    assert.equal(readSession("jwtsession", { cookie: `jwtsession=${JWE}` }), null);
    const [a, b] = [JWE.slice(0, 30), JWE.slice(30)];
    assert.equal(readSession("jwtsession", { cookie: `jwtsession.0=${a}; jwtsession.1=${b}` }), null);
  });

  test("csrfToken reads jwtsession.csrf first, else the claim as before", () => {
    assert.equal(csrfToken("jwtsession", { cookie: `jwtsession=${JWE}; jwtsession.csrf=tok-123` }), "tok-123");
    assert.equal(csrfToken("app", { cookie: `app=${JWE}; app.csrf=other; jwtsession.csrf=no` }), "other");
    assert.equal(csrfToken("jwtsession", { cookie: `jwtsession=${JWE}` }), null);
    assert.equal(csrfToken("jwtsession", { cookie: `jwtsession=${JWS}` }), "from-claim");
  });
});
