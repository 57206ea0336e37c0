//! Extensions the CLI plugs into the rule database (see
//! `stanch_engine::Extension`): the decoder for secrets inside base64,
//! URL-encoding and JSON escapes (config `[redact] decode`, on by default).
//! `redact` and `scan` both use it, so they agree on what is found.

use crate::config::Config;
use stanch_engine::RuleDb;
use stanch_redact::decode::Decoder;
use std::sync::Arc;

/// `db` with the extensions the config turns on.
pub fn add(config: &Config, db: RuleDb) -> RuleDb {
    if config.decode.unwrap_or(true) {
        db.with_extension(Arc::new(Decoder::default()))
    } else {
        db
    }
}
