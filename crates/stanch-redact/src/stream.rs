//! Scanning and redacting a stream in bounded memory.
//!
//! The stream is read in chunks. Each round scans the buffer, then hands on
//! everything up to a *cut*: the last line end (so a live `kubectl logs -f`
//! pipe gets each line as soon as it is complete), moved back so that it never
//! splits a finding or an unfinished multiline match (a PEM block whose end
//! has not arrived). A line longer than the chunk is cut mid-line, keeping an
//! overlap of the longest rule window after the cut (so every match that
//! starts before the cut is seen whole) and some already-handed-on context
//! before it (so rules see the same surroundings next round). Memory stays at
//! about one chunk plus one overlap, whatever the input size or line length.

use crate::redactor::{Redactor, Stats};
use stanch_engine::{Finding, RuleDb, Scratch};
use std::io::{self, ErrorKind, Read, Write};

/// Default chunk size.
pub const DEFAULT_CHUNK: usize = 1 << 20;

/// Scans `reader` chunk by chunk. `sink(base, bytes, findings)` receives
/// consecutive pieces of the input (`base` is the offset of `bytes[0]` in
/// the stream) with the findings inside that piece (offsets relative to
/// `bytes`, sorted). Every input byte is passed to `sink` exactly once, in
/// order. Returns the number of bytes read.
pub fn scan_stream<R: Read>(
    db: &RuleDb,
    scratch: &mut Scratch,
    mut reader: R,
    chunk: usize,
    mut sink: impl FnMut(u64, &[u8], &[Finding]) -> io::Result<()>,
) -> io::Result<u64> {
    let overlap = db.max_window() + 1024;
    let chunk = chunk.max(overlap * 4);
    let mut buf: Vec<u8> = Vec::with_capacity(chunk + overlap + CONTEXT);
    let mut base: u64 = 0;
    let mut found: Vec<Finding> = Vec::new();
    let mut piece: Vec<Finding> = Vec::new();
    // `buf[..done]` was handed on already: kept only as context (the text
    // before a mid-line cut) so rules see the same surroundings as they
    // would in one buffer.
    let mut done = 0usize;
    let mut eof = false;
    loop {
        let before = buf.len();
        let want = (chunk + overlap + done).saturating_sub(before).max(4096);
        buf.resize(before + want, 0);
        let n = loop {
            match reader.read(&mut buf[before..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    buf.truncate(before);
                    return Err(e);
                }
            }
        };
        buf.truncate(before + n);
        if n == 0 {
            eof = true;
        }
        // Nothing can be handed on until a line completes or the buffer is full.
        if !eof && buf.len() - done < chunk && memchr::memchr(b'\n', &buf[before..]).is_none() {
            continue;
        }
        db.scan(&buf, scratch, &mut found);
        // Findings inside the context were handled last round; one reaching
        // into the new part is clipped to it.
        found.retain_mut(|f| {
            if f.end <= done {
                return false;
            }
            f.start = f.start.max(done);
            true
        });
        let cut = if eof {
            buf.len()
        } else {
            choose_cut(&buf, done, &found, scratch.hold_from(), chunk, overlap)
        };
        if cut > done {
            let k = found.partition_point(|f| f.start < cut);
            piece.clear();
            piece.extend(found[..k].iter().map(|f| Finding {
                start: f.start - done,
                end: f.end - done,
                rule: f.rule,
            }));
            sink(base, &buf[done..cut], &piece)?;
            base += (cut - done) as u64;
            // Keep context only when cutting inside a line.
            let keep = if buf[cut - 1] != b'\n' {
                CONTEXT.min(cut)
            } else {
                0
            };
            buf.drain(..cut - keep);
            done = keep;
        }
        if eof {
            return Ok(base);
        }
    }
}

/// Bytes kept before a mid-line cut: more than any rule looks back from a keyword.
const CONTEXT: usize = 4096;

/// Where to cut the buffer this round (`done` = hand on nothing yet).
fn choose_cut(
    buf: &[u8],
    done: usize,
    found: &[Finding],
    hold: Option<usize>,
    chunk: usize,
    overlap: usize,
) -> usize {
    let mut cut = memchr::memrchr(b'\n', &buf[done..]).map_or(done, |p| done + p + 1);
    if let Some(h) = hold {
        cut = cut.min(h.max(done));
    }
    if cut == done && buf.len() - done >= chunk {
        // One huge line: cut inside it, keeping the overlap.
        cut = buf.len() - overlap;
    }
    // Never split a finding: move the cut to the start of any that straddles it.
    loop {
        let mut moved = false;
        for f in found {
            if f.start < cut && f.end > cut {
                cut = f.start.max(done);
                moved = true;
            }
        }
        if !moved {
            return cut;
        }
    }
}

/// Redacts `reader` into `writer` in bounded memory; flushes after every
/// piece so a live pipe sees each line as soon as it is complete.
pub fn redact_stream<R: Read, W: Write>(
    redactor: &Redactor,
    scratch: &mut Scratch,
    reader: R,
    mut writer: W,
    chunk: usize,
) -> io::Result<Stats> {
    let mut stats = Stats::default();
    let mut counter = CountingWriter {
        inner: &mut writer,
        n: 0,
    };
    let total = scan_stream(
        redactor.db(),
        scratch,
        reader,
        chunk,
        |_, bytes, findings| {
            stats.findings += findings.len() as u64;
            stats.redacted += redactor.write_redacted(bytes, findings, &mut counter)?;
            counter.flush()
        },
    )?;
    stats.bytes_in = total;
    stats.bytes_out = counter.n;
    Ok(stats)
}

struct CountingWriter<'a, W: Write> {
    inner: &'a mut W,
    n: u64,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Key, Policy};

    fn redactor() -> Redactor {
        let db = stanch_engine::pack::builtin().unwrap();
        Redactor::new(db, Key::parse(&[b'k'; 32]).unwrap(), Policy::default())
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

    fn whole(r: &Redactor, data: &[u8]) -> Vec<u8> {
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        r.redact(data, &mut s, &mut f).into_owned()
    }

    fn streamed(r: &Redactor, data: &[u8], step: usize, chunk: usize) -> Vec<u8> {
        let mut s = r.db().scratch();
        let mut out = Vec::new();
        redact_stream(r, &mut s, Trickle { data, step }, &mut out, chunk).unwrap();
        out
    }

    #[test]
    fn stream_equals_whole_buffer() {
        let r = redactor();
        let mut data = Vec::new();
        for i in 0..3000 {
            data.extend_from_slice(
                format!("{i} INFO user=u{i}@acme.io token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567{:02}\n", i % 100)
                    .as_bytes(),
            );
        }
        let expect = whole(&r, &data);
        for step in [1, 7, 4096, 1 << 20] {
            assert_eq!(streamed(&r, &data, step, 0), expect, "step {step}");
        }
    }

    #[test]
    fn huge_line_is_cut_without_losing_findings() {
        let r = redactor();
        let mut data = Vec::new();
        for i in 0..40_000 {
            data.extend_from_slice(
                format!(
                    " x{i} token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567{:02}",
                    i % 100
                )
                .as_bytes(),
            );
        }
        let out = streamed(&r, &data, 65536, 0);
        assert_eq!(out, whole(&r, &data));
        assert!(!out.windows(4).any(|w| w == b"ghp_"));
    }

    #[test]
    fn empty_and_clean_input() {
        let r = redactor();
        assert!(streamed(&r, b"", 10, 0).is_empty());
        let clean = b"no secrets here\nnone at all";
        assert_eq!(streamed(&r, clean, 3, 0), clean);
    }
}
