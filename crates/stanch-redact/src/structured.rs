//! Structure-aware redaction: the key a value sits under is context.
//!
//! - [`keys`]: which key names hold secrets (`password`, `Authorization`,
//!   `x-api-key`…), configurable.
//! - [`parse`]: a strict JSON parser that keeps byte spans, and JSON string
//!   escaping.
//! - [`json`]: redacts JSON documents and JSON lines, keeping them valid
//!   JSON of the same shape with every untouched byte as it was.
//!
//! Text formats (logfmt, `.env`, YAML, HTTP header blocks, Python/JS reprs)
//! get key context from the rule pack's assignment and header families
//! (`rules/context-assign.toml`, `rules/context-http.toml`), which read the
//! key and the value in one pattern.

pub mod json;
pub mod keys;
pub mod parse;

pub use json::{Edit, JsonRedactor, JsonScratch, Queued, Seen};
pub use keys::{KeyClass, SecretKeys};
pub use parse::JsonError;
