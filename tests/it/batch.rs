//! `warm` through batch jobs (Active Custom Translation) against the
//! emulator: parallel data and a glossary pushed by the commands, one job
//! for the book, outputs read back from S3, resumable after a kill.

use crate::support::aws_binary;
use mdbook_translate::emulator::{Emulator, EmulatorConfig};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The sentence the parallel data pairs, and its human translation.
const PAIRED: (&str, &str) = ("The checksum is stored next to the block.", "校验和存放在数据块旁边。");

fn binary(endpoint: &str, home: &Path) -> Command {
    aws_binary(endpoint, home, "secret")
}

/// An emulator with a bucket `books`, and a book that uses it.
struct Setup {
    _data: tempfile::TempDir,
    book: tempfile::TempDir,
    emulator: Emulator,
}

impl Setup {
    fn new(n_paragraphs: usize) -> Setup {
        let data = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(data.path().join("s3/books")).expect("the bucket");
        let emulator = Emulator::start(
            "127.0.0.1:0".parse().expect("an address"),
            EmulatorConfig {
                data_dir: Some(data.path().to_path_buf()),
                ..EmulatorConfig::default()
            },
        )
        .expect("emulator");
        let book = tempfile::tempdir().expect("temp dir");
        let src = book.path().join("src");
        std::fs::create_dir_all(&src).expect("src");
        std::fs::write(
            src.join("SUMMARY.md"),
            "# Summary\n\n- [Sums](sums.md)\n- [More](more.md)\n",
        )
        .expect("summary");
        std::fs::write(
            src.join("sums.md"),
            format!("# Sums\n\n{} Compute the checksum first, with *care*.\n", PAIRED.0),
        )
        .expect("chapter");
        let more: String = (0..n_paragraphs)
            .map(|n| format!("Paragraph {n} has `code` and a [link](https://example.com/{n}).\n\n"))
            .collect();
        std::fs::write(src.join("more.md"), format!("# More\n\n{more}")).expect("chapter");
        std::fs::write(
            book.path().join("book.toml"),
            "[book]\ntitle = \"Sums\"\nlanguage = \"en\"\n\n[preprocessor.translate]\nlanguages = [\"zh\"]\n\
             backend = \"aws\"\nbatch-s3 = \"s3://books/sums\"\n\
             data-access-role-arn = \"arn:aws:iam::123456789012:role/TranslateBatch\"\n\
             parallel-data = [\"sums-en-zh\"]\nterminology = [\"sums-glossary\"]\n\n[output.html]\n\n[output.translate]\n",
        )
        .expect("book.toml");
        // The human translation the parallel data is built from: a folder of markdown.
        let human = book.path().join("zh-human");
        std::fs::create_dir_all(&human).expect("zh-human");
        std::fs::write(
            human.join("sums.md"),
            format!("# 求和\n\n{} 先计算校验和，要*小心*。\n", PAIRED.1),
        )
        .expect("human chapter");
        std::fs::write(book.path().join("glossary.csv"), "en,zh\nchecksum,校验和\n").expect("glossary");
        Setup {
            _data: data,
            book,
            emulator,
        }
    }

    fn path(&self) -> &Path {
        self.book.path()
    }

    /// Runs the binary in the book's folder.
    fn run(&self, args: &[&str]) -> Output {
        binary(&self.emulator.url(), self.path())
            .current_dir(self.path())
            .args(args)
            .output()
            .expect("run mdbook-translate")
    }

    /// Builds the parallel data from the book and its human translation,
    /// then pushes it and the glossary.
    fn push_resources(&self) {
        let book = self.path().to_string_lossy().to_string();
        for args in [
            vec![
                "parallel-data",
                "build",
                "--source",
                &book,
                "--translation",
                "zh-human",
                "--lang",
                "zh",
                "-o",
                "pairs.csv",
            ],
            vec!["parallel-data", "push", "pairs.csv", "--book", &book],
            vec!["terminology", "push", "glossary.csv", "--book", &book],
        ] {
            let output = binary(&self.emulator.url(), self.path())
                .current_dir(self.path())
                .args(&args)
                .output()
                .expect("push");
            assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
        }
    }

    fn requests(&self, operation: &str) -> u64 {
        self.emulator.stats().requests.get(operation).copied().unwrap_or(0)
    }
}

/// The `all` line of `status` for one language.
struct StatusCounts {
    act: usize,
    stale: usize,
    missing: usize,
}

fn status_counts(stdout: &str) -> StatusCounts {
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("all "))
        .expect("an `all` line");
    let n: Vec<usize> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().expect("a number"))
        .collect();
    // units, human, ACT, stale, realtime, other, edited, missing
    StatusCounts {
        act: n[2],
        stale: n[3],
        missing: n[7],
    }
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn warm_sends_one_batch_job_with_parallel_data_and_a_cache_build_needs_no_network() {
    let setup = Setup::new(5);
    setup.push_resources();
    let book = setup.path().to_string_lossy().to_string();
    let output = setup.run(&["warm", &book]);
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(setup.requests("StartTextTranslationJob"), 1, "{stderr}");
    assert_eq!(setup.requests("TranslateText"), 0, "batch only");

    // Every unit has a current ACT (or human) translation, and the glossary is followed.
    let output = setup.run(&["status", &book, "--terminology", "glossary.csv"]);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let all = status_counts(&stdout);
    assert!(all.act > 0 && all.stale == 0 && all.missing == 0, "{stdout}");
    let term = stdout
        .lines()
        .find(|l| l.contains("checksum → 校验和"))
        .expect("the term's line");
    let numbers: Vec<&str> = term.split_whitespace().rev().take(3).collect();
    assert_eq!(
        numbers,
        ["2", "2", "2"],
        "two units hold the term; both translations use it: {stdout}"
    );
    // A new version of the parallel data makes those ACT translations stale, not gone.
    std::thread::sleep(Duration::from_millis(1100));
    let output = setup.run(&["parallel-data", "push", "pairs.csv", "--book", &book]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = setup.run(&["status", &book]);
    let stale = status_counts(&String::from_utf8_lossy(&output.stdout));
    assert_eq!((stale.act, stale.stale, stale.missing), (0, all.act, 0));
    // The next warm translates them again with the new version, and that one is served.
    let output = setup.run(&["warm", &book]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(setup.requests("StartTextTranslationJob"), 2);
    let output = setup.run(&["status", &book]);
    let current = status_counts(&String::from_utf8_lossy(&output.stdout));
    assert_eq!((current.act, current.stale, current.missing), (all.act, 0, 0));

    // The translations go to git as PO entries; a fresh clone has no store.
    let output = setup.run(&["po", "export", &book, "--lang", "zh"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let po = std::fs::read_to_string(setup.path().join("po/zh.po")).expect("po/zh.po");
    assert!(
        po.contains("#, fuzzy") && po.contains("act/sums-en-zh@"),
        "machine entries with their origin: {po}"
    );
    std::fs::remove_dir_all(setup.path().join(".translate-cache")).expect("remove the store");

    // A build from the PO file alone, pointed nowhere, with every unit required.
    let requests_before = setup.emulator.stats().requests_total;
    let output = binary("http://127.0.0.1:9", setup.path())
        .env("MDBOOK_TRANSLATE_BACKEND", "cache")
        .env("MDBOOK_PREPROCESSOR__TRANSLATE__FAIL_ON_MISSING", "true")
        .args(["build", &book])
        .output()
        .expect("build");
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    let page = std::fs::read_to_string(setup.path().join("book/html/zh/sums.html")).expect("zh page");
    assert!(
        page.contains(PAIRED.1),
        "the parallel data's translation, so ACT was used: {page}"
    );
    assert!(page.contains("校验和"), "the glossary's term");
    assert!(!page.contains("Compute the checksum"), "the rest is translated too");
    assert_eq!(
        setup.emulator.stats().requests_total,
        requests_before,
        "the build sent nothing"
    );
}

#[test]
fn a_warm_killed_after_the_job_started_finishes_that_job_on_the_next_run() {
    let setup = Setup::new(40);
    setup.push_resources();
    let book = setup.path().to_string_lossy().to_string();
    let mut child = binary(&setup.emulator.url(), setup.path())
        .args(["warm", &book])
        .stderr(Stdio::null())
        .spawn()
        .expect("warm");
    while setup.requests("StartTextTranslationJob") == 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Let the job id reach the store, then kill without warning.
    std::thread::sleep(Duration::from_millis(300));
    child.kill().expect("kill");
    child.wait().expect("killed");

    let output = setup.run(&["warm", &book]);
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("finished the batch job an earlier `warm` had started"),
        "{stderr}"
    );
    assert_eq!(setup.requests("StartTextTranslationJob"), 1, "no second job: {stderr}");
    // Everything is stored: a third warm sends nothing.
    let output = setup.run(&["warm", &book]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(setup.requests("StartTextTranslationJob"), 1);
    let output = setup.run(&["warm", "--dry-run", &book]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("zh ") && l.split_whitespace().nth(1) == Some("0")),
        "{stdout}"
    );
}

#[test]
fn a_failed_job_reports_the_service_and_a_partial_one_stores_what_succeeded() {
    let (mut saw_failed, mut saw_partial) = (false, false);
    for seed in 0..8 {
        let setup = Setup::new(5);
        setup.push_resources();
        setup.emulator.set_config(EmulatorConfig {
            job_failure_rate: 1.0,
            seed,
            ..EmulatorConfig::default()
        });
        let book = setup.path().to_string_lossy().to_string();
        let output = setup.run(&["warm", &book]);
        let stderr = stderr_of(&output);
        assert!(!output.status.success(), "{stderr}");
        if stderr.contains("ended FAILED: The job failed (injected)") {
            saw_failed = true;
        } else {
            assert!(stderr.contains("the job could not translate"), "{stderr}");
            saw_partial = true;
            let output = setup.run(&["status", &book]);
            let counts = status_counts(&String::from_utf8_lossy(&output.stdout));
            assert!(
                counts.act > 0 && counts.missing > 0,
                "what succeeded is stored, the rest is missing"
            );
        }
        // Either way the run is over: the next warm starts a new job and completes.
        setup.emulator.set_config(EmulatorConfig::default());
        let output = setup.run(&["warm", &book]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert_eq!(setup.requests("StartTextTranslationJob"), 2);
        let output = setup.run(&["status", &book]);
        assert_eq!(status_counts(&String::from_utf8_lossy(&output.stdout)).missing, 0);
        if saw_failed && saw_partial {
            return;
        }
    }
    panic!("eight seeds gave failed {saw_failed}, partial {saw_partial}");
}

#[test]
fn a_language_the_parallel_data_lacks_is_refused_before_anything_is_uploaded() {
    let setup = Setup::new(2);
    setup.push_resources();
    let toml = std::fs::read_to_string(setup.path().join("book.toml")).expect("book.toml");
    std::fs::write(
        setup.path().join("book.toml"),
        toml.replace("languages = [\"zh\"]", "languages = [\"zh\", \"es\"]"),
    )
    .expect("book.toml");
    let book = setup.path().to_string_lossy().to_string();
    let output = setup.run(&["warm", &book]);
    let stderr = stderr_of(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("`sums-en-zh` has no es translation"), "{stderr}");
    assert_eq!(setup.requests("StartTextTranslationJob"), 0);
    assert_eq!(
        setup.requests("s3:PutObject"),
        1,
        "only the parallel data file: {stderr}"
    );
}
