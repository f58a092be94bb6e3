//! Name and attributes of the session cookie: [`SameSite`], [`Secure`], [`CookieOptions`], and
//! the checks [`CookieOptions::validate`] runs once, when the configuration is built.

use std::str::FromStr;

use crate::error::Error;

/// How many chunk cookies a session may use unless configured otherwise (16 KiB of token).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{CookieOptions, DEFAULT_MAX_CHUNKS};
/// assert_eq!(CookieOptions::default().max_chunks, DEFAULT_MAX_CHUNKS);
/// ```
pub const DEFAULT_MAX_CHUNKS: usize = 4;

/// The most chunk cookies a session may be configured to use ([`CookieOptions::max_chunks`]).
///
/// Browsers keep about 50 cookies per domain, and every chunk costs one of them. The browser
/// package, which does not know the Worker's configuration, reassembles this many.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{CookieOptions, MAX_CHUNKS_LIMIT};
/// let opts = CookieOptions { max_chunks: MAX_CHUNKS_LIMIT, ..CookieOptions::default() };
/// assert!(opts.validate().is_ok());
/// let opts = CookieOptions { max_chunks: MAX_CHUNKS_LIMIT + 1, ..CookieOptions::default() };
/// assert!(opts.validate().is_err());
/// ```
pub const MAX_CHUNKS_LIMIT: usize = 32;

/// Leaves room in the 4096 bytes for the value, and for the chunk suffix.
const MAX_NAME_BYTES: usize = 200;

/// RFC 6265bis: browsers ignore an attribute whose value is longer than this.
const MAX_ATTRIBUTE_BYTES: usize = 1024;

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
    /// [`ErrorCode::Config`](crate::ErrorCode::Config) when the text is not `Strict`, `Lax` or `None` in any case.
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
    /// [`ErrorCode::Config`](crate::ErrorCode::Config) for anything but `auto`, `always`, `true`, `never`, `false`.
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

/// How the token is laid out in cookies (`JWT_SESSION_MODE`). Every mode reads every layout on
/// the way in and writes its own on the way out, so changing the mode logs nobody out.
///
/// Parses from configuration text in any case.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::Mode;
/// assert_eq!(Mode::default(), Mode::Single);
/// assert_eq!("SPLIT".parse::<Mode>()?, Mode::Split);
/// assert_eq!(Mode::Split.as_str(), "split");
/// assert!("sideways".parse::<Mode>().is_err());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Mode {
    /// `name` holds the whole JWS: the page reads every claim, and a script that steals the
    /// cookie holds a replayable token.
    #[default]
    Single,
    /// `name` holds `header.payload` (readable by the page, chunked when large) and
    /// `name.sig` the signature, always `HttpOnly`: a script on the page reads the session but
    /// has nothing to replay.
    Split,
    /// `name` holds a compact JWE (chunked when large), `HttpOnly` unless the option says
    /// otherwise: neither the page nor anyone on the wire reads the session (see
    /// [`crate::jwe`]). Needs the crate feature `encrypted`; with CSRF protection on, the
    /// readable `name.csrf` cookie carries the session's CSRF token for the page.
    Encrypted,
}

impl Mode {
    /// The configuration word: `single`, `split` or `encrypted`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::cookie::Mode;
    /// assert_eq!(Mode::Single.as_str(), "single");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Single => "single",
            Mode::Split => "split",
            Mode::Encrypted => "encrypted",
        }
    }
}

/// Why encrypted mode is refused in a build without it: the message names the feature.
pub(crate) const ENCRYPTED_FEATURE_MISSING: &str =
    "mode `encrypted` needs the crate feature `encrypted`, which this build was compiled without \
     (add `features = [\"encrypted\"]` to the worker-jwt-session dependency)";

impl FromStr for Mode {
    type Err = Error;

    /// # Errors
    ///
    /// [`ErrorCode::Config`](crate::ErrorCode::Config) for anything but `single`, `split` or
    /// `encrypted`, and for `encrypted` in a build without the crate feature `encrypted`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        let mode = [Mode::Single, Mode::Split, Mode::Encrypted]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::config(format!("mode must be single, split or encrypted, not {s:?}")))?;
        if mode == Mode::Encrypted && !cfg!(feature = "encrypted") {
            return Err(Error::config(ENCRYPTED_FEATURE_MISSING));
        }
        Ok(mode)
    }
}

/// The name of split mode's signature cookie for the session cookie `name`: `name.sig`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::signature_cookie_name;
/// assert_eq!(signature_cookie_name("jwtsession"), "jwtsession.sig");
/// ```
#[must_use]
pub fn signature_cookie_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    out.push_str(name);
    out.push_str(".sig");
    out
}

/// The name of encrypted mode's CSRF cookie for the session cookie `name`: `name.csrf`, which
/// the page reads (the session itself it cannot) to send the token in `X-CSRF-Token`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::csrf_cookie_name;
/// assert_eq!(csrf_cookie_name("jwtsession"), "jwtsession.csrf");
/// ```
#[must_use]
pub fn csrf_cookie_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 5);
    out.push_str(name);
    out.push_str(".csrf");
    out
}

/// Name and attributes of the session cookie.
///
/// Check it once with [`validate`](CookieOptions::validate) when the configuration is built; the
/// builders in [`crate::cookie`] trust it.
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
    /// by design; it can read it, never forge it. The builder makes it `true` in
    /// [`Mode::Encrypted`] unless `http_only` is set explicitly.
    pub http_only: bool,
    /// Whether to set `Partitioned` (CHIPS, for a site embedded in others). Defaults to `false`.
    pub partitioned: bool,
    /// How many chunk cookies a large session may use, 1 to 32; 1 means never chunk. Defaults
    /// to [`DEFAULT_MAX_CHUNKS`].
    pub max_chunks: usize,
    /// How the token is laid out in cookies. Defaults to [`Mode::Single`].
    pub mode: Mode,
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
            mode: Mode::Single,
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
    /// [`ErrorCode::Config`](crate::ErrorCode::Config), with a message naming the option and the rule, when:
    /// - `name` is empty, longer than 200 bytes, not an RFC 6265 token (visible ASCII without
    ///   separators), or ends like a chunk name (`.` and digits);
    /// - `path` does not start with `/` or holds a space, control, `;`, `,` or non-ASCII char;
    /// - `domain` is empty or holds anything but ASCII letters, digits, `.` and `-`;
    /// - `name` starts with `__Host-` (in any case) without `secure: Always`, `path: "/"` and
    ///   no `domain`, or with `__Secure-` (in any case) without `secure: Always`;
    /// - `same_site` is `None` (the value) or `partitioned` is set, without `secure: Always`;
    /// - `max_chunks` is not between 1 and 32;
    /// - `mode` is [`Mode::Encrypted`] in a build without the crate feature `encrypted`.
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
        if self.mode == Mode::Encrypted && !cfg!(feature = "encrypted") {
            return Err(Error::config(ENCRYPTED_FEATURE_MISSING));
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

    /// Whether a cookie sent in answer to a request over https (or not) gets `Secure`.
    pub(crate) fn is_secure(&self, https: bool) -> bool {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

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
}
