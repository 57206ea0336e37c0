//! Dev aid: how long each built-in rule takes to compile (regexes are
//! compiled on first use, so this is part of every process's start-up cost on
//! inputs that wake the rule).
//!
//! `cargo run --release -p stanch-engine --example compile_cost [TOP]`
use std::time::Instant;
fn main() {
    let top: usize = std::env::args()
        .nth(1)
        .map_or(25, |s| s.parse().expect("TOP is a number"));
    let specs = stanch_engine::pack::builtin_specs().unwrap();
    let mut rows = Vec::new();
    let t0 = Instant::now();
    for s in &specs {
        let db = stanch_engine::RuleDb::new(vec![s.clone()]).unwrap();
        let t = Instant::now();
        assert!(db.compile_all().is_empty());
        rows.push((t.elapsed().as_secs_f64() * 1e3, s.id.clone()));
    }
    println!("all {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let sum: f64 = rows.iter().map(|r| r.0).sum();
    println!("sum compile {sum:.1} ms");
    for r in rows.iter().take(top) {
        println!("{:>7.2} ms {}", r.0, r.1);
    }
}
