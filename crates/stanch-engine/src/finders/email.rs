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

/// Generic TLDs seen in real addresses; every two-letter label is accepted as a ccTLD.
const GTLDS: &[&[u8]] = &[
    b"com", b"org", b"net", b"edu", b"gov", b"mil", b"int", b"info", b"biz", b"dev", b"app",
    b"cloud", b"tech", b"online", b"site", b"xyz", b"email", b"mail", b"name", b"pro", b"mobi",
    b"aero", b"museum", b"jobs", b"travel", b"company", b"solutions", b"systems", b"digital",
    b"agency", b"studio", b"services", b"software", b"network", b"store", b"shop", b"team",
    b"works", b"world", b"life", b"live", b"media", b"news", b"blog", b"page", b"space", b"zone",
    b"global", b"group", b"inc", b"llc", b"ltd", b"bank", b"finance", b"health", b"law",
    b"school", b"university", b"academy", b"consulting", b"design", b"energy", b"games",
    b"host", b"io", b"ai", b"co", b"me", b"us", b"uk", b"local", b"internal", b"corp", b"test",
    b"example", b"invalid", b"coop", b"asia", b"cat", b"tel", b"post", b"codes", b"tools",
];

fn tld_ok(tld: &[u8]) -> bool {
    if tld.len() == 2 {
        return tld.iter().all(u8::is_ascii_alphabetic);
    }
    let lower: Vec<u8> = tld.iter().map(u8::to_ascii_lowercase).collect();
    GTLDS.contains(&&lower[..])
}

pub fn find(hay: &[u8], out: &mut Vec<(usize, usize)>) {
    let mut last_end = 0;
    for at in memchr::memchr_iter(b'@', hay) {
        if at < last_end {
            continue;
        }
        // Local part.
        let mut s = at;
        while s > 0 && at - s < MAX_LOCAL && is_local(hay[s - 1]) {
            s -= 1;
        }
        while s < at && matches!(hay[s], b'.' | b'-' | b'+' | b'%') {
            s += 1;
        }
        if s == at || hay[at - 1] == b'.' {
            continue;
        }
        if s > 0 {
            let prev = hay[s - 1];
            // URL userinfo (`//user@host`, `user:pass@host`) is not an email,
            // except `mailto:`.
            if prev == b'/' || (prev == b':' && !ends_with_ci(&hay[..s - 1], b"mailto")) {
                continue;
            }
            if prev.is_ascii_alphanumeric() {
                continue; // the local part ran past MAX_LOCAL
            }
        }
        // Domain.
        let mut e = at + 1;
        while e < hay.len() && e - at <= MAX_DOMAIN && is_domain(hay[e]) {
            e += 1;
        }
        while e > at + 1 && matches!(hay[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let domain = &hay[at + 1..e];
        if domain.is_empty() || domain[0] == b'.' || domain[0] == b'-' {
            continue;
        }
        let Some(dot) = memchr::memrchr(b'.', domain) else {
            continue;
        };
        if domain.windows(2).any(|w| w == b"..") {
            continue;
        }
        if !tld_ok(&domain[dot + 1..]) {
            continue;
        }
        if &hay[s..at] == b"git" {
            continue; // git@github.com:org/repo — an SSH remote, not a person
        }
        out.push((s, e));
        last_end = e;
    }
}

fn ends_with_ci(h: &[u8], suffix: &[u8]) -> bool {
    h.len() >= suffix.len() && h[h.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

#[cfg(test)]
mod tests {
    fn spans(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        super::find(s.as_bytes(), &mut out);
        out.iter().map(|&(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(spans("user jane.doe+x@acme-corp.io logged in"), ["jane.doe+x@acme-corp.io"]);
        assert_eq!(spans("<bob@example.co.uk>."), ["bob@example.co.uk"]);
        assert_eq!(spans("mailto:ann@corp.com"), ["ann@corp.com"]);
        assert_eq!(spans("{\"email\":\"a_b@x.dev\"}"), ["a_b@x.dev"]);
    }

    #[test]
    fn skips_lookalikes() {
        for s in [
            "image@2x.png", "lodash@4.17.21", "@property", "git@github.com:org/repo.git",
            "postgres://app:pw@db.internal.net/x", "https://bob@host.com/", "user@localhost",
            "a@b", "x@.com", "foo@bar..com",
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
