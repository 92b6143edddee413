//! Paired bootstrap resampling: is one system's corpus score really higher?
//!
//! The test follows sacreBLEU's `--paired-bs` (after Koehn 2004 and Moses'
//! `bootstrap-hypothesis-difference-significance.pl`): draw the corpus's
//! segments with replacement, score both systems on the same draw, centre
//! the resampled absolute differences on their mean, and count how often
//! they reach the observed difference. The random numbers come from a
//! seeded SplitMix64, so a report is reproducible (but not draw-for-draw
//! identical to sacreBLEU's, which uses NumPy's generator).

use super::{MetricKind, Scorer, Scores, SegmentStats, parallel_map};
use serde::Serialize;

/// How many resamples, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BootstrapConfig {
    /// Number of resampled corpora (sacreBLEU's default is 1,000).
    pub n_samples: usize,
    /// Seed of the random number generator.
    pub seed: u64,
}

impl Default for BootstrapConfig {
    fn default() -> BootstrapConfig {
        BootstrapConfig {
            n_samples: 1000,
            seed: 12345,
        }
    }
}

/// The outcome of a paired bootstrap test for every metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Number of resampled corpora.
    pub n_samples: usize,
    /// Seed of the random number generator.
    pub seed: u64,
    /// Number of segments resampled.
    pub n_segments: usize,
    /// One entry per metric, in report order.
    pub metrics: Vec<MetricComparison>,
}

impl Comparison {
    /// The result for one metric.
    pub fn metric(&self, metric: MetricKind) -> Option<&MetricComparison> {
        self.metrics.iter().find(|comparison| comparison.metric == metric)
    }
}

/// The paired bootstrap result for one metric (scores 0–100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricComparison {
    /// The metric.
    pub metric: MetricKind,
    /// The baseline's corpus score.
    pub baseline: f64,
    /// The other system's corpus score.
    pub system: f64,
    /// `system - baseline`.
    pub difference: f64,
    /// Lower end of the 95% bootstrap interval of the difference.
    pub difference_low: f64,
    /// Upper end of the 95% bootstrap interval of the difference.
    pub difference_high: f64,
    /// Probability of a difference at least this large if the systems were
    /// equally good: `(c + 1) / (n + 1)`.
    pub p_value: f64,
    /// Mean of the baseline's resampled scores.
    pub baseline_mean: f64,
    /// Half the width of the baseline's 95% interval (sacreBLEU's `±`).
    pub baseline_ci: f64,
    /// Mean of the system's resampled scores.
    pub system_mean: f64,
    /// Half the width of the system's 95% interval.
    pub system_ci: f64,
}

/// Compares `system` with `baseline`, segment statistics paired by index
/// (both computed against the same references).
///
/// Both slices must have the same length; extra segments on either side are
/// ignored.
pub fn paired_bootstrap(
    scorer: &Scorer,
    baseline: &[SegmentStats],
    system: &[SegmentStats],
    config: &BootstrapConfig,
) -> Comparison {
    let n_segments = baseline.len().min(system.len());
    let n_samples = config.n_samples.max(1);
    let metrics = scorer.metrics();
    // Each resample has its own generator, seeded from the seed and its
    // index, so the result does not depend on how many threads draw them.
    let resampled: Vec<(Scores, Scores)> = parallel_map(&(0..n_samples).collect::<Vec<_>>(), |&sample| {
        let mut rng = SplitMix64::new(SplitMix64::new(config.seed ^ sample as u64).next_u64());
        let mut n_draws = vec![0u32; n_segments];
        for _ in 0..n_segments {
            n_draws[rng.below(n_segments)] += 1;
        }
        let mut baseline_sum = SegmentStats::default();
        let mut system_sum = SegmentStats::default();
        for (i, &n) in n_draws.iter().enumerate() {
            for _ in 0..n {
                baseline_sum += baseline[i];
                system_sum += system[i];
            }
        }
        (scorer.scores(&baseline_sum), scorer.scores(&system_sum))
    });
    let samples_of = |metric: MetricKind, pick: fn(&(Scores, Scores)) -> &Scores| -> Vec<f64> {
        resampled
            .iter()
            .map(|scores| pick(scores).get(metric).unwrap_or_default())
            .collect()
    };

    let baseline_scores = scorer.scores(&baseline[..n_segments].iter().copied().sum());
    let system_scores = scorer.scores(&system[..n_segments].iter().copied().sum());
    let metrics = metrics
        .iter()
        .map(|&metric| {
            let baseline_score = baseline_scores.get(metric).unwrap_or_default();
            let system_score = system_scores.get(metric).unwrap_or_default();
            compare_samples(
                metric,
                baseline_score,
                system_score,
                &samples_of(metric, |(baseline, _)| baseline),
                &samples_of(metric, |(_, system)| system),
            )
        })
        .collect();
    Comparison {
        n_samples,
        seed: config.seed,
        n_segments,
        metrics,
    }
}

fn compare_samples(
    metric: MetricKind,
    baseline: f64,
    system: f64,
    baseline_samples: &[f64],
    system_samples: &[f64],
) -> MetricComparison {
    let observed = (system - baseline).abs();
    let differences: Vec<f64> = system_samples
        .iter()
        .zip(baseline_samples)
        .map(|(s, b)| s - b)
        .collect();
    let absolute: Vec<f64> = differences.iter().map(|d| d.abs()).collect();
    let mean_absolute = mean(&absolute);
    // sacreBLEU counts `>`; `>=` keeps a zero observed difference (identical
    // systems) from ever looking significant.
    let n_extreme = absolute.iter().filter(|&&d| d - mean_absolute >= observed).count();
    let p_value = (n_extreme + 1) as f64 / (absolute.len() + 1) as f64;
    let (difference_low, difference_high) = interval(&differences);
    let (baseline_low, baseline_high) = interval(baseline_samples);
    let (system_low, system_high) = interval(system_samples);
    MetricComparison {
        metric,
        baseline,
        system,
        difference: system - baseline,
        difference_low,
        difference_high,
        p_value,
        baseline_mean: mean(baseline_samples),
        baseline_ci: 0.5 * (baseline_high - baseline_low),
        system_mean: mean(system_samples),
        system_ci: 0.5 * (system_high - system_low),
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The 95% interval as sacreBLEU takes it: the `n/40`-th smallest and
/// largest of the sorted values.
fn interval(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return (0.0, 0.0);
    }
    let lower = sorted.len() / 40;
    let upper = sorted.len() - lower - 1;
    (sorted[lower], sorted[upper])
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough to
/// draw bootstrap indices.
pub(super) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(super) fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (Lemire's multiply-shift; the bias is below
    /// `bound / 2^64`).
    pub(super) fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }
}
