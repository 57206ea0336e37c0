//! Secrets inside encodings: a [`Decoder`] is an engine
//! [`Extension`] that finds base64 runs,
//! URL-encoded tokens and JSON-escaped strings (`forms` finds and decodes
//! them), scans the decoded text with the same database (so every rule and
//! every other extension applies, and encodings nest), and reports what it
//! finds against the encoded bytes:
//!
//! - base64: the whole run, under the most severe inner finding's rule
//!   (severity ≥ low); `user:password` in an auth context (`Basic `,
//!   `"auth":`, `_auth=`) is reported as `encoded-credential`;
//! - URL-encoding and JSON escapes: each inner secret finding mapped back to
//!   the exact escaped bytes (never splitting an escape); PII is left to the
//!   raw scan, which handles it in these encodings already.
//!
//! Work is bounded: decoded pieces are gathered into one batch (separated by
//! line ends) and scanned together, at most [`WINDOW`] decoded bytes per
//! piece (longer URL/JSON strings are cut into overlapping windows; longer
//! base64 runs are not decoded), nesting at most [`MAX_DEPTH`] levels, and a
//! per-scan budget of decoded bytes: twice the input, plus 256 KiB per text
//! scanned (see [`Scratch::texts`]).

mod forms;

use forms::{B64Run, Escaped};
use stanch_engine::{Category, Extension, Finding, RuleDb, RuleId, Scratch, Severity};
use std::cell::Cell;

/// Decoding nests at most this deep (base64 inside URL-encoding…).
pub const MAX_DEPTH: u8 = 2;
/// Most decoded bytes one piece holds.
pub const WINDOW: usize = 32 << 10;
/// Decoded bytes shared by consecutive windows of a long string.
const OVERLAP: usize = 2 << 10;
/// Longest base64 run decoded (its text fits one window).
const MAX_B64_RUN: usize = WINDOW / 3 * 4;
/// A batch is scanned once it holds this many decoded bytes.
const BATCH: usize = 64 << 10;
/// How far before a base64 run the auth context is looked for.
const CONTEXT: usize = 64;

/// The decoding extension. Add it with
/// `db.with_extension(Arc::new(Decoder::default()))`.
#[derive(Clone, Debug)]
pub struct Decoder {
    pub base64: bool,
    pub url: bool,
    pub json: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            base64: true,
            url: true,
            json: true,
        }
    }
}

thread_local! {
    /// How many decoders are active on this thread's stack.
    static DEPTH: Cell<u8> = const { Cell::new(0) };
    /// Decoded bytes left for the current top-level scan.
    static BUDGET: Cell<usize> = const { Cell::new(0) };
}

/// Raises the depth for its lifetime.
struct DepthGuard;
impl DepthGuard {
    fn enter() -> Option<DepthGuard> {
        let d = DEPTH.with(Cell::get);
        if d >= MAX_DEPTH {
            return None;
        }
        DEPTH.with(|c| c.set(d + 1));
        Some(DepthGuard)
    }
}
impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Takes `n` bytes from the budget; false when it is spent.
fn spend(n: usize) -> bool {
    BUDGET.with(|b| {
        let left = b.get();
        if left < n {
            b.set(0);
            false
        } else {
            b.set(left - n);
            true
        }
    })
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// Any inner finding reports the whole run.
    Whole { start: usize, end: usize },
    /// Inner findings map back through `map[map_at..]`, offsets from `base`.
    Mapped { base: usize, map_at: usize },
}

#[derive(Clone, Copy, Debug)]
struct Piece {
    dec_start: usize,
    dec_end: usize,
    kind: Kind,
    best: Option<RuleId>,
}

/// Decoded pieces waiting to be scanned together.
#[derive(Default)]
struct Batch {
    buf: Vec<u8>,
    map: Vec<u32>,
    pieces: Vec<Piece>,
    inner: Vec<Finding>,
}

impl Batch {
    fn push(&mut self, dec_start: usize, kind: Kind) {
        self.pieces.push(Piece {
            dec_start,
            dec_end: self.buf.len(),
            kind,
            best: None,
        });
        self.buf.push(b'\n');
    }

    fn flush(&mut self, db: &RuleDb, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        if self.pieces.is_empty() {
            return;
        }
        let (buf, inner) = (&self.buf, &mut self.inner);
        db.scan(buf, scratch, inner);
        for f in &self.inner {
            let mut k = self.pieces.partition_point(|p| p.dec_end <= f.start);
            while k < self.pieces.len() && self.pieces[k].dec_start < f.end {
                let p = &mut self.pieces[k];
                match p.kind {
                    Kind::Whole { .. } => {
                        let rule = db.rule(f.rule);
                        if rule.severity() >= Severity::Low
                            && p.best.map_or(true, |b| rank(db, f.rule) > rank(db, b))
                        {
                            p.best = Some(f.rule);
                        }
                    }
                    // PII finders are shape matchers: on decoded text their
                    // edges can differ from the raw text's (`:pa%2A10@host`
                    // decodes to `:pa*10@host`, where `10@host` looks like
                    // an email). The raw scan already handles PII in these
                    // encodings (`%40`, `\"email\"`), so only secrets map back.
                    Kind::Mapped { .. } if db.rule(f.rule).category() == Category::Pii => {}
                    Kind::Mapped { base, map_at } => {
                        let len = p.dec_end - p.dec_start;
                        let map = &self.map[map_at..=map_at + len];
                        let s = f.start.max(p.dec_start) - p.dec_start;
                        let mut e = f.end.min(p.dec_end) - p.dec_start;
                        // Never end inside a multi-byte decoded character.
                        while e < len && map[e] == map[e - 1] {
                            e += 1;
                        }
                        let (ss, se) = (base + map[s] as usize, base + map[e] as usize);
                        if ss < se {
                            out.push(Finding {
                                start: ss,
                                end: se,
                                rule: f.rule,
                            });
                        }
                    }
                }
                k += 1;
            }
        }
        for p in &self.pieces {
            if let (Kind::Whole { start, end }, Some(rule)) = (p.kind, p.best) {
                out.push(Finding { start, end, rule });
            }
        }
        self.buf.clear();
        self.map.clear();
        self.pieces.clear();
    }
}

fn rank(db: &RuleDb, id: RuleId) -> (Severity, stanch_engine::Specificity) {
    let r = db.rule(id);
    (r.severity(), r.specificity())
}

impl Decoder {
    fn base64_run(
        &self,
        db: &RuleDb,
        hay: &[u8],
        r: B64Run,
        batch: &mut Batch,
        out: &mut Vec<Finding>,
    ) {
        let run = &hay[r.start..r.end];
        if !spend(run.len()) {
            return;
        }
        let start = batch.buf.len();
        if !forms::decode_base64(run, r.url_safe, &mut batch.buf) {
            return;
        }
        let decoded = &batch.buf[start..];
        if !forms::mostly_text(decoded) {
            batch.buf.truncate(start);
            return;
        }
        if forms::user_pass(decoded) && forms::auth_context(hay, r.start) {
            batch.buf.truncate(start);
            if let Some(rule) = db.lookup("encoded-credential") {
                out.push(Finding {
                    start: r.start,
                    end: r.padded,
                    rule,
                });
            }
            return;
        }
        batch.push(
            start,
            Kind::Whole {
                start: r.start,
                end: r.padded,
            },
        );
    }

    /// Decodes `hay[s..e]` window by window into the batch.
    fn escaped(
        db: &RuleDb,
        scratch: &mut Scratch,
        form: Escaped,
        hay: &[u8],
        (s, e): (usize, usize),
        batch: &mut Batch,
        out: &mut Vec<Finding>,
    ) {
        let mut pos = s;
        while pos < e {
            if batch.buf.len() >= BATCH {
                batch.flush(db, scratch, out);
            }
            let (dec_start, map_at) = (batch.buf.len(), batch.map.len());
            let (used, escapes) =
                forms::unescape(form, &hay[pos..e], WINDOW, &mut batch.buf, &mut batch.map);
            let len = batch.buf.len() - dec_start;
            // Next window: OVERLAP decoded bytes back, at a unit boundary.
            let next = (pos + used < e).then(|| {
                let back = batch.map[map_at + len.saturating_sub(OVERLAP)] as usize;
                pos + back.max(1)
            });
            if escapes == 0 || !spend(len) {
                batch.buf.truncate(dec_start);
                batch.map.truncate(map_at);
                if escapes != 0 {
                    return; // budget spent
                }
            } else {
                batch.push(dec_start, Kind::Mapped { base: pos, map_at });
            }
            match next {
                Some(n) => pos = n,
                None => return,
            }
        }
    }
}

impl Extension for Decoder {
    fn find(&self, db: &RuleDb, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Finding>) {
        if hay.len() < MIN_CANDIDATE {
            return;
        }
        let Some(_depth) = DepthGuard::enter() else {
            return;
        };
        if DEPTH.with(Cell::get) == 1 {
            // Per text: a scan of many texts (JSON Lines records) decodes
            // what scanning each alone would.
            let fixed = (256usize << 10).saturating_mul(scratch.texts());
            BUDGET.with(|b| b.set(hay.len().saturating_mul(2).saturating_add(fixed)));
        }
        let mut batch: Option<Batch> = None;
        if self.base64 {
            forms::base64_runs(hay, MAX_B64_RUN, |r| {
                let b = batch.get_or_insert_with(Batch::default);
                if b.buf.len() >= BATCH {
                    b.flush(db, scratch, out);
                }
                self.base64_run(db, hay, r, b, out);
            });
        }
        if self.url {
            forms::url_tokens(hay, |s, e| {
                let b = batch.get_or_insert_with(Batch::default);
                Self::escaped(db, scratch, Escaped::Url, hay, (s, e), b, out);
            });
        }
        if self.json {
            forms::json_segments(hay, |s, e| {
                let b = batch.get_or_insert_with(Batch::default);
                Self::escaped(db, scratch, Escaped::Json, hay, (s, e), b, out);
            });
        }
        if let Some(mut b) = batch {
            b.flush(db, scratch, out);
        }
    }

    /// A base64 run is reported whole (at most `MAX_B64_RUN` bytes after
    /// its auth context); a mapped finding lies within one window of
    /// decoded text, whose source is at most 6× longer (`\uXXXX`).
    fn max_window(&self) -> usize {
        (MAX_B64_RUN + CONTEXT).max(6 * WINDOW)
    }

    /// Every form is cut at line ends (base64 and URL runs stop at a
    /// newline, JSON strings are split per line), so a span never leaves
    /// its line.
    fn max_cross_line(&self) -> usize {
        0
    }
}

/// Inputs shorter than this hold no candidate of any form.
const MIN_CANDIDATE: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use std::sync::Arc;

    fn db() -> RuleDb {
        static DB: std::sync::OnceLock<RuleDb> = std::sync::OnceLock::new();
        DB.get_or_init(|| {
            stanch_engine::pack::builtin()
                .unwrap()
                .with_extension(Arc::new(Decoder::default()))
        })
        .clone()
    }

    /// (rule id, reported text) of every finding of severity ≥ low.
    fn found(text: &str) -> Vec<(String, String)> {
        let db = db();
        let mut s = db.scratch();
        let mut out = Vec::new();
        db.scan(text.as_bytes(), &mut s, &mut out);
        out.iter()
            .filter(|f| db.rule(f.rule).severity() >= Severity::Low)
            .map(|f| {
                (
                    db.rule(f.rule).id().to_string(),
                    String::from_utf8_lossy(&text.as_bytes()[f.range()]).into_owned(),
                )
            })
            .collect()
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    /// Parallel scans read only the longest rule window past a segment,
    /// not the decoder's (far longer) window: its spans never leave their
    /// line. Segments of every size must find what one pass finds.
    #[test]
    fn parallel_segments_find_what_one_pass_finds_with_the_decoder() {
        let db = stanch_engine::pack::builtin()
            .unwrap()
            .with_extension(std::sync::Arc::new(Decoder::default()));
        let gh = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        let mut text = String::new();
        for i in 0..300 {
            match i % 5 {
                0 => text.push_str(&format!("auth: Basic {}\n", b64(&format!("svc:{gh}")))),
                1 => text.push_str(&format!(
                    "{{\"msg\":\"config {{\\\"token\\\": \\\"{gh}\\\"}}\",\"i\":{i}}}\n"
                )),
                2 => text.push_str(&format!(
                    "GET /cb?code=x&state=%7B%22t%22%3A%22{gh}%22%7D {i}\n"
                )),
                3 => {
                    // A long line of base64 with a secret inside it.
                    let body =
                        format!("{}{gh}{}", "lorem ipsum ".repeat(300), " dolor".repeat(300));
                    text.push_str(&format!("blob={}\n", b64(&body)));
                }
                _ => text.push_str(&format!(
                    "{i} INFO nothing to see here, user=u{i}@acme.io\n"
                )),
            }
        }
        let hay = text.as_bytes();
        let mut s = db.scratch();
        let mut one = Vec::new();
        db.scan(hay, &mut s, &mut one);
        assert!(one.len() > 200, "the decoder finds the planted secrets");
        for (threads, min_segment) in [(2, 1024), (3, 5000), (4, 20_000), (8, 700)] {
            let mut scratches: Vec<_> = (0..threads).map(|_| db.scratch()).collect();
            let mut par = Vec::new();
            db.scan_parallel_segments(hay, &mut scratches, &mut par, min_segment);
            assert_eq!(par, one, "{threads} threads, segments of {min_segment}");
        }
    }

    const GHP: &str = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

    #[test]
    fn base64_blob_with_a_secret_is_reported_whole() {
        let blob = b64(&format!(
            "DB_HOST=db.internal\nDB_PASSWORD=Xk9#mQ2v!Lr8\nGH={GHP}\n"
        ));
        let text = format!("env: {blob} end");
        let f = found(&text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, blob);
        // The most severe inner finding names it.
        assert_eq!(f[0].0, "github-pat");
    }

    #[test]
    fn k8s_secret_docker_auth_and_pem() {
        let url = b64("postgres://app:Pr0dPass9@db.acme.io:5432/app");
        let f = found(&format!("data:\n  DATABASE_URL: {url}\n"));
        assert_eq!(f, [("url-userinfo-password".to_string(), url)]);
        let auth = b64("robot$ci:Zq8xV2mN7kP4");
        let docker = format!(r#"{{"auths":{{"registry.acme.io":{{"auth":"{auth}"}}}}}}"#);
        let f = found(&docker);
        assert!(f.iter().any(|(_, t)| *t == auth), "{f:?}");
        let cfg = b64(&docker);
        let f = found(&format!(".dockerconfigjson: {cfg}"));
        assert!(f.iter().any(|(_, t)| *t == cfg), "{f:?}");
    }

    #[test]
    fn user_pass_in_auth_context_is_an_encoded_credential() {
        let v = b64("deploy:T7r!vX9q2Lm");
        let f = found(&format!("registry:\n  ci_auth: {v}\n"));
        assert_eq!(f, [("encoded-credential".to_string(), v.clone())]);
        // The same value with no auth context is not reported.
        assert!(found(&format!("id: {v}")).is_empty());
    }

    #[test]
    fn url_encoded_findings_map_to_the_escaped_bytes() {
        let text = "POST body=user%3Dbob%26password%3DXk9mQ2vLr8zT%26next%3D%252F ok";
        let f = found(text);
        assert!(f.iter().any(|(_, t)| t == "Xk9mQ2vLr8zT"), "{f:?}");
        let text = "redirect=https%3A%2F%2Fadmin%3Ap4ssW0rd9x%40db.example.com%2Fx";
        let f = found(text);
        assert!(f.iter().any(|(_, t)| t.contains("p4ssW0rd9x")), "{f:?}");
        assert!(f.iter().all(|(_, t)| !t.contains("redirect")), "{f:?}");
        let text = format!("h=Authorization%3A%20Bearer%20{GHP}%0A");
        let f = found(&text);
        assert!(f.iter().any(|(_, t)| t.contains(GHP)), "{f:?}");
    }

    #[test]
    fn pii_shapes_in_decoded_text_are_left_to_the_raw_scan() {
        // Decoded, `%2A` is `*`, and `10@clickhouse.analytics.svc` would look
        // like an email: only the password is reported.
        let text = "url=clickhouse://svc:Purpl3%2A10@clickhouse.analytics.svc:9000/default";
        assert_eq!(
            found(text),
            [(
                "url-userinfo-password".to_string(),
                "Purpl3%2A10".to_string()
            )]
        );
    }

    #[test]
    fn json_escaped_findings_never_split_an_escape() {
        let text = r#"{"content":"config {\"password\":\"Xk9mQ2vLr8zT\"} done"}"#;
        let f = found(text);
        assert!(f.iter().any(|(_, t)| t.contains("Xk9mQ2vLr8zT")), "{f:?}");
        // ghp\u005f…: only the decoded text is a token.
        let text = r#"{"m":"token ghp\u005faBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ok"}"#;
        let f = found(text);
        let (_, t) = f.iter().find(|(id, _)| id == "github-pat").expect("found");
        assert_eq!(t, r"ghp\u005faBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789");
        // Double-escaped (a JSON string inside a JSON string).
        let text = r#"{"a":"{\"b\":\"{\\\"password\\\":\\\"Xk9mQ2vLr8zT\\\"}\"}"}"#;
        let f = found(text);
        assert!(f.iter().any(|(_, t)| t.contains("Xk9mQ2vLr8zT")), "{f:?}");
    }

    #[test]
    fn pem_in_a_json_string() {
        let text = "{\"key\":\"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAxYz0d5c3Qm8pTq1L7wq8g9v3s2k5Xh4Zf1YbN6cR2jP0aL9eK3tU\\nsW7vB1nM4xC8dF2gH5jK0lP3oI6uY9tR2eW1qA4zS7xD0cV3bN6mL9kJ2hG5fD8sA1p\\n-----END RSA PRIVATE KEY-----\\n\"}";
        let f = found(text);
        assert!(
            f.iter().any(|(_, t)| t.contains("MIIEowIBAAKCAQEA")),
            "{f:?}"
        );
    }

    #[test]
    fn benign_lookalikes_are_not_reported() {
        for s in [
            "request 3f2a9c1e-1111-4a4a-9b9b-0123456789ab done",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "next cursor=eyJvZmZzZXQiOjEwMH0= page=2",
            "image: ghcr.io/acme/api@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
            "cursor=eyJwYWdlIjoyfQ.eyJwYWdlIjozfQ.c29tZXRoaW5nZWxzZWhlcmU",
            "msg=SGVsbG8gd29ybGQsIHRoaXMgaXMgYSBwbGFpbiBtZXNzYWdl",
            "GET /search?q=rust%20base64%20decoder&page=2 200",
            r#"{"msg":"path C:\\Users\\bob\\new \"quoted\" text"}"#,
            "integrity sha512-3NvNq0bdKb0rlbTK2J7m0q9v6m2kR5Yb5yN8p2w3Q1Z2o5pLq9bZQ==",
            "printf %02d%%s 100% done",
        ] {
            assert!(found(s).is_empty(), "{s}: {:?}", found(s));
        }
    }

    #[test]
    fn depth_is_bounded_and_nesting_works_to_it() {
        let inner = format!("password={}", "Xk9mQ2vLr8zT");
        let once = b64(&inner);
        let twice = b64(&format!("blob {once} end"));
        let thrice = b64(&format!("blob {twice} end"));
        assert_eq!(found(&format!("x {twice} y")).len(), 1);
        // Three levels of base64 are beyond MAX_DEPTH (2).
        assert!(found(&format!("x {thrice} y")).is_empty());
        assert_eq!(DEPTH.with(Cell::get), 0);
    }

    #[test]
    fn long_strings_use_windows_and_runs_past_the_limit_are_skipped() {
        let filler = "lorem ipsum \\\"dolor\\\" ".repeat(4000); // > WINDOW decoded
        let text = format!("{{\"m\":\"{filler} password=\\\"Xk9mQ2vLr8zT\\\" {filler}\"}}");
        let f = found(&text);
        assert!(f.iter().any(|(_, t)| t.contains("Xk9mQ2vLr8zT")), "{f:?}");
        let big = b64(&format!("{} password=Xk9mQ2vLr8zT", "a ".repeat(WINDOW)));
        assert!(big.len() > MAX_B64_RUN);
        assert!(found(&big).is_empty());
        assert!(Decoder::default().max_window() >= MAX_B64_RUN);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            &b"%"[..],
            b"%4",
            b"\\",
            b"\\u12",
            b"\\ud83d",
            b"\"\\\"\\",
            b"AAAAAAAAAAAAAAAAAAAAA=",
            b"\xff\xfe%41\\u0041",
        ] {
            let db = db();
            let mut sc = db.scratch();
            let mut out = Vec::new();
            db.scan(s, &mut sc, &mut out);
        }
    }
}
