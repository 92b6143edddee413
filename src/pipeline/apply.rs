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
use std::fmt;
use std::ops::Range;

/// Why a unit of the book was left in the source language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeftReason {
    /// It has no translation (the run's untranslated units say why).
    NoTranslation,
    /// Its translation would not parse back to the source's inline markup.
    SpliceFailed(RenderError),
    /// The translated chapter would not keep the source's block structure.
    StructureChanged(SpliceError),
    /// The segmenter could not cut it into units.
    NotSegmented(&'static str),
}

impl fmt::Display for LeftReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeftReason::NoTranslation => f.write_str("no translation"),
            LeftReason::SpliceFailed(error) => write!(f, "the splice failed: {error}"),
            LeftReason::StructureChanged(error) => write!(f, "the structure changed: {error}"),
            LeftReason::NotSegmented(why) => write!(f, "not segmented: {why}"),
        }
    }
}

/// A unit of a chapter (or a chapter name) left in the source language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftInSource {
    /// The chapter's label (its source file), or where a name is.
    pub chapter: String,
    /// Its line in the chapter as mdBook hands it over (`None` for names).
    pub line: Option<usize>,
    /// Its source text, white space collapsed.
    pub text: String,
    /// Why.
    pub reason: LeftReason,
}

impl fmt::Display for LeftInSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {} ({})", self.chapter, self.text, self.reason),
            None => write!(f, "{}: {} ({})", self.chapter, self.text, self.reason),
        }
    }
}

/// What the splice left in the source language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Chapters kept whole because their structure would change.
    pub n_chapters_kept: usize,
    /// Every unit left in the source language, in book order.
    pub left: Vec<LeftInSource>,
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
    dollar_math: bool,
}

impl<'a> CheckedChapters<'a> {
    /// The checks recorded in `store` for `languages.target`, of a book
    /// that writes dollar math or not.
    pub fn new(store: &'a Store, languages: Languages<'a>, dollar_math: bool) -> CheckedChapters<'a> {
        CheckedChapters {
            store,
            language: languages.target.canonical(),
            dollar_math,
        }
    }

    /// The key of a chapter's recorded check; the version changes with
    /// what the check compares, so no pass of an older check is trusted.
    fn meta_key(&self, chapter: &str) -> String {
        format!("splice-checked:2:{}:{chapter}", self.language)
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
        let checked = compare_block_structure(source, translated, self.dollar_math);
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
    let mut left_names = Vec::new();
    let mut translate_name =
        |name: &mut String, place: &str| match translations.get(&languages.key(&name_to_tagged(name))) {
            Some(text) => {
                if let Ok(plain) = plain_text(text) {
                    *name = plain;
                }
            }
            None => left_names.push(LeftInSource {
                chapter: place.to_string(),
                line: None,
                text: name.clone(),
                reason: LeftReason::NoTranslation,
            }),
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
                let place = format!("{} (name)", collected_item.map_or("SUMMARY.md", |c| c.label.as_str()));
                translate_name(&mut chapter.name, &place);
                for parent in &mut chapter.parent_names {
                    translate_name(parent, &place);
                }
            }
            BookItem::PartTitle(title) => translate_name(title, "SUMMARY.md"),
            BookItem::Separator => {}
        }
    });
    applied.left.extend(left_names);
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
    let lines = LineIndex::new(&chapter.content);
    let left = |range: &Range<usize>, reason: LeftReason| LeftInSource {
        chapter: label.clone(),
        line: Some(lines.line_of(range.start)),
        text: chapter.content[range.clone()]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        reason,
    };
    let mut left_here: Vec<LeftInSource> = Vec::new();
    for refused in &collected.segments.refused {
        left_here.push(left(&refused.range, LeftReason::NotSegmented(refused.reason)));
    }
    let untranslated = segments
        .translatable_units()
        .filter(|unit| translation_of(unit).is_none());
    left_here.extend(untranslated.map(|unit| left(&unit.range, LeftReason::NoTranslation)));
    let spliced = splice_chapter_unchecked(&chapter.content, &segments, &translation_of, options);
    let structure = if spliced.n_rendered > 0 {
        checked.check(label, &chapter.content, &spliced.markdown)?
    } else {
        Ok(())
    };
    match structure {
        Ok(()) => {
            for kept in spliced.kept_units {
                tracing::warn!(
                    "{label}: kept `{}` in the source language: {}",
                    kept.tagged,
                    kept.reason
                );
                left_here.push(left(&kept.range, LeftReason::SpliceFailed(kept.reason)));
            }
            chapter.content = spliced.markdown;
        }
        Err(error) => {
            tracing::warn!("{label}: kept in the source language: {error}");
            applied.n_chapters_kept += 1;
            let translated = segments
                .translatable_units()
                .filter(|unit| translation_of(unit).is_some());
            left_here.extend(translated.map(|unit| left(&unit.range, LeftReason::StructureChanged(error.clone()))));
        }
    }
    left_here.sort_by_key(|item| item.line);
    applied.left.extend(left_here);
    Ok(())
}

/// Line numbers of byte offsets, found by binary search over the line starts.
struct LineIndex {
    /// Offset of each line's first byte.
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let newlines = text.match_indices('\n').map(|(i, _)| i + 1);
        LineIndex {
            starts: std::iter::once(0).chain(newlines).collect(),
        }
    }

    /// The 1-based line of byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}
