//! Stage 4: translations spliced into the chapters, chapter names and part
//! titles of the book. Units and chapters that cannot take their
//! translation stay in the source language and are reported.

use crate::collect::{CollectedBook, CollectedChapter, for_each_item_mut, name_to_tagged};
use crate::config::Config;
use crate::segment::tagged::plain_text;
use crate::segment::{
    RenderError, SpliceError, SpliceOptions, Unit, compare_block_structure, splice_chapter_unchecked,
};
use crate::store::{Languages, Store, StoreError, UnitKey};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use sha2::{Digest, Sha256};
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

/// The translated chapters that passed the block-structure check before, so
/// that a build whose chapter and translations did not change does not
/// parse them again. The check is a function of the source and the
/// translated markdown alone, so it is skipped exactly when the SHA-256 of
/// the two is the one recorded for the chapter and language in the store's
/// `meta` tree (one entry per chapter and language, replaced when the
/// chapter changes).
pub struct CheckedChapters<'a> {
    store: &'a Store,
    language: &'a str,
}

impl<'a> CheckedChapters<'a> {
    /// The checks recorded in `store` for `languages.target`.
    pub fn new(store: &'a Store, languages: Languages<'a>) -> CheckedChapters<'a> {
        CheckedChapters {
            store,
            language: languages.target.canonical(),
        }
    }

    fn meta_key(&self, chapter: &str) -> String {
        format!("splice-checked:{}:{chapter}", self.language)
    }

    /// Checks that `translated` keeps the block structure of `source`, the
    /// chapter `chapter`, unless this pair passed before; records a pass.
    pub fn check(&self, chapter: &str, source: &str, translated: &str) -> Result<Result<(), SpliceError>, StoreError> {
        let mut hasher = Sha256::new();
        for text in [source, translated] {
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        let digest: [u8; 32] = hasher.finalize().into();
        let key = self.meta_key(chapter);
        if self.store.meta(&key)?.as_deref() == Some(digest.as_slice()) {
            return Ok(Ok(()));
        }
        let checked = compare_block_structure(source, translated);
        if checked.is_ok() {
            self.store.set_meta(&key, &digest)?;
        }
        Ok(checked)
    }
}

/// Writes `translations` (tagged text by key under `languages`) into every
/// item of `book`, whose units `collected` holds; the chapters' block
/// structure is checked unless `checked` says it passed before.
pub fn apply_translations(
    book: &mut Book,
    collected: &CollectedBook,
    translations: &HashMap<UnitKey, String>,
    languages: Languages<'_>,
    config: &Config,
    checked: &CheckedChapters<'_>,
) -> Result<Applied, StoreError> {
    let mut applied = Applied::default();
    let mut failure = None;
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
                if let Some(collected_chapter) = collected_item
                    && failure.is_none()
                {
                    let context = SpliceContext {
                        translations,
                        languages,
                        config,
                        checked,
                    };
                    if let Err(error) = splice_into(chapter, collected_chapter, &context, &mut applied) {
                        failure = Some(error);
                    }
                }
                translate_name(&mut chapter.name);
                chapter.parent_names.iter_mut().for_each(translate_name);
            }
            BookItem::PartTitle(title) => translate_name(title),
            BookItem::Separator => {}
        }
    });
    match failure {
        Some(error) => Err(error),
        None => Ok(applied),
    }
}

/// What the splice of every chapter needs.
struct SpliceContext<'a> {
    translations: &'a HashMap<UnitKey, String>,
    languages: Languages<'a>,
    config: &'a Config,
    checked: &'a CheckedChapters<'a>,
}

/// Splices the translations of one chapter's units into its content.
fn splice_into(
    chapter: &mut Chapter,
    collected: &CollectedChapter,
    context: &SpliceContext<'_>,
    applied: &mut Applied,
) -> Result<(), StoreError> {
    let SpliceContext {
        translations,
        languages,
        config,
        checked,
    } = *context;
    let options = SpliceOptions {
        target_language: languages.target,
        heading_ids: collected.heading_ids(&chapter.content, config.smart_punctuation),
        escape_dollar: config.math.dollar,
        render_unchanged: false,
    };
    let translation_of = |unit: &Unit| translations.get(&languages.key(&unit.tagged)).cloned();
    let label = &collected.label;
    let segments = super::blocks::with_block_units(&collected.segments, translations, languages);
    let spliced = splice_chapter_unchecked(&chapter.content, &segments, &translation_of, options);
    let structure = if spliced.n_rendered > 0 {
        checked.check(label, &chapter.content, &spliced.markdown)?
    } else {
        Ok(())
    };
    match structure {
        Ok(()) => {
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
    Ok(())
}
