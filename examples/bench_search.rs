//! Search index size per language: for each book of the site (the source
//! and every target language), the index mdBook's HTML renderer writes and
//! the one mdbook-translate rebuilds from it, with the time the rebuild
//! takes.
//!
//! `cargo run --release --example bench_search -- [BOOK] [LANGUAGE...]`
//! (default: book-example). A book without `[preprocessor.translate]` is
//! given one with the pseudo backend and the languages named (default zh
//! and es). Works on a copy of the book.

use anyhow::Context;
use mdbook_driver::MDBook;
use mdbook_html::HtmlHandlebars;
use mdbook_renderer::{RenderContext, Renderer};
use mdbook_translate::config::Config;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use mdbook_translate::renderer::TranslateRenderer;
use mdbook_translate::search;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        if entry.file_name() == "book" || entry.file_name() == ".translate-cache" {
            continue;
        }
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Adds the translate preprocessor (pseudo backend, `languages`) and output
/// to the book.toml in `root` when it lacks them.
fn add_translate_tables(root: &Path, languages: &[String]) -> anyhow::Result<()> {
    let path = root.join("book.toml");
    let mut toml = std::fs::read_to_string(&path)?;
    if !toml.contains("[preprocessor.translate]") {
        let quoted: Vec<String> = languages.iter().map(|l| format!("\"{l}\"")).collect();
        toml.push_str(&format!(
            "\n[preprocessor.translate]\nlanguages = [{}]\nbackend = \"pseudo\"\n",
            quoted.join(", ")
        ));
    }
    if !toml.contains("[output.translate]") {
        toml.push_str("\n[output.translate]\n");
    }
    Ok(std::fs::write(path, toml)?)
}

/// The search index file in `html_dir`.
fn index_file(html_dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::read_dir(html_dir)?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("searchindex"))
        })
        .with_context(|| format!("no search index in {}", html_dir.display()))
}

/// Renders the book at `root` in `language` with mdBook's HTML renderer
/// alone into `out`, so its search index is mdBook's.
fn render_with_mdbook(root: &Path, language: &LanguageTag, out: &Path) -> anyhow::Result<()> {
    let mut book = MDBook::load(root)?;
    book.config.set("book.language", language.as_str())?;
    let mut book = MDBook::load_with_config(root, book.config)?;
    book.with_preprocessor(TranslatePreprocessor::new());
    let html = HtmlHandlebars::new();
    let (preprocessed, preprocess_ctx) = book.preprocess_book(&html)?;
    let mut render_ctx = RenderContext::new(root, preprocessed, book.config.clone(), out);
    render_ctx
        .chapter_titles
        .extend(preprocess_ctx.chapter_titles.borrow_mut().drain());
    html.render(&render_ctx)
}

/// mdBook's index for `language`, ours, and the time our rebuild of
/// mdBook's index takes.
fn measure(
    root: &Path,
    site: &Path,
    language: &LanguageTag,
    source: &LanguageTag,
) -> anyhow::Result<(u64, u64, Duration)> {
    let ours_dir = if language == source {
        site.to_path_buf()
    } else {
        site.join(language.as_str())
    };
    let ours = index_file(&ours_dir)?.metadata()?.len();
    let mdbook_dir = root.join(format!("mdbook-{language}"));
    render_with_mdbook(root, language, &mdbook_dir)?;
    let mdbook_index = index_file(&mdbook_dir)?;
    let mdbook = mdbook_index.metadata()?.len();
    let rebuild_dir = root.join(format!("rebuild-{language}"));
    std::fs::create_dir_all(&rebuild_dir)?;
    std::fs::copy(
        &mdbook_index,
        rebuild_dir.join(mdbook_index.file_name().context("a file name")?),
    )?;
    let started = Instant::now();
    search::index_book(&rebuild_dir, language, None)?;
    Ok((mdbook, ours, started.elapsed()))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let book = PathBuf::from(args.first().map_or("book-example", String::as_str));
    let languages = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec!["zh".into(), "es".into()]
    };
    let work = tempfile::tempdir()?;
    let root = work.path();
    copy_tree(&book, root)?;
    add_translate_tables(root, &languages)?;

    let started = Instant::now();
    let mut site_book = MDBook::load(root)?;
    site_book.with_preprocessor(TranslatePreprocessor::new());
    site_book.with_renderer(TranslateRenderer::new());
    site_book.build()?;
    let site_time = started.elapsed();
    let site = site_book.build_dir_for("html");
    let config = Config::from_book(root, &site_book.config)?;
    let source = config.source_language.clone();

    println!(
        "book: {} (site built in {:.2} s)",
        book.display(),
        site_time.as_secs_f64()
    );
    println!("| language | mdBook's index | rebuilt index | rebuilt / mdBook's source index | rebuild time |");
    println!("|---|---|---|---|---|");
    let mut source_mdbook = None;
    for language in std::iter::once(&source).chain(&config.languages) {
        let (mdbook, ours, time) = measure(root, &site, language, &source)?;
        let base = *source_mdbook.get_or_insert(mdbook);
        println!(
            "| {language} | {mdbook} B | {ours} B | {:.2} | {:.1} ms |",
            ours as f64 / base as f64,
            time.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
