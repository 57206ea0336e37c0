//! The gateway's side of the audit trail (stanch-audit does the storing).
//!
//! Every decision becomes one [`Record`] sent to the writer thread
//! ([`stanch_audit::Writer`], group commit); the proxy releases the answer
//! only once the record is committed, so a client that saw an answer can
//! count on its record being in the WAL even if the gateway is killed with
//! SIGKILL right after (`sync = "normal"`; `"full"` also survives power
//! loss). A stream gets its decision record before the first byte and an
//! `outcome` record (same request id) when it ends.
//!
//! If a record cannot be written the request is refused with 503 (fail
//! closed) unless `[audit] fail_open = true`, which is logged and counted.
//!
//! The chain is keyed with the user's stanch key (HMAC-SHA256) when one is
//! configured; with a per-run key it falls back to plain SHA-256 and says so.
//!
//! Webhooks (new pending approval, canary alert) are posted in their own
//! task with a 5 s timeout, as Slack-compatible `{"text": …}`; they carry
//! ids, names, rule ids and fingerprints, never values.

use crate::config::AuditSettings;
use crate::inspect::Tally;
use stanch_audit::{Chain, FindingSummary, Record, Store, StoreError, Writer};
use stanch_redact::key::KeyOrigin;
use stanch_redact::Key;
use std::sync::Arc;

/// An open audit store and its writer thread.
#[derive(Debug)]
pub struct AuditSink {
    pub settings: AuditSettings,
    writer: Writer,
}

impl AuditSink {
    /// Opens (or creates) the store; keyed with `key` if it is the user's.
    pub fn open(settings: AuditSettings, key: &Key) -> Result<AuditSink, StoreError> {
        let chain = match key.origin() {
            KeyOrigin::User => Chain::Keyed(key.clone()),
            KeyOrigin::Ephemeral => {
                tracing::warn!(
                    db = %settings.db.display(),
                    "no stanch key configured: the audit chain is plain SHA-256 (set --key-file or STANCH_KEY for a keyed chain)"
                );
                Chain::Plain
            }
        };
        let store = Store::open(&settings.db, chain, settings.sync)?;
        let writer = Writer::start(store).map_err(|e| StoreError::Batch(e.to_string()))?;
        Ok(AuditSink { settings, writer })
    }

    /// Appends `rec`; resolves once it is committed.
    pub async fn append(&self, rec: Record) -> Result<u64, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.writer.append(
            rec,
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        rx.await
            .unwrap_or_else(|_| Err(StoreError::Batch("the audit writer stopped".into())))
    }

    /// Runs `f` on the store in the writer thread.
    pub async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.writer.call(
            f,
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        rx.await
            .unwrap_or_else(|_| Err(StoreError::Batch("the audit writer stopped".into())))
    }
}

/// Findings of a tally as record summaries (rule, category, action, count,
/// fingerprints).
pub fn summaries(t: &Tally) -> Vec<FindingSummary> {
    t.counts
        .iter()
        .map(|((rule, category, action), n)| FindingSummary {
            rule: rule.clone(),
            category: category.to_string(),
            action: action.as_str().to_string(),
            count: *n,
            fingerprints: t.fingerprints.get(rule).cloned().unwrap_or_default(),
        })
        .collect()
}

/// A random request id (`req_` + 96 bits hex).
pub fn request_id() -> String {
    let mut b = [0u8; 12];
    let _ = getrandom::fill(&mut b);
    format!("req_{}", hex::encode(b))
}

/// Posts `{"text": text}` to `url` in its own task; failures are logged.
pub fn notify(client: &reqwest::Client, url: &str, text: String) {
    let req = client
        .post(url)
        .timeout(std::time::Duration::from_secs(5))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "text": text }).to_string());
    tokio::spawn(async move {
        match req.send().await {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => tracing::warn!(status = r.status().as_u16(), "webhook refused the notice"),
            // The URL may hold a token: only the kind of failure is logged.
            Err(e) => tracing::warn!(
                timeout = e.is_timeout(),
                connect = e.is_connect(),
                "webhook not reached"
            ),
        }
    });
}

/// Shared handle type.
pub type Sink = Arc<AuditSink>;
