//! Arbitrary bytes -> the decoding extension (base64, URL-encoding, JSON
//! escapes), alone and inside a full scan.
//!
//! The input is tried as is and wrapped in each encoding (base64 after
//! `Basic `, percent-encoded, JSON-escaped in a string), so the fuzzer
//! reaches nested decoding. Findings must be non-empty and in bounds; the
//! full scan's findings sorted with containment resolved.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stanch_engine::{pack, Extension, Finding, RuleDb};
use stanch_redact::decode::Decoder;
use std::sync::{Arc, OnceLock};

fn db() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| {
        pack::builtin()
            .expect("built-in pack compiles")
            .with_extension(Arc::new(Decoder::default()))
    })
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(data: &[u8]) -> Vec<u8> {
    let mut out = b"Authorization: Basic ".to_vec();
    for c in data.chunks(3) {
        let n = c.iter().enumerate().fold(0u32, |a, (i, &b)| a | (b as u32) << (16 - 8 * i));
        for i in 0..=c.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize]);
        }
    }
    out
}

fn percent(data: &[u8]) -> Vec<u8> {
    let mut out = b"GET /?q=".to_vec();
    for &b in data {
        if b.is_ascii_alphanumeric() {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

fn json(data: &[u8]) -> Vec<u8> {
    let mut out = b"{\"m\":\"".to_vec();
    for &b in data {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x20..=0x7e => out.push(b),
            _ => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
        }
    }
    out.extend_from_slice(b"\"}");
    out
}

fn check(data: &[u8]) {
    let db = db();
    let mut direct = Vec::new();
    Decoder::default().find(db, data, &mut db.scratch(), &mut direct);
    for f in &direct {
        assert!(f.start < f.end && f.end <= data.len(), "bad span {f:?}");
        assert!(f.rule.index() < db.len());
    }
    let mut scratch = db.scratch();
    let mut found: Vec<Finding> = Vec::new();
    db.scan(data, &mut scratch, &mut found);
    for f in &found {
        assert!(f.start < f.end && f.end <= data.len(), "bad span {f:?}");
    }
    for w in found.windows(2) {
        assert!(w[0].start < w[1].start && w[0].end < w[1].end, "{w:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let data = &data[..data.len().min(1 << 16)];
    check(data);
    check(&base64(data));
    check(&percent(data));
    check(&json(data));
});
