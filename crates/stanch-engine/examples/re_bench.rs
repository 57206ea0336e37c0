//! Dev aid: what one rule's regex costs per keyword window, split into the
//! forward search, the full match (forward + reverse) and the capture search
//! the engine runs.
//!
//! `cargo run --release -p stanch-engine --example re_bench -- RULE-ID FILE`
use regex_automata::{meta, nfa::thompson, Input};
fn main() {
    let id = std::env::args().nth(1).unwrap();
    let file = std::env::args().nth(2).unwrap();
    let specs = stanch_engine::pack::builtin_specs().unwrap();
    let spec = specs.iter().find(|s| s.id == id).unwrap();
    let pat = spec.pattern.as_ref().unwrap();
    let syn = regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false);
    let nfa = thompson::Compiler::new().syntax(syn).build(pat).unwrap();
    println!("nfa states {}", nfa.states().len());
    let re = meta::Regex::builder()
        .syntax(syn)
        .configure(meta::Config::new().utf8_empty(false).onepass(false))
        .build(pat)
        .unwrap();
    let hay = std::fs::read(file).unwrap();
    let kw = spec.keywords[0]
        .trim_end_matches("\\b")
        .to_ascii_lowercase();
    let lower = hay.to_ascii_lowercase();
    let mut wins = Vec::new();
    let mut i = 0;
    while let Some(p) = memchr::memmem::find(&lower[i..], kw.as_bytes()) {
        let s = i + p;
        wins.push((s.saturating_sub(200), (s + 300).min(hay.len())));
        i = s + 1;
    }
    let mut cache = re.create_cache();
    let mut caps = re.create_captures();
    for mode in 0..3 {
        let t = std::time::Instant::now();
        let mut n = 0;
        for &(a, b) in &wins {
            let input = Input::new(&hay).span(a..b);
            match mode {
                0 => {
                    if re.search_half_with(&mut cache, &input).is_some() {
                        n += 1
                    }
                }
                1 => {
                    if re.search_with(&mut cache, &input).is_some() {
                        n += 1
                    }
                }
                _ => {
                    re.search_captures_with(&mut cache, &input, &mut caps);
                    if caps.is_match() {
                        n += 1
                    }
                }
            }
        }
        println!(
            "mode {mode}: {} windows, {n} matches, {:.1} us/window",
            wins.len(),
            t.elapsed().as_secs_f64() * 1e6 / wins.len() as f64
        );
    }
}
