//! Bad input, one case per test, each with what the tool says or does.
//! Books that strain the parser (very wide tables, very deep nesting,
//! unterminated fences and math) build without a panic and keep what must
//! be kept. Bad PO files are in `po.rs`, a parallel-data field starting
//! with `=` in `parallel_data.rs`, answers the SDK cannot read and
//! over-long paragraphs sent to Amazon Translate in `aws.rs`.

use crate::support::TestBook;

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
