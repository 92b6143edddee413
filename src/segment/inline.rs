//! Inline tokens: the inline events of one leaf block as text, soft breaks,
//! opaque items and the two ends of each pair of markup, each with the
//! source bytes it covers.

use super::PairKind;
use pulldown_cmark::{Event, LinkType, Tag};
use std::collections::HashMap;
use std::ops::Range;

/// A piece of inline content with its source bytes.
#[derive(Debug, Clone)]
pub(super) enum Token {
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
    pub(super) fn range(&self) -> &Range<usize> {
        match self {
            Token::Text { range, .. }
            | Token::Space { range }
            | Token::Opaque { range }
            | Token::Open { range, .. }
            | Token::Close { range, .. } => range,
        }
    }
}

/// What a pair of markup is.
#[derive(Debug, Clone)]
pub(super) struct PairInfo {
    pub(super) kind: PairKind,
    pub(super) link_type: Option<LinkType>,
}

/// The tokens of a leaf block's inline events, and its pairs (a pair's
/// index is the `pair` of its `Open` and `Close` tokens). `None` when the
/// events hold something a segment cannot (a rule, superscript).
pub(super) fn inline_tokens(source: &str, events: &[(Event<'_>, Range<usize>)]) -> Option<(Vec<Token>, Vec<PairInfo>)> {
    let mut tokens = Tokenizer::default();
    let code_ends = code_element_ends(events);
    let mut index = 0;
    while index < events.len() {
        let (event, range) = &events[index];
        index += 1;
        match event {
            Event::TaskListMarker(_) => {}
            Event::Text(text) => tokens.text(source, text, range.clone()),
            Event::SoftBreak => tokens.tokens.push(Token::Space { range: range.clone() }),
            Event::InlineHtml(_) => {
                // A code-like element, nested markup included, is code: one token.
                let end = code_ends.get(&(index - 1)).copied().unwrap_or(index - 1);
                tokens.tokens.push(Token::Opaque {
                    range: range.start..events[end].1.end,
                });
                index = end + 1;
            }
            Event::HardBreak
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::Html(_)
            | Event::FootnoteReference(_) => tokens.tokens.push(Token::Opaque { range: range.clone() }),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                // The whole autolink is kept.
                index = after_matching_end(events, index);
                tokens.tokens.push(Token::Opaque { range: range.clone() });
            }
            Event::Start(tag) => tokens.open(tag, range.clone())?,
            Event::End(_) => tokens.close()?,
            Event::Rule => return None,
        }
    }
    let Tokenizer { mut tokens, pairs, .. } = tokens;
    extend_hard_breaks(source, &mut tokens);
    Some((tokens, pairs))
}

/// What the pair that `tag` opens is; `None` for markup mdBook does not enable.
fn pair_info(tag: &Tag<'_>) -> Option<PairInfo> {
    let (kind, link_type) = match tag {
        Tag::Emphasis => (PairKind::Emphasis, None),
        Tag::Strong => (PairKind::Strong, None),
        Tag::Strikethrough => (PairKind::Strikethrough, None),
        Tag::Link { link_type, .. } => (PairKind::Link, Some(*link_type)),
        Tag::Image { link_type, .. } => (PairKind::Image, Some(*link_type)),
        // Superscript and subscript are not enabled in mdBook.
        _ => return None,
    };
    Some(PairInfo { kind, link_type })
}

/// HTML elements whose content is code, never prose.
const CODE_ELEMENTS: [&str; 5] = ["code", "kbd", "samp", "var", "tt"];

/// The name of the code-like element (`CODE_ELEMENTS`) that the inline HTML
/// `html` opens, lower-cased; `None` for anything else or a self-closing tag.
fn code_element_opened(html: &str) -> Option<&'static str> {
    let name = html.strip_prefix('<')?;
    let end = name.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(name.len());
    let element = CODE_ELEMENTS
        .into_iter()
        .find(|e| name[..end].eq_ignore_ascii_case(e))?;
    (!html.ends_with("/>")).then_some(element)
}

/// Whether the inline HTML `html` closes an `element`.
fn closes_element(html: &str, element: &str) -> bool {
    html.strip_prefix("</")
        .and_then(|rest| {
            rest.get(..element.len())
                .filter(|name| name.eq_ignore_ascii_case(element))
                .map(|_| &rest[element.len()..])
        })
        .is_some_and(|rest| rest.trim_start() == ">")
}

/// For each inline HTML event that opens a code-like element, the index of
/// the event that closes it, where the markdown markup between them is
/// balanced (no pair opens inside and closes outside, or the reverse). One
/// pass: only the innermost open element can close, and an element is given
/// up when a pair opened before it closes.
fn code_element_ends(events: &[(Event<'_>, Range<usize>)]) -> HashMap<usize, usize> {
    let mut ends = HashMap::new();
    // Open elements: (event index, element, pair depth at the opening).
    let mut open: Vec<(usize, &str, usize)> = Vec::new();
    let mut depth = 0usize;
    for (index, (event, _)) in events.iter().enumerate() {
        match event {
            Event::InlineHtml(html) => {
                if let Some(element) = code_element_opened(html) {
                    open.push((index, element, depth));
                } else if let Some(&(start, element, opened_at)) = open.last()
                    && closes_element(html, element)
                {
                    open.pop();
                    if opened_at == depth {
                        ends.insert(start, index);
                    }
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                while open.last().is_some_and(|&(_, _, opened_at)| opened_at > depth) {
                    open.pop();
                }
            }
            _ => {}
        }
    }
    ends
}

/// The index after the `End` that closes the `Start` just before `index`.
fn after_matching_end(events: &[(Event<'_>, Range<usize>)], mut index: usize) -> usize {
    let mut depth = 1;
    while index < events.len() && depth > 0 {
        match events[index].0 {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        index += 1;
    }
    index
}

/// Tokens being built, with the pairs still open.
#[derive(Default)]
struct Tokenizer {
    tokens: Vec<Token>,
    /// The pairs opened so far; a pair's number is its index.
    pairs: Vec<PairInfo>,
    /// Pairs open now: (pair, token index of its `Open`).
    open_pairs: Vec<(usize, usize)>,
}

impl Tokenizer {
    /// A text event. pulldown-cmark leaves the backslash of an escape out
    /// of the range: the escaped character becomes a token of its own that
    /// covers the backslash too.
    fn text(&mut self, source: &str, text: &str, mut range: Range<usize>) {
        // An open pair's token still covers the whole pair: the text right
        // after its opening bytes follows its start.
        let previous_end = match self.tokens.last() {
            Some(Token::Open { range, .. }) => range.start,
            Some(token) => token.range().end,
            None => 0,
        };
        let escaped = range.start >= 1
            && previous_end < range.start
            && source.as_bytes()[range.start - 1] == b'\\'
            && text.starts_with(|c: char| c.is_ascii_punctuation());
        let mut text = text;
        if escaped {
            self.tokens.push(Token::Text {
                text: text[..1].to_string(),
                range: range.start - 1..range.start + 1,
                exact: false,
            });
            range.start += 1;
            text = &text[1..];
        }
        if !text.is_empty() {
            self.tokens.push(Token::Text {
                text: text.to_string(),
                exact: &source[range.clone()] == text,
                range,
            });
        }
    }

    /// The start of a pair; its range is the whole pair until [`Tokenizer::close`] narrows it.
    fn open(&mut self, tag: &Tag<'_>, range: Range<usize>) -> Option<()> {
        self.pairs.push(pair_info(tag)?);
        let pair = self.pairs.len() - 1;
        self.open_pairs.push((pair, self.tokens.len()));
        self.tokens.push(Token::Open { pair, range });
        Some(())
    }

    /// The end of the innermost open pair: its `Open` token is narrowed to
    /// the bytes before the content and a `Close` token covers the rest.
    fn close(&mut self) -> Option<()> {
        let (pair, open_index) = self.open_pairs.pop()?;
        let tokens = &mut self.tokens;
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
                let opener = if self.pairs[pair].kind == PairKind::Image { 2 } else { 1 };
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
        Some(())
    }
}

/// A hard break keeps the next line's container prefix.
fn extend_hard_breaks(source: &str, tokens: &mut [Token]) {
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
}
