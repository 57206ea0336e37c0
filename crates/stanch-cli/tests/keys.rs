//! `stanch key new`: the key file is private (mode 0600) and holds exactly
//! 64 lowercase hex characters; an existing file is not overwritten.

use assert_cmd::Command;

fn stanch() -> Command {
    let mut c = Command::cargo_bin("stanch").unwrap();
    c.env_remove("STANCH_KEY")
        .env_remove("STANCH_KEY_FILE")
        .env_remove("STANCH_CONFIG");
    c
}

#[test]
fn key_new_writes_a_private_hex_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stanch.key");
    let out = stanch().args(["key", "new"]).arg(&path).assert().success();
    let o = out.get_output();
    let text = std::fs::read_to_string(&path).unwrap();
    let hex = text.trim_end_matches('\n');
    assert_eq!(hex.len(), 64);
    assert!(hex
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    // The key never goes to the terminal.
    assert!(!String::from_utf8_lossy(&o.stdout).contains(hex));
    assert!(!String::from_utf8_lossy(&o.stderr).contains(hex));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "mode {mode:o}");
    }
    // Two keys differ, and an existing file is kept without --force.
    stanch().args(["key", "new"]).arg(&path).assert().code(2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    stanch()
        .args(["key", "new", "--force"])
        .arg(&path)
        .assert()
        .success();
    assert_ne!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_key_file_gives_stable_pseudonyms() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k");
    stanch().args(["key", "new"]).arg(&path).assert().success();
    let run = || {
        let out = stanch()
            .args(["redact", "--key-file"])
            .arg(&path)
            .write_stdin("user bob@acme.io\n")
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stdout).into_owned()
    };
    let a = run();
    assert!(a.starts_with("user <email:"), "{a}");
    assert_eq!(a, run());
}
