//! The key ring: one current secret that signs, previous secrets that only verify.
//!
//! The HMAC key schedule (inner and outer padded states) is computed once per key when the ring
//! is built, then cloned per token: a Worker builds its ring once per isolate and pays only the
//! message hashing per request. With the feature `encrypted`, each key also derives its
//! AES-256-GCM content key (HKDF-SHA256, see [`crate::jwe`]) there, once.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Sha256, Sha384, Sha512};

use crate::alg::Algorithm;
use crate::error::{Error, ErrorCode};

/// Shortest secret accepted, in bytes (RFC 7518 §3.2: at least the hash size of HS256).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::keys::{KeyRing, MIN_SECRET_BYTES};
/// KeyRing::new([7u8; MIN_SECRET_BYTES])?;
/// assert!(KeyRing::new([7u8; MIN_SECRET_BYTES - 1]).is_err());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const MIN_SECRET_BYTES: usize = 32;

/// Most keys a ring holds; verifying a token without `kid` tries each one.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::keys::{KeyRing, MAX_KEYS};
/// let mut ring = KeyRing::new([0u8; 32])?;
/// for i in 1..MAX_KEYS {
///     ring = ring.with_previous([i as u8; 32])?;
/// }
/// assert_eq!(ring.len(), MAX_KEYS);
/// // Each key more is one more MAC for every token without `kid`.
/// assert!(ring.with_previous([0xff; 32]).is_err());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
pub const MAX_KEYS: usize = 8;

/// One HMAC secret, ready to sign or verify with HS256, HS384 or HS512.
///
/// Its `Debug` output shows the key id only, never key material.
///
/// # Examples
///
/// ```
/// use worker_jwt_session::keys::Key;
/// let key = Key::new(b"0123456789abcdef0123456789abcdef").unwrap();
/// assert_eq!(key.kid().len(), 11);
/// assert!(!format!("{key:?}").contains("0123456789"));
/// ```
#[derive(Clone)]
pub struct Key {
    kid: String,
    len: usize,
    hs256: Hmac<Sha256>,
    hs384: Hmac<Sha384>,
    hs512: Hmac<Sha512>,
    /// Encrypted mode's key, derived from this secret when the ring is built, never per request.
    #[cfg(feature = "encrypted")]
    content: crate::jwe::ContentKey,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl Key {
    /// Prepares a secret (its raw bytes; a string secret is used as its UTF-8 bytes, as PyJWT
    /// and jose do).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`] when the secret is shorter than [`MIN_SECRET_BYTES`].
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{keys::Key, ErrorCode};
    /// assert_eq!(Key::new(b"short").unwrap_err().code(), ErrorCode::Config);
    /// ```
    pub fn new(secret: &[u8]) -> Result<Key, Error> {
        if secret.len() < MIN_SECRET_BYTES {
            // The length is not said: even that narrows a secret down.
            return Err(Error::config(format!(
                "secret is shorter than {MIN_SECRET_BYTES} bytes (RFC 7518 §3.2); \
                 `openssl rand -base64 32` or `jwt-session keygen` prints a good one"
            )));
        }
        let mac_err = |_| Error::config("HMAC rejected the key");
        let hs256 = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map_err(mac_err)?;
        let hs384 = <Hmac<Sha384> as KeyInit>::new_from_slice(secret).map_err(mac_err)?;
        let hs512 = <Hmac<Sha512> as KeyInit>::new_from_slice(secret).map_err(mac_err)?;
        // The key id is a MAC of a fixed label, not a hash of the key: it identifies the key
        // without giving an attacker an unkeyed digest of it to test guesses against offline.
        let mut id = hs256.clone();
        id.update(b"worker-jwt-session key id");
        let tag = id.finalize().into_bytes();
        let kid = crate::b64::b64_encode(tag.get(..8).unwrap_or(&tag));
        Ok(Key {
            kid,
            len: secret.len(),
            hs256,
            hs384,
            hs512,
            #[cfg(feature = "encrypted")]
            content: crate::jwe::ContentKey::derive(secret)?,
        })
    }

    /// The key id written into the `kid` header when a ring holds several keys: 11 base64url
    /// characters derived from the key, revealing nothing about it.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::keys::Key;
    /// let key = Key::new(b"the new secret, at least thirty-two bytes")?;
    /// // The same for the same secret, in every isolate and after every deploy.
    /// assert_eq!(key.kid(), Key::new(b"the new secret, at least thirty-two bytes")?.kid());
    /// assert_ne!(key.kid(), Key::new(b"the old secret, at least thirty-two bytes")?.kid());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Encrypted mode's AES-256-GCM key of this secret (feature `encrypted`): HKDF-SHA256 of the
    /// secret, derived once when the key was made.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwe::ContentKey, keys::Key};
    /// let secret = b"0123456789abcdef0123456789abcdef";
    /// let key = Key::new(secret)?;
    /// let token = key.content_key().encrypt_with_iv(b"{}", None, &[1u8; 12])?;
    /// assert_eq!(token, ContentKey::derive(secret)?.encrypt_with_iv(b"{}", None, &[1u8; 12])?);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    #[cfg(feature = "encrypted")]
    pub fn content_key(&self) -> &crate::jwe::ContentKey {
        &self.content
    }

    /// Length of the secret in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, keys::Key};
    /// let key = Key::new(&[7u8; 48])?;
    /// // Long enough for HS384, not for HS512.
    /// assert!(key.secret_len() >= Algorithm::HS384.mac_len());
    /// assert!(key.secret_len() < Algorithm::HS512.mac_len());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn secret_len(&self) -> usize {
        self.len
    }

    /// The MAC of `input` under `alg`.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, keys::Key};
    /// let key = Key::new(b"a secret of at least thirty-two bytes!!")?;
    /// let mac = key.sign(Algorithm::HS384, b"header.payload");
    /// assert_eq!(mac.len(), Algorithm::HS384.mac_len());
    /// assert!(key.verify(Algorithm::HS384, b"header.payload", &mac));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn sign(&self, alg: Algorithm, input: &[u8]) -> Vec<u8> {
        match alg {
            Algorithm::HS256 => mac_bytes(self.hs256.clone(), input),
            Algorithm::HS384 => mac_bytes(self.hs384.clone(), input),
            Algorithm::HS512 => mac_bytes(self.hs512.clone(), input),
        }
    }

    /// Whether `signature` is the MAC of `input` under `alg`, compared in constant time.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, keys::Key};
    /// let key = Key::new(b"a secret of at least thirty-two bytes!!")?;
    /// let mac = key.sign(Algorithm::HS256, b"header.payload");
    /// assert!(key.verify(Algorithm::HS256, b"header.payload", &mac));
    /// // Any change to the input fails, and so does a MAC cut short.
    /// assert!(!key.verify(Algorithm::HS256, b"header.payload!", &mac));
    /// assert!(!key.verify(Algorithm::HS256, b"header.payload", &mac[..16]));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn verify(&self, alg: Algorithm, input: &[u8], signature: &[u8]) -> bool {
        match alg {
            Algorithm::HS256 => mac_verify(self.hs256.clone(), input, signature),
            Algorithm::HS384 => mac_verify(self.hs384.clone(), input, signature),
            Algorithm::HS512 => mac_verify(self.hs512.clone(), input, signature),
        }
    }
}

fn mac_bytes<M: Mac>(mut mac: M, input: &[u8]) -> Vec<u8> {
    mac.update(input);
    mac.finalize().into_bytes().to_vec()
}

fn mac_verify<M: Mac>(mut mac: M, input: &[u8], signature: &[u8]) -> bool {
    mac.update(input);
    // verify_slice checks the length first, then compares in constant time.
    mac.verify_slice(signature).is_ok()
}

/// The current key (signs and verifies) followed by previous keys (verify only).
///
/// # Examples
///
/// ```
/// use worker_jwt_session::keys::KeyRing;
/// let ring = KeyRing::new(b"new secret, at least thirty-two bytes long")?
///     .with_previous(b"old secret, at least thirty-two bytes long")?;
/// assert_eq!(ring.len(), 2);
/// assert!(ring.writes_kid());
/// # Ok::<(), worker_jwt_session::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct KeyRing {
    keys: Vec<Key>,
}

impl KeyRing {
    /// A ring with one key, the one that signs.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`] when the secret is shorter than [`MIN_SECRET_BYTES`].
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{keys::KeyRing, ErrorCode};
    /// assert_eq!(KeyRing::new("a secret of at least thirty-two bytes!!")?.len(), 1);
    /// let short = KeyRing::new("too short").map(|_| ()).map_err(|e| e.code());
    /// assert_eq!(short, Err(ErrorCode::Config));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn new(current: impl AsRef<[u8]>) -> Result<KeyRing, Error> {
        Ok(KeyRing { keys: vec![Key::new(current.as_ref())?] })
    }

    /// Adds a previous key: tokens it signed still verify, and get re-signed with the current key.
    /// A secret equal to one already in the ring is ignored.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::Config`] when the secret is too short or the ring already holds
    /// [`MAX_KEYS`] keys.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::keys::KeyRing;
    /// let ring = KeyRing::new("the new secret, at least thirty-two bytes")?.with_previous("the old secret, at least thirty-two bytes")?;
    /// assert_eq!(ring.len(), 2);
    /// // The newest secret still signs.
    /// assert_eq!(ring.current().kid(), KeyRing::new("the new secret, at least thirty-two bytes")?.current().kid());
    /// // Listing an old secret twice (in two bindings, say) adds nothing.
    /// assert_eq!(ring.with_previous("the old secret, at least thirty-two bytes")?.len(), 2);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn with_previous(mut self, secret: impl AsRef<[u8]>) -> Result<KeyRing, Error> {
        let key = Key::new(secret.as_ref())
            .map_err(|e| Error::new(ErrorCode::Config, format!("previous {}", e.message())))?;
        if self.keys.iter().any(|k| k.kid == key.kid) {
            return Ok(self);
        }
        if self.keys.len() >= MAX_KEYS {
            return Err(Error::config(format!("at most {MAX_KEYS} keys (current and previous) are supported")));
        }
        self.keys.push(key);
        Ok(self)
    }

    /// The key that signs.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{jwt::Algorithm, keys::{Key, KeyRing}};
    /// let ring = KeyRing::new("the new secret, at least thirty-two bytes")?.with_previous("the old secret, at least thirty-two bytes")?;
    /// let mac = ring.current().sign(Algorithm::HS256, b"input");
    /// // New tokens are signed with the newest secret, whatever else the ring holds.
    /// assert!(Key::new(b"the new secret, at least thirty-two bytes")?.verify(Algorithm::HS256, b"input", &mac));
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn current(&self) -> &Key {
        // A ring is never empty: `new` puts the current key first and nothing removes it.
        #[allow(clippy::indexing_slicing)]
        &self.keys[0]
    }

    /// Every key, current first; the index is what [`crate::jwt::Verified::key_index`] reports.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::{claims::Validation, jwt::{self, Algorithm, Claims}, keys::KeyRing};
    /// let old = KeyRing::new("the old secret, at least thirty-two bytes")?;
    /// let mut claims = Claims::new();
    /// claims.insert("exp".into(), 2000.into());
    /// let token = jwt::sign(&claims, &old, Algorithm::HS256)?;
    /// let ring = KeyRing::new("the new secret, at least thirty-two bytes")?.with_previous("the old secret, at least thirty-two bytes")?;
    /// let verified = jwt::verify(&token, &ring, &Validation::default(), 1000)?;
    /// // `key_index` points into `keys()`: here at the previous key.
    /// assert_eq!(verified.key_index, 1);
    /// assert_eq!(ring.keys()[verified.key_index].kid(), old.current().kid());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The key with this id and its index.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::keys::KeyRing;
    /// let ring = KeyRing::new("the new secret, at least thirty-two bytes")?.with_previous("the old secret, at least thirty-two bytes")?;
    /// let old_kid = KeyRing::new("the old secret, at least thirty-two bytes")?.current().kid().to_owned();
    /// assert_eq!(ring.find(&old_kid).map(|(index, _)| index), Some(1));
    /// // A token naming a key the ring lacks is refused without trying any.
    /// assert!(ring.find("AAAAAAAAAAA").is_none());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn find(&self, kid: &str) -> Option<(usize, &Key)> {
        self.keys.iter().enumerate().find(|(_, k)| k.kid == kid)
    }

    /// Number of keys.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::keys::KeyRing;
    /// assert_eq!(KeyRing::new("the new secret, at least thirty-two bytes")?.with_previous("the old secret, at least thirty-two bytes")?.len(), 2);
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a ring has at least its current key.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::keys::KeyRing;
    /// // There is no way to build a ring without its current key.
    /// assert!(!KeyRing::new("a secret of at least thirty-two bytes!!")?.is_empty());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether tokens carry a `kid` header: only when there is more than one key to choose from,
    /// so single-key tokens stay byte-identical to PyJWT's.
    ///
    /// # Examples
    ///
    /// ```
    /// use worker_jwt_session::keys::KeyRing;
    /// assert!(!KeyRing::new("the new secret, at least thirty-two bytes")?.writes_kid());
    /// // With a previous key, tokens name their key so that verifying tries one, not all.
    /// assert!(KeyRing::new("the new secret, at least thirty-two bytes")?.with_previous("the old secret, at least thirty-two bytes")?.writes_kid());
    /// # Ok::<(), worker_jwt_session::Error>(())
    /// ```
    pub fn writes_kid(&self) -> bool {
        self.keys.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &[u8] = b"0123456789abcdef0123456789abcdef";
    const B: &[u8] = b"fedcba9876543210fedcba9876543210";

    #[test]
    fn secrets_under_32_bytes_are_refused() {
        let err = KeyRing::new(&A[..31]).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Config);
        assert!(err.message().contains("shorter than 32 bytes") && !err.message().contains("31"));
        assert!(KeyRing::new(A).is_ok());
        assert_eq!(KeyRing::new(A).unwrap().with_previous(b"x").unwrap_err().code(), ErrorCode::Config);
    }

    #[test]
    fn kid_is_stable_distinct_and_not_the_key() {
        let a = Key::new(A).unwrap();
        assert_eq!(a.kid(), Key::new(A).unwrap().kid());
        assert_ne!(a.kid(), Key::new(B).unwrap().kid());
        assert!(!a.kid().contains("0123"));
    }

    #[test]
    fn debug_prints_no_key_material() {
        let dbg = format!("{:?}", KeyRing::new(A).unwrap());
        assert!(!dbg.contains("0123456789"), "{dbg}");
    }

    #[test]
    fn hs256_matches_rfc4231_case_2_shape() {
        // RFC 4231 test case 6 uses a 131-byte key (longer than the block): it is hashed first.
        let key = Key::new(&[0xaa; 131]).unwrap();
        let mac = key.sign(Algorithm::HS256, b"Test Using Larger Than Block-Size Key - Hash Key First");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn previous_keys_verify_and_duplicates_are_ignored() {
        let ring = KeyRing::new(A).unwrap().with_previous(B).unwrap().with_previous(A).unwrap();
        assert_eq!(ring.len(), 2);
        let b = Key::new(B).unwrap();
        assert_eq!(ring.find(b.kid()).map(|(i, _)| i), Some(1));
        let sig = b.sign(Algorithm::HS384, b"msg");
        assert!(ring.keys()[1].verify(Algorithm::HS384, b"msg", &sig));
        assert!(!ring.current().verify(Algorithm::HS384, b"msg", &sig));
        assert!(!ring.keys()[1].verify(Algorithm::HS384, b"msg", &sig[..47]));
    }
}
