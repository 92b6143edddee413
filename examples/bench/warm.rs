//! Benchmark 1: a warm translated build of one language against mdBook's plain build
//! of the same book, in-process and through `mdbook build`, where a
//! preprocessor that hands the book back unchanged is the floor.

use crate::books::{BookFacts, PlainBook, append_toml, copy_tree, temp_dir};
use crate::measure::{
    Case, Sample, Timings, clean_command, interleaved, mdbook_binary, ms, print_sample, reported_sample,
    sample_command, translate_binary,
};
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::collect::BookTexts;
use mdbook_translate::config::Config;
use mdbook_translate::preprocessor::{TranslatePreprocessor, run_with_backend};
use mdbook_translate::translate::make_translator;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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
    load(root, LANGUAGE, "book-fill", true)
        .build()
        .expect("the build that fills the store");
    let mdbook = load(root, LANGUAGE, "book-fill", false);
    let config = Config::from_book(root, &mdbook.config).expect("config");
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
    let mut book = LinkPreprocessor::new().run(&ctx, mdbook.book.clone()).expect("links");
    let backend = make_translator(&config).expect("the pseudo backend");
    let target = config.target_language(&mdbook.config).expect("the language");
    let texts = BookTexts::of_book_toml(&mdbook.config);
    let summary = run_with_backend(&mut book, &texts, &target, &config, &*backend).expect("a warm run");
    assert_eq!(
        summary.n_backend_calls, 0,
        "the warm build asked the backend: {summary}"
    );
    assert_eq!(summary.n_missing, 0, "units missing from the store: {summary}");
    println!("  store: {summary}");
}

/// Writes into `out` (a copy of the plain book) the chapters of the book in
/// `translated_root` as the translate preprocessor hands them to mdBook: a
/// plain build of `out` renders the same text as the translated build, so
/// the two differ only by the translation's own cost. (Chapter names stay
/// as SUMMARY.md has them.)
pub fn write_translated_text(translated_root: &Path, out: &Path) {
    let mdbook = load(translated_root, LANGUAGE, "book-fill", false);
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
    let expanded = LinkPreprocessor::new().run(&ctx, mdbook.book.clone()).expect("links");
    let translated = TranslatePreprocessor::new().run(&ctx, expanded).expect("translate");
    let src = out.join(&mdbook.config.book.src);
    for chapter in translated.chapters() {
        if let Some(path) = &chapter.source_path {
            std::fs::write(src.join(path), &chapter.content).expect("write a translated chapter");
        }
    }
}

/// The books of the in-process cases.
pub struct Roots<'a> {
    /// The source book, plain.
    pub plain: &'a Path,
    /// The translated text as a plain book ([`write_translated_text`]).
    pub text: &'a Path,
    /// The source book with `[preprocessor.translate]`, store warm.
    pub translated: &'a Path,
}

/// The in-process cases, each in a fresh process of this program (so no
/// case inherits another's heap): mdBook's plain build of the source and of
/// the translated text, the translated build (warm store), and the
/// translate preprocessor alone on the expanded book.
pub fn in_process_cases<'a>(roots: &Roots<'a>) -> Vec<Case<'a>> {
    let bench = std::env::current_exe().expect("this program");
    [
        ("in-process plain", "plain", roots.plain),
        ("in-process plain text", "plain", roots.text),
        ("in-process translated", "translated", roots.translated),
        ("preprocessor alone", "preprocessor", roots.translated),
    ]
    .into_iter()
    .map(|(name, mode, root)| {
        let bench = bench.clone();
        Case::new(name, move || {
            reported_sample(clean_command(&bench).args(["measure", mode]).arg(root))
        })
    })
    .collect()
}

/// `bench measure MODE ROOT`: one in-process build (`plain`, `translated`)
/// or run of the preprocessor (`preprocessor`), loading excluded; prints
/// its wall and CPU seconds.
pub fn measure(mode: &str, root: &Path) {
    match mode {
        "plain" => {
            let book = load(root, "en", "book-inproc", false);
            print_sample(|| book.build().expect("plain build"));
        }
        "translated" => {
            let book = load(root, LANGUAGE, "book-inproc", true);
            print_sample(|| book.build().expect("translated build"));
        }
        "preprocessor" => {
            let book = load(root, LANGUAGE, "book-inproc", false);
            let ctx = PreprocessorContext::new(book.root.clone(), book.config.clone(), "html".to_string());
            let expanded = LinkPreprocessor::new().run(&ctx, book.book.clone()).expect("links");
            print_sample(|| drop(TranslatePreprocessor::new().run(&ctx, expanded).expect("preprocess")));
        }
        _ => panic!("`{mode}` is not plain, translated or preprocessor"),
    }
}

/// Prints the in-process figures.
pub fn print_in_process(t: &Timings) {
    let translated = format!("translated build ({LANGUAGE}), warm store");
    t.print(
        &[
            ("plain mdBook build of the source", "in-process plain"),
            ("plain mdBook build of the translated text", "in-process plain text"),
            (&translated, "in-process translated"),
            ("the translate preprocessor alone", "preprocessor alone"),
        ],
        &[
            (
                "ratio translated / plain of the translated text",
                "in-process translated",
                "in-process plain text",
                "   goal ≤ 1.03",
            ),
            (
                "ratio translated / plain of the source",
                "in-process translated",
                "in-process plain",
                "",
            ),
        ],
    );
}

/// `mdbook build -d <out>` in `root`, with the `[book] language` given.
fn mdbook_build(mdbook: &Path, root: &Path, out: &str, language: Option<&str>) -> Sample {
    let mut command = clean_command(mdbook);
    command.current_dir(root).args(["build", "-d", out]);
    if let Some(language) = language {
        command.env("MDBOOK_BOOK__LANGUAGE", language);
    }
    sample_command(&mut command)
}

pub fn run(plain: &PlainBook, rounds: usize) {
    let translate = translate_binary();
    let translated = plain.variant(&plain.translate_table(
        &[LANGUAGE],
        "pseudo",
        &format!("command = {:?}\n", translate.display().to_string()),
    ));
    let facts = BookFacts::of(translated.path());
    println!("book: {} — {facts}", plain.spec);
    fill_store(translated.path());
    let text = plain.variant("");
    write_translated_text(translated.path(), text.path());
    let floor = temp_dir();
    copy_tree(text.path(), floor.path());
    let bench = std::env::current_exe().expect("this program");
    append_toml(
        floor.path(),
        &format!(
            "[preprocessor.passthrough]\ncommand = \"{} passthrough\"\n",
            bench.display()
        ),
    );
    let roots = Roots {
        plain: plain.root(),
        text: text.path(),
        translated: translated.path(),
    };
    let mdbook = mdbook_binary();
    let mut cases = in_process_cases(&roots);
    match &mdbook {
        Ok(mdbook) => {
            for (name, root, language) in [
                ("cli plain", roots.plain, None),
                ("cli plain text", roots.text, None),
                ("cli floor", floor.path(), None),
                ("cli translated", roots.translated, Some(LANGUAGE)),
            ] {
                cases.push(Case::new(name, move || {
                    mdbook_build(mdbook, root, "book-cli", language)
                }));
            }
        }
        Err(why) => println!("  `mdbook build`: skipped ({why})"),
    }
    let t = interleaved(cases, rounds);
    println!("in-process (mdbook-driver), {rounds} rounds, medians (lowest – highest; CPU):");
    print_in_process(&t);
    if mdbook.is_ok() {
        println!("through `mdbook build` (mdBook 0.5.4), {rounds} rounds:");
        let translated = format!("translated build ({LANGUAGE}), warm store");
        t.print(
            &[
                ("plain mdBook build of the source", "cli plain"),
                ("plain mdBook build of the translated text", "cli plain text"),
                (
                    "floor: the same, with a preprocessor that returns its input",
                    "cli floor",
                ),
                (&translated, "cli translated"),
            ],
            &[
                (
                    "ratio floor / plain (the JSON round trip)",
                    "cli floor",
                    "cli plain text",
                    "",
                ),
                (
                    "ratio translated / floor",
                    "cli translated",
                    "cli floor",
                    "   goal ≤ 1.05",
                ),
                (
                    "ratio translated / plain of the source",
                    "cli translated",
                    "cli plain",
                    "",
                ),
            ],
        );
        println!(
            "  translated − floor                             {:>9}",
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
