use super::*;
use crate::language::LanguageTag;
use std::time::Duration;

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
fn records_survive_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = key("en", "es", "Source.");
    {
        let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
        store
            .put(&key, &record("Fuente.", Origin::Pseudo, "pseudo"))
            .expect("put");
        store.flush().expect("flush");
    }
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("reopen");
    assert_eq!(
        store.lookup(&key, &["pseudo"]).expect("lookup").map(|r| r.text),
        Some("Fuente.".to_string())
    );
}

#[test]
fn a_second_opener_waits_then_names_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let _held = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let started = std::time::Instant::now();
    let error = Store::open(dir.path(), Duration::from_millis(300)).expect_err("locked");
    assert!(started.elapsed() >= Duration::from_millis(300), "it waited");
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains(&dir.path().display().to_string()), "{message}");
    assert!(message.contains("in use by another process"), "{message}");
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let db = sled::open(dir.path()).expect("sled");
        db.open_tree("meta")
            .expect("tree")
            .insert("schema", "99")
            .expect("insert");
        db.flush().expect("flush");
    }
    let error = Store::open(dir.path(), Duration::from_secs(1)).expect_err("newer");
    assert!(matches!(error, StoreError::NewerSchema { found: 99, .. }), "{error:?}");
    let db = sled::open(dir.path()).expect("sled");
    assert_eq!(
        db.open_tree("meta")
            .expect("tree")
            .get("schema")
            .expect("get")
            .as_deref(),
        Some(&b"99"[..])
    );
}

#[test]
fn a_corrupted_store_gives_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
        store
            .put(&key("en", "zh", "a"), &record("b", Origin::Pseudo, "pseudo"))
            .expect("put");
        store.flush().expect("flush");
    }
    let conf = dir.path().join("conf");
    std::fs::write(&conf, b"garbage that is not a sled configuration").expect("write");
    let error = Store::open(dir.path(), Duration::from_secs(1)).expect_err("corrupted");
    let message = error.to_string();
    assert!(message.contains(&dir.path().display().to_string()), "{message}");
    assert!(matches!(error, StoreError::Corrupted { .. }), "{error:?}");
    assert_eq!(
        std::fs::read(&conf).expect("read"),
        b"garbage that is not a sled configuration",
        "left alone"
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
