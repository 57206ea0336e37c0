//! Canary tokens (honeytokens): realistic-looking credentials that are never
//! used for anything, planted where a leak would pick them up. Any sighting
//! is proof of a leak. They are registered in the taint machinery
//! ([`crate::taint`]) as `canary-token` (critical), so they are found in
//! every encoding registered secrets are.
//!
//! This module mints tokens and reads and writes the canary file; the CLI
//! (`stanch canary new|list`) does the file I/O.
//!
//! ## Canary file
//!
//! TOML, one `[[canary]]` table per minted canary, appended in order:
//!
//! ```toml
//! [[canary]]
//! kind = "github"                   # aws | github | slack | stripe | generic
//! created = "2024-05-01T12:00:00Z"  # RFC 3339, UTC
//! note = "planted in the CI secrets of repo X"
//! values = ["ghp_…"]                # every value that must never be seen
//! ```
//!
//! An `aws` canary has two values: the access key id and the secret key.
//! The file holds the tokens themselves, so it is written with mode 0600.

use crate::taint::{TaintBuilder, TaintKind};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::SystemTime;
use zeroize::Zeroizing;

/// Header written at the top of a new canary file.
pub const FILE_HEADER: &str =
    "# stanch canary tokens (honeytokens), minted by `stanch canary new`.\n\
# Plant them where a leak would pick them up; any sighting is a leak.\n\
# Keep this file private (mode 0600): it holds the tokens.\n";

/// Which provider a canary imitates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CanaryKind {
    /// `AKIA…` access key id plus a 40-character secret access key.
    Aws,
    /// `ghp_` + 30 base62 characters + a 6-character CRC32 checksum.
    Github,
    /// `xoxb-<digits>-<digits>-<24 alphanumerics>`.
    Slack,
    /// `sk_live_` + 32 alphanumerics.
    Stripe,
    /// `sat_` + 40 URL-safe characters.
    Generic,
}

impl CanaryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CanaryKind::Aws => "aws",
            CanaryKind::Github => "github",
            CanaryKind::Slack => "slack",
            CanaryKind::Stripe => "stripe",
            CanaryKind::Generic => "generic",
        }
    }
}

impl fmt::Display for CanaryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One minted canary. `Debug` never shows the values.
#[derive(Clone)]
pub struct CanaryRecord {
    pub kind: CanaryKind,
    /// RFC 3339, UTC.
    pub created: String,
    pub note: String,
    pub values: Vec<Zeroizing<String>>,
}

impl fmt::Debug for CanaryRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CanaryRecord")
            .field("kind", &self.kind)
            .field("created", &self.created)
            .field("note", &self.note)
            .field("values", &self.values.len())
            .finish()
    }
}

/// A canary file that cannot be used. The message never quotes a value.
#[derive(Debug, thiserror::Error)]
pub enum CanaryError {
    #[error("{file}:{line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}: canary #{index} has no values")]
    NoValues { file: String, index: usize },
    #[error("cannot write a canary record: {0}")]
    Write(String),
    #[error("no system randomness: {0}")]
    Random(String),
}

const UPPER32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGITS: &[u8] = b"0123456789";

impl CanaryRecord {
    /// Mints a canary of `kind` from system randomness, stamped `now`.
    pub fn mint(
        kind: CanaryKind,
        note: &str,
        now: SystemTime,
    ) -> Result<CanaryRecord, CanaryError> {
        let mut err = None;
        let values = mint_with(kind, &mut |buf| {
            if let Err(e) = getrandom::fill(buf) {
                err = Some(e);
            }
        });
        if let Some(e) = err {
            return Err(CanaryError::Random(e.to_string()));
        }
        Ok(CanaryRecord {
            kind,
            created: humantime::format_rfc3339_seconds(now).to_string(),
            note: note.to_string(),
            values,
        })
    }

    /// The record as a `[[canary]]` TOML table, ready to append to a file.
    pub fn to_toml(&self) -> Result<Zeroizing<String>, CanaryError> {
        let file = RawFile {
            canary: vec![RawRecord {
                kind: self.kind,
                created: self.created.clone(),
                note: self.note.clone(),
                values: self.values.iter().map(|v| v.to_string()).collect(),
            }],
        };
        let text = toml::to_string(&file);
        for mut r in file.canary {
            r.values.iter_mut().for_each(zeroize::Zeroize::zeroize);
        }
        Ok(Zeroizing::new(
            text.map_err(|e| CanaryError::Write(e.to_string()))?,
        ))
    }
}

/// Token values for `kind`; `fill` supplies random bytes.
pub fn mint_with(kind: CanaryKind, fill: &mut dyn FnMut(&mut [u8])) -> Vec<Zeroizing<String>> {
    let mut v = Zeroizing::new(String::with_capacity(64));
    match kind {
        CanaryKind::Aws => {
            v.push_str("AKIA");
            random_chars(UPPER32, 16, fill, &mut v);
            let mut secret = Zeroizing::new(String::with_capacity(40));
            random_chars(BASE64, 40, fill, &mut secret);
            return vec![v, secret];
        }
        CanaryKind::Github => {
            v.push_str("ghp_");
            random_chars(BASE62, 30, fill, &mut v);
            let sum = crc32fast::hash(&v.as_bytes()[4..]);
            push_base62(sum, &mut v);
        }
        CanaryKind::Slack => {
            v.push_str("xoxb-");
            for len in [12, 13] {
                random_chars(b"123456789", 1, fill, &mut v);
                random_chars(DIGITS, len - 1, fill, &mut v);
                v.push('-');
            }
            random_chars(BASE62, 24, fill, &mut v);
        }
        CanaryKind::Stripe => {
            v.push_str("sk_live_");
            random_chars(BASE62, 32, fill, &mut v);
        }
        CanaryKind::Generic => {
            v.push_str("sat_");
            random_chars(URLSAFE, 40, fill, &mut v);
        }
    }
    vec![v]
}

/// `n` characters drawn uniformly from `alphabet` (rejection sampling, so
/// no character is more likely than another).
fn random_chars(alphabet: &[u8], n: usize, fill: &mut dyn FnMut(&mut [u8]), out: &mut String) {
    let limit = 256 - 256 % alphabet.len();
    let mut buf = Zeroizing::new([0u8; 64]);
    let mut left = n;
    while left > 0 {
        fill(&mut buf[..]);
        for &b in buf.iter() {
            if left > 0 && usize::from(b) < limit {
                out.push(char::from(alphabet[usize::from(b) % alphabet.len()]));
                left -= 1;
            }
        }
    }
}

/// GitHub's checksum suffix: the CRC32 in base62, zero-padded to 6 characters.
fn push_base62(mut n: u32, out: &mut String) {
    let mut digits = [b'0'; 6];
    for d in digits.iter_mut().rev() {
        *d = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.extend(digits.iter().map(|&c| char::from(c)));
}

/// True if a `ghp_` token's last 6 characters are the CRC32 checksum of
/// the 30 before them.
pub fn github_checksum_ok(token: &str) -> bool {
    let Some(body) = token.strip_prefix("ghp_") else {
        return false;
    };
    if body.len() != 36 || !body.is_ascii() {
        return false;
    }
    let mut want = String::new();
    push_base62(crc32fast::hash(&body.as_bytes()[..30]), &mut want);
    want == body[30..]
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    canary: Vec<RawRecord>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    kind: CanaryKind,
    created: String,
    #[serde(default)]
    note: String,
    values: Vec<String>,
}

/// Reads a canary file. Errors name the file and line, never a value.
pub fn parse_canary_file(name: &str, text: &str) -> Result<Vec<CanaryRecord>, CanaryError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| {
            text[..s.start.min(text.len())].matches('\n').count() + 1
        });
        // serde's type errors quote the offending string; say less.
        let m = e.message();
        let message = if m.contains('"') || m.contains('`') || m.contains('\'') {
            "invalid value or type (expected kind, created, note, values = [..])".to_string()
        } else {
            m.trim().to_string()
        };
        CanaryError::Parse {
            file: name.to_string(),
            line,
            message,
        }
    })?;
    let mut out = Vec::with_capacity(raw.canary.len());
    for (i, r) in raw.canary.into_iter().enumerate() {
        if r.values.iter().all(|v| v.is_empty()) {
            return Err(CanaryError::NoValues {
                file: name.to_string(),
                index: i + 1,
            });
        }
        out.push(CanaryRecord {
            kind: r.kind,
            created: r.created,
            note: r.note,
            values: r.values.into_iter().map(Zeroizing::new).collect(),
        });
    }
    Ok(out)
}

/// Registers every value of `records` as a canary; origins read
/// `name [[canary]] #N (kind)`.
pub fn register(builder: &mut TaintBuilder, name: &str, records: &[CanaryRecord]) {
    for (i, r) in records.iter().enumerate() {
        let origin = format!("{name} [[canary]] #{} ({})", i + 1, r.kind);
        for v in &r.values {
            let mut b = Zeroizing::new(Vec::with_capacity(v.len()));
            b.extend_from_slice(v.as_bytes());
            builder.add(b, &origin, TaintKind::Canary);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn all_kinds() -> [CanaryKind; 5] {
        [
            CanaryKind::Aws,
            CanaryKind::Github,
            CanaryKind::Slack,
            CanaryKind::Stripe,
            CanaryKind::Generic,
        ]
    }

    /// The rule the built-in pack assigns to a minted token, if any.
    fn rule_of(token: &str) -> Option<String> {
        let db = stanch_engine::pack::builtin().unwrap();
        let mut s = db.scratch();
        let mut out = Vec::new();
        let text = format!("value: {token}\n");
        db.scan(text.as_bytes(), &mut s, &mut out);
        out.first().map(|f| db.rule(f.rule).id().to_string())
    }

    #[test]
    fn minted_tokens_look_real() {
        let t = |k| {
            CanaryRecord::mint(k, "n", SystemTime::now())
                .unwrap()
                .values
        };
        let aws = t(CanaryKind::Aws);
        assert_eq!(aws.len(), 2);
        assert!(aws[0].starts_with("AKIA") && aws[0].len() == 20);
        assert_eq!(aws[1].len(), 40);
        assert_eq!(rule_of(&aws[0]).as_deref(), Some("aws-access-key-id"));
        let gh = &t(CanaryKind::Github)[0];
        assert_eq!(gh.len(), 40);
        assert!(github_checksum_ok(gh), "checksum");
        assert_eq!(rule_of(gh).as_deref(), Some("github-pat"));
        let slack = &t(CanaryKind::Slack)[0];
        assert!(slack.starts_with("xoxb-"));
        assert_eq!(rule_of(slack).as_deref(), Some("slack-bot-token"));
        let stripe = &t(CanaryKind::Stripe)[0];
        assert_eq!(rule_of(stripe).as_deref(), Some("stripe-secret-key"));
        let generic = &t(CanaryKind::Generic)[0];
        assert_eq!(generic.len(), 44);
        assert!(generic.starts_with("sat_"));
        // Two mints differ.
        assert_ne!(&t(CanaryKind::Generic)[0], generic);
    }

    #[test]
    fn github_checksum_matches_a_known_token() {
        // The published example of the format: CRC32 of the 30 entropy
        // characters in base62 (0-9A-Za-z), zero-padded to 6.
        let v = "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";
        assert!(github_checksum_ok(v));
        assert!(!github_checksum_ok(
            "ghp_zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0MlQ17"
        ));
        assert!(!github_checksum_ok(
            "ghp_aQWBuTSOoRi4A9spHcVY5ncnsDkxkJ0mLq17"
        ));
        let mut small = String::new();
        push_base62(61, &mut small);
        assert_eq!(small, "00000z");
    }

    #[test]
    fn uniform_alphabet_use() {
        // A counter as "randomness": every character appears.
        let mut n = 0u8;
        let mut fill = |b: &mut [u8]| {
            for x in b {
                *x = n;
                n = n.wrapping_add(1);
            }
        };
        let mut s = String::new();
        random_chars(UPPER32, 320, &mut fill, &mut s);
        for &c in UPPER32 {
            assert_eq!(s.bytes().filter(|&x| x == c).count(), 10);
        }
    }

    #[test]
    fn file_round_trip_and_debug() {
        let now = UNIX_EPOCH + Duration::from_secs(1_714_564_800);
        let mut text = FILE_HEADER.to_string();
        for k in all_kinds() {
            let r = CanaryRecord::mint(k, "planted \"here\"", now).unwrap();
            text.push('\n');
            text.push_str(&r.to_toml().unwrap());
        }
        let recs = parse_canary_file("c.toml", &text).unwrap();
        assert_eq!(recs.len(), 5);
        assert_eq!(recs[0].created, "2024-05-01T12:00:00Z");
        assert_eq!(recs[0].note, "planted \"here\"");
        assert_eq!(recs[0].values.len(), 2);
        let d = format!("{:?}", recs[1]);
        assert!(!d.contains("ghp_"), "{d}");
        let mut b = TaintBuilder::new();
        register(&mut b, "c.toml", &recs);
        assert_eq!(b.len(), 6);
    }

    #[test]
    fn errors_name_the_line_not_the_value() {
        let text = "[[canary]]\nkind = \"github\"\ncreated = \"x\"\nvalues = \"ghp_secretvalue\"\n";
        let e = parse_canary_file("c.toml", text).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:4: "), "{e}");
        assert!(!e.contains("ghp_secretvalue"), "{e}");
        let e = parse_canary_file("c.toml", "[[canary]]\nkind = \"nope\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.toml:2: "), "{e}");
        let e = parse_canary_file(
            "c.toml",
            "[[canary]]\nkind = \"aws\"\ncreated = \"x\"\nvalues = []\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(e, "c.toml: canary #1 has no values");
        assert!(parse_canary_file("c.toml", "").unwrap().is_empty());
    }
}
