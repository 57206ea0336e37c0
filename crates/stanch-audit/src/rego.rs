//! Policy as code: Rego policies (the `regorus` interpreter), compiled once
//! when loaded and evaluated per request on a clone of the compiled engine.
//!
//! Contract: the input document is
//! `{principal, roles, route, model, purpose, direction, findings: [{rule,
//! category, severity, count}], bytes}` and the policies define
//! `data.stanch.decision = {"action": A, "reasons": [..]}` with A one of
//! `allow`, `warn`, `redact`, `require_approval`, `block`. An undefined
//! decision, an unknown action or any evaluation error is an error; the
//! gateway refuses the request on an error (fail closed), so policies
//! should define `default decision := {"action": "allow", "reasons": []}`.
//!
//! Tests: every rule whose name starts with `test_` in any loaded package
//! is evaluated (with no input) by `stanch policy test` and must be true.

use std::path::{Path, PathBuf};

/// The rule the gateway evaluates.
pub const DECISION_RULE: &str = "data.stanch.decision";

/// Actions a policy may return, least to most restrictive.
pub const ACTIONS: [&str; 5] = ["allow", "warn", "redact", "require_approval", "block"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("policy {file}: {why}")]
    Load { file: String, why: String },
    #[error("policy evaluation failed: {0}")]
    Eval(String),
    #[error("policy decision is invalid: {0}")]
    Invalid(String),
}

/// A policy's answer for one request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    /// One of [`ACTIONS`].
    pub action: String,
    pub reasons: Vec<String>,
}

/// Compiled policies.
#[derive(Clone)]
pub struct Policy {
    engine: regorus::Engine,
    files: Vec<PathBuf>,
    tests: Vec<String>,
}

impl std::fmt::Debug for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policy")
            .field("files", &self.files)
            .field("tests", &self.tests.len())
            .finish()
    }
}

impl Policy {
    /// Reads and compiles `files` (errors name the file).
    pub fn load(files: &[PathBuf]) -> Result<Policy, PolicyError> {
        let mut sources = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(f).map_err(|e| PolicyError::Load {
                file: f.display().to_string(),
                why: format!("cannot read: {e}"),
            })?;
            sources.push((f.display().to_string(), text));
        }
        let mut p = Policy::from_sources(&sources)?;
        p.files = files.to_vec();
        Ok(p)
    }

    /// Compiles `(name, text)` pairs.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Policy, PolicyError> {
        let mut engine = regorus::Engine::new();
        engine.set_strict_builtin_errors(true);
        let mut tests = Vec::new();
        for (name, text) in sources {
            let pkg =
                engine
                    .add_policy(name.clone(), text.clone())
                    .map_err(|e| PolicyError::Load {
                        file: name.clone(),
                        why: e.to_string(),
                    })?;
            // `add_policy` answers `data.pkg`.
            let pkg = pkg.strip_prefix("data.").unwrap_or(&pkg).to_string();
            for t in test_rules(text) {
                let full = format!("data.{pkg}.{t}");
                if !tests.contains(&full) {
                    tests.push(full);
                }
            }
        }
        // Compile now, so a broken policy fails at load, not per request.
        let mut probe = engine.clone();
        probe.set_input(regorus::Value::new_object());
        if let Err(e) = probe.eval_query("data".into(), false) {
            return Err(PolicyError::Load {
                file: sources.first().map(|s| s.0.clone()).unwrap_or_default(),
                why: e.to_string(),
            });
        }
        Ok(Policy {
            engine,
            files: Vec::new(),
            tests,
        })
    }

    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Evaluates [`DECISION_RULE`] for `input`. A panic inside the
    /// interpreter is an error too (the gateway fails closed on errors).
    pub fn evaluate(&self, input: &serde_json::Value) -> Result<Decision, PolicyError> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.evaluate_inner(input)))
            .unwrap_or_else(|_| Err(PolicyError::Eval("the policy interpreter panicked".into())))
    }

    fn evaluate_inner(&self, input: &serde_json::Value) -> Result<Decision, PolicyError> {
        let mut e = self.engine.clone();
        let input = regorus::Value::from_json_str(&input.to_string())
            .map_err(|err| PolicyError::Eval(err.to_string()))?;
        e.set_input(input);
        let v = e
            .eval_rule(DECISION_RULE.into())
            .map_err(|err| PolicyError::Eval(err.to_string()))?;
        if v == regorus::Value::Undefined {
            return Err(PolicyError::Invalid(format!(
                "{DECISION_RULE} is undefined"
            )));
        }
        let json = v
            .to_json_str()
            .map_err(|err| PolicyError::Eval(err.to_string()))?;
        parse_decision(&json)
    }

    /// The `test_` rules found (as `data.pkg.test_name`).
    pub fn tests(&self) -> &[String] {
        &self.tests
    }

    /// Runs every `test_` rule: `Ok(true)` passes, `Ok(false)` (false or
    /// undefined) fails, `Err` is an evaluation error.
    pub fn run_tests(&self) -> Vec<(String, Result<bool, String>)> {
        self.tests
            .iter()
            .map(|t| {
                let mut e = self.engine.clone();
                e.set_input(regorus::Value::new_object());
                let r = e
                    .eval_rule(t.clone())
                    .map(|v| v == regorus::Value::from(true))
                    .map_err(|err| err.to_string());
                (t.clone(), r)
            })
            .collect()
    }
}

fn parse_decision(json: &str) -> Result<Decision, PolicyError> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| PolicyError::Invalid(e.to_string()))?;
    let action = v
        .get("action")
        .and_then(|a| a.as_str())
        .ok_or_else(|| PolicyError::Invalid("no string `action`".into()))?;
    let action = action.replace('-', "_");
    if !ACTIONS.contains(&action.as_str()) {
        return Err(PolicyError::Invalid(format!(
            "action `{action}` is not one of {}",
            ACTIONS.join(", ")
        )));
    }
    let reasons = match v.get("reasons") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|r| match r {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(_) => return Err(PolicyError::Invalid("`reasons` is not a list".into())),
    };
    Ok(Decision { action, reasons })
}

/// Names of rules starting with `test_` defined at the start of a line.
fn test_rules(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// `files` expanded: a directory stands for its `*.rego` files (sorted).
pub fn expand(files: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for f in files {
        if Path::new(f).is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(f)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rego"))
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(f.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"
package stanch

default decision := {"action": "allow", "reasons": []}

decision := {"action": "block", "reasons": ["no purpose"]} if {
    input.purpose == ""
}

decision := {"action": "require_approval", "reasons": ["secrets to prod"]} if {
    input.purpose != ""
    input.route == "prod"
    some f in input.findings
    f.category == "secret"
}

test_blocks_without_purpose if {
    decision.action == "block" with input as {"purpose": "", "route": "x", "findings": []}
}

test_allows if {
    decision.action == "allow" with input as {"purpose": "debug", "route": "x", "findings": []}
}
"#;

    fn p() -> Policy {
        Policy::from_sources(&[("t.rego".into(), POLICY.into())]).unwrap()
    }

    #[test]
    fn evaluates_and_validates() {
        let p = p();
        let d = p
            .evaluate(&serde_json::json!({"purpose": "", "route": "x", "findings": []}))
            .unwrap();
        assert_eq!(d.action, "block");
        assert_eq!(d.reasons, ["no purpose"]);
        let d = p
            .evaluate(&serde_json::json!({"purpose": "p", "route": "prod",
                "findings": [{"rule": "github-pat", "category": "secret", "severity": "high", "count": 1}]}))
            .unwrap();
        assert_eq!(d.action, "require_approval");
        let d = p
            .evaluate(&serde_json::json!({"purpose": "p", "route": "dev", "findings": []}))
            .unwrap();
        assert_eq!(d.action, "allow");
    }

    #[test]
    fn errors_are_errors() {
        let bad =
            Policy::from_sources(&[("b.rego".into(), "package stanch\ndecision := {".into())]);
        assert!(matches!(bad, Err(PolicyError::Load { .. })), "{bad:?}");
        let wrong = Policy::from_sources(&[(
            "w.rego".into(),
            "package stanch\ndecision := {\"action\": \"drop\"}\n".into(),
        )])
        .unwrap();
        assert!(matches!(
            wrong.evaluate(&serde_json::json!({})),
            Err(PolicyError::Invalid(_))
        ));
        let undefined = Policy::from_sources(&[(
            "u.rego".into(),
            "package stanch\ndecision := {\"action\": \"allow\"} if { input.x == 1 }\n".into(),
        )])
        .unwrap();
        assert!(undefined.evaluate(&serde_json::json!({})).is_err());
        let other_pkg =
            Policy::from_sources(&[("o.rego".into(), "package other\nx := 1\n".into())]).unwrap();
        assert!(other_pkg.evaluate(&serde_json::json!({})).is_err());
    }

    #[test]
    fn runs_test_rules() {
        let p = p();
        assert_eq!(p.tests().len(), 2);
        assert!(p.run_tests().iter().all(|(_, r)| r == &Ok(true)));
        let failing = format!("{POLICY}\ntest_wrong if {{ decision.action == \"block\" with input as {{\"purpose\": \"x\", \"route\": \"x\", \"findings\": []}} }}\n");
        let p = Policy::from_sources(&[("t.rego".into(), failing)]).unwrap();
        let r = p.run_tests();
        assert_eq!(r.iter().filter(|(_, r)| r != &Ok(true)).count(), 1);
    }

    #[test]
    fn policy_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Policy>();
    }
}
