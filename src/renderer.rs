//! The `translate` output: every language of the book in one `mdbook build`.
//!
//! mdBook gives a preprocessor no hook after rendering, and its HTML renderer
//! empties its destination first, so the language books are built by an
//! output (renderer) instead. Outputs run in name order, so with both
//! `[output.html]` and `[output.translate]` in book.toml mdBook renders the
//! source book into `<build>/html/` first; this output then builds each
//! language in-process into `<build>/html/<lang>/` and adds the language
//! switcher to every page. With `[output.translate]` alone, it also renders
//! the source book, into `<build>/` itself.
//!
//! Each language is rendered with mdBook's own HTML renderer, the same theme
//! and `[output.html]` settings, after every configured preprocessor (the
//! `translate` preprocessor runs in-process). What a preprocessor cannot
//! translate through the book JSON is done here: the book's title and
//! description in the configuration, and the titles mdBook writes above
//! alerts (`> [!NOTE]`) in the rendered pages.

use crate::collect::BookTexts;
pub use crate::config::OUTPUT_NAME;
use crate::config::{Config, PREPROCESSOR_NAME};
use crate::language::LanguageTag;
use crate::pipeline::{TranslatedTexts, open_store, translated_texts};
use crate::preprocessor::TranslatePreprocessor;
use crate::search;
use crate::segment::tagged::push_escaped;
use crate::site::{BookOutput, book_pages, install_language_switcher};
use crate::store::Languages;
use crate::translate::lookup_profiles;
use anyhow::Context;
use mdbook_driver::MDBook;
use mdbook_driver::config::Config as BookToml;
use mdbook_html::HtmlHandlebars;
use mdbook_renderer::{RenderContext, Renderer};
use regex::Regex;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Keys that mdBook itself reads from every `[output.*]` table; the
/// `translate` output has none of its own.
const OUTPUT_KEYS: &[&str] = &["command", "optional"];

/// The `translate` output (renderer).
#[derive(Debug, Default, Clone)]
pub struct TranslateRenderer {
    only: Option<Vec<LanguageTag>>,
}

impl TranslateRenderer {
    /// The output as book.toml configures it: every language.
    pub fn new() -> TranslateRenderer {
        TranslateRenderer { only: None }
    }

    /// The output building only the languages in `languages` (the source
    /// book is always built).
    pub fn only(languages: Vec<LanguageTag>) -> TranslateRenderer {
        TranslateRenderer { only: Some(languages) }
    }

    /// The target languages of `config` this output builds; a language
    /// asked for that the book does not have is an error.
    pub fn languages<'c>(&self, config: &'c Config) -> anyhow::Result<Vec<&'c LanguageTag>> {
        match &self.only {
            None => Ok(config.languages.iter().collect()),
            Some(only) => Ok(config.select_languages(only)?),
        }
    }

    /// Builds the site whose source book's HTML is in `site_dir`: renders the
    /// book there first when `render_book` (this output is the only HTML
    /// output), then, when the book is built in its source language, every
    /// language into `<site_dir>/<lang>/` and the switcher. Returns the books
    /// of the site.
    pub fn build_site(
        &self,
        root: &Path,
        book_toml: &BookToml,
        site_dir: PathBuf,
        render_book: bool,
    ) -> anyhow::Result<Vec<BookOutput>> {
        let config = Config::from_book(root, book_toml)?;
        let current = config.target_language(book_toml)?;
        if render_book {
            render_html(root, book_toml.clone(), &site_dir).with_context(|| format!("building the {current} book"))?;
        }
        search::index_book(&site_dir, &current)?;
        if current != config.source_language {
            // A one-language build (`MDBOOK_BOOK__LANGUAGE=zh mdbook build`).
            return Ok(vec![BookOutput {
                language: current.to_string(),
                html_dir: site_dir,
            }]);
        }
        if config.languages.is_empty() {
            eprintln!(
                "mdbook-translate: `[output.{OUTPUT_NAME}]` has no language to build: list them in \
                 `[preprocessor.{PREPROCESSOR_NAME}] languages` in book.toml"
            );
        }
        build_languages(root, book_toml, site_dir, &config, &self.languages(&config)?)
    }
}

impl Renderer for TranslateRenderer {
    fn name(&self) -> &str {
        OUTPUT_NAME
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<()> {
        check_output_table(&ctx.config)?;
        // mdBook gives each output a folder of its own only when there are
        // several, and runs them in name order, so the HTML output has
        // written `<build>/html/` by now if it is one of them. (`mdbook
        // serve` adds `output.html` keys to the configuration even when the
        // book has no HTML output, hence the look at the folder.)
        let build_dir = ctx.root.join(&ctx.config.build.build_dir);
        let html_dir = build_dir.join("html");
        let html_output =
            ctx.destination != build_dir && has_output(&ctx.config, "html") && html_dir.join("index.html").is_file();
        let site_dir = if html_output { html_dir } else { ctx.destination.clone() };
        let outputs = self.build_site(&ctx.root, &ctx.config, site_dir.clone(), !html_output)?;
        // mdBook made a folder for this output; the site is elsewhere.
        if ctx.destination != site_dir {
            let _ = std::fs::remove_dir(&ctx.destination);
        }
        print_where(&outputs);
        Ok(())
    }
}

/// Builds each language of `languages` into `<site_dir>/<lang>/` (the source
/// book's HTML is in `site_dir`) and adds the switcher to every page of the
/// site, the source book's included. Returns the books of the site, the
/// source first.
fn build_languages(
    root: &Path,
    book_toml: &BookToml,
    site_dir: PathBuf,
    config: &Config,
    languages: &[&LanguageTag],
) -> anyhow::Result<Vec<BookOutput>> {
    let source_dir = root.join(&book_toml.book.src);
    for language in languages {
        let clash = source_dir.join(language.as_str());
        if clash.exists() {
            anyhow::bail!(
                "the {language} book would be written to {}, but the source book has {} there too (from {}); \
                 rename that folder",
                site_dir.join(language.as_str()).display(),
                language,
                clash.display()
            );
        }
    }
    let mut outputs = vec![BookOutput {
        language: config.source_language.to_string(),
        html_dir: site_dir.clone(),
    }];
    for language in languages {
        let out = site_dir.join(language.as_str());
        eprintln!("mdbook-translate: building {language} into {}", out.display());
        let mut book_toml = book_toml.clone();
        book_toml.set("book.language", language)?;
        // The 404 page links to the book's files from here (mdBook's default is `/`).
        let site_url = book_toml.get::<String>("output.html.site-url")?.unwrap_or_default();
        book_toml.set(
            "output.html.site-url",
            format!("{}/{language}/", site_url.trim_end_matches('/')),
        )?;
        render_html(root, book_toml, &out).with_context(|| format!("building the {language} book"))?;
        search::index_book(&out, language)?;
        outputs.push(BookOutput {
            language: language.to_string(),
            html_dir: out,
        });
    }
    if outputs.len() > 1 {
        install_language_switcher(&outputs).context("adding the language switcher to the built pages")?;
    }
    Ok(outputs)
}

/// Prints where each book's `index.html` is.
pub fn print_where(outputs: &[BookOutput]) {
    for output in outputs {
        eprintln!(
            "mdbook-translate: {}: open {}",
            output.language,
            output.html_dir.join("index.html").display()
        );
    }
}

/// Whether book.toml has `[output.<name>]`.
pub fn has_output(book_toml: &BookToml, name: &str) -> bool {
    book_toml
        .outputs::<Value>()
        .is_ok_and(|outputs| outputs.contains_key(name))
}

/// Refuses keys of `[output.translate]` that nothing reads.
fn check_output_table(book_toml: &BookToml) -> anyhow::Result<()> {
    let table: serde_json::Map<String, Value> = book_toml
        .get(&format!("output.{OUTPUT_NAME}"))
        .with_context(|| format!("book.toml: `[output.{OUTPUT_NAME}]` is not a table"))?
        .unwrap_or_default();
    for key in table.keys() {
        if !OUTPUT_KEYS.contains(&key.as_str()) {
            anyhow::bail!(
                "book.toml: `[output.{OUTPUT_NAME}] {key}`: unknown key; this table takes only mdBook's own {} \
                 (the settings of the translation are under [preprocessor.{PREPROCESSOR_NAME}], those of the HTML under [output.html])",
                OUTPUT_KEYS.join(", ")
            );
        }
    }
    Ok(())
}

/// Renders the book at `root` as HTML into `out` with `book_toml`: every
/// configured preprocessor runs as it would for mdBook's HTML output, the
/// `translate` preprocessor in-process. A translated book also gets its
/// translated title and description, and its alerts their translated titles,
/// which the preprocessor has stored.
fn render_html(root: &Path, book_toml: BookToml, out: &Path) -> anyhow::Result<()> {
    let mut book =
        MDBook::load_with_config(root, book_toml).with_context(|| format!("loading the book in {}", root.display()))?;
    book.with_preprocessor(TranslatePreprocessor::new());
    let html = HtmlHandlebars::new();
    let (preprocessed, preprocess_ctx) = book.preprocess_book(&html)?;
    let texts = read_translated_texts(root, &book.config)?;
    let mut config = book.config.clone();
    if let Some(texts) = &texts {
        config.book.title = texts.book.title.clone();
        config.book.description = texts.book.description.clone();
    }
    let mut render_ctx = RenderContext::new(root, preprocessed, config, out);
    render_ctx
        .chapter_titles
        .extend(preprocess_ctx.chapter_titles.borrow_mut().drain());
    html.render(&render_ctx).context("rendering HTML")?;
    if let Some(texts) = texts {
        translate_alert_titles(out, &texts.alert_titles).context("writing the translated alert titles")?;
    }
    Ok(())
}

/// The translated title, description and alert titles of a book configured
/// with `book_toml` for a target language, as the `translate` preprocessor
/// stored them; `None` for a build in the source language.
fn read_translated_texts(root: &Path, book_toml: &BookToml) -> anyhow::Result<Option<TranslatedTexts>> {
    let config = Config::from_book(root, book_toml)?;
    let target = config.target_language(book_toml)?;
    if target == config.source_language {
        return Ok(None);
    }
    let languages = Languages {
        source: &config.source_language,
        target: &target,
    };
    let store = open_store(&config)?;
    let profiles = lookup_profiles(&config);
    Ok(Some(translated_texts(
        &BookTexts::of_book_toml(book_toml),
        languages,
        &store,
        &profiles,
    )?))
}

/// The title paragraph mdBook's HTML renderer writes at the top of an alert:
/// group 1 is everything before the title text, group 2 the text.
static ALERT_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(<p class="blockquote-tag-title"><svg[^>]*>(?:<path[^>]*></path>)*</svg>)([^<]*)</p>"#)
        .expect("valid regex")
});

/// Replaces the English titles mdBook gives alerts with their translations
/// from `titles` in every page under `dir`.
fn translate_alert_titles(dir: &Path, titles: &[(String, String)]) -> anyhow::Result<()> {
    let translated: Vec<(&String, String)> = titles
        .iter()
        .filter(|(source, translation)| source != translation)
        .map(|(source, translation)| {
            let mut escaped = String::new();
            push_escaped(&mut escaped, translation);
            (source, escaped)
        })
        .collect();
    if translated.is_empty() {
        return Ok(());
    }
    let book = BookOutput {
        language: String::new(),
        html_dir: dir.to_path_buf(),
    };
    let pages = book_pages(&book, &[]).with_context(|| format!("reading {}", dir.display()))?;
    for page in pages {
        let path = dir.join(page);
        let html = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let changed = ALERT_TITLE.replace_all(&html, |captures: &regex::Captures<'_>| {
            let title = translated
                .iter()
                .find(|(source, _)| **source == captures[2])
                .map_or(&captures[2], |(_, translation)| translation.as_str());
            format!("{}{title}</p>", &captures[1])
        });
        if let std::borrow::Cow::Owned(changed) = changed {
            std::fs::write(&path, changed).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}
