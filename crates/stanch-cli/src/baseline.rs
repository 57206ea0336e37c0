//! `--baseline FILE`: suppress findings already known, by (rule id, keyed
//! fingerprint). The file is an earlier `scan --format json` or `jsonl`
//! report, so the baseline holds fingerprints, never values. Matching is
//! path-independent: a known secret that moves to another log stays known.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

#[derive(Deserialize)]
struct Entry {
    rule: String,
    fingerprint: String,
}

#[derive(Deserialize)]
struct Report {
    findings: Vec<Entry>,
}

pub struct Baseline {
    /// Rule id → fingerprints: looked up without allocating per finding.
    known: HashMap<String, HashSet<String>>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let entries: Vec<Entry> = if text.trim_start().starts_with('{')
            && serde_json::from_str::<Report>(&text).is_ok()
        {
            serde_json::from_str::<Report>(&text)?.findings
        } else {
            let mut v = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Entry>(line) {
                    Ok(e) => v.push(e),
                    Err(e) => bail!(
                        "baseline {} line {}: not a stanch JSON or JSONL report ({})",
                        path.display(),
                        i + 1,
                        e
                    ),
                }
            }
            v
        };
        let mut known: HashMap<String, HashSet<String>> = HashMap::new();
        for e in entries {
            known.entry(e.rule).or_default().insert(e.fingerprint);
        }
        Ok(Baseline { known })
    }

    pub fn contains(&self, rule: &str, fingerprint: &str) -> bool {
        self.known
            .get(rule)
            .is_some_and(|fps| fps.contains(fingerprint))
    }
}
