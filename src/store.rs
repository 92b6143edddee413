//! The translation store: one sled database per book, in
//! `<cache-dir>/sled/`, beside the store's `lock` and `seal` files.
//!
//! Trees:
//! - `units`: machine translations, keyed by unit key (32 bytes) followed by
//!   the profile that made them (`pseudo`, `identity`, `realtime`, …), so
//!   records of different engines never shadow one another;
//! - `human`: human translations, keyed by unit key; they win over machine ones;
//! - `meta`: the schema version, import fingerprints, the batch run in
//!   progress, pushed parallel data versions, and the counters of every
//!   tree ([`integrity`]).
//!
//! Records of units the book no longer uses go with
//! [`Store::collect_garbage`] (`mdbook-translate gc`).
//!
//! Values are [`Record`]s in a compact binary form with a version byte
//! ([`record`]). Every write goes in
//! one sled transaction with the counters it changes. [`Store::flush`]
//! makes the writes durable and records in the seal what is durable; the
//! pipeline calls it at every batch boundary, so a killed build loses at
//! most the batch in flight and never leaves a half-written record.
//!
//! Opening takes the lock ([`lock`]), then checks the store (`open.rs`): a
//! store closed cleanly whose files have not changed since opens at once;
//! any other is copied aside and checked entry by entry against its
//! counters and seal. A damaged store is moved aside, never deleted, the
//! records that can still be read are kept, and the PO files are imported
//! again ([`Recovery`] says what was lost).

pub mod integrity;
pub mod lock;
mod open;
pub mod record;
mod recovery;
pub mod seal;

use crate::language::LanguageTag;
use integrity::{INTEGRITY_KEY, Integrity, TreeId};
use lock::StoreLock;
pub use recovery::Recovery;
use seal::{Seal, SealState};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The schema this version writes and reads: 2 is the `sled/` folder with
/// compact records and counters; 1 was JSON records in the store folder
/// itself, migrated when opened.
pub const SCHEMA_VERSION: u32 = 2;

/// Version of the key derivation; part of every key.
const KEY_VERSION: &str = "mdbook-translate/unit/1";

/// The key of a unit: SHA-256 over the key version, the language pair and
/// the canonical tagged text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitKey(pub [u8; 32]);

impl UnitKey {
    /// Derives the key of `tagged` text translated from `source_language` to `target_language`.
    /// The languages enter in their canonical form, so every spelling of a
    /// tag (`zh-TW`, `zh-tw`) gives the same key.
    pub fn new(source_language: &LanguageTag, target_language: &LanguageTag, tagged: &str) -> UnitKey {
        let mut hasher = Sha256::new();
        for part in [
            KEY_VERSION,
            source_language.canonical(),
            target_language.canonical(),
            tagged,
        ] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        UnitKey(hasher.finalize().into())
    }

    /// Lower-case hex, for messages.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for UnitKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnitKey({})", &self.to_hex()[..16])
    }
}

/// The two languages of a translation: the book's and the one it is
/// translated into. Every key is derived under a pair.
#[derive(Debug, Clone, Copy)]
pub struct Languages<'a> {
    /// The book's language.
    pub source: &'a LanguageTag,
    /// The language to translate into.
    pub target: &'a LanguageTag,
}

impl Languages<'_> {
    /// The key of `tagged` text under this pair.
    pub fn key(&self, tagged: &str) -> UnitKey {
        UnitKey::new(self.source, self.target, tagged)
    }
}

/// Where a translation came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Written or reviewed by a person.
    Human,
    /// Imported from a translation file without review.
    Imported,
    /// Amazon Translate batch job with parallel data.
    Act,
    /// Amazon Translate real-time.
    Realtime,
    /// Pseudo-localisation.
    Pseudo,
    /// The identity round trip.
    Identity,
}

impl Origin {
    /// The origin's name, as records, summaries and PO comments spell it.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Human => "human",
            Origin::Imported => "imported",
            Origin::Act => "act",
            Origin::Realtime => "realtime",
            Origin::Pseudo => "pseudo",
            Origin::Identity => "identity",
        }
    }
}

/// One stored translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The record format it was read from: 1 for JSON (schema 1 stores), 2 for the compact form.
    pub v: u32,
    /// The source unit's tagged text.
    pub source: String,
    /// The translation, tagged text.
    pub text: String,
    /// Where it came from.
    pub origin: Origin,
    /// The engine profile that made it (backend and settings).
    pub profile: String,
    /// Seconds since the Unix epoch.
    pub created: u64,
}

impl Record {
    /// A record made now.
    pub fn new(source: &str, text: &str, origin: Origin, profile: &str) -> Record {
        Record {
            v: u32::from(record::COMPACT_VERSION),
            source: source.to_string(),
            text: text.to_string(),
            origin,
            profile: profile.to_string(),
            created: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        }
    }
}

/// Failure to open or use the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another process holds the store.
    #[error(
        "the translation store {path} is in use by {holder} (waited {}); let it finish, \
         or raise `lock-timeout` under [preprocessor.translate] (seconds to wait, now {})",
        seconds(*.waited),
        seconds(*.timeout)
    )]
    Locked {
        /// The store folder.
        path: PathBuf,
        /// Who holds it, as it described itself, else "another process".
        holder: String,
        /// How long we waited.
        waited: Duration,
        /// `lock-timeout`.
        timeout: Duration,
    },
    /// Damage found while the store was in use. The store is left for the
    /// next open to check, which moves the damaged files aside and keeps
    /// what can be read.
    #[error(
        "the translation store {path} is damaged ({detail}); run the command again: opening the store \
         checks it, moves the damaged files aside and keeps every record that can still be read"
    )]
    Corrupted {
        /// The store folder.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// Damage was found when opening, and the store could not be rebuilt.
    #[error(
        "the translation store {path} is damaged ({problem}) and could not be rebuilt: {step}: {source}; \
         {what_was_done}; move the folder aside (or delete it: the PO files hold the human translations) and run again"
    )]
    Recovery {
        /// The store folder.
        path: PathBuf,
        /// What was wrong with it.
        problem: String,
        /// What failed.
        step: String,
        /// The error.
        source: std::io::Error,
        /// What had been done to its files when it failed.
        what_was_done: String,
    },
    /// Written by a newer version.
    #[error(
        "the translation store {path} has schema {found}, newer than this mdbook-translate reads ({SCHEMA_VERSION}); \
         upgrade mdbook-translate or point `cache-dir` elsewhere"
    )]
    NewerSchema {
        /// The store folder.
        path: PathBuf,
        /// The schema found.
        found: u32,
    },
    /// A record that cannot be decoded.
    #[error(
        "the translation store {path} holds an unreadable record for unit {key}: {detail}; run the command again: \
         opening the store checks it and keeps every record that can still be read"
    )]
    BadRecord {
        /// The store folder.
        path: PathBuf,
        /// The unit key (hex).
        key: String,
        /// The decoding error.
        detail: String,
    },
    /// Any other IO failure.
    #[error("the translation store {path}: {source}")]
    Io {
        /// The store folder.
        path: PathBuf,
        /// The underlying error.
        source: sled::Error,
    },
    /// The store folder's own files (lock, seal, copies) could not be used.
    #[error("the translation store {path}: {what}: {source}")]
    Files {
        /// The file or folder.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
}

/// `30 s`, `0.3 s`.
fn seconds(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// The open sled database and its trees.
pub(crate) struct Handles {
    db: sled::Db,
    units: sled::Tree,
    human: sled::Tree,
    meta: sled::Tree,
}

impl Handles {
    /// Opens (or creates) the database in `dir`. sled locks its files,
    /// and a handle of this process that was just dropped keeps them (and
    /// the lock) until sled's IO threads let go of them, so a lock held
    /// is waited for a while. (Another process never holds it: the
    /// store's own lock is taken first.)
    pub(crate) fn open(dir: &Path) -> sled::Result<Handles> {
        const LOCK_WAIT: Duration = Duration::from_secs(5);
        let deadline = std::time::Instant::now() + LOCK_WAIT;
        let db = loop {
            match sled::Config::new().path(dir).open() {
                // sled says so in words only.
                Err(sled::Error::Io(error))
                    if error.to_string().starts_with("could not acquire lock")
                        && std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                opened => break opened?,
            }
        };
        Ok(Handles {
            units: db.open_tree(TreeId::Units.name())?,
            human: db.open_tree(TreeId::Human.name())?,
            meta: db.open_tree(TreeId::Meta.name())?,
            db,
        })
    }

    pub(crate) fn tree(&self, tree: TreeId) -> &sled::Tree {
        match tree {
            TreeId::Units => &self.units,
            TreeId::Human => &self.human,
            TreeId::Meta => &self.meta,
        }
    }

    pub(crate) fn flush(&self) -> sled::Result<()> {
        self.db.flush().map(|_| ())
    }

    /// The counters in `meta`, if they are there and readable.
    pub(crate) fn read_integrity(&self) -> sled::Result<Option<Integrity>> {
        Ok(self
            .meta
            .get(INTEGRITY_KEY)?
            .and_then(|bytes| Integrity::decode(&bytes)))
    }

    /// Applies `ops` and the counters they change in one transaction, so
    /// that a crash keeps both or neither; whether each op found an entry.
    pub(crate) fn apply(&self, integrity: &mut Integrity, ops: &[Op]) -> sled::Result<Vec<bool>> {
        use sled::Transactional;
        use sled::transaction::{ConflictableTransactionError, TransactionError};
        let result = (&self.units, &self.human, &self.meta).transaction(|(units, human, meta)| {
            let mut counted = *integrity;
            let mut existed = Vec::with_capacity(ops.len());
            for op in ops {
                let (tree_id, key) = (op.tree(), op.key());
                let tree = match tree_id {
                    TreeId::Units => units,
                    TreeId::Human => human,
                    TreeId::Meta => meta,
                };
                let sums = &mut counted.trees[tree_id.index()];
                let old = match op {
                    Op::Put(_, key, value) => {
                        sums.add(tree_id, key, value);
                        tree.insert(key.as_slice(), value.as_slice())?
                    }
                    Op::Remove(_, key) => tree.remove(key.as_slice())?,
                };
                if let Some(old) = &old {
                    sums.remove(tree_id, key, old);
                }
                existed.push(old.is_some());
            }
            counted.generation += 1;
            meta.insert(INTEGRITY_KEY, counted.encode())?;
            Ok::<_, ConflictableTransactionError<std::convert::Infallible>>((counted, existed))
        });
        match result {
            Ok((counted, existed)) => {
                *integrity = counted;
                Ok(existed)
            }
            Err(TransactionError::Storage(error)) => Err(error),
            Err(TransactionError::Abort(never)) => match never {},
        }
    }
}

/// One write: an entry put into or removed from a tree.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    /// Insert or replace.
    Put(TreeId, Vec<u8>, Vec<u8>),
    /// Remove, if there.
    Remove(TreeId, Vec<u8>),
}

impl Op {
    fn tree(&self) -> TreeId {
        match self {
            Op::Put(tree, ..) | Op::Remove(tree, _) => *tree,
        }
    }

    fn key(&self) -> &[u8] {
        match self {
            Op::Put(_, key, _) | Op::Remove(_, key) => key,
        }
    }
}

/// The store's counters and the writes waiting to be applied.
///
/// A sled transaction costs about ten puts, so writes wait here and go in
/// one transaction (with the counters) when [`MAX_PENDING`] are waiting, at
/// the next read and at every flush: reads always see every write.
struct Writes {
    integrity: Integrity,
    pending: Vec<Op>,
}

/// Writes applied in one transaction at most.
const MAX_PENDING: usize = 1024;

/// The sled store of one book.
pub struct Store {
    path: PathBuf,
    /// `None` only while closing.
    handles: Option<Handles>,
    /// The counters, and the writes not yet applied.
    writes: Mutex<Writes>,
    /// Damage was seen in use: the store is not sealed as closed, so the
    /// next open checks every entry.
    damaged: AtomicBool,
    /// The generation of the last seal written: threads that flush at once
    /// write their seals one at a time, and never an older one over a newer.
    sealed: Mutex<u64>,
    recovery: Option<Recovery>,
    /// Released last, after the seal is written.
    _lock: StoreLock,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (or creates) the store in the folder `path`, waiting up to
    /// `lock_timeout` for another process that holds it. A store that was
    /// not closed cleanly, or whose files changed since, is checked entry
    /// by entry; a damaged one is moved aside and rebuilt from what can be
    /// read ([`Store::recovery`] says what happened).
    pub fn open(path: &Path, lock_timeout: Duration) -> Result<Store, StoreError> {
        std::fs::create_dir_all(path).map_err(|source| StoreError::Files {
            path: path.to_path_buf(),
            what: "creating the folder".to_string(),
            source,
        })?;
        let lock = lock::acquire(path, lock_timeout).map_err(|failure| match failure {
            lock::LockFailure::Held { holder, waited } => StoreError::Locked {
                path: path.to_path_buf(),
                holder: holder.unwrap_or_else(|| "another process".to_string()),
                waited,
                timeout: lock_timeout,
            },
            lock::LockFailure::Io { path, source } => StoreError::Files {
                path,
                what: "taking the lock".to_string(),
                source,
            },
        })?;
        let opened = open::open_files(path)?;
        let store = Store {
            path: path.to_path_buf(),
            handles: Some(opened.handles),
            writes: Mutex::new(Writes {
                integrity: opened.integrity,
                pending: Vec::new(),
            }),
            damaged: AtomicBool::new(false),
            sealed: Mutex::new(0),
            recovery: opened.recovery,
            _lock: lock,
        };
        store.write_seal(SealState::Open, opened.integrity, Vec::new())?;
        Ok(store)
    }

    /// The store folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What opening found and did, when the store was damaged.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    fn handles(&self) -> &Handles {
        self.handles.as_ref().expect("the store is open until dropped")
    }

    fn writes(&self) -> std::sync::MutexGuard<'_, Writes> {
        self.writes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies the waiting writes and `ops` in one transaction; whether
    /// each of `ops` found an entry.
    fn apply(&self, ops: Vec<Op>) -> Result<Vec<bool>, StoreError> {
        let mut writes = self.writes();
        let n_pending = writes.pending.len();
        let mut all = std::mem::take(&mut writes.pending);
        all.extend(ops);
        if all.is_empty() {
            return Ok(Vec::new());
        }
        let Writes { integrity, .. } = &mut *writes;
        let existed = self.handles().apply(integrity, &all).map_err(|e| self.fail(e))?;
        Ok(existed[n_pending..].to_vec())
    }

    /// Queues `ops`, applied with the next transaction.
    fn queue(&self, ops: impl IntoIterator<Item = Op>) -> Result<(), StoreError> {
        let mut writes = self.writes();
        writes.pending.extend(ops);
        if writes.pending.len() >= MAX_PENDING {
            drop(writes);
            self.apply(Vec::new())?;
        }
        Ok(())
    }

    /// The best record for `key` among `profiles`, in their order of
    /// preference; the profile `human` reads the human tree. A profile
    /// also serves the records of its refinements: `realtime` serves
    /// `realtime` and `realtime/<settings>`; of several, the newest.
    pub fn lookup<P: AsRef<str>>(&self, key: &UnitKey, profiles: &[P]) -> Result<Option<Record>, StoreError> {
        self.apply(Vec::new())?;
        let mut machine: Option<Vec<(String, sled::IVec)>> = None;
        for profile in profiles {
            let profile = profile.as_ref();
            if profile == "human" {
                if let Some(bytes) = self.handles().human.get(key.0).map_err(|e| self.fail(e))? {
                    return self.decode(key, &bytes, None).map(Some);
                }
                continue;
            }
            // Every machine record of the unit, read once: a unit has a
            // handful at most (one per engine profile).
            let records = match &mut machine {
                Some(records) => records,
                None => machine.insert(self.machine_records(key)?),
            };
            let refines = |stored: &str| {
                stored == profile || stored.strip_prefix(profile).is_some_and(|rest| rest.starts_with('/'))
            };
            // Of several refinements (ACT records of two parallel data
            // versions), the newest wins.
            let mut best: Option<Record> = None;
            for (stored, bytes) in records.iter().filter(|(stored, _)| refines(stored)) {
                let record = self.decode(key, bytes, Some(stored))?;
                if best.as_ref().is_none_or(|b| record.created >= b.created) {
                    best = Some(record);
                }
            }
            if best.is_some() {
                return Ok(best);
            }
        }
        Ok(None)
    }

    /// The machine records of `key`, with the profile each is stored under.
    fn machine_records(&self, key: &UnitKey) -> Result<Vec<(String, sled::IVec)>, StoreError> {
        self.handles()
            .units
            .scan_prefix(key.0)
            .map(|entry| {
                let (stored_key, bytes) = entry.map_err(|e| self.fail(e))?;
                let profile = String::from_utf8_lossy(&stored_key[key.0.len()..]).into_owned();
                Ok((profile, bytes))
            })
            .collect()
    }

    /// Stores a translation. Human records go to the human tree, others
    /// under their profile.
    pub fn put(&self, key: &UnitKey, record: &Record) -> Result<(), StoreError> {
        self.put_many(std::slice::from_ref(&(*key, record.clone())))
    }

    /// Stores several translations in one write.
    pub fn put_many(&self, records: &[(UnitKey, Record)]) -> Result<(), StoreError> {
        self.queue(records.iter().map(|(key, record)| put_op(key, record)))
    }

    /// Removes the human translation of `key`; whether there was one.
    pub fn remove_human(&self, key: &UnitKey) -> Result<bool, StoreError> {
        Ok(self.apply(vec![Op::Remove(TreeId::Human, key.0.to_vec())])?[0])
    }

    /// Every record, human and machine, with its unit key, in key order:
    /// the human tree first, then the machine records.
    pub fn records(&self) -> impl Iterator<Item = Result<(UnitKey, Record), StoreError>> + '_ {
        self.human_records().chain(
            self.handles()
                .units
                .iter()
                .map(|entry| self.read_entry(entry, TreeId::Units)),
        )
    }

    /// Decodes one entry of the `human` or `units` tree, whose key starts
    /// with the unit key (and, in `units`, goes on with the profile).
    fn read_entry(
        &self,
        entry: sled::Result<(sled::IVec, sled::IVec)>,
        tree: TreeId,
    ) -> Result<(UnitKey, Record), StoreError> {
        let (stored_key, bytes) = entry.map_err(|e| self.fail(e))?;
        let (key, profile) = split_key(&stored_key, tree).ok_or_else(|| {
            self.damaged.store(true, Ordering::Relaxed);
            StoreError::Corrupted {
                path: self.path.clone(),
                detail: format!("a record has a key of {} bytes", stored_key.len()),
            }
        })?;
        self.decode(&key, &bytes, profile.as_deref())
            .map(|record| (key, record))
    }

    /// Removes the machine record of `key` made under `profile`; whether there was one.
    pub fn remove_machine(&self, key: &UnitKey, profile: &str) -> Result<bool, StoreError> {
        Ok(self.apply(vec![Op::Remove(TreeId::Units, machine_key(key, profile))])?[0])
    }

    /// Removes the records whose unit `in_use` does not know: every
    /// machine record of such a unit, and its human record when
    /// `options.human` says so (human records are the PO files' mirror, and
    /// are kept otherwise). With `options.dry_run` nothing is removed and
    /// the report says what would be. Removals go through the store's
    /// counters, like every other write.
    pub fn collect_garbage(
        &self,
        in_use: &dyn Fn(&UnitKey) -> bool,
        options: GcOptions,
    ) -> Result<GcReport, StoreError> {
        self.apply(Vec::new())?;
        let mut report = GcReport::default();
        let mut removals = Vec::new();
        let handles = self.handles();
        for tree in [TreeId::Units, TreeId::Human] {
            let human = tree == TreeId::Human;
            for entry in handles.tree(tree).iter() {
                let (stored_key, bytes) = entry.map_err(|e| self.fail(e))?;
                let Some((key, _)) = split_key(&stored_key, tree) else {
                    continue;
                };
                if in_use(&key) {
                    report.n_kept += 1;
                } else if human && !options.human {
                    report.n_human_kept += 1;
                } else {
                    *(if human {
                        &mut report.n_human
                    } else {
                        &mut report.n_machine
                    }) += 1;
                    report.bytes += (stored_key.len() + bytes.len()) as u64;
                    removals.push(Op::Remove(tree, stored_key.to_vec()));
                }
            }
        }
        if !options.dry_run {
            self.apply(removals)?;
            self.flush()?;
        }
        Ok(report)
    }

    /// A value of the `meta` tree (for example the hash of the last imported PO file).
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.apply(Vec::new())?;
        self.handles()
            .meta
            .get(key)
            .map(|value| value.map(|v| v.to_vec()))
            .map_err(|e| self.fail(e))
    }

    /// Sets a value of the `meta` tree.
    pub fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        assert!(
            key.as_bytes() != INTEGRITY_KEY,
            "the counters are written by the store itself"
        );
        self.queue([Op::Put(TreeId::Meta, key.as_bytes().to_vec(), value.to_vec())])
    }

    /// Removes a value of the `meta` tree.
    pub fn remove_meta(&self, key: &str) -> Result<(), StoreError> {
        assert!(
            key.as_bytes() != INTEGRITY_KEY,
            "the counters are written by the store itself"
        );
        self.queue([Op::Remove(TreeId::Meta, key.as_bytes().to_vec())])
    }

    /// Makes every write so far durable, and records in the seal what is
    /// now durable.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.apply(Vec::new())?;
        // Read before the database flush: whatever another thread applies
        // meanwhile may not be durable, so the seal must not count it.
        let integrity = self.writes().integrity;
        self.handles().flush().map_err(|e| self.fail(e))?;
        self.write_seal(SealState::Open, integrity, Vec::new())
    }

    /// Writes the seal for the durable `integrity`, unless a seal for a
    /// later generation is already written.
    fn write_seal(
        &self,
        state: SealState,
        integrity: Integrity,
        files: Vec<seal::FileStamp>,
    ) -> Result<(), StoreError> {
        let mut sealed = self.sealed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if integrity.generation < *sealed {
            return Ok(());
        }
        let seal = Seal {
            schema: SCHEMA_VERSION,
            state,
            generation: integrity.generation,
            counts: integrity.counts(),
            files,
        };
        seal.write(&self.path).map_err(|source| StoreError::Files {
            path: self.path.join(seal::SEAL_FILE),
            what: "writing the seal".to_string(),
            source,
        })?;
        *sealed = integrity.generation;
        Ok(())
    }

    /// Every human record with its key, in key order. The records of
    /// every language pair are there: compare the key with
    /// [`Languages::key`] of the record's source to keep one pair's.
    pub fn human_records(&self) -> impl Iterator<Item = Result<(UnitKey, Record), StoreError>> + '_ {
        let unapplied = self.apply(Vec::new()).err();
        unapplied.into_iter().map(Err).chain(
            self.handles()
                .human
                .iter()
                .map(|entry| self.read_entry(entry, TreeId::Human)),
        )
    }

    /// Number of machine and human records (kept count of, not counted),
    /// after the waiting writes are applied (if one fails, the next write or
    /// flush reports it).
    pub fn n_records(&self) -> (usize, usize) {
        let _ = self.apply(Vec::new());
        let counts = self.writes().integrity.counts();
        (counts[0] as usize, counts[1] as usize)
    }

    fn decode(&self, key: &UnitKey, bytes: &[u8], profile: Option<&str>) -> Result<Record, StoreError> {
        record::decode(bytes, profile).map_err(|e| {
            self.damaged.store(true, Ordering::Relaxed);
            StoreError::BadRecord {
                path: self.path.clone(),
                key: key.to_hex(),
                detail: e.to_string(),
            }
        })
    }

    /// The error for a failed sled call; damage marks the store for a check.
    fn fail(&self, error: sled::Error) -> StoreError {
        let error = classify(&self.path, error);
        if matches!(error, StoreError::Corrupted { .. }) {
            self.damaged.store(true, Ordering::Relaxed);
        }
        error
    }

    /// Flushes, closes the database and seals it with a stamp of its
    /// files, unless damage was seen: then the seal stays open and the next
    /// open checks every entry.
    fn close(&mut self) -> Result<(), StoreError> {
        if self.handles.is_none() {
            return Ok(());
        }
        let applied = self.apply(Vec::new());
        let integrity = self.writes().integrity;
        let handles = self.handles.take().expect("open until now");
        let flushed = handles.flush();
        drop(handles);
        applied?;
        flushed.map_err(|e| classify(&self.path, e))?;
        if self.damaged.load(Ordering::Relaxed) {
            return Ok(());
        }
        let sled_dir = self.path.join(open::SLED_DIR);
        let files = seal::stamp_files(&sled_dir).map_err(|source| StoreError::Files {
            path: sled_dir,
            what: "reading the database files".to_string(),
            source,
        })?;
        self.write_seal(SealState::Closed, integrity, files)
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Err(error) = self.close() {
            tracing::warn!("closing the translation store: {error}; the next run checks it");
        }
    }
}

/// The write that stores `record` for `key`.
pub(crate) fn put_op(key: &UnitKey, record: &Record) -> Op {
    if record.origin == Origin::Human {
        Op::Put(TreeId::Human, key.0.to_vec(), record::encode(record, None))
    } else {
        Op::Put(
            TreeId::Units,
            machine_key(key, &record.profile),
            record::encode(record, Some(&record.profile)),
        )
    }
}

/// The unit key and (in `units`) the profile of a stored key.
pub(crate) fn split_key(stored_key: &[u8], tree: TreeId) -> Option<(UnitKey, Option<String>)> {
    let key = UnitKey(stored_key.get(..32)?.try_into().ok()?);
    match tree {
        TreeId::Human if stored_key.len() == 32 => Some((key, None)),
        TreeId::Units => Some((key, Some(String::from_utf8_lossy(&stored_key[32..]).into_owned()))),
        _ => None,
    }
}

/// The `meta` key that says whether the human tree holds block-level
/// records for `target` (whole paragraphs from mdbook-i18n-helpers' PO
/// files), which the pipeline then looks up for segments of several units.
pub fn block_records_meta_key(target: &LanguageTag) -> String {
    format!("block-records:{}", target.canonical())
}

fn machine_key(key: &UnitKey, profile: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(32 + profile.len());
    bytes.extend_from_slice(&key.0);
    bytes.extend_from_slice(profile.as_bytes());
    bytes
}

fn classify(path: &Path, error: sled::Error) -> StoreError {
    match error {
        sled::Error::Corruption { .. } => StoreError::Corrupted {
            path: path.to_path_buf(),
            detail: open::sled_problem(&error),
        },
        sled::Error::Unsupported(detail) => StoreError::Corrupted {
            path: path.to_path_buf(),
            detail,
        },
        error => StoreError::Io {
            path: path.to_path_buf(),
            source: error,
        },
    }
}

#[cfg(test)]
mod tests;

/// What [`Store::collect_garbage`] removes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcOptions {
    /// Human records of unused units too.
    pub human: bool,
    /// Count only; remove nothing.
    pub dry_run: bool,
}

/// What [`Store::collect_garbage`] removed (or, in a dry run, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Machine records removed.
    pub n_machine: usize,
    /// Human records removed.
    pub n_human: usize,
    /// Human records of unused units kept (without [`GcOptions::human`]).
    pub n_human_kept: usize,
    /// Records of units in use, kept.
    pub n_kept: usize,
    /// Bytes of the removed records (keys and values) in the store.
    pub bytes: u64,
}
