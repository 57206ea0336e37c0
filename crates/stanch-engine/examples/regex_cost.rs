//! Dev aid: compile cost and memory of each rule's regex (largest first).
fn main() {
    let specs = stanch_engine::pack::builtin_specs().unwrap();
    let mut rows = Vec::new();
    for s in &specs {
        let Some(p) = &s.pattern else { continue };
        let t = std::time::Instant::now();
        let re = regex_automata::meta::Regex::builder()
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .unicode(false)
                    .utf8(false),
            )
            .build(p)
            .unwrap();
        rows.push((re.memory_usage(), t.elapsed().as_micros(), s.id.clone()));
    }
    rows.sort();
    rows.reverse();
    let total: usize = rows.iter().map(|r| r.0).sum();
    let us: u128 = rows.iter().map(|r| r.1).sum();
    println!("total {} KB, {} ms", total / 1024, us / 1000);
    for r in rows.iter().take(25) {
        println!("{:>8} KB {:>6} us {}", r.0 / 1024, r.1, r.2);
    }
}
