//! Stage 4: translations spliced into the chapters, chapter names and part
//! titles of the book. Units and chapters that cannot take their
//! translation stay in the source language and are reported.

use crate::collect::{CollectedBook, CollectedChapter, for_each_item_mut, name_to_tagged};
use crate::config::Config;
use crate::segment::tagged::plain_text;
use crate::segment::{HeadingIds, RenderError, SpliceError, SpliceOptions, Unit, splice_chapter};
use crate::store::{Languages, UnitKey};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use std::collections::HashMap;

/// A chapter left in the source language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptChapter {
    /// The chapter's label (its source file).
    pub chapter: String,
    /// Why: the translated chapter would not keep the source's structure.
    pub reason: SpliceError,
}

/// A unit left in the source language by the splice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptUnit {
    /// The chapter's label (its source file).
    pub chapter: String,
    /// The unit's tagged text.
    pub unit: String,
    /// Why its translation could not be written.
    pub reason: RenderError,
}

/// What the splice left in the source language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Chapters kept whole.
    pub kept_chapters: Vec<KeptChapter>,
    /// Units kept inside translated chapters.
    pub kept_units: Vec<KeptUnit>,
}

/// Writes `translations` (tagged text by key under `languages`) into every
/// item of `book`, whose units `collected` holds.
pub fn apply_translations(
    book: &mut Book,
    collected: &CollectedBook,
    translations: &HashMap<UnitKey, String>,
    languages: Languages<'_>,
    config: &Config,
) -> Applied {
    let mut applied = Applied::default();
    let mut items = collected.items.iter();
    let translate_name = |name: &mut String| {
        if let Some(text) = translations.get(&languages.key(&name_to_tagged(name)))
            && let Ok(plain) = plain_text(text)
        {
            *name = plain;
        }
    };
    for_each_item_mut(book, &mut |item| {
        let collected_item = items.next().and_then(Option::as_ref);
        match item {
            BookItem::Chapter(chapter) => {
                if let Some(collected_chapter) = collected_item {
                    splice_into(
                        chapter,
                        collected_chapter,
                        translations,
                        languages,
                        config,
                        &mut applied,
                    );
                }
                translate_name(&mut chapter.name);
                chapter.parent_names.iter_mut().for_each(translate_name);
            }
            BookItem::PartTitle(title) => translate_name(title),
            BookItem::Separator => {}
        }
    });
    applied
}

/// Splices the translations of one chapter's units into its content.
fn splice_into(
    chapter: &mut Chapter,
    collected: &CollectedChapter,
    translations: &HashMap<UnitKey, String>,
    languages: Languages<'_>,
    config: &Config,
    applied: &mut Applied,
) {
    let heading_ids = HeadingIds::compute(&chapter.content, config.smart_punctuation);
    let options = SpliceOptions {
        target_language: languages.target,
        heading_ids: &heading_ids,
        escape_dollar: config.math.dollar,
        render_unchanged: false,
    };
    let translation_of = |unit: &Unit| translations.get(&languages.key(&unit.tagged)).cloned();
    let label = &collected.label;
    let segments = super::blocks::with_block_units(&collected.segments, translations, languages);
    match splice_chapter(&chapter.content, &segments, &translation_of, options) {
        Ok(spliced) => {
            for (unit, reason) in spliced.kept_units {
                tracing::warn!("{label}: kept `{unit}` in the source language: {reason}");
                applied.kept_units.push(KeptUnit {
                    chapter: label.clone(),
                    unit,
                    reason,
                });
            }
            chapter.content = spliced.markdown;
        }
        Err(error) => {
            tracing::warn!("{label}: kept in the source language: {error}");
            applied.kept_chapters.push(KeptChapter {
                chapter: label.clone(),
                reason: error,
            });
        }
    }
}
