//! Scanning and redacting a stream in bounded memory.
//!
//! The stream is read in chunks. Each round scans the buffer, then hands on
//! everything up to a *cut*: the last line end (so a live `kubectl logs -f`
//! pipe gets each line as soon as it is complete), moved back so that it never
//! splits a finding or an unfinished multiline match (a PEM block whose end
//! has not arrived). Some already-handed-on text before the cut is kept as
//! context, so rules and finders see the same surroundings next round as in
//! one buffer. A line longer than the chunk is cut mid-line, keeping an
//! overlap of the longest rule window after the cut (so every match that
//! starts before the cut is seen whole). Memory stays at
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
    reader: R,
    chunk: usize,
    sink: impl FnMut(u64, &[u8], &[Finding]) -> io::Result<()>,
) -> io::Result<u64> {
    scan_stream_par(db, std::slice::from_mut(scratch), reader, chunk, sink)
}

/// [`scan_stream`] on `scratches.len()` threads: each round's buffer (of
/// `chunk` bytes per thread) is scanned by [`RuleDb::scan_parallel`]; what
/// `sink` receives is the same. Memory grows by one chunk and one set of
/// regex caches per thread.
pub fn scan_stream_par<R: Read>(
    db: &RuleDb,
    scratches: &mut [Scratch],
    mut reader: R,
    chunk: usize,
    mut sink: impl FnMut(u64, &[u8], &[Finding]) -> io::Result<()>,
) -> io::Result<u64> {
    assert!(!scratches.is_empty(), "at least one scratch");
    let overlap = db.max_window() + 1024;
    let chunk = chunk.saturating_mul(scratches.len()).max(overlap * 4);
    // `buf[..filled]` holds input; `buf` itself only grows, so its bytes
    // are zeroed once, not on every round. It is kept for the thread's next
    // stream: scanning many small files, allocating, zeroing and growing a
    // round's buffer (~1 MB) per file took a third of the time.
    let mut round = RoundBuf::take();
    let buf = &mut round.buf;
    let mut filled = 0usize;
    let mut base: u64 = 0;
    let mut found: Vec<Finding> = Vec::new();
    let mut piece: Vec<Finding> = Vec::new();
    // `buf[..done]` was handed on already: kept only as context (the text
    // before a mid-line cut) so rules see the same surroundings as they
    // would in one buffer.
    let mut done = 0usize;
    let mut eof = false;
    loop {
        let before = filled;
        let want = (chunk + overlap + done).saturating_sub(before).max(4096);
        if buf.len() < before + want {
            buf.resize(before + want, 0);
        }
        let n = loop {
            match reader.read(&mut buf[before..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        filled = before + n;
        round.used = round.used.max(filled);
        if n == 0 {
            eof = true;
        }
        // Nothing can be handed on until a line completes or the buffer is full.
        if !eof && filled - done < chunk && memchr::memchr(b'\n', &buf[before..filled]).is_none() {
            continue;
        }
        // The end, with everything handed on already: the buffer holds only
        // context, which a last scan would read again for nothing (a third
        // more work on a file of 10 KB). A round that held bytes back (an
        // unfinished multiline match) left them after `done`.
        if eof && filled == done {
            return Ok(base);
        }
        let data = &buf[..filled];
        db.scan_parallel(data, scratches, &mut found);
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
            filled
        } else {
            choose_cut(data, done, &found, scratches[0].hold_from(), chunk, overlap)
        };
        if cut > done {
            let k = found.partition_point(|f| f.start < cut);
            piece.clear();
            piece.extend(found[..k].iter().map(|f| Finding {
                start: f.start - done,
                end: f.end - done,
                rule: f.rule,
            }));
            sink(base, &data[done..cut], &piece)?;
            base += (cut - done) as u64;
            // Keep the text before the cut as context, also at a line end:
            // finders look back across lines for their context words
            // (`phone:` on the line before a number), and what they find
            // must not depend on where a round happened to end.
            let keep = CONTEXT.min(cut);
            buf.copy_within(cut - keep..filled, 0);
            filled -= cut - keep;
            done = keep;
        }
        if eof {
            return Ok(base);
        }
    }
}

/// [`scan_stream_par`] with `sink` on a thread of its own when there is more
/// than one scanning thread (with one, `sink` runs inline: no thread, no
/// copy, so a one-thread scan stays on one thread): while it handles
/// one piece (fingerprints, report lines, redacted output), the scanning
/// threads already work on the next. Each piece is copied once to hand it
/// over; at most two wait, so memory grows by about two rounds' bytes. A
/// piece is handed to `sink` as soon as it is scanned, so a live pipe sees
/// each line as promptly as with [`scan_stream_par`]. The first error of
/// `sink` stops the scan and is returned.
pub fn scan_stream_piped<R: Read, S>(
    db: &RuleDb,
    scratches: &mut [Scratch],
    reader: R,
    chunk: usize,
    mut sink: S,
) -> io::Result<u64>
where
    S: FnMut(u64, &[u8], &[Finding]) -> io::Result<()> + Send,
{
    #[derive(Default)]
    struct Piece {
        base: u64,
        bytes: Vec<u8>,
        found: Vec<Finding>,
    }
    if scratches.len() <= 1 {
        return scan_stream_par(db, scratches, reader, chunk, sink);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Piece>(1);
    let (spent, recycled) = std::sync::mpsc::channel::<Piece>();
    std::thread::scope(|scope| {
        let consumer = std::thread::Builder::new()
            .name("stanch-sink".into())
            .spawn_scoped(scope, move || -> io::Result<()> {
                for p in rx {
                    sink(p.base, &p.bytes, &p.found)?;
                    // The scanner may have finished: then the piece is dropped.
                    let _ = spent.send(p);
                }
                Ok(())
            })
            .expect("spawn the sink thread");
        let scanned = scan_stream_par(db, scratches, reader, chunk, |base, bytes, found| {
            let mut p = recycled.try_recv().unwrap_or_default();
            p.base = base;
            p.bytes.clear();
            p.bytes.extend_from_slice(bytes);
            p.found.clear();
            p.found.extend_from_slice(found);
            // A send fails only once the sink has stopped on an error,
            // which the join below returns.
            tx.send(p)
                .map_err(|_| io::Error::other("the output stopped"))
        });
        drop(tx);
        let sunk = match consumer.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        sunk?;
        scanned
    })
}

/// Bytes kept before a mid-line cut: more than any rule looks back from a keyword.
const CONTEXT: usize = 4096;

thread_local! {
    /// [`scan_stream_par`]'s round buffer between streams on this thread.
    static ROUND_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The thread's round buffer, put back when dropped (also on an early
/// return), with the bytes this stream wrote into it zeroed: the input (and
/// its secrets) does not stay in memory until the next stream.
struct RoundBuf {
    buf: Vec<u8>,
    /// How far this stream wrote into `buf`.
    used: usize,
}

impl RoundBuf {
    fn take() -> RoundBuf {
        let buf = ROUND_BUF.with(|b| {
            b.try_borrow_mut()
                .map(|mut b| std::mem::take(&mut *b))
                .unwrap_or_default()
        });
        RoundBuf { buf, used: 0 }
    }
}

impl Drop for RoundBuf {
    fn drop(&mut self) {
        let mut b = std::mem::take(&mut self.buf);
        let used = self.used.min(b.len());
        zeroize::Zeroize::zeroize(&mut b[..used]);
        let _ = ROUND_BUF.try_with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                if c.capacity() < b.capacity() {
                    *c = b;
                }
            }
        });
    }
}

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

/// A reader that reads ahead on a thread of its own, so reading overlaps
/// scanning, and whose `read` hands over everything read so far (up to the
/// caller's buffer) instead of one pipe-sized piece: on a fast pipe the
/// scanner's rounds grow to its chunk size, on a slow one (`kubectl logs -f`)
/// each line still comes through as soon as it is read. At most `depth`
/// blocks of `block` bytes wait in memory.
pub struct ReadAhead {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    /// Used blocks go back to the reading thread, which refills them
    /// instead of allocating (and page-faulting in) a new block per read.
    spent: std::sync::mpsc::Sender<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
    done: bool,
    pending: Option<io::Error>,
}

impl ReadAhead {
    pub fn new<R: Read + Send + 'static>(mut inner: R, block: usize, depth: usize) -> ReadAhead {
        let (tx, rx) = std::sync::mpsc::sync_channel(depth.max(1));
        let (spent, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        std::thread::Builder::new()
            .name("stanch-read".into())
            .spawn(move || loop {
                let mut b = recycled.try_recv().unwrap_or_default();
                b.resize(block.max(1), 0);
                let r = loop {
                    match inner.read(&mut b) {
                        Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                        r => break r,
                    }
                };
                let stop = !matches!(r, Ok(n) if n > 0);
                let sent = match r {
                    Ok(n) => {
                        b.truncate(n);
                        tx.send(Ok(b))
                    }
                    Err(e) => tx.send(Err(e)),
                };
                if stop || sent.is_err() {
                    break;
                }
            })
            .expect("spawn the read-ahead thread");
        ReadAhead {
            rx,
            spent,
            cur: Vec::new(),
            pos: 0,
            done: false,
            pending: None,
        }
    }

    /// Takes the next block: waits for one if `wait`. `None`: nothing now.
    fn next_block(&mut self, wait: bool) -> io::Result<Option<()>> {
        if self.done {
            return Ok(None);
        }
        let got = if wait {
            self.rx.recv().ok()
        } else {
            match self.rx.try_recv() {
                Ok(b) => Some(b),
                Err(std::sync::mpsc::TryRecvError::Empty) => return Ok(None),
                Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
            }
        };
        match got {
            Some(Ok(b)) if !b.is_empty() => {
                let old = std::mem::replace(&mut self.cur, b);
                if old.capacity() > 0 {
                    // The thread may have stopped (end of input): then the
                    // block is simply dropped.
                    let _ = self.spent.send(old);
                }
                self.pos = 0;
                Ok(Some(()))
            }
            Some(Err(e)) => {
                self.done = true;
                Err(e)
            }
            // End of input (an empty block) or the thread is gone.
            _ => {
                self.done = true;
                Ok(None)
            }
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let mut n = 0;
        while n < buf.len() {
            if self.pos == self.cur.len() {
                // Block only while nothing has been handed over yet.
                match self.next_block(n == 0) {
                    Ok(Some(())) => {}
                    Ok(None) => break,
                    Err(e) if n == 0 => return Err(e),
                    // Hand over what we have now, the error on the next call.
                    Err(e) => {
                        self.pending = Some(e);
                        break;
                    }
                }
            }
            let k = (self.cur.len() - self.pos).min(buf.len() - n);
            buf[n..n + k].copy_from_slice(&self.cur[self.pos..self.pos + k]);
            self.pos += k;
            n += k;
        }
        Ok(n)
    }
}

/// Readers for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) mod tests_support {
    use std::io::{self, Read};

    /// Returns at most `step` bytes per `read`, like a slow pipe.
    pub(crate) struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl<'a> Trickle<'a> {
        pub(crate) fn new(data: &'a [u8], step: usize) -> Trickle<'a> {
            Trickle { data, step }
        }
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.data.len().min(self.step).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
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

    fn whole(r: &Redactor, data: &[u8]) -> Vec<u8> {
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        r.redact(data, &mut s, &mut f).into_owned()
    }

    fn streamed(r: &Redactor, data: &[u8], step: usize, chunk: usize) -> Vec<u8> {
        let mut s = r.db().scratch();
        let mut out = Vec::new();
        redact_stream(
            r,
            &mut s,
            tests_support::Trickle::new(data, step),
            &mut out,
            chunk,
        )
        .unwrap();
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

    /// Every (absolute span, rule) `scan_stream_par` reports, and the bytes
    /// the sink saw, which must be the input.
    fn par_findings(
        r: &Redactor,
        data: &[u8],
        step: usize,
        threads: usize,
        ahead: bool,
    ) -> Vec<(u64, u64, String)> {
        let db = r.db();
        let mut scratches: Vec<_> = (0..threads).map(|_| db.scratch()).collect();
        let mut seen = Vec::new();
        let mut got = Vec::new();
        let owned = data.to_vec();
        let reader: Box<dyn Read + Send> = if ahead {
            Box::new(ReadAhead::new(io::Cursor::new(owned), 4096, 4))
        } else {
            Box::new(Failing {
                data: owned,
                step,
                fail: false,
            })
        };
        scan_stream_par(db, &mut scratches, reader, 0, |base, bytes, found| {
            seen.extend_from_slice(bytes);
            for f in found {
                got.push((
                    base + f.start as u64,
                    base + f.end as u64,
                    db.rule(f.rule).id().to_string(),
                ));
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, data, "the sink sees every byte once, in order");
        got
    }

    /// The round buffer outlives a stream (see `RoundBuf`): a short stream
    /// after a long one on the same thread sees its own bytes only, not the
    /// long one's left in the buffer.
    #[test]
    fn a_stream_after_a_longer_one_sees_only_its_own_bytes() {
        let r = redactor();
        let gh = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        let long: Vec<u8> = (0..40_000)
            .flat_map(|i| format!("line {i} token {gh} mail a{i}@example.org\n").into_bytes())
            .collect();
        assert!(long.len() > 2 * DEFAULT_CHUNK);
        let found_long = par_findings(&r, &long, 1 << 16, 1, false);
        assert!(found_long.len() >= 40_000);
        for short in [
            &b"clean line, no newline at the end"[..],
            b"",
            b"x\n",
            b"mail dana.whitfield@acme-corp.io\n",
        ] {
            let found = par_findings(&r, short, 7, 1, false);
            // A new thread starts with no buffer.
            let fresh = std::thread::scope(|s| {
                s.spawn(|| par_findings(&r, short, 7, 1, false))
                    .join()
                    .unwrap()
            });
            assert_eq!(found, fresh);
            assert_eq!(
                found.len(),
                usize::from(short.starts_with(b"mail")),
                "{found:?}"
            );
        }
        // And a long one again, after the short ones.
        assert_eq!(par_findings(&r, &long, 1 << 16, 1, false), found_long);
        // Kept between streams, the buffer holds none of their bytes.
        ROUND_BUF.with(|b| {
            let b = b.borrow();
            assert!(!b.is_empty());
            assert!(b.iter().all(|&x| x == 0), "input left in the round buffer");
        });
    }

    #[test]
    fn parallel_stream_finds_what_one_thread_finds() {
        let r = redactor();
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAGPzEyoL8EsaJd/wyXxQPplH8ACyjkz4jmBQlm7knI4pShZFC\n8ZrXbeg/fT3pG+h8msMlc+T1ah9sdbEl7oX8nrEHAluvtdgDW1+In81LJK6yc+je\n-----END RSA PRIVATE KEY-----\n";
        let mut data = Vec::new();
        for i in 0..24_000 {
            data.extend_from_slice(
                format!(
                    "{i} INFO user=u{i}@acme.io token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567{:02} ip=10.0.{}.{}\n",
                    i % 100,
                    i % 250,
                    i % 200
                )
                .as_bytes(),
            );
            if i % 997 == 0 {
                data.extend_from_slice(pem.as_bytes());
            }
        }
        assert!(data.len() > 2 << 20, "large enough for parallel rounds");
        let one = par_findings(&r, &data, 1 << 20, 1, false);
        assert!(one.len() > 70_000);
        for (step, threads, ahead) in [
            (1 << 20, 2, false),
            (65536, 3, false),
            (4096, 4, true),
            (0, 2, true),
        ] {
            assert_eq!(
                par_findings(&r, &data, step, threads, ahead),
                one,
                "step {step}, {threads} threads, read-ahead {ahead}"
            );
        }
    }

    #[test]
    fn piped_sink_sees_what_the_inline_sink_sees() {
        let r = redactor();
        let db = r.db();
        let mut data = Vec::new();
        for i in 0..40_000 {
            data.extend_from_slice(
                format!(
                    "{i} user=u{i}@acme.io token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567{:02}\n",
                    i % 100
                )
                .as_bytes(),
            );
        }
        let run = |piped: bool| {
            let mut scratches = vec![db.scratch(), db.scratch()];
            let mut pieces = Vec::new();
            let sink = |base: u64, bytes: &[u8], found: &[Finding]| {
                pieces.push((base, bytes.to_vec(), found.to_vec()));
                Ok(())
            };
            let reader = Failing {
                data: data.clone(),
                step: 100_000,
                fail: false,
            };
            let n = if piped {
                scan_stream_piped(db, &mut scratches, reader, 1 << 18, sink).unwrap()
            } else {
                scan_stream_par(db, &mut scratches, reader, 1 << 18, sink).unwrap()
            };
            assert_eq!(n, data.len() as u64);
            pieces
        };
        let inline = run(false);
        assert!(inline.len() > 3, "several rounds");
        assert_eq!(run(true), inline);

        // The sink's first error ends the scan and is what the caller gets.
        let mut scratches = vec![db.scratch(), db.scratch()];
        let mut calls = 0;
        let err = scan_stream_piped(
            db,
            &mut scratches,
            io::Cursor::new(data.clone()),
            1 << 18,
            |_, _, _| {
                calls += 1;
                Err(io::Error::new(ErrorKind::BrokenPipe, "reader went away"))
            },
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        assert_eq!(calls, 1);
    }

    /// A reader that gives `data` in pieces of `step`, then an error if
    /// `fail`, else the end of input.
    struct Failing {
        data: Vec<u8>,
        step: usize,
        fail: bool,
    }
    impl Read for Failing {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.data.is_empty() {
                return if self.fail {
                    Err(io::Error::new(ErrorKind::BrokenPipe, "gone"))
                } else {
                    Ok(0)
                };
            }
            let n = self.data.len().min(self.step).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data.drain(..n);
            Ok(n)
        }
    }

    #[test]
    fn read_ahead_hands_over_everything_then_the_error() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        // Plain end of input.
        let mut all = Vec::new();
        ReadAhead::new(io::Cursor::new(data.clone()), 1000, 2)
            .read_to_end(&mut all)
            .unwrap();
        assert_eq!(all, data);
        // Data, then an error: the bytes first, the error after them.
        let mut r = ReadAhead::new(
            Failing {
                data: data.clone(),
                step: 333,
                fail: true,
            },
            4096,
            3,
        );
        let mut got = Vec::new();
        let mut buf = vec![0u8; 10_000];
        let err = loop {
            match r.read(&mut buf) {
                Ok(0) => panic!("an error, not an end of input"),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => break e,
            }
        };
        assert_eq!(got, data);
        assert_eq!(err.kind(), ErrorKind::BrokenPipe);
        // Dropped before the end: the thread stops instead of blocking.
        let mut r = ReadAhead::new(io::repeat(b'x'), 4096, 2);
        let mut b = [0u8; 10];
        r.read_exact(&mut b).unwrap();
        drop(r);
    }

    /// Finders look back for context words (`phone`, `ssn` …) across line
    /// ends; a round cut between the word and the number must not change
    /// what is found, whatever the read sizes.
    #[test]
    fn context_before_a_cut_is_kept() {
        let r = redactor();
        for text in [
            "contact phone\n415 555 0123 ok\n",
            "employee ssn:\n536228341 on file\n",
        ] {
            let data = text.as_bytes();
            let first = text.find('\n').unwrap() + 1;
            let want = whole(&r, data);
            assert_ne!(want, data, "the whole-buffer scan finds it: {text:?}");
            for step in [first, 1, 3, data.len()] {
                assert_eq!(streamed(&r, data, step, 0), want, "step {step}: {text:?}");
            }
        }
    }

    #[test]
    fn empty_and_clean_input() {
        let r = redactor();
        assert!(streamed(&r, b"", 10, 0).is_empty());
        let clean = b"no secrets here\nnone at all";
        assert_eq!(streamed(&r, clean, 3, 0), clean);
    }
}
