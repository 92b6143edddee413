//! Splice: translated tagged text → markdown, written back into the chapter.

use super::tagged::{TagError, TaggedToken, push_escaped, validate_tags};
use super::{BlockKind, ChapterSegments, PairKind, Segment, Slot, Unit, parser_options, segment_parser_options};
use crate::language::LanguageTag;
use pulldown_cmark::{Event, Options, Parser, Tag};
use std::collections::HashSet;
use std::ops::Range;

/// The ids mdBook's HTML renderer gives the headings and definition terms
/// of a chapter, in document order (`None` where the source has an explicit
/// id). A translated heading gets `{#id}` so that links keep working.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadingIds(pub Vec<Option<String>>);

impl HeadingIds {
    /// Computes the ids as mdBook 0.5 does: the heading's text, lower-cased,
    /// white space to `-`, everything but letters, digits, `-` and `_`
    /// dropped, then `-1`, `-2`… for repeats within the chapter.
    pub fn compute(markdown: &str, smart_punctuation: bool) -> HeadingIds {
        let mut options = parser_options();
        if smart_punctuation {
            options |= Options::ENABLE_SMART_PUNCTUATION;
        }
        let mut ids = Vec::new();
        let mut used = HashSet::new();
        let mut current: Option<(bool, String)> = None;
        let mut image_depth = 0usize;
        for event in Parser::new_ext(markdown, options) {
            match event {
                Event::Start(Tag::Heading { id, .. }) => current = Some((id.is_some(), String::new())),
                Event::Start(Tag::DefinitionListTitle) => current = Some((false, String::new())),
                Event::Start(Tag::Image { .. }) => image_depth += 1,
                Event::End(pulldown_cmark::TagEnd::Image) => image_depth -= 1,
                Event::Text(text) | Event::Code(text) if image_depth == 0 => {
                    if let Some((_, content)) = current.as_mut() {
                        content.push_str(&text);
                    }
                }
                Event::End(pulldown_cmark::TagEnd::Heading(_) | pulldown_cmark::TagEnd::DefinitionListTitle) => {
                    if let Some((explicit, content)) = current.take() {
                        ids.push((!explicit).then(|| unique_id(&id_from_content(&content), &mut used)));
                    }
                }
                _ => {}
            }
        }
        HeadingIds(ids)
    }
}

fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn unique_id(id: &str, used: &mut HashSet<String>) -> String {
    if used.insert(id.to_string()) {
        return id.to_string();
    }
    (1..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .expect("some suffix is unused")
}

/// How to splice translations into a chapter.
#[derive(Debug, Clone, Copy)]
pub struct SpliceOptions<'a> {
    /// The language translated into (CJK targets drop spaces between sentences).
    pub target_language: &'a LanguageTag,
    /// mdBook's ids for the chapter's headings.
    pub heading_ids: &'a HeadingIds,
    /// The book uses dollar math: `$` in translated text is escaped, and
    /// rendered units are parsed with math on (see [`super::segment_parser_options`]).
    pub escape_dollar: bool,
    /// Render every unit from its tagged text, even when the translation
    /// equals the source (the `check` command's round trip).
    pub render_unchanged: bool,
}

/// The result of splicing one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplicedChapter {
    /// The chapter with its translated units.
    pub markdown: String,
    /// Units written from their translation.
    pub n_rendered: usize,
    /// Units kept in the source language because their translation would not
    /// parse back to the same markup.
    pub kept_units: Vec<KeptRender>,
}

/// A unit whose translation could not be written, kept in the source language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptRender {
    /// The unit's source bytes.
    pub range: Range<usize>,
    /// Its tagged text.
    pub tagged: String,
    /// Why its translation could not be written.
    pub reason: RenderError,
}

/// The translated chapter would not have the source's block structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the translated chapter does not keep the source's structure: {detail}")]
pub struct SpliceError {
    /// The first difference, for the warning.
    pub detail: String,
}

/// Why a unit's translation cannot be written into the chapter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The translation's tags do not match the source's.
    #[error(transparent)]
    Tags(#[from] TagError),
    /// The rendered translation would parse to other inline markup than the source.
    #[error("inline markup would change: expected {expected:?}, got {actual:?} from `{rendered}`")]
    MarkupChanged {
        /// The markup of the source, in order.
        expected: Vec<PairKind>,
        /// The markup the rendered translation parses to.
        actual: Vec<PairKind>,
        /// The rendered translation.
        rendered: String,
    },
    /// A pair of the rendered translation opens inside a placeholder and
    /// closes outside it, or the other way round: a delimiter the
    /// placeholder holds (the `[` an escaped directive swallowed) pairs with
    /// the translation's markup.
    #[error("markup would pair with a delimiter inside a placeholder in `{rendered}`")]
    PairCrossesPlaceholder {
        /// The rendered translation.
        rendered: String,
    },
    /// The rendered translation would read code spans or math other than
    /// the placeholders that hold them (a backtick or dollar of a
    /// placeholder meeting the text's).
    #[error("code spans or math would change in `{rendered}`")]
    CodeChanged {
        /// The rendered translation.
        rendered: String,
    },
}

/// Writes translations into `source`, replacing only the bytes of units
/// whose translation differs from the source (or every unit with
/// `render_unchanged`). `translation_of` gives a unit's tagged translation,
/// or `None` to keep the source text. The result is re-parsed and its block
/// structure compared with the source's.
pub fn splice_chapter(
    source: &str,
    chapter: &ChapterSegments,
    translation_of: &dyn Fn(&Unit) -> Option<String>,
    options: SpliceOptions<'_>,
) -> Result<SplicedChapter, SpliceError> {
    let spliced = splice_chapter_unchecked(source, chapter, translation_of, options);
    if spliced.n_rendered > 0 {
        compare_block_structure(source, &spliced.markdown, options.escape_dollar)?;
    }
    Ok(spliced)
}

/// [`splice_chapter`] without the final check of the block structure, for
/// a caller that knows the result passed [`compare_block_structure`]
/// before (it is a function of the two texts alone).
pub fn splice_chapter_unchecked(
    source: &str,
    chapter: &ChapterSegments,
    translation_of: &dyn Fn(&Unit) -> Option<String>,
    options: SpliceOptions<'_>,
) -> SplicedChapter {
    let mut markdown = String::with_capacity(source.len() + source.len() / 2);
    let mut cursor = 0;
    let mut n_rendered = 0;
    let mut kept_units = Vec::new();
    for segment in &chapter.segments {
        markdown.push_str(&source[cursor..segment.range.start]);
        let changed = splice_segment(source, segment, translation_of, options, &mut markdown, &mut kept_units);
        n_rendered += changed;
        cursor = segment.range.end;
        if changed > 0
            && let BlockKind::Heading {
                ordinal,
                has_explicit_id: false,
                has_attribute_block,
            } = segment.kind
            && let Some(Some(id)) = options.heading_ids.0.get(ordinal)
        {
            if has_attribute_block {
                let line_end = source[cursor..].find('\n').map_or(source.len(), |i| cursor + i);
                if let Some(brace) = source[cursor..line_end].find('{') {
                    markdown.push_str(&source[cursor..cursor + brace + 1]);
                    markdown.push_str(&format!("#{id} "));
                    cursor += brace + 1;
                }
            } else {
                markdown.push_str(&format!(" {{#{id}}}"));
            }
        }
    }
    markdown.push_str(&source[cursor..]);
    SplicedChapter {
        markdown,
        n_rendered,
        kept_units,
    }
}

/// Writes one segment; returns how many units were rendered from translations.
fn splice_segment(
    source: &str,
    segment: &Segment,
    translation_of: &dyn Fn(&Unit) -> Option<String>,
    options: SpliceOptions<'_>,
    out: &mut String,
    kept_units: &mut Vec<KeptRender>,
) -> usize {
    let cjk_target = options.target_language.is_cjk();
    let mut cursor = segment.range.start;
    let mut n_rendered = 0;
    let mut previous_rendered = false;
    for unit in &segment.units {
        let gap = &source[cursor..unit.range.start];
        let line_start = if cursor == segment.range.start {
            segment.kind != BlockKind::TableCell
        } else {
            gap.contains('\n')
        };
        let rendered = translation_of(unit)
            // HTML text has nothing to check by rendering: its own bytes stay.
            .filter(|translation| {
                (options.render_unchanged && segment.kind != BlockKind::HtmlText) || *translation != unit.tagged
            })
            .and_then(
                |translation| match render_checked(unit, &translation, segment.kind, line_start, options) {
                    Ok(markdown) => Some(markdown),
                    Err(reason) => {
                        kept_units.push(KeptRender {
                            range: unit.range.clone(),
                            tagged: unit.tagged.clone(),
                            reason,
                        });
                        None
                    }
                },
            );
        // Between two translated CJK sentences, the line break or space of the
        // source (with any container prefix) would show as a space: join them.
        let drop_gap =
            cjk_target && previous_rendered && rendered.is_some() && gap.chars().all(|c| c.is_whitespace() || c == '>');
        if !drop_gap {
            out.push_str(gap);
        }
        previous_rendered = rendered.is_some();
        match rendered {
            Some(markdown) => {
                out.push_str(&markdown);
                n_rendered += 1;
            }
            None => out.push_str(&source[unit.range.clone()]),
        }
        cursor = unit.range.end;
    }
    out.push_str(&source[cursor..segment.range.end]);
    n_rendered
}

/// Renders a translation and checks that its inline markup parses back as
/// in the source; emphasis that markdown delimiters cannot express next to
/// CJK punctuation is written as inline HTML instead.
fn render_checked(
    unit: &Unit,
    translation: &str,
    kind: BlockKind,
    line_start: bool,
    options: SpliceOptions<'_>,
) -> Result<String, RenderError> {
    let tokens = validate_tags(translation, &unit.slot_shapes())?;
    if kind == BlockKind::HtmlText {
        let mut html = String::new();
        for token in &tokens {
            if let TaggedToken::Text(text) = token {
                push_escaped(&mut html, text);
            }
        }
        // No `{{` that mdBook would read as a directive.
        return Ok(html.trim().replace('{', "&#123;"));
    }
    let render = |html_emphasis: bool| {
        let context = RenderContext {
            in_table: kind == BlockKind::TableCell,
            in_heading: matches!(kind, BlockKind::Heading { .. }),
            line_start,
            escape_dollar: options.escape_dollar,
            html_emphasis,
            character_references: true,
        };
        let rendered = render_tokens(&trim_tokens(&tokens), &unit.slots, context);
        let code_in_placeholders = unit
            .slots
            .iter()
            .any(|slot| matches!(slot, Slot::Placeholder(bytes) if bytes.contains(['`', '$'])));
        if code_in_placeholders {
            check_code_and_math(unit, &rendered.markdown, options.escape_dollar)?;
        }
        let delimiters_in_placeholders = unit
            .slots
            .iter()
            .any(|slot| matches!(slot, Slot::Placeholder(bytes) if bytes.contains(['[', ']', '*', '_', '~', '<'])));
        if !delimiters_in_placeholders && !unit.slots.iter().any(|slot| matches!(slot, Slot::Pair { .. })) {
            // Escaped text between whole placeholders that hold no delimiter
            // cannot create or break markup.
            return Ok(rendered.markdown);
        }
        check_inline_markup(unit, &rendered, html_emphasis, options)?;
        Ok(rendered.markdown)
    };
    render(false).or_else(|_| render(true))
}

/// Checks that a rendered unit parses to the inline markup the segmenter
/// read in the source: the same pairs (except those written as HTML), the
/// markup inside its placeholders (emphasis inside an inline HTML element)
/// each read alone, and no pair that opens inside a placeholder and closes
/// outside it or in another.
fn check_inline_markup(
    unit: &Unit,
    rendered: &RenderedUnit,
    html_emphasis: bool,
    options: SpliceOptions<'_>,
) -> Result<(), RenderError> {
    // CJK text may touch the unit on both sides (no spaces between
    // sentences), which changes what delimiters can open and close.
    let (before, after) = if options.target_language.is_cjk() {
        ("字", "字")
    } else {
        ("", "")
    };
    let in_context = format!("{before}{}{after}", rendered.markdown);
    let mut expected: Vec<PairKind> = Vec::new();
    for slot in &unit.slots {
        match slot {
            Slot::Pair { kind, .. } if !html_emphasis || matches!(kind, PairKind::Link | PairKind::Image) => {
                expected.push(*kind)
            }
            Slot::Pair { .. } => {}
            Slot::Placeholder(bytes) => expected.extend(inline_shape(bytes, options.escape_dollar)),
        }
    }
    expected.sort();
    let pairs = inline_pairs(&in_context, options.escape_dollar);
    let mut actual: Vec<PairKind> = pairs.iter().map(|(kind, _)| *kind).collect();
    actual.sort();
    if actual != expected {
        return Err(RenderError::MarkupChanged {
            expected,
            actual,
            rendered: rendered.markdown.clone(),
        });
    }
    // The placeholder holding a byte of `in_context`, if any.
    let holder = |offset: usize| {
        let offset = offset.checked_sub(before.len())?;
        let after_it = rendered.placeholders.partition_point(|p| p.start <= offset);
        let index = after_it.checked_sub(1)?;
        (offset < rendered.placeholders[index].end).then_some(index)
    };
    if pairs
        .iter()
        .any(|(_, range)| holder(range.start) != holder(range.end.saturating_sub(1)))
    {
        return Err(RenderError::PairCrossesPlaceholder {
            rendered: rendered.markdown.clone(),
        });
    }
    Ok(())
}

/// A unit as markdown, the way translators read and write it: text escaped
/// as the splice escapes translations, placeholders and markup as in the
/// source. [`super::unit_from_markdown`] reads it back.
pub fn unit_markdown(unit: &Unit, escape_dollar: bool) -> String {
    let Ok(tokens) = validate_tags(&unit.tagged, &unit.slot_shapes()) else {
        return unit.tagged.clone();
    };
    let context = RenderContext {
        in_table: false,
        in_heading: false,
        line_start: true,
        escape_dollar,
        html_emphasis: false,
        character_references: false,
    };
    render_tokens(&tokens, &unit.slots, context).markdown
}

/// Drops white space at both ends of a translation: leading spaces could
/// turn a list item's text into an indented code block.
fn trim_tokens(tokens: &[TaggedToken]) -> Vec<TaggedToken> {
    let mut tokens = tokens.to_vec();
    if let Some(TaggedToken::Text(text)) = tokens.first_mut() {
        *text = text.trim_start().to_string();
    }
    if let Some(TaggedToken::Text(text)) = tokens.last_mut() {
        *text = text.trim_end().to_string();
    }
    tokens
}

/// Checks that `rendered` reads as code spans and math exactly the
/// placeholders of `unit` that are code spans or math on their own.
fn check_code_and_math(unit: &Unit, rendered: &str, dollar_math: bool) -> Result<(), RenderError> {
    let code_and_math = |markdown: &str| -> Vec<String> {
        let mut found: Vec<String> = parse_fragment(markdown, dollar_math)
            .into_offset_iter()
            .filter(|(event, _)| matches!(event, Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_)))
            .map(|(_, range)| markdown[range].to_string())
            .collect();
        found.sort();
        found
    };
    let mut expected: Vec<String> = unit
        .slots
        .iter()
        .filter_map(|slot| match slot {
            Slot::Placeholder(bytes) if code_and_math(bytes).first() == Some(bytes) => Some(bytes.clone()),
            _ => None,
        })
        .collect();
    expected.sort();
    if code_and_math(rendered) == expected {
        Ok(())
    } else {
        Err(RenderError::CodeChanged {
            rendered: rendered.to_string(),
        })
    }
}

/// A parser over one unit's markdown. The unit comes without the chapter's
/// link definitions: every reference counts as defined.
fn parse_fragment(markdown: &str, dollar_math: bool) -> Parser<'_, impl pulldown_cmark::BrokenLinkCallback<'_>> {
    let any_reference =
        |_: pulldown_cmark::BrokenLink<'_>| Some((pulldown_cmark::CowStr::from(""), pulldown_cmark::CowStr::from("")));
    Parser::new_with_broken_link_callback(markdown, segment_parser_options(dollar_math), Some(any_reference))
}

/// The inline markup a rendered unit parses to, as a sorted list of kinds.
fn inline_shape(markdown: &str, dollar_math: bool) -> Vec<PairKind> {
    let mut kinds: Vec<PairKind> = inline_pairs(markdown, dollar_math)
        .into_iter()
        .map(|(kind, _)| kind)
        .collect();
    kinds.sort();
    kinds
}

/// The pairs of inline markup `markdown` parses to, with the bytes each
/// covers (its delimiters included), in order.
fn inline_pairs(markdown: &str, dollar_math: bool) -> Vec<(PairKind, Range<usize>)> {
    parse_fragment(markdown, dollar_math)
        .into_offset_iter()
        .filter_map(|(event, range)| {
            let kind = match event {
                Event::Start(Tag::Emphasis) => PairKind::Emphasis,
                Event::Start(Tag::Strong) => PairKind::Strong,
                Event::Start(Tag::Strikethrough) => PairKind::Strikethrough,
                Event::Start(Tag::Link { .. }) => PairKind::Link,
                Event::Start(Tag::Image { .. }) => PairKind::Image,
                _ => return None,
            };
            Some((kind, range))
        })
        .collect()
}

/// A unit rendered as markdown, and where its placeholders' bytes are in it.
struct RenderedUnit {
    markdown: String,
    /// In order, disjoint.
    placeholders: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Copy)]
struct RenderContext {
    in_table: bool,
    in_heading: bool,
    line_start: bool,
    escape_dollar: bool,
    html_emphasis: bool,
    /// Write the text's backticks, dollars and braces as character
    /// references, which never delimit anything (the splice). A backslash
    /// escape would not do: a backtick or dollar in a placeholder, of this
    /// unit or another of the segment, may open a code span or math in
    /// which escapes do not work, and escaped braces still change where
    /// math may end. Translators read `\``, so the PO files keep escapes.
    character_references: bool,
}

fn render_tokens(tokens: &[TaggedToken], slots: &[Slot], context: RenderContext) -> RenderedUnit {
    let mut out = String::new();
    let mut placeholders = Vec::new();
    let mut line_start = context.line_start;
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TaggedToken::Text(text) => {
                let before_link = matches!(tokens.get(index + 1), Some(TaggedToken::Open(_)));
                escape_markdown(text, line_start, before_link, context, &mut out);
                line_start = false;
            }
            TaggedToken::Placeholder(id) => {
                if let Some(Slot::Placeholder(bytes)) = slots.get(*id as usize - 1) {
                    placeholders.push(out.len()..out.len() + bytes.len());
                    out.push_str(bytes);
                    line_start = bytes.ends_with('\n')
                        || bytes
                            .rsplit('\n')
                            .next()
                            .is_some_and(|tail| bytes.contains('\n') && tail.trim().is_empty());
                }
            }
            TaggedToken::Open(id) | TaggedToken::Close(id) => {
                if let Some(Slot::Pair { kind, open, close }) = slots.get(*id as usize - 1) {
                    let is_open = matches!(token, TaggedToken::Open(_));
                    let html = match kind {
                        PairKind::Emphasis => Some("em"),
                        PairKind::Strong => Some("strong"),
                        PairKind::Strikethrough => Some("del"),
                        PairKind::Link | PairKind::Image => None,
                    };
                    match (context.html_emphasis, html, is_open) {
                        (true, Some(name), true) => out.push_str(&format!("<{name}>")),
                        (true, Some(name), false) => out.push_str(&format!("</{name}>")),
                        (_, _, true) => out.push_str(open),
                        (_, _, false) => out.push_str(close),
                    }
                    line_start = false;
                }
            }
        }
    }
    RenderedUnit {
        markdown: out,
        placeholders,
    }
}

/// Escapes translated text so that it can never create markup.
fn escape_markdown(text: &str, line_start: bool, before_open: bool, context: RenderContext, out: &mut String) {
    let mut at_line_start = line_start;
    let chars: Vec<char> = text.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '&' | '~' => true,
            '|' => context.in_table,
            '$' => context.escape_dollar,
            '#' => at_line_start || context.in_heading,
            // `{{` (white space and `#` after it) is an mdBook directive:
            // a `{` next to another, or at an edge of the text, is escaped.
            '{' => {
                context.in_heading
                    || index == 0
                    || index + 1 == chars.len()
                    || chars[index - 1] == '{'
                    || chars[index + 1] == '{'
            }
            '}' => context.in_heading,
            '>' | '-' | '+' | '=' | ':' => at_line_start,
            '!' => before_open && index + 1 == chars.len(),
            '.' | ')' => {
                // `1.` or `1)` at the start of a line would start a list.
                line_start && chars[..index].iter().all(char::is_ascii_digit) && index > 0
            }
            _ => false,
        };
        let reference = match c {
            '`' => Some("&#96;"),
            '$' if context.escape_dollar => Some("&#36;"),
            // Braces count towards the end of math, escaped or not.
            '{' => Some("&#123;"),
            '}' => Some("&#125;"),
            _ => None,
        };
        if let Some(reference) = reference.filter(|_| context.character_references) {
            out.push_str(reference);
            at_line_start = false;
            continue;
        }
        if escape {
            out.push('\\');
        }
        // A translation is one line: a line break could end the block.
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
        if !c.is_whitespace() {
            at_line_start = false;
        }
    }
}

/// A description of a chapter's block structure, for comparison: its
/// blocks in order, then (sorted, since a translation may move them within
/// a sentence) the destinations of its links and images and its code spans
/// and math, which no translated text may open, close or change.
fn block_structure(markdown: &str, dollar_math: bool) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut inline = Vec::new();
    for event in Parser::new_ext(markdown, segment_parser_options(dollar_math)) {
        let block = match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => Some("p".to_string()),
                Tag::Heading { level, .. } => Some(format!("{level:?}")),
                Tag::BlockQuote(kind) => Some(format!("blockquote {kind:?}")),
                Tag::CodeBlock(kind) => Some(format!("code {kind:?}")),
                Tag::HtmlBlock => Some("html".to_string()),
                Tag::List(start) => Some(format!("list {start:?}")),
                Tag::Item => Some("item".to_string()),
                Tag::FootnoteDefinition(label) => Some(format!("footnote {label}")),
                Tag::Table(alignments) => Some(format!("table {}", alignments.len())),
                Tag::TableHead => Some("thead".to_string()),
                Tag::TableRow => Some("tr".to_string()),
                Tag::TableCell => Some("td".to_string()),
                Tag::DefinitionList => Some("dl".to_string()),
                Tag::DefinitionListTitle => Some("dt".to_string()),
                Tag::DefinitionListDefinition => Some("dd".to_string()),
                Tag::Link { dest_url, .. } => {
                    inline.push(format!("link {dest_url}"));
                    None
                }
                Tag::Image { dest_url, .. } => {
                    inline.push(format!("image {dest_url}"));
                    None
                }
                _ => None,
            },
            Event::Code(code) => {
                inline.push(format!("code {code}"));
                None
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                inline.push(format!("math {math}"));
                None
            }
            Event::Rule => Some("hr".to_string()),
            Event::Html(html) => Some(format!("html {}", super::mask_html_text(&html))),
            _ => None,
        };
        blocks.extend(block);
    }
    inline.sort();
    blocks.extend(inline);
    blocks
}

/// Whether `translated` has the block structure of `source` (the same
/// blocks in the same order, the same links, code and math); the first
/// difference otherwise.
pub fn compare_block_structure(source: &str, translated: &str, dollar_math: bool) -> Result<(), SpliceError> {
    let expected = block_structure(source, dollar_math);
    let actual = block_structure(translated, dollar_math);
    if expected == actual {
        return Ok(());
    }
    let position = expected
        .iter()
        .zip(&actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    Err(SpliceError {
        detail: format!(
            "block {} is {:?} in the source but {:?} in the translation",
            position + 1,
            expected.get(position).map_or("(end)", String::as_str),
            actual.get(position).map_or("(end)", String::as_str),
        ),
    })
}

/// The first difference between two chapters' parsed content, ignoring how
/// text is wrapped and escaped and how a reference link names its label;
/// `None` when they read the same. This is what the identity round trip
/// must preserve.
pub fn first_difference(source: &str, output: &str) -> Option<String> {
    let expected = normalised_events(source);
    let actual = normalised_events(output);
    let position = expected.iter().zip(&actual).position(|(a, b)| a != b);
    match position {
        None if expected.len() == actual.len() => None,
        None => Some(format!(
            "{} events in the source, {} after the round trip",
            expected.len(),
            actual.len()
        )),
        Some(i) => Some(format!("`{}` became `{}`", expected[i], actual[i])),
    }
}

fn normalised_events(markdown: &str) -> Vec<String> {
    let mut events = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, events: &mut Vec<String>| {
        let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !joined.is_empty() {
            events.push(format!("text {joined}"));
        }
        text.clear();
    };
    for event in Parser::new_ext(markdown, parser_options()) {
        match event {
            Event::Text(t) => text.push_str(&t),
            Event::SoftBreak => text.push(' '),
            other => {
                flush(&mut text, &mut events);
                events.push(match other {
                    Event::Start(Tag::Link { dest_url, title, .. }) => format!("link {dest_url} {title}"),
                    Event::Start(Tag::Image { dest_url, title, .. }) => format!("image {dest_url} {title}"),
                    other => format!("{other:?}"),
                });
            }
        }
    }
    flush(&mut text, &mut events);
    events
}
