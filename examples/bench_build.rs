//! Warm-store build overhead: plain mdBook HTML build of a book against the
//! same build with the translate preprocessor (pseudo backend, warm store),
//! both in-process, interleaved; plus the preprocessor's own time and the
//! store's size on disk.
//!
//! `cargo run --release --example bench_build [BOOK] [ROUNDS]`
//! (default: ../shared/corpora/mdbook-guide, 10 rounds).

use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::preprocessor::TranslatePreprocessor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if entry.file_name() == "book" || entry.file_name() == ".translate-cache" {
            continue;
        }
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        dir_size(&e.path())
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn load(root: &Path, language: &str, translate: bool) -> MDBook {
    let mut book = MDBook::load(root).expect("load");
    book.config.set("book.language", language).expect("set language");
    book.config.build.build_dir = PathBuf::from(format!("book-{language}"));
    let mut book = MDBook::load_with_config(root, book.config).expect("reload");
    if translate {
        book.with_preprocessor(TranslatePreprocessor::new());
    }
    book
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let source = args
        .next()
        .map_or_else(|| PathBuf::from("../shared/corpora/mdbook-guide"), PathBuf::from);
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let plain_dir = tempfile::tempdir().expect("temp dir");
    let plain_root = plain_dir.path();
    copy_tree(&source, plain_root);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_tree(&source, root);
    let toml = std::fs::read_to_string(root.join("book.toml")).expect("book.toml");
    let table = "\n[preprocessor.translate]\nafter = [\"links\"]\nlanguages = [\"zh\"]\nbackend = \"pseudo\"\n";
    std::fs::write(root.join("book.toml"), format!("{toml}{table}")).expect("write book.toml");

    // Warm the store (and the file cache).
    load(root, "zh", true).build().expect("warm build");
    load(plain_root, "en", false).build().expect("plain build");

    let (mut plain, mut translated, mut preprocess_only) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let book = load(plain_root, "en", false);
        let started = Instant::now();
        book.build().expect("plain build");
        plain.push(started.elapsed());

        let book = load(root, "zh", true);
        let started = Instant::now();
        book.build().expect("translated build");
        translated.push(started.elapsed());

        let book = load(root, "zh", false);
        let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".to_string());
        let expanded = LinkPreprocessor::new().run(&ctx, book.book.clone()).expect("links");
        let started = Instant::now();
        TranslatePreprocessor::new().run(&ctx, expanded).expect("preprocess");
        preprocess_only.push(started.elapsed());
    }
    let mut store_open = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        drop(
            mdbook_translate::store::Store::open(&root.join(".translate-cache"), Duration::from_secs(5)).expect("open"),
        );
        store_open.push(started.elapsed());
    }
    let store_open = median(store_open);
    let markdown_bytes: usize = load(plain_root, "en", false)
        .book
        .chapters()
        .map(|c| c.content.len())
        .sum();
    let (plain, translated, preprocess_only) = (median(plain), median(translated), median(preprocess_only));
    println!(
        "book: {} ({} chapters of markdown, {} bytes)",
        source.display(),
        load(plain_root, "en", false).book.chapters().count(),
        markdown_bytes
    );
    println!("rounds: {rounds} (medians)");
    println!(
        "plain HTML build:                  {:>8.1} ms",
        plain.as_secs_f64() * 1e3
    );
    println!(
        "translated build, warm store:      {:>8.1} ms",
        translated.as_secs_f64() * 1e3
    );
    println!(
        "ratio translated / plain:          {:>8.3}",
        translated.as_secs_f64() / plain.as_secs_f64()
    );
    println!(
        "preprocessor alone, warm store:    {:>8.1} ms",
        preprocess_only.as_secs_f64() * 1e3
    );
    println!(
        "  of which opening the store:      {:>8.1} ms",
        store_open.as_secs_f64() * 1e3
    );
    println!(
        "store size on disk:                {:>8.1} KiB",
        dir_size(&root.join(".translate-cache")) as f64 / 1024.0
    );
}
