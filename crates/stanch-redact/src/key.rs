//! The user's key for fingerprints and pseudonyms. All keyed hashing in stanch
//! goes through this module: HMAC-SHA256 under a 256-bit key, so a short
//! secret cannot be recovered from its fingerprint by brute force without the key.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// A 256-bit key. `Debug` never shows it; memory is zeroed on drop.
#[derive(Clone)]
pub struct Key {
    bytes: Zeroizing<[u8; 32]>,
    origin: KeyOrigin,
}

/// Where the key came from (reported to users, never the key itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// Given by the user (env, file or config): stable across runs.
    User,
    /// Made up for this process: pseudonyms are consistent within one run only.
    Ephemeral,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key(<redacted>, {:?})", self.origin)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("key is too short: give 64 hex characters (as written by `stanch key new`) or a passphrase of at least 16 bytes")]
    TooShort,
}

impl Key {
    /// Parses key material: 64 hex characters are the key itself; any other
    /// text of at least 16 bytes is a passphrase, stretched with HMAC-SHA256.
    /// Surrounding whitespace (a trailing newline in a key file) is ignored.
    pub fn parse(material: &[u8]) -> Result<Key, KeyError> {
        let t = material.trim_ascii();
        let mut bytes = Zeroizing::new([0u8; 32]);
        if t.len() == 64 && hex::decode_to_slice(t, &mut bytes[..]).is_ok() {
            return Ok(Key {
                bytes,
                origin: KeyOrigin::User,
            });
        }
        if t.len() < 16 {
            return Err(KeyError::TooShort);
        }
        let mut mac =
            HmacSha256::new_from_slice(b"stanch passphrase key v1").expect("any key length");
        mac.update(t);
        bytes.copy_from_slice(&mac.finalize().into_bytes());
        Ok(Key {
            bytes,
            origin: KeyOrigin::User,
        })
    }

    /// A random key for this process only.
    pub fn ephemeral() -> Key {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut bytes[..]).expect("operating system random source");
        Key {
            bytes,
            origin: KeyOrigin::Ephemeral,
        }
    }

    /// A new random key, as 64 lowercase hex characters (for `stanch key new`).
    pub fn generate_hex() -> Zeroizing<String> {
        let k = Key::ephemeral();
        Zeroizing::new(hex::encode(&k.bytes[..]))
    }

    pub fn origin(&self) -> KeyOrigin {
        self.origin
    }

    /// HMAC-SHA256 over the parts, each length-prefixed so that part
    /// boundaries cannot be shifted to forge a collision.
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut mac = HmacSha256::new_from_slice(&self.bytes[..]).expect("32-byte key");
        for p in parts {
            mac.update(&(p.len() as u64).to_le_bytes());
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    /// Keyed fingerprint of a finding: 16 hex characters (64 bits).
    pub fn fingerprint(&self, rule_id: &str, value: &[u8]) -> String {
        hex::encode(&self.mac(&[b"fingerprint", rule_id.as_bytes(), value])[..8])
    }

    /// Keyed pseudonym digest: 8 hex characters, stable for (tenant, label, value).
    pub fn pseudonym(&self, tenant: &str, label: &str, normalized: &[u8]) -> String {
        hex::encode(
            &self.mac(&[
                b"pseudonym",
                tenant.as_bytes(),
                label.as_bytes(),
                normalized,
            ])[..4],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let k = Key::parse(b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
            .unwrap();
        let d = format!("{k:?}");
        assert!(!d.contains("0123"), "{d}");
        assert!(d.contains("<redacted>"));
    }

    #[test]
    fn parse_hex_and_passphrase() {
        let hexkey = "aa".repeat(32);
        assert_eq!(
            Key::parse(hexkey.as_bytes()).unwrap().origin(),
            KeyOrigin::User
        );
        assert!(Key::parse(b"correct horse battery staple").is_ok());
        assert_eq!(Key::parse(b"short").unwrap_err(), KeyError::TooShort);
        // Whitespace around the key (file with newline) is ignored.
        let a = Key::parse(format!("{hexkey}\n").as_bytes()).unwrap();
        let b = Key::parse(hexkey.as_bytes()).unwrap();
        assert_eq!(a.fingerprint("r", b"v"), b.fingerprint("r", b"v"));
    }

    #[test]
    fn keyed_and_stable() {
        let a = Key::parse(&[b'a'; 20]).unwrap();
        let b = Key::parse(&[b'b'; 20]).unwrap();
        assert_eq!(a.fingerprint("r", b"secret"), a.fingerprint("r", b"secret"));
        assert_ne!(a.fingerprint("r", b"secret"), b.fingerprint("r", b"secret"));
        assert_ne!(a.fingerprint("r", b"secret"), a.fingerprint("q", b"secret"));
        assert_ne!(
            a.pseudonym("t1", "email", b"x"),
            a.pseudonym("t2", "email", b"x")
        );
        assert_eq!(a.pseudonym("", "email", b"x").len(), 8);
        assert_eq!(a.fingerprint("r", b"x").len(), 16);
        // Length prefixes: moving bytes between parts changes the digest.
        assert_ne!(a.mac(&[b"ab", b"c"]), a.mac(&[b"a", b"bc"]));
    }

    /// Pinned vectors, computed independently (Python `hmac`, SHA-256, each
    /// part prefixed by its length as a little-endian u64): a change in the
    /// derivation changes every pseudonym users have stored, so it must show.
    #[test]
    fn pinned_test_vectors() {
        let hexkey: String = (0u8..32).map(|b| format!("{b:02x}")).collect();
        let k = Key::parse(hexkey.as_bytes()).unwrap();
        assert_eq!(k.pseudonym("acme", "email", b"bob@acme.io"), "a70122d4");
        assert_eq!(k.pseudonym("", "email", b"bob@acme.io"), "6b3158ac");
        assert_eq!(
            k.fingerprint("github-pat", b"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
            "9d1737ebba8d249b"
        );
        let p = Key::parse(b"correct horse battery staple").unwrap();
        assert_eq!(p.pseudonym("acme", "email", b"bob@acme.io"), "fdc3b8e4");
    }

    #[test]
    fn ephemeral_keys_differ() {
        assert_ne!(
            Key::ephemeral().fingerprint("r", b"v"),
            Key::ephemeral().fingerprint("r", b"v")
        );
        assert_eq!(Key::generate_hex().len(), 64);
    }
}
