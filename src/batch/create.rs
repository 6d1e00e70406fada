//! `livectl create --from-csv` (issue 3).

use crate::app::Ctx;
use crate::cli::CreateArgs;

pub fn run(_ctx: &Ctx, _args: &CreateArgs) -> anyhow::Result<()> {
    anyhow::bail!("`livectl create --from-csv` is not implemented yet")
}
