//! Arbitrary UTF-8 -> `pack::parse_rule_file` -> `RuleDb::new`: errors are
//! fine, panics are not. A rule file that compiles is then run: scanning its
//! own text and `rules check` must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stanch_engine::{check, pack, RuleDb};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(specs) = pack::parse_rule_file("fuzz.toml", text) else {
        return;
    };
    let Ok(db) = RuleDb::new(specs) else {
        return;
    };
    let mut scratch = db.scratch();
    let mut found = Vec::new();
    db.scan(data, &mut scratch, &mut found);
    for f in &found {
        assert!(f.start < f.end && f.end <= data.len(), "bad finding {f:?}");
    }
    let _ = check::check(&db);
});
