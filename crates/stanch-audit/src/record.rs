//! What one audit record holds. Records name rule ids, categories, counts
//! and keyed fingerprints, never a matched value or a body. The record is
//! serialized once (serde, fields in declaration order, no maps) and that
//! exact text is what the chain hashes and the store keeps.

use serde::{Deserialize, Serialize};

/// Findings of one rule in one direction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindingSummary {
    pub rule: String,
    /// `secret` or `pii`.
    pub category: String,
    /// The action taken (`warn`, `redact`, `block`, `require_approval`).
    pub action: String,
    pub count: u64,
    /// Keyed fingerprints (HMAC under the user's key, 16 hex), a few per
    /// rule at most.
    pub fingerprints: Vec<String>,
}

/// One audited event: a gateway decision, a stream's outcome, an approval
/// step, an admin action, an alert or a prune checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    /// Milliseconds since the Unix epoch.
    pub ts_ms: u64,
    /// `request`, `outcome`, `approval`, `admin`, `alert` or `prune`.
    pub kind: String,
    /// `info`, `warning` or `critical` (a canary hit).
    pub severity: String,
    /// The gateway's id for the request (`x-stanch-request-id`).
    pub request_id: String,
    /// Who made the request, or who acted (approvals, admin).
    pub principal: String,
    pub roles: Vec<String>,
    pub route: String,
    pub upstream: String,
    pub model: String,
    pub purpose: String,
    /// `pass`, `redacted`, `warned`, `blocked`, `approval_required`,
    /// `approved`, `denied`, … (what the gateway did).
    pub decision: String,
    /// HTTP status the client got (0 when not applicable).
    pub status: u16,
    pub request_findings: Vec<FindingSummary>,
    pub response_findings: Vec<FindingSummary>,
    pub request_bytes: u64,
    pub response_bytes: u64,
    /// SHA-256 of the request body as received (hex).
    pub body_sha256: String,
    pub latency_ms: u64,
    /// Streams: `open` on the decision record; `complete`, `client_gone`,
    /// `upstream_error` or `killed` on the outcome record.
    pub stream: String,
    /// Policy reasons (Rego) and refusal reasons (fixed text, rule ids).
    pub reasons: Vec<String>,
    pub approval_id: String,
    /// Free text for admin actions and checkpoints (never client data).
    pub detail: String,
}

impl Record {
    pub fn new(kind: &str) -> Record {
        Record {
            ts_ms: now_ms(),
            kind: kind.to_string(),
            severity: "info".into(),
            ..Record::default()
        }
    }

    /// The canonical text the chain hashes.
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Every rule id named in the record (for the `rules` index column).
    pub fn rules(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .request_findings
            .iter()
            .chain(&self.response_findings)
            .map(|f| f.rule.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The `rules` index column: `,a,b,` (so `LIKE '%,a,%'` finds one).
    pub fn rules_column(&self) -> String {
        let r = self.rules();
        if r.is_empty() {
            String::new()
        } else {
            format!(",{},", r.join(","))
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_is_stable_and_rules_indexed() {
        let mut r = Record::new("request");
        r.ts_ms = 1;
        r.request_findings.push(FindingSummary {
            rule: "github-pat".into(),
            count: 2,
            ..Default::default()
        });
        r.response_findings.push(FindingSummary {
            rule: "email".into(),
            ..Default::default()
        });
        let a = r.canonical();
        let back: Record = serde_json::from_str(&a).unwrap();
        assert_eq!(back.canonical(), a);
        assert!(a.starts_with(r#"{"ts_ms":1,"kind":"request""#), "{a}");
        assert_eq!(r.rules_column(), ",email,github-pat,");
        assert_eq!(Record::new("x").rules_column(), "");
    }
}
