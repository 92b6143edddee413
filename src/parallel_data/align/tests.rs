use super::*;

/// A model where a translation is as long as its source.
fn even() -> LengthModel {
    LengthModel::fallback(1.0)
}

/// Aligns items of the given lengths (a leading `h` makes an item a
/// heading) and compares the moves, written `1-1`, `2-1`, ….
#[track_caller]
fn check(source: &[&str], target: &[&str], expected: &[&str]) {
    let items = |lengths: &[&str]| -> Vec<Item> {
        lengths
            .iter()
            .map(|length| Item {
                n_chars: length.trim_start_matches('h').parse().expect("a length"),
                rigid: length.starts_with('h'),
            })
            .collect()
    };
    let moves: Vec<String> = align_items(&items(source), &items(target), &even())
        .iter()
        .map(|bead| format!("{}-{}", bead.source.len(), bead.target.len()))
        .collect();
    assert_eq!(moves, expected);
}

#[test]
fn one_to_one() {
    check(&["100", "50", "200"], &["104", "47", "195"], &["1-1", "1-1", "1-1"]);
}

#[test]
fn one_to_zero_when_the_translation_lacks_an_item() {
    check(&["100", "60", "200"], &["101", "199"], &["1-1", "1-0", "1-1"]);
}

#[test]
fn zero_to_one_when_the_translation_adds_an_item() {
    check(&["100", "200"], &["101", "60", "199"], &["1-1", "0-1", "1-1"]);
}

#[test]
fn two_to_one_when_the_translation_merges_two() {
    check(
        &["100", "80", "90", "200"],
        &["101", "172", "199"],
        &["1-1", "2-1", "1-1"],
    );
}

#[test]
fn one_to_two_when_the_translation_splits_one() {
    check(
        &["100", "172", "200"],
        &["101", "80", "90", "199"],
        &["1-1", "1-2", "1-1"],
    );
}

#[test]
fn headings_pair_only_with_headings_and_never_merge() {
    check(&["h30", "100"], &["30", "100"], &["0-1", "1-0", "1-1"]);
    check(&["h20", "80"], &["h100"], &["1-1", "1-0"]);
    check(&["h20", "100"], &["h21", "99"], &["1-1", "1-1"]);
}

#[test]
fn empty_sides_are_all_skips() {
    check(&["10", "20"], &[], &["1-0", "1-0"]);
    check(&[], &["10"], &["0-1"]);
}

#[test]
fn the_model_is_estimated_from_the_data() {
    let pairs: Vec<(usize, usize)> = (1..=20).map(|n| (100 * n, 38 * n + n % 3)).collect();
    let model = LengthModel::estimate(&pairs).expect("enough pairs");
    assert!((model.ratio - 0.39).abs() < 0.01, "{model:?}");
    assert!(model.variance < 0.1, "{model:?}");
    assert_eq!(model.n_samples, 20);
    assert_eq!(LengthModel::estimate(&pairs[..4]), None, "too few pairs");
}

#[test]
fn a_chinese_ratio_aligns_chinese_lengths() {
    let model = LengthModel::estimate(&[(100, 38), (200, 77), (50, 19), (300, 113), (120, 46)]).expect("enough pairs");
    let items =
        |lengths: &[usize]| -> Vec<Item> { lengths.iter().map(|&n_chars| Item { n_chars, rigid: false }).collect() };
    let beads = align_items(&items(&[100, 60, 200]), &items(&[38, 76]), &model);
    let moves: Vec<(usize, usize)> = beads.iter().map(|b| (b.source.len(), b.target.len())).collect();
    assert_eq!(moves, [(1, 1), (1, 0), (1, 1)]);
}

#[test]
fn the_tail_probability_is_right_and_finite_far_out() {
    // P(|Z| ≥ 1.96) = 0.05; P(|Z| ≥ 40) ≈ 1e-349, below f64 but not its log.
    assert!((ln_two_sided_tail(1.96).exp() - 0.05).abs() < 1e-4);
    assert!((ln_two_sided_tail(0.0).exp() - 1.0).abs() < 1e-6);
    let far = ln_two_sided_tail(40.0);
    assert!(far.is_finite() && far < -700.0, "{far}");
}
