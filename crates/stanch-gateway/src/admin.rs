//! `/admin/approvals`: approvers list, show (the redacted request only),
//! approve and deny pending approvals.
//!
//! Who may: a caller whose gateway API key or OIDC token carries one of
//! `[approval] approver_roles`, or the admin token (acts as `admin`).
//! Without keys, OIDC or an admin token (quick start), loopback clients
//! act as `local-admin`. No credential: 401; a caller without an approver
//! role: 403. Nobody approves their own request; every step is audited.

use crate::server::{peer_of, AppState};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use stanch_audit::record::now_ms;
use stanch_audit::{Approval, ApprovalError, StoreError};
use std::net::SocketAddr;
use std::sync::Arc;

fn reply(status: StatusCode, v: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{v}\n"),
    )
        .into_response()
}

fn error(status: StatusCode, msg: &str) -> Response {
    reply(status, serde_json::json!({ "error": msg }))
}

/// The approver's name, or the refusal.
fn approver(
    s: &AppState,
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
) -> Result<String, (StatusCode, &'static str)> {
    let cfg = s.config();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
    if let (Some(t), Some(p)) = (&cfg.admin_token, bearer) {
        if t.matches(p) {
            return Ok("admin".into());
        }
    }
    let presented = bearer.is_some() || headers.contains_key("x-api-key");
    if presented && cfg.authenticates() {
        let id = crate::proxy::authenticate(&cfg, headers)
            .map_err(|_| (StatusCode::UNAUTHORIZED, "unknown or invalid credential"))?;
        if id
            .roles
            .iter()
            .any(|r| cfg.approval.approver_roles.contains(r))
        {
            return Ok(id.name);
        }
        return Err((StatusCode::FORBIDDEN, "this caller has no approver role"));
    }
    if !presented
        && cfg.admin_token.is_none()
        && !cfg.authenticates()
        && peer.is_some_and(|p| p.ip().is_loopback())
    {
        return Ok("local-admin".into());
    }
    Err((
        StatusCode::UNAUTHORIZED,
        "send a gateway API key or token of an approver (Authorization: Bearer)",
    ))
}

fn summary(a: &Approval, now: u64) -> serde_json::Value {
    serde_json::json!({
        "id": a.id,
        "status": a.shown_status(now),
        "principal": a.principal,
        "route": a.route,
        "request_id": a.request_id,
        "created_ms": a.created_ms,
        "expires_ms": a.expires_ms,
        "decided_by": a.decided_by,
        "findings": a.findings,
    })
}

fn store_error(e: StoreError) -> Response {
    match e {
        StoreError::Approval(a) => {
            let status = match a {
                ApprovalError::NotFound(_) => StatusCode::NOT_FOUND,
                ApprovalError::SelfApproval | ApprovalError::Mismatch(..) => StatusCode::FORBIDDEN,
                _ => StatusCode::CONFLICT,
            };
            error(status, &a.to_string())
        }
        other => {
            tracing::error!(error = %other, "audit store failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the audit store is unavailable",
            )
        }
    }
}

fn no_store() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "approvals need an audit store (--audit-db or [audit] db)",
    )
}

/// `GET /admin/approvals[?all=1]`: pending approvals (all with `all`).
pub async fn list(State(s): State<Arc<AppState>>, req: Request) -> Response {
    if let Err((st, why)) = approver(&s, peer_of(&req), req.headers()) {
        return error(st, why);
    }
    let all = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "all=1"));
    let Some(sink) = s.audit() else {
        return no_store();
    };
    match sink.call(move |st| st.approvals(!all)).await {
        Ok(v) => {
            let now = now_ms();
            reply(
                StatusCode::OK,
                serde_json::Value::Array(v.iter().map(|a| summary(a, now)).collect()),
            )
        }
        Err(e) => store_error(e),
    }
}

/// `GET /admin/approvals/{id}`: one approval with its redacted request
/// (the viewing is audited).
pub async fn show(
    State(s): State<Arc<AppState>>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let who = match approver(&s, peer_of(&req), req.headers()) {
        Ok(w) => w,
        Err((st, why)) => return error(st, why),
    };
    let Some(sink) = s.audit() else {
        return no_store();
    };
    let got = sink
        .call(move |st| {
            let a = st.approval(&id)?;
            if let Some(a) = &a {
                let mut r = stanch_audit::Record::new("approval");
                r.principal = who;
                r.decision = "approval_shown".into();
                r.approval_id = a.id.clone();
                r.route = a.route.clone();
                r.request_id = a.request_id.clone();
                st.append(&[r])?;
            }
            Ok(a)
        })
        .await;
    match got {
        Ok(Some(a)) => {
            let mut v = summary(&a, now_ms());
            v["body_sha256"] = a.body_sha256.clone().into();
            v["redacted_request"] = a.redacted_request.clone().into();
            reply(StatusCode::OK, v)
        }
        Ok(None) => error(StatusCode::NOT_FOUND, "no such approval"),
        Err(e) => store_error(e),
    }
}

/// `POST /admin/approvals/{id}/approve` or `/deny`.
pub async fn decide(
    State(s): State<Arc<AppState>>,
    Path((id, verb)): Path<(String, String)>,
    req: Request,
) -> Response {
    let approve = match verb.as_str() {
        "approve" => true,
        "deny" => false,
        _ => return error(StatusCode::NOT_FOUND, "approve or deny"),
    };
    let who = match approver(&s, peer_of(&req), req.headers()) {
        Ok(w) => w,
        Err((st, why)) => return error(st, why),
    };
    let Some(sink) = s.audit() else {
        return no_store();
    };
    match sink
        .call(move |st| st.decide_approval(&id, &who, approve))
        .await
    {
        Ok(a) => reply(StatusCode::OK, summary(&a, now_ms())),
        Err(e) => store_error(e),
    }
}
