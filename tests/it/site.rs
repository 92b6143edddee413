//! The multi-language site written by `mdbook-translate build`.

use crate::support::{copy_book, files_with_extension, project_dir};
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

#[test]
fn every_language_is_a_complete_book_with_a_working_switcher() {
    let book = copy_book(&project_dir().join("book-example"));
    let output = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .arg("build")
        .arg(book.path())
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let site = book.path().join("book");
    let books: Vec<BookOutput> = [("en", site.clone()), ("zh", site.join("zh")), ("es", site.join("es"))]
        .into_iter()
        .map(|(language, html_dir)| BookOutput {
            language: language.into(),
            html_dir,
        })
        .collect();

    let source_pages = pages(&site, &["zh", "es"]);
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
