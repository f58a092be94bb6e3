#!/usr/bin/env python3
"""Interop between `jwt-session` (this crate's CLI) and PyJWT, both ways.

Tokens made by PyJWT must verify with `jwt-session verify` (and fail with the right error code
when tampered with, expired, or not yet valid); tokens made by `jwt-session sign` must verify
with `jwt.decode`, and be byte-identical to PyJWT's own for the same claims.

    pip install pyjwt
    python3 tests/interop/pyjwt_interop.py target/release/jwt-session
    # or: JWT_SESSION_BIN=target/release/jwt-session python3 tests/interop/pyjwt_interop.py

Prints one line per check and a last line `N passed, M failed`; exits 1 if any failed,
2 if it cannot run (no PyJWT, no binary).
"""

import atexit
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

try:
    import jwt
except ImportError:
    print("error: PyJWT is not installed; run `pip install pyjwt`", file=sys.stderr)
    sys.exit(2)

ALGS = ["HS256", "HS384", "HS512"]
# 64 bytes for every algorithm (RFC 7518 3.2 asks HS512 for at least 64).
SECRET_TEXT = "pyjwt-interop-secret/64-bytes/0123456789abcdefghijklmnopqrstuvwx"
SECRET_RAW = hashlib.sha512(b"pyjwt interop raw secret").digest()  # arbitrary bytes, not UTF-8
OTHER_SECRET = b"another-secret-that-is-not-the-right-one-but-64-bytes-long-xxxxx"
assert len(SECRET_TEXT.encode()) == 64 and len(SECRET_RAW) == 64 and len(OTHER_SECRET) == 64


def find_bin():
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("JWT_SESSION_BIN")
    if not path:
        print("error: give the jwt-session binary as an argument or in JWT_SESSION_BIN", file=sys.stderr)
        sys.exit(2)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        print(f"error: {path} is not an executable (build it: cargo build --release --features cli)", file=sys.stderr)
        sys.exit(2)
    return os.path.abspath(path)


BIN = find_bin()
TMP = tempfile.mkdtemp(prefix="jwt-session-pyjwt-")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
SECRET_FILE = os.path.join(TMP, "secret.bin")
with open(SECRET_FILE, "wb") as f:
    f.write(SECRET_RAW)

# The two ways to hand the CLI a secret, with the bytes PyJWT must use for the same key.
SECRETS = {
    "env": (["--secret-env", "INTEROP_SECRET"], SECRET_TEXT.encode()),
    "file": (["--secret-file", SECRET_FILE], SECRET_RAW),
}


def cli(*args, stdin=""):
    env = {"INTEROP_SECRET": SECRET_TEXT, "PATH": os.environ.get("PATH", "")}
    p = subprocess.run([BIN, *args], input=stdin.encode(), capture_output=True, env=env, timeout=30)
    out, err = p.stdout.decode(), p.stderr.decode()
    assert SECRET_TEXT not in out + err, "the secret was printed"
    return p.returncode, out, err


def assert_ok(result):
    rc, out, err = result
    assert rc == 0 and err == "", f"exit {rc}, stderr {err!r}"
    return out


def assert_rejected(result, code):
    rc, out, err = result
    assert rc == 1, f"exit {rc} (want 1), stderr {err!r}"
    assert out == "", f"stdout {out!r}"
    assert err.startswith(f"error: {code}: "), f"want `error: {code}: …`, got {err!r}"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment):
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


NOW = int(time.time())
CLAIMS = {
    "sub": "user-42",
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "roles": ["admin", "dev"],
    "counter": 17,
    "ratio": 0.5,
    "nested": {"b": 1, "a": [True, False, None]},
}
UNICODE = {"name": "Ada Lovelace é ✓ 🎉", "quote": "a \"quoted\" \\ line\nbreak"}


def pyjwt_token(alg, key, **extra):
    claims = {**CLAIMS, "iat": NOW, "nbf": NOW - 10, "exp": NOW + 3600, **extra}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm=alg), claims


def verify(token, alg, flags, *more):
    return cli("verify", token, *flags, "--alg", alg, "--now", str(NOW), *more)


CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


# --- PyJWT signs, jwt-session verifies -------------------------------------------------------


@check
def pyjwt_token_verifies(alg, flags, key):
    token, claims = pyjwt_token(alg, key)
    assert json.loads(assert_ok(verify(token, alg, flags))) == claims
    # With the real clock too (no --now).
    assert json.loads(assert_ok(cli("verify", token, *flags, "--alg", alg))) == claims


@check
def pyjwt_token_with_unicode_verifies(alg, flags, key):
    token, claims = pyjwt_token(alg, key, **UNICODE)
    assert json.loads(assert_ok(verify(token, alg, flags))) == claims
    # decode reads it too, key order kept.
    assert list(json.loads(assert_ok(cli("decode", token)))) == list(claims)


@check
def pyjwt_tampered_payload_is_bad_signature(alg, flags, key):
    token, claims = pyjwt_token(alg, key)
    h, _, s = token.split(".")
    forged = {**claims, "roles": ["admin", "dev", "root"]}
    p = b64(json.dumps(forged, separators=(",", ":")).encode())
    assert_rejected(verify(f"{h}.{p}.{s}", alg, flags), "bad_signature")


@check
def pyjwt_tampered_signature_is_bad_signature(alg, flags, key):
    token, _ = pyjwt_token(alg, key)
    h, p, s = token.split(".")
    sig = bytearray(unb64(s))
    sig[0] ^= 1
    assert_rejected(verify(f"{h}.{p}.{b64(bytes(sig))}", alg, flags), "bad_signature")
    # Truncated: still a signature error, not a crash.
    assert_rejected(verify(f"{h}.{p}.{b64(bytes(sig[:16]))}", alg, flags), "bad_signature")


@check
def pyjwt_token_with_another_key_is_bad_signature(alg, flags, key):
    token, _ = pyjwt_token(alg, OTHER_SECRET)
    assert_rejected(verify(token, alg, flags), "bad_signature")


@check
def pyjwt_alg_outside_the_allow_list_is_refused(alg, flags, key):
    token, _ = pyjwt_token(alg, key)
    other = [a for a in ALGS if a != alg]
    assert_rejected(verify(token, ",".join(other), flags), "unsupported_algorithm")
    if alg != "HS256":
        # Signed as HS384/HS512, relabelled HS256 by a forger to pass the allow-list: the MAC fails.
        h = b64(b'{"alg":"HS256","typ":"JWT"}')
        _, p, s = token.split(".")
        assert_rejected(verify(f"{h}.{p}.{s}", "HS256", flags), "bad_signature")


@check
def pyjwt_alg_none_is_refused(alg, flags, key):
    claims = {**CLAIMS, "exp": NOW + 60}
    token = jwt.encode(claims, None, algorithm="none")
    assert token.endswith(".")
    # As PyJWT and jose report it: the algorithm, whatever the (empty) signature segment.
    assert_rejected(verify(token, alg, flags), "unsupported_algorithm")
    h = b64(b'{"alg":"none","typ":"JWT"}')
    p = token.split(".")[1]
    assert_rejected(verify(f"{h}.{p}.AAAA", alg, flags), "unsupported_algorithm")


@check
def pyjwt_expired_token_is_expired(alg, flags, key):
    token, _ = pyjwt_token(alg, key, iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - 3600)
    assert_rejected(verify(token, alg, flags), "expired")
    assert_rejected(cli("verify", token, *flags, "--alg", alg), "expired")
    # PyJWT agrees.
    try:
        jwt.decode(token, key, algorithms=[alg])
        raise AssertionError("PyJWT accepted an expired token")
    except jwt.ExpiredSignatureError:
        pass


@check
def pyjwt_exp_honours_the_leeway(alg, flags, key):
    token, _ = pyjwt_token(alg, key, iat=NOW - 100, nbf=NOW - 100, exp=NOW - 10)
    assert_ok(verify(token, alg, flags))  # default leeway 30 s
    assert_rejected(verify(token, alg, flags, "--leeway", "5"), "expired")


@check
def pyjwt_future_nbf_is_not_yet_valid(alg, flags, key):
    token, _ = pyjwt_token(alg, key, nbf=NOW + 600)
    assert_rejected(verify(token, alg, flags), "not_yet_valid")


@check
def pyjwt_future_iat_is_issued_in_future(alg, flags, key):
    token, _ = pyjwt_token(alg, key, iat=NOW + 600, nbf=None)
    assert_rejected(verify(token, alg, flags), "issued_in_future")


@check
def pyjwt_token_without_exp_needs_allow_missing_exp(alg, flags, key):
    token, claims = pyjwt_token(alg, key, exp=None)
    assert "exp" not in claims
    assert_rejected(verify(token, alg, flags), "missing_exp")
    assert json.loads(assert_ok(verify(token, alg, flags, "--allow-missing-exp"))) == claims


@check
def pyjwt_non_numeric_exp_is_malformed(alg, flags, key):
    # PyJWT refuses to encode it as a datetime, so build the claims by hand.
    token = jwt.encode({"exp": "tomorrow"}, key, algorithm=alg)
    assert_rejected(verify(token, alg, flags), "malformed")


# --- jwt-session signs, PyJWT verifies -------------------------------------------------------


def cli_sign(alg, flags, claims, *more):
    out = assert_ok(cli("sign", *flags, "--alg", alg, *more, stdin=json.dumps(claims)))
    assert out.endswith("\n") and out.count(".") == 2, repr(out)
    return out.strip()


@check
def cli_token_verifies_in_pyjwt(alg, flags, key):
    token = cli_sign(alg, flags, {**CLAIMS, **UNICODE}, "--max-age", "600")
    decoded = jwt.decode(token, key, algorithms=[alg])
    assert decoded["exp"] - decoded["iat"] == 600, decoded
    assert abs(decoded["iat"] - int(time.time())) <= 5, decoded
    assert {k: v for k, v in decoded.items() if k not in ("iat", "exp")} == {**CLAIMS, **UNICODE}
    assert jwt.get_unverified_header(token) == {"alg": alg, "typ": "JWT"}


@check
def cli_token_is_byte_identical_to_pyjwts(alg, flags, key):
    # Same ASCII claims in the same order: PyJWT writes the same bytes (header sorted as
    # {"alg","typ"}, compact separators), so the tokens are identical.
    token = cli_sign(alg, flags, CLAIMS, "--now", str(NOW), "--max-age", "3600")
    expected = jwt.encode({**CLAIMS, "iat": NOW, "exp": NOW + 3600}, key, algorithm=alg)
    assert token == expected, f"\n cli:   {token}\n pyjwt: {expected}"


@check
def cli_token_without_exp_verifies_in_pyjwt(alg, flags, key):
    token = cli_sign(alg, flags, {"counter": 1}, "--no-exp")
    decoded = jwt.decode(token, key, algorithms=[alg])
    assert set(decoded) == {"counter", "iat"}, decoded


@check
def cli_expired_token_is_expired_in_pyjwt(alg, flags, key):
    token = cli_sign(alg, flags, {"counter": 1}, "--now", str(NOW - 7200), "--max-age", "60")
    try:
        jwt.decode(token, key, algorithms=[alg])
        raise AssertionError("PyJWT accepted an expired token")
    except jwt.ExpiredSignatureError:
        pass
    assert_rejected(verify(token, alg, flags), "expired")


@check
def cli_token_fails_in_pyjwt_with_another_key_or_alg(alg, flags, key):
    token = cli_sign(alg, flags, {"counter": 1})
    try:
        jwt.decode(token, OTHER_SECRET, algorithms=[alg])
        raise AssertionError("PyJWT accepted a token under another key")
    except jwt.InvalidSignatureError:
        pass
    other = [a for a in ALGS if a != alg]
    try:
        jwt.decode(token, key, algorithms=other)
        raise AssertionError("PyJWT accepted an algorithm outside its list")
    except jwt.InvalidAlgorithmError:
        pass


@check
def cli_tampered_token_fails_in_pyjwt(alg, flags, key):
    token = cli_sign(alg, flags, {"admin": False})
    h, p, s = token.split(".")
    claims = json.loads(unb64(p))
    claims["admin"] = True
    forged = f"{h}.{b64(json.dumps(claims, separators=(',', ':')).encode())}.{s}"
    try:
        jwt.decode(forged, key, algorithms=[alg])
        raise AssertionError("PyJWT accepted a tampered token")
    except jwt.InvalidSignatureError:
        pass


def main():
    passed = failed = 0
    for fn in CHECKS:
        for alg in ALGS:
            for kind, (flags, key) in SECRETS.items():
                name = f"{fn.__name__} [{alg}, secret from {kind}]"
                try:
                    fn(alg, flags, key)
                except Exception:
                    failed += 1
                    print(f"FAIL {name}")
                    traceback.print_exc(file=sys.stdout)
                else:
                    passed += 1
                    print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
