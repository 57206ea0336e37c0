//! # stanch-engine
//!
//! Finds secrets and personal data in bytes, as spans. No async, no I/O.
//!
//! How the pieces connect:
//! - [`rule`]: the rule schema (`RuleSpec`): rules are data, with examples and
//!   negative examples, loaded from TOML.
//! - [`pack`]: the built-in rule files embedded in the binary, and parsing of
//!   user rule files (stanch format, or gitleaks format via [`gitleaks`]).
//! - [`db`]: compiles rules into one immutable [`RuleDb`]: an Aho-Corasick
//!   keyword prefilter whose hits open small windows where each rule's
//!   linear-time regex confirms; finders handle rules with no literal.
//! - [`finders`](crate::db) (private): emails, cards, phones, IBANs, SSNs, IPs.
//! - [`validate`]: checksums, structure and entropy checks, placeholder filter.
//! - [`check`]: `rules check`: every example matches, no negative does.
//! - [`extension`]: finding sources outside the rules (registered secrets,
//!   decoders) that plug into every scan.
//!
//! ```
//! let db = stanch_engine::pack::builtin().unwrap();
//! let mut scratch = db.scratch();
//! let mut found = Vec::new();
//! let text = b"export GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
//! db.scan(text, &mut scratch, &mut found);
//! assert_eq!(db.rule(found[0].rule).id(), "github-pat");
//! ```

pub mod check;
pub mod db;
pub mod extension;
mod finders;
pub mod gitleaks;
pub mod pack;
mod prefilter;
pub mod rule;
mod split;
pub mod validate;

pub use db::{Finding, Rule, RuleDb, RuleId, Scratch};
pub use extension::Extension;
pub use rule::{Category, RuleSpec, Severity, Specificity};

/// One problem in one rule: which rule, which field, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The rule file (or `<config>`) the rule came from.
    pub file: String,
    pub rule: String,
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: rule `{}`, field `{}`: {}",
            self.file, self.rule, self.field, self.reason
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule file is not valid TOML or does not fit the schema.
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    /// One or more rules are invalid; every problem is listed.
    #[error("{} invalid rule field(s):\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Rules(Vec<Problem>),
}
