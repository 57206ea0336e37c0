//! JSON-aware redaction through the public API: key context, header pairs,
//! nested JSON strings, escapes, numbers, truncation, and byte identity of
//! everything untouched. Property tests: output is valid JSON of the same
//! shape, and a secret planted anywhere in a random document never
//! survives.

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;
use stanch_redact::decode::Decoder;
use stanch_redact::structured::{JsonRedactor, JsonScratch, SecretKeys};
use stanch_redact::{Key, Policy, Redactor, RestoreMap};
use std::sync::{Arc, OnceLock};

fn redactor() -> &'static Redactor {
    static R: OnceLock<Redactor> = OnceLock::new();
    R.get_or_init(|| {
        let db = stanch_engine::pack::builtin().expect("built-in pack compiles");
        Redactor::new(
            db.with_extension(Arc::new(Decoder::default())),
            Key::parse(&[b'k'; 32]).unwrap(),
            Policy::default(),
        )
    })
}

fn keys() -> &'static SecretKeys {
    static K: OnceLock<SecretKeys> = OnceLock::new();
    K.get_or_init(SecretKeys::default)
}

fn redact_with(doc: &str, max: Option<usize>) -> String {
    let r = redactor();
    let jr = JsonRedactor::new(r, keys()).max_field_bytes(max);
    let mut s = JsonScratch::new(r);
    let mut out = Vec::new();
    jr.redact(doc.as_bytes(), &mut s, &mut out, None)
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    String::from_utf8(out).expect("output is UTF-8")
}

fn redact(doc: &str) -> String {
    redact_with(doc, None)
}

/// Same shape: same keys in the same order, same array lengths, same
/// nesting; scalars may change (a redacted number becomes a string).
fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same_shape(va, vb))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_shape(p, q))
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => false,
        _ => true,
    }
}

fn is_redacted(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.starts_with("[REDACTED:"))
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn values_under_secret_keys_are_redacted_whatever_they_look_like() {
    let doc = r#"{"user":"bob","password":"hunter2","max_tokens":100,"token_type":"bearer","api_key":"k1","nested":{"deeper":[{"client_secret":"abc"}]}}"#;
    let out = redact(doc);
    // `password` is named by the rule that also read it; the short values
    // no rule takes are `secret-field`.
    assert_eq!(
        out,
        r#"{"user":"bob","password":"[REDACTED:password-assignment-quoted]","max_tokens":100,"token_type":"bearer","api_key":"[REDACTED:secret-field]","nested":{"deeper":[{"client_secret":"[REDACTED:secret-field]"}]}}"#
    );
}

#[test]
fn auth_headers_keep_their_scheme_and_header_shapes_are_understood() {
    let doc = r#"{"headers":{"Authorization":"Bearer abc.def","Accept":"json"},"h":[["authorization","Basic Zm9vOmJhcg=="],["Accept","json"]],"env":[{"name":"X-Api-Key","value":"12345678"},{"name":"LANG","value":"C"}],"cookie":"sid=abc; theme=dark"}"#;
    let out = redact(doc);
    let v = parse(&out);
    assert_eq!(
        v["headers"]["Authorization"],
        "Bearer [REDACTED:secret-field]"
    );
    assert_eq!(v["headers"]["Accept"], "json");
    assert_eq!(
        v["h"][0][1].as_str().unwrap().split(' ').next(),
        Some("Basic")
    );
    assert!(!out.contains("Zm9vOmJhcg"), "{out}");
    assert!(is_redacted(&v["env"][0]["value"]), "{out}");
    assert_eq!(v["env"][1]["value"], "C");
    assert_eq!(v["cookie"], "[REDACTED:secret-field]");
}

#[test]
fn placeholders_empty_values_and_session_uuids_are_left_alone() {
    let doc = r#"{"password":"","token":"${TOKEN}","secret":"[REDACTED]","sessionId":"3f2a9c1e-1111-4a4a-9b9b-0123456789ab","session":"s3cr3t-session"}"#;
    let out = redact(doc);
    let v = parse(&out);
    assert_eq!(v["password"], "");
    assert_eq!(v["token"], "${TOKEN}");
    assert_eq!(v["secret"], "[REDACTED]");
    assert_eq!(v["sessionId"], "3f2a9c1e-1111-4a4a-9b9b-0123456789ab");
    assert_eq!(v["session"], "[REDACTED:secret-field]");
}

#[test]
fn untouched_bytes_stay_identical() {
    // Odd spacing, escapes and number spellings outside findings survive.
    let doc = "{ \"msg\" :\t\"caf\\u00e9 \\/ ok\" , \"n\": 1.50E+2,\n \"token\" : \"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\" }";
    let out = redact(doc);
    assert_eq!(
        out,
        "{ \"msg\" :\t\"caf\\u00e9 \\/ ok\" , \"n\": 1.50E+2,\n \"token\" : \"[REDACTED:github-pat]\" }"
    );
}

#[test]
fn json_inside_json_strings_is_walked() {
    // An OpenAI tool call: arguments are a JSON document in a string.
    let doc = r#"{"tool_calls":[{"function":{"name":"login","arguments":"{\"username\":\"bob\",\"password\":\"pw1\",\"note\":\"mail bob@acme.io\"}"}}]}"#;
    let out = redact(doc);
    let v = parse(&out);
    let args = v["tool_calls"][0]["function"]["arguments"]
        .as_str()
        .unwrap();
    let inner = parse(args);
    assert_eq!(inner["username"], "bob");
    assert!(is_redacted(&inner["password"]), "{args}");
    assert!(inner["note"].as_str().unwrap().starts_with("mail <email:"));
    // Two levels deep.
    let doc2 = serde_json::json!({ "outer": serde_json::json!({ "inner": serde_json::json!({"secret": "x1y2"}).to_string() }).to_string() }).to_string();
    let out2 = redact(&doc2);
    assert!(!out2.contains("x1y2"), "{out2}");
    let o = parse(&out2);
    let i = parse(o["outer"].as_str().unwrap());
    let ii = parse(i["inner"].as_str().unwrap());
    assert!(is_redacted(&ii["secret"]), "{out2}");
}

#[test]
fn escaped_secrets_are_redacted_whole() {
    // A private key in JSON-escaped form, and a token behind \u escapes.
    let pem = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\\n7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS\\n-----END RSA PRIVATE KEY-----";
    let doc = format!(
        r#"{{"log":"loaded {pem} ok","t":"ghp\u005faBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"}}"#
    );
    let out = redact(&doc);
    let v = parse(&out);
    assert!(!out.contains("MIIEow"), "{out}");
    assert!(v["log"].as_str().unwrap().starts_with("loaded [REDACTED:"));
    assert!(v["log"].as_str().unwrap().ends_with("] ok"));
    assert!(!out.contains("aBcDeFgHiJ"), "{out}");
}

#[test]
fn card_numbers_written_as_numbers_become_strings() {
    let out = redact(r#"{"amount":12.5,"card":4111111111111111,"pin":1234,"ssn":"078-05-1120"}"#);
    let v = parse(&out);
    assert_eq!(v["amount"], 12.5);
    assert!(v["card"].as_str().unwrap().starts_with('<'), "{out}");
    assert_eq!(v["pin"], 1234);
    assert!(v["ssn"].as_str().unwrap().starts_with("<"), "{out}");
    assert!(!out.contains("4111111111111111") && !out.contains("078-05-1120"));
}

#[test]
fn keys_are_scanned_but_not_key_classified() {
    let out = redact(r#"{"bob@acme.io":{"password":"x"}}"#);
    assert!(!out.contains("bob@acme.io"), "{out}");
    let v = parse(&out);
    let (k, inner) = v.as_object().unwrap().iter().next().unwrap();
    assert!(k.starts_with("<email:"), "{out}");
    assert!(is_redacted(&inner["password"]), "{out}");
}

#[test]
fn long_fields_are_truncated_after_redaction() {
    let long = "a".repeat(100);
    let doc =
        format!(r#"{{"m":"{long} token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789","short":"ok"}}"#);
    let out = redact_with(&doc, Some(40));
    let v = parse(&out);
    let m = v["m"].as_str().unwrap();
    assert!(m.starts_with(&"a".repeat(40)), "{m}");
    assert!(
        m.ends_with("...[TRUNCATED:101 bytes]") || m.contains("[TRUNCATED:"),
        "{m}"
    );
    assert!(!out.contains("aBcDeFgHiJ"));
    assert_eq!(v["short"], "ok");
    // A cut never splits an escape or a character.
    let doc = format!(r#"{{"m":"{}\u00e9\n{}"}}"#, "b".repeat(38), "é".repeat(30));
    for max in 16..80 {
        let out = redact_with(&doc, Some(max));
        parse(&out);
    }
}

#[test]
fn not_json_is_an_error_and_writes_nothing() {
    let r = redactor();
    let jr = JsonRedactor::new(r, keys());
    let mut s = JsonScratch::new(r);
    for bad in [
        "{\"a\":",
        "{\"password\":\"x\"",
        "[1,2",
        "nope",
        "\"\\q\"",
        "{} {}",
    ] {
        let mut out = Vec::new();
        let e = jr.redact(bad.as_bytes(), &mut s, &mut out, None);
        assert!(e.is_err(), "{bad}");
        assert!(out.is_empty());
        // The error names an offset and a reason, never the input.
        let msg = e.unwrap_err().to_string();
        assert!(!msg.contains("password") || bad.contains("password") && !msg.contains("\"x\""));
    }
}

#[test]
fn pseudonyms_match_text_mode_and_restore() {
    let r = redactor();
    let jr = JsonRedactor::new(r, keys());
    let mut s = JsonScratch::new(r);
    let mut out = Vec::new();
    let mut map = RestoreMap::new();
    // The same email, escaped and plain, gets one pseudonym.
    let doc = r#"{"a":"bob@acme.io","b":"mail: bob\u0040acme.io"}"#;
    jr.redact(doc.as_bytes(), &mut s, &mut out, Some(&mut map))
        .unwrap();
    let v = parse(std::str::from_utf8(&out).unwrap());
    let a = v["a"].as_str().unwrap().to_string();
    assert!(v["b"].as_str().unwrap().ends_with(&a), "{v}");
    let mut scratch = r.db().scratch();
    let mut f = Vec::new();
    let text = r.redact(b"bob@acme.io", &mut scratch, &mut f);
    assert_eq!(text.as_ref(), a.as_bytes());
    assert_eq!(map.restore(a.as_bytes()).as_ref(), b"bob@acme.io");
}

#[test]
fn canaries_and_findings_are_reported_in_seen() {
    let r = redactor();
    let jr = JsonRedactor::new(r, keys());
    let mut s = JsonScratch::new(r);
    let mut out = Vec::new();
    let doc = r#"{"password":"x1","t":"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"}"#;
    jr.redact(doc.as_bytes(), &mut s, &mut out, None).unwrap();
    let ids: Vec<&str> = s.seen().iter().map(|x| r.db().rule(x.rule).id()).collect();
    assert!(ids.contains(&"github-pat"), "{ids:?}");
    assert!(ids.contains(&"secret-field"), "{ids:?}");
    assert_eq!(s.edits().len(), 2);
}

// ---- properties -------------------------------------------------------

const SECRET: &str = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("password".to_string()),
        Just("Authorization".to_string()),
        Just("msg".to_string()),
        Just("name".to_string()),
        Just("value".to_string()),
        Just("max_tokens".to_string()),
        "[a-zA-Z_]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "[ -~é\u{1F600}\n\t\"\\\\]{0,24}".prop_map(Value::String),
        Just(Value::String(format!("token {SECRET} end"))),
        Just(Value::String("mail bob@acme.io".into())),
        Just(Value::from(4111111111111111u64)),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner.clone()), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            // JSON inside a string.
            inner.prop_map(|v| Value::String(v.to_string())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn output_is_json_of_the_same_shape_and_secrets_never_survive(v in arb_json(), pretty in any::<bool>()) {
        let doc = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
        let out = redact(&doc);
        let back: Value = serde_json::from_str(&out).map_err(|e| TestCaseError::fail(format!("{e}: {out}")))?;
        prop_assert!(same_shape(&v, &back), "{doc}\n{out}");
        prop_assert!(!out.contains("aBcDeFgHiJkLmNoPqRsTuVwXyZ"), "{out}");
        prop_assert!(!out.contains("bob@acme.io") && !out.contains("bob\\u0040acme.io"), "{out}");
        // Idempotent: redacting again changes nothing.
        prop_assert_eq!(redact(&out), out.clone());
    }

    #[test]
    fn with_truncation_output_stays_json(v in arb_json(), max in 16usize..64) {
        let doc = v.to_string();
        let out = redact_with(&doc, Some(max));
        let back: Value = serde_json::from_str(&out).map_err(|e| TestCaseError::fail(format!("{e}: {out}")))?;
        prop_assert!(same_shape(&v, &back));
        prop_assert!(!out.contains("aBcDeFgHiJkLmNoPqRsTuVwXyZ"));
    }

    // Vowels and spaces only: no context word (`ssn`, `tel`, `phone` …) can
    // turn the number into a finding (`"ssn"` and 100010001 did).
    #[test]
    fn documents_without_findings_come_back_byte_identical(v in "[aeiou ]{0,20}", n in any::<i32>()) {
        let doc = format!("{{ \"msg\" : \"{v}\",\n  \"n\":{n} , \"arr\":[ true,null ] }}");
        prop_assert_eq!(redact(&doc), doc);
    }
}

#[test]
fn otlp_attribute_values_under_secret_names_are_redacted() {
    let doc = r#"{"attributes":[{"key":"http.request.header.x-api-key","value":{"arrayValue":{"values":[{"stringValue":"abc123"}]}}},{"key":"http.method","value":{"stringValue":"GET"}}]}"#;
    let out = redact(doc);
    let v = parse(&out);
    let a = &v["attributes"];
    assert_eq!(
        a[0]["value"]["arrayValue"]["values"][0]["stringValue"],
        "[REDACTED:secret-field]"
    );
    assert_eq!(a[1]["value"]["stringValue"], "GET");
}

#[test]
fn escaped_strings_are_judged_on_their_decoded_text() {
    // Raw, `\ns3_key=` reads as a key `ns3_key` holding a secret-looking
    // path; decoded it is `s3_key`, a key the rules know is not secret.
    let doc = r#"{"stdout":"TOKEN_X=1\ns3_key=exports/2019/report.csv\n"}"#;
    assert_eq!(redact(doc), doc);
    // And the decoded text finds what the raw one glues to an escape.
    let doc = r#"{"m":"a\tghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\nbob@acme.io"}"#;
    let out = redact(doc);
    assert!(
        out.starts_with(r#"{"m":"a\t[REDACTED:github-pat]\n<email:"#),
        "{out}"
    );
}

#[test]
fn a_pseudonym_is_no_context_for_its_neighbour() {
    // Found by the shape property test: `<card:…>` written for the first
    // number made the 19-digit second one (which needs a card word nearby)
    // a card on a second pass.
    let once = redact("[[4111111111111111, 4509263347668942439]]");
    assert_eq!(redact(&once), once);
    assert!(once.ends_with(", 4509263347668942439]]"), "{once}");
}

// ---- queued documents (JSON Lines) ------------------------------------

const PEM_BODY: &str = "MIIEowIBAAKCAQEAx3b9Qm1vT0pLk2WcYzN5dR8sJ4hFqEaB7uKxGtVnP0iLoZ6y\n\
                        c2VjcmV0LWtleS1ib2R5LWZvci10ZXN0cy1vbmx5LW5vdC1yZWFsLWF0LWFsbAo1\n";

/// A line of a JSON Lines input: a record, or a line that is not JSON.
#[derive(Clone, Debug)]
enum Line {
    Doc(String),
    Text(String),
}

fn arb_line() -> impl Strategy<Value = Line> {
    let pem_begin = "-----BEGIN RSA PRIVATE KEY-----\n";
    let pem_end = "-----END RSA PRIVATE KEY-----\n";
    let text = prop_oneof![
        Just(pem_begin.to_string()),
        Just(PEM_BODY.to_string()),
        Just(pem_end.to_string()),
        Just(format!("token={SECRET}\n")),
        Just("mail bob@acme.io from 10.0.0.7\n".to_string()),
        Just("\n".to_string()),
        Just("{\"cut\": \n".to_string()),
        "[ -~]{0,30}\n",
    ];
    // Records whose strings end or start inside a PEM block: scanned
    // alone, no block; queued together, the block must not be joined.
    let doc = prop_oneof![
        arb_json().prop_map(|v| v.to_string()),
        Just(serde_json::json!({"log": format!("key:\n{pem_begin}")}).to_string()),
        Just(serde_json::json!({"log": format!("{PEM_BODY}{pem_end}")}).to_string()),
        Just(serde_json::json!({"k": format!("{pem_begin}{PEM_BODY}{pem_end}")}).to_string()),
    ];
    prop_oneof![doc.prop_map(Line::Doc), text.prop_map(Line::Text)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Records and text queued together and scanned once: each record comes
    /// out as redacting it alone gives; the texts are scanned joined (the
    /// records between them taken out, so a PEM block that a record
    /// interrupts is found whole), each getting the joined findings that
    /// touch it, cut at its ends, without its line end where a finding goes
    /// on into the next text.
    #[test]
    fn queued_records_redact_as_each_alone_and_texts_as_one(lines in prop::collection::vec(arb_line(), 1..12)) {
        let r = redactor();
        let jr = JsonRedactor::new(r, keys());
        let mut s = JsonScratch::new(r);
        let mut queued = Vec::new();
        for l in &lines {
            match l {
                Line::Doc(d) => queued.push((jr.queue(d.as_bytes(), &mut s).unwrap(), d.clone(), true)),
                Line::Text(t) => {
                    // Text after text extends it.
                    let q = jr.queue_text(t.as_bytes(), &mut s);
                    match queued.last_mut() {
                        Some((last, run, false)) if *last == q => run.push_str(t),
                        _ => queued.push((q, t.clone(), false)),
                    }
                }
            }
        }
        jr.scan_queued(&mut s);
        let joined: String = queued.iter().filter(|x| !x.2).map(|x| x.1.as_str()).collect();
        let mut engine = r.db().scratch();
        let mut whole = Vec::new();
        r.db().scan(joined.as_bytes(), &mut engine, &mut whole);
        let mut alone = JsonScratch::new(r);
        let mut at = 0;
        for (q, item, doc) in &queued {
            if *doc {
                let (mut got, mut want) = (Vec::new(), Vec::new());
                prop_assert!(jr.finish(*q, item.as_bytes(), &mut s, &mut got, None));
                jr.redact(item.as_bytes(), &mut alone, &mut want, None).unwrap();
                prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
                prop_assert_eq!(s.edits(), alone.edits());
                prop_assert_eq!(s.seen(), alone.seen());
            } else {
                let end = at + item.len();
                let want: Vec<stanch_engine::Finding> = whole
                    .iter()
                    .filter(|f| f.start < end && f.end > at)
                    .map(|f| {
                        let (a, mut b) = (f.start.max(at), f.end.min(end));
                        while f.end > end && b > a && matches!(joined.as_bytes()[b - 1], b'\n' | b'\r') {
                            b -= 1;
                        }
                        stanch_engine::Finding { start: a - at, end: b - at, rule: f.rule }
                    })
                    .filter(|f| f.start < f.end)
                    .collect();
                prop_assert_eq!(s.text_findings(*q), &want[..], "{}", item);
                // Text is no document.
                prop_assert!(!jr.finish(*q, item.as_bytes(), &mut s, &mut Vec::new(), None));
                at = end;
            }
        }
    }
}

#[test]
fn a_record_is_finished_only_with_its_own_bytes_after_the_scan() {
    let r = redactor();
    let jr = JsonRedactor::new(r, keys());
    let mut s = JsonScratch::new(r);
    let doc = format!(r#"{{"t":"{SECRET}"}}"#);
    let q = jr.queue(doc.as_bytes(), &mut s).unwrap();
    let mut out = Vec::new();
    assert!(
        !jr.finish(q, doc.as_bytes(), &mut s, &mut out, None),
        "not scanned yet"
    );
    jr.scan_queued(&mut s);
    assert!(!jr.finish(q, b"{}", &mut s, &mut out, None), "other bytes");
    assert!(out.is_empty(), "nothing written when refused");
    assert!(jr.finish(q, doc.as_bytes(), &mut s, &mut out, None));
    assert!(!String::from_utf8(out).unwrap().contains(SECRET));
    assert!(jr.queue(b"{\"cut\": ", &mut s).is_err());
    assert!(s.queued_bytes() > 0);
    let before = s.queued_bytes();
    jr.queue_text(b"plain line\n", &mut s);
    assert_eq!(s.queued_bytes(), before + 11, "text counts too");
    s.clear_queue();
    assert_eq!(s.queued_bytes(), 0);
}

/// A PEM block whose lines another writer's record interrupts: while the
/// block is open, the hold starts in the text before the record (the caller
/// holds the record too); once the END line is queued nothing is held.
#[test]
fn an_open_key_is_held_from_its_text_even_with_records_queued_after_it() {
    let r = redactor();
    let jr = JsonRedactor::new(r, keys());
    let mut s = JsonScratch::new(r);
    let b1 = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n";
    let first = format!("boot ok\n-----BEGIN RSA PRIVATE KEY-----\n{b1}");
    let t = jr.queue_text(first.as_bytes(), &mut s);
    jr.queue(br#"{"msg":"other writer"}"#, &mut s).unwrap();
    jr.scan_queued(&mut s);
    assert_eq!(
        jr.held_text(&s),
        Some((t, "boot ok\n".len())),
        "held from the BEGIN line, though a record was queued after it"
    );
    // More of the key, then its end: the block is whole.
    jr.queue_text(b1.as_bytes(), &mut s);
    jr.scan_queued(&mut s);
    assert_eq!(jr.held_text(&s).map(|(q, _)| q), Some(t), "still open");
    jr.queue_text(b"-----END RSA PRIVATE KEY-----\n", &mut s);
    jr.scan_queued(&mut s);
    assert_eq!(jr.held_text(&s), None, "nothing can follow an END line");
    let f = s.text_findings(t);
    assert_eq!(f.len(), 1, "the key's part before the record is a finding");
    assert_eq!(f[0].start, "boot ok\n".len());
    // Records alone hold nothing, even one whose string holds a BEGIN line.
    s.clear_queue();
    jr.queue(br#"{"k":"-----BEGIN RSA PRIVATE KEY-----\nMIIE"}"#, &mut s)
        .unwrap();
    jr.scan_queued(&mut s);
    assert_eq!(jr.held_text(&s), None);
    // Not scanned yet: nothing to say.
    s.clear_queue();
    jr.queue_text(first.as_bytes(), &mut s);
    assert_eq!(jr.held_text(&s), None);
}

#[test]
fn a_scratch_shared_by_redactors_with_other_key_lists_uses_each_list() {
    // Key classes are remembered per scratch: they must come from the
    // redactor's own list.
    let r = redactor();
    let plain = SecretKeys::default();
    let custom = SecretKeys::new(&["build_label"], &[]);
    let doc = br#"{"build_label":"x1y2z3","note":"ok"}"#;
    let mut s = JsonScratch::new(r);
    let run = |keys: &SecretKeys, s: &mut JsonScratch| {
        let mut out = Vec::new();
        JsonRedactor::new(r, keys)
            .redact(doc, s, &mut out, None)
            .unwrap();
        String::from_utf8(out).unwrap()
    };
    for _ in 0..2 {
        let a = run(&plain, &mut s);
        assert_eq!(a.as_bytes(), doc);
        let b = run(&custom, &mut s);
        assert!(!b.contains("x1y2z3") && b.contains("\"ok\""), "{b}");
    }
}

/// A string that only looks like JSON (a log of JSON lines) is scanned with
/// the rest of its document, in the document's one scan; a string that
/// holds JSON is walked as a document of its own. Both are redacted.
#[test]
fn a_string_that_only_looks_like_json_is_scanned_with_its_document() {
    use stanch_engine::{Finding, RuleDb, Scratch};
    use std::sync::atomic::{AtomicUsize, Ordering};
    /// Counts the scans.
    #[derive(Debug, Default)]
    struct Scans(AtomicUsize);
    impl stanch_engine::Extension for Scans {
        fn find(&self, _: &RuleDb, _: &[u8], _: &mut Scratch, _: &mut Vec<Finding>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    let scans = Arc::new(Scans::default());
    let r = Redactor::new(
        stanch_engine::pack::builtin()
            .unwrap()
            .with_extension(scans.clone()),
        Key::parse(&[b'k'; 32]).unwrap(),
        Policy::default(),
    );
    let run = |doc: &str| {
        let mut out = Vec::new();
        scans.0.store(0, Ordering::Relaxed);
        JsonRedactor::new(&r, keys())
            .redact(doc.as_bytes(), &mut JsonScratch::new(&r), &mut out, None)
            .unwrap();
        (
            String::from_utf8(out).unwrap(),
            scans.0.load(Ordering::Relaxed),
        )
    };
    let (plain, one) = run(r#"{"log":"user bob@acme.io","n":1}"#);
    assert!(!plain.contains("bob@acme.io"), "{plain}");
    let lines =
        r#"{"log":"{\"a\":1}\n{\"password\":\"Hunter2Hunter2x\"}\nuser bob@acme.io","n":1}"#;
    let (out, n) = run(lines);
    assert!(
        !out.contains("Hunter2Hunter2x") && !out.contains("bob@acme.io"),
        "{out}"
    );
    assert!(
        out.starts_with(r#"{"log":"{\"a\":1}\n{\"password\":\""#),
        "{out}"
    );
    assert_eq!(n, one, "scanned with its document");
    let nested = r#"{"body":"{\"password\":\"Hunter2Hunter2x\",\"to\":\"bob@acme.io\"}"}"#;
    let (out, n) = run(nested);
    assert!(
        !out.contains("Hunter2Hunter2x") && !out.contains("bob@acme.io"),
        "{out}"
    );
    assert!(n > one, "walked as a document of its own: {n}");
}
