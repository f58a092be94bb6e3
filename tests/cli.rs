//! The `jwt-session` command-line tool, run as a user runs it: the built binary, its stdout,
//! stderr and exit status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_jwt-session");

/// The secret of the `wsgi_jwt_session` README, and the two cookies it shows.
const WSGI_SECRET: &str = "Use something big and randomly-generated here";
const WSGI_1: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoxfQ.L4FO0H7KJXfOfEgLV_N93ByCMk5FU8ZuX2YG4Q9lw8Q";
const WSGI_2: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjb3VudGVyIjoyfQ.1FapXphQivj9kYFArjb6I-Jr-2skXk_G5kCTbqJDOA0";

/// A secret distinctive enough that finding it in any output means it leaked.
const SECRET: &str = "s3cr3t-NEVER-PRINT-ME-0123456789-abcdefghijklmnopqrstuvwxyz-ZZZZ";
const OLD_SECRET: &str = "old-s3cr3t-NEVER-PRINT-ME-0123456789-abcdefghijklmnopqrstuv";

struct Out {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Asserts a rejection: exit 1, nothing on stdout, `error: <code>: …` on stderr.
    fn rejected(&self, code: &str) {
        assert_eq!(self.status, 1, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "");
        assert!(
            self.stderr.starts_with(&format!("error: {code}: ")),
            "expected `error: {code}: …`, got {:?}",
            self.stderr
        );
    }

    /// Asserts a usage mistake: exit 2, `error: usage: …` on stderr.
    fn usage(&self) {
        assert_eq!(self.status, 2, "stderr: {}", self.stderr);
        assert_eq!(self.stdout, "");
        assert!(self.stderr.starts_with("error: usage: "), "{:?}", self.stderr);
    }

    fn ok(&self) -> &Self {
        assert_eq!(self.status, 0, "stderr: {}", self.stderr);
        assert_eq!(self.stderr, "");
        self
    }
}

/// Runs the binary with only the given environment and stdin.
fn cli(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Out {
    let mut child = Command::new(BIN)
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The binary may exit before reading stdin (a usage error): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    let out = Out {
        status: out.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    for secret in [SECRET, OLD_SECRET] {
        assert!(!out.stdout.contains(secret), "secret on stdout for {args:?}");
        assert!(!out.stderr.contains(secret), "secret on stderr for {args:?}");
    }
    out
}

fn env_secret() -> [(&'static str, &'static str); 1] {
    [("JWT_SESSION_SECRET", SECRET)]
}

fn sign(claims: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["sign"];
    all.extend_from_slice(args);
    let out = cli(&all, env, claims);
    out.ok();
    let token = out.stdout.strip_suffix('\n').expect("token ends with a newline");
    assert_eq!(token.split('.').count(), 3, "{token}");
    token.to_string()
}

fn temp_file(contents: &[u8]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-secret-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn wsgi_jwt_session_cookies_verify_as_legacy_tokens() {
    let env = [("WSGI", WSGI_SECRET)];
    for (token, n) in [(WSGI_1, 1), (WSGI_2, 2)] {
        let out = cli(&["verify", token, "--secret-env", "WSGI", "--allow-missing-exp"], &env, "");
        assert_eq!(out.ok().json(), json!({ "counter": n }));
        assert_eq!(out.stdout, format!("{{\n  \"counter\": {n}\n}}\n"));
    }
}

#[test]
fn wsgi_jwt_session_cookies_without_exp_are_refused_by_default() {
    let env = [("WSGI", WSGI_SECRET)];
    for token in [WSGI_1, WSGI_2] {
        cli(&["verify", token, "--secret-env", "WSGI"], &env, "").rejected("missing_exp");
    }
}

#[test]
fn decode_prints_the_payload_or_header_without_a_key() {
    let out = cli(&["decode", WSGI_2], &[], "");
    assert_eq!(out.ok().stdout, "{\n  \"counter\": 2\n}\n");
    let out = cli(&["decode", WSGI_1, "--header"], &[], "");
    assert_eq!(out.ok().stdout, "{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}\n");
    let out = cli(&["decode", "--header", "-"], &[], &format!("{WSGI_1}\n"));
    assert_eq!(out.ok().json(), json!({"alg": "HS256", "typ": "JWT"}));
}

#[test]
fn decode_keeps_the_key_order_of_the_token() {
    let token = sign(
        r#"{"zeta":1,"alpha":{"y":2,"b":3},"mid":[1,"x"]}"#,
        &["--secret-env", "JWT_SESSION_SECRET", "--now", "1000"],
        &env_secret(),
    );
    let out = cli(&["decode", &token], &[], "");
    let keys: Vec<String> = out.ok().json().as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["zeta", "alpha", "mid", "iat", "exp"]);
    let inner = out.stdout.find("\"y\"").unwrap() < out.stdout.find("\"b\"").unwrap();
    assert!(inner, "{}", out.stdout);
}

#[test]
fn decode_rejects_what_is_not_a_token() {
    cli(&["decode", "not-a-token"], &[], "").rejected("malformed");
    cli(&["decode", "a.b=.c"], &[], "").rejected("bad_base64");
    cli(&["decode", "e30.WzFd.c2ln"], &[], "").rejected("bad_json"); // payload `[1]`
}

#[test]
fn sign_then_verify_round_trips_with_the_given_clock() {
    let env = env_secret();
    let token = sign(
        r#"{"sub":"user-42","counter":17}"#,
        &["--secret-env", "JWT_SESSION_SECRET", "--now", "1700000000", "--max-age", "3600"],
        &env,
    );
    let out = cli(&["verify", &token, "--secret-env", "JWT_SESSION_SECRET", "--now", "1700000100"], &env, "");
    assert_eq!(
        out.ok().json(),
        json!({"sub": "user-42", "counter": 17, "iat": 1_700_000_000u64, "exp": 1_700_003_600u64})
    );
    // The header is exactly PyJWT's.
    let header = cli(&["decode", "--header", &token], &[], "");
    assert_eq!(header.ok().json(), json!({"alg": "HS256", "typ": "JWT"}));
}

#[test]
fn sign_uses_a_day_by_default_and_overwrites_given_time_claims() {
    let env = env_secret();
    let token = sign(r#"{"iat":1,"exp":2,"n":null}"#, &["--secret-env", "JWT_SESSION_SECRET", "--now", "5000"], &env);
    let out = cli(&["decode", &token], &[], "");
    assert_eq!(out.ok().json(), json!({"iat": 5000, "exp": 5000 + 86_400, "n": null}));
}

#[test]
fn a_token_past_exp_is_expired_after_the_leeway() {
    let env = env_secret();
    let token = sign("{}", &["--secret-env", "JWT_SESSION_SECRET", "--now", "1000", "--max-age", "60"], &env);
    let verify = |now: &str, extra: &[&str]| {
        let mut args = vec!["verify", &token, "--secret-env", "JWT_SESSION_SECRET", "--now", now];
        args.extend_from_slice(extra);
        cli(&args, &env, "")
    };
    verify("1089", &[]).ok(); // exp 1060 + 30 s of default leeway
    verify("1090", &[]).rejected("expired");
    verify("1059", &["--leeway", "0"]).ok();
    verify("1060", &["--leeway", "0"]).rejected("expired");
    verify("99999", &["--allow-missing-exp"]).rejected("expired");
    // Issued in the future, seen from an earlier clock.
    verify("900", &[]).rejected("issued_in_future");
}

#[test]
fn a_wrong_secret_is_a_bad_signature() {
    let token = sign("{}", &["--secret-env", "JWT_SESSION_SECRET", "--now", "1000"], &env_secret());
    let env = [("OTHER", OLD_SECRET)];
    cli(&["verify", &token, "--secret-env", "OTHER", "--now", "1000"], &env, "").rejected("bad_signature");
    // A tampered payload too.
    let parts: Vec<&str> = token.split('.').collect();
    let forged = format!("{}.{}.{}", parts[0], "eyJhZG1pbiI6dHJ1ZX0", parts[2]);
    let env = env_secret();
    cli(&["verify", &forged, "--secret-env", "JWT_SESSION_SECRET", "--allow-missing-exp"], &env, "")
        .rejected("bad_signature");
}

#[test]
fn previous_secrets_still_verify() {
    let old_token = sign(r#"{"who":"old"}"#, &["--secret-env", "OLD", "--now", "1000"], &[("OLD", OLD_SECRET)]);
    let previous = format!(" another-previous-secret-of-32-bytes-at-least , {OLD_SECRET} ");
    let env = [("JWT_SESSION_SECRET", SECRET), ("JWT_SESSION_PREVIOUS_SECRETS", previous.as_str())];
    let with_previous = [
        "verify",
        &old_token,
        "--secret-env",
        "JWT_SESSION_SECRET",
        "--previous-env",
        "JWT_SESSION_PREVIOUS_SECRETS",
        "--now",
        "1000",
    ];
    assert_eq!(cli(&with_previous, &env, "").ok().json()["who"], "old");
    let without = ["verify", &old_token, "--secret-env", "JWT_SESSION_SECRET", "--now", "1000"];
    cli(&without, &env, "").rejected("bad_signature");
    // An empty entry (a stray comma) is a configuration error, not silently skipped.
    let env =
        [("JWT_SESSION_SECRET", SECRET), ("JWT_SESSION_PREVIOUS_SECRETS", "a-previous-secret-of-32-bytes-at-least,,")];
    cli(&with_previous, &env, "").rejected("config");
    // A short previous secret too.
    let env = [("JWT_SESSION_SECRET", SECRET), ("JWT_SESSION_PREVIOUS_SECRETS", "short")];
    cli(&with_previous, &env, "").rejected("config");
}

#[test]
fn each_algorithm_round_trips_and_the_allow_list_is_enforced() {
    let secret = "x".repeat(64);
    let env = [("K", secret.as_str())];
    for alg in ["HS256", "hs384", "Hs512"] {
        let token = sign("{}", &["--secret-env", "K", "--alg", alg, "--now", "1000"], &env);
        let header = cli(&["decode", "--header", &token], &[], "");
        assert_eq!(header.ok().json()["alg"], alg.to_uppercase());
        let verify =
            |list: &str| cli(&["verify", &token, "--secret-env", "K", "--now", "1000", "--alg", list], &env, "");
        verify("HS256,HS384,HS512").ok();
        verify(&alg.to_lowercase()).ok();
        if alg != "HS256" {
            cli(&["verify", &token, "--secret-env", "K", "--now", "1000"], &env, "").rejected("unsupported_algorithm");
        }
    }
    cli(&["verify", WSGI_1, "--secret-env", "K", "--alg", "RS256"], &env, "").rejected("config");
    cli(&["verify", WSGI_1, "--secret-env", "K", "--alg", "HS256,"], &env, "").rejected("config");
    cli(&["verify", WSGI_1, "--secret-env", "K", "--alg", "none"], &env, "").rejected("config");
}

#[test]
fn sign_refuses_a_secret_shorter_than_the_mac() {
    for (alg, len) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let short = "k".repeat(len - 1);
        let env = [("K", short.as_str())];
        let out = cli(&["sign", "--secret-env", "K", "--alg", alg], &env, "{}");
        out.rejected("config");
        assert!(out.stderr.contains(&format!("{len}")), "{}", out.stderr);
        let exact = "k".repeat(len);
        sign("{}", &["--secret-env", "K", "--alg", alg], &[("K", exact.as_str())]);
    }
    cli(&["verify", WSGI_1, "--secret-env", "K"], &[("K", "")], "").rejected("config");
}

#[test]
fn sign_without_exp_writes_iat_only() {
    let env = env_secret();
    let token = sign(r#"{"a":1,"exp":3}"#, &["--secret-env", "JWT_SESSION_SECRET", "--no-exp", "--now", "1000"], &env);
    assert_eq!(cli(&["decode", &token], &[], "").ok().json(), json!({"a": 1, "iat": 1000}));
    let args = ["verify", &token, "--secret-env", "JWT_SESSION_SECRET", "--now", "2000"];
    cli(&args, &env, "").rejected("missing_exp");
    let mut legacy = args.to_vec();
    legacy.push("--allow-missing-exp");
    cli(&legacy, &env, "").ok();
}

#[test]
fn sign_reads_a_json_object_on_stdin() {
    let env = env_secret();
    let args = ["sign", "--secret-env", "JWT_SESSION_SECRET"];
    for bad in ["[1]", "1", "\"x\"", "null", "", "{", "{\"a\":1} x"] {
        cli(&args, &env, bad).rejected("bad_json");
    }
    cli(&args, &env, &format!("{{\"a\":\"{}\"}}", "x".repeat(140_000))).rejected("too_large");
}

#[test]
fn a_secret_file_is_read_as_raw_bytes() {
    let mut bytes: Vec<u8> = (0u8..=255).collect();
    bytes.push(b'\n');
    let file = temp_file(&bytes);
    let file = file.to_str().unwrap();
    let token = sign("{}", &["--secret-file", file, "--now", "1000"], &[]);
    cli(&["verify", &token, "--secret-file", file, "--now", "1000"], &[], "").ok();
    // The trailing newline is part of the secret.
    let trimmed = temp_file(&bytes[..256]);
    let trimmed = trimmed.to_str().unwrap();
    cli(&["verify", &token, "--secret-file", trimmed, "--now", "1000"], &[], "").rejected("bad_signature");
    cli(&["verify", &token, "--secret-file", "/nonexistent/secret", "--now", "1000"], &[], "").rejected("config");
}

#[test]
fn keygen_prints_a_fresh_32_byte_base64url_secret() {
    let a = cli(&["keygen"], &[], "");
    let b = cli(&["keygen"], &[], "");
    let (a, b) = (a.ok().stdout.trim_end().to_string(), b.ok().stdout.trim_end().to_string());
    for key in [&a, &b] {
        assert_eq!(key.len(), 43, "{key}");
        assert!(key.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{key}");
        assert_eq!(worker_jwt_session::jwt::decode_segment(key).unwrap().len(), 32);
    }
    assert_ne!(a, b);
    // It is good enough to sign with.
    sign("{}", &["--secret-env", "K"], &[("K", a.as_str())]);
}

#[test]
fn usage_mistakes_exit_2() {
    let env = env_secret();
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        &["--frobnicate"],
        &["decode"],
        &["decode", WSGI_1, WSGI_2],
        &["decode", WSGI_1, "--bogus"],
        &["decode", WSGI_1, "--header=yes"],
        &["verify", WSGI_1],
        &["verify", WSGI_1, "--secret-env"],
        &["verify", "--secret-env", "JWT_SESSION_SECRET"],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", "--secret-file", "/etc/hostname"],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", "--secret-env", "JWT_SESSION_SECRET"],
        &["verify", WSGI_1, "--secret-env", "UNSET_VARIABLE"],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", "--previous-env", "UNSET_VARIABLE"],
        &["sign"],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", "extra"],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", "--no-exp", "--max-age", "5"],
        &["keygen", "extra"],
    ];
    for args in cases {
        let out = cli(args, &env, "{}");
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        out.usage();
    }
    let out = cli(&["verify", WSGI_1, "--secret-env", "UNSET_VARIABLE"], &env, "");
    assert!(out.stderr.contains("UNSET_VARIABLE"), "the variable is named: {}", out.stderr);
}

#[test]
fn bad_option_values_are_config_errors() {
    let env = env_secret();
    for args in [
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", "--leeway", "-1"][..],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", "--now", "yesterday"],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", "--max-age", "1.5"],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", "--alg", "HS1024"],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", "--now", &u64::MAX.to_string()],
    ] {
        cli(args, &env, "{}").rejected("config");
    }
}

#[test]
fn help_is_printed_on_stdout() {
    for args in [&["--help"][..], &["help"], &["-h"], &["verify", "--help"]] {
        let out = cli(args, &[], "");
        assert!(out.ok().stdout.contains("USAGE"), "{args:?}");
        assert!(out.stdout.contains("keygen"));
    }
}

#[test]
fn a_secret_typed_in_the_wrong_place_is_never_echoed() {
    // `cli` checks every output for SECRET; these are the likely slips.
    let env = env_secret();
    let cases: &[&[&str]] = &[
        &["verify", WSGI_1, "--secret-env", SECRET],
        &["verify", WSGI_1, "--secret-file", SECRET],
        &["sign", SECRET],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", SECRET],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", &format!("--no-exp={SECRET}")],
        &[SECRET],
        &["decode", WSGI_1, SECRET],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", SECRET],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", "--alg", SECRET],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", "--leeway", SECRET],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", &format!("--{SECRET}")],
        &["sign", "--secret-env", "JWT_SESSION_SECRET", "--", SECRET],
        &["verify", WSGI_1, "--secret-env", "JWT_SESSION_SECRET", &format!("--{SECRET}")],
    ];
    for args in cases {
        let out = cli(args, &env, "{}");
        assert_ne!(out.status, 0, "{args:?}");
    }
    // A secret in the variable whose name is all word characters, 32 bytes or more.
    let word_secret = "A".repeat(40);
    let out = cli(&["verify", WSGI_1, "--secret-env", &word_secret], &env, "");
    out.usage();
    assert!(!out.stderr.contains(&word_secret), "{}", out.stderr);
    // And on success, of course.
    let token = sign("{}", &["--secret-env", "JWT_SESSION_SECRET"], &env);
    cli(&["verify", &token, "--secret-env", "JWT_SESSION_SECRET"], &env, "").ok();
}

#[test]
fn keygen_alg_gives_a_secret_long_enough_for_that_algorithm() {
    for (alg, chars) in [("HS256", 43), ("HS384", 64), ("HS512", 86)] {
        let out = cli(&["keygen", "--alg", alg], &[], "");
        assert_eq!(out.status, 0, "{alg}: {}", out.stderr);
        let secret = out.stdout.trim().to_string();
        assert_eq!(secret.len(), chars, "{alg}");
        // The printed text is the secret: signing with it under that algorithm is accepted.
        let signed = cli(&["sign", "--secret-env", "K", "--alg", alg], &[("K", secret.as_str())], "{}");
        assert_eq!(signed.status, 0, "{alg}: {}", signed.stderr);
    }
    assert_eq!(cli(&["keygen", "--alg", "none"], &[], "").status, 2);
}

#[test]
fn verify_says_what_the_worker_says_with_its_settings_from_the_environment() {
    let env = env_secret();
    let args = ["--secret-env", "JWT_SESSION_SECRET", "--now", "5000"];
    // Size: the Worker's default JWT_SESSION_MAX_CHUNKS (4) caps tokens at 16 KiB.
    let big = format!("{{\"note\":\"{}\",\"orig_iat\":1000}}", "x".repeat(13_000));
    let token = sign(&big, &["--secret-env", "JWT_SESSION_SECRET", "--now", "4000"], &env);
    assert!(token.len() > 16 * 1024);
    cli(&[&["verify", &token][..], &args].concat(), &env, "").rejected("too_large");
    let more = [env[0], ("JWT_SESSION_MAX_CHUNKS", "8")];
    cli(&[&["verify", &token][..], &args].concat(), &more, "").ok();
    // Absolute lifetime, counted from orig_iat, as the Worker counts it.
    let small = sign(r#"{"orig_iat":1000}"#, &["--secret-env", "JWT_SESSION_SECRET", "--now", "4000"], &env);
    cli(&[&["verify", &small][..], &args].concat(), &env, "").ok();
    let limited = [env[0], ("JWT_SESSION_ABSOLUTE_LIFETIME", "3600")];
    cli(&[&["verify", &small][..], &args].concat(), &limited, "").rejected("lifetime_exceeded");
    // A legacy token cannot prove when it began: with an absolute lifetime it is refused.
    // `sign` always writes iat; a wsgi_jwt_session token has none.
    let ring = worker_jwt_session::keys::KeyRing::new(SECRET).unwrap();
    let claims: serde_json::Map<String, Value> = serde_json::from_str(r#"{"counter":1}"#).unwrap();
    let legacy = worker_jwt_session::jwt::sign(&claims, &ring, worker_jwt_session::jwt::Algorithm::HS256).unwrap();
    let allow = [env[0], ("JWT_SESSION_ALLOW_LEGACY", "true")];
    cli(&[&["verify", &legacy][..], &args].concat(), &allow, "").ok();
    let both = [env[0], ("JWT_SESSION_ALLOW_LEGACY", "true"), ("JWT_SESSION_ABSOLUTE_LIFETIME", "3600")];
    cli(&[&["verify", &legacy][..], &args].concat(), &both, "").rejected("lifetime_exceeded");
    // A bad setting is the Worker's configuration error, naming the binding.
    let bad = [env[0], ("JWT_SESSION_MAX_CHUNKS", "many")];
    let out = cli(&[&["verify", &small][..], &args].concat(), &bad, "");
    out.rejected("config");
    assert!(out.stderr.contains("JWT_SESSION_MAX_CHUNKS"), "{}", out.stderr);
}

#[test]
fn verify_cookie_takes_a_whole_cookie_header_as_the_worker_does() {
    let env = env_secret();
    let args = ["--secret-env", "JWT_SESSION_SECRET", "--now", "5000"];
    let good = sign(r#"{"counter":7}"#, &["--secret-env", "JWT_SESSION_SECRET", "--now", "4000"], &env);
    let verify = |header: &str| cli(&[&["verify", "--cookie", header][..], &args].concat(), &env, "");
    // Tossed cookies first, then the genuine one: the handler gets the genuine session.
    let out = verify(&format!("theme=dark; jwtsession=x.y.z; jwtsession={good}"));
    assert_eq!(out.ok().json(), serde_json::json!({"counter": 7}));
    // Chunks, with a planted extra chunk, are put back together as the Worker does.
    let (a, b) = good.split_at(good.len() / 2);
    let out = verify(&format!("jwtsession.1={b}; jwtsession.0={a}; jwtsession.2=AAAA"));
    assert_eq!(out.ok().json(), serde_json::json!({"counter": 7}));
    // Nothing verifies: the first rejection's code, exit 1.
    verify("jwtsession=x.y.z").rejected("bad_base64");
    let other = sign(r#"{"counter":7}"#, &["--secret-env", "OTHER", "--now", "4000"], &[("OTHER", OLD_SECRET)]);
    verify(&format!("jwtsession={other}")).rejected("bad_signature");
    // No session cookie: the empty session the handler would get, and a note.
    let none = verify("theme=dark");
    assert_eq!((none.status, none.json()), (0, serde_json::json!({})));
    assert!(none.stderr.starts_with("note: "), "{}", none.stderr);
    // The header can come on stdin, out of `ps` and the shell history.
    let out = cli(&[&["verify", "--cookie", "-"][..], &args].concat(), &env, &format!("jwtsession={good}"));
    assert_eq!(out.ok().json(), serde_json::json!({"counter": 7}));
    cli(&[&["verify", &good, "--cookie", "a=b"][..], &args].concat(), &env, "").usage();
}

#[test]
fn verify_cookie_and_decode_read_a_split_pair() {
    let env = env_secret();
    let args = ["--secret-env", "JWT_SESSION_SECRET", "--now", "5000"];
    let good = sign(r#"{"counter":8}"#, &["--secret-env", "JWT_SESSION_SECRET", "--now", "4000"], &env);
    let (half, sig) = good.rsplit_once('.').unwrap();
    let verify = |header: &str| cli(&[&["verify", "--cookie", header][..], &args].concat(), &env, "");
    let out = verify(&format!("jwtsession={half}; jwtsession.sig={sig}"));
    assert_eq!(out.ok().json(), serde_json::json!({"counter": 8}));
    // The readable half alone, as a script on the page holds it: no session.
    verify(&format!("jwtsession={half}")).rejected("malformed");
    // decode reads the half as the browser's decode() does, alone or in a Cookie header.
    let decoded = cli(&["decode", half], &[], "");
    assert_eq!(decoded.ok().json()["counter"], 8);
    let decoded = cli(&["decode", "--cookie", &format!("a=b; jwtsession={half}; jwtsession.sig={sig}")], &[], "");
    assert_eq!(decoded.ok().json()["counter"], 8);
    cli(&["decode", "--cookie", "a=b"], &[], "").rejected("malformed");
}

#[test]
fn revoke_prints_the_wrangler_command_a_workers_logout_would_amount_to() {
    let token = sign(
        r#"{"sub":"o'brien","sid":"q3VsCz1SE2bVYmjR2Ruk6A"}"#,
        &["--secret-env", "JWT_SESSION_SECRET"],
        &env_secret(),
    );
    let out = cli(&["revoke", &token, "--now", "1700000000"], &[], "");
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "npx wrangler kv key put --binding=REVOKED sid:q3VsCz1SE2bVYmjR2Ruk6A 1700000000 --ttl=86430 --remote\n"
    );
    // Every session of the user, with the Worker's settings from the environment; the user id
    // quoted for the shell.
    let env = [("JWT_SESSION_REVOCATION_KV", "SESSIONS_KV"), ("JWT_SESSION_MAX_AGE", "3600")];
    let out = cli(&["revoke", &token, "--all", "--now", "1700000000"], &env, "");
    assert_eq!(
        out.stdout,
        "npx wrangler kv key put --binding=SESSIONS_KV 'sub:o'\\''brien' 1700000000 --ttl=3630 --remote\n"
    );
    // A legacy token names no session: say so, with the code.
    cli(&["revoke", WSGI_1], &[], "").rejected("revocation_unavailable");
}

/// `sign --mode encrypted`: a JWE, as encrypted mode's cookie holds.
fn sign_encrypted(claims: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["sign", "--mode", "encrypted"];
    all.extend_from_slice(args);
    let out = cli(&all, env, claims);
    out.ok();
    let token = out.stdout.strip_suffix('\n').expect("token ends with a newline").to_string();
    assert_eq!(token.split('.').count(), 5, "{token}");
    token
}

#[test]
fn an_encrypted_session_is_made_verified_and_decoded_only_with_its_secret() {
    let env = env_secret();
    let token =
        sign_encrypted(r#"{"user":"ada"}"#, &["--secret-env", "JWT_SESSION_SECRET", "--now", "1700000000"], &env);
    assert!(!token.contains("ada"));
    let verified = cli(&["verify", &token, "--secret-env", "JWT_SESSION_SECRET", "--now", "1700000100"], &env, "");
    assert_eq!(verified.ok().json(), json!({"user": "ada", "iat": 1700000000u64, "exp": 1700086400u64}));
    // The Worker's whole path: a Cookie header.
    let cookie = format!("theme=dark; jwtsession={token}");
    let session =
        cli(&["verify", "--cookie", &cookie, "--secret-env", "JWT_SESSION_SECRET", "--now", "1700000100"], &env, "");
    assert_eq!(session.ok().json(), json!({"user": "ada"}));
    // Decode without the secret: a clear refusal, code `decrypt`; with it, the claims; the header
    // is readable either way.
    let refused = cli(&["decode", &token], &[], "");
    refused.rejected("decrypt");
    assert!(refused.stderr.contains("encrypted") && refused.stderr.contains("--secret-env"), "{}", refused.stderr);
    cli(&["decode", "--cookie", &cookie], &[], "").rejected("decrypt");
    let decoded = cli(&["decode", &token, "--secret-env", "JWT_SESSION_SECRET"], &env, "");
    assert_eq!(decoded.ok().json()["user"], "ada");
    assert_eq!(cli(&["decode", "--header", &token], &[], "").ok().json(), json!({"alg": "dir", "enc": "A256GCM"}));
    // Another secret cannot read it; an expired one verifies as expired, with the secret's codes.
    let other = [("OTHER", OLD_SECRET)];
    cli(&["verify", &token, "--secret-env", "OTHER", "--now", "1700000100"], &other, "").rejected("decrypt");
    cli(&["decode", &token, "--secret-env", "OTHER"], &other, "").rejected("decrypt");
    cli(&["verify", &token, "--secret-env", "JWT_SESSION_SECRET", "--now", "1800000000"], &env, "").rejected("expired");
}

#[test]
fn an_encrypted_session_under_a_previous_secret_verifies_during_a_rotation() {
    let old = [("OLD", OLD_SECRET)];
    let token = sign_encrypted(r#"{"n":1}"#, &["--secret-env", "OLD", "--now", "1700000000"], &old);
    let both = [("JWT_SESSION_SECRET", SECRET), ("OLD", OLD_SECRET)];
    let args = ["verify", &token, "--secret-env", "JWT_SESSION_SECRET", "--previous-env", "OLD", "--now", "1700000001"];
    assert_eq!(cli(&args, &both, "").ok().json()["n"], 1);
}

#[test]
fn sign_mode_is_single_or_encrypted() {
    let env = env_secret();
    sign(r#"{"a":1}"#, &["--secret-env", "JWT_SESSION_SECRET", "--mode", "single"], &env);
    cli(&["sign", "--secret-env", "JWT_SESSION_SECRET", "--mode", "split"], &env, "{}").usage();
    cli(&["sign", "--secret-env", "JWT_SESSION_SECRET", "--mode", "encrypted", "--alg", "HS512"], &env, "{}").usage();
    cli(&["sign", "--secret-env", "JWT_SESSION_SECRET", "--mode", "sideways"], &env, "{}").rejected("config");
}
