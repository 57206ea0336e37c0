//! `stanch serve`: the quick-start gateway. Builds the same rule set, key,
//! registered secrets, canaries and extensions as `stanch redact`, then
//! hands them to stanch-gateway, which runs until SIGINT/SIGTERM. In config
//! mode (the `[gateway]` table of `--config stanch.toml`, or
//! `--gateway-config FILE`), routes, identities and policies come from
//! that table (reloaded on SIGHUP or change) instead of the quick-start
//! flags.

use crate::cli::ServeArgs;
use crate::config::Config;
use anyhow::{bail, Context, Result};
use stanch_gateway::policy::CategoryKey;
use stanch_gateway::{Action, AdminToken, Engine, Gateway, GatewayConfig, RoutePolicy};
use std::time::Duration;

pub fn run(config: &Config, args: ServeArgs) -> Result<u8> {
    let redactor =
        crate::extensions::redactor(config, &args.common, args.style, args.min_severity, false)?;
    let route_policy = route_policy(&args, redactor.db())?;

    // Config mode: `--gateway-config FILE`, or stanch.toml's `[gateway]`
    // table when no `--upstream` asks for the quick start.
    let gateway_file = args.gateway_config.clone().or_else(|| {
        config
            .source
            .as_ref()
            .filter(|_| args.upstream.is_none() && config.has_gateway)
            .cloned()
    });
    if let Some(path) = &gateway_file {
        let db = redactor.db();
        let mut loaded = stanch_gateway::file::load(path, &|id| db.lookup(id).is_some())?;
        if loaded.config.audit.is_none() {
            loaded.config.audit = audit_settings(&args.audit);
        }
        stanch_gateway::init_logging();
        Gateway::new(loaded.config, warmed(Engine::new(redactor)))?
            .reload_from(path.clone(), loaded.files)
            .run_blocking()?;
        return Ok(0);
    }
    let Some(upstream) = args.upstream.as_deref() else {
        bail!(
            "stanch serve needs --upstream URL (quick start), a [gateway] table in \
             --config stanch.toml, or --gateway-config FILE"
        );
    };
    let mut gc = GatewayConfig::quick_start(upstream, args.listen)?;
    gc.routes[0].policy = route_policy;
    gc.body_limit = args.body_limit;
    gc.upstream_timeout = Duration::from_secs(args.upstream_timeout.max(1));
    if let Some(p) = &args.upstream_proxy {
        gc.upstream_proxy = Some(
            stanch_gateway::config::UpstreamProxy::parse(p)
                .context("--upstream-proxy: `env` or an http(s):// proxy URL")?,
        );
    }
    gc.kill_switch = args.kill_switch;
    if let Some(var) = &args.admin_token_env {
        let token = std::env::var(var)
            .with_context(|| format!("--admin-token-env: environment variable {var} is not set"))?;
        if token.len() < 16 {
            bail!("--admin-token-env: the token in {var} is shorter than 16 bytes");
        }
        gc.admin_token = Some(AdminToken::new(token));
    }
    apply_audit_args(&args.audit, &mut gc)?;
    stanch_gateway::init_logging();
    Gateway::new(gc, warmed(Engine::new(redactor)))?.run_blocking()?;
    Ok(0)
}

/// The engine with every rule compiled and a warmed scan scratch per core in
/// its pool, before the listener opens: the first requests then cost what
/// later ones do (see [`Engine::warm`]).
fn warmed(engine: Engine) -> Engine {
    engine.warm(std::thread::available_parallelism().map_or(2, |n| n.get().min(8)));
    engine
}

/// `--audit-db` and friends.
fn audit_settings(a: &crate::cli::ServeAuditArgs) -> Option<stanch_gateway::AuditSettings> {
    let db = a.audit_db.clone()?;
    let mut s = stanch_gateway::AuditSettings::new(db);
    s.sync = stanch_audit::Sync::parse(&a.audit_sync).unwrap_or_default();
    s.fail_open = a.audit_fail_open;
    s.retention_days = a.audit_retention_days;
    Some(s)
}

/// Quick start: audit store, approvals, alerts, policies, purpose.
fn apply_audit_args(a: &crate::cli::ServeAuditArgs, gc: &mut GatewayConfig) -> Result<()> {
    gc.audit = audit_settings(a);
    gc.approval.wait = Duration::from_secs(a.approval_wait.min(3600));
    gc.approval.ttl = Duration::from_secs(a.approval_ttl);
    gc.approval.webhook_url = a
        .approval_webhook
        .clone()
        .map(stanch_gateway::config::WebhookUrl::new);
    gc.alert_webhook = a
        .alert_webhook
        .clone()
        .map(stanch_gateway::config::WebhookUrl::new);
    gc.routes[0].require_purpose = a.require_purpose;
    if !a.policy.is_empty() {
        let files = stanch_audit::rego::expand(&a.policy).context("--policy")?;
        let p = stanch_audit::rego::Policy::load(&files).context("--policy")?;
        gc.rego = Some(std::sync::Arc::new(p));
    }
    Ok(())
}

/// `--action`, `--default-action`, `--fail-open`, `--no-restore`.
fn route_policy(args: &ServeArgs, db: &stanch_engine::RuleDb) -> Result<RoutePolicy> {
    let mut p = RoutePolicy {
        fail_open: args.fail_open,
        restore: !args.no_restore,
        ..RoutePolicy::default()
    };
    if let Some(a) = &args.default_action {
        p.default = parse_action(a)?;
    }
    for spec in &args.actions {
        let Some((what, action)) = spec.split_once('=') else {
            bail!("--action {spec}: expected WHAT=ACTION (pii=warn, github-pat=block)");
        };
        let action = parse_action(action)?;
        match what {
            "secret" => {
                p.by_category.insert(CategoryKey::Secret, action);
            }
            "pii" => {
                p.by_category.insert(CategoryKey::Pii, action);
            }
            id if db.lookup(id).is_some() => {
                p.by_rule.insert(id.to_string(), action);
            }
            id => bail!("--action {spec}: no rule or category `{id}`"),
        }
    }
    Ok(p)
}

fn parse_action(s: &str) -> Result<Action> {
    Action::parse(s).with_context(|| {
        format!("unknown action `{s}` (allow, warn, redact, block, require_approval)")
    })
}
