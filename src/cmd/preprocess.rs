//! The protocols mdBook speaks with the binary when it has no subcommand:
//! as a preprocessor, `[context, book]` JSON on stdin and the book JSON on
//! stdout (and nothing else on stdout); as the `translate` output, the
//! render context JSON on stdin.

use anyhow::Context;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_renderer::{RenderContext, Renderer};
use mdbook_translate::config::Config;
use mdbook_translate::language::join_languages;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use mdbook_translate::renderer::{OUTPUT_NAME, TranslateRenderer, has_output, prebuild};
use std::io::{BufRead, Read, Write};

/// Reads stdin and runs as the preprocessor (a JSON array) or as the
/// `translate` output (a JSON object).
pub(crate) fn execute() -> anyhow::Result<i32> {
    const READING: &str = "reading stdin (mdbook-translate without a subcommand is run by mdBook)";
    let is_output = {
        let mut stdin = std::io::stdin().lock();
        loop {
            let buffer = stdin.fill_buf().context(READING)?;
            match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
                Some(at) => break buffer[at] == b'{',
                None if buffer.is_empty() => break false,
                None => {
                    let n = buffer.len();
                    stdin.consume(n);
                }
            }
        }
    };
    if is_output && let Some(early) = prebuild::early_render_context() {
        return render_early(early);
    }
    let mut input = Vec::new();
    std::io::stdin().lock().read_to_end(&mut input).context(READING)?;
    if is_output { render(&input) } else { preprocess(&input) }
}

/// The preprocessor: translates the book into `[book] language`.
fn preprocess(input: &[u8]) -> anyhow::Result<i32> {
    let (ctx, book) = mdbook_preprocessor::parse_input(input).context(
        "reading the book from stdin (mdbook-translate without a subcommand is run by mdBook as a preprocessor)",
    )?;
    check_mdbook_version(&ctx.mdbook_version);
    hint_at_output(&ctx);
    let book = TranslatePreprocessor::new().run(&ctx, book)?;
    prebuild::before_html_output(&ctx)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &book).context("writing the book to stdout")?;
    stdout.flush().context("writing the book to stdout")?;
    Ok(0)
}

/// The `translate` output: builds every language next to the source book.
fn render(input: &[u8]) -> anyhow::Result<i32> {
    let ctx = RenderContext::from_json(input).context(
        "reading the render context from stdin (mdbook-translate without a subcommand is run by mdBook as the translate output)",
    )?;
    check_mdbook_version(&ctx.version);
    TranslateRenderer::new().render(&ctx)?;
    Ok(0)
}

/// The `translate` output of a run whose languages were started beside the
/// source book: starts from `early` while mdBook is still writing the
/// render context, then checks that context against it (and builds again
/// from the context, should they differ).
fn render_early(early: RenderContext) -> anyhow::Result<i32> {
    let reading = std::thread::spawn(|| -> anyhow::Result<RenderContext> {
        let mut input = Vec::new();
        std::io::stdin().lock().read_to_end(&mut input)?;
        RenderContext::from_json(&input[..])
    });
    let rendered = TranslateRenderer::new().render(&early);
    let ctx = reading
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        .context(
            "reading the render context from stdin (mdbook-translate without a subcommand is run by mdBook as the translate output)",
        )?;
    check_mdbook_version(&ctx.version);
    if !prebuild::is_same_context(&early, &ctx) {
        tracing::warn!("the languages were started for another configuration than mdBook's; building them again");
        TranslateRenderer::new().render(&ctx)?;
        return Ok(0);
    }
    rendered?;
    Ok(0)
}

/// On a source-language HTML build of a book with target languages but no
/// `[output.translate]`, says how to get the languages too.
fn hint_at_output(ctx: &PreprocessorContext) {
    if ctx.renderer != "html" || has_output(&ctx.config, OUTPUT_NAME) {
        return;
    }
    let Ok(config) = Config::from_book(&ctx.root, &ctx.config) else {
        return;
    };
    let Ok(target) = config.target_language(&ctx.config) else {
        return;
    };
    if !config.languages.is_empty() && target == config.source_language {
        eprintln!(
            "mdbook-translate: this build writes the {} book only; add `[output.{OUTPUT_NAME}]` to book.toml to build {} \
             as well (or run `mdbook-translate build`)",
            config.source_language,
            join_languages(&config.languages)
        );
    }
}

/// Warns when mdBook is not the 0.5 series this binary was built for.
fn check_mdbook_version(running: &str) {
    let built = mdbook_preprocessor::MDBOOK_VERSION;
    let compatible = semver::VersionReq::parse(&format!(
        "~{}",
        built.rsplit_once('.').map_or(built, |(minor, _)| minor)
    ))
    .ok()
    .zip(semver::Version::parse(running).ok())
    .is_some_and(|(requirement, version)| requirement.matches(&version));
    if !compatible {
        tracing::warn!(
            "mdbook-translate was built against mdBook {built}, but is being called from mdBook {running}; \
             if the build fails, use mdBook {built}"
        );
    }
}

/// `mdbook-translate prebuild <folder>`, started by the preprocessor: the
/// languages rendered while mdBook renders the source book.
pub(crate) fn prebuild(folder: &std::path::Path) -> anyhow::Result<i32> {
    prebuild::run(folder)?;
    Ok(0)
}

/// `mdbook-translate supports <renderer>`: every renderer but the
/// `translate` output, which translates the book itself. Asked about the
/// HTML output by `mdbook build` of a site in its source language, it
/// prepares the site and starts the languages itself, and answers no: the
/// preprocessor would leave the book as it is ([`prebuild::prepare_ahead`]).
pub(crate) fn supports(renderer: &str) -> anyhow::Result<i32> {
    if renderer == "html" && prebuild::prepare_ahead() {
        return Ok(1);
    }
    let supported = TranslatePreprocessor::new().supports_renderer(renderer)?;
    Ok(if supported { 0 } else { 1 })
}
