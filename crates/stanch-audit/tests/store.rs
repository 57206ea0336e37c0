//! The store end to end: chain, verify on tampering (edit, delete,
//! reorder, truncate), pruning, approvals, the writer thread.

use rusqlite::Connection;
use stanch_audit::approvals::new_id;
use stanch_audit::record::now_ms;
use stanch_audit::{
    Approval, ApprovalError, Chain, Record, Store, StoreError, Sync, VerifyError, Writer,
};
use stanch_redact::Key;
use std::path::{Path, PathBuf};

fn key() -> Chain {
    Chain::Keyed(Key::parse(&[b'k'; 32]).unwrap())
}

fn rec(i: u64) -> Record {
    let mut r = Record::new("request");
    r.request_id = format!("req-{i}");
    r.principal = if i % 2 == 0 { "alice" } else { "bob" }.into();
    r.decision = "redacted".into();
    r.request_findings.push(stanch_audit::FindingSummary {
        rule: "github-pat".into(),
        category: "secret".into(),
        action: "redact".into(),
        count: 1,
        fingerprints: vec!["0123456789abcdef".into()],
    });
    r
}

fn fresh(n: u64) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("audit.db");
    let mut s = Store::open(&p, key(), Sync::Normal).unwrap();
    let recs: Vec<Record> = (1..=n).map(rec).collect();
    assert_eq!(s.append(&recs).unwrap(), (1..=n).collect::<Vec<_>>());
    (d, p)
}

fn verify(p: &Path) -> Result<stanch_audit::Report, VerifyError> {
    Store::open_existing(p, key()).unwrap().verify(None)
}

fn broken_at(p: &Path) -> (u64, String) {
    match verify(p) {
        Err(VerifyError::Broken(b)) => (b.seq, b.what),
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

fn sql(p: &Path, q: &str) {
    Connection::open(p).unwrap().execute_batch(q).unwrap();
}

#[test]
fn intact_store_verifies() {
    let (_d, p) = fresh(5);
    let r = verify(&p).unwrap();
    assert_eq!((r.records, r.first_seq, r.last_seq), (5, 1, 5));
    assert_eq!(r.chain, "hmac-sha256");
    // Appending later extends the same chain.
    let mut s = Store::open(&p, key(), Sync::Full).unwrap();
    s.append(&[rec(6)]).unwrap();
    assert_eq!(verify(&p).unwrap().last_seq, 6);
}

#[test]
fn tamper_edit_a_field_in_the_hashed_text() {
    let (_d, p) = fresh(5);
    sql(&p, "UPDATE records SET body = replace(body, '\"principal\":\"alice\"', '\"principal\":\"mallory\"') WHERE seq = 2");
    let (seq, what) = broken_at(&p);
    assert_eq!(seq, 2, "{what}");
    assert!(what.contains("edited"), "{what}");
}

#[test]
fn tamper_edit_an_indexed_column() {
    let (_d, p) = fresh(5);
    sql(&p, "UPDATE records SET decision = 'pass' WHERE seq = 3");
    let (seq, what) = broken_at(&p);
    assert_eq!(seq, 3);
    assert!(what.contains("decision"), "{what}");
}

#[test]
fn tamper_delete_a_middle_record() {
    let (_d, p) = fresh(5);
    sql(&p, "DELETE FROM records WHERE seq = 3");
    let (seq, what) = broken_at(&p);
    assert_eq!(seq, 3, "{what}");
    assert!(what.contains("missing"), "{what}");
}

#[test]
fn tamper_reorder_records() {
    let (_d, p) = fresh(5);
    sql(
        &p,
        "UPDATE records SET seq = 100 WHERE seq = 2;
         UPDATE records SET seq = 2 WHERE seq = 3;
         UPDATE records SET seq = 3 WHERE seq = 100;",
    );
    let (seq, what) = broken_at(&p);
    assert_eq!(seq, 2, "{what}");
}

#[test]
fn tamper_truncate_the_tail() {
    let (_d, p) = fresh(5);
    sql(&p, "DELETE FROM records WHERE seq >= 4");
    let (seq, what) = broken_at(&p);
    assert_eq!(seq, 4, "{what}");
    assert!(what.contains("truncated"), "{what}");
    // Moving the head back by hand breaks its MAC.
    let (_d2, p2) = fresh(5);
    sql(&p2, "DELETE FROM records WHERE seq >= 4; UPDATE head SET seq = 3, hash = (SELECT hash FROM records WHERE seq = 3)");
    let (_, what) = broken_at(&p2);
    assert!(what.contains("head"), "{what}");
}

#[test]
fn tamper_truncate_the_file() {
    let (_d, p) = fresh(200);
    // Fold the WAL into the file, then cut the file.
    sql(&p, "PRAGMA wal_checkpoint(TRUNCATE);");
    let len = std::fs::metadata(&p).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&p).unwrap();
    f.set_len(len / 2).unwrap();
    drop(f);
    let r = Store::open_existing(&p, key()).and_then(|s| {
        s.verify(None).map_err(|e| match e {
            VerifyError::Store(s) => s,
            VerifyError::Broken(b) => StoreError::Batch(b.to_string()),
        })
    });
    assert!(r.is_err(), "{r:?}");
}

#[test]
fn wrong_key_and_missing_key_are_refused() {
    let (_d, p) = fresh(2);
    let other = Chain::Keyed(Key::parse(&[b'x'; 32]).unwrap());
    assert!(matches!(
        Store::open_existing(&p, other),
        Err(StoreError::WrongKey(_))
    ));
    assert!(matches!(
        Store::open_existing(&p, Chain::Plain),
        Err(StoreError::ChainMode { .. })
    ));
    // A store re-forged without the key (plain hashes) fails verify.
    let d = tempfile::tempdir().unwrap();
    let plain = d.path().join("plain.db");
    let mut s = Store::open(&plain, Chain::Plain, Sync::Normal).unwrap();
    s.append(&[rec(1), rec(2)]).unwrap();
    assert_eq!(s.verify(None).unwrap().chain, "sha256");
}

#[test]
fn prune_keeps_the_rest_verifiable_and_edits_still_fail() {
    let (_d, p) = fresh(0);
    let mut s = Store::open(&p, key(), Sync::Normal).unwrap();
    let old: Vec<Record> = (1..=4)
        .map(|i| {
            let mut r = rec(i);
            r.ts_ms = 1_000 + i;
            r
        })
        .collect();
    s.append(&old).unwrap();
    s.append(&[rec(5), rec(6)]).unwrap();
    assert_eq!(s.prune(10_000, "test").unwrap(), 4);
    let r = s.verify(None).unwrap();
    assert_eq!((r.first_seq, r.last_seq, r.checkpoint_seq), (5, 7, 4));
    // Pruning again (nothing old) changes nothing.
    assert_eq!(s.prune(10_000, "test").unwrap(), 0);
    s.append(&[rec(8)]).unwrap();
    assert!(s.verify(None).is_ok());
    drop(s);
    sql(
        &p,
        "UPDATE records SET body = replace(body, 'bob', 'eve') WHERE seq = 5",
    );
    assert_eq!(broken_at(&p).0, 5);
    // A checkpoint moved by hand is caught.
    let (_d, p) = fresh(0);
    let mut s = Store::open(&p, key(), Sync::Normal).unwrap();
    let mut r1 = rec(1);
    r1.ts_ms = 5;
    s.append(&[r1, rec(2), rec(3)]).unwrap();
    s.prune(10_000, "test").unwrap();
    drop(s);
    sql(&p, "DELETE FROM records WHERE seq = 2; UPDATE checkpoint SET seq = 2, hash = (SELECT prev_hash FROM records WHERE seq = 3)");
    let (_, what) = broken_at(&p);
    assert!(what.contains("checkpoint"), "{what}");
}

fn pending(principal: &str, ttl_ms: u64) -> Approval {
    Approval {
        id: new_id(),
        created_ms: now_ms(),
        expires_ms: now_ms() + ttl_ms,
        principal: principal.into(),
        route: "oa".into(),
        body_sha256: "ab".repeat(32),
        request_id: "req-1".into(),
        status: "pending".into(),
        redacted_request: "{\"x\":\"[REDACTED:github-pat]\"}".into(),
        ..Approval::default()
    }
}

#[test]
fn approvals_flow_and_refusals_are_audited() {
    let (_d, p) = fresh(0);
    let mut s = Store::open(&p, key(), Sync::Normal).unwrap();
    let a = pending("alice", 60_000);
    s.create_approval(&a).unwrap();
    assert_eq!(s.approvals(true).unwrap().len(), 1);
    // Self-approval refused.
    assert!(matches!(
        s.decide_approval(&a.id, "alice", true),
        Err(StoreError::Approval(ApprovalError::SelfApproval))
    ));
    // Using before approval refused.
    assert!(s
        .consume_approval(&a.id, "alice", "oa", &a.body_sha256, "r2")
        .is_err());
    s.decide_approval(&a.id, "carol", true).unwrap();
    // Wrong caller, route, body.
    for (who, route, body) in [
        ("bob", "oa", a.body_sha256.as_str()),
        ("alice", "an", a.body_sha256.as_str()),
        ("alice", "oa", "cd"),
    ] {
        assert!(matches!(
            s.consume_approval(&a.id, who, route, body, "r3"),
            Err(StoreError::Approval(ApprovalError::Mismatch(..)))
        ));
    }
    s.consume_approval(&a.id, "alice", "oa", &a.body_sha256, "r4")
        .unwrap();
    // Single use.
    assert!(s
        .consume_approval(&a.id, "alice", "oa", &a.body_sha256, "r5")
        .is_err());
    // Deciding twice is refused.
    assert!(s.decide_approval(&a.id, "carol", false).is_err());
    // Expired.
    let b = pending("alice", 0);
    s.create_approval(&b).unwrap();
    assert!(matches!(
        s.decide_approval(&b.id, "carol", true),
        Err(StoreError::Approval(ApprovalError::Expired(_)))
    ));
    let decisions: Vec<String> = s
        .query(&stanch_audit::Filter {
            kind: Some("approval".into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| r.record.decision)
        .collect();
    for d in [
        "approval_pending",
        "approve_refused",
        "approval_rejected",
        "approved",
        "approval_used",
        "deny_refused",
    ] {
        assert!(decisions.iter().any(|x| x == d), "{d}: {decisions:?}");
    }
    assert!(s.verify(None).is_ok());
    drop(s);
    // A row flipped to approved by hand is not honoured.
    let c = pending("alice", 60_000);
    let mut s = Store::open(&p, key(), Sync::Normal).unwrap();
    s.create_approval(&c).unwrap();
    drop(s);
    sql(
        &p,
        &format!(
            "UPDATE approvals SET status = 'approved', decided_by = 'x' WHERE id = '{}'",
            c.id
        ),
    );
    let mut s = Store::open(&p, key(), Sync::Normal).unwrap();
    assert!(matches!(
        s.consume_approval(&c.id, "alice", "oa", &c.body_sha256, "r6"),
        Err(StoreError::Approval(ApprovalError::Tampered(_)))
    ));
}

#[test]
fn writer_group_commits_and_answers_each() {
    let (_d, p) = fresh(0);
    let w = Writer::start(Store::open(&p, key(), Sync::Normal).unwrap()).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let w = w.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let tx = tx.clone();
                    w.append(
                        rec(t * 100 + i),
                        Box::new(move |r| tx.send(r.unwrap()).unwrap()),
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    drop(tx);
    let mut seqs: Vec<u64> = rx.iter().collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=400).collect::<Vec<_>>());
    let (tx, rx) = std::sync::mpsc::channel();
    w.call(
        |s| s.verify(None).map_err(|e| StoreError::Batch(e.to_string())),
        Box::new(move |r| tx.send(r.map(|r: stanch_audit::Report| r.records)).unwrap()),
    );
    assert_eq!(rx.recv().unwrap().unwrap(), 400);
}

/// The writer's connection does not checkpoint at commit time (a
/// checkpoint syncs the database file and would hold every waiting
/// answer); a background thread copies the WAL into the database file.
#[test]
fn wal_is_checkpointed_in_the_background() {
    let (_d, p) = fresh(0);
    let size = || std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
    let w = Writer::start(Store::open(&p, key(), Sync::Normal).unwrap()).unwrap();
    let before = size();
    let (tx, rx) = std::sync::mpsc::channel();
    for i in 0..1500 {
        let tx = tx.clone();
        w.append(rec(i), Box::new(move |r| tx.send(r.unwrap()).unwrap()));
    }
    drop(tx);
    assert_eq!(rx.iter().count(), 1500);
    // Only a checkpoint grows the database file in WAL mode.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while size() <= before + 64 * 1024 {
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint: database file still {} bytes",
            size()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn query_filters() {
    let (_d, p) = fresh(6);
    let s = Store::open_existing(&p, key()).unwrap();
    let q = |f: stanch_audit::Filter| s.query(&f).unwrap().len();
    assert_eq!(
        q(stanch_audit::Filter {
            principal: Some("alice".into()),
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        q(stanch_audit::Filter {
            rule: Some("github-pat".into()),
            ..Default::default()
        }),
        6
    );
    assert_eq!(
        q(stanch_audit::Filter {
            rule: Some("github".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        q(stanch_audit::Filter {
            decision: Some("blocked".into()),
            ..Default::default()
        }),
        0
    );
    let last = s
        .query(&stanch_audit::Filter {
            last: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(last.iter().map(|r| r.seq).collect::<Vec<_>>(), [5, 6]);
    assert_eq!(
        q(stanch_audit::Filter {
            since_ms: Some(now_ms() + 60_000),
            ..Default::default()
        }),
        0
    );
}

#[test]
fn verify_while_another_connection_appends() {
    let (_d, p) = fresh(10);
    let writer = {
        let p = p.clone();
        std::thread::spawn(move || {
            let mut s = Store::open(&p, key(), Sync::Normal).unwrap();
            for i in 0..300 {
                s.append(&[rec(100 + i)]).unwrap();
            }
        })
    };
    let s = Store::open_existing(&p, key()).unwrap();
    let mut checks = 0;
    while !writer.is_finished() {
        s.verify(None).unwrap();
        checks += 1;
    }
    writer.join().unwrap();
    assert!(checks > 0);
    assert_eq!(s.verify(None).unwrap().last_seq, 310);
}
