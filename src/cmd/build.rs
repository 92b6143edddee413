//! `mdbook-translate build [BOOK]`: what `mdbook build` does with the
//! `translate` output, in-process, whether or not book.toml lists that output.

use anyhow::Context;
use clap::Args;
use mdbook_driver::MDBook;
use mdbook_translate::config::Config;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use mdbook_translate::renderer::{
    OUTPUT_NAME, SiteBuilt, SourceBook, TranslateRenderer, check_output_table, has_output, print_where,
};
use std::path::PathBuf;

/// Arguments of `mdbook-translate build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// Build only these languages (default: every configured language); the
    /// source book is always built.
    #[arg(long = "language", short = 'l')]
    languages: Vec<LanguageTag>,
    /// Output folder (default: the book's build dir), as `mdbook build --dest-dir`.
    #[arg(long, short = 'd')]
    dest_dir: Option<PathBuf>,
    /// Books rendered at once (default: one per core, fewer when memory is short).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

/// Builds the books; prints where each one is.
pub(crate) fn execute(args: BuildArgs) -> anyhow::Result<i32> {
    let root = args
        .book
        .canonicalize()
        .with_context(|| format!("{} is not a book folder", args.book.display()))?;
    let mut book = MDBook::load(&root).with_context(|| format!("loading the book in {}", root.display()))?;
    if let Some(dir) = &args.dest_dir {
        book.config.build.build_dir = std::env::current_dir().context("reading the current folder")?.join(dir);
        book = MDBook::load_with_config(&root, book.config)
            .with_context(|| format!("loading the book in {}", root.display()))?;
    }
    let config = Config::from_book(&book.root, &book.config)?;
    book.with_preprocessor(TranslatePreprocessor::new());
    let mut renderer = if args.languages.is_empty() {
        TranslateRenderer::new()
    } else {
        TranslateRenderer::only(args.languages.clone())
    };
    if let Some(jobs) = args.jobs {
        renderer = renderer.with_jobs(usize::from(jobs));
    }
    // Refuse unknown languages before building anything.
    renderer.languages(&config)?;
    let language = config.target_language(&book.config)?;
    if language == config.source_language && renders_html(&book) {
        // The whole site in place of mdBook's HTML output: the source book
        // and every language rendered side by side, the source book
        // preprocessed beside the languages rather than before them.
        if has_output(&book.config, OUTPUT_NAME) {
            check_output_table(&book.config)?;
        }
        let outputs = renderer
            .with_loaded_book(book.book.clone())
            .build_site(&book.root, &book.config, book.build_dir_for("html"), SourceBook::Render)
            .context("building the book")?;
        print_where(&outputs);
        if has_other_outputs(&book) {
            // mdBook runs the book's other outputs.
            book.with_renderer(SiteBuilt::HTML);
            book.with_renderer(SiteBuilt::TRANSLATE);
            book.build().context("building the book")?;
        }
        return Ok(0);
    }
    if has_output(&book.config, OUTPUT_NAME) {
        // Exactly `mdbook build`, with the output in-process.
        book.with_renderer(renderer);
        book.build().context("building the book")?;
        return Ok(0);
    }
    eprintln!(
        "mdbook-translate: building {language} into {}",
        book.build_dir_for("html").display()
    );
    book.build().with_context(|| format!("building the {language} book"))?;
    if !renders_html(&book) {
        eprintln!("mdbook-translate: the book has no HTML output, so no language is added to it");
        return Ok(0);
    }
    let outputs = renderer.build_site(
        &book.root,
        &book.config,
        book.build_dir_for("html"),
        SourceBook::Rendered,
    )?;
    print_where(&outputs);
    Ok(0)
}

/// Whether the book has outputs besides the HTML and `translate` ones.
fn has_other_outputs(book: &MDBook) -> bool {
    let outputs = book.config.outputs::<serde_json::Value>().unwrap_or_default();
    outputs.keys().any(|name| name != "html" && name != OUTPUT_NAME)
}

/// Whether the book has the HTML output (mdBook's default when no output is configured).
fn renders_html(book: &MDBook) -> bool {
    let outputs = book.config.outputs::<serde_json::Value>().unwrap_or_default();
    outputs.is_empty() || outputs.contains_key("html")
}
