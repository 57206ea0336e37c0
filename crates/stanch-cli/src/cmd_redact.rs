//! `stanch redact`: a pipe filter in bounded memory. Every byte outside a
//! finding is copied unchanged; each complete line is written as soon as it
//! has been read, so `kubectl logs -f … | stanch redact` stays live.

use crate::cli::RedactArgs;
use crate::config::Config;
use crate::config::InputFormat;
use crate::input::{plain_sources, Source};
use crate::structured::{self, redact_json_doc, redact_jsonl, Mode, Report};
use anyhow::{bail, Context, Result};
use stanch_redact::stream::{scan_stream_piped, DEFAULT_CHUNK};
use stanch_redact::structured::parse::parse;
use stanch_redact::structured::{JsonRedactor, SecretKeys};
use stanch_redact::taint::CANARY_RULE;
use stanch_redact::Redactor;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Cursor, Read, Write};
use std::path::Path;

pub fn run(config: &Config, args: RedactArgs) -> Result<u8> {
    let redactor =
        crate::extensions::redactor(config, &args.common, args.style, args.min_severity, true)?;
    let keys = SecretKeys::new(&config.secret_keys, &config.not_secret_keys);
    let max_field = args
        .max_field_bytes
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        .or(config.max_field_bytes);
    let plan = Plan {
        redactor: &redactor,
        json: JsonRedactor::new(&redactor, &keys).max_field_bytes(max_field),
        format: args.format.or(config.format).unwrap_or(InputFormat::Auto),
        threads: args.threads.unwrap_or(1).clamp(1, 64),
    };
    let sources = plain_sources(&args.paths);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut failed = false;

    if args.in_place {
        for s in &sources {
            let Source::File(path) = s else {
                bail!("--in-place needs file paths, not standard input");
            };
            if let Err(e) = redact_in_place(&plan, path, &mut counts) {
                eprintln!("stanch: error: {e:#}");
                failed = true;
            }
        }
    } else {
        if let Some(out) = &args.output {
            for s in &sources {
                if let Source::File(p) = s {
                    if same_file(p, out) {
                        bail!(
                            "{} is both input and output; use --in-place to rewrite a file",
                            p.display()
                        );
                    }
                }
            }
        }
        let sink: Box<dyn Write + Send> = match &args.output {
            Some(p) => Box::new(
                std::fs::File::create(p)
                    .with_context(|| format!("cannot create {}", p.display()))?,
            ),
            None => Box::new(std::io::stdout()),
        };
        let mut out = BufWriter::with_capacity(1 << 16, sink);
        for s in &sources {
            let reader = match s.open_read_ahead() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("stanch: error: cannot read {}: {e}", s.display());
                    failed = true;
                    continue;
                }
            };
            let path = match s {
                Source::File(p) => Some(p.as_path()),
                Source::Stdin => None,
            };
            redact_one(&plan, &s.display(), path, reader, &mut out, &mut counts)
                .with_context(|| format!("while redacting {}", s.display()))?;
        }
        out.flush()?;
    }
    if args.stats {
        let total: u64 = counts.values().sum();
        eprintln!("stanch: redacted {total} finding(s)");
        for (rule, n) in &counts {
            eprintln!("  {rule}: {n}");
        }
    }
    Ok(if failed { 2 } else { 0 })
}

/// How `redact` reads its inputs.
pub struct Plan<'a> {
    pub redactor: &'a Redactor,
    pub json: JsonRedactor<'a>,
    pub format: InputFormat,
    /// Threads (see `redact --threads`): plain text shares rounds between
    /// them, JSON Lines each block's scans (two at most).
    pub threads: usize,
}

/// Redacts one input in the mode its format, name and first bytes call
/// for; a canary token is also reported on stderr by rule id and
/// `input:line` (never its value).
fn redact_one(
    plan: &Plan<'_>,
    name: &str,
    path: Option<&Path>,
    reader: impl Read,
    out: &mut (dyn Write + Send),
    counts: &mut BTreeMap<String, u64>,
) -> Result<()> {
    let redactor = plan.redactor;
    let mut report = Report {
        name,
        counts,
        canary: redactor.db().lookup(CANARY_RULE),
    };
    let mut text =
        |r: &mut dyn Read, o: &mut (dyn Write + Send), line: u64, rep: &mut Report<'_>| {
            redact_text(redactor, plan.threads, r, o, line, rep)
        };
    // A read buffer as large as a JSON Lines block (the block is scanned
    // when the buffer runs dry: the next read may wait).
    let buffer = if plan.threads >= 2 { 1 << 20 } else { 1 << 18 };
    let mut reader = BufReader::with_capacity(buffer, reader);
    let head = if plan.format == InputFormat::Auto {
        reader.fill_buf()?.to_vec()
    } else {
        Vec::new()
    };
    match structured::mode(plan.format, path, &head) {
        Mode::Text => {
            redact_text(redactor, plan.threads, &mut reader, out, 1, &mut report)?;
        }
        Mode::Jsonl => {
            redact_jsonl(
                redactor,
                &plan.json,
                &mut reader,
                out,
                &mut report,
                &mut text,
                plan.threads,
            )?;
        }
        Mode::Json => {
            redact_json_doc(
                redactor,
                &plan.json,
                true,
                Vec::new(),
                &mut reader,
                out,
                &mut report,
                &mut text,
            )?;
        }
        Mode::Sniff => {
            let mut first = Vec::new();
            (&mut reader)
                .take(structured::MAX_LINE as u64)
                .read_until(b'\n', &mut first)?;
            let body = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&first);
            if parse(body.trim_ascii(), &mut Vec::new()).is_ok() {
                let mut lines = BufReader::with_capacity(buffer, Cursor::new(first).chain(reader));
                redact_jsonl(
                    redactor,
                    &plan.json,
                    &mut lines,
                    out,
                    &mut report,
                    &mut text,
                    plan.threads,
                )?;
            } else {
                redact_json_doc(
                    redactor,
                    &plan.json,
                    false,
                    first,
                    &mut reader,
                    out,
                    &mut report,
                    &mut text,
                )?;
            }
        }
    }
    Ok(())
}

/// The text path: streamed in bounded memory, lines handed on as soon as
/// they are complete. `line` is the number of the first line read. Returns
/// the number of the line after the last.
fn redact_text(
    redactor: &Redactor,
    threads: usize,
    reader: &mut dyn Read,
    out: &mut (dyn Write + Send),
    mut line: u64,
    report: &mut Report<'_>,
) -> Result<u64> {
    let db = redactor.db();
    let mut scratches: Vec<_> = (0..threads.max(1)).map(|_| db.scratch()).collect();
    let canary = report.canary;
    let sink = |_: u64, bytes: &[u8], findings: &[stanch_engine::Finding]| {
        let mut pos = 0;
        for f in findings.iter().filter(|f| Some(f.rule) == canary) {
            line += memchr::memchr_iter(b'\n', &bytes[pos..f.start]).count() as u64;
            pos = f.start;
            eprintln!(
                "stanch: canary token found: {CANARY_RULE} at {}:{line}",
                report.name
            );
        }
        line += memchr::memchr_iter(b'\n', &bytes[pos..]).count() as u64;
        for f in findings.iter().filter(|f| redactor.applies(f)) {
            *report
                .counts
                .entry(db.rule(f.rule).id().to_string())
                .or_default() += 1;
        }
        redactor.write_redacted(bytes, findings, out)?;
        out.flush()
    };
    // With more than one scanning thread, output is written on a thread of
    // its own while the next round is scanned.
    scan_stream_piped(db, &mut scratches, reader, DEFAULT_CHUNK, sink)?;
    Ok(line)
}

/// Redacts into a temporary file next to `path`, then renames it over
/// `path` (keeping permissions), so a failure never leaves a half-written file.
fn redact_in_place(
    plan: &Plan<'_>,
    path: &std::path::Path,
    counts: &mut BTreeMap<String, u64>,
) -> Result<()> {
    let input =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let perms = input.metadata()?.permissions();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        redact_one(
            plan,
            &path.display().to_string(),
            Some(path),
            input,
            &mut w,
            counts,
        )
        .with_context(|| format!("while redacting {}", path.display()))?;
        w.flush()?;
    }
    tmp.as_file().set_permissions(perms)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
