//! Arbitrary bytes -> streaming redaction must equal whole-buffer redaction.
//!
//! Input layout: byte 0 picks the style, bytes 1-2 the read step (1..=65536
//! bytes per `read`), byte 3 a repeat count (the body is repeated up to
//! 256 times, at most 256 KiB, so that short fuzz inputs still make lines
//! longer than the streaming chunk), byte 4 the chunk size argument; the rest
//! is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stanch_redact::stream::redact_stream;
use stanch_redact::{Key, Policy, Redactor, Style};
use std::io::{self, Read};
use std::sync::OnceLock;

fn redactors() -> &'static [Redactor] {
    static R: OnceLock<Vec<Redactor>> = OnceLock::new();
    R.get_or_init(|| {
        let db = stanch_engine::pack::builtin().expect("built-in pack compiles");
        let key = Key::parse(&[b'k'; 32]).unwrap();
        [
            None,
            Some(Style::Placeholder),
            Some(Style::Pseudonym),
            Some(Style::Mask),
            Some(Style::Hash),
        ]
        .into_iter()
        .map(|style| {
            Redactor::new(
                db.clone(),
                key.clone(),
                Policy {
                    style,
                    ..Policy::default()
                },
            )
        })
        .collect()
    })
}

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

fuzz_target!(|input: &[u8]| {
    if input.len() < 5 {
        return;
    }
    let rs = redactors();
    let r = &rs[input[0] as usize % rs.len()];
    let step = u16::from_le_bytes([input[1], input[2]]) as usize + 1;
    let repeat = input[3] as usize + 1;
    let chunk = (input[4] as usize) << 10;
    let body = &input[5..];
    let mut data = Vec::with_capacity(body.len() * repeat);
    for _ in 0..repeat {
        if data.len() + body.len() > 256 << 10 {
            break;
        }
        data.extend_from_slice(body);
    }

    let mut scratch = r.db().scratch();
    let mut findings = Vec::new();
    let whole = r.redact(&data, &mut scratch, &mut findings).into_owned();

    let mut out = Vec::new();
    let stats = redact_stream(
        r,
        &mut scratch,
        Trickle { data: &data, step },
        &mut out,
        chunk,
    )
    .expect("reading a slice and writing a Vec cannot fail");
    assert_eq!(stats.bytes_in, data.len() as u64);
    assert_eq!(stats.bytes_out, out.len() as u64);
    if out != whole {
        let at = out
            .iter()
            .zip(&whole)
            .position(|(a, b)| a != b)
            .unwrap_or(out.len().min(whole.len()));
        let lo = at.saturating_sub(100);
        panic!(
            "stream differs from whole-buffer redaction at byte {at} (step {step}, chunk {chunk}, {} input bytes)\nstream: {:?}\n whole: {:?}",
            data.len(),
            String::from_utf8_lossy(&out[lo..(at + 100).min(out.len())]),
            String::from_utf8_lossy(&whole[lo..(at + 100).min(whole.len())]),
        );
    }
});
