//! End-to-end tests of the `stanch` binary: exit status, stdout and stderr
//! are checked separately; output formats are snapshotted with insta.

use assert_cmd::Command;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

const KEY: &str = "3f1c0a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a";

/// Values planted in the bundled example that must never appear in output.
const PLANTED: &[&str] = &[
    "ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2",
    "u8Pq2Zr5Xw9Lk3Jt7Vn1Bm4Hc6Gd0Fs8Ay2Ee5Ri",
    "AKIAZ7Q4MPX2RT5LWN3K",
    "Tr0ub4dor-and-3",
    "maria.gonzalez@fastmail.com",
    "alice.wong@acme-corp.io",
    "4539 1488 0343 6467",
    "8f2b6c1d9e4a7f3b0c5d2e8a1f6b9c4d",
    "q0M3pX9vQ2mZ4nR7tY1uW8eS5aD6fG0hJ3kL2cV9bN4",
    "Zx8Kq2Lm9Np4Rt7Vw1Yb3Cd6",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> PathBuf {
    root().join("examples/debug-session.log")
}

fn stanch() -> Command {
    let mut c = Command::cargo_bin("stanch").unwrap();
    c.env("STANCH_KEY", KEY)
        .env_remove("STANCH_KEY_FILE")
        .env_remove("STANCH_CONFIG");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn assert_no_planted(s: &str) {
    for p in PLANTED {
        assert!(!s.contains(p), "planted value leaked: {}…", &p[..6]);
    }
}

#[test]
fn redact_example_from_stdin() {
    let input = std::fs::read(example()).unwrap();
    let out = stanch().arg("redact").write_stdin(input).assert().success();
    let o = out.get_output();
    let stdout = text(&o.stdout);
    assert_no_planted(&stdout);
    assert_eq!(text(&o.stderr), "");
    insta::assert_snapshot!("redact_example", stdout);
}

#[test]
fn redact_keeps_every_other_byte() {
    let input = std::fs::read_to_string(example()).unwrap();
    let out = stanch().arg("redact").arg(example()).assert().success();
    let stdout = text(&out.get_output().stdout);
    // Same number of lines, and every line without a finding is unchanged.
    assert_eq!(stdout.lines().count(), input.lines().count());
    let unchanged = input
        .lines()
        .zip(stdout.lines())
        .filter(|(a, b)| a == b)
        .count();
    assert!(unchanged >= 10, "only {unchanged} lines unchanged");
    assert!(stdout.contains("Authorization: Bearer [REDACTED:"));
    assert!(stdout.contains("postgres://billing:[REDACTED:"));
}

#[test]
fn redact_is_idempotent() {
    let once = stanch()
        .arg("redact")
        .arg(example())
        .output()
        .unwrap()
        .stdout;
    let twice = stanch()
        .arg("redact")
        .write_stdin(once.clone())
        .output()
        .unwrap()
        .stdout;
    assert_eq!(text(&once), text(&twice));
}

#[test]
fn redact_styles() {
    for (style, marker) in [
        ("mask", "****"),
        ("hash", "[HASH:"),
        ("placeholder", "[REDACTED:"),
        ("pseudonym", "<secret:"),
    ] {
        let out = stanch()
            .args(["redact", "--style", style])
            .arg(example())
            .assert()
            .success();
        let s = text(&out.get_output().stdout);
        assert_no_planted(&s);
        assert!(s.contains(marker), "{style}: {s}");
    }
}

#[test]
fn pseudonyms_are_stable_across_runs_with_a_key() {
    let a = stanch()
        .arg("redact")
        .write_stdin("mail bob@acme.io\n")
        .output()
        .unwrap();
    let b = stanch()
        .arg("redact")
        .write_stdin("to bob@acme.io\n")
        .output()
        .unwrap();
    let pa = text(&a.stdout)
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    let pb = text(&b.stdout)
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    assert!(pa.starts_with("<email:"), "{pa}");
    assert_eq!(pa, pb);
    // Without a key, pseudonyms are random per run.
    let c = Command::cargo_bin("stanch")
        .unwrap()
        .env_remove("STANCH_KEY")
        .arg("redact")
        .write_stdin("to bob@acme.io\n")
        .output()
        .unwrap();
    assert_ne!(text(&c.stdout).split_whitespace().last().unwrap(), pb);
}

#[test]
fn invalid_utf8_and_binary_pass_through() {
    let mut input =
        b"\xff\xfe\x00 bin \x00\xc3\x28 token ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2 \x80\n"
            .to_vec();
    input.extend_from_slice(b"tail without newline \xf0\x28\x8c");
    let out = stanch()
        .arg("redact")
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    let expect = {
        let s = input.windows(4).position(|w| w == b"ghp_").unwrap();
        let mut v = input[..s].to_vec();
        v.extend_from_slice(b"[REDACTED:github-pat]");
        v.extend_from_slice(&input[s + 40..]);
        v
    };
    assert_eq!(out.stdout, expect);
}

#[test]
fn redact_in_place_keeps_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("app.log");
    std::fs::copy(example(), &f).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    stanch()
        .args(["redact", "--in-place"])
        .arg(&f)
        .assert()
        .success();
    let after = std::fs::read_to_string(&f).unwrap();
    assert_no_planted(&after);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn redact_refuses_output_equal_to_input() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.log");
    std::fs::write(&f, "x\n").unwrap();
    let out = stanch()
        .arg("redact")
        .arg(&f)
        .arg("-o")
        .arg(&f)
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("--in-place"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "x\n");
}

#[test]
fn redact_stats_name_rules_not_values() {
    let out = stanch()
        .args(["redact", "--stats"])
        .arg(example())
        .assert()
        .success();
    let err = text(&out.get_output().stderr);
    assert!(err.contains("github-pat: 1"), "{err}");
    assert_no_planted(&err);
}

/// `stanch scan --format FORMAT examples/debug-session.log` from the repo
/// root: exits 1 (findings) and reports no planted value.
fn scan_example(format: &str) -> String {
    let out = stanch()
        .args(["scan", "--format", format])
        .arg("examples/debug-session.log")
        .current_dir(root())
        .assert()
        .code(1);
    let stdout = text(&out.get_output().stdout);
    assert_no_planted(&stdout);
    stdout
}

#[test]
fn scan_jsonl_snapshot_and_exit_1() {
    let stdout = scan_example("jsonl");
    for line in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for k in [
            "rule",
            "category",
            "severity",
            "path",
            "line",
            "column",
            "start",
            "end",
            "fingerprint",
        ] {
            assert!(v.get(k).is_some(), "missing {k}");
        }
        assert!(v.get("secret").is_none());
    }
    insta::assert_snapshot!("scan_jsonl", stdout);
}

#[test]
fn scan_spans_point_at_the_values() {
    let input = std::fs::read(example()).unwrap();
    let out = stanch()
        .args(["scan", "--format", "jsonl"])
        .arg(example())
        .output()
        .unwrap();
    for line in text(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (s, e) = (
            v["start"].as_u64().unwrap() as usize,
            v["end"].as_u64().unwrap() as usize,
        );
        let value = text(&input[s..e]);
        // Line and column agree with the byte offset.
        let before = &input[..s];
        let line_no = before.iter().filter(|&&b| b == b'\n').count() + 1;
        assert_eq!(v["line"].as_u64().unwrap() as usize, line_no);
        assert!(!value.is_empty());
    }
}

#[test]
fn scan_show_secrets_is_explicit() {
    let hidden = stanch()
        .args(["scan", "--format", "json"])
        .arg(example())
        .output()
        .unwrap();
    assert_no_planted(&text(&hidden.stdout));
    let shown = stanch()
        .args(["scan", "--format", "json", "--show-secrets"])
        .arg(example())
        .output()
        .unwrap();
    assert!(text(&shown.stdout).contains("AKIAZ7Q4MPX2RT5LWN3K"));
}

#[test]
fn scan_sarif_is_valid_2_1_0() {
    let stdout = scan_example("sarif");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "stanch");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "examples/debug-session.log"
        );
    }
    insta::assert_snapshot!("scan_sarif", stdout);
}

#[test]
fn scan_clean_input_exits_0() {
    let out = stanch()
        .arg("scan")
        .write_stdin(
            "2026-01-01T00:00:00Z INFO ok request_id=7f3c9a2e-4b1d-4c6e-9a8f-2d5e6b7c8a90\n",
        )
        .assert()
        .code(0);
    assert_eq!(text(&out.get_output().stdout), "");
    insta::assert_snapshot!("scan_clean_stderr", text(&out.get_output().stderr));
}

#[test]
fn scan_missing_file_exits_2_with_a_clear_error() {
    let out = stanch().args(["scan", "no/such/file.log"]).assert().code(2);
    insta::assert_snapshot!("scan_missing_stderr", text(&out.get_output().stderr));
}

#[test]
fn scan_directory_honours_gitignore_and_reads_dotenv() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored.log\n").unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "GITHUB_TOKEN=ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ignored.log"),
        "t=ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".git/config"),
        "t=ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bin.dat"),
        b"\x00\x01t=ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay7Ue2\n",
    )
    .unwrap();
    let out = stanch()
        .args(["scan", "--format", "jsonl", "-j", "2"])
        .arg(dir.path())
        .assert()
        .code(1);
    let stdout = text(&out.get_output().stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains(".env"));
    assert!(text(&out.get_output().stderr).contains("1 binary file(s) skipped"));
    // --no-ignore and --binary widen the scan.
    let out = stanch()
        .args(["scan", "--format", "jsonl", "--no-ignore", "--binary"])
        .arg(dir.path())
        .assert()
        .code(1);
    assert_eq!(text(&out.get_output().stdout).lines().count(), 3);
}

#[test]
fn baseline_suppresses_known_findings() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("baseline.json");
    stanch()
        .args(["scan", "--format", "json", "-o"])
        .arg(&base)
        .arg(example())
        .assert()
        .code(1);
    let baseline = std::fs::read_to_string(&base).unwrap();
    assert_no_planted(&baseline);
    stanch()
        .args(["scan", "--baseline"])
        .arg(&base)
        .arg(example())
        .assert()
        .code(0);
    // A new secret still fails the gate.
    let mut more = std::fs::read(example()).unwrap();
    more.extend_from_slice(b"NEW=ghp_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8\n");
    let out = stanch()
        .args(["scan", "--format", "jsonl", "--baseline"])
        .arg(&base)
        .write_stdin(more)
        .assert()
        .code(1);
    assert_eq!(text(&out.get_output().stdout).lines().count(), 1);
}

#[test]
fn baseline_needs_a_stable_key() {
    let out = Command::cargo_bin("stanch")
        .unwrap()
        .env_remove("STANCH_KEY")
        .args(["scan", "--baseline", "x.json"])
        .arg(example())
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("stable key"));
}

#[test]
fn fail_on_threshold() {
    stanch()
        .args(["scan", "--fail-on", "critical"])
        .write_stdin("contact bob@acme.io\n")
        .assert()
        .code(0);
    stanch()
        .args(["scan", "--fail-on", "low"])
        .write_stdin("contact bob@acme.io\n")
        .assert()
        .code(1);
}

#[test]
fn broken_pipe_exits_0_quietly() {
    // `scan` writes its findings as it finds them: the closed pipe stops it
    // in the middle of the input, with one thread or two.
    let mut big = Vec::new();
    while big.len() < 8 << 20 {
        big.extend_from_slice(b"2026-01-01 INFO a perfectly ordinary line, from bob@acme.io\n");
    }
    let big = std::sync::Arc::new(big);
    for args in [
        &["redact"][..],
        &["scan", "-j1", "--format", "jsonl"],
        &["scan", "-j2", "--format", "text"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stanch"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = big.clone();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 100];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(text(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn rules_check_passes_for_the_builtin_pack() {
    let out = stanch().args(["rules", "check"]).assert().success();
    assert!(text(&out.get_output().stderr).starts_with("ok: "));
}

#[test]
fn rules_check_names_file_rule_and_example() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("team.toml");
    std::fs::write(
        &f,
        r#"[[rules]]
id = "acme-token"
name = "ACME token"
category = "secret"
severity = "high"
keywords = ["acme_"]
pattern = '\b(acme_[a-z0-9]{16})\b'
examples = ["t=acme_0123456789abcdef", "t=acme_SHORT"]
negatives = ["acme_0123456789abcdef"]
"#,
    )
    .unwrap();
    let out = stanch().args(["rules", "check"]).arg(&f).assert().code(1);
    let err = text(&out.get_output().stderr).replace(&f.display().to_string(), "team.toml");
    insta::assert_snapshot!("rules_check_failures", err);
}

#[test]
fn rules_list_json() {
    let out = stanch()
        .args(["rules", "list", "--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let list = v.as_array().unwrap();
    assert!(list.len() >= 150, "{} rules", list.len());
    assert!(list
        .iter()
        .any(|r| r["id"] == "email" && r["category"] == "pii"));
}

#[test]
fn config_errors_name_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("stanch.toml");
    std::fs::write(&f, "[redact]\nstyle = \"blur\"\n").unwrap();
    let out = stanch()
        .arg("--config")
        .arg(&f)
        .args(["redact"])
        .write_stdin("x")
        .assert()
        .code(2);
    let err = text(&out.get_output().stderr);
    assert!(
        err.contains("stanch.toml") && err.contains("redact.style") && err.contains("blur"),
        "{err}"
    );
}

#[test]
fn config_adds_and_disables_rules() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("stanch.toml");
    std::fs::write(
        &f,
        r#"[rules]
disable = ["email"]
[[rules.add]]
id = "acme-token"
name = "ACME token"
category = "secret"
severity = "high"
keywords = ["acme_"]
pattern = '\b(acme_[a-z0-9]{16})\b'
examples = ["t=acme_0123456789abcdef"]
"#,
    )
    .unwrap();
    let out = stanch()
        .arg("--config")
        .arg(&f)
        .arg("redact")
        .write_stdin("t=acme_0123456789abcdef bob@acme.io\n")
        .assert()
        .success();
    assert_eq!(
        text(&out.get_output().stdout),
        "t=[REDACTED:acme-token] bob@acme.io\n"
    );
}

#[test]
fn key_new_writes_a_private_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("stanch.key");
    let out = stanch().args(["key", "new"]).arg(&f).assert().success();
    let k = std::fs::read_to_string(&f).unwrap();
    assert_eq!(k.trim().len(), 64);
    assert!(!text(&out.get_output().stderr).contains(k.trim()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Refuses to overwrite without --force.
    stanch().args(["key", "new"]).arg(&f).assert().code(2);
    // The key works.
    Command::cargo_bin("stanch")
        .unwrap()
        .env_remove("STANCH_KEY")
        .args(["redact", "--key-file"])
        .arg(&f)
        .write_stdin("bob@acme.io")
        .assert()
        .success();
}

#[test]
fn bad_key_is_an_error_that_hides_the_key() {
    let out = Command::cargo_bin("stanch")
        .unwrap()
        .env("STANCH_KEY", "tooshort")
        .arg("redact")
        .write_stdin("x")
        .assert()
        .code(2);
    let err = text(&out.get_output().stderr);
    assert!(
        err.contains("STANCH_KEY") && !err.contains("tooshort"),
        "{err}"
    );
}

#[test]
fn documented_example_config_is_valid() {
    let cfg = root().join("docs/stanch.example.toml");
    stanch()
        .arg("--config")
        .arg(cfg)
        .args(["rules", "check"])
        .assert()
        .success();
}

#[test]
fn serve_needs_an_upstream_or_a_gateway_table() {
    let out = stanch().arg("serve").assert().code(2);
    let err = text(&out.get_output().stderr);
    assert!(
        err.contains("--upstream") && err.contains("[gateway]"),
        "{err}"
    );
    // A [gateway] table with an error: the file and the field are named.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("stanch.toml");
    std::fs::write(
        &cfg,
        "[gateway]\n[[gateway.routes]]\nname = \"a\"\nprovider = \"openai\"\nupstream = \"ftp://x\"\n",
    )
    .unwrap();
    let out = stanch()
        .arg("--config")
        .arg(&cfg)
        .arg("serve")
        .assert()
        .code(2);
    let err = text(&out.get_output().stderr);
    assert!(
        err.contains("stanch.toml") && err.contains("gateway.routes[0].upstream"),
        "{err}"
    );
}

/// The bundled example repeated to ~3 MB: big enough that `-j` splits it.
fn big_input() -> Vec<u8> {
    let one = std::fs::read(example()).unwrap();
    let mut v = Vec::new();
    while v.len() < 3 << 20 {
        v.extend_from_slice(&one);
    }
    v
}

#[test]
fn threads_change_nothing_in_scan_or_redact_output() {
    let input = big_input();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.log");
    std::fs::write(&file, &input).unwrap();
    let scan = |j: &str| {
        let o = stanch()
            .args(["scan", "--format", "jsonl", "--no-progress", "-j", j])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        o.stdout
    };
    let one = scan("1");
    assert!(one.split(|&b| b == b'\n').count() > 1000);
    assert_eq!(scan("2"), one, "scan -j2");
    assert_eq!(scan("5"), one, "scan -j5");
    let redact = |j: &str, stdin: bool| {
        let mut c = stanch();
        c.args(["redact", "-j", j]);
        let o = if stdin {
            c.write_stdin(input.clone()).output().unwrap()
        } else {
            c.arg(&file).output().unwrap()
        };
        assert!(o.status.success(), "{}", text(&o.stderr));
        o.stdout
    };
    let one = redact("1", true);
    assert_no_planted(&text(&one));
    assert!(one.len() < input.len());
    assert_eq!(redact("3", true), one, "redact -j3 from stdin");
    assert_eq!(redact("2", false), one, "redact -j2 FILE");
}

/// `stanch ARGS` on a live pipe: stdin to write to, and each output line
/// as it comes out.
struct Live {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    lines: std::sync::mpsc::Receiver<String>,
    reader: std::thread::JoinHandle<Vec<String>>,
}

impl Live {
    fn start(args: &[&str]) -> Live {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stanch"))
            .args(args)
            .env("STANCH_KEY", KEY)
            .env_remove("STANCH_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut r = std::io::BufReader::new(stdout);
            let mut all = Vec::new();
            loop {
                let mut line = String::new();
                if std::io::BufRead::read_line(&mut r, &mut line).unwrap() == 0 {
                    return all;
                }
                all.push(line.clone());
                let _ = tx.send(line);
            }
        });
        Live {
            child,
            stdin,
            lines,
            reader,
        }
    }

    /// Writes `line` and a line end, and flushes.
    fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next output line. Not a speed check: it must arrive before the
    /// input ends at all; the bound only keeps a broken build from hanging.
    fn next(&self) -> String {
        self.lines
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("a line comes out while the input is still open")
    }

    /// Closes the input; every output line, once the process has ended well.
    fn finish(mut self) -> Vec<String> {
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
        self.reader.join().unwrap()
    }
}

/// A live pipe (`kubectl logs -f | stanch redact`): each line comes out
/// redacted while the input is still open, with one thread or several.
/// (A line with a keyword of a multi-line rule — `password`, `token`,
/// `Authorization`, `BEGIN … PRIVATE KEY` — is held until more input or the
/// end, so a secret split across lines is redacted whole: see README.)
#[test]
fn redact_hands_on_each_line_while_the_input_stays_open() {
    for j in ["1", "2"] {
        let mut live = Live::start(&["redact", "-j", j]);
        for k in 0..3 {
            live.send(&format!("step {k} user {} key {}", PLANTED[4], PLANTED[2]));
            let line = live.next();
            assert!(
                line.starts_with(&format!("step {k} user <email:"))
                    && line.ends_with(" key [REDACTED:aws-access-key-id]\n"),
                "-j {j}: {line}"
            );
        }
        // Keywords of multiline rules (`password`, `Authorization`): a line
        // where no such match can go on is handed on at once too.
        for (k, text) in [
            (3, "db login password=Hunter2Hunter2x ok"),
            (
                4,
                "headers ['Authorization: Bearer abcdef0123456789abcdef0123456789'] sent",
            ),
        ] {
            live.send(&format!("step {k} {text}"));
            let line = live.next();
            assert!(
                line.starts_with(&format!("step {k} "))
                    && line.contains("[REDACTED:")
                    && !line.contains("Hunter2Hunter2x")
                    && !line.contains("abcdef0123456789abcdef"),
                "-j {j}: {line}"
            );
        }
        // A YAML name whose value is on the next line waits for it, so the
        // pair is redacted whole.
        live.send("  - name: DB_PASSWORD");
        std::thread::sleep(std::time::Duration::from_millis(200));
        live.send("    value: Hunter2Hunter2x");
        assert_eq!(live.next(), "  - name: DB_PASSWORD\n", "-j {j}");
        let value = live.next();
        assert!(!value.contains("Hunter2Hunter2x"), "-j {j}: {value}");
        // A private key is held until its END line, and comes out with it:
        // nothing can follow that line, so no next line is waited for.
        live.send("-----BEGIN RSA PRIVATE KEY-----");
        live.send(KEY_LINES[0]);
        std::thread::sleep(std::time::Duration::from_millis(200));
        live.send(KEY_LINES[1]);
        live.send("-----END RSA PRIVATE KEY-----");
        assert_eq!(live.next(), "[REDACTED:pem-rsa-private-key]\n", "-j {j}");
        assert_eq!(live.finish().len(), 8);
    }
}

/// Two lines of a private key's body.
const KEY_LINES: [&str; 2] = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
];

/// JSON Lines on a live pipe: another writer's record lands inside a
/// private key, and the input pauses right after it. The record waits with
/// the key's first lines; once the END line is in, all of it comes out
/// (while the input is still open), the key redacted on both sides of the
/// record.
#[test]
fn redact_jsonl_live_holds_a_record_that_lands_inside_an_open_key() {
    let mut live = Live::start(&["redact", "--format", "jsonl"]);
    live.send("{\"msg\":\"start\"}");
    assert_eq!(live.next(), "{\"msg\":\"start\"}\n");
    live.send("-----BEGIN RSA PRIVATE KEY-----");
    live.send(KEY_LINES[0]);
    live.send("{\"msg\":\"other writer\"}");
    // The pipe runs dry here.
    std::thread::sleep(std::time::Duration::from_millis(300));
    live.send(KEY_LINES[1]);
    live.send("-----END RSA PRIVATE KEY-----");
    assert_eq!(live.next(), "[REDACTED:pem-rsa-private-key]\n");
    assert_eq!(live.next(), "{\"msg\":\"other writer\"}\n");
    assert_eq!(live.next(), "[REDACTED:pem-rsa-private-key]\n");
    live.send("{\"msg\":\"done\"}");
    assert_eq!(live.next(), "{\"msg\":\"done\"}\n");
    let all = live.finish().concat();
    assert!(!all.contains("MIIEow") && !all.contains("VTLw7"), "{all}");
}

/// JSON Lines mode on a live pipe: JSON records and plain lines come out
/// while the input stays open, and a private key arriving line by line
/// between two records is held until it is whole, then redacted whole.
#[test]
fn redact_jsonl_hands_on_lines_live_and_holds_a_split_key() {
    let mut live = Live::start(&["redact", "--format", "jsonl"]);
    live.send("{\"msg\":\"start\",\"password\":\"Hunter2Hunter2x\"}");
    assert_eq!(
        live.next(),
        "{\"msg\":\"start\",\"password\":\"[REDACTED:password-assignment-quoted]\"}\n"
    );
    live.send(&format!("plain user {} here", PLANTED[4]));
    let plain = live.next();
    assert!(plain.starts_with("plain user <email:"), "{plain}");
    live.send("-----BEGIN RSA PRIVATE KEY-----");
    live.send("MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun");
    std::thread::sleep(std::time::Duration::from_millis(300));
    live.send("VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK");
    live.send("-----END RSA PRIVATE KEY-----");
    live.send("{\"msg\":\"done\"}");
    assert_eq!(live.next(), "[REDACTED:pem-rsa-private-key]\n");
    assert_eq!(live.next(), "{\"msg\":\"done\"}\n");
    let all = live.finish().concat();
    assert!(!all.contains("MIIEow") && !all.contains("VTLw7"), "{all}");
}

/// Files scanned side by side are reported in the same order, with the same
/// findings, as one after the other; a closed pipe stops the workers quietly.
#[test]
fn many_files_report_in_order_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        let mut body = String::new();
        // Uneven sizes, so workers finish out of order.
        for j in 0..(1 + (i * 37) % 400) {
            body.push_str(&format!(
                "{i}-{j} INFO user u{i}x{j}@acme.io token=ghp_Qm7Tz2Lk9Xw4Rv8Np1Bs6Hc3Jd5Fg0Ay{:02}\n",
                (i + j) % 100
            ));
        }
        std::fs::write(dir.path().join(format!("f{i:02}.log")), body).unwrap();
    }
    let run = |j: &str| {
        let out = stanch()
            .args(["scan", "--format", "jsonl", "-j", j])
            .arg(dir.path())
            .assert()
            .code(1);
        let o = out.get_output();
        (text(&o.stdout), text(&o.stderr))
    };
    let (one, one_err) = run("1");
    assert!(one.lines().count() > 10_000, "{}", one.lines().count());
    for j in ["2", "3", "7"] {
        let (many, many_err) = run(j);
        assert!(many == one, "-j{j} differs from -j1");
        assert_eq!(many_err, one_err);
    }

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("stanch"))
        .args(["scan", "-j", "3", "--format", "text"])
        .arg(dir.path())
        .env("STANCH_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}
