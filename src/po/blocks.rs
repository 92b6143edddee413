//! mdbook-i18n-helpers' messages mapped onto this tool's units.
//!
//! `mdbook-xgettext` writes one message per block: a paragraph, list item,
//! heading or table cell, with its inline markdown. Such a msgid is cut
//! into units as a chapter is; when they are the units of a segment of the
//! book, the msgstr is cut too. Where both have as many sentences and each
//! translated sentence keeps its source's placeholders and markup, every
//! sentence is stored on its own; otherwise the whole msgstr is stored as
//! the translation of the segment as one unit ([`merge_units`]), which the
//! build splices whole.
//!
//! mdbook-xgettext reads a definition list as a paragraph (it parses
//! without definition lists), so its message is the term and each
//! definition joined by ` : ` (`term A : Its definition.`). Such a message
//! is mapped part by part onto the term and definition segments, and its
//! msgstr must have as many parts.

use super::Message;
use super::translation::{ChangedLink, TranslationError, read_translation};
use crate::collect::CollectedBook;
use crate::language::LanguageTag;
use crate::segment::{SegmentOptions, Unit, extract_segments, merge_units, unit_markdown};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The segments of a book, by the tagged text of their units joined.
#[derive(Debug, Clone, Default)]
pub struct BookBlocks {
    merged: HashSet<String>,
}

impl BookBlocks {
    /// Every segment of `collected`.
    pub fn of_book(collected: &CollectedBook) -> BookBlocks {
        let merged = collected
            .chapters()
            .flat_map(|chapter| &chapter.segments.segments)
            .filter_map(|segment| merge_units(&segment.units))
            .map(|unit| unit.tagged)
            .collect();
        BookBlocks { merged }
    }

    /// The units of a block `msgid` when it is a segment of the book.
    pub fn units_of(&self, msgid: &str, options: &SegmentOptions) -> Option<Vec<Unit>> {
        let chapter = extract_segments(without_alert_marker(msgid), options);
        let [segment] = chapter.segments.as_slice() else {
            return None;
        };
        let merged = merge_units(&segment.units)?;
        self.merged.contains(&merged.tagged).then(|| segment.units.clone())
    }

    /// The segments of the book a message stands for, each as its units:
    /// one, or the term and definitions of a definition list (see the
    /// module's documentation). `None` when the message is none of the book's.
    pub fn blocks_of(&self, msgid: &str, options: &SegmentOptions) -> Option<Vec<Vec<Unit>>> {
        if let Some(units) = self.units_of(msgid, options) {
            return Some(vec![units]);
        }
        let parts = definition_parts(msgid);
        if parts.len() < 2 {
            return None;
        }
        parts.iter().map(|part| self.units_of(part, options)).collect()
    }

    /// The tagged text of every segment as one unit: the keys of the block
    /// records an import replaces.
    pub fn tagged_texts(&self) -> impl Iterator<Item = &String> {
        self.merged.iter()
    }
}

/// A block message's translation, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockTranslation {
    /// Sentence by sentence: (source tagged text, translated tagged text).
    Sentences(Vec<(String, String)>),
    /// The whole block as one unit: (merged source tagged text, translation).
    Whole(String, String),
}

/// A block message mapped onto the units of its segments, with the links
/// whose destination the translation changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedBlocks {
    /// One translation per segment.
    pub blocks: Vec<BlockTranslation>,
    /// Links and images whose destination the translation changed.
    pub changed_links: Vec<ChangedLink>,
}

/// Maps the `msgstr` of a message whose segments are `blocks` (as
/// [`BookBlocks::blocks_of`] gives them) onto their units: a definition
/// list's msgstr part by part, each part per sentence where it can, else whole.
pub fn map_blocks(
    blocks: &[Vec<Unit>],
    msgstr: &str,
    target: &LanguageTag,
    options: &SegmentOptions,
) -> Result<MappedBlocks, TranslationError> {
    let parts = match blocks {
        [_] => vec![msgstr],
        _ => definition_parts(msgstr),
    };
    if parts.len() != blocks.len() {
        return Err(TranslationError::DefinitionParts {
            n_source: blocks.len(),
            n_translation: parts.len(),
        });
    }
    let mut mapped = MappedBlocks {
        blocks: Vec::with_capacity(blocks.len()),
        changed_links: Vec::new(),
    };
    for (units, part) in blocks.iter().zip(parts) {
        let (block, changed_links) = map_block(units, part, target, options)?;
        mapped.blocks.push(block);
        mapped.changed_links.extend(changed_links);
    }
    Ok(mapped)
}

/// Maps the `msgstr` of a block whose units are `units` onto them: per
/// sentence where it can, else whole.
pub fn map_block(
    units: &[Unit],
    msgstr: &str,
    target: &LanguageTag,
    options: &SegmentOptions,
) -> Result<(BlockTranslation, Vec<ChangedLink>), TranslationError> {
    let msgstr = without_alert_marker(msgstr);
    if let Some(sentences) = map_sentences(units, msgstr, target, options) {
        return Ok(sentences);
    }
    let merged = merge_units(units).ok_or(TranslationError::NotOneParagraph)?;
    let message = Message::of_unit(&merged, options.dollar_math);
    let translation = read_translation(&message, msgstr, options)?;
    Ok((
        BlockTranslation::Whole(merged.tagged, translation.tagged),
        translation.changed_links,
    ))
}

/// The parts of a definition list as mdbook-xgettext writes it: the term
/// and each definition, separated by ` : ` (a line break before a `:`,
/// which it wrote as a space).
fn definition_parts(text: &str) -> Vec<&str> {
    DEFINITION_SEPARATOR.split(text.trim()).collect()
}

static DEFINITION_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+:\s+").expect("valid regex"));

/// A block message without the alert marker mdbook-xgettext leaves at the
/// start of an alert's first paragraph (`\[!NOTE\] Text`): this tool
/// reads the alert as mdBook does, a title and a paragraph.
pub fn without_alert_marker(text: &str) -> &str {
    ALERT_MARKER.find(text).map_or(text, |marker| &text[marker.end()..])
}

static ALERT_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\\?\[!(?i:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\\?\]\s+").expect("valid regex"));

fn map_sentences(
    units: &[Unit],
    msgstr: &str,
    target: &LanguageTag,
    options: &SegmentOptions,
) -> Option<(BlockTranslation, Vec<ChangedLink>)> {
    let target_options = SegmentOptions {
        source_language: target.clone(),
        ..options.clone()
    };
    let translated = extract_segments(msgstr, &target_options);
    let [segment] = translated.segments.as_slice() else {
        return None;
    };
    if segment.units.len() != units.len() {
        return None;
    }
    let mut sentences = Vec::with_capacity(units.len());
    let mut changed_links = Vec::new();
    for (source, translation) in units.iter().zip(&segment.units) {
        if !source.translatable {
            continue;
        }
        let message = Message::of_unit(source, options.dollar_math);
        let markdown = unit_markdown(translation, options.dollar_math);
        let translation = read_translation(&message, &markdown, options).ok()?;
        sentences.push((source.tagged.clone(), translation.tagged));
        changed_links.extend(translation.changed_links);
    }
    Some((BlockTranslation::Sentences(sentences), changed_links))
}
