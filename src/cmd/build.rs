//! `mdbook-translate build [BOOK]`: builds the source book and every
//! language of `[preprocessor.translate] languages`, in-process.

use anyhow::Context;
use clap::Args;
use mdbook_driver::MDBook;
use mdbook_translate::config::Config;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use mdbook_translate::site::{BookOutput, install_language_switcher};
use std::path::{Path, PathBuf};

/// Arguments of `mdbook-translate build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// Build only these languages (default: the source and every configured language).
    #[arg(long = "language", short = 'l')]
    languages: Vec<String>,
    /// Output folder (default: the book's build dir); languages go to `<dest>/<lang>`.
    #[arg(long, short = 'd')]
    dest_dir: Option<PathBuf>,
}

/// Builds the books; prints where each one is.
pub(crate) fn execute(args: BuildArgs) -> anyhow::Result<i32> {
    let root = args
        .book
        .canonicalize()
        .with_context(|| format!("{} is not a book folder", args.book.display()))?;
    let source_book = load(&root, None)?;
    let config = Config::from_book(&source_book.root, &source_book.config)?;
    let dest = match &args.dest_dir {
        Some(dir) => std::env::current_dir().context("reading the current folder")?.join(dir),
        None => source_book.root.join(&source_book.config.build.build_dir),
    };
    let languages = if args.languages.is_empty() {
        let mut all = vec![config.source_language.clone()];
        all.extend(config.languages.iter().cloned());
        all
    } else {
        args.languages.clone()
    };
    let source_dir = source_book.source_dir();
    for language in &config.languages {
        let clash = source_dir.join(language);
        if clash.exists() {
            anyhow::bail!(
                "the {language} book would be written to {}, but the source book has {} there too (from {}); \
                 rename that folder, or build with --dest-dir elsewhere",
                dest.join(language).display(),
                language,
                clash.display()
            );
        }
    }
    let mut outputs = Vec::new();
    for language in &languages {
        let is_source = language.eq_ignore_ascii_case(&config.source_language);
        let out = if is_source { dest.clone() } else { dest.join(language) };
        let book = load(&root, Some((language, &out)))?;
        eprintln!("mdbook-translate: building {language} into {}", out.display());
        book.build().with_context(|| format!("building the {language} book"))?;
        if renders_html(&book) {
            outputs.push(BookOutput {
                language: language.clone(),
                html_dir: book.build_dir_for("html"),
            });
        }
    }
    if outputs.len() > 1 {
        install_language_switcher(&outputs).context("adding the language switcher to the built pages")?;
    }
    for output in &outputs {
        eprintln!(
            "mdbook-translate: {}: open {}",
            output.language,
            output.html_dir.join("index.html").display()
        );
    }
    Ok(0)
}

/// Loads the book, optionally for one language and output folder, with the
/// translate preprocessor running in-process.
fn load(root: &Path, language: Option<(&String, &PathBuf)>) -> anyhow::Result<MDBook> {
    let mut book = MDBook::load(root).with_context(|| format!("loading the book in {}", root.display()))?;
    if let Some((language, out)) = language {
        book.config.set("book.language", language)?;
        book.config.build.build_dir = out.clone();
        book = MDBook::load_with_config(root, book.config)?;
    }
    book.with_preprocessor(TranslatePreprocessor::new());
    Ok(book)
}

/// Whether the book has the HTML renderer (mdBook's default when no output is configured).
fn renders_html(book: &MDBook) -> bool {
    let outputs = book.config.outputs::<serde_json::Value>().unwrap_or_default();
    outputs.is_empty() || outputs.contains_key("html")
}
