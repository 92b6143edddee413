//! Units too long for one TranslateText request, cut into pieces that fit
//! and joined back once every piece is answered.
//!
//! A unit is a sentence, or several when markup crosses their boundary, so
//! one over the request limit (10,000 bytes as HTML) is rare: a run-on list
//! of clauses, a paragraph inside one emphasis, a long run of CJK text
//! without a stop. Such a unit is still keyed, stored and validated whole;
//! only the requests see pieces. Each piece is cut, by preference, at
//!
//! 1. a sentence end ([`split_sentences`]);
//! 2. a clause mark (a comma, semicolon or colon before a space, or a
//!    full-width one);
//! 3. a space;
//! 4. between two CJK characters, which are written without spaces;
//!
//! taking, among the places of the best kind within the limit, the last.
//! A pair of markup open at a cut is closed at the end of one piece and
//! opened again at the start of the next, and each piece keeps a word
//! inside every such pair, so each piece is valid tagged text. Joining
//! takes those tags off again where the engine left them, at the ends of
//! the answers; where it moved them, the joined text has a pair twice and
//! validation refuses it. A unit with no place to cut it into pieces that
//! fit (one word of 10,000 bytes) is not sent.
//!
//! Written here rather than taken from a crate: the cuts follow this
//! project's tagged text and its own sentence splitter.

use super::UnitAnswer;
use super::html::{push_token_html, request_unit_id, unit_element_bytes, unit_html};
use crate::language::LanguageTag;
use crate::segment::tagged::{TaggedToken, TaggedWriter, parse_tagged};
use crate::sentence::{is_cjk, is_clause_mark, split_sentences};
use std::collections::HashMap;

/// One element of a unit: a character of its text or a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Char(char),
    Open(u32),
    Close(u32),
    Placeholder(u32),
}

impl Item {
    /// A word character or a placeholder: what makes a piece or a pair
    /// hold something.
    fn is_word(self) -> bool {
        match self {
            Item::Char(c) => !c.is_whitespace(),
            Item::Placeholder(_) => true,
            Item::Open(_) | Item::Close(_) => false,
        }
    }

    fn token(self) -> TaggedToken {
        match self {
            Item::Char(c) => TaggedToken::Text(c.to_string()),
            Item::Open(id) => TaggedToken::Open(id),
            Item::Close(id) => TaggedToken::Close(id),
            Item::Placeholder(id) => TaggedToken::Placeholder(id),
        }
    }

    /// Its size in a request.
    fn html_bytes(self) -> usize {
        let mut html = String::new();
        push_token_html(&mut html, &self.token());
        html.len()
    }
}

/// The places a unit may be cut, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CutKind {
    SentenceEnd,
    ClauseMark,
    Space,
    BetweenCjk,
}

/// A unit cut into pieces, each tagged text of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutUnit {
    /// The tagged text of each piece, in order.
    pub pieces: Vec<String>,
    /// For each cut (one fewer than the pieces), the pairs open across it,
    /// outermost first: closed at the end of the piece before and opened
    /// again at the start of the piece after.
    reopened: Vec<Vec<u32>>,
}

/// A unit read as items, with what the cuts need to know at each position.
struct Layout {
    items: Vec<Item>,
    /// HTML bytes of `items[..i]`.
    prefix_bytes: Vec<usize>,
    /// At each position: (index of the innermost open pair's `Open`, of its
    /// `Close`), if a pair is open there.
    innermost: Vec<Option<(usize, usize)>>,
    /// At each position: the pairs open there, as the HTML bytes of opening
    /// them again and of closing them.
    open_bytes: Vec<(usize, usize)>,
    /// At each position: the last word item before it, if any.
    previous_word: Vec<Option<usize>>,
    /// At each position: the first word item at or after it (`items.len()` if none).
    next_word: Vec<usize>,
    /// At each position: the best kind of cut there, if one may be made.
    kind: Vec<Option<CutKind>>,
}

/// Cuts `tagged` into pieces whose HTML content (without the element
/// around it) is at most `max_bytes`; `None` when there is no place to cut
/// it so. `language` is the unit's language, for its sentence ends.
pub fn cut_unit(tagged: &str, max_bytes: usize, language: &LanguageTag) -> Option<CutUnit> {
    let layout = Layout::of(tagged, language)?;
    let n = layout.items.len();
    let mut cuts = Vec::new();
    let mut start = 0;
    while layout.piece_bytes(start, n) > max_bytes {
        let mut best: Option<(CutKind, usize)> = None;
        for end in start + 1..n {
            if layout.prefix_bytes[end] - layout.prefix_bytes[start] > max_bytes {
                break;
            }
            let Some(kind) = layout.kind[end] else { continue };
            if layout.can_cut(start, end)
                && layout.piece_bytes(start, end) <= max_bytes
                && best.is_none_or(|(best_kind, _)| kind <= best_kind)
            {
                best = Some((kind, end));
            }
        }
        let (_, end) = best?;
        cuts.push(end);
        start = end;
    }
    Some(layout.pieces(&cuts))
}

impl Layout {
    fn of(tagged: &str, language: &LanguageTag) -> Option<Layout> {
        let mut items = Vec::new();
        for token in parse_tagged(tagged).ok()? {
            match token {
                TaggedToken::Text(text) => items.extend(text.chars().map(Item::Char)),
                TaggedToken::Open(id) => items.push(Item::Open(id)),
                TaggedToken::Close(id) => items.push(Item::Close(id)),
                TaggedToken::Placeholder(id) => items.push(Item::Placeholder(id)),
            }
        }
        let n = items.len();
        let mut layout = Layout {
            prefix_bytes: Vec::with_capacity(n + 1),
            innermost: Vec::with_capacity(n + 1),
            open_bytes: Vec::with_capacity(n + 1),
            previous_word: Vec::with_capacity(n + 1),
            next_word: vec![n; n + 1],
            kind: Self::cut_kinds(&items, language),
            items,
        };
        layout.scan()?;
        Some(layout)
    }

    /// Fills the per-position tables; `None` when the pairs do not nest.
    fn scan(&mut self) -> Option<()> {
        let n = self.items.len();
        let mut closes = vec![n; n];
        let mut stack: Vec<usize> = Vec::new();
        for (index, item) in self.items.iter().enumerate() {
            match item {
                Item::Open(_) => stack.push(index),
                Item::Close(id) => {
                    let open = stack.pop()?;
                    (self.items[open] == Item::Open(*id)).then_some(())?;
                    closes[open] = index;
                }
                _ => {}
            }
        }
        stack.is_empty().then_some(())?;
        let (mut bytes, mut reopen, mut close, mut previous) = (0, 0, 0, None);
        for (index, item) in self.items.iter().enumerate() {
            self.prefix_bytes.push(bytes);
            self.innermost.push(stack.last().map(|&open| (open, closes[open])));
            self.open_bytes.push((reopen, close));
            self.previous_word.push(previous);
            let item_bytes = item.html_bytes();
            bytes += item_bytes;
            match item {
                Item::Open(_) => {
                    stack.push(index);
                    reopen += item_bytes;
                    close += Item::Close(0).html_bytes();
                }
                Item::Close(_) => {
                    let open = stack.pop()?;
                    reopen -= self.items[open].html_bytes();
                    close -= item_bytes;
                }
                _ => {}
            }
            if item.is_word() {
                previous = Some(index);
            }
        }
        self.prefix_bytes.push(bytes);
        self.innermost.push(None);
        self.open_bytes.push((0, 0));
        self.previous_word.push(previous);
        for index in (0..n).rev() {
            self.next_word[index] = if self.items[index].is_word() {
                index
            } else {
                self.next_word[index + 1]
            };
        }
        Some(())
    }

    /// The best kind of cut before each item, and at the end none.
    fn cut_kinds(items: &[Item], language: &LanguageTag) -> Vec<Option<CutKind>> {
        // The text as the sentence splitter reads it: a placeholder as a word.
        let mut flat = String::new();
        let mut item_at_offset = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let c = match item {
                Item::Char(c) => *c,
                Item::Placeholder(_) => '\u{FFFC}',
                Item::Open(_) | Item::Close(_) => continue,
            };
            item_at_offset.push((flat.len(), index));
            flat.push(c);
        }
        let mut kinds = vec![None; items.len() + 1];
        for sentence in split_sentences(&flat, language).iter().skip(1) {
            if let Ok(position) = item_at_offset.binary_search_by_key(&sentence.start, |&(offset, _)| offset) {
                // Before the opening tags the sentence starts with.
                let mut index = item_at_offset[position].1;
                while index > 0 && matches!(items[index - 1], Item::Open(_)) {
                    index -= 1;
                }
                kinds[index] = Some(CutKind::SentenceEnd);
            }
        }
        let mut last_word_char: Option<char> = None;
        for (index, item) in items.iter().enumerate() {
            let Item::Char(c) = *item else {
                if item.is_word() {
                    last_word_char = None;
                }
                continue;
            };
            let before = index.checked_sub(1).map(|i| items[i]);
            // Never between an opening tag and its first character.
            if index > 0 && !matches!(before, Some(Item::Open(_))) && kinds[index].is_none() {
                let clause =
                    last_word_char.is_some_and(|mark| is_clause_mark(mark) && (c.is_whitespace() || !mark.is_ascii()));
                kinds[index] = if clause {
                    Some(CutKind::ClauseMark)
                } else if c.is_whitespace() {
                    Some(CutKind::Space)
                } else if matches!(before, Some(Item::Char(b)) if is_cjk(b) && is_cjk(c)) {
                    Some(CutKind::BetweenCjk)
                } else {
                    None
                };
            }
            if !c.is_whitespace() {
                last_word_char = Some(c);
            }
        }
        kinds
    }

    /// HTML bytes of the piece `start..end` with the pairs open at its ends
    /// opened again and closed.
    fn piece_bytes(&self, start: usize, end: usize) -> usize {
        self.prefix_bytes[end] - self.prefix_bytes[start] + self.open_bytes[start].0 + self.open_bytes[end].1
    }

    /// Whether `start..end` and what follows each hold a word, and so does
    /// every pair open at `end` on both sides of it.
    fn can_cut(&self, start: usize, end: usize) -> bool {
        let (inside_from, inside_to) = match self.innermost[end] {
            Some((open, close)) => (open.max(start), close),
            None => (start, self.items.len()),
        };
        self.previous_word[end].is_some_and(|word| word >= inside_from) && self.next_word[end] < inside_to
    }

    /// The pairs open at `position`, outermost first.
    fn open_pairs(&self, position: usize) -> Vec<u32> {
        let mut open = Vec::new();
        for item in &self.items[..position] {
            match item {
                Item::Open(id) => open.push(*id),
                Item::Close(_) => {
                    open.pop();
                }
                _ => {}
            }
        }
        open
    }

    /// The pieces between `cuts`, white space at their ends left out.
    fn pieces(&self, cuts: &[usize]) -> CutUnit {
        let reopened: Vec<Vec<u32>> = cuts.iter().map(|&cut| self.open_pairs(cut)).collect();
        let bounds: Vec<usize> = std::iter::once(0)
            .chain(cuts.iter().copied())
            .chain([self.items.len()])
            .collect();
        let pieces = bounds
            .windows(2)
            .enumerate()
            .map(|(n, bound)| {
                let mut writer = TaggedWriter::default();
                let opened = n.checked_sub(1).map_or(&[][..], |cut| &reopened[cut][..]);
                let closed = reopened.get(n).map_or(&[][..], Vec::as_slice);
                opened.iter().for_each(|&id| writer.open(id));
                let mut items = &self.items[bound[0]..bound[1]];
                while let [Item::Char(c), rest @ ..] = items
                    && c.is_whitespace()
                {
                    items = rest;
                }
                while let [rest @ .., Item::Char(c)] = items
                    && c.is_whitespace()
                {
                    items = rest;
                }
                items.iter().for_each(|item| writer.token(&item.token()));
                closed.iter().rev().for_each(|&id| writer.close(id));
                writer.finish()
            })
            .collect();
        CutUnit { pieces, reopened }
    }
}

impl CutUnit {
    /// The translation of the whole unit from the translations of its
    /// pieces (tagged text, in order): the tags each cut added are taken
    /// off where the answers kept them at their ends, and the pieces are
    /// joined with a space, or nothing for a language written without
    /// spaces between sentences.
    pub fn join(&self, answers: &[String], target: &LanguageTag) -> String {
        let separator = if target.is_cjk() { "" } else { " " };
        let mut joined = String::new();
        for (n, answer) in answers.iter().enumerate() {
            let mut answer = answer.trim();
            if let Some(opened) = n.checked_sub(1).map(|cut| &self.reopened[cut]) {
                let tags: String = opened.iter().map(|id| format!("<g{id}>")).collect();
                answer = answer.strip_prefix(tags.as_str()).unwrap_or(answer).trim_start();
            }
            if let Some(closed) = self.reopened.get(n) {
                let tags: String = closed.iter().rev().map(|id| format!("</g{id}>")).collect();
                answer = answer.strip_suffix(tags.as_str()).unwrap_or(answer).trim_end();
            }
            if n > 0 && !answer.is_empty() {
                joined.push_str(separator);
            }
            joined.push_str(answer);
        }
        joined
    }
}

/// What a request sends for its units: each unit whole where it fits,
/// else its pieces. Items are numbered in order, as
/// [`pack_units`](super::html::pack_units) numbers the units it is given.
#[derive(Debug, Clone, Default)]
pub struct SendPlan {
    /// The tagged text of each item sent.
    pub items: Vec<String>,
    /// The unit of each item.
    owners: Vec<usize>,
    /// The cut units, by unit: how they were cut, and their first item.
    cuts: HashMap<usize, (CutUnit, usize)>,
    /// Units that do not fit and cannot be cut to fit: (unit, bytes of its
    /// HTML content).
    pub too_long: Vec<(usize, usize)>,
}

impl SendPlan {
    /// Plans `units` (tagged text, in `language`) for requests of at most
    /// `max_bytes` of HTML.
    pub fn of(units: &[&str], language: &LanguageTag, max_bytes: usize) -> SendPlan {
        let mut plan = SendPlan::default();
        for (unit, tagged) in units.iter().enumerate() {
            let id = request_unit_id(plan.items.len());
            let html_bytes = unit_html(&id, tagged).0.len();
            if html_bytes <= max_bytes {
                plan.items.push(tagged.to_string());
                plan.owners.push(unit);
                continue;
            }
            // The longest id a piece may get: there are fewer pieces than characters.
            let longest_id = request_unit_id(plan.items.len() + tagged.len()).len();
            let content_bytes = html_bytes - unit_element_bytes(id.len());
            match cut_unit(
                tagged,
                max_bytes.saturating_sub(unit_element_bytes(longest_id)),
                language,
            ) {
                Some(cut) => {
                    plan.cuts.insert(unit, (cut.clone(), plan.items.len()));
                    plan.owners.extend(std::iter::repeat_n(unit, cut.pieces.len()));
                    plan.items.extend(cut.pieces);
                }
                None => plan.too_long.push((unit, content_bytes)),
            }
        }
        plan
    }

    /// The unit an item belongs to.
    pub fn owner(&self, item: usize) -> usize {
        self.owners[item]
    }

    /// Turns answers by item into answers by unit, as they come in.
    pub fn joiner<'a>(&'a self, target: &'a LanguageTag) -> Joiner<'a> {
        Joiner {
            plan: self,
            target,
            waiting: HashMap::new(),
        }
    }
}

/// The answers of a [`SendPlan`]'s items, joined into answers of its units:
/// a whole unit's answer is passed on, a cut unit's once all its pieces are
/// answered, or at its first failed piece (each unit is answered once).
#[derive(Debug)]
pub struct Joiner<'a> {
    plan: &'a SendPlan,
    target: &'a LanguageTag,
    /// The answers of the pieces of cut units so far; `None` once the unit
    /// is answered.
    waiting: HashMap<usize, Option<Vec<Option<String>>>>,
}

impl Joiner<'_> {
    /// The unit answers that `answers` (by item) complete.
    pub fn answers(&mut self, answers: Vec<(usize, UnitAnswer)>) -> Vec<(usize, UnitAnswer)> {
        let mut done = Vec::new();
        for (item, answer) in answers {
            let unit = self.plan.owner(item);
            let Some((cut, first_item)) = self.plan.cuts.get(&unit) else {
                done.push((unit, answer));
                continue;
            };
            let slot = self
                .waiting
                .entry(unit)
                .or_insert_with(|| Some(vec![None; cut.pieces.len()]));
            let Some(pieces) = slot else { continue };
            match answer {
                Ok(piece) => pieces[item - first_item] = Some(piece),
                Err(error) => {
                    *slot = None;
                    done.push((unit, Err(error)));
                    continue;
                }
            }
            if pieces.iter().all(Option::is_some) {
                let answers: Vec<String> = pieces.iter_mut().filter_map(Option::take).collect();
                *slot = None;
                done.push((unit, Ok(cut.join(&answers, self.target))));
            }
        }
        done
    }
}

#[cfg(test)]
mod tests;
