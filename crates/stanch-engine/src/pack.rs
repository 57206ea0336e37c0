//! The built-in rule pack (TOML files under `rules/`, embedded at build time)
//! and the loader for user rule files in stanch or gitleaks format.

use crate::rule::{RuleFile, RuleSpec};
use crate::{Error, RuleDb};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Parses one rule file. gitleaks files (`[[rules]]` tables with `regex`) are
/// recognised and converted; everything else must follow the stanch schema.
pub fn parse_rule_file(name: &str, text: &str) -> Result<Vec<RuleSpec>, Error> {
    parse_rule_file_with_warnings(name, text).map(|(specs, _)| specs)
}

/// Like [`parse_rule_file`], also returning what an import skipped or could
/// not keep (gitleaks features with no stanch equivalent), for display.
pub fn parse_rule_file_with_warnings(
    name: &str,
    text: &str,
) -> Result<(Vec<RuleSpec>, Vec<crate::Problem>), Error> {
    if crate::gitleaks::looks_like_gitleaks(text) {
        let c = crate::gitleaks::convert_full(name, text)?;
        return Ok((c.specs, c.warnings));
    }
    let file: RuleFile = toml::from_str(text).map_err(|e| Error::Parse {
        file: name.to_string(),
        message: e.to_string(),
    })?;
    let specs = file
        .rules
        .into_iter()
        .map(|mut r| {
            r.origin = name.to_string();
            r
        })
        .collect();
    Ok((specs, Vec::new()))
}

/// The built-in rules, parsed (not compiled).
pub fn builtin_specs() -> Result<Vec<RuleSpec>, Error> {
    let mut all = Vec::new();
    for (name, text) in BUILTIN_FILES {
        all.extend(parse_rule_file(name, text)?.into_iter().map(|mut r| {
            r.builtin = true;
            r
        }));
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
        assert!(!db.is_empty());
    }
}
