//! `mdbook-translate parallel-data push` and `terminology push`: the
//! book's parallel data and glossary as Amazon Translate resources.

use super::load_expanded_book;
use anyhow::Context;
use clap::{Args, Subcommand};
use mdbook_translate::pipeline::open_store;
use mdbook_translate::translate::aws::AwsSettings;
use mdbook_translate::translate::batch::{BatchClient, TableFormat};
use std::path::{Path, PathBuf};

/// Arguments of `mdbook-translate parallel-data push`.
#[derive(Debug, Args)]
pub(crate) struct ParallelDataPushArgs {
    /// The parallel data file (CSV, TSV or TMX, as `parallel-data build` writes it).
    file: PathBuf,
    /// The resource's name (default: the first of `parallel-data` in book.toml).
    #[arg(long)]
    name: Option<String>,
    /// The book's root folder (where book.toml is): its `batch-s3` folder holds the file.
    #[arg(long, default_value = ".")]
    book: PathBuf,
}

/// Arguments of `mdbook-translate terminology`.
#[derive(Debug, Args)]
pub(crate) struct TerminologyArgs {
    #[command(subcommand)]
    action: TerminologyAction,
}

#[derive(Debug, Subcommand)]
enum TerminologyAction {
    /// Import a glossary (CSV, TSV or TMX) as a custom terminology.
    Push(TerminologyPushArgs),
}

#[derive(Debug, Args)]
struct TerminologyPushArgs {
    /// The glossary: a header row of language codes (source first), one term per row.
    file: PathBuf,
    /// The terminology's name (default: the first of `terminology` in book.toml).
    #[arg(long)]
    name: Option<String>,
    /// The book's root folder (where book.toml is).
    #[arg(long, default_value = ".")]
    book: PathBuf,
}

fn read_table(file: &Path) -> anyhow::Result<(Vec<u8>, TableFormat)> {
    let format = TableFormat::of_file_name(&file.to_string_lossy()).with_context(|| {
        format!(
            "{}: say the format by the extension: .csv, .tsv or .tmx",
            file.display()
        )
    })?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    Ok((bytes, format))
}

fn name_or_first(name: Option<String>, configured: &[String], key: &str) -> anyhow::Result<String> {
    name.or_else(|| configured.first().cloned()).with_context(|| {
        format!("give the resource a name with --name, or list it in `[preprocessor.translate] {key}` in book.toml")
    })
}

/// Uploads the file, creates or updates the resource, waits until it is
/// ACTIVE and records its version in the store.
pub(crate) fn push_parallel_data(args: ParallelDataPushArgs) -> anyhow::Result<i32> {
    let expanded = load_expanded_book(&args.book)?;
    let config = &expanded.config;
    let name = name_or_first(args.name, &config.parallel_data, "parallel-data")?;
    let location = config.batch_s3.as_ref().context(
        "parallel data is read from S3: set `batch-s3 = \"s3://<bucket>/<folder>\"` under [preprocessor.translate]",
    )?;
    let (bytes, format) = read_table(&args.file)?;
    let client = BatchClient::connect(&AwsSettings::of_config(config)).context("connecting to Amazon Translate")?;
    let version = client
        .push_parallel_data(&name, bytes, format, location)
        .with_context(|| format!("pushing {} as parallel data `{name}`", args.file.display()))?;
    let store = open_store(config)?;
    store.set_meta(&format!("parallel-data:{name}"), version.updated.to_string().as_bytes())?;
    store.flush()?;
    eprintln!(
        "mdbook-translate: parallel data `{name}` is ACTIVE (version {}); `warm` uses it when book.toml lists it under `parallel-data`",
        version.updated
    );
    Ok(0)
}

/// Runs `terminology push`.
pub(crate) fn terminology(args: TerminologyArgs) -> anyhow::Result<i32> {
    let TerminologyAction::Push(args) = args.action;
    let expanded = load_expanded_book(&args.book)?;
    let config = &expanded.config;
    let name = name_or_first(args.name, &config.terminology, "terminology")?;
    let (bytes, format) = read_table(&args.file)?;
    let client = BatchClient::connect(&AwsSettings::of_config(config)).context("connecting to Amazon Translate")?;
    let n_terms = client
        .push_terminology(&name, bytes, format)
        .with_context(|| format!("importing {} as terminology `{name}`", args.file.display()))?;
    eprintln!("mdbook-translate: terminology `{name}` imported ({n_terms} terms)");
    Ok(0)
}
