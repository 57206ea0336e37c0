//! JSON-aware redaction: one document in, the same document out with only
//! string contents (and numbers that hold a finding) rewritten. Spacing, key
//! order, escapes and number spelling elsewhere stay byte-identical, and the
//! output is valid JSON of the same shape.
//!
//! How a document is read:
//! 1. The decoded text of every string (and long number) is scanned once,
//!    each member on a line of its own as `"key": "value"`, with every rule
//!    and extension. This is the expensive part and it is the same scan as
//!    text mode, so JSON costs little more than text. Many documents (JSON
//!    Lines) can be queued and scanned together ([`JsonRedactor::queue`]),
//!    each its own segment of the scan
//!    ([`RuleDb::scan_segmented`](stanch_engine::RuleDb::scan_segmented)),
//!    so the result is that of redacting each alone.
//! 2. The document is parsed ([`parse`](super::parse)) and walked with the
//!    key each value sits under:
//!    - a value under a secret-naming key (`password`, `Authorization`,
//!      `Cookie`…, see [`SecretKeys`]) is redacted whole, whatever it looks
//!      like, as `secret-field` (or `pii-field` for `ssn`, `card_number`),
//!      unless it is empty or a placeholder; an auth header keeps its scheme
//!      (`Bearer [REDACTED:secret-field]`). The same holds in header pairs
//!      `["Authorization", "…"]` and `{"name": "Authorization", "value": "…"}`;
//!    - a string that holds a JSON document is parsed and redacted the same
//!      way, recursively (at most [`MAX_STRING_NESTING`] levels), and written
//!      back escaped;
//!    - other strings get the scan's findings that fall inside them; a
//!      string with escapes is decoded and scanned again, so findings map to
//!      whole escapes and replacements are escaped;
//!    - a number with a finding (a card number written as a number) becomes
//!      a string holding the redacted number, so the output stays JSON.
//! 3. With `max_field_bytes`, longer string values are cut (after
//!    redaction, at an escape and character boundary) and end in
//!    `...[TRUNCATED:N bytes]`.

use super::keys::{KeyClass, SecretKeys};
use super::parse::{
    children, escape_into, parse, unescape, unescape_append, JsonError, Kind, Node,
};
use crate::restore::RestoreMap;
use crate::Redactor;
use stanch_engine::validate::is_placeholder;
use stanch_engine::{Category, Finding, RuleId, Scratch};
use std::borrow::Cow;

/// Strings holding JSON are walked at most this many levels deep.
pub const MAX_STRING_NESTING: usize = 3;

/// The rule for values under secret-naming keys.
pub const SECRET_FIELD_RULE: &str = "secret-field";
/// The rule for values under PII-naming keys.
pub const PII_FIELD_RULE: &str = "pii-field";

/// One rewrite of the document: bytes `start..end` become `text`.
#[derive(Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    /// The rule redacted here; `None` for a truncation.
    pub rule: Option<RuleId>,
    text: Vec<u8>,
}

impl std::fmt::Debug for Edit {
    // The replacement is redaction output, but the type stays quiet anyway.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Edit")
            .field("start", &self.start)
            .field("end", &self.end)
            .field("rule", &self.rule)
            .finish()
    }
}

/// A finding seen in the document (redacted or not): its rule and the
/// byte offset it starts at (for findings inside a JSON string, the string).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub rule: RuleId,
    pub offset: usize,
}

/// Buffers reused across documents, and what is queued for the next
/// engine scan: documents' strings and text (see [`JsonRedactor::queue`]).
pub struct JsonScratch {
    scan: Scratch,
    /// A second engine scratch: with it, queued blocks are scanned on two
    /// threads (see [`JsonScratch::threads`]).
    pair: Option<Scratch>,
    batch: Batch,
    edits: Vec<Edit>,
    seen: Vec<Seen>,
    found: Vec<Finding>,
    classes: KeyClasses,
}

/// Key names already classified: logs repeat the same few keys in every
/// record, and classifying one takes a few allocations.
#[derive(Default)]
struct KeyClasses {
    /// The lists the entries are from (usually the built-in ones alone,
    /// so comparing them is cheap).
    of: Option<SecretKeys>,
    /// foldhash, seeded per process: SipHash was 4 % of redacting a JSON
    /// log, and the map is bounded ([`KeyClasses::MAX`]).
    map: std::collections::HashMap<Vec<u8>, KeyClass, foldhash::fast::RandomState>,
}

impl KeyClasses {
    /// At most this many names are kept (then they start over).
    const MAX: usize = 4096;

    fn for_keys(&mut self, keys: &SecretKeys) -> &mut KeyClasses {
        if self.of.as_ref() != Some(keys) {
            self.map.clear();
            self.of = Some(keys.clone());
        }
        self
    }

    fn classify(&mut self, keys: &SecretKeys, key: &[u8]) -> KeyClass {
        if let Some(&c) = self.map.get(key) {
            return c;
        }
        let c = keys.classify(key);
        if self.map.len() >= Self::MAX {
            self.map.clear();
        }
        self.map.insert(key.to_vec(), c);
        c
    }
}

impl std::fmt::Debug for JsonScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonScratch")
            .field("queued", &self.batch.items.len())
            .field("edits", &self.edits.len())
            .finish_non_exhaustive()
    }
}

impl JsonScratch {
    pub fn new(redactor: &Redactor) -> JsonScratch {
        JsonScratch {
            scan: redactor.db().scratch(),
            pair: None,
            batch: Batch::default(),
            edits: Vec::new(),
            seen: Vec::new(),
            found: Vec::new(),
            classes: KeyClasses::default(),
        }
    }

    /// With `n` of 2 or more, [`JsonRedactor::scan_queued`] shares each
    /// block's scans between two threads, split by stage
    /// ([`RuleDb::scan_segmented_pair`](stanch_engine::RuleDb::scan_segmented_pair)):
    /// the same findings, sooner. Blocks under 64 KiB stay on one thread.
    pub fn threads(mut self, redactor: &Redactor, n: usize) -> JsonScratch {
        self.pair = (n >= 2).then(|| redactor.db().scratch());
        self
    }

    /// The engine scratch, for scanning text between documents.
    pub fn engine(&mut self) -> &mut Scratch {
        &mut self.scan
    }

    /// The last finished document's rewrites, in order.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// Every finding in the last finished document, redacted or not
    /// (canaries too).
    pub fn seen(&self) -> &[Seen] {
        &self.seen
    }

    /// Bytes queued for the next scan (decoded strings and text).
    pub fn queued_bytes(&self) -> usize {
        self.batch.bytes.len() + self.batch.text.len()
    }

    /// Forgets everything queued.
    pub fn clear_queue(&mut self) {
        self.batch.clear();
    }

    /// After [`JsonRedactor::scan_queued`]: the findings in queued text
    /// `q`, in its coordinates (sorted, cut at its ends), redacted or not.
    pub fn text_findings(&self, q: Queued) -> &[Finding] {
        match self.batch.items.get(q.0) {
            Some(it) if it.text && self.batch.scanned => {
                let p = &self.batch.pieces[it.pieces.start];
                &self.batch.findings[p.first..p.first + p.count]
            }
            _ => &[],
        }
    }
}

/// A document or text queued in a [`JsonScratch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queued(usize);

/// What the scans read: the decoded strings of queued documents (each
/// member on a line of its own, see [`Batch::push_doc`]), and, apart, the
/// queued text as it is, in queue order.
#[derive(Default)]
struct Batch {
    /// Documents' strings, one segment per document.
    bytes: Vec<u8>,
    /// Every queued text, joined: lines that are not JSON, with the
    /// records between them taken out.
    text: Vec<u8>,
    /// Documents' and texts' pieces (`at` in `bytes` or in `text`).
    pieces: Vec<Piece>,
    /// After the scan: findings in piece coordinates, grouped by piece.
    findings: Vec<Finding>,
    /// The engine's findings, in batch coordinates.
    raw: Vec<Finding>,
    /// Every queued document's nodes, one document after the other.
    nodes: Vec<Node>,
    parsed: Vec<Node>,
    /// A string that may hold JSON, decoded, and its parse.
    probe: Vec<u8>,
    probe_nodes: Vec<Node>,
    items: Vec<Item>,
    ends: Vec<usize>,
    scanned: bool,
}

/// A queued document (its nodes and pieces) or text (one piece).
#[derive(Clone, Debug)]
struct Item {
    nodes: std::ops::Range<usize>,
    pieces: std::ops::Range<usize>,
    len: usize,
    text: bool,
    /// A document: where its strings end in `bytes`.
    batch_end: usize,
}

impl Batch {
    fn clear(&mut self) {
        self.bytes.clear();
        self.text.clear();
        self.pieces.clear();
        self.findings.clear();
        self.nodes.clear();
        self.items.clear();
        self.scanned = false;
    }

    /// Parses `doc` and appends the decoded text of every string (and every
    /// long number). Decoded, so escapes never hide or split a finding;
    /// batched, so a document of small strings (or many documents) costs
    /// one scan. Each member is written `"key": "value"` on a line of its
    /// own, so rules that read a value with its key (`"password": "…"`) see
    /// both. Not JSON: nothing is queued.
    fn push_doc(
        &mut self,
        jr: &JsonRedactor<'_>,
        doc: &[u8],
        depth: usize,
    ) -> Result<Queued, JsonError> {
        parse(doc, &mut self.parsed)?;
        self.scanned = false;
        let n0 = self.nodes.len();
        self.nodes.extend_from_slice(&self.parsed);
        let p0 = self.pieces.len();
        let (batch, pieces) = (&mut self.bytes, &mut self.pieces);
        let (probe, probe_nodes) = (&mut self.probe, &mut self.probe_nodes);
        batch.reserve(doc.len() + self.parsed.len() * 4);
        let mut push = |cs: usize, ce: usize, escaped: bool, batch: &mut Vec<u8>| {
            let at = batch.len();
            if escaped {
                unescape_append(&doc[cs..ce], batch);
            } else {
                batch.extend_from_slice(&doc[cs..ce]);
            }
            pieces.push(Piece {
                cs,
                at,
                len: batch.len() - at,
                first: 0,
                count: 0,
            });
        };
        for n in self.parsed.iter() {
            // A string that holds JSON is walked as a document of its own
            // (`Walk::string_content`); one that only looks like it (a log
            // of JSON lines, a Python repr) is an ordinary string, scanned
            // here with the rest rather than on its own.
            let string = n.kind == Kind::String && {
                let (cs, ce) = n.content();
                !jr.nests(&doc[cs..ce], n.escaped, depth) || {
                    probe.clear();
                    unescape_append(&doc[cs..ce], probe);
                    parse(probe, probe_nodes).is_err()
                }
            };
            if let Some((ks, ke)) = n.key {
                batch.push(b'"');
                push(ks, ke, n.key_escaped, batch);
                batch.extend_from_slice(if string { b"\": " } else { b"\":\n" });
            }
            if string {
                let (cs, ce) = n.content();
                batch.push(b'"');
                push(cs, ce, n.escaped, batch);
                batch.extend_from_slice(b"\"\n");
            } else if n.kind == Kind::Number && n.end - n.start >= MIN_NUMBER {
                push(n.start, n.end, false, batch);
                batch.push(b'\n');
            }
        }
        self.items.push(Item {
            nodes: n0..self.nodes.len(),
            pieces: p0..self.pieces.len(),
            len: doc.len(),
            text: false,
            batch_end: self.bytes.len(),
        });
        Ok(Queued(self.items.len() - 1))
    }

    /// Appends text as it is; text right after text extends it.
    fn push_text(&mut self, text: &[u8]) -> Queued {
        self.scanned = false;
        if let Some(last) = self.items.last_mut().filter(|it| it.text) {
            let p = &mut self.pieces[last.pieces.start];
            self.text.extend_from_slice(text);
            p.len += text.len();
            last.len += text.len();
            return Queued(self.items.len() - 1);
        }
        if self.text.last().is_some_and(|&b| b != b'\n') {
            // Earlier text that ended without a line end: keep lines apart.
            self.text.push(b'\n');
        }
        let at = self.text.len();
        self.text.extend_from_slice(text);
        self.pieces.push(Piece {
            cs: 0,
            at,
            len: text.len(),
            first: 0,
            count: 0,
        });
        self.items.push(Item {
            nodes: 0..0,
            pieces: self.pieces.len() - 1..self.pieces.len(),
            len: text.len(),
            text: true,
            batch_end: 0,
        });
        Queued(self.items.len() - 1)
    }

    /// Scans everything queued and hands each piece its findings (a finding
    /// that runs over a piece's end is cut there): the documents' strings in
    /// one scan, one segment per document, so a multiline match never runs
    /// from one document into the next; the texts joined in another, so a
    /// PEM block that a record interrupts (two writers interleaving lines)
    /// is found whole, as text mode finds it. [`Scratch::hold_from`] is
    /// then that of the texts. With `pair`, each scan runs on two threads.
    fn scan(
        &mut self,
        db: &stanch_engine::RuleDb,
        scan: &mut Scratch,
        mut pair: Option<&mut Scratch>,
    ) {
        let mut local: Vec<(usize, Finding)> = Vec::new();
        let docs: Vec<usize> = self.indices(false);
        if !docs.is_empty() {
            self.ends.clear();
            self.ends.extend(
                self.items
                    .iter()
                    .filter(|it| !it.text)
                    .map(|it| it.batch_end),
            );
            match pair.as_deref_mut() {
                Some(b) => db.scan_segmented_pair(&self.bytes, &self.ends, scan, b, &mut self.raw),
                None => db.scan_segmented(&self.bytes, &self.ends, scan, &mut self.raw),
            }
            cut(&self.raw, &self.bytes, &self.pieces, &docs, &mut local);
        }
        let texts: Vec<usize> = self.indices(true);
        if !texts.is_empty() {
            match pair {
                Some(b) => db.scan_segmented_pair(&self.text, &[], scan, b, &mut self.raw),
                None => db.scan(&self.text, scan, &mut self.raw),
            }
            cut(&self.raw, &self.text, &self.pieces, &texts, &mut local);
        }
        local.sort_by_key(|(pi, f)| (*pi, f.start));
        for p in self.pieces.iter_mut() {
            p.count = 0;
        }
        self.findings.clear();
        for (pi, f) in local {
            let p = &mut self.pieces[pi];
            if p.count == 0 {
                p.first = self.findings.len();
            }
            p.count += 1;
            self.findings.push(f);
        }
        self.scanned = true;
    }

    /// The pieces of the texts (or of the documents), in order.
    fn indices(&self, text: bool) -> Vec<usize> {
        self.items
            .iter()
            .filter(|it| it.text == text)
            .flat_map(|it| it.pieces.clone())
            .collect()
    }
}

/// Findings of a scan of `buf`, cut into the pieces `which` (indices into
/// `pieces`, in buffer order) as (piece, finding in piece coordinates). A
/// finding that goes on past a piece leaves the piece's line end out (text
/// runs end with one), so the line that follows keeps its own line.
fn cut(
    found: &[Finding],
    buf: &[u8],
    pieces: &[Piece],
    which: &[usize],
    out: &mut Vec<(usize, Finding)>,
) {
    for f in found {
        let mut k = which.partition_point(|&i| pieces[i].at + pieces[i].len <= f.start);
        while k < which.len() && pieces[which[k]].at < f.end {
            let p = &pieces[which[k]];
            let (s, mut e) = (f.start.max(p.at) - p.at, f.end.min(p.at + p.len) - p.at);
            if f.end > p.at + p.len {
                while e > s && matches!(buf[p.at + e - 1], b'\n' | b'\r') {
                    e -= 1;
                }
            }
            if s < e {
                out.push((
                    which[k],
                    Finding {
                        start: s,
                        end: e,
                        rule: f.rule,
                    },
                ));
            }
            k += 1;
        }
    }
}

impl Batch {
    /// Walks scanned document `item` (`doc`, as queued) and fills `edits`
    /// (sorted, disjoint). `base` is where findings are reported when the
    /// document is a string inside another.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        jr: &JsonRedactor<'_>,
        item: usize,
        doc: &[u8],
        depth: usize,
        base: Option<usize>,
        edits: &mut Vec<Edit>,
        scan: &mut Scratch,
        seen: &mut Vec<Seen>,
        classes: &mut KeyClasses,
        map: Option<&mut RestoreMap>,
    ) {
        let it = &self.items[item];
        let pieces = &self.pieces[it.pieces.clone()];
        for p in pieces {
            for f in &self.findings[p.first..p.first + p.count] {
                seen.push(Seen {
                    rule: f.rule,
                    offset: base.unwrap_or(p.cs),
                });
            }
        }
        let mut w = Walk {
            jr,
            doc,
            nodes: &self.nodes[it.nodes.clone()],
            pieces,
            findings: &self.findings,
            quiet: pieces.iter().all(|p| p.count == 0),
            edits,
            scan,
            seen,
            classes: classes.for_keys(jr.keys),
            depth,
            base,
            map,
        };
        w.node(0, KeyClass::Unknown);
        w.edits.sort_by_key(|e| e.start);
        // Edits come from disjoint tokens and are merged within a token;
        // keep the invariant anyway.
        let mut last = 0;
        w.edits.retain(|e| {
            let keep = e.start >= last;
            if keep {
                last = e.end;
            }
            keep
        });
    }
}

/// Redacts JSON documents with a [`Redactor`] and a key classifier.
#[derive(Clone, Debug)]
pub struct JsonRedactor<'a> {
    redactor: &'a Redactor,
    keys: &'a SecretKeys,
    max_field_bytes: Option<usize>,
    secret_field: Option<RuleId>,
    pii_field: Option<RuleId>,
}

impl<'a> JsonRedactor<'a> {
    pub fn new(redactor: &'a Redactor, keys: &'a SecretKeys) -> JsonRedactor<'a> {
        let db = redactor.db();
        let secret_field = db.lookup(SECRET_FIELD_RULE);
        JsonRedactor {
            redactor,
            keys,
            max_field_bytes: None,
            secret_field,
            pii_field: db.lookup(PII_FIELD_RULE).or(secret_field),
        }
    }

    /// Cuts string values longer than `n` bytes (as written, escapes
    /// included). At least 16.
    pub fn max_field_bytes(mut self, n: Option<usize>) -> JsonRedactor<'a> {
        self.max_field_bytes = n.map(|n| n.max(16));
        self
    }

    /// Redacts one JSON document (surrounding blanks allowed) and appends
    /// the result to `out`. A document that is not JSON is an error and
    /// nothing is appended. `map`, if given, records pseudonyms for restore.
    /// Anything queued in `scratch` is forgotten.
    pub fn redact(
        &self,
        doc: &[u8],
        scratch: &mut JsonScratch,
        out: &mut Vec<u8>,
        map: Option<&mut RestoreMap>,
    ) -> Result<(), JsonError> {
        scratch.clear_queue();
        let q = self.queue(doc, scratch)?;
        self.scan_queued(scratch);
        let done = self.finish(q, doc, scratch, out, map);
        debug_assert!(done, "a document just queued and scanned");
        Ok(())
    }

    /// Parses `doc` and queues its strings for the next
    /// [`scan_queued`](Self::scan_queued), which scans everything queued
    /// at once: many small documents (JSON Lines) cost one scan, not one
    /// each. A document that is not JSON is an error and is not queued.
    pub fn queue(&self, doc: &[u8], scratch: &mut JsonScratch) -> Result<Queued, JsonError> {
        scratch.batch.push_doc(self, doc, 0)
    }

    /// Queues text, scanned as it is (lines of a JSON Lines input that are
    /// not JSON). Text queued right after text extends it. All the text
    /// queued for one scan is scanned joined, the documents between taken
    /// out: a multiline match (a PEM block) over lines of text is found
    /// whole even when a record (another writer's line) interrupts it.
    pub fn queue_text(&self, text: &[u8], scratch: &mut JsonScratch) -> Queued {
        scratch.batch.push_text(text)
    }

    /// Scans everything queued, once.
    pub fn scan_queued(&self, scratch: &mut JsonScratch) {
        scratch
            .batch
            .scan(self.redactor.db(), &mut scratch.scan, scratch.pair.as_mut());
    }

    /// After [`scan_queued`](Self::scan_queued): appends document `q`
    /// (`doc`, the bytes it was queued with) redacted to `out`; its
    /// rewrites and findings are then in [`JsonScratch::edits`] and
    /// [`JsonScratch::seen`]. `doc` as queued: the queue keeps offsets,
    /// not bytes. False, and nothing appended, if `q` is not a scanned
    /// document of `doc`'s length (text, or not scanned yet).
    #[must_use]
    pub fn finish(
        &self,
        q: Queued,
        doc: &[u8],
        scratch: &mut JsonScratch,
        out: &mut Vec<u8>,
        map: Option<&mut RestoreMap>,
    ) -> bool {
        scratch.edits.clear();
        scratch.seen.clear();
        let b = &scratch.batch;
        if !b.scanned
            || !b
                .items
                .get(q.0)
                .is_some_and(|it| !it.text && it.len == doc.len())
        {
            return false;
        }
        b.walk(
            self,
            q.0,
            doc,
            0,
            None,
            &mut scratch.edits,
            &mut scratch.scan,
            &mut scratch.seen,
            &mut scratch.classes,
            map,
        );
        let mut pos = 0;
        for e in &scratch.edits {
            out.extend_from_slice(&doc[pos..e.start]);
            out.extend_from_slice(&e.text);
            pos = e.end;
        }
        out.extend_from_slice(&doc[pos..]);
        true
    }

    /// After [`scan_queued`](Self::scan_queued): where the queued texts,
    /// read as one, may end inside a multiline match (a PEM block) that more
    /// input would complete: the text it starts in and the offset in that
    /// text (see [`Scratch::hold_from`]). That text need not be the last
    /// thing queued: records queued after it were taken out of the joined
    /// text, so a key whose lines another writer's record interrupts is
    /// still open. A streaming caller holds everything from there, records
    /// included, for more input. The offset is a line start, and no finding
    /// of the texts runs over it (as the streaming text path never splits a
    /// finding), so the lines before it are final with the findings
    /// [`JsonScratch::text_findings`] gives for them. None when no text is
    /// queued.
    pub fn held_text(&self, scratch: &JsonScratch) -> Option<(Queued, usize)> {
        let b = &scratch.batch;
        if !b.scanned || !b.items.iter().any(|it| it.text) {
            // Without texts the last scan was the documents' (segmented).
            return None;
        }
        // `raw` holds the last scan's findings: the texts', in `text`.
        let mut cut = scratch.scan.hold_from()?.min(b.text.len());
        loop {
            let mut c = memchr::memrchr(b'\n', &b.text[..cut]).map_or(0, |p| p + 1);
            for f in &b.raw {
                if f.start < c && f.end > c {
                    c = f.start;
                }
            }
            if c == cut {
                break;
            }
            cut = c;
        }
        b.items.iter().enumerate().find_map(|(i, it)| {
            let p = &b.pieces[it.pieces.start];
            (it.text && p.at <= cut && cut < p.at + p.len).then(|| (Queued(i), cut - p.at))
        })
    }

    /// After [`scan_queued`](Self::scan_queued), for text `q` queued last:
    /// the offset in it from which a multiline match (a PEM block) may be
    /// incomplete because the queue ended inside its window (see
    /// [`Scratch::hold_from`]). A streaming caller holds the text from
    /// there for more input.
    pub fn text_hold(&self, q: Queued, scratch: &mut JsonScratch) -> Option<usize> {
        let b = &scratch.batch;
        let it = b
            .items
            .get(q.0)
            .filter(|it| it.text && q.0 + 1 == b.items.len())?;
        let at = b.pieces[it.pieces.start].at;
        let h = scratch.scan.hold_from()?;
        if h >= at {
            return Some(h - at);
        }
        // The window opened in an earlier text, already handed on with the
        // records after it: whether this text itself holds one is a
        // question for it alone.
        let text = &b.text[at..at + it.len];
        self.redactor
            .db()
            .scan(text, &mut scratch.scan, &mut scratch.found);
        scratch.scan.hold_from()
    }

    /// Walks string content `doc` holding JSON, as a document of its own
    /// (one scan), into `edits`.
    #[allow(clippy::too_many_arguments)]
    fn level(
        &self,
        doc: &[u8],
        depth: usize,
        edits: &mut Vec<Edit>,
        scan: &mut Scratch,
        seen: &mut Vec<Seen>,
        classes: &mut KeyClasses,
        base: Option<usize>,
        map: Option<&mut RestoreMap>,
    ) -> Result<(), JsonError> {
        let mut b = Batch::default();
        let q = b.push_doc(self, doc, depth)?;
        b.scan(self.redactor.db(), scan, None);
        b.walk(self, q.0, doc, depth, base, edits, scan, seen, classes, map);
        Ok(())
    }
}

impl JsonRedactor<'_> {
    /// True if string content `raw` is walked as a JSON document of its own.
    fn nests(&self, raw: &[u8], escaped: bool, depth: usize) -> bool {
        escaped
            && depth < MAX_STRING_NESTING
            && matches!(
                raw.iter().find(|b| !b.is_ascii_whitespace()),
                Some(b'{' | b'[')
            )
    }
}

/// Numbers this long (as written) are scanned (card numbers, phone
/// numbers written as numbers); shorter ones cannot hold a finding.
const MIN_NUMBER: usize = 6;

/// A string's decoded content (or a number) in the scanned batch, and its
/// findings (`findings[first..first + count]`, in piece coordinates).
#[derive(Clone, Copy, Debug)]
struct Piece {
    /// Where the content starts in the document.
    cs: usize,
    at: usize,
    len: usize,
    first: usize,
    count: usize,
}

/// Key names whose sibling `value` is named by their value
/// (`{"name": "Authorization", "value": "…"}`).
const NAME_KEYS: &[&[u8]] = &[b"name", b"key", b"header", b"field", b"k"];
const VALUE_KEYS: &[&[u8]] = &[b"value", b"values", b"val", b"v"];

/// Keys of value wrappers that pass an enclosing key's class on (OTLP
/// JSON's `AnyValue`).
const WRAPPER_KEYS: &[&[u8]] = &[
    b"stringValue",
    b"bytesValue",
    b"intValue",
    b"doubleValue",
    b"arrayValue",
    b"values",
    b"value",
];

/// Auth schemes kept in front of a redacted credential header value.
const SCHEMES: &[&[u8]] = &[
    b"bearer ",
    b"basic ",
    b"token ",
    b"digest ",
    b"negotiate ",
    b"ntlm ",
    b"bot ",
    b"aws4-hmac-sha256 ",
    b"apikey ",
    b"sso-key ",
];

struct Walk<'w, 'a> {
    jr: &'w JsonRedactor<'a>,
    doc: &'w [u8],
    nodes: &'w [Node],
    pieces: &'w [Piece],
    findings: &'w [Finding],
    /// No piece of this document has a finding.
    quiet: bool,
    edits: &'w mut Vec<Edit>,
    scan: &'w mut Scratch,
    seen: &'w mut Vec<Seen>,
    classes: &'w mut KeyClasses,
    depth: usize,
    base: Option<usize>,
    map: Option<&'w mut RestoreMap>,
}

impl<'w> Walk<'w, '_> {
    fn node(&mut self, i: usize, class: KeyClass) {
        let n = self.nodes[i];
        match n.kind {
            Kind::Object => self.object(i, class),
            Kind::Array => {
                let kids: Vec<usize> = children(self.nodes, i).collect();
                // A header pair: ["Authorization", "Bearer …"].
                if kids.len() == 2 && self.nodes[kids[0]].kind == Kind::String {
                    let named = self.classify_string(kids[0]);
                    if named.redacts() {
                        self.node(kids[0], KeyClass::Unknown);
                        self.node(kids[1], named);
                        return;
                    }
                }
                for c in kids {
                    self.node(c, class);
                }
            }
            Kind::String => self.string(&n, class, false),
            Kind::Number => self.number(&n, class),
            Kind::Literal => {}
        }
    }

    fn object(&mut self, i: usize, class: KeyClass) {
        let kids: Vec<usize> = children(self.nodes, i).collect();
        // {"name": "Authorization", "value": "…"}: the name decides the
        // value's class; under a redacting key (`"cookies": [{…}]`) any
        // such pair's value is redacted.
        let mut pair: Option<KeyClass> = None;
        let mut has_name = false;
        for &c in &kids {
            let key = self.key_text(&self.nodes[c]);
            if NAME_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
                && self.nodes[c].kind == Kind::String
                && !self.is_placeholder_string(c)
            {
                has_name = true;
                let named = self.classify_string(c);
                if named.redacts() {
                    pair = Some(named);
                }
            }
        }
        if pair.is_none() && has_name && class.redacts() {
            pair = Some(class);
        }
        for c in kids {
            let n = self.nodes[c];
            if let Some((ks, ke)) = n.key {
                self.string_content(ks, ke, n.key_escaped, KeyClass::Unknown, true);
            }
            let key = self.key_text(&n);
            let mut cls = self.classes.classify(self.jr.keys, &key);
            if cls == KeyClass::Unknown {
                if let Some(p) =
                    pair.filter(|_| VALUE_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k)))
                {
                    cls = p;
                } else if class.redacts() && WRAPPER_KEYS.contains(&&*key) {
                    // OTLP JSON wraps values: {"stringValue": "…"},
                    // {"arrayValue": {"values": […]}}.
                    cls = class;
                }
            }
            self.node(c, cls);
        }
    }

    /// A member's key, unescaped.
    fn key_text(&self, n: &Node) -> Cow<'w, [u8]> {
        let Some((ks, ke)) = n.key else {
            return Cow::Borrowed(&[]);
        };
        let raw = &self.doc[ks..ke];
        if !n.key_escaped {
            return Cow::Borrowed(raw);
        }
        let (mut out, mut map) = (Vec::new(), Vec::new());
        unescape(raw, &mut out, &mut map);
        Cow::Owned(out)
    }

    /// True for a string node holding a placeholder (stanch's own output
    /// included), so that redacting twice changes nothing.
    fn is_placeholder_string(&self, i: usize) -> bool {
        let (cs, ce) = self.nodes[i].content();
        is_placeholder(&self.doc[cs..ce])
    }

    /// How a string value reads as a key name (for header pairs).
    fn classify_string(&mut self, i: usize) -> KeyClass {
        let n = &self.nodes[i];
        let (cs, ce) = n.content();
        if ce - cs > 128 {
            return KeyClass::Unknown;
        }
        let raw = &self.doc[cs..ce];
        if n.escaped {
            let (mut out, mut map) = (Vec::new(), Vec::new());
            unescape(raw, &mut out, &mut map);
            self.classes.classify(self.jr.keys, &out)
        } else {
            self.classes.classify(self.jr.keys, raw)
        }
    }

    fn string(&mut self, n: &Node, class: KeyClass, is_key: bool) {
        let (cs, ce) = n.content();
        let before = self.edits.len();
        self.string_content(cs, ce, n.escaped, class, is_key);
        if let Some(max) = self.jr.max_field_bytes {
            if ce - cs > max {
                self.truncate(cs, ce, max, before);
            }
        }
    }

    /// The redacted findings of the piece whose content starts at `cs`,
    /// in content coordinates (decoded for a string with escapes).
    fn piece(&self, cs: usize) -> Vec<Finding> {
        if self.quiet {
            return Vec::new();
        }
        let i = self.pieces.partition_point(|p| p.cs < cs);
        match self.pieces.get(i) {
            Some(p) if p.cs == cs => self.findings[p.first..p.first + p.count]
                .iter()
                .filter(|f| self.jr.redactor.applies(f))
                .copied()
                .collect(),
            _ => Vec::new(),
        }
    }

    fn string_content(
        &mut self,
        cs: usize,
        ce: usize,
        escaped: bool,
        class: KeyClass,
        is_key: bool,
    ) {
        let doc = self.doc;
        let raw = &doc[cs..ce];
        if class.redacts() && !is_key && self.field(cs, ce, escaped, class) {
            return;
        }
        let mut found = self.piece(cs);
        // Queued as a piece: not JSON after all (see `Batch::push_doc`).
        let nests = !is_key
            && self.jr.nests(raw, escaped, self.depth)
            && self.pieces.binary_search_by_key(&cs, |p| p.cs).is_err();
        if !nests && found.is_empty() {
            return;
        }
        let (mut decoded, mut dmap) = (Vec::new(), Vec::new());
        if escaped {
            unescape(raw, &mut decoded, &mut dmap);
        }
        if nests {
            // A string holding JSON: walk it.
            let mut inner = Vec::new();
            let ok = self
                .jr
                .level(
                    &decoded,
                    self.depth + 1,
                    &mut inner,
                    self.scan,
                    self.seen,
                    self.classes,
                    Some(self.base.unwrap_or(cs - 1)),
                    self.map.as_deref_mut(),
                )
                .is_ok();
            if ok {
                for e in inner {
                    let mut text = Vec::with_capacity(e.text.len() + 8);
                    escape_into(&e.text, &mut text);
                    let (a, b) = map_back(&dmap, e.start, e.end, raw.len());
                    self.edits.push(Edit {
                        start: cs + a,
                        end: cs + b,
                        rule: e.rule,
                        text,
                    });
                }
                return;
            }
            // Not JSON after all: an ordinary string, not in the batch.
            let mut inner = Vec::new();
            self.jr.redactor.db().scan(&decoded, self.scan, &mut inner);
            for f in &inner {
                self.seen.push(Seen {
                    rule: f.rule,
                    offset: self.base.unwrap_or(cs),
                });
            }
            found = inner
                .into_iter()
                .filter(|f| self.jr.redactor.applies(f))
                .collect();
        }
        let value: &[u8] = if escaped { &decoded } else { raw };
        for (a, b, rule) in merged(found.iter()) {
            let (ra, rb) = if escaped {
                map_back(&dmap, a, b, raw.len())
            } else {
                (a, b)
            };
            let text = self.replacement(rule, &value[a..b]);
            self.edits.push(Edit {
                start: cs + ra,
                end: cs + rb,
                rule: Some(rule),
                text,
            });
        }
    }

    /// Redacts a whole value under a redacting key. False if the value is
    /// empty or a placeholder, or the field rule is disabled.
    fn field(&mut self, cs: usize, ce: usize, escaped: bool, class: KeyClass) -> bool {
        let raw = &self.doc[cs..ce];
        let value = if escaped {
            decode_span(raw)
        } else {
            raw.to_vec()
        };
        let trimmed = value.trim_ascii();
        if trimmed.is_empty()
            || is_placeholder(trimmed)
            || (class == KeyClass::Session && is_uuid(trimmed))
        {
            return false;
        }
        // Keep an auth scheme: `Bearer [REDACTED:…]`.
        let mut skip = 0;
        if class == KeyClass::AuthHeader {
            if let Some(s) = SCHEMES
                .iter()
                .find(|s| raw.len() > s.len() && raw[..s.len()].eq_ignore_ascii_case(s))
            {
                skip = s.len();
            }
        }
        let field_rule = if class == KeyClass::Pii {
            self.jr.pii_field
        } else {
            self.jr.secret_field
        };
        // A rule that found exactly this value names it better.
        let want = if class == KeyClass::Pii {
            Category::Pii
        } else {
            Category::Secret
        };
        let db = self.jr.redactor.db();
        let named = self
            .piece(cs)
            .into_iter()
            .find(|f| f.start == skip && f.end == value.len() && db.rule(f.rule).category() == want)
            .map(|f| f.rule);
        let Some(rule) = named.or(field_rule) else {
            return false;
        };
        let probe = Finding {
            start: 0,
            end: 1,
            rule,
        };
        if !self.jr.redactor.applies(&probe) {
            return false;
        }
        let value = if escaped {
            decode_span(&raw[skip..])
        } else {
            raw[skip..].to_vec()
        };
        let text = self.replacement(rule, &value);
        self.edits.push(Edit {
            start: cs + skip,
            end: ce,
            rule: Some(rule),
            text,
        });
        if field_rule == Some(rule) {
            self.seen.push(Seen {
                rule,
                offset: self.base.unwrap_or(cs),
            });
        }
        true
    }

    fn number(&mut self, n: &Node, class: KeyClass) {
        let raw = &self.doc[n.start..n.end];
        let mut text = vec![b'"'];
        let rule;
        if class.redacts() {
            let r = if class == KeyClass::Pii {
                self.jr.pii_field
            } else {
                self.jr.secret_field
            };
            let Some(r) = r else { return };
            if !self.jr.redactor.applies(&Finding {
                start: 0,
                end: 1,
                rule: r,
            }) {
                return;
            }
            rule = r;
            let rep = self.replacement(r, raw);
            escape_into(&rep, &mut text);
            self.seen.push(Seen {
                rule,
                offset: self.base.unwrap_or(n.start),
            });
        } else {
            let ov = self.piece(n.start);
            if ov.is_empty() {
                return;
            }
            rule = ov[0].rule;
            let mut pos = n.start;
            for (a, b, r) in merged(ov.iter()) {
                let (a, b) = (n.start + a, n.start + b);
                text.extend_from_slice(&self.doc[pos..a]);
                let rep = self.replacement(r, &self.doc[a..b]);
                escape_into(&rep, &mut text);
                pos = b;
            }
            text.extend_from_slice(&self.doc[pos..n.end]);
        }
        text.push(b'"');
        self.edits.push(Edit {
            start: n.start,
            end: n.end,
            rule: Some(rule),
            text,
        });
    }

    /// The replacement for `value` (a finding of `rule`), JSON-escaped.
    fn replacement(&mut self, rule: RuleId, value: &[u8]) -> Vec<u8> {
        let mut plain = Vec::with_capacity(32);
        self.jr
            .redactor
            .write_replacement(rule, value, &mut plain, self.map.as_deref_mut())
            .expect("writing to a Vec cannot fail");
        let mut out = Vec::with_capacity(plain.len());
        escape_into(&plain, &mut out);
        out
    }

    /// Cuts the string content `cs..ce` after about `max` bytes; edits made
    /// inside it from index `from` on are kept whole or dropped.
    fn truncate(&mut self, cs: usize, ce: usize, max: usize, from: usize) {
        let raw = &self.doc[cs..ce];
        let mut cut = cs + snap(raw, max, max + 1).0;
        // Never split a UTF-8 character.
        while cut > cs && (self.doc[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        for e in &self.edits[from..] {
            if e.start < cut && cut < e.end {
                cut = e.end;
            }
        }
        if cut >= ce {
            return;
        }
        let mut i = from;
        while i < self.edits.len() {
            if self.edits[i].start >= cut {
                self.edits.remove(i);
            } else {
                i += 1;
            }
        }
        self.edits.push(Edit {
            start: cut,
            end: ce,
            rule: None,
            text: format!("...[TRUNCATED:{} bytes]", ce - cut).into_bytes(),
        });
    }
}

/// Merges sorted findings that overlap into (start, end, rule of the first).
fn merged<'f>(it: impl Iterator<Item = &'f Finding>) -> Vec<(usize, usize, RuleId)> {
    let mut out: Vec<(usize, usize, RuleId)> = Vec::new();
    for f in it {
        match out.last_mut() {
            Some(last) if f.start < last.1 => last.1 = last.1.max(f.end),
            _ => out.push((f.start, f.end, f.rule)),
        }
    }
    out
}

/// Maps decoded `a..b` back to raw offsets through an [`unescape`] map.
fn map_back(map: &[(u32, u32)], a: usize, b: usize, raw_len: usize) -> (usize, usize) {
    let ra = map.get(a).map_or(raw_len, |m| m.0 as usize);
    let rb = if b == 0 {
        ra
    } else {
        map.get(b - 1).map_or(raw_len, |m| m.1 as usize)
    };
    (ra, rb.max(ra))
}

/// Widens raw `a..b` within string content `raw` to whole escapes.
fn snap(raw: &[u8], a: usize, b: usize) -> (usize, usize) {
    let (mut sa, mut sb) = (raw.len(), raw.len());
    let mut i = 0;
    while i < raw.len() {
        let len = if raw[i] == b'\\' {
            match raw.get(i + 1) {
                Some(b'u') => 6.min(raw.len() - i),
                Some(_) => 2,
                None => 1,
            }
        } else {
            1
        };
        if sa == raw.len() && i + len > a {
            sa = i;
        }
        if i + len >= b {
            sb = i + len;
            break;
        }
        i += len;
    }
    (sa.min(sb), sb)
}

/// `8-4-4-4-12` hex digits.
fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// Unescapes a raw span made of whole escapes.
fn decode_span(raw: &[u8]) -> Vec<u8> {
    let (mut out, mut map) = (Vec::new(), Vec::new());
    unescape(raw, &mut out, &mut map);
    out
}
