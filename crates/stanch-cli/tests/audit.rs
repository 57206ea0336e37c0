//! `stanch audit`, `stanch approvals`, `stanch policy`, and the real
//! `stanch serve --audit-db` binary under load killed with SIGKILL.

use assert_cmd::Command;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b";
const GH: &str = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

fn stanch() -> Command {
    let mut c = Command::cargo_bin("stanch").unwrap();
    c.env_remove("STANCH_KEY_FILE")
        .env_remove("STANCH_CONFIG")
        .env("STANCH_KEY", KEY);
    c
}

fn key() -> stanch_audit::Chain {
    stanch_audit::Chain::Keyed(stanch_redact::Key::parse(KEY.as_bytes()).unwrap())
}

/// A store with `n` records written with KEY.
fn store(dir: &Path, n: u64) -> PathBuf {
    let p = dir.join("audit.db");
    let mut s = stanch_audit::Store::open(&p, key(), stanch_audit::Sync::Normal).unwrap();
    let recs: Vec<stanch_audit::Record> = (1..=n)
        .map(|i| {
            let mut r = stanch_audit::Record::new("request");
            r.request_id = format!("req_{i}");
            r.principal = if i % 2 == 0 { "alice" } else { "bob" }.into();
            r.decision = if i == 3 { "blocked" } else { "pass" }.into();
            r
        })
        .collect();
    s.append(&recs).unwrap();
    p
}

fn sql(p: &Path, q: &str) {
    rusqlite::Connection::open(p)
        .unwrap()
        .execute_batch(q)
        .unwrap();
}

fn verify(db: &Path) -> assert_cmd::assert::Assert {
    stanch().args(["audit", "verify", "--db"]).arg(db).assert()
}

#[test]
fn audit_verify_passes_intact_and_names_the_first_bad_record() {
    let d = tempfile::tempdir().unwrap();
    let db = store(d.path(), 5);
    let out = verify(&db).success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.starts_with("intact: 5 records (seq 1..5, chain hmac-sha256), head 5:"),
        "{text}"
    );
    // Anchors: the head printed now must still be there later.
    let head = text.trim().rsplit(' ').next().unwrap().to_string();
    stanch()
        .args(["audit", "verify", "--anchor", &head, "--db"])
        .arg(&db)
        .assert()
        .success();
    // Without the key, a keyed store cannot be verified (error, exit 2).
    stanch()
        .env_remove("STANCH_KEY")
        .args(["audit", "verify", "--db"])
        .arg(&db)
        .assert()
        .code(2);

    let cases: [(&str, u64, &str); 4] = [
        ("UPDATE records SET body = replace(body, '\"alice\"', '\"eve\"') WHERE seq = 2", 2, "edited"),
        ("DELETE FROM records WHERE seq = 3", 3, "missing"),
        ("UPDATE records SET seq = 100 WHERE seq = 4; UPDATE records SET seq = 4 WHERE seq = 5; UPDATE records SET seq = 5 WHERE seq = 100", 4, ""),
        ("DELETE FROM records WHERE seq = 5", 5, "truncated"),
    ];
    for (q, seq, what) in cases {
        let d = tempfile::tempdir().unwrap();
        let db = store(d.path(), 5);
        sql(&db, q);
        let out = verify(&db).code(1);
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            err.contains(&format!("first bad record {seq}:")),
            "{q}: {err}"
        );
        assert!(err.contains(what), "{q}: {err}");
    }
    // An anchor the store no longer matches.
    let d = tempfile::tempdir().unwrap();
    let db = store(d.path(), 5);
    stanch()
        .args([
            "audit",
            "verify",
            "--anchor",
            &head.replace(":", ":0"),
            "--db",
        ])
        .arg(&db)
        .assert()
        .code(1);
}

#[test]
fn audit_query_tail_and_prune() {
    let d = tempfile::tempdir().unwrap();
    let db = store(d.path(), 6);
    let q = |args: &[&str]| {
        let out = stanch()
            .args(["audit", "query", "--db"])
            .arg(&db)
            .args(args)
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    assert_eq!(q(&["--principal", "alice"]).lines().count(), 3);
    let blocked = q(&["--decision", "blocked", "--json"]);
    let v: serde_json::Value = serde_json::from_str(blocked.trim()).unwrap();
    assert_eq!(v["seq"], 3);
    assert_eq!(v["record"]["request_id"], "req_3");
    assert_eq!(q(&["--since", "1h"]).lines().count(), 6);
    assert_eq!(q(&["--until", "2001-01-01T00:00:00Z"]).lines().count(), 0);
    let out = stanch()
        .args(["audit", "tail", "-n", "2", "--db"])
        .arg(&db)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(text.lines().count(), 2);
    assert!(text.lines().next().unwrap().starts_with("5\t"), "{text}");
    // Prune everything older than one hour: nothing here; then backdate.
    stanch()
        .args(["audit", "prune", "--older-than", "1h", "--db"])
        .arg(&db)
        .assert()
        .success()
        .stdout("pruned 0 records older than 1h\n");
    let d2 = tempfile::tempdir().unwrap();
    let old = d2.path().join("audit.db");
    let mut s = stanch_audit::Store::open(&old, key(), stanch_audit::Sync::Normal).unwrap();
    let mut r = stanch_audit::Record::new("request");
    r.ts_ms = 1_000;
    s.append(&[r.clone(), r]).unwrap();
    s.append(&[stanch_audit::Record::new("request")]).unwrap();
    drop(s);
    stanch()
        .args(["audit", "prune", "--older-than", "90d", "--db"])
        .arg(&old)
        .assert()
        .success()
        .stdout("pruned 2 records older than 90d\n");
    let out = verify(&old).success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("seq 3..4"));
}

#[test]
fn audit_tail_follows_new_records() {
    let d = tempfile::tempdir().unwrap();
    let db = store(d.path(), 3);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stanch"))
        .args(["audit", "tail", "-n", "1", "--follow", "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("3\t"));
    let mut s = stanch_audit::Store::open(&db, key(), stanch_audit::Sync::Normal).unwrap();
    let mut r = stanch_audit::Record::new("request");
    r.request_id = "req_new".into();
    s.append(&[r]).unwrap();
    let next = lines.next().unwrap().unwrap();
    assert!(
        next.starts_with("4\t") && next.contains("req_new"),
        "{next}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn policy_test_and_eval() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy");
    let out = stanch()
        .args(["policy", "test"])
        .arg(&root)
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    insta::assert_snapshot!("policy_test_example", text);
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.rego");
    std::fs::write(
        &bad,
        "package stanch\ndecision := {\"action\": \"allow\"}\ntest_wrong if { decision.action == \"block\" }\n",
    )
    .unwrap();
    let out = stanch().args(["policy", "test"]).arg(&bad).assert().code(1);
    assert!(
        String::from_utf8_lossy(&out.get_output().stdout).contains("FAIL data.stanch.test_wrong")
    );
    let out = stanch()
        .args(["policy", "eval", "--policy"])
        .arg(&root)
        .arg("--input")
        .arg(root.join("input.json"))
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["action"], "require_approval");
    // A policy error is an error.
    let broken = d.path().join("broken.rego");
    std::fs::write(&broken, "package stanch\ndecision := {\n").unwrap();
    stanch()
        .args(["policy", "test"])
        .arg(&broken)
        .assert()
        .code(2);
}

/// A fake provider: answers every request with a small chat completion.
fn fake_provider() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let l = line.to_ascii_lowercase();
                    if let Some(v) = l.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; len];
                let _ = r.read_exact(&mut body);
                let answer = r#"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            });
        }
    });
    port
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path, extra: &[&str]) -> (Serve, String) {
    let upstream = fake_provider();
    let port = free_port();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stanch"))
        .env("STANCH_KEY", KEY)
        .env("RUST_LOG", "error")
        .args([
            "serve",
            "--upstream",
            &format!("http://127.0.0.1:{upstream}"),
        ])
        .args(["--listen", &format!("127.0.0.1:{port}"), "--audit-db"])
        .arg(db)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let c = reqwest::blocking::Client::new();
    let start = Instant::now();
    while c.get(format!("{base}/healthz")).send().is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "gateway did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (Serve(child), base)
}

fn chat(content: &str) -> String {
    format!(
        r#"{{"model":"gpt-4o","messages":[{{"role":"user","content":{}}}]}}"#,
        serde_json::to_string(content).unwrap()
    )
}

#[test]
fn kill_9_under_load_loses_no_answered_record() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let (mut gw, base) = serve(&db, &[]);
    let answered: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..6)
        .map(|w| {
            let (base, answered, stop) = (base.clone(), answered.clone(), stop.clone());
            std::thread::spawn(move || {
                let c = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .unwrap();
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    let body = chat(&format!("worker {w} request {i} token={GH}"));
                    let Ok(r) = c
                        .post(format!("{base}/v1/chat/completions"))
                        .header("authorization", "Bearer sk-client")
                        .body(body)
                        .send()
                    else {
                        continue;
                    };
                    let id = r
                        .headers()
                        .get("x-stanch-request-id")
                        .map(|v| v.to_str().unwrap().to_string());
                    if r.status() == 200 && r.text().is_ok() {
                        answered.lock().unwrap().push(id.unwrap());
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    // SIGKILL while requests are in flight.
    gw.0.kill().unwrap();
    gw.0.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() > 20, "only {} answered", answered.len());
    verify(&db).success();
    let s = stanch_audit::Store::open_existing(&db, key()).unwrap();
    let recorded: std::collections::HashSet<String> = s
        .query(&stanch_audit::Filter::default())
        .unwrap()
        .into_iter()
        .map(|r| r.record.request_id)
        .collect();
    let missing: Vec<&String> = answered
        .iter()
        .filter(|id| !recorded.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} answered requests have no record",
        missing.len()
    );
}

#[test]
fn approvals_cli_against_a_running_gateway() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("audit.db");
    let (_gw, base) = serve(&db, &["--action", "github-pat=require_approval"]);
    let c = reqwest::blocking::Client::new();
    let body = chat(&format!("deploy {GH}"));
    let send = |approval: Option<&str>| {
        let mut r = c
            .post(format!("{base}/v1/chat/completions"))
            .header("authorization", "Bearer sk-client")
            .body(body.clone());
        if let Some(a) = approval {
            r = r.header("x-stanch-approval", a);
        }
        r.send().unwrap()
    };
    let r = send(None);
    assert_eq!(r.status(), 403);
    let id = r.headers()["x-stanch-approval-id"]
        .to_str()
        .unwrap()
        .to_string();
    let approvals = |args: &[&str]| {
        let mut c = stanch();
        c.env_remove("STANCH_GATEWAY_KEY")
            .args(["approvals", "--gateway", &base])
            .args(args);
        c
    };
    let out = approvals(&["list"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.starts_with(&format!(
            "{id}\tpending\tanonymous\tquickstart\tgithub-pat×1"
        )),
        "{text}"
    );
    let out = approvals(&["show", &id]).assert().success();
    let shown = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        shown.contains("[REDACTED:github-pat]") && !shown.contains(GH),
        "{shown}"
    );
    approvals(&["approve", &id]).assert().success();
    assert_eq!(send(Some(&id)).status(), 200);
    // Used up; an unknown id is an error.
    assert_eq!(send(Some(&id)).status(), 403);
    approvals(&["deny", "apr_0000"]).assert().code(2);
    // Every step is in a verifiable chain.
    verify(&db).success();
}
