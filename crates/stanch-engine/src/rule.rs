//! Rules as data: the serialized form (`RuleSpec`), its validation, and the
//! enums every finding carries (`Category`, `Severity`).
//!
//! A rule file is TOML with one or more `[[rules]]` tables. Validation collects
//! every problem (not just the first) and names the file, the rule and the field.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of data a rule finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Credentials: keys, tokens, passwords, private keys.
    Secret,
    /// Personal data: emails, phones, cards, national ids, addresses.
    Pii,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::Pii => "pii",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a leak of this kind is. `Info` findings are reported by `scan`
/// but neither fail the gate nor get redacted unless asked (IP addresses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How specific a rule is; when findings overlap, the more specific rule names
/// the span. A provider-format rule (`ghp_…`) beats a header rule
/// (`Authorization: Bearer …`), which beats a generic assignment (`token=…`).
/// An exact known value (a registered secret or a canary) beats every pattern.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Specificity {
    Generic,
    Context,
    #[default]
    Provider,
    Exact,
}

/// One rule as written in a rule file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id: lowercase `[a-z0-9]` words joined by `-`, e.g. `github-pat`.
    pub id: String,
    /// Human name, e.g. "GitHub personal access token (classic)".
    pub name: String,
    pub category: Category,
    pub severity: Severity,
    #[serde(default)]
    pub specificity: Specificity,
    /// Literals (ASCII, matched case-insensitively) of which at least one
    /// occurs in or just before every match. They drive the prefilter: the
    /// regex only runs near a keyword hit. Required unless `finder` is set.
    /// `\b` at either end (`'token\b'`) means no ASCII letter or digit may
    /// touch the keyword on that side for the hit to count.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regex tried anchored at each keyword hit (its first byte): when it
    /// cannot match there, the hit opens no window, and the rule's regex
    /// does not run for it. It states what every match holds from one of
    /// its keywords on: for `session_id = …`, the keyword, the rest of the
    /// key and a separator. It must allow everything the pattern allows
    /// there (`rules check` catches an example it would lose). A check that
    /// reaches the end of the input (or of a streamed chunk), or 64 bytes
    /// (`max_len` if smaller), before it can tell, opens the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_keyword: Option<String>,
    /// Regex (Rust `regex` syntax, bytes, Unicode off unless `(?u)`).
    #[serde(default)]
    pub pattern: Option<String>,
    /// Capture group that holds the secret: a number or a name. Default: the
    /// group named `secret` if present, else group 1 if present, else the whole match.
    #[serde(default)]
    pub secret_group: Option<SecretGroup>,
    /// Regex tried at the start of the secret, anchored: if it matches
    /// there, the value is no secret (a number, a status word, a path, a
    /// template reference) and the match yields no finding. Written apart
    /// from `pattern` because a long alternation tried before the secret
    /// inside one regex makes its capture step slow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny_value: Option<String>,
    /// Regex tried at the start of the whole match, anchored: if it matches
    /// there, the key names no secret (`next_page_token`, `public_key`) and
    /// the match yields no finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deny_key: Option<String>,
    /// A built-in candidate finder for data with no literal (emails, cards…).
    #[serde(default)]
    pub finder: Option<String>,
    /// A built-in check the candidate secret must pass.
    #[serde(default)]
    pub validator: Option<String>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Matches may span lines (PEM blocks); the search window then extends
    /// up to `max_len` bytes past the keyword instead of stopping at the line end.
    #[serde(default)]
    pub multiline: bool,
    /// Upper bound on a match's length in bytes (default 4096; 65536 at most).
    #[serde(default)]
    pub max_len: Option<u32>,
    /// Label used by the pseudonym style (`<email:1a2b3c4d>`). Default: category.
    #[serde(default)]
    pub pseudonym_label: Option<String>,
    /// Regexes matched against the secret: a match drops the finding
    /// (gitleaks `allowlists.regexes` with `regexTarget = "secret"`).
    #[serde(default)]
    pub allow_regexes: Vec<String>,
    /// Case-insensitive substrings of the secret that drop the finding
    /// (gitleaks `stopwords`).
    #[serde(default)]
    pub allow_stopwords: Vec<String>,
    /// Inputs that must each yield a finding of this rule.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Inputs that must yield no finding of this rule.
    #[serde(default)]
    pub negatives: Vec<String>,
    /// Free-form references (provider docs).
    #[serde(default)]
    pub references: Vec<String>,
    /// Where the rule came from (file name); set by the loader, not written.
    #[serde(skip)]
    pub origin: String,
    /// Converted from another tool's format (gitleaks), which has no
    /// examples; such rules may come without examples.
    #[serde(skip)]
    pub imported: bool,
    /// Part of the built-in pack (checked in CI, so compiled lazily).
    #[serde(skip)]
    pub builtin: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SecretGroup {
    Index(usize),
    Name(String),
}

/// A rule file: `[[rules]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
}

/// Largest window a rule may ask for.
pub const MAX_RULE_LEN: u32 = 65_536;
/// Default window past a keyword.
pub const DEFAULT_MAX_LEN: u32 = 4096;

/// Finder names built into the engine.
pub const FINDERS: &[&str] = &[
    "email", "card", "phone", "iban", "ssn", "ipv4", "ipv6", "external",
];
/// Validator names built into the engine.
pub const VALIDATORS: &[&str] = &[
    "luhn",
    "iban",
    "ssn",
    "jwt",
    "base64",
    "password-like",
    "base64-text",
];

/// Checks an id's shape: `[a-z0-9]+(-[a-z0-9]+)*`, at most 64 bytes.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl RuleSpec {
    /// Field-level checks that need no compilation. Each problem is pushed as
    /// `(field, reason)`.
    pub fn lint(&self, problems: &mut Vec<(String, String)>) {
        let mut p = |f: &str, r: String| problems.push((f.to_string(), r));
        if !is_valid_id(&self.id) {
            p(
                "id",
                format!("`{}` is not lowercase words joined by '-'", self.id),
            );
        }
        if self.name.trim().is_empty() {
            p("name", "is empty".into());
        }
        match (&self.pattern, &self.finder) {
            (None, None) => p("pattern", "a rule needs `pattern` or `finder`".into()),
            (Some(_), Some(_)) => p("finder", "give `pattern` or `finder`, not both".into()),
            _ => {}
        }
        if let Some(f) = &self.finder {
            if !FINDERS.contains(&f.as_str()) {
                p(
                    "finder",
                    format!("unknown finder `{f}`; known: {}", FINDERS.join(", ")),
                );
            }
        }
        if self.pattern.is_some() && self.keywords.is_empty() {
            p(
                "keywords",
                "a pattern rule needs at least one keyword for the prefilter".into(),
            );
        }
        if self.at_keyword.is_some() && self.keywords.is_empty() {
            p(
                "at_keyword",
                "needs `keywords`: it is tried at each keyword hit".into(),
            );
        }
        for k in &self.keywords {
            if k.len() < 2 {
                p("keywords", format!("keyword `{k}` is shorter than 2 bytes"));
            }
            if !k.is_ascii() {
                p("keywords", format!("keyword `{k}` is not ASCII"));
            }
        }
        if let Some(v) = &self.validator {
            if !VALIDATORS.contains(&v.as_str()) {
                p(
                    "validator",
                    format!("unknown validator `{v}`; known: {}", VALIDATORS.join(", ")),
                );
            }
        }
        if let Some(e) = self.min_entropy {
            if !(0.0..=8.0).contains(&e) {
                p("min_entropy", format!("{e} is outside 0..=8 bits per byte"));
            }
        }
        if let Some(m) = self.max_len {
            if m == 0 || m > MAX_RULE_LEN {
                p("max_len", format!("{m} is outside 1..={MAX_RULE_LEN}"));
            }
        }
        if self.examples.is_empty() && !self.imported && self.finder.as_deref() != Some("external")
        {
            p("examples", "a rule needs at least one example".into());
        }
    }

    pub fn max_len(&self) -> usize {
        self.max_len.unwrap_or(DEFAULT_MAX_LEN) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_valid_id("github-pat"));
        assert!(is_valid_id("aws-access-key-id"));
        assert!(!is_valid_id("GitHub"));
        assert!(!is_valid_id("a--b"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a.b"));
    }

    #[test]
    fn lint_collects_every_problem() {
        let spec: RuleSpec = toml::from_str(
            r#"id = "Bad"
name = ""
category = "secret"
severity = "high"
validator = "nope"
"#,
        )
        .unwrap();
        let mut problems = Vec::new();
        spec.lint(&mut problems);
        let fields: Vec<_> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert!(fields.contains(&"id"));
        assert!(fields.contains(&"name"));
        assert!(fields.contains(&"pattern"));
        assert!(fields.contains(&"validator"));
        assert!(fields.contains(&"examples"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r: Result<RuleSpec, _> = toml::from_str(
            r#"id = "a"
name = "a"
category = "secret"
severity = "high"
regexx = "x"
"#,
        );
        assert!(r.unwrap_err().to_string().contains("regexx"));
    }
}
