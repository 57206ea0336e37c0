//! Input sources: standard input or files; directory walking for `scan`.

use anyhow::Result;
use std::path::{Path, PathBuf};

/// One thing to read.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn display(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }

    pub fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        Ok(match self {
            Source::Stdin => Box::new(std::io::stdin()),
            Source::File(p) => Box::new(std::fs::File::open(p)?),
        })
    }

    /// Like [`open`](Self::open), reading ahead on a thread of its own
    /// ([`ReadAhead`](stanch_redact::stream::ReadAhead)) for stdin and for
    /// files of 4 MB or more: reading overlaps scanning, and a fast pipe
    /// fills whole chunks instead of 64 KB pipe reads. Small files are read
    /// directly (a thread per file would cost more than it saves).
    pub fn open_read_ahead(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        let big = match self {
            Source::Stdin => true,
            Source::File(p) => std::fs::metadata(p).is_ok_and(|m| m.len() >= 4 << 20),
        };
        let r = self.open()?;
        Ok(if big {
            Box::new(stanch_redact::stream::ReadAhead::new(
                r, READ_BLOCK, READ_DEPTH,
            ))
        } else {
            r
        })
    }
}

/// Read-ahead: blocks of 64 KB (a pipe's capacity), at most 32 waiting (2 MB).
const READ_BLOCK: usize = 64 * 1024;
const READ_DEPTH: usize = 32;

/// Paths as given: none or `-` is stdin.
pub fn plain_sources(paths: &[PathBuf]) -> Vec<Source> {
    if paths.is_empty() {
        return vec![Source::Stdin];
    }
    paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Source::Stdin
            } else {
                Source::File(p.clone())
            }
        })
        .collect()
}

/// Expands directories (honouring .gitignore unless `no_ignore`; hidden
/// files such as `.env` are included, `.git/` is not). Files named
/// explicitly are always included. Sorted for deterministic output.
pub fn walk(paths: &[PathBuf], no_ignore: bool) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    for s in plain_sources(paths) {
        match &s {
            Source::File(p) if p.is_dir() => walk_dir(p, no_ignore, &mut out)?,
            Source::File(p) if !p.exists() => {
                anyhow::bail!("{}: no such file or directory", p.display())
            }
            _ => out.push(s),
        }
    }
    Ok(out)
}

fn walk_dir(dir: &Path, no_ignore: bool, out: &mut Vec<Source>) -> Result<()> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .git_ignore(!no_ignore)
        .git_global(!no_ignore)
        .git_exclude(!no_ignore)
        .ignore(!no_ignore)
        .parents(!no_ignore)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let entry = entry?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            files.push(entry.into_path());
        }
    }
    files.sort();
    out.extend(files.into_iter().map(Source::File));
    Ok(())
}
