//! The SQLite store: WAL journal, one `records` table (indexed columns for
//! queries plus the hashed canonical text), a one-row `head` (last seq and
//! hash, MAC'd) that makes a cut-off tail visible, a one-row `checkpoint`
//! left by pruning, `meta` (chain mode, key check) and `approvals`.
//!
//! Every write is a transaction that reads the head first (`BEGIN
//! IMMEDIATE`), so a second writer (`stanch audit prune` while the gateway
//! runs) extends the same chain instead of forking it.

use crate::chain::{Chain, GENESIS};
use crate::record::Record;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::path::{Path, PathBuf};

/// When a commit is on disk (`PRAGMA synchronous` under WAL).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sync {
    /// Committed transactions survive the process being killed (they are
    /// in the WAL file, in the OS page cache); the last ones may be lost
    /// if the machine loses power. The default.
    #[default]
    Normal,
    /// Every commit is fsynced: survives power loss, costs a sync per
    /// group commit.
    Full,
}

impl Sync {
    pub fn parse(s: &str) -> Option<Sync> {
        match s {
            "normal" => Some(Sync::Normal),
            "full" => Some(Sync::Full),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sync::Normal => "normal",
            Sync::Full => "full",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("audit store {path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    #[error("audit store {path}: its chain is {stored} but {given} was given{hint}")]
    ChainMode {
        path: String,
        stored: String,
        given: &'static str,
        hint: &'static str,
    },
    #[error("audit store {0}: the key given is not the key this store was written with")]
    WrongKey(String),
    #[error("{0}")]
    Approval(#[from] crate::approvals::ApprovalError),
    #[error("audit store: the group commit failed: {0}")]
    Batch(String),
}

pub(crate) fn sql_err(path: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Sqlite {
        path: path.to_string(),
        source,
    }
}

/// A record as stored, with its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    pub seq: u64,
    pub prev_hash: String,
    pub hash: String,
    pub record: Record,
}

/// What `query` selects (all conditions must hold).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub principal: Option<String>,
    pub since_ms: Option<u64>,
    pub until_ms: Option<u64>,
    pub decision: Option<String>,
    pub rule: Option<String>,
    pub kind: Option<String>,
    pub request_id: Option<String>,
    pub after_seq: Option<u64>,
    /// Newest `n` (still returned oldest first).
    pub last: Option<u64>,
}

pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) chain: Chain,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("chain", &self.chain)
            .finish()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(
  seq INTEGER PRIMARY KEY,
  ts_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT NOT NULL,
  principal TEXT NOT NULL,
  decision TEXT NOT NULL,
  rules TEXT NOT NULL,
  body TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_ts ON records(ts_ms);
CREATE INDEX IF NOT EXISTS records_principal ON records(principal);
CREATE INDEX IF NOT EXISTS records_request ON records(request_id);
CREATE TABLE IF NOT EXISTS head(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals(
  id TEXT PRIMARY KEY,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  principal TEXT NOT NULL,
  route TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  request_id TEXT NOT NULL,
  status TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_ms INTEGER NOT NULL,
  findings TEXT NOT NULL,
  redacted_request TEXT NOT NULL,
  mac TEXT NOT NULL);
";

impl Store {
    /// Opens (creating if needed) a store for writing with `chain`. A store
    /// created with another chain mode or key is refused.
    pub fn open(path: &Path, chain: Chain, sync: Sync) -> Result<Store, StoreError> {
        let s = Store::open_raw(path, chain, sync)?;
        s.conn.execute_batch(SCHEMA).map_err(|e| s.err(e))?;
        s.check_or_init_meta(true)?;
        Ok(s)
    }

    /// Opens an existing store to read or verify with `chain` (its mode
    /// must match the store's, and a keyed store needs the writer's key).
    pub fn open_existing(path: &Path, chain: Chain) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Sqlite {
                path: path.display().to_string(),
                source: rusqlite::Error::InvalidPath(path.to_path_buf()),
            });
        }
        let s = Store::open_raw(path, chain, Sync::Normal)?;
        s.conn.execute_batch(SCHEMA).map_err(|e| s.err(e))?;
        s.check_or_init_meta(false)?;
        Ok(s)
    }

    /// Opens an existing store only to read it (no key needed, nothing
    /// checked: `tail`, `query`).
    pub fn open_read(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Sqlite {
                path: path.display().to_string(),
                source: rusqlite::Error::InvalidPath(path.to_path_buf()),
            });
        }
        Store::open_raw(path, Chain::Plain, Sync::Normal)
    }

    /// The chain mode a store was created with (`None`: not initialized).
    pub fn stored_mode(path: &Path) -> Result<Option<String>, StoreError> {
        let s = Store::open_raw(path, Chain::Plain, Sync::Normal)?;
        let has_meta: bool = s
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'meta'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| s.err(e))?
            > 0;
        if !has_meta {
            return Ok(None);
        }
        s.meta("chain")
    }

    fn open_raw(path: &Path, chain: Chain, sync: Sync) -> Result<Store, StoreError> {
        let err = |source| StoreError::Sqlite {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", sync.as_str().to_uppercase())
            .map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
        }
        Ok(Store {
            conn,
            chain,
            path: path.to_path_buf(),
        })
    }

    pub(crate) fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.display().to_string(),
            source,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops this connection from checkpointing the WAL at commit time
    /// (SQLite's default after 1000 pages). A checkpoint writes the pages
    /// back into the database file and syncs it, which can take tens of
    /// milliseconds; the writer thread would hold every waiting answer that
    /// long. [`Writer::start`](crate::writer::Writer::start) checkpoints
    /// from a thread of its own instead.
    pub(crate) fn no_autocheckpoint(&self) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(|e| self.err(e))
    }

    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    fn meta(&self, k: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT v FROM meta WHERE k = ?1", [k], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    fn check_or_init_meta(&self, init: bool) -> Result<(), StoreError> {
        let path = self.path.display().to_string();
        match self.meta("chain")? {
            None if init => {
                self.conn
                    .execute(
                        "INSERT INTO meta(k, v) VALUES ('chain', ?1), ('key_check', ?2), ('version', '1')",
                        params![self.chain.mode(), self.chain.key_check()],
                    )
                    .map_err(|e| self.err(e))?;
                Ok(())
            }
            None => Ok(()),
            Some(m) if m != self.chain.mode() => Err(StoreError::ChainMode {
                path,
                stored: m,
                given: self.chain.mode(),
                hint: if self.chain.mode() == "sha256" {
                    " (pass the key it was written with: --key-file or STANCH_KEY)"
                } else {
                    ""
                },
            }),
            Some(_) => {
                if self.meta("key_check")?.as_deref() != Some(&self.chain.key_check()) {
                    return Err(StoreError::WrongKey(path));
                }
                Ok(())
            }
        }
    }

    /// Appends `records` in one transaction (group commit); returns their seqs.
    pub fn append(&mut self, records: &[Record]) -> Result<Vec<u64>, StoreError> {
        let chain = self.chain.clone();
        let path = self.path.display().to_string();
        let tx = self.begin()?;
        let seqs = append_in(&tx, &chain, records).map_err(sql_err(&path))?;
        tx.commit().map_err(sql_err(&path))?;
        Ok(seqs)
    }

    pub(crate) fn begin(&mut self) -> Result<Transaction<'_>, StoreError> {
        let path = self.path.display().to_string();
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|source| StoreError::Sqlite { path, source })
    }

    /// Records matching `f`, oldest first.
    pub fn query(&self, f: &Filter) -> Result<Vec<Stored>, StoreError> {
        let mut sql = String::from("SELECT seq, prev_hash, hash, body FROM records WHERE 1=1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut cond = |c: &str, v: rusqlite::types::Value| {
            sql.push_str(&format!(" AND {c} ?{}", args.len() + 1));
            args.push(v);
        };
        if let Some(p) = &f.principal {
            cond("principal =", p.clone().into());
        }
        if let Some(t) = f.since_ms {
            cond("ts_ms >=", (t as i64).into());
        }
        if let Some(t) = f.until_ms {
            cond("ts_ms <", (t as i64).into());
        }
        if let Some(d) = &f.decision {
            cond("decision =", d.clone().into());
        }
        if let Some(r) = &f.rule {
            cond("rules LIKE", format!("%,{r},%").into());
        }
        if let Some(k) = &f.kind {
            cond("kind =", k.clone().into());
        }
        if let Some(r) = &f.request_id {
            cond("request_id =", r.clone().into());
        }
        if let Some(s) = f.after_seq {
            cond("seq >", (s as i64).into());
        }
        match f.last {
            Some(n) => {
                sql = format!("SELECT * FROM ({sql} ORDER BY seq DESC LIMIT {n}) ORDER BY seq")
            }
            None => sql.push_str(" ORDER BY seq"),
        }
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, prev_hash, hash, body) = row.map_err(|e| self.err(e))?;
            out.push(Stored {
                seq: seq as u64,
                prev_hash,
                hash,
                record: serde_json::from_str(&body).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Deletes every record older than `cutoff_ms` (a prefix of the chain),
    /// keeps a checkpoint (seq and hash of the last deleted record) and
    /// appends a `prune` record naming it, so the rest still verifies.
    /// Returns how many records were deleted.
    pub fn prune(&mut self, cutoff_ms: u64, actor: &str) -> Result<u64, StoreError> {
        let chain = self.chain.clone();
        let path = self.path.display().to_string();
        let tx = self.begin()?;
        let n = prune_in(&tx, &chain, cutoff_ms, actor).map_err(sql_err(&path))?;
        tx.commit().map_err(sql_err(&path))?;
        Ok(n)
    }

    /// Last seq and hash (from the head row).
    pub fn head(&self) -> Result<Option<(u64, String)>, StoreError> {
        self.conn
            .query_row("SELECT seq, hash FROM head WHERE id = 1", [], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
            })
            .optional()
            .map_err(|e| self.err(e))
    }
}

/// The chain's tail: (seq, hash) of the head, else of the checkpoint, else
/// (0, GENESIS).
fn tail(tx: &Transaction<'_>) -> rusqlite::Result<(u64, String)> {
    if let Some(h) = tx
        .query_row("SELECT seq, hash FROM head WHERE id = 1", [], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .optional()?
    {
        return Ok(h);
    }
    Ok(tx
        .query_row("SELECT seq, hash FROM checkpoint WHERE id = 1", [], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// Appends inside an open transaction and moves the head.
pub(crate) fn append_in(
    tx: &Transaction<'_>,
    chain: &Chain,
    records: &[Record],
) -> rusqlite::Result<Vec<u64>> {
    let (mut seq, mut prev) = tail(tx)?;
    let mut seqs = Vec::with_capacity(records.len());
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO records(seq, ts_ms, kind, request_id, principal, decision, rules, body, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for r in records {
            seq += 1;
            let body = r.canonical();
            let hash = chain.record_hash(seq, &prev, &body);
            ins.execute(params![
                seq as i64,
                r.ts_ms as i64,
                r.kind,
                r.request_id,
                r.principal,
                r.decision,
                r.rules_column(),
                body,
                prev,
                hash
            ])?;
            seqs.push(seq);
            prev = hash;
        }
    }
    if !records.is_empty() {
        tx.execute(
            "INSERT INTO head(id, seq, hash, mac) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac",
            params![seq as i64, prev, chain.head_mac(seq, &prev)],
        )?;
    }
    Ok(seqs)
}

fn prune_in(
    tx: &Transaction<'_>,
    chain: &Chain,
    cutoff_ms: u64,
    actor: &str,
) -> rusqlite::Result<u64> {
    // The prefix to delete ends before the first record at or after the
    // cutoff (so a record with an earlier clock after a later one stays).
    let first_kept: Option<i64> = tx.query_row(
        "SELECT min(seq) FROM records WHERE ts_ms >= ?1",
        [cutoff_ms as i64],
        |r| r.get(0),
    )?;
    let last_del: Option<(i64, String)> = match first_kept {
        Some(k) => tx
            .query_row(
                "SELECT seq, hash FROM records WHERE seq < ?1 ORDER BY seq DESC LIMIT 1",
                [k],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
        None => tx
            .query_row(
                "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
    };
    let Some((seq, hash)) = last_del else {
        return Ok(0);
    };
    let n = tx.execute("DELETE FROM records WHERE seq <= ?1", [seq])?;
    tx.execute(
        "INSERT INTO checkpoint(id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![seq, hash],
    )?;
    let mut r = Record::new("prune");
    r.principal = actor.to_string();
    r.decision = "pruned".into();
    r.detail = checkpoint_detail(seq as u64, &hash, n as u64);
    append_in(tx, chain, &[r])?;
    Ok(n as u64)
}

/// `checkpoint seq=N hash=H pruned=K` (parsed back by verify).
pub(crate) fn checkpoint_detail(seq: u64, hash: &str, n: u64) -> String {
    format!("checkpoint seq={seq} hash={hash} pruned={n}")
}

pub(crate) fn parse_checkpoint(detail: &str) -> Option<(u64, String)> {
    let mut seq = None;
    let mut hash = None;
    for part in detail.split_whitespace() {
        if let Some(v) = part.strip_prefix("seq=") {
            seq = v.parse().ok();
        } else if let Some(v) = part.strip_prefix("hash=") {
            hash = Some(v.to_string());
        }
    }
    Some((seq?, hash?))
}
