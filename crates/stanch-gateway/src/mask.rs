//! Incremental masking of one stream of text (one SSE channel: a choice's
//! content, a tool call's arguments, a content block).
//!
//! Each delta is appended to a pending buffer; what is safe is handed on at
//! once, masked, and only a bounded tail is held back:
//!
//! - the trailing word (a token, key or address still arriving has no
//!   whitespace in it), extended back over earlier words that hold digits
//!   and are one space apart (a card or phone number arriving in groups);
//! - from where the engine says a multiline match (a PEM block) may still be
//!   incomplete ([`Scratch::hold_from`](stanch_engine::Scratch::hold_from));
//! - from the start of any finding that reaches the cut (it may still grow).
//!
//! The hold is capped by the rule database's `max_window()` (itself capped at
//! [`MAX_HOLD`]): past it, the oldest bytes are handed on (masked as far as
//! what has arrived shows). Already handed-on text is kept as context (up to
//! [`CONTEXT`] bytes) so rules that need a keyword before the value still
//! see it. So memory per channel is bounded, and text that cannot be part
//! of a secret (anything before the last word) goes out without waiting for
//! the stream's end.

use crate::inspect::{Direction, Engine, Tally};
use crate::policy::{Action, RoutePolicy};
use stanch_engine::Finding;
use stanch_redact::RestoreMap;

/// Handed-on text kept as context for the next scan.
pub const CONTEXT: usize = 1024;
/// Upper bound of the held-back tail, whatever `max_window()` says.
pub const MAX_HOLD: usize = 64 * 1024;
/// Lower bound of the held-back tail cap.
pub const MIN_HOLD: usize = 1024;
/// How far back digit groups extend the hold.
const DIGIT_GROUPS: usize = 64;

/// Masks one channel. Feed deltas with [`push`](Self::push), end with
/// [`finish`](Self::finish).
#[derive(Default)]
pub struct TextMasker {
    /// `buf[..done]` was handed on (context); `buf[done..]` is pending.
    buf: Vec<u8>,
    done: usize,
    found: Vec<Finding>,
    redact: Vec<Finding>,
}

impl std::fmt::Debug for TextMasker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextMasker")
            .field("held", &(self.buf.len() - self.done))
            .finish()
    }
}

fn is_ws(b: u8) -> bool {
    b.is_ascii_whitespace()
}

/// A group of a number written in groups: digits and phone/card
/// punctuation (`+1`, `(415)`, `555-0100`, `4111`), or a short upper-case
/// group with a digit (the `DE89` of an IBAN).
fn is_digit_group(w: &[u8]) -> bool {
    if !w.iter().any(u8::is_ascii_digit) {
        return false;
    }
    w.iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'(' | b')' | b'-' | b'.' | b'/'))
        || (w.len() <= 4
            && w.iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()))
}

/// Bytes at the end of `tail` that may still become part of a secret.
pub fn hold_len(tail: &[u8]) -> usize {
    let mut start = tail.len();
    while start > 0 && !is_ws(tail[start - 1]) {
        start -= 1;
    }
    loop {
        let mut s = start;
        let mut gap = 0;
        while s > 0 && matches!(tail[s - 1], b' ' | b'\t') && gap < 2 {
            s -= 1;
            gap += 1;
        }
        if gap == 0 || s == 0 {
            break;
        }
        let word_end = s;
        while s > 0 && !is_ws(tail[s - 1]) {
            s -= 1;
        }
        if !is_digit_group(&tail[s..word_end]) {
            break;
        }
        start = s;
        if tail.len() - start > DIGIT_GROUPS {
            break;
        }
    }
    tail.len() - start
}

/// Moves `i` back to a UTF-8 character boundary (not below `floor`).
fn char_floor(buf: &[u8], mut i: usize, floor: usize) -> usize {
    while i > floor && i < buf.len() && (buf[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

/// Per-stream settings shared by its channels.
pub struct MaskCtx<'a> {
    pub engine: &'a Engine,
    pub policy: &'a RoutePolicy,
    /// Cap of the held-back tail.
    pub max_hold: usize,
    /// Pseudonyms written into the answer are recorded here, if given
    /// (response masking normally records nothing).
    pub tally: &'a mut Tally,
}

impl<'a> MaskCtx<'a> {
    /// The cap for `engine`'s rule database.
    pub fn hold_cap(engine: &Engine) -> usize {
        engine
            .redactor()
            .db()
            .max_window()
            .clamp(MIN_HOLD, MAX_HOLD)
    }
}

impl TextMasker {
    pub fn new() -> TextMasker {
        TextMasker::default()
    }

    /// Bytes held back now.
    pub fn held(&self) -> usize {
        self.buf.len() - self.done
    }

    /// Takes a delta; appends the text that can go out now, masked, to `out`.
    pub fn push(&mut self, cx: &mut MaskCtx<'_>, delta: &[u8], out: &mut Vec<u8>) {
        self.buf.extend_from_slice(delta);
        self.emit(cx, false, out);
    }

    /// Ends the channel: appends everything held back, masked.
    pub fn finish(&mut self, cx: &mut MaskCtx<'_>, out: &mut Vec<u8>) {
        self.emit(cx, true, out);
        self.buf.clear();
        self.done = 0;
    }

    fn emit(&mut self, cx: &mut MaskCtx<'_>, at_end: bool, out: &mut Vec<u8>) {
        let len = self.buf.len();
        let done = self.done;
        if len == done {
            return;
        }
        let mut cut = if at_end {
            len
        } else {
            len - hold_len(&self.buf[done..])
        };
        let forced = !at_end && len - done > cx.max_hold;
        if forced {
            cut = cut.max(len - cx.max_hold / 2);
        }
        if cut <= done {
            return;
        }
        let db = cx.engine.redactor().db();
        let mut scratch = cx.engine.scratch();
        db.scan(&self.buf, &mut scratch, &mut self.found);
        if !at_end && !forced {
            if let Some(h) = scratch.hold_from() {
                cut = cut.min(h.max(done));
            }
        }
        drop(scratch);
        // Only findings that matter (not allowed) move the cut.
        let mut live: Vec<(Finding, Action)> = Vec::new();
        for f in &self.found {
            let a = cx.engine.action(cx.policy, f, Direction::Response);
            if a != Action::Allow && f.end > done {
                live.push((*f, a));
            }
        }
        if !at_end {
            // A finding reaching the cut may still grow: hold it whole; or,
            // when forced to hand on, hand it on whole (masked).
            loop {
                let mut moved = false;
                for (f, _) in &live {
                    if f.start < cut && f.end >= cut && f.end <= len {
                        let new = if forced {
                            f.end.min(len)
                        } else {
                            f.start.max(done)
                        };
                        if new != cut {
                            cut = new;
                            moved = true;
                        }
                    }
                }
                if !moved || cut <= done {
                    break;
                }
            }
        }
        let cut = char_floor(&self.buf, cut.min(len), done);
        if cut <= done {
            return;
        }
        self.redact.clear();
        for (f, a) in &live {
            if f.start >= cut {
                continue;
            }
            // Counted once: when its start goes out.
            if f.start >= done {
                let rule = db.rule(f.rule);
                cx.tally.add(rule.id(), rule.category(), *a);
                if cx.tally.wants_fingerprint(rule.id()) {
                    if let Some(v) = self.buf.get(f.start..f.end.min(len)) {
                        let fp = cx.engine.redactor().key().fingerprint(rule.id(), v);
                        cx.tally.add_fingerprint(rule.id(), fp);
                    }
                }
            }
            if *a == Action::Redact {
                self.redact.push(Finding {
                    start: f.start.max(done) - done,
                    end: f.end.min(cut) - done,
                    rule: f.rule,
                });
            }
        }
        let piece = &self.buf[done..cut];
        if self.redact.is_empty() {
            out.extend_from_slice(piece);
        } else if cx
            .engine
            .redactor()
            .write_redacted(piece, &self.redact, out)
            .is_err()
        {
            // Writing to a Vec does not fail; hand on nothing rather than
            // anything unmasked if it ever did.
        }
        // Keep up to CONTEXT handed-on bytes as context.
        let keep_from = char_floor(&self.buf, cut.saturating_sub(CONTEXT), 0);
        self.buf.drain(..keep_from);
        self.done = cut - keep_from;
    }
}

/// Masks then restores one channel: masked text goes through a
/// [`Restorer`](stanch_redact::Restorer) of the request's pseudonyms.
pub struct Channel<'m> {
    masker: TextMasker,
    restorer: Option<stanch_redact::Restorer<'m>>,
    tmp: Vec<u8>,
}

impl<'m> Channel<'m> {
    pub fn new(map: Option<&'m RestoreMap>) -> Channel<'m> {
        Channel {
            masker: TextMasker::new(),
            restorer: map.filter(|m| !m.is_empty()).map(|m| m.restorer()),
            tmp: Vec::new(),
        }
    }

    pub fn held(&self) -> usize {
        self.masker.held()
    }

    pub fn push(&mut self, cx: &mut MaskCtx<'_>, delta: &[u8], out: &mut Vec<u8>) {
        match &mut self.restorer {
            None => self.masker.push(cx, delta, out),
            Some(r) => {
                self.tmp.clear();
                self.masker.push(cx, delta, &mut self.tmp);
                r.push(&self.tmp, out);
            }
        }
    }

    pub fn finish(&mut self, cx: &mut MaskCtx<'_>, out: &mut Vec<u8>) {
        match &mut self.restorer {
            None => self.masker.finish(cx, out),
            Some(r) => {
                self.tmp.clear();
                self.masker.finish(cx, &mut self.tmp);
                r.push(&self.tmp, out);
                r.finish(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::tests::{engine, GH};
    use proptest::prelude::*;

    fn mask_chunks(e: &Engine, chunks: &[&[u8]]) -> (Vec<u8>, Vec<usize>) {
        let policy = RoutePolicy::default();
        let mut tally = Tally::default();
        let mut cx = MaskCtx {
            engine: e,
            policy: &policy,
            max_hold: MaskCtx::hold_cap(e),
            tally: &mut tally,
        };
        let mut m = TextMasker::new();
        let mut out = Vec::new();
        let mut emitted_after = Vec::new();
        for c in chunks {
            m.push(&mut cx, c, &mut out);
            emitted_after.push(out.len());
        }
        m.finish(&mut cx, &mut out);
        (out, emitted_after)
    }

    fn whole(e: &Engine, text: &[u8]) -> Vec<u8> {
        let mut s = e.scratch();
        let mut f = Vec::new();
        e.redactor().redact(text, &mut s, &mut f).into_owned()
    }

    #[test]
    fn hold_len_cases() {
        assert_eq!(hold_len(b"hello wor"), 3);
        assert_eq!(hold_len(b"hello "), 0);
        assert_eq!(hold_len(b"card 4111 1111 11"), 12);
        assert_eq!(hold_len(b"call +1 415 "), 7);
        assert_eq!(hold_len(b"abc"), 3);
        assert_eq!(hold_len(b""), 0);
        assert_eq!(hold_len(b"iban DE89 3704 0044 05"), 17);
        assert_eq!(hold_len(b"word0 word1 "), 0);
    }

    /// The core guarantee: a secret split at every possible delta boundary
    /// (and into three pieces at every pair of boundaries) never goes out.
    #[test]
    fn secret_split_at_every_boundary_is_masked() {
        let e = engine();
        let texts = [
            format!("Here is the token: {GH} — keep it safe."),
            format!("token={GH}\nnext line"),
            "mail bob.lee@acme.io now, card 4111 1111 1111 1111 thanks".to_string(),
            GH.to_string(),
        ];
        for text in &texts {
            let t = text.as_bytes();
            let expect = whole(&e, t);
            for i in 0..=t.len() {
                let (out, _) = mask_chunks(&e, &[&t[..i], &t[i..]]);
                assert_eq!(out, expect, "split at {i}");
            }
            for i in (0..=t.len()).step_by(3) {
                for j in (i..=t.len()).step_by(2) {
                    let (out, _) = mask_chunks(&e, &[&t[..i], &t[i..j], &t[j..]]);
                    assert_eq!(out, expect, "split at {i},{j}");
                }
            }
            // Byte by byte.
            let bytes: Vec<&[u8]> = t.chunks(1).collect();
            assert_eq!(mask_chunks(&e, &bytes).0, expect);
        }
    }

    #[test]
    fn clean_text_goes_out_without_waiting_for_the_end() {
        let e = engine();
        let words: Vec<String> = (0..50).map(|i| format!("word{i} ")).collect();
        let chunks: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
        let (out, after) = mask_chunks(&e, &chunks);
        assert_eq!(out, words.concat().as_bytes());
        // Each word (ending in a space) goes out as soon as it arrives.
        let mut total = 0;
        for (w, n) in words.iter().zip(&after) {
            total += w.len();
            assert_eq!(*n, total);
        }
    }

    #[test]
    fn hold_is_bounded() {
        let e = engine();
        let cap = MaskCtx::hold_cap(&e);
        let blob = "x".repeat(cap * 3);
        let chunks: Vec<&[u8]> = blob.as_bytes().chunks(100).collect();
        let (out, after) = mask_chunks(&e, &chunks);
        assert_eq!(out, blob.as_bytes());
        let pushed: Vec<usize> = (1..=chunks.len())
            .map(|i| (i * 100).min(blob.len()))
            .collect();
        for (p, a) in pushed.iter().zip(&after) {
            assert!(p - a <= cap, "held {} > cap {cap}", p - a);
        }
    }

    #[test]
    fn restore_after_masking_in_a_channel() {
        let e = engine();
        let mut map = RestoreMap::new();
        let mut s = e.scratch();
        let mut f = Vec::new();
        let red = e
            .redactor()
            .redact_recording(b"bob@acme.io", &mut s, &mut f, &mut map)
            .into_owned();
        drop(s);
        let answer = [
            b"Sure, I mailed ".as_slice(),
            &red,
            b" and the token ",
            GH.as_bytes(),
            b".",
        ]
        .concat();
        let policy = RoutePolicy::default();
        let mut tally = Tally::default();
        let mut cx = MaskCtx {
            engine: &e,
            policy: &policy,
            max_hold: MaskCtx::hold_cap(&e),
            tally: &mut tally,
        };
        let mut ch = Channel::new(Some(&map));
        let mut out = Vec::new();
        for c in answer.chunks(3) {
            ch.push(&mut cx, c, &mut out);
        }
        ch.finish(&mut cx, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Sure, I mailed bob@acme.io and the token [REDACTED:github-pat]."
        );
        assert_eq!(tally.count(Action::Redact), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Random text around a planted secret, random delta sizes: the
        /// secret never goes out, and the result equals masking it whole.
        #[test]
        fn random_splits_equal_whole(pre in "[a-z ]{0,40}", post in "[ .][ a-z.]{0,40}",
                                     sizes in proptest::collection::vec(1usize..12, 1..40)) {
            let e = engine();
            let text = format!("{pre} key {GH}{post}");
            let t = text.as_bytes();
            let mut chunks = Vec::new();
            let mut pos = 0;
            for s in sizes.iter().cycle() {
                if pos >= t.len() { break; }
                let end = (pos + s).min(t.len());
                chunks.push(&t[pos..end]);
                pos = end;
            }
            let (out, _) = mask_chunks(&e, &chunks);
            let out_s = String::from_utf8(out.clone()).unwrap();
            prop_assert!(!out_s.contains(&GH[4..20]), "{}", out_s);
            prop_assert_eq!(out, whole(&e, t));
        }
    }
}
