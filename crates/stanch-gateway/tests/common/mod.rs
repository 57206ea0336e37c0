//! Shared by the integration tests: a fake provider (axum) that records
//! what it received and answers according to an `x-fake-mode` request
//! header (passed through by the gateway), and a gateway in front of it.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use futures_util::StreamExt;
use stanch_gateway::{Engine, Gateway, GatewayConfig, KillSwitch};
use stanch_redact::taint::{TaintBuilder, TaintKind};
use stanch_redact::{Key, Policy, Redactor};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use zeroize::Zeroizing;

pub const GH: &str = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
/// Planted by the fake provider in its answers.
pub const PLANT: &str = "ghp_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210";
pub const CANARY: &str = "stanch-canary-Q7f3Kx9LmP2vR8tZ";
pub const REGISTERED: &str = "hunter2-registered-Secret-Value";

#[derive(Default)]
pub struct Seen {
    pub bodies: Vec<String>,
    pub auth: Vec<String>,
    /// Names of every request header received.
    pub header_names: Vec<String>,
}

pub type Shared = Arc<Mutex<Seen>>;

pub async fn fake(State(seen): State<Shared>, req: Request) -> Response {
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
    let names: Vec<String> = req.headers().keys().map(|k| k.to_string()).collect();
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
        s.header_names.extend(names);
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

pub fn json(body: String) -> Response {
    Response::builder()
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

pub fn pieces(text: &str, n: usize) -> Vec<String> {
    text.as_bytes()
        .chunks(n)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect()
}

pub fn openai_events(text: &str) -> Vec<String> {
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

pub fn anthropic_events(text: &str) -> Vec<String> {
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

pub fn sse(events: Vec<String>, delay: Duration, drop_midway: bool) -> Response {
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

pub struct Harness {
    pub gw: Gateway,
    pub upstream: String,
    pub base: String,
    pub seen: Shared,
    pub kill: KillSwitch,
    pub client: reqwest::Client,
}

pub fn engine() -> Engine {
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

pub async fn start_with(tweak: impl FnOnce(&mut GatewayConfig)) -> Harness {
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

pub async fn start() -> Harness {
    start_with(|_| {}).await
}

impl Harness {
    pub async fn post(
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

    /// A plain (not streamed) OpenAI chat request with one user message.
    pub async fn chat(&self, content: &str) -> (u16, reqwest::header::HeaderMap, String) {
        self.post("/v1/chat/completions", "json", &chat(content, false))
            .await
    }

    pub fn upstream_bodies(&self) -> Vec<String> {
        self.seen.lock().unwrap().bodies.clone()
    }

    pub async fn metrics(&self) -> String {
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

pub fn chat(content: &str, stream: bool) -> String {
    format!(
        r#"{{"model":"gpt-4o","stream":{stream},"messages":[{{"role":"system","content":"be brief"}},{{"role":"user","content":{}}}]}}"#,
        serde_json::to_string(content).unwrap()
    )
}

pub fn sse_text(body: &str, anthropic: bool) -> String {
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
