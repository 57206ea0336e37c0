use super::*;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use std::sync::Arc;

const SECRET: &[u8] = b"Tr0ub4dor&3-horse/staple?";

fn z(v: &[u8]) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(v.to_vec())
}

fn db_with(values: &[(&[u8], TaintKind)]) -> (RuleDb, Vec<TaintWarning>) {
    let base = stanch_engine::pack::builtin().unwrap();
    let mut b = TaintBuilder::new();
    for (i, (v, k)) in values.iter().enumerate() {
        b.add(z(v), &format!("test:{}", i + 1), *k);
    }
    let (set, w) = b.build(&base).unwrap();
    (base.with_extension(Arc::new(set)), w)
}

/// (matched text, rule id) of every finding.
fn scan(db: &RuleDb, text: &[u8]) -> Vec<(String, String)> {
    let mut s = db.scratch();
    let mut out = Vec::new();
    db.scan(text, &mut s, &mut out);
    out.iter()
        .map(|f| {
            (
                String::from_utf8_lossy(&text[f.range()]).into_owned(),
                db.rule(f.rule).id().to_string(),
            )
        })
        .collect()
}

fn only(db: &RuleDb, text: &str, expect: &str) {
    let got = scan(db, text.as_bytes());
    assert_eq!(
        got,
        [(expect.to_string(), REGISTERED_RULE.to_string())],
        "in {text:?}"
    );
}

#[test]
fn raw_hex_url_json() {
    let (db, w) = db_with(&[(SECRET, TaintKind::Registered)]);
    assert!(w.is_empty());
    let s = std::str::from_utf8(SECRET).unwrap();
    only(&db, &format!("pw {s} end"), s);
    let h = hex::encode(SECRET);
    only(&db, &format!("x={h};"), &h);
    let hu = hex::encode_upper(SECRET);
    only(&db, &format!("x={hu};"), &hu);
    let url = "Tr0ub4dor%263-horse%2Fstaple%3F";
    only(&db, &format!("GET /login?pw={url}&x=1"), url);
    only(
        &db,
        &format!(
            "GET /login?pw={}&x=1",
            url.to_lowercase().replace("tr0ub4dor", "Tr0ub4dor")
        ),
        "Tr0ub4dor%263-horse%2fstaple%3f",
    );
    let json = serde_json::to_string(s).unwrap();
    only(&db, &format!("{{\"pw\":{json}}}"), &json[1..json.len() - 1]);
    only(
        &db,
        r#"{"pw":"Tr0ub4dor\u00263-horse\/staple?"}"#,
        r"Tr0ub4dor\u00263-horse\/staple?",
    );
}

#[test]
fn base64_whole_run_at_every_alignment() {
    let (db, _) = db_with(&[(SECRET, TaintKind::Registered)]);
    for prefix in ["", "u", "us", "user:", "admin:", "longer-user-name:"] {
        for suffix in ["", "!", "@host"] {
            let mut data = prefix.as_bytes().to_vec();
            data.extend_from_slice(SECRET);
            data.extend_from_slice(suffix.as_bytes());
            for e in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
                let enc = e.encode(&data);
                only(&db, &format!("Authorization: Basic {enc}\n"), &enc);
                only(&db, &format!("{{\"b\":\"{enc}\"}}"), &enc);
            }
        }
    }
}

#[test]
fn canary_beats_a_rule_on_the_same_span() {
    let tok = b"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    let (db, _) = db_with(&[(tok, TaintKind::Canary)]);
    let got = scan(&db, b"token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ok");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, CANARY_RULE);
    // A value registered both ways is a canary.
    let (db, _) = db_with(&[(SECRET, TaintKind::Registered), (SECRET, TaintKind::Canary)]);
    let got = scan(&db, SECRET);
    assert_eq!(got[0].1, CANARY_RULE);
}

#[test]
fn overlapping_values_are_both_covered() {
    let a = b"abcdefgh12345678";
    let b = b"12345678zzzzzzzz";
    let (db, _) = db_with(&[(a, TaintKind::Registered), (b, TaintKind::Registered)]);
    let got = scan(&db, b"<abcdefgh12345678zzzzzzzz>");
    assert_eq!(
        got,
        [(
            "abcdefgh12345678zzzzzzzz".to_string(),
            REGISTERED_RULE.to_string()
        )]
    );
}

#[test]
fn short_and_empty_values_are_refused_by_origin() {
    let base = stanch_engine::pack::builtin().unwrap();
    let mut b = TaintBuilder::new();
    b.add(z(b"hunter2"), "$SHORT_ONE", TaintKind::Registered)
        .add(z(b""), "$EMPTY", TaintKind::Registered)
        .add(z(b"long-enough-value"), "$OK", TaintKind::Registered)
        .add(z(&[b'x'; MAX_LEN + 1]), "$HUGE", TaintKind::Registered);
    assert_eq!(b.len(), 3);
    let (set, w) = b.build(&base).unwrap();
    assert_eq!(set.values(), 1);
    assert_eq!(w.len(), 2);
    assert!(w[1].to_string().starts_with("$HUGE: value is longer than"));
    let msg = w[0].to_string();
    assert!(msg.starts_with("$SHORT_ONE: "), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

#[test]
fn a_disabled_rule_is_a_warning() {
    let specs: Vec<_> = stanch_engine::pack::builtin_specs()
        .unwrap()
        .into_iter()
        .filter(|s| s.id != CANARY_RULE)
        .collect();
    let db = RuleDb::new(specs).unwrap();
    let mut b = TaintBuilder::new();
    b.add(z(b"canary-value-0123"), "canaries.toml", TaintKind::Canary);
    let (set, w) = b.build(&db).unwrap();
    assert!(set.is_empty());
    assert!(w[0].message.contains("canary-token"));
}

#[test]
fn debug_prints_counts_only() {
    let mut b = TaintBuilder::new();
    b.add(z(SECRET), "x", TaintKind::Registered);
    let d = format!("{b:?}");
    assert!(!d.contains("Tr0ub"), "{d}");
    let (set, _) = b.build(&stanch_engine::pack::builtin().unwrap()).unwrap();
    let d = format!("{set:?}");
    assert!(d.starts_with("TaintSet { values: 1, needles: "), "{d}");
    assert!(!d.contains("Tr0ub"), "{d}");
}

#[test]
fn empty_set_finds_nothing() {
    let (set, _) = TaintBuilder::new()
        .build(&stanch_engine::pack::builtin().unwrap())
        .unwrap();
    assert_eq!(set.max_window(), 0);
    let (db, _) = db_with(&[]);
    assert!(scan(&db, SECRET).is_empty());
}

#[test]
fn long_runs_are_bounded_and_disjoint() {
    // A value made of base64 characters, repeated far past the run cap:
    // findings stay within max_window and never overlap.
    let v = b"AAAAAAAAAAAA";
    let (db, _) = db_with(&[(v, TaintKind::Registered)]);
    let hay = vec![b'A'; 5 * RUN_CAP];
    let ext = &db.extensions()[0];
    let mut out = Vec::new();
    ext.find(&db, &hay, &mut db.scratch(), &mut out);
    out.sort_by_key(|f| f.start);
    assert!(!out.is_empty());
    assert_eq!(out[0].start, 0);
    assert_eq!(out.last().unwrap().end, hay.len());
    for w in out.windows(2) {
        assert_eq!(w[0].end, w[1].start);
    }
    assert!(out.iter().all(|f| f.len() <= ext.max_window()));
}

#[test]
fn binary_and_truncated_input_never_panics() {
    let (db, _) = db_with(&[(SECRET, TaintKind::Registered)]);
    let enc = STANDARD.encode(SECRET);
    for cut in 0..enc.len() {
        scan(&db, &enc.as_bytes()[..cut]);
    }
    scan(&db, b"\xff\xfe\x00==//++--__");
}

#[test]
fn streaming_a_huge_line_redacts_every_planted_form() {
    // One line far longer than a chunk, with encoded forms planted around
    // where the stream cuts it: every form is redacted whole, as in one buffer.
    let (db, _) = db_with(&[(SECRET, TaintKind::Registered)]);
    let r = crate::Redactor::new(
        db,
        crate::Key::parse(&[b'k'; 32]).unwrap(),
        crate::Policy::default(),
    );
    let b64 = STANDARD.encode([b"user:".as_slice(), SECRET].concat());
    let h = hex::encode(SECRET);
    let mut line = Vec::new();
    let step = 61_003;
    while line.len() < 1_200_000 {
        line.extend(std::iter::repeat_n(b'.', step));
        line.push(b' ');
        line.extend_from_slice(if line.len() % 2 == 0 {
            b64.as_bytes()
        } else {
            h.as_bytes()
        });
        line.push(b' ');
    }
    line.push(b'\n');
    let mut s = r.db().scratch();
    let mut f = Vec::new();
    let whole = r.redact(&line, &mut s, &mut f).into_owned();
    let mut streamed = Vec::new();
    crate::stream::redact_stream(&r, &mut s, &line[..], &mut streamed, 1).unwrap();
    assert_eq!(whole, streamed);
    let text = String::from_utf8(streamed).unwrap();
    assert!(!text.contains(&b64) && !text.contains(&h));
    assert!(text.matches("[REDACTED:registered-secret]").count() >= 19);
}

#[test]
fn a_multi_line_value_split_across_rounds_is_redacted_whole() {
    // A value with line ends (a pretty-printed credential file in an
    // environment variable): a live pipe may deliver its first line long
    // before the rest. No part of it may be handed on before the whole
    // value is seen.
    let value: &[u8] =
        b"{\n  \"client_id\": \"svc-7731\",\n  \"client_key\": \"k9Zq-Xw2v-Lp0s\"\n}";
    let (db, _) = db_with(&[(value, TaintKind::Registered)]);
    let r = crate::Redactor::new(
        db,
        crate::Key::parse(&[b'k'; 32]).unwrap(),
        crate::Policy::default(),
    );
    let mut text = b"loading credentials\n".to_vec();
    text.extend_from_slice(value);
    text.extend_from_slice(b"\ndone\n");
    let mut s = r.db().scratch();
    let mut f = Vec::new();
    let whole = r.redact(&text, &mut s, &mut f).into_owned();
    assert!(!String::from_utf8_lossy(&whole).contains("svc-7731"));
    for step in [1, 7, 20, 22, 40, 64] {
        let mut streamed = Vec::new();
        crate::stream::redact_stream(
            &r,
            &mut s,
            crate::stream::tests_support::Trickle::new(&text, step),
            &mut streamed,
            0,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&streamed),
            String::from_utf8_lossy(&whole),
            "read step {step}"
        );
    }
}
