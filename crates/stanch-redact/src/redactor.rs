//! Applying findings to text: which findings are redacted (policy), how
//! overlapping spans merge, and writing the result with every byte outside a
//! finding copied unchanged.

use crate::key::Key;
use crate::style::{default_style, write_replacement, Style};
use stanch_engine::{Category, Finding, RuleDb, Scratch, Severity};
use std::borrow::Cow;
use std::io::{self, Write};

/// Which findings get redacted, and how.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Style for every finding, overriding the per-category defaults.
    pub style: Option<Style>,
    /// Style for secrets when `style` is unset (default: placeholder).
    pub secret_style: Style,
    /// Style for PII when `style` is unset (default: pseudonym).
    pub pii_style: Style,
    /// Findings below this severity are left alone (default: low, so `info`
    /// findings such as IP addresses are reported by `scan` but not redacted).
    pub min_severity: Severity,
    /// Tenant mixed into pseudonyms: the same value gets different pseudonyms
    /// in different tenants.
    pub tenant: String,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            style: None,
            secret_style: default_style(Category::Secret),
            pii_style: default_style(Category::Pii),
            min_severity: Severity::Low,
            tenant: String::new(),
        }
    }
}

/// Counts of what a redaction did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub findings: u64,
    pub redacted: u64,
}

/// Engine + key + policy: everything needed to redact.
#[derive(Clone, Debug)]
pub struct Redactor {
    db: RuleDb,
    key: Key,
    policy: Policy,
}

impl Redactor {
    pub fn new(db: RuleDb, key: Key, policy: Policy) -> Redactor {
        Redactor { db, key, policy }
    }

    pub fn db(&self) -> &RuleDb {
        &self.db
    }

    pub fn key(&self) -> &Key {
        &self.key
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// True if this finding is redacted under the policy.
    pub fn applies(&self, f: &Finding) -> bool {
        self.db.rule(f.rule).severity() >= self.policy.min_severity
    }

    fn style_for(&self, f: &Finding) -> Style {
        self.policy
            .style
            .unwrap_or(match self.db.rule(f.rule).category() {
                Category::Secret => self.policy.secret_style,
                Category::Pii => self.policy.pii_style,
            })
    }

    /// Redacts a whole buffer. Returns it borrowed when nothing is redacted.
    pub fn redact<'a>(
        &self,
        hay: &'a [u8],
        scratch: &mut Scratch,
        findings: &mut Vec<Finding>,
    ) -> Cow<'a, [u8]> {
        self.db.scan(hay, scratch, findings);
        if !findings.iter().any(|f| self.applies(f)) {
            return Cow::Borrowed(hay);
        }
        let mut out = Vec::with_capacity(hay.len() + 64);
        self.write_redacted(hay, findings, &mut out)
            .expect("writing to a Vec cannot fail");
        Cow::Owned(out)
    }

    /// Writes `hay` with `findings` (sorted by start, as the engine returns
    /// them) replaced. Partially overlapping findings merge into one span,
    /// named by the first. Returns how many spans were replaced.
    pub fn write_redacted(
        &self,
        hay: &[u8],
        findings: &[Finding],
        out: &mut dyn Write,
    ) -> io::Result<u64> {
        let mut pos = 0;
        let mut n = 0;
        let mut it = findings.iter().filter(|f| self.applies(f)).peekable();
        while let Some(first) = it.next() {
            let start = first.start.max(pos);
            let mut end = first.end;
            while let Some(next) = it.peek() {
                if next.start < end {
                    end = end.max(next.end);
                    it.next();
                } else {
                    break;
                }
            }
            if end <= start {
                continue;
            }
            out.write_all(&hay[pos..start])?;
            let rule = self.db.rule(first.rule);
            write_replacement(
                out,
                self.style_for(first),
                rule,
                &hay[start..end],
                &self.key,
                &self.policy.tenant,
            )?;
            n += 1;
            pos = end;
        }
        out.write_all(&hay[pos..])?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        let db = stanch_engine::pack::builtin().unwrap();
        Redactor::new(db, Key::parse(&[b'k'; 32]).unwrap(), Policy::default())
    }

    #[test]
    fn redacts_only_the_value() {
        let r = redactor();
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        let text =
            b"2024-05-01 INFO token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 user=bob@acme.io ok\n";
        let out = r.redact(text, &mut s, &mut f);
        let out = String::from_utf8(out.into_owned()).unwrap();
        assert!(
            out.starts_with("2024-05-01 INFO token=[REDACTED:github-pat] user=<email:"),
            "{out}"
        );
        assert!(out.ends_with("> ok\n"));
    }

    #[test]
    fn clean_text_is_borrowed() {
        let r = redactor();
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        let text = b"nothing to see 3f2a9c1e-1111-4a4a-9b9b-0123456789ab\n";
        assert!(matches!(r.redact(text, &mut s, &mut f), Cow::Borrowed(_)));
    }

    #[test]
    fn pseudonyms_are_stable_within_a_key() {
        let r = redactor();
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        let a = r.redact(b"from Bob@Acme.io", &mut s, &mut f).into_owned();
        let b = r.redact(b"to bob@acme.io", &mut s, &mut f).into_owned();
        let tail = |v: &[u8]| v[v.len() - 16..].to_vec();
        assert_eq!(tail(&a), tail(&b));
    }

    #[test]
    fn styles() {
        let db = stanch_engine::pack::builtin().unwrap();
        let key = Key::parse(&[b'k'; 32]).unwrap();
        let text = b"t=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        let run = |style| {
            let r = Redactor::new(
                db.clone(),
                key.clone(),
                Policy {
                    style: Some(style),
                    ..Policy::default()
                },
            );
            let mut s = r.db().scratch();
            let mut f = Vec::new();
            String::from_utf8(r.redact(text, &mut s, &mut f).into_owned()).unwrap()
        };
        assert_eq!(run(Style::Mask), format!("t={}", "*".repeat(40)));
        assert!(run(Style::Hash).starts_with("t=[HASH:github-pat:"));
        assert!(run(Style::Pseudonym).starts_with("t=<secret:"));
        assert_eq!(run(Style::Placeholder), "t=[REDACTED:github-pat]");
    }
}
