//! `stanch redact --format json|jsonl|auto`: JSON inputs walked with key
//! context (`stanch_redact::structured`), everything else as text.
//!
//! - `jsonl`: one document per line, in memory one line at a time (a line
//!   longer than [`MAX_LINE`] is redacted as text, streamed). A line that is
//!   not JSON is redacted as text, and counted in a warning: nothing is
//!   passed through unscanned. Consecutive such lines (a mixed log: JSON
//!   records between plain lines and tracebacks) are redacted together, up
//!   to [`TEXT_RUN`] bytes: one scan instead of one per line, and a secret
//!   that spans lines (a PEM block) is seen whole.
//! - `json`: one document, read whole (at most [`MAX_DOC`]; a larger or
//!   invalid one is redacted as text, with a warning).
//! - `auto`: `.json` / `.jsonl` / `.ndjson` file names decide; otherwise an
//!   input whose first non-blank byte is `{` or `[` is JSON lines if its
//!   first line is a whole JSON value, else one JSON document; anything
//!   else is text.

use crate::config::InputFormat;
use anyhow::Result;
use stanch_engine::{Finding, RuleId};
use stanch_redact::structured::{JsonRedactor, JsonScratch};
use stanch_redact::taint::CANARY_RULE;
use stanch_redact::Redactor;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::Path;

/// Longest JSON line held in memory.
pub const MAX_LINE: usize = 64 << 20;
/// Non-JSON lines of a JSON Lines input held to be redacted together.
pub const TEXT_RUN: usize = 256 << 10;
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
/// caller's streaming text path), for lines too long to hold.
pub fn redact_jsonl<R: Read>(
    redactor: &Redactor,
    jr: &JsonRedactor<'_>,
    reader: &mut BufReader<R>,
    out: &mut (dyn Write + Send),
    report: &mut Report<'_>,
    text: &mut TextPath<'_>,
) -> Result<()> {
    let mut js = JsonScratch::new(redactor);
    let mut findings: Vec<Finding> = Vec::new();
    let mut line = Vec::new();
    let mut buf = Vec::new();
    let mut lineno: u64 = 0;
    let mut invalid: u64 = 0;
    let mut first_invalid = None;
    // Non-JSON lines not yet redacted, and the number of the first.
    let mut run = TextRun::default();
    loop {
        line.clear();
        let n = reader.take(MAX_LINE as u64).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        lineno += 1;
        if n == MAX_LINE && !line.ends_with(b"\n") {
            run.flush(redactor, &mut js, &mut findings, out, report, true)?;
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
        let body_end = line.len()
            - if line.ends_with(b"\r\n") {
                2
            } else {
                usize::from(line.ends_with(b"\n"))
            };
        let (body, eol) = line.split_at(body_end);
        let (bom, body) = match body.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if lineno == 1 => (&b"\xEF\xBB\xBF"[..], rest),
            _ => (&b""[..], body),
        };
        if body.iter().all(u8::is_ascii_whitespace) {
            if run.text.is_empty() {
                out.write_all(&line)?;
            } else {
                run.push(lineno, &line);
            }
            continue;
        }
        buf.clear();
        match jr.redact(body, &mut js, &mut buf, None) {
            Ok(()) => {
                run.flush(redactor, &mut js, &mut findings, out, report, true)?;
                if js.seen().iter().any(|s| Some(s.rule) == report.canary) {
                    report.canary_at(lineno);
                }
                for e in js.edits() {
                    if let Some(r) = e.rule {
                        report.count(redactor, r);
                    }
                }
                out.write_all(bom)?;
                out.write_all(&buf)?;
                out.write_all(eol)?;
            }
            Err(e) => {
                invalid += 1;
                first_invalid.get_or_insert((lineno, e));
                run.push(lineno, &line);
                if run.text.len() >= TEXT_RUN {
                    run.flush(redactor, &mut js, &mut findings, out, report, false)?;
                }
            }
        }
        if reader.buffer().is_empty() {
            // The next read may wait for input (a live pipe): hand the
            // lines on first. (Asking the reader whether more is waiting
            // would wait for it.)
            run.flush(redactor, &mut js, &mut findings, out, report, false)?;
            out.flush()?;
        }
    }
    run.flush(redactor, &mut js, &mut findings, out, report, true)?;
    if let Some((l, e)) = first_invalid {
        eprintln!(
            "stanch: warning: {}: {invalid} line(s) were not valid JSON and were redacted as text (first: line {l}, {e})",
            report.name
        );
    }
    Ok(())
}

/// Consecutive lines of a JSON Lines input that are not JSON, redacted
/// together as text.
#[derive(Default)]
struct TextRun {
    text: Vec<u8>,
    first_line: u64,
}

impl TextRun {
    fn push(&mut self, lineno: u64, line: &[u8]) {
        if self.text.is_empty() {
            self.first_line = lineno;
        }
        self.text.extend_from_slice(line);
    }

    /// Redacts the held lines and writes them out. Unless `all` (the run
    /// has ended: a JSON line or the end of the input follows), lines from
    /// where a multiline match (a PEM block) may still be incomplete stay
    /// held for more input, as the text path holds them.
    fn flush(
        &mut self,
        redactor: &Redactor,
        js: &mut JsonScratch,
        findings: &mut Vec<Finding>,
        out: &mut (dyn Write + Send),
        report: &mut Report<'_>,
        all: bool,
    ) -> Result<()> {
        if self.text.is_empty() {
            return Ok(());
        }
        redactor.db().scan(&self.text, js.engine(), findings);
        let keep = match js.engine().hold_from() {
            Some(h) if !all && self.text.len() < 4 * TEXT_RUN => {
                memchr::memrchr(b'\n', &self.text[..h]).map_or(0, |p| p + 1)
            }
            _ => self.text.len(),
        };
        if keep == 0 {
            return Ok(());
        }
        if keep < self.text.len() {
            // Findings of the lines handed on, without the held ones.
            redactor
                .db()
                .scan(&self.text[..keep], js.engine(), findings);
        }
        let text = &self.text[..keep];
        let mut lines = crate::lines::LineTracker::at_line(self.first_line);
        for f in findings.iter().filter(|f| Some(f.rule) == report.canary) {
            lines.advance(text, f.start);
            report.canary_at(lines.line);
        }
        for f in findings.iter().filter(|f| redactor.applies(f)) {
            report.count(redactor, f.rule);
        }
        redactor.write_redacted(text, findings, out)?;
        self.first_line += memchr::memchr_iter(b'\n', text).count() as u64;
        self.text.drain(..keep);
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
