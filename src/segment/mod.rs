//! Pure segmentation: markdown → translatable segments, units and kept bytes.
//!
//! A *segment* is the inline content of one leaf block (paragraph, heading,
//! tight list item, table cell, definition term or definition), or the
//! text of a `<summary>` or `<figcaption>` in an HTML block. It is cut
//! into *units* (sentences, where no inline markup crosses the boundary);
//! each unit has a canonical [tagged] form that is keyed, stored and
//! translated. Everything outside segments — code blocks, HTML blocks, list
//! markers, container prefixes, heading attributes — is kept byte for byte,
//! and so is everything inside a segment that becomes a placeholder.
//!
//! Nothing here does IO.

mod blocks;
mod inline;
mod opaque;
mod render;
pub mod tagged;
mod units;

pub use blocks::alert_title;
pub use render::{
    HeadingIds, KeptRender, RenderError, SpliceError, SpliceOptions, SplicedChapter, compare_block_structure,
    first_difference, splice_chapter, splice_chapter_unchecked, unit_markdown,
};

use crate::language::LanguageTag;
use blocks::{mask_html_text, segments_of_events};
use pulldown_cmark::{Event, Options, Parser};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;
use tagged::SlotShape;

/// What the segmenter must recognise besides CommonMark.
#[derive(Debug, Clone)]
pub struct SegmentOptions {
    /// `\\( \\)` and `\\[ \\]` math as written in mdBook sources.
    pub mathjax: bool,
    /// `$ $` and `$$ $$` math.
    pub dollar_math: bool,
    /// Patterns whose matches are never translated.
    pub do_not_translate: Vec<Regex>,
    /// Keep e-mail addresses as they are (URLs always are).
    pub keep_email_addresses: bool,
    /// Language of the source text (for the sentence splitter).
    pub source_language: LanguageTag,
    /// Keep each segment one unit instead of cutting it into sentences
    /// (for reading translations, whose sentences need not match the source's).
    pub whole_segments: bool,
}

impl Default for SegmentOptions {
    fn default() -> SegmentOptions {
        SegmentOptions {
            mathjax: false,
            dollar_math: false,
            do_not_translate: Vec::new(),
            keep_email_addresses: true,
            source_language: LanguageTag::default(),
            whole_segments: false,
        }
    }
}

/// The kind of leaf block a segment is the inline content of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph.
    Paragraph,
    /// A heading, with its ordinal among the chapter's headings and terms.
    Heading {
        /// Index among headings and definition terms, in document order.
        ordinal: usize,
        /// Whether the heading already has an explicit `{#id}`.
        has_explicit_id: bool,
        /// Whether it has an attribute block (`{.class}`) without an id.
        has_attribute_block: bool,
    },
    /// A table cell.
    TableCell,
    /// The text of a tight list item.
    ListItem,
    /// A definition list term.
    DefinitionTerm,
    /// A definition list definition (tight).
    Definition,
    /// The plain text of an element of an HTML block (`<summary>`,
    /// `<figcaption>`): one unit, written back HTML-escaped.
    HtmlText,
}

/// What a slot id of a unit stands for, with the source bytes to restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// An opaque item, restored byte for byte.
    Placeholder(String),
    /// Paired markup around translatable text.
    Pair {
        /// Which markup.
        kind: PairKind,
        /// Source bytes that open it (`*`, `**`, `[`, `![`).
        open: String,
        /// Source bytes that close it (`*`, `](url)`, `][label]`).
        close: String,
    },
}

/// Kinds of paired inline markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PairKind {
    /// `*text*`
    Emphasis,
    /// `**text**`
    Strong,
    /// `~~text~~`
    Strikethrough,
    /// `[text](url)` and reference links
    Link,
    /// `![alt](src)`
    Image,
}

/// One unit of translation: a sentence, or a whole segment when inline
/// markup crosses its sentence boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Source bytes the unit covers.
    pub range: Range<usize>,
    /// Canonical tagged text (the key is computed from it).
    pub tagged: String,
    /// Slot `N` of the tagged text is `slots[N - 1]`.
    pub slots: Vec<Slot>,
    /// Whether the unit has any letters to translate.
    pub translatable: bool,
}

impl Unit {
    /// The shapes of the slots, for [`tagged::validate_tags`].
    pub fn slot_shapes(&self) -> Vec<SlotShape> {
        slot_shapes(&self.slots)
    }
}

/// The shapes of `slots`, for [`tagged::validate_tags`].
pub fn slot_shapes(slots: &[Slot]) -> Vec<SlotShape> {
    slots
        .iter()
        .map(|slot| match slot {
            Slot::Placeholder(_) => SlotShape::Placeholder,
            Slot::Pair { .. } => SlotShape::Pair,
        })
        .collect()
}

/// The units of a segment joined into one, as if the segment were not cut
/// into sentences: tagged texts joined by a space with their slot ids
/// renumbered in order, slots concatenated, the range from the first
/// unit's start to the last one's end. A block-level translation (a whole
/// paragraph from mdbook-i18n-helpers' PO files) is keyed and spliced as
/// this unit. `None` for no units.
///
/// ```
/// use mdbook_translate::segment::{extract_segments, merge_units, SegmentOptions};
///
/// let options = SegmentOptions { source_language: "en".parse().expect("a tag"), ..Default::default() };
/// let chapter = extract_segments("Run `a`. Then *b*.\n", &options);
/// let merged = merge_units(&chapter.segments[0].units).expect("units");
/// assert_eq!(merged.tagged, "Run <x1/>. Then <g2>b</g2>.");
/// ```
pub fn merge_units(units: &[Unit]) -> Option<Unit> {
    let (first, last) = (units.first()?, units.last()?);
    let mut writer = tagged::TaggedWriter::default();
    let mut slots: Vec<Slot> = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        if index > 0 {
            writer.text(" ");
        }
        let offset = slots.len() as u32;
        for token in tagged::parse_tagged(&unit.tagged).ok()? {
            writer.token(&match token {
                tagged::TaggedToken::Open(id) => tagged::TaggedToken::Open(id + offset),
                tagged::TaggedToken::Close(id) => tagged::TaggedToken::Close(id + offset),
                tagged::TaggedToken::Placeholder(id) => tagged::TaggedToken::Placeholder(id + offset),
                text => text,
            });
        }
        slots.extend(unit.slots.iter().cloned());
    }
    Some(Unit {
        range: first.range.start..last.range.end,
        tagged: writer.finish(),
        slots,
        translatable: units.iter().any(|unit| unit.translatable),
    })
}

/// The inline content of one leaf block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Source bytes of the inline content.
    pub range: Range<usize>,
    /// Which block it belongs to.
    pub kind: BlockKind,
    /// Units in order; the bytes between them are kept.
    pub units: Vec<Unit>,
}

/// A chapter cut into segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChapterSegments {
    /// Segments in document order, non-overlapping.
    pub segments: Vec<Segment>,
    /// The titles mdBook gives the alerts (`> [!NOTE]`) of the chapter,
    /// each once, in order of appearance: "Note", "Warning", …
    pub alert_titles: Vec<&'static str>,
    /// Inline content with text that the segmenter cannot cut into units,
    /// kept in the source language: its bytes and why.
    pub refused: Vec<RefusedSegment>,
}

/// Inline content kept in the source language by the segmenter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedSegment {
    /// Its source bytes.
    pub range: Range<usize>,
    /// Why it cannot be segmented.
    pub reason: &'static str,
}

impl ChapterSegments {
    /// Every unit that has something to translate.
    pub fn translatable_units(&self) -> impl Iterator<Item = &Unit> {
        self.segments
            .iter()
            .flat_map(|segment| segment.units.iter())
            .filter(|unit| unit.translatable)
    }
}

/// The pulldown-cmark options mdBook 0.5 parses with, minus smart
/// punctuation (which changes text, not structure).
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// The options the segmenter parses a chapter with: mdBook's, plus math
/// when the book writes it between dollars, so that `_`, `*`, `[` and `` ` ``
/// inside `$…$` and `$$…$$` never open emphasis, links or code. (The splice
/// writes the source bytes back; mdBook's own parse is not affected.)
pub fn segment_parser_options(dollar_math: bool) -> Options {
    if dollar_math {
        parser_options() | Options::ENABLE_MATH
    } else {
        parser_options()
    }
}

/// Cuts a chapter into segments and units.
///
/// ```
/// use mdbook_translate::segment::{extract_segments, SegmentOptions};
///
/// let source_language = "en".parse().expect("a language tag");
/// let options = SegmentOptions { mathjax: true, source_language, ..Default::default() };
/// let chapter = extract_segments("Run `cargo build`. It *works*.\n\n```rust\nfn main() {}\n```\n", &options);
/// let units: Vec<&str> = chapter.translatable_units().map(|u| u.tagged.as_str()).collect();
/// assert_eq!(units, ["Run <x1/>.", "It <g1>works</g1>."]);
/// ```
pub fn extract_segments(markdown: &str, options: &SegmentOptions) -> ChapterSegments {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(markdown, segment_parser_options(options.dollar_math))
        .into_offset_iter()
        .collect();
    segments_of_events(markdown, &events, options)
}

/// Segments one run of inline events, the content of a block of `kind`:
/// its tokens, with math, directives, URLs and do-not-translate matches
/// made opaque, cut into units. `Ok(None)` when it has nothing to
/// translate, an error (with the bytes it covers) when it cannot be segmented.
fn build_segment(
    source: &str,
    events: &[(Event<'_>, Range<usize>)],
    kind: BlockKind,
    options: &SegmentOptions,
) -> Result<Option<Segment>, RefusedSegment> {
    let covered = || events.first().map_or(0, |e| e.1.start)..events.last().map_or(0, |e| e.1.end);
    let refused = |reason| RefusedSegment {
        range: covered(),
        reason,
    };
    let (tokens, pairs) =
        inline::inline_tokens(source, events).ok_or_else(|| refused("it holds markup that mdBook does not enable"))?;
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return Ok(None);
    };
    let (first, last) = (first.range().start, last.range().end);
    let tokens = opaque::absorb_opaque_spans(source, tokens, &pairs, first..last, options)
        .ok_or_else(|| refused("math, a directive or a URL overlaps emphasis or a link"))?;
    let units = units::cut_units(source, &tokens, &pairs, options);
    if !units.iter().any(|unit| unit.translatable) {
        return Ok(None);
    }
    Ok(Some(Segment {
        range: first..last,
        kind,
        units,
    }))
}

/// Reads a markdown fragment (one paragraph of inline markdown, such as a
/// translation in a PO file) as one unit. `None` when it is not exactly one
/// paragraph with something to translate.
pub fn unit_from_markdown(markdown: &str, options: &SegmentOptions) -> Option<Unit> {
    let options = SegmentOptions {
        whole_segments: true,
        ..options.clone()
    };
    // The fragment comes without the chapter's link and footnote
    // definitions: accept every reference, and define every footnote it
    // names (with a body that has nothing to translate).
    let mut text = markdown.to_string();
    for name in FOOTNOTE_REFERENCE.captures_iter(markdown) {
        text.push_str(&format!("\n\n[^{}]: 0", &name[1]));
    }
    let accept_any =
        |_: pulldown_cmark::BrokenLink<'_>| Some((pulldown_cmark::CowStr::from(""), pulldown_cmark::CowStr::from("")));
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_with_broken_link_callback(&text, segment_parser_options(options.dollar_math), Some(accept_any))
            .into_offset_iter()
            .collect();
    let chapter = segments_of_events(&text, &events, &options);
    match chapter.segments.as_slice() {
        [segment] if segment.kind == BlockKind::Paragraph && segment.units.len() == 1 => segment.units.first().cloned(),
        _ => None,
    }
}

static FOOTNOTE_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[\^([^\]\s]+)\]").expect("the footnote pattern is valid"));

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_support {
    use super::tagged::{TaggedToken, TaggedWriter, parse_tagged};

    /// A visible test translation: text upper-cased, tags kept.
    pub(super) fn shout(tagged: &str) -> String {
        let mut out = TaggedWriter::default();
        for token in parse_tagged(tagged).expect("valid tagged text") {
            match token {
                TaggedToken::Text(text) => out.text(&text.to_uppercase()),
                tag => out.token(&tag),
            }
        }
        out.finish()
    }
}
