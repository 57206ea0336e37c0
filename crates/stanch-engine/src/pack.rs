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
///
/// Read from their JSON form, written at build time from the TOML files
/// (see `build.rs`): a sixth of the parse time. A file whose JSON form does
/// not read (or is empty: its TOML did not parse) is parsed from its TOML
/// text instead, whose error names the file, line and field.
pub fn builtin_specs() -> Result<Vec<RuleSpec>, Error> {
    let mut all = Vec::new();
    for (name, text, json) in BUILTIN_FILES {
        let specs = match serde_json::from_str::<RuleFile>(json) {
            Ok(file) => file
                .rules
                .into_iter()
                .map(|mut r| {
                    r.origin = name.to_string();
                    r
                })
                .collect(),
            Err(_) => parse_rule_file(name, text)?,
        };
        all.extend(specs.into_iter().map(|mut r| {
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
    use super::*;

    /// The JSON form of each built-in file gives the rules its TOML gives,
    /// field for field.
    #[test]
    fn builtin_json_and_toml_give_the_same_rules() {
        let mut rules = 0;
        for (name, text, json) in BUILTIN_FILES {
            assert!(!json.is_empty(), "{name}: no JSON form");
            let from_json: RuleFile = serde_json::from_str(json).expect("JSON form reads");
            let from_toml = parse_rule_file(name, text).expect("TOML reads");
            assert_eq!(from_json.rules.len(), from_toml.len(), "{name}");
            for (a, b) in from_json.rules.iter().zip(&from_toml) {
                assert_eq!(
                    serde_json::to_value(a).unwrap(),
                    serde_json::to_value(b).unwrap(),
                    "{name}: {}",
                    b.id
                );
                rules += 1;
            }
        }
        assert!(rules >= 450, "{rules} rules");
        let specs = builtin_specs().unwrap();
        assert_eq!(specs.len(), rules);
        assert!(specs
            .iter()
            .all(|s| s.builtin && s.origin.ends_with(".toml")));
    }

    /// A file whose JSON form does not read falls back to its TOML text, and
    /// an error there names the file.
    #[test]
    fn a_bad_rule_file_is_reported_by_name() {
        let err = parse_rule_file("broken.toml", "[[rules]]\nid = 'x'\nbogus = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("broken.toml") && err.contains("bogus"),
            "{err}"
        );
    }

    #[test]
    fn builtin_pack_compiles() {
        let db = super::builtin().unwrap();
        assert!(!db.is_empty());
    }
}
