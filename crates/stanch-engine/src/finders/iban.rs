//! IBANs: two uppercase letters (a country with a registered IBAN length),
//! two check digits, then the BBAN in uppercase letters and digits, either
//! compact (`GB82WEST12345698765432`) or in groups of four separated by single
//! spaces (`GB82 WEST 1234 5698 7654 32`, last group 1–4). The length must be
//! the country's exactly, the token must not continue (letters, digits, `_`
//! before or after), and mod-97 must hold (checked here to drop candidates
//! early; the `iban` validator checks it again).
//!
//! Anchor (block masks): an uppercase pair and a digit pair at a token start.

use super::digits::{self, at, before, is_word, Lane, Simd};
use crate::validate;

const MAX: usize = 34;

digits::simd_dispatch!(pub fn find => find_with);

#[inline(always)]
pub(crate) fn find_with<S: Simd>(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut resume = 0;
    digits::blocks::<S, _>(
        hay,
        |c| [c.digits(), c.range(b'A', b'Z').bits()],
        |base, &[d, u]| visit(hay, base, d, u, &mut resume, out),
    );
}

/// One block's anchors and checks (`d`: digits, `u`: `A`–`Z`).
#[inline(always)]
pub(crate) fn visit(
    hay: &[u8],
    base: usize,
    d: Lane,
    u: Lane,
    resume: &mut usize,
    out: &mut Vec<(usize, usize)>,
) {
    let word_before = d.at(-1) | u.at(-1);
    let anchors = !word_before & u.at(0) & u.at(1) & d.at(2) & d.at(3);
    digits::each_anchor(anchors, base, resume, |s| check(hay, s, out));
}

fn is_bban(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn check(hay: &[u8], s: usize, out: &mut Vec<(usize, usize)>) -> usize {
    let Some(len) = hay.get(s..s + 2).and_then(validate::iban_length) else {
        return s + 1;
    };
    if is_word(before(hay, s, 1)) || len > MAX {
        return s + 1;
    }
    let Some(head) = hay.get(s..s + 4) else {
        return s + 1;
    };
    let mut buf = [0u8; MAX];
    buf[..4].copy_from_slice(head);
    let mut n = 4;
    let mut i = s + 4;
    if at(hay, i) == b' ' && is_bban(at(hay, i + 1)) {
        // Groups of four; the last may be shorter.
        while n < len {
            if at(hay, i) != b' ' {
                return s + 1;
            }
            let gs = i + 1;
            let mut ge = gs;
            while ge - gs < 4 && is_bban(at(hay, ge)) {
                ge += 1;
            }
            let g = ge - gs;
            if g == 0 || n + g > len || (g < 4 && n + g != len) {
                return s + 1;
            }
            buf[n..n + g].copy_from_slice(&hay[gs..ge]);
            n += g;
            i = ge;
        }
    } else {
        while n < len && is_bban(at(hay, i)) {
            buf[n] = hay[i];
            n += 1;
            i += 1;
        }
        if n != len {
            return i;
        }
    }
    if is_word(at(hay, i)) {
        return i;
    }
    if mod97(&buf[..n]) {
        digits::push(out, s, i);
    }
    i
}

/// ISO 7064 mod 97-10 over the rearranged IBAN (no allocation).
fn mod97(iban: &[u8]) -> bool {
    let mut rem = 0u32;
    for &b in iban[4..].iter().chain(&iban[..4]) {
        rem = match b {
            b'0'..=b'9' => (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return false,
        };
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    fn spans(s: &str) -> Vec<&str> {
        crate::finders::spans_of(super::find, s)
    }

    const IBANS: &[&str] = &[
        "GB82WEST12345698765432",
        "GB82 WEST 1234 5698 7654 32",
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "FR1420041010050500013M02606",
        "FR76 3000 6000 0112 3456 7890 189",
        "NL91ABNA0417164300",
        "BE68539007547034",
        "NO9386011117947",
        "CH9300762011623852957",
        "MT84MALT011000012345MTLCAST001S",
    ];

    #[test]
    fn finds_ibans() {
        for i in IBANS {
            assert_eq!(spans(i), [*i], "{i}");
        }
        assert_eq!(
            spans("iban=DE89370400440532013000&bic=COBADEFFXXX"),
            ["DE89370400440532013000"]
        );
        assert_eq!(
            spans("Pay to DE89 3704 0044 0532 0130 00 EUR 12"),
            ["DE89 3704 0044 0532 0130 00"]
        );
        assert_eq!(
            spans("\"GB82WEST12345698765432\","),
            ["GB82WEST12345698765432"]
        );
    }

    #[test]
    fn every_offset_across_blocks() {
        for i in IBANS {
            for off in 0..140 {
                let s = format!("{}{i}.", " ".repeat(off));
                assert_eq!(spans(&s), [*i], "{i} at {off}");
            }
        }
    }

    #[test]
    fn skips_lookalikes() {
        for s in [
            "GB82WEST12345698765433",  // mod 97
            "GB82WEST1234569876543",   // short for GB
            "GB82WEST123456987654321", // long for GB
            "XGB82WEST12345698765432",
            "GB82WEST12345698765432X",
            "_GB82WEST12345698765432",
            "XX82WEST12345698765432",        // not a country
            "gb82west12345698765432",        // lowercase
            "GB82 WEST 1234 5698 7654 3",    // short in groups
            "GB82 WEST 12345 698 7654 32",   // bad grouping
            "DE89 3704 0044 0532 0130 0012", // group runs on
            "ID12 is fine",
            "SHA256 AB12CD",
        ] {
            assert!(spans(s).is_empty(), "{s}: {:?}", spans(s));
        }
    }

    #[test]
    fn never_panics_on_edges() {
        let long = "GB82".repeat(30_000);
        for s in [
            "",
            "G",
            "GB",
            "GB8",
            "GB82",
            "GB82 ",
            "GB82 WEST 1234 5698 7654 ",
            "\u{ff}GB82\u{ff}",
            &long,
        ] {
            let _ = spans(s);
        }
    }
}
