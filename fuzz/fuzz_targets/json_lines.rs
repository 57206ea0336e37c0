//! Arbitrary bytes, cut into lines -> JSON Lines redaction a block at a
//! time (`JsonRedactor::queue` / `queue_text` / `scan_queued` / `finish`).
//!
//! Every record comes out as redacting it alone gives. The lines that are
//! not JSON are scanned joined (the records between them taken out): each
//! run gets the joined findings that touch it, cut at its ends, without its
//! line end where a finding goes on into the next run.
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
    let joined: Vec<u8> = queued
        .iter()
        .filter(|x| !x.2)
        .flat_map(|x| x.1.iter().copied())
        .collect();
    let mut engine = r.db().scratch();
    let mut whole = Vec::new();
    r.db().scan(&joined, &mut engine, &mut whole);
    let mut alone = JsonScratch::new(r);
    let mut at = 0;
    for (q, bytes, record) in &queued {
        if *record {
            let (mut got, mut want) = (Vec::new(), Vec::new());
            assert!(jr.finish(*q, bytes, &mut s, &mut got, None));
            jr.redact(bytes, &mut alone, &mut want, None).unwrap();
            assert!(got == want, "a record differs from redacting it alone");
            assert_eq!(s.seen(), alone.seen());
        } else {
            let end = at + bytes.len();
            let want: Vec<_> = whole
                .iter()
                .filter(|f| f.start < end && f.end > at)
                .map(|f| {
                    let (a, mut b) = (f.start.max(at), f.end.min(end));
                    while f.end > end && b > a && matches!(joined[b - 1], b'\n' | b'\r') {
                        b -= 1;
                    }
                    (a - at, b - at, f.rule)
                })
                .filter(|(a, b, _)| a < b)
                .collect();
            let got: Vec<_> = s
                .text_findings(*q)
                .iter()
                .map(|f| (f.start, f.end, f.rule))
                .collect();
            assert_eq!(got, want, "text findings differ");
            at = end;
        }
    }
});
