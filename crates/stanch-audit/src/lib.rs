//! # stanch-audit
//!
//! The gateway's audit trail, approvals and policy-as-code. Synchronous:
//! the gateway talks to it through [`writer::Writer`], a dedicated thread.
//!
//! How the pieces connect:
//! - [`record`]: what one record holds (rule ids, categories, counts, keyed
//!   fingerprints, sizes, hashes, never values or bodies) and its
//!   canonical text.
//! - [`chain`]: each record's hash covers its seq, its predecessor's hash
//!   and its text: HMAC-SHA256 under the user's key, or SHA-256 without one.
//! - [`store`]: SQLite (bundled, WAL): append in one transaction per group,
//!   a MAC'd head row against a cut-off tail, queries, pruning with a
//!   checkpoint; [`verify`] walks the chain and names the first bad record.
//! - [`approvals`]: pending approvals bound to caller, route and body hash;
//!   every step audited in the same transaction.
//! - [`writer`]: the writer thread with group commit.
//! - [`rego`]: Rego policies (regorus), compiled once, evaluated per
//!   request; `test_` rules for `stanch policy test`.

pub mod approvals;
pub mod chain;
pub mod record;
pub mod rego;
pub mod store;
pub mod verify;
pub mod writer;

pub use approvals::{Approval, ApprovalError};
pub use chain::Chain;
pub use record::{FindingSummary, Record};
pub use store::{Filter, Store, StoreError, Stored, Sync};
pub use verify::{Broken, Report, VerifyError};
pub use writer::Writer;
