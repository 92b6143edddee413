//! Translations kept in PO files: export, edit, import, withdraw, rebuild.

use mdbook_driver::MDBook;
use mdbook_translate::collect::BookTexts;
use mdbook_translate::config::Config;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::preprocessor::run_with_backend;
use mdbook_translate::store::{Languages, Origin, Record, Store};
use mdbook_translate::translate::make_translator;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
}

/// A one-chapter book translated into Spanish from its PO file.
fn small_book(chapter: &str, extra_config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let toml = format!(
        "[book]\nlanguage = \"en\"\n\n[preprocessor.translate]\nlanguages = [\"es\"]\nbackend = \"cache\"\n{extra_config}\n"
    );
    std::fs::write(dir.path().join("book.toml"), toml).expect("book.toml");
    std::fs::create_dir_all(dir.path().join("src")).expect("src");
    std::fs::write(dir.path().join("src/SUMMARY.md"), "# Summary\n\n- [One](one.md)\n").expect("summary");
    std::fs::write(dir.path().join("src/one.md"), chapter).expect("chapter");
    dir
}

/// Runs `mdbook-translate` with `args` in `book`; (success, stderr).
fn run(book: &Path, args: &[&str]) -> (bool, String) {
    let output = binary().args(args).arg(book).output().expect("run");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The Spanish chapter as the preprocessor writes it.
fn translated_chapter(book: &Path) -> anyhow::Result<String> {
    translated_chapter_in(book, "es")
}

/// The first chapter in `language` as the preprocessor writes it.
fn translated_chapter_in(book: &Path, language: &str) -> anyhow::Result<String> {
    let mdbook = MDBook::load(book)?;
    let config = Config::from_book(&mdbook.root, &mdbook.config)?;
    let backend = make_translator(&config)?;
    let mut translated = mdbook.book.clone();
    let target: LanguageTag = language.parse()?;
    run_with_backend(&mut translated, &BookTexts::default(), &target, &config, &*backend)?;
    Ok(translated.chapters().next().expect("a chapter").content.clone())
}

fn po_text(book: &Path) -> String {
    po_text_of(book, "es")
}

/// Sets the msgstr of the entry whose msgid is `msgid`, and its flag line.
fn set_entry(po: &str, msgid: &str, msgstr: &str, fuzzy: bool) -> String {
    let needle = format!("msgid \"{msgid}\"\nmsgstr \"");
    let start = po.find(&needle).unwrap_or_else(|| panic!("{msgid} in\n{po}"));
    let value_end = start + needle.len() + po[start + needle.len()..].find("\"\n").expect("end of msgstr");
    let flag = if fuzzy { "#, fuzzy\n" } else { "" };
    let before = po[..start].trim_end_matches("#, fuzzy\n");
    format!("{before}{flag}{needle}{msgstr}{}", &po[value_end..])
}

const CHAPTER: &str = "# One\n\nFirst sentence here. Second sentence here. Third sentence here.\n";

#[test]
fn the_built_page_shows_exactly_what_the_po_file_says() {
    let book = small_book(CHAPTER, "");
    let (ok, stderr) = run(book.path(), &["po", "export", "--lang", "es"]);
    assert!(ok, "{stderr}");
    msgfmt_check(&book.path().join("po/es.po"));
    let mut po = po_text(book.path());
    for (msgid, msgstr) in [
        ("First sentence here.", "Primera frase."),
        ("Second sentence here.", "Segunda frase."),
        ("Third sentence here.", "Tercera frase."),
    ] {
        po = set_entry(&po, msgid, msgstr, false);
    }
    std::fs::write(book.path().join("po/es.po"), &po).expect("write");
    let page = translated_chapter(book.path()).expect("build");
    assert!(page.contains("Primera frase. Segunda frase. Tercera frase."), "{page}");
    // One reviewed again, one emptied, one marked fuzzy: the next build follows.
    po = set_entry(&po, "First sentence here.", "La primera frase.", false);
    po = set_entry(&po, "Second sentence here.", "", false);
    po = set_entry(&po, "Third sentence here.", "Tercera frase.", true);
    std::fs::write(book.path().join("po/es.po"), &po).expect("write");
    let page = translated_chapter(book.path()).expect("build");
    assert!(
        page.contains("La primera frase. Second sentence here. Third sentence here."),
        "{page}"
    );
    // A fresh store gives the same page.
    std::fs::remove_dir_all(book.path().join(".translate-cache")).expect("remove the store");
    assert_eq!(translated_chapter(book.path()).expect("build"), page);
    // An entry removed from the file withdraws its translation too.
    let start = po.find("msgid \"First sentence here.\"").expect("entry");
    let end = start + po[start..].find("\n\n").expect("entry end");
    std::fs::write(book.path().join("po/es.po"), format!("{}{}", &po[..start], &po[end..])).expect("write");
    let page = translated_chapter(book.path()).expect("build");
    assert!(page.contains("First sentence here. Second"), "{page}");
}

#[test]
fn a_source_edit_keeps_the_old_translation_as_fuzzy_and_a_removed_sentence_as_obsolete() {
    let book = small_book(CHAPTER, "");
    assert!(run(book.path(), &["po", "export", "--lang", "es"]).0);
    let mut po = po_text(book.path());
    po = set_entry(&po, "Second sentence here.", "Segunda frase.", false);
    po = set_entry(&po, "Third sentence here.", "Tercera frase.", false);
    po = po.replace(
        "msgid \"Third sentence here.\"",
        "# checked by Ana\nmsgid \"Third sentence here.\"",
    );
    std::fs::write(book.path().join("po/es.po"), &po).expect("write");
    let edited = "# One\n\nFirst sentence here. Second sentence is here now.\n";
    std::fs::write(book.path().join("src/one.md"), edited).expect("edit");
    let (ok, stderr) = run(book.path(), &["po", "export", "--lang", "es"]);
    assert!(ok, "{stderr}");
    let po = po_text(book.path());
    assert!(
        po.contains("#, fuzzy\n#| msgid \"Second sentence here.\"\nmsgid \"Second sentence is here now.\"\nmsgstr \"Segunda frase.\""),
        "{po}"
    );
    assert!(
        po.contains("# checked by Ana\n#~ msgid \"Third sentence here.\"\n#~ msgstr \"Tercera frase.\""),
        "{po}"
    );
    assert!(
        stderr.contains("1 carried over") && stderr.contains("1 obsolete"),
        "{stderr}"
    );
    msgfmt_check(&book.path().join("po/es.po"));
}

/// `msgfmt -c` accepts the file, where gettext is installed (CI sets
/// `MDBOOK_TRANSLATE_REQUIRE_GETTEXT=1` so that it never skips).
pub(crate) fn msgfmt_check(path: &Path) {
    match Command::new("msgfmt")
        .args(["-c", "-o", "/dev/null"])
        .arg(path)
        .output()
    {
        Ok(output) => assert!(
            output.status.success(),
            "msgfmt -c {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(_) => {
            assert!(
                std::env::var_os("MDBOOK_TRANSLATE_REQUIRE_GETTEXT").is_none(),
                "msgfmt is not installed and MDBOOK_TRANSLATE_REQUIRE_GETTEXT is set"
            );
            eprintln!("note: msgfmt is not installed; not checking {}", path.display());
        }
    }
}

#[test]
fn a_file_that_cannot_be_read_is_reported_by_line_and_never_overwritten() {
    let header = "msgid \"\"\nmsgstr \"Language: es\\n\"\n\n";
    let mut latin1 = format!("{header}msgid \"First sentence here.\"\nmsgstr \"").into_bytes();
    latin1.extend_from_slice(b"Primera se\xf1al.\"\n");
    let cases: [(Vec<u8>, &str); 3] = [
        (latin1, "es.po:5: byte 0xF1 is not UTF-8"),
        (
            format!("\u{feff}{header}").into_bytes(),
            "es.po:1: the file starts with a byte-order mark",
        ),
        (
            format!("{header}msgid \"One\"\nmsgstr \"Uno\"\n\nmsgid \"One\"\nmsgstr \"Un\"\n").into_bytes(),
            "es.po:7: the msgid `One` is already the msgid of the entry at line 4",
        ),
    ];
    for (bytes, expected) in cases {
        let book = small_book(CHAPTER, "");
        std::fs::create_dir_all(book.path().join("po")).expect("po dir");
        std::fs::write(book.path().join("po/es.po"), &bytes).expect("write");
        for args in [
            &["po", "export", "--lang", "es"][..],
            &["po", "import", "--lang", "es"][..],
        ] {
            let (ok, stderr) = run(book.path(), args);
            assert!(!ok && stderr.contains(expected), "{args:?}: {stderr}");
            assert_eq!(
                std::fs::read(book.path().join("po/es.po")).expect("read"),
                bytes,
                "unchanged"
            );
        }
        let error = translated_chapter(book.path())
            .expect_err("the build stops")
            .to_string();
        assert!(format!("{error:#}").contains("es.po"), "{error}");
    }
}

#[test]
fn a_fresh_clone_builds_from_its_po_files_alone() {
    let book = small_book(CHAPTER, "fail-on-missing = true\n");
    // Machine translations paid for once, in the store of a first machine.
    {
        let store = Store::open(&book.path().join(".translate-cache"), Duration::from_secs(5)).expect("store");
        let (source, target): (LanguageTag, LanguageTag) = ("en".parse().expect("tag"), "es".parse().expect("tag"));
        let languages = Languages {
            source: &source,
            target: &target,
        };
        for (unit, text, origin, profile) in [
            ("One", "Uno", Origin::Realtime, "realtime/plain"),
            ("First sentence here.", "Primera frase.", Origin::Act, "act/book-es@2"),
            (
                "Second sentence here.",
                "Segunda frase.",
                Origin::Realtime,
                "realtime/plain",
            ),
            (
                "Third sentence here.",
                "Tercera frase.",
                Origin::Realtime,
                "realtime/plain",
            ),
        ] {
            store
                .put(&languages.key(unit), &Record::new(unit, text, origin, profile))
                .expect("put");
        }
        store.flush().expect("flush");
    }
    let (ok, stderr) = run(book.path(), &["po", "export", "--lang", "es"]);
    assert!(ok && stderr.contains("4 machine translations to review"), "{stderr}");
    let po = po_text(book.path());
    assert!(
        po.contains("#. machine: act, profile act/book-es@2\n#: one.md\n#, fuzzy\nmsgid \"First sentence here.\""),
        "{po}"
    );
    msgfmt_check(&book.path().join("po/es.po"));
    // The clone: the PO file, no store, no network.
    std::fs::remove_dir_all(book.path().join(".translate-cache")).expect("remove the store");
    let page = translated_chapter(book.path()).expect("builds with fail-on-missing");
    assert!(page.contains("Primera frase. Segunda frase. Tercera frase."), "{page}");
}

#[test]
fn a_language_the_book_does_not_have_is_refused() {
    let book = small_book(CHAPTER, "");
    for action in ["import", "export"] {
        let (ok, stderr) = run(book.path(), &["po", action, "--lang", "fr"]);
        assert!(
            !ok && stderr.contains("`fr` is not a language of this book: the list is es"),
            "{action}: {stderr}"
        );
    }
    assert!(!book.path().join("po").exists(), "no file written");
}

/// A book whose `po/de.po` was written by mdbook-xgettext (mdbook-i18n-helpers
/// 0.4.0) and filled by `scripts/pseudo-fill-po.py --merge-every 2`, so that
/// some paragraphs have fewer sentences than their source.
fn i18n_helpers_book() -> tempfile::TempDir {
    crate::support::copy_book(&crate::support::project_dir().join("tests/fixtures/i18n-helpers"))
}

#[test]
fn every_translated_block_of_an_mdbook_i18n_helpers_file_reaches_the_book() {
    let book = i18n_helpers_book();
    let mdbook = MDBook::load(book.path()).expect("load");
    let config = Config::from_book(&mdbook.root, &mdbook.config).expect("config");
    let backend = make_translator(&config).expect("backend");
    let mut translated = mdbook.book.clone();
    let target: LanguageTag = "de".parse().expect("tag");
    let summary = run_with_backend(&mut translated, &BookTexts::default(), &target, &config, &*backend).expect("build");
    // The alert's title is not a message of mdbook-xgettext; every other unit is translated.
    let left: Vec<&str> = summary.untranslated.iter().map(|unit| unit.text.as_str()).collect();
    assert_eq!(left, ["Note"]);
    let page = &translated.chapters().next().expect("a chapter").content;
    for expected in [
        // Joined sentences: the paragraph is spliced whole.
        "Thé fünctîön àbövé tàkés à slîcé, ît névér àllöcàtés, ànd ît rüns în lînéàr tîmé.",
        "Süm évéry byté wîth **wràppîng** àrîthmétîc. Kéép thé résült în à `u8`.",
        "Cömpàré thé süms *béföré* ànd *àftér* thé trànsfér.",
        "| Wéàk. Ît mîssés swàppéd bytés. |",
        "> [!NOTE]\n> À chécksüm îs nöt à sîgnàtüré, ànyöné càn récömpüté ît.",
        "// Adds every byte.\nfn sum(data: &[u8]) -> u8 {",
    ] {
        assert!(page.contains(expected), "{expected:?} in\n{page}");
    }
}

#[test]
fn exporting_over_an_mdbook_i18n_helpers_file_keeps_its_block_messages() {
    let book = i18n_helpers_book();
    let before = po_text_of(book.path(), "de");
    let (ok, stderr) = run(book.path(), &["po", "export", "--lang", "de"]);
    assert!(ok, "{stderr}");
    let after = po_text_of(book.path(), "de");
    let translated_block = "msgid \"\"\n\"Sum every byte with **wrapping** arithmetic. Keep the result in a `u8`.\"\n";
    assert!(
        before.contains(translated_block) || after.contains("msgid \"Sum every byte with **wrapping**"),
        "{before}"
    );
    assert!(!after.contains("#~ msgid \"Sum every byte"), "{after}");
    assert!(
        after.contains("#~ msgid \"// Adds every byte.\\n\""),
        "code is never translated: {after}"
    );
    msgfmt_check(&book.path().join("po/de.po"));
    // The build after the export uses the same translations.
    let page = translated_chapter_in(book.path(), "de").expect("build");
    assert!(page.contains("Kéép thé résült în à `u8`."), "{page}");
}

fn po_text_of(book: &Path, language: &str) -> String {
    std::fs::read_to_string(book.join(format!("po/{language}.po"))).expect("po file")
}

#[test]
fn po_files_are_found_whether_their_name_has_an_underscore_or_a_hyphen_in_any_case() {
    let entry = "#: one.md\nmsgid \"First sentence here.\"\nmsgstr \"第一句。\"\n";
    for (listed, file) in [("zh-CN", "zh_CN.po"), ("zh-cn", "zh-CN.po"), ("zh-TW", "zh-tw.po")] {
        let book = small_book(CHAPTER, "");
        let toml = std::fs::read_to_string(book.path().join("book.toml")).expect("book.toml");
        std::fs::write(
            book.path().join("book.toml"),
            toml.replace("[\"es\"]", &format!("[\"{listed}\"]")),
        )
        .expect("book.toml");
        std::fs::create_dir_all(book.path().join("po")).expect("po");
        let po = format!("msgid \"\"\nmsgstr \"Language: {listed}\\n\"\n\n{entry}");
        std::fs::write(book.path().join("po").join(file), po).expect("po file");
        let page = translated_chapter_in(book.path(), listed).expect("build");
        assert!(
            page.contains("第一句。 Second sentence here."),
            "{listed} from {file}: {page}"
        );
        let (ok, stderr) = run(book.path(), &["po", "export", "--lang", listed]);
        assert!(ok, "{stderr}");
        let files: Vec<String> = std::fs::read_dir(book.path().join("po"))
            .expect("po")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, [file], "export writes into the file it found");
        assert!(po_text_of_file(&book.path().join("po").join(file)).contains("msgstr \"第一句。\""));
    }
}

fn po_text_of_file(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The paths of the files under `dir` with `extension`, relative, as strings.
fn file_names(dir: &Path, extension: &str) -> Vec<String> {
    crate::support::files_with_extension(dir, extension)
        .iter()
        .map(|path| path.display().to_string())
        .collect()
}

#[test]
fn a_split_export_writes_a_file_per_chapter_that_import_and_the_build_read() {
    let book = crate::support::TestBook::new("human-translations");
    let single = book.read("po/zh.po");
    book.run(&["po", "export", "--lang", "zh", "--split", "chapter"])
        .assert_success();
    assert!(!book.path().join("po/zh.po").exists(), "the entries moved");
    let folder = book.path().join("po/zh");
    assert_eq!(file_names(&folder, "po"), ["SUMMARY.po", "introduction.po", "notes.po"]);
    for file in crate::support::files_with_extension(&folder, "po") {
        msgfmt_check(&folder.join(file));
    }
    // Each message once, in the file of the first chapter that has it.
    assert!(book.read("po/zh/SUMMARY.po").contains("msgid \"Checksums\""));
    assert!(book.read("po/zh/notes.po").contains("msgid \"Notes\"\nmsgstr \"笔记\""));
    assert!(!book.read("po/zh/SUMMARY.po").contains("msgid \"Notes\""));
    // A build on a fresh store reads the chapter files, and follows an edit of one.
    book.replace("po/zh/notes.po", "每个字节都算数。", "每个字节都重要。");
    let run = book.run(&["build"]).assert_success();
    let summary = run.summary("zh");
    assert_eq!(
        (summary.n_human, summary.n_missing),
        (summary.n_distinct, 0),
        "{}",
        run.stderr
    );
    assert!(book.read("book/html/zh/notes.html").contains("每个字节都重要。"));
    // `po import` reads them too, and so does the export back to one file.
    book.run(&["po", "import", "--lang", "zh"]).assert_success();
    book.run(&["po", "export", "--lang", "zh", "--split", "none"])
        .assert_success();
    assert!(!folder.exists(), "the chapter files moved back");
    // The export adds mdBook's interface texts, untranslated, at the end.
    let exported = book.read("po/zh.po");
    let interface = exported.find("\n\n#: mdbook-interface\n").expect("the interface texts") + 1;
    assert_eq!(
        &exported[..interface],
        single.replace("每个字节都算数。", "每个字节都重要。")
    );
}

#[test]
fn a_msgid_in_two_chapter_files_and_both_layouts_at_once_are_refused() {
    let book = crate::support::TestBook::new("human-translations");
    book.run(&["po", "export", "--lang", "zh", "--split", "chapter"])
        .assert_success();
    let entry = "\n#: notes.md\nmsgid \"Every byte counts.\"\nmsgstr \"字节。\"\n";
    let introduction = format!("{}{entry}", book.read("po/zh/introduction.po"));
    book.write("po/zh/introduction.po", &introduction);
    // An entry's line is the line of its first comment.
    let line_of = |text: &str| 1 + text.lines().position(|l| l == "#: notes.md").expect("the entry");
    let notes_line = line_of(&book.read("po/zh/notes.po"));
    let introduction_line = line_of(&introduction);
    for args in [
        &["build"][..],
        &["po", "import", "--lang", "zh"],
        &["po", "export", "--lang", "zh"],
    ] {
        book.run(args)
            .assert_failure_saying(&format!(
                "zh/notes.po:{notes_line}: the msgid `Every byte counts.` is already the msgid of the entry at "
            ))
            .assert_failure_saying(&format!("zh/introduction.po:{introduction_line}; keep one of the two"));
        assert_eq!(book.read("po/zh/introduction.po"), introduction, "unchanged");
    }
    book.write("po/zh/introduction.po", &introduction.replace(entry, ""));
    book.write("po/zh.po", "msgid \"\"\nmsgstr \"Language: zh\\n\"\n");
    book.run(&["build"])
        .assert_failure_saying("po/zh.po and ")
        .assert_failure_saying("both hold zh translations; keep one of them");
}

#[test]
fn the_template_holds_every_message_without_a_translation() {
    let book = crate::support::TestBook::new("human-translations");
    book.run(&["po", "template"]).assert_success();
    let template = book.read("po/messages.pot");
    // The book's texts and mdBook's interface texts, which the book's zh.po does not list.
    let n_interface = template.matches("#: mdbook-interface\n").count();
    assert!(n_interface > 10, "{template}");
    assert_eq!(
        crate::support::po_entry_count(&template),
        crate::support::po_entry_count(&book.read("po/zh.po")) + n_interface
    );
    assert_eq!(
        template.matches("msgstr \"\"\n").count(),
        crate::support::po_entry_count(&template) + 1
    );
    assert!(template.contains("\"Project-Id-Version: Checksums\\n\""), "{template}");
    msgfmt_check(&book.path().join("po/messages.pot"));
    book.run(&["po", "template", "--split", "chapter"]).assert_success();
    let folder = book.path().join("po/messages");
    assert_eq!(
        file_names(&folder, "pot"),
        ["SUMMARY.pot", "introduction.pot", "notes.pot"]
    );
    for file in crate::support::files_with_extension(&folder, "pot") {
        msgfmt_check(&folder.join(file));
    }
}

#[test]
fn a_build_after_po_import_does_not_import_the_same_file_again() {
    let book = crate::support::TestBook::new("human-translations");
    // The book named as `.`; the build names it by its absolute path.
    let imported = crate::support::Run::of(
        binary()
            .current_dir(book.path())
            .args(["po", "import", "--lang", "zh", "."]),
    )
    .assert_success();
    assert!(imported.import("zh").is_some(), "{}", imported.stderr);
    let build = book.run(&["build"]).assert_success();
    assert_eq!(build.import("zh"), None, "zh was imported already:\n{}", build.stderr);
    assert!(build.import("es").is_some(), "es was not:\n{}", build.stderr);
    build.summary("zh").assert_all_from_store();
    // A file given with --file is not the build's: the build mirrors its own file again.
    std::fs::copy(book.path().join("po/zh.po"), book.path().join("other.po")).expect("copy");
    let other = book.path().join("other.po").display().to_string();
    book.run(&["po", "import", "--lang", "zh", "--file", &other])
        .assert_success();
    let build = book.run(&["build"]).assert_success();
    assert!(build.import("zh").is_some(), "{}", build.stderr);
}

#[test]
fn a_changed_link_destination_is_reported_and_the_page_keeps_the_source_link() {
    let book = small_book("# One\n\nSee [the details](second.html#details) first.\n", "");
    let po = "msgid \"\"\nmsgstr \"Language: es\\n\"\n\n#: one.md\nmsgid \"See [the details](second.html#details) first.\"\nmsgstr \"Mira [los detalles](segunda.html#detalles) antes.\"\n";
    std::fs::create_dir_all(book.path().join("po")).expect("po");
    std::fs::write(book.path().join("po/es.po"), po).expect("write");
    let (ok, stderr) = run(book.path(), &["po", "import", "--lang", "es"]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains(
            "es.po:4: `See [the details](second.html#details) first.`: the translation changes \
             the link to `second.html#details` to `segunda.html#detalles`; the build keeps the source's destination"
        ),
        "{stderr}"
    );
    let page = translated_chapter(book.path()).expect("build");
    assert!(
        page.contains("Mira [los detalles](second.html#details) antes."),
        "{page}"
    );
}
