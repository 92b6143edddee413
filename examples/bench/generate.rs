//! Generated books: deterministic (a fixed seed), with the constructs a
//! technical book has in about the proportions it has them.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "that",
    "for",
    "it",
    "with",
    "as",
    "on",
    "be",
    "by",
    "this",
    "are",
    "from",
    "or",
    "an",
    "which",
    "can",
    "each",
    "when",
    "its",
    "then",
    "every",
    "into",
    "before",
    "after",
    "only",
    "block",
    "buffer",
    "byte",
    "cache",
    "chapter",
    "checksum",
    "client",
    "code",
    "compiler",
    "config",
    "data",
    "disk",
    "error",
    "event",
    "field",
    "file",
    "folder",
    "function",
    "graph",
    "hash",
    "header",
    "index",
    "input",
    "key",
    "layer",
    "line",
    "list",
    "log",
    "loop",
    "map",
    "memory",
    "message",
    "model",
    "module",
    "network",
    "node",
    "number",
    "object",
    "offset",
    "output",
    "page",
    "parser",
    "path",
    "pointer",
    "process",
    "program",
    "query",
    "queue",
    "record",
    "request",
    "result",
    "reader",
    "server",
    "service",
    "signal",
    "socket",
    "stack",
    "state",
    "store",
    "stream",
    "string",
    "table",
    "task",
    "thread",
    "token",
    "tree",
    "type",
    "value",
    "vector",
    "writer",
    "reads",
    "writes",
    "returns",
    "checks",
    "keeps",
    "sends",
    "stores",
    "builds",
    "opens",
    "closes",
    "moves",
    "counts",
    "parses",
    "renders",
    "splits",
    "joins",
    "sorts",
    "finds",
    "loads",
    "waits",
    "calls",
    "holds",
    "changes",
    "computes",
    "compares",
    "copies",
    "creates",
    "removes",
    "updates",
    "validates",
    "measures",
    "small",
    "large",
    "first",
    "last",
    "next",
    "previous",
    "whole",
    "empty",
    "full",
    "new",
    "old",
    "same",
    "different",
    "local",
    "remote",
    "shared",
    "private",
    "public",
    "simple",
    "careful",
    "quick",
    "slow",
    "safe",
    "correct",
    "invalid",
    "common",
    "rare",
    "early",
    "late",
    "fixed",
    "variable",
    "linear",
    "constant",
    "exact",
];

/// A sentence of 8–18 words, with a code span, emphasis or a link now and then.
fn sentence(rng: &mut StdRng) -> String {
    let n_words = rng.random_range(8..=18);
    let mut words: Vec<String> = (0..n_words)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())].to_string())
        .collect();
    let at = rng.random_range(1..n_words - 2);
    match rng.random_range(0..20) {
        0..=4 => words[at] = format!("`{}_{}`", words[at], rng.random_range(0..100)),
        5..=7 => words[at] = format!("*{} {}*", words[at], words[at + 1]),
        8..=9 => words[at] = format!("[{}](https://example.com/{})", words[at], rng.random_range(0..1000)),
        _ => {}
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text.push('.');
    text
}

fn paragraph(rng: &mut StdRng, sentences: std::ops::RangeInclusive<usize>) -> String {
    let n = rng.random_range(sentences);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

fn title(rng: &mut StdRng) -> String {
    let n = rng.random_range(2..=5);
    let mut text = (0..n)
        .map(|_| WORDS[rng.random_range(31..WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text
}

/// One chapter of about 105 units: a title and eight sections, each a
/// heading and two paragraphs, every other one a list and a code block,
/// every fourth a table.
fn chapter(rng: &mut StdRng, name: &str) -> String {
    let mut md = format!("# {name}\n\n");
    for section in 0..8 {
        let _ = write!(md, "## {}\n\n", title(rng));
        for _ in 0..2 {
            // Wrapped as people wrap prose: a line break every dozen words.
            let text = paragraph(rng, 3..=5);
            let words: Vec<&str> = text.split(' ').collect();
            for line in words.chunks(12) {
                md.push_str(&line.join(" "));
                md.push('\n');
            }
            md.push('\n');
        }
        if section % 2 == 0 {
            for _ in 0..4 {
                let _ = writeln!(md, "- {}", sentence(rng));
            }
            md.push('\n');
            let _ = write!(
                md,
                "```rust\nfn step_{section}(input: &[u8]) -> u32 {{\n    input.iter().map(|b| *b as u32).sum()\n}}\n```\n\n"
            );
        }
        if section % 4 == 1 {
            md.push_str("| name | what | when |\n|---|---|---|\n");
            for _ in 0..2 {
                let _ = writeln!(md, "| `{}` | {} | {} |", title(rng), title(rng), title(rng));
            }
            md.push('\n');
        }
    }
    md
}

/// A book of `n_chapters` chapters in parts of 100.
pub fn write_large_book(root: &Path, n_chapters: usize) {
    let src = root.join("src");
    std::fs::create_dir_all(&src).expect("src");
    let mut rng = StdRng::seed_from_u64(2024);
    let mut summary = String::from("# Summary\n\n");
    for index in 0..n_chapters {
        if index % 100 == 0 {
            let _ = write!(summary, "\n# Part {}: {}\n\n", index / 100 + 1, title(&mut rng));
        }
        let name = format!("{} {index}", title(&mut rng));
        let file = format!("c{index:05}.md");
        std::fs::write(src.join(&file), chapter(&mut rng, &name)).expect("write a chapter");
        let _ = writeln!(summary, "- [{name}]({file})");
    }
    std::fs::write(src.join("SUMMARY.md"), summary).expect("SUMMARY.md");
    std::fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Generated\"\nlanguage = \"en\"\n",
    )
    .expect("book.toml");
}

/// `n_units` short sentence units, two a paragraph, 50 paragraphs a chapter:
/// every tenth paragraph with emphasis, every second sentence a code span.
pub fn write_sentences_book(root: &Path, n_units: usize) {
    let src = root.join("src");
    std::fs::create_dir_all(&src).expect("src");
    let n_paragraphs = n_units / 2;
    let mut summary = String::from("# Summary\n\n");
    for chapter in 0..n_paragraphs.div_ceil(50) {
        let mut markdown = format!("# Chapter {chapter}\n\n");
        for paragraph in (chapter * 50..(chapter + 1) * 50).take_while(|p| *p < n_paragraphs) {
            let marked = if paragraph % 10 == 0 { "*carefully* " } else { "" };
            let _ = write!(
                markdown,
                "Sentence {paragraph} checks {marked}the sum of every block before it is written to disk. \
                 The writer {paragraph} then waits for `fsync` to return and records the offset.\n\n"
            );
        }
        std::fs::write(src.join(format!("c{chapter}.md")), markdown).expect("chapter");
        let _ = writeln!(summary, "- [Chapter {chapter}](c{chapter}.md)");
    }
    std::fs::write(src.join("SUMMARY.md"), summary).expect("summary");
    std::fs::write(root.join("book.toml"), "[book]\ntitle = \"Bench\"\nlanguage = \"en\"\n").expect("book.toml");
}
