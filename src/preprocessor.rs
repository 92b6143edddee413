//! The mdBook preprocessor: configuration, store and backend around the
//! [pipeline](crate::pipeline), for one target language.
//!
//! When the `translate` output renders several languages side by side, their
//! preprocessors share a [`SharedWork`]: the store, opened once, and the
//! book as it reaches this preprocessor, segmented once for every language
//! (only lookup and splice are per language).

use crate::collect::{BookTexts, CollectedBook, collect_book};
use crate::config::{Config, OUTPUT_NAME, PREPROCESSOR_NAME};
use crate::language::LanguageTag;
use crate::pipeline::{RunSummary, UntranslatedReason, open_store, translate_book};
use crate::po::import_translations_if_changed;
use crate::store::{Languages, Store};
use crate::translate::{Translator, make_translator};
use anyhow::Context;
use mdbook_preprocessor::book::Book;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use std::sync::{Arc, Mutex};

/// The `translate` preprocessor. Its target language is `[book] language`
/// of the configuration it is given (`MDBOOK_BOOK__LANGUAGE=zh`); when that
/// is the source language the book passes through untouched.
#[derive(Debug, Default)]
pub struct TranslatePreprocessor {
    shared: Option<Arc<SharedWork>>,
}

impl TranslatePreprocessor {
    /// A new preprocessor.
    pub fn new() -> TranslatePreprocessor {
        TranslatePreprocessor { shared: None }
    }

    /// A preprocessor that uses the store of `shared` and segments a book
    /// only if `shared` has not segmented the same book before.
    pub fn sharing(shared: Arc<SharedWork>) -> TranslatePreprocessor {
        TranslatePreprocessor { shared: Some(shared) }
    }
}

/// What the preprocessors of one site build's languages share.
pub struct SharedWork {
    config: Config,
    /// Opened by the first language that needs it.
    store: std::sync::OnceLock<Store>,
    /// The last book segmented, with its texts, and what was collected.
    collected: Mutex<Option<(Book, BookTexts, Arc<CollectedBook>)>>,
}

impl std::fmt::Debug for SharedWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedWork").field("store", &self.store.get()).finish()
    }
}

impl SharedWork {
    /// Work to share among the languages of the book configured by `config`.
    pub fn new(config: &Config) -> SharedWork {
        SharedWork {
            config: config.clone(),
            store: std::sync::OnceLock::new(),
            collected: Mutex::new(None),
        }
    }

    /// The store, opened on first use; an error if it cannot be opened.
    pub fn store(&self) -> anyhow::Result<&Store> {
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        // Two languages may open it at once: sled's lock lets one through,
        // so one opens it while the other waits here.
        static OPENING: Mutex<()> = Mutex::new(());
        let _opening = OPENING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(store) = self.store.get() {
            return Ok(store);
        }
        let store = open_store(&self.config)?;
        Ok(self.store.get_or_init(|| store))
    }

    /// `book` and `texts` collected: segmented now, or taken from the last
    /// call if that had the same book and texts. A language that arrives
    /// while another segments the book waits for it.
    pub fn collected(&self, book: &Book, texts: &BookTexts, config: &Config) -> Arc<CollectedBook> {
        let mut last = self.collected.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((last_book, last_texts, collected)) = last.as_ref()
            && last_book == book
            && last_texts == texts
        {
            return Arc::clone(collected);
        }
        let collected = Arc::new(collect_book(book, texts, &config.segment_options()));
        *last = Some((book.clone(), texts.clone(), Arc::clone(&collected)));
        collected
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
        let summary = match &self.shared {
            Some(shared) => {
                let collected = shared.collected(&book, &texts, &config);
                translate_collected(&mut book, &collected, &target, &config, shared.store()?, &*backend)?
            }
            None => run_with_backend(&mut book, &texts, &target, &config, &*backend)?,
        };
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
    let collected = collect_book(book, texts, &config.segment_options());
    translate_collected(book, &collected, target, config, &store, backend)
}

/// Imports `<po-dir>/<target>.po` into `store` if it or the book changed,
/// and translates `book`, whose units `collected` holds, into `target`.
pub fn translate_collected(
    book: &mut Book,
    collected: &CollectedBook,
    target: &LanguageTag,
    config: &Config,
    store: &Store,
    backend: &dyn Translator,
) -> anyhow::Result<RunSummary> {
    let languages = Languages {
        source: &config.source_language,
        target,
    };
    import_translations_if_changed(book, collected, languages, config, store)?;
    let summary = translate_book(book, collected, languages, config, store, backend)?;
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
            summary.language,
            unit.chapter,
            unit.excerpt()
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
