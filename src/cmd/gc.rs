//! `mdbook-translate gc [BOOK] [--dry-run] [--human]`: removes the store's
//! records of units the book no longer has, in any language.

use super::load_expanded_book;
use clap::Args;
use mdbook_translate::collect::collect_book;
use mdbook_translate::pipeline::{keys_in_use, open_store};
use mdbook_translate::store::{GcOptions, Languages, UnitKey};
use std::collections::HashSet;
use std::path::PathBuf;

/// Arguments of `mdbook-translate gc`.
#[derive(Debug, Args)]
pub(crate) struct GcArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// Count what would be removed; remove nothing.
    #[arg(long)]
    dry_run: bool,
    /// Remove the human translations of units no longer in the book too
    /// (the PO files keep them, as `#~` obsolete entries).
    #[arg(long)]
    human: bool,
}

/// Runs `gc`.
pub(crate) fn execute(args: GcArgs) -> anyhow::Result<i32> {
    let expanded = load_expanded_book(&args.book)?;
    let config = &expanded.config;
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let mut in_use: HashSet<UnitKey> = HashSet::new();
    for target in &config.languages {
        let languages = Languages {
            source: &config.source_language,
            target,
        };
        in_use.extend(keys_in_use(&collected, languages));
    }
    let store = open_store(config)?;
    let options = GcOptions {
        human: args.human,
        dry_run: args.dry_run,
    };
    let report = store.collect_garbage(&|key| in_use.contains(key), options)?;
    let verb = if args.dry_run { "would remove" } else { "removed" };
    eprintln!(
        "mdbook-translate: gc: {verb} {} machine and {} human records of units no longer in the book \
         ({} bytes) from {}; {} records in use kept",
        report.n_machine,
        report.n_human,
        report.bytes,
        store.path().display(),
        report.n_kept
    );
    if report.n_human_kept > 0 {
        eprintln!(
            "mdbook-translate: gc: {} human records of units no longer in the book kept; \
             `--human` removes them (the PO files keep their translations as `#~` entries)",
            report.n_human_kept
        );
    }
    Ok(0)
}
