//! Which key to use: `--key-file`, then `$STANCH_KEY`, then `$STANCH_KEY_FILE`,
//! then the config's `key_file`, else a random key for this run only.
//! Errors name where the key came from, never its contents.

use crate::config::Config;
use anyhow::{Context, Result};
use stanch_redact::Key;
use std::path::Path;

pub fn resolve(flag: Option<&Path>, config: &Config) -> Result<Key> {
    if let Some(p) = flag {
        return from_file(p);
    }
    if let Some(v) = std::env::var_os("STANCH_KEY") {
        return Key::parse(v.as_encoded_bytes()).context("invalid STANCH_KEY");
    }
    if let Some(p) = std::env::var_os("STANCH_KEY_FILE") {
        return from_file(Path::new(&p));
    }
    if let Some(p) = &config.key_file {
        return from_file(p);
    }
    Ok(Key::ephemeral())
}

fn from_file(p: &Path) -> Result<Key> {
    let bytes = zeroize::Zeroizing::new(
        std::fs::read(p).with_context(|| format!("cannot read key file {}", p.display()))?,
    );
    Key::parse(&bytes).with_context(|| format!("invalid key file {}", p.display()))
}
