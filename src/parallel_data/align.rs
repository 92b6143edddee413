//! Length-based alignment, after Gale and Church (1993): the length of a
//! translation is normally distributed around `ratio × length` of its
//! source, with variance `variance × length`; a dynamic programme finds
//! the most probable sequence of moves (1-1, 1-0, 0-1, 2-1, 1-2). The same
//! programme aligns the prose blocks between two anchors and the sentences
//! of two aligned blocks; only the items differ.

use serde::Serialize;
use std::ops::Range;

/// How the lengths of a language pair relate: a translation of `n`
/// characters has about `ratio × n` characters, with variance
/// `variance × n`. Estimated from the books being aligned.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LengthModel {
    /// Characters of translation per character of source.
    pub ratio: f64,
    /// Variance of the translation's length per character of source.
    pub variance: f64,
    /// How many pairs the estimate rests on (0: the fallback).
    pub n_samples: usize,
}

/// The share of matches whose lengths are unrelated (see [`LengthModel::match_cost`]).
const UNINFORMATIVE_LENGTHS: f64 = 0.005;

/// Pairs needed before an estimate replaces the fallback.
const MIN_SAMPLES: usize = 5;

/// The variance per unit of ratio when there is nothing to estimate it
/// from: D2L's English and Chinese give 0.455 at a ratio of 0.380
/// (characters other than white space). Gale and Church's 6.8 counted
/// spaces and came from parliamentary proceedings, much looser text.
const FALLBACK_VARIANCE_PER_RATIO: f64 = 1.2;

impl LengthModel {
    /// A model with `ratio` and a variance scaled to it, for when there
    /// are too few pairs to estimate one.
    pub fn fallback(ratio: f64) -> LengthModel {
        let ratio = if ratio.is_finite() && ratio > 0.0 { ratio } else { 1.0 };
        LengthModel {
            ratio,
            variance: FALLBACK_VARIANCE_PER_RATIO * ratio,
            n_samples: 0,
        }
    }

    /// Estimates the model from pairs of lengths (source, translation)
    /// believed to be translations of each other: the ratio of the sums,
    /// and the mean squared deviation per source character with the worst
    /// tenth left out (so a few wrong pairs do not inflate it). `None`
    /// with fewer than five usable pairs.
    pub fn estimate(pairs: &[(usize, usize)]) -> Option<LengthModel> {
        let usable: Vec<(f64, f64)> = pairs
            .iter()
            .filter(|(source, target)| *source > 0 && *target > 0)
            .map(|&(source, target)| (source as f64, target as f64))
            .collect();
        if usable.len() < MIN_SAMPLES {
            return None;
        }
        let ratio = usable.iter().map(|p| p.1).sum::<f64>() / usable.iter().map(|p| p.0).sum::<f64>();
        let mut deviations: Vec<f64> = usable
            .iter()
            .map(|(source, target)| (target - ratio * source).powi(2) / source)
            .collect();
        deviations.sort_by(f64::total_cmp);
        let kept = &deviations[..deviations.len() - deviations.len() / 10];
        let variance = (kept.iter().sum::<f64>() / kept.len() as f64).max(f64::EPSILON);
        Some(LengthModel {
            ratio,
            variance,
            n_samples: usable.len(),
        })
    }

    /// How many standard deviations `target` is from what `source`
    /// predicts, measured on the mean of the two lengths (Gale and Church's
    /// `δ`).
    pub fn deviation(&self, source: usize, target: usize) -> f64 {
        let (source, target) = (source as f64, target as f64);
        let mean = (source + target / self.ratio) / 2.0;
        if mean == 0.0 {
            return 0.0;
        }
        (target - self.ratio * source) / (self.variance * mean).sqrt()
    }

    /// The cost of matching two lengths: `-ln P(|δ| ≥ |deviation|)` under
    /// a robust model, in which one match in [`UNINFORMATIVE_LENGTHS`]
    /// has lengths that say nothing. Without it a long paragraph translated
    /// freely (30 % longer, with glosses added) would cost more as a 1-1
    /// than as two skips, and be lost.
    fn match_cost(&self, source: usize, target: usize) -> f64 {
        let tail = ln_two_sided_tail(self.deviation(source, target).abs()).exp();
        -((1.0 - UNINFORMATIVE_LENGTHS) * tail + UNINFORMATIVE_LENGTHS).ln()
    }
}

/// `ln P(|Z| ≥ z)` for a standard normal `Z`, `ln erfc(z / √2)`, by the
/// Chebyshev fit of Numerical Recipes (relative error below 1.2e-7),
/// computed in logs so that the far tail does not underflow.
fn ln_two_sided_tail(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * x);
    let polynomial = [
        -1.265_512_23,
        1.000_023_68,
        0.374_091_96,
        0.096_784_18,
        -0.186_288_06,
        0.278_868_07,
        -1.135_203_98,
        1.488_515_87,
        -0.822_152_23,
        0.170_872_77,
    ]
    .iter()
    .rev()
    .fold(0.0, |sum, coefficient| coefficient + t * sum);
    t.ln() - x * x + polynomial
}

/// One move of an alignment: a run of source items and the run of
/// translation items that translates it (either may be empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bead {
    /// Source items.
    pub(crate) source: Range<usize>,
    /// Translation items.
    pub(crate) target: Range<usize>,
}

/// What the programme needs to know of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Item {
    /// Its length in characters.
    pub(crate) n_chars: usize,
    /// A rigid item (a heading) pairs 1-1 with another rigid item, or with
    /// nothing; it never merges and never pairs with a flexible item.
    pub(crate) rigid: bool,
}

/// The moves, as (source items, translation items, prior probability):
/// Gale and Church's priors, with their 2-2 weight given to 1-1.
const MOVES: [(usize, usize, f64); 5] = [(1, 1, 0.9), (1, 0, 0.005), (0, 1, 0.005), (2, 1, 0.045), (1, 2, 0.045)];

/// The most probable alignment of `source` with `target` under `model`,
/// as beads covering both sequences in order.
pub(crate) fn align_items(source: &[Item], target: &[Item], model: &LengthModel) -> Vec<Bead> {
    let width = target.len() + 1;
    let mut cost = vec![f64::INFINITY; (source.len() + 1) * width];
    let mut step: Vec<(usize, usize)> = vec![(0, 0); cost.len()];
    cost[0] = 0.0;
    for i in 0..=source.len() {
        for j in 0..=target.len() {
            for &(n_source, n_target, prior) in &MOVES {
                if n_source > i || n_target > j {
                    continue;
                }
                let from = (i - n_source) * width + (j - n_target);
                let Some(move_cost) = bead_cost(&source[i - n_source..i], &target[j - n_target..j], model) else {
                    continue;
                };
                let total = cost[from] - prior.ln() + move_cost;
                if total < cost[i * width + j] {
                    cost[i * width + j] = total;
                    step[i * width + j] = (n_source, n_target);
                }
            }
        }
    }
    let mut beads = Vec::new();
    let (mut i, mut j) = (source.len(), target.len());
    while i > 0 || j > 0 {
        let (n_source, n_target) = step[i * width + j];
        beads.push(Bead {
            source: i - n_source..i,
            target: j - n_target..j,
        });
        i -= n_source;
        j -= n_target;
    }
    beads.reverse();
    beads
}

/// The length cost of pairing two runs; `None` where rigid items forbid
/// it. A skip (1-0, 0-1) costs its prior only: Gale and Church's length
/// term would make leaving out a long paragraph dearer than merging it
/// into a neighbour, and books do leave out and add whole paragraphs.
fn bead_cost(source: &[Item], target: &[Item], model: &LengthModel) -> Option<f64> {
    let rigid = source.iter().chain(target).filter(|item| item.rigid).count();
    match (source.len(), target.len()) {
        (1, 0) | (0, 1) => return Some(0.0),
        (1, 1) if rigid == 1 => return None,
        (1, 1) => {}
        _ if rigid > 0 => return None,
        _ => {}
    }
    let length = |items: &[Item]| items.iter().map(|item| item.n_chars).sum();
    Some(model.match_cost(length(source), length(target)))
}

#[cfg(test)]
mod tests;
