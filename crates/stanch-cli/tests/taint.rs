//! End-to-end tests of registered secrets (`--taint-env`, `--taint-file`,
//! `[taint]`) and canaries (`stanch canary new|list`, scan exit 3, redact
//! reports). No raw value may appear in any output or snapshot.

use assert_cmd::Command;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use std::path::Path;

const KEY: &str = "3f1c0a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a";

/// A registered value with characters every encoding treats specially.
const VALUE: &str = "Pr0d-DB/p@ss\"w0rd+9~x";

fn stanch(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("stanch").unwrap();
    c.current_dir(dir)
        .env("STANCH_KEY", KEY)
        .env_remove("STANCH_KEY_FILE")
        .env_remove("STANCH_CONFIG")
        .env_remove("STANCH_CANARY_FILE");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn percent(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every encoded form planted in the sample, each on its own line.
fn forms(v: &str) -> Vec<String> {
    let json = serde_json::to_string(v).unwrap();
    vec![
        v.to_string(),
        STANDARD.encode(format!("deploy:{v}")),
        URL_SAFE_NO_PAD.encode(format!("{{\"pw\":\"{v}\"}}")),
        hex::encode(v),
        hex::encode_upper(v),
        percent(v),
        percent(v).to_lowercase().replace("pr0d-db", "Pr0d-DB"),
        json[1..json.len() - 1].to_string(),
    ]
}

fn sample(v: &str) -> String {
    let f = forms(v);
    format!(
        "2024-05-01T10:00:00Z INFO connecting with password {}\n\
         2024-05-01T10:00:01Z DEBUG Authorization: Basic {}\n\
         2024-05-01T10:00:02Z DEBUG body={}\n\
         2024-05-01T10:00:03Z DEBUG hex={} HEX={}\n\
         2024-05-01T10:00:04Z DEBUG GET /login?pw={}&next=%2F GET /x?pw={}\n\
         2024-05-01T10:00:05Z DEBUG {{\"password\":\"{}\",\"ok\":true}}\n\
         2024-05-01T10:00:06Z INFO nothing secret here\n",
        f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]
    )
}

fn assert_no_trace(s: &str, v: &str) {
    for (i, f) in forms(v).iter().enumerate() {
        assert!(!s.contains(f.as_str()), "form {i} of the value leaked");
    }
}

#[test]
fn taint_env_glob_redacts_every_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let out = stanch(dir.path())
        .env("MYAPP_DB_PASSWORD", VALUE)
        .args(["redact", "--taint-env", "MYAPP_*", "--stats"])
        .write_stdin(sample(VALUE))
        .assert()
        .success();
    let o = out.get_output();
    let stdout = text(&o.stdout);
    let stderr = text(&o.stderr);
    assert_no_trace(&stdout, VALUE);
    assert_no_trace(&stderr, VALUE);
    assert!(stderr.contains("registered-secret: 8"), "{stderr}");
    insta::assert_snapshot!("taint_env_redact", stdout);

    // Without the registration, the hex forms (no context, no decoder)
    // survive: the test is not vacuous. (The base64 JSON body is caught
    // by the decoder even without registration: `"pw"` names a secret.)
    let plain = stanch(dir.path())
        .arg("redact")
        .write_stdin(sample(VALUE))
        .assert()
        .success();
    let plain = text(&plain.get_output().stdout);
    for i in [3, 4] {
        assert!(plain.contains(forms(VALUE)[i].as_str()), "form {i}");
    }
}

#[test]
fn taint_file_and_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("secrets.env"),
        format!("# prod\nexport DB_PASSWORD='{VALUE}'\nEMPTY=\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("stanch.toml"),
        "[taint]\nfiles = [\"secrets.env\"]\n",
    )
    .unwrap();
    for args in [
        vec!["redact", "--taint-file", "secrets.env"],
        vec!["--config", "stanch.toml", "redact"],
    ] {
        let out = stanch(dir.path())
            .args(&args)
            .write_stdin(sample(VALUE))
            .assert()
            .success();
        let stdout = text(&out.get_output().stdout);
        assert_no_trace(&stdout, VALUE);
        assert_eq!(stdout.matches("[REDACTED:registered-secret]").count(), 8);
    }
    // scan reports them (exit 1) without the value.
    let out = stanch(dir.path())
        .args(["scan", "--taint-file", "secrets.env", "--format", "jsonl"])
        .write_stdin(sample(VALUE))
        .assert()
        .code(1);
    let stdout = text(&out.get_output().stdout);
    assert_no_trace(&stdout, VALUE);
    assert_eq!(
        stdout.matches("\"registered-secret\"").count(),
        8,
        "{stdout}"
    );
}

#[test]
fn short_values_warn_by_name_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = stanch(dir.path())
        .env("SHORT_TOKEN", "zq7#Wk1")
        .args([
            "redact",
            "--taint-env",
            "SHORT_TOKEN",
            "--taint-env",
            "NO_SUCH_*",
        ])
        .write_stdin("token zq7#Wk1 here\n")
        .assert()
        .success();
    let o = out.get_output();
    assert_eq!(text(&o.stdout), "token zq7#Wk1 here\n");
    let stderr = text(&o.stderr);
    assert!(!stderr.contains("zq7#Wk1"));
    insta::assert_snapshot!("taint_short_value_warning", stderr);
}

#[test]
fn bad_inputs_fail_closed() {
    let dir = tempfile::tempdir().unwrap();
    stanch(dir.path())
        .args(["redact", "--taint-file", "missing.env"])
        .write_stdin("x\n")
        .assert()
        .code(2);
    stanch(dir.path())
        .args(["redact", "--taint-env", "["])
        .write_stdin("x\n")
        .assert()
        .code(2);
    stanch(dir.path())
        .args(["scan", "--canary-file", "missing.toml"])
        .write_stdin("x\n")
        .assert()
        .code(2);
}

fn mint(dir: &Path, kind: &str, note: &str) -> Vec<String> {
    let out = stanch(dir)
        .args(["canary", "new", "--kind", kind, "--note", note])
        .assert()
        .success();
    let o = out.get_output();
    assert!(text(&o.stderr).contains(".stanch/canaries.toml"));
    text(&o.stdout).lines().map(String::from).collect()
}

#[test]
fn canary_new_scan_redact_list() {
    let dir = tempfile::tempdir().unwrap();
    let gh = mint(dir.path(), "github", "CI secrets of repo X");
    let aws = mint(dir.path(), "aws", "");
    assert_eq!(gh.len(), 1);
    assert!(gh[0].starts_with("ghp_") && gh[0].len() == 40);
    assert_eq!(aws.len(), 2);
    let file = dir.path().join(".stanch/canaries.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let tokens: Vec<&String> = gh.iter().chain(&aws).collect();

    let leak = format!(
        "user=bob\nexport GITHUB_TOKEN={}\nhdr: Basic {}\nnothing here\n",
        gh[0],
        STANDARD.encode(format!("AKIA:{}", aws[1]))
    );
    // scan: exit 3 (over 1: an ordinary finding is in there too).
    let out = stanch(dir.path())
        .arg("scan")
        .write_stdin(format!(
            "{leak}key=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n"
        ))
        .assert()
        .code(3);
    let o = out.get_output();
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(stdout.matches("canary-token").count(), 2, "{stdout}");
    assert!(
        stderr.contains("canary token found (2 sighting(s))"),
        "{stderr}"
    );
    // The directory scan skips the canary file itself.
    std::fs::write(dir.path().join("app.log"), &leak).unwrap();
    let out = stanch(dir.path()).args(["scan", "."]).assert().code(3);
    let stdout = text(&out.get_output().stdout);
    assert!(stdout.contains("app.log:2:"), "{stdout}");
    assert!(!stdout.contains("canaries.toml"), "{stdout}");
    std::fs::remove_file(dir.path().join("app.log")).unwrap();
    stanch(dir.path()).args(["scan", "."]).assert().code(0);

    // redact: redacted, and reported on stderr by rule and line only.
    let out = stanch(dir.path())
        .arg("redact")
        .write_stdin(leak.clone())
        .assert()
        .success();
    let o = out.get_output();
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    for t in &tokens {
        assert!(!stdout.contains(t.as_str()) && !stderr.contains(t.as_str()));
    }
    insta::assert_snapshot!("canary_redact_stdout", stdout);
    insta::assert_snapshot!("canary_redact_stderr", stderr);

    // list: kind, created, fingerprints, note; no value.
    let out = stanch(dir.path())
        .args(["canary", "list"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    for t in &tokens {
        assert!(!stdout.contains(t.as_str()));
    }
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    let fields: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(fields[0], "github");
    assert!(
        fields[1].ends_with('Z') && fields[1].len() == 20,
        "{}",
        fields[1]
    );
    assert!(fields[2].len() == 16 && fields[2].bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(fields[3..].join(" "), "CI secrets of repo X");
    let fields: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(fields[0], "aws");
    assert_eq!(fields[2].split(',').count(), 2);
}

#[test]
fn canary_file_from_env_and_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = stanch(dir.path())
        .env("STANCH_CANARY_FILE", "c/env.toml")
        .args(["canary", "new", "--kind", "slack"])
        .assert()
        .success();
    let slack = text(&out.get_output().stdout).trim().to_string();
    assert!(dir.path().join("c/env.toml").exists());
    stanch(dir.path())
        .env("STANCH_CANARY_FILE", "c/env.toml")
        .arg("scan")
        .write_stdin(format!("t {slack}\n"))
        .assert()
        .code(3);
    // Not found without the file named (the default path does not exist).
    stanch(dir.path())
        .arg("scan")
        .write_stdin(format!("t {slack}\n"))
        .assert()
        .code(1);
    // Config: canary.file relative to the config file; --canary-file too.
    std::fs::write(
        dir.path().join("c/stanch.toml"),
        "[canary]\nfile = \"env.toml\"\n",
    )
    .unwrap();
    stanch(dir.path())
        .args(["--config", "c/stanch.toml", "redact"])
        .write_stdin(format!("t {slack}\n"))
        .assert()
        .success()
        .stdout("t [REDACTED:canary-token]\n")
        .stderr("stanch: canary token found: canary-token at <stdin>:1\n");
    stanch(dir.path())
        .args(["scan", "--canary-file", "c/env.toml"])
        .write_stdin(format!("t {slack}\n"))
        .assert()
        .code(3);
}
