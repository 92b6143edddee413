//! `mdbook-translate po export|import|template`: translations as gettext PO files.

use super::{ExpandedBook, load_expanded_book};
use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use mdbook_translate::collect::{CollectedBook, collect_book};
use mdbook_translate::language::LanguageTag;
use mdbook_translate::pipeline::open_store;
use mdbook_translate::po::blocks::BookBlocks;
use mdbook_translate::po::file::{PoEntry, new_po_file, po_file_text};
use mdbook_translate::po::layout::{Catalog, Layout, files_under, find_layout, split_files};
use mdbook_translate::po::merge::{MergeOptions, Merged, merge_book};
use mdbook_translate::po::{Message, book_messages, import_layout};
use mdbook_translate::store::{Languages, Store};
use rspolib::POFile;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Arguments of `mdbook-translate po`.
#[derive(Debug, Args)]
pub(crate) struct PoArgs {
    #[command(subcommand)]
    action: PoAction,
}

#[derive(Debug, Subcommand)]
enum PoAction {
    /// Merge every unit of the book into `<po-dir>/<lang>.po` (or `<po-dir>/<lang>/<chapter>.po`) as
    /// msgmerge would: translations, comments and header kept, edited sentences carried over as fuzzy,
    /// machine output as fuzzy entries for review, entries no longer in the book kept as `#~` obsolete
    /// entries.
    Export(ExportArgs),
    /// Make the store mirror a language's PO files now: translated entries as human translations,
    /// fuzzy machine entries as machine translations, and withdraw the rest.
    Import(PoFileArgs),
    /// Write the template: every unit of the book with an empty translation, as
    /// `<po-dir>/messages.pot` (or `<po-dir>/messages/<chapter>.pot`).
    Template(TemplateArgs),
}

#[derive(Debug, Args)]
struct PoFileArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// The language of the translations (one of the book's `languages`).
    #[arg(long = "lang", short = 'l')]
    language: LanguageTag,
    /// The PO file, or the folder of one file per chapter (default: the
    /// book's, in `<po-dir>`).
    #[arg(long, short = 'f')]
    file: Option<PathBuf>,
}

/// How translations are split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Split {
    /// One file: `<po-dir>/<lang>.po`.
    None,
    /// One file per chapter: `<po-dir>/<lang>/<chapter path>.po`, and `SUMMARY.po` for the book's
    /// title, description, chapter names and part titles.
    Chapter,
}

#[derive(Debug, Args)]
struct ExportArgs {
    #[command(flatten)]
    file: PoFileArgs,
    /// Drop translated entries that are no longer in the book instead of keeping them as `#~`.
    #[arg(long)]
    no_obsolete: bool,
    /// Write one file, or one per chapter (default: as the translations are kept now; one file
    /// for a language that has none). Switching moves every entry into the new layout.
    #[arg(long, value_enum)]
    split: Option<Split>,
}

#[derive(Debug, Args)]
struct TemplateArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// The template (default: `<po-dir>/messages.pot`, or the folder `<po-dir>/messages`).
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// One template, or one per chapter.
    #[arg(long, value_enum, default_value = "none")]
    split: Split,
}

/// Runs `po export`, `po import` or `po template`.
pub(crate) fn execute(args: PoArgs) -> anyhow::Result<i32> {
    match args.action {
        PoAction::Export(args) => export(args),
        PoAction::Import(args) => import(args),
        PoAction::Template(args) => template(args),
    }
}

/// Loads the book, checks that it is translated into the language asked
/// for, and finds the layout of its translations (or the file or folder given).
fn load_for_language(args: &PoFileArgs) -> anyhow::Result<(ExpandedBook, Layout)> {
    let expanded = load_expanded_book(&args.book)?;
    expanded
        .config
        .select_languages(std::slice::from_ref(&args.language))
        .with_context(|| format!("{} has no `{}` translation", args.book.display(), args.language))?;
    let layout = match &args.file {
        Some(path) if path.is_dir() => Layout::Split(path.clone()),
        Some(path) => Layout::Single(path.clone()),
        None => find_layout(&expanded.config.po_dir, &args.language)?,
    };
    Ok((expanded, layout))
}

/// The machine profiles whose records `po export` writes, best first.
const EXPORTED_MACHINE_PROFILES: &[&str] = &["act", "realtime", "imported"];

fn export(args: ExportArgs) -> anyhow::Result<i32> {
    let (expanded, layout) = load_for_language(&args.file)?;
    // Read first: a file that cannot be read is reported and never overwritten.
    let existing = Catalog::read(&layout)?;
    let config = &expanded.config;
    let store = open_store(config)?;
    let languages = Languages {
        source: &config.source_language,
        target: &args.file.language,
    };
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let messages = book_messages(&collected, config.math.dollar);
    let machine_of = |message: &Message| machine_record(&store, languages, &message.tagged);
    let options = MergeOptions {
        keep_obsolete: !args.no_obsolete,
        escape_dollar: config.math.dollar,
    };
    let blocks = BookBlocks::of_book(&collected);
    let segment_options = config.segment_options();
    let in_use = |entry: &PoEntry| blocks.blocks_of(&entry.msgid, &segment_options).is_some();
    let language = args.file.language.as_str();
    let merged = merge_book(
        existing.as_ref().map(|catalog| catalog.file.clone()),
        language,
        &messages,
        &machine_of,
        &in_use,
        options,
    );
    let target = match (args.split, &layout) {
        (Some(Split::Chapter), Layout::Single(file)) => Layout::Split(file.with_extension("")),
        (Some(Split::None), Layout::Split(folder)) => Layout::Single(folder.with_extension("po")),
        _ => layout.clone(),
    };
    let files = layout_files(&target, &merged, existing.as_ref(), &messages, "po");
    let before_folder = match &layout {
        Layout::Split(folder) => Some(folder.as_path()),
        Layout::Single(_) => None,
    };
    write_files(&files, &layout.files(), before_folder)?;
    let report = &merged.report;
    eprintln!(
        "mdbook-translate: wrote {} entries to {}{}: {} translated, {} machine translations to review, \
         {} carried over from edited sentences (fuzzy), {} obsolete (#~), {} dropped",
        report.n_entries,
        target.path().display(),
        in_files(&target, files.len()),
        report.n_translated,
        report.n_machine,
        report.n_carried_over,
        report.n_obsolete,
        report.n_dropped
    );
    Ok(0)
}

/// The files to write for `merged` in the layout `target`.
fn layout_files(
    target: &Layout,
    merged: &Merged,
    existing: Option<&Catalog>,
    messages: &[(Message, Vec<String>)],
    extension: &str,
) -> Vec<(PathBuf, POFile)> {
    match target {
        Layout::Single(path) => vec![(path.clone(), merged.file.clone())],
        Layout::Split(folder) => {
            let mut known: Vec<String> = Vec::new();
            for reference in messages.iter().flat_map(|(_, references)| references) {
                if !known.contains(reference) {
                    known.push(reference.clone());
                }
            }
            let mut header = merged.file.clone();
            header.entries.clear();
            split_files(merged, existing, folder, &known, &header, extension)
        }
    }
}

/// ` in N files` for a split layout.
fn in_files(layout: &Layout, n_files: usize) -> String {
    match layout {
        Layout::Single(_) => String::new(),
        Layout::Split(_) => format!(" in {n_files} files"),
    }
}

/// Writes `files`, then removes the files of `before` that are not among
/// them, and the folders `before` leaves empty: every entry the removed
/// files held is in the files written, or was dropped as the report says.
fn write_files(files: &[(PathBuf, POFile)], before: &[PathBuf], before_folder: Option<&Path>) -> anyhow::Result<()> {
    for (path, file) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(path, po_file_text(file)).with_context(|| format!("writing {}", path.display()))?;
    }
    let written: HashSet<&Path> = files.iter().map(|(path, _)| path.as_path()).collect();
    for old in before.iter().filter(|old| !written.contains(old.as_path())) {
        std::fs::remove_file(old).with_context(|| format!("removing {}", old.display()))?;
    }
    if let Some(folder) = before_folder {
        remove_empty_folders(folder);
    }
    Ok(())
}

/// Removes `folder` and the folders under it that hold nothing.
fn remove_empty_folders(folder: &Path) {
    let folders: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .contents_first(true)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_dir())
        .map(|entry| entry.into_path())
        .collect();
    for folder in folders {
        // Fails, as it should, for a folder that is not empty.
        let _ = std::fs::remove_dir(folder);
    }
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
    let (expanded, layout) = load_for_language(&args)?;
    let config = &expanded.config;
    let store = open_store(config)?;
    let languages = Languages {
        source: &config.source_language,
        target: &args.language,
    };
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let report = import_layout(&expanded.book, &collected, &layout, languages, config, &store)?;
    Ok(if report.refused.is_empty() { 0 } else { 1 })
}

fn template(args: TemplateArgs) -> anyhow::Result<i32> {
    let expanded = load_expanded_book(&args.book)?;
    let config = &expanded.config;
    let collected: CollectedBook = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let messages = book_messages(&collected, config.math.dollar);
    let mut file = new_po_file("");
    if let Some(title) = &expanded.texts.title {
        file.metadata.insert("Project-Id-Version".to_string(), title.clone());
    }
    let merged = merge_book(
        Some(file),
        "",
        &messages,
        &|_| None,
        &|_| false,
        MergeOptions {
            keep_obsolete: false,
            escape_dollar: config.math.dollar,
        },
    );
    let output = args.output.unwrap_or_else(|| config.po_dir.join("messages.pot"));
    let target = match args.split {
        Split::None => Layout::Single(output),
        Split::Chapter => Layout::Split(output.with_extension("")),
    };
    let files = layout_files(&target, &merged, None, &messages, "pot");
    // A split template replaces the templates of chapters that left the book.
    let (before, before_folder) = match &target {
        Layout::Split(folder) => (files_under(folder, "pot"), Some(folder.as_path())),
        Layout::Single(_) => (Vec::new(), None),
    };
    write_files(&files, &before, before_folder)?;
    eprintln!(
        "mdbook-translate: wrote the template of {} messages to {}{}",
        merged.report.n_entries,
        target.path().display(),
        in_files(&target, files.len())
    );
    Ok(0)
}
