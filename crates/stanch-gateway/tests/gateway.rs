//! End-to-end tests: a real gateway on a loopback port in front of a fake
//! provider (axum) that records what it received and answers according to
//! an `x-fake-mode` request header (which the gateway passes through).

mod common;

use common::*;
use futures_util::StreamExt;
use std::time::{Duration, Instant};

#[tokio::test]
async fn openai_json_request_redacted_answer_masked_and_restored() {
    let h = start().await;
    let (status, headers, body) = h.chat(&format!("deploy with {GH}, mail bob@acme.io")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["x-stanch-redacted"], "2");
    let sent = h.upstream_bodies().pop().unwrap();
    assert!(
        !sent.contains(GH) && !sent.contains("bob@acme.io"),
        "{sent}"
    );
    assert!(sent.contains("[REDACTED:github-pat]"), "{sent}");
    // Key order and shape kept.
    assert!(
        sent.starts_with(
            r#"{"model":"gpt-4o","stream":false,"messages":[{"role":"system","content":"be brief"}"#
        ),
        "{sent}"
    );
    // The client's own credential went through.
    assert_eq!(h.seen.lock().unwrap().auth[0], "Bearer sk-client-own-key");
    // The answer: planted secret masked, pseudonym restored.
    assert!(!body.contains(PLANT), "{body}");
    assert!(
        body.contains("[REDACTED:github-pat] and bob@acme.io ok."),
        "{body}"
    );
    let m = h.metrics().await;
    assert!(m.contains(r#"stanch_findings_total{action="redact",category="secret",direction="request",rule="github-pat"} 1"#), "{m}");
    assert!(
        m.contains(r#"direction="response",rule="github-pat"} 1"#),
        "{m}"
    );
    assert!(
        m.contains(r#"stanch_requests_total{decision="redacted",route="quickstart"} 1"#),
        "{m}"
    );
}

#[tokio::test]
async fn anthropic_json_round_trip() {
    let h = start().await;
    let body = format!(
        r#"{{"model":"claude","max_tokens":10,"system":"sys {GH}","messages":[{{"role":"user","content":[{{"type":"text","text":"hi bob@acme.io"}}]}}]}}"#
    );
    let (status, _, out) = h.post("/v1/messages", "anthropic-json", &body).await;
    assert_eq!(status, 200, "{out}");
    let sent = h.upstream_bodies().pop().unwrap();
    assert!(
        !sent.contains(GH) && !sent.contains("bob@acme.io"),
        "{sent}"
    );
    assert!(
        !out.contains(PLANT) && out.contains("bob@acme.io ok."),
        "{out}"
    );
}

#[tokio::test]
async fn openai_stream_masks_split_secret_and_restores() {
    let h = start().await;
    let (status, headers, body) = h
        .post(
            "/v1/chat/completions",
            "sse-openai",
            &chat("write to bob@acme.io", true),
        )
        .await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    assert!(
        !body.contains(&PLANT[..12]) && !body.contains(&PLANT[20..]),
        "{body}"
    );
    assert_eq!(
        sse_text(&body, false),
        "Token [REDACTED:github-pat] and bob@acme.io ok."
    );
    assert!(body.ends_with("data: [DONE]\n\n"), "{body}");
}

#[tokio::test]
async fn anthropic_stream_masks_split_secret_and_restores() {
    let h = start().await;
    let body = r#"{"model":"claude","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"write to bob@acme.io"}]}"#;
    let (status, _, out) = h.post("/v1/messages", "sse-anthropic", body).await;
    assert_eq!(status, 200);
    assert!(
        !out.contains(&PLANT[..12]) && !out.contains(&PLANT[20..]),
        "{out}"
    );
    assert_eq!(
        sse_text(&out, true),
        "Token [REDACTED:github-pat] and bob@acme.io ok."
    );
    assert!(out.contains("event: message_stop"), "{out}");
}

#[tokio::test]
async fn stream_text_is_not_held_until_the_end() {
    let h = start().await;
    let t0 = Instant::now();
    let r = h
        .client
        .post(format!("{}/v1/chat/completions", h.base))
        .header("x-fake-mode", "sse-slow")
        .body(chat("hi", true))
        .send()
        .await
        .unwrap();
    let mut s = r.bytes_stream();
    let mut got = String::new();
    // The upstream takes ~300 ms per event; the first words must arrive long
    // before the stream ends (≈ 2.4 s).
    while !sse_text(&got, false).starts_with("Hello ") {
        let chunk = s.next().await.unwrap().unwrap();
        got.push_str(&String::from_utf8_lossy(&chunk));
    }
    let first_text = t0.elapsed();
    assert!(first_text < Duration::from_millis(1500), "{first_text:?}");
    while let Some(c) = s.next().await {
        got.push_str(&String::from_utf8_lossy(&c.unwrap()));
    }
    assert_eq!(sse_text(&got, false), "Hello there, this is slow.");
}

#[tokio::test]
async fn canary_and_registered_secret_always_block() {
    let h = start_with(|c| {
        c.routes[0].policy.default = stanch_gateway::Action::Allow;
    })
    .await;
    for (secret, rule) in [(CANARY, "canary-token"), (REGISTERED, "registered-secret")] {
        let (status, headers, body) = h
            .post(
                "/v1/messages",
                "json",
                &format!(
                    r#"{{"model":"c","messages":[{{"role":"user","content":"x {secret} y"}}]}}"#
                ),
            )
            .await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(headers["x-stanch-error"], "stanch_blocked");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["type"], "error");
        assert_eq!(v["error"]["type"], "permission_error");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{rule} ×1")),
            "{body}"
        );
        assert!(!body.contains(secret));
    }
    assert!(
        h.upstream_bodies().is_empty(),
        "nothing reached the upstream"
    );
    let m = h.metrics().await;
    assert!(!m.contains(CANARY) && !m.contains(REGISTERED));
    assert!(
        m.contains(r#"stanch_blocked_total{route="quickstart"} 2"#),
        "{m}"
    );
}

#[tokio::test]
async fn policy_warn_and_block_actions() {
    let h = start_with(|c| {
        c.routes[0].policy.by_category.insert(
            stanch_gateway::policy::CategoryKey::Pii,
            stanch_gateway::Action::Warn,
        );
        c.routes[0]
            .policy
            .by_rule
            .insert("github-pat".into(), stanch_gateway::Action::RequireApproval);
    })
    .await;
    let (status, headers, _) = h.chat("mail bob@acme.io").await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-stanch-warnings"], "email=1");
    assert!(
        h.upstream_bodies().pop().unwrap().contains("bob@acme.io"),
        "warn passes unchanged"
    );
    let (status, _, body) = h.chat(&format!("t {GH}")).await;
    assert_eq!(status, 403);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "stanch_blocked");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("github-pat ×1"));
    assert!(!body.contains(GH));
}

#[tokio::test]
async fn malformed_truncated_and_oversized_bodies() {
    let h = start().await;
    for bad in ["{", "not json", r#"{"messages":[}"#] {
        let (status, _, body) = h.post("/v1/chat/completions", "json", bad).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body.contains("stanch_unreadable_body"), "{body}");
    }
    let big = chat(&"a".repeat(70 * 1024), false);
    let (status, _, body) = h.post("/v1/messages", "json", &big).await;
    assert_eq!(status, 413);
    assert!(body.contains("request_too_large"), "{body}");
    // Declared length larger than what is sent, then the client hangs up.
    let addr = h.base.strip_prefix("http://").unwrap().to_string();
    let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
    use tokio::io::AsyncWriteExt;
    sock.write_all(
        b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 500\r\n\r\n{\"model\":",
    )
    .await
    .unwrap();
    sock.shutdown().await.unwrap();
    drop(sock);
    assert!(h.upstream_bodies().is_empty());
    // Still healthy.
    let ok = h
        .client
        .get(format!("{}/healthz", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let (status, _, _) = h.chat("hello").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn upstream_failures_map_to_502_and_504() {
    let h = start().await;
    let (status, _, body) = h
        .post("/v1/chat/completions", "slow", &chat("x", false))
        .await;
    assert_eq!(status, 504, "{body}");
    assert!(body.contains("stanch_upstream_timeout"));
    // Upstream error statuses pass through, scanned.
    let (status, _, body) = h
        .post("/v1/chat/completions", "error500", &chat("x", false))
        .await;
    assert_eq!(status, 500);
    assert!(!body.contains(PLANT), "{body}");
    // Nothing listening.
    let dead = start_with(|c| c.routes[0].upstream = "http://127.0.0.1:9".into()).await;
    let (status, _, body) = dead.post("/v1/messages", "json", "{}").await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("\"type\":\"api_error\""), "{body}");
    let m = dead.metrics().await;
    assert!(
        m.contains(r#"stanch_upstream_errors_total{kind="connect",route="quickstart"} 1"#),
        "{m}"
    );
}

#[tokio::test]
async fn upstream_dropping_mid_stream_ends_with_an_error_event() {
    let h = start().await;
    let (status, _, body) = h
        .post("/v1/chat/completions", "sse-drop", &chat("x", true))
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("stanch_upstream_error"), "{body}");
    assert!(!body.contains(&PLANT[..12]), "{body}");
    let (status, _, _) = h.chat("x").await;
    assert_eq!(status, 200, "still serving");
}

#[tokio::test]
async fn kill_switch_refuses_and_cuts_open_streams() {
    let h = start().await;
    let r = h
        .client
        .post(format!("{}/v1/chat/completions", h.base))
        .header("x-fake-mode", "sse-slow")
        .body(chat("hi", true))
        .send()
        .await
        .unwrap();
    let mut s = r.bytes_stream();
    let first = s.next().await.unwrap().unwrap();
    assert!(!first.is_empty());
    // Engage through the admin endpoint (loopback peer, no token configured).
    let a = h
        .client
        .post(format!("{}/admin/kill-switch", h.base))
        .body("on")
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 200);
    let mut rest = String::new();
    let t0 = Instant::now();
    while let Some(c) = s.next().await {
        rest.push_str(&String::from_utf8_lossy(&c.unwrap()));
    }
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(rest.contains("stanch_kill_switch"), "{rest}");
    let (status, _, body) = h.chat("x").await;
    assert_eq!(status, 503, "{body}");
    let ready = h
        .client
        .get(format!("{}/readyz", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    h.kill.set(false);
    let (status, _, _) = h.chat("x").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn unknown_paths_404_and_models_pass() {
    let h = start().await;
    let r = h
        .client
        .get(format!("{}/v1/files", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = h
        .client
        .get(format!("{}/v1/models", h.base))
        .header("x-fake-mode", "json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn http2_clients_are_served() {
    let h = start().await;
    let c = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let r = c
        .post(format!("{}/v1/chat/completions", h.base))
        .header("x-fake-mode", "json")
        .body(chat(&format!("t {GH}"), false))
        .send()
        .await
        .unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    assert_eq!(r.status(), 200);
    assert!(!h.upstream_bodies().pop().unwrap().contains(GH));
}

#[tokio::test]
async fn fail_open_forwards_unparseable_bodies_and_records_it() {
    let h = start_with(|c| c.routes[0].policy.fail_open = true).await;
    let (status, _, _) = h
        .post("/v1/chat/completions", "json", "not json at all")
        .await;
    assert_eq!(status, 200);
    assert_eq!(h.upstream_bodies().pop().unwrap(), "not json at all");
    let m = h.metrics().await;
    assert!(
        m.contains(r#"stanch_requests_total{decision="fail_open",route="quickstart"} 1"#),
        "{m}"
    );
}

#[tokio::test]
async fn admin_endpoint_needs_the_token_when_one_is_set() {
    let h = start_with(|c| {
        c.admin_token = Some(stanch_gateway::AdminToken::new(
            "admin-token-0123456789".into(),
        ))
    })
    .await;
    let url = format!("{}/admin/kill-switch", h.base);
    let r = h.client.post(&url).body("on").send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r = h
        .client
        .post(&url)
        .bearer_auth("wrong-token-0123456789")
        .body("on")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(!h.kill.engaged());
    let r = h
        .client
        .post(&url)
        .bearer_auth("admin-token-0123456789")
        .body("on")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(h.kill.engaged());
    let r = h
        .client
        .post(&url)
        .bearer_auth("admin-token-0123456789")
        .body("maybe")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn client_going_away_mid_stream_frees_the_stream() {
    let h = start().await;
    let r = h
        .client
        .post(format!("{}/v1/chat/completions", h.base))
        .header("x-fake-mode", "sse-slow")
        .body(chat("hi", true))
        .send()
        .await
        .unwrap();
    let mut s = r.bytes_stream();
    let _ = s.next().await.unwrap().unwrap();
    assert!(h.metrics().await.contains("stanch_open_streams 1"));
    drop(s);
    // The relay notices on its next write (the upstream sends every 300 ms).
    let t0 = Instant::now();
    loop {
        let m = h.metrics().await;
        if m.contains("stanch_open_streams 0") {
            assert!(
                m.contains(r#"stanch_requests_total{decision="client_gone",route="quickstart"} 1"#),
                "{m}"
            );
            assert!(
                m.contains("stanch_scan_duration_seconds_count{direction=\"response\"} 1"),
                "{m}"
            );
            assert!(
                m.contains("stanch_request_duration_seconds_count{route=\"quickstart\"} 1"),
                "{m}"
            );
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(5), "{m}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ok = h
        .client
        .get(format!("{}/healthz", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

/// `upstream_proxy`: upstream connections go through the given proxy (here
/// the fake provider answers as the proxy; the upstream host does not
/// even resolve), and its URL's credentials never show in `Debug`.
#[tokio::test]
async fn upstream_connections_go_through_the_configured_proxy() {
    let h = start_with(|c| {
        let fake = c.routes[0].upstream.clone();
        c.routes[0].upstream = "http://provider.invalid".into();
        c.upstream_proxy = Some(
            stanch_gateway::config::UpstreamProxy::parse(
                &fake.replace("http://", "http://proxyuser:proxy-pass-Secret1@"),
            )
            .unwrap(),
        );
        assert!(!format!("{c:?}").contains("proxy-pass-Secret1"));
    })
    .await;
    let (st, _, body) = h.chat(&format!("t {GH}")).await;
    assert_eq!(st, 200, "{body}");
    let got = h.upstream_bodies();
    assert_eq!(got.len(), 1);
    assert!(!got[0].contains(GH));
    assert!(stanch_gateway::config::UpstreamProxy::parse("ftp://x").is_err());
    assert!(stanch_gateway::config::UpstreamProxy::parse("env").is_ok());
}
