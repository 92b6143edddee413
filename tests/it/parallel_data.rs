//! `parallel-data build`: the binary on small books, a PO file and the
//! store, and on the D2L chapters of `../shared/corpora/` when present.

use crate::support::project_dir;
use std::path::Path;
use std::process::Command;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
}

/// Runs `parallel-data build` with `args`; returns the pairs file and the
/// JSON report.
#[track_caller]
fn build(args: &[&str], out: &Path) -> (String, serde_json::Value) {
    let (pairs, report) = (out.join("pairs"), out.join("report.json"));
    let output = binary()
        .args(["parallel-data", "build"])
        .args(args)
        .arg("-o")
        .arg(&pairs)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "parallel-data build failed: {stderr}");
    assert!(stderr.contains("pairs from"), "a summary on stderr: {stderr}");
    let report = std::fs::read_to_string(&report).expect("the report");
    (
        std::fs::read_to_string(&pairs).expect("the pairs"),
        serde_json::from_str(&report).expect("JSON"),
    )
}

/// A one-chapter mdBook in `dir`.
fn write_book(dir: &Path, chapter: &str) {
    std::fs::create_dir_all(dir.join("src")).expect("src");
    let toml = "[book]\ntitle = \"T\"\nlanguage = \"en\"\n\n[preprocessor.translate]\nlanguages = [\"zh\"]\nbackend = \"cache\"\n";
    std::fs::write(dir.join("book.toml"), toml).expect("book.toml");
    std::fs::write(dir.join("src/SUMMARY.md"), "# Summary\n\n- [Intro](intro.md)\n").expect("SUMMARY.md");
    std::fs::write(dir.join("src/intro.md"), chapter).expect("chapter");
}

#[test]
fn a_po_file_of_blocks_becomes_tsv_pairs() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_book(&dir.path().join("book"), "# Intro\n\nRun `cargo`. It builds.\n");
    let po = "msgid \"\"\nmsgstr \"Language: zh\\n\"\n\n\
              #: src/intro.md:1\nmsgid \"Intro\"\nmsgstr \"简介\"\n\n\
              #: src/intro.md:3\nmsgid \"Run `cargo`. It builds.\"\nmsgstr \"运行`cargo`。它会构建。\"\n\n\
              #, fuzzy\n#: src/intro.md:5\nmsgid \"Draft.\"\nmsgstr \"草稿。\"\n";
    std::fs::write(dir.path().join("zh.po"), po).expect("PO file");
    let book = dir.path().join("book");
    let po = dir.path().join("zh.po");
    let args = [
        "--source",
        path(&book),
        "--translation",
        path(&po),
        "--lang",
        "zh",
        "--format",
        "tsv",
    ];
    let (pairs, report) = build(&args, dir.path());
    assert_eq!(
        pairs,
        "en\tzh\r\nIntro\t简介\r\nRun cargo.\t运行cargo。\r\nIt builds.\t它会构建。\r\n"
    );
    assert_eq!(report["n_po_entries_skipped"], 1);
    assert_eq!(report["chapters"][0]["matched_by"], "po-file");
}

#[test]
fn the_stores_human_records_become_pairs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let book = dir.path().join("book");
    write_book(&book, "Run `cargo` now. Nobody translated this.\n");
    let po = "msgid \"\"\nmsgstr \"\"\n\nmsgid \"Run `cargo` now.\"\nmsgstr \"现在运行`cargo`。\"\n";
    std::fs::write(dir.path().join("zh.po"), po).expect("PO file");
    let imported = binary()
        .args([
            "po",
            "import",
            path(&book),
            "--lang",
            "zh",
            "--file",
            path(&dir.path().join("zh.po")),
        ])
        .output()
        .expect("run po import");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let (pairs, report) = build(&["--source", path(&book), "--from-store", "--lang", "zh"], dir.path());
    assert_eq!(pairs, "en,zh\r\nRun cargo now.,现在运行cargo。\r\n");
    assert_eq!(report["chapters"][0]["matched_by"], "store");
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temp path")
}

/// The D2L chapters in English and in their human Chinese translation
/// (d2lbook markdown; the Chinese has extra `paddle` code cells).
#[test]
fn d2l_chapters_align_most_english_sentences() {
    let corpus = project_dir().join("../shared/corpora/d2l");
    if !corpus.join("en").is_dir() || !corpus.join("zh").is_dir() {
        eprintln!("note: {} is absent; the D2L alignment is not tested", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (en, zh) = (corpus.join("en"), corpus.join("zh"));
    let (pairs, report) = build(
        &["--source", path(&en), "--translation", path(&zh), "--lang", "zh"],
        dir.path(),
    );
    assert!(pairs.starts_with("en,zh\r\n"), "{pairs}");
    let chapters = report["chapters"].as_array().expect("chapters");
    assert_eq!(chapters.len(), 5, "every chapter matched: {report}");
    assert!(chapters.iter().all(|chapter| chapter["matched_by"] == "path"));
    let sum = |key: &str| chapters.iter().map(|c| c[key].as_u64().expect("a count")).sum::<u64>() as f64;
    let fraction = sum("n_source_sentences_aligned") / sum("n_source_sentences");
    // Measured 0.915 (312 of 341 sentences, 289 pairs) when this was
    // written; the floor catches a broken reader or aligner, not a tweak.
    assert!(
        fraction > 0.75,
        "{fraction:.3} of the English sentences aligned: {report}"
    );
    assert!(report["n_pairs"].as_u64().expect("a count") > 200, "{report}");
    let ratio = report["sentence_model"]["ratio"].as_f64().expect("a ratio");
    assert!(
        (0.25..0.55).contains(&ratio),
        "Chinese has fewer characters than English: {ratio}"
    );
}
