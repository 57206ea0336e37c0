//! Where registered values come from: environment variables picked by name
//! globs, and taint files. Pure functions: the caller reads the environment
//! and the files, so these are testable and do no I/O.
//!
//! ## Taint files
//!
//! A taint file is either a list of values, one per line, or a dotenv file.
//!
//! - Blank lines and lines whose first non-blank character is `#` are
//!   ignored in both forms.
//! - A line is an *assignment* if it reads `[export ]NAME=VALUE` with `NAME`
//!   matching `[A-Za-z_][A-Za-z0-9_]*` (blanks allowed around `=`), and
//!   `VALUE` is not made only of `=` characters. (So a base64 value such as
//!   `c2VjcmV0cw==` is *not* an assignment: it would read as `NAME=` + `=`.)
//! - The file is a **dotenv file** if every remaining line is an assignment
//!   and at least one has a non-empty value. Otherwise it is a **list of
//!   values**, and each line, with surrounding blanks removed, is a value
//!   (a list of base64 values ending in a single `=` reads as `NAME=` with
//!   empty values, which is why one non-empty value is required).
//! - Dotenv values: `"double quoted"` (with `\n`, `\r`, `\t`, `\"`, `\\`
//!   escapes), `'single quoted'` (literal), or unquoted (up to a ` #`
//!   comment, blanks trimmed). A quote that is never closed runs to the end
//!   of the line. Multi-line values are not supported.
//! - Origins are `name:line`, plus `(NAME)` for dotenv files.

use globset::{Glob, GlobSetBuilder};
use std::ffi::OsString;
use std::fmt;
use zeroize::Zeroizing;

/// One value to register and where it came from. `Debug` never shows the value.
pub struct TaintValue {
    pub value: Zeroizing<Vec<u8>>,
    /// `$NAME` or `file:line`.
    pub origin: String,
}

impl fmt::Debug for TaintValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaintValue")
            .field("value", &format_args!("<{} bytes>", self.value.len()))
            .field("origin", &self.origin)
            .finish()
    }
}

/// Values of the variables whose NAME matches any of `patterns` (globs:
/// `*`, `?`, `[abc]`, `{A,B}`; case-sensitive; an exact name is a glob too).
/// Returns the values (origin `$NAME`, in the order of `vars`) and the
/// patterns that matched no variable. Errors name the bad pattern.
pub fn from_env_globs(
    patterns: &[String],
    vars: impl IntoIterator<Item = (OsString, OsString)>,
) -> Result<(Vec<TaintValue>, Vec<String>), globset::Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p)?);
    }
    let set = b.build()?;
    let mut used = vec![false; patterns.len()];
    let mut out = Vec::new();
    let mut hits = Vec::new();
    for (name, value) in vars {
        set.matches_into(std::path::Path::new(&name), &mut hits);
        if hits.is_empty() {
            drop(Zeroizing::new(value.into_encoded_bytes()));
            continue;
        }
        for &i in &hits {
            used[i] = true;
        }
        out.push(TaintValue {
            value: Zeroizing::new(value.into_encoded_bytes()),
            origin: format!("${}", name.to_string_lossy()),
        });
    }
    let unmatched = patterns
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(p, _)| p.clone())
        .collect();
    Ok((out, unmatched))
}

/// The values in a taint file (see the module docs for the format).
/// `name` is used in origins only. Empty values are skipped.
pub fn parse_taint_file(name: &str, text: &[u8]) -> Vec<TaintValue> {
    let lines = || {
        text.split(|&b| b == b'\n')
            .enumerate()
            .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
            .filter(|(_, l)| {
                let t = l.trim_ascii();
                !t.is_empty() && !t.starts_with(b"#")
            })
    };
    let mut any_value = false;
    let dotenv = lines().all(|(_, l)| match assignment(l) {
        Some((_, v)) => {
            any_value |= !v.is_empty();
            true
        }
        None => false,
    }) && any_value;
    let mut out = Vec::new();
    for (n, line) in lines() {
        let (value, origin) = if dotenv {
            let Some((key, raw)) = assignment(line) else {
                continue;
            };
            let origin = format!("{name}:{n} ({})", String::from_utf8_lossy(key));
            (dotenv_value(raw), origin)
        } else {
            (to_zeroizing(line.trim_ascii()), format!("{name}:{n}"))
        };
        if !value.is_empty() {
            out.push(TaintValue { value, origin });
        }
    }
    out
}

fn to_zeroizing(b: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(b.len()));
    v.extend_from_slice(b);
    v
}

/// `[export ]NAME = VALUE` → (NAME, VALUE with leading blanks removed), if
/// the line is an assignment (see the module docs).
fn assignment(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut l = line.trim_ascii_start();
    if let Some(rest) = l.strip_prefix(b"export") {
        if rest.first().is_some_and(|c| c.is_ascii_whitespace()) {
            l = rest.trim_ascii_start();
        }
    }
    let first = *l.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let name_len = l
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
        .unwrap_or(l.len());
    let (name, rest) = l.split_at(name_len);
    let rest = rest.trim_ascii_start().strip_prefix(b"=")?;
    let value = rest.trim_ascii();
    if !value.is_empty() && value.iter().all(|&c| c == b'=') {
        return None;
    }
    Some((name, rest.trim_ascii_start()))
}

fn dotenv_value(raw: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut v = Zeroizing::new(Vec::with_capacity(raw.len()));
    match raw.first() {
        Some(b'"') => {
            let mut it = raw[1..].iter();
            while let Some(&c) = it.next() {
                match c {
                    b'"' => break,
                    b'\\' => match it.next() {
                        Some(b'n') => v.push(b'\n'),
                        Some(b'r') => v.push(b'\r'),
                        Some(b't') => v.push(b'\t'),
                        Some(&e @ (b'"' | b'\\')) => v.push(e),
                        Some(&e) => v.extend_from_slice(&[b'\\', e]),
                        None => v.push(b'\\'),
                    },
                    _ => v.push(c),
                }
            }
        }
        Some(b'\'') => {
            let body = &raw[1..];
            let end = body.iter().position(|&c| c == b'\'').unwrap_or(body.len());
            v.extend_from_slice(&body[..end]);
        }
        _ => {
            let end = raw
                .windows(2)
                .position(|w| w[0].is_ascii_whitespace() && w[1] == b'#')
                .unwrap_or(raw.len());
            v.extend_from_slice(raw[..end].trim_ascii());
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse_taint_file("t.env", text.as_bytes())
            .into_iter()
            .map(|v| (String::from_utf8(v.value.to_vec()).unwrap(), v.origin))
            .collect()
    }

    fn pair(v: &str, o: &str) -> (String, String) {
        (v.to_string(), o.to_string())
    }

    #[test]
    fn list_of_values() {
        let got = values("# my keys\n  first-secret-value  \n\nsecond=value=with=eq\r\n");
        assert_eq!(
            got,
            [
                pair("first-secret-value", "t.env:2"),
                pair("second=value=with=eq", "t.env:4")
            ]
        );
    }

    #[test]
    fn base64_values_are_not_assignments() {
        let got = values("c2VjcmV0c2VjcmV0cw==\nc2VjcmV0c2VjcmV0=\nYWJjZGVmZ2hpams\n");
        assert_eq!(
            got,
            [
                pair("c2VjcmV0c2VjcmV0cw==", "t.env:1"),
                pair("c2VjcmV0c2VjcmV0=", "t.env:2"),
                pair("YWJjZGVmZ2hpams", "t.env:3")
            ]
        );
    }

    #[test]
    fn dotenv() {
        let text =
            "# comment\nexport AWS_KEY=AKIAEXAMPLE0123\nDB_PASS = \"p@ss \\\"w\\\"\\n\" # c\n\
                    SINGLE='lit\\eral' \nPLAIN=value # trailing\nEMPTY=\nEQ=abc==\n";
        let got = values(text);
        assert_eq!(
            got,
            [
                pair("AKIAEXAMPLE0123", "t.env:2 (AWS_KEY)"),
                pair("p@ss \"w\"\n", "t.env:3 (DB_PASS)"),
                pair("lit\\eral", "t.env:4 (SINGLE)"),
                pair("value", "t.env:5 (PLAIN)"),
                pair("abc==", "t.env:7 (EQ)")
            ]
        );
    }

    #[test]
    fn a_mixed_file_is_a_list() {
        let got = values("KEY=value\njust-a-value\n");
        assert_eq!(
            got,
            [
                pair("KEY=value", "t.env:1"),
                pair("just-a-value", "t.env:2")
            ]
        );
    }

    #[test]
    fn env_globs() {
        let vars = [
            ("AWS_SECRET_ACCESS_KEY", "aws-value-123456"),
            ("GITHUB_TOKEN", "gh-value-1234567"),
            ("HOME", "/root"),
            ("MY_TOKEN_X", "nope"),
        ]
        .map(|(k, v)| (OsString::from(k), OsString::from(v)));
        let pats = ["AWS_*", "*_TOKEN", "NOT_SET"].map(String::from);
        let (vals, unmatched) = from_env_globs(&pats, vars).unwrap();
        let origins: Vec<&str> = vals.iter().map(|v| v.origin.as_str()).collect();
        assert_eq!(origins, ["$AWS_SECRET_ACCESS_KEY", "$GITHUB_TOKEN"]);
        assert_eq!(&vals[1].value[..], b"gh-value-1234567");
        assert_eq!(unmatched, ["NOT_SET"]);
        assert!(from_env_globs(&["[".to_string()], []).is_err());
    }

    #[test]
    fn debug_hides_the_value() {
        let v = &parse_taint_file("f", b"super-secret-value-42")[0];
        let d = format!("{v:?}");
        assert!(!d.contains("super-secret"), "{d}");
        assert!(d.contains("21 bytes"), "{d}");
    }
}
