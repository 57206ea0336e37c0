//! The built-in rule pack (TOML files under `rules/`, embedded at build time)
//! and the loader for user rule files in stanch or gitleaks format.

use crate::rule::{RuleFile, RuleSpec};
use crate::{Error, RuleDb};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Parses one rule file. gitleaks files (`[[rules]]` tables with `regex`) are
/// recognised and converted; everything else must follow the stanch schema.
pub fn parse_rule_file(name: &str, text: &str) -> Result<Vec<RuleSpec>, Error> {
    if crate::gitleaks::looks_like_gitleaks(text) {
        return crate::gitleaks::convert(name, text);
    }
    let file: RuleFile = toml::from_str(text).map_err(|e| Error::Parse {
        file: name.to_string(),
        message: e.to_string(),
    })?;
    Ok(file
        .rules
        .into_iter()
        .map(|mut r| {
            r.origin = name.to_string();
            r
        })
        .collect())
}

/// The built-in rules, parsed (not compiled).
pub fn builtin_specs() -> Result<Vec<RuleSpec>, Error> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN_FILES {
        all.extend(parse_rule_file(name, text)?);
    }
    Ok(all)
}

/// The built-in rules, compiled.
pub fn builtin() -> Result<RuleDb, Error> {
    RuleDb::new(builtin_specs()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn builtin_pack_compiles() {
        let db = super::builtin().unwrap();
        assert!(db.len() > 0);
    }
}
