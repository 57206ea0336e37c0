//! `stanch keys`: gateway API keys. A key is printed once; the keys file
//! (mode 0600) keeps only its SHA-256 with the caller's name and role.

use crate::cli::{KeysArgs, KeysCommand};
use anyhow::{bail, Context, Result};
use stanch_gateway::keys;
use std::io::Write;
use std::path::Path;

pub fn run(args: KeysArgs) -> Result<u8> {
    match args.command {
        KeysCommand::Create { name, role, file } => create(&name, &role, &file),
        KeysCommand::List { file } => list(&file),
    }
}

fn create(name: &str, role: &str, file: &Path) -> Result<u8> {
    let existing = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    };
    let records = keys::records(&existing).with_context(|| format!("{}", file.display()))?;
    if records.iter().any(|r| r.name == name) {
        bail!("{} already has a key named `{name}`", file.display());
    }
    let (key, record) = keys::mint(name, role)?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(file)
        .with_context(|| format!("cannot write {}", file.display()))?;
    if !existing.is_empty() && !existing.ends_with('\n') {
        writeln!(f)?;
    }
    write!(f, "\n{}", keys::record_toml(&record))?;
    println!("{}", key.as_str());
    eprintln!(
        "stanch: key for `{name}` (role `{role}`) added to {}; it is shown only now",
        file.display()
    );
    Ok(0)
}

fn list(file: &Path) -> Result<u8> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    for r in keys::records(&text).with_context(|| format!("{}", file.display()))? {
        println!("{}\t{}\t{}", r.name, r.role, r.created);
    }
    Ok(0)
}
