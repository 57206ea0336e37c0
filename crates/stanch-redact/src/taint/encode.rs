//! The encoded forms ("needles") of one registered value that the taint
//! automaton looks for: the value itself, base64 at each byte alignment,
//! hex, percent-encoding and JSON string escaping.
//!
//! Every needle is built in a [`Zeroizing`] buffer allocated at its final
//! capacity up front, so no reallocation leaves an unzeroized copy behind.

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use zeroize::Zeroizing;

/// How a needle encodes its value; decides how a match is widened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Encoding {
    /// The value itself.
    Raw,
    /// Base64 characters determined by the value alone. The flags say which
    /// alphabets produced this needle ([`B64_STD`], [`B64_URL`]); a match is
    /// widened to the whole surrounding run of those alphabets' characters.
    Base64(u8),
    /// Lowercase or uppercase hex.
    Hex,
    /// Percent-encoding.
    Url,
    /// JSON string escaping.
    Json,
}

/// Standard base64 alphabet (`+`, `/`).
pub const B64_STD: u8 = 1;
/// URL-safe base64 alphabet (`-`, `_`).
pub const B64_URL: u8 = 2;

/// Appends every needle of `value` to `out`. Duplicates are possible (a
/// value with no special characters is its own URL and JSON form); the
/// caller dedupes.
pub fn needles(value: &[u8], out: &mut Vec<(Zeroizing<Vec<u8>>, Encoding)>) {
    out.push((copy(value), Encoding::Raw));
    out.push((hex(value, b"0123456789abcdef"), Encoding::Hex));
    out.push((hex(value, b"0123456789ABCDEF"), Encoding::Hex));
    for k in 0..3 {
        if let Some(n) = base64_aligned(value, k, false) {
            out.push((n, Encoding::Base64(B64_STD)));
        }
        if let Some(n) = base64_aligned(value, k, true) {
            out.push((n, Encoding::Base64(B64_URL)));
        }
    }
    for upper in [false, true] {
        for component in [false, true] {
            for plus in [false, true] {
                out.push((percent(value, upper, component, plus), Encoding::Url));
            }
        }
    }
    for ctl in [Ctl::ShortLower, Ctl::AllLower, Ctl::AllUpper] {
        for slash in [false, true] {
            for html in [false, true] {
                for ascii in [false, true] {
                    let o = JsonOpts {
                        ctl,
                        slash,
                        html,
                        ascii,
                    };
                    out.push((json(value, o), Encoding::Json));
                }
            }
        }
    }
}

fn copy(value: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(value.len()));
    v.extend_from_slice(value);
    v
}

fn hex(value: &[u8], digits: &[u8; 16]) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(value.len() * 2));
    for &b in value {
        v.push(digits[usize::from(b >> 4)]);
        v.push(digits[usize::from(b & 15)]);
    }
    v
}

/// The base64 characters of `value` preceded by `k` bytes of anything: only
/// characters whose six bits all come from `value` (character `i` holds bits
/// `6i..6i+6` of the input), so the needle is found inside any longer
/// encoded string where the value starts at a byte offset ≡ `k` (mod 3).
/// Padding is left out (a match is widened over it).
pub fn base64_aligned(value: &[u8], k: usize, url: bool) -> Option<Zeroizing<Vec<u8>>> {
    let total = k + value.len();
    let mut input = Zeroizing::new(Vec::with_capacity(total));
    input.resize(k, 0);
    input.extend_from_slice(value);
    let mut enc = Zeroizing::new(vec![0u8; total.div_ceil(3) * 4]);
    let engine = if url {
        &URL_SAFE_NO_PAD
    } else {
        &STANDARD_NO_PAD
    };
    let n = engine.encode_slice(&input[..], &mut enc[..]).ok()?;
    let first = (8 * k).div_ceil(6);
    let end = (8 * total / 6).min(n);
    if end <= first {
        return None;
    }
    Some(copy(&enc[first..end]))
}

/// Percent-encoding: every byte outside RFC 3986's unreserved set
/// (`A-Z a-z 0-9 - . _ ~`) as `%XX`. `component` also leaves `! ' ( ) *`
/// alone (JavaScript's `encodeURIComponent`); `plus` writes a space as `+`
/// (HTML forms).
fn percent(value: &[u8], upper: bool, component: bool, plus: bool) -> Zeroizing<Vec<u8>> {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut v = Zeroizing::new(Vec::with_capacity(value.len() * 3));
    for &b in value {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (component && matches!(b, b'!' | b'\'' | b'(' | b')' | b'*'));
        if keep {
            v.push(b);
        } else if plus && b == b' ' {
            v.push(b'+');
        } else {
            v.extend_from_slice(&[
                b'%',
                digits[usize::from(b >> 4)],
                digits[usize::from(b & 15)],
            ]);
        }
    }
    v
}

/// How control characters are escaped in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctl {
    /// `\b \f \n \r \t`, others `\u00xx` (JSON.stringify, Python, serde_json).
    ShortLower,
    /// Every control character as `\u00xx`.
    AllLower,
    /// Every control character as `\u00XX`.
    AllUpper,
}

#[derive(Clone, Copy, Debug)]
struct JsonOpts {
    ctl: Ctl,
    /// `/` as `\/` (PHP).
    slash: bool,
    /// `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`… (Go's encoding/json).
    html: bool,
    /// Non-ASCII characters as `\uXXXX`, with surrogate pairs (Python's
    /// `ensure_ascii`, PHP). Invalid UTF-8 bytes stay as they are.
    ascii: bool,
}

/// The value as it appears inside a JSON string. At most 6 output bytes per
/// input byte (`\u00XX` for a control byte; `\uXXXX` for a 2-byte
/// character, 12 bytes for a 4-byte one), so the buffer never grows.
fn json(value: &[u8], o: JsonOpts) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(value.len() * 6));
    let hexd: &[u8; 16] = if o.ctl == Ctl::AllUpper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let u = |v: &mut Vec<u8>, c: u32, digits: &[u8; 16]| {
        v.extend_from_slice(b"\\u");
        for shift in [12, 8, 4, 0] {
            v.push(digits[((c >> shift) & 15) as usize]);
        }
    };
    let lower = b"0123456789abcdef";
    for chunk in value.utf8_chunks() {
        for ch in chunk.valid().chars() {
            let c = ch as u32;
            match ch {
                '"' => v.extend_from_slice(b"\\\""),
                '\\' => v.extend_from_slice(b"\\\\"),
                '/' if o.slash => v.extend_from_slice(b"\\/"),
                '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if o.html => u(&mut v, c, lower),
                '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' if o.ctl == Ctl::ShortLower => v
                    .extend_from_slice(match ch {
                        '\u{8}' => b"\\b",
                        '\u{c}' => b"\\f",
                        '\n' => b"\\n",
                        '\r' => b"\\r",
                        _ => b"\\t",
                    }),
                _ if c < 0x20 => u(&mut v, c, hexd),
                _ if c >= 0x80 && o.ascii => {
                    let mut units = [0u16; 2];
                    for &unit in ch.encode_utf16(&mut units).iter() {
                        u(&mut v, u32::from(unit), lower);
                    }
                }
                _ => {
                    let mut b = [0u8; 4];
                    v.extend_from_slice(ch.encode_utf8(&mut b).as_bytes());
                }
            }
        }
        v.extend_from_slice(chunk.invalid());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};

    fn all(value: &[u8]) -> Vec<(Vec<u8>, Encoding)> {
        let mut out = Vec::new();
        needles(value, &mut out);
        out.into_iter().map(|(n, e)| (n.to_vec(), e)).collect()
    }

    fn has(value: &[u8], needle: &[u8]) -> bool {
        all(value).iter().any(|(n, _)| n == needle)
    }

    /// Some needle of `value` occurs in `text`.
    fn found(value: &[u8], text: &[u8]) -> bool {
        all(value)
            .iter()
            .any(|(n, _)| text.windows(n.len()).any(|w| w == &n[..]))
    }

    #[test]
    fn raw_and_hex() {
        let v = b"s3cr3t-\xff\x00value";
        assert!(has(v, v));
        assert!(has(v, hex::encode(v).as_bytes()));
        assert!(has(v, hex::encode_upper(v).as_bytes()));
    }

    #[test]
    fn base64_every_alignment_both_alphabets_inside_longer_strings() {
        let v = b"hunter2-is-my-password\xfe\xff?>";
        for prefix in 0..6 {
            for suffix in 0..4 {
                let mut data = b"user:xx".to_vec()[..prefix].to_vec();
                data.extend_from_slice(v);
                data.extend(std::iter::repeat_n(b'!', suffix));
                for e in [STANDARD, URL_SAFE] {
                    let text = e.encode(&data);
                    assert!(found(v, text.as_bytes()), "{prefix} {suffix} {text}");
                    let text = e.encode(&data);
                    assert!(found(v, text.trim_end_matches('=').as_bytes()));
                }
            }
        }
    }

    #[test]
    fn base64_needles_use_only_value_bits() {
        // Same value, different filler bytes: the needle is the same.
        let v = b"0123456789";
        for k in 0..3 {
            let n = base64_aligned(v, k, false).unwrap();
            for filler in [0u8, 0x55, 0xff] {
                let mut data = vec![filler; k];
                data.extend_from_slice(v);
                data.push(filler);
                let text = STANDARD.encode(&data);
                assert!(text.contains(std::str::from_utf8(&n).unwrap()));
            }
            // 10 bytes = 80 bits: at least 12 whole characters of value bits.
            assert!(n.len() >= 12, "{k}: {}", n.len());
        }
    }

    #[test]
    fn percent_encoding_variants() {
        let v = b"a b/c+d!*~%";
        assert!(has(v, b"a%20b%2Fc%2Bd%21%2A~%25"));
        assert!(has(v, b"a%20b%2fc%2bd%21%2a~%25"));
        assert!(has(v, b"a+b%2Fc%2Bd%21%2A~%25"));
        assert!(has(v, b"a%20b%2Fc%2Bd!*~%25"));
    }

    #[test]
    fn json_escaping_variants() {
        let v = "q\"b\\s/n\nt\tc\u{1}<é😀".as_bytes();
        assert!(has(v, "q\\\"b\\\\s/n\\nt\\tc\\u0001<é😀".as_bytes()));
        assert!(has(v, "q\\\"b\\\\s\\/n\\nt\\tc\\u0001<é😀".as_bytes()));
        assert!(has(
            v,
            b"q\\\"b\\\\s/n\\u000at\\u0009c\\u0001<\\u00e9\\ud83d\\ude00"
        ));
        assert!(has(
            v,
            b"q\\\"b\\\\s/n\\u000At\\u0009c\\u0001\\u003c\\u00e9\\ud83d\\ude00"
        ));
        // serde_json agrees with the default form.
        let s = std::str::from_utf8(v).unwrap();
        let enc = serde_json::to_string(s).unwrap();
        assert!(has(v, &enc.as_bytes()[1..enc.len() - 1]), "{enc}");
    }

    #[test]
    fn buffers_never_grow() {
        // A reallocation would leave an unzeroized copy: the capacity
        // reserved up front must be the capacity at the end.
        let worst = "\u{1}😀\u{7ff}\u{ffff}\"<\u{2028}".repeat(3);
        let v = worst.as_bytes();
        for ctl in [Ctl::ShortLower, Ctl::AllLower, Ctl::AllUpper] {
            let o = JsonOpts {
                ctl,
                slash: true,
                html: true,
                ascii: true,
            };
            assert_eq!(json(v, o).capacity(), v.len() * 6);
        }
        assert_eq!(percent(v, true, false, false).capacity(), v.len() * 3);
        assert_eq!(hex(v, b"0123456789abcdef").capacity(), v.len() * 2);
    }
}
