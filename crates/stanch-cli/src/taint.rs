//! Registered secrets and canaries for `redact` and `scan`: reads the
//! environment, the taint files and the canary file (the I/O the
//! stanch-redact loaders leave to the caller), builds one
//! [`TaintSet`](stanch_redact::taint::TaintSet) and attaches it to the rule
//! database as an extension. Warnings name origins, never values.

use crate::cli::Common;
use crate::config::Config;
use anyhow::{Context, Result};
use stanch_engine::RuleDb;
use stanch_redact::canary;
use stanch_redact::taint::{self, TaintBuilder, TaintKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zeroize::Zeroizing;

/// Canary file used when nothing names one.
pub const DEFAULT_CANARY_FILE: &str = ".stanch/canaries.toml";

/// The canary file: `flag`, else the config's `canary.file`, else
/// `$STANCH_CANARY_FILE`, else [`DEFAULT_CANARY_FILE`]. The flag is true
/// when the file was named explicitly (and so must exist when read).
pub fn canary_path(flag: Option<&Path>, config: &Config) -> (PathBuf, bool) {
    if let Some(p) = flag {
        return (p.to_path_buf(), true);
    }
    if let Some(p) = &config.canary_file {
        return (p.clone(), true);
    }
    if let Some(p) = std::env::var_os("STANCH_CANARY_FILE").filter(|p| !p.is_empty()) {
        return (PathBuf::from(p), true);
    }
    (PathBuf::from(DEFAULT_CANARY_FILE), false)
}

/// Reads a canary file (into a zeroized buffer) and parses it.
pub fn read_canaries(path: &Path) -> Result<Vec<canary::CanaryRecord>> {
    let bytes = Zeroizing::new(
        std::fs::read(path)
            .with_context(|| format!("cannot read canary file {}", path.display()))?,
    );
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| anyhow::anyhow!("canary file {} is not UTF-8", path.display()))?;
    Ok(canary::parse_canary_file(
        &path.display().to_string(),
        text,
    )?)
}

/// A rule database with registered secrets and canaries attached.
pub struct Attached {
    pub db: RuleDb,
    /// The canary file read, if any: `scan` leaves it out of directory
    /// walks (it holds the canaries, and is no leak).
    pub canary_file: Option<PathBuf>,
}

/// `db` with the registered secrets and canaries of the config and flags
/// attached (unchanged when there are none).
pub fn attach(config: &Config, common: &Common, db: RuleDb) -> Result<Attached> {
    let mut builder = TaintBuilder::new();

    let patterns: Vec<String> = config
        .taint_env
        .iter()
        .chain(&common.taint_env)
        .cloned()
        .collect();
    if !patterns.is_empty() {
        let (values, unmatched) = taint::from_env_globs(&patterns, std::env::vars_os())
            .context("invalid --taint-env glob")?;
        for p in unmatched {
            eprintln!("stanch: warning: taint env `{p}` matches no environment variable");
        }
        builder.extend(values, TaintKind::Registered);
    }

    for f in config.taint_files.iter().chain(&common.taint_files) {
        let bytes = Zeroizing::new(
            std::fs::read(f).with_context(|| format!("cannot read taint file {}", f.display()))?,
        );
        let values = taint::parse_taint_file(&f.display().to_string(), &bytes);
        if values.is_empty() {
            eprintln!("stanch: warning: taint file {} holds no value", f.display());
        }
        builder.extend(values, TaintKind::Registered);
    }

    let (path, explicit) = canary_path(common.canary_file.as_deref(), config);
    let mut canary_file = None;
    if explicit || path.exists() {
        let records = read_canaries(&path)?;
        canary::register(&mut builder, &path.display().to_string(), &records);
        canary_file = Some(path);
    }

    let mut db = db;
    if !builder.is_empty() {
        let (set, warnings) = builder.build(&db)?;
        for w in warnings {
            eprintln!("stanch: warning: {w}");
        }
        if !set.is_empty() {
            db = db.with_extension(Arc::new(set));
        }
    }
    Ok(Attached { db, canary_file })
}
