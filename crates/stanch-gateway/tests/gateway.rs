//! End-to-end tests: a real gateway on a loopback port in front of a fake
//! provider (axum) that records what it received and answers according to
//! an `x-fake-mode` request header (which the gateway passes through).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use futures_util::StreamExt;
use stanch_gateway::{Engine, Gateway, GatewayConfig, KillSwitch};
use stanch_redact::taint::{TaintBuilder, TaintKind};
use stanch_redact::{Key, Policy, Redactor};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const GH: &str = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
/// Planted by the fake provider in its answers.
const PLANT: &str = "ghp_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210";
const CANARY: &str = "stanch-canary-Q7f3Kx9LmP2vR8tZ";
const REGISTERED: &str = "hunter2-registered-Secret-Value";

#[derive(Default)]
struct Seen {
    bodies: Vec<String>,
    auth: Vec<String>,
}

type Shared = Arc<Mutex<Seen>>;

async fn fake(State(seen): State<Shared>, req: Request) -> Response {
    let mode = req
        .headers()
        .get("x-fake-mode")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("json")
        .to_string();
    let auth = req
        .headers()
        .get("authorization")
        .or_else(|| req.headers().get("x-api-key"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = axum::body::to_bytes(req.into_body(), 1 << 24)
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&body).into_owned();
    // Echo back a pseudonym it received, so restore can be checked.
    let pseudo = body
        .find("<email:")
        .map(|i| body[i..i + 16].to_string())
        .unwrap_or_default();
    {
        let mut s = seen.lock().unwrap();
        s.bodies.push(body);
        s.auth.push(auth);
    }
    let answer = format!("Token {PLANT} and {pseudo} ok.");
    match mode.as_str() {
        "json" => json(format!(
            r#"{{"id":"c","object":"chat.completion","choices":[{{"index":0,"message":{{"role":"assistant","content":{}}},"finish_reason":"stop"}}]}}"#,
            serde_json::to_string(&answer).unwrap()
        )),
        "anthropic-json" => json(format!(
            r#"{{"id":"m","type":"message","role":"assistant","content":[{{"type":"text","text":{}}}],"stop_reason":"end_turn"}}"#,
            serde_json::to_string(&answer).unwrap()
        )),
        "sse-openai" => sse(openai_events(&answer), Duration::ZERO, false),
        "sse-anthropic" => sse(anthropic_events(&answer), Duration::ZERO, false),
        "sse-slow" => sse(
            openai_events("Hello there, this is slow."),
            Duration::from_millis(300),
            false,
        ),
        "sse-drop" => sse(openai_events(&answer), Duration::ZERO, true),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            json("{}".into())
        }
        "error500" => Response::builder()
            .status(500)
            .header("content-type", "application/json")
            .body(Body::from(format!(
                r#"{{"error":{{"message":"upstream saw {PLANT}"}}}}"#
            )))
            .unwrap(),
        _ => json("{}".into()),
    }
}

fn json(body: String) -> Response {
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

fn pieces(text: &str, n: usize) -> Vec<String> {
    text.as_bytes()
        .chunks(n)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect()
}

fn openai_events(text: &str) -> Vec<String> {
    let mut evs = vec![r#"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#.to_string()];
    for p in pieces(text, 5) {
        evs.push(format!(
            r#"data: {{"id":"c","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{{"content":{}}},"finish_reason":null}}]}}"#,
            serde_json::to_string(&p).unwrap()
        ));
    }
    evs.push(r#"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.into());
    evs.push("data: [DONE]".into());
    evs
}

fn anthropic_events(text: &str) -> Vec<String> {
    let mut evs = vec![
        r#"event: message_start
data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"c","usage":{"input_tokens":1,"output_tokens":1}}}"#.to_string(),
        r#"event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#.into(),
    ];
    for p in pieces(text, 4) {
        evs.push(format!(
            "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":{}}}}}",
            serde_json::to_string(&p).unwrap()
        ));
    }
    evs.push(
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}".into(),
    );
    evs.push("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}".into());
    evs.push("event: message_stop\ndata: {\"type\":\"message_stop\"}".into());
    evs
}

fn sse(events: Vec<String>, delay: Duration, drop_midway: bool) -> Response {
    let n = events.len();
    let stream =
        futures_util::stream::iter(events.into_iter().enumerate()).then(move |(i, e)| async move {
            if i > 0 {
                tokio::time::sleep(delay).await;
            }
            if drop_midway && i == n / 2 {
                return Err(std::io::Error::other("dropped"));
            }
            Ok::<_, std::io::Error>(bytes::Bytes::from(format!("{e}\n\n")))
        });
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(stream))
        .unwrap()
}

struct Harness {
    gw: Gateway,
    upstream: String,
    base: String,
    seen: Shared,
    kill: KillSwitch,
    client: reqwest::Client,
}

fn engine() -> Engine {
    let db = stanch_engine::pack::builtin().unwrap();
    let mut b = TaintBuilder::new();
    b.add(
        Zeroizing::new(CANARY.as_bytes().to_vec()),
        "test canary",
        TaintKind::Canary,
    );
    b.add(
        Zeroizing::new(REGISTERED.as_bytes().to_vec()),
        "test secret",
        TaintKind::Registered,
    );
    let (set, _) = b.build(&db).unwrap();
    let db = db.with_extension(Arc::new(set));
    Engine::new(Redactor::new(
        db,
        Key::parse(&[b'k'; 32]).unwrap(),
        Policy::default(),
    ))
}

async fn start_with(tweak: impl FnOnce(&mut GatewayConfig)) -> Harness {
    let seen: Shared = Arc::default();
    let up = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let up_addr = up.local_addr().unwrap();
    let app = axum::Router::new().fallback(fake).with_state(seen.clone());
    tokio::spawn(async move { axum::serve(up, app).await.unwrap() });

    let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let mut cfg = GatewayConfig::quick_start(&format!("http://{up_addr}"), listen).unwrap();
    cfg.upstream_timeout = Duration::from_millis(1500);
    cfg.body_limit = 64 * 1024;
    tweak(&mut cfg);
    let gw = Gateway::new(cfg, engine()).unwrap();
    let kill = gw.kill_switch();
    let listener = tokio::net::TcpListener::bind(listen).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(gw.clone().serve(listener, std::future::pending()));
    Harness {
        gw,
        upstream: format!("http://{up_addr}"),
        base: format!("http://{addr}"),
        seen,
        kill,
        client: reqwest::Client::new(),
    }
}

async fn start() -> Harness {
    start_with(|_| {}).await
}

impl Harness {
    async fn post(
        &self,
        path: &str,
        mode: &str,
        body: &str,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("authorization", "Bearer sk-client-own-key")
            .header("x-fake-mode", mode)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.text().await.unwrap())
    }

    fn upstream_bodies(&self) -> Vec<String> {
        self.seen.lock().unwrap().bodies.clone()
    }

    async fn metrics(&self) -> String {
        self.client
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

fn chat(content: &str, stream: bool) -> String {
    format!(
        r#"{{"model":"gpt-4o","stream":{stream},"messages":[{{"role":"system","content":"be brief"}},{{"role":"user","content":{}}}]}}"#,
        serde_json::to_string(content).unwrap()
    )
}

fn sse_text(body: &str, anthropic: bool) -> String {
    let mut text = String::new();
    for ev in body.split("\n\n") {
        let Some(data) = ev.lines().find_map(|l| l.strip_prefix("data: ")) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(data) else {
            continue;
        };
        let piece = if anthropic {
            &v["delta"]["text"]
        } else {
            &v["choices"][0]["delta"]["content"]
        };
        text.push_str(piece.as_str().unwrap_or(""));
    }
    text
}

#[tokio::test]
async fn openai_json_request_redacted_answer_masked_and_restored() {
    let h = start().await;
    let (status, headers, body) = h
        .post(
            "/v1/chat/completions",
            "json",
            &chat(&format!("deploy with {GH}, mail bob@acme.io"), false),
        )
        .await;
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
    let (status, headers, _) = h
        .post(
            "/v1/chat/completions",
            "json",
            &chat("mail bob@acme.io", false),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-stanch-warnings"], "email=1");
    assert!(
        h.upstream_bodies().pop().unwrap().contains("bob@acme.io"),
        "warn passes unchanged"
    );
    let (status, _, body) = h
        .post(
            "/v1/chat/completions",
            "json",
            &chat(&format!("t {GH}"), false),
        )
        .await;
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
    let (status, _, _) = h
        .post("/v1/chat/completions", "json", &chat("hello", false))
        .await;
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
    let (status, _, _) = h
        .post("/v1/chat/completions", "json", &chat("x", false))
        .await;
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
    let (status, _, body) = h
        .post("/v1/chat/completions", "json", &chat("x", false))
        .await;
    assert_eq!(status, 503, "{body}");
    let ready = h
        .client
        .get(format!("{}/readyz", h.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    h.kill.set(false);
    let (status, _, _) = h
        .post("/v1/chat/completions", "json", &chat("x", false))
        .await;
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

fn write_config(dir: &std::path::Path, upstream: &str, models: &str) -> std::path::PathBuf {
    let p = dir.join("gateway.toml");
    std::fs::write(
        &p,
        format!(
            r#"
keys_file = "keys.toml"
[[routes]]
name = "oa"
prefix = "/openai"
provider = "openai"
upstream = "{upstream}"
models = [{models}]
roles = ["dev"]
credential_env = "STANCH_TEST_UPSTREAM_KEY"
role_actions.dev = {{ pii = "warn" }}
[[routes]]
name = "an"
prefix = "/anthropic"
provider = "anthropic"
upstream = "{upstream}"
roles = ["admin"]
"#
        ),
    )
    .unwrap();
    p
}

#[tokio::test]
async fn config_mode_keys_roles_models_credentials_and_reload() {
    let dir = std::env::temp_dir().join(format!("stanch-gw-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (alice, rec) = stanch_gateway::keys::mint("alice", "dev").unwrap();
    std::fs::write(
        dir.join("keys.toml"),
        stanch_gateway::keys::record_toml(&rec),
    )
    .unwrap();
    std::env::set_var("STANCH_TEST_UPSTREAM_KEY", "sk-upstream-route-secret");
    let h = start().await;
    let path = write_config(&dir, &h.upstream, r#""gpt-4o-mini""#);
    h.gw.reload(&path).unwrap();
    let call = |key: Option<&str>, path: &str, model: &str| {
        let mut r = h
            .client
            .post(format!("{}{path}", h.base))
            .header("x-fake-mode", "json")
            .body(format!(
                r#"{{"model":"{model}","messages":[{{"role":"user","content":"t {GH}"}}]}}"#
            ));
        if let Some(k) = key {
            r = r.bearer_auth(k);
        }
        async move {
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    // No key, a wrong key: 401 in the provider's format.
    let (st, body) = call(None, "/openai/v1/chat/completions", "gpt-4o-mini").await;
    assert_eq!(st, 401, "{body}");
    assert!(body.contains("authentication_error"), "{body}");
    assert_eq!(
        call(
            Some("stk_wrong"),
            "/openai/v1/chat/completions",
            "gpt-4o-mini"
        )
        .await
        .0,
        401
    );
    // Right key, wrong role for the route: 403.
    let (st, body) = call(Some(&alice), "/anthropic/v1/messages", "c").await;
    assert_eq!(st, 403, "{body}");
    assert!(body.contains("stanch_forbidden_route") || body.contains("permission_error"));
    // Model not allowed: 403; nothing went upstream so far.
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-5")
            .await
            .0,
        403
    );
    // A second `model` key (which some parsers let win) is checked too.
    let dup = r#"gpt-4o-mini","model":"gpt-5"#;
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", dup)
            .await
            .0,
        403
    );
    assert!(h.upstream_bodies().is_empty());
    // Allowed: the upstream gets the route's credential, never the gateway key.
    let (st, body) = call(Some(&alice), "/openai/v1/chat/completions", "gpt-4o-mini").await;
    assert_eq!(st, 200, "{body}");
    let auth = h.seen.lock().unwrap().auth.pop().unwrap();
    assert_eq!(auth, "Bearer sk-upstream-route-secret");
    assert!(!h.upstream_bodies().pop().unwrap().contains(GH));
    // The dev role's own policy: personal data is only warned about.
    let r = h
        .client
        .post(format!("{}/openai/v1/chat/completions", h.base))
        .bearer_auth(alice.as_str())
        .header("x-fake-mode", "json")
        .body(chat("mail bob@acme.io", false).replace("gpt-4o", "gpt-4o-mini"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-stanch-warnings"], "email=1");
    assert!(h.upstream_bodies().pop().unwrap().contains("bob@acme.io"));
    // Quick-start paths are gone in config mode.
    assert_eq!(
        call(Some(&alice), "/v1/chat/completions", "gpt-4o-mini")
            .await
            .0,
        404
    );
    // An invalid new config leaves the running one in place.
    std::fs::write(&path, "routes = 3\n").unwrap();
    assert!(h.gw.reload(&path).is_err());
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-4o-mini")
            .await
            .0,
        200
    );
    // A valid one takes effect: now gpt-5 is the allowed model.
    write_config(&dir, &h.upstream, r#""gpt-5""#);
    h.gw.reload(&path).unwrap();
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-5")
            .await
            .0,
        200
    );
    assert_eq!(
        call(Some(&alice), "/openai/v1/chat/completions", "gpt-4o-mini")
            .await
            .0,
        403
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An Ed25519 identity provider for tests: (JWKS document, token signer).
fn test_idp() -> (String, impl Fn(serde_json::Value) -> String) {
    use base64::Engine as _;
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
        .unwrap()
        .as_ref()
        .to_vec();
    let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).unwrap();
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"k1","alg":"EdDSA"}}]}}"#
    );
    let sign = move |claims: serde_json::Value| {
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        h.kid = Some("k1".into());
        jsonwebtoken::encode(&h, &claims, &jsonwebtoken::EncodingKey::from_ed_der(&pkcs8)).unwrap()
    };
    (jwks, sign)
}

#[tokio::test]
async fn oidc_tokens_decide_routes() {
    let dir = std::env::temp_dir().join(format!("stanch-gw-oidc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (jwks, sign) = test_idp();
    std::fs::write(dir.join("jwks.json"), jwks).unwrap();
    let h = start().await;
    let path = dir.join("gateway.toml");
    std::fs::write(
        &path,
        format!(
            r#"
oidc = {{ jwks_file = "jwks.json", issuer = "https://idp.test", audience = "stanch", role_claim = "roles" }}
[[routes]]
name = "oa"
prefix = "/openai"
provider = "openai"
upstream = "{}"
roles = ["dev"]
"#,
            h.upstream
        ),
    )
    .unwrap();
    h.gw.reload(&path).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let token = |roles: &[&str], aud: &str, exp: u64| {
        sign(
            serde_json::json!({"iss": "https://idp.test", "aud": aud, "exp": exp, "sub": "user-7", "roles": roles}),
        )
    };
    let call = |t: String| {
        let r = h
            .client
            .post(format!("{}/openai/v1/chat/completions", h.base))
            .bearer_auth(t)
            .header("x-fake-mode", "json")
            .body(chat("hello", false));
        async move {
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let good = token(&["dev"], "stanch", now + 300);
    let (st, body) = call(good.clone()).await;
    assert_eq!(st, 200, "{body}");
    // The token is the caller's credential to the gateway: not forwarded.
    assert_eq!(h.seen.lock().unwrap().auth.pop().unwrap(), "");
    let (st, body) = call(token(&["guest"], "stanch", now + 300)).await;
    assert_eq!(st, 403, "{body}");
    let (st, body) = call(token(&["dev"], "stanch", now - 300)).await;
    assert_eq!((st, body.contains("token expired")), (401, true), "{body}");
    let (st, body) = call(token(&["dev"], "other", now + 300)).await;
    assert_eq!((st, body.contains("audience")), (401, true), "{body}");
    assert!(!body.contains(&good[..20]));
    // Same signature over changed claims.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = good.split('.').collect();
    let claims = String::from_utf8(b64.decode(parts[1]).unwrap()).unwrap();
    let forged = b64.encode(claims.replace("user-7", "admin"));
    let (st, body) = call(format!("{}.{forged}.{}", parts[0], parts[2])).await;
    assert_eq!(
        (st, body.contains("signature invalid")),
        (401, true),
        "{body}"
    );
    let _ = std::fs::remove_dir_all(&dir);
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
