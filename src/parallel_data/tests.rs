use super::*;

fn chapter(path: &str, markdown: &str) -> ChapterText {
    ChapterText {
        path: path.to_string(),
        title: String::new(),
        markdown: markdown.to_string(),
    }
}

/// English to French at `granularity`, one chapter each side (to a
/// chapter `translation` the default), and the pairs, one a line as
/// `source = target`.
#[track_caller]
fn check_with(granularity: Granularity, source: &str, translation: Translation<'_>, expected: &str) -> AlignmentReport {
    let mut options = BuildOptions::new("en".parse().expect("a tag"), "fr".parse().expect("a tag"));
    options.granularity = granularity;
    let (pairs, report) = build_pairs(&[chapter("a.md", source)], &[translation], &options);
    let lines: Vec<String> = pairs.iter().map(|p| format!("{} = {}", p.source, p.target)).collect();
    assert_eq!(lines.join("\n"), expected.trim());
    assert_eq!(report.n_pairs, pairs.len());
    report
}

#[track_caller]
fn check(source: &str, target: &str, expected: &str) -> AlignmentReport {
    check_with(
        Granularity::Sentence,
        source,
        Translation::Chapters(&[chapter("a.md", target)]),
        expected,
    )
}

#[test]
fn paragraph_granularity_pairs_whole_blocks() {
    check_with(
        Granularity::Paragraph,
        "# Title\n\nOne. Two.\n",
        Translation::Chapters(&[chapter("a.md", "# TITRE\n\nUN. DEUX.\n")]),
        "Title = TITRE\nOne. Two. = UN. DEUX.",
    );
}

#[test]
fn chinese_sentences_are_joined_without_spaces() {
    let options = BuildOptions {
        granularity: Granularity::Paragraph,
        ..BuildOptions::new("en".parse().expect("a tag"), "zh".parse().expect("a tag"))
    };
    let (pairs, _) = build_pairs(
        &[chapter("a.md", "One. Two.\n")],
        &[Translation::Chapters(&[chapter("a.md", "一。\n二。\n")])],
        &options,
    );
    assert_eq!(pairs[0].target, "一。二。");
}

#[test]
fn pairs_whose_placeholders_differ_or_that_are_untranslated_are_dropped_and_counted() {
    let report = check(
        "Run `cargo` now.\n\nSee [Discussions](https://example.com).\n\nKeep $x$ here.\n",
        "LANCEZ `cargo` MAINTENANT.\n\nSee [Discussions](https://example.com).\n\nGARDEZ x ICI.\n",
        "Run cargo now. = LANCEZ cargo MAINTENANT.",
    );
    let dropped: Vec<_> = report.dropped.into_iter().collect();
    assert_eq!(
        dropped,
        [(DropReason::PlaceholdersDiffer, 1), (DropReason::Untranslated, 1)]
    );
}

#[test]
fn duplicate_pairs_are_written_once() {
    let report = check(
        "# Notes\n\nSame words.\n\n# Notes\n",
        "# NOTES\n\nMÊMES MOTS.\n\n# NOTES\n",
        "Notes = NOTES\nSame words. = MÊMES MOTS.",
    );
    assert_eq!(report.dropped.get(&DropReason::Duplicate), Some(&1));
    assert_eq!(
        report.chapters[0].n_source_sentences_aligned, 3,
        "a duplicate is aligned all the same"
    );
}

#[test]
fn chapters_match_by_path_then_by_title_key_and_the_rest_are_reported() {
    let source = [
        chapter("same.md", "Same path.\n"),
        chapter("intro.md", "# Intro\n:label:`sec_intro`\n\nBy label.\n"),
        chapter("alone.md", "Nobody translated this.\n"),
    ];
    let target = [
        chapter("same.md", "MÊME CHEMIN.\n"),
        chapter(
            "introduction.md",
            "# INTRODUCTION\n:label:`sec_intro`\n\nPAR ÉTIQUETTE.\n",
        ),
        chapter("extra.md", "EN PLUS.\n"),
    ];
    let options = BuildOptions::new("en".parse().expect("a tag"), "fr".parse().expect("a tag"));
    let (pairs, report) = build_pairs(&source, &[Translation::Chapters(&target)], &options);
    assert_eq!(pairs.len(), 3);
    let matched: Vec<_> = report
        .chapters
        .iter()
        .map(|c| (c.source.as_str(), c.translation.as_str(), c.matched_by))
        .collect();
    assert_eq!(
        matched,
        [
            ("same.md", "same.md", Some(MatchedBy::Path)),
            ("intro.md", "introduction.md", Some(MatchedBy::Title))
        ]
    );
    assert_eq!(report.unmatched_source_chapters, ["alone.md"]);
    assert_eq!(report.unmatched_translation_chapters, ["extra.md"]);
}

#[test]
fn po_entries_are_aligned_entry_by_entry() {
    let entries = [
        TranslatedBlock {
            chapter: "src/a.md".to_string(),
            source: "First one. Second one.".to_string(),
            translation: "PREMIER. DEUXIÈME.".to_string(),
        },
        TranslatedBlock {
            chapter: "src/a.md".to_string(),
            source: "```rust\nfn main() {}\n```".to_string(),
            translation: "```rust\nfn main() {}\n```".to_string(),
        },
    ];
    let report = check_with(
        Granularity::Sentence,
        "",
        Translation::PoEntries(&entries),
        "First one. = PREMIER.\nSecond one. = DEUXIÈME.",
    );
    assert_eq!(report.chapters[0].matched_by, Some(MatchedBy::PoFile));
    assert_eq!(report.chapters[0].n_anchors_matched, 1);
}

#[test]
fn store_records_pair_units_with_their_placeholders_restored() {
    let records: HashMap<String, String> = [
        ("Run <x1/> now.".to_string(), "LANCEZ <x1/> MAINTENANT.".to_string()),
        ("Build <g1>it</g1>.".to_string(), "CONSTRUISEZ-<g1>LE</g1>.".to_string()),
    ]
    .into_iter()
    .collect();
    let source = "Run `cargo` now. Build *it*. Not translated.\n";
    let report = check_with(
        Granularity::Sentence,
        source,
        Translation::Records(&records),
        "Run cargo now. = LANCEZ cargo MAINTENANT.\nBuild it. = CONSTRUISEZ-LE.",
    );
    assert_eq!(report.chapters[0].matched_by, Some(MatchedBy::Store));
    // A paragraph pair needs every unit of the block.
    check_with(Granularity::Paragraph, source, Translation::Records(&records), "");
}
