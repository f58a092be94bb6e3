// Interop between `jwt-session` (this crate's CLI) and jose (npm), both ways.
//
// Tokens made by jose's SignJWT must verify with `jwt-session verify` (and fail with the right
// error code when tampered with, expired or not yet valid); tokens made by `jwt-session sign`
// must verify with jose's jwtVerify. Encrypted mode, both ways: `jwt-session sign --mode
// encrypted` must decrypt with jose's jwtDecrypt under the documented key (HKDF-SHA256 of the
// secret, empty salt, info "worker-jwt-session A256GCM", 32 bytes), and jose's EncryptJWT with
// {alg: "dir", enc: "A256GCM"} must verify with `jwt-session verify` (the Worker's engine).
//
//   cd tests/interop && npm ci
//   JWT_SESSION_BIN=target/release/jwt-session node --test tests/interop/jose.test.mjs
//   # or, run directly: node tests/interop/jose.test.mjs target/release/jwt-session

import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, hkdfSync } from "node:crypto";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SignJWT, jwtVerify, decodeProtectedHeader, base64url, EncryptJWT, jwtDecrypt } from "jose";

const binArg = process.argv[2] ?? process.env.JWT_SESSION_BIN;
if (!binArg) {
  throw new Error("give the jwt-session binary in JWT_SESSION_BIN (or as the argument when run directly)");
}
const BIN = resolve(binArg);
accessSync(BIN, constants.X_OK);

const ALGS = ["HS256", "HS384", "HS512"];
// 64 bytes for every algorithm (RFC 7518 3.2 asks HS512 for at least 64).
const SECRET_TEXT = "jose-interop-secret/64-bytes/0123456789abcdefghijklmnopqrstuvwxy";
const SECRET_RAW = new Uint8Array(createHash("sha512").update("jose interop raw secret").digest());
const OTHER_SECRET = new TextEncoder().encode("another-secret-that-is-not-the-right-one-but-64-bytes-long-xxxxx");
assert.equal(new TextEncoder().encode(SECRET_TEXT).length, 64);

const TMP = mkdtempSync(join(tmpdir(), "jwt-session-jose-"));
const SECRET_FILE = join(TMP, "secret.bin");
writeFileSync(SECRET_FILE, SECRET_RAW);
after(() => rmSync(TMP, { recursive: true, force: true }));

// The two ways to hand the CLI a secret, with the bytes jose must use for the same key.
const SECRETS = {
  env: { flags: ["--secret-env", "INTEROP_SECRET"], key: new TextEncoder().encode(SECRET_TEXT) },
  file: { flags: ["--secret-file", SECRET_FILE], key: SECRET_RAW },
};

const NOW = Math.floor(Date.now() / 1000);
const CLAIMS = {
  sub: "user-42",
  name: "Ada Lovelace",
  email: "ada@example.com",
  roles: ["admin", "dev"],
  counter: 17,
  ratio: 0.5,
  nested: { b: 1, a: [true, false, null] },
};
const UNICODE = { name: "Ada Lovelace é ✓ 🎉", quote: 'a "quoted" \\ line\nbreak' };

function cli(args, stdin = "") {
  const p = spawnSync(BIN, args, {
    input: stdin,
    env: { INTEROP_SECRET: SECRET_TEXT, PATH: process.env.PATH ?? "" },
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(p.error, undefined);
  assert.ok(!(p.stdout + p.stderr).includes(SECRET_TEXT), "the secret was printed");
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

function ok(r) {
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
  return r.stdout;
}

function rejected(r, code) {
  assert.equal(r.stdout, "");
  assert.match(r.stderr, new RegExp(`^error: ${code}: `));
  assert.equal(r.status, 1);
}

async function joseToken(alg, key, { claims = CLAIMS, iat = NOW, nbf = NOW - 10, exp = NOW + 3600, header = {} } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT", ...header }).setIssuedAt(iat);
  if (nbf !== null) jwt = jwt.setNotBefore(nbf);
  if (exp !== null) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(key);
}

const verify = (token, alg, flags, ...more) => cli(["verify", token, ...flags, "--alg", alg, "--now", String(NOW), ...more]);

function cliSign(alg, flags, claims, ...more) {
  const out = ok(cli(["sign", ...flags, "--alg", alg, ...more], JSON.stringify(claims)));
  assert.match(out, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  return out.trim();
}

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code);
    return true;
  });
}

for (const alg of ALGS) {
  for (const [kind, { flags, key }] of Object.entries(SECRETS)) {
    describe(`${alg}, secret from ${kind}`, () => {
      describe("jose signs, jwt-session verifies", () => {
        test("a jose token verifies and prints its payload", async () => {
          const token = await joseToken(alg, key, { claims: { ...CLAIMS, ...UNICODE } });
          const payload = JSON.parse(ok(verify(token, alg, flags)));
          assert.deepEqual(payload, { ...CLAIMS, ...UNICODE, iat: NOW, nbf: NOW - 10, exp: NOW + 3600 });
          // With the real clock too.
          ok(cli(["verify", token, ...flags, "--alg", alg]));
        });

        test("a jose token without typ verifies", async () => {
          const token = await new SignJWT(CLAIMS).setProtectedHeader({ alg }).setExpirationTime(NOW + 60).sign(key);
          ok(verify(token, alg, flags));
        });

        test("a tampered payload or signature is bad_signature", async () => {
          const token = await joseToken(alg, key);
          const [h, p, s] = token.split(".");
          const forged = base64url.encode(JSON.stringify({ ...CLAIMS, roles: ["root"], exp: NOW + 3600 }));
          rejected(verify(`${h}.${forged}.${s}`, alg, flags), "bad_signature");
          const sig = base64url.decode(s);
          sig[sig.length - 1] ^= 1;
          rejected(verify(`${h}.${p}.${base64url.encode(sig)}`, alg, flags), "bad_signature");
        });

        test("a jose token under another key is bad_signature", async () => {
          rejected(verify(await joseToken(alg, OTHER_SECRET), alg, flags), "bad_signature");
        });

        test("an algorithm outside the allow-list is unsupported_algorithm", async () => {
          const token = await joseToken(alg, key);
          const others = ALGS.filter((a) => a !== alg).join(",");
          rejected(verify(token, others, flags), "unsupported_algorithm");
        });

        test("an expired jose token is expired", async () => {
          const token = await joseToken(alg, key, { iat: NOW - 7200, nbf: NOW - 7200, exp: NOW - 3600 });
          rejected(verify(token, alg, flags), "expired");
          rejected(cli(["verify", token, ...flags, "--alg", alg]), "expired");
          // jose agrees.
          await rejectsWith(jwtVerify(token, key, { algorithms: [alg] }), "ERR_JWT_EXPIRED");
        });

        test("a future nbf is not_yet_valid, a future iat issued_in_future", async () => {
          rejected(verify(await joseToken(alg, key, { nbf: NOW + 600 }), alg, flags), "not_yet_valid");
          rejected(verify(await joseToken(alg, key, { iat: NOW + 600, nbf: null }), alg, flags), "issued_in_future");
        });

        test("a jose token without exp needs --allow-missing-exp", async () => {
          const token = await joseToken(alg, key, { exp: null });
          rejected(verify(token, alg, flags), "missing_exp");
          assert.equal(JSON.parse(ok(verify(token, alg, flags, "--allow-missing-exp"))).counter, 17);
        });

        test("a critical header extension is refused as malformed", async () => {
          const ext = "https://example.com/ext";
          const token = await new SignJWT(CLAIMS)
            .setProtectedHeader({ alg, crit: [ext], [ext]: true })
            .setExpirationTime(NOW + 60)
            .sign(key, { crit: { [ext]: true } });
          rejected(verify(token, alg, flags), "malformed");
        });

        test("a kid the key ring does not know is unknown_key", async () => {
          const token = await joseToken(alg, key, { header: { kid: "jose-key-1" } });
          rejected(verify(token, alg, flags), "unknown_key");
        });
      });

      describe("jwt-session signs, jose verifies", () => {
        test("a jwt-session token verifies in jose", async () => {
          const token = cliSign(alg, flags, { ...CLAIMS, ...UNICODE }, "--max-age", "600");
          const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: [alg], typ: "JWT" });
          assert.deepEqual(protectedHeader, { alg, typ: "JWT" });
          assert.equal(payload.exp - payload.iat, 600);
          assert.ok(Math.abs(payload.iat - Date.now() / 1000) <= 5);
          const { iat, exp, ...rest } = payload;
          assert.deepEqual(rest, { ...CLAIMS, ...UNICODE });
          assert.deepEqual(Object.keys(payload), [...Object.keys(CLAIMS), "quote", "iat", "exp"]);
        });

        test("jose's clock options agree with --now and --max-age", async () => {
          const token = cliSign(alg, flags, { counter: 1 }, "--now", String(NOW - 7200), "--max-age", "60");
          const past = new Date((NOW - 7200 + 30) * 1000);
          const { payload } = await jwtVerify(token, key, { algorithms: [alg], currentDate: past });
          assert.deepEqual(payload, { counter: 1, iat: NOW - 7200, exp: NOW - 7200 + 60 });
          await rejectsWith(jwtVerify(token, key, { algorithms: [alg] }), "ERR_JWT_EXPIRED");
          rejected(verify(token, alg, flags), "expired");
        });

        test("a jwt-session token without exp verifies in jose", async () => {
          const token = cliSign(alg, flags, { counter: 1 }, "--no-exp");
          const { payload } = await jwtVerify(token, key, { algorithms: [alg] });
          assert.deepEqual(Object.keys(payload), ["counter", "iat"]);
        });

        test("jose refuses a jwt-session token under another key or algorithm", async () => {
          const token = cliSign(alg, flags, { counter: 1 });
          assert.deepEqual(decodeProtectedHeader(token), { alg, typ: "JWT" });
          await rejectsWith(jwtVerify(token, OTHER_SECRET, { algorithms: [alg] }), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
          const others = ALGS.filter((a) => a !== alg);
          await rejectsWith(jwtVerify(token, key, { algorithms: others }), "ERR_JOSE_ALG_NOT_ALLOWED");
        });

        test("jose refuses a tampered jwt-session token", async () => {
          const token = cliSign(alg, flags, { admin: false });
          const [h, p, s] = token.split(".");
          const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
          const forged = base64url.encode(JSON.stringify({ ...claims, admin: true }));
          await rejectsWith(jwtVerify(`${h}.${forged}.${s}`, key, { algorithms: [alg] }), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
        });
      });
    });
  }
}

// The content key of encrypted mode, as the README tells an operator to derive it.
const contentKey = (secret) =>
  new Uint8Array(hkdfSync("sha256", secret, new Uint8Array(0), "worker-jwt-session A256GCM", 32));

for (const [kind, { flags, key: secret }] of Object.entries(SECRETS)) {
  describe(`encrypted mode (JWE dir + A256GCM), secret from ${kind}`, () => {
    const key = contentKey(secret);

    test("jose's jwtDecrypt reads a jwt-session JWE with the derived key", async () => {
      const out = ok(cli(["sign", ...flags, "--mode", "encrypted", "--now", String(NOW)], JSON.stringify({ ...CLAIMS, ...UNICODE })));
      const token = out.trim();
      assert.equal(token.split(".").length, 5);
      assert.ok(!token.includes(base64url.encode("Ada")), "the claims are not readable");
      const { payload, protectedHeader } = await jwtDecrypt(token, key, {
        keyManagementAlgorithms: ["dir"],
        contentEncryptionAlgorithms: ["A256GCM"],
      });
      assert.deepEqual(protectedHeader, { alg: "dir", enc: "A256GCM" });
      assert.deepEqual(payload, { ...CLAIMS, ...UNICODE, iat: NOW, exp: NOW + 86400 });
      // Under another secret's key, jose cannot decrypt it either.
      await assert.rejects(jwtDecrypt(token, contentKey(OTHER_SECRET)), (err) => {
        assert.equal(err.code, "ERR_JWE_DECRYPTION_FAILED");
        return true;
      });
    });

    test("jwt-session verifies jose's EncryptJWT, and refuses it under another key", async () => {
      const token = await new EncryptJWT({ ...CLAIMS, ...UNICODE })
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setIssuedAt(NOW)
        .setExpirationTime(NOW + 3600)
        .encrypt(key);
      const payload = JSON.parse(ok(cli(["verify", token, ...flags, "--now", String(NOW)])));
      assert.deepEqual(payload, { ...CLAIMS, ...UNICODE, iat: NOW, exp: NOW + 3600 });
      // The Worker's whole path: the JWE as the session cookie.
      const session = JSON.parse(ok(cli(["verify", "--cookie", `theme=dark; jwtsession=${token}`, ...flags, "--now", String(NOW)])));
      assert.deepEqual(session, { ...CLAIMS, ...UNICODE });
      const foreign = await new EncryptJWT(CLAIMS)
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setExpirationTime(NOW + 3600)
        .encrypt(contentKey(OTHER_SECRET));
      rejected(cli(["verify", foreign, ...flags, "--now", String(NOW)]), "decrypt");
      // Expired in jose's token: the same claim checks as a JWS.
      const expired = await new EncryptJWT(CLAIMS)
        .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
        .setExpirationTime(NOW - 3600)
        .encrypt(key);
      rejected(cli(["verify", expired, ...flags, "--now", String(NOW)]), "expired");
    });

    test("jwt-session refuses what jose writes that is not dir + A256GCM", async () => {
      const a128 = await new EncryptJWT(CLAIMS)
        .setProtectedHeader({ alg: "dir", enc: "A128GCM" })
        .setExpirationTime(NOW + 3600)
        .encrypt(key.slice(0, 16));
      rejected(cli(["verify", a128, ...flags, "--now", String(NOW)]), "unsupported_algorithm");
      const wrapped = await new EncryptJWT(CLAIMS)
        .setProtectedHeader({ alg: "A256KW", enc: "A256GCM" })
        .setExpirationTime(NOW + 3600)
        .encrypt(key);
      rejected(cli(["verify", wrapped, ...flags, "--now", String(NOW)]), "unsupported_algorithm");
    });
  });
}
