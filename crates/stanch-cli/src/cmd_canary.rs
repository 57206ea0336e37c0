//! `stanch canary new|list`: mint canary tokens into the canary file and
//! list them (kind, created, note, keyed fingerprints; never the values).
//! The file format is documented in `stanch_redact::canary` and
//! docs/canaries.md.

use crate::cli::{CanaryArgs, CanaryCommand};
use crate::config::Config;
use crate::taint::{canary_path, read_canaries};
use anyhow::{bail, Context, Result};
use stanch_redact::canary::{parse_canary_file, CanaryRecord, FILE_HEADER};
use stanch_redact::taint::CANARY_RULE;
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

pub fn run(config: &Config, args: CanaryArgs) -> Result<u8> {
    match args.command {
        CanaryCommand::New { kind, note, file } => {
            let (path, _) = canary_path(file.as_deref(), config);
            let record = CanaryRecord::mint(kind.to_kind(), &note, std::time::SystemTime::now())?;
            append(&path, &record)?;
            let mut out = std::io::stdout().lock();
            for v in &record.values {
                writeln!(out, "{}", v.as_str())?;
            }
            out.flush()?;
            eprintln!(
                "stanch: {} canary added to {}; plant it where a leak would pick it up \
                 (`stanch scan` exits 3 when it sees it)",
                record.kind,
                path.display()
            );
            Ok(0)
        }
        CanaryCommand::List { file, key_file } => {
            let (path, _) = canary_path(file.as_deref(), config);
            if !path.exists() {
                bail!(
                    "no canary file at {} (create one with `stanch canary new`)",
                    path.display()
                );
            }
            let records = read_canaries(&path)?;
            let key = crate::keys::resolve(key_file.as_deref(), config)?;
            let mut out = std::io::stdout().lock();
            for r in &records {
                let fps: Vec<String> = r
                    .values
                    .iter()
                    .map(|v| key.fingerprint(CANARY_RULE, v.as_bytes()))
                    .collect();
                let line = format!(
                    "{:<8} {}  {}  {}",
                    r.kind.as_str(),
                    r.created,
                    fps.join(","),
                    r.note
                );
                writeln!(out, "{}", line.trim_end())?;
            }
            out.flush()?;
            if records.is_empty() {
                eprintln!("stanch: no canaries in {}", path.display());
            }
            Ok(0)
        }
    }
}

/// Appends `record` to the canary file by rewriting it atomically (a
/// temporary file next to it, mode 0600, renamed over it). An existing file
/// must parse, so a broken one is never extended.
fn append(path: &Path, record: &CanaryRecord) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut text: Zeroizing<String> = match std::fs::read(path) {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let s = std::str::from_utf8(&bytes)
                .map_err(|_| anyhow::anyhow!("canary file {} is not UTF-8", path.display()))?;
            parse_canary_file(&path.display().to_string(), s)?;
            Zeroizing::new(s.to_string())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Zeroizing::new(String::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read canary file {}", path.display()))
        }
    };
    if text.trim().is_empty() {
        text.clear();
        text.push_str(FILE_HEADER);
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&record.to_toml()?);

    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    (&mut tmp.as_file()).write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .with_context(|| format!("cannot write canary file {}", path.display()))?;
    Ok(())
}
