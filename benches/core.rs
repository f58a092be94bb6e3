//! Native benchmark of the core: `verify`, `sign`, and a full session round trip, against PyJWT
//! doing the same three operations on the same payload with the same secret.
//!
//! `cargo bench --bench core`. A plain harness (no criterion): each operation is calibrated so
//! that a batch lasts about [`BATCH`], then run in [`BATCHES`] batches; the table shows the
//! median and the min–max of the batches' ns/op. PyJWT runs in a `python3` child process
//! (`benches/pyjwt_roundtrip.py`, timeit); without PyJWT the bench says so and fails.
//!
//! The round trip is what the middleware does for a request that changes the session: verify
//! the cookie, change one value (`counter` += 1), update `iat`/`exp`, sign again.
//!
//! Note on fairness: our key ring computes the HMAC key schedule once (a Worker keeps it per
//! isolate), while PyJWT prepares the key on every call; that is part of what is measured.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use worker_jwt_session::claims::Validation;
use worker_jwt_session::jwt::{self, Algorithm, Claims};
use worker_jwt_session::keys::KeyRing;

/// Batches per operation.
const BATCHES: usize = 15;
/// Target duration of one batch.
const BATCH: Duration = Duration::from_millis(100);
/// 32 bytes: the minimum for HS256, and what `jwt-session keygen` makes.
const SECRET: &[u8; 32] = b"bench-secret-of-32-bytes-0123456";

/// ns/op of each batch, summarized.
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

impl Stats {
    fn of(mut samples: Vec<f64>) -> Result<Stats, String> {
        samples.sort_by(f64::total_cmp);
        let median = samples.get(samples.len() / 2).copied();
        match (median, samples.first().copied(), samples.last().copied()) {
            (Some(median), Some(min), Some(max)) => Ok(Stats { median, min, max }),
            _ => Err("no samples".to_string()),
        }
    }
}

/// Runs `op` in calibrated batches and returns the ns/op of each batch.
fn measure<T>(mut op: impl FnMut() -> T) -> Vec<f64> {
    // Calibrate: double the count until a run takes a tenth of a batch, then scale.
    let mut n: u64 = 1;
    let per_op = loop {
        let start = Instant::now();
        for _ in 0..n {
            black_box(op());
        }
        let elapsed = start.elapsed();
        if elapsed >= BATCH / 10 || n >= 1 << 30 {
            break elapsed.as_secs_f64() / n as f64;
        }
        n *= 2;
    };
    let per_batch = ((BATCH.as_secs_f64() / per_op.max(1e-12)) as u64).max(1);
    (0..BATCHES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                black_box(op());
            }
            start.elapsed().as_secs_f64() * 1e9 / per_batch as f64
        })
        .collect()
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn claims_at(now: u64) -> Result<Claims, String> {
    match json!({
        "sub": "user-42",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "roles": ["admin", "dev"],
        "counter": 17,
        "iat": now,
        "exp": now + 86_400,
    }) {
        Value::Object(map) => Ok(map),
        _ => Err("the payload is not an object".to_string()),
    }
}

/// Verify, change one value, update the time claims, sign: one request that changed the session.
fn round_trip(token: &str, ring: &KeyRing, validation: &Validation) -> Result<String, String> {
    let now = unix_now();
    let mut claims = jwt::verify(token, ring, validation, now).map_err(|e| e.to_string())?.claims;
    let counter = claims.get("counter").and_then(Value::as_u64).unwrap_or(0);
    claims.insert("counter".to_string(), Value::from(counter + 1));
    claims.insert("iat".to_string(), Value::from(now));
    claims.insert("exp".to_string(), Value::from(now + 86_400));
    jwt::sign(&claims, ring, Algorithm::HS256).map_err(|e| e.to_string())
}

struct PyJwt {
    version: String,
    python: String,
    signed: String,
    verify: Stats,
    sign: Stats,
    round_trip: Stats,
}

/// Runs benches/pyjwt_roundtrip.py with the same secret, claims and token.
fn run_pyjwt(claims: &Claims, token: &str) -> Result<PyJwt, String> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/pyjwt_roundtrip.py");
    let params = json!({
        "secret_hex": SECRET.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "claims": claims,
        "token": token,
        "batches": BATCHES,
        "batch_secs": BATCH.as_secs_f64(),
    });
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run python3 ({e}); PyJWT needs Python 3: install it, then `pip install pyjwt`"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(params.to_string().as_bytes()).map_err(|e| format!("cannot talk to python3 ({e})"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("python3 failed ({e})"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => {
            let hint = "the comparison needs it: `python3 -m pip install pyjwt`";
            return Err(format!("{}; {hint}", stderr.trim()));
        }
        _ => return Err(format!("{script} failed ({}): {}", out.status, stderr.trim())),
    }
    let result: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("{script} printed no JSON result ({e})"))?;
    let text = |name: &str| result.get(name).and_then(Value::as_str).unwrap_or("?").to_string();
    let stats = |op: &str| -> Result<Stats, String> {
        let samples = result
            .get("ns_per_op")
            .and_then(|o| o.get(op))
            .and_then(Value::as_array)
            .ok_or_else(|| format!("no `{op}` timings from {script}"))?;
        Stats::of(samples.iter().filter_map(Value::as_f64).collect())
    };
    Ok(PyJwt {
        version: text("pyjwt"),
        python: text("python"),
        signed: text("signed"),
        verify: stats("verify")?,
        sign: stats("sign")?,
        round_trip: stats("round_trip")?,
    })
}

fn run() -> Result<(), String> {
    let ring = KeyRing::new(SECRET).map_err(|e| e.to_string())?;
    let validation = Validation::default();
    let claims = claims_at(unix_now())?;
    let token = jwt::sign(&claims, &ring, Algorithm::HS256).map_err(|e| e.to_string())?;
    let now = unix_now();
    // Check each operation once before timing it.
    jwt::verify(&token, &ring, &validation, now).map_err(|e| e.to_string())?;
    round_trip(&token, &ring, &validation)?;

    // Warm up (CPU frequency, caches, allocator) before the first timed batch.
    let warm = Instant::now();
    while warm.elapsed() < BATCH * 3 {
        black_box(round_trip(&token, &ring, &validation)?);
    }

    println!(
        "worker-jwt-session core, native, HS256, {}-byte secret, {}-byte token, {BATCHES} batches of ~{} ms",
        SECRET.len(),
        token.len(),
        BATCH.as_millis()
    );
    let ours = [
        ("verify", Stats::of(measure(|| jwt::verify(&token, &ring, &validation, now)))?),
        ("sign", Stats::of(measure(|| jwt::sign(&claims, &ring, Algorithm::HS256)))?),
        ("round trip", Stats::of(measure(|| round_trip(&token, &ring, &validation)))?),
    ];
    println!("{:<12} {:>14} {:>20}", "operation", "median ns/op", "min–max ns/op");
    for (name, s) in &ours {
        println!("{name:<12} {:>14.0} {:>20}", s.median, format!("{:.0}–{:.0}", s.min, s.max));
    }
    println!();

    let py = run_pyjwt(&claims, &token)?;
    if py.signed != token {
        return Err(format!(
            "PyJWT signed the same claims differently, so the comparison is not like for like:\n  ours:  {token}\n  PyJWT: {}",
            py.signed
        ));
    }
    println!("PyJWT {} ({}), same payload, secret and token (PyJWT's token is byte-identical)", py.version, py.python);
    println!(
        "{:<12} {:>14} {:>20} {:>14} {:>14}",
        "operation", "PyJWT ns/op", "PyJWT min–max", "ours ns/op", "PyJWT / ours"
    );
    for ((name, ours), theirs) in ours.iter().zip([&py.verify, &py.sign, &py.round_trip]) {
        println!(
            "{name:<12} {:>14.0} {:>20} {:>14.0} {:>13.1}x",
            theirs.median,
            format!("{:.0}–{:.0}", theirs.min, theirs.max),
            ours.median,
            theirs.median / ours.median
        );
    }
    Ok(())
}

/// Under `cargo test --benches` (no `--bench` flag) each operation runs once, untimed.
fn smoke() -> Result<(), String> {
    let ring = KeyRing::new(SECRET).map_err(|e| e.to_string())?;
    let token = jwt::sign(&claims_at(unix_now())?, &ring, Algorithm::HS256).map_err(|e| e.to_string())?;
    round_trip(&token, &ring, &Validation::default())?;
    println!("bench `core`: smoke test passed (`cargo bench --bench core` measures)");
    Ok(())
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; filters and other flags are ignored by this harness.
    let benching = std::env::args().any(|a| a == "--bench");
    match if benching { run() } else { smoke() } {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            ExitCode::FAILURE
        }
    }
}
