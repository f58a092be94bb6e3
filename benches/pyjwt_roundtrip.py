#!/usr/bin/env python3
"""PyJWT side of `cargo bench --bench core`: the same three operations, payload and secret.

Reads its parameters as JSON on stdin (sent by benches/core.rs, so both sides use the very same
secret, claims and token):

    {"secret_hex": "...", "claims": {...}, "token": "...", "batches": 15, "batch_secs": 0.1}

and prints one JSON object on stdout: PyJWT and Python versions, the token PyJWT signs for the
same claims (the bench checks it is byte-identical to ours), and for each of `verify`, `sign`,
`round_trip` the ns/op of every batch. Exits 3 when PyJWT is not installed.
"""

import json
import platform
import sys
import time
import timeit

try:
    import jwt
except ImportError:
    print(f"PyJWT is not installed for {sys.executable}", file=sys.stderr)
    sys.exit(3)


def measure(fn, batches, batch_secs):
    timer = timeit.Timer(fn)
    # Calibrate: enough calls for one batch to last about batch_secs.
    number, elapsed = timer.autorange()
    number = max(1, int(number * batch_secs / max(elapsed, 1e-9)))
    return [t / number * 1e9 for t in timer.repeat(repeat=batches, number=number)]


def main():
    params = json.load(sys.stdin)
    secret = bytes.fromhex(params["secret_hex"])
    claims = params["claims"]
    token = params["token"]
    batches = params["batches"]
    batch_secs = params["batch_secs"]

    def verify():
        return jwt.decode(token, secret, algorithms=["HS256"])

    def sign():
        return jwt.encode(claims, secret, algorithm="HS256")

    def round_trip():
        session = jwt.decode(token, secret, algorithms=["HS256"])
        session["counter"] += 1
        now = int(time.time())
        session["iat"] = now
        session["exp"] = now + 86400
        return jwt.encode(session, secret, algorithm="HS256")

    # Sanity: the operations succeed and do the same work as ours.
    assert verify() == claims
    assert round_trip().count(".") == 2

    result = {
        "pyjwt": jwt.__version__,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "signed": sign(),
        "ns_per_op": {
            "verify": measure(verify, batches, batch_secs),
            "sign": measure(sign, batches, batch_secs),
            "round_trip": measure(round_trip, batches, batch_secs),
        },
    }
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
