//! Shared helpers: test books in temp dirs, in-process mdBook builds.

use mdbook_driver::MDBook;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use std::path::{Path, PathBuf};

/// The project's root folder.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// mdBooks to test against: the example and every corpus mdBook that is present.
pub fn fidelity_books() -> Vec<PathBuf> {
    let mut books = vec![project_dir().join("book-example")];
    let corpora = project_dir().join("../shared/corpora");
    match std::fs::read_dir(&corpora) {
        Ok(entries) => {
            let mut found: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.join("book.toml").exists())
                .collect();
            found.sort();
            books.extend(found);
        }
        Err(_) => eprintln!("note: {} is absent; testing the example book only", corpora.display()),
    }
    books
}

/// Copies a book (without its build output and store) into a temp dir.
pub fn copy_book(source: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(source, dir.path());
    dir
}

/// Copies the files under `from` to `to`, leaving out build output and stores.
fn copy_tree(from: &Path, to: &Path) {
    let walk = walkdir::WalkDir::new(from)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || (entry.file_name() != "book" && entry.file_name() != ".translate-cache")
        });
    for entry in walk {
        let entry = entry.expect("read dir");
        let target = to.join(entry.path().strip_prefix(from).expect("under the source"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Copies a book without its human translations (`po/`), for tests of the
/// machine pipeline.
pub fn copy_book_without_translations(source: &Path) -> tempfile::TempDir {
    let dir = copy_book(source);
    let po = dir.path().join("po");
    if po.exists() {
        std::fs::remove_dir_all(&po).expect("remove po");
    }
    dir
}

/// book.toml without its `[preprocessor.translate]` and `[output.translate]` tables.
pub fn without_translate_tables(toml: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in toml.lines() {
        if line.trim_start().starts_with('[') {
            skipping = matches!(line.trim(), "[preprocessor.translate]" | "[output.translate]");
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Writes book.toml: the original without the translate tables, plus `extra`.
pub fn write_book_toml(book: &Path, original: &str, extra: &str) {
    let toml = format!("{}\n{extra}\n", without_translate_tables(original));
    std::fs::write(book.join("book.toml"), toml).expect("write book.toml");
}

/// Builds the book in-process for `language` (or its own language) into `out`.
pub fn build_book(book: &Path, language: Option<&str>, out: &Path) -> anyhow::Result<()> {
    let mut mdbook = MDBook::load(book)?;
    if let Some(language) = language {
        mdbook.config.set("book.language", language)?;
    }
    mdbook.config.build.build_dir = out.to_path_buf();
    let mut mdbook = MDBook::load_with_config(book, mdbook.config)?;
    mdbook.with_preprocessor(TranslatePreprocessor::new());
    mdbook.build()
}

/// Every file under `dir` with extension `ext`, as paths relative to `dir`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .map(|entry| entry.expect("read dir"))
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == ext))
        .map(|entry| entry.path().strip_prefix(dir).expect("under dir").to_path_buf())
        .collect();
    found.sort();
    found
}

/// An HTTP client for loopback servers: statuses are answers, not errors.
pub fn http_agent(timeout: std::time::Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// `GET path` from 127.0.0.1:port: the status and the body, or `None` when
/// nothing answers.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut response = http_agent(std::time::Duration::from_secs(30))
        .get(&format!("http://127.0.0.1:{port}{path}"))
        .call()
        .ok()?;
    let body = response.body_mut().read_to_string().ok()?;
    Some((response.status().as_u16(), body))
}
