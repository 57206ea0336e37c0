//! Property tests for registered secrets (taint).
//!
//! A random value (arbitrary bytes, or non-ASCII text), registered, then
//! planted in random surrounding text in one encoding (raw, hex, percent-,
//! JSON-escaped, or base64 of prefix + value + suffix in either alphabet,
//! padded or not): redaction replaces exactly the encoded form and leaves no
//! trace of it or of the raw value. Encodings are computed here independently
//! of the implementation (base64 by the base64 crate).

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use stanch_engine::RuleDb;
use stanch_redact::taint::{TaintBuilder, TaintKind, MIN_LEN};
use stanch_redact::{Key, Policy, Redactor};
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn builtin() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| stanch_engine::pack::builtin().unwrap())
}

/// Only the external rules: no pattern rule can touch the text, so the
/// exact output is known.
fn external_only() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| {
        let specs = stanch_engine::pack::builtin_specs()
            .unwrap()
            .into_iter()
            .filter(|s| s.id == "registered-secret" || s.id == "canary-token")
            .collect();
        RuleDb::new(specs).unwrap()
    })
}

fn redactor(base: &RuleDb, value: &[u8]) -> Redactor {
    let mut b = TaintBuilder::new();
    b.add(
        Zeroizing::new(value.to_vec()),
        "prop",
        TaintKind::Registered,
    );
    let (set, warnings) = b.build(base).unwrap();
    assert!(warnings.is_empty());
    let db = base.with_extension(Arc::new(set));
    Redactor::new(db, Key::parse(&[b'k'; 32]).unwrap(), Policy::default())
}

fn redact(r: &Redactor, text: &[u8]) -> Vec<u8> {
    let mut s = r.db().scratch();
    let mut f = Vec::new();
    r.redact(text, &mut s, &mut f).into_owned()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

#[derive(Clone, Debug)]
enum Enc {
    Raw,
    Hex {
        upper: bool,
    },
    Url {
        upper: bool,
    },
    Json {
        slash: bool,
    },
    JsonAscii,
    Base64 {
        engine: u8,
        prefix: Vec<u8>,
        suffix: Vec<u8>,
    },
}

fn enc_strategy() -> impl Strategy<Value = Enc> {
    prop_oneof![
        Just(Enc::Raw),
        any::<bool>().prop_map(|upper| Enc::Hex { upper }),
        any::<bool>().prop_map(|upper| Enc::Url { upper }),
        any::<bool>().prop_map(|slash| Enc::Json { slash }),
        Just(Enc::JsonAscii),
        (
            0u8..4,
            proptest::collection::vec(any::<u8>(), 0..8),
            proptest::collection::vec(any::<u8>(), 0..8)
        )
            .prop_map(|(engine, prefix, suffix)| Enc::Base64 {
                engine,
                prefix,
                suffix
            }),
    ]
}

fn hexs(v: &[u8], upper: bool) -> Vec<u8> {
    let s = hex::encode(v);
    (if upper { s.to_uppercase() } else { s }).into_bytes()
}

fn json_escape(v: &[u8], slash: bool) -> Vec<u8> {
    let mut o = Vec::new();
    for &b in v {
        match b {
            b'"' => o.extend_from_slice(b"\\\""),
            b'\\' => o.extend_from_slice(b"\\\\"),
            b'/' if slash => o.extend_from_slice(b"\\/"),
            b'\n' => o.extend_from_slice(b"\\n"),
            b'\r' => o.extend_from_slice(b"\\r"),
            b'\t' => o.extend_from_slice(b"\\t"),
            0x08 => o.extend_from_slice(b"\\b"),
            0x0c => o.extend_from_slice(b"\\f"),
            0..0x20 => o.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => o.push(b),
        }
    }
    o
}

/// The encoded text to plant, and the part of it that must be gone.
fn encode(v: &[u8], e: &Enc) -> Vec<u8> {
    match e {
        Enc::Raw => v.to_vec(),
        Enc::Hex { upper } => hexs(v, *upper),
        Enc::Url { upper } => {
            let mut o = Vec::new();
            for &b in v {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    o.push(b);
                } else {
                    o.push(b'%');
                    o.extend_from_slice(&hexs(&[b], *upper));
                }
            }
            o
        }
        Enc::Json { slash } => json_escape(v, *slash),
        Enc::JsonAscii => {
            // Python's json.dumps (ensure_ascii); invalid UTF-8 bytes stay.
            let mut o = Vec::new();
            for chunk in v.utf8_chunks() {
                let j = serde_json::to_string(chunk.valid()).unwrap();
                for c in j[1..j.len() - 1].chars() {
                    if c.is_ascii() {
                        o.push(c as u8);
                    } else {
                        let mut u = [0u16; 2];
                        for unit in c.encode_utf16(&mut u) {
                            o.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
                        }
                    }
                }
                o.extend_from_slice(chunk.invalid());
            }
            o
        }
        Enc::Base64 {
            engine,
            prefix,
            suffix,
        } => {
            let data = [&prefix[..], v, &suffix[..]].concat();
            let e = [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD][*engine as usize];
            e.encode(data).into_bytes()
        }
    }
}

/// Surrounding text: characters in no encoding's alphabet, so the expected
/// output is known exactly.
fn surround() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(prop::sample::select(b" \t\n,;:|<>[]{}".to_vec()), 0..24)
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), MIN_LEN..48),
        "\\PC{8,24}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn every_encoding_is_redacted_whole(
        v in value(),
        e in enc_strategy(),
        left in surround(),
        right in surround(),
    ) {
        // The value must differ from surrounding text somewhere, or it
        // would (rightly) be found inside the surroundings too.
        prop_assume!(v.iter().any(|b| !b" \t\n,;:|<>[]{}".contains(b)));
        let planted = encode(&v, &e);
        let text = [&left[..], &planted, &right[..]].concat();

        // Exact output with only the external rules.
        let out = redact(&redactor(external_only(), &v), &text);
        let expected = [&left[..], b"[REDACTED:registered-secret]", &right[..]].concat();
        prop_assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );

        // No trace with the whole built-in pack either.
        let out = redact(&redactor(builtin(), &v), &text);
        prop_assert!(!contains(&out, &planted));
        prop_assert!(!contains(&out, &v));
        if let Enc::Base64 { prefix, engine, .. } = &e {
            // The characters carrying the value's bits.
            let p = prefix.len();
            let first = (8 * p).div_ceil(6);
            let last = 8 * (p + v.len()) / 6;
            let core = &planted[first..last.min(planted.len())];
            prop_assert!(!contains(&out, core), "engine {engine}");
        }
    }

    #[test]
    fn short_values_are_refused_and_debug_shows_no_value(
        short in proptest::collection::vec(any::<u8>(), 1..MIN_LEN),
        long in proptest::collection::vec(b'a'..=b'z', 12..32),
    ) {
        let mut b = TaintBuilder::new();
        b.add(Zeroizing::new(short.clone()), "$SHORT", TaintKind::Registered);
        b.add(Zeroizing::new(long.clone()), "$LONG", TaintKind::Canary);
        let dbg = format!("{b:?}");
        prop_assert!(!contains(dbg.as_bytes(), &long));
        let (set, w) = b.build(builtin()).unwrap();
        prop_assert_eq!(set.values(), 1);
        prop_assert_eq!(w.len(), 1);
        prop_assert_eq!(&w[0].origin, "$SHORT");
        // The warning is fixed text plus the origin and the length.
        prop_assert_eq!(
            w[0].to_string(),
            format!("$SHORT: value is shorter than 8 bytes ({} bytes); not registered", short.len())
        );
        let dbg = format!("{set:?}");
        prop_assert!(!contains(dbg.as_bytes(), &long));
    }
}
