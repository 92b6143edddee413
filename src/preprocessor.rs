//! The mdBook preprocessor: configuration, store and backend around the
//! [pipeline](crate::pipeline), for one target language.

use crate::config::{Config, ConfigError, PREPROCESSOR_NAME};
use crate::pipeline::{Languages, RunSummary, translate_book};
use crate::store::Store;
use crate::translate::{Translator, make_translator};
use anyhow::Context;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The `translate` preprocessor. Its target language is `[book] language`
/// of the configuration it is given (`MDBOOK_BOOK__LANGUAGE=zh`); when that
/// is the source language the book passes through untouched.
#[derive(Debug, Default)]
pub struct TranslatePreprocessor;

impl TranslatePreprocessor {
    /// A new preprocessor.
    pub fn new() -> TranslatePreprocessor {
        TranslatePreprocessor
    }
}

impl Preprocessor for TranslatePreprocessor {
    fn name(&self) -> &str {
        PREPROCESSOR_NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> anyhow::Result<Book> {
        let config = Config::from_book(&ctx.root, &ctx.config)?;
        let target = ctx.config.book.language.clone().unwrap_or_else(|| "en".to_string());
        if !crate::config::is_language_tag(&target) {
            return Err(ConfigError {
                key: "book.language".to_string(),
                message: format!("`{target}` is not a language tag; use codes such as \"zh\", \"es\", \"pt-PT\""),
            })
            .context("reading the target language from `[book] language` (or MDBOOK_BOOK__LANGUAGE)");
        }
        if target.eq_ignore_ascii_case(&config.source_language) {
            return Ok(book);
        }
        let backend = make_translator(config.backend);
        let summary = run_with_backend(&mut book, &target, &config, &*backend)?;
        report(&summary, &config);
        Ok(book)
    }

    fn supports_renderer(&self, _renderer: &str) -> anyhow::Result<bool> {
        Ok(true)
    }
}

/// Opens the store of `config` and translates `book` into `target` with `backend`.
pub fn run_with_backend(
    book: &mut Book,
    target: &str,
    config: &Config,
    backend: &dyn Translator,
) -> anyhow::Result<RunSummary> {
    std::fs::create_dir_all(&config.cache_dir).with_context(|| {
        format!(
            "book.toml: `[preprocessor.{PREPROCESSOR_NAME}] cache-dir`: cannot create {}; point cache-dir at a writable folder",
            config.cache_dir.display()
        )
    })?;
    let store = Store::open(&config.cache_dir, config.lock_timeout)?;
    let languages = Languages {
        source: &config.source_language,
        target,
    };
    let summary = translate_book(book, languages, config, &store, backend)?;
    store.flush()?;
    Ok(summary)
}

/// Prints the one-line summary (stderr) and what to do about misses.
pub fn report(summary: &RunSummary, config: &Config) {
    eprintln!("mdbook-translate: {summary}");
    if summary.n_missing > 0 && !config.backend_explicit {
        eprintln!(
            "mdbook-translate: no backend is configured, so {} units stay in the source language; \
             set `backend = \"pseudo\"` under [preprocessor.translate] for an offline preview, or import translations",
            summary.n_missing
        );
    }
}
