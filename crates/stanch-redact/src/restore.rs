//! Putting originals back: a [`RestoreMap`] records, for one scope (one
//! request, one stream), which original each pseudonym stood for, and
//! replaces recorded pseudonyms in text coming back (a model's answer).
//!
//! The redactor records while it writes
//! ([`Redactor::redact_recording`](crate::Redactor::redact_recording)); only
//! pseudonyms can be restored, placeholders and masks carry no digest.
//! Originals live in memory only, zeroed on drop; `Debug` shows a count.
//!
//! Restoring parses the two pseudonym shapes stanch writes, `<label:8hex>`
//! and the kept-domain email `u-8hex@domain` (or `u-8hex%40domain`), and
//! looks each up in a hash map: one pass, no automaton to rebuild when the
//! map grows. Unknown pseudonyms are left as they are. [`Restorer`] does the
//! same over chunks (SSE deltas), holding back only a tail as long as the
//! longest pseudonym, so one split across chunks is still restored.

use std::borrow::Cow;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// Longest label in `<label:8hex>`.
const MAX_LABEL: usize = 32;
/// Longest domain in `u-8hex@domain`.
const MAX_DOMAIN: usize = 253;
/// Longest pseudonym plus the two bytes after it (to know where a domain ends).
const MAX_SPAN: usize = 2 + 8 + 3 + MAX_DOMAIN + 2;
/// Bytes before a pseudonym needed to know where it starts.
const LEFT: usize = 1;

/// Pseudonym → original, for one scope. In memory only.
#[derive(Default)]
pub struct RestoreMap {
    entries: HashMap<(Box<str>, u32), Zeroizing<Vec<u8>>>,
    collisions: usize,
}

impl std::fmt::Debug for RestoreMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestoreMap")
            .field("entries", &self.entries.len())
            .field("collisions", &self.collisions)
            .finish()
    }
}

fn parse_hex8(h: &[u8]) -> Option<u32> {
    if h.len() != 8
        || !h
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
}

fn is_label(l: &[u8]) -> bool {
    (1..=MAX_LABEL).contains(&l.len()) && l.iter().all(|b| b.is_ascii_lowercase() || *b == b'-')
}

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

impl RestoreMap {
    pub fn new() -> RestoreMap {
        RestoreMap::default()
    }

    /// Number of recorded pseudonyms.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Pseudonyms whose digest was already recorded for a different
    /// original (32-bit digests collide rarely); the first original wins.
    pub fn collisions(&self) -> usize {
        self.collisions
    }

    /// Forgets every original (zeroing them).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.collisions = 0;
    }

    /// Records that `<label:digest>` stands for `original`. Returns false
    /// (recording nothing) for a malformed label or digest, or when the
    /// pseudonym is already recorded for another original.
    pub fn record(&mut self, label: &str, digest: &str, original: &[u8]) -> bool {
        let Some(d) = parse_hex8(digest.as_bytes()) else {
            return false;
        };
        if !is_label(label.as_bytes()) {
            return false;
        }
        match self.entries.get(&(Box::from(label), d)) {
            Some(v) if v.as_slice() == original => true,
            Some(_) => {
                self.collisions += 1;
                false
            }
            None => {
                self.entries
                    .insert((label.into(), d), Zeroizing::new(original.to_vec()));
                true
            }
        }
    }

    fn get(&self, label: &[u8], digest: u32) -> Option<&[u8]> {
        let label = std::str::from_utf8(label).ok()?;
        self.entries
            .get(&(Box::from(label), digest))
            .map(|v| v.as_slice())
    }

    /// `text` with every recorded pseudonym replaced by its original;
    /// borrowed when there is none.
    pub fn restore<'a>(&self, text: &'a [u8]) -> Cow<'a, [u8]> {
        if self.entries.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = Vec::new();
        let (end, replaced) = self.restore_into(text, 0, text.len(), true, &mut out);
        if !replaced {
            return Cow::Borrowed(text);
        }
        out.extend_from_slice(&text[end..]);
        Cow::Owned(out)
    }

    /// A streaming restorer over this map.
    pub fn restorer(&self) -> Restorer<'_> {
        Restorer {
            map: self,
            buf: Vec::new(),
            ctx: 0,
        }
    }

    /// The pseudonym starting at `p` (a `<` or the `u` of `u-`), if recorded:
    /// (its end, the original). Needs `text` to reach `MAX_SPAN` past `p`
    /// unless `at_end`.
    fn match_at(&self, text: &[u8], p: usize, at_end: bool) -> Option<(usize, &[u8])> {
        if text[p] == b'<' {
            let body = &text[p + 1..text.len().min(p + 2 + MAX_LABEL + 10)];
            let colon = memchr::memchr(b':', body)?;
            let hex = body.get(colon + 1..colon + 9)?;
            if body.get(colon + 9) != Some(&b'>') || !is_label(&body[..colon]) {
                return None;
            }
            let orig = self.get(&body[..colon], parse_hex8(hex)?)?;
            return Some((p + 1 + colon + 10, orig));
        }
        // u-8hex@domain: `u` must start the local part.
        if p > 0 && is_local(text[p - 1]) {
            return None;
        }
        let digest = parse_hex8(text.get(p + 2..p + 10)?)?;
        let rest = &text[p + 10..];
        let sep = if rest.first() == Some(&b'@') {
            1
        } else if rest.len() >= 3 && rest[..3].eq_ignore_ascii_case(b"%40") {
            3
        } else {
            return None;
        };
        let orig = self.get(b"email", digest)?;
        let (d, _) = crate::style::email_domain(orig)?;
        let domain = &orig[d..];
        if domain.is_empty() || domain.len() > MAX_DOMAIN {
            return None;
        }
        let d0 = p + 10 + sep;
        let here = text.get(d0..d0 + domain.len())?;
        if !here.eq_ignore_ascii_case(domain) {
            return None;
        }
        let end = d0 + domain.len();
        // The domain must end here (not `acme.com.evil.io`); a sentence's
        // full stop may follow it.
        let longer = match (text.get(end), text.get(end + 1)) {
            (None, _) => !at_end,
            (Some(b'.'), None) => !at_end,
            (Some(b'.'), Some(&c)) => is_domain(c),
            (Some(&b), _) => is_domain(b),
        };
        (!longer).then_some((end, orig))
    }

    /// Restores pseudonyms starting in `text[from..until]`, appending
    /// `text[from..end]` restored to `out`; returns `end` (≥ `until` when a
    /// pseudonym runs past it) and whether anything was replaced.
    fn restore_into(
        &self,
        text: &[u8],
        from: usize,
        until: usize,
        at_end: bool,
        out: &mut Vec<u8>,
    ) -> (usize, bool) {
        let mut copied = from;
        let mut replaced = false;
        let mut pos = from;
        while pos < until {
            // A pseudonym starts at `<`, or at the `u` before a `-`.
            let lim = (until + 1).min(text.len());
            let Some(k) = memchr::memchr2(b'<', b'-', &text[pos..lim]) else {
                break;
            };
            let q = pos + k;
            let start = match text[q] {
                b'<' => q,
                _ if q > 0 && text[q - 1] == b'u' => q - 1,
                _ => {
                    pos = q + 1;
                    continue;
                }
            };
            if start < copied || start >= until {
                pos = q + 1;
                continue;
            }
            match self.match_at(text, start, at_end) {
                Some((end, orig)) => {
                    out.extend_from_slice(&text[copied..start]);
                    out.extend_from_slice(orig);
                    copied = end;
                    pos = end;
                    replaced = true;
                }
                None => pos = q + 1,
            }
        }
        let end = copied.max(until);
        out.extend_from_slice(&text[copied..end]);
        (end, replaced)
    }
}

/// Restores a stream chunk by chunk. Holds back at most the longest
/// pseudonym's length, so one split across chunks is still restored;
/// [`finish`](Restorer::finish) flushes the rest.
pub struct Restorer<'a> {
    map: &'a RestoreMap,
    /// Unwritten input, after `ctx` bytes of already written context.
    buf: Vec<u8>,
    ctx: usize,
}

impl std::fmt::Debug for Restorer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Restorer")
            .field("map", self.map)
            .field("held", &(self.buf.len() - self.ctx))
            .finish()
    }
}

impl Restorer<'_> {
    /// Takes the next chunk; appends what can already be restored to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        self.buf.extend_from_slice(chunk);
        let until = self.buf.len().saturating_sub(MAX_SPAN);
        if until <= self.ctx {
            return;
        }
        let (end, _) = self
            .map
            .restore_into(&self.buf, self.ctx, until, false, out);
        let keep_from = end.saturating_sub(LEFT);
        self.buf.drain(..keep_from);
        self.ctx = end - keep_from;
    }

    /// Restores and appends everything held back.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let len = self.buf.len();
        self.map.restore_into(&self.buf, self.ctx, len, true, out);
        self.buf.clear();
        self.ctx = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> RestoreMap {
        let mut m = RestoreMap::new();
        assert!(m.record("email", "1a2b3c4d", b"Bob.Lee@Acme.io"));
        assert!(m.record("phone", "00ff00ff", b"+1 415 555 0100"));
        m
    }

    fn restore(m: &RestoreMap, s: &str) -> String {
        String::from_utf8(m.restore(s.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn restores_both_shapes_and_leaves_unknown_ones() {
        let m = map();
        assert_eq!(
            restore(&m, "mail <email:1a2b3c4d>, call <phone:00ff00ff>."),
            "mail Bob.Lee@Acme.io, call +1 415 555 0100."
        );
        assert_eq!(restore(&m, "to u-1a2b3c4d@acme.io."), "to Bob.Lee@Acme.io.");
        assert_eq!(
            restore(&m, "q=u-1a2b3c4d%40acme.io&x"),
            "q=Bob.Lee@Acme.io&x"
        );
        for s in [
            "<email:deadbeef> <ssn:1a2b3c4d> <email:1a2b3c4> <Email:1a2b3c4d>",
            "u-1a2b3c4d@other.io xu-1a2b3c4d@acme.io u-1a2b3c4d@acme.io.evil.com",
            "u-1a2b3c4d u-1a2b3c4d@ <email:1a2b3c4d <",
        ] {
            assert_eq!(restore(&m, s), s);
            assert!(matches!(m.restore(s.as_bytes()), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn record_rejects_malformed_and_counts_collisions() {
        let mut m = map();
        assert!(!m.record("email", "1A2B3C4D", b"x"));
        assert!(!m.record("e mail", "1a2b3c4d", b"x"));
        assert!(m.record("email", "1a2b3c4d", b"Bob.Lee@Acme.io"));
        assert!(!m.record("email", "1a2b3c4d", b"someone@else.io"));
        assert_eq!((m.len(), m.collisions()), (2, 1));
        assert_eq!(restore(&m, "<email:1a2b3c4d>"), "Bob.Lee@Acme.io");
        m.clear();
        assert!(m.is_empty());
    }

    #[test]
    fn debug_shows_counts_only() {
        let m = map();
        let d = format!("{m:?} {:?}", m.restorer());
        assert!(!d.contains("Bob") && !d.contains("415"), "{d}");
        assert!(d.contains("entries: 2"), "{d}");
    }

    #[test]
    fn streaming_equals_whole_for_every_split() {
        let m = map();
        let text = "a <email:1a2b3c4d> b u-1a2b3c4d@acme.io c <phone:00ff00ff>".repeat(3);
        let whole = m.restore(text.as_bytes()).into_owned();
        for step in 1..text.len() {
            let mut r = m.restorer();
            let mut out = Vec::new();
            for c in text.as_bytes().chunks(step) {
                r.push(c, &mut out);
            }
            r.finish(&mut out);
            assert_eq!(out, whole, "step {step}");
        }
        // Long input: only a bounded tail is held back.
        let long = "x".repeat(10_000) + "<email:1a2b3c4d>";
        let mut r = m.restorer();
        let mut out = Vec::new();
        r.push(long.as_bytes(), &mut out);
        assert!(out.len() >= long.len() - MAX_SPAN - 1);
        r.finish(&mut out);
        assert!(out.ends_with(b"Bob.Lee@Acme.io"));
    }
}
