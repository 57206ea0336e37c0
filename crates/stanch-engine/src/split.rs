//! Finding a rule's secret group without the capture engine.
//!
//! Most context rules end with their secret: `KEY SEP (?P<secret>VALUE)`,
//! perhaps followed by zero-width assertions (`\b`). Once the lazy DFAs have
//! found the whole match `s..e`, the group ends at `e` and only its start is
//! unknown. Asking the capture engine (a bounded backtracker over the
//! rule's whole NFA) for it cost about as much as finding the match, on text
//! dense with secrets.
//!
//! The start `g` of the group in the match the capture engine would report
//! satisfies, for the part before the group (`PREFIX`, which consumes at
//! least one byte) and the group (`VALUE`, likewise):
//! - `hay[g - 1]` is a byte a match of `PREFIX` can end with;
//! - `hay[g]` is a byte a match of `VALUE` can start with;
//! - every byte of `hay[g..e]` is one `VALUE` can consume, and `e - g` lies
//!   within `VALUE`'s length bounds;
//! - `g - s` is at least `PREFIX`'s minimum length.
//!
//! Those sets are computed from the pattern once, as supersets (assertions
//! are left out, Unicode classes beyond ASCII count as any byte), so the
//! true start always meets them. When exactly one position in the match
//! meets them, it is the start; otherwise the caller falls back to the
//! capture engine. A short tail after the group (a closing quote) is
//! handled the same way, each end it allows in turn.
//!
//! Many context rules put the group in a branch of an alternation whose
//! other branches consume a value without a finding
//! (`(?:(DENIED)|(?P<secret>…))`). There the shortcut also needs the match
//! to have gone through the group's branch: it holds when the pattern with
//! that branch taken out cannot match the same span, which an anchored DFA
//! with all-matches semantics tells (built once the rule is hot).
//!
//! Without branches to rule out, the match's start is not needed either: a
//! lower bound for it (where the search started) only widens the
//! candidates, so the scan skips the reverse search ([`SuffixGroup::unique_span`]).
//!
//! When several positions meet the byte sets (`Bearer%20` or `Bearer+`
//! before a token: `0` and `+` can end the part before the group and also
//! sit inside it), and the match's start is known, the part before the
//! group itself decides: an anchored DFA of it, run from the start, tells
//! where it can end ([`Prefix`]). The true start is among those ends, so
//! if only one candidate is, it is the start.
//!
//! (No crate offers this: regex-automata's capture engines all run the NFA.)

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use regex_automata::hybrid::dfa;
use regex_automata::{Anchored, Input, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind};

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn all() -> ByteSet {
        ByteSet([u64::MAX; 4])
    }

    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn insert_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.insert(b);
        }
    }

    #[inline]
    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] >> (b & 63) & 1 == 1
    }

    fn union(mut self, o: ByteSet) -> ByteSet {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a |= b;
        }
        self
    }

    fn of_class(c: &Class) -> ByteSet {
        let mut s = ByteSet::default();
        match c {
            Class::Bytes(c) => {
                for r in c.ranges() {
                    s.insert_range(r.start(), r.end());
                }
            }
            Class::Unicode(c) => {
                for r in c.ranges() {
                    if u32::from(r.end()) > 0x7F {
                        // UTF-8 lead and continuation bytes: any byte will do.
                        return ByteSet::all();
                    }
                    s.insert_range(r.start() as u8, r.end() as u8);
                }
            }
        }
        s
    }
}

/// The shape of a pattern whose secret group is its last part but for a
/// short tail (a closing quote, `@` and a host's first byte, assertions).
#[derive(Clone, Debug)]
pub(crate) struct SuffixGroup {
    /// Bytes a match of the part before the group can end with.
    last: ByteSet,
    /// Bytes a match of the group can start with, end with, and hold.
    first: ByteSet,
    value_last: ByteSet,
    body: ByteSet,
    /// Minimum length of the part before the group. When 0 (`\b` or `%XX`
    /// before a JWT), the match's own start is a candidate too, and the
    /// start must be known ([`SuffixGroup::needs_start`]).
    prefix_min: usize,
    /// Length bounds of the group's match (minimum at least 1).
    min: usize,
    max: Option<usize>,
    /// What follows the group, when it consumes bytes.
    tail: Option<Tail>,
    /// When the group lies in one branch of an alternation: the pattern
    /// with that branch taken out (see [`Others`]).
    others: Option<Others>,
    /// The part before the group, to choose among several candidate starts
    /// (no tail only).
    prefix: Option<Prefix>,
}

/// An anchored DFA with all-matches semantics of part of a pattern, built
/// once the rule has asked for it [`WarmDfa::WARM`] times (a rule that
/// rarely needs it does not pay the compile; until then, the capture engine
/// decides).
#[derive(Debug)]
struct WarmDfa {
    hir: Hir,
    uses: AtomicU32,
    dfa: OnceLock<Option<dfa::DFA>>,
    warm: u32,
}

impl WarmDfa {
    /// Uses before the DFA is built.
    const WARM: u32 = 64;

    fn new(hir: Hir) -> WarmDfa {
        WarmDfa {
            hir,
            uses: AtomicU32::new(0),
            dfa: OnceLock::new(),
            warm: Self::WARM,
        }
    }

    /// The DFA and the caller's cache for it, if built (this use may build
    /// it) and buildable.
    fn get<'c>(
        &self,
        cache: &'c mut Option<dfa::Cache>,
    ) -> Option<(&dfa::DFA, &'c mut dfa::Cache)> {
        let dfa = match self.dfa.get() {
            Some(d) => d,
            None => {
                if self.uses.fetch_add(1, Ordering::Relaxed) < self.warm {
                    return None;
                }
                self.dfa
                    .get_or_init(|| crate::db::forward_dfa(&self.hir, MatchKind::All).ok())
            }
        };
        let dfa = dfa.as_ref()?;
        Some((dfa, cache.get_or_insert_with(|| dfa.create_cache())))
    }
}

/// A clone builds its own DFA (a rule database's clone is compiled anew).
impl Clone for WarmDfa {
    fn clone(&self) -> WarmDfa {
        WarmDfa {
            warm: self.warm,
            ..WarmDfa::new(self.hir.clone())
        }
    }
}

/// The part of the pattern before the group: run from the match's start,
/// its DFA is in a match state at every position where that part can end.
#[derive(Clone, Debug)]
struct Prefix(WarmDfa);

impl Prefix {
    /// The one position in `cands` (increasing) where the part before the
    /// group, started at `s`, can end; `None` if none or several can, or the
    /// DFA is not built (yet) or gives up.
    fn only_end(
        &self,
        hay: &[u8],
        s: usize,
        cands: &[usize],
        cache: &mut Option<dfa::Cache>,
    ) -> Option<usize> {
        let (dfa, cache) = self.0.get(cache)?;
        let last = *cands.last()?;
        let input = Input::new(hay).span(s..hay.len()).anchored(Anchored::Yes);
        let mut sid = dfa.start_state_forward(cache, &input).ok()?;
        let mut found = None;
        let mut next = cands.iter().copied().peekable();
        // A match state is entered one byte after the match ends: after
        // `hay[p]`, it says the part can end at `p`.
        for (p, &b) in hay.iter().enumerate().take(last + 1).skip(s) {
            sid = dfa.next_state(cache, sid, b).ok()?;
            if sid.is_quit() {
                return None;
            }
            if sid.is_dead() {
                break;
            }
            while next.next_if(|&g| g < p).is_some() {}
            if next.peek() == Some(&p) && sid.is_match() {
                if found.is_some() {
                    return None;
                }
                found = Some(p);
            }
        }
        found
    }
}

/// The pattern without the group's branch. The match went through the
/// group's branch, and the shortcut applies, only if this pattern cannot
/// match the same span.
#[derive(Clone, Debug)]
struct Others(WarmDfa);

impl Others {
    /// True if no match of the other branches spans exactly `s..e`.
    fn ruled_out(&self, hay: &[u8], s: usize, e: usize, cache: &mut Option<dfa::Cache>) -> bool {
        let Some((dfa, cache)) = self.0.get(cache) else {
            return false;
        };
        let input = Input::new(hay).span(s..e).anchored(Anchored::Yes);
        // All-matches semantics: the longest end within `s..e`; `e` itself
        // only if some match of the other branches spans the whole match.
        match dfa.try_search_fwd(cache, &input) {
            Ok(Some(m)) => m.offset() != e,
            Ok(None) => true,
            Err(_) => false,
        }
    }
}

/// The part after the group: its byte sets and length bounds (at most
/// [`MAX_TAIL`] bytes).
#[derive(Clone, Debug)]
struct Tail {
    first: ByteSet,
    last: ByteSet,
    body: ByteSet,
    min: usize,
    max: usize,
}

/// Longest tail after the group the shortcut takes: each possible end of
/// the group is tried in turn.
const MAX_TAIL: usize = 8;

impl SuffixGroup {
    /// `Some` if `hir` is a concatenation holding capture group `group`,
    /// followed by at most [`MAX_TAIL`] bytes (or only assertions), and both
    /// the group and what comes before it consume at least one byte.
    pub(crate) fn new(hir: &Hir, group: usize) -> Option<SuffixGroup> {
        let HirKind::Concat(parts) = hir.kind() else {
            return None;
        };
        let is_group =
            |h: &Hir| matches!(h.kind(), HirKind::Capture(c) if c.index as usize == group);
        // The group is a part of the top-level concatenation, or a part of
        // one branch (itself a concatenation, or the group alone) of an
        // alternation that is.
        let (prefix, cap, after, others): (Vec<Hir>, &Hir, Vec<Hir>, Option<Hir>) =
            if let Some(i) = parts.iter().position(is_group) {
                (
                    parts[..i].to_vec(),
                    &parts[i],
                    parts[i + 1..].to_vec(),
                    None,
                )
            } else {
                let (i, j, branch) = parts.iter().enumerate().find_map(|(i, p)| {
                    let HirKind::Alternation(alts) = p.kind() else {
                        return None;
                    };
                    alts.iter().enumerate().find_map(|(j, b)| {
                        let inner: &[Hir] = match b.kind() {
                            HirKind::Concat(bs) => bs,
                            _ => std::slice::from_ref(b),
                        };
                        inner.iter().any(is_group).then_some((i, j, inner))
                    })
                })?;
                let HirKind::Alternation(alts) = parts[i].kind() else {
                    return None;
                };
                let k = branch.iter().position(is_group)?;
                let prefix = parts[..i].iter().chain(&branch[..k]).cloned().collect();
                let after = branch[k + 1..]
                    .iter()
                    .chain(&parts[i + 1..])
                    .cloned()
                    .collect();
                let rest: Vec<Hir> = alts
                    .iter()
                    .enumerate()
                    .filter(|&(n, _)| n != j)
                    .map(|(_, b)| b.clone())
                    .collect();
                let mut o: Vec<Hir> = parts[..i].to_vec();
                o.push(Hir::alternation(rest));
                o.extend(parts[i + 1..].iter().cloned());
                (prefix, &branch[k], after, Some(Hir::concat(o)))
            };
        let prefix_hir = Hir::concat(prefix.clone());
        let HirKind::Capture(cap) = cap.kind() else {
            return None;
        };
        let value = &*cap.sub;
        let (prefix, after) = (&prefix[..], &after[..]);
        let mut prefix_min = 0usize;
        for p in prefix {
            prefix_min = prefix_min.checked_add(p.properties().minimum_len()?)?;
        }
        let min = value.properties().minimum_len()?;
        if min == 0 {
            return None;
        }
        let tail = if after.iter().all(|h| matches!(h.kind(), HirKind::Look(_))) {
            None
        } else {
            let (mut tmin, mut tmax) = (0usize, 0usize);
            for p in after {
                tmin = tmin.checked_add(p.properties().minimum_len()?)?;
                tmax = tmax.checked_add(p.properties().maximum_len()?)?;
            }
            if tmax > MAX_TAIL {
                return None;
            }
            Some(Tail {
                first: edge_of_concat(after, End::First),
                last: edge_of_concat(after, End::Last),
                body: after
                    .iter()
                    .map(body)
                    .fold(ByteSet::default(), ByteSet::union),
                min: tmin,
                max: tmax,
            })
        };
        let has_tail = tail.is_some();
        Some(SuffixGroup {
            last: edge_of_concat(prefix, End::Last),
            first: edge(value, End::First),
            value_last: edge(value, End::Last),
            body: body(value),
            prefix_min,
            min,
            max: value.properties().maximum_len(),
            tail,
            others: others.map(|hir| Others(WarmDfa::new(hir))),
            prefix: (!has_tail).then(|| Prefix(WarmDfa::new(prefix_hir))),
        })
    }

    /// Test aid: the other branches' DFA is used from the first match on.
    #[cfg(test)]
    pub(crate) fn hot(mut self) -> SuffixGroup {
        if let Some(o) = &mut self.others {
            o.0.warm = 0;
        }
        if let Some(p) = &mut self.prefix {
            p.0.warm = 0;
        }
        self
    }

    /// The group's span in the match `s..e` of the whole pattern, if only
    /// one span can be it.
    /// `caches` are the caller's for the other branches' DFA and the
    /// prefix DFA (one pair per thread).
    pub(crate) fn span(
        &self,
        hay: &[u8],
        s: usize,
        e: usize,
        caches: &mut [Option<dfa::Cache>; 2],
    ) -> Option<(usize, usize)> {
        let [others_cache, prefix_cache] = caches;
        let found = match self.unique_span(hay, s, e) {
            Some(f) => f,
            None => {
                let prefix = self.prefix.as_ref()?;
                if e > hay.len() || s > e {
                    return None;
                }
                let Starts::Many(cands) = self.starts(hay, s, e, true) else {
                    return None;
                };
                (prefix.only_end(hay, s, &cands, prefix_cache)?, e)
            }
        };
        match &self.others {
            Some(o) if !o.ruled_out(hay, s, e, others_cache) => None,
            _ => Some(found),
        }
    }

    /// True if [`span`](Self::span) needs the match's start (to check the
    /// other branches there); else [`unique_span`](Self::unique_span) can
    /// do with a lower bound for it.
    pub(crate) fn needs_start(&self) -> bool {
        self.others.is_some() || self.prefix_min == 0
    }

    /// The group's span by its byte sets alone, for a match that ends at
    /// `e` and starts at `s` or later: a lower bound for the start only
    /// widens the candidates, so a unique answer is still the right one.
    pub(crate) fn unique_span(&self, hay: &[u8], s: usize, e: usize) -> Option<(usize, usize)> {
        if e > hay.len() || s > e {
            return None;
        }
        let Some(tail) = &self.tail else {
            return match self.starts(hay, s, e, false) {
                Starts::One(g) => Some((g, e)),
                _ => None,
            };
        };
        let mut found = None;
        for h in e.saturating_sub(tail.max)..=e - tail.min.min(e) {
            let fits = if h == e {
                tail.min == 0
            } else {
                tail.first.contains(hay[h])
                    && tail.last.contains(hay[e - 1])
                    && hay[h..e].iter().all(|&b| tail.body.contains(b))
            };
            if !fits || h == 0 || !self.value_last.contains(hay[h - 1]) {
                continue;
            }
            match self.starts(hay, s, h, false) {
                Starts::None => {}
                Starts::One(g) if found.is_none() => found = Some((g, h)),
                _ => return None,
            }
        }
        found
    }

    /// The positions that can start the group if it ends at `h`; with
    /// `all`, every one of several (else `Many` holds none).
    fn starts(&self, hay: &[u8], s: usize, h: usize, all: bool) -> Starts {
        let Some(earliest) = s.checked_add(self.prefix_min) else {
            return Starts::None;
        };
        let Some(latest) = h.checked_sub(self.min) else {
            return Starts::None;
        };
        if earliest > latest {
            return Starts::None;
        }
        // Back from the end while the bytes can be the group's.
        let mut run = h;
        while run > earliest && self.body.contains(hay[run - 1]) {
            run -= 1;
        }
        let mut lo = run.max(earliest);
        if let Some(max) = self.max {
            lo = lo.max(h.saturating_sub(max));
        }
        let mut found = Starts::None;
        for g in lo..=latest {
            // `g == s` only when the part before the group may be empty.
            let after_prefix = g == s || self.last.contains(hay[g - 1]);
            if after_prefix && self.first.contains(hay[g]) {
                found = match found {
                    Starts::None => Starts::One(g),
                    Starts::One(_) if !all => return Starts::Many(Vec::new()),
                    Starts::One(a) => Starts::Many(vec![a, g]),
                    Starts::Many(mut v) => {
                        v.push(g);
                        Starts::Many(v)
                    }
                };
            }
        }
        found
    }
}

/// How many positions can start the group.
enum Starts {
    None,
    One(usize),
    /// In increasing order.
    Many(Vec<usize>),
}

fn nullable(h: &Hir) -> bool {
    h.properties().minimum_len() == Some(0)
}

/// Which end of a match [`edge`] looks at.
#[derive(Clone, Copy)]
enum End {
    First,
    Last,
}

/// Bytes a non-empty match of `h` can start (`First`) or end (`Last`)
/// with (a superset).
fn edge(h: &Hir, end: End) -> ByteSet {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => ByteSet::default(),
        HirKind::Literal(l) => {
            let mut s = ByteSet::default();
            let b = match end {
                End::First => l.0.first(),
                End::Last => l.0.last(),
            };
            if let Some(&b) = b {
                s.insert(b);
            }
            s
        }
        HirKind::Class(c) => ByteSet::of_class(c),
        HirKind::Repetition(r) if r.max == Some(0) => ByteSet::default(),
        HirKind::Repetition(r) => edge(&r.sub, end),
        HirKind::Capture(c) => edge(&c.sub, end),
        HirKind::Concat(parts) => edge_of_concat(parts, end),
        HirKind::Alternation(alts) => alts
            .iter()
            .map(|a| edge(a, end))
            .fold(ByteSet::default(), ByteSet::union),
    }
}

/// [`edge`] of the concatenation of `parts`: the parts from that end up to
/// the first one that cannot match empty.
fn edge_of_concat(parts: &[Hir], end: End) -> ByteSet {
    let mut s = ByteSet::default();
    let mut step = |p: &Hir| {
        s = s.union(edge(p, end));
        nullable(p)
    };
    match end {
        End::First => {
            let _ = parts.iter().all(&mut step);
        }
        End::Last => {
            let _ = parts.iter().rev().all(&mut step);
        }
    }
    s
}

/// Every byte a match of `h` can consume.
fn body(h: &Hir) -> ByteSet {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => ByteSet::default(),
        HirKind::Literal(l) => {
            let mut s = ByteSet::default();
            for &b in l.0.iter() {
                s.insert(b);
            }
            s
        }
        HirKind::Class(c) => ByteSet::of_class(c),
        HirKind::Repetition(r) => body(&r.sub),
        HirKind::Capture(c) => body(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => {
            hs.iter().map(body).fold(ByteSet::default(), ByteSet::union)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex_automata::meta;

    fn parse(p: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(p)
            .unwrap()
    }

    /// Every match of `pattern` in `hay`: the group span from the capture
    /// engine, and the one from `SuffixGroup` (None: it declined).
    type Pair = (usize, usize);

    /// Every match of `pattern` in `hay`: the span of the group named
    /// `s` (or group 1) from the capture engine (None: the group took no
    /// part), and the one from `SuffixGroup` (None: it declined).
    fn both(pattern: &str, hay: &[u8]) -> Vec<(Option<Pair>, Option<Pair>)> {
        let hir = parse(pattern);
        let re = meta::Regex::builder().build_from_hir(&hir).unwrap();
        let group = re
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "s")
            .unwrap_or(1);
        let split = SuffixGroup::new(&hir, group).expect("a suffix group").hot();
        let mut cache = [None, None];
        let mut caps = re.create_captures();
        let mut out = Vec::new();
        let mut at = 0;
        while at <= hay.len() {
            re.search_captures(&regex_automata::Input::new(hay).range(at..), &mut caps);
            let Some(m) = caps.get_match() else { break };
            let g = caps.get_group(group).map(|g| (g.start, g.end));
            let fast = split.span(hay, m.start(), m.end(), &mut cache);
            // With only a lower bound for the start (the search start, as
            // the scan does, or 0), an answer is still the capture engine's.
            if !split.needs_start() {
                for lo in [at, 0] {
                    if let Some(q) = split.unique_span(hay, lo, m.end()) {
                        assert_eq!(Some(q), g, "{pattern} on {hay:?} from {lo}");
                    }
                }
            }
            out.push((g, fast));
            at = m.end().max(m.start() + 1);
        }
        out
    }

    #[test]
    fn shapes_it_takes_and_declines() {
        let take = |p: &str| SuffixGroup::new(&parse(p), 1).is_some();
        assert!(take(r"token=([a-z]+)"));
        assert!(take(r"(?i:api_key)\s*[:=]\s*([A-Za-z0-9]{8,})\b"));
        assert!(take(r#"key="([^"]+)""#), "a short tail");
        assert!(take(r"://[a-z]+:([^@\s]+)@[a-z0-9]"), "a short tail");
        assert!(!take(r"k=([a-z]+)=x+"), "an unbounded tail");
        assert!(!take(r"k=([a-z]+)=xxxxxxxxx"), "a tail too long");
        assert!(take(r"x?([a-z]+)"), "prefix may be empty");
        assert!(!take(r"key=([a-z]*)"), "group may be empty");
        assert!(!take(r"(?:a(b)|c)"), "the whole pattern an alternation");
        assert!(take(r"k=(?:(?:[0-9]+)|x([a-z]+))"), "in a branch");
        assert!(
            take(r"k=(?:x([a-z]+)|[0-9]+)\b"),
            "in a branch, not the last"
        );
        assert!(!take(r"([a-z]+)"), "no prefix");
    }

    #[test]
    fn the_start_is_the_capture_engines_or_none() {
        let cases: &[(&str, &str)] = &[
            (r"token=([a-z0-9]+)", "x token=abc123 y"),
            (
                r"(?i:key)[\x20\t]*[:=][\x20\t]*([^\s]{4,})",
                "KEY : v4lue=x= and key=abcd",
            ),
            // `=` can end the key part and sit inside the value: two places fit.
            (r"key=([^\s]{2,})", "key=ab=cd"),
            (
                r"pass(?:word)?[:=]([A-Za-z]{3,8})\b",
                "password=hunter passwd:abc passxyz",
            ),
            (
                r#"key=["']?([^"'\s]{2,})["']?"#,
                r#"key="abc" key='a"b' key=xyz"#,
            ),
            (
                r"://[a-z]+:([^@\s/]+)@[a-z0-9]",
                "https://u:p@ss:w0rd@host x://a:b@@c",
            ),
            // The branch before the group's, "consume, no finding", wins
            // whenever it matches the same text.
            (
                r"k=(?:([0-9]+|none)|(?P<s>[a-z0-9]+))\b",
                "k=123 k=none k=abc1 k=nonet",
            ),
        ];
        for (p, hay) in cases {
            let got = both(p, hay.as_bytes());
            assert!(!got.is_empty(), "{p}");
            for (slow, fast) in got {
                if let Some(f) = fast {
                    assert_eq!(Some(f), slow, "{p} on {hay:?}");
                }
            }
        }
        // Two candidates by the byte sets (`=` ends the key part and sits in
        // the value): the part before the group, run from the match start,
        // can end at only one of them.
        assert_eq!(
            both(r"key=([^\s]{2,})", b"key=ab=cd")[0],
            (Some((4, 9)), Some((4, 9)))
        );
        // Where that part can end at both, it declines rather than guess.
        assert_eq!(both(r"k[=a]*=([a=]+)", b"k=a=a")[0].1, None);
        // The plain ones answer.
        assert_eq!(
            both(r"token=([a-z0-9]+)", b"x token=abc123 y")[0].1,
            Some((8, 14))
        );
        assert_eq!(both(r#"key="([^"]+)""#, br#"key="abc""#)[0].1, Some((5, 8)));
        // In a branch: no answer where the other branch took the match.
        let got = both(r"k=(?:([0-9]+|none)|(?P<s>[a-z0-9]+))\b", b"k=123 k=abc1");
        assert_eq!(got, [(None, None), (Some((8, 12)), Some((8, 12)))]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// On text made of pieces that let the parts run into each other
        /// (keys, separators, quotes, values that hold separators), the
        /// start, when given, is always the capture engine's.
        #[test]
        fn never_disagrees_with_the_capture_engine(
            pieces in proptest::collection::vec(
                prop::sample::select(vec![
                    "key", "KEY", "ke", "k", "e", "y", "_", "-", "=", ":", ".", "..",
                    " ", "\t", "'", "\"", "ab", "a", "b", "=b", "1", "\n",
                ]),
                0..40,
            ),
            which in 0usize..11,
        ) {
            let p = [
                r#"(?i:key)[_-]?(?:["']?)[\x20\t]*[:=][\x20\t]*["']?([^\s"']{2,})"#,
                r"(?:^|[^a-z])(?i:key)[=:.]+([a-z=:.1]{1,6})",
                r"e[y_]*[=:]([a-b]+)",
                r"k(?:ey|e)?[ =]+((?:ab|a|=)+)\b",
                r#"(?i:key)[=:]["']?([^\s"]{1,5})["']?"#,
                r"e[=:]+([a-b=.]+)[.:]{1,2}",
                r"(?i:k)[ey]*[:=]([^\s]+)\.?(?:ab|b)?\b",
                r"(?i:key)[:=](?:(ab|a)\b|(?P<s>[a-b1=]+))",
                r"k[ey]*[=:](?:'(?P<s>[^']+)'|([a-b]+)|1)",
                // The part before the group may be empty (`\b` or `%XX`
                // before a JWT).
                r"(?:=[1a]{2}|\b)(e[a-b1=.y]+)",
                r"(?:k|\b)(?:e|)([ey]+[a-b=]*)",
            ][which];
            let hay = pieces.concat();
            for (slow, fast) in both(p, hay.as_bytes()) {
                if let Some(f) = fast {
                    prop_assert_eq!(Some(f), slow);
                }
            }
        }
    }
}
