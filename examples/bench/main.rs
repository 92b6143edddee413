//! The benchmark suite: prints figures, never fails on a figure.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example bench -- warm --book guide --book d2l --rounds 15
//! cargo run --release --example bench -- anchor --book guide --languages zh,es
//! cargo run --release --example bench -- cold --book sentences:5000 --quota 30000
//! cargo run --release --example bench -- incremental --book guide --book d2l
//! cargo run --release --example bench -- scale --chapters 250,500,1000,2000
//! cargo run --release --example bench -- markup --book guide --book d2l --book sentences
//! ```
//!
//! - `warm`: a warm translated build of one language against mdBook's plain
//!   build, in-process and through `mdbook build`, where a preprocessor that
//!   returns its input unchanged is the floor;
//! - `anchor`: every language built as mdbook-i18n-helpers users do (one
//!   `mdbook build` per language, mdbook-gettext reading a PO file written
//!   by `po export`) against `mdbook-translate build`;
//! - `cold`: `warm --realtime` against the emulator with a quota and
//!   latency: quota used, requests against the minimum;
//! - `incremental`: characters sent after a one-sentence edit, a re-wrapped
//!   chapter and two paragraphs swapped;
//! - `scale`: mdBook's plain build and ours as the book grows;
//! - `markup`: the HTML sent for a book's units, byte by byte.
//!
//! Books (`--book`, repeatable): `guide` and `d2l` from `../shared/corpora`,
//! `large[:CHAPTERS]` (generated, about 105 units a chapter, 2,000 chapters
//! by default), `sentences[:UNITS]` (generated short sentences), or the
//! folder of any mdBook. Every run copies the book into a temp dir first.
//! Cases are interleaved round by round; times are medians, ratios medians
//! of the per-round ratios.

mod anchor;
#[path = "../../tests/it/book_files.rs"]
mod book_files;
mod books;
mod cold;
mod generate;
mod incremental;
mod markup;
mod measure;
mod scale;
mod warm;

use books::{BookSpec, PlainBook};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "bench", about = "Benchmarks of mdbook-translate; prints figures")]
struct Cli {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, clap::Args)]
struct BookArgs {
    /// Books to measure: guide, d2l, large[:CHAPTERS], sentences[:UNITS] or a folder.
    #[arg(long = "book", default_value = "guide")]
    books: Vec<BookSpec>,
    /// Rounds of each case (after one warm-up run of each).
    #[arg(long, default_value_t = 9)]
    rounds: usize,
}

#[derive(Debug, Subcommand)]
enum What {
    /// A warm translated build of one language against mdBook's plain build.
    Warm(BookArgs),
    /// Every language, against mdbook-i18n-helpers (one `mdbook build` per language).
    Anchor {
        #[command(flatten)]
        books: BookArgs,
        /// Target languages.
        #[arg(long, value_delimiter = ',', default_value = "zh,es")]
        languages: Vec<String>,
    },
    /// Cold real-time translation against the emulator.
    Cold {
        #[command(flatten)]
        books: BookArgs,
        /// The emulator's characters-per-second quota (0: none).
        #[arg(long, default_value_t = 100_000.0)]
        quota: f64,
        /// The emulator's latency per request, in milliseconds.
        #[arg(long, default_value_t = 100)]
        latency_ms: u64,
        /// `max-concurrency` of the book.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
    /// Characters sent after small edits.
    Incremental(BookArgs),
    /// mdBook's plain build and ours on generated books of growing size.
    Scale {
        /// Chapters of each generated book.
        #[arg(long, value_delimiter = ',', default_value = "250,500,1000,2000")]
        chapters: Vec<usize>,
        /// Rounds of each case.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
    },
    /// The HTML the aws backend sends for a book's units, byte by byte.
    Markup {
        /// Books to measure.
        #[arg(long = "book", default_value = "guide")]
        books: Vec<BookSpec>,
    },
    /// (Run by `warm` and `scale`.) One in-process build of MODE (plain, translated, preprocessor); prints its times.
    #[command(hide = true)]
    Measure { mode: String, root: std::path::PathBuf },
    /// (Run by mdBook.) A preprocessor that returns the book unchanged: the floor of `warm`.
    #[command(hide = true)]
    Passthrough { args: Vec<String> },
}

fn each_book(args: &BookArgs, mut f: impl FnMut(&PlainBook)) {
    for spec in &args.books {
        eprintln!("preparing {spec}…");
        let book = PlainBook::prepare(spec);
        f(&book);
        println!();
    }
}

fn main() {
    let cli = Cli::parse();
    match cli.what {
        What::Passthrough { args } => warm::passthrough(&args),
        What::Measure { mode, root } => warm::measure(&mode, &root),
        What::Warm(args) => {
            println!("== warm: one language, every unit in the store, against mdBook's plain build ==");
            each_book(&args, |book| warm::run(book, args.rounds));
        }
        What::Anchor { books, languages } => {
            println!("== anchor: every language, against one `mdbook build` + mdbook-gettext per language ==");
            each_book(&books, |book| anchor::run(book, &languages, books.rounds));
        }
        What::Cold {
            books,
            quota,
            latency_ms,
            concurrency,
        } => {
            println!("== cold: `warm --realtime` against the emulator ==");
            let settings = cold::Settings {
                quota: (quota > 0.0).then_some(quota),
                latency: std::time::Duration::from_millis(latency_ms),
                concurrency,
            };
            each_book(&books, |book| cold::run(book, &settings));
        }
        What::Incremental(args) => {
            println!("== incremental: characters sent after small edits ==");
            each_book(&args, incremental::run);
        }
        What::Scale { chapters, rounds } => {
            println!("== scale: generated books of growing size ==");
            scale::run(&chapters, rounds);
        }
        What::Markup { books } => {
            println!("== markup: the HTML sent for a book's distinct units ==");
            for spec in &books {
                markup::run(&PlainBook::prepare(spec));
                println!();
            }
        }
    }
}
