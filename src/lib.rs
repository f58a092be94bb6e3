#![doc = "Sessions for Cloudflare Workers in a signed JWT cookie. (Crate docs: see README.md.)"]

pub mod claims;
pub mod config;
pub mod cookie;
pub mod error;
pub mod jwt;
pub mod keys;
#[cfg(feature = "worker")]
pub mod middleware;
pub mod policy;
pub mod session;

pub use config::{Commit, JwtSessions};
pub use error::{Error, ErrorCode};
pub use session::Session;
