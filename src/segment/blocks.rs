//! The block walk: which runs of inline events of a chapter are segments,
//! and the inline content of which kind of block each one is.
//!
//! Code blocks, metadata and HTML blocks are skipped whole (an HTML block
//! gives only the text of its one-line `<summary>` and `<figcaption>`
//! elements), and so is everything the `i18n:skip` markers cover. Headings
//! and definition terms are counted even where skipped, since heading ids
//! are numbered over the whole chapter.

use super::{BlockKind, ChapterSegments, RefusedSegment, Segment, SegmentOptions, Unit, build_segment, tagged};
use pulldown_cmark::{BlockQuoteKind, Event, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

const SKIP_NEXT: &str = "<!-- i18n:skip -->";
const SKIP_START: &str = "<!-- i18n:skip-start -->";
const SKIP_END: &str = "<!-- i18n:skip-end -->";

/// The state of the walk over a chapter's events.
#[derive(Default)]
struct BlockWalk {
    segments: Vec<Segment>,
    refused: Vec<RefusedSegment>,
    alert_titles: Vec<&'static str>,
    /// The kinds of the blocks open around the current event.
    containers: Vec<BlockKind>,
    /// Headings and definition terms seen so far.
    heading_ordinal: usize,
    /// Inside `i18n:skip-start` … `i18n:skip-end`.
    skip_region: bool,
    /// Right after `i18n:skip`: the next block is kept.
    skip_next_block: bool,
}

/// Walks the events of a chapter (`markdown`) and segments every run of
/// inline events outside skipped blocks.
pub(super) fn segments_of_events(
    markdown: &str,
    events: &[(Event<'_>, Range<usize>)],
    options: &SegmentOptions,
) -> ChapterSegments {
    let mut walk = BlockWalk::default();
    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        if is_inline(event) {
            let start = index;
            while index < events.len() && is_inline(&events[index].0) {
                index += 1;
            }
            walk.inline_run(markdown, &events[start..index], options);
            continue;
        }
        match event {
            Event::Start(tag) if walk.skip_next_block || is_kept_block(tag) => {
                walk.kept_block(markdown, tag, range.clone());
                // Headings inside a skipped block still count for ids.
                let end = matching_end(events, index);
                walk.heading_ordinal += events[index..end]
                    .iter()
                    .filter(|(e, _)| matches!(e, Event::Start(Tag::Heading { .. } | Tag::DefinitionListTitle)))
                    .count();
                index = end + 1;
                continue;
            }
            Event::Start(tag) => walk.open_block(tag),
            Event::End(_) => {
                walk.containers.pop();
            }
            _ => {}
        }
        index += 1;
    }
    ChapterSegments {
        segments: walk.segments,
        alert_titles: walk.alert_titles,
        refused: walk.refused,
    }
}

/// Blocks whose bytes are kept whatever they hold.
fn is_kept_block(tag: &Tag<'_>) -> bool {
    matches!(tag, Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_))
}

impl BlockWalk {
    /// A block that is kept as it is: an HTML block may be a skip marker
    /// or hold element text to translate.
    fn kept_block(&mut self, markdown: &str, tag: &Tag<'_>, range: Range<usize>) {
        if !matches!(tag, Tag::HtmlBlock) {
            self.skip_next_block = false;
            return;
        }
        match markdown[range.clone()].trim() {
            SKIP_NEXT => self.skip_next_block = true,
            SKIP_START => self.skip_region = true,
            SKIP_END => self.skip_region = false,
            _ => {
                if !self.skip_next_block && !self.skip_region {
                    for segment in html_text_segments(markdown, range) {
                        match segment {
                            Ok(segment) => self.segments.push(segment),
                            Err(refused) => self.refused.push(refused),
                        }
                    }
                }
                self.skip_next_block = false;
            }
        }
    }

    /// A container or leaf block whose inline content may be segmented.
    fn open_block(&mut self, tag: &Tag<'_>) {
        let kind = match tag {
            Tag::Heading { id, classes, attrs, .. } => {
                self.heading_ordinal += 1;
                BlockKind::Heading {
                    ordinal: self.heading_ordinal - 1,
                    has_explicit_id: id.is_some(),
                    has_attribute_block: !classes.is_empty() || !attrs.is_empty(),
                }
            }
            Tag::DefinitionListTitle => {
                self.heading_ordinal += 1;
                BlockKind::DefinitionTerm
            }
            Tag::TableCell => BlockKind::TableCell,
            Tag::Item => BlockKind::ListItem,
            Tag::DefinitionListDefinition => BlockKind::Definition,
            Tag::BlockQuote(Some(kind)) => {
                let title = alert_title(*kind);
                if !self.skip_region && !self.alert_titles.contains(&title) {
                    self.alert_titles.push(title);
                }
                BlockKind::Paragraph
            }
            _ => BlockKind::Paragraph,
        };
        self.containers.push(kind);
    }

    /// A run of inline events: the content of the innermost block.
    fn inline_run(&mut self, markdown: &str, events: &[(Event<'_>, Range<usize>)], options: &SegmentOptions) {
        if self.skip_region {
            return;
        }
        let kind = self.containers.last().copied().unwrap_or(BlockKind::Paragraph);
        match build_segment(markdown, events, kind, options) {
            Ok(Some(segment)) => self.segments.push(segment),
            Ok(None) => {}
            Err(refused) => self.refused.push(refused),
        }
    }
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
pub(super) fn mask_html_text(html: &str) -> std::borrow::Cow<'_, str> {
    HTML_TEXT_ELEMENT.replace_all(html, "${1}${4}")
}

/// The segments of the HTML block at `range`: the text of each of its
/// `<summary>` and `<figcaption>` elements, one unit each (refused when it
/// holds entities).
fn html_text_segments(markdown: &str, range: Range<usize>) -> Vec<Result<Segment, RefusedSegment>> {
    let block = &markdown[range.clone()];
    HTML_TEXT_ELEMENT
        .captures_iter(block)
        .filter(|captures| captures[2].eq_ignore_ascii_case(&captures[5]))
        .filter_map(|captures| {
            let text = captures.get(3)?;
            let trimmed = text.as_str().trim();
            if !trimmed.chars().any(char::is_alphabetic) {
                return None;
            }
            let start = range.start + text.start() + (text.as_str().len() - text.as_str().trim_start().len());
            let unit_range = start..start + trimmed.len();
            // Entities would need decoding; such text stays as it is.
            if trimmed.contains('&') {
                return Some(Err(RefusedSegment {
                    range: unit_range,
                    reason: "HTML text with entities is not translated",
                }));
            }
            Some(Ok(Segment {
                range: unit_range.clone(),
                kind: BlockKind::HtmlText,
                units: vec![Unit {
                    range: unit_range,
                    tagged: tagged::plain_to_tagged(trimmed),
                    slots: Vec::new(),
                    translatable: true,
                }],
            }))
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
