//! The preprocessor protocol: `[context, book]` JSON on stdin, the book JSON
//! on stdout and nothing else on stdout.

use anyhow::Context;
use mdbook_preprocessor::Preprocessor;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use std::io::Write;

/// Runs the preprocessor over stdin → stdout.
pub(crate) fn execute() -> anyhow::Result<i32> {
    let (ctx, book) = mdbook_preprocessor::parse_input(std::io::stdin().lock()).context(
        "reading the book from stdin (mdbook-translate without a subcommand is run by mdBook as a preprocessor)",
    )?;
    check_mdbook_version(&ctx.mdbook_version);
    let book = TranslatePreprocessor::new().run(&ctx, book)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &book).context("writing the book to stdout")?;
    stdout.flush().context("writing the book to stdout")?;
    Ok(0)
}

/// Warns when mdBook is not the 0.5 series this preprocessor was built for.
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

/// `mdbook-translate supports <renderer>`: every renderer is supported,
/// since translation changes only markdown.
pub(crate) fn supports(renderer: &str) -> anyhow::Result<i32> {
    let supported = TranslatePreprocessor::new().supports_renderer(renderer)?;
    Ok(if supported { 0 } else { 1 })
}
