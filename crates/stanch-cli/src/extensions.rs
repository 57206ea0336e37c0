//! Extensions the CLI plugs into the rule database (see
//! `stanch_engine::Extension`): the decoder for secrets inside base64,
//! URL-encoding and JSON escapes (config `[redact] decode`, on by default).
//! `redact`, `scan` and `serve` all use it, so they agree on what is found;
//! [`redactor`] builds the whole redaction setup `redact` and `serve` share.

use crate::cli::{Common, SeverityArg, StyleArg};
use crate::config::Config;
use anyhow::Result;
use stanch_engine::RuleDb;
use stanch_redact::decode::Decoder;
use stanch_redact::Redactor;
use std::sync::Arc;

/// What `redact` and `serve` run: the rule set of the config and the
/// command line, with registered secrets, canaries and the config's
/// extensions; the key; the config's policy with `--style` and
/// `--min-severity` over it.
/// With `only_applying`, rules below the policy's minimum severity are not
/// run at all (`redact`: their findings would be left alone anyway); `serve`
/// keeps them, since its policies and audit records see every finding.
pub fn redactor(
    config: &Config,
    common: &Common,
    style: Option<StyleArg>,
    min_severity: Option<SeverityArg>,
    only_applying: bool,
) -> Result<Redactor> {
    let db = config.rule_db(&common.rule_files, &common.disable)?;
    let db = crate::taint::attach(config, common, db)?.db;
    let db = add(config, db);
    let key = crate::keys::resolve(common.key_file.as_deref(), config)?;
    let mut policy = config.policy();
    if let Some(s) = style {
        policy.style = Some(s.to_style());
    }
    if let Some(s) = min_severity {
        policy.min_severity = s.to_engine();
    }
    let db = if only_applying {
        db.run_from(policy.min_severity)
    } else {
        db
    };
    Ok(Redactor::new(db, key, policy))
}

/// `db` with the extensions the config turns on.
pub fn add(config: &Config, db: RuleDb) -> RuleDb {
    if config.decode.unwrap_or(true) {
        db.with_extension(Arc::new(Decoder::default()))
    } else {
        db
    }
}
