//! One book of the site: loaded (once for all), preprocessed, rendered by
//! mdBook's HTML renderer with its language's theme, and finished.

use crate::collect::BookTexts;
use crate::config::Config;
use crate::interface::Interface;
use crate::language::LanguageTag;
use crate::pipeline::{TranslatedTexts, open_store, translated_texts};
use crate::preprocessor::{SharedWork, TranslatePreprocessor};
use crate::search::{self, pages::PageIndex};
use crate::segment::tagged::push_escaped;
use crate::site::Site;
use crate::site::publish::{Staging, WORK_PREFIX, overwrite, swap_in};
use crate::site::theme::{BookTheme, scratch_dir};
use crate::store::{Languages, Store};
use crate::translate::lookup_profiles;
use anyhow::Context;
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_driver::builtin_preprocessors::IndexPreprocessor;
use mdbook_driver::config::Config as BookToml;
use mdbook_html::HtmlHandlebars;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_renderer::{RenderContext, Renderer};
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

/// What every book of one site build shares: the book as loaded from
/// `src/` (read once), its configuration, theme and folders.
pub(super) struct SiteBuild {
    root: PathBuf,
    book_toml: BookToml,
    config: Config,
    site_dir: PathBuf,
    book: Book,
    theme: BookTheme,
}

impl SiteBuild {
    /// Loads the book at `root` configured by `book_toml` (unless `loaded`
    /// holds it already), whose site is (or will be) in `site_dir`.
    pub(super) fn load(
        root: &Path,
        book_toml: &BookToml,
        config: Config,
        site_dir: PathBuf,
        loaded: Option<Book>,
    ) -> anyhow::Result<SiteBuild> {
        let book = match loaded {
            Some(book) => book,
            None => {
                MDBook::load_with_config(root, book_toml.clone())
                    .with_context(|| format!("loading the book in {}", root.display()))?
                    .book
            }
        };
        let html = book_toml.html_config().unwrap_or_default();
        let theme = BookTheme::of_book(root, &html)
            .with_context(|| format!("reading the theme of the book in {}", root.display()))?;
        Ok(SiteBuild {
            root: root.to_path_buf(),
            book_toml: book_toml.clone(),
            config,
            site_dir,
            book,
            theme,
        })
    }

    /// The `[preprocessor.translate]` table.
    pub(super) fn config(&self) -> &Config {
        &self.config
    }

    /// Where the source book's HTML is.
    pub(super) fn site_dir(&self) -> &Path {
        &self.site_dir
    }

    /// The book's build folder, where staging folders go.
    pub(super) fn build_dir(&self) -> PathBuf {
        self.root.join(&self.book_toml.build.build_dir)
    }

    /// The book's theme.
    pub(super) fn theme(&self) -> &BookTheme {
        &self.theme
    }

    /// The size of the book's markdown.
    pub(super) fn markdown_bytes(&self) -> u64 {
        self.book
            .iter()
            .map(|item| match item {
                BookItem::Chapter(chapter) => chapter.content.len() as u64,
                _ => 0,
            })
            .sum()
    }

    /// The pages every book has, by the path mdBook's templates know them
    /// by (a chapter's markdown path after the `index` preprocessor made
    /// `README.md` files `index.md`), with their HTML path.
    pub(super) fn pages(&self) -> anyhow::Result<BTreeMap<String, String>> {
        let mut book = self.book.clone();
        let uses_index =
            self.book_toml.build.use_default_preprocessors || self.book_toml.contains_key("preprocessor.index");
        if uses_index {
            let ctx = PreprocessorContext::new(self.root.clone(), self.book_toml.clone(), "html".to_string());
            book = IndexPreprocessor::new().run(&ctx, book)?;
        }
        let mut pages = BTreeMap::from([("index.md".to_string(), "index.html".to_string())]);
        for item in book.iter() {
            if let BookItem::Chapter(chapter) = item
                && let Some(path) = &chapter.path
            {
                let url_path = |path: &Path| {
                    path.iter()
                        .map(|part| part.to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                };
                pages.insert(url_path(path), url_path(&path.with_extension("html")));
            }
        }
        Ok(pages)
    }

    /// An mdBook for `book_toml` holding the book loaded already (not
    /// read from `src/` again), with the `translate` preprocessor given.
    fn mdbook(&self, book_toml: BookToml, translate: TranslatePreprocessor) -> anyhow::Result<MDBook> {
        let mut mdbook =
            MDBook::load_with_config_and_summary(&self.root, book_toml, mdbook_summary::Summary::default())
                .with_context(|| format!("loading the book in {}", self.root.display()))?;
        mdbook.book = self.book.clone();
        mdbook.with_preprocessor(translate);
        Ok(mdbook)
    }
}

/// Renders the `language` book into `out`: every preprocessor as for
/// mdBook's HTML output, then mdBook's HTML renderer with the language's
/// theme, title and description, then [`finish_language_book`].
pub(super) fn render_language(
    build: &SiteBuild,
    site: &Site,
    staging: &Staging,
    shared: &Arc<SharedWork>,
    language: &LanguageTag,
    out: &Path,
) -> anyhow::Result<()> {
    let mut book_toml = build.book_toml.clone();
    book_toml.set("book.language", language)?;
    // The 404 page links to the book's files from here (mdBook's default is `/`).
    let site_url = book_toml.get::<String>("output.html.site-url")?.unwrap_or_default();
    book_toml.set(
        "output.html.site-url",
        format!("{}/{language}/", site_url.trim_end_matches('/')),
    )?;
    let started = std::time::Instant::now();
    let mdbook = build.mdbook(book_toml, TranslatePreprocessor::sharing(Arc::clone(shared)))?;
    let html = HtmlHandlebars::new();
    let (preprocessed, preprocess_ctx) = mdbook.preprocess_book(&html)?;
    let preprocessed_at = started.elapsed();
    let config = Config::from_book(&build.root, &mdbook.config)?;
    let texts = read_translated_texts(&mdbook.config, &config, language, shared.store()?)?;
    let interface = interface_of(language, &config, &texts);
    let index = site
        .books
        .iter()
        .position(|book| book.language == language.as_str())
        .context("the language is not in the site")?;
    let site = site.with_texts(index, &interface);
    let theme_dir = ThemeDir::for_book(build.theme(), staging, language.as_str())?;
    let theme_dir = theme_dir.path();
    let template = write_theme(build.theme(), &site, index, &interface, theme_dir)?;
    let rendering_at = started.elapsed();
    let chapter_titles = preprocess_ctx.chapter_titles.borrow_mut().drain().collect();
    let book = (preprocessed, chapter_titles);
    let theme = WrittenTheme {
        dir: theme_dir,
        page_template: &template,
    };
    let pages = render_translated(&build.root, &mdbook.config, book, (&texts, &interface), theme, out)?;
    let rendered_at = started.elapsed();
    search::index_book(out, language, pages.as_ref())?;
    finish_language_book(out, &site, index)?;
    tracing::debug!(
        "{language}: preprocessed in {preprocessed_at:?}, theme at {rendering_at:?}, rendered at {rendered_at:?}, finished at {:?}",
        started.elapsed()
    );
    Ok(())
}

/// Everything done to a language's book after it was rendered into `out`
/// (its staging folder, with its alert titles and 404 page translated) and
/// before it is swapped into the site: the one place for work that follows
/// a language's render. Writes the switcher script.
fn finish_language_book(out: &Path, site: &Site, index: usize) -> anyhow::Result<()> {
    site.write_switcher_script(index, out)
        .context("writing the language switcher")?;
    Ok(())
}

/// Writes the theme of book `index` of `site` into `dir`: the book's own,
/// with `interface` and, when the site has several books, its links.
/// Returns the page template.
fn write_theme(
    theme: &BookTheme,
    site: &Site,
    index: usize,
    interface: &Interface,
    dir: &Path,
) -> anyhow::Result<String> {
    let (head, header) = if site.books.len() > 1 {
        (site.head_template(index), site.header_template(index))
    } else {
        (String::new(), String::new())
    };
    // Every book but the source sits in a folder of the source book's site.
    theme
        .write(dir, interface, (&head, &header), index > 0)
        .with_context(|| format!("writing the theme into {}", dir.display()))
}

/// Where a book's theme is written: in the staging folder, where the
/// book's own theme files are linked rather than copied, or, for a book
/// with mdBook's theme (the few templates this tool writes, nothing to
/// link), in memory where the system allows ([`scratch_dir`]): every file
/// made and removed on some disks costs more than the last.
enum ThemeDir {
    Staging(PathBuf),
    Scratch(tempfile::TempDir),
}

impl ThemeDir {
    fn for_book(theme: &BookTheme, staging: &Staging, name: &str) -> anyhow::Result<ThemeDir> {
        if theme.has_own_files() {
            return Ok(ThemeDir::Staging(staging.book_dir(&format!(".theme-{name}"))));
        }
        Ok(ThemeDir::Scratch(
            scratch_dir().context("creating a folder for the theme")?,
        ))
    }

    fn path(&self) -> &Path {
        match self {
            ThemeDir::Staging(dir) => dir,
            ThemeDir::Scratch(dir) => dir.path(),
        }
    }
}

/// Preprocesses the source book and renders it into `out` with the site's
/// links.
pub(super) fn render_source(build: &SiteBuild, site: &Site, staging: &Staging, out: &Path) -> anyhow::Result<()> {
    let mdbook = build.mdbook(build.book_toml.clone(), TranslatePreprocessor::new())?;
    let (preprocessed, ctx) = mdbook.preprocess_book(&HtmlHandlebars::new())?;
    let chapter_titles = ctx.chapter_titles.borrow_mut().drain().collect();
    let theme_dir = ThemeDir::for_book(build.theme(), staging, "source")?;
    let theme_dir = theme_dir.path();
    let template = write_theme(build.theme(), site, 0, &Interface::english(), theme_dir)?;
    let mut render_config = build.book_toml.clone();
    render_config.set("output.html.theme", theme_dir)?;
    let pages = render_html(
        &build.root,
        render_config,
        &template,
        (preprocessed, chapter_titles),
        out,
    )?;
    search::index_book(out, &build.config().source_language, pages.as_ref())?;
    if site.books.len() > 1 {
        site.write_switcher_script(0, out)
            .context("writing the language switcher")?;
    }
    Ok(())
}

/// Moves the source book rendered into `staged` into `site_dir`, entry by
/// entry (a folder exchanged whole, a file replaced in one rename), then
/// removes what the previous source book had and this one has not; the
/// folders of `languages` and this tool's work folders stay.
pub(super) fn merge_source_into(staged: &Path, site_dir: &Path, languages: &[&str]) -> std::io::Result<()> {
    std::fs::create_dir_all(site_dir)?;
    let mut written = Vec::new();
    for entry in std::fs::read_dir(staged)? {
        let entry = entry?;
        let target = site_dir.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            swap_in(&entry.path(), &target)?;
        } else {
            std::fs::rename(entry.path(), &target)?;
        }
        written.push(entry.file_name());
    }
    for entry in std::fs::read_dir(site_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let keep = written.contains(&name)
            || languages.iter().any(|language| name == *language)
            || name.to_string_lossy().starts_with(WORK_PREFIX);
        if !keep {
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(entry.path())?;
            } else {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(())
}

/// A one-language build (`MDBOOK_BOOK__LANGUAGE=zh`) rendered by this
/// output: the book in `out`, with its translated title, description,
/// interface and alert titles.
pub(super) fn render_alone(root: &Path, book_toml: &BookToml, out: &Path) -> anyhow::Result<()> {
    let mut mdbook = MDBook::load_with_config(root, book_toml.clone())
        .with_context(|| format!("loading the book in {}", root.display()))?;
    mdbook.with_preprocessor(TranslatePreprocessor::new());
    let html = HtmlHandlebars::new();
    let (preprocessed, preprocess_ctx) = mdbook.preprocess_book(&html)?;
    let (language, texts, interface) = texts_alone(root, &mdbook.config)?;
    // Outside the build folder, which the renderer empties (it is `out`).
    let theme_dir = scratch_dir().context("creating a folder for the theme")?;
    let html_config = book_toml.html_config().unwrap_or_default();
    let template = BookTheme::of_book(root, &html_config)?
        .write(theme_dir.path(), &interface, ("", ""), false)
        .with_context(|| format!("writing the theme into {}", theme_dir.path().display()))?;
    let chapter_titles = preprocess_ctx.chapter_titles.borrow_mut().drain().collect();
    let book = (preprocessed, chapter_titles);
    let theme = WrittenTheme {
        dir: theme_dir.path(),
        page_template: &template,
    };
    let pages = render_translated(root, &mdbook.config, book, (&texts, &interface), theme, out)?;
    search::index_book(out, &language, pages.as_ref())
}

/// A one-language build that mdBook's HTML output rendered into `dir`:
/// the interface texts and alert titles written into every page (the title
/// and description stay, set by mdBook from book.toml).
pub(super) fn translate_rendered_alone(root: &Path, book_toml: &BookToml, dir: &Path) -> anyhow::Result<()> {
    let (_, texts, interface) = texts_alone(root, book_toml)?;
    let outputs = [crate::site::BookOutput {
        language: String::new(),
        html_dir: dir.to_path_buf(),
    }];
    let pages = crate::site::book_pages(&outputs[0], &outputs).with_context(|| format!("reading {}", dir.display()))?;
    translate_alert_titles(dir, &texts.alert_titles, &pages).context("writing the translated alert titles")?;
    if interface == Interface::english() {
        return Ok(());
    }
    for page in pages.iter().chain([&PathBuf::from("toc.html")]) {
        let path = dir.join(page);
        let Ok(html) = std::fs::read_to_string(&path) else {
            continue;
        };
        let translated = interface.translate_markup(&html);
        if translated != html {
            overwrite(&path, translated.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

/// The language, texts and interface of a one-language build configured by
/// `book_toml`.
fn texts_alone(root: &Path, book_toml: &BookToml) -> anyhow::Result<(LanguageTag, TranslatedTexts, Interface)> {
    let config = Config::from_book(root, book_toml)?;
    let language = config.target_language(book_toml)?;
    let store = open_store(&config)?;
    let texts = read_translated_texts(book_toml, &config, &language, &store)?;
    let interface = interface_of(&language, &config, &texts);
    Ok((language, texts, interface))
}

/// A book as the preprocessors left it, with the chapter titles they set.
type Preprocessed = (Book, HashMap<PathBuf, String>);

/// A theme written for one book ([`write_theme`]).
#[derive(Debug, Clone, Copy)]
struct WrittenTheme<'a> {
    /// The folder it was written into.
    dir: &'a Path,
    /// Its page template, whole.
    page_template: &'a str,
}

/// Renders `book` into `out` with mdBook's HTML renderer, configured by
/// `book_toml`, whose pages `page_template` lays out. mdBook indexes no
/// chapter for search when the pages can be read for the index instead:
/// what they are read for is returned.
fn render_html(
    root: &Path,
    mut book_toml: BookToml,
    page_template: &str,
    book: Preprocessed,
    out: &Path,
) -> anyhow::Result<Option<PageIndex>> {
    let (book, chapter_titles) = book;
    let html = book_toml.html_config().unwrap_or_default();
    let pages = PageIndex::plan(&book, html.search.as_ref(), page_template);
    if pages.is_some() {
        book_toml.set("output.html.search.chapter", PageIndex::mdbook_chapter_settings())?;
    }
    let mut render_ctx = RenderContext::new(root, book, book_toml, out);
    render_ctx.chapter_titles = chapter_titles;
    HtmlHandlebars::new().render(&render_ctx).context("rendering HTML")?;
    Ok(pages)
}

/// Renders the translated `book` into `out`: with the title and description
/// of `texts` and `theme`, then with the alert titles of `texts` in the
/// pages that have alerts and `interface`'s texts in the 404 page.
fn render_translated(
    root: &Path,
    book_toml: &BookToml,
    book: Preprocessed,
    (texts, interface): (&TranslatedTexts, &Interface),
    theme: WrittenTheme<'_>,
    out: &Path,
) -> anyhow::Result<Option<PageIndex>> {
    let mut render_config = book_toml.clone();
    render_config.book.title = texts.book.title.clone();
    render_config.book.description = texts.book.description.clone();
    render_config.set("output.html.theme", theme.dir)?;
    let alert_pages = pages_with_alerts(&book.0);
    let page_404 = page_404(&render_config);
    let pages = render_html(root, render_config, theme.page_template, book, out)?;
    translate_alert_titles(out, &texts.alert_titles, &alert_pages).context("writing the translated alert titles")?;
    translate_404_page(out, page_404, interface).context("writing the translated 404 page")?;
    Ok(pages)
}

/// The interface of the `language` book: book.toml's texts for it, the
/// reviewed ones of `texts`, then the built-in table.
fn interface_of(language: &LanguageTag, config: &Config, texts: &TranslatedTexts) -> Interface {
    let no_overrides = BTreeMap::new();
    Interface::for_language(
        language,
        config.interface.get(language.canonical()).unwrap_or(&no_overrides),
        &|english| texts.interface.get(english).cloned(),
    )
}

/// The translated title, description, alert titles and reviewed interface
/// texts of the `target` book configured with `book_toml`, as the
/// `translate` preprocessor stored them.
fn read_translated_texts(
    book_toml: &BookToml,
    config: &Config,
    target: &LanguageTag,
    store: &Store,
) -> anyhow::Result<TranslatedTexts> {
    let languages = Languages {
        source: &config.source_language,
        target,
    };
    let profiles = lookup_profiles(config);
    Ok(translated_texts(
        &BookTexts::of_book_toml(book_toml),
        languages,
        store,
        &profiles,
    )?)
}

/// The pages of `book` that may hold an alert: the chapters whose markdown
/// has a `[!` (an alert's `> [!NOTE]` marker), the index page when the
/// first chapter is one of them, and the print page.
fn pages_with_alerts(book: &Book) -> Vec<PathBuf> {
    let mut pages = Vec::new();
    let mut first = true;
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        let Some(path) = &chapter.path else {
            continue;
        };
        if chapter.content.contains("[!") {
            pages.push(path.with_extension("html"));
            if first {
                pages.push(PathBuf::from("index.html"));
            }
        }
        first = false;
    }
    if !pages.is_empty() {
        pages.push(PathBuf::from("print.html"));
    }
    pages
}

/// The title paragraph mdBook's HTML renderer writes at the top of an alert:
/// group 1 is everything before the title text, group 2 the text.
static ALERT_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(<p class="blockquote-tag-title"><svg[^>]*>(?:<path[^>]*></path>)*</svg>)([^<]*)</p>"#)
        .expect("valid regex")
});

/// Replaces the English titles mdBook gives alerts with their translations
/// from `titles` in `pages` of the book in `dir` (a page that is not there
/// is skipped).
fn translate_alert_titles(dir: &Path, titles: &[(String, String)], pages: &[PathBuf]) -> anyhow::Result<()> {
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
    for page in pages {
        let path = dir.join(page);
        let Ok(html) = std::fs::read_to_string(&path) else {
            continue;
        };
        let changed = ALERT_TITLE.replace_all(&html, |captures: &regex::Captures<'_>| {
            let title = translated
                .iter()
                .find(|(source, _)| **source == captures[2])
                .map_or(&captures[2], |(_, translation)| translation.as_str());
            format!("{}{title}</p>", &captures[1])
        });
        if let std::borrow::Cow::Owned(changed) = changed {
            overwrite(&path, changed.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

/// Writes `interface`'s texts into the book's 404 page, `page_404` in
/// `dir` (mdBook writes its own English text there when the book has no
/// `404.md`); the template's texts were translated with the theme.
fn translate_404_page(dir: &Path, page_404: Option<String>, interface: &Interface) -> anyhow::Result<()> {
    let Some(page_404) = page_404 else {
        return Ok(());
    };
    let path = dir.join(page_404);
    if *interface == Interface::english() || !path.is_file() {
        return Ok(());
    }
    let html = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let translated = interface.translate_markup(&html);
    if translated != html {
        overwrite(&path, translated.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The 404 page mdBook writes for `book_toml`, unless it writes none.
fn page_404(book_toml: &BookToml) -> Option<String> {
    let html = book_toml.html_config().unwrap_or_default();
    (html.input_404.as_deref() != Some("")).then(|| html.get_404_output_file())
}
