//! Property tests for redaction with the built-in rule pack.
//!
//! 1. No planted secret survives redaction, whatever surrounds it.
//! 2. Redaction is idempotent, in every style.
//! 3. Clean text comes out byte-identical (and borrowed).
//! 4. Arbitrary bytes never panic, and every byte outside a finding is kept.
//! 5. Streaming redaction equals whole-buffer redaction, whatever the read
//!    sizes, chunk sizes and line lengths.
//!
//! Secret kinds are planted only when the built-in pack finds a canonical
//! instance of them (see [`Kind::rule`]), so new rule files widen the test by
//! themselves.
//! Secrets are derived from a seed through a PRNG, so shrinking keeps them
//! realistic (high entropy, no placeholder words) instead of shrinking them
//! to `ghp_aaaa…`, which is rightly not a secret.

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use stanch_engine::{Finding, RuleDb};
use stanch_redact::stream::redact_stream;
use stanch_redact::{Key, Policy, Redactor, Style};
use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------
// Fixtures

fn db() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| stanch_engine::pack::builtin().expect("built-in pack compiles"))
}

/// `cases` cases (`PROPTEST_CASES` overrides), no regression files written.
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

fn key() -> Key {
    Key::parse(&[b'k'; 32]).unwrap()
}

const STYLES: [Style; 4] = [
    Style::Placeholder,
    Style::Pseudonym,
    Style::Mask,
    Style::Hash,
];

/// `None`: the default policy (secrets as placeholders, PII as pseudonyms).
fn redactor(style: Option<Style>) -> Redactor {
    Redactor::new(
        db().clone(),
        key(),
        Policy {
            style,
            ..Policy::default()
        },
    )
}

fn redact(r: &Redactor, text: &[u8]) -> Vec<u8> {
    let mut s = r.db().scratch();
    let mut f = Vec::new();
    r.redact(text, &mut s, &mut f).into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Shows text with control and non-ASCII bytes escaped, shortened around `at`.
fn show(text: &[u8], at: Option<usize>) -> String {
    let (lo, hi) = match at {
        Some(p) => (p.saturating_sub(120), (p + 160).min(text.len())),
        None => (0, text.len().min(400)),
    };
    format!(
        "[{lo}..{hi} of {}] {:?}",
        text.len(),
        String::from_utf8_lossy(&text[lo..hi])
    )
}

// ---------------------------------------------------------------------------
// Deterministic randomness for secrets (splitmix64).

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    /// `n + below(extra)` random bytes of `alphabet` (`extra` 0: exactly `n`).
    fn string_up(&mut self, alphabet: &[u8], n: usize, extra: usize) -> String {
        let n = n + if extra > 0 { self.below(extra) } else { 0 };
        self.string(alphabet, n)
    }
    fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())] as char)
            .collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const LOWER_DIGITS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const AWS_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX: &[u8] = b"0123456789abcdef";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ---------------------------------------------------------------------------
// Secret kinds

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    GithubPat,
    GithubOauth,
    GithubApp,
    GithubFineGrained,
    AwsAccessKey,
    Email,
    Bearer,
    PostgresUrl,
    PrivateKey,
    /// A phone number whose context word is on the line before: found only
    /// if a stream keeps that line as context across a cut.
    PhoneAfterLabel,
    /// The same for a bare 9-digit US SSN after an `ssn:` label.
    SsnAfterLabel,
}

const KINDS: [Kind; 11] = [
    Kind::GithubPat,
    Kind::GithubOauth,
    Kind::GithubApp,
    Kind::GithubFineGrained,
    Kind::AwsAccessKey,
    Kind::Email,
    Kind::Bearer,
    Kind::PostgresUrl,
    Kind::PrivateKey,
    Kind::PhoneAfterLabel,
    Kind::SsnAfterLabel,
];

/// A planted secret: `text` goes into the document, `secret` (a substring of
/// `text`) must not survive redaction.
#[derive(Clone, Debug)]
struct Planted {
    kind: Kind,
    text: String,
    secret: String,
}

impl Kind {
    /// The rule that finds a canonical instance of this kind in a neutral
    /// context, if the built-in pack has one. Rule files are data and are
    /// still being written, so kinds are planted by what the pack covers, not
    /// by rule ids guessed in advance.
    fn rule(self, db: &RuleDb) -> Option<String> {
        let p = self.plant(0x5EED);
        let text = format!("x {} y\n", p.text);
        let at = text.find(&p.secret).unwrap();
        let (s, e) = (at, at + p.secret.len());
        let mut scratch = db.scratch();
        let mut found = Vec::new();
        db.scan(text.as_bytes(), &mut scratch, &mut found);
        found
            .iter()
            .find(|f| f.start <= s && e <= f.end)
            .map(|f| db.rule(f.rule).id().to_string())
    }

    fn plant(self, seed: u64) -> Planted {
        let mut g = Rng(seed);
        let (text, secret) = match self {
            Kind::GithubPat => {
                let s = format!("ghp_{}", g.string(ALNUM, 36));
                (s.clone(), s)
            }
            Kind::GithubOauth => {
                let s = format!("gho_{}", g.string(ALNUM, 36));
                (s.clone(), s)
            }
            Kind::GithubApp => {
                let p = if g.below(2) == 0 { "ghs_" } else { "ghu_" };
                let s = format!("{p}{}", g.string(ALNUM, 36));
                (s.clone(), s)
            }
            Kind::GithubFineGrained => {
                let s = format!("github_pat_{}_{}", g.string(ALNUM, 22), g.string(ALNUM, 59));
                (s.clone(), s)
            }
            Kind::AwsAccessKey => {
                let s = format!("AKIA{}", g.string(AWS_ALPHABET, 16));
                (s.clone(), s)
            }
            Kind::Email => {
                let first = g.pick(&[
                    "alice", "bob", "carol", "dmitri", "erin", "farah", "j", "hana",
                ]);
                let local = match g.below(4) {
                    0 => first.to_string(),
                    1 => format!("{first}.{}", g.pick(&["nguyen", "smith", "okafor", "berg"])),
                    2 => format!("{first}{}", g.below(1000)),
                    _ => format!("{first}+{}", g.string(LOWER_DIGITS, 4)),
                };
                let domain = format!(
                    "{}.{}",
                    g.string_up(LOWER, 3, 8),
                    g.pick(&["com", "io", "org", "net", "de", "co.uk", "dev", "fr"])
                );
                let s = format!("{local}@{domain}");
                (s.clone(), s)
            }
            Kind::Bearer => {
                let tok = g.string(ALNUM, 32);
                (format!("Authorization: Bearer {tok}"), tok)
            }
            Kind::PostgresUrl => {
                let user = g.pick(&["app", "u", "postgres", "svc_orders", "reader"]);
                let pw = g.string_up(ALNUM, 12, 13);
                let host = g.pick(&[
                    "db",
                    "localhost",
                    "db.internal.net",
                    "10.0.0.7",
                    "pg-1.acme.io",
                ]);
                let port = if g.below(2) == 0 { ":5432" } else { "" };
                (format!("postgres://{user}:{pw}@{host}{port}/orders"), pw)
            }
            Kind::PrivateKey => {
                // A PKCS#8 block: 64-character base64 lines, a short padded
                // last line. The secret checked is one of the body lines.
                let mut lines: Vec<String> =
                    (0..2 + g.below(4)).map(|_| g.string(BASE64, 64)).collect();
                lines.push(format!("{}=", g.string_up(BASE64, 8, 40)));
                let secret = lines[g.below(lines.len())].clone();
                let text = format!(
                    "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----",
                    lines.join("\n")
                );
                (text, secret)
            }
            Kind::PhoneAfterLabel => {
                let label = g.pick(&["phone:", "Phone", "mobile", "fax:", "tel:"]);
                let num = format!(
                    "{} {} {:04}",
                    200 + g.below(700),
                    200 + g.below(700),
                    g.below(10_000)
                );
                (format!("{label}\n{num} on file"), num)
            }
            Kind::SsnAfterLabel => {
                let label = g.pick(&["ssn:", "SSN", "social security number:"]);
                let area = loop {
                    let a = 1 + g.below(899);
                    if a != 666 {
                        break a;
                    }
                };
                let num = format!("{area:03}{:02}{:04}", 1 + g.below(99), 1 + g.below(9999));
                (format!("{label}\n{num} on file"), num)
            }
        };
        Planted {
            kind: self,
            text,
            secret,
        }
    }
}

fn enabled_kinds() -> &'static [Kind] {
    static K: OnceLock<Vec<Kind>> = OnceLock::new();
    K.get_or_init(|| {
        let rules: Vec<(Kind, Option<String>)> = KINDS.iter().map(|&k| (k, k.rule(db()))).collect();
        eprintln!("planted secret kinds (kind, rule that finds it): {rules:?}");
        let k: Vec<Kind> = rules
            .iter()
            .filter(|(_, r)| r.is_some())
            .map(|(k, _)| *k)
            .collect();
        assert!(!k.is_empty(), "no secret kind has a built-in rule");
        k
    })
}

// ---------------------------------------------------------------------------
// Benign fragments: log text that holds nothing to redact.

const WORDS: &[&str] = &[
    "INFO",
    "DEBUG",
    "WARN",
    "ERROR",
    "request",
    "completed",
    "started",
    "worker",
    "shutdown",
    "retry",
    "cache",
    "miss",
    "hit",
    "GET",
    "POST",
    "PUT",
    "orders",
    "billing",
    "queue",
    "published",
    "event",
    "upstream",
    "returned",
    "slow",
    "query",
    "detected",
    "ok",
    "failed",
    "timeout",
    "after",
    "handler",
    "session",
    "created",
    "feature",
    "flag",
    "evaluated",
    "at",
    "in",
    "of",
    "the",
    "for",
    "with",
    "main",
    "pod",
    "node",
    "deploy",
    "rollout",
    "Traceback",
    "(most",
    "recent",
    "call",
    "last):",
    "File",
    "line",
    "->",
    "=>",
    "|",
    "-",
    "#",
    "[main]",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_string)
}

fn hex_string(n: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(HEX), n)
        .prop_map(|v| v.into_iter().map(|b| b as char).collect())
}

fn uuid() -> impl Strategy<Value = String> {
    hex_string(32).prop_map(|h| {
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    })
}

fn git_sha() -> impl Strategy<Value = String> {
    prop_oneof![hex_string(40), hex_string(7), hex_string(12)]
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        2000u32..2031,
        1u32..13,
        1u32..29,
        0u32..24,
        0u32..60,
        0u32..60,
        0u32..1000,
        0u8..3,
    )
        .prop_map(|(y, mo, d, h, mi, s, ms, fmt)| match fmt {
            0 => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z"),
            1 => format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02},{ms:03}"),
            _ => format!("[{d:02}/May/{y:04}:{h:02}:{mi:02}:{s:02} +0000]"),
        })
}

/// Numbers found in logs: counts, durations, epoch seconds and millis.
/// Long digit runs are kept Luhn-invalid so that they are not card numbers.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..1_000_000).prop_map(|n| n.to_string()),
        (0u32..100_000, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}ms")),
        (1_500_000_000u64..1_900_000_000).prop_map(|n| n.to_string()),
        (1_500_000_000_000u64..1_900_000_000_000)
            .prop_map(|n| n.to_string())
            .prop_filter("Luhn-valid digit runs are card numbers", |s| {
                !stanch_engine::validate::luhn(s.as_bytes())
            }),
    ]
}

fn benign_fragment() -> BoxedStrategy<String> {
    prop_oneof![
        4 => word(),
        2 => timestamp(),
        2 => uuid(),
        2 => git_sha(),
        2 => number(),
        1 => (word(), word(), 0u32..5000, uuid()).prop_map(|(a, b, n, u)| {
            format!(r#"{{"level":"info","msg":"{a} {b}","latency_ms":{n},"trace_id":"{u}"}}"#)
        }),
        1 => (0u32..100_000).prop_map(|n| format!("/api/v1/orders/{n}?expand=items")),
        1 => prop::sample::select(vec![200u16, 201, 204, 301, 404, 500, 503])
            .prop_map(|c| format!("status={c}")),
        1 => git_sha().prop_map(|s| format!("commit={s}")),
        1 => uuid().prop_map(|u| format!("request_id={u}")),
        1 => hex_string(64).prop_map(|h| format!("sha256:{h}")),
    ]
    .boxed()
}

const SEPS: &[&str] = &[" ", " ", " ", "\n", ", ", "\t", " | ", "; "];

/// Near misses: text that looks like a secret but is not one. They do not
/// have to be redacted; they stress boundaries (streaming, overlaps).
fn near_miss() -> impl Strategy<Value = String> {
    (0u8..6, any::<u64>()).prop_map(|(k, seed)| {
        let mut g = Rng(seed);
        match k {
            0 => format!("ghp_{}", g.string_up(ALNUM, 37, 8)), // too long
            1 => format!("ghp_{}", g.string_up(ALNUM, 10, 25)), // too short
            2 => "image@2x.png".to_string(),
            3 => "lodash@4.17.21".to_string(),
            4 => "git@github.com:acme/payments.git".to_string(),
            _ => format!("{}@localhost", g.string(LOWER, 5)),
        }
    })
}

// ---------------------------------------------------------------------------
// Documents

const DELIMS: &[&str] = &[" ", "\"", "'", "=", ":", "\n", ","];

#[derive(Clone, Debug)]
struct Doc {
    text: String,
    secrets: Vec<Planted>,
}

/// Benign parts with `secrets` secrets planted at random places, each with a
/// random delimiter on either side.
fn doc(
    secrets: impl Into<prop::collection::SizeRange>,
    with_near_misses: bool,
) -> impl Strategy<Value = Doc> {
    let kinds = enabled_kinds();
    let part = prop_oneof![
        8 => benign_fragment(),
        if with_near_misses { 1 } else { 0 } => near_miss(),
    ];
    let planted = (
        prop::sample::select(kinds),
        any::<u64>(),
        any::<prop::sample::Index>(),
        prop::sample::select(DELIMS),
        prop::sample::select(DELIMS),
    );
    (
        prop::collection::vec((part, prop::sample::select(SEPS)), 0..40),
        prop::collection::vec(planted, secrets),
    )
        .prop_map(|(parts, planted)| {
            let mut slots: Vec<Vec<String>> = vec![Vec::new(); parts.len() + 1];
            let mut secrets = Vec::new();
            for (kind, seed, at, before, after) in planted {
                let p = kind.plant(seed);
                slots[at.index(parts.len() + 1)].push(format!("{before}{}{after}", p.text));
                secrets.push(p);
            }
            let mut text = String::new();
            for (i, slot) in slots.iter().enumerate() {
                for s in slot {
                    text.push_str(s);
                }
                if let Some((part, sep)) = parts.get(i) {
                    text.push_str(part);
                    text.push_str(sep);
                }
            }
            Doc { text, secrets }
        })
}

fn style() -> impl Strategy<Value = Option<Style>> {
    prop_oneof![Just(None), prop::sample::select(&STYLES[..]).prop_map(Some)]
}

// ---------------------------------------------------------------------------
// 1. No planted secret survives.

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn no_planted_secret_survives(d in doc(1..6, true), style in style()) {
        let r = redactor(style);
        let out = redact(&r, d.text.as_bytes());
        for p in &d.secrets {
            let at = find(&out, p.secret.as_bytes());
            prop_assert!(
                at.is_none(),
                "{:?} secret {:?} (planted as {:?}) survived\n input: {}\noutput: {}",
                p.kind, p.secret, p.text,
                show(d.text.as_bytes(), find(d.text.as_bytes(), p.text.as_bytes())),
                show(&out, at),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 2. Idempotence.

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn redaction_is_idempotent(d in doc(0..6, true)) {
        for style in [None].into_iter().chain(STYLES.map(Some)) {
            let r = redactor(style);
            let once = redact(&r, d.text.as_bytes());
            let twice = redact(&r, &once);
            prop_assert!(
                once == twice,
                "style {:?}: redacting twice changed the output\n input: {}\n  once: {}\n twice: {}",
                style, show(d.text.as_bytes(), None), show(&once, None), show(&twice, None),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 3. Clean text is byte-identical.

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn clean_text_is_unchanged(d in doc(0..=0, false), style in style()) {
        let r = redactor(style);
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        let text = d.text.as_bytes();
        let out = r.redact(text, &mut s, &mut f);
        let fired: Vec<String> = f
            .iter()
            .map(|x| format!("{} at {:?}: {:?}", r.db().rule(x.rule).id(), x.range(),
                String::from_utf8_lossy(&text[x.range()])))
            .collect();
        prop_assert!(fired.is_empty(), "benign text has findings: {fired:?}\n input: {}", show(text, None));
        prop_assert!(matches!(out, Cow::Borrowed(_)), "clean text was copied");
        prop_assert_eq!(&out[..], text);
    }
}

// ---------------------------------------------------------------------------
// 4. Arbitrary bytes: no panic, every byte outside a finding kept.

/// Bytes that make scanning interesting: every keyword of the pack, bits of
/// secrets, line ends, NULs, invalid UTF-8.
fn tokens() -> Vec<Vec<u8>> {
    let mut t: Vec<Vec<u8>> = vec![
        b"\n".to_vec(),
        b"\r\n".to_vec(),
        b"\0".to_vec(),
        b"\xff\xfe".to_vec(),
        b"\xc3".to_vec(),
        b" ".to_vec(),
        b"=".to_vec(),
        b":".to_vec(),
        b"\"".to_vec(),
        b"@".to_vec(),
        b".".to_vec(),
        b"@acme.io".to_vec(),
        b"bob@acme.io".to_vec(),
        b"://u:".to_vec(),
        b"Bearer ".to_vec(),
        b"-----BEGIN ".to_vec(),
        b"[REDACTED:x]".to_vec(),
        b"<email:0123abcd>".to_vec(),
        b"****".to_vec(),
        b"${VAR}".to_vec(),
        b"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789".to_vec(),
    ];
    for r in db().rules() {
        for k in &r.spec().keywords {
            t.push(k.as_bytes().to_vec());
            t.push(k.to_ascii_uppercase().into_bytes());
        }
    }
    t
}

/// Arbitrary bytes, mixed with tokens and long runs.
fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..64),
        4 => prop::sample::select(tokens()),
        2 => prop::collection::vec(prop::sample::select(ALNUM), 1..80),
        1 => (prop::sample::select(b"a0_-.@ \n\0\xff".to_vec()), 1usize..6000)
            .prop_map(|(b, n)| vec![b; n]),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// Independent reference for `write_redacted` in the placeholder and mask
/// styles: findings that apply, partial overlaps merged, named by the first.
fn reconstruct(r: &Redactor, hay: &[u8], found: &[Finding], style: Style) -> Vec<u8> {
    let mut spans: Vec<(usize, usize, &str)> = Vec::new();
    for f in found.iter().filter(|f| r.applies(f)) {
        match spans.last_mut() {
            Some(last) if f.start < last.1 => last.1 = last.1.max(f.end),
            _ => spans.push((f.start, f.end, r.db().rule(f.rule).id())),
        }
    }
    let mut out = Vec::new();
    let mut pos = 0;
    for (s, e, id) in spans {
        out.extend_from_slice(&hay[pos..s]);
        match style {
            Style::Placeholder => out.extend_from_slice(format!("[REDACTED:{id}]").as_bytes()),
            Style::Mask => {
                let chars = hay[s..e]
                    .iter()
                    .filter(|&&b| b & 0xC0 != 0x80)
                    .count()
                    .max(1);
                out.extend_from_slice(&vec![b'*'; chars]);
            }
            _ => unreachable!(),
        }
        pos = e;
    }
    out.extend_from_slice(&hay[pos..]);
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_keep_everything_outside_findings(
        hay in arbitrary_bytes(),
        mask in any::<bool>(),
    ) {
        let style = if mask { Style::Mask } else { Style::Placeholder };
        let r = redactor(Some(style));
        let mut s = r.db().scratch();
        let mut found = Vec::new();
        let out = r.redact(&hay, &mut s, &mut found).into_owned();
        for f in &found {
            prop_assert!(f.start < f.end && f.end <= hay.len(), "bad span {f:?} in {} bytes", hay.len());
        }
        prop_assert!(found.windows(2).all(|w| w[0].start <= w[1].start), "findings not sorted: {found:?}");
        let expect = reconstruct(&r, &hay, &found, style);
        prop_assert!(out == expect, "redacted output differs from the reference\n input: {}\n   out: {}\nexpect: {}",
            show(&hay, None), show(&out, None), show(&expect, None));
    }
}

// ---------------------------------------------------------------------------
// 5. Streaming equals whole-buffer redaction.

/// A reader that returns at most `step` bytes per call, like a pipe.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.data.len().min(self.step).min(out.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[derive(Clone, Debug)]
enum Layout {
    /// As generated: lines of a few fragments.
    Lines,
    /// The document repeated, newlines turned to spaces: one line of 20-90 KB.
    OneLongLine,
    /// The document repeated, lines kept: 20-90 KB of ordinary lines.
    ManyLines,
    /// A run of one byte (5-70 KB) in the middle of the document.
    Run(u8, usize),
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![
        2 => Just(Layout::Lines),
        2 => Just(Layout::OneLongLine),
        1 => Just(Layout::ManyLines),
        1 => (prop::sample::select(b"a_ .@\n".to_vec()), 5_000usize..70_000)
            .prop_map(|(b, n)| Layout::Run(b, n)),
    ]
}

fn lay_out(d: &Doc, layout: &Layout, target: usize) -> Vec<u8> {
    let text = d.text.as_bytes();
    let repeat = |newlines: bool| {
        let mut v = Vec::new();
        if text.is_empty() {
            return v;
        }
        while v.len() < target {
            v.extend(
                text.iter()
                    .map(|&b| if !newlines && b == b'\n' { b' ' } else { b }),
            );
            v.push(if newlines { b'\n' } else { b' ' });
        }
        v
    };
    match layout {
        Layout::Lines => text.to_vec(),
        Layout::OneLongLine => repeat(false),
        Layout::ManyLines => repeat(true),
        Layout::Run(b, n) => {
            let mid = text.len() / 2;
            let mut v = text[..mid].to_vec();
            v.extend_from_slice(&vec![*b; *n]);
            v.extend_from_slice(&text[mid..]);
            v
        }
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn streaming_equals_whole_buffer(
        d in doc(0..6, true),
        layout in layout(),
        target in 20_000usize..90_000,
        step in prop_oneof![1usize..64, 1usize..5001],
        chunk in prop_oneof![Just(0usize), 0usize..200_000],
        style in style(),
    ) {
        let data = lay_out(&d, &layout, target);
        let r = redactor(style);
        let expect = redact(&r, &data);
        let mut s = r.db().scratch();
        let mut out = Vec::new();
        let stats = redact_stream(&r, &mut s, Trickle { data: &data, step }, &mut out, chunk).unwrap();
        prop_assert_eq!(stats.bytes_in, data.len() as u64);
        prop_assert_eq!(stats.bytes_out, out.len() as u64);
        if out != expect {
            let at = out.iter().zip(&expect).position(|(a, b)| a != b).unwrap_or(out.len().min(expect.len()));
            prop_assert!(false, "stream differs from whole-buffer redaction at output byte {at} ({} vs {} bytes)\nstream: {}\n whole: {}",
                out.len(), expect.len(), show(&out, Some(at)), show(&expect, Some(at)));
        }
    }
}

// ---------------------------------------------------------------------------
// Minimal inputs found by the properties above (and by the `redact_stream`
// fuzz target), kept as plain tests so that each bug fails deterministically
// rather than only when a random case hits it.

fn stream_with_steps(r: &Redactor, data: &[u8], step: usize) -> Vec<u8> {
    let mut s = r.db().scratch();
    let mut out = Vec::new();
    redact_stream(r, &mut s, Trickle { data, step }, &mut out, 0).unwrap();
    out
}

#[test]
fn stream_read_ending_inside_a_non_email() {
    let r = redactor(None);
    let data = b"a\nimage@2x.png\n";
    // First read: "a\nimage@2x.pn" -- looks like an address at the buffer end.
    let out = stream_with_steps(&r, data, 13);
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&redact(&r, data))
    );
}

#[test]
fn stream_read_ending_inside_an_overlong_token() {
    let r = redactor(None);
    let tok = "ghp_ZeZ2W5QAJ1EDyhY1nvEZCssQNisR2E0oTPKWsDKv"; // 40 after the prefix: not a PAT
    let data = format!("a\n{tok}\n");
    // First read ends after 36 characters of the token body.
    let out = stream_with_steps(&r, data.as_bytes(), 2 + 4 + 36);
    assert_eq!(
        String::from_utf8_lossy(&out),
        String::from_utf8_lossy(&redact(&r, data.as_bytes()))
    );
}

#[test]
fn stream_cut_inside_a_long_line_loses_left_context() {
    let r = redactor(None);
    // One line longer than the streaming chunk is cut `overlap` bytes before
    // the end of the first buffer. Put `x` just before the cut and a token
    // just after it: `xghp_…` has no `\b` before `ghp_`, so it is no finding.
    let overlap = r.db().max_window() + 1024;
    let chunk = overlap * 4; // the minimum, which chunk = 0 asks for
    let mut data = vec![b' '; chunk - 1];
    data.extend_from_slice(b"xghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789");
    data.resize(chunk + overlap + 100, b' ');
    data.extend_from_slice(b"end\n");
    let whole = redact(&r, &data);
    let out = stream_with_steps(&r, &data, 1 << 20);
    let at = out.iter().zip(&whole).position(|(a, b)| a != b);
    assert!(
        at.is_none(),
        "stream differs: {}\nwhole: {}",
        show(&out, at),
        show(&whole, at)
    );
}

#[test]
fn email_after_a_bare_colon_is_redacted() {
    let r = redactor(None);
    for text in [
        ":hana@mrqxilatsr.fr ",
        "to:bob@acme.io\n",
        "{email:bob@acme.io}",
    ] {
        let out = redact(&r, text.as_bytes());
        assert!(
            find(&out, b"@acme.io").is_none() && find(&out, b"hana@").is_none(),
            "email survived: {:?}",
            String::from_utf8_lossy(&out)
        );
    }
}

#[test]
fn hash_style_is_idempotent_when_the_fingerprint_is_all_digits() {
    // With this key, the fingerprint of this token is 16 decimal digits that
    // pass the Luhn check.
    assert_idempotent(Style::Hash, b" ghs_vf7CIF4re6GfObKbdAGWTBB6EAj5Tt19NLdA ");
}

/// Redacting the redacted text again changes nothing.
fn assert_idempotent(style: Style, input: &[u8]) {
    let r = redactor(Some(style));
    let once = redact(&r, input);
    let twice = redact(&r, &once);
    assert_eq!(
        String::from_utf8_lossy(&twice),
        String::from_utf8_lossy(&once)
    );
}

#[test]
fn aws_key_id_with_repeated_letters_is_redacted() {
    // A random-looking key id whose whole-match entropy (prefix included) is
    // 2.87 bits per byte: it fell under the rule's former `min_entropy = 3.0`.
    let r = redactor(None);
    let out = redact(&r, b" AKIAENTIAISHKAIIAJXA ");
    assert!(
        find(&out, b"AKIAENTIAISHKAIIAJXA").is_none(),
        "{}",
        show(&out, None)
    );
}

#[test]
fn stream_multiline_secret_after_its_keyword_line_is_not_cut_short() {
    // A user rule (rules are data) in the shape the built-in PEM fragment rule
    // had: the keyword on one line, the secret on the next. A read that ends
    // inside the secret yields a shorter match, taken as resolving the
    // multiline window; the short finding is carried past the cut and the
    // rest of the secret is written out in clear.
    let rules = r#"
[[rules]]
id = "test-block"
name = "test block"
category = "secret"
severity = "high"
keywords = ["BEGIN TEST-----"]
pattern = '-----BEGIN TEST-----\n([A-Za-z0-9+/]{32}[A-Za-z0-9+/=\n]*)'
multiline = true
max_len = 1024
examples = ["-----BEGIN TEST-----\nMC4CAQAwBQYDK2VwBCIEIPO3JkPkrS3l4LaMUkt/yGYE2Lt="]
"#;
    let db =
        RuleDb::new(stanch_engine::pack::parse_rule_file("test.toml", rules).unwrap()).unwrap();
    let r = Redactor::new(db, key(), Policy::default());
    let data = b"-----BEGIN TEST-----\nMC4CAQAwBQYDK2VwBCIEIPO3JkPkrS3l4LaMUkt/yGYE2Lt=\n-----END TEST-----\n";
    let whole = redact(&r, data);
    assert!(find(&whole, b"Lt=").is_none());
    let leaks: Vec<usize> = (1..data.len())
        .filter(|&step| find(&stream_with_steps(&r, data, step), b"Lt=").is_some())
        .collect();
    assert!(
        leaks.is_empty(),
        "the end of the secret survives with read steps {leaks:?}"
    );
}

#[test]
fn pseudonym_style_is_idempotent_for_secrets() {
    // `<secret:…>` is redacted again: the digest after `secret:` is taken for
    // an assigned secret value.
    assert_idempotent(
        Style::Pseudonym,
        b" ghp_uUzipZ6BFcwbtKXR5QtI48LtwT4gugq96use ",
    );
}

#[test]
fn log_timestamp_with_millis_before_a_number_is_clean() {
    // Python logging's default time format ends in `,mmm`; a number after it
    // (thread id, counter) is not a phone number.
    let r = redactor(None);
    let text = b"2024-05-01 12:00:00,010 4567890 INFO worker started\n";
    let out = redact(&r, text);
    assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(text));
}

#[test]
fn stream_private_key_block_split_by_reads_is_redacted_whole() {
    // A read ends inside the block: the unterminated-block rule matches what
    // has arrived, which counts as resolving the block, so the END line that
    // arrives next is written out without its BEGIN (whole-buffer redaction
    // covers BEGIN through END).
    let r = redactor(Some(Style::Mask));
    let data = b"-----BEGIN ED25519 PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPO3JkPkrS3l4LaMUkt/yGYE2Lt=\n-----END ED25519 PRIVATE KEY-----\n";
    let whole = redact(&r, data);
    let differ: Vec<usize> = (1..data.len())
        .filter(|&step| stream_with_steps(&r, data, step) != whole)
        .collect();
    assert!(
        differ.is_empty(),
        "stream differs with read steps {differ:?}"
    );
}

#[test]
fn stream_cut_moved_to_a_finding_keeps_its_context() {
    // A finding straddling the mid-line cut moves the cut to the finding's
    // start, which drops the context before it (`postgres://app:`): the next
    // round sees `password@host` alone and redacts it as an email address.
    let r = redactor(None);
    let overlap = r.db().max_window() + 1024;
    let chunk = overlap * 4;
    let mut data = vec![b' '; chunk - 20];
    data.extend_from_slice(b"postgres://app:nP4sE5awK45SPwvmlRT@db.internal.net/orders");
    data.resize(chunk + overlap + 100, b' ');
    data.extend_from_slice(b"end\n");
    let whole = redact(&r, &data);
    let out = stream_with_steps(&r, &data, 1 << 20);
    let at = out.iter().zip(&whole).position(|(a, b)| a != b);
    assert!(
        at.is_none(),
        "stream differs: {}\nwhole: {}",
        show(&out, at),
        show(&whole, at)
    );
}
