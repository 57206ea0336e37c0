//! `stanch audit verify`: walks the chain and names the first bad record.
//!
//! Detected: a record's hashed text or an indexed column edited (hash or
//! column mismatch), a record deleted from the middle or two records
//! reordered (seq gap or `prev_hash` mismatch), the tail cut off (the
//! MAC'd head names a later seq or another hash), a checkpoint that no
//! `prune` record vouches for, a file SQLite cannot read.
//!
//! Not detected by the store alone: with the key, anything can be
//! re-forged; without the key, an attacker who deletes the last records
//! *and* points the head at the new last record (copying its existing
//! hash and head MAC from an earlier moment) rolls the store back. Keep an
//! external anchor against that: `verify` prints the head (`seq`, hash);
//! `verify --anchor SEQ:HASH` checks that record SEQ is still there with
//! that hash (ship the head to another system periodically).

use crate::chain::GENESIS;
use crate::record::Record;
use crate::store::{parse_checkpoint, Store, StoreError};
use rusqlite::OptionalExtension;

/// An intact chain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub records: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    pub head_hash: String,
    pub chain: &'static str,
    /// Seq of the pruning checkpoint the chain starts after (0: none).
    pub checkpoint_seq: u64,
}

/// The first problem found. `seq` is the record it is about (0: the store
/// as a whole).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("record {seq}: {what}")]
pub struct Broken {
    pub seq: u64,
    pub what: String,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Broken(#[from] Broken),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn broken(seq: u64, what: impl Into<String>) -> VerifyError {
    VerifyError::Broken(Broken {
        seq,
        what: what.into(),
    })
}

impl Store {
    /// Checks the whole chain (and, with `anchor`, that record `seq` still
    /// has `hash`).
    pub fn verify(&self, anchor: Option<(u64, &str)>) -> Result<Report, VerifyError> {
        let sql_err = |e: rusqlite::Error| VerifyError::Store(self.err(e));
        // One read snapshot: a gateway appending meanwhile does not make the
        // head look ahead of the records.
        let snapshot = self.conn.unchecked_transaction().map_err(sql_err)?;
        let checkpoint: Option<(u64, String)> = self
            .conn
            .query_row("SELECT seq, hash FROM checkpoint WHERE id = 1", [], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
            })
            .optional()
            .map_err(sql_err)?;
        let (mut expect_seq, mut prev) = match &checkpoint {
            Some((s, h)) => (s + 1, h.clone()),
            None => (1, GENESIS.to_string()),
        };
        let first_seq = expect_seq;
        let mut last_prune: Option<(u64, String)> = None;
        let mut anchor_seen = false;
        let mut n = 0u64;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, ts_ms, kind, request_id, principal, decision, rules, body, prev_hash, hash
                 FROM records ORDER BY seq",
            )
            .map_err(sql_err)?;
        let mut rows = stmt.query([]).map_err(sql_err)?;
        while let Some(row) = rows.next().map_err(sql_err)? {
            let seq = row.get::<_, i64>(0).map_err(sql_err)? as u64;
            let body: String = row.get(7).map_err(sql_err)?;
            let prev_hash: String = row.get(8).map_err(sql_err)?;
            let hash: String = row.get(9).map_err(sql_err)?;
            if seq != expect_seq {
                return Err(broken(
                    expect_seq,
                    format!("missing (the next record is {seq}): deleted or reordered"),
                ));
            }
            if prev_hash != prev {
                return Err(broken(
                    seq,
                    "prev_hash does not match the previous record's hash (deleted, inserted or reordered)",
                ));
            }
            if self.chain.record_hash(seq, &prev_hash, &body) != hash {
                return Err(broken(seq, "hash mismatch: the record was edited"));
            }
            let rec: Record = serde_json::from_str(&body)
                .map_err(|_| broken(seq, "the hashed text is not a record"))?;
            let cols = [
                (
                    "ts_ms",
                    row.get::<_, i64>(1).map_err(sql_err)?.to_string(),
                    rec.ts_ms.to_string(),
                ),
                ("kind", row.get(2).map_err(sql_err)?, rec.kind.clone()),
                (
                    "request_id",
                    row.get(3).map_err(sql_err)?,
                    rec.request_id.clone(),
                ),
                (
                    "principal",
                    row.get(4).map_err(sql_err)?,
                    rec.principal.clone(),
                ),
                (
                    "decision",
                    row.get(5).map_err(sql_err)?,
                    rec.decision.clone(),
                ),
                ("rules", row.get(6).map_err(sql_err)?, rec.rules_column()),
            ];
            for (name, col, want) in cols {
                if col != want {
                    return Err(broken(
                        seq,
                        format!("column `{name}` differs from the hashed record: edited"),
                    ));
                }
            }
            if rec.kind == "prune" {
                last_prune = parse_checkpoint(&rec.detail);
            }
            if let Some((aseq, ahash)) = anchor {
                if aseq == seq {
                    if ahash != hash {
                        return Err(broken(seq, "does not match the anchor's hash"));
                    }
                    anchor_seen = true;
                }
            }
            prev = hash;
            expect_seq += 1;
            n += 1;
        }
        let last_seq = expect_seq - 1;
        let head: Option<(u64, String, String)> = self
            .conn
            .query_row("SELECT seq, hash, mac FROM head WHERE id = 1", [], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(sql_err)?;
        match head {
            None if n > 0 || checkpoint.is_some() => {
                return Err(broken(0, "the head row is missing"));
            }
            None => {}
            Some((hseq, hhash, mac)) => {
                if mac != self.chain.head_mac(hseq, &hhash) {
                    return Err(broken(hseq, "the head row was edited (MAC mismatch)"));
                }
                if hseq != last_seq {
                    return Err(broken(
                        last_seq + 1,
                        format!("truncated: the head names record {hseq}, the last record is {last_seq}"),
                    ));
                }
                if hhash != prev {
                    return Err(broken(
                        last_seq,
                        "the head's hash differs from the last record's: edited or replaced",
                    ));
                }
            }
        }
        if let Some(cp) = &checkpoint {
            if last_prune.as_ref() != Some(cp) {
                return Err(broken(
                    cp.0,
                    "the pruning checkpoint is not the one the last prune record names",
                ));
            }
        }
        if let Some((aseq, _)) = anchor {
            if !anchor_seen {
                return Err(broken(aseq, "the anchored record is not in the store"));
            }
        }
        drop(rows);
        drop(stmt);
        snapshot.rollback().map_err(sql_err)?;
        Ok(Report {
            records: n,
            first_seq,
            last_seq,
            head_hash: prev,
            chain: self.chain.mode(),
            checkpoint_seq: checkpoint.map_or(0, |c| c.0),
        })
    }
}
