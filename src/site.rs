//! The multi-language site: what ties the books of every language together.
//!
//! Every page of every book carries:
//! - `<link rel="alternate" hreflang="…">` to the same page in each language,
//!   plus `x-default` (the source book's page): absolute when
//!   `[output.html] site-url` is set, relative otherwise;
//! - a list of the languages inside `<noscript>`, for readers without
//!   JavaScript;
//! - the switcher script, `mdbook-translate-languages.js`, which adds a
//!   button to mdBook's menu bar, styled like the theme menu, whose entries
//!   link to the same page in each other language. A theme that has a
//!   language picker of its own (`id="language-list"` or
//!   `id="language-toggle"`, as mdbook-i18n-helpers books have) gets no
//!   second one.
//!
//! The language books get this at render time, through their theme's
//! `head.hbs` and `header.hbs` ([`theme`]); the source book, which mdBook's
//! own HTML output renders, gets it written into its pages afterwards
//! ([`Site::add_to_rendered_pages`]). Links are relative unless `site-url`
//! is set, so the site works from `file://` and under any sub-path.

pub mod labels;
pub mod publish;
pub mod theme;

use crate::interface::escape_for_template;
use serde::Serialize;
use std::collections::BTreeMap;
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

/// One book of a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteBook {
    /// Its language code, as book.toml writes it.
    pub language: String,
    /// The switcher's name for the language.
    pub label: String,
    /// Where the book is (or will be, once swapped in).
    pub html_dir: PathBuf,
    /// The text of the language list's label ("Languages") in the book's language.
    pub languages_text: String,
    /// The switcher button's title ("Change language") in the book's language.
    pub change_language_text: String,
}

/// The books of a site and the pages they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Every book, the source first.
    pub books: Vec<SiteBook>,
    /// Each page that links to its other languages, by the path mdBook's
    /// templates know it by (`{{ path }}`: a chapter's markdown path, and
    /// `index.md` for the index page), to its HTML path, `/`-separated.
    pub pages: BTreeMap<String, String>,
    /// The source book's address, ending in `/`, when `site-url` is set.
    pub site_url: Option<String>,
    /// Whether the theme has a language picker of its own.
    pub theme_has_picker: bool,
}

/// The endonym of a language, for the menu (no book.toml overrides).
pub fn language_label(code: &str) -> String {
    match code.parse() {
        Ok(tag) => labels::language_label(&tag, &BTreeMap::new()),
        Err(_) => code.to_string(),
    }
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

/// The relative path from folder `from` to folder `to` as a URL prefix:
/// `/`-separated, ending in `/` unless empty.
fn relative_root(from: &Path, to: &Path) -> String {
    let mut root: String = relative_path(from, to)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    if !root.is_empty() {
        root.push('/');
    }
    root
}

/// The switcher entries for `book`, one per book of the site, in order.
pub fn switcher_entries(book: &BookOutput, books: &[BookOutput]) -> Vec<SwitcherEntry> {
    books
        .iter()
        .map(|other| SwitcherEntry {
            code: other.language.clone(),
            label: language_label(&other.language),
            root: relative_root(&book.html_dir, &other.html_dir),
        })
        .collect()
}

impl Site {
    /// The books as [`BookOutput`]s.
    pub fn outputs(&self) -> Vec<BookOutput> {
        self.books
            .iter()
            .map(|book| BookOutput {
                language: book.language.clone(),
                html_dir: book.html_dir.clone(),
            })
            .collect()
    }

    /// The site with the texts of book `index` in its own language.
    pub fn with_texts(&self, index: usize, interface: &crate::interface::Interface) -> Site {
        let mut site = self.clone();
        site.books[index].languages_text = interface.text("languages").to_string();
        site.books[index].change_language_text = interface.text("change-language").to_string();
        site
    }

    /// The switcher entries of book `from`, with the site's labels.
    pub fn switcher_entries(&self, from: usize) -> Vec<SwitcherEntry> {
        self.books
            .iter()
            .map(|other| SwitcherEntry {
                code: other.language.clone(),
                label: other.label.clone(),
                root: relative_root(&self.books[from].html_dir, &other.html_dir),
            })
            .collect()
    }

    /// The address of `page` in book `to`, as written in a page of book
    /// `from` whose root is `prefix` away; `page` and `prefix` are escaped
    /// for HTML already.
    fn href(&self, from: usize, to: usize, prefix: &str, page: &str) -> String {
        match &self.site_url {
            Some(url) => format!(
                "{}{}{page}",
                escape_for_template(url),
                escape_for_template(&relative_root(&self.books[0].html_dir, &self.books[to].html_dir))
            ),
            None => format!(
                "{prefix}{}{page}",
                escape_for_template(&relative_root(&self.books[from].html_dir, &self.books[to].html_dir))
            ),
        }
    }

    /// `<link rel="alternate">` elements of a page of book `from`: one
    /// per book and `x-default` (the source's).
    fn alternate_links(&self, from: usize, prefix: &str, page: &str) -> String {
        let mut links = String::new();
        for (to, book) in self.books.iter().enumerate() {
            links.push_str(&format!(
                "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                escape_for_template(&book.language),
                self.href(from, to, prefix, page)
            ));
        }
        links.push_str(&format!(
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\">\n",
            self.href(from, 0, prefix, page)
        ));
        links
    }

    /// The list of languages for readers without JavaScript, in a page of
    /// book `from`: a link to the page in every other language.
    fn language_list(&self, from: usize, prefix: &str, page: &str) -> String {
        let items: Vec<String> = self
            .books
            .iter()
            .enumerate()
            .map(|(to, book)| {
                let (code, label) = (escape_for_template(&book.language), escape_for_template(&book.label));
                if to == from {
                    format!("<strong lang=\"{code}\">{label}</strong>")
                } else {
                    let href = relative_root(&self.books[from].html_dir, &book.html_dir);
                    let href = format!("{prefix}{}{page}", escape_for_template(&href));
                    format!("<a href=\"{href}\" hreflang=\"{code}\" lang=\"{code}\">{label}</a>")
                }
            })
            .collect();
        format!(
            "<noscript><nav class=\"mdbook-translate-languages\" aria-label=\"{}\" \
             style=\"text-align: center; padding: 0.5em;\">{}</nav></noscript>\n",
            escape_for_template(&self.books[from].languages_text),
            items.join(" · ")
        )
    }

    /// The pages by template path, as a Handlebars object literal.
    fn pages_literal(&self) -> String {
        serde_json::to_string(&self.pages).expect("a map of strings serialises")
    }

    /// What the theme's `head.hbs` gets for book `from`: the alternate
    /// links of the page being rendered and the switcher script.
    pub fn head_template(&self, from: usize) -> String {
        let links = self.alternate_links(from, "{{ @root.path_to_root }}", "{{ page }}");
        let mut template = format!(
            "\n{{{{#with (lookup {} path) as |page|}}}}\n{links}{{{{/with}}}}\n",
            self.pages_literal()
        );
        if !self.theme_has_picker {
            template.push_str(&format!(
                "{{{{#unless is_toc_html}}}}<script defer src=\"{{{{ path_to_root }}}}{SCRIPT_NAME}\"></script>{{{{/unless}}}}\n"
            ));
        }
        template
    }

    /// What the theme's `header.hbs` gets for book `from`: the language
    /// list of the page being rendered.
    pub fn header_template(&self, from: usize) -> String {
        let list = self.language_list(from, "{{ @root.path_to_root }}", "{{ page }}");
        format!(
            "\n{{{{#with (lookup {} path) as |page|}}}}\n{list}{{{{/with}}}}\n",
            self.pages_literal()
        )
    }

    /// Writes the switcher script of book `from` into `dir` (its HTML
    /// folder, or the staging folder it is rendered into).
    pub fn write_switcher_script(&self, from: usize, dir: &Path) -> io::Result<()> {
        if self.theme_has_picker {
            return Ok(());
        }
        let book = &self.books[from];
        let config = serde_json::json!({
            "current": book.language,
            "languages": self.switcher_entries(from),
            "title": book.change_language_text,
            "label": book.languages_text,
        });
        let script = SCRIPT_TEMPLATE.replace("/*CONFIG*/null", &config.to_string());
        std::fs::write(dir.join(SCRIPT_NAME), script)
    }

    /// Adds the alternate links, the language list and the switcher to
    /// every page of book `from` that its renderer wrote without them
    /// (the source book, rendered by mdBook's HTML output). Returns the
    /// number of pages changed.
    pub fn add_to_rendered_pages(&self, from: usize) -> io::Result<usize> {
        let book = &self.books[from];
        self.write_switcher_script(from, &book.html_dir)?;
        let html_pages: BTreeMap<&str, ()> = self.pages.values().map(|page| (page.as_str(), ())).collect();
        let outputs = self.outputs();
        let mut n_pages = 0;
        for page in book_pages(&outputs[from], &outputs)? {
            let page_path = page
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let prefix = "../".repeat(page.components().count().saturating_sub(1));
            let path = book.html_dir.join(&page);
            let html = std::fs::read_to_string(&path)?;
            if html.contains("mdbook-translate-languages") {
                continue;
            }
            let escaped_page = escape_for_template(&page_path);
            let (head, body) = if html_pages.contains_key(page_path.as_str()) {
                (
                    self.alternate_links(from, &prefix, &escaped_page),
                    self.language_list(from, &prefix, &escaped_page),
                )
            } else {
                (String::new(), String::new())
            };
            let script = if self.theme_has_picker {
                String::new()
            } else {
                format!("<script src=\"{prefix}{SCRIPT_NAME}\"></script>\n")
            };
            publish::overwrite(&path, add_to_page(&html, &head, &body, &script).as_bytes())?;
            n_pages += 1;
        }
        Ok(n_pages)
    }
}

/// `html` with `head` before `</head>`, `body` where mdBook's theme puts
/// its header (after `<div class="page">`, else after `<body>`), and
/// `script` before `</body>`.
fn add_to_page(html: &str, head: &str, body: &str, script: &str) -> String {
    let mut out = String::with_capacity(html.len() + head.len() + body.len() + script.len());
    let head_end = html.find("</head>").unwrap_or(0);
    let body_at = ["<div class=\"page\">", "<body>"]
        .iter()
        .find_map(|marker| html[head_end..].find(marker).map(|at| head_end + at + marker.len()))
        .unwrap_or(head_end);
    let body_end = html
        .rfind("</body>")
        .filter(|&end| end >= body_at)
        .unwrap_or(html.len());
    out.push_str(&html[..head_end]);
    out.push_str(head);
    out.push_str(&html[head_end..body_at]);
    out.push_str(body);
    out.push_str(&html[body_at..body_end]);
    out.push_str(script);
    out.push_str(&html[body_end..]);
    out
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
        .filter_entry(|entry| {
            !nested.contains(&entry.path()) && !entry.file_name().to_string_lossy().starts_with(publish::WORK_PREFIX)
        });
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

const SCRIPT_TEMPLATE: &str = include_str!("site/languages.js");

#[cfg(test)]
mod tests;
