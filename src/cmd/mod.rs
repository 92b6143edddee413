//! One module per subcommand.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod emulator;
pub(crate) mod eval;
pub(crate) mod gc;
pub(crate) mod parallel_data;
pub(crate) mod po;
pub(crate) mod preprocess;
pub(crate) mod push;
pub(crate) mod status;
pub(crate) mod warm;

use anyhow::Context;
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::collect::BookTexts;
use mdbook_translate::config::Config;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// The markdown files under `folder`, by their path relative to it (with
/// `/` between folders); hidden files and folders are left out.
pub(crate) fn collect_markdown(folder: &Path) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let mut chapters = BTreeMap::new();
    let walk = walkdir::WalkDir::new(folder)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.with_context(|| format!("listing {}", folder.display()))?;
        let path = entry.path();
        if entry.file_type().is_file() && path.extension().is_some_and(|extension| extension == "md") {
            let relative = path.strip_prefix(folder).unwrap_or(path);
            let parts: Vec<_> = relative.iter().map(|part| part.to_string_lossy()).collect();
            chapters.insert(parts.join("/"), path.to_path_buf());
        }
    }
    Ok(chapters)
}
