//! `stanch audit`: verify, tail, query and prune the gateway's audit store
//! (see docs/audit.md). `verify` exits 0 on an intact chain, 1 naming the
//! first bad record, 2 on errors (unreadable file, wrong key).

use crate::cli::{AuditArgs, AuditCommand, AuditDb};
use crate::config::Config;
use anyhow::{bail, Context, Result};
use stanch_audit::{Chain, Filter, Store, Stored, VerifyError};
use std::io::Write;
use std::time::Duration;

pub fn run(config: &Config, args: AuditArgs) -> Result<u8> {
    match args.command {
        AuditCommand::Verify { db, anchor, json } => verify(config, &db, anchor.as_deref(), json),
        AuditCommand::Tail {
            db,
            lines,
            follow,
            json,
        } => tail(&db, lines, follow, json),
        AuditCommand::Query {
            db,
            principal,
            since,
            until,
            decision,
            rule,
            kind,
            request_id,
            json,
        } => {
            let f = Filter {
                principal,
                since_ms: since.as_deref().map(parse_time).transpose()?,
                until_ms: until.as_deref().map(parse_time).transpose()?,
                decision,
                rule,
                kind,
                request_id,
                ..Filter::default()
            };
            let store = Store::open_read(&db)?;
            let mut out = std::io::stdout().lock();
            for r in store.query(&f)? {
                print_record(&mut out, &r, json)?;
            }
            Ok(0)
        }
        AuditCommand::Prune { db, older_than } => {
            let age = humantime::parse_duration(&older_than)
                .with_context(|| format!("--older-than {older_than}: an age such as 90d or 12h"))?;
            let cutoff = stanch_audit::record::now_ms().saturating_sub(age.as_millis() as u64);
            let mut store = Store::open_existing(&db.db, chain(config, &db)?)?;
            let n = store.prune(cutoff, "stanch audit prune")?;
            println!("pruned {n} records older than {older_than}");
            Ok(0)
        }
    }
}

/// The chain to verify with: keyed when a user key is given.
fn chain(config: &Config, db: &AuditDb) -> Result<Chain> {
    let key = crate::keys::resolve(db.key_file.as_deref(), config)?;
    Ok(match key.origin() {
        stanch_redact::KeyOrigin::User => Chain::Keyed(key),
        stanch_redact::KeyOrigin::Ephemeral => Chain::Plain,
    })
}

fn verify(config: &Config, db: &AuditDb, anchor: Option<&str>, json: bool) -> Result<u8> {
    let anchor = match anchor {
        Some(a) => {
            let Some((seq, hash)) = a.split_once(':') else {
                bail!("--anchor {a}: expected SEQ:HASH");
            };
            Some((
                seq.parse::<u64>().context("--anchor: SEQ")?,
                hash.to_string(),
            ))
        }
        None => None,
    };
    let store = Store::open_existing(&db.db, chain(config, db)?)?;
    match store.verify(anchor.as_ref().map(|(s, h)| (*s, h.as_str()))) {
        Ok(r) => {
            if json {
                println!("{}", serde_json::json!({"intact": true, "report": r}));
            } else {
                println!(
                    "intact: {} records (seq {}..{}, chain {}), head {}:{}",
                    r.records, r.first_seq, r.last_seq, r.chain, r.last_seq, r.head_hash
                );
            }
            Ok(0)
        }
        Err(VerifyError::Broken(b)) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"intact": false, "seq": b.seq, "problem": b.what})
                );
            }
            eprintln!(
                "stanch: audit store {} is NOT intact: first bad record {}: {}",
                db.db.display(),
                b.seq,
                b.what
            );
            Ok(1)
        }
        Err(VerifyError::Store(e)) => Err(e.into()),
    }
}

fn tail(db: &std::path::Path, n: u64, follow: bool, json: bool) -> Result<u8> {
    let store = Store::open_read(db)?;
    let mut out = std::io::stdout().lock();
    // The last `n` records, then (with --follow) whatever comes after them.
    let mut filter = Filter {
        last: Some(n),
        ..Filter::default()
    };
    let mut last = 0;
    loop {
        for r in store.query(&filter)? {
            last = r.seq;
            print_record(&mut out, &r, json)?;
        }
        out.flush()?;
        if !follow {
            return Ok(0);
        }
        std::thread::sleep(Duration::from_millis(500));
        filter = Filter {
            after_seq: Some(last),
            ..Filter::default()
        };
    }
}

fn print_record(out: &mut impl Write, r: &Stored, json: bool) -> Result<()> {
    if json {
        serde_json::to_writer(&mut *out, r)?;
        writeln!(out)?;
        return Ok(());
    }
    let rec = &r.record;
    let when =
        humantime::format_rfc3339_millis(std::time::UNIX_EPOCH + Duration::from_millis(rec.ts_ms));
    let findings: Vec<String> = rec
        .request_findings
        .iter()
        .chain(&rec.response_findings)
        .map(|f| format!("{}×{}", f.rule, f.count))
        .collect();
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_string()
        } else {
            s.to_string()
        }
    };
    writeln!(
        out,
        "{}\t{when}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        r.seq,
        rec.kind,
        rec.decision,
        rec.status,
        dash(&rec.principal),
        dash(&rec.route),
        dash(&rec.request_id),
        dash(&rec.approval_id),
        dash(&findings.join(",")),
    )?;
    Ok(())
}

/// RFC 3339, or an age (`2h`) before now, as Unix milliseconds.
fn parse_time(s: &str) -> Result<u64> {
    if let Ok(t) = humantime::parse_rfc3339_weak(s) {
        return Ok(t
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0));
    }
    let age = humantime::parse_duration(s)
        .with_context(|| format!("`{s}`: an RFC 3339 time or an age such as 2h or 7d"))?;
    Ok(stanch_audit::record::now_ms().saturating_sub(age.as_millis() as u64))
}
