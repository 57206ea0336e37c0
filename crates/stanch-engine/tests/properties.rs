//! Engine-level property tests with the built-in rule pack.
//!
//! - `scan` on arbitrary bytes never panics; findings are in bounds,
//!   non-empty, sorted, and no finding contains another.
//! - `scan` agrees with `scan_all`: every finding of any rule is covered by a
//!   resolved finding, and every resolved span is some rule's finding.
//! - A reused `Scratch` gives the same findings as a fresh one.
//! - Findings of a text do not depend on whole lines before it.
//! - A provider token between non-word bytes is found, whatever the bytes.
//! - Rule files with arbitrary patterns compile or fail cleanly, never panic.
//! - `scan_parallel` (the text cut into segments on threads) finds what `scan` finds.

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use stanch_engine::{pack, Finding, RuleDb};
use std::sync::OnceLock;

fn db() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| pack::builtin().expect("built-in pack compiles"))
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

fn scan(hay: &[u8]) -> Vec<Finding> {
    let mut s = db().scratch();
    let mut f = Vec::new();
    db().scan(hay, &mut s, &mut f);
    f
}

fn scan_all(hay: &[u8]) -> Vec<Finding> {
    let mut s = db().scratch();
    let mut f = Vec::new();
    db().scan_all(hay, &mut s, &mut f);
    f
}

fn describe(hay: &[u8], found: &[Finding]) -> Vec<String> {
    found
        .iter()
        .map(|f| {
            let shown = hay
                .get(f.start..f.end.min(hay.len()))
                .unwrap_or(b"<out of bounds>");
            format!(
                "{} {:?} {:?}",
                db().rule(f.rule).id(),
                f.range(),
                String::from_utf8_lossy(&shown[..shown.len().min(80)])
            )
        })
        .collect()
}

fn show(hay: &[u8]) -> String {
    format!(
        "[{} bytes] {:?}",
        hay.len(),
        String::from_utf8_lossy(&hay[..hay.len().min(400)])
    )
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Bytes that make scanning interesting: every keyword of the pack (as
/// written and upper-cased), parts of secrets, line ends, NULs, invalid UTF-8.
fn tokens() -> Vec<Vec<u8>> {
    let mut t: Vec<Vec<u8>> = [
        &b"\n"[..],
        b"\r\n",
        b"\0",
        b"\xff\xfe",
        b"\xc3",
        b"\xe2\x80",
        b" ",
        b"=",
        b":",
        b"\"",
        b"'",
        b"@",
        b".",
        b"/",
        b"@acme.io",
        b"bob@acme.io",
        b"://u:",
        b"Bearer ",
        b"-----BEGIN ",
        b"-----END ",
        b"PRIVATE KEY-----",
        b"[REDACTED:x]",
        b"<email:0123abcd>",
        b"****",
        b"${VAR}",
        b"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        b"AKIADFFXKTQNCK3ZX4RC",
        b"4111111111111111",
        b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    ]
    .iter()
    .map(|b| b.to_vec())
    .collect();
    for r in db().rules() {
        for k in &r.spec().keywords {
            t.push(k.as_bytes().to_vec());
            t.push(k.to_ascii_uppercase().into_bytes());
        }
    }
    t
}

/// Arbitrary bytes mixed with tokens and long runs of one byte.
fn arbitrary_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..64),
        4 => prop::sample::select(tokens()),
        2 => prop::collection::vec(prop::sample::select(ALNUM), 1..80),
        1 => (prop::sample::select(b"a0_-.@ \n\0\xff=".to_vec()), 1usize..8000)
            .prop_map(|(b, n)| vec![b; n]),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

fn check_shape(hay: &[u8], found: &[Finding]) -> Result<(), TestCaseError> {
    for f in found {
        prop_assert!(
            f.start < f.end && f.end <= hay.len(),
            "empty or out-of-bounds finding {f:?} in {} bytes",
            hay.len()
        );
        prop_assert!(f.rule.index() < db().len(), "unknown rule {:?}", f.rule);
    }
    for w in found.windows(2) {
        // Sorted by start, and containment resolved: with starts and ends
        // both strictly increasing, no span contains another.
        prop_assert!(
            w[0].start < w[1].start && w[0].end < w[1].end,
            "findings unsorted or nested: {:?}\n{}",
            describe(hay, w),
            show(hay)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn scan_arbitrary_bytes(hay in arbitrary_bytes()) {
        let found = scan(&hay);
        check_shape(&hay, &found)?;
        let all = scan_all(&hay);
        for f in &all {
            prop_assert!(f.start < f.end && f.end <= hay.len(), "scan_all: bad span {f:?}");
            prop_assert!(
                found.iter().any(|g| g.start <= f.start && f.end <= g.end),
                "scan_all finding {:?} is covered by no scan finding {:?}\n{}",
                describe(&hay, &[*f]), describe(&hay, &found), show(&hay)
            );
        }
        for g in &found {
            prop_assert!(
                all.iter().any(|f| f.start == g.start && f.end == g.end),
                "scan finding {:?} is no rule's span\n{}", describe(&hay, &[*g]), show(&hay)
            );
        }
    }

    #[test]
    fn scan_of_pure_noise(hay in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_shape(&hay, &scan(&hay))?;
    }

    #[test]
    fn reused_scratch_gives_fresh_results(a in arbitrary_bytes(), b in arbitrary_bytes()) {
        let mut s = db().scratch();
        let mut f = Vec::new();
        db().scan(&a, &mut s, &mut f);
        db().scan(&b, &mut s, &mut f);
        prop_assert_eq!(&f, &scan(&b));
        prop_assert_eq!(s.hold_from(), {
            let mut fresh = db().scratch();
            db().scan(&b, &mut fresh, &mut Vec::new());
            fresh.hold_from()
        });
    }
}

// ---------------------------------------------------------------------------
// Findings do not depend on complete lines before them.

/// Benign log lines with no findings of their own.
fn benign_lines() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("2024-05-01T12:00:00Z INFO request completed status=200".to_string()),
        Just("GET /api/v1/orders/42 200 12ms".to_string()),
        Just("token bucket refilled: capacity=100 rate=10/s".to_string()),
        Just("Authorization header missing on request, responding 401".to_string()),
        Just("password reset email queued".to_string()),
        prop::collection::vec(prop::sample::select(b"abcdef0123456789- ".to_vec()), 0..300)
            .prop_map(|v| String::from_utf8(v).unwrap()),
    ];
    prop::collection::vec(line, 1..20).prop_map(|ls| {
        let mut v = ls.join("\n").into_bytes();
        v.push(b'\n');
        v
    })
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn findings_do_not_depend_on_earlier_lines(prefix in benign_lines(), hay in arbitrary_bytes()) {
        prop_assume!(scan_all(&prefix).is_empty());
        let mut joined = prefix.clone();
        joined.extend_from_slice(&hay);
        let shifted: Vec<Finding> = scan(&joined)
            .into_iter()
            .map(|f| Finding { start: f.start - prefix.len(), end: f.end - prefix.len(), rule: f.rule })
            .collect();
        let alone = scan(&hay);
        prop_assert!(
            shifted == alone,
            "findings change with lines before the text\n alone: {:?}\njoined: {:?}\n{}",
            describe(&hay, &alone), describe(&hay, &shifted), show(&hay)
        );
    }
}

// ---------------------------------------------------------------------------
// A provider token between non-word bytes is found.

/// A byte that ends a `\b` token: anything but `[A-Za-z0-9_]`.
fn non_word() -> impl Strategy<Value = u8> {
    any::<u8>().prop_filter("word byte", |b| !(b.is_ascii_alphanumeric() || *b == b'_'))
}

/// A random classic GitHub token from a seed (splitmix64), so that shrinking
/// does not turn it into a low-entropy non-secret.
fn ghp(seed: u64) -> Vec<u8> {
    let mut x = seed;
    let mut t = b"ghp_".to_vec();
    for _ in 0..36 {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        t.push(ALNUM[((z ^ (z >> 31)) % ALNUM.len() as u64) as usize]);
    }
    t
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn provider_token_found_in_any_context(
        before in arbitrary_bytes(),
        l in non_word(),
        seed in any::<u64>(),
        r in non_word(),
        after in arbitrary_bytes(),
    ) {
        prop_assume!(db().lookup("github-pat").is_some());
        let token = ghp(seed);
        let mut hay = before.clone();
        hay.push(l);
        let s = hay.len();
        hay.extend_from_slice(&token);
        let e = hay.len();
        hay.push(r);
        hay.extend_from_slice(&after);
        let found = scan(&hay);
        prop_assert!(
            found.iter().any(|f| f.start <= s && e <= f.end),
            "token at {s}..{e} not covered: {:?}\n{}",
            describe(&hay, &found), show(&hay)
        );
    }
}

// ---------------------------------------------------------------------------
// Rule files with arbitrary content never panic.

fn regexish() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("ab".to_string()),
        Just("\\b".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("[A-Za-z0-9]".to_string()),
        Just("{2,40}".to_string()),
        Just("{0}".to_string()),
        Just("*".to_string()),
        Just("+?".to_string()),
        Just("|".to_string()),
        Just("^".to_string()),
        Just("$".to_string()),
        Just("(?i)".to_string()),
        Just("(?P<secret>".to_string()),
        Just("(?u)\\w".to_string()),
        Just(".".to_string()),
        Just("\\x00".to_string()),
        Just("\\n".to_string()),
        Just("\\s+".to_string()),
        Just("[^\\s]".to_string()),
        Just("\\\\".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        "[a-z=:_]{1,6}".prop_map(|s| s),
    ];
    prop::collection::vec(atom, 0..16).prop_map(|v| v.concat())
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_rule_files_never_panic(
        pattern in regexish(),
        keyword in "[a-z_:=]{0,6}",
        group in prop_oneof![Just(None), (0usize..4).prop_map(|g| Some(g.to_string())),
            Just(Some("\"secret\"".to_string())), Just(Some("\"nope\"".to_string()))],
        validator in prop::sample::select(vec!["", "luhn", "iban", "ssn", "jwt", "base64", "nope"]),
        finder in prop::sample::select(vec!["", "email", "card", "phone", "iban", "ssn", "ipv4", "ipv6", "x"]),
        max_len in prop::option::of(0u32..70_000),
        multiline in any::<bool>(),
        entropy in prop::option::of(-1.0f64..9.0),
        example in "[ -~]{0,60}",
        hay in arbitrary_bytes(),
    ) {
        let mut t = String::from("[[rules]]\nid = \"fuzz-rule\"\nname = \"fuzz\"\ncategory = \"secret\"\nseverity = \"high\"\n");
        if !keyword.is_empty() {
            t.push_str(&format!("keywords = [{}]\n", toml_str(&keyword)));
        }
        if finder.is_empty() {
            t.push_str(&format!("pattern = {}\n", toml_str(&pattern)));
        } else {
            t.push_str(&format!("finder = {}\n", toml_str(finder)));
        }
        if let Some(g) = group {
            t.push_str(&format!("secret_group = {g}\n"));
        }
        if !validator.is_empty() {
            t.push_str(&format!("validator = {}\n", toml_str(validator)));
        }
        if let Some(m) = max_len {
            t.push_str(&format!("max_len = {m}\n"));
        }
        if let Some(e) = entropy {
            t.push_str(&format!("min_entropy = {e:.3}\n"));
        }
        t.push_str(&format!("multiline = {multiline}\nexamples = [{}]\n", toml_str(&example)));
        let specs = match pack::parse_rule_file("fuzz.toml", &t) {
            Ok(s) => s,
            Err(_) => return Ok(()),
        };
        if let Ok(rdb) = RuleDb::new(specs) {
            let mut s = rdb.scratch();
            let mut f = Vec::new();
            rdb.scan(&hay, &mut s, &mut f);
            for x in &f {
                prop_assert!(x.start < x.end && x.end <= hay.len(), "bad span {x:?}\nrule file:\n{t}");
            }
            prop_assert!(f.windows(2).all(|w| w[0].start < w[1].start && w[0].end < w[1].end),
                "unsorted or nested: {f:?}\nrule file:\n{t}");
            let _ = stanch_engine::check::check(&rdb);
        }
    }
}

/// `scan_parallel` with `threads` scratches and small segments, and the
/// `hold_from` it leaves.
fn scan_par(hay: &[u8], threads: usize, min_segment: usize) -> (Vec<Finding>, Option<usize>) {
    let mut scratches: Vec<_> = (0..threads).map(|_| db().scratch()).collect();
    let mut f = Vec::new();
    db().scan_parallel_segments(hay, &mut scratches, &mut f, min_segment);
    (f, scratches[0].hold_from())
}

fn scan_hold(hay: &[u8]) -> (Vec<Finding>, Option<usize>) {
    let mut s = db().scratch();
    let mut f = Vec::new();
    db().scan(hay, &mut s, &mut f);
    (f, s.hold_from())
}

/// Lines of every rule's examples, noise and PEM blocks, in a seeded order.
fn example_text(seed: u64, lines: usize) -> Vec<u8> {
    let mut pool: Vec<Vec<u8>> = Vec::new();
    for r in db().rules() {
        for e in &r.spec().examples {
            pool.push(e.as_bytes().to_vec());
        }
    }
    pool.push(
        b"2024-05-01T12:00:00Z INFO GET /api/v1/users/42 200 12ms trace=4bf92f3577b34da6".to_vec(),
    );
    pool.push(b"".to_vec());
    let mut x = seed | 1;
    let mut out = Vec::new();
    for _ in 0..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&pool[(x % pool.len() as u64) as usize]);
        out.push(b'\n');
    }
    out
}

#[test]
fn parallel_scan_of_every_rule_example_matches_the_single_scan() {
    for seed in [1u64, 7, 1234] {
        let hay = example_text(seed, 6000);
        let (want, want_hold) = scan_hold(&hay);
        assert!(want.len() > 1000, "the text must carry findings");
        for (threads, seg) in [(2, 256 * 1024), (3, 4096), (8, 700)] {
            let (got, hold) = scan_par(&hay, threads, seg);
            assert_eq!(
                describe(&hay, &got),
                describe(&hay, &want),
                "seed {seed}, {threads} threads, segments of {seg}+ bytes"
            );
            assert_eq!(hold, want_hold);
        }
        // Cut just before the end: a PEM block may be left open, and the
        // hold must be the same as the single scan's.
        for cut in [hay.len() / 3, hay.len() - 100] {
            let part = &hay[..cut];
            let (want, want_hold) = scan_hold(part);
            let (got, hold) = scan_par(part, 4, 1000);
            assert_eq!(
                describe(part, &got),
                describe(part, &want),
                "seed {seed}, cut {cut}"
            );
            assert_eq!(hold, want_hold, "seed {seed}, cut {cut}");
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn parallel_scan_matches_the_single_scan(
        parts in prop::collection::vec(arbitrary_bytes(), 1..6),
        threads in 2usize..6,
        seg in 64usize..4096,
    ) {
        let hay = parts.join(&b"\n"[..]);
        let (want, want_hold) = scan_hold(&hay);
        let (got, hold) = scan_par(&hay, threads, seg);
        prop_assert_eq!(describe(&hay, &got), describe(&hay, &want), "{}", show(&hay));
        prop_assert_eq!(hold, want_hold);
    }
}
