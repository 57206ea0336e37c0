//! `stanch approvals`: an approver's client for a running gateway's
//! `/admin/approvals` (list, show the redacted request, approve, deny).
//! The credential (gateway API key, OIDC token or admin token) comes from
//! the environment variable named by `--key-env` (default
//! `STANCH_GATEWAY_KEY`), never from the command line.

use crate::cli::{ApprovalsArgs, ApprovalsCommand};
use anyhow::{bail, Context, Result};

pub fn run(args: ApprovalsArgs) -> Result<u8> {
    let base = args.gateway.trim_end_matches('/').to_string();
    let token = std::env::var(&args.key_env).ok().filter(|t| !t.is_empty());
    let client = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .no_proxy()
        .build()?;
    let send = |method: reqwest::Method, path: &str| -> Result<serde_json::Value> {
        let mut rb = client.request(method, format!("{base}/admin/approvals{path}"));
        if let Some(t) = &token {
            rb = rb.bearer_auth(t);
        }
        let resp = rb
            .send()
            .with_context(|| format!("cannot reach the gateway at {base}"))?;
        let status = resp.status();
        let body: serde_json::Value = resp
            .text()
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null);
        if !status.is_success() {
            let why = body["error"].as_str().unwrap_or("no reason given");
            bail!("the gateway answered {}: {why}", status.as_u16());
        }
        Ok(body)
    };
    match args.command {
        ApprovalsCommand::List { all, json } => {
            let v = send(reqwest::Method::GET, if all { "?all=1" } else { "" })?;
            if json {
                println!("{v}");
            } else {
                for a in v.as_array().into_iter().flatten() {
                    let findings: Vec<String> = a["findings"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|f| format!("{}×{}", f["rule"].as_str().unwrap_or("?"), f["count"]))
                        .collect();
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        a["id"].as_str().unwrap_or(""),
                        a["status"].as_str().unwrap_or(""),
                        a["principal"].as_str().unwrap_or(""),
                        a["route"].as_str().unwrap_or(""),
                        findings.join(",")
                    );
                }
            }
        }
        ApprovalsCommand::Show { id } => {
            let v = send(reqwest::Method::GET, &format!("/{id}"))?;
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        ApprovalsCommand::Approve { id } => {
            let v = send(reqwest::Method::POST, &format!("/{id}/approve"))?;
            println!(
                "approved {id} (requested by {}; single use until it expires)",
                v["principal"].as_str().unwrap_or("?")
            );
        }
        ApprovalsCommand::Deny { id } => {
            let v = send(reqwest::Method::POST, &format!("/{id}/deny"))?;
            println!(
                "denied {id} (requested by {})",
                v["principal"].as_str().unwrap_or("?")
            );
        }
    }
    Ok(0)
}
