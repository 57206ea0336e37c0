//! Checks a candidate must pass after its pattern matched: checksums (Luhn,
//! IBAN mod-97), structural checks (SSN ranges, JWT), entropy floors, and the
//! placeholder filter that keeps `${VAR}`, `<redacted>`, `****` and stanch's own
//! redaction markers from ever being reported (which also makes redaction
//! idempotent).

use base64::Engine as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    Luhn,
    Iban,
    Ssn,
    Jwt,
    Base64,
    PasswordLike,
    Base64Text,
}

impl Validator {
    pub fn parse(s: &str) -> Option<Validator> {
        Some(match s {
            "luhn" => Validator::Luhn,
            "iban" => Validator::Iban,
            "ssn" => Validator::Ssn,
            "jwt" => Validator::Jwt,
            "base64" => Validator::Base64,
            "password-like" => Validator::PasswordLike,
            "base64-text" => Validator::Base64Text,
            _ => return None,
        })
    }

    pub fn check(self, s: &[u8]) -> bool {
        match self {
            Validator::Luhn => luhn(s),
            Validator::Iban => iban(s),
            Validator::Ssn => ssn(s),
            Validator::Jwt => jwt(s),
            Validator::Base64 => base64_decodes(s),
            Validator::PasswordLike => password_like(s),
            Validator::Base64Text => base64_text(s),
        }
    }
}

/// A credential-looking word rather than an English one, for values found
/// in prose ("the password is hunter2"): 6–128 visible bytes with at least one
/// letter and at least one digit or symbol, not a URL or path, not a number.
pub fn password_like(s: &[u8]) -> bool {
    if !(6..=128).contains(&s.len()) || s.iter().any(|b| !b.is_ascii_graphic()) {
        return false;
    }
    let letters = s.iter().filter(|b| b.is_ascii_alphabetic()).count();
    let others = s.len() - letters;
    if letters == 0 || others == 0 {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with(b"http") || s[0] == b'/' || s[0] == b'~' || s[0] == b'.' {
        return false;
    }
    // Versions, sizes, durations: v1.2.3, 10ms, 2.5GB, 3rd, 401s
    let digits = s.iter().filter(|b| b.is_ascii_digit()).count();
    letters + digits + s.iter().filter(|&&b| b == b'.').count() != s.len() || letters > 3
}

/// Shannon entropy in bits per byte.
///
/// Runs for every candidate of a rule with an entropy floor, so it touches
/// only the byte values present and takes one `log2` per call:
/// H = log2(n) - (sum of c·log2(c) over the counts c) / n, with c·log2(c)
/// from a table for counts below 256 (larger ones are computed).
pub fn shannon_entropy(s: &[u8]) -> f64 {
    static C_LOG_C: std::sync::LazyLock<[f64; 256]> = std::sync::LazyLock::new(|| {
        std::array::from_fn(|c| {
            if c < 2 {
                0.0
            } else {
                c as f64 * (c as f64).log2()
            }
        })
    });
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    let mut present = [0u8; 256];
    let mut distinct = 0;
    for &b in s {
        if counts[b as usize] == 0 {
            present[distinct] = b;
            distinct += 1;
        }
        counts[b as usize] += 1;
    }
    let table = &*C_LOG_C;
    let sum: f64 = present[..distinct]
        .iter()
        .map(|&b| {
            let c = counts[b as usize] as usize;
            match table.get(c) {
                Some(v) => *v,
                None => c as f64 * (c as f64).log2(),
            }
        })
        .sum();
    let n = s.len() as f64;
    (n.log2() - sum / n).max(0.0)
}

/// Luhn checksum over the digits of `s` (separators ignored); needs 12+ digits.
pub fn luhn(s: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut n = 0;
    for &b in s.iter().rev() {
        if !b.is_ascii_digit() {
            continue;
        }
        let mut d = (b - b'0') as u32;
        if n % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        n += 1;
    }
    n >= 12 && sum % 10 == 0
}

/// ISO 13616 IBAN: country letters, check digits, mod-97 == 1, and the
/// registered length for the country. Spaces are ignored.
pub fn iban(s: &[u8]) -> bool {
    let compact: Vec<u8> = s
        .iter()
        .copied()
        .filter(|b| *b != b' ')
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if compact.len() < 15 || compact.len() > 34 {
        return false;
    }
    if !compact[..2].iter().all(u8::is_ascii_uppercase)
        || !compact[2..4].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    match iban_length(&compact[..2]) {
        Some(len) if len == compact.len() => {}
        _ => return false,
    }
    let mut rem: u32 = 0;
    for &b in compact[4..].iter().chain(&compact[..4]) {
        let v = match b {
            b'0'..=b'9' => (b - b'0') as u32,
            b'A'..=b'Z' => (b - b'A') as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Registered IBAN lengths (SWIFT IBAN registry).
pub fn iban_length(cc: &[u8]) -> Option<usize> {
    const T: &[(&[u8; 2], usize)] = &[
        (b"AD", 24),
        (b"AE", 23),
        (b"AL", 28),
        (b"AT", 20),
        (b"AZ", 28),
        (b"BA", 20),
        (b"BE", 16),
        (b"BG", 22),
        (b"BH", 22),
        (b"BI", 27),
        (b"BR", 29),
        (b"BY", 28),
        (b"CH", 21),
        (b"CR", 22),
        (b"CY", 28),
        (b"CZ", 24),
        (b"DE", 22),
        (b"DJ", 27),
        (b"DK", 18),
        (b"DO", 28),
        (b"EE", 20),
        (b"EG", 29),
        (b"ES", 24),
        (b"FI", 18),
        (b"FK", 18),
        (b"FO", 18),
        (b"FR", 27),
        (b"GB", 22),
        (b"GE", 22),
        (b"GI", 23),
        (b"GL", 18),
        (b"GR", 27),
        (b"GT", 28),
        (b"HR", 21),
        (b"HU", 28),
        (b"IE", 22),
        (b"IL", 23),
        (b"IQ", 23),
        (b"IS", 26),
        (b"IT", 27),
        (b"JO", 30),
        (b"KW", 30),
        (b"KZ", 20),
        (b"LB", 28),
        (b"LC", 32),
        (b"LI", 21),
        (b"LT", 20),
        (b"LU", 20),
        (b"LV", 21),
        (b"LY", 25),
        (b"MC", 27),
        (b"MD", 24),
        (b"ME", 22),
        (b"MK", 19),
        (b"MN", 20),
        (b"MR", 27),
        (b"MT", 31),
        (b"MU", 30),
        (b"NI", 28),
        (b"NL", 18),
        (b"NO", 15),
        (b"OM", 23),
        (b"PK", 24),
        (b"PL", 28),
        (b"PS", 29),
        (b"PT", 25),
        (b"QA", 29),
        (b"RO", 24),
        (b"RS", 22),
        (b"RU", 33),
        (b"SA", 24),
        (b"SC", 31),
        (b"SD", 18),
        (b"SE", 24),
        (b"SI", 19),
        (b"SK", 24),
        (b"SM", 27),
        (b"SO", 23),
        (b"ST", 25),
        (b"SV", 28),
        (b"TL", 23),
        (b"TN", 24),
        (b"TR", 26),
        (b"UA", 29),
        (b"VA", 22),
        (b"VG", 24),
        (b"XK", 20),
        (b"YE", 30),
    ];
    T.iter().find(|(c, _)| &c[..] == cc).map(|(_, l)| *l)
}

/// US SSN: `AAA-GG-SSSS` or 9 digits; area not 000, 666 or 9xx; group not 00;
/// serial not 0000; and not one of the famously published numbers.
pub fn ssn(s: &[u8]) -> bool {
    let d: Vec<u8> = s.iter().copied().filter(u8::is_ascii_digit).collect();
    if d.len() != 9 {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |a, &b| a * 10 + (b - b'0') as u32);
    let (area, group, serial) = (num(0..3), num(3..5), num(5..9));
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    // Woolworth's wallet card and the 1938 ad; all-same-digit numbers.
    if (area, group, serial) == (78, 5, 1120) || (area, group, serial) == (219, 9, 9999) {
        return false;
    }
    if d.iter().all(|&b| b == d[0]) || &d[..] == b"123456789" {
        return false;
    }
    true
}

/// A JWT: three base64url segments; the first decodes to a JSON object with `alg`.
pub fn jwt(s: &[u8]) -> bool {
    let mut parts = s.split(|&b| b == b'.');
    let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(header) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(trim_pad(h)) else {
        return false;
    };
    let Ok(_) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(trim_pad(p)) else {
        return false;
    };
    let header = header.trim_ascii_start();
    header.starts_with(b"{") && memchr::memmem::find(header, b"\"alg\"").is_some()
}

fn trim_pad(s: &[u8]) -> &[u8] {
    let mut e = s.len();
    while e > 0 && s[e - 1] == b'=' {
        e -= 1;
    }
    &s[..e]
}

/// Decodes as standard or URL-safe base64 (padding optional).
pub fn base64_decodes(s: &[u8]) -> bool {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let t = trim_pad(s);
    STANDARD_NO_PAD.decode(t).is_ok() || URL_SAFE_NO_PAD.decode(t).is_ok()
}

/// Base64 that decodes to text (a password, a URL, a key file), not to
/// binary (hex digests, random ids) or JSON (pagination cursors).
pub fn base64_text(s: &[u8]) -> bool {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let t = trim_pad(s);
    let Ok(d) = STANDARD_NO_PAD
        .decode(t)
        .or_else(|_| URL_SAFE_NO_PAD.decode(t))
    else {
        return false;
    };
    if d.len() < 4 || matches!(d.first(), Some(b'{' | b'[')) {
        return false;
    }
    // Certificates and public keys are not secrets (a TLS Secret's tls.crt).
    if d.starts_with(b"-----BEGIN CERTIFICATE") || d.starts_with(b"-----BEGIN PUBLIC KEY") {
        return false;
    }
    let printable = d
        .iter()
        .filter(|&&b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'))
        .count();
    printable * 100 >= d.len() * 97
}

/// True for values that stand in for a secret rather than being one:
/// template and shell references, masks, redaction markers (stanch's own
/// included, which keeps redaction idempotent), and obvious dummies.
pub fn is_placeholder(s: &[u8]) -> bool {
    let t = trim_quotes(s);
    if t.is_empty() {
        return true;
    }
    // Template / shell / env references.
    if t.starts_with(b"${") || t.starts_with(b"{{") || t.starts_with(b"$(") || t.starts_with(b"{%")
    {
        return true;
    }
    if t.len() > 1
        && t[0] == b'$'
        && t[1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return true; // $DB_PASSWORD
    }
    if t.len() > 2 && t[0] == b'%' && t[t.len() - 1] == b'%' {
        return true; // %DB_PASSWORD%
    }
    // <redacted>, <YOUR_TOKEN>, <email:1a2b3c4d>
    if t[0] == b'<' && t[t.len() - 1] == b'>' {
        return true;
    }
    // [REDACTED], [REDACTED:rule], [HASH:…], [FILTERED]
    if t[0] == b'[' && t[t.len() - 1] == b']' {
        return true;
    }
    if t.starts_with(b"[REDACTED") || t.starts_with(b"<email:") {
        return true;
    }
    // A run of one mask character: ****, xxxx, ....
    let first = t[0];
    if t.len() >= 3
        && matches!(
            first,
            b'*' | b'x' | b'X' | b'.' | b'#' | b'-' | b'_' | b'0' | b'?'
        )
        && t.iter().all(|&b| b == first)
    {
        return true;
    }
    if t.len() >= 3 && t.iter().filter(|&&b| b == b'*').count() * 2 >= t.len() {
        return true; // mostly masked: ab****cd
    }
    // This runs for every candidate: no allocation, no copy. Values longer
    // than 256 bytes are never one of the short placeholder words; their
    // substring checks read the first 256 bytes.
    let head = &t[..t.len().min(256)];
    const WORDS: &[&[u8]] = &[
        b"redacted",
        b"[redacted]",
        b"<redacted>",
        b"filtered",
        b"[filtered]",
        b"masked",
        b"hidden",
        b"null",
        b"none",
        b"nil",
        b"undefined",
        b"true",
        b"false",
        b"empty",
        b"n/a",
        b"***",
        b"placeholder",
        b"changeme",
        b"secret",
        b"password",
        b"token",
        b"xxx",
        b"notset",
        b"not-set",
        b"unset",
        b"omitted",
        b"removed",
        b"sanitized",
        b"scrubbed",
    ];
    // Elided or x-ed out: sk-ant-api03-..., AIzaSyXXXXXXXXXXXXXXXX. (Long
    // values may end in dots for real: GCP `ya29.c.` tokens are dot-padded.)
    let undotted = head.len() - head.iter().rev().take_while(|&&b| b == b'.').count();
    if head.len() - undotted >= 3 && undotted <= 24 {
        return true;
    }
    // Every word below has a letter or is non-ASCII (`…`; `***` was taken
    // above): IP addresses, card and phone numbers skip the word searches.
    if !head.iter().any(|b| b.is_ascii_alphabetic() || *b >= 0x80) {
        return false;
    }
    if head.len() <= 11 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(head)) {
        return true;
    }
    // Elided (…), x-ed out, or a template word (your_token_here, example).
    // One automaton pass, ignoring ASCII case.
    static WORDS_IN: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build([
                    "\u{2026}",
                    "xxxxxxxx",
                    "your_",
                    "your-",
                    "yourtoken",
                    "yourapikey",
                    "yourpassword",
                    "_here",
                    "-here",
                    "example",
                    "replace_me",
                    "replace-me",
                    "redacted",
                ])
                .expect("fixed literals")
        });
    WORDS_IN.is_match(head)
}

/// True if `hay[s..e]` lies inside one of stanch's own replacement markers:
/// `[REDACTED:rule]`, `[HASH:rule:fingerprint]` or `<label:1a2b3c4d>`. What
/// stanch wrote is never found again, so redacting twice changes nothing.
pub fn inside_marker(hay: &[u8], s: usize, e: usize) -> bool {
    // [REDACTED:…] / [HASH:…]: an opening within 96 bytes, closed at or after e.
    let lo = s.saturating_sub(96);
    if let Some(p) = memchr::memrchr(b'[', &hay[lo..s]) {
        let open = lo + p;
        let rest = &hay[open..];
        if (rest.starts_with(b"[REDACTED:") || rest.starts_with(b"[HASH:"))
            && memchr::memchr(b']', &hay[open..]).is_some_and(|c| open + c >= e)
            && !hay[open..s].contains(&b'\n')
        {
            return true;
        }
    }
    // <label:8 hex>: label is lowercase letters and dashes.
    let lo = s.saturating_sub(48);
    if let Some(p) = memchr::memrchr(b'<', &hay[lo..s.min(hay.len())]) {
        let open = lo + p;
        let body = &hay[open + 1..];
        if let Some(colon) = memchr::memchr(b':', &body[..body.len().min(40)]) {
            let label = &body[..colon];
            let digest = &body[colon + 1..];
            if !label.is_empty()
                && label.iter().all(|b| b.is_ascii_lowercase() || *b == b'-')
                && digest.len() >= 9
                && digest[..8].iter().all(|b| b.is_ascii_hexdigit())
                && digest[8] == b'>'
                && open + 1 + colon + 1 + 9 >= e
            {
                return true;
            }
        }
    }
    false
}

fn trim_quotes(s: &[u8]) -> &[u8] {
    let mut t = s.trim_ascii();
    while let [q, rest @ ..] = t {
        if matches!(q, b'"' | b'\'' | b'`' | b'\\') {
            t = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., q] = t {
        if matches!(q, b'"' | b'\'' | b'`' | b'\\') {
            t = rest;
        } else {
            break;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_cards() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"4111 1111 1111 1111"));
        assert!(luhn(b"378282246310005"));
        assert!(!luhn(b"4111111111111112"));
        assert!(!luhn(b"0"));
    }

    #[test]
    fn iban_checks() {
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(iban(b"DE89 3704 0044 0532 0130 00"));
        assert!(!iban(b"GB82WEST12345698765433"));
        assert!(!iban(b"DE89370400440532013000000")); // wrong length for DE
        assert!(!iban(b"XX82WEST12345698765432"));
    }

    #[test]
    fn ssn_ranges() {
        assert!(ssn(b"123-45-6780"));
        assert!(!ssn(b"000-12-3456"));
        assert!(!ssn(b"666-12-3456"));
        assert!(!ssn(b"912-12-3456"));
        assert!(!ssn(b"123-00-3456"));
        assert!(!ssn(b"123-45-0000"));
        assert!(!ssn(b"078-05-1120"));
        assert!(!ssn(b"111-11-1111"));
    }

    #[test]
    fn jwt_structure() {
        let t = b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert!(jwt(t));
        assert!(!jwt(b"eyJub3RqdCI6MX0.eyJzdWIiOiIxIn0.abc"));
        assert!(!jwt(b"abc.def"));
    }

    #[test]
    fn placeholders() {
        // Values without letters skip the word searches: they are
        // placeholders only as masks or elisions.
        for p in [
            "10.0.0.7",
            "4111 1111 1111 1111",
            "+1 415 555 0123",
            "2001:db8::1",
        ] {
            assert!(!is_placeholder(p.as_bytes()), "{p}");
        }
        for p in ["0000", "12...", "\u{2026}", "41\u{2026}11", "***"] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for p in [
            "${DB_PASSWORD}",
            "{{ .Values.db.password }}",
            "$(cat /run/secrets/x)",
            "<redacted>",
            "****",
            "[REDACTED:github-pat]",
            "<email:1a2b3c4d>",
            "$DB_PASSWORD",
            "%PASS%",
            "xxxxxxxx",
            "null",
            "\"None\"",
            "your_api_key_here",
            "changeme",
            "ab****cd",
            "sk-ant-api03-...",
            "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx",
            "AIzaSyXXXXXXXXXXXXXXXXXXXX",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for s in ["hunter2hunter2", "Summer2024!", "ghp_abc123", "s3cr3t-P@ss"] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn password_like_values() {
        for p in ["hunter2", "Summer2024!", "s3cr3t-P@ss", "eyJhbGciOi.x"] {
            assert!(password_like(p.as_bytes()), "{p}");
        }
        for p in [
            "incorrect",
            "expired",
            "12345678",
            "https://x.io",
            "/etc/passwd",
            "v1.2.3",
            "10ms",
            "2.5GB",
        ] {
            assert!(!password_like(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn base64_text_values() {
        assert!(base64_text(b"bGl2ZXJwb29sN2xpdmVycG9vbDM="));
        assert!(base64_text(b"cG9zdGdyZXM6Ly91OnBAaC9kYg=="));
        assert!(!base64_text(b"3b8e5f0a9c2d4e6f8a1b3c5d7e9f0a2b")); // hex digest
        assert!(!base64_text(b"eyJpZCI6MTIzNDUsInRzIjoxNzAwMDAwMDAwfQ==")); // JSON cursor
        assert!(!base64_text(b"production"));
    }

    #[test]
    fn markers() {
        let t = b"a [HASH:github-pat:5073799785529866] b <secret:694b5dde> c";
        let inner = |needle: &[u8]| {
            let s = t.windows(needle.len()).position(|w| w == needle).unwrap();
            inside_marker(t, s, s + needle.len())
        };
        assert!(inner(b"5073799785529866"));
        assert!(inner(b"secret:694b5dde"));
        assert!(inner(b"694b5dde"));
        assert!(!inner(b"a [HASH"[..1].as_ref()));
        assert!(!inside_marker(b"[x] 4111111111111111", 4, 20));
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
        // Against the textbook sum over probabilities, on assorted inputs
        // (repeats past the table's 255 included).
        let textbook = |s: &[u8]| {
            let mut counts = [0u32; 256];
            s.iter().for_each(|&b| counts[b as usize] += 1);
            let n = s.len() as f64;
            counts
                .iter()
                .filter(|&&c| c > 0)
                .map(|&c| -(c as f64 / n) * (c as f64 / n).log2())
                .sum::<f64>()
        };
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [1usize, 2, 7, 16, 40, 64, 255, 256, 300, 1000] {
            for spread in [1u64, 2, 10, 64, 256] {
                let s: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        (x % spread) as u8
                    })
                    .collect();
                let (a, b) = (shannon_entropy(&s), textbook(&s));
                assert!((a - b).abs() < 1e-9, "{len} {spread}: {a} vs {b}");
            }
        }
    }
}
