//! `mdbook-translate parallel-data build`: the source book aligned with its
//! human translation, written as parallel data for Amazon Translate.
//!
//! This file reads the books, the PO file and the store, and writes the
//! files; [`mdbook_translate::parallel_data`] does the aligning without IO.

use super::{collect_markdown, load_expanded_book};
use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use mdbook_preprocessor::book::BookItem;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::parallel_data::{
    AlignmentReport, BuildOptions, ChapterText, ExportSummary, Granularity, SentencePair, TranslatedBlock, Translation,
    build_pairs, write_csv, write_tmx, write_tsv,
};
use mdbook_translate::pipeline::open_store;
use mdbook_translate::store::Languages;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Arguments of `mdbook-translate parallel-data`.
#[derive(Debug, Args)]
pub(crate) struct ParallelDataArgs {
    #[command(subcommand)]
    action: ParallelDataAction,
}

#[derive(Debug, Subcommand)]
enum ParallelDataAction {
    /// Align the book with a human translation and write sentence pairs as CSV, TSV or TMX.
    Build(BuildArgs),
    /// Upload a parallel data file and create or update the resource; wait until it is ACTIVE.
    Push(super::push::ParallelDataPushArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
Chapters are matched by path, else by title (or heading id, or d2lbook label).
In each chapter, code blocks, display math and figures are matched as anchors;
the prose between two anchors is aligned by length (Gale and Church), then the
sentences of each aligned pair of blocks. A pair whose two sides do not hold
the same code, math and URLs is dropped, and so is one over 1,000 bytes, one
whose translation equals its source, and (CSV, TSV) one starting with + - = @.
A summary goes to stderr; --report writes it all as JSON.")]
struct BuildArgs {
    /// The source book: an mdBook (folder with book.toml) or a folder of markdown files.
    #[arg(long, value_name = "PATH")]
    source: PathBuf,
    /// The human translation: an mdBook, a folder of markdown files, or a
    /// gettext PO file (mdbook-i18n-helpers: one block per entry).
    #[arg(long, value_name = "PATH", required_unless_present = "from_store")]
    translation: Option<PathBuf>,
    /// Also take the human translations in the source book's store (they
    /// are sentence pairs already).
    #[arg(long)]
    from_store: bool,
    /// The language of the translation (BCP 47).
    #[arg(long = "lang", short = 'l', value_name = "LANG")]
    language: LanguageTag,
    /// The language of the source [default: the book's, else en].
    #[arg(long, value_name = "LANG")]
    source_lang: Option<LanguageTag>,
    /// Pair sentences, or whole paragraphs.
    #[arg(long, value_enum, default_value_t = GranularityArg::Sentence)]
    granularity: GranularityArg,
    /// The file format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Where to write the pairs [default: stdout].
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write the alignment report as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GranularityArg {
    /// sentence pairs (what Active Custom Translation learns best from)
    Sentence,
    /// paragraph pairs
    Paragraph,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// comma separated, RFC 4180 quoting
    Csv,
    /// tab separated
    Tsv,
    /// TMX 1.4b
    Tmx,
}

/// Runs `parallel-data build`.
pub(crate) fn execute(args: ParallelDataArgs) -> anyhow::Result<i32> {
    match args.action {
        ParallelDataAction::Build(args) => build(args),
        ParallelDataAction::Push(args) => super::push::push_parallel_data(args),
    }
}

/// The source side: its chapters, how to segment it, and its store's human
/// records when asked for.
struct SourceBook {
    chapters: Vec<ChapterText>,
    options: BuildOptions,
    records: Option<HashMap<String, String>>,
}

fn build(args: BuildArgs) -> anyhow::Result<i32> {
    let source = read_source(&args)?;
    let mut n_po_entries_skipped = 0;
    let translation = match &args.translation {
        Some(path) if is_po_file(path) => {
            let (entries, n_skipped) = read_po_entries(path)?;
            n_po_entries_skipped = n_skipped;
            Some(TranslationInput::Entries(entries))
        }
        Some(path) => Some(TranslationInput::Chapters(read_chapters(path)?)),
        None => None,
    };
    let mut translations = Vec::new();
    match &translation {
        Some(TranslationInput::Entries(entries)) => translations.push(Translation::PoEntries(entries)),
        Some(TranslationInput::Chapters(chapters)) => translations.push(Translation::Chapters(chapters)),
        None => {}
    }
    if let Some(records) = &source.records {
        translations.push(Translation::Records(records));
    }
    let (pairs, mut report) = build_pairs(&source.chapters, &translations, &source.options);
    report.n_po_entries_skipped = n_po_entries_skipped;
    if report.chapters.is_empty() {
        bail!(
            "no chapter of {} has a translation: chapters are matched by path, then by title",
            args.source.display()
        );
    }
    let export = write_pairs(&args, &source.options, &pairs)?;
    for (reason, n) in &export.dropped {
        report.count_dropped(*reason, *n);
    }
    report.n_pairs = export.n_written;
    eprint!("{}", report.summary());
    if let Some(path) = &args.report {
        write_report(path, &report)?;
    }
    Ok(0)
}

enum TranslationInput {
    Chapters(Vec<ChapterText>),
    Entries(Vec<TranslatedBlock>),
}

fn read_source(args: &BuildArgs) -> anyhow::Result<SourceBook> {
    let granularity = match args.granularity {
        GranularityArg::Sentence => Granularity::Sentence,
        GranularityArg::Paragraph => Granularity::Paragraph,
    };
    if !args.source.join("book.toml").is_file() {
        if args.from_store {
            bail!(
                "--from-store needs an mdBook as --source (its store is where its book.toml says), but {} has no book.toml",
                args.source.display()
            );
        }
        let source_language = args
            .source_lang
            .clone()
            .unwrap_or_else(|| "en".parse().expect("en is a tag"));
        let mut options = BuildOptions::new(source_language, args.language.clone());
        options.granularity = granularity;
        return Ok(SourceBook {
            chapters: read_chapters(&args.source)?,
            options,
            records: None,
        });
    }
    let expanded = load_expanded_book(&args.source)?;
    let config = &expanded.config;
    let mut source_options = config.segment_options();
    if let Some(language) = &args.source_lang {
        source_options.source_language = language.clone();
    }
    let target_options = mdbook_translate::segment::SegmentOptions {
        source_language: args.language.clone(),
        ..source_options.clone()
    };
    let records = if args.from_store {
        let store = open_store(config)?;
        let languages = Languages {
            source: &source_options.source_language,
            target: &args.language,
        };
        let mut records = HashMap::new();
        for entry in store.human_records() {
            let (key, record) = entry?;
            if languages.key(&record.source) == key {
                records.insert(record.source, record.text);
            }
        }
        Some(records)
    } else {
        None
    };
    Ok(SourceBook {
        chapters: book_chapters(&expanded.book),
        options: BuildOptions {
            source: source_options,
            target: target_options,
            granularity,
        },
        records,
    })
}

/// The chapters of an mdBook or of a folder of markdown files.
fn read_chapters(path: &Path) -> anyhow::Result<Vec<ChapterText>> {
    if path.join("book.toml").is_file() {
        return Ok(book_chapters(&load_expanded_book(path)?.book));
    }
    if !path.is_dir() {
        bail!(
            "{} is neither an mdBook, a folder of markdown files, nor a PO file",
            path.display()
        );
    }
    let mut chapters = Vec::new();
    for (relative, file) in collect_markdown(path)? {
        if relative == "SUMMARY.md" {
            continue;
        }
        let markdown = fs::read_to_string(&file).with_context(|| format!("reading chapter {}", file.display()))?;
        let title = markdown
            .lines()
            .find_map(|line| {
                line.strip_prefix('#')
                    .map(|title| title.trim_start_matches('#').trim().to_string())
            })
            .unwrap_or_default();
        chapters.push(ChapterText {
            path: relative,
            title,
            markdown,
        });
    }
    if chapters.is_empty() {
        bail!("{} holds no markdown (*.md) files", path.display());
    }
    Ok(chapters)
}

/// The chapters of a loaded book with content, by their path under `src/`.
fn book_chapters(book: &mdbook_preprocessor::book::Book) -> Vec<ChapterText> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(chapter) => {
                let path = chapter.source_path.as_ref().or(chapter.path.as_ref())?;
                let parts: Vec<_> = path.iter().map(|part| part.to_string_lossy()).collect();
                Some(ChapterText {
                    path: parts.join("/"),
                    title: chapter.name.clone(),
                    markdown: chapter.content.clone(),
                })
            }
            _ => None,
        })
        .collect()
}

fn is_po_file(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|extension| extension == "po" || extension == "pot")
}

/// The translated entries of a PO file, and how many were fuzzy or
/// untranslated.
fn read_po_entries(path: &Path) -> anyhow::Result<(Vec<TranslatedBlock>, usize)> {
    let catalog = polib::po_file::parse(path).map_err(|error| {
        anyhow::anyhow!(
            "reading the PO file {}: {error}; give a gettext PO file, an mdBook or a folder of markdown",
            path.display()
        )
    })?;
    let mut entries = Vec::new();
    let mut n_skipped = 0;
    for message in catalog.messages() {
        let translation = message.msgstr().unwrap_or_default();
        if message.msgid().is_empty() {
            continue;
        }
        if message.is_fuzzy() || translation.trim().is_empty() {
            n_skipped += 1;
            continue;
        }
        // `#: src/intro.md:12 src/other.md:3`: the file of the first.
        let reference = message.source().split_whitespace().next().unwrap_or_default();
        let chapter = reference.rsplit_once(':').map_or(reference, |(file, _)| file);
        entries.push(TranslatedBlock {
            chapter: chapter.to_string(),
            source: message.msgid().to_string(),
            translation: translation.to_string(),
        });
    }
    Ok((entries, n_skipped))
}

fn write_pairs(args: &BuildArgs, options: &BuildOptions, pairs: &[SentencePair]) -> anyhow::Result<ExportSummary> {
    let languages = [&options.source.source_language, &options.target.source_language];
    let write = |out: &mut dyn Write| match args.format {
        Format::Csv => write_csv(out, languages, pairs),
        Format::Tsv => write_tsv(out, languages, pairs),
        Format::Tmx => write_tmx(out, languages, pairs, options.granularity),
    };
    match &args.output {
        Some(path) => {
            let file = fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut out = io::BufWriter::new(file);
            let summary = write(&mut out).with_context(|| format!("writing {}", path.display()))?;
            out.flush().with_context(|| format!("writing {}", path.display()))?;
            Ok(summary)
        }
        None => match write(&mut io::stdout().lock()) {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(ExportSummary::default()),
            result => result.context("writing the pairs to stdout"),
        },
    }
}

fn write_report(path: &Path, report: &AlignmentReport) -> anyhow::Result<()> {
    let mut json = serde_json::to_string_pretty(report).context("serialising the report")?;
    json.push('\n');
    fs::write(path, json).with_context(|| format!("writing the report {}", path.display()))
}
