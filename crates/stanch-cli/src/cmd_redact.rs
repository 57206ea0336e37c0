//! `stanch redact`: a pipe filter in bounded memory. Every byte outside a
//! finding is copied unchanged; each complete line is written as soon as it
//! has been read, so `kubectl logs -f … | stanch redact` stays live.

use crate::cli::RedactArgs;
use crate::config::Config;
use crate::input::{plain_sources, Source};
use anyhow::{bail, Context, Result};
use stanch_redact::stream::{scan_stream, DEFAULT_CHUNK};
use stanch_redact::taint::CANARY_RULE;
use stanch_redact::Redactor;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

pub fn run(config: &Config, args: RedactArgs) -> Result<u8> {
    let db = config.rule_db(&args.common.rule_files, &args.common.disable)?;
    let db = crate::taint::attach(config, &args.common, db)?.db;
    let db = crate::extensions::add(config, db);
    let key = crate::keys::resolve(args.common.key_file.as_deref(), config)?;
    let mut policy = config.policy();
    if let Some(s) = args.style {
        policy.style = Some(s.to_style());
    }
    if let Some(s) = args.min_severity {
        policy.min_severity = s.to_engine();
    }
    let redactor = Redactor::new(db, key, policy);
    let sources = plain_sources(&args.paths);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut failed = false;

    if args.in_place {
        for s in &sources {
            let Source::File(path) = s else {
                bail!("--in-place needs file paths, not standard input");
            };
            if let Err(e) = redact_in_place(&redactor, path, &mut counts) {
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
        let sink: Box<dyn Write> = match &args.output {
            Some(p) => Box::new(
                std::fs::File::create(p)
                    .with_context(|| format!("cannot create {}", p.display()))?,
            ),
            None => Box::new(std::io::stdout().lock()),
        };
        let mut out = BufWriter::with_capacity(1 << 16, sink);
        for s in &sources {
            let reader = match s.open() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("stanch: error: cannot read {}: {e}", s.display());
                    failed = true;
                    continue;
                }
            };
            redact_one(&redactor, &s.display(), reader, &mut out, &mut counts)
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

/// Redacts one input; a canary token is also reported on stderr by rule id
/// and `input:line` (never its value).
fn redact_one(
    redactor: &Redactor,
    name: &str,
    reader: impl std::io::Read,
    out: &mut dyn Write,
    counts: &mut BTreeMap<String, u64>,
) -> Result<()> {
    let db = redactor.db();
    let mut scratch = db.scratch();
    let canary = db.lookup(stanch_redact::taint::CANARY_RULE);
    let mut line: u64 = 1;
    scan_stream(
        db,
        &mut scratch,
        reader,
        DEFAULT_CHUNK,
        |_, bytes, findings| {
            let mut pos = 0;
            for f in findings.iter().filter(|f| Some(f.rule) == canary) {
                line += memchr::memchr_iter(b'\n', &bytes[pos..f.start]).count() as u64;
                pos = f.start;
                eprintln!("stanch: canary token found: {CANARY_RULE} at {name}:{line}");
            }
            if canary.is_some() {
                line += memchr::memchr_iter(b'\n', &bytes[pos..]).count() as u64;
            }
            for f in findings.iter().filter(|f| redactor.applies(f)) {
                *counts.entry(db.rule(f.rule).id().to_string()).or_default() += 1;
            }
            redactor.write_redacted(bytes, findings, out)?;
            out.flush()
        },
    )?;
    Ok(())
}

/// Redacts into a temporary file next to `path`, then renames it over
/// `path` (keeping permissions), so a failure never leaves a half-written file.
fn redact_in_place(
    redactor: &Redactor,
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
        redact_one(redactor, &path.display().to_string(), input, &mut w, counts)
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
