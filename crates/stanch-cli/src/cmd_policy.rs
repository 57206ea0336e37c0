//! `stanch policy`: run a Rego policy set's own `test_` rules, or evaluate
//! its decision for an input document (see docs/audit.md, "Policies").

use crate::cli::{PolicyArgs, PolicyCommand};
use anyhow::{Context, Result};
use stanch_audit::rego::{expand, Policy};
use std::io::Read;

pub fn run(args: PolicyArgs) -> Result<u8> {
    match args.command {
        PolicyCommand::Test { files } => {
            let files = expand(&files).context("policy files")?;
            let p = Policy::load(&files)?;
            if p.tests().is_empty() {
                eprintln!("stanch: no test_ rules found");
                return Ok(1);
            }
            let (mut passed, mut failed) = (0, 0);
            for (name, r) in p.run_tests() {
                match r {
                    Ok(true) => {
                        passed += 1;
                        println!("PASS {name}");
                    }
                    Ok(false) => {
                        failed += 1;
                        println!("FAIL {name}");
                    }
                    Err(e) => {
                        failed += 1;
                        println!("ERROR {name}: {e}");
                    }
                }
            }
            println!("policy tests: {passed} passed, {failed} failed");
            Ok(u8::from(failed > 0))
        }
        PolicyCommand::Eval { policy, input } => {
            let files = expand(&policy).context("--policy")?;
            let p = Policy::load(&files)?;
            let mut text = String::new();
            if input.as_os_str() == "-" {
                std::io::stdin().read_to_string(&mut text)?;
            } else {
                text = std::fs::read_to_string(&input)
                    .with_context(|| format!("cannot read {}", input.display()))?;
            }
            let doc: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{}: not JSON", input.display()))?;
            let d = p.evaluate(&doc)?;
            println!("{}", serde_json::to_string_pretty(&d)?);
            Ok(0)
        }
    }
}
