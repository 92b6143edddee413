//! The store as a user meets it, through the binary: a damaged store found
//! by a build, builds and `warm` killed at random points, two builds at
//! once, a build beside `mdbook serve`, and `cache-dir` values that cannot
//! work.

use crate::support::{TestBook, aws_binary, parse_summary};
use mdbook_translate::emulator::{Emulator, EmulatorConfig};
use mdbook_translate::store::Store;
use mdbook_translate::store::seal::Seal;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).expect("under").to_path_buf();
            (relative, std::fs::read(entry.path()).expect("read"))
        })
        .collect()
}

/// Panics unless the sites under `a` and `b` are byte for byte the same.
#[track_caller]
fn assert_same_site(a: &Path, b: &Path) {
    let (a_files, b_files) = (files_under(a), files_under(b));
    assert!(!a_files.is_empty(), "{}: no site", a.display());
    assert_eq!(
        a_files.keys().collect::<Vec<_>>(),
        b_files.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a_files {
        assert!(bytes == &b_files[path], "{} differs", path.display());
    }
}

fn store_dir(book: &Path) -> PathBuf {
    book.join(".translate-cache")
}

/// Opens the book's store as the next run would: it must be healthy, and
/// leave nothing in its folder but the lock, the seal and the database.
#[track_caller]
fn open_healthy(book: &Path) -> Store {
    let store = Store::open(&store_dir(book), Duration::from_secs(10)).expect("the store opens");
    assert_eq!(store.recovery(), None, "the store is healthy");
    let mut names: Vec<String> = std::fs::read_dir(store_dir(book))
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["lock", "seal", "sled"], "no stray folders");
    store
}

/// A book of `n_chapters` chapters of `n_sentences` distinct sentences
/// each, translated into `languages` with `table` under `[preprocessor.translate]`.
fn generated_book(n_chapters: usize, n_sentences: usize, table: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).expect("src");
    let mut summary = String::from("# Summary\n\n");
    for chapter in 0..n_chapters {
        summary.push_str(&format!("- [Chapter {chapter}](chapter-{chapter}.md)\n"));
        let mut markdown = format!("# Chapter {chapter}\n\n");
        for sentence in 0..n_sentences {
            markdown.push_str(&format!(
                "Sentence {sentence} of chapter {chapter} keeps `code_{sentence}` and *some emphasis* in it. "
            ));
            if sentence % 4 == 3 {
                markdown.push_str("\n\n");
            }
        }
        std::fs::write(src.join(format!("chapter-{chapter}.md")), markdown).expect("chapter");
    }
    std::fs::write(src.join("SUMMARY.md"), summary).expect("summary");
    std::fs::write(
        dir.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"Generated\"\nlanguage = \"en\"\n\n[preprocessor.translate]\n{table}\n\n\
             [output.html]\nsearch.enable = false\n\n[output.translate]\n"
        ),
    )
    .expect("book.toml");
    dir
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mdbook-translate"));
    crate::support::without_aws_and_mdbook_variables(&mut command);
    command
}

// ---- A damaged store ----

/// Half the length of what sled wrote into `db` (the rest of its segment is zeros).
fn half_of_written(db: &[u8]) -> usize {
    let written = db.iter().rposition(|&b| b != 0).expect("data") + 1;
    written / 2
}

#[test]
fn a_damaged_store_is_reported_moved_aside_and_rebuilt_from_the_po_files() {
    let book = TestBook::new("human-translations");
    book.replace("book.toml", "backend = \"cache\"", "backend = \"pseudo\"");
    let text = book.read("src/notes.md");
    book.write(
        "src/notes.md",
        &format!("{text}\nA sentence no translator has seen yet.\n"),
    );
    book.run(&["build"]).assert_success();
    let reference = tempfile::tempdir().expect("temp dir");
    std::fs::rename(book.path().join("book"), reference.path().join("book")).expect("keep the site");
    let (n_machine, n_human) = open_healthy(book.path()).n_records();
    assert!(n_machine > 0 && n_human > 0, "machine and human records");

    // The issue's case: the database cut to half its length made the build panic.
    let db = store_dir(book.path()).join("sled/db");
    let bytes = std::fs::read(&db).expect("db");
    let cut = bytes[..half_of_written(&bytes)].to_vec();
    std::fs::write(&db, &cut).expect("cut");
    let run = book.run(&["build"]).assert_success();

    let store = store_dir(book.path()).canonicalize().expect("store");
    let warning: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|line| line.strip_prefix("mdbook-translate: warning: "))
        .collect();
    assert_eq!(warning.len(), 4, "{}", run.stderr);
    let first = format!("the translation store {} was damaged: ", store.display());
    assert!(warning[0].starts_with(&first), "{}", warning[0]);
    let held = regex::Regex::new(&format!(
        r"^It held {n_machine} machine translations, {n_human} human translations and (\d+) other entries; (\d+), (\d+) and (\d+) of them could be read and were kept: (\d+) machine and (\d+) human translations are lost\.$"
    ))
    .expect("pattern");
    let counts = held.captures(warning[1]).unwrap_or_else(|| panic!("{}", warning[1]));
    let number = |i: usize| counts[i].parse::<usize>().expect("a number");
    assert_eq!(number(2) + number(5), n_machine, "kept and lost add up");
    assert_eq!(number(3) + number(6), n_human, "kept and lost add up");
    let moved = regex::Regex::new(&format!(
        r"^Its files were moved, as they were found, to ({}/damaged-\d{{8}}T\d{{6}}Z); delete that folder once you no longer need it\.$",
        regex::escape(&store.display().to_string())
    ))
    .expect("pattern");
    let moved_to = PathBuf::from(&moved.captures(warning[2]).unwrap_or_else(|| panic!("{}", warning[2]))[1]);
    assert_eq!(
        std::fs::read(moved_to.join("db")).expect("moved"),
        cut,
        "moved as it was found"
    );
    assert_eq!(
        warning[3],
        "Each language's PO file is imported again on its next build; a lost translation that no PO file holds \
         is made again by a backend that translates, and stays in the source language otherwise."
    );
    for language in ["zh", "es"] {
        assert!(
            run.import(language).is_some(),
            "{language} imported again:\n{}",
            run.stderr
        );
    }
    assert_same_site(&reference.path().join("book"), &book.path().join("book"));

    let again = book.run(&["build"]).assert_success();
    assert!(!again.stderr.contains("warning"), "{}", again.stderr);
    assert!(again.import("zh").is_none(), "imported once");
    assert_eq!(
        open_healthy_but_for_the_damaged_copy(book.path()).n_records(),
        (n_machine, n_human)
    );
}

/// Opens the store, which must be healthy; a damaged copy may lie beside it.
fn open_healthy_but_for_the_damaged_copy(book: &Path) -> Store {
    let store = Store::open(&store_dir(book), Duration::from_secs(10)).expect("the store opens");
    assert_eq!(store.recovery(), None, "the store is healthy");
    store
}

#[test]
fn a_flipped_byte_in_the_store_is_never_passed_over_in_silence() {
    let book = generated_book(4, 40, "languages = [\"zh\"]\nbackend = \"pseudo\"");
    let run = |args: &[&str]| {
        let output = binary().args(args).arg(book.path()).output().expect("run");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    run(&["build"]);
    let (n_machine, _) = open_healthy(book.path()).n_records();
    let db = store_dir(book.path()).join("sled/db");
    let mut bytes = std::fs::read(&db).expect("db");
    let mut rng = StdRng::seed_from_u64(3);
    let written = half_of_written(&bytes) * 2;
    let at = rng.random_range(written / 2..written);
    bytes[at] ^= 0x10;
    std::fs::write(&db, &bytes).expect("flip");
    let stderr = run(&["build"]);
    let summary = parse_summary(&stderr, "zh");
    if stderr.contains("was damaged") {
        let lost = regex::Regex::new(r"(\d+) machine and 0 human translations are lost")
            .expect("pattern")
            .captures(&stderr)
            .map(|found| found[1].parse::<usize>().expect("a number"))
            .unwrap_or_else(|| panic!("{stderr}"));
        assert_eq!(
            summary.n_translated, lost,
            "what was lost, and only that, is translated again"
        );
    } else {
        assert_eq!(summary.n_translated, 0, "nothing lost, nothing translated:\n{stderr}");
    }
    assert_eq!(
        open_healthy_but_for_the_damaged_copy(book.path()).n_records().0,
        n_machine
    );
}

// ---- Killed at random points ----

/// The records per tree the seal says were made durable, if there is a seal.
fn sealed_counts(book: &Path) -> [u64; 3] {
    Seal::read(&store_dir(book)).map_or([0; 3], |seal| seal.counts)
}

/// Runs `command` and kills it (SIGKILL) after a random delay below a
/// third of `longest`, a run from an empty store (each run leaves less to
/// do); whether it was killed before it ended.
fn kill_at_random(mut command: Command, rng: &mut StdRng, longest: Duration) -> bool {
    let delay = longest.mul_f64(rng.random_range(0.02..0.35));
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while started.elapsed() < delay {
        if child.try_wait().expect("wait").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
    true
}

/// After a kill: the store opens healthy, holds at least what its seal
/// says was made durable and everything it held after the kill before.
#[track_caller]
fn assert_nothing_stored_is_lost(book: &Path, before: &mut (usize, usize)) {
    let sealed = sealed_counts(book);
    let now = open_healthy(book).n_records();
    assert!(
        now.0 as u64 >= sealed[0] && now.1 as u64 >= sealed[1],
        "{now:?} against the seal's {sealed:?}"
    );
    assert!(now.0 >= before.0 && now.1 >= before.1, "{now:?} after {before:?}");
    *before = now;
}

#[test]
fn a_build_killed_ten_times_at_random_points_loses_nothing_stored() {
    let table = "languages = [\"zh\", \"es\"]\nbackend = \"pseudo\"";
    let reference = generated_book(30, 60, table);
    let started = Instant::now();
    let output = binary().arg("build").arg(reference.path()).output().expect("build");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let longest = started.elapsed();

    let book = generated_book(30, 60, table);
    let mut rng = StdRng::seed_from_u64(14);
    let mut stored = (0, 0);
    let mut n_killed = 0;
    for _ in 0..10 {
        let mut command = binary();
        command.arg("build").arg(book.path());
        n_killed += usize::from(kill_at_random(command, &mut rng, longest));
        assert_nothing_stored_is_lost(book.path(), &mut stored);
    }
    assert!(n_killed >= 5, "most runs were killed before their end ({n_killed})");
    let output = binary().arg("build").arg(book.path()).output().expect("build");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let translated: usize = ["zh", "es"]
        .map(|l| parse_summary(&stderr, l).n_translated)
        .iter()
        .sum();
    let now = open_healthy(book.path()).n_records();
    assert_eq!(
        stored.0 + translated,
        now.0,
        "only what was not stored is translated again"
    );
    assert_same_site(&reference.path().join("book"), &book.path().join("book"));
}

#[test]
fn a_warm_killed_ten_times_at_random_points_loses_nothing_paid_for() {
    let emulator = Emulator::start(
        "127.0.0.1:0".parse().expect("an address"),
        EmulatorConfig {
            latency: Duration::from_millis(60),
            ..EmulatorConfig::default()
        },
    )
    .expect("emulator");
    let endpoint = emulator.url();
    let table = "languages = [\"zh\"]\nbackend = \"aws\"\nmax-concurrency = 1";
    let aws = |book: &Path, args: &[&str]| {
        let mut command = aws_binary(&endpoint, book, "secret");
        command.args(args).arg(book);
        command
    };
    let reference = generated_book(20, 60, table);
    let started = Instant::now();
    let output = aws(reference.path(), &["warm", "--realtime"]).output().expect("warm");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let longest = started.elapsed();
    assert!(aws(reference.path(), &["build"]).status().expect("build").success());

    let book = generated_book(20, 60, table);
    let mut rng = StdRng::seed_from_u64(15);
    let mut stored = (0, 0);
    let mut n_killed = 0;
    for _ in 0..10 {
        n_killed += usize::from(kill_at_random(
            aws(book.path(), &["warm", "--realtime"]),
            &mut rng,
            longest,
        ));
        assert_nothing_stored_is_lost(book.path(), &mut stored);
    }
    assert!(n_killed >= 5, "most runs were killed before their end ({n_killed})");
    let output = aws(book.path(), &["warm", "--realtime"]).output().expect("warm");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let from_store = regex::Regex::new(r"zh: (\d+) distinct units: (\d+) from the store, (\d+) translated")
        .expect("pattern")
        .captures(&stderr)
        .unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(
        from_store[2].parse::<usize>().expect("a number"),
        stored.0,
        "every stored unit is used"
    );
    assert!(aws(book.path(), &["build"]).status().expect("build").success());
    assert_same_site(&reference.path().join("book"), &book.path().join("book"));
}

// ---- Two processes at once ----

#[test]
fn two_builds_of_one_book_at_once_both_succeed_and_leave_a_healthy_store() {
    let book = generated_book(20, 40, "languages = [\"zh\", \"es\"]\nbackend = \"pseudo\"");
    let out = tempfile::tempdir().expect("temp dir");
    let children: Vec<_> = ["a", "b"]
        .map(|name| {
            binary()
                .arg("build")
                .arg(book.path())
                .arg("--dest-dir")
                .arg(out.path().join(name))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .into_iter()
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    assert_same_site(&out.path().join("a"), &out.path().join("b"));
    let distinct = parse_summary(
        &String::from_utf8_lossy(&binary().arg("build").arg(book.path()).output().expect("build").stderr),
        "zh",
    )
    .n_distinct;
    let (n_machine, _) = open_healthy(book.path()).n_records();
    assert!(n_machine >= 2 * distinct, "every unit stored once per language");
}

#[test]
fn a_build_that_cannot_get_the_store_says_who_holds_it_and_which_key_to_raise() {
    let book = TestBook::new("minimal");
    std::fs::create_dir_all(store_dir(book.path())).expect("store folder");
    let _held = Store::open(&store_dir(book.path()), Duration::from_secs(1)).expect("open");
    let run = crate::support::Run::of(
        book.command(&["build"])
            .env("MDBOOK_PREPROCESSOR__TRANSLATE__LOCK_TIMEOUT", "1"),
    );
    let store = store_dir(&book.path().canonicalize().expect("book"));
    let pattern = regex::Regex::new(&format!(
        r"(?m)^mdbook-translate: error: .*the translation store {} is in use by process {} \(`[^`]+`(, started by `[^`]+`)?\) since \d\d:\d\d:\d\d UTC \(waited \d+(\.\d)? s\); let it finish, or raise `lock-timeout` under \[preprocessor\.translate\] \(seconds to wait, now 1 s\)$",
        regex::escape(&store.display().to_string()),
        std::process::id()
    ))
    .expect("pattern");
    assert!(!run.success && pattern.is_match(&run.stderr), "{}", run.stderr);
}

#[test]
fn a_build_beside_mdbook_serve_succeeds_and_the_store_stays_healthy() {
    let Some(mdbook) = crate::mdbook::mdbook_binary() else {
        return;
    };
    let book = TestBook::new("human-translations");
    book.replace("book.toml", "backend = \"cache\"", "backend = \"pseudo\"");
    let server = crate::mdbook::Server::start(&mdbook, book.path(), &[]);
    server.wait_for("/zh/introduction.html", "the first build", |_| true);
    let out = tempfile::tempdir().expect("temp dir");
    let text = book.read("src/introduction.md");
    for round in 0..3 {
        // Each edit makes `mdbook serve` rebuild while a build runs.
        book.write(
            "src/introduction.md",
            &format!("{text}\nServed edit `marker_{round}`.\n"),
        );
        let dest = out.path().join(round.to_string());
        let run = crate::support::Run::of(
            std::process::Command::new(env!("CARGO_BIN_EXE_mdbook-translate"))
                .arg("build")
                .arg(book.path())
                .arg("--dest-dir")
                .arg(&dest),
        );
        assert!(run.success, "{}", run.stderr);
        server.wait_for("/zh/introduction.html", "the rebuild", |page| {
            page.contains(&format!("marker_{round}"))
        });
    }
    drop(server);
    open_healthy(book.path());
}

// ---- cache-dir values that cannot work ----

/// Builds `book` with `cache-dir = <value>` (or the variable); stderr must be `expected`.
#[track_caller]
fn assert_cache_dir_refused(value: &str, through_variable: bool, expected: &str) {
    let book = TestBook::new("minimal");
    let mut command = book.command(&["build"]);
    if through_variable {
        command.env("MDBOOK_PREPROCESSOR__TRANSLATE__CACHE_DIR", value);
    } else {
        book.replace(
            "book.toml",
            "backend = \"pseudo\"",
            &format!("backend = \"pseudo\"\ncache-dir = \"{value}\""),
        );
    }
    let run = crate::support::Run::of(&mut command);
    let root = book.path().canonicalize().expect("book");
    let expected = expected.replace("{book}", &root.display().to_string());
    assert!(!run.success, "refused");
    assert_eq!(run.stderr.trim_end(), expected);
    assert!(!root.join("src").join("cache").exists() && !root.join("book").join("cache").exists());
}

#[test]
fn a_cache_dir_inside_the_source_folder_is_refused() {
    assert_cache_dir_refused(
        "src/cache",
        false,
        "mdbook-translate: error: book.toml: `[preprocessor.translate] cache-dir`: {book}/src/cache is inside \
         the book's source folder {book}/src, where mdBook would publish the store with the book; point cache-dir \
         outside it (the default is .translate-cache)",
    );
}

#[test]
fn a_cache_dir_inside_the_build_folder_is_refused() {
    assert_cache_dir_refused(
        "book/cache",
        false,
        "mdbook-translate: error: book.toml: `[preprocessor.translate] cache-dir`: {book}/book/cache is inside \
         the build folder {book}/book, where a build empties it and `mdbook clean` deletes it; point cache-dir \
         outside it (the default is .translate-cache)",
    );
}

#[test]
fn an_empty_cache_dir_is_refused() {
    let expected = "mdbook-translate: error: book.toml: `[preprocessor.translate] cache-dir`: names the book's \
                    own folder; remove the key to keep the store in .translate-cache, or name a folder";
    assert_cache_dir_refused("", false, expected);
    assert_cache_dir_refused(
        "",
        true,
        "mdbook-translate: error: MDBOOK_PREPROCESSOR__TRANSLATE__CACHE_DIR (`[preprocessor.translate] \
         cache-dir`): names the book's own folder; remove the key to keep the store in .translate-cache, or name \
         a folder",
    );
}
