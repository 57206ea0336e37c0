//! `--baseline FILE`: suppress findings already known, by (rule id, keyed
//! fingerprint). The file is an earlier `scan --format json` or `jsonl`
//! report, so the baseline holds fingerprints, never values. Matching is
//! path-independent: a known secret that moves to another log stays known.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::HashSet;
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
    known: HashSet<(String, String)>,
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
        Ok(Baseline {
            known: entries
                .into_iter()
                .map(|e| (e.rule, e.fingerprint))
                .collect(),
        })
    }

    pub fn contains(&self, rule: &str, fingerprint: &str) -> bool {
        self.known
            .contains(&(rule.to_string(), fingerprint.to_string()))
    }
}
