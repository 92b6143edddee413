use proptest::prelude::*;

use super::split_sentences;
use crate::language::LanguageTag;

#[track_caller]
fn tag(language: &str) -> LanguageTag {
    language.parse().expect("a language tag")
}

/// Splits `text` and compares the sentences with `expected`; also checks that the ranges
/// are well formed.
#[track_caller]
fn check(language: &str, text: &str, expected: &[&str]) {
    let actual: Vec<&str> = split_sentences(text, &tag(language))
        .into_iter()
        .map(|range| &text[range])
        .collect();
    assert_eq!(actual, expected, "language {language:?}, text {text:?}");
    assert_well_formed(language, text);
}

/// Asserts that the ranges are ordered, non-empty, non-overlapping, trimmed, on character
/// boundaries, and leave out nothing but white space.
#[track_caller]
fn assert_well_formed(language: &str, text: &str) {
    let ranges = split_sentences(text, &tag(language));
    let mut covered = 0;
    for range in &ranges {
        assert!(
            covered <= range.start && range.start < range.end && range.end <= text.len(),
            "range {range:?} after byte {covered} in {text:?} ({language:?}): {ranges:?}"
        );
        assert!(
            text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
            "range {range:?} cuts a character in {text:?} ({language:?})"
        );
        let gap = &text[covered..range.start];
        assert!(
            gap.chars().all(char::is_whitespace),
            "{gap:?} left out of {text:?} ({language:?}): {ranges:?}"
        );
        let sentence = &text[range.clone()];
        assert_eq!(
            sentence,
            sentence.trim(),
            "untrimmed sentence in {text:?} ({language:?})"
        );
        covered = range.end;
    }
    let rest = &text[covered..];
    assert!(
        rest.chars().all(char::is_whitespace),
        "{rest:?} left out of {text:?} ({language:?}): {ranges:?}"
    );
}

const LANGUAGES: &[&str] = &["en", "en-US", "zh", "ja", "es", "de", "fr", "xx", "und"];

// ---------------------------------------------------------------- structure

#[test]
fn empty_and_white_space_text_has_no_sentence() {
    check("en", "", &[]);
    check("en", "   ", &[]);
    check("zh", "\n \t\u{3000}", &[]);
}

#[test]
fn text_without_boundary_is_one_sentence() {
    check(
        "en",
        "Just one sentence without a stop",
        &["Just one sentence without a stop"],
    );
    check("zh", "没有句号的文本", &["没有句号的文本"]);
    check("en", "Done.", &["Done."]);
}

#[test]
fn sentences_are_trimmed() {
    check("en", "  First one.   Second one.  ", &["First one.", "Second one."]);
    check("en", "First line.\nSecond line.", &["First line.", "Second line."]);
    check("zh", "第一句。 第二句。", &["第一句。", "第二句。"]);
}

#[test]
fn piece_without_words_joins_its_neighbour() {
    check("zh", "完成了。 **", &["完成了。 **"]);
    check("zh", "。你好。再见。", &["。你好。", "再见。"]);
    check("en", "Done. Next。 **", &["Done.", "Next。 **"]);
}

#[test]
fn language_code_uses_primary_subtag() {
    check("en-US", "Dr. Who is here. Go.", &["Dr. Who is here.", "Go."]);
    check("EN-gb", "See Fig. 2. Go.", &["See Fig. 2.", "Go."]);
    check("zh-TW", "這是第一句。這是第二句。", &["這是第一句。", "這是第二句。"]);
    check("es-MX", "Hola. Adiós.", &["Hola.", "Adiós."]);
}

// ---------------------------------------------------------------- English

#[test]
fn period_before_capital_splits() {
    check(
        "en",
        "Hello world. This is a test.",
        &["Hello world.", "This is a test."],
    );
}

#[test]
fn question_and_exclamation_marks_split() {
    check(
        "en",
        "Is it ready? Yes! Ship it.",
        &["Is it ready?", "Yes!", "Ship it."],
    );
    check("en", "Really?! We shipped it.", &["Really?!", "We shipped it."]);
    check("en", "Wow!!! That worked.", &["Wow!!!", "That worked."]);
}

#[test]
fn lowercase_word_after_period_continues_sentence() {
    check("en", "Call foo. then bar.", &["Call foo. then bar."]);
    check(
        "en",
        "First part. second part without end",
        &["First part. second part without end"],
    );
    check(
        "en",
        "First part. Second part without end",
        &["First part.", "Second part without end"],
    );
}

#[test]
fn period_without_following_space_does_not_split() {
    check("en", "It failed.Then it worked.", &["It failed.Then it worked."]);
}

#[test]
fn symbol_after_period_does_not_split() {
    check(
        "en",
        "It costs 5. $10 was too much.",
        &["It costs 5. $10 was too much."],
    );
}

#[test]
fn latin_abbreviations_do_not_split() {
    check(
        "en",
        "Use a crate, e.g. Serde, for this.",
        &["Use a crate, e.g. Serde, for this."],
    );
    check(
        "en",
        "It is moved, i.e. Rust transfers it.",
        &["It is moved, i.e. Rust transfers it."],
    );
    check("en", "E.g. This works. Next one.", &["E.g. This works.", "Next one."]);
    check(
        "en",
        "Rust vs. Go is a common question.",
        &["Rust vs. Go is a common question."],
    );
    check(
        "en",
        "This is faster (cf. Table 2). Try it.",
        &["This is faster (cf. Table 2).", "Try it."],
    );
}

#[test]
fn reference_abbreviations_do_not_split() {
    check("en", "See Fig. 3 for the plot.", &["See Fig. 3 for the plot."]);
    check(
        "en",
        "Compare Figs. 3 and 4. They differ.",
        &["Compare Figs. 3 and 4.", "They differ."],
    );
    check(
        "en",
        "Substitute Eq. (2) here. Then solve.",
        &["Substitute Eq. (2) here.", "Then solve."],
    );
    check(
        "en",
        "Read Sec. 2.1 and Ch. 4 first.",
        &["Read Sec. 2.1 and Ch. 4 first."],
    );
    check("en", "See p. 5 for details.", &["See p. 5 for details."]);
}

#[test]
fn abbreviations_ignore_case_where_sensible() {
    check("en", "See FIG. 2 and fig. 3.", &["See FIG. 2 and fig. 3."]);
    // "Ms." is a title, "ms." is milliseconds.
    check("en", "Ask Ms. Lee.", &["Ask Ms. Lee."]);
    check(
        "en",
        "It takes 5 ms. Then it returns.",
        &["It takes 5 ms.", "Then it returns."],
    );
    // "Sec." is a section, "sec." before a word is seconds.
    check("en", "Wait 5 sec. Then retry.", &["Wait 5 sec.", "Then retry."]);
}

#[test]
fn et_al_does_not_split() {
    check(
        "en",
        "Vaswani et al. (2017) proposed it.",
        &["Vaswani et al. (2017) proposed it."],
    );
    check(
        "en",
        "Work by Li et al. Changed the field.",
        &["Work by Li et al. Changed the field."],
    );
}

#[test]
fn titles_do_not_split() {
    check(
        "en",
        "Mr. Smith met Mrs. Jones and Dr. Lee with Prof. Chen.",
        &["Mr. Smith met Mrs. Jones and Dr. Lee with Prof. Chen."],
    );
}

#[test]
fn no_is_an_abbreviation_only_before_a_number() {
    check("en", "Pick No. 5 from the list.", &["Pick No. 5 from the list."]);
    check(
        "en",
        "The answer is no. Then we stop.",
        &["The answer is no.", "Then we stop."],
    );
    check("en", "No. That is wrong.", &["No.", "That is wrong."]);
}

#[test]
fn approx_resp_incl_do_not_split() {
    check(
        "en",
        "It takes approx. 5 seconds. It is fast.",
        &["It takes approx. 5 seconds.", "It is fast."],
    );
    check("en", "Use 2 resp. 3 threads.", &["Use 2 resp. 3 threads."]);
    check(
        "en",
        "All files incl. README are copied.",
        &["All files incl. README are copied."],
    );
}

#[test]
fn etc_splits_only_before_capital() {
    check(
        "en",
        "We need apples, pears, etc. Then we bake.",
        &["We need apples, pears, etc.", "Then we bake."],
    );
    check(
        "en",
        "Apples, pears, etc. are fruit.",
        &["Apples, pears, etc. are fruit."],
    );
    check(
        "en",
        "Use tabs, spaces, etc. 3 kinds in all.",
        &["Use tabs, spaces, etc. 3 kinds in all."],
    );
    check(
        "en",
        "Apples, pears, etc.) Then more.",
        &["Apples, pears, etc.)", "Then more."],
    );
}

#[test]
fn initials_do_not_split() {
    check(
        "en",
        "J. R. R. Tolkien wrote it. He was a professor.",
        &["J. R. R. Tolkien wrote it.", "He was a professor."],
    );
    check("en", "John F. Kennedy spoke.", &["John F. Kennedy spoke."]);
}

#[test]
fn single_capital_never_ends_sentence() {
    // Read as an initial even where it is a label; splitting "J. Smith" would be worse.
    check(
        "en",
        "This defines term A. Text follows.",
        &["This defines term A. Text follows."],
    );
}

#[test]
fn single_lowercase_letter_can_end_sentence() {
    check(
        "en",
        "Let the result be x. Then add one.",
        &["Let the result be x.", "Then add one."],
    );
}

#[test]
fn dotted_and_spaced_abbreviations_do_not_split() {
    check("en", "Made in the U.S. Army labs.", &["Made in the U.S. Army labs."]);
    check(
        "en",
        "Use a tool, e. g. Cargo, to build.",
        &["Use a tool, e. g. Cargo, to build."],
    );
}

#[test]
fn decimals_and_versions_do_not_split() {
    check(
        "en",
        "Pi is about 3.14 in most tests.",
        &["Pi is about 3.14 in most tests."],
    );
    check(
        "en",
        "The value is 3.14. Next comes e.",
        &["The value is 3.14.", "Next comes e."],
    );
    check(
        "en",
        "Install v0.5.4 or 1.2.3 today. It is stable.",
        &["Install v0.5.4 or 1.2.3 today.", "It is stable."],
    );
    check(
        "en",
        "We released 1.2.3. It is stable.",
        &["We released 1.2.3.", "It is stable."],
    );
}

#[test]
fn file_names_and_domains_do_not_split() {
    check(
        "en",
        "Open main.rs and visit example.com for more.",
        &["Open main.rs and visit example.com for more."],
    );
    check(
        "en",
        "Edit src/lib.rs. Then run the tests.",
        &["Edit src/lib.rs.", "Then run the tests."],
    );
}

#[test]
fn ellipsis_splits_only_before_capital() {
    check("en", "Wait... then it worked.", &["Wait... then it worked."]);
    check("en", "Wait... Then it worked.", &["Wait...", "Then it worked."]);
    check("en", "Wait… then it worked.", &["Wait… then it worked."]);
    check("en", "Wait… Then it worked.", &["Wait…", "Then it worked."]);
}

#[test]
fn closing_quotes_and_brackets_stay_with_sentence() {
    check(
        "en",
        "He said \"Stop.\" Then he left.",
        &["He said \"Stop.\"", "Then he left."],
    );
    check(
        "en",
        "He said “Stop.” Then he left.",
        &["He said “Stop.”", "Then he left."],
    );
    check("en", "(See below.) Next we build.", &["(See below.)", "Next we build."]);
    check("en", "\"Stop!\" he said.", &["\"Stop!\" he said."]);
}

#[test]
fn opening_quotes_and_brackets_start_sentence() {
    check(
        "en",
        "It failed. (The log says why.)",
        &["It failed.", "(The log says why.)"],
    );
    check(
        "en",
        "It failed. \"Why?\" she asked.",
        &["It failed.", "\"Why?\" she asked."],
    );
}

#[test]
fn numbers_after_period_split() {
    check("en", "Step 1. Open the file.", &["Step 1.", "Open the file."]);
    check(
        "en",
        "It ended in 2019. 2020 was new.",
        &["It ended in 2019.", "2020 was new."],
    );
}

#[test]
fn cjk_stop_splits_in_english_text() {
    check("en", "Done。Next.", &["Done。", "Next."]);
}

// ---------------------------------------------------------------- inline objects

#[test]
fn object_replacement_reads_as_word() {
    check(
        "en",
        "Run \u{FFFC} now. Then stop.",
        &["Run \u{FFFC} now.", "Then stop."],
    );
    check("en", "See \u{FFFC}. It works.", &["See \u{FFFC}.", "It works."]);
    check("en", "Call \u{FFFC}? Yes.", &["Call \u{FFFC}?", "Yes."]);
    check("en", "\u{FFFC}", &["\u{FFFC}"]);
}

#[test]
fn object_replacement_can_start_sentence() {
    check(
        "en",
        "It returns. \u{FFFC} is the result.",
        &["It returns.", "\u{FFFC} is the result."],
    );
    check(
        "en",
        "Use \u{FFFC}, e.g. \u{FFFC} here.",
        &["Use \u{FFFC}, e.g. \u{FFFC} here."],
    );
}

#[test]
fn object_replacement_in_chinese() {
    check(
        "zh",
        "运行 \u{FFFC}。然后检查 \u{FFFC} 的输出。",
        &["运行 \u{FFFC}。", "然后检查 \u{FFFC} 的输出。"],
    );
}

// ---------------------------------------------------------------- Chinese

#[test]
fn chinese_stops_split_without_space() {
    check(
        "zh",
        "今天天气很好。我们去公园吧！你去吗？",
        &["今天天气很好。", "我们去公园吧！", "你去吗？"],
    );
}

#[test]
fn chinese_combined_marks_stay_together() {
    check("zh", "真的吗？！太好了。", &["真的吗？！", "太好了。"]);
    check("zh", "什么！？不可能。", &["什么！？", "不可能。"]);
}

#[test]
fn chinese_ellipsis_splits() {
    check("zh", "他想了想……然后走了。", &["他想了想……", "然后走了。"]);
    check("zh", "等一下⋯⋯好了。", &["等一下⋯⋯", "好了。"]);
    check("zh", "苹果、香蕉……，都很好吃。", &["苹果、香蕉……，都很好吃。"]);
}

#[test]
fn chinese_closing_quotes_and_brackets_stay_with_sentence() {
    check(
        "zh",
        "他说：“我们走吧。”然后离开了。",
        &["他说：“我们走吧。”", "然后离开了。"],
    );
    check("zh", "（见图 3。）下面开始。", &["（见图 3。）", "下面开始。"]);
    check("zh", "「好的。」他回答。", &["「好的。」", "他回答。"]);
    check("zh", "【注意！】请备份。", &["【注意！】", "请备份。"]);
    check("zh", "他读了《三体》。很好看。", &["他读了《三体》。", "很好看。"]);
}

#[test]
fn chinese_commas_and_semicolons_do_not_split() {
    check("zh", "第一，第二；第三：完成。", &["第一，第二；第三：完成。"]);
}

#[test]
fn chinese_decimals_and_versions_do_not_split() {
    check("zh", "圆周率约为 3.14，很常用。", &["圆周率约为 3.14，很常用。"]);
    check("zh", "版本 1.2.3 已发布。", &["版本 1.2.3 已发布。"]);
}

#[test]
fn ascii_stops_in_chinese_split_before_space() {
    check("zh", "我们用 Rust. 它很快。", &["我们用 Rust.", "它很快。"]);
    check("zh", "这是 Rust! 真快。", &["这是 Rust!", "真快。"]);
    check("zh", "用 Rust.它很快。", &["用 Rust.它很快。"]);
    check(
        "zh",
        "运行 cargo build. rustc 会编译。",
        &["运行 cargo build. rustc 会编译。"],
    );
    check("zh", "如 Fig. 3 所示。", &["如 Fig. 3 所示。"]);
}

// ---------------------------------------------------------------- Japanese

#[test]
fn japanese_stops_split() {
    check(
        "ja",
        "今日は晴れです。散歩に行きましょう！",
        &["今日は晴れです。", "散歩に行きましょう！"],
    );
    check("ja", "はい｡いいえ｡", &["はい｡", "いいえ｡"]);
    check("ja", "えっと……わかった。", &["えっと……", "わかった。"]);
}

#[test]
fn japanese_full_width_period() {
    check("ja", "これは例です．次の例です．", &["これは例です．", "次の例です．"]);
    check("ja", "値は３．１４です。", &["値は３．１４です。"]);
}

#[test]
fn japanese_quotative_particle_continues_sentence() {
    check(
        "ja",
        "「行きます。」と彼は言った。次へ。",
        &["「行きます。」と彼は言った。", "次へ。"],
    );
    check("ja", "彼は「本当？」って聞いた。", &["彼は「本当？」って聞いた。"]);
    check("ja", "「はい。」次へ。", &["「はい。」", "次へ。"]);
}

// ---------------------------------------------------------------- Spanish

#[test]
fn spanish_inverted_marks_start_sentence() {
    check("es", "¿Qué hora es? Son las tres.", &["¿Qué hora es?", "Son las tres."]);
    check("es", "¡Hola! ¿Cómo estás? Bien.", &["¡Hola!", "¿Cómo estás?", "Bien."]);
    check("es", "Hola. ¿Qué tal?", &["Hola.", "¿Qué tal?"]);
    check("es", "Bien. ¿y tú?", &["Bien.", "¿y tú?"]);
}

#[test]
fn spanish_question_inside_sentence() {
    check(
        "es",
        "Si vienes, ¿me avisas? Gracias.",
        &["Si vienes, ¿me avisas?", "Gracias."],
    );
    check("es", "¿Vienes?, preguntó.", &["¿Vienes?, preguntó."]);
}

#[test]
fn spanish_titles_do_not_split() {
    check(
        "es",
        "El Sr. García y la Sra. López llegaron.",
        &["El Sr. García y la Sra. López llegaron."],
    );
    check(
        "es",
        "La Srta. Ruiz, el Dr. Pérez y la Dra. Gil.",
        &["La Srta. Ruiz, el Dr. Pérez y la Dra. Gil."],
    );
    check("es", "Ud. Y Uds. Siempre.", &["Ud. Y Uds. Siempre."]);
}

#[test]
fn spanish_reference_abbreviations_do_not_split() {
    check("es", "Vea la pág. 5 y el núm. 3.", &["Vea la pág. 5 y el núm. 3."]);
    check("es", "Vea las págs. 10 y 11.", &["Vea las págs. 10 y 11."]);
    check("es", "Ver vol. 2, cap. 3 y fig. 4.", &["Ver vol. 2, cap. 3 y fig. 4."]);
    check(
        "es",
        "Tarda aprox. 5 minutos. Luego sigue.",
        &["Tarda aprox. 5 minutos.", "Luego sigue."],
    );
}

#[test]
fn spanish_p_ej_does_not_split() {
    check(
        "es",
        "Use una herramienta, p. ej. Cargo, para compilar.",
        &["Use una herramienta, p. ej. Cargo, para compilar."],
    );
}

#[test]
fn spanish_etc_splits_only_before_capital() {
    check(
        "es",
        "Frutas, verduras, etc. Luego el postre.",
        &["Frutas, verduras, etc.", "Luego el postre."],
    );
    check(
        "es",
        "Frutas, verduras, etc. son sanas.",
        &["Frutas, verduras, etc. son sanas."],
    );
}

#[test]
fn spanish_ordinals_do_not_split() {
    check(
        "es",
        "Es el 1.º de la lista. Luego viene el 2.º lugar.",
        &["Es el 1.º de la lista.", "Luego viene el 2.º lugar."],
    );
    check(
        "es",
        "La 1.ª edición salió. La 2.ª también.",
        &["La 1.ª edición salió.", "La 2.ª también."],
    );
}

#[test]
fn spanish_number_sign_does_not_split() {
    check("es", "Vea el n.º 5. Luego siga.", &["Vea el n.º 5.", "Luego siga."]);
}

#[test]
fn spanish_no_is_a_word() {
    check("es", "Dijo que no. Luego se fue.", &["Dijo que no.", "Luego se fue."]);
}

#[test]
fn spanish_country_abbreviation_does_not_split() {
    check(
        "es",
        "Los EE. UU. tienen 50 estados.",
        &["Los EE. UU. tienen 50 estados."],
    );
}

#[test]
fn spanish_dialogue_dash_starts_sentence() {
    check(
        "es",
        "Dijo adiós. —Hasta luego —respondió.",
        &["Dijo adiós.", "—Hasta luego —respondió."],
    );
}

// ---------------------------------------------------------------- German and French

#[test]
fn german_abbreviations_and_ordinals_do_not_split() {
    check(
        "de",
        "Das ist z. B. gut. Dann geht es weiter.",
        &["Das ist z. B. gut.", "Dann geht es weiter."],
    );
    check("de", "Am 3. Oktober ist Feiertag.", &["Am 3. Oktober ist Feiertag."]);
    check(
        "de",
        "Siehe Abb. 3 und Nr. 5 im Anhang. Danach folgt mehr.",
        &["Siehe Abb. 3 und Nr. 5 im Anhang.", "Danach folgt mehr."],
    );
    // A short number before a period reads as an ordinal, even at the end of a sentence.
    check("de", "Das sind 3. Dann weiter.", &["Das sind 3. Dann weiter."]);
    check(
        "de",
        "Er rief „Halt!“ Dann ging er.",
        &["Er rief „Halt!“", "Dann ging er."],
    );
}

#[test]
fn french_spaced_punctuation() {
    check(
        "fr",
        "Il a dit « Arrête. » Puis il est parti.",
        &["Il a dit « Arrête. »", "Puis il est parti."],
    );
    check("fr", "Vraiment ? Oui.", &["Vraiment ?", "Oui."]);
    check(
        "fr",
        "Il part. « Bonjour ! » dit-il.",
        &["Il part.", "« Bonjour ! » dit-il."],
    );
    check("fr", "Voir la fig. 2 et M. Dupont.", &["Voir la fig. 2 et M. Dupont."]);
}

// ---------------------------------------------------------------- other languages

#[test]
fn unknown_language_uses_generic_rules() {
    check("xx", "Hello. World.", &["Hello.", "World."]);
    check("und", "Hello. World.", &["Hello.", "World."]);
    check("xx", "Done. then more.", &["Done. then more."]);
    // No abbreviation table: a period before a number splits.
    check("it", "Vedi Fig. 3 ora.", &["Vedi Fig.", "3 ora."]);
    // Dotted abbreviations and initials need no table.
    check("pt", "Use, e.g. Python, aqui.", &["Use, e.g. Python, aqui."]);
}

#[test]
fn unknown_language_keeps_cjk_rules() {
    check("xx", "你好。再见。", &["你好。", "再见。"]);
    // Only Chinese and Japanese read a lone ellipsis pair as a stop.
    check("xx", "等等……好的。", &["等等……好的。"]);
}

#[test]
fn other_scripts_split() {
    check("ko", "안녕하세요. 반갑습니다.", &["안녕하세요.", "반갑습니다."]);
    check("ru", "Привет. Как дела? Хорошо.", &["Привет.", "Как дела?", "Хорошо."]);
    check("hi", "यह है। वह है।", &["यह है।", "वह है।"]);
    check("ar", "هل أنت بخير؟ نعم.", &["هل أنت بخير؟", "نعم."]);
}

// ---------------------------------------------------------------- invariants

#[test]
fn ranges_are_well_formed_for_odd_inputs() {
    let texts = [
        "",
        " ",
        "...",
        "?!?! ... !!!",
        "。。。",
        "」。」",
        ". A",
        "。",
        "¿¡",
        "¿",
        "Done. ¿",
        "Done. \"",
        "Done. »",
        "\u{FFFC}\u{FFFC}. \u{FFFC}",
        "..\u{FFFC}..",
        "🎉. 🎉! 👍🏽 Done. 🇯🇵。🇯🇵",
        "Ünïcödé. Ärger? Ölig!",
        "Rust。Go. 中文! ¿Qué? «Oui.» ",
        "\u{3000}全角空格。\u{3000}",
        "a.b.c. . . D",
        "\n\n.\n",
        "e. g. x. Y. z.",
        "\u{00A0}nbsp.\u{00A0}Next\u{00A0}",
        "Ṩ̤̈. ǅ. ǈx.",
        "١٢٣. ٤٥٦.",
        "x .  . . .Y",
        "( ) [ ] 「 」 « »",
        ") Fine. ) Next",
    ];
    for language in LANGUAGES {
        for text in texts {
            assert_well_formed(language, text);
        }
    }
}

/// Pieces that exercise the rules when strung together at random.
const PIECES: &[&str] = &[
    " ", "  ", "\n", ".", "...", "…", "?", "!", "?!", "。", "！", "？", "……", "．", "，", ",", "\"", "”", "“", "»",
    "«", "(", ")", "「", "」", "¿", "¡", "—", "\u{FFFC}", "A", "b", "Z", "x", "3", "3.14", "e.g.", "etc.", "Fig.",
    "No.", "Sr.", "z. B.", "J.", "1.º", "中文", "と", "日本", "🎉", "\u{00A0}", "\u{3000}",
];

proptest! {
    #[test]
    fn ranges_are_well_formed_for_random_pieces(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..30),
        language in proptest::sample::select(LANGUAGES),
    ) {
        assert_well_formed(language, &pieces.concat());
    }

    #[test]
    fn ranges_are_well_formed_for_random_text(
        text in any::<String>(),
        language in proptest::sample::select(LANGUAGES),
    ) {
        assert_well_formed(language, &text);
    }
}
