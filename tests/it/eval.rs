//! `mdbook-translate eval`: agreement with sacreBLEU, books, edge cases.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TOKENIZERS: [&str; 4] = ["13a", "zh", "intl", "char"];

/// How far a score may be from sacreBLEU's, on its 0–100 scale.
const TOLERANCE: f64 = 0.01;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval")
}

/// sacreBLEU's scores, written by `scripts/eval-fixtures.py`.
fn expected_scores() -> Value {
    let path = fixture_dir().join("expected.json");
    let text = fs::read_to_string(&path).expect("tests/fixtures/eval/expected.json is readable");
    serde_json::from_str(&text).expect("expected.json is valid JSON")
}

fn run_eval(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
        .arg("eval")
        .args(args)
        .output()
        .expect("mdbook-translate runs")
}

/// Runs `eval … --format json`, which must succeed, and parses its output.
#[track_caller]
fn eval_json(args: &[&str]) -> (Value, String) {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let output = run_eval(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "eval {args:?} failed: {stderr}");
    let json = serde_json::from_slice(&output.stdout).expect("eval prints one JSON object");
    (json, stderr)
}

fn number(json: &Value, key: &str) -> f64 {
    json[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number in {json}"))
}

fn lines_args(set: &str) -> [String; 3] {
    let dir = fixture_dir().join(set);
    [
        "--lines".to_owned(),
        dir.join("hyp.txt").display().to_string(),
        dir.join("ref.txt").display().to_string(),
    ]
}

#[test]
fn lines_agree_with_sacrebleu_for_every_set_and_tokenizer() {
    let expected = expected_scores();
    let sets = expected["sets"].as_object().expect("sets");
    let mut failures = Vec::new();
    let mut max_difference = std::collections::BTreeMap::<String, f64>::new();
    for (set, entry) in sets {
        for tokenizer in TOKENIZERS {
            let [flag, hyp, reference] = lines_args(set);
            let (json, _) = eval_json(&[
                &flag,
                &hyp,
                &reference,
                "--tokenize",
                tokenizer,
                "--metric",
                "bleu,chrf,chrf++",
            ]);
            let checks = [
                (format!("bleu/{tokenizer}"), "bleu", &entry["bleu"][tokenizer]),
                ("chrf".to_owned(), "chrf", &entry["chrf"]),
                ("chrf++".to_owned(), "chrf++", &entry["chrf++"]),
            ];
            for (name, key, sacrebleu) in checks {
                let difference = (number(&json, key) - number(sacrebleu, "score")).abs();
                let max = max_difference.entry(name.clone()).or_default();
                *max = max.max(difference);
                if difference > TOLERANCE {
                    failures.push(format!(
                        "{set} {name}: {} vs sacreBLEU {}",
                        json[key], sacrebleu["score"]
                    ));
                }
                if json["signatures"][key] != sacrebleu["signature"] {
                    failures.push(format!(
                        "{set} {name}: signature {} vs sacreBLEU {}",
                        json["signatures"][key], sacrebleu["signature"]
                    ));
                }
            }
        }
    }
    eprintln!("largest difference from sacreBLEU per metric: {max_difference:?}");
    assert!(
        failures.is_empty(),
        "disagreements with sacreBLEU:\n{}",
        failures.join("\n")
    );
}

#[test]
fn fixture_has_three_languages_of_at_least_200_segments() {
    let expected = expected_scores();
    assert_eq!(
        expected["sacrebleu_version"],
        mdbook_translate::eval::SACREBLEU_VERSION,
        "the fixture was made with another sacreBLEU: update SACREBLEU_VERSION or re-run the script"
    );
    for set in ["en", "zh", "es"] {
        let n_segments = expected["sets"][set]["n_segments"].as_u64().unwrap_or_default();
        assert!(n_segments >= 200, "{set} has {n_segments} segments");
        let hyp = fs::read_to_string(fixture_dir().join(set).join("hyp.txt")).expect("hyp.txt");
        assert_eq!(hyp.lines().count() as u64, n_segments);
    }
}

#[test]
fn empty_hypothesis_scores_zero() {
    let expected = expected_scores();
    let [flag, hyp, reference] = lines_args("empty-hyp");
    let (json, _) = eval_json(&[&flag, &hyp, &reference]);
    assert_eq!(number(&json, "bleu"), 0.0);
    assert_eq!(number(&json, "chrf"), 0.0);
    assert_eq!(expected["sets"]["empty-hyp"]["bleu"]["13a"]["score"], 0.0);
    assert_eq!(json["bleu_detail"]["hyp_len"], 0);
}

#[test]
fn longer_hypothesis_has_no_brevity_penalty() {
    let [flag, hyp, reference] = lines_args("longer-hyp");
    let (json, _) = eval_json(&[&flag, &hyp, &reference]);
    assert_eq!(json["bleu_detail"]["brevity_penalty"], 1.0);
    assert!(number(&json["bleu_detail"], "ratio") > 1.0);
}

#[test]
fn lang_zh_picks_the_zh_tokenizer_for_text_without_spaces() {
    let expected = expected_scores();
    let [flag, hyp, reference] = lines_args("zh");
    let (json, _) = eval_json(&[&flag, &hyp, &reference, "--lang", "zh"]);
    assert!(
        json["signatures"]["bleu"]
            .as_str()
            .is_some_and(|signature| signature.contains("|tok:zh|"))
    );
    let sacrebleu = number(&expected["sets"]["zh"]["bleu"]["zh"], "score");
    assert!((number(&json, "bleu") - sacrebleu).abs() <= TOLERANCE);
    assert!((number(&json, "bleu_fraction") - sacrebleu / 100.0).abs() <= TOLERANCE / 100.0);
}

#[test]
fn lines_with_different_counts_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hyp = write(dir.path(), "hyp.txt", "one\ntwo\n");
    let reference = write(dir.path(), "ref.txt", "one\n");
    let output = run_eval(&["--lines", &hyp, &reference]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has 2 lines but the reference"), "{stderr}");
}

#[test]
fn compare_gives_differences_and_a_paired_bootstrap_test() {
    let dir = fixture_dir().join("en");
    let hyp = dir.join("hyp.txt").display().to_string();
    let reference = dir.join("ref.txt").display().to_string();
    // The reference itself as the second system: clearly better.
    let (json, _) = eval_json(&["--lines", &hyp, &reference, "--compare", &reference]);
    let comparison = &json["comparisons"][0];
    assert_eq!(comparison["samples"], 1000);
    let bleu = &comparison["bleu"];
    let baseline = number(&json, "bleu");
    assert!((number(bleu, "difference") - (number(bleu, "system") - baseline)).abs() < 1e-9);
    assert!(number(bleu, "p_value") < 0.01);
    assert!(number(&comparison["chrf"], "difference") > 0.0);

    // Paths relative to the package root (where cargo runs tests), so that the table is the same everywhere.
    let (hyp, reference) = ("tests/fixtures/eval/en/hyp.txt", "tests/fixtures/eval/en/ref.txt");
    let output = run_eval(&["--lines", hyp, reference, "--compare", reference]);
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folder");
    }
    fs::write(&path, text).expect("write file");
    path.display().to_string()
}

const PROSE: &str = "The preprocessor keeps every code block as it is.\n\n\
    Each chapter is translated once, then remembered.\n";

#[test]
fn code_is_left_out_of_the_score() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = write(
        dir.path(),
        "ref.md",
        &format!("# Build\n\n{PROSE}\n```rust\nfn main() {{ println!(\"hello\"); }}\n```\n"),
    );
    let hyp = write(
        dir.path(),
        "hyp.md",
        &format!("# Build\n\n{PROSE}\n```sh\ncargo run --release -- --verbose\n```\n"),
    );
    let (json, _) = eval_json(&["--hyp", &hyp, "--ref", &reference]);
    assert!((number(&json, "bleu") - 100.0).abs() < 1e-9, "{json}");
    assert!((number(&json, "chrf") - 100.0).abs() < 1e-9, "{json}");
}

#[test]
fn chapters_missing_on_either_side_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("ref");
    let hyp = dir.path().join("hyp");
    write(&reference, "intro.md", PROSE);
    write(&reference, "guide/usage.md", PROSE);
    write(&hyp, "intro.md", PROSE);
    write(&hyp, "extra.md", PROSE);
    let (json, stderr) = eval_json(&[
        "--hyp",
        &hyp.display().to_string(),
        "--ref",
        &reference.display().to_string(),
    ]);
    let chapters = json["chapters"].as_array().expect("chapters");
    let paths: Vec<&str> = chapters.iter().filter_map(|chapter| chapter["path"].as_str()).collect();
    assert_eq!(paths, ["extra.md", "guide/usage.md", "intro.md"]);
    let message = |i: usize| {
        chapters[i]["issues"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(message(0).contains("missing in the reference"), "{json}");
    assert!(message(1).contains("missing in the hypothesis"), "{json}");
    assert!(chapters[2]["issues"].as_array().is_some_and(Vec::is_empty));
    // The missing translation counts as empty: half the corpus is lost.
    assert_eq!(chapters[1]["scores"][0]["bleu"], 0.0);
    assert!(number(&json, "bleu") < 100.0);
    assert_eq!(json["n_segments"], 4);
    assert!(
        stderr.contains("extra.md") && stderr.contains("guide/usage.md"),
        "{stderr}"
    );

    let output = run_eval(&[
        "--hyp",
        &hyp.display().to_string(),
        "--ref",
        &reference.display().to_string(),
    ]);
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn empty_hypothesis_chapter_scores_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = write(dir.path(), "ref.md", PROSE);
    let hyp = write(dir.path(), "hyp.md", "");
    let (json, _) = eval_json(&["--hyp", &hyp, "--ref", &reference]);
    assert_eq!(number(&json, "bleu"), 0.0);
    assert_eq!(number(&json, "chrf"), 0.0);
    assert_eq!(json["chapters"][0]["system_segments"][0], 0);
}

#[test]
fn mdbooks_are_read_from_their_source_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("ref");
    let hyp = dir.path().join("hyp");
    write(
        &reference,
        "book.toml",
        "[book]\ntitle = \"Reference\"\nsrc = \"text\"\n",
    );
    write(&reference, "text/SUMMARY.md", "# Summary\n\n- [Intro](intro.md)\n");
    write(&reference, "text/intro.md", PROSE);
    write(&reference, "README.md", "Not a chapter.\n");
    write(&hyp, "book.toml", "[book]\ntitle = \"Hypothesis\"\n");
    write(&hyp, "src/SUMMARY.md", "# Contents\n\n- [Intro](intro.md)\n");
    write(&hyp, "src/intro.md", PROSE);
    let (json, _) = eval_json(&[
        "--hyp",
        &hyp.display().to_string(),
        "--ref",
        &reference.display().to_string(),
    ]);
    let paths: Vec<&str> = json["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .filter_map(|chapter| chapter["path"].as_str())
        .collect();
    assert_eq!(paths, ["intro.md"]);
    assert!((number(&json, "bleu") - 100.0).abs() < 1e-9, "{json}");
}

#[test]
fn a_file_and_a_folder_are_refused_in_either_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(dir.path(), "one.md", PROSE);
    let folder = dir.path().join("book");
    write(&folder, "intro.md", PROSE);
    let folder = folder.display().to_string();
    for (hyp, hyp_kind, reference, reference_kind) in [
        (&file, "a file", &folder, "a folder"),
        (&folder, "a folder", &file, "a file"),
    ] {
        let output = run_eval(&["--hyp", hyp, "--ref", reference]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "{hyp} is {hyp_kind} but the reference {reference} is {reference_kind}: give two files or two folders"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn folders_without_a_common_chapter_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let reference = dir.path().join("ref");
    let hyp = dir.path().join("hyp");
    write(&reference, "intro.md", PROSE);
    write(&hyp, "other.md", PROSE);
    let (hyp, reference) = (hyp.display().to_string(), reference.display().to_string());
    let output = run_eval(&["--hyp", &hyp, "--ref", &reference]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "no chapter of {hyp} has a counterpart in the reference {reference}"
        )),
        "{stderr}"
    );
}
