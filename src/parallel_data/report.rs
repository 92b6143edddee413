//! What alignment did: chapters matched, blocks and sentences aligned,
//! pairs dropped and why. Printed as a summary and written as JSON.

use super::Granularity;
use super::align::LengthModel;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// Why a pair was left out of the parallel data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DropReason {
    /// The two sides do not hold the same code, math and URLs.
    PlaceholdersDiffer,
    /// The translation is the source text itself.
    Untranslated,
    /// A side is over 1,000 UTF-8 bytes, the most CreateParallelData takes.
    TooLong,
    /// The lengths are too far apart for the two to translate each other.
    LengthMismatch,
    /// The same pair was already written.
    Duplicate,
    /// A CSV or TSV field would start with `+`, `-`, `=` or `@`, which
    /// CreateParallelData refuses (spreadsheet formula injection).
    LeadingFormulaSign,
    /// A TSV field would hold a tab or a line break, or start with `"`.
    NotTsvSafe,
    /// A side holds a control character, which XML cannot carry.
    ControlCharacter,
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::PlaceholdersDiffer => "code, math or URLs differ",
            DropReason::Untranslated => "translation equals source",
            DropReason::TooLong => "over 1,000 bytes",
            DropReason::LengthMismatch => "lengths too far apart",
            DropReason::Duplicate => "duplicate",
            DropReason::LeadingFormulaSign => "starts with + - = @",
            DropReason::NotTsvSafe => "tab, line break or leading quote in TSV",
            DropReason::ControlCharacter => "control character",
        })
    }
}

/// How a chapter of the translation was found for a source chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    /// Same path.
    Path,
    /// Same title, heading id or d2lbook label.
    Title,
    /// Entries of a PO file that name this chapter.
    PoFile,
    /// Human records of the store for this chapter's units.
    Store,
}

/// The alignment of one chapter.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChapterReport {
    /// The source chapter (path).
    pub source: String,
    /// Its translation (path, or what it came from).
    pub translation: String,
    /// How they were matched.
    pub matched_by: Option<MatchedBy>,
    /// Anchors (code, math, figures) matched.
    pub n_anchors_matched: usize,
    /// Prose blocks of the source.
    pub n_source_blocks: usize,
    /// Prose blocks of the translation.
    pub n_target_blocks: usize,
    /// Aligned block groups (1-1, 2-1, 1-2).
    pub n_block_pairs: usize,
    /// Source blocks in an aligned group.
    pub n_source_blocks_aligned: usize,
    /// Sentences (units) of the source prose.
    pub n_source_sentences: usize,
    /// Source sentences in a pair that was kept (before removing duplicates).
    pub n_source_sentences_aligned: usize,
    /// Pairs this chapter contributed, duplicates of earlier ones included.
    pub n_pairs: usize,
    /// The start of each source block left without a counterpart.
    pub unaligned_source_blocks: Vec<String>,
    /// The start of each translation block left without a counterpart.
    pub unaligned_target_blocks: Vec<String>,
}

/// What [`build_pairs`](super::build_pairs) did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlignmentReport {
    /// Sentence or paragraph pairs.
    pub granularity: Granularity,
    /// The chapters aligned, in source order.
    pub chapters: Vec<ChapterReport>,
    /// Source chapters no translation was found for.
    pub unmatched_source_chapters: Vec<String>,
    /// Translation chapters that match no source chapter.
    pub unmatched_translation_chapters: Vec<String>,
    /// PO entries not used because they are fuzzy or untranslated.
    pub n_po_entries_skipped: usize,
    /// The length model of blocks, estimated from the books.
    pub block_model: LengthModel,
    /// The length model of sentences, estimated from aligned blocks.
    pub sentence_model: LengthModel,
    /// Pairs left out, by reason.
    pub dropped: BTreeMap<DropReason, usize>,
    /// Pairs written.
    pub n_pairs: usize,
}

impl AlignmentReport {
    /// The fraction of source prose sentences, in matched chapters, that
    /// ended in a kept pair.
    pub fn fraction_aligned(&self) -> f64 {
        let total: usize = self.chapters.iter().map(|chapter| chapter.n_source_sentences).sum();
        let aligned: usize = self
            .chapters
            .iter()
            .map(|chapter| chapter.n_source_sentences_aligned)
            .sum();
        if total == 0 { 0.0 } else { aligned as f64 / total as f64 }
    }

    /// Counts `n` more pairs dropped for `reason`.
    pub fn count_dropped(&mut self, reason: DropReason, n: usize) {
        if n > 0 {
            *self.dropped.entry(reason).or_default() += n;
        }
    }

    /// The summary printed on stderr: one line per chapter, then totals.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for chapter in &self.chapters {
            let _ = writeln!(
                out,
                "{}: {} pairs; {} of {} blocks aligned ({} in the translation), {} of {} sentences, {} anchors",
                chapter.source,
                chapter.n_pairs,
                chapter.n_source_blocks_aligned,
                chapter.n_source_blocks,
                chapter.n_target_blocks,
                chapter.n_source_sentences_aligned,
                chapter.n_source_sentences,
                chapter.n_anchors_matched,
            );
        }
        for (label, chapters) in [
            ("no translation for", &self.unmatched_source_chapters),
            ("no source for", &self.unmatched_translation_chapters),
        ] {
            if !chapters.is_empty() {
                let _ = writeln!(out, "{label}: {}", chapters.join(", "));
            }
        }
        let dropped: Vec<String> = self.dropped.iter().map(|(reason, n)| format!("{n} {reason}")).collect();
        let _ = writeln!(
            out,
            "{} {} pairs from {} chapters; {:.1} % of source sentences aligned; dropped: {}",
            self.n_pairs,
            self.granularity,
            self.chapters.len(),
            100.0 * self.fraction_aligned(),
            if dropped.is_empty() {
                "none".to_string()
            } else {
                dropped.join(", ")
            },
        );
        out
    }
}
