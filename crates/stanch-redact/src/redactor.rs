//! Applying findings to text: which findings are redacted (policy), how
//! overlapping spans merge, and writing the result with every byte outside a
//! finding copied unchanged.

use crate::key::Key;
use crate::restore::RestoreMap;
use crate::style::{default_style, write_replacement_with, EmailDomain, Style};
use stanch_engine::{Category, Finding, RuleDb, RuleId, Scratch, Severity};
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
    /// Whether email pseudonyms keep the domain (`u-1a2b3c4d@acme.com`)
    /// or hide it (`<email:1a2b3c4d>`, the default).
    pub email_domain: EmailDomain,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            style: None,
            secret_style: default_style(Category::Secret),
            pii_style: default_style(Category::Pii),
            min_severity: Severity::Low,
            tenant: String::new(),
            email_domain: EmailDomain::Hide,
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

    fn style_for_rule(&self, rule: RuleId) -> Style {
        self.policy
            .style
            .unwrap_or(match self.db.rule(rule).category() {
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
        self.redact_inner(hay, scratch, findings, None)
    }

    /// [`redact`](Self::redact), recording every pseudonym written (and
    /// the original it replaced) in `map`, so that
    /// [`RestoreMap::restore`] can put the originals back.
    pub fn redact_recording<'a>(
        &self,
        hay: &'a [u8],
        scratch: &mut Scratch,
        findings: &mut Vec<Finding>,
        map: &mut RestoreMap,
    ) -> Cow<'a, [u8]> {
        self.redact_inner(hay, scratch, findings, Some(map))
    }

    fn redact_inner<'a>(
        &self,
        hay: &'a [u8],
        scratch: &mut Scratch,
        findings: &mut Vec<Finding>,
        map: Option<&mut RestoreMap>,
    ) -> Cow<'a, [u8]> {
        self.db.scan(hay, scratch, findings);
        if !findings.iter().any(|f| self.applies(f)) {
            return Cow::Borrowed(hay);
        }
        let mut out = Vec::with_capacity(hay.len() + 64);
        self.write_inner(hay, findings, &mut out, map)
            .expect("writing to a Vec cannot fail");
        Cow::Owned(out)
    }

    /// Writes what replaces `value`, a finding of `rule`, under the policy
    /// (what [`write_redacted`](Self::write_redacted) writes in its place),
    /// recording a pseudonym in `map` if one is given.
    pub fn write_replacement(
        &self,
        rule: RuleId,
        value: &[u8],
        out: &mut dyn Write,
        map: Option<&mut RestoreMap>,
    ) -> io::Result<()> {
        let r = self.db.rule(rule);
        let digest = write_replacement_with(
            out,
            self.style_for_rule(rule),
            r,
            value,
            &self.key,
            &self.policy.tenant,
            self.policy.email_domain,
        )?;
        if let (Some(map), Some(d)) = (map, digest) {
            map.record(r.pseudonym_label(), &d, value);
        }
        Ok(())
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
        self.write_inner(hay, findings, out, None)
    }

    /// [`write_redacted`](Self::write_redacted), recording pseudonyms in `map`.
    pub fn write_redacted_recording(
        &self,
        hay: &[u8],
        findings: &[Finding],
        out: &mut dyn Write,
        map: &mut RestoreMap,
    ) -> io::Result<u64> {
        self.write_inner(hay, findings, out, Some(map))
    }

    fn write_inner(
        &self,
        hay: &[u8],
        findings: &[Finding],
        out: &mut dyn Write,
        mut map: Option<&mut RestoreMap>,
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
            self.write_replacement(first.rule, &hay[start..end], out, map.as_deref_mut())?;
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

    fn redact_with(key: &Key, policy: Policy, text: &str) -> String {
        // A freshly built database and redactor each time: nothing shared
        // but the key material and the policy.
        let db = stanch_engine::pack::builtin().unwrap();
        let r = Redactor::new(db, key.clone(), policy);
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        String::from_utf8(r.redact(text.as_bytes(), &mut s, &mut f).into_owned()).unwrap()
    }

    fn tenant(t: &str) -> Policy {
        Policy {
            tenant: t.into(),
            ..Policy::default()
        }
    }

    #[test]
    fn pseudonyms_across_redactors_tenants_and_keys() {
        let hexkey: String = (0u8..32).map(|b| format!("{b:02x}")).collect();
        let k1 = Key::parse(hexkey.as_bytes()).unwrap();
        let k1_again = Key::parse(format!("{hexkey}\n").as_bytes()).unwrap();
        let k2 = Key::parse(&[b'z'; 32]).unwrap();
        let text = "from Bob@Acme.io";
        let a = redact_with(&k1, tenant("acme"), text);
        // Pinned: the same key and tenant give this on any machine, any run.
        assert_eq!(a, "from <email:a70122d4>");
        assert_eq!(redact_with(&k1_again, tenant("acme"), text), a);
        assert_ne!(redact_with(&k1, tenant("globex"), text), a);
        assert_ne!(redact_with(&k2, tenant("acme"), text), a);
    }

    #[test]
    fn email_domain_keep_is_stable_and_idempotent() {
        let hexkey: String = (0u8..32).map(|b| format!("{b:02x}")).collect();
        let k = Key::parse(hexkey.as_bytes()).unwrap();
        let keep = Policy {
            tenant: "acme".into(),
            email_domain: EmailDomain::Keep,
            ..Policy::default()
        };
        let once = redact_with(&k, keep.clone(), "to Bob@Acme.IO, q=ann%40corp.io ok");
        assert!(once.starts_with("to u-a70122d4@acme.io, q=u-"), "{once}");
        assert!(once.contains("%40corp.io ok"), "{once}");
        assert_eq!(redact_with(&k, keep, &once), once);
    }

    #[test]
    fn recording_fills_a_restore_map() {
        let r = redactor();
        let mut s = r.db().scratch();
        let mut f = Vec::new();
        let mut map = RestoreMap::new();
        let text =
            b"user bob@acme.io token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 cc bob@acme.io";
        let out = r
            .redact_recording(text, &mut s, &mut f, &mut map)
            .into_owned();
        // One email pseudonym (twice); the token is a placeholder and
        // cannot be restored.
        assert_eq!(map.len(), 1);
        let back = map.restore(&out);
        assert_eq!(
            &back[..],
            &b"user bob@acme.io token=[REDACTED:github-pat] cc bob@acme.io"[..]
        );
        let mut w = Vec::new();
        let mut map2 = RestoreMap::new();
        r.write_redacted_recording(text, &f, &mut w, &mut map2)
            .unwrap();
        assert_eq!(w, out);
        assert_eq!(map2.len(), 1);
    }
}
