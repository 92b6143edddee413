//! The emulator's translation engine: deterministic and checkable.
//!
//! Each translatable text piece keeps its surrounding white space and is
//! translated on its own. With parallel data (batch jobs only), a piece or
//! a sentence of it found among the pairs comes back as its paired
//! translation. Otherwise terminology entries are put in exactly (whole
//! words, case-sensitive, longest first) and everything else is
//! pseudo-translated ([`super::pseudo`]).

use super::markup::Piece;
use super::pseudo::pseudo_translate;
use std::collections::HashMap;

/// One terminology entry for a language pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    /// The terminology it comes from.
    pub(crate) terminology: String,
    pub(crate) source: String,
    pub(crate) target: String,
}

/// Sentence pairs of active parallel data, by source sentence with white
/// space collapsed.
#[derive(Debug, Clone, Default)]
pub(crate) struct SentencePairs {
    pairs: HashMap<String, String>,
}

impl SentencePairs {
    pub(crate) fn insert(&mut self, source: &str, target: &str) {
        self.pairs.insert(collapse_white_space(source), target.to_string());
    }

    fn get(&self, source: &str) -> Option<&str> {
        self.pairs.get(&collapse_white_space(source)).map(String::as_str)
    }
}

/// What to translate with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resources<'a> {
    pub(crate) target: &'a str,
    /// Terminology entries for the pair, any order.
    pub(crate) terms: &'a [Term],
    /// Parallel data for the pair (batch jobs only).
    pub(crate) pairs: Option<&'a SentencePairs>,
}

/// A translated document.
#[derive(Debug, Clone, Default)]
pub(crate) struct Translation {
    pub(crate) pieces: Vec<Piece>,
    /// Terminology entries used, each once, in order of first use.
    pub(crate) applied_terms: Vec<Term>,
    /// Pieces or sentences that came from parallel data.
    pub(crate) n_parallel_matches: usize,
}

/// Translates the translatable text of `pieces`; tags and untranslatable text stay.
pub(crate) fn translate_pieces(pieces: &[Piece], resources: Resources<'_>) -> Translation {
    let mut terms: Vec<&Term> = resources.terms.iter().filter(|t| !t.source.is_empty()).collect();
    terms.sort_by_key(|term| std::cmp::Reverse(term.source.len()));
    let mut translation = Translation::default();
    for piece in pieces {
        let translated = match piece {
            Piece::Text { text, translate: true } => Piece::Text {
                text: translate_text(text, resources, &terms, &mut translation),
                translate: true,
            },
            other => other.clone(),
        };
        translation.pieces.push(translated);
    }
    translation
}

fn translate_text(text: &str, resources: Resources<'_>, terms: &[&Term], translation: &mut Translation) -> String {
    let core = text.trim();
    if core.is_empty() {
        return text.to_string();
    }
    let start = text.len() - text.trim_start().len();
    let (leading, trailing) = (&text[..start], &text[start + core.len()..]);
    let translated = match resources.pairs {
        Some(pairs) => match pairs.get(core) {
            Some(paired) => {
                translation.n_parallel_matches += 1;
                paired.to_string()
            }
            None => translate_sentences(core, pairs, resources.target, terms, translation),
        },
        None => translate_with_terms(core, resources.target, terms, translation),
    };
    format!("{leading}{translated}{trailing}")
}

fn translate_sentences(
    text: &str,
    pairs: &SentencePairs,
    target: &str,
    terms: &[&Term],
    translation: &mut Translation,
) -> String {
    let sentences = split_sentences(text);
    let mut out = String::new();
    for (i, (sentence, separator)) in sentences.iter().enumerate() {
        match pairs.get(sentence) {
            Some(paired) => {
                translation.n_parallel_matches += 1;
                out.push_str(paired);
            }
            None => out.push_str(&translate_with_terms(sentence, target, terms, translation)),
        }
        let cjk_stop = out.ends_with(['。', '！', '？']);
        let last = i + 1 == sentences.len();
        if !(cjk_stop && *separator == " " && !last) {
            out.push_str(separator);
        }
    }
    out
}

/// Cuts text after `. ! ?` followed by white space and after CJK full stops;
/// each sentence comes with the white space that follows it.
///
/// Written by hand because the emulator only needs the obvious boundaries
/// (the product's own splitter is language-aware, and the emulator must not
/// share code with what it tests).
pub(crate) fn split_sentences(text: &str) -> Vec<(&str, &str)> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        let boundary = match c {
            '。' | '！' | '？' => true,
            '.' | '!' | '?' => chars.peek().is_some_and(|(_, next)| next.is_whitespace()),
            _ => false,
        };
        if !boundary {
            continue;
        }
        let mut after = end;
        while let Some(&(j, next)) = chars.peek() {
            if !next.is_whitespace() {
                break;
            }
            after = j + next.len_utf8();
            chars.next();
        }
        sentences.push((&text[start..end], &text[end..after]));
        start = after;
    }
    if start < text.len() {
        sentences.push((&text[start..], ""));
    }
    sentences
}

/// Pseudo-translates `text`, putting in terminology entries exactly.
fn translate_with_terms(text: &str, target: &str, terms: &[&Term], translation: &mut Translation) -> String {
    let mut out = String::new();
    let mut plain_from = 0;
    let mut i = 0;
    while i < text.len() {
        let found = at_word_start(text, i)
            .then(|| {
                terms
                    .iter()
                    .find(|term| text[i..].starts_with(&term.source) && at_word_end(text, i + term.source.len()))
            })
            .flatten();
        match found {
            Some(term) => {
                out.push_str(&pseudo_translate(&text[plain_from..i], target));
                out.push_str(&term.target);
                if !translation.applied_terms.contains(term) {
                    translation.applied_terms.push((*term).clone());
                }
                i += term.source.len();
                plain_from = i;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out.push_str(&pseudo_translate(&text[plain_from..], target));
    out
}

fn at_word_start(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
}

fn at_word_end(text: &str, i: usize) -> bool {
    text[i..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

fn collapse_white_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
