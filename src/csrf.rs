//! CSRF protection (`JWT_SESSION_CSRF`): for unsafe methods, before the handler runs, the
//! request must come from the page's own origin (or a trusted one), and carry the session's
//! CSRF token in `X-CSRF-Token` when the session has one.
//!
//! `SameSite=Lax` alone lets a sibling subdomain (same site, another origin) or a
//! `SameSite=None` deployment ride the session with a cross-origin POST; the origin check
//! closes that, and the token (which another origin cannot read) closes what the origin check
//! cannot see.

use ctutils::CtEq;

use crate::error::{Error, ErrorCode};

/// The header a page sends the CSRF token in.
///
/// # Examples
///
/// ```
/// assert_eq!(worker_jwt_session::csrf::CSRF_HEADER, "X-CSRF-Token");
/// ```
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// What CSRF protection checks, built once with the configuration.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::csrf::CsrfOptions;
/// let opts = CsrfOptions::default();
/// assert!(!opts.enabled && opts.trusted_origins.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsrfOptions {
    /// Whether unsafe requests are checked. Defaults to false.
    pub enabled: bool,
    /// Origins other than the request's own that may send unsafe requests, each
    /// `scheme://host[:port]`, lowercase. Defaults to none.
    pub trusted_origins: Vec<String>,
}

/// What the engine needs to know about a request: the `Cookie` header for the session, and
/// the parts CSRF protection looks at. Adapters fill it from their runtime's request.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::RequestInfo;
/// let req = RequestInfo { method: "POST", url: "https://app.example/note", ..RequestInfo::default() };
/// assert!(req.origin.is_none() && req.cookie.is_none());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestInfo<'a> {
    /// The `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The method (`GET`, `POST`, …).
    pub method: &'a str,
    /// The request URL, whose origin is the request's own.
    pub url: &'a str,
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// The `Sec-Fetch-Site` header.
    pub sec_fetch_site: Option<&'a str>,
    /// The `X-CSRF-Token` header.
    pub csrf_token: Option<&'a str>,
}

/// Whether a method changes state (and so is checked): POST, PUT, PATCH and DELETE. GET, HEAD
/// and OPTIONS are never refused.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::csrf::is_unsafe;
/// assert!(is_unsafe("POST") && is_unsafe("delete"));
/// assert!(!is_unsafe("GET") && !is_unsafe("OPTIONS"));
/// ```
#[must_use]
pub fn is_unsafe(method: &str) -> bool {
    ["POST", "PUT", "PATCH", "DELETE"].iter().any(|m| m.eq_ignore_ascii_case(method))
}

/// The origin (`scheme://host[:port]`) of an absolute URL, lowercase, without parsing more of it.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::csrf::origin_of;
/// assert_eq!(origin_of("https://App.Example:8443/a?b").as_deref(), Some("https://app.example:8443"));
/// assert_eq!(origin_of("/relative"), None);
/// ```
#[must_use]
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials in a URL are no part of its origin.
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    if scheme.is_empty() || host.is_empty() {
        return None;
    }
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// Checks a configured trusted origin: `scheme://host[:port]` and nothing else, so that it
/// can be compared with an `Origin` header as it is.
///
/// # Errors
///
/// [`ErrorCode::Config`] when it has a path, a query, credentials or no scheme.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::csrf::trusted_origin;
/// assert_eq!(trusted_origin(" https://Admin.Example ")?, "https://admin.example");
/// assert!(trusted_origin("https://admin.example/").is_err());
/// assert!(trusted_origin("admin.example").is_err());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn trusted_origin(text: &str) -> Result<String, Error> {
    let text = text.trim();
    match origin_of(text) {
        Some(origin) if origin.eq_ignore_ascii_case(text) && !text.contains('@') => Ok(origin),
        _ => Err(Error::config(
            "a trusted origin is `scheme://host[:port]`, with no path, query or trailing slash (e.g. https://admin.example)",
        )),
    }
}

/// Checks an unsafe request before the handler runs; any other request passes.
///
/// In order: an `Origin` that is neither the request URL's origin nor a trusted one is refused
/// (`null` included); without `Origin`, `Sec-Fetch-Site: cross-site` is refused; then, when the
/// session carries a CSRF token, `X-CSRF-Token` must equal it (compared in constant time).
///
/// # Errors
///
/// [`ErrorCode::Csrf`], with the reason (never the token).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::csrf::{check, CsrfOptions, RequestInfo};
/// let opts = CsrfOptions { enabled: true, ..CsrfOptions::default() };
/// let post = RequestInfo { method: "POST", url: "https://app.example/note", ..RequestInfo::default() };
/// let evil = RequestInfo { origin: Some("https://evil.example"), ..post };
/// assert!(check(&opts, &evil, None).is_err());
/// let own = RequestInfo { origin: Some("https://app.example"), csrf_token: Some("t0ken"), ..post };
/// assert!(check(&opts, &own, Some("t0ken")).is_ok());
/// assert!(check(&opts, &RequestInfo { csrf_token: None, ..own }, Some("t0ken")).is_err());
/// ```
pub fn check(opts: &CsrfOptions, req: &RequestInfo<'_>, session_token: Option<&str>) -> Result<(), Error> {
    if !opts.enabled || !is_unsafe(req.method) {
        return Ok(());
    }
    let refuse = |why: &'static str| Err(Error::new(ErrorCode::Csrf, why));
    match req.origin.map(str::trim) {
        Some(origin) => {
            let own = origin_of(req.url);
            let allowed = own.as_deref().is_some_and(|own| own.eq_ignore_ascii_case(origin))
                || opts.trusted_origins.iter().any(|t| t.eq_ignore_ascii_case(origin));
            if !allowed {
                return refuse("the request's Origin is neither its own nor a trusted one");
            }
        }
        None => {
            if req.sec_fetch_site.is_some_and(|site| site.trim().eq_ignore_ascii_case("cross-site")) {
                return refuse("a cross-site request (Sec-Fetch-Site) without an Origin");
            }
        }
    }
    if let Some(expected) = session_token {
        let sent = req.csrf_token.map(str::trim).unwrap_or_default();
        if !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
            return refuse("the X-CSRF-Token header does not carry the session's CSRF token");
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const ON: CsrfOptions = CsrfOptions { enabled: true, trusted_origins: Vec::new() };
    const POST: RequestInfo<'static> = RequestInfo {
        cookie: None,
        method: "POST",
        url: "https://app.example/note",
        origin: None,
        sec_fetch_site: None,
        csrf_token: None,
    };

    fn code(r: Result<(), Error>) -> Option<ErrorCode> {
        r.err().map(|e| e.code())
    }

    #[test]
    fn safe_methods_are_never_refused() {
        for method in ["GET", "HEAD", "OPTIONS", "get"] {
            let req = RequestInfo { method, origin: Some("https://evil.example"), ..POST };
            assert_eq!(code(check(&ON, &req, Some("t"))), None, "{method}");
        }
    }

    #[test]
    fn a_foreign_origin_is_refused_and_the_own_or_a_trusted_one_passes() {
        let trusted = CsrfOptions { trusted_origins: vec!["https://admin.example".into()], ..ON };
        for (origin, want) in [
            ("https://evil.example", Some(ErrorCode::Csrf)),
            ("https://sub.app.example", Some(ErrorCode::Csrf)),
            ("http://app.example", Some(ErrorCode::Csrf)),
            ("null", Some(ErrorCode::Csrf)),
            ("https://app.example", None),
            ("HTTPS://APP.EXAMPLE", None),
            ("https://admin.example", None),
        ] {
            let req = RequestInfo { origin: Some(origin), ..POST };
            assert_eq!(code(check(&trusted, &req, None)), want, "{origin}");
        }
    }

    #[test]
    fn without_origin_only_a_cross_site_fetch_is_refused() {
        for (site, want) in [(Some("cross-site"), Some(ErrorCode::Csrf)), (Some("same-site"), None), (None, None)] {
            let req = RequestInfo { sec_fetch_site: site, ..POST };
            assert_eq!(code(check(&ON, &req, None)), want, "{site:?}");
        }
    }

    #[test]
    fn the_session_token_must_come_back_in_the_header() {
        let own = RequestInfo { origin: Some("https://app.example"), ..POST };
        for (sent, want) in [(None, Some(ErrorCode::Csrf)), (Some("wrong"), Some(ErrorCode::Csrf)), (Some("tok"), None)]
        {
            let req = RequestInfo { csrf_token: sent, ..own };
            assert_eq!(code(check(&ON, &req, Some("tok"))), want, "{sent:?}");
        }
        assert_eq!(code(check(&ON, &own, None)), None, "no token in the session yet: the origin decides");
    }

    #[test]
    fn off_checks_nothing() {
        let req = RequestInfo { origin: Some("https://evil.example"), ..POST };
        assert_eq!(code(check(&CsrfOptions::default(), &req, Some("t"))), None);
    }
}
