//! Shared machinery for the digit-based finders (cards, phones, IBANs, SSNs,
//! IPs).
//!
//! These finders run over every byte of every input, so none of them walks
//! the input byte by byte. Instead the input is cut into 64-byte blocks and
//! each block is classified into one 64-bit mask per byte class the finder
//! cares about (digits, `.`, `:`, separators …): SSE2 on x86_64, SWAR on other
//! targets. A finder combines the masks of the block before, the block itself
//! and the block after ([`Lane::at`]) into a mask of *anchors*: positions where
//! the byte pattern its shapes need is present (e.g. "four digits, one byte,
//! four digits" for cards). Only anchors reach the finder's scalar check,
//! which parses the candidate exactly, checks token boundaries and checksums,
//! and returns where scanning may resume (so the bytes of one token are never
//! parsed twice and long digit runs stay linear).
//!
//! A finder's anchor mask must be a superset of the positions its scalar check
//! accepts; the tests of each finder plant every positive at every offset
//! around block boundaries to keep that true.

/// Block size: one bit per byte in a `u64` mask.
pub(crate) const BLOCK: usize = 64;

/// A 64-byte block ready to be classified.
#[derive(Clone, Copy)]
pub(crate) struct Chunk<'a>(&'a [u8; BLOCK]);

impl Chunk<'_> {
    /// Bit `i` set when byte `i` is in `lo..=hi` (`hi < 0x80`).
    #[inline(always)]
    pub(crate) fn range(self, lo: u8, hi: u8) -> u64 {
        imp::range(self.0, lo, hi)
    }

    /// Bit `i` set when byte `i` is `c`.
    #[inline(always)]
    pub(crate) fn eq(self, c: u8) -> u64 {
        imp::eq(self.0, c)
    }

    /// ASCII digits.
    #[inline(always)]
    pub(crate) fn digits(self) -> u64 {
        self.range(b'0', b'9')
    }
}

#[cfg(target_arch = "x86_64")]
mod imp {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_set1_epi8,
        _mm_sub_epi8,
    };

    /// SSE2 is part of the x86_64 baseline, so no runtime detection is needed.
    #[inline(always)]
    pub(super) fn range(b: &[u8; 64], lo: u8, hi: u8) -> u64 {
        let mut m = 0u64;
        for k in 0..4 {
            // SAFETY: reads 16 bytes at offset 16 * k < 64 of a 64-byte array
            // (unaligned loads are allowed); the other intrinsics are plain
            // SSE2 arithmetic, always available on x86_64.
            let bits = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast::<__m128i>());
                let s = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
                let inr =
                    _mm_cmpeq_epi8(_mm_min_epu8(s, _mm_set1_epi8(hi.wrapping_sub(lo) as i8)), s);
                _mm_movemask_epi8(inr)
            };
            m |= u64::from(bits as u16) << (16 * k);
        }
        m
    }

    #[inline(always)]
    pub(super) fn eq(b: &[u8; 64], c: u8) -> u64 {
        let mut m = 0u64;
        for k in 0..4 {
            // SAFETY: as in `range`.
            let bits = unsafe {
                let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast::<__m128i>());
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8)))
            };
            m |= u64::from(bits as u16) << (16 * k);
        }
        m
    }
}

#[cfg(not(target_arch = "x86_64"))]
use swar as imp;

/// Portable SWAR classification, eight bytes per `u64` (also compiled in
/// tests on x86_64 to check it agrees with SSE2).
#[cfg(any(test, not(target_arch = "x86_64")))]
mod swar {
    const H: u64 = 0x8080_8080_8080_8080;
    const L: u64 = 0x0101_0101_0101_0101;

    /// High bit of each byte set when that byte is `>= c` (`c <= 0x80`).
    #[inline(always)]
    fn ge(x: u64, c: u8) -> u64 {
        ((((x & !H) | H).wrapping_sub(L * u64::from(c))) | x) & H
    }

    /// The high bits of `m` (one per byte) gathered into the low 8 bits.
    #[inline(always)]
    fn gather(m: u64) -> u64 {
        ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    }

    fn word(b: &[u8; 64], k: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[8 * k..8 * k + 8]);
        u64::from_le_bytes(w)
    }

    pub(super) fn range(b: &[u8; 64], lo: u8, hi: u8) -> u64 {
        let mut m = 0u64;
        for k in 0..8 {
            let x = word(b, k);
            let inr = ge(x, lo) & !ge(x, hi + 1);
            m |= gather(inr) << (8 * k);
        }
        m
    }

    pub(super) fn eq(b: &[u8; 64], c: u8) -> u64 {
        let mut m = 0u64;
        for k in 0..8 {
            let y = word(b, k) ^ (L * u64::from(c));
            let zero = !(((y & !H).wrapping_add(!H)) | y) & H;
            m |= gather(zero) << (8 * k);
        }
        m
    }
}

/// One byte class around the current block: bit `i` of [`Lane::at`]`(k)` is
/// the class of byte `base + i + k`. Bytes before the input or past its end
/// belong to no class.
#[derive(Clone, Copy, Default)]
pub(crate) struct Lane {
    prev: u64,
    cur: u64,
    next: u64,
}

impl Lane {
    /// The class mask shifted so bit `i` describes byte `i + k` (`|k| < 64`).
    #[inline(always)]
    pub(crate) fn at(self, k: i32) -> u64 {
        debug_assert!(k.unsigned_abs() < 64);
        if k == 0 {
            self.cur
        } else if k > 0 {
            (self.cur >> k) | (self.next << (64 - k))
        } else {
            let k = -k;
            (self.cur << k) | (self.prev >> (64 - k))
        }
    }

    /// AND of `at(k)` for every `k` in `lo..=hi`: bit `i` set when bytes
    /// `i + lo ..= i + hi` are all in the class.
    #[inline(always)]
    pub(crate) fn all(self, lo: i32, hi: i32) -> u64 {
        let mut m = !0u64;
        let mut k = lo;
        while k <= hi {
            m &= self.at(k);
            k += 1;
        }
        m
    }
}

/// Walks `hay` in 64-byte blocks: classifies each block once into `N` masks
/// (`classify`), then calls `visit(base, lanes)` with each class's masks of the
/// previous, current and next block. The last partial block is zero-padded
/// (NUL belongs to no class a finder uses).
#[inline(always)]
pub(crate) fn blocks<const N: usize>(
    hay: &[u8],
    classify: impl Fn(Chunk<'_>) -> [u64; N],
    mut visit: impl FnMut(usize, &[Lane; N]),
) {
    let n = hay.len();
    if n == 0 {
        return;
    }
    let nblocks = n.div_ceil(BLOCK);
    let get = |k: usize| -> [u64; N] {
        let start = k * BLOCK;
        if k >= nblocks {
            [0; N]
        } else if let Some(b) = hay.get(start..start + BLOCK) {
            let b: &[u8; BLOCK] = b.try_into().expect("a 64-byte slice");
            classify(Chunk(b))
        } else {
            let mut pad = [0u8; BLOCK];
            pad[..n - start].copy_from_slice(&hay[start..]);
            classify(Chunk(&pad))
        }
    };
    let mut lanes = [Lane::default(); N];
    let first = get(0);
    for (l, m) in lanes.iter_mut().zip(first) {
        l.cur = m;
    }
    for k in 0..nblocks {
        let next = get(k + 1);
        for (l, m) in lanes.iter_mut().zip(next) {
            l.next = m;
        }
        visit(k * BLOCK, &lanes);
        for l in lanes.iter_mut() {
            l.prev = l.cur;
            l.cur = l.next;
        }
    }
}

/// Calls `check(pos)` for each set bit of `bits` (position `base + bit`) at
/// or past `*resume`; `check` returns where the scan may resume, which is
/// always moved past `pos`.
#[inline(always)]
pub(crate) fn each_anchor(
    bits: u64,
    base: usize,
    resume: &mut usize,
    mut check: impl FnMut(usize) -> usize,
) {
    let mut bits = bits;
    if *resume > base {
        let skip = *resume - base;
        bits = if skip >= 64 {
            0
        } else {
            bits & (!0u64 << skip)
        };
    }
    while bits != 0 {
        let pos = base + bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if pos < *resume {
            continue;
        }
        *resume = check(pos).max(pos + 1);
    }
}

/// The byte at `i`, or 0 past either end (`i` may have wrapped below zero).
#[inline(always)]
pub(crate) fn at(hay: &[u8], i: usize) -> u8 {
    hay.get(i).copied().unwrap_or(0)
}

/// The byte `k` positions before `i`, or 0 before the start.
#[inline(always)]
pub(crate) fn before(hay: &[u8], i: usize, k: usize) -> u8 {
    if i >= k {
        at(hay, i - k)
    } else {
        0
    }
}

#[inline(always)]
pub(crate) fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// Letters, digits and `_`: bytes that glue a candidate to a longer token.
#[inline(always)]
pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// End of the digit run starting at `i`, looking at most `max + 1` digits
/// (so a result `> i + max` means "longer than `max`").
#[inline]
pub(crate) fn digits_end(hay: &[u8], i: usize, max: usize) -> usize {
    let mut e = i;
    while e < hay.len() && e - i <= max && is_digit(hay[e]) {
        e += 1;
    }
    e
}

/// Start of the digit run ending just before `i`, looking back at most
/// `max + 1` digits.
#[inline]
pub(crate) fn digits_start(hay: &[u8], i: usize, max: usize) -> usize {
    let mut s = i.min(hay.len());
    while s > 0 && i - s <= max && is_digit(hay[s - 1]) {
        s -= 1;
    }
    s
}

/// End of the run of bytes satisfying `f` from `i` (unbounded: callers use it
/// to skip a rejected token in one go, which keeps scanning linear).
#[inline]
pub(crate) fn run_end(hay: &[u8], i: usize, f: impl Fn(u8) -> bool) -> usize {
    let mut e = i.min(hay.len());
    while e < hay.len() && f(hay[e]) {
        e += 1;
    }
    e
}

/// The decimal value of ASCII digits (at most 19 of them).
#[inline]
pub(crate) fn value(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |a, &b| {
        a.wrapping_mul(10)
            .wrapping_add(u64::from(b.wrapping_sub(b'0')))
    })
}

/// Luhn checksum of ASCII digits.
#[inline]
pub(crate) fn luhn_ok(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &b) in digits.iter().rev().enumerate() {
        let mut d = u32::from(b.wrapping_sub(b'0'));
        if k % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// A context word in `hay[lo..hi]` (clamped): one of `prefixes` starting a
/// word (the byte before it is not a letter; `phone` also matches
/// `phone_number`), or one of `whole` as a word of its own (`tel`, but not
/// `telemetry`). Words are ASCII lowercase; matching is case-insensitive.
/// Runs only for rare candidates (bare digit runs), so a plain loop is fine.
pub(crate) fn context_word(
    hay: &[u8],
    lo: usize,
    hi: usize,
    prefixes: &[&[u8]],
    whole: &[&[u8]],
) -> bool {
    let hi = hi.min(hay.len());
    let lo = lo.min(hi);
    for i in lo..hi {
        if i > 0 && hay[i - 1].is_ascii_alphabetic() {
            continue;
        }
        let c = hay[i].to_ascii_lowercase();
        let rest = &hay[i..hi];
        let starts = |w: &[u8]| {
            w.first() == Some(&c)
                && rest.len() >= w.len()
                && rest[..w.len()].eq_ignore_ascii_case(w)
        };
        if prefixes.iter().any(|w| starts(w)) {
            return true;
        }
        if whole
            .iter()
            .any(|w| starts(w) && !at(rest, w.len()).is_ascii_alphabetic())
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse2_and_swar_agree() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut block = [0u8; 64];
        for round in 0..2000 {
            for b in block.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = if round % 2 == 0 {
                    x as u8
                } else {
                    b"09/:.- +aAzZ\x80\xff"[(x % 14) as usize]
                };
            }
            for (lo, hi) in [
                (b'0', b'9'),
                (b'A', b'Z'),
                (b'a', b'z'),
                (0, 0x7f),
                (b'/', b'/'),
            ] {
                let naive = (0..64).fold(0u64, |m, i| {
                    m | (u64::from((lo..=hi).contains(&block[i])) << i)
                });
                assert_eq!(imp::range(&block, lo, hi), naive);
                assert_eq!(swar::range(&block, lo, hi), naive);
            }
            for c in [b':', b'.', b'+', 0, 0xff, b' '] {
                let naive = (0..64).fold(0u64, |m, i| m | (u64::from(block[i] == c) << i));
                assert_eq!(imp::eq(&block, c), naive);
                assert_eq!(swar::eq(&block, c), naive);
            }
        }
    }

    #[test]
    fn lanes_cross_blocks() {
        // Digits at 62, 63, 64, 65: bit 62 of block 0 sees four digits.
        let mut hay = vec![b'x'; 200];
        hay[62..66].copy_from_slice(b"1234");
        let mut got = Vec::new();
        blocks(
            &hay,
            |c| [c.digits()],
            |base, l| {
                let mut bits = l[0].all(0, 3) & !l[0].at(-1);
                while bits != 0 {
                    got.push(base + bits.trailing_zeros() as usize);
                    bits &= bits - 1;
                }
            },
        );
        assert_eq!(got, [62]);
    }

    #[test]
    fn context_words() {
        let h = b"telemetry 1, Phone_number: 2, tel: 3";
        assert!(context_word(h, 0, 20, &[b"phone"], &[]));
        assert!(!context_word(h, 0, 12, &[], &[b"tel"]));
        assert!(context_word(h, 28, h.len(), &[], &[b"tel"]));
        assert!(!context_word(b"span_id", 0, 7, &[b"pan"], &[]));
    }

    #[test]
    fn helpers() {
        assert!(luhn_ok(b"4111111111111111"));
        assert!(!luhn_ok(b"4111111111111112"));
        assert_eq!(value(b"255"), 255);
        assert_eq!(digits_end(b"12345", 0, 3), 4);
        assert_eq!(digits_start(b"a123", 4, 9), 1);
        assert_eq!(before(b"ab", 0, 1), 0);
        assert_eq!(at(b"ab", usize::MAX), 0);
    }

    mod props {
        use crate::finders::{find, FinderKind};
        use proptest::prelude::*;

        const KINDS: [FinderKind; 6] = [
            FinderKind::Card,
            FinderKind::Phone,
            FinderKind::Iban,
            FinderKind::Ssn,
            FinderKind::Ipv4,
            FinderKind::Ipv6,
        ];

        fn spans(kind: FinderKind, hay: &[u8]) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            find(kind, hay, &mut out);
            let mut last = 0;
            for &(s, e) in &out {
                assert!(last <= s && s < e && e <= hay.len(), "{kind:?}: {out:?}");
                last = e;
            }
            out
        }

        /// Bytes the finders care about, to reach their deeper checks.
        fn soup() -> impl Strategy<Value = Vec<u8>> {
            let alphabet = b"0123456789012345678901234 -.:+()/%_ABDEGZafx\n\xff".to_vec();
            proptest::collection::vec(proptest::sample::select(alphabet), 0..400)
        }

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(hay in proptest::collection::vec(any::<u8>(), 0..400)) {
                for kind in KINDS {
                    spans(kind, &hay);
                }
            }

            /// Findings do not depend on where the 64-byte blocks fall.
            #[test]
            fn block_alignment_does_not_matter(hay in soup(), shift in 1usize..130) {
                let mut shifted = vec![b'\n'; shift];
                shifted.extend_from_slice(&hay);
                for kind in KINDS {
                    let a = spans(kind, &hay);
                    let b: Vec<_> = spans(kind, &shifted).into_iter().map(|(s, e)| (s - shift, e - shift)).collect();
                    prop_assert_eq!(a, b, "{:?}", kind);
                }
            }
        }
    }
}

#[cfg(test)]
mod scratch_timing_delete_me {
    #[test]
    #[ignore]
    fn time_finders() {
        let hay = std::fs::read("/tmp/piibench/corpus.log").unwrap();
        let mb = hay.len() as f64 / 1e6;
        use crate::finders::{find, FinderKind::*};
        let mut out = Vec::new();
        let mut total = 0.0;
        for kind in [Card, Phone, Iban, Ssn, Ipv4, Ipv6] {
            let mut best = f64::MAX;
            for _ in 0..5 {
                let t = std::time::Instant::now();
                for c in hay.chunks(1 << 20) {
                    out.clear();
                    find(kind, c, &mut out);
                }
                best = best.min(t.elapsed().as_secs_f64());
            }
            total += best;
            eprintln!("{kind:?}: {:.0} MB/s ({} spans in last chunk)", mb / best, out.len());
        }
        eprintln!("all five/six: {:.0} MB/s", mb / total);
        let time = |name: &str, f: &dyn Fn(&[u8]) -> u64| {
            let mut best = f64::MAX;
            let mut acc = 0;
            for _ in 0..5 {
                let t = std::time::Instant::now();
                for c in hay.chunks(1 << 20) {
                    acc ^= f(c);
                }
                best = best.min(t.elapsed().as_secs_f64());
            }
            eprintln!("{name}: {:.0} MB/s {acc}", mb / best);
        };
        time("memchr newline count", &|h| memchr::memchr_iter(b'\n', h).count() as u64);
        time("memchr3 rare bytes", &|h| memchr::memchr3_iter(b'\x01', b'\x02', b'\x03', h).count() as u64);
        time("digits only", &|h| {
            let mut acc = 0;
            super::blocks(h, |c| [c.digits()], |_, [d]| acc ^= d.at(0));
            acc
        });
        time("3 classes", &|h| {
            let mut acc = 0;
            super::blocks(h, |c| [c.digits(), c.eq(b' ') | c.eq(b'-') | c.eq(b'.'), c.eq(b'+')], |_, [d, s, p]| acc ^= d.at(0) ^ s.at(0) ^ p.at(0));
            acc
        });
        time("card anchors explicit", &|h| {
            let mut acc = 0;
            super::blocks(h, |c| [c.digits()], |_, [d]| {
                let a = !d.at(-1) & d.at(0) & d.at(1) & d.at(2) & d.at(3) & d.at(5) & d.at(6) & d.at(7) & d.at(8);
                acc += a.count_ones() as u64
            });
            acc
        });
        time("card anchors u128", &|h| {
            let mut acc = 0;
            super::blocks(h, |c| [c.digits()], |_, [d]| {
                let w = (d.cur as u128) | ((d.next as u128) << 64);
                let f = |k: u32| (w >> k) as u64;
                let a = !d.at(-1) & d.cur & f(1) & f(2) & f(3) & f(5) & f(6) & f(7) & f(8);
                acc += a.count_ones() as u64
            });
            acc
        });
        time("card anchors, count", &|h| {
            let mut acc = 0;
            super::blocks(h, |c| [c.digits()], |_, [d]| acc += (!d.at(-1) & d.all(0, 3) & d.all(5, 8)).count_ones() as u64);
            acc
        });
    }
}
