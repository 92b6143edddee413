//! Damaged stores: every kind of damage is found, reported with what was
//! lost, moved aside as it was found, and what can be read is kept; never
//! a panic, never a claim that a file was left as it was when it was not.

use super::{files_under, key};
use crate::store::seal::Seal;
use crate::store::{Origin, Record, Store, UnitKey};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const N_MACHINE: usize = 300;
const N_HUMAN: usize = 40;

/// Every record of a store, by key and profile.
type Contents = BTreeMap<(UnitKey, String), Record>;

fn contents(store: &Store) -> Contents {
    store
        .records()
        .map(|entry| entry.expect("readable"))
        .map(|(key, record)| ((key, record.profile.clone()), record))
        .collect()
}

/// A store of [`N_MACHINE`] machine and [`N_HUMAN`] human records and an
/// import fingerprint, closed cleanly; its contents.
fn filled_store(dir: &Path) -> Contents {
    let store = Store::open(dir, Duration::from_secs(1)).expect("open");
    for n in 0..N_MACHINE {
        let source = format!("Sentence number {n} of the book, with some words in it.");
        let text = format!("[Śéñţéñçé ñûɱƀéŕ {n} öƒ ţĥé ƀööķ, ŵîţĥ šöɱé ŵöŕðš îñ îţ.]");
        store
            .put(
                &key("en", "zh", &source),
                &Record::new(&source, &text, Origin::Pseudo, "pseudo"),
            )
            .expect("put");
    }
    for n in 0..N_HUMAN {
        let source = format!("Sentence number {n} of the book, with some words in it.");
        let record = Record::new(&source, &format!("人 {n}"), Origin::Human, "human");
        store.put(&key("en", "zh", &source), &record).expect("put");
    }
    store.set_meta("imported:po:zh", b"fingerprint").expect("meta");
    store.set_meta("parallel-data:book", b"1000").expect("meta");
    store.flush().expect("flush");
    contents(&store)
}

/// What a damaged store must become when it is opened: nothing panics, an
/// undamaged store keeps everything, a damaged one reports the counts it
/// held, keeps only original records, sets the damaged files aside as they
/// were found and drops the import fingerprint; a second open is quiet.
#[track_caller]
fn assert_recovers(dir: &Path, original: &Contents, damaged_files: &[(PathBuf, Vec<u8>)], case: &str) {
    let store = Store::open(dir, Duration::from_secs(1)).unwrap_or_else(|e| panic!("{case}: {e}"));
    let now = contents(&store);
    let Some(recovery) = store.recovery().cloned() else {
        assert_eq!(&now, original, "{case}: undamaged, so nothing may be lost");
        return;
    };
    let message = recovery.to_string();
    assert_eq!(
        recovery.expected,
        Some([N_MACHINE as u64, N_HUMAN as u64, 3]),
        "{case}: {message}"
    );
    for (entry, record) in &now {
        assert_eq!(
            original.get(entry),
            Some(record),
            "{case}: only original records are kept"
        );
    }
    let n_machine = now.keys().filter(|(_, profile)| profile == "pseudo").count() as u64;
    assert_eq!(recovery.kept[..2], [n_machine, now.len() as u64 - n_machine], "{case}");
    let moved_to = recovery.moved_to.clone().expect("moved aside");
    assert!(moved_to.starts_with(dir), "{case}: {message}");
    if recovery.moved_as_found {
        let moved: Vec<Vec<u8>> = files_under(&moved_to).into_iter().map(|(_, bytes)| bytes).collect();
        let found: Vec<Vec<u8>> = damaged_files.iter().map(|(_, bytes)| bytes.clone()).collect();
        assert_eq!(
            moved, found,
            "{case}: the files moved aside are the damaged files, unchanged"
        );
    }
    assert!(message.contains(&moved_to.display().to_string()), "{message}");
    assert_eq!(
        store.meta("imported:po:zh").expect("meta"),
        None,
        "{case}: imported again"
    );
    assert_eq!(
        store.meta("parallel-data:book").expect("meta").is_some(),
        recovery.kept[2] > 0
    );
    drop(store);
    let again = Store::open(dir, Duration::from_secs(1)).expect("open again");
    assert_eq!(again.recovery(), None, "{case}: the rebuilt store is healthy");
    assert_eq!(contents(&again), now, "{case}");
}

/// A copy of the filled store in `template` into a new folder.
fn copy_of(template: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files_under(template) {
        let to = dir.path().join(path.strip_prefix(template).expect("under"));
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::write(to, bytes).expect("copy");
    }
    dir
}

fn database_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(&dir.join("sled"))
}

#[test]
fn a_flipped_byte_anywhere_in_the_database_is_found_or_harmless() {
    let template = tempfile::tempdir().expect("temp dir");
    let original = filled_store(template.path());
    let mut rng = StdRng::seed_from_u64(14);
    let mut n_recovered = 0;
    // 400 rounds found 391 damaged stores and 9 flips that changed nothing read.
    for round in 0..40 {
        let dir = copy_of(template.path());
        let files = database_files(dir.path());
        let (path, bytes) = &files[rng.random_range(0..files.len())];
        // A byte that holds data: flips in zeroed space are harmless by construction.
        let written: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] != 0).collect();
        let Some(&at) = written.get(rng.random_range(0..written.len().max(1))) else {
            continue;
        };
        let mut damaged = bytes.clone();
        damaged[at] ^= 1 << rng.random_range(0..8);
        std::fs::write(path, &damaged).expect("flip");
        let case = format!("round {round}: byte {at} of {}", path.display());
        let store_had_damage = {
            assert_recovers(dir.path(), &original, &database_files(dir.path()), &case);
            dir.path()
                .read_dir()
                .expect("list")
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("damaged-"))
        };
        n_recovered += usize::from(store_had_damage);
    }
    assert!(n_recovered > 0, "some flips hit live data");
}

#[test]
fn a_database_cut_short_is_found_and_what_remains_is_kept() {
    let template = tempfile::tempdir().expect("temp dir");
    let original = filled_store(template.path());
    for fraction in [0.5, 0.9, 0.1] {
        let dir = copy_of(template.path());
        let db = dir.path().join("sled/db");
        let bytes = std::fs::read(&db).expect("db");
        std::fs::write(&db, &bytes[..(bytes.len() as f64 * fraction) as usize]).expect("cut");
        let case = format!("db cut to {fraction} of its length");
        assert_recovers(dir.path(), &original, &database_files(dir.path()), &case);
    }
}

#[test]
fn writes_lost_after_they_were_made_durable_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = filled_store(dir.path());
    // The database as it was before the last writes, under the seal written after them.
    let earlier = copy_of(dir.path());
    {
        let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
        store
            .put(
                &key("en", "zh", "late"),
                &Record::new("late", "tard", Origin::Pseudo, "pseudo"),
            )
            .expect("put");
    }
    let seal = Seal::read(dir.path()).expect("a seal");
    std::fs::remove_dir_all(dir.path().join("sled")).expect("remove");
    std::fs::rename(earlier.path().join("sled"), dir.path().join("sled")).expect("put back");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let recovery = store.recovery().expect("damage found");
    assert_eq!(recovery.expected, Some(seal.counts));
    assert_eq!(recovery.lost(), Some((1, 0)), "{recovery}");
    assert!(recovery.problem.starts_with("it is at write "), "{}", recovery.problem);
    assert_eq!(contents(&store), original);
}

#[test]
fn a_missing_database_folder_is_reported_with_what_it_held() {
    let dir = tempfile::tempdir().expect("temp dir");
    filled_store(dir.path());
    std::fs::remove_dir_all(dir.path().join("sled")).expect("remove");
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let recovery = store.recovery().expect("reported");
    assert_eq!(recovery.lost(), Some((N_MACHINE as u64, N_HUMAN as u64)));
    assert_eq!(
        recovery.to_string(),
        format!(
            "the translation store {dir} was damaged: its database folder {dir}/sled is missing.\n\
             It held {N_MACHINE} machine translations, {N_HUMAN} human translations and 3 other entries; \
             0, 0 and 0 of them could be read and were kept: {N_MACHINE} machine and {N_HUMAN} human translations \
             are lost.\n\
             Each language's PO file is imported again on its next build; a lost translation that no PO file \
             holds is made again by a backend that translates, and stays in the source language otherwise.",
            dir = dir.path().display()
        )
    );
}

#[test]
fn a_changed_record_is_found_by_its_checksum() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = filled_store(dir.path());
    let (entry, record) = original.iter().next().expect("a record");
    {
        // Written behind the store's back, as a bug or another tool would.
        let db = sled::open(dir.path().join("sled")).expect("sled");
        let changed = Record {
            text: "changed".to_string(),
            ..record.clone()
        };
        let tree = db.open_tree("units").expect("tree");
        let mut stored_key = entry.0.0.to_vec();
        stored_key.extend_from_slice(entry.1.as_bytes());
        tree.insert(stored_key, crate::store::record::encode(&changed, Some(&entry.1)))
            .expect("insert");
        db.flush().expect("flush");
    }
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let recovery = store.recovery().expect("found");
    assert_eq!(
        recovery.problem,
        "the entries of its `units` tree do not match their checksum"
    );
    assert_eq!(recovery.lost(), Some((0, 0)), "the changed record is still a record");
}

/// A schema 1 store as earlier versions wrote it: JSON records in the store
/// folder itself.
fn write_schema_1_store(dir: &Path, records: &[(UnitKey, Record)]) {
    let db = sled::open(dir).expect("sled");
    let (units, human, meta) = (
        db.open_tree("units").expect("tree"),
        db.open_tree("human").expect("tree"),
        db.open_tree("meta").expect("tree"),
    );
    meta.insert("schema", "1").expect("insert");
    meta.insert("imported:po:zh", "fingerprint").expect("insert");
    for (key, record) in records {
        let json = serde_json::to_vec(record).expect("json");
        if record.origin == Origin::Human {
            human.insert(key.0, json).expect("insert");
        } else {
            let mut stored = key.0.to_vec();
            stored.extend_from_slice(record.profile.as_bytes());
            units.insert(stored, json).expect("insert");
        }
    }
    db.flush().expect("flush");
}

fn schema_1_records() -> Vec<(UnitKey, Record)> {
    (0..50)
        .map(|n| {
            let source = format!("Old sentence {n}.");
            let (origin, profile) = if n % 5 == 0 {
                (Origin::Human, "human")
            } else {
                (Origin::Realtime, "realtime/formal")
            };
            let mut record = Record::new(&source, &format!("旧 {n}"), origin, profile);
            record.v = 1;
            (key("en", "zh", &source), record)
        })
        .collect()
}

#[test]
fn a_schema_1_store_is_moved_to_schema_2_with_every_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = schema_1_records();
    write_schema_1_store(dir.path(), &records);
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    assert_eq!(store.recovery(), None);
    assert_eq!(store.n_records(), (40, 10));
    for (key, record) in &records {
        let found = store
            .lookup(key, &["human", "realtime"])
            .expect("lookup")
            .expect("found");
        assert_eq!(
            (found.text.as_str(), found.origin, found.v),
            (record.text.as_str(), record.origin, 2)
        );
    }
    assert_eq!(store.meta("schema").expect("meta").as_deref(), Some(&b"2"[..]));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["lock", "seal", "sled"], "the schema 1 files are gone");
}

#[test]
fn a_damaged_schema_1_store_is_recovered_without_claiming_counts() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema_1_store(dir.path(), &schema_1_records());
    let conf = dir.path().join("conf");
    std::fs::write(&conf, b"garbage that is not a sled configuration").expect("write");
    let before = files_under(dir.path());
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    let recovery = store.recovery().expect("damage found");
    assert_eq!((recovery.expected, recovery.kept), (None, [0, 0, 0]));
    assert!(recovery.moved_as_found);
    let message = recovery.to_string();
    assert!(message.contains("How many entries it held is not known"), "{message}");
    let moved = recovery.moved_to.clone().expect("moved");
    let moved_files: Vec<Vec<u8>> = files_under(&moved).into_iter().map(|(_, bytes)| bytes).collect();
    let found: Vec<Vec<u8>> = before
        .into_iter()
        .filter(|(path, _)| path.parent() == Some(dir.path()) || path.starts_with(dir.path().join("blobs")))
        .map(|(_, bytes)| bytes)
        .collect();
    assert_eq!(moved_files, found, "moved as found");
}

#[test]
fn a_schema_1_store_that_lost_records_silently_is_imported_again() {
    // Schema 1 kept no counts, so records sled drops without an error
    // cannot be found missing: the migration drops the import fingerprints,
    // so that the PO files are imported again.
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema_1_store(dir.path(), &schema_1_records());
    let store = Store::open(dir.path(), Duration::from_secs(1)).expect("open");
    assert_eq!(store.meta("imported:po:zh").expect("meta"), None);
}
