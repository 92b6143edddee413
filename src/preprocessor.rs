//! The mdBook preprocessor: configuration, store and backend around the
//! [pipeline](crate::pipeline), for one target language.

use crate::config::{Config, PREPROCESSOR_NAME};
use crate::language::LanguageTag;
use crate::pipeline::{BookTexts, Languages, RunSummary, translate_book};
use crate::po::{ImportReport, book_messages, import_entries, parse_po};
use crate::store::Store;
use crate::translate::{Translator, make_translator};
use anyhow::Context;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Where an in-process preprocessor leaves the translated [`BookTexts`],
/// which a book cannot carry back to mdBook.
pub type TextsSlot = Arc<Mutex<Option<BookTexts>>>;

/// The `translate` preprocessor. Its target language is `[book] language`
/// of the configuration it is given (`MDBOOK_BOOK__LANGUAGE=zh`); when that
/// is the source language the book passes through untouched.
#[derive(Debug, Default)]
pub struct TranslatePreprocessor {
    texts: Option<TextsSlot>,
}

impl TranslatePreprocessor {
    /// A new preprocessor.
    pub fn new() -> TranslatePreprocessor {
        TranslatePreprocessor { texts: None }
    }

    /// A preprocessor that also leaves the translated title, description
    /// and alert titles in `slot`.
    pub fn with_texts_slot(slot: TextsSlot) -> TranslatePreprocessor {
        TranslatePreprocessor { texts: Some(slot) }
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
        let backend = make_translator(config.backend)?;
        let mut texts = BookTexts::of_book_toml(&ctx.config);
        let summary = run_with_backend(&mut book, &mut texts, &target, &config, &*backend)?;
        report(&summary, &config);
        if let Some(slot) = &self.texts {
            *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(texts);
        }
        Ok(book)
    }

    /// Every renderer but the `translate` output, which loads and
    /// translates the book itself.
    fn supports_renderer(&self, renderer: &str) -> anyhow::Result<bool> {
        Ok(renderer != crate::renderer::OUTPUT_NAME)
    }
}

/// Opens the store of `config` and translates `book` and `texts` into
/// `target` with `backend`.
pub fn run_with_backend(
    book: &mut Book,
    texts: &mut BookTexts,
    target: &LanguageTag,
    config: &Config,
    backend: &dyn Translator,
) -> anyhow::Result<RunSummary> {
    let store = open_store(config)?;
    let languages = Languages {
        source: &config.source_language,
        target,
    };
    import_translations_if_changed(book, texts, languages, config, &store)?;
    let summary = translate_book(book, texts, languages, config, &store, backend)?;
    store.flush()?;
    Ok(summary)
}

/// Creates the store folder of `config` if needed and opens the store.
pub fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.cache_dir).with_context(|| {
        format!(
            "book.toml: `[preprocessor.{PREPROCESSOR_NAME}] cache-dir`: cannot create {}; point cache-dir at a writable folder",
            config.cache_dir.display()
        )
    })?;
    Ok(Store::open(&config.cache_dir, config.lock_timeout)?)
}

/// Imports the PO file at `path` (whose contents are `text`) as human
/// translations of `book`'s units; warns about each refused entry and
/// prints a one-line report.
pub fn import_translation_file(
    book: &Book,
    texts: &BookTexts,
    path: &Path,
    text: &str,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
) -> anyhow::Result<ImportReport> {
    let entries = parse_po(text).with_context(|| format!("reading the translations in {}", path.display()))?;
    let options = config.segment_options();
    let messages = book_messages(book, texts, &options, config.math.dollar);
    let report = import_entries(&entries, &messages, languages, &options, store)?;
    for (msgid, reason) in &report.rejected {
        tracing::warn!("{}: not imported: `{msgid}`: {reason}", path.display());
    }
    eprintln!(
        "mdbook-translate: {}: {} human translations imported from {} ({} untranslated, {} fuzzy, {} no longer in the book, {} refused)",
        languages.target,
        report.n_imported,
        path.display(),
        report.n_untranslated,
        report.n_fuzzy,
        report.n_obsolete,
        report.rejected.len()
    );
    Ok(report)
}

/// Imports `<po-dir>/<target>.po` as human translations when it or the
/// book changed since the last import.
fn import_translations_if_changed(
    book: &Book,
    texts: &BookTexts,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
) -> anyhow::Result<()> {
    let path = config.po_dir.join(format!("{}.po", languages.target));
    if !path.exists() {
        if config.po_dir_explicit {
            eprintln!(
                "mdbook-translate: {}: no human translations: {} does not exist",
                languages.target,
                path.display()
            );
        }
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    for text in texts.of_book() {
        hasher.update(text.as_bytes());
    }
    for chapter in book.chapters() {
        hasher.update(chapter.name.as_bytes());
        hasher.update(chapter.content.as_bytes());
    }
    let fingerprint: [u8; 32] = hasher.finalize().into();
    let meta_key = format!("imported:{}", path.display());
    if store.meta(&meta_key)?.as_deref() == Some(&fingerprint[..]) {
        return Ok(());
    }
    import_translation_file(book, texts, &path, &text, languages, config, store)?;
    store.set_meta(&meta_key, &fingerprint)?;
    Ok(())
}

/// Prints the one-line summary (stderr) and what to do about misses.
pub fn report(summary: &RunSummary, config: &Config) {
    eprintln!("mdbook-translate: {summary}");
    for (chapter, text) in &summary.missing_examples {
        eprintln!(
            "mdbook-translate: {}: untranslated in {chapter}: {text}",
            summary.language
        );
    }
    if summary.n_missing > summary.missing_examples.len() {
        eprintln!(
            "mdbook-translate: {}: … and {} more untranslated units",
            summary.language,
            summary.n_missing - summary.missing_examples.len()
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
