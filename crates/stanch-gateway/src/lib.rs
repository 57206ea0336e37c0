//! # stanch-gateway
//!
//! `stanch serve`: an HTTP gateway between AI clients (OpenAI and Anthropic
//! SDKs, agents, editors) and model providers that redacts secrets and
//! personal data in everything the model sees and everything it answers.
//!
//! How the pieces connect:
//! - [`server`]: shared state, router (`/healthz`, `/readyz`, `/metrics`,
//!   `/admin/kill-switch`, everything else to the proxy), signals, logging.
//! - [`proxy`]: one request as named phases — request filter → request
//!   body (scan + policy) → upstream → response (JSON or SSE) → log.
//! - [`walk`]: "visit every text the model sees" over a provider's JSON.
//! - [`inspect`]: scans those texts with the rule database, decides each
//!   finding's [`policy::Action`], redacts in place, tallies.
//! - [`mask`] and [`sse`]: streamed answers masked incrementally, holding
//!   back only a bounded tail per channel; pseudonyms restored on the way.
//! - [`provider`]: paths per provider and each provider's error format;
//!   [`error`]: every refusal becomes a status and body in one place.
//! - [`config`]: runtime settings (routes, limits); [`file`](mod@file): the gateway
//!   config file (routes, identities, per-route policy), hot-reloaded;
//!   [`keys`]: gateway API keys (only hashes stored); [`oidc`]: JWTs
//!   verified against a JWKS file.
//! - [`json`]: an order-preserving JSON value; [`metrics`]: Prometheus.
//! - [`audit`]: every decision becomes a record in the tamper-evident
//!   store (stanch-audit) before the answer is released; [`approval`]:
//!   `require_approval` holds requests until an approver decides;
//!   [`admin`]: `/admin/approvals` for approvers. Rego policies
//!   (stanch-audit's `rego`) are combined with the built-in actions in the
//!   request body phase, most restrictive winning.
//!
//! The engine and redactor (stanch-engine, stanch-redact) stay synchronous;
//! request bodies are scanned on tokio's blocking pool.

pub mod admin;
pub mod approval;
pub mod audit;
pub mod config;
pub mod error;
pub mod file;
pub mod inspect;
pub mod json;
pub mod keys;
pub mod mask;
pub mod metrics;
pub mod oidc;
pub mod policy;
pub mod provider;
pub mod proxy;
pub mod server;
pub mod sse;
pub mod walk;

pub use config::{AdminToken, ApprovalSettings, AuditSettings, Credential, GatewayConfig, Route};
pub use error::GatewayError;
pub use inspect::Engine;
pub use policy::{Action, RoutePolicy};
pub use provider::Provider;
pub use server::{init_logging, Gateway, KillSwitch};
