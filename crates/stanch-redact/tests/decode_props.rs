//! Property test for the decoder: a rule-detectable secret, base64-encoded,
//! URL-encoded or JSON-escaped inside random text, never survives redaction,
//! neither in its encoded form nor once the output is decoded again.

use base64::Engine as _;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use stanch_engine::RuleDb;
use stanch_redact::decode::Decoder;
use stanch_redact::{Key, Policy, Redactor};
use std::sync::{Arc, OnceLock};

fn base() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| stanch_engine::pack::builtin().expect("built-in pack compiles"))
}

fn redactor() -> &'static Redactor {
    static R: OnceLock<Redactor> = OnceLock::new();
    R.get_or_init(|| {
        Redactor::new(
            base().with_extension(Arc::new(Decoder::default())),
            Key::parse(&[b'k'; 32]).unwrap(),
            Policy::default(),
        )
    })
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn random(seed: u64, alphabet: &[u8], n: usize) -> String {
    let mut s = seed;
    (0..n)
        .map(|_| alphabet[(splitmix(&mut s) % alphabet.len() as u64) as usize] as char)
        .collect()
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// (the secret, a line of plain text carrying it that the rules find).
fn planted(kind: u8, seed: u64) -> (String, String) {
    match kind {
        0 => {
            let t = format!("ghp_{}", random(seed, ALNUM, 36));
            (t.clone(), format!("export GH_TOKEN={t}\n"))
        }
        1 => {
            let p = format!("Q{}7x", random(seed, ALNUM, 12));
            (p.clone(), format!("DB_HOST=db1\nDB_PASSWORD={p}\n"))
        }
        _ => {
            let p = format!("Z{}9k", random(seed, ALNUM, 14));
            (
                p.clone(),
                format!("{{\"user\":\"svc\",\"password\":\"{p}\"}}"),
            )
        }
    }
}

fn url_encode(s: &str, mask: u64) -> String {
    s.bytes()
        .enumerate()
        .map(|(i, b)| {
            if !b.is_ascii_alphanumeric() || mask >> (i % 64) & 1 == 1 {
                format!("%{b:02X}")
            } else {
                (b as char).to_string()
            }
        })
        .collect()
}

fn url_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            if let Ok(b) =
                u8::from_str_radix(std::str::from_utf8(&s[i + 1..i + 3]).unwrap_or("zz"), 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

fn json_escape(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| match c {
            '"' => "\\\"".to_string(),
            '\\' => "\\\\".to_string(),
            '\n' => "\\n".to_string(),
            '/' => "\\/".to_string(),
            c if mask >> (i % 64) & 1 == 1 => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

fn json_unescape(s: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(s);
    let mut out = String::new();
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('u') => {
                let h: String = it.by_ref().take(4).collect();
                match u32::from_str_radix(&h, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&h),
                }
            }
            Some(o) => out.push(o),
            None => {}
        }
    }
    out.into_bytes()
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "INFO",
            "request",
            "done",
            "user=42",
            "ok",
            "GET",
            "/api/v1/items",
            "200",
            "ms=12",
            "\n",
            "retry",
            "{\"a\":1}",
            "path=/tmp/x",
        ]),
        0..12,
    )
    .prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn encoded_secrets_never_survive(
        kind in 0u8..3,
        seed in any::<u64>(),
        enc in 0u8..4,
        mask in any::<u64>(),
        before in words(),
        after in words(),
    ) {
        let (secret, plain) = planted(kind, seed);
        // Only secrets the rules find in plain text are planted.
        let mut s = base().scratch();
        let mut f = Vec::new();
        base().scan(plain.as_bytes(), &mut s, &mut f);
        prop_assume!(f.iter().any(|f| plain[f.range()].contains(&secret)));

        let encoded = match enc {
            0 => base64::engine::general_purpose::STANDARD.encode(&plain),
            1 => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&plain),
            2 => url_encode(&plain, mask),
            _ => format!("\"{}\"", json_escape(&plain, mask)),
        };
        let text = format!("{before} {encoded} {after}\n");
        let r = redactor();
        let mut s = r.db().scratch();
        let out = r.redact(text.as_bytes(), &mut s, &mut f).into_owned();
        let has = |h: &[u8], n: &str| memchr::memmem::find(h, n.as_bytes()).is_some();
        prop_assert!(!has(&out, &secret), "plain secret survived in {}", String::from_utf8_lossy(&out));
        prop_assert!(!has(&out, &encoded), "encoded run survived");
        prop_assert!(!has(&url_decode(&out), &secret), "URL-decoded output has the secret");
        prop_assert!(!has(&json_unescape(&out), &secret), "JSON-unescaped output has the secret");
        // Text around the encoded run is kept.
        prop_assert!(out.starts_with(before.as_bytes()));
    }
}
