//! Benchmark 4: incremental cost: characters sent to the emulator by `warm
//! --realtime` after a one-sentence edit (against that sentence's
//! characters), after re-wrapping a whole chapter and after swapping two
//! paragraphs (both should send nothing).

use crate::books::{BookFacts, PlainBook, group};
use crate::cold::{run_against, start_emulator};
use mdbook_driver::MDBook;
use mdbook_translate::config::Config;
use mdbook_translate::emulator::Emulator;
use mdbook_translate::segment::tagged::plain_text;
use mdbook_translate::segment::{BlockKind, ChapterSegments, SegmentOptions, extract_segments};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The book's chapter files under `src/`, sorted.
fn chapter_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("src"))
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("SUMMARY.md"))
        .collect();
    files.sort();
    files
}

/// Ranges of the paragraphs outside lists, quotes and other containers, with
/// no hard break and no directive (whose line breaks matter).
fn top_level_paragraphs(markdown: &str, chapter: &ChapterSegments) -> Vec<Range<usize>> {
    chapter
        .segments
        .iter()
        .filter(|s| s.kind == BlockKind::Paragraph)
        .map(|s| s.range.clone())
        .filter(|r| r.start == 0 || markdown.as_bytes()[r.start - 1] == b'\n')
        .filter(|r| {
            let text = &markdown[r.clone()];
            !text.contains("{{")
                && !text.contains("  \n")
                && !text.contains("\\\n")
                && text.lines().skip(1).all(|line| !line.trim_start().starts_with('>'))
        })
        .collect()
}

/// A paragraph joined into one line and wrapped again at `width` columns,
/// breaking only before a word that starts with a letter and outside code
/// spans, math and HTML tags; nothing but line breaks and spaces changes.
fn rewrap(paragraph: &str, width: usize) -> String {
    let mut joined = String::new();
    for (i, line) in paragraph.lines().enumerate() {
        if i > 0 {
            joined.push(' ');
        }
        joined.push_str(if i > 0 { line.trim_start() } else { line });
    }
    let mut out = String::new();
    let mut line_start = 0;
    let (mut ticks, mut dollars, mut angles) = (0usize, 0usize, 0isize);
    let bytes = joined.as_bytes();
    for (i, c) in joined.char_indices() {
        match c {
            '`' => ticks += 1,
            '$' => dollars += 1,
            '<' => angles += 1,
            '>' => angles -= 1,
            _ => {}
        }
        let outside = ticks % 2 == 0 && dollars % 2 == 0 && angles <= 0;
        let next_is_word = bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if c == ' ' && outside && next_is_word && out.len() - line_start >= width {
            out.push('\n');
            line_start = out.len();
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters billed so far by the emulator.
fn billed(emulator: &Emulator) -> u64 {
    emulator.stats().characters_billed_total
}

/// Runs `warm --realtime`; returns the characters and requests it cost.
fn warm(book: &Path, emulator: &Emulator) -> (u64, u64) {
    let before = (
        billed(emulator),
        emulator.stats().requests.get("TranslateText").copied().unwrap_or(0),
    );
    run_against(book, &emulator.url(), &["warm", "--realtime"]);
    let stats = emulator.stats();
    let requests = stats.requests.get("TranslateText").copied().unwrap_or(0);
    (stats.characters_billed_total - before.0, requests - before.1)
}

/// Edits one sentence (a plain one in a paragraph of several, in the
/// chapter with the most units): " today" before its final full stop.
/// Returns the chapter and the edited sentence's characters of text.
fn edit_one_sentence(root: &Path, options: &SegmentOptions) -> (PathBuf, usize, String) {
    let mut best: Option<(PathBuf, String, ChapterSegments)> = None;
    for file in chapter_files(root) {
        let markdown = std::fs::read_to_string(&file).expect("a chapter");
        let chapter = extract_segments(&markdown, options);
        if best
            .as_ref()
            .is_none_or(|(_, _, b)| b.translatable_units().count() < chapter.translatable_units().count())
        {
            best = Some((file, markdown, chapter));
        }
    }
    let (file, markdown, chapter) = best.expect("a chapter");
    let candidates: Vec<Range<usize>> = chapter
        .segments
        .iter()
        .filter(|s| s.kind == BlockKind::Paragraph && s.units.len() > 1)
        .flat_map(|s| s.units.iter())
        .filter(|u| !u.tagged.contains('<') && !u.tagged.contains('&') && u.tagged.ends_with('.'))
        .map(|u| u.range.clone())
        .collect();
    let range = candidates[candidates.len() / 2].clone();
    let end = range.start + markdown[range.clone()].rfind('.').expect("a full stop");
    let edited = format!("{} today{}", &markdown[..end], &markdown[end..]);
    std::fs::write(&file, &edited).expect("write the chapter");
    let unit = extract_segments(&edited, options)
        .translatable_units()
        .find(|u| u.range.start == range.start)
        .cloned()
        .expect("the edited unit");
    let text = plain_text(&unit.tagged).expect("tagged text");
    (file, text.chars().count(), text)
}

/// Re-wraps every top-level paragraph of the chapter with the most of them;
/// returns the chapter and how many paragraphs changed.
fn rewrap_chapter(root: &Path, options: &SegmentOptions) -> (PathBuf, usize) {
    let (file, markdown, paragraphs) = chapter_with_most_paragraphs(root, options);
    let mut out = String::new();
    let mut last = 0;
    let mut n_changed = 0;
    for range in paragraphs {
        let wrapped = rewrap(&markdown[range.clone()], 50);
        n_changed += usize::from(wrapped != markdown[range.clone()]);
        out.push_str(&markdown[last..range.start]);
        out.push_str(&wrapped);
        last = range.end;
    }
    out.push_str(&markdown[last..]);
    std::fs::write(&file, out).expect("write the chapter");
    (file, n_changed)
}

fn chapter_with_most_paragraphs(root: &Path, options: &SegmentOptions) -> (PathBuf, String, Vec<Range<usize>>) {
    chapter_files(root)
        .into_iter()
        .map(|file| {
            let markdown = std::fs::read_to_string(&file).expect("a chapter");
            let paragraphs = top_level_paragraphs(&markdown, &extract_segments(&markdown, options));
            (file, markdown, paragraphs)
        })
        .max_by_key(|(_, _, paragraphs)| paragraphs.len())
        .expect("a chapter")
}

/// Swaps the first two adjacent top-level paragraphs of the chapter with
/// the most of them.
fn swap_paragraphs(root: &Path, options: &SegmentOptions) -> PathBuf {
    let (file, markdown, paragraphs) = chapter_with_most_paragraphs(root, options);
    let (a, b) = paragraphs
        .windows(2)
        .map(|w| (w[0].clone(), w[1].clone()))
        .find(|(a, b)| markdown[a.end..b.start].trim().is_empty())
        .expect("two adjacent paragraphs");
    let swapped = format!(
        "{}{}{}{}{}",
        &markdown[..a.start],
        &markdown[b.clone()],
        &markdown[a.end..b.start],
        &markdown[a.clone()],
        &markdown[b.end..]
    );
    std::fs::write(&file, swapped).expect("write the chapter");
    file
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root).unwrap_or(file).display().to_string()
}

pub fn run(plain: &PlainBook) {
    let book = plain.variant(&plain.translate_table(&["zh"], "aws", "max-concurrency = 8\n"));
    let root = book.path();
    let facts = BookFacts::of(root);
    println!("book: {} — {facts}", plain.spec);
    let options = Config::from_book(root, &MDBook::load(root).expect("load").config)
        .expect("config")
        .segment_options();
    let emulator = start_emulator(None, Duration::ZERO);
    let (cold, requests) = warm(root, &emulator);
    println!("  cold: {} characters in {requests} requests", group(cold));
    let (file, sentence_chars, sentence) = edit_one_sentence(root, &options);
    let (sent, requests) = warm(root, &emulator);
    println!(
        "  one sentence edited ({}: \"{sentence}\", {sentence_chars} characters): {sent} characters sent in {requests} \
         requests = {:.2}× the sentence (goal 1.0)",
        relative(root, &file),
        sent as f64 / sentence_chars as f64
    );
    let (file, n_changed) = rewrap_chapter(root, &options);
    let (sent, requests) = warm(root, &emulator);
    println!(
        "  a whole chapter re-wrapped ({}: {n_changed} paragraphs at 50 columns): {sent} characters sent in {requests} \
         requests (goal 0)",
        relative(root, &file)
    );
    let file = swap_paragraphs(root, &options);
    let (sent, requests) = warm(root, &emulator);
    println!(
        "  two paragraphs swapped ({}): {sent} characters sent in {requests} requests (goal 0)",
        relative(root, &file)
    );
}
