//! Precision on log noise: things every debugging log is full of must never
//! be reported (at severity low or above) by the built-in pack.

use stanch_engine::{pack, RuleDb, Severity};

fn db() -> RuleDb {
    pack::builtin().unwrap()
}

/// Findings of severity ≥ low, as "rule: text" for readable failures.
fn reported(db: &RuleDb, text: &str) -> Vec<String> {
    let mut scratch = db.scratch();
    let mut out = Vec::new();
    db.scan(text.as_bytes(), &mut scratch, &mut out);
    out.iter()
        .filter(|f| db.rule(f.rule).severity() >= Severity::Low)
        .map(|f| format!("{}: {:?}", db.rule(f.rule).id(), &text[f.start..f.end]))
        .collect()
}

const NOISE: &[(&str, &str)] = &[
    ("uuid", "request_id=7f3c9a2e-4b1d-4c6e-9a8f-2d5e6b7c8a90 correlation-id: 0d9b6e1c-2f3a-4b5c-8d7e-6f5a4b3c2d1e"),
    ("uuid upper", "X-Request-ID: 550E8400-E29B-41D4-A716-446655440000"),
    ("git sha", "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 (HEAD -> main) merged 3e1f2a9"),
    ("sha256", "sha256sum: 3b8e5f0a9c2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f  app.tar.gz"),
    ("md5", "etag=\"d41d8cd98f00b204e9800998ecf8427e\" md5=9e107d9d372bb6826bd81d3542a419d6"),
    ("traceparent", "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
    ("otel ids", "{\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"eee19b7ec3c1b174\",\"parent_span_id\":\"eee19b7ec3c1b173\"}"),
    ("datadog ids", "dd.trace_id=5736948327365548432 dd.span_id=1283746529384756123 dd.service=checkout"),
    ("b3", "X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7 X-B3-SpanId: e457b5a2e4d86bd1 X-B3-Sampled: 1"),
    ("memory address", "Segmentation fault at 0x7ffd5fbff8a0; object at 0x00007f3a1c2b4e90 <Foo object at 0x7f3a1c2b4e90>"),
    ("image digest", "image: ghcr.io/acme/api@sha256:9b2a5e4f1c3d7e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f80"),
    ("cursor", "{\"next_cursor\":\"eyJpZCI6MTIzNDUsInRzIjoxNzAwMDAwMDAwfQ==\",\"has_more\":true}"),
    ("cursor2", "?page_token=Q2hBSUFSb01DZ3dTQ2hBS0F3aWRGeElDQ0FF&limit=50"),
    ("iso timestamp", "2026-11-21T09:14:02.118Z 2026-11-21 09:14:02,118 21/Nov/2026:09:14:02 +0000"),
    ("epoch", "ts=1763716442 ts_ms=1763716442118 ts_ns=1763716442118000000 elapsed=0.0231"),
    ("versions", "python 3.11.7 node v20.20.2 Chrome/120.0.6099.109 openssl 3.0.2 build 1.2.3.4 version=2.14.3-rc.1"),
    ("luhn-invalid", "order_number=4111111111111112 ref=5500000000000005 invoice 1234567812345678"),
    ("placeholders", "password=${DB_PASSWORD} token={{ .Values.api.token }} secret=$(cat /run/secrets/db) api_key=<redacted> pwd=****"),
    ("placeholders2", "Authorization: Bearer ${TOKEN}\nAuthorization: Bearer <token>\nCookie: <redacted>\npassword: \"\"\n"),
    ("counters", "usage: prompt_tokens=512 completion_tokens=88 total_tokens=600 max_tokens: 1024 token_count=12"),
    ("prose", "ERROR invalid token: signature expired; password reset requested; the secret is rotated nightly"),
    ("paths", "PWD=/home/runner/work/api OLDPWD=/home/runner HOME=/root PATH=/usr/local/bin:/usr/bin"),
    ("k8s refs", "secretName: db-credentials\n  secretKeyRef:\n    name: api-token\n    key: token\n"),
    ("git remote", "git@github.com:acme/api.git lodash@4.17.21 @types/node@20.11.5 image@2x.png"),
    ("hex blob", "payload=48656c6c6f20576f726c64212048656c6c6f20576f726c6421 crc=0x1f2e3d4c"),
    ("base64 body", "data: SGVsbG8sIHRoaXMgaXMganVzdCBhIGxvZyBtZXNzYWdlIGVuY29kZWQgaW4gYmFzZTY0Lg=="),
    ("java trace", "\tat com.acme.payments.Client.charge(Client.java:88)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)"),
    ("python trace", "  File \"/srv/app/.venv/lib/python3.11/site-packages/requests/sessions.py\", line 637, in post"),
    ("durations", "took 1.234s (p99=00:00:01.5) retry in 250ms; 12:34:56 elapsed; port 5432; pid 48213"),
    ("dates", "from 2024-01-15 to 2024-02-15; id 123-456-7890-12"),
];

#[test]
fn log_noise_is_never_reported() {
    let db = db();
    let mut failures = Vec::new();
    for (what, text) in NOISE {
        let r = reported(&db, text);
        if !r.is_empty() {
            failures.push(format!("{what}: {r:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "noise reported:\n{}",
        failures.join("\n")
    );
}

#[test]
fn rule_db_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<RuleDb>();
    let db = db();
    let text = "export GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n".repeat(50);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let mut scratch = db.scratch();
                let mut out = Vec::new();
                db.scan(text.as_bytes(), &mut scratch, &mut out);
                assert_eq!(out.len(), 50);
            });
        }
    });
}

#[test]
fn pack_covers_at_least_150_provider_formats() {
    let db = db();
    let provider = db
        .rules()
        .iter()
        .filter(|r| {
            r.category() == stanch_engine::Category::Secret
                && r.specificity() == stanch_engine::Specificity::Provider
        })
        .count();
    assert!(provider >= 150, "{provider} provider rules");
}
