use super::*;
use crate::inspect::tests::{engine, GH};

/// OpenAI chat chunks carrying `pieces` as content, then a finish and `[DONE]`.
fn openai_stream(pieces: &[&str]) -> Vec<Vec<u8>> {
    let mut evs = vec![
        br#"data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#.to_vec(),
    ];
    for p in pieces {
        let data = Json::obj([
            ("id", Json::str("c1")),
            ("object", Json::str("chat.completion.chunk")),
            (
                "choices",
                Json::Array(vec![Json::obj([
                    ("index", Json::Number(0.into())),
                    ("delta", Json::obj([("content", Json::str(*p))])),
                    ("finish_reason", Json::Null),
                ])]),
            ),
        ]);
        evs.push([b"data: ".as_slice(), &data.to_vec()].concat());
    }
    evs.push(br#"data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#.to_vec());
    evs.push(b"data: [DONE]".to_vec());
    evs.into_iter()
        .map(|mut e| {
            e.extend_from_slice(b"\n\n");
            e
        })
        .collect()
}

fn anthropic_stream(pieces: &[&str]) -> Vec<Vec<u8>> {
    let mut evs = vec![
        b"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"c\"}}".to_vec(),
        b"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}".to_vec(),
        b"event: ping\ndata: {\"type\":\"ping\"}".to_vec(),
    ];
    for p in pieces {
        let data = Json::obj([
            ("type", Json::str("content_block_delta")),
            ("index", Json::Number(0.into())),
            (
                "delta",
                Json::obj([("type", Json::str("text_delta")), ("text", Json::str(*p))]),
            ),
        ]);
        evs.push(
            [
                b"event: content_block_delta\ndata: ".as_slice(),
                &data.to_vec(),
            ]
            .concat(),
        );
    }
    evs.push(
        b"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}".to_vec(),
    );
    evs.push(b"event: message_stop\ndata: {\"type\":\"message_stop\"}".to_vec());
    evs.into_iter()
        .map(|mut e| {
            e.extend_from_slice(b"\n\n");
            e
        })
        .collect()
}

/// Runs events through a rewriter; returns the output and the concatenated
/// delta text the client sees.
fn rewrite(p: Provider, events: &[Vec<u8>], map: Option<&RestoreMap>) -> (String, String) {
    rewrite_with(&engine(), p, events, map)
}

fn rewrite_with(
    e: &Engine,
    p: Provider,
    events: &[Vec<u8>],
    map: Option<&RestoreMap>,
) -> (String, String) {
    let policy = RoutePolicy::default();
    let mut r = SseRewriter::new(p, e, &policy, map);
    let mut out = Vec::new();
    for ev in events {
        r.push(ev, &mut out).unwrap();
    }
    r.finish(&mut out);
    let out = String::from_utf8(out).unwrap();
    (out.clone(), client_text(p, &out))
}

/// What an SDK would assemble from the stream.
fn client_text(p: Provider, stream: &str) -> String {
    let mut text = String::new();
    for ev in stream.split("\n\n").filter(|e| !e.is_empty()) {
        let data = ev
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .unwrap_or("");
        let Ok(v) = serde_json::from_str::<serde_json::Value>(data) else {
            continue;
        };
        match p {
            Provider::Anthropic => {
                if v["type"] == "content_block_delta" {
                    text.push_str(v["delta"]["text"].as_str().unwrap_or(""));
                }
            }
            _ => {
                if let Some(c) = v["choices"][0]["delta"]["content"].as_str() {
                    text.push_str(c);
                }
            }
        }
    }
    text
}

#[test]
fn parser_frames_events_split_anywhere() {
    let stream = b"event: a\r\ndata: 1\r\n\r\ndata: 2\n\n: comment\n\ndata: 3\n\n";
    for i in 0..stream.len() {
        let mut p = SseParser::default();
        let mut evs = p.push(&stream[..i]).unwrap();
        evs.extend(p.push(&stream[i..]).unwrap());
        assert_eq!(evs.len(), 4, "split at {i}");
        assert_eq!(evs[0], b"event: a\r\ndata: 1\r\n\r\n");
        assert!(p.finish().is_empty());
    }
    let mut p = SseParser::default();
    assert!(p.push(&vec![b'x'; MAX_EVENT + 1]).is_err());
}

#[test]
fn secret_split_across_deltas_never_reaches_the_client() {
    let e = engine();
    let text = format!("Your token is {GH} and mail bob@acme.io. Done.");
    for provider in [Provider::OpenAi, Provider::Anthropic] {
        for i in 1..text.len() {
            for step in [1usize, 7] {
                // Split at i, then every `step` bytes after: many delta shapes.
                let mut pieces = vec![&text[..i]];
                let mut pos = i;
                while pos < text.len() {
                    let mut end = (pos + step).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    pieces.push(&text[pos..end]);
                    pos = end;
                }
                let events = match provider {
                    Provider::Anthropic => anthropic_stream(&pieces),
                    _ => openai_stream(&pieces),
                };
                let (out, seen) = rewrite_with(&e, provider, &events, None);
                assert!(
                    !out.contains(&GH[..20]) && !out.contains(&GH[20..]),
                    "{provider:?} {i} {step}: {out}"
                );
                assert!(!out.contains("bob@acme.io"), "{out}");
                assert!(
                    seen.starts_with("Your token is [REDACTED:github-pat] and mail <email:"),
                    "{seen}"
                );
                assert!(seen.ends_with(">. Done."), "{seen}");
                if provider == Provider::OpenAi {
                    assert!(out.ends_with("data: [DONE]\n\n"), "{out}");
                } else {
                    assert!(
                        out.ends_with("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
                    );
                }
            }
        }
    }
}

#[test]
fn clean_deltas_go_out_at_once_and_streams_stay_well_formed() {
    let e = engine();
    let policy = RoutePolicy::default();
    for provider in [Provider::OpenAi, Provider::Anthropic] {
        let pieces = ["Hello ", "there, ", "how ", "are ", "you?"];
        let events = match provider {
            Provider::Anthropic => anthropic_stream(&pieces),
            _ => openai_stream(&pieces),
        };
        let mut r = SseRewriter::new(provider, &e, &policy, None);
        let mut out = Vec::new();
        let mut seen_so_far = Vec::new();
        for ev in &events {
            r.push(ev, &mut out).unwrap();
            seen_so_far.push(client_text(provider, &String::from_utf8_lossy(&out)));
        }
        r.finish(&mut out);
        let first_delta = if provider == Provider::Anthropic {
            3
        } else {
            1
        };
        // After each word-ending delta, all text so far has gone out.
        assert_eq!(seen_so_far[first_delta], "Hello ");
        assert_eq!(seen_so_far[first_delta + 3], "Hello there, how are ");
        let all = String::from_utf8(out).unwrap();
        assert_eq!(client_text(provider, &all), "Hello there, how are you?");
        // Every event is valid: each data line is JSON or [DONE].
        for ev in all.split("\n\n").filter(|e| !e.is_empty()) {
            let data = ev.lines().find_map(|l| l.strip_prefix("data: ")).unwrap();
            assert!(
                data == "[DONE]" || serde_json::from_str::<serde_json::Value>(data).is_ok(),
                "{data}"
            );
        }
        assert!(r.tally.is_empty());
    }
}

#[test]
fn tool_call_arguments_and_partial_json_are_masked() {
    // OpenAI tool call arguments split across chunks.
    let args = format!("{{\"token\": \"{GH}\"}}");
    let (a, b) = args.split_at(20);
    let chunk = |s: &str, first: bool| {
        let mut call = vec![("index", Json::Number(0.into()))];
        if first {
            call.push(("id", Json::str("call_1")));
        }
        let call = Json::Object(
            call.into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .chain([(
                    "function".to_string(),
                    Json::obj([("arguments", Json::str(s))]),
                )])
                .collect(),
        );
        let d = Json::obj([(
            "choices",
            Json::Array(vec![Json::obj([
                ("index", Json::Number(0.into())),
                (
                    "delta",
                    Json::obj([("tool_calls", Json::Array(vec![call]))]),
                ),
                ("finish_reason", Json::Null),
            ])]),
        )]);
        [b"data: ".as_slice(), &d.to_vec(), b"\n\n"].concat()
    };
    let events = vec![
        chunk(a, true),
        chunk(b, false),
        br#"data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#.to_vec(),
        b"\n\ndata: [DONE]\n\n".to_vec(),
    ];
    let (out, _) = rewrite(Provider::OpenAi, &events, None);
    assert!(
        !out.contains(&GH[..12]) && !out.contains(&GH[25..]),
        "{out}"
    );
    let mut args_seen = String::new();
    for ev in out.split("\n\n") {
        if let Some(d) = ev.strip_prefix("data: ") {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(d) {
                if let Some(s) =
                    v["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str()
                {
                    args_seen.push_str(s);
                }
            }
        }
    }
    assert_eq!(args_seen, "{\"token\": \"[REDACTED:github-pat]\"}");

    // Anthropic input_json_delta.
    let (a, b) = args.split_at(25);
    let ev = |s: &str| {
        let d = Json::obj([
            ("type", Json::str("content_block_delta")),
            ("index", Json::Number(1.into())),
            (
                "delta",
                Json::obj([
                    ("type", Json::str("input_json_delta")),
                    ("partial_json", Json::str(s)),
                ]),
            ),
        ]);
        [
            b"event: content_block_delta\ndata: ".as_slice(),
            &d.to_vec(),
            b"\n\n",
        ]
        .concat()
    };
    let events = vec![
        ev(a),
        ev(b),
        b"event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
            .to_vec(),
    ];
    let (out, _) = rewrite(Provider::Anthropic, &events, None);
    assert!(
        !out.contains(&GH[..12]) && !out.contains(&GH[25..]),
        "{out}"
    );
    assert!(out.contains("REDACTED:github-pat"), "{out}");
    assert!(out.contains("\"type\":\"input_json_delta\""), "{out}");
}

#[test]
fn pseudonyms_are_restored_in_streams() {
    let e = engine();
    let mut map = RestoreMap::new();
    let mut s = e.scratch();
    let mut f = Vec::new();
    let p = e
        .redactor()
        .redact_recording(b"bob@acme.io", &mut s, &mut f, &mut map)
        .into_owned();
    drop(s);
    let p = String::from_utf8(p).unwrap();
    let text = format!("I will write to {p} today.");
    let (a, b) = text.split_at(20);
    let (_, seen) = rewrite(Provider::Anthropic, &anthropic_stream(&[a, b]), Some(&map));
    assert_eq!(seen, "I will write to bob@acme.io today.");
}

#[test]
fn non_delta_events_are_scanned_whole() {
    let ev = format!("event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"m\",\"content\":[{{\"type\":\"text\",\"text\":\"t={GH}\"}}]}}}}\n\n");
    let (out, _) = rewrite(Provider::Anthropic, &[ev.into_bytes()], None);
    assert!(
        !out.contains(GH) && out.contains("[REDACTED:github-pat]"),
        "{out}"
    );
    let raw = format!("data: not json {GH}\n\n");
    let (out, _) = rewrite(Provider::OpenAi, &[raw.into_bytes()], None);
    assert!(!out.contains(GH), "{out}");
}

#[test]
fn responses_api_stream_deltas_and_done_events() {
    let (a, b) = GH.split_at(15);
    let ev = |ty: &str, extra: &str| {
        format!("event: {ty}\ndata: {{\"type\":\"{ty}\",\"output_index\":0,\"content_index\":0,{extra}}}\n\n").into_bytes()
    };
    let events = vec![
        ev(
            "response.output_text.delta",
            &format!("\"delta\":\"key {a}\""),
        ),
        ev(
            "response.output_text.delta",
            &format!("\"delta\":\"{b} end\""),
        ),
        ev(
            "response.output_text.done",
            &format!("\"text\":\"key {GH} end\""),
        ),
    ];
    let (out, _) = rewrite(Provider::OpenAi, &events, None);
    assert!(
        !out.contains(&GH[..12]) && !out.contains(&GH[20..]),
        "{out}"
    );
    let mut deltas = String::new();
    for e in out.split("\n\n") {
        if let Some(d) = e.lines().find_map(|l| l.strip_prefix("data: ")) {
            let v: serde_json::Value = serde_json::from_str(d).unwrap();
            if v["type"] == "response.output_text.delta" {
                deltas.push_str(v["delta"].as_str().unwrap());
            }
            if v["type"] == "response.output_text.done" {
                assert_eq!(v["text"], "key [REDACTED:github-pat] end");
            }
        }
    }
    assert_eq!(deltas, "key [REDACTED:github-pat] end");
}

#[test]
fn thinking_and_multiple_blocks_keep_their_own_channels() {
    let d = |i: u64, ty: &str, field: &str, s: &str| {
        let data = Json::obj([
            ("type", Json::str("content_block_delta")),
            ("index", Json::Number(i.into())),
            (
                "delta",
                Json::obj([("type", Json::str(ty)), (field, Json::str(s))]),
            ),
        ]);
        [
            b"event: content_block_delta\ndata: ".as_slice(),
            &data.to_vec(),
            b"\n\n",
        ]
        .concat()
    };
    let stop = |i: u64| {
        format!("event: content_block_stop\ndata: {{\"type\":\"content_block_stop\",\"index\":{i}}}\n\n").into_bytes()
    };
    let (a, b) = GH.split_at(10);
    let events = vec![
        d(0, "thinking_delta", "thinking", &format!("think {a}")),
        d(0, "thinking_delta", "thinking", &format!("{b} done")),
        stop(0),
        d(1, "text_delta", "text", "answer"),
        stop(1),
    ];
    let (out, _) = rewrite(Provider::Anthropic, &events, None);
    assert!(
        !out.contains(&GH[..10]) && !out.contains(&GH[12..]),
        "{out}"
    );
    assert!(
        out.contains("\"thinking\":\"think \"") || out.contains("[REDACTED:github-pat] done"),
        "{out}"
    );
    // Block 0's tail is flushed before its stop, block 1 after its own text.
    let stop0 = out.find("\"content_block_stop\",\"index\":0").unwrap();
    let redacted = out.find("[REDACTED:github-pat]").unwrap();
    assert!(redacted < stop0, "{out}");
}
