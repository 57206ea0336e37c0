//! gitleaks config import: conversion, compilation with the engine, scanning,
//! allowlists, warnings, and errors that name the file and the rule.

use stanch_engine::gitleaks::{self, Condition, RegexTarget};
use stanch_engine::rule::SecretGroup;
use stanch_engine::{Error, RuleDb, Specificity};
use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gitleaks")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Findings as `(rule id, matched text)`, in order.
fn scan(db: &RuleDb, text: &str) -> Vec<(String, String)> {
    let mut scratch = db.scratch();
    let mut found = Vec::new();
    db.scan(text.as_bytes(), &mut scratch, &mut found);
    found
        .iter()
        .map(|f| {
            (
                db.rule(f.rule).id().to_string(),
                text[f.range()].to_string(),
            )
        })
        .collect()
}

/// Findings as `(rule id, start, end)`.
fn spans(db: &RuleDb, text: &str) -> Vec<(String, usize, usize)> {
    let mut scratch = db.scratch();
    let mut found = Vec::new();
    db.scan(text.as_bytes(), &mut scratch, &mut found);
    found
        .iter()
        .map(|f| (db.rule(f.rule).id().to_string(), f.start, f.end))
        .collect()
}

fn span_of(text: &str, needle: &str) -> (usize, usize) {
    let s = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    (s, s + needle.len())
}

fn acme() -> (gitleaks::Conversion, RuleDb) {
    let conv = gitleaks::convert_full("acme.gitleaks.toml", &fixture("acme.gitleaks.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let db = RuleDb::new(conv.specs.clone()).unwrap_or_else(|e| panic!("{e}"));
    (conv, db)
}

const LIVE: &str = "acme_live_Q7v9Zr2LmX4pT8nW1bK6yH3dF5sJ0cGa";
const TEST: &str = "acme_test_Q7v9Zr2LmX4pT8nW1bK6yH3dF5sJ0cGa";
const TOK: &str = "k3j9x0q2m7v5b8n1c4z6a0s9d2f7g3h5j8k1l4p6";

#[test]
fn detects_and_converts_gitleaks_files() {
    let text = fixture("acme.gitleaks.toml");
    assert!(gitleaks::looks_like_gitleaks(&text));
    assert!(gitleaks::looks_like_gitleaks(&fixture(
        "legacy.gitleaks.toml"
    )));
    // The built-in stanch files are never taken for gitleaks.
    for spec in stanch_engine::pack::builtin_specs().unwrap() {
        let file = &spec.origin;
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .join(file);
        let stanch = std::fs::read_to_string(path).unwrap();
        assert!(!gitleaks::looks_like_gitleaks(&stanch), "{file}");
    }
    // The loader routes gitleaks files through the converter.
    let specs = stanch_engine::pack::parse_rule_file("acme.gitleaks.toml", &text).unwrap();
    assert_eq!(specs.len(), 7);
}

#[test]
fn converted_fields() {
    let (conv, _) = acme();
    let ids: Vec<&str> = conv.specs.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "acme-api-key",
            "acme-internal-token",
            "acme-db-password",
            "acme-legacy-key",
            "acme-session-cookie",
            "acme-partner-token",
            "acme-webhook-secret",
        ]
    );
    let spec = |id: &str| conv.specs.iter().find(|s| s.id == id).unwrap();
    for s in &conv.specs {
        assert_eq!(s.references, [gitleaks::IMPORT_MARKER]);
        assert!(s.imported);
        assert!(s.examples.is_empty());
        assert_eq!(s.origin, "acme.gitleaks.toml");
        assert_eq!(s.category, stanch_engine::Category::Secret);
        assert_eq!(s.severity, stanch_engine::Severity::High);
    }

    let api = spec("acme-api-key");
    assert_eq!(api.name, "Acme API key");
    assert_eq!(api.keywords, ["acme_live_", "acme_test_"]);
    assert_eq!(api.secret_group, Some(SecretGroup::Index(1)));
    assert_eq!(api.specificity, Specificity::Provider);
    assert_eq!(api.allow_regexes, ["^acme_test_", "(?i)^dummy"]);
    assert_eq!(api.allow_stopwords, ["deadbeef"]);
    assert!(!api.multiline);

    let tok = spec("acme-internal-token");
    assert_eq!(tok.keywords, ["acmetok_"]);
    assert_eq!(tok.min_entropy, Some(3.5));
    assert_eq!(tok.secret_group, Some(SecretGroup::Index(1)));

    let db = spec("acme-db-password");
    assert_eq!(db.keywords, ["acme_db_pass"]);
    // `[^'"\s]` excludes the line feed, `[ \t]` too: single line.
    assert!(!db.multiline);
    assert_eq!(db.allow_stopwords, ["notreal", "sample", "deadbeef"]);
    assert_eq!(db.allow_regexes, ["^Example", "(?i)^dummy"]);

    let legacy = spec("acme-legacy-key");
    assert_eq!(legacy.keywords, ["lgcy"]);
    assert_eq!(legacy.secret_group, Some(SecretGroup::Index(0)));
    assert_eq!(legacy.name, "Acme legacy signing key");

    assert_eq!(
        spec("acme-session-cookie").secret_group,
        Some(SecretGroup::Index(0))
    );
    assert_eq!(spec("acme-partner-token").keywords, ["partner", "ptk-"]);

    let hook = spec("acme-webhook-secret");
    // The longest literals every match holds.
    assert_eq!(hook.keywords, ["hooksecret", "hook_secret"]);
    assert_eq!(hook.specificity, Specificity::Generic);
}

#[test]
fn scans_with_converted_rules() {
    let (_, db) = acme();
    let text = format!(
        "ACME_API_KEY={LIVE}\n\
         internal: AcmeTok_{TOK}\n\
         ACME_DB_PASSWORD='S3cr3t-Passw0rd!'\n\
         signing LGCY0123456789ABCDEF01234567 ok\n\
         Cookie: acme_session=\"dGhpcyBpcyBhIHNlc3Npb24gdG9rZW4\"\n\
         curl -H 'X-Token: ptk-0123456789abcdef0123456789abcdef'\n\
         config.webhook_secret = \"whsec_Ab12Cd34Ef56Gh78Ij90Kl12\"\n"
    );
    let got = scan(&db, &text);
    let want = [
        ("acme-api-key", LIVE.to_string()),
        ("acme-internal-token", TOK.to_string()),
        ("acme-db-password", "S3cr3t-Passw0rd!".to_string()),
        (
            "acme-legacy-key",
            "LGCY0123456789ABCDEF01234567".to_string(),
        ),
        (
            "acme-session-cookie",
            "acme_session=\"dGhpcyBpcyBhIHNlc3Npb24gdG9rZW4\"".to_string(),
        ),
        (
            "acme-partner-token",
            "ptk-0123456789abcdef0123456789abcdef".to_string(),
        ),
        (
            "acme-webhook-secret",
            "whsec_Ab12Cd34Ef56Gh78Ij90Kl12".to_string(),
        ),
    ];
    let want: Vec<(String, String)> = want.into_iter().map(|(a, b)| (a.to_string(), b)).collect();
    assert_eq!(got, want);

    // Spans are byte offsets of the secret group.
    let s = spans(&db, &text);
    let (a, b) = span_of(&text, TOK);
    assert!(s.contains(&("acme-internal-token".to_string(), a, b)));
    let (a, b) = span_of(&text, LIVE);
    assert_eq!(s[0], ("acme-api-key".to_string(), a, b));
}

#[test]
fn entropy_threshold_applies() {
    let (_, db) = acme();
    // 40 characters from two symbols: entropy 1 bit, below 3.5.
    let low = format!("acmetok_{}", "ab".repeat(20));
    assert_eq!(scan(&db, &low), []);
}

#[test]
fn allowlists_drop_findings() {
    let (_, db) = acme();
    let cases = [
        // rule allowlist regex on the secret
        format!("key={TEST}"),
        // rule allowlist stopwords (case-insensitive)
        "ACME_DB_PASSWORD=NotReal-Passw0rd".to_string(),
        "acme_db_pass: my-SAMPLE-value-1".to_string(),
        // rule allowlist regex
        "acme_db_password = ExamplePassw0rd".to_string(),
        // global allowlist regex (?i)^dummy
        "acme_db_password = DummyPassw0rd1".to_string(),
        // global allowlist stopword
        "acmetok_deadbeefk3j9x0q2m7v5b8n1c4z6a0s9d2f7g3".to_string(),
    ];
    for text in &cases {
        assert_eq!(scan(&db, text), [], "{text}");
    }
    // The same shapes without the allowlisted parts are found.
    assert_eq!(scan(&db, "ACME_DB_PASSWORD=Real-Passw0rd-42").len(), 1);
    assert_eq!(scan(&db, &format!("key={LIVE}")).len(), 1);
}

#[test]
fn unsupported_allowlist_parts_report_more_and_warn() {
    let (conv, db) = acme();
    // regexTarget = "line" is not applied: the finding stays.
    let got = scan(&db, "ACME_DB_PASSWORD=Real-Passw0rd-42 # acme:ignore");
    assert_eq!(got.len(), 1);
    let lists = &conv.allowlists["acme-db-password"];
    let line = lists
        .iter()
        .find(|a| a.target == RegexTarget::Line)
        .unwrap();
    assert!(line.global && !line.applied);
    assert_eq!(line.regexes, ["acme:ignore"]);
    // The AND allowlist needs a path: inert, counted as applied.
    let and = lists
        .iter()
        .find(|a| a.condition == Condition::And)
        .unwrap();
    assert!(and.applied);
    // Only the targeted rule got the line allowlist.
    assert!(!conv.allowlists["acme-api-key"]
        .iter()
        .any(|a| a.target == RegexTarget::Line));
}

#[test]
fn warnings_are_collected() {
    let (conv, _) = acme();
    let has = |rule: &str, field: &str, part: &str| {
        conv.warnings
            .iter()
            .any(|w| w.rule == rule && w.field == field && w.reason.contains(part))
    };
    let all: Vec<String> = conv.warnings.iter().map(|w| w.to_string()).collect();
    assert!(has("acme-keystore-file", "path", "path-only"), "{all:#?}");
    assert!(
        has("generic-api-key", "regex", "default config"),
        "{all:#?}"
    );
    assert!(
        has("(global)", "extend.useDefault", "not imported"),
        "{all:#?}"
    );
    assert!(
        has("acme-session-cookie", "secretGroup", "whole match"),
        "{all:#?}"
    );
    assert!(
        has("(global)", "allowlists[1]", "regexTarget = \"line\""),
        "{all:#?}"
    );
    assert!(
        has("(global)", "allowlists[2]", "file path or commit"),
        "{all:#?}"
    );
    // Global allowlist warnings are given once, not once per rule.
    assert_eq!(
        conv.warnings
            .iter()
            .filter(|w| w.field == "allowlists[2]")
            .count(),
        1
    );
    for w in &conv.warnings {
        assert_eq!(w.file, "acme.gitleaks.toml");
    }
}

#[test]
fn legacy_format_and_unicode() {
    let conv = gitleaks::convert_full("legacy.gitleaks.toml", &fixture("legacy.gitleaks.toml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let db = RuleDb::new(conv.specs.clone()).unwrap_or_else(|e| panic!("{e}"));
    let deploy = &conv.specs[0];
    assert_eq!(deploy.id, "deploy-key");
    assert_eq!(deploy.secret_group, Some(SecretGroup::Index(2)));
    // `\s*` can cross lines in gitleaks: multiline.
    assert!(deploy.multiline);
    // AND of regexes and stopwords cannot be flattened: not applied.
    assert!(deploy.allow_stopwords.is_empty());
    assert_eq!(deploy.allow_regexes, ["(?i)placeholder"]);
    assert!(conv
        .warnings
        .iter()
        .any(|w| w.rule == "deploy_key" && w.reason.contains("AND stopwords")));

    let de = &conv.specs[1];
    assert_eq!(de.id, "schluessel");
    assert!(de.pattern.as_deref().unwrap().starts_with("(?u)"));
    assert_eq!(de.keywords, ["schl"]);

    let text = "DEPLOY_KEY = \"a1b2c3d4e5f6a7b8c9\"\n\
                Schlüssel = Ärgerlich2024x\n\
                schlüssel = placeholderxyz1\n\
                deploy_key=\"0000testtesttest\"\n";
    let got = scan(&db, text);
    assert_eq!(
        got,
        [
            ("deploy-key".to_string(), "a1b2c3d4e5f6a7b8c9".to_string()),
            ("schluessel".to_string(), "Ärgerlich2024x".to_string()),
            // The AND allowlist (^0000 and "test") is not applied: reported.
            ("deploy-key".to_string(), "0000testtesttest".to_string()),
        ]
    );
}

#[test]
fn combines_with_builtin_rules() {
    let (conv, _) = acme();
    // The built-in GitHub rules (other built-in files are still changing).
    let mut specs: Vec<_> = stanch_engine::pack::builtin_specs()
        .unwrap()
        .into_iter()
        .filter(|s| s.origin == "github.toml")
        .collect();
    assert!(!specs.is_empty());
    specs.extend(conv.specs);
    let db = RuleDb::new(specs).unwrap_or_else(|e| panic!("{e}"));
    let text = format!("GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ACME={LIVE}");
    let ids: Vec<String> = scan(&db, &text).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["github-pat", "acme-api-key"]);
}

#[test]
fn invalid_toml_names_the_file() {
    let err = gitleaks::convert(
        "invalid-toml.gitleaks.toml",
        &fixture("invalid-toml.gitleaks.toml"),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Parse { .. }));
    assert!(
        msg.starts_with("invalid-toml.gitleaks.toml: not valid TOML"),
        "{msg}"
    );
}

#[test]
fn invalid_rules_name_file_rule_and_field() {
    let err = gitleaks::convert(
        "invalid-regex.gitleaks.toml",
        &fixture("invalid-regex.gitleaks.toml"),
    )
    .unwrap_err();
    let Error::Rules(problems) = &err else {
        panic!("{err}")
    };
    let msg = err.to_string();
    let find = |rule: &str, field: &str| {
        problems
            .iter()
            .find(|p| p.rule == rule && p.field == field)
            .unwrap_or_else(|| panic!("no problem for {rule}.{field} in:\n{msg}"))
    };
    assert!(problems
        .iter()
        .all(|p| p.file == "invalid-regex.gitleaks.toml"));
    assert!(find("unclosed-group", "regex")
        .reason
        .contains("invalid regex"));
    assert!(find("backreference", "regex")
        .reason
        .contains("backreference"));
    assert!(find("no-literal", "keywords")
        .reason
        .contains("none can be derived from the regex; add `keywords = [...]`"));
    assert!(find("bad-group", "secretGroup")
        .reason
        .contains("group 3 does not exist"));
    assert!(!problems.iter().any(|p| p.rule == "ok-rule"), "{msg}");
    assert_eq!(problems.len(), 4, "{msg}");
    assert!(msg.contains("invalid-regex.gitleaks.toml: rule `unclosed-group`, field `regex`"));
}

#[test]
fn extend_path_is_refused() {
    let err = gitleaks::convert(
        "extend-path.gitleaks.toml",
        &fixture("extend-path.gitleaks.toml"),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("extend-path.gitleaks.toml: [extend] path"),
        "{msg}"
    );
    assert!(msg.contains("not supported"), "{msg}");
}

#[test]
fn more_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[[rules]]\nregex = '''abc_[0-9]+'''\ndescription = \"No id\"\n",
            "#1 (No id)",
            "id",
        ),
        (
            "[[rules]]\nid = \"r\"\nregex = '''abc_[0-9]+'''\n[rules.allowlist]\ncondition = \"XOR\"\nregexes = ['''x''']\n",
            "r",
            "allowlist.condition",
        ),
        (
            "[[rules]]\nid = \"r\"\nregex = '''abc_[0-9]+'''\n[[rules.allowlists]]\nregexTarget = \"file\"\nregexes = ['''x''']\n",
            "r",
            "allowlists[0].regexTarget",
        ),
        (
            "[[rules]]\nid = \"r\"\nregex = '''abc_[0-9]+'''\n[[rules.allowlists]]\ndescription = \"empty\"\n",
            "r",
            "allowlists[0]",
        ),
        (
            "[[rules]]\nid = \"r\"\nregex = '''abc_[0-9]+'''\n[[rules.allowlists]]\nregexes = ['''(x''']\n",
            "r",
            "allowlists[0].regexes",
        ),
        (
            "[[rules]]\nid = \"a_b\"\nregex = '''abc_[0-9]+'''\n[[rules]]\nid = \"a-b\"\nregex = '''abd_[0-9]+'''\n",
            "a-b",
            "id",
        ),
        (
            "[[rules]]\nid = \"r\"\nregex = '''abc_[0-9]+'''\n[[allowlists]]\ntargetRules = [\"nope\"]\nstopwords = [\"x\"]\n",
            "(global)",
            "allowlists[0].targetRules",
        ),
        (
            "[[rules]]\nid = \"r\"\nregex = '''abc_[0-9]+'''\nentropy = \"high\"\n",
            "r",
            "entropy",
        ),
        ("[[rules]]\nid = \"r\"\ndescription = \"nothing\"\n", "r", "regex"),
    ];
    for (text, rule, field) in cases {
        let err = gitleaks::convert("t.toml", text).unwrap_err();
        let Error::Rules(problems) = &err else {
            panic!("{text}: {err}")
        };
        assert!(
            problems
                .iter()
                .any(|p| p.rule == *rule && p.field == *field && p.file == "t.toml"),
            "{text}: expected {rule}.{field}, got {err}"
        );
    }
}

#[test]
fn duplicate_id_keeps_last_like_gitleaks() {
    let text = "[[rules]]\nid = \"dup\"\nregex = '''aaa_[0-9]{4}'''\n\
                [[rules]]\nid = \"dup\"\nregex = '''bbb_[0-9]{4}'''\n";
    let conv = gitleaks::convert_full("t.toml", text).unwrap();
    assert_eq!(conv.specs.len(), 1);
    assert_eq!(conv.specs[0].keywords, ["bbb_"]);
    assert!(conv
        .warnings
        .iter()
        .any(|w| w.rule == "dup" && w.field == "id"));
}

#[test]
fn go_syntax_is_translated() {
    let text = r#"
[[rules]]
id = "quoted"
regex = '''\Qkey.v1:\E([a-z]{8})x{,2}'''
"#;
    let conv = gitleaks::convert_full("t.toml", text).unwrap();
    let db = RuleDb::new(conv.specs).unwrap();
    assert_eq!(
        scan(&db, "key.v1:abcdefghx{,2}"),
        [("quoted".to_string(), "abcdefgh".to_string())]
    );
    // `.` in `key.v1` is quoted: no match with another character there.
    assert_eq!(scan(&db, "keyXv1:abcdefghx{,2}"), []);
}

#[test]
fn keywords_are_normalized() {
    let text = r#"
[[rules]]
id = "k"
regex = '''(?i)\bMYCO_[A-Z0-9]{16}\b'''
keywords = ["MyCo_", "m"]

[[rules]]
id = "p"
path = '''\.pem$'''

[[allowlists]]
targetRules = ["p", "k"]
stopwords = ["Fake"]
"#;
    let conv = gitleaks::convert_full("t.toml", text).unwrap_or_else(|e| panic!("{e}"));
    let k = &conv.specs[0];
    // Lowercased; the 1-byte keyword is dropped (stanch needs 2 bytes).
    assert_eq!(k.keywords, ["myco_"]);
    assert_eq!(k.allow_stopwords, ["fake"]);
    assert!(conv
        .warnings
        .iter()
        .any(|w| w.rule == "k" && w.field == "keywords"));
    // targetRules may name a rule that was skipped (path-only).
    assert!(conv
        .warnings
        .iter()
        .any(|w| w.rule == "p" && w.field == "path"));
    let db = RuleDb::new(conv.specs).unwrap();
    assert_eq!(scan(&db, "x myco_ABCDEF0123456789 y").len(), 1);
    assert_eq!(scan(&db, "x myco_FAKE000000000000 y").len(), 0);
}
