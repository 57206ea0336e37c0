//! The config file (`--config FILE` or `STANCH_CONFIG`): raw TOML with
//! `deny_unknown_fields` → validated settings (every error collected, naming
//! the file and the field) → the compiled rule set and redaction policy.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use stanch_engine::{pack, RuleDb, RuleSpec, Severity};
use stanch_redact::{EmailDomain, Policy, Style};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// File holding the pseudonym/fingerprint key (64 hex chars). Relative
    /// paths are relative to the config file.
    pub key_file: Option<PathBuf>,
    /// Mixed into pseudonyms: the same value gets different pseudonyms per tenant.
    pub tenant: Option<String>,
    #[serde(default)]
    pub redact: RawRedact,
    #[serde(default)]
    pub scan: RawScan,
    #[serde(default)]
    pub rules: RawRules,
    #[serde(default)]
    pub taint: RawTaint,
    #[serde(default)]
    pub canary: RawCanary,
    /// `stanch serve`'s routes, identities and policies; checked by
    /// stanch-gateway (`stanch_gateway::file`), which reloads it on change.
    pub gateway: Option<toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTaint {
    /// Environment variable names or globs (`AWS_*`) whose values are registered secrets.
    #[serde(default)]
    pub env: Vec<String>,
    /// Taint files (one value per line, or .env), relative to the config file.
    #[serde(default)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCanary {
    /// Canary file, relative to the config file.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRedact {
    pub style: Option<String>,
    pub secret_style: Option<String>,
    pub pii_style: Option<String>,
    pub min_severity: Option<String>,
    /// Look for secrets inside base64, URL-encoding and JSON escapes (default true).
    pub decode: Option<bool>,
    /// Email pseudonyms: "hide" (`<email:1a2b3c4d>`, default) or "keep"
    /// the domain (`u-1a2b3c4d@acme.com`).
    pub email_domain: Option<String>,
    /// Input format for `redact`: auto (default), text, json, jsonl.
    pub format: Option<String>,
    /// Cut JSON string values longer than this many bytes (after redaction).
    pub max_field_bytes: Option<usize>,
    /// Extra key names whose values are secrets in JSON (`X-Internal-Ticket`).
    #[serde(default)]
    pub secret_keys: Vec<String>,
    /// Key names that are not secrets though they sound like one.
    #[serde(default)]
    pub not_secret_keys: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScan {
    pub fail_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRules {
    /// Rule files (stanch or gitleaks format), relative to the config file.
    #[serde(default)]
    pub files: Vec<PathBuf>,
    /// Rule ids to turn off; `prefix*` turns off every id with that prefix.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Partial changes to existing rules.
    #[serde(default, rename = "override")]
    pub overrides: Vec<RawOverride>,
    /// Inline rules, same schema as rule files.
    #[serde(default)]
    pub add: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    pub id: String,
    pub severity: Option<Severity>,
    pub min_entropy: Option<f64>,
    #[serde(default)]
    pub allow_regexes: Vec<String>,
    #[serde(default)]
    pub allow_stopwords: Vec<String>,
}

/// What `redact` reads its input as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// JSON if the input (or its file name) says so, else text.
    Auto,
    Text,
    /// One JSON document.
    Json,
    /// One JSON document per line (JSON Lines, NDJSON).
    Jsonl,
}

impl InputFormat {
    pub fn parse(s: &str) -> Option<InputFormat> {
        Some(match s {
            "auto" => InputFormat::Auto,
            "text" => InputFormat::Text,
            "json" => InputFormat::Json,
            "jsonl" | "ndjson" => InputFormat::Jsonl,
            _ => return None,
        })
    }
}

/// Validated settings, with paths resolved.
#[derive(Debug, Default)]
pub struct Config {
    pub source: Option<PathBuf>,
    /// The file has a `[gateway]` table (`stanch serve` config mode).
    pub has_gateway: bool,
    pub key_file: Option<PathBuf>,
    pub tenant: String,
    pub style: Option<Style>,
    pub secret_style: Option<Style>,
    pub pii_style: Option<Style>,
    pub min_severity: Option<Severity>,
    pub fail_on: Option<Severity>,
    /// `[redact] decode`; unset means on.
    pub decode: Option<bool>,
    pub email_domain: Option<EmailDomain>,
    pub format: Option<InputFormat>,
    pub max_field_bytes: Option<usize>,
    pub secret_keys: Vec<String>,
    pub not_secret_keys: Vec<String>,
    pub rule_files: Vec<PathBuf>,
    pub disable: Vec<String>,
    pub overrides: Vec<RawOverride>,
    pub add: Vec<RuleSpec>,
    pub taint_env: Vec<String>,
    pub taint_files: Vec<PathBuf>,
    pub canary_file: Option<PathBuf>,
}

impl Config {
    /// Reads and validates a config file; every problem is reported at once.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        let raw: RawConfig = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))
            .with_context(|| format!("invalid config file {}", path.display()))?;
        Self::validate(raw, path)
    }

    fn validate(raw: RawConfig, path: &Path) -> Result<Config> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut errors: Vec<String> = Vec::new();
        let style = |field: &str, v: &Option<String>, errors: &mut Vec<String>| {
            v.as_deref().and_then(|s| {
                let st = Style::parse(s);
                if st.is_none() {
                    errors.push(format!(
                        "field `{field}`: unknown style `{s}` (placeholder, pseudonym, mask, hash)"
                    ));
                }
                st
            })
        };
        let sev = |field: &str, v: &Option<String>, errors: &mut Vec<String>| {
            v.as_deref().and_then(|s| {
                let sv = Severity::parse(s);
                if sv.is_none() {
                    errors.push(format!(
                        "field `{field}`: unknown severity `{s}` (info, low, medium, high, critical)"
                    ));
                }
                sv
            })
        };
        if let Some(n) = raw.redact.max_field_bytes {
            if n < 16 {
                errors.push(format!(
                    "field `redact.max_field_bytes`: {n} is too small (at least 16)"
                ));
            }
        }
        for (field, list) in [
            ("redact.secret_keys", &raw.redact.secret_keys),
            ("redact.not_secret_keys", &raw.redact.not_secret_keys),
        ] {
            for (i, k) in list.iter().enumerate() {
                if k.trim().is_empty() || k.len() > 128 {
                    errors.push(format!(
                        "field `{field}[{i}]`: a key name must be 1 to 128 bytes"
                    ));
                }
            }
        }
        for (i, p) in raw.taint.env.iter().enumerate() {
            if let Err(e) = globset::Glob::new(p) {
                errors.push(format!(
                    "field `taint.env[{i}]`: invalid name glob `{p}`: {e}"
                ));
            }
        }
        let cfg = Config {
            source: Some(path.to_path_buf()),
            has_gateway: raw.gateway.is_some(),
            key_file: raw.key_file.map(|p| dir.join(p)),
            tenant: raw.tenant.unwrap_or_default(),
            style: style("redact.style", &raw.redact.style, &mut errors),
            secret_style: style("redact.secret_style", &raw.redact.secret_style, &mut errors),
            pii_style: style("redact.pii_style", &raw.redact.pii_style, &mut errors),
            min_severity: sev("redact.min_severity", &raw.redact.min_severity, &mut errors),
            fail_on: sev("scan.fail_on", &raw.scan.fail_on, &mut errors),
            decode: raw.redact.decode,
            email_domain: raw.redact.email_domain.as_deref().and_then(|s| {
                let d = EmailDomain::parse(s);
                if d.is_none() {
                    errors.push(format!(
                        "field `redact.email_domain`: unknown value `{s}` (keep, hide)"
                    ));
                }
                d
            }),
            format: raw.redact.format.as_deref().and_then(|s| {
                let f = InputFormat::parse(s);
                if f.is_none() {
                    errors.push(format!(
                        "field `redact.format`: unknown format `{s}` (auto, text, json, jsonl)"
                    ));
                }
                f
            }),
            max_field_bytes: raw.redact.max_field_bytes,
            secret_keys: raw.redact.secret_keys,
            not_secret_keys: raw.redact.not_secret_keys,
            rule_files: raw.rules.files.iter().map(|p| dir.join(p)).collect(),
            disable: raw.rules.disable,
            overrides: raw.rules.overrides,
            add: raw
                .rules
                .add
                .into_iter()
                .map(|mut r| {
                    r.origin = format!("{} [[rules.add]]", path.display());
                    r
                })
                .collect(),
            taint_env: raw.taint.env,
            taint_files: raw.taint.files.iter().map(|p| dir.join(p)).collect(),
            canary_file: raw.canary.file.map(|p| dir.join(p)),
        };
        if !errors.is_empty() {
            bail!(
                "invalid config file {}:\n  {}",
                path.display(),
                errors.join("\n  ")
            );
        }
        Ok(cfg)
    }

    fn origin(&self) -> String {
        self.source
            .as_ref()
            .map_or("<command line>".to_string(), |p| p.display().to_string())
    }

    /// Built-in rules + rule files + inline rules, with disables and
    /// overrides applied, compiled. A user rule with a built-in id replaces it.
    pub fn rule_db(&self, extra_files: &[PathBuf], extra_disable: &[String]) -> Result<RuleDb> {
        let mut specs = pack::builtin_specs()?;
        let mut user: Vec<RuleSpec> = Vec::new();
        for f in self.rule_files.iter().chain(extra_files) {
            let text = std::fs::read_to_string(f)
                .with_context(|| format!("cannot read rule file {}", f.display()))?;
            let (specs, warnings) =
                pack::parse_rule_file_with_warnings(&f.display().to_string(), &text)?;
            for w in warnings {
                eprintln!("stanch: warning: {w}");
            }
            user.extend(specs);
        }
        user.extend(self.add.iter().cloned());
        for u in user {
            if let Some(existing) = specs.iter_mut().find(|s| s.id == u.id) {
                *existing = u;
            } else {
                specs.push(u);
            }
        }
        let mut errors = Vec::new();
        for d in self.disable.iter().chain(extra_disable) {
            let before = specs.len();
            match d.strip_suffix('*') {
                Some(prefix) => specs.retain(|s| !s.id.starts_with(prefix)),
                None => specs.retain(|s| &s.id != d),
            }
            if specs.len() == before {
                errors.push(format!("rules.disable: no rule matches `{d}`"));
            }
        }
        for o in &self.overrides {
            let Some(s) = specs.iter_mut().find(|s| s.id == o.id) else {
                errors.push(format!("rules.override: no rule with id `{}`", o.id));
                continue;
            };
            if let Some(v) = o.severity {
                s.severity = v;
            }
            if let Some(v) = o.min_entropy {
                s.min_entropy = Some(v);
            }
            s.allow_regexes.extend(o.allow_regexes.iter().cloned());
            s.allow_stopwords.extend(o.allow_stopwords.iter().cloned());
        }
        if !errors.is_empty() {
            bail!("{}: {}", self.origin(), errors.join("; "));
        }
        Ok(RuleDb::new(specs)?)
    }

    /// The redaction policy: config first, then command-line overrides.
    pub fn policy(&self) -> Policy {
        let mut p = Policy {
            tenant: self.tenant.clone(),
            style: self.style,
            ..Policy::default()
        };
        if let Some(s) = self.secret_style {
            p.secret_style = s;
        }
        if let Some(s) = self.pii_style {
            p.pii_style = s;
        }
        if let Some(s) = self.min_severity {
            p.min_severity = s;
        }
        if let Some(d) = self.email_domain {
            p.email_domain = d;
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("stanch.toml");
        std::fs::write(&p, text).unwrap();
        Config::load(&p)
    }

    #[test]
    fn every_error_is_named() {
        let e = load("[redact]\nstyle = \"blur\"\nmin_severity = \"huge\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("redact.style"), "{e}");
        assert!(e.contains("redact.min_severity"), "{e}");
        assert!(e.contains("stanch.toml"), "{e}");
    }

    #[test]
    fn taint_and_canary_sections() {
        let c =
            load("[taint]\nenv = [\"AWS_*\"]\nfiles = [\"t.env\"]\n[canary]\nfile = \"c.toml\"\n")
                .unwrap();
        assert_eq!(c.taint_env, ["AWS_*"]);
        assert!(c.taint_files[0].ends_with("t.env") && c.taint_files[0].is_absolute());
        assert!(c.canary_file.unwrap().ends_with("c.toml"));
        let e = load("[taint]\nenv = [\"[\"]\n").unwrap_err().to_string();
        assert!(
            e.contains("taint.env[0]") && e.contains("stanch.toml"),
            "{e}"
        );
        let e = format!("{:#}", load("[canary]\nfiles = []\n").unwrap_err());
        assert!(e.contains("files"), "{e}");
    }

    #[test]
    fn structured_settings() {
        let c = load(
            "[redact]\nformat = \"jsonl\"\nmax_field_bytes = 4096\nsecret_keys = [\"X-Ticket\"]\nnot_secret_keys = [\"session\"]\n",
        )
        .unwrap();
        assert_eq!(c.format, Some(InputFormat::Jsonl));
        assert_eq!(c.max_field_bytes, Some(4096));
        assert_eq!(c.secret_keys, ["X-Ticket"]);
        assert_eq!(c.not_secret_keys, ["session"]);
        let e = load("[redact]\nformat = \"xml\"\nmax_field_bytes = 3\nsecret_keys = [\"\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("stanch.toml"), "{e}");
        assert!(e.contains("redact.format") && e.contains("xml"), "{e}");
        assert!(e.contains("redact.max_field_bytes"), "{e}");
        assert!(e.contains("redact.secret_keys[0]"), "{e}");
    }

    #[test]
    fn decode_and_email_domain() {
        let c = load("[redact]\ndecode = false\nemail_domain = \"keep\"\n").unwrap();
        assert_eq!(c.decode, Some(false));
        assert_eq!(c.policy().email_domain, EmailDomain::Keep);
        let d = Config::default();
        assert_eq!(d.policy().email_domain, EmailDomain::Hide);
        let e = load("[redact]\nemail_domain = \"show\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("redact.email_domain"), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = format!("{:#}", load("[redact]\nstlye = \"mask\"\n").unwrap_err());
        assert!(e.contains("stlye"), "{e}");
    }

    #[test]
    fn disable_override_add() {
        let c = load(
            r#"
[rules]
disable = ["ipv6"]
[[rules.override]]
id = "email"
severity = "low"
[[rules.add]]
id = "acme-token"
name = "ACME internal token"
category = "secret"
severity = "high"
keywords = ["acme_"]
pattern = '\b(acme_[a-z0-9]{16})\b'
examples = ["t=acme_0123456789abcdef"]
"#,
        )
        .unwrap();
        let db = c.rule_db(&[], &[]).unwrap();
        assert!(db.lookup("acme-token").is_some());
        assert_eq!(
            db.rule(db.lookup("email").unwrap()).severity(),
            Severity::Low
        );
        assert!(db.lookup("ipv6").is_none());
        let bad = load("[rules]\ndisable = [\"no-such-rule\"]\n").unwrap();
        assert!(bad
            .rule_db(&[], &[])
            .unwrap_err()
            .to_string()
            .contains("no-such-rule"));
    }
}
