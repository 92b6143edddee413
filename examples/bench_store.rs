//! The store at scale: a generated book of 50,000, 100,000 and 200,000
//! distinct units translated with the pseudo backend into an empty store,
//! then, each step in a process of its own so that each memory peak is its
//! own: the time to open the store (the first time after it was filled,
//! when sled replays its log, and again), lookups per second, bytes on disk
//! per unit against the text the records hold, and the time and memory peak of
//! a warm preprocessor run (every unit from the store). Time and memory
//! must grow linearly: the per-unit columns must stay flat.
//!
//! `cargo run --release --example bench_store -- [UNITS…]`
//! (default: 50000 100000 200000).

use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_translate::collect::BookTexts;
use mdbook_translate::config::{BackendKind, Config};
use mdbook_translate::language::LanguageTag;
use mdbook_translate::preprocessor::run_with_backend;
use mdbook_translate::store::{Store, UnitKey};
use mdbook_translate::translate::OfflineTranslator;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Units per chapter: 2,000 chapters at 200,000 units.
const UNITS_PER_CHAPTER: usize = 100;

/// The words of the example book, each as often as it occurs there, so
/// that sentences drawn from them compress about as prose does (a little
/// worse: they have no grammar).
fn vocabulary() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("book-example/src");
    let mut words = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name().into_iter().flatten() {
        if entry.path().extension().is_some_and(|ext| ext == "md") {
            let text = std::fs::read_to_string(entry.path()).expect("a chapter");
            words.extend(
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|word| !word.is_empty())
                    .map(str::to_string),
            );
        }
    }
    assert!(words.len() > 1000, "the example book's words");
    words
}

/// A sentence of 8 to 30 words numbered `n` (so every unit is distinct),
/// sometimes with inline code or emphasis.
fn sentence(rng: &mut StdRng, words: &[String], n: usize) -> String {
    let n_words = rng.random_range(8..=30);
    let mut chosen: Vec<String> = (0..n_words)
        .map(|_| words[rng.random_range(0..words.len())].clone())
        .collect();
    chosen[0] = format!("Step {n}:");
    match rng.random_range(0..4) {
        0 => chosen[n_words / 2] = format!("`value_{n}`"),
        1 => chosen[n_words / 3] = format!("*{}*", chosen[n_words / 3]),
        _ => {}
    }
    format!("{}.", chosen.join(" "))
}

/// A chapter of [`UNITS_PER_CHAPTER`] units: a heading and paragraphs of
/// one to four sentences.
fn chapter(rng: &mut StdRng, words: &[String], index: usize) -> String {
    let mut markdown = format!("# Chapter {index}\n\n");
    let mut n = index * UNITS_PER_CHAPTER + 1;
    let end = (index + 1) * UNITS_PER_CHAPTER;
    while n < end {
        let n_sentences = rng.random_range(1..=4).min(end - n);
        let paragraph: Vec<String> = (n..n + n_sentences).map(|k| sentence(rng, words, k)).collect();
        markdown.push_str(&paragraph.join(" "));
        markdown.push_str("\n\n");
        n += n_sentences;
    }
    markdown
}

/// A book of `n_units` units (a multiple of [`UNITS_PER_CHAPTER`]).
fn generated_book(n_units: usize) -> Book {
    let mut rng = StdRng::seed_from_u64(14);
    let words = vocabulary();
    let items = (0..n_units / UNITS_PER_CHAPTER)
        .map(|index| {
            let path = format!("chapter-{index}.md");
            BookItem::Chapter(Chapter::new(
                &format!("Chapter {index}"),
                chapter(&mut rng, &words, index),
                &path,
                vec![],
            ))
        })
        .collect();
    Book::new_with_items(items)
}

fn config(root: &Path) -> Config {
    let toml = "[book]\nlanguage = \"en\"\n[preprocessor.translate]\nlanguages = [\"zh\"]\nbackend = \"pseudo\"\n";
    std::fs::write(root.join("book.toml"), toml).expect("write book.toml");
    let parsed: mdbook_preprocessor::config::Config = toml.parse().expect("book.toml");
    let config = Config::from_book(root, &parsed).expect("config");
    assert_eq!(config.backend, BackendKind::Pseudo);
    config
}

/// The peak resident memory of this process, in MiB (Linux).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.metadata().map_or(0, |m| m.len()))
        .sum()
}

/// One preprocessor run over the generated book: (seconds, peak MiB).
fn preprocess(n_units: usize, root: &Path) -> (f64, f64) {
    let config = config(root);
    let mut book = generated_book(n_units);
    let zh: LanguageTag = "zh".parse().expect("a language tag");
    let backend = OfflineTranslator::new(BackendKind::Pseudo);
    let started = Instant::now();
    run_with_backend(&mut book, &BookTexts::default(), &zh, &config, &backend).expect("translate");
    (started.elapsed().as_secs_f64(), peak_mib())
}

/// Opens the store (the first time after it was filled, then again), reads
/// every record, then looks every key up in a shuffled order: both open
/// times in seconds, lookups per second, records, text bytes.
fn read_store(root: &Path) -> (f64, f64, f64, usize, u64) {
    let config = config(root);
    let started = Instant::now();
    let store = Store::open(&config.cache_dir, Duration::from_secs(5)).expect("open");
    let first_open = started.elapsed().as_secs_f64();
    assert!(store.recovery().is_none(), "a healthy store");
    drop(store);
    let started = Instant::now();
    let store = Store::open(&config.cache_dir, Duration::from_secs(5)).expect("open");
    let open = started.elapsed().as_secs_f64();
    let mut keys: Vec<UnitKey> = Vec::new();
    let mut text_bytes = 0u64;
    for entry in store.records() {
        let (key, record) = entry.expect("a readable record");
        text_bytes += (record.source.len() + record.text.len()) as u64;
        keys.push(key);
    }
    let mut rng = StdRng::seed_from_u64(1);
    for i in (1..keys.len()).rev() {
        keys.swap(i, rng.random_range(0..=i));
    }
    let started = Instant::now();
    for key in &keys {
        let found = store.lookup(key, &["human", "pseudo"]).expect("lookup");
        assert!(found.is_some(), "every record is found");
    }
    let rate = keys.len() as f64 / started.elapsed().as_secs_f64();
    (first_open, open, rate, keys.len(), text_bytes)
}

/// Runs this example as a child process for one step; its stdout.
fn child(step: &str, n_units: usize, root: &Path) -> Vec<f64> {
    let output = Command::new(std::env::current_exe().expect("this example"))
        .args(["--step", step, &n_units.to_string()])
        .arg(root)
        .output()
        .expect("run a step");
    assert!(
        output.status.success(),
        "step {step} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .map(|figure| figure.parse().expect("a figure"))
        .collect()
}

fn run_step(step: &str, n_units: usize, root: &Path) {
    match step {
        "fill" | "warm" => {
            let (secs, peak) = preprocess(n_units, root);
            println!("{secs} {peak}");
        }
        "read" => {
            let (first_open, open, rate, n_records, text_bytes) = read_store(root);
            println!("{first_open} {open} {rate} {n_records} {text_bytes}");
        }
        _ => panic!("unknown step {step}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--step") {
        let n_units = args[2].parse().expect("units");
        run_step(&args[1], n_units, &PathBuf::from(&args[3]));
        return;
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![50_000, 100_000, 200_000]
    } else {
        args.iter().map(|a| a.parse().expect("a number of units")).collect()
    };
    println!(
        "| units | records | cold run | warm run | warm µs/unit | warm peak | peak KiB/unit | first open | open | lookups/s | disk B/record | text B/record | disk / text |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for n_units in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        let fill = child("fill", n_units, root);
        let read = child("read", n_units, root);
        let warm = child("warm", n_units, root);
        let disk = dir_size(&root.join(".translate-cache")) as f64;
        let n_records = read[3];
        let per_unit = |total: f64| total / n_units as f64;
        println!(
            "| {n_units} | {n_records} | {:.2} s | {:.2} s | {:.1} | {:.0} MiB | {:.2} | {:.1} ms | {:.1} ms | {:.0} | {:.0} | {:.0} | {:.2} |",
            fill[0],
            warm[0],
            per_unit(warm[0]) * 1e6,
            warm[1],
            per_unit(warm[1]) * 1024.0,
            read[0] * 1e3,
            read[1] * 1e3,
            read[2],
            disk / n_records,
            read[4] / n_records,
            disk / read[4],
        );
    }
}
