use super::*;
use crate::language::LanguageTag;
use std::time::Duration;

mod damage;

fn record(text: &str, origin: Origin, profile: &str) -> Record {
    Record::new("Source.", text, origin, profile)
}

/// The key of `tagged` from `source` to `target`.
fn key(source: &str, target: &str, tagged: &str) -> UnitKey {
    let tag = |text: &str| -> LanguageTag { text.parse().expect("a language tag") };
    UnitKey::new(&tag(source), &tag(target), tagged)
}

#[test]
fn keys_are_stable_and_depend_on_languages_and_text() {
    let key_zh = key("en", "zh", "Hello <x1/>.");
    assert_eq!(key_zh, key("en", "zh", "Hello <x1/>."));
    assert_ne!(key_zh, key("en", "es", "Hello <x1/>."));
    assert_ne!(key_zh, key("en", "zh", "Hello <x1/>!"));
    // Length prefixes keep the parts apart.
    assert_ne!(key("en", "zh", "hx"), key("en", "zhh", "x"));
}

#[test]
fn keys_of_every_spelling_of_a_tag_are_the_keys_of_its_usual_spelling() {
    // The keys stores hold: computed from the tags as written in book.toml.
    let hello_zh = "88296611776f3fe28bdae1308a798a585fa9228419da3bf1b717e2fac0361c4b";
    let hello_zh_tw = "b38e1c27974b88cd5914e36c9e4c6f154aa0b512d614caf2203f285b79352b1d";
    for (source, target, expected) in [
        ("en", "zh", hello_zh),
        ("EN", "ZH", hello_zh),
        ("en", "zh-TW", hello_zh_tw),
        ("en", "zh-tw", hello_zh_tw),
    ] {
        assert_eq!(
            key(source, target, "Hello <x1/>.").to_hex(),
            expected,
            "{source} → {target}"
        );
    }
}

#[test]
fn records_are_served_by_profile_and_human_wins() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let key = key("en", "zh", "Source.");
    store
        .put(&key, &record("pseudo text", Origin::Pseudo, "pseudo"))
        .expect("put");
    assert_eq!(
        store.lookup(&key, &["identity"]).expect("lookup"),
        None,
        "identity never sees pseudo records"
    );
    assert_eq!(store.lookup(&key, &["human", "realtime"]).expect("lookup"), None);
    let found = store
        .lookup(&key, &["human", "pseudo"])
        .expect("lookup")
        .expect("found");
    assert_eq!(found.text, "pseudo text");
    store
        .put(&key, &record("human text", Origin::Human, "human"))
        .expect("put");
    let found = store
        .lookup(&key, &["human", "pseudo"])
        .expect("lookup")
        .expect("found");
    assert_eq!((found.text.as_str(), found.origin), ("human text", Origin::Human));
}

#[test]
fn records_survive_reopening_with_or_without_a_flush() {
    for flushed in [true, false] {
        let dir = tempfile::tempdir().expect("temp dir");
        let key = key("en", "es", "Source.");
        {
            let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
            store
                .put(&key, &record("Fuente.", Origin::Pseudo, "pseudo"))
                .expect("put");
            store.set_meta("note", b"1").expect("meta");
            if flushed {
                store.flush().expect("flush");
            }
        }
        let store = Store::open(dir.path(), Duration::from_secs(1)).expect("reopen");
        assert_eq!(store.recovery(), None);
        assert_eq!(store.n_records(), (1, 0), "flushed: {flushed}");
        assert_eq!(
            store.lookup(&key, &["pseudo"]).expect("lookup").map(|r| r.text),
            Some("Fuente.".to_string())
        );
        assert_eq!(store.meta("note").expect("meta").as_deref(), Some(&b"1"[..]));
    }
}

#[test]
fn threads_that_flush_at_once_all_succeed_and_leave_a_clean_seal() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let store = &store;
                scope.spawn(move || {
                    for i in 0..50 {
                        let key = key("en", "es", &format!("Source {thread} {i}."));
                        store
                            .put(&key, &record("Fuente.", Origin::Pseudo, "pseudo"))
                            .expect("put");
                        store.flush().expect("every flush writes its seal");
                    }
                });
            }
        });
    }
    let sealed = seal::Seal::read(dir.path()).expect("a seal");
    assert_eq!(sealed.state, seal::SealState::Closed);
    assert_eq!(sealed.counts[0], 200);
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("reopen");
    assert_eq!(store.recovery(), None);
    assert_eq!(store.n_records(), (200, 0));
}

#[test]
fn a_second_opener_waits_then_names_the_store_its_holder_and_the_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let _held = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let started = std::time::Instant::now();
    let error = Store::open(dir.path(), Duration::from_millis(300)).expect_err("locked");
    assert!(started.elapsed() >= Duration::from_millis(300), "it waited");
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    let message = error.to_string();
    let expected_start = format!(
        "the translation store {} is in use by process {} (`",
        dir.path().display(),
        std::process::id()
    );
    assert!(message.starts_with(&expected_start), "{message}");
    assert!(
        message.ends_with(
            "(waited 0.3 s); let it finish, or raise `lock-timeout` under [preprocessor.translate] \
             (seconds to wait, now 0.3 s)"
        ),
        "{message}"
    );
}

#[test]
fn the_lock_is_released_when_the_store_is_dropped() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(Store::open(dir.path(), Duration::from_secs(1)).expect("open"));
    Store::open(dir.path(), Duration::from_millis(1)).expect("open again at once");
}

/// Every file under `dir` with its bytes.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| (entry.path().to_path_buf(), std::fs::read(entry.path()).expect("read")))
        .collect()
}

#[test]
fn a_newer_schema_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
        store
            .put(&key("en", "zh", "a"), &record("b", Origin::Pseudo, "pseudo"))
            .expect("put");
    }
    let seal_path = dir.path().join(seal::SEAL_FILE);
    let seal = std::fs::read_to_string(&seal_path).expect("a seal");
    std::fs::write(&seal_path, seal.replace("\"schema\": 2", "\"schema\": 99")).expect("write");
    let before = files_under(dir.path());
    let error = Store::open(dir.path(), Duration::from_secs(1)).expect_err("newer");
    assert!(matches!(error, StoreError::NewerSchema { found: 99, .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the translation store {} has schema 99, newer than this mdbook-translate reads (2); \
             upgrade mdbook-translate or point `cache-dir` elsewhere",
            dir.path().display()
        )
    );
    let lock = dir.path().join(lock::LOCK_FILE);
    let unlocked =
        |files: Vec<(PathBuf, Vec<u8>)>| files.into_iter().filter(|(path, _)| *path != lock).collect::<Vec<_>>();
    assert_eq!(unlocked(files_under(dir.path())), unlocked(before), "no file changed");
}

#[test]
fn a_newer_schema_without_a_seal_is_refused_not_taken_for_damage() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(Store::open(dir.path(), Duration::from_secs(1)).expect("open"));
    std::fs::remove_file(dir.path().join(seal::SEAL_FILE)).expect("remove the seal");
    {
        // What a later version might write: another schema, other counters.
        let db = sled::open(dir.path().join("sled")).expect("sled");
        let meta = db.open_tree("meta").expect("tree");
        meta.insert("schema", "3").expect("insert");
        meta.insert("integrity", "something else").expect("insert");
        db.flush().expect("flush");
    }
    let error = Store::open(dir.path(), Duration::from_secs(1)).expect_err("newer");
    assert!(matches!(error, StoreError::NewerSchema { found: 3, .. }), "{error:?}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        names.len(),
        2,
        "lock and sled only: nothing moved aside, no copy left: {names:?}"
    );
}

#[test]
fn a_database_killed_while_it_was_created_is_an_empty_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    // sled's files, without the schema and counters the store writes next.
    drop(sled::open(dir.path().join("sled")).expect("sled"));
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    assert_eq!(store.recovery(), None);
    assert_eq!(store.meta("schema").expect("meta").as_deref(), Some(&b"2"[..]));
    drop(store);
    assert_eq!(
        Store::open(dir.path(), Duration::from_secs(1))
            .expect("reopen")
            .recovery(),
        None
    );
}

#[test]
fn counts_are_kept_through_puts_replacements_and_removals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let (a, b) = (key("en", "zh", "a"), key("en", "zh", "b"));
    store.put(&a, &record("1", Origin::Pseudo, "pseudo")).expect("put");
    store.put(&a, &record("2", Origin::Pseudo, "pseudo")).expect("replace");
    store.put(&b, &record("3", Origin::Human, "human")).expect("put");
    store.put(&b, &record("4", Origin::Realtime, "realtime")).expect("put");
    assert_eq!(store.n_records(), (2, 1));
    assert!(store.remove_machine(&a, "pseudo").expect("remove"));
    assert!(!store.remove_machine(&a, "pseudo").expect("remove again"));
    assert!(store.remove_human(&b).expect("remove"));
    assert_eq!(store.n_records(), (1, 0));
    drop(store);
    // Reopened after a kill (the seal left open): every entry is read and
    // checked against the counters, which agree.
    let seal_path = dir.path().join(seal::SEAL_FILE);
    let seal = std::fs::read_to_string(&seal_path).expect("a seal");
    std::fs::write(&seal_path, seal.replace("\"closed\"", "\"open\"")).expect("write");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("reopen");
    assert_eq!(store.recovery(), None);
    assert_eq!(store.n_records(), (1, 0));
    assert!(
        !dir.path().join("checking").exists(),
        "the copy made for the check is removed"
    );
}

#[test]
fn a_profile_serves_its_refinements_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let source = key("en", "zh", "Source.");
    store
        .put(
            &source,
            &record("with terminology", Origin::Realtime, "realtime/terms-1"),
        )
        .expect("put");
    store
        .put(&source, &record("pseudo", Origin::Pseudo, "pseudo"))
        .expect("put");
    let text = |profiles: &[&str]| store.lookup(&source, profiles).expect("lookup").map(|r| r.text);
    assert_eq!(text(&["realtime"]).as_deref(), Some("with terminology"));
    assert_eq!(text(&["realtime/terms-1"]).as_deref(), Some("with terminology"));
    assert_eq!(text(&["realtime/terms-2"]), None);
    assert_eq!(
        text(&["real"]),
        None,
        "a prefix that is not a whole profile serves nothing"
    );
    assert_eq!(text(&["pseudo", "realtime"]).as_deref(), Some("pseudo"));
    // Another unit whose key starts with the same bytes is never confused: keys are fixed-length.
    assert_eq!(
        store.lookup(&key("en", "zh", "Other."), &["realtime"]).expect("lookup"),
        None
    );
}

#[test]
fn human_records_lists_the_human_tree_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let zh = key("en", "zh", "Source.");
    let es = key("en", "es", "Source.");
    store.put(&zh, &record("人", Origin::Human, "human")).expect("put");
    store.put(&es, &record("humano", Origin::Human, "human")).expect("put");
    store.put(&zh, &record("机器", Origin::Pseudo, "pseudo")).expect("put");
    let mut found: Vec<(UnitKey, String)> = store
        .human_records()
        .map(|entry| entry.map(|(key, record)| (key, record.text)))
        .collect::<Result<_, _>>()
        .expect("readable");
    found.sort();
    let mut expected = vec![(zh, "人".to_string()), (es, "humano".to_string())];
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn of_several_refinements_the_newest_record_is_served() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let source = key("en", "zh", "Source.");
    let mut older = record("old parallel data", Origin::Act, "act/book@1000");
    older.created = 100;
    let mut newer = record("new parallel data", Origin::Act, "act/book@2000");
    newer.created = 200;
    // The older record's profile sorts first: key order must not decide.
    store.put(&source, &newer).expect("put");
    store.put(&source, &older).expect("put");
    let found = store.lookup(&source, &["act"]).expect("lookup").expect("found");
    assert_eq!(found.text, "new parallel data");
}

#[test]
fn garbage_collection_removes_the_records_of_unused_units_and_human_ones_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let (used, unused) = (key("en", "zh", "Used."), key("en", "zh", "Gone."));
    for unit in [used, unused] {
        store
            .put(&unit, &record("机器", Origin::Pseudo, "pseudo"))
            .expect("put");
        store
            .put(&unit, &record("机器", Origin::Act, "act/book@1"))
            .expect("put");
        store.put(&unit, &record("人", Origin::Human, "human")).expect("put");
    }
    let in_use = |unit: &UnitKey| *unit == used;
    let dry_run = GcOptions {
        human: true,
        dry_run: true,
    };
    let would = store.collect_garbage(&in_use, dry_run).expect("dry run");
    assert_eq!((would.n_machine, would.n_human, would.n_kept), (2, 1, 3));
    assert!(would.bytes > 3 * 32, "{would:?}");
    assert_eq!(store.n_records(), (4, 2), "a dry run removes nothing");
    let machine_only = store.collect_garbage(&in_use, GcOptions::default()).expect("gc");
    assert_eq!(
        (machine_only.n_machine, machine_only.n_human, machine_only.n_human_kept),
        (2, 0, 1)
    );
    assert_eq!(store.n_records(), (2, 2));
    let human = store
        .collect_garbage(
            &in_use,
            GcOptions {
                human: true,
                dry_run: false,
            },
        )
        .expect("gc --human");
    assert_eq!((human.n_machine, human.n_human), (0, 1));
    assert_eq!(store.n_records(), (2, 1));
    assert!(store.lookup(&used, &["human"]).expect("lookup").is_some());
    assert!(store.lookup(&used, &["act"]).expect("lookup").is_some());
}

#[test]
fn records_are_written_compactly_and_read_back_whole() {
    let machine = Record::new(
        "Hello <g1>world</g1>.",
        "Bonjour <g1>monde</g1>.",
        Origin::Act,
        "act/book@3",
    );
    let bytes = record::encode(&machine, Some("act/book@3"));
    assert_eq!(
        bytes.len(),
        2 + 5 + 1 + machine.source.len() + 1 + machine.text.len(),
        "version, origin, time, two lengths, two texts, and no profile: the key holds it"
    );
    assert_eq!(record::decode(&bytes, Some("act/book@3")), Ok(machine.clone()));
    let human = Record::new("Hello.", "你好。", Origin::Human, "human");
    assert_eq!(record::decode(&record::encode(&human, None), None), Ok(human));
    let other_profile = record::encode(&machine, Some("act"));
    assert_eq!(
        record::decode(&other_profile, Some("act")).map(|r| r.profile),
        Ok("act/book@3".to_string())
    );
}

#[test]
fn json_records_of_schema_1_are_still_read() {
    let json = br#"{"v":1,"source":"Hi.","text":"Hola.","origin":"realtime","profile":"realtime","created":7}"#;
    let record = record::decode(json, Some("realtime")).expect("decoded");
    assert_eq!(
        record,
        Record {
            v: 1,
            source: "Hi.".to_string(),
            text: "Hola.".to_string(),
            origin: Origin::Realtime,
            profile: "realtime".to_string(),
            created: 7,
        }
    );
}

#[test]
fn bad_record_bytes_are_errors_that_say_what_is_wrong() {
    let cases: [(&[u8], &str); 6] = [
        (b"", "an empty record"),
        (&[9, 0], "unknown record version 9"),
        (&[2, 42, 0, 0, 0], "unknown origin 42"),
        (&[2, 4, 0, 5, b'a'], "a text of 5 bytes where 1 are left"),
        (
            &[2, 4, 0, 1, 0xff, 0],
            "a text that is not UTF-8: invalid utf-8 sequence of 1 bytes from index 0",
        ),
        (&[2, 0, 0, 0, 0], "a human record without a profile"),
    ];
    for (bytes, expected) in cases {
        assert_eq!(
            record::decode(bytes, if bytes.get(1) == Some(&0) { None } else { Some("p") }).map_err(|e| e.to_string()),
            Err(expected.to_string()),
            "{bytes:?}"
        );
    }
}

proptest::proptest! {
    // A fixed seed: CI runs the same cases every time.
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 512,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_201),
        ..Default::default()
    })]

    #[test]
    fn decoding_any_bytes_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
        let _ = record::decode(&bytes, Some("pseudo"));
        let _ = record::decode(&bytes, None);
        let _ = integrity::Integrity::decode(&bytes);
    }
}

#[test]
fn counters_read_back_as_written() {
    let mut counters = integrity::Integrity {
        generation: 7,
        ..Default::default()
    };
    counters.trees[1].add(integrity::TreeId::Human, b"key", b"value");
    assert_eq!(integrity::Integrity::decode(&counters.encode()), Some(counters));
    assert_eq!(integrity::Integrity::decode(&counters.encode()[..20]), None);
}
