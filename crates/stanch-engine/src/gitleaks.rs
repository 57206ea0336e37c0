//! Import of gitleaks-format rule files (`[[rules]]` with `regex`,
//! `secretGroup`, `keywords`, `entropy`, `allowlists`).

use crate::rule::RuleSpec;
use crate::Error;

/// True when the TOML text looks like a gitleaks config rather than a stanch rule file.
pub fn looks_like_gitleaks(text: &str) -> bool {
    text.contains("regex") && !text.contains("pattern")
}

/// Converts a gitleaks config into stanch rules.
pub fn convert(name: &str, _text: &str) -> Result<Vec<RuleSpec>, Error> {
    Err(Error::Parse {
        file: name.to_string(),
        message: "gitleaks import is not available yet".into(),
    })
}
