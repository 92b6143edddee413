//! `mdbook-translate eval`: score machine output against a human reference.
//!
//! Reads the books (or plain-text files) and hands their segments to
//! [`mdbook_translate::eval`], which does the scoring without IO.

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use mdbook_translate::eval::{
    BootstrapConfig, ChapterSegments, EvalConfig, MetricKind, Tokenizer, evaluate, render_table, report_json,
    split_segment_lines,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Arguments of `mdbook-translate eval`.
#[derive(Debug, Args)]
#[command(after_help = "\
Chapters are paired by their path under the book's source folder; the prose of
each is extracted as for translation (code, math, URLs and HTML left out) and
paired by position. Chapters missing on one side are reported: a chapter the
hypothesis lacks is scored as empty, one the reference lacks is not scored.

Scores are sacreBLEU's (corpus BLEU with `exp` smoothing, chrF with β = 2), on
its 0–100 scale, with its signature; BLEU is also given on the 0–1 scale.")]
pub(crate) struct EvalArgs {
    /// The machine translation: an mdBook (folder with book.toml), a folder
    /// of markdown files, or one markdown file.
    #[arg(long, value_name = "PATH", required_unless_present = "lines")]
    hyp: Option<PathBuf>,

    /// The human reference, laid out like the hypothesis.
    #[arg(long = "ref", value_name = "PATH", required_unless_present = "lines")]
    reference: Option<PathBuf>,

    /// Score two plain-text files, one segment per line, without markdown
    /// processing: exactly what `sacrebleu REF -i HYP` scores.
    #[arg(
        long,
        num_args = 2,
        value_names = ["HYP", "REF"],
        conflicts_with_all = ["hyp", "reference"]
    )]
    lines: Option<Vec<PathBuf>>,

    /// A second system to put beside the first, laid out like it (a file
    /// with --lines); adds per-chapter differences and a paired bootstrap
    /// test of the corpus difference.
    #[arg(long, value_name = "PATH")]
    compare: Option<PathBuf>,

    /// The language of the translation (BCP 47); chooses the BLEU
    /// tokenizer when --tokenize is not given, as sacreBLEU does (zh → zh).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,

    /// The BLEU tokenizer [default: 13a, or the one --lang calls for].
    #[arg(long, value_enum, value_name = "TOKENIZER")]
    tokenize: Option<TokenizerArg>,

    /// The metrics to report, comma separated.
    #[arg(
        long = "metric",
        value_enum,
        value_delimiter = ',',
        default_values_t = [MetricArg::Bleu, MetricArg::Chrf]
    )]
    metrics: Vec<MetricArg>,

    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// Number of resampled corpora for the paired bootstrap test.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    bootstrap_samples: u32,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TokenizerArg {
    /// mteval-v13a, sacreBLEU's default
    #[value(name = "13a")]
    Mteval13a,
    /// Chinese characters one by one, the rest as 13a
    Zh,
    /// mteval-v14 international (Unicode punctuation and symbols)
    Intl,
    /// every character
    Char,
    /// white space only
    None,
}

impl From<TokenizerArg> for Tokenizer {
    fn from(arg: TokenizerArg) -> Tokenizer {
        match arg {
            TokenizerArg::Mteval13a => Tokenizer::Mteval13a,
            TokenizerArg::Zh => Tokenizer::Zh,
            TokenizerArg::Intl => Tokenizer::Intl,
            TokenizerArg::Char => Tokenizer::Char,
            TokenizerArg::None => Tokenizer::None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MetricArg {
    /// corpus BLEU
    Bleu,
    /// chrF (character 6-grams, β = 2)
    Chrf,
    /// chrF++ (chrF plus word bigrams)
    #[value(name = "chrf++")]
    ChrfPlusPlus,
}

impl From<MetricArg> for MetricKind {
    fn from(arg: MetricArg) -> MetricKind {
        match arg {
            MetricArg::Bleu => MetricKind::Bleu,
            MetricArg::Chrf => MetricKind::Chrf,
            MetricArg::ChrfPlusPlus => MetricKind::ChrfPlusPlus,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// a table for people
    Table,
    /// one JSON object
    Json,
}

pub(crate) fn execute(args: EvalArgs) -> anyhow::Result<i32> {
    let tokenizer = match (args.tokenize, &args.lang) {
        (Some(tokenizer), _) => Tokenizer::from(tokenizer),
        (None, Some(lang)) => {
            let tokenizer = Tokenizer::for_language(lang);
            if tokenizer == Tokenizer::Char {
                tracing::warn!(
                    "sacreBLEU tokenizes {lang} with MeCab, which is not available here; \
                     using the `char` tokenizer (pass --tokenize to choose another)"
                );
            }
            tokenizer
        }
        (None, None) => Tokenizer::default(),
    };
    let config = EvalConfig {
        metrics: args.metrics.iter().copied().map(MetricKind::from).collect(),
        tokenizer,
        bootstrap: BootstrapConfig {
            n_samples: args.bootstrap_samples as usize,
            ..BootstrapConfig::default()
        },
    };

    let (chapters, labels) = match (&args.lines, &args.hyp, &args.reference) {
        (Some(files), _, _) => {
            let [hyp, reference] = files.as_slice() else {
                bail!("--lines takes two files: HYP REF");
            };
            let mut systems = vec![hyp.clone()];
            systems.extend(args.compare.clone());
            (read_line_files(reference, &systems)?, system_labels(&systems))
        }
        (None, Some(hyp), Some(reference)) => {
            let mut systems = vec![hyp.clone()];
            systems.extend(args.compare.clone());
            (read_books(reference, &systems)?, system_labels(&systems))
        }
        _ => bail!("give --hyp and --ref, or --lines HYP REF"),
    };

    let report = evaluate(&chapters, &config);
    // The table lists these itself; JSON readers get them on stderr too.
    if args.format == Format::Json {
        for chapter in &report.chapters {
            for issue in chapter.issues() {
                tracing::warn!("{}: {issue}", chapter.path);
            }
        }
    }
    let output = match args.format {
        Format::Table => render_table(&report, &labels),
        Format::Json => {
            let mut json =
                serde_json::to_string_pretty(&report_json(&report, &labels)).context("serialising the report")?;
            json.push('\n');
            json
        }
    };
    match io::stdout().lock().write_all(output.as_bytes()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(0),
        result => result.context("writing the report").map(|()| 0),
    }
}

fn system_labels(systems: &[PathBuf]) -> Vec<String> {
    systems.iter().map(|path| path.display().to_string()).collect()
}

/// `--lines`: one chapter whose segments are the files' lines.
fn read_line_files(reference: &Path, systems: &[PathBuf]) -> anyhow::Result<Vec<ChapterSegments>> {
    let read = |path: &Path| -> anyhow::Result<Vec<String>> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("reading segments (one a line) from {}", path.display()))?;
        Ok(split_segment_lines(&text))
    };
    let reference_lines = read(reference)?;
    if reference_lines.is_empty() {
        bail!("{} has no lines: there is nothing to score", reference.display());
    }
    let mut system_lines = Vec::with_capacity(systems.len());
    for system in systems {
        let lines = read(system)?;
        if lines.len() != reference_lines.len() {
            bail!(
                "{} has {} lines but the reference {} has {}: --lines needs one hypothesis line per reference line",
                system.display(),
                lines.len(),
                reference.display(),
                reference_lines.len()
            );
        }
        system_lines.push(Some(lines));
    }
    Ok(vec![ChapterSegments {
        path: reference.display().to_string(),
        reference: Some(reference_lines),
        systems: system_lines,
    }])
}

/// The markdown chapters of a book, a folder or a single file.
enum Source {
    File(PathBuf),
    /// Chapters by `/`-separated path relative to the source folder.
    Folder(BTreeMap<String, PathBuf>),
}

/// Reads the reference and the systems' texts, which must all be files or
/// all folders, as chapters paired by path.
fn read_books(reference: &Path, systems: &[PathBuf]) -> anyhow::Result<Vec<ChapterSegments>> {
    let reference_source = open_source(reference)?;
    let system_sources = systems
        .iter()
        .map(|path| open_source(path))
        .collect::<anyhow::Result<Vec<_>>>()?;
    match reference_source {
        Source::File(reference_file) => read_files(reference, &reference_file, systems, &system_sources),
        Source::Folder(reference_chapters) => read_folders(reference, &reference_chapters, systems, &system_sources),
    }
}

/// Refuses a system whose source is not of the reference's kind (a file or a folder).
fn mixed_sources(system: &Path, system_kind: &str, reference: &Path, reference_kind: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{} is {system_kind} but the reference {} is {reference_kind}: give two files or two folders",
        system.display(),
        reference.display()
    )
}

fn read_chapter(path: &Path) -> anyhow::Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading chapter {}", path.display()))
}

/// One chapter: the reference file against each system's file.
fn read_files(
    reference: &Path,
    reference_file: &Path,
    systems: &[PathBuf],
    system_sources: &[Source],
) -> anyhow::Result<Vec<ChapterSegments>> {
    let mut hypotheses = Vec::new();
    for (source, path) in system_sources.iter().zip(systems) {
        let Source::File(file) = source else {
            return Err(mixed_sources(path, "a folder", reference, "a file"));
        };
        hypotheses.push(read_chapter(file)?);
    }
    let reference_text = read_chapter(reference_file)?;
    let hypotheses: Vec<Option<&str>> = hypotheses.iter().map(|text| Some(text.as_str())).collect();
    let name = reference_file.file_name().map_or_else(
        || reference_file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    Ok(vec![ChapterSegments::from_markdown(
        name,
        Some(&reference_text),
        &hypotheses,
    )])
}

/// Every chapter path found in the reference folder or a system's folder,
/// with the texts of the sides that have it; an error when no chapter has
/// both a reference and a system text.
fn read_folders(
    reference: &Path,
    reference_chapters: &BTreeMap<String, PathBuf>,
    systems: &[PathBuf],
    system_sources: &[Source],
) -> anyhow::Result<Vec<ChapterSegments>> {
    let mut system_chapters = Vec::new();
    for (source, path) in system_sources.iter().zip(systems) {
        let Source::Folder(chapters) = source else {
            return Err(mixed_sources(path, "a file", reference, "a folder"));
        };
        system_chapters.push(chapters);
    }
    let all_paths: BTreeSet<&String> = reference_chapters
        .keys()
        .chain(system_chapters.iter().flat_map(|chapters| chapters.keys()))
        .collect();
    let mut chapters = Vec::with_capacity(all_paths.len());
    for path in all_paths {
        let reference_text = reference_chapters
            .get(path)
            .map(|file| read_chapter(file))
            .transpose()?;
        let system_texts = system_chapters
            .iter()
            .map(|chapters| chapters.get(path).map(|file| read_chapter(file)).transpose())
            .collect::<anyhow::Result<Vec<_>>>()?;
        let system_texts: Vec<Option<&str>> = system_texts.iter().map(Option::as_deref).collect();
        chapters.push(ChapterSegments::from_markdown(
            path.clone(),
            reference_text.as_deref(),
            &system_texts,
        ));
    }
    if !chapters
        .iter()
        .any(|chapter| chapter.reference.is_some() && chapter.systems.iter().any(Option::is_some))
    {
        bail!(
            "no chapter of {} has a counterpart in the reference {}: chapters are paired by their path under the source folder",
            systems
                .iter()
                .map(|path| path.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            reference.display()
        );
    }
    Ok(chapters)
}

/// Recognises an mdBook by its `book.toml` (chapters under `[book] src`,
/// `src` by default), else takes a folder's markdown files, else one file.
fn open_source(path: &Path) -> anyhow::Result<Source> {
    let metadata = fs::metadata(path).with_context(|| format!("opening {}", path.display()))?;
    if metadata.is_file() {
        return Ok(Source::File(path.to_owned()));
    }
    let book_toml = path.join("book.toml");
    let root = if book_toml.is_file() {
        let config = mdbook_driver::config::Config::from_disk(&book_toml)
            .with_context(|| format!("reading the mdBook configuration {}", book_toml.display()))?;
        path.join(config.book.src)
    } else {
        path.to_owned()
    };
    let mut chapters = super::collect_markdown(&root)?;
    chapters.remove("SUMMARY.md");
    if chapters.is_empty() {
        bail!("{} holds no markdown (*.md) files", root.display());
    }
    Ok(Source::Folder(chapters))
}
