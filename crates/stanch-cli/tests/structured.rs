//! `stanch redact --format auto|text|json|jsonl` end to end: golden files
//! for provider request bodies, structured logs, OTel exports and agent
//! transcripts (snapshotted with insta), every output valid JSON of the
//! input's shape (keys in the same order), planted values gone; bad JSON
//! redacted as text with a warning; truncation; config key lists; canaries.

use assert_cmd::Command;
use serde_json::Value;
use stanch_redact::structured::parse::{parse, Kind};
use std::path::{Path, PathBuf};

const KEY: &str = "3f1c0a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a";

/// Values planted in the fixtures that must never appear in output.
const PLANTED: &[&str] = &[
    "Xq8Lm2Nv5Rt7Wz1Ab4Cd6Ef9Gh2Jk5Mn8Pq1Rs4Tu7Vw0",
    "Pg-s3cret-77",
    "maria.gonzalez@fastmail.com",
    "4539 1488 0343 6467",
    "k-29f",
    "ops@acme-corp.io",
    "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345",
    "Vx9Bz3Nq7Lm1Kp5Rt8Wy2Cd4",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
    "sess_9fJ2kL8mQ4",
    "Dckr-Pass-8841",
    "Yx7Kq2Lm9Np4Rt7Vw1Yb3Cd6Ef8Gh0Jk2Lm4",
    "ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2",
    "Y2k6RGNrci1QYXNzLTg4NDE=",
    "7Hk2Pq9Lm4Xz",
    "9f8e7d6c5b4a",
    "YWRtaW46aHVudGVyMg==",
    "q8Zr2Lm",
    "r3d1s-Pa55",
    "jane.doe@acme-corp.io",
    "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg",
    "Zx8Kq2Lm9Np4Rt7",
    "li.wei@globex.cn",
    "4111111111111111",
    "415 555 0142",
    "sha256=7f3a1b2c",
    "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    "tok_9f8e7d6c5b4a3f2e1d0c",
    "rk_live_51Hb7Vt2eZvKYlo2C0aBcDeFgHiJkLm",
    "abc123",
    "hunter2",
    "bob@acme.io",
    "AKIAZ7Q4MPX2RT5LWN3K",
    "u8Pq2Zr5Xw9Lk3Jt7Vn1Bm4Hc6Gd0Fs8Ay2Ee5Ri",
    "Tr0ub4dor-and-3",
    "alice.wong@acme-corp.io",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/json")
}

fn stanch() -> Command {
    let mut c = Command::cargo_bin("stanch").unwrap();
    c.env("STANCH_KEY", KEY)
        .env_remove("STANCH_KEY_FILE")
        .env_remove("STANCH_CONFIG")
        .env_remove("STANCH_CANARY_FILE");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The document's structure in order: containers, keys and one mark per
/// scalar (a redacted number may become a string, so scalars are alike).
fn shape(doc: &str) -> Vec<String> {
    let mut nodes = Vec::new();
    parse(doc.trim().as_bytes(), &mut nodes).unwrap_or_else(|e| panic!("{e}: {doc}"));
    let mut out = Vec::new();
    let mut ends: Vec<usize> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        while ends.last() == Some(&i) {
            ends.pop();
            out.push("end".to_string());
        }
        if let Some((a, b)) = n.key {
            out.push(format!("key {}", &doc.trim()[a..b]));
        }
        match n.kind {
            Kind::Object | Kind::Array => {
                out.push(format!("{:?}", n.kind));
                ends.push(n.after);
            }
            _ => out.push("scalar".to_string()),
        }
    }
    out
}

/// Every document of `input` and `output` (one, or one per line): valid
/// JSON for serde_json too, and the same shape.
fn assert_same_json(input: &str, output: &str, lines: bool) {
    let docs = |s: &str| -> Vec<String> {
        if lines {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect()
        } else {
            vec![s.to_string()]
        }
    };
    let (a, b) = (docs(input), docs(output));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        serde_json::from_str::<Value>(y).unwrap_or_else(|e| panic!("not JSON ({e}): {y}"));
        assert_eq!(shape(x), shape(y), "shape changed:\n{x}\n{y}");
    }
}

fn assert_no_planted(s: &str) {
    for p in PLANTED {
        assert!(!s.contains(p), "planted value leaked: {}…", &p[..4]);
    }
}

fn golden(name: &str, lines: bool) {
    let path = fixtures().join(name);
    let input = std::fs::read_to_string(&path).unwrap();
    let out = stanch().arg("redact").arg(&path).assert().success();
    let o = out.get_output();
    let stdout = text(&o.stdout);
    assert_eq!(text(&o.stderr), "");
    assert_no_planted(&stdout);
    assert_same_json(&input, &stdout, lines);
    // The same through standard input (format sniffed, not from the name).
    let piped = stanch()
        .arg("redact")
        .write_stdin(input.clone())
        .assert()
        .success();
    assert_eq!(text(&piped.get_output().stdout), stdout, "{name} via stdin");
    insta::assert_snapshot!(name.replace('.', "_"), stdout);
}

#[test]
fn golden_openai_chat_request() {
    golden("openai-chat.json", false);
}

#[test]
fn golden_anthropic_messages_request() {
    golden("anthropic-messages.json", false);
}

#[test]
fn golden_request_bodies_as_json_lines() {
    golden("requests.jsonl", true);
}

#[test]
fn golden_pino_lines() {
    golden("pino.jsonl", true);
}

#[test]
fn golden_zap_lines() {
    golden("zap.jsonl", true);
}

#[test]
fn golden_structlog_lines() {
    golden("structlog.jsonl", true);
}

#[test]
fn golden_otel_traces_export() {
    golden("otel-traces.json", false);
}

#[test]
fn golden_agent_transcript() {
    golden("agent-transcript.jsonl", true);
}

#[test]
fn jsonl_lines_that_are_not_json_are_redacted_as_text_with_a_warning() {
    let input = "{\"password\":\"x9\"}\nplain token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n{\"truncated\":\n\n";
    let out = stanch()
        .args(["redact", "--format", "jsonl"])
        .write_stdin(input)
        .assert()
        .success();
    let o = out.get_output();
    assert_eq!(
        text(&o.stdout),
        "{\"password\":\"[REDACTED:secret-field]\"}\nplain token=[REDACTED:github-pat]\n{\"truncated\":\n\n"
    );
    insta::assert_snapshot!("jsonl_invalid_stderr", text(&o.stderr));
}

#[test]
fn json_document_that_is_not_json_is_redacted_as_text_with_a_warning() {
    let input = "{\"a\": \"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\",\n \"b\": 1,";
    let out = stanch()
        .args(["redact", "--format", "json"])
        .write_stdin(input)
        .assert()
        .success();
    let o = out.get_output();
    assert_eq!(
        text(&o.stdout),
        "{\"a\": \"[REDACTED:github-pat]\",\n \"b\": 1,"
    );
    assert_eq!(
        text(&o.stderr),
        "stanch: warning: <stdin>: not valid JSON at byte 58: expected a string key; redacted as text\n"
    );
    // `auto` only guessed JSON from the brace: the same, quietly.
    stanch()
        .arg("redact")
        .write_stdin(input)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn text_format_leaves_json_alone_as_text() {
    let input = "{\"card\": 4111111111111111, \"password\": \"x9\"}\n";
    let out = stanch()
        .args(["redact", "--format", "text"])
        .write_stdin(input)
        .assert()
        .success();
    // Text mode: no key context for the short value, card redacted in place.
    let s = text(&out.get_output().stdout);
    assert!(s.starts_with("{\"card\": <card:"), "{s}");
    let json = stanch().arg("redact").write_stdin(input).assert().success();
    let j = text(&json.get_output().stdout);
    assert!(j.starts_with("{\"card\": \"<card:"), "{j}");
    assert!(j.contains("\"password\": \"[REDACTED:"), "{j}");
    serde_json::from_str::<Value>(&j).unwrap();
}

#[test]
fn max_field_bytes_truncates_long_strings() {
    let long = "x".repeat(500);
    let input =
        format!("{{\"log\":\"{long} ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\",\"ok\":\"yes\"}}\n");
    let out = stanch()
        .args(["redact", "--format", "jsonl", "--max-field-bytes", "64"])
        .write_stdin(input)
        .assert()
        .success();
    assert_eq!(
        text(&out.get_output().stdout),
        format!(
            "{{\"log\":\"{}...[TRUNCATED:477 bytes]\",\"ok\":\"yes\"}}\n",
            "x".repeat(64)
        )
    );
    stanch()
        .args(["redact", "--max-field-bytes", "8"])
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--max-field-bytes"));
}

#[test]
fn config_secret_keys_and_not_secret_keys() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("stanch.toml");
    std::fs::write(
        &cfg,
        "[redact]\nformat = \"jsonl\"\nsecret_keys = [\"X-Internal-Ticket\"]\nnot_secret_keys = [\"session\"]\nmax_field_bytes = 1024\n",
    )
    .unwrap();
    let out = stanch()
        .args(["--config"])
        .arg(&cfg)
        .arg("redact")
        .write_stdin(
            "{\"x_internal_ticket\":\"T-1\",\"session\":\"abc-plain\",\"password\":\"pw1\"}\n",
        )
        .assert()
        .success();
    assert_eq!(
        text(&out.get_output().stdout),
        "{\"x_internal_ticket\":\"[REDACTED:secret-field]\",\"session\":\"abc-plain\",\"password\":\"[REDACTED:password-assignment-quoted]\"}\n"
    );
    std::fs::write(&cfg, "[redact]\nformat = \"yaml\"\n").unwrap();
    stanch()
        .args(["--config"])
        .arg(&cfg)
        .arg("redact")
        .write_stdin("{}")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("redact.format"));
}

/// `stanch redact --format jsonl` on `input`, run in `dir` (where a minted
/// canary's registry is).
fn redact_jsonl_in(dir: &std::path::Path, input: String) -> std::process::Output {
    stanch()
        .current_dir(dir)
        .args(["redact", "--format", "jsonl"])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .clone()
}

/// Mints a GitHub-shaped canary token whose registry lives in `dir`.
fn mint_canary(dir: &std::path::Path) -> String {
    let minted = stanch()
        .current_dir(dir)
        .args(["canary", "new", "--kind", "github"])
        .assert()
        .success();
    text(&minted.get_output().stdout).trim().to_string()
}

#[test]
fn canary_in_a_json_line_is_reported_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let token = mint_canary(dir.path());
    let input = format!("{{\"a\":1}}\n{{\"msg\":\"x\",\"env\":{{\"T\":\"{token}\"}}}}\n");
    let o = redact_jsonl_in(dir.path(), input);
    assert!(!text(&o.stdout).contains(&token));
    assert_eq!(
        text(&o.stderr),
        "stanch: canary token found: canary-token at <stdin>:2\n"
    );
}

/// A mixed log (JSON records between plain lines) in JSON Lines mode: the
/// plain lines between two records are redacted together, so a private key
/// spread over them goes whole, and a canary among them is reported at its
/// own line.
#[test]
fn jsonl_runs_of_plain_lines_are_redacted_together() {
    let dir = tempfile::tempdir().unwrap();
    let token = mint_canary(dir.path());
    let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n\
                VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK";
    let input = format!(
        "{{\"level\":\"info\",\"msg\":\"start\"}}\n\
         Traceback: key dump follows\n\
         -----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n\
         retrying with {token}\n\
         {{\"level\":\"info\",\"msg\":\"done\"}}\n"
    );
    let o = redact_jsonl_in(dir.path(), input);
    let s = text(&o.stdout);
    assert!(!s.contains("MIIEowIBAAKCAQEAu1SU1"), "{s}");
    assert!(!s.contains("VTLw7onLRnrq0"), "{s}");
    assert!(!s.contains(&token), "{s}");
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[0], "{\"level\":\"info\",\"msg\":\"start\"}");
    assert_eq!(lines[1], "Traceback: key dump follows");
    assert_eq!(lines.last(), Some(&"{\"level\":\"info\",\"msg\":\"done\"}"));
    let err = text(&o.stderr);
    assert!(
        err.contains("stanch: canary token found: canary-token at <stdin>:7\n"),
        "{err}"
    );
    assert!(err.contains("6 line(s) were not valid JSON"), "{err}");
}

/// Two writers interleaving: a JSON record lands inside a private key that
/// another writer dumps as text. The key's lines on both sides of the
/// record are redacted (text mode reads the record as text and redacts the
/// block whole), and every line keeps its own line.
#[test]
fn jsonl_a_record_inside_a_pem_block_leaves_no_part_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let b1 = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";
    let b2 = "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK";
    let input = format!(
        "{{\"a\":1}}\nkey:\n-----BEGIN RSA PRIVATE KEY-----\n{b1}\n{{\"c\":\"x\"}}\n\
         {b2}\n{b1}\n-----END RSA PRIVATE KEY-----\n{{\"d\":2}}\n"
    );
    let o = redact_jsonl_in(dir.path(), input);
    assert_eq!(
        text(&o.stdout),
        "{\"a\":1}\nkey:\n[REDACTED:pem-rsa-private-key]\n{\"c\":\"x\"}\n\
         [REDACTED:pem-rsa-private-key]\n{\"d\":2}\n"
    );
}

#[test]
fn jsonl_blocks_of_records_and_text_lose_nothing_at_their_edges() {
    // Records and tracebacks (with PEM blocks) over several of the blocks
    // that are scanned at once: blocks end inside text runs and PEM blocks,
    // and line numbers of canaries carry over.
    let dir = tempfile::tempdir().unwrap();
    let token = mint_canary(dir.path());
    let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n\
                VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK";
    // (input, expected output) line groups; None: a line with the canary.
    let mut groups: Vec<(String, Option<String>)> = Vec::new();
    // The CLI scans blocks of (at least) 256 KiB of lines: the first one
    // ends right after a BEGIN line, so the rest of that PEM block must be
    // held for the next.
    const BLOCK: usize = 256 << 10;
    let (mut len, mut padded) = (0, false);
    let head = "key dump:\n-----BEGIN RSA PRIVATE KEY-----\n";
    for i in 0..6000 {
        let msg = |t: &str| format!("{{\"i\":{i},\"msg\":\"auth token={t}\"}}\n");
        let pat = format!("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567{:02}", i % 100);
        groups.push((msg(&pat), Some(msg("[REDACTED:github-pat]"))));
        let plain = format!("worker {i} {}\n", "x".repeat(i % 97));
        groups.push((plain.clone(), Some(plain)));
        if i % 7 == 3 {
            len = groups.iter().map(|g| g.0.len()).sum();
            if !padded && len + head.len() + 2 <= BLOCK && BLOCK - len < 4000 {
                let pad = format!("{}\n", "p".repeat(BLOCK - len - head.len() - 1));
                groups.push((pad.clone(), Some(pad)));
                padded = true;
            }
            groups.push((
                format!("{head}{body}\n-----END RSA PRIVATE KEY-----\n"),
                Some("key dump:\n[REDACTED:pem-rsa-private-key]\n".to_string()),
            ));
        }
        if i % 900 == 5 {
            groups.push((format!("{{\"i\":{i},\"retry\":\"{token}\"}}\n"), None));
            groups.push((format!("retrying with {token}\n"), None));
        }
    }
    assert!(padded, "a block ends inside a PEM block ({len})");
    let input: String = groups.iter().map(|g| g.0.as_str()).collect();
    assert!(input.len() > 3 * (256 << 10), "{}", input.len());
    // From a file: reads, and so blocks, end where the test expects.
    std::fs::write(dir.path().join("in.jsonl"), &input).unwrap();
    let o = stanch()
        .current_dir(dir.path())
        .args(["redact", "--format", "jsonl", "in.jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let out = text(&o.stdout);
    let (mut out_lines, mut line, mut canary_lines) = (out.lines(), 0, Vec::new());
    for (inp, want) in &groups {
        line += inp.matches('\n').count();
        match want {
            Some(w) => {
                for w in w.lines() {
                    assert_eq!(out_lines.next(), Some(w), "input line {line}");
                }
            }
            None => {
                let got = out_lines.next().unwrap();
                assert!(!got.contains(&token), "input line {line}: {got}");
                canary_lines.push(line);
            }
        }
    }
    assert_eq!(out_lines.next(), None);
    let err = text(&o.stderr);
    let reported: Vec<usize> = err
        .lines()
        .filter_map(|l| l.strip_prefix("stanch: canary token found: canary-token at in.jsonl:"))
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(reported, canary_lines, "{err}");
}

/// `redact -j2` on JSON Lines scans each block on two threads: the output
/// is the same as on one, from a file or a pipe, over blocks with records,
/// strings that hold JSON or only look like it, tracebacks and keys.
#[test]
fn jsonl_on_two_threads_writes_what_one_thread_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    let key = "-----BEGIN RSA PRIVATE KEY-----\n\
               MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n\
               VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n\
               -----END RSA PRIVATE KEY-----\n";
    let mut i = 0;
    while input.len() < 1_200_000 {
        for f in [
            "pino.jsonl",
            "zap.jsonl",
            "structlog.jsonl",
            "agent-transcript.jsonl",
        ] {
            input.push_str(&std::fs::read_to_string(fixtures().join(f)).unwrap());
        }
        input.push_str(&format!(
            "{{\"i\":{i},\"log\":\"{{\\\"a\\\":1}}\\n{{\\\"password\\\":\\\"Tr0ub4dor-and-3\\\"}}\\nuser bob@acme.io\"}}\n"
        ));
        input.push_str(&format!(
            "{{\"i\":{i},\"body\":\"{{\\\"token\\\":\\\"ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2\\\"}}\"}}\n"
        ));
        input.push_str(&format!("Traceback {i} (most recent call last):\n  key:\n"));
        if i % 3 == 0 {
            // Another writer's record inside the key.
            let (head, tail) = key.split_at(key.find("VTLw").unwrap());
            input.push_str(head);
            input.push_str(&format!("{{\"i\":{i},\"msg\":\"other writer\"}}\n"));
            input.push_str(tail);
        } else {
            input.push_str(key);
        }
        i += 1;
    }
    let path = dir.path().join("mixed.jsonl");
    std::fs::write(&path, &input).unwrap();
    let run = |j: &str, stdin: bool| {
        let mut c = stanch();
        c.args(["redact", "--format", "jsonl", "-j", j]);
        if stdin {
            c.write_stdin(input.clone());
        } else {
            c.arg(&path);
        }
        let out = c.assert().success();
        text(&out.get_output().stdout)
    };
    let one = run("1", false);
    assert_no_planted(&one);
    assert!(!one.contains("MIIEow") && !one.contains("VTLw7"));
    assert!(
        one.contains("\"msg\":\"other writer\"}\n"),
        "records between key lines stay"
    );
    assert!(one == run("2", false), "-j2 from a file differs from -j1");
    assert!(one == run("2", true), "-j2 from a pipe differs from -j1");
}

#[test]
fn in_place_json_file_stays_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("body.json");
    let input = std::fs::read_to_string(fixtures().join("anthropic-messages.json")).unwrap();
    std::fs::write(&p, &input).unwrap();
    stanch().args(["redact", "-i"]).arg(&p).assert().success();
    let out = std::fs::read_to_string(&p).unwrap();
    assert_no_planted(&out);
    assert_same_json(&input, &out, false);
}

#[test]
fn text_structures_use_the_key_as_context() {
    // logfmt, an HTTP header block, .env, shell export, YAML, a Python
    // repr and a JS object: the key name decides, the value is redacted,
    // the rest of each line is unchanged.
    let input = "level=info msg=\"db connect\" user=app password=Kp3mZq9xW7 host=db.internal
GET /v1/orders HTTP/1.1
Host: api.acme-corp.io
Authorization: Bearer 9f8e7d6c5b4a3f2e1d0cAbCdEf
Cookie: session=Zq8Lm2Nv5Rt7Wz1Ab4Cd; theme=dark
X-Api-Key: 7Hk2Pq9Lm4XzWq81
DB_PASSWORD=Tr1cky-Falc0n!42
export GITHUB_TOKEN=q0M3pX9vQ2mZ4nR7tY1uW8eS5aD6
database:
  password: S3cur3P@ss_77
{'user': 'bob', 'password': 'Blue42Ocean!', 'api_key': 'k9Lm2Nv5Rt7Wz1Ab'}
{ user: 'bob', secret: 'Ma9le-Rocket7xyz', retries: 3 }
";
    let out = stanch()
        .args(["redact", "--format", "text"])
        .write_stdin(input)
        .assert()
        .success();
    assert_eq!(
        text(&out.get_output().stdout),
        "level=info msg=\"db connect\" user=app password=[REDACTED:password-assignment] host=db.internal
GET /v1/orders HTTP/1.1
Host: api.acme-corp.io
Authorization: Bearer [REDACTED:http-bearer]
Cookie: session=[REDACTED:http-cookie]; theme=dark
X-Api-Key: [REDACTED:http-api-key-header]
DB_PASSWORD=[REDACTED:password-assignment]
export GITHUB_TOKEN=[REDACTED:token-assignment]
database:
  password: [REDACTED:password-assignment]
{'user': 'bob', 'password': '[REDACTED:password-assignment-quoted]', 'api_key': '[REDACTED:api-key-assignment-quoted]'}
{ user: 'bob', secret: '[REDACTED:secret-assignment-quoted]', retries: 3 }
"
    );
}
