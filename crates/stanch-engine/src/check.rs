//! `rules check`: each rule's examples must yield a finding of that rule and
//! its negatives must not, with the whole rule set compiled together (so the
//! prefilter and windows are exercised exactly as in a real scan).

use crate::{Finding, RuleDb};

/// One failed expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub file: String,
    pub rule: String,
    /// `example` or `negative`, and its index in the rule.
    pub kind: &'static str,
    pub index: usize,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.kind == "example" {
            "does not match"
        } else {
            "matches but must not"
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
    db.compile_all();
    let mut scratch = db.scratch();
    let mut found: Vec<Finding> = Vec::new();
    let mut failures = Vec::new();
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
}
