//! The three encodings the decoder understands: where candidates are
//! (cheaply), and how to decode them.
//!
//! - base64 runs: one byte-class table pass with early rejection by length,
//!   alphabet mix and the shape of text (see [`plausible_base64_text`]);
//! - URL-encoded tokens: anchored on `%` (memchr);
//! - JSON-escaped strings: lines holding a `\` (memchr), split at unescaped
//!   quotes.
//!
//! URL and JSON decoding keep a map from every decoded byte to the source
//! offset of the escape (or byte) it came from, so findings in the decoded
//! text map back to whole escapes in the source. Hand-written because no
//! crate decodes with an offset map (percent-encoding and serde_json don't).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

/// Shortest base64 run worth decoding (12 decoded bytes).
pub const MIN_B64_RUN: usize = 16;

/// Bit 1: in both alphabets; 2: standard only (`+/`); 4: URL-safe only (`-_`).
static B64_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphanumeric() {
            1
        } else if b == b'+' || b == b'/' {
            2
        } else if b == b'-' || b == b'_' {
            4
        } else {
            0
        };
        c += 1;
    }
    t
};

/// A base64 run: `start..end` is the alphabet run, `padded` its end
/// including up to two `=`; `url_safe` picks the alphabet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct B64Run {
    pub start: usize,
    pub end: usize,
    pub padded: usize,
    pub url_safe: bool,
}

/// Calls `f` for every base64 run in `hay` of `MIN_B64_RUN..=max` characters
/// that is not obviously something else: mixed alphabets, JWT segments and
/// runs whose characters cannot encode text are dropped before decoding.
///
/// The input is classified 64 bytes at a time into a bit mask (SIMD on
/// x86_64); a block is looked at byte by byte only when it holds a run of 16
/// alphabet bytes between two other bytes. Most log text has none, so the
/// pass costs a few instructions per 64 bytes. (No crate finds runs of a byte
/// class: memchr and aho-corasick look for given bytes or literals.)
pub fn base64_runs(hay: &[u8], max: usize, mut f: impl FnMut(B64Run)) {
    alphabet_runs(hay, |s, e| run_candidate(hay, s, e, max, &mut f));
}

/// Calls `f(start, end)` for every maximal run of at least `MIN_B64_RUN`
/// bytes of the base64 alphabets, in order.
fn alphabet_runs(hay: &[u8], mut f: impl FnMut(usize, usize)) {
    let n = hay.len();
    let mut emit = |s: usize, e: usize| {
        if e - s >= MIN_B64_RUN {
            f(s, e);
        }
    };
    // The run of alphabet bytes that reaches the current position started here.
    let mut run_start = 0;
    let mut base = 0;
    while base + 64 <= n {
        let block: &[u8; 64] = hay[base..base + 64].try_into().expect("64 bytes");
        let a = alphabet_mask(block);
        if a == u64::MAX {
            base += 64;
            continue;
        }
        let other = !a;
        // The run coming in from the previous block ends at the first other byte.
        let lead = other.trailing_zeros() as usize;
        emit(run_start, base + lead);
        // Bit p of `a16`: bytes p..p + 16 of the block are all in the alphabet.
        let a2 = a & (a >> 1);
        let a4 = a2 & (a2 >> 2);
        let a8 = a4 & (a4 >> 4);
        let a16 = a8 & (a8 >> 8);
        // Runs between the first and the last other byte of the block.
        let last = 63 - other.leading_zeros() as usize;
        let above_lead = !((2u64 << lead).wrapping_sub(1));
        let below_last = (1u64 << last).wrapping_sub(1);
        if a16 & above_lead & below_last != 0 {
            let mut prev = base + lead;
            let mut m = other & above_lead;
            while m != 0 {
                let k = base + m.trailing_zeros() as usize;
                emit(prev + 1, k);
                prev = k;
                m &= m - 1;
            }
        }
        run_start = base + last + 1;
        base += 64;
    }
    for (p, &b) in hay.iter().enumerate().skip(base) {
        if B64_CLASS[b as usize] == 0 {
            emit(run_start, p);
            run_start = p + 1;
        }
    }
    emit(run_start, n);
}

/// The checks on one maximal run `start..end` of alphabet bytes.
fn run_candidate(hay: &[u8], start: usize, end: usize, max: usize, f: &mut impl FnMut(B64Run)) {
    let n = hay.len();
    let len = end - start;
    if len > max || len % 4 == 1 {
        return;
    }
    let run = &hay[start..end];
    // Cheapest rejection first: most runs (digests, UUIDs, paths) fail the
    // text-shape test within their first groups.
    if !plausible_base64_text(run) {
        return;
    }
    let flags = run.iter().fold(0, |acc, &b| acc | B64_CLASS[b as usize]);
    if flags & 6 == 6 {
        return;
    }
    let mut padded = end;
    while padded < n && padded - end < 2 && hay[padded] == b'=' {
        padded += 1;
    }
    // JWT segments belong to the jwt rules.
    let dotted = (start > 0 && hay[start - 1] == b'.') || hay.get(padded) == Some(&b'.');
    if dotted && run.starts_with(b"eyJ") {
        return;
    }
    f(B64Run {
        start,
        end,
        padded,
        url_safe: flags & 4 != 0,
    });
}

/// Bit k set where `block[k]` is in either base64 alphabet.
#[inline]
fn alphabet_mask(block: &[u8; 64]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SSE2 is part of the x86_64 baseline: no runtime detection needed.
        // SAFETY: the loads read 16 bytes at offsets 0, 16, 32, 48 of a
        // 64-byte array; the intrinsics have no other preconditions.
        unsafe {
            use std::arch::x86_64::*;
            let in_range = |v: __m128i, lo: u8, len: u8| {
                // (v - lo) as unsigned <= len - 1
                let t = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
                _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((len - 1) as i8)), t)
            };
            let mut mask = 0u64;
            for k in 0..4 {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i);
                let letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26);
                let digit = in_range(v, b'0', 10);
                let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
                let punct = _mm_or_si128(
                    _mm_or_si128(eq(b'+'), eq(b'/')),
                    _mm_or_si128(eq(b'-'), eq(b'_')),
                );
                let all = _mm_or_si128(_mm_or_si128(letter, digit), punct);
                mask |= (_mm_movemask_epi8(all) as u16 as u64) << (16 * k);
            }
            mask
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut mask = 0u64;
        for (k, &b) in block.iter().enumerate() {
            mask |= ((B64_CLASS[b as usize] != 0) as u64) << k;
        }
        mask
    }
}

/// Cheap test before decoding: base64 of ASCII text has, in every group of
/// four, a first character encoding `byte >> 2 < 32` (`A-Z`, `a-f`) and a
/// second one whose top bit is clear (`A-H Q-X g-n w-3`). Hex digests,
/// paths, identifiers and binary blobs fail this at once. A few misses
/// (non-ASCII UTF-8) are tolerated.
pub fn plausible_base64_text(run: &[u8]) -> bool {
    let groups = run.len() / 4;
    if groups == 0 {
        return false;
    }
    // At most one group in ten may fail; stop at the first one too many.
    let allowed = groups / 10;
    let mut bad = 0;
    for g in run.chunks_exact(4) {
        let first_ok = g[0].is_ascii_uppercase() || (b'a'..=b'f').contains(&g[0]);
        let v = b64_value(g[1]);
        let second_ok = v & 0b1000 == 0;
        if !(first_ok && second_ok) {
            bad += 1;
            if bad > allowed {
                return false;
            }
        }
    }
    true
}

fn b64_value(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        _ => 63,
    }
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Appends the decoded run to `out`; on failure `out` is left as it was.
pub fn decode_base64(run: &[u8], url_safe: bool, out: &mut Vec<u8>) -> bool {
    let before = out.len();
    let engine = if url_safe { &URL_SAFE } else { &STANDARD };
    if engine.decode_vec(run, out).is_err() {
        out.truncate(before);
        return false;
    }
    true
}

/// Decoded text worth scanning: at least 95 % printable ASCII or
/// whitespace, or valid UTF-8 that is mostly free of control bytes.
pub fn mostly_text(d: &[u8]) -> bool {
    if d.len() < 8 {
        return false;
    }
    let ascii_ok = d
        .iter()
        .filter(|&&b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    if ascii_ok * 100 >= d.len() * 95 {
        return true;
    }
    let high = d.iter().filter(|&&b| b >= 0x80).count();
    (ascii_ok + high) * 100 >= d.len() * 98 && std::str::from_utf8(d).is_ok()
}

/// `user:password` shaped: printable, no spaces, exactly one `:` with
/// something on both sides, and a password that is not a placeholder.
pub fn user_pass(d: &[u8]) -> bool {
    if d.len() > 256 || !d.iter().all(u8::is_ascii_graphic) {
        return false;
    }
    let mut parts = d.split(|&b| b == b':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(u), Some(p), None) => {
            !u.is_empty() && p.len() >= 3 && !stanch_engine::validate::is_placeholder(p)
        }
        _ => false,
    }
}

/// True when the text just before `at` (same line) names an auth value:
/// `Basic `, `"auth": "`, `auth:`, `_auth=`, `\"auth\":\"`.
pub fn auth_context(hay: &[u8], at: usize) -> bool {
    let lo = at.saturating_sub(64);
    let mut k = at;
    // Separators between the key and the value.
    while k > lo
        && matches!(
            hay[k - 1],
            b' ' | b'\t' | b'"' | b'\'' | b'\\' | b':' | b'='
        )
    {
        k -= 1;
    }
    let mut w = k;
    while w > lo && (hay[w - 1].is_ascii_alphanumeric() || matches!(hay[w - 1], b'_' | b'-' | b'.'))
    {
        w -= 1;
    }
    let word = &hay[w..k];
    let ends_auth = word.len() >= 4 && word[word.len() - 4..].eq_ignore_ascii_case(b"auth");
    ends_auth || word.eq_ignore_ascii_case(b"basic")
}

/// Which escaped form a mapped piece is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escaped {
    Url,
    Json,
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn hex4(s: &[u8]) -> Option<u32> {
    if s.len() < 4 {
        return None;
    }
    s[..4]
        .iter()
        .try_fold(0u32, |acc, &b| Some(acc << 4 | hex(b)? as u32))
}

/// Decodes one unit at `src[i]`: returns (source bytes consumed, decoded
/// bytes, their count, whether it was an escape that yields text).
fn step(form: Escaped, src: &[u8], i: usize) -> (usize, [u8; 4], usize, bool) {
    let lit = (1, [src[i], 0, 0, 0], 1, false);
    match form {
        Escaped::Url => {
            if src[i] != b'%' {
                return lit;
            }
            match (
                src.get(i + 1).and_then(|&b| hex(b)),
                src.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(h), Some(l)) => {
                    let b = h << 4 | l;
                    let text = b >= 0x20 && b != 0x7f || matches!(b, b'\t' | b'\n' | b'\r');
                    (3, [b, 0, 0, 0], 1, text)
                }
                _ => lit,
            }
        }
        Escaped::Json => {
            if src[i] != b'\\' || i + 1 >= src.len() {
                return lit;
            }
            let simple = match src[i + 1] {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                b'b' => 0x08,
                b'f' => 0x0c,
                b'u' => {
                    let Some(hi) = hex4(&src[i + 2..]) else {
                        return lit;
                    };
                    let (cp, used) = if (0xD800..0xDC00).contains(&hi) {
                        match (src.get(i + 6..i + 8), hex4(src.get(i + 8..).unwrap_or(&[]))) {
                            (Some(b"\\u"), Some(lo)) if (0xDC00..0xE000).contains(&lo) => {
                                (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12)
                            }
                            _ => return lit,
                        }
                    } else {
                        (hi, 6)
                    };
                    let Some(ch) = char::from_u32(cp) else {
                        return lit;
                    };
                    let mut buf = [0u8; 4];
                    let n = ch.encode_utf8(&mut buf).len();
                    return (used, buf, n, true);
                }
                _ => return lit,
            };
            (2, [simple, 0, 0, 0], 1, true)
        }
    }
}

/// Decodes `src` from the start, appending to `out` and, for every decoded
/// byte, the source offset it came from to `map` (plus one final entry: the
/// source offset where decoding stopped). Stops at the end of `src` or once
/// `limit` bytes were decoded, always at a unit boundary. Returns (source
/// bytes consumed, escapes that yielded text).
pub fn unescape(
    form: Escaped,
    src: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
    map: &mut Vec<u32>,
) -> (usize, usize) {
    let start = out.len();
    let mut i = 0;
    let mut escapes = 0;
    while i < src.len() && out.len() - start < limit {
        let (used, bytes, n, text) = step(form, src, i);
        for &b in &bytes[..n] {
            out.push(b);
            map.push(i as u32);
        }
        escapes += text as usize;
        i += used;
    }
    map.push(i as u32);
    (i, escapes)
}

fn url_separator(b: u8) -> bool {
    b <= b' ' || matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\' | 0x7f)
}

/// Calls `f(start, end)` for every token (bounded by whitespace, quotes,
/// `<>`, `\`) holding a `%XX` escape.
pub fn url_tokens(hay: &[u8], mut f: impl FnMut(usize, usize)) {
    let mut done = 0;
    for p in memchr::memchr_iter(b'%', hay) {
        if p < done {
            continue;
        }
        let (Some(&h), Some(&l)) = (hay.get(p + 1), hay.get(p + 2)) else {
            break;
        };
        if hex(h).is_none() || hex(l).is_none() {
            continue;
        }
        let mut s = p;
        while s > done && !url_separator(hay[s - 1]) {
            s -= 1;
        }
        let e = hay[p..]
            .iter()
            .position(|&b| url_separator(b))
            .map_or(hay.len(), |k| p + k);
        if reveals_structure(&hay[p..e]) {
            f(s, e);
        }
        done = e;
    }
}

/// True if the escapes in `tok` (from its first `%`) hide a byte that
/// secrets are found by: a separator (`=`, `:`, `&`, `@`, blank, quote,
/// brace, line end). Tokens whose only escapes are `%2F`, `%2C` and the like
/// read the same to every rule decoded or not, so they are not decoded:
/// access logs are full of them.
fn reveals_structure(tok: &[u8]) -> bool {
    memchr::memchr_iter(b'%', tok).any(|i| {
        match (
            tok.get(i + 1).copied().and_then(hex),
            tok.get(i + 2).copied().and_then(hex),
        ) {
            (Some(h), Some(l)) => matches!(
                h << 4 | l,
                b'=' | b':'
                    | b'&'
                    | b'@'
                    | b' '
                    | b'"'
                    | b'\''
                    | b'{'
                    | b'}'
                    | b'\n'
                    | b'\r'
                    | b'\t'
                    | b'+'
                    | b'%'
            ),
            _ => false,
        }
    })
}

/// Calls `f(start, end)` for every part of a line holding a `\` that lies
/// between unescaped double quotes (or the line's ends) and contains a
/// backslash: the contents of JSON strings, in a JSON line.
pub fn json_segments(hay: &[u8], mut f: impl FnMut(usize, usize)) {
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'\\', &hay[from..]) {
        let p = from + k;
        let line_start = memchr::memrchr(b'\n', &hay[from..p]).map_or(from, |q| from + q + 1);
        let line_end = memchr::memchr(b'\n', &hay[p..]).map_or(hay.len(), |q| p + q);
        let mut seg = line_start;
        let mut has_escape = false;
        let mut pos = line_start;
        while let Some(q) = memchr::memchr2(b'\\', b'"', &hay[pos..line_end]) {
            let at = pos + q;
            if hay[at] == b'\\' {
                // Escapes that change what the rules read: `\uXXXX` and `\/`
                // hide bytes, and `\n`, `\t`, `\r` before a letter or digit
                // glue their letter to the next word (`a\tghp_…` reads as
                // `tghp_…`, which no token rule's left boundary accepts).
                // `\"`, `\\` and a line end before a blank or punctuation
                // read the same raw: the rules allow them.
                has_escape |= match hay.get(at + 1) {
                    Some(b'u' | b'/') => true,
                    Some(b'n' | b't' | b'r') => {
                        hay.get(at + 2).is_some_and(|b| b.is_ascii_alphanumeric())
                    }
                    _ => false,
                };
                pos = (at + 2).min(line_end);
            } else {
                if has_escape {
                    f(seg, at);
                }
                seg = at + 1;
                has_escape = false;
                pos = at + 1;
            }
        }
        if has_escape {
            f(seg, line_end);
        }
        from = line_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(s: &str) -> Vec<&str> {
        let mut v = Vec::new();
        base64_runs(s.as_bytes(), 1 << 16, |r| v.push(&s[r.start..r.padded]));
        v
    }

    #[test]
    fn base64_candidates() {
        // "user:hunter2-pass" and a cursor are candidates (text); hashes,
        // UUIDs, paths and JWT segments are not.
        assert_eq!(
            runs("Basic dXNlcjpodW50ZXIyLXBhc3M="),
            ["dXNlcjpodW50ZXIyLXBhc3M="]
        );
        assert_eq!(runs("c=eyJvZmZzZXQiOjEwMH0="), ["eyJvZmZzZXQiOjEwMH0="]);
        for s in [
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "id 3f2a9c1e-1111-4a4a-9b9b-0123456789ab",
            "/usr/local/lib/python3/site-packages/foo",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc",
            "some_long_function_name_here",
            "AbstractSingletonProxyFactoryBean",
            "sha512-3NvNq0bdKb0rlbTK2J7m0q9v6m2kR5Yb5yN8p2w3Q1Z2o5pLq9bZQ==",
        ] {
            assert!(runs(s).is_empty(), "{s}: {:?}", runs(s));
        }
    }

    #[test]
    fn skipping_scan_finds_runs_at_every_offset_and_length() {
        let word = "dXNlcjpodW50ZXIyLXBhc3M=";
        for pre in ["", " ", "ab ", "x.y-z ", "0123456789abcdef0123 ", "k:"] {
            for cut in [16, 20, 23] {
                let w = &word[..cut];
                let s = format!("{pre}{w} tail");
                let mut got = Vec::new();
                base64_runs(s.as_bytes(), 1 << 16, |r| got.push((r.start, r.end)));
                let want: Vec<(usize, usize)> = if cut % 4 == 1 {
                    vec![]
                } else {
                    vec![(pre.len(), pre.len() + cut)]
                };
                assert_eq!(got, want, "{s}");
            }
        }
    }

    /// The byte-by-byte scan the block scanner replaced: every maximal run.
    fn reference_runs(hay: &[u8]) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        let mut s = 0;
        for p in 0..=hay.len() {
            if p == hay.len() || B64_CLASS[hay[p] as usize] == 0 {
                if p - s >= MIN_B64_RUN {
                    v.push((s, p));
                }
                s = p + 1;
            }
        }
        v
    }

    fn block_runs(hay: &[u8]) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        alphabet_runs(hay, |s, e| v.push((s, e)));
        v
    }

    #[test]
    fn alphabet_mask_matches_the_class_table_for_every_byte() {
        for first in (0..=255u8).step_by(64) {
            let mut block = [0u8; 64];
            for (k, b) in block.iter_mut().enumerate() {
                *b = first.wrapping_add(k as u8);
            }
            let m = alphabet_mask(&block);
            for (k, &b) in block.iter().enumerate() {
                assert_eq!(m >> k & 1 == 1, B64_CLASS[b as usize] != 0, "byte {b:#04x}");
            }
        }
    }

    #[test]
    fn block_scan_finds_runs_across_block_edges() {
        let word = b"dXNlcjpodW50ZXIyLXBhc3M";
        for len in [16usize, 20, 23, 64, 65, 130] {
            for at in [0usize, 1, 30, 48, 49, 63, 64, 100] {
                let mut hay = vec![b' '; at];
                hay.extend(word.iter().cycle().take(len));
                hay.extend_from_slice(b" tail text here");
                assert_eq!(block_runs(&hay), reference_runs(&hay), "len {len} at {at}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn block_scan_agrees_with_the_byte_scan(
            hay in proptest::collection::vec(
                proptest::prop_oneof![
                    12 => proptest::sample::select(b"dXNlcjpodW50ZXIyLXBhc3MAQwe019".to_vec()),
                    1 => proptest::sample::select(b" .=+/-_:\n\"\xff".to_vec()),
                ],
                0..600,
            )
        ) {
            proptest::prop_assert_eq!(block_runs(&hay), reference_runs(&hay));
        }
    }

    #[test]
    fn decodes_both_alphabets_and_checks_text() {
        let mut out = Vec::new();
        assert!(decode_base64(b"aGVsbG8-Pz8_", true, &mut out));
        assert_eq!(out, b"hello>???");
        out.clear();
        assert!(!decode_base64(b"a", false, &mut out));
        assert!(out.is_empty());
        assert!(mostly_text(b"password=hunter2\n"));
        assert!(!mostly_text(&[0u8, 1, 2, 3, 250, 251, 252, 253, 9]));
        assert!(mostly_text("contraseña=äöü secreto".as_bytes()));
    }

    #[test]
    fn user_pass_and_auth_context() {
        assert!(user_pass(b"admin:s3cr3t-P4ss"));
        assert!(!user_pass(b"a:b:c"));
        assert!(!user_pass(b"hello world:x"));
        assert!(!user_pass(b"user:password"));
        let ctx = |s: &str| auth_context(s.as_bytes(), s.len());
        assert!(ctx("Authorization: Basic "));
        assert!(ctx(r#"{"auths":{"r.io":{"auth":""#));
        assert!(ctx(r#"\"auth\":\""#));
        assert!(ctx("_auth="));
        assert!(!ctx("cursor="));
        assert!(!ctx("author: "));
    }

    fn unesc(form: Escaped, s: &str) -> (String, Vec<u32>, usize) {
        let (mut out, mut map) = (Vec::new(), Vec::new());
        let (_, esc) = unescape(form, s.as_bytes(), usize::MAX, &mut out, &mut map);
        (String::from_utf8(out).unwrap(), map, esc)
    }

    #[test]
    fn url_unescape_with_map() {
        let (d, map, esc) = unesc(Escaped::Url, "password%3Dhunter2%26x%zz%0");
        assert_eq!(d, "password=hunter2&x%zz%0");
        assert_eq!(esc, 2);
        assert_eq!(map[8], 8); // `=` comes from `%3D` at 8
        assert_eq!(map[9], 11);
        assert_eq!(
            *map.last().unwrap() as usize,
            "password%3Dhunter2%26x%zz%0".len()
        );
        assert_eq!(unesc(Escaped::Url, "%02d%41").2, 1);
    }

    #[test]
    fn json_unescape_with_map() {
        let (d, map, esc) = unesc(Escaped::Json, r#"\"a\":\"ghp\u005fx\ud83d\ude00\/\q"#);
        assert_eq!(d, "\"a\":\"ghp_x\u{1f600}/\\q");
        assert_eq!(esc, 6);
        let i = d.find('_').unwrap();
        assert_eq!((map[i], map[i + 1]), (11, 17));
        // A lone surrogate or short \u stays literal.
        assert_eq!(unesc(Escaped::Json, r"\ud800x\u12").0, r"\ud800x\u12");
    }

    #[test]
    fn tokens_and_segments() {
        let mut v = Vec::new();
        // `/a%2Fb%2C` hides no separator: decoding it shows no rule more.
        let s = "GET /?q=password%3Dhunter2 \"x%20y\" /a%2Fb%2C 100% done %zz";
        url_tokens(s.as_bytes(), |a, b| v.push(&s[a..b]));
        assert_eq!(v, ["/?q=password%3Dhunter2", "x%20y"]);
        let mut v = Vec::new();
        // Segments whose escapes change what the rules read: `\u`, `\/`,
        // and a line end or tab glued to a word; not `\"` or `\n ` alone.
        let s = "{\"a\":\"{\\u0022password\\u0022:\\u0022hunter2\\u0022}\",\"b\":\"x\\\"y\\n z\"}\nplain\nC:\\dir\nhttps:\\/\\/h\n\"a\\tghp_x\"";
        json_segments(s.as_bytes(), |a, b| v.push(&s[a..b]));
        assert_eq!(
            v,
            [
                "{\\u0022password\\u0022:\\u0022hunter2\\u0022}",
                "https:\\/\\/h",
                "a\\tghp_x"
            ]
        );
    }
}
