//! Translation quality: corpus BLEU and chrF, compatible with sacreBLEU.
//!
//! The metrics reproduce sacreBLEU's defaults exactly (its test fixture in
//! `tests/fixtures/eval/` holds scores produced by sacreBLEU itself):
//!
//! - [`Bleu`]: corpus BLEU, 4-gram, brevity penalty, `exp` smoothing, with
//!   sacreBLEU's [`Tokenizer`]s `13a`, `zh`, `intl`, `char` and `none`;
//! - [`Chrf`]: chrF (character 6-grams, β = 2) and chrF++ (plus word bigrams).
//!
//! Both work on sufficient statistics: a segment's counts ([`BleuStats`],
//! [`ChrfStats`]) are computed once, a chapter's or a book's score is the
//! score of their sum, and [`paired_bootstrap`] resamples them to tell
//! whether one system beats another.
//!
//! On top of the metrics, [`evaluate`] scores books chapter by chapter
//! ([`ChapterSegments`] pairs the prose of a reference chapter with one or
//! more systems' translations of it) and [`render_table`] / [`report_json`]
//! present the result. Nothing here does IO.

mod bleu;
mod bootstrap;
mod chrf;
mod corpus;
mod ngram;
mod prose;
mod report;
mod tokenize;
mod unicode_tables;

#[cfg(test)]
mod tests;

pub use bleu::{Bleu, BleuScore, BleuStats, MAX_NGRAM_ORDER};
pub use bootstrap::{BootstrapConfig, Comparison, MetricComparison, paired_bootstrap};
pub use chrf::{Chrf, ChrfConfig, ChrfStats, MAX_CHAR_ORDER, MAX_WORD_ORDER, NgramCounts, UnsupportedChrfConfig};
pub use corpus::{ChapterIssue, ChapterReport, ChapterSegments, EvalConfig, EvalReport, evaluate};
pub use prose::prose_paragraphs;
pub use report::{render_table, report_json};
pub use tokenize::{Tokenizer, UnknownTokenizer, is_zh_character};

use serde::Serialize;
use std::fmt;
use std::ops::{Add, AddAssign};
use std::str::FromStr;

/// The sacreBLEU release whose scores these metrics reproduce, verified by
/// the fixture in `tests/fixtures/eval/`; it appears in the signatures.
pub const SACREBLEU_VERSION: &str = "2.6.0";

/// Splits a plain-text file into segments as sacreBLEU reads it: one
/// segment per line (lines end at `\n` only), trailing white space removed.
///
/// ```
/// use mdbook_translate::eval::split_segment_lines;
///
/// assert_eq!(split_segment_lines("one \r\ntwo\n\n"), ["one", "two", ""]);
/// assert_eq!(split_segment_lines("\n"), [""]);
/// assert!(split_segment_lines("").is_empty());
/// ```
pub fn split_segment_lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n')
        .map(|line| tokenize::trim_end_python_whitespace(line).to_owned())
        .collect()
}

/// `items.iter().map(f).collect()`, spread over the machine's cores.
fn parallel_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    /// Below this many items per thread, threads cost more than they save.
    const MIN_ITEMS_PER_THREAD: usize = 256;
    let n_threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len().div_ceil(MIN_ITEMS_PER_THREAD));
    if n_threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk_len = items.len().div_ceil(n_threads);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(chunk_len)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut results = Vec::with_capacity(items.len());
        for handle in handles {
            results.extend(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        results
    })
}

/// A metric the evaluation can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricKind {
    /// Corpus BLEU ([`Bleu`]).
    Bleu,
    /// chrF ([`Chrf::CHRF`]).
    Chrf,
    /// chrF++ ([`Chrf::CHRF_PLUS_PLUS`]).
    ChrfPlusPlus,
}

impl MetricKind {
    /// Every metric, in report order.
    pub const ALL: [MetricKind; 3] = [MetricKind::Bleu, MetricKind::Chrf, MetricKind::ChrfPlusPlus];

    /// The name on the command line and the key in JSON reports: `bleu`,
    /// `chrf`, `chrf++`.
    pub fn key(self) -> &'static str {
        match self {
            MetricKind::Bleu => "bleu",
            MetricKind::Chrf => "chrf",
            MetricKind::ChrfPlusPlus => "chrf++",
        }
    }

    /// The name sacreBLEU prints: `BLEU`, `chrF2`, `chrF2++`.
    pub fn display_name(self) -> &'static str {
        match self {
            MetricKind::Bleu => "BLEU",
            MetricKind::Chrf => "chrF2",
            MetricKind::ChrfPlusPlus => "chrF2++",
        }
    }
}

impl Serialize for MetricKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl fmt::Display for MetricKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A metric name that is not `bleu`, `chrf` or `chrf++`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown metric {name:?}: expected bleu, chrf or chrf++")]
pub struct UnknownMetric {
    /// The name that was given.
    pub name: String,
}

impl FromStr for MetricKind {
    type Err = UnknownMetric;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        MetricKind::ALL
            .into_iter()
            .find(|metric| metric.key().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownMetric { name: name.to_owned() })
    }
}

/// The sufficient statistics of every metric for one segment, or summed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SegmentStats {
    /// BLEU's counts (zero when BLEU was not asked for).
    pub bleu: BleuStats,
    /// chrF's counts, word n-grams included when chrF++ was asked for.
    pub chrf: ChrfStats,
}

impl AddAssign for SegmentStats {
    #[inline]
    fn add_assign(&mut self, other: SegmentStats) {
        self.bleu += other.bleu;
        self.chrf += other.chrf;
    }
}

impl Add for SegmentStats {
    type Output = SegmentStats;

    fn add(mut self, other: SegmentStats) -> SegmentStats {
        self += other;
        self
    }
}

impl std::iter::Sum for SegmentStats {
    fn sum<I: Iterator<Item = SegmentStats>>(iter: I) -> SegmentStats {
        iter.fold(SegmentStats::default(), Add::add)
    }
}

/// The scores of one system on a chapter or a corpus; a metric that was not
/// asked for is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    /// BLEU with its details.
    pub bleu: Option<BleuScore>,
    /// chrF, 0–100.
    pub chrf: Option<f64>,
    /// chrF++, 0–100.
    pub chrf_plus_plus: Option<f64>,
}

impl Scores {
    /// One metric on sacreBLEU's 0–100 scale.
    pub fn get(&self, metric: MetricKind) -> Option<f64> {
        match metric {
            MetricKind::Bleu => self.bleu.map(|bleu| bleu.score),
            MetricKind::Chrf => self.chrf,
            MetricKind::ChrfPlusPlus => self.chrf_plus_plus,
        }
    }
}

/// Computes the statistics and scores of a chosen set of metrics.
///
/// ```
/// use mdbook_translate::eval::{MetricKind, Scorer, Tokenizer};
///
/// let scorer = Scorer::new(&[MetricKind::Bleu, MetricKind::Chrf], Tokenizer::Mteval13a);
/// let stats = scorer.segment_stats("The cat sat on a mat.", "The cat sat on the mat.");
/// let scores = scorer.scores(&stats);
/// assert!(scores.get(MetricKind::Bleu).is_some_and(|bleu| bleu > 0.0 && bleu < 100.0));
/// assert_eq!(scores.get(MetricKind::ChrfPlusPlus), None);
/// ```
#[derive(Debug, Clone)]
pub struct Scorer {
    metrics: Vec<MetricKind>,
    bleu: Bleu,
    /// The chrF whose statistics are collected: chrF++ when it is asked for
    /// (its statistics contain chrF's).
    chrf_stats: Option<Chrf>,
}

impl Scorer {
    /// A scorer for `metrics` (in report order, duplicates dropped), BLEU
    /// tokenized with `tokenizer`.
    pub fn new(metrics: &[MetricKind], tokenizer: Tokenizer) -> Scorer {
        let mut metrics = metrics.to_vec();
        metrics.sort();
        metrics.dedup();
        let chrf_stats = if metrics.contains(&MetricKind::ChrfPlusPlus) {
            Some(Chrf::CHRF_PLUS_PLUS)
        } else if metrics.contains(&MetricKind::Chrf) {
            Some(Chrf::CHRF)
        } else {
            None
        };
        Scorer {
            metrics,
            bleu: Bleu::new(tokenizer),
            chrf_stats,
        }
    }

    /// The metrics, in report order.
    pub fn metrics(&self) -> &[MetricKind] {
        &self.metrics
    }

    /// The BLEU tokenizer.
    pub fn tokenizer(&self) -> Tokenizer {
        self.bleu.tokenizer()
    }

    /// The statistics of one hypothesis segment against its reference.
    pub fn segment_stats(&self, hypothesis: &str, reference: &str) -> SegmentStats {
        SegmentStats {
            bleu: if self.metrics.contains(&MetricKind::Bleu) {
                self.bleu.segment_stats(hypothesis, reference)
            } else {
                BleuStats::default()
            },
            chrf: match self.chrf_stats {
                Some(chrf) => chrf.segment_stats(hypothesis, reference),
                None => ChrfStats::default(),
            },
        }
    }

    /// The scores of (summed) statistics.
    pub fn scores(&self, stats: &SegmentStats) -> Scores {
        let mut scores = Scores::default();
        for &metric in &self.metrics {
            match metric {
                MetricKind::Bleu => scores.bleu = Some(BleuScore::from_stats(&stats.bleu)),
                MetricKind::Chrf => scores.chrf = Some(Chrf::CHRF.score(&stats.chrf)),
                MetricKind::ChrfPlusPlus => {
                    scores.chrf_plus_plus = Some(Chrf::CHRF_PLUS_PLUS.score(&stats.chrf));
                }
            }
        }
        scores
    }

    /// sacreBLEU's signature of one metric.
    pub fn signature(&self, metric: MetricKind) -> String {
        match metric {
            MetricKind::Bleu => self.bleu.signature(),
            MetricKind::Chrf => Chrf::CHRF.signature(),
            MetricKind::ChrfPlusPlus => Chrf::CHRF_PLUS_PLUS.signature(),
        }
    }
}
