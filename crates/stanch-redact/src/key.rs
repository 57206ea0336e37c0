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
    /// HMAC state with the key already absorbed (the inner and outer pad
    /// blocks hashed once): each MAC starts from a copy of it, two SHA-256
    /// blocks cheaper than keying a new one, which matters at one
    /// fingerprint per finding.
    keyed: KeyedMac,
    origin: KeyOrigin,
}

/// A keyed HMAC state; derived key material, so zeroed on drop like the key.
#[derive(Clone)]
struct KeyedMac(HmacSha256);

impl KeyedMac {
    fn new(key: &[u8; 32]) -> KeyedMac {
        KeyedMac(HmacSha256::new_from_slice(key).expect("any key length"))
    }
}

impl Drop for KeyedMac {
    fn drop(&mut self) {
        // SAFETY: an HMAC-SHA256 state is plain integers and byte arrays
        // (two SHA-256 chaining states, block counters, a block buffer): no
        // pointers, no drop glue, and all-zero bytes are a valid value.
        unsafe { zeroize::zeroize_flat_type(&mut self.0 as *mut HmacSha256) }
    }
}

/// A keyed fingerprint: 16 lowercase hex characters (64 bits), held inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 16]);

impl Fingerprint {
    /// Reads 16 lowercase hex characters (as in reports and baselines).
    pub fn parse(s: &str) -> Option<Fingerprint> {
        let b: [u8; 16] = s.as_bytes().try_into().ok()?;
        b.iter()
            .all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
            .then_some(Fingerprint(b))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits")
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fingerprint({})", self.as_str())
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
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
            return Ok(Key::new(bytes, KeyOrigin::User));
        }
        if t.len() < 16 {
            return Err(KeyError::TooShort);
        }
        let mut mac =
            HmacSha256::new_from_slice(b"stanch passphrase key v1").expect("any key length");
        mac.update(t);
        bytes.copy_from_slice(&mac.finalize().into_bytes());
        Ok(Key::new(bytes, KeyOrigin::User))
    }

    fn new(bytes: Zeroizing<[u8; 32]>, origin: KeyOrigin) -> Key {
        let keyed = KeyedMac::new(&bytes);
        Key {
            bytes,
            keyed,
            origin,
        }
    }

    /// A random key for this process only.
    pub fn ephemeral() -> Key {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut bytes[..]).expect("operating system random source");
        Key::new(bytes, KeyOrigin::Ephemeral)
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
        let mut mac = self.keyed.0.clone();
        for p in parts {
            mac.update(&(p.len() as u64).to_le_bytes());
            mac.update(p);
        }
        mac.finalize().into_bytes().into()
    }

    /// Keyed fingerprint of a finding: 16 hex characters (64 bits).
    pub fn fingerprint(&self, rule_id: &str, value: &[u8]) -> String {
        self.fingerprint_of(rule_id, value).as_str().to_string()
    }

    /// [`fingerprint`](Self::fingerprint) without an allocation.
    pub fn fingerprint_of(&self, rule_id: &str, value: &[u8]) -> Fingerprint {
        let mut out = [0u8; 16];
        hex::encode_to_slice(
            &self.mac(&[b"fingerprint", rule_id.as_bytes(), value])[..8],
            &mut out,
        )
        .expect("16 hex digits for 8 bytes");
        Fingerprint(out)
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
        assert_eq!(
            a.fingerprint_of("r", b"x").as_str(),
            a.fingerprint("r", b"x")
        );
        let fp = a.fingerprint_of("r", b"x");
        assert_eq!(Fingerprint::parse(fp.as_str()), Some(fp));
        assert_eq!(Fingerprint::parse("0123456789ABCDEF"), None);
        assert_eq!(Fingerprint::parse("0123"), None);
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
        assert_eq!(
            k.clone()
                .fingerprint_of("github-pat", b"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")
                .to_string(),
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
