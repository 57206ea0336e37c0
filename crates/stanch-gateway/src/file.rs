//! The gateway config: the `[gateway]` table of stanch.toml (`stanch serve
//! --config stanch.toml`) or a file of its own (`--gateway-config FILE`,
//! the same keys at the top level): raw TOML
//! with `deny_unknown_fields` → validated (every error collected, naming
//! the field) → [`GatewayConfig`]. Reloaded on SIGHUP or when the file (or
//! its keys file) changes; an invalid new version leaves the old one running.
//!
//! ```toml
//! listen = "127.0.0.1:8787"      # off loopback only with keys_file
//! keys_file = "gateway-keys.toml" # `stanch keys create`; relative to this file
//! # or/and OIDC: bearer JWTs checked against the provider's public keys,
//! # from a file or fetched from the provider's JWKS URL (every jwks_refresh_secs,
//! # default 600, and soon after a token names a key not seen yet)
//! # oidc = { jwks_file = "jwks.json", issuer = "https://idp", audience = "stanch", role_claim = "roles" }
//! # oidc = { jwks_url = "https://idp.example.com/.well-known/jwks.json", issuer = "https://idp.example.com", audience = "stanch" }
//! body_limit = 10485760
//! upstream_timeout_secs = 300
//! upstream_proxy = "env"         # or "http://proxy:3128"; default: direct
//!
//! [[routes]]
//! name = "openai"
//! prefix = "/openai"             # /openai/v1/chat/completions → upstream/v1/chat/completions
//! provider = "openai"            # openai | anthropic | generic-json
//! upstream = "https://api.openai.com"
//! models = ["gpt-4o-mini"]       # allowed models (default: any)
//! roles = ["dev"]                # allowed roles (default: any caller)
//! credential_env = "OPENAI_API_KEY"   # sent upstream instead of the caller's credential
//! default_action = "redact"
//! actions = { pii = "warn", "github-pat" = "block" }
//! role_actions.sre = { pii = "allow" }   # per role, over the route's actions
//! require_purpose = true         # X-Stanch-Purpose header or metadata.purpose needed
//!
//! [audit]                        # tamper-evident audit trail (docs/audit.md)
//! db = "audit.db"                # SQLite (WAL), relative to this file
//! sync = "normal"                # normal: survives kill -9; full: also power loss
//! fail_open = false              # default: no record, no answer (503)
//! retention_days = 90            # prune hourly, keeping a verifiable checkpoint
//!
//! [approval]                     # require_approval holds requests
//! wait_secs = 0                  # 0: answer 403 with the approval id at once
//! ttl_secs = 3600
//! approver_roles = ["approver"]
//! webhook_url = "https://hooks.slack.com/services/…"   # told of new pending approvals
//!
//! [alerts]
//! webhook_url = "https://hooks.slack.com/services/…"   # canary hits
//!
//! [policy]
//! files = ["policies"]           # Rego files or directories; data.stanch.decision
//! ```

use crate::config::{
    AdminToken, ApprovalSettings, AuditSettings, Credential, GatewayConfig, Route,
};
use crate::keys::KeyStore;
use crate::policy::{Action, CategoryKey, RoutePolicy};
use crate::provider::Provider;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    listen: Option<String>,
    keys_file: Option<PathBuf>,
    admin_token_env: Option<String>,
    body_limit: Option<usize>,
    upstream_timeout_secs: Option<u64>,
    /// `env` (HTTPS_PROXY / NO_PROXY) or a proxy URL; default: direct.
    upstream_proxy: Option<String>,
    kill_switch: Option<bool>,
    oidc: Option<RawOidc>,
    #[serde(default)]
    routes: Vec<RawRoute>,
    audit: Option<RawAudit>,
    approval: Option<RawApproval>,
    alerts: Option<RawAlerts>,
    policy: Option<RawPolicy>,
}

/// `[audit]` (see [`crate::audit`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudit {
    /// SQLite file, relative to this file.
    db: PathBuf,
    /// `normal` (default: survives a killed process) or `full` (also power loss).
    sync: Option<String>,
    #[serde(default)]
    fail_open: bool,
    retention_days: Option<u64>,
}

/// `[approval]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApproval {
    wait_secs: Option<u64>,
    ttl_secs: Option<u64>,
    approver_roles: Option<Vec<String>>,
    webhook_url: Option<String>,
}

/// `[alerts]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlerts {
    webhook_url: Option<String>,
}

/// `[policy]`: Rego files (or directories of `*.rego`), relative to this file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    files: Vec<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOidc {
    /// JWKS file (the identity provider's public keys), relative to this file.
    jwks_file: Option<PathBuf>,
    /// Or the identity provider's JWKS URL (https), fetched by the gateway.
    jwks_url: Option<String>,
    /// Seconds between two fetches of `jwks_url` (default 600).
    jwks_refresh_secs: Option<u64>,
    issuer: String,
    audience: String,
    /// Claim holding the role (a string or a list); default `role`.
    role_claim: Option<String>,
    /// Claim naming the caller in logs; default `sub`.
    name_claim: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoute {
    name: String,
    #[serde(default)]
    prefix: String,
    provider: String,
    upstream: String,
    #[serde(default)]
    models: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
    credential_env: Option<String>,
    credential_header: Option<String>,
    default_action: Option<String>,
    #[serde(default)]
    actions: BTreeMap<String, String>,
    /// Per role: actions over the route's (`role_actions.dev = { pii = "allow" }`).
    #[serde(default)]
    role_actions: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    fail_open: bool,
    restore: Option<bool>,
    /// Refuse requests without a purpose (header or `metadata.purpose`).
    #[serde(default)]
    require_purpose: bool,
}

/// A config file that cannot be used; the message names the file and every
/// bad field (never a credential's value).
#[derive(Debug, thiserror::Error)]
#[error("invalid gateway config {path}:\n  {}", errors.join("\n  "))]
pub struct FileError {
    pub path: String,
    pub errors: Vec<String>,
}

/// What a loaded file depends on (watched for changes).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: GatewayConfig,
    pub files: Vec<PathBuf>,
}

/// Reads and validates a gateway config: a file of its own, or the
/// `[gateway]` table of stanch.toml (errors then say `gateway.routes[0]…`).
/// `is_rule` tells whether a rule id exists (for `actions`).
pub fn load(path: &Path, is_rule: &dyn Fn(&str) -> bool) -> Result<Loaded, FileError> {
    let fail = |e: String| FileError {
        path: path.display().to_string(),
        errors: vec![e],
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| fail(e.message().to_string()))?;
    // stanch.toml with a `[gateway]` table, or a file that is all gateway.
    let nested = table.contains_key(TABLE);
    let raw = if nested {
        match table.get(TABLE) {
            Some(toml::Value::Table(t)) => RawFile::deserialize(t.clone()),
            _ => return Err(fail(format!("field `{TABLE}`: must be a table"))),
        }
    } else {
        RawFile::deserialize(table)
    };
    let raw = raw.map_err(|e| {
        let msg = e.message().to_string();
        fail(if nested {
            format!("in [{TABLE}]: {msg}")
        } else {
            msg
        })
    })?;
    load_raw(path, raw, is_rule).map_err(|mut e| {
        if nested {
            for m in &mut e.errors {
                *m = m.replace("field `", &format!("field `{TABLE}."));
            }
        }
        e
    })
}

/// The table of stanch.toml that holds the gateway config.
pub const TABLE: &str = "gateway";

/// Whether `path` is a stanch.toml with a `[gateway]` table (false when it
/// cannot be read or parsed: [`load`] then says why).
pub fn has_gateway_table(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        .is_some_and(|t| t.contains_key(TABLE))
}

fn load_raw(
    path: &Path,
    raw: RawFile,
    is_rule: &dyn Fn(&str) -> bool,
) -> Result<Loaded, FileError> {
    let fail = |e: String| FileError {
        path: path.display().to_string(),
        errors: vec![e],
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut errors = Vec::new();
    let mut files = vec![path.to_path_buf()];

    let listen = raw
        .listen
        .as_deref()
        .unwrap_or(crate::config::DEFAULT_LISTEN)
        .parse()
        .map_err(|_| errors.push("field `listen`: not an address (host:port)".to_string()))
        .ok();
    let keys = raw.keys_file.as_ref().and_then(|f| {
        let f = dir.join(f);
        files.push(f.clone());
        match std::fs::read_to_string(&f) {
            Ok(t) => KeyStore::parse(&t)
                .map_err(|e| errors.push(format!("field `keys_file` ({}): {e}", f.display())))
                .ok(),
            Err(e) => {
                errors.push(format!(
                    "field `keys_file`: cannot read {}: {e}",
                    f.display()
                ));
                None
            }
        }
    });
    let oidc = raw.oidc.as_ref().and_then(|o| {
        let role_claim = o.role_claim.as_deref().unwrap_or("role");
        let name_claim = o.name_claim.as_deref().unwrap_or("sub");
        match (&o.jwks_file, &o.jwks_url) {
            (Some(_), Some(_)) | (None, None) => {
                errors.push("field `oidc`: set exactly one of `jwks_file` and `jwks_url`".into());
                None
            }
            (None, Some(url)) => {
                let refresh = Duration::from_secs(o.jwks_refresh_secs.unwrap_or(600));
                crate::oidc::Oidc::from_url(
                    url,
                    refresh,
                    &o.issuer,
                    &o.audience,
                    role_claim,
                    name_claim,
                )
                .map_err(|e| errors.push(format!("field `oidc.jwks_url`: {e}")))
                .ok()
            }
            (Some(file), None) => {
                let f = dir.join(file);
                files.push(f.clone());
                let jwks = match std::fs::read_to_string(&f) {
                    Ok(t) => t,
                    Err(e) => {
                        errors.push(format!(
                            "field `oidc.jwks_file`: cannot read {}: {e}",
                            f.display()
                        ));
                        return None;
                    }
                };
                crate::oidc::Oidc::new(&jwks, &o.issuer, &o.audience, role_claim, name_claim)
                    .map_err(|e| errors.push(format!("field `oidc` ({}): {e}", f.display())))
                    .ok()
            }
        }
    });
    let admin_token = raw
        .admin_token_env
        .as_deref()
        .and_then(|v| match std::env::var(v) {
            Ok(t) if t.len() >= 16 => Some(AdminToken::new(t)),
            Ok(_) => {
                errors.push(format!(
                    "field `admin_token_env`: ${v} is shorter than 16 bytes"
                ));
                None
            }
            Err(_) => {
                errors.push(format!("field `admin_token_env`: ${v} is not set"));
                None
            }
        });
    if raw.routes.is_empty() {
        errors.push("field `routes`: at least one [[routes]] is needed".into());
    }
    let mut routes = Vec::new();
    for (i, r) in raw.routes.into_iter().enumerate() {
        if let Some(route) = route(i, r, is_rule, &mut errors) {
            routes.push(route);
        }
    }
    for (i, r) in routes.iter().enumerate() {
        if routes[..i].iter().any(|o| o.name == r.name) {
            errors.push(format!(
                "field `routes[{i}].name`: `{}` is used twice",
                r.name
            ));
        }
        if routes[..i]
            .iter()
            .any(|o| o.prefix.trim_end_matches('/') == r.prefix.trim_end_matches('/'))
        {
            errors.push(format!(
                "field `routes[{i}].prefix`: `{}` is used twice",
                r.prefix
            ));
        }
    }
    let extra = extras(
        dir,
        raw.audit,
        raw.approval,
        raw.alerts,
        raw.policy,
        &mut errors,
        &mut files,
    );
    let Some(listen) = listen else {
        return Err(FileError {
            path: path.display().to_string(),
            errors,
        });
    };
    let mut config = GatewayConfig::quick_start("http://unused.invalid", listen)
        .map_err(|e| fail(e.to_string()))?;
    config.loopback_only = false;
    config.routes = routes;
    config.keys = keys;
    config.oidc = oidc;
    config.admin_token = admin_token;
    if let Some(b) = raw.body_limit {
        config.body_limit = b;
    }
    if let Some(p) = &raw.upstream_proxy {
        match crate::config::UpstreamProxy::parse(p) {
            Ok(p) => config.upstream_proxy = Some(p),
            Err(_) => {
                errors.push("field `upstream_proxy`: `env` or an http(s):// proxy URL".to_string())
            }
        }
    }
    if let Some(t) = raw.upstream_timeout_secs {
        config.upstream_timeout = Duration::from_secs(t.max(1));
    }
    config.kill_switch = raw.kill_switch.unwrap_or(false);
    extra.apply(&mut config);
    if errors.is_empty() {
        if let Err(e) = config.validate() {
            errors.push(e.to_string());
        }
    }
    if !errors.is_empty() {
        return Err(FileError {
            path: path.display().to_string(),
            errors,
        });
    }
    Ok(Loaded { config, files })
}

/// What `[audit]`, `[approval]`, `[alerts]` and `[policy]` set.
struct Extras {
    audit: Option<AuditSettings>,
    approval: ApprovalSettings,
    alert_webhook: Option<crate::config::WebhookUrl>,
    rego: Option<std::sync::Arc<stanch_audit::rego::Policy>>,
}

impl Extras {
    fn apply(self, c: &mut GatewayConfig) {
        c.audit = self.audit;
        c.approval = self.approval;
        c.alert_webhook = self.alert_webhook;
        c.rego = self.rego;
    }
}

fn extras(
    dir: &Path,
    audit: Option<RawAudit>,
    approval: Option<RawApproval>,
    alerts: Option<RawAlerts>,
    policy: Option<RawPolicy>,
    errors: &mut Vec<String>,
    files: &mut Vec<PathBuf>,
) -> Extras {
    let webhook = |field: &str, url: Option<String>, errors: &mut Vec<String>| {
        let url = url?;
        match crate::config::check_webhook(&url) {
            Ok(()) => Some(crate::config::WebhookUrl::new(url)),
            Err(e) => {
                errors.push(format!("field `{field}`: {e}"));
                None
            }
        }
    };
    let audit = audit.map(|a| {
        let mut s = AuditSettings::new(dir.join(&a.db));
        if let Some(v) = &a.sync {
            match stanch_audit::Sync::parse(v) {
                Some(x) => s.sync = x,
                None => errors.push(format!("field `audit.sync`: `{v}` (normal, full)")),
            }
        }
        if a.retention_days == Some(0) {
            errors.push("field `audit.retention_days`: must be at least 1".into());
        }
        s.fail_open = a.fail_open;
        s.retention_days = a.retention_days;
        s
    });
    let mut ap = ApprovalSettings::default();
    if let Some(a) = approval {
        if let Some(w) = a.wait_secs {
            ap.wait = Duration::from_secs(w.min(3600));
        }
        if let Some(t) = a.ttl_secs {
            if t == 0 {
                errors.push("field `approval.ttl_secs`: must be at least 1".into());
            }
            ap.ttl = Duration::from_secs(t);
        }
        if let Some(r) = a.approver_roles {
            if r.is_empty() {
                errors.push("field `approval.approver_roles`: name at least one role".into());
            }
            ap.approver_roles = r;
        }
        ap.webhook_url = webhook("approval.webhook_url", a.webhook_url, errors);
    }
    let alert_webhook = alerts.and_then(|a| webhook("alerts.webhook_url", a.webhook_url, errors));
    let rego = policy.and_then(|p| {
        let listed: Vec<PathBuf> = p.files.iter().map(|f| dir.join(f)).collect();
        let expanded = match stanch_audit::rego::expand(&listed) {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("field `policy.files`: {e}"));
                return None;
            }
        };
        if expanded.is_empty() {
            errors.push("field `policy.files`: no .rego file".into());
            return None;
        }
        files.extend(expanded.iter().cloned());
        match stanch_audit::rego::Policy::load(&expanded) {
            Ok(p) => Some(std::sync::Arc::new(p)),
            Err(e) => {
                errors.push(format!("field `policy.files`: {e}"));
                None
            }
        }
    });
    Extras {
        audit,
        approval: ap,
        alert_webhook,
        rego,
    }
}

const ACTIONS: &str = "allow, warn, redact, block, require_approval";

/// `what = action` entries (`secret`, `pii` or a rule id) onto `policy`.
fn apply_actions(
    policy: &mut RoutePolicy,
    actions: &BTreeMap<String, String>,
    field: &str,
    is_rule: &dyn Fn(&str) -> bool,
    errors: &mut Vec<String>,
) {
    for (what, v) in actions {
        let Some(a) = Action::parse(v) else {
            errors.push(format!("{field}.{what}: `{v}` ({ACTIONS})"));
            continue;
        };
        match what.as_str() {
            "secret" => {
                policy.by_category.insert(CategoryKey::Secret, a);
            }
            "pii" => {
                policy.by_category.insert(CategoryKey::Pii, a);
            }
            id if is_rule(id) => {
                policy.by_rule.insert(id.to_string(), a);
            }
            id => errors.push(format!("{field}: no rule or category `{id}`")),
        }
    }
}

fn route(
    i: usize,
    r: RawRoute,
    is_rule: &dyn Fn(&str) -> bool,
    errors: &mut Vec<String>,
) -> Option<Route> {
    let f = |name: &str| format!("field `routes[{i}].{name}`");
    let n0 = errors.len();
    let provider = Provider::parse(&r.provider);
    if provider.is_none() {
        errors.push(format!(
            "{}: `{}` (openai, anthropic, generic-json)",
            f("provider"),
            r.provider
        ));
    }
    if let Err(e) = crate::config::check_upstream(&r.upstream) {
        errors.push(format!("{}: {e}", f("upstream")));
    }
    if !r.prefix.is_empty() && (!r.prefix.starts_with('/') || r.prefix.contains(['?', '#'])) {
        errors.push(format!("{}: must start with / (or be empty)", f("prefix")));
    }
    let mut policy = RoutePolicy {
        fail_open: r.fail_open,
        restore: r.restore.unwrap_or(true),
        ..RoutePolicy::default()
    };
    if let Some(d) = &r.default_action {
        match Action::parse(d) {
            Some(a) => policy.default = a,
            None => errors.push(format!("{}: `{d}` ({ACTIONS})", f("default_action"))),
        }
    }
    apply_actions(&mut policy, &r.actions, &f("actions"), is_rule, errors);
    let mut role_policies = Vec::new();
    for (role, actions) in &r.role_actions {
        let mut p = policy.clone();
        apply_actions(
            &mut p,
            actions,
            &f(&format!("role_actions.{role}")),
            is_rule,
            errors,
        );
        role_policies.push((role.clone(), p));
    }
    let credential = r.credential_env.as_deref().and_then(|var| {
        let Ok(v) = std::env::var(var) else {
            errors.push(format!("{}: ${var} is not set", f("credential_env")));
            return None;
        };
        let header = r
            .credential_header
            .clone()
            .unwrap_or_else(|| match provider {
                Some(Provider::Anthropic) => "x-api-key".into(),
                _ => "authorization".into(),
            });
        if axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() {
            errors.push(format!("{}: not a header name", f("credential_header")));
            return None;
        }
        let value = if header.eq_ignore_ascii_case("authorization") && !v.contains(' ') {
            format!("Bearer {v}")
        } else {
            v
        };
        if axum::http::HeaderValue::from_str(&value).is_err() {
            errors.push(format!(
                "{}: ${var} is not a valid header value",
                f("credential_env")
            ));
            return None;
        }
        Some(Credential::new(&header, value))
    });
    if errors.len() > n0 {
        return None;
    }
    Some(Route {
        name: r.name,
        prefix: r.prefix,
        upstream: r.upstream,
        provider,
        policy,
        role_policies,
        models: r.models,
        roles: r.roles,
        credential,
        require_purpose: r.require_purpose,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn tmp() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "stanch-gw-file-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn loads_routes_keys_and_policy() {
        let d = tmp();
        let (_, rec) = crate::keys::mint("alice", "dev").unwrap();
        write(&d, "keys.toml", &crate::keys::record_toml(&rec));
        let p = write(
            &d,
            "gw.toml",
            r#"
listen = "0.0.0.0:8787"
keys_file = "keys.toml"
[[routes]]
name = "oa"
prefix = "/openai"
provider = "openai"
upstream = "https://api.openai.com"
models = ["gpt-4o-mini"]
roles = ["dev"]
actions = { pii = "warn", "github-pat" = "block" }
role_actions.ops = { pii = "allow" }
[[routes]]
name = "an"
prefix = "/anthropic"
provider = "anthropic"
upstream = "https://api.anthropic.com"
fail_open = true
"#,
        );
        let l = load(&p, &|id| id == "github-pat").unwrap();
        assert_eq!(l.files.len(), 2);
        let c = l.config;
        assert_eq!(c.routes.len(), 2);
        assert_eq!(c.keys.as_ref().unwrap().len(), 1);
        let (r, inner) = c.route_for("/openai/v1/chat/completions").unwrap();
        assert_eq!((r.name.as_str(), inner), ("oa", "/v1/chat/completions"));
        assert_eq!(r.policy.by_rule["github-pat"], Action::Block);
        let ops = r.role_policy(&["x".into(), "ops".into()]).unwrap();
        assert_eq!(ops.by_category[&CategoryKey::Pii], Action::Allow);
        assert_eq!(
            ops.by_rule["github-pat"],
            Action::Block,
            "role policies extend the route's"
        );
        assert!(r.role_policy(&["dev".into()]).is_none());
        assert!(r.allows_model(Some("gpt-4o-mini")) && !r.allows_model(Some("gpt-5")));
        assert!(r.allows(&["dev".into()]) && !r.allows(&["guest".into()]));
        assert!(
            c.route_for("/anthropic/v1/messages")
                .unwrap()
                .0
                .policy
                .fail_open
        );
        assert!(c.route_for("/v1/messages").is_none());
    }

    #[test]
    fn every_error_is_named() {
        let d = tmp();
        let p = write(
            &d,
            "bad.toml",
            r#"
listen = "0.0.0.0:8787"
[[routes]]
name = "x"
provider = "azure"
upstream = "ftp://x"
default_action = "drop"
actions = { nosuchrule = "block" }
credential_env = "STANCH_TEST_SURELY_UNSET_VAR"
"#,
        );
        let e = load(&p, &|_| false).unwrap_err().to_string();
        for field in [
            "routes[0].provider",
            "routes[0].upstream",
            "routes[0].default_action",
            "nosuchrule",
            "credential_env",
        ] {
            assert!(e.contains(field), "{field}: {e}");
        }
        let p = write(&d, "unknown.toml", "lisen = \"x\"\n");
        assert!(load(&p, &|_| false)
            .unwrap_err()
            .to_string()
            .contains("lisen"));
        // Off loopback without keys.
        let p = write(&d, "open.toml", "listen = \"0.0.0.0:1\"\n[[routes]]\nname = \"a\"\nprovider = \"openai\"\nupstream = \"http://h\"\n");
        assert!(load(&p, &|_| false)
            .unwrap_err()
            .to_string()
            .contains("API keys"));
    }

    #[test]
    fn audit_approval_alerts_and_policy_tables() {
        let d = tmp().join("audit-tables");
        std::fs::create_dir_all(d.join("pol")).unwrap();
        write(
            &d.join("pol"),
            "p.rego",
            "package stanch\ndefault decision := {\"action\": \"allow\", \"reasons\": []}\n",
        );
        let base = "[[routes]]\nname = \"a\"\nprovider = \"openai\"\nupstream = \"http://h\"\nrequire_purpose = true\n";
        let p = write(
            &d,
            "gw.toml",
            &format!(
                "{base}[audit]\ndb = \"a.db\"\nsync = \"full\"\nretention_days = 30\n\
                 [approval]\nwait_secs = 5\nttl_secs = 60\napprover_roles = [\"lead\"]\nwebhook_url = \"https://hooks.example/x\"\n\
                 [alerts]\nwebhook_url = \"http://127.0.0.1:9/alert\"\n[policy]\nfiles = [\"pol\"]\n"
            ),
        );
        let l = load(&p, &|_| false).unwrap();
        let c = &l.config;
        let a = c.audit.as_ref().unwrap();
        assert_eq!(a.db, d.join("a.db"));
        assert_eq!(a.sync, stanch_audit::Sync::Full);
        assert_eq!(a.retention_days, Some(30));
        assert!(!a.fail_open);
        assert_eq!(c.approval.wait, Duration::from_secs(5));
        assert_eq!(c.approval.ttl, Duration::from_secs(60));
        assert_eq!(c.approval.approver_roles, ["lead"]);
        assert!(c.alert_webhook.is_some() && c.rego.is_some());
        assert!(c.routes[0].require_purpose);
        assert!(
            l.files.contains(&d.join("pol").join("p.rego")),
            "policy files are watched"
        );
        let p = write(
            &d,
            "bad.toml",
            &format!(
                "{base}[audit]\ndb = \"a.db\"\nsync = \"sometimes\"\nretention_days = 0\n\
                 [approval]\nttl_secs = 0\napprover_roles = []\nwebhook_url = \"ftp://x\"\n\
                 [alerts]\nwebhook_url = \"nope\"\n[policy]\nfiles = [\"missing.rego\"]\n"
            ),
        );
        let e = load(&p, &|_| false).unwrap_err().to_string();
        for field in [
            "audit.sync",
            "audit.retention_days",
            "approval.ttl_secs",
            "approval.approver_roles",
            "approval.webhook_url",
            "alerts.webhook_url",
            "policy.files",
        ] {
            assert!(e.contains(field), "{field}: {e}");
        }
        let p = write(
            &d,
            "unknown.toml",
            &format!("{base}[audit]\ndb = \"a\"\nsink = 1\n"),
        );
        assert!(load(&p, &|_| false)
            .unwrap_err()
            .to_string()
            .contains("sink"));
    }

    #[test]
    fn documented_example_gateway_table_loads() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/stanch.example.toml");
        assert!(has_gateway_table(&p));
        std::env::set_var("OPENAI_API_KEY", "sk-example-not-real");
        std::env::set_var("ANTHROPIC_API_KEY", "sk-ant-example-not-real");
        let db = stanch_engine::pack::builtin().unwrap();
        let l = load(&p, &|id| db.lookup(id).is_some()).unwrap();
        let c = l.config;
        assert_eq!(c.routes.len(), 2);
        let (r, _) = c.route_for("/anthropic/v1/messages").unwrap();
        assert_eq!(r.credential.as_ref().unwrap().header, "x-api-key");
        let (r, _) = c.route_for("/openai/v1/chat/completions").unwrap();
        assert_eq!(r.policy.by_rule["pem-rsa-private-key"], Action::Block);
        assert!(!r.allows_model(Some("o9")));
    }
}
