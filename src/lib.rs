// With the `axum` feature (which brings `worker`; `make test` builds every feature), the
// README is the crate's front page, so its Rust examples are compiled as doc tests.
#![cfg_attr(feature = "axum", doc = include_str!("../README.md"))]
//! # The core, without a Worker
//!
//! Everything except `middleware` (feature `worker`) is plain Rust that compiles natively and
//! to wasm32: the counter of the Python `wsgi_jwt_session` README, driven with header strings.
//!
//! ```
//! use worker_jwt_session::{JwtSessions, ResponseInfo, Scheme};
//!
//! let sessions = JwtSessions::builder("Use something big and randomly-generated here").build()?;
//! let mut cookie = String::new();
//! for want in 1..=3u64 {
//!     let now_secs = 1_700_000_000 + want;
//!     let session = sessions.load_cookie_header(Some(&cookie), now_secs);
//!     let n: u64 = session.get("counter")?.unwrap_or(0) + 1;
//!     session.insert("counter", n)?;
//!     assert_eq!(n, want);
//!     let plan = sessions.commit_headers(&session, &ResponseInfo::status(200), now_secs, Scheme::Https);
//!     // What a browser sends back: the `name=value` part of the Set-Cookie header.
//!     let set_cookie = plan.set_cookies().next().unwrap_or_default();
//!     cookie = set_cookie.split(';').next().unwrap_or_default().to_string();
//! }
//! # Ok::<(), worker_jwt_session::Error>(())
//! ```
//!
//! # Layout
//!
//! [`engine`] decides (load, plan); [`config`] holds the option table and the builder;
//! [`jwt`], [`jwe`], [`claims`], [`keys`], [`alg`], [`b64`], [`cookie`], [`session`] and
//! [`policy`] each hold one concern. The adapters (`middleware` for workers-rs, `js_worker`, `browser`,
//! the `jwt-session` CLI) only translate between their runtime and the engine.
//!
//! # Features
//!
//! All off by default:
//! - `worker`: `JwtSessions::wrap`, `load`, `commit` and `from_env` for workers-rs.
//! - `browser`: the wasm-bindgen exports (`decodeJson`, `sessionJson`) behind the npm package's
//!   `decode` and `readSession`. On wasm32, when neither `worker` nor `js-worker` is on, it also
//!   installs `lol_alloc` as the global allocator: the browser build is a small leaf module
//!   where that saves about 8 KB; never combine `browser` into a larger wasm program of yours.
//! - `js-worker`: the wasm-bindgen engine behind `worker-jwt-session/worker` and `/hono`.
//! - `encrypted`: `JWT_SESSION_MODE = encrypted` ([`cookie::Mode::Encrypted`]): the session
//!   in a compact JWE (`dir` + `A256GCM`, RFC 7516) whose AES-256-GCM key is HKDF-SHA256 of the
//!   secret (empty salt, info `worker-jwt-session A256GCM`), so nobody but the Worker reads it.
//!   Brings RustCrypto's `aes-gcm` and `hkdf`; without it the mode is a configuration error
//!   naming the feature, and a JWE cookie is dropped with the code `decrypt`. See [`jwe`].
//! - `cli`: the `jwt-session` command-line tool (with `encrypted`, to read and make JWEs).

pub mod alg;
#[cfg(feature = "axum")]
pub mod axum;
pub mod b64;
#[cfg(feature = "browser")]
pub mod browser;
pub mod claims;
pub mod config;
pub mod cookie;
pub mod csrf;
pub mod engine;
pub mod error;
#[cfg(feature = "js-worker")]
pub mod js_worker;
pub mod jwe;
pub mod jwt;
pub mod keys;
#[cfg(feature = "worker")]
mod kv;
#[cfg(feature = "worker")]
pub mod middleware;
pub mod policy;
pub mod revocation;
pub mod session;

pub use engine::{Answer, JwtSessions, Plan, RequestInfo, ResponseInfo, Scheme};
pub use error::{Error, ErrorCode};
pub use session::Session;

#[cfg(feature = "worker")]
pub use middleware::wrap;
