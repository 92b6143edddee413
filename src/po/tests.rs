use super::*;
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
fn po_round_trip() {
    let entries = vec![
        PoEntry {
            msgid: "Say \"hi\" with `echo`\\n.".to_string(),
            msgstr: "Di \"hola\".".to_string(),
            references: vec!["a.md".to_string(), "b.md".to_string()],
            fuzzy: false,
        },
        PoEntry {
            msgid: "Second.".to_string(),
            msgstr: String::new(),
            references: vec![],
            fuzzy: true,
        },
    ];
    let text = write_po(&entries, "es");
    assert!(text.contains("\"Language: es\\n\""), "{text}");
    assert_eq!(parse_po(&text).expect("parses"), entries);
}

#[test]
fn multi_line_strings_and_errors() {
    let text = "msgid \"\"\nmsgstr \"\"\n\"Language: zh\\n\"\n\n#: x.md\nmsgid \"\"\n\"One \"\n\"two.\"\nmsgstr \"一\"\n\"二。\"\n";
    let entries = parse_po(text).expect("parses");
    assert_eq!(
        (entries[0].msgid.as_str(), entries[0].msgstr.as_str()),
        ("One two.", "一二。")
    );
    let error = parse_po("msgid \"a\"\nmsgstr[0] \"b\"\n").expect_err("plural");
    assert_eq!(error.line, 2);
    assert!(parse_po("msgid \"unterminated\nmsgstr \"\"").is_err());
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
        Err("`cargo test`` is not in the source"),
    );
    check_import("Run `cargo build` now.", "Ejecuta ya.", Err("<x1/> is missing"));
    check_import("Run `cargo build` now.", "Uno.\n\nDos.", Err("not one paragraph"));
    let source = message("Run `cargo build` now.");
    for (msgstr, reason) in [
        ("Uno.\n\nDos.", TranslationError::NotOneParagraph),
        ("Ejecuta `x` ya.", TranslationError::NotInSource("`x`".to_string())),
        ("Ejecuta ya.", TranslationError::Tags(TagError::MissingPlaceholder(1))),
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
