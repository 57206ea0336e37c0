//! Phone numbers.
//!
//! Shapes accepted (each a whole token; see `start_ok` / `end_ok`):
//!
//! - international (E.164): `+` and 8–15 digits, country code not starting
//!   with `0`, optionally grouped with single spaces, dashes or dots and one
//!   parenthesised group: `+14155550123`, `+1 (415) 555-0123`,
//!   `+44 20 7946 0958`, `+44 (0)20 7946 0958`, `+49 30 901820`. `+1` numbers
//!   have exactly 11 digits. A space-separated group is not absorbed once the
//!   number has 10 digits (`+44 20 7946 0958 200 OK` stops before `200`);
//! - North American: `415-555-0123`, `415.555.0123`, `(415) 555-0123`,
//!   `(415)555-0123`, with an optional `1-` / `1 ` prefix; area code and
//!   exchange start with 2–9. `415 555 0123` (spaces only) needs a phone word
//!   (`phone`, `tel`, `mobile`, `cell`, `fax`, `sms` …) within 40 bytes
//!   before, since tables of numbers look the same;
//! - national with a trunk `0` (UK, DE and alike), single spaces or dashes:
//!   `020 7946 0958`, `0161 496 0000`, `07700 900123`, `07700 900 123`,
//!   `030 1234567`, `0151 23456789`;
//! - French: `01 23 45 67 89` (spaces, dots or dashes), not inside a hex dump;
//! - a bare 10-digit (North American) or 11-digit (`1…` or `0…`) run only
//!   with a phone word before it.
//!
//! Not phones: dates, times, versions, IPs, ranges (`100-200`), ports,
//! decimals, and bare digit runs (ids, epochs) without a phone word.
//!
//! Anchors (block masks): `+` before a digit; a 4+ digit group after a
//! separator that follows a digit (the last group of most layouts); the
//! start of a 10–11 digit run; the French and `5-3-3` layouts.

use super::digits::{self, at, before, is_digit, is_word, Lane, Simd};

const PREFIX_WORDS: &[&[u8]] = &[
    b"phone",
    b"telephone",
    b"mobile",
    b"cellphone",
    b"cell_phone",
    b"msisdn",
    b"whatsapp",
    b"fax",
];
const WHOLE_WORDS: &[&[u8]] = &[b"tel", b"cell", b"sms", b"mob", b"call"];
const CONTEXT_BYTES: usize = 40;

/// National layouts with a trunk `0` (group lengths).
const TRUNK_LAYOUTS: &[&[usize]] = &[
    &[3, 4, 4],
    &[4, 3, 4],
    &[5, 3, 3],
    &[5, 6],
    &[5, 5],
    &[4, 6],
    &[4, 7],
    &[4, 8],
    &[3, 7],
    &[3, 8],
];

digits::simd_dispatch!(pub fn find => find_with);

#[inline(always)]
pub(crate) fn find_with<S: Simd>(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut resume = 0;
    digits::blocks::<S, _>(
        hay,
        |c| {
            [
                c.digits(),
                (c.eq(b' ') | c.eq(b'-') | c.eq(b'.')).bits(),
                c.eq(b'+').bits(),
            ]
        },
        |base, &[d, s, plus]| visit(hay, base, d, s, plus, &mut resume, out),
    );
}

/// One block's anchors and checks (`d`: digits, `s`: space, `-` or `.`, `plus`: `+`).
#[inline(always)]
pub(crate) fn visit(
    hay: &[u8],
    base: usize,
    d: Lane,
    s: Lane,
    plus: Lane,
    resume: &mut usize,
    out: &mut Vec<(usize, usize)>,
) {
    // Branch-free: early exits on unpredictable masks cost more than
    // they save.
    let e164 = plus.at(0) & d.at(1);
    let head = d.at(0) & d.at(1);
    let four = head & d.at(2) & d.at(3);
    let pairs = head & s.at(2) & d.at(3) & d.at(4) & !d.at(-1);
    let last_group = four & s.at(-1) & d.at(-2) & !d.all(4, 8);
    // Exactly 10 or 11 digits (not 12+: ids, epochs, trace ids).
    let bare = four & d.all(4, 9) & !(d.at(10) & d.at(11));
    let five33 = four & d.at(4) & s.at(5) & d.all(6, 8) & s.at(9) & d.all(10, 12);
    let pair = |k: i32| d.at(k) & d.at(k + 1);
    let french = pairs & s.at(5) & pair(6) & s.at(8) & pair(9) & s.at(11) & pair(12);
    let anchors = e164 | last_group | (!d.at(-1) & (bare | five33)) | french;
    digits::each_anchor(anchors, base, resume, |p| check(hay, p, out));
}

fn check(hay: &[u8], p: usize, out: &mut Vec<(usize, usize)>) -> usize {
    let found = if at(hay, p) == b'+' {
        e164(hay, p)
    } else {
        let sep = before(hay, p, 1);
        let mut f = None;
        if matches!(sep, b' ' | b'-' | b'.') && is_digit(before(hay, p, 2)) {
            f = national_last_group(hay, p, sep);
        }
        if f.is_none() && !is_digit(before(hay, p, 1)) {
            f = french(hay, p)
                .or_else(|| trunk_forward(hay, p))
                .or_else(|| bare(hay, p));
        }
        f
    };
    match found {
        Some((s, e)) => {
            digits::push(out, s, e);
            e
        }
        None => p + 1,
    }
}

/// `+` country code and number.
fn e164(hay: &[u8], p: usize) -> Option<(usize, usize)> {
    let prev = before(hay, p, 1);
    if is_word(prev) || matches!(prev, b'.' | b'+' | b'/' | b'-') {
        return None;
    }
    let mut i = p + 1;
    let mut total = 0;
    let mut ngroups = 0;
    let mut cc_is_1 = false;
    let (mut open, mut closed) = (false, false);
    let end;
    loop {
        let e = digits::digits_end(hay, i, 15);
        let len = e - i;
        total += len;
        if len == 0 || total > 15 {
            return None;
        }
        if ngroups == 0 {
            if hay[i] == b'0' {
                return None;
            }
            cc_is_1 = len == 1 && hay[i] == b'1';
        }
        ngroups += 1;
        // Connector: [')'] [sep] ['('] then a digit.
        let mut j = e;
        let close = open && at(hay, j) == b')';
        if close {
            j += 1;
        }
        let sep = at(hay, j);
        let has_sep = matches!(sep, b' ' | b'-' | b'.');
        if has_sep {
            j += 1;
        }
        let opening = !open && !closed && at(hay, j) == b'(';
        if opening {
            j += 1;
        }
        let group_end = if close { e + 1 } else { e };
        if !(close || has_sep || opening) || !is_digit(at(hay, j)) {
            end = group_end;
            if close {
                open = false;
            }
            break;
        }
        if ngroups == 1 && len > 3 {
            return None; // a separated country code has 1–3 digits
        }
        if has_sep && sep == b' ' && !opening && total >= 10 {
            end = group_end;
            if close {
                open = false;
            }
            break;
        }
        if close {
            open = false;
            closed = true;
        }
        if opening {
            open = true;
        }
        i = j;
    }
    if open || total < 8 || (cc_is_1 && ngroups > 1 && total != 11) {
        return None;
    }
    end_ok(hay, end).then_some((p, end))
}

/// The group at `p` (after separator `sep`) as the last group of a North
/// American or trunk-`0` national number.
fn national_last_group(hay: &[u8], p: usize, sep: u8) -> Option<(usize, usize)> {
    let e = digits::digits_end(hay, p, 8);
    if e - p > 8 {
        return None;
    }
    // Not the last group: a later anchor handles the chain.
    if at(hay, e) == sep && is_digit(at(hay, e + 1)) {
        return None;
    }
    if !end_ok(hay, e) {
        return None;
    }
    nanp(hay, p, e, sep).or_else(|| trunk_backward(hay, p, e, sep))
}

/// `AAA-EEE-NNNN`, `AAA.EEE.NNNN`, `(AAA) EEE-NNNN`, `(AAA)EEE-NNNN`,
/// `AAA EEE NNNN` (with a phone word), optionally after `1-` / `1 `.
fn nanp(hay: &[u8], p: usize, e: usize, sep: u8) -> Option<(usize, usize)> {
    if e - p != 4 || p < 4 {
        return None;
    }
    let x = p - 4; // exchange
    if !hay[x..p - 1].iter().all(u8::is_ascii_digit) || !(b'2'..=b'9').contains(&hay[x]) {
        return None;
    }
    let b = before(hay, x, 1);
    let (mut start, spaced);
    if b == sep && x >= 4 {
        let a = x - 4;
        if !hay[a..x - 1].iter().all(u8::is_ascii_digit) || !(b'2'..=b'9').contains(&hay[a]) {
            return None;
        }
        start = a;
        spaced = sep == b' ';
        if before(hay, start, 1) == sep
            && before(hay, start, 2) == b'1'
            && !is_word(before(hay, start, 3))
        {
            start -= 2;
        }
    } else {
        // `(AAA)` then nothing or one space before the exchange.
        let close = if b == b')' {
            x - 1
        } else if b == b' ' && before(hay, x, 2) == b')' {
            x - 2
        } else {
            return None;
        };
        if close < 4 || hay[close - 4] != b'(' {
            return None;
        }
        let a = close - 3;
        if !hay[a..close].iter().all(u8::is_ascii_digit) || !(b'2'..=b'9').contains(&hay[a]) {
            return None;
        }
        start = close - 4;
        spaced = false;
        if before(hay, start, 1) == b' '
            && before(hay, start, 2) == b'1'
            && !is_word(before(hay, start, 3))
        {
            start -= 2;
        }
    }
    if !start_ok(hay, start) {
        return None;
    }
    if spaced && !has_context(hay, start) {
        return None;
    }
    Some((start, e))
}

/// Trunk-`0` national numbers, collected backwards from their last group.
fn trunk_backward(hay: &[u8], p: usize, e: usize, sep: u8) -> Option<(usize, usize)> {
    if sep == b'.' {
        return None;
    }
    let mut lens = [0usize; 3];
    lens[2] = e - p;
    let mut n = 1;
    let mut start = p;
    while before(hay, start, 1) == sep && is_digit(before(hay, start, 2)) {
        if n == 3 {
            return None; // a longer chain of numbers
        }
        let gs = digits::digits_start(hay, start - 1, 8);
        if start - 1 - gs > 8 {
            return None;
        }
        lens[2 - n] = start - 1 - gs;
        n += 1;
        start = gs;
    }
    trunk_ok(hay, start, &lens[3 - n..]).then_some((start, e))
}

/// `5-3-3` (`07700 900 123`) read forwards from its first group.
fn trunk_forward(hay: &[u8], s: usize) -> Option<(usize, usize)> {
    let sep = at(hay, s + 5);
    if !matches!(sep, b' ' | b'-') || at(hay, s + 9) != sep {
        return None;
    }
    let e = s + 13;
    if at(hay, e) == sep && is_digit(at(hay, e + 1)) {
        return None;
    }
    (trunk_ok(hay, s, &[5, 3, 3]) && end_ok(hay, e)).then_some((s, e))
}

fn trunk_ok(hay: &[u8], start: usize, lens: &[usize]) -> bool {
    TRUNK_LAYOUTS.contains(&lens)
        && at(hay, start) == b'0'
        && (b'1'..=b'9').contains(&at(hay, start + 1))
        && start_ok(hay, start)
}

/// `01 23 45 67 89`, `01.23.45.67.89`, `01-23-45-67-89`.
fn french(hay: &[u8], s: usize) -> Option<(usize, usize)> {
    let sep = at(hay, s + 2);
    if !matches!(sep, b' ' | b'.' | b'-') {
        return None;
    }
    for k in 0..5 {
        let g = s + 3 * k;
        if !is_digit(at(hay, g)) || !is_digit(at(hay, g + 1)) || (k < 4 && at(hay, g + 2) != sep) {
            return None;
        }
    }
    let e = s + 14;
    if at(hay, s) != b'0' || !(b'1'..=b'9').contains(&at(hay, s + 1)) {
        return None;
    }
    // Not a run of byte values (hex dumps: `00 01 23 45 67 89 ab cd`).
    let hex = |b: u8| b.is_ascii_hexdigit();
    if before(hay, s, 1) == sep && hex(before(hay, s, 2)) && hex(before(hay, s, 3)) {
        return None;
    }
    if at(hay, e) == sep && hex(at(hay, e + 1)) && hex(at(hay, e + 2)) && !is_word(at(hay, e + 3)) {
        return None;
    }
    (start_ok(hay, s) && end_ok(hay, e)).then_some((s, e))
}

/// A bare 10- or 11-digit run with a phone word before it.
fn bare(hay: &[u8], s: usize) -> Option<(usize, usize)> {
    let e = digits::digits_end(hay, s, 11);
    let d = &hay[s..e];
    let nanp = |d: &[u8]| (b'2'..=b'9').contains(&d[0]) && (b'2'..=b'9').contains(&d[3]);
    let ok = match d.len() {
        10 => nanp(d),
        11 => (d[0] == b'1' && nanp(&d[1..])) || (d[0] == b'0' && d[1] != b'0'),
        _ => false,
    };
    (ok && start_ok(hay, s) && end_ok(hay, e) && has_context(hay, s)).then_some((s, e))
}

fn has_context(hay: &[u8], s: usize) -> bool {
    digits::context_word(
        hay,
        s.saturating_sub(CONTEXT_BYTES),
        s,
        PREFIX_WORDS,
        WHOLE_WORDS,
    )
}

/// The byte before a national number must not continue a longer token
/// (`+` means the international reading applies, or failed).
fn start_ok(hay: &[u8], s: usize) -> bool {
    let p = before(hay, s, 1);
    let pp = before(hay, s, 2);
    match p {
        b'+' => false,
        b'.' | b',' | b'/' | b'-' => !is_word(pp),
        b':' | b' ' => !is_digit(pp),
        _ => !is_word(p),
    }
}

fn end_ok(hay: &[u8], e: usize) -> bool {
    let n = at(hay, e);
    match n {
        b'.' | b'-' | b'/' => !is_word(at(hay, e + 1)),
        b':' => !is_digit(at(hay, e + 1)),
        _ => !is_word(n),
    }
}

#[cfg(test)]
mod tests {
    fn spans(s: &str) -> Vec<&str> {
        crate::finders::spans_of(super::find, s)
    }

    const PHONES: &[&str] = &[
        "+14155550123",
        "+1 (415) 555-0123",
        "+1 415 555 0123",
        "+1-415-555-0123",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+49 30 901820",
        "+33 1 23 45 67 89",
        "+4915123456789",
        "(415) 555-0123",
        "(415)555-0123",
        "415-555-0123",
        "415.555.0123",
        "1-800-555-0199",
        "020 7946 0958",
        "0161 496 0000",
        "07700 900123",
        "07700 900 123",
        "030 1234567",
        "0151 23456789",
        "01 23 45 67 89",
        "06.12.34.56.78",
    ];

    #[test]
    fn finds_phones() {
        for p in PHONES {
            assert_eq!(spans(p), [*p], "{p}");
        }
        assert_eq!(
            spans("call me at +1 (415) 555-0123."),
            ["+1 (415) 555-0123"]
        );
        assert_eq!(spans("\"phone\":\"415-555-0123\""), ["415-555-0123"]);
        assert_eq!(spans("tel:+442079460958"), ["+442079460958"]);
        assert_eq!(spans("+44 20 7946 0958 200 OK"), ["+44 20 7946 0958"]);
        assert_eq!(spans("phone=4155550123"), ["4155550123"]);
        assert_eq!(spans("Mobile: 07700900123"), ["07700900123"]);
        assert_eq!(spans("phone 415 555 0123"), ["415 555 0123"]);
        assert_eq!(spans("sent 415-555-0123 200"), ["415-555-0123"]);
        assert_eq!(spans("(+44 20 7946 0958)"), ["+44 20 7946 0958"]);
    }

    #[test]
    fn every_offset_across_blocks() {
        for p in PHONES {
            for off in 0..140 {
                let s = format!("{}{p} x", "_ ".repeat(off / 2) + &" ".repeat(off % 2));
                assert_eq!(spans(&s), [*p], "{p} at {off}");
            }
        }
    }

    #[test]
    fn skips_lookalikes() {
        for s in [
            "2024-01-15",
            "2024-01-15T10:23:45.123+00:00",
            "10:23:45",
            "v1.2.3456",
            "10.0.0.1",
            "192.168.100.200",
            "took 1234ms",
            "100-200",
            "port 54321",
            "3.14159265358",
            "4155550123", // bare run, no phone word
            "id=4155550123",
            "ts=1705312345123",
            "telemetry_id=4155550123",
            "415 555 0123", // spaces only, no phone word
            "size 256 512 1024",
            "555-123-4567", // exchange starts with 1
            "123-456-7890", // area starts with 1
            "415-555-0123-99",
            "12-415-555-0123",
            "x415-555-0123",
            "415-555-01234",
            "1.0.0+20130313144700", // semver build metadata
            "UTC+0530",
            "a+14155550123",
            "+0123456789",
            "+1234567",          // 7 digits
            "+1234567890123456", // 16 digits
            "+1 415 555 01234",
            "00000010  01 23 45 67 89 ab cd ef",
            "00 11 22 33 44",
            "1234-5678-9012",
            "2024 0161 496 0000 12",
            "01.02.2024",
            "@@ -1,5 +1,7 @@",
        ] {
            assert!(spans(s).is_empty(), "{s}: {:?}", spans(s));
        }
    }

    #[test]
    fn never_panics_on_edges() {
        let long = "4".repeat(100_000);
        let plus = "+1 ".repeat(10_000);
        for s in [
            "",
            "+",
            "+1",
            "(",
            "(415)",
            "(415) 555-",
            "415-555-",
            "+44 (0",
            "+44 (0)",
            ") 555-0123",
            "0 555-0123",
            "+1 (",
            "\u{ff}+1\u{ff}",
            &long,
            &plus,
        ] {
            let _ = spans(s);
        }
    }
}
