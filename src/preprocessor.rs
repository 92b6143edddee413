//! The mdBook preprocessor: configuration, store and backend around the
//! [pipeline](crate::pipeline), for one target language.

use crate::collect::{BookTexts, collect_book};
use crate::config::{Config, OUTPUT_NAME, PREPROCESSOR_NAME};
use crate::language::LanguageTag;
use crate::pipeline::{RunSummary, UntranslatedReason, open_store, translate_book};
use crate::po::import_translations_if_changed;
use crate::store::Languages;
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
        let target = config.target_language(&ctx.config)?;
        if target == config.source_language {
            return Ok(book);
        }
        let backend =
            make_translator(&config).with_context(|| format!("setting up the {} backend", config.backend.name()))?;
        let texts = BookTexts::of_book_toml(&ctx.config);
        let summary = run_with_backend(&mut book, &texts, &target, &config, &*backend)?;
        report(&summary, &config);
        Ok(book)
    }

    /// Every renderer but the `translate` output, which loads and
    /// translates the book itself.
    fn supports_renderer(&self, renderer: &str) -> anyhow::Result<bool> {
        Ok(renderer != OUTPUT_NAME)
    }
}

/// Opens the store of `config`, imports `<po-dir>/<target>.po` if it or the
/// book changed, and translates `book` and `texts` into `target` with
/// `backend`. The book is segmented once for both.
pub fn run_with_backend(
    book: &mut Book,
    texts: &BookTexts,
    target: &LanguageTag,
    config: &Config,
    backend: &dyn Translator,
) -> anyhow::Result<RunSummary> {
    let store = open_store(config)?;
    let languages = Languages {
        source: &config.source_language,
        target,
    };
    let collected = collect_book(book, texts, &config.segment_options());
    import_translations_if_changed(book, &collected, languages, config, &store)?;
    let summary = translate_book(book, &collected, languages, config, &store, backend)?;
    store.flush()?;
    Ok(summary)
}

/// Untranslated units listed by name in the summary.
const N_UNTRANSLATED_LISTED: usize = 5;

/// Prints the one-line summary (stderr) and what to do about misses.
pub fn report(summary: &RunSummary, config: &Config) {
    eprintln!("mdbook-translate: {summary}");
    for left in &summary.left_in_source {
        tracing::info!("{}: kept in the source language: {left}", summary.language);
    }
    for unit in summary.untranslated.iter().take(N_UNTRANSLATED_LISTED) {
        let why = match &unit.reason {
            UntranslatedReason::NotInStore => String::new(),
            reason => format!(" ({reason})"),
        };
        eprintln!(
            "mdbook-translate: {}: untranslated in {}: {}{why}",
            summary.language, unit.chapter, unit.text
        );
    }
    if summary.untranslated.len() > N_UNTRANSLATED_LISTED {
        eprintln!(
            "mdbook-translate: {}: … and {} more untranslated units",
            summary.language,
            summary.untranslated.len() - N_UNTRANSLATED_LISTED
        );
    }
    if summary.n_missing > 0 && !config.backend_explicit {
        eprintln!(
            "mdbook-translate: no backend is configured, so {} units stay in the source language; \
             set `backend = \"pseudo\"` under [preprocessor.translate] for an offline preview, or import translations",
            summary.n_missing
        );
    }
}
