//! `mdbook-translate check [BOOK]`: the identity round trip over a book.
//!
//! Every unit is rendered back from its tagged text (as a translation would
//! be) and the chapter is compared with the source, event by event; any
//! chapter whose output would differ is reported.

use super::{ExpandedBook, load_expanded_book};
use clap::Args;
use mdbook_preprocessor::book::BookItem;
use mdbook_translate::collect::collect_book;
use mdbook_translate::segment::{HeadingIds, SpliceOptions, Unit, first_difference, splice_chapter};
use std::path::PathBuf;

/// Arguments of `mdbook-translate check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
}

/// Runs the check; exit code 0 when every chapter round-trips.
pub(crate) fn execute(args: CheckArgs) -> anyhow::Result<i32> {
    let ExpandedBook { config, book, texts } = load_expanded_book(&args.book)?;
    let collected = collect_book(&book, &texts, &config.segment_options());
    let no_ids = HeadingIds::default();
    let (mut n_chapters, mut n_units, mut differences) = (0, 0, Vec::new());
    let contents = book.iter().map(|item| match item {
        BookItem::Chapter(chapter) => Some(chapter.content.as_str()),
        _ => None,
    });
    for (collected, content) in collected.items.iter().zip(contents) {
        let (Some(chapter), Some(content)) = (collected, content) else {
            continue;
        };
        let Some(path) = &chapter.source_file else { continue };
        n_chapters += 1;
        n_units += chapter.segments.translatable_units().count();
        let splice_options = SpliceOptions {
            target_language: &config.source_language,
            heading_ids: &no_ids,
            escape_dollar: config.math.dollar,
            render_unchanged: true,
        };
        let identity = |unit: &Unit| Some(unit.tagged.clone());
        match splice_chapter(content, &chapter.segments, &identity, splice_options) {
            Err(error) => differences.push(format!("{path}: {error}")),
            Ok(spliced) => {
                for kept in &spliced.kept_units {
                    differences.push(format!(
                        "{path}: `{}` cannot be rendered back: {}",
                        kept.tagged, kept.reason
                    ));
                }
                if let Some(detail) = first_difference(content, &spliced.markdown) {
                    differences.push(format!("{path}: {detail}"));
                }
            }
        }
    }
    for difference in &differences {
        println!("{difference}");
    }
    eprintln!(
        "mdbook-translate check: {n_chapters} chapters, {n_units} units, {} differences",
        differences.len()
    );
    Ok(if differences.is_empty() { 0 } else { 1 })
}
