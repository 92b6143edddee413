//! `gc` and `status` on a book whose source changed between two builds.

use crate::support::{Run, TestBook};

/// The counts of a `gc` report: (machine, human, bytes) removed or to remove,
/// records in use kept, and unused human records kept.
#[derive(Debug, PartialEq, Eq)]
struct Gc {
    n_machine: usize,
    n_human: usize,
    bytes: u64,
    n_kept: usize,
    n_human_kept: usize,
}

#[track_caller]
fn parse_gc(run: &Run) -> Gc {
    let pattern = regex::Regex::new(
        r"gc: (?:would remove|removed) (\d+) machine and (\d+) human records of units no longer in the book \((\d+) bytes\) from .*; (\d+) records in use kept",
    )
    .expect("a valid pattern");
    let found = pattern
        .captures(&run.stderr)
        .unwrap_or_else(|| panic!("a gc report in:\n{}", run.stderr));
    let kept = regex::Regex::new(r"gc: (\d+) human records of units no longer in the book kept")
        .expect("a valid pattern")
        .captures(&run.stderr)
        .map_or(0, |m| m[1].parse().expect("a number"));
    Gc {
        n_machine: found[1].parse().expect("a number"),
        n_human: found[2].parse().expect("a number"),
        bytes: found[3].parse().expect("a number"),
        n_kept: found[4].parse().expect("a number"),
        n_human_kept: kept,
    }
}

/// `status --format json` for `language`: units and characters by state.
#[track_caller]
fn status_of(book: &TestBook, language: &str) -> serde_json::Value {
    let output = book
        .command(&["status", "--lang", language, "--format", "json"])
        .output()
        .expect("status");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    report["languages"][0].clone()
}

/// The units of `status` in `state` (`human`, `edited`, `missing`, …) for all chapters.
fn units(status: &serde_json::Value, state: &str) -> u64 {
    status["all"][state]["units"].as_u64().expect("a count")
}

/// The human-translations book built with the pseudo backend, then edited
/// and built again: an edited sentence (its human translation no longer
/// fits) and a new one in place of a machine-translated one. Returns the
/// book and its `zh` status before the edit.
fn book_edited_between_two_builds() -> (TestBook, serde_json::Value) {
    let book = TestBook::new("human-translations");
    book.replace("book.toml", "backend = \"cache\"", "backend = \"pseudo\"");
    book.replace(
        "src/notes.md",
        "Every byte counts.",
        "Every byte counts. Order matters too.",
    );
    let first = book.run(&["build"]).assert_success();
    assert_eq!(first.summary("zh").n_pseudo, 1, "{}", first.stderr);
    let before = status_of(&book, "zh");
    book.replace(
        "src/notes.md",
        "A sum misses swapped bytes.",
        "A sum never sees swapped bytes.",
    );
    book.replace("src/notes.md", "Order matters too.", "Length matters too.");
    let second = book.run(&["build"]).assert_success();
    let zh = second.summary("zh");
    assert_eq!(
        (zh.n_translated, zh.n_pseudo, zh.n_missing),
        (2, 2, 0),
        "{}",
        second.stderr
    );
    (book, before)
}

#[test]
fn status_of_an_edited_book_counts_the_edited_sentence_and_what_filling_the_rest_costs() {
    let (book, before) = book_edited_between_two_builds();
    // One human translation fewer; the edited sentence has the old one
    // waiting in the PO file, the new one nothing (pseudo translations are
    // not served to a release build).
    let after = status_of(&book, "zh");
    let counts = |status: &serde_json::Value| ["all", "human", "edited", "missing"].map(|state| units(status, state));
    let [all, human, _, missing] = counts(&before);
    assert_eq!(counts(&after), [all, human - 1, 1, missing], "{before:#} → {after:#}");
    assert_eq!(
        after["all"]["edited"]["characters"].as_u64(),
        Some("A sum never sees swapped bytes.".chars().count() as u64)
    );
    assert_eq!(
        after["chapters"]["notes.md"]["edited"]["units"].as_u64(),
        Some(1),
        "{after:#}"
    );
    let cost = |engine: &str| after["cost_usd"][engine].as_f64().expect("a cost");
    assert!(cost("act") > cost("realtime") && cost("realtime") > 0.0, "{after:#}");
    let percent = after["percent_translated"].as_f64().expect("a share");
    let fail_under = |percent: f64| book.run(&["status", "--fail-under", &percent.to_string()]);
    fail_under(percent.floor() + 1.0).assert_failure_saying("% of the units have a translation, under --fail-under");
    fail_under(percent.floor()).assert_success();
}

#[test]
fn gc_removes_what_an_edited_book_no_longer_uses_and_the_next_build_misses_nothing() {
    let (book, _) = book_edited_between_two_builds();
    let status = status_of(&book, "zh");
    let dry_run = parse_gc(&book.run(&["gc", "--dry-run"]).assert_success());
    // Per language (zh, es): the pseudo record of the sentence that left;
    // the human records of the edited sentence's old version stay.
    assert_eq!(
        (dry_run.n_machine, dry_run.n_human, dry_run.n_human_kept),
        (2, 0, 2),
        "{dry_run:?}"
    );
    assert!(dry_run.bytes > 0);
    let again = parse_gc(&book.run(&["gc", "--dry-run"]).assert_success());
    assert_eq!(again, dry_run, "a dry run removes nothing");
    let removed = parse_gc(&book.run(&["gc"]).assert_success());
    assert_eq!(removed, dry_run);
    let human = parse_gc(&book.run(&["gc", "--human"]).assert_success());
    assert_eq!(
        (human.n_machine, human.n_human, human.n_human_kept),
        (0, 2, 0),
        "{human:?}"
    );
    assert_eq!(human.n_kept, removed.n_kept, "records in use are never removed");
    // Everything the book uses is still there: nothing to translate, and status unchanged.
    let third = book.run(&["build"]).assert_success();
    for language in ["zh", "es"] {
        third.summary(language).assert_all_from_store();
    }
    assert_eq!(status_of(&book, "zh"), status);
    let last = parse_gc(&book.run(&["gc", "--human"]).assert_success());
    assert_eq!((last.n_machine, last.n_human, last.n_kept), (0, 0, human.n_kept));
}

#[test]
fn gc_keeps_the_block_translations_of_an_mdbook_i18n_helpers_file() {
    let book = TestBook::copy_of(&crate::support::project_dir().join("tests/fixtures/i18n-helpers"));
    let first = book.run(&["build"]).assert_success();
    let before = first.summary("de");
    assert!(before.n_human > 0 && before.n_missing > 0, "{}", first.stderr);
    // status counts the units a block translation covers as the build does.
    let status = status_of(&book, "de");
    assert_eq!(units(&status, "missing"), before.n_missing as u64, "{status:#}");
    assert_eq!(units(&status, "human"), before.n_human as u64, "{status:#}");
    let gc = parse_gc(&book.run(&["gc", "--human"]).assert_success());
    assert_eq!((gc.n_machine, gc.n_human), (0, 0), "{gc:?}");
    // The block records are still there: the store needs no import to serve them.
    let second = book.run(&["build"]).assert_success();
    assert_eq!(second.import("de"), None, "{}", second.stderr);
    assert_eq!(second.summary("de"), before);
}
