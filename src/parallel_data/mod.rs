//! Parallel data for Active Custom Translation: the source book aligned
//! with its human translation, as sentence (or paragraph) pairs, written as
//! CSV, TSV or TMX for CreateParallelData.
//!
//! The stages, each in its own module:
//! 1. `read`: a chapter into blocks — prose cut into the pipeline's
//!    units (same segmenter, placeholders and sentence cuts) and anchors
//!    (code blocks, display math, figures);
//! 2. `chapters`: chapters matched by path, then by title;
//! 3. `blocks`: anchors matched in order, the prose between them
//!    aligned by length (`align`, Gale and Church's model with 1-1, 1-0,
//!    0-1, 2-1 and 1-2 moves, its ratio and variance estimated from the
//!    books themselves);
//! 4. `pairs`: sentences aligned inside each block pair by the same
//!    programme, candidates checked and deduplicated;
//! 5. `export`: CSV, TSV or TMX.
//!
//! A pair is plain text: markup dropped, code spans as their code, math
//! and URLs as written. The batch path sends units with placeholders the
//! engine never sees; what it learns from parallel data is the wording of
//! the sentences around them, and a pair whose two sides do not hold the
//! same code, math and URLs is left out, so none of it is mistranslated.
//!
//! Nothing here does IO: the command reads the books, the PO file and the
//! store, and writes the files.
//!
//! ```
//! use mdbook_translate::parallel_data::{BuildOptions, ChapterText, Translation, build_pairs};
//!
//! let chapter = |markdown: &str| ChapterText {
//!     path: "intro.md".to_string(),
//!     title: String::new(),
//!     markdown: markdown.to_string(),
//! };
//! let english = [chapter("# Intro\n\nRun `cargo`. It builds the book.\n\n```\nmain()\n```\n")];
//! let chinese = [chapter("# 简介\n\n运行`cargo`。它构建这本书。\n\n```\nmain()\n```\n")];
//! let options = BuildOptions::new("en".parse()?, "zh".parse()?);
//! let (pairs, report) = build_pairs(&english, &[Translation::Chapters(&chinese)], &options);
//! let pairs: Vec<(&str, &str)> = pairs.iter().map(|p| (p.source.as_str(), p.target.as_str())).collect();
//! assert_eq!(pairs, [("Intro", "简介"), ("Run cargo.", "运行cargo。"), ("It builds the book.", "它构建这本书。")]);
//! assert_eq!(report.chapters[0].n_anchors_matched, 1);
//! # Ok::<(), mdbook_translate::language::LanguageTagError>(())
//! ```

mod align;
mod blocks;
mod chapters;
mod export;
mod pairs;
mod read;
mod report;

pub use align::LengthModel;
pub use export::{ExportSummary, write_csv, write_tmx, write_tsv};
pub use pairs::MAX_SEGMENT_BYTES;
pub use report::{AlignmentReport, ChapterReport, DropReason, MatchedBy};

use crate::language::LanguageTag;
use crate::segment::{SegmentOptions, extract_segments};
use blocks::{BlockPair, Span, align_spans, length_samples, spans};
use pairs::{Check, PairCollector, PairLanguages, sentence_groups};
use read::{Block, Prose, Sentence, read_blocks, sentence_from_tagged};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;

/// One chapter of a book or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterText {
    /// Its path relative to the book's source folder, with `/` between folders.
    pub path: String,
    /// Its title (the SUMMARY.md name of an mdBook chapter), or empty.
    pub title: String,
    /// Its markdown, `{{#include}}`s expanded.
    pub markdown: String,
}

/// One translated entry of a PO file: a source block and its translation,
/// both markdown, as mdbook-i18n-helpers writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslatedBlock {
    /// The chapter it comes from (the file of its first `#:` reference).
    pub chapter: String,
    /// The `msgid`.
    pub source: String,
    /// The `msgstr`.
    pub translation: String,
}

/// Where the translation comes from.
#[derive(Debug, Clone, Copy)]
pub enum Translation<'a> {
    /// The chapters of a translated book or folder, aligned with the source's.
    Chapters(&'a [ChapterText]),
    /// Translated entries of a PO file (each entry aligned on its own).
    PoEntries(&'a [TranslatedBlock]),
    /// Human translations from the store: the translation's tagged text by
    /// its source unit's tagged text. Read against the source chapters'
    /// units, whose placeholders they share.
    Records(&'a HashMap<String, String>),
}

/// Pairs of sentences, or of whole blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Granularity {
    /// A pair is one sentence (or the few a move joins) and its translation.
    #[default]
    Sentence,
    /// A pair is one block (or the two a move joins) and its translation.
    Paragraph,
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Granularity::Sentence => "sentence",
            Granularity::Paragraph => "paragraph",
        })
    }
}

/// How to read and pair the two sides.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// How to segment the source (its `source_language` is the source's).
    pub source: SegmentOptions,
    /// How to segment the translation (its `source_language` is the
    /// translation's language).
    pub target: SegmentOptions,
    /// Sentence or paragraph pairs.
    pub granularity: Granularity,
}

impl BuildOptions {
    /// Sentence pairs between two languages, with `$…$` and `\\(…\\)`
    /// math recognised on both sides.
    pub fn new(source: LanguageTag, target: LanguageTag) -> BuildOptions {
        let segment = |language| SegmentOptions {
            mathjax: true,
            dollar_math: true,
            source_language: language,
            ..SegmentOptions::default()
        };
        BuildOptions {
            source: segment(source),
            target: segment(target),
            granularity: Granularity::Sentence,
        }
    }
}

/// One pair of parallel data: plain text in each language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SentencePair {
    /// The source text.
    pub source: String,
    /// Its translation.
    pub target: String,
}

/// One source chapter (or one chapter's PO entries) and its translation,
/// read into blocks.
struct Document {
    report: ChapterReport,
    /// Pieces aligned on their own: the whole chapter, or each PO entry.
    parts: Vec<(Vec<Block>, Vec<Block>)>,
}

/// Aligns the source chapters with each translation and returns the pairs
/// that pass the checks, without duplicates, and the report.
pub fn build_pairs(
    source: &[ChapterText],
    translations: &[Translation<'_>],
    options: &BuildOptions,
) -> (Vec<SentencePair>, AlignmentReport) {
    let mut report = AlignmentReport {
        granularity: options.granularity,
        chapters: Vec::new(),
        unmatched_source_chapters: Vec::new(),
        unmatched_translation_chapters: Vec::new(),
        n_po_entries_skipped: 0,
        block_model: LengthModel::fallback(1.0),
        sentence_model: LengthModel::fallback(1.0),
        dropped: Default::default(),
        n_pairs: 0,
    };
    let mut documents = Vec::new();
    for translation in translations {
        match translation {
            Translation::Chapters(target) => documents.extend(chapter_documents(source, target, options, &mut report)),
            Translation::PoEntries(entries) => documents.extend(po_documents(entries, options)),
            Translation::Records(_) => {}
        }
    }
    let languages = PairLanguages {
        source: options.source.source_language.clone(),
        target: options.target.source_language.clone(),
    };
    let mut collector = PairCollector::default();
    align_documents(
        &mut documents,
        options.granularity,
        &languages,
        &mut collector,
        &mut report,
    );
    for translation in translations {
        if let Translation::Records(records) = translation {
            pairs_from_records(source, records, options, &languages, &mut collector, &mut report);
        }
    }
    report.n_pairs = collector.pairs.len();
    (collector.pairs, report)
}

/// The matched chapters, read; unmatched ones go to the report.
fn chapter_documents(
    source: &[ChapterText],
    target: &[ChapterText],
    options: &BuildOptions,
    report: &mut AlignmentReport,
) -> Vec<Document> {
    let matches = chapters::match_chapters(source, target);
    report.unmatched_source_chapters.extend(matches.unmatched_source);
    report.unmatched_translation_chapters.extend(matches.unmatched_target);
    matches
        .matched
        .iter()
        .map(|matched| Document {
            report: ChapterReport {
                source: matched.source.path.clone(),
                translation: matched.target.path.clone(),
                matched_by: Some(matched.by),
                ..ChapterReport::default()
            },
            parts: vec![(
                read_blocks(&matched.source.markdown, &options.source),
                read_blocks(&matched.target.markdown, &options.target),
            )],
        })
        .collect()
}

/// PO entries grouped by chapter, in order of first appearance.
fn po_documents(entries: &[TranslatedBlock], options: &BuildOptions) -> Vec<Document> {
    let mut documents: Vec<Document> = Vec::new();
    for entry in entries {
        let part = (
            read_blocks(&entry.source, &options.source),
            read_blocks(&entry.translation, &options.target),
        );
        match documents
            .iter_mut()
            .find(|document| document.report.source == entry.chapter)
        {
            Some(document) => document.parts.push(part),
            None => documents.push(Document {
                report: ChapterReport {
                    source: entry.chapter.clone(),
                    translation: entry.chapter.clone(),
                    matched_by: Some(MatchedBy::PoFile),
                    ..ChapterReport::default()
                },
                parts: vec![part],
            }),
        }
    }
    documents
}

/// Estimates the length models, aligns blocks and sentences, and offers
/// every candidate to `collector`.
fn align_documents(
    documents: &mut [Document],
    granularity: Granularity,
    languages: &PairLanguages,
    collector: &mut PairCollector,
    report: &mut AlignmentReport,
) {
    let document_spans: Vec<(Vec<Span<'_>>, usize)> = documents
        .iter()
        .map(|document| {
            let mut all = Vec::new();
            let mut n_anchors = 0;
            for (source, target) in &document.parts {
                let (part_spans, n_matched) = spans(source, target);
                all.extend(part_spans);
                n_anchors += n_matched;
            }
            (all, n_anchors)
        })
        .collect();
    let all_spans: Vec<Span<'_>> = document_spans
        .iter()
        .flat_map(|(spans, _)| spans.iter().cloned())
        .collect();
    let block_model = LengthModel::estimate(&length_samples(&all_spans))
        .unwrap_or_else(|| LengthModel::fallback(total_ratio(&all_spans)));
    let alignments: Vec<_> = document_spans
        .iter()
        .map(|(spans, _)| align_spans(spans, &block_model))
        .collect();
    let one_to_one: Vec<(usize, usize)> = alignments
        .iter()
        .flat_map(|alignment| &alignment.pairs)
        .filter_map(|pair| match (pair.source.as_slice(), pair.target.as_slice()) {
            ([source], [target]) => Some((source.n_chars(), target.n_chars())),
            _ => None,
        })
        .collect();
    let sentence_model = LengthModel::estimate(&one_to_one).unwrap_or(block_model);
    report.block_model = block_model;
    report.sentence_model = sentence_model;
    let mut chapter_reports = Vec::new();
    for ((document, (spans, n_anchors)), alignment) in documents.iter().zip(&document_spans).zip(&alignments) {
        let mut chapter = document.report.clone();
        chapter.n_anchors_matched = *n_anchors;
        count_blocks(&mut chapter, spans);
        chapter.n_block_pairs = alignment.pairs.len();
        chapter.n_source_blocks_aligned = alignment.pairs.iter().map(|pair| pair.source.len()).sum();
        chapter.unaligned_source_blocks = alignment.unaligned_source.iter().map(|p| excerpt(p)).collect();
        chapter.unaligned_target_blocks = alignment.unaligned_target.iter().map(|p| excerpt(p)).collect();
        for pair in &alignment.pairs {
            offer_block_pair(
                pair,
                granularity,
                &sentence_model,
                languages,
                collector,
                (&mut chapter, report),
            );
        }
        chapter_reports.push(chapter);
    }
    report.chapters.extend(chapter_reports);
}

/// Offers the sentence groups of one block pair.
fn offer_block_pair(
    pair: &BlockPair<'_>,
    granularity: Granularity,
    model: &LengthModel,
    languages: &PairLanguages,
    collector: &mut PairCollector,
    (chapter, report): (&mut ChapterReport, &mut AlignmentReport),
) {
    let check = Check { model: Some(model) };
    for (source, target) in sentence_groups(pair, granularity, model) {
        offer(&source, &target, languages, &check, collector, (chapter, report));
    }
}

/// Offers one candidate and counts the outcome.
fn offer(
    source: &[&Sentence],
    target: &[&Sentence],
    languages: &PairLanguages,
    check: &Check<'_>,
    collector: &mut PairCollector,
    (chapter, report): (&mut ChapterReport, &mut AlignmentReport),
) {
    match collector.offer(source, target, languages, check) {
        Ok(false) => {}
        Ok(true) => {
            chapter.n_pairs += 1;
            chapter.n_source_sentences_aligned += source.len();
        }
        Err(reason) => {
            if reason == DropReason::Duplicate {
                chapter.n_source_sentences_aligned += source.len();
            }
            report.count_dropped(reason, 1);
        }
    }
}

/// The prose blocks and sentences of both sides, from the spans (which
/// hold every prose block, and the captions of matched figures).
fn count_blocks(chapter: &mut ChapterReport, spans: &[Span<'_>]) {
    for span in spans {
        chapter.n_source_blocks += span.source.len();
        chapter.n_target_blocks += span.target.len();
        chapter.n_source_sentences += span.source.iter().map(|prose| prose.sentences.len()).sum::<usize>();
    }
}

/// Characters of translation per character of source over all spans.
fn total_ratio(spans: &[Span<'_>]) -> f64 {
    let total = |blocks: &mut dyn Iterator<Item = &&Prose>| blocks.map(|prose| prose.n_chars()).sum::<usize>() as f64;
    total(&mut spans.iter().flat_map(|span| &span.target)) / total(&mut spans.iter().flat_map(|span| &span.source))
}

/// The first words of a block, for the report.
fn excerpt(prose: &Prose) -> String {
    const MAX_CHARS: usize = 60;
    let text: String = prose
        .sentences
        .iter()
        .map(|sentence| sentence.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// Pairs from the store's human records: every unit of the source
/// chapters that has one (at paragraph granularity, every segment all of
/// whose units have one).
fn pairs_from_records(
    source: &[ChapterText],
    records: &HashMap<String, String>,
    options: &BuildOptions,
    languages: &PairLanguages,
    collector: &mut PairCollector,
    report: &mut AlignmentReport,
) {
    let check = Check { model: None };
    for chapter_text in source {
        let mut chapter = ChapterReport {
            source: chapter_text.path.clone(),
            translation: "store".to_string(),
            matched_by: Some(MatchedBy::Store),
            ..ChapterReport::default()
        };
        for segment in extract_segments(&chapter_text.markdown, &options.source).segments {
            let mut pairs = Vec::new();
            for unit in segment.units.iter().filter(|unit| unit.translatable) {
                chapter.n_source_sentences += 1;
                let source_sentence = read::unit_sentence(unit);
                let target_sentence = records
                    .get(&unit.tagged)
                    .and_then(|translation| sentence_from_tagged(translation, &unit.slots));
                pairs.push(source_sentence.zip(target_sentence));
            }
            chapter.n_source_blocks += 1;
            let found: Vec<(Sentence, Sentence)> = pairs.iter().flatten().cloned().collect();
            let groups: Vec<(Vec<&Sentence>, Vec<&Sentence>)> = match options.granularity {
                Granularity::Sentence => found.iter().map(|(s, t)| (vec![s], vec![t])).collect(),
                Granularity::Paragraph if found.len() == pairs.len() => {
                    vec![found.iter().map(|(s, t)| (s, t)).unzip()]
                }
                Granularity::Paragraph => Vec::new(),
            };
            for (source, target) in groups {
                offer(&source, &target, languages, &check, collector, (&mut chapter, report));
            }
        }
        if chapter.n_pairs > 0 {
            report.chapters.push(chapter);
        }
    }
}

#[cfg(test)]
mod tests;
