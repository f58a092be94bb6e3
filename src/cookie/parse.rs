//! On the way in: the pairs of a `Cookie` request header ([`parse_cookie_header`]), and the
//! session's candidate tokens among them ([`session_cookies`]).

use std::ops::ControlFlow;

use super::chunks::{chunk_room, MAX_COOKIE_BYTES};
use super::options::{csrf_cookie_name, signature_cookie_name};

/// Cookie tossing from a sibling domain needs only a few cookies; more are an attack on us.
const MAX_PLAIN_CANDIDATES: usize = 16;

/// Distinct values kept per chunk index, the first ones in header order: the genuine chunk and
/// a few planted ones. More are an attack on us, and each one multiplies the reassemblies.
/// Tossed signature cookies tried, at most: each doubles the work of every split candidate.
const MAX_SIGNATURES: usize = 4;

/// The longest signature segment: HS512's 64 bytes in unpadded base64url.
const MAX_SIGNATURE_CHARS: usize = 86;

const MAX_VALUES_PER_CHUNK: usize = 4;

/// Reassemblies tried per request, duplicates included. Each candidate costs one verification
/// (an HMAC over up to `max_chunks * MAX_COOKIE_BYTES`), and the combinations of planted values
/// grow as a power of the chunk count, so they need a cap of their own, like the plain ones:
/// 16 leaves room for a genuine chunk set next to a few planted chunks (an extra one after it,
/// a duplicate of some indices sent first) while a request still costs at most 32 verifications.
const MAX_CHUNK_CANDIDATES: usize = 16;

/// Chunk names at or past `max_chunks` listed in `present`; with the plain name and the
/// `max_chunks` usable chunk names, `present` holds at most `max_chunks + 18` names (with `name.sig` and `name.csrf`).
const MAX_STRAY_CHUNKS: usize = 15;

/// Chunk indices have one or two digits.
const CHUNK_INDICES: usize = 100;

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
/// use worker_jwt_session::cookie::{session_cookies, Source};
/// let found = session_cookies("sid=old; sid.0=ab; sid.1=cd", "sid", 4);
/// let tokens: Vec<&str> = found.candidates.iter().map(|c| c.token.as_str()).collect();
/// assert_eq!(tokens, ["old", "abcd", "ab"]);
/// assert_eq!(found.candidates[0].source, Source::Plain);
/// assert_eq!(found.candidates[1].source, Source::Chunks { count: 2, incomplete: false });
/// assert_eq!(found.present, ["sid", "sid.0", "sid.1"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionCookies {
    /// Tokens to try, in order, each value once (an identical value seen again is skipped):
    /// each value of the plain `name` cookie (in header order), then the reassemblies of
    /// `name.0`, `name.1`, … (see [`session_cookies`]). The first one that verifies wins.
    pub candidates: Vec<Candidate>,
    /// Names of every cookie of ours that the request carried (`name`, `name.3`, `name.sig`,
    /// `name.csrf`, …), each once, so the response can expire the ones it no longer uses.
    pub present: Vec<String>,
    /// The values of `name.sig` (split mode's signature cookie), in header order, each once,
    /// at most 4: a candidate of two segments (`header.payload`) is tried with each.
    pub signatures: Vec<String>,
}

/// One token to try, and where in the request it came from.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{session_cookies, Candidate, Source};
/// let found = session_cookies("sid=a.b.c", "sid", 4);
/// assert_eq!(found.candidates, [Candidate { token: "a.b.c".into(), source: Source::Plain }]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The token, unquoted, never empty.
    pub token: String,
    /// The cookie, or the chunks, it was read from.
    pub source: Source,
}

/// Where a [`Candidate`] came from.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::{session_cookies, Source};
/// // `sid.1` went missing on the way (a client or proxy dropped it): what is left says so.
/// let found = session_cookies("sid.0=ab; sid.2=ef", "sid", 4);
/// assert_eq!(found.candidates[0].token, "ab");
/// assert_eq!(found.candidates[0].source, Source::Chunks { count: 1, incomplete: true });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The value of a cookie named exactly `name`.
    Plain,
    /// Chunks `name.0` … `name.{count-1}` put back together.
    Chunks {
        /// How many chunks this reassembly uses.
        count: usize,
        /// Whether the chunk set looks cut short: a later index was present after a missing
        /// one, or the last chunk used is full (as long as [`MAX_COOKIE_BYTES`] allows for its
        /// name), so the writer would have written another one. Used to log `incomplete`
        /// instead of a signature failure when a client or proxy dropped a chunk.
        incomplete: bool,
    },
}

/// Finds the session's cookies in a `Cookie` request header.
///
/// Several cookies may share the name, and chunks may be planted next to genuine ones (cookie
/// tossing from a sibling domain), so [`SessionCookies::candidates`] holds, in order:
/// 1. each value of the plain `name` cookie, in header order;
/// 2. reassemblies of the chunks `name.0`, `name.1`, …: the longest run of indices from 0
///    first, then each shorter prefix of it, down to `name.0` alone; for each length, every
///    combination of the values sent for each index, first values first (the combinations in
///    lexicographic order over the indices, each index's values in header order).
///
/// A token identical to an earlier candidate is not added again. Everything is bounded,
/// whatever the header: at most 16 plain candidates and 16 reassemblies tried; at most 4
/// distinct values per chunk index (the first ones, later ones ignored); values longer than
/// `max_chunks * MAX_COOKIE_BYTES` (or chunks adding up to more) ignored; chunk indices from
/// `max_chunks` on not reassembled; at most `max_chunks + 18` names in `present` (`name.sig` and `name.csrf` included). The header
/// is read once, in linear time, and combinations are built one at a time, only as many as are
/// tried.
///
/// Chunk names are `name.` and a decimal index of one or two digits without a leading zero
/// (`name.01` is someone else's cookie; see [`is_chunk_name`]). Without `name.0` there is no
/// chunked candidate. Empty values are never candidates (they cannot verify), but their names
/// are still `present`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::session_cookies;
/// // A sibling domain tossed in its own cookie first: both are tried, in order.
/// let found = session_cookies("jwtsession=forged; jwtsession=genuine", "jwtsession", 4);
/// let tokens: Vec<&str> = found.candidates.iter().map(|c| c.token.as_str()).collect();
/// assert_eq!(tokens, ["forged", "genuine"]);
/// assert_eq!(found.present, ["jwtsession"]);
///
/// // It planted a chunk too, sent before the genuine one: both reassemblies are tried.
/// let found = session_cookies("s.1=XX; s.0=ab; s.1=cd", "s", 4);
/// let tokens: Vec<&str> = found.candidates.iter().map(|c| c.token.as_str()).collect();
/// assert_eq!(tokens, ["abXX", "abcd", "ab"]);
/// ```
#[must_use]
pub fn session_cookies(header: &str, name: &str, max_chunks: usize) -> SessionCookies {
    let max_value_bytes = max_chunks.saturating_mul(MAX_COOKIE_BYTES);
    let mut stray_chunks = 0;
    // Indices have at most two digits, which also bounds this for an unvalidated max_chunks.
    let mut chunks: Vec<Vec<&str>> = vec![Vec::new(); max_chunks.min(CHUNK_INDICES)];
    let mut found = SessionCookies::default();

    let signature_name = signature_cookie_name(name);
    let csrf_name = csrf_cookie_name(name);
    for (cookie_name, value) in parse_cookie_header(header) {
        if cookie_name == csrf_name {
            // Encrypted mode's readable CSRF cookie: never a token, only a name to expire with
            // the session (or when the mode changes).
            if !found.present.iter().any(|p| p == cookie_name) {
                found.present.push(cookie_name.to_owned());
            }
            continue;
        }
        if cookie_name == signature_name {
            if !found.present.iter().any(|p| p == cookie_name) {
                found.present.push(cookie_name.to_owned());
            }
            // A signature is at most 86 base64url characters (HS512); anything longer is not one.
            if !value.is_empty()
                && value.len() <= MAX_SIGNATURE_CHARS
                && found.signatures.len() < MAX_SIGNATURES
                && !found.signatures.iter().any(|s| s == value)
            {
                found.signatures.push(value.to_owned());
            }
            continue;
        }
        let chunk_index = if cookie_name == name {
            None
        } else {
            match chunk_index(cookie_name, name) {
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
            // Only plain candidates so far: at most 16 to compare with.
            None if found.candidates.len() < MAX_PLAIN_CANDIDATES
                && !found.candidates.iter().any(|c| c.token == value) =>
            {
                found.candidates.push(Candidate { token: value.to_owned(), source: Source::Plain });
            }
            None => {}
            Some(index) => {
                if let Some(values) = chunks.get_mut(index) {
                    if values.len() < MAX_VALUES_PER_CHUNK && !values.contains(&value) {
                        values.push(value);
                    }
                }
            }
        }
    }

    push_reassemblies(&mut found.candidates, &chunks, name, max_value_bytes);
    found
}

/// Whether `cookie_name` is one of the chunk names of the session cookie `name`: `name.` and a
/// decimal index of one or two digits without a leading zero, as [`session_cookies`] reads
/// them (whether or not the index is below `max_chunks`).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::cookie::is_chunk_name;
/// assert!(is_chunk_name("jwtsession.0", "jwtsession"));
/// assert!(is_chunk_name("jwtsession.31", "jwtsession"));
/// assert!(!is_chunk_name("jwtsession", "jwtsession"));
/// assert!(!is_chunk_name("jwtsession.01", "jwtsession"));
/// assert!(!is_chunk_name("jwtsession.sig", "jwtsession"));
/// assert!(!is_chunk_name("other.0", "jwtsession"));
/// ```
#[must_use]
pub fn is_chunk_name(cookie_name: &str, name: &str) -> bool {
    chunk_index(cookie_name, name).is_some()
}

/// The index of `cookie_name` when it is a chunk of `name`.
fn chunk_index(cookie_name: &str, name: &str) -> Option<usize> {
    cookie_name.strip_prefix(name)?.strip_prefix('.').and_then(parse_chunk_index)
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

/// Appends the reassemblies of `chunks` (the values kept for each index) to `candidates`, in
/// [`session_cookies`]' order, trying at most [`MAX_CHUNK_CANDIDATES`].
fn push_reassemblies(candidates: &mut Vec<Candidate>, chunks: &[Vec<&str>], name: &str, max_value_bytes: usize) {
    let run_len = chunks.iter().take_while(|values| !values.is_empty()).count();
    let run = chunks.get(..run_len).unwrap_or_default();
    // An index after the run has a value: the one ending the run went missing.
    let gap_after_run = chunks.iter().skip(run_len).any(|values| !values.is_empty());
    let shortest: Vec<usize> = run.iter().map(|values| values.iter().map(|v| v.len()).min().unwrap_or(0)).collect();
    let mut search = Search { candidates, name, max_value_bytes, tried: 0, gap: false, pieces: Vec::new() };
    for count in (1..=run_len).rev() {
        // Each index, with the fewest bytes the indices after it still need: a combination
        // that cannot fit is cut off at once, so every branch followed yields a reassembly.
        let mut levels: Vec<(&[&str], usize)> = Vec::with_capacity(count);
        let mut after = 0usize;
        for (values, &min) in run.iter().zip(&shortest).take(count).rev() {
            levels.push((values.as_slice(), after));
            after = after.saturating_add(min);
        }
        levels.reverse();
        search.gap = count == run_len && gap_after_run;
        if search.walk(&levels, 0).is_break() {
            break;
        }
    }
}

/// Depth-first walk over the combinations of chunk values, first values first.
struct Search<'c, 'n, 'h> {
    candidates: &'c mut Vec<Candidate>,
    name: &'n str,
    max_value_bytes: usize,
    /// Reassemblies tried so far, duplicates included.
    tried: usize,
    /// Whether the chunk after the last one of this length is missing while a later one is not.
    gap: bool,
    /// The values chosen for the indices walked so far.
    pieces: Vec<&'h str>,
}

impl<'h> Search<'_, '_, 'h> {
    /// Chooses a value for the first of `levels`, then the rest, after `pieces` of `len` bytes.
    /// Recursion is one level per chunk index, at most 100 deep.
    fn walk(&mut self, levels: &[(&[&'h str], usize)], len: usize) -> ControlFlow<()> {
        let Some((&(values, after), rest)) = levels.split_first() else {
            return self.try_reassembly(len);
        };
        for &value in values {
            let with_value = len.saturating_add(value.len());
            if with_value.saturating_add(after) > self.max_value_bytes {
                continue;
            }
            self.pieces.push(value);
            let flow = self.walk(rest, with_value);
            self.pieces.pop();
            flow?;
        }
        ControlFlow::Continue(())
    }

    /// Adds the concatenation of `pieces` (`len` bytes) unless an earlier candidate is the same.
    fn try_reassembly(&mut self, len: usize) -> ControlFlow<()> {
        self.tried += 1;
        let pieces = self.pieces.as_slice();
        if !self.candidates.iter().any(|c| c.token.len() == len && is_concatenation(&c.token, pieces)) {
            let count = pieces.len();
            let last_full = pieces.last().is_some_and(|last| last.len() >= chunk_room(self.name, count - 1));
            let mut token = String::with_capacity(len);
            for piece in pieces {
                token.push_str(piece);
            }
            let source = Source::Chunks { count, incomplete: self.gap || last_full };
            self.candidates.push(Candidate { token, source });
        }
        if self.tried < MAX_CHUNK_CANDIDATES {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }
}

/// Whether `token` is `pieces` put together, compared without building it.
fn is_concatenation(token: &str, pieces: &[&str]) -> bool {
    let mut rest = token;
    for piece in pieces {
        match rest.strip_prefix(piece) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::cookie::split_into_chunks;
    use proptest::prelude::*;

    fn pairs(header: &str) -> Vec<(&str, &str)> {
        parse_cookie_header(header).collect()
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

    fn tokens(found: &SessionCookies) -> Vec<&str> {
        found.candidates.iter().map(|c| c.token.as_str()).collect()
    }

    fn chunked(token: &str, count: usize, incomplete: bool) -> Candidate {
        Candidate { token: token.to_owned(), source: Source::Chunks { count, incomplete } }
    }

    /// The bytes of each full chunk of `jwtsession` (single-digit indices).
    const ROOM: usize = MAX_COOKIE_BYTES - "jwtsession.0".len();

    /// A token of `len` bytes and its chunks as a browser sends them back, `name=value` each.
    fn genuine_chunks(len: usize) -> (String, Vec<String>) {
        let token: String = ('a'..='z').cycle().take(len).collect();
        let pairs = split_into_chunks("jwtsession", &token).iter().map(|(n, v)| format!("{n}={v}")).collect();
        (token, pairs)
    }

    #[test]
    fn cookie_tossing_keeps_every_candidate_in_header_order() {
        let found = session_cookies("jwtsession=tossed; other=1; jwtsession=good", "jwtsession", 4);
        assert_eq!(tokens(&found), ["tossed", "good"]);
        assert!(found.candidates.iter().all(|c| c.source == Source::Plain));
        assert_eq!(found.present, ["jwtsession"]);
    }

    #[test]
    fn plain_candidates_come_before_the_chunked_ones() {
        let found = session_cookies("s.1=b; s.0=a; s=plain", "s", 4);
        assert_eq!(tokens(&found), ["plain", "ab", "a"]);
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
    fn chunk_names_are_the_ones_session_cookies_reads() {
        for name in ["jwtsession.0", "jwtsession.9", "jwtsession.10", "jwtsession.31", "jwtsession.99"] {
            assert!(is_chunk_name(name, "jwtsession"), "{name:?}");
        }
        for name in [
            "jwtsession",
            "jwtsession.",
            "jwtsession.x",
            "jwtsession.01",
            "jwtsession.100",
            "jwtsession.-1",
            "jwtsession.0.1",
            "jwtsession.sig",
            "JWTSESSION.0",
            "xjwtsession.0",
            "other.0",
        ] {
            assert!(!is_chunk_name(name, "jwtsession"), "{name:?}");
        }
    }

    #[test]
    fn a_missing_chunk_ends_the_reassembly_and_marks_it_incomplete() {
        let found = session_cookies("s.0=a; s.1=b; s.3=d", "s", 4);
        assert_eq!(found.candidates, [chunked("ab", 2, true), chunked("a", 1, false)]);
        assert_eq!(found.present, ["s.0", "s.1", "s.3"]);
    }

    #[test]
    fn chunks_without_the_first_give_no_candidate() {
        let found = session_cookies("s.1=b; s.2=c", "s", 4);
        assert_eq!(found.candidates, []);
        assert_eq!(found.present, ["s.1", "s.2"]);
    }

    #[test]
    fn repeated_chunk_indices_try_every_combination_first_values_first() {
        let found = session_cookies("s.0=a; s.1=b; s.0=x; s.1=y", "s", 4);
        assert_eq!(tokens(&found), ["ab", "ay", "xb", "xy", "a", "x"]);
        assert_eq!(found.present, ["s.0", "s.1"]);
    }

    #[test]
    fn a_planted_extra_chunk_after_a_genuine_set_keeps_the_genuine_session() {
        let (token, mut pairs) = genuine_chunks(2 * ROOM + 100);
        assert_eq!(pairs.len(), 3);
        pairs.push("jwtsession.3=AAAA".to_owned());
        let found = session_cookies(&pairs.join("; "), "jwtsession", 4);
        assert!(found.candidates.contains(&chunked(&token, 3, false)), "{found:?}");
        // The longest run comes first, so the set with the planted chunk is tried before it.
        assert_eq!(found.candidates[0], chunked(&format!("{token}AAAA"), 4, false));
        assert_eq!(found.candidates[1], chunked(&token, 3, false));
    }

    #[test]
    fn a_planted_duplicate_chunk_sent_first_keeps_the_genuine_session() {
        let (token, pairs) = genuine_chunks(2 * ROOM + 100);
        let header = format!("jwtsession.1=AAAA; {}", pairs.join("; "));
        let found = session_cookies(&header, "jwtsession", 4);
        let planted = format!("{}AAAA{}", &token[..ROOM], &token[2 * ROOM..]);
        assert_eq!(found.candidates[..2], [chunked(&planted, 3, false), chunked(&token, 3, false)]);
    }

    #[test]
    fn a_missing_middle_chunk_is_reported_incomplete() {
        let (token, pairs) = genuine_chunks(2 * ROOM + 100);
        let found = session_cookies(&format!("{}; {}", pairs[0], pairs[2]), "jwtsession", 4);
        assert_eq!(found.candidates, [chunked(&token[..ROOM], 1, true)]);
        // Even when what is left is not full.
        let found = session_cookies("s.0=a; s.2=c", "s", 4);
        assert_eq!(found.candidates, [chunked("a", 1, true)]);
    }

    #[test]
    fn a_full_last_chunk_with_nothing_after_it_is_reported_incomplete() {
        let (token, pairs) = genuine_chunks(2 * ROOM + 100);
        let found = session_cookies(&pairs[..2].join("; "), "jwtsession", 4);
        assert_eq!(found.candidates, [chunked(&token[..2 * ROOM], 2, true), chunked(&token[..ROOM], 1, true)]);
    }

    #[test]
    fn a_genuine_complete_chunk_set_is_not_incomplete() {
        let (token, pairs) = genuine_chunks(2 * ROOM + 100);
        let found = session_cookies(&pairs.join("; "), "jwtsession", 4);
        // Its prefixes are tried after it, and each of them looks cut short.
        assert_eq!(
            found.candidates,
            [chunked(&token, 3, false), chunked(&token[..2 * ROOM], 2, true), chunked(&token[..ROOM], 1, true)]
        );
    }

    #[test]
    fn identical_values_are_tried_once() {
        let found = session_cookies("s=a; s=b; s=a; s.0=b; s.0=b; s.0=c", "s", 4);
        assert_eq!(tokens(&found), ["a", "b", "c"]);
        assert_eq!(found.candidates[2], chunked("c", 1, false));
        // Repeats do not use up the plain candidates.
        let mut header = vec!["s=same"; 40];
        header.push("s=other");
        assert_eq!(tokens(&session_cookies(&header.join("; "), "s", 4)), ["same", "other"]);
    }

    #[test]
    fn at_most_four_values_per_chunk_index_are_kept() {
        let found = session_cookies("s.0=a; s.0=b; s.0=a; s.0=c; s.0=d; s.0=e", "s", 4);
        assert_eq!(tokens(&found), ["a", "b", "c", "d"]);
    }

    #[test]
    fn the_candidate_caps_hold_with_four_values_at_each_of_32_indices() {
        // Five values per index, index by index, and 20 plain values: 4^32 combinations, which
        // this test could never finish if they were all built.
        let mut header: Vec<String> = (0..5).flat_map(|j| (0..32).map(move |i| format!("s.{i}=v{i}x{j}"))).collect();
        header.extend((0..20).map(|k| format!("s=p{k}")));
        let found = session_cookies(&header.join("; "), "s", 32);
        assert_eq!(found.candidates.len(), MAX_PLAIN_CANDIDATES + MAX_CHUNK_CANDIDATES);
        let reassembled = &found.candidates[MAX_PLAIN_CANDIDATES..];
        assert!(reassembled.iter().all(|c| matches!(c.source, Source::Chunks { count: 32, .. })));
        // First values first, the last index varying fastest; the fifth values are ignored.
        let with = |last_two: [usize; 2]| -> String {
            (0..32).map(|i| format!("v{i}x{}", if i < 30 { 0 } else { last_two[i - 30] })).collect()
        };
        assert_eq!(reassembled[0].token, with([0, 0]));
        assert_eq!(reassembled[1].token, with([0, 1]));
        assert_eq!(reassembled[4].token, with([1, 0]));
        assert_eq!(reassembled[15].token, with([3, 3]));
        assert_eq!(found.present.len(), 33);
    }

    #[test]
    fn reassemblies_too_long_are_cut_off_before_they_are_built() {
        // Any 32-chunk combination is one byte too long; there are 4^31 of them.
        let budget = 32 * MAX_COOKIE_BYTES;
        let mut header: Vec<String> =
            (0..31).flat_map(|i| ["x", "yy", "zz", "ww"].map(|v| format!("s.{i}={v}{i}"))).collect();
        let shortest: usize = (0..31).map(|i| format!("x{i}").len()).sum();
        header.push(format!("s.31={}", "b".repeat(budget - shortest + 1)));
        let found = session_cookies(&header.join("; "), "s", 32);
        assert_eq!(found.candidates.len(), MAX_CHUNK_CANDIDATES);
        assert!(found.candidates.iter().all(|c| matches!(c.source, Source::Chunks { count: 31, .. })));
    }

    #[test]
    fn crafted_collisions_cannot_keep_the_search_running() {
        // Every combination of lengths adding up the same is the same token.
        let header: Vec<String> =
            (0..32).flat_map(|i| ["a", "aa", "aaa", "aaaa"].map(|v| format!("s.{i}={v}"))).collect();
        let found = session_cookies(&header.join("; "), "s", 32);
        let lengths: Vec<usize> = found.candidates.iter().map(|c| c.token.len()).collect();
        assert_eq!(lengths, [32, 33, 34, 35, 36, 37, 38]);
    }

    #[test]
    fn chunks_beyond_max_chunks_are_expired_not_reassembled() {
        let found = session_cookies("s.0=a; s.1=b; s.2=c; s.10=k", "s", 2);
        assert_eq!(tokens(&found), ["ab", "a"]);
        assert_eq!(found.present, ["s.0", "s.1", "s.2", "s.10"]);
    }

    #[test]
    fn empty_values_are_present_but_never_candidates() {
        let found = session_cookies("s=; s.0=; s.1=b", "s", 4);
        assert_eq!(found.candidates, []);
        assert_eq!(found.present, ["s", "s.0", "s.1"]);
        let found = session_cookies("s.0=; s.0=a; s=\"\"; s=v", "s", 4);
        assert_eq!(tokens(&found), ["v", "a"]);
    }

    #[test]
    fn quoted_session_cookies_are_unquoted() {
        let found = session_cookies("s=\"a.b.c\"; s.0=\"x\"; s.1=y", "s", 4);
        assert_eq!(tokens(&found), ["a.b.c", "xy", "x"]);
    }

    #[test]
    fn oversized_values_are_present_but_never_candidates() {
        let big = "v".repeat(2 * MAX_COOKIE_BYTES + 1);
        let found = session_cookies(&format!("s={big}; s.0={big}; s=ok"), "s", 2);
        assert_eq!(tokens(&found), ["ok"]);
        assert_eq!(found.present, ["s", "s.0"]);
        // Chunks each small enough but too large together are not reassembled: only the first
        // alone fits.
        let half = "v".repeat(MAX_COOKIE_BYTES + 1);
        let found = session_cookies(&format!("s.0={half}; s.1={half}"), "s", 2);
        assert_eq!(tokens(&found), [half.as_str()]);
    }

    #[test]
    fn candidates_and_present_names_are_bounded() {
        let mut header: Vec<String> = (0..100).map(|i| format!("s=v{i}")).collect();
        header.extend((0..100).map(|i| format!("s.{i}=c")));
        let found = session_cookies(&header.join("; "), "s", 4);
        assert_eq!(found.candidates.len(), MAX_PLAIN_CANDIDATES + 4);
        assert_eq!(tokens(&found)[..16], (0..16).map(|i| format!("v{i}")).collect::<Vec<_>>());
        assert_eq!(tokens(&found)[16..], ["cccc", "ccc", "cc", "c"]);
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
        assert_eq!(tokens(&found), ["v", "a"]);
    }

    #[test]
    fn large_headers_parse_in_linear_time() {
        fn header_of(cookies: usize) -> String {
            (0..cookies)
                .map(|i| match i % 4 {
                    0 => format!("jwtsession=tossed{i}"),
                    1 => format!("jwtsession.{}=c{i}", (i / 4) % 100),
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
                    assert!(found.candidates.len() <= MAX_PLAIN_CANDIDATES + MAX_CHUNK_CANDIDATES);
                    assert!(found.present.len() <= 32 + MAX_PLAIN_CANDIDATES);
                    elapsed
                })
                .min()
                .unwrap()
        }

        let one_value = format!("jwtsession={}", "v".repeat(100 * 1024));
        assert_eq!(session_cookies(&one_value, "jwtsession", 4).candidates, []);
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

    proptest! {
        #[test]
        fn arbitrary_headers_never_panic(header in any::<String>()) {
            let found = session_cookies(&header, "s", 4);
            prop_assert!(found.candidates.len() <= MAX_PLAIN_CANDIDATES + MAX_CHUNK_CANDIDATES);
            prop_assert!(found.present.len() <= 4 + MAX_PLAIN_CANDIDATES);
        }

        #[test]
        fn cookie_like_headers_never_panic(header in "[s.0-9=; \t\"a]{0,300}") {
            let found = session_cookies(&header, "s", 4);
            prop_assert!(found.candidates.iter().all(|c| !c.token.is_empty() && c.token.len() <= 4 * MAX_COOKIE_BYTES));
            for (i, candidate) in found.candidates.iter().enumerate() {
                prop_assert!(!found.candidates[..i].iter().any(|c| c.token == candidate.token), "{:?}", candidate);
            }
            for name in &found.present {
                prop_assert!(name == "s" || name.starts_with("s."), "{:?}", name);
            }
        }
    }
}
