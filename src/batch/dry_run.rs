//! A batch's `--dry-run`, after the whole-file check: the plan (`would
//! create 2,000 rooms: ev-0001 … ev-2000`) from what the check found, and
//! under `-v` or `-o json` every request, written in blocks. It resolves the
//! settings as a real run would, and builds nothing only sending needs.

use super::input::{self, Checked, Input};
use super::{Io, Options, Plan, progress, unread};
use crate::api::{Client, dry_run_url, write_dry_run};
use crate::error::End;
use crate::output::{self, Format};
use crate::room::RoomSpec;

/// Runs the dry run of a file that checked out.
pub(super) fn run(
    io: &Io,
    plan: &dyn Plan,
    opts: &Options,
    input: &Input,
    defaults: &RoomSpec,
    checked: &Checked,
) -> anyhow::Result<End> {
    let client = (io.connect)(true)?;
    if io.format == Format::Json || output::verbosity() > 0 {
        print_bodies(&client, io.format, plan, input, defaults)?;
    }
    if let Some(e) = unread(input, plan, opts) {
        return Err(e);
    }
    if io.format == Format::Text {
        output::println(progress::plan_line(plan.endpoint(), checked));
    }
    output::note(format!(
        "dry run: {} request(s) checked, nothing sent",
        checked.rows
    ));
    Ok(End::Done)
}

/// The requests of a dry run (`-v` or `-o json`), written in blocks rather
/// than a write per line.
fn print_bodies(
    client: &Client,
    format: Format,
    plan: &dyn Plan,
    input: &Input,
    defaults: &RoomSpec,
) -> anyhow::Result<()> {
    const BLOCK: usize = 64 * 1024;
    let url = dry_run_url(client, plan.endpoint());
    let mut block = String::with_capacity(BLOCK + 1024);
    for row in input::rows(input, plan.columns(), defaults)? {
        if !block.is_empty() {
            block.push('\n');
        }
        write_dry_run(&mut block, &url, &plan.body(&row.spec), format);
        if block.len() >= BLOCK {
            output::println(&block);
            block.clear();
            if output::stdout_closed() {
                return Ok(());
            }
        }
    }
    if !block.is_empty() {
        output::println(&block);
    }
    Ok(())
}
