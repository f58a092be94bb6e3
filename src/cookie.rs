//! The session cookie on the wire: `Cookie` header parsing, `Set-Cookie` building, name
//! prefixes, and chunking of values too large for one cookie.
//!
//! Everything here is pure string work with the time passed in, so it runs the same natively,
//! in a Worker and in the browser package. Options are checked once by
//! [`CookieOptions::validate`]; the builders trust validated options and never fail, except
//! [`session_set_cookies`], which refuses a session too large to store.
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
//! assert_eq!(found.candidates, ["aaa.bbb.ccc"]);
//!
//! // On the way out: one `Set-Cookie` header per cookie, never joined with commas.
//! let headers = session_set_cookies(&opts, "ddd.eee.fff", 86400, 0, true, &found.present)?;
//! assert_eq!(headers.len(), 1);
//! assert!(headers[0].starts_with("jwtsession=ddd.eee.fff; Path=/; Max-Age=86400; "));
//! # Ok::<(), worker_jwt_session::Error>(())
//! ```

use std::str::FromStr;
use std::time::{Duration, UNIX_EPOCH};

use crate::error::{Error, ErrorCode};

/// The most bytes of name plus value that one cookie may hold.
///
/// RFC 6265bis lets browsers drop a cookie whose name and value together exceed 4096 bytes, and
/// they do, silently; larger values are split by [`split_into_chunks`].
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{split_into_chunks, MAX_COOKIE_BYTES};
/// let value = "a".repeat(MAX_COOKIE_BYTES - "sid".len());
/// assert_eq!(split_into_chunks("sid", &value).len(), 1);
/// ```
pub const MAX_COOKIE_BYTES: usize = 4096;

/// How many chunk cookies a session may use unless configured otherwise (16 KiB of token).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{CookieOptions, DEFAULT_MAX_CHUNKS};
/// assert_eq!(CookieOptions::default().max_chunks, DEFAULT_MAX_CHUNKS);
/// ```
pub const DEFAULT_MAX_CHUNKS: usize = 4;

/// Browsers keep about 50 cookies per domain, and every chunk costs one of them.
const MAX_CHUNKS_LIMIT: usize = 32;

/// Leaves room in the 4096 bytes for the value, and for the chunk suffix.
const MAX_NAME_BYTES: usize = 200;

/// RFC 6265bis: browsers ignore an attribute whose value is longer than this.
const MAX_ATTRIBUTE_BYTES: usize = 1024;

/// Cookie tossing from a sibling domain needs only a few cookies; more are an attack on us.
const MAX_PLAIN_CANDIDATES: usize = 16;

/// Chunk names at or past `max_chunks` listed in `present`; with the plain name and the
/// `max_chunks` usable chunk names, `present` holds at most `max_chunks + 16` names.
const MAX_STRAY_CHUNKS: usize = 15;

/// `httpdate` panics from the year 10000 on, and a panic kills the request.
const LATEST_EXPIRES_SECS: u64 = 253_402_300_799;

const EPOCH_EXPIRES: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

/// The `SameSite` attribute.
///
/// Parses from configuration text in any case.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::SameSite;
/// let same_site: SameSite = "strict".parse()?;
/// assert_eq!(same_site, SameSite::Strict);
/// assert_eq!(same_site.as_str(), "Strict");
/// assert!("sometimes".parse::<SameSite>().is_err());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SameSite {
    /// Sent only with requests from the same site.
    Strict,
    /// Also sent on top-level navigations from other sites (the browsers' default).
    Lax,
    /// Sent with cross-site requests too; browsers accept it only on a `Secure` cookie.
    None,
}

impl SameSite {
    /// The attribute value as browsers expect it: `Strict`, `Lax` or `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::cookie::SameSite;
    /// assert_eq!(SameSite::None.as_str(), "None");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

impl FromStr for SameSite {
    type Err = Error;

    /// # Errors
    ///
    /// [`ErrorCode::Config`] when the text is not `Strict`, `Lax` or `None` in any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        [SameSite::Strict, SameSite::Lax, SameSite::None]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::config(format!("same_site must be Strict, Lax or None (any case), not {s:?}")))
    }
}

/// When to set the `Secure` attribute.
///
/// Parses from configuration text in any case: `auto`, `always` (or `true`), `never` (or
/// `false`).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::Secure;
/// assert_eq!(Secure::default(), Secure::Auto);
/// assert_eq!("TRUE".parse::<Secure>()?, Secure::Always);
/// assert_eq!("never".parse::<Secure>()?, Secure::Never);
/// assert!("maybe".parse::<Secure>().is_err());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Secure {
    /// Set `Secure` when the request is https, so `wrangler dev` over http still works while
    /// production, always https on Workers, gets it.
    #[default]
    Auto,
    /// Always set `Secure`; required by `__Host-`, `__Secure-`, `SameSite=None` and
    /// `Partitioned`, which [`Auto`](Secure::Auto) cannot promise at configuration time.
    Always,
    /// Never set `Secure` (plain-http deployments only).
    Never,
}

impl FromStr for Secure {
    type Err = Error;

    /// # Errors
    ///
    /// [`ErrorCode::Config`] for anything but `auto`, `always`, `true`, `never`, `false`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let is = |word: &str| s.eq_ignore_ascii_case(word);
        if is("auto") {
            Ok(Secure::Auto)
        } else if is("always") || is("true") {
            Ok(Secure::Always)
        } else if is("never") || is("false") {
            Ok(Secure::Never)
        } else {
            Err(Error::config(format!("secure must be auto, always (or true) or never (or false), not {s:?}")))
        }
    }
}

/// Name and attributes of the session cookie.
///
/// Check it once with [`validate`](CookieOptions::validate) when the configuration is built; the
/// builders in this module trust it.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{CookieOptions, SameSite, Secure};
/// let opts = CookieOptions {
///     name: "__Host-session".into(),
///     secure: Secure::Always,
///     same_site: Some(SameSite::Strict),
///     ..CookieOptions::default()
/// };
/// opts.validate()?;
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieOptions {
    /// The cookie's name; chunks are `name.0`, `name.1`, … Defaults to `jwtsession`, the name
    /// `wsgi_jwt_session` used.
    pub name: String,
    /// The `Path` attribute, omitted when `None`. Defaults to `Some("/")`.
    pub path: Option<String>,
    /// The `Domain` attribute, omitted when `None` (the cookie then goes to this host only).
    /// Defaults to `None`.
    pub domain: Option<String>,
    /// The `SameSite` attribute, omitted when `None`. Defaults to `Some(SameSite::Lax)`.
    pub same_site: Option<SameSite>,
    /// When to set `Secure`. Defaults to [`Secure::Auto`].
    pub secure: Secure,
    /// Whether to set `HttpOnly`. Defaults to `false`: the page's JavaScript reads the session
    /// by design; it can read it, never forge it.
    pub http_only: bool,
    /// Whether to set `Partitioned` (CHIPS, for a site embedded in others). Defaults to `false`.
    pub partitioned: bool,
    /// How many chunk cookies a large session may use, 1 to 32; 1 means never chunk. Defaults
    /// to [`DEFAULT_MAX_CHUNKS`].
    pub max_chunks: usize,
}

impl Default for CookieOptions {
    /// The design's defaults: `jwtsession`, `Path=/`, `SameSite=Lax`, `Secure` on https, not
    /// `HttpOnly`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::cookie::CookieOptions;
    /// assert_eq!(CookieOptions::default().name, "jwtsession");
    /// ```
    fn default() -> Self {
        CookieOptions {
            name: "jwtsession".to_owned(),
            path: Some("/".to_owned()),
            domain: None,
            same_site: Some(SameSite::Lax),
            secure: Secure::Auto,
            http_only: false,
            partitioned: false,
            max_chunks: DEFAULT_MAX_CHUNKS,
        }
    }
}

impl CookieOptions {
    /// Checks everything once, when the configuration is built.
    ///
    /// Refuses anything that could inject into a `Set-Cookie` header, and any combination
    /// browsers would silently reject (a prefixed name without `Secure`, `SameSite=None` without
    /// `Secure`, …), so a bad setting fails at startup instead of losing every session.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`], with a message naming the option and the rule, when:
    /// - `name` is empty, longer than 200 bytes, not an RFC 6265 token (visible ASCII without
    ///   separators), or ends like a chunk name (`.` and digits);
    /// - `path` does not start with `/` or holds a space, control, `;`, `,` or non-ASCII char;
    /// - `domain` is empty or holds anything but ASCII letters, digits, `.` and `-`;
    /// - `name` starts with `__Host-` (in any case) without `secure: Always`, `path: "/"` and
    ///   no `domain`, or with `__Secure-` (in any case) without `secure: Always`;
    /// - `same_site` is `None` (the value) or `partitioned` is set, without `secure: Always`;
    /// - `max_chunks` is not between 1 and 32.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::cookie::CookieOptions;
    /// use worker_jwt_session::ErrorCode;
    /// let opts = CookieOptions { name: "sid;evil".into(), ..CookieOptions::default() };
    /// assert_eq!(opts.validate().unwrap_err().code(), ErrorCode::Config);
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        self.validate_name()?;
        if let Some(path) = &self.path {
            validate_path(path)?;
        }
        if let Some(domain) = &self.domain {
            validate_domain(domain)?;
        }
        if !(1..=MAX_CHUNKS_LIMIT).contains(&self.max_chunks) {
            return Err(Error::config(format!(
                "max_chunks must be between 1 and {MAX_CHUNKS_LIMIT}, not {}",
                self.max_chunks
            )));
        }
        self.validate_secure_requirements()
    }

    fn validate_name(&self) -> Result<(), Error> {
        let name = self.name.as_str();
        if name.is_empty() {
            return Err(Error::config("cookie name must not be empty"));
        }
        if name.len() > MAX_NAME_BYTES {
            return Err(Error::config(format!(
                "cookie name must be at most {MAX_NAME_BYTES} bytes, not {}",
                name.len()
            )));
        }
        if let Some(c) = name.chars().find(|&c| !is_token_char(c)) {
            return Err(Error::config(format!(
                "cookie name {name:?} contains {c:?}; a name must be visible ASCII without \
                 spaces or any of ()<>@,;:\\\"/[]?={{}}"
            )));
        }
        if name.rsplit_once('.').is_some_and(|(_, tail)| !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit())) {
            return Err(Error::config(format!(
                "cookie name {name:?} must not end with '.' and digits: chunks of large \
                 sessions are named that way"
            )));
        }
        Ok(())
    }

    fn validate_secure_requirements(&self) -> Result<(), Error> {
        let name = self.name.as_str();
        let secure_always = self.secure == Secure::Always;
        // Browsers match prefixes case-insensitively now (Chrome does), so `__host-` must obey
        // the same rules or the cookie is dropped.
        if starts_with_ignore_ascii_case(name, "__Host-") {
            if !secure_always || self.path.as_deref() != Some("/") || self.domain.is_some() {
                return Err(Error::config(format!(
                    "cookie name {name:?} has the __Host- prefix, which browsers accept only \
                     with secure = Always, path = \"/\" and no domain"
                )));
            }
        } else if starts_with_ignore_ascii_case(name, "__Secure-") && !secure_always {
            return Err(Error::config(format!(
                "cookie name {name:?} has the __Secure- prefix, which browsers accept only \
                 with secure = Always"
            )));
        }
        if self.same_site == Some(SameSite::None) && !secure_always {
            return Err(Error::config(
                "same_site = None needs secure = Always: browsers drop SameSite=None cookies \
                 that are not Secure",
            ));
        }
        if self.partitioned && !secure_always {
            return Err(Error::config(
                "partitioned needs secure = Always: browsers drop Partitioned cookies that are \
                 not Secure",
            ));
        }
        Ok(())
    }

    fn is_secure(&self, https: bool) -> bool {
        match self.secure {
            Secure::Auto => https,
            Secure::Always => true,
            Secure::Never => false,
        }
    }
}

/// RFC 6265 `token`: visible ASCII except the HTTP separators.
fn is_token_char(c: char) -> bool {
    c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(c)
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.as_bytes().get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn validate_path(path: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        return Err(Error::config(format!("path must start with '/', not {path:?}")));
    }
    if path.len() > MAX_ATTRIBUTE_BYTES {
        return Err(Error::config(format!("path must be at most {MAX_ATTRIBUTE_BYTES} bytes, not {}", path.len())));
    }
    if let Some(c) = path.chars().find(|&c| !c.is_ascii_graphic() || c == ';' || c == ',') {
        return Err(Error::config(format!(
            "path {path:?} contains {c:?}; a path must be visible ASCII without ';' or ','"
        )));
    }
    Ok(())
}

fn validate_domain(domain: &str) -> Result<(), Error> {
    if domain.is_empty() {
        return Err(Error::config("domain must not be empty; leave it unset for a host-only cookie"));
    }
    if domain.len() > MAX_ATTRIBUTE_BYTES {
        return Err(Error::config(format!("domain must be at most {MAX_ATTRIBUTE_BYTES} bytes, not {}", domain.len())));
    }
    if let Some(c) = domain.chars().find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        return Err(Error::config(format!(
            "domain {domain:?} contains {c:?}; a domain may hold only ASCII letters, digits, \
             '.' and '-' (write IDNs in punycode)"
        )));
    }
    Ok(())
}

/// Iterator over the (name, value) pairs of a `Cookie` request header.
///
/// Forgiving, as browsers and proxies are not all strict: pairs split on `;`, spaces and tabs
/// around names and values trimmed, a value in double quotes unquoted, pairs without `=` or with
/// an empty name skipped, and every value of a repeated name kept in header order. Linear time;
/// borrows from `header`, allocates nothing.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::parse_cookie_header;
/// let pairs: Vec<_> = parse_cookie_header("a=1; b=\"two\";junk; a = 3 ").collect();
/// assert_eq!(pairs, [("a", "1"), ("b", "two"), ("a", "3")]);
/// ```
pub fn parse_cookie_header(header: &str) -> impl Iterator<Item = (&str, &str)> {
    // One-char arrays, not chars: the char searcher's bounds checks link formatted panics
    // (and `core::fmt`) into the browser package's wasm.
    header.split([';']).filter_map(|pair| {
        let (name, value) = pair.split_once(['='])?;
        let name = trim_whitespace(name);
        if name.is_empty() {
            return None;
        }
        let value = trim_whitespace(value);
        // RFC 6265 allows `cookie-value = DQUOTE *cookie-octet DQUOTE`; a lone `"` stays as is.
        let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
        Some((name, value))
    })
}

fn trim_whitespace(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// Cookies with the session's name found in a request.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::session_cookies;
/// let found = session_cookies("sid=old; sid.0=ab; sid.1=cd", "sid", 4);
/// assert_eq!(found.candidates, ["old", "abcd"]);
/// assert_eq!(found.present, ["sid", "sid.0", "sid.1"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionCookies {
    /// Tokens to try in order: each value of the plain `name` cookie (in header order), then the
    /// reassembly of `name.0`, `name.1`, … if `name.0` is present. The first one that verifies
    /// wins.
    pub candidates: Vec<String>,
    /// Names of every cookie of ours that the request carried (`name`, `name.3`, …), each once,
    /// so the response can expire the ones it no longer uses.
    pub present: Vec<String>,
}

/// Finds the session's cookies in a `Cookie` request header.
///
/// Several cookies may share the name (cookie tossing from a sibling domain), so every plain
/// value is a candidate, in header order, followed by the reassembled chunks. Everything is
/// bounded, whatever the header: at most 16 plain candidates; values longer than
/// `max_chunks * MAX_COOKIE_BYTES` (or chunks adding up to more) ignored; chunk indices from
/// `max_chunks` on not reassembled; at most `max_chunks + 16` names in `present`.
///
/// Chunk names are `name.` and a decimal index of one or two digits without a leading zero
/// (`name.01` is someone else's cookie). A repeated index keeps its first value; reassembly
/// stops at the first missing index, and without `name.0` there is no chunked candidate. Empty
/// values are never candidates (they cannot verify), but their names are still `present`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::session_cookies;
/// // A sibling domain tossed in its own cookie first: both are tried, in order.
/// let found = session_cookies("jwtsession=forged; jwtsession=genuine", "jwtsession", 4);
/// assert_eq!(found.candidates, ["forged", "genuine"]);
/// assert_eq!(found.present, ["jwtsession"]);
/// ```
#[must_use]
pub fn session_cookies(header: &str, name: &str, max_chunks: usize) -> SessionCookies {
    let max_value_bytes = max_chunks.saturating_mul(MAX_COOKIE_BYTES);
    let mut stray_chunks = 0;
    // Indices have at most two digits, which also bounds this for an unvalidated max_chunks.
    let mut chunks: Vec<Option<&str>> = vec![None; max_chunks.min(100)];
    let mut found = SessionCookies::default();

    for (cookie_name, value) in parse_cookie_header(header) {
        let chunk_index = if cookie_name == name {
            None
        } else {
            match cookie_name.strip_prefix(name).and_then(|rest| rest.strip_prefix('.')).and_then(parse_chunk_index) {
                Some(index) => Some(index),
                None => continue,
            }
        };
        // `present` holds a few dozen short names at most, so this scan stays cheap.
        if !found.present.iter().any(|p| p == cookie_name) {
            // Chunks we would never write are capped apart, so a flood of them cannot crowd
            // out the names this response may need to expire.
            let stray = chunk_index.is_some_and(|index| index >= max_chunks);
            if !stray || stray_chunks < MAX_STRAY_CHUNKS {
                stray_chunks += usize::from(stray);
                found.present.push(cookie_name.to_owned());
            }
        }
        if value.is_empty() || value.len() > max_value_bytes {
            continue;
        }
        match chunk_index {
            None if found.candidates.len() < MAX_PLAIN_CANDIDATES => {
                found.candidates.push(value.to_owned());
            }
            None => {}
            Some(index) => {
                if let Some(slot @ None) = chunks.get_mut(index) {
                    *slot = Some(value);
                }
            }
        }
    }

    let run = || chunks.iter().map_while(|chunk| *chunk);
    let total: usize = run().map(str::len).sum();
    if total > 0 && total <= max_value_bytes {
        found.candidates.push(run().collect());
    }
    found
}

/// One or two decimal digits without a leading zero, so each chunk has exactly one name.
fn parse_chunk_index(digits: &str) -> Option<usize> {
    let digit = |b: u8| usize::from(b - b'0');
    match *digits.as_bytes() {
        [d @ b'0'..=b'9'] => Some(digit(d)),
        [tens @ b'1'..=b'9', units @ b'0'..=b'9'] => Some(digit(tens) * 10 + digit(units)),
        _ => None,
    }
}

/// One `Set-Cookie` header value for `name=value` with every configured attribute.
///
/// The attributes, in this order, each only when configured: `Path`, `Domain`, `Max-Age`,
/// `Expires` (the IMF-fixdate of `now_secs + max_age_secs`, for browsers that ignore
/// `Max-Age`), `Secure` (when `opts.secure` is `Always`, or `Auto` and `https`), `HttpOnly`,
/// `SameSite`, `Partitioned`.
///
/// `name` and `value` are written as given: pass validated names and cookie-safe values (a
/// JWT is). `Expires` stops at the end of the year 9999, the latest date HTTP can write.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{set_cookie, CookieOptions};
/// let header = set_cookie(&CookieOptions::default(), "jwtsession", "a.b.c", 86400, 0, true);
/// assert_eq!(
///     header,
///     "jwtsession=a.b.c; Path=/; Max-Age=86400; Expires=Fri, 02 Jan 1970 00:00:00 GMT; \
///      Secure; SameSite=Lax"
/// );
/// ```
#[must_use]
pub fn set_cookie(
    opts: &CookieOptions,
    name: &str,
    value: &str,
    max_age_secs: u64,
    now_secs: u64,
    https: bool,
) -> String {
    let expires_secs = now_secs.saturating_add(max_age_secs).min(LATEST_EXPIRES_SECS);
    let expires = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(expires_secs));
    build_set_cookie(opts, name, value, max_age_secs, &expires, https)
}

/// A `Set-Cookie` header value that deletes `name`.
///
/// An empty value, `Max-Age=0` and an `Expires` in 1970, with the same `Path`, `Domain`,
/// `Secure`, `HttpOnly`, `SameSite` and `Partitioned` as [`set_cookie`]: browsers delete only
/// the cookie whose attributes match.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{removal_cookie, CookieOptions};
/// assert_eq!(
///     removal_cookie(&CookieOptions::default(), "jwtsession.1", false),
///     "jwtsession.1=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax"
/// );
/// ```
#[must_use]
pub fn removal_cookie(opts: &CookieOptions, name: &str, https: bool) -> String {
    build_set_cookie(opts, name, "", 0, EPOCH_EXPIRES, https)
}

fn build_set_cookie(
    opts: &CookieOptions,
    name: &str,
    value: &str,
    max_age_secs: u64,
    expires: &str,
    https: bool,
) -> String {
    let mut header = String::with_capacity(name.len() + value.len() + 128);
    header.push_str(name);
    header.push('=');
    header.push_str(value);
    let mut attribute = |parts: &[&str]| {
        header.push_str("; ");
        for part in parts {
            header.push_str(part);
        }
    };
    if let Some(path) = &opts.path {
        attribute(&["Path=", path]);
    }
    if let Some(domain) = &opts.domain {
        attribute(&["Domain=", domain]);
    }
    attribute(&["Max-Age=", &max_age_secs.to_string()]);
    attribute(&["Expires=", expires]);
    if opts.is_secure(https) {
        attribute(&["Secure"]);
    }
    if opts.http_only {
        attribute(&["HttpOnly"]);
    }
    if let Some(same_site) = opts.same_site {
        attribute(&["SameSite=", same_site.as_str()]);
    }
    if opts.partitioned {
        attribute(&["Partitioned"]);
    }
    header
}

/// Splits a value so that each cookie's name and value fit [`MAX_COOKIE_BYTES`].
///
/// One `(name, value)` pair when it fits (or the value is empty), else `name.0`, `name.1`, …,
/// each chunk as full as its own name allows. Splits happen only on char boundaries, although
/// tokens are ASCII.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{split_into_chunks, MAX_COOKIE_BYTES};
/// let value = "x".repeat(5000);
/// let chunks = split_into_chunks("sid", &value);
/// assert_eq!(chunks[0].0, "sid.0");
/// assert_eq!(chunks[0].1.len(), MAX_COOKIE_BYTES - "sid.0".len());
/// assert_eq!(chunks.iter().map(|(_, v)| *v).collect::<String>(), value);
/// ```
#[must_use]
pub fn split_into_chunks<'a>(name: &str, value: &'a str) -> Vec<(String, &'a str)> {
    if fits_one_cookie(name, value) {
        return vec![(name.to_owned(), value)];
    }
    Chunks::new(name, value).map(|(index, chunk)| (format!("{name}.{index}"), chunk)).collect()
}

fn fits_one_cookie(name: &str, value: &str) -> bool {
    value.is_empty() || name.len().saturating_add(value.len()) <= MAX_COOKIE_BYTES
}

/// Yields `(index, chunk)` lazily, so the chunk count can be checked before any allocation.
struct Chunks<'n, 'v> {
    name: &'n str,
    rest: &'v str,
    index: usize,
}

impl<'n, 'v> Chunks<'n, 'v> {
    fn new(name: &'n str, value: &'v str) -> Self {
        Chunks { name, rest: value, index: 0 }
    }
}

impl<'v> Iterator for Chunks<'_, 'v> {
    type Item = (usize, &'v str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let chunk_name_len = self.name.len() + 1 + decimal_len(self.index);
        // At least one byte per chunk, so an absurdly long name cannot stall the loop.
        let room = MAX_COOKIE_BYTES.saturating_sub(chunk_name_len).max(1);
        let end = if self.rest.len() <= room {
            self.rest.len()
        } else {
            (1..=room)
                .rev()
                .find(|&i| self.rest.is_char_boundary(i))
                .or_else(|| (room + 1..self.rest.len()).find(|&i| self.rest.is_char_boundary(i)))
                .unwrap_or(self.rest.len())
        };
        let (chunk, rest) = self.rest.split_at_checked(end)?;
        let item = (self.index, chunk);
        self.rest = rest;
        self.index += 1;
        Some(item)
    }
}

fn decimal_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// Every `Set-Cookie` header value that stores `token` under `opts.name` and cleans up.
///
/// First the cookie, or its chunks when the token does not fit one cookie; then a removal
/// cookie for every name in `present` (from [`SessionCookies::present`]) not written this time:
/// the plain name when chunks are written now, the chunks when the plain name is, and chunks
/// left over from a larger earlier session. Each is meant for its own `Set-Cookie` header.
///
/// # Errors
///
/// - [`ErrorCode::TooLarge`] when the token needs more than `opts.max_chunks` chunks; the
///   message gives the token's size in bytes, the chunks needed and `max_chunks`.
/// - [`ErrorCode::Malformed`] when the token holds a byte not allowed in a cookie value (a bug
///   in the caller: a JWT never does), rather than let it inject into the header.
///
/// Messages never contain the token.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{session_set_cookies, CookieOptions};
/// let opts = CookieOptions::default();
/// // The last request carried chunks; the session is small again.
/// let present = ["jwtsession.0".to_owned(), "jwtsession.1".to_owned()];
/// let headers = session_set_cookies(&opts, "a.b.c", 86400, 0, true, &present)?;
/// assert_eq!(headers.len(), 3);
/// assert!(headers[0].starts_with("jwtsession=a.b.c;"));
/// assert!(headers[1].starts_with("jwtsession.0=; "));
/// assert!(headers[2].starts_with("jwtsession.1=; "));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn session_set_cookies(
    opts: &CookieOptions,
    token: &str,
    max_age_secs: u64,
    now_secs: u64,
    https: bool,
    present: &[String],
) -> Result<Vec<String>, Error> {
    if !token.bytes().all(is_cookie_octet) {
        return Err(Error::new(
            ErrorCode::Malformed,
            "the session token holds a byte not allowed in a cookie value; refusing to set it",
        ));
    }
    let name = opts.name.as_str();
    if !fits_one_cookie(name, token) {
        let needed = Chunks::new(name, token).count();
        if needed > opts.max_chunks {
            return Err(Error::new(
                ErrorCode::TooLarge,
                format!(
                    "the session token is {} bytes and would need {needed} cookies of at most \
                     {MAX_COOKIE_BYTES} bytes, more than max_chunks = {}; store less in the \
                     session or raise max_chunks (at most {MAX_CHUNKS_LIMIT})",
                    token.len(),
                    opts.max_chunks
                ),
            ));
        }
    }
    let cookies = split_into_chunks(name, token);
    let stale = present.iter().filter(|old| !cookies.iter().any(|(written, _)| written == *old));
    let mut headers: Vec<String> = cookies
        .iter()
        .map(|(chunk_name, value)| set_cookie(opts, chunk_name, value, max_age_secs, now_secs, https))
        .collect();
    headers.extend(stale.map(|old| removal_cookie(opts, old, https)));
    Ok(headers)
}

/// RFC 6265 `cookie-octet`: visible ASCII except `"`, `,`, `;` and `\`.
fn is_cookie_octet(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\')
}

/// Removal cookies for every name in `present` (from [`SessionCookies::present`]): used when a
/// session is destroyed and for cookies that failed verification.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{expire_cookies, session_cookies, CookieOptions};
/// let opts = CookieOptions::default();
/// let found = session_cookies("jwtsession=x; jwtsession.0=y", &opts.name, opts.max_chunks);
/// let headers = expire_cookies(&opts, &found.present, true);
/// assert_eq!(headers.len(), 2);
/// assert!(headers.iter().all(|h| h.contains("; Max-Age=0; ")));
/// ```
#[must_use]
pub fn expire_cookies(opts: &CookieOptions, present: &[String], https: bool) -> Vec<String> {
    present.iter().map(|name| removal_cookie(opts, name, https)).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pairs(header: &str) -> Vec<(&str, &str)> {
        parse_cookie_header(header).collect()
    }

    fn secure_opts() -> CookieOptions {
        CookieOptions { secure: Secure::Always, ..CookieOptions::default() }
    }

    fn named(name: &str) -> CookieOptions {
        CookieOptions { name: name.to_owned(), ..CookieOptions::default() }
    }

    fn config_error(opts: &CookieOptions) -> String {
        let err = opts.validate().expect_err("options should be refused");
        assert_eq!(err.code(), ErrorCode::Config, "{err}");
        err.message().to_owned()
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    /// A header carrying `chunks` under `name.0`, `name.1`, …
    fn chunk_header(chunks: &[(String, &str)]) -> String {
        chunks.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }

    macro_rules! assert_parses_as {
        ($expected:expr; $($header:expr),+ $(,)?) => {
            $( assert_eq!(pairs($header), $expected, "header {:?}", $header); )+
        };
    }

    #[test]
    fn many_spellings_of_one_cookie_parse_the_same() {
        assert_parses_as!(
            [("sid", "abc")];
            "sid=abc", " sid=abc", "sid=abc ", "sid = abc", "\tsid=abc\t", " \t sid \t= \t abc \t ",
            "sid=\"abc\"", "sid = \"abc\" ", "sid=abc;", "sid=abc; ", ";sid=abc", "; ;sid=abc;;",
            "junk; sid=abc", "sid=abc; junk", "=orphan; sid=abc", "sid=abc; =orphan", "sid=abc;\t",
        );
    }

    #[test]
    fn quoted_values_are_unquoted() {
        assert_eq!(pairs("a=\"x.y\""), [("a", "x.y")]);
        assert_eq!(pairs("a=\"\""), [("a", "")]);
        assert_eq!(pairs("a=\" spaced \""), [("a", " spaced ")]);
    }

    #[test]
    fn half_quoted_values_are_kept_as_sent() {
        assert_eq!(pairs("a=\""), [("a", "\"")]);
        assert_eq!(pairs("a=\"x"), [("a", "\"x")]);
        assert_eq!(pairs("a=x\""), [("a", "x\"")]);
    }

    #[test]
    fn empty_values_are_kept() {
        assert_eq!(pairs("a=; b= ;c=\t"), [("a", ""), ("b", ""), ("c", "")]);
    }

    #[test]
    fn equals_signs_inside_values_are_kept() {
        assert_eq!(pairs("a=b=c; d==; e=x=\"y\""), [("a", "b=c"), ("d", "="), ("e", "x=\"y\"")]);
    }

    #[test]
    fn malformed_pairs_are_skipped() {
        assert_eq!(pairs("noequals; =value; = ; \t=x; ok=1"), [("ok", "1")]);
    }

    #[test]
    fn empty_headers_yield_nothing() {
        for header in ["", " ", ";", ";;", " ; \t; ", "="] {
            assert_eq!(pairs(header), [], "header {header:?}");
        }
    }

    #[test]
    fn repeated_names_keep_header_order() {
        assert_eq!(pairs("a=1; b=2; a=3; a=1"), [("a", "1"), ("b", "2"), ("a", "3"), ("a", "1")]);
    }

    #[test]
    fn defaults_match_the_design() {
        let opts = CookieOptions::default();
        assert_eq!(opts.name, "jwtsession");
        assert_eq!(opts.path.as_deref(), Some("/"));
        assert_eq!(opts.domain, None);
        assert_eq!(opts.same_site, Some(SameSite::Lax));
        assert_eq!(opts.secure, Secure::Auto);
        assert!(!opts.http_only);
        assert!(!opts.partitioned);
        assert_eq!(opts.max_chunks, DEFAULT_MAX_CHUNKS);
        opts.validate().unwrap();
    }

    #[test]
    fn same_site_parses_in_any_case() {
        for (text, expected) in
            [("Strict", SameSite::Strict), ("LAX", SameSite::Lax), ("none", SameSite::None), (" lax ", SameSite::Lax)]
        {
            assert_eq!(text.parse::<SameSite>().unwrap(), expected, "{text:?}");
            assert_eq!(expected.as_str().parse::<SameSite>().unwrap(), expected);
        }
    }

    #[test]
    fn unknown_same_site_names_the_accepted_values() {
        for text in ["", "no", "strictly", "La x"] {
            let err = text.parse::<SameSite>().unwrap_err();
            assert_eq!(err.code(), ErrorCode::Config);
            for accepted in ["Strict", "Lax", "None"] {
                assert!(err.message().contains(accepted), "{err}");
            }
        }
    }

    #[test]
    fn secure_parses_words_and_booleans() {
        for (text, expected) in [
            ("auto", Secure::Auto),
            ("Always", Secure::Always),
            ("TRUE", Secure::Always),
            ("never", Secure::Never),
            ("False", Secure::Never),
        ] {
            assert_eq!(text.parse::<Secure>().unwrap(), expected, "{text:?}");
        }
        for text in ["", "yes", "1", "on"] {
            assert_eq!(text.parse::<Secure>().unwrap_err().code(), ErrorCode::Config, "{text:?}");
        }
    }

    #[test]
    fn set_cookie_writes_every_attribute_in_order() {
        let opts = CookieOptions {
            name: "sid".into(),
            path: Some("/app".into()),
            domain: Some(".example.com".into()),
            same_site: Some(SameSite::None),
            secure: Secure::Always,
            http_only: true,
            partitioned: true,
            max_chunks: 8,
        };
        opts.validate().unwrap();
        assert_eq!(
            set_cookie(&opts, "sid", "a.b.c", 60, 0, false),
            "sid=a.b.c; Path=/app; Domain=.example.com; Max-Age=60; \
             Expires=Thu, 01 Jan 1970 00:01:00 GMT; Secure; HttpOnly; SameSite=None; Partitioned"
        );
    }

    #[test]
    fn unset_attributes_are_omitted() {
        let opts = CookieOptions { path: None, same_site: None, secure: Secure::Never, ..CookieOptions::default() };
        opts.validate().unwrap();
        assert_eq!(
            set_cookie(&opts, "jwtsession", "v", 1, 0, true),
            "jwtsession=v; Max-Age=1; Expires=Thu, 01 Jan 1970 00:00:01 GMT"
        );
    }

    #[test]
    fn expires_is_now_plus_max_age_as_imf_fixdate() {
        let opts = CookieOptions::default();
        for (now, max_age, expires) in [
            (0, 86400, "Fri, 02 Jan 1970 00:00:00 GMT"),
            (1_700_000_000, 0, "Tue, 14 Nov 2023 22:13:20 GMT"),
            (1_709_164_800, 86400, "Fri, 01 Mar 2024 00:00:00 GMT"),
        ] {
            let header = set_cookie(&opts, "jwtsession", "v", max_age, now, false);
            assert!(header.contains(&format!("; Max-Age={max_age}; Expires={expires}; ")), "{header}");
        }
    }

    #[test]
    fn do_not_panic_on_large_max_ages() {
        let opts = CookieOptions::default();
        for (now, max_age) in [(0, u64::MAX), (u64::MAX, 1), (u64::MAX, u64::MAX), (0, 253_402_300_800)] {
            let header = set_cookie(&opts, "jwtsession", "v", max_age, now, false);
            assert!(header.contains("; Expires=Fri, 31 Dec 9999 23:59:59 GMT; "), "{header}");
            assert!(header.contains(&format!("; Max-Age={max_age}; ")), "{header}");
        }
    }

    #[test]
    fn secure_auto_follows_the_request_scheme() {
        let auto = CookieOptions::default();
        assert!(set_cookie(&auto, "jwtsession", "v", 1, 0, true).contains("; Secure"));
        assert!(!set_cookie(&auto, "jwtsession", "v", 1, 0, false).contains("Secure"));
        assert!(removal_cookie(&auto, "jwtsession", true).contains("; Secure"));
        assert!(!removal_cookie(&auto, "jwtsession", false).contains("Secure"));
    }

    #[test]
    fn secure_always_and_never_ignore_the_request_scheme() {
        let never = CookieOptions { secure: Secure::Never, ..CookieOptions::default() };
        for https in [true, false] {
            assert!(set_cookie(&secure_opts(), "jwtsession", "v", 1, 0, https).contains("; Secure"));
            assert!(!set_cookie(&never, "jwtsession", "v", 1, 0, https).contains("Secure"));
        }
    }

    #[test]
    fn same_site_none_needs_secure_always() {
        for secure in [Secure::Auto, Secure::Never] {
            let opts = CookieOptions { same_site: Some(SameSite::None), secure, ..CookieOptions::default() };
            assert!(config_error(&opts).contains("same_site"));
        }
        CookieOptions { same_site: Some(SameSite::None), ..secure_opts() }.validate().unwrap();
    }

    #[test]
    fn partitioned_needs_secure_always() {
        let opts = CookieOptions { partitioned: true, ..CookieOptions::default() };
        assert!(config_error(&opts).contains("partitioned"));
        CookieOptions { partitioned: true, ..secure_opts() }.validate().unwrap();
    }

    #[test]
    fn host_prefix_needs_secure_root_path_and_no_domain() {
        for name in ["__Host-sid", "__host-sid", "__HOST-sid", "__hOsT-sid"] {
            let good = CookieOptions { name: name.into(), ..secure_opts() };
            good.validate().unwrap();
            let refused = [
                CookieOptions { secure: Secure::Auto, ..good.clone() },
                CookieOptions { secure: Secure::Never, ..good.clone() },
                CookieOptions { path: None, ..good.clone() },
                CookieOptions { path: Some("/app".into()), ..good.clone() },
                CookieOptions { domain: Some("example.com".into()), ..good.clone() },
            ];
            for opts in refused {
                assert!(config_error(&opts).contains("__Host-"), "{opts:?}");
            }
        }
    }

    #[test]
    fn secure_prefix_needs_secure_always() {
        for name in ["__Secure-sid", "__secure-sid", "__SECURE-sid"] {
            for secure in [Secure::Auto, Secure::Never] {
                let opts = CookieOptions { name: name.into(), secure, ..CookieOptions::default() };
                assert!(config_error(&opts).contains("__Secure-"), "{opts:?}");
            }
            let opts = CookieOptions {
                name: name.into(),
                path: Some("/app".into()),
                domain: Some("example.com".into()),
                ..secure_opts()
            };
            opts.validate().unwrap();
        }
    }

    #[test]
    fn names_without_a_full_prefix_need_nothing() {
        for name in ["__Host", "_Host-sid", "Host-sid", "__Securely", "x__Host-sid"] {
            named(name).validate().unwrap();
        }
    }

    #[test]
    fn names_that_could_inject_are_refused() {
        for name in [
            "", "a\rb", "a\nb", "a;b", "a,b", "a b", "a\tb", "sés", "a=b", "a\"b", "a:b", "a/b", "a\\b", "a(b)",
            "a[b]", "a{b}", "a<b>", "a?b", "a@b", "\u{7f}", "a\0b",
        ] {
            assert!(config_error(&named(name)).contains("name"), "{name:?}");
        }
        assert!(config_error(&named(&"a".repeat(201))).contains("200"));
        named(&"a".repeat(200)).validate().unwrap();
        named("a-b_c.d!#$%&'*+^`|~9").validate().unwrap();
    }

    #[test]
    fn names_that_look_like_chunks_are_refused() {
        for name in ["sid.0", "sid.12", "a.b.345", "sid.01"] {
            assert!(config_error(&named(name)).contains("digits"), "{name:?}");
        }
        for name in ["sid.", "sid.x", "sid0", "sid.1a", "v1.2.x"] {
            named(name).validate().unwrap();
        }
    }

    #[test]
    fn paths_that_could_inject_are_refused() {
        for path in ["", "app", "/a\rb", "/a\nb", "/a;b", "/a,b", "/a b", "/a\tb", "/é", "/\u{7f}"] {
            let opts = CookieOptions { path: Some(path.into()), ..CookieOptions::default() };
            assert!(config_error(&opts).contains("path"), "{path:?}");
        }
        let long = CookieOptions { path: Some(format!("/{}", "a".repeat(1024))), ..CookieOptions::default() };
        assert!(config_error(&long).contains("1024"));
        let fine = CookieOptions { path: Some("/app/v1-x_y.z~%20=".into()), ..CookieOptions::default() };
        fine.validate().unwrap();
    }

    #[test]
    fn domains_that_could_inject_are_refused() {
        for domain in
            ["", "a\rb.com", "a\nb.com", "a;b.com", "a,b.com", "a b.com", "exämple.com", "a_b.com", "a=b", "a:80"]
        {
            let opts = CookieOptions { domain: Some(domain.into()), ..CookieOptions::default() };
            assert!(config_error(&opts).contains("domain"), "{domain:?}");
        }
        for domain in ["example.com", ".example.com", "xn--exmple-cua.com", "localhost"] {
            let opts = CookieOptions { domain: Some(domain.into()), ..CookieOptions::default() };
            opts.validate().unwrap();
        }
    }

    #[test]
    fn max_chunks_must_be_between_1_and_32() {
        for max_chunks in [0, 33, usize::MAX] {
            let opts = CookieOptions { max_chunks, ..CookieOptions::default() };
            assert!(config_error(&opts).contains("max_chunks"), "{max_chunks}");
        }
        for max_chunks in [1, 32] {
            let opts = CookieOptions { max_chunks, ..CookieOptions::default() };
            opts.validate().unwrap();
        }
    }

    #[test]
    fn removal_cookie_matches_the_cookie_attributes() {
        let opts = CookieOptions {
            name: "__Host-sid".into(),
            same_site: Some(SameSite::Strict),
            http_only: true,
            partitioned: true,
            ..secure_opts()
        };
        opts.validate().unwrap();
        assert_eq!(
            removal_cookie(&opts, "__Host-sid.2", false),
            "__Host-sid.2=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; \
             HttpOnly; SameSite=Strict; Partitioned"
        );
        let set = set_cookie(&opts, "__Host-sid.2", "v", 5, 0, false);
        let attributes = |h: &str| {
            h.split("; ")
                .skip(1)
                .filter(|a| !a.starts_with("Max-Age=") && !a.starts_with("Expires="))
                .collect::<Vec<_>>()
                .join("; ")
        };
        assert_eq!(attributes(&set), attributes(&removal_cookie(&opts, "__Host-sid.2", false)));
    }

    #[test]
    fn value_exactly_at_the_limit_stays_one_cookie() {
        let value = "v".repeat(MAX_COOKIE_BYTES - "jwtsession".len());
        assert_eq!(split_into_chunks("jwtsession", &value), [("jwtsession".to_owned(), value.as_str())]);
        let headers = session_set_cookies(&CookieOptions::default(), &value, 60, 0, true, &[]).unwrap();
        assert_eq!(headers.len(), 1);
        assert!(headers[0].starts_with(&format!("jwtsession={value}; ")));
    }

    #[test]
    fn one_byte_over_the_limit_splits_into_chunks() {
        let value = "v".repeat(MAX_COOKIE_BYTES - "jwtsession".len() + 1);
        let chunks = split_into_chunks("jwtsession", &value);
        let names: Vec<&str> = chunks.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["jwtsession.0", "jwtsession.1"]);
        assert_eq!(chunks[0].1.len(), MAX_COOKIE_BYTES - "jwtsession.0".len());
        assert_eq!(chunks[1].1.len(), 3);
    }

    #[test]
    fn empty_values_are_one_cookie() {
        assert_eq!(split_into_chunks("sid", ""), [("sid".to_owned(), "")]);
    }

    #[test]
    fn every_chunk_fits_with_its_own_name() {
        let value: String = ('a'..='z').cycle().take(60 * MAX_COOKIE_BYTES).collect();
        let chunks = split_into_chunks("jwtsession", &value);
        assert_eq!(chunks.len(), 61);
        for (i, (name, chunk)) in chunks.iter().enumerate() {
            assert_eq!(*name, format!("jwtsession.{i}"));
            assert!(name.len() + chunk.len() <= MAX_COOKIE_BYTES, "{name}");
            if i + 1 < chunks.len() {
                assert_eq!(name.len() + chunk.len(), MAX_COOKIE_BYTES, "{name} not full");
            }
        }
        assert_eq!(chunks.iter().map(|(_, c)| *c).collect::<String>(), value);
    }

    #[test]
    fn chunks_split_only_on_char_boundaries() {
        let value = "é".repeat(MAX_COOKIE_BYTES);
        let chunks = split_into_chunks("sid", &value);
        for (name, chunk) in &chunks {
            assert!(name.len() + chunk.len() <= MAX_COOKIE_BYTES, "{name}");
        }
        assert_eq!(chunks.iter().map(|(_, c)| *c).collect::<String>(), value);
    }

    #[test]
    fn absurdly_long_names_still_split_without_stalling() {
        let name = "n".repeat(MAX_COOKIE_BYTES);
        let chunks = split_into_chunks(&name, "aé");
        let values: Vec<&str> = chunks.iter().map(|(_, c)| *c).collect();
        assert_eq!(values, ["a", "é"]);
    }

    #[test]
    fn chunked_sessions_reassemble_to_the_original_token() {
        let opts = CookieOptions::default();
        let token = "x".repeat(3 * MAX_COOKIE_BYTES);
        let headers = session_set_cookies(&opts, &token, 60, 0, true, &[]).unwrap();
        assert_eq!(headers.len(), 4);
        // What a browser sends back: the name=value part of each Set-Cookie.
        let header = headers.iter().map(|h| h.split("; ").next().unwrap()).collect::<Vec<_>>().join("; ");
        let found = session_cookies(&header, &opts.name, opts.max_chunks);
        assert_eq!(found.candidates, [token]);
        assert_eq!(found.present, strings(&["jwtsession.0", "jwtsession.1", "jwtsession.2", "jwtsession.3"]));
    }

    #[test]
    fn too_many_chunks_is_too_large_and_never_leaks_the_token() {
        let opts = CookieOptions::default();
        let token = "secretpayload".repeat(2000);
        let err = session_set_cookies(&opts, &token, 60, 0, true, &[]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::TooLarge);
        let message = err.message();
        assert!(message.contains(&token.len().to_string()), "{message}");
        assert!(message.contains("7 cookies"), "{message}");
        assert!(message.contains("max_chunks = 4"), "{message}");
        assert!(!message.contains("secretpayload"), "{message}");
        // One chunk more than allowed is refused; exactly the maximum is fine.
        let room = MAX_COOKIE_BYTES - "jwtsession.0".len();
        let at_max = "x".repeat(4 * room);
        assert_eq!(session_set_cookies(&opts, &at_max, 60, 0, true, &[]).unwrap().len(), 4);
        let over = "x".repeat(4 * room + 1);
        let err = session_set_cookies(&opts, &over, 60, 0, true, &[]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::TooLarge);
    }

    #[test]
    fn max_chunks_of_one_never_chunks() {
        let opts = CookieOptions { max_chunks: 1, ..CookieOptions::default() };
        let fits = "x".repeat(MAX_COOKIE_BYTES - opts.name.len());
        assert_eq!(session_set_cookies(&opts, &fits, 60, 0, true, &[]).unwrap().len(), 1);
        let over = format!("{fits}x");
        let err = session_set_cookies(&opts, &over, 60, 0, true, &[]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::TooLarge);
    }

    #[test]
    fn tokens_that_could_inject_are_refused() {
        let opts = CookieOptions::default();
        for token in ["tok;en", "tok\r\nSet-Cookie: x=y", "tok en", "tok,en", "tok\"en", "tok\\en", "toké"] {
            let err = session_set_cookies(&opts, token, 60, 0, true, &[]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::Malformed, "{token:?}");
            assert!(!err.message().contains(token), "{err}");
        }
    }

    #[test]
    fn writing_the_plain_cookie_expires_every_old_chunk() {
        let opts = CookieOptions::default();
        let present = strings(&["jwtsession", "jwtsession.0", "jwtsession.1", "jwtsession.7"]);
        let headers = session_set_cookies(&opts, "a.b.c", 60, 0, true, &present).unwrap();
        let expected_removals =
            ["jwtsession.0", "jwtsession.1", "jwtsession.7"].map(|n| removal_cookie(&opts, n, true));
        assert_eq!(headers[0], set_cookie(&opts, "jwtsession", "a.b.c", 60, 0, true));
        assert_eq!(headers[1..], expected_removals);
    }

    #[test]
    fn writing_chunks_expires_the_plain_cookie_and_stale_higher_chunks() {
        let opts = CookieOptions::default();
        let token = "t".repeat(MAX_COOKIE_BYTES + 10);
        let present = strings(&["jwtsession", "jwtsession.0", "jwtsession.1", "jwtsession.2", "jwtsession.3"]);
        let headers = session_set_cookies(&opts, &token, 60, 0, false, &present).unwrap();
        assert_eq!(headers.len(), 5);
        assert!(headers[0].starts_with("jwtsession.0=ttt"));
        assert!(headers[1].starts_with("jwtsession.1=ttt"));
        assert_eq!(
            headers[2..],
            ["jwtsession", "jwtsession.2", "jwtsession.3"].map(|n| removal_cookie(&opts, n, false))
        );
    }

    #[test]
    fn nothing_stale_means_no_removal_cookies() {
        let opts = CookieOptions::default();
        let headers = session_set_cookies(&opts, "a.b.c", 60, 0, true, &strings(&["jwtsession"])).unwrap();
        assert_eq!(headers, [set_cookie(&opts, "jwtsession", "a.b.c", 60, 0, true)]);
    }

    #[test]
    fn expire_cookies_removes_every_present_name() {
        let opts = CookieOptions::default();
        let present = strings(&["jwtsession", "jwtsession.0", "jwtsession.12"]);
        let headers = expire_cookies(&opts, &present, true);
        assert_eq!(headers, present.iter().map(|n| removal_cookie(&opts, n, true)).collect::<Vec<_>>());
        assert_eq!(expire_cookies(&opts, &[], true), Vec::<String>::new());
    }

    #[test]
    fn cookie_tossing_keeps_every_candidate_in_header_order() {
        let found = session_cookies("jwtsession=tossed; other=1; jwtsession=good", "jwtsession", 4);
        assert_eq!(found.candidates, ["tossed", "good"]);
        assert_eq!(found.present, ["jwtsession"]);
    }

    #[test]
    fn plain_candidates_come_before_the_chunked_one() {
        let found = session_cookies("s.1=b; s.0=a; s=plain", "s", 4);
        assert_eq!(found.candidates, ["plain", "ab"]);
        assert_eq!(found.present, ["s.1", "s.0", "s"]);
    }

    #[test]
    fn other_cookies_are_ignored() {
        for header in [
            "",
            "other=1",
            "jwtsessions=1",
            "xjwtsession=1",
            "jwtsession.=1",
            "jwtsession.x=1",
            "jwtsession.01=1",
            "jwtsession.100=1",
            "jwtsession.-1=1",
            "jwtsession.+1=1",
            "JWTSESSION=1",
            "jwtsession.0.1=1",
            "jwtsession",
            "jwtsession.0",
        ] {
            assert_eq!(session_cookies(header, "jwtsession", 32), SessionCookies::default(), "{header:?}");
        }
    }

    #[test]
    fn reassembly_stops_at_the_first_gap() {
        let found = session_cookies("s.0=a; s.1=b; s.3=d", "s", 4);
        assert_eq!(found.candidates, ["ab"]);
        assert_eq!(found.present, ["s.0", "s.1", "s.3"]);
    }

    #[test]
    fn chunks_without_the_first_give_no_candidate() {
        let found = session_cookies("s.1=b; s.2=c", "s", 4);
        assert_eq!(found.candidates, Vec::<String>::new());
        assert_eq!(found.present, ["s.1", "s.2"]);
    }

    #[test]
    fn repeated_chunk_indices_keep_the_first_value() {
        let found = session_cookies("s.0=a; s.1=b; s.0=x; s.1=y", "s", 4);
        assert_eq!(found.candidates, ["ab"]);
        assert_eq!(found.present, ["s.0", "s.1"]);
    }

    #[test]
    fn chunks_beyond_max_chunks_are_expired_not_reassembled() {
        let found = session_cookies("s.0=a; s.1=b; s.2=c; s.10=k", "s", 2);
        assert_eq!(found.candidates, ["ab"]);
        assert_eq!(found.present, ["s.0", "s.1", "s.2", "s.10"]);
    }

    #[test]
    fn empty_values_are_present_but_never_candidates() {
        let found = session_cookies("s=; s.0=; s.1=b", "s", 4);
        assert_eq!(found.candidates, Vec::<String>::new());
        assert_eq!(found.present, ["s", "s.0", "s.1"]);
        let found = session_cookies("s.0=; s.0=a; s=\"\"; s=v", "s", 4);
        assert_eq!(found.candidates, ["v", "a"]);
    }

    #[test]
    fn quoted_session_cookies_are_unquoted() {
        let found = session_cookies("s=\"a.b.c\"; s.0=\"x\"; s.1=y", "s", 4);
        assert_eq!(found.candidates, ["a.b.c", "xy"]);
    }

    #[test]
    fn oversized_values_are_present_but_never_candidates() {
        let big = "v".repeat(2 * MAX_COOKIE_BYTES + 1);
        let found = session_cookies(&format!("s={big}; s.0={big}; s=ok"), "s", 2);
        assert_eq!(found.candidates, ["ok"]);
        assert_eq!(found.present, ["s", "s.0"]);
        // Chunks each small enough but too large together are not reassembled either.
        let half = "v".repeat(MAX_COOKIE_BYTES + 1);
        let found = session_cookies(&format!("s.0={half}; s.1={half}"), "s", 2);
        assert_eq!(found.candidates, Vec::<String>::new());
    }

    #[test]
    fn candidates_and_present_names_are_bounded() {
        let mut header: Vec<String> = (0..100).map(|i| format!("s=v{i}")).collect();
        header.extend((0..100).map(|i| format!("s.{i}=c")));
        let found = session_cookies(&header.join("; "), "s", 4);
        assert_eq!(found.candidates.len(), MAX_PLAIN_CANDIDATES + 1);
        assert_eq!(found.candidates[..16], (0..16).map(|i| format!("v{i}")).collect::<Vec<_>>());
        assert_eq!(found.candidates[16], "cccc");
        assert_eq!(found.present.len(), 4 + MAX_PLAIN_CANDIDATES);
        assert_eq!(found.present[..3], ["s", "s.0", "s.1"]);
    }

    #[test]
    fn stray_chunks_cannot_crowd_out_our_own_names() {
        let mut header: Vec<String> = (4..100).map(|i| format!("s.{i}=x")).collect();
        header.extend(["s.3=d", "s=v", "s.0=a"].map(String::from));
        let found = session_cookies(&header.join("; "), "s", 4);
        assert_eq!(found.present.len(), 15 + 3);
        assert_eq!(found.present[15..], ["s.3", "s", "s.0"]);
        assert_eq!(found.candidates, ["v", "a"]);
    }

    #[test]
    fn large_headers_parse_in_linear_time() {
        fn header_of(cookies: usize) -> String {
            (0..cookies)
                .map(|i| match i % 4 {
                    0 => format!("jwtsession=tossed{i}"),
                    1 => format!("jwtsession.{}=c{i}", i % 100),
                    2 => format!("other{i}=\"value {i}\""),
                    _ => format!(" junk{i} "),
                })
                .collect::<Vec<_>>()
                .join(";")
        }
        fn fastest_run(header: &str) -> std::time::Duration {
            (0..3)
                .map(|_| {
                    let start = std::time::Instant::now();
                    let found = session_cookies(header, "jwtsession", 32);
                    let elapsed = start.elapsed();
                    assert!(found.candidates.len() <= MAX_PLAIN_CANDIDATES + 1);
                    assert!(found.present.len() <= 32 + MAX_PLAIN_CANDIDATES);
                    elapsed
                })
                .min()
                .unwrap()
        }

        let one_value = format!("jwtsession={}", "v".repeat(100 * 1024));
        assert_eq!(session_cookies(&one_value, "jwtsession", 4).candidates, Vec::<String>::new());
        assert_eq!(session_cookies(&one_value, "jwtsession", 32).candidates.len(), 1);

        let small = header_of(4000);
        let large = header_of(64_000);
        assert!(small.len() > 50_000);
        let (small_time, large_time) = (fastest_run(&small), fastest_run(&large));
        // 16 times the input: about 16 times the time when linear, 256 times when quadratic.
        assert!(
            large_time < small_time * 64 + std::time::Duration::from_millis(50),
            "{small_time:?} for 4000 cookies, {large_time:?} for 64000"
        );
    }

    /// Base64url and dots, as in a JWT; much faster to generate than the equivalent regex.
    fn token_value(max_len: usize) -> impl Strategy<Value = String> {
        let alphabet: Vec<char> = ('A'..='Z').chain('a'..='z').chain('0'..='9').chain(['-', '_', '.']).collect();
        proptest::collection::vec(proptest::sample::select(alphabet), 0..=max_len)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn arbitrary_headers_never_panic(header in any::<String>()) {
            let found = session_cookies(&header, "s", 4);
            prop_assert!(found.candidates.len() <= MAX_PLAIN_CANDIDATES + 1);
            prop_assert!(found.present.len() <= 4 + MAX_PLAIN_CANDIDATES);
        }

        #[test]
        fn cookie_like_headers_never_panic(header in "[s.0-9=; \t\"a]{0,300}") {
            let found = session_cookies(&header, "s", 4);
            prop_assert!(found.candidates.iter().all(|c| c.len() <= 4 * MAX_COOKIE_BYTES));
            for name in &found.present {
                prop_assert!(name == "s" || name.starts_with("s."), "{:?}", name);
            }
        }

        #[test]
        fn split_then_join_round_trips(value in token_value(20_000)) {
            let chunks = split_into_chunks("jwtsession", &value);
            for (name, chunk) in &chunks {
                prop_assert!(name.len() + chunk.len() <= MAX_COOKIE_BYTES);
            }
            prop_assert_eq!(chunks.iter().map(|(_, c)| *c).collect::<String>(), value.clone());
            let found = session_cookies(&chunk_header(&chunks), "jwtsession", 32);
            if !value.is_empty() {
                prop_assert_eq!(found.candidates, vec![value]);
            }
        }
    }
}
