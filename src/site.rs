//! The multi-language site: a language switcher on every page of every book.
//!
//! After the books are rendered, each book's HTML folder gets a small script,
//! `mdbook-translate-languages.js`, and every page loads it. The script adds
//! a button to mdBook's menu bar, styled like the theme menu, whose entries
//! link to the same page in each other language. Links are relative, so the
//! site works from `file://` and under any sub-path.

use serde::Serialize;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The name of the script written into each book's HTML folder.
pub const SCRIPT_NAME: &str = "mdbook-translate-languages.js";

/// One rendered book of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookOutput {
    /// Its language code.
    pub language: String,
    /// The folder the HTML renderer wrote.
    pub html_dir: PathBuf,
}

/// An entry of the switcher, as the script receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SwitcherEntry {
    /// Language code.
    pub code: String,
    /// The language's own name.
    pub label: String,
    /// Path from the current book's root to this language's book root, ending in `/`.
    pub root: String,
}

/// The endonym of a language, for the menu.
pub fn language_label(code: &str) -> String {
    let label = match code {
        "en" => "English",
        "zh" | "zh-CN" | "zh-Hans" => "中文",
        "zh-TW" | "zh-Hant" => "繁體中文",
        "es" => "Español",
        "es-MX" => "Español (México)",
        "fr" => "Français",
        "de" => "Deutsch",
        "it" => "Italiano",
        "ja" => "日本語",
        "ko" => "한국어",
        "pt" | "pt-BR" => "Português",
        "pt-PT" => "Português (Portugal)",
        "ru" => "Русский",
        "ar" => "العربية",
        "hi" => "हिन्दी",
        "tr" => "Türkçe",
        "vi" => "Tiếng Việt",
        "id" => "Bahasa Indonesia",
        "uk" => "Українська",
        "pl" => "Polski",
        "nl" => "Nederlands",
        _ => return code.to_string(),
    };
    label.to_string()
}

/// The relative path from folder `from` to folder `to` (both absolute).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for component in &to[common..] {
        path.push(component);
    }
    path
}

/// The switcher entries for `book`, one per book of the site, in order.
pub fn switcher_entries(book: &BookOutput, books: &[BookOutput]) -> Vec<SwitcherEntry> {
    books
        .iter()
        .map(|other| {
            let relative = relative_path(&book.html_dir, &other.html_dir);
            let mut root: String = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if !root.is_empty() {
                root.push('/');
            }
            SwitcherEntry {
                code: other.language.clone(),
                label: language_label(&other.language),
                root,
            }
        })
        .collect()
}

/// Pages of a book: its `.html` files, without the sidebar frame and
/// without the folders of other books nested inside it.
pub fn book_pages(book: &BookOutput, books: &[BookOutput]) -> io::Result<Vec<PathBuf>> {
    let nested: Vec<&Path> = books
        .iter()
        .filter(|other| other.html_dir != book.html_dir && other.html_dir.starts_with(&book.html_dir))
        .map(|other| other.html_dir.as_path())
        .collect();
    let mut pages = Vec::new();
    let walk = walkdir::WalkDir::new(&book.html_dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|entry| !nested.contains(&entry.path()));
    for entry in walk {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type().is_file()
            && path.extension().is_some_and(|e| e == "html")
            && path.file_name().is_some_and(|n| n != "toc.html")
        {
            pages.push(path.strip_prefix(&book.html_dir).unwrap_or(path).to_path_buf());
        }
    }
    pages.sort();
    Ok(pages)
}

/// Writes the switcher script into every book and makes every page load it.
/// Returns the number of pages changed.
pub fn install_language_switcher(books: &[BookOutput]) -> io::Result<usize> {
    let mut n_pages = 0;
    for book in books {
        let entries = switcher_entries(book, books);
        let config = serde_json::json!({ "current": book.language, "languages": entries });
        let script = SCRIPT_TEMPLATE.replace("/*CONFIG*/null", &config.to_string());
        std::fs::write(book.html_dir.join(SCRIPT_NAME), script)?;
        for page in book_pages(book, books)? {
            let depth = page.components().count().saturating_sub(1);
            let tag = format!("<script src=\"{}{SCRIPT_NAME}\"></script>", "../".repeat(depth));
            let path = book.html_dir.join(&page);
            let html = std::fs::read_to_string(&path)?;
            if html.contains(SCRIPT_NAME) {
                continue;
            }
            let Some(body_end) = html.rfind("</body>") else {
                continue;
            };
            let mut changed = String::with_capacity(html.len() + tag.len() + 1);
            changed.push_str(&html[..body_end]);
            changed.push_str(&tag);
            changed.push('\n');
            changed.push_str(&html[body_end..]);
            std::fs::write(&path, changed)?;
            n_pages += 1;
        }
    }
    Ok(n_pages)
}

const SCRIPT_TEMPLATE: &str = include_str!("site/languages.js");

#[cfg(test)]
mod tests;
