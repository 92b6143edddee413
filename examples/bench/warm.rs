//! 1. A warm translated build of one language against mdBook's plain build
//! of the same book, in-process and through `mdbook build`, where a
//! preprocessor that hands the book back unchanged is the floor.

use crate::books::{BookFacts, PlainBook};
use crate::measure::{Case, clean_command, interleaved, mdbook_binary, ms, time, translate_binary};
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::collect::BookTexts;
use mdbook_translate::config::Config;
use mdbook_translate::preprocessor::{TranslatePreprocessor, run_with_backend};
use mdbook_translate::translate::make_translator;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The target language of the translated builds.
pub const LANGUAGE: &str = "zh";

/// The book in `root` loaded for `language`, building into `<root>/<out>`,
/// with the translate preprocessor in-process when `translate`.
fn load(root: &Path, language: &str, out: &str, translate: bool) -> MDBook {
    let mut book = MDBook::load(root).expect("load the book");
    book.config.set("book.language", language).expect("set the language");
    book.config.build.build_dir = PathBuf::from(out);
    let mut book = MDBook::load_with_config(root, book.config).expect("load the book");
    if translate {
        book.with_preprocessor(TranslatePreprocessor::new());
    }
    book
}

/// Fills the store (pseudo backend) and checks that a second run finds
/// every unit there and asks the backend nothing.
pub fn fill_store(root: &Path) {
    load(root, LANGUAGE, "book-fill", true).build().expect("the build that fills the store");
    let mdbook = load(root, LANGUAGE, "book-fill", false);
    let config = Config::from_book(root, &mdbook.config).expect("config");
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
    let mut book = LinkPreprocessor::new().run(&ctx, mdbook.book.clone()).expect("links");
    let backend = make_translator(&config).expect("the pseudo backend");
    let target = config.target_language(&mdbook.config).expect("the language");
    let texts = BookTexts::of_book_toml(&mdbook.config);
    let summary = run_with_backend(&mut book, &texts, &target, &config, &*backend).expect("a warm run");
    assert_eq!(summary.n_backend_calls, 0, "the warm build asked the backend: {summary}");
    assert_eq!(summary.n_missing, 0, "units missing from the store: {summary}");
    println!("  store: {summary}");
}

/// The in-process cases: mdBook's plain build, the translated build (warm
/// store), and the translate preprocessor alone on the expanded book.
pub fn in_process_cases<'a>(plain_root: &'a Path, translated_root: &'a Path) -> Vec<Case<'a>> {
    vec![
        Case::new("in-process plain", || {
            let book = load(plain_root, "en", "book-inproc", false);
            let started = Instant::now();
            book.build().expect("plain build");
            started.elapsed()
        }),
        Case::new("in-process translated", || {
            let book = load(translated_root, LANGUAGE, "book-inproc", true);
            let started = Instant::now();
            book.build().expect("translated build");
            started.elapsed()
        }),
        Case::new("preprocessor alone", || {
            let book = load(translated_root, LANGUAGE, "book-inproc", false);
            let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".to_string());
            let expanded = LinkPreprocessor::new().run(&ctx, book.book.clone()).expect("links");
            let started = Instant::now();
            TranslatePreprocessor::new().run(&ctx, expanded).expect("preprocess");
            started.elapsed()
        }),
    ]
}

/// `mdbook build -d <out>` in `root`, with the `[book] language` given.
fn mdbook_build(mdbook: &Path, root: &Path, out: &str, language: Option<&str>) -> Duration {
    let mut command = clean_command(mdbook);
    command.current_dir(root).args(["build", "-d", out]);
    if let Some(language) = language {
        command.env("MDBOOK_BOOK__LANGUAGE", language);
    }
    time(&mut command)
}

pub fn run(plain: &PlainBook, rounds: usize) {
    let translate = translate_binary();
    let bench = std::env::current_exe().expect("this program");
    let translated = plain.variant(&plain.translate_table(
        &[LANGUAGE],
        "pseudo",
        &format!("command = {:?}\n", translate.display().to_string()),
    ));
    let floor = plain.variant(&format!(
        "[preprocessor.passthrough]\ncommand = \"{} passthrough\"\n",
        bench.display()
    ));
    let facts = BookFacts::of(translated.path());
    println!("book: {} — {facts}", plain.spec);
    fill_store(translated.path());
    let (plain_root, translated_root) = (plain.root(), translated.path());
    let mdbook = mdbook_binary();
    let mut cases = in_process_cases(plain_root, translated_root);
    match &mdbook {
        Ok(mdbook) => {
            let floor_root = floor.path();
            cases.push(Case::new("cli plain", || mdbook_build(mdbook, plain_root, "book-cli", None)));
            cases.push(Case::new("cli floor", || mdbook_build(mdbook, floor_root, "book-cli", None)));
            cases.push(Case::new("cli translated", || {
                mdbook_build(mdbook, translated_root, "book-cli", Some(LANGUAGE))
            }));
        }
        Err(why) => println!("  `mdbook build`: skipped ({why})"),
    }
    let t = interleaved(cases, rounds);
    println!("in-process (mdbook-driver), {rounds} rounds, medians (lowest – highest):");
    println!("{}", t.line("plain mdBook build", "in-process plain"));
    println!("{}", t.line(&format!("translated build ({LANGUAGE}), warm store"), "in-process translated"));
    println!("{}", t.line("the translate preprocessor alone", "preprocessor alone"));
    println!(
        "{}",
        t.ratio_line("ratio translated / plain", "in-process translated", "in-process plain", "   goal ≤ 1.03")
    );
    if mdbook.is_ok() {
        println!("through `mdbook build` (mdBook 0.5.4), {rounds} rounds:");
        println!("{}", t.line("plain mdBook build", "cli plain"));
        println!("{}", t.line("floor: a preprocessor that returns its input", "cli floor"));
        println!("{}", t.line(&format!("translated build ({LANGUAGE}), warm store"), "cli translated"));
        println!(
            "{}",
            t.ratio_line("ratio floor / plain (the JSON round trip)", "cli floor", "cli plain", "")
        );
        println!(
            "{}",
            t.ratio_line("ratio translated / floor", "cli translated", "cli floor", "   goal ≤ 1.05")
        );
        println!(
            "{}",
            t.ratio_line("ratio translated / plain", "cli translated", "cli plain", "")
        );
        println!(
            "  translated − floor                           {:>10}",
            ms(t.median("cli translated") - t.median("cli floor"))
        );
    }
}

/// The floor preprocessor: reads `[context, book]` from stdin and writes the
/// book back unchanged, as any preprocessor must at least do.
pub fn passthrough(args: &[String]) {
    if args.first().map(String::as_str) == Some("supports") {
        return;
    }
    let mut input = Vec::new();
    std::io::stdin().lock().read_to_end(&mut input).expect("read stdin");
    let (_ctx, book) = mdbook_preprocessor::parse_input(&input[..]).expect("the book JSON");
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &book).expect("write the book");
    stdout.flush().expect("write the book");
}
