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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

    let progress = make_progress(&args, &sources);
    let ctx = ScanCtx {
        db: &db,
        key: &key,
        show_secrets: args.show_secrets,
        binary: args.binary,
        progress: progress.as_ref(),
    };
    let results = scan_all(&ctx, &sources, args.threads);
    if let Some(p) = &progress {
        p.finish_and_clear();
    }

    let mut hits: Vec<Hit> = Vec::new();
    let mut summary = Summary::default();
    let mut errors = 0;
    for (src, r) in sources.iter().zip(results) {
        match r {
            Ok(FileResult::Scanned { hits: h, bytes }) => {
                summary.files += 1;
                summary.bytes += bytes;
                hits.extend(h);
            }
            Ok(FileResult::Binary) => summary.skipped_binary += 1,
            Err(e) => {
                errors += 1;
                eprintln!("stanch: error: {}: {e:#}", src.display());
            }
        }
    }
    if let Some(b) = &baseline {
        let before = hits.len();
        hits.retain(|h| !b.contains(h.rule_id, h.fingerprint.as_str()));
        summary.suppressed = (before - hits.len()) as u64;
    }
    summary.findings = hits.len() as u64;

    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(sink);
    match args.format {
        Format::Text => report::text(&mut out, &hits)?,
        Format::Jsonl => report::jsonl(&mut out, &hits)?,
        Format::Json => report::json(&mut out, &hits, &summary)?,
        Format::Sarif => report::sarif(&mut out, &db, &hits)?,
    }
    out.flush()?;
    eprintln!("{}", summary.line());
    let canaries = hits.iter().filter(|h| h.rule_id == CANARY_RULE).count();
    if canaries > 0 {
        eprintln!("stanch: canary token found ({canaries} sighting(s)): treat this as a leak");
        return Ok(3);
    }
    if errors > 0 {
        return Ok(2);
    }
    Ok(u8::from(hits.iter().any(|h| h.severity >= fail_on)))
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

/// Scans every source; results come back in the order of `sources`.
fn scan_all<'a>(
    ctx: &ScanCtx<'a>,
    sources: &[Source],
    threads: Option<usize>,
) -> Vec<Result<FileResult<'a>>> {
    let want = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 64);
    if want == 1 || sources.len() <= 1 {
        // One input (a big log, stdin): its own text is split across the
        // threads, each with its own regex caches.
        let per = if sources.len() == 1 { want } else { 1 };
        let mut scratches: Vec<_> = (0..per).map(|_| ctx.db.scratch()).collect();
        return sources
            .iter()
            .map(|s| scan_source(ctx, &mut scratches, s))
            .collect();
    }
    let n = want.min(sources.len());
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<FileResult<'a>>>>> =
        Mutex::new((0..sources.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..n {
            scope.spawn(|| {
                let mut scratch = [ctx.db.scratch()];
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(src) = sources.get(i) else { break };
                    let r = scan_source(ctx, &mut scratch, src);
                    results.lock().expect("no worker panics")[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("no worker panics")
        .into_iter()
        .map(|r| r.expect("every source scanned"))
        .collect()
}

fn scan_source<'a>(
    ctx: &ScanCtx<'a>,
    scratches: &mut [stanch_engine::Scratch],
    src: &Source,
) -> Result<FileResult<'a>> {
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
        return Ok(FileResult::Binary);
    }
    let reader = std::io::Cursor::new(head).chain(reader);
    let path: std::sync::Arc<str> = src.display().into();
    let mut hits = Vec::new();
    let mut lines = LineTracker::default();
    let sink = |base: u64, piece: &[u8], found: &[stanch_engine::Finding]| {
        for f in found {
            lines.advance(piece, f.start);
            let rule = ctx.db.rule(f.rule);
            let value = &piece[f.start..f.end];
            hits.push(Hit {
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
            });
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
    let bytes = scan_stream_piped(ctx.db, scratches, reader, DEFAULT_CHUNK, sink)?;
    Ok(FileResult::Scanned { hits, bytes })
}

/// 1-based line and 0-based column (in characters) of a position, tracked
/// incrementally across stream pieces.
struct LineTracker {
    line: u64,
    col: u64,
    pos: usize,
}

impl Default for LineTracker {
    fn default() -> Self {
        LineTracker {
            line: 1,
            col: 0,
            pos: 0,
        }
    }
}

impl LineTracker {
    fn advance(&mut self, piece: &[u8], to: usize) {
        let seg = &piece[self.pos..to];
        let newlines = memchr::memchr_iter(b'\n', seg).count() as u64;
        if newlines > 0 {
            self.line += newlines;
            let last = memchr::memrchr(b'\n', seg).expect("counted a newline");
            self.col = chars(&seg[last + 1..]);
        } else {
            self.col += chars(seg);
        }
        self.pos = to;
    }

    fn next_piece(&mut self) {
        self.pos = 0;
    }
}

fn chars(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_tracking_across_pieces() {
        let mut t = LineTracker::default();
        let p1 = "ab\ncdé".as_bytes();
        t.advance(p1, 3);
        assert_eq!((t.line, t.col), (2, 0));
        t.advance(p1, p1.len());
        assert_eq!((t.line, t.col), (2, 3));
        t.next_piece();
        let p2 = b"fg\nh";
        t.advance(p2, 1);
        assert_eq!((t.line, t.col), (2, 4));
        t.advance(p2, 4);
        assert_eq!((t.line, t.col), (3, 1));
    }
}
