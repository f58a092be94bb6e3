//! Compact JWE (RFC 7516) for encrypted mode: direct encryption (`alg` `dir`) with AES-256-GCM
//! (`enc` `A256GCM`), the content key derived from the secret with HKDF-SHA256 (RFC 5869).
//!
//! A token is `header..iv.ciphertext.tag`: the protected header `{"alg":"dir","enc":"A256GCM"}`
//! (plus `"kid"` exactly when a JWS would carry one: a ring of several keys), an empty
//! encrypted-key segment (`dir` uses the content key as is), a fresh random 96-bit IV, the
//! ciphertext of the claims JSON, and the 128-bit tag. The additional authenticated data is the
//! ASCII of the encoded protected header, so the header cannot be changed either.
//!
//! The content key of each secret is
//! `HKDF-SHA256(IKM = the secret's bytes, salt = empty, info = "worker-jwt-session A256GCM")`,
//! 32 bytes, computed once when the key ring is built ([`crate::keys::Key::new`]). With it,
//! jose's `jwtDecrypt` (or any JWE library) reads a cookie: see the README.
//!
//! Decryption checks, in order, each failure with its own code: size ([`ErrorCode::TooLarge`]),
//! five segments ([`ErrorCode::Malformed`]), canonical base64url ([`ErrorCode::BadBase64`]),
//! header a JSON object ([`ErrorCode::BadJson`]), `alg` exactly `dir` and `enc` exactly
//! `A256GCM`, no `zip` ([`ErrorCode::UnsupportedAlgorithm`]), no `crit`, `typ` if present `JWT`,
//! an empty encrypted key ([`ErrorCode::Malformed`]), the key by `kid`
//! ([`ErrorCode::UnknownKey`]), a 96-bit IV and a 128-bit tag, then AES-GCM's own tag check
//! (constant time) with each candidate key ([`ErrorCode::Decrypt`]); then the plaintext must be a
//! JSON object that passes exactly the checks of a JWS payload ([`claims::check`]).
//!
//! The primitives are compiled in by the feature `encrypted` only. Without it, [`is_jwe`] still
//! recognises a JWE (so that the browser package and a Worker built without the feature can say
//! what it is), and decrypting one is [`ErrorCode::Decrypt`].

use crate::claims::Validation;
use crate::error::{Error, ErrorCode};
use crate::jwt::Verified;
use crate::keys::KeyRing;

/// The HKDF `info` of the content key: `worker-jwt-session A256GCM`.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwe::KEY_INFO;
/// // What an operator passes to HKDF-SHA256 (salt empty, 32 bytes) to get a cookie's key.
/// assert_eq!(KEY_INFO, b"worker-jwt-session A256GCM");
/// ```
pub const KEY_INFO: &[u8] = b"worker-jwt-session A256GCM";

/// Bytes of the AES-256-GCM content key.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwe::CONTENT_KEY_BYTES;
/// assert_eq!(CONTENT_KEY_BYTES, 32);
/// ```
pub const CONTENT_KEY_BYTES: usize = 32;

/// Bytes of the IV: 96 bits, fresh and random for every token.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwe::IV_BYTES;
/// assert_eq!(IV_BYTES, 12);
/// ```
pub const IV_BYTES: usize = 12;

/// Bytes of the authentication tag: 128 bits.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwe::TAG_BYTES;
/// assert_eq!(TAG_BYTES, 16);
/// ```
pub const TAG_BYTES: usize = 16;

/// Whether `token` has the shape of a compact JWE: five segments (four dots). A JWS has three,
/// split mode's readable half two. Says nothing about whether it decrypts.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwe::is_jwe;
/// assert!(is_jwe("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn"));
/// assert!(!is_jwe("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"));
/// ```
#[must_use]
pub fn is_jwe(token: &str) -> bool {
    token.bytes().filter(|&b| b == b'.').count() == 4
}

/// The protected header of a JWE as JSON text, which is readable without a key (it says how
/// the token was encrypted and with which `kid`, nothing of the session).
///
/// # Errors
///
/// [`ErrorCode::TooLarge`] past [`crate::claims::DEFAULT_MAX_TOKEN_BYTES`];
/// [`ErrorCode::Malformed`] unless `token` has five segments; [`ErrorCode::BadBase64`];
/// [`ErrorCode::BadJson`] when the header is not UTF-8 text starting as an object.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::jwe::header_json;
/// let token = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXY.Y3Q.dGFn";
/// assert_eq!(header_json(token)?, r#"{"alg":"dir","enc":"A256GCM"}"#);
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn header_json(token: &str) -> Result<String, Error> {
    if token.len() > crate::claims::DEFAULT_MAX_TOKEN_BYTES {
        return Err(too_large());
    }
    if !is_jwe(token) {
        return Err(Error::new(ErrorCode::Malformed, "a JWE has exactly five segments"));
    }
    let first = token.split(['.']).next().unwrap_or_default();
    let text = String::from_utf8(crate::b64::decode_segment(first)?)
        .map_err(|_| Error::new(ErrorCode::BadJson, "header is not UTF-8"))?;
    if !text.trim_start().starts_with('{') {
        return Err(Error::new(ErrorCode::BadJson, "header is not a JSON object"));
    }
    Ok(text)
}

/// Decrypts and checks a JWE against a key ring at time `now` (seconds since the Unix epoch),
/// giving the same [`Verified`] as a JWS ([`crate::jwt::verify`]): the engine treats both alike
/// (refresh, re-issue under the current key when `key_index > 0`, absolute lifetime). The
/// header's `alg` is `None`: no signing algorithm made it.
///
/// # Errors
///
/// The first failing check's code, in the order of the module docs; [`ErrorCode::Decrypt`] when
/// no candidate key decrypts it, or when this build lacks the feature `encrypted`.
///
/// # Examples
///
/// ```
/// # #[cfg(feature = "encrypted")] {
/// use serde_json::json;
/// use worker_jwt_session::{claims::Validation, jwe, keys::KeyRing, ErrorCode};
/// let ring = KeyRing::new("a secret of at least thirty-two bytes!!")?;
/// let claims = json!({"user": "ada", "iat": 1000, "exp": 2000});
/// let token = jwe::encrypt(claims.as_object().unwrap(), &ring)?;
/// assert_eq!(jwe::decrypt(&token, &ring, &Validation::default(), 1500)?.claims["user"], "ada");
/// let other = KeyRing::new("another secret of at least thirty-two bytes")?;
/// let err = jwe::decrypt(&token, &other, &Validation::default(), 1500).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::Decrypt);
/// # }
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub fn decrypt(token: &str, ring: &KeyRing, validation: &Validation, now: u64) -> Result<Verified, Error> {
    let mut unbounded = usize::MAX;
    decrypt_within(token, ring, validation, now, &mut unbounded)
}

fn too_large() -> Error {
    Error::new(ErrorCode::TooLarge, "token is longer than the limit (max_token_bytes)")
}

#[cfg(not(feature = "encrypted"))]
pub(crate) fn decrypt_within(
    token: &str,
    _ring: &KeyRing,
    validation: &Validation,
    _now: u64,
    _budget: &mut usize,
) -> Result<Verified, Error> {
    if token.len() > validation.max_token_bytes {
        return Err(too_large());
    }
    Err(Error::new(
        ErrorCode::Decrypt,
        "an encrypted session (JWE), and this build lacks the crate feature `encrypted` that reads it",
    ))
}

/// Without the feature `encrypted` there is nothing to encrypt with.
///
/// # Errors
///
/// Always [`ErrorCode::Config`]: `JwtSessions` refuses encrypted mode in such a build before
/// it could get here.
#[cfg(not(feature = "encrypted"))]
pub fn encrypt(_claims: &crate::jwt::Claims, _ring: &KeyRing) -> Result<String, Error> {
    Err(Error::config(crate::cookie::ENCRYPTED_FEATURE_MISSING))
}

#[cfg(feature = "encrypted")]
pub use with_aes::*;

#[cfg(feature = "encrypted")]
mod with_aes {
    use aes_gcm::aead::{AeadInOut, KeyInit};
    use aes_gcm::{Aes256Gcm, Nonce, Tag};
    use hkdf::Hkdf;
    use serde::Deserialize;
    use serde_json::Value;
    use sha2::Sha256;

    use super::{too_large, CONTENT_KEY_BYTES, IV_BYTES, KEY_INFO, TAG_BYTES};
    use crate::b64::{b64_encode, decode_segment};
    use crate::claims::{self, Validation};
    use crate::error::{Error, ErrorCode};
    use crate::jwt::{parse_object, present, Claims, Header, Verified};
    use crate::keys::KeyRing;

    /// HKDF-SHA256 (RFC 5869): extract with `salt`, expand with `info` into `okm`.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`] when `okm` is longer than HKDF-SHA256 can give (255 × 32 bytes).
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::jwe::{hkdf_sha256, KEY_INFO};
    /// let mut key = [0u8; 32];
    /// hkdf_sha256(b"", b"a secret of at least thirty-two bytes!!", KEY_INFO, &mut key)?;
    /// // What `ContentKey::derive` uses, and what an operator computes to read a cookie.
    /// assert_ne!(key, [0u8; 32]);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], okm: &mut [u8]) -> Result<(), Error> {
        // RFC 5869 §2.2: an absent salt is a string of HashLen zeros, which is what HMAC makes
        // of an empty key too; `None` and `Some(b"")` agree.
        Hkdf::<Sha256>::new(Some(salt), ikm)
            .expand(info, okm)
            .map_err(|_| Error::config("HKDF-SHA256 cannot give that many bytes"))
    }

    /// An AES-256-GCM content key, its key schedule computed once. Its `Debug` output shows no
    /// key material.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::jwe::ContentKey;
    /// let key = ContentKey::derive(b"a secret of at least thirty-two bytes!!")?;
    /// assert_eq!(format!("{key:?}"), "ContentKey { .. }");
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[derive(Clone)]
    pub struct ContentKey {
        cipher: Aes256Gcm,
    }

    impl std::fmt::Debug for ContentKey {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("ContentKey").finish_non_exhaustive()
        }
    }

    impl ContentKey {
        /// The content key of a secret: HKDF-SHA256 of its bytes, empty salt, info
        /// [`KEY_INFO`], 32 bytes.
        ///
        /// # Errors
        ///
        /// [`ErrorCode::Config`] if HKDF or AES refuses the key (neither does for these sizes).
        ///
        /// # Examples
        ///
        /// ```
        /// use worker_jwt_session::jwe::{hkdf_sha256, ContentKey, KEY_INFO};
        /// let secret = b"a secret of at least thirty-two bytes!!";
        /// let mut bytes = [0u8; 32];
        /// hkdf_sha256(b"", secret, KEY_INFO, &mut bytes)?;
        /// // The same key, whether derived here or by the operator's own tools.
        /// let iv = [7u8; 12];
        /// let a = ContentKey::derive(secret)?.encrypt_with_iv(b"{}", None, &iv)?;
        /// let b = ContentKey::from_bytes(&bytes)?.encrypt_with_iv(b"{}", None, &iv)?;
        /// assert_eq!(a, b);
        /// # Ok::<(), worker_jwt_session::Error>(())
        /// ```
        pub fn derive(secret: &[u8]) -> Result<ContentKey, Error> {
            let mut bytes = [0u8; CONTENT_KEY_BYTES];
            hkdf_sha256(b"", secret, KEY_INFO, &mut bytes)?;
            ContentKey::from_bytes(&bytes)
        }

        /// A content key given as its 32 bytes (the RFC examples give theirs this way).
        ///
        /// # Errors
        ///
        /// [`ErrorCode::Config`] unless `bytes` is 32 bytes long.
        ///
        /// # Examples
        ///
        /// ```
        /// use worker_jwt_session::{jwe::ContentKey, ErrorCode};
        /// assert!(ContentKey::from_bytes(&[1u8; 32]).is_ok());
        /// assert_eq!(ContentKey::from_bytes(&[1u8; 16]).unwrap_err().code(), ErrorCode::Config);
        /// ```
        pub fn from_bytes(bytes: &[u8]) -> Result<ContentKey, Error> {
            let cipher =
                Aes256Gcm::new_from_slice(bytes).map_err(|_| Error::config("an A256GCM content key is 32 bytes"))?;
            Ok(ContentKey { cipher })
        }

        /// AES-256-GCM of `plaintext` with `aad`, under `iv`: the ciphertext and the tag.
        ///
        /// # Errors
        ///
        /// [`ErrorCode::TooLarge`] past AES-GCM's limits (64 GiB; a session never gets near).
        ///
        /// # Examples
        ///
        /// ```
        /// use worker_jwt_session::jwe::ContentKey;
        /// let key = ContentKey::from_bytes(&[0u8; 32])?;
        /// // NIST's GCM test case 13: the empty message under the zero key and IV.
        /// let (ciphertext, tag) = key.seal(&[0u8; 12], b"", b"")?;
        /// assert!(ciphertext.is_empty());
        /// assert_eq!(tag[..4], [0x53, 0x0f, 0x8a, 0xfb]);
        /// # Ok::<(), worker_jwt_session::Error>(())
        /// ```
        pub fn seal(
            &self,
            iv: &[u8; IV_BYTES],
            aad: &[u8],
            plaintext: &[u8],
        ) -> Result<(Vec<u8>, [u8; TAG_BYTES]), Error> {
            let mut buffer = plaintext.to_vec();
            let tag = self
                .cipher
                .encrypt_inout_detached(&Nonce::from(*iv), aad, buffer.as_mut_slice().into())
                .map_err(|_| Error::new(ErrorCode::TooLarge, "the session is too large to encrypt"))?;
            Ok((buffer, tag.into()))
        }

        /// The plaintext of `ciphertext` when `tag` authenticates it with `aad` under `iv`
        /// (AES-GCM compares the tag in constant time).
        ///
        /// # Errors
        ///
        /// [`ErrorCode::Decrypt`], with no detail: the key, the IV, the AAD, the ciphertext or
        /// the tag is not the one sealed.
        ///
        /// # Examples
        ///
        /// ```
        /// use worker_jwt_session::{jwe::ContentKey, ErrorCode};
        /// let key = ContentKey::from_bytes(&[3u8; 32])?;
        /// let (ciphertext, tag) = key.seal(&[1u8; 12], b"aad", b"hello")?;
        /// assert_eq!(key.open(&[1u8; 12], b"aad", &ciphertext, &tag)?, b"hello");
        /// assert_eq!(key.open(&[1u8; 12], b"AAD", &ciphertext, &tag).unwrap_err().code(), ErrorCode::Decrypt);
        /// # Ok::<(), worker_jwt_session::Error>(())
        /// ```
        pub fn open(
            &self,
            iv: &[u8; IV_BYTES],
            aad: &[u8],
            ciphertext: &[u8],
            tag: &[u8; TAG_BYTES],
        ) -> Result<Vec<u8>, Error> {
            let mut buffer = ciphertext.to_vec();
            self.cipher
                .decrypt_inout_detached(&Nonce::from(*iv), aad, buffer.as_mut_slice().into(), &Tag::from(*tag))
                .map_err(|_| Error::new(ErrorCode::Decrypt, "the session does not decrypt with any configured key"))?;
            Ok(buffer)
        }

        /// A compact JWE of `plaintext` under this key and `iv`, with `kid` in the header when
        /// given. For tests and known answers: [`encrypt`] draws a fresh IV for every token,
        /// and so must every caller (an IV used twice under one key breaks AES-GCM).
        ///
        /// # Errors
        ///
        /// As [`ContentKey::seal`].
        ///
        /// # Examples
        ///
        /// ```
        /// use worker_jwt_session::jwe::ContentKey;
        /// let key = ContentKey::derive(b"a secret of at least thirty-two bytes!!")?;
        /// let token = key.encrypt_with_iv(br#"{"a":1}"#, None, &[0u8; 12])?;
        /// // The header, an empty encrypted key, the IV, the ciphertext, the tag.
        /// assert!(token.starts_with("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAAAAAAAAAAAAAA."));
        /// # Ok::<(), worker_jwt_session::Error>(())
        /// ```
        pub fn encrypt_with_iv(
            &self,
            plaintext: &[u8],
            kid: Option<&str>,
            iv: &[u8; IV_BYTES],
        ) -> Result<String, Error> {
            let header = match kid {
                // The kid is base64url, so it needs no JSON escaping.
                Some(kid) => format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{kid}"}}"#),
                None => r#"{"alg":"dir","enc":"A256GCM"}"#.to_owned(),
            };
            let protected = b64_encode(header.as_bytes());
            // RFC 7516 §5.1 step 14: the AAD is the ASCII of the encoded protected header.
            let (ciphertext, tag) = self.seal(iv, protected.as_bytes(), plaintext)?;
            let mut token = String::with_capacity(protected.len() + (ciphertext.len() + 28) * 4 / 3 + 8);
            token.push_str(&protected);
            token.push_str("..");
            token.push_str(&b64_encode(iv));
            token.push('.');
            token.push_str(&b64_encode(&ciphertext));
            token.push('.');
            token.push_str(&b64_encode(&tag));
            Ok(token)
        }
    }

    /// Encrypts `claims` with the ring's current key under a fresh random IV: the cookie of
    /// encrypted mode. The header carries `kid` when the ring holds several keys, as a JWS does.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::BadJson`] if the claims do not serialize (a `Map` of `Value`s always does);
    /// [`ErrorCode::Config`] when the platform has no random generator.
    ///
    /// # Examples
    ///
    /// ```
    /// use serde_json::json;
    /// use worker_jwt_session::{jwe, keys::KeyRing};
    /// let ring = KeyRing::new("a secret of at least thirty-two bytes!!")?;
    /// let claims = json!({"user": "ada", "exp": 2000});
    /// let a = jwe::encrypt(claims.as_object().unwrap(), &ring)?;
    /// let b = jwe::encrypt(claims.as_object().unwrap(), &ring)?;
    /// // A fresh IV each time: the same session never gives the same cookie twice.
    /// assert_ne!(a, b);
    /// assert!(jwe::is_jwe(&a) && !a.contains("ada"));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn encrypt(claims: &Claims, ring: &KeyRing) -> Result<String, Error> {
        let plaintext = serde_json::to_vec(claims)
            .map_err(|e| Error::new(ErrorCode::BadJson, format!("claims cannot be serialized ({e})")))?;
        let mut iv = [0u8; IV_BYTES];
        getrandom::fill(&mut iv).map_err(|_| Error::config("no random number generator for the JWE's IV"))?;
        let key = ring.current();
        let kid = ring.writes_kid().then(|| key.kid());
        key.content_key().encrypt_with_iv(&plaintext, kid, &iv)
    }

    /// The header members we act on. As for a JWS, derived deserialization refuses a duplicated
    /// member, and `present` makes a member set to `null` count as present.
    #[derive(Deserialize)]
    struct RawHeader {
        #[serde(default, deserialize_with = "present")]
        alg: Option<Value>,
        #[serde(default, deserialize_with = "present")]
        enc: Option<Value>,
        #[serde(default, deserialize_with = "present")]
        zip: Option<Value>,
        #[serde(default, deserialize_with = "present")]
        crit: Option<Value>,
        #[serde(default, deserialize_with = "present")]
        typ: Option<Value>,
        #[serde(default, deserialize_with = "present")]
        kid: Option<Value>,
    }

    fn check_header(raw: RawHeader) -> Result<Option<String>, Error> {
        let unsupported = |why: &'static str| Error::new(ErrorCode::UnsupportedAlgorithm, why);
        // Exactly these spellings: `dir`/`A256GCM` is the one JWE this library writes or reads.
        if !matches!(&raw.alg, Some(Value::String(alg)) if alg == "dir") {
            return Err(unsupported("JWE alg must be `dir`"));
        }
        if !matches!(&raw.enc, Some(Value::String(enc)) if enc == "A256GCM") {
            return Err(unsupported("JWE enc must be `A256GCM`"));
        }
        if raw.zip.is_some() {
            // Compressed plaintext would leak the session's content through the token's length
            // (and inflate without bound): never accepted.
            return Err(unsupported("compressed JWE (`zip`) is not supported"));
        }
        if raw.crit.is_some() {
            return Err(Error::new(ErrorCode::Malformed, "header has `crit`; no extensions are supported"));
        }
        match &raw.typ {
            None => {}
            Some(Value::String(t)) if t.eq_ignore_ascii_case("JWT") => {}
            Some(_) => return Err(Error::new(ErrorCode::Malformed, "header typ is not JWT")),
        }
        match raw.kid {
            None => Ok(None),
            Some(Value::String(kid)) => Ok(Some(kid)),
            Some(_) => Err(Error::new(ErrorCode::Malformed, "header kid is not a string")),
        }
    }

    /// [`super::decrypt`], decrypting at most `budget` bytes (the AAD and ciphertext once per
    /// key tried), shared with the JWS path so a request's cookies cost a bounded amount of work.
    pub(crate) fn decrypt_within(
        token: &str,
        ring: &KeyRing,
        validation: &Validation,
        now: u64,
        budget: &mut usize,
    ) -> Result<Verified, Error> {
        let Opened { kid, claims, key_index } = open_within(token, ring, validation.max_token_bytes, budget)?;
        let time = claims::check(&claims, validation, now)?;
        Ok(Verified { header: Header { alg: None, kid }, claims, time, key_index })
    }

    /// The claims of a JWE that decrypts with a key of `ring`, **without the time checks**: for
    /// the CLI's `decode`, which shows a session whatever its age. Decryption authenticates it,
    /// but an expired session is still shown: never base a decision on this.
    ///
    /// # Errors
    ///
    /// As [`super::decrypt`], except the checks of [`claims::check`].
    ///
    /// # Examples
    ///
    /// ```
    /// use serde_json::json;
    /// use worker_jwt_session::{jwe, keys::KeyRing};
    /// let ring = KeyRing::new("a secret of at least thirty-two bytes!!")?;
    /// let token = jwe::encrypt(json!({"user": "ada", "exp": 1}).as_object().unwrap(), &ring)?;
    /// // Long expired, still readable with the key.
    /// assert_eq!(jwe::decrypt_claims(&token, &ring)?["user"], "ada");
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn decrypt_claims(token: &str, ring: &KeyRing) -> Result<Claims, Error> {
        let mut unbounded = usize::MAX;
        Ok(open_within(token, ring, claims::DEFAULT_MAX_TOKEN_BYTES, &mut unbounded)?.claims)
    }

    /// What decryption gives before the claim checks.
    struct Opened {
        kid: Option<String>,
        claims: Claims,
        key_index: usize,
    }

    fn open_within(token: &str, ring: &KeyRing, max_token_bytes: usize, budget: &mut usize) -> Result<Opened, Error> {
        if token.len() > max_token_bytes {
            return Err(too_large());
        }
        let mut parts = token.split(['.']);
        let (Some(h64), Some(ek64), Some(iv64), Some(ct64), Some(tag64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::new(ErrorCode::Malformed, "a JWE has exactly five segments"));
        };
        if h64.is_empty() || iv64.is_empty() || tag64.is_empty() {
            return Err(Error::new(ErrorCode::Malformed, "a JWE's header, IV and tag must not be empty"));
        }
        let header_bytes = decode_segment(h64)?;
        let encrypted_key = decode_segment(ek64)?;
        let iv = decode_segment(iv64)?;
        let ciphertext = decode_segment(ct64)?;
        let tag = decode_segment(tag64)?;
        let kid = check_header(parse_object(&header_bytes, "header")?)?;
        if !encrypted_key.is_empty() {
            // RFC 7516 §5.1 step 2 (direct encryption): the encrypted key is the empty octet
            // sequence; anything else is not a token this library writes.
            return Err(Error::new(ErrorCode::Malformed, "a `dir` JWE has an empty encrypted key"));
        }
        let candidates: Vec<(usize, &crate::keys::Key)> = match &kid {
            Some(kid) => vec![ring
                .find(kid)
                .ok_or_else(|| Error::new(ErrorCode::UnknownKey, "no configured key has the token's kid"))?],
            None => ring.keys().iter().enumerate().collect(),
        };
        let (Ok(iv), Ok(tag)) = (<[u8; IV_BYTES]>::try_from(iv), <[u8; TAG_BYTES]>::try_from(tag)) else {
            // A wrong length cannot decrypt: say so before any work.
            return Err(Error::new(ErrorCode::Decrypt, "a JWE's IV is 96 bits and its tag 128 bits"));
        };
        let cost = h64.len().saturating_add(ciphertext.len()).saturating_mul(candidates.len());
        if cost > *budget {
            *budget = 0;
            return Err(Error::new(
                ErrorCode::TooLarge,
                "the request's session cookies need more decryption than one request may do",
            ));
        }
        *budget -= cost;
        let (key_index, plaintext) = candidates
            .into_iter()
            .find_map(|(index, key)| {
                key.content_key().open(&iv, h64.as_bytes(), &ciphertext, &tag).ok().map(|text| (index, text))
            })
            .ok_or_else(|| Error::new(ErrorCode::Decrypt, "the session does not decrypt with any configured key"))?;
        let claims: Claims = parse_object(&plaintext, "payload")?;
        Ok(Opened { kid, claims, key_index })
    }
}

#[cfg(all(test, feature = "encrypted"))]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::b64::{b64_encode, decode_segment};
    use serde_json::json;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";
    const OLD: &str = "an old secret that is long enough..";

    fn claims() -> crate::jwt::Claims {
        json!({"user": "ada", "iat": 1000, "exp": 2000}).as_object().unwrap().clone()
    }

    fn ring() -> KeyRing {
        KeyRing::new(SECRET).unwrap()
    }

    fn code(token: &str) -> ErrorCode {
        decrypt(token, &ring(), &Validation::default(), 1500).unwrap_err().code()
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }

    fn vector(json: &str) -> serde_json::Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn hkdf_sha256_gives_rfc5869_test_cases_1_to_3() {
        let data = vector(include_str!("../tests/data/hkdf_sha256_rfc5869.json"));
        let cases = data["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 3);
        for (i, case) in cases.iter().enumerate() {
            let mut okm = vec![0u8; case["length"].as_u64().unwrap() as usize];
            let text = |name: &str| hex(case[name].as_str().unwrap());
            hkdf_sha256(&text("salt"), &text("ikm"), &text("info"), &mut okm).unwrap();
            assert_eq!(okm, text("okm"), "case {i} ({})", case["name"]);
        }
    }

    #[test]
    fn a256gcm_gives_rfc7516_appendix_a1_content_encryption() {
        let v = vector(include_str!("../tests/data/jwe_a256gcm_rfc7516_appendix_a1.json"));
        let field = |name: &str| v[name].as_str().unwrap();
        let key = ContentKey::from_bytes(&hex(field("cek"))).unwrap();
        let iv: [u8; IV_BYTES] = decode_segment(field("iv")).unwrap().try_into().unwrap();
        // The AAD is the ASCII of the encoded protected header, as in our tokens.
        let (ciphertext, tag) = key.seal(&iv, field("protected").as_bytes(), field("plaintext").as_bytes()).unwrap();
        assert_eq!(b64_encode(&ciphertext), field("ciphertext"));
        assert_eq!(b64_encode(&tag), field("tag"));
        assert_eq!(
            key.open(&iv, field("protected").as_bytes(), &ciphertext, &tag).unwrap(),
            field("plaintext").as_bytes()
        );
    }

    #[test]
    fn rfc7520_section_5_6_direct_encryption_as_far_as_it_applies() {
        // §5.6 uses `dir` with A128GCM (a 16-byte key), which this library neither writes nor
        // accepts. What applies: the layout (protected header as the AAD, an empty encrypted key,
        // IV, ciphertext, tag) and the AES-GCM step, checked with AES-128-GCM from the same crate;
        // and our reader refuses the token for its `enc`, before trying any key.
        use aes_gcm::aead::{AeadInOut, KeyInit};
        let v = vector(include_str!("../tests/data/jwe_dir_a128gcm_rfc7520_section_5_6.json"));
        let field = |name: &str| v[name].as_str().unwrap();
        let parts: Vec<&str> = field("compact").split('.').collect();
        assert_eq!((parts.len(), parts[1]), (5, ""));
        let header: serde_json::Value = serde_json::from_slice(&decode_segment(parts[0]).unwrap()).unwrap();
        assert_eq!(header, json!({"alg": "dir", "kid": field("kid"), "enc": "A128GCM"}));
        let cipher = aes_gcm::Aes128Gcm::new_from_slice(&decode_segment(field("key")).unwrap()).unwrap();
        let iv: [u8; IV_BYTES] = decode_segment(parts[2]).unwrap().try_into().unwrap();
        let mut buffer = field("plaintext").as_bytes().to_vec();
        let tag = cipher
            .encrypt_inout_detached(&aes_gcm::Nonce::from(iv), parts[0].as_bytes(), buffer.as_mut_slice().into())
            .unwrap();
        let tag: [u8; TAG_BYTES] = tag.into();
        assert_eq!(
            format!("{}..{}.{}.{}", parts[0], parts[2], b64_encode(&buffer), b64_encode(&tag)),
            field("compact")
        );
        assert_eq!(code(field("compact")), ErrorCode::UnsupportedAlgorithm);
    }

    #[test]
    fn a_token_round_trips_and_names_its_key_only_with_several() {
        let token = encrypt(&claims(), &ring()).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(decode_segment(parts[0]).unwrap(), br#"{"alg":"dir","enc":"A256GCM"}"#);
        assert_eq!(parts[1], "");
        assert_eq!(decode_segment(parts[2]).unwrap().len(), IV_BYTES);
        assert_eq!(decode_segment(parts[4]).unwrap().len(), TAG_BYTES);
        let v = decrypt(&token, &ring(), &Validation::default(), 1500).unwrap();
        assert_eq!((v.claims, v.key_index, v.header.alg, v.header.kid), (claims(), 0, None, None));

        let rotated = KeyRing::new(SECRET).unwrap().with_previous(OLD).unwrap();
        let token = encrypt(&claims(), &rotated).unwrap();
        let header = String::from_utf8(decode_segment(token.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header, format!(r#"{{"alg":"dir","enc":"A256GCM","kid":"{}"}}"#, rotated.current().kid()));
    }

    #[test]
    fn a_previous_secret_decrypts_and_reports_its_index() {
        let old = KeyRing::new(OLD).unwrap();
        let token = encrypt(&claims(), &old).unwrap();
        let rotated = KeyRing::new(SECRET).unwrap().with_previous(OLD).unwrap();
        assert_eq!(decrypt(&token, &rotated, &Validation::default(), 1500).unwrap().key_index, 1);
        assert_eq!(code(&token), ErrorCode::Decrypt);
        // Named by kid: found by it, or refused without trying any key.
        let with_kid = encrypt(&claims(), &KeyRing::new(OLD).unwrap().with_previous(SECRET).unwrap()).unwrap();
        assert_eq!(decrypt(&with_kid, &rotated, &Validation::default(), 1500).unwrap().key_index, 1);
        assert_eq!(code(&with_kid), ErrorCode::UnknownKey);
    }

    #[test]
    fn tampering_with_each_segment_is_refused_with_its_code() {
        let token = encrypt(&claims(), &ring()).unwrap();
        let parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let with = |i: usize, value: String| {
            let mut p = parts.clone();
            p[i] = value;
            p.join(".")
        };
        let flip = |segment: &str| {
            let mut bytes = decode_segment(segment).unwrap();
            bytes[0] ^= 1;
            b64_encode(&bytes)
        };
        // The header is the AAD: a header with another member, still dir/A256GCM, fails the tag.
        let other_header = b64_encode(br#"{"alg":"dir","enc":"A256GCM","typ":"JWT"}"#);
        assert_eq!(code(&with(0, other_header)), ErrorCode::Decrypt);
        assert_eq!(code(&with(0, b64_encode(br#"{"alg":"dir","enc":"A128GCM"}"#))), ErrorCode::UnsupportedAlgorithm);
        assert_eq!(code(&with(1, b64_encode(&[0u8; 32]))), ErrorCode::Malformed);
        assert_eq!(code(&with(2, flip(&parts[2]))), ErrorCode::Decrypt);
        assert_eq!(code(&with(2, b64_encode(&[0u8; 16]))), ErrorCode::Decrypt);
        assert_eq!(code(&with(3, flip(&parts[3]))), ErrorCode::Decrypt);
        assert_eq!(code(&with(4, flip(&parts[4]))), ErrorCode::Decrypt);
        assert_eq!(code(&with(4, b64_encode(&[0u8; 12]))), ErrorCode::Decrypt);
        for i in 0..5 {
            assert_eq!(code(&with(i, "*".into())), ErrorCode::BadBase64, "segment {i}");
        }
    }

    #[test]
    fn headers_other_than_dir_a256gcm_are_refused() {
        let key = ring().current().content_key().clone();
        let token_with = |header: &str| {
            let protected = b64_encode(header.as_bytes());
            let (ct, tag) = key.seal(&[9u8; 12], protected.as_bytes(), br#"{"exp":2000}"#).unwrap();
            format!("{protected}..{}.{}.{}", b64_encode(&[9u8; 12]), b64_encode(&ct), b64_encode(&tag))
        };
        assert!(decrypt(&token_with(r#"{"alg":"dir","enc":"A256GCM"}"#), &ring(), &Validation::default(), 1500).is_ok());
        for (header, want) in [
            (r#"{"alg":"DIR","enc":"A256GCM"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"A256KW","enc":"A256GCM"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"none","enc":"A256GCM"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"enc":"A256GCM"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"dir","enc":"A256CBC-HS512"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"dir","enc":"a256gcm"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"dir"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"dir","enc":"A256GCM","zip":"DEF"}"#, ErrorCode::UnsupportedAlgorithm),
            (r#"{"alg":"dir","enc":"A256GCM","crit":["exp"]}"#, ErrorCode::Malformed),
            (r#"{"alg":"dir","enc":"A256GCM","crit":null}"#, ErrorCode::Malformed),
            (r#"{"alg":"dir","enc":"A256GCM","typ":"JOSE"}"#, ErrorCode::Malformed),
            (r#"{"alg":"dir","enc":"A256GCM","kid":7}"#, ErrorCode::Malformed),
            (r#"{"alg":"dir","enc":"A256GCM","kid":"AAAAAAAAAAA"}"#, ErrorCode::UnknownKey),
            (r#"{"alg":"dir","alg":"dir","enc":"A256GCM"}"#, ErrorCode::BadJson),
            (r#"["dir"]"#, ErrorCode::BadJson),
        ] {
            assert_eq!(code(&token_with(header)), want, "{header}");
        }
    }

    #[test]
    fn the_plaintext_passes_the_same_claim_checks_as_a_jws() {
        let key = ring().current().content_key().clone();
        let token_of = |plaintext: &[u8]| key.encrypt_with_iv(plaintext, None, &[5u8; 12]).unwrap();
        assert_eq!(code(&token_of(br#"{"exp":1000}"#)), ErrorCode::Expired);
        assert_eq!(code(&token_of(br#"{"user":"ada"}"#)), ErrorCode::MissingExp);
        assert_eq!(code(&token_of(br#"{"exp":2000,"nbf":9999}"#)), ErrorCode::NotYetValid);
        assert_eq!(code(&token_of(br#"{"exp":2000,"iat":9999}"#)), ErrorCode::IssuedInFuture);
        assert_eq!(code(&token_of(br#"[1,2]"#)), ErrorCode::BadJson);
        assert_eq!(code(&token_of(b"")), ErrorCode::BadJson);
        assert_eq!(code(&token_of(b"\xff{}")), ErrorCode::BadJson);
        let lifetime = Validation { absolute_lifetime_secs: Some(100), ..Validation::default() };
        let old = token_of(br#"{"exp":2000,"orig_iat":1000}"#);
        assert_eq!(decrypt(&old, &ring(), &lifetime, 1500).unwrap_err().code(), ErrorCode::LifetimeExceeded);
    }

    #[test]
    fn sizes_and_shapes_are_refused_before_any_work() {
        let token = encrypt(&claims(), &ring()).unwrap();
        let small = Validation { max_token_bytes: token.len() - 1, ..Validation::default() };
        assert_eq!(decrypt(&token, &ring(), &small, 1500).unwrap_err().code(), ErrorCode::TooLarge);
        for shape in ["a.b.c.d", "a.b.c.d.e.f", ".b.c.d.e", "a.b..d.e", "a.b.c.d."] {
            assert_eq!(code(shape), ErrorCode::Malformed, "{shape}");
        }
        // The budget: a token that would need more than what is left is refused, and empties it.
        let mut budget = 10;
        let err = decrypt_within(&token, &ring(), &Validation::default(), 1500, &mut budget).unwrap_err();
        assert_eq!((err.code(), budget), (ErrorCode::TooLarge, 0));
        let mut budget = usize::MAX;
        decrypt_within(&token, &ring(), &Validation::default(), 1500, &mut budget).unwrap();
        let ct_len = decode_segment(token.split('.').nth(3).unwrap()).unwrap().len();
        assert_eq!(usize::MAX - budget, token.split('.').next().unwrap().len() + ct_len);
    }

    #[test]
    fn every_token_gets_a_fresh_iv() {
        let ring = ring();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let token = encrypt(&claims(), &ring).unwrap();
            let iv = token.split('.').nth(2).unwrap().to_owned();
            assert!(seen.insert(iv), "an IV came twice");
        }
    }

    #[test]
    fn errors_carry_no_token_or_secret() {
        let token = encrypt(&claims(), &ring()).unwrap();
        let other = KeyRing::new("another secret of at least thirty-two bytes").unwrap();
        let err = decrypt(&token, &other, &Validation::default(), 1500).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains(&token[..20]) && !text.contains("0123456789") && !text.contains("another"), "{text}");
    }
}
