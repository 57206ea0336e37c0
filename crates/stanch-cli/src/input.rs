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
    /// A path to a regular file (not stdin, a FIFO or a device) that
    /// [`open_read_ahead`](Self::open_read_ahead) reads directly (smaller
    /// than [`READ_AHEAD_MIN`]): its reads can be made to fill whole rounds
    /// ([`FillReads`]). A larger file's read-ahead thread already hands over
    /// whatever it has read, without making the scan wait for a full round.
    pub fn is_small_regular_file(&self) -> bool {
        matches!(self, Source::File(p)
            if std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() < READ_AHEAD_MIN))
    }

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
            Source::File(p) => std::fs::metadata(p).is_ok_and(|m| m.len() >= READ_AHEAD_MIN),
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

/// Reads until the buffer is full or the input ends. Only for regular files,
/// where a read never waits on a writer: the stream scanner scans as soon as
/// a read brings a line end (so a live pipe's lines go out at once), and a
/// file that came in two reads (the head peeked for binary content, then the
/// rest) was scanned in two rounds, the second with 4 KB of the first again:
/// on a tree of 10 KB files, twice the work per byte.
pub struct FillReads<R> {
    inner: R,
    /// An error after part of a buffer was filled, returned by the next call.
    err: Option<std::io::Error>,
}

impl<R> FillReads<R> {
    pub fn new(inner: R) -> FillReads<R> {
        FillReads { inner, err: None }
    }
}

impl<R: std::io::Read> std::io::Read for FillReads<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        let mut n = 0;
        while n < buf.len() {
            match self.inner.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if n == 0 => return Err(e),
                Err(e) => {
                    self.err = Some(e);
                    break;
                }
            }
        }
        Ok(n)
    }
}

/// Files from this size up are read on a thread of their own.
pub const READ_AHEAD_MIN: u64 = 4 << 20;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Gives at most `step` bytes per read, and an error once at `fail_at`.
    struct Trickle {
        data: Vec<u8>,
        pos: usize,
        step: usize,
        fail_at: Option<usize>,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.fail_at == Some(self.pos) {
                self.fail_at = None;
                return Err(std::io::Error::other("disk gone"));
            }
            let end = (self.pos + self.step.min(buf.len())).min(self.data.len());
            let k = end - self.pos;
            buf[..k].copy_from_slice(&self.data[self.pos..end]);
            self.pos = end;
            Ok(k)
        }
    }

    #[test]
    fn fill_reads_fills_each_buffer_then_reports_an_error_after_its_bytes() {
        let data: Vec<u8> = (0..100u8).collect();
        let trickle = |fail_at| Trickle {
            data: data.clone(),
            pos: 0,
            step: 7,
            fail_at,
        };
        let mut r = FillReads::new(trickle(None));
        let mut buf = [0u8; 40];
        assert_eq!(r.read(&mut buf).unwrap(), 40);
        assert_eq!(&buf[..], &data[..40]);
        assert_eq!(r.read(&mut buf).unwrap(), 40);
        assert_eq!(r.read(&mut buf).unwrap(), 20);
        assert_eq!(&buf[..20], &data[80..]);
        assert_eq!(r.read(&mut buf).unwrap(), 0);
        // An error once some bytes are in: those bytes first, then the error.
        let mut r = FillReads::new(trickle(Some(14)));
        assert_eq!(r.read(&mut buf).unwrap(), 14);
        assert_eq!(r.read(&mut buf).unwrap_err().to_string(), "disk gone");
        assert_eq!(r.read(&mut buf).unwrap(), 40);
        assert_eq!(&buf[..], &data[14..54]);
    }

    #[test]
    fn only_small_regular_files_fill_their_reads() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.log");
        std::fs::write(&f, b"x").unwrap();
        assert!(Source::File(f.clone()).is_small_regular_file());
        let big = std::fs::File::create(dir.path().join("big.log")).unwrap();
        big.set_len(READ_AHEAD_MIN).unwrap();
        assert!(!Source::File(dir.path().join("big.log")).is_small_regular_file());
        assert!(!Source::File(dir.path().to_path_buf()).is_small_regular_file());
        assert!(!Source::File(dir.path().join("missing")).is_small_regular_file());
        assert!(!Source::Stdin.is_small_regular_file());
    }
}
