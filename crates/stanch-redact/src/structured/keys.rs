//! Which key names hold secrets: `password`, `Authorization`, `db_pass`,
//! `http.request.header.cookie`, `aws_secret_access_key`, `sessionId` do;
//! `max_tokens`, `token_type`, `password_changed_at`, `client_id` do not.
//!
//! A key is split into lowercase words (at `_ - . / :` and blanks and at
//! camelCase humps). It names a secret when one of its words (or two
//! adjacent words, like `api key`) is a secret word, unless its last word
//! says the value describes the secret rather than being it (`_type`,
//! `_count`, `_expires_at`, `_url`…). Users add exact names with
//! `secret_keys` and take them away with `not_secret_keys` (compared after
//! lowercasing and dropping `_ - .` and blanks, so `X-Api-Key`,
//! `x_api_key` and `xapikey` are one name).

use std::collections::HashSet;

/// What a key says about the value under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyClass {
    /// The value is a secret, whatever it looks like.
    Secret,
    /// The value is personal data (an SSN, a card number).
    Pii,
    /// A session id: a secret, except that a UUID under it is a
    /// correlation id (agent transcripts, analytics), not a credential.
    Session,
    /// An HTTP credential header (`Authorization`, `Proxy-Authorization`):
    /// a leading auth scheme (`Bearer `, `Basic `…) is kept.
    AuthHeader,
    /// The key says the value is *about* a secret, not one (`token_type`,
    /// `password_expires_at`): nothing inherited from an enclosing secret
    /// key applies.
    Describes,
    /// Nothing known: the value inherits the enclosing key's class.
    Unknown,
}

impl KeyClass {
    /// True for the classes whose values are redacted whole.
    pub fn redacts(self) -> bool {
        matches!(
            self,
            KeyClass::Secret | KeyClass::Pii | KeyClass::AuthHeader | KeyClass::Session
        )
    }
}

/// Words that make a key secret on their own.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passwort",
    "pwd",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "apikey",
    "cookie",
    "cookies",
    "credential",
    "credentials",
    "creds",
    "session",
    "sessionid",
    "sessid",
    "jsessionid",
    "phpsessid",
    "privatekey",
    "privkey",
    "accesskey",
    "secretkey",
    "signingkey",
    "sig",
    "signature",
    "bearer",
    "jwt",
    "otp",
    "totp",
    "passcode",
    "xsrf",
    "csrf",
];

/// Adjacent word pairs that make a key secret.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("account", "key"),
    ("shared", "key"),
    ("app", "key"),
    ("auth", "key"),
    ("license", "key"),
    ("session", "id"),
    ("id", "token"),
    ("set", "cookie"),
];

/// Words that make a key personal data.
const PII_WORDS: &[&str] = &["ssn", "cvv", "cvc", "cvv2", "ccnum"];
const PII_PAIRS: &[(&str, &str)] = &[
    ("card", "number"),
    ("cc", "number"),
    ("social", "security"),
    ("tax", "id"),
];

/// Last words that turn a secret-sounding key into metadata about it.
const DESCRIBING_LAST: &[&str] = &[
    "count",
    "counts",
    "type",
    "types",
    "kind",
    "name",
    "names",
    "length",
    "len",
    "size",
    "expires",
    "expiry",
    "expiration",
    "expired",
    "exp",
    "ttl",
    "age",
    "at",
    "time",
    "date",
    "timestamp",
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "filename",
    "dir",
    "env",
    "var",
    "hint",
    "required",
    "enabled",
    "disabled",
    "present",
    "provided",
    "set",
    "valid",
    "invalid",
    "format",
    "policy",
    "prefix",
    "suffix",
    "header",
    "field",
    "mode",
    "version",
    "limit",
    "max",
    "min",
    "usage",
    "used",
    "timeout",
    "created",
    "updated",
    "rotated",
    "changed",
    "reset",
    "source",
    "location",
    "ref",
    "arn",
    "algorithm",
    "alg",
    "scope",
    "scopes",
    "status",
    "state",
    "error",
    "errors",
    "message",
    "label",
    "description",
    "strength",
    "manager",
    "store",
    "provider",
    "service",
    "id",
    "ids",
    "index",
    "idx",
    "fingerprint",
    "rounds",
    "iterations",
    "cost",
    "level",
    "duration",
    "tokens",
    "fields",
    "keys",
    "attributes",
    "ok",
    "success",
    "failed",
    "failure",
    "failures",
    "attempts",
    "retries",
    "method",
    "methods",
    "flow",
    "grant",
    "response",
    "request",
    "config",
    "settings",
    "options",
];

/// Auth headers: their value may start with a scheme worth keeping.
const AUTH_HEADERS: &[&str] = &["authorization", "proxyauthorization", "wwwauthenticate"];

/// Whole keys (squashed) that are secret though no word is: `pass`,
/// `auth`, `_auth` (npm), `key` under an `x-`…
const SECRET_WHOLE: &[&str] = &[
    "pass",
    "auth",
    "pw",
    "xapikey",
    "xauthtoken",
    "xamzsecuritytoken",
    "xgoogapikey",
    "xfunctionskey",
    "ocpapimsubscriptionkey",
    "apikey",
    "xcsrftoken",
    "xxsrftoken",
    "privatekeyid",
    "dbpass",
    "secretaccesskey",
    "awssecretaccesskey",
];

/// Splits a key into lowercase words, at separators and camelCase humps.
fn words(key: &[u8], out: &mut Vec<String>) {
    out.clear();
    let mut cur = String::new();
    let mut prev_lower = false;
    for &b in key {
        if b.is_ascii_alphanumeric() {
            if b.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
            cur.push(b.to_ascii_lowercase() as char);
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
}

/// `key` lowercased without `_ - .` and blanks.
pub fn squash(key: &str) -> String {
    key.bytes()
        .filter(|b| !matches!(b, b'_' | b'-' | b'.' | b' ' | b'\t'))
        .map(|b| b.to_ascii_lowercase() as char)
        .collect()
}

/// The key-name classifier, with the user's additions and exceptions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecretKeys {
    extra: HashSet<String>,
    not: HashSet<String>,
}

impl SecretKeys {
    /// The built-in lists plus `extra` names (secret) and minus `not` names.
    pub fn new<S: AsRef<str>>(extra: &[S], not: &[S]) -> SecretKeys {
        SecretKeys {
            extra: extra.iter().map(|s| squash(s.as_ref())).collect(),
            not: not.iter().map(|s| squash(s.as_ref())).collect(),
        }
    }

    /// Classifies a key name (raw bytes; JSON keys after unescaping).
    /// OTel-style dotted names are read by their last segment too
    /// (`http.request.header.authorization`).
    pub fn classify(&self, key: &[u8]) -> KeyClass {
        if key.is_empty() || key.len() > 128 {
            return KeyClass::Unknown;
        }
        let Ok(k) = std::str::from_utf8(key) else {
            return KeyClass::Unknown;
        };
        let sq = squash(k);
        if self.not.contains(&sq) {
            return KeyClass::Describes;
        }
        if self.extra.contains(&sq) {
            return KeyClass::Secret;
        }
        // Prefixed attribute names: judge the last dotted segment.
        let last_seg = match k.rfind('.') {
            Some(i) if i + 1 < k.len() => &k[i + 1..],
            _ => k,
        };
        let seg_sq = squash(last_seg);
        if AUTH_HEADERS.contains(&seg_sq.as_str()) {
            return KeyClass::AuthHeader;
        }
        if seg_sq == "sid" {
            return KeyClass::Session;
        }
        if SECRET_WHOLE.contains(&seg_sq.as_str()) || SECRET_WHOLE.contains(&sq.as_str()) {
            return KeyClass::Secret;
        }
        let mut w = Vec::new();
        words(last_seg.as_bytes(), &mut w);
        let Some(last) = w.last() else {
            return KeyClass::Unknown;
        };
        let pair = |list: &[(&str, &str)]| {
            w.windows(2)
                .any(|p| list.iter().any(|(a, b)| p[0] == *a && p[1] == *b))
        };
        let any = |list: &[&str]| w.iter().any(|x| list.contains(&x.as_str()));
        let secret = any(SECRET_WORDS) || pair(SECRET_PAIRS);
        let pii = any(PII_WORDS) || pair(PII_PAIRS);
        if !secret && !pii {
            return KeyClass::Unknown;
        }
        // `session_id`, `id_token`: the pair decides even though `id` is
        // otherwise a describing last word.
        let pair_at_end = |list: &[(&str, &str)]| {
            w.len() >= 2
                && list
                    .iter()
                    .any(|(a, b)| w[w.len() - 2] == *a && w[w.len() - 1] == *b)
        };
        if DESCRIBING_LAST.contains(&last.as_str())
            && !pair_at_end(SECRET_PAIRS)
            && !pair_at_end(PII_PAIRS)
        {
            return KeyClass::Describes;
        }
        if secret {
            let session_only = w
                .iter()
                .filter(|x| SECRET_WORDS.contains(&x.as_str()))
                .all(|x| x.contains("sess"))
                && !w.windows(2).any(|p| {
                    SECRET_PAIRS
                        .iter()
                        .any(|&(a, b)| p[0] == a && p[1] == b && (a, b) != ("session", "id"))
                });
            if session_only {
                KeyClass::Session
            } else {
                KeyClass::Secret
            }
        } else {
            KeyClass::Pii
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        let k = SecretKeys::default();
        for key in [
            "password",
            "PASSWORD",
            "db_password",
            "dbPassword",
            "DB_PASS",
            "pass",
            "pwd",
            "client_secret",
            "clientSecret",
            "api_key",
            "apiKey",
            "X-Api-Key",
            "x-auth-token",
            "access_token",
            "refresh_token",
            "id_token",
            "token",
            "Cookie",
            "set-cookie",
            "Set-Cookie",
            "session_token",
            "private_key",
            "privateKey",
            "private_key_id",
            "aws_secret_access_key",
            "AccountKey",
            "password_hash",
            "credentials",
            "_auth",
            "http.request.header.x-api-key",
            "sig",
        ] {
            assert_eq!(k.classify(key.as_bytes()), KeyClass::Secret, "{key}");
        }
        for key in [
            "authorization",
            "Authorization",
            "Proxy-Authorization",
            "http.request.header.authorization",
        ] {
            assert_eq!(k.classify(key.as_bytes()), KeyClass::AuthHeader, "{key}");
        }
        for key in ["session", "sessionId", "session_id", "JSESSIONID", "sid"] {
            assert_eq!(k.classify(key.as_bytes()), KeyClass::Session, "{key}");
        }
        for key in ["ssn", "card_number", "cardNumber", "cvv"] {
            assert_eq!(k.classify(key.as_bytes()), KeyClass::Pii, "{key}");
        }
    }

    #[test]
    fn describing_and_unknown_keys() {
        let k = SecretKeys::default();
        for key in [
            "token_type",
            "tokenType",
            "password_expires_at",
            "passwordChangedAt",
            "session_expires",
            "token_count",
            "secret_name",
            "api_key_id",
            "cookie_policy",
        ] {
            assert_eq!(k.classify(key.as_bytes()), KeyClass::Describes, "{key}");
        }
        for key in [
            "max_tokens",
            "prompt_tokens",
            "client_id",
            "user",
            "model",
            "key",
            "trace_id",
            "",
            "passenger",
            "tokenizer",
            "compass",
            "connection_string",
        ] {
            assert_eq!(k.classify(key.as_bytes()), KeyClass::Unknown, "{key}");
        }
    }

    #[test]
    fn user_lists_win() {
        let k = SecretKeys::new(&["X-Internal-Ticket"], &["session"]);
        assert_eq!(k.classify(b"x_internal_ticket"), KeyClass::Secret);
        assert_eq!(k.classify(b"Session"), KeyClass::Describes);
        assert_eq!(k.classify(b"session_token"), KeyClass::Secret);
    }
}
