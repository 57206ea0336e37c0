//! The hash chain. Record `n` stores `prev_hash` (record `n-1`'s hash, or
//! a prune checkpoint's) and `hash = MAC(seq, prev_hash, canonical text)`.
//!
//! With the user's stanch key the MAC is HMAC-SHA256 (through
//! [`stanch_redact::Key::mac`], length-prefixed parts): someone with write
//! access to the database but without the key cannot re-forge a chain
//! after editing it. Without a stable key (quick start with a per-run key)
//! the chain is plain SHA-256: it still catches accidental damage and
//! careless edits, not a forger who recomputes it. The mode is fixed when
//! the store is created and kept in its `meta` table.

use sha2::{Digest, Sha256};
use stanch_redact::Key;

/// `prev_hash` of the first record of a fresh store.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How records are chained.
#[derive(Clone)]
pub enum Chain {
    /// HMAC-SHA256 under the user's key.
    Keyed(Key),
    /// Plain SHA-256 (no stable key).
    Plain,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.mode())
    }
}

impl Chain {
    /// `hmac-sha256` or `sha256` (the `meta.chain` value).
    pub fn mode(&self) -> &'static str {
        match self {
            Chain::Keyed(_) => "hmac-sha256",
            Chain::Plain => "sha256",
        }
    }

    /// MAC over length-prefixed parts, hex.
    pub fn digest(&self, parts: &[&[u8]]) -> String {
        match self {
            Chain::Keyed(k) => hex::encode(k.mac(parts)),
            Chain::Plain => {
                let mut h = Sha256::new();
                for p in parts {
                    h.update((p.len() as u64).to_le_bytes());
                    h.update(p);
                }
                hex::encode(h.finalize())
            }
        }
    }

    /// The hash of record `seq`.
    pub fn record_hash(&self, seq: u64, prev_hash: &str, canonical: &str) -> String {
        self.digest(&[
            b"stanch audit record v1",
            &seq.to_le_bytes(),
            prev_hash.as_bytes(),
            canonical.as_bytes(),
        ])
    }

    /// The MAC over the head row (last seq and hash).
    pub fn head_mac(&self, seq: u64, hash: &str) -> String {
        self.digest(&[b"stanch audit head v1", &seq.to_le_bytes(), hash.as_bytes()])
    }

    /// A short value that tells whether a verifier holds the writer's key
    /// (a MAC of a constant: reveals nothing about the key).
    pub fn key_check(&self) -> String {
        self.digest(&[b"stanch audit key check v1"])[..16].to_string()
    }
}

/// SHA-256 of bytes, hex (request body hashes).
pub fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_differs_from_plain_and_by_key() {
        let a = Chain::Keyed(Key::parse(&[b'a'; 32]).unwrap());
        let b = Chain::Keyed(Key::parse(&[b'b'; 32]).unwrap());
        let p = Chain::Plain;
        let h = |c: &Chain| c.record_hash(1, GENESIS, "{}");
        assert_ne!(h(&a), h(&b));
        assert_ne!(h(&a), h(&p));
        assert_eq!(h(&p), h(&Chain::Plain));
        assert_ne!(p.record_hash(2, GENESIS, "{}"), h(&p));
        assert_eq!(a.key_check().len(), 16);
        assert!(!format!("{a:?}").contains("aaaa"));
    }
}
