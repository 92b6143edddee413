//! The pipeline over one book and one target language, in four stages:
//!
//! 1. [collect](crate::collect): one walk segments the book;
//! 2. [`lookup`]: the distinct units are keyed and looked up in the store;
//! 3. [`misses`]: the backend translates what the store lacks, each answer
//!    validated and stored as it arrives;
//! 4. [`apply`]: translations are spliced into the chapters and names.
//!
//! [`translate_book`] runs stages 2–4 over a book collected in stage 1.

pub mod apply;
pub mod batch;
pub mod blocks;
pub mod lookup;
pub mod misses;

use crate::collect::{BookTexts, CollectedBook};
use crate::config::Config;
use crate::segment::tagged::{TagError, plain_text};
use crate::segment::{alert_title, merge_units};
use crate::store::{Languages, Origin, Store, StoreError, UnitKey};
use crate::translate::{BackendError, Translator};
use apply::{CheckedChapters, LeftInSource, apply_translations};
use lookup::{WantedUnits, lookup_units};
use misses::translate_misses;
use pulldown_cmark::BlockQuoteKind;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// What went wrong while translating a book.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The backend failed as a whole; what it answered before is stored.
    #[error("the {backend} backend failed: {source}")]
    Backend {
        /// Backend name.
        backend: &'static str,
        /// Its error.
        source: BackendError,
    },
    /// `fail-on-missing = true` and some units have no translation.
    #[error(
        "{n_missing} units have no {language} translation and `fail-on-missing = true`; \
         first ones:\n{examples}\nimport translations or build with a backend that translates"
    )]
    Missing {
        /// Target language.
        language: String,
        /// How many units are left in the source language.
        n_missing: usize,
        /// The first few, one per line (chapter: sentence).
        examples: String,
    },
}

/// Why a unit was left in the source language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UntranslatedReason {
    /// The store has no translation and the backend does not translate.
    NotInStore,
    /// The backend's answers, first and second, did not keep the unit's tags.
    BadTags {
        /// The last answer.
        answer: String,
        /// What was wrong with it.
        error: TagError,
    },
    /// The backend failed for this unit.
    Backend(BackendError),
    /// The backend never answered for this unit.
    NoAnswer,
}

impl fmt::Display for UntranslatedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UntranslatedReason::NotInStore => f.write_str("no translation in the store"),
            UntranslatedReason::BadTags { answer, error } => {
                write!(f, "the translation `{answer}` does not keep the markup: {error}")
            }
            UntranslatedReason::Backend(error) => write!(f, "the backend failed: {error}"),
            UntranslatedReason::NoAnswer => f.write_str("the backend gave no answer"),
        }
    }
}

/// A distinct unit left in the source language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntranslatedUnit {
    /// The first chapter (or `book.toml`, `SUMMARY.md`) that has it.
    pub chapter: String,
    /// Its text, without markup.
    pub text: String,
    /// Why.
    pub reason: UntranslatedReason,
}

/// Characters of a unit's text a report line shows.
const EXCERPT_CHARS: usize = 80;

impl UntranslatedUnit {
    /// Its text for a report line: the first 80 characters, and `…` when
    /// there are more (a unit may be thousands of characters long).
    pub fn excerpt(&self) -> String {
        match self.text.char_indices().nth(EXCERPT_CHARS) {
            Some((end, _)) => format!("{}…", &self.text[..end]),
            None => self.text.clone(),
        }
    }
}

/// What one run did, printed as the one-line summary.
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
    /// Distinct units with a translation, by the origin of the translation
    /// used (stored before or made in this run).
    pub by_origin: OriginCounts,
    /// Distinct units with no translation (kept in the source language),
    /// whatever the reason.
    pub n_missing: usize,
    /// Of those, units whose translation failed validation twice.
    pub n_failed: usize,
    /// Requests made to the backend.
    pub n_backend_calls: u64,
    /// Every distinct unit left in the source language, with the reason.
    pub untranslated: Vec<UntranslatedUnit>,
    /// Chapters kept whole in the source language (their structure would change).
    pub n_chapters_kept: usize,
    /// Every unit (with repeats) and name left in the source language,
    /// whatever the reason, with where it is.
    pub left_in_source: Vec<LeftInSource>,
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} units ({} distinct), {} translated in this run ({}): {}{} missing",
            self.language,
            self.n_units,
            self.n_distinct,
            self.n_translated,
            self.backend,
            self.by_origin,
            self.n_missing
        )?;
        if self.n_failed > 0 {
            write!(f, ", {} failed validation", self.n_failed)?;
        }
        if !self.left_in_source.is_empty() {
            write!(f, ", {} kept in the source language", self.left_in_source.len())?;
        }
        if self.n_chapters_kept > 0 {
            write!(f, " ({} whole chapters)", self.n_chapters_kept)?;
        }
        Ok(())
    }
}

/// How many distinct units have a translation of each origin: a reader of
/// the summary tells human translations from machine ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OriginCounts {
    counts: HashMap<Origin, usize>,
}

/// The machine origins, in the order the summary lists them.
const MACHINE_ORIGINS: [Origin; 3] = [Origin::Act, Origin::Realtime, Origin::Imported];

impl OriginCounts {
    /// Counts the origin of each unit of `wanted` that `origins` has.
    pub fn of_units(wanted: &WantedUnits, origins: &HashMap<UnitKey, Origin>) -> OriginCounts {
        let mut counts: HashMap<Origin, usize> = HashMap::new();
        for origin in wanted.units.iter().filter_map(|unit| origins.get(&unit.key)) {
            *counts.entry(*origin).or_default() += 1;
        }
        OriginCounts { counts }
    }

    /// Units translated with `origin`.
    pub fn get(&self, origin: Origin) -> usize {
        self.counts.get(&origin).copied().unwrap_or(0)
    }

    /// Units with a machine translation (ACT, real-time, imported).
    pub fn n_machine(&self) -> usize {
        MACHINE_ORIGINS.iter().map(|&origin| self.get(origin)).sum()
    }
}

/// `5 human, 7 machine (4 act, 3 realtime), 2 pseudo, `: each count that
/// is not 0, followed by `, `.
impl fmt::Display for OriginCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let human = self.get(Origin::Human);
        if human > 0 {
            write!(f, "{human} human, ")?;
        }
        let machine: Vec<(Origin, usize)> = MACHINE_ORIGINS
            .iter()
            .map(|&origin| (origin, self.get(origin)))
            .filter(|&(_, n)| n > 0)
            .collect();
        match machine.as_slice() {
            [] => {}
            [(origin, n)] => write!(f, "{n} machine ({}), ", origin.name())?,
            several => {
                let parts: Vec<String> = several
                    .iter()
                    .map(|(origin, n)| format!("{n} {}", origin.name()))
                    .collect();
                write!(f, "{} machine ({}), ", self.n_machine(), parts.join(", "))?;
            }
        }
        for origin in [Origin::Pseudo, Origin::Identity] {
            let n = self.get(origin);
            if n > 0 {
                write!(f, "{n} {}, ", origin.name())?;
            }
        }
        Ok(())
    }
}

/// Translates every chapter, chapter name and part title of `book`, whose
/// units `collected` holds, into `languages.target`: looks them up in
/// `store`, asks `backend` for misses (storing each answer as it arrives)
/// and splices the translations in. The book's texts and alert titles are
/// translated and stored too; [`translated_texts`] reads them back.
pub fn translate_book(
    book: &mut mdbook_preprocessor::book::Book,
    collected: &CollectedBook,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
    backend: &dyn Translator,
) -> Result<RunSummary, PipelineError> {
    let filled = fill_store(collected, languages, store, backend)?;
    let Filled {
        wanted,
        translations,
        origins,
        n_from_store,
        n_translated,
        untranslated,
    } = filled;
    if config.fail_on_missing && !untranslated.is_empty() {
        return Err(PipelineError::Missing {
            language: languages.target.to_string(),
            n_missing: untranslated.len(),
            examples: untranslated
                .iter()
                .take(5)
                .map(|unit| format!("  {}: {}", unit.chapter, unit.text))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    let checked = CheckedChapters::new(store, languages, config.math.dollar);
    let applied = apply_translations(book, collected, &translations, languages, config, &checked)?;
    Ok(RunSummary {
        language: languages.target.to_string(),
        backend: backend.name().to_string(),
        n_units: wanted.n_uses,
        n_distinct: wanted.units.len(),
        n_from_store,
        n_translated,
        by_origin: OriginCounts::of_units(&wanted, &origins),
        n_missing: untranslated.len(),
        n_failed: untranslated
            .iter()
            .filter(|unit| matches!(unit.reason, UntranslatedReason::BadTags { .. }))
            .count(),
        n_backend_calls: backend.n_calls(),
        untranslated,
        n_chapters_kept: applied.n_chapters_kept,
        left_in_source: applied.left,
    })
}

/// What stages 2 and 3 did for one language: every distinct unit, the
/// translations the store had or the backend made, and what is left.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    /// The distinct units.
    pub wanted: WantedUnits,
    /// Their translations, by key.
    pub translations: HashMap<UnitKey, String>,
    /// The origin of each unit's translation, by key.
    pub origins: HashMap<UnitKey, Origin>,
    /// Distinct units the store had.
    pub n_from_store: usize,
    /// Distinct units the backend translated (now stored).
    pub n_translated: usize,
    /// Distinct units left in the source language, with the reason.
    pub untranslated: Vec<UntranslatedUnit>,
}

/// Stages 2 and 3: looks the units of `collected` up in `store` and has
/// `backend` translate the misses, storing each answer as it arrives. This
/// is all `warm` does; [`translate_book`] then applies the result.
pub fn fill_store(
    collected: &CollectedBook,
    languages: Languages<'_>,
    store: &Store,
    backend: &dyn Translator,
) -> Result<Filled, PipelineError> {
    let wanted = WantedUnits::of_book(collected, languages);
    let profiles = backend.lookup_profiles();
    let mut lookup = lookup_units(store, &wanted, &profiles)?;
    blocks::lookup_block_translations(collected, languages, store, &profiles, &wanted, &mut lookup)?;
    let n_from_store = lookup.translations.len();
    let mut translations = lookup.translations;
    let mut origins = lookup.origins;
    let outcome = translate_misses(backend, &wanted, &lookup.misses, languages, store, &mut translations)?;
    if let Some(profile) = backend.profile() {
        for key in translations.keys() {
            origins.entry(*key).or_insert(profile.origin);
        }
    }
    let untranslated = outcome
        .untranslated
        .into_iter()
        .map(|(index, reason)| UntranslatedUnit {
            chapter: wanted.units[index].chapter.clone(),
            text: plain_text(&wanted.units[index].tagged).unwrap_or_default(),
            reason,
        })
        .collect();
    Ok(Filled {
        wanted,
        translations,
        origins,
        n_from_store,
        n_translated: outcome.n_translated,
        untranslated,
    })
}

/// Every key a build of `collected` into `languages.target` looks up: its
/// distinct units and names, and each segment of several units as one (the
/// key of a block translation). `gc` keeps the records of these keys.
pub fn keys_in_use(collected: &CollectedBook, languages: Languages<'_>) -> HashSet<UnitKey> {
    let mut keys: HashSet<UnitKey> = WantedUnits::of_book(collected, languages)
        .units
        .iter()
        .map(|unit| unit.key)
        .collect();
    let blocks = collected
        .chapters()
        .flat_map(|chapter| &chapter.segments.segments)
        .filter(|segment| segment.units.len() > 1)
        .filter_map(|segment| merge_units(&segment.units));
    keys.extend(blocks.map(|block| languages.key(&block.tagged)));
    keys
}

/// The book's title, description and alert titles in one language, as the
/// output writes them around the chapters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranslatedTexts {
    /// The title and the description, translated where the store has them.
    pub book: BookTexts,
    /// Each alert title mdBook writes ("Note") with its translation, for
    /// the titles the store has a translation of.
    pub alert_titles: Vec<(String, String)>,
    /// mdBook's interface texts (by their English wording) that have a
    /// reviewed (human) translation, from the PO file.
    pub interface: std::collections::BTreeMap<String, String>,
}

/// Reads the translations of `texts` and of mdBook's alert titles from
/// `store`, among the records `profiles` serves; a text without one stays
/// as it is. [`translate_book`] has stored them for the book it translated.
pub fn translated_texts<P: AsRef<str>>(
    texts: &BookTexts,
    languages: Languages<'_>,
    store: &Store,
    profiles: &[P],
) -> Result<TranslatedTexts, StoreError> {
    let translate = |text: &str| -> Result<Option<String>, StoreError> {
        let key = languages.key(&crate::collect::name_to_tagged(text));
        Ok(store
            .lookup(&key, profiles)?
            .and_then(|record| plain_text(&record.text).ok()))
    };
    let mut translated = TranslatedTexts::default();
    for (source, target) in [
        (&texts.title, &mut translated.book.title),
        (&texts.description, &mut translated.book.description),
    ] {
        if let Some(text) = source {
            *target = Some(translate(text)?.unwrap_or_else(|| text.clone()));
        }
    }
    let kinds = [
        BlockQuoteKind::Note,
        BlockQuoteKind::Tip,
        BlockQuoteKind::Important,
        BlockQuoteKind::Warning,
        BlockQuoteKind::Caution,
    ];
    for title in kinds.map(alert_title) {
        if let Some(translation) = translate(title)? {
            translated.alert_titles.push((title.to_string(), translation));
        }
    }
    for text in crate::interface::INTERFACE_TEXTS {
        let key = languages.key(&crate::collect::name_to_tagged(text.english));
        if let Some(record) = store.lookup(&key, &["human"])?
            && let Ok(translation) = plain_text(&record.text)
        {
            translated.interface.insert(text.english.to_string(), translation);
        }
    }
    Ok(translated)
}

/// Creates the store folder of `config` if needed and opens the store;
/// when opening found it damaged, says on stderr what was lost and done.
pub fn open_store(config: &Config) -> anyhow::Result<Store> {
    use anyhow::Context;
    std::fs::create_dir_all(&config.cache_dir).with_context(|| {
        format!(
            "book.toml: `[preprocessor.{}] cache-dir`: cannot create {}; point cache-dir at a writable folder",
            crate::config::PREPROCESSOR_NAME,
            config.cache_dir.display()
        )
    })?;
    let store = Store::open(&config.cache_dir, config.lock_timeout)?;
    if let Some(recovery) = store.recovery() {
        for line in recovery.to_string().lines() {
            eprintln!("mdbook-translate: warning: {line}");
        }
    }
    Ok(store)
}

#[cfg(test)]
mod tests;
