//! Audit trail, approvals, RBAC on /admin/approvals, Rego policies and
//! canary alerts, end to end over HTTP.

mod common;

use common::*;
use stanch_audit::{Chain, Filter, Store};
use stanch_gateway::AuditSettings;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn chain() -> Chain {
    Chain::Keyed(stanch_redact::Key::parse(&[b'k'; 32]).unwrap())
}

fn records(db: &Path, f: Filter) -> Vec<stanch_audit::Stored> {
    Store::open_existing(db, chain())
        .unwrap()
        .query(&f)
        .unwrap()
}

fn verify(db: &Path) {
    Store::open_existing(db, chain())
        .unwrap()
        .verify(None)
        .unwrap();
}

async fn with_audit(dir: &Path) -> Harness {
    let db = dir.join("audit.db");
    start_with(move |c| c.audit = Some(AuditSettings::new(db))).await
}

fn rid(h: &reqwest::header::HeaderMap) -> String {
    h["x-stanch-request-id"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn every_decision_is_recorded_before_the_answer() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let h = with_audit(d.path()).await;
    let (st, hd, _) = h.chat("hello").await;
    assert_eq!(st, 200);
    let pass = rid(&hd);
    let (st, hd, _) = h.chat(&format!("t={GH}")).await;
    assert_eq!(st, 200);
    let redacted = rid(&hd);
    let (st, hd, _) = h.chat(&format!("c={CANARY}")).await;
    assert_eq!(st, 403);
    let blocked = rid(&hd);
    let (st, hd, body) = h
        .post(
            "/v1/chat/completions",
            "sse-openai",
            &chat("stream it", true),
        )
        .await;
    assert_eq!(st, 200);
    assert!(body.contains("[DONE]"));
    let streamed = rid(&hd);
    let (st, hd, _) = h.post("/nope", "json", "{}").await;
    assert_eq!(st, 404);
    let unknown = rid(&hd);

    let one = |id: &str| {
        records(
            &db,
            Filter {
                request_id: Some(id.into()),
                ..Default::default()
            },
        )
    };
    let r = &one(&pass)[0].record;
    assert_eq!(
        (r.decision.as_str(), r.status, r.principal.as_str()),
        ("pass", 200, "anonymous")
    );
    assert_eq!(r.model, "gpt-4o");
    assert_eq!(r.route, "quickstart");
    assert!(r.request_bytes > 0 && r.response_bytes > 0 && r.body_sha256.len() == 64);
    let r = &one(&redacted)[0].record;
    assert_eq!(r.decision, "redacted");
    let f = &r.request_findings[0];
    assert_eq!(
        (f.rule.as_str(), f.action.as_str(), f.count),
        ("github-pat", "redact", 1)
    );
    assert_eq!(f.fingerprints.len(), 1);
    // The answer's planted secret is a response finding.
    assert!(r.response_findings.iter().any(|f| f.rule == "github-pat"));
    let r = &one(&blocked)[0].record;
    assert_eq!(
        (r.decision.as_str(), r.status, r.severity.as_str()),
        ("blocked", 403, "critical")
    );
    let s = one(&streamed);
    assert_eq!(s.len(), 2, "decision and outcome records");
    assert_eq!(
        (s[0].record.kind.as_str(), s[0].record.stream.as_str()),
        ("request", "open")
    );
    assert_eq!(
        (s[1].record.kind.as_str(), s[1].record.stream.as_str()),
        ("outcome", "complete")
    );
    assert!(s[1].record.response_bytes > 0);
    assert_eq!(one(&unknown)[0].record.decision, "refused");
    verify(&db);
}

#[tokio::test]
async fn purpose_from_header_or_metadata_and_required() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let dbc = db.clone();
    let h = start_with(move |c| {
        c.audit = Some(AuditSettings::new(dbc));
        c.routes[0].require_purpose = true;
    })
    .await;
    let (st, hd, body) = h.chat("hi").await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(hd["x-stanch-error"], "stanch_purpose_required");
    let with_meta = r#"{"model":"m","metadata":{"purpose":"incident 42"},"messages":[{"role":"user","content":"hi"}]}"#;
    let (st, hd, _) = h.post("/v1/chat/completions", "json", with_meta).await;
    assert_eq!(st, 200);
    let recs = records(
        &db,
        Filter {
            request_id: Some(rid(&hd)),
            ..Default::default()
        },
    );
    assert_eq!(recs[0].record.purpose, "incident 42");
    let r = h
        .client
        .post(format!("{}/v1/chat/completions", h.base))
        .header("x-stanch-purpose", format!("debug {GH}"))
        .header("x-fake-mode", "json")
        .body(chat("hi", false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let recs = records(
        &db,
        Filter {
            request_id: Some(rid(r.headers())),
            ..Default::default()
        },
    );
    assert_eq!(recs[0].record.purpose, "debug [REDACTED:github-pat]");
    // The purpose header stays at the gateway.
    assert!(!h
        .seen
        .lock()
        .unwrap()
        .header_names
        .iter()
        .any(|n| n.starts_with("x-stanch")));
}

#[tokio::test]
async fn audit_store_failure_fails_closed_unless_fail_open() {
    for fail_open in [false, true] {
        let d = tempfile::tempdir().unwrap();
        let db = d.path().join("audit.db");
        let dbc = db.clone();
        let h = start_with(move |c| {
            let mut a = AuditSettings::new(dbc);
            a.fail_open = fail_open;
            c.audit = Some(a);
        })
        .await;
        assert_eq!(h.chat("hi").await.0, 200);
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch("DROP TABLE records")
            .unwrap();
        let (st, hd, body) = h.chat("hi").await;
        if fail_open {
            assert_eq!(st, 200, "{body}");
        } else {
            assert_eq!(st, 503, "{body}");
            assert_eq!(hd["x-stanch-error"], "stanch_audit_unavailable");
        }
        assert!(h.metrics().await.contains("stanch_audit_errors_total 1"));
    }
}

#[tokio::test]
async fn no_planted_secret_reaches_the_audit_database() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let dbc = db.clone();
    let h = start_with(move |c| {
        c.audit = Some(AuditSettings::new(dbc));
        c.routes[0]
            .policy
            .by_rule
            .insert("email".into(), stanch_gateway::Action::RequireApproval);
    })
    .await;
    let email = "planted.person@acme-corp.io";
    let bodies = [
        chat(&format!("token={GH}"), false),
        chat(&format!("reg {REGISTERED}"), false),
        chat(&format!("canary {CANARY}"), false),
        chat(&format!("mail {email} and {GH}"), false),
    ];
    for b in &bodies {
        h.post("/v1/chat/completions", "json", b).await;
        h.post("/v1/messages", "sse-anthropic", b).await;
    }
    let r = h
        .client
        .post(format!("{}/v1/chat/completions", h.base))
        .header("x-stanch-purpose", format!("purpose {GH} {email}"))
        .header("x-fake-mode", "json")
        .body(format!(r#"{{"model":"{GH}","messages":[]}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // An approval was created (the email needs one): its copy is redacted.
    let pending = Store::open_existing(&db, chain())
        .unwrap()
        .approvals(true)
        .unwrap();
    assert!(!pending.is_empty());
    assert!(
        pending[0].redacted_request.contains("<email:"),
        "{}",
        pending[0].redacted_request
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut bytes = Vec::new();
    for ext in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{ext}", db.display()));
        if let Ok(b) = std::fs::read(&p) {
            bytes.extend(b);
        }
    }
    assert!(bytes.len() > 4096);
    let planted = [GH, PLANT, CANARY, REGISTERED, email];
    for p in planted {
        assert!(
            memchr::memmem::find(&bytes, p.as_bytes()).is_none(),
            "planted value found in the audit database"
        );
    }
    // Fingerprints are there instead.
    let key = stanch_redact::Key::parse(&[b'k'; 32]).unwrap();
    let fp = key.fingerprint("github-pat", GH.as_bytes());
    assert!(memchr::memmem::find(&bytes, fp.as_bytes()).is_some());
    verify(&db);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn key_for(dir: &Path, keys: &mut String, name: &str, role: &str) -> String {
    let (k, rec) = stanch_gateway::keys::mint(name, role).unwrap();
    keys.push_str(&stanch_gateway::keys::record_toml(&rec));
    keys.push('\n');
    let _ = dir;
    k.as_str().to_string()
}

struct Team {
    alice: String,
    bob: String,
    dave: String,
}

/// A config-mode gateway: keys for alice and bob (role lead, approvers)
/// and dave (dev); github-pat needs approval.
async fn team(dir: &Path, approval: &str, extra: &str) -> (Harness, Team) {
    let mut keys = String::new();
    let t = Team {
        alice: key_for(dir, &mut keys, "alice", "lead"),
        bob: key_for(dir, &mut keys, "bob", "lead"),
        dave: key_for(dir, &mut keys, "dave", "dev"),
    };
    write(dir, "keys.toml", &keys);
    let h = start().await;
    let cfg = write(
        dir,
        "gateway.toml",
        &format!(
            r#"
keys_file = "keys.toml"
{extra}
[audit]
db = "audit.db"
[approval]
approver_roles = ["lead"]
{approval}
[[routes]]
name = "oa"
prefix = "/openai"
provider = "openai"
upstream = "{}"
actions = {{ "github-pat" = "require_approval" }}
"#,
            h.upstream
        ),
    );
    h.gw.reload(&cfg).unwrap();
    (h, t)
}

async fn call(
    h: &Harness,
    key: &str,
    body: &str,
    approval: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, String) {
    let mut r = h
        .client
        .post(format!("{}/openai/v1/chat/completions", h.base))
        .bearer_auth(key)
        .header("x-fake-mode", "json")
        .body(body.to_string());
    if let Some(a) = approval {
        r = r.header("x-stanch-approval", a);
    }
    let r = r.send().await.unwrap();
    let st = r.status().as_u16();
    let hd = r.headers().clone();
    (st, hd, r.text().await.unwrap())
}

async fn admin(
    h: &Harness,
    key: Option<&str>,
    method: &str,
    path: &str,
) -> (u16, serde_json::Value) {
    let url = format!("{}/admin/approvals{path}", h.base);
    let mut r = if method == "POST" {
        h.client.post(url)
    } else {
        h.client.get(url)
    };
    if let Some(k) = key {
        r = r.bearer_auth(k);
    }
    let r = r.send().await.unwrap();
    let st = r.status().as_u16();
    (
        st,
        serde_json::from_str(&r.text().await.unwrap()).unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn approval_flow_over_http() {
    let d = tempfile::tempdir().unwrap();
    let (h, t) = team(d.path(), "", "").await;
    let body = chat(&format!("deploy with {GH}"), false);
    let (st, hd, text) = call(&h, &t.alice, &body, None).await;
    assert_eq!(st, 403, "{text}");
    assert_eq!(hd["x-stanch-error"], "stanch_approval_required");
    let id = hd["x-stanch-approval-id"].to_str().unwrap().to_string();
    assert!(
        text.contains(&format!("stanch approvals approve {id} --gateway http://")),
        "{text}"
    );
    assert!(!text.contains(GH));
    assert!(h.upstream_bodies().is_empty(), "nothing went upstream");

    // RBAC: no credential 401, a non-approver 403, a bad key 401.
    assert_eq!(admin(&h, None, "GET", "").await.0, 401);
    assert_eq!(admin(&h, Some(&t.dave), "GET", "").await.0, 403);
    assert_eq!(admin(&h, Some("stk_nope"), "GET", "").await.0, 401);
    assert_eq!(
        admin(&h, Some(&t.dave), "POST", &format!("/{id}/approve"))
            .await
            .0,
        403
    );
    let (st, list) = admin(&h, Some(&t.bob), "GET", "").await;
    assert_eq!(st, 200);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["principal"], "alice");
    let (st, shown) = admin(&h, Some(&t.bob), "GET", &format!("/{id}")).await;
    assert_eq!(st, 200);
    let red = shown["redacted_request"].as_str().unwrap();
    assert!(
        red.contains("[REDACTED:github-pat]") && !red.contains(GH),
        "{red}"
    );

    // Nobody approves their own request.
    let (st, e) = admin(&h, Some(&t.alice), "POST", &format!("/{id}/approve")).await;
    assert_eq!(st, 403, "{e}");
    // A retry before approval is refused.
    assert_eq!(call(&h, &t.alice, &body, Some(&id)).await.0, 403);
    let (st, _) = admin(&h, Some(&t.bob), "POST", &format!("/{id}/approve")).await;
    assert_eq!(st, 200);
    // Another body, another caller: refused.
    let other = chat(&format!("deploy with {GH} now"), false);
    let (st, hd, _) = call(&h, &t.alice, &other, Some(&id)).await;
    assert_eq!(
        (st, hd["x-stanch-error"].to_str().unwrap()),
        (403, "stanch_approval_invalid")
    );
    assert_eq!(call(&h, &t.bob, &body, Some(&id)).await.0, 403);
    // The approved retry goes through, the approved finding unchanged.
    let (st, _, text) = call(&h, &t.alice, &body, Some(&id)).await;
    assert_eq!(st, 200, "{text}");
    assert!(h.upstream_bodies().last().unwrap().contains(GH));
    // Single use.
    assert_eq!(call(&h, &t.alice, &body, Some(&id)).await.0, 403);

    // Deny.
    let (_, hd, _) = call(&h, &t.alice, &body, None).await;
    let id2 = hd["x-stanch-approval-id"].to_str().unwrap().to_string();
    assert_eq!(
        admin(&h, Some(&t.bob), "POST", &format!("/{id2}/deny"))
            .await
            .0,
        200
    );
    assert_eq!(call(&h, &t.alice, &body, Some(&id2)).await.0, 403);
    assert_eq!(
        admin(&h, Some(&t.bob), "POST", &format!("/{id2}/approve"))
            .await
            .0,
        409
    );

    // Every step is in the chain, the reload too.
    let db = d.path().join("audit.db");
    let admin = records(
        &db,
        Filter {
            kind: Some("admin".into()),
            ..Default::default()
        },
    );
    assert_eq!(admin[0].record.decision, "config_reloaded");
    let steps: Vec<String> = records(
        &db,
        Filter {
            kind: Some("approval".into()),
            ..Default::default()
        },
    )
    .into_iter()
    .map(|r| r.record.decision)
    .collect();
    for s in [
        "approval_pending",
        "approval_shown",
        "approve_refused",
        "approved",
        "approval_rejected",
        "approval_used",
        "denied",
    ] {
        assert!(steps.iter().any(|x| x == s), "{s}: {steps:?}");
    }
    let decisions: Vec<String> = records(
        &db,
        Filter {
            principal: Some("alice".into()),
            kind: Some("request".into()),
            ..Default::default()
        },
    )
    .into_iter()
    .map(|r| r.record.decision)
    .collect();
    assert!(
        decisions.contains(&"approval_required".to_string())
            && decisions.contains(&"approved".to_string()),
        "{decisions:?}"
    );
    verify(&db);
}

#[tokio::test]
async fn approvals_expire() {
    let d = tempfile::tempdir().unwrap();
    let (h, t) = team(d.path(), "ttl_secs = 1", "").await;
    let body = chat(&format!("x {GH}"), false);
    let (_, hd, _) = call(&h, &t.alice, &body, None).await;
    let id = hd["x-stanch-approval-id"].to_str().unwrap().to_string();
    assert_eq!(
        admin(&h, Some(&t.bob), "POST", &format!("/{id}/approve"))
            .await
            .0,
        200
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (st, _, text) = call(&h, &t.alice, &body, Some(&id)).await;
    assert_eq!(st, 403);
    assert!(text.contains("expired"), "{text}");
    // An expired pending approval cannot be approved either.
    let (_, hd, _) = call(&h, &t.alice, &body, None).await;
    let id = hd["x-stanch-approval-id"].to_str().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        admin(&h, Some(&t.bob), "POST", &format!("/{id}/approve"))
            .await
            .0,
        409
    );
}

#[tokio::test]
async fn held_request_goes_through_once_approved() {
    let d = tempfile::tempdir().unwrap();
    let (h, t) = team(d.path(), "wait_secs = 5", "").await;
    let body = chat(&format!("x {GH}"), false);
    let base = h.base.clone();
    let bob = t.bob.clone();
    let approver = tokio::spawn(async move {
        let c = reqwest::Client::new();
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let list: serde_json::Value = serde_json::from_str(
                &c.get(format!("{base}/admin/approvals"))
                    .bearer_auth(&bob)
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap(),
            )
            .unwrap();
            if let Some(id) = list[0]["id"].as_str() {
                let r = c
                    .post(format!("{base}/admin/approvals/{id}/approve"))
                    .bearer_auth(&bob)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                return;
            }
        }
    });
    let (st, _, text) = call(&h, &t.alice, &body, None).await;
    assert_eq!(st, 200, "{text}");
    approver.await.unwrap();
}

#[tokio::test]
async fn rego_policies_combine_most_restrictive_and_fail_closed() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "p.rego",
        r#"package stanch

default decision := {"action": "allow", "reasons": []}

decision := {"action": "block", "reasons": ["a purpose is required"]} if {
    input.purpose == ""
}

decision := {"action": "require_approval", "reasons": ["pii to the vendor"]} if {
    input.purpose != ""
    some f in input.findings
    f.category == "pii"
}
"#,
    );
    let (h, t) = team(d.path(), "", "[policy]\nfiles = [\"p.rego\"]\n").await;
    // Rego blocks (no purpose) although the built-in action is allow.
    let (st, hd, text) = call(&h, &t.alice, &chat("hello", false), None).await;
    assert_eq!(st, 403, "{text}");
    assert_eq!(hd["x-stanch-error"], "stanch_blocked");
    assert!(text.contains("a purpose is required"), "{text}");
    let with_purpose = |content: &str| {
        format!(
            r#"{{"model":"m","metadata":{{"purpose":"debugging"}},"messages":[{{"role":"user","content":{}}}]}}"#,
            serde_json::to_string(content).unwrap()
        )
    };
    // Rego allows; the built-in redaction still applies.
    assert_eq!(call(&h, &t.alice, &with_purpose("hi"), None).await.0, 200);
    // Rego asks for approval on PII (built-in: redact) → held.
    let (st, hd, _) = call(&h, &t.alice, &with_purpose("mail bob@acme.io"), None).await;
    assert_eq!(
        (st, hd["x-stanch-error"].to_str().unwrap()),
        (403, "stanch_approval_required")
    );
    // A canary blocks whatever Rego says.
    let (st, hd, _) = call(
        &h,
        &t.alice,
        &with_purpose(&format!("c {CANARY} bob@acme.io")),
        None,
    )
    .await;
    assert_eq!(
        (st, hd["x-stanch-error"].to_str().unwrap()),
        (403, "stanch_blocked")
    );

    // A policy that answers an invalid action fails closed.
    write(
        d.path(),
        "p.rego",
        "package stanch\ndecision := {\"action\": \"sure\"}\n",
    );
    h.gw.reload(&d.path().join("gateway.toml")).unwrap();
    let (st, hd, _) = call(&h, &t.alice, &with_purpose("hi"), None).await;
    assert_eq!(
        (st, hd["x-stanch-error"].to_str().unwrap()),
        (403, "stanch_policy_error")
    );
    // A policy that does not compile is refused at reload; the old one stays.
    write(d.path(), "p.rego", "package stanch\ndecision := {\n");
    let e =
        h.gw.reload(&d.path().join("gateway.toml"))
            .unwrap_err()
            .to_string();
    assert!(e.contains("policy.files"), "{e}");
}

type Hooked = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// A webhook receiver: its URL and what it got.
async fn hook_receiver() -> (String, Hooked) {
    let got: Hooked = Default::default();
    let g = got.clone();
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", l.local_addr().unwrap());
    let app = axum::Router::new().fallback(move |body: String| {
        let g = g.clone();
        async move {
            g.lock().unwrap().push(body);
            "ok"
        }
    });
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (hook, got)
}

async fn first_hook(got: &Hooked) -> String {
    for _ in 0..50 {
        if let Some(t) = got.lock().unwrap().first() {
            let v: serde_json::Value = serde_json::from_str(t).unwrap();
            return v["text"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no webhook call");
}

#[tokio::test]
async fn approval_webhook_and_admin_actions_are_audited() {
    let (hook, got) = hook_receiver().await;
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let dbc = db.clone();
    let h = start_with(move |c| {
        c.audit = Some(AuditSettings::new(dbc));
        c.approval.webhook_url = Some(stanch_gateway::config::WebhookUrl::new(hook));
        c.routes[0]
            .policy
            .by_rule
            .insert("github-pat".into(), stanch_gateway::Action::RequireApproval);
    })
    .await;
    let (st, hd, _) = h.chat(&format!("t={GH}")).await;
    assert_eq!(st, 403);
    let id = hd["x-stanch-approval-id"].to_str().unwrap().to_string();
    let msg = first_hook(&got).await;
    assert!(
        msg.contains(&id) && msg.contains("github-pat") && !msg.contains(GH),
        "{msg}"
    );
    // Quick start: a loopback client approves as local-admin.
    let r = h
        .client
        .post(format!("{}/admin/approvals/{id}/approve", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = h
        .client
        .post(format!("{}/admin/kill-switch", h.base))
        .body("on")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let admin = records(
        &db,
        Filter {
            kind: Some("admin".into()),
            ..Default::default()
        },
    );
    assert_eq!(admin[0].record.decision, "kill_switch_on");
    let approved = records(
        &db,
        Filter {
            decision: Some("approved".into()),
            ..Default::default()
        },
    );
    assert_eq!(approved[0].record.principal, "local-admin");
    verify(&db);
}

#[tokio::test]
async fn canary_hit_is_critical_and_alerts() {
    let (hook, got) = hook_receiver().await;
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let dbc = db.clone();
    let h = start_with(move |c| {
        c.audit = Some(AuditSettings::new(dbc));
        c.alert_webhook = Some(stanch_gateway::config::WebhookUrl::new(hook));
    })
    .await;
    let (st, _, _) = h.chat(&format!("c={CANARY}")).await;
    assert_eq!(st, 403);
    let msg = first_hook(&got).await;
    let fp = stanch_redact::Key::parse(&[b'k'; 32])
        .unwrap()
        .fingerprint(stanch_redact::taint::CANARY_RULE, CANARY.as_bytes());
    assert!(
        msg.contains("anonymous") && msg.contains("quickstart") && msg.contains(&fp),
        "{msg}"
    );
    assert!(!msg.contains(CANARY));
    let crit = records(&db, Filter::default())
        .into_iter()
        .filter(|r| r.record.severity == "critical")
        .count();
    assert_eq!(crit, 1);
}

#[tokio::test]
async fn stream_outcomes_are_recorded() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let h = with_audit(d.path()).await;
    // The kill switch cuts a slow stream: outcome `killed`.
    let r = h
        .client
        .post(format!("{}/v1/chat/completions", h.base))
        .header("x-fake-mode", "sse-slow")
        .body(chat("hi", true))
        .send()
        .await
        .unwrap();
    let id = rid(r.headers());
    tokio::time::sleep(Duration::from_millis(400)).await;
    h.kill.set(true);
    let body = r.text().await.unwrap();
    assert!(body.contains("stanch_kill_switch"), "{body}");
    h.kill.set(false);
    // An upstream that breaks off: `upstream_error`.
    let (_, hd, _) = h
        .post("/v1/chat/completions", "sse-drop", &chat("hi", true))
        .await;
    let dropped = rid(&hd);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let outcome = |id: &str| {
        records(
            &db,
            Filter {
                request_id: Some(id.into()),
                kind: Some("outcome".into()),
                ..Default::default()
            },
        )
        .first()
        .map(|r| r.record.stream.clone())
    };
    assert_eq!(outcome(&id).as_deref(), Some("killed"));
    assert_eq!(outcome(&dropped).as_deref(), Some("upstream_error"));
    verify(&db);
}
