//! Dev aid: the first scan of a text against the second, with the whole
//! built-in pack, split into compiling (done up front here) and the rest.
//! `cargo run --release -p stanch-engine --example warmup_all -- FILE`
use std::time::Instant;
fn main() {
    let hay = std::fs::read(std::env::args().nth(1).expect("FILE")).unwrap();
    for compile_first in [false, true] {
        let db = stanch_engine::pack::builtin().unwrap();
        let t = Instant::now();
        if compile_first {
            db.compile_all();
        }
        let compile = t.elapsed().as_secs_f64();
        let mut s = db.scratch();
        let mut out = Vec::new();
        let mut pass = |label: &str| {
            let t = Instant::now();
            for c in hay.chunks(1 << 20) {
                db.scan(c, &mut s, &mut out);
            }
            println!(
                "compile_all first: {compile_first} ({:.1} ms); {label}: {:.1} ms",
                compile * 1e3,
                t.elapsed().as_secs_f64() * 1e3
            );
        };
        pass("first pass");
        pass("second pass");
    }
}
