#![doc = "Sessions for Cloudflare Workers in a signed JWT cookie. (Crate docs: see README.md.)"]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod claims;
pub mod config;
pub mod cookie;
pub mod error;
pub mod jwt;
pub mod keys;
pub mod policy;
pub mod session;

pub use config::{Commit, JwtSessions};
pub use error::{Error, ErrorCode};
pub use session::Session;
