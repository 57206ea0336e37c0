//! Candidate finders for rules with no literal to prefilter on: emails (anchored
//! on `@` with memchr), and digit-run based finders for cards, phones, IBANs,
//! SSNs and IP addresses. Each finder pushes `(start, end)` spans of candidates
//! that already passed its structural checks; the rule's validator and the
//! placeholder filter run afterwards in the scan loop.

mod card;
mod digits;
mod email;
mod fused;
mod iban;
mod ip;
mod phone;
mod ssn;

pub use fused::{find_fused, fused_index};

/// The built-in finders, named in rule files by `finder = "…"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinderKind {
    Email,
    Card,
    Phone,
    Iban,
    Ssn,
    Ipv4,
    Ipv6,
    /// Never run by the engine: findings of such a rule come from an
    /// [`Extension`](crate::Extension) (registered secrets, canaries, key-name
    /// context), which needs the rule only for its id, category and severity.
    External,
}

impl FinderKind {
    pub fn parse(s: &str) -> Option<FinderKind> {
        Some(match s {
            "email" => FinderKind::Email,
            "card" => FinderKind::Card,
            "phone" => FinderKind::Phone,
            "iban" => FinderKind::Iban,
            "ssn" => FinderKind::Ssn,
            "ipv4" => FinderKind::Ipv4,
            "ipv6" => FinderKind::Ipv6,
            "external" => FinderKind::External,
            _ => return None,
        })
    }
}

/// Runs one finder over `hay`, appending candidate spans to `out`.
pub fn find(kind: FinderKind, hay: &[u8], out: &mut Vec<(usize, usize)>) {
    match kind {
        FinderKind::Email => email::find(hay, out),
        FinderKind::Card => card::find(hay, out),
        FinderKind::Phone => phone::find(hay, out),
        FinderKind::Iban => iban::find(hay, out),
        FinderKind::Ssn => ssn::find(hay, out),
        FinderKind::Ipv4 => ip::find_v4(hay, out),
        FinderKind::Ipv6 => ip::find_v6(hay, out),
        FinderKind::External => {}
    }
}

/// Case-insensitive search for any of `words` in `hay[lo..hi]` (clamped):
/// the "context" check several finders use (`ssn`, `card`, `phone` …).
pub(crate) fn context_has(hay: &[u8], lo: usize, hi: usize, words: &[&[u8]]) -> bool {
    let hi = hi.min(hay.len());
    let lo = lo.min(hi);
    let w = &hay[lo..hi];
    words
        .iter()
        .any(|word| w.windows(word.len()).any(|x| x.eq_ignore_ascii_case(word)))
}

/// Test helper: the texts of the spans a finder reports in `s`.
#[cfg(test)]
pub(crate) fn spans_of(find: fn(&[u8], &mut Vec<(usize, usize)>), s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    find(s.as_bytes(), &mut out);
    out.iter().map(|&(a, b)| &s[a..b]).collect()
}
