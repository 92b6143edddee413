//! Bad input, one case per test, each with what the tool says or does.
//! Books that strain the parser (very wide tables, very deep nesting,
//! unterminated fences and math) build without a panic and keep what must
//! be kept. Bad PO files are in `po.rs`, a parallel-data field starting
//! with `=` in `parallel_data.rs`, answers with mangled tags in `aws.rs`.

use crate::aws::{AwsBook, paragraphs, start_emulator, stderr_of};
use crate::support::{TestBook, parse_summary};
use mdbook_translate::emulator::{Emulator, EmulatorConfig};

/// The minimal test book with `introduction.md` replaced by `markdown`.
fn book_with_chapter(markdown: &str) -> TestBook {
    let book = TestBook::new("minimal");
    book.write("src/introduction.md", markdown);
    book
}

/// The built zh page of the introduction.
fn zh_page(book: &TestBook) -> String {
    book.read("book/html/zh/introduction.html")
}

#[test]
fn a_list_of_languages_given_as_a_string_names_the_key_and_what_it_expects() {
    let book = TestBook::new("minimal");
    book.replace("book.toml", "languages = [\"zh\", \"es\"]", "languages = \"zh\"");
    book.run(&["build"]).assert_failure_saying(
        "`[preprocessor.translate] languages`: invalid type: string \"zh\", expected a list of strings",
    );
}

#[test]
fn a_bad_environment_override_names_the_variable() {
    let book = TestBook::new("minimal");
    let run = crate::support::Run::of(
        book.command(&["build"])
            .env("MDBOOK_PREPROCESSOR__TRANSLATE__MAX_CONCURRENCY", "0"),
    );
    run.assert_failure_saying("MDBOOK_PREPROCESSOR__TRANSLATE__MAX_CONCURRENCY");
}

/// mdBook's `links` preprocessor reports the file and leaves the directive
/// in place, as a plain `mdbook build` does; the directive is then kept as
/// it is in every language.
#[test]
fn an_included_file_that_is_not_utf8_is_named() {
    let book = book_with_chapter("# Introduction\n\nBefore it.\n\n{{#include bad.txt}}\n");
    std::fs::write(book.path().join("src/bad.txt"), b"caf\xe9\n").expect("write bad.txt");
    let run = book.run(&["build"]).assert_success();
    let bad = book.path().join("src/bad.txt");
    assert!(
        run.stderr.contains(&format!(
            "Could not read file for link {{{{#include bad.txt}}}} ({})",
            bad.display()
        )),
        "{}",
        run.stderr
    );
    assert!(zh_page(&book).contains("{{#include bad.txt}}"), "the directive is kept");
}

#[test]
fn a_table_with_a_thousand_columns_is_translated_cell_by_cell() {
    let header: String = (0..1000).map(|n| format!("| Column {n} ")).collect();
    let rule: String = "|---".repeat(1000);
    let row: String = (0..1000).map(|n| format!("| Cell {n} ")).collect();
    let book = book_with_chapter(&format!("# Introduction\n\n{header}|\n{rule}|\n{row}|\n"));
    let run = book.run(&["build"]).assert_success();
    assert_eq!(run.summary("zh").n_missing, 0, "{}", run.stderr);
    let page = zh_page(&book);
    assert_eq!(page.matches("<td").count(), 1000, "one row of cells");
    assert!(!page.contains("Cell 999"), "every cell is translated");
}

#[test]
fn lists_and_block_quotes_nested_a_thousand_deep_build() {
    let mut markdown = String::from("# Introduction\n\n");
    for depth in 0..1000 {
        markdown.push_str(&format!("{}- Item {depth}\n", "  ".repeat(depth)));
    }
    markdown.push('\n');
    markdown.push_str(&format!("{} Quoted deep down.\n", ">".repeat(1000)));
    let book = book_with_chapter(&markdown);
    let run = book.run(&["build"]).assert_success();
    assert_eq!(run.summary("zh").n_missing, 0, "{}", run.stderr);
    assert!(!zh_page(&book).contains("Quoted deep down"), "the quote is translated");
}

#[test]
fn an_unterminated_fence_keeps_the_rest_of_the_chapter_as_code() {
    let book = book_with_chapter("# Introduction\n\nProse here.\n\n```rust\nlet x = \"*not prose*\";\n\nMore text.\n");
    book.run(&["build"]).assert_success();
    let page = zh_page(&book);
    assert!(page.contains("More text."), "the unterminated block is code");
    assert!(!page.contains("Prose here."), "the prose before it is translated");
}

#[test]
fn unterminated_math_is_prose() {
    let book = TestBook::new("minimal");
    book.replace(
        "book.toml",
        "backend = \"pseudo\"",
        "backend = \"pseudo\"\nmath = [\"dollar\"]",
    );
    book.write(
        "src/introduction.md",
        "# Introduction\n\nIt costs $5 and $$ never closes here.\n",
    );
    let run = book.run(&["build"]).assert_success();
    assert_eq!(run.summary("zh").n_missing, 0, "{}", run.stderr);
    assert!(!zh_page(&book).contains("never closes"), "the sentence is translated");
}

/// Builds a book of one chapter, `long.md`, through the `aws` backend
/// against an emulator configured so; returns the book, the emulator and
/// what the build wrote on stderr. The build must succeed.
fn build_through_the_emulator(markdown: &str, config: EmulatorConfig) -> (AwsBook, Emulator, String) {
    let emulator = start_emulator(config);
    let book = AwsBook::new(&[("long.md".to_string(), markdown.to_string())], "");
    let output = book.build(&emulator.url());
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    (book, emulator, stderr)
}

/// No TranslateText request the emulator read was over the service's limit.
#[track_caller]
fn assert_no_request_over_the_limit(emulator: &Emulator) {
    let stats = emulator.stats();
    assert!(
        stats.largest_text_bytes > 0 && stats.largest_text_bytes <= 10_000,
        "{stats:?}"
    );
}

#[test]
fn a_paragraph_over_10000_bytes_is_translated_sentence_by_sentence() {
    let sentences = |what: &str| -> String {
        (0..250)
            .map(|n| format!("Sentence {n} {what} says one plain thing."))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let paragraph = sentences("of this paragraph");
    // Emphasis across the sentences makes the paragraph one unit: it is
    // sent in pieces cut at sentence ends, and stored whole.
    let emphasised = format!("*{}*", sentences("inside the emphasis"));
    assert!(paragraph.len() > 12_000 && emphasised.len() > 12_000);
    let (book, emulator, stderr) = build_through_the_emulator(
        &format!("# Long\n\n{paragraph}\n\n{emphasised}\n"),
        EmulatorConfig::default(),
    );
    let summary = parse_summary(&stderr, "zh");
    // The book's title, the chapter's name (its heading's text), 250
    // sentences and the emphasised paragraph.
    assert_eq!((summary.n_distinct, summary.n_missing), (2 + 250 + 1, 0), "{stderr}");
    assert_no_request_over_the_limit(&emulator);
    let page = paragraphs(&book.zh_page("long.html"));
    assert_eq!(page.len(), 2, "{page:?}");
    assert!(!page[0].contains("plain thing"), "{}", page[0]);
    assert!(
        page[1].starts_with("<p><em>") && page[1].ends_with("</em></p>") && !page[1].contains("plain thing"),
        "{}",
        page[1]
    );
    assert_eq!(book.remaining(), (0, 0));
}

#[test]
fn a_sentence_over_10000_bytes_is_cut_at_commas_and_stored_whole() {
    let items: Vec<String> = (0..700).map(|n| format!("item {n} of the list")).collect();
    let sentence = format!("The list holds {}.", items.join(", "));
    assert!(sentence.len() > 12_000);
    let (book, emulator, stderr) =
        build_through_the_emulator(&format!("# Long\n\n{sentence}\n"), EmulatorConfig::default());
    let summary = parse_summary(&stderr, "zh");
    assert_eq!((summary.n_distinct, summary.n_missing), (2 + 1, 0), "{stderr}");
    assert_no_request_over_the_limit(&emulator);
    assert!(emulator.stats().requests["TranslateText"] >= 2);
    let page = paragraphs(&book.zh_page("long.html"));
    assert!(!page[0].contains("of the list"), "{}", page[0]);
    assert_eq!(book.remaining(), (0, 0));
    emulator.reset_stats();
    let output = book.build(&emulator.url());
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(emulator.stats().requests_total, 0, "the sentence was stored whole");
}

#[test]
fn a_cjk_run_over_10000_bytes_without_punctuation_is_cut_between_characters() {
    let run = "这个函数调用API并返回结果".repeat(420);
    assert!(run.len() > 12_000 && !run.contains(['。', '，', ' ']));
    let (book, emulator, stderr) = build_through_the_emulator(&format!("# Long\n\n{run}\n"), EmulatorConfig::default());
    assert_eq!(parse_summary(&stderr, "zh").n_missing, 0, "{stderr}");
    assert_no_request_over_the_limit(&emulator);
    let page = paragraphs(&book.zh_page("long.html"));
    assert!(
        page[0].contains("这个函数调用") && !page[0].contains("API"),
        "{}",
        page[0]
    );
}

#[test]
fn a_word_over_10000_bytes_is_kept_in_the_source_language_and_said_why() {
    let word = "Pneumonoultramicroscopicsilicovolcanoconiosis".repeat(250);
    let (book, emulator, stderr) =
        build_through_the_emulator(&format!("# Long\n\nShort one.\n\n{word}\n"), EmulatorConfig::default());
    let summary = parse_summary(&stderr, "zh");
    assert_eq!(summary.n_missing, 1, "{stderr}");
    let expected = format!(
        "mdbook-translate: zh: untranslated in long.md: {}… (the backend failed: the unit is {} bytes as HTML, \
         more than the 10000 TranslateText takes, with no sentence end, clause mark, space or pair of CJK \
         characters to cut it at into pieces that fit; break it up in the source)\n",
        &word[..80],
        word.len()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains("1 missing, 1 kept in the source language"), "{stderr}");
    assert_no_request_over_the_limit(&emulator);
    assert!(book.zh_page("long.html").contains(&word), "the word is kept as it is");
}

/// Builds a one-sentence book against an emulator whose every answer is
/// replaced by what `fault` sets; each unit must be kept in the source
/// language and listed with `why` (`{url}` standing for the emulator's),
/// the build must not panic, and the requests must have been tried again
/// before giving up.
#[track_caller]
fn check_unreadable_answers(fault: fn(&mut EmulatorConfig), why: &str) {
    let mut config = EmulatorConfig::default();
    fault(&mut config);
    let (_book, emulator, stderr) = build_through_the_emulator("# Long\n\nOne sentence.\n", config);
    let summary = parse_summary(&stderr, "zh");
    assert_eq!((summary.n_distinct, summary.n_missing), (3, 3), "{stderr}");
    let why = why.replace("{url}", &emulator.url());
    for (file, text) in [
        ("book.toml", "Generated"),
        ("long.md", "Long"),
        ("long.md", "One sentence."),
    ] {
        let line = format!("untranslated in {file}: {text} (the backend failed: {why})\n");
        assert!(stderr.contains(&line), "{line}\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(emulator.stats().errors_injected_total > 1, "{:?}", emulator.stats());
}

#[test]
fn an_answer_that_is_not_json_names_the_endpoint_and_what_to_do() {
    check_unreadable_answers(
        |config| config.garbled_rate = 1.0,
        "Amazon Translate at {url} answered HTTP 200 with a body that is not one of its answers \
         (text/plain: `OK: this answer is not JSON (injected)`); check that the endpoint the AWS \
         configuration names (AWS_ENDPOINT_URL_TRANSLATE, AWS_ENDPOINT_URL or `endpoint_url` in the \
         profile) is Amazon Translate",
    );
}

#[test]
fn a_5xx_with_an_html_page_names_the_endpoint_and_what_to_do() {
    check_unreadable_answers(
        |config| config.html_error_rate = 1.0,
        "Amazon Translate at {url} answered HTTP 502 with a body that is not one of its answers \
         (text/html: the page “502 Bad Gateway”); a proxy or load balancer on the way, or the service \
         itself, failed: try again later",
    );
}
