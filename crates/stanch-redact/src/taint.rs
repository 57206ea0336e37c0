//! Registered secrets ("taint"): exact values the user says must never
//! leave (their real keys, canary tokens), caught in any common encoding
//! even where no rule would fire.
//!
//! How the pieces connect: [`load`] turns environment variables and taint
//! files into [`TaintValue`]s; a [`TaintBuilder`] collects values tagged
//! with a [`TaintKind`]; [`TaintBuilder::build`] expands each value into its
//! encoded forms ([`encode`]: raw, base64 at all three byte alignments in
//! both alphabets, hex, percent-encoding, JSON escaping), dedupes them and
//! compiles one Aho-Corasick automaton over all of them. The resulting
//! [`TaintSet`] is an engine [`Extension`]: attach it with
//! `db.with_extension(Arc::new(set))` and every scan (redact, scan,
//! streaming) reports its matches as `registered-secret` or `canary-token`.
//!
//! Values live only in memory, in zeroized buffers; the encoded forms are
//! dropped (and zeroized) once the automaton is built. Nothing here prints a
//! value: `Debug` shows counts, warnings name the origin only.

pub mod encode;
pub mod load;

use aho_corasick::{AhoCorasick, MatchKind};
use encode::{Encoding, B64_STD, B64_URL};
use stanch_engine::{Extension, Finding, RuleDb, RuleId, Scratch};
use std::fmt;
use zeroize::Zeroizing;

pub use load::{from_env_globs, parse_taint_file, TaintValue};

/// Values shorter than this are refused: they would match everywhere.
pub const MIN_LEN: usize = 8;

/// Values longer than this are refused: every value's encoded forms widen
/// the overlap a stream keeps between chunks.
pub const MAX_LEN: usize = 16 * 1024;

/// How far a base64 match is widened on each side to cover the whole
/// encoded string. Longer runs are redacted in pieces of at most
/// [`TaintSet::max_window`] bytes.
pub const RUN_CAP: usize = 32 * 1024;

/// Rule id of registered secrets.
pub const REGISTERED_RULE: &str = "registered-secret";
/// Rule id of canary tokens.
pub const CANARY_RULE: &str = "canary-token";

/// What a registered value is, and so which rule reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaintKind {
    /// A real secret (`--taint-env`, `--taint-file`): `registered-secret`.
    Registered,
    /// A planted honeytoken (`stanch canary new`): `canary-token`.
    Canary,
}

impl TaintKind {
    pub fn rule_id(self) -> &'static str {
        match self {
            TaintKind::Registered => REGISTERED_RULE,
            TaintKind::Canary => CANARY_RULE,
        }
    }
}

/// A problem with one registered value, named by its origin (never its value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaintWarning {
    /// Where the value came from: `$NAME`, `file:line`.
    pub origin: String,
    pub message: String,
}

impl fmt::Display for TaintWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// The automaton could not be built (only past aho-corasick's size limits).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the registered-secret matcher: {0}")]
pub struct TaintError(String);

struct Entry {
    value: Zeroizing<Vec<u8>>,
    origin: String,
    kind: TaintKind,
}

/// Collects values before [`build`](Self::build). `Debug` shows counts only.
#[derive(Default)]
pub struct TaintBuilder {
    entries: Vec<Entry>,
}

impl fmt::Debug for TaintBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaintBuilder")
            .field("values", &self.entries.len())
            .finish()
    }
}

impl TaintBuilder {
    pub fn new() -> TaintBuilder {
        TaintBuilder::default()
    }

    /// Adds a value; `origin` names it in warnings (`$AWS_SECRET_ACCESS_KEY`,
    /// `secrets.env:3`). Empty values are skipped; short ones are refused
    /// with a warning at build time.
    pub fn add(
        &mut self,
        value: Zeroizing<Vec<u8>>,
        origin: &str,
        kind: TaintKind,
    ) -> &mut TaintBuilder {
        if !value.is_empty() {
            self.entries.push(Entry {
                value,
                origin: origin.to_string(),
                kind,
            });
        }
        self
    }

    /// Adds every loaded value.
    pub fn extend(
        &mut self,
        values: impl IntoIterator<Item = TaintValue>,
        kind: TaintKind,
    ) -> &mut TaintBuilder {
        for v in values {
            self.add(v.value, &v.origin, kind);
        }
        self
    }

    /// Number of values added (empty ones excluded).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Expands every value into its encoded forms and compiles the matcher.
    /// Warns (by origin) about values shorter than [`MIN_LEN`] or longer
    /// than [`MAX_LEN`] and about
    /// values whose rule is not in `db` (disabled); those are left out.
    pub fn build(self, db: &RuleDb) -> Result<(TaintSet, Vec<TaintWarning>), TaintError> {
        let mut warnings = Vec::new();
        let mut needles: Vec<(Zeroizing<Vec<u8>>, Meta)> = Vec::new();
        let mut forms = Vec::new();
        let mut values = 0;
        let mut multiline = Vec::new();
        for e in &self.entries {
            if e.value.len() < MIN_LEN {
                warnings.push(TaintWarning {
                    origin: e.origin.clone(),
                    message: format!(
                        "value is shorter than {MIN_LEN} bytes ({} bytes); not registered",
                        e.value.len()
                    ),
                });
                continue;
            }
            if e.value.len() > MAX_LEN {
                warnings.push(TaintWarning {
                    origin: e.origin.clone(),
                    message: format!(
                        "value is longer than {MAX_LEN} bytes ({} bytes); not registered",
                        e.value.len()
                    ),
                });
                continue;
            }
            if db.lookup(e.kind.rule_id()).is_none() {
                warnings.push(TaintWarning {
                    origin: e.origin.clone(),
                    message: format!("rule `{}` is disabled; not registered", e.kind.rule_id()),
                });
                continue;
            }
            values += 1;
            if e.value.contains(&b'\n') {
                multiline.push(Zeroizing::new(e.value.to_vec()));
            }
            forms.clear();
            encode::needles(&e.value, &mut forms);
            let canary = e.kind == TaintKind::Canary;
            needles.extend(forms.drain(..).map(|(n, enc)| (n, Meta { enc, canary })));
        }
        // Dedupe identical needles (sorting moves the buffers, never copies
        // their contents), merging what each one means.
        needles.sort_unstable_by(|a, b| a.0[..].cmp(&b.0[..]));
        needles.dedup_by(|later, kept| {
            if later.0[..] != kept.0[..] {
                return false;
            }
            kept.1 = kept.1.merge(later.1);
            true
        });
        let longest = needles.iter().map(|n| n.0.len()).max().unwrap_or(0);
        let ac = if needles.is_empty() {
            None
        } else {
            // Overlapping search (standard semantics) so a needle is never
            // hidden by another that overlaps it.
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(needles.iter().map(|n| &n.0[..]))
                .map_err(|e| TaintError(e.to_string()))?;
            Some(ac)
        };
        let meta = needles.iter().map(|n| n.1).collect();
        // `needles` is dropped here: every encoded form is zeroized.
        drop(needles);
        let set = TaintSet {
            ac,
            meta,
            values,
            max_span: if longest == 0 {
                0
            } else {
                longest + 2 * RUN_CAP + 2
            },
            multiline,
        };
        Ok((set, warnings))
    }
}

/// What one needle stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Meta {
    enc: Encoding,
    canary: bool,
}

impl Meta {
    fn merge(self, other: Meta) -> Meta {
        let enc = match (self.enc, other.enc) {
            (Encoding::Base64(a), Encoding::Base64(b)) => Encoding::Base64(a | b),
            (b @ Encoding::Base64(_), _) | (_, b @ Encoding::Base64(_)) => b,
            (a, b) => a.min(b),
        };
        Meta {
            enc,
            canary: self.canary || other.canary,
        }
    }
}

/// Registered values compiled into one matcher: an engine [`Extension`].
///
/// The matcher holds its own copies of the encoded forms, inside
/// aho-corasick's automaton; those cannot be zeroized when the set is
/// dropped. Nothing else keeps them: the builder's buffers are zeroized as
/// soon as the automaton is built, and the set stores only per-needle
/// metadata.
pub struct TaintSet {
    ac: Option<AhoCorasick>,
    meta: Vec<Meta>,
    values: usize,
    max_span: usize,
    /// Raw values with a line end: a stream must not hand on their first
    /// lines before the rest has arrived (see [`Extension::hold_from`]).
    multiline: Vec<Zeroizing<Vec<u8>>>,
}

impl fmt::Debug for TaintSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaintSet")
            .field("values", &self.values)
            .field("needles", &self.meta.len())
            .finish()
    }
}

impl TaintSet {
    /// Values registered (after refusals).
    pub fn values(&self) -> usize {
        self.values
    }

    /// Distinct encoded forms searched for.
    pub fn needles(&self) -> usize {
        self.meta.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values == 0
    }
}

fn is_b64(c: u8, flags: u8) -> bool {
    c.is_ascii_alphanumeric()
        || (flags & B64_STD != 0 && (c == b'+' || c == b'/'))
        || (flags & B64_URL != 0 && (c == b'-' || c == b'_'))
}

/// Widens a base64 match to the surrounding run of base64 characters (of
/// the needle's alphabets) and its `=` padding, at most [`RUN_CAP`] bytes
/// each side and never left of `floor`.
fn widen(hay: &[u8], s: usize, e: usize, flags: u8, floor: usize) -> (usize, usize) {
    let mut left = s;
    while left > floor && s - left < RUN_CAP && is_b64(hay[left - 1], flags) {
        left -= 1;
    }
    let mut right = e;
    while right < hay.len() && right - e < RUN_CAP && is_b64(hay[right], flags) {
        right += 1;
    }
    let mut pad = 0;
    while pad < 2 && right < hay.len() && hay[right] == b'=' {
        right += 1;
        pad += 1;
    }
    (left, right)
}

/// A finding under construction: overlapping matches merge into one span of
/// at most `max_span` bytes. Emitted findings never overlap, so a long run
/// of matches cannot chain into one unbounded span.
struct Pending {
    start: usize,
    end: usize,
    canary: bool,
}

impl Extension for TaintSet {
    fn find(&self, db: &RuleDb, hay: &[u8], _: &mut Scratch, out: &mut Vec<Finding>) {
        let Some(ac) = &self.ac else { return };
        let reg = db.lookup(REGISTERED_RULE);
        let can = db.lookup(CANARY_RULE);
        let rule_of = |canary: bool| -> Option<RuleId> {
            if canary {
                can.or(reg)
            } else {
                reg
            }
        };
        let mut emit = |start: usize, end: usize, canary: bool| {
            if let Some(rule) = rule_of(canary) {
                out.push(Finding { start, end, rule });
            }
        };
        let mut cur: Option<Pending> = None;
        // Findings emitted so far end at or before `floor`.
        let mut floor = 0usize;
        // The last base64 run widened, reused while matches stay inside it
        // (keeps widening linear on a long run of matches).
        let mut run: Option<(usize, usize, u8)> = None;
        for m in ac.find_overlapping_iter(hay) {
            let meta = self.meta[m.pattern().as_usize()];
            let (mut s, mut e) = (m.start(), m.end());
            if let Encoding::Base64(flags) = meta.enc {
                (s, e) = match run {
                    Some((rs, re, f)) if f == flags && rs <= s && e <= re => (rs, re),
                    _ => {
                        let (rs, re) = widen(hay, s, e, flags, floor);
                        run = Some((rs, re, flags));
                        (rs, re)
                    }
                };
            }
            let s = s.max(floor);
            if e <= s {
                continue;
            }
            match &mut cur {
                Some(c) if s < c.end => {
                    let (ns, ne) = (c.start.min(s), c.end.max(e));
                    if ne - ns <= self.max_span {
                        (c.start, c.end) = (ns, ne);
                        c.canary |= meta.canary;
                    } else {
                        // Too long to merge: emit the parts that stick out
                        // as their own (adjacent) findings.
                        if s < c.start {
                            emit(s, c.start, meta.canary);
                        }
                        if e > c.end {
                            emit(c.start, c.end, c.canary);
                            floor = c.end;
                            *c = Pending {
                                start: c.end,
                                end: e,
                                canary: meta.canary,
                            };
                        }
                    }
                }
                _ => {
                    if let Some(c) = cur.take() {
                        emit(c.start, c.end, c.canary);
                        floor = c.end;
                    }
                    cur = Some(Pending {
                        start: s.max(floor),
                        end: e,
                        canary: meta.canary,
                    });
                }
            }
        }
        if let Some(c) = cur {
            emit(c.start, c.end, c.canary);
        }
    }

    fn max_window(&self) -> usize {
        self.max_span
    }

    /// The earliest start of a multi-line value's beginning at the very end
    /// of `hay` (`hay[p..]` a proper prefix of the value, across a line end).
    fn hold_from(&self, hay: &[u8]) -> Option<usize> {
        let mut hold: Option<usize> = None;
        for v in &self.multiline {
            let tail = hay.len().saturating_sub(v.len() - 1);
            for p in memchr::memchr_iter(v[0], &hay[tail..]).map(|q| tail + q) {
                if hold.is_some_and(|h| h <= p) {
                    break;
                }
                let have = &hay[p..];
                if v.starts_with(have) && have.contains(&b'\n') {
                    hold = Some(p);
                    break;
                }
            }
        }
        hold
    }
}

#[cfg(test)]
mod tests;
