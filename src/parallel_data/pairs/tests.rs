use super::*;

/// A block of the given sentences, their lengths counted as the reader
/// counts them.
fn prose(sentences: &[&str]) -> Prose {
    Prose {
        is_heading: false,
        sentences: sentences
            .iter()
            .map(|text| Sentence {
                text: text.to_string(),
                placeholders: Vec::new(),
                n_chars: text.chars().filter(|c| !c.is_whitespace()).count(),
            })
            .collect(),
    }
}

/// Aligns the sentences of two blocks with a model of equal lengths and
/// compares the groups, one a line: `A + B = a`, `C = -`.
#[track_caller]
fn check(source: &[&str], target: &[&str], expected: &str) {
    let (source, target) = (prose(source), prose(target));
    let pair = BlockPair {
        source: vec![&source],
        target: vec![&target],
    };
    let side = |sentences: &[&Sentence]| -> String {
        if sentences.is_empty() {
            return "-".to_string();
        }
        sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let lines: Vec<String> = sentence_groups(&pair, Granularity::Sentence, &LengthModel::fallback(1.0))
        .iter()
        .map(|(source, target)| format!("{} = {}", side(source), side(target)))
        .collect();
    assert_eq!(lines.join("\n"), expected.trim());
}

const ALPHA: &str = "Alpha has a few words here.";
const BETA: &str = "Beta is a sentence of middling length.";
const GAMMA: &str = "Gamma has quite a few more words in it than the others.";
const ALPHA_T: &str = "ALPHA HAS A FEW WORDS THERE.";
const BETA_T: &str = "BETA IS A SENTENCE OF MEDIUM LENGTH.";
const GAMMA_T: &str = "GAMMA HAS MANY MORE WORDS IN IT THAN THE OTHER TWO.";

#[test]
fn sentences_pair_one_to_one() {
    check(
        &[ALPHA, BETA, GAMMA],
        &[ALPHA_T, BETA_T, GAMMA_T],
        "Alpha has a few words here. = ALPHA HAS A FEW WORDS THERE.\n\
         Beta is a sentence of middling length. = BETA IS A SENTENCE OF MEDIUM LENGTH.\n\
         Gamma has quite a few more words in it than the others. = GAMMA HAS MANY MORE WORDS IN IT THAN THE OTHER TWO.",
    );
}

#[test]
fn a_sentence_the_translation_lacks_pairs_with_nothing() {
    check(
        &[ALPHA, BETA, GAMMA],
        &[ALPHA_T, GAMMA_T],
        "Alpha has a few words here. = ALPHA HAS A FEW WORDS THERE.\n\
         Beta is a sentence of middling length. = -\n\
         Gamma has quite a few more words in it than the others. = GAMMA HAS MANY MORE WORDS IN IT THAN THE OTHER TWO.",
    );
}

#[test]
fn a_sentence_the_translation_adds_pairs_with_nothing() {
    check(
        &[ALPHA, GAMMA],
        &[ALPHA_T, BETA_T, GAMMA_T],
        "Alpha has a few words here. = ALPHA HAS A FEW WORDS THERE.\n\
         - = BETA IS A SENTENCE OF MEDIUM LENGTH.\n\
         Gamma has quite a few more words in it than the others. = GAMMA HAS MANY MORE WORDS IN IT THAN THE OTHER TWO.",
    );
}

#[test]
fn two_sentences_the_translation_merges_pair_with_the_merged_one() {
    check(
        &[ALPHA, BETA, GAMMA],
        &[
            "ALPHA HAS A FEW WORDS THERE, BETA IS A SENTENCE OF MEDIUM LENGTH.",
            GAMMA_T,
        ],
        "Alpha has a few words here. + Beta is a sentence of middling length. = ALPHA HAS A FEW WORDS THERE, BETA IS A SENTENCE OF MEDIUM LENGTH.\n\
         Gamma has quite a few more words in it than the others. = GAMMA HAS MANY MORE WORDS IN IT THAN THE OTHER TWO.",
    );
}

#[test]
fn a_sentence_the_translation_splits_pairs_with_both_halves() {
    check(
        &[ALPHA, BETA, GAMMA],
        &[
            ALPHA_T,
            BETA_T,
            "GAMMA HAS MANY MORE WORDS.",
            "IN IT THAN THE OTHER TWO.",
        ],
        "Alpha has a few words here. = ALPHA HAS A FEW WORDS THERE.\n\
         Beta is a sentence of middling length. = BETA IS A SENTENCE OF MEDIUM LENGTH.\n\
         Gamma has quite a few more words in it than the others. = GAMMA HAS MANY MORE WORDS. + IN IT THAN THE OTHER TWO.",
    );
}

#[test]
fn paragraph_granularity_is_one_group() {
    let (source, target) = (prose(&[ALPHA, BETA]), prose(&["A.", "B.", "C."]));
    let pair = BlockPair {
        source: vec![&source],
        target: vec![&target],
    };
    let groups = sentence_groups(&pair, Granularity::Paragraph, &LengthModel::fallback(1.0));
    assert_eq!(groups.len(), 1);
    assert_eq!((groups[0].0.len(), groups[0].1.len()), (2, 3));
}
