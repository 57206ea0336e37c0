//! "Visit every text the model sees": collects every string of a request or
//! response body that can carry text (system prompts, every message, content
//! parts, tool-call arguments, tool results, function outputs, text
//! attachments and base64 text parts) as [`Slot`]s, grouped into runs.
//!
//! One walker serves every provider: unknown fields are visited as generic
//! strings, so a new field of a provider's API is scanned before anyone
//! teaches the gateway about it. What the provider knows is what *not* to
//! touch: structural fields (`model`, `role`, `type`, ids) and binary data
//! (images, audio, PDFs) whose bytes are no text.
//!
//! Adjacent text parts of one content array form one run: the scanner joins
//! them, so a secret split across two parts is still caught.

use crate::json::Json;
use crate::provider::Provider;

/// A string the model sees.
pub enum Slot<'a> {
    /// Plain text, scanned and redacted as is.
    Text(&'a mut String),
    /// Base64 of a text attachment, starting at byte `.1` of the string (after
    /// a `data:…;base64,` prefix): decoded, scanned, and re-encoded if redacted.
    Base64(&'a mut String, usize),
}

/// Slots grouped into runs (each run is scanned as one text).
pub type Runs<'a> = Vec<Vec<Slot<'a>>>;

/// Keys whose values are protocol structure, not text (for the LLM providers).
fn structural(key: &str) -> bool {
    matches!(
        key,
        "model"
            | "role"
            | "type"
            | "id"
            | "object"
            | "stream"
            | "media_type"
            | "mime_type"
            | "detail"
            | "format"
            | "finish_reason"
            | "stop_reason"
            | "service_tier"
            | "encoding_format"
            | "signature"
            | "encrypted_content"
    ) || key.ends_with("_id")
}

/// Part types whose `text` joins the adjacent parts' text.
fn is_text_part(v: &Json) -> bool {
    matches!(
        v.str_at("type"),
        Some("text" | "input_text" | "output_text")
    ) && matches!(v.get("text"), Some(Json::String(_)))
}

/// Media types whose bytes are text worth decoding.
fn is_text_media(m: &str) -> bool {
    let m = m.trim().to_ascii_lowercase();
    m.starts_with("text/")
        || m.starts_with("application/json")
        || m.starts_with("application/xml")
        || m.starts_with("application/x-ndjson")
        || m.starts_with("application/yaml")
        || m.starts_with("application/x-yaml")
}

/// For a `data:` URL, `Some(Some(offset))` when it is base64 of text
/// (`offset` = start of the payload), `Some(None)` when it is binary data to
/// leave alone; `None` when the string is not a data URL.
fn data_url(s: &str) -> Option<Option<usize>> {
    let rest = s.strip_prefix("data:")?;
    let comma = rest.find(',')?;
    let meta = &rest[..comma];
    let base64 = meta.ends_with(";base64");
    let media = meta.split(';').next().unwrap_or("");
    if base64 && is_text_media(media) {
        Some(Some(5 + comma + 1))
    } else if base64 {
        Some(None)
    } else {
        // Percent-encoded data URL: scanned as text (the decoder reads URL escapes).
        None
    }
}

/// Collects the runs of `doc` for `provider`.
pub fn collect(provider: Provider, doc: &mut Json) -> Runs<'_> {
    let mut runs = Vec::new();
    visit(provider, doc, &mut runs);
    runs
}

fn visit<'a>(provider: Provider, v: &'a mut Json, runs: &mut Runs<'a>) {
    match v {
        Json::String(s) => runs.push(vec![string_slot(s)]),
        Json::Array(items) => {
            let mut run: Vec<Slot<'a>> = Vec::new();
            for item in items.iter_mut() {
                if provider != Provider::GenericJson && is_text_part(item) {
                    visit_part(provider, item, &mut run, runs);
                } else {
                    if !run.is_empty() {
                        runs.push(std::mem::take(&mut run));
                    }
                    visit(provider, item, runs);
                }
            }
            if !run.is_empty() {
                runs.push(run);
            }
        }
        Json::Object(_) if provider != Provider::GenericJson && is_binary(v) => {}
        Json::Object(_) => {
            let typed = provider != Provider::GenericJson;
            // {"type":"base64","media_type":"text/plain","data":"…"}
            let b64_text = typed && v.str_at("type") == Some("base64");
            // A tool call's input is the caller's own object: every string
            // in it is text, whatever its key (`id`, `type`, `format`…).
            let tool_use = typed
                && matches!(
                    v.str_at("type"),
                    Some("tool_use" | "server_tool_use" | "mcp_tool_use")
                );
            let Json::Object(fields) = v else { return };
            for (k, val) in fields.iter_mut() {
                if b64_text && k == "data" && matches!(val, Json::String(_)) {
                    if let Json::String(s) = val {
                        runs.push(vec![Slot::Base64(s, 0)]);
                    }
                    continue;
                }
                if tool_use && k == "input" {
                    visit(Provider::GenericJson, val, runs);
                    continue;
                }
                // OpenAI {"input_audio": {"data": "…", "format": "wav"}}: sound.
                if typed && (structural(k) || k == "input_audio") {
                    continue;
                }
                visit(provider, val, runs);
            }
        }
        Json::Null | Json::Bool(_) | Json::Number(_) => {}
    }
}

/// A text part: its `text` joins `run`; its other fields (annotations,
/// cache_control…) are visited on their own.
fn visit_part<'a>(
    provider: Provider,
    part: &'a mut Json,
    run: &mut Vec<Slot<'a>>,
    runs: &mut Runs<'a>,
) {
    let Json::Object(fields) = part else { return };
    for (k, val) in fields.iter_mut() {
        match (k.as_str(), val) {
            ("text", Json::String(s)) => run.push(Slot::Text(s)),
            (k, _) if structural(k) => {}
            (_, val) => visit(provider, val, runs),
        }
    }
}

fn string_slot(s: &mut String) -> Slot<'_> {
    match data_url(s) {
        Some(Some(off)) => Slot::Base64(s, off),
        // Binary data URL (an image): nothing to scan. An empty Text slot
        // would be harmless but pointless; use a zero-length base64 slot.
        Some(None) => {
            let len = s.len();
            Slot::Base64(s, len)
        }
        None => Slot::Text(s),
    }
}

/// Binary attachments whose bytes are not text: Anthropic `source` blocks of
/// a non-text media type and opaque reasoning. (OpenAI `input_audio` and
/// binary `data:` URLs are left out where they are met.) Only the data
/// object itself matches; a document's title or context is still visited.
fn is_binary(v: &Json) -> bool {
    // Opaque, provider-encrypted reasoning: no text, and must stay intact.
    if v.str_at("type") == Some("redacted_thinking") {
        return true;
    }
    // {"type":"base64","media_type":"image/png","data":"…"}
    if v.str_at("type") == Some("base64") {
        if let Some(m) = v.str_at("media_type") {
            return !is_text_media(m);
        }
    }
    false
}

/// Replaces a base64 text attachment's payload (the part of `s` from `off`)
/// after the caller decoded and redacted it.
pub fn put_base64(s: &mut String, off: usize, redacted: &[u8]) {
    use base64::Engine as _;
    s.truncate(off);
    base64::engine::general_purpose::STANDARD.encode_string(redacted, s);
}

/// Decodes a base64 text payload (`None` when it is not base64 or not text).
pub fn decode_base64(payload: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let p = payload.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(p)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(p))
        .ok()?;
    std::str::from_utf8(&bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(p: Provider, body: &str) -> Vec<Vec<String>> {
        let mut doc = Json::parse(body.as_bytes()).unwrap();
        collect(p, &mut doc)
            .into_iter()
            .map(|run| {
                run.into_iter()
                    .map(|s| match s {
                        Slot::Text(t) => t.clone(),
                        Slot::Base64(t, off) => format!("b64:{}", &t[off..]),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn openai_chat_every_text() {
        let body = r#"{"model":"gpt-4o","messages":[
            {"role":"system","content":"sys"},
            {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"},
               {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
               {"type":"text","text":"c"},
               {"type":"file","file":{"filename":"n.txt","file_data":"data:text/plain;base64,aGk="}},
               {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]},
            {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"q\":\"args\"}"}}]},
            {"role":"tool","tool_call_id":"call_1","content":"result"}],
            "metadata":{"unknown":"field"}}"#;
        assert_eq!(
            texts(Provider::OpenAi, body),
            vec![
                vec!["sys".to_string()],
                vec!["a".into(), "b".into()],
                vec!["b64:".into()],
                vec!["c".into()],
                vec!["n.txt".into()],
                vec!["b64:aGk=".into()],
                vec!["f".into()],
                vec!["{\"q\":\"args\"}".into()],
                vec!["result".into()],
                vec!["field".into()],
            ]
        );
    }

    #[test]
    fn anthropic_messages_every_text() {
        let body = r#"{"model":"claude","system":[{"type":"text","text":"s1"},{"type":"text","text":"s2","cache_control":{"type":"ephemeral"}}],
          "messages":[{"role":"user","content":[
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}},
             {"type":"document","source":{"type":"base64","media_type":"text/plain","data":"aGk="},"title":"t"},
             {"type":"tool_result","tool_use_id":"tu_1","content":[{"type":"text","text":"out"}]},
             {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"}]},
            {"role":"assistant","content":[{"type":"tool_use","id":"tu_1","name":"n","input":{"k":"v","id":"i","format":"f","data":"d"}}]}]}"#;
        assert_eq!(
            texts(Provider::Anthropic, body),
            vec![
                vec!["s1".to_string(), "s2".into()],
                vec!["b64:aGk=".into()],
                vec!["t".into()],
                vec!["out".into()],
                vec!["n".into()],
                vec!["v".into()],
                vec!["i".into()],
                vec!["f".into()],
                vec!["d".into()],
            ]
        );
    }

    #[test]
    fn generic_json_visits_every_string() {
        let body = r#"{"model":"m","id":"x","a":[{"type":"text","text":"t"}]}"#;
        assert_eq!(
            texts(Provider::GenericJson, body),
            vec![
                vec!["m".to_string()],
                vec!["x".into()],
                vec!["text".into()],
                vec!["t".into()]
            ]
        );
    }

    #[test]
    fn base64_round_trip() {
        let mut s = "data:text/plain;base64,aGk=".to_string();
        let off = match data_url(&s) {
            Some(Some(o)) => o,
            _ => panic!("not a text data URL"),
        };
        assert_eq!(decode_base64(&s[off..]).unwrap(), b"hi");
        put_base64(&mut s, off, b"ho");
        assert_eq!(s, "data:text/plain;base64,aG8=");
        assert!(decode_base64("not base64!").is_none());
        assert!(decode_base64("//79").is_none(), "binary is not text");
        assert_eq!(data_url("data:image/png;base64,AA"), Some(None));
        assert_eq!(data_url("https://x"), None);
    }
}
