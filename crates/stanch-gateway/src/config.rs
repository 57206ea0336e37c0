//! Runtime settings of a gateway. The CLI builds them (quick start:
//! [`GatewayConfig::quick_start`]); nothing here reads files.

use crate::error::GatewayError;
use crate::policy::RoutePolicy;
use crate::provider::{self, Provider};
use std::net::SocketAddr;
use std::time::Duration;

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";
/// Default request body limit (10 MiB).
pub const DEFAULT_BODY_LIMIT: usize = 10 << 20;
/// Largest upstream (non-stream) response body read.
pub const DEFAULT_RESPONSE_LIMIT: usize = 64 << 20;

/// Where a route sends requests and what it does to them.
#[derive(Clone, Debug)]
pub struct Route {
    /// Name used in logs and metric labels.
    pub name: String,
    /// Path prefix this route serves (`/openai`); stripped before the path
    /// goes upstream. Empty: every path (quick start).
    pub prefix: String,
    /// Base URL of the upstream (`https://api.openai.com`); the request path
    /// (without the prefix) and query are appended.
    pub upstream: String,
    /// Fixed provider, or `None` to tell by the path (quick start: only the
    /// known OpenAI and Anthropic paths are proxied).
    pub provider: Option<Provider>,
    pub policy: RoutePolicy,
    /// Policies for callers of a role (the first of the caller's roles
    /// listed here wins; others get `policy`).
    pub role_policies: Vec<(String, RoutePolicy)>,
    /// Models a request may name (empty: any).
    pub models: Vec<String>,
    /// Roles allowed on this route (empty: any authenticated caller).
    pub roles: Vec<String>,
    /// Credential sent upstream instead of the client's.
    pub credential: Option<Credential>,
    /// Refuse requests that state no purpose (`X-Stanch-Purpose` header or
    /// `metadata.purpose` in the body).
    pub require_purpose: bool,
}

/// An upstream credential: a header and its value (`Debug` hides it).
#[derive(Clone)]
pub struct Credential {
    pub header: String,
    value: zeroize::Zeroizing<String>,
}

impl Credential {
    /// `header: value` (for `authorization`, pass `Bearer …` whole).
    pub fn new(header: &str, value: String) -> Credential {
        Credential {
            header: header.to_ascii_lowercase(),
            value: zeroize::Zeroizing::new(value),
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credential({}: <redacted>)", self.header)
    }
}

impl Route {
    /// The path inside this route (`/openai/v1/x` → `/v1/x`), if it serves `path`.
    pub fn inner<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix(self.prefix.trim_end_matches('/'))?;
        (rest.is_empty() || rest.starts_with('/')).then_some(rest)
    }

    /// The provider for an inner path, or `None` if this route does not proxy it.
    pub fn provider_for(&self, path: &str) -> Option<Provider> {
        match self.provider {
            Some(p) => Some(p),
            None => provider::classify(path),
        }
    }

    /// The upstream URL for an inner path and query. A base ending in
    /// `/v1` does not double the `/v1` of the path.
    pub fn upstream_url(&self, path: &str, query: Option<&str>) -> String {
        let base = self.upstream.trim_end_matches('/');
        let path = match (base.ends_with("/v1"), path.strip_prefix("/v1")) {
            (true, Some(rest)) if rest.is_empty() || rest.starts_with('/') => rest,
            _ => path,
        };
        match query {
            Some(q) if !q.is_empty() => format!("{base}{path}?{q}"),
            _ => format!("{base}{path}"),
        }
    }

    /// Whether a caller holding `roles` may use this route.
    pub fn allows(&self, roles: &[String]) -> bool {
        self.roles.is_empty() || self.roles.iter().any(|r| roles.contains(r))
    }

    /// The policy for a caller holding `roles`, if one of them has its own.
    pub fn role_policy(&self, roles: &[String]) -> Option<&RoutePolicy> {
        roles
            .iter()
            .find_map(|r| self.role_policies.iter().find(|(x, _)| x == r))
            .map(|(_, p)| p)
    }

    /// Whether a request may name `model`.
    pub fn allows_model(&self, model: Option<&str>) -> bool {
        self.models.is_empty() || model.is_some_and(|m| self.models.iter().any(|x| x == m))
    }
}

/// Everything a gateway needs besides the engine.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    pub listen: SocketAddr,
    /// Refuse to listen on anything but loopback (quick start, where
    /// clients bring their own credentials and nothing authenticates them).
    pub loopback_only: bool,
    /// Routes; the longest matching prefix serves a request.
    pub routes: Vec<Route>,
    /// Gateway API keys: when set, every proxied request must present one
    /// (`Authorization: Bearer` or `x-api-key`), and the caller's role
    /// decides its routes.
    pub keys: Option<crate::keys::KeyStore>,
    /// OIDC: bearer JWTs verified against a JWKS file; their role claim
    /// decides routes. With `keys`, `stk_` keys and JWTs are both accepted.
    pub oidc: Option<crate::oidc::Oidc>,
    /// Request bodies larger than this are refused with 413.
    pub body_limit: usize,
    pub response_limit: usize,
    /// Connecting to the upstream.
    pub connect_timeout: Duration,
    /// Waiting for the upstream's response headers, and then between two
    /// chunks of its body.
    pub upstream_timeout: Duration,
    /// Start with the kill switch engaged (every request gets 503).
    pub kill_switch: bool,
    /// How upstream connections reach the provider: `None` directly,
    /// [`UpstreamProxy::Env`] through `HTTPS_PROXY`/`HTTP_PROXY` (honouring
    /// `NO_PROXY`), or a given proxy URL. Fixed at start.
    pub upstream_proxy: Option<UpstreamProxy>,
    /// Bearer token for `/admin/*`; without one, admin endpoints answer
    /// loopback peers only.
    pub admin_token: Option<AdminToken>,
    /// The audit store (`None`: no audit trail). See [`crate::audit`].
    pub audit: Option<AuditSettings>,
    /// How `require_approval` holds requests.
    pub approval: ApprovalSettings,
    /// Slack-compatible webhook for canary alerts.
    pub alert_webhook: Option<WebhookUrl>,
    /// Compiled Rego policies evaluated per request (most restrictive of
    /// theirs and the built-in actions wins).
    pub rego: Option<std::sync::Arc<stanch_audit::rego::Policy>>,
}

/// A webhook URL (Slack's carry a token in the path): `Debug` prints a
/// placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookUrl(zeroize::Zeroizing<String>);

impl WebhookUrl {
    pub fn new(url: String) -> WebhookUrl {
        WebhookUrl(zeroize::Zeroizing::new(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookUrl(<redacted>)")
    }
}

/// `[audit]`: where and how records are written.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditSettings {
    pub db: std::path::PathBuf,
    pub sync: stanch_audit::Sync,
    /// Answer requests even when their record cannot be written (recorded
    /// in logs and metrics). Off by default: fail closed with 503.
    pub fail_open: bool,
    /// Prune records older than this many days (hourly); `None`: keep all.
    pub retention_days: Option<u64>,
}

impl AuditSettings {
    pub fn new(db: std::path::PathBuf) -> AuditSettings {
        AuditSettings {
            db,
            sync: stanch_audit::Sync::default(),
            fail_open: false,
            retention_days: None,
        }
    }
}

/// `[approval]`: how long requests are held and who approves.
#[derive(Clone, Debug, PartialEq)]
pub struct ApprovalSettings {
    /// Hold a request this long waiting for a decision (0: answer 403 with
    /// the approval id at once).
    pub wait: Duration,
    /// An approval expires this long after it was requested.
    pub ttl: Duration,
    /// Roles whose members may approve (the admin token may too).
    pub approver_roles: Vec<String>,
    /// Slack-compatible webhook told about each new pending approval.
    pub webhook_url: Option<WebhookUrl>,
}

impl Default for ApprovalSettings {
    fn default() -> Self {
        ApprovalSettings {
            wait: Duration::ZERO,
            ttl: Duration::from_secs(3600),
            approver_roles: vec!["approver".into()],
            webhook_url: None,
        }
    }
}

/// An egress proxy for upstream connections (corporate networks).
#[derive(Clone, PartialEq, Eq)]
pub enum UpstreamProxy {
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`, honouring `NO_PROXY`.
    Env,
    /// `http://` or `https://` proxy URL (may hold `user:pass@`, so `Debug`
    /// prints only its scheme).
    Url(String),
}

impl UpstreamProxy {
    /// `env`, or a proxy URL.
    pub fn parse(s: &str) -> Result<UpstreamProxy, GatewayError> {
        if s == "env" {
            return Ok(UpstreamProxy::Env);
        }
        if (s.starts_with("http://") || s.starts_with("https://")) && reqwest::Proxy::all(s).is_ok()
        {
            return Ok(UpstreamProxy::Url(s.to_string()));
        }
        Err(GatewayError::InvalidUpstream(
            "upstream proxy: `env` or an http(s):// proxy URL".into(),
        ))
    }
}

impl std::fmt::Debug for UpstreamProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpstreamProxy::Env => f.write_str("UpstreamProxy::Env"),
            UpstreamProxy::Url(u) => write!(
                f,
                "UpstreamProxy::Url({}://<redacted>)",
                u.split("://").next().unwrap_or("?")
            ),
        }
    }
}

/// A secret compared in constant time; `Debug` prints a placeholder.
#[derive(Clone)]
pub struct AdminToken(zeroize::Zeroizing<String>);

impl AdminToken {
    pub fn new(s: String) -> AdminToken {
        AdminToken(zeroize::Zeroizing::new(s))
    }

    /// Constant-time comparison with a presented token.
    pub fn matches(&self, presented: &[u8]) -> bool {
        let a = self.0.as_bytes();
        if a.len() != presented.len() {
            return false;
        }
        a.iter()
            .zip(presented)
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

impl GatewayConfig {
    /// `stanch serve --upstream URL`: the OpenAI and Anthropic paths to one
    /// upstream, the default policy, loopback only.
    pub fn quick_start(upstream: &str, listen: SocketAddr) -> Result<GatewayConfig, GatewayError> {
        check_upstream(upstream)?;
        Ok(GatewayConfig {
            listen,
            loopback_only: true,
            routes: vec![Route {
                name: "quickstart".into(),
                prefix: String::new(),
                upstream: upstream.to_string(),
                provider: None,
                policy: RoutePolicy::default(),
                role_policies: Vec::new(),
                models: Vec::new(),
                roles: Vec::new(),
                credential: None,
                require_purpose: false,
            }],
            keys: None,
            oidc: None,
            body_limit: DEFAULT_BODY_LIMIT,
            response_limit: DEFAULT_RESPONSE_LIMIT,
            connect_timeout: Duration::from_secs(10),
            upstream_timeout: Duration::from_secs(300),
            kill_switch: false,
            upstream_proxy: None,
            admin_token: None,
            audit: None,
            approval: ApprovalSettings::default(),
            alert_webhook: None,
            rego: None,
        })
    }

    /// Checks what can be checked before binding.
    pub fn validate(&self) -> Result<(), GatewayError> {
        if self.loopback_only && !self.listen.ip().is_loopback() {
            return Err(GatewayError::NotLoopback(self.listen));
        }
        if !self.listen.ip().is_loopback() && !self.authenticates() {
            return Err(GatewayError::Unauthenticated(self.listen));
        }
        if self.routes.is_empty() {
            return Err(GatewayError::InvalidUpstream("no route".into()));
        }
        for r in &self.routes {
            check_upstream(&r.upstream)?;
        }
        for url in [&self.alert_webhook, &self.approval.webhook_url]
            .into_iter()
            .flatten()
        {
            check_webhook(url.as_str())?;
        }
        Ok(())
    }

    /// Whether callers must authenticate (API keys or OIDC configured).
    pub fn authenticates(&self) -> bool {
        self.keys.is_some() || self.oidc.is_some()
    }

    /// The route serving `path` (longest prefix) and the path inside it.
    pub fn route_for<'p>(&self, path: &'p str) -> Option<(&Route, &'p str)> {
        self.routes
            .iter()
            .filter_map(|r| r.inner(path).map(|inner| (r, inner)))
            .max_by_key(|(r, _)| r.prefix.trim_end_matches('/').len())
    }
}

/// A webhook must be an http(s) URL with a host.
pub fn check_webhook(url: &str) -> Result<(), GatewayError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) if !r.split('/').next().unwrap_or("").is_empty() => Ok(()),
        _ => Err(GatewayError::InvalidWebhook),
    }
}

/// An upstream must be an http(s) URL with a host and no credentials,
/// query or fragment.
pub fn check_upstream(url: &str) -> Result<(), GatewayError> {
    let bad = |why: &str| GatewayError::InvalidUpstream(why.to_string());
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("must start with http:// or https://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return Err(bad("has no host"));
    }
    if host.contains('@') {
        return Err(bad("must not hold credentials (user:password@)"));
    }
    if url.contains(['?', '#']) {
        return Err(bad("must not have a query or fragment"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_urls() {
        let mut r =
            GatewayConfig::quick_start("http://127.0.0.1:9/", DEFAULT_LISTEN.parse().unwrap())
                .unwrap()
                .routes
                .remove(0);
        assert_eq!(
            r.upstream_url("/v1/messages", Some("beta=true")),
            "http://127.0.0.1:9/v1/messages?beta=true"
        );
        r.upstream = "https://api.example.com/v1".into();
        assert_eq!(
            r.upstream_url("/v1/chat/completions", None),
            "https://api.example.com/v1/chat/completions"
        );
    }

    #[test]
    fn bad_upstreams_and_listen_addresses() {
        for u in [
            "ftp://x",
            "http://",
            "https://u:p@host",
            "http://h/?q=1",
            "api.openai.com",
        ] {
            assert!(check_upstream(u).is_err(), "{u}");
        }
        let mut c =
            GatewayConfig::quick_start("http://h", DEFAULT_LISTEN.parse().unwrap()).unwrap();
        assert!(c.validate().is_ok());
        c.listen = "0.0.0.0:8787".parse().unwrap();
        assert!(matches!(c.validate(), Err(GatewayError::NotLoopback(_))));
        c.listen = "[::1]:8787".parse().unwrap();
        assert!(c.validate().is_ok());
        // Off loopback only with API keys.
        c.loopback_only = false;
        c.listen = "0.0.0.0:8787".parse().unwrap();
        assert!(matches!(
            c.validate(),
            Err(GatewayError::Unauthenticated(_))
        ));
        c.keys = Some(crate::keys::KeyStore::default());
        assert!(c.validate().is_ok());
    }

    #[test]
    fn longest_prefix_wins() {
        let mut c =
            GatewayConfig::quick_start("http://h", DEFAULT_LISTEN.parse().unwrap()).unwrap();
        let mut r = c.routes[0].clone();
        r.name = "oa".into();
        r.prefix = "/openai".into();
        c.routes.push(r);
        let (r, inner) = c.route_for("/openai/v1/chat/completions").unwrap();
        assert_eq!((r.name.as_str(), inner), ("oa", "/v1/chat/completions"));
        let (r, inner) = c.route_for("/v1/messages").unwrap();
        assert_eq!((r.name.as_str(), inner), ("quickstart", "/v1/messages"));
        assert_eq!(c.route_for("/openaix/v1").unwrap().0.name, "quickstart");
        let cred = Credential::new("Authorization", "Bearer sk-upstream-secret".into());
        assert!(!format!("{cred:?}").contains("sk-upstream"));
    }

    #[test]
    fn webhook_debug_hides_the_url() {
        let w = WebhookUrl::new("https://hooks.slack.com/services/T0/B0/s3cretpath".into());
        assert!(!format!("{w:?}").contains("s3cret"));
        let mut c =
            GatewayConfig::quick_start("http://h", DEFAULT_LISTEN.parse().unwrap()).unwrap();
        c.alert_webhook = Some(w);
        assert!(!format!("{c:?}").contains("s3cret"));
        assert!(c.validate().is_ok());
        c.approval.webhook_url = Some(WebhookUrl::new("ftp://x".into()));
        assert!(matches!(c.validate(), Err(GatewayError::InvalidWebhook)));
    }

    #[test]
    fn admin_token_debug_and_compare() {
        let t = AdminToken::new("s3cret-admin-token".into());
        assert!(!format!("{t:?}").contains("s3cret"));
        assert!(t.matches(b"s3cret-admin-token"));
        assert!(!t.matches(b"s3cret-admin-tokeN"));
        assert!(!t.matches(b"s3cret"));
    }
}
