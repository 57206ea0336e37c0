//! Shared machinery for the digit-based finders (cards, phones, IBANs, SSNs,
//! IPs).
//!
//! These finders run over every byte of every input, so none of them walks
//! the input byte by byte. Instead the input is cut into 64-byte blocks and
//! each block is classified into one 64-bit mask per byte class the finder
//! cares about (digits, `.`, `:`, separators …): AVX2 when the CPU has it
//! (detected at run time, see [`simd_dispatch!`]), else SSE2 on x86_64, SWAR
//! on other targets. A finder combines the masks of the block before, the
//! block itself and the block after ([`Lane::at`]) into a mask of *anchors*:
//! positions where the byte pattern its shapes need is present (e.g. "13
//! digits, or 4 digits, one byte, 4 digits" for cards), branch-free (an early
//! exit on an unpredictable mask costs more than it saves). Only anchors
//! reach the finder's scalar check, which parses the candidate exactly,
//! checks token boundaries and checksums, and returns where scanning may
//! resume, so the bytes of one token are not parsed again and every finder
//! stays linear (long digit runs, colon or dot soups included).
//!
//! A finder's anchor mask must be a superset of the positions its scalar
//! check accepts: each finder's tests plant every positive at every offset
//! around block boundaries, and a property test checks that findings do not
//! depend on block alignment or on the backend.

/// Block size: one bit per byte in a `u64` mask.
pub(crate) const BLOCK: usize = 64;

/// A byte-classification backend: per-byte flags of one 64-byte block
/// (`V`), combined with `or`, turned into a bit mask with `bits`.
pub(crate) trait Simd: Copy {
    type V: Copy;
    fn load(b: &[u8; BLOCK]) -> Self::V;
    /// Bytes in `lo..=hi` (`hi < 0x80`).
    fn range(c: Self::V, lo: u8, hi: u8) -> Self::V;
    fn eq(c: Self::V, b: u8) -> Self::V;
    fn or(a: Self::V, b: Self::V) -> Self::V;
    fn bits(f: Self::V) -> u64;
}

/// A 64-byte block, loaded once, ready to be classified.
pub(crate) struct Chunk<S: Simd>(S::V);

/// Per-byte class flags of a [`Chunk`], combined with `|` before being
/// turned into a bit mask with [`Flags::bits`] (one movemask per class).
pub(crate) struct Flags<S: Simd>(S::V);

impl<S: Simd> Clone for Chunk<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Simd> Copy for Chunk<S> {}
impl<S: Simd> Clone for Flags<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S: Simd> Copy for Flags<S> {}

impl<S: Simd> Chunk<S> {
    /// Bytes in `lo..=hi` (`hi < 0x80`).
    #[inline(always)]
    pub(crate) fn range(self, lo: u8, hi: u8) -> Flags<S> {
        Flags(S::range(self.0, lo, hi))
    }

    /// Bytes equal to `c`.
    #[inline(always)]
    pub(crate) fn eq(self, c: u8) -> Flags<S> {
        Flags(S::eq(self.0, c))
    }

    /// ASCII digits, as a mask.
    #[inline(always)]
    pub(crate) fn digits(self) -> u64 {
        self.range(b'0', b'9').bits()
    }
}

impl<S: Simd> Flags<S> {
    /// Bit `i` set when byte `i` has the flag.
    #[inline(always)]
    pub(crate) fn bits(self) -> u64 {
        S::bits(self.0)
    }
}

impl<S: Simd> std::ops::BitOr for Flags<S> {
    type Output = Flags<S>;
    #[inline(always)]
    fn bitor(self, o: Flags<S>) -> Flags<S> {
        Flags(S::or(self.0, o.0))
    }
}

/// Defines `pub fn $name(hay, out)` running `$generic::<S>(hay, out)` with the
/// best classification backend: AVX2 when the CPU has it (checked at run
/// time; the generic body is compiled a second time with AVX2 enabled),
/// else SSE2 (x86_64 baseline), else SWAR.
macro_rules! simd_dispatch {
    ($(#[$m:meta])* pub fn $name:ident => $generic:ident) => {
        $(#[$m])*
        pub fn $name(hay: &[u8], out: &mut Vec<(usize, usize)>) {
            #[cfg(target_arch = "x86_64")]
            {
                if std::is_x86_feature_detected!("avx2") {
                    #[target_feature(enable = "avx2")]
                    unsafe fn with_avx2(hay: &[u8], out: &mut Vec<(usize, usize)>) {
                        $generic::<$crate::finders::digits::Avx2>(hay, out)
                    }
                    // SAFETY: the CPU supports AVX2 (checked just above).
                    return unsafe { with_avx2(hay, out) };
                }
                $generic::<$crate::finders::digits::Sse2>(hay, out)
            }
            #[cfg(not(target_arch = "x86_64"))]
            $generic::<$crate::finders::digits::Swar>(hay, out)
        }
    };
}
pub(crate) use simd_dispatch;

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx2, Sse2};

#[cfg(target_arch = "x86_64")]
mod x86 {
    // The intrinsics are `unsafe fn` on older compilers; SSE2 ones are safe
    // on newer ones (SSE2 is always enabled on x86_64), hence
    // `allow(unused_unsafe)`.
    #![allow(unused_unsafe)]
    use super::{Simd, BLOCK};
    use std::arch::x86_64::*;

    /// SSE2: part of the x86_64 baseline, no detection needed.
    #[derive(Clone, Copy)]
    pub(crate) struct Sse2;

    impl Simd for Sse2 {
        type V = [__m128i; 4];

        #[inline(always)]
        fn load(b: &[u8; BLOCK]) -> Self::V {
            let p = b.as_ptr().cast::<__m128i>();
            // SAFETY: four 16-byte reads inside a 64-byte array (unaligned
            // loads are allowed).
            unsafe {
                [
                    _mm_loadu_si128(p),
                    _mm_loadu_si128(p.add(1)),
                    _mm_loadu_si128(p.add(2)),
                    _mm_loadu_si128(p.add(3)),
                ]
            }
        }

        #[inline(always)]
        fn range(c: Self::V, lo: u8, hi: u8) -> Self::V {
            // SAFETY: SSE2 register arithmetic.
            unsafe {
                let base = _mm_set1_epi8(lo as i8);
                let width = _mm_set1_epi8(hi.wrapping_sub(lo) as i8);
                c.map(|v| {
                    let s = _mm_sub_epi8(v, base);
                    _mm_cmpeq_epi8(_mm_min_epu8(s, width), s)
                })
            }
        }

        #[inline(always)]
        fn eq(c: Self::V, b: u8) -> Self::V {
            // SAFETY: SSE2 register arithmetic.
            unsafe {
                let n = _mm_set1_epi8(b as i8);
                c.map(|v| _mm_cmpeq_epi8(v, n))
            }
        }

        #[inline(always)]
        fn or(a: Self::V, b: Self::V) -> Self::V {
            // SAFETY: SSE2 register arithmetic.
            unsafe {
                [
                    _mm_or_si128(a[0], b[0]),
                    _mm_or_si128(a[1], b[1]),
                    _mm_or_si128(a[2], b[2]),
                    _mm_or_si128(a[3], b[3]),
                ]
            }
        }

        #[inline(always)]
        fn bits(f: Self::V) -> u64 {
            // SAFETY: SSE2 register arithmetic.
            unsafe {
                let m = |v| u64::from(_mm_movemask_epi8(v) as u16);
                m(f[0]) | (m(f[1]) << 16) | (m(f[2]) << 32) | (m(f[3]) << 48)
            }
        }
    }

    /// AVX2: only used inside functions compiled with `target_feature(enable
    /// = "avx2")` after a run-time check (see `simd_dispatch!`).
    #[derive(Clone, Copy)]
    pub(crate) struct Avx2;

    impl Simd for Avx2 {
        type V = [__m256i; 2];

        #[inline(always)]
        fn load(b: &[u8; BLOCK]) -> Self::V {
            let p = b.as_ptr().cast::<__m256i>();
            // SAFETY: two 32-byte reads inside a 64-byte array; AVX2 is
            // enabled in every caller (`simd_dispatch!`).
            unsafe { [_mm256_loadu_si256(p), _mm256_loadu_si256(p.add(1))] }
        }

        #[inline(always)]
        fn range(c: Self::V, lo: u8, hi: u8) -> Self::V {
            // SAFETY: AVX2 register arithmetic; AVX2 is enabled in every caller.
            unsafe {
                let base = _mm256_set1_epi8(lo as i8);
                let width = _mm256_set1_epi8(hi.wrapping_sub(lo) as i8);
                c.map(|v| {
                    let s = _mm256_sub_epi8(v, base);
                    _mm256_cmpeq_epi8(_mm256_min_epu8(s, width), s)
                })
            }
        }

        #[inline(always)]
        fn eq(c: Self::V, b: u8) -> Self::V {
            // SAFETY: as in `range`.
            unsafe {
                let n = _mm256_set1_epi8(b as i8);
                c.map(|v| _mm256_cmpeq_epi8(v, n))
            }
        }

        #[inline(always)]
        fn or(a: Self::V, b: Self::V) -> Self::V {
            // SAFETY: as in `range`.
            unsafe { [_mm256_or_si256(a[0], b[0]), _mm256_or_si256(a[1], b[1])] }
        }

        #[inline(always)]
        fn bits(f: Self::V) -> u64 {
            // SAFETY: as in `range`.
            unsafe {
                let lo = u64::from(_mm256_movemask_epi8(f[0]) as u32);
                let hi = u64::from(_mm256_movemask_epi8(f[1]) as u32);
                lo | (hi << 32)
            }
        }
    }
}

/// Portable SWAR classification, eight bytes per `u64`; flags are the high
/// bit of each byte. Used off x86_64, and in tests everywhere.
#[derive(Clone, Copy)]
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
pub(crate) struct Swar;

impl Swar {
    const H: u64 = 0x8080_8080_8080_8080;
    const L: u64 = 0x0101_0101_0101_0101;

    /// High bit of each byte set when that byte is `>= c` (`c <= 0x80`).
    #[inline(always)]
    fn ge(x: u64, c: u8) -> u64 {
        ((((x & !Self::H) | Self::H).wrapping_sub(Self::L * u64::from(c))) | x) & Self::H
    }
}

impl Simd for Swar {
    type V = [u64; 8];

    #[inline(always)]
    fn load(b: &[u8; BLOCK]) -> Self::V {
        let mut c = [0u64; 8];
        for (k, w) in c.iter_mut().enumerate() {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[8 * k..8 * k + 8]);
            *w = u64::from_le_bytes(x);
        }
        c
    }

    #[inline(always)]
    fn range(c: Self::V, lo: u8, hi: u8) -> Self::V {
        c.map(|x| Self::ge(x, lo) & !Self::ge(x, hi + 1))
    }

    #[inline(always)]
    fn eq(c: Self::V, b: u8) -> Self::V {
        c.map(|x| {
            let y = x ^ (Self::L * u64::from(b));
            !(((y & !Self::H).wrapping_add(!Self::H)) | y) & Self::H
        })
    }

    #[inline(always)]
    fn or(mut a: Self::V, b: Self::V) -> Self::V {
        for (x, y) in a.iter_mut().zip(b) {
            *x |= y;
        }
        a
    }

    #[inline(always)]
    fn bits(f: Self::V) -> u64 {
        // Gather the high bit of each byte into 8 bits per word.
        f.iter().enumerate().fold(0, |m, (k, &w)| {
            m | ((((w >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56) << (8 * k))
        })
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

impl std::ops::BitOr for Lane {
    type Output = Lane;
    /// Bytes in either class.
    #[inline(always)]
    fn bitor(self, o: Lane) -> Lane {
        Lane {
            prev: self.prev | o.prev,
            cur: self.cur | o.cur,
            next: self.next | o.next,
        }
    }
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
/// (NUL belongs to no class a finder uses). `classify` and `visit` each have
/// one call site, so both inline into the loop.
#[inline(always)]
pub(crate) fn blocks<S: Simd, const N: usize>(
    hay: &[u8],
    classify: impl Fn(Chunk<S>) -> [u64; N],
    mut visit: impl FnMut(usize, &[Lane; N]),
) {
    let n = hay.len();
    let nblocks = n.div_ceil(BLOCK);
    let mut lanes = [Lane::default(); N];
    let mut pad = [0u8; BLOCK];
    // Block `k` is classified while block `k - 1` is visited.
    for k in 0..=nblocks {
        let start = k * BLOCK;
        let masks = if k == nblocks {
            [0; N]
        } else {
            let b: &[u8; BLOCK] = match hay.get(start..start + BLOCK) {
                Some(b) => b.try_into().expect("a 64-byte slice"),
                None => {
                    pad[..n - start].copy_from_slice(&hay[start..]);
                    &pad
                }
            };
            classify(Chunk(S::load(b)))
        };
        for (l, m) in lanes.iter_mut().zip(masks) {
            l.prev = l.cur;
            l.cur = l.next;
            l.next = m;
        }
        if k > 0 {
            visit(start - BLOCK, &lanes);
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

/// Appends a candidate span unless it overlaps the previous one (a finder
/// that parses backwards from its anchor could otherwise re-find a number it
/// already reported): spans stay sorted and disjoint.
#[inline]
pub(crate) fn push(out: &mut Vec<(usize, usize)>, s: usize, e: usize) {
    if out.last().map_or(true, |&(_, prev_end)| prev_end <= s) {
        out.push((s, e));
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
/// `telemetry`). Words are ASCII lowercase letters first; matching is
/// case-insensitive. Runs for rare candidates only (bare digit runs), in one
/// pass that compares words only where their first letter starts a word.
pub(crate) fn context_word(
    hay: &[u8],
    lo: usize,
    hi: usize,
    prefixes: &[&[u8]],
    whole: &[&[u8]],
) -> bool {
    let hi = hi.min(hay.len());
    let lo = lo.min(hi);
    let first = |w: &&[u8]| {
        w.first()
            .map_or(0u32, |&c| 1 << (c.wrapping_sub(b'a') & 31))
    };
    let firsts = prefixes.iter().chain(whole).fold(0u32, |m, w| m | first(w));
    let mut prev_alpha = lo > 0 && hay[lo - 1].is_ascii_alphabetic();
    for i in lo..hi {
        let c = hay[i];
        let alpha = c.is_ascii_alphabetic();
        let starts_word = alpha && !prev_alpha;
        prev_alpha = alpha;
        if !starts_word || firsts & (1 << ((c | 0x20).wrapping_sub(b'a') & 31)) == 0 {
            continue;
        }
        // stanch's own markers (`<card:1a2b3c4d>`, `[REDACTED:payment-card]`)
        // are no context: redacting twice must change nothing.
        if i > 0
            && matches!(hay[i - 1], b'<' | b':' | b'-')
            && crate::validate::inside_marker(hay, i, i + 1)
        {
            continue;
        }
        let here = |w: &[u8]| i + w.len() <= hi && super::context_has(hay, i, i + w.len(), &[w]);
        if prefixes.iter().any(|w| here(w)) {
            return true;
        }
        if whole
            .iter()
            .any(|w| here(w) && !at(hay, i + w.len()).is_ascii_alphabetic())
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
    fn backends_agree() {
        fn check<S: Simd>(block: &[u8; 64]) {
            let c = S::load(block);
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
                assert_eq!(S::bits(S::range(c, lo, hi)), naive);
            }
            for b in [b':', b'.', b'+', 0, 0xff, b' '] {
                let naive = (0..64).fold(0u64, |m, i| m | (u64::from(block[i] == b) << i));
                assert_eq!(S::bits(S::eq(c, b)), naive);
            }
            let naive = (0..64).fold(0u64, |m, i| {
                m | (u64::from(block[i] == b'.' || block[i] == b'a') << i)
            });
            assert_eq!(S::bits(S::or(S::eq(c, b'.'), S::eq(c, b'a'))), naive);
        }
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
            check::<Swar>(&block);
            #[cfg(target_arch = "x86_64")]
            {
                check::<Sse2>(&block);
                if std::is_x86_feature_detected!("avx2") {
                    check::<Avx2>(&block);
                }
            }
        }
    }

    #[test]
    fn lanes_cross_blocks() {
        // Digits at 62, 63, 64, 65: bit 62 of block 0 sees four digits.
        let mut hay = vec![b'x'; 200];
        hay[62..66].copy_from_slice(b"1234");
        let mut got = Vec::new();
        blocks::<Swar, 1>(
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
        // Words inside stanch's markers are not context.
        assert!(!context_word(b"<card:dc998cf6> 1", 0, 17, &[b"card"], &[]));
        assert!(!context_word(
            b"[REDACTED:payment-card] 1",
            0,
            25,
            &[b"card", b"payment"],
            &[]
        ));
        assert!(context_word(b"card: 1", 0, 7, &[b"card"], &[]));
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
        use crate::finders::fused::FUSED as KINDS;
        use crate::finders::{find, FinderKind};
        use proptest::prelude::*;

        /// The dispatched finder, checked against every backend.
        fn spans(kind: FinderKind, hay: &[u8]) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            find(kind, hay, &mut out);
            let mut swar = Vec::new();
            run::<super::super::Swar>(kind, hay, &mut swar);
            assert_eq!(out, swar, "{kind:?}");
            #[cfg(target_arch = "x86_64")]
            {
                let mut sse2 = Vec::new();
                run::<super::super::Sse2>(kind, hay, &mut sse2);
                assert_eq!(out, sse2, "{kind:?}");
            }
            let mut last = 0;
            for &(s, e) in &out {
                assert!(last <= s && s < e && e <= hay.len(), "{kind:?}: {out:?}");
                last = e;
            }
            out
        }

        fn run<S: super::super::Simd>(kind: FinderKind, hay: &[u8], out: &mut Vec<(usize, usize)>) {
            use crate::finders::{card, iban, ip, phone, ssn};
            match kind {
                FinderKind::Card => card::find_with::<S>(hay, out),
                FinderKind::Phone => phone::find_with::<S>(hay, out),
                FinderKind::Iban => iban::find_with::<S>(hay, out),
                FinderKind::Ssn => ssn::find_with::<S>(hay, out),
                FinderKind::Ipv4 => ip::find_v4_with::<S>(hay, out),
                FinderKind::Ipv6 => ip::find_v6_with::<S>(hay, out),
                FinderKind::Email | FinderKind::External => unreachable!(),
            }
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
