//! The writer thread: one thread owns the [`Store`]; callers send jobs
//! over a channel. Appends waiting in the queue are written in one
//! transaction (group commit) and each caller is answered after the commit,
//! so a caller that waits for its answer knows its record is in the WAL
//! (survives a killed process; with `sync = full`, also power loss).
//! Other jobs (approvals, queries) run in order between append groups.

use crate::record::Record;
use crate::store::{Store, StoreError};
use std::sync::mpsc;

/// Called once with the outcome of a job (from the writer thread).
pub type Reply<T> = Box<dyn FnOnce(Result<T, StoreError>) + Send>;

enum Job {
    Append(Box<Record>, Reply<u64>),
    Call(Box<dyn FnOnce(&mut Store) + Send>),
}

/// Handle to the writer thread; cheap to clone. The thread ends when the
/// last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("audit::Writer")
    }
}

/// Largest group commit.
const MAX_BATCH: usize = 512;

impl Writer {
    /// Starts the thread that owns `store`, and a second one that
    /// checkpoints its WAL in the background (PASSIVE: never blocks the
    /// writer; see `Store::no_autocheckpoint`).
    pub fn start(store: Store) -> std::io::Result<Writer> {
        let (tx, rx) = mpsc::channel::<Job>();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if store.no_autocheckpoint().is_ok() {
            let (path, done) = (store.path().to_path_buf(), done.clone());
            std::thread::Builder::new()
                .name("stanch-audit-checkpoint".into())
                .spawn(move || checkpoints(&path, &done))?;
        }
        std::thread::Builder::new()
            .name("stanch-audit-writer".into())
            .spawn(move || {
                run(store, rx);
                done.store(true, std::sync::atomic::Ordering::Relaxed);
            })?;
        Ok(Writer { tx })
    }

    /// Queues `rec`; `reply` gets its seq once committed. If the thread is
    /// gone, `reply` is dropped uncalled (callers see a closed channel).
    pub fn append(&self, rec: Record, reply: Reply<u64>) {
        let _ = self.tx.send(Job::Append(Box::new(rec), reply));
    }

    /// Runs `f` on the store in the writer thread.
    pub fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
        reply: Reply<T>,
    ) {
        let _ = self.tx.send(Job::Call(Box::new(move |s| reply(f(s)))));
    }
}

fn run(mut store: Store, rx: mpsc::Receiver<Job>) {
    let mut pending: Vec<(Record, Reply<u64>)> = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Append(r, reply) => pending.push((*r, reply)),
                Job::Call(f) => {
                    flush(&mut store, &mut pending);
                    f(&mut store);
                }
            }
            if pending.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        flush(&mut store, &mut pending);
    }
}

/// How often the background thread checkpoints the WAL.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Copies committed WAL frames into the database file until `done`. A
/// failure is logged by the caller's next verify, not here: the records are
/// safe in the WAL either way.
fn checkpoints(path: &std::path::Path, done: &std::sync::atomic::AtomicBool) {
    let Ok(conn) = rusqlite::Connection::open(path) else {
        return;
    };
    let _ = conn.busy_timeout(std::time::Duration::from_millis(100));
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(CHECKPOINT_EVERY);
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
}

fn flush(store: &mut Store, pending: &mut Vec<(Record, Reply<u64>)>) {
    if pending.is_empty() {
        return;
    }
    let (records, replies): (Vec<Record>, Vec<Reply<u64>>) = pending.drain(..).unzip();
    match store.append(&records) {
        Ok(seqs) => {
            for (reply, seq) in replies.into_iter().zip(seqs) {
                reply(Ok(seq));
            }
        }
        Err(e) => {
            for reply in replies {
                reply(Err(StoreError::Batch(e.to_string())));
            }
        }
    }
}
