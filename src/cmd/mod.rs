//! One module per subcommand.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod emulator;
pub(crate) mod eval;
pub(crate) mod po;
pub(crate) mod preprocess;
pub(crate) mod push;
pub(crate) mod warm;

use anyhow::Context;
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::collect::BookTexts;
use mdbook_translate::config::Config;
use std::path::Path;

/// A book as the preprocessor sees it: loaded, configured, with
/// `{{#include}}` and the other links expanded.
pub(crate) struct ExpandedBook {
    /// Its `[preprocessor.translate]` table.
    pub(crate) config: Config,
    /// Its chapters after the `links` preprocessor.
    pub(crate) book: Book,
    /// Its title and description.
    pub(crate) texts: BookTexts,
}

/// Loads the book in `root` and expands its links.
pub(crate) fn load_expanded_book(root: &Path) -> anyhow::Result<ExpandedBook> {
    let mdbook = MDBook::load(root).with_context(|| format!("loading the book in {}", root.display()))?;
    let config = Config::from_book(&mdbook.root, &mdbook.config)?;
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "markdown".to_string());
    let book = LinkPreprocessor::new()
        .run(&ctx, mdbook.book.clone())
        .context("expanding {{#include}} and other links")?;
    let texts = BookTexts::of_book_toml(&mdbook.config);
    Ok(ExpandedBook { config, book, texts })
}
