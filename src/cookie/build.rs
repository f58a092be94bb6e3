//! On the way out: `Set-Cookie` header values that set or delete one cookie, each with every
//! configured attribute.

use std::time::{Duration, UNIX_EPOCH};

use super::options::CookieOptions;

/// `httpdate` panics from the year 10000 on, and a panic kills the request.
const LATEST_EXPIRES_SECS: u64 = 253_402_300_799;

const EPOCH_EXPIRES: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

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

/// Removal cookies for every name in `present` (from
/// [`SessionCookies::present`](super::SessionCookies::present)): used when a
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
    use crate::cookie::{SameSite, Secure};

    fn secure_opts() -> CookieOptions {
        CookieOptions { secure: Secure::Always, ..CookieOptions::default() }
    }

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
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
            mode: crate::cookie::Mode::Single,
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
    fn expire_cookies_removes_every_present_name() {
        let opts = CookieOptions::default();
        let present = strings(&["jwtsession", "jwtsession.0", "jwtsession.12"]);
        let headers = expire_cookies(&opts, &present, true);
        assert_eq!(headers, present.iter().map(|n| removal_cookie(&opts, n, true)).collect::<Vec<_>>());
        assert_eq!(expire_cookies(&opts, &[], true), Vec::<String>::new());
    }
}
