//! The pipeline over one book and one target language:
//! segment → key → store lookup → translate misses → validate → splice.

use crate::config::Config;
use crate::language::LanguageTag;
use crate::segment::tagged::{SlotShape, plain_text, plain_to_tagged, validate_tags};
use crate::segment::{ChapterSegments, HeadingIds, SpliceOptions, Unit, extract_segments, splice_chapter};
use crate::store::{Record, Store, StoreError, UnitKey};
use crate::translate::{BackendError, Request, Translator};
use mdbook_preprocessor::book::{Book, BookItem};
use std::collections::HashMap;
use std::fmt;

/// Units sent to a backend in one call.
const BATCH_SIZE: usize = 256;

/// What went wrong while translating a book.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The backend failed as a whole.
    #[error("the {backend} backend failed: {source}")]
    Backend {
        /// Backend name.
        backend: &'static str,
        /// Its error.
        source: BackendError,
    },
    /// `fail-on-missing = true` and some units have no translation.
    #[error(
        "{n_missing} units have no {language} translation in the store and `fail-on-missing = true`; \
         first ones:\n{examples}\nimport translations or build with a backend that translates"
    )]
    Missing {
        /// Target language.
        language: String,
        /// How many units are missing.
        n_missing: usize,
        /// The first few, one per line (chapter: sentence).
        examples: String,
    },
}

/// Counts of one run, printed as the one-line summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Target language.
    pub language: String,
    /// Backend used for misses.
    pub backend: String,
    /// Units in the book (with repeats).
    pub n_units: usize,
    /// Distinct units.
    pub n_distinct: usize,
    /// Distinct units found in the store.
    pub n_from_store: usize,
    /// Distinct units translated by the backend in this run.
    pub n_translated: usize,
    /// Distinct units with no translation (kept in the source language).
    pub n_missing: usize,
    /// Distinct units whose translation failed validation twice.
    pub n_failed: usize,
    /// Calls made to the backend.
    pub n_backend_calls: u64,
    /// Chapters kept in the source language, with the reason.
    pub kept_chapters: Vec<(String, String)>,
    /// Units kept in the source language by the splice, with the reason.
    pub kept_units: Vec<(String, String)>,
    /// The first missing units (chapter, text).
    pub missing_examples: Vec<(String, String)>,
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} units ({} distinct): {} from the store, {} translated ({}), {} missing",
            self.language,
            self.n_units,
            self.n_distinct,
            self.n_from_store,
            self.n_translated,
            self.backend,
            self.n_missing
        )?;
        if self.n_failed > 0 {
            write!(f, ", {} failed validation", self.n_failed)?;
        }
        if !self.kept_chapters.is_empty() {
            write!(f, ", {} chapters kept in the source language", self.kept_chapters.len())?;
        }
        Ok(())
    }
}

/// Texts outside the chapters that are translated with them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookTexts {
    /// `[book] title` of book.toml.
    pub title: Option<String>,
    /// `[book] description` of book.toml.
    pub description: Option<String>,
    /// The title of each kind of alert the book uses, as mdBook's HTML
    /// renderer writes it ("Note"), and its translation; filled by
    /// [`translate_book`].
    pub alert_titles: Vec<(String, String)>,
}

impl BookTexts {
    /// The title and the description, where book.toml has them.
    pub fn of_book(&self) -> impl Iterator<Item = &String> {
        [&self.title, &self.description].into_iter().flatten()
    }

    /// The texts of book.toml (as mdBook read it).
    pub fn of_book_toml(book_toml: &mdbook_preprocessor::config::Config) -> BookTexts {
        BookTexts {
            title: book_toml.book.title.clone(),
            description: book_toml.book.description.clone(),
            alert_titles: Vec::new(),
        }
    }
}

/// One unit to look up: its tagged text and slot shapes.
struct Wanted {
    tagged: String,
    shapes: Vec<SlotShape>,
    /// Where it first appears, for reports.
    chapter: String,
}

/// The per-book inputs of [`translate_book`].
#[derive(Clone, Copy)]
pub struct Languages<'a> {
    /// The book's language.
    pub source: &'a LanguageTag,
    /// The language to translate into.
    pub target: &'a LanguageTag,
}

/// Translates every chapter, chapter name and part title of `book`, and
/// `texts`, into `languages.target`, reading and filling `store`, asking
/// `backend` for misses.
pub fn translate_book(
    book: &mut Book,
    texts: &mut BookTexts,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
    backend: &dyn Translator,
) -> Result<RunSummary, PipelineError> {
    let options = config.segment_options();
    let key_of = |tagged: &str| UnitKey::new(languages.source, languages.target, tagged);

    // Segment every chapter and collect names (each with where it is), in
    // the order for_each_mut visits.
    let mut chapters: Vec<Option<(String, ChapterSegments)>> = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    let summary_md = || "SUMMARY.md".to_string();
    for text in texts.of_book() {
        names.push((text.clone(), "book.toml".to_string()));
    }
    let mut alert_titles: Vec<&'static str> = Vec::new();
    book.for_each_mut(|item| match item {
        BookItem::Chapter(chapter) => {
            let label = chapter
                .source_path
                .as_ref()
                .or(chapter.path.as_ref())
                .map_or_else(|| chapter.name.clone(), |p| p.display().to_string());
            let segments = extract_segments(&chapter.content, &options);
            for title in &segments.alert_titles {
                if !alert_titles.contains(title) {
                    alert_titles.push(title);
                    names.push((title.to_string(), label.clone()));
                }
            }
            chapters.push(Some((label, segments)));
            names.push((chapter.name.clone(), summary_md()));
            names.extend(chapter.parent_names.iter().map(|name| (name.clone(), summary_md())));
        }
        BookItem::PartTitle(title) => {
            chapters.push(None);
            names.push((title.clone(), summary_md()));
        }
        BookItem::Separator => chapters.push(None),
    });

    let mut wanted: HashMap<UnitKey, Wanted> = HashMap::new();
    let mut n_units = 0;
    for (label, segments) in chapters.iter().flatten() {
        for unit in segments.translatable_units() {
            n_units += 1;
            wanted.entry(key_of(&unit.tagged)).or_insert_with(|| Wanted {
                tagged: unit.tagged.clone(),
                shapes: unit.slot_shapes(),
                chapter: label.clone(),
            });
        }
    }
    for (name, place) in &names {
        if name.chars().any(char::is_alphabetic) {
            let tagged = name_to_tagged(name);
            n_units += 1;
            wanted.entry(key_of(&tagged)).or_insert_with(|| Wanted {
                tagged,
                shapes: Vec::new(),
                chapter: place.clone(),
            });
        }
    }

    let mut summary = RunSummary {
        language: languages.target.to_string(),
        backend: backend.name().to_string(),
        n_units,
        n_distinct: wanted.len(),
        ..RunSummary::default()
    };

    // Look up, in a stable order so that reports and batches are reproducible.
    let mut keys: Vec<UnitKey> = wanted.keys().copied().collect();
    keys.sort_by(|a, b| wanted[a].chapter.cmp(&wanted[b].chapter).then(a.cmp(b)));
    let mut translations: HashMap<UnitKey, String> = HashMap::new();
    let mut misses = Vec::new();
    for key in keys {
        match store.lookup(&key, backend.lookup_profiles())? {
            Some(record) => {
                translations.insert(key, record.text);
            }
            None => misses.push(key),
        }
    }
    summary.n_from_store = translations.len();

    if let Some((profile, origin)) = backend.profile() {
        for batch in misses.chunks(BATCH_SIZE) {
            let mut pending: Vec<UnitKey> = batch.to_vec();
            for attempt in 0..2 {
                if pending.is_empty() {
                    break;
                }
                let texts: Vec<&str> = pending.iter().map(|k| wanted[k].tagged.as_str()).collect();
                let request = Request {
                    source_language: languages.source,
                    target_language: languages.target,
                    units: &texts,
                };
                let answers = backend.translate(&request).map_err(|source| PipelineError::Backend {
                    backend: backend.name(),
                    source,
                })?;
                let mut retry = Vec::new();
                for (key, answer) in pending.iter().zip(answers) {
                    let unit = &wanted[key];
                    match answer {
                        Some(text) if validate_tags(&text, &unit.shapes).is_ok() => {
                            store.put(key, &Record::new(&unit.tagged, &text, origin, profile))?;
                            translations.insert(*key, text);
                            summary.n_translated += 1;
                        }
                        Some(text) if attempt == 0 => {
                            tracing::debug!("translation of `{}` failed validation, retrying: `{text}`", unit.tagged);
                            retry.push(*key);
                        }
                        Some(text) => {
                            tracing::warn!(
                                "{}: the translation of `{}` does not keep its markup (`{text}`); keeping the source text",
                                unit.chapter,
                                unit.tagged
                            );
                            summary.n_failed += 1;
                        }
                        None => summary.n_missing += 1,
                    }
                }
                pending = retry;
            }
            store.flush()?;
        }
    } else {
        summary.n_missing = misses.len();
    }
    if summary.n_missing > 0 {
        summary.missing_examples = misses
            .iter()
            .filter(|k| !translations.contains_key(k))
            .take(5)
            .map(|k| {
                (
                    wanted[k].chapter.clone(),
                    plain_text(&wanted[k].tagged).unwrap_or_default(),
                )
            })
            .collect();
        if config.fail_on_missing {
            return Err(PipelineError::Missing {
                language: languages.target.to_string(),
                n_missing: summary.n_missing,
                examples: summary
                    .missing_examples
                    .iter()
                    .map(|(chapter, text)| format!("  {chapter}: {text}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            });
        }
    }
    summary.n_backend_calls = backend.n_calls();

    // Splice, in the same visiting order.
    let translation_of = |unit: &Unit| translations.get(&key_of(&unit.tagged)).cloned();
    let translate_name = |name: &mut String| {
        if let Some(text) = translations.get(&key_of(&name_to_tagged(name)))
            && let Ok(plain) = plain_text(text)
        {
            *name = plain;
        }
    };
    for text in [&mut texts.title, &mut texts.description].into_iter().flatten() {
        translate_name(text);
    }
    texts.alert_titles = alert_titles
        .iter()
        .map(|title| {
            let mut translated = title.to_string();
            translate_name(&mut translated);
            (title.to_string(), translated)
        })
        .collect();
    let mut chapter_index = 0;
    let mut kept_chapters = Vec::new();
    let mut kept_units = Vec::new();
    book.for_each_mut(|item| {
        let position = chapter_index;
        chapter_index += 1;
        match item {
            BookItem::Chapter(chapter) => {
                if let Some(Some((label, segments))) = chapters.get(position) {
                    let heading_ids = HeadingIds::compute(&chapter.content, config.smart_punctuation);
                    let splice_options = SpliceOptions {
                        target_language: languages.target,
                        heading_ids: &heading_ids,
                        escape_dollar: config.math.dollar,
                        render_unchanged: false,
                    };
                    match splice_chapter(&chapter.content, segments, &translation_of, splice_options) {
                        Ok(spliced) => {
                            for (unit, reason) in spliced.kept_units {
                                tracing::warn!("{label}: kept `{unit}` in the source language: {reason}");
                                kept_units.push((label.clone(), unit));
                            }
                            chapter.content = spliced.markdown;
                        }
                        Err(error) => {
                            tracing::warn!("{label}: kept in the source language: {error}");
                            kept_chapters.push((label.clone(), error.to_string()));
                        }
                    }
                }
                translate_name(&mut chapter.name);
                for name in &mut chapter.parent_names {
                    translate_name(name);
                }
            }
            BookItem::PartTitle(title) => translate_name(title),
            BookItem::Separator => {}
        }
    });
    summary.kept_chapters = kept_chapters;
    summary.kept_units = kept_units;
    Ok(summary)
}

/// Chapter names and part titles are plain text: one unit each, white
/// space normalised.
pub fn name_to_tagged(name: &str) -> String {
    plain_to_tagged(name)
}
