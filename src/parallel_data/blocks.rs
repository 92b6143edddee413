//! Block alignment within a chapter: anchors first, then the prose
//! between them.
//!
//! Anchors (code blocks, display math, figures) are matched by content, in
//! order, maximising their total similarity, so that a code cell only one
//! edition has (the Chinese D2L's `paddle` tab) is passed over. Code
//! counts as the same when most of its identifiers are (comments and
//! strings are translated). The prose between two matched anchors forms a
//! *span*; spans are aligned with the length programme of
//! [`super::align`], so a paragraph the translation lacks, adds or merges
//! costs no more than its span.

use super::align::{Bead, Item, LengthModel, align_items};
use super::read::{Anchor, AnchorKind, Block, Prose};
use std::collections::BTreeSet;

/// The prose of one side between two matched anchors (or a chapter's
/// ends), or the captions of two matched figures.
#[derive(Debug, Clone, Default)]
pub(crate) struct Span<'a> {
    /// Source prose blocks in order.
    pub(crate) source: Vec<&'a Prose>,
    /// Translation prose blocks in order.
    pub(crate) target: Vec<&'a Prose>,
}

/// Two runs of prose blocks that translate each other.
#[derive(Debug, Clone)]
pub(crate) struct BlockPair<'a> {
    /// One or two source blocks.
    pub(crate) source: Vec<&'a Prose>,
    /// One or two translation blocks.
    pub(crate) target: Vec<&'a Prose>,
}

/// The alignment of one chapter's blocks.
#[derive(Debug, Clone, Default)]
pub(crate) struct BlockAlignment<'a> {
    /// Aligned blocks, in order.
    pub(crate) pairs: Vec<BlockPair<'a>>,
    /// Source blocks left without a counterpart.
    pub(crate) unaligned_source: Vec<&'a Prose>,
    /// Translation blocks left without a counterpart.
    pub(crate) unaligned_target: Vec<&'a Prose>,
}

/// Least similarity for two anchors of the same kind to be matched.
const MIN_ANCHOR_SIMILARITY: f64 = 0.5;

/// Cuts two chapters into spans at their matched anchors; also returns how
/// many anchors were matched.
pub(crate) fn spans<'a>(source: &'a [Block], target: &'a [Block]) -> (Vec<Span<'a>>, usize) {
    let anchors_of = |blocks: &'a [Block]| -> Vec<(usize, &'a Anchor)> {
        blocks
            .iter()
            .enumerate()
            .filter_map(|(index, block)| match block {
                Block::Anchor(anchor) => Some((index, anchor)),
                Block::Prose(_) => None,
            })
            .collect()
    };
    let (source_anchors, target_anchors) = (anchors_of(source), anchors_of(target));
    let matched = match_anchors(
        &source_anchors.iter().map(|(_, anchor)| *anchor).collect::<Vec<_>>(),
        &target_anchors.iter().map(|(_, anchor)| *anchor).collect::<Vec<_>>(),
    );
    let mut spans = Vec::new();
    let (mut source_start, mut target_start) = (0, 0);
    for &(i, j) in &matched {
        let ((source_end, source_anchor), (target_end, target_anchor)) = (source_anchors[i], target_anchors[j]);
        spans.push(Span {
            source: prose_of(&source[source_start..source_end]),
            target: prose_of(&target[target_start..target_end]),
        });
        if let (Some(source_caption), Some(target_caption)) = (&source_anchor.caption, &target_anchor.caption) {
            spans.push(Span {
                source: vec![source_caption],
                target: vec![target_caption],
            });
        }
        (source_start, target_start) = (source_end + 1, target_end + 1);
    }
    spans.push(Span {
        source: prose_of(&source[source_start..]),
        target: prose_of(&target[target_start..]),
    });
    (spans, matched.len())
}

fn prose_of(blocks: &[Block]) -> Vec<&Prose> {
    blocks
        .iter()
        .filter_map(|block| match block {
            Block::Prose(prose) => Some(prose),
            Block::Anchor(_) => None,
        })
        .collect()
}

/// Pairs of block lengths that are probably translations of each other:
/// those of spans with as many blocks on both sides, position by position.
pub(crate) fn length_samples(spans: &[Span<'_>]) -> Vec<(usize, usize)> {
    spans
        .iter()
        .filter(|span| span.source.len() == span.target.len())
        .flat_map(|span| span.source.iter().zip(&span.target))
        .filter(|(source, target)| source.is_heading == target.is_heading)
        .map(|(source, target)| (source.n_chars(), target.n_chars()))
        .collect()
}

/// Aligns the blocks of every span under `model`.
pub(crate) fn align_spans<'a>(spans: &[Span<'a>], model: &LengthModel) -> BlockAlignment<'a> {
    let mut alignment = BlockAlignment::default();
    let items = |blocks: &[&Prose]| -> Vec<Item> {
        blocks
            .iter()
            .map(|prose| Item {
                n_chars: prose.n_chars(),
                rigid: prose.is_heading,
            })
            .collect()
    };
    for span in spans {
        for Bead { source, target } in align_items(&items(&span.source), &items(&span.target), model) {
            match (source.is_empty(), target.is_empty()) {
                (false, false) => alignment.pairs.push(BlockPair {
                    source: span.source[source].to_vec(),
                    target: span.target[target].to_vec(),
                }),
                (false, true) => alignment.unaligned_source.extend(&span.source[source]),
                _ => alignment.unaligned_target.extend(&span.target[target]),
            }
        }
    }
    alignment
}

/// Matches anchors in order, maximising the total similarity; returns
/// (source index, translation index) pairs, increasing.
pub(crate) fn match_anchors(source: &[&Anchor], target: &[&Anchor]) -> Vec<(usize, usize)> {
    let width = target.len() + 1;
    let mut best = vec![0.0f64; (source.len() + 1) * width];
    for i in 1..=source.len() {
        for j in 1..=target.len() {
            let similarity = anchor_similarity(source[i - 1], target[j - 1]);
            let diagonal = if similarity >= MIN_ANCHOR_SIMILARITY {
                best[(i - 1) * width + j - 1] + similarity
            } else {
                0.0
            };
            best[i * width + j] = diagonal.max(best[(i - 1) * width + j]).max(best[i * width + j - 1]);
        }
    }
    let mut matched = Vec::new();
    let (mut i, mut j) = (source.len(), target.len());
    while i > 0 && j > 0 {
        let here = best[i * width + j];
        if here == best[(i - 1) * width + j] {
            i -= 1;
        } else if here == best[i * width + j - 1] {
            j -= 1;
        } else {
            matched.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        }
    }
    matched.reverse();
    matched
}

/// 1 for identical anchors, else the Jaccard similarity of their
/// identifiers and numbers (figures: their image only); 0 across kinds.
fn anchor_similarity(source: &Anchor, target: &Anchor) -> f64 {
    if source.kind != target.kind {
        return 0.0;
    }
    if source.signature == target.signature {
        return 1.0;
    }
    if source.kind == AnchorKind::Figure {
        return 0.0;
    }
    let words = |text: &str| -> BTreeSet<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (source_words, target_words) = (words(&source.signature), words(&target.signature));
    let union = source_words.union(&target_words).count();
    if union == 0 {
        return 0.0;
    }
    source_words.intersection(&target_words).count() as f64 / union as f64
}

#[cfg(test)]
mod tests;
