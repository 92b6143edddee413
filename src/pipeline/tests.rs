//! The stages through a scripted backend that answers, fails, delays,
//! reorders and returns wrong tags on command.

use super::*;
use crate::collect::collect_book;
use crate::language::LanguageTag;
use crate::store::{Origin, Record, UnitKey};
use crate::translate::{BackendErrorKind, Profile, Request, Response, UnitAnswer, pseudo_translate};
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// What the scripted backend does for one unit on one request.
#[derive(Debug, Clone)]
enum Act {
    /// Answers the pseudo-translation.
    Translate,
    /// Answers a translation that drops the unit's tags.
    WrongTags,
    /// Answers a failure of this kind.
    Fail(BackendErrorKind),
    /// Gives no answer.
    Silent,
}

/// A backend that follows a script: per unit (by the text it contains), a
/// queue of acts, one per request that carries the unit; `Translate` when
/// the queue is empty.
#[derive(Default)]
struct Scripted {
    script: Mutex<Vec<(String, VecDeque<Act>)>>,
    /// Units answered per response.
    per_response: usize,
    /// Hand the responses back last first.
    reverse: bool,
    /// Pause before each response.
    delay: Duration,
    /// Fail as a whole (unreachable) once this many units were answered.
    fail_after: Option<usize>,
    n_answered: AtomicU64,
    n_calls: AtomicU64,
    /// Every request seen: (units, one_unit_per_request).
    requests: Mutex<Vec<(Vec<String>, bool)>>,
}

impl Scripted {
    fn new() -> Scripted {
        Scripted {
            per_response: 2,
            ..Scripted::default()
        }
    }

    fn on(self, text: &str, acts: &[Act]) -> Scripted {
        self.script
            .lock()
            .expect("script lock")
            .push((text.to_string(), acts.iter().cloned().collect()));
        self
    }

    fn act_for(&self, unit: &str) -> Act {
        let mut script = self.script.lock().expect("script lock");
        script
            .iter_mut()
            .find(|(text, _)| unit.contains(text.as_str()))
            .and_then(|(_, acts)| acts.pop_front())
            .unwrap_or(Act::Translate)
    }

    fn answer(&self, unit: &str) -> Option<UnitAnswer> {
        match self.act_for(unit) {
            Act::Translate => Some(Ok(pseudo_translate(unit).expect("valid tagged text"))),
            Act::WrongTags => Some(Ok("lost its tags".to_string())),
            Act::Fail(kind) => Some(Err(BackendError::new(kind, "scripted failure"))),
            Act::Silent => None,
        }
    }
}

impl Translator for Scripted {
    fn name(&self) -> &'static str {
        "scripted"
    }

    fn profile(&self) -> Option<Profile> {
        Some(Profile {
            name: "realtime/scripted".to_string(),
            origin: Origin::Realtime,
        })
    }

    fn lookup_profiles(&self) -> Vec<String> {
        vec!["human".to_string(), "realtime".to_string()]
    }

    fn translate(
        &self,
        request: &Request<'_>,
        on_response: &mut dyn FnMut(Response) -> ControlFlow<()>,
    ) -> Result<(), BackendError> {
        self.requests.lock().expect("requests lock").push((
            request.units.iter().map(|u| u.to_string()).collect(),
            request.one_unit_per_request,
        ));
        let size = if request.one_unit_per_request {
            1
        } else {
            self.per_response
        };
        let mut responses: Vec<Response> = request
            .units
            .chunks(size)
            .enumerate()
            .map(|(n_chunk, units)| Response {
                answers: units
                    .iter()
                    .enumerate()
                    .filter_map(|(offset, unit)| self.answer(unit).map(|answer| (n_chunk * size + offset, answer)))
                    .collect(),
            })
            .collect();
        if self.reverse {
            responses.reverse();
        }
        for response in responses {
            self.n_calls.fetch_add(1, Ordering::Relaxed);
            std::thread::sleep(self.delay);
            let n_answers = response.answers.len() as u64;
            let answered = self.n_answered.fetch_add(n_answers, Ordering::Relaxed) + n_answers;
            if self.fail_after.is_some_and(|limit| answered > limit as u64) {
                return Err(BackendError::new(BackendErrorKind::Unreachable, "connection refused"));
            }
            if on_response(response).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn n_calls(&self) -> u64 {
        self.n_calls.load(Ordering::Relaxed)
    }
}

/// A book of one chapter per markdown text, with its configuration and store.
struct TestBook {
    root: tempfile::TempDir,
    book: Book,
    config: Config,
}

impl TestBook {
    fn new(chapters: &[&str], book_toml_extra: &str) -> TestBook {
        let root = tempfile::tempdir().expect("temp dir");
        let book_toml =
            format!("[book]\nlanguage = \"en\"\n[preprocessor.translate]\nlanguages = [\"zh\"]\n{book_toml_extra}");
        std::fs::write(root.path().join("book.toml"), &book_toml).expect("write book.toml");
        let parsed: mdbook_preprocessor::config::Config = book_toml.parse().expect("book.toml");
        let config = Config::from_book(root.path(), &parsed).expect("config");
        let items = chapters
            .iter()
            .enumerate()
            .map(|(n, content)| {
                let path = format!("chapter-{n}.md");
                BookItem::Chapter(Chapter::new(
                    &format!("Chapter {n}"),
                    content.to_string(),
                    &path,
                    vec![],
                ))
            })
            .collect();
        TestBook {
            root,
            book: Book::new_with_items(items),
            config,
        }
    }

    fn store(&self) -> Store {
        open_store(&self.config).expect("store")
    }

    /// Runs stages 1–4 with `backend`; returns the translated book too.
    fn translate(&self, store: &Store, backend: &dyn Translator) -> (Result<RunSummary, PipelineError>, Book) {
        let mut book = self.book.clone();
        let collected = collect_book(&book, &BookTexts::default(), &self.config.segment_options());
        let result = translate_book(&mut book, &collected, languages(), &self.config, store, backend);
        (result, book)
    }
}

static EN: LazyLock<LanguageTag> = LazyLock::new(|| "en".parse().expect("a language tag"));
static ZH: LazyLock<LanguageTag> = LazyLock::new(|| "zh".parse().expect("a language tag"));

/// English to Chinese.
fn languages() -> Languages<'static> {
    Languages {
        source: &EN,
        target: &ZH,
    }
}

fn content(book: &Book, n: usize) -> String {
    book.chapters().nth(n).expect("chapter").content.clone()
}

/// The pseudo-translation of `text` as a unit with no markup.
fn pseudo(text: &str) -> String {
    pseudo_translate(text).expect("plain text")
}

#[test]
fn wrong_tags_are_retried_once_alone_then_kept_in_the_source_language_and_reported() {
    let test = TestBook::new(&["Fixed *soon*. Broken *always*. Fine here."], "");
    let store = test.store();
    let backend = Scripted::new()
        .on("soon", &[Act::WrongTags])
        .on("always", &[Act::WrongTags, Act::WrongTags]);
    let (summary, book) = test.translate(&store, &backend);
    let summary = summary.expect("translated");

    assert_eq!((summary.n_translated, summary.n_failed, summary.n_missing), (3, 1, 1));
    let [unit] = &summary.untranslated[..] else {
        panic!("{summary:?}")
    };
    assert_eq!(
        (unit.chapter.as_str(), unit.text.as_str()),
        ("chapter-0.md", "Broken always.")
    );
    assert!(matches!(&unit.reason, UntranslatedReason::BadTags { answer, .. } if answer == "lost its tags"));
    // The retries went out one unit per request.
    let requests = backend.requests.lock().expect("requests").clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[1].1 && requests[1].0.len() == 2, "{requests:?}");
    // The source sentence stays; the others are translated.
    let translated = content(&book, 0);
    assert!(translated.contains("Broken *always*."), "{translated}");
    assert!(
        !translated.contains("soon") && !translated.contains("Fine"),
        "{translated}"
    );
    // The bad answer never reached the store.
    let key = languages().key("Broken <g1>always</g1>.");
    assert_eq!(store.lookup(&key, &["realtime"]).expect("lookup"), None);
}

#[test]
fn retryable_failures_are_sent_again_and_final_ones_are_not() {
    let test = TestBook::new(&["Throttled once. Refused for good. Timed out twice."], "");
    let store = test.store();
    let backend = Scripted::new()
        .on("Throttled", &[Act::Fail(BackendErrorKind::Throttled)])
        .on("Refused", &[Act::Fail(BackendErrorKind::Invalid)])
        .on(
            "Timed",
            &[
                Act::Fail(BackendErrorKind::Timeout),
                Act::Fail(BackendErrorKind::Timeout),
            ],
        );
    let (summary, _) = test.translate(&store, &backend);
    let summary = summary.expect("translated");

    let mut reasons: Vec<(&str, BackendErrorKind)> = summary
        .untranslated
        .iter()
        .map(|unit| match &unit.reason {
            UntranslatedReason::Backend(error) => (unit.text.as_str(), error.kind),
            other => panic!("{other:?}"),
        })
        .collect();
    reasons.sort_by_key(|(text, _)| *text);
    assert_eq!(
        reasons,
        [
            ("Refused for good.", BackendErrorKind::Invalid),
            ("Timed out twice.", BackendErrorKind::Timeout)
        ]
    );
    let retried = &backend.requests.lock().expect("requests")[1].0;
    assert_eq!(retried.len(), 2, "the final failure is not sent again: {retried:?}");
    assert_eq!(summary.n_translated, 2, "{summary:?}");
}

#[test]
fn answers_in_any_order_reach_their_own_units() {
    let chapter = "First sentence here. Second one there.\n\n# A heading\n\nThird *emphasis* text.\n";
    let test = TestBook::new(&[chapter, "Another chapter. With two sentences."], "");
    let store = test.store();
    let backend = Scripted {
        reverse: true,
        per_response: 1,
        delay: Duration::from_millis(2),
        ..Scripted::new()
    };
    let (summary, book) = test.translate(&store, &backend);
    let summary = summary.expect("translated");
    assert_eq!(summary.n_translated, summary.n_distinct);
    assert_eq!(backend.n_calls(), summary.n_distinct as u64);

    // The same book translated in order, by the pseudo backend that the
    // scripted one imitates, in a fresh store.
    let in_order = TestBook::new(&[chapter, "Another chapter. With two sentences."], "");
    let pseudo_backend = crate::translate::OfflineTranslator::new(crate::config::BackendKind::Pseudo);
    let (_, expected) = in_order.translate(&in_order.store(), &pseudo_backend);
    assert_eq!(content(&book, 0), content(&expected, 0));
    assert_eq!(content(&book, 1), content(&expected, 1));
    assert_ne!(content(&book, 0), chapter);
    assert_eq!(book.chapters().next().expect("chapter").name, pseudo("Chapter 0"));
}

#[test]
fn fail_on_missing_fails_the_run_naming_the_units() {
    let test = TestBook::new(&["Never translated."], "fail-on-missing = true\n");
    let store = test.store();
    let cache = crate::translate::OfflineTranslator::new(crate::config::BackendKind::Cache);
    let (result, _) = test.translate(&store, &cache);
    match result {
        Err(PipelineError::Missing {
            n_missing, examples, ..
        }) => {
            assert_eq!(n_missing, 2, "the sentence and the chapter name");
            assert!(examples.contains("chapter-0.md: Never translated."), "{examples}");
        }
        other => panic!("{other:?}"),
    }

    // A unit that the backend keeps failing counts as missing too.
    let backend = Scripted::new().on("Never", &[Act::Silent]);
    let (result, _) = test.translate(&store, &backend);
    assert!(
        matches!(result, Err(PipelineError::Missing { n_missing: 1, .. })),
        "{result:?}"
    );
}

#[test]
fn a_run_that_dies_after_k_answers_keeps_those_k_in_the_store() {
    let sentences: Vec<String> = (0..10).map(|n| format!("Sentence number {n}.")).collect();
    let test = TestBook::new(&[&sentences.join(" ")], "");
    let backend = Scripted {
        fail_after: Some(6),
        ..Scripted::new()
    };
    {
        let store = test.store();
        let (result, _) = test.translate(&store, &backend);
        assert!(
            matches!(&result, Err(PipelineError::Backend { source, .. }) if source.kind == BackendErrorKind::Unreachable),
            "{result:?}"
        );
        // A killed process closes nothing: copy the files as they are
        // while the store is still open; only what was flushed counts.
        copy_dir(&test.config.cache_dir, &test.root.path().join("copy"));
        std::mem::forget(store);
    }
    let store = Store::open(&test.root.path().join("copy"), Duration::from_secs(1)).expect("reopen");
    let name = "Chapter 0".to_string();
    let stored: Vec<&String> = sentences
        .iter()
        .chain([&name])
        .filter(|text| {
            let key: UnitKey = languages().key(text);
            store.lookup(&key, &["realtime"]).expect("lookup").is_some()
        })
        .collect();
    assert_eq!(stored.len(), 6, "{stored:?}");
}

/// Copies a store folder as it is on disk now (the store is still open).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create copy");
    for entry in std::fs::read_dir(from).expect("read store folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn a_warm_store_serves_everything_and_the_backend_is_not_called() {
    let test = TestBook::new(&["One sentence. Two sentences."], "");
    let store = test.store();
    let backend = Scripted::new();
    let (first, _) = test.translate(&store, &backend);
    let first = first.expect("first run");
    assert_eq!(first.n_translated, first.n_distinct);
    let calls = backend.n_calls();
    let (second, _) = test.translate(&store, &backend);
    let second = second.expect("second run");
    assert_eq!((second.n_from_store, second.n_translated), (second.n_distinct, 0));
    assert_eq!(backend.n_calls(), calls);
}

#[test]
fn translated_texts_are_read_back_from_the_store() {
    let test = TestBook::new(&["> [!NOTE]\n> Mind the gap.\n"], "");
    let store = test.store();
    let texts = BookTexts {
        title: Some("My Book".to_string()),
        description: None,
    };
    let mut book = test.book.clone();
    let collected = collect_book(&book, &texts, &test.config.segment_options());
    translate_book(
        &mut book,
        &collected,
        languages(),
        &test.config,
        &store,
        &Scripted::new(),
    )
    .expect("translated");
    let read = translated_texts(&texts, languages(), &store, &["realtime"]).expect("read");
    assert_eq!(read.book.title, Some(pseudo("My Book")));
    assert_eq!(read.book.description, None);
    assert_eq!(read.alert_titles, [("Note".to_string(), pseudo("Note"))]);
    // Another backend's records are not served.
    let other = translated_texts(&texts, languages(), &store, &["pseudo"]).expect("read");
    assert_eq!(other.book.title, Some("My Book".to_string()));
    assert!(other.alert_titles.is_empty());
}

#[test]
fn every_unit_left_in_the_source_language_is_counted_with_its_line_and_reason() {
    let test = TestBook::new(
        &[
            "# Title\n\nFine here. Broken *always*.\n",
            "Intro.\n\nMean \\\\( a *b \\\\) c* d.\n",
        ],
        "",
    );
    let store = test.store();
    let backend = Scripted::new().on("always", &[Act::WrongTags, Act::WrongTags]);
    let (summary, _) = test.translate(&store, &backend);
    let summary = summary.expect("translated");

    let left: Vec<String> = summary.left_in_source.iter().map(ToString::to_string).collect();
    assert_eq!(
        left,
        [
            "chapter-0.md:3: Broken *always*. (no translation)",
            "chapter-1.md:3: Mean \\\\( a *b \\\\) c* d. (not segmented: math, a directive or a URL overlaps emphasis or a link)",
        ]
    );
    assert!(
        summary
            .to_string()
            .ends_with(", 1 failed validation, 2 kept in the source language"),
        "{summary}"
    );
}

#[test]
fn the_summary_tells_human_from_machine_translations() {
    let test = TestBook::new(&["Kept by hand. Older machine. Sent now. Left out."], "");
    let store = test.store();
    for (text, origin, profile) in [
        ("Kept by hand.", Origin::Human, "human"),
        ("Older machine.", Origin::Realtime, "realtime/plain"),
    ] {
        let record = Record::new(text, &pseudo(text), origin, profile);
        store.put(&languages().key(text), &record).expect("put");
    }
    let backend = Scripted::new().on("Left out.", &[Act::Silent, Act::Silent]);
    let (summary, _) = test.translate(&store, &backend);
    let summary = summary.expect("run");
    // The chapter name and `Sent now.` are translated in this run.
    assert_eq!(
        summary.to_string(),
        "zh: 5 units (5 distinct), 2 translated in this run (scripted): 1 human, 3 machine (realtime), 1 missing, 1 kept in the source language"
    );
}

#[test]
fn the_summary_names_each_machine_origin_and_leaves_out_origins_no_unit_has() {
    let test = TestBook::new(&["Alpha one. Beta two. Gamma three. Delta four. Epsilon five."], "");
    let collected = collect_book(&test.book, &BookTexts::default(), &test.config.segment_options());
    let wanted = WantedUnits::of_book(&collected, languages());
    let origins = [
        Origin::Act,
        Origin::Act,
        Origin::Realtime,
        Origin::Imported,
        Origin::Pseudo,
    ];
    let by_key: HashMap<UnitKey, Origin> = wanted.units.iter().map(|u| u.key).zip(origins).collect();
    let counts = OriginCounts::of_units(&wanted, &by_key);
    assert_eq!(
        counts.to_string(),
        "4 machine (2 act, 1 realtime, 1 imported), 1 pseudo, "
    );
    assert_eq!(OriginCounts::default().to_string(), "");
}

#[test]
fn a_chapter_checked_once_is_not_parsed_again_until_it_changes() {
    let test = TestBook::new(&["# Title\n\nOne sentence. Two sentences.\n"], "");
    let store = test.store();
    let key = "splice-checked:2:zh:chapter-0.md";
    let (first, translated) = test.translate(&store, &Scripted::new());
    first.expect("first run");
    let recorded = store.meta(key).expect("meta").expect("the pass is recorded");
    let (second, again) = test.translate(&store, &Scripted::new());
    second.expect("second run");
    assert_eq!(content(&again, 0), content(&translated, 0));
    assert_eq!(store.meta(key).expect("meta"), Some(recorded.clone()));

    let checked = apply::CheckedChapters::new(&store, languages(), false);
    // A recorded pair passes without being parsed: the record stands for the check.
    assert!(
        checked
            .check("chapter-0.md", &content(&test.book, 0), &content(&translated, 0))
            .expect("store")
            .is_ok()
    );
    // Another pair is checked: a structure change fails and is not recorded.
    let broken = checked
        .check("chapter-0.md", "# Title\n\nText.\n", "# Title\n\n- Text.\n")
        .expect("store");
    assert!(broken.is_err(), "a paragraph became a list");
    assert_eq!(store.meta(key).expect("meta"), Some(recorded.clone()));
    // A new pair that passes replaces the record.
    assert!(
        checked
            .check("chapter-0.md", "Text.\n", "Texte.\n")
            .expect("store")
            .is_ok()
    );
    let replaced = store.meta(key).expect("meta").expect("a record");
    assert!(replaced.len() == 32 && replaced != recorded);
}
