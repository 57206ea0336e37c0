//! The keyword prefilter: every occurrence (overlapping ones included) of
//! every rule keyword, ASCII case-insensitively.
//!
//! Why not just `AhoCorasick::find_overlapping_iter`: a DFA walk is bound by
//! load latency — each transition needs the state the previous one produced —
//! so one walker runs at ~1.5 ns/byte however few keywords there are. This
//! module builds aho-corasick's DFA and drives it with several walkers over
//! separate segments of the input in lockstep: their dependency chains are
//! independent, so the CPU overlaps them. Each walker reads its segment 8
//! bytes at a time, so the walkers' states stay in registers. Each walker
//! starts `max_len - 1` bytes before its segment (to see keywords straddling
//! the boundary) and only reports hits that end inside its segment, so every
//! hit is reported once.

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// Walkers in lockstep. The built-in pack's DFA (~1,050 keywords, ~3.6 MB)
/// does not fit in L2, so more independent chains hide more load latency.
/// With 8-byte loads per walker, 8 lanes took 24 % less time than the
/// former per-byte loop and 19 % less than 4 lanes (perf samples of
/// `Prefilter::for_each` on the sparse bench corpus).
pub(crate) const LANES: usize = 8;
/// Below this, one walker: splitting does not pay. Measured on the criterion
/// sparse corpus cut into pieces (built-in pack, warm): one walker against
/// eight on pieces of 128 B 187 / 139 MB/s, 256 B 205 / 233, 1 KB 219 / 336,
/// 8 KB 225 / 397. (It was 16 KiB, which left small files, JSON strings and
/// request bodies at the one-walker pace.)
const MIN_SPLIT: usize = 256;

#[derive(Clone, Debug)]
pub(crate) struct Prefilter {
    dfa: DFA,
    max_len: usize,
}

impl Prefilter {
    pub(crate) fn new(keywords: &[String]) -> Prefilter {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            // With a prefilter (built for small keyword sets) the start
            // state is "special": every byte would go through `report`.
            .prefilter(false)
            .build(keywords)
            .expect("keywords are short ASCII literals");
        let max_len = keywords.iter().map(String::len).max().unwrap_or(1);
        Prefilter { dfa, max_len }
    }

    /// Calls `f(keyword index, start, end)` for every keyword occurrence, in
    /// no particular order.
    pub(crate) fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize, usize)) {
        let dfa = &self.dfa;
        let start = dfa
            .start_state(Anchored::No)
            .expect("unanchored start state exists");
        if hay.len() < MIN_SPLIT {
            let mut sid = start;
            for (i, &b) in hay.iter().enumerate() {
                sid = dfa.next_state(Anchored::No, sid, b);
                if dfa.is_special(sid) {
                    self.report(sid, i + 1, 0, &mut f);
                }
            }
            return;
        }
        // Segment k reports hits ending in (from[k], end[k]].
        let seg = hay.len() / LANES;
        let mut pos = [0usize; LANES];
        let mut end = [0usize; LANES];
        let mut from = [0usize; LANES];
        for k in 0..LANES {
            let lo = k * seg;
            end[k] = if k + 1 == LANES { hay.len() } else { lo + seg };
            pos[k] = lo.saturating_sub(self.max_len - 1);
            from[k] = lo;
        }
        // Lockstep while every walker has input left, 8 bytes at a time:
        // one load per walker feeds 8 steps, and the walkers' states stay in
        // registers (per-byte loads and positions spilled to the stack).
        let steps = (0..LANES).map(|k| end[k] - pos[k]).min().unwrap_or(0) / 8 * 8;
        let lanes: [&[u8]; LANES] = std::array::from_fn(|k| &hay[pos[k]..pos[k] + steps]);
        let mut sid = [start; LANES];
        for i in 0..steps / 8 {
            let words: [u64; LANES] = std::array::from_fn(|k| {
                let b: [u8; 8] = lanes[k][i * 8..i * 8 + 8].try_into().expect("8 bytes");
                u64::from_le_bytes(b)
            });
            for j in 0..8 {
                let mut special = false;
                for k in 0..LANES {
                    sid[k] = dfa.next_state(Anchored::No, sid[k], (words[k] >> (8 * j)) as u8);
                    special |= dfa.is_special(sid[k]);
                }
                if special {
                    for k in 0..LANES {
                        if dfa.is_special(sid[k]) {
                            self.report(sid[k], pos[k] + i * 8 + j + 1, from[k], &mut f);
                        }
                    }
                }
            }
        }
        // Finish each walker on its own.
        for k in 0..LANES {
            let mut s = sid[k];
            let p = pos[k] + steps;
            for (i, &b) in hay[p..end[k]].iter().enumerate() {
                s = dfa.next_state(Anchored::No, s, b);
                if dfa.is_special(s) {
                    self.report(s, p + i + 1, from[k], &mut f);
                }
            }
        }
    }

    /// The walker of [`for_each`](Self::for_each) that reports a hit ending
    /// at `end` in an input of `len` bytes. Each walker reports its hits in
    /// the order of their ends, and walker `k`'s all end before walker
    /// `k + 1`'s; the walkers take turns, so the hits as reported are not in
    /// order, but sorted by walker, stably, they are.
    pub(crate) fn lane_of(len: usize, end: usize) -> usize {
        if len < MIN_SPLIT {
            return 0;
        }
        (end.saturating_sub(1) / (len / LANES)).min(LANES - 1)
    }

    /// Reports the keywords that end at `at` in match state `sid`, if they
    /// end after `from` (hits before it belong to the previous segment).
    #[inline]
    fn report(
        &self,
        sid: aho_corasick::automaton::StateID,
        at: usize,
        from: usize,
        f: &mut impl FnMut(usize, usize, usize),
    ) {
        if at <= from || !self.dfa.is_match(sid) {
            return;
        }
        for i in 0..self.dfa.match_len(sid) {
            let p = self.dfa.match_pattern(sid, i);
            f(p.as_usize(), at - self.dfa.pattern_len(p), at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(kws: &[&str], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let kws: Vec<String> = kws.iter().map(|s| s.to_string()).collect();
        let p = Prefilter::new(&kws);
        let mut v = Vec::new();
        p.for_each(hay, |k, s, e| v.push((k, s, e)));
        v.sort();
        v
    }

    /// Reference: every occurrence by brute force.
    fn naive(kws: &[&str], hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        for (k, w) in kws.iter().enumerate() {
            let w = w.as_bytes();
            for s in 0..hay.len().saturating_sub(w.len() - 1) {
                if hay[s..s + w.len()].eq_ignore_ascii_case(w) {
                    v.push((k, s, s + w.len()));
                }
            }
        }
        v.sort();
        v
    }

    #[test]
    fn hits_sorted_by_walker_are_in_order_of_their_ends() {
        let kws: Vec<String> = ["password", "ghp_", "pass", "-----begin"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = Prefilter::new(&kws);
        let unit = b"x PassWord ghp_ y -----BEGIN z pass ";
        for len in [100, MIN_SPLIT - 1, MIN_SPLIT, 70_001] {
            let hay: Vec<u8> = unit.iter().cycle().take(len).copied().collect();
            let mut v = Vec::new();
            p.for_each(&hay, |_, _, e| {
                v.push((Prefilter::lane_of(hay.len(), e), e))
            });
            assert!(v.iter().all(|&(l, _)| l < LANES));
            v.sort_by_key(|&(l, _)| l); // stable
            assert!(v.windows(2).all(|w| w[0].1 <= w[1].1), "len {len}");
            assert!(v.len() > len / unit.len(), "len {len}");
        }
    }

    #[test]
    fn overlapping_and_case_insensitive() {
        let kws = ["token", "x-auth-token", "auth"];
        let hay = b"X-Auth-Token: abc TOKEN auth";
        assert_eq!(hits(&kws, hay), naive(&kws, hay));
        assert_eq!(hits(&kws, hay).len(), 5);
    }

    #[test]
    fn split_walkers_match_brute_force_at_every_boundary() {
        // One keyword longer than a walker's segment of a small input: the
        // walkers start that far back.
        let long = "-----begin openssh private key-----";
        let kws = ["password", "ghp_", "pass", "word", "-----begin", long];
        // Keywords everywhere, including across the lane boundaries.
        let mut hay = Vec::new();
        let mut i = 0u32;
        while hay.len() < 70_000 {
            i = i.wrapping_mul(1_103_515_245).wrapping_add(12345);
            match i % 9 {
                0 => hay.extend_from_slice(b"PassWord"),
                1 => hay.extend_from_slice(b"ghp_"),
                2 => hay.extend_from_slice(b"-----BEGIN"),
                3 => hay.extend_from_slice(long.to_uppercase().as_bytes()),
                _ => hay.push(b'a' + (i % 26) as u8),
            }
        }
        // Every length around the split threshold and up to a few
        // segments of the longest keyword; every remainder of the 8-byte
        // steps at a larger length and at the end.
        let lens = (0..MIN_SPLIT * 3)
            .chain(16 * 1024..16 * 1024 + 17)
            .chain(hay.len() - 16..=hay.len());
        for len in lens {
            assert_eq!(
                hits(&kws, &hay[..len]),
                naive(&kws, &hay[..len]),
                "len {len}"
            );
        }
    }
}
