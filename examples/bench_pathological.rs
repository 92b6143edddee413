//! Build time on pathological input, against plain mdBook: one generated
//! paragraph of 1, 2, 4 and 8 MB, and emphasis nested 5,000 to 40,000
//! levels deep. Each book is built in-process three ways: plain mdBook
//! (source language), translated with the pseudo backend into an empty
//! store (cold), and again from the filled store (warm); `mdbook-translate
//! check` (the release binary beside this example) is timed on it too.
//! Time must grow linearly with the input: the ratios must not grow with
//! the size.
//!
//! `cargo build --release && cargo run --release --example bench_pathological [MAX_MB] [MAX_LEVELS]`
//! (default: 8 MB, 40,000 levels).

use mdbook_driver::MDBook;
use mdbook_translate::preprocessor::TranslatePreprocessor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One paragraph of about `bytes` bytes: sentences with emphasis, code, a
/// link, a URL and math, on lines of one sentence each.
fn long_paragraph(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 200);
    let mut n = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "Sentence {n} has *emphasis*, `code {n}`, a [link](https://example.com/{n}) and \\\\( x_{n} \\\\) in it.\n"
        ));
        n += 1;
    }
    text
}

/// Emphasis nested `levels` deep, alternating `*` and `_`.
fn nested_emphasis(levels: usize) -> String {
    let marks = ["*", "_"];
    let mut text = String::new();
    for level in 0..levels {
        text.push_str(marks[level % 2]);
        text.push_str("word ");
    }
    text.push_str("core");
    for level in (0..levels).rev() {
        text.push_str(" end");
        text.push_str(marks[level % 2]);
    }
    text.push('\n');
    text
}

/// Writes a one-chapter book holding `content` under `root`.
fn write_book(root: &Path, content: &str, translate: bool) {
    std::fs::create_dir_all(root.join("src")).expect("create src");
    let table = if translate {
        "[preprocessor.translate]\nlanguages = [\"zh\"]\nbackend = \"pseudo\"\n"
    } else {
        ""
    };
    std::fs::write(
        root.join("book.toml"),
        format!("[book]\ntitle = \"Bench\"\nlanguage = \"en\"\n[output.html]\nsearch.enable = false\n{table}"),
    )
    .expect("write book.toml");
    std::fs::write(root.join("src/SUMMARY.md"), "# Summary\n\n- [Chapter](chapter.md)\n").expect("write SUMMARY.md");
    std::fs::write(root.join("src/chapter.md"), content).expect("write chapter");
}

/// Builds the book at `root` in-process, in `language`; the elapsed time.
fn build(root: &Path, language: &str, translate: bool) -> Duration {
    let mut book = MDBook::load(root).expect("load");
    book.config.set("book.language", language).expect("set language");
    book.config.build.build_dir = PathBuf::from(format!("book-{language}"));
    let mut book = MDBook::load_with_config(root, book.config).expect("reload");
    if translate {
        book.with_preprocessor(TranslatePreprocessor::new());
    }
    let started = Instant::now();
    book.build().expect("build");
    started.elapsed()
}

/// Runs `mdbook-translate check` on the book at `root`; the elapsed time.
fn check(root: &Path) -> Duration {
    let examples = std::env::current_exe().expect("this program's path");
    let binary = examples
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/examples")
        .join("mdbook-translate");
    let started = Instant::now();
    let status = std::process::Command::new(&binary)
        .arg("check")
        .arg(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|error| panic!("{}: {error}; run `cargo build --release` first", binary.display()));
    assert!(status.success(), "check failed on {}", root.display());
    started.elapsed()
}

/// Prints one row: plain, cold and warm build times, check, and the ratios.
fn measure(label: &str, content: &str) {
    let plain_dir = tempfile::tempdir().expect("temp dir");
    write_book(plain_dir.path(), content, false);
    let dir = tempfile::tempdir().expect("temp dir");
    write_book(dir.path(), content, true);
    let plain = build(plain_dir.path(), "en", false);
    let cold = build(dir.path(), "zh", true);
    let warm = build(dir.path(), "zh", true);
    let check = check(dir.path());
    let seconds = |d: Duration| d.as_secs_f64();
    println!(
        "{label:<22} {:>8.2} s {:>8.2} s {:>8.2} s {:>8.2} s {:>9.2}× {:>9.2}×",
        seconds(plain),
        seconds(cold),
        seconds(warm),
        seconds(check),
        seconds(cold) / seconds(plain),
        seconds(warm) / seconds(plain),
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let max_mb: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);
    let max_levels: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(40_000);
    println!(
        "{:<22} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "input", "plain", "cold", "warm", "check", "cold÷plain", "warm÷plain"
    );
    let mut mb = 1;
    while mb <= max_mb {
        measure(&format!("paragraph {mb} MB"), &long_paragraph(mb << 20));
        mb *= 2;
    }
    let mut levels = 5_000;
    while levels <= max_levels {
        measure(&format!("emphasis {levels} levels"), &nested_emphasis(levels));
        levels *= 2;
    }
}
