//! What readers of every language get: mdBook's interface in their language,
//! the switcher's labels, and a site that is whole at every moment (one
//! language rebuilt, two builds at once).

use crate::site::{assert_complete_site, assert_complete_site_at};
use crate::support::{Run, TestBook};
use mdbook_translate::site::SCRIPT_NAME;
use mdbook_translate::translate::pseudo_translate;
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `title` and `aria-label` pairs and element texts mdBook's interface
/// shows, as a zh reader and an en reader see them.
const ZH_AND_EN: &[(&str, &str)] = &[
    ("placeholder=\"搜索本书…\"", "placeholder=\"Search this book ...\""),
    ("title=\"打印本书\"", "title=\"Print this book\""),
    ("title=\"更改主题\"", "title=\"Change theme\""),
    ("title=\"切换目录\"", "title=\"Toggle Table of Contents\""),
    ("aria-label=\"切换搜索栏\"", "aria-label=\"Toggle Searchbar\""),
    (">浅色<", ">Light<"),
    ("title=\"下一章\"", "title=\"Next chapter\""),
];

#[test]
fn a_zh_page_shows_mdbooks_interface_in_chinese() {
    let book = TestBook::new("site");
    book.run(&["build"]).assert_success();
    let site = book.path().join("book/html");
    let zh = read(&site.join("zh/introduction.html"));
    let en = read(&site.join("introduction.html"));
    for (chinese, english) in ZH_AND_EN {
        assert!(zh.contains(chinese), "zh: no {chinese}");
        assert!(!zh.contains(english), "zh: still {english}");
        assert!(en.contains(english), "en: no {english}");
    }
    let sums = read(&site.join("zh/sums.html"));
    assert!(sums.contains("title=\"上一章\""), "the previous-chapter arrow");
    let not_found = read(&site.join("zh/404.html"));
    assert!(
        not_found.contains("文档未找到（404）") && not_found.contains("<title>页面未找到"),
        "the 404 page: {not_found}"
    );
    let es = read(&site.join("es/introduction.html"));
    assert!(es.contains("placeholder=\"Buscar en este libro…\""), "es");
    // The switcher speaks the reader's language too.
    assert!(read(&site.join("zh").join(SCRIPT_NAME)).contains("\"title\":\"切换语言\""));
}

#[test]
fn book_toml_and_the_po_file_override_the_interface_table() {
    let book = TestBook::new("site");
    book.replace(
        "book.toml",
        "[output.html]\n",
        "[preprocessor.translate.interface.zh]\nprint = \"打印全书\"\n\n[output.html]\n",
    );
    book.run(&["build"]).assert_success();
    let zh = read(&book.path().join("book/html/zh/introduction.html"));
    assert!(
        zh.contains("title=\"打印全书\"") && zh.contains("title=\"下一章\""),
        "{zh}"
    );
    book.replace(
        "book.toml",
        "[preprocessor.translate.interface.zh]\n",
        "[preprocessor.translate.interface.zh]\nnext-chapter = \"\"\n",
    );
    book.run(&["build"])
        .assert_failure_saying("`interface.zh.next-chapter` is empty");
}

#[test]
fn po_export_lists_the_interface_and_a_reviewed_text_reaches_the_page() {
    let book = TestBook::new("human-translations");
    book.run(&["po", "export", "--lang", "zh"]).assert_success();
    let po = book.read("po/zh.po");
    assert!(
        po.contains("#: mdbook-interface\nmsgid \"Print this book\"\nmsgstr \"\""),
        "the interface texts are listed: {po}"
    );
    book.replace(
        "po/zh.po",
        "msgid \"Print this book\"\nmsgstr \"\"",
        "msgid \"Print this book\"\nmsgstr \"打印这本小书\"",
    );
    book.run(&["build"]).assert_success();
    let zh = read(&book.path().join("book/html/zh/introduction.html"));
    assert!(
        zh.contains("title=\"打印这本小书\""),
        "the reviewed text wins over the table"
    );
}

#[test]
fn the_switcher_labels_languages_by_their_own_names_and_book_toml_relabels_them() {
    let book = TestBook::new("site");
    book.replace(
        "book.toml",
        "backend = \"pseudo\"\n",
        "backend = \"pseudo\"\nlanguage-labels = { zh = \"简体中文\", en = \"English (original)\" }\n",
    );
    book.run(&["build"]).assert_success();
    let site = book.path().join("book/html");
    for dir in [site.clone(), site.join("zh"), site.join("es")] {
        let script = read(&dir.join(SCRIPT_NAME));
        for label in [
            "\"label\":\"简体中文\"",
            "\"label\":\"Español\"",
            "\"label\":\"English (original)\"",
        ] {
            assert!(script.contains(label), "{}: {label}", dir.display());
        }
    }
    let list = read(&site.join("es/introduction.html"));
    assert!(
        list.contains(">简体中文</a>") && list.contains("<strong lang=\"es\">Español</strong>"),
        "{list}"
    );
    book.replace("book.toml", "zh = \"简体中文\"", "fr = \"Français\"");
    book.run(&["build"])
        .assert_failure_saying("language-labels`: `fr` is not a language of this book");
}

#[test]
fn every_page_links_its_alternates_with_absolute_urls_under_a_site_url() {
    let book = TestBook::new("site");
    book.replace(
        "book.toml",
        "[output.html]\n",
        "[output.html]\nsite-url = \"https://example.org/sums/\"\n",
    );
    book.run(&["build"]).assert_success();
    assert_complete_site_at(&book.path().join("book/html"), Some("https://example.org/sums/"));
}

#[test]
fn a_theme_with_its_own_language_picker_gets_no_second_one() {
    let book = TestBook::new("site");
    book.write(
        "theme/header.hbs",
        "<button id=\"language-toggle\" class=\"icon-button\" type=\"button\">🌐</button>\n",
    );
    book.run(&["build"]).assert_success();
    let site = book.path().join("book/html");
    for page in ["introduction.html", "zh/introduction.html"] {
        let html = read(&site.join(page));
        assert!(!html.contains(SCRIPT_NAME), "{page}: no second switcher");
        assert!(html.contains("id=\"language-toggle\""), "{page}: the theme's own");
        assert!(html.contains("hreflang=\"es\""), "{page}: alternates all the same");
    }
}

#[test]
fn one_language_built_after_a_full_build_leaves_the_others_in_place() {
    let book = TestBook::new("site");
    book.run(&["build"]).assert_success();
    let site = book.path().join("book/html");
    let es_before = read(&site.join("es/introduction.html"));
    let added = "A sentence written after the first build.";
    book.replace("src/introduction.md", "", &format!("{added}\n\n"));
    book.run(&["build", "-l", "zh"]).assert_success();
    let pseudo = pseudo_translate(added).expect("a pseudo translation");
    assert!(
        read(&site.join("zh/introduction.html")).contains(&pseudo),
        "zh is rebuilt"
    );
    assert_eq!(
        read(&site.join("es/introduction.html")),
        es_before,
        "es is kept as it was"
    );
    assert_complete_site(&site);
    assert_no_work_folders(&book.path().join("book"));
}

/// Panics if the build folder holds a folder this tool works in, or the
/// empty folder mdBook makes for the `translate` output.
pub(crate) fn assert_no_work_folders(build: &Path) {
    let left: Vec<String> = std::fs::read_dir(build)
        .expect("the build folder")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".mdbook-translate") || name == "translate")
        .collect();
    assert!(left.is_empty(), "left in {}: {left:?}", build.display());
}

#[test]
fn two_builds_at_once_leave_a_complete_site() {
    let book = TestBook::new("site");
    book.run(&["build"]).assert_success();
    for round in 0..2 {
        // Each with new text to translate, so that both do the whole work.
        let added = format!("Round {round} of two builds at once.");
        book.replace("src/sums.md", "", &format!("{added}\n\n"));
        let builds: Vec<std::process::Child> = (0..2)
            .map(|_| {
                book.command(&["build"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("start a build")
            })
            .collect();
        for build in builds {
            let output = build.wait_with_output().expect("a build");
            let run = Run {
                success: output.status.success(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            };
            run.assert_success();
        }
        let site = book.path().join("book/html");
        assert_complete_site(&site);
        assert_no_work_folders(&book.path().join("book"));
        let pseudo = pseudo_translate(&added).expect("a pseudo translation");
        for language in ["zh", "es"] {
            assert!(
                read(&site.join(language).join("sums.html")).contains(&pseudo),
                "{language}: round {round}"
            );
        }
    }
}
