//! `mdbook-translate status [BOOK] [--lang L] [--chapters] [--format table|json]
//! [--fail-under PERCENT] [--terminology FILE]`: what each language has for
//! every distinct unit of the book — a human translation, a machine one (ACT
//! current or stale, real-time, other), one whose source was edited since, or
//! nothing — in units and characters, what filling the rest would cost, and,
//! with a glossary, how far the translations follow it.

use super::load_expanded_book;
use super::warm::{ACT_USD_PER_MILLION_CHARS, REALTIME_USD_PER_MILLION_CHARS};
use anyhow::Context;
use clap::{Args, ValueEnum};
use mdbook_translate::collect::{CollectedBook, collect_book};
use mdbook_translate::config::Config;
use mdbook_translate::language::LanguageTag;
use mdbook_translate::pipeline::blocks::lookup_block_translations;
use mdbook_translate::pipeline::lookup::{WantedUnits, lookup_units};
use mdbook_translate::pipeline::open_store;
use mdbook_translate::po::blocks::BookBlocks;
use mdbook_translate::po::layout::{Catalog, find_layout};
use mdbook_translate::po::merge::{MergeOptions, merge_book};
use mdbook_translate::po::{book_messages, import_translations_if_changed};
use mdbook_translate::segment::tagged::plain_text;
use mdbook_translate::store::{Languages, Origin, Record, Store, UnitKey};
use mdbook_translate::translate::html::unit_html;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
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
    /// A line per chapter too (always in JSON).
    #[arg(long)]
    chapters: bool,
    /// A table for people, or JSON for scripts.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Exit with status 1 when a language has a translation (human or
    /// machine) for fewer than PERCENT of its units.
    #[arg(long, value_name = "PERCENT")]
    fail_under: Option<f64>,
    /// A glossary (CSV or TSV, a header row of language codes, source first):
    /// per term, the source units that hold it and how many translations use
    /// the glossary's term.
    #[arg(long, value_name = "FILE")]
    terminology: Option<PathBuf>,
}

/// How `status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Aligned columns.
    Table,
    /// One JSON document.
    Json,
}

/// Units and their characters (as Amazon Translate bills them).
#[derive(Debug, Clone, Copy, Default, Serialize)]
struct Tally {
    units: usize,
    characters: usize,
}

impl Tally {
    fn add(&mut self, characters: usize) {
        self.units += 1;
        self.characters += characters;
    }
}

/// What one language has for a set of units, by state.
#[derive(Debug, Clone, Copy, Default, Serialize)]
struct Counts {
    all: Tally,
    human: Tally,
    act: Tally,
    act_stale: Tally,
    realtime: Tally,
    other: Tally,
    edited: Tally,
    missing: Tally,
}

impl Counts {
    fn add(&mut self, state: UnitState, characters: usize) {
        self.all.add(characters);
        match state {
            UnitState::Human => &mut self.human,
            UnitState::Act { stale: false } => &mut self.act,
            UnitState::Act { stale: true } => &mut self.act_stale,
            UnitState::Realtime => &mut self.realtime,
            UnitState::Other => &mut self.other,
            UnitState::Edited => &mut self.edited,
            UnitState::Missing => &mut self.missing,
        }
        .add(characters);
    }

    /// The states in the order of the table's columns.
    fn columns(&self) -> [Tally; 8] {
        [
            self.all,
            self.human,
            self.act,
            self.act_stale,
            self.realtime,
            self.other,
            self.edited,
            self.missing,
        ]
    }

    /// The units without a translation: edited since, or never translated.
    fn untranslated(&self) -> Tally {
        Tally {
            units: self.edited.units + self.missing.units,
            characters: self.edited.characters + self.missing.characters,
        }
    }

    /// The share of units with a translation, in percent.
    fn percent_translated(&self) -> f64 {
        if self.all.units == 0 {
            return 100.0;
        }
        100.0 * (self.all.units - self.untranslated().units) as f64 / self.all.units as f64
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitState {
    Human,
    Act {
        stale: bool,
    },
    Realtime,
    Other,
    /// No translation, but the PO file holds one of the unit's previous
    /// wording (an edited sentence, carried over as fuzzy).
    Edited,
    Missing,
}

/// The profiles whose records are served, best first, as a build of the
/// `cache` backend serves them.
const SERVED: &[&str] = &["human", "imported", "act", "realtime"];

/// One language's report, as JSON writes it.
#[derive(Debug, Serialize)]
struct LanguageStatus {
    language: String,
    all: Counts,
    chapters: BTreeMap<String, Counts>,
    percent_translated: f64,
    /// What translating the units without a translation would cost, in US dollars.
    cost_usd: Cost,
}

#[derive(Debug, Serialize)]
struct Cost {
    realtime: f64,
    act: f64,
}

impl Cost {
    fn of(characters: usize) -> Cost {
        let millions = characters as f64 / 1e6;
        Cost {
            realtime: millions * REALTIME_USD_PER_MILLION_CHARS,
            act: millions * ACT_USD_PER_MILLION_CHARS,
        }
    }
}

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
    let mut reports = Vec::new();
    for target in &languages {
        let languages = Languages {
            source: &config.source_language,
            target,
        };
        import_translations_if_changed(&expanded.book, &collected, languages, config, &store)?;
        let units = unit_states(&collected, languages, config, &store, current_act.as_deref())?;
        let report = language_status(target, &units);
        if args.format == Format::Table {
            print_language(&report, args.chapters);
            if let Some(glossary) = &glossary {
                print_adherence(target, glossary, &units)?;
            }
        }
        reports.push(report);
    }
    match args.format {
        Format::Json => {
            let json = serde_json::json!({ "languages": reports, "current_act": current_act });
            println!("{}", serde_json::to_string_pretty(&json).expect("a report serialises"));
        }
        Format::Table => {
            if let Some(profile) = &current_act {
                println!("(ACT records are current when made with {profile}; older ones are stale)");
            }
        }
    }
    Ok(fail_under(&reports, args.fail_under))
}

/// 1 when a language is translated below `percent`, with a line saying so.
fn fail_under(reports: &[LanguageStatus], percent: Option<f64>) -> i32 {
    let Some(percent) = percent else {
        return 0;
    };
    let below: Vec<&LanguageStatus> = reports.iter().filter(|r| r.percent_translated < percent).collect();
    for report in &below {
        eprintln!(
            "mdbook-translate: {}: {:.1} % of the units have a translation, under --fail-under {percent}",
            report.language, report.percent_translated
        );
    }
    i32::from(!below.is_empty())
}

/// The ACT profile of the parallel data versions `parallel-data push`
/// recorded, when every configured resource has one.
fn current_act_profile(config: &Config, store: &Store) -> anyhow::Result<Option<String>> {
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
    characters: usize,
    translation: Option<String>,
    state: UnitState,
}

fn unit_states(
    collected: &CollectedBook,
    languages: Languages<'_>,
    config: &Config,
    store: &Store,
    current_act: Option<&str>,
) -> anyhow::Result<Vec<UnitStatus>> {
    let wanted = WantedUnits::of_book(collected, languages);
    // Units a block translation of mdbook-i18n-helpers covers, as the build finds them.
    let mut lookup = lookup_units(store, &wanted, SERVED)?;
    lookup_block_translations(collected, languages, store, SERVED, &wanted, &mut lookup)?;
    let edited = edited_units(collected, languages, config)?;
    wanted
        .units
        .iter()
        .map(|unit| {
            let record: Option<Record> = store.lookup(&unit.key, SERVED)?;
            let state = match &record {
                None if lookup.origins.get(&unit.key) == Some(&Origin::Human) => UnitState::Human,
                None if edited.contains(&unit.key) => UnitState::Edited,
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
                characters: unit_html("", &unit.tagged).1,
                translation: record.and_then(|r| plain_text(&r.text).ok()),
                state,
            })
        })
        .collect()
}

/// The units whose source was edited since they were translated: those to
/// which a merge of the PO files (as `po export` would do it, in memory)
/// carries an old translation over, fuzzy with the previous msgid.
fn edited_units(
    collected: &CollectedBook,
    languages: Languages<'_>,
    config: &Config,
) -> anyhow::Result<HashSet<UnitKey>> {
    let layout = find_layout(&config.po_dir, languages.target)?;
    let Some(catalog) = Catalog::read(&layout)? else {
        return Ok(HashSet::new());
    };
    let messages = book_messages(collected, config.math.dollar);
    let blocks = BookBlocks::of_book(collected);
    let options = config.segment_options();
    let in_use = |entry: &rspolib::POEntry| blocks.blocks_of(&entry.msgid, &options).is_some();
    let merge = MergeOptions {
        keep_obsolete: false,
        escape_dollar: config.math.dollar,
    };
    let merged = merge_book(
        Some(catalog.file),
        languages.target.as_str(),
        &messages,
        &|_| None,
        &in_use,
        merge,
    );
    let tagged_of: HashMap<&str, &str> = messages
        .iter()
        .map(|(message, _)| (message.msgid.as_str(), message.tagged.as_str()))
        .collect();
    Ok(merged
        .file
        .entries
        .iter()
        .filter(|entry| entry.fuzzy() && entry.previous_msgid.is_some())
        .filter_map(|entry| tagged_of.get(entry.msgid.as_str()))
        .map(|tagged| languages.key(tagged))
        .collect())
}

fn language_status(language: &LanguageTag, units: &[UnitStatus]) -> LanguageStatus {
    let mut all = Counts::default();
    let mut chapters: BTreeMap<String, Counts> = BTreeMap::new();
    for unit in units {
        all.add(unit.state, unit.characters);
        chapters
            .entry(unit.chapter.clone())
            .or_default()
            .add(unit.state, unit.characters);
    }
    LanguageStatus {
        language: language.to_string(),
        all,
        chapters,
        percent_translated: all.percent_translated(),
        cost_usd: Cost::of(all.untranslated().characters),
    }
}

const HEADINGS: [&str; 8] = [
    "units", "human", "ACT", "stale", "realtime", "other", "edited", "missing",
];

fn print_language(report: &LanguageStatus, by_chapter: bool) {
    let headings: Vec<String> = HEADINGS.iter().map(|h| format!("{h:>9}")).collect();
    println!("{:<36}{}", format!("{}:", report.language), headings.join(""));
    let row = |name: &str, counts: &Counts| {
        let units: Vec<String> = counts.columns().iter().map(|t| format!("{:>9}", t.units)).collect();
        let chars: Vec<String> = counts
            .columns()
            .iter()
            .map(|t| format!("{:>9}", t.characters))
            .collect();
        println!("{name:<36}{}", units.join(""));
        println!("{:<36}{}", "    characters", chars.join(""));
    };
    if by_chapter {
        for (chapter, counts) in &report.chapters {
            row(&format!("  {chapter}"), counts);
        }
    }
    row("  all", &report.all);
    let untranslated = report.all.untranslated();
    println!(
        "  {:.1} % translated; the {} units without a translation ({} characters) would cost \
         ${:.2} real-time or ${:.2} with ACT",
        report.percent_translated,
        untranslated.units,
        untranslated.characters,
        report.cost_usd.realtime,
        report.cost_usd.act
    );
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
