//! The multi-language site, written by `mdbook build` with the `translate`
//! output (mdBook in-process, the binary through mdBook's protocols) and by
//! `mdbook-translate build`.

use crate::support::{copy_book, files_with_extension, project_dir};
use mdbook_driver::MDBook;
use mdbook_translate::site::{BookOutput, SCRIPT_NAME, switcher_entries};
use regex::Regex;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

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
/// and every link to a heading anchor resolves.
pub(crate) fn assert_complete_site(site: &Path) {
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
    assert!(source_pages.len() >= 8, "{source_pages:?}");
    let anchor_link = Regex::new(r##"href="([^"#:]+\.html)#([^"]+)""##).expect("valid");
    let mut n_anchor_links = 0;
    for language_book in &books {
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
                n_anchor_links += 1;
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
    }
    assert!(
        n_anchor_links >= 3 * 5,
        "{n_anchor_links} links to heading anchors checked"
    );
}

/// Runs the binary with `args`; panics with its stderr when it fails.
fn run_ok(args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .args(args)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

/// Sets mdBook's `command` of both translate tables of `book` to this
/// crate's binary, for an in-process mdBook that does not search the PATH.
fn point_commands_at_the_binary(book: &Path) {
    let binary = env!("CARGO_BIN_EXE_mdbook-translate");
    let toml = read(&book.join("book.toml"));
    let command = format!("command = \"'{binary}'\"\n");
    let toml = toml
        .replace(
            "[preprocessor.translate]\n",
            &format!("[preprocessor.translate]\n{command}"),
        )
        .replace("[output.translate]\n", &format!("[output.translate]\n{command}"));
    std::fs::write(book.join("book.toml"), toml).expect("write book.toml");
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
    let book = copy_book(&project_dir().join("book-example"));
    run_ok(&["build".as_ref(), book.path().as_os_str()]);
    assert_complete_site(&book.path().join("book/html"));
    // Without `site-url`, mdBook's default `/` for the source book.
    assert_404_bases(&book.path().join("book/html"), "/");
}

#[test]
fn the_build_command_builds_the_languages_asked_for() {
    let book = copy_book(&project_dir().join("book-example"));
    let stderr = run_ok(&["build".as_ref(), book.path().as_os_str(), "-l".as_ref(), "ZH".as_ref()]);
    let site = book.path().join("book/html");
    assert!(
        site.join("index.html").exists() && site.join("zh/index.html").exists(),
        "{stderr}"
    );
    assert!(!site.join("es").exists(), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .args(["build", "-l", "fr"])
        .arg(book.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("`fr` is not a language of this book: the list is zh, es"),
        "{stderr}"
    );
}

#[test]
fn the_build_command_builds_one_language_when_told_so() {
    let book = copy_book(&project_dir().join("book-example"));
    for with_output in [true, false] {
        if !with_output {
            let toml = read(&book.path().join("book.toml")).replace("[output.translate]\n", "");
            std::fs::write(book.path().join("book.toml"), toml).expect("write book.toml");
        }
        let dest = book.path().join(format!("zh-{with_output}"));
        let output = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
            .env("MDBOOK_BOOK__LANGUAGE", "zh")
            .arg("build")
            .arg(book.path())
            .arg("--dest-dir")
            .arg(&dest)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        let html = if with_output { dest.join("html") } else { dest.clone() };
        let index = read(&html.join("index.html"));
        assert!(
            index.contains("<html lang=\"zh\"") && index.contains("引言"),
            "{stderr}"
        );
        assert!(
            !html.join("zh").exists() && !html.join("es").exists(),
            "one language: {stderr}"
        );
        assert!(!index.contains(SCRIPT_NAME), "no switcher for one language");
        assert!(!dest.join("translate").exists(), "no empty folder for the output");
    }
}

#[test]
fn a_plain_mdbook_build_writes_a_complete_site() {
    let book = copy_book(&project_dir().join("book-example"));
    point_commands_at_the_binary(book.path());
    // Under a sub-path, each language's 404 page has its own base.
    let toml =
        read(&book.path().join("book.toml")).replace("[output.html]\n", "[output.html]\nsite-url = \"/docs/book/\"\n");
    std::fs::write(book.path().join("book.toml"), toml).expect("write book.toml");
    // What `mdbook build` does: load (with MDBOOK_* overrides) and build.
    MDBook::load(book.path()).expect("load").build().expect("mdbook build");
    let site = book.path().join("book/html");
    assert_complete_site(&site);
    assert_404_bases(&site, "/docs/book/");
    assert!(
        !book.path().join("book/translate").exists(),
        "no empty folder is left for the translate output"
    );
}

#[test]
fn the_translate_output_alone_writes_the_site_into_the_build_folder() {
    let book = copy_book(&project_dir().join("book-example"));
    point_commands_at_the_binary(book.path());
    let toml = read(&book.path().join("book.toml"))
        .replace("[output.html]\n", "")
        .replace("mathjax-support = true\n", "");
    std::fs::write(book.path().join("book.toml"), toml).expect("write book.toml");
    let mut mdbook = MDBook::load(book.path()).expect("load");
    // As `mdbook serve` does, after the outputs are chosen.
    mdbook.config.set("output.html.site-url", "/").expect("set");
    mdbook.build().expect("mdbook build");
    assert_complete_site(&book.path().join("book"));
}

#[test]
fn a_one_language_build_is_that_language_alone() {
    let book = copy_book(&project_dir().join("book-example"));
    point_commands_at_the_binary(book.path());
    let dest = book.path().join("zh-only");
    // `MDBOOK_BOOK__LANGUAGE=zh mdbook build -d zh-only`
    let mut mdbook = MDBook::load(book.path()).expect("load");
    mdbook.config.set("book.language", "zh").expect("set");
    mdbook.config.build.build_dir = dest.clone();
    MDBook::load_with_config(book.path(), mdbook.config)
        .expect("load")
        .build()
        .expect("mdbook build");
    let index = read(&dest.join("html/index.html"));
    assert!(
        index.contains("<html lang=\"zh\"") && index.contains("引言"),
        "the zh book"
    );
    assert!(
        !dest.join("html/zh").exists() && !dest.join("html/es").exists(),
        "no other language"
    );
    assert!(!dest.join("translate").exists(), "no empty folder for the output");
}

#[test]
fn without_the_output_the_build_command_builds_every_language_all_the_same() {
    let book = copy_book(&project_dir().join("book-example"));
    let toml = read(&book.path().join("book.toml")).replace("[output.translate]\n", "");
    std::fs::write(book.path().join("book.toml"), toml).expect("write book.toml");
    run_ok(&["build".as_ref(), book.path().as_os_str()]);
    assert_complete_site(&book.path().join("book"));
}

#[test]
fn the_output_without_languages_says_where_to_list_them() {
    let book = copy_book(&project_dir().join("book-example"));
    let toml = read(&book.path().join("book.toml")).replace("languages = [\"zh\", \"es\"]\n", "");
    std::fs::write(book.path().join("book.toml"), toml).expect("write book.toml");
    let stderr = run_ok(&["build".as_ref(), book.path().as_os_str()]);
    assert!(
        stderr.contains(
            "`[output.translate]` has no language to build: list them in `[preprocessor.translate] languages`"
        ),
        "{stderr}"
    );
    assert!(
        book.path().join("book/html/index.html").exists(),
        "the source book is built"
    );
}

#[test]
fn unknown_keys_of_the_output_are_refused() {
    let book = copy_book(&project_dir().join("book-example"));
    let toml =
        read(&book.path().join("book.toml")).replace("[output.translate]\n", "[output.translate]\ntheme = \"dark\"\n");
    std::fs::write(book.path().join("book.toml"), toml).expect("write book.toml");
    let output = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .arg("build")
        .arg(book.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("`[output.translate] theme`: unknown key"), "{stderr}");
}
