//! Books as corpora: chapters paired by path, segments paired by position,
//! scored per chapter and for the whole book.

use super::prose_paragraphs;
use super::{
    BootstrapConfig, Comparison, MetricKind, Scorer, Scores, SegmentStats, Tokenizer, paired_bootstrap, parallel_map,
};
use std::fmt;

/// One chapter as the reference and each system have it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChapterSegments {
    /// Where the chapter is, relative to the book's source folder,
    /// `/`-separated; chapters are paired by this path.
    pub path: String,
    /// The reference's segments; `None` if the reference lacks the chapter.
    pub reference: Option<Vec<String>>,
    /// Each system's segments, the baseline first; `None` where a system
    /// lacks the chapter.
    pub systems: Vec<Option<Vec<String>>>,
}

impl ChapterSegments {
    /// Pairs the prose of markdown chapters, extracted as translation
    /// segments it ([`prose_paragraphs`]): code, math, URLs and HTML left out.
    ///
    /// FIXME: segments are paragraphs paired by position; pair sentences
    /// with the parallel-data aligner once it exists.
    pub fn from_markdown(
        path: impl Into<String>,
        reference: Option<&str>,
        systems: &[Option<&str>],
    ) -> ChapterSegments {
        ChapterSegments {
            path: path.into(),
            reference: reference.map(prose_paragraphs),
            systems: systems.iter().map(|markdown| markdown.map(prose_paragraphs)).collect(),
        }
    }
}

/// What to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalConfig {
    /// The metrics to report.
    pub metrics: Vec<MetricKind>,
    /// BLEU's tokenizer.
    pub tokenizer: Tokenizer,
    /// The paired bootstrap test run when there are several systems.
    pub bootstrap: BootstrapConfig,
}

impl Default for EvalConfig {
    fn default() -> EvalConfig {
        EvalConfig {
            metrics: vec![MetricKind::Bleu, MetricKind::Chrf],
            tokenizer: Tokenizer::default(),
            bootstrap: BootstrapConfig::default(),
        }
    }
}

/// One chapter's scores, and what did not line up.
#[derive(Debug, Clone, PartialEq)]
pub struct ChapterReport {
    /// The chapter's path.
    pub path: String,
    /// Number of reference segments; `None` if the reference lacks the chapter.
    pub n_reference_segments: Option<usize>,
    /// Each system's number of segments; `None` where it lacks the chapter.
    pub n_system_segments: Vec<Option<usize>>,
    /// Number of segment pairs scored: the largest count of any side, the
    /// others padded with empty segments; 0 when the reference lacks the
    /// chapter.
    pub n_scored: usize,
    /// Each system's scores; empty when the reference lacks the chapter.
    pub scores: Vec<Scores>,
}

impl ChapterReport {
    /// Whether the chapter was scored (the reference has it).
    pub fn is_scored(&self) -> bool {
        self.n_reference_segments.is_some()
    }

    /// What did not line up in this chapter.
    pub fn issues(&self) -> Vec<ChapterIssue> {
        let Some(n_reference) = self.n_reference_segments else {
            return vec![ChapterIssue::MissingReference];
        };
        self.n_system_segments
            .iter()
            .enumerate()
            .filter_map(|(system, n_segments)| match *n_segments {
                None => Some(ChapterIssue::MissingInSystem { system }),
                Some(n_hypothesis) if n_hypothesis != n_reference => Some(ChapterIssue::SegmentCountMismatch {
                    system,
                    n_reference,
                    n_hypothesis,
                }),
                Some(_) => None,
            })
            .collect()
    }
}

/// A chapter that does not line up between the reference and a system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChapterIssue {
    /// The reference lacks the chapter: it is not scored.
    MissingReference,
    /// A system lacks the chapter: it is scored as an empty translation.
    MissingInSystem {
        /// Index of the system (0 is the baseline).
        system: usize,
    },
    /// A system has a different number of segments: they are paired by
    /// position, the shorter side padded with empty segments.
    SegmentCountMismatch {
        /// Index of the system (0 is the baseline).
        system: usize,
        /// Reference segments.
        n_reference: usize,
        /// The system's segments.
        n_hypothesis: usize,
    },
}

impl ChapterIssue {
    /// The index of the system concerned, if it concerns one.
    pub fn system(&self) -> Option<usize> {
        match *self {
            ChapterIssue::MissingReference => None,
            ChapterIssue::MissingInSystem { system } | ChapterIssue::SegmentCountMismatch { system, .. } => {
                Some(system)
            }
        }
    }
}

impl fmt::Display for ChapterIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChapterIssue::MissingReference => f.write_str("missing in the reference: not scored"),
            ChapterIssue::MissingInSystem { .. } => {
                f.write_str("missing in the hypothesis: scored as an empty translation")
            }
            ChapterIssue::SegmentCountMismatch {
                n_reference,
                n_hypothesis,
                ..
            } => write!(
                f,
                "{n_hypothesis} hypothesis segments for {n_reference} reference segments: \
                 paired by position"
            ),
        }
    }
}

/// The scores of one or more systems on a book.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    /// The metrics reported, in order.
    pub metrics: Vec<MetricKind>,
    /// sacreBLEU's signature of each metric, in the same order.
    pub signatures: Vec<String>,
    /// Number of systems (the first is the baseline).
    pub n_systems: usize,
    /// Every chapter on any side, in the order given.
    pub chapters: Vec<ChapterReport>,
    /// Each system's corpus scores (all scored chapters together).
    pub corpus: Vec<Scores>,
    /// Number of segment pairs in the corpus.
    pub n_segments: usize,
    /// Each further system compared with the baseline (paired bootstrap).
    pub comparisons: Vec<Comparison>,
}

/// Scores every system against the reference, per chapter and for the
/// corpus, and compares each further system with the first.
///
/// Chapters the reference lacks are reported and left out; chapters a system
/// lacks count as empty translations, so that every system is scored on the
/// same segments.
///
/// ```
/// use mdbook_translate::eval::{ChapterSegments, EvalConfig, MetricKind, evaluate};
///
/// let chapter = ChapterSegments {
///     path: "intro.md".to_owned(),
///     reference: Some(vec!["The book is translated.".to_owned()]),
///     systems: vec![Some(vec!["The book is translated.".to_owned()])],
/// };
/// let report = evaluate(&[chapter], &EvalConfig::default());
/// let bleu = report.corpus[0].get(MetricKind::Bleu);
/// assert!(bleu.is_some_and(|bleu| (bleu - 100.0).abs() < 1e-9));
/// ```
pub fn evaluate(chapters: &[ChapterSegments], config: &EvalConfig) -> EvalReport {
    let scorer = Scorer::new(&config.metrics, config.tokenizer);
    let n_systems = chapters.iter().map(|chapter| chapter.systems.len()).max().unwrap_or(0);
    // Every system's segment pairs, chapter after chapter.
    let mut pairs: Vec<Vec<(&str, &str)>> = vec![Vec::new(); n_systems];
    let mut reports = Vec::with_capacity(chapters.len());
    for chapter in chapters {
        let systems: Vec<Option<&Vec<String>>> = (0..n_systems)
            .map(|system| chapter.systems.get(system).and_then(Option::as_ref))
            .collect();
        let mut report = ChapterReport {
            path: chapter.path.clone(),
            n_reference_segments: chapter.reference.as_ref().map(Vec::len),
            n_system_segments: systems.iter().map(|segments| segments.map(Vec::len)).collect(),
            n_scored: 0,
            scores: Vec::new(),
        };
        if let Some(reference) = &chapter.reference {
            report.n_scored = systems
                .iter()
                .map(|segments| segments.map_or(0, Vec::len))
                .chain([reference.len()])
                .max()
                .unwrap_or(0);
            for (system, segments) in systems.iter().enumerate() {
                pairs[system].extend(
                    (0..report.n_scored)
                        .map(|i| (segment_or_empty(*segments, i), segment_or_empty(Some(reference), i))),
                );
            }
        }
        reports.push(report);
    }

    let corpus_stats: Vec<Vec<SegmentStats>> = pairs
        .iter()
        .map(|pairs| {
            parallel_map(pairs, |&(hypothesis, reference)| {
                scorer.segment_stats(hypothesis, reference)
            })
        })
        .collect();
    let mut start = 0;
    for report in reports.iter_mut().filter(|report| report.is_scored()) {
        let end = start + report.n_scored;
        report.scores = corpus_stats
            .iter()
            .map(|stats| scorer.scores(&stats[start..end].iter().copied().sum()))
            .collect();
        start = end;
    }
    let corpus = corpus_stats
        .iter()
        .map(|stats| scorer.scores(&stats.iter().copied().sum()))
        .collect();
    let comparisons = (1..n_systems)
        .map(|system| paired_bootstrap(&scorer, &corpus_stats[0], &corpus_stats[system], &config.bootstrap))
        .collect();
    EvalReport {
        metrics: scorer.metrics().to_vec(),
        signatures: scorer
            .metrics()
            .iter()
            .map(|&metric| scorer.signature(metric))
            .collect(),
        n_systems,
        chapters: reports,
        corpus,
        n_segments: corpus_stats.first().map_or(0, Vec::len),
        comparisons,
    }
}

fn segment_or_empty(segments: Option<&Vec<String>>, i: usize) -> &str {
    segments.and_then(|segments| segments.get(i)).map_or("", String::as_str)
}
