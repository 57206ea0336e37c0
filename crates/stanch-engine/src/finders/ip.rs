//! IP addresses.
//!
//! IPv4: a dotted quad of decimal octets 0–255 without leading zeros
//! (`01.02.03.04` is a date or a version, not an address), as a whole token:
//! not after a letter, digit, `_` or `.` (`v1.2.3.4`, `x1.2.3.4`), not
//! after `name/` (`Chrome/120.0.6099.109`), not before `.digit` (5-part
//! versions, OIDs), a letter, `_` or `-letter` (`1.2.3.4-beta`), and not
//! right after the word `version`. Not reported: `0.x.x.x` ("this network",
//! incl. `0.0.0.0`) and `255.x.x.x` (netmasks, broadcast), which are never a
//! host. Loopback and private ranges *are* reported (the rules are `info`:
//! a scan shows where addresses occur; redaction leaves them unless asked).
//!
//! IPv6: RFC 4291 text forms: eight groups of 1–4 hex digits, or fewer with
//! exactly one `::`, optionally ending in an embedded dotted quad
//! (`::ffff:192.0.2.1`). A zone (`fe80::1%eth0`) is left out of the span.
//! Rejected: no decimal digit at all (`dead::beef`, `Abc::Def`, C++/Rust
//! paths like `std::vector` fail the token boundary anyway), `::` alone,
//! MAC-like eight two-digit groups, more than eight groups (colon-hex
//! fingerprints), and times (`10:23:45` has three groups and no `::`).
//!
//! Anchors (block masks): IPv4 — two digit-dot-digit triples one octet
//! apart; IPv6 — `::` next to a hex digit, or four colons each 2–5 bytes
//! after the previous (times like `10:23:45` have three).

use super::digits::{self, at, before, is_digit, is_word, Lane, Simd};

digits::simd_dispatch!(pub fn find_v4 => find_v4_with);

#[inline(always)]
pub(crate) fn find_v4_with<S: Simd>(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut resume = 0;
    digits::blocks::<S, _>(
        hay,
        |c| [c.digits(), c.eq(b'.').bits()],
        |base, &[d, dot]| visit_v4(hay, base, d, dot, &mut resume, out),
    );
}

/// One block's IPv4 anchors and checks (`d`: digits, `dot`: `.`).
#[inline(always)]
pub(crate) fn visit_v4(
    hay: &[u8],
    base: usize,
    d: Lane,
    dot: Lane,
    resume: &mut usize,
    out: &mut Vec<(usize, usize)>,
) {
    let t = |k: i32| dot.at(k) & d.at(k - 1) & d.at(k + 1);
    let anchors = t(0) & (t(2) | t(3) | t(4));
    digits::each_anchor(anchors, base, resume, |p| check_v4(hay, p, out));
}

/// `p` is the first dot of two; the address (if any) starts at the digit run
/// before it.
fn check_v4(hay: &[u8], p: usize, out: &mut Vec<(usize, usize)>) -> usize {
    let skip = || digits::run_end(hay, p, |b| is_digit(b) || b == b'.');
    let s = digits::digits_start(hay, p, 3);
    if p - s > 3 {
        return skip();
    }
    let Some(e) = parse_v4(hay, s) else {
        return skip();
    };
    if !v4_start_ok(hay, s) || !v4_end_ok(hay, e) {
        return skip();
    }
    let first = digits::value(&hay[s..digits::digits_end(hay, s, 3)]);
    if first == 0 || first == 255 {
        return e;
    }
    digits::push(out, s, e);
    e
}

/// Four octets from `s`; returns the end.
fn parse_v4(hay: &[u8], s: usize) -> Option<usize> {
    let mut i = s;
    for k in 0..4 {
        if k > 0 {
            if at(hay, i) != b'.' {
                return None;
            }
            i += 1;
        }
        let e = digits::digits_end(hay, i, 3);
        let len = e - i;
        if len == 0 || len > 3 || (len > 1 && hay[i] == b'0') || digits::value(&hay[i..e]) > 255 {
            return None;
        }
        i = e;
    }
    Some(i)
}

fn v4_start_ok(hay: &[u8], s: usize) -> bool {
    let p = before(hay, s, 1);
    if is_word(p) || p == b'.' {
        return false;
    }
    if p == b'/' && is_word(before(hay, s, 2)) {
        return false; // product/version tokens
    }
    !after_version_word(hay, s)
}

/// `version 1.2.3.4`, `"version":"1.2.3.4"`, `version=1.2.3.4`.
fn after_version_word(hay: &[u8], s: usize) -> bool {
    let mut i = s;
    while i > 0 && s - i < 4 && matches!(hay[i - 1], b' ' | b'"' | b'\'' | b':' | b'=') {
        i -= 1;
    }
    i >= 7 && hay[i - 7..i].eq_ignore_ascii_case(b"version")
}

fn v4_end_ok(hay: &[u8], e: usize) -> bool {
    let n = at(hay, e);
    match n {
        b'.' => !is_digit(at(hay, e + 1)),
        b'-' => !at(hay, e + 1).is_ascii_alphabetic(),
        _ => !is_word(n),
    }
}

digits::simd_dispatch!(pub fn find_v6 => find_v6_with);

#[inline(always)]
pub(crate) fn find_v6_with<S: Simd>(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut resume = 0;
    digits::blocks::<S, _>(
        hay,
        |c| {
            let hex = c.range(b'0', b'9') | c.range(b'a', b'f') | c.range(b'A', b'F');
            [c.eq(b':').bits(), hex.bits()]
        },
        |base, &[c, h]| visit_v6(hay, base, c, h, &mut resume, out),
    );
}

/// One block's IPv6 anchors and checks (`c`: `:`, `h`: hex digits).
#[inline(always)]
pub(crate) fn visit_v6(
    hay: &[u8],
    base: usize,
    c: Lane,
    h: Lane,
    resume: &mut usize,
    out: &mut Vec<(usize, usize)>,
) {
    if c.at(0) == 0 {
        return;
    }
    // `::` next to a hex digit, or four colons each 2–5 bytes after the
    // previous one (an address without `::` has seven).
    let compressed = c.at(0) & c.at(1) & (h.at(-1) | h.at(2));
    let pair = c.at(0) & (c.at(2) | c.at(3) | c.at(4) | c.at(5));
    if compressed | pair == 0 {
        return; // the common case: colons far apart (JSON, `key: value`)
    }
    let a = [
        c.at(0),
        c.at(1),
        c.at(2),
        c.at(3),
        c.at(4),
        c.at(5),
        c.at(6),
        c.at(7),
        c.at(8),
        c.at(9),
        c.at(10),
        c.at(11),
        c.at(12),
        c.at(13),
        c.at(14),
        c.at(15),
    ];
    let near = |j: usize| a[j] & (a[j + 2] | a[j + 3] | a[j + 4] | a[j + 5]);
    let three = |j: usize| a[j] & (near(j + 2) | near(j + 3) | near(j + 4) | near(j + 5));
    let four = a[0] & (three(2) | three(3) | three(4) | three(5));
    let anchors = compressed | four;
    digits::each_anchor(anchors, base, resume, |p| check_v6(hay, p, out));
}

fn is_v6_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':'
}

/// `p` is a colon inside the candidate; the candidate is the run of hex
/// digits and colons around it (dots for an embedded IPv4 tail).
fn check_v6(hay: &[u8], p: usize, out: &mut Vec<(usize, usize)>) -> usize {
    let skip = || digits::run_end(hay, p, |b| is_v6_byte(b) || b == b'.');
    let mut s = p;
    while s > 0 && p - s <= 45 && is_v6_byte(hay[s - 1]) {
        s -= 1;
    }
    if p - s > 45 {
        return skip();
    }
    let prev = before(hay, s, 1);
    if is_word(prev) || prev == b'.' {
        return skip();
    }
    match parse_v6(hay, s) {
        Some(e) if v6_end_ok(hay, e) => {
            digits::push(out, s, e);
            // Past the whole run, so a later colon of it (`fe80::1:`) does
            // not walk back to the same start.
            skip()
        }
        _ => skip(),
    }
}

/// An IPv6 address from `s`; returns its end.
fn parse_v6(hay: &[u8], s: usize) -> Option<usize> {
    let mut i = s;
    let mut groups = 0; // 16-bit groups written out
    let mut compressed = false;
    let mut has_digit = false;
    let mut all_two = true;
    if at(hay, i) == b':' {
        if at(hay, i + 1) != b':' {
            return None;
        }
        compressed = true;
        i += 2;
    }
    loop {
        let gs = i;
        while i - gs < 5 && at(hay, i).is_ascii_hexdigit() {
            i += 1;
        }
        let g = i - gs;
        if g == 0 {
            // Only after `::` (or at its very end) may a group be missing.
            if !(compressed && i >= 2 && hay[i - 1] == b':' && hay[i - 2] == b':') {
                return None;
            }
            break;
        }
        if at(hay, i) == b'.' {
            // Embedded IPv4 in the last 32 bits.
            let e = parse_v4(hay, gs)?;
            if groups > 6 {
                return None;
            }
            groups += 2;
            has_digit = true;
            all_two = false;
            i = e;
            break;
        }
        if g > 4 {
            return None;
        }
        groups += 1;
        has_digit |= hay[gs..i].iter().any(u8::is_ascii_digit);
        all_two &= g == 2;
        if groups > 8 {
            return None;
        }
        if at(hay, i) != b':' {
            break;
        }
        if at(hay, i + 1) == b':' {
            if compressed {
                return None;
            }
            compressed = true;
            i += 2;
        } else if at(hay, i + 1).is_ascii_hexdigit() {
            i += 1;
        } else {
            break; // a trailing `:` (`host:port:` style) is not ours
        }
    }
    let ok = if compressed {
        groups <= 7
    } else {
        groups == 8 && !all_two
    };
    (ok && has_digit).then_some(i)
}

fn v6_end_ok(hay: &[u8], e: usize) -> bool {
    let n = at(hay, e);
    match n {
        b'.' => !is_digit(at(hay, e + 1)),
        b':' => !at(hay, e + 1).is_ascii_alphanumeric(),
        b'%' => true, // zone index
        _ => !is_word(n),
    }
}

#[cfg(test)]
mod tests {
    fn v4(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        super::find_v4(s.as_bytes(), &mut out);
        out.iter().map(|&(a, b)| &s[a..b]).collect()
    }

    fn v6(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        super::find_v6(s.as_bytes(), &mut out);
        out.iter().map(|&(a, b)| &s[a..b]).collect()
    }

    const V4: &[&str] = &[
        "10.0.12.34",
        "192.168.1.1",
        "8.8.8.8",
        "127.0.0.1",
        "203.0.113.255",
        "1.2.3.4",
    ];
    const V6: &[&str] = &[
        "2001:db8::1",
        "::1",
        "fe80::1",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "2001:db8:0:0:1:0:0:1",
        "::ffff:192.0.2.128",
        "2001:db8::",
        "FE80::0202:B3FF:FE1E:8329",
    ];

    #[test]
    fn finds_v4() {
        for a in V4 {
            assert_eq!(v4(a), [*a], "{a}");
        }
        assert_eq!(v4("client=10.0.12.34:8080"), ["10.0.12.34"]);
        assert_eq!(v4("http://192.168.1.1/admin"), ["192.168.1.1"]);
        assert_eq!(v4("from 10.1.2.3, 10.1.2.4."), ["10.1.2.3", "10.1.2.4"]);
        assert_eq!(v4("range 10.0.0.1-10.0.0.9"), ["10.0.0.1", "10.0.0.9"]);
        assert_eq!(v4("cidr 10.0.0.0/8"), ["10.0.0.0"]);
        assert_eq!(v4("[203.0.113.9]"), ["203.0.113.9"]);
    }

    #[test]
    fn finds_v6() {
        for a in V6 {
            assert_eq!(v6(a), [*a], "{a}");
        }
        assert_eq!(v6("iface fe80::1%eth0 up"), ["fe80::1"]);
        assert_eq!(v6("http://[2001:db8::1]:8443/"), ["2001:db8::1"]);
        assert_eq!(
            v6("addr=2001:db8::8a2e:370:7334/64"),
            ["2001:db8::8a2e:370:7334"]
        );
    }

    #[test]
    fn every_offset_across_blocks() {
        for a in V4 {
            for off in 0..140 {
                let s = format!("{}{a} x", "a ".repeat(off / 2) + &" ".repeat(off % 2));
                assert_eq!(v4(&s), [*a], "{a} at {off}");
            }
        }
        for a in V6 {
            for off in 0..140 {
                let s = format!("{}{a} x", "z ".repeat(off / 2) + &" ".repeat(off % 2));
                assert_eq!(v6(&s), [*a], "{a} at {off}");
            }
        }
    }

    #[test]
    fn v4_lookalikes() {
        for s in [
            "v1.2.3.4",
            "V1.2.3.4",
            "Chrome/120.0.6099.109",
            "Version/10.1.2.3",
            "1.2.3.4.5",
            "1.3.6.1.4.1.2021",
            "01.02.03.04",
            "256.1.1.1",
            "1.2.3.1000",
            "x1.2.3.4",
            "11.2.3.4a",
            "1.2.3.4_x",
            "1.2.3.4-beta",
            "version 1.2.3.4",
            "\"version\":\"10.2.0.1\"",
            "0.0.0.0",
            "255.255.255.0",
            "1.2.3",
            "3.14159",
            "12345.1.2.3",
        ] {
            assert!(v4(s).is_empty(), "{s}: {:?}", v4(s));
        }
        assert_eq!(v4("at 10.0.0.1."), ["10.0.0.1"]);
    }

    #[test]
    fn v6_lookalikes() {
        for s in [
            "aa:bb:cc:dd:ee:ff",
            "00:1a:2b:3c:4d:5e",
            "00:11:22:33:44:55:66:77",
            "10:23:45",
            "2024-01-15T10:23:45.123Z",
            "::",
            "std::vector<int>",
            "a::b",
            "dead::beef",
            "Abc::Def",
            "hyper::proto::h1::io",
            "my_crate::mod2::f",
            "b64::decode",
            "e2e::test",
            "SHA256:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89",
            "1:2:3:4:5:6:7:8:9",
            "2001:db8::1::2",
            "2001:db8:::1",
            "12345::1",
            "x2001:db8::1",
            "2001:db8::1g",
            "10:20:30:40",
        ] {
            assert!(v6(s).is_empty(), "{s}: {:?}", v6(s));
        }
    }

    #[test]
    fn never_panics_on_edges() {
        let dots = "1.".repeat(50_000);
        let colons = "1:".repeat(50_000);
        let dc = ":".repeat(100_000);
        for s in [
            "",
            ".",
            "1.",
            "1.2.",
            "1.2.3.",
            ":",
            "::",
            ":::",
            "1::",
            "::ffff:1.2",
            "\u{ff}::1\u{ff}",
            &dots,
            &colons,
            &dc,
        ] {
            let _ = v4(s);
            let _ = v6(s);
        }
    }
}
