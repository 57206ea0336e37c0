//! `stanch key new FILE`: a random 256-bit key, hex, mode 0600.

use crate::cli::{KeyArgs, KeyCommand};
use anyhow::{bail, Context, Result};
use std::io::Write;

pub fn run(args: KeyArgs) -> Result<u8> {
    match args.command {
        KeyCommand::New { path, force } => {
            if path.exists() && !force {
                bail!(
                    "{} already exists (use --force to replace it)",
                    path.display()
                );
            }
            let hex = stanch_redact::Key::generate_hex();
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts
                .open(&path)
                .with_context(|| format!("cannot create key file {}", path.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
            f.write_all(hex.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            eprintln!("wrote a new key to {}", path.display());
            Ok(0)
        }
    }
}
