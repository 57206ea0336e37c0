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
use crate::error::Refusal;
use crate::inspect::Tally;
use crate::proxy::Ctx;
use crate::server::AppState;
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

    /// Appends `rec` without waiting (events that answer no client, such
    /// as a config reload); a failure is logged.
    pub fn append_detached(&self, rec: Record) {
        self.writer.append(
            rec,
            Box::new(|r| {
                if let Err(e) = r {
                    tracing::error!(error = %e, "audit record not written");
                }
            }),
        );
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

/// Writes the audit record of `cx` and waits for its commit. Without a
/// store: nothing. If it cannot be written: a 503 refusal (fail closed),
/// unless `[audit] fail_open`. A canary finding makes it critical and
/// sends the alert webhook.
pub(crate) async fn record(
    s: &AppState,
    cx: &Ctx,
    kind: &str,
    status: u16,
    stream: &str,
) -> Result<(), Refusal> {
    let canary = |t: &Tally| {
        t.counts
            .keys()
            .any(|(r, _, _)| r == stanch_redact::taint::CANARY_RULE)
    };
    let critical = canary(&cx.request_findings) || canary(&cx.response_findings);
    // One alert per request: on its record, or a stream's outcome when the
    // canary came in the answer.
    let alert = critical && (kind != "outcome" || canary(&cx.response_findings));
    if alert {
        if let Some(url) = &cx.cfg.alert_webhook {
            let fps = cx
                .request_findings
                .fingerprints
                .get(stanch_redact::taint::CANARY_RULE)
                .or_else(|| {
                    cx.response_findings
                        .fingerprints
                        .get(stanch_redact::taint::CANARY_RULE)
                })
                .map(|v| v.join(","))
                .unwrap_or_default();
            crate::audit::notify(
                &s.client,
                url.as_str(),
                format!(
                    "stanch ALERT: canary token seen: principal `{}`, route `{}`, rule `{}`, fingerprint {fps}, request {} (blocked)",
                    cx.principal,
                    cx.route,
                    stanch_redact::taint::CANARY_RULE,
                    cx.request_id
                ),
            );
        }
        tracing::error!(target: "stanch::alert", route = %cx.route, principal = %cx.principal, request_id = %cx.request_id, "canary token seen");
    }
    let Some(sink) = s.audit() else {
        return Ok(());
    };
    let mut r = stanch_audit::Record::new(kind);
    if critical {
        r.severity = "critical".into();
    }
    r.request_id = cx.request_id.clone();
    r.principal = cx.principal.clone();
    r.roles = cx.roles.clone();
    r.route = cx.route.clone();
    if let Some(route) = cx.route_index.and_then(|i| cx.cfg.routes.get(i)) {
        r.upstream = route.upstream.clone();
    }
    r.model = cx.model.clone();
    r.purpose = cx.purpose.clone();
    r.decision = cx.decision.to_string();
    r.status = status;
    r.request_findings = summaries(&cx.request_findings);
    r.response_findings = summaries(&cx.response_findings);
    r.request_bytes = cx.request_bytes;
    r.response_bytes = cx.response_bytes;
    r.body_sha256 = cx.body_sha256.clone();
    r.latency_ms = cx.start.elapsed().as_millis() as u64;
    r.stream = stream.to_string();
    r.reasons = cx.reasons.clone();
    r.approval_id = cx.approval_id.clone();
    match sink.append(r).await {
        Ok(_) => Ok(()),
        Err(e) => {
            s.metrics.audit_errors.inc();
            if sink.settings.fail_open {
                tracing::error!(error = %e, request_id = %cx.request_id, "audit record not written; answered anyway (audit fail_open)");
                Ok(())
            } else {
                tracing::error!(error = %e, request_id = %cx.request_id, "audit record not written; refused (fail closed)");
                Err(Refusal::audit_unavailable())
            }
        }
    }
}

/// Client text (purpose, model) fit for the audit record: no control
/// characters, at most `max` characters, and redacted like a body.
pub(crate) fn clean_label(s: &AppState, raw: &str, max: usize) -> String {
    if raw.is_empty() {
        return String::new();
    }
    let t: String = raw.chars().filter(|c| !c.is_control()).take(max).collect();
    let mut scratch = s.engine.scratch();
    let mut found = Vec::new();
    let out = s
        .engine
        .redactor()
        .redact(t.as_bytes(), &mut scratch, &mut found);
    String::from_utf8_lossy(&out).into_owned()
}

/// The Rego input document (see `stanch_audit::rego`).
pub(crate) fn rego_input(
    s: &AppState,
    who: &(String, Vec<String>, String, String, String, usize),
    t: &Tally,
) -> serde_json::Value {
    let db = s.engine.redactor().db();
    let mut per_rule: std::collections::BTreeMap<&str, (&str, u64)> = Default::default();
    for ((rule, category, _), n) in &t.counts {
        per_rule.entry(rule).or_insert((category, 0)).1 += n;
    }
    let findings: Vec<serde_json::Value> = per_rule
        .iter()
        .map(|(rule, (category, n))| {
            let severity = db
                .lookup(rule)
                .map(|i| db.rule(i).severity().as_str())
                .unwrap_or("high");
            serde_json::json!({"rule": rule, "category": category, "severity": severity, "count": n})
        })
        .collect();
    serde_json::json!({
        "principal": who.0,
        "roles": who.1,
        "route": who.2,
        "model": who.3,
        "purpose": who.4,
        "direction": "request",
        "findings": findings,
        "bytes": who.5,
    })
}

/// Shared handle type.
pub type Sink = Arc<AuditSink>;
