//! The server: shared state, the router (health, readiness, metrics, admin,
//! and everything else to the proxy), the kill switch, signals, logging.

use crate::config::GatewayConfig;
use crate::error::GatewayError;
use crate::file::{self, FileError};
use crate::inspect::Engine;
use crate::metrics::Metrics;
use crate::proxy;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// State shared by every request.
#[derive(Debug)]
pub struct AppState {
    /// The running config; a reload swaps it (requests keep the one they
    /// started with).
    config: std::sync::RwLock<Arc<GatewayConfig>>,
    pub engine: Engine,
    pub client: reqwest::Client,
    pub metrics: Metrics,
    kill: watch::Sender<bool>,
    /// The audit store, if one is configured (swapped by a reload that
    /// names another one; never dropped by a reload).
    audit: std::sync::RwLock<Option<crate::audit::Sink>>,
}

impl AppState {
    pub fn config(&self) -> Arc<GatewayConfig> {
        match self.config.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_config(&self, c: GatewayConfig) {
        let c = Arc::new(c);
        match self.config.write() {
            Ok(mut g) => *g = c,
            Err(poisoned) => *poisoned.into_inner() = c,
        }
    }

    /// The audit store in use, if any.
    pub fn audit(&self) -> Option<crate::audit::Sink> {
        match self.audit.read() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_audit(&self, a: crate::audit::Sink) {
        match self.audit.write() {
            Ok(mut g) => *g = Some(a),
            Err(poisoned) => *poisoned.into_inner() = Some(a),
        }
    }

    pub fn killed(&self) -> bool {
        *self.kill.borrow()
    }

    /// A receiver that sees the kill switch change (streams watch it).
    pub fn kill_watch(&self) -> watch::Receiver<bool> {
        self.kill.subscribe()
    }
}

/// A configured gateway, ready to serve.
#[derive(Clone, Debug)]
pub struct Gateway {
    state: Arc<AppState>,
    /// Config file to reload on SIGHUP or change, and the files it read.
    reload: Option<(PathBuf, Vec<PathBuf>)>,
}

/// A handle to flip the kill switch from outside (signals, tests).
#[derive(Clone, Debug)]
pub struct KillSwitch(Arc<AppState>);

impl KillSwitch {
    /// Engages (true) or releases (false) the switch. Engaging cuts every
    /// open stream and refuses new requests with 503.
    pub fn set(&self, engaged: bool) {
        self.0.kill.send_replace(engaged);
        tracing::warn!(engaged, "kill switch changed");
    }

    pub fn engaged(&self) -> bool {
        self.0.killed()
    }
}

impl Gateway {
    /// Checks `config` and builds the upstream client (rustls, HTTP/1.1 and
    /// HTTP/2 by ALPN).
    pub fn new(config: GatewayConfig, engine: Engine) -> Result<Gateway, GatewayError> {
        config.validate()?;
        let mut client = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(std::time::Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none());
        client = match &config.upstream_proxy {
            // reqwest reads the proxy environment by default.
            Some(crate::config::UpstreamProxy::Env) => client,
            Some(crate::config::UpstreamProxy::Url(u)) => client.proxy(
                reqwest::Proxy::all(u.as_str())
                    .map_err(|_| GatewayError::Client("invalid upstream proxy URL".into()))?,
            ),
            None => client.no_proxy(),
        };
        let client = client
            .build()
            .map_err(|e| GatewayError::Client(e.to_string()))?;
        let (kill, _) = watch::channel(config.kill_switch);
        let audit = match &config.audit {
            Some(a) => Some(Arc::new(crate::audit::AuditSink::open(
                a.clone(),
                engine.redactor().key(),
            )?)),
            None => None,
        };
        Ok(Gateway {
            reload: None,
            state: Arc::new(AppState {
                config: std::sync::RwLock::new(Arc::new(config)),
                engine,
                client,
                metrics: Metrics::new()?,
                kill,
                audit: std::sync::RwLock::new(audit),
            }),
        })
    }

    pub fn kill_switch(&self) -> KillSwitch {
        KillSwitch(self.state.clone())
    }

    pub fn config(&self) -> Arc<GatewayConfig> {
        self.state.config()
    }

    /// Reloads from `path` on SIGHUP and when it or one of `files` changes
    /// (checked every second), while [`run_blocking`](Self::run_blocking) runs.
    pub fn reload_from(mut self, path: PathBuf, files: Vec<PathBuf>) -> Gateway {
        self.reload = Some((path, files));
        self
    }

    /// Loads `path` and swaps it in; on any error the running config stays.
    /// The listen address and connect timeout are fixed at start.
    pub fn reload(&self, path: &Path) -> Result<Vec<PathBuf>, FileError> {
        let db = self.state.engine.redactor().db();
        let loaded = file::load(path, &|id| db.lookup(id).is_some())?;
        let old = self.state.config();
        if loaded.config.listen != old.listen {
            tracing::warn!(
                "listen address changes need a restart; keeping {}",
                old.listen
            );
        }
        let mut new = loaded.config;
        new.listen = old.listen;
        if new.upstream_proxy != old.upstream_proxy {
            tracing::warn!("upstream_proxy changes need a restart; keeping the running one");
            new.upstream_proxy = old.upstream_proxy.clone();
        }
        if let (Some(n), Some(o)) = (new.oidc.as_mut(), old.oidc.as_ref()) {
            n.adopt(o);
        }
        // The audit store is reopened only when its settings change; a
        // file that names none keeps the running one (turning the audit
        // trail off needs a restart).
        let running = self.state.audit();
        match (&new.audit, &running) {
            (Some(want), Some(have)) if *want == have.settings => {}
            (Some(want), _) => {
                let sink =
                    crate::audit::AuditSink::open(want.clone(), self.state.engine.redactor().key())
                        .map_err(|e| FileError {
                            path: path.display().to_string(),
                            errors: vec![format!("field `audit.db`: {e}")],
                        })?;
                self.state.set_audit(Arc::new(sink));
            }
            (None, Some(have)) => new.audit = Some(have.settings.clone()),
            (None, None) => {}
        }
        if new.kill_switch {
            self.kill_switch().set(true);
        }
        tracing::info!(routes = new.routes.len(), "gateway config reloaded");
        if let Some(sink) = self.state.audit() {
            let mut r = stanch_audit::Record::new("admin");
            r.principal = "config".into();
            r.decision = "config_reloaded".into();
            r.detail = format!("{} routes from {}", new.routes.len(), path.display());
            sink.append_detached(r);
        }
        self.state.set_config(new);
        Ok(loaded.files)
    }

    /// The router (for tests that drive it without a socket).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            .route("/admin/kill-switch", post(admin_kill).get(admin_kill_get))
            .route("/admin/approvals", get(crate::admin::list))
            .route("/admin/approvals/{id}", get(crate::admin::show))
            .route("/admin/approvals/{id}/{verb}", post(crate::admin::decide))
            .fallback(any(proxy::handle))
            .with_state(self.state.clone())
    }

    /// Binds the configured address.
    pub async fn bind(&self) -> Result<TcpListener, GatewayError> {
        let addr = self.state.config().listen;
        TcpListener::bind(addr)
            .await
            .map_err(|source| GatewayError::Bind { addr, source })
    }

    /// Serves on `listener` (HTTP/1.1 and HTTP/2 cleartext) until `shutdown`
    /// resolves, then drains open connections.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), GatewayError> {
        tokio::spawn(retention(self.state.clone()));
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        let state = self.state.clone();
        let refresher = tokio::spawn(crate::oidc::refresh_task(
            self.state.client.clone(),
            move || state.config().oidc.clone(),
        ));
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await?;
        refresher.abort();
        Ok(())
    }

    /// Runs the gateway on its own runtime until SIGINT or SIGTERM. SIGUSR1
    /// engages the kill switch, SIGUSR2 releases it.
    pub fn run_blocking(self) -> Result<(), GatewayError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        rt.block_on(async move {
            let listener = self.bind().await?;
            let addr = listener.local_addr()?;
            tracing::info!(
                %addr,
                routes = self.state.config().routes.len(),
                stream_hold_cap = crate::mask::MaskCtx::hold_cap(&self.state.engine),
                "stanch gateway listening"
            );
            let kill = self.kill_switch();
            tokio::spawn(watch_kill_signals(kill));
            if let Some((path, files)) = self.reload.clone() {
                tokio::spawn(watch_reload(self.clone(), path, files));
            }
            self.serve(listener, shutdown_signal()).await
        })
    }
}

/// Prunes audit records past `retention_days`, at start and hourly.
async fn retention(state: Arc<AppState>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let Some(sink) = state.audit() else { continue };
        let Some(days) = sink.settings.retention_days else {
            continue;
        };
        let cutoff = stanch_audit::record::now_ms().saturating_sub(days * 86_400_000);
        match sink.call(move |s| s.prune(cutoff, "retention")).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(pruned = n, days, "audit records pruned"),
            Err(e) => tracing::error!(error = %e, "audit pruning failed"),
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down");
}

/// Size and modification time of each file (None when unreadable).
fn stamps(files: &[PathBuf]) -> Vec<Option<(u64, std::time::SystemTime)>> {
    files
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f).ok()?;
            Some((m.len(), m.modified().ok()?))
        })
        .collect()
}

async fn watch_reload(gw: Gateway, path: PathBuf, mut files: Vec<PathBuf>) {
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
    let mut seen = stamps(&files);
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        #[cfg(unix)]
        let signalled = match hup.as_mut() {
            Some(h) => tokio::select! {
                _ = h.recv() => true,
                _ = tick.tick() => false,
            },
            None => {
                tick.tick().await;
                false
            }
        };
        #[cfg(not(unix))]
        let signalled = {
            tick.tick().await;
            false
        };
        let now = stamps(&files);
        if !signalled && now == seen {
            continue;
        }
        seen = now;
        match gw.reload(&path) {
            Ok(f) => {
                files = f;
                seen = stamps(&files);
            }
            Err(e) => {
                tracing::error!(error = %e, "gateway config not reloaded; the running one stays")
            }
        }
    }
}

async fn watch_kill_signals(kill: KillSwitch) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut on), Ok(mut off)) = (
            signal(SignalKind::user_defined1()),
            signal(SignalKind::user_defined2()),
        ) else {
            return;
        };
        loop {
            tokio::select! {
                _ = on.recv() => kill.set(true),
                _ = off.recv() => kill.set(false),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = kill;
}

/// Installs JSON logs on stderr (`RUST_LOG` filters; default `info`).
/// Log lines carry routes, statuses, decisions, rule ids and counts, never
/// bodies, secrets or headers. Does nothing if a subscriber is already set.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_current_span(false)
        .try_init();
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(s): State<Arc<AppState>>) -> Response {
    if s.killed() {
        (StatusCode::SERVICE_UNAVAILABLE, "kill switch engaged\n").into_response()
    } else {
        (StatusCode::OK, "ready\n").into_response()
    }
}

async fn metrics(State(s): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

/// Admin requests: with an admin token configured, `Authorization: Bearer
/// TOKEN` is required; without one, only loopback peers are answered.
pub(crate) fn admin_allowed(s: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    match &s.config().admin_token {
        Some(t) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
            .is_some_and(|p| t.matches(p)),
        None => peer.is_some_and(|p| p.ip().is_loopback()),
    }
}

pub(crate) fn peer_of(req: &Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// `POST /admin/kill-switch` with body `on` or `off`.
async fn admin_kill(State(s): State<Arc<AppState>>, req: Request) -> Response {
    if !admin_allowed(&s, peer_of(&req), req.headers()) {
        return (StatusCode::FORBIDDEN, "forbidden\n").into_response();
    }
    let body = match axum::body::to_bytes(req.into_body(), 64).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::BAD_REQUEST, "body: on or off\n").into_response(),
    };
    let engaged = match body.trim_ascii() {
        b"on" | b"true" | b"engage" => true,
        b"off" | b"false" | b"release" => false,
        _ => return (StatusCode::BAD_REQUEST, "body: on or off\n").into_response(),
    };
    KillSwitch(s.clone()).set(engaged);
    if let Some(sink) = s.audit() {
        let mut r = stanch_audit::Record::new("admin");
        r.principal = "admin".into();
        r.decision = if engaged {
            "kill_switch_on"
        } else {
            "kill_switch_off"
        }
        .into();
        r.detail = "POST /admin/kill-switch".into();
        if let Err(e) = sink.append(r).await {
            tracing::error!(error = %e, "kill switch change not audited");
        }
    }
    kill_state(engaged)
}

async fn admin_kill_get(State(s): State<Arc<AppState>>, req: Request) -> Response {
    if !admin_allowed(&s, peer_of(&req), req.headers()) {
        return (StatusCode::FORBIDDEN, "forbidden\n").into_response();
    }
    kill_state(s.killed())
}

fn kill_state(engaged: bool) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        format!("{{\"engaged\":{engaged}}}\n"),
    )
        .into_response()
}
