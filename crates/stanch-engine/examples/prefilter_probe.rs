//! Dev aid: compare keyword prefilter automata on a file (run under `perf stat`).
//! Usage: prefilter_probe FILE dfa-ll|dfa-std|cnfa|dfa-ll-nocase
fn main() {
    let mut args = std::env::args().skip(1);
    let hay = std::fs::read(args.next().unwrap()).unwrap();
    let mode = args.next().unwrap();
    let specs = stanch_engine::pack::builtin_specs().unwrap();
    let mut kws: Vec<String> = specs
        .iter()
        .flat_map(|s| s.keywords.iter().map(|k| k.to_ascii_lowercase()))
        .collect();
    kws.sort();
    kws.dedup();
    if let Ok(n) = std::env::var("TAKE") {
        let n: usize = n.parse().unwrap();
        let step = (kws.len() / n).max(1);
        kws = kws.into_iter().step_by(step).take(n).collect();
    }
    use aho_corasick::{AhoCorasick, AhoCorasickKind as K, MatchKind as M};
    let (kind, mk, ci) = match mode.as_str() {
        "dfa-ll" => (K::DFA, M::LeftmostLongest, true),
        "dfa-std" => (K::DFA, M::Standard, true),
        "cnfa" => (K::ContiguousNFA, M::LeftmostLongest, true),
        _ => (K::DFA, M::LeftmostLongest, false),
    };
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(ci)
        .match_kind(mk)
        .kind(Some(kind))
        .build(&kws)
        .unwrap();
    let mut n = 0;
    for _ in 0..5 {
        n += ac.find_iter(&hay).count();
    }
    eprintln!("{} keywords, {} KB, {n} hits", kws.len(), ac.memory_usage() / 1024);
}
