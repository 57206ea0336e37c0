//! Email addresses, anchored on `@` (memchr), expanded to the local part and
//! domain, then checked: a dotted domain whose last label is a two-letter
//! country code or a known generic TLD. That keeps `image@2x.png`,
//! `pkg@1.2.3`, `@decorators` and `sha256@…` out, and leaves URL userinfo
//! (`scheme://user:pass@host`) to the URL-credential rule.

const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;

fn is_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// Last labels that are file extensions, not top-level domains
/// (`icon@2x.png`, `config@v2.json`). Any other alphabetic label of 2–24
/// letters is accepted: there are well over a thousand real TLDs.
const NOT_TLDS: &[&[u8]] = &[
    b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"ico", b"bmp", b"tif", b"tiff", b"js",
    b"mjs", b"cjs", b"jsx", b"ts", b"tsx", b"py", b"pyc", b"rb", b"rs", b"go", b"java", b"class",
    b"jar", b"kt", b"scala", b"php", b"pl", b"sh", b"bash", b"ps1", b"bat", b"cmd", b"exe", b"dll",
    b"so", b"dylib", b"bin", b"o", b"a", b"c", b"h", b"cc", b"cpp", b"hpp", b"cs", b"swift", b"m",
    b"json", b"yaml", b"yml", b"toml", b"xml", b"ini", b"cfg", b"conf", b"env", b"lock", b"html",
    b"htm", b"css", b"scss", b"less", b"vue", b"svelte", b"md", b"rst", b"txt", b"log", b"csv",
    b"tsv", b"pdf", b"doc", b"docx", b"xls", b"xlsx", b"zip", b"gz", b"tgz", b"bz2", b"xz", b"zst",
    b"tar", b"rar", b"map", b"wasm", b"woff", b"woff2", b"ttf", b"otf", b"mp3", b"mp4", b"mov",
    b"avi", b"wav", b"lua", b"sql", b"proto", b"tmp", b"bak", b"old", b"orig", b"swp", b"pem",
    b"crt", b"key", b"pub", b"sig", b"asc", b"git",
];

fn tld_ok(tld: &[u8]) -> bool {
    if !(2..=24).contains(&tld.len()) || !tld.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let lower: Vec<u8> = tld.iter().map(u8::to_ascii_lowercase).collect();
    !NOT_TLDS.contains(&&lower[..])
}

pub fn find(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    // `@`, and its URL encoding `%40` (form bodies, query strings).
    let mut anchors = memchr::memchr_iter(b'@', hay).map(|p| (p, 1)).peekable();
    let mut enc = memchr::memmem::find_iter(hay, b"%40")
        .map(|p| (p, 3))
        .peekable();
    let mut last_end = 0;
    loop {
        let (at, alen) = match (anchors.peek(), enc.peek()) {
            (Some(a), Some(b)) if b.0 < a.0 => enc.next().expect("peeked"),
            (Some(_), _) => anchors.next().expect("peeked"),
            (None, Some(_)) => enc.next().expect("peeked"),
            (None, None) => break,
        };
        if at < last_end {
            continue;
        }
        if let Some((s, e)) = candidate(hay, at, alen) {
            out.push((s, e));
            last_end = e;
        }
    }
}

/// The address around the `@` (or `%40`) at `at`, if it is one.
fn candidate(hay: &[u8], at: usize, alen: usize) -> Option<(usize, usize)> {
    // Local part.
    let mut s = at;
    while s > 0 && at - s < MAX_LOCAL && is_local(hay[s - 1]) {
        s -= 1;
    }
    while s < at && matches!(hay[s], b'.' | b'-' | b'+' | b'%') {
        s += 1;
    }
    // `\nbob@acme.io` in a JSON-escaped log: the `n` belongs to the escape.
    let after_escape =
        s > 0 && s + 1 < at && hay[s - 1] == b'\\' && matches!(hay[s], b'n' | b't' | b'r');
    if after_escape {
        s += 1;
    }
    if s == at || hay[at - 1] == b'.' {
        return None;
    }
    if s > 0 && !after_escape {
        let prev = hay[s - 1];
        // URL userinfo (`//user@host`, `user:pass@host`) is not an email,
        // except after `mailto:` or a bare `key:`.
        if prev == b'/' || (prev == b':' && in_url_userinfo(hay, s - 1)) {
            return None;
        }
        if prev.is_ascii_alphanumeric() {
            return None; // the local part ran past MAX_LOCAL
        }
    }
    // Domain.
    let d0 = at + alen;
    let mut e = d0;
    while e < hay.len() && e - d0 < MAX_DOMAIN && is_domain(hay[e]) {
        e += 1;
    }
    while e > d0 && matches!(hay[e - 1], b'.' | b'-') {
        e -= 1;
    }
    let domain = &hay[d0..e];
    if domain.is_empty() || domain[0] == b'.' || domain[0] == b'-' {
        return None;
    }
    let dot = memchr::memrchr(b'.', domain)?;
    if domain.windows(2).any(|w| w == b"..") || !tld_ok(&domain[dot + 1..]) {
        return None;
    }
    if &hay[s..at] == b"git" {
        return None; // git@github.com:org/repo — an SSH remote, not a person
    }
    if is_pseudonym_local(&hay[s..at]) {
        return None;
    }
    Some((s, e))
}

/// `u-` and 8 lowercase hex digits: the local part stanch writes for an
/// email pseudonym that keeps its domain (`u-1a2b3c4d@acme.com`), skipped so
/// that redacting twice changes nothing. Exactly this shape only: a real
/// address of that form (rare) is missed, which is the price of idempotence.
fn is_pseudonym_local(local: &[u8]) -> bool {
    local.len() == 10
        && local.starts_with(b"u-")
        && local[2..]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

/// A `:` at `colon` separates URL userinfo (`scheme://user:pass@host`) when
/// the same token has `://` before it; `to:bob@x.io` and `{email:bob@x.io}`
/// are emails.
fn in_url_userinfo(hay: &[u8], colon: usize) -> bool {
    let lo = colon.saturating_sub(256);
    let token_start = hay[lo..colon]
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'<' | b'(' | b','))
        .map_or(lo, |p| lo + p + 1);
    // Userinfo runs from `://` to the colon and holds no `/` or `@`:
    // `postgres://u:p@db/orders::bob@x.io` has its URL behind it.
    match memchr::memmem::rfind(&hay[token_start..colon], b"://") {
        Some(p) => !hay[token_start + p + 3..colon]
            .iter()
            .any(|b| matches!(b, b'/' | b'@')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    fn spans(s: &str) -> Vec<&str> {
        crate::finders::spans_of(super::find, s)
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(
            spans("user jane.doe+x@acme-corp.io logged in"),
            ["jane.doe+x@acme-corp.io"]
        );
        assert_eq!(spans("<bob@example.co.uk>."), ["bob@example.co.uk"]);
        assert_eq!(spans("mailto:ann@corp.com"), ["ann@corp.com"]);
        assert_eq!(
            spans("to:bob@acme.io {email:cy@acme.io}"),
            ["bob@acme.io", "cy@acme.io"]
        );
        assert_eq!(
            spans("grant_type=password&username=ann.lee%40corp.io&password=x"),
            ["ann.lee%40corp.io"]
        );
        assert_eq!(spans("{\"email\":\"a_b@x.dev\"}"), ["a_b@x.dev"]);
        // A URL earlier in the same token (found by the no_planted_secret
        // property test): its userinfo ended at its own `@`.
        assert_eq!(
            spans("=postgres://u:pw@db/orders::dmitri@ahcoete.dev\""),
            ["dmitri@ahcoete.dev"]
        );
        assert_eq!(spans("https://u:pw@db/x:ann@corp.io"), ["ann@corp.io"]);
        // Still userinfo: `scheme://user:pass@host`.
        assert!(spans("redis://default:hunter2@cache.acme.io:6379").is_empty());
        // JSON-escaped line ends are not part of the address.
        assert_eq!(spans(r#"{"m":"hi\nbob@acme.io\tx"}"#), ["bob@acme.io"]);
        assert_eq!(
            spans("| fr79@stark.industries |"),
            ["fr79@stark.industries"]
        );
        // Near misses of stanch's own `u-<8 hex>` pseudonym shape are emails.
        for s in [
            "u-1a2b3c4@acme.com",
            "u-1a2b3c4d5@acme.com",
            "u-1A2B3C4D@acme.com",
            "xu-1a2b3c4d@acme.com",
        ] {
            assert_eq!(spans(s), [s], "{s}");
        }
    }

    #[test]
    fn skips_lookalikes() {
        for s in [
            "image@2x.png",
            "lodash@4.17.21",
            "logo@v2.svg",
            "util@1.0.js",
            "@property",
            "git@github.com:org/repo.git",
            "postgres://app:pw@db.internal.net/x",
            "https://bob@host.com/",
            "user@localhost",
            "a@b",
            "x@.com",
            "foo@bar..com",
            "u-1a2b3c4d@acme.com",
            "to u-00ff00ff%40acme.com",
        ] {
            assert!(spans(s).is_empty(), "{s}: {:?}", spans(s));
        }
    }

    #[test]
    fn never_panics_on_edges() {
        for s in ["@", "a@", "@b.co", "a@b.", "\u{ff}@\u{ff}"] {
            let _ = spans(s);
        }
    }
}
