//! End-to-end builds of real books with mdBook in-process.

use crate::support::{
    build_book, copy_book_without_translations, fidelity_books, files_with_extension, write_book_toml,
};
use mdbook_driver::MDBook;
use mdbook_driver::builtin_preprocessors::LinkPreprocessor;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use mdbook_translate::collect::BookTexts;
use mdbook_translate::config::{BackendKind, Config};
use mdbook_translate::language::LanguageTag;
use mdbook_translate::preprocessor::run_with_backend;
use mdbook_translate::segment::{SegmentOptions, extract_segments};
use mdbook_translate::translate::{OfflineTranslator, Translator};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use regex::Regex;
use std::path::Path;

const MARKDOWN_AND_HTML: &str = "[output.html]\n[output.markdown]\n";

fn translate_table(backend: &str) -> String {
    format!(
        "[preprocessor.translate]\nafter = [\"links\"]\nlanguages = [\"zh\"]\nbackend = \"{backend}\"\nmath = [\"mathjax\", \"dollar\"]\n"
    )
}

/// Builds `book` plainly (no translate table) and with `backend` into zh;
/// returns (plain output, translated output).
fn build_plain_and_translated(book: &Path, backend: &str) -> (tempfile::TempDir, tempfile::TempDir, tempfile::TempDir) {
    let original = std::fs::read_to_string(book.join("book.toml")).expect("book.toml");
    let outputs = if original.contains("[output.html]") {
        "[output.markdown]\n"
    } else {
        MARKDOWN_AND_HTML
    };
    let copy = copy_book_without_translations(book);
    let plain = tempfile::tempdir().expect("temp dir");
    let translated = tempfile::tempdir().expect("temp dir");
    write_book_toml(copy.path(), &original, outputs);
    build_book(copy.path(), None, plain.path()).expect("plain build");
    write_book_toml(
        copy.path(),
        &original,
        &format!("{outputs}{}", translate_table(backend)),
    );
    build_book(copy.path(), Some("zh"), translated.path()).expect("translated build");
    (copy, plain, translated)
}

#[test]
fn identity_builds_are_byte_identical_to_plain_builds() {
    for book in fidelity_books() {
        let (_copy, plain, translated) = build_plain_and_translated(&book, "identity");
        let chapters = files_with_extension(&plain.path().join("markdown"), "md");
        assert!(chapters.len() >= 5, "{}: chapters were built", book.display());
        assert_eq!(
            chapters,
            files_with_extension(&translated.path().join("markdown"), "md")
        );
        for chapter in chapters {
            let expected =
                std::fs::read_to_string(plain.path().join("markdown").join(&chapter)).expect("plain chapter");
            let actual =
                std::fs::read_to_string(translated.path().join("markdown").join(&chapter)).expect("translated chapter");
            assert!(
                expected == actual,
                "{}: {} differs after the identity round trip",
                book.display(),
                chapter.display()
            );
        }
    }
}

#[test]
fn check_reports_no_difference_on_real_books() {
    for book in fidelity_books() {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
            .args(["check"])
            .arg(&book)
            .output()
            .expect("run check");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{}: {}{stderr}",
            book.display(),
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(stderr.contains(", 0 differences"), "{stderr}");
    }
}

/// What must come through translation byte for byte.
#[derive(Debug, PartialEq, Eq)]
struct Kept {
    code_blocks: Vec<String>,
    inline_code: Vec<String>,
    html: Vec<String>,
    code_elements: Vec<String>,
    urls: Vec<String>,
    math: Vec<String>,
}

fn kept_parts(markdown: &str) -> Kept {
    let mut kept = Kept {
        code_blocks: vec![],
        inline_code: vec![],
        html: vec![],
        code_elements: vec![],
        urls: vec![],
        math: vec![],
    };
    let html_text = Regex::new(r"(?i)(<(?:summary|figcaption)[^>]*>)[^<]*(</)").expect("valid");
    let mut in_code = false;
    for event in Parser::new_ext(markdown, mdbook_translate::segment::parser_options()) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                kept.code_blocks.push(format!("{info}\n"));
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(text) if in_code => kept.code_blocks.last_mut().expect("open block").push_str(&text),
            Event::Code(code) => kept.inline_code.push(code.to_string()),
            // The text of `<summary>` and `<figcaption>` is prose, translated.
            Event::Html(html) | Event::InlineHtml(html) => {
                kept.html.push(html_text.replace_all(&html, "$1…$2").into_owned())
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                kept.urls.push(dest_url.to_string())
            }
            _ => {}
        }
    }
    // Math outside code: blank out code spans and blocks first.
    let mut prose = markdown.to_string();
    for (event, range) in Parser::new_ext(markdown, mdbook_translate::segment::parser_options()).into_offset_iter() {
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            prose.replace_range(range.clone(), &" ".repeat(range.len()));
        }
    }
    let mathjax = Regex::new(r"(?s)\\\\\(.*?\\\\\)|\\\\\[.*?\\\\\]").expect("valid");
    kept.math = mathjax.find_iter(&prose).map(|m| m.as_str().to_string()).collect();
    // Dollar math, inline and display, as the parser reads it with math on.
    let with_math = mdbook_translate::segment::segment_parser_options(true);
    for (event, range) in Parser::new_ext(markdown, with_math).into_offset_iter() {
        if matches!(event, Event::InlineMath(_) | Event::DisplayMath(_)) {
            kept.math.push(markdown[range].to_string());
        }
    }
    for element in ["code", "kbd", "samp", "var", "tt"] {
        let pattern = Regex::new(&format!(r"(?is)<{element}\b[^>]*>.*?</{element}\s*>")).expect("valid");
        kept.code_elements
            .extend(pattern.find_iter(&prose).map(|m| m.as_str().to_string()));
    }
    let url = Regex::new(r"https?://[A-Za-z0-9./_#?=%-]+").expect("valid");
    kept.urls
        .extend(url.find_iter(markdown).map(|m| m.as_str().to_string()));
    kept
}

fn heading_ids(html: &str) -> Vec<String> {
    let pattern = Regex::new(r#"<h[1-6] id="([^"]*)""#).expect("valid");
    pattern.captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// The text of each run of inline events of `markdown` (a leaf block's
/// content) with its byte range: text events only, white space collapsed.
fn inline_runs(markdown: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let options = mdbook_translate::segment::segment_parser_options(true);
    let mut runs: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut in_run = false;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        let inline = match &event {
            Event::Start(tag) => !matches!(
                tag,
                Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::List(_)
                    | Tag::Item
                    | Tag::FootnoteDefinition(_)
                    | Tag::Table(_)
                    | Tag::TableHead
                    | Tag::TableRow
                    | Tag::TableCell
                    | Tag::DefinitionList
                    | Tag::DefinitionListTitle
                    | Tag::DefinitionListDefinition
                    | Tag::MetadataBlock(_)
            ),
            Event::End(tag) => matches!(
                tag,
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
            ),
            Event::Rule | Event::Html(_) => false,
            _ => true,
        };
        if !inline {
            in_run = false;
            continue;
        }
        if !in_run {
            runs.push((range.clone(), String::new()));
            in_run = true;
        }
        let (run_range, text) = runs.last_mut().expect("a run");
        run_range.end = run_range.end.max(range.end);
        if let Event::Text(t) = event {
            text.push_str(&t);
            text.push(' ');
        }
    }
    runs.into_iter()
        .map(|(range, text)| (range, text.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect()
}

/// The summary of translating `book` (already built, so from the store)
/// into zh with the pseudo backend.
fn pseudo_summary(book: &Path) -> mdbook_translate::pipeline::RunSummary {
    let mdbook = MDBook::load(book).expect("load");
    let config = Config::from_book(&mdbook.root, &mdbook.config).expect("config");
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
    let mut expanded = LinkPreprocessor::new().run(&ctx, mdbook.book.clone()).expect("links");
    let zh: LanguageTag = "zh".parse().expect("a language tag");
    let pseudo = OfflineTranslator::new(BackendKind::Pseudo);
    run_with_backend(&mut expanded, &BookTexts::default(), &zh, &config, &pseudo).expect("pseudo run")
}

#[test]
fn pseudo_builds_keep_code_math_urls_html_and_heading_ids() {
    let options = SegmentOptions {
        mathjax: true,
        dollar_math: true,
        source_language: "en".parse().expect("a language tag"),
        ..SegmentOptions::default()
    };
    for book in fidelity_books() {
        let (copy, plain, translated) = build_plain_and_translated(&book, "pseudo");
        let summary = pseudo_summary(copy.path());
        let chapters = files_with_extension(&plain.path().join("markdown"), "md");
        let (mut n_prose, mut n_unchanged) = (0, 0);
        for chapter in &chapters {
            let source = std::fs::read_to_string(plain.path().join("markdown").join(chapter)).expect("plain chapter");
            let output =
                std::fs::read_to_string(translated.path().join("markdown").join(chapter)).expect("translated chapter");
            let where_ = format!("{}: {}", book.display(), chapter.display());
            assert_eq!(kept_parts(&source), kept_parts(&output), "{where_}");
            // Prose blocks: the inline runs the segmenter translates or reports.
            let segmented = extract_segments(&source, &options);
            let covered: Vec<std::ops::Range<usize>> = segmented
                .segments
                .iter()
                .filter(|s| s.units.iter().any(|u| u.translatable))
                .map(|s| s.range.clone())
                .chain(segmented.refused.iter().map(|r| r.range.clone()))
                .collect();
            let (source_runs, output_runs) = (inline_runs(&source), inline_runs(&output));
            assert_eq!(source_runs.len(), output_runs.len(), "{where_}: inline runs");
            for ((range, before), (_, after)) in source_runs.iter().zip(&output_runs) {
                let prose = before.chars().any(|c| c.is_ascii_alphabetic())
                    && covered.iter().any(|c| c.start < range.end && range.start < c.end);
                if !prose {
                    continue;
                }
                n_prose += 1;
                if before == after {
                    n_unchanged += 1;
                    let label = chapter.display().to_string();
                    // mdBook writes a chapter `README.md` as `index.md`.
                    let readme = label.replace("index.md", "README.md");
                    let reported = summary.left_in_source.iter().any(|left| {
                        (left.chapter == label || left.chapter == readme)
                            && source[range.clone()]
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                                .contains(&left.text)
                    });
                    assert!(reported, "{where_}: `{before}` kept in English and not reported");
                }
            }
        }
        assert!(n_prose > 50, "{}: {n_prose} prose blocks checked", book.display());
        let changed = 1.0 - n_unchanged as f64 / n_prose as f64;
        eprintln!("{}: {n_prose} prose blocks, {n_unchanged} unchanged", book.display());
        assert!(
            changed >= 0.995,
            "{}: {changed:.4} of the prose blocks changed",
            book.display()
        );
        let mut n_ids = 0;
        for page in files_with_extension(&plain.path().join("html"), "html") {
            if page.starts_with("zh") || page.file_name().is_some_and(|n| n == "print.html" || n == "toc.html") {
                continue;
            }
            let source = std::fs::read_to_string(plain.path().join("html").join(&page)).expect("plain page");
            let Ok(output) = std::fs::read_to_string(translated.path().join("html").join(&page)) else {
                continue;
            };
            let ids = heading_ids(&source);
            n_ids += ids.len();
            assert_eq!(ids, heading_ids(&output), "{}: {}", book.display(), page.display());
        }
        assert!(n_ids > 20, "{}: {n_ids} heading ids compared", book.display());
    }
}

#[test]
fn a_warm_store_makes_no_backend_call() {
    let book = copy_book_without_translations(&crate::support::project_dir().join("book-example"));
    let mdbook = MDBook::load(book.path()).expect("load");
    let config = Config::from_book(&mdbook.root, &mdbook.config).expect("config");
    let ctx = PreprocessorContext::new(mdbook.root.clone(), mdbook.config.clone(), "html".to_string());
    let expanded = LinkPreprocessor::new().run(&ctx, mdbook.book.clone()).expect("links");
    let zh: LanguageTag = "zh".parse().expect("a language tag");

    let pseudo = OfflineTranslator::new(BackendKind::Pseudo);
    let first =
        run_with_backend(&mut expanded.clone(), &BookTexts::default(), &zh, &config, &pseudo).expect("first run");
    let calls_after_first = pseudo.n_calls();
    assert!(
        calls_after_first > 0 && first.n_translated == first.n_distinct,
        "{first:?}"
    );
    let second =
        run_with_backend(&mut expanded.clone(), &BookTexts::default(), &zh, &config, &pseudo).expect("second run");
    assert_eq!(pseudo.n_calls(), calls_after_first, "the warm run called the backend");
    assert_eq!((second.n_from_store, second.n_translated), (second.n_distinct, 0));

    // Pseudo and identity records are never served to the cache backend.
    let identity = OfflineTranslator::new(BackendKind::Identity);
    run_with_backend(&mut expanded.clone(), &BookTexts::default(), &zh, &config, &identity).expect("identity run");
    let cache = OfflineTranslator::new(BackendKind::Cache);
    let cached =
        run_with_backend(&mut expanded.clone(), &BookTexts::default(), &zh, &config, &cache).expect("cache run");
    assert_eq!((cached.n_from_store, cached.n_missing), (0, cached.n_distinct));
}
