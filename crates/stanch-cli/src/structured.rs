//! `stanch redact --format json|jsonl|auto`: JSON inputs walked with key
//! context (`stanch_redact::structured`), everything else as text.
//!
//! - `jsonl`: one document per line, held a block of about [`BLOCK`] bytes
//!   at a time (a line longer than [`MAX_LINE`] is redacted as text,
//!   streamed). A block's records are scanned together, once
//!   (`JsonRedactor::queue`): a log of short records would otherwise pay a
//!   whole scan per line. A line that is not JSON is redacted as text, and
//!   counted in a warning: nothing is passed through unscanned. A block's
//!   such lines are scanned as one text, the records between them taken
//!   out, so a secret that spans lines (a PEM block, even one a record from
//!   another writer interrupts) is seen whole; one that a block's end may
//!   cut is held for the next block (up to 4 × [`BLOCK`]).
//! - `json`: one document, read whole (at most [`MAX_DOC`]; a larger or
//!   invalid one is redacted as text, with a warning).
//! - `auto`: `.json` / `.jsonl` / `.ndjson` file names decide; otherwise an
//!   input whose first non-blank byte is `{` or `[` is JSON lines if its
//!   first line is a whole JSON value, else one JSON document; anything
//!   else is text.

use crate::config::InputFormat;
use anyhow::Result;
use stanch_engine::{Finding, RuleId};
use stanch_redact::structured::{JsonError, JsonRedactor, JsonScratch, Queued};
use stanch_redact::taint::CANARY_RULE;
use stanch_redact::Redactor;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::Path;

/// Longest JSON line held in memory.
pub const MAX_LINE: usize = 64 << 20;
/// Lines of a JSON Lines input redacted with one scan (more when a line
/// is longer).
pub const BLOCK: usize = 256 << 10;
/// Most input held for a possibly unfinished PEM block (with the records
/// after its first lines): beyond it the lines are handed on, and a key
/// whose lines another writer's records interrupt for that long is
/// redacted only up to them.
const HOLD_MAX: usize = 4 * BLOCK;
/// Largest JSON document held in memory.
pub const MAX_DOC: usize = 256 << 20;

/// How one input is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
    Jsonl,
    /// Starts like JSON: lines if the first line is a value, else a document.
    Sniff,
}

/// The mode for an input, from the format asked for, the file name and
/// the first bytes.
pub fn mode(format: InputFormat, path: Option<&Path>, head: &[u8]) -> Mode {
    match format {
        InputFormat::Text => Mode::Text,
        InputFormat::Json => Mode::Json,
        InputFormat::Jsonl => Mode::Jsonl,
        InputFormat::Auto => {
            let ext = path
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            match ext.as_deref() {
                Some("jsonl" | "ndjson") => return Mode::Jsonl,
                Some("json") => return Mode::Json,
                _ => {}
            }
            let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
            match head.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{' | b'[') => Mode::Sniff,
                _ => Mode::Text,
            }
        }
    }
}

/// Where findings go: counts by rule (for `--stats`) and canary sightings
/// (reported on stderr by rule id and `input:line`, never the value).
pub struct Report<'a> {
    pub name: &'a str,
    pub counts: &'a mut BTreeMap<String, u64>,
    pub canary: Option<RuleId>,
}

impl Report<'_> {
    fn canary_at(&self, line: u64) {
        eprintln!(
            "stanch: canary token found: {CANARY_RULE} at {}:{line}",
            self.name
        );
    }

    fn count(&mut self, redactor: &Redactor, rule: RuleId) {
        *self
            .counts
            .entry(redactor.db().rule(rule).id().to_string())
            .or_default() += 1;
    }
}

/// The caller's streaming text redaction: (input, output, number of its
/// first line, report) → number of the line after the last.
pub type TextPath<'t> =
    dyn FnMut(&mut dyn Read, &mut (dyn Write + Send), u64, &mut Report<'_>) -> Result<u64> + 't;

/// Redacts JSON lines from `reader`. `text` redacts a reader as text (the
/// caller's streaming text path), for lines too long to hold. With
/// `threads` of 2 or more, each block's scans run on two threads.
pub fn redact_jsonl<R: Read>(
    redactor: &Redactor,
    jr: &JsonRedactor<'_>,
    reader: &mut BufReader<R>,
    out: &mut (dyn Write + Send),
    report: &mut Report<'_>,
    text: &mut TextPath<'_>,
    threads: usize,
) -> Result<()> {
    let mut js = JsonScratch::new(redactor).threads(redactor, threads);
    // Two threads start twice per scan: larger blocks pay that less often.
    let block_size = if threads >= 2 { HOLD_MAX } else { BLOCK };
    let mut block = Block::default();
    let mut line = Vec::new();
    let mut lineno: u64 = 0;
    let mut invalid: u64 = 0;
    let mut first_invalid = None;
    loop {
        line.clear();
        let n = reader.take(MAX_LINE as u64).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        lineno += 1;
        if n == MAX_LINE && !line.ends_with(b"\n") {
            block.flush(redactor, jr, &mut js, out, report, true)?;
            eprintln!(
                "stanch: warning: {}:{lineno}: line longer than {} MiB, redacted as text",
                report.name,
                MAX_LINE >> 20
            );
            let mut rest = UntilNewline {
                inner: &mut *reader,
                done: false,
            };
            let mut chained = Cursor::new(std::mem::take(&mut line)).chain(&mut rest);
            text(&mut chained, out, lineno, report)?;
            continue;
        }
        if let Err(e) = block.push(jr, &mut js, lineno, &line) {
            invalid += 1;
            first_invalid.get_or_insert((lineno, e));
        }
        if block.input.len() >= block_size {
            block.flush(redactor, jr, &mut js, out, report, false)?;
        }
        if reader.buffer().is_empty() {
            // The next read may wait for input (a live pipe): hand the
            // lines on first. (Asking the reader whether more is waiting
            // would wait for it.)
            block.flush(redactor, jr, &mut js, out, report, false)?;
            out.flush()?;
        }
    }
    block.flush(redactor, jr, &mut js, out, report, true)?;
    if let Some((l, e)) = first_invalid {
        eprintln!(
            "stanch: warning: {}: {invalid} line(s) were not valid JSON and were redacted as text (first: line {l}, {e})",
            report.name
        );
    }
    Ok(())
}

/// Lines of a JSON Lines input redacted with one engine scan: the JSON
/// records' strings and the other lines' text are queued together
/// ([`JsonRedactor::queue`]), so a log of short records costs one scan per
/// block, not one per line.
#[derive(Default)]
struct Block {
    /// The lines, as read.
    input: Vec<u8>,
    entries: Vec<Entry>,
    /// Output of one document.
    buf: Vec<u8>,
    findings: Vec<Finding>,
    /// The last flush held the input from an open multiline match (see
    /// [`flush`](Self::flush)) and no text has been queued since: only more
    /// text can settle it, so records alone are not scanned again.
    waiting: bool,
}

/// A line or a run of lines in a [`Block`]: `input[start..end]`, from line
/// `line` on.
struct Entry {
    start: usize,
    end: usize,
    line: u64,
    kind: Kind,
}

enum Kind {
    /// A blank line outside a text run: written as it is.
    Blank,
    /// A JSON record: its body (after a byte-order mark, before the line
    /// end).
    Doc {
        q: Queued,
        body: std::ops::Range<usize>,
    },
    /// Consecutive lines that are not JSON (and blank lines among them),
    /// scanned with the block's other such lines as one text: a secret over
    /// several lines (a PEM block in a traceback) is seen whole.
    Text { q: Queued },
}

impl Block {
    /// Adds line number `lineno` (with its line end). Not JSON: queued as
    /// text, and the parse error returned for the warning.
    fn push(
        &mut self,
        jr: &JsonRedactor<'_>,
        js: &mut JsonScratch,
        lineno: u64,
        line: &[u8],
    ) -> std::result::Result<(), JsonError> {
        let start = self.input.len();
        self.input.extend_from_slice(line);
        let end = self.input.len();
        let in_text = matches!(
            self.entries.last(),
            Some(Entry {
                kind: Kind::Text { .. },
                ..
            })
        );
        let body_end = end
            - if line.ends_with(b"\r\n") {
                2
            } else {
                usize::from(line.ends_with(b"\n"))
            };
        let body_start = match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(_) if lineno == 1 => start + 3,
            _ => start,
        };
        let body = body_start.min(body_end)..body_end;
        let mut result = Ok(());
        if self.input[body.clone()].iter().all(u8::is_ascii_whitespace) {
            if !in_text {
                self.entries.push(Entry {
                    start,
                    end,
                    line: lineno,
                    kind: Kind::Blank,
                });
                return Ok(());
            }
        } else {
            match jr.queue(&self.input[body.clone()], js) {
                Ok(q) => {
                    self.entries.push(Entry {
                        start,
                        end,
                        line: lineno,
                        kind: Kind::Doc { q, body },
                    });
                    return Ok(());
                }
                Err(e) => result = Err(e),
            }
        }
        let q = jr.queue_text(line, js);
        self.waiting = false;
        match self.entries.last_mut() {
            Some(last) if in_text => last.end = end,
            _ => self.entries.push(Entry {
                start,
                end,
                line: lineno,
                kind: Kind::Text { q },
            }),
        }
        result
    }

    /// Scans what is queued once and writes the lines out redacted. Unless
    /// `all` (the input has ended, or a line too long to hold follows), the
    /// text from where a multiline match (a PEM block) may still be
    /// incomplete is held, as the text path holds it, and scanned again with
    /// more input. The block's texts are read as one, with the records
    /// between them taken out, so the hold may start in a text before
    /// records: they are held too (another writer's record inside a key
    /// must not release the key's first lines), up to `4 × BLOCK` bytes.
    fn flush(
        &mut self,
        redactor: &Redactor,
        jr: &JsonRedactor<'_>,
        js: &mut JsonScratch,
        out: &mut (dyn Write + Send),
        report: &mut Report<'_>,
        all: bool,
    ) -> Result<()> {
        if self.entries.is_empty() || (self.waiting && !all && self.input.len() < HOLD_MAX) {
            return Ok(());
        }
        jr.scan_queued(js);
        // The entry the hold starts in, and where (absolute in `input`);
        // whether the texts' findings before it are final (else the lines
        // handed on are scanned again, see below).
        let mut held: Option<(usize, usize)> = None;
        let mut final_before = true;
        let at_line_start = |e: &Entry, off: usize| {
            let text = &self.input[e.start..e.end];
            e.start + memchr::memrchr(b'\n', &text[..off.min(text.len())]).map_or(0, |p| p + 1)
        };
        if !all {
            if let Some((q, off)) = jr.held_text(js) {
                if let Some(i) = self
                    .entries
                    .iter()
                    .position(|e| matches!(e.kind, Kind::Text { q: t } if t == q))
                {
                    let h = at_line_start(&self.entries[i], off);
                    if self.input.len() - h < HOLD_MAX {
                        held = Some((i, h));
                    }
                }
            }
            // Too much to hold from there: the last text may still hold
            // what its own lines start.
            if held.is_none() {
                if let Some(
                    e @ Entry {
                        kind: Kind::Text { q },
                        ..
                    },
                ) = self.entries.last()
                {
                    if e.end - e.start < HOLD_MAX {
                        if let Some(off) = jr.text_hold(*q, js) {
                            held = Some((self.entries.len() - 1, at_line_start(e, off)));
                            final_before = false;
                        }
                    }
                }
            }
        }
        for (i, e) in self.entries.iter().enumerate() {
            let end = match held {
                Some((k, _)) if i > k => break,
                Some((k, h)) if i == k => h,
                _ => e.end,
            };
            match e.kind {
                Kind::Blank => out.write_all(&self.input[e.start..e.end])?,
                Kind::Doc { q, ref body } => {
                    self.buf.clear();
                    if !jr.finish(q, &self.input[body.clone()], js, &mut self.buf, None) {
                        anyhow::bail!(
                            "{}:{}: internal error: a queued JSON record was lost",
                            report.name,
                            e.line
                        );
                    }
                    if js.seen().iter().any(|s| Some(s.rule) == report.canary) {
                        report.canary_at(e.line);
                    }
                    for ed in js.edits() {
                        if let Some(r) = ed.rule {
                            report.count(redactor, r);
                        }
                    }
                    out.write_all(&self.input[e.start..body.start])?;
                    out.write_all(&self.buf)?;
                    out.write_all(&self.input[body.end..e.end])?;
                }
                Kind::Text { q } => {
                    let text = &self.input[e.start..end];
                    let findings: &[Finding] = if end == e.end {
                        js.text_findings(q)
                    } else {
                        // The lines handed on: the texts' findings in them
                        // (none runs past the hold when it comes from
                        // `held_text`). Else, with the last text's own hold,
                        // also what a scan of these lines alone finds.
                        let keep = text.len();
                        self.findings.clear();
                        if !final_before {
                            redactor.db().scan(text, js.engine(), &mut self.findings);
                        }
                        self.findings.extend(
                            js.text_findings(q)
                                .iter()
                                .filter(|f| f.start < keep)
                                .map(|f| Finding {
                                    end: f.end.min(keep),
                                    ..*f
                                }),
                        );
                        self.findings.sort_by_key(|f| f.start);
                        &self.findings
                    };
                    let mut lines = crate::lines::LineTracker::at_line(e.line);
                    for f in findings.iter().filter(|f| Some(f.rule) == report.canary) {
                        lines.advance(text, f.start);
                        report.canary_at(lines.line);
                    }
                    for f in findings.iter().filter(|f| redactor.applies(f)) {
                        report.count(redactor, f.rule);
                    }
                    redactor.write_redacted(text, findings, out)?;
                }
            }
        }
        js.clear_queue();
        let Some((k, h)) = held else {
            self.entries.clear();
            self.input.clear();
            return Ok(());
        };
        // Queue the held lines again, as read: the held text's, and the
        // records and lines after it.
        let e = &self.entries[k];
        let mut lineno =
            e.line + memchr::memchr_iter(b'\n', &self.input[e.start..h]).count() as u64;
        self.entries.clear();
        let rest = self.input.split_off(h);
        self.input.clear();
        let mut pos = 0;
        while pos < rest.len() {
            let end = memchr::memchr(b'\n', &rest[pos..]).map_or(rest.len(), |p| pos + p + 1);
            // A line that is not JSON was reported when first read.
            let _ = self.push(jr, js, lineno, &rest[pos..end]);
            lineno += 1;
            pos = end;
        }
        self.waiting = true;
        Ok(())
    }
}

/// Redacts one JSON document read whole from `reader` (after `head`, bytes
/// already read). Too large or not JSON: redacted as text (with a warning
/// if `warn`: not when `auto` only guessed JSON from a leading brace).
#[allow(clippy::too_many_arguments)]
pub fn redact_json_doc(
    redactor: &Redactor,
    jr: &JsonRedactor<'_>,
    warn: bool,
    head: Vec<u8>,
    reader: &mut dyn Read,
    out: &mut (dyn Write + Send),
    report: &mut Report<'_>,
    text: &mut TextPath<'_>,
) -> Result<()> {
    let mut doc = head;
    let room = (MAX_DOC + 1).saturating_sub(doc.len()) as u64;
    reader.take(room).read_to_end(&mut doc)?;
    if doc.len() > MAX_DOC {
        eprintln!(
            "stanch: warning: {}: JSON document larger than {} MiB, redacted as text",
            report.name,
            MAX_DOC >> 20
        );
        let mut chained = Cursor::new(doc).chain(reader);
        text(&mut chained, out, 1, report)?;
        return Ok(());
    }
    let (bom, body) = match doc.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (&b"\xEF\xBB\xBF"[..], rest),
        None => (&b""[..], &doc[..]),
    };
    let mut js = JsonScratch::new(redactor);
    let mut buf = Vec::with_capacity(body.len() + 256);
    match jr.redact(body, &mut js, &mut buf, None) {
        Ok(()) => {
            for s in js.seen().iter().filter(|s| Some(s.rule) == report.canary) {
                let line =
                    1 + memchr::memchr_iter(b'\n', &body[..s.offset.min(body.len())]).count();
                report.canary_at(line as u64);
            }
            for e in js.edits() {
                if let Some(r) = e.rule {
                    report.count(redactor, r);
                }
            }
            out.write_all(bom)?;
            out.write_all(&buf)?;
        }
        Err(e) => {
            if warn {
                eprintln!("stanch: warning: {}: {e}; redacted as text", report.name);
            }
            text(&mut Cursor::new(doc), out, 1, report)?;
        }
    }
    Ok(())
}

/// Reads from a buffered reader up to and including the next line end.
struct UntilNewline<'a> {
    inner: &'a mut dyn BufRead,
    done: bool,
}

impl Read for UntilNewline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let avail = self.inner.fill_buf()?;
        if avail.is_empty() {
            self.done = true;
            return Ok(0);
        }
        let (n, end) = match memchr::memchr(b'\n', avail) {
            Some(i) if i < buf.len() => (i + 1, true),
            _ => (avail.len().min(buf.len()), false),
        };
        buf[..n].copy_from_slice(&avail[..n]);
        self.inner.consume(n);
        self.done = end;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use stanch_redact::structured::SecretKeys;
    use std::sync::{Arc, OnceLock};

    fn redactor() -> &'static Redactor {
        static R: OnceLock<Redactor> = OnceLock::new();
        R.get_or_init(|| {
            let db = stanch_engine::pack::builtin().expect("built-in pack compiles");
            Redactor::new(
                db.with_extension(Arc::new(stanch_redact::decode::Decoder::default())),
                stanch_redact::Key::parse(&[b'k'; 32]).unwrap(),
                stanch_redact::Policy::default(),
            )
        })
    }

    /// A reader that hands out `data` in pieces ending at `cuts`: its
    /// buffered reader runs dry at each cut, as a pipe does when the
    /// writer pauses, so `redact_jsonl` flushes there.
    struct Pieces<'a> {
        data: &'a [u8],
        cuts: Vec<usize>,
        pos: usize,
    }

    impl Read for Pieces<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let next = self
                .cuts
                .iter()
                .copied()
                .find(|&c| c > self.pos)
                .unwrap_or(self.data.len())
                .min(self.data.len());
            let n = (next - self.pos).min(buf.len());
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    /// `redact --format jsonl` of `data`, read in pieces ending at `cuts`.
    fn jsonl(data: &[u8], cuts: Vec<usize>, threads: usize) -> Vec<u8> {
        let r = redactor();
        let keys = SecretKeys::default();
        let jr = JsonRedactor::new(r, &keys);
        let mut counts = BTreeMap::new();
        let mut report = Report {
            name: "t",
            counts: &mut counts,
            canary: None,
        };
        let mut out = Vec::new();
        let mut text =
            |_: &mut dyn Read, _: &mut (dyn Write + Send), _: u64, _: &mut Report<'_>| {
                unreachable!("no line is too long here")
            };
        let mut reader = BufReader::with_capacity(1 << 20, Pieces { data, cuts, pos: 0 });
        redact_jsonl(
            r,
            &jr,
            &mut reader,
            &mut out,
            &mut report,
            &mut text,
            threads,
        )
        .unwrap();
        out
    }

    const BODY: [&str; 3] = [
        "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
        "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
        "c2VjcmV0LWtleS1ib2R5LWZvci10ZXN0cy1vbmx5LW5vdC1yZWFsLWF0LWFsbAo1",
    ];

    /// Lines of a log where two writers interleave: JSON records, plain
    /// lines, private keys and YAML pairs whose lines records interrupt.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u32..50).prop_map(|i| format!("{{\"i\":{i},\"msg\":\"ok\"}}")),
            (0u32..50).prop_map(|i| format!(
                "{{\"i\":{i},\"token\":\"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567{:02}\"}}",
                i % 100
            )),
            Just("-----BEGIN RSA PRIVATE KEY-----".to_string()),
            (0usize..3).prop_map(|i| BODY[i].to_string()),
            Just("-----END RSA PRIVATE KEY-----".to_string()),
            Just("  - name: DB_PASSWORD".to_string()),
            Just("    value: Hunter2Hunter2x".to_string()),
            Just("Traceback (most recent call last):".to_string()),
            Just("user bob@acme.io logged in".to_string()),
            Just(String::new()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Wherever the input pauses, the output is what reading it at
        /// once gives: a key or pair held at a pause is held with the
        /// records after it, and redacted whole once it is complete.
        #[test]
        fn pauses_anywhere_change_nothing(
            lines in prop::collection::vec(line(), 1..40),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
            threads in 1usize..3,
        ) {
            let data = lines.join("\n") + "\n";
            // Pauses after whole lines (a pause inside a line only delays
            // that line).
            let ends: Vec<usize> = data.match_indices('\n').map(|(i, _)| i + 1).collect();
            let cuts: Vec<usize> = {
                let mut c: Vec<usize> = cuts.iter().map(|i| ends[i.index(ends.len())]).collect();
                c.sort_unstable();
                c
            };
            let whole = jsonl(data.as_bytes(), Vec::new(), 1);
            let paused = jsonl(data.as_bytes(), cuts, threads);
            prop_assert_eq!(String::from_utf8_lossy(&paused), String::from_utf8_lossy(&whole));
        }
    }

    #[test]
    fn modes() {
        let a = InputFormat::Auto;
        assert_eq!(mode(a, Some(Path::new("x.JSONL")), b"hello"), Mode::Jsonl);
        assert_eq!(mode(a, Some(Path::new("x.json")), b"hello"), Mode::Json);
        assert_eq!(mode(a, None, b"  \n{\"a\":1}"), Mode::Sniff);
        assert_eq!(mode(a, None, b"\xEF\xBB\xBF[1]"), Mode::Sniff);
        assert_eq!(mode(a, None, b"2024-01-01 {\"a\":1}"), Mode::Text);
        assert_eq!(mode(a, None, b""), Mode::Text);
        assert_eq!(mode(InputFormat::Text, None, b"{}"), Mode::Text);
        assert_eq!(
            mode(InputFormat::Jsonl, Some(Path::new("a.json")), b""),
            Mode::Jsonl
        );
    }

    #[test]
    fn until_newline_stops_after_the_line_end() {
        let mut r = std::io::BufReader::with_capacity(4, &b"abcdefg\nnext\n"[..]);
        let mut got = Vec::new();
        UntilNewline {
            inner: &mut r,
            done: false,
        }
        .read_to_end(&mut got)
        .unwrap();
        assert_eq!(got, b"abcdefg\n");
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "next\n");
    }
}
