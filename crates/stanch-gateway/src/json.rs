//! An order-preserving JSON value.
//!
//! Bodies are parsed into [`Json`], walked, redacted in place and written
//! back. Objects keep their keys in wire order (and keep duplicate keys, so
//! a body with `"content"` twice is scanned twice, whatever the upstream's
//! parser picks). This type exists instead of `serde_json::Value` with the
//! `preserve_order` feature because that feature is workspace-wide: it would
//! reorder the keys of the CLI's JSON and SARIF reports.
//!
//! Parsing goes through `serde_json`, so its recursion limit (128 levels)
//! bounds the depth of every value: walking and writing cannot overflow the
//! stack.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt;

#[derive(Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Shows the shape only: a body may hold secrets.
impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(_) => f.write_str("<bool>"),
            Json::Number(_) => f.write_str("<number>"),
            Json::String(s) => write!(f, "<string: {} bytes>", s.len()),
            Json::Array(a) => write!(f, "<array: {} items>", a.len()),
            Json::Object(o) => write!(f, "<object: {} keys>", o.len()),
        }
    }
}

impl Json {
    /// Parses a body; `Err` for anything that is not one JSON value.
    pub fn parse(bytes: &[u8]) -> Result<Json, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Compact JSON.
    pub fn to_vec(&self) -> Vec<u8> {
        // Writing a tree of strings, numbers and containers to a Vec cannot
        // fail; an empty body would be refused upstream rather than panic.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The first value under `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(o) => o.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(o) => o.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// `self[key]` as a string.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Json::as_str)
    }

    /// Sets `key` (replacing its first occurrence, or appending).
    pub fn set(&mut self, key: &str, value: Json) {
        if let Json::Object(o) = self {
            match o.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => o.push((key.to_string(), value)),
            }
        }
    }

    pub fn str(s: impl Into<String>) -> Json {
        Json::String(s.into())
    }

    pub fn obj<const N: usize>(pairs: [(&str, Json); N]) -> Json {
        Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(v) => s.serialize_str(v),
            Json::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Json::Object(o) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            out.push((k, v));
        }
        Ok(Json::Object(out))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_duplicates_and_round_trips() {
        let text = r#"{"z":1,"a":[true,null,-2,1.5,"x\"y"],"m":{"b":{},"a":[]},"z":"dup"}"#;
        let v = Json::parse(text.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(v.to_vec()).unwrap(), text);
        assert_eq!(v.get("z"), Some(&Json::Number(1.into())));
    }

    #[test]
    fn refuses_garbage_and_deep_nesting_without_panicking() {
        for bad in ["", "{", "{\"a\":}", "[1,]", "nul", "{\"a\":1}x"] {
            assert!(Json::parse(bad.as_bytes()).is_err(), "{bad}");
        }
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(Json::parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn debug_hides_contents() {
        let v = Json::parse(br#"{"k":"ghp_secretvalue"}"#).unwrap();
        let d = format!("{v:?} {:?}", v.get("k").unwrap());
        assert!(!d.contains("ghp_"), "{d}");
    }
}
