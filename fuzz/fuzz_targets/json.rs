//! Arbitrary bytes -> the JSON parser and the JSON redactor.
//!
//! - The parser agrees with serde_json on what is JSON (except where the
//!   RFC allows what serde_json refuses: lone surrogate escapes, and the
//!   depth limit's exact edge).
//! - Redacting any document stanch accepts gives JSON that serde_json
//!   accepts, of the same shape (same keys in order, same array lengths).
//! - The bytes are also put inside a document as a string value under a
//!   secret key, a plain key and as a string holding JSON, to reach
//!   escapes, nested walking and truncation.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::redactor;
use serde_json::Value;
use stanch_redact::structured::parse::{parse, Kind, Node};
use stanch_redact::structured::{JsonRedactor, JsonScratch, SecretKeys};

fn shape(doc: &[u8]) -> Vec<(Kind, Option<Vec<u8>>, usize)> {
    let mut nodes: Vec<Node> = Vec::new();
    parse(doc, &mut nodes).expect("redacted output parses");
    nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let kind = match n.kind {
                Kind::Object | Kind::Array => n.kind,
                _ => Kind::Literal,
            };
            // Keys may hold findings (an email as a key); compare positions.
            (kind, n.key.map(|_| Vec::new()), n.after - i)
        })
        .collect()
}

fn depth(doc: &[u8]) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in doc {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                d += 1;
                max = max.max(d);
            }
            b'}' | b']' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn check_redaction(doc: &[u8], max_field: Option<usize>) {
    let r = redactor();
    let keys = SecretKeys::default();
    let jr = JsonRedactor::new(r, &keys).max_field_bytes(max_field);
    let mut s = JsonScratch::new(r);
    let mut out = Vec::new();
    if jr.redact(doc, &mut s, &mut out, None).is_err() {
        return;
    }
    if let Err(e) = serde_json::from_slice::<Value>(&out) {
        // serde_json refuses lone surrogates the input may already hold.
        let lone = memchr::memmem::find(&doc.to_ascii_lowercase(), b"\\ud").is_some();
        assert!(lone, "redacted output is not JSON: {e}");
    }
    assert_eq!(shape(doc.trim_ascii()), shape(out.trim_ascii()), "shape changed");
}

fn json_string(data: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(data);
    serde_json::to_vec(&Value::String(s.into_owned())).unwrap()
}

fuzz_target!(|data: &[u8]| {
    let data = &data[..data.len().min(1 << 15)];
    let mine = parse(data, &mut Vec::new()).is_ok();
    let theirs = serde_json::from_slice::<Value>(data).is_ok();
    let lone = memchr::memmem::find(&data.to_ascii_lowercase(), b"\\ud").is_some();
    let deep = depth(data) >= 120;
    if !deep {
        if theirs {
            assert!(mine, "serde_json accepts what stanch refuses");
        }
        if mine && !lone {
            assert!(theirs, "stanch accepts what serde_json refuses");
        }
    }
    check_redaction(data, None);
    // The bytes as string values: plain, under a secret key, and as a
    // string holding JSON (walked recursively); cut to 16 bytes too.
    let s = json_string(data);
    let mut doc = b"{\"msg\":".to_vec();
    doc.extend_from_slice(&s);
    doc.extend_from_slice(b",\"password\":");
    doc.extend_from_slice(&s);
    doc.extend_from_slice(b",\"nested\":");
    doc.extend_from_slice(&json_string(&doc.clone()));
    doc.extend_from_slice(b",\"raw\":");
    doc.extend_from_slice(if mine { data } else { b"null" });
    doc.push(b'}');
    check_redaction(&doc, None);
    check_redaction(&doc, Some(16));
});
