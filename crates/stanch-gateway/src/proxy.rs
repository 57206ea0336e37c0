//! One request as named phases sharing a per-request [`Ctx`]:
//!
//! ```text
//!  client ─▶ request_filter ─▶ request_body ─▶ upstream ─▶ response ─▶ client
//!            (route, kill      (read ≤ limit,   (forward,    (JSON: scan whole;
//!             switch, limits)   parse, scan,     timeouts)    SSE: mask deltas
//!                               policy)                       with a bounded tail)
//!                                                   └──────────▶ log (always)
//! ```
//!
//! A phase either hands on or returns a [`Refusal`]; refusals become
//! responses in one place ([`Refusal::response`]). The log phase records
//! route, status, decision, rule ids and counts, never bodies or headers.
//!
//! With an audit store, every answer waits for its audit record to be
//! committed ([`crate::audit`]); streams get theirs before the first byte
//! and an outcome record before their last bytes. Every response carries
//! `x-stanch-request-id`. Rego policies are evaluated with the scan (on
//! the blocking pool) and combined with the built-in actions, most
//! restrictive winning (allow < warn < redact < require_approval < block).

use crate::audit::{clean_label, record, rego_input};
use crate::config::{GatewayConfig, Route};
use crate::error::{Cause, Refusal};
use crate::inspect::{describe, Direction, Tally};
use crate::json::Json;
use crate::policy::{Action, RoutePolicy};
use crate::provider::{self, ErrorKind, Provider};
use crate::server::AppState;
use crate::sse::SseRewriter;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use stanch_redact::RestoreMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the phases learn about one request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Random id, sent back as `x-stanch-request-id` and audited.
    pub request_id: String,
    /// Caller's name for the audit trail (`anonymous` without keys/OIDC).
    pub principal: String,
    pub roles: Vec<String>,
    /// Model named by the request (redacted, capped).
    pub model: String,
    /// Stated purpose (header or `metadata.purpose`; redacted, capped).
    pub purpose: String,
    /// `X-Stanch-Approval` of a retry.
    pub approval_header: Option<String>,
    /// The approval this request created or used.
    pub approval_id: String,
    pub request_bytes: u64,
    pub response_bytes: u64,
    /// SHA-256 of the body as received.
    pub body_sha256: String,
    /// Policy (Rego) reasons.
    pub reasons: Vec<String>,
    /// The config this request runs under (a reload does not change it).
    pub cfg: Arc<GatewayConfig>,
    /// Index of the route in `cfg.routes`, once matched.
    pub route_index: Option<usize>,
    /// Route name for logs and metrics (`-` when none matched).
    pub route: String,
    /// Caller's name when gateway API keys are on.
    pub identity: Option<String>,
    /// The policy in force: the route's, or its caller's role's.
    pub policy: Arc<RoutePolicy>,
    pub provider: Provider,
    pub method: Method,
    /// The path inside the route (prefix stripped).
    pub path: String,
    pub start: Instant,
    pub request_findings: Tally,
    pub response_findings: Tally,
    pub decision: &'static str,
    pub upstream_status: Option<u16>,
    pub stream: bool,
}

pub async fn handle(State(s): State<Arc<AppState>>, req: Request) -> Response {
    let cfg = s.config();
    let full = req.uri().path();
    let (route_index, path) = match cfg.route_for(full) {
        Some((r, inner)) if r.provider_for(inner).is_some() => (
            cfg.routes.iter().position(|x| std::ptr::eq(x, r)),
            inner.to_string(),
        ),
        _ => (None, full.to_string()),
    };
    let route = route_index.map(|i| &cfg.routes[i]);
    let mut cx = Ctx {
        request_id: crate::audit::request_id(),
        principal: "anonymous".into(),
        roles: Vec::new(),
        model: String::new(),
        purpose: String::new(),
        approval_header: None,
        approval_id: String::new(),
        request_bytes: 0,
        response_bytes: 0,
        body_sha256: String::new(),
        reasons: Vec::new(),
        route: route.map_or_else(|| "-".to_string(), |r| r.name.clone()),
        provider: route
            .and_then(|r| r.provider_for(&path))
            .unwrap_or_else(|| guess_provider(&path)),
        route_index,
        identity: None,
        policy: Arc::new(route.map_or_else(RoutePolicy::default, |r| r.policy.clone())),
        method: req.method().clone(),
        path,
        start: Instant::now(),
        request_findings: Tally::default(),
        response_findings: Tally::default(),
        decision: "pass",
        upstream_status: None,
        stream: false,
        cfg,
    };
    let mut resp = match run(&s, &mut cx, req).await {
        Ok(resp) => resp,
        Err(refusal) => {
            cx.decision = match refusal.cause {
                Cause::Policy => "blocked",
                Cause::Client => "refused",
                Cause::Upstream => "upstream_error",
                Cause::Gateway => "unavailable",
                Cause::Approval => "approval_required",
            };
            cx.reasons.push(refusal.code.to_string());
            let resp = refusal.response(cx.provider);
            cx.response_bytes = body_len(&resp);
            log(&s, &cx, resp.status());
            resp
        }
    };
    // Streams were recorded before their first byte.
    if !cx.stream {
        if let Err(r) = record(&s, &cx, "request", resp.status().as_u16(), "").await {
            resp = r.response(cx.provider);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&cx.request_id) {
        resp.headers_mut().insert("x-stanch-request-id", v);
    }
    resp
}

fn body_len(resp: &Response) -> u64 {
    use axum::body::HttpBody;
    resp.body().size_hint().exact().unwrap_or(0)
}

/// Error format for a path no route serves.
fn guess_provider(path: &str) -> Provider {
    if path.starts_with("/v1/messages") {
        Provider::Anthropic
    } else {
        Provider::OpenAi
    }
}

async fn run(s: &Arc<AppState>, cx: &mut Ctx, req: Request) -> Result<Response, Refusal> {
    let cfg = cx.cfg.clone();
    let route = cx
        .route_index
        .and_then(|i| cfg.routes.get(i))
        .ok_or_else(Refusal::not_found)?;
    request_filter(s, cx, route, &req)?;
    let (parts, body) = req.into_parts();
    let (body, map) = request_body(s, cx, route, body).await?;
    let upstream = upstream(s, cx, route, &parts, body).await?;
    response(s, cx, upstream, map).await
}

/// The key a caller presents: `Authorization: Bearer KEY` or `x-api-key`.
fn presented_key(h: &HeaderMap) -> Option<&[u8]> {
    h.get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        .or_else(|| h.get("x-api-key").map(|v| v.as_bytes()))
}

/// Who presents this request: a gateway API key (`stk_…`) or an OIDC token.
pub(crate) fn authenticate(
    cfg: &GatewayConfig,
    h: &HeaderMap,
) -> Result<crate::keys::Identity, Refusal> {
    let Some(presented) = presented_key(h) else {
        return Err(Refusal::unauthenticated("no credential"));
    };
    if let Some(keys) = &cfg.keys {
        if let Some(id) = keys.lookup(presented) {
            return Ok(id.clone());
        }
    }
    if let Some(oidc) = &cfg.oidc {
        if crate::oidc::Oidc::looks_like_jwt(presented) {
            let token = std::str::from_utf8(presented)
                .map_err(|_| Refusal::unauthenticated("malformed token"))?;
            return oidc
                .verify(token)
                .map_err(|e| Refusal::unauthenticated(e.0));
        }
    }
    Err(Refusal::unauthenticated("unknown credential"))
}

/// Phase 1: identity and role, kill switch, declared size and encoding.
fn request_filter(s: &AppState, cx: &mut Ctx, route: &Route, req: &Request) -> Result<(), Refusal> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    cx.approval_header = header("x-stanch-approval")
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    if let Some(p) = header("x-stanch-purpose") {
        cx.purpose = p;
    }
    if cx.cfg.authenticates() {
        let id = authenticate(&cx.cfg, req.headers())?;
        cx.identity = Some(id.name.clone());
        cx.principal = id.name.clone();
        cx.roles = id.roles.clone();
        if let Some(p) = route.role_policy(&id.roles) {
            cx.policy = Arc::new(p.clone());
        }
        if !route.allows(&id.roles) {
            return Err(Refusal::forbidden(
                "stanch_forbidden_route",
                format!(
                    "stanch: caller `{}` has no role allowed on route `{}`",
                    id.name, route.name
                ),
            ));
        }
    }
    if s.killed() {
        return Err(Refusal::killed());
    }
    let limit = cx.cfg.body_limit;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Refusal::too_large(limit));
    }
    if let Some(enc) = req.headers().get(header::CONTENT_ENCODING) {
        if !enc.as_bytes().eq_ignore_ascii_case(b"identity") {
            return Err(Refusal::bad_body(
                "compressed request bodies are not supported",
            ));
        }
    }
    Ok(())
}

/// Phase 2: read the body (≤ limit), parse, scan, apply the policy.
async fn request_body(
    s: &Arc<AppState>,
    cx: &mut Ctx,
    route: &Route,
    body: Body,
) -> Result<(Bytes, Option<RestoreMap>), Refusal> {
    let limit = cx.cfg.body_limit;
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|c| c.is::<http_body_util::LengthLimitError>());
        if too_large {
            Refusal::too_large(limit)
        } else {
            Refusal::bad_body("the request body could not be read (truncated or aborted)")
        }
    })?;
    let policy = cx.policy.clone();
    cx.request_bytes = bytes.len() as u64;
    cx.body_sha256 = stanch_audit::chain::sha256_hex(&bytes);
    // Client text kept in the record: redacted, capped, no control bytes.
    cx.purpose = clean_label(s, &cx.purpose, 200);
    if bytes.is_empty() {
        if route.require_purpose && cx.purpose.is_empty() {
            return Err(Refusal::purpose_required(&route.name));
        }
        return Ok((bytes, None));
    }
    // Whatever the declared content type: what parses is scanned, what
    // does not is refused (fail closed).
    let doc = Json::parse(&bytes).ok();
    let Some(doc) = doc else {
        if policy.fail_open {
            cx.decision = "fail_open";
            tracing::warn!(route = %cx.route, path = %cx.path, "body not inspectable; forwarded (fail_open)");
            return Ok((bytes, None));
        }
        return Err(Refusal::bad_body("the request body is not valid JSON"));
    };
    // Every `model` key counts: with duplicates, upstream parsers differ
    // on which one wins.
    let models: Vec<Option<&str>> = match &doc {
        Json::Object(o) => o
            .iter()
            .filter(|(k, _)| k == "model")
            .map(|(_, v)| v.as_str())
            .collect(),
        _ => Vec::new(),
    };
    cx.model = clean_label(
        s,
        models.iter().flatten().next().copied().unwrap_or(""),
        100,
    );
    if cx.purpose.is_empty() {
        let p = doc
            .get("metadata")
            .and_then(|m| m.str_at("purpose"))
            .unwrap_or("");
        cx.purpose = clean_label(s, p, 200);
    }
    if route.require_purpose && cx.purpose.is_empty() {
        return Err(Refusal::purpose_required(&route.name));
    }
    let models_ok = if models.is_empty() {
        route.allows_model(None)
    } else {
        models.iter().all(|m| route.allows_model(*m))
    };
    if !models_ok {
        return Err(Refusal::forbidden(
            "stanch_model_not_allowed",
            format!(
                "stanch: this model is not allowed on route `{}`",
                route.name
            ),
        ));
    }
    let state = s.clone();
    let provider = cx.provider;
    let scan_start = Instant::now();
    let rego = cx.cfg.rego.clone();
    let who = (
        cx.principal.clone(),
        cx.roles.clone(),
        cx.route.clone(),
        cx.model.clone(),
        cx.purpose.clone(),
        bytes.len(),
    );
    let scan = move || {
        let mut doc = doc;
        let mut map = policy.restore.then(RestoreMap::new);
        let tally = state.engine.inspect_json(
            provider,
            Direction::Request,
            &policy,
            &mut doc,
            map.as_mut(),
        );
        let decision = rego.map(|p| p.evaluate(&rego_input(&state, &who, &tally)));
        (doc, map, (tally, decision))
    };
    let scanned = off_runtime(bytes.len(), scan).await;
    s.metrics
        .scan_latency
        .with_label_values(&["request"])
        .observe(scan_start.elapsed().as_secs_f64());
    let (doc, map, (tally, rego)) = scanned.map_err(|_| {
        Refusal::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Internal,
            "stanch_internal",
            Cause::Gateway,
            "stanch: scanning the request failed",
        )
    })?;
    s.metrics.record_findings(Direction::Request, &tally);
    cx.request_findings = tally;
    let builtin = cx
        .request_findings
        .counts
        .keys()
        .map(|(_, _, a)| *a)
        .max_by_key(|a| a.rank())
        .unwrap_or(Action::Allow);
    let by_policy = match rego {
        None => Action::Allow,
        Some(Err(e)) => {
            tracing::error!(error = %e, route = %cx.route, "policy evaluation failed; refused (fail closed)");
            cx.reasons.push("policy_error".into());
            return Err(Refusal::policy_error());
        }
        Some(Ok(d)) => {
            cx.reasons
                .extend(d.reasons.iter().map(|r| format!("policy: {r}")));
            // `evaluate` only answers known actions.
            Action::parse(&d.action).unwrap_or(Action::Block)
        }
    };
    let combined = if by_policy.rank() > builtin.rank() {
        by_policy
    } else {
        builtin
    };
    let mut what = cx.request_findings.describe_refusal();
    if by_policy == combined && by_policy.refuses() {
        let reasons = cx.reasons.join("; ");
        what = if what.is_empty() {
            reasons
        } else {
            format!("{what}; {reasons}")
        };
    }
    if what.is_empty() {
        what = "policy".into();
    }
    match combined {
        Action::Block => return Err(Refusal::blocked(&what)),
        Action::RequireApproval => {
            crate::approval::hold(s, cx, route, &bytes, &what).await?;
            cx.decision = "approved";
        }
        Action::Warn if by_policy == Action::Warn => cx.decision = "warned",
        _ => {}
    }
    if cx.request_findings.count(Action::Redact) > 0 {
        if cx.decision == "pass" {
            cx.decision = "redacted";
        }
        Ok((Bytes::from(doc.to_vec()), map))
    } else {
        if cx.request_findings.count(Action::Warn) > 0 && cx.decision == "pass" {
            cx.decision = "warned";
        }
        Ok((bytes, map))
    }
}

/// Request headers not forwarded (hop-by-hop, or set by the client library).
const DROP_REQUEST: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "accept-encoding",
    // stanch's own request headers (a purpose is client text, never scanned
    // on its way upstream: it stays here).
    "x-stanch-purpose",
    "x-stanch-approval",
];

/// Response headers not passed back.
const DROP_RESPONSE: &[&str] = &[
    "content-length",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Phase 3: forward to the upstream with the client's own headers
/// (credentials included, unless gateway keys or a route credential replace
/// them), uncompressed, within the timeout.
async fn upstream(
    s: &AppState,
    cx: &mut Ctx,
    route: &Route,
    parts: &axum::http::request::Parts,
    body: Bytes,
) -> Result<reqwest::Response, Refusal> {
    let url = route.upstream_url(&cx.path, parts.uri.query());
    // With gateway keys, the caller's credential is the gateway key: it
    // never goes upstream. A route credential replaces it.
    let strip_auth = cx.cfg.authenticates() || route.credential.is_some();
    let mut headers = HeaderMap::with_capacity(parts.headers.len());
    for (k, v) in &parts.headers {
        let auth = k == header::AUTHORIZATION || k.as_str() == "x-api-key";
        let dropped = DROP_REQUEST.contains(&k.as_str()) || (strip_auth && auth);
        if !dropped {
            headers.append(k.clone(), v.clone());
        }
    }
    headers.insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    if let Some(c) = &route.credential {
        if let (Ok(name), Ok(mut value)) = (
            HeaderName::from_bytes(c.header.as_bytes()),
            HeaderValue::from_str(c.value()),
        ) {
            value.set_sensitive(true);
            headers.insert(name, value);
        }
    }
    let mut rb = s.client.request(parts.method.clone(), url).headers(headers);
    if !body.is_empty() {
        rb = rb.body(body);
    }
    let sent = tokio::time::timeout(cx.cfg.upstream_timeout, rb.send()).await;
    let resp = match sent {
        Err(_) => {
            s.metrics
                .upstream_errors
                .with_label_values(&[&cx.route, "timeout"])
                .inc();
            return Err(Refusal::upstream(true, "no response headers"));
        }
        Ok(Err(e)) => {
            let (kind, what) = classify_reqwest(&e);
            s.metrics
                .upstream_errors
                .with_label_values(&[&cx.route, kind])
                .inc();
            return Err(Refusal::upstream(e.is_timeout(), what));
        }
        Ok(Ok(r)) => r,
    };
    cx.upstream_status = Some(resp.status().as_u16());
    if resp.status().is_server_error() {
        s.metrics
            .upstream_errors
            .with_label_values(&[&cx.route, "status_5xx"])
            .inc();
    }
    if let Some(enc) = resp.headers().get(header::CONTENT_ENCODING) {
        if !enc.as_bytes().eq_ignore_ascii_case(b"identity") {
            s.metrics
                .upstream_errors
                .with_label_values(&[&cx.route, "compressed"])
                .inc();
            return Err(Refusal::upstream(
                false,
                "compressed response that cannot be inspected",
            ));
        }
    }
    Ok(resp)
}

/// A fixed description of an upstream error: never its text (which may
/// carry the URL and so a credential in it).
fn classify_reqwest(e: &reqwest::Error) -> (&'static str, &'static str) {
    if e.is_timeout() {
        ("timeout", "timed out")
    } else if e.is_connect() {
        ("connect", "connection failed")
    } else if e.is_body() || e.is_decode() {
        ("body", "broken response body")
    } else {
        ("request", "request failed")
    }
}

fn copy_response_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for (k, v) in from {
        if !DROP_RESPONSE.contains(&k.as_str()) {
            to.append(k.clone(), v.clone());
        }
    }
}

fn stanch_headers(cx: &Ctx, to: &mut HeaderMap) {
    let redacted = cx.request_findings.count(Action::Redact);
    if redacted > 0 {
        to.insert(
            HeaderName::from_static("x-stanch-redacted"),
            HeaderValue::from(redacted),
        );
    }
    let warned = cx.request_findings.by_action(Action::Warn);
    if !warned.is_empty() {
        let v = warned
            .iter()
            .map(|(r, n)| format!("{r}={n}"))
            .collect::<Vec<_>>()
            .join(",");
        if let Ok(v) = HeaderValue::from_str(&v) {
            to.insert(HeaderName::from_static("x-stanch-warnings"), v);
        }
    }
}

/// Phase 4: the answer. Event streams are masked as they pass; anything
/// else is read whole (≤ limit), scanned, and restored.
async fn response(
    s: &Arc<AppState>,
    cx: &mut Ctx,
    upstream: reqwest::Response,
    map: Option<RestoreMap>,
) -> Result<Response, Refusal> {
    let status = upstream.status();
    let is_sse = upstream
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("text/event-stream")
        });
    let mut out = Response::builder().status(status);
    if let Some(h) = out.headers_mut() {
        copy_response_headers(upstream.headers(), h);
        stanch_headers(cx, h);
    }
    if is_sse {
        cx.stream = true;
        record(s, cx, "request", status.as_u16(), "open").await?;
        s.metrics
            .latency
            .with_label_values(&[&cx.route])
            .observe(cx.start.elapsed().as_secs_f64());
        let body = relay_stream(s.clone(), take_ctx(cx), upstream, map);
        return out.body(body).map_err(|_| internal());
    }
    // Whole body, bounded, each chunk within the timeout.
    let mut body = Vec::new();
    let mut stream = upstream.bytes_stream();
    loop {
        match tokio::time::timeout(cx.cfg.upstream_timeout, stream.next()).await {
            Err(_) => {
                s.metrics
                    .upstream_errors
                    .with_label_values(&[&cx.route, "timeout"])
                    .inc();
                return Err(Refusal::upstream(true, "response body stalled"));
            }
            Ok(None) => break,
            Ok(Some(Err(_))) => {
                s.metrics
                    .upstream_errors
                    .with_label_values(&[&cx.route, "body"])
                    .inc();
                return Err(Refusal::upstream(false, "response body broken off"));
            }
            Ok(Some(Ok(chunk))) => {
                if body.len() + chunk.len() > cx.cfg.response_limit {
                    s.metrics
                        .upstream_errors
                        .with_label_values(&[&cx.route, "too_large"])
                        .inc();
                    return Err(Refusal::upstream(false, "response body too large"));
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    let scan_start = Instant::now();
    let state = s.clone();
    let provider = cx.provider;
    let policy = cx.policy.clone();
    let (masked, tally) = off_runtime(body.len(), move || {
        scan_response(&state, &policy, provider, body, map.as_ref())
    })
    .await
    .map_err(|_| internal())?;
    s.metrics
        .scan_latency
        .with_label_values(&["response"])
        .observe(scan_start.elapsed().as_secs_f64());
    s.metrics.record_findings(Direction::Response, &tally);
    cx.response_findings = tally;
    cx.response_bytes = masked.len() as u64;
    let resp = out.body(Body::from(masked)).map_err(|_| internal())?;
    s.metrics
        .latency
        .with_label_values(&[&cx.route])
        .observe(cx.start.elapsed().as_secs_f64());
    log(s, cx, resp.status());
    Ok(resp)
}

/// Bodies up to this size are scanned on the request's own task: a
/// blocking-pool hand-off (two thread wake-ups) costs more than scanning
/// them (about 0.3 ms for 8 KB of log text dense with findings).
const INLINE_SCAN_BYTES: usize = 32 << 10;

/// Runs a scan inline when the body is small, else on tokio's blocking pool
/// so a large body does not stall the other requests on this worker. A
/// panic in either becomes `Err` (the request is refused, never passed).
async fn off_runtime<T: Send + 'static>(
    len: usize,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ()> {
    if len <= INLINE_SCAN_BYTES {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| ())
    } else {
        tokio::task::spawn_blocking(f).await.map_err(|_| ())
    }
}

fn internal() -> Refusal {
    Refusal::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::Internal,
        "stanch_internal",
        Cause::Gateway,
        "stanch: internal error",
    )
}

/// A JSON answer: every text masked, then pseudonyms restored. Anything
/// else is masked as raw text.
fn scan_response(
    s: &AppState,
    policy: &RoutePolicy,
    provider: Provider,
    body: Vec<u8>,
    map: Option<&RestoreMap>,
) -> (Vec<u8>, Tally) {
    match Json::parse(&body) {
        Ok(mut doc) => {
            let tally =
                s.engine
                    .inspect_json(provider, Direction::Response, policy, &mut doc, None);
            let restoring = map.is_some_and(|m| !m.is_empty());
            if let Some(m) = map {
                s.engine.restore_json(provider, &mut doc, m);
            }
            if tally.is_empty() && !restoring {
                (body, tally)
            } else {
                (doc.to_vec(), tally)
            }
        }
        Err(_) => {
            let mut scratch = s.engine.scratch();
            let mut found = Vec::new();
            s.engine
                .redactor()
                .db()
                .scan(&body, &mut scratch, &mut found);
            drop(scratch);
            let mut tally = Tally::default();
            let mut redact = Vec::new();
            s.engine
                .decide(policy, Direction::Response, &found, &mut redact, &mut tally);
            s.engine
                .fingerprint(policy, Direction::Response, &body, &found, &mut tally);
            let mut out = Vec::with_capacity(body.len());
            if redact.is_empty()
                || s.engine
                    .redactor()
                    .write_redacted(&body, &redact, &mut out)
                    .is_err()
            {
                out = body;
            }
            let out = match map {
                Some(m) => m.restore(&out).into_owned(),
                None => out,
            };
            (out, tally)
        }
    }
}

fn take_ctx(cx: &mut Ctx) -> Ctx {
    let mut c = cx.clone();
    c.request_findings = std::mem::take(&mut cx.request_findings);
    c.response_findings = Tally::default();
    c.stream = true;
    c
}

/// Relays an event stream through an [`SseRewriter`] in its own task; the
/// kill switch, an upstream stall or break, and a client going away all end
/// it. The log phase runs when it ends.
fn relay_stream(
    s: Arc<AppState>,
    mut cx: Ctx,
    upstream: reqwest::Response,
    map: Option<RestoreMap>,
) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(32);
    tokio::spawn(async move {
        let status = upstream.status();
        s.metrics.open_streams.inc();
        let cfg = cx.cfg.clone();
        let policy = cx.policy.clone();
        let mut rw = SseRewriter::new(cx.provider, &s.engine, &policy, map.as_ref());
        let mut chunks = upstream.bytes_stream();
        let mut kill = s.kill_watch();
        let timeout = cfg.upstream_timeout;
        let mut out = Vec::new();
        let mut scan_time = Duration::ZERO;
        let mut sent = 0u64;
        let ending: Option<(ErrorKind, &'static str, &'static str)> = loop {
            let next = tokio::select! {
                biased;
                _ = kill.wait_for(|k| *k) => break Some((ErrorKind::Unavailable, "stanch_kill_switch", "stanch: the gateway's kill switch was engaged; stream cut")),
                n = tokio::time::timeout(timeout, chunks.next()) => n,
            };
            out.clear();
            match next {
                Err(_) => {
                    break Some((
                        ErrorKind::Timeout,
                        "stanch_upstream_timeout",
                        "stanch: the upstream stalled mid-stream",
                    ))
                }
                Ok(None) => {
                    // The last bytes wait for the outcome record (below).
                    let t = Instant::now();
                    rw.finish(&mut out);
                    scan_time += t.elapsed();
                    break None;
                }
                Ok(Some(Err(_))) => {
                    break Some((
                        ErrorKind::Upstream,
                        "stanch_upstream_error",
                        "stanch: the upstream broke off the stream",
                    ))
                }
                Ok(Some(Ok(bytes))) => {
                    let t = Instant::now();
                    let pushed = rw.push(&bytes, &mut out);
                    scan_time += t.elapsed();
                    if pushed.is_err() {
                        break Some((
                            ErrorKind::Upstream,
                            "stanch_upstream_error",
                            "stanch: the upstream sent an oversized event",
                        ));
                    }
                    sent += out.len() as u64;
                    if !out.is_empty()
                        && tx
                            .send(Ok(Bytes::from(std::mem::take(&mut out))))
                            .await
                            .is_err()
                    {
                        cx.decision = "client_gone";
                        break None;
                    }
                }
            }
        };
        // What is still to send: the held-back tail of a complete stream,
        // or an error event. Held-back text of a broken stream is dropped,
        // not flushed: the stream is broken and a tail may be half a secret.
        let last = match ending {
            Some((kind, code, message)) => provider::error_event(cx.provider, kind, code, message),
            None => std::mem::take(&mut out),
        };
        if let Some((_, code, _)) = ending {
            cx.decision = match code {
                "stanch_kill_switch" => "killed",
                _ => "upstream_error",
            };
            let label = if code == "stanch_upstream_timeout" {
                "timeout"
            } else {
                "stream"
            };
            if code != "stanch_kill_switch" {
                s.metrics
                    .upstream_errors
                    .with_label_values(&[&cx.route, label])
                    .inc();
            }
        }
        s.metrics
            .scan_latency
            .with_label_values(&["response"])
            .observe(scan_time.as_secs_f64());
        s.metrics.record_findings(Direction::Response, &rw.tally);
        cx.response_findings = std::mem::take(&mut rw.tally);
        drop(rw);
        let outcome = match cx.decision {
            "client_gone" => "client_gone",
            "killed" => "killed",
            "upstream_error" => "upstream_error",
            _ => "complete",
        };
        cx.response_bytes = sent + last.len() as u64;
        // The outcome record is committed before the last bytes go out.
        let recorded = record(&s, &cx, "outcome", status.as_u16(), outcome).await;
        if outcome != "client_gone" {
            let last = match recorded {
                Ok(()) => last,
                // Fail closed: the stream ends with an error instead.
                Err(_) => provider::error_event(
                    cx.provider,
                    ErrorKind::Unavailable,
                    "stanch_audit_unavailable",
                    "stanch: the audit trail cannot be written; stream cut",
                ),
            };
            if !last.is_empty() {
                let _ = tx.send(Ok(Bytes::from(last))).await;
            }
        }
        s.metrics.open_streams.dec();
        log(&s, &cx, status);
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Body::from_stream(stream)
}

/// Phase 5: one structured log line and the request counters.
fn log(s: &AppState, cx: &Ctx, status: StatusCode) {
    s.metrics
        .requests
        .with_label_values(&[&cx.route, cx.decision])
        .inc();
    if cx.decision == "blocked" {
        s.metrics.blocked.with_label_values(&[&cx.route]).inc();
    }
    let summary = |t: &Tally| {
        let mut m = std::collections::BTreeMap::new();
        for ((rule, _, a), n) in &t.counts {
            *m.entry(format!("{rule}:{}", a.as_str())).or_insert(0u64) += n;
        }
        let m: std::collections::BTreeMap<&str, u64> =
            m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        describe(&m)
    };
    tracing::info!(
        target: "stanch::access",
        route = %cx.route,
        provider = cx.provider.as_str(),
        method = %cx.method,
        // An unmatched path is the client's text: not logged.
        path = if cx.route_index.is_some() { cx.path.as_str() } else { "-" },
        identity = cx.identity.as_deref().unwrap_or("-"),
        status = status.as_u16(),
        upstream_status = cx.upstream_status,
        decision = cx.decision,
        stream = cx.stream,
        request_findings = %summary(&cx.request_findings),
        response_findings = %summary(&cx.response_findings),
        latency_ms = cx.start.elapsed().as_secs_f64() * 1000.0,
    );
}
