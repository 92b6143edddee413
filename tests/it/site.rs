//! The multi-language site, written by `mdbook build` with the `translate`
//! output (mdBook in-process, the binary through mdBook's protocols) and by
//! `mdbook-translate build`.

use crate::support::{Run, TestBook, files_with_extension};
use mdbook_driver::MDBook;
use mdbook_translate::site::{BookOutput, SCRIPT_NAME, switcher_entries};
use mdbook_translate::translate::pseudo_translate;
use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Chapter pages of a book folder, without the other languages' folders.
fn pages(dir: &Path, languages: &[&str]) -> BTreeSet<PathBuf> {
    files_with_extension(dir, "html")
        .into_iter()
        .filter(|p| !languages.iter().any(|l| p.starts_with(l)))
        .collect()
}

/// Checks the site whose source book is in `site`, with the example's
/// languages in `<site>/zh` and `<site>/es`: every language has an index and
/// the same pages as the source, every page has its `lang` and loads the
/// switcher, every switcher entry leads to the same page in that language,
/// every chapter page has its alternates and its list for readers without
/// JavaScript, and every link to a heading anchor resolves.
pub(crate) fn assert_complete_site(site: &Path) {
    assert_complete_site_at(site, None);
}

/// The page an `href` of the page `page` (a file under `site`) leads to:
/// relative to the page, or under `site_url` when it starts with it.
fn resolve_href(site: &Path, page: &Path, site_url: Option<&str>, href: &str) -> PathBuf {
    match site_url.and_then(|url| href.strip_prefix(url)) {
        Some(rest) => site.join(rest),
        None => {
            assert!(
                !href.contains(':') && !href.starts_with('/'),
                "{}: a relative href, not {href}",
                page.display()
            );
            page.parent().expect("a folder").join(href)
        }
    }
}

/// Checks that `html`, the page `page` of the `language` book, links to the
/// same page (`relative`) in every book of `books` with an alternate link and
/// an `x-default` one, and lists the other books for readers without JavaScript.
fn assert_alternates(
    site: &Path,
    site_url: Option<&str>,
    books: &[BookOutput],
    language: &str,
    page: &Path,
    relative: &Path,
    html: &str,
) {
    let alternate = Regex::new(r#"<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">"#).expect("valid");
    let found: Vec<(String, String)> = alternate
        .captures_iter(html)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    let mut expected: Vec<(String, PathBuf)> = books
        .iter()
        .map(|b| (b.language.clone(), b.html_dir.join(relative)))
        .collect();
    expected.push(("x-default".to_string(), books[0].html_dir.join(relative)));
    assert_eq!(found.len(), expected.len(), "{}: {found:?}", page.display());
    for ((hreflang, href), (language, target)) in found.iter().zip(&expected) {
        assert_eq!(hreflang, language, "{}", page.display());
        let resolved = resolve_href(site, page, site_url, &href.replace("&amp;", "&"));
        assert_eq!(
            resolved
                .canonicalize()
                .unwrap_or_else(|e| panic!("{}: {href}: {e}", page.display())),
            target.canonicalize().expect("the target page"),
            "{}: {hreflang}",
            page.display()
        );
    }
    let noscript = html
        .split("<noscript><nav class=\"mdbook-translate-languages\"")
        .nth(1)
        .and_then(|rest| rest.split("</noscript>").next())
        .unwrap_or_else(|| panic!("{}: no language list for readers without JavaScript", page.display()));
    let link = Regex::new(r#"<a href="([^"]+)" hreflang="([^"]+)""#).expect("valid");
    let listed: Vec<String> = link.captures_iter(noscript).map(|c| c[2].to_string()).collect();
    let others: Vec<String> = books
        .iter()
        .map(|b| b.language.clone())
        .filter(|l| l != language)
        .collect();
    assert_eq!(listed, others, "{}", page.display());
    for c in link.captures_iter(noscript) {
        let target = page.parent().expect("a folder").join(c[1].replace("&amp;", "&"));
        assert!(
            target.is_file(),
            "{}: the list's {} leads nowhere",
            page.display(),
            &c[1]
        );
    }
}

/// [`assert_complete_site`] for a site whose `site-url` is `site_url`.
pub(crate) fn assert_complete_site_at(site: &Path, site_url: Option<&str>) {
    let books: Vec<BookOutput> = [
        ("en", site.to_path_buf()),
        ("zh", site.join("zh")),
        ("es", site.join("es")),
    ]
    .into_iter()
    .map(|(language, html_dir)| BookOutput {
        language: language.into(),
        html_dir,
    })
    .collect();
    for book in &books {
        assert!(
            book.html_dir.join("index.html").exists(),
            "{}: no index.html",
            book.html_dir.display()
        );
    }
    let source_pages = pages(site, &["zh", "es"]);
    assert!(
        source_pages.iter().any(|page| page.components().count() > 1),
        "a page in a folder, for the relative links: {source_pages:?}"
    );
    let anchor_link = Regex::new(r##"href="([^"#:]+\.html)#([^"]+)""##).expect("valid");
    let mut n_anchor_links = Vec::new();
    for language_book in &books {
        let mut n_book_anchor_links = 0;
        let book_pages = pages(&language_book.html_dir, &["zh", "es"]);
        assert_eq!(
            book_pages, source_pages,
            "{}: the same pages as the source",
            language_book.language
        );
        let script = read(&language_book.html_dir.join(SCRIPT_NAME));
        let entries = switcher_entries(language_book, &books);
        for page in &book_pages {
            let path = language_book.html_dir.join(page);
            let html = read(&path);
            if page.file_name().is_some_and(|n| n == "toc.html") {
                continue;
            }
            assert!(
                html.contains(&format!("<html lang=\"{}\"", language_book.language)),
                "{}: lang attribute",
                path.display()
            );
            assert!(html.contains(SCRIPT_NAME), "{}: loads the switcher", path.display());
            if page != Path::new("404.html") {
                assert_stylesheets_resolve(&path, &html);
            }
            let is_chapter = !["print.html", "404.html"].iter().any(|name| page == Path::new(name));
            if is_chapter {
                assert_alternates(site, site_url, &books, &language_book.language, &path, page, &html);
            }
            // Every switcher entry leads to the same page in that language.
            for entry in &entries {
                assert!(
                    script.contains(&format!("\"root\":\"{}\"", entry.root)),
                    "{}",
                    entry.root
                );
                let target = language_book.html_dir.join(&entry.root).join(page);
                assert!(
                    target.exists(),
                    "{} → {}: {} is missing",
                    path.display(),
                    entry.code,
                    target.display()
                );
            }
            // Heading anchors used by links between chapters resolve.
            for link in anchor_link.captures_iter(&html) {
                n_book_anchor_links += 1;
                let target_page = path.parent().expect("a folder").join(&link[1]);
                let target = read(&target_page);
                assert!(
                    target.contains(&format!("id=\"{}\"", &link[2])),
                    "{}: #{} does not resolve in {}",
                    path.display(),
                    &link[2],
                    target_page.display()
                );
            }
        }
        n_anchor_links.push(n_book_anchor_links);
        if language_book.language != "en" {
            let fonts = files_with_extension(&language_book.html_dir, "woff2");
            assert!(
                fonts.is_empty(),
                "{}: the source book's fonts are loaded, not copies: {fonts:?}",
                language_book.language
            );
        }
    }
    assert!(
        n_anchor_links[0] > 0 && n_anchor_links.iter().all(|&n| n == n_anchor_links[0]),
        "links to heading anchors checked in each language: {n_anchor_links:?}"
    );
}

/// Every stylesheet the page at `path` links, and every stylesheet those
/// import, is a file of the site.
fn assert_stylesheets_resolve(path: &Path, html: &str) {
    let stylesheet = Regex::new(r#"<link rel="stylesheet"[^>]* href="([^"]+)""#).expect("valid");
    let import = Regex::new(r#"@import url\("([^"]+)"\)"#).expect("valid");
    let mut n_imports = 0;
    for link in stylesheet.captures_iter(html) {
        let css = path.parent().expect("a folder").join(&link[1]);
        assert!(css.is_file(), "{}: {} is missing", path.display(), &link[1]);
        for imported in import.captures_iter(&read(&css)) {
            n_imports += 1;
            let target = css.parent().expect("a folder").join(&imported[1]);
            assert!(
                target.is_file(),
                "{}: {} imports {}, which is missing",
                path.display(),
                css.display(),
                &imported[1]
            );
        }
    }
    assert!(
        stylesheet.is_match(html) && n_imports <= 1,
        "{}: stylesheets, at most one imported",
        path.display()
    );
}

/// Sets mdBook's `command` of both translate tables of `book` to this
/// crate's binary, for an in-process mdBook that does not search the PATH.
fn point_commands_at_the_binary(book: &TestBook) {
    let command = format!("command = \"'{}'\"\n", env!("CARGO_BIN_EXE_mdbook-translate"));
    book.replace(
        "book.toml",
        "[preprocessor.translate]\n",
        &format!("[preprocessor.translate]\n{command}"),
    )
    .replace(
        "book.toml",
        "[output.translate]\n",
        &format!("[output.translate]\n{command}"),
    );
}

/// Each language's 404 page links to its own book's files.
fn assert_404_bases(site: &Path, site_url: &str) {
    for language in ["", "zh/", "es/"] {
        let base = format!("{site_url}{language}");
        let page = read(&site.join(format!("{language}404.html")));
        assert!(
            page.contains(&format!("<base href=\"{base}\">")),
            "{language}404.html: {base}"
        );
    }
}

#[test]
fn the_build_command_writes_a_complete_site() {
    let book = TestBook::new("site");
    book.run(&["build"]).assert_success();
    assert_complete_site(&book.path().join("book/html"));
    // Without `site-url`, mdBook's default `/` for the source book.
    assert_404_bases(&book.path().join("book/html"), "/");
}

#[test]
fn the_build_command_builds_the_languages_asked_for() {
    let book = TestBook::new("minimal");
    let run = book.run(&["build", "-l", "ZH"]).assert_success();
    let site = book.path().join("book/html");
    assert!(
        site.join("index.html").exists() && site.join("zh/index.html").exists(),
        "{}",
        run.stderr
    );
    assert!(!site.join("es").exists(), "{}", run.stderr);
    book.run(&["build", "-l", "fr"])
        .assert_failure_saying("`fr` is not a language of this book: the list is zh, es");
}

/// Panics unless the page is the zh translation of the minimal book's index.
fn assert_zh_index(index: &str) {
    let heading = pseudo_translate("Introduction").expect("a pseudo translation");
    assert!(
        index.contains("<html lang=\"zh\"") && index.contains(&heading),
        "the zh book: {index}"
    );
}

/// The layouts of book.toml's outputs a one-language build is tried with.
#[derive(Debug, Clone, Copy)]
enum Outputs {
    HtmlAndTranslate,
    Html,
    Translate,
}

#[test]
fn the_build_command_builds_one_language_when_told_so() {
    for outputs in [Outputs::HtmlAndTranslate, Outputs::Html, Outputs::Translate] {
        let book = TestBook::new("minimal");
        match outputs {
            Outputs::HtmlAndTranslate => {}
            Outputs::Html => drop(book.replace("book.toml", "[output.translate]\n", "")),
            Outputs::Translate => drop(book.replace("book.toml", "[output.html]\n", "")),
        }
        let dest = book.path().join("zh");
        let run = Run::of(
            book.command(&["build"])
                .env("MDBOOK_BOOK__LANGUAGE", "zh")
                .arg("--dest-dir")
                .arg(&dest),
        )
        .assert_success();
        let html = match outputs {
            Outputs::HtmlAndTranslate => dest.join("html"),
            _ => dest.clone(),
        };
        let index = read(&html.join("index.html"));
        assert_zh_index(&index);
        assert!(
            !html.join("zh").exists() && !html.join("es").exists(),
            "one language: {}",
            run.stderr
        );
        assert!(!index.contains(SCRIPT_NAME), "no switcher for one language");
        assert!(!dest.join("translate").exists(), "no empty folder for the output");
        // mdBook's interface in the language, whoever rendered the page.
        assert!(
            index.contains("title=\"打印本书\"") && index.contains(">浅色<"),
            "{outputs:?}: {index}"
        );
    }
}

#[test]
fn a_plain_mdbook_build_writes_a_complete_site() {
    let book = TestBook::new("site");
    point_commands_at_the_binary(&book);
    // Under a sub-path, each language's 404 page has its own base.
    book.replace(
        "book.toml",
        "[output.html]\n",
        "[output.html]\nsite-url = \"/docs/book/\"\n",
    );
    // What `mdbook build` does: load (with MDBOOK_* overrides) and build.
    MDBook::load(book.path()).expect("load").build().expect("mdbook build");
    let site = book.path().join("book/html");
    assert_complete_site_at(&site, Some("/docs/book/"));
    assert_404_bases(&site, "/docs/book/");
    assert!(
        !book.path().join("book/translate").exists(),
        "no empty folder is left for the translate output"
    );
}

#[test]
fn the_translate_output_alone_writes_the_site_into_the_build_folder() {
    let book = TestBook::new("site");
    point_commands_at_the_binary(&book);
    book.replace("book.toml", "[output.html]\n", "");
    let mut mdbook = MDBook::load(book.path()).expect("load");
    // As `mdbook serve` does, after the outputs are chosen.
    mdbook.config.set("output.html.site-url", "/").expect("set");
    mdbook.build().expect("mdbook build");
    assert_complete_site_at(&book.path().join("book"), Some("/"));
}

#[test]
fn a_one_language_build_is_that_language_alone() {
    let book = TestBook::new("minimal");
    point_commands_at_the_binary(&book);
    let dest = book.path().join("zh-only");
    // `MDBOOK_BOOK__LANGUAGE=zh mdbook build -d zh-only`
    let mut mdbook = MDBook::load(book.path()).expect("load");
    mdbook.config.set("book.language", "zh").expect("set");
    mdbook.config.build.build_dir = dest.clone();
    MDBook::load_with_config(book.path(), mdbook.config)
        .expect("load")
        .build()
        .expect("mdbook build");
    assert_zh_index(&read(&dest.join("html/index.html")));
    assert!(
        !dest.join("html/zh").exists() && !dest.join("html/es").exists(),
        "no other language"
    );
    assert!(!dest.join("translate").exists(), "no empty folder for the output");
}

#[test]
fn the_build_command_runs_the_books_other_outputs_too() {
    let book = TestBook::new("site");
    book.replace(
        "book.toml",
        "[output.translate]\n",
        "[output.translate]\n\n[output.markdown]\n",
    );
    book.run(&["build"]).assert_success();
    assert_complete_site(&book.path().join("book/html"));
    let markdown = read(&book.path().join("book/markdown/sums.md"));
    assert!(!markdown.is_empty(), "mdBook's markdown output wrote the chapters");
    assert!(
        !book.path().join("book/translate").exists(),
        "the translate output has no folder of its own"
    );
}

#[test]
fn without_the_output_the_build_command_builds_every_language_all_the_same() {
    let book = TestBook::new("site");
    book.replace("book.toml", "[output.translate]\n", "");
    book.run(&["build"]).assert_success();
    assert_complete_site(&book.path().join("book"));
}

#[test]
fn the_output_without_languages_says_where_to_list_them() {
    let book = TestBook::new("minimal");
    book.replace("book.toml", "languages = [\"zh\", \"es\"]\n", "");
    let run = book.run(&["build"]).assert_success();
    assert!(
        run.stderr.contains(
            "`[output.translate]` has no language to build: list them in `[preprocessor.translate] languages`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        book.path().join("book/html/index.html").exists(),
        "the source book is built"
    );
}

#[test]
fn unknown_keys_of_the_output_are_refused() {
    let book = TestBook::new("minimal");
    book.replace(
        "book.toml",
        "[output.translate]\n",
        "[output.translate]\ntheme = \"dark\"\n",
    );
    book.run(&["build"])
        .assert_failure_saying("`[output.translate] theme`: unknown key");
}
