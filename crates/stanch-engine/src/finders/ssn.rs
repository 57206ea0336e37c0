//! US Social Security numbers.
//!
//! - `AAA-GG-SSSS` or `AAA GG SSSS` (one separator kind) as a whole token:
//!   not glued to letters, digits or `_`, and not part of a longer digit/dash
//!   (or digit/space) sequence (`123-45-6789-01`, `1-123-45-6789`);
//! - a bare 9-digit run only with an SSN word (`ssn`, `social security`,
//!   `social_security_number`, `tax id` …) within 40 bytes before.
//!
//! Area, group and serial ranges (no `000`, `666`, `9xx`, `00`, `0000`) are
//! checked here to drop candidates early; the `ssn` validator repeats them
//! and also rejects famous published numbers.
//!
//! Anchors (block masks): the `3-2-4` layout, and exact 9-digit runs.

use super::digits::{self, at, before, is_digit, is_word, Lane, Simd};

const CONTEXT_BYTES: usize = 40;
/// Context words, matched case-insensitively at a word start (`ssn_last4`,
/// `SSN:`, but not `classname`).
const WORDS: &[&[u8]] = &[
    b"ssn",
    b"social security",
    b"social_security",
    b"socialsecurity",
    b"social-security",
    b"tax id",
    b"tax_id",
    b"taxid",
    b"tax-id",
    b"taxpayer",
];

digits::simd_dispatch!(pub fn find => find_with);

#[inline(always)]
pub(crate) fn find_with<S: Simd>(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut resume = 0;
    digits::blocks::<S, _>(
        hay,
        |c| [c.digits(), (c.eq(b'-') | c.eq(b' ')).bits()],
        |base, &[d, s]| visit(hay, base, d, s, &mut resume, out),
    );
}

/// One block's anchors and checks (`d`: digits, `s`: `-` or space).
#[inline(always)]
pub(crate) fn visit(
    hay: &[u8],
    base: usize,
    d: Lane,
    s: Lane,
    resume: &mut usize,
    out: &mut Vec<(usize, usize)>,
) {
    let start = !d.at(-1);
    let dashed = d.all(0, 2) & s.at(3) & d.all(4, 5) & s.at(6) & d.all(7, 10) & !d.at(11);
    let bare = d.all(0, 8) & !d.at(9);
    let anchors = start & (dashed | bare);
    digits::each_anchor(anchors, base, resume, |p| check(hay, p, out));
}

fn check(hay: &[u8], s: usize, out: &mut Vec<(usize, usize)>) -> usize {
    let sep = at(hay, s + 3);
    let found = if is_digit(sep) {
        // A bare 9-digit run (the anchor saw exactly nine digits).
        let e = s + 9;
        hay.get(s..e).and_then(|d| {
            (ranges_ok(&d[..3], &d[3..5], &d[5..])
                && start_ok(hay, s, 0)
                && end_ok(hay, e, 0)
                && has_context(hay, s))
            .then_some(e)
        })
    } else {
        let e = s + 11;
        hay.get(s..e).and_then(|d| {
            (d[6] == sep
                && ranges_ok(&d[..3], &d[4..6], &d[7..])
                && start_ok(hay, s, sep)
                && end_ok(hay, e, sep))
            .then_some(e)
        })
    };
    match found {
        Some(e) => {
            digits::push(out, s, e);
            e
        }
        None => s + 1,
    }
}

fn ranges_ok(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    let area = digits::value(area);
    area != 0
        && area != 666
        && area < 900
        && digits::value(group) != 0
        && digits::value(serial) != 0
}

/// Not glued to a word, nor continuing a longer token through `-`, `.` or
/// `/`, nor (space-separated form) a longer row of numbers.
fn start_ok(hay: &[u8], s: usize, sep: u8) -> bool {
    let p = before(hay, s, 1);
    let pp = before(hay, s, 2);
    if is_word(p) {
        return false;
    }
    match p {
        b'-' | b'.' | b'/' => !is_word(pp),
        b' ' if sep == b' ' => !is_digit(pp),
        _ => true,
    }
}

fn end_ok(hay: &[u8], e: usize, sep: u8) -> bool {
    let n = at(hay, e);
    if is_word(n) {
        return false;
    }
    match n {
        b'-' | b'.' | b'/' => !is_word(at(hay, e + 1)),
        b' ' if sep == b' ' => !is_digit(at(hay, e + 1)),
        _ => true,
    }
}

fn has_context(hay: &[u8], s: usize) -> bool {
    let lo = s.saturating_sub(CONTEXT_BYTES);
    digits::context_word(hay, lo, s, WORDS, &[])
}

#[cfg(test)]
mod tests {
    fn spans(s: &str) -> Vec<&str> {
        crate::finders::spans_of(super::find, s)
    }

    #[test]
    fn finds_ssns() {
        assert_eq!(spans("123-45-6780"), ["123-45-6780"]);
        assert_eq!(spans("ssn 123 45 6780."), ["123 45 6780"]);
        assert_eq!(spans("{\"ssn\":\"536-22-1234\"}"), ["536-22-1234"]);
        assert_eq!(spans("SSN: 536221234"), ["536221234"]);
        assert_eq!(spans("social_security_number=536221234"), ["536221234"]);
        assert_eq!(spans("Tax ID 536221234,"), ["536221234"]);
        assert_eq!(
            spans("ids 123-45-6780, 536-22-1234"),
            ["123-45-6780", "536-22-1234"]
        );
    }

    #[test]
    fn every_offset_across_blocks() {
        for v in ["123-45-6780", "123 45 6780"] {
            for off in 0..140 {
                let s = format!("{}{v}.", "x ".repeat(off / 2) + &"_ ".repeat(off % 2));
                assert_eq!(spans(&s), [v], "{v} at {off}");
            }
        }
        for off in 0..140 {
            let s = format!(
                "ssn: {}536221234",
                " ".repeat(off % 30) + &"\t".repeat(off / 30 * 9)
            );
            let want = if off % 30 + off / 30 * 9 + 5 <= 40 {
                vec!["536221234"]
            } else {
                vec![]
            };
            assert_eq!(spans(&s), want, "at {off}");
        }
    }

    #[test]
    fn skips_lookalikes() {
        for s in [
            "123-45-6789-01",
            "1-123-45-6789",
            "x123-45-6789",
            "123-45-67890",
            "0123-45-6789",
            "555-123-4567",
            "123-45 6789", // mixed separators
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-3456",
            "123-45-0000",
            "536221234", // bare, no context
            "classname=536221234",
            "order 536221234",
            "ssn 5362212345",
            "2024-01-15",
            "12 123 45 6789",
            "1.123-45-6789",
        ] {
            assert!(spans(s).is_empty(), "{s}: {:?}", spans(s));
        }
    }

    #[test]
    fn never_panics_on_edges() {
        let long = "123-45-6789-".repeat(10_000);
        let nines = "9".repeat(100_000);
        for s in [
            "",
            "1",
            "123-",
            "123-45-",
            "123-45-678",
            "ssn",
            "ssn 12345678",
            &long,
            &nines,
        ] {
            let _ = spans(s);
        }
    }
}
