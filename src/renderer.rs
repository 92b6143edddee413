//! The `translate` output: every language of the book in one `mdbook build`.
//!
//! mdBook gives a preprocessor no hook after rendering, and its HTML renderer
//! empties its destination first, so the language books are built by an
//! output (renderer) instead. Outputs run in name order, so with both
//! `[output.html]` and `[output.translate]` in book.toml mdBook renders the
//! source book into `<build>/html/` first; this output then builds each
//! language in-process into `<build>/html/<lang>/`. With `[output.translate]`
//! alone, it also renders the source book, into `<build>/` itself.
//!
//! The languages are rendered side by side, up to `jobs` at once
//! ([`default_jobs`]), each with mdBook's own HTML renderer, the same
//! theme and `[output.html]` settings, after every configured preprocessor
//! (the `translate` preprocessor runs in-process). The book is loaded once
//! for all of them, and segmented once ([`SharedWork`]); each language is
//! rendered into a staging folder and swapped in whole
//! ([`publish`](crate::site::publish)). What a preprocessor cannot
//! translate through the book JSON is done here (`renderer/book.rs`): the title and
//! description, mdBook's interface texts, the titles mdBook writes above
//! alerts, the 404 page.

mod book;
pub mod prebuild;

pub use crate::config::OUTPUT_NAME;
use crate::config::{Config, PREPROCESSOR_NAME};
use crate::language::LanguageTag;
use crate::preprocessor::SharedWork;
use crate::search;
use crate::site::publish::{Staging, restore_kept_languages, swap_in};
use crate::site::{BookOutput, Site, SiteBook, labels::language_label};
use anyhow::Context;
use book::{SiteBuild, merge_source_into, render_language, render_source};
use mdbook_driver::config::Config as BookToml;
use mdbook_renderer::{RenderContext, Renderer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the site's source book comes from.
#[derive(Debug, Clone, Copy)]
pub enum SourceBook {
    /// mdBook's HTML output rendered it into the site folder already.
    Rendered,
    /// This output renders it, preprocessing it itself (beside the
    /// languages).
    Render,
}

/// Keys that mdBook itself reads from every `[output.*]` table; the
/// `translate` output has none of its own.
const OUTPUT_KEYS: &[&str] = &["command", "optional"];

/// The `translate` output (renderer).
#[derive(Debug, Default, Clone)]
pub struct TranslateRenderer {
    only: Option<Vec<LanguageTag>>,
    jobs: Option<usize>,
    /// The book as read from `src/`, when the caller has it already.
    loaded: Option<mdbook_driver::book::Book>,
}

/// How many of `books` books to render at once by default: all of them, up
/// to four per core (`std::thread::available_parallelism`), fewer when the
/// memory available would not hold that many renders of a book of
/// `markdown_bytes`.
///
/// Books cost about the same to render, and a render cannot be split: with
/// one render per core, the source and two languages on two cores take two
/// renders' time, the third book rendering alone; all three at once share
/// the cores and take one and a half.
///
/// mdBook's HTML renderer holds the book several times over while it
/// renders (the markdown, the HTML tree of every chapter, the print page,
/// the search index): on the mdBook guide (110 KB of markdown) each render
/// at once added about 20 MB to the peak, some 190 bytes per byte of
/// markdown. A render is reckoned at 256 bytes per byte of markdown and at
/// least 64 MiB, and at most half of the available memory (`MemAvailable`
/// on Linux) is planned for.
pub fn default_jobs(markdown_bytes: u64, books: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let wanted = books.clamp(1, 4 * cores);
    let per_render = (markdown_bytes.saturating_mul(256)).max(64 << 20);
    match available_memory() {
        Some(available) => wanted.min(usize::try_from(available / 2 / per_render).unwrap_or(usize::MAX).max(1)),
        None => wanted,
    }
}

/// The memory available to new work, where the system says (Linux).
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|line| line.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

impl TranslateRenderer {
    /// The output as book.toml configures it: every language.
    pub fn new() -> TranslateRenderer {
        TranslateRenderer::default()
    }

    /// The output building only the languages in `languages` (the source
    /// book is always built; the other languages' books stay as they are).
    pub fn only(languages: Vec<LanguageTag>) -> TranslateRenderer {
        TranslateRenderer {
            only: Some(languages),
            ..TranslateRenderer::default()
        }
    }

    /// Uses `book`, the book as mdBook loaded it from `src/` (before any
    /// preprocessor), instead of reading it again.
    pub fn with_loaded_book(mut self, book: mdbook_driver::book::Book) -> TranslateRenderer {
        self.loaded = Some(book);
        self
    }

    /// Renders at most `jobs` books at once (at least one).
    pub fn with_jobs(mut self, jobs: usize) -> TranslateRenderer {
        self.jobs = Some(jobs.max(1));
        self
    }

    /// The target languages of `config` this output builds; a language
    /// asked for that the book does not have is an error.
    pub fn languages<'c>(&self, config: &'c Config) -> anyhow::Result<Vec<&'c LanguageTag>> {
        match &self.only {
            None => Ok(config.languages.iter().collect()),
            Some(only) => Ok(config.select_languages(only)?),
        }
    }

    /// Builds the site whose source book's HTML is (or goes) in
    /// `site_dir`: renders the book there unless `source` says it is
    /// rendered, and, when the book is built in its source language, every
    /// language into `<site_dir>/<lang>/`, side by side. Returns the books
    /// of the site.
    pub fn build_site(
        &self,
        root: &Path,
        book_toml: &BookToml,
        site_dir: PathBuf,
        source: SourceBook,
    ) -> anyhow::Result<Vec<BookOutput>> {
        let render_book = !matches!(source, SourceBook::Rendered);
        let config = Config::from_book(root, book_toml)?;
        let current = config.target_language(book_toml)?;
        if current != config.source_language {
            // A one-language build (`MDBOOK_BOOK__LANGUAGE=zh mdbook build`).
            if render_book {
                book::render_alone(root, book_toml, &site_dir)
                    .with_context(|| format!("building the {current} book"))?;
            } else {
                book::translate_rendered_alone(root, book_toml, &site_dir)
                    .with_context(|| format!("translating mdBook's texts in the {current} book"))?;
                search::index_book(&site_dir, &current, None)?;
            }
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
        let languages: Vec<LanguageTag> = self.languages(&config)?.into_iter().cloned().collect();
        let languages: Vec<&LanguageTag> = languages.iter().collect();
        check_clashes(root, book_toml, &site_dir, &languages)?;
        let build_dir = root.join(&book_toml.build.build_dir);
        restore_kept_languages(&site_dir, &build_dir)
            .with_context(|| format!("putting back the language folders kept in {}", build_dir.display()))?;
        // While the languages the preprocessor started beside mdBook's HTML
        // output may still be rendering, the source book that output
        // rendered gets its index rebuilt and the site's links.
        let (prebuilt, planned) = std::thread::scope(|scope| {
            let planning = scope.spawn(|| {
                if !render_book {
                    search::index_book(&site_dir, &config.source_language, None)?;
                }
                let build = SiteBuild::load(root, book_toml, config.clone(), site_dir.clone(), self.loaded.clone())?;
                let site = plan_site(&build, root, book_toml, &languages)?;
                if !render_book && site.books.len() > 1 {
                    site.add_to_rendered_pages(0)
                        .context("adding the language links to the source book's pages")?;
                }
                anyhow::Ok((build, site))
            });
            let prebuilt = take_prebuilt(&build_dir, &site_dir, &languages, &source);
            let planned = planning.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (prebuilt, planned)
        });
        let (build, site) = planned?;
        if prebuilt.is_some() {
            return Ok(site.outputs());
        }
        let books = Books {
            building: &languages,
            jobs: self
                .jobs
                .unwrap_or_else(|| default_jobs(build.markdown_bytes(), languages.len() + usize::from(render_book))),
            source,
            publish: Publish::SwapIn,
        };
        build_books(&build, &site, books, &Arc::new(SharedWork::new(build.config())))?;
        Ok(site.outputs())
    }

    /// Renders every language of the book at `root` into `folder`, for the
    /// `translate` output of the same mdBook run to swap into `site_dir`
    /// ([`prebuild`]); the source book is mdBook's HTML output's. Returns
    /// the work the languages shared, its store still open: the caller
    /// closes it (drops it) once it has told the output the books are done.
    pub fn prebuild_languages(
        &self,
        root: &Path,
        book_toml: &BookToml,
        site_dir: PathBuf,
        folder: &Path,
    ) -> anyhow::Result<Arc<SharedWork>> {
        let config = Config::from_book(root, book_toml)?;
        let languages: Vec<LanguageTag> = self.languages(&config)?.into_iter().cloned().collect();
        let languages: Vec<&LanguageTag> = languages.iter().collect();
        check_clashes(root, book_toml, &site_dir, &languages)?;
        let build = SiteBuild::load(root, book_toml, config, site_dir, None)?;
        let site = plan_site(&build, root, book_toml, &languages)?;
        let books = Books {
            building: &languages,
            source: SourceBook::Rendered,
            // mdBook's HTML output renders the source book meanwhile.
            jobs: self
                .jobs
                .unwrap_or_else(|| default_jobs(build.markdown_bytes(), languages.len() + 1)),
            publish: Publish::MoveInto(folder),
        };
        let shared = Arc::new(SharedWork::new(build.config()));
        build_books(&build, &site, books, &shared)?;
        Ok(shared)
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
        // book has no HTML output, hence the look at book.toml on disk, or
        // at the folder when an `MDBOOK_OUTPUT__HTML` variable added it.)
        let build_dir = ctx.root.join(&ctx.config.build.build_dir);
        let html_dir = build_dir.join("html");
        // Not the folder alone: another build may be emptying it right now.
        let html_in_book_toml = BookToml::from_disk(ctx.root.join("book.toml")).is_ok_and(|t| has_output(&t, "html"));
        let html_output = ctx.destination != build_dir
            && has_output(&ctx.config, "html")
            && (html_in_book_toml || html_dir.join("index.html").is_file());
        let site_dir = if html_output { html_dir } else { ctx.destination.clone() };
        // mdBook made a folder for this output; the site is elsewhere.
        // (Removed first, so that a failed build leaves no empty folder.)
        if ctx.destination != site_dir {
            let _ = std::fs::remove_dir(&ctx.destination);
        }
        let source = if html_output {
            SourceBook::Rendered
        } else {
            SourceBook::Render
        };
        let outputs = self.build_site(&ctx.root, &ctx.config, site_dir, source)?;
        print_where(&outputs);
        Ok(())
    }
}

/// An output that [`TranslateRenderer::build_site`] has built already
/// (mdBook's HTML output or the `translate` output, when `mdbook-translate
/// build` renders the site itself and mdBook runs the book's other
/// outputs): nothing left to do but check the `translate` table.
#[derive(Debug, Clone, Copy)]
pub struct SiteBuilt {
    name: &'static str,
}

impl SiteBuilt {
    /// mdBook's HTML output, built.
    pub const HTML: SiteBuilt = SiteBuilt { name: "html" };
    /// The `translate` output, built.
    pub const TRANSLATE: SiteBuilt = SiteBuilt { name: OUTPUT_NAME };
}

impl Renderer for SiteBuilt {
    fn name(&self) -> &str {
        self.name
    }

    fn render(&self, ctx: &RenderContext) -> anyhow::Result<()> {
        check_output_table(&ctx.config)
    }
}

/// Refuses to build a language whose folder the source book has too.
fn check_clashes(root: &Path, book_toml: &BookToml, site_dir: &Path, languages: &[&LanguageTag]) -> anyhow::Result<()> {
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
    Ok(())
}

/// The books of the site: the source, the languages built now, and those
/// built before that are still there; with their labels and the pages
/// that link to one another.
fn plan_site(build: &SiteBuild, root: &Path, book_toml: &BookToml, building: &[&LanguageTag]) -> anyhow::Result<Site> {
    let config = build.config();
    let html = book_toml.html_config().unwrap_or_default();
    let book = |language: &LanguageTag, html_dir: PathBuf| SiteBook {
        language: language.to_string(),
        label: language_label(language, &config.language_labels),
        html_dir,
        languages_text: "Languages".to_string(),
        change_language_text: "Change language".to_string(),
    };
    let mut books = vec![book(&config.source_language, build.site_dir().to_path_buf())];
    for language in &config.languages {
        let html_dir = build.site_dir().join(language.as_str());
        if building.contains(&language) || html_dir.join("index.html").is_file() {
            books.push(book(language, html_dir));
        }
    }
    let site_url = book_toml
        .get::<String>("output.html.site-url")?
        .map(|url| format!("{}/", url.trim_end_matches('/')));
    Ok(Site {
        books,
        pages: build.pages()?,
        site_url,
        theme_has_picker: build.theme().has_language_picker(root, &html.additional_js),
    })
}

/// Renders the languages being built (and the source book unless mdBook
/// rendered it), up to `jobs` at once, each into a staging folder that is
/// swapped in as soon as it is finished, sharing `shared`. The first
/// failure is returned once every book in flight has finished.
fn build_books(build: &SiteBuild, site: &Site, books: Books<'_>, shared: &Arc<SharedWork>) -> anyhow::Result<()> {
    let Books {
        building,
        source,
        jobs,
        publish,
    } = books;
    let render_source = !matches!(source, SourceBook::Rendered);
    let staging = Staging::create(&build.build_dir())
        .with_context(|| format!("creating a staging folder in {}", build.build_dir().display()))?;
    let tasks: Vec<Option<&LanguageTag>> = render_source
        .then_some(None)
        .into_iter()
        .chain(building.iter().map(|language| Some(*language)))
        .collect();
    let next = AtomicUsize::new(0);
    let errors = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        if !building.is_empty() {
            // Opening the store reads from disk: done meanwhile, not by the
            // first language (an error is met again by that language).
            scope.spawn(|| shared.store().map(|_| ()));
        }
        for _ in 0..jobs.min(tasks.len()) {
            scope.spawn(|| {
                while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = match task {
                        None => build_source(build, site, &staging),
                        Some(language) => build_language(build, site, &staging, shared, language, publish),
                    };
                    if let Err(error) = result {
                        errors.lock().unwrap_or_else(|p| p.into_inner()).push(error);
                    }
                }
            });
        }
    });
    if let Some(error) = errors
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .next()
    {
        return Err(error);
    }
    Ok(())
}

/// The languages the preprocessor started beside mdBook's HTML output,
/// once they are rendered, published into `site_dir` when that output
/// rendered the source book; their folder is removed either way.
fn take_prebuilt(
    build_dir: &Path,
    site_dir: &Path,
    languages: &[&LanguageTag],
    source: &SourceBook,
) -> Option<PathBuf> {
    let prebuild = prebuild::prebuild_process(build_dir);
    let taken = prebuild::wait_for_languages(build_dir).filter(|prebuilt| {
        let published =
            matches!(source, SourceBook::Rendered) && prebuild::publish(prebuilt, site_dir, languages).is_ok();
        let _ = std::fs::remove_dir_all(prebuilt);
        published
    });
    prebuild::wait_for_old_languages(build_dir, prebuild);
    taken
}

/// Renders the source book into `staging` and moves it into the site folder.
fn build_source(build: &SiteBuild, site: &Site, staging: &Staging) -> anyhow::Result<()> {
    let language = &build.config().source_language;
    let out = staging.book_dir(language.as_str());
    eprintln!(
        "mdbook-translate: building {language} into {}",
        build.site_dir().display()
    );
    render_source(build, site, staging, &out).with_context(|| format!("building the {language} book"))?;
    let languages: Vec<&str> = build.config().languages.iter().map(LanguageTag::as_str).collect();
    merge_source_into(&out, build.site_dir(), &languages)
        .with_context(|| format!("moving the {language} book into {}", build.site_dir().display()))
}

/// Renders one language into `staging` and publishes it.
fn build_language(
    build: &SiteBuild,
    site: &Site,
    staging: &Staging,
    shared: &Arc<SharedWork>,
    language: &LanguageTag,
    publish: Publish<'_>,
) -> anyhow::Result<()> {
    let target = build.site_dir().join(language.as_str());
    let out = staging.book_dir(language.as_str());
    eprintln!("mdbook-translate: building {language} into {}", target.display());
    render_language(build, site, staging, shared, language, &out)
        .with_context(|| format!("building the {language} book"))?;
    match publish {
        Publish::SwapIn => {
            swap_in(&out, &target).with_context(|| format!("moving the {language} book into {}", target.display()))
        }
        Publish::MoveInto(folder) => {
            let kept = folder.join(language.as_str());
            std::fs::rename(&out, &kept).with_context(|| format!("moving the {language} book into {}", kept.display()))
        }
    }
}

/// What [`build_books`] builds and where the books go.
struct Books<'a> {
    /// The languages rendered now.
    building: &'a [&'a LanguageTag],
    /// Where the source book comes from.
    source: SourceBook,
    /// Books rendered at once.
    jobs: usize,
    /// Where each finished language goes.
    publish: Publish<'a>,
}

/// Where a finished language book goes.
#[derive(Debug, Clone, Copy)]
enum Publish<'a> {
    /// Swapped into the site as soon as it is finished.
    SwapIn,
    /// Moved into this folder, for the `translate` output to swap in
    /// ([`prebuild`]).
    MoveInto(&'a Path),
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
pub fn check_output_table(book_toml: &BookToml) -> anyhow::Result<()> {
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
