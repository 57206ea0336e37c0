//! Payment card candidates (placeholder until the digit-run finder lands).
pub fn find(_hay: &[u8], _out: &mut Vec<(usize, usize)>) {}
