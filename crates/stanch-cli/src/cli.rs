//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "stanch",
    version,
    about = "Find and redact secrets and personal data in logs, traces and prompts",
    long_about = "Find and redact secrets and personal data in logs, traces and prompts.\n\n\
        Exit codes: 0 nothing found (or redaction done), 1 findings, 2 error, \
        3 `scan` found a canary token (before 1 and 2: a canary sighting is a leak)."
)]
pub struct Cli {
    /// Config file (rules, styles, key file).
    #[arg(long, global = true, env = "STANCH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Copy input to output with secrets and personal data replaced.
    Redact(RedactArgs),
    /// Report secrets and personal data (a CI gate: exit 1 on findings, 3 on
    /// a canary token).
    Scan(ScanArgs),
    /// List and check rules.
    Rules(RulesArgs),
    /// Manage the pseudonym/fingerprint key.
    Key(KeyArgs),
    /// Mint and list canary tokens (honeytokens): any sighting is a leak.
    Canary(CanaryArgs),
    /// Run an HTTP gateway for OpenAI- and Anthropic-style APIs that redacts
    /// requests and answers (streams included) on the way through.
    Serve(Box<ServeArgs>),
    /// Manage gateway API keys (`keys_file` in the `[gateway]` config).
    Keys(KeysArgs),
    /// Verify, read and prune the gateway's audit store.
    Audit(AuditArgs),
    /// List, show, approve and deny requests held for approval (talks to a
    /// running gateway's admin API).
    Approvals(ApprovalsArgs),
    /// Test and evaluate Rego policies for the gateway.
    Policy(PolicyArgs),
}

/// Options shared by `redact` and `scan`.
#[derive(Debug, Args)]
pub struct Common {
    /// Key file for pseudonyms and fingerprints (else $STANCH_KEY,
    /// $STANCH_KEY_FILE, the config's key_file, or a random per-run key).
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Extra rule file (stanch or gitleaks format); repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_files: Vec<PathBuf>,
    /// Turn off a rule by id (`prefix*` for a family); repeatable.
    #[arg(long = "disable-rule", value_name = "ID")]
    pub disable: Vec<String>,
    /// Register the values of environment variables whose name matches
    /// (`AWS_*`, `*_TOKEN`, an exact name) as secrets, found in any
    /// encoding; repeatable.
    #[arg(long = "taint-env", value_name = "NAME_OR_GLOB")]
    pub taint_env: Vec<String>,
    /// Register the values in a file (one per line, or a .env file) as
    /// secrets, found in any encoding; repeatable.
    #[arg(long = "taint-file", value_name = "PATH")]
    pub taint_files: Vec<PathBuf>,
    /// Canary file (else the config's canary.file, $STANCH_CANARY_FILE,
    /// or .stanch/canaries.toml if it exists).
    #[arg(long, value_name = "PATH")]
    pub canary_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StyleArg {
    Placeholder,
    Pseudonym,
    Mask,
    Hash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl SeverityArg {
    pub fn to_engine(self) -> stanch_engine::Severity {
        use stanch_engine::Severity as S;
        match self {
            SeverityArg::Info => S::Info,
            SeverityArg::Low => S::Low,
            SeverityArg::Medium => S::Medium,
            SeverityArg::High => S::High,
            SeverityArg::Critical => S::Critical,
        }
    }
}

impl StyleArg {
    pub fn to_style(self) -> stanch_redact::Style {
        use stanch_redact::Style as S;
        match self {
            StyleArg::Placeholder => S::Placeholder,
            StyleArg::Pseudonym => S::Pseudonym,
            StyleArg::Mask => S::Mask,
            StyleArg::Hash => S::Hash,
        }
    }
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Files to redact; none or `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE", conflicts_with = "in_place")]
    pub output: Option<PathBuf>,
    /// Rewrite each file in place (atomically, keeping its permissions).
    #[arg(short = 'i', long)]
    pub in_place: bool,
    /// One style for every finding (default: placeholder for secrets,
    /// pseudonym for personal data).
    #[arg(long, value_enum)]
    pub style: Option<StyleArg>,
    /// Redact findings of at least this severity (`info` also redacts IP addresses).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// Print what was redacted (counts by rule, never values) to stderr.
    #[arg(long)]
    pub stats: bool,
    /// Input format: `json` and `jsonl` are walked as JSON (values under
    /// secret-naming keys redacted whole, output valid JSON of the same
    /// shape); `auto` (default) picks by file name and content.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<crate::config::InputFormat>,
    /// Cut JSON string values longer than this many bytes (after
    /// redaction), ending them with `...[TRUNCATED:N bytes]`.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(16..))]
    pub max_field_bytes: Option<u64>,
    /// Threads that scan text (default 1, which keeps a 2 GB stream under
    /// 64 MB of memory). Each more thread scans its share of every 1 MB
    /// round with regex caches of its own (about 25 MB more at peak). JSON
    /// Lines use two at most: each block's scans are shared between them
    /// by stage. The output is the same for any number.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
    Sarif,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories (directories honour .gitignore); none or `-` reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Include the matched values in the report. Dangerous: the report
    /// then holds the secrets.
    #[arg(long)]
    pub show_secrets: bool,
    /// Suppress findings listed in an earlier JSON/JSONL report (matched by
    /// rule id and keyed fingerprint; needs a stable key).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Exit 1 only for findings of at least this severity (default: low,
    /// so `info` findings such as IP addresses are reported but do not fail).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
    /// Do not honour .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Also scan files that look binary (NUL bytes near the start).
    #[arg(long)]
    pub binary: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Worker threads (default: number of cores): several files are scanned
    /// side by side; a single file or stdin is split across the threads.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the active rules.
    List {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
        #[command(flatten)]
        common: Common,
    },
    /// Check rules: ids unique and well formed, the set compiles, every
    /// example matches and no negative does. Checks the active rules, or
    /// only the given files.
    Check {
        /// Rule files to check on their own (default: the active rule set).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CanaryArgs {
    #[command(subcommand)]
    pub command: CanaryCommand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CanaryKindArg {
    Aws,
    Github,
    Slack,
    Stripe,
    Generic,
}

impl CanaryKindArg {
    pub fn to_kind(self) -> stanch_redact::canary::CanaryKind {
        use stanch_redact::canary::CanaryKind as K;
        match self {
            CanaryKindArg::Aws => K::Aws,
            CanaryKindArg::Github => K::Github,
            CanaryKindArg::Slack => K::Slack,
            CanaryKindArg::Stripe => K::Stripe,
            CanaryKindArg::Generic => K::Generic,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CanaryCommand {
    /// Mint a realistic-looking token, append it to the canary file (mode
    /// 0600) and print it, to be planted where a leak would pick it up.
    /// `stanch scan` exits 3 when it sees it; `stanch redact` reports it.
    New {
        #[arg(long, value_enum, default_value = "generic")]
        kind: CanaryKindArg,
        /// Where the canary is planted (kept in the canary file).
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        /// Canary file (else the config's canary.file, $STANCH_CANARY_FILE,
        /// or .stanch/canaries.toml).
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
    /// List canaries: kind, created, note and keyed fingerprints (never the
    /// values).
    List {
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        /// Key file for the fingerprints (else $STANCH_KEY, $STANCH_KEY_FILE,
        /// the config's key_file, or a random per-run key).
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    pub command: KeyCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Write a new random 256-bit key (64 hex characters) to a file with mode 0600.
    New {
        /// Where to write the key.
        #[arg(value_name = "FILE")]
        path: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Quick start: base URL of the provider (`https://api.openai.com`,
    /// `https://api.anthropic.com`); request paths are appended. Without
    /// it, routes come from the `[gateway]` table of `--config stanch.toml`.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// Gateway config in a file of its own (the keys of stanch.toml's
    /// `[gateway]` table at the top level): named routes, providers,
    /// allowed models and roles, upstream credentials, per-route policy,
    /// API keys. Reloaded on SIGHUP or change (an invalid new version
    /// keeps the old one).
    #[arg(long, value_name = "FILE", conflicts_with = "upstream")]
    pub gateway_config: Option<PathBuf>,
    /// Address to listen on; quick start accepts loopback addresses only.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    pub listen: std::net::SocketAddr,
    /// One style for every finding (default: placeholder for secrets,
    /// pseudonym for personal data).
    #[arg(long, value_enum)]
    pub style: Option<StyleArg>,
    /// Act on findings of at least this severity (default: low).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub min_severity: Option<SeverityArg>,
    /// Action for a category (`secret`, `pii`) or a rule id:
    /// allow, warn, redact, block, require_approval; repeatable
    /// (`--action pii=warn --action github-pat=block`). Canaries and
    /// registered secrets always block.
    #[arg(long = "action", value_name = "WHAT=ACTION")]
    pub actions: Vec<String>,
    /// Action for findings no `--action` names (default: redact).
    #[arg(long, value_name = "ACTION")]
    pub default_action: Option<String>,
    /// Forward bodies that cannot be parsed instead of refusing them
    /// (recorded in logs and metrics). Default: fail closed.
    #[arg(long)]
    pub fail_open: bool,
    /// Do not put pseudonyms in answers back to the originals.
    #[arg(long)]
    pub no_restore: bool,
    /// Largest request body in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = 10 << 20)]
    pub body_limit: usize,
    /// Seconds to wait for the upstream's headers, and between two chunks
    /// of its body (then 504).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub upstream_timeout: u64,
    /// Reach the upstream through a proxy: `env` (HTTPS_PROXY, honouring
    /// NO_PROXY) or a proxy URL. Default: direct.
    #[arg(long, value_name = "env|URL")]
    pub upstream_proxy: Option<String>,
    /// Start with the kill switch engaged (every request gets 503).
    #[arg(long)]
    pub kill_switch: bool,
    /// Environment variable holding a bearer token for /admin/* (without
    /// one, admin endpoints answer loopback clients only).
    #[arg(long, value_name = "NAME")]
    pub admin_token_env: Option<String>,
    #[command(flatten)]
    pub audit: ServeAuditArgs,
    #[command(flatten)]
    pub common: Common,
}

/// Audit trail, approvals and policy for `serve` (quick start; in config
/// mode the file's `[audit]`, `[approval]`, `[policy]` tables win).
#[derive(Debug, Args)]
pub struct ServeAuditArgs {
    /// Write a tamper-evident audit record of every decision to this
    /// SQLite file (created if missing). Answers wait for their record.
    #[arg(long, value_name = "PATH")]
    pub audit_db: Option<PathBuf>,
    /// When a record is on disk: `normal` survives a killed process,
    /// `full` also power loss (slower).
    #[arg(long, value_name = "MODE", value_parser = ["normal", "full"], default_value = "normal")]
    pub audit_sync: String,
    /// Answer requests even when their audit record cannot be written
    /// (logged and counted). Default: refuse with 503.
    #[arg(long)]
    pub audit_fail_open: bool,
    /// Prune audit records older than this many days (hourly).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u64).range(1..))]
    pub audit_retention_days: Option<u64>,
    /// Rego policy file or directory (`data.stanch.decision`); repeatable.
    #[arg(long = "policy", value_name = "FILE")]
    pub policy: Vec<PathBuf>,
    /// Seconds a request needing approval is held waiting for a decision
    /// (0: refused at once with the approval id).
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub approval_wait: u64,
    /// Seconds until an approval expires.
    #[arg(long, value_name = "SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub approval_ttl: u64,
    /// Slack-compatible webhook told about new pending approvals.
    #[arg(long, value_name = "URL")]
    pub approval_webhook: Option<String>,
    /// Slack-compatible webhook for canary alerts.
    #[arg(long, value_name = "URL")]
    pub alert_webhook: Option<String>,
    /// Refuse requests that state no purpose (X-Stanch-Purpose header or
    /// metadata.purpose).
    #[arg(long)]
    pub require_purpose: bool,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// Where the audit store is and which key chains it.
#[derive(Debug, Args)]
pub struct AuditDb {
    /// The audit store (SQLite file).
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,
    /// Key the gateway ran with (else $STANCH_KEY, $STANCH_KEY_FILE, the
    /// config's key_file); needed for a keyed chain.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain: exit 0 when intact, 1 naming the first bad
    /// record (edited, deleted, reordered, truncated), 2 on errors.
    Verify {
        #[command(flatten)]
        db: AuditDb,
        /// `SEQ:HASH` kept elsewhere earlier (the head `verify` printed):
        /// that record must still be there with that hash.
        #[arg(long, value_name = "SEQ:HASH")]
        anchor: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The newest records.
    Tail {
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[arg(short = 'n', long, default_value_t = 20)]
        lines: u64,
        /// Keep printing new records as they are written.
        #[arg(short, long)]
        follow: bool,
        #[arg(long)]
        json: bool,
    },
    /// Records by principal, time, decision, rule.
    Query {
        #[arg(long, value_name = "PATH")]
        db: PathBuf,
        #[arg(long)]
        principal: Option<String>,
        /// RFC 3339 time (`2026-12-04T10:00:00Z`) or an age (`2h`, `7d`).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        #[arg(long, value_name = "TIME")]
        until: Option<String>,
        #[arg(long)]
        decision: Option<String>,
        #[arg(long)]
        rule: Option<String>,
        /// request, outcome, approval, admin, prune.
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        request_id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete records older than an age, keeping the rest verifiable (a
    /// checkpoint record names the last deleted one).
    Prune {
        #[command(flatten)]
        db: AuditDb,
        /// Age (`90d`, `12h`).
        #[arg(long, value_name = "AGE")]
        older_than: String,
    },
}

#[derive(Debug, Args)]
pub struct ApprovalsArgs {
    /// The gateway's base URL.
    #[arg(
        long,
        global = true,
        env = "STANCH_GATEWAY",
        default_value = "http://127.0.0.1:8787"
    )]
    pub gateway: String,
    /// Environment variable holding the approver's gateway API key, OIDC
    /// token or admin token.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        default_value = "STANCH_GATEWAY_KEY"
    )]
    pub key_env: String,
    #[command(subcommand)]
    pub command: ApprovalsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
    /// Pending approvals (with --all: every one).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// One approval with its redacted request.
    Show { id: String },
    /// Approve someone else's request.
    Approve { id: String },
    /// Deny a request.
    Deny { id: String },
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the policies' own `test_` rules: exit 0 when all pass, 1 otherwise.
    Test {
        /// Rego files or directories.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Evaluate `data.stanch.decision` for an input document and print it.
    Eval {
        /// Rego files or directories.
        #[arg(long = "policy", value_name = "FILE", required = true)]
        policy: Vec<PathBuf>,
        /// JSON input ({principal, roles, route, model, purpose, direction,
        /// findings, bytes}); `-` reads stdin.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Mint a gateway API key for a caller: prints it once and appends its
    /// SHA-256 (never the key) with the name and role to the keys file.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        /// Keys file (mode 0600).
        #[arg(long, value_name = "PATH", default_value = ".stanch/gateway-keys.toml")]
        file: PathBuf,
    },
    /// List names, roles and creation times (never keys).
    List {
        #[arg(long, value_name = "PATH", default_value = ".stanch/gateway-keys.toml")]
        file: PathBuf,
    },
}
