//! get, update, destroy, list (issue 5).

use crate::app::Ctx;
use crate::cli::{DestroyArgs, GetArgs, ListArgs, UpdateArgs};

pub fn get(_ctx: &Ctx, _args: &GetArgs) -> anyhow::Result<()> {
    anyhow::bail!("`livectl get` is not implemented yet")
}

pub fn update(_ctx: &Ctx, _args: &UpdateArgs) -> anyhow::Result<()> {
    anyhow::bail!("`livectl update` is not implemented yet")
}

pub fn destroy(_ctx: &Ctx, _args: &DestroyArgs) -> anyhow::Result<()> {
    anyhow::bail!("`livectl destroy` is not implemented yet")
}

pub fn list(_ctx: &Ctx, _args: &ListArgs) -> anyhow::Result<()> {
    anyhow::bail!("`livectl list` is not implemented yet")
}
