//! `mdbook-translate check [BOOK]`: the identity round trip over a book.
//!
//! Every unit is rendered back from its tagged text (as a translation would
//! be) and the chapter is compared with the source, event by event; any
//! chapter whose output would differ is reported.

use super::{ExpandedBook, load_expanded_book};
use clap::Args;
use mdbook_preprocessor::book::BookItem;
use mdbook_translate::segment::{HeadingIds, SpliceOptions, extract_segments, splice_chapter};
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
    let ExpandedBook { config, book, .. } = load_expanded_book(&args.book)?;
    let options = config.segment_options();
    let no_ids = HeadingIds::default();
    let (mut n_chapters, mut n_units, mut differences) = (0, 0, Vec::new());
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else { continue };
        let Some(path) = chapter.source_path.as_ref().or(chapter.path.as_ref()) else {
            continue;
        };
        n_chapters += 1;
        let segments = extract_segments(&chapter.content, &options);
        n_units += segments.translatable_units().count();
        let splice_options = SpliceOptions {
            target_language: &config.source_language,
            heading_ids: &no_ids,
            escape_dollar: config.math.dollar,
            render_unchanged: true,
        };
        let identity = |unit: &mdbook_translate::segment::Unit| Some(unit.tagged.clone());
        match splice_chapter(&chapter.content, &segments, &identity, splice_options) {
            Err(error) => differences.push(format!("{}: {error}", path.display())),
            Ok(spliced) => {
                for (unit, reason) in &spliced.kept_units {
                    differences.push(format!(
                        "{}: `{unit}` cannot be rendered back: {reason}",
                        path.display()
                    ));
                }
                if let Some(detail) = mdbook_translate::segment::first_difference(&chapter.content, &spliced.markdown) {
                    differences.push(format!("{}: {detail}", path.display()));
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
