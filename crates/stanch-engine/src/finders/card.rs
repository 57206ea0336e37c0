//! Payment card numbers (PANs).
//!
//! Anchor: a digit-run start followed by 13+ digits, or by 4 digits, one
//! other byte and 4 digits (true of every compact and grouped layout),
//! found with block masks. Then the number is parsed exactly:
//!
//! - compact: one run of 13–19 digits; runs of 17–19 digits (the length of
//!   Datadog trace/span ids and other decimal u64 ids) also need a card word
//!   (`card`, `cc`, `pan`, `visa`, `payment`, `credit`, `number` …) within
//!   40 bytes before;
//! - grouped with single spaces or single dashes (one kind per number):
//!   4-4-4-4, 4-4-4-4-1..3, 4-6-5 (Amex), 4-6-4 (Diners), 4-4-4-3. With
//!   spaces, trailing groups that are not part of the card (`… 1111 12/25`)
//!   are left out; with dashes the whole dashed token must be the card.
//!
//! and checked: Luhn, a real issuer prefix for that length, and token
//! boundaries (not glued to letters, digits, `_`, nor to `.`, `/`, `-` that
//! continue a longer token: UUID parts, decimals, versions, paths; not after
//! `+`, which makes it a phone number). Epoch milliseconds and nanoseconds
//! start with `1`, which no issuer uses.

use super::digits::{self, at, before, is_digit, is_word, Lane, Simd};

/// Words that make a long (17–19 digit) unseparated run a card candidate,
/// matched at a word start (`card_number`, `creditCard`, not `span_id`).
const CONTEXT: &[&[u8]] = &[
    b"card",
    b"ccn",
    b"visa",
    b"mastercard",
    b"amex",
    b"payment",
    b"credit",
    b"debit",
    b"number",
    b"acct",
    b"account",
];
/// Short words, only as words of their own (`cc_num`, `PAN:`, not `pancake`).
const CONTEXT_WHOLE: &[&[u8]] = &[b"cc", b"pan"];
const CONTEXT_BYTES: usize = 40;

/// Grouped layouts (group lengths, first to last).
const LAYOUTS: &[&[u8]] = &[
    &[4, 4, 4, 4],
    &[4, 4, 4, 4, 3],
    &[4, 4, 4, 4, 2],
    &[4, 4, 4, 4, 1],
    &[4, 6, 5],
    &[4, 4, 4, 3],
    &[4, 6, 4],
];

const MAX_GROUPS: usize = 5;

digits::simd_dispatch!(pub fn find => find_with);

#[inline(always)]
pub(crate) fn find_with<S: Simd>(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut resume = 0;
    digits::blocks::<S, _>(
        hay,
        |c| [c.digits()],
        |base, &[d]| visit(hay, base, d, &mut resume, out),
    );
}

/// One block's anchors and checks (`d`: digits).
#[inline(always)]
pub(crate) fn visit(
    hay: &[u8],
    base: usize,
    d: Lane,
    resume: &mut usize,
    out: &mut Vec<(usize, usize)>,
) {
    // A run start with 13+ digits, or 4 digits, one other byte, 4 digits.
    let compact = d.all(4, 12);
    let grouped = !d.at(4) & d.all(5, 8);
    let anchors = !d.at(-1) & d.all(0, 3) & (compact | grouped);
    digits::each_anchor(anchors, base, resume, |s| check(hay, s, out));
}

/// Parses the number starting at the digit-run start `s`; pushes it if it is
/// a card. Returns where scanning resumes.
fn check(hay: &[u8], s: usize, out: &mut Vec<(usize, usize)>) -> usize {
    // Compact: one run of 7+ digits (the common anchor: long ids, epochs).
    let e = digits::digits_end(hay, s, 19);
    let len = e - s;
    if len > 19 {
        return digits::run_end(hay, e, is_digit);
    }
    if len > 6 {
        // Cheapest checks first: length, issuer, Luhn, then boundaries and
        // (17–19 digits) the context words.
        if (13..=19).contains(&len)
            && is_card(&hay[s..e])
            && start_ok(hay, s)
            && end_ok(hay, e)
            && (len <= 16
                || digits::context_word(
                    hay,
                    s.saturating_sub(CONTEXT_BYTES),
                    s,
                    CONTEXT,
                    CONTEXT_WHOLE,
                ))
        {
            digits::push(out, s, e);
        }
        return e;
    }

    // Group chain: digit runs joined by one separator byte of a single kind.
    let mut groups = [(0usize, 0usize); MAX_GROUPS];
    let mut ng = 0;
    let mut sep = 0u8;
    let mut i = s;
    loop {
        let e = digits::digits_end(hay, i, 19);
        let len = e - i;
        if len > 19 {
            return digits::run_end(hay, e, is_digit);
        }
        groups[ng] = (i, e);
        ng += 1;
        let b = at(hay, e);
        let joined = len <= 6
            && (b == b' ' || b == b'-')
            && (sep == 0 || sep == b)
            && is_digit(at(hay, e + 1));
        if !joined {
            break;
        }
        if ng == MAX_GROUPS {
            if sep == b'-' {
                // A longer dashed token (ids, phone-like numbers).
                return digits::run_end(hay, e, |b| is_digit(b) || b == b'-');
            }
            break;
        }
        sep = b;
        i = e + 1;
    }
    if !start_ok(hay, s) {
        return groups[ng - 1].1;
    }
    let end_of_chain = groups[ng - 1].1;

    if ng == 1 {
        return end_of_chain;
    }

    // Grouped. With dashes the whole chain must be the card; with spaces the
    // card may be followed by more space-separated numbers (expiry, CVV).
    for layout in LAYOUTS {
        let k = layout.len();
        if k > ng || (sep == b'-' && k != ng) {
            continue;
        }
        if layout
            .iter()
            .zip(&groups[..k])
            .any(|(&l, &(a, b))| b - a != usize::from(l))
        {
            continue;
        }
        let end = groups[k - 1].1;
        if !end_ok(hay, end) {
            continue;
        }
        if k < ng && groups[k].1 - groups[k].0 == 4 {
            continue; // a longer row of 4-digit groups, not a card and its expiry
        }
        let mut buf = [0u8; 19];
        let mut n = 0;
        for &(a, b) in &groups[..k] {
            buf[n..n + (b - a)].copy_from_slice(&hay[a..b]);
            n += b - a;
        }
        if is_card(&buf[..n]) {
            digits::push(out, s, end);
            return end;
        }
    }
    end_of_chain
}

/// The byte before the number must not continue a longer token.
fn start_ok(hay: &[u8], s: usize) -> bool {
    let p = before(hay, s, 1);
    let pp = before(hay, s, 2);
    match p {
        b'+' => false, // +4930… is a phone number
        b'.' | b'/' | b'-' => !is_word(pp) && pp != b'.',
        b' ' => !is_digit(pp), // the middle of a space-separated chain
        _ => !is_word(p),
    }
}

/// The byte after the number must not continue a longer token.
fn end_ok(hay: &[u8], e: usize) -> bool {
    let n = at(hay, e);
    match n {
        b'.' | b'/' | b'-' => !is_word(at(hay, e + 1)),
        _ => !is_word(n),
    }
}

/// Luhn and an issuer prefix that uses this length.
fn is_card(d: &[u8]) -> bool {
    issuer_ok(d) && digits::luhn_ok(d)
}

fn issuer_ok(d: &[u8]) -> bool {
    let n = d.len();
    if n < 13 {
        return false;
    }
    let p4 = digits::value(&d[..4]);
    let (p2, p3) = (p4 / 100, p4 / 10);
    let long = (16..=19).contains(&n);
    match d[0] {
        b'4' => n == 13 || n == 16 || n == 19, // Visa
        b'5' => {
            ((51..=55).contains(&p2) && n == 16)                        // Mastercard
                || ((p2 == 50 || (56..=58).contains(&p2)) && long) // Maestro
        }
        b'2' => ((2221..=2720).contains(&p4) || (2200..=2204).contains(&p4)) && n == 16, // Mastercard, Mir
        b'3' => {
            ((p2 == 34 || p2 == 37) && n == 15)                         // Amex
                || ((3528..=3589).contains(&p4) && long)                // JCB
                || (((300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39)
                    && (14..=19).contains(&n)) // Diners
        }
        b'6' => {
            (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65        // Discover
                || p2 == 62                                             // UnionPay
                || p2 == 63 || p2 == 67)                                // Maestro
                && long
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    fn spans(s: &str) -> Vec<&str> {
        crate::finders::spans_of(super::find, s)
    }

    const CARDS: &[&str] = &[
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "5555555555554444",
        "5105 1051 0510 5100",
        "2223003122003222",
        "378282246310005",
        "3782 822463 10005",
        "371449635398431",
        "6011111111111117",
        "6011 0009 9013 9424",
        "3566002020360505",
        "30569309025904",
        "3056 930902 5904",
        "6200000000000005",
        "4222222222222",
        "4000 0000 0000 0000 006",
    ];

    #[test]
    fn finds_cards() {
        for c in CARDS {
            assert_eq!(spans(c), [*c], "{c}");
        }
        assert_eq!(
            spans("card=4111111111111111&exp=1225"),
            ["4111111111111111"]
        );
        assert_eq!(
            spans("{\"pan\":\"5555555555554444\"}"),
            ["5555555555554444"]
        );
        assert_eq!(
            spans("Card: 4111 1111 1111 1111 12/25 CVV 123"),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(
            spans("paid with 4111111111111111 12 2025."),
            ["4111111111111111"]
        );
        assert_eq!(
            spans("cards 4111111111111111,5555555555554444"),
            ["4111111111111111", "5555555555554444"]
        );
        assert_eq!(spans("pan: 4000000000000000006"), ["4000000000000000006"]); // 19, with context
    }

    #[test]
    fn every_offset_across_blocks() {
        for c in CARDS {
            for off in 0..140 {
                let s = format!("{}{c} x", " ".repeat(off));
                assert_eq!(spans(&s), [*c], "{c} at {off}");
            }
        }
    }

    #[test]
    fn skips_lookalikes() {
        for s in [
            "4111111111111112",                                               // Luhn
            "1705312345123",                                                  // epoch millis
            "1705312345123456789",                                            // epoch nanos
            "dd.trace_id=4000000000000000006 dd.span_id=4000000000000000006", // 19 digits, no card word
            "span_id=5105105105105100123",
            "7105105105105100", // no issuer starts with 7
            "550e8400-e29b-41d4-a716-446655440000",
            "sha=4111111111111111abc",
            "v4111111111111111",
            "1.4111111111111111",
            "4111111111111111.5",
            "x/4111111111111111/y",
            "+4111111111111111",
            "id-4111111111111111",
            "4111-1111-1111-1111-1111", // longer dashed token
            "4111 1111-1111 1111",      // mixed separators
            "12 4111 1111 1111 1111",   // middle of a number chain
            "378282246310005 is amex but 37828224631000", // second: 14 digits Amex
            "4111111111111111111111",   // 22 digits
            "5555 5555 5555 4444 5555 5555", // 24 digits in a row of groups
        ] {
            let got = spans(s);
            let bad: Vec<_> = got
                .iter()
                .filter(|g| !s.starts_with("378282246310005") || **g != "378282246310005")
                .collect();
            assert!(bad.is_empty(), "{s}: {got:?}");
        }
    }

    #[test]
    fn never_panics_on_edges() {
        let long = "4".repeat(100_000);
        for s in [
            "",
            "4",
            "4111 ",
            "4111 1111 1111 1111 ",
            " 4111-",
            "\u{ff}4111111111111111\u{ff}",
            &long,
        ] {
            let _ = spans(s);
        }
        let mut out = Vec::new();
        super::find(&[0xff, b'4', b'1', 0x80], &mut out);
    }
}
