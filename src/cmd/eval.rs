//! `mdbook-translate eval`: score machine output against a human reference.

use clap::Args;

/// Arguments of `mdbook-translate eval`.
#[derive(Debug, Args)]
pub(crate) struct EvalArgs {}

pub(crate) fn execute(_args: EvalArgs) -> anyhow::Result<i32> {
    anyhow::bail!("eval is not implemented yet")
}
