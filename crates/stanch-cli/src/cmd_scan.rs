//! `stanch scan`: report findings with path, line, column, byte span and a
//! keyed fingerprint — never the value unless `--show-secrets`. Files are
//! streamed in bounded memory; several files are scanned on worker threads,
//! each with its own scratch space; output order is deterministic.

use crate::cli::{Format, ScanArgs};
use crate::config::Config;
use crate::input::{walk, Source};
use crate::report::{self, Hit, Summary};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use stanch_engine::{RuleDb, Severity};
use stanch_redact::stream::{scan_stream_piped, DEFAULT_CHUNK};
use stanch_redact::taint::CANARY_RULE;
use stanch_redact::{Key, KeyOrigin};
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

pub fn run(config: &Config, args: ScanArgs) -> Result<u8> {
    let db = config.rule_db(&args.common.rule_files, &args.common.disable)?;
    let crate::taint::Attached { db, canary_file } =
        crate::taint::attach(config, &args.common, db)?;
    let db = crate::extensions::add(config, db);
    let key = crate::keys::resolve(args.common.key_file.as_deref(), config)?;
    let baseline = match &args.baseline {
        Some(p) => {
            if key.origin() == KeyOrigin::Ephemeral {
                bail!(
                    "--baseline needs a stable key so fingerprints match across runs: \
                     set STANCH_KEY or --key-file (create one with `stanch key new FILE`)"
                );
            }
            Some(crate::baseline::Baseline::load(p)?)
        }
        None => None,
    };
    let fail_on = args
        .fail_on
        .map(|s| s.to_engine())
        .or(config.fail_on)
        .unwrap_or(Severity::Low);
    let mut sources = walk(&args.paths, args.no_ignore)?;
    if let Some(own) = canary_file.and_then(|p| p.canonicalize().ok()) {
        // The canary file holds the canaries: seeing them there is no leak.
        sources.retain(|s| match s {
            Source::File(p) => p.canonicalize().ok().as_ref() != Some(&own),
            Source::Stdin => true,
        });
    }

    // The output is opened before scanning: a path that cannot be created
    // fails the run before any work is done.
    let sink: Box<dyn Write + Send> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let mut emit = Emitter::new(args.format, sink, baseline.as_ref(), fail_on);

    let progress = make_progress(&args, &sources);
    let ctx = ScanCtx {
        db: &db,
        key: &key,
        show_secrets: args.show_secrets,
        binary: args.binary,
        progress: progress.as_ref(),
    };
    let errors = scan_all(&ctx, &sources, args.threads, &mut emit);
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    let errors = errors?;
    let (summary, fails, canaries) = emit.finish(&db)?;
    eprintln!("{}", summary.line());
    if canaries > 0 {
        eprintln!("stanch: canary token found ({canaries} sighting(s)): treat this as a leak");
        return Ok(3);
    }
    if errors > 0 {
        return Ok(2);
    }
    Ok(u8::from(fails))
}

/// Text and JSON lines are written in this size of batches.
const FLUSH_AT: usize = 64 * 1024;

/// Takes findings in output order: applies the baseline, keeps the counts
/// for the summary and the exit code, and writes text and JSON lines as they
/// come, so a scan's memory does not grow with its findings. JSON and SARIF
/// are single documents: their findings are kept until the end.
struct Emitter<'a> {
    format: Format,
    out: BufWriter<Box<dyn Write + Send>>,
    baseline: Option<&'a crate::baseline::Baseline>,
    fail_on: Severity,
    summary: Summary,
    fails: bool,
    canaries: usize,
    kept: Vec<Hit<'a>>,
    buf: Vec<u8>,
    /// The path of the last finding, as a JSON string (one per file).
    path_json: Option<(std::sync::Arc<str>, Vec<u8>)>,
    /// The first failed write to the output: it ends the scan.
    write_error: Option<std::io::Error>,
}

impl<'a> Emitter<'a> {
    fn new(
        format: Format,
        out: Box<dyn Write + Send>,
        baseline: Option<&'a crate::baseline::Baseline>,
        fail_on: Severity,
    ) -> Emitter<'a> {
        Emitter {
            format,
            out: BufWriter::with_capacity(FLUSH_AT, out),
            baseline,
            fail_on,
            summary: Summary::default(),
            fails: false,
            canaries: 0,
            kept: Vec::new(),
            buf: Vec::with_capacity(FLUSH_AT + 1024),
            path_json: None,
            write_error: None,
        }
    }

    fn hit(&mut self, h: Hit<'a>) -> std::io::Result<()> {
        if let Some(b) = self.baseline {
            if b.contains(h.rule_id, h.fingerprint.as_str()) {
                self.summary.suppressed += 1;
                return Ok(());
            }
        }
        self.summary.findings += 1;
        self.fails |= h.severity >= self.fail_on;
        self.canaries += usize::from(h.rule_id == CANARY_RULE);
        match self.format {
            Format::Jsonl => {
                if !self
                    .path_json
                    .as_ref()
                    .is_some_and(|(p, _)| std::sync::Arc::ptr_eq(p, &h.path))
                {
                    self.path_json = Some((h.path.clone(), report::json_string(&h.path)));
                }
                let path = self.path_json.as_ref().map_or(&[][..], |(_, j)| j);
                report::jsonl_line(&mut self.buf, &h, path)
            }
            Format::Text => report::text_line(&mut self.buf, &h),
            Format::Json | Format::Sarif => {
                self.kept.push(h);
                return Ok(());
            }
        }
        if self.buf.len() >= FLUSH_AT {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn flush_buf(&mut self) -> std::io::Result<()> {
        if let Err(e) = self.out.write_all(&self.buf) {
            // Kept to be returned from `run` (a closed pipe exits 0 there);
            // the scan is told only that it must stop.
            let kind = e.kind();
            self.write_error.get_or_insert(e);
            return Err(std::io::Error::new(kind, "the output cannot be written"));
        }
        self.buf.clear();
        Ok(())
    }

    /// The write error that stopped a scan, if one did.
    fn failed(&mut self) -> Result<()> {
        match self.write_error.take() {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }

    fn finish(mut self, db: &RuleDb) -> Result<(Summary, bool, usize)> {
        self.flush_buf().or_else(|_| self.failed())?;
        match self.format {
            Format::Json => report::json(&mut self.out, &self.kept, &self.summary)?,
            Format::Sarif => report::sarif(&mut self.out, db, &self.kept)?,
            Format::Text | Format::Jsonl => {}
        }
        self.out.flush()?;
        Ok((self.summary, self.fails, self.canaries))
    }

    fn file(&mut self, src: &Source, r: Result<FileResult<'a>>) -> Result<usize> {
        match r {
            Ok(FileResult::Scanned { hits, bytes }) => {
                self.summary.files += 1;
                self.summary.bytes += bytes;
                for h in hits {
                    if self.hit(h).is_err() {
                        break;
                    }
                }
                self.failed()?;
                Ok(0)
            }
            Ok(FileResult::Binary) => {
                self.summary.skipped_binary += 1;
                Ok(0)
            }
            Err(e) => {
                self.failed()?;
                eprintln!("stanch: error: {}: {e:#}", src.display());
                Ok(1)
            }
        }
    }
}

struct ScanCtx<'a> {
    db: &'a RuleDb,
    key: &'a Key,
    show_secrets: bool,
    binary: bool,
    progress: Option<&'a ProgressBar>,
}

enum FileResult<'a> {
    Scanned { hits: Vec<Hit<'a>>, bytes: u64 },
    Binary,
}

impl<'a> FileResult<'a> {
    /// From what [`scan_source`] returned (None: a binary file left alone).
    fn new(bytes: Option<u64>, hits: Vec<Hit<'a>>) -> FileResult<'a> {
        match bytes {
            Some(bytes) => FileResult::Scanned { hits, bytes },
            None => FileResult::Binary,
        }
    }
}

fn make_progress(args: &ScanArgs, sources: &[Source]) -> Option<ProgressBar> {
    if args.no_progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let total: u64 = sources
        .iter()
        .filter_map(|s| match s {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
        })
        .sum();
    if total < 16 << 20 {
        return None;
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .expect("valid template"),
    );
    Some(pb)
}

/// Scans every source, handing findings to `emit` in the order of
/// `sources`; returns the number of sources that could not be read. A failed
/// write to the output stops the scan and is the error returned.
fn scan_all<'a>(
    ctx: &ScanCtx<'a>,
    sources: &[Source],
    threads: Option<usize>,
    emit: &mut Emitter<'a>,
) -> Result<usize> {
    let want = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 64);
    if want == 1 || sources.len() <= 1 {
        // One input (a big log, stdin): its own text is split across the
        // threads, each with its own regex caches; findings go out as they
        // are found.
        let per = if sources.len() == 1 { want } else { 1 };
        let mut scratches: Vec<_> = (0..per).map(|_| ctx.db.scratch()).collect();
        let mut errors = 0;
        for s in sources {
            let r = scan_source(ctx, &mut scratches, s, |h| emit.hit(h))
                .map(|bytes| FileResult::new(bytes, Vec::new()));
            errors += emit.file(s, r)?;
        }
        return Ok(errors);
    }
    // Several files, one per worker. A file's findings are kept until it is
    // done; files are reported in order, each as soon as it and the files
    // before it are done, so memory holds the findings of the files in
    // flight, not of the whole tree. A failed write stops the workers after
    // their current file.
    let n = want.min(sources.len());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let slots: Mutex<Vec<Option<Result<FileResult<'a>>>>> =
        Mutex::new((0..sources.len()).map(|_| None).collect());
    let ready = Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..n {
            scope.spawn(|| {
                let mut scratch = [ctx.db.scratch()];
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(src) = sources.get(i) else { break };
                    // A panic here would leave the reporting loop waiting
                    // for this file forever: it is reported as an error.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let mut hits = Vec::new();
                        scan_source(ctx, &mut scratch, src, |h| {
                            hits.push(h);
                            Ok(())
                        })
                        .map(|bytes| FileResult::new(bytes, hits))
                    }))
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("internal error while scanning")));
                    lock(&slots)[i] = Some(r);
                    ready.notify_all();
                }
            });
        }
        let mut errors = 0;
        for (i, src) in sources.iter().enumerate() {
            let r = ready
                .wait_while(lock(&slots), |slots| slots[i].is_none())
                .unwrap_or_else(|e| e.into_inner())[i]
                .take()
                .expect("filled before the wait ended");
            match emit.file(src, r) {
                Ok(e) => errors += e,
                Err(e) => {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(errors)
    })
}

/// The slots of [`scan_all`], also after a worker panicked while holding
/// the lock (its file is reported as an error; the others are intact).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Scans one source, handing each finding to `on_hit`; returns the bytes
/// scanned, or None for a binary file left alone.
fn scan_source<'a>(
    ctx: &ScanCtx<'a>,
    scratches: &mut [stanch_engine::Scratch],
    src: &Source,
    mut on_hit: impl FnMut(Hit<'a>) -> std::io::Result<()> + Send,
) -> Result<Option<u64>> {
    let mut reader = src.open_read_ahead().context("cannot read")?;
    // Peek for binary content (files only; stdin is always scanned).
    let mut head = vec![0u8; 8192];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    head.truncate(got);
    if !ctx.binary && matches!(src, Source::File(_)) && memchr::memchr(0, &head).is_some() {
        return Ok(None);
    }
    let reader = std::io::Cursor::new(head).chain(reader);
    let reader: Box<dyn std::io::Read + Send> = if src.is_small_regular_file() {
        Box::new(crate::input::FillReads::new(reader))
    } else {
        Box::new(reader)
    };
    let path: std::sync::Arc<str> = src.display().into();
    let mut lines = crate::lines::LineTracker::default();
    let sink = |base: u64, piece: &[u8], found: &[stanch_engine::Finding]| {
        for f in found {
            lines.advance(piece, f.start);
            let rule = ctx.db.rule(f.rule);
            let value = &piece[f.start..f.end];
            on_hit(Hit {
                path: path.clone(),
                line: lines.line,
                column: lines.col + 1,
                start: base + f.start as u64,
                end: base + f.end as u64,
                rule_id: rule.id(),
                rule_name: rule.name(),
                category: rule.category(),
                severity: rule.severity(),
                fingerprint: ctx.key.fingerprint_of(rule.id(), value),
                secret: ctx
                    .show_secrets
                    .then(|| String::from_utf8_lossy(value).into_owned()),
            })?;
        }
        lines.advance(piece, piece.len());
        lines.next_piece();
        if let Some(p) = ctx.progress {
            p.inc(piece.len() as u64);
        }
        Ok(())
    };
    // With more than one scanning thread, fingerprints and line numbers are
    // worked out on a thread of their own while the next round is scanned.
    Ok(Some(scan_stream_piped(
        ctx.db,
        scratches,
        reader,
        DEFAULT_CHUNK,
        sink,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Baseline;

    /// A `Write` whose bytes the test can read after the emitter is done.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn emitter<'a>(format: Format, out: Shared, baseline: Option<&'a Baseline>) -> Emitter<'a> {
        Emitter::new(format, Box::new(out), baseline, Severity::Medium)
    }

    fn hit(i: u64, severity: Severity) -> Hit<'static> {
        Hit {
            rule_id: "github-pat",
            rule_name: "GitHub",
            category: stanch_engine::Category::Secret,
            severity,
            path: std::sync::Arc::from("logs/app \"1\".log"),
            line: i + 1,
            column: 1,
            start: i * 10,
            end: i * 10 + 4,
            fingerprint: stanch_redact::key::Fingerprint::parse(&format!("{i:016x}")).unwrap(),
            secret: None,
        }
    }

    #[test]
    fn json_lines_go_out_in_order_across_flushes_and_count() {
        let out = Shared::default();
        let mut e = emitter(Format::Jsonl, out.clone(), None);
        for i in 0..3000 {
            e.hit(hit(i, Severity::Low)).unwrap();
        }
        assert!(
            !out.0.lock().unwrap().is_empty(),
            "lines are written before the end"
        );
        let db = RuleDb::new(Vec::new()).unwrap();
        let (summary, fails, canaries) = e.finish(&db).unwrap();
        assert_eq!((summary.findings, fails, canaries), (3000, false, 0));
        let bytes = out.0.lock().unwrap().clone();
        assert!(
            bytes.len() > 3 * FLUSH_AT,
            "the test must cross several flushes"
        );
        let lines: Vec<serde_json::Value> = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3000);
        for (i, v) in lines.iter().enumerate() {
            assert_eq!(v["line"], i as u64 + 1);
            assert_eq!(v["path"], "logs/app \"1\".log");
        }
    }

    #[test]
    fn the_baseline_and_the_gate_apply_to_each_finding() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("baseline.json");
        std::fs::write(
            &p,
            r#"{"findings":[{"rule":"github-pat","fingerprint":"0000000000000001"}]}"#,
        )
        .unwrap();
        let b = Baseline::load(&p).unwrap();
        let out = Shared::default();
        let mut e = emitter(Format::Text, out.clone(), Some(&b));
        e.hit(hit(1, Severity::Critical)).unwrap();
        e.hit(hit(2, Severity::Low)).unwrap();
        let db = RuleDb::new(Vec::new()).unwrap();
        let (summary, fails, _) = e.finish(&db).unwrap();
        assert_eq!((summary.findings, summary.suppressed), (1, 1));
        assert!(
            !fails,
            "the only finding at or above medium is in the baseline"
        );
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert!(text.contains("fingerprint=0000000000000002"), "{text}");
    }

    #[test]
    fn a_failed_write_stops_the_scan_with_its_own_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut e = emitter(Format::Jsonl, Shared::default(), None);
        e.out = BufWriter::with_capacity(16, Box::new(Closed));
        let mut stopped = false;
        for i in 0..3000 {
            if e.hit(hit(i, Severity::Low)).is_err() {
                stopped = true;
                break;
            }
        }
        assert!(stopped);
        let err = e.failed().unwrap_err();
        let io = err.downcast_ref::<std::io::Error>().unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::BrokenPipe);
    }
}
