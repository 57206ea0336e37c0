//! Arbitrary bytes -> `RuleDb::scan` with the built-in pack.
//!
//! Findings must be non-empty, in bounds, sorted by start, with containment
//! resolved (no finding contains another); `scan_all` findings must each be
//! covered by a `scan` finding; `scan_parallel` (cut into small segments on
//! three threads) must give the same findings and hold as `scan`. One
//! `Scratch` is reused across inputs, as a long-running scanner would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stanch_engine::{pack, Finding, RuleDb, Scratch};
use std::cell::RefCell;
use std::sync::OnceLock;

fn db() -> &'static RuleDb {
    static DB: OnceLock<RuleDb> = OnceLock::new();
    DB.get_or_init(|| pack::builtin().expect("built-in pack compiles"))
}

thread_local! {
    static SCRATCH: RefCell<(Scratch, Vec<Finding>, Vec<Finding>)> =
        RefCell::new((db().scratch(), Vec::new(), Vec::new()));
    static PAR: RefCell<(Vec<Scratch>, Vec<Finding>)> =
        RefCell::new(((0..3).map(|_| db().scratch()).collect(), Vec::new()));
}

fuzz_target!(|data: &[u8]| {
    SCRATCH.with(|cell| {
        let (scratch, found, all) = &mut *cell.borrow_mut();
        db().scan(data, scratch, found);
        for f in found.iter() {
            assert!(f.start < f.end, "empty finding {f:?}");
            assert!(
                f.end <= data.len(),
                "finding {f:?} past the end ({})",
                data.len()
            );
            assert!(f.rule.index() < db().len());
        }
        for w in found.windows(2) {
            assert!(w[0].start < w[1].start, "unsorted findings {w:?}");
            assert!(w[0].end < w[1].end, "nested findings {w:?}");
        }
        if let Some(h) = scratch.hold_from() {
            assert!(
                h <= data.len(),
                "hold_from {h} past the end ({})",
                data.len()
            );
        }
        let hold = scratch.hold_from();
        PAR.with(|par| {
            let (scratches, pfound) = &mut *par.borrow_mut();
            db().scan_parallel_segments(data, scratches, pfound, 64);
            assert_eq!(pfound, found, "scan_parallel differs from scan");
            assert_eq!(scratches[0].hold_from(), hold, "scan_parallel hold differs");
        });
        db().scan_all(data, scratch, all);
        for f in all.iter() {
            assert!(
                f.start < f.end && f.end <= data.len(),
                "scan_all: bad finding {f:?}"
            );
            assert!(
                found.iter().any(|g| g.start <= f.start && f.end <= g.end),
                "scan_all finding {f:?} not covered by scan findings {found:?}"
            );
        }
    });
});
