//! The `aws` backend through the real SDK client, over HTTP, against the
//! emulator: builds and `warm` run as the binary, with the standard AWS
//! variables pointing at the emulator on loopback.

use crate::support::{aws_binary, parse_summary, without_aws_and_mdbook_variables};
use mdbook_translate::emulator::{Emulator, EmulatorConfig};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SECRET_KEY: &str = "wJalrXUtnFEMI-secret-key-never-logged";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjE-session-token-never-logged";

pub(crate) fn start_emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start("127.0.0.1:0".parse().expect("an address"), config).expect("emulator")
}

/// The binary with AWS credentials, region and endpoint for `endpoint`,
/// and nothing from the user's own AWS set-up.
fn binary(endpoint: &str, home: &Path) -> Command {
    let mut command = aws_binary(endpoint, home, SECRET_KEY);
    command.env("AWS_SESSION_TOKEN", SESSION_TOKEN);
    command
}

/// A generated book with `backend = "aws"`.
pub(crate) struct AwsBook {
    dir: tempfile::TempDir,
}

impl AwsBook {
    /// `chapters`: (file name, markdown), in SUMMARY order.
    pub(crate) fn new(chapters: &[(String, String)], extra_toml: &str) -> AwsBook {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).expect("src");
        let mut summary = String::from("# Summary\n\n");
        for (file, markdown) in chapters {
            let title = markdown.lines().next().unwrap_or("# Chapter").trim_start_matches("# ");
            summary.push_str(&format!("- [{title}]({file})\n"));
            std::fs::write(src.join(file), markdown).expect("chapter");
        }
        std::fs::write(src.join("SUMMARY.md"), summary).expect("summary");
        std::fs::write(
            dir.path().join("book.toml"),
            format!(
                "[book]\ntitle = \"Generated\"\nlanguage = \"en\"\n\n[preprocessor.translate]\nlanguages = [\"zh\"]\n\
                 backend = \"aws\"\n{extra_toml}\n[output.html]\n\n[output.translate]\n"
            ),
        )
        .expect("book.toml");
        AwsBook { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn run(&self, endpoint: &str, args: &[&str]) -> Output {
        binary(endpoint, self.path())
            .args(args)
            .arg(self.path())
            .output()
            .expect("run mdbook-translate")
    }

    pub(crate) fn build(&self, endpoint: &str) -> Output {
        self.run(endpoint, &["build"])
    }

    pub(crate) fn zh_page(&self, file: &str) -> String {
        std::fs::read_to_string(self.path().join("book/html/zh").join(file)).expect("a zh page")
    }

    /// (units, characters) that `warm --dry-run` says are still to send.
    pub(crate) fn remaining(&self) -> (u64, u64) {
        let output = self.run("http://127.0.0.1:9", &["warm", "--dry-run"]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = stdout.lines().find(|l| l.starts_with("zh ")).expect("a zh line");
        let fields: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .take(2)
            .map(|f| f.parse().expect("a number"))
            .collect();
        (fields[0], fields[1])
    }
}

/// Chapters of `n_paragraphs` paragraphs of two sentences, some with
/// markup, spread over five chapters.
fn generated_chapters(n_paragraphs: usize) -> Vec<(String, String)> {
    (0..5)
        .map(|chapter| {
            let mut markdown = format!("# Chapter {chapter}\n\n");
            for paragraph in (0..n_paragraphs).filter(|p| p % 5 == chapter) {
                markdown.push_str(&format!(
                    "Paragraph {paragraph} starts with *emphasis* and `code`. It ends with a [link](https://example.com/{paragraph}).\n\n"
                ));
            }
            (format!("chapter-{chapter}.md"), markdown)
        })
        .collect()
}

pub(crate) fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_book_is_translated_once_and_a_rebuild_makes_no_request() {
    let emulator = start_emulator(EmulatorConfig::default());
    let book = AwsBook::new(&generated_chapters(220), "");
    let output = book.build(&emulator.url());
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(parse_summary(&stderr, "zh").n_missing, 0, "{stderr}");
    let first = emulator.stats();
    assert!(
        first.requests.get("TranslateText").copied().unwrap_or(0) > 0,
        "{first:?}"
    );
    // Every unit went out once: what the service billed is what a dry run
    // of a fresh store prices.
    let page = book.zh_page("chapter-3.html");
    assert!(!page.contains("Paragraph 3 starts"), "the chapter is translated");
    assert!(
        page.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "in CJK characters: {page}"
    );
    assert!(
        page.contains("<code>code</code>") && page.contains("https://example.com/3"),
        "{page}"
    );

    emulator.reset_stats();
    let output = book.build(&emulator.url());
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(emulator.stats().requests_total, 0, "a warm rebuild sends nothing");
    assert_eq!(book.remaining(), (0, 0));
}

#[test]
fn a_one_sentence_edit_bills_that_sentence_only() {
    let emulator = start_emulator(EmulatorConfig::default());
    let chapters = generated_chapters(20);
    let book = AwsBook::new(&chapters, "");
    assert!(book.build(&emulator.url()).status.success());
    let chapter = book.path().join("src/chapter-2.md");
    let markdown = std::fs::read_to_string(&chapter).expect("chapter");
    let edited = markdown.replace("Paragraph 7 starts", "Paragraph 7 now begins");
    assert_ne!(edited, markdown);
    std::fs::write(&chapter, edited).expect("edit");
    assert_eq!(book.remaining().0, 1, "one unit changed");

    emulator.reset_stats();
    let output = book.build(&emulator.url());
    assert!(output.status.success(), "{}", stderr_of(&output));
    let sentence = "Paragraph 7 now begins with emphasis and .";
    assert_eq!(
        emulator.stats().characters_billed_total,
        sentence.chars().count() as u64
    );
}

#[test]
fn a_paragraph_in_two_chapters_is_billed_once() {
    let paragraph = "The same paragraph, word for word, in two chapters.";
    let one = AwsBook::new(&[("a.md".to_string(), format!("# One\n\n{paragraph}\n"))], "");
    let two = AwsBook::new(
        &[
            ("a.md".to_string(), format!("# One\n\n{paragraph}\n")),
            ("b.md".to_string(), format!("# Two\n\n{paragraph}\n")),
        ],
        "",
    );
    let emulator = start_emulator(EmulatorConfig::default());
    assert!(one.build(&emulator.url()).status.success());
    let billed_one = emulator.stats().characters_billed_total;
    emulator.reset_stats();
    assert!(two.build(&emulator.url()).status.success());
    let billed_two = emulator.stats().characters_billed_total;
    assert_eq!(
        billed_two,
        billed_one + "Two".len() as u64,
        "only the new heading is new"
    );
}

#[test]
fn throttling_errors_and_latency_lose_nothing() {
    let emulator = start_emulator(EmulatorConfig {
        latency: Duration::from_millis(100),
        throttle_rate: 0.2,
        error_rate: 0.05,
        seed: 7,
        ..EmulatorConfig::default()
    });
    let book = AwsBook::new(&generated_chapters(200), "max-concurrency = 4\n");
    let output = book.build(&emulator.url());
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(parse_summary(&stderr, "zh").n_missing, 0, "{stderr}");
    let stats = emulator.stats();
    assert!(stats.throttled_total + stats.errors_injected_total > 0, "{stats:?}");
    assert!(stats.peak_in_flight <= 4, "{stats:?}");
    assert_eq!(book.remaining(), (0, 0));
}

#[test]
fn a_service_that_is_down_fails_the_build_fast_and_keeps_what_was_answered() {
    // Several requests of up to 10,000 bytes, one at a time.
    let book = AwsBook::new(&generated_chapters(400), "max-concurrency = 1\n");
    let (total_units, _) = book.remaining();
    let emulator = start_emulator(EmulatorConfig {
        latency: Duration::from_millis(200),
        ..EmulatorConfig::default()
    });
    let url = emulator.url();
    let child = binary(&url, book.path())
        .args(["warm", "--realtime"])
        .arg(book.path())
        .stderr(Stdio::piped())
        .spawn()
        .expect("warm");
    // The second request arrives once the first is answered.
    while emulator.stats().requests_total < 2 {
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(emulator);
    let started = Instant::now();
    let output = child.wait_with_output().expect("warm ends");
    let stderr = stderr_of(&output);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(stderr.contains(&url) || stderr.contains("connect"), "{stderr}");
    let (left, _) = book.remaining();
    assert!(
        left < total_units,
        "{left} of {total_units} units left: the answers before the failure are kept"
    );
}

#[test]
fn no_secret_reaches_the_logs_the_errors_or_the_store() {
    let emulator = start_emulator(EmulatorConfig {
        error_rate: 0.3,
        seed: 3,
        ..EmulatorConfig::default()
    });
    let book = AwsBook::new(&generated_chapters(30), "");
    let output = binary(&emulator.url(), book.path())
        .env("MDBOOK_TRANSLATE_LOG", "trace")
        .arg("build")
        .arg(book.path())
        .output()
        .expect("build");
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("TranslateText") || stderr.len() > 10_000,
        "the trace is on: {stderr}"
    );
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        assert!(!stderr.contains(secret), "stderr shows a secret");
    }
    // Nor does an error when the service refuses.
    let output = book.build("http://127.0.0.1:9");
    assert!(!stderr_of(&output).contains(SECRET_KEY) && !stderr_of(&output).contains(SESSION_TOKEN));
    for file in walk_files(&book.path().join(".translate-cache")) {
        let bytes = std::fs::read(&file).expect("store file");
        for secret in [SECRET_KEY, SESSION_TOKEN] {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{} holds a secret", file.display());
        }
    }
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn missing_credentials_or_region_are_one_clear_line() {
    let book = AwsBook::new(&generated_chapters(5), "");
    let emulator = start_emulator(EmulatorConfig::default());
    let output = binary(&emulator.url(), book.path())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .arg("build")
        .arg(book.path())
        .output()
        .expect("build");
    let stderr = stderr_of(&output);
    assert!(!output.status.success());
    assert!(
        stderr.contains("no AWS credentials")
            && stderr.contains("AWS_ACCESS_KEY_ID")
            && stderr.contains("aws configure"),
        "{stderr}"
    );
    let output = binary(&emulator.url(), book.path())
        .env_remove("AWS_REGION")
        .arg("build")
        .arg(book.path())
        .output()
        .expect("build");
    let stderr = stderr_of(&output);
    assert!(!output.status.success());
    assert!(
        stderr.contains("no AWS region") && stderr.contains("AWS_REGION"),
        "{stderr}"
    );
    assert_eq!(emulator.stats().requests_total, 0, "nothing was sent");
}

/// The paragraphs of a built page's `<main>`.
pub(crate) fn paragraphs(page: &str) -> Vec<String> {
    let main = &page[page.find("<main>").expect("main")..page.find("</main>").expect("main end")];
    main.lines()
        .filter(|line| line.starts_with("<p>"))
        .map(str::to_string)
        .collect()
}

#[test]
fn answers_with_mangled_tags_never_reach_the_output_or_the_store() {
    let mut chapter = String::from("# Tags\n\n");
    for n in 0..6 {
        chapter.push_str(&format!(
            "Sentence {n} has *emphasis* and a [link](https://example.com/{n}).\n\n"
        ));
    }
    let chapters = [("tags.md".to_string(), chapter)];
    let clean_emulator = start_emulator(EmulatorConfig::default());
    let clean = AwsBook::new(&chapters, "");
    assert!(clean.build(&clean_emulator.url()).status.success());
    let clean_paragraphs = paragraphs(&clean.zh_page("tags.html"));
    let source_paragraphs =
        paragraphs(&std::fs::read_to_string(clean.path().join("book/html/tags.html")).expect("source page"));
    assert_eq!(clean_paragraphs.len(), 6);

    // Every answer has one tag dropped, duplicated or swapped somewhere;
    // which one differs from seed to seed.
    let mut n_left = 0;
    for seed in 0..6 {
        let emulator = start_emulator(EmulatorConfig {
            mangle_rate: 1.0,
            seed,
            ..EmulatorConfig::default()
        });
        let book = AwsBook::new(&chapters, "");
        let output = book.build(&emulator.url());
        let stderr = stderr_of(&output);
        assert!(output.status.success(), "{stderr}");
        let (left, _) = book.remaining();
        assert_eq!(parse_summary(&stderr, "zh").n_missing as u64, left, "{stderr}");
        n_left += left;
        // Each paragraph is either the clean translation or the source:
        // nothing damaged reaches the page.
        for (n, paragraph) in paragraphs(&book.zh_page("tags.html")).iter().enumerate() {
            assert!(
                *paragraph == clean_paragraphs[n] || *paragraph == source_paragraphs[n],
                "seed {seed}: {paragraph}"
            );
        }
    }
    assert!(n_left > 0, "some units were left in English, reported and not stored");
}

#[test]
fn a_warm_killed_mid_way_keeps_every_answer_and_the_rerun_sends_only_the_rest() {
    let emulator = start_emulator(EmulatorConfig {
        latency: Duration::from_millis(150),
        ..EmulatorConfig::default()
    });
    let book = AwsBook::new(&generated_chapters(400), "max-concurrency = 1\n");
    let (total_units, _) = book.remaining();
    let mut child = binary(&emulator.url(), book.path())
        .args(["warm", "--realtime"])
        .arg(book.path())
        .stderr(Stdio::null())
        .spawn()
        .expect("warm");
    while emulator.stats().requests_total < 3 {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("killed");
    let (left_units, left_chars) = book.remaining();
    assert!(
        left_units < total_units && left_units > 0,
        "{left_units} of {total_units} left"
    );

    emulator.reset_stats();
    let output = book.run(&emulator.url(), &["warm", "--realtime"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        emulator.stats().characters_billed_total,
        left_chars,
        "the re-run sends what was not stored"
    );
    assert_eq!(book.remaining(), (0, 0));
}

/// The commands of the README's "Try the AWS path offline" block.
fn readme_aws_block() -> String {
    let readme = std::fs::read_to_string(crate::support::project_dir().join("README.md")).expect("README");
    let start = readme.find("## Try the AWS path offline").expect("the section");
    let block = &readme[start..];
    let body = &block[block.find("```sh\n").expect("a sh block") + "```sh\n".len()..];
    body[..body.find("```").expect("the block's end")].to_string()
}

#[test]
fn the_readme_block_that_tries_the_aws_path_offline_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let book = dir.path().join("book-example");
    let copy = crate::support::copy_book(&crate::support::project_dir().join("book-example"));
    std::fs::rename(copy.path(), &book).expect("move the copy");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let script = readme_aws_block()
        .replace("cargo run --", env!("CARGO_BIN_EXE_mdbook-translate"))
        .replace("4566", &port.to_string());
    assert!(
        script.contains("emulator") && script.contains("build book-example"),
        "{script}"
    );
    let mut command = Command::new("bash");
    let output = without_aws_and_mdbook_variables(&mut command)
        .args(["-e", "-c", &script])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = stderr_of(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let fr_line = stdout
        .lines()
        .find(|l| l.starts_with("fr "))
        .expect("a dry-run line for fr");
    assert!(!fr_line.contains(" 0 "), "French has units to send: {fr_line}");
    let fr_summary = crate::support::parse_summary(&stderr, "fr");
    assert_eq!(
        (fr_summary.backend.as_str(), fr_summary.n_missing),
        ("aws", 0),
        "{stderr}"
    );
    let fr = std::fs::read_to_string(book.join("book/html/fr/index.html")).expect("the French book");
    let en = std::fs::read_to_string(book.join("book/html/index.html")).expect("the English book");
    assert!(fr.contains("lang=\"fr\"") && fr != en);
    assert!(
        fr.chars().any(|c| "áéíóúàèìòùâêîôûç".contains(c)),
        "pseudo-translated French"
    );
    let zh = std::fs::read_to_string(book.join("book/html/zh/index.html")).expect("the Chinese book");
    assert!(zh.contains("引言"), "Chinese still comes from its human translation");
}
