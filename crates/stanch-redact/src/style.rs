//! What to write instead of a finding. "What to find" lives in the engine;
//! this module only decides the replacement text for one span.
//!
//! Every replacement is itself ignored by the engine (the placeholder filter
//! drops `[…]`, `<…>` and `****`), so redacting twice changes nothing.

use crate::key::Key;
use stanch_engine::{Category, Rule};
use std::io::{self, Write};

/// A replacement style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `[REDACTED:<rule-id>]`
    Placeholder,
    /// `<label:1a2b3c4d>`: keyed HMAC, the same value gets the same pseudonym.
    Pseudonym,
    /// `*` for every character: keeps the layout, loses the value.
    Mask,
    /// `[HASH:<rule-id>:<16 hex>]`: the keyed fingerprint `scan` reports.
    Hash,
}

impl Style {
    pub fn parse(s: &str) -> Option<Style> {
        Some(match s {
            "placeholder" => Style::Placeholder,
            "pseudonym" => Style::Pseudonym,
            "mask" => Style::Mask,
            "hash" => Style::Hash,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Style::Placeholder => "placeholder",
            Style::Pseudonym => "pseudonym",
            Style::Mask => "mask",
            Style::Hash => "hash",
        }
    }
}

/// What an email pseudonym shows of the address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EmailDomain {
    /// `<email:1a2b3c4d>`
    #[default]
    Hide,
    /// `u-1a2b3c4d@acme.com`: the domain stays (lowercased), the local part
    /// becomes `u-` and the digest. The engine's email finder skips exactly
    /// this shape, so redacting again changes nothing.
    Keep,
}

impl EmailDomain {
    pub fn parse(s: &str) -> Option<EmailDomain> {
        match s {
            "hide" => Some(EmailDomain::Hide),
            "keep" => Some(EmailDomain::Keep),
            _ => None,
        }
    }
}

/// Where the domain of an email value starts (after `@` or `%40`), and the
/// separator used.
pub fn email_domain(value: &[u8]) -> Option<(usize, &'static str)> {
    if let Some(at) = memchr::memrchr(b'@', value) {
        return Some((at + 1, "@"));
    }
    let lower = value.to_ascii_lowercase();
    memchr::memmem::rfind(&lower, b"%40").map(|p| (p + 3, "%40"))
}

/// Normalizes a value before pseudonymizing so that trivially different
/// renderings of the same datum (case of an email, separators in a card or
/// phone number) map to the same pseudonym.
pub fn normalize(label: &str, value: &[u8]) -> Vec<u8> {
    match label {
        "email" => value.to_ascii_lowercase(),
        "card" | "phone" | "ssn" => value.iter().copied().filter(u8::is_ascii_digit).collect(),
        "iban" => value
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .map(|b| b.to_ascii_uppercase())
            .collect(),
        _ => value.to_vec(),
    }
}

/// Writes the replacement for `value` (a finding of `rule`) in `style`.
pub fn write_replacement(
    out: &mut dyn Write,
    style: Style,
    rule: &Rule,
    value: &[u8],
    key: &Key,
    tenant: &str,
) -> io::Result<()> {
    write_replacement_with(out, style, rule, value, key, tenant, EmailDomain::Hide).map(|_| ())
}

/// [`write_replacement`] with the email-domain option. For a pseudonym,
/// returns its 8-hex digest (what a [`RestoreMap`](crate::restore::RestoreMap)
/// records); `None` for the other styles.
pub fn write_replacement_with(
    out: &mut dyn Write,
    style: Style,
    rule: &Rule,
    value: &[u8],
    key: &Key,
    tenant: &str,
    email: EmailDomain,
) -> io::Result<Option<String>> {
    match style {
        Style::Placeholder => write!(out, "[REDACTED:{}]", rule.id()).map(|_| None),
        Style::Pseudonym => {
            let label = rule.pseudonym_label();
            let digest = key.pseudonym(tenant, label, &normalize(label, value));
            match email_domain(value).filter(|_| email == EmailDomain::Keep && label == "email") {
                Some((d, sep)) if d < value.len() => {
                    write!(out, "u-{digest}{sep}")?;
                    out.write_all(&value[d..].to_ascii_lowercase())?;
                }
                _ => write!(out, "<{label}:{digest}>")?,
            }
            Ok(Some(digest))
        }
        Style::Mask => {
            // One `*` per character (invalid UTF-8 bytes count as one each).
            let n = value.iter().filter(|&&b| (b & 0xC0) != 0x80).count().max(1);
            const STARS: &[u8] = &[b'*'; 64];
            let mut left = n;
            while left > 0 {
                let k = left.min(STARS.len());
                out.write_all(&STARS[..k])?;
                left -= k;
            }
            Ok(None)
        }
        Style::Hash => write!(
            out,
            "[HASH:{}:{}]",
            rule.id(),
            key.fingerprint(rule.id(), value)
        )
        .map(|_| None),
    }
}

/// Default style for a category: secrets become placeholders, PII pseudonyms.
pub fn default_style(category: Category) -> Style {
    match category {
        Category::Secret => Style::Placeholder,
        Category::Pii => Style::Pseudonym,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        assert_eq!(normalize("email", b"Bob@X.com"), b"bob@x.com");
        assert_eq!(
            normalize("card", b"4111 1111-1111 1111"),
            b"4111111111111111"
        );
        assert_eq!(normalize("iban", b"gb82 west 1234"), b"GB82WEST1234");
        assert_eq!(normalize("secret", b"AbC"), b"AbC");
    }

    #[test]
    fn parse_names() {
        for s in ["placeholder", "pseudonym", "mask", "hash"] {
            assert_eq!(Style::parse(s).unwrap().as_str(), s);
        }
        assert!(Style::parse("nope").is_none());
    }
}
