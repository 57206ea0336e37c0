//! Gateway API keys. A key is 32 random bytes, shown once as
//! `stk_<base64url>`; the keys file keeps only its SHA-256 (a key has 256
//! bits of entropy, so an unkeyed hash cannot be reversed), with the
//! caller's name and role.
//!
//! ```toml
//! [[key]]
//! name = "alice"
//! role = "dev"
//! sha256 = "9f86d0…"
//! created = "2026-12-04T19:00:00Z"
//! ```

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use zeroize::Zeroizing;

/// Prefix of every gateway key.
pub const KEY_PREFIX: &str = "stk_";

/// Who a request comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub roles: Vec<String>,
}

/// One line of the keys file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyRecord {
    pub name: String,
    pub role: String,
    /// Hex SHA-256 of the whole key (`stk_…`).
    pub sha256: String,
    #[serde(default)]
    pub created: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(default)]
    key: Vec<KeyRecord>,
}

/// A problem with a keys file, naming the entry, never a key.
#[derive(Debug, thiserror::Error)]
#[error("keys file: {0}")]
pub struct KeysError(pub String);

/// Hash of a presented key → identity.
#[derive(Clone, Default)]
pub struct KeyStore {
    by_hash: HashMap<[u8; 32], Identity>,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore")
            .field("keys", &self.by_hash.len())
            .finish()
    }
}

fn sha256(b: &[u8]) -> [u8; 32] {
    Sha256::digest(b).into()
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'))
}

impl KeyStore {
    /// Parses a keys file; every bad entry is named in the error.
    pub fn parse(text: &str) -> Result<KeyStore, KeysError> {
        let file: KeysFile =
            toml::from_str(text).map_err(|e| KeysError(e.message().to_string()))?;
        let mut errors = Vec::new();
        let mut by_hash = HashMap::new();
        for (i, k) in file.key.iter().enumerate() {
            let hash = hex::decode(&k.sha256)
                .ok()
                .and_then(|v| <[u8; 32]>::try_from(v).ok());
            let Some(hash) = hash else {
                errors.push(format!(
                    "key[{i}] ({}): sha256 is not 64 hex digits",
                    k.name
                ));
                continue;
            };
            if !valid_name(&k.name) || !valid_name(&k.role) {
                errors.push(format!(
                    "key[{i}]: name and role must be 1-64 of [A-Za-z0-9-_.@]"
                ));
                continue;
            }
            let id = Identity {
                name: k.name.clone(),
                roles: vec![k.role.clone()],
            };
            if by_hash.insert(hash, id).is_some() {
                errors.push(format!(
                    "key[{i}] ({}): the same key is listed twice",
                    k.name
                ));
            }
        }
        if !errors.is_empty() {
            return Err(KeysError(errors.join("; ")));
        }
        Ok(KeyStore { by_hash })
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// The identity holding `presented`, if any.
    pub fn lookup(&self, presented: &[u8]) -> Option<&Identity> {
        if !presented.starts_with(KEY_PREFIX.as_bytes()) {
            return None;
        }
        self.by_hash.get(&sha256(presented))
    }
}

/// Mints a key for `name`/`role`: the key (show it once) and the record to
/// append to the keys file.
pub fn mint(name: &str, role: &str) -> Result<(Zeroizing<String>, KeyRecord), KeysError> {
    let created = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    use base64::Engine as _;
    if !valid_name(name) || !valid_name(role) {
        return Err(KeysError(
            "name and role must be 1-64 of [A-Za-z0-9-_.@]".into(),
        ));
    }
    let mut raw = Zeroizing::new([0u8; 32]);
    getrandom::fill(raw.as_mut()).map_err(|e| KeysError(format!("no randomness: {e}")))?;
    let key = Zeroizing::new(format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw.as_ref())
    ));
    let record = KeyRecord {
        name: name.to_string(),
        role: role.to_string(),
        sha256: hex::encode(sha256(key.as_bytes())),
        created,
    };
    Ok((key, record))
}

/// The TOML of one record, to append to a keys file.
pub fn record_toml(r: &KeyRecord) -> String {
    let file = KeysFile {
        key: vec![r.clone()],
    };
    toml::to_string(&file).unwrap_or_default()
}

/// Records of a keys file (for `stanch keys list`).
pub fn records(text: &str) -> Result<Vec<KeyRecord>, KeysError> {
    let file: KeysFile = toml::from_str(text).map_err(|e| KeysError(e.message().to_string()))?;
    Ok(file.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mint_parse_lookup() {
        let (k1, r1) = mint("alice", "dev").unwrap();
        let (k2, r2) = mint("bob", "admin").unwrap();
        assert!(k1.starts_with(KEY_PREFIX) && k1.len() == 4 + 43);
        let text = record_toml(&r1) + &record_toml(&r2);
        assert!(!text.contains(k1.as_str()));
        let store = KeyStore::parse(&text).unwrap();
        assert_eq!(store.len(), 2);
        assert_eq!(store.lookup(k1.as_bytes()).unwrap().name, "alice");
        assert_eq!(store.lookup(k2.as_bytes()).unwrap().roles, ["admin"]);
        assert!(store.lookup(b"stk_nope").is_none());
        assert!(store.lookup(&k1.as_bytes()[..k1.len() - 1]).is_none());
        assert!(!format!("{store:?}").contains("alice"));
        assert_eq!(records(&text).unwrap().len(), 2);
    }

    #[test]
    fn bad_files_are_refused_with_names() {
        let e = KeyStore::parse("[[key]]\nname = \"a\"\nrole = \"r\"\nsha256 = \"xyz\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("key[0] (a)"), "{e}");
        assert!(KeyStore::parse("[[key]]\nname = \"a\"\nrole = \"r\"\nsha = \"x\"\n").is_err());
        assert!(mint("has space", "dev").is_err());
        let (_, r) = mint("a", "r").unwrap();
        let twice = record_toml(&r) + &record_toml(&r);
        assert!(KeyStore::parse(&twice)
            .unwrap_err()
            .to_string()
            .contains("twice"));
    }
}
