//! Reading one side of a chapter into blocks: prose blocks cut into the
//! pipeline's units, and the anchors between them (code blocks, display
//! math, figures) that are the same in both languages.
//!
//! The prose comes from [`extract_segments`], so a sentence here is a unit
//! the pipeline translates, with the same placeholders and the same
//! sentence cuts. Each unit becomes plain text: markup dropped, code spans
//! as their code, math, URLs and directives as written, inline HTML,
//! footnote references and hard breaks left out.

use crate::segment::tagged::{TaggedToken, parse_tagged};
use crate::segment::{BlockKind, SegmentOptions, Slot, Unit, extract_segments, parser_options};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// One block of a chapter, in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// Something both languages have verbatim.
    Anchor(Anchor),
    /// Translated text.
    Prose(Prose),
}

/// What kind of verbatim block an anchor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnchorKind {
    /// A fenced or indented code block.
    Code,
    /// A paragraph of display math and nothing to translate.
    Math,
    /// A paragraph that is one image.
    Figure,
}

/// A block both languages have verbatim (up to translated comments).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Anchor {
    /// Which kind.
    pub(crate) kind: AnchorKind,
    /// What identifies it: the code with its info string, the math, the
    /// image's destination.
    pub(crate) signature: String,
    /// A figure's caption (its image text), paired when the figures are.
    pub(crate) caption: Option<Prose>,
}

/// A prose block: the units of one segment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prose {
    /// Headings pair only with headings.
    pub(crate) is_heading: bool,
    /// Its translatable units, in order.
    pub(crate) sentences: Vec<Sentence>,
}

impl Prose {
    /// The length the length model compares: the sum of its sentences'.
    pub(crate) fn n_chars(&self) -> usize {
        self.sentences.iter().map(|sentence| sentence.n_chars).sum()
    }
}

/// One unit as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sentence {
    /// The plain text, white space collapsed.
    pub(crate) text: String,
    /// The text of each placeholder it holds, in order (left-out ones not counted).
    pub(crate) placeholders: Vec<String>,
    /// Characters that are not white space, a placeholder counting as one.
    pub(crate) n_chars: usize,
}

/// Reads a chapter into blocks. `options.source_language` is the language
/// the chapter is written in.
pub(crate) fn read_blocks(markdown: &str, options: &SegmentOptions) -> Vec<Block> {
    let markdown = if is_d2lbook(markdown) {
        normalise_d2lbook(markdown)
    } else {
        markdown.to_string()
    };
    let mut anchors = find_anchors(&markdown);
    let mut blocks: Vec<(usize, Block)> = Vec::new();
    for segment in extract_segments(&markdown, options).segments {
        let prose = Prose {
            is_heading: matches!(segment.kind, BlockKind::Heading { .. }),
            sentences: segment.units.iter().filter_map(unit_sentence).collect(),
        };
        if prose.sentences.is_empty() {
            continue;
        }
        let figure = anchors
            .iter_mut()
            .find(|(range, anchor)| anchor.kind == AnchorKind::Figure && range.contains(&segment.range.start));
        match figure {
            Some((_, anchor)) => anchor.caption = Some(prose),
            None => blocks.push((segment.range.start, Block::Prose(prose))),
        }
    }
    blocks.extend(
        anchors
            .into_iter()
            .map(|(range, anchor)| (range.start, Block::Anchor(anchor))),
    );
    blocks.sort_by_key(|(start, _)| *start);
    blocks.into_iter().map(|(_, block)| block).collect()
}

/// The plain text of a unit; `None` for one with nothing to translate.
pub(crate) fn unit_sentence(unit: &Unit) -> Option<Sentence> {
    if !unit.translatable {
        return None;
    }
    sentence_from_tagged(&unit.tagged, &unit.slots)
}

/// The plain text of `tagged`, its placeholders restored from `slots`;
/// `None` when it does not parse or holds no text.
pub(crate) fn sentence_from_tagged(tagged: &str, slots: &[Slot]) -> Option<Sentence> {
    let mut text = String::new();
    let mut placeholders = Vec::new();
    let mut n_chars = 0;
    for token in parse_tagged(tagged).ok()? {
        match token {
            TaggedToken::Text(piece) => {
                n_chars += piece.chars().filter(|c| !c.is_whitespace()).count();
                text.push_str(&piece);
            }
            TaggedToken::Placeholder(id) => {
                let Some(Slot::Placeholder(source)) = slots.get(id as usize - 1) else {
                    return None;
                };
                match placeholder_text(source) {
                    PlaceholderText::Kept(kept) => {
                        n_chars += 1;
                        text.push_str(&kept);
                        placeholders.push(kept);
                    }
                    PlaceholderText::Space => text.push(' '),
                    PlaceholderText::Dropped => {}
                }
            }
            TaggedToken::Open(_) | TaggedToken::Close(_) => {}
        }
    }
    let text = collapse_white_space(&text);
    (!text.is_empty()).then_some(Sentence {
        text,
        placeholders,
        n_chars,
    })
}

/// Runs of white space made one space, and none left between two
/// characters of scripts written without spaces (Chinese, Japanese) or
/// next to their full-width punctuation, where a line break in the
/// markdown is not a space.
fn collapse_white_space(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::with_capacity(text.len());
    for (index, word) in words.iter().enumerate() {
        let (before, after) = (words[index.saturating_sub(1)].chars().last(), word.chars().next());
        let unspaced = |c: Option<char>| c.is_some_and(is_written_without_spaces);
        let wide_punctuation = |c: Option<char>| c.is_some_and(is_wide_punctuation);
        let joined = (unspaced(before) && unspaced(after)) || wide_punctuation(before) || wide_punctuation(after);
        if index > 0 && !joined {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Han, kana, and CJK and full-width punctuation.
fn is_written_without_spaces(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}'   // CJK punctuation, Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK Unified Ideographs Extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK Compatibility Ideographs
        | '\u{FF01}'..='\u{FF60}' // Full-width forms
        | '\u{20000}'..='\u{3FFFF}'
    )
}

/// CJK and full-width punctuation (`，`, `。`, `：`, `（`).
fn is_wide_punctuation(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF60}')
}

/// What a placeholder becomes in plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PlaceholderText {
    /// Text both sides must have: code, math, a URL, a directive.
    Kept(String),
    /// A hard break.
    Space,
    /// Inline HTML or a footnote reference: markup, not text.
    Dropped,
}

/// How the source bytes of a placeholder read as plain text.
pub(crate) fn placeholder_text(source: &str) -> PlaceholderText {
    let trimmed = source.trim();
    if trimmed.is_empty() || trimmed == "\\" {
        return PlaceholderText::Space;
    }
    if trimmed.starts_with('`') {
        return PlaceholderText::Kept(code_span_text(trimmed));
    }
    if let Some(inner) = trimmed.strip_prefix('<').and_then(|rest| rest.strip_suffix('>')) {
        return if AUTOLINK.is_match(inner) {
            PlaceholderText::Kept(inner.to_string())
        } else {
            PlaceholderText::Dropped
        };
    }
    if trimmed.starts_with("[^") {
        return PlaceholderText::Dropped;
    }
    PlaceholderText::Kept(trimmed.split_whitespace().collect::<Vec<_>>().join(" "))
}

static AUTOLINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:[a-z][a-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)$").expect("the autolink pattern is valid")
});

/// The code of a code span: its backtick fences and one padding space on
/// each side removed, as CommonMark reads it.
fn code_span_text(span: &str) -> String {
    let fence = span.len() - span.trim_start_matches('`').len();
    let inner = &span[fence..span.len().saturating_sub(fence).max(fence)];
    let inner = inner.replace('\n', " ");
    let stripped = inner
        .strip_prefix(' ')
        .and_then(|rest| rest.strip_suffix(' '))
        .filter(|rest| !rest.trim().is_empty());
    stripped.unwrap_or(&inner).to_string()
}

/// Finds the anchors of a chapter, with the bytes each covers.
fn find_anchors(markdown: &str) -> Vec<(Range<usize>, Anchor)> {
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(markdown, parser_options()).into_offset_iter().collect();
    let mut anchors = Vec::new();
    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        let end = match event {
            Event::Start(tag @ (Tag::CodeBlock(_) | Tag::Paragraph)) => closing_event(&events, index, tag),
            _ => None,
        };
        let Some(end) = end else {
            index += 1;
            continue;
        };
        let inner = &events[index + 1..end];
        let anchor = match event {
            Event::Start(Tag::CodeBlock(kind)) => Some(code_anchor(kind, inner)),
            _ => paragraph_anchor(&markdown[range.clone()], inner),
        };
        anchors.extend(anchor.map(|anchor| (range.clone(), anchor)));
        index = end + 1;
    }
    anchors
}

/// The index of the event that closes the block opened at `start`.
fn closing_event(events: &[(Event<'_>, Range<usize>)], start: usize, tag: &Tag<'_>) -> Option<usize> {
    let closing = tag.to_end();
    let mut depth = 0usize;
    for (offset, (event, _)) in events[start..].iter().enumerate() {
        match event {
            Event::Start(inner) if inner.to_end() == closing => depth += 1,
            Event::End(end) if *end == closing => {
                depth -= 1;
                if depth == 0 {
                    return Some(start + offset);
                }
            }
            _ => {}
        }
    }
    None
}

fn code_anchor(kind: &pulldown_cmark::CodeBlockKind<'_>, inner: &[(Event<'_>, Range<usize>)]) -> Anchor {
    let mut signature = match kind {
        pulldown_cmark::CodeBlockKind::Fenced(info) => format!("{info}\n"),
        pulldown_cmark::CodeBlockKind::Indented => String::new(),
    };
    for (event, _) in inner {
        if let Event::Text(text) = event {
            signature.push_str(text);
        }
    }
    Anchor {
        kind: AnchorKind::Code,
        signature,
        caption: None,
    }
}

/// A paragraph that is one image, or display math with nothing else.
fn paragraph_anchor(source: &str, inner: &[(Event<'_>, Range<usize>)]) -> Option<Anchor> {
    let content: Vec<&Event<'_>> = inner
        .iter()
        .map(|(event, _)| event)
        .filter(|event| !matches!(event, Event::SoftBreak) && !matches!(event, Event::Text(t) if t.trim().is_empty()))
        .collect();
    if let (Some(Event::Start(Tag::Image { dest_url, .. })), Some(Event::End(TagEnd::Image))) =
        (content.first(), content.last())
    {
        let n_images = content
            .iter()
            .filter(|event| matches!(event, Event::Start(Tag::Image { .. })))
            .count();
        return (n_images == 1).then(|| Anchor {
            kind: AnchorKind::Figure,
            signature: dest_url.to_string(),
            caption: None,
        });
    }
    let source = source.trim();
    let is_display_math = (source.starts_with("$$") && source.ends_with("$$"))
        || (source.starts_with("\\[") && source.ends_with("\\]"))
        || (source.starts_with("\\\\[") && source.ends_with("\\\\]"));
    is_display_math.then(|| Anchor {
        kind: AnchorKind::Math,
        signature: source.split_whitespace().collect::<Vec<_>>().join(" "),
        caption: None,
    })
}

/// Whether a chapter is written in d2lbook's markdown: it has code cells
/// opened with ```` ```{.python .input} ```` or `:label:` lines.
pub(crate) fn is_d2lbook(markdown: &str) -> bool {
    markdown
        .lines()
        .any(|line| D2LBOOK_BLOCK_ROLE.is_match(line) || line.trim_start().starts_with("```{."))
}

/// A line that is only a d2lbook block role, such as `` :label:`sec_x` ``.
static D2LBOOK_BLOCK_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*:(label|eqlabel|width|height|begin_tab|end_tab):(`[^`]*`)?\s*$")
        .expect("the d2lbook role pattern is valid")
});

/// d2lbook's markdown read as CommonMark: block role lines (`:label:`,
/// `:eqlabel:`, `:width:`, `:begin_tab:`, `:end_tab:`) removed, and the
/// `[**…**]` and `(**…**)` highlight markers of the translated editions
/// removed around their text, a colon that starts a line escaped (an
/// inline role there would open a definition list). Code cells are left
/// as they are.
pub(crate) fn normalise_d2lbook(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut prose = String::new();
    let mut fence: Option<String> = None;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) && trimmed.trim_start_matches(open.as_str()).is_empty() {
                fence = None;
            }
            out.push_str(line);
        } else if let Some(open) = fence_opening(trimmed) {
            out.push_str(&remove_highlights(&std::mem::take(&mut prose)));
            fence = Some(open);
            out.push_str(line);
        } else if D2LBOOK_BLOCK_ROLE.is_match(line) {
            continue;
        } else if let Some(role) = line.trim_start().strip_prefix(':') {
            // An inline role at the start of a line (`:eqref:` after a
            // line break) would open a definition list.
            prose.push_str(&line[..line.len() - line.trim_start().len()]);
            prose.push_str("\\:");
            prose.push_str(role);
        } else {
            prose.push_str(line);
        }
    }
    out.push_str(&remove_highlights(&prose));
    out
}

/// The fence a line opens (its run of three or more backticks or tildes).
fn fence_opening(line: &str) -> Option<String> {
    let marker = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let fence: String = line.chars().take_while(|c| *c == marker).collect();
    (fence.len() >= 3).then_some(fence)
}

/// Removes d2lbook's highlight markers, leaving their text; a marker that
/// would span a blank line is left alone.
fn remove_highlights(prose: &str) -> String {
    HIGHLIGHT
        .replace_all(prose, |captures: &regex::Captures<'_>| {
            let text = captures.get(1).or_else(|| captures.get(2)).map_or("", |m| m.as_str());
            if text.contains("\n\n") {
                captures[0].to_string()
            } else {
                text.to_string()
            }
        })
        .into_owned()
}

static HIGHLIGHT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\[\*\*(.+?)\*\*\]|\(\*\*(.+?)\*\*\)").expect("the highlight pattern is valid"));

#[cfg(test)]
mod tests;
