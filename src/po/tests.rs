use super::*;
use crate::po::translation::translation_to_tagged;
use crate::po::translation::{ChangedLink, Piece, read_translation};
use crate::segment::SegmentOptions;
use crate::segment::extract_segments;

fn options() -> SegmentOptions {
    SegmentOptions {
        mathjax: true,
        dollar_math: true,
        source_language: "en".parse().expect("a language tag"),
        ..SegmentOptions::default()
    }
}

fn message(markdown: &str) -> Message {
    let chapter = extract_segments(markdown, &options());
    Message::of_unit(chapter.translatable_units().next().expect("a unit"), true)
}

/// Asserts the tagged text a translator's msgstr becomes for the source `markdown`.
#[track_caller]
fn check_import(markdown: &str, msgstr: &str, expected: Result<&str, &str>) {
    let actual = translation_to_tagged(&message(markdown), msgstr, &options());
    match (actual, expected) {
        (Ok(actual), Ok(expected)) => assert_eq!(actual, expected),
        (Err(actual), Err(needle)) => {
            let actual = actual.to_string();
            assert!(actual.contains(needle), "{actual:?} should contain {needle:?}");
        }
        (actual, expected) => panic!("{actual:?} but expected {expected:?}"),
    }
}

#[test]
fn msgids_are_markdown() {
    assert_eq!(message("Run `cargo build` *now*.").msgid, "Run `cargo build` *now*.");
}

#[test]
fn translations_map_onto_source_slots() {
    check_import(
        "Run `cargo build` *now*.",
        "*现在*运行 `cargo build`。",
        Ok("<g2>现在</g2>运行 <x1/>。"),
    );
    check_import(
        "See [one](https://a) and [two](https://b).",
        "Mira [dos](https://b) y [uno](https://a).",
        Ok("Mira <g2>dos</g2> y <g1>uno</g1>."),
    );
    check_import(
        "Run `cargo build` now.",
        "Ejecuta `cargo test` ya.",
        Err("the code span `cargo test` is not in the source"),
    );
    check_import(
        "Run `cargo build` now.",
        "Ejecuta ya.",
        Err("the code span `cargo build` is missing"),
    );
    check_import("Run `cargo build` now.", "Uno.\n\nDos.", Err("not one paragraph"));
    let source = message("Run `cargo build` now.");
    for (msgstr, reason) in [
        ("Uno.\n\nDos.", TranslationError::NotOneParagraph),
        (
            "Ejecuta `x` ya.",
            TranslationError::NotInSource(Piece::CodeSpan("`x`".to_string())),
        ),
        (
            "Ejecuta ya.",
            TranslationError::Missing(Piece::CodeSpan("`cargo build`".to_string())),
        ),
    ] {
        assert_eq!(
            translation_to_tagged(&source, msgstr, &options()),
            Err(reason),
            "{msgstr}"
        );
    }
    let name = Message::of_name("Intro");
    assert_eq!(
        translation_to_tagged(&name, "In\ntro", &options()),
        Err(TranslationError::NameOverSeveralLines)
    );
}

#[test]
fn a_refusal_names_the_missing_or_extra_piece_as_a_translator_sees_it() {
    for (source, msgstr, reason) in [
        (
            "Take a `&str` here.",
            "Nimm hier einen.",
            "the code span `&str` is missing",
        ),
        (
            "See [the details](second.html#details) first.",
            "Lies zuerst die Einzelheiten.",
            "the link to `second.html#details` is missing",
        ),
        (
            "Read [the docs][std] now.\n\n[std]: https://doc.rust-lang.org\n",
            "Lies die Doku.",
            "the link to `[std]` is missing",
        ),
        (
            "Skip this <!-- ignore --> part.",
            "Überspringe diesen Teil.",
            "the comment `<!-- ignore -->` is missing",
        ),
        ("It *really* works.", "Es geht.", "the emphasis `*…*` is missing"),
        (
            "It **really** works.",
            "Es geht.",
            "the strong emphasis `**…**` is missing",
        ),
        (
            "Press <kbd>Enter</kbd> now.",
            "Drücke Enter.",
            "the HTML `<kbd>Enter</kbd>` is missing",
        ),
        (
            "The mean \\\\( \\mu \\\\) here.",
            "Der Mittelwert.",
            "the math `\\\\( \\mu \\\\)` is missing",
        ),
        (
            "Visit <https://example.com> now.",
            "Besuche sie.",
            "the URL `<https://example.com>` is missing",
        ),
        (
            "A fact.[^1]\n\n[^1]: The note.\n",
            "Eine Tatsache.",
            "the footnote reference `[^1]` is missing",
        ),
        (
            "Use `a` once.",
            "Nimm `a` und `a`.",
            "the code span `a` is there more often than in the source",
        ),
        (
            "Use `a` once.",
            "Nimm `a` und <b>b</b>.",
            "the HTML `<b>` is not in the source",
        ),
    ] {
        let error = read_translation(&message(source), msgstr, &options()).expect_err(source);
        assert_eq!(error.to_string(), reason, "{source} → {msgstr}");
    }
}

#[test]
fn a_changed_link_destination_is_reported_and_the_source_one_kept() {
    let translation = read_translation(
        &message("See [the details](second.html#details) first."),
        "Lies zuerst [die Einzelheiten](zweite.html#einzelheiten).",
        &options(),
    )
    .expect("imported");
    assert_eq!(translation.tagged, "Lies zuerst <g1>die Einzelheiten</g1>.");
    assert_eq!(
        translation.changed_links,
        [ChangedLink {
            source: Piece::Link("second.html#details".to_string()),
            translation: "zweite.html#einzelheiten".to_string(),
        }]
    );
    let same = read_translation(
        &message("See [the details](second.html#details \"Title\") first."),
        "Lies zuerst [die Einzelheiten](second.html#details \"Titel\").",
        &options(),
    )
    .expect("imported");
    assert_eq!(same.changed_links, [], "a title is not a destination");
}

#[test]
fn reference_links_and_footnotes_import_without_their_definitions() {
    let chapter = "We use [Rust] and [the docs][std].[^note]\n\n[rust]: https://rust-lang.org\n[std]: https://doc.rust-lang.org\n\n[^note]: A note.\n";
    let source = {
        let segments = extract_segments(chapter, &options());
        Message::of_unit(segments.translatable_units().next().expect("a unit"), true)
    };
    assert_eq!(source.msgid, "We use [Rust][Rust] and [the docs][std].[^note]");
    let tagged = translation_to_tagged(&source, "我们用 [Rust][Rust] 和[文档][std]。[^note]", &options());
    assert_eq!(tagged.as_deref(), Ok("我们用 <g1>Rust</g1> 和<g2>文档</g2>。<x3/>"));
}

#[test]
fn units_without_markup_are_read_as_markdown_too() {
    // The msgid escapes markdown; the translation is read back the same way.
    for markdown in ["Multiply 2 \\* 3 now.", "Use a_b and c.", "Costs 5 < 6 & so on."] {
        let message = message(markdown);
        assert!(message.slots.is_empty(), "{markdown}");
        assert_eq!(
            translation_to_tagged(&message, &message.msgid, &options()),
            Ok(message.tagged.clone()),
            "{markdown}"
        );
    }
    check_import("Use a_b and c.", "Usa a\\_b y c.", Ok("Usa a_b y c."));
    // Names are plain text.
    let name = Message::of_name("a_b & *c*");
    assert_eq!(
        translation_to_tagged(&name, "a_b & *c*", &options()),
        Ok(name.tagged.clone())
    );
}

mod merge_and_import {
    use super::options;
    use crate::collect::{BookTexts, collect_book};
    use crate::language::LanguageTag;
    use crate::po::file::{PoEntry, parse_po, po_file_text};
    use crate::po::import::{machine_comment, machine_origin, plan_import};
    use crate::po::merge::{MergeOptions, merge_book};
    use crate::po::{Message, book_messages};
    use crate::store::{Languages, Origin, Record};
    use mdbook_preprocessor::book::{Book, BookItem, Chapter};

    fn messages(markdown: &str) -> Vec<(Message, Vec<String>)> {
        let mut book = Book::new();
        let mut chapter = Chapter::new("One", markdown.to_string(), "one.md", Vec::new());
        chapter.source_path = Some("one.md".into());
        book.push_item(BookItem::Chapter(chapter));
        let collected = collect_book(&book, &BookTexts::default(), &options());
        book_messages(&collected, true)
            .into_iter()
            .filter(|(message, _)| !message.plain)
            .collect()
    }

    const MERGE: MergeOptions = MergeOptions {
        keep_obsolete: true,
        escape_dollar: true,
    };

    fn entry<'a>(file: &'a rspolib::POFile, msgid: &str) -> &'a PoEntry {
        file.entries.iter().find(|e| e.msgid == msgid).expect("an entry")
    }

    const OLD: &str = "# Team header\nmsgid \"\"\nmsgstr \"Language: es\\n\"\n\n# keep this note\n#: one.md\nmsgid \"The cat sleeps.\"\nmsgstr \"El gato duerme.\"\n\n#: one.md\nmsgid \"The dog barks at night.\"\nmsgstr \"El perro ladra de noche.\"\n\n#: one.md\nmsgid \"Nothing like this remains.\"\nmsgstr \"Nada queda.\"\n";

    #[test]
    fn an_edited_sentence_comes_back_fuzzy_and_a_removed_one_obsolete() {
        let existing = parse_po(OLD).expect("parses");
        let messages = messages("The cat sleeps. The dog barks at midnight.\n");
        let merged = merge_book(Some(existing), "es", &messages, &|_| None, &|_| false, MERGE);
        let (file, report) = (merged.file, merged.report);
        let kept = entry(&file, "The cat sleeps.");
        assert_eq!(kept.msgstr.as_deref(), Some("El gato duerme."));
        assert_eq!(kept.tcomment.as_deref(), Some("keep this note"));
        let edited = entry(&file, "The dog barks at midnight.");
        assert!(edited.fuzzy());
        assert_eq!(edited.previous_msgid.as_deref(), Some("The dog barks at night."));
        assert_eq!(edited.msgstr.as_deref(), Some("El perro ladra de noche."));
        let gone = entry(&file, "Nothing like this remains.");
        assert!(gone.obsolete);
        assert_eq!(
            (report.n_carried_over, report.n_obsolete, report.n_translated),
            (1, 1, 1)
        );
        let text = po_file_text(&file);
        assert!(text.starts_with("# Team header\n"), "{text}");
        assert!(text.contains("#| msgid \"The dog barks at night.\""), "{text}");
        assert!(text.contains("#~ msgid \"Nothing like this remains.\""), "{text}");
        let merged = merge_book(
            parse_po(OLD).ok(),
            "es",
            &messages,
            &|_| None,
            &|_| false,
            MergeOptions {
                keep_obsolete: false,
                ..MERGE
            },
        );
        assert!(!merged.file.entries.iter().any(|e| e.obsolete));
        assert_eq!(merged.report.n_dropped, 1);
    }

    #[test]
    fn machine_output_is_exported_fuzzy_with_its_origin_and_imported_back() {
        let messages = messages("Run `cargo build` *now*.\n");
        let record = Record::new(
            &messages[0].0.tagged,
            "<g2>Ahora</g2> ejecuta <x1/>.",
            Origin::Act,
            "act/book-es@3",
        );
        let merged = merge_book(None, "es", &messages, &|_| Some(record.clone()), &|_| false, MERGE);
        let (file, report) = (merged.file, merged.report);
        let exported = &file.entries[0];
        assert!(exported.fuzzy());
        assert_eq!(exported.msgstr.as_deref(), Some("*Ahora* ejecuta `cargo build`."));
        assert_eq!(exported.comment.as_deref(), Some("machine: act, profile act/book-es@3"));
        assert_eq!(
            machine_origin(exported),
            Some((Origin::Act, "act/book-es@3".to_string()))
        );
        assert_eq!(report.n_machine, 1);
        let (source, target): (LanguageTag, LanguageTag) = ("en".parse().expect("tag"), "es".parse().expect("tag"));
        let languages = Languages {
            source: &source,
            target: &target,
        };
        let reread = parse_po(&po_file_text(&file)).expect("parses");
        let plan = plan_import(&reread, &messages, &Default::default(), languages, &options());
        assert_eq!(plan.report.n_machine, 1);
        let (_, imported) = &plan.records[0];
        assert_eq!(
            (imported.origin, imported.profile.as_str(), imported.text.as_str()),
            (Origin::Act, "act/book-es@3", record.text.as_str())
        );
        assert_eq!(machine_comment(imported), "machine: act, profile act/book-es@3");
    }

    #[test]
    fn entries_emptied_fuzzied_or_removed_are_withdrawn() {
        let messages = messages("One here. Two here. Three here. Four here.\n");
        let text = "msgid \"\"\nmsgstr \"Language: es\\n\"\n\nmsgid \"One here.\"\nmsgstr \"Uno.\"\n\nmsgid \"Two here.\"\nmsgstr \"\"\n\n#, fuzzy\nmsgid \"Three here.\"\nmsgstr \"Tres.\"\n";
        let (source, target): (LanguageTag, LanguageTag) = ("en".parse().expect("tag"), "es".parse().expect("tag"));
        let languages = Languages {
            source: &source,
            target: &target,
        };
        let plan = plan_import(
            &parse_po(text).expect("parses"),
            &messages,
            &Default::default(),
            languages,
            &options(),
        );
        assert_eq!(
            (plan.report.n_human, plan.report.n_untranslated, plan.report.n_fuzzy),
            (1, 1, 1)
        );
        let withdrawn: Vec<_> = ["Two here.", "Three here.", "Four here."]
            .iter()
            .map(|t| languages.key(t))
            .collect();
        assert_eq!(plan.withdrawn, withdrawn);
    }
}

mod blocks {
    use super::options;
    use crate::po::blocks::{BlockTranslation, map_block, without_alert_marker};
    use crate::segment::extract_segments;

    /// Maps `msgstr` onto the units of the source block `msgid`.
    #[track_caller]
    fn check_block(msgid: &str, msgstr: &str, expected: BlockTranslation) {
        let units = extract_segments(msgid, &options()).segments[0].units.clone();
        let target = "de".parse().expect("a tag");
        assert_eq!(
            map_block(&units, msgstr, &target, &options()),
            Ok((expected, Vec::new()))
        );
    }

    #[test]
    fn a_block_with_as_many_sentences_is_stored_by_sentence() {
        check_block(
            "Run `a` now. It *works*.",
            "Führe `a` aus. Es *geht*.",
            BlockTranslation::Sentences(vec![
                ("Run <x1/> now.".to_string(), "Führe <x1/> aus.".to_string()),
                ("It <g1>works</g1>.".to_string(), "Es <g1>geht</g1>.".to_string()),
            ]),
        );
    }

    #[test]
    fn a_block_with_other_sentences_is_stored_whole() {
        check_block(
            "Run `a` now. It *works*.",
            "Führe `a` aus, es *geht*.",
            BlockTranslation::Whole(
                "Run <x1/> now. It <g2>works</g2>.".to_string(),
                "Führe <x1/> aus, es <g2>geht</g2>.".to_string(),
            ),
        );
    }

    #[test]
    fn the_alert_marker_of_mdbook_xgettext_is_not_text() {
        assert_eq!(without_alert_marker("\\[!NOTE\\] Text."), "Text.");
        assert_eq!(without_alert_marker("[!tip] Text."), "Text.");
        assert_eq!(without_alert_marker("Text [!NOTE]."), "Text [!NOTE].");
    }
}

mod definition_lists {
    use super::options;
    use crate::collect::{BookTexts, collect_book};
    use crate::po::blocks::{BlockTranslation, BookBlocks, map_blocks};
    use crate::po::translation::TranslationError;
    use mdbook_preprocessor::book::{Book, BookItem, Chapter};

    const CHAPTER: &str = "term A\n  : This is a definition of term A. Text\n    can span multiple lines.\n\nterm B\n  : This is the second term. It matters.\n  : A second *one*.\n";

    fn book_blocks() -> BookBlocks {
        let mut book = Book::new();
        book.push_item(BookItem::Chapter(Chapter::new(
            "One",
            CHAPTER.to_string(),
            "one.md",
            Vec::new(),
        )));
        BookBlocks::of_book(&collect_book(&book, &BookTexts::default(), &options()))
    }

    #[test]
    fn a_definition_list_message_of_mdbook_xgettext_maps_onto_its_term_and_definitions() {
        let blocks = book_blocks();
        // As mdbook-xgettext writes them: the lines joined by spaces.
        let message = "term B : This is the second term. It matters. : A second *one*.";
        let parts = blocks
            .blocks_of(message, &options())
            .expect("the term and its definitions");
        assert_eq!(parts.len(), 3);
        let target = "de".parse().expect("a tag");
        let mapped = map_blocks(
            &parts,
            "Begriff B : Das ist der zweite, er zählt. : Eine *zweite*.",
            &target,
            &options(),
        )
        .expect("mapped");
        assert_eq!(
            mapped.blocks,
            [
                BlockTranslation::Sentences(vec![("term B".to_string(), "Begriff B".to_string())]),
                BlockTranslation::Whole(
                    "This is the second term. It matters.".to_string(),
                    "Das ist der zweite, er zählt.".to_string()
                ),
                BlockTranslation::Sentences(vec![(
                    "A second <g1>one</g1>.".to_string(),
                    "Eine <g1>zweite</g1>.".to_string()
                )]),
            ]
        );
        assert_eq!(
            map_blocks(&parts, "Begriff B : Das ist B.", &target, &options()),
            Err(TranslationError::DefinitionParts {
                n_source: 3,
                n_translation: 2
            })
        );
        let first = "term A : This is a definition of term A. Text can span multiple lines.";
        assert_eq!(blocks.blocks_of(first, &options()).map(|parts| parts.len()), Some(2));
        assert_eq!(blocks.blocks_of("term A : Not a definition here.", &options()), None);
    }
}
