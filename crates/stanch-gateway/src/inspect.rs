//! Scanning bodies: runs of text slots (from [`walk`](mod@crate::walk)) are
//! scanned with the rule database, each finding gets its policy
//! [`Action`], and the findings to redact are written over the slots. The
//! result is a [`Tally`] of rule ids, categories and actions (never values).

use crate::json::Json;
use crate::policy::{Action, RoutePolicy};
use crate::provider::Provider;
use crate::walk::{self, Slot};
use stanch_engine::{Category, Finding, Scratch};
use stanch_redact::{Redactor, RestoreMap};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Which way a body travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Request,
    Response,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// Counts of findings by (rule id, category, action), and a few keyed
/// fingerprints per rule for the audit trail (never values).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub counts: BTreeMap<(String, &'static str, Action), u64>,
    /// Rule id → distinct keyed fingerprints, at most [`MAX_FINGERPRINTS`].
    pub fingerprints: BTreeMap<String, Vec<String>>,
}

/// Fingerprints kept per rule and request.
pub const MAX_FINGERPRINTS: usize = 4;

impl Tally {
    pub fn add(&mut self, rule: &str, category: Category, action: Action) {
        *self
            .counts
            .entry((rule.to_string(), category.as_str(), action))
            .or_default() += 1;
    }

    pub fn merge(&mut self, other: &Tally) {
        for (k, n) in &other.counts {
            *self.counts.entry(k.clone()).or_default() += n;
        }
        for (rule, fps) in &other.fingerprints {
            for fp in fps {
                self.add_fingerprint(rule, fp.clone());
            }
        }
    }

    /// Whether another fingerprint of `rule` would be kept.
    pub fn wants_fingerprint(&self, rule: &str) -> bool {
        self.fingerprints
            .get(rule)
            .map_or(true, |v| v.len() < MAX_FINGERPRINTS)
    }

    /// Keeps `fp` (a keyed fingerprint) for `rule`, up to the cap.
    pub fn add_fingerprint(&mut self, rule: &str, fp: String) {
        let v = self.fingerprints.entry(rule.to_string()).or_default();
        if v.len() < MAX_FINGERPRINTS && !v.contains(&fp) {
            v.push(fp);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Findings with this action, by rule id.
    pub fn by_action(&self, action: Action) -> BTreeMap<&str, u64> {
        let mut out = BTreeMap::new();
        for ((rule, _, a), n) in &self.counts {
            if *a == action {
                *out.entry(rule.as_str()).or_default() += n;
            }
        }
        out
    }

    /// True when some finding refuses the request.
    pub fn refuses(&self) -> bool {
        self.counts.keys().any(|(_, _, a)| a.refuses())
    }

    pub fn count(&self, action: Action) -> u64 {
        self.by_action(action).values().sum()
    }

    /// `rule ×n, rule ×n` for the refusing findings (ids and counts only).
    pub fn describe_refusal(&self) -> String {
        let mut m: BTreeMap<&str, u64> = BTreeMap::new();
        for ((rule, _, a), n) in &self.counts {
            if a.refuses() {
                *m.entry(rule).or_default() += n;
            }
        }
        describe(&m)
    }
}

/// `a ×1, b ×2`.
pub fn describe(m: &BTreeMap<&str, u64>) -> String {
    m.iter()
        .map(|(r, n)| format!("{r} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The redactor plus a pool of scan scratch, shared by every request.
pub struct Engine {
    redactor: Redactor,
    pool: Mutex<Vec<Scratch>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("redactor", &self.redactor)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ScratchGuard<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScratchGuard")
    }
}

/// A pooled scratch, returned on drop.
pub struct ScratchGuard<'a> {
    engine: &'a Engine,
    scratch: Option<Scratch>,
}

impl std::ops::Deref for ScratchGuard<'_> {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        self.scratch.as_ref().expect("present until drop")
    }
}

impl std::ops::DerefMut for ScratchGuard<'_> {
    fn deref_mut(&mut self) -> &mut Scratch {
        self.scratch.as_mut().expect("present until drop")
    }
}

impl Drop for ScratchGuard<'_> {
    fn drop(&mut self) {
        if let (Some(s), Ok(mut pool)) = (self.scratch.take(), self.engine.pool.lock()) {
            if pool.len() < 64 {
                pool.push(s);
            }
        }
    }
}

impl Engine {
    pub fn new(redactor: Redactor) -> Engine {
        Engine {
            redactor,
            pool: Mutex::new(Vec::new()),
        }
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Compiles every rule and puts `n` warmed scratches in the pool, built
    /// on `n` threads (see [`stanch_engine::RuleDb::warm_up`]): the first
    /// requests after a start then pay no regex compiles and few lazy-DFA
    /// states. Returns how many scratches the pool holds.
    pub fn warm(&self, n: usize) -> usize {
        let t = std::time::Instant::now();
        let db = self.redactor.db();
        let warmed: Vec<Scratch> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..n)
                .map(|_| {
                    s.spawn(|| {
                        let mut scratch = db.scratch();
                        db.warm_up(&mut scratch);
                        scratch
                    })
                })
                .collect();
            threads.into_iter().filter_map(|t| t.join().ok()).collect()
        });
        let pooled = match self.pool.lock() {
            Ok(mut pool) => {
                pool.extend(warmed);
                pool.len()
            }
            Err(_) => 0,
        };
        tracing::info!(
            scratches = pooled,
            rules = db.compiled_rules(),
            ms = t.elapsed().as_millis() as u64,
            "rules compiled and scanners warmed"
        );
        pooled
    }

    pub fn scratch(&self) -> ScratchGuard<'_> {
        let s = self
            .pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| self.redactor.db().scratch());
        ScratchGuard {
            engine: self,
            scratch: Some(s),
        }
    }

    /// The action for one finding in `dir`. In responses nothing can be
    /// refused any more, so refusing actions redact (and are counted as such).
    pub fn action(&self, policy: &RoutePolicy, f: &Finding, dir: Direction) -> Action {
        let rule = self.redactor.db().rule(f.rule);
        let a = policy.action(rule, self.redactor.applies(f));
        match (dir, a) {
            (Direction::Response, a) if a.refuses() => Action::Redact,
            (_, a) => a,
        }
    }

    /// Adds keyed fingerprints of `findings` in `text` (those not allowed)
    /// to `tally`, a few per rule. The value is read only to be hashed.
    pub fn fingerprint(
        &self,
        policy: &RoutePolicy,
        dir: Direction,
        text: &[u8],
        findings: &[Finding],
        tally: &mut Tally,
    ) {
        let db = self.redactor.db();
        for f in findings {
            let id = db.rule(f.rule).id();
            if !tally.wants_fingerprint(id) || self.action(policy, f, dir) == Action::Allow {
                continue;
            }
            if let Some(v) = text.get(f.start..f.end.min(text.len())) {
                tally.add_fingerprint(id, self.redactor.key().fingerprint(id, v));
            }
        }
    }

    /// Tallies `findings` and keeps in `redact` those to be redacted.
    pub fn decide(
        &self,
        policy: &RoutePolicy,
        dir: Direction,
        findings: &[Finding],
        redact: &mut Vec<Finding>,
        tally: &mut Tally,
    ) {
        redact.clear();
        let db = self.redactor.db();
        for f in findings {
            let a = self.action(policy, f, dir);
            if a == Action::Allow {
                continue;
            }
            let rule = db.rule(f.rule);
            tally.add(rule.id(), rule.category(), a);
            if a == Action::Redact {
                redact.push(*f);
            }
        }
    }

    /// Scans and redacts every text of `doc` in place. With `map`, pseudonyms
    /// written are recorded for restoring the answer.
    pub fn inspect_json(
        &self,
        provider: Provider,
        dir: Direction,
        policy: &RoutePolicy,
        doc: &mut Json,
        mut map: Option<&mut RestoreMap>,
    ) -> Tally {
        let mut tally = Tally::default();
        let mut scratch = self.scratch();
        let mut found = Vec::new();
        let mut redact = Vec::new();
        let mut joined: Vec<u8> = Vec::new();
        let mut bounds: Vec<usize> = Vec::new();
        for mut run in walk::collect(provider, doc) {
            joined.clear();
            bounds.clear();
            let mut decoded: Vec<Option<Vec<u8>>> = Vec::with_capacity(run.len());
            for slot in &run {
                bounds.push(joined.len());
                match slot {
                    Slot::Text(s) => {
                        joined.extend_from_slice(s.as_bytes());
                        decoded.push(None);
                    }
                    Slot::Base64(s, off) => {
                        let payload = s.get(*off..).unwrap_or("");
                        match walk::decode_base64(payload) {
                            Some(d) => {
                                joined.extend_from_slice(&d);
                                decoded.push(Some(d));
                            }
                            // Not decodable: scanned as it stands.
                            None => {
                                joined.extend_from_slice(payload.as_bytes());
                                decoded.push(None);
                            }
                        }
                    }
                }
            }
            bounds.push(joined.len());
            if joined.is_empty() {
                continue;
            }
            self.redactor.db().scan(&joined, &mut scratch, &mut found);
            if found.is_empty() {
                continue;
            }
            self.decide(policy, dir, &found, &mut redact, &mut tally);
            self.fingerprint(policy, dir, &joined, &found, &mut tally);
            if redact.is_empty() {
                continue;
            }
            for (i, slot) in run.iter_mut().enumerate() {
                let (a, b) = (bounds[i], bounds[i + 1]);
                let clipped: Vec<Finding> = redact
                    .iter()
                    .filter(|f| f.start < b && f.end.min(joined.len()) > a)
                    .map(|f| Finding {
                        start: f.start.max(a) - a,
                        end: f.end.min(b) - a,
                        rule: f.rule,
                    })
                    .collect();
                if clipped.is_empty() {
                    continue;
                }
                let text = &joined[a..b];
                let mut out = Vec::with_capacity(text.len() + 32);
                let written = match map.as_deref_mut() {
                    Some(m) => self
                        .redactor
                        .write_redacted_recording(text, &clipped, &mut out, m),
                    None => self.redactor.write_redacted(text, &clipped, &mut out),
                };
                if !matches!(written, Ok(n) if n > 0) {
                    continue;
                }
                match slot {
                    Slot::Text(s) => **s = String::from_utf8_lossy(&out).into_owned(),
                    Slot::Base64(s, off) if decoded[i].is_some() => {
                        walk::put_base64(s, *off, &out);
                    }
                    Slot::Base64(s, off) => {
                        s.truncate(*off);
                        s.push_str(&String::from_utf8_lossy(&out));
                    }
                }
            }
        }
        tally
    }

    /// Restores recorded pseudonyms in every text of `doc`.
    pub fn restore_json(&self, provider: Provider, doc: &mut Json, map: &RestoreMap) {
        if map.is_empty() {
            return;
        }
        for run in walk::collect(provider, doc) {
            for slot in run {
                if let Slot::Text(s) = slot {
                    if let std::borrow::Cow::Owned(o) = map.restore(s.as_bytes()) {
                        *s = String::from_utf8_lossy(&o).into_owned();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use stanch_redact::{Key, Policy};

    pub const GH: &str = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

    pub fn engine() -> Engine {
        let db = stanch_engine::pack::builtin().unwrap();
        Engine::new(Redactor::new(
            db,
            Key::parse(&[b'k'; 32]).unwrap(),
            Policy::default(),
        ))
    }

    #[test]
    fn warm_fills_the_pool_with_scratches_that_compiled_every_rule() {
        let e = engine();
        assert_eq!(e.redactor().db().compiled_rules(), 0);
        assert_eq!(e.warm(2), 2);
        assert!(e.redactor().db().compiled_rules() > 400);
        // Requests take the warmed scratches, and give them back.
        let (out, t) = {
            let mut doc = Json::parse(
                format!(r#"{{"messages":[{{"role":"user","content":"token {GH}"}}]}}"#).as_bytes(),
            )
            .unwrap();
            let t = e.inspect_json(
                Provider::OpenAi,
                Direction::Request,
                &RoutePolicy::default(),
                &mut doc,
                None,
            );
            (String::from_utf8(doc.to_vec()).unwrap(), t)
        };
        assert!(!out.contains(GH), "{out}");
        assert_eq!(t.by_action(Action::Redact).get("github-pat"), Some(&1));
        assert_eq!(e.pool.lock().unwrap().len(), 2);
    }

    fn run(p: Provider, body: &str) -> (String, Tally) {
        let e = engine();
        let mut doc = Json::parse(body.as_bytes()).unwrap();
        let t = e.inspect_json(
            p,
            Direction::Request,
            &RoutePolicy::default(),
            &mut doc,
            None,
        );
        (String::from_utf8(doc.to_vec()).unwrap(), t)
    }

    #[test]
    fn redacts_every_text_keeping_shape() {
        let body = format!(
            r#"{{"model":"gpt-4o","messages":[{{"role":"user","content":"token={GH} mail bob@acme.io"}},
            {{"role":"assistant","tool_calls":[{{"id":"c","type":"function","function":{{"name":"f","arguments":"{{\"t\":\"{GH}\"}}"}}}}]}}],
            "x":{{"deep":["{GH}"]}}}}"#
        );
        let (out, t) = run(Provider::OpenAi, &body);
        assert!(!out.contains(GH), "{out}");
        assert!(out.starts_with(r#"{"model":"gpt-4o","messages":[{"role":"user","content":"token=[REDACTED:github-pat] mail <email:"#), "{out}");
        assert!(
            out.contains(r#""arguments":"{\"t\":\"[REDACTED:github-pat]\"}""#),
            "{out}"
        );
        assert_eq!(t.by_action(Action::Redact).get("github-pat"), Some(&3));
        // One distinct value: one keyed fingerprint, never the value.
        let fps = &t.fingerprints["github-pat"];
        assert_eq!(fps.len(), 1);
        assert_eq!(
            fps[0],
            engine()
                .redactor()
                .key()
                .fingerprint("github-pat", GH.as_bytes())
        );
        assert!(!format!("{t:?}").contains(GH));
        assert!(!t.refuses());
        // Still valid JSON of the same shape.
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["messages"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn secret_split_across_parts_is_caught() {
        let (a, b) = GH.split_at(17);
        let body = format!(
            r#"{{"messages":[{{"role":"user","content":[{{"type":"text","text":"t={a}"}},{{"type":"text","text":"{b} ok"}}]}}]}}"#
        );
        let (out, _) = run(Provider::Anthropic, &body);
        assert!(!out.contains(a) && !out.contains(b), "{out}");
        assert!(
            out.contains(r#""text":" ok""#) || out.contains("] ok"),
            "{out}"
        );
    }

    #[test]
    fn base64_text_attachment_is_redacted_and_reencoded() {
        use base64::Engine as _;
        let enc = base64::engine::general_purpose::STANDARD;
        let data = enc.encode(format!("config\ntoken={GH}\n"));
        let body = format!(
            r#"{{"messages":[{{"role":"user","content":[{{"type":"document","source":{{"type":"base64","media_type":"text/plain","data":"{data}"}}}}]}}]}}"#
        );
        let (out, t) = run(Provider::Anthropic, &body);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let d = v["messages"][0]["content"][0]["source"]["data"]
            .as_str()
            .unwrap();
        let plain = String::from_utf8(enc.decode(d).unwrap()).unwrap();
        assert_eq!(plain, "config\ntoken=[REDACTED:github-pat]\n");
        assert!(!t.is_empty());
    }

    #[test]
    fn clean_body_is_untouched() {
        let body = r#"{"model":"m","messages":[{"role":"user","content":"hello there"}]}"#;
        let (out, t) = run(Provider::OpenAi, body);
        assert_eq!(out, body);
        assert!(t.is_empty());
    }

    #[test]
    fn recording_and_restoring() {
        let e = engine();
        let mut map = RestoreMap::new();
        let mut doc =
            Json::parse(br#"{"messages":[{"role":"user","content":"mail bob@acme.io"}]}"#).unwrap();
        e.inspect_json(
            Provider::OpenAi,
            Direction::Request,
            &RoutePolicy::default(),
            &mut doc,
            Some(&mut map),
        );
        assert_eq!(map.len(), 1);
        let sent = String::from_utf8(doc.to_vec()).unwrap();
        let start = sent.find("<email:").unwrap();
        let pseudo = &sent[start..start + 16];
        let answer = format!(
            r#"{{"choices":[{{"message":{{"role":"assistant","content":"I wrote to {pseudo}."}}}}]}}"#
        );
        let mut resp = Json::parse(answer.as_bytes()).unwrap();
        e.restore_json(Provider::OpenAi, &mut resp, &map);
        assert!(String::from_utf8(resp.to_vec())
            .unwrap()
            .contains("I wrote to bob@acme.io."));
    }
}
