//! `require_approval` in the request path. A request whose combined
//! action is `require_approval` either carries `X-Stanch-Approval: <id>`
//! (then the approval must be this caller's, for this route and this exact
//! body, approved, unexpired; it is used up: single use) or becomes a new
//! pending approval. With `[approval] wait_secs = 0` the caller gets a 403
//! at once naming the approval id and the command an approver runs; with
//! a wait, the request is held (the store polled every 250 ms) until it is
//! decided or the wait ends.
//!
//! What the approval covers: the findings whose action was
//! `require_approval` pass unchanged (that is what the approver saw and
//! approved); findings to redact are still redacted; canaries and
//! registered secrets block and are never approvable. The approver sees
//! only a copy with every finding redacted.

use crate::audit::{notify, summaries};
use crate::config::Route;
use crate::error::Refusal;
use crate::inspect::Direction;
use crate::json::Json;
use crate::policy::{Action, RoutePolicy};
use crate::proxy::Ctx;
use crate::server::AppState;
use bytes::Bytes;
use stanch_audit::record::now_ms;
use stanch_audit::{Approval, StoreError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Largest redacted copy kept for `show`.
const MAX_SHOWN: usize = 64 * 1024;

/// `policy` with every non-allowed finding redacted (the approver's copy).
fn redact_all(p: &RoutePolicy) -> RoutePolicy {
    let mut q = p.clone();
    let to_redact = |a: &mut Action| {
        if *a != Action::Allow {
            *a = Action::Redact;
        }
    };
    q.by_rule.values_mut().for_each(to_redact);
    q.by_category.values_mut().for_each(to_redact);
    to_redact(&mut q.default);
    q.restore = false;
    q
}

/// The request as the approver may see it.
async fn redacted_copy(s: &Arc<AppState>, cx: &Ctx, body: &Bytes) -> String {
    let state = s.clone();
    let policy = redact_all(&cx.policy);
    let provider = cx.provider;
    let body = body.clone();
    let shown = tokio::task::spawn_blocking(move || {
        let mut doc = Json::parse(&body).ok()?;
        // Response semantics: refusing actions redact instead.
        state
            .engine
            .inspect_json(provider, Direction::Response, &policy, &mut doc, None);
        Some(doc.to_vec())
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_else(|| b"(not shown: the body could not be parsed)".to_vec());
    let mut text = String::from_utf8_lossy(&shown).into_owned();
    if text.len() > MAX_SHOWN {
        let mut cut = MAX_SHOWN;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("…[truncated]");
    }
    text
}

fn store_refusal(e: StoreError) -> Refusal {
    match e {
        StoreError::Approval(a) => {
            Refusal::forbidden("stanch_approval_invalid", format!("stanch: {a}"))
        }
        other => {
            tracing::error!(error = %other, "approval store failed");
            Refusal::audit_unavailable()
        }
    }
}

/// Holds, admits (an approved retry) or refuses a request needing approval.
pub(crate) async fn hold(
    s: &Arc<AppState>,
    cx: &mut Ctx,
    route: &Route,
    body: &Bytes,
    what: &str,
) -> Result<(), Refusal> {
    let Some(sink) = s.audit() else {
        return Err(Refusal::blocked(&format!(
            "{what} (require_approval needs an audit store: --audit-db or [audit] db)"
        )));
    };
    let principal = cx.principal.clone();
    let route_name = route.name.clone();
    let sha = cx.body_sha256.clone();
    let rid = cx.request_id.clone();
    if let Some(id) = cx.approval_header.clone() {
        let a = sink
            .call(move |st| st.consume_approval(&id, &principal, &route_name, &sha, &rid))
            .await
            .map_err(store_refusal)?;
        cx.approval_id = a.id;
        return Ok(());
    }
    let cfg = cx.cfg.clone();
    let now = now_ms();
    let a = Approval {
        id: stanch_audit::approvals::new_id(),
        created_ms: now,
        expires_ms: now + cfg.approval.ttl.as_millis() as u64,
        principal: principal.clone(),
        route: route_name.clone(),
        body_sha256: sha.clone(),
        request_id: rid.clone(),
        status: "pending".into(),
        findings: summaries(&cx.request_findings),
        redacted_request: redacted_copy(s, cx, body).await,
        ..Approval::default()
    };
    let id = a.id.clone();
    sink.call(move |st| st.create_approval(&a))
        .await
        .map_err(store_refusal)?;
    cx.approval_id = id.clone();
    let gateway = format!("http://{}", cfg.listen);
    if let Some(url) = &cfg.approval.webhook_url {
        notify(
            &s.client,
            url.as_str(),
            format!(
                "stanch: approval {id} pending: `{principal}` on route `{route_name}` ({what}). \
                 Review: stanch approvals show {id} --gateway {gateway}"
            ),
        );
    }
    let wait = cfg.approval.wait;
    if !wait.is_zero() {
        let start = Instant::now();
        while start.elapsed() < wait {
            tokio::time::sleep(Duration::from_millis(250).min(wait)).await;
            let q = id.clone();
            let got = sink
                .call(move |st| st.approval(&q))
                .await
                .map_err(store_refusal)?;
            match got.as_ref().map(|a| a.status.as_str()) {
                Some("approved") => {
                    let (q, p, r, h, rid) = (
                        id.clone(),
                        principal.clone(),
                        route_name.clone(),
                        sha.clone(),
                        rid.clone(),
                    );
                    sink.call(move |st| st.consume_approval(&q, &p, &r, &h, &rid))
                        .await
                        .map_err(store_refusal)?;
                    return Ok(());
                }
                Some("denied") => {
                    return Err(Refusal::forbidden(
                        "stanch_approval_denied",
                        format!("stanch: approval {id} was denied"),
                    ))
                }
                _ => {}
            }
        }
    }
    Err(Refusal::approval_required(what, &id, &gateway))
}
