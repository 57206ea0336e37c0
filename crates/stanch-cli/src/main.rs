//! `stanch`: find and redact secrets and personal data in logs, traces and prompts.
//!
//! How the pieces connect: `cli` parses arguments; `config` turns the config
//! file and flags into a compiled rule set and a redaction policy; `keys`
//! resolves the user's key; each subcommand lives in `cmd_*`; `report` renders
//! scan findings (text, JSON, JSONL, SARIF) and `baseline` suppresses known ones.
//!
//! `cmd_serve` runs the stanch-gateway HTTP proxy with the same rule set,
//! key, registered secrets and extensions as `redact`.
//!
//! `cmd_audit` reads, verifies and prunes the gateway's audit store
//! (stanch-audit); `cmd_approvals` talks to a running gateway's
//! `/admin/approvals`; `cmd_policy` tests and evaluates Rego policies.
//!
//! `taint` attaches registered secrets and canaries (stanch-redact's taint
//! extension) to the rule set of `redact` and `scan`; `cmd_canary` mints them.
//!
//! Exit codes: 0 nothing found (or redaction done), 1 findings, 2 error,
//! 3 `scan` saw a canary token.
//! A closed output pipe (`stanch scan … | head`) exits 0 quietly.

mod baseline;
mod cli;
mod cmd_approvals;
mod cmd_audit;
mod cmd_canary;
mod cmd_key;
mod cmd_keys;
mod cmd_policy;
mod cmd_redact;
mod cmd_rules;
mod cmd_scan;
mod cmd_serve;
mod config;
mod extensions;
mod input;
mod keys;
mod lines;
mod report;
mod structured;
mod taint;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = <cli::Cli as clap::Parser>::parse();
    match run(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stanch: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: cli::Cli) -> anyhow::Result<u8> {
    let config = match args.config.as_deref() {
        Some(p) => config::Config::load(p)?,
        None => config::Config::default(),
    };
    match args.command {
        cli::Command::Redact(a) => cmd_redact::run(&config, a),
        cli::Command::Scan(a) => cmd_scan::run(&config, a),
        cli::Command::Rules(a) => cmd_rules::run(&config, a),
        cli::Command::Key(a) => cmd_key::run(a),
        cli::Command::Canary(a) => cmd_canary::run(&config, a),
        cli::Command::Serve(a) => cmd_serve::run(&config, *a),
        cli::Command::Keys(a) => cmd_keys::run(a),
        cli::Command::Audit(a) => cmd_audit::run(&config, a),
        cli::Command::Approvals(a) => cmd_approvals::run(a),
        cli::Command::Policy(a) => cmd_policy::run(a),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
