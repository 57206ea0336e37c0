//! Server-sent event streams of both providers, masked as they pass.
//!
//! [`SseParser`] frames bytes into events (bounded size). [`SseRewriter`]
//! finds the delta texts of each event — OpenAI chat
//! `choices[i].delta.content` and `…tool_calls[j].function.arguments`,
//! completions `choices[i].text`, Responses `response.*.delta`, Anthropic
//! `content_block_delta` `delta.text` / `delta.partial_json` — and runs each
//! through its [`Channel`] (incremental masking with a bounded tail, then
//! pseudonym restore). Every other event is scanned whole. Before an event
//! that ends a channel (a finish reason, `content_block_stop`, `[DONE]`…)
//! the held-back tail is flushed as one extra delta event of the provider's
//! own shape, so clients see ordinary streams.

use crate::inspect::{Direction, Engine, Tally};
use crate::json::Json;
use crate::mask::{Channel, MaskCtx};
use crate::policy::RoutePolicy;
use crate::provider::Provider;
use stanch_redact::RestoreMap;
use std::collections::BTreeMap;

/// Largest event accepted (a bigger one ends the stream with an error).
pub const MAX_EVENT: usize = 4 << 20;

/// Frames a byte stream into events (each ending in a blank line).
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    scanned: usize,
}

/// An event larger than [`MAX_EVENT`].
#[derive(Debug, thiserror::Error)]
#[error("server-sent event larger than {MAX_EVENT} bytes")]
pub struct EventTooLarge;

impl SseParser {
    /// Appends bytes; returns the complete events (raw, blank line included).
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Vec<u8>>, EventTooLarge> {
        self.buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut start = 0;
        let mut i = self.scanned.max(start);
        while i < self.buf.len() {
            // A blank line: "\n\n", "\r\n\r\n" or "\r\r".
            let end = match &self.buf[i..] {
                [b'\n', b'\n', ..] => Some(i + 2),
                [b'\r', b'\n', b'\r', b'\n', ..] => Some(i + 4),
                [b'\r', b'\r', ..] => Some(i + 2),
                _ => None,
            };
            match end {
                Some(e) => {
                    events.push(self.buf[start..e].to_vec());
                    start = e;
                    i = e;
                }
                None => i += 1,
            }
        }
        self.buf.drain(..start);
        // Recheck the last 3 bytes next time (a separator may be split).
        self.scanned = self.buf.len().saturating_sub(3);
        if self.buf.len() > MAX_EVENT {
            return Err(EventTooLarge);
        }
        Ok(events)
    }

    /// What is left at the end of the stream (an unterminated event).
    pub fn finish(&mut self) -> Vec<u8> {
        self.scanned = 0;
        std::mem::take(&mut self.buf)
    }
}

/// One parsed event: its `event:` name, its `data` (lines joined) and its
/// other lines, kept as they were.
struct Event {
    name: Option<String>,
    data: Option<String>,
    other: Vec<String>,
}

fn parse_event(raw: &[u8]) -> Event {
    let text = String::from_utf8_lossy(raw);
    let mut ev = Event {
        name: None,
        data: None,
        other: Vec::new(),
    };
    for line in text.split(['\n', '\r']).filter(|l| !l.is_empty()) {
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => ev.name = Some(value.to_string()),
            "data" => match &mut ev.data {
                Some(d) => {
                    d.push('\n');
                    d.push_str(value);
                }
                None => ev.data = Some(value.to_string()),
            },
            _ => ev.other.push(line.to_string()),
        }
    }
    ev
}

fn write_event(name: Option<&str>, other: &[String], data: &[u8], out: &mut Vec<u8>) {
    if let Some(n) = name {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(n.as_bytes());
        out.push(b'\n');
    }
    for l in other {
        out.extend_from_slice(l.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\n\n");
}

/// A step into a JSON value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(&'static str),
    Index(usize),
}

fn at_mut<'a>(v: &'a mut Json, path: &[Step]) -> Option<&'a mut Json> {
    let mut cur = v;
    for s in path {
        cur = match (s, cur) {
            (Step::Key(k), v) => v.get_mut(k)?,
            (Step::Index(i), Json::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Identifies a channel: (choice or block index, kind, tool index or
/// content index).
type ChanKey = (u64, u8, u64);

fn num(v: Option<&Json>) -> u64 {
    match v {
        Some(Json::Number(n)) => n.as_u64().unwrap_or(0),
        _ => 0,
    }
}

/// What an event means for the channels.
enum Shape {
    /// Delta texts at these paths, for these channels; with `Some`, the
    /// event also ends channels (`Some(None)` = all).
    Deltas(Vec<(ChanKey, Vec<Step>)>, Option<Option<u64>>),
    /// Ends channels (`None` = all) and is then scanned whole.
    Ends(Option<u64>),
    /// A keep-alive: passed on as is.
    Ping,
}

fn shape(provider: Provider, name: Option<&str>, doc: &Json) -> Shape {
    let ty = doc.str_at("type").or(name);
    match provider {
        Provider::Anthropic => match ty {
            Some("ping") => Shape::Ping,
            Some("content_block_delta") => {
                let idx = num(doc.get("index"));
                let delta = doc.get("delta");
                let field = match delta.and_then(|d| d.str_at("type")) {
                    Some("text_delta") => "text",
                    Some("input_json_delta") => "partial_json",
                    Some("thinking_delta") => "thinking",
                    _ => return Shape::Ends(None),
                };
                Shape::Deltas(
                    vec![((idx, 0, 0), vec![Step::Key("delta"), Step::Key(field)])],
                    None,
                )
            }
            Some("content_block_stop") => Shape::Ends(Some(num(doc.get("index")))),
            _ => Shape::Ends(None),
        },
        _ => {
            if let Some(t) = ty.filter(|t| t.starts_with("response.")) {
                // Responses API.
                return if t.ends_with(".delta") && matches!(doc.get("delta"), Some(Json::String(_)))
                {
                    let key = (
                        num(doc.get("output_index")),
                        3,
                        num(doc.get("content_index")),
                    );
                    Shape::Deltas(vec![(key, vec![Step::Key("delta")])], None)
                } else {
                    Shape::Ends(None)
                };
            }
            let Some(Json::Array(choices)) = doc.get("choices") else {
                return Shape::Ends(None);
            };
            let mut deltas = Vec::new();
            let mut finished: Option<Option<u64>> = None;
            for (ci, c) in choices.iter().enumerate() {
                let idx = num(c.get("index"));
                if matches!(c.get("finish_reason"), Some(Json::String(_))) {
                    finished = Some(match finished {
                        None if choices.len() == 1 => Some(idx),
                        _ => None,
                    });
                }
                if let Some(Json::String(_)) = c.get("text") {
                    deltas.push((
                        (idx, 1, 0),
                        vec![Step::Key("choices"), Step::Index(ci), Step::Key("text")],
                    ));
                }
                let Some(d) = c.get("delta") else { continue };
                let base = vec![Step::Key("choices"), Step::Index(ci), Step::Key("delta")];
                for field in ["content", "reasoning_content", "refusal"] {
                    if let Some(Json::String(_)) = d.get(field) {
                        let kind = match field {
                            "content" => 0,
                            "reasoning_content" => 4,
                            _ => 5,
                        };
                        let mut p = base.clone();
                        p.push(Step::Key(field));
                        deltas.push(((idx, kind, 0), p));
                    }
                }
                if let Some(Json::Array(calls)) = d.get("tool_calls") {
                    for (ti, call) in calls.iter().enumerate() {
                        if let Some(Json::String(_)) =
                            call.get("function").and_then(|f| f.get("arguments"))
                        {
                            let mut p = base.clone();
                            p.extend([
                                Step::Key("tool_calls"),
                                Step::Index(ti),
                                Step::Key("function"),
                                Step::Key("arguments"),
                            ]);
                            deltas.push(((idx, 2, num(call.get("index"))), p));
                        }
                    }
                }
            }
            Shape::Deltas(deltas, finished)
        }
    }
}

/// A minimal delta event carrying `text` for channel `key` (a flush).
fn flush_event(
    provider: Provider,
    key: ChanKey,
    template: &Json,
    text: String,
) -> (Option<&'static str>, Json) {
    let text = Json::String(text);
    let (idx, kind, sub) = key;
    match provider {
        Provider::Anthropic => {
            let field = match template.get("delta").and_then(|d| d.str_at("type")) {
                Some("input_json_delta") => ("input_json_delta", "partial_json"),
                Some("thinking_delta") => ("thinking_delta", "thinking"),
                _ => ("text_delta", "text"),
            };
            (
                Some("content_block_delta"),
                Json::obj([
                    ("type", Json::str("content_block_delta")),
                    ("index", Json::Number(idx.into())),
                    (
                        "delta",
                        Json::obj([("type", Json::str(field.0)), (field.1, text)]),
                    ),
                ]),
            )
        }
        _ if kind == 3 => {
            let mut t = template.clone();
            t.set("delta", text);
            (None, t)
        }
        _ => {
            let mut top: Vec<(String, Json)> = match template {
                Json::Object(o) => o
                    .iter()
                    .filter(|(k, _)| k != "choices" && k != "usage")
                    .cloned()
                    .collect(),
                _ => Vec::new(),
            };
            let choice_body = match kind {
                1 => ("text", text),
                2 => (
                    "delta",
                    Json::obj([(
                        "tool_calls",
                        Json::Array(vec![Json::obj([
                            ("index", Json::Number(sub.into())),
                            ("function", Json::obj([("arguments", text)])),
                        ])]),
                    )]),
                ),
                4 => ("delta", Json::obj([("reasoning_content", text)])),
                5 => ("delta", Json::obj([("refusal", text)])),
                _ => ("delta", Json::obj([("content", text)])),
            };
            top.push((
                "choices".into(),
                Json::Array(vec![Json::obj([
                    ("index", Json::Number(idx.into())),
                    choice_body,
                    ("finish_reason", Json::Null),
                ])]),
            ));
            (None, Json::Object(top))
        }
    }
}

/// Rewrites one response stream.
pub struct SseRewriter<'a> {
    provider: Provider,
    engine: &'a Engine,
    policy: &'a RoutePolicy,
    map: Option<&'a RestoreMap>,
    max_hold: usize,
    parser: SseParser,
    channels: BTreeMap<ChanKey, (Channel<'a>, Json)>,
    /// Findings in the answer so far.
    pub tally: Tally,
}

impl<'a> SseRewriter<'a> {
    pub fn new(
        provider: Provider,
        engine: &'a Engine,
        policy: &'a RoutePolicy,
        map: Option<&'a RestoreMap>,
    ) -> SseRewriter<'a> {
        SseRewriter {
            provider,
            engine,
            policy,
            map,
            max_hold: MaskCtx::hold_cap(engine),
            parser: SseParser::default(),
            channels: BTreeMap::new(),
            tally: Tally::default(),
        }
    }

    /// Bytes held back over all channels.
    pub fn held(&self) -> usize {
        self.channels.values().map(|(c, _)| c.held()).sum()
    }

    /// Takes upstream bytes; appends what can go to the client to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), EventTooLarge> {
        for raw in self.parser.push(bytes)? {
            self.event(&raw, out);
        }
        Ok(())
    }

    /// Ends the stream: an unterminated last event and every held tail.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let rest = self.parser.finish();
        if !rest.iter().all(u8::is_ascii_whitespace) {
            let mut raw = rest;
            raw.extend_from_slice(b"\n\n");
            self.event(&raw, out);
        }
        self.flush(None, out);
    }

    fn flush(&mut self, index: Option<u64>, out: &mut Vec<u8>) {
        let keys: Vec<ChanKey> = self
            .channels
            .keys()
            .filter(|k| index.map_or(true, |i| k.0 == i))
            .copied()
            .collect();
        for key in keys {
            self.flush_one(key, out);
        }
    }

    fn flush_one(&mut self, key: ChanKey, out: &mut Vec<u8>) {
        {
            let Some((mut ch, template)) = self.channels.remove(&key) else {
                return;
            };
            let mut text = Vec::new();
            let mut cx = MaskCtx {
                engine: self.engine,
                policy: self.policy,
                max_hold: self.max_hold,
                tally: &mut self.tally,
            };
            ch.finish(&mut cx, &mut text);
            if !text.is_empty() {
                let (name, doc) = flush_event(
                    self.provider,
                    key,
                    &template,
                    String::from_utf8_lossy(&text).into_owned(),
                );
                write_event(name, &[], &doc.to_vec(), out);
            }
        }
    }

    fn event(&mut self, raw: &[u8], out: &mut Vec<u8>) {
        let ev = parse_event(raw);
        let Some(data) = ev.data.as_deref() else {
            // Comments, retry hints: no text the model wrote.
            out.extend_from_slice(raw);
            return;
        };
        let Ok(mut doc) = Json::parse(data.as_bytes()) else {
            // `[DONE]` or other non-JSON data: every channel ends here; the
            // data itself is masked as plain text.
            self.flush(None, out);
            let mut scratch = self.engine.scratch();
            let mut f = Vec::new();
            let masked = self
                .engine
                .redactor()
                .redact(data.as_bytes(), &mut scratch, &mut f);
            if matches!(masked, std::borrow::Cow::Borrowed(_)) {
                out.extend_from_slice(raw);
            } else {
                write_event(ev.name.as_deref(), &ev.other, &masked, out);
            }
            return;
        };
        match shape(self.provider, ev.name.as_deref(), &doc) {
            Shape::Ping => out.extend_from_slice(raw),
            Shape::Ends(index) => {
                self.flush(index, out);
                let t = self.engine.inspect_json(
                    self.provider,
                    Direction::Response,
                    self.policy,
                    &mut doc,
                    None,
                );
                if let Some(map) = self.map {
                    self.engine.restore_json(self.provider, &mut doc, map);
                }
                if t.is_empty() && self.map.map_or(true, RestoreMap::is_empty) {
                    out.extend_from_slice(raw);
                } else {
                    write_event(ev.name.as_deref(), &ev.other, &doc.to_vec(), out);
                }
                self.tally.merge(&t);
            }
            Shape::Deltas(paths, ends) => {
                // Channels this event ends without carrying text for them.
                if let Some(index) = ends {
                    let own: Vec<ChanKey> = paths.iter().map(|(k, _)| *k).collect();
                    let others: Vec<ChanKey> = self
                        .channels
                        .keys()
                        .filter(|k| index.map_or(true, |i| k.0 == i) && !own.contains(k))
                        .copied()
                        .collect();
                    for k in others {
                        self.flush_one(k, out);
                    }
                }
                let mut texts = Vec::with_capacity(paths.len());
                for (key, path) in &paths {
                    let text = match at_mut(&mut doc, path) {
                        Some(Json::String(s)) => std::mem::take(s),
                        _ => String::new(),
                    };
                    texts.push((*key, path.clone(), text));
                }
                // Fields other than the delta texts (a tool call's name…).
                let t = self.engine.inspect_json(
                    self.provider,
                    Direction::Response,
                    self.policy,
                    &mut doc,
                    None,
                );
                self.tally.merge(&t);
                for (key, path, text) in texts {
                    let entry = self
                        .channels
                        .entry(key)
                        .or_insert_with(|| (Channel::new(self.map), Json::Null));
                    entry.1 = doc.clone();
                    let mut masked = Vec::new();
                    let mut cx = MaskCtx {
                        engine: self.engine,
                        policy: self.policy,
                        max_hold: self.max_hold,
                        tally: &mut self.tally,
                    };
                    entry.0.push(&mut cx, text.as_bytes(), &mut masked);
                    if ends.is_some_and(|i| i.map_or(true, |i| i == key.0)) {
                        entry.0.finish(&mut cx, &mut masked);
                        self.channels.remove(&key);
                    }
                    if let Some(slot) = at_mut(&mut doc, &path) {
                        *slot = Json::String(String::from_utf8_lossy(&masked).into_owned());
                    }
                }
                write_event(ev.name.as_deref(), &ev.other, &doc.to_vec(), out);
            }
        }
    }
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;
