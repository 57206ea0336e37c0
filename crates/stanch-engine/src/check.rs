//! `rules check`: each rule's examples must yield a finding of that rule and
//! its negatives must not, with the whole rule set compiled together (so the
//! prefilter and windows are exercised exactly as in a real scan).

use crate::{Finding, RuleDb};

/// One failed expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub file: String,
    pub rule: String,
    /// `example` or `negative`, and its index in the rule; or a field
    /// (`pattern`, `secret_group`, `allow_regexes`) that does not compile,
    /// with the reason in `detail`.
    pub kind: &'static str,
    pub index: usize,
    pub detail: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            "example" => "does not match",
            "negative" => "matches but must not",
            field => {
                return write!(
                    f,
                    "{}: rule `{}`, field `{}`: {}",
                    self.file, self.rule, field, self.detail
                )
            }
        };
        write!(
            f,
            "{}: rule `{}`: {} #{} {}",
            self.file,
            self.rule,
            self.kind,
            self.index + 1,
            what
        )
    }
}

/// Runs every rule's examples and negatives; returns the failures.
pub fn check(db: &RuleDb) -> Vec<Failure> {
    let mut failures: Vec<Failure> = db
        .compile_all()
        .into_iter()
        .map(|p| Failure {
            file: p.file,
            rule: p.rule,
            kind: match p.field.as_str() {
                "secret_group" => "secret_group",
                "allow_regexes" => "allow_regexes",
                _ => "pattern",
            },
            index: 0,
            detail: p.reason,
        })
        .collect();
    let mut scratch = db.scratch();
    let mut found: Vec<Finding> = Vec::new();
    for (i, rule) in db.rules().iter().enumerate() {
        let spec = rule.spec();
        let hits = |found: &[Finding]| found.iter().any(|f| f.rule.index() == i);
        for (n, ex) in spec.examples.iter().enumerate() {
            db.scan_all(ex.as_bytes(), &mut scratch, &mut found);
            if !hits(&found) {
                failures.push(Failure {
                    file: spec.origin.clone(),
                    rule: spec.id.clone(),
                    kind: "example",
                    index: n,
                    detail: String::new(),
                });
            }
        }
        for (n, ex) in spec.negatives.iter().enumerate() {
            db.scan_all(ex.as_bytes(), &mut scratch, &mut found);
            if hits(&found) {
                failures.push(Failure {
                    file: spec.origin.clone(),
                    rule: spec.id.clone(),
                    kind: "negative",
                    index: n,
                    detail: String::new(),
                });
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    /// The built-in pack must pass its own examples: this is how a bad rule fails CI.
    #[test]
    fn builtin_rules_pass_their_examples() {
        let db = crate::pack::builtin().unwrap();
        let failures = super::check(&db);
        assert!(
            failures.is_empty(),
            "{} failure(s):\n{}",
            failures.len(),
            failures
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn a_broken_rule_is_reported() {
        let specs = crate::pack::parse_rule_file(
            "t.toml",
            r#"
[[rules]]
id = "t-token"
name = "test"
category = "secret"
severity = "high"
keywords = ["tok_"]
pattern = 'tok_[a-z]{8}'
examples = ["tok_abcdefgh", "tok_ABCDEFGH"]
negatives = ["tok_abc", "tok_zzzzzzzz"]
"#,
        )
        .unwrap();
        let db = crate::RuleDb::new(specs).unwrap();
        let f = super::check(&db);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].kind, f[0].index), ("example", 1));
        assert_eq!((f[1].kind, f[1].index), ("negative", 1));
    }

    /// Built-in patterns are parsed only when first used, so a broken one must
    /// still fail `rules check` (and never panic a scan).
    #[test]
    fn a_builtin_pattern_that_does_not_compile_fails_the_check() {
        let mut specs = crate::pack::parse_rule_file(
            "t.toml",
            r#"
[[rules]]
id = "t-broken"
name = "test"
category = "secret"
severity = "high"
keywords = ["tok_"]
pattern = 'tok_(?P<secret>[a-z]{8}'
allow_regexes = ['(unclosed']
examples = ["tok_abcdefgh"]

[[rules]]
id = "t-group"
name = "test"
category = "secret"
severity = "high"
keywords = ["tok_"]
pattern = 'tok_[a-z]{8}'
secret_group = "nope"
examples = ["tok_abcdefgh"]
"#,
        )
        .unwrap();
        for s in &mut specs {
            s.builtin = true;
        }
        let db = crate::RuleDb::new(specs.clone()).unwrap();
        let mut out = Vec::new();
        db.scan(b"tok_abcdefgh", &mut db.scratch(), &mut out);
        assert!(out.is_empty());
        let f = super::check(&db);
        let kinds: Vec<_> = f.iter().map(|f| (f.rule.as_str(), f.kind)).collect();
        assert!(kinds.contains(&("t-broken", "pattern")), "{kinds:?}");
        assert!(kinds.contains(&("t-broken", "allow_regexes")), "{kinds:?}");
        assert!(kinds.contains(&("t-group", "secret_group")), "{kinds:?}");
        assert!(f[0].to_string().contains("field `"), "{}", f[0]);
        // The same rules from a user are refused when loaded.
        for s in &mut specs {
            s.builtin = false;
        }
        let err = crate::RuleDb::new(specs).unwrap_err().to_string();
        assert!(err.contains("t-broken") && err.contains("t-group"), "{err}");
    }
}
