//! `livectl explain [CODE]`: the meaning, fix and exit code of a service
//! error code, offline, from the table in `codes.rs`.

use clap::Args;
use serde_json::json;

use crate::cmd::Ctx;
use crate::codes::{self, CODES};
use crate::error::Error;
use crate::output::{self, Format};

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// Error code, e.g. 100003
    pub code: Option<i64>,
}

/// `livectl explain [CODE]`: offline.
pub fn run(ctx: &Ctx, args: &ExplainArgs) -> anyhow::Result<()> {
    let code = args.code;
    let rows: Vec<&codes::Code> = match code {
        Some(c) => vec![codes::lookup(c).ok_or_else(|| {
            Error::usage(format!(
                "unknown error code {c}; `livectl explain` lists the known ones"
            ))
        })?],
        None => CODES.iter().collect(),
    };
    match ctx.format() {
        Format::Json => {
            for c in rows {
                output::print_json(&json!({
                    "code": c.code, "meaning": c.meaning, "fix": c.fix,
                    "class": c.class.label(), "retryable": c.class.retryable(),
                    "exit_code": crate::error::exit_for_code(c.code),
                }));
            }
        }
        Format::Text if code.is_some() => {
            let c = rows[0];
            output::println(format!(
                "{}: {}\nfix: {}\nclass: {} (exit code {})",
                c.code,
                c.meaning,
                c.fix,
                c.class.label(),
                crate::error::exit_for_code(c.code)
            ));
        }
        Format::Text => {
            let mut table = vec![vec!["CODE".to_string(), "CLASS".into(), "MEANING".into()]];
            table.extend(
                rows.iter()
                    .map(|c| vec![c.code.to_string(), c.class.label().into(), c.meaning.into()]),
            );
            for line in output::columns(&table) {
                output::println(line);
            }
        }
    }
    Ok(())
}
