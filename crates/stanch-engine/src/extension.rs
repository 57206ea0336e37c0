//! Extensions: finding sources outside the rule pack that run inside every
//! scan, so every caller (redact, scan, streaming, the gateway) gets them
//! without knowing they exist. stanch-redact plugs in registered secrets
//! (taint), canaries and decoders (base64, URL-encoding) this way.
//!
//! An extension reports findings against rules of the database, usually
//! `finder = "external"` rules that exist only to give those findings an id,
//! a category and a severity (see `rules/stanch.toml`).

use crate::db::{Finding, RuleDb, Scratch};

/// A finding source run by [`RuleDb::scan`] after the rules.
pub trait Extension: Send + Sync + std::fmt::Debug {
    /// Appends findings in `hay` to `out`, in any order; overlaps with rule
    /// findings are resolved by the database afterwards. `db` is the database
    /// the scan runs on (with its extensions), so a decoder can scan decoded
    /// text with it, using `scratch`: the scan's own scratch, free for inner
    /// scans at this point (reusing it shares the regex caches instead of
    /// growing a second set). It must bound its own recursion. Must never
    /// panic on any input and must not allocate per byte.
    fn find(&self, db: &RuleDb, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Finding>);

    /// The longest span this extension can report plus the context it needs
    /// before it; streaming callers keep this much overlap between chunks.
    fn max_window(&self) -> usize {
        0
    }

    /// After a scan of `hay`: the earliest offset from which a span of this
    /// extension may still be incomplete because `hay` ended inside it (a
    /// registered value with line ends whose first lines have arrived).
    /// Streaming callers hand nothing on from there until more input comes,
    /// as they do for a rule's unfinished multiline match.
    fn hold_from(&self, _hay: &[u8]) -> Option<usize> {
        None
    }

    /// How far past the end of the line it starts on a span (with the
    /// context it needs) can reach. Parallel scans cut text at line starts
    /// and read only this far (plus a margin) past a cut. By default the
    /// whole [`max_window`](Self::max_window): always safe.
    fn max_cross_line(&self) -> usize {
        self.max_window()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Reports every `zebra` as a registered secret, plus one span past the end.
    #[derive(Debug)]
    struct Zebra;
    impl Extension for Zebra {
        fn find(&self, db: &RuleDb, hay: &[u8], _: &mut Scratch, out: &mut Vec<Finding>) {
            let rule = db.lookup("registered-secret").unwrap();
            for (i, w) in hay.windows(5).enumerate() {
                if w == b"zebra" {
                    out.push(Finding {
                        start: i,
                        end: i + 5,
                        rule,
                    });
                }
            }
            out.push(Finding {
                start: hay.len(),
                end: hay.len() + 3,
                rule,
            });
        }
        fn max_window(&self) -> usize {
            1 << 30
        }
    }

    #[test]
    fn extension_findings_join_the_scan_and_bad_spans_are_dropped() {
        let base = crate::pack::builtin().unwrap();
        let db = base.with_extension(Arc::new(Zebra));
        let mut s = db.scratch();
        let mut out = Vec::new();
        let text = b"a zebra and token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        db.scan(text, &mut s, &mut out);
        let ids: Vec<&str> = out.iter().map(|f| db.rule(f.rule).id()).collect();
        assert_eq!(ids, ["registered-secret", "github-pat"]);
        assert_eq!(&text[out[0].range()], b"zebra");
        assert_eq!(db.max_window(), 1 << 30);
        // The base database is unchanged, and external rules never fire alone.
        base.scan(text, &mut s, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(db.without_extensions().extensions().len(), 0);
    }
}
