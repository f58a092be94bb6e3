//! `jwt-session`: decode, verify and sign session tokens, and make secrets, on your own machine.
//!
//! This is the local, private alternative to pasting a production session cookie into a
//! website that "decodes JWTs": the token (a live credential until it expires) and the secret
//! never leave the machine, and nothing is sent anywhere. It runs the crate's own code, so
//! `verify` says exactly what the Worker would say about a cookie, with the same error codes.
//!
//! ```text
//! jwt-session decode (TOKEN | --cookie HEADER) [--header] [--secret-env VAR | --secret-file FILE]
//! jwt-session verify (TOKEN | --cookie HEADER) (--secret-env VAR | --secret-file FILE)
//!                    [--previous-env VAR] [--alg HS256,…] [--leeway S] [--now UNIX] [--allow-missing-exp]
//! jwt-session sign (--secret-env VAR | --secret-file FILE) [--alg A] [--mode encrypted] [--max-age S]
//!                  [--no-exp] [--now UNIX]   < claims.json
//! jwt-session keygen [--alg A]
//! jwt-session revoke TOKEN [--all] [--now UNIX]
//! ```
//!
//! Secrets are read from an environment variable or a file, never from the command line (where
//! `ps` and the shell history would keep them), and are never printed: error messages name the
//! variable or file, not what it holds. A token may be given as `-` to read it from stdin.
//!
//! Output goes to stdout; failures print `error: <code>: <message>` on stderr. Exit status: 0
//! on success, 1 when a token, secret or option is rejected (the code is the crate's
//! [`ErrorCode`], plus `io` for unreadable stdin or unwritable stdout), 2 for a usage mistake
//! (`error: usage: …`).
//!
//! `verify` is built on the Worker's own engine ([`JwtSessions`]): it reads the same
//! `JWT_SESSION_*` settings from the environment as the Worker reads from its bindings (size
//! from `JWT_SESSION_MAX_CHUNKS`, `JWT_SESSION_ABSOLUTE_LIFETIME`, `JWT_SESSION_ALLOW_LEGACY`,
//! …; the flags override them), and `--cookie` takes a whole `Cookie` header and answers what
//! the Worker would: the session the handler gets, after the same candidates, chunk
//! reassembly and duplicate handling, or the code of the rejection.
//!
//! The CLI only translates between the command line and the core; it holds no token logic of
//! its own.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use lexopt::{Arg, Parser};
use serde_json::{Map, Value};
use worker_jwt_session::claims::DEFAULT_MAX_TOKEN_BYTES;
use worker_jwt_session::config::{Opt, PREVIOUS_SECRETS_BINDING, SETTINGS};
use worker_jwt_session::cookie::{self, Mode};
use worker_jwt_session::jwe;
use worker_jwt_session::jwt::{self, Algorithm, Part};
use worker_jwt_session::keys::{KeyRing, MIN_SECRET_BYTES};
use worker_jwt_session::policy::Origin;
use worker_jwt_session::{Error, ErrorCode, JwtSessions};

const USAGE: &str = "\
jwt-session: decode, verify and sign worker-jwt-session tokens locally (nothing leaves this machine)

USAGE:
    jwt-session decode (TOKEN | --cookie HEADER) [--header] [--secret-env VAR | --secret-file FILE]
    jwt-session verify (TOKEN | --cookie HEADER) (--secret-env VAR | --secret-file FILE) [OPTIONS]
    jwt-session sign (--secret-env VAR | --secret-file FILE) [OPTIONS] < claims.json
    jwt-session keygen [--alg A]
    jwt-session revoke TOKEN [--all] [--now UNIX]
    jwt-session help

COMMANDS:
    decode   Print the payload (or, with --header, the header) as JSON, key order kept.
             The signature is NOT checked: never base a decision on this output. Takes a
             whole token, split mode's `header.payload`, or with --cookie a Cookie header.
             An encrypted session (JWE) needs the secret to be read (the time claims are
             still not checked); its --header needs none.
    verify   Check a token exactly as the Worker does (same engine, same JWT_SESSION_*
             settings read from the environment); print the payload. With --cookie, take a
             whole Cookie header and print the session the Worker's handler would get.
    sign     Read a JSON object on stdin, set `iat` (now) and `exp` (now + max age), print
             the token (with --mode encrypted, a JWE as encrypted mode's cookie holds).
    revoke   Print the `wrangler kv key put` command that revokes the token's session (with
             --all, every session of its user begun until now), as session.revoke() and
             revoke_all() would write it: binding from JWT_SESSION_REVOCATION_KV (default
             REVOKED), TTL from JWT_SESSION_MAX_AGE, _ABSOLUTE_LIFETIME and _LEEWAY. The
             token is decoded, not verified: no secret is needed.
    keygen   Print a new random secret (base64url; 32 bytes, or 48/64 with --alg HS384/HS512), for
             `wrangler secret put JWT_SESSION_SECRET`.

SECRET (verify, sign; exactly one):
    --secret-env VAR        Name of the environment variable holding the secret
                            (e.g. JWT_SESSION_SECRET); its bytes are used as they are.
    --secret-file FILE      File holding the secret; its raw bytes are used, nothing trimmed.

VERIFY OPTIONS:
    --cookie HEADER         A whole Cookie header (`-` reads it from stdin): every cookie of the
                            session's name is tried as the Worker tries them (tossed duplicates,
                            chunks name.0, name.1, ...).
    --previous-env VAR      Variable holding old secrets, comma-separated
                            (e.g. JWT_SESSION_PREVIOUS_SECRETS): they verify too.
    --alg LIST              Algorithms accepted, comma-separated. Default: HS256.
    --leeway S              Seconds of clock skew tolerated. Default: 30.
    --now UNIX              Check at this time (seconds since 1970). Default: the clock.
    --allow-missing-exp     Accept tokens without `exp` (legacy wsgi_jwt_session cookies).
    Every other setting comes from the environment, as the Worker's [vars] give it:
    JWT_SESSION_COOKIE, JWT_SESSION_MAX_CHUNKS (the size limit), JWT_SESSION_ABSOLUTE_LIFETIME,
    JWT_SESSION_ALLOW_LEGACY, JWT_SESSION_LEEWAY, JWT_SESSION_ALGORITHM(S), ...

SIGN OPTIONS:
    --alg A                 HS256 (default), HS384 or HS512; the secret must be at least
                            32, 48 or 64 bytes long respectively (RFC 7518 3.2).
    --mode M                single (default: a JWS) or encrypted (a JWE, dir + A256GCM, its key
                            HKDF-SHA256 of the secret; --alg does not apply).
    --max-age S             Lifetime: exp = iat + S. Default: 86400.
    --no-exp                Write no `exp` (an `exp` in the input is removed too).
    --now UNIX              Use this time for `iat` and `exp`. Default: the clock.

TOKEN may be `-` to read it from stdin (it then stays out of `ps` and the shell history).

Errors go to stderr as `error: <code>: <message>`. Exit status: 0 success; 1 token, secret
or option rejected; 2 usage mistake. Secrets are never printed.";

/// Why the command failed, and how to say it.
#[derive(Debug)]
enum Failure {
    /// A mistake in the command line: exit 2.
    Usage(String),
    /// The core said no (bad token, bad secret, bad option): exit 1.
    Core(Error),
    /// Reading stdin or writing stdout failed: exit 1.
    Io(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

fn config(message: impl Into<String>) -> Failure {
    Failure::Core(Error::new(ErrorCode::Config, message.into()))
}

fn main() -> ExitCode {
    let result = run(Parser::from_env());
    match result {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // The reader went away (`| head`): nothing useful to say.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::FAILURE,
                Err(e) => report(&Failure::Io(format!("cannot write to stdout ({e})"))),
            }
        }
        Err(failure) => report(&failure),
    }
}

/// Prints the failure on stderr and gives the exit status. Never panics, even without stderr.
fn report(failure: &Failure) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let (line, status) = match failure {
        Failure::Usage(m) => (format!("error: usage: {m}\n(run `jwt-session --help` for usage)"), 2),
        Failure::Core(e) => (format!("error: {e}"), 1),
        Failure::Io(m) => (format!("error: io: {m}"), 1),
    };
    let _ = writeln!(stderr, "{line}");
    ExitCode::from(status)
}

/// Runs the command line and returns what to print on stdout.
fn run(mut parser: Parser) -> Result<String, Failure> {
    match next(&mut parser)? {
        None => Err(usage("no command given; expected decode, verify, sign, keygen or revoke")),
        Some(Arg::Long("help") | Arg::Short('h')) => Ok(format!("{USAGE}\n")),
        Some(Arg::Long("version") | Arg::Short('V')) => Ok(format!("jwt-session {}\n", env!("CARGO_PKG_VERSION"))),
        Some(Arg::Value(command)) => match command.to_str() {
            Some("decode") => decode(&mut parser),
            Some("verify") => verify(&mut parser),
            Some("sign") => sign(&mut parser),
            Some("keygen") => keygen(&mut parser),
            Some("revoke") => revoke(&mut parser),
            Some("help") => Ok(format!("{USAGE}\n")),
            Some(other) => {
                Err(usage(format!("unknown command {}; expected decode, verify, sign, keygen or revoke", shown(other))))
            }
            None => Err(usage("unknown command (not valid UTF-8)")),
        },
        Some(arg) => Err(unknown_option(&arg)),
    }
}

/// The next argument, with lexopt's errors rephrased so that no value is ever echoed (a value
/// attached to a flag, `--flag=VALUE`, could be a secret typed in the wrong place).
fn next(parser: &mut Parser) -> Result<Option<Arg<'_>>, Failure> {
    parser.next().map_err(|e| match e {
        lexopt::Error::UnexpectedValue { option, .. } => usage(format!("{option} takes no value")),
        lexopt::Error::MissingValue { option: Some(option) } => usage(format!("{option} needs a value")),
        lexopt::Error::UnexpectedOption(option) => usage(format!("unknown option {}", shown(&option))),
        lexopt::Error::NonUnicodeValue(_) => usage("an argument is not valid UTF-8"),
        _ => usage("cannot parse the command line"),
    })
}

fn unknown_option(arg: &Arg<'_>) -> Failure {
    match arg {
        Arg::Long(name) => usage(format!("unknown option {}", shown(&format!("--{name}")))),
        Arg::Short(c) => usage(format!("unknown option -{c}")),
        Arg::Value(_) => usage("unexpected extra argument"),
    }
}

/// A user-given word safe to repeat in a message: anything 32 bytes or longer could be a
/// secret (a shorter one is refused anyway), so it is not repeated.
fn shown(word: &str) -> String {
    if word.len() < MIN_SECRET_BYTES && word.chars().all(|c| c.is_ascii_graphic()) {
        format!("`{word}`")
    } else {
        "(not shown: it might be a secret)".to_string()
    }
}

/// The value of a flag, as UTF-8.
fn value(parser: &mut Parser, flag: &str) -> Result<String, Failure> {
    let raw: OsString = parser.value().map_err(|_| usage(format!("{flag} needs a value")))?;
    raw.into_string().map_err(|_| usage(format!("the value of {flag} is not valid UTF-8")))
}

/// Stores a flag's value, refusing the flag twice.
fn set_once<T>(slot: &mut Option<T>, flag: &str, v: T) -> Result<(), Failure> {
    if slot.is_some() {
        return Err(usage(format!("{flag} is given more than once")));
    }
    *slot = Some(v);
    Ok(())
}

fn parse_secs(text: &str, flag: &str) -> Result<u64, Failure> {
    text.trim().parse::<u64>().map_err(|_| config(format!("{flag} takes a whole number of seconds (0 or more)")))
}

/// A token from the command line, or from stdin when it is `-`.
fn token_arg(positional: Option<OsString>) -> Result<String, Failure> {
    let raw = positional.ok_or_else(|| usage("missing TOKEN (give the token, or `-` to read it from stdin)"))?;
    let token = raw.into_string().map_err(|_| usage("TOKEN is not valid UTF-8"))?;
    if token == "-" {
        return Ok(read_stdin(DEFAULT_MAX_TOKEN_BYTES)?.trim().to_string());
    }
    Ok(token)
}

/// Reads stdin as UTF-8, refusing more than `limit` bytes (checked while reading).
fn read_stdin(limit: usize) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Io(format!("cannot read stdin ({e})")))?;
    if bytes.len() > limit {
        return Err(Failure::Core(Error::new(ErrorCode::TooLarge, format!("stdin holds more than {limit} bytes"))));
    }
    String::from_utf8(bytes).map_err(|_| Failure::Core(Error::new(ErrorCode::BadJson, "stdin is not UTF-8")))
}

fn pretty(value: &Value) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Failure::Core(Error::new(ErrorCode::BadJson, format!("cannot print JSON ({e})"))))
}

fn now_or_clock(now: Option<u64>) -> Result<u64, Failure> {
    match now {
        Some(now) => Ok(now),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .map_err(|_| config("the system clock is before 1970; pass --now")),
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// Where the signing (or verifying) secret comes from.
enum SecretSource {
    Env(String),
    File(PathBuf),
}

/// Whether `name` can be an environment variable's name (and so is not, say, a pasted secret
/// with `-` or `=` in it).
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The value of an environment variable named on the command line. The message names the
/// variable (when the name cannot be a secret), never its value.
fn env_value(name: &str, flag: &str) -> Result<String, Failure> {
    if !is_env_name(name) {
        return Err(usage(format!(
            "{flag} takes the NAME of an environment variable (letters, digits, `_`), not the secret itself"
        )));
    }
    match std::env::var_os(name) {
        None => Err(usage(format!("environment variable {} (named by {flag}) is not set", shown(name)))),
        Some(v) => {
            v.into_string().map_err(|_| config(format!("environment variable {} is not valid UTF-8", shown(name))))
        }
    }
}

/// Reads a secret file's raw bytes, with a bound (it could be a device or a huge file by mistake).
fn file_bytes(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    const LIMIT: usize = 64 * 1024;
    let name = shown_path(path);
    let file = std::fs::File::open(path).map_err(|e| config(format!("cannot open secret file {name} ({e})")))?;
    let mut bytes = Vec::new();
    file.take(LIMIT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| config(format!("cannot read secret file {name} ({e})")))?;
    if bytes.len() > LIMIT {
        return Err(config(format!("secret file {name} is larger than {LIMIT} bytes")));
    }
    Ok(bytes)
}

/// A path to repeat in a message: one that looks like a path, or is too short to be a secret.
fn shown_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    if text.len() < MIN_SECRET_BYTES || text.contains('/') || text.contains('.') {
        format!("`{text}`")
    } else {
        "(name not shown: it might be a secret)".to_string()
    }
}

fn secret_bytes(source: &SecretSource) -> Result<Vec<u8>, Failure> {
    match source {
        SecretSource::Env(name) => Ok(env_value(name, "--secret-env")?.into_bytes()),
        SecretSource::File(path) => file_bytes(path),
    }
}

/// Collects `--secret-env` / `--secret-file`; both or neither is a usage mistake.
#[derive(Default)]
struct SecretFlags {
    env: Option<String>,
    file: Option<PathBuf>,
}

impl SecretFlags {
    fn set_env(&mut self, parser: &mut Parser) -> Result<(), Failure> {
        let v = value(parser, "--secret-env")?;
        set_once(&mut self.env, "--secret-env", v)
    }

    fn set_file(&mut self, parser: &mut Parser) -> Result<(), Failure> {
        let v = parser.value().map_err(|_| usage("--secret-file needs a value"))?;
        set_once(&mut self.file, "--secret-file", PathBuf::from(v))
    }

    /// The source when one flag was given, `None` when neither was.
    fn source_if_any(self) -> Result<Option<SecretSource>, Failure> {
        if self.env.is_none() && self.file.is_none() {
            return Ok(None);
        }
        self.source().map(Some)
    }

    fn source(self) -> Result<SecretSource, Failure> {
        match (self.env, self.file) {
            (Some(env), None) => Ok(SecretSource::Env(env)),
            (None, Some(file)) => Ok(SecretSource::File(file)),
            (Some(_), Some(_)) => Err(usage("give one of --secret-env and --secret-file, not both")),
            (None, None) => {
                Err(usage("a secret is needed: --secret-env VAR (e.g. JWT_SESSION_SECRET) or --secret-file FILE"))
            }
        }
    }
}

/// The previous secrets of `--previous-env`: comma-separated, spaces around each trimmed.
fn previous_secrets(name: &str) -> Result<Vec<String>, Failure> {
    let list = env_value(name, "--previous-env")?;
    list.split(',')
        .enumerate()
        .map(|(i, s)| {
            let s = s.trim();
            if s.is_empty() {
                Err(config(format!(
                    "entry {} of the previous secrets in {} is empty (check for a stray comma)",
                    i + 1,
                    shown(name)
                )))
            } else {
                Ok(s.to_string())
            }
        })
        .collect()
}

/// An algorithm name, case-insensitive. The core's message repeats the input; this one repeats
/// it only when it cannot be a secret typed in the wrong place.
fn parse_alg(name: &str) -> Result<Algorithm, Failure> {
    name.parse().map_err(|_| config(format!("unsupported algorithm {}: use HS256, HS384 or HS512", shown(name.trim()))))
}

fn algorithms(list: &str) -> Result<Vec<Algorithm>, Failure> {
    let mut algs = Vec::new();
    for name in list.split(',') {
        if name.trim().is_empty() {
            return Err(config("--alg has an empty entry; use e.g. --alg HS256,HS384"));
        }
        let alg = parse_alg(name)?;
        if !algs.contains(&alg) {
            algs.push(alg);
        }
    }
    Ok(algs)
}

// ---------------------------------------------------------------------------------------------
// Commands

fn decode(parser: &mut Parser) -> Result<String, Failure> {
    let mut token = None;
    let mut cookie = None;
    let mut part = Part::Payload;
    let mut secret = SecretFlags::default();
    while let Some(arg) = next(parser)? {
        match arg {
            Arg::Long("header") => part = Part::Header,
            Arg::Long("secret-env") => secret.set_env(parser)?,
            Arg::Long("secret-file") => secret.set_file(parser)?,
            Arg::Long("cookie") => {
                let v = parser.value().map_err(|_| usage("--cookie needs a value"))?;
                set_once(&mut cookie, "--cookie", v)?;
            }
            Arg::Long("help") | Arg::Short('h') => return Ok(format!("{USAGE}\n")),
            Arg::Value(v) if token.is_none() => token = Some(v),
            other => return Err(unknown_option(&other)),
        }
    }
    if token.is_some() && cookie.is_some() {
        return Err(usage("give a TOKEN or --cookie HEADER, not both"));
    }
    // Only an encrypted session needs the secret; without one, it says so.
    let ring = match secret.source_if_any()? {
        Some(source) => Some(KeyRing::new(secret_bytes(&source)?)?),
        None => None,
    };
    let decode_one = |token: &str| decode_json(token, part, ring.as_ref());
    let json = match cookie {
        // The first session cookie that decodes, found as the Worker and readSession() find
        // them (JWT_SESSION_COOKIE and JWT_SESSION_MAX_CHUNKS from the environment).
        Some(header) => {
            let header = token_arg(Some(header))?;
            let name = std::env::var("JWT_SESSION_COOKIE").unwrap_or_else(|_| "jwtsession".to_owned());
            let max_chunks = std::env::var("JWT_SESSION_MAX_CHUNKS")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(cookie::DEFAULT_MAX_CHUNKS);
            let found = cookie::session_cookies(&header, name.trim(), max_chunks);
            let mut first_error = None;
            found
                .candidates
                .iter()
                .find_map(|c| decode_one(&c.token).map_err(|e| first_error.get_or_insert(e).code()).ok())
                .ok_or_else(|| match first_error {
                    // An encrypted session is the likely reason: say that, not `malformed`.
                    Some(e) if e.code() == ErrorCode::Decrypt => e,
                    _ => Error::new(ErrorCode::Malformed, "no session cookie in the header decodes"),
                })?
        }
        None => decode_one(&token_arg(token)?)?,
    };
    let value: Value = serde_json::from_str(&json).map_err(|e| {
        let what = if part == Part::Header { "header" } else { "payload" };
        Failure::Core(Error::new(ErrorCode::BadJson, format!("{what} is not valid JSON ({e})")))
    })?;
    pretty(&value)
}

/// One token's header or payload as JSON text: a JWS (or split half) without checking it, a
/// JWE's header as it is and its payload decrypted with `ring` (time claims unchecked).
fn decode_json(token: &str, part: Part, ring: Option<&KeyRing>) -> Result<String, Error> {
    if !jwe::is_jwe(token) {
        return jwt::decode_unverified_json(token, part);
    }
    match (part, ring) {
        (Part::Header, _) => jwe::header_json(token),
        (Part::Payload, Some(ring)) => serde_json::to_string(&jwe::decrypt_claims(token, ring)?)
            .map_err(|e| Error::new(ErrorCode::BadJson, format!("payload cannot be printed ({e})"))),
        (Part::Payload, None) => Err(Error::new(
            ErrorCode::Decrypt,
            "the session is encrypted (a JWE): only the Worker can read it; give its secret with \
             --secret-env VAR or --secret-file FILE to decrypt it here",
        )),
    }
}

fn verify(parser: &mut Parser) -> Result<String, Failure> {
    let mut token = None;
    let mut cookie = None;
    let mut secret = SecretFlags::default();
    let mut previous_env = None;
    let mut alg = None;
    let mut leeway = None;
    let mut now = None;
    let mut allow_missing_exp = false;
    while let Some(arg) = next(parser)? {
        match arg {
            Arg::Long("secret-env") => secret.set_env(parser)?,
            Arg::Long("secret-file") => secret.set_file(parser)?,
            Arg::Long("cookie") => {
                let v = parser.value().map_err(|_| usage("--cookie needs a value"))?;
                set_once(&mut cookie, "--cookie", v)?;
            }
            Arg::Long("previous-env") => {
                let v = value(parser, "--previous-env")?;
                set_once(&mut previous_env, "--previous-env", v)?;
            }
            Arg::Long("alg") => {
                let v = value(parser, "--alg")?;
                set_once(&mut alg, "--alg", v)?;
            }
            Arg::Long("leeway") => {
                let v = value(parser, "--leeway")?;
                set_once(&mut leeway, "--leeway", v)?;
            }
            Arg::Long("now") => {
                let v = value(parser, "--now")?;
                set_once(&mut now, "--now", v)?;
            }
            Arg::Long("allow-missing-exp") => allow_missing_exp = true,
            Arg::Long("help") | Arg::Short('h') => return Ok(format!("{USAGE}\n")),
            Arg::Value(v) if token.is_none() => token = Some(v),
            other => return Err(unknown_option(&other)),
        }
    }
    // Usage first (exit 2), then the values (exit 1), then the token.
    let source = secret.source()?;
    if token.is_some() && cookie.is_some() {
        return Err(usage("give a TOKEN or --cookie HEADER, not both"));
    }
    let input = match cookie {
        Some(header) => Input::Cookie(token_arg(Some(header))?),
        None => Input::Token(token_arg(token)?),
    };

    // The Worker's settings, from the environment as its bindings would hold them; the
    // secrets only from what the command line names, and the flags over everything.
    let mut settings: Vec<(&str, String)> = SETTINGS
        .iter()
        .filter(|s| s.opt != Opt::Secret && s.opt != Opt::PreviousSecrets)
        .filter_map(|s| std::env::var(s.binding).ok().map(|v| (s.binding, v)))
        .collect();
    let mut set = |binding: &'static str, v: String| {
        settings.retain(|(b, _)| *b != binding);
        settings.push((binding, v));
    };
    if let Some(name) = previous_env {
        set(PREVIOUS_SECRETS_BINDING, previous_secrets(&name)?.join(","));
    }
    if let Some(list) = alg {
        let algs = algorithms(&list)?;
        let names: Vec<&str> = algs.iter().map(|a| a.as_str()).collect();
        set("JWT_SESSION_ALGORITHM", names.first().copied().unwrap_or("HS256").to_string());
        set("JWT_SESSION_ALGORITHMS", names.join(","));
    }
    if let Some(s) = leeway {
        set("JWT_SESSION_LEEWAY", parse_secs(&s, "--leeway")?.to_string());
    }
    if allow_missing_exp {
        set("JWT_SESSION_ALLOW_LEGACY", "true".to_string());
    }
    let now = now_or_clock(now.map(|s| parse_secs(&s, "--now")).transpose()?)?;
    // A secret file's raw bytes are used as they are, even when they are not text.
    let sessions = JwtSessions::builder(secret_bytes(&source)?)
        .bindings(|name| settings.iter().find(|(b, _)| *b == name).map(|(_, v)| v.clone()))?
        .build()?;

    match input {
        Input::Token(token) => pretty(&Value::Object(sessions.verify_token(&token, now)?)),
        Input::Cookie(header) => {
            let session = sessions.load_cookie_header(Some(&header), now);
            if let Some(code) = session.rejected() {
                return Err(Failure::Core(Error::new(
                    code,
                    "no session cookie verified: the Worker logs this code and the handler gets an empty session",
                )));
            }
            if session.origin() == Origin::None {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: the header holds no `{}` cookie: the handler gets an empty session",
                    sessions.cookie_options().name
                );
            }
            pretty(&Value::Object(session.to_json()))
        }
    }
}

/// What `verify` checks: one token, or a whole `Cookie` header.
enum Input {
    Token(String),
    Cookie(String),
}

fn sign(parser: &mut Parser) -> Result<String, Failure> {
    let mut secret = SecretFlags::default();
    let mut alg = None;
    let mut max_age = None;
    let mut now = None;
    let mut no_exp = false;
    let mut mode = None;
    while let Some(arg) = next(parser)? {
        match arg {
            Arg::Long("secret-env") => secret.set_env(parser)?,
            Arg::Long("secret-file") => secret.set_file(parser)?,
            Arg::Long("alg") => {
                let v = value(parser, "--alg")?;
                set_once(&mut alg, "--alg", v)?;
            }
            Arg::Long("mode") => {
                let v = value(parser, "--mode")?;
                set_once(&mut mode, "--mode", v)?;
            }
            Arg::Long("max-age") => {
                let v = value(parser, "--max-age")?;
                set_once(&mut max_age, "--max-age", v)?;
            }
            Arg::Long("now") => {
                let v = value(parser, "--now")?;
                set_once(&mut now, "--now", v)?;
            }
            Arg::Long("no-exp") => no_exp = true,
            Arg::Long("help") | Arg::Short('h') => return Ok(format!("{USAGE}\n")),
            // A positional argument here is most likely a secret typed in the wrong place.
            Arg::Value(_) => {
                return Err(usage(
                    "sign takes no positional argument: the claims come on stdin, the secret from \
                     --secret-env or --secret-file",
                ))
            }
            other => return Err(unknown_option(&other)),
        }
    }
    let source = secret.source()?;
    if no_exp && max_age.is_some() {
        return Err(usage("--no-exp and --max-age contradict each other"));
    }

    let mode = match mode.as_deref().map(str::parse::<Mode>).transpose()? {
        None | Some(Mode::Single) => Mode::Single,
        Some(Mode::Encrypted) if alg.is_none() => Mode::Encrypted,
        Some(Mode::Encrypted) => return Err(usage("--alg applies to signed tokens, not to --mode encrypted")),
        Some(_) => return Err(usage("--mode is single or encrypted (split mode's cookies hold a single-mode token)")),
    };
    let alg = parse_alg(alg.as_deref().unwrap_or("HS256"))?;
    let max_age = max_age.map(|s| parse_secs(&s, "--max-age")).transpose()?.unwrap_or(86_400);
    let now = now_or_clock(now.map(|s| parse_secs(&s, "--now")).transpose()?)?;

    let secret = secret_bytes(&source)?;
    if secret.len() < alg.mac_len() {
        return Err(config(format!(
            "the secret is shorter than {alg} needs (at least {} bytes, RFC 7518 §3.2); `jwt-session keygen --alg {alg}` prints a good one",
            alg.mac_len()
        )));
    }
    let ring = KeyRing::new(secret)?;

    let input = read_stdin(DEFAULT_MAX_TOKEN_BYTES)?;
    let mut claims: Map<String, Value> = match serde_json::from_str(&input) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(Failure::Core(Error::new(ErrorCode::BadJson, "stdin is not a JSON object"))),
        Err(e) => return Err(Failure::Core(Error::new(ErrorCode::BadJson, format!("stdin is not valid JSON ({e})")))),
    };
    claims.insert("iat".to_string(), Value::from(now));
    if no_exp {
        claims.shift_remove("exp");
    } else {
        let exp = now.checked_add(max_age).ok_or_else(|| config("--now plus --max-age is past the end of time"))?;
        claims.insert("exp".to_string(), Value::from(exp));
    }
    let token = match mode {
        Mode::Encrypted => jwe::encrypt(&claims, &ring)?,
        _ => jwt::sign(&claims, &ring, alg)?,
    };
    if token.len() > DEFAULT_MAX_TOKEN_BYTES {
        return Err(Failure::Core(Error::new(
            ErrorCode::TooLarge,
            format!("the token would be {} bytes; verifiers refuse more than {DEFAULT_MAX_TOKEN_BYTES}", token.len()),
        )));
    }
    Ok(format!("{token}\n"))
}

fn keygen(parser: &mut Parser) -> Result<String, Failure> {
    // As many random bytes as the algorithm's MAC (RFC 7518 §3.2); the printed base64url text,
    // which is what the Worker uses as the secret, is a third longer still.
    let mut alg = Algorithm::HS256;
    loop {
        match next(parser)? {
            None => break,
            Some(Arg::Long("help") | Arg::Short('h')) => return Ok(format!("{USAGE}\n")),
            Some(Arg::Long("alg")) => {
                let value = parser.value().map_err(|_| usage("--alg needs a value: HS256, HS384 or HS512"))?;
                alg = value
                    .to_str()
                    .and_then(|v| v.parse::<Algorithm>().ok())
                    .ok_or_else(|| usage("--alg takes HS256, HS384 or HS512"))?;
            }
            Some(other) => return Err(unknown_option(&other)),
        }
    }
    let mut secret = vec![0u8; alg.mac_len()];
    getrandom::fill(&mut secret)
        .map_err(|e| Failure::Io(format!("the operating system's random number generator failed ({e})")))?;
    Ok(format!("{}\n", jwt::b64_encode(&secret)))
}

/// `revoke`: the wrangler command that writes what `session.revoke()` / `revoke_all()` would.
fn revoke(parser: &mut Parser) -> Result<String, Failure> {
    let mut token = None;
    let mut all = false;
    let mut now = None;
    while let Some(arg) = next(parser)? {
        match arg {
            Arg::Long("all") => all = true,
            Arg::Long("now") => set_once(&mut now, "--now", parse_secs(&value(parser, "--now")?, "--now")?)?,
            Arg::Long("help") | Arg::Short('h') => return Ok(format!("{USAGE}\n")),
            Arg::Value(v) if token.is_none() => token = Some(v),
            other => return Err(unknown_option(&other)),
        }
    }
    let claims = jwt::decode_unverified(&token_arg(token)?)?;
    // The Worker's settings, but no secret: only lifetimes, the user claim and the binding
    // matter here, and a placeholder key long enough for any algorithm is never used to sign.
    let sessions = JwtSessions::builder([0u8; 64])
        .bindings(
            |name| if name.ends_with("SECRET") || name.ends_with("SECRETS") { None } else { std::env::var(name).ok() },
        )?
        .build()?;
    let binding = sessions.revocation_binding().unwrap_or("REVOKED");
    let writes = sessions.revocation_writes_for(&claims, all, now_or_clock(now)?)?;
    Ok(writes
        .iter()
        .map(|w| {
            format!(
                "npx wrangler kv key put --binding={} {} {} --ttl={} --remote\n",
                shell_word(binding),
                shell_word(&w.key),
                shell_word(&w.value),
                w.expiration_ttl_secs
            )
        })
        .collect())
}

/// `word` quoted for a POSIX shell when it needs it (a user id can hold anything).
fn shell_word(word: &str) -> String {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-:.,/@=+".contains(&b)) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
