//! `livectl usersig [--ttl SECS]`: the one command that prints a UserSig.

use clap::Args;
use serde_json::json;

use crate::api::signer;
use crate::cmd::Ctx;
use crate::error::Error;
use crate::output::{self, Format};
use crate::{config, usersig};

#[derive(Args, Debug, Clone)]
pub struct UsersigArgs {
    /// Lifetime in seconds, 5 to 15552000 [default: the profile's usersig_ttl]
    #[arg(long, value_name = "SECS")]
    pub ttl: Option<u64>,
}

/// `livectl usersig [--ttl SECS]`: the one command that prints a UserSig.
pub fn run(ctx: &Ctx, args: &UsersigArgs) -> anyhow::Result<()> {
    let s = ctx.settings()?;
    let ttl = match args.ttl {
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
