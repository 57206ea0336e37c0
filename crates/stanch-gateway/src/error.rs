//! Errors. [`GatewayError`]: setting up or running a gateway. [`Refusal`]:
//! one request refused; [`Refusal::response`] is the one place a refusal
//! becomes an HTTP status and a body in the provider's error format. Every
//! message is built from rule ids, counts and fixed text, never from a body
//! or a header.

use crate::provider::{error_json, ErrorKind, Provider};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("quick start listens on loopback only (clients bring their own credentials and nothing authenticates them); {0} is not a loopback address")]
    NotLoopback(SocketAddr),
    #[error("{0} is not a loopback address: listening there needs gateway API keys (keys_file) or OIDC so that callers are authenticated")]
    Unauthenticated(SocketAddr),
    #[error("invalid upstream URL: {0}")]
    InvalidUpstream(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot build the upstream HTTP client: {0}")]
    Client(String),
    #[error("webhook URL must be an http:// or https:// URL with a host")]
    InvalidWebhook,
    #[error("{0}")]
    Audit(#[from] stanch_audit::StoreError),
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Who caused a refusal (for logs and the decision label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    Client,
    Policy,
    Upstream,
    Gateway,
    /// Held for approval.
    Approval,
}

/// A request the gateway answers itself.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub kind: ErrorKind,
    /// Stable machine-readable code (`stanch_blocked`…).
    pub code: &'static str,
    pub message: String,
    pub cause: Cause,
    /// Set on `stanch_approval_required` (sent as `x-stanch-approval-id`).
    pub approval_id: Option<String>,
}

impl Refusal {
    pub fn new(
        status: StatusCode,
        kind: ErrorKind,
        code: &'static str,
        cause: Cause,
        message: impl Into<String>,
    ) -> Refusal {
        Refusal {
            status,
            kind,
            code,
            message: message.into(),
            cause,
            approval_id: None,
        }
    }

    pub fn not_found() -> Refusal {
        Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorKind::NotFound,
            "stanch_unknown_path",
            Cause::Client,
            "stanch: this path is not proxied",
        )
    }

    pub fn unauthenticated(why: &str) -> Refusal {
        Refusal::new(
            StatusCode::UNAUTHORIZED,
            ErrorKind::Authentication,
            "stanch_unauthenticated",
            Cause::Client,
            format!("stanch: {why} (send a gateway API key or token as Authorization: Bearer or x-api-key)"),
        )
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorKind::Permission,
            code,
            Cause::Client,
            message,
        )
    }

    pub fn too_large(limit: usize) -> Refusal {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::TooLarge,
            "stanch_body_too_large",
            Cause::Client,
            format!("stanch: request body larger than {limit} bytes"),
        )
    }

    pub fn bad_body(what: &str) -> Refusal {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            ErrorKind::InvalidRequest,
            "stanch_unreadable_body",
            Cause::Client,
            format!("stanch: {what}; refused because it cannot be inspected"),
        )
    }

    pub fn killed() -> Refusal {
        Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Unavailable,
            "stanch_kill_switch",
            Cause::Gateway,
            "stanch: the gateway's kill switch is engaged; no request leaves",
        )
    }

    pub fn upstream(timeout: bool, what: &str) -> Refusal {
        if timeout {
            Refusal::new(
                StatusCode::GATEWAY_TIMEOUT,
                ErrorKind::Timeout,
                "stanch_upstream_timeout",
                Cause::Upstream,
                format!("stanch: the upstream did not answer in time ({what})"),
            )
        } else {
            Refusal::new(
                StatusCode::BAD_GATEWAY,
                ErrorKind::Upstream,
                "stanch_upstream_error",
                Cause::Upstream,
                format!("stanch: the upstream failed ({what})"),
            )
        }
    }

    /// A request blocked by policy. `findings` names rule ids and counts.
    pub fn blocked(findings: &str) -> Refusal {
        Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorKind::Permission,
            "stanch_blocked",
            Cause::Policy,
            format!("stanch: request blocked by policy: {findings}"),
        )
    }

    /// Held for approval: the id and the command an approver runs.
    pub fn approval_required(findings: &str, id: &str, gateway: &str) -> Refusal {
        let mut r = Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorKind::Permission,
            "stanch_approval_required",
            Cause::Approval,
            format!(
                "stanch: request needs approval ({findings}); approval id {id}. An approver runs \
                 `stanch approvals approve {id} --gateway {gateway}`; then retry the same request \
                 with header X-Stanch-Approval: {id}"
            ),
        );
        r.approval_id = Some(id.to_string());
        r
    }

    /// A purpose is required on this route and none was given.
    pub fn purpose_required(route: &str) -> Refusal {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            ErrorKind::InvalidRequest,
            "stanch_purpose_required",
            Cause::Client,
            format!("stanch: route `{route}` requires a purpose: send an X-Stanch-Purpose header or metadata.purpose"),
        )
    }

    /// A policy could not be evaluated (fail closed).
    pub fn policy_error() -> Refusal {
        Refusal::new(
            StatusCode::FORBIDDEN,
            ErrorKind::Permission,
            "stanch_policy_error",
            Cause::Policy,
            "stanch: the policy could not be evaluated; refused (fail closed)",
        )
    }

    /// The audit record could not be written (fail closed).
    pub fn audit_unavailable() -> Refusal {
        Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Unavailable,
            "stanch_audit_unavailable",
            Cause::Gateway,
            "stanch: the audit trail cannot be written; refused (fail closed)",
        )
    }

    /// The HTTP response in `provider`'s error format.
    pub fn response(&self, provider: Provider) -> Response {
        let body = error_json(provider, self.kind, self.code, &self.message).to_vec();
        let mut r = (self.status, body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r.headers_mut()
            .insert("x-stanch-error", HeaderValue::from_static(self.code));
        if let Some(v) = self
            .approval_id
            .as_deref()
            .and_then(|id| HeaderValue::from_str(id).ok())
        {
            r.headers_mut().insert("x-stanch-approval-id", v);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(Refusal::too_large(10).status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            Refusal::upstream(true, "x").status,
            StatusCode::GATEWAY_TIMEOUT
        );
        assert_eq!(
            Refusal::upstream(false, "x").status,
            StatusCode::BAD_GATEWAY
        );
        assert_eq!(Refusal::killed().status, StatusCode::SERVICE_UNAVAILABLE);
        let b = Refusal::blocked("canary-token ×1");
        assert_eq!(b.status, StatusCode::FORBIDDEN);
        let r = b.response(Provider::Anthropic);
        assert_eq!(r.headers()["x-stanch-error"], "stanch_blocked");
    }
}
