//! `stanch rules list` and `stanch rules check`.

use crate::cli::{ListFormat, RulesArgs, RulesCommand};
use crate::config::Config;
use anyhow::{Context, Result};
use serde_json::json;
use stanch_engine::{check, pack, RuleDb};
use std::io::Write;

pub fn run(config: &Config, args: RulesArgs) -> Result<u8> {
    match args.command {
        RulesCommand::List { format, common } => {
            let db = config.rule_db(&common.rule_files, &common.disable)?;
            let mut out = std::io::stdout().lock();
            match format {
                ListFormat::Text => {
                    for r in db.rules() {
                        writeln!(
                            out,
                            "{:<40} {:<6} {:<8} {}",
                            r.id(),
                            r.category(),
                            r.severity(),
                            r.name()
                        )?;
                    }
                }
                ListFormat::Json => {
                    let list: Vec<_> = db
                        .rules()
                        .iter()
                        .map(|r| {
                            json!({
                                "id": r.id(), "name": r.name(), "category": r.category(),
                                "severity": r.severity(), "specificity": r.specificity(),
                                "keywords": r.spec().keywords, "finder": r.spec().finder,
                                "validator": r.spec().validator, "source": r.spec().origin,
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &list)?;
                    writeln!(out)?;
                }
            }
            Ok(0)
        }
        RulesCommand::Check { files, common } => {
            let db = if files.is_empty() {
                config.rule_db(&common.rule_files, &common.disable)?
            } else {
                let mut specs = Vec::new();
                for f in &files {
                    let text = std::fs::read_to_string(f)
                        .with_context(|| format!("cannot read rule file {}", f.display()))?;
                    let (s, warnings) =
                        pack::parse_rule_file_with_warnings(&f.display().to_string(), &text)?;
                    for w in warnings {
                        eprintln!("warning: {w}");
                    }
                    specs.extend(s);
                }
                RuleDb::new(specs)?
            };
            let failures = check::check(&db);
            let examples: usize = db
                .rules()
                .iter()
                .map(|r| r.spec().examples.len() + r.spec().negatives.len())
                .sum();
            for f in &failures {
                eprintln!("{f}");
            }
            if failures.is_empty() {
                eprintln!(
                    "ok: {} rules compile together; {} examples and negatives behave",
                    db.len(),
                    examples
                );
                Ok(0)
            } else {
                eprintln!("{} failure(s) in {} rules", failures.len(), db.len());
                Ok(1)
            }
        }
    }
}
