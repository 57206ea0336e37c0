//! Rendering scan findings: text, JSON, JSON lines and SARIF 2.1.0.
//! A finding carries its rule, location and keyed fingerprint; the value
//! itself only with `--show-secrets`.

use serde::Serialize;
use serde_json::json;
use stanch_engine::{Category, RuleDb, Severity};
use stanch_redact::key::Fingerprint;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

/// One finding, ready to report. Rule id and name borrow from the rule
/// database and the path is shared per file, so a scan with many findings
/// allocates little per finding.
#[derive(Clone, Debug, Serialize)]
pub struct Hit<'a> {
    #[serde(rename = "rule")]
    pub rule_id: &'a str,
    #[serde(skip)]
    pub rule_name: &'a str,
    pub category: Category,
    pub severity: Severity,
    pub path: Arc<str>,
    pub line: u64,
    pub column: u64,
    pub start: u64,
    pub end: u64,
    pub fingerprint: Fingerprint,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub files: u64,
    pub bytes: u64,
    pub findings: u64,
    pub suppressed: u64,
    pub skipped_binary: u64,
}

impl Summary {
    pub fn line(&self) -> String {
        let mut s = format!(
            "stanch: {} finding(s) in {} input(s), {} bytes scanned",
            self.findings, self.files, self.bytes
        );
        if self.suppressed > 0 {
            s.push_str(&format!(", {} suppressed by the baseline", self.suppressed));
        }
        if self.skipped_binary > 0 {
            s.push_str(&format!(
                ", {} binary file(s) skipped (--binary scans them)",
                self.skipped_binary
            ));
        }
        s
    }
}

pub fn text(out: &mut dyn Write, hits: &[Hit<'_>]) -> io::Result<()> {
    for h in hits {
        write!(
            out,
            "{}:{}:{}: {} {} ({}) fingerprint={}",
            h.path, h.line, h.column, h.severity, h.rule_id, h.rule_name, h.fingerprint
        )?;
        if let Some(s) = &h.secret {
            write!(out, " secret={s:?}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn jsonl(out: &mut dyn Write, hits: &[Hit<'_>]) -> io::Result<()> {
    // Lines are built in one buffer and written 64 KB at a time: serde_json
    // writes each token separately, and through `dyn Write` those small
    // writes cost more than the JSON itself.
    const FLUSH_AT: usize = 64 * 1024;
    let mut buf = Vec::with_capacity(FLUSH_AT + 1024);
    for h in hits {
        serde_json::to_writer(&mut buf, h)?;
        buf.push(b'\n');
        if buf.len() >= FLUSH_AT {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)
}

pub fn json(out: &mut dyn Write, hits: &[Hit<'_>], summary: &Summary) -> io::Result<()> {
    let doc = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "findings": hits,
        "summary": summary,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// A relative path as a SARIF URI (forward slashes, percent-encoded where needed).
fn uri(path: &str) -> String {
    let p = path.strip_prefix("./").unwrap_or(path);
    let mut s = String::with_capacity(p.len());
    for b in p.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                s.push(b as char)
            }
            b'\\' => s.push('/'),
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

pub fn sarif(out: &mut dyn Write, db: &RuleDb, hits: &[Hit<'_>]) -> io::Result<()> {
    // Only rules that produced results are listed, in id order; results
    // point at them by index.
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for h in hits {
        used.insert(h.rule_id, 0);
    }
    let mut rules = Vec::new();
    for (i, (id, idx)) in used.iter_mut().enumerate() {
        *idx = i;
        let (name, category, severity) = match db.lookup(id) {
            Some(r) => {
                let r = db.rule(r);
                (r.name().to_string(), r.category(), r.severity())
            }
            None => (id.to_string(), Category::Secret, Severity::High),
        };
        rules.push(json!({
            "id": id,
            "name": id,
            "shortDescription": { "text": name },
            "defaultConfiguration": { "level": sarif_level(severity) },
            "properties": { "category": category, "severity": severity, "tags": [category, "security"] },
        }));
    }
    let results: Vec<_> = hits
        .iter()
        .map(|h| {
            let mut props = json!({ "category": h.category, "severity": h.severity });
            if let Some(s) = &h.secret {
                props["secret"] = json!(s);
            }
            json!({
                "ruleId": h.rule_id,
                "ruleIndex": used[h.rule_id],
                "level": sarif_level(h.severity),
                "message": { "text": format!("{} ({}); fingerprint {}", h.rule_name, h.category, h.fingerprint) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&h.path) },
                        "region": {
                            "startLine": h.line,
                            "startColumn": h.column,
                            "byteOffset": h.start,
                            "byteLength": h.end - h.start,
                        }
                    }
                }],
                "partialFingerprints": { "stanch/v1": h.fingerprint },
                "properties": props,
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stanch",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/stanch",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn jsonl_writes_every_hit_once_across_buffer_flushes() {
        use super::*;
        let path: Arc<str> = Arc::from("logs/app \"1\".log");
        let hits: Vec<Hit<'_>> = (0..3000u64)
            .map(|i| Hit {
                rule_id: "github-pat",
                rule_name: "GitHub",
                category: Category::Secret,
                severity: Severity::Critical,
                path: path.clone(),
                line: i + 1,
                column: 1,
                start: i * 10,
                end: i * 10 + 4,
                fingerprint: Fingerprint::parse(&format!("{i:016x}")).unwrap(),
                secret: None,
            })
            .collect();
        let mut out = Vec::new();
        jsonl(&mut out, &hits).unwrap();
        assert!(
            out.len() > 3 * 64 * 1024,
            "the test must cross several flushes"
        );
        let lines: Vec<serde_json::Value> = out
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(lines.len(), hits.len());
        for (i, v) in lines.iter().enumerate() {
            assert_eq!(v["line"], i as u64 + 1);
            assert_eq!(v["path"], "logs/app \"1\".log");
        }
    }

    #[test]
    fn uris() {
        assert_eq!(super::uri("./logs/a b.txt"), "logs/a%20b.txt");
        assert_eq!(super::uri("<stdin>"), "%3Cstdin%3E");
    }
}
