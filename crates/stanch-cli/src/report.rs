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

/// Appends one finding in `--format text`.
pub fn text_line(buf: &mut Vec<u8>, h: &Hit<'_>) {
    // Writing into a Vec cannot fail.
    let _ = write!(
        buf,
        "{}:{}:{}: {} {} ({}) fingerprint={}",
        h.path, h.line, h.column, h.severity, h.rule_id, h.rule_name, h.fingerprint
    );
    if let Some(s) = &h.secret {
        let _ = write!(buf, " secret={s:?}");
    }
    buf.push(b'\n');
}

/// Appends one finding as a JSON line (with its `\n`), byte for byte what
/// `serde_json::to_writer(Hit)` writes. `path_json` is `h.path` as a JSON
/// string ([`json_string`]), worked out once per file by the caller. Written
/// by hand because a scan of a big log reports hundreds of thousands of
/// findings, and serde's field-by-field path (escaping every string,
/// formatting every number through a `Formatter`) cost more than computing
/// their fingerprints.
pub fn jsonl_line(buf: &mut Vec<u8>, h: &Hit<'_>, path_json: &[u8]) {
    let mut num = itoa::Buffer::new();
    buf.extend_from_slice(b"{\"rule\":");
    json_str(buf, h.rule_id);
    buf.extend_from_slice(b",\"category\":\"");
    buf.extend_from_slice(h.category.as_str().as_bytes());
    buf.extend_from_slice(b"\",\"severity\":\"");
    buf.extend_from_slice(h.severity.as_str().as_bytes());
    buf.extend_from_slice(b"\",\"path\":");
    buf.extend_from_slice(path_json);
    for (name, n) in [
        (&b",\"line\":"[..], h.line),
        (b",\"column\":", h.column),
        (b",\"start\":", h.start),
        (b",\"end\":", h.end),
    ] {
        buf.extend_from_slice(name);
        buf.extend_from_slice(num.format(n).as_bytes());
    }
    buf.extend_from_slice(b",\"fingerprint\":\"");
    buf.extend_from_slice(h.fingerprint.as_str().as_bytes());
    buf.push(b'"');
    if let Some(s) = &h.secret {
        buf.extend_from_slice(b",\"secret\":");
        json_str(buf, s);
    }
    buf.extend_from_slice(b"}\n");
}

/// `s` as a JSON string literal.
pub fn json_string(s: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 2);
    json_str(&mut v, s);
    v
}

/// A JSON string literal: as is when nothing in it needs escaping (rule ids,
/// most paths), else through serde_json.
fn json_str(buf: &mut Vec<u8>, s: &str) {
    if s.bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f)
    {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else {
        // Serializing a str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, s);
    }
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
    /// The hand-written line must be what serde writes, for any path and
    /// secret (quotes, backslashes, control characters, non-ASCII).
    #[test]
    fn jsonl_line_is_what_serde_writes() {
        use super::*;
        let paths = [
            "app.log",
            "logs/app \"1\".log",
            "C:\\logs\\a.log",
            "tab\there\u{1}\u{7f}",
            "journal/été/日志.log",
            "<stdin>",
        ];
        let secrets = [None, Some("p\"a\\ss\nword\u{0}é".to_string())];
        for (i, p) in paths.iter().enumerate() {
            for secret in &secrets {
                for (category, severity) in [
                    (Category::Secret, Severity::Critical),
                    (Category::Pii, Severity::Info),
                    (Category::Secret, Severity::Medium),
                ] {
                    let h = Hit {
                        rule_id: "aws-access-key-id",
                        rule_name: "AWS",
                        category,
                        severity,
                        path: Arc::from(*p),
                        line: u64::MAX - i as u64,
                        column: i as u64,
                        start: 0,
                        end: 1 << 40,
                        fingerprint: Fingerprint::parse("0123456789abcdef").unwrap(),
                        secret: secret.clone(),
                    };
                    let mut want = serde_json::to_vec(&h).unwrap();
                    want.push(b'\n');
                    let mut got = b"kept".to_vec();
                    jsonl_line(&mut got, &h, &json_string(p));
                    assert_eq!(
                        String::from_utf8_lossy(&got[4..]),
                        String::from_utf8_lossy(&want)
                    );
                }
            }
        }
    }

    #[test]
    fn uris() {
        assert_eq!(super::uri("./logs/a b.txt"), "logs/a%20b.txt");
        assert_eq!(super::uri("<stdin>"), "%3Cstdin%3E");
    }
}
