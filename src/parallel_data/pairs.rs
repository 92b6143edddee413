//! From aligned blocks to pairs: sentences aligned inside each block
//! pair, each candidate checked (same placeholders, translated, within the
//! service's limits, plausible lengths) and duplicates removed.

use super::align::{Bead, Item, LengthModel, align_items};
use super::blocks::BlockPair;
use super::read::{Prose, Sentence};
use super::report::DropReason;
use super::{Granularity, SentencePair};
use crate::language::LanguageTag;
use std::collections::HashSet;

/// The most UTF-8 bytes CreateParallelData takes in one segment.
pub const MAX_SEGMENT_BYTES: usize = 1_000;

/// How far apart (in standard deviations of the sentence model) the
/// lengths of an aligned pair may be. A forced 1-1 pair of two one-sentence
/// blocks beyond this is more likely a misalignment than a translation.
const MAX_DEVIATION: f64 = 4.0;

/// The runs of sentences of a block pair that translate each other: the
/// whole blocks at paragraph granularity, else the beads of the sentence
/// programme, where a run may be empty (a sentence left without a partner).
pub(crate) fn sentence_groups<'a>(
    pair: &BlockPair<'a>,
    granularity: Granularity,
    model: &LengthModel,
) -> Vec<(Vec<&'a Sentence>, Vec<&'a Sentence>)> {
    let sentences = |blocks: &[&'a Prose]| -> Vec<&'a Sentence> {
        blocks.iter().flat_map(|prose| prose.sentences.iter()).collect()
    };
    let (source, target) = (sentences(&pair.source), sentences(&pair.target));
    if granularity == Granularity::Paragraph {
        return vec![(source, target)];
    }
    let items = |sentences: &[&Sentence]| -> Vec<Item> {
        sentences
            .iter()
            .map(|sentence| Item {
                n_chars: sentence.n_chars,
                rigid: false,
            })
            .collect()
    };
    align_items(&items(&source), &items(&target), model)
        .into_iter()
        .map(|Bead { source: s, target: t }| (source[s].to_vec(), target[t].to_vec()))
        .collect()
}

/// Languages of the two sides, for joining sentences.
#[derive(Debug, Clone)]
pub(crate) struct PairLanguages {
    pub(crate) source: LanguageTag,
    pub(crate) target: LanguageTag,
}

/// Collects the kept pairs, in order, without duplicates.
#[derive(Debug, Default)]
pub(crate) struct PairCollector {
    seen: HashSet<(String, String)>,
    pub(crate) pairs: Vec<SentencePair>,
}

/// Whether `candidate` may go into parallel data.
pub(crate) struct Check<'a> {
    /// Check the lengths against this model (aligned pairs only: human
    /// records are translations by construction).
    pub(crate) model: Option<&'a LengthModel>,
}

impl PairCollector {
    /// Checks a candidate made of two runs of sentences and keeps it if it
    /// passes; returns why not otherwise. Either run empty: `Ok(false)`.
    pub(crate) fn offer(
        &mut self,
        source: &[&Sentence],
        target: &[&Sentence],
        languages: &PairLanguages,
        check: &Check<'_>,
    ) -> Result<bool, DropReason> {
        if source.is_empty() || target.is_empty() {
            return Ok(false);
        }
        if placeholders(source) != placeholders(target) {
            return Err(DropReason::PlaceholdersDiffer);
        }
        let pair = SentencePair {
            source: join(source, &languages.source),
            target: join(target, &languages.target),
        };
        if pair.source == pair.target {
            return Err(DropReason::Untranslated);
        }
        if pair.source.len() > MAX_SEGMENT_BYTES || pair.target.len() > MAX_SEGMENT_BYTES {
            return Err(DropReason::TooLong);
        }
        if let Some(model) = check.model {
            let length = |sentences: &[&Sentence]| sentences.iter().map(|s| s.n_chars).sum();
            if model.deviation(length(source), length(target)).abs() > MAX_DEVIATION {
                return Err(DropReason::LengthMismatch);
            }
        }
        if !self.seen.insert((pair.source.clone(), pair.target.clone())) {
            return Err(DropReason::Duplicate);
        }
        self.pairs.push(pair);
        Ok(true)
    }
}

/// The placeholders of `sentences`, sorted.
fn placeholders<'a>(sentences: &[&'a Sentence]) -> Vec<&'a str> {
    let mut all: Vec<&str> = sentences
        .iter()
        .flat_map(|sentence| sentence.placeholders.iter().map(String::as_str))
        .collect();
    all.sort_unstable();
    all
}

/// Sentences joined as the language writes them: without a space in
/// Chinese and Japanese, with one elsewhere (Korean included).
fn join(sentences: &[&Sentence], language: &LanguageTag) -> String {
    let separator = if language.is_cjk() && language.primary() != "ko" {
        ""
    } else {
        " "
    };
    sentences
        .iter()
        .map(|sentence| sentence.text.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests;
