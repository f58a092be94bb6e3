//! Unpadded base64url (RFC 4648 §5), the encoding of every JWS and JWE segment.
//!
//! Decoding is strict (canonical only) so that one token has exactly one spelling.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::{Error, ErrorCode};

/// Encodes bytes as unpadded base64url.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::b64::{b64_encode, decode_segment};
/// assert_eq!(b64_encode(b"{}"), "e30");
/// // URL-safe and unpadded, so a segment needs no escaping in a cookie, and reads back.
/// assert_eq!(b64_encode(&[0xfb, 0xff]), "-_8");
/// assert_eq!(decode_segment(&b64_encode(&[0xfb, 0xff]))?, [0xfb, 0xff]);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes one segment: unpadded base64url, canonical (no `=`, no non-zero trailing bits).
///
/// # Errors
///
/// [`ErrorCode::BadBase64`].
///
/// # Examples
///
/// ```
/// use worker_jwt_session::{jwt::decode_segment, ErrorCode};
/// assert_eq!(decode_segment("e30").unwrap(), b"{}");
/// assert_eq!(decode_segment("e31").unwrap_err().code(), ErrorCode::BadBase64);
/// assert_eq!(decode_segment("e30=").unwrap_err().code(), ErrorCode::BadBase64);
/// ```
pub fn decode_segment(segment: &str) -> Result<Vec<u8>, Error> {
    // By hand rather than with the base64 crate, whose unrolled decoder (and the panics with
    // formatted messages it links in) would double the browser package's wasm; the test
    // `decode_segment_agrees_with_the_base64_crate` holds it to that crate's answers.
    let bad = || Error::new(ErrorCode::BadBase64, "segment is not canonical unpadded base64url");
    let (quads, rest) = segment.as_bytes().as_chunks::<4>();
    let mut out = Vec::with_capacity(quads.len() * 3 + 2);
    for &[a, b, c, d] in quads {
        let [a, b, c, d] = [a, b, c, d].map(sextet);
        if (a | b | c | d) > 63 {
            return Err(bad());
        }
        let bits = a << 18 | b << 12 | c << 6 | d;
        out.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
    }
    // The last 2 or 3 characters hold 1 or 2 bytes, and 4 or 2 bits that must be 0 (canonical).
    match *rest {
        [] => {}
        [a, b] => {
            let (a, b) = (sextet(a), sextet(b));
            if (a | b) > 63 || b & 0x0f != 0 {
                return Err(bad());
            }
            out.push((a << 2 | b >> 4) as u8);
        }
        [a, b, c] => {
            let (a, b, c) = (sextet(a), sextet(b), sextet(c));
            if (a | b | c) > 63 || c & 0x03 != 0 {
                return Err(bad());
            }
            let bits = a << 10 | b << 4 | c >> 2;
            out.extend_from_slice(&[(bits >> 8) as u8, bits as u8]);
        }
        _ => return Err(bad()),
    }
    Ok(out)
}

/// The value of a base64url character; 0xff (more than 63) for any other byte.
fn sextet(c: u8) -> u32 {
    u32::from(SEXTETS.get(usize::from(c)).copied().unwrap_or(0xff))
}

/// [`sextet`]'s table, built at compile time from the alphabet of RFC 4648 §5.
// Indexing is safe here: it runs in the compiler, where an out-of-bounds index is a build error.
#[allow(clippy::indexing_slicing)]
static SEXTETS: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn decode_segment_agrees_with_the_base64_crate() {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/. \x80";
        let check = |s: &[u8]| {
            let Ok(s) = std::str::from_utf8(s) else { return };
            assert_eq!(decode_segment(s).ok(), URL_SAFE_NO_PAD.decode(s).ok(), "{s:?}");
        };
        // Every string of up to three of these bytes, then pseudo-random longer ones.
        check(b"");
        for &a in CHARS {
            check(&[a]);
            for &b in CHARS {
                check(&[a, b]);
                for &c in CHARS {
                    check(&[a, b, c]);
                }
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..200_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = 4 + (seed % 13) as usize;
            let s: Vec<u8> = (0..len)
                .map(|i| {
                    let r = seed.rotate_left(5 * i as u32);
                    // Mostly the alphabet, sometimes a byte outside it.
                    let index = (r >> 8) as usize;
                    CHARS[if r.is_multiple_of(29) { index % CHARS.len() } else { index % 64 }]
                })
                .collect();
            check(&s);
        }
    }
}
