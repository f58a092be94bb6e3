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
            .ok_or_else(|| {
                Error::config(format!(
                    "same_site must be Strict, Lax or None (any case), not {s:?}"
                ))
            })
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
            Err(Error::config(format!(
                "secure must be auto, always (or true) or never (or false), not {s:?}"
            )))
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
        if name
            .rsplit_once('.')
            .is_some_and(|(_, tail)| !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()))
        {
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
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn validate_path(path: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        return Err(Error::config(format!(
            "path must start with '/', not {path:?}"
        )));
    }
    if path.len() > MAX_ATTRIBUTE_BYTES {
        return Err(Error::config(format!(
            "path must be at most {MAX_ATTRIBUTE_BYTES} bytes, not {}",
            path.len()
        )));
    }
    if let Some(c) = path
        .chars()
        .find(|&c| !c.is_ascii_graphic() || c == ';' || c == ',')
    {
        return Err(Error::config(format!(
            "path {path:?} contains {c:?}; a path must be visible ASCII without ';' or ','"
        )));
    }
    Ok(())
}

fn validate_domain(domain: &str) -> Result<(), Error> {
    if domain.is_empty() {
        return Err(Error::config(
            "domain must not be empty; leave it unset for a host-only cookie",
        ));
    }
    if domain.len() > MAX_ATTRIBUTE_BYTES {
        return Err(Error::config(format!(
            "domain must be at most {MAX_ATTRIBUTE_BYTES} bytes, not {}",
            domain.len()
        )));
    }
    if let Some(c) = domain
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
    {
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
    header.split(';').filter_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let name = trim_whitespace(name);
        if name.is_empty() {
            return None;
        }
        let value = trim_whitespace(value);
        // RFC 6265 allows `cookie-value = DQUOTE *cookie-octet DQUOTE`; a lone `"` stays as is.
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
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
pub fn session_cookies(header: &str, name: &str, max_chunks: usize) -> SessionCookies {
    let max_value_bytes = max_chunks.saturating_mul(MAX_COOKIE_BYTES);
    let max_present = max_chunks.saturating_add(MAX_PLAIN_CANDIDATES);
    // Indices have at most two digits, which also bounds this for an unvalidated max_chunks.
    let mut chunks: Vec<Option<&str>> = vec![None; max_chunks.min(100)];
    let mut found = SessionCookies::default();

    for (cookie_name, value) in parse_cookie_header(header) {
        let chunk_index = if cookie_name == name {
            None
        } else {
            match cookie_name
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(parse_chunk_index)
            {
                Some(index) => Some(index),
                None => continue,
            }
        };
        // `present` holds at most max_present short names, so this scan stays cheap.
        if found.present.len() < max_present && !found.present.iter().any(|p| p == cookie_name) {
            found.present.push(cookie_name.to_owned());
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
pub fn set_cookie(
    opts: &CookieOptions,
    name: &str,
    value: &str,
    max_age_secs: u64,
    now_secs: u64,
    https: bool,
) -> String {
    let expires_secs = now_secs
        .saturating_add(max_age_secs)
        .min(LATEST_EXPIRES_SECS);
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
        parts.iter().for_each(|part| header.push_str(part));
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
pub fn split_into_chunks<'a>(name: &str, value: &'a str) -> Vec<(String, &'a str)> {
    if fits_one_cookie(name, value) {
        return vec![(name.to_owned(), value)];
    }
    Chunks::new(name, value)
        .map(|(index, chunk)| (format!("{name}.{index}"), chunk))
        .collect()
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
        Chunks {
            name,
            rest: value,
            index: 0,
        }
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
    let stale = present
        .iter()
        .filter(|old| !cookies.iter().any(|(written, _)| written == *old));
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
pub fn expire_cookies(opts: &CookieOptions, present: &[String], https: bool) -> Vec<String> {
    present
        .iter()
        .map(|name| removal_cookie(opts, name, https))
        .collect()
}
