//! Arbitrary bytes, cut into lines -> JSON Lines redaction a block at a
//! time (`JsonRedactor::queue` / `queue_text` / `scan_queued` / `finish`).
//!
//! Every record comes out as redacting it alone gives, and every run of
//! lines that are not JSON gets the findings of scanning it alone: one scan
//! of the block must not join records, or a record and its neighbours.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use common::redactor;
use stanch_redact::structured::{JsonRedactor, JsonScratch, SecretKeys};

fuzz_target!(|data: &[u8]| {
    let data = &data[..data.len().min(1 << 14)];
    let r = redactor();
    let keys = SecretKeys::default();
    let jr = JsonRedactor::new(r, &keys);
    let mut s = JsonScratch::new(r);
    // (queued, bytes, is a record)
    let mut queued: Vec<(_, Vec<u8>, bool)> = Vec::new();
    for line in data.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        match jr.queue(body, &mut s) {
            Ok(q) => queued.push((q, body.to_vec(), true)),
            Err(_) => {
                let q = jr.queue_text(line, &mut s);
                match queued.last_mut() {
                    Some((last, run, false)) if *last == q => run.extend_from_slice(line),
                    _ => queued.push((q, line.to_vec(), false)),
                }
            }
        }
    }
    jr.scan_queued(&mut s);
    let mut alone = JsonScratch::new(r);
    let mut engine = r.db().scratch();
    for (q, bytes, record) in &queued {
        if *record {
            let (mut got, mut want) = (Vec::new(), Vec::new());
            assert!(jr.finish(*q, bytes, &mut s, &mut got, None));
            jr.redact(bytes, &mut alone, &mut want, None).unwrap();
            assert!(got == want, "a record differs from redacting it alone");
            assert_eq!(s.seen(), alone.seen());
        } else {
            let mut want = Vec::new();
            r.db().scan(bytes, &mut engine, &mut want);
            assert_eq!(s.text_findings(*q), &want[..], "text findings differ");
        }
    }
});
