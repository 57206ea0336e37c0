//! Arbitrary bytes -> a `TaintSet` built from the first bytes, scanning the
//! rest (with the built-in pack plus the set as an extension).
//!
//! Input: one byte `n` (number of values, mod 4), then `n` values each
//! given as a length byte (mod 32) and that many bytes; the rest is the
//! text. Never panics; the extension's findings are in bounds, non-empty,
//! disjoint and no longer than its `max_window`; every raw occurrence of a
//! registered value is covered by a scan finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stanch_engine::{pack, Extension, RuleDb};
use stanch_redact::taint::{TaintBuilder, TaintKind, MIN_LEN};
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

fn base() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| pack::builtin().expect("built-in pack compiles"))
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, mut rest)) = data.split_first() else {
        return;
    };
    let mut values: Vec<&[u8]> = Vec::new();
    for _ in 0..(n % 4) {
        let Some((&len, r)) = rest.split_first() else {
            break;
        };
        let len = usize::from(len % 32).min(r.len());
        values.push(&r[..len]);
        rest = &r[len..];
    }
    let hay = rest;
    let mut b = TaintBuilder::new();
    for (i, v) in values.iter().enumerate() {
        let kind = if i % 2 == 0 {
            TaintKind::Registered
        } else {
            TaintKind::Canary
        };
        b.add(Zeroizing::new(v.to_vec()), "fuzz", kind);
    }
    let (set, _warnings) = b.build(base()).expect("small sets always build");
    let set = Arc::new(set);
    let db = base().with_extension(set.clone());

    let mut found = Vec::new();
    set.find(&db, hay, &mut db.scratch(), &mut found);
    found.sort_by_key(|f| f.start);
    for f in &found {
        assert!(f.start < f.end && f.end <= hay.len(), "bad span {f:?}");
        assert!(f.len() <= set.max_window(), "span {f:?} over max_window");
    }
    for w in found.windows(2) {
        assert!(w[0].end <= w[1].start, "overlapping findings {w:?}");
    }

    let mut scratch = db.scratch();
    let mut out = Vec::new();
    db.scan(hay, &mut scratch, &mut out);
    for v in values.iter().filter(|v| v.len() >= MIN_LEN) {
        let mut at = 0;
        while let Some(p) = memchr::memmem::find(&hay[at..], v) {
            let (s, e) = (at + p, at + p + v.len());
            // Covered by the union of findings (adjacent pieces of a long run).
            let mut pos = s;
            for f in &out {
                if f.start <= pos && f.end > pos {
                    pos = f.end;
                }
            }
            assert!(pos >= e, "value occurrence at {s}..{e} not covered");
            at = s + 1;
        }
    }
});
