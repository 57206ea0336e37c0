//! Import of gitleaks-format (v8) rule files.
//!
//! Teams keep custom gitleaks rules; stanch converts them into its own
//! [`RuleSpec`]s so one config feeds both tools. The conversion keeps
//! gitleaks' meaning wherever stanch can express it, and says so (a warning, or
//! a [`Problem`] that refuses the file) wherever it cannot.
//!
//! | gitleaks                      | stanch                                                                 |
//! |-------------------------------|------------------------------------------------------------------------|
//! | `id`                          | `id`, normalized: lowercase, runs of other characters become `-`       |
//! | `description`                 | `name` (the original id when empty)                                    |
//! | `regex` (Go RE2)              | `pattern`, translated (see below)                                      |
//! | `secretGroup`                 | `secret_group`, always explicit (see below)                            |
//! | `entropy`                     | `min_entropy` (0 = off, as in gitleaks)                                |
//! | `keywords`                    | `keywords`, lowercased, plus literals derived from the regex if needed |
//! | allowlist `regexes`, `stopwords` | `allow_regexes`, `allow_stopwords` (see "Allowlists")             |
//! | `path`, `paths`, `commits`    | nothing: stanch scans text streams, which have no path or commit       |
//! | `tags`                        | dropped (metadata only)                                                |
//!
//! Every imported rule is `category = "secret"`, `severity = "high"` (gitleaks
//! has no severity), `imported = true`, `references = ["gitleaks-import"]`, and
//! has no examples. Its `specificity` is `provider` when every match starts
//! with a known literal (`ghp_…`), else `generic`.
//!
//! ## Regex dialect
//!
//! gitleaks compiles Go RE2 syntax; stanch compiles the Rust `regex` dialect over
//! bytes with Unicode off. The two agree on almost everything gitleaks rules
//! use. The translation handles the differences: `\Q…\E` quoting (not in Rust)
//! becomes escaped literals; a `{` that does not start a repetition (`a{,5}`,
//! a literal in Go) is escaped; octal escapes (`\101`) become `\x{41}`;
//! `\p{^Greek}` becomes `\P{Greek}`; inside classes `[`, `&&`, `~~` are escaped
//! (they are literals in Go but class operators in Rust). A pattern that holds
//! non-ASCII text, a `\p{…}` class or a `\x` escape above 0x7F is compiled with
//! Unicode on (`(?u)` prefix), with `\d`, `\w`, `\s`, `\b` rewritten to their
//! ASCII forms because they are ASCII-only in Go as well. Remaining
//! differences: on non-ASCII input `.` counts bytes in ASCII patterns where Go
//! counts characters, and `(?i)` folds ASCII only in ASCII patterns.
//!
//! ## Secret group
//!
//! gitleaks reports capture group `secretGroup` when it is set and positive;
//! otherwise, when the regex has groups, the *first non-empty* group of the
//! match, else the whole match. stanch reports one fixed group. So with
//! `secretGroup` unset: no groups gives group 0; group 1 gives group 1 when
//! every match sets it to a non-empty span (the usual `prefix(secret)suffix`);
//! otherwise (group 1 optional or in an alternation) the rule reports the whole
//! match, a superset of what gitleaks reports, and a warning says so.
//!
//! ## Keywords and windows
//!
//! gitleaks runs a rule when one of its keywords occurs anywhere in the file;
//! stanch runs the regex only near a keyword: the keyword's line, from at most
//! 256 bytes before it. The two agree when every match contains a keyword.
//! The importer derives the literals every match must contain from the regex
//! (prefix literals of each required part, at least 3 bytes each); when they
//! cannot show that the user's keywords occur in every match, the derived
//! literals are added. A rule with no keywords gets the derived literals, or
//! is refused (`keywords`: "no keyword given and none can be derived…").
//! A regex that can match a line feed (`\s`, `[^"]`, `(?s).`) becomes
//! `multiline`, since gitleaks matches across lines too; a regex whose longest
//! match is over 4096 bytes gets that `max_len` (at most 65536).
//!
//! ## What is skipped, with a warning (see [`Conversion::warnings`])
//!
//! - `path`-only rules (file-name detectors): a text stream has no file name.
//!   Rules with `path` and `regex` keep the regex and apply it everywhere.
//! - rules with neither `regex` nor `path` in a config with
//!   `[extend] useDefault = true` (they amend gitleaks' default rules, which
//!   stanch does not import; stanch's built-in rules apply instead).
//! - `skipReport = true` rules (auxiliary parts of composite rules); the
//!   `[[rules.required]]` condition of composite rules (the primary rule alone
//!   is imported, so it reports more, never less).
//! - allowlist parts stanch cannot apply: `AND` allowlists that combine
//!   regexes with stopwords (or need a path or commit, so never fire on a
//!   stream), and regexes with `regexTarget = "line"` or `"match"` (unless the
//!   rule reports its whole match). Not applying an allowlist reports more,
//!   never less. [`convert_full`] returns every allowlist so an engine hook
//!   can apply the rest later. (`paths` and `commits` of `OR` allowlists are
//!   dropped silently: they never match a stream, as with `gitleaks stdin`.)
//!
//! `[extend] path`/`url` (another config file) are refused: merge the files,
//! or list the extended file as a rule file of its own.
//!
//! ## Allowlists
//!
//! gitleaks drops a finding when any allowlist of its rule, or any global one
//! (`targetRules`: only those rules), allows it. An `OR` allowlist allows when
//! one of its regexes is found in the secret or the secret contains one of its
//! stopwords (case-insensitive): exactly what `allow_regexes` and
//! `allow_stopwords` do, so those lists are the union of the applicable
//! allowlists. Global allowlists are applied to the rules of the same file only.
//!
//! ## Other differences
//!
//! - gitleaks keeps a secret whose entropy *exceeds* `entropy`; stanch keeps one
//!   that reaches `min_entropy`: a secret exactly at the threshold is reported.
//! - stanch's placeholder filter (`${VAR}`, `changeme`, `xxxx`…) applies to
//!   imported rules too.
//! - gitleaks' `gitleaks:allow` line comment is not honoured.
//! - A match whose start lies more than 256 bytes before its keyword (a long
//!   unbounded prefix such as `.*token`) is found from the window start instead.

use crate::rule::{Category, RuleSpec, SecretGroup, Severity, Specificity, MAX_RULE_LEN};
use crate::{Error, Problem};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::collections::{BTreeMap, HashMap};
use toml::{Table, Value};

/// Marker in `references` of every imported rule.
pub const IMPORT_MARKER: &str = "gitleaks-import";

/// Shortest literal the importer derives as a keyword.
const MIN_DERIVED_KEYWORD: usize = 3;
/// Longest derived keyword (a prefix of a required literal is required too).
const MAX_DERIVED_KEYWORD: usize = 32;
/// Most derived keywords per rule.
const MAX_DERIVED_KEYWORDS: usize = 64;
/// The `rule` of problems and warnings about the file's top level.
pub const GLOBAL: &str = "(global)";

/// True when the TOML text looks like a gitleaks config rather than a stanch
/// rule file: some `[[rules]]` entry has a gitleaks field (`regex`,
/// `secretGroup`, `entropy`, `path`, `allowlist(s)`), or the file has a
/// top-level `title`, `description`, `minVersion`, `extend` or `allowlist(s)`.
/// A file whose rules use stanch fields (`pattern`, `finder`, `category`,
/// `severity`, `examples`…) is never gitleaks; neither is text that is not TOML
/// (the stanch parser then reports the syntax error).
pub fn looks_like_gitleaks(text: &str) -> bool {
    let Ok(table) = text.parse::<Table>() else {
        return false;
    };
    const STANCH: &[&str] = &[
        "pattern",
        "finder",
        "category",
        "severity",
        "specificity",
        "examples",
        "negatives",
        "secret_group",
        "min_entropy",
        "validator",
        "name",
    ];
    const GITLEAKS_RULE: &[&str] = &[
        "regex",
        "secretgroup",
        "entropy",
        "path",
        "allowlist",
        "allowlists",
        "required",
        "skipreport",
        "description",
        "tags",
    ];
    const GITLEAKS_TOP: &[&str] = &[
        "title",
        "description",
        "minversion",
        "extend",
        "allowlist",
        "allowlists",
    ];
    let mut gitleaks = false;
    for (k, v) in &table {
        let k = k.to_ascii_lowercase();
        if GITLEAKS_TOP.contains(&k.as_str()) {
            gitleaks = true;
        }
        if k != "rules" {
            continue;
        }
        let Some(rules) = v.as_array() else { continue };
        for rule in rules.iter().filter_map(Value::as_table) {
            for key in rule.keys() {
                let key = key.to_ascii_lowercase();
                if STANCH.contains(&key.as_str()) {
                    return false;
                }
                if GITLEAKS_RULE.contains(&key.as_str()) {
                    gitleaks = true;
                }
            }
        }
    }
    gitleaks
}

/// Converts a gitleaks config into stanch rules. Warnings (skipped rules,
/// allowlist parts stanch cannot apply) are dropped; use [`convert_full`] to
/// show them.
pub fn convert(name: &str, text: &str) -> Result<Vec<RuleSpec>, Error> {
    convert_full(name, text).map(|c| c.specs)
}

/// The result of converting one gitleaks config.
#[derive(Clone, Debug)]
pub struct Conversion {
    /// The converted rules, in file order.
    pub specs: Vec<RuleSpec>,
    /// Every gitleaks allowlist that applies to each converted rule (the
    /// rule's own, then the global ones), keyed by stanch rule id, whether
    /// or not it could be applied through `allow_regexes`/`allow_stopwords`.
    pub allowlists: BTreeMap<String, Vec<GitleaksAllowlist>>,
    /// What the conversion skipped or could not keep. Not errors: the rules
    /// in `specs` are usable. `rule` is the gitleaks rule's original id.
    pub warnings: Vec<Problem>,
}

/// How an allowlist combines its checks (`condition`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Condition {
    /// Any check allows the finding (the default).
    #[default]
    Or,
    /// Every check present must allow the finding.
    And,
}

/// What an allowlist's `regexes` are matched against (`regexTarget`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RegexTarget {
    /// The secret (the reported group); the default.
    #[default]
    Secret,
    /// The whole regex match.
    Match,
    /// The whole line of the match.
    Line,
}

/// One gitleaks allowlist (`[rules.allowlist]`, `[[rules.allowlists]]`,
/// `[allowlist]` or `[[allowlists]]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GitleaksAllowlist {
    pub description: String,
    pub condition: Condition,
    pub target: RegexTarget,
    /// Translated to stanch's regex dialect (like rule regexes); each is
    /// searched (not anchored) in the target.
    pub regexes: Vec<String>,
    /// Lowercased; a secret containing one (case-insensitively) is allowed.
    pub stopwords: Vec<String>,
    /// File path regexes, as written. Never match a text stream.
    pub paths: Vec<String>,
    /// Commit SHAs, as written. Never match a text stream.
    pub commits: Vec<String>,
    /// Where it was written: `allowlist` (the older single table) or
    /// `allowlists[0]`, in its rule or at the top level (see `global`).
    pub label: String,
    /// From the file's top level rather than from a rule.
    pub global: bool,
    /// Fully applied through the rule's `allow_regexes`/`allow_stopwords`
    /// (an allowlist that can never fire on a stream also counts as applied).
    pub applied: bool,
}

/// Converts a gitleaks config, keeping warnings and allowlists.
///
/// Errors: [`Error::Parse`] when the text is not TOML or the file as a whole is
/// unusable (`[extend] path`); [`Error::Rules`] with one [`Problem`] per bad
/// field otherwise (file, rule id, gitleaks field name, reason).
pub fn convert_full(name: &str, text: &str) -> Result<Conversion, Error> {
    let table: Table = text.parse().map_err(|e: toml::de::Error| Error::Parse {
        file: name.to_string(),
        message: format!("not valid TOML: {e}"),
    })?;
    Converter::new(name).run(&table)
}

// ---------------------------------------------------------------------------
// TOML access (viper, which gitleaks uses, matches keys case-insensitively).

/// A table looked up by lowercase key.
struct Fields<'a> {
    map: HashMap<String, (&'a str, &'a Value)>,
}

impl<'a> Fields<'a> {
    fn new(t: &'a Table) -> Self {
        Fields {
            map: t
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), (k.as_str(), v)))
                .collect(),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).map(|(_, v)| *v)
    }

    /// Keys outside `known`, as written.
    fn unknown(&self, known: &[&str]) -> Vec<&'a str> {
        let mut v: Vec<&str> = self
            .map
            .iter()
            .filter(|(k, _)| !known.contains(&k.as_str()))
            .map(|(_, (orig, _))| *orig)
            .collect();
        v.sort_unstable();
        v
    }

    fn string(&self, key: &str) -> Result<Option<&'a str>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(v) => Err(format!("expected a string, found {}", v.type_str())),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<&'a str>, String> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.as_str()),
                    v => Err(format!("expected strings, found {}", v.type_str())),
                })
                .collect(),
            Some(v) => Err(format!(
                "expected an array of strings, found {}",
                v.type_str()
            )),
        }
    }

    fn bool(&self, key: &str) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(false),
            Some(Value::Boolean(b)) => Ok(*b),
            Some(v) => Err(format!("expected true or false, found {}", v.type_str())),
        }
    }

    /// `[x]` (one table) or `[[x]]` (an array of tables).
    fn tables(&self, key: &str) -> Result<Vec<&'a Table>, String> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Table(t)) => Ok(vec![t]),
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_table()
                        .ok_or_else(|| format!("expected tables, found {}", v.type_str()))
                })
                .collect(),
            Some(v) => Err(format!("expected a table, found {}", v.type_str())),
        }
    }
}

const RULE_KEYS: &[&str] = &[
    "id",
    "description",
    "regex",
    "secretgroup",
    "entropy",
    "keywords",
    "path",
    "tags",
    "allowlist",
    "allowlists",
    "required",
    "skipreport",
];
const ALLOWLIST_KEYS: &[&str] = &[
    "description",
    "condition",
    "commits",
    "paths",
    "regextarget",
    "regexes",
    "stopwords",
];
const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "minversion",
    "extend",
    "rules",
    "allowlist",
    "allowlists",
];
const EXTEND_KEYS: &[&str] = &["path", "url", "usedefault", "disabledrules"];

// ---------------------------------------------------------------------------
// The conversion.

/// A rule converted so far, before allowlists are applied.
struct Pending {
    /// The gitleaks id as written.
    orig_id: String,
    spec: RuleSpec,
    allowlists: Vec<GitleaksAllowlist>,
}

struct Converter<'n> {
    file: &'n str,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl<'n> Converter<'n> {
    fn new(file: &'n str) -> Self {
        Converter {
            file,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn problem(&mut self, rule: &str, field: &str, reason: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            rule: rule.to_string(),
            field: field.to_string(),
            reason: reason.into(),
        });
    }

    fn warn(&mut self, rule: &str, field: &str, reason: impl Into<String>) {
        self.warnings.push(Problem {
            file: self.file.to_string(),
            rule: rule.to_string(),
            field: field.to_string(),
            reason: reason.into(),
        });
    }

    fn parse_error(&self, message: String) -> Error {
        Error::Parse {
            file: self.file.to_string(),
            message,
        }
    }

    fn run(mut self, table: &Table) -> Result<Conversion, Error> {
        let top = Fields::new(table);
        for k in top.unknown(TOP_KEYS) {
            self.warn(GLOBAL, k, "not a gitleaks config key; ignored");
        }

        // [extend]
        let mut use_default = false;
        if let Some(v) = top.get("extend") {
            let Some(t) = v.as_table() else {
                return Err(self.parse_error("`extend` must be a table".into()));
            };
            let ext = Fields::new(t);
            for key in ["path", "url"] {
                if let Some(p) = ext
                    .string(key)
                    .map_err(|e| self.parse_error(format!("extend.{key}: {e}")))?
                {
                    if !p.is_empty() {
                        return Err(self.parse_error(format!(
                            "[extend] {key} = {p:?}: extending another gitleaks config is not supported; \
                             merge the two files, or list the extended file as a rule file of its own"
                        )));
                    }
                }
            }
            use_default = ext
                .bool("usedefault")
                .map_err(|e| self.parse_error(format!("extend.useDefault: {e}")))?;
            if use_default {
                self.warn(
                    GLOBAL,
                    "extend.useDefault",
                    "gitleaks' default rules are not imported; stanch's built-in rules apply instead",
                );
            }
            if ext.get("disabledrules").is_some() {
                self.warn(
                    GLOBAL,
                    "extend.disabledRules",
                    "ignored: it disables rules of gitleaks' default config, which is not imported",
                );
            }
            for k in ext.unknown(EXTEND_KEYS) {
                self.warn(
                    GLOBAL,
                    &format!("extend.{k}"),
                    "not a gitleaks config key; ignored",
                );
            }
        }

        // [[rules]]
        let rules = match top.tables("rules") {
            Ok(r) => r,
            Err(e) => return Err(self.parse_error(format!("rules: {e}"))),
        };
        let mut pending: Vec<Pending> = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        // Every id in the file, converted or skipped (for `targetRules`).
        let mut all_ids: Vec<String> = Vec::new();
        for (n, rule) in rules.iter().enumerate() {
            if let Some(Value::String(id)) = Fields::new(rule).get("id") {
                all_ids.push(id.trim().to_string());
            }
            let Some(p) = self.rule(n, rule, use_default) else {
                continue;
            };
            match by_id.get(&p.spec.id) {
                Some(&i) if pending[i].orig_id == p.orig_id => {
                    // gitleaks keeps the last rule with a given id.
                    self.warn(
                        &p.orig_id,
                        "id",
                        "defined more than once; the last definition is used (as in gitleaks)",
                    );
                    pending[i] = p;
                }
                Some(&i) => {
                    let other = pending[i].orig_id.clone();
                    self.problem(
                        &p.orig_id,
                        "id",
                        format!(
                            "normalizes to `{}`, as does rule `{other}`; rename one of them",
                            p.spec.id
                        ),
                    );
                }
                None => {
                    by_id.insert(p.spec.id.clone(), pending.len());
                    pending.push(p);
                }
            }
        }

        // Global allowlists: [allowlist] (older) or [[allowlists]] (newer).
        let mut global: Vec<(Vec<String>, GitleaksAllowlist)> = Vec::new();
        let old = top.get("allowlist").is_some();
        let new = top.get("allowlists").is_some();
        if old && new {
            return Err(self.parse_error(
                "[allowlist] is deprecated and cannot be used alongside [[allowlists]] (as in gitleaks)".into(),
            ));
        }
        let key = if old { "allowlist" } else { "allowlists" };
        let lists = top
            .tables(key)
            .map_err(|e| self.parse_error(format!("{key}: {e}")))?;
        for (i, t) in lists.iter().enumerate() {
            let label = if old {
                "allowlist".to_string()
            } else {
                format!("allowlists[{i}]")
            };
            let f = Fields::new(t);
            let targets = match f.strings("targetrules") {
                Ok(v) => v.into_iter().map(str::to_string).collect(),
                Err(e) => {
                    self.problem(GLOBAL, &format!("{label}.targetRules"), e);
                    Vec::new()
                }
            };
            let mut known = ALLOWLIST_KEYS.to_vec();
            known.push("targetrules");
            if let Some(mut a) = self.allowlist(GLOBAL, &label, &f, &known) {
                a.global = true;
                global.push((targets, a));
            }
        }
        for (targets, a) in global {
            if targets.is_empty() {
                for p in &mut pending {
                    p.allowlists.push(a.clone());
                }
                continue;
            }
            let field = format!("{}.targetRules", a.label);
            for t in targets {
                match pending.iter_mut().find(|p| p.orig_id == t) {
                    Some(p) => p.allowlists.push(a.clone()),
                    // Skipped, with a warning already.
                    None if all_ids.contains(&t) => {}
                    None if use_default => self.warn(
                        GLOBAL,
                        &field,
                        format!(
                            "rule `{t}` is not in this file (a gitleaks default rule?); \
                             allowlist ignored for it"
                        ),
                    ),
                    None => {
                        self.problem(GLOBAL, &field, format!("target rule `{t}` does not exist"))
                    }
                }
            }
        }

        // Apply allowlists.
        let mut specs = Vec::with_capacity(pending.len());
        let mut allowlists = BTreeMap::new();
        for mut p in pending {
            let whole_match = p.spec.secret_group == Some(SecretGroup::Index(0));
            for a in &mut p.allowlists {
                let (applied, why) = apply_allowlist(a, whole_match, &mut p.spec);
                a.applied = applied;
                if let Some(why) = why {
                    let desc = if a.description.is_empty() {
                        String::new()
                    } else {
                        format!("{:?}: ", a.description)
                    };
                    let reason = format!("{desc}{why}");
                    // A global allowlist is reported once, not once per rule.
                    let rule = if a.global { GLOBAL } else { p.orig_id.as_str() };
                    if !self
                        .warnings
                        .iter()
                        .any(|w| w.rule == rule && w.field == a.label && w.reason == reason)
                    {
                        self.warn(rule, &a.label.clone(), reason);
                    }
                }
            }
            if !p.allowlists.is_empty() {
                allowlists.insert(p.spec.id.clone(), p.allowlists);
            }
            specs.push(p.spec);
        }

        if !self.problems.is_empty() {
            return Err(Error::Rules(self.problems));
        }
        Ok(Conversion {
            specs,
            allowlists,
            warnings: self.warnings,
        })
    }

    /// Converts rule number `n` (0-based). `None`: skipped or refused (a
    /// warning or problem was recorded).
    fn rule(&mut self, n: usize, t: &Table, use_default: bool) -> Option<Pending> {
        let f = Fields::new(t);
        let description = f.string("description").ok().flatten().unwrap_or("").trim();
        let orig_id = match f.string("id") {
            Ok(Some(id)) if !id.trim().is_empty() => id.trim().to_string(),
            Ok(_) => {
                let label = rule_label(n, description);
                self.problem(&label, "id", "rule has no `id`");
                return None;
            }
            Err(e) => {
                self.problem(&rule_label(n, description), "id", e);
                return None;
            }
        };
        let rid = orig_id.as_str();
        let before = self.problems.len();
        macro_rules! field {
            ($e:expr, $name:expr, $default:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(e) => {
                        self.problem(rid, $name, e);
                        $default
                    }
                }
            };
        }
        for k in f.unknown(RULE_KEYS) {
            self.warn(rid, k, "not a gitleaks rule key; ignored");
        }
        let id = normalize_id(rid);
        if id.is_empty() {
            self.problem(rid, "id", "has no letter or digit to make a stanch id from");
        }
        if f.get("description").is_some() {
            field!(f.string("description"), "description", None);
        }
        let regex = field!(f.string("regex"), "regex", None).filter(|r| !r.is_empty());
        let path = field!(f.string("path"), "path", None).filter(|p| !p.is_empty());
        let secret_group = match f.get("secretgroup") {
            None => None,
            Some(Value::Integer(g)) if *g >= 0 => Some(*g as usize),
            Some(v) => {
                self.problem(
                    rid,
                    "secretGroup",
                    format!("expected a non-negative integer, found {v}"),
                );
                None
            }
        };
        let entropy = match f.get("entropy") {
            None => None,
            Some(Value::Float(e)) => Some(*e),
            Some(Value::Integer(e)) => Some(*e as f64),
            Some(v) => {
                self.problem(
                    rid,
                    "entropy",
                    format!("expected a number, found {}", v.type_str()),
                );
                None
            }
        };
        let keywords = field!(f.strings("keywords"), "keywords", Vec::new());
        field!(f.strings("tags"), "tags", Vec::new());
        let skip_report = field!(f.bool("skipreport"), "skipReport", false);

        // Rule allowlists: [rules.allowlist] (older) or [[rules.allowlists]].
        let mut allowlists = Vec::new();
        let old = f.get("allowlist").is_some();
        if old && f.get("allowlists").is_some() {
            self.problem(
                rid,
                "allowlist",
                "[rules.allowlist] is deprecated and cannot be used alongside [[rules.allowlists]] (as in gitleaks)",
            );
        }
        let key = if old { "allowlist" } else { "allowlists" };
        for (i, t) in field!(f.tables(key), key, Vec::new())
            .into_iter()
            .enumerate()
        {
            let field = if old {
                "allowlist".to_string()
            } else {
                format!("allowlists[{i}]")
            };
            if let Some(a) = self.allowlist(rid, &field, &Fields::new(t), ALLOWLIST_KEYS) {
                allowlists.push(a);
            }
        }

        if skip_report {
            self.warn(
                rid,
                "skipReport",
                "skipped: an auxiliary rule of a composite rule, never reported by gitleaks",
            );
            return None;
        }
        let Some(regex) = regex else {
            if path.is_some() {
                self.warn(
                    rid,
                    "path",
                    "skipped: a path-only rule detects files by name; a text stream has none",
                );
            } else if use_default {
                self.warn(
                    rid,
                    "regex",
                    "skipped: no `regex` or `path`; it amends a rule of gitleaks' default config, which is not imported",
                );
            } else {
                self.problem(
                    rid,
                    "regex",
                    "rule has neither `regex` nor `path`, so it matches nothing",
                );
            }
            return None;
        };
        if path.is_some() {
            self.warn(
                rid,
                "path",
                "ignored: a text stream has no file name, so the regex applies to all input",
            );
        }
        if f.get("required").is_some() {
            self.warn(
                rid,
                "required",
                "ignored: composite rules are not supported; this rule is reported without its required rules",
            );
        }

        // Regex.
        let pattern = match translate(regex) {
            Ok(p) => p,
            Err(e) => {
                self.problem(rid, "regex", e);
                return None;
            }
        };
        let hir = match parse(&pattern) {
            Ok(h) => h,
            Err(e) => {
                self.problem(rid, "regex", e);
                return None;
            }
        };
        let groups = hir.properties().explicit_captures_len();

        // Secret group.
        let group = match secret_group {
            Some(g) if g > groups => {
                self.problem(
                    rid,
                    "secretGroup",
                    format!("group {g} does not exist: the regex has {groups} capture group(s)"),
                );
                0
            }
            Some(g) if g > 0 => g,
            _ if groups == 0 => 0,
            _ if always_nonempty(&hir, 1) => 1,
            _ => {
                self.warn(
                    rid,
                    "secretGroup",
                    "gitleaks reports the first non-empty capture group, which varies between matches \
                     of this regex; stanch reports the whole match instead (set `secretGroup` to narrow it)",
                );
                0
            }
        };

        // Entropy (gitleaks: 0 = off; a finding must exceed it).
        let min_entropy = match entropy {
            Some(e) if e > 8.0 => {
                self.problem(
                    rid,
                    "entropy",
                    format!("{e} is above 8 bits per byte, which no secret reaches"),
                );
                None
            }
            Some(e) if e > 0.0 => Some(e),
            _ => None,
        };

        // Keywords.
        let mut kws: Vec<String> = Vec::new();
        for k in keywords {
            let lower = k.to_lowercase();
            if lower.len() < 2 || !lower.is_ascii() {
                self.warn(
                    rid,
                    "keywords",
                    format!("keyword {k:?} dropped: stanch keywords are ASCII, at least 2 bytes"),
                );
            } else if !kws.contains(&lower) {
                kws.push(lower);
            }
        }
        let folded = fold_case(&hir);
        let derived = required_literals(&folded, MIN_DERIVED_KEYWORD, false);
        // The user's keywords are enough when one required set only holds
        // literals that each contain one of them.
        let covered = folded_keywords_cover(&folded, &kws);
        match derived {
            _ if covered => {}
            Some(d) => {
                for lit in d {
                    if !kws.contains(&lit) {
                        kws.push(lit);
                    }
                }
            }
            None if kws.is_empty() => {
                self.problem(
                    rid,
                    "keywords",
                    "no keyword given and none can be derived from the regex; add `keywords = [...]`",
                );
            }
            None => self.warn(
                rid,
                "keywords",
                "cannot check that every match contains a keyword; stanch runs the regex only on \
                 lines holding one (gitleaks: anywhere in the file), so matches elsewhere are missed",
            ),
        }

        let specificity = if prefix_literals(&folded, MIN_DERIVED_KEYWORD, false).is_some() {
            Specificity::Provider
        } else {
            Specificity::Generic
        };
        let max_len = hir
            .properties()
            .maximum_len()
            .filter(|&m| m > crate::rule::DEFAULT_MAX_LEN as usize)
            .map(|m| m.min(MAX_RULE_LEN as usize) as u32);

        if self.problems.len() > before {
            return None;
        }
        let spec = RuleSpec {
            id,
            name: if description.is_empty() {
                orig_id.clone()
            } else {
                description.to_string()
            },
            category: Category::Secret,
            severity: Severity::High,
            specificity,
            keywords: kws,
            pattern: Some(pattern),
            secret_group: Some(SecretGroup::Index(group)),
            deny_value: None,
            deny_key: None,
            at_keyword: None,
            finder: None,
            validator: None,
            min_entropy,
            multiline: can_match_newline(&hir),
            max_len,
            pseudonym_label: None,
            allow_regexes: Vec::new(),
            allow_stopwords: Vec::new(),
            examples: Vec::new(),
            negatives: Vec::new(),
            references: vec![IMPORT_MARKER.to_string()],
            origin: self.file.to_string(),
            imported: true,
            builtin: false,
        };
        Some(Pending {
            orig_id,
            spec,
            allowlists,
        })
    }

    /// Parses one allowlist table. `rule` and `field` (`allowlist`,
    /// `allowlists[0]`) name it in problems.
    fn allowlist(
        &mut self,
        rule: &str,
        field: &str,
        f: &Fields<'_>,
        known: &[&str],
    ) -> Option<GitleaksAllowlist> {
        let before = self.problems.len();
        let name = |sub: &str| format!("{field}.{sub}");
        for k in f.unknown(known) {
            self.warn(rule, &name(k), "not a gitleaks allowlist key; ignored");
        }
        let mut a = GitleaksAllowlist {
            label: field.to_string(),
            ..Default::default()
        };
        match f.string("description") {
            Ok(d) => a.description = d.unwrap_or("").to_string(),
            Err(e) => self.problem(rule, &name("description"), e),
        }
        match f.string("condition") {
            Ok(c) => match c.unwrap_or("").to_ascii_uppercase().as_str() {
                "" | "OR" | "||" => a.condition = Condition::Or,
                "AND" | "&&" => a.condition = Condition::And,
                other => self.problem(
                    rule,
                    &name("condition"),
                    format!("unknown condition `{other}` (expected AND or OR)"),
                ),
            },
            Err(e) => self.problem(rule, &name("condition"), e),
        }
        match f.string("regextarget") {
            Ok(None | Some("" | "secret")) => a.target = RegexTarget::Secret,
            Ok(Some("match")) => a.target = RegexTarget::Match,
            Ok(Some("line")) => a.target = RegexTarget::Line,
            Ok(Some(t)) => self.problem(
                rule,
                &name("regexTarget"),
                format!("unknown regexTarget `{t}` (expected secret, match or line)"),
            ),
            Err(e) => self.problem(rule, &name("regexTarget"), e),
        }
        match f.strings("regexes") {
            Ok(rs) => {
                for r in rs {
                    match translate(r).and_then(|p| parse(&p).map(|_| p)) {
                        Ok(p) => a.regexes.push(p),
                        Err(e) => self.problem(rule, &name("regexes"), e),
                    }
                }
            }
            Err(e) => self.problem(rule, &name("regexes"), e),
        }
        match f.strings("stopwords") {
            Ok(ws) => {
                for w in ws {
                    let w = w.to_lowercase();
                    if w.is_empty() {
                        self.warn(
                            rule,
                            &name("stopwords"),
                            "empty stopword ignored (gitleaks would allow every finding)",
                        );
                    } else if !a.stopwords.contains(&w) {
                        a.stopwords.push(w);
                    }
                }
            }
            Err(e) => self.problem(rule, &name("stopwords"), e),
        }
        match f.strings("paths") {
            Ok(v) => a.paths = v.into_iter().map(str::to_string).collect(),
            Err(e) => self.problem(rule, &name("paths"), e),
        }
        match f.strings("commits") {
            Ok(v) => a.commits = v.into_iter().map(str::to_string).collect(),
            Err(e) => self.problem(rule, &name("commits"), e),
        }
        if self.problems.len() > before {
            return None;
        }
        if a.regexes.is_empty()
            && a.stopwords.is_empty()
            && a.paths.is_empty()
            && a.commits.is_empty()
        {
            self.problem(
                rule,
                field,
                "must contain at least one of: commits, paths, regexes, stopwords (as in gitleaks)",
            );
            return None;
        }
        Some(a)
    }
}

/// Names a rule without a usable id: `#3 (AWS key)`.
fn rule_label(n: usize, description: &str) -> String {
    if description.is_empty() {
        format!("#{}", n + 1)
    } else {
        format!("#{} ({description})", n + 1)
    }
}

/// Applies what stanch can of an allowlist to `spec`. Returns whether
/// nothing was left out, and why not.
fn apply_allowlist(
    a: &GitleaksAllowlist,
    whole_match: bool,
    spec: &mut RuleSpec,
) -> (bool, Option<String>) {
    let content = !a.regexes.is_empty() || !a.stopwords.is_empty();
    let located = !a.paths.is_empty() || !a.commits.is_empty();
    let regexes_fit =
        a.target == RegexTarget::Secret || (a.target == RegexTarget::Match && whole_match);
    match a.condition {
        // Needs a path or commit match, which a stream never gives: inert.
        Condition::And if located => (
            true,
            content.then(|| {
                "never applies: its AND condition needs a file path or commit, \
                 which a text stream has not"
                    .to_string()
            }),
        ),
        Condition::And if !a.regexes.is_empty() && !a.stopwords.is_empty() => (
            false,
            Some(
                "not applied: stanch cannot combine regexes AND stopwords (the rule reports more)"
                    .to_string(),
            ),
        ),
        _ => {
            for w in &a.stopwords {
                if !spec.allow_stopwords.contains(w) {
                    spec.allow_stopwords.push(w.clone());
                }
            }
            if a.regexes.is_empty() {
                return (true, None);
            }
            if !regexes_fit {
                let target = if a.target == RegexTarget::Line {
                    "line"
                } else {
                    "match"
                };
                return (
                    false,
                    Some(format!(
                        "regexes with regexTarget = \"{target}\" not applied: stanch matches \
                         allowlist regexes against the secret only (the rule reports more)"
                    )),
                );
            }
            for r in &a.regexes {
                if !spec.allow_regexes.contains(r) {
                    spec.allow_regexes.push(r.clone());
                }
            }
            (true, None)
        }
    }
}

/// `AWS_Access-Key.v2` -> `aws-access-key-v2`; at most 64 bytes.
pub fn normalize_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(64);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------
// Go RE2 -> Rust regex translation.

enum Tok {
    Raw(String),
    /// `\d \D \w \W \s \S \b \B`, and whether inside a class.
    Perl(char, bool),
}

/// Translates a Go RE2 pattern to stanch's dialect (Rust `regex`, bytes,
/// Unicode off unless the pattern needs it). See the module docs.
pub fn translate(go: &str) -> Result<String, String> {
    let chars: Vec<char> = go.chars().collect();
    let mut toks: Vec<Tok> = Vec::new();
    let mut unicode = false;
    let mut raw = String::new();
    let flush = |raw: &mut String, toks: &mut Vec<Tok>| {
        if !raw.is_empty() {
            toks.push(Tok::Raw(std::mem::take(raw)));
        }
    };
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0; // index just after `[` or `[^`
    while i < chars.len() {
        let c = chars[i];
        if !c.is_ascii() {
            unicode = true;
        }
        if c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return Err("trailing backslash".into());
            };
            match n {
                'Q' if !in_class => {
                    // \Q...\E: everything quoted.
                    let mut j = i + 2;
                    let mut lit = String::new();
                    while j < chars.len() && !(chars[j] == '\\' && chars.get(j + 1) == Some(&'E')) {
                        lit.push(chars[j]);
                        j += 1;
                    }
                    if !lit.is_ascii() {
                        unicode = true;
                    }
                    raw.push_str(&regex_syntax::escape(&lit));
                    i = if j < chars.len() { j + 2 } else { j };
                    continue;
                }
                'E' if !in_class => {
                    // A stray \E is ignored by Go.
                    i += 2;
                    continue;
                }
                'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                    flush(&mut raw, &mut toks);
                    toks.push(Tok::Perl(n, in_class));
                    i += 2;
                    continue;
                }
                'b' | 'B' if !in_class => {
                    flush(&mut raw, &mut toks);
                    toks.push(Tok::Perl(n, false));
                    i += 2;
                    continue;
                }
                'p' | 'P' => {
                    unicode = true;
                    let mut neg = n == 'P';
                    if chars.get(i + 2) == Some(&'{') {
                        let mut j = i + 3;
                        if chars.get(j) == Some(&'^') {
                            neg = !neg;
                            j += 1;
                        }
                        let end = chars[j..]
                            .iter()
                            .position(|&c| c == '}')
                            .ok_or("unclosed \\p{")?;
                        let name: String = chars[j..j + end].iter().collect();
                        raw.push_str(&format!("\\{}{{{name}}}", if neg { 'P' } else { 'p' }));
                        i = j + end + 1;
                    } else {
                        let Some(&l) = chars.get(i + 2) else {
                            return Err("incomplete \\p escape".into());
                        };
                        raw.push_str(&format!("\\{}{l}", if neg { 'P' } else { 'p' }));
                        i += 3;
                    }
                    continue;
                }
                'x' => {
                    // \xHH or \x{H...}: copy; above 0x7F needs Unicode.
                    let (text, end, val) = if chars.get(i + 2) == Some(&'{') {
                        let close = chars[i + 3..]
                            .iter()
                            .position(|&c| c == '}')
                            .ok_or("unclosed \\x{")?;
                        let hex: String = chars[i + 3..i + 3 + close].iter().collect();
                        (
                            format!("\\x{{{hex}}}"),
                            i + 4 + close,
                            u32::from_str_radix(&hex, 16).ok(),
                        )
                    } else {
                        let hex: String = chars[i + 2..(i + 4).min(chars.len())].iter().collect();
                        (
                            format!("\\x{hex}"),
                            i + 4,
                            u32::from_str_radix(&hex, 16).ok(),
                        )
                    };
                    if val.is_some_and(|v| v > 0x7F) {
                        unicode = true;
                    }
                    raw.push_str(&text);
                    i = end;
                    continue;
                }
                '0'..='7' => {
                    // Go: octal \0, \0NN, \NNN (not a lone \1-\7, a backreference).
                    let mut j = i + 1;
                    let mut val = 0u32;
                    while j < chars.len() && j < i + 4 && ('0'..='7').contains(&chars[j]) {
                        val = val * 8 + chars[j].to_digit(8).unwrap();
                        j += 1;
                    }
                    if n != '0' && j == i + 2 {
                        return Err(format!("backreference \\{n} is not supported"));
                    }
                    if val > 0x7F {
                        unicode = true;
                    }
                    raw.push_str(&format!("\\x{{{val:x}}}"));
                    i = j;
                    continue;
                }
                _ => {
                    if !n.is_ascii() {
                        unicode = true;
                    }
                    raw.push('\\');
                    raw.push(n);
                    i += 2;
                    continue;
                }
            }
        }
        if in_class {
            match c {
                ']' if i > class_start => {
                    in_class = false;
                    raw.push(']');
                }
                '[' if chars.get(i + 1) == Some(&':') => {
                    // [:alpha:] / [:^alpha:]
                    let close = (i + 2..chars.len().saturating_sub(1))
                        .find(|&j| chars[j] == ':' && chars[j + 1] == ']');
                    match close {
                        Some(j) => {
                            raw.extend(&chars[i..j + 2]);
                            i = j + 2;
                            continue;
                        }
                        None => raw.push_str("\\["),
                    }
                }
                // Literals in Go, class syntax in Rust.
                '[' | '&' | '~' => {
                    raw.push('\\');
                    raw.push(c);
                }
                '-' if chars.get(i + 1) == Some(&'-') => raw.push_str("\\-"),
                _ => raw.push(c),
            }
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                raw.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    raw.push('^');
                    i += 1;
                }
                class_start = i;
                // A `]` right after `[` or `[^` is a literal.
                if chars.get(i) == Some(&']') {
                    raw.push_str("\\]");
                    i += 1;
                    class_start = i;
                }
                continue;
            }
            '{' => {
                // A repetition only if {n}, {n,} or {n,m}; else a literal in Go.
                let rest: String = chars[i..chars.len().min(i + 24)].iter().collect();
                if is_repetition(&rest) {
                    raw.push('{');
                } else {
                    raw.push_str("\\{");
                }
            }
            _ => raw.push(c),
        }
        i += 1;
    }
    if in_class {
        return Err("unclosed character class `[`".into());
    }
    flush(&mut raw, &mut toks);
    let mut out = String::with_capacity(go.len() + 8);
    if unicode {
        out.push_str("(?u)");
    }
    for t in toks {
        match t {
            Tok::Raw(s) => out.push_str(&s),
            Tok::Perl(c, _) if !unicode => {
                out.push('\\');
                out.push(c);
            }
            // Unicode on: keep Go's ASCII meaning.
            Tok::Perl(c, in_class) => out.push_str(match (c, in_class) {
                ('d', false) => "[0-9]",
                ('D', false) => "[^0-9]",
                ('w', false) => "[0-9A-Za-z_]",
                ('W', false) => "[^0-9A-Za-z_]",
                ('s', false) => r"[\t\n\f\r ]",
                ('S', false) => r"[^\t\n\f\r ]",
                ('b', _) => r"(?-u:\b)",
                ('B', _) => r"(?-u:\B)",
                ('d', true) => "0-9",
                ('D', true) => "[:^digit:]",
                ('w', true) => "0-9A-Za-z_",
                ('W', true) => "[:^word:]",
                ('s', true) => r"\t\n\f\r ",
                (_, _) => "[:^space:]",
            }),
        }
    }
    Ok(out)
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `s`.
fn is_repetition(s: &str) -> bool {
    let Some(body) = s.strip_prefix('{') else {
        return false;
    };
    let Some(end) = body.find('}') else {
        return false;
    };
    let body = &body[..end];
    let (a, b) = match body.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(a)
        && match b {
            None => true,
            Some(b) => b.is_empty() || digits(b),
        }
}

/// Parses a translated pattern the way the engine compiles it.
fn parse(pattern: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|e| {
            let (kind, span) = match &e {
                regex_syntax::Error::Parse(e) => (e.kind().to_string(), *e.span()),
                regex_syntax::Error::Translate(e) => (e.kind().to_string(), *e.span()),
                _ => (
                    e.to_string(),
                    regex_syntax::ast::Span::splat(regex_syntax::ast::Position::new(0, 1, 1)),
                ),
            };
            let at: String = pattern
                .get(span.start.offset..span.end.offset)
                .unwrap_or("")
                .to_string();
            format!(
                "invalid regex: {kind} at `{at}` (byte {}) in `{pattern}`",
                span.start.offset
            )
        })
}

// ---------------------------------------------------------------------------
// Regex analysis.

/// `h` with case-insensitive letters (`[Kk]`, and Unicode's `[Kk\u{212A}]`)
/// turned into lowercase literals. Keywords match ASCII case-insensitively,
/// so this keeps the literal analysis exact without the 2^n case variants
/// that would make the extractor give up on long `(?i)` literals.
fn fold_case(h: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, Repetition};
    match h.kind() {
        HirKind::Class(c) => {
            let chars: Option<Vec<char>> = match c {
                Class::Unicode(u) if u.ranges().len() <= 4 => u
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .take(5)
                    .map(Some)
                    .collect(),
                Class::Bytes(b) if b.ranges().len() <= 4 => b
                    .ranges()
                    .iter()
                    .flat_map(|r| r.start()..=r.end())
                    .take(5)
                    .map(|b| Some(b as char))
                    .collect(),
                _ => None,
            };
            let Some(chars) = chars else {
                return h.clone();
            };
            let letter = chars
                .iter()
                .find(|c| c.is_ascii_alphabetic())
                .map(|c| c.to_ascii_lowercase());
            let folds = |c: char, l: char| {
                c.to_ascii_lowercase() == l
                    || (l == 'k' && c == '\u{212A}')
                    || (l == 's' && c == '\u{17F}')
            };
            match letter {
                Some(l) if chars.len() >= 2 && chars.iter().all(|&c| folds(c, l)) => {
                    Hir::literal([l as u8])
                }
                _ => h.clone(),
            }
        }
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(fold_case).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(fold_case).collect()),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(fold_case(&c.sub)),
        }),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(fold_case(&r.sub)),
        }),
        _ => h.clone(),
    }
}

/// Literals every match starts with: lowercase printable ASCII, at least
/// `min` bytes, minimized. `None` when there is no such finite set.
fn prefix_literals(h: &Hir, min: usize, spaces: bool) -> Option<Vec<String>> {
    // Keywords for the prefilter stop at whitespace and stay short; a
    // coverage check ([`keywords_cover`]) reads whole literals, spaces
    // included (`BEGIN RSA PRIVATE KEY`).
    let max = if spaces {
        4 * MAX_DERIVED_KEYWORD
    } else {
        MAX_DERIVED_KEYWORD
    };
    let mut ex = Extractor::new();
    ex.kind(ExtractKind::Prefix)
        .limit_class(5)
        .limit_repeat(8)
        .limit_literal_len(max)
        .limit_total(512);
    let seq = ex.extract(h);
    let lits = seq.literals()?;
    if lits.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(lits.len());
    for l in lits {
        let b = l.as_bytes();
        // Printable ASCII only: no whitespace variants (`key[ \t]*=`).
        let ascii = b
            .iter()
            .position(|&b| !(b.is_ascii_graphic() || (spaces && b == b' ')))
            .unwrap_or(b.len());
        let b = &b[..ascii.min(max)];
        if b.len() < min {
            return None;
        }
        out.push(String::from_utf8_lossy(b).to_ascii_lowercase());
    }
    minimize(out)
}

/// Drops duplicates and literals containing another one; `None` if too many.
fn minimize(mut lits: Vec<String>) -> Option<Vec<String>> {
    lits.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    lits.dedup();
    let mut kept: Vec<String> = Vec::new();
    for l in lits {
        if !kept.iter().any(|k| l.contains(k.as_str())) {
            kept.push(l);
        }
    }
    (kept.len() <= MAX_DERIVED_KEYWORDS).then_some(kept)
}

/// Better keyword sets: longer shortest literal, then fewer literals.
fn better(a: &[String], b: &[String]) -> bool {
    let min = |v: &[String]| v.iter().map(String::len).min().unwrap_or(0);
    (min(a), std::cmp::Reverse(a.len())) > (min(b), std::cmp::Reverse(b.len()))
}

/// True if every match of `h` contains one of `kws` (lowercase literals),
/// ASCII case-insensitively: one of the sets of literals every match must
/// contain only holds literals that each contain a keyword.
/// Literals are read whole, spaces included, so a keyword such as
/// `BEGIN RSA PRIVATE KEY` covers the PEM rules' regexes.
pub(crate) fn keywords_cover(h: &Hir, kws: &[String]) -> bool {
    cover(&fold_case(h), kws, true)
}

fn folded_keywords_cover(folded: &Hir, kws: &[String]) -> bool {
    cover(folded, kws, false)
}

fn cover(folded: &Hir, kws: &[String], spaces: bool) -> bool {
    if kws.is_empty() {
        return false;
    }
    let mut sets = Vec::new();
    required_sets(folded, 2, spaces, &mut sets);
    sets.iter().any(|set| {
        set.iter()
            .all(|lit| kws.iter().any(|k| lit.contains(k.as_str())))
    })
}

/// Sets of literals (each at least `min` bytes) such that every match of `h`
/// contains one literal of the set: the prefixes of `h` and of each tail of a
/// concatenation, and recursively those of every part every match goes
/// through (an alternation contributes the union of its branches' best sets).
fn required_sets(h: &Hir, min: usize, spaces: bool, out: &mut Vec<Vec<String>>) {
    out.extend(prefix_literals(h, min, spaces));
    match h.kind() {
        HirKind::Concat(subs) => {
            for i in 0..subs.len() {
                if i > 0 {
                    out.extend(prefix_literals(
                        &Hir::concat(subs[i..].to_vec()),
                        min,
                        spaces,
                    ));
                }
                required_sets(&subs[i], min, spaces, out);
            }
        }
        HirKind::Capture(c) => required_sets(&c.sub, min, spaces, out),
        HirKind::Repetition(r) if r.min >= 1 => required_sets(&r.sub, min, spaces, out),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                match required_literals(a, min, spaces) {
                    Some(l) => all.extend(l),
                    None => return,
                }
            }
            out.extend(minimize(all));
        }
        _ => {}
    }
}

/// The best set from [`required_sets`] (keywords for the prefilter).
fn required_literals(h: &Hir, min: usize, spaces: bool) -> Option<Vec<String>> {
    let mut sets = Vec::new();
    required_sets(h, min, spaces, &mut sets);
    let mut best: Option<Vec<String>> = None;
    for s in sets {
        if best.as_ref().map_or(true, |b| better(&s, b)) {
            best = Some(s);
        }
    }
    best
}

/// True if every match of `h` sets capture group `idx` to a non-empty span.
fn always_nonempty(h: &Hir, idx: u32) -> bool {
    match h.kind() {
        HirKind::Capture(c) if c.index == idx => {
            c.sub.properties().minimum_len().is_some_and(|n| n > 0)
        }
        HirKind::Capture(c) => always_nonempty(&c.sub, idx),
        HirKind::Concat(subs) => subs.iter().any(|s| always_nonempty(s, idx)),
        HirKind::Alternation(alts) => alts.iter().all(|s| always_nonempty(s, idx)),
        HirKind::Repetition(r) => r.min >= 1 && always_nonempty(&r.sub, idx),
        _ => false,
    }
}

/// True if some match of `h` can contain a line feed.
fn can_match_newline(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Literal(l) => l.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(c)) => c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Repetition(r) => r.max != Some(0) && can_match_newline(&r.sub),
        HirKind::Capture(c) => can_match_newline(&c.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(can_match_newline),
        HirKind::Empty | HirKind::Look(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(go: &str) -> String {
        translate(go).unwrap()
    }

    #[test]
    fn translation() {
        assert_eq!(
            t(r"\b(ghp_[A-Za-z0-9]{36})\b"),
            r"\b(ghp_[A-Za-z0-9]{36})\b"
        );
        assert_eq!(t(r"\Qa.b\E+"), r"a\.b+");
        assert_eq!(t(r"a{,5}b{2}c{1,}d{1,3}"), r"a\{,5}b{2}c{1,}d{1,3}");
        assert_eq!(t(r"[a&&b~~[c]"), r"[a\&\&b\~\~\[c]");
        assert_eq!(t(r"[[:alnum:]_-]"), r"[[:alnum:]_-]");
        assert_eq!(t(r"[]a]"), r"[\]a]");
        assert_eq!(t(r"\101\0"), r"\x{41}\x{0}");
        assert_eq!(t(r"\p{^Greek}"), r"(?u)\P{Greek}");
        assert_eq!(t(r"é\w+\b"), r"(?u)é[0-9A-Za-z_]+(?-u:\b)");
        assert_eq!(t(r"\pL[\d\W]"), r"(?u)\pL[0-9[:^word:]]");
        assert!(translate(r"\1").is_err());
        assert!(translate(r"[abc").is_err());
        for p in [
            r"[a\&\&b\~\~\[c]",
            r"[\]a]",
            r"(?u)é[0-9A-Za-z_]+(?-u:\b)",
            r"(?u)\pL[0-9[:^word:]]",
            r"a\{,5}b{2}",
        ] {
            parse(p).unwrap();
        }
    }

    #[test]
    fn ids() {
        assert_eq!(normalize_id("AWS_Access-Key.v2"), "aws-access-key-v2");
        assert_eq!(normalize_id("--x--"), "x");
        assert_eq!(normalize_id("__"), "");
        assert!(normalize_id(&"a".repeat(80)).len() <= 64);
    }

    fn req(p: &str) -> Option<Vec<String>> {
        required_literals(
            &fold_case(&parse(&translate(p).unwrap()).unwrap()),
            MIN_DERIVED_KEYWORD,
            false,
        )
    }

    #[test]
    fn derived_keywords() {
        assert_eq!(req(r"\b(ghp_[A-Za-z0-9]{36})\b").unwrap(), ["ghp_"]);
        assert_eq!(req(r"(?i)\bAcmeTok_([a-z0-9]{40})").unwrap(), ["acmetok_"]);
        assert_eq!(
            req(r"xox[baprs]-[0-9a-z]{10}").unwrap(),
            ["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"]
        );
        assert_eq!(
            req(r#"(?i)[\w.-]{0,50}?(?:token|secret)\s*=\s*"([^"]+)""#).unwrap(),
            ["token", "secret"]
        );
        assert_eq!(req(r"[A-Z0-9]{20}"), None);
        assert_eq!(req(r"(?:ab|cd)[0-9]+"), None);
    }

    #[test]
    fn groups() {
        let h = |p: &str| parse(p).unwrap();
        assert!(always_nonempty(&h(r"a(b+)c"), 1));
        assert!(!always_nonempty(&h(r"a(b*)c"), 1));
        assert!(!always_nonempty(&h(r"(a)|(b)"), 1));
        assert!(!always_nonempty(&h(r"x(a)?"), 1));
        assert!(can_match_newline(&h(r#""[^"]+""#)));
        assert!(can_match_newline(&h(r"a\s*b")));
        assert!(!can_match_newline(&h(r"a[ \t]*b.")));
    }

    #[test]
    fn detection() {
        assert!(looks_like_gitleaks(
            "[[rules]]\nid = \"a\"\nregex = '''x'''\n"
        ));
        assert!(looks_like_gitleaks("title = \"t\"\n"));
        assert!(looks_like_gitleaks(
            "[[rules]]\nid = \"a\"\nRegex = '''x'''\n"
        ));
        assert!(!looks_like_gitleaks(
            "[[rules]]\nid = \"a\"\nname = \"A\"\npattern = '''x'''\nkeywords = [\"x\"]\n"
        ));
        assert!(!looks_like_gitleaks(
            "[[rules]]\nid = \"e\"\nfinder = \"email\"\n"
        ));
        assert!(!looks_like_gitleaks("not toml ["));
        assert!(!looks_like_gitleaks(""));
    }
}
