//! The block-walking finders (cards, phones, IBANs, SSNs, IPv4, IPv6) in one
//! pass. Each finder alone walks every 64-byte block of the input, loads it
//! and classifies it; most of their time is that walk, not their anchors.
//! Here each block is loaded and classified once into the union of the byte
//! classes they use, and every wanted finder's anchors and checks run on
//! it ([`card::visit`] …), with its own resume point and output: the spans
//! are exactly those of running each finder alone (tests compare them).

use super::digits::{self, Simd};
use super::{card, iban, ip, phone, ssn, FinderKind};

/// The finders a fused pass runs, in the order of its outputs.
pub const FUSED: [FinderKind; 6] = [
    FinderKind::Card,
    FinderKind::Phone,
    FinderKind::Iban,
    FinderKind::Ssn,
    FinderKind::Ipv4,
    FinderKind::Ipv6,
];

/// Where `kind` sits in [`FUSED`] (None: not a block-walking finder).
pub fn fused_index(kind: FinderKind) -> Option<usize> {
    FUSED.iter().position(|&k| k == kind)
}

/// One span list per finder of [`FUSED`].
pub type Outs = [Vec<(usize, usize)>; 6];

/// Runs the finders of [`FUSED`] whose `want` is set over `hay` in one pass;
/// `outs[i]` (cleared first) receives the spans of `FUSED[i]`, as
/// [`find`](super::find) would give them. The others are left empty.
pub fn find_fused(want: [bool; 6], hay: &[u8], outs: &mut Outs) {
    for o in outs.iter_mut() {
        o.clear();
    }
    if !want.iter().any(|&w| w) {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            #[target_feature(enable = "avx2")]
            unsafe fn with_avx2(want: [bool; 6], hay: &[u8], outs: &mut Outs) {
                fused_with::<digits::Avx2>(want, hay, outs)
            }
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { with_avx2(want, hay, outs) };
        }
        fused_with::<digits::Sse2>(want, hay, outs)
    }
    #[cfg(not(target_arch = "x86_64"))]
    fused_with::<digits::Swar>(want, hay, outs)
}

#[inline(always)]
pub(crate) fn fused_with<S: Simd>(want: [bool; 6], hay: &[u8], outs: &mut Outs) {
    let [card, phone, iban, ssn, v4, v6] = outs;
    let mut resume = [0usize; 6];
    digits::blocks::<S, _>(
        hay,
        |c| {
            [
                c.digits(),
                c.eq(b' ').bits(),
                c.eq(b'-').bits(),
                c.eq(b'.').bits(),
                c.eq(b'+').bits(),
                c.eq(b':').bits(),
                (c.range(b'a', b'f') | c.range(b'A', b'F')).bits(),
                c.range(b'A', b'Z').bits(),
            ]
        },
        |base, &[d, space, dash, dot, plus, colon, hex_letter, upper]| {
            // Flags are the same for every block: the branches predict.
            if want[0] {
                card::visit(hay, base, d, &mut resume[0], card);
            }
            if want[1] {
                phone::visit(
                    hay,
                    base,
                    d,
                    space | dash | dot,
                    plus,
                    &mut resume[1],
                    phone,
                );
            }
            if want[2] {
                iban::visit(hay, base, d, upper, &mut resume[2], iban);
            }
            if want[3] {
                ssn::visit(hay, base, d, dash | space, &mut resume[3], ssn);
            }
            if want[4] {
                ip::visit_v4(hay, base, d, dot, &mut resume[4], v4);
            }
            if want[5] {
                ip::visit_v6(hay, base, colon, d | hex_letter, &mut resume[5], v6);
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Each finder alone, through its own pass and backend.
    fn alone(hay: &[u8]) -> Outs {
        FUSED.map(|k| {
            let mut out = Vec::new();
            super::super::find(k, hay, &mut out);
            out
        })
    }

    fn fused(want: [bool; 6], hay: &[u8]) -> Outs {
        let mut outs: Outs = Default::default();
        // Stale spans from an earlier call must go.
        outs[0].push((1, 2));
        find_fused(want, hay, &mut outs);
        outs
    }

    #[test]
    fn one_pass_finds_what_each_finder_finds() {
        let text = "card 4111 1111 1111 1111 or 4111111111111111; call +1 415 555 0142 or \
                    (415) 555-0142, 06 12 34 56 78; IBAN DE89370400440532013000; ssn 123-45-6789 \
                    and ssn: 123456789; from 10.0.0.7 and 192.168.1.20:8080, fe80::1 and \
                    2001:db8:85a3:0:0:8a2e:370:7334; at 10:23:45 v1.2.3.4 GB82WEST12345698765432\n";
        let hay = text.repeat(5);
        let want = alone(hay.as_bytes());
        for (i, w) in want.iter().enumerate() {
            assert!(!w.is_empty(), "{:?} finds something", FUSED[i]);
        }
        assert_eq!(fused([true; 6], hay.as_bytes()), want);
        // Some finders only (a config that disables rules).
        let some = [true, false, false, true, false, true];
        let got = fused(some, hay.as_bytes());
        for i in 0..6 {
            if some[i] {
                assert_eq!(got[i], want[i]);
            } else {
                assert!(got[i].is_empty());
            }
        }
        assert_eq!(fused([false; 6], hay.as_bytes()), Outs::default());
    }

    /// Backends: the fused pass on each classification backend agrees with
    /// the finders alone.
    #[test]
    fn every_backend_agrees() {
        let hay =
            b"x 4111111111111111 +14155550142 10.1.2.3 ::1 DE89370400440532013000 123-45-6789\n"
                .repeat(9);
        let want = alone(&hay);
        let run = |f: fn([bool; 6], &[u8], &mut Outs)| {
            let mut outs: Outs = Default::default();
            f([true; 6], &hay, &mut outs);
            outs
        };
        assert_eq!(run(fused_with::<digits::Swar>), want);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(run(fused_with::<digits::Sse2>), want);
    }

    /// Digits, separators, letters and colons in random order: the fused
    /// pass finds exactly what the finders alone find.
    fn soup() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop::sample::select(b"0123456789 -.+:()aAfFxZ\n4111DE89".to_vec()),
            0..700,
        )
    }

    proptest! {
        #[test]
        fn fused_equals_alone(hay in soup(), want in any::<[bool; 6]>()) {
            let all = alone(&hay);
            let got = fused(want, &hay);
            for i in 0..6 {
                if want[i] {
                    prop_assert_eq!(&got[i], &all[i], "{:?}", FUSED[i]);
                } else {
                    prop_assert!(got[i].is_empty());
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(hay in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = fused([true; 6], &hay);
        }
    }
}
