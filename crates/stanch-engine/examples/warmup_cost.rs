//! Dev aid: what each rule costs the first time a process meets it (regex
//! compilation and lazy-DFA building) against a second scan of the same text.
//! Scans the file twice per rule with a database holding only that rule and
//! prints the rules with the largest difference.
//!
//! `cargo run --release -p stanch-engine --example warmup_cost -- FILE [TOP]`
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: warmup_cost FILE [TOP]");
    let top: usize = args.next().map_or(30, |s| s.parse().unwrap());
    let hay = std::fs::read(path).unwrap();
    let specs = stanch_engine::pack::builtin_specs().unwrap();
    let mut rows = Vec::new();
    for s in specs.iter().filter(|s| s.pattern.is_some()) {
        let db = stanch_engine::RuleDb::new(vec![s.clone()]).unwrap();
        let mut scratch = db.scratch();
        let mut out = Vec::new();
        let t = Instant::now();
        db.scan(&hay, &mut scratch, &mut out);
        let cold = t.elapsed().as_secs_f64();
        out.clear();
        let t = Instant::now();
        db.scan(&hay, &mut scratch, &mut out);
        let warm = t.elapsed().as_secs_f64();
        rows.push((cold - warm, cold, warm, out.len(), s.id.clone()));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let sum: f64 = rows.iter().map(|r| r.0).sum();
    let woken = rows.iter().filter(|r| r.3 > 0 || r.0 > 0.001).count();
    println!(
        "sum of (cold - warm): {:.1} ms over {} rules ({woken} over 1 ms or finding)",
        sum * 1e3,
        rows.len()
    );
    for (d, c, w, n, id) in rows.iter().take(top) {
        println!(
            "{:>7.2} ms  cold {:>7.2} warm {:>7.2} {:>7} {id}",
            d * 1e3,
            c * 1e3,
            w * 1e3,
            n
        );
    }
}
#[allow(dead_code)]
fn _x() {}
