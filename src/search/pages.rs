//! The search documents of a book read from its rendered pages, as mdBook's
//! search reads them from its chapter trees.
//!
//! mdBook builds an English index of every section while it renders, which
//! is about half of a render's time, and the index of a book in another
//! language is then built again with the tokenizer of that language. So
//! the books this tool renders are rendered with mdBook's per-chapter
//! search switch off for every chapter (`[output.html.search.chapter]`,
//! key `""`): mdBook still writes the search box, its scripts and an index
//! file with its options, and the documents are read here from each
//! chapter's page instead: the chapter is what the page holds in `<main>`,
//! serialized from the very tree mdBook's search walks. The walk is
//! mdBook's own (`mdbook-html`, `html_handlebars/search.rs`): a section
//! starts at each heading of level `heading-split-level` or above that has
//! an id, the breadcrumbs are the chapter's parents, the chapter and the
//! headings above, and `<script>` and `<style>` are skipped. mdBook's
//! per-chapter settings of book.toml still choose the chapters.

use html5ever::TokenizerResult;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use mdbook_driver::book::Book;
use mdbook_driver::config::{Search, SearchChapterSettings};
use regex::Regex;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// One search document: a section of a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The page and anchor, as mdBook writes them into `doc_urls`.
    pub url: String,
    /// The heading (or the chapter's name when the section has none).
    pub title: String,
    /// The text of the section.
    pub body: String,
    /// Parents, chapter and headings above, joined by ` » `.
    pub breadcrumbs: String,
}

impl Section {
    /// The value of the index field `field`.
    pub fn field(&self, field: &str) -> &str {
        match field {
            "title" => &self.title,
            "body" => &self.body,
            "breadcrumbs" => &self.breadcrumbs,
            _ => "",
        }
    }
}

/// What the index of one book is built from: the chapters whose pages are
/// read, in book order.
#[derive(Debug, Clone)]
pub struct PageIndex {
    chapters: Vec<IndexedChapter>,
    split_level: u8,
}

#[derive(Debug, Clone)]
struct IndexedChapter {
    html_path: PathBuf,
    /// The chapter's parents and name: the first breadcrumbs.
    names: Vec<String>,
}

/// A page template that holds the chapter alone in `<main>`, as mdBook's
/// own does.
static CONTENT_IN_MAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<main>\s*\{\{\{\s*content\s*\}\}\}\s*</main>").expect("valid regex"));

impl PageIndex {
    /// The index of `book` rendered with `search` and the page template
    /// `index_hbs`; `None` when search is off, when no chapter is indexed,
    /// or when the template does not hold the chapter alone in `<main>`
    /// (then mdBook indexes the book itself).
    pub fn plan(book: &Book, search: Option<&Search>, index_hbs: &str) -> Option<PageIndex> {
        let default = Search::default();
        let search = search.unwrap_or(&default);
        if !search.enable || !CONTENT_IN_MAIN.is_match(index_hbs) {
            return None;
        }
        let settings = sorted_settings(search);
        let chapters: Vec<IndexedChapter> = book
            .chapters()
            .filter(|chapter| {
                let path = chapter.source_path.as_deref().or(chapter.path.as_deref());
                path.is_some_and(|path| enabled(&settings, path))
            })
            .filter_map(|chapter| {
                let mut names = chapter.parent_names.clone();
                names.push(chapter.name.clone());
                Some(IndexedChapter {
                    html_path: chapter.path.as_ref()?.with_extension("html"),
                    names,
                })
            })
            .collect();
        (!chapters.is_empty()).then_some(PageIndex {
            chapters,
            split_level: search.heading_split_level,
        })
    }

    /// The value of `output.html.search.chapter` under which mdBook indexes
    /// no chapter.
    pub fn mdbook_chapter_settings() -> serde_json::Value {
        serde_json::json!({ "": { "enable": false } })
    }

    /// The documents of the book rendered into `html_dir`.
    pub fn sections(&self, html_dir: &Path) -> anyhow::Result<Vec<Section>> {
        let mut sections = Vec::new();
        for chapter in &self.chapters {
            let path = html_dir.join(&chapter.html_path);
            let page = std::fs::read_to_string(&path)
                .map_err(|error| anyhow::anyhow!("reading {} for the search index: {error}", path.display()))?;
            let Some(content) = main_content(&page) else {
                anyhow::bail!(
                    "{} has no `<main>…</main>` holding the chapter; the search index reads the chapter there",
                    path.display()
                );
            };
            let url = chapter.html_path.to_string_lossy().replace('\\', "/");
            chapter_sections(content, &url, &chapter.names, self.split_level, &mut sections);
        }
        Ok(sections)
    }
}

/// book.toml's per-chapter settings, shortest path first (mdBook's order:
/// a longer path overrides a shorter one).
fn sorted_settings(search: &Search) -> Vec<(PathBuf, SearchChapterSettings)> {
    let mut settings: Vec<_> = search
        .chapter
        .iter()
        .map(|(path, settings)| (PathBuf::from(path), settings.clone()))
        .collect();
    settings.sort_by(|a, b| a.0.cmp(&b.0));
    settings
}

fn enabled(settings: &[(PathBuf, SearchChapterSettings)], source_path: &Path) -> bool {
    settings
        .iter()
        .filter(|(path, _)| source_path.starts_with(path))
        .fold(None, |enable, (_, settings)| settings.enable.or(enable))
        .unwrap_or(true)
}

/// What the page holds between its first `<main>` and its last `</main>`.
fn main_content(page: &str) -> Option<&str> {
    let start = page.find("<main>")? + "<main>".len();
    let end = page.rfind("</main>")?;
    (start <= end).then(|| &page[start..end])
}

/// What the walk of a chapter sees.
enum Event {
    /// An element opens: its heading level, if a heading, and its id.
    Open {
        level: Option<u8>,
        id: Option<String>,
    },
    /// An element closes: its heading level, if a heading.
    Close {
        level: Option<u8>,
    },
    Text(String),
}

/// Collects the events of a chapter's HTML, the text of `<script>` and
/// `<style>` left out.
#[derive(Default)]
struct EventSink {
    events: RefCell<Vec<Event>>,
    skipping: RefCell<Option<String>>,
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some(level - b'0'),
        _ => None,
    }
}

impl TokenSink for EventSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut skipping = self.skipping.borrow_mut();
        let mut events = self.events.borrow_mut();
        match token {
            Token::TagToken(tag) if skipping.is_some() => {
                // Only the end tag ends raw text: nothing else is a tag in it.
                let ends = tag.kind == TagKind::EndTag && skipping.as_deref() == Some(&*tag.name);
                if ends {
                    *skipping = None;
                }
            }
            Token::TagToken(tag) => {
                let name = &*tag.name;
                let level = heading_level(name);
                match tag.kind {
                    TagKind::StartTag if matches!(name, "script" | "style") && !tag.self_closing => {
                        *skipping = Some(name.to_string());
                        let kind = if name == "script" {
                            RawKind::ScriptData
                        } else {
                            RawKind::Rawtext
                        };
                        return TokenSinkResult::RawData(kind);
                    }
                    TagKind::StartTag => {
                        let id = tag
                            .attrs
                            .iter()
                            .find(|attribute| &*attribute.name.local == "id")
                            .map(|attribute| attribute.value.to_string());
                        events.push(Event::Open { level, id });
                    }
                    TagKind::EndTag => events.push(Event::Close { level }),
                }
            }
            Token::CharacterTokens(text) if skipping.is_none() => match events.last_mut() {
                Some(Event::Text(last)) => last.push_str(&text),
                _ => events.push(Event::Text(text.to_string())),
            },
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn events(html: &str) -> Vec<Event> {
    let tokenizer = Tokenizer::new(EventSink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    while let TokenizerResult::Script(()) = tokenizer.feed(&input) {}
    tokenizer.end();
    tokenizer.sink.events.take()
}

/// The sections of one chapter, walked as mdBook's `index_chapter` walks
/// the chapter's tree, appended to `sections`.
fn chapter_sections(content: &str, url: &str, names: &[String], split_level: u8, sections: &mut Vec<Section>) {
    let mut in_heading = false;
    let mut section_id: Option<String> = None;
    let mut heading = String::new();
    let mut body = String::new();
    let mut breadcrumbs = names.to_vec();
    let mut add = |id: &str, title: &str, body: &str, breadcrumbs: &[String]| {
        let url = if id.is_empty() {
            url.to_string()
        } else {
            format!("{url}#{id}")
        };
        sections.push(Section {
            url,
            title: collapse_white_space(title.trim()),
            body: collapse_white_space(body.trim()),
            breadcrumbs: collapse_white_space(breadcrumbs.join(" » ").trim()),
        });
    };
    for event in events(content) {
        match event {
            Event::Open {
                level: Some(level),
                id: Some(id),
            } if level <= split_level => {
                if !heading.is_empty() {
                    add(section_id.as_deref().unwrap_or(""), &heading, &body, &breadcrumbs);
                    heading.clear();
                    body.clear();
                    breadcrumbs.pop();
                }
                section_id = Some(id);
                in_heading = true;
            }
            Event::Open { .. } if in_heading => heading.push(' '),
            Event::Open { .. } => body.push(' '),
            Event::Text(text) if in_heading => heading.push_str(&text),
            Event::Text(text) => body.push_str(&text),
            Event::Close { level: Some(level) } if level <= split_level => {
                in_heading = false;
                breadcrumbs.push(heading.clone());
            }
            Event::Close { .. } => {}
        }
    }
    if !body.is_empty() || !heading.is_empty() {
        let title = if heading.is_empty() {
            breadcrumbs.first().cloned().unwrap_or_default()
        } else {
            heading.clone()
        };
        add(section_id.as_deref().unwrap_or(""), &title, &body, &breadcrumbs);
    }
}

/// Runs of two or more white-space characters as one space, as mdBook
/// stores a section's texts.
fn collapse_white_space(text: &str) -> String {
    static RUNS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s\s+").expect("valid regex"));
    RUNS.replace_all(text, " ").into_owned()
}
