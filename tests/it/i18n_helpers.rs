//! A book moving from mdbook-i18n-helpers: the real `mdbook-xgettext`
//! (0.4.0) writes the template of the mdBook guide, every message is
//! filled with a visible pseudo-translation, and the build must use every
//! message that holds text this tool translates, leaving no source text
//! where the file has a translation. `.ci/run` installs mdbook-i18n-helpers
//! and sets `MDBOOK_TRANSLATE_REQUIRE_I18N_HELPERS=1` so that CI never
//! skips this test.

use crate::mdbook::mdbook_binary;
use crate::support::{Run, TestBook, project_dir};
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::collect::{BookTexts, collect_book};
use mdbook_translate::config::Config;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::pipeline::lookup::WantedUnits;
use mdbook_translate::po::blocks::without_alert_marker;
use mdbook_translate::po::file::{parse_po, po_file_text};
use mdbook_translate::preprocessor::run_with_backend;
use mdbook_translate::segment::extract_segments;
use mdbook_translate::segment::tagged::plain_text;
use mdbook_translate::store::Languages;
use mdbook_translate::translate::make_translator;
use regex::Regex;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

/// `mdbook-xgettext` of mdbook-i18n-helpers 0.4.0: in
/// `$MDBOOK_TRANSLATE_I18N_HELPERS/bin`, else on the PATH.
fn xgettext_binary() -> Option<PathBuf> {
    let folders = std::env::var_os("MDBOOK_TRANSLATE_I18N_HELPERS")
        .map(|root| vec![PathBuf::from(root).join("bin")])
        .unwrap_or_else(|| std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect());
    let found = folders
        .into_iter()
        .map(|folder| folder.join("mdbook-xgettext"))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("MDBOOK_TRANSLATE_REQUIRE_I18N_HELPERS").is_none(),
            "mdbook-xgettext is required: cargo install mdbook-i18n-helpers@0.4.0 --locked"
        );
        eprintln!("note: mdbook-xgettext is absent; skipping the test of its messages");
    }
    found
}

/// Writes `<book>/xgettext/messages.pot` with `mdbook build` and mdbook-xgettext.
fn write_template(mdbook: &Path, xgettext: &Path, book: &Path) -> String {
    let tools = xgettext.parent().expect("a folder");
    let path = std::env::join_paths(
        std::iter::once(tools.to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .expect("PATH");
    let run = Run::of(
        Command::new(mdbook)
            .current_dir(book)
            .args(["build", "-d", "xgettext"])
            .env("PATH", path)
            .env("MDBOOK_OUTPUT", r#"{"xgettext": {}}"#),
    );
    assert!(run.success, "{}", run.stderr);
    std::fs::read_to_string(book.join("xgettext/messages.pot")).expect("the template")
}

static PROTECTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"```[\s\S]*?```|``[\s\S]*?``|`[^`]*`",    // code
        r"|\]\([^)]*\)|\]\[[^\]]*\]|\[\^[^\]]*\]", // link destinations, references, footnotes
        r"|(?m:^\\?\[![A-Z]+\\?\])",               // alert markers
        r"|(?is:<code\b[^>]*>.*?</code\s*>|<kbd\b[^>]*>.*?</kbd\s*>|<samp\b[^>]*>.*?</samp\s*>)", // code-like
        r"|(?is:<var\b[^>]*>.*?</var\s*>|<tt\b[^>]*>.*?</tt\s*>)", // elements
        r"|<[^>]*>|\{\{.*?\}\}",                   // HTML, autolinks, directives
        r"|\\\\\(.*?\\\\\)|\\\\\[.*?\\\\\]",       // MathJax
        r"|https?://\S+|\\.",                      // bare URLs, escapes
    ))
    .expect("a valid pattern")
});

/// A visible pseudo-translation that keeps markdown syntax, code, link
/// targets, HTML, directives and math as they are (as
/// `scripts/pseudo-fill-po.py` writes it); with `join`, the first two
/// sentences joined, as a translator joining sentences would.
fn pseudo(text: &str, join: bool) -> String {
    let accent = |part: &str| -> String {
        part.chars()
            .map(|c| match c {
                'a' => 'à',
                'e' => 'é',
                'i' => 'î',
                'o' => 'ö',
                'u' => 'ü',
                'A' => 'À',
                'E' => 'É',
                'I' => 'Î',
                'O' => 'Ö',
                'U' => 'Ü',
                c => c,
            })
            .collect()
    };
    let mut out = String::new();
    let mut last = 0;
    for protected in PROTECTED.find_iter(text) {
        out.push_str(&accent(&text[last..protected.start()]));
        out.push_str(protected.as_str());
        last = protected.end();
    }
    out.push_str(&accent(&text[last..]));
    if join {
        static SENTENCE_END: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"([a-zà-ü])\. ([A-ZÀ-Ü])").expect("a valid pattern"));
        return SENTENCE_END
            .replacen(&out, 1, |c: &regex::Captures<'_>| {
                format!("{}, {}", &c[1], c[2].to_lowercase())
            })
            .into_owned();
    }
    out
}

#[test]
fn every_translated_message_of_mdbook_xgettext_reaches_the_build() {
    let guide = project_dir().join("../shared/corpora/mdbook-guide");
    let (Some(mdbook), Some(xgettext)) = (mdbook_binary(), xgettext_binary()) else {
        return;
    };
    if !guide.join("book.toml").exists() {
        eprintln!(
            "note: {} is absent; skipping the test of mdbook-xgettext",
            guide.display()
        );
        return;
    }
    let book = TestBook::copy_of(&guide);
    let template = write_template(&mdbook, &xgettext, book.path());
    // Every message translated; every third has its first two sentences joined.
    let mut catalog = parse_po(&template).expect("the template parses");
    catalog.metadata.insert("Language".to_string(), "de".to_string());
    for (index, entry) in catalog.entries.iter_mut().enumerate() {
        entry.msgstr = Some(pseudo(&entry.msgid, index % 3 == 0));
    }
    book.write("po/de.po", &po_file_text(&catalog));
    crate::po::msgfmt_check(&book.path().join("po/de.po"));
    let toml = book.read("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[preprocessor.translate]\nlanguages = [\"de\"]\nbackend = \"cache\"\n"),
    );
    let import = book.run(&["po", "import", "--lang", "de"]).assert_success();
    let report = import.import("de").expect("an import report");
    let (units_of_book, units_of_messages) = units_of_book_and_messages(book.path(), &catalog);
    let n_holding_prose = catalog
        .entries
        .iter()
        .filter(|entry| {
            message_units(&entry.msgid)
                .iter()
                .any(|unit| units_of_book.contains(unit))
        })
        .count();
    eprintln!(
        "mdbook-xgettext: {} messages, all translated; {} used by the build, {} hold text of the book's prose, {} refused",
        catalog.entries.len(),
        report.n_imported,
        n_holding_prose,
        report.n_refused
    );
    assert_eq!(report.n_refused, 0, "{}", import.stderr);
    assert_eq!(report.n_imported, n_holding_prose, "{}", import.stderr);
    assert_eq!(report.n_imported + report.n_obsolete, catalog.entries.len());
    // `po export` keeps every block message the build uses, in a file msgfmt accepts.
    let export = book.run(&["po", "export", "--lang", "de"]).assert_success();
    crate::po::msgfmt_check(&book.path().join("po/de.po"));
    let reimport = book.run(&["po", "import", "--lang", "de"]).assert_success();
    assert_eq!(
        reimport.import("de").expect("a report").n_imported,
        report.n_imported,
        "{}",
        export.stderr
    );
    // The build: nothing left in the source language that a message translates.
    let summary = build_in_process(book.path());
    let untranslated: Vec<&str> = summary.untranslated.iter().map(|unit| unit.text.as_str()).collect();
    eprintln!("{summary}; left in English: {untranslated:?}");
    let left: Vec<&str> = summary
        .untranslated
        .iter()
        .map(|unit| unit.text.as_str())
        .filter(|text| units_of_messages.contains(*text))
        .collect();
    assert!(left.is_empty(), "left in the source language: {left:?}");
}

/// The plain texts of the translatable units of a message, read as the
/// book is: with its footnotes defined, and a definition list (which
/// mdbook-xgettext writes `term : definition`) read whole and part by part.
fn message_units(msgid: &str) -> Vec<String> {
    static FOOTNOTE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\^([^\]\s]+)\]").expect("a valid pattern"));
    let options = mdbook_translate::segment::SegmentOptions {
        mathjax: true,
        source_language: "en".parse().expect("a tag"),
        ..Default::default()
    };
    let msgid = without_alert_marker(msgid);
    let parts = std::iter::once(msgid).chain(msgid.split(" : ").filter(|part| *part != msgid));
    parts
        .flat_map(|part| {
            let mut markdown = part.to_string();
            for name in FOOTNOTE.captures_iter(part) {
                markdown.push_str(&format!("\n\n[^{}]: 0", &name[1]));
            }
            extract_segments(&markdown, &options)
                .translatable_units()
                .filter_map(|unit| plain_text(&unit.tagged).ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The plain texts of the book's units, and of the units of every message.
fn units_of_book_and_messages(book: &Path, catalog: &rspolib::POFile) -> (HashSet<String>, HashSet<String>) {
    let (expanded, texts, config) = expanded_book(book);
    let collected = collect_book(&expanded, &texts, &config.segment_options());
    let target: LanguageTag = "de".parse().expect("a tag");
    let languages = Languages {
        source: &config.source_language,
        target: &target,
    };
    let of_book = WantedUnits::of_book(&collected, languages)
        .units
        .iter()
        .filter_map(|unit| plain_text(&unit.tagged).ok())
        .collect();
    let of_messages = catalog
        .entries
        .iter()
        .flat_map(|entry| message_units(&entry.msgid))
        .collect();
    (of_book, of_messages)
}

/// The book after `{{#include}}` and the other links, its title and
/// description, and its configuration.
fn expanded_book(book: &Path) -> (mdbook_preprocessor::book::Book, BookTexts, Config) {
    let mdbook = MDBook::load(book).expect("load");
    let config = Config::from_book(&mdbook.root, &mdbook.config).expect("config");
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
    let expanded = LinkPreprocessor::new().run(&ctx, mdbook.book.clone()).expect("links");
    (expanded, BookTexts::of_book_toml(&mdbook.config), config)
}

/// Translates the book into German in-process, as the preprocessor does.
fn build_in_process(book: &Path) -> mdbook_translate::pipeline::RunSummary {
    let (mut expanded, texts, config) = expanded_book(book);
    let backend = make_translator(&config).expect("backend");
    let target: LanguageTag = "de".parse().expect("a tag");
    run_with_backend(&mut expanded, &texts, &target, &config, &*backend).expect("build")
}
