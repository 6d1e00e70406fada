//! Small commands (`explain`, `usersig`) and the modules of the others.

pub mod doctor;
pub mod lifecycle;
pub mod live;
pub mod manual;
pub mod profile;

use serde_json::json;

use crate::api::signer;
use crate::app::Ctx;
use crate::codes::{self, CODES};
use crate::error::Error;
use crate::output::{self, Format};
use crate::{config, usersig};

/// `livectl explain [CODE]`: offline.
pub fn explain(ctx: &Ctx, code: Option<i64>) -> anyhow::Result<()> {
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

/// `livectl usersig [--ttl SECS]`: the one command that prints a UserSig.
pub fn usersig(ctx: &Ctx, ttl: Option<u64>) -> anyhow::Result<()> {
    let s = ctx.settings()?;
    let ttl = match ttl {
        Some(t) => {
            config::check_ttl(t).map_err(|m| Error::usage(format!("--ttl: {m}")))?;
            t
        }
        None => s.usersig_ttl.value,
    };
    let (sdkappid, identifier) = (s.require_sdkappid()?, s.require_identifier()?);
    let sig = usersig::generate(
        sdkappid,
        &s.require_secret()?,
        &identifier,
        ttl,
        signer::system_clock(),
    );
    match ctx.format() {
        Format::Json => output::print_json(&json!({
            "usersig": sig.expose(),
            "identifier": identifier,
            "sdkappid": sdkappid,
            "ttl": ttl,
        })),
        Format::Text => output::println(sig.expose()),
    }
    Ok(())
}
