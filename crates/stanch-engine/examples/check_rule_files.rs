//! Development aid for rule authors: compile the given rule files together
//! (read from disk, not the embedded pack) and run their examples/negatives.
//! Also scans optional `--text FILE` and prints findings (rule id + span only).
//!
//!   cargo run -q -p stanch-engine --example check_rule_files -- rules/aws.toml [more.toml]
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut specs = Vec::new();
    let mut text = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--text" {
            text = args.next();
            continue;
        }
        let body = std::fs::read_to_string(&a).expect("read rule file");
        match stanch_engine::pack::parse_rule_file(&a, &body) {
            Ok(s) => specs.extend(s),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let n = specs.len();
    let db = match stanch_engine::RuleDb::new(specs) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let failures = stanch_engine::check::check(&db);
    for f in &failures {
        eprintln!("{f}");
    }
    if let Some(t) = text {
        let hay = std::fs::read(&t).expect("read text");
        let mut scratch = db.scratch();
        let mut out = Vec::new();
        db.scan(&hay, &mut scratch, &mut out);
        for f in &out {
            println!("{} {}..{}", db.rule(f.rule).id(), f.start, f.end);
        }
    }
    eprintln!("{n} rules, {} failure(s)", failures.len());
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
