//! The session cookie on the wire: `Cookie` header parsing, `Set-Cookie` building, name
//! prefixes, and chunking of values too large for one cookie.
//!
//! Everything here is pure string work with the time passed in, so it runs the same natively,
//! in a Worker and in the browser package. Options are checked once by
//! [`CookieOptions::validate`]; the builders trust validated options and never fail, except
//! [`session_set_cookies`], which refuses a session too large to store.
//!
//! One concern per file: the options and their checks (`options.rs`), reading the `Cookie`
//! header (`parse.rs`), writing `Set-Cookie` values (`build.rs`), and chunking (`chunks.rs`).
//!
//! # Examples
//!
//! ```
//! use worker_jwt_session::cookie::{session_cookies, session_set_cookies, CookieOptions};
//!
//! let opts = CookieOptions::default();
//! opts.validate()?;
//!
//! // On the way in: every cookie of ours the request carried.
//! let found = session_cookies("theme=dark; jwtsession=aaa.bbb.ccc", &opts.name, opts.max_chunks);
//! assert_eq!(found.candidates.len(), 1);
//! assert_eq!(found.candidates[0].token, "aaa.bbb.ccc");
//!
//! // On the way out: one `Set-Cookie` header per cookie, never joined with commas.
//! let headers = session_set_cookies(&opts, "ddd.eee.fff", 86400, 0, true, &found.present)?;
//! assert_eq!(headers.len(), 1);
//! assert!(headers[0].starts_with("jwtsession=ddd.eee.fff; Path=/; Max-Age=86400; "));
//! # Ok::<(), worker_jwt_session::Error>(())
//! ```

mod build;
mod chunks;
mod options;
mod parse;

pub use build::{expire_cookies, removal_cookie, set_cookie};
pub use chunks::{session_set_cookies, session_set_cookies_with_csrf, split_into_chunks, MAX_COOKIE_BYTES};
#[cfg(not(feature = "encrypted"))]
pub(crate) use options::ENCRYPTED_FEATURE_MISSING;
pub use options::{
    csrf_cookie_name, signature_cookie_name, CookieOptions, Mode, SameSite, Secure, DEFAULT_MAX_CHUNKS,
    MAX_CHUNKS_LIMIT,
};
pub use parse::{is_chunk_name, parse_cookie_header, session_cookies, Candidate, SessionCookies, Source};
