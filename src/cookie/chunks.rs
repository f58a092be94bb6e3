//! Values too large for one cookie: split into `name.0`, `name.1`, … ([`split_into_chunks`]),
//! and every `Set-Cookie` a session needs, chunked or not ([`session_set_cookies`]).

use super::build::{removal_cookie, set_cookie};
use super::options::{csrf_cookie_name, signature_cookie_name, CookieOptions, Mode, MAX_CHUNKS_LIMIT};
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
        let room = chunk_room(self.name, self.index);
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

/// The bytes chunk `index` of `name` may hold: what [`MAX_COOKIE_BYTES`] leaves after the name
/// `name.index`, and at least one, so that an absurdly long name cannot stall the split.
pub(crate) fn chunk_room(name: &str, index: usize) -> usize {
    let chunk_name_len = name.len() + 1 + decimal_len(index);
    MAX_COOKIE_BYTES.saturating_sub(chunk_name_len).max(1)
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
/// First the cookie, or its chunks when the token does not fit one cookie; in
/// [`Mode::Split`], the cookie holds `header.payload` and the signature goes in `name.sig`,
/// always `HttpOnly`. Then a removal cookie for every name in `present` (from
/// [`SessionCookies::present`](super::SessionCookies::present)) not written this time:
/// the plain name when chunks are written now, the chunks when the plain name is, chunks
/// left over from a larger earlier session, and `name.sig` in single mode. Each is meant for
/// its own `Set-Cookie` header.
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
    session_set_cookies_with_csrf(opts, token, None, max_age_secs, now_secs, https, present)
}

/// [`session_set_cookies`], plus, in [`Mode::Encrypted`] and when `csrf_token` is given, the
/// readable cookie `name.csrf` holding it (never `HttpOnly`, the other attributes the
/// session's): the page cannot read an encrypted session, so this is how `csrfToken()` finds
/// the token. In other modes, or without a token, a `name.csrf` the request carried is expired
/// with the other names of `present` not written.
///
/// # Errors
///
/// As [`session_set_cookies`]; a CSRF token that is not a cookie value is
/// [`ErrorCode::Malformed`].
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{session_set_cookies_with_csrf, CookieOptions, Mode};
/// let opts = CookieOptions { mode: Mode::Encrypted, http_only: true, ..CookieOptions::default() };
/// let headers = session_set_cookies_with_csrf(&opts, "a..b.c.d", Some("tok"), 60, 0, true, &[])?;
/// assert_eq!(headers.len(), 2);
/// assert!(headers[0].starts_with("jwtsession=a..b.c.d;") && headers[0].contains("; HttpOnly"));
/// assert!(headers[1].starts_with("jwtsession.csrf=tok;") && !headers[1].contains("HttpOnly"));
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn session_set_cookies_with_csrf(
    opts: &CookieOptions,
    token: &str,
    csrf_token: Option<&str>,
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
    // Split mode: the readable `header.payload` under the name, the signature apart.
    let (value, signature) = match opts.mode {
        // Encrypted mode writes its JWE whole, as single mode writes a JWS.
        Mode::Single | Mode::Encrypted => (token, None),
        Mode::Split => match token.rsplit_once('.') {
            Some((data, signature)) => (data, Some(signature)),
            None => (token, None),
        },
    };
    let name = opts.name.as_str();
    if !fits_one_cookie(name, value) {
        let needed = Chunks::new(name, value).count();
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
    let cookies = split_into_chunks(name, value);
    let mut headers: Vec<String> = cookies
        .iter()
        .map(|(chunk_name, value)| set_cookie(opts, chunk_name, value, max_age_secs, now_secs, https))
        .collect();
    let signature_name = signature_cookie_name(name);
    if let Some(signature) = signature {
        // Always HttpOnly: the page's scripts must never hold a replayable token.
        let hidden = CookieOptions { http_only: true, ..opts.clone() };
        headers.push(set_cookie(&hidden, &signature_name, signature, max_age_secs, now_secs, https));
    }
    let csrf_name = csrf_cookie_name(name);
    let csrf_token = csrf_token.filter(|_| opts.mode == Mode::Encrypted);
    if let Some(csrf) = csrf_token {
        if !csrf.bytes().all(is_cookie_octet) {
            return Err(Error::new(ErrorCode::Malformed, "the CSRF token holds a byte not allowed in a cookie value"));
        }
        // Never HttpOnly: the page must read it to send it back in `X-CSRF-Token`.
        let readable = CookieOptions { http_only: false, ..opts.clone() };
        headers.push(set_cookie(&readable, &csrf_name, csrf, max_age_secs, now_secs, https));
    }
    let written = |old: &String| {
        cookies.iter().any(|(n, _)| n == old)
            || (signature.is_some() && *old == signature_name)
            || (csrf_token.is_some() && *old == csrf_name)
    };
    headers.extend(present.iter().filter(|old| !written(old)).map(|old| removal_cookie(opts, old, https)));
    Ok(headers)
}

/// RFC 6265 `cookie-octet`: visible ASCII except `"`, `,`, `;` and `\`.
fn is_cookie_octet(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\')
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::cookie::{session_cookies, Candidate, Source};
    use proptest::prelude::*;

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    /// A header carrying `chunks` under `name.0`, `name.1`, …
    fn chunk_header(chunks: &[(String, &str)]) -> String {
        chunks.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
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
        let whole = Candidate { token, source: Source::Chunks { count: 4, incomplete: false } };
        assert_eq!(found.candidates.first(), Some(&whole));
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

    /// Base64url and dots, as in a JWT; much faster to generate than the equivalent regex.
    fn token_value(max_len: usize) -> impl Strategy<Value = String> {
        let alphabet: Vec<char> = ('A'..='Z').chain('a'..='z').chain('0'..='9').chain(['-', '_', '.']).collect();
        proptest::collection::vec(proptest::sample::select(alphabet), 0..=max_len)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn split_then_join_round_trips(value in token_value(20_000)) {
            let chunks = split_into_chunks("jwtsession", &value);
            for (name, chunk) in &chunks {
                prop_assert!(name.len() + chunk.len() <= MAX_COOKIE_BYTES);
            }
            prop_assert_eq!(chunks.iter().map(|(_, c)| *c).collect::<String>(), value.clone());
            let found = session_cookies(&chunk_header(&chunks), "jwtsession", 32);
            if !value.is_empty() {
                let first = found.candidates.first().unwrap();
                prop_assert_eq!(&first.token, &value);
                if chunks.len() == 1 {
                    prop_assert_eq!(first.source, Source::Plain);
                } else {
                    let count = match first.source {
                        Source::Chunks { count, .. } => count,
                        Source::Plain => 0,
                    };
                    prop_assert_eq!(count, chunks.len());
                }
            }
        }
    }
}
