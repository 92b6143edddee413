//! Units and sentence cuts: the tokens of a segment cut into sentences
//! where no paired markup crosses the cut, each written as canonical
//! tagged text with its slots.

use super::inline::{PairInfo, Token};
use super::tagged::TaggedWriter;
use super::{SegmentOptions, Slot, Unit};
use crate::sentence::split_sentences;
use pulldown_cmark::LinkType;
use std::ops::Range;

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
    let mut push = |text: &mut String, pending_space: &mut bool, c: char, position: (usize, usize)| {
        if *pending_space && !text.is_empty() {
            text.push(' ');
        }
        *pending_space = false;
        positions.push((text.len(), position.0, position.1));
        text.push(c);
    };
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Text { text: t, .. } => {
                for (offset, c) in t.char_indices() {
                    if c.is_whitespace() {
                        pending_space = true;
                    } else {
                        push(&mut text, &mut pending_space, c, (index, offset));
                    }
                }
            }
            Token::Space { .. } => pending_space = true,
            Token::Opaque { .. } => push(&mut text, &mut pending_space, OBJECT, (index, 0)),
            Token::Open { .. } | Token::Close { .. } => {}
        }
    }
    Flat { text, positions }
}

/// Cuts the tokens of a segment into units at sentence boundaries that no
/// paired markup crosses.
pub(super) fn cut_units(source: &str, tokens: &[Token], pairs: &[PairInfo], options: &SegmentOptions) -> Vec<Unit> {
    let cuts = if options.whole_segments {
        Vec::new()
    } else {
        sentence_cuts(tokens, &options.source_language)
    };
    split_at_cuts(tokens, &cuts)
        .into_iter()
        .filter_map(|unit_tokens| make_unit(source, &unit_tokens, pairs))
        .collect()
}

/// Where the sentences of `tokens` start, as (token index, byte offset
/// inside that token's text), leaving out boundaries inside markup.
fn sentence_cuts(tokens: &[Token], language: &crate::language::LanguageTag) -> Vec<(usize, usize)> {
    let flat = flatten(tokens);
    // How much markup is open before each token.
    let mut depth_before: Vec<isize> = Vec::with_capacity(tokens.len() + 1);
    let mut depth = 0;
    for token in tokens {
        depth_before.push(depth);
        depth += match token {
            Token::Open { .. } => 1,
            Token::Close { .. } => -1,
            _ => 0,
        };
    }
    let mut cuts = Vec::new();
    for sentence in split_sentences(&flat.text, language).iter().skip(1) {
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
        if depth_before[token_index] == 0 {
            cuts.push((token_index, cut_offset));
        }
    }
    cuts
}

/// The token list of each unit: `tokens` cut at `cuts`, a text token split
/// where a cut falls inside it.
fn split_at_cuts(tokens: &[Token], cuts: &[(usize, usize)]) -> Vec<Vec<Token>> {
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
}

/// Builds the canonical tagged text and slots of one unit. White space at
/// both ends is left out (it stays in the kept gaps); `None` for a unit of
/// white space only.
fn make_unit(source: &str, tokens: &[Token], pairs: &[PairInfo]) -> Option<Unit> {
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
    let mut unit = UnitWriter::default();
    for token in tokens {
        unit.token(source, token, pairs)?;
    }
    Some(Unit {
        range: start..end,
        tagged: unit.tagged.finish(),
        slots: unit.slots,
        translatable: unit.translatable,
    })
}

/// The tagged text and slots of a unit being written.
#[derive(Default)]
struct UnitWriter {
    tagged: TaggedWriter,
    slots: Vec<Slot>,
    /// Pairs open now: (pair, slot id, source bytes of the opening).
    open_pairs: Vec<(usize, u32, Range<usize>)>,
    /// White space seen since the last word: one space before the next.
    pending_space: bool,
    translatable: bool,
}

impl UnitWriter {
    fn token(&mut self, source: &str, token: &Token, pairs: &[PairInfo]) -> Option<()> {
        match token {
            Token::Text { text, .. } => {
                self.translatable |= text.chars().any(char::is_alphabetic);
                for word in split_keep_space(text) {
                    match word {
                        None => self.pending_space = true,
                        Some(word) => {
                            self.space_before_word();
                            self.tagged.text(word);
                        }
                    }
                }
            }
            Token::Space { .. } => self.pending_space = true,
            Token::Opaque { range } => {
                self.space_before_tag();
                self.slots.push(Slot::Placeholder(source[range.clone()].to_string()));
                self.tagged.placeholder(self.last_id());
            }
            Token::Open { pair, range } => {
                self.space_before_tag();
                // Filled in when the close is seen.
                self.slots.push(Slot::Placeholder(String::new()));
                let id = self.last_id();
                self.open_pairs.push((*pair, id, range.clone()));
                self.tagged.open(id);
            }
            Token::Close { pair, range } => {
                self.space_before_tag();
                let position = self.open_pairs.iter().rposition(|(p, _, _)| p == pair)?;
                let (_, id, open_range) = self.open_pairs.remove(position);
                self.slots[id as usize - 1] = pair_slot(source, &pairs[*pair], open_range, range.clone());
                self.tagged.close(id);
            }
        }
        Some(())
    }

    /// Before a word: one space for the white space since the last one,
    /// none at the start.
    fn space_before_word(&mut self) {
        if self.pending_space && !self.tagged.is_empty() {
            self.tagged.text(" ");
        }
        self.pending_space = false;
    }

    /// Before a tag: one space for the white space since the last word,
    /// none at the start.
    fn space_before_tag(&mut self) {
        if self.pending_space && !self.tagged.is_empty() {
            self.tagged.text(" ");
            self.pending_space = false;
        }
    }

    /// The id of the last slot.
    fn last_id(&self) -> u32 {
        u32::try_from(self.slots.len()).expect("a unit has fewer than 2³² slots")
    }
}

/// The slot of a pair whose opening bytes are `open` and closing bytes `close`.
fn pair_slot(source: &str, info: &PairInfo, open: Range<usize>, close: Range<usize>) -> Slot {
    // A shortcut or collapsed reference must name its label explicitly
    // once the text is translated.
    let close_bytes = match info.link_type {
        Some(LinkType::Shortcut | LinkType::Collapsed | LinkType::ShortcutUnknown | LinkType::CollapsedUnknown) => {
            format!("][{}]", &source[open.end..close.start])
        }
        _ => source[close].to_string(),
    };
    Slot::Pair {
        kind: info.kind,
        open: source[open].to_string(),
        close: close_bytes,
    }
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
