//! Property test for restoring: for any text made of recorded and unknown
//! pseudonyms and look-alike noise, and any chunking, streamed restore
//! equals whole restore; and redact-with-recording then restore gives the
//! original text back for PII.

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use stanch_redact::{EmailDomain, Key, Policy, Redactor, RestoreMap};

fn map() -> RestoreMap {
    let mut m = RestoreMap::new();
    m.record("email", "1a2b3c4d", b"Bob@Acme.io");
    m.record("email", "0badf00d", b"ann%40corp.io");
    m.record("phone", "00ff00ff", b"+1 415 555 0100");
    m
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<email:1a2b3c4d>".to_string()),
        Just("<phone:00ff00ff>".to_string()),
        Just("u-1a2b3c4d@acme.io".to_string()),
        Just("u-0badf00d%40corp.io".to_string()),
        Just("<email:deadbeef>".to_string()),
        Just("u-1a2b3c4d@acme.io.x".to_string()),
        Just("xu-1a2b3c4d@acme.io".to_string()),
        "[ <>:u@.a-f0-9-]{0,12}",
        "[a-z ]{0,300}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn streamed_restore_equals_whole_restore(
        pieces in prop::collection::vec(piece(), 0..24),
        cuts in prop::collection::vec(1usize..400, 1..16),
    ) {
        let m = map();
        let text = pieces.concat();
        let whole = m.restore(text.as_bytes()).into_owned();
        let mut r = m.restorer();
        let mut out = Vec::new();
        let mut rest = text.as_bytes();
        let mut k = 0;
        while !rest.is_empty() {
            let n = cuts[k % cuts.len()].min(rest.len());
            r.push(&rest[..n], &mut out);
            rest = &rest[n..];
            k += 1;
        }
        r.finish(&mut out);
        prop_assert_eq!(out, whole);
    }

    #[test]
    fn redact_recording_then_restore_round_trips_pii(
        local in "[a-z]{1,8}(\\.[a-z]{1,6})?",
        domain in "[a-z]{2,10}\\.(io|com|org)",
        keep in any::<bool>(),
    ) {
        static DB: std::sync::OnceLock<stanch_engine::RuleDb> = std::sync::OnceLock::new();
        let db = DB.get_or_init(|| stanch_engine::pack::builtin().unwrap()).clone();
        let policy = Policy {
            email_domain: if keep { EmailDomain::Keep } else { EmailDomain::Hide },
            ..Policy::default()
        };
        let r = Redactor::new(db, Key::parse(&[b'k'; 32]).unwrap(), policy);
        let text = format!("user {local}@{domain} logged in; notify {local}@{domain}\n");
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        let mut m = RestoreMap::new();
        let red = r.redact_recording(text.as_bytes(), &mut s, &mut f, &mut m).into_owned();
        // Preceded by the space it follows in the text: with the domain
        // kept, `u-1a2b3c4b@x.io` ends with `b@x.io` and is not a leak.
        let addr = format!(" {local}@{domain}");
        let leaked = memchr::memmem::find(&red, addr.as_bytes()).is_some();
        prop_assert!(!leaked);
        prop_assert_eq!(m.restore(&red).into_owned(), text.into_bytes());
    }
}
