//! Approvals. A request whose policy says `require_approval` becomes a
//! pending approval bound to the requester, the route and the SHA-256 of
//! the original body, with an expiry. Only the *redacted* request is kept
//! (what `show` presents). An approver (someone else) approves or denies;
//! the requester retries with `X-Stanch-Approval: <id>` and the same body,
//! which uses the approval up (single use). Every step appends an audit
//! record in the same transaction as the change.
//!
//! Each row carries a MAC (chain key) over its binding and state, so a row
//! flipped to `approved` by hand in the database is not honoured.

use crate::record::{now_ms, FindingSummary, Record};
use crate::store::{append_in, sql_err, Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// One approval as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Approval {
    pub id: String,
    pub created_ms: u64,
    pub expires_ms: u64,
    pub principal: String,
    pub route: String,
    pub body_sha256: String,
    pub request_id: String,
    /// `pending`, `approved`, `denied` or `used` (expiry is by time).
    pub status: String,
    pub decided_by: String,
    pub decided_ms: u64,
    pub findings: Vec<FindingSummary>,
    /// The request with every finding redacted (never the original).
    pub redacted_request: String,
}

impl Approval {
    pub fn expired(&self, now: u64) -> bool {
        now >= self.expires_ms
    }

    /// The status shown to people: `expired` once past expiry unless decided.
    pub fn shown_status(&self, now: u64) -> &str {
        if self.expired(now) && matches!(self.status.as_str(), "pending" | "approved") {
            "expired"
        } else {
            &self.status
        }
    }
}

/// Why an approval step was refused (fixed text and ids only).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    #[error("no approval {0}")]
    NotFound(String),
    #[error("approval {0} has expired")]
    Expired(String),
    #[error("approval {id} is {status}, not {wanted}")]
    State {
        id: String,
        status: String,
        wanted: &'static str,
    },
    #[error("nobody approves their own request")]
    SelfApproval,
    #[error("approval {0} was issued for another {1}")]
    Mismatch(String, &'static str),
    #[error("approval {0} fails its integrity check (edited in the database)")]
    Tampered(String),
}

/// A new random, unguessable approval id (`apr_` + 128 bits hex).
pub fn new_id() -> String {
    let mut b = [0u8; 16];
    // Without randomness no id can be made safely; a fixed id would be
    // guessable, so an empty id is returned and refused by `create`.
    if getrandom::fill(&mut b).is_err() {
        return String::new();
    }
    format!("apr_{}", hex::encode(b))
}

const COLS: &str = "id, created_ms, expires_ms, principal, route, body_sha256, request_id, status, decided_by, decided_ms, findings, redacted_request, mac";

fn row_to(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Approval, String)> {
    let findings: String = r.get(10)?;
    Ok((
        Approval {
            id: r.get(0)?,
            created_ms: r.get::<_, i64>(1)? as u64,
            expires_ms: r.get::<_, i64>(2)? as u64,
            principal: r.get(3)?,
            route: r.get(4)?,
            body_sha256: r.get(5)?,
            request_id: r.get(6)?,
            status: r.get(7)?,
            decided_by: r.get(8)?,
            decided_ms: r.get::<_, i64>(9)? as u64,
            findings: serde_json::from_str(&findings).unwrap_or_default(),
            redacted_request: r.get(11)?,
        },
        r.get(12)?,
    ))
}

/// An audit record for one approval step.
fn step(a: &Approval, decision: &str, actor: &str) -> Record {
    let mut r = Record::new("approval");
    r.request_id = a.request_id.clone();
    r.principal = actor.to_string();
    r.route = a.route.clone();
    r.decision = decision.to_string();
    r.approval_id = a.id.clone();
    r.body_sha256 = a.body_sha256.clone();
    r.request_findings = a.findings.clone();
    r.detail = format!("requester={}", a.principal);
    r
}

impl Store {
    fn approval_mac(&self, a: &Approval) -> String {
        self.chain.digest(&[
            b"stanch approval v1",
            a.id.as_bytes(),
            a.principal.as_bytes(),
            a.route.as_bytes(),
            a.body_sha256.as_bytes(),
            &a.expires_ms.to_le_bytes(),
            a.status.as_bytes(),
            a.decided_by.as_bytes(),
        ])
    }

    /// Stores a pending approval and audits it.
    pub fn create_approval(&mut self, a: &Approval) -> Result<(), StoreError> {
        if a.id.len() < 20 {
            return Err(ApprovalError::NotFound("(no id could be made)".into()).into());
        }
        let mac = self.approval_mac(a);
        let chain = self.chain.clone();
        let findings = serde_json::to_string(&a.findings).unwrap_or_else(|_| "[]".into());
        let path = self.path().display().to_string();
        let tx = self.begin()?;
        let res = tx
            .execute(
                &format!("INSERT INTO approvals({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
                params![
                    a.id,
                    a.created_ms as i64,
                    a.expires_ms as i64,
                    a.principal,
                    a.route,
                    a.body_sha256,
                    a.request_id,
                    a.status,
                    a.decided_by,
                    a.decided_ms as i64,
                    findings,
                    a.redacted_request,
                    mac
                ],
            )
            .and_then(|_| append_in(&tx, &chain, &[step(a, "approval_pending", &a.principal)]));
        match res {
            Ok(_) => tx.commit().map_err(sql_err(&path)),
            Err(e) => Err(sql_err(&path)(e)),
        }
    }

    pub fn approval(&self, id: &str) -> Result<Option<Approval>, StoreError> {
        let got = self
            .conn
            .query_row(
                &format!("SELECT {COLS} FROM approvals WHERE id = ?1"),
                [id],
                row_to,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        match got {
            Some((a, mac)) if mac == self.approval_mac(&a) => Ok(Some(a)),
            Some(_) => Err(ApprovalError::Tampered(id.to_string()).into()),
            None => Ok(None),
        }
    }

    /// Approvals, newest first; `pending_only` hides decided and expired ones.
    pub fn approvals(&self, pending_only: bool) -> Result<Vec<Approval>, StoreError> {
        let now = now_ms() as i64;
        let sql = if pending_only {
            format!("SELECT {COLS} FROM approvals WHERE status = 'pending' AND expires_ms > {now} ORDER BY created_ms DESC LIMIT 1000")
        } else {
            format!("SELECT {COLS} FROM approvals ORDER BY created_ms DESC LIMIT 1000")
        };
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], row_to).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let (a, mac) = r.map_err(|e| self.err(e))?;
            if mac == self.approval_mac(&a) {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Writes a new state (only if the row is still in state `from`) and
    /// an audit record in one transaction.
    fn transition(&mut self, a: &Approval, from: &str, rec: Record) -> Result<(), StoreError> {
        let mac = self.approval_mac(a);
        let chain = self.chain.clone();
        let path = self.path().display().to_string();
        let tx = self.begin()?;
        let res = tx
            .execute(
                "UPDATE approvals SET status = ?2, decided_by = ?3, decided_ms = ?4, mac = ?5 WHERE id = ?1 AND status = ?6",
                params![a.id, a.status, a.decided_by, a.decided_ms as i64, mac, from],
            )
            .and_then(|n| append_in(&tx, &chain, &[rec]).map(|_| n));
        match res {
            Ok(1) => tx.commit().map_err(sql_err(&path)),
            // Changed by another writer since it was read.
            Ok(_) => Err(ApprovalError::State {
                id: a.id.clone(),
                status: "changed".into(),
                wanted: "unchanged",
            }
            .into()),
            Err(e) => Err(sql_err(&path)(e)),
        }
    }

    /// Audits a refused step (no state change).
    fn refused(
        &mut self,
        a: &Approval,
        what: &str,
        actor: &str,
        why: &ApprovalError,
    ) -> StoreError {
        let mut r = step(a, what, actor);
        r.reasons.push(why.to_string());
        if let Err(e) = self.append(&[r]) {
            return e;
        }
        why.clone().into()
    }

    /// An approver's decision. Refused (and audited) for the requester
    /// themself, a decided or expired approval.
    pub fn decide_approval(
        &mut self,
        id: &str,
        actor: &str,
        approve: bool,
    ) -> Result<Approval, StoreError> {
        let Some(mut a) = self.approval(id)? else {
            return Err(ApprovalError::NotFound(id.to_string()).into());
        };
        let what = if approve {
            "approve_refused"
        } else {
            "deny_refused"
        };
        let now = now_ms();
        if a.principal == actor {
            return Err(self.refused(&a, what, actor, &ApprovalError::SelfApproval));
        }
        if a.status != "pending" {
            let e = ApprovalError::State {
                id: a.id.clone(),
                status: a.status.clone(),
                wanted: "pending",
            };
            return Err(self.refused(&a, what, actor, &e));
        }
        if a.expired(now) {
            let e = ApprovalError::Expired(a.id.clone());
            return Err(self.refused(&a, what, actor, &e));
        }
        a.status = if approve { "approved" } else { "denied" }.into();
        a.decided_by = actor.to_string();
        a.decided_ms = now;
        let rec = step(&a, &a.status, actor);
        self.transition(&a, "pending", rec)?;
        Ok(a)
    }

    /// The requester's retry: the approval must be theirs, for this route
    /// and this body, approved and unexpired. It is used up.
    pub fn consume_approval(
        &mut self,
        id: &str,
        principal: &str,
        route: &str,
        body_sha256: &str,
        request_id: &str,
    ) -> Result<Approval, StoreError> {
        let Some(mut a) = self.approval(id)? else {
            return Err(ApprovalError::NotFound(id.to_string()).into());
        };
        let check = if a.principal != principal {
            Err(ApprovalError::Mismatch(a.id.clone(), "caller"))
        } else if a.route != route {
            Err(ApprovalError::Mismatch(a.id.clone(), "route"))
        } else if a.body_sha256 != body_sha256 {
            Err(ApprovalError::Mismatch(a.id.clone(), "request body"))
        } else if a.expired(now_ms()) {
            Err(ApprovalError::Expired(a.id.clone()))
        } else if a.status != "approved" {
            Err(ApprovalError::State {
                id: a.id.clone(),
                status: a.status.clone(),
                wanted: "approved",
            })
        } else {
            Ok(())
        };
        if let Err(e) = check {
            let mut r = step(&a, "approval_rejected", principal);
            r.request_id = request_id.to_string();
            r.reasons.push(e.to_string());
            self.append(&[r])?;
            return Err(e.into());
        }
        a.status = "used".into();
        let mut rec = step(&a, "approval_used", principal);
        rec.request_id = request_id.to_string();
        self.transition(&a, "approved", rec)?;
        Ok(a)
    }
}
