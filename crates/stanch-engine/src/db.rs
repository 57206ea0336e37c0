//! The compiled rule database and the scan loop.
//!
//! Scanning is "prefilter, then confirm": one Aho-Corasick automaton over every
//! rule keyword finds candidate positions; each candidate opens a small window
//! (the keyword's line, bounded by the rule's `max_len`), windows of one rule
//! are merged, and only then does that rule's regex run. Rules without a
//! literal (emails, cards, phones…) use dedicated finders instead. So the cost
//! follows the number of candidates, not the number of rules.
//!
//! A [`RuleDb`] is immutable and `Sync`; each thread brings its own [`Scratch`].

use crate::extension::Extension;
use crate::finders::{self, FinderKind};
use crate::prefilter::Prefilter;
use crate::prefilter::LANES;
use crate::rule::{Category, RuleSpec, SecretGroup, Severity, Specificity};
use crate::validate::{self, Validator};
use crate::Error;
use regex_automata::meta;
use regex_automata::util::captures::Captures;
use regex_automata::{Match, Span};

use crate::split::SuffixGroup;
use regex_automata::Input;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Index of a rule in its [`RuleDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub(crate) u32);

impl RuleId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A finding: which rule, and the byte span of the secret. Never a copy of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub rule: RuleId,
}

impl Finding {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    spec: RuleSpec,
    matcher: Matcher,
    validator: Option<Validator>,
    allow: Vec<LazyRegex>,
    stopwords: Vec<Vec<u8>>,
    deny_value: Option<AnchoredDfa>,
    deny_key: Option<AnchoredDfa>,
    /// `at_keyword`: same machinery as the deny regexes (anchored, shared,
    /// one cache slot per distinct regex).
    at_keyword: Option<AnchoredDfa>,
    /// Multiline rules only: see [`Partial`].
    partial: OnceLock<Option<Partial>>,
}

/// For a multiline rule every match of which contains one of its keywords:
/// the rule's regex as an anchored forward lazy DFA, to tell whether a
/// match starting before a keyword near the end of the input could still
/// go on with more input. Without it, such a window holds the stream back
/// until more input comes (see [`Scratch::hold_from`]); with it, a line
/// such as `password=hunter2` on a live pipe is handed on at once.
#[derive(Debug)]
struct Partial {
    dfa: regex_automata::hybrid::dfa::DFA,
}

impl Partial {
    /// `None` when some match may lie outside its keywords (such a rule's
    /// later lines can follow a keyword seen long before, as the `data:`
    /// lines of a kubectl secret do) or the DFA cannot be built.
    fn build(spec: &RuleSpec) -> Option<Partial> {
        let hir = parse(spec.pattern.as_deref()?).ok()?;
        let kws: Vec<String> = spec
            .keywords
            .iter()
            .map(|k| split_keyword(k).0.to_ascii_lowercase())
            .collect();
        if !crate::gitleaks::keywords_cover(&hir, &kws) {
            return None;
        }
        let dfa = forward_dfa(&hir, regex_automata::MatchKind::LeftmostFirst).ok()?;
        Some(Partial { dfa })
    }

    /// True if a match starting somewhere in `from..=to` may run past the
    /// end of `hay`: the anchored DFA, started there, is still alive after
    /// the last byte and some next byte keeps it alive. Gives up to true.
    fn may_continue(
        &self,
        cache: &mut regex_automata::hybrid::dfa::Cache,
        hay: &[u8],
        from: usize,
        to: usize,
    ) -> bool {
        let dfa = &self.dfa;
        for p in from..=to.min(hay.len()) {
            let input = Input::new(hay)
                .span(p..hay.len())
                .anchored(regex_automata::Anchored::Yes);
            let Ok(mut sid) = dfa.start_state_forward(cache, &input) else {
                return true;
            };
            let mut dead = sid.is_dead();
            for &b in &hay[p..] {
                if dead {
                    break;
                }
                sid = match dfa.next_state(cache, sid, b) {
                    Ok(s) => s,
                    Err(_) => return true,
                };
                if sid.is_quit() {
                    return true;
                }
                dead = sid.is_dead();
            }
            if dead {
                continue;
            }
            for b in 0..=255u8 {
                match dfa.next_state(cache, sid, b) {
                    Ok(s) if s.is_dead() => {}
                    _ => return true,
                }
            }
        }
        false
    }
}

/// A `deny_value`, `deny_key` or `at_keyword` regex: always searched
/// anchored. Rules that share one (the assignment rules' long lists of
/// non-secret values) share its compiled regex and, through `slot`, its
/// cache in each [`Scratch`]: it is compiled and its lazy DFA built once,
/// not once per rule.
#[derive(Debug)]
struct AnchoredDfa {
    re: Arc<LazyDfa>,
    slot: usize,
}

/// A deny regex, compiled on first use. It is only ever searched anchored,
/// for its earliest match, so a forward lazy DFA is all it needs: no
/// reverse automaton and no capture engine, which halves the compile of
/// these long patterns and skips the full regex's per-search dispatch.
#[derive(Debug)]
struct LazyDfa {
    pattern: String,
    dfa: OnceLock<Result<regex_automata::hybrid::dfa::DFA, String>>,
}

impl LazyDfa {
    fn new(pattern: &str) -> LazyDfa {
        LazyDfa {
            pattern: pattern.to_string(),
            dfa: OnceLock::new(),
        }
    }

    fn force(&self) -> Result<&regex_automata::hybrid::dfa::DFA, String> {
        self.dfa
            .get_or_init(|| {
                forward_dfa(
                    &parse(&self.pattern)?,
                    regex_automata::MatchKind::LeftmostFirst,
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

#[derive(Debug)]
enum Matcher {
    Regex(LazyRegex),
    Finder(FinderKind),
}

/// A rule's regex and the index of its secret group. Built-in rules are
/// parsed and compiled on first use: a scan pays only for the rules its
/// keywords wake up, and start-up parses no pattern at all. They are all
/// compiled by `rules check` in CI ([`RuleDb::compile_all`]). Rules from users
/// are compiled when loaded, so their errors surface at once.
#[derive(Debug)]
struct LazyRegex {
    pattern: String,
    group: Option<SecretGroup>,
    re: OnceLock<Result<Compiled, String>>,
}

/// A compiled rule regex: the regex, its secret group, and for a pattern
/// that ends with that group, what finds the group without the capture
/// engine (see [`crate::split`]).
#[derive(Debug)]
struct Compiled {
    re: meta::Regex,
    group: usize,
    suffix: Option<Box<SuffixGroup>>,
}

impl LazyRegex {
    fn new(pattern: &str, group: Option<&SecretGroup>) -> LazyRegex {
        LazyRegex {
            pattern: pattern.to_string(),
            group: group.cloned(),
            re: OnceLock::new(),
        }
    }

    /// Compiles now; the error names the field at fault.
    fn force(&self) -> Result<&Compiled, (&'static str, String)> {
        match self
            .re
            .get_or_init(|| build_regex(&self.pattern, self.group.as_ref()))
        {
            Ok(c) => Ok(c),
            Err(e) if e.starts_with("secret_group: ") => {
                Err(("secret_group", e["secret_group: ".len()..].to_string()))
            }
            Err(e) => Err(("pattern", e.clone())),
        }
    }

    /// The compiled regex, or `None` if it does not compile (only possible
    /// for a built-in rule that `rules check` would reject: it then never
    /// matches rather than bringing the scan down).
    fn get(&self) -> Option<(&meta::Regex, usize)> {
        self.force().ok().map(|c| (&c.re, c.group))
    }
}

impl Matcher {
    fn regex(&self) -> Option<&Compiled> {
        match self {
            Matcher::Regex(lazy) => lazy.force().ok(),
            Matcher::Finder(_) => None,
        }
    }
}

impl Rule {
    pub fn id(&self) -> &str {
        &self.spec.id
    }
    pub fn name(&self) -> &str {
        &self.spec.name
    }
    pub fn category(&self) -> Category {
        self.spec.category
    }
    pub fn severity(&self) -> Severity {
        self.spec.severity
    }
    pub fn specificity(&self) -> Specificity {
        self.spec.specificity
    }
    pub fn spec(&self) -> &RuleSpec {
        &self.spec
    }
    /// Label for pseudonyms: `<email:1a2b3c4d>`.
    pub fn pseudonym_label(&self) -> &str {
        self.spec
            .pseudonym_label
            .as_deref()
            .unwrap_or(self.spec.category.as_str())
    }
}

/// Per-thread mutable state for scanning: regex caches and candidate buffers.
pub struct Scratch {
    caches: Vec<Option<meta::Cache>>,
    caps: Vec<Option<Captures>>,
    /// Caches of the rules' other-branches and prefix DFAs (see [`crate::split`]).
    others_caches: Vec<[Option<regex_automata::hybrid::dfa::Cache>; 2]>,
    /// Caches of the `deny_value`, `deny_key` and `at_keyword` regexes, by [`AnchoredDfa::slot`].
    deny_caches: Vec<Option<regex_automata::hybrid::dfa::Cache>>,
    windows: Vec<(u32, usize, usize)>,
    /// Per window: its rule and the prefilter walker that found it (see
    /// [`RuleDb::sort_windows`]); and that sort's buffers.
    win_keys: Vec<u32>,
    win_counts: Vec<u32>,
    win_tmp: Vec<(u32, usize, usize)>,
    spans: Vec<(usize, usize)>,
    /// Spans of the block-walking finders from one fused pass
    /// ([`finders::find_fused`]), in the order of its `FUSED` list.
    fused: [Vec<(usize, usize)>; 6],
    found: Vec<Finding>,
    /// Multiline windows cut short by the end of the input: (rule, window
    /// start, keyword start, keyword end).
    truncated: Vec<(u32, usize, usize, usize)>,
    /// Caches of the multiline rules' [`Partial`] DFAs.
    partial_caches: HashMap<u32, regex_automata::hybrid::dfa::Cache>,
    hold_from: Option<usize>,
    /// [`RuleDb::scan_segmented`]: where each segment ends (sorted; the
    /// last is the input's end). Empty: one segment.
    seg_ends: Vec<usize>,
    /// How many texts the scan now running reads (see [`Scratch::texts`]).
    texts: usize,
    /// Parallel scans: smoothed time of the keyword-rule stage and of the
    /// extension stage per round (nanoseconds), to choose how to split the
    /// next round (see [`RuleDb::scan_parallel`]).
    stage_ns: Option<[f64; 2]>,
}

impl Scratch {
    /// After a scan: the earliest offset from which a multiline match (a PEM
    /// block) may still be incomplete because the input ended inside its
    /// window. Streaming callers keep the bytes from here for the next round.
    pub fn hold_from(&self) -> Option<usize> {
        self.hold_from
    }

    /// For extensions, during a scan: how many texts it reads (more than
    /// one for [`RuleDb::scan_segmented`]), to size budgets meant per text.
    pub fn texts(&self) -> usize {
        self.texts
    }

    /// Folds one round's stage times into the smoothed ones.
    fn record_stages(&mut self, t: [u64; 2]) {
        let t = [t[0] as f64, t[1] as f64];
        self.stage_ns = Some(match self.stage_ns {
            None => t,
            Some(s) => [0.75 * s[0] + 0.25 * t[0], 0.75 * s[1] + 0.25 * t[1]],
        });
    }

    fn ensure(&mut self, rules: usize, deny: usize) {
        if self.caches.len() < rules {
            self.caches.resize_with(rules, || None);
            self.caps.resize_with(rules, || None);
            self.others_caches.resize_with(rules, Default::default);
        }
        if self.deny_caches.len() < deny {
            self.deny_caches.resize_with(deny, || None);
        }
    }
}

/// The immutable compiled rule set.
#[derive(Clone)]
pub struct RuleDb {
    inner: Arc<Inner>,
    /// Finding sources beyond the rules (registered secrets, decoders…),
    /// run after the rules in every scan. Kept outside `inner` so adding one
    /// shares the compiled rules.
    extensions: Arc<[Arc<dyn Extension>]>,
    /// Rules of a lower severity are not run (see [`RuleDb::run_from`]).
    min_severity: Severity,
}

struct Inner {
    rules: Vec<Rule>,
    prefilter: Option<Prefilter>,
    /// keyword pattern index -> rules that keyword triggers, each with the
    /// word boundaries the rule asks for around that keyword
    kw_rules: Vec<Vec<(u32, Bounds)>>,
    finder_rules: Vec<u32>,
    by_id: HashMap<String, u32>,
    /// Longest window any rule asks for (streaming callers keep this much overlap).
    max_window: usize,
    /// Distinct `deny_value` / `deny_key` / `at_keyword` regexes (see [`AnchoredDfa`]).
    deny_slots: usize,
}

impl std::fmt::Debug for RuleDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleDb")
            .field("rules", &self.inner.rules.len())
            .field("extensions", &self.extensions.len())
            .finish()
    }
}

/// How far before a keyword a match may start (header names, `scheme://`).
const LOOKBEHIND: usize = 256;

/// Text before (and beyond the longest window after) a segment of
/// [`RuleDb::scan_parallel`]: more than any rule or finder looks around a
/// candidate (the same margin the streaming scanner keeps).
pub const PAR_CONTEXT: usize = 4096;
/// Smallest segment worth a thread of [`RuleDb::scan_parallel`].
pub const PAR_MIN_SEGMENT: usize = 256 * 1024;

/// Smallest input [`RuleDb::scan_segmented_pair`] shares between two
/// threads: below it, starting them costs more than they gain.
pub const PAR_MIN_PAIR: usize = 64 * 1024;

/// Parses a pattern as every rule regex is parsed: bytes, not Unicode
/// (`\w` is ASCII, `.` any byte but `\n`).
fn parse(pattern: &str) -> Result<regex_syntax::hir::Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
}

/// A forward lazy DFA of a parsed pattern, with the rule regexes' limits:
/// for the searches that need no start and no groups (deny regexes, the
/// multiline rules' [`Partial`], the capture shortcut's other branches).
pub(crate) fn forward_dfa(
    hir: &regex_syntax::hir::Hir,
    kind: regex_automata::MatchKind,
) -> Result<regex_automata::hybrid::dfa::DFA, String> {
    use regex_automata::hybrid::dfa::DFA;
    use regex_automata::nfa::thompson;
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .utf8(false)
                .nfa_size_limit(Some(20 << 20))
                .which_captures(thompson::WhichCaptures::None),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())?;
    DFA::builder()
        .configure(DFA::config().match_kind(kind).cache_capacity(2 << 20))
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

/// Compiles a parsed pattern (parsing once serves both this and the checks
/// on the pattern's shape: start-up cost is the regexes the input wakes).
fn compile_hir(hir: &regex_syntax::hir::Hir) -> Result<meta::Regex, String> {
    meta::Regex::builder()
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(20 << 20))
                .hybrid_cache_capacity(2 << 20)
                .onepass(false),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

impl RuleDb {
    /// Compiles rules. Every problem of every rule is collected into the error.
    pub fn new(specs: Vec<RuleSpec>) -> Result<RuleDb, Error> {
        let mut problems = Vec::new();
        let mut rules = Vec::with_capacity(specs.len());
        let mut by_id = HashMap::new();
        let mut denies: HashMap<String, (Arc<LazyDfa>, usize)> = HashMap::new();
        for spec in specs {
            let mut p = Vec::new();
            spec.lint(&mut p);
            if by_id.contains_key(&spec.id) {
                p.push(("id".to_string(), format!("duplicate id `{}`", spec.id)));
            }
            let matcher = match (&spec.pattern, &spec.finder) {
                (Some(pat), _) => {
                    let lazy = LazyRegex::new(pat, spec.secret_group.as_ref());
                    if !spec.builtin {
                        if let Err((field, e)) = lazy.force() {
                            p.push((field.into(), e));
                        }
                    }
                    Some(Matcher::Regex(lazy))
                }
                (None, Some(f)) => FinderKind::parse(f).map(Matcher::Finder),
                _ => None,
            };
            let validator = spec.validator.as_deref().and_then(Validator::parse);
            // Allow and deny regexes: whole-match, compiled now for user rules.
            let mut aux = |field: &str, pat: &str| {
                let lazy = LazyRegex::new(pat, Some(&SecretGroup::Index(0)));
                if !spec.builtin {
                    if let Err((_, e)) = lazy.force() {
                        p.push((field.into(), e));
                    }
                }
                lazy
            };
            let allow: Vec<_> = spec
                .allow_regexes
                .iter()
                .map(|a| aux("allow_regexes", a))
                .collect();
            let mut deny = |field: &str, pat: &str| {
                let slots = denies.len();
                let (re, slot) = denies
                    .entry(pat.to_string())
                    .or_insert_with(|| (Arc::new(LazyDfa::new(pat)), slots));
                // Each user rule with a bad pattern is named, shared or not.
                if !spec.builtin {
                    if let Err(e) = re.force() {
                        p.push((field.into(), e));
                    }
                }
                AnchoredDfa {
                    re: re.clone(),
                    slot: *slot,
                }
            };
            let deny_value = spec.deny_value.as_deref().map(|d| deny("deny_value", d));
            let deny_key = spec.deny_key.as_deref().map(|d| deny("deny_key", d));
            let at_keyword = spec.at_keyword.as_deref().map(|d| deny("at_keyword", d));
            let stopwords = spec
                .allow_stopwords
                .iter()
                .map(|w| w.to_ascii_lowercase().into_bytes())
                .collect();
            if p.is_empty() {
                if let Some(matcher) = matcher {
                    by_id.insert(spec.id.clone(), rules.len() as u32);
                    rules.push(Rule {
                        spec,
                        matcher,
                        validator,
                        allow,
                        stopwords,
                        deny_value,
                        deny_key,
                        at_keyword,
                        partial: OnceLock::new(),
                    });
                    continue;
                }
            }
            for (field, reason) in p {
                problems.push(crate::Problem {
                    file: spec.origin.clone(),
                    rule: spec.id.clone(),
                    field,
                    reason,
                });
            }
        }
        if !problems.is_empty() {
            return Err(Error::Rules(problems));
        }
        Ok(Self::assemble(rules, by_id, denies.len()))
    }

    fn assemble(rules: Vec<Rule>, by_id: HashMap<String, u32>, deny_slots: usize) -> RuleDb {
        let mut keywords: Vec<String> = Vec::new();
        let mut kw_index: HashMap<String, usize> = HashMap::new();
        let mut kw_rules: Vec<Vec<(u32, Bounds)>> = Vec::new();
        let mut finder_rules = Vec::new();
        let mut max_window = 0;
        for (i, r) in rules.iter().enumerate() {
            max_window = max_window.max(r.spec.max_len() + LOOKBEHIND);
            if let Matcher::Finder(kind) = r.matcher {
                if kind != FinderKind::External {
                    finder_rules.push(i as u32);
                }
                continue;
            }
            for k in &r.spec.keywords {
                let (lit, bounds) = split_keyword(k);
                let k = lit.to_ascii_lowercase();
                let idx = *kw_index.entry(k.clone()).or_insert_with(|| {
                    keywords.push(k);
                    kw_rules.push(Vec::new());
                    kw_rules.len() - 1
                });
                let entry = (i as u32, bounds);
                if !kw_rules[idx].contains(&entry) {
                    kw_rules[idx].push(entry);
                }
            }
        }
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(Prefilter::new(&keywords))
        };
        RuleDb {
            inner: Arc::new(Inner {
                rules,
                prefilter,
                kw_rules,
                finder_rules,
                by_id,
                max_window,
                deny_slots,
            }),
            extensions: Arc::from(Vec::new()),
            min_severity: Severity::Info,
        }
    }

    /// The same database, scanning only with rules of at least `min`
    /// severity (extensions run as before). For callers that would drop the
    /// other findings anyway, as `redact` drops those below its policy's
    /// minimum (IP addresses by default): their finders and windows cost
    /// time for nothing.
    pub fn run_from(&self, min: Severity) -> RuleDb {
        RuleDb {
            min_severity: min,
            ..self.clone()
        }
    }

    /// This database plus one more [`Extension`], sharing the compiled rules.
    pub fn with_extension(&self, ext: Arc<dyn Extension>) -> RuleDb {
        let mut v: Vec<Arc<dyn Extension>> = self.extensions.to_vec();
        v.push(ext);
        RuleDb {
            inner: Arc::clone(&self.inner),
            extensions: Arc::from(v),
            min_severity: self.min_severity,
        }
    }

    /// The same rules with no extensions.
    pub fn without_extensions(&self) -> RuleDb {
        RuleDb {
            inner: Arc::clone(&self.inner),
            extensions: Arc::from(Vec::new()),
            min_severity: self.min_severity,
        }
    }

    pub fn extensions(&self) -> &[Arc<dyn Extension>] {
        &self.extensions
    }

    pub fn rules(&self) -> &[Rule] {
        &self.inner.rules
    }

    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.inner.rules[id.index()]
    }

    pub fn lookup(&self, id: &str) -> Option<RuleId> {
        self.inner.by_id.get(id).map(|&i| RuleId(i))
    }

    pub fn len(&self) -> usize {
        self.inner.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.rules.is_empty()
    }

    /// The longest span (plus context) a single finding can need. Streaming
    /// callers keep at least this much unflushed tail between chunks.
    pub fn max_window(&self) -> usize {
        self.extensions
            .iter()
            .map(|e| e.max_window())
            .fold(self.inner.max_window, usize::max)
    }

    /// How far past the end of its line a finding of an extension can
    /// reach (rules' multiline windows are tracked as truncated instead).
    fn max_cross_line(&self) -> usize {
        self.extensions
            .iter()
            .map(|e| e.max_cross_line())
            .max()
            .unwrap_or(0)
    }

    /// Compiles every rule's regexes now (built-in rules are otherwise
    /// parsed and compiled on first use) and returns every problem found.
    /// `rules check` and benchmarks call it.
    pub fn compile_all(&self) -> Vec<crate::Problem> {
        let mut problems = Vec::new();
        for r in &self.inner.rules {
            let mut results = Vec::new();
            if let Matcher::Regex(lazy) = &r.matcher {
                results.push(lazy.force().map(|_| ()));
            }
            for a in &r.allow {
                results.push(a.force().map(|_| ()).map_err(|(_, e)| ("allow_regexes", e)));
            }
            for (field, d) in [
                ("deny_value", &r.deny_value),
                ("deny_key", &r.deny_key),
                ("at_keyword", &r.at_keyword),
            ] {
                if let Some(d) = d {
                    results.push(d.re.force().map(|_| ()).map_err(|e| (field, e)));
                }
            }
            for (field, reason) in results.into_iter().filter_map(Result::err) {
                problems.push(crate::Problem {
                    file: r.spec.origin.clone(),
                    rule: r.spec.id.clone(),
                    field: field.to_string(),
                    reason,
                });
            }
        }
        problems
    }

    /// Compiles every rule now and scans every rule's examples and
    /// negatives with `scratch`, so its lazy DFAs already hold the states
    /// such text needs. A long-lived process (the gateway) pays its warm-up
    /// at start instead of in its first requests: compiling the rules a
    /// request wakes and building their DFAs costs tens of milliseconds,
    /// where a warm scan of the same request takes well under one. Returns
    /// the problems of [`compile_all`](Self::compile_all).
    pub fn warm_up(&self, scratch: &mut Scratch) -> Vec<crate::Problem> {
        let problems = self.compile_all();
        let mut text = Vec::new();
        for r in &self.inner.rules {
            for e in r.spec.examples.iter().chain(&r.spec.negatives) {
                text.extend_from_slice(e.as_bytes());
                text.push(b'\n');
            }
        }
        let mut out = Vec::new();
        self.scan(&text, scratch, &mut out);
        problems
    }

    /// How many rule regexes are compiled so far (they compile on first
    /// use, or all at once in [`compile_all`](Self::compile_all)).
    pub fn compiled_rules(&self) -> usize {
        self.inner
            .rules
            .iter()
            .filter(|r| matches!(&r.matcher, Matcher::Regex(lazy) if lazy.re.get().is_some()))
            .count()
    }

    pub fn scratch(&self) -> Scratch {
        let mut s = Scratch {
            caches: Vec::new(),
            caps: Vec::new(),
            others_caches: Vec::new(),
            deny_caches: Vec::new(),
            windows: Vec::new(),
            win_keys: Vec::new(),
            win_counts: Vec::new(),
            win_tmp: Vec::new(),
            spans: Vec::new(),
            fused: Default::default(),
            found: Vec::new(),
            truncated: Vec::new(),
            partial_caches: HashMap::new(),
            hold_from: None,
            seg_ends: Vec::new(),
            texts: 1,
            stage_ns: None,
        };
        s.ensure(self.inner.rules.len(), self.inner.deny_slots);
        s
    }

    /// Finds every secret in `hay`, appending findings sorted by start to
    /// `out` (which is cleared first). Overlapping findings where one span
    /// contains the other are resolved to one finding named by the more
    /// specific rule. Works on any bytes; never panics on invalid UTF-8.
    pub fn scan(&self, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Finding>) {
        out.clear();
        self.collect(hay, scratch);
        resolve_overlaps(&self.inner.rules, &mut scratch.found, out);
    }

    /// [`scan`](Self::scan) of many texts at once, concatenated in `hay`:
    /// text `k` ends at `ends[k]` (sorted, the last at `hay.len()`; each
    /// text should end with a line end). Small texts scanned one by one
    /// pay each scan's fixed costs and read their bytes at the prefilter's
    /// slow one-lane pace; together they cost one scan.
    ///
    /// A multiline rule's window stops at the end of the text its keyword
    /// is in, so a match never runs from one text into the next (a PEM
    /// block's body is looked for in its own text only), and only the last
    /// text's windows can leave [`Scratch::hold_from`] set. Other rules'
    /// windows stop at line ends anyway. Findings are those of scanning each
    /// text alone, but for a finder or extension match that crosses a line
    /// end at a text's edge; callers cut findings at the texts' ends.
    pub fn scan_segmented(
        &self,
        hay: &[u8],
        ends: &[usize],
        scratch: &mut Scratch,
        out: &mut Vec<Finding>,
    ) {
        scratch.seg_ends.clear();
        if ends.len() > 1 {
            scratch.seg_ends.extend_from_slice(ends);
            debug_assert!(ends.windows(2).all(|w| w[0] <= w[1]));
            debug_assert_eq!(ends.last(), Some(&hay.len()));
        }
        self.scan(hay, scratch, out);
        scratch.seg_ends.clear();
    }

    /// [`scan_segmented`](Self::scan_segmented) (or, with fewer than two
    /// `ends`, [`scan`](Self::scan)) on two threads, split by stage as
    /// [`scan_parallel`](Self::scan_parallel) splits a pair's segment: one
    /// thread finds keyword windows while the other runs the extensions,
    /// then each confirms the windows of half of the rules and both take
    /// finders. For a caller that scans many blocks of texts at once (JSON
    /// Lines): the findings, [`Scratch::hold_from`] (in `a`) and
    /// [`Scratch::texts`] seen by the extensions are those of the scan on
    /// one thread. Inputs under [`PAR_MIN_PAIR`] are scanned with `a` alone.
    pub fn scan_segmented_pair(
        &self,
        hay: &[u8],
        ends: &[usize],
        a: &mut Scratch,
        b: &mut Scratch,
        out: &mut Vec<Finding>,
    ) {
        if hay.len() < PAR_MIN_PAIR {
            return self.scan_segmented(hay, ends, a, out);
        }
        for s in [&mut *a, &mut *b] {
            s.seg_ends.clear();
            if ends.len() > 1 {
                s.seg_ends.extend_from_slice(ends);
            }
        }
        debug_assert!(ends.len() < 2 || ends.last() == Some(&hay.len()));
        b.texts = ends.len().max(1);
        self.scan_pair(hay, a, b, out);
        b.texts = 1;
        a.seg_ends.clear();
        b.seg_ends.clear();
    }

    /// One input on a pair of threads, split by stage: the findings in
    /// `out`, the stage times recorded in `a`.
    fn scan_pair(&self, hay: &[u8], a: &mut Scratch, b: &mut Scratch, out: &mut Vec<Finding>) {
        let t = self.collect_split(hay, a, b);
        a.record_stages(t);
        out.clear();
        resolve_overlaps(&self.inner.rules, &mut a.found, out);
    }

    /// Like [`scan`](Self::scan), on `scratches.len()` threads, in one of two
    /// ways chosen per call from the time each stage took before:
    /// - by stage: threads work in pairs on one segment, one finding keyword
    ///   windows while the other runs the extensions, then each confirming
    ///   the windows of half of the rules (a rule stays with one thread, so
    ///   its lazy DFA is built once) and both taking finders until none is
    ///   left;
    /// - by text, when the extensions (decoders) take longer than the keyword
    ///   rules: one segment per thread.
    ///
    /// `hay` is cut at line ends into segments, each scanned with
    /// [`PAR_CONTEXT`] bytes of the text before it and, after it, as far as a
    /// match starting in it can reach plus [`PAR_CONTEXT`], so every rule and
    /// finder sees the surroundings it would see in one pass; a segment keeps
    /// the findings that start inside it, and overlaps are resolved once over
    /// all of them. The findings are those of [`scan`](Self::scan) either
    /// way. [`Scratch::hold_from`] of `scratches[0]` is set as
    /// [`scan`](Self::scan) sets it. Inputs under [`PAR_MIN_SEGMENT`] are
    /// scanned on the calling thread.
    pub fn scan_parallel(&self, hay: &[u8], scratches: &mut [Scratch], out: &mut Vec<Finding>) {
        self.scan_parallel_segments(hay, scratches, out, PAR_MIN_SEGMENT)
    }

    /// [`scan_parallel`](Self::scan_parallel) with segments of at least
    /// `min_segment` bytes (tests use small ones to get many segments).
    #[doc(hidden)]
    pub fn scan_parallel_segments(
        &self,
        hay: &[u8],
        scratches: &mut [Scratch],
        out: &mut Vec<Finding>,
        min_segment: usize,
    ) {
        if hay.len() < min_segment.max(1) || scratches.len() <= 1 {
            return self.scan(hay, &mut scratches[0], out);
        }
        // Two ways to share a round between threads: by text (segments, one
        // per thread) or by stage (a pair of threads on one segment, see
        // [`collect_split`](Self::collect_split)). By stage builds each
        // lazy DFA once instead of once per thread, but balances only while
        // the extensions (decoders: inner scans of decoded text) take no
        // longer than the keyword rules; the time both stages took in past
        // rounds picks the split. Either way the findings are the same.
        let by_stage = scratches[0]
            .stage_ns
            .map_or(true, |[rules, ext]| ext <= rules);
        let mut stage_ns = [0u64; 2];
        let units: Vec<&mut [Scratch]> =
            scratches.chunks_mut(if by_stage { 2 } else { 1 }).collect();
        let n = units.len().min(hay.len() / min_segment.max(1)).max(1);
        let mut units: Vec<&mut [Scratch]> = units.into_iter().take(n).collect();
        let shares: usize = units.iter().map(|u| u.len()).sum();
        // Segment starts: line starts near the share boundaries. (Smaller
        // segments, taken by the threads as they finish, balanced the work
        // better, but each segment reads `ext` bytes past its end: on 2
        // cores that cost more than it won.)
        let mut starts = vec![0usize];
        let mut acc = 0;
        for u in &units[..n - 1] {
            acc += u.len();
            let target = hay.len() * acc / shares;
            if let Some(p) = memchr::memchr(b'\n', &hay[target..]) {
                let cut = target + p + 1;
                if cut > *starts.last().expect("not empty") && cut < hay.len() {
                    starts.push(cut);
                }
            }
        }
        units.truncate(starts.len());
        if let [[a, b]] = &mut units[..] {
            return self.scan_pair(hay, a, b, out);
        }
        // A segment is read `ext` bytes past its end: as far as a match that
        // starts in it can reach. Segments start at line starts, so that is
        // the longest rule window (multiline rules) or the farthest an
        // extension's span leaves its line, not the extensions' longest
        // window (the decoder's is 192 KiB, all within one line).
        let ext = self.inner.max_window.max(self.max_cross_line()) + PAR_CONTEXT;
        let parts: Vec<(Vec<Finding>, Option<usize>, [u64; 2])> = std::thread::scope(|scope| {
            let handles: Vec<_> = units
                .iter_mut()
                .enumerate()
                .map(|(k, unit)| {
                    let a = starts[k];
                    let b = starts.get(k + 1).copied().unwrap_or(hay.len());
                    scope.spawn(move || {
                        let lo = a.saturating_sub(PAR_CONTEXT);
                        let hi = b.saturating_add(ext).min(hay.len());
                        let (scratch, t) = match unit {
                            [x, y] => {
                                let t = self.collect_split(&hay[lo..hi], x, y);
                                (x, t)
                            }
                            [x] => {
                                let t = self.collect_timed(&hay[lo..hi], x);
                                (x, t)
                            }
                            _ => unreachable!("chunks of one or two scratches"),
                        };
                        let mine: Vec<Finding> = scratch
                            .found
                            .iter()
                            .filter(|f| (a..b).contains(&(f.start + lo)))
                            .map(|f| Finding {
                                start: f.start + lo,
                                end: f.end + lo,
                                rule: f.rule,
                            })
                            .collect();
                        // Only a slice that reaches the end of `hay` can
                        // cut a window short as the whole scan would; a
                        // window cut at an inner slice's end belongs to
                        // matches that start past `b`, found by a later
                        // segment.
                        let hold = if hi == hay.len() {
                            scratch.hold_from.map(|h| h + lo)
                        } else {
                            None
                        };
                        (mine, hold, t)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a scan thread never panics"))
                .collect()
        });
        let first = &mut units[0][0];
        first.found.clear();
        first.hold_from = None;
        for (mine, hold, t) in parts {
            stage_ns[0] += t[0];
            stage_ns[1] += t[1];
            first.found.extend_from_slice(&mine);
            if let Some(h) = hold {
                first.hold_from = Some(first.hold_from.map_or(h, |x| x.min(h)));
            }
        }
        first.record_stages(stage_ns);
        out.clear();
        resolve_overlaps(&self.inner.rules, &mut first.found, out);
    }

    /// Like [`scan`](Self::scan) but keeps every rule's finding, overlapping
    /// or not (sorted by start). `rules check` uses it to test each rule.
    pub fn scan_all(&self, hay: &[u8], scratch: &mut Scratch, out: &mut Vec<Finding>) {
        out.clear();
        self.collect(hay, scratch);
        scratch.found.sort_unstable();
        scratch.found.dedup();
        out.extend_from_slice(&scratch.found);
    }

    fn collect(&self, hay: &[u8], scratch: &mut Scratch) {
        // Untimed: callers scanning many small strings (JSON documents) would
        // pay for the clock reads.
        self.collect_stages(hay, scratch, false);
    }

    /// [`collect`](Self::collect), returning the time spent in the keyword
    /// rules and in the extensions (parallel scans choose their split by it).
    fn collect_timed(&self, hay: &[u8], scratch: &mut Scratch) -> [u64; 2] {
        self.collect_stages(hay, scratch, true)
    }

    /// Every stage in turn; with `timed`, the keyword rules' and the
    /// extensions' nanoseconds (else zeros, and no clock read).
    fn collect_stages(&self, hay: &[u8], scratch: &mut Scratch, timed: bool) -> [u64; 2] {
        let clock = || timed.then(Instant::now);
        let ns = |t: Option<Instant>| t.map_or(0, |t| t.elapsed().as_nanos() as u64);
        self.reset(scratch);
        let t = clock();
        self.collect_rules(hay, scratch);
        let rules = ns(t);
        // Segments bound the keyword rules' windows only: the extensions'
        // inner scans (of decoded text) are scans of their own.
        let seg_ends = std::mem::take(&mut scratch.seg_ends);
        self.collect_finders(hay, scratch);
        let t = clock();
        scratch.texts = seg_ends.len().max(1);
        self.collect_extensions(hay, scratch);
        scratch.texts = 1;
        scratch.seg_ends = seg_ends;
        [rules, ns(t)]
    }

    /// [`collect`](Self::collect) on two threads, split by stage rather than
    /// by text: keyword rules (prefilter and regexes) on one, extensions on
    /// the other, and the finders taken one by one by whichever thread is
    /// free; the findings end up in `a`. Unlike two halves of the text, each
    /// thread warms only the caches of its own stage (a half-text split
    /// builds every lazy DFA twice, which on a 100 MB log costs about as
    /// much as the second thread gains).
    fn collect_split(&self, hay: &[u8], a: &mut Scratch, b: &mut Scratch) -> [u64; 2] {
        self.reset(a);
        self.reset(b);
        // Threads are joined explicitly: a scope's implicit wait returns as
        // soon as the closure is done, before the thread has exited.
        // 1. Keyword windows on one thread, extensions on the other.
        let ext_ns = std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                self.find_windows(hay, a);
                self.sort_windows(a);
            });
            let t = Instant::now();
            // Segments bound the keyword rules' windows only: the
            // extensions' inner scans (of decoded text) are scans of their
            // own (as in `collect_stages`).
            let seg_ends = std::mem::take(&mut b.seg_ends);
            self.collect_extensions(hay, b);
            b.seg_ends = seg_ends;
            let ext = t.elapsed().as_nanos() as u64;
            other.join().expect("a scan thread never panics");
            ext
        });
        // 2. Each thread confirms the windows of its half of the rules, then
        // takes finders until none is left.
        let windows = std::mem::take(&mut a.windows);
        let next = AtomicUsize::new(0);
        let t = Instant::now();
        std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                self.confirm_windows(hay, &windows, Some((0, 2)), a);
                self.take_finders(&next, hay, a);
            });
            self.confirm_windows(hay, &windows, Some((1, 2)), b);
            self.take_finders(&next, hay, b);
            other.join().expect("a scan thread never panics");
        });
        let rules_ns = t.elapsed().as_nanos() as u64;
        a.windows = windows;
        a.found.extend_from_slice(&b.found);
        self.resolve_truncated(hay, a);
        a.hold_from = a.hold_from.into_iter().chain(b.hold_from).min();
        [rules_ns, ext_ns]
    }

    fn reset(&self, scratch: &mut Scratch) {
        scratch.ensure(self.inner.rules.len(), self.inner.deny_slots);
        scratch.found.clear();
        scratch.windows.clear();
        scratch.win_keys.clear();
        scratch.truncated.clear();
        scratch.hold_from = None;
    }

    /// Keyword rules: prefilter, windows, regexes; unfinished multiline
    /// matches set `hold_from`.
    fn collect_rules(&self, hay: &[u8], scratch: &mut Scratch) {
        self.find_windows(hay, scratch);
        self.sort_windows(scratch);
        let windows = std::mem::take(&mut scratch.windows);
        self.confirm_windows(hay, &windows, None, scratch);
        scratch.windows = windows;
        self.resolve_truncated(hay, scratch);
    }

    /// Stage 1: the prefilter; keyword hits open windows (unsorted).
    fn find_windows(&self, hay: &[u8], scratch: &mut Scratch) {
        let inner = &*self.inner;
        if let Some(pre) = &inner.prefilter {
            let (windows, truncated) = (&mut scratch.windows, &mut scratch.truncated);
            let keys = &mut scratch.win_keys;
            let caches = &mut scratch.deny_caches;
            let seg_ends = &scratch.seg_ends;
            let min = self.min_severity;
            pre.for_each(hay, |k, ks, ke| {
                for &(ri, bounds) in &inner.kw_rules[k] {
                    if !bounds.hold(hay, ks, ke) {
                        continue;
                    }
                    let rule = &inner.rules[ri as usize];
                    let spec = &rule.spec;
                    if spec.severity < min {
                        continue;
                    }
                    if let Some(at) = &rule.at_keyword {
                        let max = spec.max_len().min(AT_KEYWORD_MAX);
                        if !may_match_at(at, caches, hay, ks, max) {
                            continue;
                        }
                    }
                    let (ws, mut we) = window(hay, ks, ke, spec.max_len(), spec.multiline);
                    let mut seg_end = hay.len();
                    if spec.multiline && !seg_ends.is_empty() {
                        seg_end = seg_ends[seg_ends
                            .partition_point(|&e| e <= ks)
                            .min(seg_ends.len() - 1)];
                        we = we.min(seg_end).max(ws);
                    }
                    windows.push((ri, ws, we));
                    keys.push(ri * LANES as u32 + Prefilter::lane_of(hay.len(), ke) as u32);
                    if spec.multiline && seg_end == hay.len() && ke + spec.max_len() > hay.len() {
                        truncated.push((ri, ws, ks, ke));
                    }
                }
            });
        }
    }

    /// Sorts the windows by rule, then start. A comparison sort of every
    /// window was 4 % of a dense scan; instead, a counting sort on (rule,
    /// prefilter walker): each walker reports its hits in order and walker
    /// `k`'s come before walker `k + 1`'s, and a window's start only grows
    /// with its keyword's, so each rule's run comes out in order but where
    /// keywords of different lengths ended close together; such a run is
    /// sorted on its own. Few windows: a plain sort (no counters to clear).
    fn sort_windows(&self, scratch: &mut Scratch) {
        let n = scratch.windows.len();
        debug_assert_eq!(scratch.win_keys.len(), n);
        if n < 1024 {
            scratch.windows.sort_unstable();
            return;
        }
        let counts = &mut scratch.win_counts;
        counts.clear();
        counts.resize(self.inner.rules.len() * LANES + 1, 0);
        for &k in &scratch.win_keys {
            counts[k as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let tmp = &mut scratch.win_tmp;
        tmp.clear();
        tmp.resize(n, (0, 0, 0));
        for (w, &k) in scratch.windows.iter().zip(&scratch.win_keys) {
            let c = &mut counts[k as usize];
            tmp[*c as usize] = *w;
            *c += 1;
        }
        std::mem::swap(&mut scratch.windows, tmp);
        let w = &mut scratch.windows;
        let mut i = 0;
        while i < n {
            let ri = w[i].0;
            let j = i + w[i..].partition_point(|x| x.0 == ri);
            let run = &mut w[i..j];
            // (`is_sorted` needs a newer Rust than the workspace's MSRV.)
            if run.windows(2).any(|p| p[0] > p[1]) {
                run.sort_unstable();
            }
            i = j;
        }
        debug_assert!(w.windows(2).all(|p| p[0] <= p[1]));
    }

    /// Stage 2: merges the (sorted) windows per rule, then confirms them with the
    /// rule's regex. With `part = Some((k, n))`, only the rules whose index
    /// is `k` modulo `n`: the share of one of `n` threads (a rule always goes
    /// to the same thread, so its lazy DFA is built once).
    fn confirm_windows(
        &self,
        hay: &[u8],
        windows: &[(u32, usize, usize)],
        part: Option<(u32, u32)>,
        scratch: &mut Scratch,
    ) {
        let seg_ends = std::mem::take(&mut scratch.seg_ends);
        let mut i = 0;
        while i < windows.len() {
            let (ri, ws, mut we) = windows[i];
            // Windows in different segments are never merged (a multiline
            // window may end right where the next segment's start).
            let limit = match seg_ends.partition_point(|&e| e <= ws) {
                k if k < seg_ends.len() => seg_ends[k],
                _ => usize::MAX,
            };
            let mut j = i + 1;
            while j < windows.len()
                && windows[j].0 == ri
                && windows[j].1 <= we
                && windows[j].1 < limit
            {
                we = we.max(windows[j].2);
                j += 1;
            }
            i = j;
            if part.map_or(true, |(k, n)| ri % n == k) {
                self.confirm(ri, hay, ws, we, scratch);
            }
        }
        scratch.seg_ends = seg_ends;
    }

    /// Resolves the multiline windows the end of `hay` cut short, from the
    /// findings in `scratch` (every rule's), setting `hold_from`.
    fn resolve_truncated(&self, hay: &[u8], scratch: &mut Scratch) {
        let inner = &*self.inner;
        // A truncated multiline window holds the text from its start unless
        // the match through its keyword is settled. Where every match of the
        // rule holds a keyword (see `Partial`), such a match starts between
        // the window start and the keyword, and it is settled when none
        // starting there can go on with more input; that alone decides (a
        // finding with a line after it may still grow: a key fragment's
        // base64 run goes on over blank lines). Other rules are settled by a
        // finding of theirs that covers the keyword and is followed by at
        // least one complete line: anything less may be a block whose rest
        // is still to come (a partial match must not release the text
        // before it).
        for &(ri, ws, ks, ke) in &scratch.truncated {
            if scratch.hold_from.is_some_and(|h| h <= ws) {
                continue;
            }
            let rule = &inner.rules[ri as usize];
            let ended = match rule.partial.get_or_init(|| Partial::build(&rule.spec)) {
                Some(p) => {
                    let cache = scratch
                        .partial_caches
                        .entry(ri)
                        .or_insert_with(|| p.dfa.create_cache());
                    !p.may_continue(cache, hay, ws, ks)
                }
                None => scratch.found.iter().any(|f| {
                    f.rule.0 == ri && f.start < ke && f.end >= ke && complete_line_after(hay, f.end)
                }),
            };
            if !ended {
                scratch.hold_from = Some(scratch.hold_from.map_or(ws, |h| h.min(ws)));
            }
        }
    }

    /// Stage 3: finders for rules with no literal. The block-walking ones
    /// run in one fused pass (one walk of the input instead of six).
    fn collect_finders(&self, hay: &[u8], scratch: &mut Scratch) {
        let inner = &*self.inner;
        let mut want = [false; 6];
        for &ri in &inner.finder_rules {
            let rule = &inner.rules[ri as usize];
            if let Matcher::Finder(kind) = rule.matcher {
                if let Some(i) = finders::fused_index(kind) {
                    want[i] |= rule.spec.severity >= self.min_severity;
                }
            }
        }
        finders::find_fused(want, hay, &mut scratch.fused);
        for &ri in &inner.finder_rules {
            self.run_finder_with(ri, hay, scratch, true);
        }
    }

    /// Runs finder rules, taking the next one not yet taken from `next`,
    /// until none is left (two threads share the list this way).
    fn take_finders(&self, next: &AtomicUsize, hay: &[u8], scratch: &mut Scratch) {
        while let Some(&ri) = self
            .inner
            .finder_rules
            .get(next.fetch_add(1, AtomicOrdering::Relaxed))
        {
            self.run_finder(ri, hay, scratch);
        }
    }

    fn run_finder(&self, ri: u32, hay: &[u8], scratch: &mut Scratch) {
        self.run_finder_with(ri, hay, scratch, false)
    }

    /// With `fused`, a block-walking finder's spans are those a fused pass
    /// left in `scratch.fused`.
    fn run_finder_with(&self, ri: u32, hay: &[u8], scratch: &mut Scratch, fused: bool) {
        let rule = &self.inner.rules[ri as usize];
        if rule.spec.severity < self.min_severity {
            return;
        }
        if let Matcher::Finder(kind) = rule.matcher {
            let spans = match finders::fused_index(kind).filter(|_| fused) {
                Some(i) => &scratch.fused[i],
                None => {
                    scratch.spans.clear();
                    finders::find(kind, hay, &mut scratch.spans);
                    &scratch.spans
                }
            };
            for &(s, e) in spans {
                if accept(rule, hay, s, e) {
                    scratch.found.push(Finding {
                        start: s,
                        end: e,
                        rule: RuleId(ri),
                    });
                }
            }
        }
    }

    /// Stage 4: extensions (registered secrets, decoders…). A bad span from one is
    /// dropped rather than trusted.
    fn collect_extensions(&self, hay: &[u8], scratch: &mut Scratch) {
        let inner = &*self.inner;
        if !self.extensions.is_empty() {
            // The scratch is lent to the extensions for inner scans: keep
            // what this scan still needs out of their way.
            let mut found = std::mem::take(&mut scratch.found);
            let hold_from = scratch.hold_from;
            let from = found.len();
            for ext in self.extensions.iter() {
                ext.find(self, hay, scratch, &mut found);
            }
            let n = inner.rules.len();
            let mut k = from;
            while k < found.len() {
                let f = found[k];
                if f.start < f.end && f.end <= hay.len() && f.rule.index() < n {
                    k += 1;
                } else {
                    found.swap_remove(k);
                }
            }
            scratch.found = found;
            scratch.hold_from = self
                .extensions
                .iter()
                .filter_map(|e| e.hold_from(hay))
                .chain(hold_from)
                .min();
        }
    }

    fn confirm(&self, ri: u32, hay: &[u8], ws: usize, we: usize, scratch: &mut Scratch) {
        let rule = &self.inner.rules[ri as usize];
        let Some(Compiled { re, group, suffix }) = rule.matcher.regex() else {
            return;
        };
        let cache = scratch.caches[ri as usize].get_or_insert_with(|| re.create_cache());
        let mut input = Input::new(hay).span(ws..we);
        loop {
            // A suffix group that needs nothing but its end is taken from
            // the forward search alone, with the search start as a lower
            // bound for the match start (no reverse search).
            let quick = match suffix {
                Some(sg) if !sg.needs_start() && rule.deny_key.is_none() => {
                    let Some(hm) = re.search_half_with(cache, &input) else {
                        break;
                    };
                    let e = hm.offset();
                    sg.unique_span(hay, input.start(), e).map(|sp| (e, sp))
                }
                _ => None,
            };
            let (m, sp) = if let Some((e, (g, h))) = quick {
                // Only the end of `m` is used below (no `deny_key`).
                (Match::must(0, g..e), Some(Span::from(g..h)))
            } else if *group == 0 || suffix.is_some() {
                // Group 0 needs no capture engine: the DFAs find the span.
                // Nor does a suffix group, when one start alone fits.
                let Some(m) = re.search_with(cache, &input) else {
                    break;
                };
                let span = match suffix {
                    None => Some((m.start(), m.end())),
                    Some(sg) => sg.span(
                        hay,
                        m.start(),
                        m.end(),
                        &mut scratch.others_caches[ri as usize],
                    ),
                };
                match span {
                    Some((g, h)) => (m, Some(Span::from(g..h))),
                    None => {
                        // Ambiguous: the capture engine, on the match alone.
                        let caps =
                            scratch.caps[ri as usize].get_or_insert_with(|| re.create_captures());
                        let on_match = Input::new(hay)
                            .span(m.range())
                            .anchored(regex_automata::Anchored::Yes);
                        re.search_captures_with(cache, &on_match, caps);
                        (m, caps.get_group(*group))
                    }
                }
            } else {
                let caps = scratch.caps[ri as usize].get_or_insert_with(|| re.create_captures());
                re.search_captures_with(cache, &input, caps);
                let Some(m) = caps.get_match() else { break };
                (m, caps.get_group(*group))
            };
            if let Some(sp) = sp {
                let caches = &mut scratch.deny_caches;
                if sp.start < sp.end
                    && !denied(rule.deny_value.as_ref(), caches, hay, sp.start, we)
                    && !denied(rule.deny_key.as_ref(), caches, hay, m.start(), we)
                    && accept(rule, hay, sp.start, sp.end)
                {
                    scratch.found.push(Finding {
                        start: sp.start,
                        end: sp.end,
                        rule: RuleId(ri),
                    });
                }
            }
            let next = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            if next >= we {
                break;
            }
            input.set_start(next);
        }
    }
}

/// True if the deny regex (`deny_value` / `deny_key`) matches anchored at
/// `at`, looking no further than the window's end (look-around assertions
/// still see past it, as the rule's own regex does).
fn denied(
    deny: Option<&AnchoredDfa>,
    caches: &mut [Option<regex_automata::hybrid::dfa::Cache>],
    hay: &[u8],
    at: usize,
    we: usize,
) -> bool {
    let Some((deny, dfa)) = deny.and_then(|d| Some((d, d.re.force().ok()?))) else {
        return false;
    };
    let cache = caches[deny.slot].get_or_insert_with(|| dfa.create_cache());
    let input = Input::new(hay)
        .span(at..we.max(at))
        .anchored(regex_automata::Anchored::Yes)
        .earliest(true);
    // An error (the DFA gave up) denies nothing: the value is reported.
    matches!(dfa.try_search_fwd(cache, &input), Ok(Some(_)))
}

/// How far an `at_keyword` check reads before it gives up and opens the
/// window. Checks are not merged as windows are, so without a small bound
/// a line of keywords would be read once per keyword (a 1 MB line of
/// `token token …` took 1.5 s with the bound at `max_len`).
const AT_KEYWORD_MAX: usize = 64;

/// False only if the `at_keyword` regex cannot match anchored at `at`: its
/// DFA dies before a match. Running out of input first (more may come), a
/// DFA error, or `max_len` bytes with no answer is a yes: the window opens.
fn may_match_at(
    re: &AnchoredDfa,
    caches: &mut [Option<regex_automata::hybrid::dfa::Cache>],
    hay: &[u8],
    at: usize,
    max_len: usize,
) -> bool {
    let Ok(dfa) = re.re.force() else {
        return true;
    };
    let cache = caches[re.slot].get_or_insert_with(|| dfa.create_cache());
    let input = Input::new(hay)
        .span(at..hay.len())
        .anchored(regex_automata::Anchored::Yes);
    let Ok(mut sid) = dfa.start_state_forward(cache, &input) else {
        return true;
    };
    for &b in &hay[at..hay.len().min(at.saturating_add(max_len))] {
        sid = match dfa.next_state(cache, sid, b) {
            Ok(s) => s,
            Err(_) => return true,
        };
        if sid.is_tagged() {
            // Match (entered one byte after the match ends), dead, quit:
            // only dead is a no.
            return !sid.is_dead();
        }
    }
    true
}

/// Word boundaries a rule asks for around one keyword: written `\b` at
/// either end of the keyword (`'token\b'`: a hit inside `tokens` opens no
/// window). A boundary holds where the neighbouring byte is not an ASCII
/// letter or digit (or is the edge of the input).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Bounds {
    left: bool,
    right: bool,
}

impl Bounds {
    #[inline]
    fn hold(self, hay: &[u8], ks: usize, ke: usize) -> bool {
        (!self.left || ks == 0 || !hay[ks - 1].is_ascii_alphanumeric())
            && (!self.right || ke >= hay.len() || !hay[ke].is_ascii_alphanumeric())
    }
}

/// Splits a keyword into its literal and the boundaries marked around it.
fn split_keyword(k: &str) -> (&str, Bounds) {
    let mut b = Bounds::default();
    let mut lit = k;
    if lit.len() > 4 {
        if let Some(rest) = lit.strip_prefix("\\b") {
            lit = rest;
            b.left = true;
        }
    }
    if lit.len() > 4 {
        if let Some(rest) = lit.strip_suffix("\\b") {
            lit = rest;
            b.right = true;
        }
    }
    (lit, b)
}

/// The search window around a keyword hit at `ks..ke`: back to the line start
/// (at most `LOOKBEHIND` bytes), forward to the line end (at most `max_len`);
/// multiline rules ignore line ends going forward.
fn window(hay: &[u8], ks: usize, ke: usize, max_len: usize, multiline: bool) -> (usize, usize) {
    let lo = ks.saturating_sub(LOOKBEHIND);
    let ws = match memchr::memrchr(b'\n', &hay[lo..ks]) {
        Some(p) => lo + p + 1,
        None => lo,
    };
    let hi = ke.saturating_add(max_len).min(hay.len());
    let we = if multiline {
        hi
    } else {
        match memchr::memchr(b'\n', &hay[ke..hi]) {
            Some(p) => ke + p,
            None => hi,
        }
    };
    (ws, we)
}

/// Compiles a pattern and resolves its secret group: the group given, else
/// the group named `secret`, else group 1 if there is one, else the whole
/// match. Group errors are prefixed `secret_group: `.
fn build_regex(pattern: &str, g: Option<&SecretGroup>) -> Result<Compiled, String> {
    let hir = parse(pattern)?;
    let re = compile_hir(&hir)?;
    let info = re.group_info();
    let pid = regex_automata::PatternID::ZERO;
    let n = info.group_len(pid);
    let group = match g {
        Some(SecretGroup::Index(i)) if *i < n => *i,
        Some(SecretGroup::Index(i)) => {
            return Err(format!(
                "secret_group: group {i} does not exist ({n} groups)"
            ))
        }
        Some(SecretGroup::Name(name)) => info
            .to_index(pid, name)
            .ok_or_else(|| format!("secret_group: no group named `{name}`"))?,
        None => info
            .to_index(pid, "secret")
            .unwrap_or(if n > 1 { 1 } else { 0 }),
    };
    // A secret group that always spans the whole match (`\b(ghp_…)\b`, a
    // PEM block) is reported as group 0: the scan then skips the capture
    // step, which costs far more than finding the match.
    let group = if group != 0 && group_is_whole_match(&hir, group) {
        0
    } else {
        group
    };
    let suffix = (group != 0)
        .then(|| SuffixGroup::new(&hir, group).map(Box::new))
        .flatten();
    Ok(Compiled { re, group, suffix })
}

/// True if the pattern is capture group `group`, alone or between
/// zero-width assertions (`\b`, `^`, `$`), so the group's span is the match's.
fn group_is_whole_match(hir: &regex_syntax::hir::Hir, group: usize) -> bool {
    use regex_syntax::hir::HirKind;
    let is_group = |h: &regex_syntax::hir::Hir| matches!(h.kind(), HirKind::Capture(c) if c.index as usize == group);
    match hir.kind() {
        HirKind::Capture(_) => is_group(hir),
        HirKind::Concat(parts) => {
            let mut rest = parts
                .iter()
                .filter(|h| !matches!(h.kind(), HirKind::Look(_)));
            matches!((rest.next(), rest.next()), (Some(h), None) if is_group(h))
        }
        _ => false,
    }
}

/// True if a whole line follows the line in which `at` lies.
fn complete_line_after(hay: &[u8], at: usize) -> bool {
    match memchr::memchr(b'\n', &hay[at..]) {
        Some(p) => memchr::memchr(b'\n', &hay[at + p + 1..]).is_some(),
        None => false,
    }
}

/// Post-match checks shared by regex and finder rules.
fn accept(rule: &Rule, hay: &[u8], s: usize, e: usize) -> bool {
    let secret = &hay[s..e];
    if validate::is_placeholder(secret) || validate::inside_marker(hay, s, e) {
        return false;
    }
    if let Some(min) = rule.spec.min_entropy {
        if validate::shannon_entropy(secret) < min {
            return false;
        }
    }
    if let Some(v) = rule.validator {
        if !v.check(secret) {
            return false;
        }
    }
    if !rule.stopwords.is_empty() {
        let lower = secret.to_ascii_lowercase();
        if rule
            .stopwords
            .iter()
            .any(|w| memchr::memmem::find(&lower, w).is_some())
        {
            return false;
        }
    }
    !rule
        .allow
        .iter()
        .filter_map(LazyRegex::get)
        .any(|(re, _)| re.is_match(secret))
}

/// True if the container `outer` may take the id of `inner`, a finding
/// inside it: `inner`'s rule is more specific and relabelling cannot weaken
/// how the span is treated (a personal-data rule or a lower severity would:
/// an IPv4 address inside a bearer token must not turn the token into an
/// IP address, which is not redacted by default).
fn takes_id_of(rules: &[Rule], outer: &Finding, inner: &Finding) -> bool {
    let (o, i) = (
        &rules[outer.rule.index()].spec,
        &rules[inner.rule.index()].spec,
    );
    i.specificity > o.specificity
        && (i.category == o.category || i.category == Category::Secret)
        && i.severity >= o.severity
}

/// Sorts findings and collapses containment: when one span contains another,
/// one finding remains, with the container's span and the more specific
/// rule's id (the container's on a tie, or when the inner rule would weaken
/// it: see [`takes_id_of`]). Partial overlaps are kept; the redactor merges
/// them.
fn resolve_overlaps(rules: &[Rule], found: &mut [Finding], out: &mut Vec<Finding>) {
    // Ties (same span, same specificity) go to the rule listed first, so the
    // reported rule never depends on what else the scan found.
    found.sort_unstable_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.rule.cmp(&b.rule))
    });
    for f in found.iter() {
        if let Some(last) = out.last_mut() {
            if f.start >= last.start && f.end <= last.end {
                if takes_id_of(rules, last, f) {
                    last.rule = f.rule;
                }
                continue;
            }
        }
        out.push(*f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(keywords: &str) -> RuleDb {
        let specs = crate::pack::parse_rule_file(
            "t.toml",
            &format!(
                r#"
[[rules]]
id = "t-word"
name = "test"
category = "secret"
severity = "high"
keywords = {keywords}
pattern = '(?i)\btokens?[=:]\s*([A-Za-z0-9]{{8,}})'
examples = ["token=abcdefgh12"]
"#
            ),
        )
        .unwrap();
        RuleDb::new(specs).unwrap()
    }

    fn count(db: &RuleDb, text: &str) -> usize {
        let mut out = Vec::new();
        db.scan(text.as_bytes(), &mut db.scratch(), &mut out);
        out.len()
    }

    #[test]
    fn warm_up_compiles_every_rule_and_builds_each_regex_cache() {
        let db = crate::pack::builtin().unwrap();
        assert_eq!(
            db.compiled_rules(),
            0,
            "built-in rules compile on first use"
        );
        let regex_rules: Vec<usize> = (0..db.inner.rules.len())
            .filter(|&i| matches!(db.inner.rules[i].matcher, Matcher::Regex(_)))
            .collect();
        let mut s = db.scratch();
        assert!(db.warm_up(&mut s).is_empty());
        assert_eq!(db.compiled_rules(), regex_rules.len());
        // Every rule's examples hold its keywords, so each regex has been
        // searched with this scratch: its lazy DFA cache exists.
        let cold: Vec<&str> = regex_rules
            .iter()
            .filter(|&&i| s.caches[i].is_none())
            .map(|&i| db.inner.rules[i].spec.id.as_str())
            .collect();
        assert!(cold.is_empty(), "not warmed: {cold:?}");
    }

    #[test]
    fn keyword_word_boundaries() {
        assert_eq!(split_keyword("token"), ("token", Bounds::default()));
        let both = Bounds {
            left: true,
            right: true,
        };
        assert_eq!(split_keyword(r"\btoken\b"), ("token", both));
        // Too short to carry a marker: taken literally.
        assert_eq!(split_keyword(r"a\b").0, r"a\b");
        let t = b"tokens token_x xtoken token";
        let b = Bounds {
            left: false,
            right: true,
        };
        let hits: Vec<bool> = [0usize, 7, 16, 22]
            .iter()
            .map(|&s| b.hold(t, s, s + 5))
            .collect();
        assert_eq!(hits, [false, true, true, true]);
        let l = Bounds {
            left: true,
            right: false,
        };
        assert!(!l.hold(t, 16, 21) && l.hold(t, 22, 27) && l.hold(t, 0, 5));
    }

    fn deny_db(extra: &str) -> Result<RuleDb, Error> {
        let specs = crate::pack::parse_rule_file(
            "t.toml",
            &format!(
                r#"
[[rules]]
id = "t-assign"
name = "test"
category = "secret"
severity = "high"
keywords = ["token"]
pattern = '(?:^|[^A-Za-z0-9_])(?i:[a-z_]*token)=(?P<secret>[^\s&]{{3,}})'
{extra}
examples = ["access_token=abcdefgh12"]
"#
            ),
        )
        .unwrap();
        RuleDb::new(specs)
    }

    fn spans(db: &RuleDb, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        db.scan(text.as_bytes(), &mut db.scratch(), &mut out);
        out.iter()
            .map(|f| text[f.start..f.end].to_string())
            .collect()
    }

    #[test]
    fn at_keyword_gates_windows_and_opens_them_when_it_cannot_tell() {
        let db = |at: &str, max_len: u32| {
            let specs = crate::pack::parse_rule_file(
                "t.toml",
                &format!(
                    r#"
[[rules]]
id = "t-at"
name = "test"
category = "secret"
severity = "high"
keywords = ["zqv"]
pattern = '(?i:zqv)(?:=x)?'
max_len = {max_len}
{at}
examples = ["zqv=x"]
"#
                ),
            )
            .unwrap();
            RuleDb::new(specs).unwrap()
        };
        let plain = db("", 64);
        let gated = db("at_keyword = '(?i:zqv)=x'", 64);
        let text = "zqv y\nZQV=xyz";
        assert_eq!(spans(&plain, text), ["zqv", "ZQV=x"]);
        // The first hit is followed by ` `: the regex dies there, so no
        // window opens on that line although the pattern matches `zqv`.
        // (A window spans its hit's line: another hit on the same line
        // would still have it searched.)
        assert_eq!(spans(&gated, text), ["ZQV=x"]);
        // The input ends before the regex can tell (a streamed chunk cut
        // after the keyword, or `=` with the `x` still to come): the
        // window opens.
        assert_eq!(spans(&gated, "a zqv"), ["zqv"]);
        assert_eq!(spans(&gated, "a zqv="), ["zqv"]);
        assert_eq!(spans(&gated, "a zqv=y"), Vec::<String>::new());
        // `max_len` bytes without an answer: the window opens.
        let long = db("at_keyword = '(?i:zqv) *=x'", 8);
        assert_eq!(spans(&long, "zqv     !"), ["zqv"]);
        assert_eq!(spans(&long, "zqv    !"), Vec::<String>::new());
        // Nor does a check read past `AT_KEYWORD_MAX` bytes when `max_len`
        // is larger (a line of keywords is not read once per keyword).
        let capped = db("at_keyword = '(?i:zqv) *=x'", 4096);
        let far = format!("zqv{}!", " ".repeat(AT_KEYWORD_MAX));
        let near = format!("zqv{}!", " ".repeat(AT_KEYWORD_MAX - 4));
        assert_eq!(spans(&capped, &far), ["zqv"]);
        assert_eq!(spans(&capped, &near), Vec::<String>::new());
    }

    /// `at_keyword` only skips work: on every built-in rule that has one,
    /// findings are those of the same rule without it, on its examples and
    /// negatives, in context, and with every byte deleted, doubled or
    /// replaced by a separator, quote or line end (texts near the edge of
    /// what the pattern accepts).
    #[test]
    fn at_keyword_never_changes_a_built_in_rules_findings() {
        let mut rules = 0;
        for spec in crate::pack::builtin_specs().unwrap() {
            if spec.at_keyword.is_none() {
                continue;
            }
            rules += 1;
            let gated = RuleDb::new(vec![spec.clone()]).unwrap();
            let plain = RuleDb::new(vec![RuleSpec {
                at_keyword: None,
                ..spec.clone()
            }])
            .unwrap();
            let (mut sg, mut sp) = (gated.scratch(), plain.scratch());
            let (mut fg, mut fp) = (Vec::new(), Vec::new());
            let mut check = |hay: &[u8]| {
                gated.scan_all(hay, &mut sg, &mut fg);
                plain.scan_all(hay, &mut sp, &mut fp);
                assert_eq!(fg, fp, "{} on {:?}", spec.id, String::from_utf8_lossy(hay));
            };
            for text in spec.examples.iter().chain(&spec.negatives) {
                for hay in [text.clone(), format!("x {text}\n{text}; \"{text}\"")] {
                    let hay = hay.as_bytes();
                    check(hay);
                    for i in 0..hay.len() {
                        let mut v = hay.to_vec();
                        v.remove(i);
                        check(&v);
                        v.insert(i, hay[i]);
                        v.insert(i, hay[i]);
                        check(&v);
                        for b in [b' ', b'=', b'"', b'\n'] {
                            let mut v = hay.to_vec();
                            v[i] = b;
                            check(&v);
                        }
                    }
                }
            }
        }
        assert!(rules >= 20, "{rules} rules have at_keyword");
    }

    #[test]
    fn at_keyword_problems_name_the_field() {
        let err = deny_db("at_keyword = '(unclosed'").unwrap_err().to_string();
        assert!(err.contains("at_keyword"), "{err}");
        let specs = crate::pack::parse_rule_file(
            "t.toml",
            r#"
[[rules]]
id = "t-finder"
name = "test"
category = "pii"
severity = "low"
finder = "email"
at_keyword = '='
examples = ["a@example.com"]
"#,
        )
        .unwrap();
        let err = RuleDb::new(specs).unwrap_err().to_string();
        assert!(
            err.contains("at_keyword") && err.contains("needs `keywords`"),
            "{err}"
        );
    }

    #[test]
    fn deny_value_and_deny_key_drop_matches_anchored_where_they_start() {
        let plain = deny_db("").unwrap();
        let deny = deny_db(
            "deny_value = '[0-9]+(?:[&\\s]|$)|(?i:required|none)\\b'\ndeny_key = '(?:^|[^A-Za-z0-9_])(?i:next_page_token|csrf_token)='",
        )
        .unwrap();
        let text = "access_token=abcdefgh12&next_page_token=Zm9vYmFyYmF6&csrf_token=q8Wz9mN3vLp \
                    token=required id_token=12345 auth_token=12345abc refresh_token=none2go";
        assert_eq!(
            spans(&plain, text),
            [
                "abcdefgh12",
                "Zm9vYmFyYmF6",
                "q8Wz9mN3vLp",
                "required",
                "12345",
                "12345abc",
                "none2go"
            ]
        );
        // Deny regexes are anchored: `12345abc` starts like a number and
        // `none2go` like a status word, but neither regex matches there
        // as a whole; `required` and `12345` are dropped, and so are the
        // values of the two denied keys.
        assert_eq!(spans(&deny, text), ["abcdefgh12", "12345abc", "none2go"]);
    }

    /// Every built-in rule whose secret ends its pattern: on its examples
    /// and negatives, alone and with text around them, the group start the
    /// scan computes without the capture engine is the capture engine's
    /// whenever it gives one.
    #[test]
    fn suffix_group_starts_agree_with_the_capture_engine_on_every_rule() {
        let (mut shaped, mut answered, mut declined) = (0, 0, 0);
        for spec in crate::pack::builtin_specs().unwrap() {
            let Some(p) = &spec.pattern else { continue };
            let c = build_regex(p, spec.secret_group.as_ref()).unwrap();
            if c.suffix.is_none() {
                continue;
            }
            // The same shape, checking the other branches from the first match.
            let sg = SuffixGroup::new(&parse(p).unwrap(), c.group).unwrap().hot();
            let mut cache = [None, None];
            shaped += 1;
            let mut caps = c.re.create_captures();
            for text in spec.examples.iter().chain(&spec.negatives) {
                for hay in [
                    text.clone(),
                    format!("x= {text}\n"),
                    format!("{text}=:{text} '{text}'"),
                ] {
                    let hay = hay.as_bytes();
                    let mut at = 0;
                    while at <= hay.len() {
                        c.re.search_captures(&Input::new(hay).range(at..), &mut caps);
                        let Some(m) = caps.get_match() else { break };
                        let g = caps.get_group(c.group).map(|g| (g.start, g.end));
                        if !sg.needs_start() {
                            if let Some(q) = sg.unique_span(hay, at, m.end()) {
                                assert_eq!(Some(q), g, "{} on {:?} from {at}", spec.id, text);
                            }
                        }
                        match sg.span(hay, m.start(), m.end(), &mut cache) {
                            Some(s) => {
                                assert_eq!(Some(s), g, "{} on {:?}", spec.id, text);
                                answered += 1;
                            }
                            None => declined += 1,
                        }
                        at = m.end().max(m.start() + 1);
                    }
                }
            }
        }
        // The shortcut must be in use, and mostly answer.
        assert!(shaped >= 40, "{shaped} rules have the shape");
        assert!(
            answered > 4 * declined,
            "{answered} answered, {declined} declined"
        );
    }

    #[test]
    fn a_group_that_spans_the_whole_match_is_scanned_as_group_0() {
        let whole = |p: &str, g| group_is_whole_match(&parse(p).unwrap(), g);
        assert!(whole(r"\b(ghp_[A-Za-z0-9]{36})\b", 1));
        assert!(whole(r"(?x) ^ (?P<secret>-----BEGIN[^\n]+) $", 1));
        assert!(!whole(r"token=([a-z]+)", 1));
        assert!(!whole(r"(a)(b)", 1));
        assert!(!whole(r"(?:(a)|b)", 1));
        assert!(!whole(r"(a)", 2));
        // Same findings either way.
        let g = build_regex(r"\b(ghp_[A-Za-z0-9]{8})\b", None)
            .unwrap()
            .group;
        assert_eq!(g, 0);
        let g = build_regex(r"key=(?P<secret>[a-z]{8})\b", None)
            .unwrap()
            .group;
        assert_eq!(g, 1);
    }

    #[test]
    fn a_deny_regex_that_does_not_compile_names_its_field() {
        let err = deny_db("deny_value = '(unclosed'").unwrap_err().to_string();
        assert!(err.contains("deny_value"), "{err}");
        let err = deny_db("deny_key = '[z-a]'").unwrap_err().to_string();
        assert!(err.contains("deny_key"), "{err}");
    }

    /// Two rules, `t-a` and `t-b`, with the same keyword and the given deny
    /// regexes (`deny_value`, `deny_key`).
    fn twin_db(deny: [&str; 2]) -> Result<RuleDb, Error> {
        let rule = |id: &str, key: &str| {
            format!(
                r#"
[[rules]]
id = "{id}"
name = "test"
category = "secret"
severity = "high"
keywords = ["{key}"]
pattern = '(?:^|[^A-Za-z0-9_])(?i:[a-z_]*{key})=(?P<secret>[^\s&]{{3,}})'
deny_value = '{}'
deny_key = '{}'
examples = ["x_{key}=abcdefgh12"]
"#,
                deny[0], deny[1]
            )
        };
        let text = rule("t-a", "token") + &rule("t-b", "secret");
        RuleDb::new(crate::pack::parse_rule_file("t.toml", &text).unwrap())
    }

    #[test]
    fn rules_sharing_a_deny_regex_share_it_and_each_keeps_its_own_findings() {
        let db = twin_db(["(?i:none|changeme)\\b", "(?:^|[^a-z])next_"]).unwrap();
        assert_eq!(db.inner.deny_slots, 2, "one slot per distinct regex");
        let text = "a_token=none b_secret=changeme c_token=tok3nvalue d_secret=s3cretvalue \
                    next_token=pagecursor1 next_secret=pagecursor2";
        assert_eq!(spans(&db, text), ["tok3nvalue", "s3cretvalue"]);
        let mut found = Vec::new();
        db.scan(text.as_bytes(), &mut db.scratch(), &mut found);
        let ids: Vec<&str> = found.iter().map(|f| db.rule(f.rule).id()).collect();
        assert_eq!(ids, ["t-a", "t-b"]);
        // A bad shared regex is reported for every user rule that has it.
        let err = twin_db(["(unclosed", "x"]).unwrap_err().to_string();
        assert!(err.contains("`t-a`") && err.contains("`t-b`"), "{err}");
        assert_eq!(err.matches("deny_value").count(), 2, "{err}");
    }

    #[test]
    fn a_bounded_keyword_opens_no_window_inside_a_word() {
        // The same rule finds the secret with a plain or a bounded keyword…
        for kw in [r"['token']", r"['token\b']", r"['\btoken\b']"] {
            assert_eq!(count(&db(kw), "x token=abcdefgh12 y"), 1, "{kw}");
        }
        // …but a bounded keyword skips hits inside longer words: the pattern
        // would match `tokens=…`, yet with `token\b` no window opens there.
        assert_eq!(count(&db(r"['token']"), "tokens=abcdefgh12"), 1);
        assert_eq!(count(&db(r"['token\b']"), "tokens=abcdefgh12"), 0);
        assert_eq!(count(&db(r"['token\b']"), "token=abcdefgh12"), 1);
    }
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    /// Both ways of sharing a scan between threads (by stage, by text) and
    /// their mixes find what one thread finds, hold included.
    #[test]
    fn parallel_scans_by_stage_and_by_text_find_the_same() {
        let db = crate::pack::builtin().unwrap();
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&match i % 5 {
                0 => format!(
                    "{i} token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678{}\n",
                    i % 10
                ),
                1 => format!("{i} mail bob{i}@acme.io from 10.0.{}.7\n", i % 250),
                2 => format!(
                    "{i} card 4111 1111 1111 1111 phone +1 415 555 0{:03}\n",
                    i % 1000
                ),
                3 => format!("{i} Authorization: Bearer abcdefghijklmnop{i:04}qrstuv\n"),
                _ => format!("{i} nothing to see here, password: hunter{i:03}x\n"),
            });
        }
        text.push_str("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx");
        let hay = text.as_bytes();
        let mut one = Vec::new();
        let mut s = db.scratch();
        db.scan(hay, &mut s, &mut one);
        assert!(one.len() > 500, "{}", one.len());
        let hold = s.hold_from();
        assert!(hold.is_some(), "the cut PEM block holds the text");
        for threads in 2..=5 {
            for (stage_ns, what) in [(None, "by stage"), (Some([1.0, 2.0]), "by text")] {
                for min_segment in [1000, 8000] {
                    let mut scratches: Vec<_> = (0..threads).map(|_| db.scratch()).collect();
                    scratches[0].stage_ns = stage_ns;
                    let mut par = Vec::new();
                    db.scan_parallel_segments(hay, &mut scratches, &mut par, min_segment);
                    let why = format!("{threads} threads {what}, segments of {min_segment}");
                    assert_eq!(par, one, "{why}");
                    assert_eq!(scratches[0].hold_from(), hold, "{why}");
                    assert!(scratches[0].stage_ns.is_some(), "{why}: stage times kept");
                }
            }
        }
    }

    #[test]
    fn rules_below_the_minimum_severity_are_not_run() {
        let db = crate::pack::builtin().unwrap();
        let t = "from 10.0.0.7 token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 by bob@acme.io";
        let ids = |db: &RuleDb| {
            let mut out = Vec::new();
            db.scan(t.as_bytes(), &mut db.scratch(), &mut out);
            out.iter()
                .map(|f| db.rule(f.rule).id().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&db), ["ipv4", "github-pat", "email"]);
        let low = db.run_from(Severity::Low);
        assert_eq!(ids(&low), ["github-pat", "email"]);
        assert_eq!(ids(&low.without_extensions()), ["github-pat", "email"]);
        assert_eq!(ids(&db.run_from(Severity::Critical)), ["github-pat"]);
    }

    /// Found by the redaction property test: an IPv4 address inside a
    /// bearer token glued to a URL took over the token's span, and the
    /// token, not being an IP address, was left in clear.
    #[test]
    fn a_finding_inside_a_secret_never_weakens_it() {
        let db = crate::pack::builtin().unwrap();
        let t = " Authorization: Bearer v4hEjYPi9mxYTH9z3osO1LSKBpYoygbJ==postgres://u:axEcKUr2AnFe7hwNay@10.0.0.7/orders INFO";
        let mut out = Vec::new();
        db.scan(t.as_bytes(), &mut db.scratch(), &mut out);
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|f| (db.rule(f.rule).id(), &t[f.start..f.end]))
            .collect();
        assert_eq!(
            got,
            [(
                "http-bearer",
                "v4hEjYPi9mxYTH9z3osO1LSKBpYoygbJ==postgres://u:axEcKUr2AnFe7hwNay@10.0.0.7/orders"
            )]
        );
        // A more specific secret inside still names the finding.
        let t = "Authorization: Bearer ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        db.scan(t.as_bytes(), &mut db.scratch(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(db.rule(out[0].rule).id(), "github-pat");
    }

    #[test]
    fn rules_whose_every_match_holds_a_keyword_can_tell_a_finished_match() {
        let db = crate::pack::builtin().unwrap();
        let has = |id: &str| Partial::build(&db.rule(db.lookup(id).unwrap()).spec).is_some();
        for id in [
            "env-name-value-secret-yaml",
            "cli-netrc-password",
            "http-raw-headers-array",
            // Keywords with spaces: the literals are read whole.
            "pem-rsa-private-key",
            "openssh-private-key",
            "pgp-private-key-block",
            "pem-private-key-fragment",
        ] {
            assert!(has(id), "{id}");
        }
        // Matches after the keyword (the `data:` lines of a kubectl secret,
        // the values under `unseal_keys_b64`) keep the old hold.
        for id in [
            "kubectl-secret-data",
            "vault-unseal-keys-json",
            "jwk-private-key",
        ] {
            assert!(!has(id), "{id}");
        }
    }

    /// A PEM block cut across two texts, a whole one, and one cut by the
    /// end of the input.
    fn pem_texts() -> Vec<String> {
        let body = "MIIEowIBAAKCAQEAx3b9Qm1vT0pLk2WcYzN5dR8sJ4hFqEaB7uKxGtVnP0iLoZ6y\n\
                    c2VjcmV0LWtleS1ib2R5LWZvci10ZXN0cy1vbmx5LW5vdC1yZWFsLWF0LWFsbAo1\n\
                    ZmFrZWtleWRhdGFmYWtla2V5ZGF0YWZha2VrZXlkYXRhZmFrZWtleWRhdGFmYWtl\n";
        vec![
            "worker started\n-----BEGIN RSA PRIVATE KEY-----\n".to_string(),
            format!("{body}-----END RSA PRIVATE KEY-----\nmail bob@acme.io\n"),
            format!("key:\n-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\ntoken=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n"),
            format!("tail\n-----BEGIN RSA PRIVATE KEY-----\n{}", &body[..70]),
        ]
    }

    /// Each text scanned alone, findings shifted to where it sits in the
    /// concatenation; and the last text's hold.
    fn one_by_one(db: &RuleDb, texts: &[String]) -> (Vec<Finding>, Option<usize>) {
        let (mut all, mut hold, mut at) = (Vec::new(), None, 0);
        let mut s = db.scratch();
        for t in texts {
            let mut out = Vec::new();
            db.scan(t.as_bytes(), &mut s, &mut out);
            all.extend(out.iter().map(|f| Finding {
                start: f.start + at,
                end: f.end + at,
                rule: f.rule,
            }));
            hold = s.hold_from().map(|h| h + at);
            at += t.len();
        }
        (all, hold)
    }

    #[test]
    fn a_segmented_scan_finds_what_each_text_alone_finds() {
        let db = crate::pack::builtin().unwrap();
        let texts = pem_texts();
        let hay = texts.concat();
        let ends: Vec<usize> = texts
            .iter()
            .scan(0, |at, t| {
                *at += t.len();
                Some(*at)
            })
            .collect();
        let (want, hold) = one_by_one(&db, &texts);
        let mut s = db.scratch();
        let mut got = Vec::new();
        db.scan_segmented(hay.as_bytes(), &ends, &mut s, &mut got);
        assert_eq!(got, want);
        assert_eq!(s.hold_from(), hold);
        assert!(
            hold.is_some_and(|h| h > ends[2]),
            "the cut block at the end holds"
        );
        // The block cut across the first two texts is no key (each text
        // alone holds half of it); scanned as one text, it is.
        let pem_in_first = |fs: &[Finding]| {
            fs.iter()
                .any(|f| f.start < ends[0] && db.rule(f.rule).id().starts_with("pem-"))
        };
        assert!(!pem_in_first(&got));
        assert!(got
            .iter()
            .any(|f| db.rule(f.rule).id() == "pem-rsa-private-key"));
        let mut plain = Vec::new();
        db.scan(hay.as_bytes(), &mut s, &mut plain);
        assert!(pem_in_first(&plain));
        // A block cut by a text's end that is not the last holds nothing.
        let swapped = [texts[3].clone(), texts[2].clone()];
        let ends = [swapped[0].len(), swapped[0].len() + swapped[1].len()];
        db.scan_segmented(swapped.concat().as_bytes(), &ends, &mut s, &mut got);
        assert_eq!(s.hold_from(), None);
        assert_eq!(got, one_by_one(&db, &swapped).0);
    }

    #[test]
    fn a_pair_of_threads_finds_what_one_thread_finds() {
        let db = crate::pack::builtin().unwrap();
        // Over PAR_MIN_PAIR: many texts, PEM blocks cut across texts and
        // at the end, secrets and PII between.
        let mut texts = Vec::new();
        for i in 0..160 {
            let mut t = pem_texts();
            t.push(format!(
                "req {i} from 10.0.{}.{} user u{i}@acme.io token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567{:02}\n",
                i % 7,
                i % 200,
                i % 100
            ));
            t.rotate_left(i % 5);
            // A text that starts with a block right after one that ends in
            // an open block: windows of one rule meet at the texts' edge.
            let p = pem_texts();
            t.push(p[3].clone() + "\n");
            t.push(p[2].strip_prefix("key:\n").unwrap().to_string());
            texts.extend(t);
        }
        texts.push(pem_texts()[3].clone());
        let hay = texts.concat();
        assert!(hay.len() > PAR_MIN_PAIR);
        let ends: Vec<usize> = texts
            .iter()
            .scan(0, |at, t| {
                *at += t.len();
                Some(*at)
            })
            .collect();
        let (mut a, mut b, mut one) = (db.scratch(), db.scratch(), db.scratch());
        let (mut got, mut want) = (Vec::new(), Vec::new());
        for ends in [&ends[..], &[]] {
            db.scan_segmented(hay.as_bytes(), ends, &mut one, &mut want);
            // Twice: the second time with warm caches and stage times.
            for _ in 0..2 {
                db.scan_segmented_pair(hay.as_bytes(), ends, &mut a, &mut b, &mut got);
                assert!(
                    got == want,
                    "{} texts: {} findings against {}",
                    ends.len(),
                    got.len(),
                    want.len()
                );
                assert_eq!(a.hold_from(), one.hold_from());
            }
            assert!(want.len() > 500, "{}", want.len());
        }
        assert!(one.hold_from().is_some(), "the last text ends in a block");
        // A small input is scanned on the calling thread, the same way.
        let small = texts[..8].concat();
        db.scan_segmented(small.as_bytes(), &ends[..8], &mut one, &mut want);
        db.scan_segmented_pair(small.as_bytes(), &ends[..8], &mut a, &mut b, &mut got);
        assert_eq!(got, want);
    }

    #[test]
    fn extensions_see_how_many_texts_a_scan_reads_and_inner_scans_are_whole() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        #[derive(Debug, Default)]
        struct Probe {
            texts: AtomicUsize,
            inner: AtomicUsize,
        }
        impl crate::Extension for Probe {
            fn find(&self, db: &RuleDb, hay: &[u8], scratch: &mut Scratch, _: &mut Vec<Finding>) {
                if self.texts.load(Ordering::Relaxed) != 0 {
                    return; // the inner scan below
                }
                self.texts.store(scratch.texts(), Ordering::Relaxed);
                // An inner scan of the whole input: a PEM block across the
                // outer scan's texts is one text here.
                let mut inner = Vec::new();
                db.scan(hay, scratch, &mut inner);
                let pem = inner
                    .iter()
                    .filter(|f| db.rule(f.rule).id().contains("pem"));
                self.inner.store(pem.count(), Ordering::Relaxed);
            }
        }
        let probe = std::sync::Arc::new(Probe::default());
        let db = crate::pack::builtin()
            .unwrap()
            .with_extension(probe.clone());
        let mut texts = pem_texts();
        // Long enough for a pair of threads.
        texts[1].push_str(&"filler line of a log\n".repeat(PAR_MIN_PAIR / 20));
        let hay = texts.concat();
        let ends = [texts[0].len(), hay.len()];
        // What a plain scan of the whole input finds (the block across
        // the two texts included).
        let plain = crate::pack::builtin().unwrap();
        let mut whole = Vec::new();
        plain.scan(hay.as_bytes(), &mut plain.scratch(), &mut whole);
        let pem = whole
            .iter()
            .filter(|f| plain.rule(f.rule).id().contains("pem"))
            .count();
        assert!(pem > 0);
        for pair in [false, true] {
            probe.texts.store(0, Ordering::Relaxed);
            probe.inner.store(0, Ordering::Relaxed);
            let (mut s, mut b, mut out) = (db.scratch(), db.scratch(), Vec::new());
            if pair {
                db.scan_segmented_pair(hay.as_bytes(), &ends, &mut s, &mut b, &mut out);
            } else {
                db.scan_segmented(hay.as_bytes(), &ends, &mut s, &mut out);
            }
            assert_eq!(probe.texts.load(Ordering::Relaxed), 2, "pair: {pair}");
            assert_eq!(probe.inner.load(Ordering::Relaxed), pem, "pair: {pair}");
            assert_eq!((s.texts(), b.texts()), (1, 1), "outside a scan");
        }
    }

    fn hold(text: &str) -> Option<usize> {
        let db = crate::pack::builtin().unwrap();
        let mut s = db.scratch();
        let mut out = Vec::new();
        db.scan(text.as_bytes(), &mut s, &mut out);
        s.hold_from()
    }

    #[test]
    fn a_window_holds_the_text_only_while_its_match_may_go_on() {
        // Finished lines: no match through the keyword can continue.
        assert_eq!(
            hold("12:00 INFO db password=Hunter2Hunter2x rotated\n"),
            None
        );
        assert_eq!(hold("12:00 token refreshed for svc-a\n"), None);
        assert_eq!(
            hold("send ['Authorization: Bearer abcdef0123456789abcdef0123'] ok\n"),
            None
        );
        assert_eq!(hold("machine example.com login bob\n"), Some(0));
        // The value of a YAML pair may be on the next line.
        let t = "ok\n  - name: DB_PASSWORD\n";
        assert_eq!(hold(t), Some(t.find("  - name").unwrap()));
        // Node's rawHeaders: a name, its value on the next line.
        let t = "x\n  rawHeaders: [\n  'authorization',\n";
        assert_eq!(hold(t), Some(t.find("  'auth").unwrap()));
        assert_eq!(hold("x\n  'authorization' header missing\n"), None);
        // A private key: held while it is open, handed on once its END
        // line is in (no line after it needed: nothing can follow).
        assert_eq!(hold("a\n-----BEGIN RSA PRIVATE KEY-----\n"), Some(2));
        let t = "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA";
        assert_eq!(hold(t), Some(2), "a line still coming");
        // A 16-byte line cannot start a key body (the rules want a run of
        // 32): no key can come of it.
        assert_eq!(hold(&format!("{t}\n")), None);
        let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n";
        let open = format!("a\n-----BEGIN RSA PRIVATE KEY-----\n{body}{body}");
        assert_eq!(hold(&open), Some(2));
        assert_eq!(
            hold(&format!("{open}-----END RSA PRIVATE KEY-----\n")),
            None
        );
        assert_eq!(
            hold(&format!("{open}-----END RSA PRIV")),
            Some(2),
            "the END line is not whole yet"
        );
        let t = format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{body}");
        assert_eq!(hold(&t), Some(0));
        assert_eq!(
            hold(&format!("{t}-----END OPENSSH PRIVATE KEY-----\n")),
            None
        );
        // A key fragment's run of base64 goes on over blank lines: a
        // finding with a line after it does not settle a rule whose regex
        // can still go on.
        let t = format!("-----BEGIN RSA PRIVATE KEY-----\n    value: x\n{body}\n");
        assert_eq!(hold(&t), Some(0));
        // Rules whose matches go on past their keyword hold as before.
        let t = "apiVersion: v1\ndata:\n  password: aGVsbG8=\n";
        assert!(hold(t).is_some());
    }
}
