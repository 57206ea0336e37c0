//! What the JSON fuzz targets share (included with `#[path]`; not a target).

use stanch_redact::decode::Decoder;
use stanch_redact::{Key, Policy, Redactor};
use std::sync::{Arc, OnceLock};

/// The built-in pack with the decoder, under a fixed key, built once.
pub fn redactor() -> &'static Redactor {
    static R: OnceLock<Redactor> = OnceLock::new();
    R.get_or_init(|| {
        let db = stanch_engine::pack::builtin().expect("built-in pack compiles");
        Redactor::new(
            db.with_extension(Arc::new(Decoder::default())),
            Key::parse(&[b'k'; 32]).unwrap(),
            Policy::default(),
        )
    })
}
