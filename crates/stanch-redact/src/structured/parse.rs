//! A strict JSON (RFC 8259) parser that records where every value and key
//! lies in the input, and JSON string escaping both ways.
//!
//! Written by hand because redaction must rewrite single string tokens and
//! leave every other byte as it was (spacing, key order, number spelling,
//! escapes): serde_json and the streaming parsers we looked at give values,
//! not their byte spans. It only indexes; it never copies a value.
//!
//! Nodes are kept in one flat vector in document order: a container's
//! children follow it, and `after` is the index just past its subtree, so
//! walking needs neither pointers nor recursion to skip a subtree.

use std::fmt;

/// Containers nest at most this deep (serde_json's default limit too).
pub const MAX_NESTING: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    String,
    Number,
    Literal,
}

/// One value, with its byte span in the document.
#[derive(Clone, Copy, Debug)]
pub struct Node {
    pub kind: Kind,
    /// Span of the whole value (a string's includes its quotes).
    pub start: usize,
    pub end: usize,
    /// For object members: the key's content span (inside the quotes).
    pub key: Option<(usize, usize)>,
    /// For strings (and keys): whether the content holds a `\` escape.
    pub escaped: bool,
    pub key_escaped: bool,
    /// Index of the first node after this one's subtree.
    pub after: usize,
}

impl Node {
    /// A string's content span (inside the quotes).
    pub fn content(&self) -> (usize, usize) {
        (self.start + 1, self.end - 1)
    }
}

/// Why a document is not JSON, and where (a byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub reason: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not valid JSON at byte {}: {}", self.offset, self.reason)
    }
}

impl std::error::Error for JsonError {}

fn err<T>(offset: usize, reason: &'static str) -> Result<T, JsonError> {
    Err(JsonError { offset, reason })
}

/// Parses `doc` into `nodes` (cleared first). `nodes[0]` is the root.
pub fn parse(doc: &[u8], nodes: &mut Vec<Node>) -> Result<(), JsonError> {
    nodes.clear();
    if let Err(e) = std::str::from_utf8(doc) {
        return err(e.valid_up_to(), "invalid UTF-8");
    }
    let mut p = Parser { doc, nodes };
    let pos = p.ws(0);
    let end = p.value(pos, None, 0)?;
    let end = p.ws(end);
    if end != doc.len() {
        return err(end, "unexpected data after the JSON value");
    }
    Ok(())
}

struct Parser<'a> {
    doc: &'a [u8],
    nodes: &'a mut Vec<Node>,
}

impl Parser<'_> {
    fn ws(&self, mut pos: usize) -> usize {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.doc.get(pos) {
            pos += 1;
        }
        pos
    }

    fn push(&mut self, kind: Kind, start: usize, key: Option<(usize, usize, bool)>) -> usize {
        let i = self.nodes.len();
        self.nodes.push(Node {
            kind,
            start,
            end: start,
            key: key.map(|(a, b, _)| (a, b)),
            escaped: false,
            key_escaped: key.is_some_and(|k| k.2),
            after: i + 1,
        });
        i
    }

    /// Parses one value at `pos`; returns the offset just past it.
    fn value(
        &mut self,
        pos: usize,
        key: Option<(usize, usize, bool)>,
        depth: usize,
    ) -> Result<usize, JsonError> {
        let Some(&b) = self.doc.get(pos) else {
            return err(pos, "unexpected end of input, expected a value");
        };
        match b {
            b'{' | b'[' => {
                if depth >= MAX_NESTING {
                    return err(pos, "nested deeper than 128 levels");
                }
                let object = b == b'{';
                let close = if object { b'}' } else { b']' };
                let kind = if object { Kind::Object } else { Kind::Array };
                let me = self.push(kind, pos, key);
                let mut at = self.ws(pos + 1);
                if self.doc.get(at) == Some(&close) {
                    return Ok(self.close(me, at + 1));
                }
                loop {
                    let member_key = if object {
                        if self.doc.get(at) != Some(&b'"') {
                            return err(at, "expected a string key");
                        }
                        let (kend, escaped) = self.string(at)?;
                        let k = (at + 1, kend - 1, escaped);
                        at = self.ws(kend);
                        if self.doc.get(at) != Some(&b':') {
                            return err(at, "expected ':' after a key");
                        }
                        at = self.ws(at + 1);
                        Some(k)
                    } else {
                        None
                    };
                    at = self.value(at, member_key, depth + 1)?;
                    at = self.ws(at);
                    match self.doc.get(at) {
                        Some(b',') => at = self.ws(at + 1),
                        Some(&c) if c == close => return Ok(self.close(me, at + 1)),
                        Some(_) => {
                            return err(
                                at,
                                if object {
                                    "expected ',' or '}'"
                                } else {
                                    "expected ',' or ']'"
                                },
                            )
                        }
                        None => return err(at, "unexpected end of input inside a container"),
                    }
                }
            }
            b'"' => {
                let me = self.push(Kind::String, pos, key);
                let (end, escaped) = self.string(pos)?;
                self.nodes[me].escaped = escaped;
                Ok(self.close(me, end))
            }
            b'-' | b'0'..=b'9' => {
                let me = self.push(Kind::Number, pos, key);
                let end = self.number(pos)?;
                Ok(self.close(me, end))
            }
            b't' | b'f' | b'n' => {
                let lit: &[u8] = match b {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                if !self.doc[pos..].starts_with(lit) {
                    return err(pos, "invalid literal");
                }
                let me = self.push(Kind::Literal, pos, key);
                Ok(self.close(me, pos + lit.len()))
            }
            _ => err(pos, "expected a value"),
        }
    }

    fn close(&mut self, me: usize, end: usize) -> usize {
        let after = self.nodes.len();
        let n = &mut self.nodes[me];
        n.end = end;
        n.after = after;
        end
    }

    /// A string starting at the quote at `pos`: (offset past the closing
    /// quote, whether it holds escapes).
    fn string(&self, pos: usize) -> Result<(usize, bool), JsonError> {
        let d = self.doc;
        let mut at = pos + 1;
        let mut escaped = false;
        loop {
            let Some(k) = memchr::memchr2(b'"', b'\\', &d[at..]) else {
                return err(d.len(), "unterminated string");
            };
            // The smallest byte first: a fold without an early exit
            // vectorizes, a search for the first control byte does not.
            let seg = &d[at..at + k];
            if seg.iter().fold(u8::MAX, |m, &b| m.min(b)) < 0x20 {
                let c = seg.iter().position(|&b| b < 0x20).unwrap_or(0);
                return err(at + c, "control character in a string");
            }
            at += k;
            if d[at] == b'"' {
                return Ok((at + 1, escaped));
            }
            escaped = true;
            match d.get(at + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => at += 2,
                Some(b'u') => {
                    if d.len() < at + 6 || !d[at + 2..at + 6].iter().all(u8::is_ascii_hexdigit) {
                        return err(at, "invalid \\u escape");
                    }
                    at += 6;
                }
                Some(_) => return err(at, "invalid escape"),
                None => return err(at, "unterminated string"),
            }
        }
    }

    fn number(&self, pos: usize) -> Result<usize, JsonError> {
        let d = self.doc;
        let digits = |mut at: usize| {
            while d.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            at
        };
        let mut at = pos;
        if d[at] == b'-' {
            at += 1;
        }
        match d.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => at = digits(at),
            _ => return err(at, "invalid number"),
        }
        if d.get(at) == Some(&b'.') {
            let e = digits(at + 1);
            if e == at + 1 {
                return err(at, "invalid number");
            }
            at = e;
        }
        if let Some(b'e' | b'E') = d.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = d.get(at) {
                at += 1;
            }
            let e = digits(at);
            if e == at {
                return err(at, "invalid number");
            }
            at = e;
        }
        Ok(at)
    }
}

/// The children of node `i`, in order.
pub fn children(nodes: &[Node], i: usize) -> impl Iterator<Item = usize> + '_ {
    let end = nodes[i].after;
    let mut c = i + 1;
    std::iter::from_fn(move || {
        if c < end {
            let here = c;
            c = nodes[c].after;
            Some(here)
        } else {
            None
        }
    })
}

/// Decodes the escapes of string content `raw` (valid, as checked by
/// [`parse`]) into `out`, and for each decoded byte records in `map` the raw
/// span of the escape (or byte) it came from, so a decoded range maps back
/// to raw bytes without splitting an escape. Lone surrogates decode to
/// U+FFFD.
pub fn unescape(raw: &[u8], out: &mut Vec<u8>, map: &mut Vec<(u32, u32)>) {
    out.clear();
    map.clear();
    unescape_with(raw, |bytes, a, b, plain| {
        out.extend_from_slice(bytes);
        if plain {
            // Each byte of a plain run maps to itself.
            map.extend((a as u32..b as u32).map(|j| (j, j + 1)));
        } else {
            for _ in 0..bytes.len() {
                map.push((a as u32, b as u32));
            }
        }
    });
}

/// Appends the decoded form of string content `raw` to `out`.
pub fn unescape_append(raw: &[u8], out: &mut Vec<u8>) {
    if memchr::memchr(b'\\', raw).is_none() {
        out.extend_from_slice(raw);
        return;
    }
    unescape_with(raw, |bytes, _, _, _| out.extend_from_slice(bytes));
}

/// Calls `emit(decoded bytes, raw start, raw end, plain)` for each run of
/// plain bytes (`plain`: decoded as they are) and for each escape.
fn unescape_with(raw: &[u8], mut emit: impl FnMut(&[u8], usize, usize, bool)) {
    let mut i = 0;
    let hex4 = |at: usize| -> u32 {
        raw[at..at + 4]
            .iter()
            .fold(0u32, |v, &b| v << 4 | (b as char).to_digit(16).unwrap_or(0))
    };
    while i < raw.len() {
        // Plain bytes up to the next escape, in one call.
        let k = memchr::memchr(b'\\', &raw[i..]).map_or(raw.len(), |k| i + k);
        if k > i {
            emit(&raw[i..k], i, k, true);
        }
        i = k;
        if i >= raw.len() {
            break;
        }
        let (ch, len): (char, usize) = match raw.get(i + 1) {
            Some(b'u') if i + 6 <= raw.len() => {
                let hi = hex4(i + 2);
                if (0xD800..0xDC00).contains(&hi)
                    && raw.get(i + 6) == Some(&b'\\')
                    && raw.get(i + 7) == Some(&b'u')
                    && i + 12 <= raw.len()
                {
                    let lo = hex4(i + 8);
                    if (0xDC00..0xE000).contains(&lo) {
                        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        (char::from_u32(c).unwrap_or('\u{FFFD}'), 12)
                    } else {
                        ('\u{FFFD}', 6)
                    }
                } else {
                    (char::from_u32(hi).unwrap_or('\u{FFFD}'), 6)
                }
            }
            Some(b'n') => ('\n', 2),
            Some(b't') => ('\t', 2),
            Some(b'r') => ('\r', 2),
            Some(b'b') => ('\u{8}', 2),
            Some(b'f') => ('\u{c}', 2),
            Some(&c) => (c as char, 2),
            None => ('\\', 1),
        };
        let mut buf = [0u8; 4];
        emit(ch.encode_utf8(&mut buf).as_bytes(), i, i + len, false);
        i += len;
    }
}

/// Appends `s` escaped as JSON string content (no quotes).
pub fn escape_into(s: &[u8], out: &mut Vec<u8>) {
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f | 0x7f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 15) as usize]);
            }
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(doc: &str) -> Vec<Node> {
        let mut n = Vec::new();
        parse(doc.as_bytes(), &mut n).unwrap_or_else(|e| panic!("{doc}: {e}"));
        n
    }

    #[test]
    fn spans_and_keys() {
        let doc = r#" {"a": [1, "x\"y", {"b": null}], "c\u0041": -1.5e3 } "#;
        let n = ok(doc);
        assert_eq!(n[0].kind, Kind::Object);
        assert_eq!(&doc[n[0].start..n[0].end], &doc[1..doc.len() - 1]);
        let top: Vec<usize> = children(&n, 0).collect();
        assert_eq!(top.len(), 2);
        let a = top[0];
        let (ks, ke) = n[a].key.unwrap();
        assert_eq!(&doc[ks..ke], "a");
        let items: Vec<usize> = children(&n, a).collect();
        assert_eq!(items.len(), 3);
        assert_eq!(&doc[n[items[1]].start..n[items[1]].end], r#""x\"y""#);
        assert!(n[items[1]].escaped);
        let c = top[1];
        assert!(n[c].key_escaped);
        assert_eq!(&doc[n[c].start..n[c].end], "-1.5e3");
    }

    #[test]
    fn agrees_with_serde_json_on_edge_cases() {
        for doc in [
            "{}",
            "[]",
            "0",
            "-0",
            "1e5",
            "\"\"",
            "true",
            " null ",
            "[1,]",
            "{,}",
            "01",
            "1.",
            ".5",
            "-",
            "\"\\x\"",
            "\"\\u12\"",
            "\"a\tb\"",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":}",
            "[[[]]]",
            "nul",
            "truex",
            "{}{}",
            "",
            "  ",
            "[\"\\/\"]",
            "1E+2",
        ] {
            let mine = parse(doc.as_bytes(), &mut Vec::new()).is_ok();
            let theirs = serde_json::from_str::<serde_json::Value>(doc).is_ok();
            assert_eq!(mine, theirs, "{doc:?}");
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(200) + &"]".repeat(200);
        let e = parse(deep.as_bytes(), &mut Vec::new()).unwrap_err();
        assert_eq!(e.offset, MAX_NESTING);
        let fine = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(fine.as_bytes(), &mut Vec::new()).is_ok());
    }

    #[test]
    fn unescape_maps_back_to_whole_escapes() {
        let raw = br#"a\"\u00e9\ud83d\ude00\n"#;
        let (mut out, mut map) = (Vec::new(), Vec::new());
        unescape(raw, &mut out, &mut map);
        assert_eq!(out, "a\"é😀\n".as_bytes());
        assert_eq!(map.len(), out.len());
        assert_eq!(map[0], (0, 1));
        assert_eq!(map[1], (1, 3));
        assert_eq!(map[2], (3, 9));
        assert_eq!(map[3], (3, 9));
        assert_eq!(map[4], (9, 21));
        assert_eq!(map[8], (21, 23));
    }

    #[test]
    fn plain_runs_map_byte_by_byte() {
        let raw = br#"ab\ncd\/e"#;
        let (mut out, mut map) = (Vec::new(), Vec::new());
        unescape(raw, &mut out, &mut map);
        assert_eq!(out, b"ab\ncd/e");
        assert_eq!(
            map,
            [(0, 1), (1, 2), (2, 4), (4, 5), (5, 6), (6, 8), (8, 9)]
        );
        let mut appended = b"x".to_vec();
        unescape_append(raw, &mut appended);
        assert_eq!(&appended[1..], &out[..]);
    }

    #[test]
    fn a_control_byte_in_a_string_is_reported_where_it_is() {
        for (doc, at) in [
            (&b"\"abcd\x01e\""[..], 5),
            (b"[\"x\\n\", \"long run of text \x1f\"]", 26),
            (b"\"\x00\"", 1),
        ] {
            let e = parse(doc, &mut Vec::new()).unwrap_err();
            assert_eq!(e.offset, at, "{:?}", String::from_utf8_lossy(doc));
            assert!(e.to_string().contains("control character"), "{e}");
        }
    }

    #[test]
    fn escape_round_trips() {
        let s = "quote \" back \\ nl \n tab \t nul \u{0} é";
        let mut e = Vec::new();
        escape_into(s.as_bytes(), &mut e);
        let json = format!("\"{}\"", String::from_utf8(e).unwrap());
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), s);
    }
}
