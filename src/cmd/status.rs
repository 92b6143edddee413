//! `mdbook-translate status [BOOK] [--lang L] [--chapters] [--terminology FILE]`:
//! what each language has for every distinct unit of the book — a human
//! translation, a machine one (ACT current or stale, real-time), or nothing
//! — and, with a glossary, how far the translations follow it.

use super::load_expanded_book;
use anyhow::Context;
use clap::Args;
use mdbook_translate::collect::{CollectedBook, collect_book};
use mdbook_translate::language::LanguageTag;
use mdbook_translate::pipeline::lookup::WantedUnits;
use mdbook_translate::pipeline::open_store;
use mdbook_translate::po::import_translations_if_changed;
use mdbook_translate::segment::tagged::plain_text;
use mdbook_translate::store::{Languages, Origin, Record, Store};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Arguments of `mdbook-translate status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The book's root folder (where book.toml is).
    #[arg(default_value = ".")]
    book: PathBuf,
    /// Only these languages (default: every configured language).
    #[arg(long = "lang", short = 'l')]
    languages: Vec<LanguageTag>,
    /// A line per chapter too.
    #[arg(long)]
    chapters: bool,
    /// A glossary (CSV or TSV, a header row of language codes, source first):
    /// per term, the source units that hold it and how many translations use
    /// the glossary's term.
    #[arg(long, value_name = "FILE")]
    terminology: Option<PathBuf>,
}

/// What one language has for a set of units.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    units: usize,
    human: usize,
    act: usize,
    act_stale: usize,
    realtime: usize,
    other: usize,
    missing: usize,
}

impl Counts {
    fn add(&mut self, state: UnitState) {
        self.units += 1;
        match state {
            UnitState::Human => self.human += 1,
            UnitState::Act { stale: false } => self.act += 1,
            UnitState::Act { stale: true } => self.act_stale += 1,
            UnitState::Realtime => self.realtime += 1,
            UnitState::Other => self.other += 1,
            UnitState::Missing => self.missing += 1,
        }
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name:<32} {:>6} {:>6} {:>6} {:>6} {:>8} {:>6} {:>7}",
            self.units, self.human, self.act, self.act_stale, self.realtime, self.other, self.missing
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitState {
    Human,
    Act { stale: bool },
    Realtime,
    Other,
    Missing,
}

/// The profiles whose records are served, best first, as a build of the
/// `cache` backend serves them.
const SERVED: &[&str] = &["human", "imported", "act", "realtime"];

/// Runs `status`.
pub(crate) fn execute(args: StatusArgs) -> anyhow::Result<i32> {
    let expanded = load_expanded_book(&args.book)?;
    let config = &expanded.config;
    let languages: Vec<LanguageTag> = if args.languages.is_empty() {
        config.languages.clone()
    } else {
        config.select_languages(&args.languages)?.into_iter().cloned().collect()
    };
    let store = open_store(config)?;
    let collected = collect_book(&expanded.book, &expanded.texts, &config.segment_options());
    let current_act = current_act_profile(config, &store)?;
    let glossary = args.terminology.as_ref().map(|path| read_glossary(path)).transpose()?;
    for target in &languages {
        let languages = Languages {
            source: &config.source_language,
            target,
        };
        import_translations_if_changed(&expanded.book, &collected, languages, config, &store)?;
        let units = unit_states(&collected, languages, &store, current_act.as_deref())?;
        print_language(target, &units, args.chapters);
        if let Some(glossary) = &glossary {
            print_adherence(target, glossary, &units)?;
        }
    }
    if let Some(profile) = &current_act {
        println!("(ACT records are current when made with {profile}; older ones are stale)");
    }
    Ok(0)
}

/// The ACT profile of the parallel data versions `parallel-data push`
/// recorded, when every configured resource has one.
fn current_act_profile(config: &mdbook_translate::config::Config, store: &Store) -> anyhow::Result<Option<String>> {
    let mut parts = Vec::new();
    for name in &config.parallel_data {
        match store.meta(&format!("parallel-data:{name}"))? {
            Some(version) => parts.push(format!("{name}@{}", String::from_utf8_lossy(&version))),
            None => return Ok(None),
        }
    }
    Ok((!parts.is_empty()).then(|| format!("act/{}", parts.join("+"))))
}

/// A distinct unit, where it first appears, and what the store has for it.
struct UnitStatus {
    chapter: String,
    source: String,
    translation: Option<String>,
    state: UnitState,
}

fn unit_states(
    collected: &CollectedBook,
    languages: Languages<'_>,
    store: &Store,
    current_act: Option<&str>,
) -> anyhow::Result<Vec<UnitStatus>> {
    let wanted = WantedUnits::of_book(collected, languages);
    wanted
        .units
        .iter()
        .map(|unit| {
            let record: Option<Record> = store.lookup(&unit.key, SERVED)?;
            let state = match &record {
                None => UnitState::Missing,
                Some(record) => match record.origin {
                    Origin::Human => UnitState::Human,
                    Origin::Act => UnitState::Act {
                        stale: current_act.is_some_and(|current| record.profile != current),
                    },
                    Origin::Realtime => UnitState::Realtime,
                    _ => UnitState::Other,
                },
            };
            Ok(UnitStatus {
                chapter: unit.chapter.clone(),
                source: plain_text(&unit.tagged).unwrap_or_default(),
                translation: record.and_then(|r| plain_text(&r.text).ok()),
                state,
            })
        })
        .collect()
}

fn print_language(language: &LanguageTag, units: &[UnitStatus], by_chapter: bool) {
    println!(
        "{:<32} {:>6} {:>6} {:>6} {:>6} {:>8} {:>6} {:>7}",
        format!("{language}:"),
        "units",
        "human",
        "ACT",
        "stale",
        "realtime",
        "other",
        "missing"
    );
    let mut total = Counts::default();
    let mut chapters: BTreeMap<&str, Counts> = BTreeMap::new();
    for unit in units {
        total.add(unit.state);
        chapters.entry(&unit.chapter).or_default().add(unit.state);
    }
    if by_chapter {
        for (chapter, counts) in &chapters {
            println!("{}", counts.line(&format!("  {chapter}")));
        }
    }
    println!("{}", total.line("  all"));
}

/// A glossary: the languages of its columns and its rows.
struct Glossary {
    languages: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn read_glossary(path: &std::path::Path) -> anyhow::Result<Glossary> {
    let delimiter = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv")) {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("reading the glossary {}", path.display()))?;
    let languages = reader
        .headers()
        .with_context(|| format!("{}: the first row must be language codes", path.display()))?
        .iter()
        .map(|code| code.trim().to_string())
        .collect();
    let rows = reader
        .records()
        .map(|row| row.map(|row| row.iter().map(|cell| cell.trim().to_string()).collect()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading the glossary {}", path.display()))?;
    Ok(Glossary { languages, rows })
}

/// Per term: the units whose source holds it, and how many of their
/// translations hold the glossary's translation.
fn print_adherence(language: &LanguageTag, glossary: &Glossary, units: &[UnitStatus]) -> anyhow::Result<()> {
    let Some(column) = glossary
        .languages
        .iter()
        .position(|code| code.parse::<LanguageTag>().is_ok_and(|tag| tag == *language))
    else {
        println!("{language}: the glossary has no {language} column");
        return Ok(());
    };
    println!(
        "{:<40} {:>8} {:>11} {:>8}",
        format!("{language} terms:"),
        "units",
        "translated",
        "follow"
    );
    let (mut n_translated, mut n_following) = (0, 0);
    for row in &glossary.rows {
        let (Some(term), Some(target)) = (row.first(), row.get(column)) else {
            continue;
        };
        if term.is_empty() || target.is_empty() {
            continue;
        }
        // Whole words, whatever the case ("sum" is not in "checksum").
        let pattern = regex::RegexBuilder::new(&format!(r"\b{}\b", regex::escape(term)))
            .case_insensitive(true)
            .build()
            .with_context(|| format!("the glossary term `{term}`"))?;
        let holding: Vec<&UnitStatus> = units.iter().filter(|unit| pattern.is_match(&unit.source)).collect();
        let translated: Vec<&String> = holding.iter().filter_map(|unit| unit.translation.as_ref()).collect();
        let following = translated.iter().filter(|t| t.contains(target.as_str())).count();
        if !holding.is_empty() {
            println!(
                "{:<40} {:>8} {:>11} {:>8}",
                format!("  {term} → {target}"),
                holding.len(),
                translated.len(),
                following
            );
        }
        n_translated += translated.len();
        n_following += following;
    }
    let share = if n_translated == 0 {
        0.0
    } else {
        100.0 * n_following as f64 / n_translated as f64
    };
    println!("  {n_following} of {n_translated} translations that could use a glossary term do ({share:.1} %)");
    Ok(())
}
