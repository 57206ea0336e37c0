//! Dev aid: which rules cost the most on a given file. Scans the file once
//! per rule with a database holding only that rule (plus once with all of
//! them) and prints the slowest rules with their finding counts.
//!
//! `cargo run --release -p stanch-engine --example rule_profile -- FILE [TOP]`
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: rule_profile FILE [TOP]");
    let top: usize = args.next().map_or(30, |s| s.parse().unwrap());
    let hay = std::fs::read(path).unwrap();
    let specs = stanch_engine::pack::builtin_specs().unwrap();
    let time = |db: &stanch_engine::RuleDb| {
        assert!(db.compile_all().is_empty());
        let mut s = db.scratch();
        let mut out = Vec::new();
        db.scan(&hay[..hay.len().min(1 << 20)], &mut s, &mut out); // warm caches
        let t = Instant::now();
        db.scan(&hay, &mut s, &mut out);
        (t.elapsed().as_secs_f64(), out.len())
    };
    let all = stanch_engine::RuleDb::new(specs.clone()).unwrap();
    let (t_all, n_all) = time(&all);
    let mb = hay.len() as f64 / 1e6;
    println!(
        "all rules: {:.3} s ({:.0} MB/s), {} findings",
        t_all,
        mb / t_all,
        n_all
    );
    let finders: Vec<_> = specs
        .iter()
        .filter(|s| s.finder.is_some())
        .cloned()
        .collect();
    let patterns: Vec<_> = specs
        .iter()
        .filter(|s| s.pattern.is_some())
        .cloned()
        .collect();
    for (name, set) in [("finder rules", finders), ("pattern rules", patterns)] {
        let (t, n) = time(&stanch_engine::RuleDb::new(set).unwrap());
        println!("{name}: {:.3} s ({:.0} MB/s), {} findings", t, mb / t, n);
    }
    let mut rows = Vec::new();
    for s in &specs {
        let db = stanch_engine::RuleDb::new(vec![s.clone()]).unwrap();
        let (t, n) = time(&db);
        rows.push((t, n, s.id.clone(), s.keywords.join(",")));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let sum: f64 = rows.iter().map(|r| r.0).sum();
    println!("sum of single-rule scans: {sum:.3} s");
    for (t, n, id, kw) in rows.iter().take(top) {
        println!(
            "{:>8.1} ms {:>7} {id}  [{}]",
            t * 1e3,
            n,
            &kw[..kw.len().min(80)]
        );
    }
}
