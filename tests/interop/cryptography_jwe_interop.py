#!/usr/bin/env python3
"""Interop between `jwt-session` (this crate's CLI) and Python `cryptography` for encrypted mode.

Encrypted mode's cookie is a compact JWE, `{"alg":"dir","enc":"A256GCM"}`, whose content key is
HKDF-SHA256 of the secret's bytes (empty salt, info "worker-jwt-session A256GCM", 32 bytes).
Built from `cryptography`'s HKDF and AESGCM alone, following RFC 7516 by hand (AAD = the ASCII
of the encoded protected header), both ways:
- a JWE from `jwt-session sign --mode encrypted` decrypts here to the claims it was given;
- a JWE made here verifies with `jwt-session verify` (the Worker's engine), and the same JWE
  tampered in any segment, under another key, or expired, is refused with the right code.

    pip install cryptography
    python3 tests/interop/cryptography_jwe_interop.py target/release/jwt-session

Prints one line per check and a last line `N passed, M failed`; exits 1 if any failed,
2 if it cannot run (no cryptography, no binary).
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
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
except ImportError:
    print("error: cryptography is not installed; run `pip install cryptography`", file=sys.stderr)
    sys.exit(2)

SECRET_TEXT = "cryptography-interop-secret/0123456789abcdefghijklmnop"
SECRET_RAW = hashlib.sha512(b"cryptography interop raw secret").digest()  # arbitrary bytes
OTHER_SECRET = b"another-secret-that-is-not-the-right-one-0123456789"
INFO = b"worker-jwt-session A256GCM"


def find_bin():
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("JWT_SESSION_BIN")
    if not path:
        print("error: give the jwt-session binary as an argument or in JWT_SESSION_BIN", file=sys.stderr)
        sys.exit(2)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        print(f"error: {path} is not an executable (build it: make cli)", file=sys.stderr)
        sys.exit(2)
    return os.path.abspath(path)


BIN = find_bin()
TMP = tempfile.mkdtemp(prefix="jwt-session-cryptography-")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
SECRET_FILE = os.path.join(TMP, "secret.bin")
with open(SECRET_FILE, "wb") as f:
    f.write(SECRET_RAW)

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


def content_key(secret):
    # salt=None is HashLen zeros, which HMAC treats exactly as an empty key (RFC 5869 2.2).
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=INFO).derive(secret)


def encrypt(claims, key, header=None, iv=None):
    protected = b64(json.dumps(header or {"alg": "dir", "enc": "A256GCM"}, separators=(",", ":")).encode())
    iv = iv or os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, json.dumps(claims).encode(), protected.encode())
    ciphertext, tag = sealed[:-16], sealed[-16:]
    return f"{protected}..{b64(iv)}.{b64(ciphertext)}.{b64(tag)}"


def decrypt(token, key):
    h, ek, iv, ct, tag = token.split(".")
    assert ek == "", "a dir JWE has an empty encrypted key"
    assert json.loads(unb64(h)) == {"alg": "dir", "enc": "A256GCM"}
    plaintext = AESGCM(key).decrypt(unb64(iv), unb64(ct) + unb64(tag), h.encode())
    return json.loads(plaintext)


NOW = int(time.time())
CLAIMS = {"sub": "user-42", "name": "Ada Lovelace é ✓ 🎉", "roles": ["admin"], "counter": 17}

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


@check
def cli_jwe_decrypts_with_cryptography(flags, secret):
    token = assert_ok(cli("sign", *flags, "--mode", "encrypted", "--now", str(NOW), stdin=json.dumps(CLAIMS))).strip()
    assert decrypt(token, content_key(secret)) == {**CLAIMS, "iat": NOW, "exp": NOW + 86400}
    try:
        decrypt(token, content_key(OTHER_SECRET))
        raise AssertionError("decrypted under another secret's key")
    except InvalidTag:
        pass


@check
def every_cli_jwe_has_a_fresh_iv(flags, secret):
    ivs = set()
    for _ in range(20):
        token = assert_ok(cli("sign", *flags, "--mode", "encrypted", stdin="{}")).strip()
        ivs.add(token.split(".")[2])
    assert len(ivs) == 20


@check
def cryptography_jwe_verifies_with_the_cli(flags, secret):
    claims = {**CLAIMS, "iat": NOW, "exp": NOW + 3600}
    token = encrypt(claims, content_key(secret))
    assert json.loads(assert_ok(cli("verify", token, *flags, "--now", str(NOW)))) == claims
    session = assert_ok(cli("verify", "--cookie", f"jwtsession={token}", *flags, "--now", str(NOW)))
    assert json.loads(session) == CLAIMS
    decoded = assert_ok(cli("decode", token, *flags))
    assert json.loads(decoded) == claims


@check
def cryptography_jwe_tampered_or_foreign_is_refused(flags, secret):
    claims = {**CLAIMS, "iat": NOW, "exp": NOW + 3600}
    token = encrypt(claims, content_key(secret))
    parts = token.split(".")

    def flipped(i):
        data = bytearray(unb64(parts[i]))
        data[0] ^= 1
        return ".".join(parts[:i] + [b64(bytes(data))] + parts[i + 1:])

    assert_rejected(cli("verify", flipped(2), *flags, "--now", str(NOW)), "decrypt")
    assert_rejected(cli("verify", flipped(3), *flags, "--now", str(NOW)), "decrypt")
    assert_rejected(cli("verify", flipped(4), *flags, "--now", str(NOW)), "decrypt")
    other_header = b64(b'{"enc":"A256GCM","alg":"dir"}')
    assert_rejected(cli("verify", ".".join([other_header] + parts[1:]), *flags, "--now", str(NOW)), "decrypt")
    with_key = ".".join(parts[:1] + [b64(b"k" * 32)] + parts[2:])
    assert_rejected(cli("verify", with_key, *flags, "--now", str(NOW)), "malformed")
    foreign = encrypt(claims, content_key(OTHER_SECRET))
    assert_rejected(cli("verify", foreign, *flags, "--now", str(NOW)), "decrypt")
    expired = encrypt({**CLAIMS, "exp": NOW - 3600}, content_key(secret))
    assert_rejected(cli("verify", expired, *flags, "--now", str(NOW)), "expired")
    a128 = encrypt(claims, content_key(secret)[:16], header={"alg": "dir", "enc": "A128GCM"})
    assert_rejected(cli("verify", a128, *flags, "--now", str(NOW)), "unsupported_algorithm")


def main():
    passed = failed = 0
    for fn in CHECKS:
        for kind, (flags, secret) in SECRETS.items():
            name = f"{fn.__name__} [secret from {kind}]"
            try:
                fn(flags, secret)
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
