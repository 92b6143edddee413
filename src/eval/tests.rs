//! Unit tests of the metrics. Agreement with sacreBLEU on whole corpora is
//! tested through the binary in `tests/it/eval.rs`.

use super::*;

/// Scores go through logarithms: 100 comes out as 100.00000000000004, as
/// it does in sacreBLEU.
fn is_close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
}

const REFERENCES: [&str; 6] = [
    "The preprocessor keeps code blocks as they are.",
    "Each chapter is translated once.",
    "The store remembers every sentence.",
    "A one-sentence edit sends one sentence.",
    "Math and URLs are never translated.",
    "The build fails when the cache is cold.",
];

fn stats_of(scorer: &Scorer, pairs: &[(&str, &str)]) -> Vec<SegmentStats> {
    pairs
        .iter()
        .map(|&(hypothesis, reference)| scorer.segment_stats(hypothesis, reference))
        .collect()
}

mod tokenize {
    use super::super::tokenize::{
        in_table, is_number, is_punctuation, is_python_whitespace, is_symbol, split_python_whitespace,
    };
    use super::super::unicode_tables::{NUMBER, PUNCTUATION, SYMBOL};
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    /// sacreBLEU's tokenization of tricky lines and its `zh` character
    /// ranges, written by `scripts/eval-fixtures.py`.
    const FIXTURE: &str = include_str!("../../tests/fixtures/eval/tokenize.json");

    fn fixture() -> serde_json::Value {
        serde_json::from_str(FIXTURE).expect("tokenize.json is valid JSON")
    }

    #[track_caller]
    fn check(tokenizer: Tokenizer, line: &str, expected: &str) {
        // sacreBLEU's BLEU strips trailing white space before tokenizing.
        let actual = tokenizer.tokenize(line.trim_end_matches(is_python_whitespace));
        assert_eq!(actual, expected, "tokenizer {tokenizer} on {line:?}");
    }

    #[test]
    fn agrees_with_sacrebleu_on_tricky_lines() {
        let fixture = fixture();
        assert_eq!(fixture["sacrebleu_version"], SACREBLEU_VERSION);
        let lines = fixture["lines"].as_array().expect("lines");
        for tokenizer in Tokenizer::ALL {
            let expected = fixture["tokenized"][tokenizer.name()]
                .as_array()
                .expect("one list per tokenizer");
            assert_eq!(expected.len(), lines.len());
            for (line, expected) in lines.iter().zip(expected) {
                check(
                    tokenizer,
                    line.as_str().expect("string"),
                    expected.as_str().expect("string"),
                );
            }
        }
    }

    #[test]
    fn mteval_13a_keeps_numbers_whole_and_unescapes_entities() {
        // As sacreBLEU 2.6.0 tokenizes them.
        check(Tokenizer::Mteval13a, "It's 3.14 and 1,000.", "It's 3.14 and 1,000 .");
        check(Tokenizer::Mteval13a, "&quot;a&quot; &amp; b", "\" a \" & b");
        check(Tokenizer::Mteval13a, "5-10 well-known", "5 - 10 well-known");
    }

    #[test]
    fn zh_splits_general_punctuation_too() {
        // sacreBLEU's `'\u20000'` range starts at U+2001: em dashes and
        // curly quotes are "Chinese".
        check(
            Tokenizer::Zh,
            "He said “hello” — 2019. 你好，世界。Rust 1.5版",
            "He said “ hello ” — 2019 . 你 好 ， 世 界 。 Rust 1.5 版",
        );
    }

    #[test]
    fn zh_characters_are_the_code_points_sacrebleu_compares_into() {
        let fixture = fixture();
        let mut expected: Vec<(u32, u32)> = fixture["zh_chinese_ranges"]
            .as_array()
            .expect("ranges")
            .iter()
            .map(|range| {
                let bound = |i: usize| range[i].as_u64().expect("code point") as u32;
                (bound(0), bound(1))
            })
            .collect();
        expected.sort();
        let mut actual = Vec::new();
        let mut current: Option<(u32, u32)> = None;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let code = u32::from(c);
            match (is_zh_character(c), current) {
                (true, Some((first, last))) if last + 1 == code => current = Some((first, code)),
                (true, _) => {
                    actual.extend(current);
                    current = Some((code, code));
                }
                (false, _) => {}
            }
        }
        actual.extend(current);
        assert_eq!(actual, expected);
    }

    #[test]
    fn names_round_trip_and_languages_pick_tokenizers() {
        for tokenizer in Tokenizer::ALL {
            assert_eq!(tokenizer.name().parse::<Tokenizer>(), Ok(tokenizer));
        }
        assert!("ja-mecab".parse::<Tokenizer>().is_err());
        assert_eq!(Tokenizer::for_language("zh-Hant"), Tokenizer::Zh);
        assert_eq!(Tokenizer::for_language("es"), Tokenizer::Mteval13a);
        assert_eq!(Tokenizer::for_language("ja"), Tokenizer::Char);
    }

    #[test]
    fn python_white_space_includes_information_separators() {
        assert!(is_python_whitespace('\u{1f}'));
        assert!(is_python_whitespace('\u{3000}'));
        assert!(!is_python_whitespace('\u{200b}'));
        let tokens: Vec<&str> = split_python_whitespace(" a\u{1c}b\u{a0} c ").collect();
        assert_eq!(tokens, ["a", "b", "c"]);
    }

    #[test]
    fn intl_tables_are_sorted_and_agree_with_the_ascii_shortcuts() {
        for table in [PUNCTUATION, SYMBOL, NUMBER] {
            assert!(table.iter().all(|&(start, end)| start <= end));
            assert!(table.windows(2).all(|pair| pair[0].1 < pair[1].0));
        }
        for c in (0u8..128).map(char::from) {
            assert_eq!(is_punctuation(c), in_table(PUNCTUATION, c), "{c:?}");
            assert_eq!(is_symbol(c), in_table(SYMBOL, c), "{c:?}");
            assert_eq!(is_number(c), in_table(NUMBER, c), "{c:?}");
        }
    }

    /// sacreBLEU's 13a, zh and intl substitutions as regular expressions,
    /// to check the hand-written scans against.
    fn tokenize_with_regexes(tokenizer: Tokenizer, line: &str) -> String {
        let substitute = |text: String, pattern: &str, replacement: &str| {
            Regex::new(pattern)
                .expect("valid pattern")
                .replace_all(&text, replacement)
                .into_owned()
        };
        let mut text = line.to_owned();
        match tokenizer {
            Tokenizer::Mteval13a | Tokenizer::Zh => {
                if tokenizer == Tokenizer::Mteval13a {
                    text = text.replace("<skipped>", "").replace("-\n", "").replace('\n', " ");
                    text = text
                        .replace("&quot;", "\"")
                        .replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">");
                    text = format!(" {text} ");
                } else {
                    text = text
                        .trim_matches(is_python_whitespace)
                        .chars()
                        .map(|c| {
                            if is_zh_character(c) {
                                format!(" {c} ")
                            } else {
                                c.to_string()
                            }
                        })
                        .collect();
                }
                text = substitute(text, r"([\{-\~\[-\` -\&\(-\+\:-@/])", " ${1} ");
                text = substitute(text, r"([^0-9])([\.,])", "${1} ${2} ");
                text = substitute(text, r"([\.,])([^0-9])", " ${1} ${2}");
                text = substitute(text, r"([0-9])(-)", "${1} ${2} ");
            }
            Tokenizer::Intl => {
                text = substitute(text, r"(\P{N})(\p{P})", "${1} ${2} ");
                text = substitute(text, r"(\p{P})(\P{N})", " ${1} ${2}");
                text = substitute(text, r"(\p{S})", " ${1} ");
            }
            _ => unreachable!("only 13a, zh and intl are written as regular expressions"),
        }
        split_python_whitespace(&text).collect::<Vec<_>>().join(" ")
    }

    /// Characters that exercise the tokenizers: ASCII, digits, punctuation,
    /// symbols and numbers beyond ASCII (assigned long before Unicode 16,
    /// so the `regex` crate's classes agree with sacreBLEU's), CJK, white
    /// space.
    fn tokenizer_input() -> impl Strategy<Value = String> {
        let alphabet: Vec<char> = "aZ09 .,-&;<>'\"()[]{}/\\:?!@#$%^*+=_|~`\n\t\u{a0}\u{3000}\
            «»¿¡–—“”‘’…·•€£©®°±×÷√∞≤≥½²٣Ⅻ你好，。！？（）「」、日本テ"
            .chars()
            .collect();
        proptest::collection::vec(proptest::sample::select(alphabet), 0..40)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn scans_match_the_regular_expressions(line in tokenizer_input()) {
            for tokenizer in [Tokenizer::Mteval13a, Tokenizer::Zh, Tokenizer::Intl] {
                prop_assert_eq!(tokenizer.tokenize(&line), tokenize_with_regexes(tokenizer, &line));
            }
        }
    }
}

mod ngram {
    use super::super::ngram::Packing;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Counts the clipped n-gram matches the slow way.
    fn count_common_slowly(hypothesis: &[u32], reference: &[u32], n: usize) -> u64 {
        let count = |symbols: &[u32]| {
            let mut counts = HashMap::new();
            for ngram in symbols.windows(n) {
                *counts.entry(ngram.to_vec()).or_insert(0u64) += 1;
            }
            counts
        };
        let reference_counts = count(reference);
        count(hypothesis)
            .iter()
            .map(|(ngram, &k)| k.min(reference_counts.get(ngram).copied().unwrap_or(0)))
            .sum()
    }

    proptest! {
        #[test]
        fn packed_ngrams_count_the_smaller_of_both_counts(
            hypothesis in proptest::collection::vec(0u32..5, 0..30),
            reference in proptest::collection::vec(0u32..5, 0..30),
            bits_per_slot in prop_oneof![Just(21u32), Just(32u32)],
        ) {
            let packing = Packing { n_slots: 4, bits_per_slot };
            let hyp_keys = packing.sorted_keys(&hypothesis);
            let ref_keys = packing.sorted_keys(&reference);
            for n in 1..=4 {
                prop_assert_eq!(
                    packing.count_common(&hyp_keys, &ref_keys, n),
                    count_common_slowly(&hypothesis, &reference, n),
                    "order {}", n
                );
            }
        }
    }
}

mod bleu {
    use super::*;

    #[track_caller]
    fn check(hypothesis: &str, reference: &str, expected: f64) {
        let score = Bleu::new(Tokenizer::Mteval13a).corpus_score([(hypothesis, reference)]);
        assert!(
            is_close(score.score, expected),
            "BLEU of {hypothesis:?} against {reference:?}: {} (expected {expected})",
            score.score
        );
    }

    #[test]
    fn identical_is_100_and_nothing_in_common_is_0() {
        check("The cat sat on the mat .", "The cat sat on the mat.", 100.0);
        check("dogs bark loudly", "The cat sat on the mat.", 0.0);
        check("", "The cat sat on the mat.", 0.0);
        check("", "", 0.0);
    }

    #[test]
    fn short_hypotheses_pay_the_brevity_penalty() {
        // Every n-gram of the hypothesis matches: BLEU is the penalty.
        check("a b c d", "a b c d e", 100.0 * (1.0_f64 - 5.0 / 4.0).exp());
    }

    #[test]
    fn long_hypotheses_pay_in_precision_only() {
        let precisions: [f64; 4] = [4.0 / 5.0, 3.0 / 4.0, 2.0 / 3.0, 1.0 / 2.0];
        let log_mean = precisions.iter().map(|p| (100.0 * p).ln()).sum::<f64>() / 4.0;
        check("a b c d e", "a b c d", log_mean.exp());
    }

    #[test]
    fn orders_without_a_match_are_smoothed_exponentially() {
        let stats = BleuStats {
            hyp_len: 4,
            ref_len: 4,
            correct: [4, 0, 0, 0],
            total: [4, 3, 2, 1],
        };
        let score = BleuScore::from_stats(&stats);
        let precisions = [100.0, 100.0 / (2.0 * 3.0), 100.0 / (4.0 * 2.0), 100.0 / (8.0 * 1.0)];
        assert_eq!(score.precisions, precisions);
        let log_mean = precisions.iter().map(|p: &f64| p.ln()).sum::<f64>() / 4.0;
        assert!(is_close(score.score, log_mean.exp()));
        // Three tokens have no 4-gram: the missing order floors the score.
        check("a b c", "a b c", 0.0);
    }

    #[test]
    fn stats_add_up_over_segments() {
        let bleu = Bleu::new(Tokenizer::Mteval13a);
        let segments = [("the cat sat", "the cat sat down"), ("a dog", "the dog")];
        let summed: BleuStats = segments
            .iter()
            .map(|&(hypothesis, reference)| bleu.segment_stats(hypothesis, reference))
            .sum();
        assert_eq!(
            summed,
            BleuStats {
                hyp_len: 5,
                ref_len: 6,
                correct: [4, 2, 1, 0],
                total: [5, 3, 1, 0],
            }
        );
        assert_eq!(bleu.corpus_score(segments), BleuScore::from_stats(&summed));
    }

    #[test]
    fn signature_names_the_tokenizer() {
        assert_eq!(
            Bleu::new(Tokenizer::Zh).signature(),
            format!("nrefs:1|case:mixed|eff:no|tok:zh|smooth:exp|version:{SACREBLEU_VERSION}")
        );
    }
}

mod chrf {
    use super::*;

    #[track_caller]
    fn check(chrf: Chrf, hypothesis: &str, reference: &str, expected: f64) {
        let score = chrf.corpus_score([(hypothesis, reference)]);
        assert!(
            is_close(score, expected),
            "{} of {hypothesis:?} against {reference:?}: {score} (expected {expected})",
            chrf.name()
        );
    }

    #[test]
    fn white_space_does_not_count() {
        check(Chrf::CHRF, "ab cd", "abcd", 100.0);
        check(Chrf::CHRF_PLUS_PLUS, "a b", "a b", 100.0);
    }

    #[test]
    fn nothing_in_common_is_0() {
        check(Chrf::CHRF, "xyz", "abcd", 0.0);
        check(Chrf::CHRF, "", "abcd", 0.0);
        check(Chrf::CHRF, "", "", 0.0);
    }

    #[test]
    fn only_orders_both_sides_have_are_averaged() {
        // "ab" against "abc": orders 1 and 2 exist on both sides, 3..6 do not.
        let stats = Chrf::CHRF.segment_stats("ab", "abc");
        let counts = |hypothesis, reference, matched| NgramCounts {
            hypothesis,
            reference,
            matched,
        };
        assert_eq!(stats.chars[0], counts(2, 3, 2));
        assert_eq!(stats.chars[2], counts(0, 1, 0));
        let (precision, recall) = (1.0, (2.0 / 3.0 + 1.0 / 2.0) / 2.0);
        let f_score = 5.0 * precision * recall / (4.0 * precision + recall);
        check(Chrf::CHRF, "ab", "abc", 100.0 * f_score);
    }

    #[test]
    fn hypothesis_ngrams_count_only_where_the_reference_has_some() {
        let stats = Chrf::CHRF.segment_stats("abcdef", "ab");
        let counts = |hypothesis, reference, matched| NgramCounts {
            hypothesis,
            reference,
            matched,
        };
        assert_eq!(stats.chars[1], counts(5, 1, 1));
        assert_eq!(stats.chars[2], counts(0, 0, 0));
    }

    #[test]
    fn plus_plus_splits_one_punctuation_mark_off_words() {
        // Words: "(hi" ")" "there" "," "x" on both sides.
        let stats = Chrf::CHRF_PLUS_PLUS.segment_stats("(hi) there, x", "(hi) there , x");
        let counts = |n| NgramCounts {
            hypothesis: n,
            reference: n,
            matched: n,
        };
        assert_eq!(stats.words, [counts(5), counts(4)]);
    }

    #[test]
    fn names_and_signatures_follow_sacrebleu() {
        assert_eq!(Chrf::CHRF.name(), "chrF2");
        assert_eq!(Chrf::CHRF_PLUS_PLUS.name(), "chrF2++");
        assert_eq!(
            Chrf::CHRF_PLUS_PLUS.signature(),
            format!("nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:{SACREBLEU_VERSION}")
        );
        let too_long = ChrfConfig {
            char_order: 7,
            ..ChrfConfig::default()
        };
        assert!(Chrf::new(too_long).is_err());
    }
}

mod lines {
    use super::*;

    #[track_caller]
    fn check(text: &str, expected: &[&str]) {
        assert_eq!(split_segment_lines(text), expected, "lines of {text:?}");
    }

    #[test]
    fn split_as_sacrebleu_reads_files() {
        check("a\r\n b \n\nc", &["a", " b", "", "c"]);
        check("a\u{2028}b\n", &["a\u{2028}b"]);
        check("\n\n", &["", ""]);
        check("", &[]);
    }
}

mod bootstrap {
    use super::super::bootstrap::SplitMix64;
    use super::*;

    #[track_caller]
    fn check(baseline: &[(&str, &str)], system: &[(&str, &str)], config: BootstrapConfig) -> Comparison {
        let scorer = Scorer::new(&[MetricKind::Bleu, MetricKind::Chrf], Tokenizer::Mteval13a);
        let (baseline, system) = (stats_of(&scorer, baseline), stats_of(&scorer, system));
        let comparison = paired_bootstrap(&scorer, &baseline, &system, &config);
        assert_eq!(
            comparison,
            paired_bootstrap(&scorer, &baseline, &system, &config),
            "reproducible"
        );
        assert_eq!(comparison.n_samples, config.n_samples);
        for result in &comparison.metrics {
            assert!(is_close(result.difference, result.system - result.baseline));
            assert!(result.difference_low <= result.difference_high);
            assert!(result.p_value > 0.0 && result.p_value <= 1.0);
        }
        comparison
    }

    #[test]
    fn identical_systems_are_never_significantly_different() {
        let pairs: Vec<(&str, &str)> = REFERENCES
            .iter()
            .map(|&r| ("The build keeps every sentence.", r))
            .collect();
        let comparison = check(&pairs, &pairs, BootstrapConfig::default());
        for result in &comparison.metrics {
            assert_eq!(result.difference, 0.0);
            assert_eq!(result.p_value, 1.0);
        }
    }

    #[test]
    fn a_clearly_better_system_is_significant() {
        let references: Vec<&str> = REFERENCES.iter().cycle().take(60).copied().collect();
        let weak: Vec<(&str, &str)> = references
            .iter()
            .map(|&r| ("The build keeps every sentence.", r))
            .collect();
        let strong: Vec<(&str, &str)> = references.iter().map(|&r| (r, r)).collect();
        let config = BootstrapConfig {
            n_samples: 200,
            seed: 7,
        };
        let comparison = check(&weak, &strong, config);
        let bleu = comparison.metric(MetricKind::Bleu).expect("BLEU compared");
        assert!(is_close(bleu.system, 100.0));
        assert!(bleu.difference_low > 0.0);
        assert_eq!(bleu.p_value, 1.0 / 201.0);
    }

    #[test]
    fn splitmix64_follows_the_reference_sequence() {
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut rng = SplitMix64::new(7);
        assert!((0..1000).all(|_| rng.below(3) < 3));
    }
}

mod corpus {
    use super::*;

    fn chapter(path: &str, reference: Option<&[&str]>, systems: &[Option<&[&str]>]) -> ChapterSegments {
        let owned = |segments: &[&str]| segments.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        ChapterSegments {
            path: path.to_owned(),
            reference: reference.map(owned),
            systems: systems.iter().map(|segments| segments.map(owned)).collect(),
        }
    }

    #[track_caller]
    fn check_issues(report: &EvalReport, expected: &[Vec<ChapterIssue>]) {
        let issues: Vec<Vec<ChapterIssue>> = report.chapters.iter().map(ChapterReport::issues).collect();
        assert_eq!(issues, expected);
    }

    #[test]
    fn chapters_that_do_not_line_up_are_reported() {
        let chapters = [
            chapter("a.md", Some(&REFERENCES[..2]), &[Some(&REFERENCES[..2])]),
            chapter("b.md", Some(&REFERENCES[2..4]), &[None]),
            chapter("c.md", None, &[Some(&REFERENCES[4..])]),
            chapter("d.md", Some(&REFERENCES[4..]), &[Some(&REFERENCES[4..5])]),
        ];
        let report = evaluate(&chapters, &EvalConfig::default());
        check_issues(
            &report,
            &[
                vec![],
                vec![ChapterIssue::MissingInSystem { system: 0 }],
                vec![ChapterIssue::MissingReference],
                vec![ChapterIssue::SegmentCountMismatch {
                    system: 0,
                    n_reference: 2,
                    n_hypothesis: 1,
                }],
            ],
        );
        let bleu = |chapter: usize| report.chapters[chapter].scores[0].get(MetricKind::Bleu);
        assert!(bleu(0).is_some_and(|bleu| is_close(bleu, 100.0)));
        assert_eq!(bleu(1), Some(0.0));
        assert!(report.chapters[2].scores.is_empty());

        // The missing chapter counts as empty, the unreferenced one not at all.
        assert_eq!(report.n_segments, 6);
        let scorer = Scorer::new(&[MetricKind::Bleu], Tokenizer::Mteval13a);
        let corpus: SegmentStats = stats_of(
            &scorer,
            &[
                (REFERENCES[0], REFERENCES[0]),
                (REFERENCES[1], REFERENCES[1]),
                ("", REFERENCES[2]),
                ("", REFERENCES[3]),
                (REFERENCES[4], REFERENCES[4]),
                ("", REFERENCES[5]),
            ],
        )
        .into_iter()
        .sum();
        assert_eq!(report.corpus[0].bleu, Some(BleuScore::from_stats(&corpus.bleu)));
    }

    #[test]
    fn every_system_is_compared_with_the_first() {
        let chapters = [chapter(
            "a.md",
            Some(&REFERENCES),
            &[Some(&["nothing like it"; 6]), Some(&REFERENCES)],
        )];
        let report = evaluate(&chapters, &EvalConfig::default());
        check_issues(&report, &[vec![]]);
        assert_eq!(report.n_systems, 2);
        assert_eq!(report.comparisons.len(), 1);
        let chrf = report.comparisons[0].metric(MetricKind::Chrf).expect("chrF compared");
        assert!(is_close(chrf.system, 100.0));
        assert_eq!(Some(chrf.baseline), report.corpus[0].chrf);
    }

    #[test]
    fn table_lists_chapters_corpus_signatures_and_issues() {
        let chapters = [
            chapter("intro.md", Some(&REFERENCES[..2]), &[Some(&REFERENCES[..2])]),
            chapter("usage.md", Some(&REFERENCES[2..4]), &[None]),
        ];
        let config = EvalConfig {
            metrics: vec![MetricKind::Chrf],
            ..EvalConfig::default()
        };
        let report = evaluate(&chapters, &config);
        let corpus = Chrf::CHRF.corpus_score(
            REFERENCES[..2]
                .iter()
                .map(|&r| (r, r))
                .chain(REFERENCES[2..4].iter().map(|&r| ("", r))),
        );
        let expected = format!(
            "\
chapter   segments   chrF2
intro.md         2  100.00
usage.md         2    0.00
──────────────────────────
corpus           4   {corpus:.2}

chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:{SACREBLEU_VERSION} = {corpus:.2}

chapters that do not line up:
  usage.md: missing in the hypothesis: scored as an empty translation
"
        );
        assert_eq!(render_table(&report, &["hyp".to_owned()]), expected);
    }

    #[test]
    fn json_carries_the_baseline_scores_on_top() {
        let chapters = [chapter(
            "a.md",
            Some(&REFERENCES),
            &[Some(&REFERENCES), Some(&REFERENCES)],
        )];
        let report = evaluate(&chapters, &EvalConfig::default());
        let json = report_json(&report, &["one".to_owned(), "two".to_owned()]);
        let number = |value: &serde_json::Value| value.as_f64().unwrap_or(f64::NAN);
        assert!(is_close(number(&json["bleu"]), 100.0));
        assert!(is_close(number(&json["bleu_fraction"]), 1.0));
        assert!(is_close(number(&json["chrf"]), 100.0));
        assert_eq!(json["signatures"]["bleu"], Bleu::default().signature());
        assert_eq!(json["systems"][1]["label"], "two");
        assert!(is_close(number(&json["chapters"][0]["scores"][1]["chrf"]), 100.0));
        assert_eq!(json["comparisons"][0]["bleu"]["p_value"], 1.0);
    }
}
