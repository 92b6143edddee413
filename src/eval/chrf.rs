//! chrF and chrF++ as sacreBLEU computes them by default: character n-gram
//! (n = 1..=6, white space removed) and optionally word n-gram (n = 1..=2)
//! counts summed over the corpus, averaged over the orders that occur on
//! both sides, combined into an F-score with β = 2.

use super::SACREBLEU_VERSION;
use super::ngram::{Packing, number_tokens};
use super::tokenize::{is_python_whitespace, split_python_whitespace};
use serde::Serialize;
use std::ops::{Add, AddAssign};

/// The highest character n-gram order supported (sacreBLEU's default).
pub const MAX_CHAR_ORDER: usize = 6;

/// The highest word n-gram order supported (chrF++).
pub const MAX_WORD_ORDER: usize = 2;

/// Six 21-bit code points fit in a `u128`.
const CHAR_PACKING: Packing = Packing {
    n_slots: MAX_CHAR_ORDER,
    bits_per_slot: 21,
};

/// Word numbers within a segment pair need far fewer than 32 bits.
const WORD_PACKING: Packing = Packing {
    n_slots: MAX_WORD_ORDER,
    bits_per_slot: 32,
};

/// Hypothesis, reference and matched n-gram counts of one order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NgramCounts {
    /// Hypothesis n-grams, counted only where the reference has n-grams of
    /// this order at all (as sacreBLEU does).
    pub hypothesis: u64,
    /// Reference n-grams.
    pub reference: u64,
    /// Hypothesis n-grams also in the reference, clipped to its count.
    pub matched: u64,
}

impl AddAssign for NgramCounts {
    #[inline]
    fn add_assign(&mut self, other: NgramCounts) {
        self.hypothesis += other.hypothesis;
        self.reference += other.reference;
        self.matched += other.matched;
    }
}

/// chrF's sufficient statistics for one segment, or summed over many.
///
/// Word n-grams are counted only when a chrF++ configuration asked for them;
/// plain chrF ignores them, so one set of statistics serves both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChrfStats {
    /// Character n-grams, order 1 first.
    pub chars: [NgramCounts; MAX_CHAR_ORDER],
    /// Word n-grams, order 1 first.
    pub words: [NgramCounts; MAX_WORD_ORDER],
}

impl AddAssign for ChrfStats {
    #[inline]
    fn add_assign(&mut self, other: ChrfStats) {
        for (mine, theirs) in self.chars.iter_mut().zip(other.chars) {
            *mine += theirs;
        }
        for (mine, theirs) in self.words.iter_mut().zip(other.words) {
            *mine += theirs;
        }
    }
}

impl Add for ChrfStats {
    type Output = ChrfStats;

    fn add(mut self, other: ChrfStats) -> ChrfStats {
        self += other;
        self
    }
}

impl std::iter::Sum for ChrfStats {
    fn sum<I: Iterator<Item = ChrfStats>>(iter: I) -> ChrfStats {
        iter.fold(ChrfStats::default(), Add::add)
    }
}

/// The parameters of chrF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChrfConfig {
    /// Character n-gram order, 1..=6.
    pub char_order: usize,
    /// Word n-gram order, 0..=2 (2 is chrF++).
    pub word_order: usize,
    /// Weight of recall against precision.
    pub beta: u32,
}

impl Default for ChrfConfig {
    /// chrF as sacreBLEU's `-m chrf` computes it.
    fn default() -> ChrfConfig {
        Chrf::CHRF.config
    }
}

/// A chrF configuration outside what this implementation supports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported chrF orders: characters {char_order} (1..={MAX_CHAR_ORDER}), words {word_order} (0..={MAX_WORD_ORDER})"
)]
pub struct UnsupportedChrfConfig {
    /// The character order asked for.
    pub char_order: usize,
    /// The word order asked for.
    pub word_order: usize,
}

/// Corpus chrF (or chrF++) with one reference per segment, compatible with
/// sacreBLEU: mixed case, white space excluded, sacreBLEU ≥ 2's
/// effective-order averaging.
///
/// ```
/// use mdbook_translate::eval::Chrf;
///
/// let chrf = Chrf::CHRF;
/// assert_eq!(chrf.corpus_score([("The cat sat.", "The cat sat.")]), 100.0);
/// assert_eq!(chrf.signature(), "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chrf {
    config: ChrfConfig,
}

impl Chrf {
    /// chrF (`chrF2`) as sacreBLEU's `-m chrf` computes it.
    pub const CHRF: Chrf = Chrf {
        config: ChrfConfig {
            char_order: 6,
            word_order: 0,
            beta: 2,
        },
    };

    /// chrF++ (`chrF2++`), chrF plus word unigrams and bigrams, as
    /// sacreBLEU's `-m chrf --chrf-word-order 2` computes it.
    pub const CHRF_PLUS_PLUS: Chrf = Chrf {
        config: ChrfConfig {
            char_order: 6,
            word_order: 2,
            beta: 2,
        },
    };

    /// chrF with the given parameters.
    pub fn new(config: ChrfConfig) -> Result<Chrf, UnsupportedChrfConfig> {
        if (1..=MAX_CHAR_ORDER).contains(&config.char_order) && config.word_order <= MAX_WORD_ORDER {
            Ok(Chrf { config })
        } else {
            Err(UnsupportedChrfConfig {
                char_order: config.char_order,
                word_order: config.word_order,
            })
        }
    }

    /// The parameters.
    pub fn config(&self) -> ChrfConfig {
        self.config
    }

    /// sacreBLEU's name for the metric: `chrF2`, `chrF2++`.
    pub fn name(&self) -> String {
        format!("chrF{}{}", self.config.beta, "+".repeat(self.config.word_order))
    }

    /// The statistics of one hypothesis segment against its reference.
    pub fn segment_stats(&self, hypothesis: &str, reference: &str) -> ChrfStats {
        let mut stats = ChrfStats::default();
        let code_points = |text: &str| -> Vec<u32> {
            text.chars()
                .filter(|&c| !is_python_whitespace(c))
                .map(u32::from)
                .collect()
        };
        let (hyp_chars, ref_chars) = (code_points(hypothesis), code_points(reference));
        count_char_ngrams(&hyp_chars, &ref_chars, &mut stats.chars[..self.config.char_order]);
        if self.config.word_order > 0 {
            let hyp_words = split_words(hypothesis);
            let ref_words = split_words(reference);
            count_word_ngrams(&hyp_words, &ref_words, &mut stats.words[..self.config.word_order]);
        }
        stats
    }

    /// The score (0–100) of (summed) statistics.
    pub fn score(&self, stats: &ChrfStats) -> f64 {
        let factor = f64::from(self.config.beta).powi(2);
        let orders = stats.chars[..self.config.char_order]
            .iter()
            .chain(&stats.words[..self.config.word_order]);
        let (mut precision, mut recall, mut n_effective) = (0.0, 0.0, 0u32);
        for counts in orders {
            if counts.hypothesis > 0 && counts.reference > 0 {
                precision += counts.matched as f64 / counts.hypothesis as f64;
                recall += counts.matched as f64 / counts.reference as f64;
                n_effective += 1;
            }
        }
        if n_effective == 0 {
            return 0.0;
        }
        precision /= f64::from(n_effective);
        recall /= f64::from(n_effective);
        if precision + recall == 0.0 {
            return 0.0;
        }
        let mut score = (1.0 + factor) * precision * recall;
        score /= factor * precision + recall;
        100.0 * score
    }

    /// Scores a corpus of `(hypothesis, reference)` segments.
    pub fn corpus_score<'a>(&self, segments: impl IntoIterator<Item = (&'a str, &'a str)>) -> f64 {
        let stats = segments
            .into_iter()
            .map(|(hypothesis, reference)| self.segment_stats(hypothesis, reference))
            .sum();
        self.score(&stats)
    }

    /// sacreBLEU's signature for this configuration.
    pub fn signature(&self) -> String {
        format!(
            "nrefs:1|case:mixed|eff:yes|nc:{}|nw:{}|space:no|version:{SACREBLEU_VERSION}",
            self.config.char_order, self.config.word_order
        )
    }
}

/// Character n-grams of orders `1..=counts.len()`.
fn count_char_ngrams(hypothesis: &[u32], reference: &[u32], counts: &mut [NgramCounts]) {
    count_ngrams(CHAR_PACKING, hypothesis, reference, counts);
}

/// Word n-grams of orders `1..=counts.len()`.
fn count_word_ngrams(hypothesis: &[&str], reference: &[&str], counts: &mut [NgramCounts]) {
    let (hypothesis, reference) = number_tokens(hypothesis, reference);
    count_ngrams(WORD_PACKING, &hypothesis, &reference, counts);
}

fn count_ngrams(packing: Packing, hypothesis: &[u32], reference: &[u32], counts: &mut [NgramCounts]) {
    let hyp_keys = packing.sorted_keys(hypothesis);
    let ref_keys = packing.sorted_keys(reference);
    for (i, counts) in counts.iter_mut().enumerate() {
        let n = i + 1;
        let n_hyp = hypothesis.len().saturating_sub(n - 1);
        let n_ref = reference.len().saturating_sub(n - 1);
        *counts = NgramCounts {
            // sacreBLEU counts no hypothesis n-grams where the reference has none.
            hypothesis: if n_ref == 0 { 0 } else { n_hyp as u64 },
            reference: n_ref as u64,
            matched: packing.count_common(&hyp_keys, &ref_keys, n),
        };
    }
}

/// chrF++'s words: white space separated, with one ASCII punctuation
/// character split off the end of a word, or else off its start.
fn split_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    for word in split_python_whitespace(text) {
        let mut chars = word.chars();
        let (Some(first), Some(last)) = (chars.next(), chars.next_back()) else {
            words.push(word);
            continue;
        };
        if last.is_ascii_punctuation() {
            let (body, punctuation) = word.split_at(word.len() - last.len_utf8());
            words.extend([body, punctuation]);
        } else if first.is_ascii_punctuation() {
            let (punctuation, body) = word.split_at(first.len_utf8());
            words.extend([punctuation, body]);
        } else {
            words.push(word);
        }
    }
    words
}
