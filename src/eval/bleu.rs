//! Corpus BLEU as sacreBLEU computes it by default: 4-gram precisions
//! clipped per segment, summed over the corpus, combined by a geometric
//! mean with `exp` smoothing, times the brevity penalty.

use super::SACREBLEU_VERSION;
use super::ngram::{Packing, number_tokens};
use super::tokenize::{Tokenizer, split_python_whitespace, trim_end_python_whitespace};
use serde::Serialize;
use std::ops::{Add, AddAssign};

/// The n-gram order of BLEU.
pub const MAX_NGRAM_ORDER: usize = 4;

/// Four 32-bit token numbers fit in a `u128`.
const TOKEN_PACKING: Packing = Packing {
    n_slots: MAX_NGRAM_ORDER,
    bits_per_slot: 32,
};

/// sacreBLEU's floor for `log(0)`.
const LOG_ZERO: f64 = -9_999_999_999.0;

/// BLEU's sufficient statistics for one segment, or summed over many.
///
/// Scores are computed from sums of these, so a chapter or a whole book is
/// scored by adding the statistics of its segments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BleuStats {
    /// Number of hypothesis tokens.
    pub hyp_len: u64,
    /// Number of reference tokens.
    pub ref_len: u64,
    /// Hypothesis n-grams (n = 1..=4) also in the reference, clipped to the
    /// reference's count.
    pub correct: [u64; MAX_NGRAM_ORDER],
    /// Hypothesis n-grams (n = 1..=4).
    pub total: [u64; MAX_NGRAM_ORDER],
}

impl AddAssign for BleuStats {
    #[inline]
    fn add_assign(&mut self, other: BleuStats) {
        self.hyp_len += other.hyp_len;
        self.ref_len += other.ref_len;
        for n in 0..MAX_NGRAM_ORDER {
            self.correct[n] += other.correct[n];
            self.total[n] += other.total[n];
        }
    }
}

impl Add for BleuStats {
    type Output = BleuStats;

    fn add(mut self, other: BleuStats) -> BleuStats {
        self += other;
        self
    }
}

impl std::iter::Sum for BleuStats {
    fn sum<I: Iterator<Item = BleuStats>>(iter: I) -> BleuStats {
        iter.fold(BleuStats::default(), Add::add)
    }
}

/// A BLEU score with the figures sacreBLEU prints beside it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BleuScore {
    /// BLEU on sacreBLEU's 0–100 scale.
    pub score: f64,
    /// The smoothed n-gram precisions, 0–100.
    pub precisions: [f64; MAX_NGRAM_ORDER],
    /// The brevity penalty, 0–1.
    pub brevity_penalty: f64,
    /// Hypothesis length over reference length (0 when the reference is empty).
    pub ratio: f64,
    /// The statistics the score was computed from.
    pub stats: BleuStats,
}

impl BleuScore {
    /// BLEU on the 0–1 scale.
    pub fn fraction(&self) -> f64 {
        self.score / 100.0
    }

    /// sacreBLEU's verbose part: `64.2/40.1/28.0/20.3 (BP = 1.000 ratio = 1.010 hyp_len = 5050 ref_len = 5000)`.
    pub fn verbose(&self) -> String {
        let precisions: Vec<String> = self.precisions.iter().map(|p| format!("{p:.1}")).collect();
        format!(
            "{} (BP = {:.3} ratio = {:.3} hyp_len = {} ref_len = {})",
            precisions.join("/"),
            self.brevity_penalty,
            self.ratio,
            self.stats.hyp_len,
            self.stats.ref_len
        )
    }

    /// Computes the score from (summed) statistics, with `exp` smoothing:
    /// the k-th order without a match counts as `1 / (2^k · total)`.
    pub fn from_stats(stats: &BleuStats) -> BleuScore {
        let hyp_len = stats.hyp_len as f64;
        let ref_len = stats.ref_len as f64;
        let brevity_penalty = if stats.hyp_len >= stats.ref_len {
            1.0
        } else if stats.hyp_len > 0 {
            (1.0 - ref_len / hyp_len).exp()
        } else {
            0.0
        };
        let ratio = if stats.ref_len > 0 { hyp_len / ref_len } else { 0.0 };
        let mut precisions = [0.0; MAX_NGRAM_ORDER];
        let score = if stats.correct.iter().all(|&correct| correct == 0) {
            0.0
        } else {
            let mut smoothing = 1.0;
            let orders = precisions.iter_mut().zip(&stats.correct).zip(&stats.total);
            for ((precision, &correct), &total) in orders {
                if total == 0 {
                    break;
                }
                *precision = if correct == 0 {
                    smoothing *= 2.0;
                    100.0 / (smoothing * total as f64)
                } else {
                    100.0 * correct as f64 / total as f64
                };
            }
            let log_sum: f64 = precisions
                .iter()
                .map(|&p| if p == 0.0 { LOG_ZERO } else { p.ln() })
                .sum();
            brevity_penalty * (log_sum / MAX_NGRAM_ORDER as f64).exp()
        };
        BleuScore {
            score,
            precisions,
            brevity_penalty,
            ratio,
            stats: *stats,
        }
    }
}

/// Corpus BLEU with one reference per segment, compatible with sacreBLEU's
/// defaults (`-m bleu -tok <tokenizer>`, smoothing `exp`, mixed case).
///
/// ```
/// use mdbook_translate::eval::{Bleu, Tokenizer};
///
/// let bleu = Bleu::new(Tokenizer::Mteval13a);
/// let score = bleu.corpus_score([("The cat sat on the mat.", "The cat sat on the mat.")]);
/// assert!((score.score - 100.0).abs() < 1e-9);
/// assert_eq!(bleu.signature(), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Bleu {
    tokenizer: Tokenizer,
}

impl Bleu {
    /// BLEU over tokens made by `tokenizer`.
    pub fn new(tokenizer: Tokenizer) -> Bleu {
        Bleu { tokenizer }
    }

    /// The tokenizer in use.
    pub fn tokenizer(&self) -> Tokenizer {
        self.tokenizer
    }

    /// The statistics of one hypothesis segment against its reference.
    pub fn segment_stats(&self, hypothesis: &str, reference: &str) -> BleuStats {
        let hypothesis = self.tokenizer.tokenize(trim_end_python_whitespace(hypothesis));
        let reference = self.tokenizer.tokenize(trim_end_python_whitespace(reference));
        let hyp_tokens: Vec<&str> = split_python_whitespace(&hypothesis).collect();
        let ref_tokens: Vec<&str> = split_python_whitespace(&reference).collect();
        let mut stats = BleuStats {
            hyp_len: hyp_tokens.len() as u64,
            ref_len: ref_tokens.len() as u64,
            ..BleuStats::default()
        };
        let (hyp_tokens, ref_tokens) = number_tokens(&hyp_tokens, &ref_tokens);
        let hyp_keys = TOKEN_PACKING.sorted_keys(&hyp_tokens);
        let ref_keys = TOKEN_PACKING.sorted_keys(&ref_tokens);
        for n in 1..=MAX_NGRAM_ORDER {
            stats.total[n - 1] = hyp_tokens.len().saturating_sub(n - 1) as u64;
            stats.correct[n - 1] = TOKEN_PACKING.count_common(&hyp_keys, &ref_keys, n);
        }
        stats
    }

    /// Scores a corpus of `(hypothesis, reference)` segments.
    pub fn corpus_score<'a>(&self, segments: impl IntoIterator<Item = (&'a str, &'a str)>) -> BleuScore {
        let stats = segments
            .into_iter()
            .map(|(hypothesis, reference)| self.segment_stats(hypothesis, reference))
            .sum();
        BleuScore::from_stats(&stats)
    }

    /// sacreBLEU's signature for this configuration.
    pub fn signature(&self) -> String {
        format!(
            "nrefs:1|case:mixed|eff:no|tok:{}|smooth:exp|version:{SACREBLEU_VERSION}",
            self.tokenizer.name()
        )
    }
}
