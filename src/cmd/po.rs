//! `mdbook-translate po export|import`: human translations as gettext PO files.

use super::{ExpandedBook, load_expanded_book};
use anyhow::Context;
use clap::{Args, Subcommand};
use mdbook_translate::collect::collect_book;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::pipeline::open_store;
use mdbook_translate::po::{PoEntry, book_messages, import_translation_file, parse_po, write_po};
use mdbook_translate::store::Languages;
use std::collections::HashMap;
use std::path::PathBuf;

/// Arguments of `mdbook-translate po`.
#[derive(Debug, Args)]
pub(crate) struct PoArgs {
    #[command(subcommand)]
    action: PoAction,
}

#[derive(Debug, Subcommand)]
enum PoAction {
    /// Write every unit of the book to `<po-dir>/<lang>.po`, keeping the translations already there.
    Export(PoFileArgs),
    /// Store the translations of a PO file as human translations now.
    Import(PoFileArgs),
}

#[derive(Debug, Args)]
struct PoFileArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// The language of the translations.
    #[arg(long = "lang", short = 'l')]
    language: LanguageTag,
    /// The PO file (default: `<po-dir>/<lang>.po`).
    #[arg(long, short = 'f')]
    file: Option<PathBuf>,
}

/// Runs `po export` or `po import`.
pub(crate) fn execute(args: PoArgs) -> anyhow::Result<i32> {
    match args.action {
        PoAction::Export(args) => export(args),
        PoAction::Import(args) => import(args),
    }
}

fn po_path(expanded: &ExpandedBook, args: &PoFileArgs) -> PathBuf {
    args.file
        .clone()
        .unwrap_or_else(|| expanded.config.po_dir.join(format!("{}.po", args.language)))
}

fn export(args: PoFileArgs) -> anyhow::Result<i32> {
    let expanded = load_expanded_book(&args.book)?;
    let path = po_path(&expanded, &args);
    let existing: HashMap<String, PoEntry> = match std::fs::read_to_string(&path) {
        Ok(text) => parse_po(&text)
            .with_context(|| format!("reading the translations in {}", path.display()))?
            .into_iter()
            .map(|entry| (entry.msgid.clone(), entry))
            .collect(),
        Err(_) => HashMap::new(),
    };
    let config = &expanded.config;
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let messages = book_messages(&collected, config.math.dollar);
    let entries: Vec<PoEntry> = messages
        .iter()
        .map(|(message, references)| {
            let previous = existing.get(&message.msgid);
            PoEntry {
                msgid: message.msgid.clone(),
                msgstr: previous.map(|e| e.msgstr.clone()).unwrap_or_default(),
                references: references.clone(),
                fuzzy: previous.is_some_and(|e| e.fuzzy),
            }
        })
        .collect();
    let n_translated = entries.iter().filter(|e| !e.msgstr.is_empty()).count();
    let n_dropped = existing
        .keys()
        .filter(|id| !messages.iter().any(|(m, _)| &m.msgid == *id))
        .count();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&path, write_po(&entries, args.language.as_str()))
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "mdbook-translate: wrote {} entries ({n_translated} translated) to {}; {n_dropped} entries no longer in the book were dropped",
        entries.len(),
        path.display()
    );
    Ok(0)
}

fn import(args: PoFileArgs) -> anyhow::Result<i32> {
    let expanded = load_expanded_book(&args.book)?;
    let path = po_path(&expanded, &args);
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config = &expanded.config;
    let store = open_store(config)?;
    let languages = Languages {
        source: &config.source_language,
        target: &args.language,
    };
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let report = import_translation_file(&collected, &path, &text, languages, config, &store)?;
    Ok(if report.rejected.is_empty() { 0 } else { 1 })
}
