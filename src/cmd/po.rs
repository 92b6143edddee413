//! `mdbook-translate po export|import`: translations as gettext PO files.

use super::{ExpandedBook, load_expanded_book};
use anyhow::Context;
use clap::{Args, Subcommand};
use mdbook_translate::collect::collect_book;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::pipeline::open_store;
use mdbook_translate::po::blocks::BookBlocks;
use mdbook_translate::po::file::{PoEntry, po_file_text};
use mdbook_translate::po::import::po_file_path;
use mdbook_translate::po::merge::{MergeOptions, merge_book};
use mdbook_translate::po::{book_messages, import_translation_file, read_po_file};
use mdbook_translate::store::{Languages, Store};
use std::path::PathBuf;

/// Arguments of `mdbook-translate po`.
#[derive(Debug, Args)]
pub(crate) struct PoArgs {
    #[command(subcommand)]
    action: PoAction,
}

#[derive(Debug, Subcommand)]
enum PoAction {
    /// Merge every unit of the book into `<po-dir>/<lang>.po` as msgmerge would: translations,
    /// comments and header kept, edited sentences carried over as fuzzy, machine output as fuzzy
    /// entries for review, entries no longer in the book kept as `#~` obsolete entries.
    Export(ExportArgs),
    /// Make the store mirror a PO file now: translated entries as human translations, fuzzy
    /// machine entries as machine translations, and withdraw the rest.
    Import(PoFileArgs),
}

#[derive(Debug, Args)]
struct PoFileArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// The language of the translations (one of the book's `languages`).
    #[arg(long = "lang", short = 'l')]
    language: LanguageTag,
    /// The PO file (default: `<po-dir>/<lang>.po`).
    #[arg(long, short = 'f')]
    file: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    file: PoFileArgs,
    /// Drop translated entries that are no longer in the book instead of keeping them as `#~`.
    #[arg(long)]
    no_obsolete: bool,
}

/// Runs `po export` or `po import`.
pub(crate) fn execute(args: PoArgs) -> anyhow::Result<i32> {
    match args.action {
        PoAction::Export(args) => export(args),
        PoAction::Import(args) => import(args),
    }
}

/// Loads the book and checks that it is translated into the language asked for.
fn load_for_language(args: &PoFileArgs) -> anyhow::Result<(ExpandedBook, PathBuf)> {
    let expanded = load_expanded_book(&args.book)?;
    expanded
        .config
        .select_languages(std::slice::from_ref(&args.language))
        .with_context(|| format!("{} has no `{}` translation", args.book.display(), args.language))?;
    let path = args
        .file
        .clone()
        .unwrap_or_else(|| po_file_path(&expanded.config.po_dir, &args.language));
    Ok((expanded, path))
}

/// The machine profiles whose records `po export` writes, best first.
const EXPORTED_MACHINE_PROFILES: &[&str] = &["act", "realtime", "imported"];

fn export(args: ExportArgs) -> anyhow::Result<i32> {
    let (expanded, path) = load_for_language(&args.file)?;
    // Read first: a file that cannot be read is reported and never overwritten.
    let existing = read_po_file(&path)?;
    let config = &expanded.config;
    let store = open_store(config)?;
    let languages = Languages {
        source: &config.source_language,
        target: &args.file.language,
    };
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let messages = book_messages(&collected, config.math.dollar);
    let machine_of = |message: &mdbook_translate::po::Message| machine_record(&store, languages, &message.tagged);
    let options = MergeOptions {
        keep_obsolete: !args.no_obsolete,
        escape_dollar: config.math.dollar,
    };
    let blocks = BookBlocks::of_book(&collected);
    let segment_options = config.segment_options();
    let in_use = |entry: &PoEntry| blocks.units_of(&entry.msgid, &segment_options).is_some();
    let language = args.file.language.as_str();
    let (file, report) = merge_book(existing, language, &messages, &machine_of, &in_use, options);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&path, po_file_text(&file)).with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "mdbook-translate: wrote {} entries to {}: {} translated, {} machine translations to review, \
         {} carried over from edited sentences (fuzzy), {} obsolete (#~), {} dropped",
        report.n_entries,
        path.display(),
        report.n_translated,
        report.n_machine,
        report.n_carried_over,
        report.n_obsolete,
        report.n_dropped
    );
    Ok(0)
}

fn machine_record(store: &Store, languages: Languages<'_>, tagged: &str) -> Option<mdbook_translate::store::Record> {
    match store.lookup(&languages.key(tagged), EXPORTED_MACHINE_PROFILES) {
        Ok(record) => record,
        Err(error) => {
            tracing::warn!("{error}");
            None
        }
    }
}

fn import(args: PoFileArgs) -> anyhow::Result<i32> {
    let (expanded, path) = load_for_language(&args)?;
    let file = read_po_file(&path)?.with_context(|| format!("{} does not exist", path.display()))?;
    let config = &expanded.config;
    let store = open_store(config)?;
    let languages = Languages {
        source: &config.source_language,
        target: &args.language,
    };
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let report = import_translation_file(&collected, &path, &file, languages, config, &store)?;
    Ok(if report.refused.is_empty() { 0 } else { 1 })
}
