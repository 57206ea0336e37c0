//! # stanch-redact
//!
//! Turns engine findings into redacted text. No async.
//!
//! How the pieces connect:
//! - [`key`]: the user's 256-bit key; every keyed hash (fingerprints,
//!   pseudonyms) goes through it. Its `Debug` never prints it.
//! - [`style`]: what replaces a finding: `[REDACTED:rule]`, `<email:1a2b3c4d>`,
//!   `****`, `[HASH:rule:…]`.
//! - [`redactor`]: policy (which findings, which style), span merging, and
//!   writing text with every byte outside a finding unchanged.
//! - [`decode`]: an engine extension that finds secrets inside base64,
//!   URL-encoding and JSON escapes by scanning the decoded text.
//! - [`restore`]: a per-scope map from pseudonyms back to originals (filled
//!   by `Redactor::redact_recording`), restoring text whole or streamed.
//! - [`stream`]: the same over `Read`/`Write` in bounded memory, handing on
//!   complete lines as soon as they arrive.
//! - [`structured`]: JSON documents and lines walked with the key each
//!   value sits under (values under `password`, `Authorization`… redacted
//!   whole), output valid JSON of the same shape.
//! - [`taint`]: registered secrets and canaries, found in any common
//!   encoding by an engine extension.
//! - [`canary`]: minting canary tokens and the canary file format.

pub mod canary;
pub mod decode;
pub mod key;
pub mod redactor;
pub mod restore;
pub mod stream;
pub mod structured;
pub mod style;
pub mod taint;

pub use key::{Key, KeyOrigin};
pub use redactor::{Policy, Redactor, Stats};
pub use restore::{RestoreMap, Restorer};
pub use style::{EmailDomain, Style};
