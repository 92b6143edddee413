use super::*;
use crate::parallel_data::read::{AnchorKind, read_blocks};
use crate::segment::SegmentOptions;

/// Aligns the blocks of two chapters with a model of equal lengths and
/// compares the pairs, one a line, each block named by its first word:
/// `One = Uno`, `Two + Three = Dos`; then the blocks left over,
/// `One = -` or `- = Uno`.
#[track_caller]
fn check(source: &str, target: &str, expected: &str) {
    let options = SegmentOptions {
        mathjax: true,
        dollar_math: true,
        source_language: "en".parse().expect("a language tag"),
        ..SegmentOptions::default()
    };
    let (source, target) = (read_blocks(source, &options), read_blocks(target, &options));
    let (spans, _) = spans(&source, &target);
    let alignment = align_spans(&spans, &LengthModel::fallback(1.0));
    let name = |blocks: &[&Prose]| -> String {
        let names: Vec<&str> = blocks
            .iter()
            .map(|prose| prose.sentences[0].text.split(' ').next().unwrap_or_default())
            .collect();
        if names.is_empty() {
            "-".to_string()
        } else {
            names.join(" + ")
        }
    };
    let mut lines: Vec<String> = alignment
        .pairs
        .iter()
        .map(|pair| format!("{} = {}", name(&pair.source), name(&pair.target)))
        .collect();
    lines.extend(
        alignment
            .unaligned_source
            .iter()
            .map(|prose| format!("{} = -", name(&[prose]))),
    );
    lines.extend(
        alignment
            .unaligned_target
            .iter()
            .map(|prose| format!("- = {}", name(&[prose]))),
    );
    assert_eq!(lines.join("\n"), expected.trim());
}

/// Paragraphs of about `n` characters, starting with `word`.
fn paragraph(word: &str, n: usize) -> String {
    let mut text = word.to_string();
    while text.len() < n {
        text.push_str(" words");
    }
    text + ".\n\n"
}

#[test]
fn paragraphs_pair_one_to_one() {
    let source = paragraph("One", 100) + &paragraph("Two", 50) + &paragraph("Three", 200);
    let target = paragraph("Uno", 104) + &paragraph("Dos", 47) + &paragraph("Tres", 195);
    check(&source, &target, "One = Uno\nTwo = Dos\nThree = Tres");
}

#[test]
fn a_paragraph_the_translation_lacks_is_left_over() {
    let source = paragraph("One", 100) + &paragraph("Two", 60) + &paragraph("Three", 200);
    let target = paragraph("Uno", 101) + &paragraph("Tres", 199);
    check(&source, &target, "One = Uno\nThree = Tres\nTwo = -");
}

#[test]
fn a_paragraph_the_translation_adds_is_left_over() {
    let source = paragraph("One", 100) + &paragraph("Three", 200);
    let target = paragraph("Uno", 101) + &paragraph("Extra", 60) + &paragraph("Tres", 199);
    check(&source, &target, "One = Uno\nThree = Tres\n- = Extra");
}

#[test]
fn two_paragraphs_the_translation_merges_pair_with_the_merged_one() {
    let source = paragraph("One", 100) + &paragraph("Two", 80) + &paragraph("Three", 90) + &paragraph("Four", 200);
    let target = paragraph("Uno", 101) + &paragraph("Dos", 172) + &paragraph("Cuatro", 199);
    check(&source, &target, "One = Uno\nTwo + Three = Dos\nFour = Cuatro");
}

#[test]
fn a_paragraph_the_translation_splits_pairs_with_both_halves() {
    let source = paragraph("One", 100) + &paragraph("Two", 172) + &paragraph("Four", 200);
    let target = paragraph("Uno", 101) + &paragraph("Dos", 80) + &paragraph("Tres", 90) + &paragraph("Cuatro", 199);
    check(&source, &target, "One = Uno\nTwo = Dos + Tres\nFour = Cuatro");
}

#[test]
fn anchors_keep_the_prose_in_step() {
    // Without the code blocks, the lengths alone would pair One with Extra.
    let code = |text: &str| format!("```python\n{text}\n```\n\n");
    let source = paragraph("One", 100) + &code("import torch") + &paragraph("Two", 50);
    let target = paragraph("Uno", 100)
        + &code("import torch  # 导入")
        + &code("import paddle\nimport warnings")
        + &paragraph("Extra", 100)
        + &paragraph("Dos", 50);
    check(&source, &target, "One = Uno\nTwo = Dos\n- = Extra");
}

#[test]
fn figures_pair_their_captions() {
    let source = paragraph("One", 60) + "![Cat caption.](img/cat.svg)\n\n" + &paragraph("Two", 60);
    let target = paragraph("Uno", 60) + "![Gato leyenda.](img/cat.svg)\n\n" + &paragraph("Dos", 60);
    check(&source, &target, "One = Uno\nCat = Gato\nTwo = Dos");
}

#[test]
fn anchors_match_in_order_by_similarity() {
    let anchor = |signature: &str| Anchor {
        kind: AnchorKind::Code,
        signature: signature.to_string(),
        caption: None,
    };
    let source = [
        anchor("import mxnet"),
        anchor("import torch\nx = 1"),
        anchor("import tensorflow"),
    ];
    let target = [
        anchor("import mxnet"),
        anchor("import torch\nx = 1  # 一"),
        anchor("import tensorflow"),
        anchor("import paddle"),
    ];
    let (source, target): (Vec<&Anchor>, Vec<&Anchor>) = (source.iter().collect(), target.iter().collect());
    assert_eq!(match_anchors(&source, &target), [(0, 0), (1, 1), (2, 2)]);
}
