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

mod render;
pub mod tagged;

pub use render::{
    HeadingIds, SpliceError, SpliceOptions, SplicedChapter, first_difference, splice_chapter, unit_markdown,
};

use crate::language::LanguageTag;
use crate::sentence::split_sentences;
use pulldown_cmark::{BlockQuoteKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;
use tagged::{SlotShape, push_escaped};

/// What the segmenter must recognise besides CommonMark.
#[derive(Debug, Clone, Default)]
pub struct SegmentOptions {
    /// `\\( \\)` and `\\[ \\]` math as written in mdBook sources.
    pub mathjax: bool,
    /// `$ $` and `$$ $$` math.
    pub dollar_math: bool,
    /// Patterns whose matches are never translated.
    pub do_not_translate: Vec<Regex>,
    /// Language of the source text (for the sentence splitter).
    pub source_language: LanguageTag,
    /// Keep each segment one unit instead of cutting it into sentences
    /// (for reading translations, whose sentences need not match the source's).
    pub whole_segments: bool,
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

const SKIP_NEXT: &str = "<!-- i18n:skip -->";
const SKIP_START: &str = "<!-- i18n:skip-start -->";
const SKIP_END: &str = "<!-- i18n:skip-end -->";

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
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(markdown, parser_options()).into_offset_iter().collect();
    segments_of_events(markdown, &events, options)
}

fn segments_of_events(
    markdown: &str,
    events: &[(Event<'_>, Range<usize>)],
    options: &SegmentOptions,
) -> ChapterSegments {
    let mut segments = Vec::new();
    let mut alert_titles = Vec::new();
    let mut containers: Vec<BlockKind> = Vec::new();
    let mut heading_ordinal = 0;
    let mut skip_region = false;
    let mut skip_next_block = false;
    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        if !is_inline(event) {
            if let Event::Start(tag) = event {
                if skip_next_block || matches!(tag, Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) {
                    if let Tag::HtmlBlock = tag {
                        match markdown[range.clone()].trim() {
                            SKIP_NEXT => skip_next_block = true,
                            SKIP_START => skip_region = true,
                            SKIP_END => skip_region = false,
                            _ => {
                                if !skip_next_block && !skip_region {
                                    segments.extend(html_text_segments(markdown, range.clone()));
                                }
                                skip_next_block = false;
                            }
                        }
                    } else {
                        skip_next_block = false;
                    }
                    // Headings inside a skipped block still count for ids.
                    let end = matching_end(events, index);
                    heading_ordinal += events[index..end]
                        .iter()
                        .filter(|(e, _)| matches!(e, Event::Start(Tag::Heading { .. } | Tag::DefinitionListTitle)))
                        .count();
                    index = end + 1;
                    continue;
                }
                let kind = match tag {
                    Tag::Heading { id, classes, attrs, .. } => {
                        heading_ordinal += 1;
                        BlockKind::Heading {
                            ordinal: heading_ordinal - 1,
                            has_explicit_id: id.is_some(),
                            has_attribute_block: !classes.is_empty() || !attrs.is_empty(),
                        }
                    }
                    Tag::DefinitionListTitle => {
                        heading_ordinal += 1;
                        BlockKind::DefinitionTerm
                    }
                    Tag::TableCell => BlockKind::TableCell,
                    Tag::Item => BlockKind::ListItem,
                    Tag::DefinitionListDefinition => BlockKind::Definition,
                    Tag::BlockQuote(Some(kind)) => {
                        let title = alert_title(*kind);
                        if !skip_region && !alert_titles.contains(&title) {
                            alert_titles.push(title);
                        }
                        BlockKind::Paragraph
                    }
                    _ => BlockKind::Paragraph,
                };
                containers.push(kind);
            } else if let Event::End(_) = event {
                containers.pop();
            }
            index += 1;
            continue;
        }
        let start = index;
        while index < events.len() && is_inline(&events[index].0) {
            index += 1;
        }
        if skip_region {
            continue;
        }
        let kind = containers.last().copied().unwrap_or(BlockKind::Paragraph);
        if let Some(segment) = build_segment(markdown, &events[start..index], kind, options) {
            segments.push(segment);
        }
    }
    ChapterSegments { segments, alert_titles }
}

/// The title mdBook's HTML renderer writes above an alert of `kind`.
pub fn alert_title(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "Note",
        BlockQuoteKind::Tip => "Tip",
        BlockQuoteKind::Important => "Important",
        BlockQuoteKind::Warning => "Warning",
        BlockQuoteKind::Caution => "Caution",
    }
}

/// `<summary>` and `<figcaption>` elements on one line: group 1 is the
/// opening tag, 2 its name, 3 the content, 4 the closing tag, 5 its name.
static HTML_TEXT_ELEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(<(summary|figcaption)(?:\s[^<>\n]*)?>)([^<>\n]*)(</(summary|figcaption)\s*>)")
        .expect("valid regex")
});

/// HTML with the content of its `<summary>` and `<figcaption>` elements
/// left out, to compare the structure of a chapter with its translation's.
fn mask_html_text(html: &str) -> std::borrow::Cow<'_, str> {
    HTML_TEXT_ELEMENT.replace_all(html, "${1}${4}")
}

/// The segments of the HTML block at `range`: the text of each of its
/// `<summary>` and `<figcaption>` elements, one unit each.
fn html_text_segments(markdown: &str, range: Range<usize>) -> Vec<Segment> {
    let block = &markdown[range.clone()];
    HTML_TEXT_ELEMENT
        .captures_iter(block)
        .filter(|captures| captures[2].eq_ignore_ascii_case(&captures[5]))
        .filter_map(|captures| {
            let text = captures.get(3)?;
            let trimmed = text.as_str().trim();
            // Entities would need decoding; such text stays as it is.
            if trimmed.contains('&') || !trimmed.chars().any(char::is_alphabetic) {
                return None;
            }
            let start = range.start + text.start() + (text.as_str().len() - text.as_str().trim_start().len());
            let unit_range = start..start + trimmed.len();
            Some(Segment {
                range: unit_range.clone(),
                kind: BlockKind::HtmlText,
                units: vec![Unit {
                    range: unit_range,
                    tagged: tagged::plain_to_tagged(trimmed),
                    slots: Vec::new(),
                    translatable: true,
                }],
            })
        })
        .collect()
}

/// Index of the `End` matching the `Start` at `start`.
fn matching_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (offset, (event, _)) in events[start..].iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return start + offset;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::InlineHtml(_)
        | Event::Html(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::TaskListMarker(_) => true,
        Event::Rule => false,
    }
}

/// A piece of inline content with its source bytes.
#[derive(Debug, Clone)]
enum Token {
    /// Text; `exact` when the source bytes are the text itself (no escapes or entities).
    Text {
        text: String,
        range: Range<usize>,
        exact: bool,
    },
    /// A soft break.
    Space { range: Range<usize> },
    /// Kept verbatim.
    Opaque { range: Range<usize> },
    /// Opening bytes of pair `pair`.
    Open { pair: usize, range: Range<usize> },
    /// Closing bytes of pair `pair`.
    Close { pair: usize, range: Range<usize> },
}

impl Token {
    fn range(&self) -> &Range<usize> {
        match self {
            Token::Text { range, .. }
            | Token::Space { range }
            | Token::Opaque { range }
            | Token::Open { range, .. }
            | Token::Close { range, .. } => range,
        }
    }
}

#[derive(Debug, Clone)]
struct PairInfo {
    kind: PairKind,
    link_type: Option<LinkType>,
}

fn build_segment(
    source: &str,
    events: &[(Event<'_>, Range<usize>)],
    kind: BlockKind,
    options: &SegmentOptions,
) -> Option<Segment> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut pairs: Vec<PairInfo> = Vec::new();
    let mut open_pairs: Vec<(usize, usize)> = Vec::new(); // (pair, token index of Open)
    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        index += 1;
        match event {
            Event::TaskListMarker(_) => {}
            Event::Text(text) => {
                let previous_end = tokens.last().map_or(0, |t| t.range().end);
                let escaped = range.start >= 1
                    && previous_end < range.start
                    && source.as_bytes()[range.start - 1] == b'\\'
                    && text.starts_with(|c: char| c.is_ascii_punctuation());
                let mut range = range.clone();
                let mut text = text.as_ref();
                if escaped {
                    // pulldown-cmark leaves the backslash of an escape out of the range.
                    tokens.push(Token::Text {
                        text: text[..1].to_string(),
                        range: range.start - 1..range.start + 1,
                        exact: false,
                    });
                    range.start += 1;
                    text = &text[1..];
                }
                if !text.is_empty() {
                    tokens.push(Token::Text {
                        text: text.to_string(),
                        exact: &source[range.clone()] == text,
                        range,
                    });
                }
            }
            Event::SoftBreak => tokens.push(Token::Space { range: range.clone() }),
            Event::HardBreak => tokens.push(Token::Opaque { range: range.clone() }),
            Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::InlineHtml(_)
            | Event::Html(_)
            | Event::FootnoteReference(_) => tokens.push(Token::Opaque { range: range.clone() }),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                // The whole autolink is kept.
                let mut depth = 1;
                while index < events.len() && depth > 0 {
                    match events[index].0 {
                        Event::Start(_) => depth += 1,
                        Event::End(_) => depth -= 1,
                        _ => {}
                    }
                    index += 1;
                }
                tokens.push(Token::Opaque { range: range.clone() });
            }
            Event::Start(tag) => {
                let (kind, link_type) = match tag {
                    Tag::Emphasis => (PairKind::Emphasis, None),
                    Tag::Strong => (PairKind::Strong, None),
                    Tag::Strikethrough => (PairKind::Strikethrough, None),
                    Tag::Link { link_type, .. } => (PairKind::Link, Some(*link_type)),
                    Tag::Image { link_type, .. } => (PairKind::Image, Some(*link_type)),
                    // Superscript and subscript are not enabled in mdBook.
                    _ => return None,
                };
                pairs.push(PairInfo { kind, link_type });
                open_pairs.push((pairs.len() - 1, tokens.len()));
                // The full range for now; narrowed once the content is known.
                tokens.push(Token::Open {
                    pair: pairs.len() - 1,
                    range: range.clone(),
                });
            }
            Event::End(_) => {
                let (pair, open_index) = open_pairs.pop()?;
                let full = tokens[open_index].range().clone();
                let content_start = tokens.get(open_index + 1).map(|t| t.range().start);
                let content_end = tokens
                    .last()
                    .map(|t| t.range().end)
                    .filter(|_| tokens.len() > open_index + 1);
                let (open_end, close_start) = match (content_start, content_end) {
                    (Some(s), Some(e)) => (s, e),
                    _ => {
                        // No content: `[](url)` or `![](src)`.
                        let opener = if pairs[pair].kind == PairKind::Image { 2 } else { 1 };
                        (full.start + opener, full.start + opener)
                    }
                };
                tokens[open_index] = Token::Open {
                    pair,
                    range: full.start..open_end,
                };
                tokens.push(Token::Close {
                    pair,
                    range: close_start..full.end,
                });
            }
            Event::Rule => return None,
        }
    }
    // A hard break keeps the next line's container prefix.
    for position in 0..tokens.len() {
        if let Token::Opaque { range } = &tokens[position]
            && source[range.clone()].ends_with('\n')
        {
            let next_start = tokens.get(position + 1).map(|t| t.range().start);
            if let Some(next_start) = next_start
                && next_start > range.end
            {
                let start = range.start;
                tokens[position] = Token::Opaque {
                    range: start..next_start,
                };
            }
        }
    }
    let first = tokens.first()?.range().start;
    let last = tokens.last()?.range().end;
    let tokens = absorb_opaque_spans(source, tokens, &pairs, first..last, options)?;
    let units = cut_units(source, &tokens, &pairs, options);
    if !units.iter().any(|unit| unit.translatable) {
        return None;
    }
    Some(Segment {
        range: first..last,
        kind,
        units,
    })
}

static MATHJAX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\\\\\(.*?\\\\\)|\\\\\[.*?\\\\\]").expect("the MathJax pattern is valid"));
static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{#[^}]*\}\}").expect("the directive pattern is valid"));
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?:https?|ftp)://[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]|\bwww\.[A-Za-z0-9-]+\.[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]"#,
    )
    .expect("the URL pattern is valid")
});

/// Byte spans of dollar math in `text`: `$$…$$` anywhere, `$…$` when the
/// opening `$` is not followed by white space, the closing one is not
/// preceded by white space nor followed by a digit.
fn dollar_math_spans(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'$' if bytes.get(i + 1) == Some(&b'$') => match text[i + 2..].find("$$") {
                Some(offset) => {
                    spans.push(i..i + 2 + offset + 2);
                    i += 2 + offset + 2;
                }
                None => i += 2,
            },
            b'$' => {
                let opens = bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace());
                let mut close = None;
                if opens {
                    let mut j = i + 1;
                    while j < bytes.len() {
                        match bytes[j] {
                            b'\\' => j += 1,
                            b'$' => {
                                let before_ok = !bytes[j - 1].is_ascii_whitespace();
                                let after_ok = !bytes.get(j + 1).is_some_and(|b| b.is_ascii_digit());
                                if before_ok && after_ok && j > i + 1 {
                                    close = Some(j);
                                }
                                break;
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                }
                match close {
                    Some(j) => {
                        spans.push(i..j + 1);
                        i = j + 1;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    spans
}

/// Finds math, directives, URLs and do-not-translate matches in the text
/// of a segment and turns each into one opaque token. Returns `None` when a
/// match cuts paired markup in two (the segment is then kept as is).
fn absorb_opaque_spans(
    source: &str,
    tokens: Vec<Token>,
    pairs: &[PairInfo],
    block: Range<usize>,
    options: &SegmentOptions,
) -> Option<Vec<Token>> {
    let text = &source[block.clone()];
    let shift = |r: Range<usize>| r.start + block.start..r.end + block.start;
    let mut candidates: Vec<Range<usize>> = Vec::new();
    if options.mathjax {
        candidates.extend(MATHJAX.find_iter(text).map(|m| shift(m.range())));
    }
    if options.dollar_math {
        candidates.extend(dollar_math_spans(text).into_iter().map(shift));
    }
    candidates.extend(DIRECTIVE.find_iter(text).map(|m| shift(m.range())));
    let first_pattern_candidate = candidates.len();
    candidates.extend(URL.find_iter(text).map(|m| shift(m.range())));
    for pattern in &options.do_not_translate {
        candidates.extend(pattern.find_iter(text).map(|m| shift(m.range())));
    }
    if candidates.is_empty() {
        return Some(tokens);
    }
    // A match may not start inside bytes that are already kept (code spans,
    // link destinations, inline HTML); earlier kinds win over later ones.
    let kept_ranges: Vec<Range<usize>> = tokens
        .iter()
        .filter(|t| matches!(t, Token::Opaque { .. } | Token::Open { .. } | Token::Close { .. }))
        .map(|t| t.range().clone())
        .filter(|r| !r.is_empty())
        .collect();
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (position, candidate) in candidates.into_iter().enumerate() {
        if candidate.is_empty()
            || kept_ranges
                .iter()
                .any(|k| k.start <= candidate.start && candidate.start < k.end)
            || spans.iter().any(|s| s.start < candidate.end && candidate.start < s.end)
        {
            continue;
        }
        // Patterns (URLs, do-not-translate) only match inside text tokens.
        if position >= first_pattern_candidate
            && !tokens.iter().any(|t| {
                matches!(t, Token::Text { exact: true, .. })
                    && t.range().start <= candidate.start
                    && candidate.end <= t.range().end
            })
        {
            continue;
        }
        spans.push(candidate);
    }
    // Grow spans over tokens they cut that cannot be split.
    loop {
        let mut grew = false;
        for span in spans.iter_mut() {
            for token in &tokens {
                let r = token.range();
                let overlaps = r.start < span.end && span.start < r.end;
                let inside = span.start <= r.start && r.end <= span.end;
                let splittable = matches!(token, Token::Text { exact: true, .. });
                if overlaps && !inside && !splittable {
                    span.start = span.start.min(r.start);
                    span.end = span.end.max(r.end);
                    grew = true;
                }
            }
        }
        spans.sort_by_key(|s| s.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for span in spans.drain(..) {
            match merged.last_mut() {
                Some(last) if span.start < last.end => {
                    last.end = last.end.max(span.end);
                    grew = true;
                }
                _ => merged.push(span),
            }
        }
        spans = merged;
        if !grew {
            break;
        }
    }
    // Pairs must be wholly inside or wholly outside every span.
    for pair in 0..pairs.len() {
        let span_of = |range: &Range<usize>| spans.iter().position(|s| s.start <= range.start && range.end <= s.end);
        let mut open_in = None;
        let mut close_in = None;
        for token in &tokens {
            match token {
                Token::Open { pair: p, range } if *p == pair => open_in = span_of(range),
                Token::Close { pair: p, range } if *p == pair => close_in = span_of(range),
                _ => {}
            }
        }
        if open_in != close_in {
            return None;
        }
    }
    let mut result = Vec::new();
    let mut emitted_spans = vec![false; spans.len()];
    for token in tokens {
        let r = token.range().clone();
        let covering = spans
            .iter()
            .position(|s| s.start <= r.start && r.end <= s.end && !(r.is_empty() && r.start == s.end));
        if let Some(i) = covering {
            if !emitted_spans[i] {
                emitted_spans[i] = true;
                result.push(Token::Opaque {
                    range: spans[i].clone(),
                });
            }
            continue;
        }
        let Token::Text {
            text,
            range,
            exact: true,
        } = token
        else {
            result.push(token);
            continue;
        };
        // Split an exact text token around the spans inside it.
        let mut cursor = range.start;
        for (i, span) in spans.iter().enumerate() {
            if span.end <= range.start || span.start >= range.end {
                continue;
            }
            if span.start > cursor {
                result.push(Token::Text {
                    text: text[cursor - range.start..span.start - range.start].to_string(),
                    range: cursor..span.start,
                    exact: true,
                });
            }
            if !emitted_spans[i] {
                emitted_spans[i] = true;
                result.push(Token::Opaque { range: span.clone() });
            }
            cursor = span.end.min(range.end);
        }
        if cursor < range.end {
            result.push(Token::Text {
                text: text[cursor - range.start..].to_string(),
                range: cursor..range.end,
                exact: true,
            });
        }
    }
    Some(result)
}

/// Character used for an opaque item when the sentence splitter reads a segment.
const OBJECT: char = '\u{FFFC}';

/// Flattened view of a segment for the sentence splitter: the normalised
/// text, and for each token the flat offset where it starts.
struct Flat {
    text: String,
    /// For each flat character: (its flat offset, token index, byte offset in the token's text).
    positions: Vec<(usize, usize, usize)>,
}

fn flatten(tokens: &[Token]) -> Flat {
    let mut text = String::new();
    let mut positions = Vec::new();
    let mut pending_space = false;
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Text { text: t, .. } => {
                for (offset, c) in t.char_indices() {
                    if c.is_whitespace() {
                        pending_space = true;
                        continue;
                    }
                    if pending_space && !text.is_empty() {
                        text.push(' ');
                    }
                    pending_space = false;
                    positions.push((text.len(), index, offset));
                    text.push(c);
                }
            }
            Token::Space { .. } => pending_space = true,
            Token::Opaque { .. } => {
                if pending_space && !text.is_empty() {
                    text.push(' ');
                }
                pending_space = false;
                positions.push((text.len(), index, 0));
                text.push(OBJECT);
            }
            Token::Open { .. } | Token::Close { .. } => {}
        }
    }
    Flat { text, positions }
}

/// Cuts the tokens of a segment into units at sentence boundaries that no
/// paired markup crosses.
fn cut_units(source: &str, tokens: &[Token], pairs: &[PairInfo], options: &SegmentOptions) -> Vec<Unit> {
    let flat = flatten(tokens);
    let sentences = if options.whole_segments {
        Vec::new()
    } else {
        split_sentences(&flat.text, &options.source_language)
    };
    // Cut points: (token index, byte offset inside that token's text).
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for sentence in sentences.iter().skip(1) {
        let Ok(position) = flat.positions.binary_search_by_key(&sentence.start, |p| p.0) else {
            continue;
        };
        let (_, mut token_index, offset) = flat.positions[position];
        let token = &tokens[token_index];
        let at_token_start =
            offset == 0 || matches!(token, Token::Text { text, .. } if text[..offset].trim().is_empty());
        if !at_token_start && !matches!(token, Token::Text { exact: true, .. }) {
            continue;
        }
        let mut cut_offset = offset;
        if at_token_start {
            cut_offset = 0;
            // Opening tags right before the sentence belong to it.
            while token_index > 0 && matches!(tokens[token_index - 1], Token::Open { .. }) {
                token_index -= 1;
            }
        }
        // No markup may be open across the cut.
        let depth: isize = tokens[..token_index]
            .iter()
            .map(|t| match t {
                Token::Open { .. } => 1,
                Token::Close { .. } => -1,
                _ => 0,
            })
            .sum();
        if depth != 0 {
            continue;
        }
        cuts.push((token_index, cut_offset));
    }
    // Materialise the token list of each unit.
    let mut units_tokens: Vec<Vec<Token>> = vec![Vec::new()];
    let mut cut_iter = cuts.iter().peekable();
    for (index, token) in tokens.iter().enumerate() {
        let mut token = token.clone();
        let mut consumed = 0;
        while let Some(&&(cut_index, cut_offset)) = cut_iter.peek() {
            if cut_index != index {
                break;
            }
            cut_iter.next();
            let cut_offset = cut_offset - consumed;
            consumed += cut_offset;
            if cut_offset == 0 {
                units_tokens.push(Vec::new());
            } else if let Token::Text { text, range, exact } = &token {
                let head = Token::Text {
                    text: text[..cut_offset].to_string(),
                    range: range.start..range.start + cut_offset,
                    exact: *exact,
                };
                let tail = Token::Text {
                    text: text[cut_offset..].to_string(),
                    range: range.start + cut_offset..range.end,
                    exact: *exact,
                };
                if let Some(current) = units_tokens.last_mut() {
                    current.push(head);
                }
                units_tokens.push(Vec::new());
                token = tail;
            }
        }
        if let Some(current) = units_tokens.last_mut() {
            current.push(token);
        }
    }
    units_tokens
        .into_iter()
        .filter_map(|unit_tokens| make_unit(source, &unit_tokens, pairs))
        .collect()
}

/// Builds the canonical tagged text and slots of one unit.
fn make_unit(source: &str, tokens: &[Token], pairs: &[PairInfo]) -> Option<Unit> {
    // Trim white space at both ends (it stays in the kept gaps).
    let is_blank = |t: &Token| match t {
        Token::Space { .. } => true,
        Token::Text { text, .. } => text.trim().is_empty(),
        _ => false,
    };
    let first = tokens.iter().position(|t| !is_blank(t))?;
    let last = tokens.iter().rposition(|t| !is_blank(t))?;
    let tokens = &tokens[first..=last];
    let start = match &tokens[0] {
        Token::Text {
            text,
            range,
            exact: true,
        } => range.start + (text.len() - text.trim_start().len()),
        t => t.range().start,
    };
    let end = match &tokens[tokens.len() - 1] {
        Token::Text {
            text,
            range,
            exact: true,
        } => range.end - (text.len() - text.trim_end().len()),
        t => t.range().end,
    };
    let mut tagged = String::new();
    let mut slots = Vec::new();
    let mut pair_ids: Vec<(usize, usize)> = Vec::new(); // (pair, id)
    let mut pending_space = false;
    let mut translatable = false;
    let mut open_ranges: Vec<(usize, Range<usize>)> = Vec::new();
    for token in tokens {
        let is_text = matches!(token, Token::Text { .. } | Token::Space { .. });
        if !is_text && pending_space && !tagged.is_empty() {
            tagged.push(' ');
            pending_space = false;
        }
        match token {
            Token::Text { text, .. } => {
                translatable |= text.chars().any(char::is_alphabetic);
                for word in split_keep_space(text) {
                    match word {
                        None => pending_space = true,
                        Some(word) => {
                            if pending_space && !tagged.is_empty() {
                                tagged.push(' ');
                            }
                            pending_space = false;
                            push_escaped(&mut tagged, word);
                        }
                    }
                }
            }
            Token::Space { .. } => pending_space = true,
            Token::Opaque { range } => {
                slots.push(Slot::Placeholder(source[range.clone()].to_string()));
                tagged.push_str(&format!("<x{}/>", slots.len()));
            }
            Token::Open { pair, range } => {
                // Filled in when the close is seen.
                slots.push(Slot::Placeholder(String::new()));
                let id = slots.len();
                pair_ids.push((*pair, id));
                open_ranges.push((*pair, range.clone()));
                tagged.push_str(&format!("<g{id}>"));
            }
            Token::Close { pair, range } => {
                let id = pair_ids.iter().rev().find(|(p, _)| p == pair).map(|&(_, id)| id)?;
                let open_range = open_ranges.iter().rev().find(|(p, _)| p == pair)?.1.clone();
                let info = &pairs[*pair];
                let mut close = source[range.clone()].to_string();
                // A shortcut or collapsed reference must name its label
                // explicitly once the text is translated.
                if let Some(
                    LinkType::Shortcut | LinkType::Collapsed | LinkType::ShortcutUnknown | LinkType::CollapsedUnknown,
                ) = info.link_type
                {
                    close = format!("][{}]", &source[open_range.end..range.start]);
                }
                slots[id - 1] = Slot::Pair {
                    kind: info.kind,
                    open: source[open_range].to_string(),
                    close,
                };
                tagged.push_str(&format!("</g{id}>"));
            }
        }
    }
    Some(Unit {
        range: start..end,
        tagged,
        slots,
        translatable,
    })
}

/// Splits text into words (`Some`) and white-space runs (`None`).
fn split_keep_space(text: &str) -> impl Iterator<Item = Option<&str>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let first_is_space = rest.chars().next().is_some_and(char::is_whitespace);
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() != first_is_space)
            .map_or(rest.len(), |(i, _)| i);
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(if first_is_space { None } else { Some(piece) })
    })
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
        Parser::new_with_broken_link_callback(&text, parser_options(), Some(accept_any))
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

/// Extracts the prose of a chapter as one string per leaf block (paragraph,
/// heading, list item text, table cell, …), with code, math, URLs and HTML
/// left out and white space normalised.
///
/// This is the view of a chapter that quality evaluation scores.
pub fn prose_paragraphs(markdown: &str) -> Vec<String> {
    let options = SegmentOptions {
        mathjax: true,
        dollar_math: true,
        ..SegmentOptions::default()
    };
    extract_segments(markdown, &options)
        .segments
        .iter()
        .filter_map(|segment| {
            let text: Vec<String> = segment
                .units
                .iter()
                .filter_map(|unit| tagged::parse_tagged(&unit.tagged).ok())
                .map(|tokens| {
                    tokens
                        .into_iter()
                        .filter_map(|token| match token {
                            tagged::TaggedToken::Text(text) => Some(text),
                            _ => None,
                        })
                        .collect::<String>()
                })
                .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|text| !text.is_empty())
                .collect();
            (!text.is_empty()).then(|| text.join(" "))
        })
        .collect()
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_support {
    use super::tagged::{TaggedToken, parse_tagged, push_escaped};

    /// A visible test translation: text upper-cased, tags kept.
    pub(super) fn shout(tagged: &str) -> String {
        let mut out = String::new();
        for token in parse_tagged(tagged).expect("valid tagged text") {
            match token {
                TaggedToken::Text(text) => push_escaped(&mut out, &text.to_uppercase()),
                TaggedToken::Open(id) => out.push_str(&format!("<g{id}>")),
                TaggedToken::Close(id) => out.push_str(&format!("</g{id}>")),
                TaggedToken::Placeholder(id) => out.push_str(&format!("<x{id}/>")),
            }
        }
        out
    }
}
